//! Scaffolding: `standings init <dir>` (a small site that builds as it is) and
//! `standings new use-case|model` (the files an editor fills in, with every field explained).
//!
//! Nothing is ever overwritten: every file is created with `create_new`, and a command whose
//! files already exist stops before writing any.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::content::RESERVED_PAGE_NAMES;
use crate::data::{self, Catalog, check_id};
use crate::error::{Diagnostics, Error, display_path};

/// The example site of `init`: invented models and figures, one use case with an analysis,
/// prompts and a FAQ.
const INIT_FILES: &[(&str, &str)] = &[
    ("site.yaml", include_str!("scaffold/site/site.yaml")),
    (".gitignore", include_str!("scaffold/site/.gitignore")),
    (
        "data/metrics.yaml",
        include_str!("scaffold/site/data/metrics.yaml"),
    ),
    (
        "data/sources.yaml",
        include_str!("scaffold/site/data/sources.yaml"),
    ),
    (
        "data/providers.yaml",
        include_str!("scaffold/site/data/providers.yaml"),
    ),
    (
        "data/models/example-model-a.yaml",
        include_str!("scaffold/site/data/models/example-model-a.yaml"),
    ),
    (
        "data/models/example-model-b.yaml",
        include_str!("scaffold/site/data/models/example-model-b.yaml"),
    ),
    (
        "data/models/example-model-c.yaml",
        include_str!("scaffold/site/data/models/example-model-c.yaml"),
    ),
    (
        "content/index.md",
        include_str!("scaffold/site/content/index.md"),
    ),
    (
        "content/use-cases/writing/index.md",
        include_str!("scaffold/site/content/use-cases/writing/index.md"),
    ),
    (
        "content/use-cases/writing/analysis/example-model-a.md",
        include_str!("scaffold/site/content/use-cases/writing/analysis/example-model-a.md"),
    ),
    (
        "content/use-cases/writing/analysis/example-model-b.md",
        include_str!("scaffold/site/content/use-cases/writing/analysis/example-model-b.md"),
    ),
    (
        "content/use-cases/writing/analysis/example-model-c.md",
        include_str!("scaffold/site/content/use-cases/writing/analysis/example-model-c.md"),
    ),
    (
        "content/use-cases/writing/prompts.md",
        include_str!("scaffold/site/content/use-cases/writing/prompts.md"),
    ),
    (
        "content/use-cases/writing/faq.md",
        include_str!("scaffold/site/content/use-cases/writing/faq.md"),
    ),
];

/// Creates the example site in `dir`, which must be new or empty. Returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if let Ok(mut entries) = fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(Error::Usage(format!(
            "{} is not empty; `init` creates a site only in a new or empty folder",
            dir.display()
        )));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!("{} is not a folder", dir.display())));
    }
    let files: Vec<(PathBuf, String)> = INIT_FILES
        .iter()
        .map(|(path, text)| (PathBuf::from(path), text.to_string()))
        .collect();
    write_all(dir, &files)
}

/// Creates `content/use-cases/<slug>/` with `index.md`, `prompts.md` and `faq.md`, using
/// the site's own metrics so that the new use case builds before it is edited.
pub fn new_use_case(root: &Path, slug: &str) -> Result<Vec<PathBuf>, Error> {
    check_id(slug).map_err(|m| Error::Usage(format!("use-case slug: {m}")))?;
    let dir = Path::new("content/use-cases").join(slug);
    refuse_existing(root, &[dir.join("index.md")])?;
    let catalog = load_catalog(root)?;
    let mut metrics: Vec<&str> = catalog
        .metrics
        .keys()
        .map(String::as_str)
        .filter(|m| !m.starts_with("price_"))
        .collect();
    if metrics.is_empty() {
        metrics = catalog.metrics.keys().map(String::as_str).collect();
    }
    let Some(&headline) = metrics.first() else {
        return Err(Error::Usage(
            "data/metrics.yaml defines no metric yet; a use case ranks by metrics, so add one first".into(),
        ));
    };
    let files = vec![
        (
            dir.join("index.md"),
            use_case_index(slug, &metrics, headline),
        ),
        (dir.join("prompts.md"), USE_CASE_PROMPTS.to_string()),
        (dir.join("faq.md"), USE_CASE_FAQ.to_string()),
    ];
    write_all(root, &files)
}

/// Creates `data/models/<id>.yaml` with every metric of the site written as `null`.
pub fn new_model(root: &Path, id: &str) -> Result<Vec<PathBuf>, Error> {
    check_id(id).map_err(|m| Error::Usage(format!("model id: {m}")))?;
    if RESERVED_PAGE_NAMES.contains(&id) {
        return Err(Error::Usage(format!(
            "`{id}` is the name of a page of every use case and cannot be a model id"
        )));
    }
    let rel = Path::new("data/models").join(format!("{id}.yaml"));
    refuse_existing(root, &[rel.clone(), rel.with_extension("yml")])?;
    let catalog = load_catalog(root)?;
    let Some(provider) = catalog.providers.keys().next() else {
        return Err(Error::Usage(
            "data/providers.yaml lists no provider yet; add the model's vendor there first".into(),
        ));
    };
    write_all(root, &[(rel, model_file(id, provider, &catalog))])
}

fn load_catalog(root: &Path) -> Result<Catalog, Error> {
    let mut out = Diagnostics::new();
    let catalog = data::load(root, &mut out);
    out.into_result()?;
    Ok(catalog)
}

fn exists(rel: &Path) -> Error {
    Error::Usage(format!(
        "{} already exists; it is left as it is",
        display_path(rel)
    ))
}

/// Fails, before anything is read or written, when one of the files exists.
fn refuse_existing(root: &Path, files: &[PathBuf]) -> Result<(), Error> {
    match files.iter().find(|rel| root.join(rel).exists()) {
        Some(rel) => Err(exists(rel)),
        None => Ok(()),
    }
}

/// Writes every file, or none when one of them exists already.
fn write_all(root: &Path, files: &[(PathBuf, String)]) -> Result<Vec<PathBuf>, Error> {
    let paths: Vec<PathBuf> = files.iter().map(|(rel, _)| rel.clone()).collect();
    refuse_existing(root, &paths)?;
    for (rel, text) in files {
        let full = root.join(rel);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&full)
            .map_err(|e| Error::io("create", &full, e))?;
        file.write_all(text.as_bytes())
            .map_err(|e| Error::io("write", &full, e))?;
    }
    Ok(files.iter().map(|(rel, _)| root.join(rel)).collect())
}

/// "agentic-coding" → "Agentic coding".
fn title_of(slug: &str) -> String {
    let words = slug.replace(['-', '_', '.'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A YAML line with its comment, the comments of a file lined up in one column.
fn commented(line: &str, comment: &str) -> String {
    format!("{line:<35} # {comment}\n")
}

fn use_case_index(slug: &str, metrics: &[&str], headline: &str) -> String {
    let title = title_of(slug);
    let columns: Vec<&str> = metrics.iter().copied().skip(1).take(3).collect();
    let criteria: Vec<&str> = metrics.iter().copied().take(2).collect();
    let weights: &[u32] = if criteria.len() == 2 {
        &[60, 40]
    } else {
        &[100]
    };
    let mut text = String::from("---\n");
    text.push_str(&format!(
        "# A use case: its page is /use-cases/{slug}/. Every field is explained in\n# docs/authoring.md (\"The ranking: index.md\").\n"
    ));
    for (line, comment) in [
        (
            format!("title: {title}"),
            "the page's heading: say what work the ranking is for",
        ),
        (
            format!("short_title: {title}"),
            "navigation and breadcrumbs",
        ),
        (
            "description: One sentence for search engines and the home page.".to_string(),
            "required",
        ),
        (
            "order: 100".into(),
            "position on the home page and in the navigation",
        ),
        (
            format!("headline: {headline}"),
            "the metric the table and the top pick lead with",
        ),
        (
            format!("columns: [{}]", columns.join(", ")),
            "more metric columns of the table",
        ),
        (
            "# criteria_intro: Markdown".into(),
            "optional: the paragraph above the criteria",
        ),
        ("ranking:".into(), "how the order is computed"),
        (
            "  method: weighted".into(),
            "weighted (a score out of 100) or ordered",
        ),
        ("  top: 5".into(), "how many rows the leaderboard shows"),
        (
            "  criteria:".into(),
            "the weights are percentages and add up to exactly 100",
        ),
    ] {
        text.push_str(&commented(&line, comment));
    }
    for (metric, weight) in criteria.iter().zip(weights) {
        text.push_str(&format!("    - metric: {metric}\n"));
        text.push_str(&commented(
            &format!("      weight: {weight}"),
            "percent, above 0",
        ));
        text.push_str(&commented(
            "      scale: linear",
            "or log, for figures spread over orders of magnitude",
        ));
        text.push_str(&commented(
            "      missing: zero",
            "zero: no figure scores 0; exclude: not ranked",
        ));
        text.push_str("      why: Why this figure matters for this use case (Markdown).\n");
    }
    text.push_str(&commented(
        "  filters: []",
        "hard rules: - {metric: m, op: \">=\", value: 1}",
    ));
    text.push_str(&commented(
        "  tie_breakers: []",
        "metrics that order equal scores",
    ));
    text.push_str(&format!(
        "---\nThe summary: one or two paragraphs with the editorial verdict. Write every figure through a\nbinding such as `figure(model=\"…\", metric=\"{headline}\")` and every superlative through\n`claim`, so that the text follows the data (see \"Bindings\" in docs/authoring.md).\n"
    ));
    text
}

const USE_CASE_PROMPTS: &str = r#"---
# Example prompts for this use case (see "Prompts" in docs/authoring.md).
prompts:
  - title: A short name for the task
    language: text                  # how the prompt text is highlighted
    prompt: |
      The prompt, exactly as a reader would paste it.
    expected: |
      Markdown: what a good answer does, and which kind of model suits it.
---
An introduction to the prompts.
"#;

const USE_CASE_FAQ: &str = r#"Questions readers ask about this ranking. Each question is a level-2 heading and its answer
is the text up to the next one (see "FAQ" in docs/authoring.md).

## Which question do readers ask first?

Its answer, in Markdown, with figures written through bindings.
"#;

fn model_file(id: &str, provider: &str, catalog: &Catalog) -> String {
    let providers: Vec<&str> = catalog.providers.keys().map(String::as_str).collect();
    let mut text = String::from(
        "# A model: the file name is its id. Every field is explained in docs/authoring.md\n# (\"Models\").\n",
    );
    for (line, comment) in [
        (
            format!("name: {id}"),
            "required: the name readers see".to_string(),
        ),
        (
            format!("provider: {provider}"),
            format!(
                "required: one of {} (data/providers.yaml)",
                providers.join(", ")
            ),
        ),
        (
            "status: active".into(),
            "active, preview, superseded, deprecated or hidden".into(),
        ),
        (
            "# gateway_slug: vendor/model".into(),
            "optional: for \"Open in …\" and the quick start".into(),
        ),
        (
            "# released: 2026-01-31".into(),
            "optional: YYYY-MM-DD".into(),
        ),
        ("# inputs: [text, image]".into(), "optional".into()),
        (
            "# notes: One or two sentences.".into(),
            "optional: shown on the model's profile".into(),
        ),
        (
            "# as_of: 2026-01-31".into(),
            "the date of the figures; needed once one has a value".into(),
        ),
    ] {
        text.push_str(&commented(&line, &comment));
    }
    text.push_str(
        "\n# One line per metric of data/metrics.yaml. `null` says that no source gives the figure:\n# it is published as \"not available\", never as 0. Write a number, or a mapping with\n# `value` and optional `source`, `url`, `as_of`, `claimed` (reported by the vendor only)\n# and `note`.\nmetrics:\n",
    );
    for (key, m) in &catalog.metrics {
        text.push_str(&commented(
            &format!("  {key}: null"),
            &format!("{} ({})", m.label, m.unit),
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_slugs() {
        assert_eq!(title_of("agentic-coding"), "Agentic coding");
        assert_eq!(title_of("x"), "X");
    }
}
