//! Head-to-head pages: one for every two models that share the top rows of a use case (and no
//! other), each with every figure, the prices, the winner of each criterion and where each
//! model ranks higher; linked from the model pages and listed in the sitemap.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use scraper::{ElementRef, Html};
use serde_json::Value;
use standings::LoadOptions;

use common::{Lab, build_in_memory, check_links, example_root, sel, text};

type Files = BTreeMap<String, Vec<u8>>;

/// The pairs the pages must exist for, worked out from the published `ranking.json` files:
/// every two models among the first `top` ranked of some use case, ids in byte order.
fn expected_pairs(files: &Files) -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for (path, bytes) in files {
        if !(path.starts_with("use-cases/") && path.ends_with("/ranking.json")) {
            continue;
        }
        let ranking: Value = serde_json::from_slice(bytes).unwrap();
        let top = ranking["top"].as_u64().unwrap() as usize;
        let ids: Vec<&str> = ranking["ranked"]
            .as_array()
            .unwrap()
            .iter()
            .take(top)
            .map(|r| r["model"].as_str().unwrap())
            .collect();
        for (i, x) in ids.iter().enumerate() {
            for y in &ids[i + 1..] {
                let (a, b) = if x < y { (x, y) } else { (y, x) };
                pairs.insert((a.to_string(), b.to_string()));
            }
        }
    }
    pairs
}

fn compare_pages(files: &Files) -> BTreeSet<String> {
    files
        .keys()
        .filter_map(|p| p.strip_prefix("compare/")?.strip_suffix("/index.html"))
        .map(str::to_string)
        .collect()
}

fn assert_pages_match_pairs(files: &Files, base: &str, what: &str) -> usize {
    let pairs = expected_pairs(files);
    let names: BTreeSet<String> = pairs.iter().map(|(a, b)| format!("{a}-vs-{b}")).collect();
    assert_eq!(
        compare_pages(files),
        names,
        "{what}: one page per pair, no other"
    );
    let sitemap = text(files, "sitemap.xml");
    let listed: BTreeSet<String> = sitemap
        .match_indices(&format!("<loc>{base}compare/"))
        .map(|(at, m)| {
            let rest = &sitemap[at + m.len()..];
            rest[..rest.find("/</loc>").unwrap()].to_string()
        })
        .collect();
    assert_eq!(listed, names, "{what}: the sitemap lists every comparison");
    pairs.len()
}

fn lab() -> Lab {
    Lab::new(&[
        ("a", [Some(80.0), Some(50.0), Some(1.0), Some(4.0)]),
        ("b", [Some(70.0), Some(90.0), Some(2.0), Some(8.0)]),
        ("c", [Some(60.0), Some(70.0), Some(0.5), None]),
        ("d", [Some(50.0), Some(40.0), Some(1.0), None]),
        ("e", [None, Some(30.0), None, None]),
    ])
}

#[test]
fn the_example_site_has_a_page_for_each_pair_of_its_top_rows() {
    let (_, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let pairs = assert_pages_match_pairs(&files, "https://standings.example/", "example site");
    assert!(pairs >= 6, "{pairs} pairs");
    check_links(&files, "/");
}

#[test]
fn other_sites_have_a_page_for_each_pair_too() {
    let lab = lab();
    let (_, files) = lab.build();
    assert_eq!(
        assert_pages_match_pairs(&files, "https://lab.example/", "lab"),
        3,
        "drafting's top 3 give three pairs; sprint's top 2 is one of them"
    );
    lab.drafting(70.0, 30.0, 5);
    let (_, files) = lab.build();
    assert_eq!(
        assert_pages_match_pairs(&files, "https://lab.example/", "lab, top 5"),
        10
    );
    check_links(&files, "/");

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    standings::scaffold::init(&root).unwrap();
    let (_, files) = build_in_memory(&root, &LoadOptions::default());
    assert!(assert_pages_match_pairs(&files, "https://example.com/", "init") > 0);
}

fn cells(row: ElementRef) -> Vec<String> {
    row.select(&sel("th, td"))
        .map(|c| {
            c.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The rows of the table under the heading with this id.
fn table(doc: &Html, id: &str) -> Vec<Vec<String>> {
    let section = doc
        .select(&sel(&format!("section[aria-labelledby='{id}']")))
        .next()
        .unwrap_or_else(|| panic!("no section #{id}"));
    section.select(&sel("tbody tr")).map(cells).collect()
}

#[test]
fn a_comparison_gives_every_figure_the_prices_and_the_winners() {
    let lab = lab();
    let (site, files) = lab.build();
    let html = text(&files, "compare/a-vs-c/index.html");
    let doc = Html::parse_document(&html);
    let h1: String = doc.select(&sel("h1")).next().unwrap().text().collect();
    assert_eq!(h1, "Model A vs Model C");

    let figures = table(&doc, "figures");
    assert_eq!(figures.len(), site.catalog.metrics.len(), "every metric");
    assert!(figures.contains(&vec![
        "Quality index (index points)".into(),
        "80.0".into(),
        "60.0".into(),
        "Model A, by 20.0 points".into(),
    ]));
    assert!(figures.contains(&vec![
        "Output price (USD per 1M tokens)".into(),
        "$4".into(),
        "not available".into(),
        "not available".into(),
    ]));

    assert_eq!(
        table(&doc, "prices"),
        [
            ["Input price", "$1", "$0.50", "Model C, by $0.50"],
            ["Output price", "$4", "not available", "not available"],
        ]
    );

    // Drafting: a #1 (quality 80, speed 50), c #3 (60, 70). Sprint: c #2, a #3.
    assert_eq!(
        table(&doc, "rankings"),
        [
            ["Drafting", "#1 (80.0)", "#3 (43.3)", "Model A"],
            ["Sprinting", "#3", "#2", "Model C"],
        ]
    );
    let said: String = doc
        .select(&sel("section[aria-labelledby=rankings] > p"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(
        said,
        "Of the use cases that rank both, Model A ranks higher in Drafting and Model C in Sprinting."
    );

    assert_eq!(
        table(&doc, "criteria-drafting"),
        [
            ["Quality index", "70%", "80.0", "60.0", "Model A"],
            ["Output speed", "30%", "50.0 tok/s", "70.0 tok/s", "Model C"],
        ]
    );
    assert!(
        doc.select(&sel("#criteria-sprint")).next().is_none(),
        "sprint's top 2 does not hold both"
    );
    let doc = Html::parse_document(&text(&files, "compare/b-vs-c/index.html"));
    assert_eq!(
        table(&doc, "criteria-sprint"),
        [["Output speed", "90.0 tok/s", "70.0 tok/s", "Model B"]]
    );
}

#[test]
fn many_shared_use_cases_are_counted_and_all_listed() {
    let lab = lab();
    let drafting =
        std::fs::read_to_string(lab.root().join("content/use-cases/drafting/index.md")).unwrap();
    for n in 2..=5 {
        lab.write(
            &format!("content/use-cases/drafting-{n}/index.md"),
            &drafting.replace(
                "short_title: Drafting",
                &format!("short_title: Drafting {n}"),
            ),
        );
    }
    let (_, files) = lab.build();
    let doc = Html::parse_document(&text(&files, "compare/a-vs-c/index.html"));
    let said: String = doc
        .select(&sel("section[aria-labelledby=rankings] > p"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(
        said,
        "Of the 6 use cases that rank both, Model A ranks higher in 5 and Model C in 1."
    );
    assert_eq!(table(&doc, "rankings").len(), 6);
    assert_eq!(
        doc.select(&sel("h2[id^=criteria-]")).count(),
        5,
        "one criteria table per use case whose top rows hold both"
    );
}

#[test]
fn a_missing_figure_loses_its_criterion() {
    let lab = lab();
    lab.set("c", "quality", None);
    let (_, files) = lab.build();
    let doc = Html::parse_document(&text(&files, "compare/a-vs-c/index.html"));
    let rows = table(&doc, "criteria-drafting");
    assert_eq!(
        rows[0],
        ["Quality index", "70%", "80.0", "not available", "Model A"]
    );
}

#[test]
fn model_pages_link_to_their_comparisons() {
    let lab = lab();
    let (_, files) = lab.build();
    let links = |path: &str| -> BTreeSet<String> {
        Html::parse_document(&text(&files, path))
            .select(&sel("section[aria-labelledby=compare] a"))
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect()
    };
    let set = |paths: [&str; 2]| paths.map(String::from).into_iter().collect::<BTreeSet<_>>();
    let a = set(["/compare/a-vs-b/", "/compare/a-vs-c/"]);
    assert_eq!(links("models/a/index.html"), a);
    assert_eq!(links("use-cases/drafting/a/index.html"), a);
    assert!(
        links("use-cases/sprint/a/index.html").is_empty(),
        "a is not in sprint's top 2"
    );
    assert!(
        links("models/d/index.html").is_empty(),
        "d shares no top rows"
    );
    assert_eq!(
        links("models/c/index.html"),
        set(["/compare/a-vs-c/", "/compare/b-vs-c/"])
    );
}
