//! Rank ranges, swaps and "why not" sentences on the built site: `ranking.json` against every
//! point of the weight grid, and the pages against `ranking.json` and the data.

mod common;

use std::collections::BTreeMap;
use std::fs;

use scraper::Html;
use serde_json::Value;
use standings::rank::Method;
use standings::{LoadOptions, Site};

use common::{build_in_memory, edit, example_root, scratch_site, sel, text};

fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
    serde_json::from_slice(&files[path]).unwrap()
}

fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.select(&sel(selector))
        .map(|e| {
            let t: String = e.text().collect();
            t.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

/// Every model's rank at every point of the grid, ranked through the site as a what-if.
fn grid_ranks(site: &Site, slug: &str) -> Vec<(Vec<i32>, BTreeMap<String, usize>)> {
    let u = site.use_case(slug).unwrap();
    let weights: Vec<f64> = u.spec.criteria.iter().map(|c| c.weight).collect();
    let points = common::shift_grid(&weights, u.spec.weight_band);
    points
        .into_iter()
        .map(|shifts| {
            let mut spec = u.spec.clone();
            spec.weight_band = 0;
            let raw: Vec<f64> = spec
                .criteria
                .iter()
                .zip(&shifts)
                .map(|(c, &d)| c.weight + f64::from(d))
                .collect();
            let sum: f64 = raw.iter().sum();
            for (c, v) in spec.criteria.iter_mut().zip(&raw) {
                c.weight = v * 100.0 / sum;
            }
            let ranking = site.rank_with(&spec).unwrap();
            let ranks = ranking
                .ranked
                .iter()
                .map(|r| (r.id.to_string(), r.rank))
                .collect();
            (shifts, ranks)
        })
        .collect()
}

#[test]
fn rank_ranges_and_swaps_match_every_point_of_the_grid() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    for u in &site.content.use_cases {
        let ranking = json(&files, &format!("use-cases/{}/ranking.json", u.slug));
        assert_eq!(ranking["weight_band"], 5);
        let grid = grid_ranks(&site, &u.slug);
        let ranked = ranking["ranked"].as_array().unwrap();
        for r in ranked {
            let id = r["model"].as_str().unwrap();
            let all = grid.iter().map(|(_, ranks)| ranks[id]);
            let expected = [all.clone().min().unwrap(), all.max().unwrap()];
            let range: Vec<usize> = r["rank_range"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as usize)
                .collect();
            assert_eq!(range, expected, "{} {id}", u.slug);
        }
        let swapping: Vec<[String; 2]> = ranked
            .windows(2)
            .map(|w| [0, 1].map(|i| w[i]["model"].as_str().unwrap().to_string()))
            .filter(|[a, b]| grid.iter().any(|(_, r)| r[b] < r[a]))
            .collect();
        let listed: Vec<[String; 2]> = ranking["swaps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| [0, 1].map(|i| s["models"][i].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(listed, swapping, "{}", u.slug);
        for s in ranking["swaps"].as_array().unwrap() {
            let Some(shift) = s["shift"].as_object() else {
                continue;
            };
            let i = u
                .spec
                .criteria
                .iter()
                .position(|c| c.metric == shift["metric"].as_str().unwrap())
                .unwrap();
            let points = shift["points"].as_i64().unwrap() as i32;
            let [a, b] = [0, 1].map(|j| s["models"][j].as_str().unwrap());
            let at = |d: i32| {
                let mut shifts = vec![0; u.spec.criteria.len()];
                shifts[i] = d;
                grid.iter()
                    .find(|(p, _)| *p == shifts)
                    .map(|(_, r)| r[b] < r[a])
            };
            // Swapped from the stated shift to the edge of the band, not one point before.
            let step = points.signum();
            assert_eq!(at(points - step), Some(false));
            let mut d = points;
            while let Some(swapped) = at(d) {
                assert!(swapped, "{a}/{b} at {d}");
                d += step;
            }
        }
    }
}

#[test]
fn the_example_site_has_the_ranges_worked_out_by_hand() {
    let (_, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let coding = json(&files, "use-cases/coding/ranking.json");
    let ranges: Vec<&Value> = coding["ranked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["rank_range"])
        .collect();
    // Opus 4.7 leads GPT-5.3-Codex by 1.77 points, 1 of them from its 1M context window
    // (10 × 1 against 10 × 0): at 8 points instead of 10, Opus has 13.41 of 98 and Codex
    // 13.64 of 98; at 9, Opus still leads (14.41 against 13.64).
    assert_eq!(
        ranges,
        [
            &serde_json::json!([1, 1]),
            &serde_json::json!([2, 2]),
            &serde_json::json!([3, 4]),
            &serde_json::json!([3, 4])
        ]
    );
    assert_eq!(
        coding["swaps"],
        serde_json::json!([{"ranks": [3, 4], "models": ["claude-opus-4.7", "gpt-5.3-codex"],
            "shift": {"metric": "context_window", "points": -2, "weight": 8.0}}])
    );
    // Agentic coding: 45/45/10 gives Opus 55 and GPT-5.5 45; Terminal-Bench at 50 and
    // SWE-Bench Pro at 40 tie them at 50, and the tie-breaker (Terminal-Bench) puts GPT-5.5
    // first. No single weight gets there: Terminal-Bench alone at 50 leaves 50 of 105 against
    // 55 of 105.
    let agentic = json(&files, "use-cases/agentic-coding/ranking.json");
    assert_eq!(
        agentic["ranked"][0]["rank_range"],
        serde_json::json!([1, 2])
    );
    assert_eq!(
        agentic["swaps"],
        serde_json::json!([{"ranks": [1, 2], "models": ["claude-opus-4.7", "gpt-5.5"], "shift": null}])
    );
}

#[test]
fn the_leaderboard_shows_each_range_and_the_swaps() {
    let (_, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let html = text(&files, "use-cases/coding/index.html");
    let ranking = json(&files, "use-cases/coding/ranking.json");
    let expected: Vec<String> = ranking["ranked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let (a, b) = (&r["rank_range"][0], &r["rank_range"][1]);
            // A comma, hidden on screen, keeps the rank and its range apart when read aloud.
            if a == b {
                ", holds".to_string()
            } else {
                format!(", #{a}–#{b}")
            }
        })
        .collect();
    assert_eq!(texts(&html, "td.rank .range"), expected);
    assert_eq!(texts(&html, "thead th")[0], "Rank range at ±5 pt");
    assert_eq!(
        texts(&html, "ul.swaps li"),
        [
            "#3 Claude Opus 4.7 and #4 GPT-5.3-Codex swap when Context window weighs 8 points or less instead of 10 (8.16% once the weights are scaled back to 100)."
        ]
    );
    let intro = texts(&html, "#robustness + p").join(" ");
    assert!(intro.contains("161,051 combinations"), "{intro}");
    let agentic = text(&files, "use-cases/agentic-coding/index.html");
    assert_eq!(
        texts(&agentic, "ul.swaps li"),
        [
            "#1 Claude Opus 4.7 and #2 GPT-5.5 swap only when several weights move together; no single weight moved by up to 5 points swaps them."
        ]
    );
}

/// A use case `trial` beside the example's, ranked like `coding` but with no prose that
/// would pin its order, `top` rows, `extra` lines under `ranking:` and `front` lines above it.
fn trial(top: usize, extra: &str, front: &str) -> tempfile::TempDir {
    let site = scratch_site();
    let root = site.path();
    let coding = fs::read_to_string(root.join("content/use-cases/coding/index.md")).unwrap();
    let end = coding[3..].find("\n---\n").unwrap() + 4;
    let ranking = &coding[coding.find("ranking:\n").unwrap()..end];
    let ranking = ranking.replace("  top: 5\n", &format!("  top: {top}\n{extra}"));
    let dir = root.join("content/use-cases/trial");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("index.md"),
        format!("---\ntitle: Trial\ndescription: A trial ranking.\norder: 9\nheadline: aa_coding_index\n{front}{ranking}---\nThe trial.\n"),
    )
    .unwrap();
    site
}

#[test]
fn band_zero_and_ordered_rankings_show_no_ranges() {
    let site = trial(5, "  weight_band: 0\n", "");
    let (_, files) = build_in_memory(site.path(), &LoadOptions::default());
    let html = text(&files, "use-cases/trial/index.html");
    assert!(texts(&html, "td.rank .range").is_empty());
    assert!(texts(&html, "#robustness").is_empty());
    let ranking = json(&files, "use-cases/trial/ranking.json");
    assert_eq!(ranking["weight_band"], 0);
    assert_eq!(
        ranking["ranked"][2]["rank_range"],
        serde_json::json!([3, 3])
    );
    assert_eq!(ranking["swaps"], serde_json::json!([]));

    let site = trial(5, "", "");
    edit(
        site.path(),
        "content/use-cases/trial/index.md",
        "method: weighted",
        "method: ordered",
    );
    let (built, files) = build_in_memory(site.path(), &LoadOptions::default());
    assert_eq!(
        built.use_case("trial").unwrap().spec.method,
        Method::Ordered
    );
    let ranking = json(&files, "use-cases/trial/ranking.json");
    for key in ["weight_band", "swaps"] {
        assert!(ranking.get(key).is_none(), "{key}");
    }
    assert!(ranking["ranked"][0].get("rank_range").is_none());
    assert!(
        texts(
            &text(&files, "use-cases/trial/index.html"),
            "td.rank .range"
        )
        .is_empty()
    );
}

/// Two rows, so that two ranked models are below them; a filter that a figure fails; and
/// the editor's notes.
fn two_rows() -> tempfile::TempDir {
    let site = trial(
        2,
        "",
        "why_not:\n  gpt-5.3-codex: Pick it anyway when {{ name(model=\"gpt-5.3-codex\") }}'s speed matters most.\n  claude-sonnet-4.6: Its successor is already ranked.\n",
    );
    edit(
        site.path(),
        "data/models/claude-sonnet-4.6.yaml",
        "context_window: null",
        "context_window: 128000",
    );
    site
}

/// The loss the why-not sentence must name first: the criterion with the largest
/// contribution of the last row minus the model's own, from ranking.json.
fn largest_loss(
    ranking: &Value,
    labels: &BTreeMap<&str, &str>,
    last: usize,
    model: usize,
) -> (String, f64) {
    let ranked = ranking["ranked"].as_array().unwrap();
    ranking["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let d = ranked[last]["criteria"][i]["contribution"]
                .as_f64()
                .unwrap()
                - ranked[model]["criteria"][i]["contribution"]
                    .as_f64()
                    .unwrap();
            (labels[c["metric"].as_str().unwrap()].to_string(), d)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
}

#[test]
fn why_not_names_the_gap_the_criterion_and_the_filter() {
    let site = two_rows();
    let (built, files) = build_in_memory(site.path(), &LoadOptions::default());
    let labels: BTreeMap<&str, &str> = built
        .catalog
        .metrics
        .values()
        .map(|m| (m.key.as_str(), m.label.as_str()))
        .collect();
    let ranking = json(&files, "use-cases/trial/ranking.json");
    let ranked = ranking["ranked"].as_array().unwrap();
    let html = text(&files, "use-cases/trial/index.html");
    let others = texts(&html, "ul.others li");
    assert_eq!(others.len(), 2);
    for (item, j) in others.iter().zip(2..) {
        let gap = ranked[1]["score"].as_f64().unwrap() - ranked[j]["score"].as_f64().unwrap();
        assert!(
            item.contains(&format!("It trails #2 GPT-5.4 by {gap:.1} points")),
            "{item}"
        );
        let (label, points) = largest_loss(&ranking, &labels, 1, j);
        assert!(
            item.contains(&format!("It loses most on {label} ({points:.1} points)")),
            "{item}"
        );
    }
    // GPT-5.4 has no TerminalBench Hard figure either, so Opus 4.7's largest loss against it
    // is the Coding Index (40 × 4.8/6.6 = 29.1 points).
    assert!(
        others[0].contains("It loses most on AA Coding Index (29.1 points)"),
        "{}",
        others[0]
    );
    assert!(
        others[1].ends_with("Pick it anyway when GPT-5.3-Codex’s speed matters most."),
        "{}",
        others[1]
    );
    let excluded = texts(&html, "ul.excluded li");
    let sonnet = excluded
        .iter()
        .find(|e| e.starts_with("Claude Sonnet 4.6"))
        .unwrap();
    assert_eq!(
        sonnet,
        "Claude Sonnet 4.6 is not ranked because its Context window figure is 128K, and this ranking requires at least 200K. Its successor is already ranked."
    );

    let profile = texts(
        &text(&files, "models/gpt-5.3-codex/index.html"),
        "ul.placements li",
    );
    let coding = profile.iter().find(|p| p.contains("in Trial")).unwrap();
    assert!(
        coding.contains(&others[1][others[1].find("It trails").unwrap()..]),
        "{coding}"
    );
    assert!(
        coding.contains("holds #3–#4 under ±5 pt weight shifts"),
        "{coding}"
    );
    let profile = texts(
        &text(&files, "models/claude-sonnet-4.6/index.html"),
        "ul.placements li",
    );
    assert!(
        profile.contains(&"Not ranked in Trial because its Context window figure is 128K, and this ranking requires at least 200K. Its successor is already ranked.".to_string()),
        "{profile:?}"
    );
}

#[test]
fn an_ordered_ranking_names_the_metric_that_decides() {
    let site = two_rows();
    let root = site.path();
    edit(
        root,
        "content/use-cases/trial/index.md",
        "method: weighted",
        "method: ordered",
    );
    let (_, files) = build_in_memory(root, &LoadOptions::default());
    let ranking = json(&files, "use-cases/trial/ranking.json");
    let html = text(&files, "use-cases/trial/index.html");
    let others = texts(&html, "ul.others li");
    // Ordered by the Coding Index first: each model below the rows has a lower one.
    for (item, j) in others.iter().zip(2..) {
        let mine = ranking["ranked"][j]["criteria"][0]["value"]
            .as_f64()
            .unwrap();
        let theirs = ranking["ranked"][1]["criteria"][0]["value"]
            .as_f64()
            .unwrap();
        let name = ranking["ranked"][1]["name"].as_str().unwrap();
        assert!(
            item.contains(&format!(
                "It comes after #2 {name} on AA Coding Index: {mine:.1} against {theirs:.1}."
            )),
            "{item}"
        );
    }
}
