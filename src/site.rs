//! The site: load → rank → render → write.
//!
//! [`Site::load`] reads and checks every input and computes every ranking; [`build`] renders
//! the pages and data files in parallel into an [`Output`](crate::output::Output). Loading
//! never stops at the first problem: all of them are returned together.

use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Instant;

use rayon::prelude::*;

use crate::cache::Cache;
use crate::check::SitePaths;
use crate::config::{self, Settings};
use crate::content::{self, Content, UseCase};
use crate::data::{self, Catalog, Model};
use crate::date::Date;
use crate::error::{Diagnostic, Diagnostics, Error, Location};
use crate::history::{self, History};
use crate::output::Output;
use crate::rank::{self, Contender, RankError, Ranked, Ranking};
use crate::render::{
    self, Assets, PageHead, ProseRenderer, RenderedSite, Templates, UseCaseProse, chart,
};
use crate::sources::Sources;
use crate::timings::{Stage, time};

/// What can change how a site is loaded, from the command line.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub base_url: Option<String>,
    /// Minify the pages, whatever `site.yaml` says.
    pub minify: bool,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub settings: Settings,
    pub catalog: Catalog,
    pub content: Content,
    /// Per use-case slug.
    pub rankings: BTreeMap<String, Ranking>,
    /// The rankings recorded before, per use-case slug.
    pub history: History,
    /// Lookups and views built on first use from the fields above, for every page to share.
    pub(crate) shared: Shared,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Shared {
    /// Position in `content.use_cases`, per slug.
    use_cases: OnceLock<FxHashMap<String, usize>>,
    /// What the analysis pages of each use case draw alike.
    fields: Releasable<chart::Field>,
    /// What the pages of each use case show alike.
    use_case_views: Releasable<render::UseCaseViews>,
    /// The rows of each use case's ranked models, which its leaderboard and analyses show.
    rows: Releasable<Vec<render::Row>>,
    /// When each use case last changed.
    updated: PerUseCase<Option<Date>>,
    /// The newest figure of each metric.
    latest: OnceLock<FxHashMap<String, Date>>,
    /// Where each model stands in every use case.
    places: OnceLock<render::PlaceIndex>,
    /// The link to each use case's leaderboard, in site order.
    pub(crate) use_case_links: OnceLock<Vec<render::Viewed<render::Link>>>,
    /// What every page shows alike of each model.
    pub(crate) models: OnceLock<render::ModelMemo>,
    /// The rows of each model's figures table, by model id, as the templates render them.
    figure_rows: PerKey<tera::Value>,
    /// The site's navigation as its template renders it, the same on every page.
    site_nav: OnceLock<tera::Value>,
    /// What every quality chart draws alike, per headline metric.
    scatters: PerKey<Option<chart::Scatter>>,
}

/// One value per use case, by position, each made when first asked for and then shared by
/// every page (and thread) that asks again.
#[derive(Debug, Clone)]
pub(crate) struct PerUseCase<T>(OnceLock<Vec<OnceLock<T>>>);

impl<T> Default for PerUseCase<T> {
    fn default() -> Self {
        PerUseCase(OnceLock::new())
    }
}

impl<T> PerUseCase<T> {
    fn get_or_init(&self, count: usize, index: usize, make: impl FnOnce() -> T) -> Option<&T> {
        let slots = self
            .0
            .get_or_init(|| (0..count).map(|_| OnceLock::new()).collect());
        Some(slots.get(index)?.get_or_init(make))
    }
}

/// Like [`PerUseCase`], for what only the pages of one use case show: a build lets it go
/// once those pages are written, so that a large site does not hold it for every use case.
#[derive(Debug)]
pub(crate) struct Releasable<T>(OnceLock<Vec<Mutex<Option<Arc<T>>>>>);

impl<T> Default for Releasable<T> {
    fn default() -> Self {
        Releasable(OnceLock::new())
    }
}

/// A copy starts empty: the values are made again when asked for.
impl<T> Clone for Releasable<T> {
    fn clone(&self) -> Self {
        Releasable::default()
    }
}

impl<T> Releasable<T> {
    fn get_or_init(&self, count: usize, index: usize, make: impl FnOnce() -> T) -> Option<Arc<T>> {
        let slots = self
            .0
            .get_or_init(|| (0..count).map(|_| Mutex::new(None)).collect());
        let mut slot = slots
            .get(index)?
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Some(Arc::clone(slot.get_or_insert_with(|| Arc::new(make()))))
    }

    fn release(&self, index: usize) {
        if let Some(slot) = self.0.get().and_then(|slots| slots.get(index)) {
            *slot.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }
}

/// One value per key of a fixed set (model ids, metric keys), each made when first asked
/// for and then shared like [`PerUseCase`].
#[derive(Debug, Clone)]
pub(crate) struct PerKey<T>(OnceLock<FxHashMap<String, OnceLock<T>>>);

impl<T> Default for PerKey<T> {
    fn default() -> Self {
        PerKey(OnceLock::new())
    }
}

impl<T> PerKey<T> {
    /// The slot of `key`, the slots made from `keys` on first use; none for another key.
    fn slot<'k>(&self, keys: impl Iterator<Item = &'k String>, key: &str) -> Option<&OnceLock<T>> {
        let slots = self
            .0
            .get_or_init(|| keys.map(|k| (k.clone(), OnceLock::new())).collect());
        slots.get(key)
    }
}

impl Site {
    /// Loads, checks and ranks everything; on success also returns the warnings.
    pub fn load(root: &Path, options: &LoadOptions) -> Result<(Site, Vec<Diagnostic>), Error> {
        let mut out = Diagnostics::new();
        let (settings, catalog, content, history) = time(Stage::Load, || {
            let settings = config::load(root, &mut out);
            let catalog = data::load(root, &mut out);
            let sources = Sources::load(root);
            let content = content::load(&sources, &catalog, &mut out);
            sources.save();
            let history = history::load(root, &content, &mut out);
            (settings, catalog, content, history)
        });
        let Some(mut settings) = settings else {
            return Err(Error::Content(out.into_sorted()));
        };
        if let Some(url) = &options.base_url {
            settings
                .set_base_url(url)
                .map_err(|m| Error::Usage(format!("--base-url: {m}")))?;
        }
        settings.minify |= options.minify;
        check_prices(&settings, &catalog, &mut out);
        // A configuration already reported as broken would only repeat its error here.
        let rankings = if out.has_errors() {
            BTreeMap::new()
        } else {
            time(Stage::Rank, || rank_all(root, &catalog, &content, &mut out))
        };
        check_notes(&catalog, &content, &rankings, &mut out);
        let warnings = out.into_result()?;
        let site = Site {
            root: root.to_path_buf(),
            settings,
            catalog,
            content,
            rankings,
            history,
            shared: Shared::default(),
        };
        Ok((site, warnings))
    }

    /// Ranks every model under another configuration (a what-if), as the build would.
    pub fn rank_with(&self, spec: &rank::Spec) -> Result<Ranking, RankError> {
        rank::rank(spec, &contenders(&self.catalog))
    }

    pub fn use_case(&self, slug: &str) -> Option<&UseCase> {
        self.use_case_index(slug)
            .map(|i| &self.content.use_cases[i])
    }

    /// The position of a use case in `content.use_cases`.
    fn use_case_index(&self, slug: &str) -> Option<usize> {
        let index = self.shared.use_cases.get_or_init(|| {
            let slugs = self.content.use_cases.iter().map(|u| u.slug.clone());
            slugs.zip(0..).collect()
        });
        index.get(slug).copied()
    }

    /// The part of the analysis pages' chart that all pages of `u` share.
    pub(crate) fn field(&self, u: &UseCase) -> Option<Arc<chart::Field>> {
        self.releasable(&self.shared.fields, u, || chart::Field::new(self, u))
    }

    /// What all pages of `u` show alike.
    pub(crate) fn use_case_views(&self, u: &UseCase) -> Option<Arc<render::UseCaseViews>> {
        self.releasable(&self.shared.use_case_views, u, || {
            render::UseCaseViews::new(self, u)
        })
    }

    /// The rows of `u`'s ranked models, in rank order.
    pub(crate) fn ranked_rows(&self, u: &UseCase) -> Option<Arc<Vec<render::Row>>> {
        self.releasable(&self.shared.rows, u, || {
            let ranked = self.rankings.get(&u.slug).map_or(&[][..], |r| &r.ranked);
            render::rows(self, u, ranked)
        })
    }

    fn releasable<T>(
        &self,
        memo: &Releasable<T>,
        u: &UseCase,
        make: impl FnOnce() -> T,
    ) -> Option<Arc<T>> {
        let index = self.use_case_index(&u.slug)?;
        memo.get_or_init(self.content.use_cases.len(), index, make)
    }

    /// Lets go of what only the pages of `u` show, once they are written.
    fn release_use_case(&self, u: &UseCase) {
        if let Some(index) = self.use_case_index(&u.slug) {
            self.shared.fields.release(index);
            self.shared.use_case_views.release(index);
            self.shared.rows.release(index);
        }
    }

    /// What every quality chart on the headline metric `metric` draws alike.
    pub(crate) fn scatter(&self, metric: &str) -> Option<&chart::Scatter> {
        let keys = self.catalog.metrics.keys();
        let slot = self.shared.scatters.slot(keys, metric)?;
        slot.get_or_init(|| chart::Scatter::new(self, metric))
            .as_ref()
    }

    /// Where the rendered rows of `model`'s figures table are kept; none for a model from
    /// outside the catalogue.
    pub(crate) fn figure_rows_slot(&self, model: &Model) -> Option<&OnceLock<tera::Value>> {
        let keys = self.catalog.models.keys();
        self.shared.figure_rows.slot(keys, &model.id)
    }

    /// Where the rendered navigation of every page is kept.
    pub(crate) fn site_nav_slot(&self) -> &OnceLock<tera::Value> {
        &self.shared.site_nav
    }

    /// Where each model stands in every use case, for the model profiles.
    pub(crate) fn place_index(&self) -> &render::PlaceIndex {
        self.shared
            .places
            .get_or_init(|| render::PlaceIndex::new(self))
    }

    fn per_use_case<'a, T>(
        &'a self,
        memo: &'a PerUseCase<T>,
        u: &UseCase,
        make: impl FnOnce() -> T,
    ) -> Option<&'a T> {
        let index = self.use_case_index(&u.slug)?;
        memo.get_or_init(self.content.use_cases.len(), index, make)
    }

    /// Forgets the shared views, for a site whose content was changed in place.
    pub(crate) fn forget_views(&mut self) {
        self.shared = Shared::default();
    }

    /// The rows the leaderboard shows: the first `top` ranked models.
    pub fn top(&self, slug: &str) -> &[Ranked] {
        match (self.use_case(slug), self.rankings.get(slug)) {
            (Some(u), Some(r)) => &r.ranked[..u.spec.top.min(r.ranked.len())],
            _ => &[],
        }
    }

    /// Models a reader may see (everything but `hidden`).
    pub fn visible_models(&self) -> impl Iterator<Item = &Model> {
        self.catalog
            .models
            .values()
            .filter(|m| m.status != data::Status::Hidden)
    }

    /// The most recent as-of date among a model's figures for the given metrics.
    pub fn latest_figure<'a>(
        &self,
        model: &Model,
        metrics: impl IntoIterator<Item = &'a str>,
    ) -> Option<Date> {
        metrics
            .into_iter()
            .filter_map(|m| model.figures.get(m))
            .filter(|f| f.value.is_some())
            .filter_map(|f| f.as_of)
            .max()
    }

    /// Every metric a use case's page shows or ranks by.
    pub fn metrics_of(&self, u: &UseCase) -> Vec<String> {
        let mut metrics: Vec<String> = u.spec.criteria.iter().map(|c| c.metric.clone()).collect();
        metrics.extend(u.spec.filters.iter().map(|f| f.metric.clone()));
        metrics.extend(u.spec.tie_breakers.iter().map(|t| t.metric.clone()));
        metrics.extend(u.columns.iter().cloned());
        metrics.push(u.headline.clone());
        metrics.push(self.settings.prices.input.clone());
        metrics.push(self.settings.prices.output.clone());
        metrics.sort();
        metrics.dedup();
        metrics
    }

    /// When a use case's figures or text last changed, from the data's own dates. Every page
    /// of the use case and its social image show it, so it is worked out once.
    pub fn use_case_updated(&self, u: &UseCase) -> Option<Date> {
        match self.per_use_case(&self.shared.updated, u, || self.last_change(u)) {
            Some(date) => *date,
            None => self.last_change(u),
        }
    }

    fn last_change(&self, u: &UseCase) -> Option<Date> {
        let latest = self.shared.latest.get_or_init(|| self.latest_by_metric());
        self.metrics_of(u)
            .iter()
            .filter_map(|m| latest.get(m).copied())
            .chain(u.updated)
            .max()
    }

    /// The newest as-of date of a published figure of any visible model, per metric: what
    /// every use case's last change is made of, gathered in one pass over the catalogue.
    fn latest_by_metric(&self) -> FxHashMap<String, Date> {
        let mut latest: FxHashMap<String, Date> = FxHashMap::default();
        for model in self.visible_models() {
            for (metric, figure) in &model.figures {
                if let (Some(_), Some(date)) = (figure.value, figure.as_of) {
                    let newest = latest.entry(metric.clone()).or_insert(date);
                    *newest = (*newest).max(date);
                }
            }
        }
        latest
    }
}

fn check_prices(settings: &Settings, catalog: &Catalog, out: &mut Diagnostics) {
    let p = &settings.prices;
    for metric in [&p.input, &p.output].into_iter().chain(&p.blended) {
        if !catalog.metrics.contains_key(metric) {
            out.extend(catalog.unknown("metric", metric, Location::file(config::SETTINGS_FILE)));
        }
    }
}

fn contenders(catalog: &Catalog) -> Vec<Contender> {
    catalog
        .models
        .values()
        .map(|m| Contender {
            id: m.id.as_str().into(),
            inactive: m.status.is_inactive().then(|| m.status.to_string()),
            values: m
                .figures
                .iter()
                .filter_map(|(k, f)| Some((k.clone(), f.value?)))
                .collect(),
        })
        .collect()
}

/// Rank ranges found by earlier builds, kept by their [`rank::Field`]. Searching the grids
/// was about a tenth of a large site's processor time, and a publisher's rebuild mostly
/// ranks the same fields again: a changed figure, weight or band makes a new field, and so
/// a new search.
struct KeptRanges(Cache);

impl KeptRanges {
    fn new(root: &Path) -> KeptRanges {
        KeptRanges(Cache::new(
            root,
            "ranges",
            env!("STANDINGS_SOURCE_HASH"),
            "bin",
        ))
    }
}

impl rank::RangeSearch for KeptRanges {
    fn robustness(&self, field: &rank::Field) -> rank::Robustness {
        let found = self.0.get_or_make_value(
            &field.key(),
            |bytes| field.decode(&bytes),
            || Ok::<_, Infallible>(field.search()),
            |found| Some(field.encode(found)),
        );
        match found {
            Ok(found) => found,
            Err(never) => match never {},
        }
    }
}

fn rank_all(
    root: &Path,
    catalog: &Catalog,
    content: &Content,
    out: &mut Diagnostics,
) -> BTreeMap<String, Ranking> {
    let field = contenders(catalog);
    let kept = KeptRanges::new(root);
    // Each ranking searches its own grid of weight shifts, so use cases rank in parallel.
    let results: Vec<(&UseCase, Result<Ranking, RankError>)> = content
        .use_cases
        .par_iter()
        .with_max_len(1)
        .map(|u| (u, rank::rank_with(&u.spec, &field, &kept)))
        .collect();
    kept.0.prune();
    let mut rankings = BTreeMap::new();
    for (u, result) in results {
        match result {
            Ok(r) => {
                rankings.insert(u.slug.clone(), r);
            }
            Err(e) => out.push(rank_diagnostic(&e, u, catalog)),
        }
    }
    rankings
}

/// A `why_not` note shows only for a model outside the leaderboard's rows that readers can
/// see; any other note would silently never appear.
fn check_notes(
    catalog: &Catalog,
    content: &Content,
    rankings: &BTreeMap<String, Ranking>,
    out: &mut Diagnostics,
) {
    for u in &content.use_cases {
        let Some(ranking) = rankings.get(&u.slug) else {
            continue;
        };
        for (id, note) in &u.why_not {
            let hidden = catalog
                .models
                .get(id)
                .is_some_and(|m| m.status == data::Status::Hidden);
            let problem = match ranking.position(id) {
                _ if hidden => Some(format!("`{id}` is hidden")),
                Some(r) if r.rank <= u.spec.top => Some(format!(
                    "`{id}` ranks #{}, among the top {} rows",
                    r.rank, u.spec.top
                )),
                _ => None,
            };
            if let Some(problem) = problem {
                out.push(
                    Diagnostic::error(
                        note.location.clone(),
                        format!("{problem}, so its `why_not` note would never show"),
                    )
                        .with_help("a `why_not` note is for a model ranked below the top rows or not ranked; remove this one"),
                );
            }
        }
    }
}

fn rank_diagnostic(e: &RankError, u: &UseCase, catalog: &Catalog) -> Diagnostic {
    match e {
        RankError::NonPositiveLog { model, metric, .. } => {
            let at = catalog
                .models
                .get(model)
                .and_then(|m| m.figures.get(metric))
                .map_or_else(|| Location::file(&u.file), |f| f.location.clone());
            Diagnostic::error(at, format!("{e} (use case `{}`)", u.slug))
                .with_help("use `scale: linear` for this criterion, or correct the figure")
        }
        _ => Diagnostic::error(Location::file(&u.file), e.to_string()),
    }
}

/// What a build did, for the one-line summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub millis: u128,
}

/// A finished build: its summary, and what checks of the built site need.
#[derive(Debug)]
pub struct Built {
    pub summary: Summary,
    pub pages: Vec<render::Page>,
    pub rendered: RenderedSite,
    /// Problems found while building that did not stop it.
    pub warnings: Vec<Diagnostic>,
}

/// Renders every page and file of the site into `output`.
pub fn build(site: Arc<Site>, output: &dyn Output) -> Result<Summary, Error> {
    build_keeping(site, output, false).map(|b| b.summary)
}

/// Like [`build`], keeping what `check` reads afterwards.
pub fn build_site(site: Arc<Site>, output: &dyn Output) -> Result<Built, Error> {
    build_keeping(site, output, true)
}

/// Builds the site; with `keep_links`, the links written in prose are kept for the caller.
/// A use case's prose is dropped once its pages are written, so that a large site's memory
/// does not grow with all of its prose at once.
fn build_keeping(site: Arc<Site>, output: &dyn Output, keep_links: bool) -> Result<Built, Error> {
    let started = Instant::now();
    let mut out = Diagnostics::new();
    let templates = time(Stage::Compile, || Templates::load(&site.root, &mut out));
    let (assets, pages) = time(Stage::Plan, || {
        Assets::collect(&site.root).map(|assets| (assets, render::plan(&site)))
    })?;
    let (files, file_paths, statics, known) = time(Stage::Plan, || {
        let files = render::DataFiles::plan(&site, &pages, &assets);
        let file_paths = files.paths();
        let statics = assets.plain_static_files(&site.root, &mut out);
        let mut known = crate::check::site_paths(&pages, &file_paths, &statics);
        known.insert(render::FEED_PATH.to_string());
        (files, file_paths, statics, known)
    });
    let prose = ProseRenderer::new(Arc::clone(&site));
    let run = PageRun {
        site: &site,
        prose: &prose,
        templates: templates.as_ref(),
        assets: &assets,
        pages: &pages,
        known: &known,
        output,
        keep_links,
    };
    // The data files are made beside the pages rather than before them, so that no thread
    // idles while the other finishes the last of them; each is small and dropped once
    // written. A build that fails leaves them in the output folder, which is then never
    // published.
    let (files, (rendered, written)) = time(Stage::Pages, || {
        rayon::join(|| files.write(output), || run.all(&mut out))
    });
    let file_bytes: u64 = out
        .take(files)
        .unwrap_or_default()
        .iter()
        .map(|(_, size)| size)
        .sum();
    prose.prune_cache();
    let Some(written) = written else {
        return Err(Error::Content(out.into_sorted()));
    };
    let warnings = out.into_result()?;
    let heads = written?;
    let mut bytes: u64 = file_bytes + heads.iter().map(|h| h.0).sum::<u64>();
    let (path, feed) = render::feed(&site, pages.iter().zip(heads.iter().map(|h| &h.1)));
    output
        .write(&path, &feed)
        .map_err(|e| Error::io("write", &path, e))?;
    bytes += feed.len() as u64;
    let static_bytes = time(Stage::Static, || {
        crate::output::copy_static(&site.root, &statics, output)
    })?;
    let summary = Summary {
        pages: pages.len(),
        files: pages.len() + file_paths.len() + 1 + statics.len(),
        bytes: bytes + static_bytes,
        millis: started.elapsed().as_millis(),
    };
    Ok(Built {
        summary,
        pages,
        rendered,
        warnings,
    })
}

/// The written pages' sizes and heads, in the order of the plan, or why some failed.
type Written = Result<Vec<(u64, PageHead)>, Error>;

/// What rendering the pages needs, shared by every thread.
struct PageRun<'a> {
    site: &'a Site,
    prose: &'a ProseRenderer,
    /// None when a template failed to compile: the prose is still checked, no page is made.
    templates: Option<&'a Templates>,
    assets: &'a Assets,
    pages: &'a [render::Page],
    /// Every path of the site, for the links written in prose.
    known: &'a SitePaths,
    output: &'a dyn Output,
    keep_links: bool,
}

/// A page's index in the plan, and its written size and head or its problem.
type PageResult = (usize, Result<(u64, PageHead), Diagnostic>);

impl PageRun<'_> {
    /// Renders every text and page: each use case's prose with its own pages, one use case
    /// per task, then the pages outside the use cases. Problems with the prose go to `out`.
    /// A use case's pages are made when its own prose and the prose outside the use cases
    /// are sound; the pages outside them, when all prose is. Returns the prose kept and,
    /// when templates compiled, what was written.
    fn all(&self, out: &mut Diagnostics) -> (RenderedSite, Option<Written>) {
        let mut rendered = time(Stage::Prose, || {
            RenderedSite::outside_use_cases(self.site, self.prose, out)
        });
        out.extend(crate::check::link_problems(
            self.site,
            &rendered.links,
            self.known,
        ));
        let mut by_use_case: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, page) in self.pages.iter().enumerate() {
            if let Some(slug) = page.use_case() {
                by_use_case.entry(slug).or_default().push(i);
            }
        }
        let failed = out.has_errors();
        let done: Vec<(UseCaseProse, Vec<PageResult>)> = self
            .site
            .content
            .use_cases
            .par_iter()
            .with_max_len(1)
            .map(|u| self.use_case(u, by_use_case.get(u.slug.as_str()), failed))
            .collect();
        let mut results = Vec::with_capacity(self.pages.len());
        for (u, (prose, pages)) in self.site.content.use_cases.iter().zip(done) {
            out.extend(prose.errors);
            rendered.links.extend(prose.links);
            rendered.use_cases.insert(u.slug.clone(), prose.html);
            results.extend(pages);
        }
        rendered.named_metrics = self.prose.named_metrics();
        let Some(templates) = self.templates else {
            return (rendered, None);
        };
        if !out.has_errors() {
            results.extend(self.others(templates, &rendered));
        }
        (rendered, Some(Self::collect(results)))
    }

    /// One use case's prose and, when it and everything before it are sound, its pages.
    /// Only what other pages read of the prose is kept, unless all of it is wanted.
    fn use_case(
        &self,
        u: &UseCase,
        pages: Option<&Vec<usize>>,
        failed: bool,
    ) -> (UseCaseProse, Vec<PageResult>) {
        let mut prose = UseCaseProse::render(self.site, self.prose, u);
        let sound = !failed && prose.errors.is_empty();
        // Broken links are reported as the settings say: as warnings, they stop nothing.
        prose.errors.extend(crate::check::link_problems(
            self.site,
            &prose.links,
            self.known,
        ));
        let sound = sound && !prose.errors.iter().any(Diagnostic::is_error);
        let mut results = Vec::new();
        if let (true, Some(templates), Some(pages)) = (sound, self.templates, pages) {
            let mut html = RenderedSite::default();
            html.use_cases.insert(u.slug.clone(), prose.html);
            results = pages
                .par_iter()
                .map(|&i| (i, self.page(templates, &html, i)))
                .collect();
            prose.html = html.use_cases.remove(&u.slug).unwrap_or_default();
        }
        self.site.release_use_case(u);
        prose.html = prose.html.kept_for_other_pages();
        if !self.keep_links {
            prose.links.clear();
        }
        (prose, results)
    }

    /// The pages outside the use cases: home, profiles, comparisons, guides and the 404 page.
    fn others(&self, templates: &Templates, rendered: &RenderedSite) -> Vec<PageResult> {
        let others: Vec<usize> = (0..self.pages.len())
            .filter(|&i| self.pages[i].use_case().is_none())
            .collect();
        others
            .par_iter()
            .with_max_len(1)
            .map(|&i| (i, self.page(templates, rendered, i)))
            .collect()
    }

    fn page(
        &self,
        templates: &Templates,
        rendered: &RenderedSite,
        i: usize,
    ) -> Result<(u64, PageHead), Diagnostic> {
        let page = &self.pages[i];
        let r = time(page.kind.stage(), || {
            render::render_page(self.site, rendered, templates, self.assets, page)
        })?;
        time(Stage::Write, || self.output.write(&page.file(), &r.html))
            .map_err(|e| Diagnostic::general(e.to_string()))?;
        Ok((r.html.len() as u64, r.head))
    }

    /// The results in the order of the plan, or every page's problem.
    fn collect(mut results: Vec<PageResult>) -> Written {
        results.sort_by_key(|r| r.0);
        let mut errors = Diagnostics::new();
        let heads: Vec<(u64, PageHead)> = results
            .into_iter()
            .filter_map(|(_, r)| errors.take(r))
            .collect();
        errors.into_result()?;
        Ok(heads)
    }
}
