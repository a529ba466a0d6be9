//! Rank ranges and swaps against a brute-force oracle: every point of the weight grid is
//! renormalised and ranked by `rank::rank` itself, and the best and worst rank of every model
//! must match the engine's box search exactly, ties and tie-breakers included.

mod common;

use std::collections::BTreeMap;
use std::sync::Mutex;

use proptest::prelude::*;
use standings::rank::{
    self, Better, Contender, Criterion, Field, Method, Missing, RangeSearch, Robustness, Scale,
    Shift, Spec, Swap, TieBreaker,
};

const METRICS: usize = 4;

/// The widest band the oracle checks with `k` criteria: it ranks every point of a grid of
/// `(2·band + 1)^k` points, so four criteria keep to a narrower band.
fn max_band(k: usize) -> u32 {
    if k < 4 { 5 } else { 3 }
}

fn metric(i: usize) -> String {
    format!("m{i}")
}

#[derive(Debug, Clone)]
struct Case {
    spec: Spec,
    field: Vec<Contender>,
}

/// Whole-point weights that add up to 100, or now and then thirds of it.
fn weights(k: usize) -> impl Strategy<Value = Vec<f64>> {
    (prop::collection::vec(1u32..40, k), any::<bool>()).prop_map(|(raw, thirds)| {
        if thirds && raw.len() == 3 {
            return vec![100.0 / 3.0; 3];
        }
        let total: u32 = raw.iter().sum();
        let mut w: Vec<u32> = raw.iter().map(|r| (r * 100 / total).max(1)).collect();
        let rest = 100u32.saturating_sub(w[1..].iter().sum::<u32>());
        w[0] = rest;
        w.into_iter().map(f64::from).collect()
    })
}

fn case() -> impl Strategy<Value = Case> {
    (1..=METRICS)
        .prop_flat_map(|k| (Just(k), 0u32..=max_band(k)))
        .prop_flat_map(|(k, band)| {
            (
                weights(k),
                prop::collection::vec((any::<bool>(), any::<bool>()), k),
                prop::option::of((0..METRICS, any::<bool>())),
                // Few distinct figures, so that scores tie often; some nudged by a few 1e-10, so
                // that scores also come within the tie epsilon's chain of each other only at
                // single points of the grid, where the search must rank in full.
                prop::collection::vec(
                    prop::collection::vec(
                        prop::option::weighted(0.85, (1u32..=5, prop::option::of(0u32..=40))),
                        METRICS,
                    ),
                    2..=7,
                ),
            )
                .prop_filter("weights above 0", |(w, ..)| w.iter().all(|&x| x > 0.0))
                .prop_map(move |(weights, knobs, tie, rows)| Case {
                    spec: Spec {
                        method: Method::Weighted,
                        criteria: weights
                            .iter()
                            .zip(&knobs)
                            .enumerate()
                            .map(|(i, (&weight, &(lower, log)))| Criterion {
                                metric: metric(i),
                                better: if lower { Better::Lower } else { Better::Higher },
                                weight,
                                scale: if log { Scale::Log } else { Scale::Linear },
                                missing: Missing::Zero,
                            })
                            .collect(),
                        filters: vec![],
                        tie_breakers: tie
                            .map(|(m, lower)| TieBreaker {
                                metric: metric(m),
                                better: if lower { Better::Lower } else { Better::Higher },
                            })
                            .into_iter()
                            .collect(),
                        top: 5,
                        weight_band: band,
                    },
                    field: rows
                        .into_iter()
                        .enumerate()
                        .map(|(j, values)| Contender {
                            id: format!("model-{j}").into(),
                            inactive: None,
                            values: values
                                .into_iter()
                                .enumerate()
                                .filter_map(|(m, v)| {
                                    let (whole, nudge) = v?;
                                    let nudge = f64::from(nudge.unwrap_or(0)) * 1e-10;
                                    Some((metric(m), f64::from(whole) + nudge))
                                })
                                .collect(),
                        })
                        .collect(),
                })
        })
}

/// Every model's rank at every point of the grid, by shifts.
type Grid = BTreeMap<Vec<i32>, BTreeMap<String, usize>>;

fn grid(case: &Case) -> Grid {
    let weights: Vec<f64> = case.spec.criteria.iter().map(|c| c.weight).collect();
    let points = common::shift_grid(&weights, case.spec.weight_band);
    points
        .into_iter()
        .map(|shifts| {
            let raw: Vec<f64> = weights
                .iter()
                .zip(&shifts)
                .map(|(w, &d)| w + f64::from(d))
                .collect();
            let sum: f64 = raw.iter().sum();
            let mut spec = case.spec.clone();
            spec.weight_band = 0;
            for (c, v) in spec.criteria.iter_mut().zip(&raw) {
                c.weight = v * 100.0 / sum;
            }
            let ranking = rank::rank(&spec, &case.field).unwrap();
            let ranks = ranking
                .ranked
                .iter()
                .map(|r| (r.id.to_string(), r.rank))
                .collect();
            (shifts, ranks)
        })
        .collect()
}

fn oracle_ranges(grid: &Grid, ids: &[String]) -> Vec<[usize; 2]> {
    ids.iter()
        .map(|id| {
            let ranks = grid.values().map(|r| r[id]);
            [ranks.clone().min().unwrap(), ranks.max().unwrap()]
        })
        .collect()
}

/// The smallest single shift from which on, to the edge of the band, `lower` is above
/// `upper`: the definition in docs/authoring.md, point by point.
fn oracle_shift(grid: &Grid, k: usize, upper: &str, lower: &str) -> Option<Shift> {
    let mut best: Option<(i32, usize, i32)> = None;
    for criterion in 0..k {
        for sign in [1, -1] {
            let along: Vec<bool> = (1..)
                .map(|t| {
                    let mut shifts = vec![0; k];
                    shifts[criterion] = sign * t;
                    grid.get(&shifts).map(|r| r[lower] < r[upper])
                })
                .take_while(Option::is_some)
                .map(Option::unwrap)
                .collect();
            let Some(first) = (0..along.len()).find(|&s| along[s..].iter().all(|&b| b)) else {
                continue;
            };
            let t = i32::try_from(first).unwrap() + 1;
            let key = (t, criterion, -sign);
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
    }
    best.map(|(t, criterion, neg)| Shift {
        criterion,
        points: -neg * t,
    })
}

fn oracle_swaps(grid: &Grid, k: usize, ids: &[String]) -> Vec<Swap> {
    ids.windows(2)
        .enumerate()
        .filter(|(_, w)| grid.values().any(|r| r[&w[1]] < r[&w[0]]))
        .map(|(i, w)| Swap {
            rank: i + 1,
            shift: oracle_shift(grid, k, &w[0], &w[1]),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn ranges_and_swaps_match_every_point_of_the_grid(case in case()) {
        let ranking = rank::rank(&case.spec, &case.field).unwrap();
        let ids: Vec<String> = ranking.ranked.iter().map(|r| r.id.to_string()).collect();
        let grid = grid(&case);
        let ranges: Vec<[usize; 2]> = ranking.ranked.iter().map(|r| r.rank_range.unwrap()).collect();
        prop_assert_eq!(&ranges, &oracle_ranges(&grid, &ids));
        prop_assert_eq!(&ranking.swaps, &oracle_swaps(&grid, case.spec.criteria.len(), &ids));
        for r in &ranking.ranked {
            let [best, worst] = r.rank_range.unwrap();
            prop_assert!(best <= r.rank && r.rank <= worst);
        }
    }
}

/// Searches as the engine does, and keeps the field's key and the encoded answer.
#[derive(Default)]
struct Keeping(Mutex<Option<(Vec<u8>, Vec<u8>)>>);

impl RangeSearch for Keeping {
    fn robustness(&self, field: &Field) -> Robustness {
        let found = field.search();
        *self.0.lock().unwrap() = Some((field.key(), field.encode(&found)));
        found
    }
}

/// Reads each candidate as an answer kept for the field being ranked, and answers with the
/// first candidate when it reads.
struct Reading {
    candidates: Vec<Vec<u8>>,
    read: Mutex<Vec<Option<Robustness>>>,
}

impl RangeSearch for Reading {
    fn robustness(&self, field: &Field) -> Robustness {
        let read: Vec<_> = self.candidates.iter().map(|b| field.decode(b)).collect();
        let answer = read[0].clone().unwrap_or_else(|| field.search());
        *self.read.lock().unwrap() = read;
        answer
    }
}

fn kept(case: &Case) -> (Vec<u8>, Vec<u8>) {
    let keeping = Keeping::default();
    rank::rank_with(&case.spec, &case.field, &keeping).unwrap();
    keeping.0.into_inner().unwrap().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// A build takes kept rank ranges back instead of searching: what it takes back must give
    /// the ranking the search gives, and an answer kept for another field, or cut short, or
    /// with bytes after it, is refused.
    #[test]
    fn kept_ranges_read_back_for_their_own_field_alone(case in case(), other in case()) {
        let (key, bytes) = kept(&case);
        let (other_key, other_bytes) = kept(&other);
        let mut candidates = vec![bytes.clone(), [&bytes[..], &[0; 8]].concat(), other_bytes];
        candidates.extend((0..bytes.len()).map(|cut| bytes[..cut].to_vec()));
        let reading = Reading { candidates, read: Mutex::default() };
        let ranking = rank::rank_with(&case.spec, &case.field, &reading).unwrap();
        prop_assert_eq!(&ranking, &rank::rank(&case.spec, &case.field).unwrap());
        let read = reading.read.into_inner().unwrap();
        prop_assert!(read[0].is_some());
        prop_assert!(read[1].is_none(), "an answer with bytes after it was read");
        prop_assert!(other_key == key || read[2].is_none(), "another field's answer was read");
        prop_assert!(read[3..].iter().all(Option::is_none), "an answer cut short was read");
    }
}

#[test]
fn ordered_rankings_have_no_ranges() {
    let mut spec = Spec {
        method: Method::Ordered,
        criteria: vec![Criterion {
            metric: metric(0),
            better: Better::Higher,
            weight: 0.0,
            scale: Scale::Linear,
            missing: Missing::Zero,
        }],
        filters: vec![],
        tie_breakers: vec![],
        top: 5,
        weight_band: 5,
    };
    let field: Vec<Contender> = (0..3)
        .map(|j| Contender {
            id: format!("m-{j}").into(),
            inactive: None,
            values: [(metric(0), f64::from(j))].into_iter().collect(),
        })
        .collect();
    let r = rank::rank(&spec, &field).unwrap();
    assert!(r.ranked.iter().all(|x| x.rank_range.is_none()));
    assert!(r.swaps.is_empty());
    spec.method = Method::Weighted;
    spec.criteria[0].weight = 100.0;
    let r = rank::rank(&spec, &field).unwrap();
    assert!(r.ranked.iter().all(|x| x.rank_range == Some([x.rank; 2])));
}
