//! Answers written by id: answers files (`--answers`), `--answer NODE=VALUE`,
//! `--set VAR=VALUE`, and the answers inside saved sessions and transcripts.
//!
//! An answers file maps node ids to answers, in JSON or TOML:
//!
//! ```json
//! { "how_tired": "bit", "time": 45, "enjoys": ["outside", "music"] }
//! ```
//!
//! A question takes an option id, a checklist a list of item ids (or one
//! comma-separated string), a number input a number, a text input a string.
//! Every entry is checked against the tree before the run starts, and every
//! problem is reported at once with the valid values.

mod file;
mod set;

use set::set_words;

pub use file::{load_file, parse_text, FileError};
pub use set::{parse_set, split_assignment};

use crate::diag::did_you_mean;
use crate::interp::{Answer, AnswerError};
use crate::model::{Choice, InputKind, Item, Model, NodeId, NodeKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// An answer written by ids. Read from JSON or TOML as a whole number, a
/// string or a list of strings; anything else is refused with a message
/// that says which forms are accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AnswerValue {
    /// A number input's value.
    Number(i64),
    /// An option id, a text input's value, or comma-separated item ids.
    Text(String),
    /// Checklist item ids.
    Items(Vec<String>),
}

impl fmt::Display for AnswerValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = match self {
            AnswerValue::Number(n) => return write!(f, "{n}"),
            AnswerValue::Text(t) => format!("{t:?}"),
            AnswerValue::Items(items) => format!("{items:?}"),
        };
        f.write_str(&crate::diag::shorten(&shown))
    }
}

/// What an answer may be, for messages.
pub const ANSWER_FORMS: &str =
    "an option id or a text (a string), a list of item ids, or a whole number \
     like 45 (not 45.0, 4.5e1 or -0)";

impl<'de> Deserialize<'de> for AnswerValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnswerVisitor)
    }
}

struct AnswerVisitor;

impl<'de> serde::de::Visitor<'de> for AnswerVisitor {
    type Value = AnswerValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(ANSWER_FORMS)
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<AnswerValue, E> {
        Ok(AnswerValue::Number(n))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<AnswerValue, E> {
        i64::try_from(n).map(AnswerValue::Number).map_err(|_| {
            E::custom(format!(
                "{n} is larger than the largest whole number, {}",
                i64::MAX
            ))
        })
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<AnswerValue, E> {
        let shown = if n.is_nan() {
            "nan".to_string()
        } else if n.is_infinite() {
            if n > 0.0 { "inf" } else { "-inf" }.to_string()
        } else {
            format!("{n:?}")
        };
        Err(E::custom(format!(
            "{shown} is not a whole number; write whole numbers like 45 (not 45.0, 4.5e1 or -0)"
        )))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<AnswerValue, E> {
        Ok(AnswerValue::Text(s.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<AnswerValue, E> {
        Ok(AnswerValue::Text(s))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<AnswerValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<serde_json::Value>()? {
            match item {
                serde_json::Value::String(s) => items.push(s),
                other => {
                    return Err(serde::de::Error::custom(format!(
                        "a list of item ids holds only strings, not {}",
                        crate::diag::shorten(&other.to_string())
                    )))
                }
            }
        }
        Ok(AnswerValue::Items(items))
    }
}

/// Why an answer does not fit a step. Each message says what would.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Misfit {
    /// `{"how_tierd": "bit"}`
    #[error("there is no step with this id{}", unknown_node(.suggestion, .valid))]
    UnknownNode {
        suggestion: Option<String>,
        /// The steps that take answers, when there are few enough to list.
        valid: Option<String>,
    },
    /// `{"pick": "x"}` where `pick` is a branch
    #[error("this is a {kind} step; it takes no answer")]
    NoAnswer { kind: &'static str },
    /// `{"how_tired": "tierd"}`
    #[error("not an option of this question; the options are {valid}{}", hint(.suggestion))]
    UnknownOption {
        valid: String,
        suggestion: Option<String>,
    },
    /// `{"enjoys": ["outsid"]}`
    #[error("`{}` is not an item of this checklist; the items are {valid}{}", crate::diag::shorten(.item), hint(.suggestion))]
    UnknownItem {
        item: String,
        valid: String,
        suggestion: Option<String>,
    },
    /// `{"time": "soon"}`
    #[error("not a whole number; the answer must be a number from {min} to {max}")]
    NotANumber { min: i64, max: i64 },
    /// `{"time": 999}`
    #[error("out of range; the answer must be a number from {min} to {max}")]
    OutOfRange { min: i64, max: i64 },
    /// A text input's answer over its `max`.
    #[error("too long ({len} characters); at most {max} are allowed")]
    TooLong { len: usize, max: u32 },
    /// `{"how_tired": 2}`
    #[error("expected {expected}")]
    WrongShape { expected: &'static str },
    /// An option or item hidden by its condition on this path.
    #[error("not available on this path (it is shown only when `{condition}`)")]
    Hidden { condition: String },
    /// The run reached a different step than the answer was for.
    #[error("the tree now asks `{asked}` at this point")]
    Elsewhere { asked: String },
    /// A saved answer's step is gone from the tree.
    #[error("this step is no longer in the tree")]
    Removed,
    /// The run ended before this answer.
    #[error("the run now reaches an outcome before this step")]
    Finished,
    /// A hook failed while applying the answer.
    #[error("{0}")]
    Failed(String),
}

/// Most step ids listed when an answer names an unknown step.
const MAX_LISTED: usize = 12;

fn unknown_node(suggestion: &Option<String>, valid: &Option<String>) -> String {
    match (suggestion, valid) {
        (Some(s), _) => format!(" ({s})"),
        (None, Some(valid)) => format!("; the steps that take answers are {valid}"),
        (None, None) => String::new(),
    }
}

fn hint(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map_or_else(String::new, |s| format!(" ({s})"))
}

/// One answer that does not fit, with the node and the value it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub node: String,
    pub value: Option<AnswerValue>,
    pub misfit: Misfit,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let node = crate::diag::shorten(&self.node);
        match &self.value {
            Some(v) => write!(f, "`{node}` = {v}: {}", self.misfit),
            None => write!(f, "`{node}`: {}", self.misfit),
        }
    }
}

/// Read an answer written by ids as an answer to `node`.
///
/// # Errors
/// When the node takes no answer or the value does not fit it.
pub fn to_answer(model: &Model, node: NodeId, value: &AnswerValue) -> Result<Answer, Misfit> {
    match &model.node(node).kind {
        NodeKind::Question { options } => option_answer(options, value),
        NodeKind::Checklist { items, .. } => checklist_answer(items, value),
        NodeKind::Input { input, .. } => input_answer(input, value),
        kind => Err(Misfit::NoAnswer {
            kind: kind.keyword(),
        }),
    }
}

fn option_answer(options: &[Choice], value: &AnswerValue) -> Result<Answer, Misfit> {
    let AnswerValue::Text(id) = value else {
        return Err(Misfit::WrongShape {
            expected: "an option id (in quotes)",
        });
    };
    let ids = options.iter().map(|o| o.id.as_str());
    match options.iter().position(|o| &o.id == id) {
        Some(i) => Ok(Answer::Choose(i)),
        None => Err(Misfit::UnknownOption {
            valid: join(ids.clone()),
            suggestion: did_you_mean(id, ids),
        }),
    }
}

fn checklist_answer(items: &[Item], value: &AnswerValue) -> Result<Answer, Misfit> {
    let words: Vec<&str> = match value {
        AnswerValue::Items(list) => list.iter().map(String::as_str).collect(),
        AnswerValue::Text(t) => set_words(t),
        AnswerValue::Number(_) => {
            return Err(Misfit::WrongShape {
                expected: "a list of item ids",
            })
        }
    };
    let mut mask = 0u64;
    for word in words {
        let Some(i) = items.iter().position(|i| i.id == word) else {
            let ids = items.iter().map(|i| i.id.as_str());
            return Err(Misfit::UnknownItem {
                item: word.to_string(),
                valid: join(ids.clone()),
                suggestion: did_you_mean(word, ids),
            });
        };
        mask |= 1 << i;
    }
    Ok(Answer::Check(mask))
}

fn input_answer(input: &InputKind, value: &AnswerValue) -> Result<Answer, Misfit> {
    match (input.clone(), value) {
        (InputKind::Number { min, max }, AnswerValue::Number(n)) => number(*n, min, max),
        (InputKind::Number { min, max }, AnswerValue::Text(t)) => match t.trim().parse::<i64>() {
            Ok(n) => number(n, min, max),
            Err(_) => Err(Misfit::NotANumber { min, max }),
        },
        (InputKind::Number { .. }, AnswerValue::Items(_)) => Err(Misfit::WrongShape {
            expected: "a number",
        }),
        (InputKind::Text { max_len }, AnswerValue::Text(t)) => {
            let len = t.chars().count();
            if len > max_len as usize {
                Err(Misfit::TooLong { len, max: max_len })
            } else {
                Ok(Answer::Text(t.clone()))
            }
        }
        (InputKind::Text { .. }, AnswerValue::Number(n)) => Ok(Answer::Text(n.to_string())),
        (InputKind::Text { .. }, AnswerValue::Items(_)) => Err(Misfit::WrongShape {
            expected: "a text (in quotes)",
        }),
    }
}

fn number(n: i64, min: i64, max: i64) -> Result<Answer, Misfit> {
    if (min..=max).contains(&n) {
        Ok(Answer::Number(n))
    } else {
        Err(Misfit::OutOfRange { min, max })
    }
}

fn join<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    ids.collect::<Vec<_>>().join(", ")
}

/// Write an answer by ids; `None` for an info step's "go on".
#[must_use]
pub fn from_answer(model: &Model, node: NodeId, answer: &Answer) -> Option<AnswerValue> {
    match (&model.node(node).kind, answer) {
        (NodeKind::Question { options }, Answer::Choose(i)) => {
            options.get(*i).map(|o| AnswerValue::Text(o.id.clone()))
        }
        (NodeKind::Checklist { items, .. }, Answer::Check(mask)) => Some(AnswerValue::Items(
            items
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, item)| item.id.clone())
                .collect(),
        )),
        (_, Answer::Number(n)) => Some(AnswerValue::Number(*n)),
        (_, Answer::Text(t)) => Some(AnswerValue::Text(t.clone())),
        _ => None,
    }
}

/// An answers file (as JSON) for a sequence of answers: node id to answer,
/// info steps left out. `guidetree run --answers` replays it.
#[must_use]
pub fn answers_file(model: &Model, answers: &[(NodeId, Answer)]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (node, answer) in answers {
        if let Some(value) = from_answer(model, *node, answer) {
            let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
            map.insert(model.node(*node).id.clone(), value);
        }
    }
    serde_json::Value::Object(map)
}

/// Turn a refusal from the session into a [`Misfit`], naming the
/// condition that hides an option.
#[must_use]
pub fn misfit_of(model: &Model, node: NodeId, err: &AnswerError) -> Misfit {
    let condition = |id: &str| {
        let cond = match &model.node(node).kind {
            NodeKind::Question { options } => options
                .iter()
                .find(|o| o.id == id)
                .and_then(|o| o.cond.as_ref()),
            NodeKind::Checklist { items, .. } => items
                .iter()
                .find(|i| i.id == id)
                .and_then(|i| i.cond.as_ref()),
            _ => None,
        };
        cond.map_or_else(String::new, |c| {
            model.sources.get(c.span.file).slice(c.span).to_string()
        })
    };
    match err {
        AnswerError::Hidden(id) | AnswerError::HiddenItem(id) => Misfit::Hidden {
            condition: condition(id),
        },
        AnswerError::OutOfRange { min, max, .. } => Misfit::OutOfRange {
            min: *min,
            max: *max,
        },
        AnswerError::TooLong { len, max } => Misfit::TooLong {
            len: *len,
            max: *max,
        },
        AnswerError::Finished => Misfit::Finished,
        other => Misfit::Failed(other.to_string()),
    }
}

/// Answers given ahead of time, keyed by node. Each is used once: going
/// back to a step answered this way asks the person instead.
#[derive(Debug, Clone, Default)]
pub struct Presets {
    entries: HashMap<NodeId, (AnswerValue, Answer)>,
    /// Node ids in the order they were given, for "not used" notes.
    order: Vec<NodeId>,
}

impl Presets {
    /// Check every entry against the tree. Later entries for the same node
    /// replace earlier ones (so `--answer` overrides the file).
    ///
    /// # Errors
    /// Every entry that does not fit, at once.
    pub fn resolve(
        model: &Model,
        entries: Vec<(String, AnswerValue)>,
    ) -> Result<Self, Vec<Problem>> {
        let mut presets = Presets::default();
        let mut problems = Vec::new();
        for (id, value) in entries {
            let Some(node) = model.find_node(&id) else {
                problems.push(Problem {
                    misfit: unknown_step(model, &id),
                    node: id,
                    value: None,
                });
                continue;
            };
            match to_answer(model, node, &value) {
                Ok(answer) => {
                    presets.order.retain(|n| *n != node);
                    presets.order.push(node);
                    presets.entries.insert(node, (value, answer));
                }
                Err(misfit) => problems.push(Problem {
                    node: id,
                    value: Some(value),
                    misfit,
                }),
            }
        }
        if problems.is_empty() {
            Ok(presets)
        } else {
            Err(problems)
        }
    }

    /// Take the answer for a node, if one was given and not yet used.
    pub fn take(&mut self, node: NodeId) -> Option<(AnswerValue, Answer)> {
        let found = self.entries.remove(&node);
        if found.is_some() {
            self.order.retain(|n| *n != node);
        }
        found
    }

    /// Nodes whose answers were never used, in the order given.
    #[must_use]
    pub fn unused(&self) -> &[NodeId] {
        &self.order
    }
}

/// An unknown step id: a suggestion, or the ids that would do.
#[must_use]
pub fn unknown_step(model: &Model, id: &str) -> Misfit {
    let names: Vec<&str> = model
        .nodes
        .iter()
        .filter(|n| crate::model::graph::asks(&n.kind))
        .map(|n| n.id.as_str())
        .collect();
    Misfit::UnknownNode {
        suggestion: did_you_mean(id, names.iter().copied()),
        valid: (names.len() <= MAX_LISTED).then(|| names.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_str;
    use crate::model::Value;
    use std::path::Path;

    fn model() -> Model {
        let src = std::fs::read_to_string("trees/hello.tree").unwrap();
        match check_str(Path::new("trees/hello.tree"), &src) {
            Ok(c) => c.model,
            Err(f) => panic!("{:#?}", f.diagnostics),
        }
    }

    fn text(s: &str) -> AnswerValue {
        AnswerValue::Text(s.into())
    }

    #[test]
    fn answers_by_id_round_trip() {
        let m = model();
        for (node, value) in [
            ("how_tired", text("bit")),
            ("time", AnswerValue::Number(45)),
            (
                "enjoys",
                AnswerValue::Items(vec!["outside".into(), "people".into()]),
            ),
        ] {
            let n = m.find_node(node).unwrap();
            let answer = to_answer(&m, n, &value).unwrap();
            assert_eq!(from_answer(&m, n, &answer), Some(value));
        }
        let enjoys = m.find_node("enjoys").unwrap();
        assert_eq!(
            to_answer(&m, enjoys, &text("music, people")),
            Ok(Answer::Check(0b110))
        );
        assert_eq!(
            to_answer(&m, enjoys, &text("{music, people}")),
            Ok(Answer::Check(0b110))
        );
        assert_eq!(to_answer(&m, enjoys, &text("{}")), Ok(Answer::Check(0)));
    }

    #[test]
    fn every_bad_entry_is_reported_with_the_valid_values() {
        let m = model();
        let entries = vec![
            ("how_tierd".to_string(), text("bit")),
            ("feeling".to_string(), text("clam")),
            ("time".to_string(), AnswerValue::Number(999)),
            (
                "enjoys".to_string(),
                AnswerValue::Items(vec!["musik".into()]),
            ),
            ("pick".to_string(), text("walk")),
            ("nap".to_string(), text("yes")),
        ];
        let problems = Presets::resolve(&m, entries).unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "`how_tierd`: there is no step with this id (did you mean `how_tired`?)",
                "`feeling` = \"clam\": not an option of this question; the options are calm, restless, low, skip (did you mean `calm`?)",
                "`time` = 999: out of range; the answer must be a number from 0 to 240",
                "`enjoys` = [\"musik\"]: `musik` is not an item of this checklist; the items are outside, music, people (did you mean `music`?)",
                "`pick` = \"walk\": this is a branch step; it takes no answer",
                "`nap`: there is no step with this id; the steps that take answers are how_tired, feeling, time, enjoys",
            ]
        );
    }

    #[test]
    fn presets_are_used_once_and_later_entries_win() {
        let m = model();
        let mut p = Presets::resolve(
            &m,
            vec![
                ("time".into(), AnswerValue::Number(5)),
                ("time".into(), text("50")),
            ],
        )
        .unwrap();
        let time = m.find_node("time").unwrap();
        assert_eq!(p.unused(), [time]);
        assert_eq!(p.take(time).map(|(_, a)| a), Some(Answer::Number(50)));
        assert_eq!(p.take(time), None);
        assert!(p.unused().is_empty());
    }

    #[test]
    fn toml_tables_stand_for_dotted_ids() {
        let dir = std::env::temp_dir().join(format!("guidetree-answers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.toml");
        std::fs::write(
            &path,
            "top = \"x\"\n[silence]\nno_reply = 3\n[silence.deep]\nids = [\"a\", \"b\"]\n",
        )
        .unwrap();
        let entries = load_file(&path).unwrap();
        assert_eq!(
            entries,
            [
                (
                    "silence.deep.ids".to_string(),
                    AnswerValue::Items(vec!["a".into(), "b".into()])
                ),
                ("silence.no_reply".to_string(), AnswerValue::Number(3)),
                ("top".to_string(), text("x")),
            ]
        );
        std::fs::write(&path, "top = true\n").unwrap();
        let err = load_file(&path).unwrap_err().to_string();
        assert!(
            err.ends_with(
                "`top` = true: expected an option id or a text (a string), a list of item ids, \
                 or a whole number like 45 (not 45.0, 4.5e1 or -0)"
            ),
            "{err}"
        );
        for (toml, want) in [
            (
                "top = 1979-05-27T07:32:00Z\n",
                "`top` = 1979-05-27T07:32:00Z: a date and time",
            ),
            ("top = inf\n", "`top` = inf: not a whole number"),
            ("top = 45.0\n", "`top` = 45.0: not a whole number"),
        ] {
            std::fs::write(&path, toml).unwrap();
            let err = load_file(&path).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
            assert!(!err.contains("toml_private"), "{err}");
        }
        std::fs::write(&path, "top = \n").unwrap();
        let err = load_file(&path).unwrap_err().to_string();
        assert!(
            err.contains("is not valid TOML") && err.contains("(line 1, column"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn set_values_follow_the_variable_type() {
        let m = model();
        assert_eq!(parse_set(&m, "minutes", "5").unwrap().1, Value::Int(5));
        assert_eq!(
            parse_set(&m, "mood", "low").unwrap().1,
            Value::Enum(Some(2))
        );
        assert_eq!(
            parse_set(&m, "likes", "music,people").unwrap().1,
            parse_set(&m, "likes", "{music, people}").unwrap().1
        );
        assert_eq!(parse_set(&m, "likes", "{}").unwrap().1, Value::Set(0));
        assert_eq!(
            parse_set(&m, "likes", "music,people").unwrap().1,
            Value::Set(0b110)
        );
        assert_eq!(
            parse_set(&m, "mood", "lo").unwrap_err(),
            "`mood` = \"lo\": expected one of calm, restless, low (did you mean `low`?)"
        );
        assert_eq!(
            parse_set(&m, "minuts", "5").unwrap_err(),
            "there is no variable `minuts` (did you mean `minutes`?)"
        );
    }
}
