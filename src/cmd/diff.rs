//! `guidetree diff OLD NEW`: two versions of a tree compared path by path.

use super::paths::{load, ExploreArgs, Format};
use crate::cli::{EXIT_FAIL, EXIT_OK};
use crate::explore::diff::{diff, Changed, PathSummary, TreeDiff};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old version of the tree.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new version of the tree.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format: text (a summary for people) or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with 1 when the versions differ (like `git diff --exit-code`).
    #[arg(long)]
    pub exit_code: bool,
    #[command(flatten)]
    pub explore: ExploreArgs,
}

/// Compare the two versions and print the paths added, removed and changed.
///
/// # Errors
/// When writing the output fails.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let (Some(old), Some(new)) = (load(&args.old)?, load(&args.new)?) else {
        return Ok(EXIT_FAIL);
    };
    let d = match diff(&old, &new, &args.explore.options()) {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            return Ok(EXIT_FAIL);
        }
    };
    let text = match args.format {
        Format::Text => render(&d, &args.old, &args.new),
        Format::Json => {
            let mut json = serde_json::to_value(&d)?;
            json["old_file"] = args.old.display().to_string().into();
            json["new_file"] = args.new.display().to_string().into();
            serde_json::to_string_pretty(&json)? + "\n"
        }
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(if args.exit_code && !d.is_empty() {
        EXIT_FAIL
    } else {
        EXIT_OK
    })
}

/// The diff as text for people.
#[must_use]
pub fn render(d: &TreeDiff, old: &Path, new: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "old: {} ({} paths)\nnew: {} ({} paths)",
        old.display(),
        d.old_paths,
        new.display(),
        d.new_paths
    );
    let _ = writeln!(
        out,
        "{} added, {} removed, {} changed, {} unchanged",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.unchanged
    );
    section(&mut out, "added", &d.added);
    section(&mut out, "removed", &d.removed);
    if !d.changed.is_empty() {
        let _ = writeln!(out, "\nchanged:");
        for c in &d.changed {
            changed(&mut out, c);
        }
    }
    out
}

fn section(out: &mut String, title: &str, paths: &[PathSummary]) {
    if paths.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}:");
    for p in paths {
        let _ = writeln!(out, "  {} {} → {}", p.id, key_or_none(&p.key), p.end);
    }
}

fn changed(out: &mut String, c: &Changed) {
    let _ = writeln!(out, "  {} {}", c.new.id, key_or_none(&c.new.key));
    if c.end_changed() {
        let _ = writeln!(out, "    end:   {} → {}", c.old.end, c.new.end);
    }
    if c.route_changed() {
        let _ = writeln!(out, "    route: {}", c.old.route.join(" > "));
        let _ = writeln!(out, "         → {}", c.new.route.join(" > "));
    }
}

fn key_or_none(key: &str) -> &str {
    if key.is_empty() {
        "(no answers)"
    } else {
        key
    }
}
