//! `guidetree fmt [--check] FILE...`: write trees in the canonical layout.
//!
//! Exit codes: 0 when every file is (or now is) formatted, 1 when `--check`
//! finds a file that is not, or a file cannot be read or parsed (its syntax
//! errors are shown and it is left alone), 2 for usage errors and files
//! that cannot be written. `-` reads a tree from stdin and writes the
//! formatted tree to stdout.

use crate::cmd::{EXIT_FAIL, EXIT_OK};
use crate::diag::{self, Palette};
use crate::format::{format_source, FormatError};
use crate::load::{Disk, FileSystem};
use crate::output;
use crate::source::Sources;
use anyhow::Context as _;
use std::io::{Read as _, Write};
use std::path::{Path, PathBuf};

/// Arguments of `guidetree fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Tree files to format in place (`-` for stdin to stdout).
    #[arg(required = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// Change nothing: show a diff of each file that is not formatted and
    /// exit 1 if there is one.
    #[arg(long)]
    pub check: bool,
}

/// What happened to one file.
enum Outcome {
    Formatted,
    Changed,
    Failed,
}

/// Format (or check) every file; return the exit code.
///
/// # Errors
/// When a formatted file cannot be written, or output cannot be written.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let mut failed = false;
    for path in &args.files {
        let outcome = if path.as_os_str() == "-" {
            stdin(args.check)?
        } else {
            file(path, args.check)?
        };
        failed |= match outcome {
            Outcome::Formatted => false,
            Outcome::Changed => args.check,
            Outcome::Failed => true,
        };
    }
    Ok(if failed { EXIT_FAIL } else { EXIT_OK })
}

fn file(path: &Path, check: bool) -> anyhow::Result<Outcome> {
    let text = match Disk.read(path) {
        Ok(text) => text,
        Err(e) => {
            let mut stderr = anstream::stderr();
            writeln!(stderr, "error: cannot read {}: {e}", path.display())?;
            return Ok(Outcome::Failed);
        }
    };
    let Some(formatted) = format_or_report(path, &text)? else {
        return Ok(Outcome::Failed);
    };
    if formatted == text {
        return Ok(Outcome::Formatted);
    }
    if check {
        let mut stdout = anstream::stdout();
        crate::cmd::closed_is_fine(write!(stdout, "{}", diff(path, &text, &formatted)))?;
    } else {
        write_in_place(path, &formatted)?;
    }
    Ok(Outcome::Changed)
}

fn stdin(check: bool) -> anyhow::Result<Outcome> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read stdin")?;
    let path = Path::new("<stdin>");
    let Some(formatted) = format_or_report(path, &text)? else {
        return Ok(Outcome::Failed);
    };
    let mut stdout = anstream::stdout();
    if check {
        if formatted == text {
            return Ok(Outcome::Formatted);
        }
        crate::cmd::closed_is_fine(write!(stdout, "{}", diff(path, &text, &formatted)))?;
        return Ok(Outcome::Changed);
    }
    crate::cmd::closed_is_fine(write!(stdout, "{formatted}"))?;
    Ok(Outcome::Formatted)
}

/// The formatted text, or `None` after printing why there is none.
fn format_or_report(path: &Path, text: &str) -> anyhow::Result<Option<String>> {
    let mut stderr = anstream::stderr();
    match format_source(text) {
        Ok(formatted) => Ok(Some(formatted)),
        Err(FormatError::Syntax(diags)) => {
            let mut sources = Sources::new();
            sources.add(path.to_path_buf(), text.to_string());
            for d in &diags {
                writeln!(stderr, "{}", diag::render(d, &sources, Palette::colored()))?;
            }
            writeln!(
                stderr,
                "{}: not formatted ({})",
                path.display(),
                diag::summary(&diags)
            )?;
            Ok(None)
        }
        Err(e @ FormatError::Unstable(_)) => {
            writeln!(stderr, "error: {}: {e}", path.display())?;
            Ok(None)
        }
    }
}

/// A unified diff from `old` to `new`, labelled with the path.
#[must_use]
pub fn diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&name, &format!("{name} (formatted)"))
        .to_string()
}

/// Replace a tree file with its formatted text, through the one atomic
/// writer ([`output::write_file`]: flushed to disk, then renamed over), so
/// that a crash never leaves half a tree behind. The file was only read
/// to be rewritten, so it is no protected input here.
fn write_in_place(path: &Path, text: &str) -> Result<(), output::OutputError> {
    // Through a symbolic link, replace the file it points to, not the link.
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let real = match std::fs::canonicalize(path) {
        Ok(real) if is_link => real,
        _ => path.to_path_buf(),
    };
    output::write_file(&real, text.as_bytes(), &output::Inputs::default(), 0o644)
}
