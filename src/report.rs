//! Human-readable reports: the snapshot report that `guidetree snapshot`
//! prints and `tests/trees.rs` snapshots, and the pieces `guidetree test`
//! uses to show a counterexample.
//!
//! A snapshot report grows with the tree, not with its paths (see
//! `docs/testing.md`): a summary (exact path counts per outcome, assert
//! verdicts, coverage), every node's words once, the distinct states with
//! each answer and where it leads, and the transcript of the shortest path
//! to each outcome. It is deterministic and ordered by ids and values, never
//! by position in the file, so reordering a file changes nothing, one edited
//! sentence changes one line and one re-routed option changes only the
//! states it touches.

use crate::explore::asserts::{Nearest, Totals, Via};
use crate::explore::coverage::{Coverage, Site};
use crate::explore::{Count, End, PathRecord, Summary};
use crate::interp::{Answer, AnswerError, Reason, Session};
use crate::model::{Effect, Model, NodeId, NodeKind, Type, Value, VarId};
use crate::source::{Sources, Span};
use std::fmt::Write as _;

mod snapshot;

pub use snapshot::{state_label, template, write_result, write_snapshot};

/// Paths, and how they end: `528 paths, all reaching an outcome`.
#[must_use]
pub fn totals_summary(t: &Totals) -> String {
    let paths = format!(
        "{} path{}",
        t.paths,
        if t.paths == Count::ONE { "" } else { "s" }
    );
    if t.paths == t.outcomes {
        let all = if t.paths == Count::ONE { "" } else { "all " };
        return format!("{paths}, {all}reaching an outcome");
    }
    let parts: Vec<String> = [
        (t.outcomes, "reaching an outcome"),
        (t.cut, "cut at the visit limit"),
        (t.stuck, "stuck"),
        (t.errors, "failing"),
    ]
    .iter()
    .filter(|(n, _)| !n.is_zero())
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    format!("{paths}: {}", parts.join(", "))
}

/// Totals as JSON.
#[must_use]
pub fn totals_json(t: &Totals) -> serde_json::Value {
    serde_json::json!({
        "paths": t.paths,
        "outcomes": t.outcomes,
        "cut": t.cut,
        "stuck": t.stuck,
        "errors": t.errors,
        "states": t.states,
        "answers": t.edges,
    })
}

/// A path record as JSON: its id, key, answers and end.
#[must_use]
pub fn record_json(model: &Model, path: &PathRecord) -> serde_json::Value {
    let answers: Vec<serde_json::Value> = path
        .answers
        .iter()
        .map(|(n, a)| {
            serde_json::json!({
                "node": model.node(*n).id,
                "answer": crate::explore::answer_text(model, *n, a),
            })
        })
        .collect();
    let mut json = serde_json::json!({
        "id": path.id,
        "key": path.key,
        "answers": answers,
        "end": path.end.describe(model),
    });
    if !path.log.is_empty() {
        json["log"] = serde_json::to_value(&path.log).unwrap_or_default();
    }
    json
}

/// A duration for people: `850 µs`, `12 ms`, `1.3 s`.
#[must_use]
pub fn duration(d: std::time::Duration) -> String {
    let micros = d.as_micros();
    if micros < 1000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{} ms", micros / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// `s` for every count but one.
#[must_use]
pub fn plural_usize(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// How many paths there are and how they end: `528 paths, all reaching an
/// outcome`, `3 paths: 2 reaching an outcome, 1 cut at the visit limit`.
#[must_use]
pub fn paths_summary(s: &Summary) -> String {
    let paths = format!("{} path{}", s.paths, plural(s.paths));
    if s.paths == s.outcomes {
        let all = if s.paths == 1 { "" } else { "all " };
        return format!("{paths}, {all}reaching an outcome");
    }
    let parts: Vec<String> = [
        (s.outcomes, "reaching an outcome"),
        (s.cut, "cut at the visit limit"),
        (s.stuck, "stuck"),
        (s.errors, "failing"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    format!("{paths}: {}", parts.join(", "))
}

/// An assert as written in the tree, on one line.
#[must_use]
pub fn assert_text(model: &Model, index: usize) -> String {
    let span = model.asserts[index].span;
    let written = model.sources.get(span.file).slice(span);
    let text = written.split_whitespace().collect::<Vec<_>>().join(" ");
    text.strip_prefix("assert ")
        .map_or(text.clone(), str::to_string)
}

/// `file:line:col` of a span.
#[must_use]
pub fn location(sources: &Sources, span: Span) -> String {
    let file = sources.get(span.file);
    let (line, col) = file.line_col(span.start);
    format!("{}:{line}:{col}", file.path.display())
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A variable's value for people: texts quoted, enums and sets by name.
#[must_use]
pub fn show_value(model: &Model, var: VarId, value: &Value) -> String {
    match (model.var(var).ty, value) {
        (Type::Text, Value::Text(t)) => format!("{t:?}"),
        (ty, v) => model.display(ty, v),
    }
}

/// Every variable with its value: `toxic = false, months = 4`.
#[must_use]
pub fn show_state(model: &Model, vars: &[Value]) -> String {
    assignments(model, (0..vars.len()).map(var_id), vars)
}

fn var_id(i: usize) -> VarId {
    VarId::from_index(i)
}

fn assignments(model: &Model, vars: impl Iterator<Item = VarId>, values: &[Value]) -> String {
    vars.map(|v| {
        format!(
            "{} = {}",
            model.var(v).name,
            show_value(model, v, &values[v.index()])
        )
    })
    .collect::<Vec<_>>()
    .join(", ")
}

/// An answer for people: `very: Very tired`, `outside+music: Being
/// outside, Music`, `(none)`, `45`, `"Sam"`, `continue`. Labels are shown
/// with variables as they were just before the answer.
#[must_use]
pub fn show_answer(model: &Model, node: NodeId, answer: &Answer, vars: &[Value]) -> String {
    match (&model.node(node).kind, answer) {
        (NodeKind::Question { options }, Answer::Choose(i)) => match options.get(*i) {
            Some(o) => format!("{}: {}", o.id, model.render_text(&o.label, vars)),
            None => format!("option #{i}"),
        },
        (NodeKind::Checklist { items, .. }, Answer::Check(mask)) => {
            let ticked: Vec<_> = items
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, it)| it)
                .collect();
            if ticked.is_empty() {
                return "(none)".into();
            }
            let ids: Vec<&str> = ticked.iter().map(|it| it.id.as_str()).collect();
            let labels: Vec<String> = ticked
                .iter()
                .map(|it| model.render_text(&it.label, vars))
                .collect();
            format!("{}: {}", ids.join("+"), labels.join(", "))
        }
        (_, Answer::Number(n)) => n.to_string(),
        (_, Answer::Text(t)) => format!("{t:?}"),
        (_, Answer::Continue) => "continue".into(),
        (_, other) => format!("{other:?}"),
    }
}

/// Write one path as a transcript: each step's question and answer, the
/// variables it changed, the branches and scores it passed (with hook
/// reasons), then how the path ended.
pub fn write_transcript(out: &mut String, session: &Session<'_>, end: &End, id: &str) {
    let model = session.model();
    let _ = writeln!(out, "{id} → {}", end.describe(model));
    let history = session.history();
    let path = session.path();
    let reasons = session.reasons();
    let defaults = model.defaults();
    // What happened before the first answer (a start that is a branch).
    let first = history.first().map_or(path.len(), |r| r.path_len());
    let first_reasons = history.first().map_or(reasons.len(), |r| r.reasons_len());
    let vars = session.vars_history();
    let step = Step {
        nodes: &path[..first],
        before: &defaults,
        after: &vars[0],
        reasons: &reasons[..first_reasons],
    };
    write_step(out, model, &step);
    for (i, record) in history.iter().enumerate() {
        let next = history.get(i + 1);
        // Ids only: the words are in the nodes section, once, so an edited
        // sentence changes one place in a snapshot.
        let node = &model.node(record.node).id;
        let answer = crate::explore::answer_text(model, record.node, &record.answer)
            .unwrap_or_else(|| "continue".into());
        let _ = writeln!(out, "  {node} → {answer}");
        let step = Step {
            nodes: &path[record.path_len()..next.map_or(path.len(), |r| r.path_len())],
            before: &vars[i],
            after: &vars[i + 1],
            reasons: &reasons
                [record.reasons_len()..next.map_or(reasons.len(), |r| r.reasons_len())],
        };
        write_step(out, model, &step);
    }
    write_end(out, session, end);
}

/// The nodes one answer entered (the last is where the path stopped next),
/// the variables before and after, and the reasons hooks gave on the way.
struct Step<'a> {
    nodes: &'a [NodeId],
    before: &'a [Value],
    after: &'a [Value],
    reasons: &'a [Reason],
}

fn write_step(out: &mut String, model: &Model, step: &Step<'_>) {
    let passed = &step.nodes[..step.nodes.len().saturating_sub(1)];
    let changed: Vec<VarId> = (0..step.after.len())
        .map(var_id)
        .filter(|v| step.before.get(v.index()) != step.after.get(v.index()))
        .collect();
    // A variable a score on the way assigns is shown with that score (the
    // last one, when several do), with its value after the step.
    let own: Vec<VarId> = changed
        .iter()
        .copied()
        .filter(|v| !passed.iter().any(|n| score_sets(model, *n, *v)))
        .collect();
    if !own.is_empty() {
        let _ = writeln!(
            out,
            "    set {}",
            assignments(model, own.into_iter(), step.after)
        );
    }
    let mut shown = vec![false; step.reasons.len()];
    for (i, &node) in passed.iter().enumerate() {
        let id = &model.node(node).id;
        match &model.node(node).kind {
            NodeKind::Branch { .. } => {
                let to = step
                    .nodes
                    .get(i + 1)
                    .map_or("?", |n| model.node(*n).id.as_str());
                let _ = writeln!(out, "    branch {id} → {to}");
            }
            NodeKind::Score { .. } => {
                let mine = (0..step.after.len())
                    .map(var_id)
                    .filter(|v| score_sets(model, node, *v))
                    .filter(|v| !passed[i + 1..].iter().any(|n| score_sets(model, *n, *v)));
                let _ = writeln!(
                    out,
                    "    score {id}: {}",
                    assignments(model, mine, step.after)
                );
            }
            _ => {}
        }
        for (r, reason) in step.reasons.iter().enumerate() {
            if !shown[r] && reason.node == *id {
                shown[r] = true;
                let _ = writeln!(out, "      why ({}): {}", reason.hook, reason.text);
            }
        }
    }
    for (reason, _) in step.reasons.iter().zip(shown).filter(|(_, s)| !s) {
        let _ = writeln!(out, "    why ({}): {}", reason.hook, reason.text);
    }
}

/// Does score node `node` assign variable `var`?
fn score_sets(model: &Model, node: NodeId, var: VarId) -> bool {
    let NodeKind::Score { effects, .. } = &model.node(node).kind else {
        return false;
    };
    effects.iter().any(|e| match e {
        Effect::Set(v, _) | Effect::Add(v, _) | Effect::Remove(v, _) => *v == var,
    })
}

fn write_end(out: &mut String, session: &Session<'_>, end: &End) {
    let model = session.model();
    let id = &model.node(end.node()).id;
    let _ = match end {
        End::Outcome { kind, .. } => {
            writeln!(out, "  outcome {id} ({})", model.kind_name(*kind))
        }
        End::Cut { .. } => writeln!(
            out,
            "  {id}\n    (cut: one more visit than the limit allows)"
        ),
        End::Stuck { .. } => writeln!(out, "  {id}\n    (stuck: no option is shown)"),
        End::Error { answer, error, .. } => {
            let _ = write!(out, "  {id}");
            if let Some(a) = answer {
                let shown = crate::explore::answer_text(model, end.node(), a)
                    .unwrap_or_else(|| "continue".into());
                let _ = write!(out, " → {shown}");
            }
            writeln!(out, "\n    (error: {error})")
        }
    };
}

/// Write a path record as a counterexample: its answers, the final state
/// and how it ended, indented by `indent` spaces.
pub fn write_record(out: &mut String, model: &Model, path: &PathRecord, indent: usize) {
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}path {}:", path.id);
    if path.answers.is_empty() {
        let _ = writeln!(out, "{pad}  (no answers)");
    }
    for (node, answer) in &path.answers {
        if matches!(answer, Answer::Continue) {
            continue;
        }
        // Labels rarely interpolate; the final state is close enough here.
        let shown = show_answer(model, *node, answer, &path.vars);
        let _ = writeln!(out, "{pad}  {} → {shown}", model.node(*node).id);
    }
    let state = if matches!(
        path.end,
        End::Error {
            answer: Some(_),
            ..
        }
    ) {
        "state before the failing answer"
    } else {
        "state"
    };
    let _ = writeln!(out, "{pad}{state}: {}", show_state(model, &path.vars));
    if !path.log.is_empty() {
        let _ = writeln!(out, "{pad}hook output (print and debug):");
        for line in &path.log {
            let _ = writeln!(out, "{pad}  {}", crate::prompt::views::log_line(line));
        }
    }
    let _ = writeln!(out, "{pad}end: {}", path.end.describe(model));
    if let End::Error {
        error: AnswerError::Eval(e),
        ..
    } = &path.end
    {
        let _ = writeln!(out, "{pad}  (at {})", location(&model.sources, e.span));
    }
}

/// What an unreached `reachable(..)` assert says: a fact when exploration
/// was exhaustive, else only of the answers tried.
#[must_use]
pub fn unreached(proven: bool) -> &'static str {
    if proven {
        "no path reaches it"
    } else {
        "no path explored reaches it; exploration was bounded or sampled (see above), so a value not tried or a longer loop might"
    }
}

/// Why an unreached node is not reached, from the nearest reached point.
/// Unless exploration was exhaustive (`proven`), what was never seen is
/// said of the answers tried, not as a fact.
#[must_use]
pub fn explain_nearest(
    model: &Model,
    nearest: &Nearest,
    coverage: &Coverage,
    proven: bool,
) -> String {
    let never = |what: &str| {
        if proven {
            format!("is never {what}")
        } else {
            format!("was never {what} on the answers tried")
        }
    };
    let from = model.node(nearest.node);
    let to = &model.node(nearest.to).id;
    let at = location(&model.sources, from.id_span);
    match (&from.kind, nearest.via) {
        (NodeKind::Question { options }, Via::Option(i)) => {
            let o = &options[i];
            match &o.cond {
                Some(c) => format!(
                    "nearest reached point: question `{}` ({at}); its option `{}` (-> {to}) {}: `{}` {}",
                    from.id,
                    o.id,
                    never("shown"),
                    source_text(model, c.span),
                    never("true"),
                ),
                None => format!(
                    "nearest reached point: question `{}` ({at}); no path {}gets past it through option `{}` (-> {to})",
                    from.id,
                    if proven { "" } else { "explored " },
                    o.id
                ),
            }
        }
        (NodeKind::Branch { arms, .. }, Via::Arm(i)) => {
            let site = Site::Arm {
                node: nearest.node,
                index: i,
            };
            let tested = coverage
                .conditions
                .iter()
                .any(|c| c.site == site && c.seen_false);
            let why = if tested {
                never("true")
            } else {
                format!("{}: an earlier arm always matches", never("tested"))
            };
            format!(
                "nearest reached point: branch `{}` ({at}); its arm `when {}` (-> {to}) {why}",
                from.id,
                source_text(model, arms[i].cond.span)
            )
        }
        (NodeKind::Branch { .. }, Via::Else) => format!(
            "nearest reached point: branch `{}` ({at}); its `else` (-> {to}) {}: an arm always matches",
            from.id,
            never("taken"),
        ),
        _ => format!(
            "nearest reached point: {} `{}` ({at}); no path {}gets past it to `{to}`",
            from.kind.keyword(),
            from.id,
            if proven { "" } else { "explored " },
        ),
    }
}

/// The source text of a span, on one line.
#[must_use]
pub fn source_text(model: &Model, span: Span) -> String {
    let text = model.sources.get(span.file).slice(span);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
