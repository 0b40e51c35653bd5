//! Loading a checked tree for a command: the same loading flags and the same
//! failure report everywhere.

use super::exit::closed_is_fine;
use crate::check::{check_with_options, CheckResult, Checked, Failure};
use crate::diag::{self, Diagnostic, Palette};
use crate::load::{Disk, LoadOptions};
use crate::model::Model;
use crate::source::Sources;
use std::io::Write;
use std::path::Path;

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
    pub fn options(self) -> LoadOptions {
        LoadOptions {
            allow_outside_includes: self.allow_outside_includes,
        }
    }
}

/// Check the tree file at `file` from disk, as the flags say.
///
/// # Errors
/// Every problem found, when at least one is an error.
pub fn check_file(file: &Path, load: LoadArgs) -> CheckResult {
    check_with_options(&Disk, file, load.options())
}

/// Check the tree file at `file` for a command that needs a checked tree.
/// On failure print its diagnostics and `FILE: VERDICT (N errors, ...)` on
/// stderr (see [`report_failure`]) and give `None`.
///
/// # Errors
/// When writing to stderr fails (a closed stderr is no failure).
pub fn load_checked(
    file: &Path,
    load: LoadArgs,
    verdict: &str,
) -> std::io::Result<Option<Checked>> {
    match check_file(file, load) {
        Ok(checked) => Ok(Some(checked)),
        Err(failure) => {
            closed_is_fine(report_failure(file, &failure, verdict))?;
            Ok(None)
        }
    }
}

/// [`load_checked`] with the verdict "failed", for the commands that only
/// need the model (`paths`, `test`, `diff`).
///
/// # Errors
/// When writing to stderr fails.
pub fn load_model(file: &Path, load: LoadArgs) -> std::io::Result<Option<Model>> {
    Ok(load_checked(file, load, "failed")?.map(|checked| checked.model))
}

/// Print every diagnostic of a tree that failed its check on stderr, then
/// one line: `FILE: VERDICT (N errors, M warnings)`. Commands that need a
/// checked tree (`run`, `paths`, `graph`, ...) share it, each with its own
/// verdict ("cannot run this tree", "failed", ...).
///
/// # Errors
/// When writing to stderr fails.
pub fn report_failure(file: &Path, failure: &Failure, verdict: &str) -> std::io::Result<()> {
    report_diagnostics(file, &failure.diagnostics, &failure.sources, verdict)
}

/// Print diagnostics on stderr (coloured on a terminal unless `NO_COLOR`),
/// then `FILE: VERDICT (N errors, M warnings)`.
///
/// # Errors
/// When writing to stderr fails.
pub fn report_diagnostics(
    file: &Path,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    verdict: &str,
) -> std::io::Result<()> {
    let mut stderr = anstream::stderr();
    for d in diagnostics {
        writeln!(stderr, "{}", diag::render(d, sources, Palette::colored()))?;
    }
    writeln!(
        stderr,
        "{}: {verdict} ({})",
        file.display(),
        diag::summary(diagnostics)
    )
}
