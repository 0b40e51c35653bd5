//! Startup of `guidetree run` up to the first question (budget: 20 ms).
//!
//! Two measurements: in process (load and check the tree, start a session,
//! print the first question through the line prompter), and the real
//! binary (`guidetree run trees/hello.tree < /dev/null`, which prints the
//! first question and stops at the end of input).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use guidetree::check::check_path;
use guidetree::interp::{Answer, Session};
use guidetree::prompt::line::LinePrompter;
use guidetree::prompt::{Progress, Prompter, Reply, Step};
use std::path::Path;
use std::process::{Command, Stdio};

const TREE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/trees/hello.tree");

/// Everything the run command does before it waits for the first answer.
fn first_question() -> Vec<u8> {
    let model = match check_path(Path::new(TREE)) {
        Ok(checked) => checked.model,
        Err(failure) => panic!("{:?}", failure.diagnostics),
    };
    let progress = Progress::new(&model);
    let mut session = Session::new(&model).expect("the tree starts");
    let mut prompter = LinePrompter::new(&b""[..], Vec::new(), false);
    loop {
        let step = Step::current(&mut session, &progress);
        match prompter.ask(&step).expect("writing to memory") {
            Reply::Answer(Answer::Continue) => {
                session.answer(Answer::Continue).expect("info goes on")
            }
            _ => break,
        }
    }
    prompter.into_output()
}

fn in_process(c: &mut Criterion) {
    c.bench_function("run: load, check and show the first question", |b| {
        b.iter(|| black_box(first_question()));
    });
}

fn whole_process(c: &mut Criterion) {
    let bin = env!("CARGO_BIN_EXE_guidetree");
    c.bench_function("run: process start to the first question", |b| {
        b.iter(|| {
            let out = Command::new(bin)
                .args(["run", TREE])
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .output()
                .expect("the binary runs");
            assert!(out.stdout.windows(8).any(|w| w == b"Question"));
        });
    });
}

criterion_group!(benches, in_process, whole_process);
criterion_main!(benches);
