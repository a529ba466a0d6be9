//! `standings serve`: the site built in memory, served on a local address, rebuilt on every
//! change and reloaded in the browser.
//!
//! Files are served from the in-memory build ([`incremental::Files`]), never from the disk,
//! so no request can reach a file outside the site, whatever its path. A watcher rebuilds on
//! every change to the sources; each page served gets a small script that listens to
//! Server-Sent Events and reloads the page after a rebuild. When a rebuild fails, the last
//! good site stays up and every page shows the errors on top of it until a rebuild succeeds.

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tokio::sync::watch;

use crate::content::is_ignored;
use crate::error::{Diagnostic, Error, display_path};
use crate::incremental::{Files, LiveSite, OutputFile, Update};
use crate::input::human_bytes;
use crate::render::escape_html;
use crate::site::LoadOptions;
use crate::terminal::Printer;

/// The port `serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 1111;

/// Where the reload events and script live; outside any path a site can have, because site
/// paths are made of ids, which cannot start with `_`.
const EVENTS_PATH: &str = "/__standings/events";
const SCRIPT_PATH: &str = "/__standings/live.js";

/// The folders and file whose changes trigger a rebuild.
const SOURCE_DIRS: &[&str] = &["data", "content", "templates", "static"];
const SETTINGS: &str = crate::config::SETTINGS_FILE;

/// Listens to the reload events; reloads the page when the site it shows is not the
/// current one (a rebuild happened while it loaded) and after every rebuild.
const LIVE_SCRIPT: &str = r#"(() => {
  const shown = new URL(document.currentScript.src).searchParams.get("v");
  const events = new EventSource("/__standings/events");
  events.addEventListener("version", (e) => { if (e.data !== shown) location.reload(); });
  events.addEventListener("reload", () => location.reload());
})();
"#;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: IpAddr,
    pub port: u16,
    /// Open the site in the default browser once it is built.
    pub open: bool,
}

/// What the server shows: the last good build and, when the latest rebuild failed, why.
#[derive(Clone, Default)]
struct Snapshot {
    files: Option<Arc<Files>>,
    errors: Option<Arc<Vec<Diagnostic>>>,
    /// Increases with every rebuild, good or bad; pages carry it to notice they are old.
    version: u64,
}

/// Builds the site, serves it and rebuilds it on every change, until the process ends.
pub fn run(root: &Path, options: &ServeOptions, printer: Printer) -> Result<(), Error> {
    let root = root
        .canonicalize()
        .map_err(|e| Error::io("find the site folder", root, e))?;
    let listener = TcpListener::bind((options.bind, options.port))
        .map_err(|e| Error::io("listen on", format!("{}:{}", options.bind, options.port), e))?;
    let address = listener
        .local_addr()
        .map_err(|e| Error::io("listen on", options.bind.to_string(), e))?;
    if !options.bind.is_loopback() {
        printer.warning(&format!(
            "warning: serving on {address}, which is not a loopback address: other machines that can reach this one can read the site"
        ));
    }
    let url = format!("http://{}/", local_url_host(address));
    let mut live = LiveSite::new(
        &root,
        LoadOptions {
            base_url: Some(url.clone()),
            // Preview keeps the site's own setting, so `minify: true` can be checked here.
            minify: false,
        },
    );
    let progress = printer.progress("building the site");
    let first = live.rebuild([]);
    progress.finish_and_clear();
    let snapshot = report(&live, first, 1, &printer);
    let (tx, rx) = watch::channel(snapshot);
    start_watcher(live, tx, printer)?;
    printer.info(&format!("serving {url} (press Ctrl-C to stop)"));
    if options.open && webbrowser::open(&url).is_err() {
        printer.warning(&format!("warning: could not open a browser; visit {url}"));
    }
    serve_http(listener, rx)
}

/// The host part of the site's local address: an unspecified bind address (`0.0.0.0`) is
/// reachable from this machine as loopback.
fn local_url_host(address: SocketAddr) -> String {
    match address.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => format!("127.0.0.1:{}", address.port()),
        ip if ip.is_unspecified() => format!("[::1]:{}", address.port()),
        _ => address.to_string(),
    }
}

/// Prints the outcome of a rebuild and turns it into what the server shows next.
fn report(
    live: &LiveSite,
    result: Result<Update, Error>,
    version: u64,
    printer: &Printer,
) -> Snapshot {
    let errors = match result {
        Ok(update) => {
            printer.diagnostics(live.root(), &update.warnings);
            printer.success(&summary(&update));
            None
        }
        Err(e) => {
            let items = match e {
                Error::Content(items) => items,
                other => vec![Diagnostic::general(other.to_string())],
            };
            printer.diagnostics(live.root(), &items);
            let errors = items.iter().filter(|d| d.is_error()).count();
            printer.failure(&format!(
                "rebuild failed with {errors} error{}; {}",
                if errors == 1 { "" } else { "s" },
                if live.files().is_some() {
                    "serving the last good build"
                } else {
                    "nothing to serve until it builds"
                }
            ));
            Some(Arc::new(items))
        }
    };
    Snapshot {
        files: live.files(),
        errors,
        version,
    }
}

fn summary(u: &Update) -> String {
    format!(
        "rebuilt {} of {} pages; {} files, {}, {} changed, in {} ms",
        u.rendered,
        u.pages,
        u.files,
        human_bytes(u.bytes),
        u.changed,
        u.millis
    )
}

// ----- watching the sources -----------------------------------------------------------------

/// Watches the sources on a thread of its own (which owns the watch) and rebuilds after
/// every burst of changes.
fn start_watcher(
    mut live: LiveSite,
    tx: watch::Sender<Snapshot>,
    printer: Printer,
) -> Result<(), Error> {
    let root = live.root().to_path_buf();
    let (events_tx, events_rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(Duration::from_millis(80), None, events_tx)
        .map_err(|e| watch_error(&root, e))?;
    debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| watch_error(&root, e))?;
    let mut watched = HashSet::new();
    watch_new_dirs(&root, &mut watched, |dir| {
        debouncer.watch(dir, RecursiveMode::Recursive)
    })?;
    std::thread::spawn(move || {
        let mut version = 1;
        for result in events_rx {
            let mut changed = match result {
                Ok(events) => changed_sources(&root, &events),
                Err(errors) => {
                    for e in errors {
                        printer.warning(&format!("warning: watching the sources: {e}"));
                    }
                    continue;
                }
            };
            // Files written into a new folder before its watch began are only seen through
            // the folder, so the folder counts as changed.
            match watch_new_dirs(&root, &mut watched, |dir| {
                debouncer.watch(dir, RecursiveMode::Recursive)
            }) {
                Ok(dirs) => changed.extend(dirs),
                Err(e) => printer.warning(&format!("warning: {e}")),
            }
            if changed.is_empty() {
                continue;
            }
            for path in &changed {
                printer.detail(&format!("changed: {}", display_path(path)));
            }
            let result = live.rebuild(changed);
            version += 1;
            if tx.send(report(&live, result, version, &printer)).is_err() {
                break;
            }
        }
    });
    Ok(())
}

fn watch_error(root: &Path, e: notify_debouncer_full::notify::Error) -> Error {
    Error::io("watch", root, std::io::Error::other(e.to_string()))
}

/// Starts watching the source folders that exist and are not watched yet (a site may gain
/// `templates/` or `static/` while it is served); returns them, relative to the root.
fn watch_new_dirs(
    root: &Path,
    watched: &mut HashSet<&'static str>,
    mut watch: impl FnMut(&Path) -> notify_debouncer_full::notify::Result<()>,
) -> Result<Vec<PathBuf>, Error> {
    let mut added = Vec::new();
    for dir in SOURCE_DIRS {
        let full = root.join(dir);
        if !watched.contains(dir) && full.is_dir() {
            watch(&full).map_err(|e| watch_error(&full, e))?;
            watched.insert(dir);
            added.push(PathBuf::from(dir));
        }
    }
    Ok(added)
}

/// The changed source files, relative to the root; editors' temporary files, reads and
/// files outside the sources are left out.
fn changed_sources(root: &Path, events: &[notify_debouncer_full::DebouncedEvent]) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> = events
        .iter()
        .filter(|e| !matches!(e.kind, EventKind::Access(_) | EventKind::Other))
        .flat_map(|e| e.paths.iter())
        .filter_map(|p| p.strip_prefix(root).ok())
        .filter(|rel| is_source(rel))
        .map(Path::to_path_buf)
        .collect();
    changed.sort();
    changed.dedup();
    changed
}

fn is_source(rel: &Path) -> bool {
    let names: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if names.iter().any(|n| is_ignored(n)) {
        return false;
    }
    match names.as_slice() {
        [first, rest @ ..] => {
            SOURCE_DIRS.contains(&first.as_str()) || (rest.is_empty() && first == SETTINGS)
        }
        [] => false,
    }
}

// ----- HTTP ---------------------------------------------------------------------------------

type Shared = watch::Receiver<Snapshot>;

fn serve_http(listener: TcpListener, rx: Shared) -> Result<(), Error> {
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::io("listen on", "the server socket", e))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("start", "the server", e))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Error::io("listen on", "the server socket", e))?;
        axum::serve(listener, router(rx))
            .await
            .map_err(|e| Error::io("serve", "the site", e))
    })
}

fn router(rx: Shared) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(script))
        .fallback(file)
        .with_state(rx)
}

/// The reload events: the current version on connection, then one event per rebuild.
async fn events(State(rx): State<Shared>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut rx = rx.clone();
    let current = rx.borrow_and_update().version;
    let stream = futures_util::stream::unfold((rx, Some(current)), |(mut rx, first)| async move {
        let event = match first {
            Some(v) => Event::default().event("version").data(v.to_string()),
            None => {
                rx.changed().await.ok()?;
                let v = rx.borrow_and_update().version;
                Event::default().event("reload").data(v.to_string())
            }
        };
        Some((Ok(event), (rx, None)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        LIVE_SCRIPT,
    )
        .into_response()
}

/// Serves one file of the site, with the live-reload script (and the errors, if any) added
/// to HTML pages.
async fn file(State(rx): State<Shared>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed\n",
        )
            .into_response();
    }
    let Some(key) = site_file(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad request\n").into_response();
    };
    let snapshot = rx.borrow().clone();
    let Some(files) = &snapshot.files else {
        let page = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>The site does not build</title></head><body>{}</body></html>",
            injection(&snapshot)
        );
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page,
        )
            .into_response();
    };
    let (status, key) = match files.get(&key) {
        Some(_) => (StatusCode::OK, key),
        None if !key.ends_with("index.html")
            && files.contains_key(&format!("{key}/index.html")) =>
        {
            return redirect(&format!("{}/", uri.path()));
        }
        None => (StatusCode::NOT_FOUND, "404.html".to_string()),
    };
    match files.get(&key) {
        Some(found) => respond(&method, &headers, status, &key, found, &snapshot),
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

fn redirect(location: &str) -> Response {
    (
        StatusCode::PERMANENT_REDIRECT,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

/// The file a request path names (`use-cases/coding/index.html`), or `None` when the path
/// is malformed or tries to leave the site: encoded or not, `..` and `.` segments, empty
/// segments (`//etc`), backslashes and NUL bytes are refused.
pub fn site_file(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    let rest = decoded.strip_prefix('/')?;
    if rest.contains(['\\', '\0']) {
        return None;
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        let empty_inside = segment.is_empty() && i != last;
        if empty_inside || *segment == ".." || *segment == "." {
            return None;
        }
    }
    if rest.is_empty() || rest.ends_with('/') {
        Some(format!("{rest}index.html"))
    } else {
        Some(rest.to_string())
    }
}

fn respond(
    method: &Method,
    headers: &HeaderMap,
    status: StatusCode,
    key: &str,
    found: &OutputFile,
    snapshot: &Snapshot,
) -> Response {
    let html = key.ends_with(".html");
    // A page's bytes depend on the live script's version and on the errors shown.
    let etag = if html {
        format!("\"{:016x}-{}\"", found.hash, snapshot.version)
    } else {
        format!("\"{:016x}\"", found.hash)
    };
    let mut response = if status == StatusCode::OK && none_match(headers, &etag) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let body = if html {
            inject(&found.bytes, &injection(snapshot))
        } else {
            found.bytes.clone()
        };
        let length = body.len();
        let mut r = Response::new(if *method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(body)
        });
        *r.status_mut() = status;
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, content_type(key));
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        r
    };
    let h = response.headers_mut();
    if status == StatusCode::OK
        && let Ok(value) = HeaderValue::from_str(&etag)
    {
        h.insert(header::ETAG, value);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Whether `If-None-Match` names the current version of the file.
fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

fn content_type(key: &str) -> HeaderValue {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(mime.subtype().as_str(), "json" | "javascript" | "xml")
        || mime.suffix().is_some_and(|s| s == "xml" || s == "json");
    let value = if text {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

/// The markup added to every page `serve` sends: the errors of a failed rebuild, then the
/// live-reload script. Never part of `build`'s output.
fn injection(snapshot: &Snapshot) -> String {
    let mut html = String::new();
    if let Some(errors) = &snapshot.errors {
        html.push_str(&overlay(errors));
    }
    html.push_str(&format!(
        "<script src=\"{SCRIPT_PATH}?v={}\"></script>",
        snapshot.version
    ));
    html
}

fn inject(page: &[u8], injection: &str) -> Vec<u8> {
    let at = page
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + injection.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(injection.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

/// The errors of a failed rebuild as a panel over the top of the page (styled inline, so it
/// looks the same over any theme); every piece of text is escaped.
fn overlay(errors: &[Diagnostic]) -> String {
    let items: String = errors
        .iter()
        .map(|d| {
            let place = d
                .location
                .as_ref()
                .map(|l| format!("<strong>{}</strong> ", escape_html(&l.to_string())))
                .unwrap_or_default();
            let label = if d.is_error() { "error" } else { "warning" };
            let help = d
                .help
                .as_ref()
                .map(|h| format!("<br><em>{}</em>", escape_html(h)))
                .unwrap_or_default();
            format!(
                "<li style=\"margin:0 0 .6em\">{place}{label}: {}{help}</li>",
                escape_html(&d.message)
            )
        })
        .collect();
    format!(
        "<div id=\"standings-errors\" role=\"alert\" style=\"position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:1em 1.5em;background:#2b0d0d;color:#fff;border-bottom:4px solid #e5484d;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left\"><p style=\"margin:0 0 .6em;font-weight:bold\">The last change does not build. This is the last good version of the page; it reloads when the site builds again.</p><ol style=\"margin:0;padding-left:1.5em\">{items}</ol></div>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_files_inside_the_site() {
        assert_eq!(site_file("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_file("/use-cases/coding/").as_deref(),
            Some("use-cases/coding/index.html")
        );
        assert_eq!(site_file("/css/site.css").as_deref(), Some("css/site.css"));
        assert_eq!(site_file("/a%20b.txt").as_deref(), Some("a b.txt"));
        for bad in [
            "/../site.yaml",
            "/use-cases/../../etc/passwd",
            "/%2e%2e/site.yaml",
            "/%2E%2E%2Fsite.yaml",
            "/..%5csite.yaml",
            "/a\\b",
            "//etc/passwd",
            "/x%00.html",
            "/./index.html",
            "/%ff",
            "relative",
        ] {
            assert_eq!(site_file(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_overlay_escapes_messages() {
        let d = Diagnostic::error(
            crate::error::Location::new("content/<x>.md", 3, 1),
            "bad <script>alert(1)</script>",
        );
        let html = overlay(&[d]);
        assert!(html.contains("content/&lt;x&gt;.md:3:1"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)"), "{html}");
        assert!(!html.contains("<script>alert"), "{html}");
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = b"<html><body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject(page, "<script></script>")).unwrap();
        assert_eq!(out, "<html><body><p>x</p><script></script></BODY></html>");
    }

    #[test]
    fn sources_exclude_temporary_files_and_other_folders() {
        assert!(is_source(Path::new("site.yaml")));
        assert!(is_source(Path::new("content/use-cases/coding/faq.md")));
        assert!(!is_source(Path::new(
            "content/use-cases/coding/.faq.md.swp"
        )));
        assert!(!is_source(Path::new("content/use-cases/coding/faq.md~")));
        assert!(!is_source(Path::new("public/index.html")));
        assert!(!is_source(Path::new("target/debug/x")));
    }
}
