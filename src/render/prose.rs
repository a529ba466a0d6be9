//! Editors' Markdown, with figures bound to the data.
//!
//! A Markdown text that holds `{{ … }}` or `{% … %}` is first rendered as a Tera template in
//! which the binding functions below are defined, then converted to HTML. Bindings format
//! every figure from its metric definition and fail the build, at the file and line of the
//! call, when a claim about the data does not hold. Their output is escaped for Markdown, so
//! a model name cannot inject markup; tables arrive as placeholders (see
//! [`markdown::placeholder`]).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::Arc;
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tera::{Context, Kwargs, State, Tera, Value};

use crate::cache::Cache;
use crate::content::fingerprint::Digest;
use crate::content::{Analysis, Faq, Prompts, Prose, QuickStart, UseCase};
use crate::data::{Metric, Model};
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::format;
use crate::highlight;
use crate::markdown::{self, Html, MarkdownOptions};
use crate::render::escape_html;
use crate::render::tera_diagnostic;
use crate::site::Site;
use crate::timings::{Stage, time};

thread_local! {
    /// Blocks produced by the prose being rendered on this thread: Tera calls the binding
    /// functions synchronously, so the text and its blocks never cross threads.
    static BLOCKS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// Metrics the bindings of the text being rendered named, for `check`'s unused metrics.
    static NAMED: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

/// Escapes text for Markdown: every ASCII punctuation character is backslash-escaped, so a
/// value from the data is always read as plain text.
fn escape_markdown(input: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let mut buf = String::with_capacity(input.len() * 2);
    for c in input.chars() {
        match c {
            '\n' | '\r' => buf.push(' '),
            c if c.is_ascii_punctuation() => {
                buf.push('\\');
                buf.push(c);
            }
            c => buf.push(c),
        }
    }
    out.write_all(buf.as_bytes())
}

fn markdown_text(text: &str) -> String {
    let mut out = Vec::new();
    let _ = escape_markdown(text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

pub struct ProseRenderer {
    tera: Tera,
    base_path: String,
    allow_html: bool,
    named_metrics: Mutex<BTreeSet<String>>,
    /// Highlighted code kept between builds.
    highlighted: Cache,
    /// Each use case's prose as HTML, kept between builds (see [`ProseRenderer::kept_key`]).
    kept: Cache,
    /// The digest of what the bindings read beside the use case's own texts.
    site_digest: u128,
    /// The digest of what makes every use case's ranking, for texts that read another's.
    rankings_digest: OnceLock<u128>,
}

impl ProseRenderer {
    pub fn new(site: Arc<Site>) -> ProseRenderer {
        let mut tera = Tera::new();
        tera.set_escape_fn(escape_markdown);
        register(&mut tera, &site);
        let mut site_digest = Digest::default();
        site_digest.debug(&site.settings);
        site_digest.debug(&site.catalog);
        ProseRenderer {
            tera,
            base_path: site.base_path().to_string(),
            allow_html: site.settings.allow_html,
            named_metrics: Mutex::new(BTreeSet::new()),
            highlighted: highlight::cache(&site.root),
            kept: Cache::new(&site.root, "prose", env!("STANDINGS_SOURCE_HASH"), "bin"),
            site_digest: site_digest.finish(),
            rankings_digest: OnceLock::new(),
        }
    }

    fn options(&self) -> MarkdownOptions<'_> {
        MarkdownOptions {
            allow_html: self.allow_html,
            base_path: &self.base_path,
            highlighted: Some(&self.highlighted),
        }
    }

    /// Forgets the highlighted code that neither this renderer nor any build of the last day
    /// has used; for a whole build, which sees every code block.
    pub fn prune_cache(&self) {
        self.highlighted.prune();
        self.kept.prune();
    }

    /// What a use case's prose is kept under. Its HTML depends on its own texts and on what
    /// the bindings read: the settings, the data, and the use case's ranking, which the
    /// ranking engine makes from the data and the use case's rules alone, unless loading
    /// failed and no ranking was made. A text that passes `use_case=` reads another use
    /// case's rules and ranking too. The program's own source is the cache's version.
    fn kept_key(&self, site: &Site, u: &UseCase) -> [u8; 16] {
        let mut digest = Digest::default();
        digest.debug(&self.site_digest);
        digest.part(u);
        if digest.names_use_case() {
            digest.debug(self.rankings_digest.get_or_init(|| rankings_digest(site)));
        } else {
            digest.debug(&site.rankings.contains_key(&u.slug));
        }
        digest.finish().to_le_bytes()
    }

    /// The use case's prose as kept by an earlier build, or as `render` makes it; only prose
    /// without errors is kept.
    fn kept_or_render(
        &self,
        site: &Site,
        u: &UseCase,
        render: impl FnOnce() -> (UseCaseProse, BTreeSet<String>),
    ) -> UseCaseProse {
        let key = self.kept_key(site, u);
        let found = self.kept.get_or_make_value(
            &key,
            |bytes| postcard::from_bytes::<KeptProse>(&bytes).ok(),
            || {
                let (done, named) = render();
                if done.errors.is_empty() {
                    Ok(KeptProse {
                        html: done.html,
                        links: done.links,
                        named,
                    })
                } else {
                    Err(Box::new((done, named)))
                }
            },
            |kept| postcard::to_allocvec(kept).ok(),
        );
        let (done, named) = match found {
            Ok(kept) => (
                UseCaseProse {
                    html: kept.html,
                    errors: Vec::new(),
                    links: kept.links,
                },
                kept.named,
            ),
            Err(failed) => *failed,
        };
        self.note_named(named);
        done
    }

    fn note_named(&self, named: BTreeSet<String>) {
        if !named.is_empty() {
            self.named_metrics
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend(named);
        }
    }

    /// Runs the bindings of a text; returns the Markdown and the blocks it refers to, and
    /// adds the metrics it names to `named`.
    fn bind(
        &self,
        prose: &Prose,
        use_case: Option<&str>,
        named: &mut BTreeSet<String>,
    ) -> Result<(String, Vec<String>), Diagnostic> {
        let text = &prose.text;
        if !(text.contains("{{") || text.contains("{%") || text.contains("{#")) {
            return Ok((text.clone(), Vec::new()));
        }
        let mut context = Context::new();
        if let Some(slug) = use_case {
            context.insert("use_case", slug);
        }
        BLOCKS.with(|b| b.borrow_mut().clear());
        let rendered = time(Stage::Bindings, || {
            self.tera.render_str(text, &context, true)
        });
        let blocks = BLOCKS.with(|b| std::mem::take(&mut *b.borrow_mut()));
        named.append(&mut NAMED.with(|n| std::mem::take(&mut *n.borrow_mut())));
        let markdown = rendered.map_err(|e| tera_diagnostic(&e, |_| Some(prose.origin.clone())))?;
        Ok((markdown, blocks))
    }

    /// A text as HTML blocks; the metrics its bindings name count as named.
    pub fn block(&self, prose: &Prose, use_case: Option<&str>) -> Result<Html, Diagnostic> {
        let mut named = BTreeSet::new();
        let html = self.block_naming(prose, use_case, &mut named);
        self.note_named(named);
        html
    }

    /// A text as inline HTML; the metrics its bindings name count as named.
    pub fn inline(&self, prose: &Prose, use_case: Option<&str>) -> Result<String, Diagnostic> {
        let mut named = BTreeSet::new();
        let html = self.inline_naming(prose, use_case, &mut named);
        self.note_named(named);
        html
    }

    fn block_naming(
        &self,
        prose: &Prose,
        use_case: Option<&str>,
        named: &mut BTreeSet<String>,
    ) -> Result<Html, Diagnostic> {
        let (text, blocks) = self.bind(prose, use_case, named)?;
        Ok(time(Stage::Markdown, || {
            markdown::render(&text, self.options(), &blocks)
        }))
    }

    fn inline_naming(
        &self,
        prose: &Prose,
        use_case: Option<&str>,
        named: &mut BTreeSet<String>,
    ) -> Result<String, Diagnostic> {
        let (text, _) = self.bind(prose, use_case, named)?;
        Ok(time(Stage::Markdown, || {
            markdown::render_inline(&text, self.options())
        }))
    }

    /// Every metric a binding has named so far.
    pub fn named_metrics(&self) -> BTreeSet<String> {
        self.named_metrics
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn code(&self, code: &str, language: &str) -> String {
        highlight::code_block(code, language, Some(&self.highlighted))
    }
}

/// The rules of every use case and whether it was ranked: with the data and the settings,
/// what every ranking is made from.
fn rankings_digest(site: &Site) -> u128 {
    let mut digest = Digest::default();
    for u in &site.content.use_cases {
        digest.text(&u.slug);
        digest.debug(&(&u.spec, site.rankings.contains_key(&u.slug)));
    }
    digest.finish()
}

// ----- the binding functions ------------------------------------------------------------------

type Bound = tera::TeraResult<Value>;

fn fail(message: impl Into<String>) -> tera::Error {
    tera::Error::message(message.into())
}

/// Refuses misspelt argument names, which Tera would otherwise ignore.
fn only(kwargs: &Kwargs, function: &str, allowed: &[&str]) -> tera::TeraResult<()> {
    for (key, _) in kwargs.iter() {
        let key = key.to_string();
        if !allowed.contains(&key.as_str()) {
            let hint = crate::error::did_you_mean(&key, allowed.iter().copied())
                .map_or_else(String::new, |h| format!("; {h}"));
            return Err(fail(format!(
                "`{function}` has no argument `{key}` (it takes {}){hint}",
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

fn model<'a>(site: &'a Site, id: &str) -> tera::TeraResult<&'a Model> {
    site.catalog.models.get(id).ok_or_else(|| {
        let hint = crate::error::did_you_mean(id, site.catalog.models.keys().map(String::as_str))
            .map_or_else(String::new, |h| format!("; {h}"));
        fail(format!("unknown model `{id}`{hint}"))
    })
}

fn metric<'a>(site: &'a Site, key: &str) -> tera::TeraResult<&'a Metric> {
    NAMED.with(|n| n.borrow_mut().insert(key.to_string()));
    site.catalog.metrics.get(key).ok_or_else(|| {
        let hint = crate::error::did_you_mean(key, site.catalog.metrics.keys().map(String::as_str))
            .map_or_else(String::new, |h| format!("; {h}"));
        fail(format!("unknown metric `{key}`{hint}"))
    })
}

/// The use case named by `use_case=`, or the one whose page is being written.
fn use_case<'a>(site: &'a Site, kwargs: &Kwargs, state: &State) -> tera::TeraResult<&'a UseCase> {
    let slug = match kwargs.get::<String>("use_case")? {
        Some(s) => s,
        None => state.get::<String>("use_case")?.ok_or_else(|| {
            fail("this binding needs `use_case=\"…\"` outside a use case's pages")
        })?,
    };
    site.use_case(&slug).ok_or_else(|| {
        let hint = crate::error::did_you_mean(
            &slug,
            site.content.use_cases.iter().map(|u| u.slug.as_str()),
        )
        .map_or_else(String::new, |h| format!("; {h}"));
        fail(format!("unknown use case `{slug}`{hint}"))
    })
}

/// The models a comparison runs over, with words for messages ("the top 5 of coding").
fn field<'a>(
    site: &'a Site,
    kwargs: &Kwargs,
    state: &State,
) -> tera::TeraResult<(Vec<&'a Model>, String)> {
    let among = kwargs.get::<String>("among")?;
    let wants_use_case =
        kwargs.get::<String>("use_case")?.is_some() || state.get::<String>("use_case")?.is_some();
    let among = among.unwrap_or_else(|| {
        if wants_use_case {
            "top".into()
        } else {
            "all".into()
        }
    });
    match among.as_str() {
        "all" => Ok((site.visible_models().collect(), "all models".into())),
        "top" | "ranked" => {
            let u = use_case(site, kwargs, state)?;
            let rows = if among == "top" {
                site.top(&u.slug)
            } else {
                site.rankings
                    .get(&u.slug)
                    .map_or(&[][..], |r| &r.ranked[..])
            };
            let words = if among == "top" {
                format!("the top {} of `{}`", u.spec.top, u.slug)
            } else {
                format!("the ranked models of `{}`", u.slug)
            };
            Ok((
                ids_to_models(site, rows.iter().map(|r| &*r.id).collect()),
                words,
            ))
        }
        other => Err(fail(format!(
            "`among` is `top`, `ranked` or `all`, not `{other}`"
        ))),
    }
}

fn ids_to_models<'a>(site: &'a Site, ids: Vec<&str>) -> Vec<&'a Model> {
    ids.into_iter()
        .filter_map(|id| site.catalog.models.get(id))
        .collect()
}

/// The best (or worst) model on a metric in a field; ties go to the lower id.
fn extreme<'a>(field: &[&'a Model], m: &Metric, worst: bool) -> Option<&'a Model> {
    field
        .iter()
        .filter_map(|x| Some((x, x.value(&m.key)?)))
        .min_by(|(a, va), (b, vb)| {
            let better_first = match m.better {
                crate::rank::Better::Higher => vb.total_cmp(va),
                crate::rank::Better::Lower => va.total_cmp(vb),
            };
            let order = if worst {
                better_first.reverse()
            } else {
                better_first
            };
            order.then_with(|| a.id.cmp(&b.id))
        })
        .map(|(x, _)| *x)
}

fn figure(site: &Site, kwargs: Kwargs) -> Bound {
    only(&kwargs, "figure", &["model", "metric"])?;
    let model = model(site, kwargs.must_get::<&str>("model")?)?;
    let metric = metric(site, kwargs.must_get::<&str>("metric")?)?;
    Ok(Value::from(metric.format.figure(model.value(&metric.key))))
}

fn price(site: &Site, kwargs: Kwargs) -> Bound {
    only(&kwargs, "price", &["model"])?;
    let model = model(site, kwargs.must_get::<&str>("model")?)?;
    Ok(Value::from(site.price_pair(model)))
}

fn name(site: &Site, kwargs: Kwargs) -> Bound {
    only(&kwargs, "name", &["model"])?;
    Ok(Value::from(
        model(site, kwargs.must_get::<&str>("model")?)?.name.clone(),
    ))
}

fn provider(site: &Site, kwargs: Kwargs) -> Bound {
    only(&kwargs, "provider", &["model"])?;
    Ok(Value::from(
        site.model_ref(model(site, kwargs.must_get::<&str>("model")?)?)
            .provider
            .clone(),
    ))
}

fn link(site: &Site, kwargs: Kwargs, state: &State) -> Bound {
    only(&kwargs, "link", &["model", "use_case"])?;
    let m = model(site, kwargs.must_get::<&str>("model")?)?;
    let target = match kwargs.get::<String>("use_case")? {
        Some(_) => {
            let u = use_case(site, &kwargs, state)?;
            if site
                .rankings
                .get(&u.slug)
                .and_then(|r| r.position(&m.id))
                .is_none()
            {
                return Err(fail(format!(
                    "`{}` is not ranked in `{}`, so it has no page there",
                    m.id, u.slug
                )));
            }
            format!("/use-cases/{}/{}/", u.slug, m.id)
        }
        None => format!("/models/{}/", m.id),
    };
    Ok(Value::safe_string(&format!(
        "[{}]({target})",
        markdown_text(&m.name)
    )))
}

fn diff(site: &Site, kwargs: Kwargs) -> Bound {
    only(&kwargs, "diff", &["a", "b", "metric", "relative"])?;
    let a = model(site, kwargs.must_get::<&str>("a")?)?;
    let b = model(site, kwargs.must_get::<&str>("b")?)?;
    let m = metric(site, kwargs.must_get::<&str>("metric")?)?;
    let value = |x: &Model| {
        x.value(&m.key).ok_or_else(|| {
            fail(format!(
                "`{}` has no figure for `{}`, so there is no difference to state",
                x.id, m.key
            ))
        })
    };
    let (va, vb) = (value(a)?, value(b)?);
    let text = if kwargs.get::<bool>("relative")?.unwrap_or(false) {
        format::relative(va, vb).ok_or_else(|| {
            fail(format!(
                "a relative difference needs a non-zero `{}` for `{}`",
                m.key, b.id
            ))
        })?
    } else {
        m.format.difference(va - vb)
    };
    Ok(Value::from(text))
}

fn leader(site: &Site, kwargs: Kwargs, state: &State) -> Bound {
    only(&kwargs, "leader", &["metric", "among", "use_case"])?;
    let m = metric(site, kwargs.must_get::<&str>("metric")?)?;
    let (models, words) = field(site, &kwargs, state)?;
    let top = extreme(&models, m, false).ok_or_else(|| {
        fail(format!(
            "no model among {words} has a figure for `{}`",
            m.key
        ))
    })?;
    Ok(Value::from(top.name.clone()))
}

fn rank(site: &Site, kwargs: Kwargs, state: &State) -> Bound {
    only(&kwargs, "rank", &["model", "metric", "among", "use_case"])?;
    let m = model(site, kwargs.must_get::<&str>("model")?)?;
    if let Some(key) = kwargs.get::<String>("metric")? {
        let metric = metric(site, &key)?;
        let (models, words) = field(site, &kwargs, state)?;
        return position_on(m, metric, &models, &words, false).map(Value::from);
    }
    let u = use_case(site, &kwargs, state)?;
    let ranking = site
        .rankings
        .get(&u.slug)
        .ok_or_else(|| fail(format!("`{}` has no ranking", u.slug)))?;
    match ranking.position(&m.id) {
        Some(r) => Ok(Value::from(r.rank as u64)),
        None => Err(fail(format!("`{}` is not ranked in `{}`", m.id, u.slug))),
    }
}

/// 1 + the number of models in the field strictly better on the metric (or strictly worse,
/// counting from the bottom, when `from_bottom`).
fn position_on(
    m: &Model,
    metric: &Metric,
    field: &[&Model],
    words: &str,
    from_bottom: bool,
) -> tera::TeraResult<u64> {
    if !field.iter().any(|x| x.id == m.id) {
        return Err(fail(format!("`{}` is not among {words}", m.id)));
    }
    let v = m
        .value(&metric.key)
        .ok_or_else(|| fail(format!("`{}` has no figure for `{}`", m.id, metric.key)))?;
    let ahead = field
        .iter()
        .filter_map(|x| x.value(&metric.key))
        .filter(|&x| {
            let better = match metric.better {
                crate::rank::Better::Higher => x > v,
                crate::rank::Better::Lower => x < v,
            };
            let worse = x != v && !better;
            if from_bottom { worse } else { better }
        })
        .count();
    Ok(ahead as u64 + 1)
}

fn score(site: &Site, kwargs: Kwargs, state: &State) -> Bound {
    only(&kwargs, "score", &["model", "use_case"])?;
    let m = model(site, kwargs.must_get::<&str>("model")?)?;
    let u = use_case(site, &kwargs, state)?;
    let row = site
        .rankings
        .get(&u.slug)
        .and_then(|r| r.position(&m.id))
        .ok_or_else(|| fail(format!("`{}` is not ranked in `{}`", m.id, u.slug)))?;
    let s = row
        .score
        .ok_or_else(|| fail(format!("`{}` is ranked by order, not by score", u.slug)))?;
    Ok(Value::from(super::view::score_text(s)))
}

fn top(site: &Site, kwargs: Kwargs, state: &State) -> Bound {
    only(&kwargs, "top", &["use_case"])?;
    let u = use_case(site, &kwargs, state)?;
    Ok(Value::from(site.top(&u.slug).len() as u64))
}

/// A statement about the data that must hold; returns the model's name so the sentence can
/// use it. `best=`/`worst=` claim the model leads or trails a metric in the field; `rank=`
/// claims its overall rank.
fn claim(site: &Site, kwargs: Kwargs, state: &State) -> Bound {
    only(
        &kwargs,
        "claim",
        &["model", "best", "worst", "rank", "among", "use_case"],
    )?;
    let m = model(site, kwargs.must_get::<&str>("model")?)?;
    if let Some(key) = kwargs.get::<String>("best")? {
        claim_extreme(site, &kwargs, state, m, &key, false)?;
    } else if let Some(key) = kwargs.get::<String>("worst")? {
        claim_extreme(site, &kwargs, state, m, &key, true)?;
    } else if let Some(expected) = kwargs.get::<u64>("rank")? {
        let u = use_case(site, &kwargs, state)?;
        let actual = site
            .rankings
            .get(&u.slug)
            .and_then(|r| r.position(&m.id))
            .map(|r| r.rank as u64);
        if actual != Some(expected) {
            let actual =
                actual.map_or_else(|| "not ranked".to_string(), |r| format!("ranked #{r}"));
            return Err(fail(format!(
                "claim failed: {} is {actual} in `{}`, not #{expected}",
                m.name, u.slug
            )));
        }
    } else {
        return Err(fail(
            "`claim` needs `best=\"<metric>\"`, `worst=\"<metric>\"` or `rank=<n>`",
        ));
    }
    Ok(Value::from(m.name.clone()))
}

fn claim_extreme(
    site: &Site,
    kwargs: &Kwargs,
    state: &State,
    m: &Model,
    key: &str,
    worst: bool,
) -> tera::TeraResult<()> {
    let metric = metric(site, key)?;
    let (models, words) = field(site, kwargs, state)?;
    let place = position_on(m, metric, &models, &words, worst)
        .map_err(|e| fail(format!("claim failed: {e}")))?;
    if place == 1 {
        return Ok(());
    }
    let (which, other) = if worst {
        ("the worst", extreme(&models, metric, true))
    } else {
        ("the best", extreme(&models, metric, false))
    };
    let detail = other.map_or_else(String::new, |o| {
        format!(
            ": {} has {} against {}",
            o.name,
            metric.format.figure(o.value(&metric.key)),
            metric.format.figure(m.value(&metric.key))
        )
    });
    Err(fail(format!(
        "claim failed: {} is not {which} on {} among {words}{detail}",
        m.name, metric.label
    )))
}

/// A comparison table of chosen models (columns) on chosen metrics (rows).
fn table(site: &Site, kwargs: Kwargs) -> Bound {
    only(&kwargs, "table", &["models", "metrics", "caption"])?;
    let models = kwargs
        .must_get::<Vec<String>>("models")?
        .iter()
        .map(|id| model(site, id))
        .collect::<Result<Vec<_>, _>>()?;
    let metrics = kwargs
        .must_get::<Vec<String>>("metrics")?
        .iter()
        .map(|k| metric(site, k))
        .collect::<Result<Vec<_>, _>>()?;
    let caption = kwargs.get::<String>("caption")?;
    let html = comparison_table(site, &models, &metrics, caption.as_deref());
    let index = BLOCKS.with(|b| {
        let mut blocks = b.borrow_mut();
        blocks.push(html);
        blocks.len() - 1
    });
    Ok(Value::safe_string(&markdown::placeholder(index)))
}

fn comparison_table(
    site: &Site,
    models: &[&Model],
    metrics: &[&Metric],
    caption: Option<&str>,
) -> String {
    let mut html =
        String::from("<div class=\"table-scroll\" tabindex=\"0\"><table class=\"compare\">");
    if let Some(caption) = caption {
        html.push_str(&format!("<caption>{}</caption>", escape_html(caption)));
    }
    html.push_str("<thead><tr><th scope=\"col\">Metric</th>");
    for m in models {
        html.push_str(&format!(
            "<th scope=\"col\"><a href=\"{}\">{}</a></th>",
            escape_html(&site.url(&format!("models/{}/", m.id))),
            escape_html(&m.name)
        ));
    }
    html.push_str("</tr></thead><tbody>");
    let mut claimed = false;
    let mut dates = std::collections::BTreeSet::new();
    for metric in metrics {
        html.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            escape_html(&metric.label)
        ));
        for m in models {
            let f = site.figure_view(m, metric);
            let class = if f.available { "figure" } else { "figure na" };
            let mark = if f.claimed {
                claimed = true;
                "<sup class=\"claimed\" title=\"reported by the vendor, not independently verified\">†</sup>"
            } else {
                ""
            };
            if let (Some(iso), Some(long)) = (&f.as_of, &f.as_of_long) {
                dates.insert((iso.clone(), long.clone()));
            }
            let text = match &f.source_url {
                Some(url) if f.available => format!(
                    "<a href=\"{}\">{}</a>",
                    escape_html(url),
                    escape_html(&f.text)
                ),
                _ => escape_html(&f.text),
            };
            html.push_str(&format!("<td class=\"{class}\">{text}{mark}</td>"));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table></div>");
    let mut notes = Vec::new();
    if !dates.is_empty() {
        notes.push(format!(
            "Figures as of {}.",
            dates
                .into_iter()
                .map(|(_, long)| long)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if claimed {
        notes.push("† Reported by the vendor, not independently verified.".to_string());
    }
    if !notes.is_empty() {
        html.push_str(&format!(
            "<p class=\"table-note\">{}</p>",
            escape_html(&notes.join(" "))
        ));
    }
    html
}

fn register(tera: &mut Tera, site: &Arc<Site>) {
    macro_rules! plain {
        ($name:literal, $f:ident) => {{
            let site = Arc::clone(site);
            tera.register_function($name, move |kwargs: Kwargs, _: &State| $f(&site, kwargs));
        }};
    }
    macro_rules! scoped {
        ($name:literal, $f:ident) => {{
            let site = Arc::clone(site);
            tera.register_function($name, move |kwargs: Kwargs, state: &State| {
                $f(&site, kwargs, state)
            });
        }};
    }
    plain!("figure", figure);
    plain!("price", price);
    plain!("name", name);
    plain!("provider", provider);
    plain!("diff", diff);
    plain!("table", table);
    scoped!("link", link);
    scoped!("leader", leader);
    scoped!("rank", rank);
    scoped!("score", score);
    scoped!("top", top);
    scoped!("claim", claim);
}

// ----- rendering everything -------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnalysisHtml {
    pub best_for: Option<String>,
    pub strengths: Vec<String>,
    pub weaknesses: Vec<String>,
    pub body: String,
    /// The first paragraph, for the leaderboard.
    pub lead: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptHtml {
    pub title: String,
    pub language: String,
    pub code: String,
    pub expected: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuickStartHtml {
    pub language: String,
    pub code: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionHtml {
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UseCaseHtml {
    pub summary: String,
    pub criteria_intro: Option<String>,
    pub criterion_notes: Vec<Option<String>>,
    pub filter_notes: Vec<Option<String>>,
    /// The editors' `why_not` sentences, by model id.
    pub why_not: BTreeMap<String, String>,
    pub analyses: BTreeMap<String, AnalysisHtml>,
    pub prompts_intro: Option<String>,
    pub prompts: Vec<PromptHtml>,
    pub quick_start: Option<QuickStartHtml>,
    pub faq_intro: Option<String>,
    pub faq: Vec<QuestionHtml>,
}

impl UseCaseHtml {
    /// What pages outside the use case read of its prose: the editors' `why_not` notes,
    /// which the model profiles show.
    pub fn kept_for_other_pages(self) -> UseCaseHtml {
        UseCaseHtml {
            why_not: self.why_not,
            ..UseCaseHtml::default()
        }
    }
}

/// A link to a page of the site, written in some prose, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLink {
    pub location: Location,
    /// As written: `/guides/x/#part` or `#part`.
    pub target: String,
    /// The site path of the page the prose is published on, for `#part` links.
    pub page: String,
}

/// All prose of the site as HTML, rendered once and shared by the pages that show it.
#[derive(Debug, Clone, Default)]
pub struct RenderedSite {
    pub home_intro: Option<String>,
    pub use_cases: BTreeMap<String, UseCaseHtml>,
    pub guides: BTreeMap<String, Html>,
    pub links: Vec<SourceLink>,
    /// Metrics named by bindings.
    pub named_metrics: BTreeSet<String>,
}

/// Renders the texts of one page (or one use case), collecting errors and links, so that one
/// pass reports every broken text.
struct Pass<'a> {
    prose: &'a ProseRenderer,
    use_case: Option<&'a str>,
    page: String,
    errors: Vec<Diagnostic>,
    links: Vec<SourceLink>,
    /// The metrics the bindings named.
    named: BTreeSet<String>,
}

impl<'a> Pass<'a> {
    fn new(prose: &'a ProseRenderer, use_case: Option<&'a str>, page: String) -> Self {
        Pass {
            prose,
            use_case,
            page,
            errors: Vec::new(),
            links: Vec::new(),
            named: BTreeSet::new(),
        }
    }

    fn html(&mut self, p: &Prose) -> Html {
        match self.prose.block_naming(p, self.use_case, &mut self.named) {
            Ok(html) => {
                self.record_links(p, &html.links);
                html
            }
            Err(e) => {
                self.errors.push(e);
                Html::default()
            }
        }
    }

    fn block(&mut self, p: &Prose) -> String {
        self.html(p).html
    }

    fn inline(&mut self, p: &Prose) -> String {
        match self.prose.inline_naming(p, self.use_case, &mut self.named) {
            Ok(html) => html,
            Err(e) => {
                self.errors.push(e);
                String::new()
            }
        }
    }

    fn record_links(&mut self, p: &Prose, targets: &[String]) {
        for target in targets {
            self.links.push(SourceLink {
                location: locate(p, target),
                target: target.clone(),
                page: self.page.clone(),
            });
        }
    }

    fn finish(self, errors: &mut Vec<Diagnostic>, links: &mut Vec<SourceLink>) {
        errors.extend(self.errors);
        links.extend(self.links);
        self.prose.note_named(self.named);
    }
}

/// Where a text mentions `needle` (its first mention), or where the text starts.
pub fn locate(p: &Prose, needle: &str) -> Location {
    match p.text.find(needle) {
        Some(at) => {
            let before = &p.text[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            p.origin.at(line, column)
        }
        None => p.origin.at(1, 1),
    }
}

/// The HTML of the use cases a rebuild may take from the previous render instead of
/// rendering them again: `serve` knows when nothing their prose reads has changed.
pub struct Reuse<'a> {
    pub previous: &'a RenderedSite,
    pub unchanged: &'a (dyn Fn(&UseCase) -> bool + Sync),
}

impl RenderedSite {
    pub fn render(site: &Site, prose: &ProseRenderer, out: &mut Diagnostics) -> RenderedSite {
        Self::render_reusing(site, prose, out, None)
    }

    /// Like [`render`](Self::render), but use cases that `reuse` calls unchanged keep their
    /// previous HTML and links; `named_metrics` then covers only the prose rendered.
    pub fn render_reusing(
        site: &Site,
        prose: &ProseRenderer,
        out: &mut Diagnostics,
        reuse: Option<Reuse>,
    ) -> RenderedSite {
        let mut rendered = RenderedSite::outside_use_cases(site, prose, out);
        let use_cases: Vec<(String, UseCaseProse)> = site
            .content
            .use_cases
            .par_iter()
            .map(|u| {
                let kept = reuse
                    .as_ref()
                    .filter(|r| (r.unchanged)(u))
                    .and_then(|r| Some((r.previous, r.previous.use_cases.get(&u.slug)?)));
                let done = match kept {
                    Some((previous, html)) => {
                        let page = use_case_page(u);
                        UseCaseProse {
                            html: html.clone(),
                            errors: Vec::new(),
                            links: previous
                                .links
                                .iter()
                                .filter(|l| l.page.starts_with(&page))
                                .cloned()
                                .collect(),
                        }
                    }
                    None => UseCaseProse::render(site, prose, u),
                };
                (u.slug.clone(), done)
            })
            .collect();
        for (slug, done) in use_cases {
            out.extend(done.errors);
            rendered.links.extend(done.links);
            rendered.use_cases.insert(slug, done.html);
        }
        rendered.named_metrics = prose.named_metrics();
        rendered
    }

    /// The prose of the home page and the guides: what pages outside any one use case show.
    /// A build renders each use case's prose with that use case's pages instead, so that the
    /// HTML of every use case is never held at once.
    pub fn outside_use_cases(
        site: &Site,
        prose: &ProseRenderer,
        out: &mut Diagnostics,
    ) -> RenderedSite {
        let mut rendered = RenderedSite::default();
        let mut errors = Vec::new();
        if let Some(intro) = &site.content.home.intro {
            let mut pass = Pass::new(prose, None, String::new());
            rendered.home_intro = Some(pass.block(intro));
            pass.finish(&mut errors, &mut rendered.links);
        }
        let guides: Vec<(String, Html, Pass)> = site
            .content
            .guides
            .par_iter()
            .map(|g| {
                let mut pass =
                    Pass::new(prose, g.use_case.as_deref(), format!("guides/{}/", g.slug));
                let html = pass.html(&g.body);
                (g.slug.clone(), html, pass)
            })
            .collect();
        for (slug, html, pass) in guides {
            pass.finish(&mut errors, &mut rendered.links);
            rendered.guides.insert(slug, html);
        }
        out.extend(errors);
        rendered
    }
}

/// The site path of a use case's leaderboard, under which all its pages sit.
fn use_case_page(u: &UseCase) -> String {
    format!("use-cases/{}/", u.slug)
}

/// One use case's prose as HTML, with the problems its texts have and the site links they
/// hold.
pub struct UseCaseProse {
    pub html: UseCaseHtml,
    pub errors: Vec<Diagnostic>,
    pub links: Vec<SourceLink>,
}

impl UseCaseProse {
    pub fn render(site: &Site, prose: &ProseRenderer, u: &UseCase) -> UseCaseProse {
        time(Stage::Prose, || {
            prose.kept_or_render(site, u, || {
                let mut pass = Pass::new(prose, Some(&u.slug), use_case_page(u));
                let html = use_case_html(site, u, &mut pass);
                let done = UseCaseProse {
                    html,
                    errors: pass.errors,
                    links: pass.links,
                };
                (done, pass.named)
            })
        })
    }
}

/// A use case's prose as a build keeps it for the next: its HTML, the site links it holds
/// and the metrics its bindings named, all that a build takes from it.
#[derive(Serialize, Deserialize)]
struct KeptProse {
    html: UseCaseHtml,
    links: Vec<SourceLink>,
    named: BTreeSet<String>,
}

fn use_case_html(site: &Site, u: &UseCase, pass: &mut Pass) -> UseCaseHtml {
    let mut html = UseCaseHtml {
        summary: pass.block(&u.summary),
        criteria_intro: u.criteria_intro.as_ref().map(|p| pass.block(p)),
        criterion_notes: u
            .criteria_info
            .iter()
            .map(|c| c.why.as_ref().map(|p| pass.inline(p)))
            .collect(),
        filter_notes: u
            .filter_notes
            .iter()
            .map(|p| p.as_ref().map(|p| pass.inline(p)))
            .collect(),
        why_not: u
            .why_not
            .iter()
            .map(|(id, note)| (id.clone(), pass.inline(&note.text)))
            .collect(),
        ..UseCaseHtml::default()
    };
    for id in u.analyses.keys() {
        html.analysis_part(u, id, pass);
    }
    html.prompts_part(site, u, pass);
    html.faq_part(u, pass);
    html
}

/// The parts of a use case's HTML that come from one file each, so that `serve` can
/// re-render only the file that changed. Each returns the site links its prose holds.
impl UseCaseHtml {
    /// Renders the analysis of `model`, or forgets it when the use case has none.
    pub fn render_analysis(
        &mut self,
        prose: &ProseRenderer,
        u: &UseCase,
        model: &str,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<SourceLink> {
        self.in_pass(prose, u, errors, |html, pass| {
            html.analysis_part(u, model, pass)
        })
    }

    /// Renders the prompts and the quick start.
    pub fn render_prompts(
        &mut self,
        site: &Site,
        prose: &ProseRenderer,
        u: &UseCase,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<SourceLink> {
        self.in_pass(prose, u, errors, |html, pass| {
            html.prompts_part(site, u, pass)
        })
    }

    pub fn render_faq(
        &mut self,
        prose: &ProseRenderer,
        u: &UseCase,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<SourceLink> {
        self.in_pass(prose, u, errors, |html, pass| html.faq_part(u, pass))
    }

    fn in_pass(
        &mut self,
        prose: &ProseRenderer,
        u: &UseCase,
        errors: &mut Vec<Diagnostic>,
        part: impl FnOnce(&mut Self, &mut Pass),
    ) -> Vec<SourceLink> {
        let mut pass = Pass::new(prose, Some(&u.slug), use_case_page(u));
        part(self, &mut pass);
        let mut links = Vec::new();
        pass.finish(errors, &mut links);
        links
    }

    fn analysis_part(&mut self, u: &UseCase, model: &str, pass: &mut Pass) {
        let base = std::mem::take(&mut pass.page);
        pass.page = format!("{base}{model}/");
        match u.analyses.get(model) {
            Some(a) => {
                let html = analysis_html(a, pass);
                self.analyses.insert(model.to_string(), html);
            }
            None => {
                self.analyses.remove(model);
            }
        }
        pass.page = base;
    }

    fn prompts_part(&mut self, site: &Site, u: &UseCase, pass: &mut Pass) {
        let base = std::mem::take(&mut pass.page);
        pass.page = format!("{base}prompts/");
        self.prompts_intro = None;
        self.prompts.clear();
        let own_quick_start = u.prompts.as_ref().and_then(|p| p.quick_start.as_ref());
        if let Some(p) = &u.prompts {
            prompts_html(pass, p, self);
        }
        self.quick_start = quick_start_html(site, pass.prose, u, own_quick_start);
        pass.page = base;
    }

    fn faq_part(&mut self, u: &UseCase, pass: &mut Pass) {
        let base = std::mem::take(&mut pass.page);
        pass.page = format!("{base}faq/");
        self.faq_intro = None;
        self.faq.clear();
        if let Some(f) = &u.faq {
            faq_html(f, self, pass);
        }
        pass.page = base;
    }
}

fn analysis_html(a: &Analysis, pass: &mut Pass) -> AnalysisHtml {
    let body = pass.block(&a.body);
    let lead = body
        .find("<p>")
        .and_then(|start| {
            body[start..]
                .find("</p>")
                .map(|end| body[start..start + end + 4].to_string())
        })
        .unwrap_or_default();
    AnalysisHtml {
        best_for: a.best_for.as_ref().map(|p| pass.inline(p)),
        strengths: a.strengths.iter().map(|p| pass.inline(p)).collect(),
        weaknesses: a.weaknesses.iter().map(|p| pass.inline(p)).collect(),
        body,
        lead,
    }
}

fn prompts_html(pass: &mut Pass, p: &Prompts, html: &mut UseCaseHtml) {
    html.prompts_intro = Some(pass.block(&p.intro));
    html.prompts = p
        .items
        .iter()
        .map(|item| PromptHtml {
            title: item.title.clone(),
            language: item.language.clone(),
            code: pass.prose.code(&item.text, &item.language),
            expected: pass.block(&item.expected),
        })
        .collect();
}

/// The quick-start snippet with the top pick's gateway slug in place of `{{ model }}`.
fn quick_start_html(
    site: &Site,
    prose: &ProseRenderer,
    u: &UseCase,
    own: Option<&QuickStart>,
) -> Option<QuickStartHtml> {
    let qs = own.or(site.settings.quick_start.as_ref())?;
    let top = site.top(&u.slug).first()?;
    let slug = site.catalog.models.get(&*top.id)?.gateway_slug.clone()?;
    let code = qs
        .code
        .replace("{{ model }}", &slug)
        .replace("{{model}}", &slug);
    Some(QuickStartHtml {
        language: qs.language.clone(),
        code: prose.code(&code, &qs.language),
        note: qs.note.clone(),
    })
}

fn faq_html(f: &Faq, html: &mut UseCaseHtml, pass: &mut Pass) {
    html.faq_intro = Some(pass.block(&f.intro));
    html.faq = f
        .items
        .iter()
        .map(|q| QuestionHtml {
            question: pass.inline(&q.question),
            answer: pass.block(&q.answer),
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_neutralises_syntax() {
        assert_eq!(
            markdown_text("[x](javascript:1) *b* <i>"),
            "\\[x\\]\\(javascript\\:1\\) \\*b\\* \\<i\\>"
        );
        assert_eq!(markdown_text("$5 / $30"), "\\$5 \\/ \\$30");
    }
}
