//! `guidetree test --mutants FILE`: the mutation-testing report.
//!
//! The mutants themselves are made and judged in [`crate::mutate`]; this
//! file runs that for one tree and prints the result as text or JSON.

use super::paths::Format;
use super::test::Args;
use crate::cmd::{load_model, EXIT_FAIL, EXIT_OK};
use crate::explore::Options;
use crate::model::Model;
use crate::mutate::{self, Fate, Kill, MutantResult, Report, Unmutable};
use crate::report::{self, location};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::Path;

/// `guidetree test --mutants FILE...`: mutation-test every file; exit 1
/// when a tree does not check or fails its own `test`.
///
/// # Errors
/// When writing the report fails.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let mut failed = 0;
    let mut json_reports = Vec::new();
    let mut stdout = std::io::stdout().lock();
    for path in &args.files {
        let (passed, report) = match load_model(path, args.load)? {
            Some(model) => report_file(&model, path, &args.explore.options(), args.format),
            None => (
                false,
                Rendered::Json(error_json(path, "the tree does not check")),
            ),
        };
        failed += usize::from(!passed);
        match report {
            Rendered::Text(text) => {
                stdout.write_all(text.as_bytes())?;
                stdout.flush()?;
            }
            Rendered::Json(value) => json_reports.push(value),
        }
    }
    write_summary(&mut stdout, args, failed, json_reports)?;
    stdout.flush()?;
    Ok(if failed == 0 { EXIT_OK } else { EXIT_FAIL })
}

/// What ends the output: the JSON document of every file, or a verdict
/// line when text covers several files.
fn write_summary(
    out: &mut impl std::io::Write,
    args: &Args,
    failed: usize,
    json_reports: Vec<Value>,
) -> anyhow::Result<()> {
    match args.format {
        Format::Json => {
            let all = json!({ "passed": failed == 0, "files": json_reports });
            writeln!(out, "{}", serde_json::to_string_pretty(&all)?)?;
        }
        Format::Text if args.files.len() > 1 => {
            let verdict = if failed == 0 {
                "ok".to_string()
            } else {
                format!("{failed} failed")
            };
            let n = args.files.len();
            writeln!(out, "mutation-tested {n} files: {verdict}")?;
        }
        Format::Text => {}
    }
    Ok(())
}

fn error_json(path: &Path, error: &str) -> Value {
    json!({ "file": path.display().to_string(), "passed": false, "error": error })
}

/// One file's report, as text to print or a JSON value to collect.
pub enum Rendered {
    Text(String),
    Json(Value),
}

/// Mutation-test one tree and render its report; false when the tree itself
/// fails `test` (then there is nothing to mutate).
#[must_use]
pub fn report_file(
    model: &Model,
    path: &Path,
    options: &Options,
    format: Format,
) -> (bool, Rendered) {
    let total = mutate::mutations(model).len();
    let bar = progress(total);
    let tick = || {
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let result = mutate::run(model, options, threads, &tick);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(report) => (true, render(model, path, &report, format)),
        Err(unmutable) => (false, render_unmutable(model, path, &unmutable, format)),
    }
}

fn render(model: &Model, path: &Path, report: &Report, format: Format) -> Rendered {
    match format {
        Format::Text => Rendered::Text(text(model, path, report)),
        Format::Json => Rendered::Json(json_value(model, path, report)),
    }
}

/// Why a tree could not be mutation-tested.
fn render_unmutable(model: &Model, path: &Path, why: &Unmutable, format: Format) -> Rendered {
    let file = path.display().to_string();
    match (why, format) {
        (Unmutable::Explore(e), Format::Text) => Rendered::Text(format!("{file}: FAILED: {e}\n")),
        (Unmutable::Explore(e), Format::Json) => Rendered::Json(error_json(path, &e.to_string())),
        (Unmutable::Fails(own), Format::Text) => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "{file}: the tree's own asserts must pass before its mutants can tell anything; its report:"
            );
            let _ = super::test::write_report(&mut out, model, path, own, None);
            Rendered::Text(out)
        }
        (Unmutable::Fails(_), Format::Json) => Rendered::Json(error_json(
            path,
            "the tree fails its own test; run `guidetree test` on it first",
        )),
    }
}

fn progress(total: usize) -> Option<ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} mutants ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    })
}

/// The text report: the score, every survivor with its place, the mutants
/// `check` refuses, and how many mutants each assert kills.
#[must_use]
pub fn text(model: &Model, path: &Path, report: &Report) -> String {
    let mut out = String::new();
    write_score(&mut out, path, report);
    write_survivors(&mut out, model, report);
    write_refused(&mut out, model, report);
    write_kills(&mut out, model, report);
    out
}

fn write_score(out: &mut String, path: &Path, report: &Report) {
    let (killed, survived) = (report.killed(), report.survived());
    let _ = writeln!(
        out,
        "{}: {} mutants: {killed} killed, {survived} survived, {} refused by check",
        path.display(),
        report.results.len(),
        report.invalid()
    );
    let _ = writeln!(
        out,
        "  mutation score {:.1}% ({killed} of {} mutants that check are killed)",
        report.score(),
        killed + survived
    );
}

fn write_survivors(out: &mut String, model: &Model, report: &Report) {
    let survivors: Vec<&MutantResult> = report.survivors().collect();
    if !survivors.is_empty() {
        let _ = writeln!(
            out,
            "  survived (a rule no assert states yet, or a change that does not matter):"
        );
        for r in survivors {
            write_mutant(out, model, r);
        }
    }
}

fn write_refused(out: &mut String, model: &Model, report: &Report) {
    let refused = report.results.iter().filter_map(|r| match &r.fate {
        Fate::Invalid(why) => Some((r, why)),
        _ => None,
    });
    for (i, (r, why)) in refused.enumerate() {
        if i == 0 {
            let _ = writeln!(out, "  refused by check (not run, not scored):");
        }
        write_mutant(out, model, r);
        let _ = writeln!(out, "        {why}");
    }
}

/// How many mutants each assert kills, and how many no assert does.
fn write_kills(out: &mut String, model: &Model, report: &Report) {
    let _ = writeln!(
        out,
        "  mutants killed by each assert (alone or with others):"
    );
    let kills = report.kills_per_assert(model.asserts.len());
    for (i, n) in kills.into_iter().enumerate() {
        let flag = if n == 0 { "  <- kills none" } else { "" };
        let _ = writeln!(out, "    {n:>5}  {}{flag}", report::assert_text(model, i));
    }
    let others = report
        .results
        .iter()
        .filter(|r| matches!(&r.fate, Fate::Killed(k) if k.asserts.is_empty()))
        .count();
    if others > 0 {
        let _ = writeln!(
            out,
            "    {others:>5}  (no assert: a path gets stuck or fails while running)"
        );
    }
}

fn write_mutant(out: &mut String, model: &Model, r: &MutantResult) {
    let _ = writeln!(
        out,
        "    {}  {}: {}",
        location(&model.sources, r.mutation.span),
        r.mutation.change.name(),
        r.mutation.description
    );
}

/// The JSON report of one tree: counts, score, every assert with the
/// mutants it kills, and every mutant with its fate.
#[must_use]
pub fn json_value(model: &Model, path: &Path, report: &Report) -> Value {
    let mutants: Vec<Value> = report
        .results
        .iter()
        .map(|r| mutant_json(model, r))
        .collect();
    let kills: Vec<Value> = report
        .kills_per_assert(model.asserts.len())
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            json!({
                "assert": report::assert_text(model, i),
                "location": location(&model.sources, model.asserts[i].span),
                "kills": n,
            })
        })
        .collect();
    json!({
        "file": path.display().to_string(),
        "passed": true,
        "mutants": report.results.len(),
        "killed": report.killed(),
        "survived": report.survived(),
        "refused": report.invalid(),
        "score": (report.score() * 10.0).round() / 10.0,
        "asserts": kills,
        "results": mutants,
    })
}

fn mutant_json(model: &Model, r: &MutantResult) -> Value {
    let file = model.sources.get(r.mutation.span.file);
    let (line, column) = file.line_col(r.mutation.span.start);
    let (fate, detail) = match &r.fate {
        Fate::Killed(Kill {
            asserts,
            stuck,
            error,
        }) => (
            "killed",
            json!({
                "asserts": asserts.iter().map(|&i| report::assert_text(model, i)).collect::<Vec<_>>(),
                "stuck": stuck,
                "error": error,
            }),
        ),
        Fate::Survived => ("survived", Value::Null),
        Fate::Invalid(why) => ("refused", json!(why)),
    };
    json!({
        "change": r.mutation.change.name(),
        "description": r.mutation.description,
        "file": file.path.display().to_string(),
        "line": line,
        "column": column,
        "fate": fate,
        "detail": detail,
    })
}
