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
