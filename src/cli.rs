//! The command line: parsing, dispatch, messages and exit codes.
//!
//! Exit codes: 0 when all went well, 1 when the site's content has errors (or the disk
//! failed), 2 for a usage mistake.

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::check::CheckOptions;
use crate::date::Date;
use crate::error::Error;
use crate::output;
use crate::rank_report::{self, Format};
use crate::scaffold;
use crate::serve::{self, ServeOptions};
use crate::site::{self, LoadOptions, Site};
use crate::snapshot;
use crate::terminal::Printer;

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
        /// Write minified HTML (smaller pages; the same content).
        #[arg(long)]
        minify: bool,
        /// Print where the time went: loading, ranking, prose, templates, writing.
        #[arg(long)]
        timings: bool,
        /// Record each use case's ranking in data/history/ first, as `snapshot` does.
        #[arg(long)]
        record: bool,
        /// With --record: the snapshots' date (YYYY-MM-DD) instead of today's.
        #[arg(long, requires = "record", value_parser = parse_date)]
        date: Option<Date>,
        /// With --record: replace a snapshot of the same date that records another ranking.
        #[arg(long, requires = "record")]
        force: bool,
    },
    /// Record use cases' current rankings in data/history/<use-case>/<date>.json.
    Snapshot {
        /// The use cases to record (every use case when none is given).
        use_cases: Vec<String>,
        /// The snapshots' date (YYYY-MM-DD); today's date by default.
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
        /// Replace a snapshot of the same date that records another ranking.
        #[arg(long)]
        force: bool,
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
    /// Serve the site locally, rebuilding it and reloading the browser on every change.
    Serve {
        /// The port to listen on (0 picks a free one).
        #[arg(long, short, default_value_t = serve::DEFAULT_PORT)]
        port: u16,
        /// The address to listen on; anything but loopback lets other machines read the site.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Print a use case's ranking with each criterion's contribution.
    Rank {
        /// The use case's slug (its folder name under content/use-cases/).
        use_case: String,
        /// How to print it: a table, or the ranking.json / ranking.csv the build publishes.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Re-rank with another weight for a metric (repeatable); files are not changed, and
        /// the weights must still add up to 100. A weight of 0 drops the criterion.
        #[arg(long = "weight", value_name = "METRIC=WEIGHT", value_parser = rank_report::parse_weight)]
        weights: Vec<(String, f64)>,
    },
    /// Create a small example site that builds as it is.
    Init {
        /// The folder to create the site in (new, or empty).
        dir: PathBuf,
    },
    /// Create the files of a new use case or model, with every field explained.
    New {
        #[command(subcommand)]
        what: New,
    },
}

#[derive(Debug, Subcommand)]
pub enum New {
    /// content/use-cases/<slug>/ with index.md, prompts.md and faq.md.
    UseCase {
        /// The use case's id, which is also its URL: lowercase letters, digits, `.`, `_`, `-`.
        slug: String,
    },
    /// data/models/<id>.yaml with every metric of the site set to null.
    Model {
        /// The model's id, which is also its URL: lowercase letters, digits, `.`, `_`, `-`.
        id: String,
    },
}

fn parse_date(text: &str) -> Result<Date, String> {
    text.parse()
        .map_err(|e: crate::date::BadDate| e.to_string())
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
    let printer = Printer::new(cli.quiet, cli.verbose);
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
            minify,
            timings,
            record,
            date,
            force,
        } => {
            let options = LoadOptions {
                base_url: base_url.clone(),
                minify: *minify,
            };
            let record = record.then_some(Recording {
                date: *date,
                force: *force,
            });
            build(cli, printer, output.clone(), &options, *timings, record)
        }
        Command::Snapshot {
            use_cases,
            date,
            force,
        } => {
            let (site, warnings) = Site::load(&cli.root, &LoadOptions::default())?;
            printer.diagnostics(&cli.root, &warnings);
            let plan = snapshot::plan(&site, use_cases, recording_date(*date)?, *force)?;
            snapshot::write(&cli.root, &plan)?;
            for r in &plan {
                printer.info(&snapshot::describe(r));
            }
            Ok(())
        }
        Command::Serve { port, bind, open } => serve::run(
            &cli.root,
            &ServeOptions {
                bind: *bind,
                port: *port,
                open: *open,
            },
            *printer,
        ),
        Command::Rank {
            use_case,
            format,
            weights,
        } => rank(cli, printer, use_case, *format, weights),
        Command::Init { dir } => {
            let files = scaffold::init(dir)?;
            created(printer, &files);
            printer.info(&format!(
                "next: `standings serve --root {}` and open the address it prints",
                dir.display()
            ));
            Ok(())
        }
        Command::New { what } => {
            let files = match what {
                New::UseCase { slug } => scaffold::new_use_case(&cli.root, slug)?,
                New::Model { id } => scaffold::new_model(&cli.root, id)?,
            };
            created(printer, &files);
            Ok(())
        }
    }
}

fn created(printer: &Printer, files: &[PathBuf]) {
    for f in files {
        printer.info(&format!("created {}", f.display()));
    }
}

fn rank(
    cli: &Cli,
    printer: &Printer,
    use_case: &str,
    format: Format,
    weights: &[(String, f64)],
) -> Result<(), Error> {
    let (site, warnings) = Site::load(&cli.root, &LoadOptions::default())?;
    printer.diagnostics(&cli.root, &warnings);
    let out = rank_report::rank_use_case(&site, use_case, weights, format)?;
    std::io::stdout()
        .lock()
        .write_all(&out.text)
        .map_err(|e| Error::io("write", "standard output", e))?;
    if format != Format::Table
        && let Some(moves) = &out.moves
    {
        printer.info(rank_report::moves_text(moves).trim_start());
    }
    Ok(())
}

fn check(
    cli: &Cli,
    printer: &Printer,
    today: Option<Date>,
    base_url: Option<String>,
) -> Result<(), Error> {
    let options = CheckOptions {
        load: LoadOptions {
            base_url,
            ..LoadOptions::default()
        },
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

/// What `build --record` asks for.
#[derive(Debug, Clone, Copy)]
struct Recording {
    date: Option<Date>,
    force: bool,
}

/// The date a snapshot is recorded under: the one given, or today's.
fn recording_date(date: Option<Date>) -> Result<Date, Error> {
    date.or_else(Date::today).ok_or_else(|| {
        Error::Usage("the system clock gives no date; pass --date YYYY-MM-DD".into())
    })
}

fn build(
    cli: &Cli,
    printer: &Printer,
    output: Option<PathBuf>,
    options: &LoadOptions,
    timings: bool,
    record: Option<Recording>,
) -> Result<(), Error> {
    let started = Instant::now();
    crate::timings::reset();
    let output = output.unwrap_or_else(|| cli.root.join("public"));
    // A folder that is no site fails to load, and does so before anything is made beside
    // the output.
    if !cli.root.join(crate::config::SETTINGS_FILE).is_file() {
        Site::load(&cli.root, options)?;
    }
    printer.detail(&format!("loading {}", cli.root.display()));
    let progress = printer.progress("building the site");
    // The site loads inside `publish`, which meanwhile gets the output folder ready.
    let built = output::publish(&cli.root, &output, |out| {
        let (mut site, warnings) = Site::load(&cli.root, options)?;
        // The pages show the new snapshots, but they are written only once the build has
        // succeeded: a failed build records nothing.
        let recordings = match record {
            Some(r) => snapshot::plan(&site, &[], recording_date(r.date)?, r.force)?,
            None => Vec::new(),
        };
        snapshot::apply(&mut site, &recordings);
        let site = Arc::new(site);
        let summary = site::build(Arc::clone(&site), out)?;
        // The process ends once the summary is printed. Freeing a large site's hundreds of
        // thousands of small allocations one by one would hold the exit up by tens of ms.
        std::mem::forget(site);
        Ok((summary, warnings, recordings))
    })
    .and_then(|(summary, warnings, recordings)| {
        snapshot::write(&cli.root, &recordings)?;
        Ok((summary, warnings, recordings))
    });
    progress.finish_and_clear();
    let (summary, warnings, recordings) = built?;
    printer.diagnostics(&cli.root, &warnings);
    for r in &recordings {
        printer.info(&snapshot::describe(r));
    }
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
