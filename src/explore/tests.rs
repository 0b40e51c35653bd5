use super::*;
use crate::check::check_with;
use crate::load::MemoryFs;
use crate::model::{HookError, HookOutput, HookRuntime, Type};
use crate::script::HookErrorKind;
use std::path::Path;
use std::sync::Arc;

/// A stand-in hook runtime: `double(n)` doubles with a reason, `boom()`
/// fails.
#[derive(Debug)]
struct TestHooks;

impl HookRuntime for TestHooks {
    fn call(
        &self,
        _model: &Model,
        name: &str,
        args: &[Value],
        _arg_types: &[Type],
        _ret: Type,
    ) -> Result<HookOutput, HookError> {
        match (name, args) {
            ("double", [Value::Int(n)]) => Ok(HookOutput {
                value: Value::Int(n * 2),
                reasons: vec![format!("{n} doubled")],
                log: Vec::new(),
            }),
            ("size", [Value::Set(bits)]) => Ok(HookOutput {
                value: Value::Int(i64::from(bits.count_ones())),
                reasons: Vec::new(),
                log: Vec::new(),
            }),
            ("boom", _) => Err(HookError::new(
                name,
                HookErrorKind::Runtime("boom went the hook".into()),
            )),
            _ => Err(HookError::new(
                name,
                HookErrorKind::NotDefined { arity: args.len() },
            )),
        }
    }
}

const SCRIPT: &str = r#"
fn double(n) { explain(`${n} doubled`); n * 2 }
fn size(set) { set.len() }
fn boom() { throw "boom"; }
"#;

fn model(src: &str) -> Model {
    let fs = MemoryFs::new().with("t.tree", src).with("t.rhai", SCRIPT);
    match check_with(&fs, Path::new("t.tree")) {
        Ok(c) => {
            let mut m = c.model;
            m.hooks = Some(Arc::new(TestHooks));
            m
        }
        Err(f) => panic!("{:#?}", f.diagnostics),
    }
}

/// Every path as (key, how it ended).
fn paths(m: &Model, options: &Options) -> (Vec<(String, String)>, Summary) {
    let mut out = Vec::new();
    let summary = explore(m, options, &mut |p: &mut PathView<'_, '_>| {
        out.push((p.key().to_string(), p.end().describe(p.model())));
        ControlFlow::Continue(())
    })
    .unwrap();
    (out, summary)
}

fn keys(m: &Model) -> Vec<String> {
    paths(m, &Options::default())
        .0
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

const TWO_QUESTIONS: &str = r#"
tree t "T" { start a outcomes done }
question a { text "A" option x "X" -> b option y "Y" -> b }
question b { text "B" option p "P" -> end option q "Q" -> end option r "R" -> end }
outcome end { kind done title "Done" }
"#;

#[test]
fn every_combination_of_answers_is_a_path_in_source_order() {
    let m = model(TWO_QUESTIONS);
    let (paths, summary) = paths(&m, &Options::default());
    let keys: Vec<&str> = paths.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "a=x > b=p",
            "a=x > b=q",
            "a=x > b=r",
            "a=y > b=p",
            "a=y > b=q",
            "a=y > b=r"
        ]
    );
    assert_eq!(summary.paths, 6);
    assert_eq!(summary.outcomes, 6);
    // Shared prefixes: 2 answers at `a`, then 3 at `b` after each.
    assert_eq!(summary.steps, 2 + 6);
    assert_eq!(summary.longest, 2);
    assert_eq!(paths[0].1, "end (done)");
}

#[test]
fn path_ids_hash_the_key() {
    let m = model(TWO_QUESTIONS);
    let mut seen = Vec::new();
    explore(&m, &Options::default(), &mut |p: &mut PathView<'_, '_>| {
        assert_eq!(p.id(), path_id(p.key()));
        seen.push(p.id());
        ControlFlow::Continue(())
    })
    .unwrap();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6);
    // FNV-1a 64 of "a" is af63dc4c8601ec8c.
    assert_eq!(path_id("a"), "paf63dc4c");
}

#[test]
fn text_answers_that_could_be_misread_are_quoted_in_keys() {
    let m = model(
        r#"
tree t "Texts" { start a outcomes done }
var x: text = ""
var y: text = ""
input a { text "A" text into x -> b }
input b { text "B" text into y -> end }
outcome end { kind done title "Done" }
"#,
    );
    let (a, b) = (m.find_node("a").unwrap(), m.find_node("b").unwrap());
    let key = |x: &str, y: &str| {
        let answers = [(a, Answer::Text(x.into())), (b, Answer::Text(y.into()))];
        key_of(&m, answers.iter().map(|(n, t)| (*n, t)))
    };
    // Plain words stay as they are, so existing keys and ids do not move.
    assert_eq!(key("yes", "C++ = fine"), "a=yes > b=C++ = fine");
    // Without quotes these two keys would both read `a=p > b=q > b=r`.
    let one = key("p > b=q", "r");
    let two = key("p", "q > b=r");
    assert_eq!(one, r#"a="p > b=q" > b=r"#);
    assert_eq!(two, r#"a=p > b="q > b=r""#);
    assert_ne!(path_id(&one), path_id(&two));
    // A line break, a quote, padding or nothing at all are quoted too.
    assert_eq!(key("two\nlines", ""), r#"a="two\nlines" > b="""#);
    assert_eq!(
        key(" padded", "say \"hi\""),
        r#"a=" padded" > b="say \"hi\"""#
    );
}

#[test]
fn path_ids_survive_reordering_and_text_edits() {
    let reordered = r#"
tree t "Another title" { start a outcomes done }
outcome end { kind done title "All done now" }
question b { text "Bee?" option r "Ar" -> end option p "Pea" -> end option q "Queue" -> end }
question a { text "Ay?" option y "Why" -> b option x "Ex" -> b }
"#;
    let mut before = keys(&model(TWO_QUESTIONS));
    let mut after = keys(&model(reordered));
    assert_ne!(before, after, "exploration order follows the source");
    before.sort();
    after.sort();
    assert_eq!(before, after);
}

const HIDDEN: &str = r#"
tree t "T" { start a outcomes done }
var vip: bool = false
question a { text "A" option vip "VIP" { set vip = true } -> b option plain "Plain" -> b }
question b {
  text "B"
  option lounge "Lounge" if vip -> end
  option queue "Queue" if not vip -> end
  option leave "Leave" -> end
}
outcome end { kind done title "Done" }
"#;

#[test]
fn hidden_options_are_not_taken() {
    let m = model(HIDDEN);
    assert_eq!(
        keys(&m),
        [
            "a=vip > b=lounge",
            "a=vip > b=leave",
            "a=plain > b=queue",
            "a=plain > b=leave"
        ]
    );
}

const LOOP: &str = r#"
tree t "T" { start q outcomes done }
var tries: int = 0
question q { text "Again?" option again "Again" { set tries = tries + 1 } -> q option done "Done" -> end }
outcome end { kind done title "Done after {tries}" }
"#;

#[test]
fn loops_are_cut_at_the_visit_limit_and_reported() {
    let m = model(LOOP);
    let (paths, summary) = paths(&m, &Options::default());
    assert_eq!(
        paths,
        [
            (
                "q=again > q=again".to_string(),
                "cut at q (visit limit)".to_string()
            ),
            ("q=again > q=done".to_string(), "end (done)".to_string()),
            ("q=done".to_string(), "end (done)".to_string()),
        ]
    );
    assert_eq!((summary.outcomes, summary.cut), (2, 1));
    let (_, three) = super::tests::paths(
        &m,
        &Options {
            max_visits: 3,
            ..Options::default()
        },
    );
    assert_eq!((three.outcomes, three.cut), (3, 1));
    let (_, one) = super::tests::paths(
        &m,
        &Options {
            max_visits: 1,
            ..Options::default()
        },
    );
    assert_eq!((one.outcomes, one.cut), (1, 1));
}

const INPUT: &str = r#"
tree t "T" { start n outcomes low, mid, high }
var months: int = 0
input n { text "Months?" number into months range 0..=10 examples 5 -> b }
branch b {
  when months < 3 -> low
  when 8 <= months -> high
  else -> mid
}
outcome low { kind low title "Low" }
outcome mid { kind mid title "Mid" }
outcome high { kind high title "High" }
"#;

#[test]
fn inputs_take_examples_boundaries_and_range_ends() {
    let m = model(INPUT);
    let (paths, _) = paths(&m, &Options::default());
    let got: Vec<String> = paths.iter().map(|(k, e)| format!("{k} {e}")).collect();
    assert_eq!(
        got,
        [
            "n=0 low (low)",
            "n=2 low (low)",
            "n=3 mid (mid)",
            "n=5 mid (mid)",
            "n=7 mid (mid)",
            "n=8 high (high)",
            "n=10 high (high)",
        ]
    );
}

#[test]
fn text_inputs_take_examples_and_compared_texts() {
    let m = model(
        r#"
tree t "T" { start n outcomes hi, other }
var name: text
input n { text "Name?" text into name max 10 examples "Al" -> b }
branch b { when name == "Sam" -> hi else -> other }
outcome hi { kind hi title "Hi {name}" }
outcome other { kind other title "Hello" }
"#,
    );
    assert_eq!(keys(&m), ["n=Al", "n=Sam"]);
    let m = model(
        r#"
tree t "T" { start n outcomes done }
var name: text
input n { text "Name?" text into name -> end }
outcome end { kind done title "Hi {name}" }
"#,
    );
    assert_eq!(keys(&m), [format!("n={}", plan::TEXT_PLACEHOLDER)]);
}

fn checklist_tree(uses: &str) -> String {
    format!(
        r#"
tree t "T" {{ start c outcomes yes, no }}
var picks: set(a, b, c, d)
checklist c {{ text "Pick" into picks item a "A" item b "B" item c "C" item d "D" -> br }}
branch br {{ when {uses} -> yes else -> no }}
outcome yes {{ kind yes title "Yes" }}
outcome no {{ kind no title "No" }}
"#
    )
}

#[test]
fn checklists_tick_the_combinations_conditions_can_tell_apart() {
    // `a` matters by itself; b, c and d only as "none" and "all".
    let m = model(&checklist_tree("a in picks"));
    assert_eq!(keys(&m), ["c=-", "c=b+c+d", "c=a", "c=a+b+c+d"]);
    // With count(), every number of plain items is tried.
    let m = model(&checklist_tree("a in picks and count(picks) >= 3"));
    assert_eq!(
        keys(&m),
        [
            "c=-",
            "c=b",
            "c=b+c",
            "c=b+c+d",
            "c=a",
            "c=a+b",
            "c=a+b+c",
            "c=a+b+c+d"
        ]
    );
    let (_, summary) = paths(&m, &Options::default());
    assert_eq!(summary.kinds, [2, 6], "only a+b+c and a+b+c+d are yes");
}

#[test]
fn a_set_used_whole_makes_every_item_significant() {
    // A hook may look at any item.
    let src =
        checklist_tree("hook size(picks) > 2").replace("start c", "start c script \"t.rhai\"");
    let m = model(&src);
    assert_eq!(keys(&m).len(), 16);
}

#[test]
fn hidden_checklist_items_are_never_ticked() {
    let m = model(
        r#"
tree t "T" { start c outcomes yes, no }
var picks: set(a, b)
var n: int = 0
checklist c { text "Pick" into picks item a "A" item b "B" if n > 0 -> br }
branch br { when b in picks or a in picks -> yes else -> no }
outcome yes { kind yes title "Yes" }
outcome no { kind no title "No" }
"#,
    );
    assert_eq!(keys(&m), ["c=-", "c=a"]);
}

#[test]
fn a_question_with_nothing_shown_is_a_stuck_path() {
    let m = model(
        r#"
tree t "T" { start a outcomes done }
var open: bool = false
question a { text "A" option x "X" -> b option y "Y" { set open = true } -> b }
question b { text "B" option go "Go" if open -> end }
outcome end { kind done title "Done" }
"#,
    );
    let (paths, summary) = paths(&m, &Options::default());
    assert_eq!(
        paths[0],
        ("a=x".into(), "stuck at b: no option is shown".into())
    );
    assert_eq!((summary.stuck, summary.outcomes), (1, 1));
}

#[test]
fn evaluation_failures_end_a_path_as_an_error() {
    let m = model(
        r#"
tree t "T" { start a outcomes done }
var n: int = 0
question a { text "A" option zero "Zero" -> s option one "One" { set n = 1 } -> s }
score s { set n = 10 / n -> end }
outcome end { kind done title "{n}" }
"#,
    );
    let (paths, summary) = paths(&m, &Options::default());
    assert_eq!(
        paths[0],
        ("a=zero".into(), "error after a: division by zero".into())
    );
    assert_eq!(paths[1], ("a=one".into(), "end (done)".into()));
    assert_eq!((summary.errors, summary.outcomes), (1, 1));
}

const HOOKED: &str = r#"
tree t "T" { start a outcomes done  script "t.rhai" }
var n: int = 1
question a { text "A" option x "X" -> s option y "Y" { set n = 5 } -> s }
score s { set n = hook double(n) -> end }
outcome end { kind done title "{n}" }
"#;

#[test]
fn hooks_run_for_real_on_every_path() {
    let m = model(HOOKED);
    let mut seen = Vec::new();
    explore(&m, &Options::default(), &mut |p: &mut PathView<'_, '_>| {
        let reasons: Vec<&str> = p
            .session()
            .reasons()
            .iter()
            .map(|r| r.text.as_str())
            .collect();
        seen.push((
            p.session().var(crate::model::VarId(0)).clone(),
            reasons.join(";"),
        ));
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(
        seen,
        [
            (Value::Int(2), "1 doubled".to_string()),
            (Value::Int(10), "5 doubled".to_string())
        ]
    );
}

#[test]
fn a_failing_hook_is_an_error_path_and_a_failing_start_is_an_error() {
    let m = model(&HOOKED.replace("hook double(n)", "n + hook boom()"));
    let (paths, summary) = paths(&m, &Options::default());
    assert_eq!(summary.errors, 2);
    assert!(paths[0].1.contains("boom went the hook"), "{}", paths[0].1);

    let m = model(
        &HOOKED
            .replace("start a", "start s")
            .replace("hook double(n)", "n + hook boom()"),
    );
    let err = count(&m, &Options::default()).unwrap_err();
    assert!(err.to_string().contains("boom went the hook"), "{err}");
}

#[test]
fn every_path_matches_a_fresh_replay_of_its_answers() {
    // Prefix sharing relies on `back` restoring state exactly.
    for src in [TWO_QUESTIONS, HIDDEN, LOOP, INPUT, HOOKED] {
        let m = model(src);
        explore(&m, &Options::default(), &mut |p: &mut PathView<'_, '_>| {
            let mut fresh = Session::new(&m).unwrap();
            for (_, answer) in p.answers() {
                fresh.answer(answer.clone()).unwrap();
            }
            assert_eq!(fresh.vars(), p.session().vars(), "{}", p.key());
            assert_eq!(fresh.path(), p.session().path(), "{}", p.key());
            assert_eq!(fresh.reasons(), p.session().reasons(), "{}", p.key());
            ControlFlow::Continue(())
        })
        .unwrap();
    }
}

#[test]
fn memory_follows_depth_not_path_count() {
    // 2^12 paths, 12 deep.
    let mut src = String::from("tree t \"T\" { start q0 outcomes done }\n");
    for i in 0..12 {
        let next = if i == 11 {
            "end".to_string()
        } else {
            format!("q{}", i + 1)
        };
        src += &format!(
            "question q{i} {{ text \"Q\" option a \"A\" -> {next} option b \"B\" -> {next} }}\n"
        );
    }
    src += "outcome end { kind done title \"Done\" }\n";
    let m = model(&src);
    let mut explorer = Explorer::new(&m, &Options::default()).unwrap();
    let mut paths = 0u64;
    let flow = explorer.run(&mut |_: &mut PathView<'_, '_>| {
        paths += 1;
        ControlFlow::Continue(())
    });
    assert!(flow.is_continue());
    assert_eq!(paths, 4096);
    assert_eq!(explorer.frames.len(), 12, "one frame per level");
    assert!(
        explorer.session.history().is_empty(),
        "every answer was undone"
    );
    assert!(explorer.frames.iter().all(|f| f.answers.capacity() <= 4));
}

#[test]
fn a_visitor_can_stop_early_and_find_path_returns_the_route() {
    let m = model(HIDDEN);
    let id = path_id("a=plain > b=queue");
    let found = find_path(&m, &id, &Options::default()).unwrap();
    assert_eq!(found.key, "a=plain > b=queue");
    let ids =
        |nodes: &[NodeId]| -> Vec<String> { nodes.iter().map(|n| m.node(*n).id.clone()).collect() };
    assert_eq!(ids(&found.nodes), ["a", "b", "end"]);
    let choices: Vec<(String, usize)> = found
        .choices
        .iter()
        .map(|(n, i)| (m.node(*n).id.clone(), *i))
        .collect();
    assert_eq!(choices, [("a".to_string(), 1), ("b".to_string(), 1)]);
    assert!(find_path(&m, "p00000000", &Options::default()).is_none());

    let summary = explore(&m, &Options::default(), &mut |_: &mut PathView<'_, '_>| {
        ControlFlow::Break(())
    })
    .unwrap();
    assert!(summary.stopped);
    assert_eq!(summary.paths, 1);
}

#[test]
fn coverage_counts_nodes_options_conditions_and_kinds() {
    let m = model(
        r#"
tree t "T" { start a outcomes done, never }
var vip: bool = false
question a {
  text "A"
  option x "X" -> b
  option secret "Secret" if vip -> b
}
branch b { when vip -> nope when not vip -> end else -> nope }
outcome end { kind done title "Done" }
outcome nope { kind never title "Never" }
"#,
    );
    let summary = count(&m, &Options::default()).unwrap();
    let cov = &summary.coverage;
    assert_eq!(
        cov.node_tally(),
        coverage::Tally {
            covered: 3,
            total: 4
        }
    );
    assert_eq!(
        cov.option_tally(),
        coverage::Tally {
            covered: 1,
            total: 2
        }
    );
    // `if vip` false only; arm `vip` false only; arm `not vip` true only.
    assert_eq!(
        cov.condition_tally(),
        coverage::Tally {
            covered: 3,
            total: 6
        }
    );
    assert_eq!(
        cov.kind_tally(),
        coverage::Tally {
            covered: 1,
            total: 2
        }
    );
    assert_eq!(cov.never_shown(), [(m.find_node("a").unwrap(), 1)]);
    assert_eq!(cov.one_sided().count(), 3);
    assert_eq!(
        cov.total(),
        coverage::Tally {
            covered: 8,
            total: 14
        }
    );
}
