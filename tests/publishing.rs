//! What a publisher and a search engine get from a build: structured data, charts, social
//! images, the feed, hashed assets, minified pages, and a sub-path base URL honoured
//! everywhere.

mod common;

use std::collections::BTreeMap;

use scraper::Html;
use serde_json::Value;
use standings::LoadOptions;

use common::{build_in_memory, check_links, example_root, scratch_site, sel, text};

const SUB: &str = "https://example.com/sub/path/";

fn sub_path() -> LoadOptions {
    LoadOptions {
        base_url: Some(SUB.into()),
        ..LoadOptions::default()
    }
}

fn pages(files: &BTreeMap<String, Vec<u8>>) -> impl Iterator<Item = (&String, String)> {
    files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b.clone()).unwrap()))
}

/// The page's JSON-LD graph; exactly one block per page.
fn graph(path: &str, html: &str) -> Vec<Value> {
    let doc = Html::parse_document(html);
    let blocks: Vec<String> = doc
        .select(&sel("script[type='application/ld+json']"))
        .map(|s| s.inner_html())
        .collect();
    assert_eq!(blocks.len(), 1, "{path}: one JSON-LD block");
    let value: Value = serde_json::from_str(&blocks[0])
        .unwrap_or_else(|e| panic!("{path}: JSON-LD does not parse: {e}"));
    assert_eq!(value["@context"], "https://schema.org", "{path}");
    value["@graph"].as_array().unwrap().clone()
}

fn of_type<'a>(graph: &'a [Value], kind: &str) -> Option<&'a Value> {
    graph.iter().find(|v| v["@type"] == kind)
}

#[test]
fn every_page_has_structured_data_of_the_right_types() {
    let (site, files) = build_in_memory(&example_root(), &sub_path());
    for (path, html) in pages(&files) {
        let g = graph(path, &html);
        if path != "index.html" && path != "404.html" {
            let crumbs = of_type(&g, "BreadcrumbList")
                .unwrap_or_else(|| panic!("{path}: no BreadcrumbList"));
            let items = crumbs["itemListElement"].as_array().unwrap();
            assert!(items.len() >= 2, "{path}");
            for (i, item) in items.iter().enumerate() {
                assert_eq!(item["position"], i + 1);
                assert!(item["item"].as_str().unwrap().starts_with(SUB), "{path}");
            }
        }
        if path.starts_with("guides/") {
            let article = of_type(&g, "Article").unwrap_or_else(|| panic!("{path}: no Article"));
            assert!(article["dateModified"].is_string(), "{path}: dateModified");
            assert!(article["headline"].is_string());
        }
    }
    let home = graph("index.html", &text(&files, "index.html"));
    assert!(of_type(&home, "WebSite").is_some());
    for u in &site.content.use_cases {
        let base = format!("use-cases/{}/", u.slug);
        let g = graph(&base, &text(&files, &format!("{base}index.html")));
        let list = of_type(&g, "ItemList").expect("ItemList on the leaderboard");
        let names: Vec<&str> = list["itemListElement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        let ranked: Vec<&str> = site.rankings[&u.slug]
            .ranked
            .iter()
            .map(|r| site.catalog.models[&*r.id].name.as_str())
            .collect();
        assert_eq!(names, ranked, "{}: ItemList in rank order", u.slug);
        let dataset = of_type(&g, "Dataset").expect("Dataset on the leaderboard");
        let downloads: Vec<(&str, &str)> = dataset["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                assert_eq!(d["@type"], "DataDownload");
                (
                    d["encodingFormat"].as_str().unwrap(),
                    d["contentUrl"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            downloads,
            vec![
                (
                    "application/json",
                    format!("{SUB}{base}ranking.json").as_str()
                ),
                ("text/csv", format!("{SUB}{base}ranking.csv").as_str()),
            ]
        );
        if let Some(questions_in) = &u.faq {
            let g = graph("faq", &text(&files, &format!("{base}faq/index.html")));
            let faq = of_type(&g, "FAQPage").expect("FAQPage on the FAQ page");
            let questions = faq["mainEntity"].as_array().unwrap();
            assert_eq!(questions.len(), questions_in.items.len());
            for q in questions {
                assert_eq!(q["@type"], "Question");
                assert!(!q["name"].as_str().unwrap().contains('<'));
                assert_eq!(q["acceptedAnswer"]["@type"], "Answer");
            }
        }
    }
}

/// Every inline `<svg>` of a page, parsed as XML.
fn svgs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("an svg is closed") + start + 6;
        out.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    out
}

fn svg_text(svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("bad SVG: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"));
    let labelled = root.attribute("aria-labelledby").unwrap();
    for id in labelled.split(' ') {
        assert!(
            doc.descendants().any(|n| n.attribute("id") == Some(id)),
            "no element {id}"
        );
    }
    assert!(root.children().any(|n| n.has_tag_name("title")));
    assert!(root.children().any(|n| n.has_tag_name("desc")));
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn charts_are_well_formed_svg_holding_the_tables_figures() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    for u in &site.content.use_cases {
        let html = text(&files, &format!("use-cases/{}/index.html", u.slug));
        let charts = svgs(&html);
        assert_eq!(charts.len(), 2, "{}: breakdown and quality charts", u.slug);
        let breakdown = svg_text(&charts[0]);
        let quality = svg_text(&charts[1]);
        let doc = Html::parse_document(&html);
        for row in doc.select(&sel("table.leaderboard tbody tr")) {
            let name = row
                .select(&sel("th a"))
                .next()
                .unwrap()
                .text()
                .collect::<String>();
            let score = row
                .select(&sel("td.score"))
                .next()
                .unwrap()
                .text()
                .collect::<String>();
            let headline = row
                .select(&sel("td.num"))
                .next()
                .unwrap()
                .text()
                .collect::<String>();
            assert!(
                breakdown.contains(&name),
                "{}: {name} in the breakdown",
                u.slug
            );
            assert!(
                breakdown.contains(&score),
                "{}: score {score} in the breakdown",
                u.slug
            );
            if headline != "not available" {
                let tip = format!("{name}: ");
                assert!(quality.contains(&name) || charts[1].contains(&tip));
            }
        }
        for r in &site.rankings[&u.slug].ranked {
            let page = text(&files, &format!("use-cases/{}/{}/index.html", u.slug, r.id));
            let field = svgs(&page);
            assert_eq!(field.len(), 1, "{}: the field chart", r.id);
            let labels = svg_text(&field[0]);
            for (c, part) in u.spec.criteria.iter().zip(&r.parts) {
                let metric = &site.catalog.metrics[&c.metric];
                let figure = metric.format.figure(part.value);
                assert!(
                    labels.contains(&figure),
                    "{}/{}: {} {figure} is not in the chart",
                    u.slug,
                    r.id,
                    metric.label
                );
            }
        }
    }
}

#[test]
fn the_field_chart_draws_a_dot_for_each_ranked_figure_on_its_track() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    for u in &site.content.use_cases {
        let ranked = &site.rankings[&u.slug].ranked;
        for r in ranked {
            let page = text(&files, &format!("use-cases/{}/{}/index.html", u.slug, r.id));
            let svg = svgs(&page).remove(0);
            let doc = roxmltree::Document::parse(&svg).unwrap();
            let tracks: Vec<Vec<(f64, f64)>> = doc
                .descendants()
                .filter(|n| n.attribute("class") == Some("dots"))
                .map(|n| {
                    let d = n.attribute("d").unwrap();
                    d.split('M')
                        .filter(|dot| !dot.is_empty())
                        .map(|dot| {
                            let xy = dot.strip_suffix("h0").unwrap_or_else(|| panic!("{d}"));
                            let (x, y) = xy.split_once(' ').unwrap();
                            (x.parse().unwrap(), y.parse().unwrap())
                        })
                        .collect()
                })
                .collect();
            let with_figures: Vec<usize> = (0..u.spec.criteria.len())
                .map(|i| ranked.iter().filter(|m| m.parts[i].value.is_some()).count())
                .filter(|&n| n > 0)
                .collect();
            let dots: Vec<usize> = tracks.iter().map(Vec::len).collect();
            assert_eq!(dots, with_figures, "{}/{}: a dot per figure", u.slug, r.id);
            for track in &tracks {
                // Each track's dots share its line and lie between its two ends.
                assert!(
                    track
                        .iter()
                        .all(|&(x, y)| y == track[0].1 && (230.0..=590.0).contains(&x))
                );
            }
        }
    }
}

#[test]
fn charts_escape_what_they_print() {
    let dir = scratch_site();
    let model = dir.path().join("data/models/gpt-5.5.yaml");
    let yaml = std::fs::read_to_string(&model).unwrap();
    std::fs::write(
        &model,
        yaml.replace("name: GPT-5.5", "name: \"GPT-5.5 <b>&</b>\""),
    )
    .unwrap();
    let (_, files) = build_in_memory(dir.path(), &LoadOptions::default());
    let html = text(&files, "use-cases/coding/index.html");
    for svg in svgs(&html) {
        let labels = svg_text(&svg);
        assert!(!svg.contains("<b>"));
        assert!(labels.contains("GPT-5.5 <b>&</b>"), "{labels}");
    }
}

#[test]
fn social_images_are_1200_by_630_png() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let mut cards = vec!["social.png".to_string()];
    cards.extend(
        site.content
            .use_cases
            .iter()
            .map(|u| format!("use-cases/{}/social.png", u.slug)),
    );
    for card in &cards {
        let png = &files[card];
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{card}");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((width, height), (1200, 630), "{card}");
    }
    let leaderboard = Html::parse_document(&text(&files, "use-cases/coding/index.html"));
    let image = leaderboard
        .select(&sel("meta[property='og:image']"))
        .next()
        .unwrap()
        .value()
        .attr("content")
        .unwrap()
        .to_string();
    assert_eq!(
        image,
        format!("{}use-cases/coding/social.png", site.settings.base_url)
    );
}

#[test]
fn the_feed_and_the_sitemap_carry_the_datas_dates() {
    let (site, files) = build_in_memory(&example_root(), &sub_path());
    let feed = text(&files, "feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let atom = "http://www.w3.org/2005/Atom";
    assert_eq!(doc.root_element().tag_name().namespace(), Some(atom));
    let entries: Vec<_> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .collect();
    assert!(entries.len() > 5);
    let child = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((atom, name)))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    let dates: Vec<String> = entries.iter().map(|e| child(*e, "updated")).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for e in &entries {
        assert!(child(*e, "id").starts_with(SUB));
        assert!(!child(*e, "title").is_empty());
    }
    let coding = site.use_case("coding").unwrap();
    let updated = site.use_case_updated(coding).unwrap();
    let sitemap = text(&files, "sitemap.xml");
    assert!(sitemap.contains(&format!(
        "<url><loc>{SUB}use-cases/coding/</loc><lastmod>{updated}</lastmod></url>"
    )));
}

#[test]
fn the_feed_of_ranking_changes_is_atom_that_leaderboards_announce() {
    let dir = scratch_site();
    let (loaded, _) = standings::Site::load(dir.path(), &LoadOptions::default()).unwrap();
    let recorded =
        standings::snapshot::plan(&loaded, &[], "2026-05-20".parse().unwrap(), false).unwrap();
    standings::snapshot::write(dir.path(), &recorded).unwrap();
    let (site, files) = build_in_memory(dir.path(), &sub_path());
    let feed = text(&files, "changes.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let atom = "http://www.w3.org/2005/Atom";
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some(atom));
    let links: Vec<(Option<&str>, Option<&str>)> = root
        .children()
        .filter(|n| n.has_tag_name((atom, "link")))
        .map(|n| (n.attribute("rel"), n.attribute("href")))
        .collect();
    let own = format!("{SUB}changes.xml");
    assert!(links.contains(&(Some("self"), Some(own.as_str()))));
    let newest = site
        .history
        .values()
        .filter_map(|s| s.last())
        .map(|s| s.date)
        .max()
        .expect("the rankings are recorded");
    let updated = root
        .children()
        .find(|n| n.has_tag_name((atom, "updated")))
        .and_then(|n| n.text());
    assert_eq!(updated, Some(format!("{newest}T00:00:00Z").as_str()));
    for u in &site.content.use_cases {
        let html = Html::parse_document(&text(&files, &format!("use-cases/{}/index.html", u.slug)));
        let announced: Vec<&str> = html
            .select(&sel(
                "head link[rel=alternate][type='application/atom+xml']",
            ))
            .map(|l| l.value().attr("href").unwrap())
            .collect();
        assert_eq!(
            announced,
            ["/sub/path/feed.xml", "/sub/path/changes.xml"],
            "{}",
            u.slug
        );
    }
    let profile = Html::parse_document(&text(&files, "models/gpt-5.5/index.html"));
    assert_eq!(
        profile.select(&sel("head link[rel=alternate]")).count(),
        1,
        "only leaderboards announce the ranking changes"
    );
}

#[test]
fn comparisons_carry_breadcrumbs_and_a_canonical_address() {
    let (_, files) = build_in_memory(&example_root(), &sub_path());
    let path = "compare/claude-opus-4.7-vs-gpt-5.5/";
    let html = text(&files, &format!("{path}index.html"));
    let g = graph(path, &html);
    let crumbs = of_type(&g, "BreadcrumbList").unwrap()["itemListElement"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(crumbs.len(), 2);
    assert_eq!(crumbs[1]["name"], "Claude Opus 4.7 vs GPT-5.5");
    assert_eq!(crumbs[1]["item"], format!("{SUB}{path}"));
    let doc = Html::parse_document(&html);
    let canonical = doc
        .select(&sel("link[rel=canonical]"))
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap();
    assert_eq!(canonical, format!("{SUB}{path}"));
    assert!(text(&files, "sitemap.xml").contains(&format!("<loc>{SUB}{path}</loc>")));
    assert!(
        !text(&files, "feed.xml").contains("/compare/"),
        "the feed of updated pages leaves comparisons out"
    );
}

/// Every URL a page points at: links, assets, canonical, Open Graph, feed and JSON-LD.
fn addresses(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut urls = Vec::new();
    for (selector, attr) in [
        ("a[href]", "href"),
        ("link[href]", "href"),
        ("script[src]", "src"),
        ("img[src]", "src"),
        (
            "meta[property^='og:url'], meta[property='og:image']",
            "content",
        ),
        ("meta[name='twitter:image']", "content"),
    ] {
        urls.extend(
            doc.select(&sel(selector))
                .map(|e| e.value().attr(attr).unwrap().to_string()),
        );
    }
    urls
}

#[test]
fn a_sub_path_reaches_every_asset_and_address() {
    let (_, files) = build_in_memory(&example_root(), &sub_path());
    let mut assets = 0;
    for (path, html) in pages(&files) {
        for url in addresses(&html) {
            if url.starts_with('#') {
                continue;
            }
            let external = !url.starts_with('/') && !url.starts_with(SUB);
            let theirs = url.starts_with("https://") && !url.starts_with("https://example.com/");
            assert!(
                url.starts_with("/sub/path/") || url.starts_with(SUB) || (external && theirs),
                "{path}: {url} is outside the sub-path"
            );
            let local = url
                .strip_prefix(SUB)
                .or_else(|| url.strip_prefix("/sub/path/"));
            if let Some(local) = local.filter(|l| {
                l.ends_with(".css")
                    || l.ends_with(".js")
                    || l.ends_with(".png")
                    || l.ends_with(".svg")
            }) {
                assert!(files.contains_key(local), "{path}: {url} was not written");
                assets += 1;
            }
        }
        for value in graph(path, &html) {
            for url in json_urls(&value) {
                assert!(
                    url.starts_with(SUB) || !url.contains("example.com"),
                    "{path}: {url}"
                );
            }
        }
    }
    assert!(assets > 40, "only {assets} asset references were checked");
}

fn json_urls(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) if s.starts_with("http") && !s.starts_with("https://schema.org") => {
            vec![s.clone()]
        }
        Value::Array(items) => items.iter().flat_map(json_urls).collect(),
        Value::Object(map) => map.values().flat_map(json_urls).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn assets_are_named_by_their_content() {
    let (_, first) = build_in_memory(&example_root(), &LoadOptions::default());
    let (_, again) = build_in_memory(&example_root(), &LoadOptions::default());
    let hashed = |files: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        files
            .keys()
            .filter(|p| p.starts_with("css/") || p.starts_with("js/") || p.starts_with("images/"))
            .cloned()
            .collect()
    };
    let names = hashed(&first);
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names.iter().all(|n| {
        let parts: Vec<&str> = n.rsplitn(3, '.').collect();
        parts.len() == 3 && parts[1].len() == 10 && parts[1].chars().all(|c| c.is_ascii_hexdigit())
    }));
    assert_eq!(names, hashed(&again), "the same content keeps its name");
    assert!(!first.contains_key("css/site.css"), "no unhashed copy");

    let dir = scratch_site();
    let css = dir.path().join("static/css/site.css");
    let mut style = std::fs::read_to_string(&css).unwrap();
    style.push_str("\n.changed { color: red; }\n");
    std::fs::write(&css, style).unwrap();
    let (_, changed) = build_in_memory(dir.path(), &LoadOptions::default());
    let changed_names = hashed(&changed);
    let site_css = |names: &[String]| names.iter().find(|n| n.starts_with("css/site.")).cloned();
    assert_ne!(
        site_css(&names),
        site_css(&changed_names),
        "a new stylesheet gets a new name"
    );
    let sort_js = |names: &[String]| names.iter().find(|n| n.starts_with("js/sort.")).cloned();
    assert_eq!(
        sort_js(&names),
        sort_js(&changed_names),
        "an unchanged script keeps its name"
    );
    let home = text(&changed, "index.html");
    assert!(home.contains(&format!("href=\"/{}\"", site_css(&changed_names).unwrap())));
}

#[test]
fn minified_pages_are_smaller_and_still_link_up() {
    let (_, plain) = build_in_memory(&example_root(), &sub_path());
    let options = LoadOptions {
        minify: true,
        ..sub_path()
    };
    let (_, small) = build_in_memory(&example_root(), &options);
    let size = |files: &BTreeMap<String, Vec<u8>>| -> usize {
        files
            .iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(_, b)| b.len())
            .sum()
    };
    assert!(
        size(&small) < size(&plain) * 19 / 20,
        "{} vs {}",
        size(&small),
        size(&plain)
    );
    assert!(check_links(&small, "/sub/path/") > 200);
    for (path, html) in pages(&small) {
        assert!(
            html.to_ascii_lowercase().starts_with("<!doctype html>"),
            "{path}"
        );
        graph(path, &html);
        // Minified SVG is HTML (attribute quotes dropped), no longer XML: count the charts.
        let charts = |h: &str| Html::parse_document(h).select(&sel("svg title")).count();
        assert_eq!(charts(&html), charts(&text(&plain, path)), "{path}");
    }
    let (_, again) = build_in_memory(&example_root(), &options);
    assert!(small == again, "minified builds are byte-identical");
}
