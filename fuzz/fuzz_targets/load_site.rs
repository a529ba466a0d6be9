//! Loads and builds a site whose front matter and data files are arbitrary text: whatever
//! the input, loading must end in a site or in diagnostics, never in a panic.
#![no_main]

use std::fs;
use std::path::Path;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use standings::output::MemoryOutput;
use standings::{LoadOptions, Site};

/// The input is the files' texts separated by NUL bytes, so that seeds are real files and
/// mutations stay close to what editors write.
const PLACES: [&str; 6] = [
    "site.yaml",
    "data/metrics.yaml",
    "data/models/alpha.yaml",
    "content/use-cases/general/index.md",
    "content/use-cases/general/analysis/alpha.md",
    "content/guides/g.md",
];

const SITE: &str = "title: Fuzz\nbase_url: https://fuzz.example/\n";
const METRICS: &str = "quality:\n  label: Quality\n  unit: points\n  better: higher\nprice_input:\n  label: In\n  unit: USD\n  better: lower\n  format: {style: usd}\nprice_output:\n  label: Out\n  unit: USD\n  better: lower\n  format: {style: usd}\n";
const PROVIDERS: &str = "acme:\n  name: Acme\n";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir_in(std::env::temp_dir()).unwrap();
    let root = dir.path();
    // Settings and metrics missing from the input stay valid, so the later stages are reached.
    write(root, "site.yaml", SITE);
    write(root, "data/metrics.yaml", METRICS);
    write(root, "data/providers.yaml", PROVIDERS);
    write(root, "data/sources.yaml", "");
    for (place, text) in PLACES.iter().zip(data.split(|&b| b == 0)) {
        let path = root.join(place);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    if let Ok((site, _)) = Site::load(root, &LoadOptions::default()) {
        let _ = standings::build(Arc::new(site), &MemoryOutput::new());
    }
});
