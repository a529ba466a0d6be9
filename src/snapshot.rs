//! Recording rankings (`standings snapshot`, `standings build --record`): each use case's
//! `ranking.json` is kept as `data/history/<use-case>/<date>.json`, to be committed with the
//! content, so that later builds can say what changed since.
//!
//! Every refusal is decided before anything is written: a snapshot is never replaced by a
//! different one, nor one dated before the newest slipped in, unless asked (`--force`); and a
//! ranking identical to the newest snapshot is not recorded again.

use std::fs;
use std::path::Path;

use crate::date::Date;
use crate::error::{Error, did_you_mean};
use crate::history::{HISTORY_DIR, Record, Snapshot};
use crate::render::ranking_json;
use crate::site::Site;

/// What recording does for one use case.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub use_case: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Writes a snapshot; `replaces` when one of the same date exists (under `--force`).
    Write {
        snapshot: Box<Snapshot>,
        bytes: Vec<u8>,
        replaces: bool,
    },
    /// The ranking is the one the newest snapshot, of `since`, holds.
    Unchanged { since: Date },
}

/// Decides what recording the rankings of `slugs` (every use case when empty) on `date`
/// does, or refuses with every reason at once.
pub fn plan(
    site: &Site,
    slugs: &[String],
    date: Date,
    force: bool,
) -> Result<Vec<Recording>, Error> {
    let chosen: Vec<&str> = if slugs.is_empty() {
        site.content
            .use_cases
            .iter()
            .map(|u| u.slug.as_str())
            .collect()
    } else {
        slugs.iter().map(String::as_str).collect()
    };
    let mut recordings = Vec::new();
    let mut refusals = Vec::new();
    for slug in chosen {
        match plan_one(site, slug, date, force)? {
            Ok(r) => recordings.push(r),
            Err(refusal) => refusals.push(refusal),
        }
    }
    if refusals.is_empty() {
        Ok(recordings)
    } else {
        Err(Error::Usage(format!(
            "nothing was recorded:\n  {}",
            refusals.join("\n  ")
        )))
    }
}

fn plan_one(
    site: &Site,
    slug: &str,
    date: Date,
    force: bool,
) -> Result<Result<Recording, String>, Error> {
    let u = site.use_case(slug).ok_or_else(|| {
        let known = site.content.use_cases.iter().map(|u| u.slug.as_str());
        let hint = did_you_mean(slug, known).map_or_else(String::new, |h| format!(" ({h})"));
        Error::Usage(format!("unknown use case `{slug}`{hint}"))
    })?;
    let bytes = ranking_json(site, u)
        .ok_or_else(|| Error::Usage(format!("the use case `{slug}` has no ranking")))?;
    let (record, document) = Record::parse(&bytes)
        .map_err(|e| Error::Usage(format!("the ranking of `{slug}` does not read back: {e}")))?;
    let file = Path::new(HISTORY_DIR)
        .join(slug)
        .join(format!("{date}.json"));
    let history = site.history.get(slug).map_or(&[][..], Vec::as_slice);
    if let Some(newest) = history.last() {
        if newest.document == document {
            return Ok(Ok(Recording {
                use_case: slug.to_string(),
                outcome: Outcome::Unchanged { since: newest.date },
            }));
        }
        if newest.date > date && !force {
            return Ok(Err(format!(
                "`{slug}`: its newest snapshot is from {}, after {date} (pass a later --date, or --force to record one before it)",
                newest.date
            )));
        }
        if newest.date == date && !force {
            return Ok(Err(format!(
                "`{slug}`: {} already records a different ranking (pass --force to replace it)",
                crate::error::display_path(&newest.file)
            )));
        }
    }
    let replaces = history.iter().any(|s| s.date == date);
    let snapshot = Snapshot {
        date,
        file,
        record,
        document,
    };
    Ok(Ok(Recording {
        use_case: slug.to_string(),
        outcome: Outcome::Write {
            snapshot: Box::new(snapshot),
            bytes,
            replaces,
        },
    }))
}

/// Writes the planned snapshots under `root`. Each file is written beside its place and then
/// renamed, so a snapshot is never left half written.
pub fn write(root: &Path, recordings: &[Recording]) -> Result<(), Error> {
    for r in recordings {
        let Outcome::Write {
            snapshot, bytes, ..
        } = &r.outcome
        else {
            continue;
        };
        let path = root.join(&snapshot.file);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        }
        let partial = path.with_extension("json.tmp");
        fs::write(&partial, bytes).map_err(|e| Error::io("write", &partial, e))?;
        fs::rename(&partial, &path).map_err(|e| Error::io("write", &path, e))?;
    }
    Ok(())
}

/// Adds the planned snapshots to the site in memory, as if they had been read from disk.
pub fn apply(site: &mut Site, recordings: &[Recording]) {
    for r in recordings {
        let Outcome::Write {
            snapshot, replaces, ..
        } = &r.outcome
        else {
            continue;
        };
        let history = site.history.entry(r.use_case.clone()).or_default();
        if *replaces {
            history.retain(|s| s.date != snapshot.date);
        }
        history.push((**snapshot).clone());
        history.sort_by_key(|s| s.date);
    }
}

/// One line per use case: what was (or was not) written.
pub fn describe(r: &Recording) -> String {
    match &r.outcome {
        Outcome::Write {
            snapshot, replaces, ..
        } => format!(
            "{} {}",
            if *replaces { "replaced" } else { "recorded" },
            crate::error::display_path(&snapshot.file)
        ),
        Outcome::Unchanged { since } => format!(
            "{}: the ranking is the one recorded on {since}; nothing written",
            r.use_case
        ),
    }
}
