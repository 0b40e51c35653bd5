//! `guidetree paths FILE`: every path through a tree, with its answers and
//! how it ends.

use crate::check::check_path;
use crate::cli::{EXIT_FAIL, EXIT_OK};
use crate::explore::{self, End, Options, PathView, Summary, DEFAULT_MAX_VISITS};
use crate::model::Model;
use crate::report;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::cell::Cell;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tree file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output format: text (one line per path) or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Only count the paths.
    #[arg(long)]
    pub count: bool,
    #[command(flatten)]
    pub explore: ExploreArgs,
}

/// Exploration settings shared by `paths`, `test`, `snapshot` and `diff`.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ExploreArgs {
    /// How many times one path may stop at the same node; a path that would
    /// arrive once more is reported as cut.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_VISITS, value_parser = visits)]
    pub max_visits: u32,
}

/// Most visits `--max-visits` allows: each visit more can multiply the
/// paths through a loop, and 4,294,967,295 aborted the process.
pub const MAX_VISITS: u32 = 64;

fn visits(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(0) => Err("a path must be allowed at least 1 visit to each node".into()),
        Ok(n) if n > MAX_VISITS => Err(format!(
            "at most {MAX_VISITS} visits to one node are allowed (each one more can multiply the paths)"
        )),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{s}` is not a whole number of visits")),
    }
}

impl ExploreArgs {
    /// The explorer's options.
    #[must_use]
    pub fn options(self) -> Options {
        Options {
            max_visits: self.max_visits,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// List (or count) every path.
///
/// # Errors
/// When writing the output fails.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let Some(model) = load(&args.file)? else {
        return Ok(EXIT_FAIL);
    };
    let options = args.explore.options();
    let mut out = BufWriter::new(io::stdout().lock());
    let progress = Progress::new();
    let result = if args.count {
        let summary = explore::explore(&model, &options, &mut |_: &mut PathView<'_, '_>| {
            progress.tick();
            ControlFlow::Continue(())
        });
        progress.finish();
        summary.map(|s| write_count(&mut out, &s, args.format))
    } else {
        list(&mut out, &model, &options, args.format, &progress)
    };
    match result {
        Ok(written) => {
            written?;
            out.flush()?;
            Ok(EXIT_OK)
        }
        Err(e) => {
            drop(out);
            // A closed stderr must not turn this into a panic.
            let _ = writeln!(
                std::io::stderr(),
                "error: {}: the tree fails before its first step: {e}",
                args.file.display()
            );
            Ok(EXIT_FAIL)
        }
    }
}

/// Check a tree file. On failure, print its diagnostics to stderr and
/// return `None`.
///
/// # Errors
/// When writing to stderr fails.
pub fn load(path: &Path) -> anyhow::Result<Option<Model>> {
    match check_path(path) {
        Ok(checked) => Ok(Some(checked.model)),
        Err(failure) => {
            crate::cmd::report_failure(path, &failure, "failed")?;
            Ok(None)
        }
    }
}

fn write_count(out: &mut impl Write, s: &Summary, format: Format) -> io::Result<()> {
    match format {
        Format::Text => writeln!(out, "{}", s.paths),
        Format::Json => writeln!(out, "{}", summary_json(s)),
    }
}

fn summary_json(s: &Summary) -> serde_json::Value {
    json!({
        "paths": s.paths,
        "outcomes": s.outcomes,
        "cut": s.cut,
        "stuck": s.stuck,
        "errors": s.errors,
        "steps": s.steps,
    })
}

/// Stream every path to `out`; returns the write result, or the
/// exploration's start failure.
fn list(
    out: &mut impl Write,
    model: &Model,
    options: &Options,
    format: Format,
    progress: &Progress,
) -> Result<io::Result<()>, crate::interp::AnswerError> {
    let mut written = Ok(());
    let mut first = true;
    if format == Format::Json {
        written = write!(out, "{{\"tree\":{},\"paths\":[", json!(model.id));
    }
    let summary = explore::explore(model, options, &mut |p: &mut PathView<'_, '_>| {
        progress.tick();
        written = match format {
            Format::Text => writeln!(out, "{}", path_line(p)),
            Format::Json => {
                let sep = if first { "\n" } else { ",\n" };
                first = false;
                write!(out, "{sep}{}", path_json(p))
            }
        };
        if written.is_ok() {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    });
    progress.finish();
    let summary = summary?;
    if written.is_ok() {
        written = match format {
            Format::Text => {
                // A closed or full stderr loses the summary, nothing else.
                let _ = writeln!(std::io::stderr(), "{}", report::paths_summary(&summary));
                Ok(())
            }
            Format::Json => writeln!(out, "\n],\"summary\":{}}}", summary_json(&summary)),
        };
    }
    Ok(written)
}

/// `p1a2b3c4d how_tired=very > feeling=calm → rest_break (rest)`
fn path_line(p: &PathView<'_, '_>) -> String {
    let key = if p.key().is_empty() {
        "(no answers)"
    } else {
        p.key()
    };
    format!("{} {key} → {}", p.id(), p.end().describe(p.model()))
}

/// One path as JSON: id, key, answers, nodes entered and how it ended.
#[must_use]
pub fn path_json(p: &PathView<'_, '_>) -> serde_json::Value {
    let model = p.model();
    let answers: Vec<_> = p
        .answers()
        .map(|(node, answer)| {
            json!({
                "node": model.node(node).id,
                "answer": explore::answer_text(model, node, answer),
            })
        })
        .collect();
    let nodes: Vec<&str> = p
        .session()
        .path()
        .iter()
        .map(|n| model.node(*n).id.as_str())
        .collect();
    json!({
        "id": p.id(),
        "key": p.key(),
        "answers": answers,
        "nodes": nodes,
        "end": end_json(model, p.end()),
    })
}

fn end_json(model: &Model, end: &End) -> serde_json::Value {
    let node = &model.node(end.node()).id;
    match end {
        End::Outcome { kind, .. } => {
            json!({"kind": "outcome", "node": node, "outcome": model.kind_name(*kind)})
        }
        End::Error { error, .. } => {
            json!({"kind": "error", "node": node, "message": error.to_string()})
        }
        _ => json!({"kind": end.word(), "node": node}),
    }
}

/// A spinner on stderr counting paths, shown only when stderr is a
/// terminal.
pub struct Progress {
    bar: Option<ProgressBar>,
    paths: Cell<u64>,
}

impl Progress {
    /// How many paths pass between two updates of the spinner.
    const EVERY: u64 = 1024;

    #[must_use]
    pub fn new() -> Self {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {human_pos} paths ({per_sec})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        });
        Progress {
            bar,
            paths: Cell::new(0),
        }
    }

    /// Count one path.
    pub fn tick(&self) {
        let Some(bar) = &self.bar else { return };
        let paths = self.paths.get() + 1;
        self.paths.set(paths);
        if paths % Self::EVERY == 0 {
            bar.set_position(paths);
        }
    }

    /// Remove the spinner.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}
