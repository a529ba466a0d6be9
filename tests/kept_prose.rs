//! A build keeps each use case's prose as HTML for the next one. What it takes back must be
//! exactly what rendering the prose again would give, after every kind of change an editor
//! makes, and a build whose inputs did not change must not render it again.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::Arc;

use standings::output::MemoryOutput;
use standings::{LoadOptions, Site};

use common::{edit, scratch_site};

/// Every file of a build, and the metrics the prose named.
type Build = (BTreeMap<String, Vec<u8>>, Vec<String>);

fn build(root: &Path) -> Build {
    let (site, _) = Site::load(root, &LoadOptions::default()).unwrap();
    let out = MemoryOutput::new();
    let built = standings::site::build_site(Arc::new(site), &out)
        .unwrap_or_else(|e| panic!("build failed: {e}\n{:#?}", e.diagnostics()));
    let named = built.rendered.named_metrics.into_iter().collect();
    (out.into_files(), named)
}

fn kept_dir(root: &Path) -> std::path::PathBuf {
    root.join(".standings-cache/prose")
}

/// A build that renders all prose again, as if no build had come before.
fn fresh_build(root: &Path) -> Build {
    let _ = fs::remove_dir_all(kept_dir(root));
    build(root)
}

/// The kept entries, each with its inode: a rewritten entry is a new file.
fn entries(root: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    fs::read_dir(kept_dir(root))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let inode = e.metadata().unwrap().ino();
            (e.file_name().to_string_lossy().into_owned(), inode)
        })
        .collect()
}

/// What is changed, in which file, and its replacements (text, replacement).
type Change<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

#[test]
fn kept_prose_gives_what_rendering_it_again_gives_after_each_kind_of_change() {
    let site = scratch_site();
    let root = site.path();
    fresh_build(root);
    let changes: [Change; 7] = [
        (
            "a figure",
            "data/models/gpt-5.4.yaml",
            &[("output_speed: 94.4", "output_speed: 93.8")],
        ),
        (
            "a setting",
            "site.yaml",
            &[("Review this diff", "Review this patch")],
        ),
        (
            "a ranking's weights",
            "content/use-cases/coding/index.md",
            &[
                ("weight: 40", "weight: 45"),
                (
                    "weight: 10\n      why: Throughput",
                    "weight: 5\n      why: Throughput",
                ),
            ],
        ),
        (
            "an analysis",
            "content/use-cases/coding/analysis/gpt-5.4.md",
            &[(
                "measure while costing less.",
                "measure while costing less, at {{ figure(model=\"gpt-5.4\", metric=\"tau2_bench\") }} on Tau-2. \
                 Agentic coding shows its top {{ top(use_case=\"agentic-coding\") }}.",
            )],
        ),
        (
            "the rules of a use case another one's text reads",
            "content/use-cases/agentic-coding/index.md",
            &[("top: 5", "top: 1")],
        ),
        (
            "a use case's summary",
            "content/use-cases/coding/index.md",
            &[("it wins it on substance", "it wins it clearly")],
        ),
        (
            "a FAQ",
            "content/use-cases/coding/faq.md",
            &[("Short answers", "Brief answers")],
        ),
    ];
    for (what, file, edits) in changes {
        for (from, to) in edits {
            edit(root, file, from, to);
        }
        let kept = build(root);
        let fresh = fresh_build(root);
        assert!(
            kept.0 == fresh.0,
            "after a change to {what}, kept prose differs"
        );
        assert_eq!(kept.1, fresh.1, "after a change to {what}");
    }
}

#[test]
fn an_unchanged_site_takes_all_its_prose_from_the_last_build() {
    let site = scratch_site();
    let root = site.path();
    let first = fresh_build(root);
    let kept = entries(root);
    assert!(!kept.is_empty());
    let second = build(root);
    assert_eq!(entries(root), kept, "an entry was made again");
    assert!(second.0 == first.0);
    assert!(!second.1.is_empty());
    assert_eq!(second.1, first.1, "the metrics named by bindings differ");

    // Another analysis of the same use case: that use case alone is rendered again.
    edit(
        root,
        "content/use-cases/coding/analysis/gpt-5.4.md",
        "For everyday coding",
        "For day-to-day coding",
    );
    build(root);
    let after = entries(root);
    assert_eq!(after.len(), kept.len() + 1);
    assert_eq!(after.iter().filter(|e| !kept.contains_key(e.0)).count(), 1);
}

#[test]
fn a_damaged_entry_is_rendered_again() {
    let site = scratch_site();
    let root = site.path();
    let first = fresh_build(root);
    for name in entries(root).keys() {
        let path = kept_dir(root).join(name);
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    }
    let second = build(root);
    assert!(second.0 == first.0);
    assert_eq!(second.1, first.1);
}
