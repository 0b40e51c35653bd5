//! Load time: parse + check of a generated 100,000-node tree, side by side
//! with serde_json deserialising the same tree's syntax (every node, field,
//! expression and span that `syntax::parse` produces) from JSON.
//!
//! The JSON side only rebuilds the syntax tree; the tree language side also
//! resolves names, types every expression and runs the graph checks. The
//! budget is for parse + check to stay within 5x of the JSON load.
//!
//! Run with `cargo bench --bench load`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use guidetree::ast;
use guidetree::check::check_with;
use guidetree::load::MemoryFs;
use guidetree::source::FileId;
use guidetree::syntax;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

const NODES: usize = 100_000;
/// Nodes per repeating block: question, branch, info, input, checklist,
/// score, outcome.
const BLOCK: usize = 7;

/// A tree of `n` nodes (rounded up to whole blocks) that checks clean: every
/// node is reachable and every path ends in an outcome.
fn generate(n: usize) -> String {
    let blocks = n.div_ceil(BLOCK);
    let mut t = String::with_capacity(n * 120);
    t.push_str(
        "tree big \"A generated tree\" {\n  version 1\n  start n0\n  outcomes stop, wait, go\n  source S0 \"Generated\"\n}\n\n",
    );
    t.push_str(
        "var flag: bool = false\nvar count: int = 0\nvar mood: one_of(calm, low, high) = calm\n",
    );
    t.push_str("var picks: set(a, b, c)\nvar name: text = \"friend\"\n\n");
    for b in 0..blocks {
        let i = b * BLOCK;
        let next_block = if b + 1 < blocks { i + BLOCK } else { i + 6 };
        let _ = write!(
            t,
            "question n{i} {{\n  text \"Question {i}, {{name}}?\"\n  help \"Take your time.\"\n  source S0\n  \
             option a \"A ({{count}})\" if not flag {{ set count = count + 1 }} -> n{}\n  \
             option b \"B\" {{ set flag = true set mood = low }} -> n{}\n  \
             option c \"C\" -> n{next_block}\n}}\n\n",
            i + 1,
            i + 2
        );
        let _ = write!(
            t,
            "branch n{} {{\n  when count > 3 and flag -> n{}\n  when mood == low or a in picks -> n{}\n  else -> n{}\n}}\n\n",
            i + 1,
            i + 2,
            i + 3,
            i + 2
        );
        let _ = write!(
            t,
            "info n{} {{\n  text \"Count is {{count}}.\"\n  set count = count * 2 % 100\n  -> n{}\n}}\n\n",
            i + 2,
            i + 3
        );
        let _ = write!(
            t,
            "input n{} {{\n  text \"How many?\"\n  number into count range 0..=100\n  examples 1, 50\n  -> n{}\n}}\n\n",
            i + 3,
            i + 4
        );
        let _ = write!(
            t,
            "checklist n{} {{\n  text \"Pick any\"\n  into picks\n  item a \"A\"\n  item b \"B\" if count > 2\n  item c \"C\"\n  -> n{}\n}}\n\n",
            i + 4,
            i + 5
        );
        let _ = write!(
            t,
            "score n{} {{\n  set mood = high\n  add picks a\n  -> n{}\n}}\n\n",
            i + 5,
            i + 6
        );
        let kind = ["stop", "wait", "go"][b % 3];
        let _ = write!(
            t,
            "outcome n{} {{\n  kind {kind}\n  title \"Outcome {}\"\n  text \"\"\"\n    Done after {{count}} steps.\n  \"\"\"\n  advice \"Rest\", \"Walk\"\n  source S0\n}}\n\n",
            i + 6,
            i + 6
        );
    }
    t.push_str("assert always(flag implies count >= 0) \"counts never go negative\"\nassert reachable(n6)\n");
    t
}

fn load(c: &mut Criterion) {
    let text = generate(NODES);
    let path = Path::new("big.tree");
    let fs = MemoryFs::new().with(path, text.clone());
    match check_with(&fs, path) {
        Ok(checked) => assert!(checked.warnings.is_empty(), "{:?}", checked.warnings),
        Err(failure) => panic!(
            "the generated tree does not check: {:?}",
            failure.diagnostics
        ),
    }
    let ast = syntax::parse(FileId(0), &text).expect("the generated tree parses");
    let json = serde_json::to_string(&ast).expect("the syntax tree serialises");
    println!(
        "{} nodes: tree text {} KiB, JSON {} KiB",
        ast.nodes.len(),
        text.len() / 1024,
        json.len() / 1024
    );

    let mut group = c.benchmark_group("load_100k_nodes");
    group.sample_size(10);
    group.bench_function("tree: parse + check", |b| {
        b.iter_batched(
            || fs.clone(),
            |fs| black_box(check_with(&fs, path).is_ok()),
            BatchSize::LargeInput,
        );
    });
    group.bench_function("tree: parse only", |b| {
        b.iter(|| black_box(syntax::parse(FileId(0), &text).is_ok()));
    });
    group.bench_function("serde_json: same syntax tree", |b| {
        b.iter(|| black_box(serde_json::from_str::<ast::File>(&json).map(|f| f.nodes.len())));
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
