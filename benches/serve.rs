//! The render path of `guidetree serve`: every request replays the answers
//! so far from the form and renders the page. Measured on a run through
//! `reconnect.tree` that always takes the last option shown and ticks every
//! item, at its last question and at its outcome.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use guidetree::check::check_path;
use guidetree::interp::{Answer, Session};
use guidetree::prompt::{Progress, Step, StepKind};
use guidetree::serve::form::{read_answers, replay, write_answers};
use guidetree::serve::page::{step_page, Prefill};
use guidetree::serve::{Site, Tree};
use std::path::Path;

const TREE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/trees/reconnect.tree");

fn site() -> Site {
    let model = match check_path(Path::new(TREE)) {
        Ok(checked) => checked.model,
        Err(failure) => panic!("{:?}", failure.diagnostics),
    };
    let progress = Progress::new(&model);
    Site {
        trees: vec![Tree {
            model,
            progress,
            quick_exit: true,
        }],
        exit_url: guidetree::serve::DEFAULT_EXIT_URL.into(),
        max_body: guidetree::serve::DEFAULT_MAX_BODY,
    }
}

/// The answers field of the last question's page and of the outcome page.
fn long_run(tree: &Tree) -> (String, String) {
    let mut session = Session::new(&tree.model).expect("the tree starts");
    let mut before_end = String::new();
    while !session.is_finished() {
        before_end = write_answers(&session);
        let step = Step::current(&mut session, &tree.progress);
        let answer = match &step.kind {
            StepKind::Choose(options) => Answer::Choose(options.last().expect("an option").index),
            StepKind::Check(items) => Answer::Check(items.iter().fold(0, |m, i| m | 1 << i.index)),
            StepKind::Number { max, .. } => Answer::Number(*max),
            StepKind::Text { .. } => Answer::Text("words".into()),
            _ => Answer::Continue,
        };
        session.answer(answer).expect("the answer fits");
    }
    (before_end, write_answers(&session))
}

fn render(c: &mut Criterion) {
    let site = site();
    let tree = &site.trees[0];
    let (question, outcome) = long_run(tree);
    for (name, answers) in [("last question", &question), ("outcome", &outcome)] {
        c.bench_function(&format!("serve: replay and render the {name}"), |b| {
            b.iter(|| {
                let saved = read_answers(black_box(answers)).expect("answers");
                let mut session = replay(&tree.model, &saved).expect("they fit");
                step_page(&site, tree, &mut session, &Prefill::default(), None)
            });
        });
    }
}

criterion_group!(benches, render);
criterion_main!(benches);
