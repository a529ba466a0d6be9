//! Figures in prose: every binding against the example site's data, including the failures an
//! editor must see with their file and line.

mod common;

use std::sync::Arc;

use standings::LoadOptions;
use standings::content::Prose;
use standings::input::Origin;
use standings::render::ProseRenderer;
use standings::site::Site;

fn renderer() -> ProseRenderer {
    let (site, _) = Site::load(&common::example_root(), &LoadOptions::default()).unwrap();
    ProseRenderer::new(Arc::new(site))
}

fn prose(text: &str) -> Prose {
    Prose {
        text: text.to_string(),
        origin: Origin::new("content/use-cases/coding/index.md", 40),
    }
}

fn inline(r: &ProseRenderer, text: &str) -> String {
    r.inline(&prose(text), Some("coding"))
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn failure(r: &ProseRenderer, text: &str) -> standings::Diagnostic {
    match r.inline(&prose(text), Some("coding")) {
        Ok(html) => panic!("{text} should fail, rendered {html}"),
        Err(d) => d,
    }
}

#[test]
fn figures_are_formatted_by_their_metric() {
    let r = renderer();
    assert_eq!(
        inline(
            &r,
            r#"{{ figure(model="gpt-5.5", metric="output_speed") }}"#
        ),
        "64.0 tok/s"
    );
    assert_eq!(
        inline(
            &r,
            r#"{{ figure(model="gpt-5.5", metric="aa_coding_index") }}"#
        ),
        "59.1"
    );
    assert_eq!(
        inline(
            &r,
            r#"{{ figure(model="gpt-5.5", metric="context_window") }}"#
        ),
        "1M"
    );
    assert_eq!(
        inline(
            &r,
            r#"{{ figure(model="gpt-5.3-codex", metric="context_window") }}"#
        ),
        "400K"
    );
    assert_eq!(
        inline(&r, r#"{{ figure(model="gpt-5.5", metric="max_output") }}"#),
        "not available"
    );
    assert_eq!(inline(&r, r#"{{ price(model="gpt-5.5") }}"#), "$5 / $30");
    assert_eq!(
        inline(&r, r#"{{ price(model="claude-sonnet-4.6") }}"#),
        "not available"
    );
}

#[test]
fn differences_ranks_and_leaders_come_from_the_data() {
    let r = renderer();
    assert_eq!(
        inline(
            &r,
            r#"{{ diff(a="gpt-5.5", b="claude-opus-4.7", metric="aa_coding_index") }}"#
        ),
        "6.6 points"
    );
    assert_eq!(
        inline(
            &r,
            r#"{{ diff(a="gpt-5.5", b="claude-opus-4.7", metric="terminal_bench_2") }}"#
        ),
        "13.3 percentage points"
    );
    assert_eq!(
        inline(
            &r,
            r#"{{ diff(a="claude-opus-4.7", b="gpt-5.5", metric="price_output", relative=true) }}"#
        ),
        "~17% lower"
    );
    assert_eq!(
        inline(&r, r#"{{ leader(metric="output_speed") }}"#),
        "GPT-5.3-Codex"
    );
    assert_eq!(
        inline(&r, r#"{{ leader(metric="output_speed", among="all") }}"#),
        "Gemini 3.1 Pro Preview"
    );
    assert_eq!(inline(&r, r#"{{ rank(model="gpt-5.4") }}"#), "2");
    assert_eq!(
        inline(
            &r,
            r#"{{ rank(model="gpt-5.5", metric="output_speed", among="ranked") }}"#
        ),
        "4"
    );
    assert_eq!(inline(&r, r#"{{ score(model="gpt-5.5") }}"#), "90.0");
    assert_eq!(inline(&r, r#"{{ top() }}"#), "4");
    assert_eq!(
        inline(&r, r#"{{ link(model="gpt-5.4") }}"#),
        r#"<a href="/models/gpt-5.4/">GPT-5.4</a>"#
    );
}

#[test]
fn claims_that_hold_print_the_name() {
    let r = renderer();
    assert_eq!(
        inline(
            &r,
            r#"{{ claim(model="gpt-5.3-codex", best="output_speed", among="top") }}"#
        ),
        "GPT-5.3-Codex"
    );
    assert_eq!(
        inline(&r, r#"{{ claim(model="gpt-5.5", worst="output_speed") }}"#),
        "GPT-5.5"
    );
    assert_eq!(
        inline(&r, r#"{{ claim(model="gpt-5.5", rank=1) }}"#),
        "GPT-5.5"
    );
}

#[test]
fn a_false_claim_fails_at_its_line() {
    let r = renderer();
    let d = failure(
        &r,
        "The fastest of the top five is\n{{ claim(model=\"gpt-5.5\", best=\"output_speed\") }}.",
    );
    let location = d.location.unwrap();
    assert_eq!(
        location.file.to_str(),
        Some("content/use-cases/coding/index.md")
    );
    assert_eq!(
        location.line, 41,
        "the call is on the second line of a text starting on line 40"
    );
    assert!(
        d.message.contains("claim failed: GPT-5.5 is not the best on Output throughput among the top 5 of `coding`: GPT-5.3-Codex has 95.4 tok/s against 64.0 tok/s"),
        "{}",
        d.message
    );
    let d = failure(&r, r#"{{ claim(model="gpt-5.4", rank=1) }}"#);
    assert!(
        d.message
            .contains("GPT-5.4 is ranked #2 in `coding`, not #1"),
        "{}",
        d.message
    );
    let d = failure(
        &r,
        r#"{{ claim(model="gemini-3.1-pro-preview", best="output_speed") }}"#,
    );
    assert!(
        d.message.contains("is not among the top 5 of `coding`"),
        "{}",
        d.message
    );
}

#[test]
fn mistakes_in_bindings_are_explained() {
    let r = renderer();
    let d = failure(&r, r#"{{ figure(model="gpt-55", metric="output_speed") }}"#);
    assert!(
        d.message
            .contains("unknown model `gpt-55`; did you mean `gpt-5.5`?"),
        "{}",
        d.message
    );
    let d = failure(&r, r#"{{ figure(model="gpt-5.5", metric="output_sped") }}"#);
    assert!(
        d.message.contains("did you mean `output_speed`?"),
        "{}",
        d.message
    );
    let d = failure(&r, r#"{{ figure(modl="gpt-5.5", metric="output_speed") }}"#);
    assert!(
        d.message.contains("`figure` has no argument `modl`"),
        "{}",
        d.message
    );
    let d = failure(
        &r,
        r#"{{ diff(a="gpt-5.5", b="gpt-5.4", metric="terminalbench_hard") }}"#,
    );
    assert!(
        d.message
            .contains("`gpt-5.4` has no figure for `terminalbench_hard`"),
        "{}",
        d.message
    );
    let d = failure(&r, r#"{{ rank(model="gpt-5.5", use_case="codng") }}"#);
    assert!(
        d.message.contains("did you mean `coding`?"),
        "{}",
        d.message
    );
    let d = failure(&r, r#"{{ no_such_binding() }}"#);
    assert!(d.message.contains("no_such_binding"), "{}", d.message);
}

#[test]
fn tables_are_blocks_generated_from_the_data() {
    let r = renderer();
    let html = r
        .block(
            &prose("Before.\n\n{{ table(models=[\"gpt-5.5\", \"claude-opus-4.7\"], metrics=[\"gdpval\", \"price_output\"]) }}\n\nAfter.\n"),
            Some("coding"),
        )
        .unwrap()
        .html;
    assert!(html.contains("<table class=\"compare\">"), "{html}");
    assert!(html.contains("84.9%"), "{html}");
    assert!(
        html.contains("<td class=\"figure na\">not available</td>"),
        "{html}"
    );
    assert!(html.contains("$25"), "{html}");
    assert!(html.contains("<p>After.</p>"), "{html}");
}
