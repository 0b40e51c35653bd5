//! The release-only integration test, in a binary of its own: the full
//! mutation run of the flagship tree takes seconds in a release build and
//! minutes in a debug one. `cargo test --release --test mutants` builds and
//! runs it (`.ci/run` does); a plain `cargo test` leaves this binary out.
//! The other mutation tests are in `tests/mutants.rs`, in the main binary.

#[allow(dead_code)]
mod common;

use common::{load, mutation_report};
use guidetree::explore::{self, End, Options, PathView};
use guidetree::model::{Model, NodeKind, Value};
use guidetree::mutate::{self, Change};
use std::ops::ControlFlow;

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
    let report = mutation_report(&model);
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
