//! Messages for people at a terminal: diagnostics, one-line summaries and progress.
//!
//! Everything goes to standard error, so that standard output stays clean for what a command
//! produces (`rank --format json`, say). Colour and progress appear only on a terminal, and
//! colour never under `NO_COLOR`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::Diagnostic;
use crate::report;

/// Whether to colour output: only on a terminal, and never under `NO_COLOR`.
pub fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub quiet: bool,
    pub verbose: bool,
    pub color: bool,
}

impl Printer {
    /// A printer for standard error as it is now.
    pub fn new(quiet: bool, verbose: bool) -> Printer {
        Printer {
            quiet,
            verbose,
            color: use_color(),
        }
    }

    /// Prints diagnostics with their source lines; under `-q`, errors only.
    pub fn diagnostics(&self, root: &Path, items: &[Diagnostic]) {
        let shown: Vec<Diagnostic> = items
            .iter()
            .filter(|d| d.is_error() || !self.quiet)
            .cloned()
            .collect();
        if !shown.is_empty() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{}", report::render(root, &shown, self.color));
        }
    }

    pub fn info(&self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    pub fn detail(&self, line: &str) {
        if self.verbose {
            eprintln!("{line}");
        }
    }

    /// A line that reports success, in green on a terminal.
    pub fn success(&self, line: &str) {
        self.info(&self.paint(AnsiColor::Green, line));
    }

    /// A line that reports a failure: shown even under `-q`, in red on a terminal.
    pub fn failure(&self, line: &str) {
        eprintln!("{}", self.paint(AnsiColor::Red, line));
    }

    /// A warning about the command itself (not the site's content).
    pub fn warning(&self, line: &str) {
        eprintln!("{}", self.paint(AnsiColor::Yellow, line));
    }

    fn paint(&self, color: AnsiColor, text: &str) -> String {
        if self.color {
            let style = Style::new().fg_color(Some(color.into())).bold();
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    /// A spinner for work that may take a while; drawn only on a terminal and not under
    /// `-q`. Finish it with [`ProgressBar::finish_and_clear`].
    pub fn progress(&self, message: &str) -> ProgressBar {
        if self.quiet || !std::io::stderr().is_terminal() {
            return ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        }
        let bar = ProgressBar::new_spinner().with_message(message.to_string());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    }
}
