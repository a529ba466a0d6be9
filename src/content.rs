//! The editorial content: use cases (ranking configuration, summary, analyses, prompts, FAQ),
//! guides and the home page, read from `content/`.
//!
//! Structure lives in YAML front matter; prose lives in Markdown and is kept here as
//! [`Prose`] (text plus where it came from) so that rendering errors point back at the file.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::data::{Catalog, check_id};
use crate::date::Date;
use crate::error::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::input::{Document, Lines, Origin, SourceFile, Spanned, split_front_matter};
use crate::rank::{self, FilterMissing, Method, Missing, Op, Scale};
use crate::sources::Sources;

pub mod fingerprint;

/// Names of the pages every use case has beside its model pages.
pub const RESERVED_PAGE_NAMES: &[&str] = &["prompts", "faq", "ranking.json", "ranking.csv"];

/// Markdown (or a Markdown fragment) with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Prose {
    pub text: String,
    pub origin: Origin,
}

/// A file's front matter: where its YAML starts, and the YAML itself, from which the text of
/// a value is placed at the value's own line and column in the file.
struct Front {
    origin: Origin,
    yaml: String,
    lines: Lines,
}

impl Front {
    fn prose(&self, s: Spanned<String>) -> Prose {
        Prose {
            origin: self.origin.of_text(&s, &self.yaml, &self.lines),
            text: s.value,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UseCase {
    pub slug: String,
    pub title: String,
    pub short_title: String,
    pub eyebrow: String,
    pub description: String,
    pub order: i64,
    /// The metric the leaderboard leads with.
    pub headline: String,
    /// Metric columns of the leaderboard table, after rank, model and provider.
    pub columns: Vec<String>,
    pub spec: rank::Spec,
    /// What the ranking engine does not need to know about each criterion, in the order of
    /// `spec.criteria`.
    pub criteria_info: Vec<CriterionInfo>,
    /// Why each filter exists, in the order of `spec.filters`.
    pub filter_notes: Vec<Option<Prose>>,
    pub criteria_intro: Option<Prose>,
    pub summary: Prose,
    pub updated: Option<Date>,
    /// The editor's own sentence on why a model is outside the leaderboard's rows, by model
    /// id; shown beside the generated one.
    pub why_not: BTreeMap<String, WhyNot>,
    pub analyses: BTreeMap<String, Analysis>,
    pub prompts: Option<Prompts>,
    pub faq: Option<Faq>,
    pub file: PathBuf,
}

/// An editor's sentence on why a model is not among the leaderboard's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct WhyNot {
    pub text: Prose,
    /// Where the model's id is written.
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CriterionInfo {
    /// Why the criterion matters.
    pub why: Option<Prose>,
    pub location: Location,
    /// The editor accepts vendor-reported (`claimed`) figures for this criterion.
    pub allow_claimed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub model: String,
    pub best_for: Option<Prose>,
    pub strengths: Vec<Prose>,
    pub weaknesses: Vec<Prose>,
    pub body: Prose,
    pub file: PathBuf,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompts {
    pub intro: Prose,
    pub items: Vec<Prompt>,
    pub quick_start: Option<QuickStart>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub title: String,
    /// The language the prompt text is highlighted as.
    pub language: String,
    pub text: String,
    pub expected: Prose,
}

/// A code sample that calls the top pick; `{{ model }}` in the code becomes its gateway slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuickStart {
    pub language: String,
    pub code: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Faq {
    pub intro: Prose,
    pub items: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub question: Prose,
    pub answer: Prose,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub models: Vec<String>,
    pub use_case: Option<String>,
    pub updated: Option<Date>,
    pub order: i64,
    pub body: Prose,
    pub file: PathBuf,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Home {
    pub title: Option<String>,
    pub intro: Option<Prose>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub home: Home,
    pub use_cases: Vec<UseCase>,
    pub guides: Vec<Guide>,
}

// ----- front matter -------------------------------------------------------------------------

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UseCaseFront {
    title: String,
    #[serde(default)]
    short_title: Option<String>,
    #[serde(default)]
    eyebrow: Option<String>,
    description: String,
    #[serde(default)]
    order: i64,
    headline: Spanned<String>,
    #[serde(default)]
    columns: Vec<Spanned<String>>,
    #[serde(default)]
    criteria_intro: Option<Spanned<String>>,
    #[serde(default)]
    updated: Option<Date>,
    ranking: Spanned<RankingFront>,
    #[serde(default)]
    why_not: HashMap<Spanned<String>, Spanned<String>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RankingFront {
    #[serde(default)]
    method: Method,
    #[serde(default = "default_top")]
    top: usize,
    #[serde(default)]
    criteria: Vec<CriterionFront>,
    #[serde(default)]
    filters: Vec<FilterFront>,
    #[serde(default)]
    tie_breakers: Vec<Spanned<String>>,
    #[serde(default)]
    weight_band: Option<Spanned<u32>>,
}

fn default_top() -> usize {
    5
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionFront {
    metric: Spanned<String>,
    #[serde(default)]
    weight: Option<Spanned<f64>>,
    #[serde(default)]
    scale: Scale,
    #[serde(default)]
    missing: Missing,
    #[serde(default)]
    allow_claimed: bool,
    #[serde(default)]
    why: Option<Spanned<String>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterFront {
    metric: Spanned<String>,
    op: Op,
    value: f64,
    #[serde(default)]
    missing: FilterMissing,
    #[serde(default)]
    why: Option<Spanned<String>>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AnalysisFront {
    #[serde(default)]
    best_for: Option<Spanned<String>>,
    #[serde(default)]
    strengths: Vec<Spanned<String>>,
    #[serde(default)]
    weaknesses: Vec<Spanned<String>>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PromptsFront {
    #[serde(default)]
    prompts: Vec<PromptFront>,
    #[serde(default)]
    quick_start: Option<QuickStart>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PromptFront {
    title: String,
    #[serde(default = "default_prompt_language")]
    language: String,
    prompt: String,
    expected: Spanned<String>,
}

fn default_prompt_language() -> String {
    "text".to_string()
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EmptyFront {}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuideFront {
    title: String,
    description: String,
    #[serde(default)]
    models: Vec<Spanned<String>>,
    #[serde(default)]
    use_case: Option<Spanned<String>>,
    #[serde(default)]
    updated: Option<Date>,
    #[serde(default)]
    order: i64,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HomeFront {
    #[serde(default)]
    title: Option<String>,
}

// ----- walking folders ----------------------------------------------------------------------

/// Files directly or deeply under `dir` with one of `exts` (any file when `exts` is empty), sorted, as paths relative to
/// `root`. Symbolic links are never followed (a link could pull in files from outside the
/// site); each one is reported. Hidden files and editors' backup files are skipped.
pub fn files_in(root: &Path, dir: &Path, exts: &[&str], out: &mut Diagnostics) -> Vec<PathBuf> {
    let full = root.join(dir);
    if !full.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(&full).follow_links(false).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.push(Diagnostic::error(
                    Location::file(dir),
                    format!("cannot read the folder: {e}"),
                ));
                continue;
            }
        };
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_path_buf();
        let name = entry.file_name().to_string_lossy();
        if entry.depth() > 0 && is_ignored(&name) {
            continue;
        }
        if entry.path_is_symlink() {
            out.push(Diagnostic::error(
                Location::file(&rel),
                "this is a symbolic link; links are not followed, so that no file from outside the site is published",
            ).with_help("replace the link with the file itself"));
            continue;
        }
        let ext = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if entry.file_type().is_file() && (exts.is_empty() || exts.contains(&ext)) {
            files.push(rel);
        }
    }
    files
}

/// Hidden files, and the temporary and backup files editors leave behind.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

fn read_doc<T: Serialize + DeserializeOwned + Default>(
    src: &Sources,
    rel: &Path,
    out: &mut Diagnostics,
) -> Option<(T, Prose, Front)> {
    let file = out.take(SourceFile::read(src.root(), rel))?;
    let doc = out.take(split_front_matter(&file))?;
    let front = if doc.yaml.trim().is_empty() {
        T::default()
    } else {
        out.take(src.parse(doc.yaml, &doc.yaml_origin))?
    };
    Some(with_texts(front, doc))
}

/// Like `read_doc`, for front matter that has required fields.
fn read_required<T: Serialize + DeserializeOwned>(
    src: &Sources,
    rel: &Path,
    out: &mut Diagnostics,
) -> Option<(T, Prose, Front)> {
    let file = out.take(SourceFile::read(src.root(), rel))?;
    let doc = out.take(split_front_matter(&file))?;
    if doc.yaml.is_empty() {
        out.push(
            Diagnostic::error(
                Location::file(rel),
                "this file needs YAML front matter between `---` lines",
            )
            .with_help("see docs/authoring.md for the fields"),
        );
        return None;
    }
    let front = out.take(src.parse(doc.yaml, &doc.yaml_origin))?;
    Some(with_texts(front, doc))
}

/// A file's parsed front matter, with its body and its YAML as texts of the file.
fn with_texts<T>(front: T, doc: Document) -> (T, Prose, Front) {
    let body = Prose {
        text: doc.body.to_string(),
        origin: doc.body_origin,
    };
    let yaml = Front {
        origin: doc.yaml_origin,
        yaml: doc.yaml.to_string(),
        lines: Lines::new(doc.yaml),
    };
    (front, body, yaml)
}

// ----- loading ------------------------------------------------------------------------------

/// Loads `content/` under `root`, checking every id against the catalog.
pub fn load(src: &Sources, catalog: &Catalog, out: &mut Diagnostics) -> Content {
    let dirs = use_case_dirs(src.root(), out);
    let slugs: Vec<String> = dirs.iter().map(|(slug, _)| slug.clone()).collect();
    let use_cases = load_each(&dirs, out, |(slug, dir), problems| {
        load_use_case(src, slug, dir, catalog, problems)
    });
    // A guide naming a use case whose own files are broken gets no second message.
    let guides = load_guides(src, catalog, &slugs, out);
    let home = load_home(src, out);
    let mut content = Content {
        home,
        use_cases,
        guides,
    };
    content
        .use_cases
        .sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.slug.cmp(&b.slug)));
    content
        .guides
        .sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.slug.cmp(&b.slug)));
    content
}

fn load_home(src: &Sources, out: &mut Diagnostics) -> Home {
    let root = src.root();
    let rel = Path::new("content/index.md");
    if !root.join(rel).is_file() {
        return Home {
            title: None,
            intro: None,
        };
    }
    match read_doc::<HomeFront>(src, rel, out) {
        Some((front, body, _)) => Home {
            title: front.title,
            intro: Some(body),
        },
        None => Home {
            title: None,
            intro: None,
        },
    }
}

fn use_case_dirs(root: &Path, out: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let base = Path::new("content/use-cases");
    let Ok(read) = fs::read_dir(root.join(base)) else {
        return Vec::new();
    };
    let mut dirs: Vec<(String, PathBuf)> = Vec::new();
    for entry in read.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = base.join(&name);
        if is_ignored(&name) {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_symlink() {
            out.push(Diagnostic::error(
                Location::file(&rel),
                "this is a symbolic link; links are not followed, so that no file from outside the site is published",
            ));
        } else if kind.is_dir() {
            match check_id(&name) {
                Ok(()) => dirs.push((name, rel)),
                Err(message) => out.push(Diagnostic::error(
                    Location::file(&rel),
                    format!("use-case folder name: {message}"),
                )),
            }
        } else {
            out.push(Diagnostic::error(
                Location::file(&rel),
                "content/use-cases/ holds one folder per use case; this file belongs inside one",
            ));
        }
    }
    dirs.sort();
    dirs
}

const USE_CASE_FILES: &[&str] = &["index.md", "prompts.md", "faq.md", "analysis"];

fn load_use_case(
    src: &Sources,
    slug: &str,
    dir: &Path,
    catalog: &Catalog,
    out: &mut Diagnostics,
) -> Option<UseCase> {
    let root = src.root();
    report_stray_files(root, dir, out);
    let index = dir.join("index.md");
    if !root.join(&index).is_file() {
        out.push(
            Diagnostic::error(
                Location::file(dir),
                format!("the use case `{slug}` has no index.md"),
            )
            .with_help("create index.md with the ranking configuration (see docs/authoring.md)"),
        );
        return None;
    }
    let (front, summary, yaml) = read_required::<UseCaseFront>(src, &index, out)?;
    let origin = &yaml.origin;
    let (spec, criteria_info, filter_notes) = resolve_ranking(front.ranking, &yaml, catalog, out);
    let headline = metric_ref(front.headline, origin, catalog, out);
    let columns = front
        .columns
        .into_iter()
        .map(|c| metric_ref(c, origin, catalog, out))
        .collect();
    Some(UseCase {
        slug: slug.to_string(),
        short_title: front.short_title.unwrap_or_else(|| front.title.clone()),
        title: front.title,
        eyebrow: front
            .eyebrow
            .unwrap_or_else(|| "Use-case ranking".to_string()),
        description: front.description,
        order: front.order,
        headline,
        columns,
        spec,
        criteria_info,
        filter_notes,
        criteria_intro: front.criteria_intro.map(|p| yaml.prose(p)),
        summary,
        updated: front.updated,
        why_not: why_not_notes(front.why_not, &yaml, catalog, out),
        analyses: load_analyses(src, dir, catalog, out),
        prompts: load_prompts(src, &dir.join("prompts.md"), out),
        faq: load_faq(src, &dir.join("faq.md"), out),
        file: index,
    })
}

/// A misspelt file name (`promts.md`) would otherwise be silently ignored.
fn report_stray_files(root: &Path, dir: &Path, out: &mut Diagnostics) {
    let Ok(read) = fs::read_dir(root.join(dir)) else {
        return;
    };
    let mut names: Vec<String> = read
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        if is_ignored(&name) || USE_CASE_FILES.contains(&name.as_str()) {
            continue;
        }
        let d = Diagnostic::error(
            Location::file(dir.join(&name)),
            format!(
                "`{name}` is not a file of a use case (index.md, prompts.md, faq.md, analysis/)"
            ),
        );
        out.push(match did_you_mean(&name, USE_CASE_FILES.iter().copied()) {
            Some(help) => d.with_help(help),
            None => d,
        });
    }
}

fn metric_ref(
    s: Spanned<String>,
    origin: &Origin,
    catalog: &Catalog,
    out: &mut Diagnostics,
) -> String {
    if !catalog.metrics.contains_key(&s.value) {
        out.extend(catalog.unknown("metric", &s.value, origin.of(&s)));
    }
    s.value
}

type Resolved = (rank::Spec, Vec<CriterionInfo>, Vec<Option<Prose>>);

fn resolve_ranking(
    front: Spanned<RankingFront>,
    yaml: &Front,
    catalog: &Catalog,
    out: &mut Diagnostics,
) -> Resolved {
    let origin = &yaml.origin;
    let at = origin.of(&front);
    let r = front.value;
    let better = |m: &str| {
        catalog
            .metrics
            .get(m)
            .map_or(rank::Better::Higher, |d| d.better)
    };
    let mut criteria = Vec::new();
    let mut criteria_info = Vec::new();
    for c in r.criteria {
        let metric = metric_ref(c.metric.clone(), origin, catalog, out);
        let weight = match (&c.weight, r.method) {
            (Some(w), _) => {
                if w.value.is_nan() || w.value <= 0.0 {
                    out.push(Diagnostic::error(
                        origin.of(w),
                        format!(
                            "the weight of `{metric}` is {}; weights must be greater than 0",
                            w.value
                        ),
                    ));
                }
                w.value
            }
            (None, Method::Weighted) => {
                out.push(Diagnostic::error(
                    origin.of(&c.metric),
                    format!("the criterion `{metric}` has no weight"),
                ));
                0.0
            }
            (None, Method::Ordered) => 0.0,
        };
        criteria.push(rank::Criterion {
            better: better(&metric),
            metric,
            weight,
            scale: c.scale,
            missing: c.missing,
        });
        criteria_info.push(CriterionInfo {
            location: origin.of(&c.metric),
            why: c.why.map(|w| yaml.prose(w)),
            allow_claimed: c.allow_claimed,
        });
    }
    let mut filters = Vec::new();
    let mut filter_notes = Vec::new();
    for f in r.filters {
        filters.push(rank::Filter {
            metric: metric_ref(f.metric, origin, catalog, out),
            op: f.op,
            value: f.value,
            missing: f.missing,
        });
        filter_notes.push(f.why.map(|w| yaml.prose(w)));
    }
    let tie_breakers = r
        .tie_breakers
        .into_iter()
        .map(|t| {
            let metric = metric_ref(t, origin, catalog, out);
            rank::TieBreaker {
                better: better(&metric),
                metric,
            }
        })
        .collect();
    let weight_band = weight_band(r.weight_band, r.method, origin, out);
    let spec = rank::Spec {
        method: r.method,
        criteria,
        filters,
        tie_breakers,
        top: r.top,
        weight_band,
    };
    if spec.top == 0 {
        out.push(Diagnostic::error(at.clone(), "`top` must be at least 1"));
    }
    if let Err(e @ (rank::RankError::WeightSum { .. } | rank::RankError::NoCriteria)) =
        rank::check_spec(&spec)
    {
        out.push(Diagnostic::error(at, e.to_string()).with_help(
            "the weights of a weighted ranking are percentages and must add up to exactly 100",
        ));
    }
    (spec, criteria_info, filter_notes)
}

/// The editor's `why_not` sentences, by model id; an id the data does not have is reported
/// with the closest one.
fn why_not_notes(
    notes: HashMap<Spanned<String>, Spanned<String>>,
    yaml: &Front,
    catalog: &Catalog,
    out: &mut Diagnostics,
) -> BTreeMap<String, WhyNot> {
    let mut notes: Vec<_> = notes.into_iter().collect();
    notes.sort_by(|a, b| a.0.value.cmp(&b.0.value));
    let mut known = BTreeMap::new();
    for (id, note) in notes {
        if catalog.models.contains_key(&id.value) {
            let location = yaml.origin.of(&id);
            let text = yaml.prose(note);
            known.insert(id.value, WhyNot { text, location });
        } else {
            out.extend(catalog.unknown("model", &id.value, yaml.origin.of(&id)));
        }
    }
    known
}

fn weight_band(
    band: Option<Spanned<u32>>,
    method: Method,
    origin: &Origin,
    out: &mut Diagnostics,
) -> u32 {
    let Some(band) = band else {
        return rank::DEFAULT_WEIGHT_BAND;
    };
    if method == Method::Ordered {
        out.push(
            Diagnostic::error(
                origin.of(&band),
                "`weight_band` applies to weighted rankings; an ordered ranking has no weights to shift",
            )
            .with_help("remove `weight_band`, or use `method: weighted`"),
        );
    } else if band.value > rank::MAX_WEIGHT_BAND {
        out.push(
            Diagnostic::error(
                origin.of(&band),
                rank::RankError::WeightBand { band: band.value }.to_string(),
            )
            .with_help("the band is how many percentage points each weight may move either way"),
        );
    }
    band.value
}

fn load_analyses(
    src: &Sources,
    dir: &Path,
    catalog: &Catalog,
    out: &mut Diagnostics,
) -> BTreeMap<String, Analysis> {
    files_in(src.root(), &dir.join("analysis"), &["md"], out)
        .into_iter()
        .filter_map(|rel| load_analysis(src, &rel, catalog, out))
        .map(|a| (a.model.clone(), a))
        .collect()
}

/// Reads one analysis file; its name is the model's id.
pub fn load_analysis(
    src: &Sources,
    rel: &Path,
    catalog: &Catalog,
    out: &mut Diagnostics,
) -> Option<Analysis> {
    let model = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !catalog.models.contains_key(&model) {
        out.extend(
            catalog
                .unknown("model", &model, Location::file(rel))
                .map(|d| {
                    let help = d.help.clone().unwrap_or_else(|| {
                        "name analysis files after a model id from data/models/".to_string()
                    });
                    d.with_help(help)
                }),
        );
        return None;
    }
    let (front, body, yaml) = read_doc::<AnalysisFront>(src, rel, out)?;
    let list = |items: Vec<Spanned<String>>| items.into_iter().map(|s| yaml.prose(s)).collect();
    Some(Analysis {
        model,
        best_for: front.best_for.map(|s| yaml.prose(s)),
        strengths: list(front.strengths),
        weaknesses: list(front.weaknesses),
        body,
        file: rel.to_path_buf(),
    })
}

/// Reads a use case's `prompts.md`; `None` when there is none (or it is broken).
pub fn load_prompts(src: &Sources, rel: &Path, out: &mut Diagnostics) -> Option<Prompts> {
    if !src.root().join(rel).is_file() {
        return None;
    }
    let (front, intro, yaml) = read_doc::<PromptsFront>(src, rel, out)?;
    let items = front
        .prompts
        .into_iter()
        .map(|p| Prompt {
            title: p.title,
            language: p.language,
            text: p.prompt,
            expected: yaml.prose(p.expected),
        })
        .collect();
    Some(Prompts {
        intro,
        items,
        quick_start: front.quick_start,
    })
}

/// Reads a use case's `faq.md`; `None` when there is none (or it is broken).
pub fn load_faq(src: &Sources, rel: &Path, out: &mut Diagnostics) -> Option<Faq> {
    if !src.root().join(rel).is_file() {
        return None;
    }
    let (_, body, _) = read_doc::<EmptyFront>(src, rel, out)?;
    let (intro, items) = split_questions(&body);
    if items.is_empty() {
        out.push(
            Diagnostic::error(Location::file(rel), "the FAQ has no questions")
                .with_help("write each question as a `## ` heading, with its answer below it"),
        );
    }
    Some(Faq { intro, items })
}

/// Splits a FAQ body at its level-2 headings: each heading is a question, the text up to the
/// next one its answer. Headings inside code blocks do not count, because the Markdown parser
/// finds them.
pub fn split_questions(body: &Prose) -> (Prose, Vec<Question>) {
    let text = &body.text;
    let mut headings: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => current = Some((range.start, range.end)),
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                if let Some((start, end)) = current.take() {
                    let line = &text[start..end];
                    let inner_start =
                        start + line.find(|c: char| c != '#' && c != ' ').unwrap_or(0);
                    let inner_end = start + line.trim_end().trim_end_matches('#').trim_end().len();
                    headings.push((start..end, inner_start..inner_end.max(inner_start)));
                }
            }
            _ => {}
        }
    }
    let slice = |range: std::ops::Range<usize>| Prose {
        text: text[range.clone()].to_string(),
        origin: body.origin.down(text[..range.start].matches('\n').count()),
    };
    let intro_end = headings.first().map_or(text.len(), |(h, _)| h.start);
    let items = headings
        .iter()
        .enumerate()
        .map(|(i, (heading, inner))| {
            let end = headings.get(i + 1).map_or(text.len(), |(h, _)| h.start);
            Question {
                question: slice(inner.clone()),
                answer: slice(heading.end..end),
            }
        })
        .collect();
    (slice(0..intro_end), items)
}

fn load_guides(
    src: &Sources,
    catalog: &Catalog,
    use_cases: &[String],
    out: &mut Diagnostics,
) -> Vec<Guide> {
    let files = files_in(src.root(), Path::new("content/guides"), &["md"], out);
    load_each(&files, out, |rel, problems| {
        load_guide(src, catalog, use_cases, rel, problems)
    })
}

/// Loads every item in parallel. Each one's problems are gathered apart and merged in the
/// items' order, so the report does not depend on which thread finished first.
fn load_each<I: Sync, T: Send>(
    items: &[I],
    out: &mut Diagnostics,
    load: impl Fn(&I, &mut Diagnostics) -> Option<T> + Sync,
) -> Vec<T> {
    let loaded: Vec<(Option<T>, Diagnostics)> = items
        .par_iter()
        .with_max_len(1)
        .map(|item| {
            let mut problems = Diagnostics::new();
            (load(item, &mut problems), problems)
        })
        .collect();
    let mut done = Vec::with_capacity(loaded.len());
    for (item, problems) in loaded {
        out.extend(problems.into_sorted());
        done.extend(item);
    }
    done
}

fn load_guide(
    src: &Sources,
    catalog: &Catalog,
    use_cases: &[String],
    rel: &Path,
    out: &mut Diagnostics,
) -> Option<Guide> {
    let slug = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Err(message) = check_id(&slug) {
        out.push(Diagnostic::error(
            Location::file(rel),
            format!("guide file name: {message}"),
        ));
        return None;
    }
    let (front, body, yaml) = read_required::<GuideFront>(src, rel, out)?;
    let origin = &yaml.origin;
    let models = front
        .models
        .into_iter()
        .filter_map(|m| {
            let known = catalog.models.contains_key(&m.value);
            if !known {
                out.extend(catalog.unknown("model", &m.value, origin.of(&m)));
            }
            known.then_some(m.value)
        })
        .collect();
    let use_case = front.use_case.and_then(|u| {
        let known = use_cases.contains(&u.value);
        if !known {
            let d = Diagnostic::error(origin.of(&u), format!("unknown use case `{}`", u.value));
            out.push(
                match did_you_mean(&u.value, use_cases.iter().map(String::as_str)) {
                    Some(help) => d.with_help(help),
                    None => d,
                },
            );
        }
        known.then_some(u.value)
    });
    Some(Guide {
        slug,
        title: front.title,
        description: front.description,
        models,
        use_case,
        updated: front.updated,
        order: front.order,
        body,
        file: rel.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of the example site's content and data.
    fn example_copy() -> tempfile::TempDir {
        let site = tempfile::tempdir().unwrap();
        let example = Path::new(env!("CARGO_MANIFEST_DIR"));
        for part in ["content", "data"] {
            for entry in walkdir::WalkDir::new(example.join(part)) {
                let entry = entry.unwrap();
                let rel = entry.path().strip_prefix(example).unwrap();
                match entry.file_type().is_dir() {
                    true => fs::create_dir_all(site.path().join(rel)).unwrap(),
                    false => drop(fs::copy(entry.path(), site.path().join(rel)).unwrap()),
                }
            }
        }
        site
    }

    /// Loads the content of the site at `root`, keeping its front matter for the next load.
    fn load_keeping(root: &Path) -> (Content, Vec<String>, usize) {
        let mut out = Diagnostics::new();
        let catalog = crate::data::load(root, &mut out);
        let sources = Sources::load(root);
        let content = load(&sources, &catalog, &mut out);
        let afresh = sources.parsed_afresh();
        sources.save();
        let problems = out.into_sorted().iter().map(|d| format!("{d:?}")).collect();
        (content, problems, afresh)
    }

    #[test]
    fn every_kind_of_front_matter_is_decoded_from_the_cache_as_it_was_parsed() {
        let site = example_copy();
        let (parsed, parse_problems, afresh) = load_keeping(site.path());
        assert!(afresh > 0);
        let (decoded, decode_problems, afresh) = load_keeping(site.path());
        assert_eq!(afresh, 0);
        assert_eq!(decoded, parsed);
        assert_eq!(decode_problems, parse_problems);
    }

    #[test]
    fn faq_splits_at_level_two_headings() {
        let body = Prose {
            text: "Intro.\n\n## Why?\n\nBecause.\n\n```md\n## not a question\n```\n\n## How?\nLike this.\n".into(),
            origin: Origin::new("content/use-cases/x/faq.md", 3),
        };
        let (intro, items) = split_questions(&body);
        assert_eq!(intro.text.trim(), "Intro.");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].question.text, "Why?");
        assert_eq!(items[0].question.origin.line, 5);
        assert!(items[0].answer.text.contains("## not a question"));
        assert_eq!(items[1].question.text, "How?");
        assert_eq!(items[1].answer.text.trim(), "Like this.");
    }
}
