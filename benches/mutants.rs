//! Mutation testing of the flagship tree: every mutant of
//! `trees/reconnect.tree` made and judged, as `guidetree test --mutants`
//! does.
//!
//! Run with `cargo bench --bench mutants`. Each mutant is one full
//! exploration, so the time is about the number of mutants times the time
//! of one `guidetree test`, divided by the cores used.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guidetree::check::check_path;
use guidetree::explore::Options;
use guidetree::model::Model;
use guidetree::mutate;
use std::path::Path;
use std::time::Duration;

/// `cargo test --all-targets` runs each benchmark once as a smoke test
/// (without `--bench`); the small red-flags tree keeps that quick.
fn tree() -> &'static str {
    if std::env::args().any(|a| a == "--bench") {
        "trees/reconnect.tree"
    } else {
        "trees/red_flags.tree"
    }
}

fn load(path: &str) -> Model {
    match check_path(Path::new(path)) {
        Ok(checked) => checked.model,
        Err(failure) => panic!("{path} does not check: {:#?}", failure.diagnostics),
    }
}

fn bench(c: &mut Criterion) {
    let path = tree();
    let model = load(path);
    let mutants = mutate::mutations(&model).len() as u64;
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let mut group = c.benchmark_group("mutants");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.throughput(Throughput::Elements(mutants));
    group.bench_function(format!("{path} ({threads} threads)"), |b| {
        b.iter(|| mutate::run(&model, &Options::default(), threads, &|| {}).map(|r| r.killed()));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
