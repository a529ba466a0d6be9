//! What templates see: plain, already formatted values.
//!
//! Every figure is formatted here from its metric definition and every sentence about the
//! ranking method is written here from the same [`Spec`](crate::rank::Spec) that computed the
//! order, so templates only place text and cannot contradict the data.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use serde::{Serialize, Serializer};

use super::csv_rows::Rows;
use super::{Escaped, escape_html};
use crate::content::UseCase;
use crate::data::{Figure, Metric, Model};
use crate::format::{NOT_AVAILABLE, Shortest, fixed, fixed_into};
use crate::rank::robust::{grid_points, renormalised};
use crate::rank::{
    Better, Excluded, Exclusion, FilterMissing, Method, Missing, Op, Ranked, Ranking,
    SCORE_EPSILON, Scale, Swap,
};
use crate::site::Site;

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// A link to try a model at the gateway.
#[derive(Debug, Clone, Serialize)]
pub struct GatewayLink {
    /// "Open in <gateway>".
    pub name: String,
    /// The gateway's own name.
    pub site: String,
    pub url: String,
}

/// A model as a reference in lists and tables.
#[derive(Debug, Clone, Serialize)]
pub struct ModelRef {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub status: String,
    /// Profile page.
    pub url: String,
    /// "Open in <gateway>", when the model has a gateway slug.
    pub gateway: Option<GatewayLink>,
    pub gateway_slug: Option<String>,
    /// The name linked to the profile, as HTML. Every leaderboard lists the models it leaves
    /// out by name, hundreds on a large catalogue, so each link is written once per build.
    #[serde(skip)]
    pub link_html: String,
}

/// One figure, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    pub metric: String,
    pub label: String,
    pub short_label: String,
    pub text: String,
    pub value: Option<f64>,
    pub available: bool,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub as_of: Option<String>,
    pub as_of_long: Option<String>,
    pub claimed: bool,
    pub note: Option<String>,
    /// The figure as the pages print it: its text, marked when the vendor reported it, or
    /// "not available". Written once per model and metric, and the same on every page.
    pub html: String,
}

/// A figure's markup: its text with a dagger when only the vendor reported it, or "not
/// available", so that a missing figure reads alike on every page and never as a blank.
fn figure_html(text: &str, available: bool, claimed: bool) -> String {
    if !available {
        return format!("<span class=\"figure na\">{NOT_AVAILABLE}</span>");
    }
    let dagger = if claimed {
        "<sup class=\"claimed\" title=\"Reported by the vendor, not independently verified\">†</sup>"
    } else {
        ""
    };
    format!("<span class=\"figure\">{}{dagger}</span>", Escaped(text))
}

/// A view shown on many pages, made once: the view, for the code that reads it, and what
/// templates see of it, serialised once. Tera clones a `tera::Value` it meets in a context
/// instead of serialising it again, and a clone shares its contents, so placing a `Viewed`
/// on a page costs a reference count whatever its size.
#[derive(Debug, Clone)]
pub struct Viewed<T> {
    view: Arc<T>,
    value: tera::Value,
}

impl<T: Serialize> Viewed<T> {
    pub fn new(view: T) -> Self {
        let value = tera::Value::from_serializable(&view);
        Viewed {
            view: Arc::new(view),
            value,
        }
    }
}

impl<T> Deref for Viewed<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.view
    }
}

impl<T> Serialize for Viewed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// What every page shows alike of one model: its reference and each of its figures.
#[derive(Debug, Clone)]
pub struct ModelViews {
    model: Viewed<ModelRef>,
    /// In the order of the catalogue's metrics.
    figures: Vec<Viewed<FigureView>>,
    /// `figures` as one list, for the pages that show them all.
    all_figures: tera::Value,
    /// Each figure's value as ranking files write numbers ([`Shortest`]), in the same order.
    /// A model's figure is written in the reason of every ranking whose rule it fails,
    /// hundreds of times on a large site.
    shortest: Vec<Option<Box<str>>>,
    /// The model's id, name and provider as CSV fields: every ranking file that leaves the
    /// model out writes them in a row of its own.
    csv_identity: Box<[u8]>,
}

/// [`ModelViews`] per model id, each made on first use; and each metric's position.
#[derive(Debug, Clone, Default)]
pub(crate) struct ModelMemo {
    metrics: FxHashMap<String, usize>,
    models: FxHashMap<String, OnceLock<ModelViews>>,
}

impl Site {
    fn model_views(&self, model: &Model) -> Cow<'_, ModelViews> {
        let memo = self.shared.models.get_or_init(|| ModelMemo {
            metrics: self.catalog.metrics.keys().cloned().zip(0..).collect(),
            models: self
                .catalog
                .models
                .keys()
                .map(|id| (id.clone(), OnceLock::new()))
                .collect(),
        });
        match memo.models.get(&model.id) {
            Some(slot) => Cow::Borrowed(slot.get_or_init(|| self.make_model_views(model))),
            // A model from outside the catalogue (a what-if) is not remembered.
            None => Cow::Owned(self.make_model_views(model)),
        }
    }

    fn make_model_views(&self, model: &Model) -> ModelViews {
        let figures: Vec<Viewed<FigureView>> = self
            .catalog
            .metrics
            .values()
            .map(|m| Viewed::new(self.make_figure_view(model, m)))
            .collect();
        let shortest = figures
            .iter()
            .map(|f| (**f).value.map(|v| Shortest(v).to_string().into()))
            .collect();
        let mut identity = Rows::default();
        for text in [&model.id, &model.name, &model.provider] {
            identity.text(text);
        }
        ModelViews {
            model: Viewed::new(self.make_model_ref(model)),
            all_figures: tera::Value::from_serializable(&figures),
            figures,
            shortest,
            csv_identity: identity.into_bytes().into(),
        }
    }

    /// Appends a model's id, name and provider to `rows` as three fields.
    pub(crate) fn csv_identity(&self, model: &Model, rows: &mut Rows) {
        rows.encoded(&self.model_views(model).csv_identity);
    }

    /// `value`, a figure of `model` on the metric `key`, as ranking files write numbers.
    pub fn shortest_figure(&self, model: &Model, key: &str, value: f64) -> String {
        let views = self.model_views(model);
        let kept = self
            .kept_figure(&views, key, Some(value))
            .and_then(|i| views.shortest.get(i)?.as_deref());
        kept.map_or_else(|| Shortest(value).to_string(), str::to_string)
    }

    /// Where `views` keep the figure of the metric `key`, when it holds `value`: the texts
    /// made once for it then stand for `value` too.
    fn kept_figure(&self, views: &ModelViews, key: &str, value: Option<f64>) -> Option<usize> {
        let i = self.metric_position(key)?;
        let figure: &FigureView = views.figures.get(i)?;
        (figure.value.map(f64::to_bits) == value.map(f64::to_bits)).then_some(i)
    }

    /// A model's link to its profile, followed in brackets by its figure of the metric at
    /// `metric` (a [`Site::metric_position`]) when given: how leaderboards name the models
    /// they leave out.
    fn write_not_ranked(&self, out: &mut String, model: &Model, metric: Option<usize>) {
        let views = self.model_views(model);
        out.push_str(&views.model.link_html);
        if let Some(figure) = metric.and_then(|i| views.figures.get(i)) {
            out.push_str(" (");
            Escaped(&figure.text).push_to(out);
            out.push(')');
        }
    }

    /// Where a metric's figure sits among each model's shared figures.
    fn metric_position(&self, key: &str) -> Option<usize> {
        self.shared.models.get()?.metrics.get(key).copied()
    }

    /// Every figure of a model, in the catalogue's order of metrics.
    pub fn all_figures(&self, model: &Model) -> tera::Value {
        self.model_views(model).all_figures.clone()
    }

    pub fn base_path(&self) -> &str {
        self.settings.base_path()
    }

    /// A site path (`use-cases/coding/`) as a link under the base path.
    pub fn url(&self, path: &str) -> String {
        [self.base_path(), path].concat()
    }

    /// The link to the leaderboard of the use case at `index` in the site's order, made (and
    /// serialised for templates) once for every page that lists use cases by the hundred.
    pub(crate) fn use_case_link(&self, index: usize) -> Option<&Viewed<Link>> {
        let links = self.shared.use_case_links.get_or_init(|| {
            let use_cases = &self.content.use_cases;
            let links = use_cases.iter().map(|u| self.leaderboard_link(u));
            links.map(Viewed::new).collect()
        });
        links.get(index)
    }

    /// A link to the leaderboard of `u`, named by its short title.
    pub(crate) fn leaderboard_link(&self, u: &UseCase) -> Link {
        Link {
            name: u.short_title.clone(),
            url: [self.base_path(), "use-cases/", &u.slug, "/"].concat(),
        }
    }

    /// A link as written in settings: site paths (`/x/`) go under the base path.
    pub fn link(&self, url: &str) -> String {
        if crate::config::is_site_path(url) {
            self.url(&url[1..])
        } else {
            url.to_string()
        }
    }

    pub fn model_ref(&self, model: &Model) -> Viewed<ModelRef> {
        self.model_views(model).model.clone()
    }

    fn make_model_ref(&self, model: &Model) -> ModelRef {
        let provider = self
            .catalog
            .providers
            .get(&model.provider)
            .map_or_else(|| model.provider.clone(), |p| p.name.clone());
        let gateway = match (&self.settings.gateway, &model.gateway_slug) {
            (Some(g), Some(slug)) => Some(GatewayLink {
                name: format!("Open in {}", g.name),
                site: g.name.clone(),
                url: g.link(slug),
            }),
            _ => None,
        };
        let url = self.url(&format!("models/{}/", model.id));
        ModelRef {
            link_html: format!(
                "<a href=\"{}\">{}</a>",
                escape_html(&url),
                escape_html(&model.name)
            ),
            id: model.id.clone(),
            name: model.name.clone(),
            provider,
            status: model.status.to_string(),
            url,
            gateway,
            gateway_slug: model.gateway_slug.clone(),
        }
    }

    pub fn model_ref_by_id(&self, id: &str) -> Option<Viewed<ModelRef>> {
        self.catalog.models.get(id).map(|m| self.model_ref(m))
    }

    /// A model's figure for `metric`.
    pub fn figure_view(&self, model: &Model, metric: &Metric) -> Viewed<FigureView> {
        self.figure_by_key(model, &metric.key)
            .unwrap_or_else(|| Viewed::new(self.make_figure_view(model, metric)))
    }

    fn make_figure_view(&self, model: &Model, metric: &Metric) -> FigureView {
        let missing = Figure {
            value: None,
            source: None,
            url: None,
            as_of: None,
            claimed: false,
            note: None,
            location: crate::error::Location::file(&model.file),
        };
        let figure = model.figures.get(&metric.key).unwrap_or(&missing);
        let source = self.catalog.source_of(&metric.key, figure);
        let text = metric.format.figure(figure.value);
        let claimed = figure.claimed && figure.value.is_some();
        FigureView {
            metric: metric.key.clone(),
            label: metric.label.clone(),
            short_label: metric.short_label.clone(),
            html: figure_html(&text, figure.value.is_some(), claimed),
            text,
            value: figure.value,
            available: figure.value.is_some(),
            source: source.map(|s| s.name.clone()),
            source_url: self.catalog.url_of(&metric.key, figure).map(str::to_string),
            as_of: figure.value.and(figure.as_of).map(|d| d.to_string()),
            as_of_long: figure.value.and(figure.as_of).map(|d| d.long()),
            claimed,
            note: figure.note.clone(),
        }
    }

    /// `value`, a figure of `model` on the metric `key`, as pages print it: the text of the
    /// model's shared view of that figure when it holds the same value, which spares
    /// formatting the same figure again in every use case that shows it.
    pub fn figure_text(&self, model: &Model, key: &str, value: Option<f64>) -> String {
        let views = self.model_views(model);
        match self.kept_figure(&views, key, value) {
            Some(i) => views.figures[i].text.clone(),
            None => self
                .catalog
                .metrics
                .get(key)
                .map_or_else(|| NOT_AVAILABLE.into(), |m| m.format.figure(value)),
        }
    }

    pub fn figure_by_key(&self, model: &Model, key: &str) -> Option<Viewed<FigureView>> {
        let views = self.model_views(model);
        let index = *self.shared.models.get()?.metrics.get(key)?;
        Some(views.figures.get(index)?.clone())
    }

    /// "$5 / $30", or "not available" when either price is missing.
    pub fn price_pair(&self, model: &Model) -> String {
        let p = &self.settings.prices;
        let text = |key: &str| {
            let value = model
                .value(key)
                .filter(|_| self.catalog.metrics.contains_key(key));
            value.map(|v| self.figure_text(model, key, Some(v)))
        };
        match (text(&p.input), text(&p.output)) {
            (Some(i), Some(o)) => format!("{i} / {o}"),
            (Some(i), None) => format!("{i} / {NOT_AVAILABLE}"),
            (None, Some(o)) => format!("{NOT_AVAILABLE} / {o}"),
            (None, None) => NOT_AVAILABLE.to_string(),
        }
    }

    fn metric_label(&self, key: &str) -> String {
        self.metric_label_str(key).to_string()
    }

    /// A metric's label, or its key for a metric outside the catalogue.
    fn metric_label_str<'a>(&'a self, key: &'a str) -> &'a str {
        self.catalog.metrics.get(key).map_or(key, |m| &m.label)
    }

    fn metric_value(&self, key: &str, v: f64) -> String {
        self.catalog
            .metrics
            .get(key)
            .map_or_else(|| v.to_string(), |m| m.format.value(v))
    }
}

// ----- the method, in words ---------------------------------------------------------------

fn direction(better: Better) -> &'static str {
    match better {
        Better::Higher => "higher first",
        Better::Lower => "lower first",
    }
}

fn op_words(op: Op) -> &'static str {
    match op {
        Op::Ge => "at least",
        Op::Gt => "more than",
        Op::Le => "at most",
        Op::Lt => "less than",
        Op::Eq => "exactly",
        Op::Ne => "other than",
    }
}

pub fn weight_text(weight: f64) -> String {
    let mut text = points(weight);
    text.push('%');
    text
}

/// The sentence that states how the table is ordered.
pub fn method_sentence(site: &Site, u: &UseCase) -> String {
    let spec = &u.spec;
    let mut sentence = match spec.method {
        Method::Weighted => {
            let parts: Vec<String> = spec
                .criteria
                .iter()
                .map(|c| {
                    format!(
                        "{} ({})",
                        site.metric_label(&c.metric),
                        weight_text(c.weight)
                    )
                })
                .collect();
            let mut s = format!(
                "Models are ordered by a weighted score out of 100 built from {}. Each figure is scaled from 0 (the lowest among the ranked models) to 1 (the highest)",
                join_words(&parts)
            );
            let logs: Vec<String> = spec
                .criteria
                .iter()
                .filter(|c| c.scale == Scale::Log)
                .map(|c| site.metric_label(&c.metric))
                .collect();
            if !logs.is_empty() {
                s.push_str(&format!(
                    ", on a logarithmic scale for {}",
                    join_words(&logs)
                ));
            }
            s.push_str(", with lower-is-better figures reversed.");
            s.push_str(&missing_sentence(site, spec));
            s
        }
        Method::Ordered => {
            let parts: Vec<String> = spec
                .criteria
                .iter()
                .map(|c| format!("{} ({})", site.metric_label(&c.metric), direction(c.better)))
                .collect();
            format!(
                "Models are ordered by {}, each in turn; a model without a figure comes last on it.",
                join_words_then(&parts)
            )
        }
    };
    sentence.push(' ');
    sentence.push_str(&tie_break_sentence(site, u));
    sentence
}

/// What happens to a model without a figure, criterion by criterion.
fn missing_sentence(site: &Site, spec: &crate::rank::Spec) -> String {
    let labels = |missing: Missing| -> Vec<String> {
        spec.criteria
            .iter()
            .filter(|c| c.missing == missing)
            .map(|c| site.metric_label(&c.metric))
            .collect()
    };
    let (zero, exclude) = (labels(Missing::Zero), labels(Missing::Exclude));
    let mut s = String::new();
    if !exclude.is_empty() {
        s.push_str(&format!(
            " A model without a figure for {} is not ranked.",
            join_words(&exclude)
        ));
    }
    match (zero.len(), exclude.is_empty()) {
        (0, _) => {}
        (_, true) => s.push_str(" A model without a figure scores 0 on that criterion."),
        _ => s.push_str(&format!(
            " A model without a figure for {} scores 0 on it.",
            join_words(&zero)
        )),
    }
    s
}

pub fn tie_break_sentence(site: &Site, u: &UseCase) -> String {
    let what = if u.spec.method == Method::Weighted {
        "Equal scores"
    } else {
        "Remaining ties"
    };
    let breakers: Vec<String> = u
        .spec
        .tie_breakers
        .iter()
        .map(|t| format!("{} ({})", site.metric_label(&t.metric), direction(t.better)))
        .collect();
    if breakers.is_empty() {
        format!("{what} are ordered by model id.")
    } else {
        format!(
            "{what} are ordered by {}, then by model id.",
            join_words_then(&breakers)
        )
    }
}

/// The hard rule a filter states: "Context window of at least 200K".
pub fn filter_sentence(site: &Site, f: &crate::rank::Filter) -> String {
    let (label, op, threshold) = rule_words(site, f);
    let mut s = format!("{label} must be {op} {threshold}");
    s.push_str(match f.missing {
        FilterMissing::Fail => "; a model without a published figure is not ranked.",
        FilterMissing::Pass => "; a model without a published figure is still ranked.",
    });
    s
}

/// A filter in words: its metric's label, the comparison and the threshold.
fn rule_words(site: &Site, f: &crate::rank::Filter) -> (String, &'static str, String) {
    (
        site.metric_label(&f.metric),
        op_words(f.op),
        site.metric_value(&f.metric, f.value),
    )
}

/// Why a model is not ranked, as the page says it ("not ranked because …").
pub fn exclusion_text(site: &Site, u: &UseCase, e: &Excluded) -> String {
    match &e.why {
        Exclusion::Status(status) => format!("it is {status}"),
        Exclusion::FilterMissing(i) => {
            let (label, op, threshold) = rule_words(site, &u.spec.filters[*i]);
            format!(
                "it has no published figure for {label}, and this ranking requires {op} {threshold}"
            )
        }
        Exclusion::FilterFailed { filter, value } => {
            let (label, op, threshold) = rule_words(site, &u.spec.filters[*filter]);
            let figure = site.metric_value(&u.spec.filters[*filter].metric, *value);
            format!("its {label} figure is {figure}, and this ranking requires {op} {threshold}")
        }
        Exclusion::CriterionMissing(i) => {
            let c = &u.spec.criteria[*i];
            format!(
                "it has no published figure for {}, and this ranking leaves out models without one",
                site.metric_label(&c.metric)
            )
        }
    }
}

/// What keeps a model out of a use case, in words that hold for every use case it keeps it
/// out of: the thresholds differ, and each leaderboard states its own.
pub fn exclusion_kind(site: &Site, u: &UseCase, e: &Excluded) -> String {
    let metric = |key: &str| site.metric_label(key);
    match &e.why {
        Exclusion::Status(status) => format!("it is {status}"),
        Exclusion::FilterMissing(i) => format!(
            "a rule on {}, for which it has no published figure",
            metric(&u.spec.filters[*i].metric)
        ),
        Exclusion::FilterFailed { filter, value } => {
            let key = &u.spec.filters[*filter].metric;
            format!(
                "a rule on {} that its figure of {} does not meet",
                metric(key),
                site.metric_value(key, *value)
            )
        }
        Exclusion::CriterionMissing(i) => format!(
            "no ranking without a {} figure, which it lacks",
            metric(&u.spec.criteria[*i].metric)
        ),
    }
}

fn join_words(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn join_words_then(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}, then {last}", init.join(", then ")),
    }
}

// ----- ranking rows ---------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize)]
pub struct CriterionView {
    pub metric: String,
    pub label: String,
    pub weight: Option<f64>,
    pub weight_text: Option<String>,
    pub better: String,
    pub scale: String,
    pub missing: String,
    pub why_html: Option<String>,
    pub source: Option<Link>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartView {
    pub label: String,
    /// Which way the criterion counts ("higher is better"), and whether on a log scale: the
    /// same in every row, given in each so that a row prints without a second lookup.
    pub better: &'static str,
    pub log: bool,
    /// The criterion's range over the ranked models ("52.5 – 59.1").
    pub range: Option<String>,
    pub weight_text: Option<String>,
    pub value_text: String,
    pub normalized: Option<f64>,
    pub normalized_text: Option<String>,
    pub contribution: Option<f64>,
    pub contribution_text: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub rank: usize,
    pub model: Viewed<ModelRef>,
    pub score: Option<f64>,
    pub score_text: Option<String>,
    pub headline: Viewed<FigureView>,
    pub cells: Vec<Viewed<FigureView>>,
    pub price: String,
    /// Input and output price, for sorting the price column; absent when either is missing.
    pub price_sort: Option<[f64; 2]>,
    pub analysis_url: String,
    pub parts: Vec<PartView>,
    /// "#2–#3" (or "#2" when the rank holds) over the weight band; weighted rankings only.
    pub range_text: Option<String>,
    /// "holds #2–#3 under ±5 pt weight shifts".
    pub range_sentence: Option<String>,
    /// What the rank cell adds: "holds", or "#2–#3" when the rank moves within the band.
    pub range_cell: Option<String>,
}

pub fn score_text(score: f64) -> String {
    fixed(score, 1)
}

pub(crate) fn better_words(better: Better) -> &'static str {
    match better {
        Better::Higher => "higher is better",
        Better::Lower => "lower is better",
    }
}

/// Each criterion's range over the ranked models, its two ends printed in the metric's own
/// format (the raw figures under a log scale); none for a criterion without figures, and
/// for every criterion of an `ordered` ranking, which normalises nothing.
pub fn criterion_ranges(site: &Site, u: &UseCase) -> Vec<Option<[String; 2]>> {
    let bounds = site.rankings.get(&u.slug).map(|r| &r.bounds[..]);
    u.spec
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let b = bounds?.get(i).copied().flatten()?;
            let raw = |v: f64| if c.scale == Scale::Log { v.exp() } else { v };
            let text = |v: f64| site.metric_value(&c.metric, raw(v));
            Some([text(b.lo), text(b.hi)])
        })
        .collect()
}

pub fn criterion_views(site: &Site, u: &UseCase, notes: &[Option<String>]) -> Vec<CriterionView> {
    u.spec
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let metric = site.catalog.metrics.get(&c.metric);
            let source = metric
                .and_then(|m| m.source.as_ref())
                .and_then(|s| site.catalog.sources.get(s));
            CriterionView {
                metric: c.metric.clone(),
                label: site.metric_label(&c.metric),
                weight: (u.spec.method == Method::Weighted).then_some(c.weight),
                weight_text: (u.spec.method == Method::Weighted).then(|| weight_text(c.weight)),
                better: better_words(c.better).into(),
                scale: match c.scale {
                    Scale::Linear => "linear".into(),
                    Scale::Log => "log".into(),
                },
                missing: match c.missing {
                    Missing::Zero => "zero".into(),
                    Missing::Exclude => "exclude".into(),
                },
                why_html: notes.get(i).cloned().flatten(),
                source: source.map(|s| Link {
                    name: s.name.clone(),
                    url: s.url.clone().unwrap_or_default(),
                }),
                description: metric.and_then(|m| m.description.clone()),
            }
        })
        .collect()
}

/// What every score-breakdown row of a use case prints alike of one criterion. Formatting
/// it again for each row of each use case took about 1% of a large site's instructions.
pub struct CriterionTexts {
    /// The range over the ranked models ("52.5 – 59.1").
    range: Option<String>,
    /// The weight ("17%"), under the weighted method only.
    weight: Option<String>,
}

/// Each criterion's [`CriterionTexts`], in the spec's order.
pub fn criterion_texts(site: &Site, u: &UseCase) -> Vec<CriterionTexts> {
    let weighted = u.spec.method == Method::Weighted;
    criterion_ranges(site, u)
        .into_iter()
        .zip(&u.spec.criteria)
        .map(|(range, c)| CriterionTexts {
            range: range.map(|[lo, hi]| format!("{lo} – {hi}")),
            weight: weighted.then(|| weight_text(c.weight)),
        })
        .collect()
}

/// A ranked model's row; `texts` are the [`criterion_texts`] of `u`, shared by its rows.
pub fn row_view(site: &Site, u: &UseCase, r: &Ranked, texts: &[CriterionTexts]) -> Option<RowView> {
    let model = site.catalog.models.get(&*r.id)?;
    let headline = site.figure_by_key(model, &u.headline)?;
    let cells = u
        .columns
        .iter()
        .filter_map(|c| site.figure_by_key(model, c))
        .collect();
    let parts = u
        .spec
        .criteria
        .iter()
        .zip(&r.parts)
        .enumerate()
        .map(|(i, (c, p))| PartView {
            label: site.metric_label(&c.metric),
            better: better_words(c.better),
            log: c.scale == Scale::Log,
            range: texts.get(i).and_then(|t| t.range.clone()),
            weight_text: texts.get(i).and_then(|t| t.weight.clone()),
            value_text: site.figure_text(model, &c.metric, p.value),
            normalized: p.normalized,
            normalized_text: p.normalized.map(|n| fixed(n, 2)),
            contribution: p.contribution,
            contribution_text: p.contribution.map(|c| fixed(c, 1)),
        })
        .collect();
    Some(RowView {
        rank: r.rank,
        model: site.model_ref(model),
        score: r.score,
        score_text: r.score.map(score_text),
        headline,
        cells,
        price: site.price_pair(model),
        price_sort: model
            .value(&site.settings.prices.input)
            .zip(model.value(&site.settings.prices.output))
            .map(|(i, o)| [i, o]),
        analysis_url: site.url(&format!("use-cases/{}/{}/", u.slug, r.id)),
        parts,
        range_text: r.rank_range.map(range_text),
        range_sentence: r
            .rank_range
            .map(|range| range_sentence(range, u.spec.weight_band)),
        range_cell: r.rank_range.map(|range @ [best, worst]| {
            if best == worst {
                "holds".to_string()
            } else {
                range_text(range)
            }
        }),
    })
}

/// Models kept out of a use case for one reason, said once for them all: a catalogue of
/// hundreds of models would otherwise repeat one sentence hundreds of times.
#[derive(Debug, Clone, Serialize)]
pub struct ExcludedGroup {
    /// How many models the group holds.
    pub count: usize,
    /// The models as HTML: each name linked to its profile and followed by its figure in
    /// brackets, joined into a list ("A (1 s), B (2 s) and C (3 s)"). A catalogue of
    /// hundreds of models would make a list built by the template the slowest part of a
    /// leaderboard, so the models come only as this text.
    pub names: String,
    /// Said of one model ("its figure is …") or of several ("their figures, in brackets, …").
    pub reason: String,
    /// The editor's own sentence on the model, as HTML; a model with one is in a group alone.
    pub note: Option<String>,
}

/// What makes two exclusions one reason: the same status, or the same rule.
#[derive(PartialEq, Eq)]
enum SharedReason<'a> {
    Status(&'a str),
    FilterMissing(usize),
    FilterFailed(usize),
    CriterionMissing(usize),
    /// An exclusion the editor wrote a note on stands alone.
    Noted(&'a str),
}

/// The excluded models, grouped by reason in the order of the ranking's `excluded` list.
pub fn excluded_groups(
    site: &Site,
    u: &UseCase,
    notes: &std::collections::BTreeMap<String, String>,
) -> Vec<ExcludedGroup> {
    let Some(ranking) = site.rankings.get(&u.slug) else {
        return Vec::new();
    };
    // A ranking has a few reasons and hundreds of excluded models: the groups are found by a
    // scan of the reasons so far, cheaper than hashing each model's reason.
    let mut groups: Vec<(SharedReason, Vec<(&Model, &Excluded)>)> = Vec::new();
    for e in &ranking.excluded {
        let Some(model) = site.catalog.models.get(&*e.id) else {
            continue;
        };
        if model.status == crate::data::Status::Hidden {
            continue;
        }
        let key = match &e.why {
            _ if notes.contains_key(&*e.id) => SharedReason::Noted(&e.id),
            Exclusion::Status(s) => SharedReason::Status(s),
            Exclusion::FilterMissing(i) => SharedReason::FilterMissing(*i),
            Exclusion::FilterFailed { filter, .. } => SharedReason::FilterFailed(*filter),
            Exclusion::CriterionMissing(i) => SharedReason::CriterionMissing(*i),
        };
        match groups.iter_mut().find(|(reason, _)| *reason == key) {
            Some((_, members)) => members.push((model, e)),
            None => groups.push((key, vec![(model, e)])),
        }
    }
    groups
        .into_iter()
        .map(|(_, group)| excluded_group(site, u, &group, notes))
        .collect()
}

fn excluded_group(
    site: &Site,
    u: &UseCase,
    group: &[(&Model, &Excluded)],
    notes: &std::collections::BTreeMap<String, String>,
) -> ExcludedGroup {
    let (first_model, first) = group[0];
    if let [_] = group {
        return ExcludedGroup {
            count: 1,
            names: names_html(site, [(first_model, None)]),
            reason: exclusion_text(site, u, first),
            note: notes.get(&first_model.id).cloned(),
        };
    }
    // The figure that fails a rule is the model's own figure of the rule's metric; a group
    // shares its reason, so the first model's says where that figure is for all of them.
    let failing = match &first.why {
        Exclusion::FilterFailed { filter, .. } => {
            site.metric_position(&u.spec.filters[*filter].metric)
        }
        _ => None,
    };
    ExcludedGroup {
        count: group.len(),
        names: names_html(site, group.iter().map(|&(model, _)| (model, failing))),
        reason: shared_exclusion_text(site, u, first),
        note: None,
    }
}

/// The models joined into one list, each with its figure of the metric at the given position.
fn names_html<'m>(
    site: &Site,
    models: impl IntoIterator<Item = (&'m Model, Option<usize>), IntoIter: ExactSizeIterator>,
) -> String {
    let models = models.into_iter();
    let count = models.len();
    let mut out = String::with_capacity(count * 96);
    for (i, (model, metric)) in models.enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == count { " and " } else { ", " });
        }
        site.write_not_ranked(&mut out, model, metric);
    }
    out
}

/// Why several models are not ranked, their own figures given in brackets after their names.
fn shared_exclusion_text(site: &Site, u: &UseCase, e: &Excluded) -> String {
    let rule = |i: usize| rule_words(site, &u.spec.filters[i]);
    match &e.why {
        Exclusion::Status(status) => format!("they are {status}"),
        Exclusion::FilterMissing(i) => {
            let (label, op, threshold) = rule(*i);
            format!(
                "they have no published figure for {label}, and this ranking requires {op} {threshold}"
            )
        }
        Exclusion::FilterFailed { filter, .. } => {
            let (label, op, threshold) = rule(*filter);
            format!(
                "their {label} figures (in brackets) do not meet this ranking’s rule of {op} {threshold}"
            )
        }
        Exclusion::CriterionMissing(i) => format!(
            "they have no published figure for {}, and this ranking leaves out models without one",
            site.metric_label(&u.spec.criteria[*i].metric)
        ),
    }
}

// ----- robustness -------------------------------------------------------------------------------

/// "#2", or "#2–#3" when the rank moves within the band.
pub fn range_text(range: [usize; 2]) -> String {
    let mut text = String::with_capacity(12);
    push_range(&mut text, range);
    text
}

/// [`range_text`], written at the end of `out`: every ranked model of every weighted
/// ranking has its range written, in its row and its sentence.
fn push_range(out: &mut String, [best, worst]: [usize; 2]) {
    let mut digits = itoa::Buffer::new();
    out.push('#');
    out.push_str(digits.format(best));
    if best != worst {
        out.push_str("–#");
        out.push_str(digits.format(worst));
    }
}

/// "holds #2–#3 under ±5 pt weight shifts".
pub fn range_sentence(range: [usize; 2], band: u32) -> String {
    let mut text = String::with_capacity(48);
    text.push_str("holds ");
    push_range(&mut text, range);
    text.push_str(" under ±");
    text.push_str(itoa::Buffer::new().format(band));
    text.push_str(" pt weight shifts");
    text
}

/// A count with thousands separated: "14,641".
pub fn count_text(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number of points as the page prints weights: "14", "12.5".
fn points(x: f64) -> String {
    let mut text = fixed(x, 2);
    text.truncate(text.trim_end_matches('0').trim_end_matches('.').len());
    text
}

/// How the rank ranges were found, in one sentence, and whether any rank moves.
pub fn robustness_intro(u: &UseCase, ranking: &Ranking) -> String {
    let band = u.spec.weight_band;
    let weights: Vec<f64> = u.spec.criteria.iter().map(|c| c.weight).collect();
    let count = grid_points(&weights, band);
    let mut s = format!(
        "We moved every weight by up to {band} points either way, in all {} combinations that keep each weight above 0, scaled the weights of each combination back to a total of 100 and ranked the models again.",
        count_text(count)
    );
    let moving = ranking
        .ranked
        .iter()
        .filter(|r| r.rank_range.is_some_and(|[a, b]| a != b))
        .count();
    s.push_str(&match moving {
        0 => " Every rank held in all of them.".to_string(),
        m if m == ranking.ranked.len() => {
            " Every ranked model changed rank in some of them; under each rank the table gives the model's best and worst.".to_string()
        }
        m => format!(
            " {m} of the {} ranked models changed rank in some of them; under each rank the table gives the model's best and worst.",
            ranking.ranked.len()
        ),
    });
    s
}

/// "#2 A and #3 B swap when Output speed weighs 14 points or more instead of 10 (13.46% once
/// the weights are scaled back to 100)."
pub fn swap_sentence(site: &Site, u: &UseCase, ranking: &Ranking, swap: &Swap) -> String {
    let name = |r: &Ranked| {
        site.catalog
            .models
            .get(&*r.id)
            .map_or_else(|| r.id.to_string(), |m| m.name.clone())
    };
    let (upper, lower) = (&ranking.ranked[swap.rank - 1], &ranking.ranked[swap.rank]);
    let pair = format!(
        "#{} {} and #{} {}",
        upper.rank,
        name(upper),
        lower.rank,
        name(lower)
    );
    let Some(shift) = swap.shift else {
        return format!(
            "{pair} swap only when several weights move together; no single weight moved by up to {} points swaps them.",
            u.spec.weight_band
        );
    };
    let c = &u.spec.criteria[shift.criterion];
    let weights: Vec<f64> = u.spec.criteria.iter().map(|c| c.weight).collect();
    let mut shifts = vec![0; weights.len()];
    shifts[shift.criterion] = shift.points;
    let share = renormalised(&weights, &shifts)[shift.criterion];
    format!(
        "{pair} swap when {} weighs {} points or {} instead of {} ({} once the weights are scaled back to 100).",
        site.metric_label(&c.metric),
        points(c.weight + f64::from(shift.points)),
        if shift.points > 0 { "more" } else { "less" },
        points(c.weight),
        weight_text(share)
    )
}

// ----- why not --------------------------------------------------------------------------------

/// A score gap, "12.3 points", or "less than 0.1 points" where one decimal would print 0,
/// written at the end of `out`.
fn push_gap(out: &mut String, x: f64) {
    if x < 0.05 {
        out.push_str("less than 0.1 points");
    } else {
        fixed_into(out, x, 1);
        out.push_str(" points");
    }
}

/// Why a model ranked below the leaderboard's rows is not among them, from the figures that
/// put it there: how far it trails the last row, and on which criteria. `None` for a row.
pub fn trailing_text(site: &Site, u: &UseCase, ranking: &Ranking, r: &Ranked) -> Option<String> {
    let top = u.spec.top;
    let last = ranking.ranked.get(top.checked_sub(1)?)?;
    if r.rank <= top {
        return None;
    }
    let name = site
        .catalog
        .models
        .get(&*last.id)
        .map_or_else(|| last.id.to_string(), |m| m.name.clone());
    let leader = format!("#{} {name}", last.rank);
    Some(match (r.score, last.score) {
        (Some(mine), Some(theirs)) => {
            let tied = ranking.ranked[top - 1..r.rank].windows(2).all(|w| {
                (w[0].score.unwrap_or(0.0) - w[1].score.unwrap_or(0.0)).abs() < SCORE_EPSILON
            });
            if tied {
                format!(
                    "It ties on score with {leader} ({}). {}",
                    score_text(theirs),
                    tie_break_sentence(site, u)
                )
            } else {
                score_gap(site, u, r, last, &leader, theirs - mine)
            }
        }
        _ => order_gap(site, u, r, last, &leader),
    })
}

/// "It trails #5 X by 8.3 points (61.2 against 69.5). It loses most on A (12.0 points) and B
/// (3.3 points), and gains most on C (2.1 points)."
fn score_gap(
    site: &Site,
    u: &UseCase,
    r: &Ranked,
    last: &Ranked,
    leader: &str,
    gap: f64,
) -> String {
    let deficits: Vec<(&str, f64)> = u
        .spec
        .criteria
        .iter()
        .zip(r.parts.iter().zip(&last.parts))
        .map(|(c, (mine, theirs))| {
            let d = theirs.contribution.unwrap_or(0.0) - mine.contribution.unwrap_or(0.0);
            (site.metric_label_str(&c.metric), d)
        })
        .collect();
    let mut losses: Vec<&(&str, f64)> = deficits.iter().filter(|(_, d)| *d > 0.0).collect();
    losses.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut gains: Vec<&(&str, f64)> = deficits.iter().filter(|(_, d)| *d < 0.0).collect();
    gains.sort_by(|a, b| a.1.total_cmp(&b.1));
    // Every model below a leaderboard's rows gets this sentence: it is written in one string,
    // piece by piece, rather than formatted and joined from several.
    let mut s = String::with_capacity(192);
    for piece in ["It trails ", leader, " by "] {
        s.push_str(piece);
    }
    push_gap(&mut s, gap);
    s.push_str(" (");
    if let Some(score) = r.score {
        fixed_into(&mut s, score, 1);
    }
    s.push_str(" against ");
    if let Some(score) = last.score {
        fixed_into(&mut s, score, 1);
    }
    s.push_str(").");
    for (i, (label, d)) in losses.iter().take(2).enumerate() {
        s.push_str(if i == 0 {
            " It loses most on "
        } else {
            " and "
        });
        s.push_str(label);
        s.push_str(" (");
        push_gap(&mut s, *d);
        s.push(')');
    }
    if !losses.is_empty() {
        match gains.first() {
            Some((label, d)) => {
                s.push_str(", and gains most on ");
                s.push_str(label);
                s.push_str(" (");
                push_gap(&mut s, -d);
                s.push_str(").");
            }
            None => s.push('.'),
        }
    }
    s
}

/// Under `ordered`: the first metric, in the order the ranking reads them, on which the model
/// comes after the last row.
fn order_gap(site: &Site, u: &UseCase, r: &Ranked, last: &Ranked, leader: &str) -> String {
    let (Some(mine), Some(theirs)) = (
        site.catalog.models.get(&*r.id),
        site.catalog.models.get(&*last.id),
    ) else {
        return format!("It comes after {leader}.");
    };
    let keys = u
        .spec
        .criteria
        .iter()
        .map(|c| (c.metric.as_str(), c.better, ""))
        .chain(
            u.spec
                .tie_breakers
                .iter()
                .map(|t| (t.metric.as_str(), t.better, "the tie-break ")),
        );
    for (metric, better, role) in keys {
        let (a, b) = (mine.value(metric), theirs.value(metric));
        if better.order_missing_last(a, b).is_ne() {
            let figure = |m: &crate::data::Model| {
                site.figure_by_key(m, metric)
                    .map_or_else(|| NOT_AVAILABLE.to_string(), |f| f.text.clone())
            };
            return format!(
                "It comes after {leader} on {role}{}: {} against {}.",
                site.metric_label(metric),
                figure(mine),
                figure(theirs)
            );
        }
    }
    format!(
        "It has the same figures as {leader} on every criterion and tie-breaker, and comes after it by model id."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_print_escaped_marked_or_as_not_available() {
        assert_eq!(
            figure_html("<1 s & up", true, false),
            "<span class=\"figure\">&lt;1 s &amp; up</span>"
        );
        let claimed = figure_html("64.0 tok/s", true, true);
        assert!(claimed.starts_with("<span class=\"figure\">64.0 tok/s<sup class=\"claimed\""));
        assert!(claimed.ends_with(">†</sup></span>"));
        // A missing figure is never printed as its placeholder text or as a blank.
        assert_eq!(
            figure_html("", false, true),
            "<span class=\"figure na\">not available</span>"
        );
    }

    #[test]
    fn weights_print_without_noise() {
        assert_eq!(weight_text(40.0), "40%");
        assert_eq!(weight_text(12.5), "12.5%");
        assert_eq!(weight_text(33.333333), "33.33%");
    }

    #[test]
    fn lists_read_as_sentences() {
        let parts = ["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(join_words(&parts), "a, b and c");
        assert_eq!(join_words_then(&parts), "a, then b, then c");
    }
}
