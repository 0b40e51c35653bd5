//! `guidetree check` against the real binary: exit codes, human and JSON
//! output, files that are not trees, and colour only where it belongs.

use crate::common;
use insta_cmd::assert_cmd_snapshot;
use std::path::Path;
use std::process::Command;

const CLEAN: &str = "tests/fixtures/syntax/complete.tree";
const ERRORS: &str = "tests/fixtures/errors/err_e003_unknown_target.tree";
const WARNINGS: &str = "tests/fixtures/errors/err_w001_unused_variable.tree";

/// The binary, run from the package root (so paths in output are the
/// relative ones given), with colour left to its defaults.
fn guidetree() -> Command {
    let mut cmd = common::guidetree();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn check(args: &[&str]) -> Command {
    let mut cmd = guidetree();
    cmd.arg("check").args(args);
    cmd
}

#[test]
fn clean_file_exits_0() {
    assert_cmd_snapshot!(check(&[CLEAN]));
}

#[test]
fn errors_exit_1_with_every_problem() {
    assert_cmd_snapshot!(check(&[ERRORS]));
}

#[test]
fn warnings_pass_unless_denied() {
    assert_cmd_snapshot!("warnings_allowed", check(&[WARNINGS]));
    assert_cmd_snapshot!("warnings_denied", check(&["--deny-warnings", WARNINGS]));
}

#[test]
fn several_files_are_all_reported() {
    assert_cmd_snapshot!(check(&[CLEAN, ERRORS]));
}

#[test]
fn json_output_is_valid_and_complete() {
    let out = check(&["--format", "json", ERRORS]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let diags = doc["diagnostics"].as_array().expect("a diagnostics array");
    assert_eq!(doc["errors"], diags.len());
    assert_eq!(doc["warnings"], 0);
    for d in diags {
        for key in ["code", "severity", "message", "file", "label"] {
            assert!(d[key].is_string(), "{key} missing in {d}");
        }
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(
                d[key].as_u64().is_some_and(|n| n >= 1),
                "{key} missing in {d}"
            );
        }
        let span = d["span"].as_array().expect("span is [start, end]");
        assert_eq!(span.len(), 2);
        assert!(span[0].as_u64() <= span[1].as_u64());
        assert!(d["help"].is_string() || d["help"].is_null());
        assert_eq!(d["file"], ERRORS);
    }
    assert_eq!(diags[0]["code"], "E003");
    assert_eq!(diags[0]["line"], 8);
    assert_eq!(diags[0]["column"], 23);
    assert_eq!(diags[0]["help"], "did you mean `stop`?");
    assert_cmd_snapshot!(check(&["--format", "json", ERRORS]));
}

#[test]
fn json_output_of_a_clean_file_is_empty() {
    assert_cmd_snapshot!(check(&["--format", "json", CLEAN]));
}

#[test]
fn missing_file_is_reported() {
    assert_cmd_snapshot!(check(&["tests/fixtures/no_such_file.tree"]));
}

#[test]
fn directory_is_reported() {
    assert_cmd_snapshot!(check(&["tests/fixtures"]));
}

#[test]
fn invalid_utf8_is_reported_where_it_starts() {
    assert_cmd_snapshot!(check(&["tests/fixtures/errors/err_e016_not_utf8.tree"]));
}

#[test]
fn empty_file_is_reported() {
    assert_cmd_snapshot!(check(&["tests/fixtures/errors/err_e016_empty.tree"]));
}

#[test]
fn no_arguments_is_a_usage_error() {
    assert_cmd_snapshot!("check_without_files", check(&[]));
    let out = guidetree().output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn no_colour_unless_asked_for() {
    let has_escape = |cmd: &mut Command| {
        let out = cmd.output().expect("runs");
        out.stderr.contains(&0x1b)
    };
    assert!(!has_escape(&mut check(&[ERRORS])), "colour in a pipe");
    assert!(
        !has_escape(check(&[ERRORS]).env("NO_COLOR", "1")),
        "colour despite NO_COLOR"
    );
    assert!(
        !has_escape(guidetree().args(["--color", "never", "check", ERRORS])),
        "colour despite --color never"
    );
    assert!(
        has_escape(guidetree().args(["--color", "always", "check", ERRORS])),
        "--color always gives colour (so the checks above can fail)"
    );
}

#[test]
fn every_shipped_tree_checks_clean() {
    let trees = Path::new(env!("CARGO_MANIFEST_DIR")).join("trees");
    let mut files: Vec<String> = std::fs::read_dir(&trees)
        .expect("trees/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tree"))
        .map(|p| {
            format!(
                "trees/{}",
                p.file_name().unwrap_or_default().to_string_lossy()
            )
        })
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut args = vec!["--deny-warnings"];
    args.extend(files.iter().map(String::as_str));
    let out = check(&args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
