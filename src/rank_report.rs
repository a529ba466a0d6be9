//! `standings rank <use-case>`: a computed ranking in the terminal, or as the `ranking.json` /
//! `ranking.csv` the build publishes, optionally under other weights (a what-if that touches no
//! file).

use std::fmt::Write as _;

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

use crate::content::UseCase;
use crate::error::{Error, did_you_mean};
use crate::rank::{self, Criterion, Method, Missing, Ranking, Scale, Spec};
use crate::render::{range_text, ranking_csv, ranking_json, swap_sentence};
use crate::site::Site;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

/// A model whose rank differs under the what-if weights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub model: String,
    /// `None` when the model was (or is) not ranked.
    pub from: Option<usize>,
    pub to: Option<usize>,
}

impl Move {
    pub fn describe(&self) -> String {
        let at = |r: Option<usize>| r.map_or_else(|| "not ranked".to_string(), |r| format!("#{r}"));
        format!("{}: {} → {}", self.model, at(self.from), at(self.to))
    }
}

/// What `rank` prints: the output itself, and the ranks that moved under `--weight`.
pub struct RankOutput {
    pub text: Vec<u8>,
    pub moves: Option<Vec<Move>>,
}

/// Parses `metric=value` from `--weight`.
pub fn parse_weight(arg: &str) -> Result<(String, f64), String> {
    let (metric, value) = arg
        .split_once('=')
        .ok_or_else(|| format!("`{arg}` is not metric=weight (e.g. aa_coding_index=50)"))?;
    let weight: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("`{value}` is not a number"))?;
    if metric.trim().is_empty() || !weight.is_finite() || weight < 0.0 {
        return Err(format!(
            "`{arg}` needs a metric id and a weight of 0 or more"
        ));
    }
    Ok((metric.trim().to_string(), weight))
}

/// Ranks a use case, under `weights` when any are given, and writes it in `format`.
pub fn rank_use_case(
    site: &Site,
    slug: &str,
    weights: &[(String, f64)],
    format: Format,
) -> Result<RankOutput, Error> {
    let u = site
        .use_case(slug)
        .ok_or_else(|| unknown_use_case(site, slug))?;
    let (shown, moves) = if weights.is_empty() {
        (None, None)
    } else {
        let spec = what_if_spec(site, u, weights)?;
        let ranking = site
            .rank_with(&spec)
            .map_err(|e| Error::Usage(format!("with --weight, {e}")))?;
        let moves = site
            .rankings
            .get(slug)
            .map(|before| moves(before, &ranking));
        (Some(what_if_site(site, slug, spec, ranking)), moves)
    };
    let site = shown.as_ref().unwrap_or(site);
    let u = site
        .use_case(slug)
        .ok_or_else(|| unknown_use_case(site, slug))?;
    let text = match format {
        Format::Json => ranking_json(site, u),
        Format::Csv => ranking_csv(site, u),
        Format::Table => site
            .rankings
            .get(slug)
            .map(|r| table(site, u, r, moves.as_deref()).into_bytes()),
    }
    .ok_or_else(|| Error::Usage(format!("the use case `{slug}` has no ranking")))?;
    Ok(RankOutput { text, moves })
}

fn unknown_use_case(site: &Site, slug: &str) -> Error {
    let known = site.content.use_cases.iter().map(|u| u.slug.as_str());
    let hint = did_you_mean(slug, known).unwrap_or_else(|| {
        let all: Vec<&str> = site
            .content
            .use_cases
            .iter()
            .map(|u| u.slug.as_str())
            .collect();
        format!("the use cases are: {}", all.join(", "))
    });
    Error::Usage(format!("unknown use case `{slug}` ({hint})"))
}

/// The use case's configuration with the weights replaced (a weight of 0 drops the
/// criterion; a metric it does not rank by yet is added, linear, missing counted as 0).
fn what_if_spec(site: &Site, u: &UseCase, weights: &[(String, f64)]) -> Result<Spec, Error> {
    if u.spec.method == Method::Ordered {
        return Err(Error::Usage(format!(
            "`{}` is ranked by order, not by weights; --weight applies to weighted rankings",
            u.slug
        )));
    }
    let mut spec = u.spec.clone();
    for (metric, weight) in weights {
        if let Some(c) = spec.criteria.iter_mut().find(|c| &c.metric == metric) {
            c.weight = *weight;
        } else if let Some(m) = site.catalog.metrics.get(metric) {
            spec.criteria.push(Criterion {
                metric: metric.clone(),
                better: m.better,
                weight: *weight,
                scale: Scale::Linear,
                missing: Missing::Zero,
            });
        } else {
            let hint = did_you_mean(metric, site.catalog.metrics.keys().map(String::as_str))
                .map_or_else(String::new, |h| format!(" ({h})"));
            return Err(Error::Usage(format!(
                "--weight: unknown metric `{metric}`{hint}"
            )));
        }
    }
    spec.criteria.retain(|c| c.weight != 0.0);
    rank::check_spec(&spec).map_err(|e| {
        let weights: Vec<String> = spec
            .criteria
            .iter()
            .map(|c| format!("{}={}", c.metric, c.weight))
            .collect();
        Error::Usage(format!("with --weight, {e} ({})", weights.join(", ")))
    })?;
    Ok(spec)
}

/// A copy of the site in which one use case is ranked under `spec`, so that the JSON and
/// CSV are written by the same code as the build's.
fn what_if_site(site: &Site, slug: &str, spec: Spec, ranking: Ranking) -> Site {
    let mut copy = site.clone();
    if let Some(u) = copy.content.use_cases.iter_mut().find(|u| u.slug == slug) {
        u.spec = spec;
    }
    copy.rankings.insert(slug.to_string(), ranking);
    copy
}

fn moves(before: &Ranking, after: &Ranking) -> Vec<Move> {
    let mut ids: Vec<&str> = before
        .ranked
        .iter()
        .chain(&after.ranked)
        .map(|r| &*r.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut moves: Vec<Move> = ids
        .into_iter()
        .map(|id| Move {
            model: id.to_string(),
            from: before.position(id).map(|r| r.rank),
            to: after.position(id).map(|r| r.rank),
        })
        .filter(|m| m.from != m.to)
        .collect();
    moves.sort_by_key(|m| (m.to.unwrap_or(usize::MAX), m.model.clone()));
    moves
}

fn table(site: &Site, u: &UseCase, ranking: &Ranking, moves: Option<&[Move]>) -> String {
    let weighted = u.spec.method == Method::Weighted;
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    let mut header = vec!["#".to_string()];
    if weighted {
        header.push(format!("±{} pt", u.spec.weight_band));
    }
    header.push("model".into());
    if weighted {
        header.push("score".into());
    }
    for c in &u.spec.criteria {
        header.push(if weighted {
            format!("{} ({}%)", c.metric, c.weight)
        } else {
            c.metric.clone()
        });
    }
    if moves.is_some() {
        header.push("moved".into());
    }
    t.set_header(header);
    for r in &ranking.ranked {
        let mut row = vec![r.rank.to_string()];
        if let Some(range) = r.rank_range {
            row.push(range_text(range));
        }
        row.push(r.id.to_string());
        if let Some(score) = r.score {
            row.push(format!("{score:.2}"));
        }
        for (c, part) in u.spec.criteria.iter().zip(&r.parts) {
            let figure = site.catalog.metrics.get(&c.metric).map_or_else(
                || format!("{:?}", part.value),
                |m| m.format.figure(part.value),
            );
            row.push(match part.contribution {
                Some(points) => format!("{points:.2} ({figure})"),
                None => figure,
            });
        }
        if let Some(moves) = moves {
            row.push(moved(moves, &r.id));
        }
        t.add_row(row);
    }
    let model_column = if weighted { 2 } else { 1 };
    for i in 0..t.column_count() {
        if let Some(col) = t.column_mut(i)
            && i != model_column
        {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut text = format!(
        "{} ({}, {} ranked, the page shows the top {})\n{t}\n",
        u.title,
        if weighted { "weighted" } else { "ordered" },
        ranking.ranked.len(),
        u.spec.top
    );
    if weighted {
        text.push_str("Each criterion's cell is its contribution to the score (and the figure).\n");
        text.push_str(&robustness_text(site, u, ranking));
    }
    if !ranking.excluded.is_empty() {
        text.push_str("\nNot ranked:\n");
        for e in &ranking.excluded {
            let _ = writeln!(text, "  {}: {}", e.id, e.reason(&u.spec));
        }
    }
    if let Some(moves) = moves {
        text.push_str(&moves_text(moves));
    }
    text
}

/// What the `±N pt` column means, and which neighbours swap within the band.
fn robustness_text(site: &Site, u: &UseCase, ranking: &Ranking) -> String {
    let mut text = format!(
        "The ±{} pt column is each model's best and worst rank when every weight moves by up to {} points.\n",
        u.spec.weight_band, u.spec.weight_band
    );
    for swap in &ranking.swaps {
        let _ = writeln!(text, "  {}", swap_sentence(site, u, ranking, swap));
    }
    text
}

fn moved(moves: &[Move], id: &str) -> String {
    match moves.iter().find(|m| m.model == id) {
        None => String::new(),
        Some(Move { from: None, .. }) => "new".into(),
        Some(Move {
            from: Some(a),
            to: Some(b),
            ..
        }) if b < a => format!("▲ {}", a - b),
        Some(Move {
            from: Some(a),
            to: Some(b),
            ..
        }) => format!("▼ {}", b - a),
        Some(_) => String::new(),
    }
}

/// "Ranks that moved under these weights: …", or that none did.
pub fn moves_text(moves: &[Move]) -> String {
    if moves.is_empty() {
        return "\nWith these weights (files unchanged), no rank moved.\n".into();
    }
    let mut text = String::from("\nWith these weights (files unchanged), these ranks moved:\n");
    for m in moves {
        let _ = writeln!(text, "  {}", m.describe());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_metric_equals_number() {
        assert_eq!(parse_weight("a_b=40"), Ok(("a_b".into(), 40.0)));
        assert_eq!(parse_weight("x = 12.5"), Ok(("x".into(), 12.5)));
        assert!(parse_weight("x").is_err());
        assert!(parse_weight("x=ten").is_err());
        assert!(parse_weight("=5").is_err());
        assert!(parse_weight("x=-1").is_err());
    }
}
