//! Mutation testing (`guidetree test --mutants`): the mutations made, the
//! fates reported, the command line, and the project's own trees, whose
//! every assert must catch at least one broken tree.

use crate::common::{guidetree, load, mutation_report as run};
use guidetree::cmd::mutants::text;
use guidetree::explore::Options;

use guidetree::mutate::{self, Change, Fate};
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn the_small_tree_report() {
    let path = "tests/fixtures/mutants/small.tree";
    let model = load(path);
    let report = run(&model);
    insta::assert_snapshot!(text(&model, Path::new(path), &report));
}

#[test]
fn every_kind_of_mutation_is_made() {
    let model = load("tests/fixtures/mutants/small.tree");
    let kinds: BTreeSet<&str> = mutate::mutations(&model)
        .iter()
        .map(|m| m.change.name())
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "drop-effect",
            "negate",
            "outcome-kind",
            "remove-option",
            "retarget",
            "swap-arms"
        ]
    );
}

#[test]
fn a_mutant_changes_exactly_one_thing() {
    let model = load("tests/fixtures/mutants/small.tree");
    for m in mutate::mutations(&model) {
        let mutant = mutate::apply(&model, &m.change);
        let changed: Vec<usize> = (0..model.nodes.len())
            .filter(|&i| format!("{:?}", model.nodes[i]) != format!("{:?}", mutant.nodes[i]))
            .collect();
        let node = match m.change {
            Change::Retarget { node, .. }
            | Change::DropEffect { node, .. }
            | Change::Negate { node, .. }
            | Change::SwapArms { node, .. }
            | Change::OutcomeKind { node, .. }
            | Change::RemoveOption { node, .. } => node.index(),
        };
        assert_eq!(changed, [node], "{}", m.description);
    }
}

#[test]
fn a_mutant_the_checker_refuses_is_reported_apart_and_not_scored() {
    let model = load("tests/fixtures/mutants/loop.tree");
    let report = run(&model);
    let refused: Vec<&str> = report
        .results
        .iter()
        .filter_map(|r| match &r.fate {
            Fate::Invalid(why) => Some(why.as_str()),
            _ => None,
        })
        .collect();
    assert!(!refused.is_empty());
    assert!(refused.iter().all(|w| w.contains("E010")), "{refused:?}");
    assert_eq!(
        report.killed() + report.survived() + report.invalid(),
        report.results.len()
    );
    assert!(report.score() < 100.0);
}

#[test]
fn mutants_json_report() {
    let out = guidetree()
        .args([
            "test",
            "--mutants",
            "--format",
            "json",
            "tests/fixtures/mutants/small.tree",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(all["passed"], true);
    let v = &all["files"][0];
    let results = v["results"].as_array().expect("results");
    assert_eq!(v["mutants"].as_u64(), Some(results.len() as u64));
    let survived = results.iter().filter(|r| r["fate"] == "survived").count();
    assert_eq!(v["survived"].as_u64(), Some(survived as u64));
    let first = &results[0];
    for key in ["change", "description", "file", "line", "column", "fate"] {
        assert!(!first[key].is_null(), "{key} missing in {first}");
    }
    assert_eq!(v["asserts"].as_array().map(Vec::len), Some(4));
}

#[test]
fn a_tree_that_fails_its_own_test_is_not_mutated() {
    let out = guidetree()
        .args([
            "test",
            "--mutants",
            "tests/fixtures/mutants/err_fails_first.tree",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("must pass before its mutants"), "{stdout}");
    assert!(stdout.contains("FAILED  always(hurt implies outcome == stop)"));
}

/// Judge mutants in order until every assert has killed one; panics naming
/// the asserts that none of them kill.
fn each_assert_kills_a_mutant(path: &str) {
    let model = mutate::memoised(&load(path));
    let mut open: BTreeSet<usize> = (0..model.asserts.len()).collect();
    for m in mutate::mutations(&model) {
        if let Fate::Killed(kill) = mutate::judge(&model, &m, &Options::default()) {
            for a in kill.asserts {
                open.remove(&a);
            }
        }
        if open.is_empty() {
            return;
        }
    }
    let names: Vec<String> = open
        .iter()
        .map(|&i| guidetree::report::assert_text(&model, i))
        .collect();
    panic!("{path}: no mutant breaks these asserts: {names:#?}");
}

#[test]
fn every_assert_of_red_flags_kills_a_mutant() {
    each_assert_kills_a_mutant("trees/red_flags.tree");
}

#[test]
fn every_assert_of_no_response_kills_a_mutant() {
    each_assert_kills_a_mutant("trees/no_response.tree");
}
