use super::same::same_states;
use super::*;
use crate::check::check_with;
use crate::load::MemoryFs;
use std::path::Path;

fn load(fs: &MemoryFs) -> Model {
    match check_with(fs, Path::new("t.tree")) {
        Ok(checked) => checked.model,
        Err(failure) => panic!("{:#?}", failure.diagnostics),
    }
}

const CUPS: &str = r#"tree cups "Cups" { start hour outcomes drink }
var late: bool = false
var cups: int = 0
var mood: one_of(calm, tense)
question hour {
  text "What time is it? You had {cups} cups."
  option morning "Morning" { set cups = 1 } -> feel
  option evening "Evening" { set late = true set cups = 2 } -> feel
  option night "Night" { set late = true set cups = 3 } -> feel
}
question feel {
  text "How do you feel?"
  option calm "Calm" { set mood = calm } -> pick
  option tense "Tense" { set mood = tense } -> pick
}
question pick {
  text "Pick one"
  option a "A" if not late -> show
  option b "B" if cups < 3 -> show
}
outcome show { kind drink title "Cups: {{cups}}, mood {mood}" text "You had {cups}{mood} today" }
"#;

fn cups(edit: impl Fn(String) -> String) -> Model {
    load(&MemoryFs::new().with("t.tree", edit(CUPS.to_string())))
}

const HOOKED: &str = "tree h \"H\" { start q outcomes done script \"t.rhai\" }
var n: int = 0
question q { text \"Q?\" option a \"A\" { set n = hook f(1) } -> end }
outcome end { kind done title \"End {n}\" }
";

#[test]
fn versions_that_differ_only_in_words_have_the_same_states() {
    let same = |s: String| s;
    assert!(same_states(&cups(same), &cups(same)));
    for words in [
        cups(|s| s.replace("\"Calm\"", "\"Relaxed\"")),
        cups(|s| s.replace("Pick one", "Pick one of these, please")),
        cups(|s| s.replace("title \"Cups:", "title \"All the cups:")),
    ] {
        assert!(same_states(&cups(same), &words));
    }
    for (i, other) in [
        cups(|s| s.replace("cups < 3", "cups < 2")),
        cups(|s| s.replace("cups = 2", "cups = 1")),
        cups(|s| {
            s.replace(
                "What time is it? You had {cups} cups.",
                "{cups} cups. Time?",
            )
        }),
        cups(|s| s.replace("You had {cups} cups.", "You had {late} cups.")),
        cups(|s| s.replace("-> feel\n  option night", "-> pick\n  option night")),
        cups(|s| s.replace("option b \"B\"", "option bee \"B\"")),
    ]
    .into_iter()
    .enumerate()
    {
        assert!(!same_states(&cups(same), &other), "case {i}");
    }

    let hooked = |script: &str| {
        load(
            &MemoryFs::new()
                .with("t.tree", HOOKED)
                .with("t.rhai", script),
        )
    };
    let script = "fn f(x) { x + 1 }\n";
    let a = hooked(script);
    assert!(same_states(&a, &hooked(script)));
    assert!(same_states(&a, &a.clone()));
    assert!(!same_states(&a, &hooked("fn f(x) { x + 2 }\n")));
    let moved = load(
        &MemoryFs::new()
            .with("t.tree", HOOKED.replace("t.rhai", "u.rhai"))
            .with("u.rhai", script),
    );
    assert!(
        !same_states(&a, &moved),
        "a failure would name another file"
    );
    let mut stand_in = a.clone();
    stand_in.hooks = Some(std::sync::Arc::new(Fixed));
    assert!(!same_states(&a, &stand_in));
}

/// A hook runtime that answers 7 to everything.
#[derive(Debug)]
struct Fixed;

impl crate::model::HookRuntime for Fixed {
    fn call(
        &self,
        _: &Model,
        _: &str,
        _: &[crate::model::Value],
        _: &[crate::model::Type],
        _: crate::model::Type,
    ) -> Result<crate::model::HookOutput, crate::model::HookError> {
        Ok(crate::model::HookOutput {
            value: crate::model::Value::Int(7),
            reasons: Vec::new(),
            log: Vec::new(),
        })
    }
}

#[test]
fn one_exploration_for_both_gives_the_same_diff_as_two() {
    let old = cups(|s| s);
    for new in [
        cups(|s| s),
        cups(|s| s.replace("\"Calm\"", "\"Relaxed\"")),
        cups(|s| s.replace("title \"Cups:", "title \"All the cups:")),
    ] {
        assert!(same_states(&old, &new));
        let options = Options::default();
        let once = compare(&old, &new, &options, true).expect("compares");
        let twice = compare(&old, &new, &options, false).expect("compares");
        assert_eq!(once, twice);
    }
}

fn values(d: &TreeDiff) -> Vec<(&str, &str, &str)> {
    assert!(
        d.changes.iter().all(|c| c.kind == ChangeKind::Values),
        "{d:#?}"
    );
    d.changes
        .iter()
        .map(|c| (c.node.as_str(), c.old.as_str(), c.new.as_str()))
        .collect()
}

#[test]
fn values_are_compared_as_shown() {
    let old = cups(|s| s);
    assert!(diff(&old, &cups(|s| s), &Options::default())
        .expect("compares")
        .is_empty());
    // `{{cups}}` was literal text and now shows the value: the words as
    // written are the same, what a person reads is not.
    let shown = cups(|s| s.replace("{{cups}}", "{cups}"));
    let d = diff(&old, &shown, &Options::default()).expect("compares");
    assert_eq!(
        values(&d),
        [
            (
                "show",
                "title: Cups: {cups}, mood calm",
                "title: Cups: 1, mood calm"
            ),
            (
                "show",
                "title: Cups: {cups}, mood calm",
                "title: Cups: 2, mood calm"
            ),
            (
                "show",
                "title: Cups: {cups}, mood tense",
                "title: Cups: 1, mood tense"
            ),
            (
                "show",
                "title: Cups: {cups}, mood tense",
                "title: Cups: 2, mood tense"
            ),
        ]
    );
    // Written alike: only the states whose values now differ.
    let fewer = cups(|s| s.replace("cups = 2", "cups = 1"));
    let d = diff(&old, &fewer, &Options::default()).expect("compares");
    assert_eq!(
        values(&d),
        [
            (
                "show",
                "text: You had 2calm today",
                "text: You had 1calm today"
            ),
            (
                "show",
                "text: You had 2tense today",
                "text: You had 1tense today"
            ),
        ]
    );
    assert_eq!(d.changes[0].witness, "hour=evening > feel=calm > pick=b");
}

#[test]
fn a_version_compared_with_itself_explores_no_more_states_than_alone() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("trees/reconnect.tree");
    let model = match crate::check::check_path(&path) {
        Ok(checked) => checked.model,
        Err(failure) => panic!("{:#?}", failure.diagnostics),
    };
    let options = Options::default();
    let alone = Space::explore(&model, &options).expect("explores");
    // Each version explored with the plans of both merged, as when they
    // differ in more than words.
    let d = compare(&model, &model, &options, false).expect("compares");
    assert!(d.is_empty(), "{d:#?}");
    assert_eq!(
        (d.old_states, d.new_states),
        (alone.states.len(), alone.states.len())
    );
    assert_eq!(d.old_paths, alone.total_paths());
}
