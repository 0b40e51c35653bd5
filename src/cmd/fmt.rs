//! `guidetree fmt [--check] FILE...`: write trees in the canonical layout.
//!
//! Exit codes: 0 when every file is (or now is) formatted, 1 when `--check`
//! finds a file that is not, or a file cannot be read or parsed (its syntax
//! errors are shown and it is left alone), 2 for usage errors and files
//! that cannot be written. `-` reads a tree from stdin and writes the
//! formatted tree to stdout.

use crate::cli::{EXIT_FAIL, EXIT_OK};
use crate::diag::{self, Palette};
use crate::format::{format_source, FormatError};
use crate::load::{Disk, FileSystem};
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
        write_atomically(path, &formatted)
            .with_context(|| format!("cannot write {}", path.display()))?;
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

/// Replace a file by writing a sibling first and renaming it over, so that
/// a crash never leaves half a tree behind.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    // Through a symbolic link, replace the file it points to, not the link.
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let path = real.as_path();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.fmt-{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
