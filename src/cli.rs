//! The command line: parsing, dispatch, messages and exit codes.
//!
//! Exit codes: 0 when all went well, 1 when the site's content has errors (or the disk
//! failed), 2 for a usage mistake.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::check::CheckOptions;
use crate::date::Date;
use crate::error::{Diagnostic, Error};
use crate::output;
use crate::report;
use crate::site::{self, LoadOptions, Site};

#[derive(Debug, Parser)]
#[command(
    name = "standings",
    version,
    about = "Builds use-case ranking pages of AI models from model data and editorial Markdown."
)]
pub struct Cli {
    /// The site folder (holding site.yaml, data/, content/).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,

    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more about what is done.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// The output folder; it is replaced only when the build succeeds.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Publish under this URL instead of site.yaml's base_url (e.g. https://example.com/sub/).
        #[arg(long)]
        base_url: Option<String>,
        /// Print where the time went: loading, ranking, prose, templates, writing.
        #[arg(long)]
        timings: bool,
    },
    /// Check the whole site without writing anything; report every problem at once.
    Check {
        /// Count the age of figures up to this date (YYYY-MM-DD) instead of today.
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
        /// Check the site as published under this URL.
        #[arg(long)]
        base_url: Option<String>,
    },
}

fn parse_date(text: &str) -> Result<Date, String> {
    text.parse()
        .map_err(|e: crate::date::BadDate| e.to_string())
}

/// Whether to colour output: only on a terminal, and never under `NO_COLOR`.
fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

struct Printer {
    quiet: bool,
    verbose: bool,
    color: bool,
}

impl Printer {
    fn diagnostics(&self, root: &std::path::Path, items: &[Diagnostic]) {
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

    fn info(&self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    fn detail(&self, line: &str) {
        if self.verbose {
            eprintln!("{line}");
        }
    }
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let printer = Printer {
        quiet: cli.quiet,
        verbose: cli.verbose,
        color: use_color(),
    };
    match run(&cli, &printer) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Error::Content(items) = &e {
                printer.diagnostics(&cli.root, items);
            }
            eprintln!("error: {e}");
            ExitCode::from(match e {
                Error::Usage(_) | Error::UnsafeOutput { .. } => 2,
                Error::Content(_) | Error::Io { .. } | Error::Checked(_) => 1,
            })
        }
    }
}

fn run(cli: &Cli, printer: &Printer) -> Result<(), Error> {
    match &cli.command {
        Command::Check { today, base_url } => check(cli, printer, *today, base_url.clone()),
        Command::Build {
            output,
            base_url,
            timings,
        } => build(cli, printer, output.clone(), base_url.clone(), *timings),
    }
}

fn check(
    cli: &Cli,
    printer: &Printer,
    today: Option<Date>,
    base_url: Option<String>,
) -> Result<(), Error> {
    let options = CheckOptions {
        load: LoadOptions { base_url },
        today,
    };
    let findings = crate::check::run(&cli.root, &options)?;
    printer.diagnostics(&cli.root, &findings.diagnostics);
    let summary = format!(
        "checked {} pages: {} {}, {} {}",
        findings.pages,
        findings.errors(),
        plural(findings.errors(), "error"),
        findings.warnings(),
        plural(findings.warnings(), "warning")
    );
    if findings.errors() > 0 {
        return Err(Error::Checked(summary));
    }
    printer.info(&summary);
    Ok(())
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn build(
    cli: &Cli,
    printer: &Printer,
    output: Option<PathBuf>,
    base_url: Option<String>,
    timings: bool,
) -> Result<(), Error> {
    let started = Instant::now();
    crate::timings::reset();
    let output = output.unwrap_or_else(|| cli.root.join("public"));
    printer.detail(&format!("loading {}", cli.root.display()));
    let (site, warnings) = Site::load(&cli.root, &LoadOptions { base_url })?;
    printer.diagnostics(&cli.root, &warnings);
    let site = Arc::new(site);
    let summary = output::publish(&cli.root, &output, |out| {
        site::build(Arc::clone(&site), out)
    })?;
    printer.info(&format!(
        "built {} pages, {} files, {} into {} in {} ms",
        summary.pages,
        summary.files,
        crate::input::human_bytes(summary.bytes),
        output.display(),
        started.elapsed().as_millis()
    ));
    if timings {
        eprint!("{}", crate::timings::report(started.elapsed()));
    }
    Ok(())
}
