//! The ranking engine: SPEC §3, exactly.
//!
//! Pure functions over plain values: a [`Spec`] and the [`Contender`]s in, a [`Ranking`] out.
//! Nothing here reads files or knows about pages, so the order a page prints can be
//! recomputed (and property-tested) from the same inputs alone.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::format::Shortest;
use serde::{Deserialize, Serialize};

pub mod robust;

pub use robust::{Field, RangeSearch, Robustness, Search, Shift, Swap};

/// Scores closer than this are equal and go to the tie-breakers.
pub const SCORE_EPSILON: f64 = 1e-9;

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Higher,
    Lower,
}

impl Better {
    /// Orders two present values so that the better one comes first.
    fn order(self, a: f64, b: f64) -> Ordering {
        match self {
            Better::Higher => b.total_cmp(&a),
            Better::Lower => a.total_cmp(&b),
        }
    }

    /// Orders two optional values: the better first, a missing value last.
    pub fn order_missing_last(self, a: Option<f64>, b: Option<f64>) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => self.order(a, b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    #[default]
    Weighted,
    Ordered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    #[default]
    Linear,
    Log,
}

/// What a criterion does with a model that lacks its figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Missing {
    /// The model stays and scores nothing on this criterion.
    #[default]
    Zero,
    /// The model is removed from the candidates before normalisation.
    Exclude,
}

/// What a filter does with a model that lacks its figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FilterMissing {
    Pass,
    #[default]
    Fail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl Op {
    pub fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            Op::Ge => value >= bound,
            Op::Gt => value > bound,
            Op::Le => value <= bound,
            Op::Lt => value < bound,
            Op::Eq => value == bound,
            Op::Ne => value != bound,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub metric: String,
    pub better: Better,
    /// Percent; ignored by the `ordered` method.
    pub weight: f64,
    pub scale: Scale,
    pub missing: Missing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub metric: String,
    pub op: Op,
    pub value: f64,
    pub missing: FilterMissing,
}

impl Filter {
    /// What follows the model's figure in the reason of a model that fails this filter; the
    /// same for every model it excludes.
    pub fn failed_ending(&self) -> String {
        format!(", fails filter {} {}", self.op, Shortest(self.value))
    }

    /// The reason of a model whose figure `value` fails this filter, with the filter's
    /// [`Filter::failed_ending`]. A large catalogue has hundreds of such models per use case,
    /// so the ending is not formatted again for each.
    pub fn failed_by(&self, value: f64, ending: &str) -> String {
        self.failed_with(&Shortest(value).to_string(), ending)
    }

    /// Like [`Filter::failed_by`], with the value already written as [`Shortest`] writes it.
    pub fn failed_with(&self, value: &str, ending: &str) -> String {
        let mut reason = String::with_capacity(self.metric.len() + ending.len() + value.len() + 4);
        reason.push_str(&self.metric);
        reason.push_str(" is ");
        reason.push_str(value);
        reason.push_str(ending);
        reason
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TieBreaker {
    pub metric: String,
    pub better: Better,
}

/// A use case's ranking configuration, with every metric's direction resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub method: Method,
    pub criteria: Vec<Criterion>,
    pub filters: Vec<Filter>,
    pub tie_breakers: Vec<TieBreaker>,
    pub top: usize,
    /// How far, in percentage points, each weight may move when rank ranges are computed
    /// (see [`robust`]); ignored by the `ordered` method.
    pub weight_band: u32,
}

/// The band of weight shifts a use case gets when it names none.
pub const DEFAULT_WEIGHT_BAND: u32 = 5;

/// Wider bands say little (a quarter of the total weight moves) and take long to search.
pub const MAX_WEIGHT_BAND: u32 = 25;

/// One model as the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Contender {
    /// Shared with every ranking's rows and exclusions: each use case ranks or leaves out
    /// every model, so a copy per ranking would be a string per model and use case.
    pub id: Arc<str>,
    /// Set when the model's status keeps it out of every ranking (e.g. "deprecated").
    pub inactive: Option<String>,
    /// The figures the model has; a metric absent here is missing.
    pub values: BTreeMap<String, f64>,
}

impl Contender {
    fn value(&self, metric: &str) -> Option<f64> {
        self.values.get(metric).copied()
    }
}

/// Why a model is not ranked.
#[derive(Debug, Clone, PartialEq)]
pub enum Exclusion {
    Status(String),
    /// The model lacks the figure of the filter at this index.
    FilterMissing(usize),
    /// The model's figure fails the filter at this index.
    FilterFailed {
        filter: usize,
        value: f64,
    },
    /// The model lacks the figure of a `missing: exclude` criterion at this index.
    CriterionMissing(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Excluded {
    pub id: Arc<str>,
    pub why: Exclusion,
}

impl Excluded {
    /// The reason in the words of `ranking.json`.
    pub fn reason(&self, spec: &Spec) -> String {
        match &self.why {
            Exclusion::Status(status) => format!("status is {status}"),
            Exclusion::FilterMissing(i) => {
                let f = &spec.filters[*i];
                format!(
                    "{} is missing (filter {} {})",
                    f.metric,
                    f.op,
                    Shortest(f.value)
                )
            }
            Exclusion::FilterFailed { filter, value } => {
                let f = &spec.filters[*filter];
                f.failed_by(*value, &f.failed_ending())
            }
            Exclusion::CriterionMissing(i) => {
                let c = &spec.criteria[*i];
                format!("{} is missing (criterion with missing: exclude)", c.metric)
            }
        }
    }
}

/// A model's result on one criterion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    pub value: Option<f64>,
    /// `None` under the `ordered` method, which does not normalise.
    pub normalized: Option<f64>,
    pub contribution: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub id: Arc<str>,
    /// 1-based; ties are broken, so ranks are never shared.
    pub rank: usize,
    /// `None` under the `ordered` method.
    pub score: Option<f64>,
    /// One entry per criterion, in the configuration's order.
    pub parts: Vec<Part>,
    /// The best and the worst rank the model takes over the weight band (see [`robust`]);
    /// `None` under the `ordered` method.
    pub rank_range: Option<[usize; 2]>,
}

/// A criterion's range over the candidates, in its own scale (logarithms under `log`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub lo: f64,
    pub hi: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// Per criterion; `None` when no candidate has the figure (or under `ordered`).
    pub bounds: Vec<Option<Bounds>>,
    pub ranked: Vec<Ranked>,
    /// Sorted by model id.
    pub excluded: Vec<Excluded>,
    /// Neighbours in the ranking that change places somewhere in the weight band, by rank.
    pub swaps: Vec<Swap>,
}

impl Ranking {
    pub fn position(&self, id: &str) -> Option<&Ranked> {
        self.ranked.iter().find(|r| *r.id == *id)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RankError {
    #[error("a weighted ranking needs at least one criterion")]
    NoCriteria,
    #[error("the weight of `{metric}` is {weight}; weights must be greater than 0")]
    Weight { metric: String, weight: f64 },
    #[error("the weights add up to {sum}, not 100")]
    WeightSum { sum: f64 },
    #[error("`weight_band` is {band}; it can be at most {MAX_WEIGHT_BAND} points")]
    WeightBand { band: u32 },
    #[error(
        "`{metric}` uses a log scale but `{model}` has the value {value}; a log scale needs values above 0"
    )]
    NonPositiveLog {
        model: String,
        metric: String,
        value: f64,
    },
}

/// Checks what the configuration alone can get wrong.
pub fn check_spec(spec: &Spec) -> Result<(), RankError> {
    if spec.method == Method::Ordered {
        return Ok(());
    }
    if spec.criteria.is_empty() {
        return Err(RankError::NoCriteria);
    }
    if spec.weight_band > MAX_WEIGHT_BAND {
        return Err(RankError::WeightBand {
            band: spec.weight_band,
        });
    }
    if let Some(c) = spec
        .criteria
        .iter()
        .find(|c| !(c.weight.is_finite() && c.weight > 0.0))
    {
        return Err(RankError::Weight {
            metric: c.metric.clone(),
            weight: c.weight,
        });
    }
    let sum: f64 = spec.criteria.iter().map(|c| c.weight).sum();
    if (sum - 100.0).abs() > SCORE_EPSILON {
        return Err(RankError::WeightSum { sum });
    }
    Ok(())
}

/// Ranks the contenders under the spec.
///
/// The result does not depend on the order of `contenders`: they are processed in id order.
pub fn rank(spec: &Spec, contenders: &[Contender]) -> Result<Ranking, RankError> {
    rank_with(spec, contenders, &Search)
}

/// Like [`rank`], with the rank ranges from `search`.
pub fn rank_with(
    spec: &Spec,
    contenders: &[Contender],
    search: &dyn RangeSearch,
) -> Result<Ranking, RankError> {
    check_spec(spec)?;
    let mut field: Vec<&Contender> = contenders.iter().collect();
    field.sort_by(|a, b| a.id.cmp(&b.id));

    let mut excluded = Vec::new();
    let mut candidates = Vec::new();
    for contender in field {
        match exclusion(spec, contender) {
            Some(why) => excluded.push(Excluded {
                id: contender.id.clone(),
                why,
            }),
            None => candidates.push(contender),
        }
    }

    let (bounds, mut ranked) = match spec.method {
        Method::Weighted => score(spec, &candidates)?,
        Method::Ordered => (vec![None; spec.criteria.len()], unscored(spec, &candidates)),
    };
    order(spec, &candidates, &mut ranked);
    for (i, r) in ranked.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    let swaps = match spec.method {
        Method::Weighted => {
            let keys = tie_keys(spec, &candidates, &ranked);
            robust::apply(spec, &keys, &mut ranked, search)
        }
        Method::Ordered => Vec::new(),
    };
    Ok(Ranking {
        bounds,
        ranked,
        excluded,
        swaps,
    })
}

/// The first reason, in the order of SPEC §3, that keeps a model out.
fn exclusion(spec: &Spec, c: &Contender) -> Option<Exclusion> {
    if let Some(status) = &c.inactive {
        return Some(Exclusion::Status(status.clone()));
    }
    for (i, f) in spec.filters.iter().enumerate() {
        match c.value(&f.metric) {
            None if f.missing == FilterMissing::Fail => return Some(Exclusion::FilterMissing(i)),
            None => {}
            Some(v) if !f.op.holds(v, f.value) => {
                return Some(Exclusion::FilterFailed {
                    filter: i,
                    value: v,
                });
            }
            Some(_) => {}
        }
    }
    spec.criteria
        .iter()
        .position(|k| k.missing == Missing::Exclude && c.value(&k.metric).is_none())
        .map(Exclusion::CriterionMissing)
}

fn scaled(criterion: &Criterion, model: &str, value: f64) -> Result<f64, RankError> {
    match criterion.scale {
        Scale::Linear => Ok(value),
        Scale::Log if value > 0.0 => Ok(value.ln()),
        Scale::Log => Err(RankError::NonPositiveLog {
            model: model.to_string(),
            metric: criterion.metric.clone(),
            value,
        }),
    }
}

type Scored = (Vec<Option<Bounds>>, Vec<Ranked>);

fn score(spec: &Spec, candidates: &[&Contender]) -> Result<Scored, RankError> {
    let mut bounds = Vec::with_capacity(spec.criteria.len());
    // scaled[i][j]: criterion i, candidate j.
    let mut scaled_values = Vec::with_capacity(spec.criteria.len());
    for criterion in &spec.criteria {
        let values = candidates
            .iter()
            .map(|c| {
                c.value(&criterion.metric)
                    .map(|v| scaled(criterion, &c.id, v))
                    .transpose()
            })
            .collect::<Result<Vec<_>, _>>()?;
        bounds.push(range(&values));
        scaled_values.push(values);
    }
    let ranked = candidates
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let parts: Vec<Part> = spec
                .criteria
                .iter()
                .enumerate()
                .map(|(i, k)| part(k, c.value(&k.metric), scaled_values[i][j], bounds[i]))
                .collect();
            let score = parts.iter().filter_map(|p| p.contribution).sum();
            Ranked {
                id: c.id.clone(),
                rank: 0,
                score: Some(score),
                parts,
                rank_range: None,
            }
        })
        .collect();
    Ok((bounds, ranked))
}

fn range(values: &[Option<f64>]) -> Option<Bounds> {
    values.iter().flatten().fold(None, |acc, &v| match acc {
        None => Some(Bounds { lo: v, hi: v }),
        Some(b) => Some(Bounds {
            lo: b.lo.min(v),
            hi: b.hi.max(v),
        }),
    })
}

fn part(k: &Criterion, raw: Option<f64>, scaled: Option<f64>, bounds: Option<Bounds>) -> Part {
    let normalized = match (scaled, bounds) {
        (Some(_), Some(b)) if b.hi == b.lo => 1.0,
        (Some(v), Some(b)) => match k.better {
            Better::Higher => (v - b.lo) / (b.hi - b.lo),
            Better::Lower => (b.hi - v) / (b.hi - b.lo),
        },
        _ => 0.0,
    };
    Part {
        value: raw,
        normalized: Some(normalized),
        contribution: Some(k.weight * normalized),
    }
}

fn unscored(spec: &Spec, candidates: &[&Contender]) -> Vec<Ranked> {
    candidates
        .iter()
        .map(|c| Ranked {
            id: c.id.clone(),
            rank: 0,
            score: None,
            parts: spec
                .criteria
                .iter()
                .map(|k| Part {
                    value: c.value(&k.metric),
                    normalized: None,
                    contribution: None,
                })
                .collect(),
            rank_range: None,
        })
        .collect()
}

/// Orders two candidates by the tie-breakers in turn, then by id.
fn tie_break(spec: &Spec, a: &Contender, b: &Contender) -> Ordering {
    spec.tie_breakers
        .iter()
        .map(|t| {
            t.better
                .order_missing_last(a.value(&t.metric), b.value(&t.metric))
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
        .then_with(|| a.id.cmp(&b.id))
}

fn by_id<'a>(candidates: &[&'a Contender]) -> BTreeMap<&'a str, &'a Contender> {
    candidates.iter().map(|c| (&*c.id, *c)).collect()
}

/// Each ranked model's position under the tie-breakers alone (then id), in rank order.
fn tie_keys(spec: &Spec, candidates: &[&Contender], ranked: &[Ranked]) -> Vec<usize> {
    let by_id = by_id(candidates);
    let mut positions: Vec<usize> = (0..ranked.len()).collect();
    positions.sort_by(|&a, &b| tie_break(spec, by_id[&*ranked[a].id], by_id[&*ranked[b].id]));
    let mut keys = vec![0; ranked.len()];
    for (key, &j) in positions.iter().enumerate() {
        keys[j] = key;
    }
    keys
}

/// Sorts by score, highest first, as SPEC §3 orders a weighted ranking.
///
/// Equal-within-epsilon is not transitive, so a comparator cannot use it. Sort by exact score
/// first, then treat each run of scores that step by less than the epsilon as one tie group
/// and order the group by `ties` (the tie-breakers, then the id).
fn sort_by_score<T>(items: &mut [T], score: impl Fn(&T) -> f64, ties: impl Fn(&T, &T) -> Ordering) {
    items.sort_by(|a, b| score(b).total_cmp(&score(a)).then_with(|| ties(a, b)));
    let mut start = 0;
    for end in 1..=items.len() {
        let split = end == items.len()
            || (score(&items[end - 1]) - score(&items[end])).abs() >= SCORE_EPSILON;
        if split {
            items[start..end].sort_by(&ties);
            start = end;
        }
    }
}

/// Sorts in place: by score (or the ordered criteria), then tie-breakers, then id.
fn order(spec: &Spec, candidates: &[&Contender], ranked: &mut [Ranked]) {
    let by_id = by_id(candidates);
    let ties = |a: &Ranked, b: &Ranked| tie_break(spec, by_id[&*a.id], by_id[&*b.id]);
    match spec.method {
        Method::Ordered => ranked.sort_by(|a, b| {
            a.parts
                .iter()
                .zip(&b.parts)
                .zip(&spec.criteria)
                .map(|((pa, pb), k)| k.better.order_missing_last(pa.value, pb.value))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
                .then_with(|| ties(a, b))
        }),
        Method::Weighted => sort_by_score(ranked, |r| r.score.unwrap_or(0.0), ties),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contender(id: &str, values: &[(&str, f64)]) -> Contender {
        Contender {
            id: id.into(),
            inactive: None,
            values: values.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        }
    }

    fn criterion(metric: &str, weight: f64, better: Better) -> Criterion {
        Criterion {
            metric: metric.to_string(),
            better,
            weight,
            scale: Scale::Linear,
            missing: Missing::Zero,
        }
    }

    fn weighted(criteria: Vec<Criterion>) -> Spec {
        Spec {
            method: Method::Weighted,
            criteria,
            filters: vec![],
            tie_breakers: vec![],
            top: 5,
            weight_band: DEFAULT_WEIGHT_BAND,
        }
    }

    fn ids(r: &Ranking) -> Vec<&str> {
        r.ranked.iter().map(|r| &*r.id).collect()
    }

    #[test]
    fn weighted_scores_by_hand() {
        // quality 60/80/100 (higher better), price 10/20/40 (lower better), weights 70/30.
        // a: q 0.0, p 1.0      -> 0 + 30 = 30
        // b: q 0.5, p 0.666..  -> 35 + 20 = 55
        // c: q 1.0, p 0.0      -> 70 + 0 = 70
        let spec = weighted(vec![
            criterion("q", 70.0, Better::Higher),
            criterion("p", 30.0, Better::Lower),
        ]);
        let field = [
            contender("a", &[("q", 60.0), ("p", 10.0)]),
            contender("b", &[("q", 80.0), ("p", 20.0)]),
            contender("c", &[("q", 100.0), ("p", 40.0)]),
        ];
        let r = rank(&spec, &field).unwrap();
        assert_eq!(ids(&r), ["c", "b", "a"]);
        let scores: Vec<f64> = r.ranked.iter().map(|x| x.score.unwrap()).collect();
        assert!((scores[0] - 70.0).abs() < 1e-12);
        assert!((scores[1] - 55.0).abs() < 1e-12);
        assert!((scores[2] - 30.0).abs() < 1e-12);
        assert_eq!(r.bounds[1], Some(Bounds { lo: 10.0, hi: 40.0 }));
        assert_eq!(r.ranked[1].parts[1].contribution, Some(20.0));
    }

    #[test]
    fn log_scale_normalises_logarithms() {
        // prices 1, 10, 100 on a log scale: ln spacing is even, so 10 sits at 0.5.
        let mut k = criterion("p", 100.0, Better::Lower);
        k.scale = Scale::Log;
        let spec = weighted(vec![k]);
        let field = [
            contender("a", &[("p", 1.0)]),
            contender("b", &[("p", 10.0)]),
            contender("c", &[("p", 100.0)]),
        ];
        let r = rank(&spec, &field).unwrap();
        assert_eq!(ids(&r), ["a", "b", "c"]);
        assert!((r.ranked[1].score.unwrap() - 50.0).abs() < 1e-9);
        let b = r.bounds[0].unwrap();
        assert!((b.hi - 100f64.ln()).abs() < 1e-12 && b.lo == 0.0);
    }

    #[test]
    fn log_scale_rejects_non_positive_values() {
        let mut k = criterion("p", 100.0, Better::Lower);
        k.scale = Scale::Log;
        let err = rank(&weighted(vec![k]), &[contender("free", &[("p", 0.0)])]).unwrap_err();
        assert!(matches!(err, RankError::NonPositiveLog { ref model, .. } if model == "free"));
    }

    #[test]
    fn weights_must_sum_to_100() {
        let spec = weighted(vec![criterion("q", 60.0, Better::Higher)]);
        assert_eq!(
            rank(&spec, &[]).unwrap_err(),
            RankError::WeightSum { sum: 60.0 }
        );
        let spec = weighted(vec![
            criterion("q", 110.0, Better::Higher),
            criterion("p", -10.0, Better::Lower),
        ]);
        assert!(matches!(rank(&spec, &[]), Err(RankError::Weight { .. })));
    }

    #[test]
    fn missing_values_score_zero_or_exclude() {
        let mut spec = weighted(vec![
            criterion("q", 50.0, Better::Higher),
            criterion("s", 50.0, Better::Higher),
        ]);
        let field = [
            contender("a", &[("q", 1.0), ("s", 5.0)]),
            contender("b", &[("q", 2.0)]),
            contender("c", &[("q", 3.0), ("s", 1.0)]),
        ];
        // zero: b keeps its quality share only: a 0+50, b 25+0, c 50+0 -> a=50, c=50, b=25.
        let r = rank(&spec, &field).unwrap();
        assert_eq!(ids(&r), ["a", "c", "b"]);
        assert_eq!(r.ranked[2].parts[1].normalized, Some(0.0));
        // exclude: b leaves before normalisation, so q spans 1..3 over a and c only.
        spec.criteria[1].missing = Missing::Exclude;
        let r = rank(&spec, &field).unwrap();
        assert_eq!(ids(&r), ["a", "c"]);
        assert_eq!(r.excluded[0].why, Exclusion::CriterionMissing(1));
        assert_eq!(
            r.excluded[0].reason(&spec),
            "s is missing (criterion with missing: exclude)"
        );
        assert_eq!(r.bounds[0], Some(Bounds { lo: 1.0, hi: 3.0 }));
    }

    #[test]
    fn filters_exclude_with_reasons() {
        let mut spec = weighted(vec![criterion("q", 100.0, Better::Higher)]);
        spec.filters.push(Filter {
            metric: "ctx".into(),
            op: Op::Ge,
            value: 200000.0,
            missing: FilterMissing::Fail,
        });
        let mut old = contender("old", &[("q", 9.0), ("ctx", 1e6)]);
        old.inactive = Some("deprecated".into());
        let field = [
            contender("big", &[("q", 1.0), ("ctx", 1e6)]),
            contender("small", &[("q", 2.0), ("ctx", 128000.0)]),
            contender("unknown", &[("q", 3.0)]),
            old,
        ];
        let r = rank(&spec, &field).unwrap();
        assert_eq!(ids(&r), ["big"]);
        let reasons: Vec<String> = r.excluded.iter().map(|e| e.reason(&spec)).collect();
        assert_eq!(
            reasons,
            [
                "status is deprecated",
                "ctx is 128000, fails filter >= 200000",
                "ctx is missing (filter >= 200000)",
            ]
        );
        spec.filters[0].missing = FilterMissing::Pass;
        let r = rank(&spec, &field).unwrap();
        assert_eq!(ids(&r), ["unknown", "big"]);
    }

    #[test]
    fn equal_values_give_everyone_full_marks() {
        let spec = weighted(vec![criterion("q", 100.0, Better::Higher)]);
        let field = [contender("b", &[("q", 7.0)]), contender("a", &[("q", 7.0)])];
        let r = rank(&spec, &field).unwrap();
        assert_eq!(r.ranked[0].parts[0].normalized, Some(1.0));
        // Equal scores with no tie-breaker fall back to the id.
        assert_eq!(ids(&r), ["a", "b"]);
    }

    #[test]
    fn tie_breakers_order_equal_scores_missing_last() {
        let mut spec = weighted(vec![criterion("q", 100.0, Better::Higher)]);
        spec.tie_breakers.push(TieBreaker {
            metric: "speed".into(),
            better: Better::Higher,
        });
        let field = [
            contender("a", &[("q", 5.0)]),
            contender("b", &[("q", 5.0), ("speed", 10.0)]),
            contender("c", &[("q", 5.0 + 1e-12), ("speed", 50.0)]),
        ];
        let r = rank(&spec, &field).unwrap();
        assert_eq!(ids(&r), ["c", "b", "a"]);
    }

    #[test]
    fn ordered_method_sorts_by_metrics_in_turn() {
        let spec = Spec {
            method: Method::Ordered,
            criteria: vec![
                criterion("q", 0.0, Better::Higher),
                criterion("price", 0.0, Better::Lower),
            ],
            filters: vec![],
            tie_breakers: vec![],
            top: 5,
            weight_band: DEFAULT_WEIGHT_BAND,
        };
        let field = [
            contender("a", &[("q", 2.0), ("price", 9.0)]),
            contender("b", &[("q", 2.0), ("price", 3.0)]),
            contender("c", &[("price", 1.0)]),
            contender("d", &[("q", 4.0)]),
        ];
        let r = rank(&spec, &field).unwrap();
        assert_eq!(ids(&r), ["d", "b", "a", "c"]);
        assert!(r.ranked.iter().all(|x| x.score.is_none()));
        assert_eq!(r.bounds, vec![None, None]);
    }
}
