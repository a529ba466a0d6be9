//! standings: a static-site generator for use-case ranking pages of AI models.
//!
//! The pipeline, one module per stage: [`config`], [`data`] and [`content`] load and check the
//! inputs; [`rank`] computes every ranking (pure functions); [`render`] turns prose, views and
//! templates into pages and data files; [`output`] writes them without losing the previous
//! site. [`site`] runs the stages in order and [`cli`] is the command line.

pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod data;
pub mod date;
pub mod error;
pub mod format;
pub mod highlight;
pub mod history;
pub mod incremental;
pub mod input;
pub mod markdown;
pub mod output;
pub mod rank;
pub mod rank_report;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod snapshot;
pub mod sources;
pub mod terminal;
pub mod timings;

pub use error::{Diagnostic, Error, Location};
pub use site::{LoadOptions, Site, build};
