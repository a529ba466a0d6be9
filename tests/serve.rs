//! `standings serve` as an editor uses it: the binary started on a free port, pages fetched
//! over HTTP, files changed on disk and the result observed. Waits are bounded polls, never
//! fixed sleeps that a slow machine could outrun.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use std::{fs, thread};

use common::scratch_site;

const PATIENCE: Duration = Duration::from_secs(60);

/// A running `standings serve`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_standings"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = Arc::clone(&log);
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("serving http://") {
                    let url = line[at + "serving ".len()..]
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    let _ = tx.send(url);
                }
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let url = rx
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("serve did not start: {}", log.lock().unwrap()));
        Server { child, url, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn address(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn reply(response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let body = response.into_body().read_to_string().unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}

fn get(server: &Server, path: &str) -> Reply {
    reply(agent().get(format!("{}{path}", server.url)).call().unwrap())
}

/// Polls until `check` holds, failing with `what` after a bounded wait.
fn eventually(server: &Server, what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if check() {
            return;
        }
        thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "timed out waiting for {what}; server log:\n{}",
        server.log()
    );
}

#[test]
fn pages_have_types_validators_and_the_reload_script() {
    let site = scratch_site();
    let server = Server::start(site.path());

    let home = get(&server, "");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.body.contains("/__standings/live.js?v="),
        "{}",
        home.body
    );
    let script = get(&server, "__standings/live.js");
    assert!(script.body.contains("EventSource"));

    // The stylesheet is published under a hashed name; follow the page's own link.
    let href = home
        .body
        .split("href=\"/")
        .map(|rest| rest.split('"').next().unwrap())
        .find(|path| path.starts_with("css/site.") && path.ends_with(".css"))
        .expect("the page links its stylesheet")
        .to_string();
    let css = get(&server, &href);
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(!css.body.contains("live.js"), "only pages get the script");
    let json = get(&server, "use-cases/coding/ranking.json");
    assert!(
        json.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let ranking: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(ranking["use_case"], "coding");

    let missing = get(&server, "no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("live.js"), "the 404 page is served");
    let moved = get(&server, "use-cases/coding");
    assert_eq!(moved.status, 308);
    assert_eq!(moved.header("location"), Some("/use-cases/coding/"));

    let head = reply(
        agent()
            .head(format!("{}use-cases/coding/", server.url))
            .call()
            .unwrap(),
    );
    let page = get(&server, "use-cases/coding/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(page.body.len().to_string().as_str())
    );
    let etag = css.header("etag").unwrap().to_string();
    let again = reply(
        agent()
            .get(format!("{}{href}", server.url))
            .header("If-None-Match", &etag)
            .call()
            .unwrap(),
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let page_etag = page.header("etag").unwrap().to_string();
    let page_again = reply(
        agent()
            .get(format!("{}use-cases/coding/", server.url))
            .header("If-None-Match", &page_etag)
            .call()
            .unwrap(),
    );
    assert_eq!(page_again.status, 304);
}

/// Reads Server-Sent Events on a thread of its own and hands over each `event:` name.
fn listen(server: &Server) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let url = format!("{}__standings/events", server.url);
    thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(None)
            .build()
            .into();
        let Ok(response) = agent.get(&url).call() else {
            return;
        };
        let reader = BufReader::new(response.into_body().into_reader());
        for line in reader.lines().map_while(Result::ok) {
            if let Some(name) = line.strip_prefix("event: ")
                && tx.send(name.to_string()).is_err()
            {
                return;
            }
        }
    });
    rx
}

#[test]
fn an_edit_is_served_and_announced() {
    let site = scratch_site();
    let server = Server::start(site.path());
    let events = listen(&server);
    assert_eq!(events.recv_timeout(PATIENCE).as_deref(), Ok("version"));

    let page = "use-cases/coding/gpt-5.4/";
    assert!(
        !get(&server, page)
            .body
            .contains("A sentence added while serving")
    );
    let rel = "content/use-cases/coding/analysis/gpt-5.4.md";
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(site.path().join(rel))
        .unwrap();
    writeln!(file, "\nA sentence added while serving.").unwrap();
    drop(file);

    eventually(&server, "the edited analysis", || {
        get(&server, page)
            .body
            .contains("A sentence added while serving")
    });
    assert_eq!(events.recv_timeout(PATIENCE).as_deref(), Ok("reload"));
    eventually(&server, "the rebuild's summary line", || {
        server.log().contains("rebuilt 2 of ")
    });
}

#[test]
fn a_broken_file_shows_the_errors_over_the_last_good_page() {
    let site = scratch_site();
    let server = Server::start(site.path());
    let before = get(&server, "use-cases/coding/");
    assert!(!before.body.contains("standings-errors"));

    common::edit(
        site.path(),
        "data/models/gpt-5.5.yaml",
        "aa_coding_index: 59.1",
        "aa_coding_index: <b>fifty-nine</b>",
    );
    eventually(&server, "the error overlay", || {
        get(&server, "use-cases/coding/")
            .body
            .contains("standings-errors")
    });
    let broken = get(&server, "use-cases/coding/");
    assert_eq!(broken.status, 200, "the last good page is still served");
    assert!(
        broken.body.contains("data/models/gpt-5.5.yaml:12:3"),
        "{}",
        broken.body
    );
    assert!(
        !broken.body.contains("<b>fifty-nine"),
        "the message is escaped"
    );
    let last_good = before
        .body
        .split("<script src=\"/__standings")
        .next()
        .unwrap();
    assert!(broken.body.starts_with(last_good));
    assert!(
        get(&server, "models/gpt-5.5/")
            .body
            .contains("standings-errors")
    );
    assert!(
        server.log().contains("rebuild failed with 1 error"),
        "{}",
        server.log()
    );

    common::edit(
        site.path(),
        "data/models/gpt-5.5.yaml",
        "aa_coding_index: <b>fifty-nine</b>",
        "aa_coding_index: 59.1",
    );
    eventually(&server, "the overlay to go", || {
        !get(&server, "use-cases/coding/")
            .body
            .contains("standings-errors")
    });
}

/// Sends a request exactly as written (no client normalises the path) and returns the
/// whole response.
fn raw(server: &Server, target: &str) -> String {
    let mut stream = TcpStream::connect(server.address()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address()
    )
    .unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

#[test]
fn no_path_reaches_a_file_outside_the_site() {
    let site = scratch_site();
    fs::write(site.path().join("secret.txt"), "TOP-SECRET\n").unwrap();
    let server = Server::start(site.path());
    assert!(raw(&server, "/robots.txt").starts_with("HTTP/1.1 200"));
    for target in [
        "/../secret.txt",
        "/../site.yaml",
        "/css/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/css/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/secret.txt%00.html",
        "/site.yaml",
        "/data/models/gpt-5.5.yaml",
        "http://localhost/../secret.txt",
    ] {
        let response = raw(&server, target);
        let status = response.lines().next().unwrap_or_default();
        assert!(
            status.starts_with("HTTP/1.1 400") || status.starts_with("HTTP/1.1 404"),
            "{target}: {status}"
        );
        for secret in ["TOP-SECRET", "root:", "base_url:", "aa_coding_index: 59.1"] {
            assert!(!response.contains(secret), "{target} revealed {secret}");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_static_is_refused_not_followed() {
    let site = scratch_site();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), "TOP-SECRET\n").unwrap();
    let server = Server::start(site.path());
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path().join("static/linked.txt"),
    )
    .unwrap();
    eventually(&server, "the link to be reported", || {
        get(&server, "").body.contains("symbolic link")
    });
    let linked = get(&server, "linked.txt");
    assert_eq!(linked.status, 404);
    assert!(!linked.body.contains("TOP-SECRET"));
}
