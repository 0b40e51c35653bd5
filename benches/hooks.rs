//! The cost of hooks on the hot path: one call through the model's
//! `HookRuntime` (argument mapping, the call on the compiled AST, mapping
//! the result back), and a whole session through `trees/scoring.tree`.
//!
//! `cargo bench --bench hooks`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use guidetree::check::{check_path, check_with};
use guidetree::interp::{Answer, Session};
use guidetree::load::MemoryFs;
use guidetree::model::{Model, NodeKind, Type, Value};
use std::path::Path;

fn scoring() -> Model {
    match check_path(Path::new("trees/scoring.tree")) {
        Ok(c) => c.model,
        Err(f) => panic!("trees/scoring.tree does not check: {:?}", f.diagnostics),
    }
}

/// A tree with a hook that does nothing but return its argument.
fn trivial() -> Model {
    let fs = MemoryFs::new()
        .with(
            "t.tree",
            "tree t \"T\" { start s script \"t.rhai\" outcomes done }\n\
             var n: int = 1\n\
             score s { set n = hook same(n) -> end }\n\
             outcome end { kind done title \"{n}\" }\n",
        )
        .with("t.rhai", "fn same(n) { n }");
    match check_with(&fs, Path::new("t.tree")) {
        Ok(c) => c.model,
        Err(f) => panic!("{:?}", f.diagnostics),
    }
}

fn ty(model: &Model, var: &str) -> Type {
    model.var(model.find_var(var).expect("variable exists")).ty
}

fn one_call(c: &mut Criterion) {
    let model = trivial();
    let hooks = model.hooks.clone().expect("script loaded");
    c.bench_function("hook call: fn same(n) { n }", |b| {
        b.iter(|| {
            hooks
                .call(
                    &model,
                    "same",
                    black_box(&[Value::Int(7)]),
                    &[Type::Int],
                    Type::Int,
                )
                .expect("hook runs")
        });
    });

    let model = scoring();
    let hooks = model.hooks.clone().expect("script loaded");
    let args = [Value::Enum(Some(1)), Value::Int(6), Value::Set(0b00011)];
    let types = [ty(&model, "home"), Type::Int, ty(&model, "ready")];
    c.bench_function("hook call: scoring readiness(home, hours, ready)", |b| {
        b.iter(|| {
            hooks
                .call(&model, "readiness", black_box(&args), &types, Type::Int)
                .expect("hook runs")
        });
    });
}

fn option(model: &Model, node: &str, id: &str) -> usize {
    let node = model.node(model.find_node(node).expect("node exists"));
    match &node.kind {
        NodeKind::Question { options } => options
            .iter()
            .position(|o| o.id == id)
            .expect("option exists"),
        _ => panic!("not a question"),
    }
}

fn whole_session(c: &mut Criterion) {
    let model = scoring();
    let flat = option(&model, "home", "flat");
    c.bench_function(
        "session: scoring.tree start to outcome (2 hook calls)",
        |b| {
            b.iter(|| {
                let mut s = Session::new(&model).expect("starts");
                s.answer(Answer::Choose(flat)).expect("home");
                s.answer(Answer::Number(6)).expect("hours");
                s.answer(Answer::Check(0b00111)).expect("checks");
                assert!(s.is_finished());
                s
            });
        },
    );
}

criterion_group!(benches, one_call, whole_session);
criterion_main!(benches);
