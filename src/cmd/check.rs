//! `guidetree check FILE...`

use crate::check::check_with_options;
use crate::cli::{EXIT_FAIL, EXIT_OK};
use crate::cmd::closed_is_fine;
use crate::diag::{self, Diagnostic, Palette};
use crate::load::Disk;
use crate::source::Sources;
use std::io::Write;
use std::path::PathBuf;

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
    pub load: crate::cmd::LoadArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Check every file; report all problems; exit 1 on errors (or warnings
/// with `--deny-warnings`).
///
/// # Errors
/// Only when writing the report fails.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let mut failed = false;
    let mut json = Vec::new();
    let mut stderr = anstream::stderr();
    let (mut errors, mut warnings) = (0, 0);
    for path in &args.files {
        let (diags, sources) = match check_with_options(&Disk, path, args.load.options()) {
            Ok(checked) => (checked.warnings, checked.model.sources),
            Err(failure) => (failure.diagnostics, failure.sources),
        };
        let file_errors = diags.iter().filter(|d| d.is_error()).count();
        errors += file_errors;
        warnings += diags.len() - file_errors;
        failed |= file_errors > 0 || (args.deny_warnings && !diags.is_empty());
        match args.format {
            Format::Json => json.extend(
                diags
                    .iter()
                    .map(|d| serde_json::to_value(d.to_json(&sources))),
            ),
            Format::Human => closed_is_fine(report(&mut stderr, path, &diags, &sources))?,
        }
    }
    match args.format {
        Format::Json => {
            let diagnostics = json.into_iter().collect::<Result<Vec<_>, _>>()?;
            let out = serde_json::json!({
                "diagnostics": diagnostics,
                "errors": errors,
                "warnings": warnings,
            });
            let mut stdout = std::io::stdout().lock();
            let written = serde_json::to_writer_pretty(&mut stdout, &out)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(stdout));
            closed_is_fine(written)?;
        }
        Format::Human if args.files.len() > 1 => {
            let verdict = if failed { "failed" } else { "ok" };
            closed_is_fine(writeln!(
                stderr,
                "checked {} files: {verdict}",
                args.files.len()
            ))?;
        }
        Format::Human => {}
    }
    Ok(if failed { EXIT_FAIL } else { EXIT_OK })
}

fn report(
    out: &mut impl Write,
    path: &std::path::Path,
    diags: &[Diagnostic],
    sources: &Sources,
) -> std::io::Result<()> {
    for d in diags {
        writeln!(out, "{}", diag::render(d, sources, Palette::colored()))?;
    }
    let verdict = if diags.iter().any(Diagnostic::is_error) {
        "failed"
    } else {
        "ok"
    };
    writeln!(
        out,
        "{}: {verdict} ({})",
        path.display(),
        diag::summary(diags)
    )?;
    Ok(())
}
