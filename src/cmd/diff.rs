//! `guidetree diff OLD NEW`: two versions of a tree compared on their
//! states, each difference reported once with a witness and path counts.

use super::paths::{ExploreArgs, Format};
use crate::cmd::load_model;
use crate::cmd::{EXIT_FAIL, EXIT_OK};
use crate::explore::diff::{diff, Change, ChangeKind, TreeDiff};
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
    /// Output format: text (for people) or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Only the paths per outcome in each version, and how many changes.
    #[arg(long)]
    pub stat: bool,
    /// Exit with 1 when the versions differ (like `git diff --exit-code`).
    #[arg(long)]
    pub exit_code: bool,
    #[command(flatten)]
    pub explore: ExploreArgs,
    #[command(flatten)]
    pub load: crate::cmd::LoadArgs,
}

/// Compare the two versions and print each difference once.
///
/// # Errors
/// When writing the output fails.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let (Some(old), Some(new)) = (
        load_model(&args.old, args.load)?,
        load_model(&args.new, args.load)?,
    ) else {
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
        Format::Text if args.stat => render_stat(&d, &args.old, &args.new),
        Format::Text => render(&d, &args.old, &args.new),
        Format::Json => {
            let mut json = serde_json::to_value(&d)?;
            json["old_file"] = args.old.display().to_string().into();
            json["new_file"] = args.new.display().to_string().into();
            serde_json::to_string_pretty(&json)? + "\n"
        }
    };
    let mut stdout = std::io::stdout().lock();
    crate::cmd::closed_is_fine(
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush()),
    )?;
    Ok(if args.exit_code && !d.is_empty() {
        EXIT_FAIL
    } else {
        EXIT_OK
    })
}

fn header(out: &mut String, d: &TreeDiff, old: &Path, new: &Path) {
    let _ = writeln!(
        out,
        "old: {} ({} paths, {} states)\nnew: {} ({} paths, {} states)",
        old.display(),
        d.old_paths,
        d.old_states,
        new.display(),
        d.new_paths,
        d.new_states
    );
    let n = d.changes.len();
    let _ = writeln!(
        out,
        "{}",
        match n {
            0 => "no change: every state looks the same to a person".to_string(),
            1 => "1 change".to_string(),
            _ => format!("{n} changes"),
        }
    );
}

/// The diff as text for people: each change once.
#[must_use]
pub fn render(d: &TreeDiff, old: &Path, new: &Path) -> String {
    let mut out = String::new();
    header(&mut out, d, old, new);
    for c in &d.changes {
        out.push('\n');
        change(&mut out, c);
    }
    out
}

fn change(out: &mut String, c: &Change) {
    let what = match c.kind {
        ChangeKind::Words => format!("words of `{}` changed", c.node),
        ChangeKind::Values => format!("values shown at `{}` changed", c.node),
        ChangeKind::Offered => format!("options offered at `{}` changed", c.node),
        ChangeKind::Leads => format!(
            "`{}` = `{}` now leads to `{}` (was `{}`)",
            c.node,
            c.answer.as_deref().unwrap_or("?"),
            c.new,
            c.old
        ),
        ChangeKind::Start => format!("the tree now starts at `{}` (was `{}`)", c.new, c.old),
        ChangeKind::Ending => format!("how a run ends at `{}` changed", c.node),
    };
    let _ = writeln!(
        out,
        "{what} ({} old paths, {} new paths)",
        c.old_paths, c.new_paths
    );
    if !matches!(c.kind, ChangeKind::Leads | ChangeKind::Start) {
        for line in c.old.lines() {
            let _ = writeln!(out, "  - {line}");
        }
        for line in c.new.lines() {
            let _ = writeln!(out, "  + {line}");
        }
    }
    let witness = if c.witness.is_empty() {
        "(no answers)"
    } else {
        &c.witness
    };
    let _ = writeln!(out, "  first met at: {witness}");
}

/// `--stat`: paths per outcome in each version, and the number of changes
/// of each kind.
#[must_use]
pub fn render_stat(d: &TreeDiff, old: &Path, new: &Path) -> String {
    let mut out = String::new();
    header(&mut out, d, old, new);
    let width = d
        .outcomes
        .iter()
        .map(|(id, _, _)| id.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    let _ = writeln!(
        out,
        "\n{:width$}  {:>12}  {:>12}",
        "outcome", "old paths", "new paths"
    );
    for (id, a, b) in &d.outcomes {
        let mark = if a == b { "" } else { "  *" };
        let _ = writeln!(
            out,
            "{id:width$}  {:>12}  {:>12}{mark}",
            a.to_string(),
            b.to_string()
        );
    }
    let mut kinds: Vec<(ChangeKind, usize)> = Vec::new();
    for c in &d.changes {
        match kinds.iter_mut().find(|(k, _)| *k == c.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((c.kind, 1)),
        }
    }
    kinds.sort();
    if !kinds.is_empty() {
        let parts: Vec<String> = kinds
            .iter()
            .map(|(k, n)| format!("{n} {}", kind_word(*k)))
            .collect();
        let _ = writeln!(out, "\nchanges: {}", parts.join(", "));
    }
    out
}

fn kind_word(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Words => "in words",
        ChangeKind::Offered => "in options offered",
        ChangeKind::Values => "in values shown",
        ChangeKind::Leads => "in where an answer leads",
        ChangeKind::Start => "in the start",
        ChangeKind::Ending => "in how runs end",
    }
}
