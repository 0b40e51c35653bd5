//! The explorer through its public API and the command line: assert
//! failures with counterexamples, coverage, the snapshot report, diffs and
//! hooks. Fixtures live in `tests/fixtures/explore/`; names starting with
//! `err_` are trees whose tests fail.

use crate::common::{guidetree, load, relative};
use guidetree::cmd::diff::render;
use guidetree::cmd::test::write_report;
use guidetree::explore::asserts::{self, Verdict};
use guidetree::explore::diff::{diff, ChangeKind};
use guidetree::explore::{self, Options};
use guidetree::model::{HookError, HookOutput, HookRuntime, Model, Type, Value};
use guidetree::report::write_snapshot;
use guidetree::script::HookErrorKind;
use insta_cmd::assert_cmd_snapshot;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const FIXTURES: &str = "tests/fixtures/explore";

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

/// The `guidetree test` report for a tree, and whether it passed.
fn test_report(path: &Path, model: &Model) -> (String, bool) {
    let report = asserts::check(model, &Options::default()).expect("explores");
    let mut out = String::new();
    let passed = write_report(&mut out, model, path, &report, None);
    (out, passed)
}

#[test]
fn test_reports_of_every_fixture() {
    insta::glob!("fixtures/explore", "*.tree", |path| {
        let path = relative(path);
        let (report, passed) = test_report(&path, &load(&path));
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        assert_eq!(passed, !name.starts_with("err_"), "{report}");
        insta::assert_snapshot!(report);
    });
}

#[test]
fn snapshot_reports_of_every_fixture() {
    insta::glob!("fixtures/explore", "*.tree", |path| {
        let path = relative(path);
        let mut out = Vec::new();
        let model = load(&path);
        assert!(write_snapshot(&mut out, &model, &[], &Options::default()).expect("writes"));
        insta::assert_snapshot!(String::from_utf8_lossy(&out));
    });
}

#[test]
fn a_failed_always_keeps_the_shortest_counterexample() {
    let model = load(&fixture("err_always.tree"));
    let report = asserts::check(&model, &Options::default()).unwrap();
    let Verdict::Failed(cx) = &report.verdicts[0] else {
        panic!("expected a failure: {:?}", report.verdicts[0]);
    };
    // yes > mild > since=N for N in 0, 1, 2, 3, 120; the first is kept.
    assert_eq!(cx.failures, explore::Count::from(5));
    assert_eq!(cx.path.key, "safety=yes > how_bad=mild > since=0");
    assert_eq!(cx.path.id, explore::path_id(&cx.path.key));
    assert!(matches!(report.verdicts[1], Verdict::Failed(_)));
    assert!(report.verdicts[2].held());
    assert!(!report.passed());
}

#[test]
fn a_failed_reachable_names_the_nearest_reached_point() {
    let model = load(&fixture("err_reachable.tree"));
    let report = asserts::check(&model, &Options::default()).unwrap();
    let Verdict::Unreached(Some(nearest)) = &report.verdicts[0] else {
        panic!("expected an unreached node: {:?}", report.verdicts[0]);
    };
    assert_eq!(model.node(nearest.node).id, "door");
    assert_eq!(model.node(nearest.to).id, "hall");
    assert_eq!(nearest.via, explore::asserts::Via::Option(1));
}

#[test]
fn max_visits_bounds_loops_and_cut_paths_are_counted() {
    let model = load(&fixture("loop.tree"));
    let two = explore::count(&model, &Options::default()).unwrap();
    assert_eq!((two.paths, two.outcomes, two.cut), (3, 2, 1));
    let five = explore::count(
        &model,
        &Options {
            max_visits: 5,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!((five.paths, five.outcomes, five.cut), (6, 5, 1));
    // With more visits the assert `tries <= 1` meets a path that breaks it.
    let report = asserts::check(
        &model,
        &Options {
            max_visits: 3,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(!report.verdicts[0].held());
}

#[test]
fn diff_reports_each_change_once_with_a_witness_and_counts() {
    let old = load(&fixture("diff/old.tree"));
    let new = load(&fixture("diff/new.tree"));
    let d = diff(&old, &new, &Options::default()).unwrap();
    let kinds: Vec<ChangeKind> = d.changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ChangeKind::Words,
            ChangeKind::Offered,
            ChangeKind::Leads,
            ChangeKind::Leads
        ]
    );
    let sleepy = &d.changes[3];
    assert_eq!(sleepy.answer.as_deref(), Some("sleepy"));
    assert_eq!(
        (sleepy.old.as_str(), sleepy.new.as_str()),
        ("decide", "tip")
    );
    assert_eq!(sleepy.witness, "hour=morning > mood=sleepy");
    // Morning or evening, then sleepy: 2 paths in each version.
    assert_eq!(sleepy.old_paths, explore::Count::from(2));
    assert_eq!(sleepy.new_paths, explore::Count::from(2));
    let text = render(&d, Path::new("old.tree"), Path::new("new.tree"));
    assert!(text.contains("4 changes"), "{text}");
    assert!(
        text.contains(
            "`mood` = `sleepy` now leads to `tip` (was `decide`) (2 old paths, 2 new paths)"
        ),
        "{text}"
    );
}

#[test]
fn reordering_a_tree_changes_nothing_and_rewording_changes_one_line_each() {
    let old = load(&fixture("diff/old.tree"));
    let reordered = load(&fixture("diff/reordered.tree"));
    let d = diff(&old, &reordered, &Options::default()).unwrap();
    // Reworded: every change is one of words, each reported once.
    assert!(
        d.changes.iter().all(|c| c.kind == ChangeKind::Words),
        "{d:#?}"
    );
    let nodes: Vec<&str> = d.changes.iter().map(|c| c.node.as_str()).collect();
    assert_eq!(nodes, ["coffee", "hour", "mood", "no_coffee"]);
    assert_eq!(d.old_paths, d.new_paths);
    // The same file against itself: nothing at all.
    let same = diff(&old, &old, &Options::default()).unwrap();
    assert!(same.is_empty(), "{same:#?}");
}

#[test]
fn one_edited_sentence_is_one_change_however_many_paths_pass() {
    let old = guidetree::check::check_str(Path::new("a.tree"), &chain_tree("Last question?"))
        .unwrap()
        .model;
    let new =
        guidetree::check::check_str(Path::new("a.tree"), &chain_tree("The very last question?"))
            .unwrap()
            .model;
    let d = diff(&old, &new, &Options::default()).unwrap();
    assert_eq!(d.changes.len(), 1, "{d:#?}");
    let c = &d.changes[0];
    assert_eq!(c.node, "q19");
    assert_eq!(c.old_paths.exact(), Some(1 << 20));
    assert_eq!(c.new, "text: The very last question?");
}

/// Twenty questions in a row (2^20 paths); the last one's text is given.
fn chain_tree(last: &str) -> String {
    let mut src = String::from("tree c \"C\" { start q0 outcomes done }\n");
    for i in 0..20 {
        let next = if i == 19 {
            "end".to_string()
        } else {
            format!("q{}", i + 1)
        };
        let text = if i == 19 {
            last.to_string()
        } else {
            format!("Question {i}?")
        };
        src += &format!(
            "question q{i} {{ text \"{text}\" option a \"A\" -> {next} option b \"B\" -> {next} }}\n"
        );
    }
    src + "outcome end { kind done title \"Done\" }\n"
}

/// Stands in for the compiled script of `hooks/score.tree`: one point per
/// ticked item, with a reason naming it.
#[derive(Debug)]
struct Readiness;

impl HookRuntime for Readiness {
    fn call(
        &self,
        model: &Model,
        name: &str,
        args: &[Value],
        arg_types: &[Type],
        _ret: Type,
    ) -> Result<HookOutput, HookError> {
        let ([Value::Set(bits)], [Type::Set(domain)]) = (args, arg_types) else {
            return Err(HookError::new(name, HookErrorKind::ArgumentMismatch(1)));
        };
        let members = &model.domains[domain.0 as usize];
        let reasons = members
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, m)| format!("{m} counts"))
            .collect();
        Ok(HookOutput {
            value: Value::Int(i64::from(bits.count_ones())),
            reasons,
            log: Vec::new(),
        })
    }
}

#[test]
fn hooks_run_on_every_path_and_their_reasons_are_in_the_snapshot() {
    let path = fixture("hooks/score.tree");
    let mut model = load(&path);
    model.hooks = Some(Arc::new(Readiness));
    let report = asserts::check(&model, &Options::default()).unwrap();
    // A hook sees the whole set, so every subset of the 3 items is tried.
    assert_eq!(report.totals.paths, explore::Count::from(8));
    assert!(report.passed());
    let mut out = Vec::new();
    assert!(write_snapshot(&mut out, &model, &[], &Options::default()).unwrap());
    insta::assert_snapshot!(String::from_utf8_lossy(&out));
}

#[test]
fn without_a_runtime_hook_calls_are_failing_paths() {
    let path = fixture("hooks/score.tree");
    let mut model = load(&path);
    model.hooks = None;
    let summary = explore::count(&model, &Options::default()).unwrap();
    assert_eq!(summary.errors, summary.paths);
}

// ─── The command line ──────────────────────────────────────────────────────

fn cli() -> Command {
    guidetree()
}

/// `test` reports how long exploring took; snapshots hide the figure.
macro_rules! assert_timed_snapshot {
    ($cmd:expr) => {
        insta::with_settings!({filters => vec![(r"time: [0-9.]+ (µs|ms|s)", "time: [time]")]}, {
            assert_cmd_snapshot!($cmd);
        })
    };
}

#[test]
fn cli_paths_lists_every_path() {
    assert_cmd_snapshot!(cli().args(["paths", "tests/fixtures/explore/loop.tree"]));
}

#[test]
fn cli_paths_counts() {
    assert_cmd_snapshot!(cli().args([
        "paths",
        "--count",
        "tests/fixtures/explore/err_always.tree"
    ]));
    assert_cmd_snapshot!(cli().args([
        "paths",
        "--count",
        "--format",
        "json",
        "--max-visits",
        "4",
        "tests/fixtures/explore/loop.tree"
    ]));
}

#[test]
fn cli_paths_json_is_one_document() {
    let out = cli()
        .args([
            "paths",
            "--format",
            "json",
            "tests/fixtures/explore/err_stuck.tree",
        ])
        .output()
        .unwrap();
    // Some paths get stuck or fail: the listing is complete, the exit is 1.
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 of 3 paths get stuck or fail"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tree"], "err_stuck");
    let paths = json["paths"].as_array().unwrap();
    assert_eq!(paths.len(), 3);
    assert_eq!(json["summary"]["stuck"], 1);
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(paths[0]["end"]["kind"], "stuck");
    assert_eq!(paths[0]["key"], "pick=shut");
    assert_eq!(paths[0]["id"], explore::path_id("pick=shut"));
    assert_eq!(paths[2]["end"]["message"], "division by zero");
}

#[test]
fn cli_test_fails_with_counterexamples() {
    assert_timed_snapshot!(cli().args([
        "test",
        "tests/fixtures/explore/err_always.tree",
        "tests/fixtures/explore/loop.tree"
    ]));
}

#[test]
fn cli_test_passes_and_checks_coverage() {
    assert_timed_snapshot!(cli().args(["test", "tests/fixtures/explore/loop.tree"]));
    assert_timed_snapshot!(cli().args([
        "test",
        "--fail-under",
        "100",
        "tests/fixtures/explore/err_reachable.tree"
    ]));
}

#[test]
fn cli_test_max_visits_reaches_deeper() {
    let out = cli()
        .args([
            "test",
            "--max-visits",
            "3",
            "tests/fixtures/explore/loop.tree",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAILED  always(tries <= 1)"), "{stdout}");
}

#[test]
fn cli_snapshot_prints_the_report() {
    assert_cmd_snapshot!(cli().args(["snapshot", "tests/fixtures/explore/loop.tree"]));
}

#[test]
fn cli_diff_text_and_json() {
    assert_cmd_snapshot!(cli().args([
        "diff",
        "tests/fixtures/explore/diff/old.tree",
        "tests/fixtures/explore/diff/new.tree"
    ]));
    let out = cli()
        .args([
            "diff",
            "--format",
            "json",
            "--exit-code",
            "tests/fixtures/explore/diff/old.tree",
            "tests/fixtures/explore/diff/new.tree",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "--exit-code: the versions differ"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 4);
    assert_eq!(changes[2]["kind"], "leads");
    assert_eq!(changes[2]["witness"], "hour=morning > mood=fine");
    assert_eq!(changes[2]["old_paths"], 2);
    assert_eq!(json["old_paths"], 6);
    assert_eq!(json["old_file"], "tests/fixtures/explore/diff/old.tree");
    assert_cmd_snapshot!(cli().args([
        "diff",
        "--stat",
        "tests/fixtures/explore/diff/old.tree",
        "tests/fixtures/explore/diff/new.tree"
    ]));
    let same = cli()
        .args([
            "diff",
            "--exit-code",
            "tests/fixtures/explore/diff/old.tree",
            "tests/fixtures/explore/diff/old.tree",
        ])
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(0));
}

#[test]
fn cli_bad_input_gets_clear_errors() {
    assert_cmd_snapshot!(cli().args(["paths", "tests/fixtures/explore/missing.tree"]));
    assert_cmd_snapshot!(cli().args([
        "paths",
        "--max-visits",
        "0",
        "tests/fixtures/explore/loop.tree"
    ]));
    assert_timed_snapshot!(cli().args([
        "test",
        "--fail-under",
        "150",
        "tests/fixtures/explore/loop.tree"
    ]));
}

#[test]
fn nearest_points_explain_untaken_branch_arms() {
    let src = r#"
tree t "T" { start a outcomes x, y, z }
var n: int = 1
question a { text "A" option go "Go" -> b }
branch b { when n > 0 -> one when n > 5 -> two else -> three }
outcome one { kind x title "1" }
outcome two { kind y title "2" }
outcome three { kind z title "3" }
assert reachable(two)
assert reachable(three)
"#;
    let path = Path::new("arms.tree");
    let model = match guidetree::check::check_str(path, src) {
        Ok(checked) => checked.model,
        Err(failure) => panic!("{:#?}", failure.diagnostics),
    };
    let (report, passed) = test_report(path, &model);
    assert!(!passed);
    assert!(
        report.contains(
            "its arm `when n > 5` (-> two) is never tested: an earlier arm always matches"
        ),
        "{report}"
    );
    assert!(
        report.contains("its `else` (-> three) is never taken: an arm always matches"),
        "{report}"
    );
    assert!(
        report.contains("branch arm `n > 0` in `b` is never false"),
        "{report}"
    );
}

#[test]
fn cli_paths_to_refuses_a_way_an_answers_file_cannot_hold() {
    let tree = format!("{FIXTURES}/loop_to.tree");
    // A way that answers each step once is written as an answers file.
    let out = cli().args(["paths", "--to", "ox", &tree]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let file: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(file, serde_json::json!({"a": "p", "b": "s"}));
    // The only ways to `oy` go round `a` first: an answers file holds one
    // answer a step, so the command says so rather than drop an answer.
    let out = cli().args(["paths", "--to", "oy", &tree]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the shortest way found to `oy` answers `a` twice (a=r > a=q > b=t)"),
        "{err}"
    );
}

#[test]
fn cli_unreached_is_said_of_the_answers_tried_when_exploration_sampled() {
    // x = 4115 reaches `oa`, but x is only sampled: the verdict fails, and
    // says no more than that no value tried reaches it.
    let tree = format!("{FIXTURES}/err_sampled_reach.tree");
    let out = cli().args(["test", &tree]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("SAMPLED"), "{text}");
    assert!(text.contains("no path explored reaches it"), "{text}");
    assert!(
        text.contains("`when y == 12345` (-> oa) was never true on the answers tried"),
        "{text}"
    );
    assert!(!text.contains("no path reaches it"), "{text}");
    let out = cli().args(["paths", "--to", "oa", &tree]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no path explored reaches `oa`"), "{err}");
    // Where exploration is exhaustive, it is a fact.
    let out = cli()
        .args(["test", &format!("{FIXTURES}/err_reachable.tree")])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("no path reaches it"));
}

#[test]
fn cli_a_limited_listing_reports_the_paths_it_lists() {
    let tree = format!("{FIXTURES}/err_stuck.tree");
    // The first path is stuck: listed, counted, and the exit code says so.
    let out = cli()
        .args(["paths", "--limit", "1", "--format", "json", &tree])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["limited"], true);
    assert_eq!(doc["paths"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["summary"]["paths"], 1);
    assert_eq!(doc["summary"]["stuck"], 1);
    assert_eq!(doc["summary"]["errors"], 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 of 1 paths get stuck or fail"), "{err}");
    // Two listed paths: one stuck, one reaching `done`; the failing third
    // is not listed, so not counted.
    let out = cli()
        .args(["paths", "--limit", "2", &tree])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 of 2 paths get stuck or fail"), "{err}");
    // `--limit` is about listing: with a sample it is a usage error.
    let out = cli()
        .args(["paths", "--sample", "5", "--limit", "2", &tree])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}
