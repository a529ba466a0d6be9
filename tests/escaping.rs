//! Data values reach the page escaped: a model name, a provider and a source URL holding
//! markup, quotes and `javascript:` neither execute nor break the markup.

mod common;

use std::fs;
use std::path::Path;

use scraper::{Html, Selector};
use standings::LoadOptions;

const NAME: &str = r#"<script>alert("name")</script> & 'Evil' "Model""#;
const PROVIDER: &str = r#""><img src=x onerror=alert(1)>"#;
const URL: &str = r#"https://evil.example/"><script>alert(2)</script>"#;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn yaml(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn hostile_site(root: &Path) {
    write(
        root,
        "site.yaml",
        "title: Escaping\nbase_url: https://escaping.example/\n",
    );
    write(
        root,
        "data/sources.yaml",
        &format!(
            "bench:\n  name: {}\n  url: {}\n",
            yaml("<b>Bench</b>"),
            yaml(URL)
        ),
    );
    write(
        root,
        "data/providers.yaml",
        &format!("evilcorp:\n  name: {}\n", yaml(PROVIDER)),
    );
    write(
        root,
        "data/metrics.yaml",
        "quality:\n  label: Quality\n  unit: points\n  better: higher\n  source: bench\nprice_input:\n  label: In\n  unit: USD\n  better: lower\n  format: {style: usd}\nprice_output:\n  label: Out\n  unit: USD\n  better: lower\n  format: {style: usd}\n",
    );
    let model = format!(
        "name: {}\nprovider: evilcorp\ngateway_slug: evil/model\nnotes: {}\nas_of: 2026-05-01\nmetrics:\n  quality: {{value: 80, note: {}, url: {}}}\n  price_input: 1\n  price_output: 2\n",
        yaml(NAME),
        yaml("javascript:alert(3) <i>notes</i>"),
        yaml("<b>note</b>\" onmouseover=\"alert(6)"),
        yaml(URL)
    );
    write(root, "data/models/evil.yaml", &model);
    write(
        root,
        "content/use-cases/general/index.md",
        "---\ntitle: General\ndescription: x\nheadline: quality\nranking:\n  criteria:\n    - metric: quality\n      weight: 100\n---\n{{ name(model=\"evil\") }} leads. <script>alert(4)</script> [click](javascript:alert(5)) {{ link(model=\"evil\") }}\n",
    );
    write(
        root,
        "content/use-cases/general/analysis/evil.md",
        "---\nstrengths: [\"{{ provider(model='evil') }}\"]\n---\nText with <iframe src=\"https://x.example/\"></iframe>.\n",
    );
    write(
        root,
        "content/guides/g.md",
        "---\ntitle: Guide\ndescription: x\nmodels: [evil]\n---\n{{ table(models=[\"evil\"], metrics=[\"quality\"]) }}\n",
    );
}

#[test]
fn hostile_data_is_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    hostile_site(dir.path());
    let (_, files) = common::build_in_memory(dir.path(), &LoadOptions::default());
    let any = Selector::parse("*").unwrap();
    let mut pages = 0;
    let mut names_seen = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        pages += 1;
        let html = std::str::from_utf8(bytes).unwrap();
        let doc = Html::parse_document(html);
        for el in doc.select(&any) {
            let tag = el.value().name();
            // The site's own scripts: structured data, and the theme's sorting script.
            let own_script = tag == "script"
                && (el.value().attr("type") == Some("application/ld+json")
                    || el.value().attr("src").is_some_and(|src| {
                        src.starts_with("/js/sort.") && el.inner_html().is_empty()
                    }));
            assert!(
                !["script", "iframe", "img"].contains(&tag) || own_script,
                "{path}: a <{tag}> element came through"
            );
            for (attr, value) in el.value().attrs() {
                assert!(
                    !attr.starts_with("on"),
                    "{path}: event handler {attr}={value}"
                );
                let lower = value.trim().to_ascii_lowercase();
                assert!(!lower.starts_with("javascript:"), "{path}: {attr}={value}");
            }
        }
        names_seen += doc
            .root_element()
            .text()
            .collect::<String>()
            .matches(NAME)
            .count();
    }
    assert!(pages >= 5);
    assert!(names_seen > 3, "the name is shown as text, intact");
    let leaderboard = common::text(&files, "use-cases/general/index.html");
    assert!(
        leaderboard.contains("&lt;script&gt;alert(4)&lt;/script&gt;"),
        "raw HTML in prose is shown as text"
    );
    assert!(
        !leaderboard.contains("alert(5)"),
        "the javascript: link is dropped"
    );
    let profile = common::text(&files, "models/evil/index.html");
    assert!(
        profile.contains(
            "href=\"https://evil.example/&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;\""
        ),
        "the URL stays inside its attribute"
    );
}
