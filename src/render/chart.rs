//! Charts drawn at build time as inline SVG: no library and no script is needed to see them.
//!
//! Every label is written by the metric's [`Format`](crate::format::Format) or taken from the
//! same views the tables print, so a chart cannot disagree with the table beside it. Each chart
//! carries a title, a description and a [`DataTable`] holding the same figures for readers who
//! cannot see it. Colours come from classes that the stylesheet defines for light and dark
//! mode; coordinates are printed with one decimal so that builds stay byte-identical.

use std::fmt::Write;

use serde::Serialize;

use super::escape_html;
use super::view::{FigureView, RowView, Viewed};
use crate::content::UseCase;
use crate::data::{Metric, Model};
use crate::format::NOT_AVAILABLE;
use crate::rank::{Better, Method, Scale};
use crate::site::Site;

/// How many criterion colours the stylesheet defines; more criteria reuse them in turn.
const PALETTE: usize = 6;
/// Average advance of a character at the charts' 13px text, for laying out labels.
const CHAR_WIDTH: f64 = 7.0;
const WIDTH: f64 = 720.0;

/// A chart ready for a template.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub description: String,
    /// The `<svg>` element, every text in it escaped.
    pub svg: String,
    pub table: DataTable,
    /// Models left out of the chart, each with the reason.
    pub not_plotted: Vec<String>,
}

/// The chart's figures as a table: `rows[i][0]` heads its row.
#[derive(Debug, Clone, Serialize)]
pub struct DataTable {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A number as an SVG coordinate: one decimal, and never `-0.0`. Written from whole tenths
/// because float formatting is a visible share of a large site's build, and charts hold
/// thousands of coordinates.
fn n(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    format!("{sign}{}.{}", t / 10, t % 10)
}

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

/// Opens the `<svg>` with its title and description, which name it for assistive technology.
fn open(id: &str, height: f64, title: &str, description: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" viewBox=\"0 0 {w} {h}\" \
         width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
        w = n(WIDTH),
        h = n(height),
        title = escape_html(title),
        desc = escape_html(description),
    )
}

fn text(svg: &mut String, x: f64, y: f64, class: &str, anchor: &str, content: &str) {
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" class=\"{class}\" text-anchor=\"{anchor}\">{}</text>",
        n(x),
        n(y),
        escape_html(content)
    );
}

fn line(svg: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), class: &str) {
    let _ = write!(
        svg,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"{class}\"/>",
        n(x1),
        n(y1),
        n(x2),
        n(y2)
    );
}

fn circle(svg: &mut String, (x, y): (f64, f64), r: f64, class: &str, tip: &str) {
    let _ = write!(
        svg,
        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" class=\"{class}\"><title>{}</title></circle>",
        n(x),
        n(y),
        n(r),
        escape_html(tip)
    );
}

/// Cuts a label that would not fit in `width`, marking the cut.
fn fit(label: &str, width: f64) -> String {
    let max = (width / CHAR_WIDTH).floor() as usize;
    if label.chars().count() <= max {
        return label.to_string();
    }
    let cut: String = label.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

// ----- score breakdown ------------------------------------------------------------------------

/// One stacked bar per ranked model, in rank order, split by each criterion's contribution.
/// Only a weighted ranking has contributions to stack.
pub fn score_breakdown(u: &UseCase, rows: &[Viewed<RowView>]) -> Option<Chart> {
    if u.spec.method != Method::Weighted || rows.is_empty() {
        return None;
    }
    let id = format!("chart-breakdown-{}", u.slug);
    let title = format!("Score breakdown for {}", u.short_title);
    let leader = &rows[0];
    let description = format!(
        "One bar per ranked model, in rank order, split by the points each criterion adds to the \
         score out of 100. {} leads with {}.",
        leader.model.name,
        leader.score_text.as_deref().unwrap_or(NOT_AVAILABLE)
    );
    let labels: Vec<String> = rows[0]
        .parts
        .iter()
        .map(|p| match &p.weight_text {
            Some(w) => format!("{} ({w})", p.label),
            None => p.label.clone(),
        })
        .collect();

    let (legend, legend_height) = legend(&labels);
    let (left, right, bar_height, step) = (200.0, 640.0, 18.0, 30.0);
    let top = legend_height + 16.0;
    let height = top + step * rows.len() as f64 + 34.0;
    let x = |points: f64| left + (right - left) * points / 100.0;

    let mut svg = open(&id, height, &title, &description);
    svg.push_str(&legend);
    let axis_y = top + step * rows.len() as f64;
    for points in [0, 25, 50, 75, 100] {
        let at = x(f64::from(points));
        line(&mut svg, (at, top - 6.0), (at, axis_y), "grid");
        text(
            &mut svg,
            at,
            axis_y + 18.0,
            "tick",
            "middle",
            &points.to_string(),
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = top + step * i as f64;
        let name = format!("#{} {}", row.rank, row.model.name);
        text(
            &mut svg,
            left - 10.0,
            y + 13.0,
            "label",
            "end",
            &fit(&name, left - 14.0),
        );
        let _ = write!(
            svg,
            "<g><title>{}</title>",
            escape_html(&format!(
                "{}: score {}",
                row.model.name,
                row.score_text.as_deref().unwrap_or(NOT_AVAILABLE)
            ))
        );
        let mut start = 0.0;
        for (c, part) in row.parts.iter().enumerate() {
            let points = part.contribution.unwrap_or(0.0);
            if points <= 0.0 {
                continue;
            }
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"series-{}\"><title>{}</title></rect>",
                n(x(start)),
                n(y),
                n(x(start + points) - x(start)),
                n(bar_height),
                c % PALETTE,
                escape_html(&format!(
                    "{}, {}: {} points",
                    row.model.name,
                    part.label,
                    part.contribution_text.as_deref().unwrap_or(NOT_AVAILABLE)
                ))
            );
            start += points;
        }
        svg.push_str("</g>");
        if let Some(score) = &row.score_text {
            text(&mut svg, x(start) + 6.0, y + 13.5, "value", "start", score);
        }
    }
    svg.push_str("</svg>");

    let mut columns = vec!["Model".to_string()];
    columns.extend(labels);
    columns.push("Score".into());
    let table_rows = rows
        .iter()
        .map(|row| {
            let mut cells = vec![format!("#{} {}", row.rank, row.model.name)];
            cells.extend(row.parts.iter().map(|p| {
                p.contribution_text
                    .clone()
                    .unwrap_or_else(|| NOT_AVAILABLE.into())
            }));
            cells.push(
                row.score_text
                    .clone()
                    .unwrap_or_else(|| NOT_AVAILABLE.into()),
            );
            cells
        })
        .collect();
    Some(Chart {
        id,
        title,
        description,
        svg,
        table: DataTable {
            caption: "Points each criterion adds to each model's score".into(),
            columns,
            rows: table_rows,
        },
        not_plotted: Vec::new(),
    })
}

/// Colour swatches with their criterion, wrapped over as many lines as needed.
fn legend(labels: &[String]) -> (String, f64) {
    let mut svg = String::new();
    let (mut x, mut y) = (0.0, 4.0);
    for (i, label) in labels.iter().enumerate() {
        let width = 18.0 + text_width(label) + 18.0;
        if x > 0.0 && x + width > WIDTH {
            x = 0.0;
            y += 22.0;
        }
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" class=\"series-{}\"/>",
            n(x),
            n(y),
            i % PALETTE
        );
        text(&mut svg, x + 18.0, y + 11.0, "label", "start", label);
        x += width;
    }
    (svg, y + 16.0)
}

// ----- quality against price ------------------------------------------------------------------

struct Point<'a> {
    model: &'a Model,
    price: f64,
    quality: f64,
    rank: Option<usize>,
    /// The two figures as the site writes them (made once per model and build).
    price_text: Viewed<FigureView>,
    quality_text: Viewed<FigureView>,
}

/// The price metric the quality chart uses: a blended price when the site names one.
fn price_metric(site: &Site) -> Option<&Metric> {
    let prices = &site.settings.prices;
    let key = prices.blended.as_ref().unwrap_or(&prices.output);
    site.catalog.metrics.get(key)
}

/// The use case's headline metric against price (log axis), every visible model with both
/// figures as a labelled point, the ranked ones highlighted.
pub fn quality_price(site: &Site, u: &UseCase) -> Option<Chart> {
    let quality = site.catalog.metrics.get(&u.headline)?;
    let price = price_metric(site)?;
    let ranking = site.rankings.get(&u.slug)?;
    let mut points = Vec::new();
    let mut not_plotted = Vec::new();
    for model in site.visible_models() {
        let (price_text, quality_text) = (
            site.figure_view(model, price),
            site.figure_view(model, quality),
        );
        match (price_text.value, quality_text.value) {
            (Some(p), Some(q)) if p > 0.0 => points.push(Point {
                model,
                price: p,
                quality: q,
                rank: ranking.position(&model.id).map(|r| r.rank),
                price_text,
                quality_text,
            }),
            (Some(p), Some(_)) => not_plotted.push(format!(
                "{} (its {} is {}, which a logarithmic axis cannot show)",
                model.name,
                price.label.to_lowercase(),
                price.format.value(p)
            )),
            _ => {
                let missing: Vec<&str> = [
                    (price_text.value, &price.label),
                    (quality_text.value, &quality.label),
                ]
                .into_iter()
                .filter(|(v, _)| v.is_none())
                .map(|(_, label)| label.as_str())
                .collect();
                not_plotted.push(format!(
                    "{} (no published {} figure)",
                    model.name,
                    missing.join(" or ")
                ));
            }
        }
    }
    if points.is_empty() {
        return None;
    }
    points.sort_by(|a, b| {
        (a.rank.is_none(), a.rank, &a.model.id).cmp(&(b.rank.is_none(), b.rank, &b.model.id))
    });
    let id = format!("chart-quality-{}", u.slug);
    let title = format!(
        "{} against {} for {}",
        quality.label,
        price.label.to_lowercase(),
        u.short_title
    );
    let description = format!(
        "Each point is a model: {} ({}) upwards, {} ({}) to the right on a logarithmic scale. \
         Filled, named points are ranked for {}; hollow ones are not.",
        quality.label,
        better_words(quality.better),
        price.label,
        price.unit,
        u.short_title
    );
    let svg = scatter(&id, &title, &description, &points, quality, price);
    Some(Chart {
        id,
        title,
        description,
        svg,
        table: DataTable {
            caption: format!(
                "{} and {} of every plotted model",
                quality.label,
                price.label.to_lowercase()
            ),
            columns: vec![
                "Model".into(),
                quality.label.clone(),
                price.label.clone(),
                format!("Rank for {}", u.short_title),
            ],
            rows: points
                .iter()
                .map(|p| {
                    vec![
                        p.model.name.clone(),
                        p.quality_text.text.clone(),
                        p.price_text.text.clone(),
                        p.rank
                            .map_or_else(|| "not ranked".into(), |r| format!("#{r}")),
                    ]
                })
                .collect(),
        },
        not_plotted,
    })
}

fn better_words(better: Better) -> &'static str {
    match better {
        Better::Higher => "higher is better",
        Better::Lower => "lower is better",
    }
}

/// Round steps (1, 2 or 5 times a power of ten) covering `lo..hi` in about five steps.
fn linear_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let raw = (hi - lo) / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Round prices inside `lo..hi` for a logarithmic axis: 1, 2 and 5 times each power of ten,
/// or finer steps when the range is too narrow to show three of those.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let steps: [&[f64]; 3] = [
        &[1.0, 2.0, 5.0],
        &[1.0, 1.5, 2.0, 3.0, 5.0, 7.0],
        &[1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0],
    ];
    let mut ticks = Vec::new();
    for multiples in steps {
        ticks.clear();
        for power in (lo.log10().floor() as i32)..=(hi.log10().ceil() as i32) {
            for m in multiples {
                let t = m * 10f64.powi(power);
                if t >= lo && t <= hi {
                    ticks.push(t);
                }
            }
        }
        if ticks.len() >= 3 {
            break;
        }
    }
    ticks
}

/// A range with room around it, so no point sits on the frame.
fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let span = hi - lo;
    if span <= 0.0 {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo - pad, hi + pad)
    } else {
        (lo - span * 0.08, hi + span * 0.08)
    }
}

fn scatter(
    id: &str,
    title: &str,
    description: &str,
    points: &[Point],
    quality: &Metric,
    price: &Metric,
) -> String {
    let (left, right, top, bottom) = (70.0, WIDTH - 20.0, 16.0, 330.0);
    let height = bottom + 52.0;
    let (q_lo, q_hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.quality), hi.max(p.quality))
        });
    let (p_lo, p_hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.price.ln()), hi.max(p.price.ln()))
        });
    let (q_lo, q_hi) = padded(q_lo, q_hi);
    let (p_lo, p_hi) = padded(p_lo, p_hi);
    let x = |price: f64| left + (right - left) * (price.ln() - p_lo) / (p_hi - p_lo);
    let y = |q: f64| bottom - (bottom - top) * (q - q_lo) / (q_hi - q_lo);

    let mut svg = open(id, height, title, description);
    for t in linear_ticks(q_lo, q_hi) {
        line(&mut svg, (left, y(t)), (right, y(t)), "grid");
        text(
            &mut svg,
            left - 8.0,
            y(t) + 4.0,
            "tick",
            "end",
            &quality.format.value(t),
        );
    }
    for t in log_ticks(p_lo.exp(), p_hi.exp()) {
        line(&mut svg, (x(t), top), (x(t), bottom), "grid");
        text(
            &mut svg,
            x(t),
            bottom + 18.0,
            "tick",
            "middle",
            &price.format.value(t),
        );
    }
    line(&mut svg, (left, bottom), (right, bottom), "axis");
    line(&mut svg, (left, top), (left, bottom), "axis");
    text(
        &mut svg,
        (left + right) / 2.0,
        bottom + 42.0,
        "label",
        "middle",
        &format!("{} ({}, log scale)", price.label, price.unit),
    );
    let _ = write!(
        svg,
        "<text x=\"14\" y=\"{}\" class=\"label\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{}</text>",
        n((top + bottom) / 2.0),
        n((top + bottom) / 2.0),
        escape_html(&format!(
            "{} ({})",
            quality.label,
            better_words(quality.better)
        ))
    );

    // Only the ranked points are named: a catalogue of hundreds of models would bury the
    // ranked ones under labels. The others keep their name in a tooltip and in the table.
    let mut placed: Vec<Rect> = Vec::new();
    // Unranked points go first, so that the ranked ones are drawn over them.
    let (ranked, unranked): (Vec<&Point>, Vec<&Point>) =
        points.iter().partition(|p| p.rank.is_some());
    let price_label = price.label.to_lowercase();
    for p in unranked.into_iter().chain(ranked) {
        let at = (x(p.price), y(p.quality));
        let tip = format!(
            "{}: {} {}, {} {}",
            p.model.name, quality.label, p.quality_text.text, price_label, p.price_text.text
        );
        match p.rank {
            Some(r) => {
                circle(&mut svg, at, 6.0, "point ranked", &tip);
                let name = format!("#{r} {}", p.model.name);
                let (lx, ly, anchor) = place_label(at, &name, (left, right, bottom), &mut placed);
                text(&mut svg, lx, ly, "label strong", anchor, &name);
            }
            None => circle(&mut svg, at, 5.0, "point", &tip),
        }
    }
    svg.push_str("</svg>");
    svg
}

#[derive(Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

/// Puts a point's label right, left, above or below it, whichever first stays inside the
/// plot and clear of the labels already placed.
fn place_label(
    (x, y): (f64, f64),
    label: &str,
    (left, right, bottom): (f64, f64, f64),
    placed: &mut Vec<Rect>,
) -> (f64, f64, &'static str) {
    let w = text_width(label);
    let candidates = [
        (x + 10.0, y + 4.5, "start", x + 10.0),
        (x - 10.0, y + 4.5, "end", x - 10.0 - w),
        (x, y - 11.0, "middle", x - w / 2.0),
        (x, y + 20.0, "middle", x - w / 2.0),
        (x + 10.0, y - 9.0, "start", x + 10.0),
        (x + 10.0, y + 18.0, "start", x + 10.0),
        (x - 10.0, y - 9.0, "end", x - 10.0 - w),
        (x - 10.0, y + 18.0, "end", x - 10.0 - w),
    ];
    let boxed = |(lx, ly, anchor, x0): (f64, f64, &'static str, f64)| {
        (
            (lx, ly, anchor),
            Rect {
                x0,
                y0: ly - 12.0,
                x1: x0 + w,
                y1: ly + 3.0,
            },
        )
    };
    let inside = |r: &Rect| r.x0 >= left && r.x1 <= right + 20.0 && r.y0 >= 0.0 && r.y1 <= bottom;
    let chosen = candidates
        .into_iter()
        .map(boxed)
        .find(|(_, r)| inside(r) && !placed.iter().any(|p| p.overlaps(r)))
        .unwrap_or_else(|| boxed(candidates[0]));
    placed.push(chosen.1);
    chosen.0
}

// ----- one model against the field ----------------------------------------------------------

/// What every analysis page of a use case draws alike: per criterion, its label, its track
/// with the range's ends and a small dot per ranked model. A use case has up to twenty
/// analysis pages, so this is made once per use case (see [`Site::memo`]).
#[derive(Debug, Clone, Default)]
pub struct Field {
    rows: Vec<FieldRow>,
}

#[derive(Debug, Clone)]
struct FieldRow {
    y: f64,
    label: String,
    /// The label, the track, its ends and the dots, as SVG.
    svg: String,
    /// The weakest and the strongest figure, on the criterion's scale; none without figures.
    ends: Option<(f64, f64)>,
    log: bool,
    weakest: String,
    strongest: String,
}

const FIELD: (f64, f64, f64, f64, f64) = (210.0, 230.0, 590.0, 610.0, 54.0);

impl FieldRow {
    /// Where a figure sits on the track.
    fn x(&self, v: f64) -> f64 {
        let (_, x0, x1, _, _) = FIELD;
        let scaled = |v: f64| if self.log && v > 0.0 { v.ln() } else { v };
        let t = match self.ends {
            Some((a, b)) if a != b => (scaled(v) - scaled(a)) / (scaled(b) - scaled(a)),
            _ => 1.0,
        };
        x0 + (x1 - x0) * t
    }
}

impl Field {
    /// The shared part of the chart for `u`; empty when a criterion's metric is unknown.
    pub fn new(site: &Site, u: &UseCase) -> Field {
        let Some(ranking) = site.rankings.get(&u.slug) else {
            return Field::default();
        };
        let mut rows = Vec::new();
        for (i, c) in u.spec.criteria.iter().enumerate() {
            let Some(metric) = site.catalog.metrics.get(&c.metric) else {
                return Field::default();
            };
            rows.push(field_row(site, ranking, i, c, metric));
        }
        Field { rows }
    }
}

fn field_row(
    site: &Site,
    ranking: &crate::rank::Ranking,
    i: usize,
    c: &crate::rank::Criterion,
    metric: &Metric,
) -> FieldRow {
    let (label_w, x0, x1, _, step) = FIELD;
    let field: Vec<(&str, f64)> = ranking
        .ranked
        .iter()
        .filter_map(|r| Some((r.id.as_str(), r.parts.get(i)?.value?)))
        .collect();
    let lo = field.iter().map(|f| f.1).fold(f64::INFINITY, f64::min);
    let hi = field.iter().map(|f| f.1).fold(f64::NEG_INFINITY, f64::max);
    let ends = (!field.is_empty()).then_some(match c.better {
        Better::Higher => (lo, hi),
        Better::Lower => (hi, lo),
    });
    let end_text =
        |v: Option<f64>| v.map_or_else(|| NOT_AVAILABLE.to_string(), |v| metric.format.value(v));
    let mut row = FieldRow {
        y: 24.0 + step * i as f64 + 22.0,
        label: metric.label.clone(),
        svg: String::new(),
        ends,
        log: c.scale == Scale::Log,
        weakest: end_text(ends.map(|e| e.0)),
        strongest: end_text(ends.map(|e| e.1)),
    };
    let y = row.y;
    let mut svg = String::new();
    text(
        &mut svg,
        label_w,
        y + 4.0,
        "label",
        "end",
        &fit(&metric.label, label_w),
    );
    if ends.is_some() {
        line(&mut svg, (x0, y), (x1, y), "track");
        text(&mut svg, x0, y + 22.0, "tick", "start", &row.weakest);
        text(&mut svg, x1, y + 22.0, "tick", "end", &row.strongest);
        for (id, v) in &field {
            let name = site
                .catalog
                .models
                .get(*id)
                .map_or(*id, |m| m.name.as_str());
            let tip = format!("{name}: {}", metric.format.value(*v));
            circle(&mut svg, (row.x(*v), y), 4.0, "dot", &tip);
        }
    }
    row.svg = svg;
    row
}

/// One model's figures on the tracks of its use case's [`Field`]: a large dot on each.
pub fn field_range(site: &Site, u: &UseCase, model: &Model, field: &Field) -> Option<Chart> {
    let ranking = site.rankings.get(&u.slug)?;
    let me = ranking.position(&model.id)?;
    if field.rows.len() != u.spec.criteria.len() {
        return None;
    }
    let (_, x0, x1, value_x, step) = FIELD;
    let id = format!("chart-field-{}", model.id.replace('.', "-"));
    let title = format!("{} against the other ranked models", model.name);
    let description = format!(
        "For each criterion of the {} ranking, a line runs from the weakest to the strongest \
         figure among the {} ranked models, better to the right. The small dots are the ranked \
         models; the large dot is {}.",
        u.short_title,
        ranking.ranked.len(),
        model.name
    );
    let height = step * field.rows.len() as f64 + 24.0;
    let mut svg = open(&id, height, &title, &description);
    text(&mut svg, x0, 14.0, "tick", "start", "weaker");
    text(&mut svg, x1, 14.0, "tick", "end", "stronger");
    let mut rows = Vec::new();
    for (i, (c, row)) in u.spec.criteria.iter().zip(&field.rows).enumerate() {
        let metric = site.catalog.metrics.get(&c.metric)?;
        let mine = me.parts.get(i).and_then(|p| p.value);
        let figure = metric.format.figure(mine);
        svg.push_str(&row.svg);
        text(&mut svg, value_x, row.y + 4.0, "value", "start", &figure);
        if let (Some(v), Some(_)) = (mine, row.ends) {
            let tip = format!("{}: {}", model.name, metric.format.value(v));
            circle(&mut svg, (row.x(v), row.y), 7.0, "point ranked", &tip);
        }
        rows.push(vec![
            row.label.clone(),
            figure,
            row.weakest.clone(),
            row.strongest.clone(),
        ]);
    }
    svg.push_str("</svg>");
    Some(Chart {
        id,
        title,
        description,
        svg,
        table: DataTable {
            caption: format!(
                "{}'s figures and the range among the ranked models",
                model.name
            ),
            columns: vec![
                "Criterion".into(),
                model.name.clone(),
                "Weakest ranked".into(),
                "Strongest ranked".into(),
            ],
            rows,
        },
        not_plotted: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_have_one_decimal_and_no_negative_zero() {
        let written: Vec<String> = [0.0, -0.0, -0.04, 12.34, 12.36, -7.5, 719.96]
            .into_iter()
            .map(n)
            .collect();
        assert_eq!(
            written,
            ["0.0", "0.0", "0.0", "12.3", "12.4", "-7.5", "720.0"]
        );
    }

    #[test]
    fn coordinates_are_stable_text() {
        assert_eq!(n(-0.0), "0.0");
        assert_eq!(n(12.345), "12.3");
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(linear_ticks(50.0, 61.0), vec![50.0, 55.0, 60.0]);
        let small = linear_ticks(0.87, 0.94);
        assert_eq!(small.len(), 3);
        assert!((small[0] - 0.88).abs() < 1e-12 && (small[2] - 0.92).abs() < 1e-12);
        assert_eq!(log_ticks(0.3, 40.0), vec![0.5, 1.0, 2.0, 5.0, 10.0, 20.0]);
        assert_eq!(log_ticks(13.0, 32.0), vec![15.0, 20.0, 30.0]);
    }

    #[test]
    fn labels_that_do_not_fit_are_cut() {
        assert_eq!(fit("short", 100.0), "short");
        assert_eq!(fit("a rather long model name", 70.0), "a rather…");
    }

    #[test]
    fn labels_avoid_each_other() {
        let mut placed = Vec::new();
        let bounds = (0.0, 700.0, 300.0);
        let a = place_label((100.0, 100.0), "Model A", bounds, &mut placed);
        let b = place_label((102.0, 101.0), "Model B", bounds, &mut placed);
        assert_ne!((a.0, a.1), (b.0, b.1));
        assert!(!placed[0].overlaps(&placed[1]));
    }
}
