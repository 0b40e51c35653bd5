//! The state explorer against the path enumerator, its oracle: on every
//! tree in `trees/`, every explorer fixture and generated trees (with loops,
//! includes, hooks, checklists and inputs), both must agree on path counts
//! (in total, per outcome kind and per kind of end), on every assert's
//! verdict and on coverage. Then what only states can do: exact counts past
//! what any enumeration reaches, uniform samples, shortest answers to a
//! node, and a clear error at the state limit.

use crate::common::chain_tree;
use guidetree::check::{check_path, check_with};
use guidetree::explore::asserts::{self, Verdict};
use guidetree::explore::sample::Sampler;
use guidetree::explore::space::{Passing, ANSWERS_PER_STATE};
use guidetree::explore::{Count, End, Options, PathView, Space, SpaceError};
use guidetree::interp::Answer;
use guidetree::load::MemoryFs;
use guidetree::model::Model;
use proptest::prelude::*;
use std::fmt::Write as _;
use std::ops::ControlFlow;
use std::path::Path;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// Paths the oracle may enumerate in a test.
const ORACLE_LIMIT: u64 = 2_000_000;

/// Compare the two explorers on one tree; returns the path count.
fn agree(model: &Model, options: &Options, what: &str) -> Count {
    let states = match asserts::check(model, options) {
        Ok(report) => report,
        Err(SpaceError::Start(e)) => {
            let oracle = asserts::check_paths(model, options).map(|_| ());
            assert_eq!(oracle, Err(e), "{what}: both fail before the first step");
            return Count::ZERO;
        }
        Err(e) => panic!("{what}: {e}"),
    };
    let count = states.totals.paths;
    if count.exact().map_or(true, |n| n > u128::from(ORACLE_LIMIT)) {
        return count;
    }
    let paths = asserts::check_paths(model, options).expect("explores");
    let s = &paths.summary;
    assert_eq!(states.totals.paths, Count::from(s.paths), "{what}: paths");
    assert_eq!(
        states.totals.outcomes,
        Count::from(s.outcomes),
        "{what}: outcomes"
    );
    assert_eq!(states.totals.cut, Count::from(s.cut), "{what}: cut");
    assert_eq!(states.totals.stuck, Count::from(s.stuck), "{what}: stuck");
    assert_eq!(
        states.totals.errors,
        Count::from(s.errors),
        "{what}: errors"
    );
    let kinds: Vec<Count> = s.kinds.iter().map(|k| Count::from(*k)).collect();
    assert_eq!(states.totals.kinds, kinds, "{what}: per outcome kind");
    let endings: Vec<Count> = s.endings.iter().map(|k| Count::from(*k)).collect();
    assert_eq!(states.totals.endings, endings, "{what}: per outcome node");
    assert_eq!(states.coverage, s.coverage, "{what}: coverage");
    assert_eq!(states.verdicts.len(), paths.verdicts.len());
    for (i, (a, b)) in states.verdicts.iter().zip(&paths.verdicts).enumerate() {
        match (a, b) {
            (Verdict::Held, Verdict::Held) | (Verdict::Unreached(_), Verdict::Unreached(_)) => {}
            (Verdict::Failed(x), Verdict::Failed(y)) => {
                assert_eq!(x.failures, y.failures, "{what}: assert {i} failing paths");
                assert_eq!(
                    x.path.answers.len(),
                    y.path.answers.len(),
                    "{what}: assert {i}: the counterexample is a shortest one"
                );
            }
            _ => panic!("{what}: assert {i}: states say {a:?}, paths say {b:?}"),
        }
    }
    for (x, y) in [
        (&states.stuck, &paths.stuck),
        (&states.error, &paths.error),
        (&states.cut, &paths.cut),
    ] {
        assert_eq!(
            x.as_ref().map(|p| p.answers.len()),
            y.as_ref().map(|p| p.answers.len()),
            "{what}: shortest troubled path"
        );
    }
    agree_passing(model, options, what);
    count
}

/// Counts of the paths entering a marked node, as the oracle finds them.
#[derive(Debug, Default, PartialEq)]
struct Passed {
    paths: u64,
    /// outcome, cut, stuck, error
    ends: [u64; 4],
    kinds: Vec<u64>,
    nodes: Vec<u64>,
    /// (question, option index) -> paths taking it
    options: std::collections::BTreeMap<(usize, usize), u64>,
}

/// What to mark: every node (so the counts are all paths), each tag of the
/// tree, every third node and one node alone.
fn marks(model: &Model) -> Vec<(String, Vec<bool>)> {
    let n = model.nodes.len();
    let mut out = vec![
        ("every node".to_string(), vec![true; n]),
        (
            "every third node".into(),
            (0..n).map(|i| i % 3 == 1).collect(),
        ),
        ("one node".into(), (0..n).map(|i| i == n / 2).collect()),
    ];
    let mut tags: Vec<&String> = model.nodes.iter().flat_map(|n| &n.tags).collect();
    tags.sort();
    tags.dedup();
    for tag in tags {
        let marked = model.nodes.iter().map(|n| n.tags.contains(tag)).collect();
        out.push((format!("tag {tag}"), marked));
    }
    out
}

/// Counts over the paths entering a marked node (`paths --tag`) agree
/// with the oracle filtering every path, for several markings.
fn agree_passing(model: &Model, options: &Options, what: &str) {
    let Ok(space) = Space::explore(model, options) else {
        return;
    };
    let marks = marks(model);
    let kinds = model.domains[0].len();
    let mut oracle: Vec<Passed> = marks
        .iter()
        .map(|_| Passed {
            kinds: vec![0; kinds],
            nodes: vec![0; model.nodes.len()],
            ..Passed::default()
        })
        .collect();
    let walked = guidetree::explore::explore(model, options, &mut |p: &mut PathView<'_, '_>| {
        let nodes = p.session().path();
        for ((_, marked), found) in marks.iter().zip(&mut oracle) {
            if !nodes.iter().any(|n| marked[n.index()]) {
                continue;
            }
            found.paths += 1;
            let end = match p.end() {
                End::Outcome { kind, .. } => {
                    found.kinds[*kind as usize] += 1;
                    0
                }
                End::Cut { .. } => 1,
                End::Stuck { .. } => 2,
                End::Error { .. } => 3,
            };
            found.ends[end] += 1;
            for n in nodes {
                found.nodes[n.index()] += 1;
            }
            for (node, answer) in p.answers() {
                if let (Answer::Choose(o), true) =
                    (answer, model.node(node).kind.keyword() == "question")
                {
                    *found.options.entry((node.index(), *o)).or_default() += 1;
                }
            }
        }
        ControlFlow::Continue(())
    });
    if walked.is_err() {
        return;
    }
    for ((name, marked), want) in marks.into_iter().zip(oracle) {
        let p = Passing::new(&space, marked);
        let mut ends = [0u64; 4];
        for id in space.ids() {
            let slot = match space.end(id) {
                Some(End::Outcome { .. }) => 0,
                Some(End::Cut { .. }) => 1,
                Some(End::Stuck { .. }) => 2,
                Some(End::Error { .. }) => 3,
                None => continue,
            };
            ends[slot] += exact(p.ending_in(id));
        }
        let mut options = std::collections::BTreeMap::new();
        for (node, counts) in p.per_option(model).iter().enumerate() {
            for (o, c) in counts.iter().enumerate() {
                if !c.is_zero() {
                    options.insert((node, o), exact(*c));
                }
            }
        }
        let got = Passed {
            paths: exact(p.total()),
            ends,
            kinds: p.per_kind(kinds).into_iter().map(exact).collect(),
            nodes: p
                .per_node(model.nodes.len())
                .into_iter()
                .map(exact)
                .collect(),
            options,
        };
        assert_eq!(got, want, "{what}: paths entering {name}");
        if name == "every node" {
            assert_eq!(
                p.per_node(model.nodes.len()),
                space.paths_per_node(model.nodes.len())
            );
            assert_eq!(p.per_option(model), space.paths_per_option(model));
        }
    }
}

fn exact(c: Count) -> u64 {
    u64::try_from(c.exact().expect("fits")).expect("fits")
}

fn tree_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("folder exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tree"))
        .collect();
    files.sort();
    files
}

#[test]
fn states_and_paths_agree_on_every_tree_and_fixture() {
    let mut dirs = vec![
        Path::new(MANIFEST).join("trees"),
        Path::new(MANIFEST).join("tests/fixtures/explore"),
    ];
    dirs.push(Path::new(MANIFEST).join("tests/fixtures/explore/hooks"));
    let mut checked = 0;
    for dir in dirs {
        for file in tree_files(&dir) {
            let Ok(checked_tree) = check_path(&file) else {
                continue;
            };
            let model = checked_tree.model;
            for max_visits in [1, 2, 3] {
                let options = Options {
                    max_visits,
                    ..Options::default()
                };
                agree(
                    &model,
                    &options,
                    &format!("{} (max {max_visits})", file.display()),
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} trees were compared");
}

fn model_of(src: &str) -> Model {
    let fs = MemoryFs::new().with("t.tree", src);
    match check_with(&fs, Path::new("t.tree")) {
        Ok(c) => c.model,
        Err(f) => panic!("{src}\n{:#?}", f.diagnostics),
    }
}

#[test]
fn two_to_the_seventy_paths_are_counted_exactly_and_proven() {
    let model = model_of(&chain_tree(70));
    let report = asserts::check(&model, &Options::default()).unwrap();
    assert_eq!(
        report.totals.paths,
        Count::from(1u64 << 35).times(Count::from(1u64 << 35))
    );
    assert_eq!(report.totals.paths.exact(), Some(1u128 << 70));
    assert_eq!(report.totals.kinds[0].exact(), Some(1u128 << 69));
    assert!(report.proven());
    assert!(report.verdicts.iter().all(Verdict::held));
    assert!(
        report.totals.states < 300,
        "{} states",
        report.totals.states
    );
}

#[test]
fn counts_past_u128_say_so() {
    let model = model_of(&chain_tree(130));
    let report = asserts::check(&model, &Options::default()).unwrap();
    assert_eq!(report.totals.paths.exact(), None);
    assert!(report.totals.paths.to_string().starts_with("more than "));
}

#[test]
fn small_chains_agree_with_the_oracle() {
    for n in [1, 2, 5, 12] {
        let count = agree(
            &model_of(&chain_tree(n)),
            &Options::default(),
            &format!("chain {n}"),
        );
        assert_eq!(count.exact(), Some(1u128 << n));
    }
}

#[test]
fn the_state_limit_names_what_multiplies_the_states() {
    // Every answer is kept to the end, so states equal paths.
    let mut src = String::from("tree wide \"Wide\" { start q0 outcomes done }\n");
    for i in 0..16 {
        let _ = writeln!(src, "var v{i}: bool = false");
    }
    for i in 0..16 {
        let next = if i == 15 {
            "end".to_string()
        } else {
            format!("q{}", i + 1)
        };
        let _ = writeln!(
            src,
            "question q{i} {{ text \"Q{i}\" option y \"Yes\" {{ set v{i} = true }} -> {next} option n \"No\" -> {next} }}"
        );
    }
    let all: Vec<String> = (0..16).map(|i| format!("v{i}")).collect();
    let _ = writeln!(src, "outcome end {{ kind done title \"Done\" }}");
    let _ = writeln!(src, "assert always(({}) or true)", all.join(" or "));
    let model = model_of(&src);
    let options = Options {
        max_states: 1000,
        ..Options::default()
    };
    let err = Space::explore(&model, &options).unwrap_err();
    let SpaceError::TooManyStates { limit, growth } = &err else {
        panic!("{err}");
    };
    assert_eq!(*limit, 1000);
    assert!(!growth.is_empty());
    let message = err.to_string();
    assert!(
        message.contains("more than 1000 distinct states"),
        "{message}"
    );
    assert!(message.contains("variable `v"), "{message}");
    assert!(message.contains("--max-states"), "{message}");
    // With room, every path is its own state and the count is exact.
    let report = asserts::check(&model, &Options::default()).unwrap();
    assert_eq!(report.totals.paths.exact(), Some(1 << 16));
}

#[test]
fn answers_between_states_are_bounded_too() {
    // Arithmetic sees each number, so each of the 1,000 values is its own
    // answer, though they lead to few states.
    let src = r#"tree many "Many" { start q outcomes low, high }
var x: int = 0
var y: int = 0
input q { text "A number?" number into x range 0..=999 -> calc }
score calc { set y = x * 2 -> pick }
branch pick { when y > 1000 -> hi else -> lo }
outcome hi { kind high title "High" }
outcome lo { kind low title "Low" }
"#;
    let model = model_of(src);
    let options = Options {
        max_states: 50,
        ..Options::default()
    };
    let err = Space::explore(&model, &options).unwrap_err();
    let SpaceError::TooManyAnswers {
        limit,
        max_states,
        widest,
    } = &err
    else {
        panic!("{err}");
    };
    assert_eq!((*limit, *max_states), (50 * ANSWERS_PER_STATE, 50));
    assert_eq!(widest, &[("q".to_string(), 1000)]);
    let message = err.to_string();
    assert!(
        message.contains("more than 400 answers between its states"),
        "{message}"
    );
    assert!(message.contains("`q`: 1000 answers"), "{message}");
    assert!(message.contains("--max-states"), "{message}");
    // With room, every value is tried and counted.
    let space = Space::explore(&model, &Options::default()).unwrap();
    assert_eq!(space.total_paths().exact(), Some(1000));
}

#[test]
fn samples_are_uniform_over_paths_and_reproducible() {
    // One answer leads to 1 path, the other to 8: a random walk would pick
    // the lone path half the time; a uniform draw, one time in nine.
    let src = r#"
tree t "T" { start a outcomes lone, many }
question a { text "A" option lone "Lone" -> lone option many "Many" -> b }
question b { text "B" option x "X" -> c option y "Y" -> c }
question c { text "C" option x "X" -> d option y "Y" -> d }
question d { text "D" option x "X" -> many option y "Y" -> many }
outcome lone { kind lone title "Lone" }
outcome many { kind many title "Many" }
"#;
    let model = model_of(src);
    let space = Space::explore(&model, &Options::default()).unwrap();
    assert_eq!(space.total_paths().exact(), Some(9));
    let draw = |seed| {
        let mut sampler = Sampler::new(&space, seed).unwrap();
        (0..9000)
            .map(|_| sampler.draw().0.len())
            .collect::<Vec<_>>()
    };
    let first = draw(7);
    assert_eq!(first, draw(7), "the same seed draws the same paths");
    assert_ne!(first, draw(8));
    let lone = first.iter().filter(|&&len| len == 1).count();
    // Expect 1000; a random walk would give about 4500.
    assert!(
        (850..1150).contains(&lone),
        "{lone} of 9000 draws took the lone path"
    );
}

#[test]
fn hooks_are_memoised() {
    let src = r#"
tree t "T" { start a outcomes done script "t.rhai" }
var n: int = 0
var picks: set(p, q, r)
question a { text "A" option x "X" { set n = 1 } -> c option y "Y" { set n = 1 } -> c }
checklist c { text "C" into picks item p "P" item q "Q" item r "R" -> s }
score s { set n = hook size(picks) -> end }
outcome end { kind done title "{n}" }
"#;
    let fs = MemoryFs::new()
        .with("t.tree", src)
        .with("t.rhai", "fn size(s) { s.len() }");
    let model = check_with(&fs, Path::new("t.tree")).unwrap().model;
    let space = Space::explore(&model, &Options::default()).unwrap();
    // 8 subsets of picks, each called once however many ways lead there.
    assert_eq!(space.hook_calls, 8);
    assert_eq!(space.total_paths().exact(), Some(16));
}

/// One generated node: its source, given the nodes it may lead to.
fn node_source(kind: u8, i: usize, a: usize, b: usize, c: i64, names: &[String]) -> String {
    let (x, y) = (&names[a], &names[b]);
    match kind % 6 {
        0 => format!(
            "question n{i} {{ text \"Q{i} {{k}}\" option a \"A\" if k < {c} {{ set k = k + 1 set f = not f }} -> {x} option b \"B\" -> {y} option c \"C\" if p in picks -> {x} }}"
        ),
        1 => format!(
            "checklist n{i} {{ text \"C{i}\" into picks item p \"P\" item q \"Q\" if f item r \"R\" -> {x} }}"
        ),
        2 => format!("input n{i} {{ text \"I{i}\" number into k range 0..=5 -> {x} }}"),
        3 => format!("branch n{i} {{ when k >= {c} and f -> {x} when count(picks) > 1 -> {y} else -> {x} }}"),
        4 => format!("score n{i} {{ set k = hook bump(k) -> {x} }}"),
        _ => format!("info n{i} {{ text \"Info {i}\" {{ set f = true }} -> {x} }}"),
    }
}

fn generated(kinds: &[(u8, usize, usize, i64)], with_include: bool) -> (MemoryFs, String) {
    let n = kinds.len();
    let mut names: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
    names.push("out_a".into());
    names.push("out_b".into());
    if with_include {
        names.push("sub".into());
    }
    let mut src = String::from(
        "tree g \"G\" { start n0 outcomes a, b script \"g.rhai\" }\nvar k: int = 0\nvar f: bool = false\nvar picks: set(p, q, r)\n",
    );
    for (i, &(kind, a, b, c)) in kinds.iter().enumerate() {
        // Mostly forward, sometimes back (loops), always somewhere.
        let a = (i + 1 + a) % names.len();
        let b = (i + 1 + b) % names.len();
        src += &node_source(kind, i, a, b, c, &names);
        src.push('\n');
    }
    src += "outcome out_a { kind a title \"A {k}\" }\noutcome out_b { kind b title \"B\" }\n";
    if with_include {
        src += "include \"sub.tree\" as sub\n";
    }
    src += "assert always(f implies outcome == a)\nassert never(k > 3 and visited(n0))\nassert reachable(out_b)\n";
    let sub = "tree sub \"Sub\" { start s0 outcomes a }\nquestion s0 { text \"S\" option x \"X\" -> s1 option y \"Y\" -> s1 }\noutcome s1 { kind a title \"S1\" }\n";
    let fs = MemoryFs::new()
        .with("g.tree", src.clone())
        .with("g.rhai", "fn bump(k) { if k > 3 { k - 2 } else { k + 1 } }")
        .with("sub.tree", sub);
    (fs, src)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(200),
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_trees_agree_with_the_oracle(
        kinds in prop::collection::vec((any::<u8>(), 0usize..4, 0usize..6, 0i64..4), 1..9),
        with_include in any::<bool>(),
        max_visits in 1u32..3,
    ) {
        let (fs, src) = generated(&kinds, with_include);
        // Generated trees may not check (unreachable nodes, traps): those
        // say nothing about exploring.
        let Ok(checked) = check_with(&fs, Path::new("g.tree")) else {
            return Ok(());
        };
        let options = Options { max_visits, ..Options::default() };
        agree(&checked.model, &options, &src);
    }
}

/// A small tree with tags: a loop back to the start, and a tag on one
/// branch of it only.
const TAGGED: &str = r#"
tree t "T" { start a outcomes done, help }
var n: int = 0
question a { text "A" tags intro option x "X" -> b option y "Y" -> c option z "Z" -> a }
question b { text "B" tags safety option x "X" -> d option y "Y" -> help_now }
question c { text "C" option x "X" -> d option y "Y" -> d option z "Z" -> a }
branch d { when n > 0 -> help_now else -> done_now }
outcome done_now { kind done title "Done" }
outcome help_now { kind help title "Help" tags safety, support }
"#;

fn guidetree(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_guidetree"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn samples_with_a_tag_draw_only_and_uniformly_from_tagged_paths() {
    let model = model_of(TAGGED);
    let space = Space::explore(&model, &Options::default()).unwrap();
    let marked: Vec<bool> = model
        .nodes
        .iter()
        .map(|n| n.tags.iter().any(|t| t == "safety"))
        .collect();
    let passing = Passing::new(&space, marked.clone());
    let total = passing.total().exact().unwrap();
    assert!(total > 1 && total < space.total_paths().exact().unwrap());
    let mut sampler = Sampler::passing(&space, &passing, 7).unwrap();
    let mut seen = std::collections::BTreeMap::<String, u32>::new();
    let draws = 4000;
    for _ in 0..draws {
        let drawn = sampler.draw_path();
        assert!(drawn.nodes.iter().any(|n| marked[n.index()]), "{drawn:?}");
        let key = guidetree::explore::key_of(&model, drawn.answers.iter().map(|(n, a)| (*n, a)));
        *seen.entry(key).or_default() += 1;
    }
    assert_eq!(seen.len() as u128, total, "every tagged path is drawn");
    let expected = f64::from(draws) / total as f64;
    for (key, n) in &seen {
        assert!(
            (f64::from(*n) - expected).abs() < expected * 0.3,
            "{key}: {n} draws, expected about {expected}"
        );
    }
    // A marking no path enters gives no sampler.
    let none = Passing::new(&space, vec![false; model.nodes.len()]);
    assert!(none.total().is_zero());
    assert!(Sampler::passing(&space, &none, 1).is_none());
}

#[test]
fn cli_paths_tag_filters_listing_counts_and_samples() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.tree"), TAGGED).unwrap();
    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    let all = guidetree(dir.path(), &["paths", "t.tree", "--limit", "0"]);
    let tagged = guidetree(
        dir.path(),
        &["paths", "t.tree", "--tag", "safety", "--limit", "0"],
    );
    assert_eq!(tagged.status.code(), Some(0));
    let listed = text(&tagged).lines().count();
    assert!(listed > 0 && listed < text(&all).lines().count());
    let stderr = String::from_utf8_lossy(&tagged.stderr);
    assert!(
        stderr.contains(&format!("{listed} enter a node tagged `safety`")),
        "{stderr}"
    );
    let count = guidetree(
        dir.path(),
        &["paths", "t.tree", "--tag", "safety", "--count"],
    );
    assert_eq!(text(&count).trim(), listed.to_string());
    let json = guidetree(
        dir.path(),
        &[
            "paths", "t.tree", "--tag", "safety", "--format", "json", "--limit", "0",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["tag"], "safety");
    let paths = json["paths"].as_array().unwrap();
    assert_eq!(paths.len(), listed);
    for p in paths {
        let tags: Vec<&str> = p["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(tags.contains(&"safety"), "{p}");
        assert_eq!(tags[0], "intro", "tags in the order met: {p}");
    }
    let counts = guidetree(
        dir.path(),
        &[
            "paths", "t.tree", "--tag", "support", "--count", "--format", "json",
        ],
    );
    let counts: serde_json::Value = serde_json::from_slice(&counts.stdout).unwrap();
    assert_eq!(counts["tag"], "support");
    assert_eq!(counts["paths"], counts["per_outcome_kind"]["help"]);
    assert_eq!(counts["per_outcome_kind"]["done"], 0);
    let sample = guidetree(
        dir.path(),
        &[
            "paths", "t.tree", "--tag", "safety", "--sample", "5", "--seed", "2", "--format",
            "json",
        ],
    );
    let sample: serde_json::Value = serde_json::from_slice(&sample.stdout).unwrap();
    for p in sample["paths"].as_array().unwrap() {
        assert!(
            p["tags"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("safety")),
            "{p}"
        );
    }
    let unknown = guidetree(
        dir.path(),
        &["paths", "t.tree", "--tag", "saftey", "--count"],
    );
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("no node has the tag `saftey`; did you mean `safety`?"),
        "{stderr}"
    );
}
