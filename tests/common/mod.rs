//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::collections::BTreeSet;

use scraper::{Html, Selector};
use standings::output::{self, MemoryOutput};
use standings::{LoadOptions, Site};

/// The example site at the repository root.
pub fn example_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds a site into memory: every output file by path.
pub fn build_in_memory(root: &Path, options: &LoadOptions) -> (Site, BTreeMap<String, Vec<u8>>) {
    let (site, _) = Site::load(root, options)
        .unwrap_or_else(|e| panic!("{root:?} does not load: {e}\n{:#?}", e.diagnostics()));
    let site = Arc::new(site);
    let out = MemoryOutput::new();
    standings::build(Arc::clone(&site), &out)
        .unwrap_or_else(|e| panic!("build failed: {e}\n{:#?}", e.diagnostics()));
    let site = Arc::try_unwrap(site).unwrap_or_else(|_| panic!("site still shared"));
    (site, out.into_files())
}

/// Builds a site into a folder, through the same path as `standings build`.
pub fn build_to(root: &Path, dir: &Path) -> Result<(), standings::Error> {
    let (site, _) = Site::load(root, &LoadOptions::default())?;
    let site = Arc::new(site);
    output::publish(root, dir, |out| standings::build(Arc::clone(&site), out)).map(|_| ())
}

/// Copies a folder tree (the example site into a scratch folder, say).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if matches!(
            first.as_deref(),
            Some("target" | "public" | ".git" | "tests" | "src")
        ) {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Replaces the first `from` in the site file `rel` with `to`; the file must hold `from`.
pub fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// A copy of the example site's sources in a fresh folder.
pub fn scratch_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&example_root(), dir.path());
    dir
}

pub fn text(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        files
            .get(path)
            .unwrap_or_else(|| panic!("{path} was not written"))
            .clone(),
    )
    .unwrap()
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Every `href`/`src` that points inside the site, with its fragment.
pub fn internal_links(html: &str, base: &str) -> Vec<(String, Option<String>)> {
    let doc = Html::parse_document(html);
    let mut links = Vec::new();
    for (selector, attr) in [
        ("a[href]", "href"),
        ("link[href]", "href"),
        ("img[src]", "src"),
        ("script[src]", "src"),
    ] {
        for el in doc.select(&sel(selector)) {
            let url = el.value().attr(attr).unwrap();
            if url.starts_with("http://")
                || url.starts_with("https://")
                || url.starts_with("mailto:")
            {
                continue;
            }
            let (path, fragment) = match url.split_once('#') {
                Some((p, f)) => (p, Some(f.to_string())),
                None => (url, None),
            };
            assert!(
                path.is_empty() || path.starts_with(base),
                "link {url} is not under the base path {base}"
            );
            links.push((
                path.strip_prefix(base).unwrap_or(path).to_string(),
                fragment,
            ));
        }
    }
    links
}

pub fn ids(html: &str) -> BTreeSet<String> {
    Html::parse_document(html)
        .select(&sel("[id]"))
        .map(|e| e.value().attr("id").unwrap().to_string())
        .collect()
}

/// Checks every internal link of every page; returns how many were checked.
pub fn check_links(files: &BTreeMap<String, Vec<u8>>, base: &str) -> usize {
    let mut checked = 0;
    for (page, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8(bytes.clone()).unwrap();
        for (path, fragment) in internal_links(&html, base) {
            let target = if path.is_empty() && fragment.is_some() {
                page.clone()
            } else if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.clone()
            };
            let Some(target_bytes) = files.get(&target) else {
                panic!("{page} links to /{path}, which was not built");
            };
            if let Some(fragment) = fragment {
                let target_html = String::from_utf8(target_bytes.clone()).unwrap();
                assert!(
                    ids(&target_html).contains(&fragment),
                    "{page} links to /{path}#{fragment}, which has no such anchor"
                );
            }
            checked += 1;
        }
    }
    checked
}

/// The figures of a model of a [`Lab`]: quality, speed, input price, output price.
pub type Figures = [Option<f64>; 4];

const LAB_METRICS: [&str; 4] = ["quality", "speed", "price_input", "price_output"];

/// A small site written on the spot, with invented models whose figures a test sets and
/// changes at will: two use cases, `drafting` (weighted: quality 70%, speed 30%; top 3) and
/// `sprint` (ordered by speed; top 2).
pub struct Lab {
    pub dir: tempfile::TempDir,
}

impl Lab {
    pub fn new(models: &[(&str, Figures)]) -> Lab {
        let lab = Lab {
            dir: tempfile::tempdir().unwrap(),
        };
        lab.write(
            "site.yaml",
            "title: Lab\ndescription: Invented models for tests.\nbase_url: https://lab.example/\n",
        );
        lab.write(
            "data/metrics.yaml",
            "quality:\n  label: Quality index\n  unit: index points\n  better: higher\n  format: {style: number, decimals: 1}\n\
             speed:\n  label: Output speed\n  unit: tokens per second\n  better: higher\n  format: {style: number, decimals: 1, suffix: \" tok/s\"}\n\
             price_input:\n  label: Input price\n  unit: USD per 1M tokens\n  better: lower\n  format: {style: usd}\n\
             price_output:\n  label: Output price\n  unit: USD per 1M tokens\n  better: lower\n  format: {style: usd}\n",
        );
        lab.write("data/sources.yaml", "");
        lab.write("data/providers.yaml", "lab:\n  name: The Lab\n");
        lab.drafting(70.0, 30.0, 3);
        lab.write(
            "content/use-cases/sprint/index.md",
            "---\ntitle: Sprinting\ndescription: The fastest models.\nheadline: speed\nranking:\n  method: ordered\n  top: 2\n  criteria:\n    - metric: speed\n---\nThe fastest invented models.\n",
        );
        for (id, figures) in models {
            lab.model(id, *figures);
        }
        lab
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Rewrites the `drafting` use case with these weights and number of top rows.
    pub fn drafting(&self, quality: f64, speed: f64, top: usize) {
        self.write(
            "content/use-cases/drafting/index.md",
            &format!(
                "---\ntitle: Drafting long documents\nshort_title: Drafting\ndescription: Invented models ranked for drafting.\nheadline: quality\ncolumns: [speed]\nranking:\n  top: {top}\n  criteria:\n    - metric: quality\n      weight: {quality}\n    - metric: speed\n      weight: {speed}\n---\nThe invented models, ranked for drafting.\n"
            ),
        );
    }

    /// Writes (or rewrites) a model named "Model <ID>".
    pub fn model(&self, id: &str, figures: Figures) {
        let mut text = format!(
            "name: Model {}\nprovider: lab\nas_of: 2026-01-15\nmetrics:\n",
            id.to_uppercase()
        );
        for (metric, value) in LAB_METRICS.iter().zip(figures) {
            let value = value.map_or_else(|| "null".to_string(), |v| v.to_string());
            text.push_str(&format!("  {metric}: {value}\n"));
        }
        self.write(&format!("data/models/{id}.yaml"), &text);
    }

    /// Changes one figure of a model.
    pub fn set(&self, id: &str, metric: &str, value: Option<f64>) {
        let rel = format!("data/models/{id}.yaml");
        let text = fs::read_to_string(self.root().join(&rel)).unwrap();
        let value = value.map_or_else(|| "null".to_string(), |v| v.to_string());
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                if l.trim_start().starts_with(&format!("{metric}:")) {
                    format!("  {metric}: {value}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        self.write(&rel, &(lines.join("\n") + "\n"));
    }

    /// Gives a model a status (`deprecated`, `hidden`, …).
    pub fn status(&self, id: &str, status: &str) {
        let rel = format!("data/models/{id}.yaml");
        let text = fs::read_to_string(self.root().join(&rel)).unwrap();
        self.write(
            &rel,
            &text.replacen(
                "provider: lab\n",
                &format!("provider: lab\nstatus: {status}\n"),
                1,
            ),
        );
    }

    pub fn build(&self) -> (Site, BTreeMap<String, Vec<u8>>) {
        build_in_memory(self.root(), &LoadOptions::default())
    }
}

/// Every combination of whole-point weight shifts within `band`, one per weight, skipping
/// those that would take a weight to zero or below: the grid rank ranges are defined over.
pub fn shift_grid(weights: &[f64], band: u32) -> Vec<Vec<i32>> {
    let band = i32::try_from(band).unwrap();
    let mut points: Vec<Vec<i32>> = vec![vec![]];
    for w in weights {
        let shifts: Vec<i32> = (-band..=band).filter(|&d| w + f64::from(d) > 0.0).collect();
        points = points
            .iter()
            .flat_map(|p| {
                shifts.iter().map(move |&d| {
                    let mut q = p.clone();
                    q.push(d);
                    q
                })
            })
            .collect();
    }
    points
}
