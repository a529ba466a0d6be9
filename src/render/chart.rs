//! Charts drawn at build time as inline SVG: no library and no script is needed to see them.
//!
//! Every label is written by the metric's [`Format`](crate::format::Format) or taken from the
//! same views the tables print, so a chart cannot disagree with the table beside it. Each chart
//! carries a title, a description and a [`DataTable`] holding the same figures for readers who
//! cannot see it. Colours come from classes that the stylesheet defines for light and dark
//! mode; coordinates are printed to a tenth at most so that builds stay byte-identical.

use rustc_hash::FxHashMap;

use serde::Serialize;

use super::Escaped;
use super::view::{RowView, Viewed, better_words};
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

/// The chart's figures as a table.
#[derive(Debug, Clone, Serialize)]
pub struct DataTable {
    pub caption: String,
    pub columns: Vec<String>,
    /// The rows as HTML (see [`table_row`]). Charts that plot hundreds of models reuse rows
    /// from one use case to the next, which rows built by the template could not do.
    pub body: String,
}

/// Appends a data-table row: the first cell heads it, the others are figures, and a missing
/// figure is marked as such.
fn table_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    out.push_str("<tr>");
    for (i, cell) in cells.into_iter().enumerate() {
        if i == 0 {
            out.push_str("<th scope=\"row\">");
            Escaped(cell).push_to(out);
            out.push_str("</th>");
        } else if cell == NOT_AVAILABLE {
            out.push_str("<td class=\"num\"><span class=\"na\">");
            out.push_str(NOT_AVAILABLE);
            out.push_str("</span></td>");
        } else {
            out.push_str("<td class=\"num\">");
            Escaped(cell).push_to(out);
            out.push_str("</td>");
        }
    }
    // The indent keeps the table's source as the template lays out the rest of the page.
    out.push_str("</tr>\n      ");
}

/// A number as an SVG coordinate: to a tenth, without a decimal when whole, and never `-0`.
/// Written from whole tenths because float formatting is a visible share of a large site's
/// build, and charts hold thousands of coordinates.
fn n(v: f64) -> Coordinate {
    Coordinate((v * 10.0).round() as i64)
}

/// A coordinate in whole tenths, written straight into the SVG without a string of its own.
/// A leaderboard writes thousands of them, so the digits come from itoa in pieces rather
/// than through a format string.
struct Coordinate(i64);

impl Coordinate {
    fn push_to(&self, out: &mut String) {
        const TENTHS: [&str; 10] = ["", ".1", ".2", ".3", ".4", ".5", ".6", ".7", ".8", ".9"];
        if self.0 < 0 {
            out.push('-');
        }
        let t = self.0.unsigned_abs();
        out.push_str(itoa::Buffer::new().format(t / 10));
        out.push_str(TENTHS[(t % 10) as usize]);
    }
}

/// Appends `before`, then `v` as a coordinate: the drawing functions below write their
/// elements piece by piece, as a chart writes thousands of them and a format string costs
/// several times what the pieces do.
fn coordinate(svg: &mut String, before: &str, v: f64) {
    svg.push_str(before);
    n(v).push_to(svg);
}

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

/// Opens the `<svg>` with its title and description, which name it for assistive technology.
/// `room` is about the size of the rest of the chart: growing a string of several kB step by
/// step copies it over and over, and every leaderboard and analysis page draws charts.
fn open(id: &str, height: f64, title: &str, description: &str, room: usize) -> String {
    let mut svg = String::with_capacity(room + 512 + title.len() + description.len());
    let (w, h) = (n(WIDTH), n(height));
    svg.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" viewBox=\"0 0 ");
    w.push_to(&mut svg);
    svg.push(' ');
    h.push_to(&mut svg);
    svg.push_str("\" width=\"");
    w.push_to(&mut svg);
    svg.push_str("\" height=\"");
    h.push_to(&mut svg);
    for piece in [
        "\" role=\"img\" aria-labelledby=\"",
        id,
        "-title ",
        id,
        "-desc\"><title id=\"",
        id,
        "-title\">",
    ] {
        svg.push_str(piece);
    }
    Escaped(title).push_to(&mut svg);
    for piece in ["</title><desc id=\"", id, "-desc\">"] {
        svg.push_str(piece);
    }
    Escaped(description).push_to(&mut svg);
    svg.push_str("</desc>");
    svg
}

fn text(svg: &mut String, x: f64, y: f64, class: &str, anchor: &str, content: &str) {
    coordinate(svg, "<text x=\"", x);
    coordinate(svg, "\" y=\"", y);
    for piece in ["\" class=\"", class, "\" text-anchor=\"", anchor, "\">"] {
        svg.push_str(piece);
    }
    Escaped(content).push_to(svg);
    svg.push_str("</text>");
}

fn line(svg: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), class: &str) {
    coordinate(svg, "<line x1=\"", x1);
    coordinate(svg, "\" y1=\"", y1);
    coordinate(svg, "\" x2=\"", x2);
    coordinate(svg, "\" y2=\"", y2);
    svg.push_str("\" class=\"");
    svg.push_str(class);
    svg.push_str("\"/>");
}

fn circle(svg: &mut String, (x, y): (f64, f64), r: f64, class: &str, tip: &str) {
    coordinate(svg, "<circle cx=\"", x);
    coordinate(svg, "\" cy=\"", y);
    coordinate(svg, "\" r=\"", r);
    svg.push_str("\" class=\"");
    svg.push_str(class);
    svg.push_str("\"><title>");
    Escaped(tip).push_to(svg);
    svg.push_str("</title></circle>");
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

    // A bar's rectangles with their tooltips take a few hundred bytes per criterion.
    let room = legend.len() + rows.len() * (200 + 250 * labels.len());
    let mut svg = open(&id, height, &title, &description, room);
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
        let name = ranked_name(row.rank, &row.model.name);
        text(
            &mut svg,
            left - 10.0,
            y + 13.0,
            "label",
            "end",
            &fit(&name, left - 14.0),
        );
        // Hundreds of bars a leaderboard: their titles are escaped straight into the drawing.
        let model = Escaped(&row.model.name);
        svg.push_str("<g><title>");
        model.push_to(&mut svg);
        svg.push_str(": score ");
        Escaped(row.score_text.as_deref().unwrap_or(NOT_AVAILABLE)).push_to(&mut svg);
        svg.push_str("</title>");
        let mut start = 0.0;
        for (c, part) in row.parts.iter().enumerate() {
            let points = part.contribution.unwrap_or(0.0);
            if points <= 0.0 {
                continue;
            }
            coordinate(&mut svg, "<rect x=\"", x(start));
            coordinate(&mut svg, "\" y=\"", y);
            coordinate(&mut svg, "\" width=\"", x(start + points) - x(start));
            coordinate(&mut svg, "\" height=\"", bar_height);
            svg.push_str("\" class=\"series-");
            svg.push_str(itoa::Buffer::new().format(c % PALETTE));
            svg.push_str("\"><title>");
            model.push_to(&mut svg);
            svg.push_str(", ");
            Escaped(&part.label).push_to(&mut svg);
            svg.push_str(": ");
            Escaped(part.contribution_text.as_deref().unwrap_or(NOT_AVAILABLE)).push_to(&mut svg);
            svg.push_str(" points</title></rect>");
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
    let mut body = String::with_capacity(rows.len() * (64 + 48 * columns.len()));
    for row in rows {
        let name = ranked_name(row.rank, &row.model.name);
        let points = row
            .parts
            .iter()
            .map(|p| p.contribution_text.as_deref().unwrap_or(NOT_AVAILABLE));
        let score = row.score_text.as_deref().unwrap_or(NOT_AVAILABLE);
        table_row(
            &mut body,
            std::iter::once(name.as_str()).chain(points).chain([score]),
        );
    }
    Some(Chart {
        id,
        title,
        description,
        svg,
        table: DataTable {
            caption: "Points each criterion adds to each model's score".into(),
            columns,
            body,
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
        coordinate(&mut svg, "<rect x=\"", x);
        coordinate(&mut svg, "\" y=\"", y);
        svg.push_str("\" width=\"12\" height=\"12\" class=\"series-");
        svg.push_str(itoa::Buffer::new().format(i % PALETTE));
        svg.push_str("\"/>");
        text(&mut svg, x + 18.0, y + 11.0, "label", "start", label);
        x += width;
    }
    (svg, y + 16.0)
}

// ----- quality against price ------------------------------------------------------------------

/// The price metric the quality chart uses: a blended price when the site names one.
fn price_metric(site: &Site) -> Option<&Metric> {
    let prices = &site.settings.prices;
    let key = prices.blended.as_ref().unwrap_or(&prices.output);
    site.catalog.metrics.get(key)
}

/// What every quality chart on one headline metric draws alike: the axes, and each model's
/// point and table row as an unranked model. The axes span every visible model, not the
/// ranked ones, so only the highlighting differs from one use case to the next; with hundreds
/// of models and use cases this is made once per headline metric (see [`Site::scatter`]).
#[derive(Debug, Clone)]
pub struct Scatter {
    /// The grid, ticks, axes and axis labels.
    frame: String,
    /// The plotted models, by id.
    points: Vec<Plotted>,
    /// Position in `points` by model id.
    index: FxHashMap<String, usize>,
    not_plotted: Vec<String>,
    quality_label: String,
    price_label: String,
    /// Words for the description: which way is better and the price unit.
    quality_better: &'static str,
    price_unit: String,
}

#[derive(Debug, Clone)]
struct Plotted {
    at: (f64, f64),
    name: String,
    tip: String,
    /// The two figures as the site writes them: quality, then price.
    figures: [String; 2],
    /// The hollow point of a model not ranked in the use case.
    hollow: String,
    /// Its data-table row when not ranked.
    row: String,
}

/// A plotted model before the axes are known.
struct Candidate<'a> {
    model: &'a Model,
    quality: f64,
    price: f64,
    figures: [String; 2],
}

const SCATTER: (f64, f64, f64, f64) = (70.0, WIDTH - 20.0, 16.0, 330.0);

impl Scatter {
    /// The shared part of the quality charts on `headline`; none when the site has no price
    /// metric or no model has both figures.
    pub fn new(site: &Site, headline: &str) -> Option<Scatter> {
        let quality = site.catalog.metrics.get(headline)?;
        let price = price_metric(site)?;
        let mut candidates = Vec::new();
        let mut not_plotted = Vec::new();
        for model in site.visible_models() {
            let (p, q) = (
                site.figure_view(model, price),
                site.figure_view(model, quality),
            );
            match (p.value, q.value) {
                (Some(pv), Some(qv)) if pv > 0.0 => candidates.push(Candidate {
                    model,
                    quality: qv,
                    price: pv,
                    figures: [q.text.clone(), p.text.clone()],
                }),
                (Some(pv), Some(_)) => not_plotted.push(format!(
                    "{} (its {} is {}, which a logarithmic axis cannot show)",
                    model.name,
                    price.label.to_lowercase(),
                    price.format.value(pv)
                )),
                (pv, qv) => {
                    let missing: Vec<&str> = [(pv, &price.label), (qv, &quality.label)]
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
        if candidates.is_empty() {
            return None;
        }
        candidates.sort_by(|a, b| a.model.id.cmp(&b.model.id));
        Some(Scatter::plot(&candidates, quality, price, not_plotted))
    }

    fn plot(
        candidates: &[Candidate],
        quality: &Metric,
        price: &Metric,
        not_plotted: Vec<String>,
    ) -> Scatter {
        let (left, right, top, bottom) = SCATTER;
        let (q_lo, q_hi) = padded(extent(candidates.iter().map(|c| c.quality)));
        let (p_lo, p_hi) = padded(extent(candidates.iter().map(|c| c.price.ln())));
        let x = |price: f64| left + (right - left) * (price.ln() - p_lo) / (p_hi - p_lo);
        let y = |q: f64| bottom - (bottom - top) * (q - q_lo) / (q_hi - q_lo);
        let frame = scatter_frame(quality, price, &x, &y, (q_lo, q_hi), (p_lo, p_hi));
        let price_label = price.label.to_lowercase();
        let points: Vec<Plotted> = candidates
            .iter()
            .map(|c| {
                let at = (x(c.price), y(c.quality));
                let [q, p] = &c.figures;
                let tip = format!("{}: {} {q}, {price_label} {p}", c.model.name, quality.label);
                let mut hollow = String::new();
                circle(&mut hollow, at, 5.0, "point", &tip);
                let mut row = String::new();
                table_row(&mut row, [c.model.name.as_str(), q, p, "not ranked"]);
                Plotted {
                    at,
                    name: c.model.name.clone(),
                    tip,
                    figures: c.figures.clone(),
                    hollow,
                    row,
                }
            })
            .collect();
        Scatter {
            frame,
            index: candidates
                .iter()
                .enumerate()
                .map(|(i, c)| (c.model.id.clone(), i))
                .collect(),
            points,
            not_plotted,
            quality_label: quality.label.clone(),
            price_label: price.label.clone(),
            quality_better: better_words(quality.better),
            price_unit: price.unit.clone(),
        }
    }
}

/// The grid, ticks, axes and axis labels of a quality chart.
fn scatter_frame(
    quality: &Metric,
    price: &Metric,
    x: &dyn Fn(f64) -> f64,
    y: &dyn Fn(f64) -> f64,
    (q_lo, q_hi): (f64, f64),
    (p_lo, p_hi): (f64, f64),
) -> String {
    let (left, right, top, bottom) = SCATTER;
    let mut svg = String::new();
    for t in linear_ticks(q_lo, q_hi) {
        line(&mut svg, (left, y(t)), (right, y(t)), "grid");
        let label = quality.format.value(t);
        text(&mut svg, left - 8.0, y(t) + 4.0, "tick", "end", &label);
    }
    for t in log_ticks(p_lo.exp(), p_hi.exp()) {
        line(&mut svg, (x(t), top), (x(t), bottom), "grid");
        let label = price.format.value(t);
        text(&mut svg, x(t), bottom + 18.0, "tick", "middle", &label);
    }
    line(&mut svg, (left, bottom), (right, bottom), "axis");
    line(&mut svg, (left, top), (left, bottom), "axis");
    let price_axis = format!("{} ({}, log scale)", price.label, price.unit);
    let middle = (left + right) / 2.0;
    text(
        &mut svg,
        middle,
        bottom + 42.0,
        "label",
        "middle",
        &price_axis,
    );
    let centre = (top + bottom) / 2.0;
    coordinate(&mut svg, "<text x=\"14\" y=\"", centre);
    coordinate(
        &mut svg,
        "\" class=\"label\" text-anchor=\"middle\" transform=\"rotate(-90 14 ",
        centre,
    );
    svg.push_str(")\">");
    Escaped(&quality.label).push_to(&mut svg);
    svg.push_str(" (");
    svg.push_str(better_words(quality.better));
    svg.push_str(")</text>");
    svg
}

/// The use case's headline metric against price (log axis), every visible model with both
/// figures as a point, the ranked ones filled and named.
pub fn quality_price(site: &Site, u: &UseCase) -> Option<Chart> {
    let base = site.scatter(&u.headline)?;
    let ranking = site.rankings.get(&u.slug)?;
    let ranked: Vec<(usize, usize)> = ranking
        .ranked
        .iter()
        .filter_map(|r| Some((r.rank, *base.index.get(&*r.id)?)))
        .collect();
    let mut is_ranked = vec![false; base.points.len()];
    for &(_, i) in &ranked {
        is_ranked[i] = true;
    }
    let id = format!("chart-quality-{}", u.slug);
    let title = format!(
        "{} against {} for {}",
        base.quality_label,
        base.price_label.to_lowercase(),
        u.short_title
    );
    let description = format!(
        "Each point is a model: {} ({}) upwards, {} ({}) to the right on a logarithmic scale. \
         Filled, named points are ranked for {}; hollow ones are not.",
        base.quality_label, base.quality_better, base.price_label, base.price_unit, u.short_title
    );
    let (left, right, _, bottom) = SCATTER;
    let points: usize = base.points.iter().map(|p| p.hollow.len() + 64).sum();
    let mut svg = open(
        &id,
        bottom + 52.0,
        &title,
        &description,
        base.frame.len() + points,
    );
    svg.push_str(&base.frame);
    // Unranked points go first, so that the ranked ones are drawn over them. Only the ranked
    // points are named: hundreds of labels would bury them.
    let unranked: Vec<&Plotted> = (base.points.iter().zip(&is_ranked))
        .filter_map(|(p, &r)| (!r).then_some(p))
        .collect();
    for p in &unranked {
        svg.push_str(&p.hollow);
    }
    let mut placed: Vec<Rect> = Vec::new();
    let mut body = String::with_capacity(base.points.iter().map(|p| p.row.len()).sum());
    for &(rank, i) in &ranked {
        let p = &base.points[i];
        circle(&mut svg, p.at, 6.0, "point ranked", &p.tip);
        let name = ranked_name(rank, &p.name);
        let (lx, ly, anchor) = place_label(p.at, &name, (left, right, bottom), &mut placed);
        text(&mut svg, lx, ly, "label strong", anchor, &name);
        let [q, pr] = &p.figures;
        table_row(&mut body, [p.name.as_str(), q, pr, &format!("#{rank}")]);
    }
    svg.push_str("</svg>");
    for p in &unranked {
        body.push_str(&p.row);
    }
    Some(Chart {
        id,
        title,
        description,
        svg,
        table: DataTable {
            caption: format!(
                "{} and {} of every plotted model",
                base.quality_label,
                base.price_label.to_lowercase()
            ),
            columns: vec![
                "Model".into(),
                base.quality_label.clone(),
                base.price_label.clone(),
                format!("Rank for {}", u.short_title),
            ],
            body,
        },
        not_plotted: base.not_plotted.clone(),
    })
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

/// The lowest and the highest of some values; infinities when there are none.
fn extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

/// A range with room around it, so no point sits on the frame.
fn padded((lo, hi): (f64, f64)) -> (f64, f64) {
    let span = hi - lo;
    if span <= 0.0 {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo - pad, hi + pad)
    } else {
        (lo - span * 0.08, hi + span * 0.08)
    }
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
            rows.push(field_row(ranking, i, c, metric));
        }
        Field { rows }
    }
}

fn field_row(
    ranking: &crate::rank::Ranking,
    i: usize,
    c: &crate::rank::Criterion,
    metric: &Metric,
) -> FieldRow {
    let (label_w, x0, x1, _, step) = FIELD;
    let field: Vec<f64> = ranking
        .ranked
        .iter()
        .filter_map(|r| r.parts.get(i)?.value)
        .collect();
    let (lo, hi) = extent(field.iter().copied());
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
        // The small dots are one path of zero-length lines that the stylesheet draws with
        // round caps: a few bytes a dot rather than an element each, on a chart that every
        // analysis page repeats for every ranked model. Their figures are on the leaderboard.
        svg.push_str("<path class=\"dots\" d=\"");
        for v in &field {
            coordinate(&mut svg, "M", row.x(*v));
            coordinate(&mut svg, " ", y);
            svg.push_str("h0");
        }
        svg.push_str("\"/>");
    }
    row.svg = svg;
    row
}

/// "#3 Model name", as charts label ranked models.
fn ranked_name(rank: usize, name: &str) -> String {
    let mut text = String::with_capacity(name.len() + 5);
    text.push('#');
    text.push_str(itoa::Buffer::new().format(rank));
    text.push(' ');
    text.push_str(name);
    text
}

/// One model's figures on the tracks of its use case's [`Field`]: a large dot on each.
pub fn field_range(site: &Site, u: &UseCase, model: &Model, field: &Field) -> Option<Chart> {
    let ranking = site.rankings.get(&u.slug)?;
    let me = ranking.position(&model.id)?;
    if field.rows.len() != u.spec.criteria.len() {
        return None;
    }
    let (_, x0, x1, value_x, step) = FIELD;
    let id = ["chart-field-", &model.id.replace('.', "-")].concat();
    let title = [model.name.as_str(), " against the other ranked models"].concat();
    let description = format!(
        "For each criterion of the {} ranking, a line runs from the weakest to the strongest \
         figure among the {} ranked models, better to the right. The small dots are the ranked \
         models; the large dot is {}.",
        u.short_title,
        ranking.ranked.len(),
        model.name
    );
    let height = step * field.rows.len() as f64 + 24.0;
    let room = field.rows.iter().map(|r| r.svg.len() + 256).sum();
    let mut svg = open(&id, height, &title, &description, room);
    text(&mut svg, x0, 14.0, "tick", "start", "weaker");
    text(&mut svg, x1, 14.0, "tick", "end", "stronger");
    let mut body = String::with_capacity(field.rows.len() * 192);
    for (i, (c, row)) in u.spec.criteria.iter().zip(&field.rows).enumerate() {
        if !site.catalog.metrics.contains_key(&c.metric) {
            return None;
        }
        let mine = me.parts.get(i).and_then(|p| p.value);
        let figure = site.figure_text(model, &c.metric, mine);
        svg.push_str(&row.svg);
        text(&mut svg, value_x, row.y + 4.0, "value", "start", &figure);
        if let (Some(v), Some(_)) = (mine, row.ends) {
            let tip = [model.name.as_str(), ": ", &figure].concat();
            circle(&mut svg, (row.x(v), row.y), 7.0, "point ranked", &tip);
        }
        table_row(
            &mut body,
            [&row.label, &figure, &row.weakest, &row.strongest].map(String::as_str),
        );
    }
    svg.push_str("</svg>");
    Some(Chart {
        id,
        title,
        description,
        svg,
        table: DataTable {
            caption: [
                model.name.as_str(),
                "'s figures and the range among the ranked models",
            ]
            .concat(),
            columns: vec![
                "Criterion".into(),
                model.name.clone(),
                "Weakest ranked".into(),
                "Strongest ranked".into(),
            ],
            body,
        },
        not_plotted: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Coordinate {
        fn text(&self) -> String {
            let mut text = String::new();
            self.push_to(&mut text);
            text
        }
    }

    #[test]
    fn coordinates_have_a_tenth_at_most_and_no_negative_zero() {
        let written: Vec<String> = [0.0, -0.0, -0.04, 12.34, 12.36, -7.5, 719.96, 40.02]
            .into_iter()
            .map(|v| n(v).text())
            .collect();
        assert_eq!(
            written,
            ["0", "0", "0", "12.3", "12.4", "-7.5", "720", "40"]
        );
    }

    #[test]
    fn coordinates_are_stable_text() {
        assert_eq!(n(-0.0).text(), "0");
        assert_eq!(n(12.345).text(), "12.3");
        assert_eq!(n(-1234.56).text(), "-1234.6");
        assert_eq!(n(-0.06).text(), "-0.1");
        assert_eq!(n(-3.0).text(), "-3");
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
