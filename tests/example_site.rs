//! The example site, built into memory and a temporary folder: every page of SPEC §2 exists,
//! every internal link resolves, tables follow `ranking.json`, and every figure matches the data.

mod common;

use std::collections::BTreeMap;

use scraper::Html;
use serde_json::Value;
use standings::LoadOptions;

use common::{build_in_memory, build_to, check_links, example_root, sel, text};

fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
    serde_json::from_slice(files.get(path).unwrap_or_else(|| panic!("{path} missing"))).unwrap()
}

#[test]
fn every_page_of_the_spec_exists() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let mut expected = vec![
        "index.html".to_string(),
        "404.html".into(),
        "sitemap.xml".into(),
        "robots.txt".into(),
        "data/models.json".into(),
        "feed.xml".into(),
        "social.png".into(),
    ];
    for u in &site.content.use_cases {
        let base = format!("use-cases/{}/", u.slug);
        expected.extend([
            format!("{base}index.html"),
            format!("{base}prompts/index.html"),
            format!("{base}faq/index.html"),
            format!("{base}ranking.json"),
            format!("{base}ranking.csv"),
            format!("{base}social.png"),
        ]);
        for r in &site.rankings[&u.slug].ranked {
            expected.push(format!("{base}{}/index.html", r.id));
        }
    }
    for m in site.visible_models() {
        expected.push(format!("models/{}/index.html", m.id));
    }
    for g in &site.content.guides {
        expected.push(format!("guides/{}/index.html", g.slug));
    }
    assert!(
        site.content.use_cases.len() >= 2,
        "the example site has two use cases"
    );
    assert!(
        !site.content.guides.is_empty(),
        "the example site has a guide"
    );
    assert_eq!(
        site.catalog.models.len(),
        8,
        "every model of the seed facts is in the data"
    );
    for path in &expected {
        assert!(files.contains_key(path), "{path} was not written");
    }
}

#[test]
fn every_internal_link_resolves() {
    let (_, files) = build_in_memory(&example_root(), &LoadOptions::default());
    assert!(check_links(&files, "/") > 200);
}

#[test]
fn every_link_works_under_a_sub_path() {
    let options = LoadOptions {
        base_url: Some("https://example.com/sub/path/".into()),
        ..LoadOptions::default()
    };
    let (_, files) = build_in_memory(&example_root(), &options);
    assert!(check_links(&files, "/sub/path/") > 200);
    let home = text(&files, "index.html");
    assert!(home.contains("<link rel=\"canonical\" href=\"https://example.com/sub/path/\">"));
    assert!(
        text(&files, "sitemap.xml")
            .contains("<loc>https://example.com/sub/path/use-cases/coding/</loc>")
    );
}

/// The model ids of a leaderboard table, top to bottom.
fn table_order(html: &str, slug: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.select(&sel("table.leaderboard tbody tr th a"))
        .map(|a| {
            let href = a.value().attr("href").unwrap();
            href.trim_start_matches(&format!("/use-cases/{slug}/"))
                .trim_end_matches('/')
                .to_string()
        })
        .collect()
}

#[test]
fn leaderboard_order_equals_ranking_json() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    for u in &site.content.use_cases {
        let ranking = json(&files, &format!("use-cases/{}/ranking.json", u.slug));
        let top = ranking["top"].as_u64().unwrap() as usize;
        let expected: Vec<String> = ranking["ranked"]
            .as_array()
            .unwrap()
            .iter()
            .take(top)
            .map(|r| r["model"].as_str().unwrap().to_string())
            .collect();
        let html = text(&files, &format!("use-cases/{}/index.html", u.slug));
        assert_eq!(table_order(&html, &u.slug), expected, "{}", u.slug);
        let ranks: Vec<u64> = ranking["ranked"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rank"].as_u64().unwrap())
            .collect();
        assert_eq!(ranks, (1..=ranks.len() as u64).collect::<Vec<_>>());
        // The top pick is rank 1.
        let doc = Html::parse_document(&html);
        let pick = doc
            .select(&sel(".top-pick h2 a"))
            .next()
            .unwrap()
            .text()
            .collect::<String>();
        assert_eq!(pick, ranking["ranked"][0]["name"].as_str().unwrap());
    }
}

/// Reads a figure as printed ("142.7 tok/s", "$0.175", "1M", "60.6%") back into a number.
fn read_figure(text: &str) -> Option<f64> {
    let t = text.trim().trim_end_matches('†');
    if t == "not available" {
        return None;
    }
    let t = t
        .trim_start_matches('$')
        .trim_end_matches(" tok/s")
        .trim_end_matches(" s")
        .trim_end_matches('%');
    let (number, scale) = match t.strip_suffix('M') {
        Some(n) => (n, 1e6),
        None => match t.strip_suffix('K') {
            Some(n) => (n, 1e3),
            None => (t, 1.0),
        },
    };
    Some(
        number
            .parse::<f64>()
            .unwrap_or_else(|_| panic!("cannot read the figure {text:?}"))
            * scale,
    )
}

fn decimals(text: &str) -> i32 {
    let digits = text.trim_end_matches(|c: char| !c.is_ascii_digit());
    digits.split_once('.').map_or(0, |(_, f)| f.len() as i32)
}

/// Asserts that a printed figure is the data's value, rounded as printed.
fn assert_figure(printed: &str, value: Option<f64>, what: &str) {
    match (read_figure(printed), value) {
        (None, None) => {}
        (Some(shown), Some(v)) => {
            let scale = if printed.contains('M') {
                1e6
            } else if printed.contains('K') {
                1e3
            } else {
                1.0
            };
            let tolerance = 0.5 * 10f64.powi(-decimals(printed)) * scale + 1e-9;
            assert!(
                (shown - v).abs() <= tolerance,
                "{what}: the page shows {printed:?} but the data says {v}"
            );
        }
        (shown, v) => {
            panic!("{what}: the page shows {printed:?} ({shown:?}) but the data says {v:?}")
        }
    }
}

fn data_value(files: &BTreeMap<String, Vec<u8>>, model: &str, metric: &str) -> Option<f64> {
    let models = json(files, "data/models.json");
    let m = models["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == model)
        .unwrap();
    m["figures"][metric]["value"].as_f64()
}

/// A table row's header, and the metric it names by its label.
fn row_metric<'s>(
    site: &'s standings::Site,
    row: &scraper::ElementRef,
) -> (String, &'s standings::data::Metric) {
    let label: String = row.select(&sel("th")).next().unwrap().text().collect();
    let metric = site
        .catalog
        .metrics
        .values()
        .find(|m| m.label == label)
        .unwrap();
    (label, metric)
}

#[test]
fn figures_shown_for_ranked_models_equal_the_data() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let mut checked = 0;
    for u in &site.content.use_cases {
        let html = text(&files, &format!("use-cases/{}/index.html", u.slug));
        let doc = Html::parse_document(&html);
        let mut metrics = vec![u.headline.clone()];
        metrics.extend(u.columns.iter().cloned());
        for row in doc.select(&sel("table.leaderboard tbody tr")) {
            let href = row
                .select(&sel("th a"))
                .next()
                .unwrap()
                .value()
                .attr("href")
                .unwrap();
            let model = href.trim_end_matches('/').rsplit('/').next().unwrap();
            let cells: Vec<String> = row
                .select(&sel("td.num"))
                .map(|c| c.text().collect::<String>())
                .collect();
            for (metric, cell) in metrics.iter().zip(&cells) {
                assert_figure(
                    cell,
                    data_value(&files, model, metric),
                    &format!("{} {model} {metric}", u.slug),
                );
                checked += 1;
            }
            let price = &cells[metrics.len()];
            let (input, output) = price.split_once(" / ").unwrap();
            assert_figure(
                input,
                data_value(&files, model, "price_input"),
                "input price",
            );
            assert_figure(
                output,
                data_value(&files, model, "price_output"),
                "output price",
            );
        }
    }
    // Every analysis page lists every figure of its model with the same values.
    for (path, bytes) in files
        .iter()
        .filter(|(p, _)| p.starts_with("models/") && p.ends_with(".html"))
    {
        let model = path.split('/').nth(1).unwrap();
        let doc = Html::parse_document(std::str::from_utf8(bytes).unwrap());
        for row in doc.select(&sel("table.figures tbody tr")) {
            let (label, metric) = row_metric(&site, &row);
            let cell = row
                .select(&sel("td"))
                .next()
                .unwrap()
                .text()
                .collect::<String>();
            assert_figure(
                &cell,
                data_value(&files, model, &metric.key),
                &format!("{model} {label}"),
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} figures were checked");
}

/// SPEC §3 written again, independently, from the raw values in ranking.json.
fn recompute(ranking: &Value) {
    let criteria = ranking["criteria"].as_array().unwrap();
    let ranked = ranking["ranked"].as_array().unwrap();
    for (i, c) in criteria.iter().enumerate() {
        let log = c["scale"] == "log";
        let values: Vec<f64> = ranked
            .iter()
            .filter_map(|r| r["criteria"][i]["value"].as_f64())
            .map(|v| if log { v.ln() } else { v })
            .collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !values.is_empty() {
            assert!((c["lo"].as_f64().unwrap() - lo).abs() < 1e-9);
            assert!((c["hi"].as_f64().unwrap() - hi).abs() < 1e-9);
        }
        for r in ranked {
            let part = &r["criteria"][i];
            let n = match part["value"].as_f64() {
                None => 0.0,
                Some(_) if hi == lo => 1.0,
                Some(v) => {
                    let v = if log { v.ln() } else { v };
                    if c["better"] == "higher" {
                        (v - lo) / (hi - lo)
                    } else {
                        (hi - v) / (hi - lo)
                    }
                }
            };
            assert!((part["normalized"].as_f64().unwrap() - n).abs() < 1e-9);
            let contribution = c["weight"].as_f64().unwrap() * n;
            assert!((part["contribution"].as_f64().unwrap() - contribution).abs() < 1e-9);
        }
    }
    let scores: Vec<f64> = ranked
        .iter()
        .map(|r| {
            let sum: f64 = r["criteria"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["contribution"].as_f64().unwrap())
                .sum();
            assert!((r["score"].as_f64().unwrap() - sum).abs() < 1e-9);
            sum
        })
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1] - 1e-9),
        "scores are not descending: {scores:?}"
    );
}

#[test]
fn ranking_json_agrees_with_an_independent_computation() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    for u in &site.content.use_cases {
        recompute(&json(&files, &format!("use-cases/{}/ranking.json", u.slug)));
    }
}

#[test]
fn the_coding_ranking_matches_a_hand_computation() {
    let (_, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let ranking = json(&files, "use-cases/coding/ranking.json");
    // By hand from the seed facts: AA Coding Index spans 52.5..59.1, TerminalBench Hard
    // 51.5..60.6, Tau-2 0.871..0.939, throughput 64..95.4, context 400K..1M.
    // GPT-5.5:   40 + 25 + 15 + 0 + 10                               = 90
    // GPT-5.4:   40 * 4.8/6.6 + 0 + 0 + 10 * 30.4/31.4 + 10          = 48.77…
    // Opus 4.7:  0 + 0 + 15 * 0.015/0.068 + 10 * 6.6/31.4 + 10        = 15.41…
    // 5.3-Codex: 40 * 0.6/6.6 + 0 + 0 + 10 + 0                       = 13.64…
    let expected = [
        ("gpt-5.5", 90.0),
        ("gpt-5.4", 40.0 * 4.8 / 6.6 + 10.0 * 30.4 / 31.4 + 10.0),
        (
            "claude-opus-4.7",
            15.0 * 0.015 / 0.068 + 10.0 * 6.6 / 31.4 + 10.0,
        ),
        ("gpt-5.3-codex", 40.0 * 0.6 / 6.6 + 10.0),
    ];
    let ranked = ranking["ranked"].as_array().unwrap();
    assert_eq!(ranked.len(), expected.len());
    for (row, (id, score)) in ranked.iter().zip(expected) {
        assert_eq!(row["model"], id);
        assert!(
            (row["score"].as_f64().unwrap() - score).abs() < 1e-6,
            "{id}: {}",
            row["score"]
        );
    }
    let excluded: Vec<(&str, &str)> = ranking["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["model"].as_str().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert!(excluded.contains(&(
        "gemini-3.1-pro-preview",
        "context_window is missing (filter >= 200000)"
    )));
    assert!(excluded.contains(&("gpt-5.4-pro", "status is superseded")));
}

#[test]
fn every_page_has_its_metadata() {
    let (_, files) = build_in_memory(&example_root(), &LoadOptions::default());
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = std::str::from_utf8(bytes).unwrap();
        let doc = Html::parse_document(html);
        assert!(html.starts_with("<!DOCTYPE html>"), "{path}");
        assert!(
            doc.select(&sel("html[lang=en]")).next().is_some(),
            "{path}: lang"
        );
        for required in [
            "title",
            "meta[name=description]",
            "link[rel=canonical]",
            "meta[property='og:title']",
            "meta[property='og:url']",
            "main h1",
        ] {
            assert!(
                doc.select(&sel(required)).next().is_some(),
                "{path}: {required}"
            );
        }
        assert!(html.contains("Last updated"), "{path}: no Last updated");
        if path != "index.html" && path != "404.html" {
            assert!(
                doc.select(&sel("nav.breadcrumbs")).next().is_some(),
                "{path}: breadcrumbs"
            );
        }
    }
}

/// The rows of the data table behind the chart whose id starts with `id`, cell texts each.
fn chart_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let doc = Html::parse_document(html);
    doc.select(&sel(&format!("div.chart[id^='{id}'] tbody tr")))
        .map(|tr| {
            tr.children()
                .filter_map(scraper::ElementRef::wrap)
                .map(|cell| cell.text().collect())
                .collect()
        })
        .collect()
}

#[test]
fn chart_tables_hold_the_charted_figures() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    for u in &site.content.use_cases {
        let ranking = &site.rankings[&u.slug];
        let html = text(&files, &format!("use-cases/{}/index.html", u.slug));
        // The quality chart lists the ranked models first, in rank order, then the others.
        let rows = chart_rows(&html, "chart-quality-");
        let ranks: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
        let ranked: Vec<String> = (1..=ranking.ranked.len())
            .map(|r| format!("#{r}"))
            .collect();
        assert_eq!(ranks[..ranked.len()], ranked[..], "{}", u.slug);
        assert!(ranks[ranked.len()..].iter().all(|r| *r == "not ranked"));
        let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        for r in &ranking.ranked {
            assert!(names.contains(&site.catalog.models[&*r.id].name.as_str()));
        }
        // The breakdown's rows end in each model's score, to one decimal as pages print it.
        let breakdown = chart_rows(&html, "chart-breakdown-");
        assert_eq!(breakdown.len(), ranking.ranked.len(), "{}", u.slug);
        for (row, r) in breakdown.iter().zip(&ranking.ranked) {
            assert_eq!(row.last(), Some(&format!("{:.1}", r.score.unwrap())));
        }
        // A ranked model's quality and price cells are the figures its profile prints.
        for row in &rows[..ranking.ranked.len()] {
            let m = site
                .catalog
                .models
                .values()
                .find(|m| m.name == row[0])
                .unwrap();
            let profile = text(&files, &format!("models/{}/index.html", m.id));
            for cell in &row[1..3] {
                assert!(profile.contains(&format!(">{cell}<")), "{} {cell}", m.id);
            }
        }
        // Each analysis page's field chart has a row per criterion.
        for r in &ranking.ranked {
            let page = text(&files, &format!("use-cases/{}/{}/index.html", u.slug, r.id));
            let field = chart_rows(&page, "chart-field-");
            let labels: Vec<&str> = field.iter().map(|row| row[0].as_str()).collect();
            let expected: Vec<&str> = u
                .spec
                .criteria
                .iter()
                .map(|c| site.catalog.metrics[&c.metric].label.as_str())
                .collect();
            assert_eq!(labels, expected, "{} {}", u.slug, r.id);
        }
    }
}

#[test]
fn score_breakdowns_state_each_criterions_direction_and_range_from_ranking_json() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let mut log_scales = 0;
    for u in &site.content.use_cases {
        let doc = json(&files, &format!("use-cases/{}/ranking.json", u.slug));
        let criteria = doc["criteria"].as_array().unwrap();
        for r in &site.rankings[&u.slug].ranked {
            let page = text(&files, &format!("use-cases/{}/{}/index.html", u.slug, r.id));
            let html = Html::parse_document(&page);
            let rows: Vec<_> = html.select(&sel("table.breakdown tbody tr")).collect();
            assert_eq!(rows.len(), criteria.len(), "{}/{}", u.slug, r.id);
            for (row, c) in rows.iter().zip(criteria) {
                let metric = &site.catalog.metrics[c["metric"].as_str().unwrap()];
                let log = c["scale"] == "log";
                log_scales += usize::from(log);
                let head: String = row.select(&sel("th")).next().unwrap().text().collect();
                let direction = format!("{} is better", c["better"].as_str().unwrap());
                let scale = if log { ", log scale" } else { "" };
                assert!(head.ends_with(&format!("({direction}{scale})")), "{head}");
                // lo and hi are in the criterion's own scale: logarithms under `log`.
                let raw = |v: &Value| {
                    let v = v.as_f64().unwrap();
                    metric.format.value(if log { v.exp() } else { v })
                };
                let range = if c["lo"].is_null() {
                    "not available".to_string()
                } else {
                    format!("{} – {}", raw(&c["lo"]), raw(&c["hi"]))
                };
                let cells: Vec<String> = row
                    .select(&sel("td"))
                    .map(|td| td.text().collect())
                    .collect();
                assert!(
                    cells.contains(&range),
                    "{}/{}: {range} in {cells:?}",
                    u.slug,
                    r.id
                );
            }
        }
    }
    assert!(
        log_scales > 0,
        "the example site ranks one criterion on a log scale"
    );
}

#[test]
fn tables_mark_vendor_figures_and_print_missing_ones_as_not_available() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let mut missing_cells = 0;
    for u in &site.content.use_cases {
        let html = Html::parse_document(&text(&files, &format!("use-cases/{}/index.html", u.slug)));
        for cell in html.select(&sel("table.leaderboard td.num .figure")) {
            let text: String = cell.text().collect();
            let class = cell.value().attr("class").unwrap();
            if class == "figure na" {
                assert_eq!(text, "not available");
                missing_cells += 1;
            } else if cell.select(&sel("sup.claimed")).next().is_some() {
                assert!(text.ends_with('†'), "{text}");
            } else {
                assert!(!text.is_empty() && text != "not available", "{text}");
            }
        }
    }
    // Compare pages list every figure of both models, vendor-reported ones among them.
    let pair = files
        .keys()
        .find(|p| {
            p.starts_with("compare/") && p.contains("claude-opus-4.7") && p.contains("gpt-5.5")
        })
        .unwrap();
    let compare = Html::parse_document(&text(&files, pair));
    let claimed = compare.select(&sel("td.num .figure sup.claimed")).count();
    let missing = compare.select(&sel("td.num .figure.na")).count();
    assert!(
        claimed >= 2 && missing >= 1,
        "{pair}: {claimed} claimed, {missing} missing"
    );
    assert!(
        missing_cells > 0,
        "the example leaderboards print a missing figure"
    );
}

#[test]
fn excluded_models_say_why() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    for u in &site.content.use_cases {
        let html = text(&files, &format!("use-cases/{}/index.html", u.slug));
        let doc = Html::parse_document(&html);
        let items: Vec<String> = doc
            .select(&sel("ul.excluded li"))
            .map(|li| li.text().collect())
            .collect();
        // Every excluded model is named once, in a sentence that says why.
        let named = doc.select(&sel("ul.excluded li a")).count();
        assert_eq!(named, site.rankings[&u.slug].excluded.len(), "{}", u.slug);
        assert!(items.iter().all(|t| t.contains(" not ranked because ")));
    }
}

#[test]
fn the_guide_tables_come_from_the_data() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let guide = &site.content.guides[0];
    let html = text(&files, &format!("guides/{}/index.html", guide.slug));
    let doc = Html::parse_document(&html);
    let tables: Vec<_> = doc.select(&sel("table.compare")).collect();
    assert!(tables.len() >= 2, "benchmark and pricing tables");
    let mut not_available = 0;
    for table in tables {
        let models: Vec<String> = table
            .select(&sel("thead th a"))
            .map(|a| {
                a.value()
                    .attr("href")
                    .unwrap()
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        for row in table.select(&sel("tbody tr")) {
            let (label, metric) = row_metric(&site, &row);
            for (model, cell) in models.iter().zip(row.select(&sel("td"))) {
                let printed = cell.text().collect::<String>();
                not_available += usize::from(printed == "not available");
                assert_figure(
                    &printed,
                    data_value(&files, model, &metric.key),
                    &format!("{model} {label}"),
                );
            }
        }
    }
    assert!(
        not_available > 0,
        "missing figures are shown as not available"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    build_to(&example_root(), &a.path().join("public")).unwrap();
    build_to(&example_root(), &b.path().join("public")).unwrap();
    let read = |dir: &std::path::Path| -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    };
    let (first, second) = (
        read(&a.path().join("public")),
        read(&b.path().join("public")),
    );
    assert!(first.len() > 20);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }
}

/// The members of each object of `json`, a pretty-printed document, in the order written.
fn member_orders(json: &str) -> Vec<Vec<String>> {
    let (mut open, mut done): (Vec<Vec<String>>, Vec<Vec<String>>) = (Vec::new(), Vec::new());
    for line in json.lines().map(str::trim) {
        if let Some((key, _)) = line.strip_prefix('"').and_then(|l| l.split_once("\": ")) {
            open.last_mut()
                .expect("a member inside an object")
                .push(key.to_string());
        }
        if line.ends_with('{') {
            open.push(Vec::new());
        }
        if line.starts_with('}') || line.ends_with("{}") {
            done.extend(open.pop());
        }
    }
    done
}

/// `ranking.json` is read by people as well as programs: its members come in the order SPEC §3
/// lists them, optional ones left out, in every object of the file.
#[test]
fn ranking_json_keeps_the_members_of_each_object_in_order() {
    const ORDERS: &[&[&str]] = &[
        &[
            "use_case",
            "title",
            "method",
            "top",
            "weight_band",
            "criteria",
            "filters",
            "tie_breakers",
            "ranked",
            "excluded",
            "swaps",
        ],
        &["metric", "weight", "better", "scale", "missing", "lo", "hi"],
        &["metric", "op", "value", "missing"],
        &[
            "rank",
            "rank_range",
            "model",
            "name",
            "provider",
            "score",
            "criteria",
        ],
        &["metric", "value", "normalized", "contribution"],
        &["model", "reason"],
        &["ranks", "models", "shift"],
        &["metric", "points", "weight"],
    ];
    let in_order = |keys: &[String], order: &[&str]| {
        let mut rest = order.iter();
        keys.iter().all(|k| rest.any(|o| o == k))
    };
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    for u in &site.content.use_cases {
        let path = format!("use-cases/{}/ranking.json", u.slug);
        let text = std::str::from_utf8(&files[&path]).unwrap();
        let objects = member_orders(text);
        assert_eq!(
            objects.last().unwrap(),
            &ORDERS[0].iter().map(|k| k.to_string()).collect::<Vec<_>>(),
            "{path}"
        );
        for keys in &objects {
            assert!(ORDERS.iter().any(|o| in_order(keys, o)), "{path}: {keys:?}");
        }
    }
}

/// Structured data is compact JSON with every object's members sorted, as serde_json writes a
/// `Value`, and no `<` that could end its script.
#[test]
fn structured_data_is_written_as_serde_json_writes_it() {
    let (_, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let mut checked = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let Some(raw) = text_between(bytes, "<script type=\"application/ld+json\">", "</script>")
        else {
            continue;
        };
        let value: Value = serde_json::from_str(raw).unwrap();
        let expected = value.to_string().replace('<', "\\u003c");
        assert_eq!(raw, expected, "{path}");
        checked += 1;
    }
    assert!(checked > 20, "only {checked} pages carry structured data");
}

/// The text between the first `start` in `bytes` and the `end` after it.
fn text_between<'a>(bytes: &'a [u8], start: &str, end: &str) -> Option<&'a str> {
    let text = std::str::from_utf8(bytes).unwrap();
    let from = text.find(start)? + start.len();
    Some(&text[from..from + text[from..].find(end)?])
}
