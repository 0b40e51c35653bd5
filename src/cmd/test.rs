//! `guidetree test FILE...`: every assert, decided on the tree's distinct
//! states, with coverage and whether each verdict is a proof.

use super::paths::{ExploreArgs, Format, Progress};
use crate::cmd::load_model;
use crate::cmd::{EXIT_FAIL, EXIT_OK};
use crate::explore::asserts::{self, TestReport, Verdict};
use crate::explore::coverage::{Coverage, Site, Tally};
use crate::explore::Space;
use crate::model::{AssertRule, Model, NodeKind};
use crate::report::{self, location, source_text};
use serde_json::json;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Tree files to test.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Fail when the overall coverage (nodes, options, both outcomes of
    /// every condition, outcome kinds) is below PCT percent.
    #[arg(long, value_name = "PCT", value_parser = percent)]
    pub fail_under: Option<f64>,
    /// Output format: text (a report for people) or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Mutation testing: make small broken copies of the tree and report
    /// which ones no assert catches, with a mutation score.
    #[arg(long)]
    pub mutants: bool,
    #[command(flatten)]
    pub explore: ExploreArgs,
    #[command(flatten)]
    pub load: crate::cmd::LoadArgs,
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
    if args.mutants {
        return super::mutants::run(args);
    }
    let mut failed = 0;
    let mut json_reports = Vec::new();
    for path in &args.files {
        let (passed, json) = test_file(args, path)?;
        if !passed {
            failed += 1;
        }
        json_reports.extend(json);
    }
    let mut stdout = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let all = json!({ "passed": failed == 0, "files": json_reports });
            writeln!(stdout, "{}", serde_json::to_string_pretty(&all)?)?;
        }
        Format::Text if args.files.len() > 1 => {
            let verdict = if failed == 0 {
                "ok".to_string()
            } else {
                format!("{failed} failed")
            };
            writeln!(stdout, "tested {} files: {verdict}", args.files.len())?;
        }
        Format::Text => {}
    }
    stdout.flush()?;
    Ok(if failed == 0 { EXIT_OK } else { EXIT_FAIL })
}

/// Test one file and print its report (text), or return it (json); true
/// when it passed.
fn test_file(args: &Args, path: &Path) -> anyhow::Result<(bool, Option<serde_json::Value>)> {
    let Some(model) = load_model(path, args.load)? else {
        let json = json!({ "file": path.display().to_string(), "passed": false, "error": "the tree does not check" });
        return Ok((false, Some(json)));
    };
    let started = Instant::now();
    let progress = Progress::states();
    let space = Space::explore(&model, &args.explore.options());
    progress.finish();
    let space = match space {
        Ok(space) => space,
        Err(e) => {
            if args.format == Format::Json {
                let json = json!({ "file": path.display().to_string(), "passed": false, "error": e.to_string() });
                return Ok((false, Some(json)));
            }
            println!("{}: FAILED: {e}", path.display());
            return Ok((false, None));
        }
    };
    let report = asserts::report(&model, &space);
    let elapsed = started.elapsed();
    if args.format == Format::Json {
        let (passed, json) = report_json(&model, path, &report, args.fail_under);
        return Ok((passed, Some(json)));
    }
    let mut out = String::new();
    let passed = write_report(&mut out, &model, path, &report, args.fail_under);
    let _ = writeln!(out, "  time: {}", report::duration(elapsed));
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok((passed, None))
}

/// The whole report for one file; true when it passed, with coverage at
/// least `fail_under` percent when given.
#[must_use]
pub fn write_report(
    out: &mut String,
    model: &Model,
    path: &Path,
    report: &TestReport,
    fail_under: Option<f64>,
) -> bool {
    let _ = writeln!(
        out,
        "{}: {}",
        path.display(),
        report::totals_summary(&report.totals)
    );
    let _ = writeln!(
        out,
        "  explored {} distinct state{} ({} answer{} between them)",
        report.totals.states,
        report::plural_usize(report.totals.states),
        report.totals.edges,
        report::plural_usize(report.totals.edges),
    );
    write_proof(out, model, report);
    for (i, verdict) in report.verdicts.iter().enumerate() {
        write_verdict(out, model, i, verdict, report);
    }
    write_troubles(out, model, report);
    let coverage = &report.coverage;
    let total = coverage.total().percent();
    write_coverage(out, model, report);
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

/// Whether the verdicts are proofs, and where exploration only sampled.
fn write_proof(out: &mut String, model: &Model, report: &TestReport) {
    if report.proven() {
        let _ = writeln!(
            out,
            "  every answer that can make a difference was tried: verdicts are proofs"
        );
        return;
    }
    if report.cut.is_some() {
        let _ = writeln!(
            out,
            "  BOUNDED: paths round a loop were cut at --max-visits {}, so verdicts hold on the paths within the limit and are not proofs",
            report.max_visits
        );
    }
    if report.samples.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "  SAMPLED: some answers were only sampled, so verdicts hold on the values tried and are not proofs:"
    );
    for sample in &report.samples {
        let node = model.node(sample.node);
        let _ = writeln!(
            out,
            "    {} `{}` ({}): tried {}; {}",
            node.kind.keyword(),
            node.id,
            location(&model.sources, node.id_span),
            sample.tried,
            sample.why
        );
    }
}

/// The word for a verdict that held: a proof, or only on the values tried.
fn held_word(report: &TestReport) -> &'static str {
    if report.proven() {
        "proven"
    } else {
        "held"
    }
}

fn write_verdict(
    out: &mut String,
    model: &Model,
    i: usize,
    verdict: &Verdict,
    report: &TestReport,
) {
    let text = report::assert_text(model, i);
    let at = location(&model.sources, model.asserts[i].span);
    match verdict {
        Verdict::Held => {
            let word = match model.asserts[i].rule {
                // A path that reaches the node is a proof by itself.
                AssertRule::Reachable(_) => "proven",
                _ => held_word(report),
            };
            let _ = writeln!(out, "  {word:<7} {text}");
        }
        Verdict::Failed(cx) => {
            let _ = writeln!(out, "  FAILED  {text}\n          at {at}");
            let paths = if cx.failures == crate::explore::Count::ONE {
                "path"
            } else {
                "paths"
            };
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
            let _ = writeln!(out, "          {}", report::unreached(report.proven()));
            let why = nearest.as_ref().map_or_else(
                || "no node that paths reach leads to it".to_string(),
                |n| report::explain_nearest(model, n, &report.coverage, report.proven()),
            );
            let _ = writeln!(out, "          {why}");
        }
    }
}

/// Stuck and failing paths (failures) and cut paths (a note).
fn write_troubles(out: &mut String, model: &Model, report: &TestReport) {
    let t = &report.totals;
    if let Some(p) = &report.stuck {
        let _ = writeln!(
            out,
            "  FAILED  paths stuck at a question with no option shown: {}; the shortest:",
            t.stuck
        );
        report::write_record(out, model, p, 10);
    }
    if let Some(p) = &report.error {
        let _ = writeln!(
            out,
            "  FAILED  paths failing while running: {}; the shortest:",
            t.errors
        );
        report::write_record(out, model, p, 10);
    }
    if let Some(p) = &report.cut {
        let _ = writeln!(
            out,
            "  note    paths cut at the visit limit (--max-visits {}): {}; asserts are not checked on them; the shortest is {}",
            report.max_visits, t.cut, p.id
        );
    }
}

fn write_coverage(out: &mut String, model: &Model, report: &TestReport) {
    let cov = &report.coverage;
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
    // Paths that fail while running stop before what follows them: say so
    // rather than blame a condition for what the failure hid.
    if report.error.is_some() {
        let _ = writeln!(
            out,
            "    (some paths fail while running, as shown above, so what follows may be why)"
        );
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
    write_never_shown(out, model, cov);
    let kinds = &model.domains[crate::model::OUTCOME_KINDS.0 as usize];
    for (kind, reached) in kinds.iter().zip(&cov.kinds) {
        if !reached {
            let _ = writeln!(out, "    outcome kind `{kind}` is never reached");
        }
    }
}

fn write_never_shown(out: &mut String, model: &Model, cov: &Coverage) {
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
}

fn tally_text(t: Tally) -> String {
    format!("{:>5}/{:<5} {:5.1}%", t.covered, t.total, t.percent())
}

fn tally_json(t: Tally) -> serde_json::Value {
    json!({ "covered": t.covered, "total": t.total, "percent": t.percent() })
}

/// One file's report as JSON (its shape is `docs/schemas/test.schema.json`); true when it passed.
#[must_use]
pub fn report_json(
    model: &Model,
    path: &Path,
    report: &TestReport,
    fail_under: Option<f64>,
) -> (bool, serde_json::Value) {
    let cov = &report.coverage;
    let total = cov.total().percent();
    let passed = report.passed() && fail_under.map_or(true, |min| total >= min);
    let asserts: Vec<serde_json::Value> = report
        .verdicts
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut entry = json!({
                "assert": report::assert_text(model, i),
                "at": location(&model.sources, model.asserts[i].span),
            });
            match v {
                Verdict::Held => {
                    let proven = report.proven()
                        || matches!(model.asserts[i].rule, AssertRule::Reachable(_));
                    entry["verdict"] = if proven { "proven" } else { "held" }.into();
                }
                Verdict::Failed(cx) => {
                    entry["verdict"] = "failed".into();
                    entry["failing_paths"] = serde_json::to_value(cx.failures).unwrap_or_default();
                    entry["counterexample"] = report::record_json(model, &cx.path);
                    if let Some(e) = &cx.error {
                        entry["error"] = e.to_string().into();
                    }
                }
                Verdict::Unreached(nearest) => {
                    entry["verdict"] = "unreached".into();
                    if let Some(n) = nearest {
                        entry["nearest"] =
                            report::explain_nearest(model, n, cov, report.proven()).into();
                    }
                }
            }
            entry
        })
        .collect();
    let samples: Vec<serde_json::Value> = report
        .samples
        .iter()
        .map(|s| {
            json!({
                "node": model.node(s.node).id,
                "tried": s.tried,
                "why": s.why,
            })
        })
        .collect();
    let trouble =
        |p: &Option<crate::explore::PathRecord>| p.as_ref().map(|p| report::record_json(model, p));
    let json = json!({
        "file": path.display().to_string(),
        "tree": model.id,
        "passed": passed,
        "proven": report.proven(),
        "samples": samples,
        "totals": report::totals_json(&report.totals),
        "asserts": asserts,
        "stuck": trouble(&report.stuck),
        "error": trouble(&report.error),
        "cut": trouble(&report.cut),
        "coverage": {
            "percent": total,
            "nodes": tally_json(cov.node_tally()),
            "options": tally_json(cov.option_tally()),
            "conditions": tally_json(cov.condition_tally()),
            "outcomes": tally_json(cov.kind_tally()),
            "never_reached": model.nodes.iter().zip(&cov.nodes).filter(|(_, r)| !**r).map(|(n, _)| n.id.clone()).collect::<Vec<_>>(),
        },
    });
    (passed, json)
}
