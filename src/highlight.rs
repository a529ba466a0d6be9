//! Syntax highlighting with syntect, as CSS classes.
//!
//! Loading syntect's syntax definitions takes tens of milliseconds, so it happens once per
//! process. Pages carry class names only; the colours live in one stylesheet per build.
//!
//! A token's classes name the style the light and the dark theme give it, not its scopes:
//! `<span class="l3 d5">` instead of one nested span per scope, each with every atom of its
//! scope name as a class. Code blocks are the bulkiest part of a use case's pages, and this
//! makes them about a quarter of the size.

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::fmt::Write;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::rc::Rc;
use std::sync::OnceLock;

use syntect::highlighting::{Color, FontStyle, Highlighter, Theme, ThemeSet};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::cache::Cache;
use crate::render::escape_html;

const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// One theme, and the position of each of its colours, which names the colour's class.
struct Palette {
    theme: Theme,
    colours: Vec<Color>,
}

impl Palette {
    fn new(theme: Theme) -> Palette {
        let mut colours: Vec<Color> = theme
            .scopes
            .iter()
            .filter_map(|item| item.style.foreground)
            .collect();
        colours.sort_by_key(|c| (c.r, c.g, c.b, c.a));
        colours.dedup();
        Palette { theme, colours }
    }

    /// The classes of a token this theme gives `colour` and `font`, after `prefix`; nothing
    /// for the theme's plain text, which takes the page's code colour.
    fn classes(&self, prefix: char, colour: Color, font: FontStyle, out: &mut String) {
        let plain = self.theme.settings.foreground == Some(colour);
        if let Some(i) = self
            .colours
            .iter()
            .position(|c| *c == colour)
            .filter(|_| !plain)
        {
            let _ = write!(out, " {prefix}{i}");
        }
        for (flag, letter) in [
            (FontStyle::BOLD, 'b'),
            (FontStyle::ITALIC, 'i'),
            (FontStyle::UNDERLINE, 'u'),
        ] {
            if font.contains(flag) {
                let _ = write!(out, " {prefix}{letter}");
            }
        }
    }

    /// The rules for this theme's classes, each colour made legible on `background`.
    fn css(&self, prefix: char, background: [u8; 3]) -> String {
        let mut css = String::new();
        for (i, c) in self.colours.iter().enumerate() {
            let [r, g, b] = readable([c.r, c.g, c.b], background);
            let _ = writeln!(css, ".{prefix}{i} {{\n color: #{r:02x}{g:02x}{b:02x};\n}}");
        }
        let _ = write!(
            css,
            ".{prefix}b {{ font-weight: bold; }}\n.{prefix}i {{ font-style: italic; }}\n.{prefix}u {{ text-decoration: underline; }}"
        );
        css
    }
}

struct Palettes {
    light: Palette,
    dark: Palette,
}

fn palettes() -> &'static Palettes {
    static PALETTES: OnceLock<Palettes> = OnceLock::new();
    PALETTES.get_or_init(|| {
        let mut themes = ThemeSet::load_defaults().themes;
        let mut take = |name: &str| Palette::new(themes.remove(name).unwrap_or_default());
        Palettes {
            light: take(LIGHT_THEME),
            dark: take(DARK_THEME),
        }
    })
}

fn highlighters() -> &'static [Highlighter<'static>; 2] {
    static HIGHLIGHTERS: OnceLock<[Highlighter<'static>; 2]> = OnceLock::new();
    HIGHLIGHTERS.get_or_init(|| {
        let p = palettes();
        [
            Highlighter::new(&p.light.theme),
            Highlighter::new(&p.dark.theme),
        ]
    })
}

/// The classes of a token under `scopes`, in both themes; empty for plain text.
fn classes_of(scopes: &[Scope]) -> String {
    let p = palettes();
    let [light, dark] = highlighters();
    let (l, d) = (light.style_for_stack(scopes), dark.style_for_stack(scopes));
    let mut out = String::new();
    p.light.classes('l', l.foreground, l.font_style, &mut out);
    p.dark.classes('d', d.foreground, d.font_style, &mut out);
    out.trim_start().to_string()
}

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
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "/syntect-5.3/theme-style-classes"
);

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
    let mut html = format!(
        "<pre class=\"code\" data-lang=\"{lang_attr}\" tabindex=\"0\"><code class=\"language-{}\">{inner}</code></pre>",
        escape_html(label)
    );
    html.shrink_to_fit();
    html
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
    /// Closes every span it opens.
    html: String,
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
    /// The classes of each scope stack met, as resolving a theme's style is slow.
    classes: HashMap<Vec<Scope>, Rc<str>>,
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
        let done = Rc::new(self.highlight_line(before, line, set)?);
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

    fn highlight_line(
        &mut self,
        before: &LineState,
        line: &str,
        set: &SyntaxSet,
    ) -> Result<HighlightedLine, syntect::Error> {
        let mut after = before.clone();
        let ops = after.parse.parse_line(line, set)?;
        let mut spans = Spans::default();
        let mut start = 0;
        for (at, op) in ops {
            if at > start {
                spans.push(&line[start..at], self.classes(after.scopes.as_slice()));
                start = at;
            }
            after.scopes.apply(&op)?;
        }
        if start < line.len() {
            spans.push(&line[start..], self.classes(after.scopes.as_slice()));
        }
        Ok(HighlightedLine {
            html: spans.finish(),
            after,
        })
    }

    fn classes(&mut self, scopes: &[Scope]) -> Rc<str> {
        if let Some(known) = self.classes.get(scopes) {
            return Rc::clone(known);
        }
        let made: Rc<str> = classes_of(scopes).into();
        self.classes.insert(scopes.to_vec(), Rc::clone(&made));
        made
    }
}

/// A line's tokens as spans, neighbours of the same classes in one span.
#[derive(Default)]
struct Spans {
    html: String,
    open: Option<Rc<str>>,
}

impl Spans {
    fn push(&mut self, text: &str, classes: Rc<str>) {
        // Blanks look alike in any colour, so they stay in the span before them.
        let blank = text.trim().is_empty();
        let same =
            self.open.as_deref() == Some(&*classes) || classes.is_empty() && self.open.is_none();
        if !blank && !same {
            self.close();
            if !classes.is_empty() {
                let _ = write!(self.html, "<span class=\"{classes}\">");
                self.open = Some(classes);
            }
        }
        self.html.push_str(&escape_html(text));
    }

    fn close(&mut self) {
        if self.open.take().is_some() {
            self.html.push_str("</span>");
        }
    }

    /// The line's HTML, its last span closed before the line break.
    fn finish(mut self) -> String {
        let newline = self.open.is_some() && self.html.ends_with('\n');
        if newline {
            self.html.pop();
        }
        self.close();
        if newline {
            self.html.push('\n');
        }
        self.html
    }
}

/// Code as spans classed by style, line by line.
fn classed(
    code: &str,
    syntax: &SyntaxReference,
    set: &SyntaxSet,
) -> Result<String, syntect::Error> {
    let mut state = LineState {
        parse: ParseState::new(syntax),
        scopes: ScopeStack::new(),
    };
    let mut html = String::with_capacity(code.len() * 3);
    MEMO.with_borrow_mut(|memo| {
        for line in LinesWithEndings::from(code) {
            let done = memo.line(&state, line, set)?;
            html.push_str(&done.html);
            state = done.after.clone();
        }
        Ok::<(), syntect::Error>(())
    })?;
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
    let p = palettes();
    format!(
        "/* Generated from syntect's {LIGHT_THEME} (classes l…) and {DARK_THEME} (classes d…)\n   themes. Each theme sits in its own media block. */\n\
         @media (prefers-color-scheme: light) {{\n{}\n}}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        p.light.css('l', LIGHT_BACKGROUND),
        p.dark.css('d', DARK_BACKGROUND)
    )
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

    fn parse_hex(hex: &str) -> Option<[u8; 3]> {
        if hex.len() != 6 {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some([byte(0)?, byte(2)?, byte(4)?])
    }

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = code_block("def f():\n    return 1\n", "python", None);
        assert!(html.contains("<span class=\"l"), "{html}");
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
    fn highlighting_keeps_the_code_and_closes_every_span() {
        let code =
            "import os\n\ndef f(x: str) -> int:\n    \"\"\"Doc <b>\"\"\"\n    return len(x) & 1\n";
        let html = code_block(code, "python", None);
        let inner = html
            .split_once("<code class=\"language-python\">")
            .unwrap()
            .1;
        let inner = inner.strip_suffix("</code></pre>").unwrap();
        assert_eq!(
            inner.matches("<span").count(),
            inner.matches("</span>").count()
        );
        for line in inner.split('\n') {
            assert_eq!(
                line.matches("<span").count(),
                line.matches("</span>").count(),
                "{line}"
            );
        }
        let text = regex::Regex::new("<[^>]+>").unwrap().replace_all(inner, "");
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"");
        assert_eq!(text.replace("&amp;", "&"), code);
        // A keyword is coloured in both themes; plain names are left to the page's colour.
        assert!(
            inner.contains("<span class=\"l9 lb d10\">import </span>os"),
            "{inner}"
        );
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
        assert!(css.contains(".l0 ") && css.contains(".d0 "));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
