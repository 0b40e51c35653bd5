//! Mutation testing (`guidetree test --mutants`): the mutations made, the
//! fates reported, the command line, and the project's own trees, whose
//! every assert must catch at least one broken tree.

use guidetree::check::check_path;
use guidetree::cmd::mutants::text;
use guidetree::explore::{self, End, Options, PathView};
use guidetree::model::{Model, NodeKind, Value};
use guidetree::mutate::{self, Change, Fate, Report};
use insta_cmd::get_cargo_bin;
use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::Command;

fn load(path: &str) -> Model {
    match check_path(Path::new(path)) {
        Ok(checked) => checked.model,
        Err(failure) => panic!("{path} does not check: {:#?}", failure.diagnostics),
    }
}

fn run(model: &Model) -> Report {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    match mutate::run(model, &Options::default(), threads, &|| {}) {
        Ok(report) => report,
        Err(e) => panic!("the tree must pass its own test first: {e:?}"),
    }
}

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
    let out = Command::new(get_cargo_bin("guidetree"))
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
    let out = Command::new(get_cargo_bin("guidetree"))
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

/// Every path of a tree that ends in contact although the person must stop
/// (any harm, or not sure about it) or met silence or a "no"; checked
/// directly on the paths, not through the tree's own asserts.
fn toward_contact(model: &Model) -> Option<String> {
    let var = |name: &str| model.find_var(name).expect(name);
    let (toxic, harm, answer) = (var("toxic"), var("harm"), var("silence.answer"));
    let member = |v, m: &str| {
        let guidetree::model::Type::Enum(d) = model.var(v).ty else {
            panic!("not an enum")
        };
        let i = model.domains[d.0 as usize].iter().position(|x| x == m);
        Value::Enum(i.and_then(|i| u32::try_from(i).ok()))
    };
    let unsure = member(harm, "unsure");
    let (no_reply, said_no) = (member(answer, "no_reply"), member(answer, "said_no"));
    let mut found = None;
    let _ = explore::explore(model, &Options::default(), &mut |p: &mut PathView<
        '_,
        '_,
    >| {
        let End::Outcome { node, .. } = p.end() else {
            return ControlFlow::Continue(());
        };
        let end = model.node(*node);
        let contact =
            matches!(end.kind, NodeKind::Outcome { .. }) && end.tags.iter().any(|t| t == "contact");
        let s = p.session();
        let must_stop = s.var(toxic).as_bool() || *s.var(harm) == unsure;
        let refused = *s.var(answer) == no_reply || *s.var(answer) == said_no;
        if contact && (must_stop || refused) {
            found = Some(p.id());
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    found
}

/// The whole mutation run of the flagship tree (with its two includes):
/// every assert kills at least one mutant, and no surviving mutant moves a
/// person who must stop, or who met silence or a "no", toward contact.
/// Thousands of explorations: minutes in a debug build, seconds in a
/// release build, so it runs with `cargo test --release --test mutants`
/// (as `.ci/run` does).
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "thousands of explorations; run with `cargo test --release --test mutants`"
)]
fn reconnect_mutants_all_asserts_kill_and_no_survivor_leads_to_contact() {
    let model = load("trees/reconnect.tree");
    assert_eq!(toward_contact(&model), None, "the tree itself");
    // The check itself can fail: sending "violence: yes" to a contact ending.
    let violence = model.find_node("harm").expect("harm");
    let to_contact = mutate::mutations(&model)
        .into_iter()
        .find(|m| match m.change {
            Change::Retarget { node, to, .. } => {
                node == violence
                    && m.description.contains("option `violence`")
                    && model.node(to).tags.iter().any(|t| t == "contact")
            }
            _ => false,
        })
        .expect("a mutant sending violence to contact");
    assert!(toward_contact(&mutate::apply(&model, &to_contact.change)).is_some());
    let report = run(&model);
    assert!(report.score() > 80.0, "score {:.1}%", report.score());
    for survivor in report.survivors() {
        let mutant = mutate::apply(&model, &survivor.mutation.change);
        if let Some(path) = toward_contact(&mutant) {
            panic!(
                "surviving mutant `{}` leads to contact on path {path}",
                survivor.mutation.description
            );
        }
    }
    let kills = report.kills_per_assert(model.asserts.len());
    let idle: Vec<String> = (0..kills.len())
        .filter(|&i| kills[i] == 0)
        .map(|i| guidetree::report::assert_text(&model, i))
        .collect();
    assert!(idle.is_empty(), "asserts that kill no mutant: {idle:#?}");
}
