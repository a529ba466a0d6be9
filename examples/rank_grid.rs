//! Times the rank-range search on generated use cases:
//! `cargo run --release --example rank_grid [-- MODELS CRITERIA BAND]`.
//!
//! Each line ranks one field twice, with the band and with band 0, so the difference is the
//! time the grid of weight shifts takes. The figures are random but seeded, so every run
//! times the same fields.

use std::time::{Duration, Instant};

use standings::rank::{self, Better, Contender, Criterion, Method, Missing, Scale, Spec};

/// xorshift64*: enough to spread figures, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Integer weights that add up to 100, as uneven as editors make them.
fn weights(k: usize, rng: &mut Rng) -> Vec<f64> {
    let raw: Vec<f64> = (0..k).map(|_| 1.0 + 4.0 * rng.next()).collect();
    let total: f64 = raw.iter().sum();
    let mut w: Vec<f64> = raw.iter().map(|r| (r * 100.0 / total).floor()).collect();
    let rest = 100.0 - w[1..].iter().sum::<f64>();
    w[0] = rest;
    w
}

/// Models whose figures follow one hidden quality plus noise, so that scores crowd together
/// the way real leaderboards do.
fn field(models: usize, k: usize, rng: &mut Rng) -> Vec<Contender> {
    (0..models)
        .map(|j| {
            let quality = rng.next();
            Contender {
                id: format!("model-{j:04}").into(),
                inactive: None,
                values: (0..k)
                    .map(|i| (format!("m{i}"), 100.0 * (0.6 * quality + 0.4 * rng.next())))
                    .collect(),
            }
        })
        .collect()
}

fn spec(weights: Vec<f64>, band: u32) -> Spec {
    Spec {
        method: Method::Weighted,
        criteria: weights
            .into_iter()
            .enumerate()
            .map(|(i, weight)| Criterion {
                metric: format!("m{i}"),
                better: Better::Higher,
                weight,
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

fn best_of_three(spec: &Spec, field: &[Contender]) -> (Duration, rank::Ranking) {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            let ranking = rank::rank(spec, field).expect("a valid spec");
            (started.elapsed(), ranking)
        })
        .min_by_key(|(t, _)| *t)
        .expect("three runs")
}

fn time(models: usize, k: usize, band: u32, seed: u64) {
    let mut rng = Rng(seed | 1);
    let w = weights(k, &mut rng);
    let field = field(models, k, &mut rng);
    let (plain, _) = best_of_three(&spec(w.clone(), 0), &field);
    let (with_grid, ranking) = best_of_three(&spec(w.clone(), band), &field);
    let moving = ranking
        .ranked
        .iter()
        .filter(|r| r.rank_range.is_some_and(|[a, b]| a != b))
        .count();
    let points: f64 = w
        .iter()
        .map(|&x| {
            (-(band as i32)..=band as i32)
                .filter(|&d| x + f64::from(d) > 0.0)
                .count() as f64
        })
        .product();
    println!(
        "{models:>4} models, {k} criteria, ±{band}: {points:>10.0} grid points, ranking {:>8.3} ms, grid {:>8.3} ms; {moving} ranges wider than one rank, {} swaps",
        plain.as_secs_f64() * 1e3,
        with_grid.saturating_sub(plain).as_secs_f64() * 1e3,
        ranking.swaps.len()
    );
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("MODELS CRITERIA BAND are whole numbers"))
        .collect();
    if let [models, k, band] = args[..] {
        time(models, k, band as u32, 7);
        return;
    }
    for (models, k) in [(10, 5), (50, 4), (50, 6), (200, 6), (50, 8)] {
        for seed in [7, 11, 13] {
            time(models, k, 5, seed);
        }
    }
}
