//! Where a build spends its time, for `standings build --timings`.
//!
//! Stages that run one after another are timed on the wall clock. Work spread over threads
//! (prose with its bindings, Markdown and highlighting, templates, writing, data files) is
//! summed over the threads, so it reads as CPU time and may exceed the wall time of the stage
//! it belongs to; each of those counts only its own time, not the time of work nested inside
//! it.
//!
//! The totals are process-wide: a build resets them when it starts.

use std::cell::Cell;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and checking settings, data and content.
    Load,
    Rank,
    /// Compiling the templates.
    Compile,
    /// Gathering the theme's assets and listing every page and file the site will have,
    /// for the links to be checked.
    Plan,
    /// Turning the prose into HTML, rendering and writing every page, and beside them the
    /// data files.
    Pages,
    Static,
    /// Listing the files of the site before the previous one, which this build updates
    /// rather than writing a whole new tree. It runs beside loading, on a thread of its own.
    Spare,
    /// Removing what the updated tree holds and this build did not write, and moving the
    /// new site into place.
    Replace,
    // Work summed over threads.
    /// Turning every text into HTML, once per site; each use case's with its pages. Its
    /// bindings, Markdown and highlighting are counted apart.
    Prose,
    Bindings,
    Markdown,
    Highlight,
    /// Rendering pages through their templates, by kind of page.
    Leaderboards,
    Analyses,
    Profiles,
    Comparisons,
    Templates,
    Write,
    /// Data files, sitemap and stylesheets, made beside the pages.
    Files,
    /// Drawing the social images.
    Cards,
}

const STAGES: [(Stage, &str); 20] = [
    (Stage::Load, "load"),
    (Stage::Spare, "list spare output"),
    (Stage::Rank, "rank"),
    (Stage::Compile, "compile templates"),
    (Stage::Plan, "plan"),
    (Stage::Pages, "prose and pages"),
    (Stage::Prose, "  prose"),
    (Stage::Bindings, "    bindings"),
    (Stage::Markdown, "    markdown"),
    (Stage::Highlight, "    highlight"),
    (Stage::Leaderboards, "  leaderboards"),
    (Stage::Analyses, "  analyses"),
    (Stage::Profiles, "  model profiles"),
    (Stage::Comparisons, "  head-to-head"),
    (Stage::Templates, "  other pages"),
    (Stage::Write, "  write"),
    (Stage::Files, "  data files"),
    (Stage::Cards, "    social images"),
    (Stage::Static, "static"),
    (Stage::Replace, "replace output"),
];

static TOTALS: [AtomicU64; STAGES.len()] = [const { AtomicU64::new(0) }; STAGES.len()];

thread_local! {
    /// Time measured by calls nested in the one running on this thread.
    static NESTED: Cell<u64> = const { Cell::new(0) };
}

impl Stage {
    fn total(self) -> &'static AtomicU64 {
        &TOTALS[self as usize]
    }

    fn summed(self) -> bool {
        self as usize >= Stage::Prose as usize
    }
}

/// Runs `f`, counting its time towards `stage`, less the time of nested measured work.
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    let outer = NESTED.with(|n| n.replace(0));
    let started = Instant::now();
    let value = f();
    let elapsed = nanos(started.elapsed());
    let nested = NESTED.with(Cell::get);
    stage
        .total()
        .fetch_add(elapsed.saturating_sub(nested), Ordering::Relaxed);
    NESTED.with(|n| n.set(outer + elapsed));
    value
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Sets every total back to zero.
pub fn reset() {
    for total in &TOTALS {
        total.store(0, Ordering::Relaxed);
    }
}

/// The totals as a table, one stage a line, with the whole run's wall time.
pub fn report(wall: Duration) -> String {
    let mut out = String::from("stage                    ms\n");
    for (stage, name) in STAGES {
        let ms = stage.total().load(Ordering::Relaxed) as f64 / 1e6;
        let note = match stage {
            Stage::Spare => "  (beside load)",
            s if s.summed() => "  (summed over threads)",
            _ => "",
        };
        let _ = writeln!(out, "{name:<20}{ms:>8.1}{note}");
    }
    let _ = writeln!(out, "{:<20}{:>8.1}", "total", wall.as_secs_f64() * 1e3);
    out
}
