//! Rendering: prose with data bindings, page views, Tera templates and the data files.
//!
//! The theme's templates are compiled into the binary so a site works without a `templates/`
//! folder; a site's own `templates/<name>` replaces the theme's file of the same name.

pub mod assets;
pub mod card;
mod changes;
pub mod chart;
mod compare;
mod csv_rows;
mod files;
mod json;
mod pages;
mod prose;
pub mod structured;
mod view;

use rustc_hash::FxHashMap;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use tera::{Context, Tera};

use crate::error::{Diagnostic, Diagnostics};
use crate::input::{Origin, SourceFile};

pub use assets::Assets;
pub use changes::{CHANGES_FEED_PATH, changes_feed, has_feed as has_changes_feed};
pub use compare::{COMPARE_SEPARATOR, Pair, compare_path};
pub use files::{
    DataFiles, FEED_PATH, feed, models_json, ranking_csv, ranking_json, write_site_files,
};
pub use pages::{Page, PageHead, PageKind, RenderedPage, plan, render_page};
pub(crate) use pages::{PlaceIndex, Row, UseCaseViews, rows};
pub use prose::{ProseRenderer, RenderedSite, Reuse, SourceLink, UseCaseHtml, UseCaseProse};
pub(crate) use view::{Link, ModelMemo, Viewed};
pub use view::{range_text, swap_sentence};

/// The theme's templates, as shipped.
const THEME: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("home.html", include_str!("../../templates/home.html")),
    (
        "use_case.html",
        include_str!("../../templates/use_case.html"),
    ),
    (
        "analysis.html",
        include_str!("../../templates/analysis.html"),
    ),
    ("prompts.html", include_str!("../../templates/prompts.html")),
    ("faq.html", include_str!("../../templates/faq.html")),
    ("model.html", include_str!("../../templates/model.html")),
    ("compare.html", include_str!("../../templates/compare.html")),
    ("guide.html", include_str!("../../templates/guide.html")),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "partials/figure.html",
        include_str!("../../templates/partials/figure.html"),
    ),
    (
        "partials/breadcrumbs.html",
        include_str!("../../templates/partials/breadcrumbs.html"),
    ),
    (
        "partials/figures_table.html",
        include_str!("../../templates/partials/figures_table.html"),
    ),
    (
        "partials/figure_rows.html",
        include_str!("../../templates/partials/figure_rows.html"),
    ),
    (
        "partials/site_nav.html",
        include_str!("../../templates/partials/site_nav.html"),
    ),
    (
        "partials/chart.html",
        include_str!("../../templates/partials/chart.html"),
    ),
    (
        "partials/changes.html",
        include_str!("../../templates/partials/changes.html"),
    ),
    (
        "partials/comparisons.html",
        include_str!("../../templates/partials/comparisons.html"),
    ),
];

/// Minifies a page: collapses whitespace and drops comments and optional quotes, but keeps the
/// doctype, the `<html>`/`<head>` tags and every closing tag, so the page stays valid HTML.
pub fn minify(html: &[u8]) -> Vec<u8> {
    let cfg = minify_html::Cfg {
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        minify_css: true,
        minify_js: true,
        ..minify_html::Cfg::default()
    };
    minify_html::minify(html, &cfg)
}

/// HTML-escapes text for element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let _ = write!(out, "{}", Escaped(text));
    out
}

/// Text written HTML-escaped, for `write!` into a page or chart without a string of its own.
pub struct Escaped<'a>(pub &'a str);

impl Escaped<'_> {
    /// Appends the escaped text to `out`: what `write!` does, without the formatting
    /// machinery, for the lists that escape thousands of short texts.
    pub fn push_to(&self, out: &mut String) {
        escape_runs(self.0, |run| out.push_str(run));
    }
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut written = Ok(());
        escape_runs(self.0, |run| {
            if written.is_ok() {
                written = f.write_str(run);
            }
        });
        written
    }
}

/// Hands `text` on in runs: the stretches between special characters whole, and each
/// special character as its entity. All five are ASCII, so every cut is a character boundary.
fn escape_runs(text: &str, mut put: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut plain = 0;
    let mut i = plain_prefix(bytes);
    while i < bytes.len() {
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => {
                i += 1;
                continue;
            }
        };
        put(&text[plain..i]);
        put(entity);
        i += 1;
        plain = i;
    }
    put(&text[plain..]);
}

/// How many whole eight-byte words at the start of `bytes` hold no special character, in
/// bytes. Most of the names and labels that charts and lists escape hold none, and a word
/// is checked in about as many instructions as a single byte is one at a time.
fn plain_prefix(bytes: &[u8]) -> usize {
    clean_words(bytes, |w| {
        has_byte(w, b'&')
            | has_byte(w, b'<')
            | has_byte(w, b'>')
            | has_byte(w, b'"')
            | has_byte(w, b'\'')
    })
}

/// The length, in whole eight-byte words, of the start of `bytes` in which `special` finds
/// nothing; `special` is given each word as a number and may answer yes wrongly, never no.
fn clean_words(bytes: &[u8], special: impl Fn(u64) -> bool) -> usize {
    bytes
        .chunks_exact(8)
        .map_while(|c| <[u8; 8]>::try_from(c).ok())
        .take_while(|c| !special(u64::from_ne_bytes(*c)))
        .count()
        * 8
}

/// `b` in each byte of a word.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// Whether some byte of `word` is below `n` (at most 128), by the usual bit trick: exact as a
/// yes or no, though not as to which byte.
fn has_below(word: u64, n: u8) -> bool {
    word.wrapping_sub(splat(n)) & !word & splat(0x80) != 0
}

/// Whether some byte of `word` is `b`.
fn has_byte(word: u64, b: u8) -> bool {
    has_below(word ^ splat(b), 1)
}

/// The compiled page templates.
pub struct Templates {
    tera: Tera,
    /// Template name to its file, for messages.
    files: Vec<(String, PathBuf)>,
    /// The largest page each template has made so far: a page is rendered into a buffer of
    /// that size rather than one doubled a dozen times on the way to a few hundred kB.
    sizes: FxHashMap<String, AtomicUsize>,
}

impl Templates {
    /// Compiles the theme with the site's overrides from `root/templates/`.
    pub fn load(root: &Path, out: &mut Diagnostics) -> Option<Templates> {
        let mut sources: Vec<(String, String, PathBuf)> = THEME
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    text.to_string(),
                    Path::new("templates").join(name),
                )
            })
            .collect();
        for rel in
            crate::content::files_in(root, Path::new("templates"), &["html", "xml", "txt"], out)
        {
            let Some(file) = out.take(SourceFile::read(root, &rel)) else {
                continue;
            };
            let name = rel.strip_prefix("templates").unwrap_or(&rel);
            let name = crate::error::display_path(name);
            sources.retain(|(n, _, _)| *n != name);
            sources.push((name, file.text, rel));
        }
        let files = sources
            .iter()
            .map(|(n, _, p)| (n.clone(), p.clone()))
            .collect();
        let sizes = sources
            .iter()
            .map(|(n, _, _)| (n.clone(), AtomicUsize::new(0)))
            .collect();
        let mut templates = Templates {
            tera: Tera::new(),
            files,
            sizes,
        };
        templates.tera.autoescape_on(vec![".html", ".xml"]);
        templates.tera.register_filter("safe", mark_safe);
        match templates
            .tera
            .add_raw_templates(sources.iter().map(|(n, t, _)| (n.as_str(), t.as_str())))
        {
            Ok(()) => Some(templates),
            Err(e) => {
                out.push(templates.diagnostic(&e));
                None
            }
        }
    }

    /// A template's output as text, for output that becomes part of other pages.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, Diagnostic> {
        let out = self.render_bytes(name, context)?;
        String::from_utf8(out).map_err(|e| {
            Diagnostic::general(format!(
                "the template {name} wrote text that is not UTF-8: {e}"
            ))
        })
    }

    /// A template's output as it goes to a file. Pages are only ever written, so their bytes
    /// skip the UTF-8 check a `String` needs; it cost about 3% of a page's instructions to
    /// prove what Tera, which writes only `str`s, already guarantees.
    pub fn render_bytes(&self, name: &str, context: &Context) -> Result<Vec<u8>, Diagnostic> {
        let size = self.sizes.get(name);
        let mut out = Vec::with_capacity(size.map_or(0, |s| s.load(Ordering::Relaxed)));
        self.tera
            .render_to(name, context, &mut out)
            .map_err(|e| self.diagnostic(&e))?;
        if let Some(size) = size {
            size.fetch_max(out.len(), Ordering::Relaxed);
        }
        Ok(out)
    }

    fn diagnostic(&self, e: &tera::Error) -> Diagnostic {
        tera_diagnostic(e, |name| {
            let file = self
                .files
                .iter()
                .find(|(n, _)| n == name)
                .map_or_else(|| Path::new("templates").join(name), |(_, p)| p.clone());
            Some(Origin::new(file, 1))
        })
    }
}

/// Tera's own `safe` filter copies the text it marks. Pages pass whole charts and analyses
/// through it, tens of kilobytes each, so this one marks the same text safe instead, which
/// only takes a reference to it. Other values are written out first, as Tera's filter does.
fn mark_safe(value: &tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    if value.as_str().is_some() {
        value.clone().mark_safe()
    } else {
        tera::Value::safe_string(&value.to_string())
    }
}

/// Turns a Tera error into a diagnostic; `origin_of` maps a template name to where its text
/// starts (a template file, or a Markdown body rendered as a template).
pub fn tera_diagnostic(e: &tera::Error, origin_of: impl Fn(&str) -> Option<Origin>) -> Diagnostic {
    use tera::ErrorKind;
    let located = |name: &str, line: usize, column: usize, message: &str| {
        let message = format!("template error: {message}");
        match origin_of(name) {
            Some(origin) => Diagnostic::error(origin.at(line, column), message),
            None => Diagnostic::general(format!("{name}: {message}")),
        }
    };
    match e.kind() {
        ErrorKind::SyntaxError(r) => located(
            r.filename(),
            r.span().start_line,
            r.span().start_col + 1,
            r.message(),
        )
        .with_help("check that every `{% if %}`, `{% for %}` and `{% block %}` before this point is closed"),
        ErrorKind::RenderingError(r) => located(
            r.filename(),
            r.span().start_line,
            r.span().start_col + 1,
            r.message(),
        ),
        ErrorKind::Msg(text) => match parse_report(text) {
            Some((name, line, column, message)) => located(&name, line, column, &message),
            None => Diagnostic::general(format!("template error: {text}")),
        },
        ErrorKind::MissingParent { current, parent } => located(
            current,
            1,
            1,
            &format!("it extends `{parent}`, which does not exist"),
        ),
        other => Diagnostic::general(format!("template error: {other}")),
    }
}

/// Reads the first "error: …" / "--> name:line:col" pair of a report Tera wrote as text.
fn parse_report(text: &str) -> Option<(String, usize, usize, String)> {
    let mut lines = text.lines();
    let message = lines.next()?.strip_prefix("error: ")?.to_string();
    let place = lines.next()?.trim_start().strip_prefix("--> ")?;
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?.to_string();
    Some((name, line, column, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape_html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn escaping_keeps_other_text_whole() {
        assert_eq!(escape_html(""), "");
        assert_eq!(
            escape_html("Gemini 3 Pro · 1M tokens"),
            "Gemini 3 Pro · 1M tokens"
        );
        assert_eq!(escape_html("é<ü>ß&"), "é&lt;ü&gt;ß&amp;");
    }

    proptest::proptest! {
        /// Texts mix runs longer than a word with every special character, so that the
        /// word-at-a-time scan meets them at every offset.
        #[test]
        fn escapes_as_templates_do(text in "([a-z 0-9]{0,11}|[&<>\"'é€]){0,8}") {
            let mut tera = Vec::new();
            tera::escape_html(&text, &mut tera).unwrap();
            proptest::prop_assert_eq!(escape_html(&text), String::from_utf8(tera).unwrap());
        }
    }

    #[test]
    fn the_safe_filter_writes_text_and_numbers_unescaped_and_leaves_the_rest_escaped() {
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html"]);
        tera.register_filter("safe", mark_safe);
        tera.add_raw_template("t.html", "{{ html | safe }} {{ n | safe }} {{ text }}")
            .expect("the template compiles");
        let mut ctx = Context::new();
        ctx.insert("html", &"<b>&amp;</b>".repeat(10));
        ctx.insert("n", &2.5);
        ctx.insert("text", "<i>");
        assert_eq!(
            tera.render("t.html", &ctx).expect("the template renders"),
            format!("{} 2.5 &lt;i&gt;", "<b>&amp;</b>".repeat(10))
        );
    }

    #[test]
    fn reads_tera_text_reports() {
        let report = "error: Unknown function `nope`\n  --> page.html:3:7\n   |\n";
        assert_eq!(
            parse_report(report),
            Some(("page.html".into(), 3, 7, "Unknown function `nope`".into()))
        );
    }
}
