//! Rank ranges: how solid each rank of a weighted ranking is when the weights move.
//!
//! The grid is every combination of whole-point shifts `d_i ∈ {−band, …, +band}`, one per
//! criterion, leaving out the combinations in which a weight would drop to 0 or below. Each
//! combination's weights are renormalised to sum to 100 ([`renormalised`]) and the ranking is
//! computed again by SPEC §3; the normalised values do not change, only the weights do. A
//! model's range is its best and worst rank over the grid, the unshifted point included.
//!
//! Ranking every point would cost `(2·band + 1)^k` full rankings. The search below cuts the
//! grid into boxes, each time in two halves along the criterion the model's undecided pairs
//! depend on most, and reasons about pairs of models instead of points: the difference of
//! two scores is a linear function of the raw weights divided by their (positive) sum, so
//! its bounds over a box come from the ends of each criterion's span at once. Halving keeps
//! boxes large for as long as they can settle pairs, where fixing one shift at a time would
//! make `2·band + 1` boxes of every box. A pair whose order cannot change inside a box is
//! settled for the whole box; a model whose pairs are all settled has a single rank there;
//! and a box in which the model cannot beat the best (or worst) rank found so far is skipped.
//! Only where two scores come within a few epsilons of each other, where the tie rule and
//! chains of near-equal scores decide, is a point ranked in full, by the same ordering code
//! as [`rank`](super::rank).

use std::cmp::Ordering;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use super::{Ranked, SCORE_EPSILON, Spec, sort_by_score};

/// More than the rounding error of a score (at most a few units in the last place of 100).
const ROUNDING: f64 = 1e-11;

/// Two neighbours of the published ranking that change places somewhere in the weight band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swap {
    /// The upper rank of the two: the models at `rank` and `rank + 1` swap.
    pub rank: usize,
    /// The smallest shift of a single weight (the others unchanged before renormalising) from
    /// which on, up to the edge of the band, the lower model ranks above the upper one;
    /// `None` when only shifts of several weights together swap them.
    pub shift: Option<Shift>,
}

/// A shift of one criterion's weight, in whole percentage points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    /// Index into the spec's criteria.
    pub criterion: usize,
    /// Signed: +4 raises the weight by 4 points before renormalising.
    pub points: i32,
}

/// The weights after shifting each by its number of points and scaling them to sum to 100:
/// `w'_i = (w_i + d_i) × 100 / Σ_j (w_j + d_j)`.
pub fn renormalised(weights: &[f64], shifts: &[i32]) -> Vec<f64> {
    let raw = raw(weights, shifts);
    let sum: f64 = raw.iter().sum();
    raw.iter().map(|v| v * 100.0 / sum).collect()
}

/// The lowest shift within the band that keeps a weight above 0.
fn lowest_shift(weight: f64, band: i32) -> i32 {
    (-band..=0)
        .find(|&d| weight + f64::from(d) > 0.0)
        .unwrap_or(0)
}

/// How many combinations of shifts the grid holds.
pub fn grid_points(weights: &[f64], band: u32) -> u64 {
    let band = i32::try_from(band).unwrap_or(i32::MAX);
    weights
        .iter()
        .map(|&w| u64::try_from(band - lowest_shift(w, band) + 1).unwrap_or(0))
        .fold(1, u64::saturating_mul)
}

/// Computes every ranked model's `rank_range` and the swaps of neighbours, asking `search`
/// for them.
pub(super) fn apply(
    spec: &Spec,
    tie_keys: &[usize],
    ranked: &mut [Ranked],
    search: &dyn RangeSearch,
) -> Vec<Swap> {
    let field = Field::new(spec, tie_keys, ranked);
    let found = search.robustness(&field);
    for (r, range) in ranked.iter_mut().zip(found.ranges) {
        r.rank_range = Some(range);
    }
    found.swaps
}

/// What the grid holds for one ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Robustness {
    /// Each ranked model's best and worst rank, in the published order.
    pub ranges: Vec<[usize; 2]>,
    pub swaps: Vec<Swap>,
}

/// Where a ranking's rank ranges come from. The search is most of what ranking costs, and
/// its answer depends on nothing but the [`Field`], so a caller that ranks the same use
/// cases again and again may keep the answers ([`Field::key`], [`Field::encode`],
/// [`Field::decode`]) instead of searching each time, as [`Search`] does.
pub trait RangeSearch: Sync {
    fn robustness(&self, field: &Field) -> Robustness;
}

/// Searches the grid every time.
pub struct Search;

impl RangeSearch for Search {
    fn robustness(&self, field: &Field) -> Robustness {
        field.search()
    }
}

/// The ranked models as the grid sees them, in their published order: everything the rank
/// ranges and swaps depend on.
pub struct Field {
    weights: Vec<f64>,
    band: i32,
    /// Per criterion, the lowest shift that keeps its weight above 0.
    lowest: Vec<i32>,
    /// Model `j`'s normalised value on criterion `i` at `j * k + i`.
    normalized: Vec<f64>,
    /// Each model's position under the tie-breakers, then the id.
    tie_keys: Vec<usize>,
}

impl Field {
    fn new(spec: &Spec, tie_keys: &[usize], ranked: &[Ranked]) -> Field {
        let band = i32::try_from(spec.weight_band).unwrap_or(i32::MAX);
        let weights: Vec<f64> = spec.criteria.iter().map(|c| c.weight).collect();
        let lowest = weights.iter().map(|&w| lowest_shift(w, band)).collect();
        let normalized = ranked
            .iter()
            .flat_map(|r| r.parts.iter().map(|p| p.normalized.unwrap_or(0.0)))
            .collect();
        Field {
            weights,
            band,
            lowest,
            normalized,
            tie_keys: tie_keys.to_vec(),
        }
    }

    /// Searches the grid.
    pub fn search(&self) -> Robustness {
        Robustness {
            ranges: ranges(self),
            swaps: swaps(self),
        }
    }

    /// The field as bytes: two fields with equal keys have the same [`Robustness`].
    pub fn key(&self) -> Vec<u8> {
        let mut key = Vec::with_capacity(12 + 8 * (self.weights.len() + self.normalized.len()));
        let mut word = |n: usize| key.extend_from_slice(&(n as u64).to_le_bytes());
        word(self.band.unsigned_abs() as usize);
        word(self.criteria());
        word(self.models());
        self.tie_keys.iter().for_each(|&t| word(t));
        for v in self.weights.iter().chain(&self.normalized) {
            key.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        key
    }

    /// `found` as bytes that [`Field::decode`] reads back for this field alone: they begin
    /// with a hash of the key, so an answer is never taken for another field's.
    pub fn encode(&self, found: &Robustness) -> Vec<u8> {
        let mut out = xxh3_128(&self.key()).to_le_bytes().to_vec();
        let mut word = |n: i64| out.extend_from_slice(&n.to_le_bytes());
        word(found.ranges.len() as i64);
        for &[best, worst] in &found.ranges {
            word(best as i64);
            word(worst as i64);
        }
        word(found.swaps.len() as i64);
        for swap in &found.swaps {
            word(swap.rank as i64);
            match swap.shift {
                Some(s) => {
                    word(s.criterion as i64);
                    word(i64::from(s.points));
                }
                None => {
                    word(-1);
                    word(0);
                }
            }
        }
        out
    }

    /// What [`Field::encode`] wrote for this field; `None` for anything else, or for an
    /// answer no search of this field could give.
    pub fn decode(&self, bytes: &[u8]) -> Option<Robustness> {
        let (hash, rest) = bytes.split_first_chunk::<16>()?;
        if rest.len() % 8 != 0 || u128::from_le_bytes(*hash) != xxh3_128(&self.key()) {
            return None;
        }
        let mut words = rest
            .chunks(8)
            .map(|w| Some(i64::from_le_bytes(w.try_into().ok()?)));
        let mut next = || words.next().flatten();
        let n = self.models();
        let count = |v: i64, max: usize| usize::try_from(v).ok().filter(|&c| c <= max);
        let mut ranges = Vec::with_capacity(n);
        for j in 1..=count(next()?, n).filter(|&c| c == n)? {
            let best = count(next()?, n)?;
            let worst = count(next()?, n)?;
            (1 <= best && best <= j && j <= worst).then_some(())?;
            ranges.push([best, worst]);
        }
        let mut swaps: Vec<Swap> = Vec::new();
        for _ in 0..count(next()?, n.saturating_sub(1))? {
            let rank = count(next()?, n.saturating_sub(1)).filter(|&r| r >= 1)?;
            let (criterion, points) = (next()?, next()?);
            let shift = match criterion {
                -1 if points == 0 => None,
                _ => Some(Shift {
                    criterion: count(criterion, self.criteria().saturating_sub(1))?,
                    points: i32::try_from(points)
                        .ok()
                        .filter(|p| *p != 0 && p.abs() <= self.band)?,
                }),
            };
            if swaps.last().is_some_and(|s| s.rank >= rank) {
                return None;
            }
            swaps.push(Swap { rank, shift });
        }
        next().is_none().then_some(Robustness { ranges, swaps })
    }

    fn criteria(&self) -> usize {
        self.weights.len()
    }

    fn models(&self) -> usize {
        self.tie_keys.len()
    }

    fn row(&self, j: usize) -> &[f64] {
        let k = self.criteria();
        &self.normalized[j * k..(j + 1) * k]
    }

    /// Every model's rank at one point of the grid, exactly as [`rank`](super::rank) orders.
    fn ranks_at(&self, shifts: &[i32]) -> Vec<usize> {
        let weights = renormalised(&self.weights, shifts);
        let scores: Vec<f64> = (0..self.models())
            .map(|j| weights.iter().zip(self.row(j)).map(|(w, n)| w * n).sum())
            .collect();
        let mut order: Vec<usize> = (0..self.models()).collect();
        sort_by_score(
            &mut order,
            |&j| scores[j],
            |&a, &b| self.tie_keys[a].cmp(&self.tie_keys[b]),
        );
        let mut ranks = vec![0; order.len()];
        for (i, &j) in order.iter().enumerate() {
            ranks[j] = i + 1;
        }
        ranks
    }

    /// The model of a pair settled over a box that ranks below the other there.
    fn lower(&self, a: usize, b: usize, how: Settled) -> usize {
        match (how, self.tie_keys[a].cmp(&self.tie_keys[b])) {
            (Settled::Above, _) | (Settled::Tied, Ordering::Less) => b,
            _ => a,
        }
    }

    /// A score difference of more than this keeps two models apart: beyond a whole chain of
    /// near-equal scores between them, so never in one tie group.
    fn margin(&self) -> f64 {
        SCORE_EPSILON * (self.models() as f64 + 2.0)
    }
}

/// A box of the grid: each criterion's shift runs over `from[i]..=to[i]`.
struct Region {
    from: Vec<i32>,
    to: Vec<i32>,
    /// Per criterion, the raw weight at the box's lowest and highest shift.
    low: Vec<f64>,
    high: Vec<f64>,
}

impl Region {
    /// The whole grid.
    fn whole(field: &Field) -> Region {
        let to = vec![field.band; field.criteria()];
        Region {
            low: raw(&field.weights, &field.lowest),
            high: raw(&field.weights, &to),
            from: field.lowest.clone(),
            to,
        }
    }

    /// The least and the most the raw weights add up to inside the box; positive, since no
    /// weight drops to 0.
    fn sums(&self) -> (f64, f64) {
        (self.low.iter().sum(), self.high.iter().sum())
    }

    /// Narrows (or widens back) criterion `i` to the shifts `from..=to`.
    fn span(&mut self, field: &Field, i: usize, [from, to]: [i32; 2]) {
        self.from[i] = from;
        self.to[i] = to;
        self.low[i] = field.weights[i] + f64::from(from);
        self.high[i] = field.weights[i] + f64::from(to);
    }

    /// The two halves of criterion `i`'s span, in the order the search visits them.
    fn halves(&self, i: usize, upper_first: bool) -> [[i32; 2]; 2] {
        let (from, to) = (self.from[i], self.to[i]);
        let mid = from + (to - from) / 2;
        let (lower, upper) = ([from, mid], [mid + 1, to]);
        if upper_first {
            [upper, lower]
        } else {
            [lower, upper]
        }
    }
}

/// The weights with each shift added, before renormalising.
fn raw(weights: &[f64], shifts: &[i32]) -> Vec<f64> {
    weights
        .iter()
        .zip(shifts)
        .map(|(w, d)| w + f64::from(*d))
        .collect()
}

/// Two models and the difference of their normalised values, `a − b` per criterion.
struct Pair {
    a: usize,
    b: usize,
    delta: Vec<f64>,
}

impl Pair {
    fn new(field: &Field, a: usize, b: usize) -> Pair {
        let (row_a, row_b) = (field.row(a), field.row(b));
        Pair {
            a,
            b,
            delta: row_a.iter().zip(row_b).map(|(x, y)| x - y).collect(),
        }
    }

    /// How `a` and `b` are ordered over a box whose raw weights add up to `sums`.
    fn settle(&self, region: &Region, (sum_low, sum_high): (f64, f64), margin: f64) -> Settled {
        // The raw difference Σ delta × raw weight is linear in each weight, so its bounds
        // over the box come from the ends of each span.
        let (mut low, mut high) = (0.0, 0.0);
        for ((d, lo), hi) in self.delta.iter().zip(&region.low).zip(&region.high) {
            let (x, y) = (d * lo, d * hi);
            low += x.min(y);
            high += x.max(y);
        }
        // The score difference is 100 × raw difference / raw sum, and the raw sum is positive.
        if low > 0.0 && 100.0 * low / sum_high > margin {
            Settled::Above
        } else if high < 0.0 && -100.0 * high / sum_high > margin {
            Settled::Below
        } else if 100.0 * low.abs().max(high.abs()) / sum_low < SCORE_EPSILON - ROUNDING {
            Settled::Tied
        } else {
            Settled::Open
        }
    }

    /// How far criterion `i`'s span can move the raw difference inside the box.
    fn reach(&self, region: &Region, i: usize) -> f64 {
        self.delta[i].abs() * (region.high[i] - region.low[i])
    }
}

/// The order of a pair over a whole box of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settled {
    /// `a` scores more, by a margin no chain of near-ties can bridge.
    Above,
    Below,
    /// Always within the epsilon: one tie group, ordered by the tie-breakers.
    Tied,
    /// It depends on the point.
    Open,
}

/// The criterion whose span the given pairs depend on most, among those not yet a single
/// shift; `None` when the box is a single point.
fn widest<'p>(region: &Region, pairs: impl Iterator<Item = &'p Pair> + Clone) -> Option<usize> {
    (0..region.from.len())
        .filter(|&i| region.from[i] < region.to[i])
        .map(|i| (i, pairs.clone().map(|p| p.reach(region, i)).sum::<f64>()))
        .fold(None, |best: Option<(usize, f64)>, (i, reach)| match best {
            Some((_, r)) if r >= reach => best,
            _ => Some((i, reach)),
        })
        .map(|(i, _)| i)
}

/// Best and worst rank of every model over the grid.
fn ranges(field: &Field) -> Vec<[usize; 2]> {
    let whole = Region::whole(field);
    let sums = whole.sums();
    let margin = field.margin();
    let n = field.models();
    // Pairs settled over the whole grid count once and for all; each model keeps its others.
    let mut above = vec![0; n];
    let mut open: Vec<Vec<usize>> = vec![Vec::new(); n];
    for a in 0..n {
        for b in a + 1..n {
            match Pair::new(field, a, b).settle(&whole, sums, margin) {
                Settled::Open => {
                    open[a].push(b);
                    open[b].push(a);
                }
                how => above[field.lower(a, b, how)] += 1,
            }
        }
    }
    (0..n)
        .into_par_iter()
        .map(|m| {
            let mut solo = Solo::new(field, m, &open[m], above[m] + 1);
            [solo.search(Goal::Best), solo.search(Goal::Worst)]
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    Best,
    Worst,
}

/// A branch-and-bound search for one model's best or worst rank over the grid: each box is
/// cut in two along the criterion its open pairs depend on most, until every pair is
/// settled or the box is a single point.
struct Solo<'a> {
    field: &'a Field,
    /// The model's pairs still open over the whole grid, each with the model as `a`.
    pairs: Vec<Pair>,
    margin: f64,
    model: usize,
    /// One plus the models above it through pairs settled over the whole grid.
    base: usize,
    goal: Goal,
    /// The best (or worst) rank found so far.
    bound: usize,
    /// The box being explored.
    region: Region,
    /// The open pairs of every box on the path being explored: one buffer for the whole
    /// search instead of one per box.
    stack: Vec<usize>,
}

impl<'a> Solo<'a> {
    fn new(field: &'a Field, model: usize, open: &[usize], base: usize) -> Solo<'a> {
        Solo {
            field,
            pairs: open
                .iter()
                .map(|&other| Pair::new(field, model, other))
                .collect(),
            margin: field.margin(),
            model,
            base,
            goal: Goal::Best,
            bound: 0,
            region: Region::whole(field),
            stack: Vec::new(),
        }
    }

    fn search(&mut self, goal: Goal) -> usize {
        self.goal = goal;
        self.bound = self.model + 1;
        self.stack.clear();
        self.stack.extend(0..self.pairs.len());
        self.visit(0, 0);
        self.bound
    }

    /// Explores the current box. The stack from `from` on holds the model's pairs open in
    /// the enclosing box; `above` counts the models settled above it on the way down. The
    /// stack is as long on return as on entry.
    fn visit(&mut self, from: usize, above: usize) {
        let to = self.stack.len();
        let sums = self.region.sums();
        let mut above = above;
        for i in from..to {
            let p = self.stack[i];
            let pair = &self.pairs[p];
            match pair.settle(&self.region, sums, self.margin) {
                Settled::Open => self.stack.push(p),
                how => above += usize::from(self.field.lower(pair.a, pair.b, how) == self.model),
            }
        }
        let still = self.stack.len() - to;
        // Inside the box the rank lies between these two, whatever the open pairs do.
        let (low, high) = (self.base + above, self.base + above + still);
        let improves = match self.goal {
            Goal::Best => low < self.bound,
            Goal::Worst => high > self.bound,
        };
        if improves && still == 0 {
            self.bound = low;
        } else if improves {
            let open = self.stack[to..].iter().map(|&p| &self.pairs[p]);
            match widest(&self.region, open) {
                Some(criterion) => self.branch(criterion, to, above),
                None => {
                    let rank = self.field.ranks_at(&self.region.from)[self.model];
                    self.bound = match self.goal {
                        Goal::Best => self.bound.min(rank),
                        Goal::Worst => self.bound.max(rank),
                    };
                }
            }
        }
        self.stack.truncate(to);
    }

    /// Visits the two halves of the box along `criterion`, the one that favours the goal
    /// first, so that good bounds come early and prune the rest. The pairs still open are
    /// on the stack from `from` on.
    fn branch(&mut self, criterion: usize, from: usize, above: usize) {
        // Every pair has the model as `a`: a positive difference is in its favour.
        let pull: f64 = self.stack[from..]
            .iter()
            .map(|&p| self.pairs[p].delta[criterion])
            .sum();
        let rise = (pull > 0.0) == (self.goal == Goal::Best);
        let whole = [self.region.from[criterion], self.region.to[criterion]];
        for half in self.region.halves(criterion, rise) {
            self.region.span(self.field, criterion, half);
            self.visit(from, above);
        }
        self.region.span(self.field, criterion, whole);
    }
}

/// The neighbours that change places somewhere in the band, with the smallest single-weight
/// shift that swaps them.
fn swaps(field: &Field) -> Vec<Swap> {
    let singles = SingleShifts::new(field);
    (1..field.models())
        .filter_map(|lower| {
            let upper = lower - 1;
            let shift = singles.smallest(upper, lower);
            (shift.is_some() || can_swap(field, upper, lower))
                .then_some(Swap { rank: lower, shift })
        })
        .collect()
}

/// The ranking at every point of the grid where a single weight moves.
struct SingleShifts {
    /// Per criterion: the ranks with the weight raised by 1, 2, … points, and lowered.
    raised: Vec<Vec<Vec<usize>>>,
    lowered: Vec<Vec<Vec<usize>>>,
}

impl SingleShifts {
    fn new(field: &Field) -> SingleShifts {
        let k = field.criteria();
        let along = |i: usize, points: i32| {
            let mut shifts = vec![0; k];
            shifts[i] = points;
            field.ranks_at(&shifts)
        };
        SingleShifts {
            raised: (0..k)
                .map(|i| (1..=field.band).map(|t| along(i, t)).collect())
                .collect(),
            lowered: (0..k)
                .map(|i| (1..=-field.lowest[i]).map(|t| along(i, -t)).collect())
                .collect(),
        }
    }

    /// The smallest single shift from which on `lower` ranks above `upper` all the way to the
    /// edge of the band; on equal sizes the first criterion, and a rise before a fall.
    fn smallest(&self, upper: usize, lower: usize) -> Option<Shift> {
        let from = |ranks: &[Vec<usize>]| {
            let holds = ranks
                .iter()
                .rev()
                .take_while(|r| r[lower] < r[upper])
                .count();
            (holds > 0).then(|| ranks.len() - holds + 1)
        };
        let mut found: Vec<(usize, usize, i32)> = Vec::new();
        for (i, (up, down)) in self.raised.iter().zip(&self.lowered).enumerate() {
            found.extend(from(up).map(|t| (t, i, 1)));
            found.extend(from(down).map(|t| (t, i, -1)));
        }
        found
            .into_iter()
            .min_by_key(|&(t, i, sign)| (t, i, -sign))
            .map(|(t, criterion, sign)| Shift {
                criterion,
                points: sign * i32::try_from(t).unwrap_or(i32::MAX),
            })
    }
}

/// Whether `lower` ranks above `upper` at some point of the grid: the same box search as the
/// ranges, for one pair, stopping at the first such point.
fn can_swap(field: &Field, upper: usize, lower: usize) -> bool {
    let pair = Pair::new(field, upper, lower);
    Probe {
        field,
        pair: &pair,
        margin: field.margin(),
    }
    .look(&mut Region::whole(field))
}

struct Probe<'a> {
    field: &'a Field,
    pair: &'a Pair,
    margin: f64,
}

impl Probe<'_> {
    fn look(&self, region: &mut Region) -> bool {
        let (upper, lower) = (self.pair.a, self.pair.b);
        match self.pair.settle(region, region.sums(), self.margin) {
            Settled::Above => false,
            Settled::Below => true,
            Settled::Tied => self.field.tie_keys[lower] < self.field.tie_keys[upper],
            Settled::Open => match widest(region, std::iter::once(self.pair)) {
                None => {
                    let ranks = self.field.ranks_at(&region.from);
                    ranks[lower] < ranks[upper]
                }
                Some(criterion) => {
                    let whole = [region.from[criterion], region.to[criterion]];
                    // The half that favours `lower` first: the search stops at the first swap.
                    let upper_first = self.pair.delta[criterion] <= 0.0;
                    let halves = region.halves(criterion, upper_first);
                    let found = halves.into_iter().any(|half| {
                        region.span(self.field, criterion, half);
                        self.look(region)
                    });
                    region.span(self.field, criterion, whole);
                    found
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::{Better, Contender, Criterion, Method, Missing, Scale, TieBreaker, rank};

    fn contender(id: &str, values: &[(&str, f64)]) -> Contender {
        Contender {
            id: id.into(),
            inactive: None,
            values: values.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        }
    }

    fn spec(weights: &[(&str, f64)], band: u32) -> Spec {
        Spec {
            method: Method::Weighted,
            criteria: weights
                .iter()
                .map(|(m, w)| Criterion {
                    metric: m.to_string(),
                    better: Better::Higher,
                    weight: *w,
                    scale: Scale::Linear,
                    missing: Missing::Zero,
                })
                .collect(),
            filters: vec![],
            tie_breakers: vec![],
            top: 5,
            weight_band: band,
        }
    }

    /// Normalised values a (1, 0), b (0, 1), c (0.6, 0.3); weights q 52, p 48.
    fn three() -> Vec<Contender> {
        vec![
            contender("a", &[("q", 100.0), ("p", 0.0), ("t", 1.0)]),
            contender("b", &[("q", 0.0), ("p", 100.0), ("t", 2.0)]),
            contender("c", &[("q", 60.0), ("p", 30.0), ("t", 3.0)]),
        ]
    }

    fn ranges_of(r: &crate::rank::Ranking) -> Vec<(&str, [usize; 2])> {
        r.ranked
            .iter()
            .map(|x| (&*x.id, x.rank_range.unwrap()))
            .collect()
    }

    // With q's renormalised weight written s (so p weighs 100 − s), the scores are a = s,
    // b = 100 − s and c = 0.6 s + 0.3 (100 − s). Over ±5 points s runs from 47/100 (q −5,
    // p +5) to 57/100 (q +5, p −5). a passes b when s > 50; c passes b when s > 7/13 ≈ 53.85;
    // c would pass a only below s = 3/7 ≈ 42.86, outside the band. At s = 50 exactly (q −4,
    // or p +4, or any shift with q + 4 = p) a and b tie and the id puts a first.
    #[test]
    fn three_models_by_hand() {
        let r = rank(&spec(&[("q", 52.0), ("p", 48.0)], 5), &three()).unwrap();
        assert_eq!(ranges_of(&r), [("a", [1, 2]), ("b", [1, 3]), ("c", [2, 3])]);
        // a and b: q at 47 of 95 (−5) swaps them, q at 48 of 96 (−4) only ties them; p at
        // 53 of 105 (+5) swaps them too, and q comes first in the configuration.
        // b and c: p at 44 of 96 (−4) gives s = 52/96 ≈ 54.2; q needs +5 (57/105 ≈ 54.3),
        // since +4 (56/104) is exactly 7/13, a tie that the id gives to b.
        assert_eq!(
            r.swaps,
            [
                Swap {
                    rank: 1,
                    shift: Some(Shift {
                        criterion: 0,
                        points: -5
                    })
                },
                Swap {
                    rank: 2,
                    shift: Some(Shift {
                        criterion: 1,
                        points: -4
                    })
                },
            ]
        );
    }

    #[test]
    fn a_tie_breaker_decides_the_points_where_scores_tie() {
        let mut s = spec(&[("q", 52.0), ("p", 48.0)], 5);
        s.tie_breakers.push(TieBreaker {
            metric: "t".into(),
            better: Better::Higher,
        });
        let r = rank(&s, &three()).unwrap();
        assert_eq!(ranges_of(&r), [("a", [1, 2]), ("b", [1, 3]), ("c", [2, 3])]);
        // Now the tie at s = 50 goes to b, so q −4 already swaps a and b.
        assert_eq!(
            r.swaps[0].shift,
            Some(Shift {
                criterion: 0,
                points: -4
            })
        );
    }

    #[test]
    fn a_model_that_leads_everything_keeps_first_place() {
        let field = [
            contender("top", &[("q", 9.0), ("p", 9.0)]),
            contender("x", &[("q", 1.0), ("p", 5.0)]),
            contender("y", &[("q", 5.0), ("p", 1.0)]),
        ];
        let r = rank(&spec(&[("q", 50.0), ("p", 50.0)], 5), &field).unwrap();
        assert_eq!(&*r.ranked[0].id, "top");
        assert_eq!(r.ranked[0].rank_range, Some([1, 1]));
        // x and y tie at 50/50 (id order) and swap as soon as either weight moves.
        assert_eq!(ranges_of(&r)[1..], [("x", [2, 3]), ("y", [2, 3])]);
    }

    #[test]
    fn band_zero_keeps_every_rank_and_swaps_nothing() {
        let r = rank(&spec(&[("q", 52.0), ("p", 48.0)], 0), &three()).unwrap();
        assert_eq!(ranges_of(&r), [("a", [1, 1]), ("b", [2, 2]), ("c", [3, 3])]);
        assert!(r.swaps.is_empty());
    }

    #[test]
    fn neighbours_that_swap_only_together_have_no_single_shift() {
        // Scores a 55, b 45 at 45/45/10; a leads p, b leads q, a has the cheaper r. Only q
        // up and p down at once bring b level (then ahead on the tie-breaker).
        let field = [
            contender("a", &[("q", 69.4), ("p", 64.3), ("r", 1.0)]),
            contender("b", &[("q", 82.7), ("p", 58.6), ("r", 0.0)]),
        ];
        let mut s = spec(&[("q", 45.0), ("p", 45.0), ("r", 10.0)], 5);
        s.tie_breakers.push(TieBreaker {
            metric: "q".into(),
            better: Better::Higher,
        });
        let r = rank(&s, &field).unwrap();
        assert_eq!(ranges_of(&r), [("a", [1, 2]), ("b", [1, 2])]);
        assert_eq!(
            r.swaps,
            [Swap {
                rank: 1,
                shift: None
            }]
        );
    }

    #[test]
    fn renormalising_scales_to_one_hundred() {
        assert_eq!(renormalised(&[40.0, 60.0], &[0, 0]), [40.0, 60.0]);
        assert_eq!(renormalised(&[40.0, 60.0], &[5, -5]), [45.0, 55.0]);
        let w = renormalised(&[10.0, 90.0], &[4, 0]);
        assert!((w[0] - 1400.0 / 104.0).abs() < 1e-12 && (w[1] - 9000.0 / 104.0).abs() < 1e-12);
    }
}
