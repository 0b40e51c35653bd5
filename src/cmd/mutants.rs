//! `guidetree test --mutants FILE`: the mutation-testing report.
//!
//! The mutants themselves are made and judged in [`crate::mutate`]; this
//! file runs that for one tree and prints the result as text or JSON.

use super::paths::Format;
use crate::explore::Options;
use crate::model::Model;
use crate::mutate::{self, Fate, Kill, MutantResult, Report, Unmutable};
use crate::report::{self, location};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;

/// Mutation-test one tree and render the report; the bool is false when
/// the tree itself fails `test` (then there is nothing to mutate).
#[must_use]
pub fn report_file(
    model: &Model,
    path: &Path,
    options: &Options,
    format: Format,
    max_visits: u32,
) -> (String, bool) {
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
        Ok(report) => {
            let out = match format {
                Format::Text => text(model, path, &report),
                Format::Json => json_text(model, path, &report),
            };
            (out, true)
        }
        Err(Unmutable::Explore(e)) => (
            format!(
                "{}: FAILED: the tree fails before its first step: {e}\n",
                path.display()
            ),
            false,
        ),
        Err(Unmutable::Fails(own)) => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "{}: the tree's own asserts must pass before its mutants can tell anything; its report:",
                path.display()
            );
            let _ = super::test::write_report(&mut out, model, path, &own, None, max_visits);
            (out, false)
        }
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
    let _ = writeln!(
        out,
        "{}: {} mutants: {} killed, {} survived, {} refused by check",
        path.display(),
        report.results.len(),
        report.killed(),
        report.survived(),
        report.invalid()
    );
    let _ = writeln!(
        out,
        "  mutation score {:.1}% ({} of {} mutants that check are killed)",
        report.score(),
        report.killed(),
        report.killed() + report.survived()
    );
    let survivors: Vec<&MutantResult> = report.survivors().collect();
    if !survivors.is_empty() {
        let _ = writeln!(
            out,
            "  survived (a rule no assert states yet, or a change that does not matter):"
        );
        for r in survivors {
            write_mutant(&mut out, model, r);
        }
    }
    let refused: Vec<&MutantResult> = report
        .results
        .iter()
        .filter(|r| matches!(r.fate, Fate::Invalid(_)))
        .collect();
    if !refused.is_empty() {
        let _ = writeln!(out, "  refused by check (not run, not scored):");
        for r in refused {
            write_mutant(&mut out, model, r);
            if let Fate::Invalid(why) = &r.fate {
                let _ = writeln!(out, "        {why}");
            }
        }
    }
    let others = report
        .results
        .iter()
        .filter(|r| matches!(&r.fate, Fate::Killed(k) if k.asserts.is_empty()))
        .count();
    let _ = writeln!(
        out,
        "  mutants killed by each assert (alone or with others):"
    );
    for (i, n) in report
        .kills_per_assert(model.asserts.len())
        .into_iter()
        .enumerate()
    {
        let flag = if n == 0 { "  <- kills none" } else { "" };
        let _ = writeln!(out, "    {n:>5}  {}{flag}", report::assert_text(model, i));
    }
    if others > 0 {
        let _ = writeln!(
            out,
            "    {others:>5}  (no assert: a path gets stuck or fails while running)"
        );
    }
    out
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

/// The JSON report on one line: counts, score, and every mutant with its
/// fate (one line per file, so several files make JSON Lines).
#[must_use]
pub fn json_text(model: &Model, path: &Path, report: &Report) -> String {
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
    let value = json!({
        "file": path.display().to_string(),
        "mutants": report.results.len(),
        "killed": report.killed(),
        "survived": report.survived(),
        "refused": report.invalid(),
        "score": (report.score() * 10.0).round() / 10.0,
        "asserts": kills,
        "results": mutants,
    });
    let mut s = serde_json::to_string(&value).unwrap_or_default();
    s.push('\n');
    s
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
