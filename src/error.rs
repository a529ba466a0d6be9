//! Errors and diagnostics.
//!
//! Editors make mistakes in many files at once, so loading never stops at the first problem:
//! every stage collects [`Diagnostic`]s, each pointing at a file, line and column, and the build
//! fails with all of them together ([`Error::Content`]). Failures that are not about the site's
//! content (the disk, an unsafe output folder) have variants of their own.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A place in a source file. Lines and columns are 1-based, as editors count them.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Location {
    /// Path relative to the site root, so messages read the same on every machine.
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line: line.max(1),
            column: column.max(1),
        }
    }

    /// The start of a file, for problems that concern the whole file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location::new(file, 1, 1)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            display_path(&self.file),
            self.line,
            self.column
        )
    }
}

/// Paths in messages use `/` on every platform.
pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the site's sources.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    pub location: Option<Location>,
    pub severity: Severity,
    pub message: String,
    /// A hint such as "did you mean `gpt-5.5`?".
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            location: Some(location),
            severity: Severity::Error,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(location, message)
        }
    }

    /// A problem that belongs to no single file (for example, a missing folder).
    pub fn general(message: impl Into<String>) -> Self {
        Diagnostic {
            location: None,
            severity: Severity::Error,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        write!(f, "{label}: {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// Collects diagnostics across a stage so that all of them can be reported together.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// Records the error of a fallible step and returns its value, if any.
    pub fn take<T>(&mut self, result: Result<T, Diagnostic>) -> Option<T> {
        result.map_err(|d| self.push(d)).ok()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// All diagnostics in a stable order (by file, line, column), whatever order the
    /// parallel stages found them in.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        self.items.dedup();
        self.items
    }

    /// Fails with every diagnostic when any of them is an error; otherwise hands the
    /// warnings back.
    pub fn into_result(self) -> Result<Vec<Diagnostic>, Error> {
        if self.has_errors() {
            Err(Error::Content(self.into_sorted()))
        } else {
            Ok(self.into_sorted())
        }
    }
}

/// Every way a command can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The site's sources hold mistakes; every one of them is listed.
    #[error("{}", content_summary(.0))]
    Content(Vec<Diagnostic>),

    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// The output folder would overwrite or delete the site's own sources.
    #[error("refusing to build into {}: {reason}", .path.display())]
    UnsafeOutput { path: PathBuf, reason: String },

    /// The command line asked for something that cannot be done.
    #[error("{0}")]
    Usage(String),

    /// `check` found errors (already printed); the text sums them up.
    #[error("{0}")]
    Checked(String),
}

impl Error {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// The diagnostics behind a content error (empty for the other kinds).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Content(items) => items,
            _ => &[],
        }
    }
}

fn content_summary(items: &[Diagnostic]) -> String {
    let errors = items.iter().filter(|d| d.is_error()).count();
    match errors {
        1 => "the site has 1 error".to_string(),
        n => format!("the site has {n} errors"),
    }
}

/// The known name closest to a misspelt one, if any is close enough.
pub fn closest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| {
            (
                strsim::normalized_damerau_levenshtein(unknown, candidate),
                candidate,
            )
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate)
}

/// Suggests the closest known name for a misspelt one, as "did you mean …".
pub fn did_you_mean<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(unknown, known).map(|candidate| format!("did you mean `{candidate}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_id() {
        let known = ["gpt-5.5", "gpt-5.4", "claude-opus-4.7"];
        assert_eq!(
            did_you_mean("gpt-55", known).as_deref(),
            Some("did you mean `gpt-5.5`?")
        );
        assert_eq!(did_you_mean("llama", known), None);
    }

    #[test]
    fn diagnostics_sort_by_place() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::error(Location::new("b.yaml", 1, 1), "second"));
        all.push(Diagnostic::error(Location::new("a.yaml", 9, 2), "first"));
        let sorted = all.into_sorted();
        assert_eq!(sorted[0].message, "first");
        assert_eq!(sorted[0].to_string(), "a.yaml:9:2: error: first");
    }
}
