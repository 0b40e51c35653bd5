//! The state explorer on trees whose paths no enumeration could cover.
//!
//! Run with `cargo bench --bench states`. Groups:
//! - `wide`: a generated tree of the shape authors write (33 nodes, three
//!   checklists, a number input, a hook, an include; about 1.6 million
//!   paths): `test`, `snapshot` and `diff` each, with the snapshot's size
//!   printed; and the same on every tree in `trees/` with a million paths
//!   or more, whose `diff` compares the tree with itself (explored once)
//!   and with a copy with one sentence reworded (`diff_reworded`); on
//!   every one, `diff_rerouted` compares with a copy where one answer
//!   leads elsewhere, so both versions are explored;
//! - `chain`: 64 and 100 yes/no questions in a row (2^64 and 2^100 paths),
//!   counted exactly and proven;
//! - `worst`: every answer stays live to the end, so states equal paths:
//!   the state explorer against the path enumerator, per path.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guidetree::check::{check_path, check_with};
use guidetree::explore::{self, asserts, diff, Options, Space};
use guidetree::load::MemoryFs;
use guidetree::model::{Model, NodeKind, TextPart};
use guidetree::report::write_snapshot;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

/// `cargo test --all-targets` runs each benchmark once as a smoke test
/// (without `--bench`); smaller trees keep that quick.
fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// A tree of the shape a new author writes: three checklists, a number
/// input, a hook and an include among 33 nodes. `variant` changes one
/// sentence, for `diff`.
fn wide_tree(variant: bool) -> String {
    let last = if variant {
        "Anything else we should know?"
    } else {
        "Anything else?"
    };
    format!(
        r#"tree wide "A wide tree" {{ start intro outcomes apply, wait, refer, done script "wide.rhai" }}
var role: one_of(student, worker, retired)
var needs: set(money, housing, health, food, work, family)
var worries: set(debt, rent, bills, loans, fines)
var extras: set(car, pet, garden, carer)
var age: int = 0
var score: int = 0
var urgent: bool = false
question intro {{ text "Who are you?" option s "A student" {{ set role = student }} -> needs_q option w "Working" {{ set role = worker }} -> needs_q option r "Retired" {{ set role = retired }} -> needs_q }}
checklist needs_q {{ text "What do you need help with?" into needs item money "Money" item housing "Housing" item health "Health" item food "Food" item work "Work" item family "Family" -> urgency }}
question urgency {{ text "How urgent is it?" option now "Today" {{ set urgent = true }} -> worries_q option soon "This month" -> worries_q option later "No rush" -> worries_q }}
checklist worries_q {{ text "Which of these worry you?" into worries item debt "Debt" item rent "Rent" item bills "Bills" item loans "Loans" item fines "Fines" -> age_q }}
input age_q {{ text "How old are you?" number into age range 0..=120 -> scoring }}
score scoring {{ set score = hook weigh(worries) -> route }}
branch route {{ when urgent and score >= 3 -> refer_now when age < 18 -> young when age >= 66 -> older when housing in needs -> housing_q else -> extras_q }}
question housing_q {{ text "Do you rent?" option yes "Yes" -> extras_q option no "No" -> extras_q }}
question young {{ text "Is a parent or carer with you?" option yes "Yes" -> extras_q option no "No" -> refer_young }}
question older {{ text "Do you get a pension?" option yes "Yes" -> extras_q option no "No" -> extras_q }}
checklist extras_q {{ text "Do any of these apply?" into extras item car "A car" item pet "A pet" item garden "A garden" item carer "You care for someone" -> money_q }}
branch money_q {{ when money in needs and score >= 2 -> benefits when carer in extras -> carers else -> health_q }}
question benefits {{ text "Have you applied for benefits before?" option yes "Yes" -> health_q option no "No" -> health_q }}
question carers {{ text "Do you get a carer's allowance?" option yes "Yes" -> health_q option no "No" -> health_q }}
branch health_q {{ when health in needs -> gp else -> food_q }}
question gp {{ text "Are you registered with a doctor?" option yes "Yes" -> food_q option no "No" -> food_q }}
branch food_q {{ when food in needs -> bank else -> work_q }}
info bank {{ text "A food bank near you can help today." -> work_q }}
branch work_q {{ when work in needs and role == worker -> job else -> family_q }}
question job {{ text "Is your job at risk?" option yes "Yes" -> family_q option no "No" -> family_q }}
branch family_q {{ when family in needs -> family else -> last }}
question family {{ text "Is anyone at home in danger?" option yes "Yes" -> refer_now option no "No" -> last }}
question last {{ text "{last}" option no "No" -> decide option yes "Yes" -> more }}
include "more.tree" as more
branch decide {{ when score >= 4 -> apply_now when urgent -> apply_now when age >= 66 -> wait_older else -> done_now }}
outcome apply_now {{ kind apply title "Apply for support" }}
outcome wait_older {{ kind wait title "Wait for the pension review" }}
outcome refer_now {{ kind refer title "Speak to someone today" }}
outcome refer_young {{ kind refer title "Speak to a youth worker" }}
outcome done_now {{ kind done title "You are all set" }}
assert always(urgent and score >= 3 implies outcome == refer)
assert never(age < 18 and outcome == wait)
assert reachable(refer_young)
"#
    )
}

const WIDE_SCRIPT: &str = "fn weigh(w) { w.len() }\n";
const MORE: &str = r#"tree more "More" { start extra outcomes done }
question extra { text "Tell us more?" option a "About money" -> thanks option b "About home" -> thanks }
outcome thanks { kind done title "Thank you" }
"#;

fn wide(variant: bool) -> Model {
    let fs = MemoryFs::new()
        .with("wide.tree", wide_tree(variant))
        .with("wide.rhai", WIDE_SCRIPT)
        .with("more.tree", MORE);
    match check_with(&fs, Path::new("wide.tree")) {
        Ok(checked) => checked.model,
        Err(failure) => panic!("the wide tree does not check: {:#?}", failure.diagnostics),
    }
}

/// `n` yes/no questions in a row, each read by an assert at the end only
/// through the last answer: 2^n paths, about 2n states.
fn chain(n: usize) -> Model {
    let mut src = String::from(
        "tree chain \"Chain\" { start q0 outcomes yes, no }\nvar last: bool = false\n",
    );
    for i in 0..n {
        let next = if i + 1 == n {
            "end".to_string()
        } else {
            format!("q{}", i + 1)
        };
        let _ = writeln!(
            src,
            "question q{i} {{ text \"Q{i}?\" option y \"Yes\" {{ set last = true }} -> {next} option n \"No\" {{ set last = false }} -> {next} }}"
        );
    }
    src += "branch end { when last -> done_yes else -> done_no }\noutcome done_yes { kind yes title \"Yes\" }\noutcome done_no { kind no title \"No\" }\nassert always(last implies outcome == yes)\n";
    match check_with(&MemoryFs::new().with("c.tree", src), Path::new("c.tree")) {
        Ok(checked) => checked.model,
        Err(failure) => panic!("{:#?}", failure.diagnostics),
    }
}

/// `n` questions, each answer kept in its own variable that the final
/// assert reads: no two paths share a state.
fn worst(n: usize) -> Model {
    let mut src = String::from("tree worst \"Worst\" { start q0 outcomes done }\n");
    for i in 0..n {
        let _ = writeln!(src, "var v{i}: bool = false");
    }
    for i in 0..n {
        let next = if i + 1 == n {
            "end".to_string()
        } else {
            format!("q{}", i + 1)
        };
        let _ = writeln!(
            src,
            "question q{i} {{ text \"Q{i}?\" option y \"Yes\" {{ set v{i} = true }} -> {next} option n \"No\" -> {next} }}"
        );
    }
    let all: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
    let _ = writeln!(src, "outcome end {{ kind done title \"Done\" }}");
    let _ = writeln!(src, "assert always(({}) or true)", all.join(" or "));
    match check_with(&MemoryFs::new().with("w.tree", src), Path::new("w.tree")) {
        Ok(checked) => checked.model,
        Err(failure) => panic!("{:#?}", failure.diagnostics),
    }
}

fn snapshot_bytes(model: &Model) -> usize {
    let mut out = Vec::new();
    assert!(write_snapshot(&mut out, model, &[], &Options::default()).expect("writes"));
    out.len()
}

/// `test`, `snapshot` and `diff` on one tree.
fn three_commands(c: &mut Criterion, name: &str, old: &Model, new: &Model) {
    let options = Options::default();
    let report = asserts::check(old, &options).expect("explores");
    eprintln!(
        "{name}: {} paths, {} states, snapshot {} bytes",
        report.totals.paths,
        report.totals.states,
        snapshot_bytes(old)
    );
    let mut group = c.benchmark_group(format!("wide/{name}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("test", |b| {
        b.iter(|| asserts::check(old, &options).expect("explores"));
    });
    group.bench_function("snapshot", |b| b.iter(|| snapshot_bytes(old)));
    group.bench_function("diff", |b| {
        b.iter(|| diff::diff(old, new, &options).expect("compares"));
    });
    if std::ptr::eq(old, new) {
        // Against itself, a tree is explored once; a reworded copy is a
        // second version that must be explored too.
        let reworded = reworded(old);
        group.bench_function("diff_reworded", |b| {
            b.iter(|| diff::diff(old, &reworded, &options).expect("compares"));
        });
    }
    let rerouted = rerouted(old);
    group.bench_function("diff_rerouted", |b| {
        b.iter(|| diff::diff(old, &rerouted, &options).expect("compares"));
    });
    group.finish();
}

/// The tree with the first option of its first question whose first two
/// options lead to different places sent where the second one leads.
fn rerouted(model: &Model) -> Model {
    let mut new = model.clone();
    let options = new.nodes.iter_mut().find_map(|n| match &mut n.kind {
        NodeKind::Question { options }
            if options.len() > 1 && options[0].next != options[1].next =>
        {
            Some(options)
        }
        _ => None,
    });
    let options = options.expect("a question whose options lead to different places");
    options[0].next = options[1].next;
    new
}

/// The tree with one sentence of its first text changed.
fn reworded(model: &Model) -> Model {
    let mut new = model.clone();
    let part = new
        .nodes
        .iter_mut()
        .filter_map(|n| n.text.as_mut())
        .flat_map(|t| t.parts.iter_mut())
        .find_map(|p| match p {
            TextPart::Lit(lit) => Some(lit),
            TextPart::Var(_) => None,
        });
    if let Some(lit) = part {
        lit.push_str(" (reworded)");
    }
    new
}

fn bench_wide(c: &mut Criterion) {
    let (old, new) = (wide(false), wide(true));
    three_commands(c, "generated", &old, &new);
    if !full() {
        return;
    }
    let trees = Path::new(env!("CARGO_MANIFEST_DIR")).join("trees");
    let mut files: Vec<_> = std::fs::read_dir(trees)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tree"))
        .collect();
    files.sort();
    for file in files {
        let Ok(checked) = check_path(&file) else {
            continue;
        };
        let model = checked.model;
        let Ok(space) = Space::explore(&model, &Options::default()) else {
            continue;
        };
        if space.total_paths().exact().is_some_and(|n| n < 1_000_000) {
            continue;
        }
        let name = file
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        three_commands(c, &name, &model, &model);
    }
}

fn bench_chain(c: &mut Criterion) {
    let mut group = c.benchmark_group("chain");
    group.sample_size(10);
    for n in [64, 100] {
        let model = chain(n);
        let report = asserts::check(&model, &Options::default()).expect("explores");
        assert_eq!(report.totals.paths.exact(), Some(1u128 << n));
        assert!(report.proven() && report.passed());
        group.bench_function(format!("{n}_questions_count_and_prove"), |b| {
            b.iter(|| asserts::check(&model, &Options::default()).expect("explores"));
        });
    }
    group.finish();
}

fn bench_worst(c: &mut Criterion) {
    let n = if full() { 16 } else { 8 };
    let model = worst(n);
    let options = Options::default();
    let mut group = c.benchmark_group("worst");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(1 << n));
    group.bench_function("states", |b| {
        b.iter(|| asserts::check(&model, &options).expect("explores"));
    });
    group.bench_function("paths", |b| {
        b.iter(|| asserts::check_paths(&model, &options).expect("explores"));
    });
    group.bench_function("count_paths", |b| {
        b.iter(|| explore::count(&model, &options).expect("explores"));
    });
    group.finish();
}

criterion_group!(benches, bench_wide, bench_chain, bench_worst);
criterion_main!(benches);
