//! Head-to-head pages: `/compare/<a>-vs-<b>/` for every two models that share the top rows of
//! some use case. The ids are in byte order, so each pair has one address: every figure
//! both models have, the better of each and by how much, the price difference per 1M tokens,
//! which ranks higher in each use case that ranks both, and which wins each criterion of the
//! use cases whose top rows hold both. A pair's page grows with the use cases that rank both
//! (one short row each), not with their criteria.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use tera::Context;

use super::pages::{Page, PageMeta, PlaceIndex, meta};
use super::view::{FigureView, Link, ModelRef, Viewed, weight_text};
use crate::content::UseCase;
use crate::data::{Metric, Model};
use crate::rank::{Better, Method};
use crate::site::Site;

/// What separates the two ids in a comparison's address; model ids may not contain it.
pub const COMPARE_SEPARATOR: &str = "-vs-";

/// Up to this many use cases ranking both models, the summary names them; beyond, it counts.
const NAMED_USE_CASES: usize = 4;

/// Two models ranked together in some use case's top rows, ids in byte order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub a: String,
    pub b: String,
    /// The use cases that rank both, in site order.
    pub shared: Vec<SharedRanking>,
    /// The use cases whose top rows hold both, by position in the site's use cases, in
    /// site order.
    pub together: Vec<u32>,
}

/// A use case that ranks both models of a pair: its position in the site's use cases, and
/// the row of each model in its ranking. Positions rather than slugs, because a pair of a
/// large site shares hundreds of use cases, and every page is planned before any is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedRanking {
    pub use_case: u32,
    pub rows: [u32; 2],
}

impl Pair {
    /// The slugs of the use cases that rank both models, in site order.
    pub fn shared_slugs<'s>(&self, site: &'s Site) -> impl Iterator<Item = &'s str> {
        let use_cases = &site.content.use_cases;
        self.shared
            .iter()
            .filter_map(|s| use_cases.get(s.use_case as usize))
            .map(|u| u.slug.as_str())
    }
}

/// The site path of the page comparing two models, whichever order they are given in.
pub fn compare_path(a: &str, b: &str) -> String {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    ["compare/", a, COMPARE_SEPARATOR, b, "/"].concat()
}

/// Every pair of models that appear together in the top rows of at least one use case.
pub fn pairs(site: &Site) -> Vec<Pair> {
    // On a large site both halves take a while, and the plan of the pages waits for them.
    let (together, places) = rayon::join(|| together(site), || site.place_index());
    together
        .into_par_iter()
        .map(|((a, b), together)| Pair {
            a: a.to_string(),
            b: b.to_string(),
            shared: places.ranked_by_both(a, b),
            together,
        })
        .collect()
}

/// The pairs of models in the top rows of some use case, in byte order of their ids, with
/// the positions of the use cases whose top rows hold both.
fn together(site: &Site) -> Vec<((&str, &str), Vec<u32>)> {
    let mut together: FxHashMap<(&str, &str), Vec<u32>> = FxHashMap::default();
    for (i, u) in (0..).zip(&site.content.use_cases) {
        let top = site.top(&u.slug);
        for (j, x) in top.iter().enumerate() {
            for y in &top[j + 1..] {
                let (a, b) = if x.id <= y.id { (x, y) } else { (y, x) };
                together.entry((&*a.id, &*b.id)).or_default().push(i);
            }
        }
    }
    let mut together: Vec<_> = together.into_iter().collect();
    together.sort_unstable_by_key(|(pair, _)| *pair);
    together
}

/// Links to a model's head-to-head pages, in a heading and a sentence of their own.
#[derive(Debug, Serialize)]
pub struct Comparisons {
    pub title: String,
    pub intro: String,
    pub links: Vec<Link>,
}

/// Every comparison a model's profile links to.
pub fn of_model(site: &Site, model: &Model) -> Option<Comparisons> {
    let others = site.place_index().top_partners(site, &model.id);
    let links = links(site, model, others);
    (!links.is_empty()).then(|| Comparisons {
        title: "Head to head".into(),
        intro: format!(
            "{} side by side with each model it shares the top rows of a ranking with.",
            model.name
        ),
        links,
    })
}

/// The comparisons a model's page in a use case links to: the other models of the top rows.
pub fn in_use_case(site: &Site, u: &UseCase, model: &Model) -> Option<Comparisons> {
    let top = site.top(&u.slug);
    if !top.iter().any(|r| *r.id == *model.id) {
        return None;
    }
    let others = top.iter().filter(|r| *r.id != *model.id).map(|r| &*r.id);
    let links = links(site, model, others);
    (!links.is_empty()).then(|| Comparisons {
        title: format!("Compare with the rest of the top {}", top.len()),
        intro: format!(
            "{} side by side with each of the other models in the top rows for {}.",
            model.name, u.short_title
        ),
        links,
    })
}

/// Links to the pages comparing `model` with each of `others`, by name, each pair once.
fn links<'a>(
    site: &'a Site,
    model: &Model,
    others: impl IntoIterator<Item = &'a str>,
) -> Vec<Link> {
    let mut links: Vec<(&str, Link)> = others
        .into_iter()
        .filter_map(|id| site.catalog.models.get(id))
        // Every analysis page of a model in the top rows lists a dozen of these or more, so
        // the names and paths are joined from their pieces rather than formatted.
        .map(|other| {
            (
                other.id.as_str(),
                Link {
                    name: [model.name.as_str(), " vs ", &other.name].concat(),
                    url: site.url(&compare_path(&model.id, &other.id)),
                },
            )
        })
        .collect();
    links.sort_by(|x, y| x.1.name.cmp(&y.1.name).then_with(|| x.0.cmp(y.0)));
    links.dedup_by(|x, y| x.0 == y.0);
    links.into_iter().map(|(_, link)| link).collect()
}

// ----- the page -----------------------------------------------------------------------------

#[derive(Serialize)]
struct CompareView<'a> {
    a: Viewed<ModelRef>,
    b: Viewed<ModelRef>,
    prices: Vec<FigureRow>,
    figures: Vec<FigureRow>,
    /// Whether a figure is marked as reported by its vendor.
    has_claimed: bool,
    placements: Vec<PlacementRow<'a>>,
    /// How many use cases rank each model higher.
    higher_counts: (usize, usize),
    /// Which, when they are few enough to name in a sentence (the table lists them all).
    higher_a: Vec<&'a Viewed<Link>>,
    higher_b: Vec<&'a Viewed<Link>>,
    criteria: Vec<CriteriaTable>,
}

/// One metric for both models, and which is better by how much ("not available" when either
/// figure is missing).
#[derive(Serialize)]
struct FigureRow {
    label: String,
    unit: String,
    a: Viewed<FigureView>,
    b: Viewed<FigureView>,
    better: Option<String>,
}

#[derive(Serialize)]
struct PlacementRow<'a> {
    use_case: &'a Viewed<Link>,
    a_rank: usize,
    b_rank: usize,
    a_score: Option<&'a str>,
    b_score: Option<&'a str>,
    a_higher: bool,
    /// The name of the model ranked higher.
    higher: &'a str,
}

#[derive(Serialize)]
struct CriteriaTable {
    use_case: Viewed<Link>,
    id: String,
    weighted: bool,
    rows: Vec<CriterionRow>,
    tally: String,
}

#[derive(Serialize)]
struct CriterionRow {
    label: String,
    weight_text: Option<String>,
    a: String,
    b: String,
    winner: String,
}

/// The page comparing the two models of a pair.
pub fn page(site: &Site, page: &Page, pair: &Pair, ctx: &mut Context) -> Option<PageMeta> {
    let (a, b) = (pair.a.as_str(), pair.b.as_str());
    let (Some(ma), Some(mb)) = (site.catalog.models.get(a), site.catalog.models.get(b)) else {
        return None;
    };
    let title = format!("{} vs {}", ma.name, mb.name);
    let description = format!(
        "{} and {} side by side: every figure, the price per 1M tokens, and the use cases where each ranks higher.",
        ma.name, mb.name
    );
    let trail = vec![Link {
        name: title.clone(),
        url: site.url(&page.path),
    }];
    let m = meta(site, page, "compare", title, description, trail);
    let places = site.place_index();
    let placements: Vec<PlacementRow> = pair
        .shared
        .iter()
        .filter_map(|s| placement(site, places, s, ma, mb))
        .collect();
    let higher = |a_higher: bool| -> Vec<&Viewed<Link>> {
        placements
            .iter()
            .filter(|p| p.a_higher == a_higher)
            .map(|p| p.use_case)
            .collect()
    };
    let (higher_a, higher_b) = (higher(true), higher(false));
    let higher_counts = (higher_a.len(), higher_b.len());
    let named = placements.len() <= NAMED_USE_CASES;
    let p = &site.settings.prices;
    let figures: Vec<FigureRow> = site
        .catalog
        .metrics
        .values()
        .map(|metric| figure_row(site, metric, ma, mb))
        .collect();
    let view = CompareView {
        a: site.model_ref(ma),
        b: site.model_ref(mb),
        prices: [&p.input, &p.output]
            .into_iter()
            .filter_map(|k| site.catalog.metrics.get(k))
            .map(|metric| figure_row(site, metric, ma, mb))
            .collect(),
        has_claimed: figures.iter().any(|f| f.a.claimed || f.b.claimed),
        figures,
        higher_counts,
        higher_a: if named { higher_a } else { Vec::new() },
        higher_b: if named { higher_b } else { Vec::new() },
        placements,
        criteria: pair
            .together
            .iter()
            .filter_map(|&i| criteria_table(site, i as usize, ma, mb))
            .collect(),
    };
    ctx.insert("compare", &view);
    Some(m)
}

fn figure_row(site: &Site, metric: &Metric, a: &Model, b: &Model) -> FigureRow {
    let (fa, fb) = (site.figure_view(a, metric), site.figure_view(b, metric));
    let better = fa.value.zip(fb.value).map(|(x, y)| {
        if metric.format.value(x) == metric.format.value(y) {
            return "equal".to_string();
        }
        let a_wins = match metric.better {
            Better::Higher => x > y,
            Better::Lower => x < y,
        };
        let winner = if a_wins { &a.name } else { &b.name };
        format!("{winner}, by {}", metric.format.difference(x - y))
    });
    FigureRow {
        label: metric.label.clone(),
        unit: metric.unit.clone(),
        a: fa,
        b: fb,
        better,
    }
}

fn placement<'a>(
    site: &'a Site,
    places: &'a PlaceIndex,
    shared: &SharedRanking,
    a: &'a Model,
    b: &'a Model,
) -> Option<PlacementRow<'a>> {
    let [row_a, row_b] = shared.rows;
    let ra = places.standing(shared.use_case, row_a)?;
    let rb = places.standing(shared.use_case, row_b)?;
    Some(PlacementRow {
        use_case: site.use_case_link(shared.use_case as usize)?,
        a_rank: ra.rank,
        b_rank: rb.rank,
        a_score: ra.score_text.as_deref(),
        b_score: rb.score_text.as_deref(),
        a_higher: ra.rank < rb.rank,
        higher: if ra.rank < rb.rank { &a.name } else { &b.name },
    })
}

/// Which model has the better figure on each criterion of the use case at `index` in site
/// order, as the ranking counts it: a missing figure loses (it scores 0, or sorts last).
fn criteria_table(site: &Site, index: usize, a: &Model, b: &Model) -> Option<CriteriaTable> {
    let u = site.content.use_cases.get(index)?;
    let ranking = site.rankings.get(&u.slug)?;
    let (ra, rb) = (ranking.position(&a.id)?, ranking.position(&b.id)?);
    let weighted = u.spec.method == Method::Weighted;
    let mut wins = (0, 0);
    let rows: Vec<CriterionRow> = u
        .spec
        .criteria
        .iter()
        .zip(ra.parts.iter().zip(&rb.parts))
        .map(|(c, (pa, pb))| {
            let metric = site.catalog.metrics.get(&c.metric);
            let texts = [
                site.figure_text(a, &c.metric, pa.value),
                site.figure_text(b, &c.metric, pb.value),
            ];
            let a_wins = match (pa.value, pb.value) {
                (Some(_), Some(_)) if texts[0] == texts[1] => None,
                (Some(x), Some(y)) => Some(match c.better {
                    Better::Higher => x > y,
                    Better::Lower => x < y,
                }),
                (Some(_), None) => Some(true),
                (None, Some(_)) => Some(false),
                (None, None) => None,
            };
            let winner = match a_wins {
                Some(true) => {
                    wins.0 += 1;
                    a.name.clone()
                }
                Some(false) => {
                    wins.1 += 1;
                    b.name.clone()
                }
                None if pa.value.is_none() => "neither has a figure".into(),
                None => "tie".into(),
            };
            let [a_text, b_text] = texts;
            CriterionRow {
                label: metric.map_or_else(|| c.metric.clone(), |m| m.label.clone()),
                weight_text: weighted.then(|| weight_text(c.weight)),
                a: a_text,
                b: b_text,
                winner,
            }
        })
        .collect();
    let tally = format!(
        "{} wins {} of {} criteria, {} wins {}.",
        a.name,
        wins.0,
        rows.len(),
        b.name,
        wins.1
    );
    Some(CriteriaTable {
        use_case: site.use_case_link(index)?.clone(),
        id: format!("criteria-{}", u.slug),
        weighted,
        rows,
        tally,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_has_one_address() {
        assert_eq!(
            compare_path("gpt-5.5", "claude-opus-4.7"),
            "compare/claude-opus-4.7-vs-gpt-5.5/"
        );
        assert_eq!(
            compare_path("claude-opus-4.7", "gpt-5.5"),
            "compare/claude-opus-4.7-vs-gpt-5.5/"
        );
    }
}
