//! The site's data and housekeeping files: `ranking.json` (a public contract, SPEC §3),
//! `ranking.csv`, `/data/models.json`, `sitemap.xml`, `robots.txt`, the Atom feed, the social
//! images and the hashed stylesheets and script.

use rayon::prelude::*;

use crate::cache::Cache;
use crate::output::Output;
use crate::timings::{Stage, time};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

use super::assets::{Asset, Assets};
use super::card;
use super::csv_rows::Rows;
use super::json::Pretty;
use super::pages::{Page, PageHead, PageKind};
use crate::content::UseCase;
use crate::data::Model;
use crate::error::Diagnostic;
use crate::format::Shortest;
use crate::rank::{
    Better, Excluded, Exclusion, Filter, FilterMissing, Method, Missing, Ranking, Scale,
};
use crate::render::escape_html;
use crate::site::Site;

/// Where the Atom feed is published.
pub const FEED_PATH: &str = "feed.xml";

/// The newest pages the feed lists. Readers poll feeds, and a feed of every page of a large
/// site would weigh megabytes; the sitemap lists every page.
const FEED_LIMIT: usize = 50;

fn better(b: Better) -> &'static str {
    match b {
        Better::Higher => "higher",
        Better::Lower => "lower",
    }
}

struct RankingJson<'a> {
    use_case: &'a str,
    title: &'a str,
    method: &'static str,
    top: usize,
    /// Under `weighted` only: how far each weight moves for `rank_range`.
    weight_band: Option<u32>,
    criteria: Vec<CriterionJson<'a>>,
    filters: Vec<FilterJson<'a>>,
    tie_breakers: Vec<&'a str>,
    ranked: Vec<RankedJson<'a>>,
    excluded: Vec<ExcludedJson<'a>>,
    swaps: Option<Vec<SwapJson<'a>>>,
}

/// Neighbours that change places within the weight band.
struct SwapJson<'a> {
    ranks: [usize; 2],
    models: [&'a str; 2],
    /// The smallest single-weight shift that swaps them; `null` when only several together do.
    shift: Option<ShiftJson<'a>>,
}

struct ShiftJson<'a> {
    metric: &'a str,
    /// Signed percentage points, before renormalising.
    points: i32,
    /// The shifted weight, before renormalising.
    weight: f64,
}

struct CriterionJson<'a> {
    metric: &'a str,
    weight: Option<f64>,
    better: &'static str,
    scale: Option<&'static str>,
    missing: &'static str,
    /// `lo`/`hi` are written (possibly `null`) under `weighted` only.
    lo: Option<Option<f64>>,
    hi: Option<Option<f64>>,
}

struct FilterJson<'a> {
    metric: &'a str,
    op: &'static str,
    value: f64,
    missing: &'static str,
}

struct RankedJson<'a> {
    rank: usize,
    /// Best and worst rank over the weight band (`weighted` only).
    rank_range: Option<[usize; 2]>,
    model: &'a str,
    name: &'a str,
    provider: &'a str,
    score: Option<f64>,
    criteria: Vec<PartJson<'a>>,
}

struct PartJson<'a> {
    metric: &'a str,
    value: Option<f64>,
    normalized: Option<f64>,
    contribution: Option<f64>,
}

struct ExcludedJson<'a> {
    model: &'a str,
    reason: String,
    /// The model itself, for the spreadsheet's name and provider columns.
    entry: &'a Model,
}

impl RankingJson<'_> {
    /// The document as `ranking.json` publishes it, indented by two spaces, absent members
    /// left out. The order of the members is set here and in the `write` methods below, not
    /// by the order of the fields; a test holds it to the order SPEC §3 lists them in.
    fn to_json(&self) -> Vec<u8> {
        let parts: usize = self.ranked.iter().map(|r| r.criteria.len()).sum();
        let mut j = Pretty::with_capacity(1024 + 192 * parts + 160 * self.excluded.len());
        j.begin_object();
        j.key("use_case");
        j.str(self.use_case);
        j.key("title");
        j.str(self.title);
        j.key("method");
        j.str(self.method);
        j.key("top");
        j.int(self.top as u64);
        if let Some(band) = self.weight_band {
            j.key("weight_band");
            j.int(band.into());
        }
        j.key("criteria");
        array(&mut j, &self.criteria, CriterionJson::write);
        j.key("filters");
        array(&mut j, &self.filters, FilterJson::write);
        j.key("tie_breakers");
        array(&mut j, &self.tie_breakers, |t, j| j.str(t));
        j.key("ranked");
        array(&mut j, &self.ranked, RankedJson::write);
        j.key("excluded");
        array(&mut j, &self.excluded, ExcludedJson::write);
        if let Some(swaps) = &self.swaps {
            j.key("swaps");
            array(&mut j, swaps, SwapJson::write);
        }
        j.end_object();
        j.finish()
    }
}

fn array<T>(j: &mut Pretty, items: &[T], write: impl Fn(&T, &mut Pretty)) {
    j.begin_array();
    for item in items {
        j.element();
        write(item, j);
    }
    j.end_array();
}

fn ranks(j: &mut Pretty, ranks: [usize; 2]) {
    array(j, &ranks, |r, j| j.int(*r as u64));
}

impl SwapJson<'_> {
    fn write(&self, j: &mut Pretty) {
        j.begin_object();
        j.key("ranks");
        ranks(j, self.ranks);
        j.key("models");
        array(j, &self.models, |m, j| j.str(m));
        j.key("shift");
        match &self.shift {
            Some(shift) => {
                j.begin_object();
                j.key("metric");
                j.str(shift.metric);
                j.key("points");
                j.signed(shift.points.into());
                j.key("weight");
                j.f64(shift.weight);
                j.end_object();
            }
            None => j.null(),
        }
        j.end_object();
    }
}

impl CriterionJson<'_> {
    fn write(&self, j: &mut Pretty) {
        j.begin_object();
        j.key("metric");
        j.str(self.metric);
        if let Some(weight) = self.weight {
            j.key("weight");
            j.f64(weight);
        }
        j.key("better");
        j.str(self.better);
        if let Some(scale) = self.scale {
            j.key("scale");
            j.str(scale);
        }
        j.key("missing");
        j.str(self.missing);
        for (key, bound) in [("lo", self.lo), ("hi", self.hi)] {
            if let Some(bound) = bound {
                j.key(key);
                j.opt_f64(bound);
            }
        }
        j.end_object();
    }
}

impl FilterJson<'_> {
    fn write(&self, j: &mut Pretty) {
        j.begin_object();
        j.key("metric");
        j.str(self.metric);
        j.key("op");
        j.str(self.op);
        j.key("value");
        j.f64(self.value);
        j.key("missing");
        j.str(self.missing);
        j.end_object();
    }
}

impl RankedJson<'_> {
    fn write(&self, j: &mut Pretty) {
        j.begin_object();
        j.key("rank");
        j.int(self.rank as u64);
        if let Some(range) = self.rank_range {
            j.key("rank_range");
            ranks(j, range);
        }
        j.key("model");
        j.str(self.model);
        j.key("name");
        j.str(self.name);
        j.key("provider");
        j.str(self.provider);
        if let Some(score) = self.score {
            j.key("score");
            j.f64(score);
        }
        j.key("criteria");
        array(j, &self.criteria, PartJson::write);
        j.end_object();
    }
}

impl PartJson<'_> {
    fn write(&self, j: &mut Pretty) {
        j.begin_object();
        j.key("metric");
        j.str(self.metric);
        j.key("value");
        j.opt_f64(self.value);
        for (key, v) in [
            ("normalized", self.normalized),
            ("contribution", self.contribution),
        ] {
            if let Some(v) = v {
                j.key(key);
                j.f64(v);
            }
        }
        j.end_object();
    }
}

impl ExcludedJson<'_> {
    fn write(&self, j: &mut Pretty) {
        j.begin_object();
        j.key("model");
        j.str(self.model);
        j.key("reason");
        j.str(&self.reason);
        j.end_object();
    }
}

fn ranking_document<'a>(site: &'a Site, u: &'a UseCase, ranking: &'a Ranking) -> RankingJson<'a> {
    let weighted = u.spec.method == Method::Weighted;
    // Hundreds of models are excluded for a handful of reasons; only a failed filter's
    // reason names the model's own figure, and the rest of its sentence is the filter's.
    // Copying a sentence costs less than writing it.
    let mut shared: Vec<(&Exclusion, String)> = Vec::new();
    let endings: Vec<String> = u.spec.filters.iter().map(Filter::failed_ending).collect();
    let mut reason = |e: &'a Excluded, m: &Model| match &e.why {
        Exclusion::FilterFailed { filter, value } => {
            let f = &u.spec.filters[*filter];
            f.failed_with(
                &site.shortest_figure(m, &f.metric, *value),
                &endings[*filter],
            )
        }
        why => match shared.iter().find(|(w, _)| *w == why) {
            Some((_, r)) => r.clone(),
            None => {
                let r = e.reason(&u.spec);
                shared.push((why, r.clone()));
                r
            }
        },
    };
    RankingJson {
        use_case: &u.slug,
        title: &u.title,
        method: if weighted { "weighted" } else { "ordered" },
        top: u.spec.top,
        weight_band: weighted.then_some(u.spec.weight_band),
        criteria: u
            .spec
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let b = ranking.bounds.get(i).copied().flatten();
                CriterionJson {
                    metric: &c.metric,
                    weight: weighted.then_some(c.weight),
                    better: better(c.better),
                    scale: weighted.then_some(match c.scale {
                        Scale::Linear => "linear",
                        Scale::Log => "log",
                    }),
                    missing: match c.missing {
                        Missing::Zero => "zero",
                        Missing::Exclude => "exclude",
                    },
                    lo: weighted.then_some(b.map(|b| b.lo)),
                    hi: weighted.then_some(b.map(|b| b.hi)),
                }
            })
            .collect(),
        filters: u
            .spec
            .filters
            .iter()
            .map(|f| FilterJson {
                metric: &f.metric,
                op: f.op.symbol(),
                value: f.value,
                missing: match f.missing {
                    FilterMissing::Pass => "pass",
                    FilterMissing::Fail => "fail",
                },
            })
            .collect(),
        tie_breakers: u
            .spec
            .tie_breakers
            .iter()
            .map(|t| t.metric.as_str())
            .collect(),
        ranked: ranking
            .ranked
            .iter()
            .filter_map(|r| {
                let m = site.catalog.models.get(&*r.id)?;
                Some(RankedJson {
                    rank: r.rank,
                    rank_range: r.rank_range,
                    model: &m.id,
                    name: &m.name,
                    provider: &m.provider,
                    score: r.score,
                    criteria: u
                        .spec
                        .criteria
                        .iter()
                        .zip(&r.parts)
                        .map(|(c, p)| PartJson {
                            metric: &c.metric,
                            value: p.value,
                            normalized: p.normalized,
                            contribution: p.contribution,
                        })
                        .collect(),
                })
            })
            .collect(),
        excluded: ranking
            .excluded
            .iter()
            .filter_map(|e| {
                let m = site.catalog.models.get(&*e.id)?;
                (m.status != crate::data::Status::Hidden).then(|| ExcludedJson {
                    model: &e.id,
                    reason: reason(e, m),
                    entry: m,
                })
            })
            .collect(),
        swaps: weighted.then(|| swaps_json(u, ranking)),
    }
}

fn swaps_json<'a>(u: &'a UseCase, ranking: &'a Ranking) -> Vec<SwapJson<'a>> {
    ranking
        .swaps
        .iter()
        .map(|s| SwapJson {
            ranks: [s.rank, s.rank + 1],
            models: [&ranking.ranked[s.rank - 1].id, &ranking.ranked[s.rank].id],
            shift: s.shift.map(|shift| {
                let c = &u.spec.criteria[shift.criterion];
                ShiftJson {
                    metric: &c.metric,
                    points: shift.points,
                    weight: c.weight + f64::from(shift.points),
                }
            }),
        })
        .collect()
}

fn pretty<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The computed ranking of a use case, as SPEC §3 defines `ranking.json`.
pub fn ranking_json(site: &Site, u: &UseCase) -> Option<Vec<u8>> {
    let ranking = site.rankings.get(&u.slug)?;
    Some(ranking_document(site, u, ranking).to_json())
}

/// The same ranking as a spreadsheet: one row per ranked model, then one per excluded model.
pub fn ranking_csv(site: &Site, u: &UseCase) -> Option<Vec<u8>> {
    let ranking = site.rankings.get(&u.slug)?;
    Some(csv_of(site, u, &ranking_document(site, u, ranking)))
}

/// `ranking.json` and `ranking.csv` of a use case, from one document.
fn ranking_files(site: &Site, u: &UseCase, ranking: &Ranking) -> [Vec<u8>; 2] {
    let doc = ranking_document(site, u, ranking);
    [doc.to_json(), csv_of(site, u, &doc)]
}

fn csv_of(site: &Site, u: &UseCase, doc: &RankingJson) -> Vec<u8> {
    let mut rows = Rows::default();
    for name in [
        "rank",
        "best_rank",
        "worst_rank",
        "model",
        "name",
        "provider",
        "score",
    ] {
        rows.text(name);
    }
    for c in &u.spec.criteria {
        for part in ["value", "normalized", "contribution"] {
            rows.text(&format!("{}_{part}", c.metric));
        }
    }
    rows.text("excluded_reason");
    rows.end_row();
    for r in &doc.ranked {
        let range = |i: usize| r.rank_range.map(|x| x[i]);
        rows.number(Some(r.rank));
        rows.number(range(0));
        rows.number(range(1));
        for text in [r.model, r.name, r.provider] {
            rows.text(text);
        }
        rows.number(r.score.map(Shortest));
        for p in &r.criteria {
            for v in [p.value, p.normalized, p.contribution] {
                rows.number(v.map(Shortest));
            }
        }
        rows.blanks(1);
        rows.end_row();
    }
    let blanks = u.spec.criteria.len() * 3;
    for e in &doc.excluded {
        let m = e.entry;
        rows.blanks(3);
        site.csv_identity(m, &mut rows);
        rows.blanks(1 + blanks);
        rows.text(&e.reason);
        rows.end_row();
    }
    rows.into_bytes()
}

#[derive(Serialize)]
struct ModelsJson<'a> {
    metrics: BTreeMap<&'a str, MetricJson<'a>>,
    sources: BTreeMap<&'a str, SourceJson<'a>>,
    providers: BTreeMap<&'a str, SourceJson<'a>>,
    models: Vec<ModelJson<'a>>,
}

#[derive(Serialize)]
struct MetricJson<'a> {
    label: &'a str,
    unit: &'a str,
    better: &'static str,
    source: Option<&'a str>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    name: &'a str,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct ModelJson<'a> {
    id: &'a str,
    name: &'a str,
    provider: &'a str,
    status: &'static str,
    gateway_slug: Option<&'a str>,
    released: Option<String>,
    inputs: &'a [String],
    figures: BTreeMap<&'a str, FigureJson<'a>>,
}

#[derive(Serialize)]
struct FigureJson<'a> {
    value: Option<f64>,
    source: Option<&'a str>,
    url: Option<&'a str>,
    as_of: Option<String>,
    claimed: bool,
    note: Option<&'a str>,
}

/// Every visible model with every figure and where it comes from.
pub fn models_json(site: &Site) -> Vec<u8> {
    let c = &site.catalog;
    let doc = ModelsJson {
        metrics: c
            .metrics
            .iter()
            .map(|(k, m)| {
                (
                    k.as_str(),
                    MetricJson {
                        label: &m.label,
                        unit: &m.unit,
                        better: better(m.better),
                        source: m.source.as_deref(),
                    },
                )
            })
            .collect(),
        sources: c
            .sources
            .iter()
            .map(|(k, s)| {
                (
                    k.as_str(),
                    SourceJson {
                        name: &s.name,
                        url: s.url.as_deref(),
                    },
                )
            })
            .collect(),
        providers: c
            .providers
            .iter()
            .map(|(k, p)| {
                (
                    k.as_str(),
                    SourceJson {
                        name: &p.name,
                        url: p.url.as_deref(),
                    },
                )
            })
            .collect(),
        models: site
            .visible_models()
            .map(|m| ModelJson {
                id: &m.id,
                name: &m.name,
                provider: &m.provider,
                status: m.status.as_str(),
                gateway_slug: m.gateway_slug.as_deref(),
                released: m.released.map(|d| d.to_string()),
                inputs: &m.inputs,
                figures: m
                    .figures
                    .iter()
                    .map(|(k, f)| {
                        (
                            k.as_str(),
                            FigureJson {
                                value: f.value,
                                source: c.source_of(k, f).map(|s| s.id.as_str()),
                                url: c.url_of(k, f),
                                as_of: f.as_of.map(|d| d.to_string()),
                                claimed: f.claimed,
                                note: f.note.as_deref(),
                            },
                        )
                    })
                    .collect(),
            })
            .collect(),
    };
    pretty(&doc)
}

fn sitemap(site: &Site, pages: &[Page]) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages.iter().filter(|p| p.listed()) {
        xml.push_str(&format!(
            "  <url><loc>{}</loc>",
            escape_html(&format!("{}{}", site.settings.base_url, page.path))
        ));
        if let Some(d) = page.updated {
            xml.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml.into_bytes()
}

fn robots(site: &Site) -> Vec<u8> {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        site.settings.base_url
    )
    .into_bytes()
}

/// An Atom feed with one entry per dated page, newest first, up to [`FEED_LIMIT`]; dates come from the data, so
/// the feed changes only when a figure or a page's `updated` date does. It reuses the titles
/// and descriptions of the rendered pages.
pub fn feed<'a>(
    site: &Site,
    heads: impl IntoIterator<Item = (&'a Page, &'a PageHead)>,
) -> (String, Vec<u8>) {
    let base = &site.settings.base_url;
    let mut entries: Vec<(&Page, &PageHead)> = heads
        .into_iter()
        .filter(|(p, _)| p.listed() && p.updated.is_some())
        // Comparisons repeat the figures of their models' pages, and there are many of them.
        .filter(|(p, _)| !matches!(p.kind, PageKind::Home | PageKind::Compare(_)))
        .collect();
    newest(&mut entries, FEED_LIMIT);
    let stamp = |d: crate::date::Date| format!("{d}T00:00:00Z");
    let updated = entries
        .iter()
        .filter_map(|(p, _)| p.updated)
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), stamp);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n\
         <title>{title}</title>\n<subtitle>{subtitle}</subtitle>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>\n\
         <id>{home}</id>\n<updated>{updated}</updated>\n<author><name>{title}</name></author>\n",
        lang = escape_html(&site.settings.language),
        title = escape_html(&site.settings.title),
        subtitle = escape_html(&site.settings.description),
        self_url = escape_html(&format!("{base}{FEED_PATH}")),
        home = escape_html(base),
    );
    for (page, r) in entries {
        let url = escape_html(&format!("{base}{}", page.path));
        let date = page.updated.map(stamp).unwrap_or_default();
        xml.push_str(&format!(
            "<entry>\n  <title>{}</title>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n  <id>{url}</id>\n  <updated>{date}</updated>\n  <summary>{}</summary>\n</entry>\n",
            escape_html(&r.title),
            escape_html(&r.description),
        ));
    }
    xml.push_str("</feed>\n");
    (FEED_PATH.into(), xml.into_bytes())
}

/// A file written: its path and its size in bytes.
pub type Written = (String, u64);

/// One piece of the data files' work. What each writes is known before it runs, so that the
/// links written in prose can be checked while the files are being made beside the pages.
enum DataFile<'a> {
    /// `ranking.json` and `ranking.csv`, made from one document.
    Ranking(&'a UseCase, &'a Ranking),
    Models,
    Sitemap,
    Robots,
    ChangesFeed,
    Card(&'a UseCase),
    SiteCard,
    Asset(&'a Asset),
}

/// Every file of a site that is not a page, planned: paths first, bytes when written.
pub struct DataFiles<'a> {
    site: &'a Site,
    pages: &'a [Page],
    jobs: Vec<DataFile<'a>>,
}

impl<'a> DataFiles<'a> {
    pub fn plan(site: &'a Site, pages: &'a [Page], assets: &'a Assets) -> Self {
        let use_cases = &site.content.use_cases;
        let mut jobs: Vec<DataFile> = use_cases
            .iter()
            .filter_map(|u| Some(DataFile::Ranking(u, site.rankings.get(&u.slug)?)))
            .collect();
        jobs.extend([DataFile::Models, DataFile::Sitemap, DataFile::Robots]);
        if super::changes::has_feed(site) {
            jobs.push(DataFile::ChangesFeed);
        }
        jobs.extend(use_cases.iter().map(DataFile::Card));
        jobs.push(DataFile::SiteCard);
        jobs.extend(assets.iter().map(DataFile::Asset));
        DataFiles { site, pages, jobs }
    }

    /// The paths [`DataFiles::write`] writes, in its order.
    pub fn paths(&self) -> Vec<String> {
        self.jobs
            .iter()
            .flat_map(|job| self.paths_of(job))
            .collect()
    }

    fn paths_of(&self, job: &DataFile) -> Vec<String> {
        match job {
            DataFile::Ranking(u, _) => vec![
                format!("use-cases/{}/ranking.json", u.slug),
                format!("use-cases/{}/ranking.csv", u.slug),
            ],
            DataFile::Models => vec!["data/models.json".into()],
            DataFile::Sitemap => vec!["sitemap.xml".into()],
            DataFile::Robots => vec!["robots.txt".into()],
            DataFile::ChangesFeed => vec![super::changes::CHANGES_FEED_PATH.into()],
            DataFile::Card(u) => vec![card::use_case_path(&u.slug)],
            DataFile::SiteCard => vec![card::SITE_PATH.into()],
            DataFile::Asset(a) => vec![a.path.clone()],
        }
    }

    /// Writes every file into `output`, each as soon as it is made, so that a large site never
    /// holds all of them (hundreds of social images among them) at once. Returns their paths
    /// and sizes in the order of [`DataFiles::paths`].
    pub fn write(&self, output: &dyn Output) -> Result<Vec<Written>, Diagnostic> {
        let cards = Cache::new(&self.site.root, "cards", card::DRAWING_VERSION, "png");
        let written: Vec<Vec<Written>> = self
            .jobs
            .par_iter()
            .with_max_len(1)
            .map(|job| time(Stage::Files, || self.write_one(job, &cards, output)))
            .collect::<Result<_, Diagnostic>>()?;
        cards.prune();
        Ok(written.into_iter().flatten().collect())
    }

    fn write_one(
        &self,
        job: &DataFile<'a>,
        cards: &Cache,
        output: &dyn Output,
    ) -> Result<Vec<Written>, Diagnostic> {
        let bytes = self.bytes_of(job, cards)?;
        self.paths_of(job)
            .into_iter()
            .zip(bytes)
            .map(|(path, bytes)| {
                output
                    .write(&path, &bytes)
                    .map_err(|e| Diagnostic::general(format!("could not write {path}: {e}")))?;
                Ok((path, bytes.len() as u64))
            })
            .collect()
    }

    /// The bytes of a job's files, in the order of its paths.
    fn bytes_of(
        &self,
        job: &DataFile<'a>,
        cards: &Cache,
    ) -> Result<Vec<Cow<'a, [u8]>>, Diagnostic> {
        let site = self.site;
        let made = match job {
            DataFile::Ranking(u, ranking) => {
                return Ok(Vec::from(ranking_files(site, u, ranking).map(Cow::Owned)));
            }
            DataFile::Models => models_json(site),
            DataFile::Sitemap => sitemap(site, self.pages),
            DataFile::Robots => robots(site),
            DataFile::ChangesFeed => super::changes::changes_feed(site)
                .map(|(_, xml)| xml)
                .unwrap_or_default(),
            DataFile::Card(u) => drawn(
                cards,
                &card::use_case_card(site, u, &card::top_places(site, u)),
            )?,
            DataFile::SiteCard => {
                let latest = self.pages.iter().filter_map(|p| p.updated).max();
                drawn(cards, &card::site_card(site, latest.map(|d| d.long())))?
            }
            DataFile::Asset(a) => return Ok(vec![Cow::Borrowed(&a.bytes[..])]),
        };
        Ok(vec![made.into()])
    }
}

/// A card's PNG, drawn or taken from the cache of cards drawn before. Drawing one costs
/// milliseconds, and a site has one per use case.
fn drawn(cards: &Cache, svg: &str) -> Result<Vec<u8>, Diagnostic> {
    time(Stage::Cards, || {
        cards.get_or_make(svg.as_bytes(), card::is_whole_png, || card::rasterise(svg))
    })
}

/// Keeps the `limit` newest pages, newest first. Paths are unique, so the order is total and
/// the newest few can be picked out before sorting, instead of sorting every page of a large
/// site.
fn newest<T>(entries: &mut Vec<(&Page, T)>, limit: usize) {
    let order = |(a, _): &(&Page, T), (b, _): &(&Page, T)| {
        b.updated.cmp(&a.updated).then(a.path.cmp(&b.path))
    };
    if entries.len() > limit {
        entries.select_nth_unstable_by(limit, order);
        entries.truncate(limit);
    }
    entries.sort_by(order);
}

/// Writes every file that is not a page into `output`; see [`DataFiles::write`].
pub fn write_site_files(
    site: &Site,
    pages: &[Page],
    assets: &Assets,
    output: &dyn Output,
) -> Result<Vec<Written>, Diagnostic> {
    DataFiles::plan(site, pages, assets).write(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    #[test]
    fn the_feed_keeps_the_newest_pages_whatever_their_order() {
        // Many pages on few dates, in a scrambled order: ties are broken by path.
        let pages: Vec<Page> = (0..400u32)
            .map(|i| {
                let n = (i * 7919) % 400;
                Page {
                    kind: PageKind::Guide {
                        slug: format!("g{n}"),
                    },
                    path: format!("guides/g{n:03}/"),
                    updated: Date::new(2026, 1 + (n % 5) as u8, 1 + (n % 3) as u8),
                }
            })
            .collect();
        for limit in [0, 1, 50, 399, 400, 500] {
            let mut picked: Vec<(&Page, ())> = pages.iter().map(|p| (p, ())).collect();
            newest(&mut picked, limit);
            let mut sorted: Vec<&Page> = pages.iter().collect();
            sorted.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.path.cmp(&b.path)));
            sorted.truncate(limit);
            let picked: Vec<&str> = picked.iter().map(|(p, _)| p.path.as_str()).collect();
            let sorted: Vec<&str> = sorted.iter().map(|p| p.path.as_str()).collect();
            assert_eq!(picked, sorted, "limit {limit}");
        }
    }
}
