//! Rankings as they were published: one snapshot per use case and date, in
//! `data/history/<use-case>/<YYYY-MM-DD>.json`, each the `ranking.json` of that day.
//!
//! Snapshots are read like every other input (a mistake is reported with its file, line and
//! column) and compared here. [`diff`] says what a reader would see move between two rankings:
//! models that entered or left, ranks, the figures of the top rows and the rules. [`latest`]
//! picks the changes a leaderboard shows and [`transitions`] the changes each recorded
//! snapshot brought, which the feed publishes. Nothing here reads the clock: dates come from
//! the snapshots' names.

use std::collections::{BTreeMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::content::{Content, files_in, is_ignored};
use crate::date::Date;
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::input::SourceFile;
use crate::rank::Method;

/// Where snapshots live, relative to the site root.
pub const HISTORY_DIR: &str = "data/history";

/// A use case's ranking as recorded on one date.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub date: Date,
    /// Relative to the site root.
    pub file: PathBuf,
    pub record: Record,
    /// The whole document, to tell whether recording again would only repeat it.
    pub document: Value,
}

/// What comparisons read of a `ranking.json`. Other fields are ignored, so a snapshot written
/// before a field was added to `ranking.json` (or after) still reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Record {
    pub use_case: String,
    pub method: Method,
    pub top: usize,
    pub criteria: Vec<RecordCriterion>,
    pub ranked: Vec<Entry>,
    #[serde(default)]
    pub excluded: Vec<NotRanked>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RecordCriterion {
    pub metric: String,
    /// Absent under the `ordered` method.
    pub weight: Option<f64>,
}

/// One ranked model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Entry {
    pub rank: usize,
    pub model: String,
    pub name: String,
    pub criteria: Vec<Part>,
}

/// A ranked model's figure for one criterion.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Part {
    pub metric: String,
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NotRanked {
    pub model: String,
    pub reason: String,
}

impl Record {
    /// Reads a `ranking.json` the build wrote.
    pub fn parse(bytes: &[u8]) -> Result<(Record, Value), serde_json::Error> {
        Ok((
            serde_json::from_slice(bytes)?,
            serde_json::from_slice(bytes)?,
        ))
    }
}

/// Every use case's snapshots, oldest first; use cases without any are left out.
pub type History = BTreeMap<String, Vec<Snapshot>>;

// ----- reading ------------------------------------------------------------------------------

/// Reads the snapshots of every use case of `content`. Folders of other use cases are left to
/// [`orphans`], which `check` reports.
pub fn load(root: &Path, content: &Content, out: &mut Diagnostics) -> History {
    // One listing of the history folder rather than a look for each use case's own: a large
    // site has thousands of use cases and few histories, and nothing else runs meanwhile.
    let Ok(entries) = std::fs::read_dir(root.join(HISTORY_DIR)) else {
        return History::new();
    };
    let present: HashSet<OsString> = entries.flatten().map(|e| e.file_name()).collect();
    content
        .use_cases
        .iter()
        .filter(|u| present.contains(OsStr::new(&u.slug)))
        .filter_map(|u| {
            let snapshots = load_use_case(root, &u.slug, out);
            (!snapshots.is_empty()).then(|| (u.slug.clone(), snapshots))
        })
        .collect()
}

fn load_use_case(root: &Path, slug: &str, out: &mut Diagnostics) -> Vec<Snapshot> {
    let dir = Path::new(HISTORY_DIR).join(slug);
    let mut snapshots: Vec<Snapshot> = files_in(root, &dir, &[], out)
        .into_iter()
        .filter_map(|rel| out.take(read_snapshot(root, &dir, &rel, slug)))
        .collect();
    snapshots.sort_by_key(|s| s.date);
    snapshots
}

fn read_snapshot(root: &Path, dir: &Path, rel: &Path, slug: &str) -> Result<Snapshot, Diagnostic> {
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let date = name
        .strip_suffix(".json")
        .and_then(|stem| stem.parse::<Date>().ok())
        .filter(|_| rel.parent() == Some(dir))
        .ok_or_else(|| {
            Diagnostic::error(
                Location::file(rel),
                format!(
                    "`{}` is not a snapshot: a snapshot is a file named after its date, `{}/YYYY-MM-DD.json`",
                    crate::error::display_path(rel),
                    crate::error::display_path(dir)
                ),
            )
            .with_help("record snapshots with `standings snapshot`; move other files elsewhere")
        })?;
    let file = SourceFile::read(root, rel)?;
    let document: Value =
        serde_json::from_str(&file.text).map_err(|e| json_error(rel, &e, "is not valid JSON"))?;
    let record: Record = serde_json::from_str(&file.text)
        .map_err(|e| json_error(rel, &e, "is not a ranking.json"))?;
    if record.use_case != slug {
        return Err(Diagnostic::error(
            locate(rel, &file.text, "\"use_case\""),
            format!(
                "this snapshot records the use case `{}`, but it sits in the folder of `{slug}`",
                record.use_case
            ),
        ));
    }
    if let Some(twice) = repeated_model(&record) {
        return Err(Diagnostic::error(
            Location::file(rel),
            format!("the snapshot ranks `{twice}` more than once"),
        ));
    }
    Ok(Snapshot {
        date,
        file: rel.to_path_buf(),
        record,
        document,
    })
}

fn repeated_model(record: &Record) -> Option<&str> {
    let mut seen = std::collections::BTreeSet::new();
    record
        .ranked
        .iter()
        .map(|e| e.model.as_str())
        .find(|m| !seen.insert(*m))
}

fn json_error(rel: &Path, e: &serde_json::Error, what: &str) -> Diagnostic {
    let text = e.to_string();
    // serde_json appends the position to its message; the location says it already.
    let message = text
        .rfind(" at line ")
        .map_or(text.as_str(), |at| &text[..at]);
    Diagnostic::error(
        Location::new(rel, e.line(), e.column()),
        format!("the snapshot {what}: {message}"),
    )
    .with_help("a snapshot is a ranking.json as `standings snapshot` writes it")
}

/// The place of the first `needle` in a file, or its start.
fn locate(rel: &Path, text: &str, needle: &str) -> Location {
    text.find(needle).map_or_else(
        || Location::file(rel),
        |at| {
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Location::new(rel, line, column)
        },
    )
}

/// Folders and files under `data/history/` that belong to no use case (one that was renamed or
/// removed, say): their snapshots are read by nothing.
pub fn orphans(root: &Path, content: &Content) -> Vec<Diagnostic> {
    let Ok(entries) = std::fs::read_dir(root.join(HISTORY_DIR)) else {
        return Vec::new();
    };
    let mut found: Vec<(String, bool)> = entries
        .flatten()
        .map(|e| {
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            (e.file_name().to_string_lossy().into_owned(), is_dir)
        })
        .filter(|(name, _)| !is_ignored(name))
        .collect();
    found.sort();
    found
        .into_iter()
        .filter(|(name, is_dir)| !is_dir || content.use_cases.iter().all(|u| &u.slug != name))
        .map(|(name, is_dir)| {
            let rel = Path::new(HISTORY_DIR).join(&name);
            if is_dir {
                let d = Diagnostic::error(
                    Location::file(&rel),
                    format!("`{HISTORY_DIR}/{name}/` holds snapshots of `{name}`, which is not a use case of the site"),
                )
                .with_help("rename the folder after the use case, or delete it if the use case is gone");
                match crate::error::did_you_mean(
                    &name,
                    content.use_cases.iter().map(|u| u.slug.as_str()),
                ) {
                    Some(help) => d.with_help(help),
                    None => d,
                }
            } else {
                Diagnostic::error(
                    Location::file(&rel),
                    format!("`{HISTORY_DIR}/` holds one folder per use case; this file belongs to none"),
                )
            }
        })
        .collect()
}

// ----- comparing --------------------------------------------------------------------------

/// What moved between two rankings, as a reader of the leaderboard sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Changes {
    pub rules: Vec<RuleChange>,
    /// In the order of the newer ranking, then the models it no longer ranks.
    pub models: Vec<ModelChange>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.models.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleChange {
    Method { from: Method, to: Method },
    Top { from: usize, to: usize },
    Added { metric: String, weight: Option<f64> },
    Removed { metric: String, weight: Option<f64> },
    Weight { metric: String, from: f64, to: f64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelChange {
    pub model: String,
    /// As the newer ranking names it (the older one, for a model no longer ranked).
    pub name: String,
    pub rank: RankChange,
    pub figures: Vec<FigureChange>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RankChange {
    Entered {
        to: usize,
    },
    Left {
        from: usize,
        /// Why the newer ranking leaves it out, in the words of `ranking.json`; `None` when
        /// that ranking does not list it (a model removed from the data, or hidden).
        reason: Option<String>,
    },
    Moved {
        from: usize,
        to: usize,
    },
    Kept {
        at: usize,
    },
}

/// A criterion's figure that reads differently.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureChange {
    pub metric: String,
    pub from: Option<f64>,
    pub to: Option<f64>,
}

/// Whether two values of a metric print the same; a change too small to show at the metric's
/// decimals is no change to a reader.
pub type Alike<'a> = &'a dyn Fn(&str, f64, f64) -> bool;

/// What changed from `old` to `new`: models newly ranked or no longer ranked (wherever they
/// stood), moves of the models in the top rows of either, the criterion figures of those
/// models that read differently, and changes of the method, the number of top rows and the
/// criteria and their weights.
pub fn diff(old: &Record, new: &Record, alike: Alike) -> Changes {
    let before: BTreeMap<&str, &Entry> = old.ranked.iter().map(|e| (e.model.as_str(), e)).collect();
    let mut models: Vec<ModelChange> = new
        .ranked
        .iter()
        .filter_map(|e| match before.get(e.model.as_str()) {
            None => Some(ModelChange {
                model: e.model.clone(),
                name: e.name.clone(),
                rank: RankChange::Entered { to: e.rank },
                figures: Vec::new(),
            }),
            Some(b) => kept(b, e, old.top, new.top, alike),
        })
        .collect();
    let now: BTreeMap<&str, &Entry> = new.ranked.iter().map(|e| (e.model.as_str(), e)).collect();
    models.extend(
        old.ranked
            .iter()
            .filter(|b| !now.contains_key(b.model.as_str()))
            .map(|b| ModelChange {
                model: b.model.clone(),
                name: b.name.clone(),
                rank: RankChange::Left {
                    from: b.rank,
                    reason: new
                        .excluded
                        .iter()
                        .find(|x| x.model == b.model)
                        .map(|x| x.reason.clone()),
                },
                figures: Vec::new(),
            }),
    );
    Changes {
        rules: rule_changes(old, new),
        models,
    }
}

/// A model ranked in both: its move and figures, when it shows in the top rows of either.
fn kept(b: &Entry, e: &Entry, old_top: usize, new_top: usize, alike: Alike) -> Option<ModelChange> {
    if b.rank > old_top && e.rank > new_top {
        return None;
    }
    let figures: Vec<FigureChange> = e
        .criteria
        .iter()
        .filter_map(|part| {
            let was = b.criteria.iter().find(|p| p.metric == part.metric)?;
            let same = match (was.value, part.value) {
                (Some(x), Some(y)) => x == y || alike(&part.metric, x, y),
                (None, None) => true,
                _ => false,
            };
            (!same).then(|| FigureChange {
                metric: part.metric.clone(),
                from: was.value,
                to: part.value,
            })
        })
        .collect();
    let rank = if b.rank == e.rank {
        RankChange::Kept { at: e.rank }
    } else {
        RankChange::Moved {
            from: b.rank,
            to: e.rank,
        }
    };
    (rank != RankChange::Kept { at: e.rank } || !figures.is_empty()).then(|| ModelChange {
        model: e.model.clone(),
        name: e.name.clone(),
        rank,
        figures,
    })
}

fn rule_changes(old: &Record, new: &Record) -> Vec<RuleChange> {
    let mut rules = Vec::new();
    if old.method != new.method {
        rules.push(RuleChange::Method {
            from: old.method,
            to: new.method,
        });
    }
    if old.top != new.top {
        rules.push(RuleChange::Top {
            from: old.top,
            to: new.top,
        });
    }
    let weight = |r: &Record, metric: &str| {
        r.criteria
            .iter()
            .find(|c| c.metric == metric)
            .map(|c| c.weight)
    };
    for c in &new.criteria {
        match weight(old, &c.metric) {
            None => rules.push(RuleChange::Added {
                metric: c.metric.clone(),
                weight: c.weight,
            }),
            // Weights of two methods do not compare; the method's change says it all.
            Some(Some(from)) if old.method == new.method => match c.weight {
                Some(to) if to != from => rules.push(RuleChange::Weight {
                    metric: c.metric.clone(),
                    from,
                    to,
                }),
                _ => {}
            },
            Some(_) => {}
        }
    }
    rules.extend(
        old.criteria
            .iter()
            .filter(|c| weight(new, &c.metric).is_none())
            .map(|c| RuleChange::Removed {
                metric: c.metric.clone(),
                weight: c.weight,
            }),
    );
    rules
}

/// Changes counted from one snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition<'a> {
    /// The snapshot the changes are counted from.
    pub since: &'a Snapshot,
    /// The snapshot that recorded them; `None` when they are not recorded yet.
    pub recorded: Option<&'a Snapshot>,
    pub changes: Changes,
}

/// What a leaderboard shows: the changes from the newest snapshot that differs from the
/// current ranking. Recording the current ranking right after a change therefore keeps the
/// change on the page (counted from the snapshot before, and dated by the new one) until the
/// next change replaces it.
pub fn latest<'a>(
    snapshots: &'a [Snapshot],
    current: &Record,
    alike: Alike,
) -> Option<Transition<'a>> {
    snapshots.iter().enumerate().rev().find_map(|(i, s)| {
        let changes = diff(&s.record, current, alike);
        (!changes.is_empty()).then(|| Transition {
            since: s,
            recorded: snapshots.get(i + 1),
            changes,
        })
    })
}

/// What each snapshot changed from the one before it, oldest first; snapshots that changed
/// nothing a reader would see are left out.
pub fn transitions<'a>(snapshots: &'a [Snapshot], alike: Alike) -> Vec<Transition<'a>> {
    snapshots
        .windows(2)
        .filter_map(|w| {
            let changes = diff(&w[0].record, &w[1].record, alike);
            (!changes.is_empty()).then(|| Transition {
                since: &w[0],
                recorded: Some(&w[1]),
                changes,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rank: usize, model: &str, value: Option<f64>) -> Entry {
        Entry {
            rank,
            model: model.into(),
            name: model.to_uppercase(),
            criteria: vec![Part {
                metric: "m".into(),
                value,
            }],
        }
    }

    fn record(top: usize, ranked: Vec<Entry>) -> Record {
        Record {
            use_case: "u".into(),
            method: Method::Weighted,
            top,
            criteria: vec![RecordCriterion {
                metric: "m".into(),
                weight: Some(100.0),
            }],
            ranked,
            excluded: vec![],
        }
    }

    fn exact(_: &str, a: f64, b: f64) -> bool {
        a == b
    }

    #[test]
    fn moves_entries_and_figures_are_each_reported_once() {
        let old = record(
            2,
            vec![
                entry(1, "a", Some(2.0)),
                entry(2, "b", Some(1.0)),
                entry(3, "c", Some(0.5)),
            ],
        );
        let mut new = record(
            2,
            vec![
                entry(1, "b", Some(3.0)),
                entry(2, "a", Some(2.0)),
                entry(3, "d", None),
            ],
        );
        new.excluded.push(NotRanked {
            model: "c".into(),
            reason: "status is deprecated".into(),
        });
        let changes = diff(&old, &new, &exact);
        assert!(changes.rules.is_empty());
        let ranks: Vec<(&str, &RankChange)> = changes
            .models
            .iter()
            .map(|m| (m.model.as_str(), &m.rank))
            .collect();
        assert_eq!(
            ranks,
            [
                ("b", &RankChange::Moved { from: 2, to: 1 }),
                ("a", &RankChange::Moved { from: 1, to: 2 }),
                ("d", &RankChange::Entered { to: 3 }),
                (
                    "c",
                    &RankChange::Left {
                        from: 3,
                        reason: Some("status is deprecated".into())
                    }
                ),
            ]
        );
        assert_eq!(
            changes.models[0].figures,
            [FigureChange {
                metric: "m".into(),
                from: Some(1.0),
                to: Some(3.0)
            }]
        );
        assert!(changes.models[1].figures.is_empty());
    }

    #[test]
    fn rows_below_the_top_move_quietly() {
        let old = record(
            1,
            vec![
                entry(1, "a", Some(3.0)),
                entry(2, "b", Some(2.0)),
                entry(3, "c", Some(1.0)),
            ],
        );
        let new = record(
            1,
            vec![
                entry(1, "a", Some(3.0)),
                entry(2, "c", Some(2.5)),
                entry(3, "b", Some(2.0)),
            ],
        );
        assert!(diff(&old, &new, &exact).is_empty());
    }

    #[test]
    fn changes_hidden_by_the_format_are_no_changes() {
        let old = record(1, vec![entry(1, "a", Some(0.9391))]);
        let new = record(1, vec![entry(1, "a", Some(0.9394))]);
        let three_decimals = |_: &str, a: f64, b: f64| format!("{a:.3}") == format!("{b:.3}");
        assert!(diff(&old, &new, &three_decimals).is_empty());
        assert!(!diff(&old, &new, &exact).is_empty());
    }

    #[test]
    fn weights_and_criteria_changes_are_rules() {
        let old = record(1, vec![entry(1, "a", Some(1.0))]);
        let mut new = old.clone();
        new.top = 3;
        new.criteria = vec![
            RecordCriterion {
                metric: "m".into(),
                weight: Some(60.0),
            },
            RecordCriterion {
                metric: "n".into(),
                weight: Some(40.0),
            },
        ];
        assert_eq!(
            diff(&old, &new, &exact).rules,
            [
                RuleChange::Top { from: 1, to: 3 },
                RuleChange::Weight {
                    metric: "m".into(),
                    from: 100.0,
                    to: 60.0
                },
                RuleChange::Added {
                    metric: "n".into(),
                    weight: Some(40.0)
                },
            ]
        );
    }

    fn snapshot(day: u8, record: Record) -> Snapshot {
        Snapshot {
            date: Date::new(2026, 1, day).unwrap(),
            file: PathBuf::from(format!("data/history/u/2026-01-{day:02}.json")),
            record,
            document: Value::Null,
        }
    }

    #[test]
    fn a_recorded_change_stays_on_the_page_until_the_next() {
        let first = record(2, vec![entry(1, "a", Some(1.0)), entry(2, "b", Some(0.5))]);
        let second = record(2, vec![entry(1, "b", Some(2.0)), entry(2, "a", Some(1.0))]);
        let history = vec![snapshot(1, first.clone()), snapshot(2, second.clone())];
        let shown = latest(&history, &second, &exact).unwrap();
        assert_eq!(shown.since.date.to_string(), "2026-01-01");
        assert_eq!(
            shown.recorded.map(|s| s.date.to_string()).as_deref(),
            Some("2026-01-02")
        );
        assert_eq!(transitions(&history, &exact), std::slice::from_ref(&shown));
        let unrecorded = latest(&history[..1], &second, &exact).unwrap();
        assert_eq!(
            (unrecorded.since.date, unrecorded.recorded),
            (history[0].date, None)
        );
        assert_eq!(unrecorded.changes, shown.changes);
        assert!(latest(&history[..1], &first, &exact).is_none());
    }
}
