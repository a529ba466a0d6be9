//! Renders arbitrary Markdown with bindings against the example site: every input must end
//! in HTML or a diagnostic, never in a panic.
#![no_main]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use standings::content::Prose;
use standings::input::Origin;
use standings::render::ProseRenderer;
use standings::{LoadOptions, Site};

fn renderer() -> &'static ProseRenderer {
    static RENDERER: OnceLock<ProseRenderer> = OnceLock::new();
    RENDERER.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let (site, _) = Site::load(&root, &LoadOptions::default()).expect("the example site loads");
        ProseRenderer::new(Arc::new(site))
    })
}

fuzz_target!(|text: &str| {
    let prose = Prose {
        text: text.to_string(),
        origin: Origin::new("content/fuzz.md", 1),
    };
    let _ = renderer().block(&prose, Some("coding"));
    let _ = renderer().inline(&prose, None);
});
