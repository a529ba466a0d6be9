//! "What changed": the leaderboard's section of changes since an earlier ranking, and the Atom
//! feed with one entry per recorded snapshot that changed something. Both write the changes
//! [`crate::history`] finds, in the same words, with figures in their metrics' formats.

use serde::Serialize;

use super::escape_html;
use super::files::ranking_json;
use crate::content::UseCase;
use crate::date::Date;
use crate::format::NOT_AVAILABLE;
use crate::history::{
    self, Changes, FigureChange, RankChange, Record, RuleChange, Snapshot, Transition,
};
use crate::rank::Method;
use crate::site::Site;

/// Where the feed of ranking changes is published.
pub const CHANGES_FEED_PATH: &str = "changes.xml";

/// The leaderboard's "What changed" section.
#[derive(Debug, Serialize)]
pub struct ChangesView {
    pub since: String,
    pub since_long: String,
    /// When the changes were recorded; absent while they are not.
    pub recorded: Option<String>,
    pub recorded_long: Option<String>,
    pub rules: Vec<String>,
    pub models: Vec<ModelChangeView>,
}

#[derive(Debug, Serialize)]
pub struct ModelChangeView {
    pub name: String,
    /// The model's profile, when the site still shows the model.
    pub url: Option<String>,
    /// "up from #3 to #1", "new in the ranking at #4", …
    pub rank: String,
    /// "AA Coding Index: 57.9 → 59.1 (+1.2 points)", …
    pub figures: Vec<String>,
}

/// Whether the site publishes the feed of ranking changes: it does once any use case has a
/// snapshot.
pub fn has_feed(site: &Site) -> bool {
    site.history.values().any(|s| !s.is_empty())
}

/// Two values of a metric that print the same are no change to a reader.
fn alike(site: &Site) -> impl Fn(&str, f64, f64) -> bool + '_ {
    |metric, a, b| {
        site.catalog
            .metrics
            .get(metric)
            .is_some_and(|m| m.format.value(a) == m.format.value(b))
    }
}

/// The use case's ranking as `ranking.json` publishes it, read back the way snapshots are.
fn current(site: &Site, u: &UseCase) -> Option<Record> {
    let bytes = ranking_json(site, u)?;
    Record::parse(&bytes).ok().map(|(record, _)| record)
}

/// The section for a use case, absent when it has no snapshot or nothing changed since.
pub fn section(site: &Site, u: &UseCase) -> Option<ChangesView> {
    let snapshots = site.history.get(&u.slug)?;
    let now = current(site, u)?;
    let alike = alike(site);
    let t = history::latest(snapshots, &now, &alike)?;
    Some(view(site, &t, &now))
}

fn view(site: &Site, t: &Transition, now: &Record) -> ChangesView {
    ChangesView {
        since: t.since.date.to_string(),
        since_long: t.since.date.long(),
        recorded: t.recorded.map(|s| s.date.to_string()),
        recorded_long: t.recorded.map(|s| s.date.long()),
        rules: t.changes.rules.iter().map(|r| rule_text(site, r)).collect(),
        models: model_views(site, &t.changes, t.since.record.top, now.top),
    }
}

fn model_views(site: &Site, c: &Changes, old_top: usize, new_top: usize) -> Vec<ModelChangeView> {
    c.models
        .iter()
        .map(|m| ModelChangeView {
            name: m.name.clone(),
            url: site
                .catalog
                .models
                .get(&m.model)
                .filter(|model| model.status != crate::data::Status::Hidden)
                .map(|_| site.url(&format!("models/{}/", m.model))),
            rank: rank_text(&m.rank, old_top, new_top),
            figures: m.figures.iter().map(|f| figure_text(site, f)).collect(),
        })
        .collect()
}

fn rank_text(rank: &RankChange, old_top: usize, new_top: usize) -> String {
    match rank {
        RankChange::Entered { to } => format!("new in the ranking at #{to}"),
        RankChange::Left {
            from,
            reason: Some(reason),
        } => format!("no longer ranked (was #{from}): {reason}"),
        RankChange::Left { from, reason: None } => format!("no longer ranked (was #{from})"),
        RankChange::Moved { from, to } => {
            let way = if to < from { "up" } else { "down" };
            let edge = if *from > old_top && *to <= new_top {
                format!(", into the top {new_top}")
            } else if *from <= old_top && *to > new_top {
                format!(", out of the top {new_top}")
            } else {
                String::new()
            };
            format!("{way} from #{from} to #{to}{edge}")
        }
        RankChange::Kept { at } => format!("still #{at}"),
    }
}

fn label(site: &Site, metric: &str) -> String {
    site.catalog
        .metrics
        .get(metric)
        .map_or_else(|| metric.to_string(), |m| m.label.clone())
}

/// "AA Coding Index: 57.9 → 59.1 (+1.2 points)", in the metric's format.
fn figure_text(site: &Site, f: &FigureChange) -> String {
    let metric = site.catalog.metrics.get(&f.metric);
    let text = |v: Option<f64>| match (v, metric) {
        (Some(v), Some(m)) => m.format.value(v),
        (Some(v), None) => v.to_string(),
        (None, _) => NOT_AVAILABLE.to_string(),
    };
    let mut s = format!(
        "{}: {} → {}",
        label(site, &f.metric),
        text(f.from),
        text(f.to)
    );
    if let (Some(from), Some(to), Some(m)) = (f.from, f.to, metric) {
        let sign = if to > from { '+' } else { '−' };
        s.push_str(&format!(" ({sign}{})", m.format.difference(to - from)));
    }
    s
}

fn method_words(method: Method) -> &'static str {
    match method {
        Method::Weighted => "a weighted score",
        Method::Ordered => "its criteria in turn",
    }
}

fn rule_text(site: &Site, rule: &RuleChange) -> String {
    let weight = |w: &Option<f64>| {
        w.map_or_else(String::new, |w| {
            format!(" ({})", super::view::weight_text(w))
        })
    };
    match rule {
        RuleChange::Method { from, to } => format!(
            "The ranking is now ordered by {} (it was ordered by {}).",
            method_words(*to),
            method_words(*from)
        ),
        RuleChange::Top { from, to } => {
            format!("The leaderboard now shows the top {to} (it showed the top {from}).")
        }
        RuleChange::Added { metric, weight: w } => {
            format!("{} is now a criterion{}.", label(site, metric), weight(w))
        }
        RuleChange::Removed { metric, weight: w } => {
            format!(
                "{} is no longer a criterion{}.",
                label(site, metric),
                weight(w)
            )
        }
        RuleChange::Weight { metric, from, to } => format!(
            "{} now weighs {} (it weighed {}).",
            label(site, metric),
            super::view::weight_text(*to),
            super::view::weight_text(*from)
        ),
    }
}

// ----- the feed -------------------------------------------------------------------------------

/// One entry of the feed: a use case's changes recorded by one snapshot.
struct FeedEntry<'a> {
    use_case: &'a UseCase,
    transition: Transition<'a>,
    recorded: &'a Snapshot,
}

/// The Atom feed of ranking changes, newest first, when any use case has a snapshot. Entries
/// come only from recorded snapshots, so their ids and dates never change once published.
pub fn changes_feed(site: &Site) -> Option<(String, Vec<u8>)> {
    if !has_feed(site) {
        return None;
    }
    let alike = alike(site);
    let mut entries: Vec<FeedEntry> = site
        .content
        .use_cases
        .iter()
        .filter_map(|u| Some((u, site.history.get(&u.slug)?)))
        .flat_map(|(u, snapshots)| {
            history::transitions(snapshots, &alike)
                .into_iter()
                .filter_map(move |transition| {
                    Some(FeedEntry {
                        use_case: u,
                        recorded: transition.recorded?,
                        transition,
                    })
                })
        })
        .collect();
    entries.sort_by(|a, b| {
        b.recorded
            .date
            .cmp(&a.recorded.date)
            .then_with(|| a.use_case.slug.cmp(&b.use_case.slug))
    });
    let newest = site
        .history
        .values()
        .filter_map(|s| s.last())
        .map(|s| s.date)
        .max()?;
    let base = &site.settings.base_url;
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n\
         <title>{title}: ranking changes</title>\n\
         <subtitle>What moved in each ranking: models that entered or left, ranks, figures and rules, one entry per recorded ranking.</subtitle>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>\n\
         <id>{self_url}</id>\n<updated>{updated}</updated>\n<author><name>{title}</name></author>\n",
        lang = escape_html(&site.settings.language),
        title = escape_html(&site.settings.title),
        self_url = escape_html(&format!("{base}{CHANGES_FEED_PATH}")),
        home = escape_html(base),
        updated = stamp(newest),
    );
    for entry in &entries {
        xml.push_str(&feed_entry(site, entry));
    }
    xml.push_str("</feed>\n");
    Some((CHANGES_FEED_PATH.into(), xml.into_bytes()))
}

fn stamp(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

fn feed_entry(site: &Site, entry: &FeedEntry) -> String {
    let u = entry.use_case;
    let t = &entry.transition;
    let base = &site.settings.base_url;
    let page = format!("{base}use-cases/{}/", u.slug);
    let date = entry.recorded.date;
    let id = format!("{page}#changes-{}-{date}", t.since.date);
    let view = view(site, t, &entry.recorded.record);
    format!(
        "<entry>\n  <title>{title}</title>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{page}\"/>\n  <id>{id}</id>\n  <updated>{updated}</updated>\n  <content type=\"html\">{content}</content>\n</entry>\n",
        title = escape_html(&format!(
            "{}: what changed by {}",
            u.short_title,
            date.long()
        )),
        page = escape_html(&page),
        id = escape_html(&id),
        updated = stamp(date),
        content = escape_html(&entry_html(site, &view)),
    )
}

/// The entry's content: the section's list, with absolute links.
fn entry_html(site: &Site, v: &ChangesView) -> String {
    let mut html = format!(
        "<p>Since the ranking recorded on {}:</p>\n<ul>\n",
        escape_html(&v.since_long)
    );
    for rule in &v.rules {
        html.push_str(&format!("<li>{}</li>\n", escape_html(rule)));
    }
    for m in &v.models {
        let name = match &m.url {
            Some(url) => {
                let path = url.strip_prefix(site.base_path()).unwrap_or(url);
                format!(
                    "<a href=\"{}\">{}</a>",
                    escape_html(&format!("{}{path}", site.settings.base_url)),
                    escape_html(&m.name)
                )
            }
            None => escape_html(&m.name),
        };
        html.push_str(&format!("<li>{name}: {}", escape_html(&m.rank)));
        if !m.figures.is_empty() {
            html.push_str("\n<ul>\n");
            for f in &m.figures {
                html.push_str(&format!("<li>{}</li>\n", escape_html(f)));
            }
            html.push_str("</ul>\n");
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ul>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_read_as_moves() {
        let moved = |from, to| rank_text(&RankChange::Moved { from, to }, 5, 5);
        assert_eq!(moved(3, 1), "up from #3 to #1");
        assert_eq!(moved(2, 7), "down from #2 to #7, out of the top 5");
        assert_eq!(moved(6, 5), "up from #6 to #5, into the top 5");
        assert_eq!(
            rank_text(
                &RankChange::Left {
                    from: 2,
                    reason: None
                },
                5,
                5
            ),
            "no longer ranked (was #2)"
        );
    }
}
