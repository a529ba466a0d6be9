//! A built site kept in memory and brought up to date from the files that changed (`serve`).
//!
//! Rebuilding everything on every save would make a large site slow to preview, so each
//! rebuild does only what the changed files require:
//!
//! - an analysis, `prompts.md` or `faq.md` is re-read and its prose re-rendered alone;
//! - a template change recompiles the templates and re-renders pages from the content
//!   already loaded;
//! - a static file is copied again;
//! - anything else (data, settings, a use case's `index.md`, a guide) reloads the site and
//!   re-ranks, renders again the prose of the use cases whose files, ranking or data changed
//!   (see [`unchanged_prose`]), then compares the new site with the previous one.
//!
//! In every case only the pages whose inputs changed are rendered again ([`Changed`] says
//! which inputs changed, [`Changed::affects`] which pages read them); the others keep their
//! bytes. A failed rebuild leaves the last good site as it was, and the files that changed
//! stay pending until a rebuild that includes them succeeds, so a fix in one file is never
//! rebuilt on top of a broken one.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::check::{self, SitePaths};
use crate::content::{self, UseCase};
use crate::data::{Catalog, Keyed};
use crate::error::{Diagnostic, Diagnostics, Error};
use crate::output::{self, MemoryOutput};
use crate::rank::Ranking;
use crate::render::{
    self, Assets, Page, PageHead, PageKind, ProseRenderer, RenderedSite, Reuse, SourceLink,
    Templates, UseCaseHtml,
};
use crate::site::{LoadOptions, Site};
use crate::sources::Sources;

/// One output file, with a hash of its bytes for HTTP validators.
#[derive(Debug, PartialEq, Eq)]
pub struct OutputFile {
    pub bytes: Vec<u8>,
    pub hash: u64,
}

impl OutputFile {
    fn new(bytes: Vec<u8>) -> OutputFile {
        let mut hasher = DefaultHasher::new();
        hasher.write(&bytes);
        OutputFile {
            hash: hasher.finish(),
            bytes,
        }
    }
}

/// Every file of the built site by its path (relative to the output root, with `/`).
pub type Files = BTreeMap<String, Arc<OutputFile>>;

/// What one rebuild did, for the one-line summary.
#[derive(Debug, Clone)]
pub struct Update {
    /// Pages rendered by this rebuild.
    pub rendered: usize,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Files whose bytes changed, were added or were removed.
    pub changed: usize,
    pub millis: u128,
    pub warnings: Vec<Diagnostic>,
}

/// The loaded, rendered site that the next rebuild starts from.
struct State {
    site: Arc<Site>,
    templates: Arc<Templates>,
    /// The hashed theme files every page links to.
    assets: Arc<Assets>,
    rendered: RenderedSite,
    pages: Vec<Page>,
    /// Each page's head by path, kept so the feed can be rebuilt without rendering every page.
    heads: HashMap<String, PageHead>,
    files: Arc<Files>,
    /// Every site path a link in prose may lead to; it changes only with the pages and files.
    known: SitePaths,
}

/// A site that rebuilds itself from the changes it is told about.
pub struct LiveSite {
    root: PathBuf,
    options: LoadOptions,
    state: Option<State>,
    /// Changed files (relative to the root) not yet part of a successful rebuild.
    pending: BTreeSet<PathBuf>,
}

impl LiveSite {
    /// A site with nothing built yet: the first [`rebuild`](Self::rebuild) builds everything.
    pub fn new(root: impl Into<PathBuf>, options: LoadOptions) -> LiveSite {
        LiveSite {
            root: root.into(),
            options,
            state: None,
            pending: BTreeSet::new(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The files of the last successful build (`None` until one succeeds).
    pub fn files(&self) -> Option<Arc<Files>> {
        self.state.as_ref().map(|s| Arc::clone(&s.files))
    }

    /// Brings the site up to date with `changed` (paths relative to the root) and every
    /// change a failed rebuild left pending.
    pub fn rebuild(&mut self, changed: impl IntoIterator<Item = PathBuf>) -> Result<Update, Error> {
        let started = Instant::now();
        self.pending.extend(changed);
        let plan = Plan::of(&self.root, &self.pending, self.state.as_ref());
        let result = match self.state.take() {
            Some(state) if !plan.reload => self.update(state, &plan),
            previous => {
                let (next, result) = self.reload(previous, plan.templates);
                self.state = next;
                result
            }
        };
        let mut update = result?;
        self.pending.clear();
        update.millis = started.elapsed().as_millis();
        Ok(update)
    }

    /// Reloads the whole site and renders what differs from `previous`. Returns the state to
    /// keep (the new one, or `previous` on failure) and the outcome.
    fn reload(
        &self,
        previous: Option<State>,
        templates_changed: bool,
    ) -> (Option<State>, Result<Update, Error>) {
        match self.load(previous.as_ref(), templates_changed) {
            Ok((mut next, other, mut warnings)) => {
                let changed = match &previous {
                    Some(old) => Changed::between(old, &next, templates_changed),
                    None => Changed::everything(),
                };
                let old_pages = Some(previous.as_ref().map_or(&[][..], |p| &p.pages[..]));
                let files = previous
                    .as_ref()
                    .map_or_else(Files::new, |p| (*p.files).clone());
                match finish(&mut next, old_pages, files, &changed, Some(other)) {
                    Ok(mut update) => {
                        warnings.append(&mut update.warnings);
                        update.warnings = warnings;
                        (Some(next), Ok(update))
                    }
                    Err(e) => (previous, Err(e)),
                }
            }
            Err(e) => (previous, Err(e)),
        }
    }

    /// Loads and renders the prose of the whole site, and the files that are not pages;
    /// templates are reused from `previous` unless they changed.
    fn load(
        &self,
        previous: Option<&State>,
        templates_changed: bool,
    ) -> Result<(State, OtherFiles, Vec<Diagnostic>), Error> {
        let (site, warnings) = Site::load(&self.root, &self.options)?;
        let site = Arc::new(site);
        let mut out = Diagnostics::new();
        let templates = match previous {
            Some(p) if !templates_changed => Some(Arc::clone(&p.templates)),
            _ => Templates::load(&self.root, &mut out).map(Arc::new),
        };
        let prose = ProseRenderer::new(Arc::clone(&site));
        let rendered = match previous {
            Some(old) => {
                let unchanged = unchanged_prose(&self.root, &old.site, &site);
                let reuse = Reuse {
                    previous: &old.rendered,
                    unchanged: &unchanged,
                };
                RenderedSite::render_reusing(&site, &prose, &mut out, Some(reuse))
            }
            None => RenderedSite::render(&site, &prose, &mut out),
        };
        drop(prose);
        let pages = render::plan(&site);
        let assets = Arc::new(Assets::collect(&self.root)?);
        let other = other_files(&self.root, &site, &pages, &assets, &mut out)?;
        let known = known_paths(&pages, other.iter().map(|(path, _)| path.as_str()));
        out.extend(check::prose_paths(&site, &rendered, &known));
        let Some(templates) = templates else {
            return Err(Error::Content(out.into_sorted()));
        };
        let mut warnings = warnings;
        warnings.extend(out.into_result()?);
        let state = State {
            site,
            templates,
            assets,
            rendered,
            pages,
            heads: previous.map(|p| p.heads.clone()).unwrap_or_default(),
            files: Arc::new(Files::new()),
            known,
        };
        Ok((state, other, warnings))
    }

    /// Applies changes that need no reload: editorial files, templates, static files.
    fn update(&mut self, mut state: State, plan: &Plan) -> Result<Update, Error> {
        let outcome = self.update_in_place(&mut state, plan);
        self.state = Some(state);
        outcome
    }

    fn update_in_place(&self, state: &mut State, plan: &Plan) -> Result<Update, Error> {
        let mut out = Diagnostics::new();
        let templates = if plan.templates {
            let loaded = Templates::load(&self.root, &mut out);
            Some(
                loaded
                    .map(Arc::new)
                    .ok_or_else(|| Error::Content(std::mem::take(&mut out).into_sorted()))?,
            )
        } else {
            None
        };
        let mut assets = None;
        let other = if plan.statics {
            let fresh = Arc::new(Assets::collect(&self.root)?);
            let files = other_files(&self.root, &state.site, &state.pages, &fresh, &mut out)?;
            assets = Some(fresh).filter(|a| *a != state.assets);
            Some(files)
        } else {
            None
        };
        let mut staged = stage_editorial(&self.root, state, &plan.editorial, &mut out);
        let mut warnings = out.into_result()?;
        let mut changed = Changed::default();
        for s in &staged {
            s.record(state, &mut changed);
        }
        let old_templates = templates.map(|t| {
            changed.everything = true;
            std::mem::replace(&mut state.templates, t)
        });
        // New theme files change the links in every page's head.
        let old_assets = assets.map(|a| {
            changed.everything = true;
            std::mem::replace(&mut state.assets, a)
        });
        swap_staged(state, &mut staged);
        let files = (*state.files).clone();
        let outcome =
            check_links(state, other.as_ref(), &staged, &mut warnings).and_then(|known| {
                let update = finish(state, None, files, &changed, other)?;
                if let Some(known) = known {
                    state.known = known;
                }
                Ok(update)
            });
        match outcome {
            Ok(mut update) => {
                warnings.append(&mut update.warnings);
                update.warnings = warnings;
                Ok(update)
            }
            Err(e) => {
                swap_staged(state, &mut staged);
                if let Some(t) = old_templates {
                    state.templates = t;
                }
                if let Some(a) = old_assets {
                    state.assets = a;
                }
                Err(e)
            }
        }
    }
}

/// Which use cases of `new` render exactly as they did in `old`: bindings read the settings,
/// the data and rankings, so a use case whose files, ranking, settings and data are all
/// unchanged renders the same, unless its prose names another use case (`use_case=…`),
/// whose ranking may have moved.
fn unchanged_prose<'a>(
    root: &'a Path,
    old: &'a Site,
    new: &'a Site,
) -> impl Fn(&UseCase) -> bool + Sync + 'a {
    let same_inputs = old.settings == new.settings && same_catalog(&old.catalog, &new.catalog);
    let before: HashMap<&str, &UseCase> = old
        .content
        .use_cases
        .iter()
        .map(|u| (u.slug.as_str(), u))
        .collect();
    move |u: &UseCase| {
        same_inputs
            && before.get(u.slug.as_str()) == Some(&u)
            && old.rankings.get(&u.slug) == new.rankings.get(&u.slug)
            && !names_other_use_cases(root, u)
    }
}

fn same_catalog(a: &Catalog, b: &Catalog) -> bool {
    let Catalog {
        metrics,
        sources,
        providers,
        models,
        unreadable,
    } = a;
    (metrics, sources, providers, models, unreadable)
        == (
            &b.metrics,
            &b.sources,
            &b.providers,
            &b.models,
            &b.unreadable,
        )
}

/// Whether any file of the use case passes `use_case=` to a binding (read from disk, where
/// every text of the use case is).
fn names_other_use_cases(root: &Path, u: &UseCase) -> bool {
    let dir = u.file.parent().unwrap_or(Path::new(""));
    let files = [u.file.clone(), dir.join("prompts.md"), dir.join("faq.md")];
    files
        .iter()
        .chain(u.analyses.values().map(|a| &a.file))
        .any(|rel| {
            std::fs::read_to_string(root.join(rel)).is_ok_and(|text| text.contains("use_case"))
        })
}

/// Checks the site links written in prose, as every build does: all of them when the
/// static files changed (returning the new set of paths), otherwise those of the files
/// re-read, which were the only ones to change.
fn check_links(
    state: &State,
    other: Option<&OtherFiles>,
    staged: &[Staged],
    warnings: &mut Vec<Diagnostic>,
) -> Result<Option<SitePaths>, Error> {
    let known = other.map(|o| known_paths(&state.pages, o.iter().map(|(p, _)| p.as_str())));
    let mut out = Diagnostics::new();
    match &known {
        Some(known) => out.extend(check::prose_paths(&state.site, &state.rendered, known)),
        None => {
            let fresh = RenderedSite {
                links: state
                    .rendered
                    .links
                    .iter()
                    .filter(|l| staged.iter().any(|s| s.sources.contains(&l.location.file)))
                    .cloned()
                    .collect(),
                ..RenderedSite::default()
            };
            out.extend(check::prose_paths(&state.site, &fresh, &state.known));
        }
    }
    warnings.extend(out.into_result()?);
    Ok(known)
}

/// Every site path a link may lead to: the pages, and every other file.
fn known_paths<'a>(pages: &[Page], files: impl Iterator<Item = &'a str>) -> SitePaths {
    pages
        .iter()
        .map(|p| p.path.clone())
        .chain(files.map(str::to_string))
        .collect()
}

/// Renders the pages `changed` affects, installs the files that are not pages when given,
/// and installs the new set of files in `state`. `old_pages` is the previous list of pages
/// when it may differ from the current one: a page that is new or different is rendered too.
fn finish(
    state: &mut State,
    old_pages: Option<&[Page]>,
    mut files: Files,
    changed: &Changed,
    other: Option<OtherFiles>,
) -> Result<Update, Error> {
    let before: Option<HashMap<&str, &Page>> =
        old_pages.map(|pages| pages.iter().map(|p| (p.path.as_str(), p)).collect());
    let site = &state.site;
    let todo: Vec<&Page> = state
        .pages
        .iter()
        .filter(|p| {
            let same = before
                .as_ref()
                .is_none_or(|b| b.get(p.path.as_str()).is_some_and(|old| *old == *p));
            !same || changed.affects(site, p)
        })
        .collect();
    let results: Vec<Result<(&Page, render::RenderedPage), Diagnostic>> = todo
        .par_iter()
        .map(|page| {
            render::render_page(site, &state.rendered, &state.templates, &state.assets, page)
                .map(|r| (*page, r))
        })
        .collect();
    let mut errors = Diagnostics::new();
    let mut rendered = Vec::with_capacity(results.len());
    for (page, r) in results.into_iter().filter_map(|r| errors.take(r)) {
        rendered.push((page.path.clone(), page.file(), r));
    }
    let warnings = errors.into_result()?;
    let mut count = Count::default();
    for (path, file, r) in rendered {
        state.heads.insert(path, r.head);
        count.put(&mut files, file, r.html);
    }
    if old_pages.is_some() {
        let paths: HashSet<&str> = state.pages.iter().map(|p| p.path.as_str()).collect();
        state.heads.retain(|path, _| paths.contains(path.as_str()));
    }
    let (feed_path, feed) = render::feed(
        site,
        state
            .pages
            .iter()
            .filter_map(|p| state.heads.get(&p.path).map(|h| (p, h))),
    );
    count.put(&mut files, feed_path, feed);
    if let Some(other) = other {
        let mut keep: HashSet<String> = state.pages.iter().map(Page::file).collect();
        keep.insert(render::FEED_PATH.to_string());
        for (path, bytes) in other {
            keep.insert(path.clone());
            count.put(&mut files, path, bytes);
        }
        let stale = files.len();
        files.retain(|path, _| keep.contains(path));
        count.changed += stale - files.len();
    }
    let update = Update {
        rendered: todo.len(),
        pages: state.pages.len(),
        files: files.len(),
        bytes: files.values().map(|f| f.bytes.len() as u64).sum(),
        changed: count.changed,
        millis: 0,
        warnings,
    };
    state.files = Arc::new(files);
    Ok(update)
}

#[derive(Default)]
struct Count {
    changed: usize,
}

impl Count {
    /// Stores a file unless it is already there with the same bytes.
    fn put(&mut self, files: &mut Files, path: String, bytes: Vec<u8>) {
        let file = OutputFile::new(bytes);
        if files.get(&path).is_some_and(|f| **f == file) {
            return;
        }
        files.insert(path, Arc::new(file));
        self.changed += 1;
    }
}

/// The files that are not pages (data files, then static files), by path.
type OtherFiles = Vec<(String, Vec<u8>)>;

/// The data files and static files, as the build writes them.
fn other_files(
    root: &Path,
    site: &Site,
    pages: &[Page],
    assets: &Assets,
    out: &mut Diagnostics,
) -> Result<OtherFiles, Error> {
    let sources = assets.plain_static_files(root, out);
    let files = MemoryOutput::new();
    out.take(render::write_site_files(site, pages, assets, &files));
    // Static files are written last, as the build does, so that they win over data files.
    output::copy_static(root, &sources, &files)?;
    Ok(files.into_files().into_iter().collect())
}

// ----- what changed -------------------------------------------------------------------------

/// The inputs that changed, at the grain pages read them.
#[derive(Debug, Default)]
pub struct Changed {
    /// Settings, templates, metric definitions or navigation: every page.
    everything: bool,
    home: bool,
    models: BTreeSet<String>,
    /// What a use case's own pages show of its configuration, summary and ranking.
    use_cases: BTreeSet<String>,
    /// What other pages show of a use case: its titles, rules and ranking.
    listings: BTreeSet<String>,
    /// (use case, model) analyses.
    analyses: BTreeSet<(String, String)>,
    /// (use case, model) rows of a ranking whose score changed while the order, the bounds
    /// and the models not ranked stayed the same.
    rows: BTreeSet<(String, String)>,
    /// Use cases whose prompts, quick start or FAQ changed.
    editorial: BTreeSet<String>,
    /// Models whose `why_not` note changed in some use case (their profiles show it).
    notes: BTreeSet<String>,
    guides: BTreeSet<String>,
    /// Use cases whose recorded rankings changed, or every use case when the site gained or
    /// lost the feed of ranking changes that leaderboards link to.
    history: BTreeSet<String>,
}

impl Changed {
    fn everything() -> Changed {
        Changed {
            everything: true,
            ..Changed::default()
        }
    }

    /// Whether `page` reads anything that changed.
    pub fn affects(&self, site: &Site, page: &Page) -> bool {
        if self.everything {
            return true;
        }
        match &page.kind {
            PageKind::Home => {
                self.home
                    || !self.listings.is_empty()
                    || !self.guides.is_empty()
                    || (!self.models.is_empty() || !self.rows.is_empty())
                        && site
                            .content
                            .use_cases
                            .iter()
                            .any(|u| self.top_pick_changed(site, &u.slug))
            }
            PageKind::Leaderboard { use_case } => {
                self.use_cases.contains(use_case)
                    || self.editorial.contains(use_case)
                    || self.shown_model_changed(site, use_case)
                    || self.top_analysis_changed(site, use_case)
                    || self.rows.iter().any(|(u, _)| u == use_case)
                    || self.history.contains(use_case)
            }
            // The page's chart places the model among every ranked model's figures, so any
            // row of its ranking matters.
            PageKind::Analysis { use_case, model } => {
                self.use_cases.contains(use_case)
                    || self.models.contains(model)
                    || self
                        .analyses
                        .iter()
                        .any(|(u, m)| u == use_case && m == model)
                    || self.rows.iter().any(|(u, _)| u == use_case)
            }
            PageKind::Prompts { use_case } | PageKind::Faq { use_case } => {
                self.use_cases.contains(use_case)
                    || self.editorial.contains(use_case)
                    || self.top_pick_changed(site, use_case)
            }
            PageKind::Profile { model } => {
                self.models.contains(model)
                    || !self.listings.is_empty()
                    || self.notes.contains(model)
                    || self
                        .rows
                        .iter()
                        .any(|(u, m)| m == model || trails(site, u, m, model))
                    || site
                        .content
                        .guides
                        .iter()
                        .any(|g| self.guides.contains(&g.slug) && g.models.contains(model))
            }
            PageKind::Compare(pair) => {
                let ours = |m: &String| *m == pair.a || *m == pair.b;
                self.models.iter().any(ours)
                    || pair
                        .shared_slugs(site)
                        .any(|u| self.listings.contains(u) || self.use_cases.contains(u))
                    || self
                        .rows
                        .iter()
                        .any(|(u, m)| ours(m) && pair.shared_slugs(site).any(|s| s == u))
            }
            PageKind::Guide { slug } => site
                .content
                .guides
                .iter()
                .find(|g| &g.slug == slug)
                .is_none_or(|g| {
                    self.guides.contains(slug)
                        || g.models.iter().any(|m| self.models.contains(m))
                        || g.use_case
                            .as_ref()
                            .is_some_and(|u| self.listings.contains(u))
                }),
            PageKind::NotFound => false,
        }
    }

    /// Whether the model ranked first changed, or its row did.
    fn top_pick_changed(&self, site: &Site, slug: &str) -> bool {
        site.top(slug).first().is_some_and(|r| {
            self.models.contains(&*r.id) || self.rows.iter().any(|(u, m)| u == slug && **m == *r.id)
        })
    }

    /// Whether the analysis of a model in the leaderboard's rows changed (the leaderboard
    /// shows their first paragraphs).
    fn top_analysis_changed(&self, site: &Site, slug: &str) -> bool {
        self.analyses
            .iter()
            .any(|(u, m)| u == slug && site.top(slug).iter().any(|r| *r.id == **m))
    }

    /// Whether a model the leaderboard lists (ranked or not ranked) changed.
    fn shown_model_changed(&self, site: &Site, slug: &str) -> bool {
        if self.models.is_empty() {
            return false;
        }
        let Some(ranking) = site.rankings.get(slug) else {
            return true;
        };
        self.models
            .iter()
            .any(|m| ranking.position(m).is_some() || ranking.excluded.iter().any(|e| *e.id == **m))
    }

    /// Compares a freshly loaded site with the previous one.
    fn between(old: &State, new: &State, templates_changed: bool) -> Changed {
        let (a, b) = (&*old.site, &*new.site);
        let mut changed = Changed {
            everything: templates_changed
                || a.settings != b.settings
                || a.catalog.metrics != b.catalog.metrics
                || a.catalog.sources != b.catalog.sources
                || a.catalog.providers != b.catalog.providers
                || navigation(a) != navigation(b),
            home: a.content.home != b.content.home
                || old.rendered.home_intro != new.rendered.home_intro,
            ..Changed::default()
        };
        changed.models = differing_keys(&a.catalog.models, &b.catalog.models);
        for (u, v) in a.content.use_cases.iter().zip(&b.content.use_cases) {
            changed.compare_use_case(old, new, u, v);
        }
        let feed_toggled = render::has_changes_feed(a) != render::has_changes_feed(b);
        changed.history = b
            .content
            .use_cases
            .iter()
            .map(|u| &u.slug)
            .filter(|slug| feed_toggled || a.history.get(*slug) != b.history.get(*slug))
            .cloned()
            .collect();
        let old_guides: BTreeMap<_, _> = a.content.guides.iter().map(|g| (&g.slug, g)).collect();
        for g in &b.content.guides {
            if old_guides.get(&g.slug) != Some(&g)
                || old.rendered.guides.get(&g.slug) != new.rendered.guides.get(&g.slug)
            {
                changed.guides.insert(g.slug.clone());
            }
        }
        changed
    }

    /// Compares two versions of the same use case (navigation already matched the slugs).
    fn compare_use_case(&mut self, old: &State, new: &State, u: &UseCase, v: &UseCase) {
        let slug = &v.slug;
        let (ranking_a, ranking_b) = (old.site.rankings.get(slug), new.site.rankings.get(slug));
        let empty = UseCaseHtml::default();
        let html_a = old.rendered.use_cases.get(slug).unwrap_or(&empty);
        let html_b = new.rendered.use_cases.get(slug).unwrap_or(&empty);
        let same_shape = ranking_a.map(shape) == ranking_b.map(shape);
        if listing(u) != listing(v) || !same_shape {
            self.listings.insert(slug.clone());
        }
        if configuration(u) != configuration(v)
            || !same_shape
            || own_prose(html_a) != own_prose(html_b)
        {
            self.use_cases.insert(slug.clone());
        }
        if let (Some(a), Some(b), true) = (ranking_a, ranking_b, same_shape) {
            for (row_a, row_b) in a.ranked.iter().zip(&b.ranked) {
                if row_a != row_b {
                    self.rows.insert((slug.clone(), row_b.id.to_string()));
                }
            }
        }
        if editorial(html_a) != editorial(html_b) {
            self.editorial.insert(slug.clone());
        }
        for id in html_a.why_not.keys().chain(html_b.why_not.keys()) {
            if html_a.why_not.get(id) != html_b.why_not.get(id) {
                self.notes.insert(id.clone());
            }
        }
        let models: BTreeSet<&String> = html_a
            .analyses
            .keys()
            .chain(html_b.analyses.keys())
            .collect();
        for m in models {
            if html_a.analyses.get(m) != html_b.analyses.get(m) {
                self.analyses.insert((slug.clone(), m.clone()));
            }
        }
    }
}

/// Whether `model` is ranked below the leaderboard's rows of `slug` and `last` is the last of
/// those rows: the sentence on why `model` is not among them reads `last`'s row.
fn trails(site: &Site, slug: &str, last: &str, model: &str) -> bool {
    let top = site.top(slug);
    top.last().is_some_and(|r| *r.id == *last)
        && site
            .rankings
            .get(slug)
            .and_then(|r| r.position(model))
            .is_some_and(|r| r.rank > top.len())
}

/// What every page of a use case shows of its ranking: the order, the bounds, the models not
/// ranked and the neighbours that swap within the weight band (the scores of single rows are followed by [`Changed::rows`]).
fn shape(r: &Ranking) -> impl PartialEq + '_ {
    (
        r.ranked.iter().map(|row| &row.id).collect::<Vec<_>>(),
        &r.bounds,
        &r.excluded,
        &r.swaps,
    )
}

fn differing_keys<V: PartialEq>(a: &Keyed<V>, b: &Keyed<V>) -> BTreeSet<String> {
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// What every page's navigation shows: the use cases and guides, in order.
fn navigation(site: &Site) -> Vec<(&str, &str, &str)> {
    let use_cases = site
        .content
        .use_cases
        .iter()
        .map(|u| ("use case", u.slug.as_str(), u.short_title.as_str()));
    let guides = site
        .content
        .guides
        .iter()
        .map(|g| ("guide", g.slug.as_str(), g.title.as_str()));
    use_cases.chain(guides).collect()
}

/// What pages outside a use case show of it.
fn listing(u: &UseCase) -> impl PartialEq + '_ {
    (
        &u.title,
        &u.short_title,
        &u.description,
        &u.spec,
        &u.headline,
        &u.columns,
    )
}

/// Everything `index.md` gives a use case's own pages, plus which optional files exist.
/// Every field is named, so a new field of [`UseCase`] must be placed here or ignored on
/// purpose.
fn configuration(u: &UseCase) -> impl PartialEq + '_ {
    let UseCase {
        slug,
        title,
        short_title,
        eyebrow,
        description,
        order,
        headline,
        columns,
        spec,
        criteria_info,
        filter_notes: _,
        criteria_intro: _,
        summary: _,
        why_not: _,
        updated,
        analyses: _,
        prompts,
        faq,
        file: _,
    } = u;
    (
        (slug, title, short_title, eyebrow, description, order),
        (headline, columns, spec, updated),
        criteria_info
            .iter()
            .map(|c| c.allow_claimed)
            .collect::<Vec<_>>(),
        (prompts.is_some(), faq.is_some()),
    )
}

/// The rendered prose of `index.md` (the notes and summary are compared as HTML, so a
/// change of line numbers alone re-renders nothing).
fn own_prose(h: &UseCaseHtml) -> impl PartialEq + '_ {
    (
        &h.summary,
        &h.criteria_intro,
        &h.criterion_notes,
        &h.filter_notes,
        &h.why_not,
    )
}

fn editorial(h: &UseCaseHtml) -> impl PartialEq + '_ {
    (
        &h.prompts_intro,
        &h.prompts,
        &h.quick_start,
        &h.faq_intro,
        &h.faq,
    )
}

// ----- which rebuild the changed files need ---------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum EditorialFile {
    Analysis(String),
    Prompts,
    Faq,
}

/// What a set of changed files requires.
#[derive(Debug, Default)]
struct Plan {
    reload: bool,
    templates: bool,
    statics: bool,
    /// Per use-case slug.
    editorial: BTreeMap<String, BTreeSet<EditorialFile>>,
}

impl Plan {
    fn of(root: &Path, changed: &BTreeSet<PathBuf>, state: Option<&State>) -> Plan {
        let mut plan = Plan {
            reload: state.is_none(),
            ..Plan::default()
        };
        for path in changed {
            let parts: Vec<&str> = path
                .components()
                .map(|c| match c {
                    Component::Normal(s) => s.to_str().unwrap_or("\u{0}"),
                    _ => "\u{0}",
                })
                .collect();
            match parts.as_slice() {
                ["templates", ..] => plan.templates = true,
                ["static", ..] => plan.statics = true,
                ["content", "use-cases", slug, rest @ ..] => match editorial_file(rest) {
                    Some(file)
                        if state
                            .and_then(|s| s.site.use_case(slug))
                            .is_some_and(|u| keeps_pages(u, &file, root.join(path).is_file())) =>
                    {
                        plan.editorial
                            .entry(slug.to_string())
                            .or_default()
                            .insert(file);
                    }
                    _ => plan.reload = true,
                },
                _ => plan.reload = true,
            }
        }
        plan
    }
}

/// Whether the use case keeps the same pages: creating or deleting `prompts.md` or `faq.md`
/// adds or removes a page, which needs a reload.
fn keeps_pages(u: &UseCase, file: &EditorialFile, exists: bool) -> bool {
    match file {
        EditorialFile::Analysis(_) => true,
        EditorialFile::Prompts => u.prompts.is_some() == exists,
        EditorialFile::Faq => u.faq.is_some() == exists,
    }
}

impl EditorialFile {
    /// The file, relative to the site root, in the use-case folder `dir`.
    fn path(&self, dir: &Path) -> PathBuf {
        match self {
            EditorialFile::Analysis(m) => dir.join("analysis").join(format!("{m}.md")),
            EditorialFile::Prompts => dir.join("prompts.md"),
            EditorialFile::Faq => dir.join("faq.md"),
        }
    }
}

fn editorial_file(rest: &[&str]) -> Option<EditorialFile> {
    match rest {
        ["prompts.md"] => Some(EditorialFile::Prompts),
        ["faq.md"] => Some(EditorialFile::Faq),
        ["analysis", name] => {
            let model = name.strip_suffix(".md")?;
            Some(EditorialFile::Analysis(model.to_string()))
        }
        _ => None,
    }
}

// ----- editorial files, re-read and re-rendered one by one -----------------------------------

/// A use case with some of its editorial files re-read, and its HTML re-rendered to match.
struct Staged {
    index: usize,
    use_case: UseCase,
    html: UseCaseHtml,
    files: BTreeSet<EditorialFile>,
    /// The source files re-read, and the site links their prose holds.
    sources: Vec<PathBuf>,
    links: Vec<SourceLink>,
}

impl Staged {
    /// Records what differs between the staged use case and the one in `state`.
    fn record(&self, state: &State, changed: &mut Changed) {
        let slug = &self.use_case.slug;
        let empty = UseCaseHtml::default();
        let old = state.rendered.use_cases.get(slug).unwrap_or(&empty);
        for file in &self.files {
            match file {
                EditorialFile::Analysis(m) => {
                    if old.analyses.get(m) != self.html.analyses.get(m) {
                        changed.analyses.insert((slug.clone(), m.clone()));
                    }
                }
                EditorialFile::Prompts | EditorialFile::Faq => {
                    if editorial(old) != editorial(&self.html) {
                        changed.editorial.insert(slug.clone());
                    }
                }
            }
        }
    }
}

fn stage_editorial(
    root: &Path,
    state: &State,
    files: &BTreeMap<String, BTreeSet<EditorialFile>>,
    out: &mut Diagnostics,
) -> Vec<Staged> {
    let site = &state.site;
    let prose = ProseRenderer::new(Arc::clone(site));
    let mut staged = Vec::new();
    for (slug, items) in files {
        let Some(index) = site.content.use_cases.iter().position(|u| &u.slug == slug) else {
            continue;
        };
        let mut use_case = site.content.use_cases[index].clone();
        let dir = Path::new("content/use-cases").join(slug);
        let sources = items.iter().map(|item| item.path(&dir)).collect();
        for item in items {
            reread(root, &dir, item, site, &mut use_case, out);
        }
        let mut html = state
            .rendered
            .use_cases
            .get(slug)
            .cloned()
            .unwrap_or_default();
        let mut errors = Vec::new();
        let mut links = Vec::new();
        for item in items {
            links.extend(match item {
                EditorialFile::Analysis(m) => {
                    html.render_analysis(&prose, &use_case, m, &mut errors)
                }
                EditorialFile::Prompts => html.render_prompts(site, &prose, &use_case, &mut errors),
                EditorialFile::Faq => html.render_faq(&prose, &use_case, &mut errors),
            });
        }
        out.extend(errors);
        staged.push(Staged {
            index,
            use_case,
            html,
            files: items.clone(),
            sources,
            links,
        });
    }
    staged
}

/// Re-reads one editorial file into `u`; a file that no longer exists is removed.
fn reread(
    root: &Path,
    dir: &Path,
    item: &EditorialFile,
    site: &Site,
    u: &mut UseCase,
    out: &mut Diagnostics,
) {
    let rel = item.path(dir);
    match item {
        EditorialFile::Analysis(m) => {
            u.analyses.remove(m);
            if root.join(&rel).is_file()
                && let Some(a) =
                    content::load_analysis(&Sources::uncached(root), &rel, &site.catalog, out)
            {
                u.analyses.insert(m.clone(), a);
            }
        }
        EditorialFile::Prompts => {
            u.prompts = content::load_prompts(&Sources::uncached(root), &rel, out)
        }
        EditorialFile::Faq => u.faq = content::load_faq(&Sources::uncached(root), &rel, out),
    }
}

/// Exchanges the staged use cases (and the links of their files) with those in `state`:
/// called once to apply them and again to undo.
fn swap_staged(state: &mut State, staged: &mut [Staged]) {
    let site = Arc::make_mut(&mut state.site);
    site.forget_views();
    for s in staged.iter_mut() {
        std::mem::swap(&mut site.content.use_cases[s.index], &mut s.use_case);
        let slot = state
            .rendered
            .use_cases
            .entry(site.content.use_cases[s.index].slug.clone())
            .or_default();
        std::mem::swap(slot, &mut s.html);
        let (theirs, mut others): (Vec<SourceLink>, Vec<SourceLink>) =
            std::mem::take(&mut state.rendered.links)
                .into_iter()
                .partition(|l| s.sources.contains(&l.location.file));
        others.append(&mut s.links);
        state.rendered.links = others;
        s.links = theirs;
    }
}
