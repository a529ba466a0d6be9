//! Incremental rebuilds give exactly the site a full build gives, after every kind of change,
//! while rendering only the pages the change affects.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use standings::incremental::LiveSite;
use standings::output::MemoryOutput;
use standings::snapshot;
use standings::{LoadOptions, Site};

use common::scratch_site;

const BASE: &str = "http://127.0.0.1:1111/";

fn options() -> LoadOptions {
    LoadOptions {
        base_url: Some(BASE.into()),
        ..LoadOptions::default()
    }
}

/// Every file of a full build, from scratch.
fn full_build(root: &Path) -> Vec<(String, Vec<u8>)> {
    let (site, _) = Site::load(root, &options()).unwrap();
    let out = MemoryOutput::new();
    standings::build(Arc::new(site), &out).unwrap();
    out.into_files().into_iter().collect()
}

fn live_files(live: &LiveSite) -> Vec<(String, Vec<u8>)> {
    live.files()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.bytes.clone()))
        .collect()
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) -> PathBuf {
    common::edit(root, rel, from, to);
    PathBuf::from(rel)
}

fn assert_same_as_full_build(live: &LiveSite, root: &Path, after: &str) {
    let expected = full_build(root);
    let actual = live_files(live);
    let paths = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&actual), paths(&expected), "after {after}");
    for ((path, a), (_, b)) in actual.iter().zip(&expected) {
        assert!(a == b, "after {after}, {path} differs from a full build");
    }
}

#[test]
fn every_kind_of_change_matches_a_full_build() {
    let site = scratch_site();
    let root = site.path();
    let mut live = LiveSite::new(root, options());
    let first = live.rebuild([]).unwrap();
    assert_eq!(first.rendered, first.pages);
    assert_same_as_full_build(&live, root, "the first build");

    let analysis = "content/use-cases/coding/analysis/gpt-5.4.md";
    let changed = edit(root, analysis, "\n\n", "\n\nAn added paragraph.\n\n");
    let update = live.rebuild([changed]).unwrap();
    assert!(
        update.rendered <= 2,
        "an analysis re-renders its page and the leaderboard, not {} pages",
        update.rendered
    );
    assert_same_as_full_build(&live, root, "an analysis edit");

    let faq = edit(
        root,
        "content/use-cases/coding/faq.md",
        "## ",
        "## An added question?\n\nAn answer.\n\n## ",
    );
    let update = live.rebuild([faq]).unwrap();
    assert!(update.rendered <= 3, "{} pages", update.rendered);
    assert_same_as_full_build(&live, root, "a FAQ edit");

    let prompts = edit(
        root,
        "content/use-cases/agentic-coding/prompts.md",
        "title: ",
        "title: Renamed ",
    );
    live.rebuild([prompts]).unwrap();
    assert_same_as_full_build(&live, root, "a prompts edit");

    let figure = edit(
        root,
        "data/models/gpt-5.4.yaml",
        "output_speed:",
        "output_speed: 300\n  was_output_speed:",
    );
    // The edit above is an unknown metric on purpose: the rebuild fails and the last good
    // site stays.
    assert!(live.rebuild([figure.clone()]).is_err());
    assert!(live.files().is_some());
    edit(
        root,
        "data/models/gpt-5.4.yaml",
        "output_speed: 300\n  was_output_speed:",
        "output_speed:",
    );
    live.rebuild([figure.clone()]).unwrap();
    assert_same_as_full_build(&live, root, "a broken then repaired data file");

    let text = fs::read_to_string(root.join(&figure)).unwrap();
    let value = text
        .lines()
        .find(|l| l.trim_start().starts_with("aa_coding_index:"))
        .unwrap()
        .to_string();
    fs::write(
        root.join(&figure),
        text.replace(&value, "  aa_coding_index: 57.9"),
    )
    .unwrap();
    let update = live.rebuild([figure]).unwrap();
    assert!(update.rendered < update.pages, "{update:?}");
    assert_same_as_full_build(&live, root, "a model's figure");

    let summary = edit(
        root,
        "content/use-cases/agentic-coding/index.md",
        "\n---\n",
        "\n---\nAn added sentence.\n\n",
    );
    live.rebuild([summary]).unwrap();
    assert_same_as_full_build(&live, root, "a use case's summary");

    let weights = edit(
        root,
        "content/use-cases/agentic-coding/index.md",
        "weight: 45",
        "weight: 40",
    );
    let text = fs::read_to_string(root.join(&weights)).unwrap();
    fs::write(
        root.join(&weights),
        text.replacen("weight: 10", "weight: 15", 1),
    )
    .unwrap();
    live.rebuild([weights]).unwrap();
    assert_same_as_full_build(&live, root, "a use case's weights");

    fs::create_dir_all(root.join("templates")).unwrap();
    let base = fs::read_to_string(root.join("templates/base.html")).unwrap();
    fs::write(
        root.join("templates/base.html"),
        base.replacen("<body", "<body data-edited", 1),
    )
    .unwrap();
    let update = live
        .rebuild([PathBuf::from("templates/base.html")])
        .unwrap();
    assert_eq!(update.rendered, update.pages);
    assert_same_as_full_build(&live, root, "a template");

    // The figure rows are rendered once per model and kept: an edit must still reach them.
    let rows = "templates/partials/figure_rows.html";
    let text = fs::read_to_string(root.join(rows)).unwrap();
    fs::write(
        root.join(rows),
        text.replacen("<tr>", "<tr data-edited>", 1),
    )
    .unwrap();
    live.rebuild([PathBuf::from(rows)]).unwrap();
    let files = live.files().unwrap();
    let profile = String::from_utf8_lossy(&files["models/gpt-5.5/index.html"].bytes);
    assert!(profile.contains("<tr data-edited>"));
    assert_same_as_full_build(&live, root, "a partial rendered once per model");

    // So is the navigation, rendered once per build.
    let nav = "templates/partials/site_nav.html";
    let text = fs::read_to_string(root.join(nav)).unwrap();
    fs::write(root.join(nav), text.replacen("<nav", "<nav data-edited", 1)).unwrap();
    live.rebuild([PathBuf::from(nav)]).unwrap();
    let files = live.files().unwrap();
    for page in [
        "index.html",
        "models/gpt-5.5/index.html",
        "use-cases/coding/index.html",
    ] {
        let html = String::from_utf8_lossy(&files[page].bytes);
        assert!(html.contains("<nav data-edited"), "{page}");
    }
    assert_same_as_full_build(&live, root, "the navigation, rendered once per build");

    fs::write(root.join("static/notes.txt"), "hello\n").unwrap();
    let update = live.rebuild([PathBuf::from("static/notes.txt")]).unwrap();
    assert_eq!(update.rendered, 0);
    assert_same_as_full_build(&live, root, "a new static file");

    fs::remove_file(root.join(analysis)).unwrap();
    live.rebuild([PathBuf::from(analysis)]).unwrap();
    assert_same_as_full_build(&live, root, "a deleted analysis");
}

#[test]
fn a_broken_analysis_keeps_the_last_good_site_until_fixed() {
    let site = scratch_site();
    let root = site.path();
    let mut live = LiveSite::new(root, options());
    live.rebuild([]).unwrap();
    let before = live.files().unwrap();
    let rel = "content/use-cases/coding/analysis/gpt-5.5.md";
    let original = fs::read_to_string(root.join(rel)).unwrap();
    fs::write(
        root.join(rel),
        format!("{original}\n{{{{ figure(model=\"gpt-55\", metric=\"aa_coding_index\") }}}}\n"),
    )
    .unwrap();
    let error = live.rebuild([PathBuf::from(rel)]).unwrap_err();
    let message = format!("{:?}", error.diagnostics());
    assert!(message.contains("gpt-5.5.md"), "{message}");
    assert!(message.contains("did you mean `gpt-5.5`?"), "{message}");
    assert!(Arc::ptr_eq(&before, &live.files().unwrap()));

    fs::write(
        root.join(rel),
        format!("{original}\nSee [the ranking](/use-cases/codng/).\n"),
    )
    .unwrap();
    let error = live.rebuild([PathBuf::from(rel)]).unwrap_err();
    let message = format!("{:?}", error.diagnostics());
    assert!(message.contains("leads to no page"), "{message}");

    fs::write(root.join(rel), &original).unwrap();
    let update = live.rebuild([PathBuf::from(rel)]).unwrap();
    assert_eq!(update.changed, 0, "the repaired file renders as before");
    assert_same_as_full_build(&live, root, "a repaired analysis");
}

fn bytes(live: &LiveSite, path: &str) -> Vec<u8> {
    live.files().unwrap()[path].bytes.clone()
}

#[test]
fn comparisons_and_changes_follow_figures_and_snapshots() {
    let site = scratch_site();
    let root = site.path();
    let _ = fs::remove_dir_all(root.join("data/history"));
    let mut live = LiveSite::new(root, options());
    live.rebuild([]).unwrap();
    let with_it = "compare/gpt-5.4-vs-gpt-5.5/index.html";
    let without_it = "compare/claude-opus-4.7-vs-gpt-5.5/index.html";
    let (before_with, before_without) = (bytes(&live, with_it), bytes(&live, without_it));

    // A price is no criterion of any ranking, but the comparisons of its model show it.
    let price = edit(
        root,
        "data/models/gpt-5.4.yaml",
        "price_input: 2.5",
        "price_input: 2.25",
    );
    let update = live.rebuild([price]).unwrap();
    assert!(update.rendered < update.pages, "{update:?}");
    assert_ne!(bytes(&live, with_it), before_with);
    assert!(
        String::from_utf8(bytes(&live, with_it))
            .unwrap()
            .contains("$2.25")
    );
    assert_eq!(bytes(&live, without_it), before_without);
    assert_same_as_full_build(&live, root, "a price shown on comparisons");

    let (loaded, _) = Site::load(root, &options()).unwrap();
    let plan = snapshot::plan(&loaded, &[], "2026-12-01".parse().unwrap(), false).unwrap();
    snapshot::write(root, &plan).unwrap();
    let recorded = PathBuf::from("data/history/coding/2026-12-01.json");
    live.rebuild([
        recorded.clone(),
        PathBuf::from("data/history/agentic-coding/2026-12-01.json"),
    ])
    .unwrap();
    assert!(live.files().unwrap().contains_key("changes.xml"));
    assert_same_as_full_build(&live, root, "the first snapshots");

    let figure = edit(
        root,
        "data/models/gpt-5.4.yaml",
        "aa_coding_index: 57.3",
        "aa_coding_index: 57.9",
    );
    live.rebuild([figure]).unwrap();
    let page = String::from_utf8(bytes(&live, "use-cases/coding/index.html")).unwrap();
    assert!(page.contains("AA Coding Index: 57.3 → 57.9 (+0.6 points)"));
    assert_same_as_full_build(&live, root, "a figure changed since the snapshot");

    fs::remove_file(root.join(&recorded)).unwrap();
    live.rebuild([recorded]).unwrap();
    let page = String::from_utf8(bytes(&live, "use-cases/coding/index.html")).unwrap();
    assert!(!page.contains("id=\"changes\""));
    assert_same_as_full_build(&live, root, "a deleted snapshot");
}

/// The sentence on why a model is below the rows reads the last row, and the editor's note
/// shows on the model's profile: both must follow a change made while serving.
#[test]
fn why_not_sentences_follow_the_rows_they_compare_with() {
    let site = scratch_site();
    let root = site.path();
    let coding = fs::read_to_string(root.join("content/use-cases/coding/index.md")).unwrap();
    let end = coding[3..].find("\n---\n").unwrap() + 4;
    let ranking = coding[coding.find("ranking:\n").unwrap()..end].replace("top: 5", "top: 2");
    fs::create_dir_all(root.join("content/use-cases/trial")).unwrap();
    fs::write(
        root.join("content/use-cases/trial/index.md"),
        format!("---\ntitle: Trial\ndescription: A trial ranking.\norder: 9\nheadline: aa_coding_index\nwhy_not:\n  gpt-5.3-codex: The fastest of them.\n{ranking}---\nThe trial.\n"),
    )
    .unwrap();
    let mut live = LiveSite::new(root, options());
    live.rebuild([]).unwrap();
    assert_same_as_full_build(&live, root, "the first build");

    // GPT-5.4 is the last row; its throughput moves its score, not the order.
    let figure = edit(
        root,
        "data/models/gpt-5.4.yaml",
        "output_speed: 94.4",
        "output_speed: 90.1",
    );
    let update = live.rebuild([figure]).unwrap();
    assert!(update.rendered < update.pages, "{update:?}");
    assert_same_as_full_build(&live, root, "a figure of the last row");

    let note = edit(
        root,
        "content/use-cases/trial/index.md",
        "The fastest of them.",
        "The fastest model here.",
    );
    live.rebuild([note]).unwrap();
    assert_same_as_full_build(&live, root, "an editor's note");

    let band = edit(
        root,
        "content/use-cases/trial/index.md",
        "  top: 2\n",
        "  top: 2\n  weight_band: 2\n",
    );
    live.rebuild([band]).unwrap();
    assert_same_as_full_build(&live, root, "the weight band");
}
