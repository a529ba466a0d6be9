//! Loads and builds a site whose front matter and data files are arbitrary text: whatever
//! the input, loading must end in a site or in diagnostics, never in a panic.
#![no_main]

use std::fs;
use std::path::Path;
use std::sync::Arc;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use standings::output::MemoryOutput;
use standings::{LoadOptions, Site};

#[derive(Arbitrary, Debug)]
struct Files {
    site: String,
    metrics: String,
    model: String,
    use_case: String,
    analysis: String,
    guide: String,
}

const SITE: &str = "title: Fuzz\nbase_url: https://fuzz.example/\n";
const METRICS: &str = "quality:\n  label: Quality\n  unit: points\n  better: higher\nprice_input:\n  label: In\n  unit: USD\n  better: lower\n  format: {style: usd}\nprice_output:\n  label: Out\n  unit: USD\n  better: lower\n  format: {style: usd}\n";
const PROVIDERS: &str = "acme:\n  name: Acme\n";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Half of the inputs keep a valid file in each place, so that the other files are reached
/// by the stages after loading.
fn or_valid<'a>(fuzzed: &'a str, valid: &'a str) -> &'a str {
    if fuzzed.len() % 2 == 0 { valid } else { fuzzed }
}

fuzz_target!(|files: Files| {
    let dir = tempfile::tempdir_in(std::env::temp_dir()).unwrap();
    let root = dir.path();
    write(root, "site.yaml", or_valid(&files.site, SITE));
    write(root, "data/metrics.yaml", or_valid(&files.metrics, METRICS));
    write(root, "data/providers.yaml", PROVIDERS);
    write(root, "data/sources.yaml", "");
    write(root, "data/models/alpha.yaml", &files.model);
    write(root, "content/use-cases/general/index.md", &files.use_case);
    write(root, "content/use-cases/general/analysis/alpha.md", &files.analysis);
    write(root, "content/guides/g.md", &files.guide);
    if let Ok((site, _)) = Site::load(root, &LoadOptions::default()) {
        let _ = standings::build(Arc::new(site), &MemoryOutput::new());
    }
});
