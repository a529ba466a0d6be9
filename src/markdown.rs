//! Markdown to HTML, with the policies a ranking site needs.
//!
//! - Code blocks are highlighted (see [`crate::highlight`]).
//! - Headings get stable `id`s so they can be linked.
//! - Raw HTML typed by an editor is shown as text unless the site allows it: data-bound blocks
//!   (tables generated from the data) arrive as placeholders and are the only HTML let through.
//! - Links to `/…` are made relative to the site's base path; links with a scheme other than
//!   http, https or mailto are dropped, keeping their text.

use std::collections::BTreeSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::cache::Cache;
use crate::highlight;

/// Marks the place of a block produced by a data binding; see [`placeholder`].
const BLOCK_PREFIX: &str = "<!--standings-block:";
const BLOCK_SUFFIX: &str = "-->";

/// The text a binding leaves in Markdown where block `index` goes.
pub fn placeholder(index: usize) -> String {
    format!("\n\n{BLOCK_PREFIX}{index}{BLOCK_SUFFIX}\n\n")
}

#[derive(Debug, Clone, Copy)]
pub struct MarkdownOptions<'a> {
    pub allow_html: bool,
    /// The base path (`/` or `/sub/`) that root-relative links are given.
    pub base_path: &'a str,
    /// Where highlighted code is kept between builds, if anywhere.
    pub highlighted: Option<&'a Cache>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Links to pages of the site as the editor wrote them (`/guides/x/#part`, `#part`),
    /// for checking that they resolve.
    pub links: Vec<String>,
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders a Markdown document; `blocks` are the HTML blocks its placeholders stand for.
pub fn render(markdown: &str, options: MarkdownOptions, blocks: &[String]) -> Html {
    let mut out = Html {
        html: String::with_capacity(markdown.len() + markdown.len() / 4),
        ..Html::default()
    };
    let events = transform(
        Parser::new_ext(markdown, parser_options()),
        options,
        blocks,
        &mut out,
    );
    html::push_html(&mut out.html, events.into_iter());
    // A build keeps the HTML of all prose until its pages are written; grown by doubling, a
    // string could hold up to twice its length.
    out.html.shrink_to_fit();
    out
}

/// Renders a short fragment (a list item, a question) without its enclosing paragraph.
pub fn render_inline(markdown: &str, options: MarkdownOptions) -> String {
    if is_plain(markdown) {
        return markdown.to_string();
    }
    let html = render(markdown, options, &[]).html;
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|t| t.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// Whether Markdown prints `text` as it is: one line that starts with a letter, made of
/// letters, digits, spaces and punctuation that marks nothing up, escapes nothing and that
/// smart punctuation leaves alone. Most strengths, weaknesses and questions are such text, and
/// a site has tens of thousands of them: each skips a parser.
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let plain = |b: &u8| b.is_ascii_alphanumeric() || b" ,;:()?!%/.+-=".contains(b);
    bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.last().is_some_and(|b| *b != b' ')
        && bytes.iter().all(plain)
        && !text.contains("..")
        && !text.contains("--")
}

fn transform<'a>(
    parser: Parser<'a>,
    options: MarkdownOptions,
    blocks: &[String],
    out: &mut Html,
) -> Vec<Event<'a>> {
    let mut ids = BTreeSet::new();
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    let mut heading: Option<(usize, HeadingLevel)> = None;
    let mut dropped_links = 0usize;
    for event in parser {
        if let Some((language, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    events.push(Event::Html(
                        highlight::code_block(text, language, options.highlighted).into(),
                    ));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                code = Some((language, String::new()));
            }
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((events.len(), level));
                events.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((start, level)) = heading.take() {
                    name_heading(&mut events, start, level, &mut ids, &mut out.headings);
                }
                events.push(event);
            }
            Event::Html(raw) | Event::InlineHtml(raw) => {
                events.push(raw_html(raw, options.allow_html, blocks))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match safe_url(&dest_url, options.base_path) {
                Some(url) if dest_url.starts_with(['/', '#']) && !dest_url.starts_with("//") => {
                    out.links.push(dest_url.to_string());
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: url.into(),
                        title,
                        id,
                    }));
                }
                Some(url) => events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: url.into(),
                    title,
                    id,
                })),
                None => dropped_links += 1,
            },
            Event::End(TagEnd::Link) if dropped_links > 0 => dropped_links -= 1,
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let url = safe_url(&dest_url, options.base_path).unwrap_or_default();
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: url.into(),
                    title,
                    id,
                }));
            }
            other => events.push(other),
        }
    }
    events
}

/// Gives a heading an id from its text, unless the editor wrote one (`{#id}`).
fn name_heading(
    events: &mut [Event],
    start: usize,
    level: HeadingLevel,
    ids: &mut BTreeSet<String>,
    headings: &mut Vec<Heading>,
) {
    let text: String = events[start + 1..]
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let Event::Start(Tag::Heading {
        id, classes, attrs, ..
    }) = &events[start]
    else {
        return;
    };
    let chosen = match id {
        Some(id) => id.to_string(),
        None => unique(slugify(&text), ids),
    };
    ids.insert(chosen.clone());
    headings.push(Heading {
        level: level as u8,
        id: chosen.clone(),
        text,
    });
    events[start] = Event::Start(Tag::Heading {
        level,
        id: Some(CowStr::from(chosen)),
        classes: classes.clone(),
        attrs: attrs.clone(),
    });
}

fn unique(base: String, taken: &BTreeSet<String>) -> String {
    let base = if base.is_empty() {
        "section".to_string()
    } else {
        base
    };
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !taken.contains(c))
        .unwrap_or(base)
}

/// A URL-safe anchor from heading text: lowercase ASCII words joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

fn raw_html<'a>(raw: CowStr<'a>, allow: bool, blocks: &[String]) -> Event<'a> {
    let trimmed = raw.trim();
    if let Some(index) = trimmed
        .strip_prefix(BLOCK_PREFIX)
        .and_then(|r| r.strip_suffix(BLOCK_SUFFIX))
        .and_then(|n| n.parse::<usize>().ok())
    {
        return Event::Html(blocks.get(index).cloned().unwrap_or_default().into());
    }
    if allow {
        Event::Html(raw)
    } else {
        Event::Text(raw)
    }
}

fn safe_url(url: &str, base_path: &str) -> Option<String> {
    if let Some(rest) = url.strip_prefix('/')
        && !rest.starts_with('/')
    {
        return Some(format!("{base_path}{rest}"));
    }
    let scheme_end = url.find(':');
    let first_special = url.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, first_special) {
        (Some(c), Some(s)) => c < s,
        (Some(_), None) => true,
        _ => false,
    };
    if !has_scheme {
        return Some(url.to_string());
    }
    let lower = url.to_ascii_lowercase();
    ["https:", "http:", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s))
        .then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: MarkdownOptions = MarkdownOptions {
        allow_html: false,
        base_path: "/sub/",
        highlighted: None,
    };

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        // The alphabet mixes in Markdown's own characters, so that taking one of them for
        // plain text fails the test.
        #[test]
        fn plain_text_is_printed_as_the_parser_prints_it(
            text in "[a-zA-Z][a-zA-Z0-9 ,;:()?!%/.+=*_`~<>&'\"#|\\\\\\[\\]{}$^@-]{0,12}"
        ) {
            let parsed = render(&text, OPTS, &[]).html;
            let parsed = parsed.trim();
            let parsed = parsed.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>"));
            if is_plain(&text) {
                proptest::prop_assert_eq!(Some(text.as_str()), parsed);
            }
        }
    }

    #[test]
    fn marked_up_fragments_are_still_parsed() {
        for (text, html) in [
            ("Costs **less**", "Costs <strong>less</strong>"),
            ("Fast -- and cheap", "Fast – and cheap"),
            ("It's fast", "It’s fast"),
            ("Wait...", "Wait…"),
            ("1. first", "<ol>\n<li>first</li>\n</ol>"),
            ("Fast & cheap", "Fast &amp; cheap"),
        ] {
            assert_eq!(render_inline(text, OPTS), html, "{text}");
        }
        let plain = "Tool-use score: 0.9 (best)";
        assert!(is_plain(plain));
        assert_eq!(render_inline(plain, OPTS), plain);
        assert!(!is_plain("Wait...") && !is_plain("Fast -- and cheap") && !is_plain("1. first"));
    }

    #[test]
    fn headings_get_unique_ids() {
        let out = render(
            "## Key takeaways\n\n## Key takeaways\n\n### Own {#mine}\n",
            OPTS,
            &[],
        );
        assert!(out.html.contains("<h2 id=\"key-takeaways\">"));
        assert!(out.html.contains("<h2 id=\"key-takeaways-2\">"));
        assert!(out.html.contains("<h3 id=\"mine\">"));
        assert_eq!(out.headings.len(), 3);
    }

    #[test]
    fn raw_html_is_text_unless_allowed() {
        let out = render("Hi <script>alert(1)</script>\n", OPTS, &[]);
        assert!(out.html.contains("&lt;script&gt;"), "{}", out.html);
        let allowed = MarkdownOptions {
            allow_html: true,
            ..OPTS
        };
        assert!(render("<b>x</b>\n", allowed, &[]).html.contains("<b>x</b>"));
    }

    #[test]
    fn placeholders_become_their_blocks() {
        let md = format!("Before{}After\n", placeholder(0));
        let out = render(
            &md,
            OPTS,
            &["<table><tr><td>1</td></tr></table>".to_string()],
        );
        assert!(
            out.html.contains("<table><tr><td>1</td></tr></table>"),
            "{}",
            out.html
        );
    }

    #[test]
    fn links_are_rebased_and_unsafe_schemes_dropped() {
        let out = render(
            "[a](/guides/x/) [b](javascript:alert(1)) [c](https://e.test/)\n",
            OPTS,
            &[],
        );
        assert!(out.html.contains("href=\"/sub/guides/x/\""), "{}", out.html);
        assert!(!out.html.contains("javascript"), "{}", out.html);
        assert!(
            out.html.contains(">b<") || out.html.contains(" b "),
            "{}",
            out.html
        );
        assert!(out.html.contains("href=\"https://e.test/\""));
    }

    #[test]
    fn internal_links_are_collected_as_written() {
        let out = render(
            "[a](/guides/x/#part) [b](#top) [c](https://e.test/)\n",
            OPTS,
            &[],
        );
        assert_eq!(out.links, ["/guides/x/#part", "#top"]);
    }

    #[test]
    fn code_blocks_are_highlighted() {
        let out = render("```python\nx = 1\n```\n", OPTS, &[]);
        assert!(out.html.contains("data-lang=\"python\""));
    }

    #[test]
    fn inline_fragments_lose_their_paragraph() {
        assert_eq!(
            render_inline("Fast *and* cheap", OPTS),
            "Fast <em>and</em> cheap"
        );
    }
}
