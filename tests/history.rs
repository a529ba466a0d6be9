//! What changed: snapshots recorded from temporary sites, changes planted between them, and
//! what the leaderboards and the feed of ranking changes then say. Each change a snapshot
//! brings is reported once, in the entry of the snapshot that recorded it.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use scraper::Html;
use standings::check::{self, CheckOptions};
use standings::snapshot::{self, Outcome};
use standings::{Error, LoadOptions, Site};

use common::{Lab, sel, text};

/// Five invented models: quality, speed, input and output price.
fn lab() -> Lab {
    Lab::new(&[
        ("a", [Some(80.0), Some(50.0), Some(1.0), Some(4.0)]),
        ("b", [Some(70.0), Some(90.0), Some(2.0), Some(8.0)]),
        ("c", [Some(60.0), Some(70.0), Some(0.5), Some(2.0)]),
        ("d", [Some(50.0), Some(40.0), Some(1.0), None]),
        ("e", [Some(40.0), Some(30.0), None, None]),
    ])
}

fn record(root: &Path, date: &str) -> Vec<snapshot::Recording> {
    let (site, _) = Site::load(root, &LoadOptions::default()).unwrap();
    let plan = snapshot::plan(&site, &[], date.parse().unwrap(), false).unwrap();
    snapshot::write(root, &plan).unwrap();
    plan
}

/// The text of the leaderboard's "What changed" section, if it has one.
fn section(files: &BTreeMap<String, Vec<u8>>, slug: &str) -> Option<String> {
    let html = text(files, &format!("use-cases/{slug}/index.html"));
    let doc = Html::parse_document(&html);
    doc.select(&sel("section[aria-labelledby=changes]"))
        .next()
        .map(|s| words(&s.text().collect::<String>()))
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The feed's entries: (id, updated, title, content as text).
fn feed(files: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String, String, String)> {
    let xml = text(files, "changes.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let atom = "http://www.w3.org/2005/Atom";
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some(atom));
    let child = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((atom, name)))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    for required in ["id", "title", "updated"] {
        assert!(
            !child(root, required).is_empty(),
            "the feed has no {required}"
        );
    }
    root.children()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .map(|e| {
            let content = Html::parse_fragment(&child(e, "content"))
                .root_element()
                .text()
                .collect::<String>();
            (
                child(e, "id"),
                child(e, "updated"),
                child(e, "title"),
                words(&content),
            )
        })
        .collect()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

const QUALITY_OF_C: &str = "Model C: up from #3 to #2 Quality index: 60.0 → 75.0 (+15.0 points)";
const D_LEFT: &str = "Model D: no longer ranked (was #4): status is deprecated";
const F_ENTERED: &str = "Model F: new in the ranking at #4";
const SPEED_OF_A: &str =
    "Model A: up from #3 to #1 Output speed: 50.0 tok/s → 95.0 tok/s (+45.0 tok/s)";
const WEIGHT: &str = "Quality index now weighs 60% (it weighed 70%).";

/// The changes of the first planted step: a figure that moves a model up, a model that
/// leaves the ranking, a model that enters it.
fn plant_first(lab: &Lab) {
    lab.set("c", "quality", Some(75.0));
    lab.status("d", "deprecated");
    lab.model("f", [Some(45.0), Some(35.0), Some(1.0), Some(1.0)]);
}

/// The second: new weights, and a figure that moves another model up.
fn plant_second(lab: &Lab) {
    lab.drafting(60.0, 40.0, 3);
    lab.set("a", "speed", Some(95.0));
}

#[test]
fn without_a_snapshot_there_is_no_section_and_no_feed() {
    let lab = lab();
    let (_, files) = lab.build();
    assert_eq!(section(&files, "drafting"), None);
    assert!(!files.contains_key("changes.xml"));
    let html = text(&files, "use-cases/drafting/index.html");
    assert!(
        !html.contains("ranking changes"),
        "no link to a feed that does not exist"
    );
}

#[test]
fn a_recorded_ranking_without_changes_shows_nothing() {
    let lab = lab();
    record(lab.root(), "2026-03-01");
    let (_, files) = lab.build();
    assert_eq!(
        section(&files, "drafting"),
        None,
        "nothing changed: no section"
    );
    assert!(feed(&files).is_empty());
    let html = text(&files, "use-cases/drafting/index.html");
    assert!(html.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Lab: ranking changes\" href=\"/changes.xml\">"));
}

#[test]
fn changes_not_yet_recorded_are_counted_from_the_newest_snapshot() {
    let lab = lab();
    record(lab.root(), "2026-03-01");
    plant_first(&lab);
    let (_, files) = lab.build();
    let shown = section(&files, "drafting").expect("a section of changes");
    assert!(
        shown.contains("Since the ranking of 1 March 2026:"),
        "{shown}"
    );
    assert!(!shown.contains("recorded on"), "{shown}");
    for change in [
        QUALITY_OF_C,
        D_LEFT,
        F_ENTERED,
        "Model A: down from #2 to #3",
    ] {
        assert_eq!(count(&shown, change), 1, "`{change}` in {shown}");
    }
    assert!(
        !shown.contains("Model B"),
        "B kept its rank and figures: {shown}"
    );
    assert!(
        !shown.contains("Model E"),
        "E stays below the top rows: {shown}"
    );
    assert!(
        feed(&files).is_empty(),
        "only recorded changes are published in the feed"
    );
}

#[test]
fn a_model_removed_from_the_data_is_named_from_the_snapshot() {
    let lab = lab();
    record(lab.root(), "2026-03-01");
    fs::remove_file(lab.root().join("data/models/b.yaml")).unwrap();
    let (_, files) = lab.build();
    let shown = section(&files, "drafting").unwrap();
    assert_eq!(
        count(&shown, "Model B: no longer ranked (was #1)"),
        1,
        "{shown}"
    );
    let html = text(&files, "use-cases/drafting/index.html");
    assert!(
        !html.contains("/models/b/"),
        "no link to a page that does not exist"
    );
}

#[test]
fn each_change_is_reported_once_in_the_entry_of_the_snapshot_that_recorded_it() {
    let lab = lab();
    record(lab.root(), "2026-03-01");
    plant_first(&lab);
    record(lab.root(), "2026-03-02");

    let (_, files) = lab.build();
    let shown = section(&files, "drafting").expect("the recorded changes stay on the page");
    assert!(
        shown.contains("Since the ranking of 1 March 2026, as recorded on 2 March 2026:"),
        "{shown}"
    );
    for change in [QUALITY_OF_C, D_LEFT, F_ENTERED] {
        assert_eq!(count(&shown, change), 1, "`{change}` in {shown}");
    }

    plant_second(&lab);
    record(lab.root(), "2026-03-03");
    let (_, files) = lab.build();
    let shown = section(&files, "drafting").unwrap();
    assert!(
        shown.contains("Since the ranking of 2 March 2026, as recorded on 3 March 2026:"),
        "{shown}"
    );
    assert_eq!(count(&shown, SPEED_OF_A), 1, "{shown}");
    assert_eq!(count(&shown, WEIGHT), 1, "{shown}");
    for old in [QUALITY_OF_C, D_LEFT, F_ENTERED] {
        assert_eq!(
            count(&shown, old),
            0,
            "`{old}` belongs to the step before: {shown}"
        );
    }

    let entries = feed(&files);
    let drafting: Vec<_> = entries
        .iter()
        .filter(|(id, ..)| id.contains("/use-cases/drafting/"))
        .collect();
    assert_eq!(
        drafting.len(),
        2,
        "one entry per recorded change: {entries:#?}"
    );
    let (id, updated, title, content) = drafting[0];
    assert_eq!(
        id,
        "https://lab.example/use-cases/drafting/#changes-2026-03-02-2026-03-03"
    );
    assert_eq!(updated, "2026-03-03T00:00:00Z", "newest first");
    assert_eq!(title, "Drafting: what changed by 3 March 2026");
    assert_eq!(count(content, SPEED_OF_A), 1);
    assert_eq!(count(content, WEIGHT), 1);
    assert_eq!(drafting[1].1, "2026-03-02T00:00:00Z");
    let all: String = drafting.iter().map(|e| e.3.as_str()).collect();
    for change in [QUALITY_OF_C, D_LEFT, F_ENTERED, SPEED_OF_A, WEIGHT] {
        assert_eq!(count(&all, change), 1, "`{change}` in {all}");
    }
    assert!(drafting[1].3.contains(QUALITY_OF_C));
    assert!(
        entries
            .iter()
            .any(|(id, ..)| id.contains("/use-cases/sprint/")),
        "the other use case's changes are in the same feed"
    );
}

#[test]
fn recording_twice_without_a_change_writes_nothing() {
    let lab = lab();
    record(lab.root(), "2026-03-01");
    let again = record(lab.root(), "2026-03-05");
    assert!(
        again
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Unchanged { since } if since.to_string() == "2026-03-01")),
        "{again:?}"
    );
    let dir = lab.root().join("data/history/drafting");
    let names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["2026-03-01.json"]);
}

#[test]
fn a_snapshot_is_the_published_ranking_json() {
    let lab = lab();
    record(lab.root(), "2026-03-01");
    let (_, files) = lab.build();
    for slug in ["drafting", "sprint"] {
        let recorded = fs::read(
            lab.root()
                .join(format!("data/history/{slug}/2026-03-01.json")),
        )
        .unwrap();
        assert_eq!(
            recorded,
            files[&format!("use-cases/{slug}/ranking.json")],
            "{slug}"
        );
    }
}

fn plan(root: &Path, date: &str, force: bool) -> Result<Vec<snapshot::Recording>, Error> {
    let (site, _) = Site::load(root, &LoadOptions::default()).unwrap();
    snapshot::plan(&site, &[], date.parse().unwrap(), force)
}

#[test]
fn a_different_ranking_never_silently_replaces_a_snapshot() {
    let lab = lab();
    record(lab.root(), "2026-03-01");
    let file = lab.root().join("data/history/drafting/2026-03-01.json");
    let before = fs::read(&file).unwrap();
    lab.set("c", "quality", Some(75.0));

    let refused = plan(lab.root(), "2026-03-01", false).unwrap_err();
    assert!(matches!(refused, Error::Usage(_)));
    let message = refused.to_string();
    assert!(
        message.contains("already records a different ranking"),
        "{message}"
    );
    assert!(message.contains("--force"), "{message}");

    let earlier = plan(lab.root(), "2026-02-28", false)
        .unwrap_err()
        .to_string();
    assert!(
        earlier.contains("its newest snapshot is from 2026-03-01, after 2026-02-28"),
        "{earlier}"
    );
    assert_eq!(fs::read(&file).unwrap(), before);
    let inserted = plan(lab.root(), "2026-02-28", true).unwrap();
    assert!(inserted.iter().any(|r| matches!(
        r.outcome,
        Outcome::Write {
            replaces: false,
            ..
        }
    )));

    let forced = plan(lab.root(), "2026-03-01", true).unwrap();
    snapshot::write(lab.root(), &forced).unwrap();
    assert_ne!(fs::read(&file).unwrap(), before);
    assert!(
        forced
            .iter()
            .any(|r| matches!(r.outcome, Outcome::Write { replaces: true, .. }))
    );
}

fn standings(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_standings"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_snapshot_command_says_what_it_did() {
    let lab = lab();
    let root = lab.root().to_str().unwrap();
    let out = standings(&[
        "snapshot",
        "--root",
        root,
        "--date",
        "2026-03-01",
        "drafting",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("recorded data/history/drafting/2026-03-01.json"));
    assert!(
        !lab.root().join("data/history/sprint").exists(),
        "only the use case named"
    );

    let out = standings(&["snapshot", "--root", root, "--date", "2026-03-02"]);
    assert!(out.status.success());
    let said = stderr(&out);
    assert!(
        said.contains("drafting: the ranking is the one recorded on 2026-03-01; nothing written"),
        "{said}"
    );
    assert!(
        said.contains("recorded data/history/sprint/2026-03-02.json"),
        "{said}"
    );

    lab.set("b", "speed", Some(99.0));
    let out = standings(&["snapshot", "--root", root, "--date", "2026-03-02"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"));

    let out = standings(&["snapshot", "--root", root, "--date", "2026-3-4"]);
    assert_eq!(out.status.code(), Some(2));
    let out = standings(&["snapshot", "--root", root, "draftng"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `drafting`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn build_record_records_only_a_build_that_succeeds() {
    let lab = lab();
    let root = lab.root().to_str().unwrap();
    let public = lab.root().join("public");
    let out = standings(&[
        "build",
        "--root",
        root,
        "--output",
        public.to_str().unwrap(),
        "--record",
        "--date",
        "2026-03-01",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        lab.root()
            .join("data/history/drafting/2026-03-01.json")
            .is_file()
    );
    assert!(public.join("changes.xml").is_file());

    plant_first(&lab);
    lab.write("data/models/broken.yaml", "name: [\n");
    let out = standings(&[
        "build",
        "--root",
        root,
        "--output",
        public.to_str().unwrap(),
        "--record",
        "--date",
        "2026-03-02",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !lab.root()
            .join("data/history/drafting/2026-03-02.json")
            .exists()
    );

    fs::remove_file(lab.root().join("data/models/broken.yaml")).unwrap();
    let out = standings(&[
        "build",
        "--root",
        root,
        "--output",
        public.to_str().unwrap(),
        "--record",
        "--date",
        "2026-03-02",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = fs::read_to_string(public.join("use-cases/drafting/index.html")).unwrap();
    assert!(
        page.contains("as recorded on <time datetime=\"2026-03-02\">"),
        "the page shows the snapshot it recorded"
    );

    let out = standings(&["build", "--root", root, "--date", "2026-03-02"]);
    assert_eq!(out.status.code(), Some(2), "--date needs --record");
}

fn load_error(root: &Path) -> String {
    match Site::load(root, &LoadOptions::default()) {
        Err(e) => e
            .diagnostics()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        Ok(_) => panic!("the site loaded"),
    }
}

#[test]
fn a_broken_snapshot_is_reported_at_its_place() {
    let lab = lab();
    record(lab.root(), "2026-03-01");
    let rel = "data/history/drafting/2026-03-01.json";
    let good = fs::read_to_string(lab.root().join(rel)).unwrap();

    lab.write(rel, &good.replacen("\"top\": 3,", "\"top\": 3", 1));
    // The parser stops at the start of the field after `top`, whichever it is.
    let line = good
        .lines()
        .position(|l| l.contains("\"top\": 3,"))
        .unwrap()
        + 2;
    let message = load_error(lab.root());
    assert!(
        message.starts_with(&format!(
            "{rel}:{line}:3: error: the snapshot is not valid JSON: expected `,` or `}}`"
        )),
        "{message}"
    );

    lab.write(
        rel,
        &good.replacen("\"use_case\": \"drafting\"", "\"use_case\": \"sprint\"", 1),
    );
    let message = load_error(lab.root());
    assert!(
        message.starts_with(&format!(
            "{rel}:2:3: error: this snapshot records the use case `sprint`"
        )),
        "{message}"
    );

    lab.write(rel, &good.replacen("\"ranked\"", "\"rnked\"", 1));
    let message = load_error(lab.root());
    assert!(
        message.contains("the snapshot is not a ranking.json: missing field `ranked`"),
        "{message}"
    );

    lab.write(rel, &good);
    lab.write("data/history/drafting/latest.json", &good);
    let message = load_error(lab.root());
    assert!(message.starts_with("data/history/drafting/latest.json:1:1: error: `data/history/drafting/latest.json` is not a snapshot"), "{message}");
}

#[test]
fn check_reports_snapshots_of_a_use_case_the_site_does_not_have() {
    let lab = lab();
    record(lab.root(), "2026-03-01");
    fs::rename(
        lab.root().join("data/history/sprint"),
        lab.root().join("data/history/sprinting"),
    )
    .unwrap();
    let findings = check::run(lab.root(), &CheckOptions::default()).unwrap();
    let found: Vec<String> = findings
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("not a use case"))
        .map(ToString::to_string)
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", findings.diagnostics);
    assert!(found[0].starts_with("data/history/sprinting:1:1: warning: `data/history/sprinting/` holds snapshots of `sprinting`"), "{}", found[0]);
    assert!(found[0].contains("did you mean `sprint`?"), "{}", found[0]);
    assert_eq!(findings.errors(), 0);
}

#[test]
fn builds_with_history_are_byte_identical() {
    let lab = lab();
    record(lab.root(), "2026-03-01");
    plant_first(&lab);
    record(lab.root(), "2026-03-02");
    plant_second(&lab);
    let (_, first) = lab.build();
    let (_, second) = lab.build();
    assert!(first.contains_key("changes.xml"));
    assert_eq!(first, second);
}

#[test]
fn prose_may_link_to_every_data_file_the_changes_feed_among_them() {
    // The data files are made beside the pages, so the links to them are checked against
    // the files the build plans to write; a file missing from that plan would fail this
    // build as a broken link.
    let lab = lab();
    record(lab.root(), "2026-03-01");
    let links = [
        "/changes.xml",
        "/use-cases/drafting/ranking.json",
        "/use-cases/sprint/ranking.csv",
        "/data/models.json",
        "/sitemap.xml",
        "/social.png",
        "/use-cases/sprint/social.png",
    ];
    let list: String = links.iter().map(|l| format!("- [{l}]({l})\n")).collect();
    lab.write(
        "content/guides/files.md",
        &format!("---\ntitle: The files\ndescription: Every data file.\n---\n{list}"),
    );
    let (_, files) = lab.build();
    let guide = text(&files, "guides/files/index.html");
    for link in links {
        assert!(guide.contains(&format!("href=\"{link}\"")), "{link}");
        assert!(files.contains_key(&link[1..]), "{link} is not written");
    }
}
