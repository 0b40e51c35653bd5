//! One module per subcommand.

pub mod check;
pub mod completions;
pub mod diff;
pub mod fmt;
pub mod graph;
pub mod lsp;
pub mod mutants;
pub mod paths;
pub mod run;
pub mod snapshot;
pub mod test;

/// Flags shared by every command that loads a tree.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct LoadArgs {
    /// Let includes and the hook script be read from outside the root
    /// tree's folder (by `../`, an absolute path or a symbolic link).
    #[arg(long)]
    pub allow_outside_includes: bool,
}

impl LoadArgs {
    /// The loader options these flags ask for.
    #[must_use]
    pub fn options(self) -> crate::load::LoadOptions {
        crate::load::LoadOptions {
            allow_outside_includes: self.allow_outside_includes,
        }
    }
}

/// Treat a closed pipe as the end of the output. The exit code carries the
/// verdict, so a reader that stops early (`guidetree check x.tree 2>&1 |
/// head -1`) must not turn a failed check into a success, nor a success
/// into an error.
///
/// # Errors
/// Every write error other than a broken pipe.
pub fn closed_is_fine(written: std::io::Result<()>) -> std::io::Result<()> {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Print every diagnostic of a tree that failed its check on stderr, then
/// one line: `FILE: VERDICT (N errors, M warnings)`. Commands that need a
/// checked tree (`run`, `paths`, `graph`, ...) share it, each with its own
/// verdict ("cannot run this tree", "failed", ...).
///
/// # Errors
/// When writing to stderr fails.
pub fn report_failure(
    file: &std::path::Path,
    failure: &crate::check::Failure,
    verdict: &str,
) -> std::io::Result<()> {
    use std::io::Write;
    let mut stderr = anstream::stderr();
    for d in &failure.diagnostics {
        writeln!(
            stderr,
            "{}",
            crate::diag::render(d, &failure.sources, crate::diag::Palette::colored())
        )?;
    }
    writeln!(
        stderr,
        "{}: {verdict} ({})",
        file.display(),
        crate::diag::summary(&failure.diagnostics)
    )
}
