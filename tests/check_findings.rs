//! What `standings check` finds that only a reader of the finished site would notice: a
//! figure typed by hand into prose, and a link to an anchor its page does not have. Each is
//! reported where the editor wrote it.

mod common;

use std::fs;
use std::path::Path;

use standings::check::{self, CheckOptions};

const ANALYSIS: &str = "content/use-cases/coding/analysis/gpt-5.4.md";

/// Every finding as `file:line:column: message`.
fn findings(root: &Path) -> Vec<String> {
    let options = CheckOptions {
        today: "2026-05-20".parse().ok(),
        ..CheckOptions::default()
    };
    let findings = check::run(root, &options).unwrap_or_else(|e| panic!("{e}"));
    findings
        .diagnostics
        .iter()
        .map(|d| {
            let at = d.location.as_ref().map_or(String::new(), |l| l.to_string());
            format!("{at}: {}", d.message)
        })
        .collect()
}

/// Where `needle` starts in the site file `rel`, as `file:line:column` counted in characters.
fn place(root: &Path, rel: &str, needle: &str) -> String {
    let text = fs::read_to_string(root.join(rel)).unwrap();
    let before = &text[..text.find(needle).unwrap()];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    format!("{rel}:{line}:{column}")
}

#[test]
fn the_example_site_has_nothing_to_report() {
    let site = common::scratch_site();
    assert_eq!(findings(site.path()), Vec::<String>::new());
}

#[test]
fn a_figure_typed_by_hand_is_reported_where_it_was_typed() {
    let site = common::scratch_site();
    // Characters of several bytes inside code and in the text before the figure must not
    // move where it is reported; a model name with digits is not a figure.
    common::edit(
        site.path(),
        ANALYSIS,
        "measure while costing less.",
        "measure while costing «less». Über `é` GPT-5.5 Pro, it writes at 64 tok/s.",
    );
    let found = findings(site.path());
    let at = place(site.path(), ANALYSIS, "64 tok/s");
    assert_eq!(
        found,
        [format!(
            "{at}: `64 tok/s` looks like a figure typed by hand; write it with a binding so it follows the data"
        )]
    );
}

#[test]
fn a_link_to_a_missing_anchor_is_reported_where_it_was_written() {
    missing_anchor_is_reported(false);
}

#[test]
fn links_are_checked_on_a_site_that_minifies_its_pages() {
    // Minified pages drop the quotes around attribute values.
    missing_anchor_is_reported(true);
}

fn missing_anchor_is_reported(minify: bool) {
    let site = common::scratch_site();
    if minify {
        let settings = site.path().join("site.yaml");
        let yaml = fs::read_to_string(&settings).unwrap();
        fs::write(&settings, format!("{yaml}minify: true\n")).unwrap();
    }
    common::edit(
        site.path(),
        ANALYSIS,
        "measure while costing less.",
        "measure while costing less. See [the criteria](/use-cases/coding/#nowhere) and \
         [the breakdown](/use-cases/coding/gpt-5.5/#breakdown).",
    );
    let found = findings(site.path());
    let at = place(site.path(), ANALYSIS, "/use-cases/coding/#nowhere");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(&format!(
            "{at}: the link `/use-cases/coding/#nowhere` points at `#nowhere`"
        )),
        "{found:#?}"
    );
}
