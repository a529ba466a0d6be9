//! The model data: metric definitions, sources, providers and one file per model.
//!
//! Loading checks every file and every cross-reference and reports all problems together.
//! A figure a source does not give is `None` here and "not available" on the page: it is never
//! turned into 0, and never dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::date::Date;
use crate::error::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::format::Format;
use crate::input::{Entries, Origin, SourceFile, Spanned, parse_yaml};
use crate::rank::Better;

/// Ids name files and URLs, so they are kept to a small, safe alphabet.
pub fn check_id(id: &str) -> Result<(), String> {
    let mut chars = id.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if id.is_empty() {
        Err("an id cannot be empty".into())
    } else if id.len() > 100 {
        Err(format!("the id `{id}` is longer than 100 characters"))
    } else if !(first_ok && rest_ok) {
        Err(format!(
            "`{id}` is not a valid id: use lowercase ASCII letters, digits, `.`, `_` and `-`, starting with a letter or digit"
        ))
    } else {
        Ok(())
    }
}

/// URLs from the data end up in `href`s: only web addresses are allowed.
pub fn check_url(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    if web && url.len() > 8 && !url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Ok(())
    } else {
        Err(format!(
            "`{url}` is not a web address; links must start with https:// or http://"
        ))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub key: String,
    pub label: String,
    /// A shorter label for table headers.
    pub short_label: String,
    /// The unit in words, for people ("tokens per second").
    pub unit: String,
    pub better: Better,
    pub format: Format,
    /// Default source id for figures of this metric.
    pub source: Option<String>,
    pub description: Option<String>,
    /// Where the metric is defined, for messages about it.
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Active,
    /// Available, but pricing and limits may still change.
    Preview,
    /// Replaced by a newer model; kept for reference, not ranked.
    Superseded,
    Deprecated,
    /// Kept in the data but shown nowhere.
    Hidden,
}

impl Status {
    /// Whether the status keeps a model out of every ranking.
    pub fn is_inactive(self) -> bool {
        matches!(
            self,
            Status::Superseded | Status::Deprecated | Status::Hidden
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Preview => "preview",
            Status::Superseded => "superseded",
            Status::Deprecated => "deprecated",
            Status::Hidden => "hidden",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One figure of one model, with where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: Option<f64>,
    /// Source id; defaults to the metric's source.
    pub source: Option<String>,
    /// A deep link that overrides the source's own URL.
    pub url: Option<String>,
    pub as_of: Option<Date>,
    /// Reported by a vendor, not verified by anyone else.
    pub claimed: bool,
    pub note: Option<String>,
    /// Where the figure is written, for messages about it.
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub status: Status,
    pub gateway_slug: Option<String>,
    pub released: Option<Date>,
    pub inputs: Vec<String>,
    pub notes: Option<String>,
    /// Every metric the file lists, including those written `null`.
    pub figures: BTreeMap<String, Figure>,
    pub file: PathBuf,
}

impl Model {
    /// The model's value for a metric, if the data has one.
    pub fn value(&self, metric: &str) -> Option<f64> {
        self.figures.get(metric).and_then(|f| f.value)
    }
}

/// Entries by their key, iterated in key order. Pages look models and metrics up by the
/// hundred thousand; a search of a sorted tree compared a dozen keys for each, where a hash
/// compares one. The order comes from building it sorted, and nothing is added later.
pub type Keyed<V> = indexmap::IndexMap<String, V, rustc_hash::FxBuildHasher>;

/// Everything under `data/`.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub metrics: Keyed<Metric>,
    pub sources: BTreeMap<String, Source>,
    pub providers: BTreeMap<String, Provider>,
    pub models: Keyed<Model>,
    /// Kinds whose whole file could not be read ("metric", "source", "provider"), and models
    /// whose file could not be read: references to them are not reported a second time.
    pub unreadable: BTreeSet<String>,
}

impl Catalog {
    /// "unknown metric `x`" with a suggestion, at `location`; nothing when the reference may
    /// be fine and only its definition's file is broken (already reported).
    pub fn unknown(&self, kind: &str, id: &str, location: Location) -> Option<Diagnostic> {
        if self.unreadable.contains(kind) || self.unreadable.contains(&format!("{kind}:{id}")) {
            return None;
        }
        let known: Vec<&str> = match kind {
            "metric" => self.metrics.keys().map(String::as_str).collect(),
            "model" => self.models.keys().map(String::as_str).collect(),
            "provider" => self.providers.keys().map(String::as_str).collect(),
            _ => self.sources.keys().map(String::as_str).collect(),
        };
        let d = Diagnostic::error(location, format!("unknown {kind} `{id}`"));
        Some(match did_you_mean(id, known) {
            Some(help) => d.with_help(help),
            None => d,
        })
    }

    /// The source a figure is credited to: its own, or its metric's.
    pub fn source_of(&self, metric: &str, figure: &Figure) -> Option<&Source> {
        let id = figure
            .source
            .as_deref()
            .or_else(|| self.metrics.get(metric)?.source.as_deref())?;
        self.sources.get(id)
    }

    /// Where a reader can check a figure.
    pub fn url_of<'a>(&'a self, metric: &str, figure: &'a Figure) -> Option<&'a str> {
        figure
            .url
            .as_deref()
            .or_else(|| self.source_of(metric, figure)?.url.as_deref())
    }
}

// ----- file formats -------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricFile {
    label: Spanned<String>,
    #[serde(default)]
    short_label: Option<String>,
    unit: String,
    better: Better,
    #[serde(default)]
    format: Format,
    #[serde(default)]
    source: Option<Spanned<String>>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedFile {
    name: Spanned<String>,
    #[serde(default)]
    url: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    name: Spanned<String>,
    provider: Spanned<String>,
    #[serde(default)]
    status: Status,
    #[serde(default)]
    gateway_slug: Option<Spanned<String>>,
    #[serde(default)]
    released: Option<Date>,
    #[serde(default)]
    inputs: Vec<String>,
    #[serde(default)]
    notes: Option<String>,
    /// Default as-of date for the figures below.
    #[serde(default)]
    as_of: Option<Date>,
    #[serde(default)]
    metrics: Entries<Spanned<FigureInput>>,
}

/// A figure as written: a number, `null`, or a mapping with details.
#[derive(Debug, Clone, Default)]
struct FigureInput {
    value: Option<f64>,
    source: Option<String>,
    url: Option<String>,
    as_of: Option<Date>,
    claimed: bool,
    note: Option<String>,
}

impl<'de> Deserialize<'de> for FigureInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FigureVisitor)
    }
}

struct FigureVisitor;

const FIGURE_FIELDS: &[&str] = &["value", "source", "url", "as_of", "claimed", "note"];

impl<'de> Visitor<'de> for FigureVisitor {
    type Value = FigureInput;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number, null, or a mapping with `value` (and optional source, url, as_of, claimed, note)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<FigureInput, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<FigureInput, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<FigureInput, E> {
        if !v.is_finite() {
            return Err(E::custom("a figure must be a finite number"));
        }
        Ok(FigureInput {
            value: Some(v),
            ..FigureInput::default()
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<FigureInput, E> {
        Ok(FigureInput::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<FigureInput, E> {
        Ok(FigureInput::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FigureInput, A::Error> {
        let mut figure = FigureInput::default();
        let mut has_value = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "value" => {
                    figure.value = map.next_value::<Option<f64>>()?;
                    has_value = true;
                }
                "source" => figure.source = Some(map.next_value()?),
                "url" => figure.url = Some(map.next_value()?),
                "as_of" => figure.as_of = Some(map.next_value()?),
                "claimed" => figure.claimed = map.next_value()?,
                "note" => figure.note = Some(map.next_value()?),
                other => return Err(de::Error::unknown_field(other, FIGURE_FIELDS)),
            }
        }
        if !has_value {
            return Err(de::Error::missing_field("value"));
        }
        if figure.value.is_some_and(|v| !v.is_finite()) {
            return Err(de::Error::custom("a figure must be a finite number"));
        }
        Ok(figure)
    }
}

// ----- loading ------------------------------------------------------------------------------

fn read_yaml<T: serde::de::DeserializeOwned>(
    root: &Path,
    rel: &Path,
    out: &mut Diagnostics,
) -> Option<T> {
    let file = out.take(SourceFile::read(root, rel))?;
    out.take(parse_yaml(&file.text, &Origin::new(rel, 1)))
}

fn id_checked(key: &Spanned<String>, origin: &Origin, out: &mut Diagnostics) -> bool {
    match check_id(&key.value) {
        Ok(()) => true,
        Err(message) => {
            out.push(Diagnostic::error(origin.of(key), message));
            false
        }
    }
}

fn url_checked(
    url: Option<Spanned<String>>,
    origin: &Origin,
    out: &mut Diagnostics,
) -> Option<String> {
    let url = url?;
    match check_url(&url.value) {
        Ok(()) => Some(url.value),
        Err(message) => {
            out.push(Diagnostic::error(origin.of(&url), message));
            None
        }
    }
}

/// Loads `data/` under `root`.
pub fn load(root: &Path, out: &mut Diagnostics) -> Catalog {
    let mut catalog = Catalog::default();
    match load_named(root, Path::new("data/sources.yaml"), out) {
        Some(items) => {
            catalog.sources = items
                .into_iter()
                .map(|(id, name, url)| (id.clone(), Source { id, name, url }))
                .collect();
        }
        None => {
            catalog.unreadable.insert("source".into());
        }
    }
    match load_named(root, Path::new("data/providers.yaml"), out) {
        Some(items) => {
            catalog.providers = items
                .into_iter()
                .map(|(id, name, url)| (id.clone(), Provider { id, name, url }))
                .collect();
        }
        None => {
            catalog.unreadable.insert("provider".into());
        }
    }
    match load_metrics(root, &catalog, out) {
        Some(metrics) => catalog.metrics = metrics.into_iter().collect(),
        None => {
            catalog.unreadable.insert("metric".into());
        }
    }
    catalog.models = load_models(root, &mut catalog, out).into_iter().collect();
    catalog
}

type Named = (String, String, Option<String>);

/// `None` when the file cannot be read at all.
fn load_named(root: &Path, rel: &Path, out: &mut Diagnostics) -> Option<Vec<Named>> {
    let origin = Origin::new(rel, 1);
    let entries = read_yaml::<Entries<NamedFile>>(root, rel, out)?;
    let mut items = Vec::new();
    for (key, item) in entries.0 {
        if !id_checked(&key, &origin, out) {
            continue;
        }
        let url = url_checked(item.url, &origin, out);
        items.push((key.value, item.name.value, url));
    }
    Some(items)
}

/// `None` when the file cannot be read at all.
fn load_metrics(
    root: &Path,
    catalog: &Catalog,
    out: &mut Diagnostics,
) -> Option<BTreeMap<String, Metric>> {
    let rel = Path::new("data/metrics.yaml");
    let origin = Origin::new(rel, 1);
    let entries = read_yaml::<Entries<MetricFile>>(root, rel, out)?;
    let mut metrics = BTreeMap::new();
    for (key, m) in entries.0 {
        if !id_checked(&key, &origin, out) {
            continue;
        }
        if m.label.value.trim().is_empty() {
            out.push(Diagnostic::error(
                origin.of(&m.label),
                "a metric needs a label",
            ));
        }
        if let Some(source) = &m.source
            && !catalog.sources.contains_key(&source.value)
        {
            out.extend(catalog.unknown("source", &source.value, origin.of(source)));
        }
        let label = m.label.value;
        let location = origin.of(&key);
        metrics.insert(
            key.value.clone(),
            Metric {
                key: key.value,
                short_label: m.short_label.unwrap_or_else(|| label.clone()),
                label,
                unit: m.unit,
                better: m.better,
                format: m.format,
                source: m.source.map(|s| s.value),
                description: m.description,
                location,
            },
        );
    }
    Some(metrics)
}

fn load_models(
    root: &Path,
    catalog: &mut Catalog,
    out: &mut Diagnostics,
) -> BTreeMap<String, Model> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let mut seen = BTreeSet::new();
    for rel in crate::content::files_in(root, Path::new("data/models"), &["yaml", "yml"], out) {
        let stem = rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(problem) = model_file_problem(&stem, &seen) {
            out.push(Diagnostic::error(Location::file(&rel), problem));
            continue;
        }
        seen.insert(stem.clone());
        files.push((stem, rel));
    }
    // The files are read and parsed in parallel; their problems are reported in file order.
    let parsed: Vec<(Option<ModelFile>, Diagnostics)> = files
        .par_iter()
        .map(|(_, rel)| {
            let mut problems = Diagnostics::new();
            (read_yaml::<ModelFile>(root, rel, &mut problems), problems)
        })
        .collect();
    let mut models = BTreeMap::new();
    for ((stem, rel), (file, problems)) in files.into_iter().zip(parsed) {
        out.extend(problems.into_sorted());
        match file {
            Some(file) => {
                let model = model_from(stem.clone(), rel, file, catalog, out);
                models.insert(stem, model);
            }
            None => {
                catalog.unreadable.insert(format!("model:{stem}"));
            }
        }
    }
    models
}

/// Why a model file's name cannot be a model id, if it cannot.
fn model_file_problem(stem: &str, seen: &BTreeSet<String>) -> Option<String> {
    if let Err(message) = check_id(stem) {
        return Some(format!("file name: {message}"));
    }
    if crate::content::RESERVED_PAGE_NAMES.contains(&stem) {
        return Some(format!(
            "`{stem}` is the name of a page of every use case and cannot be a model id"
        ));
    }
    if stem.contains(crate::render::COMPARE_SEPARATOR) {
        return Some(format!(
            "a model id cannot contain `{}`: it separates the two models in the address of a comparison page",
            crate::render::COMPARE_SEPARATOR
        ));
    }
    seen.contains(stem)
        .then(|| format!("a second file defines the model `{stem}`"))
}

fn model_from(
    id: String,
    rel: PathBuf,
    file: ModelFile,
    catalog: &Catalog,
    out: &mut Diagnostics,
) -> Model {
    let origin = Origin::new(&rel, 1);
    if !catalog.providers.contains_key(&file.provider.value) {
        out.extend(catalog.unknown("provider", &file.provider.value, origin.of(&file.provider)));
    }
    if let Some(slug) = &file.gateway_slug {
        let ok = !slug.value.is_empty()
            && slug
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/._-:".contains(c));
        if !ok {
            out.push(Diagnostic::error(
                origin.of(slug),
                format!(
                    "`{}` is not a gateway slug: use letters, digits and / . _ - :",
                    slug.value
                ),
            ));
        }
    }
    let mut figures = BTreeMap::new();
    let mut undated = Vec::new();
    for (key, figure) in file.metrics.0 {
        let location = origin.of(&key);
        if !catalog.metrics.contains_key(&key.value) {
            out.extend(catalog.unknown("metric", &key.value, location));
            continue;
        }
        let input = figure.value;
        if let Some(source) = &input.source
            && !catalog.sources.contains_key(source)
        {
            out.extend(catalog.unknown("source", source, location.clone()));
        }
        if let Some(url) = &input.url
            && let Err(message) = check_url(url)
        {
            out.push(Diagnostic::error(location.clone(), message));
        }
        let as_of = input.as_of.or(file.as_of);
        if input.value.is_some() && as_of.is_none() {
            undated.push((key.value.clone(), location.clone()));
        }
        figures.insert(
            key.value,
            Figure {
                value: input.value,
                source: input.source,
                url: input.url,
                as_of,
                claimed: input.claimed,
                note: input.note,
                location,
            },
        );
    }
    // One forgotten `as_of` leaves every figure undated: say so once.
    if let Some((_, first)) = undated.first() {
        let keys: Vec<&str> = undated.iter().map(|(k, _)| k.as_str()).collect();
        out.push(
            Diagnostic::error(
                first.clone(),
                format!("no as-of date for the figures of {}", keys.join(", ")),
            )
            .with_help(
                "add `as_of: YYYY-MM-DD` once at the top of the model file, or to each figure",
            ),
        );
    }
    Model {
        id,
        name: file.name.value,
        provider: file.provider.value,
        status: file.status,
        gateway_slug: file.gateway_slug.map(|s| s.value),
        released: file.released,
        inputs: file.inputs,
        notes: file.notes,
        figures,
        file: rel,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_restricted() {
        assert!(check_id("gpt-5.5").is_ok());
        assert!(check_id("claude-opus-4.7").is_ok());
        for bad in ["", "../x", "/abs", "a/b", "Upper", ".hidden", "gрt", "a b"] {
            assert!(check_id(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn only_web_urls_are_links() {
        assert!(check_url("https://artificialanalysis.ai/").is_ok());
        assert!(check_url("javascript:alert(1)").is_err());
        assert!(check_url("JAVASCRIPT:alert(1)").is_err());
        assert!(check_url("https://x.test/a b").is_err());
    }

    #[test]
    fn figures_take_three_forms() {
        let origin = Origin::new("m.yaml", 1);
        let parsed: Entries<Spanned<FigureInput>> = parse_yaml(
            "a: 59.1\nb: null\nc: {value: 64, claimed: true, as_of: 2026-05-15}\nd: 7\n",
            &origin,
        )
        .unwrap();
        let values: Vec<Option<f64>> = parsed.0.iter().map(|(_, f)| f.value.value).collect();
        assert_eq!(values, [Some(59.1), None, Some(64.0), Some(7.0)]);
        assert!(parsed.0[2].1.value.claimed);
        let err = parse_yaml::<Entries<Spanned<FigureInput>>>("a: fast\n", &origin).unwrap_err();
        assert_eq!(err.location.unwrap().line, 1);
        let err =
            parse_yaml::<Entries<Spanned<FigureInput>>>("a: {vaule: 3}\n", &origin).unwrap_err();
        assert!(err.message.contains("vaule"), "{}", err.message);
    }
}
