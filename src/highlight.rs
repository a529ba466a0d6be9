//! Syntax highlighting with syntect, as CSS classes.
//!
//! Loading syntect's syntax definitions takes tens of milliseconds, so it happens once per
//! process. Pages carry class names only; the colours live in one stylesheet per build.

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::rc::Rc;
use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::cache::Cache;
use crate::render::escape_html;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Common names for languages that syntect knows under another token.
fn alias(language: &str) -> &str {
    match language {
        "js" | "node" | "nodejs" | "javascript" | "ts" | "typescript" => "js",
        "sh" | "shell" | "console" | "zsh" => "bash",
        "py" => "python",
        "golang" => "go",
        "yml" => "yaml",
        "md" => "markdown",
        other => other,
    }
}

/// Whether highlighting knows the language (otherwise the code is shown plain).
pub fn knows(language: &str) -> bool {
    language.is_empty()
        || language == "text"
        || syntaxes().find_syntax_by_token(alias(language)).is_some()
}

/// Changes whenever a release could highlight the same code differently; see [`Cache`].
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "/syntect-5.3/spaced-hl-classes");

/// The cache of highlighted code blocks of the site at `root`.
pub fn cache(root: &Path) -> Cache {
    Cache::new(root, "highlight", VERSION, "html")
}

/// A code block as HTML: `<pre>` with highlighted spans, or escaped text for unknown languages.
/// Highlighting is the costliest step of rendering Markdown, so a block already highlighted
/// by an earlier build comes from `cache`.
pub fn code_block(code: &str, language: &str, cache: Option<&Cache>) -> String {
    crate::timings::time(crate::timings::Stage::Highlight, || match cache {
        Some(cache) => {
            let input = [language.as_bytes(), &[0], code.as_bytes()].concat();
            let kept = cache.get_or_make(&input, is_whole_block, || {
                Ok::<_, Infallible>(highlighted(code, language).into_bytes())
            });
            match kept.map(String::from_utf8) {
                Ok(Ok(html)) => html,
                _ => highlighted(code, language),
            }
        }
        None => highlighted(code, language),
    })
}

/// Whether kept bytes are a whole block as [`highlighted`] writes it.
fn is_whole_block(bytes: &[u8]) -> bool {
    bytes.starts_with(b"<pre class=\"code\"")
        && bytes.ends_with(b"</code></pre>")
        && std::str::from_utf8(bytes).is_ok()
}

fn highlighted(code: &str, language: &str) -> String {
    let set = syntaxes();
    let lang_attr = escape_html(language);
    let syntax = (!language.is_empty() && language != "text")
        .then(|| set.find_syntax_by_token(alias(language)))
        .flatten();
    let inner = match syntax {
        Some(syntax) => classed(code, syntax, set).unwrap_or_else(|_| escape_html(code)),
        None => escape_html(code),
    };
    let label = if language.is_empty() {
        "text"
    } else {
        language
    };
    format!(
        "<pre class=\"code\" data-lang=\"{lang_attr}\" tabindex=\"0\"><code class=\"language-{}\">{inner}</code></pre>",
        escape_html(label)
    )
}

/// The code background of the theme's stylesheet (`--soft`), light and dark.
const LIGHT_BACKGROUND: [u8; 3] = [0xf4, 0xf6, 0xf9];
const DARK_BACKGROUND: [u8; 3] = [0x17, 0x1d, 0x27];
/// WCAG 2.1 AA for normal text, with a little room for rounding.
const MIN_CONTRAST: f64 = 4.6;

/// What highlighting a line depends on and changes: the parser's state and the open scopes.
#[derive(Clone, PartialEq, Eq)]
struct LineState {
    parse: ParseState,
    scopes: ScopeStack,
}

struct HighlightedLine {
    html: String,
    /// Spans the line leaves open (or closes, when negative).
    spans: isize,
    after: LineState,
}

/// Lines already highlighted on this thread, for lines seen more than once: the code samples
/// of a site share imports, boilerplate and closing lines, and a line highlighted from the
/// same state always comes out the same. A line seen once is remembered by its hash only, so
/// code that never repeats costs little memory.
#[derive(Default)]
struct LineMemo {
    seen: HashSet<u64>,
    lines: HashMap<String, Vec<(LineState, Rc<HighlightedLine>)>>,
}

/// States remembered per line; a line rarely starts in more than a few.
const STATES_PER_LINE: usize = 4;

thread_local! {
    static MEMO: RefCell<LineMemo> = RefCell::default();
}

impl LineMemo {
    fn line(
        &mut self,
        before: &LineState,
        line: &str,
        set: &SyntaxSet,
    ) -> Result<Rc<HighlightedLine>, syntect::Error> {
        let known = self.lines.get(line).into_iter().flatten();
        if let Some((_, done)) = known.into_iter().find(|(state, _)| state == before) {
            return Ok(Rc::clone(done));
        }
        let done = Rc::new(highlight_line(before, line, set)?);
        let mut hasher = DefaultHasher::new();
        line.hash(&mut hasher);
        if !self.seen.insert(hasher.finish()) {
            let states = self.lines.entry(line.to_string()).or_default();
            if states.len() < STATES_PER_LINE {
                states.push((before.clone(), Rc::clone(&done)));
            }
        }
        Ok(done)
    }
}

fn highlight_line(
    before: &LineState,
    line: &str,
    set: &SyntaxSet,
) -> Result<HighlightedLine, syntect::Error> {
    let mut after = before.clone();
    let ops = after.parse.parse_line(line, set)?;
    let (html, spans) = line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut after.scopes)?;
    Ok(HighlightedLine { html, spans, after })
}

/// Code as spans with one class per scope, line by line as syntect's `ClassedHTMLGenerator`
/// writes it.
fn classed(
    code: &str,
    syntax: &SyntaxReference,
    set: &SyntaxSet,
) -> Result<String, syntect::Error> {
    let mut state = LineState {
        parse: ParseState::new(syntax),
        scopes: ScopeStack::new(),
    };
    let mut html = String::with_capacity(code.len() * 8);
    let mut open = 0;
    MEMO.with_borrow_mut(|memo| {
        for line in LinesWithEndings::from(code) {
            let done = memo.line(&state, line, set)?;
            html.push_str(&done.html);
            open += done.spans;
            state = done.after.clone();
        }
        Ok::<(), syntect::Error>(())
    })?;
    for _ in 0..open {
        html.push_str("</span>");
    }
    Ok(html)
}

/// The stylesheet for highlighted code: a light theme, and a dark one for dark-mode readers.
/// Several of the themes' colours are too faint for WCAG AA on the code background, so every
/// text colour is darkened (or, in dark mode, lightened) until it reaches 4.5:1.
/// Made once per process; `serve` rebuilds many times.
pub fn stylesheet() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(make_stylesheet)
}

fn make_stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str, background: [u8; 3]| {
        let css = themes
            .themes
            .get(name)
            .and_then(|t| css_for_theme_with_class_style(t, CLASS_STYLE).ok())
            .unwrap_or_default();
        legible(&css, background)
    };
    format!(
        "/* Generated from syntect's {LIGHT_THEME} and {DARK_THEME} themes. Each theme sits in its\n   own media block, so no light rule the dark theme lacks leaks into dark mode. */\n\
         @media (prefers-color-scheme: light) {{\n{}\n}}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        css(LIGHT_THEME, LIGHT_BACKGROUND),
        css(DARK_THEME, DARK_BACKGROUND)
    )
}

/// Rewrites every ` color: #rrggbb` of a stylesheet to reach [`MIN_CONTRAST`] on `background`;
/// background colours are dropped so the page's code background is the one measured against.
fn legible(css: &str, background: [u8; 3]) -> String {
    css.lines()
        .filter(|line| !line.trim_start().starts_with("background-color:"))
        .map(|line| {
            let hex = line
                .trim()
                .strip_prefix("color: #")
                .and_then(|r| r.strip_suffix(';'));
            match hex.and_then(parse_hex) {
                Some(rgb) => {
                    let [r, g, b] = readable(rgb, background);
                    format!(" color: #{r:02x}{g:02x}{b:02x};")
                }
                None => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_hex(hex: &str) -> Option<[u8; 3]> {
    if hex.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

fn luminance(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Moves a colour towards black on a light background (white on a dark one) in small steps
/// until it reads.
fn readable(rgb: [u8; 3], background: [u8; 3]) -> [u8; 3] {
    let target = if luminance(background) > 0.5 {
        0.0
    } else {
        255.0
    };
    let mut colour = rgb;
    for step in 1..=20 {
        if contrast(colour, background) >= MIN_CONTRAST {
            break;
        }
        let t = f64::from(step) / 20.0;
        colour = rgb.map(|c| (f64::from(c) + (target - f64::from(c)) * t).round() as u8);
    }
    colour
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = code_block("def f():\n    return 1\n", "python", None);
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"python\""));
    }

    #[test]
    fn a_block_highlighted_before_comes_from_the_cache() {
        let root = tempfile::tempdir().unwrap();
        let code = "import os\nprint(os.sep)\n";
        let fresh = code_block(code, "python", None);
        assert_eq!(code_block(code, "python", Some(&cache(root.path()))), fresh);

        // Proof that the second build reads the entry: a kept block is returned as it is.
        let dir = root.path().join(crate::cache::CACHE_DIR).join("highlight");
        let entry = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let marked = fresh.replace("print", "kept");
        std::fs::write(&entry, &marked).unwrap();
        assert_eq!(
            code_block(code, "python", Some(&cache(root.path()))),
            marked
        );
        // Another language is another entry.
        assert_ne!(code_block(code, "bash", Some(&cache(root.path()))), marked);

        // A damaged entry is highlighted again and rewritten.
        std::fs::write(&entry, &fresh[..fresh.len() / 2]).unwrap();
        assert_eq!(code_block(code, "python", Some(&cache(root.path()))), fresh);
        assert_eq!(std::fs::read_to_string(&entry).unwrap(), fresh);
    }

    #[test]
    fn unknown_languages_are_escaped_plain_text() {
        let html = code_block("<b>x</b>", "nosuchlang", None);
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"));
        assert!(!knows("nosuchlang"));
        assert!(knows("js") && knows("go") && knows("bash"));
    }

    #[test]
    fn every_code_colour_reads_on_the_code_background() {
        let css = stylesheet();
        let (light, dark) = css.split_once("prefers-color-scheme: dark").unwrap();
        for (part, background) in [(light, LIGHT_BACKGROUND), (dark, DARK_BACKGROUND)] {
            for hex in part
                .lines()
                .filter_map(|l| l.trim().strip_prefix("color: #"))
            {
                let rgb = parse_hex(hex.trim_end_matches(';')).unwrap();
                assert!(contrast(rgb, background) >= 4.5, "#{hex}");
            }
        }
        assert_eq!(readable([0, 0, 0], LIGHT_BACKGROUND), [0, 0, 0]);
    }

    #[test]
    fn the_stylesheet_has_both_themes() {
        let css = stylesheet();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
