//! `standings check`: everything a build checks, and what only a reader of the finished site
//! would notice: links that lead nowhere, figures typed by hand, stale or vendor-reported
//! figures, missing analyses and unused metrics. How seriously each is taken is set in the
//! `check:` section of `site.yaml`.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;
use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::Level;
use crate::content::{Prose, UseCase};
use crate::date::Date;
use crate::error::{Diagnostic, Error, Location, Severity, closest};
use crate::output::{Output, check_path, static_target};
use crate::render::{Page, RenderedSite, SourceLink};
use crate::site::{self, LoadOptions, Site};

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub load: LoadOptions,
    /// The date figures' ages are counted to; today when not given.
    pub today: Option<Date>,
}

/// What a check found, in file order, and how much of the site it covered.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
}

impl Findings {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Loads, validates and renders the site in memory, then runs every check.
pub fn run(root: &Path, options: &CheckOptions) -> Result<Findings, Error> {
    let (mut site, mut diagnostics) = match Site::load(root, &options.load) {
        Ok(loaded) => loaded,
        Err(Error::Content(items)) => return Ok(findings(items, 0)),
        Err(e) => return Err(e),
    };
    // Minifying drops the quotes around attribute values, which the link scan reads, and
    // changes no link; nothing is published here, so the pages are checked unminified.
    site.settings.minify = false;
    let site = Arc::new(site);
    let settings = &site.settings.check;
    let today = options.today.or_else(Date::today);
    // Checks of the sources alone run even when the build fails, so one run reports all.
    diagnostics.extend(at_level(
        settings.hand_typed_figures,
        hand_typed_figures(&site),
    ));
    if let Some(today) = today {
        diagnostics.extend(at_level(
            settings.stale_figures,
            stale_figures(&site, today),
        ));
    }
    diagnostics.extend(at_level(settings.claimed_criteria, claimed_criteria(&site)));
    diagnostics.extend(at_level(settings.missing_analyses, missing_analyses(&site)));
    diagnostics.extend(at_level(settings.orphan_analyses, orphan_analyses(&site)));
    diagnostics.extend(at_level(
        settings.orphan_history,
        crate::history::orphans(root, &site.content),
    ));
    let output = LinkSurvey::default();
    let built = match site::build_site(Arc::clone(&site), &output) {
        Ok(built) => built,
        Err(Error::Content(items)) => {
            diagnostics.extend(items);
            return Ok(findings(diagnostics, 0));
        }
        Err(e) => return Err(e),
    };
    diagnostics.extend(built.warnings);
    diagnostics.extend(at_level(
        settings.broken_links,
        anchors(&built.rendered, &built.pages, output, site.base_path()),
    ));
    diagnostics.extend(at_level(
        settings.unused_metrics,
        unused_metrics(&site, &built.rendered),
    ));
    Ok(findings(diagnostics, built.pages.len()))
}

fn findings(mut diagnostics: Vec<Diagnostic>, pages: usize) -> Findings {
    diagnostics.sort();
    diagnostics.dedup();
    Findings { diagnostics, pages }
}

/// Gives problems the severity the site asks for (or drops them).
fn at_level(level: Level, problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let severity = match level {
        Level::Off => return Vec::new(),
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
    };
    problems
        .into_iter()
        .map(|d| Diagnostic { severity, ..d })
        .collect()
}

// ----- links ----------------------------------------------------------------------------------

/// The site path of every page and file of a build, which links are checked against. A
/// hash set, because a large site has a hundred thousand and is asked about every link.
pub type SitePaths = FxHashSet<String>;

/// Every path of the built site a link may lead to: pages (`use-cases/x/`), files and
/// static files.
pub fn site_paths(pages: &[Page], files: &[String], statics: &[PathBuf]) -> SitePaths {
    pages
        .iter()
        .map(|p| p.path.clone())
        .chain(files.iter().cloned())
        .chain(statics.iter().map(|s| static_target(s)))
        .collect()
}

/// The page or file a site path leads to, if any (`x/` and `x` both find the page `x/`).
fn resolve<'a>(path: &str, known: &'a SitePaths) -> Option<&'a String> {
    known.get(path).or_else(|| known.get(&format!("{path}/")))
}

/// Links written in prose whose page does not exist; built on every build, because checking
/// paths is cheap. Anchors are left to `check`, which reads the rendered pages.
pub fn prose_paths(site: &Site, rendered: &RenderedSite, known: &SitePaths) -> Vec<Diagnostic> {
    link_problems(site, &rendered.links, known)
}

/// Like [`prose_paths`], for some of the links.
pub fn link_problems(site: &Site, links: &[SourceLink], known: &SitePaths) -> Vec<Diagnostic> {
    let problems = links
        .iter()
        .filter_map(|link| {
            let path = link.target.split('#').next().unwrap_or_default();
            let path = path.strip_prefix('/')?;
            resolve(path, known)
                .is_none()
                .then(|| broken(link, path, known))
        })
        .collect();
    at_level(site.settings.check.broken_links, problems)
}

fn broken(link: &SourceLink, path: &str, known: &SitePaths) -> Diagnostic {
    let d = Diagnostic::error(
        link.location.clone(),
        format!("the link `{}` leads to no page of the site", link.target),
    );
    match closest(path, known.iter().map(String::as_str)) {
        Some(page) => d.with_help(format!("did you mean `/{page}`?")),
        None => d,
    }
}

/// What an attribute `check` reads gives: a link to follow or an anchor to link to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Attribute {
    Link,
    Id,
}

/// The attributes `check` reads, each with the space before its name.
const ATTRIBUTES: [(&str, Attribute); 3] = [
    (" href", Attribute::Link),
    (" src", Attribute::Link),
    (" id", Attribute::Id),
];

/// The values of the `ATTRIBUTES` in generated HTML. The pages are our own output, unminified,
/// with every attribute quoted and escaped, so a scan is exact. Every attribute value starts
/// with `="`, which one vectorised search finds, and its name is read backwards from there:
/// one pass over a page instead of one per attribute.
fn attribute_values(html: &str) -> impl Iterator<Item = (Attribute, &str)> {
    let bytes = html.as_bytes();
    memchr::memmem::find_iter(bytes, b"=\"").filter_map(move |at| {
        let (_, attribute) = ATTRIBUTES
            .iter()
            .find(|(name, _)| bytes[..at].ends_with(name.as_bytes()))?;
        let rest = &html[at + 2..];
        rest.find('"').map(|end| (*attribute, &rest[..end]))
    })
}

/// What `check` keeps of the built site to check its links: the path of every file, and the
/// ids and links of every HTML file. Each file is dropped as soon as it is read: holding a
/// whole site in memory took gigabytes at 100,000 pages.
#[derive(Default)]
struct LinkSurvey {
    files: Mutex<Vec<(String, Option<HtmlLinks>)>>,
}

/// The ids an HTML file defines, and the links (`href` and `src`) it holds, each sorted
/// without repeats.
struct HtmlLinks {
    ids: Vec<Box<str>>,
    links: Vec<Box<str>>,
}

impl HtmlLinks {
    fn of(html: &str) -> HtmlLinks {
        let (mut ids, mut links) = (Vec::new(), Vec::new());
        for (attribute, value) in attribute_values(html) {
            match attribute {
                Attribute::Id => ids.push(Box::from(value)),
                Attribute::Link => links.push(value.replace("&amp;", "&").into_boxed_str()),
            }
        }
        for found in [&mut ids, &mut links] {
            found.sort_unstable();
            found.dedup();
        }
        HtmlLinks { ids, links }
    }

    fn has_id(&self, id: &str) -> bool {
        self.ids.binary_search_by(|i| (**i).cmp(id)).is_ok()
    }
}

impl Output for LinkSurvey {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        check_path(path)?;
        let links = path
            .ends_with(".html")
            .then(|| HtmlLinks::of(std::str::from_utf8(bytes).unwrap_or("")));
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.push((path.to_string(), links));
        Ok(())
    }
}

/// Links on the built pages whose page or anchor does not exist. A broken link written in
/// prose is reported where it was written; any other comes from a template.
fn anchors(
    rendered: &RenderedSite,
    pages: &[Page],
    survey: LinkSurvey,
    base: &str,
) -> Vec<Diagnostic> {
    let files = survey.files.into_inner().unwrap_or_else(|p| p.into_inner());
    let html: FxHashMap<&str, &HtmlLinks> = files
        .iter()
        .filter_map(|(path, links)| Some((path.as_str(), links.as_ref()?)))
        .collect();
    let known: SitePaths = files
        .iter()
        .map(|(path, _)| path.clone())
        .chain(pages.iter().map(|p| p.path.clone()))
        .collect();
    pages
        .par_iter()
        .flat_map_iter(|page| {
            let file = page.file();
            let links = html.get(file.as_str()).map_or(&[][..], |h| &h.links);
            links
                .iter()
                .filter_map(|href| {
                    let problem = link_problem(href, &file, base, &known, &html)?;
                    Some(locate_link(rendered, page, href, base, problem))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn link_problem(
    href: &str,
    file: &str,
    base: &str,
    known: &SitePaths,
    html: &FxHashMap<&str, &HtmlLinks>,
) -> Option<String> {
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (href, None),
    };
    let target_file = if path.is_empty() {
        file.to_string()
    } else {
        let site_path = path.strip_prefix(base)?;
        let Some(resolved) = resolve(site_path, known) else {
            return Some(format!("`{href}` leads to no page of the site"));
        };
        if resolved.is_empty() || resolved.ends_with('/') {
            format!("{resolved}index.html")
        } else {
            resolved.clone()
        }
    };
    let fragment = fragment.filter(|f| !f.is_empty())?;
    let has = html
        .get(target_file.as_str())
        .is_some_and(|h| h.has_id(fragment));
    (!has && target_file.ends_with(".html"))
        .then(|| format!("`{href}` points at `#{fragment}`, which that page does not have"))
}

fn locate_link(
    rendered: &RenderedSite,
    page: &Page,
    href: &str,
    base: &str,
    problem: String,
) -> Diagnostic {
    let written = rendered.links.iter().find(|l| {
        let target = match l.target.strip_prefix('/') {
            Some(rest) => format!("{base}{rest}"),
            None => l.target.clone(),
        };
        target == href && (!l.target.starts_with('#') || l.page == page.path)
    });
    match written {
        Some(link) => Diagnostic::error(link.location.clone(), format!("the link {problem}")),
        None => Diagnostic::error(
            Location::file(Path::new("templates").join(page.kind.template())),
            format!("the page /{} has a link that {problem}", page.path),
        ),
    }
}

// ----- figures typed by hand ------------------------------------------------------------------

/// Every text an editor wrote in Markdown.
fn all_prose(site: &Site) -> Vec<&Prose> {
    let mut texts: Vec<&Prose> = site.content.home.intro.iter().collect();
    for u in &site.content.use_cases {
        texts.push(&u.summary);
        texts.extend(&u.criteria_intro);
        texts.extend(u.criteria_info.iter().filter_map(|c| c.why.as_ref()));
        texts.extend(u.filter_notes.iter().flatten());
        texts.extend(u.why_not.values().map(|n| &n.text));
        for a in u.analyses.values() {
            texts.extend(&a.best_for);
            texts.extend(&a.strengths);
            texts.extend(&a.weaknesses);
            texts.push(&a.body);
        }
        if let Some(p) = &u.prompts {
            texts.push(&p.intro);
            texts.extend(p.items.iter().map(|i| &i.expected));
        }
        if let Some(f) = &u.faq {
            texts.push(&f.intro);
            for q in &f.items {
                texts.push(&q.question);
                texts.push(&q.answer);
            }
        }
    }
    texts.extend(site.content.guides.iter().map(|g| &g.body));
    texts
}

/// Shapes of figures: a price, a percentage, a throughput, points, a token count, a time, a
/// rank, a score.
fn figure_shapes() -> &'static Regex {
    static SHAPES: OnceLock<Regex> = OnceLock::new();
    SHAPES.get_or_init(|| {
        Regex::new(concat!(
            r"\$\s?\d[\d,]*(?:\.\d+)?",
            r"|\b\d+(?:\.\d+)?\s?%",
            r"|(?i:\b\d+(?:\.\d+)?\s?(?:tok/s|tokens?/s|tokens per second)\b)",
            r"|(?i:\b\d+(?:\.\d+)?\s?(?:percentage points|points|pts)\b)",
            r"|\b\d+(?:\.\d+)?\s?[KM]\b",
            r"|(?i:\b\d+(?:\.\d+)?\s?(?:seconds|secs|ms)\b)",
            r"|#\d+\b",
            r"|(?i:\bscor(?:e|ed|es)\s+(?:of\s+)?\d+(?:\.\d+)?)",
            r"|\b\d+\.\d+\b",
        ))
        .unwrap_or_else(|e| panic!("the figure pattern is invalid: {e}"))
    })
}

/// Blanks what is not prose an editor typed: template code (bindings), code, link targets,
/// HTML comments, and every place `names` finds a name that contains digits (models,
/// metrics), overlapping ones too, so that no digit of a name is left to look like a figure.
/// Every byte of a blanked character becomes a space (a line break stays), so a figure
/// found in the result sits at the same byte offset of `text`.
fn mask(text: &str, names: &AhoCorasick) -> String {
    static SKIP: OnceLock<Regex> = OnceLock::new();
    let skip = SKIP.get_or_init(|| {
        Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|```.*?(?:```|\z)|~~~.*?(?:~~~|\z)|`[^`\n]*`|\]\([^)\n]*\)|<!--.*?-->|https?://\S+")
            .unwrap_or_else(|e| panic!("the masking pattern is invalid: {e}"))
    });
    let mut masked = text.as_bytes().to_vec();
    let blank = |range: std::ops::Range<usize>, masked: &mut Vec<u8>| {
        for byte in &mut masked[range] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    for m in skip.find_iter(text) {
        blank(m.range(), &mut masked);
    }
    // Every name searched for holds a digit, and most texts have none once their bindings
    // are blanked.
    if masked.iter().any(u8::is_ascii_digit) {
        let found: Vec<_> = names
            .find_overlapping_iter(&masked)
            .map(|m| m.range())
            .collect();
        for range in found {
            blank(range, &mut masked);
        }
    }
    // Whole characters were blanked, so the bytes are still UTF-8.
    String::from_utf8(masked).unwrap_or_else(|e| panic!("masking split a character: {e}"))
}

/// Finds the names and labels with digits in them.
fn names_with_digits(site: &Site) -> AhoCorasick {
    let names = site
        .catalog
        .models
        .values()
        .flat_map(|m| [m.name.as_str(), m.id.as_str()])
        .chain(
            site.catalog
                .metrics
                .values()
                .flat_map(|m| [m.label.as_str(), m.short_label.as_str(), m.key.as_str()]),
        )
        .filter(|n| n.chars().any(|c| c.is_ascii_digit()));
    name_finder(names)
}

/// Finds every place of each of `names` in one pass over a text, however many names a
/// catalogue has: searching for each name in turn took most of a large site's check.
fn name_finder<'a>(names: impl IntoIterator<Item = &'a str>) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(names)
        .unwrap_or_else(|e| panic!("the names of models and metrics cannot be searched: {e}"))
}

/// Every figure of the data as pages print it, with the binding that prints it.
fn printed_figures(site: &Site) -> BTreeMap<String, String> {
    let mut printed = BTreeMap::new();
    for m in site.visible_models() {
        for (key, f) in &m.figures {
            let (Some(v), Some(metric)) = (f.value, site.catalog.metrics.get(key)) else {
                continue;
            };
            printed.entry(metric.format.value(v)).or_insert_with(|| {
                format!("{{{{ figure(model=\"{}\", metric=\"{key}\") }}}}", m.id)
            });
        }
    }
    printed
}

fn hand_typed_figures(site: &Site) -> Vec<Diagnostic> {
    let names = names_with_digits(site);
    let printed = printed_figures(site);
    all_prose(site)
        .par_iter()
        .flat_map_iter(|prose| typed_in(prose, &names, &printed))
        .collect()
}

/// The figures typed by hand in one text.
fn typed_in(
    prose: &Prose,
    names: &AhoCorasick,
    printed: &BTreeMap<String, String>,
) -> Vec<Diagnostic> {
    let masked = mask(&prose.text, names);
    // Every figure shape holds a digit, and a byte outside ASCII may be one of another script.
    if !masked.bytes().any(|b| b.is_ascii_digit() || !b.is_ascii()) {
        return Vec::new();
    }
    let mut problems = Vec::new();
    for m in figure_shapes().find_iter(&masked) {
        let figure = m.as_str().trim();
        let before = &prose.text[..m.start()];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let d = Diagnostic::error(
            prose.origin.at(line, column),
            format!(
                "`{figure}` looks like a figure typed by hand; write it with a binding so it follows the data"
            ),
        );
        let known = printed
            .iter()
            .filter(|(text, _)| figure.contains(text.as_str()))
            .max_by_key(|(text, _)| text.len());
        problems.push(match known {
            Some((_, binding)) => d.with_help(format!("the data prints this as {binding}")),
            None => d.with_help(
                "see \"Bindings\" in docs/authoring.md: figure(), price(), diff(), rank(), score()",
            ),
        });
    }
    problems
}

// ----- the data -------------------------------------------------------------------------------

fn stale_figures(site: &Site, today: Date) -> Vec<Diagnostic> {
    let limit = i64::from(site.settings.check.stale_after_days);
    site.visible_models()
        .flat_map(|m| m.figures.iter().map(move |(key, f)| (m, key, f)))
        .filter_map(|(m, key, f)| {
            let as_of = f.as_of.filter(|_| f.value.is_some())?;
            let age = today.days() - as_of.days();
            (age > limit).then(|| {
                Diagnostic::error(
                    f.location.clone(),
                    format!("the `{key}` figure of `{}` is from {as_of}, {age} days ago: older than the {limit} days `check.stale_after_days` allows", m.id),
                )
                .with_help("measure it again and update its value and as_of")
            })
        })
        .collect()
}

fn claimed_criteria(site: &Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for u in &site.content.use_cases {
        let Some(ranking) = site.rankings.get(&u.slug) else {
            continue;
        };
        for (c, info) in u.spec.criteria.iter().zip(&u.criteria_info) {
            if info.allow_claimed {
                continue;
            }
            let claimed: Vec<&str> = ranking
                .ranked
                .iter()
                .filter_map(|r| site.catalog.models.get(&*r.id))
                .filter(|m| {
                    m.figures
                        .get(&c.metric)
                        .is_some_and(|f| f.claimed && f.value.is_some())
                })
                .map(|m| m.id.as_str())
                .collect();
            if !claimed.is_empty() {
                problems.push(
                    Diagnostic::error(
                        info.location.clone(),
                        format!("`{}` ranks models by vendor-reported figures nobody verified ({})", c.metric, claimed.join(", ")),
                    )
                    .with_help("add `allow_claimed: true` to the criterion to accept them; pages mark them with †"),
                );
            }
        }
    }
    problems
}

fn missing_analyses(site: &Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for u in &site.content.use_cases {
        let Some(ranking) = site.rankings.get(&u.slug) else {
            continue;
        };
        for r in ranking
            .ranked
            .iter()
            .filter(|r| !u.analyses.contains_key(&*r.id))
        {
            problems.push(
                Diagnostic::error(
                    Location::file(&u.file),
                    format!(
                        "`{}` ranks #{} in `{}` but has no analysis",
                        r.id, r.rank, u.slug
                    ),
                )
                .with_help(format!("write {}", analysis_path(u, &r.id).display())),
            );
        }
    }
    problems
}

fn analysis_path(u: &UseCase, model: &str) -> PathBuf {
    u.file
        .with_file_name("analysis")
        .join(format!("{model}.md"))
}

fn orphan_analyses(site: &Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for u in &site.content.use_cases {
        let ranking = site.rankings.get(&u.slug);
        for a in u.analyses.values() {
            if ranking.and_then(|r| r.position(&a.model)).is_none() {
                problems.push(Diagnostic::error(
                    Location::file(&a.file),
                    format!(
                        "`{}` is not ranked in `{}`, so this analysis is published nowhere",
                        a.model, u.slug
                    ),
                ));
            }
        }
    }
    problems
}

fn unused_metrics(site: &Site, rendered: &RenderedSite) -> Vec<Diagnostic> {
    let mut used: BTreeSet<&str> = rendered.named_metrics.iter().map(String::as_str).collect();
    for u in &site.content.use_cases {
        used.extend(u.spec.criteria.iter().map(|c| c.metric.as_str()));
        used.extend(u.spec.filters.iter().map(|f| f.metric.as_str()));
        used.extend(u.spec.tie_breakers.iter().map(|t| t.metric.as_str()));
        used.extend(u.columns.iter().map(String::as_str));
        used.insert(&u.headline);
    }
    used.insert(&site.settings.prices.input);
    used.insert(&site.settings.prices.output);
    site.catalog
        .metrics
        .values()
        .filter(|m| !used.contains(m.key.as_str()))
        .map(|m| {
            Diagnostic::error(
                m.location.clone(),
                format!(
                    "the metric `{}` is defined but no ranking, setting or binding uses it",
                    m.key
                ),
            )
            .with_help("use it in a ranking, a table column or a binding, or remove it")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_shapes_catch_typed_figures() {
        let found: Vec<&str> = figure_shapes()
            .find_iter("It costs $5 and runs at 63 tok/s, 3.6 points ahead, #2 with 60.6% and a 200K window; score of 90.")
            .map(|m| m.as_str())
            .collect();
        assert_eq!(
            found,
            [
                "$5",
                "63 tok/s",
                "3.6 points",
                "#2",
                "60.6%",
                "200K",
                "score of 90"
            ]
        );
    }

    #[test]
    fn masking_keeps_bindings_code_and_names_out() {
        let names = name_finder(["GPT-5.5"]);
        let text = "GPT-5.5 runs {{ figure(model=\"gpt-5.5\", metric=\"output_speed\") }} in `1.5s` [x](/a/1.0/)";
        let masked = mask(text, &names);
        assert_eq!(masked.len(), text.len());
        assert!(figure_shapes().find(&masked).is_none(), "{masked}");
        assert!(
            figure_shapes()
                .find(&mask("it runs at 64 tok/s", &names))
                .is_some()
        );
    }

    #[test]
    fn masking_keeps_every_byte_where_it_was() {
        let names = name_finder(["Ünïcode-9"]);
        let text = "`é` and Ünïcode-9, then «ok» costs $5\n`ü` ü 3.5 points";
        let masked = mask(text, &names);
        assert_eq!(masked.len(), text.len());
        let found: Vec<(usize, &str)> = figure_shapes()
            .find_iter(&masked)
            .map(|m| (m.start(), m.as_str()))
            .collect();
        let at = |figure: &str| text.find(figure).unwrap();
        assert_eq!(found, [(at("$5"), "$5"), (at("3.5 points"), "3.5 points")]);
        assert_eq!(masked.matches('\n').count(), 1);
        assert!(!masked.contains("code-9"), "{masked}");
    }

    #[test]
    fn names_are_masked_whole_where_they_overlap() {
        let names = name_finder(["GPT-5.5", "GPT-5.5 Pro 2", "Gemini 3", "3 Pro 1.5"]);
        let masked = mask(
            "GPT-5.5 Pro 2 beats Gemini 3 Pro 1.5 and GPT-5.5 at 2.5 points",
            &names,
        );
        let words: Vec<&str> = masked.split_whitespace().collect();
        assert_eq!(words, ["beats", "and", "at", "2.5", "points"]);
    }

    #[test]
    fn a_figure_in_digits_of_another_script_is_found() {
        let prose = Prose {
            text: "It answers in ٣.٥ seconds.".to_string(),
            origin: crate::input::Origin::new(PathBuf::from("a.md"), 1),
        };
        let found = typed_in(&prose, &name_finder(["GPT-5.5"]), &BTreeMap::new());
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.starts_with("`٣.٥ seconds`"), "{found:#?}");
    }

    #[test]
    fn html_links_are_kept_once_each_and_unescaped() {
        let html = r#"<a href="/b/?x=1&amp;y=2" id="z"><img src="/i.png"><a href="/a/" id="a"><a href="/a/">"#;
        let links = HtmlLinks::of(html);
        assert_eq!(
            &*links.links,
            ["/a/", "/b/?x=1&y=2", "/i.png"].map(Box::from)
        );
        assert!(links.has_id("a") && links.has_id("z") && !links.has_id("b"));
    }

    #[test]
    fn attributes_are_read_from_generated_html() {
        let html = r#"<a class="c" data-id="q" href="/a/" id="x">a=""</a><h2 id="y">b</h2>"#;
        let found: Vec<(Attribute, &str)> = attribute_values(html).collect();
        use Attribute::{Id, Link};
        assert_eq!(found, [(Link, "/a/"), (Id, "x"), (Id, "y")]);
    }
}
