//! Site settings, read from `site.yaml` at the site root.

use std::path::Path;

use serde::Deserialize;

use crate::content::QuickStart;
use crate::data::check_url;
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::input::{Origin, SourceFile, Spanned, parse_yaml};

pub const SETTINGS_FILE: &str = "site.yaml";

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub title: String,
    pub description: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub language: String,
    pub gateway: Option<Gateway>,
    pub quick_start: Option<QuickStart>,
    pub call_to_action: Option<CallToAction>,
    pub prices: Prices,
    pub footer: Option<String>,
    /// Whether editors may write raw HTML in Markdown.
    pub allow_html: bool,
    pub check: CheckSettings,
    /// Whether pages are written minified.
    pub minify: bool,
}

impl Settings {
    /// The path part of the base URL (`/` or `/sub/path/`): every internal link starts with it.
    pub fn base_path(&self) -> &str {
        // Every link of every page asks, so the URL, a few dozen bytes, is read once byte by
        // byte: searching it for "://" as a pattern took several hundred instructions a link.
        let url = self.base_url.as_str();
        let after_scheme = url
            .as_bytes()
            .windows(3)
            .position(|w| w == b"://")
            .map_or(url, |i| &url[i + 3..]);
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }

    /// Overrides the base URL (from `--base-url`).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        check_url(url)?;
        self.base_url = with_slash(url);
        Ok(())
    }
}

/// Where readers try a model: "Open in <gateway>" links and the quick-start snippet.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gateway {
    pub name: String,
    /// A URL with `{slug}` where the model's gateway slug goes.
    pub model_url: String,
}

impl Gateway {
    pub fn link(&self, slug: &str) -> String {
        self.model_url.replace("{slug}", slug)
    }
}

/// The closing banner of leaderboards.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallToAction {
    pub title: String,
    pub text: String,
    pub label: String,
    /// A web address, or a path of the site such as `/data/models.json`.
    pub url: Spanned<String>,
}

/// The metrics that make up "price (input / output)".
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    pub input: String,
    pub output: String,
    /// A blended price per 1M tokens, when the data has one; charts set quality against it
    /// instead of the output price.
    #[serde(default)]
    pub blended: Option<String>,
}

impl Default for Prices {
    fn default() -> Self {
        Prices {
            input: "price_input".into(),
            output: "price_output".into(),
            blended: None,
        }
    }
}

/// How seriously `standings check` takes each kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Off,
}

/// The `check:` section of `site.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckSettings {
    /// Figures older than this many days are stale.
    pub stale_after_days: u32,
    /// Links and anchors inside the site that lead nowhere.
    pub broken_links: Level,
    /// Numbers in prose that look like figures but do not come from a binding.
    pub hand_typed_figures: Level,
    pub stale_figures: Level,
    /// Vendor-reported figures used by a ranking criterion that does not accept them.
    pub claimed_criteria: Level,
    /// Ranked models without an analysis.
    pub missing_analyses: Level,
    /// Analyses of models that are not ranked in their use case.
    pub orphan_analyses: Level,
    /// Metric definitions that no ranking, setting or binding uses.
    pub unused_metrics: Level,
    /// Snapshot folders under `data/history/` of use cases the site does not have.
    pub orphan_history: Level,
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings {
            stale_after_days: 365,
            broken_links: Level::Error,
            hand_typed_figures: Level::Warning,
            stale_figures: Level::Warning,
            claimed_criteria: Level::Warning,
            missing_analyses: Level::Warning,
            orphan_analyses: Level::Warning,
            unused_metrics: Level::Warning,
            orphan_history: Level::Warning,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    title: String,
    #[serde(default)]
    description: String,
    base_url: Spanned<String>,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default)]
    gateway: Option<Spanned<Gateway>>,
    #[serde(default)]
    quick_start: Option<QuickStart>,
    #[serde(default)]
    call_to_action: Option<CallToAction>,
    #[serde(default)]
    prices: Prices,
    #[serde(default)]
    footer: Option<String>,
    #[serde(default)]
    allow_html: bool,
    #[serde(default)]
    check: CheckSettings,
    #[serde(default)]
    minify: bool,
}

/// A link inside the site, written from its root: `/guides/x/`.
pub fn is_site_path(url: &str) -> bool {
    url.starts_with('/') && !url.starts_with("//") && !url.contains('\\')
}

fn default_language() -> String {
    "en".into()
}

fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// Reads `site.yaml`; `None` when it cannot be used (the problem is in `out`).
pub fn load(root: &Path, out: &mut Diagnostics) -> Option<Settings> {
    let rel = Path::new(SETTINGS_FILE);
    if !root.join(rel).is_file() {
        out.push(Diagnostic::general(format!(
            "{} has no {SETTINGS_FILE}: is this a site folder? (`standings init <dir>` creates one)",
            root.display()
        )));
        return None;
    }
    let file = out.take(SourceFile::read(root, rel))?;
    let origin = Origin::new(rel, 1);
    let s: SettingsFile = out.take(parse_yaml(&file.text, &origin))?;
    let mut url_problem = |url: &str, at: Location| {
        if let Err(message) = check_url(url) {
            out.push(Diagnostic::error(at, message));
        }
    };
    url_problem(&s.base_url.value, origin.of(&s.base_url));
    if let Some(g) = &s.gateway {
        url_problem(&g.value.link("x"), origin.of(g));
    }
    if let Some(c) = &s.call_to_action
        && !is_site_path(&c.url.value)
    {
        url_problem(&c.url.value, origin.of(&c.url));
    }
    if !s
        .language
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
        || s.language.is_empty()
    {
        out.push(Diagnostic::error(
            Location::file(rel),
            format!(
                "`{}` is not a language tag such as `en` or `en-GB`",
                s.language
            ),
        ));
    }
    Some(Settings {
        title: s.title,
        description: s.description,
        base_url: with_slash(&s.base_url.value),
        language: s.language,
        gateway: s.gateway.map(|g| g.value),
        quick_start: s.quick_start,
        call_to_action: s.call_to_action,
        prices: s.prices,
        footer: s.footer,
        allow_html: s.allow_html,
        check: s.check,
        minify: s.minify,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(base: &str) -> Settings {
        Settings {
            title: "t".into(),
            description: String::new(),
            base_url: with_slash(base),
            language: "en".into(),
            gateway: None,
            quick_start: None,
            call_to_action: None,
            prices: Prices::default(),
            footer: None,
            allow_html: false,
            check: CheckSettings::default(),
            minify: false,
        }
    }

    #[test]
    fn base_path_comes_from_the_base_url() {
        assert_eq!(settings("https://example.com").base_path(), "/");
        assert_eq!(
            settings("https://example.com/sub/path").base_path(),
            "/sub/path/"
        );
    }
}
