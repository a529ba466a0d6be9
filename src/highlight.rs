//! Syntax highlighting with syntect, as CSS classes.
//!
//! Loading syntect's syntax definitions takes tens of milliseconds, so it happens once per
//! process. Pages carry class names only; the colours live in one stylesheet per build.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, MutexGuard, OnceLock};

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

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

/// A code block as HTML: `<pre>` with highlighted spans, or escaped text for unknown languages.
pub fn code_block(code: &str, language: &str) -> String {
    crate::timings::time(crate::timings::Stage::Highlight, || {
        highlighted_once(code, language)
    })
}

/// Highlighted blocks that occur more than once, such as the quick-start snippet, which is
/// the same on every use case with the same top pick. A block seen once is remembered by its
/// hash only, so code that never repeats costs no memory here.
#[derive(Default)]
struct Repeats {
    seen: HashSet<u64>,
    html: HashMap<(String, String), String>,
}

fn repeats() -> MutexGuard<'static, Repeats> {
    static REPEATS: OnceLock<Mutex<Repeats>> = OnceLock::new();
    REPEATS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

fn highlighted_once(code: &str, language: &str) -> String {
    let mut hasher = DefaultHasher::new();
    (language, code).hash(&mut hasher);
    let key = {
        let mut r = repeats();
        if r.seen.insert(hasher.finish()) {
            None
        } else {
            let key = (language.to_string(), code.to_string());
            if let Some(html) = r.html.get(&key) {
                return html.clone();
            }
            Some(key)
        }
    };
    let html = highlighted(code, language);
    if let Some(key) = key {
        repeats().html.insert(key, html.clone());
    }
    html
}

fn highlighted(code: &str, language: &str) -> String {
    let set = syntaxes();
    let lang_attr = escape_html(language);
    let syntax = (!language.is_empty() && language != "text")
        .then(|| set.find_syntax_by_token(alias(language)))
        .flatten();
    let inner = match syntax {
        Some(syntax) => {
            let mut generator =
                ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
            let highlighted = LinesWithEndings::from(code)
                .try_for_each(|line| generator.parse_html_for_line_which_includes_newline(line));
            match highlighted {
                Ok(()) => generator.finalize(),
                Err(_) => escape_html(code),
            }
        }
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

/// The stylesheet for highlighted code: a light theme, and a dark one for dark-mode readers.
/// Made once per process; `serve` rebuilds many times.
pub fn stylesheet() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(make_stylesheet)
}

fn make_stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|t| css_for_theme_with_class_style(t, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    format!(
        "/* Generated from syntect's {LIGHT_THEME} and {DARK_THEME} themes. */\n{}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        css(LIGHT_THEME),
        css(DARK_THEME)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = code_block("def f():\n    return 1\n", "python");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"python\""));
    }

    #[test]
    fn unknown_languages_are_escaped_plain_text() {
        let html = code_block("<b>x</b>", "nosuchlang");
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"));
        assert!(!knows("nosuchlang"));
        assert!(knows("js") && knows("go") && knows("bash"));
    }

    #[test]
    fn the_stylesheet_has_both_themes() {
        let css = stylesheet();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
