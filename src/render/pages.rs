//! The pages of SPEC §2: which exist, and what each one's template is given.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use super::assets::Assets;
use super::compare::{self, Pair, SharedRanking};
use super::files::FEED_PATH;
use super::prose::{
    AnalysisHtml, PromptHtml, QuestionHtml, QuickStartHtml, RenderedSite, UseCaseHtml,
};
use super::view::{self, Link, ModelRef, RowView, Viewed};
use super::{Templates, card, changes, chart, structured};
use crate::content::{Guide, UseCase};
use crate::data::Model;
use crate::date::Date;
use crate::error::Diagnostic;
use crate::rank::{Exclusion, Ranked, Ranking};
use crate::site::Site;
use crate::timings::Stage;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    Home,
    Leaderboard { use_case: String },
    Analysis { use_case: String, model: String },
    Prompts { use_case: String },
    Faq { use_case: String },
    Profile { model: String },
    Compare(Pair),
    Guide { slug: String },
    NotFound,
}

impl PageKind {
    /// Where `--timings` counts the rendering of this kind of page.
    pub fn stage(&self) -> Stage {
        match self {
            PageKind::Leaderboard { .. } => Stage::Leaderboards,
            PageKind::Analysis { .. } => Stage::Analyses,
            PageKind::Profile { .. } => Stage::Profiles,
            PageKind::Compare(_) => Stage::Comparisons,
            _ => Stage::Templates,
        }
    }

    /// The template that renders this kind of page.
    pub fn template(&self) -> &'static str {
        match self {
            PageKind::Home => "home.html",
            PageKind::Leaderboard { .. } => "use_case.html",
            PageKind::Analysis { .. } => "analysis.html",
            PageKind::Prompts { .. } => "prompts.html",
            PageKind::Faq { .. } => "faq.html",
            PageKind::Profile { .. } => "model.html",
            PageKind::Compare(_) => "compare.html",
            PageKind::Guide { .. } => "guide.html",
            PageKind::NotFound => "404.html",
        }
    }
}

/// A page to write: what it shows and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub kind: PageKind,
    /// The site path, relative to the base path: `""`, `use-cases/coding/`, `404.html`.
    pub path: String,
    pub updated: Option<Date>,
}

impl Page {
    /// The file the page is written to, relative to the output folder.
    pub fn file(&self) -> String {
        if self.path.is_empty() || self.path.ends_with('/') {
            format!("{}index.html", self.path)
        } else {
            self.path.clone()
        }
    }

    /// The use case whose prose the page shows, for the pages of one use case.
    pub fn use_case(&self) -> Option<&str> {
        match &self.kind {
            PageKind::Leaderboard { use_case }
            | PageKind::Analysis { use_case, .. }
            | PageKind::Prompts { use_case }
            | PageKind::Faq { use_case } => Some(use_case),
            _ => None,
        }
    }

    /// Whether the page belongs in the sitemap.
    pub fn listed(&self) -> bool {
        self.kind != PageKind::NotFound
    }
}

/// Every page of the site, in a fixed order.
pub fn plan(site: &Site) -> Vec<Page> {
    // The use cases' pages and the head-to-head pairs are independent, and on a large site
    // each takes a while; nothing else runs while the plan is made.
    let ((latest, use_case_pages), pairs) = rayon::join(
        || {
            let use_cases = &site.content.use_cases;
            let updated: Vec<Option<Date>> = use_cases
                .par_iter()
                .map(|u| site.use_case_updated(u))
                .collect();
            let guides = site.content.guides.iter().map(|g| guide_updated(site, g));
            let latest = updated.iter().copied().chain(guides).flatten().max();
            let pages: Vec<Vec<Page>> = use_cases
                .par_iter()
                .zip(updated)
                .map(|(u, updated)| use_case_pages(site, u, updated))
                .collect();
            (latest, pages)
        },
        || compare::pairs(site),
    );
    let mut pages = vec![Page {
        kind: PageKind::Home,
        path: String::new(),
        updated: latest,
    }];
    pages.extend(use_case_pages.into_iter().flatten());
    for m in site.visible_models() {
        pages.push(Page {
            kind: PageKind::Profile {
                model: m.id.clone(),
            },
            path: format!("models/{}/", m.id),
            updated: site.latest_figure(m, m.figures.keys().map(String::as_str)),
        });
    }
    for pair in pairs {
        let updated = [&pair.a, &pair.b]
            .into_iter()
            .filter_map(|id| site.catalog.models.get(id))
            .filter_map(|m| site.latest_figure(m, m.figures.keys().map(String::as_str)))
            .max();
        pages.push(Page {
            path: compare::compare_path(&pair.a, &pair.b),
            kind: PageKind::Compare(pair),
            updated,
        });
    }
    for g in &site.content.guides {
        pages.push(Page {
            kind: PageKind::Guide {
                slug: g.slug.clone(),
            },
            path: format!("guides/{}/", g.slug),
            updated: guide_updated(site, g),
        });
    }
    pages.push(Page {
        kind: PageKind::NotFound,
        path: "404.html".into(),
        updated: latest,
    });
    pages
}

/// A use case's leaderboard, one analysis per ranked model, its prompts and its FAQ.
fn use_case_pages(site: &Site, u: &UseCase, updated: Option<Date>) -> Vec<Page> {
    let uc = |kind: PageKind, path: String| Page {
        kind,
        path,
        updated,
    };
    let ranked = site
        .rankings
        .get(&u.slug)
        .map_or(&[][..], |r| &r.ranked[..]);
    let mut pages = Vec::with_capacity(ranked.len() + 3);
    pages.push(uc(
        PageKind::Leaderboard {
            use_case: u.slug.clone(),
        },
        format!("use-cases/{}/", u.slug),
    ));
    for r in ranked {
        pages.push(uc(
            PageKind::Analysis {
                use_case: u.slug.clone(),
                model: r.id.to_string(),
            },
            format!("use-cases/{}/{}/", u.slug, r.id),
        ));
    }
    if u.prompts.is_some() {
        pages.push(uc(
            PageKind::Prompts {
                use_case: u.slug.clone(),
            },
            format!("use-cases/{}/prompts/", u.slug),
        ));
    }
    if u.faq.is_some() {
        pages.push(uc(
            PageKind::Faq {
                use_case: u.slug.clone(),
            },
            format!("use-cases/{}/faq/", u.slug),
        ));
    }
    pages
}

fn guide_updated(site: &Site, g: &Guide) -> Option<Date> {
    g.models
        .iter()
        .filter_map(|id| site.catalog.models.get(id))
        .filter_map(|m| site.latest_figure(m, m.figures.keys().map(String::as_str)))
        .chain(g.updated)
        .max()
}

// ----- shared context -------------------------------------------------------------------------

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    home: String,
    stylesheets: Vec<String>,
    /// The script that sorts leaderboard columns.
    sort_script: String,
    icon: String,
    feed: String,
    nav: Vec<Link>,
    guides: Vec<Link>,
    footer: Option<&'a str>,
    call_to_action: Option<CallToActionView<'a>>,
    models_json: String,
}

#[derive(Serialize)]
struct CallToActionView<'a> {
    title: &'a str,
    text: &'a str,
    label: &'a str,
    url: String,
}

/// What every page says about itself: the head's metadata and the breadcrumbs.
#[derive(Serialize)]
pub struct PageMeta {
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub url: String,
    pub canonical: String,
    pub updated: Option<String>,
    pub updated_long: Option<String>,
    pub breadcrumbs: Vec<Link>,
    /// The absolute URL of the page's social image, and its text alternative.
    pub image: String,
    pub image_alt: String,
    /// The page's schema.org JSON-LD, safe to place inside `<script>`.
    pub json_ld: String,
}

/// A rendered page with the head the feed reuses.
pub struct RenderedPage {
    pub html: Vec<u8>,
    pub head: PageHead,
}

/// The title and description a page's head carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageHead {
    pub title: String,
    pub description: String,
}

/// How many use cases the header links to; the home page lists them all. A header with every
/// use case would make each page grow with the site, and the build time with its square.
const NAV_LIMIT: usize = 8;

fn nav(site: &Site) -> Vec<Link> {
    let all = &site.content.use_cases;
    let mut nav: Vec<Link> = all
        .iter()
        .take(NAV_LIMIT)
        .map(|u| site.leaderboard_link(u))
        .collect();
    if all.len() > NAV_LIMIT {
        nav.push(Link {
            name: format!("All {} rankings", all.len()),
            url: format!("{}#use-cases", site.url("")),
        });
    }
    nav
}

/// The `site` every template sees: the same for every page, so it is built once.
fn site_value(site: &Site, assets: &Assets) -> tera::Value {
    assets
        .site_view
        .get_or_init(|| tera::Value::from_serializable(&site_view(site, assets)))
        .clone()
}

fn site_view<'a>(site: &'a Site, assets: &Assets) -> SiteView<'a> {
    let s = &site.settings;
    SiteView {
        title: &s.title,
        description: &s.description,
        language: &s.language,
        base_url: &s.base_url,
        base_path: site.base_path(),
        home: site.url(""),
        stylesheets: vec![
            site.url(assets.path("css/site.css")),
            site.url(assets.path("css/syntax.css")),
        ],
        sort_script: site.url(assets.path("js/sort.js")),
        icon: site.url(assets.path("images/icon.svg")),
        feed: site.url(FEED_PATH),
        nav: nav(site),
        guides: site
            .content
            .guides
            .iter()
            .map(|g| Link {
                name: g.title.clone(),
                url: site.url(&format!("guides/{}/", g.slug)),
            })
            .collect(),
        footer: s.footer.as_deref(),
        call_to_action: s.call_to_action.as_ref().map(|c| CallToActionView {
            title: &c.title,
            text: &c.text,
            label: &c.label,
            url: site.link(&c.url.value),
        }),
        models_json: site.url("data/models.json"),
    }
}

pub(super) fn meta(
    site: &Site,
    page: &Page,
    kind: &'static str,
    title: String,
    description: String,
    trail: Vec<Link>,
) -> PageMeta {
    let mut breadcrumbs = vec![Link {
        name: "Home".into(),
        url: site.url(""),
    }];
    breadcrumbs.extend(trail);
    let (image, image_alt) = social_image(site, page);
    PageMeta {
        kind,
        title,
        description,
        url: site.url(&page.path),
        canonical: [site.settings.base_url.as_str(), &page.path].concat(),
        updated: page.updated.map(|d| d.to_string()),
        updated_long: page.updated.map(|d| d.long()),
        breadcrumbs,
        image,
        image_alt,
        json_ld: String::new(),
    }
}

/// The use case's card on its own pages, the site's card everywhere else.
fn social_image(site: &Site, page: &Page) -> (String, String) {
    let slug = match &page.kind {
        PageKind::Leaderboard { use_case }
        | PageKind::Analysis { use_case, .. }
        | PageKind::Prompts { use_case }
        | PageKind::Faq { use_case } => Some(use_case),
        _ => None,
    };
    let base = site.settings.base_url.as_str();
    match slug.and_then(|s| site.use_case(s)) {
        Some(u) => (
            [base, &card::use_case_path(&u.slug)].concat(),
            format!("The top three models for {}", u.short_title),
        ),
        None => (
            [base, card::SITE_PATH].concat(),
            site.settings.title.clone(),
        ),
    }
}

fn not_found(site: &Site, page: &Page) -> Option<PageMeta> {
    Some(meta(
        site,
        page,
        "404",
        "Page not found".into(),
        "This page does not exist.".into(),
        vec![],
    ))
}

/// Renders one page to HTML.
pub fn render_page(
    site: &Site,
    html: &RenderedSite,
    templates: &Templates,
    assets: &Assets,
    page: &Page,
) -> Result<RenderedPage, Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert_value("site", site_value(site, assets));
    ctx.insert_value("site_nav", site_nav(site, templates, assets)?);
    let found = match &page.kind {
        PageKind::Home => home(site, html, page, &mut ctx),
        PageKind::Leaderboard { use_case } => leaderboard(site, html, page, use_case, &mut ctx),
        PageKind::Analysis { use_case, model } => {
            analysis(site, html, page, use_case, model, &mut ctx)
        }
        PageKind::Prompts { use_case } | PageKind::Faq { use_case } => {
            editorial_page(site, html, page, use_case, &mut ctx)
        }
        PageKind::Profile { model } => profile(site, html, page, model, &mut ctx),
        PageKind::Compare(pair) => compare::page(site, page, pair, &mut ctx),
        PageKind::Guide { slug } => guide(site, html, page, slug, &mut ctx),
        PageKind::NotFound => not_found(site, page),
    };
    let Some(mut m) = found else {
        return Err(Diagnostic::general(format!(
            "the page /{} refers to something the site does not have",
            page.path
        )));
    };
    if let PageKind::Analysis { model, .. } | PageKind::Profile { model } = &page.kind
        && let Some(model) = site.catalog.models.get(model)
    {
        ctx.insert_value("figure_rows", figure_rows(site, templates, model)?);
    }
    m.json_ld = structured::json_ld(site, html, page, &m);
    ctx.insert("page", &m);
    let rendered = templates.render_bytes(page.kind.template(), &ctx)?;
    Ok(RenderedPage {
        html: if site.settings.minify {
            super::minify(&rendered)
        } else {
            rendered
        },
        head: PageHead {
            title: m.title,
            description: m.description,
        },
    })
}

/// The rows of a model's figures table. Every analysis page of the model and its profile
/// show the same rows, so the template renders them once per model and build.
fn figure_rows(
    site: &Site,
    templates: &Templates,
    model: &Model,
) -> Result<tera::Value, Diagnostic> {
    let slot = site.figure_rows_slot(model);
    if let Some(rows) = slot.and_then(OnceLock::get) {
        return Ok(rows.clone());
    }
    let mut ctx = Context::new();
    ctx.insert_value("figures", site.all_figures(model));
    let rows = tera::Value::from(templates.render("partials/figure_rows.html", &ctx)?);
    Ok(slot
        .map_or(&rows, |s| s.get_or_init(|| rows.clone()))
        .clone())
}

/// The navigation at the top of every page. Every page shows the same links, so the template
/// renders them once per build: rendered on each page, their loop was about a fortieth of a
/// large site's instructions.
fn site_nav(
    site: &Site,
    templates: &Templates,
    assets: &Assets,
) -> Result<tera::Value, Diagnostic> {
    let slot = site.site_nav_slot();
    if let Some(nav) = slot.get() {
        return Ok(nav.clone());
    }
    let mut ctx = Context::new();
    ctx.insert_value("site", site_value(site, assets));
    let nav = tera::Value::from(templates.render("partials/site_nav.html", &ctx)?);
    Ok(slot.get_or_init(|| nav).clone())
}

// ----- home -----------------------------------------------------------------------------------

#[derive(Serialize)]
struct UseCaseCard {
    title: String,
    short_title: String,
    description: String,
    url: String,
    top_pick: Option<Viewed<RowView>>,
    ranked: usize,
}

fn home(site: &Site, html: &RenderedSite, page: &Page, ctx: &mut Context) -> Option<PageMeta> {
    let title = site
        .content
        .home
        .title
        .clone()
        .unwrap_or_else(|| site.settings.title.clone());
    let mut m = meta(
        site,
        page,
        "home",
        title,
        site.settings.description.clone(),
        vec![],
    );
    m.breadcrumbs.clear();
    let cards: Vec<UseCaseCard> = site
        .content
        .use_cases
        .iter()
        .map(|u| UseCaseCard {
            title: u.title.clone(),
            short_title: u.short_title.clone(),
            description: u.description.clone(),
            url: site.url(&format!("use-cases/{}/", u.slug)),
            top_pick: rows(site, u, site.top(&u.slug).get(..1).unwrap_or_default()).pop(),
            ranked: site.rankings.get(&u.slug).map_or(0, |r| r.ranked.len()),
        })
        .collect();
    ctx.insert("use_cases", &cards);
    let guides: Vec<GuideCard> = site
        .content
        .guides
        .iter()
        .map(|g| guide_card(site, g))
        .collect();
    ctx.insert("guides", &guides);
    ctx.insert("intro", &html.home_intro);
    Some(m)
}

#[derive(Serialize)]
struct GuideCard {
    title: String,
    description: String,
    url: String,
}

fn guide_card(site: &Site, g: &Guide) -> GuideCard {
    GuideCard {
        title: g.title.clone(),
        description: g.description.clone(),
        url: site.url(&format!("guides/{}/", g.slug)),
    }
}

// ----- use-case pages -----------------------------------------------------------------------

#[derive(Serialize)]
struct UseCaseView {
    slug: String,
    title: String,
    short_title: String,
    eyebrow: String,
    description: String,
    url: String,
    prompts_url: Option<String>,
    faq_url: Option<String>,
    json_url: String,
    csv_url: String,
    method: String,
    method_sentence: String,
    tie_break_sentence: String,
    top: usize,
    ranked: usize,
    headline: String,
    headline_short: String,
    /// "higher" or "lower": which way a sortable column sorts first.
    headline_better: &'static str,
    columns: Vec<ColumnView>,
    /// The weight band of the rank ranges; absent when ranks are not varied.
    band: Option<u32>,
}

#[derive(Serialize)]
struct ColumnView {
    label: String,
    short_label: String,
    unit: String,
    better: &'static str,
}

fn better_word(better: crate::rank::Better) -> &'static str {
    match better {
        crate::rank::Better::Higher => "higher",
        crate::rank::Better::Lower => "lower",
    }
}

#[derive(Serialize)]
struct FilterView {
    sentence: String,
    why: Option<String>,
}

fn use_case_view(site: &Site, u: &UseCase) -> UseCaseView {
    let base = format!("use-cases/{}/", u.slug);
    let label = |k: &str| site.catalog.metrics.get(k);
    UseCaseView {
        slug: u.slug.clone(),
        title: u.title.clone(),
        short_title: u.short_title.clone(),
        eyebrow: u.eyebrow.clone(),
        description: u.description.clone(),
        url: site.url(&base),
        prompts_url: u
            .prompts
            .as_ref()
            .map(|_| site.url(&format!("{base}prompts/"))),
        faq_url: u.faq.as_ref().map(|_| site.url(&format!("{base}faq/"))),
        json_url: site.url(&format!("{base}ranking.json")),
        csv_url: site.url(&format!("{base}ranking.csv")),
        method: match u.spec.method {
            crate::rank::Method::Weighted => "weighted".into(),
            crate::rank::Method::Ordered => "ordered".into(),
        },
        method_sentence: view::method_sentence(site, u),
        tie_break_sentence: view::tie_break_sentence(site, u),
        top: u.spec.top,
        ranked: site.rankings.get(&u.slug).map_or(0, |r| r.ranked.len()),
        headline: label(&u.headline).map_or_else(String::new, |m| m.label.clone()),
        headline_short: label(&u.headline).map_or_else(String::new, |m| m.short_label.clone()),
        headline_better: label(&u.headline).map_or("higher", |m| better_word(m.better)),
        columns: u
            .columns
            .iter()
            .filter_map(|k| label(k))
            .map(|m| ColumnView {
                label: m.label.clone(),
                short_label: m.short_label.clone(),
                unit: m.unit.clone(),
                better: better_word(m.better),
            })
            .collect(),
        band: (u.spec.method == crate::rank::Method::Weighted && u.spec.weight_band > 0)
            .then_some(u.spec.weight_band),
    }
}

fn use_case_trail(site: &Site, u: &UseCase) -> Vec<Link> {
    vec![site.leaderboard_link(u)]
}

/// What all pages of a use case show alike, made once per use case. Small: the rows are
/// made by the pages that show them, as each analysis page shows only its own.
#[derive(Debug, Clone)]
pub(crate) struct UseCaseViews {
    view: tera::Value,
    bounds: tera::Value,
}

impl UseCaseViews {
    pub fn new(site: &Site, u: &UseCase) -> Self {
        UseCaseViews {
            view: tera::Value::from_serializable(&use_case_view(site, u)),
            bounds: tera::Value::from_serializable(&bounds_views(site, u)),
        }
    }
}

/// A ranked model's row, as leaderboards and analyses show it.
pub(crate) type Row = Viewed<RowView>;

/// The rows of the ranked models at `ranked`.
pub(crate) fn rows(site: &Site, u: &UseCase, ranked: &[Ranked]) -> Vec<Row> {
    let texts = view::criterion_texts(site, u);
    ranked
        .iter()
        .filter_map(|r| view::row_view(site, u, r, &texts))
        .map(Viewed::new)
        .collect()
}

#[derive(Serialize)]
struct AnalysisCard<'a> {
    row: Viewed<RowView>,
    analysis: Option<AnalysisView<'a>>,
    verify: Option<Link>,
}

#[derive(Serialize)]
struct AnalysisView<'a> {
    best_for: Option<&'a str>,
    strengths: &'a [String],
    weaknesses: &'a [String],
    lead: &'a str,
    body: &'a str,
}

fn analysis_view(a: &AnalysisHtml) -> AnalysisView<'_> {
    AnalysisView {
        best_for: a.best_for.as_deref(),
        strengths: &a.strengths,
        weaknesses: &a.weaknesses,
        lead: &a.lead,
        body: &a.body,
    }
}

/// "Verify on <source>": where the headline figure of the model comes from.
fn verify_link(site: &Site, u: &UseCase, model: &Model) -> Option<Link> {
    let f = site.figure_by_key(model, &u.headline)?;
    Some(Link {
        name: format!("Verify on {}", f.source.as_ref()?),
        url: f.source_url.clone()?,
    })
}

#[derive(Serialize)]
struct PromptView<'a> {
    title: &'a str,
    language: &'a str,
    code: &'a str,
    expected: &'a str,
}

#[derive(Serialize)]
struct QuestionView<'a> {
    question: &'a str,
    answer: &'a str,
    id: String,
}

#[derive(Serialize)]
struct QuickStartView<'a> {
    language: &'a str,
    code: &'a str,
    note: Option<&'a str>,
}

/// A use case's prose as HTML, borrowed: copying it for every page would copy every analysis.
fn editorial<'a>(html: &'a RenderedSite, slug: &str) -> Cow<'a, UseCaseHtml> {
    html.use_cases
        .get(slug)
        .map_or_else(|| Cow::Owned(UseCaseHtml::default()), Cow::Borrowed)
}

fn insert_editorial(ctx: &mut Context, h: &UseCaseHtml) {
    let prompts: Vec<PromptView> = h.prompts.iter().map(prompt_view).collect();
    ctx.insert("prompts", &prompts);
    ctx.insert("prompts_intro", &h.prompts_intro);
    ctx.insert("quick_start", &h.quick_start.as_ref().map(quick_start_view));
    let questions: Vec<QuestionView> = h
        .faq
        .iter()
        .enumerate()
        .map(|(i, q)| question_view(i, q))
        .collect();
    ctx.insert("faq", &questions);
    ctx.insert("faq_intro", &h.faq_intro);
}

fn prompt_view(p: &PromptHtml) -> PromptView<'_> {
    PromptView {
        title: &p.title,
        language: &p.language,
        code: &p.code,
        expected: &p.expected,
    }
}

fn quick_start_view(q: &QuickStartHtml) -> QuickStartView<'_> {
    QuickStartView {
        language: &q.language,
        code: &q.code,
        note: q.note.as_deref(),
    }
}

fn question_view(i: usize, q: &QuestionHtml) -> QuestionView<'_> {
    QuestionView {
        question: &q.question,
        answer: &q.answer,
        id: format!("q{}", i + 1),
    }
}

fn price_note(site: &Site) -> String {
    let p = &site.settings.prices;
    let source = site
        .catalog
        .metrics
        .get(&p.input)
        .and_then(|m| m.source.as_ref())
        .and_then(|s| site.catalog.sources.get(s))
        .map_or_else(String::new, |s| format!(" Source: {}.", s.name));
    format!("Prices are US dollars per 1M tokens, input / output.{source}")
}

/// A ranked model below the leaderboard's rows, with why it is not among them.
#[derive(Serialize)]
struct OtherRow {
    row: Viewed<RowView>,
    why: Option<String>,
    note: Option<String>,
}

/// How solid the order is under the weight band.
#[derive(Serialize)]
struct RobustnessView {
    band: u32,
    intro: String,
    /// Neighbours that swap, among the leaderboard's rows and the first row below them.
    swaps: Vec<String>,
}

fn robustness_view(site: &Site, u: &UseCase, ranking: &Ranking) -> Option<RobustnessView> {
    if u.spec.method != crate::rank::Method::Weighted || u.spec.weight_band == 0 {
        return None;
    }
    Some(RobustnessView {
        band: u.spec.weight_band,
        intro: view::robustness_intro(u, ranking),
        swaps: ranking
            .swaps
            .iter()
            .filter(|s| s.rank <= u.spec.top)
            .map(|s| view::swap_sentence(site, u, ranking, s))
            .collect(),
    })
}

fn leaderboard(
    site: &Site,
    html: &RenderedSite,
    page: &Page,
    slug: &str,
    ctx: &mut Context,
) -> Option<PageMeta> {
    let u = site.use_case(slug)?;
    let views = site.use_case_views(u)?;
    let h = editorial(html, slug);
    let m = meta(
        site,
        page,
        "leaderboard",
        u.title.clone(),
        u.description.clone(),
        use_case_trail(site, u),
    );
    ctx.insert_value("use_case", views.view.clone());
    ctx.insert("summary", &h.summary);
    ctx.insert("criteria_intro", &h.criteria_intro);
    ctx.insert(
        "criteria",
        &view::criterion_views(site, u, &h.criterion_notes),
    );
    let filters: Vec<FilterView> = u
        .spec
        .filters
        .iter()
        .enumerate()
        .map(|(i, f)| FilterView {
            sentence: view::filter_sentence(site, f),
            why: h.filter_notes.get(i).cloned().flatten(),
        })
        .collect();
    ctx.insert("filters", &filters);
    let all = &site.ranked_rows(u)?[..];
    let top = u.spec.top.min(all.len());
    ctx.insert("top_pick", &all.first());
    ctx.insert("rows", &all[..top]);
    let claimed = all[..top]
        .iter()
        .any(|r| r.headline.claimed || r.cells.iter().any(|c| c.claimed));
    ctx.insert("has_claimed", &claimed);
    let ranking = site.rankings.get(&u.slug);
    let others: Vec<OtherRow> = all[top..]
        .iter()
        .zip(ranking.map_or(&[][..], |r| &r.ranked[top..]))
        .map(|(row, r)| OtherRow {
            row: row.clone(),
            why: ranking.and_then(|ranking| view::trailing_text(site, u, ranking, r)),
            note: h.why_not.get(&*r.id).cloned(),
        })
        .collect();
    ctx.insert("others", &others);
    ctx.insert("excluded", &view::excluded_groups(site, u, &h.why_not));
    ctx.insert(
        "robustness",
        &ranking.and_then(|r| robustness_view(site, u, r)),
    );
    let cards: Vec<AnalysisCard> = all[..top]
        .iter()
        .filter_map(|row| {
            let model = site.catalog.models.get(&row.model.id)?;
            Some(AnalysisCard {
                row: row.clone(),
                analysis: h.analyses.get(&row.model.id).map(analysis_view),
                verify: verify_link(site, u, model),
            })
        })
        .collect();
    ctx.insert("analyses", &cards);
    ctx.insert("price_note", &price_note(site));
    let charts: Vec<chart::Chart> = [
        chart::score_breakdown(u, all),
        chart::quality_price(site, u),
    ]
    .into_iter()
    .flatten()
    .collect();
    ctx.insert("charts", &charts);
    insert_editorial(ctx, &h);
    ctx.insert("changes", &changes::section(site, u));
    ctx.insert(
        "changes_feed",
        &changes::has_feed(site).then(|| site.url(changes::CHANGES_FEED_PATH)),
    );
    Some(m)
}

fn analysis(
    site: &Site,
    html: &RenderedSite,
    page: &Page,
    slug: &str,
    id: &str,
    ctx: &mut Context,
) -> Option<PageMeta> {
    let (Some(u), Some(model)) = (site.use_case(slug), site.catalog.models.get(id)) else {
        return None;
    };
    let views = site.use_case_views(u)?;
    let rows = site.ranked_rows(u)?;
    let row = rows.iter().find(|r| r.model.id == id)?;
    let title = format!("{} for {}", model.name, u.short_title);
    let description = format!(
        "Why {} ranks #{} of {} for {}: score breakdown, strengths, weaknesses and every figure with its source.",
        model.name,
        row.rank,
        site.rankings.get(slug).map_or(0, |r| r.ranked.len()),
        u.short_title
    );
    let mut trail = use_case_trail(site, u);
    trail.push(Link {
        name: model.name.clone(),
        url: site.url(&page.path),
    });
    let m = meta(site, page, "analysis", title, description, trail);
    ctx.insert_value("use_case", views.view.clone());
    let h = html.use_cases.get(slug);
    ctx.insert(
        "analysis",
        &h.and_then(|h| h.analyses.get(id)).map(analysis_view),
    );
    ctx.insert_value("criteria", views.bounds.clone());
    ctx.insert("figures", &site.all_figures(model));
    ctx.insert("verify", &verify_link(site, u, model));
    let chart = site
        .field(u)
        .and_then(|field| chart::field_range(site, u, model, &field));
    ctx.insert("chart", &chart);
    ctx.insert("row", &row);
    ctx.insert("comparisons", &compare::in_use_case(site, u, model));
    Some(m)
}

#[derive(Serialize)]
struct BoundsView {
    label: String,
    weight_text: Option<String>,
    better: String,
    scale: String,
    lo: Option<String>,
    hi: Option<String>,
}

/// Each criterion with the range it was normalised over, written in the metric's format.
fn bounds_views(site: &Site, u: &UseCase) -> Vec<BoundsView> {
    view::criterion_views(site, u, &[])
        .into_iter()
        .zip(view::criterion_ranges(site, u))
        .map(|(c, range)| {
            let [lo, hi] = range.map_or([None, None], |[lo, hi]| [Some(lo), Some(hi)]);
            BoundsView {
                label: c.label,
                weight_text: c.weight_text,
                better: c.better,
                scale: c.scale,
                lo,
                hi,
            }
        })
        .collect()
}

/// The prompts page or the FAQ page of a use case: its editorial texts under its header.
fn editorial_page(
    site: &Site,
    html: &RenderedSite,
    page: &Page,
    slug: &str,
    ctx: &mut Context,
) -> Option<PageMeta> {
    let u = site.use_case(slug)?;
    let views = site.use_case_views(u)?;
    let name = &u.short_title;
    let (kind, crumb, title, description) = match page.kind {
        PageKind::Prompts { .. } => (
            "prompts",
            "Prompts",
            format!("Example prompts: {name}"),
            format!(
                "Prompts to try with the models ranked for {name}, and what good output looks like."
            ),
        ),
        _ => (
            "faq",
            "FAQ",
            format!("FAQ: {name}"),
            format!("Questions and answers about the models ranked for {name}."),
        ),
    };
    let mut trail = use_case_trail(site, u);
    trail.push(Link {
        name: crumb.into(),
        url: site.url(&page.path),
    });
    let m = meta(site, page, kind, title, description, trail);
    ctx.insert_value("use_case", views.view.clone());
    insert_editorial(ctx, &editorial(html, slug));
    Some(m)
}

// ----- model profile --------------------------------------------------------------------------

#[derive(Serialize)]
struct Placement {
    use_case: Link,
    rank: Option<usize>,
    of: usize,
    in_top: bool,
    score_text: Option<String>,
    /// "holds #2–#3 under ±5 pt weight shifts".
    range_sentence: Option<String>,
    analysis_url: Option<String>,
    /// Why the model is not ranked.
    reason: Option<String>,
    /// Why a ranked model is below the leaderboard's rows.
    why_not: Option<String>,
    /// The editor's own sentence, as HTML.
    note: Option<String>,
}

#[derive(Serialize)]
struct ProfileView {
    model: Viewed<ModelRef>,
    released: Option<String>,
    released_long: Option<String>,
    inputs: Vec<String>,
    notes: Option<String>,
    price: String,
}

fn profile(
    site: &Site,
    html: &RenderedSite,
    page: &Page,
    id: &str,
    ctx: &mut Context,
) -> Option<PageMeta> {
    let model = site.catalog.models.get(id)?;
    let trail = vec![Link {
        name: model.name.clone(),
        url: site.url(&page.path),
    }];
    let provider = site.model_ref(model).provider.clone();
    let description = format!(
        "{} by {}: its rank in every use case and every figure with its source and date.",
        model.name, provider
    );
    let m = meta(site, page, "model", model.name.clone(), description, trail);
    ctx.insert(
        "profile",
        &ProfileView {
            model: site.model_ref(model),
            released: model.released.map(|d| d.to_string()),
            released_long: model.released.map(|d| d.long()),
            inputs: model.inputs.clone(),
            notes: model.notes.clone(),
            price: site.price_pair(model),
        },
    );
    ctx.insert("figures", &site.all_figures(model));
    let (placements, unlisted) = placements(site, html, model);
    ctx.insert("placements", &placements);
    ctx.insert("not_ranked_elsewhere", &unlisted);
    let guides: Vec<GuideCard> = site
        .content
        .guides
        .iter()
        .filter(|g| g.models.contains(&model.id))
        .map(|g| guide_card(site, g))
        .collect();
    ctx.insert("guides", &guides);
    ctx.insert("comparisons", &compare::of_model(site, model));
    Some(m)
}

/// Up to this many use cases that do not rank a model are listed one by one on its profile;
/// beyond it they are counted by reason, since a large site would list thousands.
const LISTED_NOT_RANKED: usize = 12;

/// Use cases that do not rank a model, counted by what keeps it out.
#[derive(Serialize)]
struct NotRankedGroup {
    count: String,
    reason: String,
}

/// Where each model stands in every use case, gathered in one pass over the rankings. A
/// profile shows a model's place in every use case; looking the model up in each ranking
/// from each profile would touch every ranking once per model, in memory no other page is
/// using at the time, and on a large site that lookup cost more than the rest of the page.
#[derive(Debug, Clone, Default)]
pub(crate) struct PlaceIndex {
    /// Per model id, in the order of the use cases.
    places: FxHashMap<String, Vec<Place>>,
    /// The rank and score of each ranked row, per use case in site order. A head-to-head
    /// page shows hundreds of them on a large site, and finding each ranking by its slug
    /// cost more than the rest of its row.
    standings: Vec<Box<[Standing]>>,
}

/// Where one ranked row stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Standing {
    pub rank: usize,
    /// The score as pages print it: each row is printed on the head-to-head page of every
    /// pair it belongs to, so it is formatted once here.
    pub score_text: Option<Box<str>>,
}

#[derive(Debug, Clone, Copy)]
enum Place {
    /// Ranked at `row` of the use case at position `use_case`.
    Ranked { use_case: u32, row: u32 },
    /// Excluded, as the `excluded` entry of the ranking says; `note` when the editor wrote why.
    Out {
        use_case: u32,
        excluded: u32,
        note: bool,
        reason: ReasonKey,
    },
}

/// What sets one group of not-ranked use cases apart: the kind of reason and the metric it
/// names (by position among the catalogue's metrics). For one model the figure a rule tests
/// is the same in every use case, so this is enough to tell the sentences apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ReasonKey {
    Status,
    FilterMissing(u32),
    FilterFailed(u32),
    CriterionMissing(u32),
}

impl PlaceIndex {
    /// The models that share the top rows of some use case with `model`.
    pub fn top_partners<'s>(&self, site: &'s Site, model: &str) -> BTreeSet<&'s str> {
        let mut others = BTreeSet::new();
        for place in self.places.get(model).map_or(&[][..], Vec::as_slice) {
            let Place::Ranked { use_case, row } = *place else {
                continue;
            };
            let Some(u) = site.content.use_cases.get(use_case as usize) else {
                continue;
            };
            let top = site.top(&u.slug);
            if (row as usize) < top.len() {
                others.extend(top.iter().filter(|r| &*r.id != model).map(|r| &*r.id));
            }
        }
        others
    }

    pub fn new(site: &Site) -> PlaceIndex {
        let metric: FxHashMap<&str, u32> = site
            .catalog
            .metrics
            .keys()
            .map(String::as_str)
            .zip(0..)
            .collect();
        let metric = |key: &str| metric.get(key).copied().unwrap_or(u32::MAX);
        let mut places: FxHashMap<String, Vec<Place>> = FxHashMap::default();
        // Looked up before it is added, so that only a model's first place copies its id.
        let mut add = |id: &str, place: Place| match places.get_mut(id) {
            Some(list) => list.push(place),
            None => {
                places.insert(id.to_string(), vec![place]);
            }
        };
        let mut standings = Vec::with_capacity(site.content.use_cases.len());
        for (i, u) in (0..).zip(&site.content.use_cases) {
            let Some(ranking) = site.rankings.get(&u.slug) else {
                standings.push(Box::default());
                continue;
            };
            standings.push(
                ranking
                    .ranked
                    .iter()
                    .map(|r| Standing {
                        rank: r.rank,
                        score_text: r.score.map(|s| view::score_text(s).into()),
                    })
                    .collect(),
            );
            for (row, r) in (0..).zip(&ranking.ranked) {
                add(&r.id, Place::Ranked { use_case: i, row });
            }
            for (excluded, e) in (0..).zip(&ranking.excluded) {
                let reason = match &e.why {
                    Exclusion::Status(_) => ReasonKey::Status,
                    Exclusion::FilterMissing(f) => {
                        ReasonKey::FilterMissing(metric(&u.spec.filters[*f].metric))
                    }
                    Exclusion::FilterFailed { filter, .. } => {
                        ReasonKey::FilterFailed(metric(&u.spec.filters[*filter].metric))
                    }
                    Exclusion::CriterionMissing(c) => {
                        ReasonKey::CriterionMissing(metric(&u.spec.criteria[*c].metric))
                    }
                };
                let note = u.why_not.contains_key(&*e.id);
                let place = Place::Out {
                    use_case: i,
                    excluded,
                    note,
                    reason,
                };
                add(&e.id, place);
            }
        }
        PlaceIndex { places, standings }
    }

    /// The use cases that rank both `a` and `b`, in site order, with each one's rows.
    pub fn ranked_by_both(&self, a: &str, b: &str) -> Vec<SharedRanking> {
        let ranked = |id: &str| {
            let places = self.places.get(id).map_or(&[][..], Vec::as_slice);
            places.iter().filter_map(|p| match *p {
                Place::Ranked { use_case, row } => Some((use_case, row)),
                Place::Out { .. } => None,
            })
        };
        let (mut xs, mut ys) = (ranked(a).peekable(), ranked(b).peekable());
        let mut both = Vec::new();
        // Both lists are in site order, so one pass over each finds the use cases they share.
        while let (Some(&(x, row_a)), Some(&(y, row_b))) = (xs.peek(), ys.peek()) {
            match x.cmp(&y) {
                std::cmp::Ordering::Less => drop(xs.next()),
                std::cmp::Ordering::Greater => drop(ys.next()),
                std::cmp::Ordering::Equal => {
                    both.push(SharedRanking {
                        use_case: x,
                        rows: [row_a, row_b],
                    });
                    xs.next();
                    ys.next();
                }
            }
        }
        both
    }

    /// Where the row `row` of the ranking of the use case at `use_case` stands.
    pub fn standing(&self, use_case: u32, row: u32) -> Option<&Standing> {
        let rows = self.standings.get(use_case as usize)?;
        rows.get(row as usize)
    }
}

/// The use case at `index`, its ranking, and the editor's `why_not` note on `model` as HTML.
fn use_case_at<'a>(
    site: &'a Site,
    html: &RenderedSite,
    index: u32,
    model: &Model,
) -> Option<(&'a UseCase, &'a Ranking, Option<String>)> {
    let u = site.content.use_cases.get(index as usize)?;
    let ranking = site.rankings.get(&u.slug)?;
    let note = html
        .use_cases
        .get(&u.slug)
        .and_then(|h| h.why_not.get(&model.id))
        .cloned();
    Some((u, ranking, note))
}

/// The placements to list one by one and, when there are too many not-ranked ones to list,
/// those counted by reason instead. Every ranked placement, and every one with an editor's
/// note, is listed, in the order of the use cases.
fn placements(
    site: &Site,
    html: &RenderedSite,
    model: &Model,
) -> (Vec<Placement>, Vec<NotRankedGroup>) {
    let places = site
        .place_index()
        .places
        .get(&model.id)
        .map_or(&[][..], Vec::as_slice);
    let not_ranked = places
        .iter()
        .filter(|p| matches!(p, Place::Out { .. }))
        .count();
    let listing = not_ranked <= LISTED_NOT_RANKED;
    let mut groups: BTreeMap<ReasonKey, (usize, u32, u32)> = BTreeMap::new();
    let mut listed = Vec::new();
    for place in places {
        match *place {
            Place::Out {
                use_case,
                excluded,
                note: false,
                reason,
            } if !listing => {
                groups.entry(reason).or_insert((0, use_case, excluded)).0 += 1;
            }
            Place::Out {
                use_case, excluded, ..
            } => {
                let Some((u, ranking, note)) = use_case_at(site, html, use_case, model) else {
                    continue;
                };
                let Some(e) = ranking.excluded.get(excluded as usize) else {
                    continue;
                };
                listed.push(Placement {
                    reason: Some(view::exclusion_text(site, u, e)),
                    note,
                    ..Placement::new(site, u, ranking.ranked.len())
                });
            }
            Place::Ranked { use_case, row } => {
                let Some((u, ranking, note)) = use_case_at(site, html, use_case, model) else {
                    continue;
                };
                if let Some(r) = ranking.ranked.get(row as usize) {
                    listed.push(ranked_placement(site, u, ranking, r, model, note));
                }
            }
        }
    }
    (listed, not_ranked_groups(site, groups.into_values()))
}

/// The groups of not-ranked use cases, largest first, each with the reason of one of them.
fn not_ranked_groups(
    site: &Site,
    groups: impl Iterator<Item = (usize, u32, u32)>,
) -> Vec<NotRankedGroup> {
    // Two keys could still read alike (two metrics of one label), so the counts are merged
    // by sentence.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (n, use_case, excluded) in groups {
        let Some(u) = site.content.use_cases.get(use_case as usize) else {
            continue;
        };
        let Some(e) = site
            .rankings
            .get(&u.slug)
            .and_then(|r| r.excluded.get(excluded as usize))
        else {
            continue;
        };
        *counts.entry(view::exclusion_kind(site, u, e)).or_default() += n;
    }
    let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
        .into_iter()
        .map(|(reason, n)| NotRankedGroup {
            count: view::count_text(n as u64),
            reason,
        })
        .collect()
}

fn ranked_placement(
    site: &Site,
    u: &UseCase,
    ranking: &Ranking,
    r: &Ranked,
    model: &Model,
    note: Option<String>,
) -> Placement {
    Placement {
        rank: Some(r.rank),
        in_top: r.rank <= u.spec.top,
        score_text: r.score.map(view::score_text),
        range_sentence: r
            .rank_range
            .filter(|_| u.spec.weight_band > 0)
            .map(|range| view::range_sentence(range, u.spec.weight_band)),
        analysis_url: Some(site.url(&format!("use-cases/{}/{}/", u.slug, model.id))),
        why_not: view::trailing_text(site, u, ranking, r),
        note,
        ..Placement::new(site, u, ranking.ranked.len())
    }
}

impl Placement {
    /// A placement in `u`, of `of` ranked models, with nothing yet said of the model.
    fn new(site: &Site, u: &UseCase, of: usize) -> Placement {
        Placement {
            use_case: site.leaderboard_link(u),
            rank: None,
            of,
            in_top: false,
            score_text: None,
            range_sentence: None,
            analysis_url: None,
            reason: None,
            why_not: None,
            note: None,
        }
    }
}

// ----- guides -----------------------------------------------------------------------------------

#[derive(Serialize)]
struct GuideView<'a> {
    title: &'a str,
    description: &'a str,
    body: &'a str,
    toc: Vec<Link>,
    models: Vec<Viewed<ModelRef>>,
    use_case: Option<Link>,
}

fn guide(
    site: &Site,
    html: &RenderedSite,
    page: &Page,
    slug: &str,
    ctx: &mut Context,
) -> Option<PageMeta> {
    let (Some(g), Some(h)) = (
        site.content.guides.iter().find(|g| g.slug == slug),
        html.guides.get(slug),
    ) else {
        return None;
    };
    let trail = vec![
        Link {
            name: "Guides".into(),
            url: site.url(""),
        },
        Link {
            name: g.title.clone(),
            url: site.url(&page.path),
        },
    ];
    let m = meta(
        site,
        page,
        "guide",
        g.title.clone(),
        g.description.clone(),
        trail,
    );
    let toc = h
        .headings
        .iter()
        .filter(|x| x.level == 2)
        .map(|x| Link {
            name: x.text.clone(),
            url: format!("#{}", x.id),
        })
        .collect();
    let view = GuideView {
        title: &g.title,
        description: &g.description,
        body: &h.html,
        toc,
        models: g
            .models
            .iter()
            .filter_map(|id| site.model_ref_by_id(id))
            .collect(),
        use_case: g
            .use_case
            .as_ref()
            .and_then(|s| site.use_case(s))
            .map(|u| site.leaderboard_link(u)),
    };
    ctx.insert("guide", &view);
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_map_to_index_files() {
        let page = |path: &str| Page {
            kind: PageKind::Home,
            path: path.into(),
            updated: None,
        };
        assert_eq!(page("").file(), "index.html");
        assert_eq!(
            page("use-cases/coding/").file(),
            "use-cases/coding/index.html"
        );
        assert_eq!(page("404.html").file(), "404.html");
    }

    #[test]
    fn a_pair_shares_the_use_cases_that_rank_both_with_their_rows() {
        let ranked = |use_case, row| Place::Ranked { use_case, row };
        let out = |use_case| Place::Out {
            use_case,
            excluded: 0,
            note: false,
            reason: ReasonKey::Status,
        };
        let places = [
            ("a", vec![ranked(0, 1), ranked(2, 0), out(3), ranked(5, 4)]),
            (
                "b",
                vec![
                    out(0),
                    ranked(1, 2),
                    ranked(2, 3),
                    ranked(3, 0),
                    ranked(5, 1),
                ],
            ),
        ];
        let index = PlaceIndex {
            places: places
                .map(|(id, p)| (id.to_string(), p))
                .into_iter()
                .collect(),
            standings: Vec::new(),
        };
        let shared = |use_case, rows| SharedRanking { use_case, rows };
        assert_eq!(
            index.ranked_by_both("a", "b"),
            [shared(2, [0, 3]), shared(5, [4, 1])]
        );
        assert_eq!(index.ranked_by_both("b", "a")[1], shared(5, [1, 4]));
        assert!(index.ranked_by_both("a", "unknown").is_empty());
    }
}
