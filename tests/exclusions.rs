//! How a leaderboard says which models it leaves out: one sentence per reason, every model
//! named in it, with the figure that fails the rule.

mod common;

use common::{Lab, sel, text};
use scraper::Html;

/// Six models; the drafting ranking asks for at least 50 tok/s. `extra` goes at the end of
/// the use case's front matter.
fn lab(extra: &str) -> Lab {
    let lab = Lab::new(&[
        ("a", [Some(80.0), Some(90.0), Some(1.0), Some(2.0)]),
        ("b", [Some(70.0), Some(60.0), Some(1.0), Some(2.0)]),
        ("c", [Some(75.0), Some(20.0), Some(1.0), Some(2.0)]),
        ("d", [Some(60.0), Some(35.5), Some(1.0), Some(2.0)]),
        ("e", [Some(65.0), None, Some(1.0), Some(2.0)]),
        ("f", [Some(90.0), Some(10.0), Some(1.0), Some(2.0)]),
    ]);
    lab.write(
        "content/use-cases/drafting/index.md",
        &format!(
            "---\ntitle: Drafting long documents\nshort_title: Drafting\ndescription: Invented models ranked for drafting.\nheadline: quality\nranking:\n  top: 2\n  criteria:\n    - metric: quality\n      weight: 100\n  filters:\n    - metric: speed\n      op: \">=\"\n      value: 50\n{extra}---\nThe invented models, ranked for drafting.\n"
        ),
    );
    lab
}

fn excluded(lab: &Lab) -> Vec<String> {
    let (_, files) = lab.build();
    let html = text(&files, "use-cases/drafting/index.html");
    Html::parse_document(&html)
        .select(&sel("ul.excluded li"))
        .map(|li| li.text().collect())
        .collect()
}

#[test]
fn models_failing_one_rule_share_one_sentence_with_their_figures() {
    let lab = lab("");
    assert_eq!(
        excluded(&lab),
        [
            "3 models are not ranked because their Output speed figures (in brackets) do not \
             meet this ranking’s rule of at least 50.0 tok/s: Model C (20.0 tok/s), Model D (35.5 tok/s) \
             and Model F (10.0 tok/s).",
            "Model E is not ranked because it has no published figure for Output speed, and \
             this ranking requires at least 50.0 tok/s.",
        ]
    );
}

#[test]
fn a_model_with_an_editors_note_keeps_its_own_sentence() {
    let lab = lab("why_not:\n  d: Its next release is meant to be faster.\n");
    let items = excluded(&lab);
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].starts_with("2 models are not ranked because"));
    assert!(items[0].ends_with(": Model C (20.0 tok/s) and Model F (10.0 tok/s)."));
    assert_eq!(
        items[1],
        "Model D is not ranked because its Output speed figure is 35.5 tok/s, and this ranking \
         requires at least 50.0 tok/s. Its next release is meant to be faster."
    );
}

#[test]
fn statuses_and_missing_figures_are_said_once_for_all_their_models() {
    let lab = lab("");
    lab.model("g", [Some(50.0), None, Some(1.0), Some(2.0)]);
    lab.model("h", [Some(85.0), Some(95.0), Some(1.0), Some(2.0)]);
    lab.model("i", [Some(55.0), Some(99.0), Some(1.0), Some(2.0)]);
    lab.status("h", "deprecated");
    lab.status("i", "deprecated");
    let items = excluded(&lab);
    assert!(
        items.contains(
            &"2 models are not ranked because they have no published figure for Output speed, \
              and this ranking requires at least 50.0 tok/s: Model E and Model G."
                .to_string()
        ),
        "{items:?}"
    );
    assert!(
        items.contains(
            &"2 models are not ranked because they are deprecated: Model H and Model I."
                .to_string()
        ),
        "{items:?}"
    );
}

#[test]
fn names_in_a_shared_sentence_are_escaped_once() {
    let lab = lab("");
    let path = lab.root().join("data/models/c.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        yaml.replace("name: Model C", "name: \"C <b> & 'D'\""),
    )
    .unwrap();
    let (_, files) = lab.build();
    let html = text(&files, "use-cases/drafting/index.html");
    assert!(
        html.contains(">C &lt;b&gt; &amp; &#39;D&#39;</a> (20.0 tok/s)"),
        "{html}"
    );
}

#[test]
fn an_editors_note_also_reaches_the_models_profile() {
    // A build drops each use case's prose once its pages are written; the profiles, made
    // afterwards, must still have the notes.
    let lab = lab("why_not:\n  d: Its next release is meant to be faster.\n");
    let (_, files) = lab.build();
    let profile = Html::parse_document(&text(&files, "models/d/index.html"));
    let placements: Vec<String> = profile
        .select(&sel("li"))
        .map(|li| li.text().collect())
        .filter(|t: &String| t.starts_with("Not ranked in Drafting"))
        .collect();
    assert_eq!(
        placements,
        [
            "Not ranked in Drafting because its Output speed figure is 35.5 tok/s, and this \
          ranking requires at least 50.0 tok/s. Its next release is meant to be faster."
        ]
    );
}
