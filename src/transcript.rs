//! The machine-readable record of a run (`guidetree run --json`): the tree,
//! every step with its answer and what the answer changed, and the outcome.
//! The schema is documented in `docs/running.md`.

use crate::answers::{from_answer, AnswerValue};
use crate::interp::{LogLine, Reason, Session};
use crate::model::{Model, NodeKind, Type, Value};
use crate::wording::answer_label;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// An outcome was reached.
    Finished,
    /// The person quit.
    Quit,
    /// The input ended first.
    Eof,
    /// Ctrl-C.
    Interrupted,
}

/// A whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Transcript {
    pub tree: String,
    pub title: String,
    pub version: u32,
    pub hash: String,
    pub status: Status,
    /// The first node of the run (the tree's start, or `--from`).
    pub start: String,
    pub steps: Vec<StepEntry>,
    pub outcome: Option<OutcomeEntry>,
    /// Every variable at the end, by name.
    pub variables: BTreeMap<String, Json>,
    /// Every reason hooks gave with `explain(...)`, in order, including
    /// any given before the first answer.
    pub reasons: Vec<Reason>,
    /// Every line hooks printed with `print` or `debug`, in order,
    /// including any printed before the first answer.
    pub log: Vec<LogLine>,
}

/// One answered step.
#[derive(Debug, Clone, Serialize)]
pub struct StepEntry {
    pub node: String,
    /// `question`, `checklist`, `input` or `info`.
    pub kind: &'static str,
    /// The node's `tags`, as written.
    pub tags: Vec<String>,
    /// The step's text as shown.
    pub text: String,
    /// The answer by id; `null` for an info step.
    pub answer: Option<AnswerValue>,
    /// The answer in words, as shown.
    pub label: String,
    /// Variables this answer changed, including through the branch and
    /// score nodes it led through.
    pub effects: Vec<Change>,
    /// Nodes passed through automatically after the answer.
    pub passed: Vec<String>,
    /// Reasons hooks gave while this answer was applied.
    pub reasons: Vec<Reason>,
    /// Lines hooks printed while this answer was applied.
    pub log: Vec<LogLine>,
}

/// A variable's change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub var: String,
    pub from: Json,
    pub to: Json,
}

/// The outcome reached.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeEntry {
    pub node: String,
    /// The outcome kind (`rest`, `stop`, ...).
    pub kind: String,
    /// The outcome node's `tags`, as written.
    pub tags: Vec<String>,
    pub title: String,
    pub text: String,
    pub advice: Vec<String>,
    pub sources: Vec<SourceEntry>,
}

/// A cited source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceEntry {
    pub tag: String,
    /// What the tag stands for, when the tree names it.
    pub name: Option<String>,
}

impl Transcript {
    /// Record a session as it stands.
    #[must_use]
    pub fn of(session: &Session<'_>, status: Status) -> Self {
        let model = session.model();
        let path = session.path();
        let vars = session.vars_history();
        let steps = vars
            .windows(2)
            .enumerate()
            .map(|(i, around)| step_entry(session, i, &around[0], &around[1]))
            .collect();
        Transcript {
            tree: model.id.clone(),
            title: model.title.clone(),
            version: model.version,
            hash: model.hash.clone(),
            status,
            start: path
                .first()
                .map_or_else(String::new, |n| model.node(*n).id.clone()),
            steps,
            outcome: outcome(session),
            variables: variables(model, session.vars()),
            reasons: session.reasons().to_vec(),
            log: session.log().to_vec(),
        }
    }
}

/// The `i`-th answered step: what was shown, the answer, what it changed,
/// the nodes passed on the way to the next step, and the reasons and log
/// lines hooks gave meanwhile, with the variables just `before` and
/// `after` it.
fn step_entry(session: &Session<'_>, i: usize, before: &[Value], after: &[Value]) -> StepEntry {
    let model = session.model();
    let history = session.history();
    let r = &history[i];
    let next = history.get(i + 1);
    let node = model.node(r.node);
    let path_end = next.map_or(session.path().len(), |n| n.path_len());
    let passed = session
        .path()
        .get(r.path_len()..path_end.saturating_sub(1))
        .unwrap_or_default()
        .iter()
        .map(|n| model.node(*n).id.clone())
        .collect();
    let reasons_end = next.map_or(session.reasons().len(), |n| n.reasons_len());
    let log_end = next.map_or(session.log().len(), |n| n.log_len());
    StepEntry {
        node: node.id.clone(),
        kind: node.kind.keyword(),
        tags: node.tags.clone(),
        text: node
            .text
            .as_ref()
            .map(|t| model.render_text(t, before))
            .unwrap_or_default(),
        answer: from_answer(model, r.node, &r.answer),
        label: answer_label(model, r.node, &r.answer, before),
        effects: changes(model, before, after),
        passed,
        reasons: slice_of(session.reasons(), r.reasons_len()..reasons_end),
        log: slice_of(session.log(), r.log_len()..log_end),
    }
}

/// The part of a list between two recorded lengths (empty if out of range).
fn slice_of<T: Clone>(all: &[T], range: std::ops::Range<usize>) -> Vec<T> {
    all.get(range).unwrap_or_default().to_vec()
}

fn outcome(session: &Session<'_>) -> Option<OutcomeEntry> {
    let model = session.model();
    let node = model.node(session.current());
    let vars = session.vars();
    let NodeKind::Outcome {
        kind,
        title,
        advice,
    } = &node.kind
    else {
        return None;
    };
    Some(OutcomeEntry {
        node: node.id.clone(),
        kind: model.kind_name(*kind).to_string(),
        tags: node.tags.clone(),
        title: model.render_text(title, vars),
        text: node
            .text
            .as_ref()
            .map(|t| model.render_text(t, vars))
            .unwrap_or_default(),
        advice: advice.iter().map(|a| model.render_text(a, vars)).collect(),
        sources: node
            .sources
            .iter()
            .map(|t| source_entry(model, t))
            .collect(),
    })
}

/// A cited source tag, with the name the tree gives it.
fn source_entry(model: &Model, tag: &str) -> SourceEntry {
    let name = model.citations.iter().find(|(t, _)| t == tag);
    SourceEntry {
        tag: tag.to_string(),
        name: name.map(|(_, name)| name.clone()),
    }
}

fn changes(model: &Model, before: &[Value], after: &[Value]) -> Vec<Change> {
    model
        .vars
        .iter()
        .zip(before.iter().zip(after))
        .filter(|(_, (b, a))| b != a)
        .map(|(var, (b, a))| Change {
            var: var.name.clone(),
            from: value_json(model, var.ty, b),
            to: value_json(model, var.ty, a),
        })
        .collect()
}

/// Every variable by name, as JSON.
#[must_use]
pub fn variables(model: &Model, vars: &[Value]) -> BTreeMap<String, Json> {
    model
        .vars
        .iter()
        .zip(vars)
        .map(|(var, value)| (var.name.clone(), value_json(model, var.ty, value)))
        .collect()
}

/// A value as JSON: booleans, numbers and strings as themselves, a
/// `one_of` as its member name (or `null` when unset), a set as a list of
/// member names.
#[must_use]
pub fn value_json(model: &Model, ty: Type, value: &Value) -> Json {
    let member = |d: crate::model::DomainId, m: u32| {
        model.domains[d.0 as usize]
            .get(m as usize)
            .map_or(Json::Null, |name| Json::String(name.clone()))
    };
    match (ty, value) {
        (_, Value::Bool(b)) => Json::Bool(*b),
        (_, Value::Int(n)) => Json::from(*n),
        (_, Value::Text(t)) => Json::String(t.to_string()),
        (Type::Enum(d), Value::Enum(Some(m))) => member(d, *m),
        (Type::Set(d), Value::Set(bits)) => Json::Array(
            (0..64u32)
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| member(d, i))
                .collect(),
        ),
        _ => Json::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_str;
    use crate::interp::Answer;
    use std::path::Path;

    #[test]
    fn steps_record_answers_effects_and_automatic_nodes() {
        let src = std::fs::read_to_string("trees/hello.tree").unwrap();
        let m = match check_str(Path::new("trees/hello.tree"), &src) {
            Ok(c) => c.model,
            Err(f) => panic!("{:#?}", f.diagnostics),
        };
        let mut s = Session::new(&m).unwrap();
        for a in [
            Answer::Continue,
            Answer::Choose(1),
            Answer::Choose(0),
            Answer::Number(45),
            Answer::Check(0b011),
        ] {
            s.answer(a).unwrap();
        }
        let t = Transcript::of(&s, Status::Finished);
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["status"], "finished");
        assert_eq!(json["start"], "welcome");
        assert_eq!(json["steps"][1]["answer"], "bit");
        assert_eq!(
            json["steps"][1]["effects"],
            serde_json::json!([{"var": "energy", "from": 0, "to": -1}])
        );
        let last = &json["steps"][4];
        assert_eq!(last["answer"], serde_json::json!(["outside", "music"]));
        assert_eq!(last["passed"], serde_json::json!(["tally", "pick"]));
        assert_eq!(last["label"], "Being outside, Music");
        assert_eq!(json["outcome"]["node"], "walk");
        assert_eq!(json["outcome"]["kind"], "move");
        assert_eq!(
            json["outcome"]["sources"],
            serde_json::json!([{"tag": "H1", "name": "Common sense about taking breaks"}])
        );
        assert_eq!(json["variables"]["mood"], "calm");
    }
}
