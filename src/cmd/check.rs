//! `guidetree check FILE...`: every problem in every file, at once.
//!
//! Exit codes: 0 when every file is clean (warnings allowed unless
//! `--deny-warnings`), 1 when a tree has errors or a file cannot be read as
//! a tree (missing, a directory, not UTF-8: error E016), 2 for usage errors.

use crate::cmd::{check_file, closed_is_fine, report_diagnostics, LoadArgs, EXIT_FAIL, EXIT_OK};
use crate::diag::{self, Diagnostic};
use crate::source::Sources;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `guidetree check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Tree files to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format: human (rustc-style) or json (for tools).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors (exit 1 when there are any).
    #[arg(long)]
    pub deny_warnings: bool,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// How `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style text on stderr.
    Human,
    /// One JSON document on stdout.
    Json,
}

/// What checking one file found.
struct Report {
    path: PathBuf,
    diagnostics: Vec<Diagnostic>,
    sources: Sources,
}

impl Report {
    fn of(path: &Path, load: LoadArgs) -> Self {
        let (diagnostics, sources) = match check_file(path, load) {
            Ok(checked) => (checked.warnings, checked.model.sources),
            Err(failure) => (failure.diagnostics, failure.sources),
        };
        Self {
            path: path.to_path_buf(),
            diagnostics,
            sources,
        }
    }

    fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    fn failed(&self, deny_warnings: bool) -> bool {
        self.errors() > 0 || (deny_warnings && self.warnings() > 0)
    }
}

/// Check every file; report all problems; return the exit code.
///
/// # Errors
/// Only when writing the report fails.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let reports: Vec<Report> = args
        .files
        .iter()
        .map(|p| Report::of(p, args.load))
        .collect();
    // A reader that stops early must not change the verdict: the exit code
    // below carries it.
    closed_is_fine(match args.format {
        Format::Human => human(&reports, args.deny_warnings),
        Format::Json => json(&reports, args.deny_warnings),
    })?;
    Ok(if reports.iter().any(|r| r.failed(args.deny_warnings)) {
        EXIT_FAIL
    } else {
        EXIT_OK
    })
}

/// rustc-style text on stderr (coloured on a terminal unless `NO_COLOR`),
/// and one verdict line per file.
fn human(reports: &[Report], deny_warnings: bool) -> std::io::Result<()> {
    for report in reports {
        let verdict = match (report.failed(deny_warnings), report.errors()) {
            (false, _) => "ok",
            (true, 0) => "failed (warnings are denied)",
            (true, _) => "failed",
        };
        report_diagnostics(&report.path, &report.diagnostics, &report.sources, verdict)?;
    }
    Ok(())
}

/// The `--format json` document (schema: docs/schemas/check.schema.json).
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    /// `ok` when every file passed.
    status: &'static str,
    /// One entry per file named on the command line, in order.
    files: Vec<JsonFile<'a>>,
    /// Every diagnostic of every file, in order.
    diagnostics: Vec<diag::JsonDiagnostic<'a>>,
    errors: usize,
    warnings: usize,
}

/// One checked file: its verdict and its own diagnostics (including those
/// found in the files it includes).
#[derive(serde::Serialize)]
struct JsonFile<'a> {
    file: String,
    status: &'static str,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<diag::JsonDiagnostic<'a>>,
}

fn diagnostics_of(r: &Report) -> Vec<diag::JsonDiagnostic<'_>> {
    r.diagnostics
        .iter()
        .map(|d| d.to_json(&r.sources))
        .collect()
}

fn status(failed: bool) -> &'static str {
    if failed {
        "failed"
    } else {
        "ok"
    }
}

/// One JSON document on stdout: a verdict per file, and every diagnostic
/// of every file, in order.
fn json(reports: &[Report], deny_warnings: bool) -> std::io::Result<()> {
    let doc = JsonReport {
        status: status(reports.iter().any(|r| r.failed(deny_warnings))),
        files: reports
            .iter()
            .map(|r| JsonFile {
                file: r.path.display().to_string(),
                status: status(r.failed(deny_warnings)),
                errors: r.errors(),
                warnings: r.warnings(),
                diagnostics: diagnostics_of(r),
            })
            .collect(),
        diagnostics: reports.iter().flat_map(diagnostics_of).collect(),
        errors: reports.iter().map(Report::errors).sum(),
        warnings: reports.iter().map(Report::warnings).sum(),
    };
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &doc).map_err(std::io::Error::from)?;
    writeln!(stdout)
}
