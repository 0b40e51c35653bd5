//! Exploration throughput on generated trees of about a million paths.
//!
//! Run with `cargo bench --bench explore`. Throughput is in path steps
//! (answers given while exploring, shared prefixes counted once) per
//! second; the budget is at least 2 million per second without hooks.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guidetree::check::check_with;
use guidetree::explore::{self, Options};
use guidetree::load::MemoryFs;
use guidetree::model::{HookError, HookOutput, HookRuntime, Model, Type, Value};
use guidetree::script::HookErrorKind;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Questions in the chain: 2^20 = 1,048,576 paths.
const DEPTH: usize = 20;

/// `cargo test --all-targets` runs each benchmark once as a smoke test
/// (without `--bench`); a smaller tree keeps that quick.
const SMOKE_DEPTH: usize = 10;

fn depth() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        DEPTH
    } else {
        SMOKE_DEPTH
    }
}

/// A chain of yes/no questions with effects, a condition on every other
/// question, and (optionally) a score calling a hook on every path.
fn tree(depth: usize, with_hook: bool) -> String {
    let mut src = String::from("tree bench \"Bench\" { start q0 outcomes low, high");
    if with_hook {
        src += " script \"bench.rhai\"";
    }
    src += " }\nvar n: int = 0\nvar flag: bool = false\n";
    for i in 0..depth {
        let next = if i + 1 == depth {
            "s".to_string()
        } else {
            format!("q{}", i + 1)
        };
        let cond = if i % 2 == 1 { " if n >= 0" } else { "" };
        let _ = writeln!(
            src,
            "question q{i} {{ text \"Question {i}?\" \
             option yes \"Yes\"{cond} {{ set n = n + 1 set flag = not flag }} -> {next} \
             option no \"No\" -> {next} }}"
        );
    }
    let score = if with_hook {
        "set n = hook bump(n)"
    } else {
        "set n = n * 2"
    };
    let _ = writeln!(
        src,
        "score s {{ {score} -> pick }}\n\
         branch pick {{ when n > {depth} -> high else -> low }}\n\
         outcome low {{ kind low title \"Low {{n}}\" }}\n\
         outcome high {{ kind high title \"High {{n}}\" }}"
    );
    src
}

/// A hook runtime standing in for a compiled script: `bump(n)` = n + 1,
/// with a reason, like a small Rhai function would return.
#[derive(Debug)]
struct Bump;

impl HookRuntime for Bump {
    fn call(
        &self,
        _model: &Model,
        name: &str,
        args: &[Value],
        _arg_types: &[Type],
        _ret: Type,
    ) -> Result<HookOutput, HookError> {
        let Some(Value::Int(n)) = args.first() else {
            return Err(HookError::new(name, HookErrorKind::ArgumentMismatch(1)));
        };
        Ok(HookOutput {
            value: Value::Int(n + 1),
            reasons: vec!["bumped".into()],
            log: Vec::new(),
        })
    }
}

fn model(depth: usize, with_hook: bool) -> Model {
    let fs = MemoryFs::new()
        .with("bench.tree", tree(depth, with_hook))
        .with("bench.rhai", "fn bump(n) { explain(\"bumped\"); n + 1 }\n");
    let mut model = match check_with(&fs, Path::new("bench.tree")) {
        Ok(checked) => checked.model,
        Err(failure) => panic!("the generated tree does not check: {failure:?}"),
    };
    if with_hook {
        model.hooks = Some(Arc::new(Bump));
    }
    model
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("explore");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    let depth = depth();
    for (name, with_hook) in [("no_hooks", false), ("hook_every_path", true)] {
        let model = model(depth, with_hook);
        let options = Options::default();
        let summary = explore::count(&model, &options).expect("explores");
        assert_eq!(summary.paths, 1 << depth);
        group.throughput(Throughput::Elements(summary.steps));
        group.bench_function(name, |b| {
            b.iter(|| explore::count(&model, &options).expect("explores"));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
