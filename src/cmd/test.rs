//! `guidetree test FILE...`: every assert on every path, and coverage.

use super::paths::{load, ExploreArgs, Format, Progress};
use crate::cli::{EXIT_FAIL, EXIT_OK};
use crate::explore::asserts::{Checker, TestReport, Verdict};
use crate::explore::coverage::{Coverage, Site, Tally};
use crate::explore::{explore, PathView, Visitor};
use crate::model::{Model, NodeKind};
use crate::report::{self, location, source_text};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Tree files to test.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Fail when the overall coverage (nodes, options, both outcomes of
    /// every condition, outcome kinds) is below PCT percent.
    #[arg(long, value_name = "PCT", value_parser = percent)]
    pub fail_under: Option<f64>,
    /// Mutation testing: make small broken copies of the tree and report
    /// which ones no assert catches, with a mutation score.
    #[arg(long)]
    pub mutants: bool,
    /// Format of the `--mutants` report: text or json.
    #[arg(long, value_enum, default_value_t = Format::Text, requires = "mutants")]
    pub format: Format,
    #[command(flatten)]
    pub explore: ExploreArgs,
}

fn percent(s: &str) -> Result<f64, String> {
    let pct: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=100.0).contains(&pct) {
        Ok(pct)
    } else {
        Err(format!("{pct} is not a percentage from 0 to 100"))
    }
}

/// Test every file; exit 1 when any assert fails, any path gets stuck or
/// fails, a tree does not check, or coverage is below `--fail-under`.
///
/// # Errors
/// When writing the report fails.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let mut failed = 0;
    for path in &args.files {
        if !test_file(args, path)? {
            failed += 1;
        }
    }
    let json = args.mutants && args.format == Format::Json;
    if args.files.len() > 1 && !json {
        let verdict = if failed == 0 {
            "ok".to_string()
        } else {
            format!("{failed} failed")
        };
        println!("tested {} files: {verdict}", args.files.len());
    }
    Ok(if failed == 0 { EXIT_OK } else { EXIT_FAIL })
}

/// Test one file and print its report; true when it passed.
fn test_file(args: &Args, path: &Path) -> anyhow::Result<bool> {
    let Some(model) = load(path)? else {
        return Ok(false);
    };
    if args.mutants {
        let (out, passed) = super::mutants::report_file(
            &model,
            path,
            &args.explore.options(),
            args.format,
            args.explore.max_visits,
        );
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(out.as_bytes())?;
        stdout.flush()?;
        return Ok(passed);
    }
    let progress = Progress::new();
    let mut checker = Checker::new(&model);
    let result = explore(&model, &args.explore.options(), &mut |p: &mut PathView<
        '_,
        '_,
    >| {
        progress.tick();
        checker.path(p)
    });
    progress.finish();
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            println!(
                "{}: FAILED: the tree fails before its first step: {e}",
                path.display()
            );
            return Ok(false);
        }
    };
    let report = checker.finish(summary);
    let mut out = String::new();
    let passed = write_report(
        &mut out,
        &model,
        path,
        &report,
        args.fail_under,
        args.explore.max_visits,
    );
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(passed)
}

/// The whole report for one file (explored with `max_visits`); true when
/// it passed, with coverage at least `fail_under` percent when given.
#[must_use]
pub fn write_report(
    out: &mut String,
    model: &Model,
    path: &Path,
    report: &TestReport,
    fail_under: Option<f64>,
    max_visits: u32,
) -> bool {
    let _ = writeln!(
        out,
        "{}: {}",
        path.display(),
        report::paths_summary(&report.summary)
    );
    for (i, verdict) in report.verdicts.iter().enumerate() {
        write_verdict(out, model, i, verdict, &report.summary.coverage);
    }
    write_troubles(out, model, report, max_visits);
    let coverage = &report.summary.coverage;
    let total = coverage.total().percent();
    write_coverage(out, model, coverage);
    let mut passed = report.passed();
    if let Some(min) = fail_under {
        if total < min {
            passed = false;
            let _ = writeln!(
                out,
                "  FAILED  coverage {total:.1}% is below --fail-under {min}%"
            );
        }
    }
    let _ = writeln!(out, "  result: {}", if passed { "ok" } else { "FAILED" });
    passed
}

fn write_verdict(out: &mut String, model: &Model, i: usize, verdict: &Verdict, cov: &Coverage) {
    let text = report::assert_text(model, i);
    let at = location(&model.sources, model.asserts[i].span);
    match verdict {
        Verdict::Held => {
            let _ = writeln!(out, "  ok      {text}");
        }
        Verdict::Failed(cx) => {
            let _ = writeln!(out, "  FAILED  {text}\n          at {at}");
            let paths = if cx.failures == 1 { "path" } else { "paths" };
            let _ = writeln!(
                out,
                "          fails on {} {paths}; the shortest:",
                cx.failures
            );
            if let Some(e) = &cx.error {
                let _ = writeln!(
                    out,
                    "          (evaluating it failed: {e}, at {})",
                    location(&model.sources, e.span)
                );
            }
            report::write_record(out, model, &cx.path, 10);
        }
        Verdict::Unreached(nearest) => {
            let _ = writeln!(out, "  FAILED  {text}\n          at {at}");
            let _ = writeln!(out, "          no path reaches it");
            let why = nearest.as_ref().map_or_else(
                || "no node that paths reach leads to it".to_string(),
                |n| report::explain_nearest(model, n, cov),
            );
            let _ = writeln!(out, "          {why}");
        }
    }
}

/// Stuck and failing paths (failures) and cut paths (a note).
fn write_troubles(out: &mut String, model: &Model, report: &TestReport, max_visits: u32) {
    let s = &report.summary;
    if let Some(p) = &report.stuck {
        let _ = writeln!(
            out,
            "  FAILED  paths stuck at a question with no option shown: {}; the shortest:",
            s.stuck
        );
        report::write_record(out, model, p, 10);
    }
    if let Some(p) = &report.error {
        let _ = writeln!(
            out,
            "  FAILED  paths failing while running: {}; the shortest:",
            s.errors
        );
        report::write_record(out, model, p, 10);
    }
    if let Some(p) = &report.cut {
        let _ = writeln!(
            out,
            "  note    paths cut at the visit limit (--max-visits {max_visits}): {}; asserts are not checked on them; the shortest is {}",
            s.cut, p.id
        );
    }
}

fn write_coverage(out: &mut String, model: &Model, cov: &Coverage) {
    let _ = writeln!(out, "  coverage {:.1}%", cov.total().percent());
    let rows = [
        ("nodes", cov.node_tally()),
        ("options", cov.option_tally()),
        ("conditions", cov.condition_tally()),
        ("outcomes", cov.kind_tally()),
    ];
    for (what, tally) in rows {
        let _ = writeln!(out, "    {what:<10} {}", tally_text(tally));
    }
    for (node, n) in model.nodes.iter().zip(&cov.nodes) {
        if !n {
            let at = location(&model.sources, node.id_span);
            let _ = writeln!(
                out,
                "    never reached: {} `{}` ({at})",
                node.kind.keyword(),
                node.id
            );
        }
    }
    for (node, i) in cov.never_shown() {
        let NodeKind::Question { options } = &model.node(node).kind else {
            continue;
        };
        let o = &options[i];
        let why = o.cond.as_ref().map_or(String::new(), |c| {
            format!(": `{}` is never true", source_text(model, c.span))
        });
        let at = location(&model.sources, o.span);
        let _ = writeln!(
            out,
            "    never shown: option `{}` of `{}`{why} ({at})",
            o.id,
            model.node(node).id
        );
    }
    for c in cov.one_sided() {
        if matches!(c.site, Site::Option { .. }) && !c.seen_true {
            continue; // already listed as never shown
        }
        let never = match (c.seen_true, c.seen_false) {
            (false, false) => "never tested (an earlier arm always matches)",
            (false, true) => "never true",
            _ => "never false",
        };
        let (what, node) = match c.site {
            Site::Option { node, .. } => ("option condition", node),
            Site::Item { node, .. } => ("item condition", node),
            Site::Arm { node, .. } => ("branch arm", node),
        };
        let _ = writeln!(
            out,
            "    {what} `{}` in `{}` is {never} ({})",
            source_text(model, c.span),
            model.node(node).id,
            location(&model.sources, c.span)
        );
    }
    let kinds = &model.domains[crate::model::OUTCOME_KINDS.0 as usize];
    for (kind, reached) in kinds.iter().zip(&cov.kinds) {
        if !reached {
            let _ = writeln!(out, "    outcome kind `{kind}` is never reached");
        }
    }
}

fn tally_text(t: Tally) -> String {
    format!("{:>5}/{:<5} {:5.1}%", t.covered, t.total, t.percent())
}
