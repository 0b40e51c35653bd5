//! The views built from a session: the outcome, `why`, and help. Every
//! front end shows these same documents.

use super::progress::asks;
use super::screen::{short_form, Block, Doc};
use super::step::{Step, StepKind};
use crate::interp::Session;
use crate::model::{Expr, ExprKind, Model, NodeKind, TextPart, Type, Value, VarId};
use crate::wording::{answer_label, source_text};

/// The outcome screen: title, text, advice, sources, how the person got
/// here, the values that mattered and any reasons from hooks.
#[must_use]
pub fn outcome(session: &Session<'_>) -> Doc {
    let model = session.model();
    let node = model.node(session.current());
    let vars = session.vars();
    let mut doc = Doc::new();
    if let NodeKind::Outcome { title, advice, .. } = &node.kind {
        doc.push(Block::Title(model.render_text(title, vars)));
        if let Some(text) = &node.text {
            doc.push(Block::Para(model.render_text(text, vars)));
        }
        doc.bullets(
            "What you can do",
            advice.iter().map(|a| model.render_text(a, vars)).collect(),
        );
    }
    doc.section("Sources", sources(model, &node.sources));
    doc.section("How you got here", path_lines(session));
    doc.section("What mattered", mattered(session));
    doc.bullets("Reasons", reasons(session));
    doc
}

/// The `why` screen: the path so far, where the person is and what is
/// hidden there, every value now, and reasons from hooks.
#[must_use]
pub fn why(session: &Session<'_>, step: &Step) -> Doc {
    let model = session.model();
    let mut doc = Doc::new().with(Block::Title("Why you are seeing this".into()));
    let path = path_lines(session);
    if path.is_empty() {
        doc.push(Block::Para("This is the first step.".into()));
    } else {
        doc.section("So far", path);
    }
    let here = short_form(&step.text, SHORT);
    doc.section("Now", vec![format!("{here} (step `{}`)", step.id)]);
    doc.section(
        "Not shown here",
        step.hidden
            .iter()
            .map(|h| format!("\"{}\": shown only when `{}`", h.label, h.condition))
            .collect(),
    );
    let values = (0..model.vars.len())
        .map(|i| value_line(model, VarId::from_index(i), &session.vars()[i]))
        .collect();
    doc.section("Values now", values);
    doc.bullets("Reasons", reasons(session));
    doc.section(
        "Hook output (print and debug)",
        session.log().iter().map(log_line).collect(),
    );
    doc
}

/// A line a hook printed, with where it came from.
#[must_use]
pub fn log_line(line: &crate::interp::LogLine) -> String {
    format!("hook `{}` in `{}`: {}", line.hook, line.node, line.text)
}

/// The help screen: this step's help text, how to answer, the commands.
#[must_use]
pub fn help(step: &Step, keys: bool) -> Doc {
    let mut doc = Doc::new();
    if let Some(help) = &step.help {
        doc.push(Block::Heading("About this question".into()));
        doc.push(Block::Para(help.clone()));
    }
    doc.push(Block::Heading("How to answer".into()));
    doc.push(Block::Para(if keys {
        how_with_keys(&step.kind).into()
    } else {
        step.expected()
    }));
    doc.push(Block::Heading("Commands".into()));
    let lines = super::Command::ALL
        .iter()
        .map(|(name, what)| {
            let typed = match (keys, *name) {
                (true, _) => (*name).to_string(),
                (false, "save") => ":save FILE".to_string(),
                (false, _) => format!(":{name}"),
            };
            format!("{typed:<11} {what}")
        })
        .collect();
    doc.push(Block::Lines(lines));
    if keys {
        doc.push(Block::Note(
            "Press Esc at any question to open these commands, or type : and a command name in a menu."
                .into(),
        ));
    }
    doc
}

fn how_with_keys(kind: &StepKind) -> &'static str {
    match kind {
        StepKind::Choose(_) => "Move with the arrow keys and press Enter to choose.",
        StepKind::Check(_) => {
            "Move with the arrow keys, press Space to tick or untick, and Enter when done."
        }
        StepKind::Number { .. } => "Type a whole number and press Enter.",
        StepKind::Text { .. } => "Type your answer and press Enter.",
        StepKind::Info { .. } => "Press Enter to go on.",
        StepKind::Blocked { .. } => "This step cannot go on; go back, save, or quit.",
    }
}

/// One line per answered question, and one per decision the tree took by
/// itself: "How tired do you feel? → A bit tired".
#[must_use]
pub fn path_lines(session: &Session<'_>) -> Vec<String> {
    let model = session.model();
    let mut records = session.history().iter().enumerate().peekable();
    let vars = session.vars_history();
    let mut decisions = session.decisions().iter();
    let mut lines = Vec::new();
    for (p, &node) in session.path().iter().enumerate() {
        if let NodeKind::Branch { arms, .. } = &model.node(node).kind {
            let Some(d) = decisions.next() else { continue };
            lines.push(match d.arm.and_then(|i| arms.get(i)) {
                Some(arm) => format!("The tree checked: {}", source_text(model, arm.cond.span)),
                None => format!(
                    "The tree checked `{}`: none of its conditions held",
                    model.node(node).id
                ),
            });
        }
        let Some((i, r)) = records.next_if(|(_, r)| r.path_len() == p + 1) else {
            continue;
        };
        if asks(&model.node(r.node).kind) {
            let n = model.node(r.node);
            let before = &vars[i];
            let question = n.text.as_ref().map_or_else(
                || n.id.clone(),
                |t| short_form(&model.render_text(t, before), SHORT),
            );
            let answer = answer_label(model, r.node, &r.answer, before);
            lines.push(format!("{question} → {answer}"));
        }
    }
    lines
}

/// The values that decided the way: every variable read by a branch
/// condition the run evaluated, plus every variable the answers changed.
#[must_use]
pub fn mattered(session: &Session<'_>) -> Vec<String> {
    let model = session.model();
    let mut used = vec![false; model.vars.len()];
    let mut decisions = session.decisions().iter();
    for &node in session.path() {
        if let NodeKind::Branch { arms, .. } = &model.node(node).kind {
            let Some(d) = decisions.next() else { continue };
            let checked = d.arm.map_or(arms.len(), |i| i + 1);
            for arm in arms.iter().take(checked) {
                reads(&arm.cond, &mut used);
            }
        }
    }
    let defaults = model.defaults();
    (0..model.vars.len())
        .filter(|&i| used[i] || session.vars()[i] != defaults[i])
        .map(|i| value_line(model, VarId::from_index(i), &session.vars()[i]))
        .collect()
}

/// Mark every variable an expression reads.
fn reads(expr: &Expr, used: &mut [bool]) {
    match &expr.kind {
        ExprKind::Var(v) => used[v.index()] = true,
        ExprKind::Interpolate(text) => {
            for part in &text.parts {
                if let TextPart::Var(v) = part {
                    used[v.index()] = true;
                }
            }
        }
        ExprKind::Hook { args, .. } => args.iter().for_each(|a| reads(a, used)),
        ExprKind::Count(e) | ExprKind::Not(e) | ExprKind::Neg(e) => reads(e, used),
        ExprKind::Binary(_, l, r) => {
            reads(l, used);
            reads(r, used);
        }
        ExprKind::In { set, .. } => reads(set, used),
        ExprKind::Lit(_) | ExprKind::Visited(_) | ExprKind::Outcome | ExprKind::Tagged(_) => {}
    }
}

/// `minutes = 45`, `name = "Sam"`, `likes = outside, music`.
#[must_use]
pub fn value_line(model: &Model, var: VarId, value: &Value) -> String {
    let v = model.var(var);
    let shown = match (v.ty, value) {
        (Type::Text, Value::Text(t)) => format!("\"{t}\""),
        _ => model.display(v.ty, value),
    };
    format!("{} = {shown}", v.name)
}

fn sources(model: &Model, tags: &[String]) -> Vec<String> {
    tags.iter()
        .map(|tag| match model.citations.iter().find(|(t, _)| t == tag) {
            Some((_, name)) => format!("[{tag}] {name}"),
            None => format!("[{tag}]"),
        })
        .collect()
}

fn reasons(session: &Session<'_>) -> Vec<String> {
    session.reasons().iter().map(|r| r.text.clone()).collect()
}

/// How long a question may be in "How you got here" and `why`.
const SHORT: usize = 60;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_path;
    use crate::interp::Answer;
    use crate::model::{HookError, HookOutput, HookRuntime, Type};
    use crate::prompt::Progress;
    use crate::script::HookErrorKind;
    use std::sync::Arc;

    /// Stands in for the script: `nudge(n)` is `n + 1`, with a reason.
    #[derive(Debug)]
    struct Nudge;

    impl HookRuntime for Nudge {
        fn call(
            &self,
            _: &Model,
            name: &str,
            args: &[Value],
            _: &[Type],
            _: Type,
        ) -> Result<HookOutput, HookError> {
            match (name, args) {
                ("nudge", [Value::Int(n)]) => Ok(HookOutput {
                    value: Value::Int(n + 1),
                    reasons: vec![format!("one was added to {n}")],
                    log: Vec::new(),
                }),
                _ => Err(HookError::new(
                    name,
                    HookErrorKind::NotDefined { arity: args.len() },
                )),
            }
        }
    }

    fn model() -> Model {
        let mut model = match check_path(std::path::Path::new("tests/fixtures/run/reasons.tree")) {
            Ok(c) => c.model,
            Err(f) => panic!("{:#?}", f.diagnostics),
        };
        model.hooks = Some(Arc::new(Nudge));
        model
    }

    #[test]
    fn the_outcome_shows_sources_path_values_and_hook_reasons() {
        let m = model();
        let mut s = Session::new(&m).unwrap();
        s.answer(Answer::Choose(1)).unwrap();
        assert_eq!(
            outcome(&s).plain(),
            "n is 3\n──────\n\nSources\n  [R1] A reference\n\nHow you got here\n  How many? → Two\n\n\
             What mattered\n  n = 3\n\nReasons\n  • one was added to 2\n"
        );
    }

    #[test]
    fn the_transcript_gives_each_step_its_reasons() {
        let m = model();
        let mut s = Session::new(&m).unwrap();
        s.answer(Answer::Choose(0)).unwrap();
        let t = serde_json::to_value(crate::transcript::Transcript::of(
            &s,
            crate::transcript::Status::Finished,
        ))
        .unwrap();
        let reason =
            serde_json::json!({"hook": "nudge", "node": "s", "text": "one was added to 1"});
        assert_eq!(
            t["steps"][0]["reasons"],
            serde_json::json!([reason.clone()])
        );
        assert_eq!(t["steps"][0]["passed"], serde_json::json!(["s"]));
        assert_eq!(t["reasons"], serde_json::json!([reason]));
    }

    #[test]
    fn why_lists_the_path_values_hidden_options_and_reasons() {
        let m = model();
        let mut s = Session::new(&m).unwrap();
        let step = Step::current(&mut s, &Progress::new(&m));
        let text = why(&s, &step).plain();
        assert!(text.contains("This is the first step."), "{text}");
        assert!(text.contains("Now\n  How many? (step `q`)"), "{text}");
        assert!(text.contains("Values now\n  n = 1"), "{text}");
    }

    #[test]
    fn branch_decisions_name_the_condition_that_held() {
        let src = r#"
tree t "T" { start q outcomes a, b }
var x: int = 0
question q { text "Q" option lo "Low" -> br option hi "High" { set x = 5 } -> br }
branch br { when x > 3 -> big else -> small }
outcome big { kind a title "Big" }
outcome small { kind b title "Small" }
"#;
        let m = match crate::check::check_str(std::path::Path::new("t.tree"), src) {
            Ok(c) => c.model,
            Err(f) => panic!("{:#?}", f.diagnostics),
        };
        let mut s = Session::new(&m).unwrap();
        s.answer(Answer::Choose(1)).unwrap();
        assert_eq!(path_lines(&s), ["Q → High", "The tree checked: x > 3"]);
        assert_eq!(mattered(&s), ["x = 5"]);
        s.restart();
        s.answer(Answer::Choose(0)).unwrap();
        assert_eq!(
            path_lines(&s),
            [
                "Q → Low",
                "The tree checked `br`: none of its conditions held"
            ]
        );
        assert_eq!(mattered(&s), ["x = 0"]);
    }
}
