//! A build keeps each ranking's rank ranges for the next one, since searching the grid of
//! weight shifts is the costliest part of ranking. What it takes back must be exactly what
//! searching again would give, after every change that moves a ranking, and a damaged or
//! foreign entry must be searched again rather than believed.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use standings::rank::Ranking;
use standings::{LoadOptions, Site};

use common::{edit, scratch_site};

fn rankings(root: &Path) -> BTreeMap<String, Ranking> {
    let (site, _) = Site::load(root, &LoadOptions::default()).unwrap();
    site.rankings
}

fn kept_dir(root: &Path) -> PathBuf {
    root.join(".standings-cache/ranges")
}

/// The rankings as a first build finds them, with nothing kept.
fn searched(root: &Path) -> BTreeMap<String, Ranking> {
    let _ = fs::remove_dir_all(kept_dir(root));
    rankings(root)
}

/// The kept entries by name, with their bytes.
fn entries(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(kept_dir(root))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = fs::read(e.path()).unwrap();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .filter(|(name, _)| name.ends_with(".bin"))
        .collect()
}

#[test]
fn kept_ranges_give_what_searching_again_gives_after_each_kind_of_change() {
    let site = scratch_site();
    let root = site.path();
    searched(root);
    let changes = [
        (
            "a figure",
            "data/models/gpt-5.4.yaml",
            "output_speed: 94.4",
            "output_speed: 41.0",
        ),
        (
            "a weight",
            "content/use-cases/coding/index.md",
            "weight: 40\n      why: The broadest",
            "weight: 38\n      why: The broadest",
        ),
        (
            "the band",
            "content/use-cases/coding/index.md",
            "  top: 5\n",
            "  top: 5\n  weight_band: 9\n",
        ),
    ];
    let mut before = rankings(root);
    for (what, file, from, to) in changes {
        edit(root, file, from, to);
        if what == "a weight" {
            // Keeps the weights adding up to 100.
            edit(
                root,
                file,
                "weight: 10\n      why: Throughput",
                "weight: 12\n      why: Throughput",
            );
        }
        let kept = rankings(root);
        let fresh = searched(root);
        assert!(
            kept == fresh,
            "after a change to {what}, the kept ranges differ"
        );
        assert!(
            fresh["coding"] != before["coding"],
            "the change to {what} moved nothing, so it tests nothing"
        );
        before = fresh;
    }
}

#[test]
fn an_unchanged_site_searches_no_grid_again() {
    let site = scratch_site();
    let root = site.path();
    let first = searched(root);
    let kept = entries(root);
    assert_eq!(kept.len(), first.len(), "one entry per weighted ranking");
    let inodes = |root: &Path| -> Vec<u64> {
        use std::os::unix::fs::MetadataExt;
        let names = entries(root).into_keys();
        names
            .map(|n| fs::metadata(kept_dir(root).join(n)).unwrap().ino())
            .collect()
    };
    let before = inodes(root);
    assert!(rankings(root) == first);
    assert_eq!(inodes(root), before, "an entry was made again");
}

#[test]
fn a_damaged_or_misplaced_entry_is_searched_again() {
    let site = scratch_site();
    let root = site.path();
    let first = searched(root);
    let kept = entries(root);
    let names: Vec<&String> = kept.keys().collect();
    let bytes: Vec<&Vec<u8>> = kept.values().collect();
    assert!(names.len() >= 2, "the example site ranks two use cases");
    let dir = kept_dir(root);
    // The first entry cut short, the second holding the first's answer.
    fs::write(dir.join(names[0]), &bytes[0][..bytes[0].len() - 8]).unwrap();
    fs::write(dir.join(names[1]), bytes[0]).unwrap();
    assert!(rankings(root) == first);
    assert_eq!(
        entries(root),
        kept,
        "the damaged entries were not made again"
    );
}
