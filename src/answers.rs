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

use crate::diag::did_you_mean;
use crate::interp::{Answer, AnswerError};
use crate::model::{InputKind, Model, NodeId, NodeKind, Type, Value, VarId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// An answer written by ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        match self {
            AnswerValue::Number(n) => write!(f, "{n}"),
            AnswerValue::Text(t) => write!(f, "{t:?}"),
            AnswerValue::Items(items) => write!(f, "{items:?}"),
        }
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
    #[error("`{item}` is not an item of this checklist; the items are {valid}{}", hint(.suggestion))]
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
        match &self.value {
            Some(v) => write!(f, "`{}` = {v}: {}", self.node, self.misfit),
            None => write!(f, "`{}`: {}", self.node, self.misfit),
        }
    }
}

/// Read an answer written by ids as an answer to `node`.
///
/// # Errors
/// When the node takes no answer or the value does not fit it.
pub fn to_answer(model: &Model, node: NodeId, value: &AnswerValue) -> Result<Answer, Misfit> {
    match &model.node(node).kind {
        NodeKind::Question { options } => {
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
        NodeKind::Checklist { items, .. } => {
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
                let ids = items.iter().map(|i| i.id.as_str());
                match items.iter().position(|i| i.id == word) {
                    Some(i) => mask |= 1 << i,
                    None => {
                        return Err(Misfit::UnknownItem {
                            item: word.to_string(),
                            valid: join(ids.clone()),
                            suggestion: did_you_mean(word, ids),
                        })
                    }
                }
            }
            Ok(Answer::Check(mask))
        }
        NodeKind::Input { input, .. } => input_answer(input, value),
        kind => Err(Misfit::NoAnswer {
            kind: kind.keyword(),
        }),
    }
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
        .filter(|n| takes_answer(&n.kind))
        .map(|n| n.id.as_str())
        .collect();
    Misfit::UnknownNode {
        suggestion: did_you_mean(id, names.iter().copied()),
        valid: (names.len() <= MAX_LISTED).then(|| names.join(", ")),
    }
}

/// Does this kind of node take an answer from a person?
fn takes_answer(kind: &NodeKind) -> bool {
    matches!(
        kind,
        NodeKind::Question { .. } | NodeKind::Checklist { .. } | NodeKind::Input { .. }
    )
}

/// Why an answers file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read the answers file {path}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the answers file {path} is not valid {format}: {message}")]
    Syntax {
        path: String,
        format: &'static str,
        message: String,
    },
    #[error(
        "the answers file {path} must map step ids to answers, like {{\"how_tired\": \"bit\"}}"
    )]
    NotAMap { path: String },
    #[error("the answers file {path}: `{node}` = {value}: expected an option id, a list of item ids, a number or a text")]
    BadValue {
        path: String,
        node: String,
        value: String,
    },
}

/// Read an answers file: TOML when the name ends in `.toml`, JSON otherwise.
/// Nested tables stand for dotted ids (`[silence]` `no_reply = "x"` is
/// `silence.no_reply`).
///
/// # Errors
/// When the file cannot be read or parsed, or holds a value that is no
/// kind of answer.
pub fn load_file(path: &Path) -> Result<Vec<(String, AnswerValue)>, FileError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| FileError::Io {
        path: shown.clone(),
        source,
    })?;
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    parse_text(&text, &shown, is_toml)
}

/// Parse the text of an answers file (TOML or JSON); `shown` names the file
/// in errors.
///
/// # Errors
/// When the text cannot be parsed, or holds a value that is no kind of
/// answer.
pub fn parse_text(
    text: &str,
    shown: &str,
    is_toml: bool,
) -> Result<Vec<(String, AnswerValue)>, FileError> {
    let shown = shown.to_string();
    let json = if is_toml {
        let table: toml::Table = toml::from_str(text).map_err(|e| FileError::Syntax {
            path: shown.clone(),
            format: "TOML",
            message: format!("{}{}", e.message(), toml_place(text, e.span())),
        })?;
        serde_json::to_value(table).map_err(|e| FileError::Syntax {
            path: shown.clone(),
            format: "TOML",
            message: e.to_string(),
        })?
    } else {
        serde_json::from_str::<serde_json::Value>(text).map_err(|e| FileError::Syntax {
            path: shown.clone(),
            format: "JSON",
            message: e.to_string(),
        })?
    };
    let serde_json::Value::Object(map) = json else {
        return Err(FileError::NotAMap { path: shown });
    };
    let mut out = Vec::new();
    flatten(&shown, "", map, &mut out)?;
    Ok(out)
}

fn toml_place(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    span.map_or_else(String::new, |s| {
        let before = &text[..s.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!(" (line {line}, column {col})")
    })
}

fn flatten(
    path: &str,
    prefix: &str,
    map: serde_json::Map<String, serde_json::Value>,
    out: &mut Vec<(String, AnswerValue)>,
) -> Result<(), FileError> {
    for (key, value) in map {
        let id = format!("{prefix}{key}");
        if let serde_json::Value::Object(inner) = value {
            flatten(path, &format!("{id}."), inner, out)?;
            continue;
        }
        let answer = serde_json::from_value::<AnswerValue>(value.clone()).map_err(|_| {
            FileError::BadValue {
                path: path.to_string(),
                node: id.clone(),
                value: value.to_string(),
            }
        })?;
        out.push((id, answer));
    }
    Ok(())
}

/// Split `NAME=VALUE` (for `--answer` and `--set`).
///
/// # Errors
/// When there is no `=` or no name.
pub fn split_assignment(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("`{text}` should look like NAME=VALUE")),
    }
}

/// Read `--set VAR=VALUE`: the variable and its value, checked against the
/// variable's type.
///
/// # Errors
/// An unknown variable (with a did-you-mean) or a value of the wrong type.
pub fn parse_set(model: &Model, name: &str, text: &str) -> Result<(VarId, Value), String> {
    let Some(var) = model.find_var(name) else {
        let names = model.vars.iter().map(|v| v.name.as_str());
        return Err(format!(
            "there is no variable `{name}`{}",
            hint(&did_you_mean(name, names))
        ));
    };
    let ty = model.var(var).ty;
    let value = parse_value(model, ty, text.trim())
        .map_err(|expected| format!("`{name}` = {text:?}: expected {expected}"))?;
    Ok((var, value))
}

/// Read a value of a type from text: `true`, `42`, `calm`, `outside,music`.
fn parse_value(model: &Model, ty: Type, text: &str) -> Result<Value, String> {
    let member = |d: crate::model::DomainId, word: &str| {
        let members = &model.domains[d.0 as usize];
        members
            .iter()
            .position(|m| m == word)
            .and_then(|i| u32::try_from(i).ok())
            .ok_or_else(|| {
                format!(
                    "one of {}{}",
                    members.join(", "),
                    hint(&did_you_mean(word, members.iter().map(String::as_str)))
                )
            })
    };
    match ty {
        Type::Bool => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("true or false".into()),
        },
        Type::Int => text
            .parse()
            .map(Value::Int)
            .map_err(|_| "a whole number".into()),
        Type::Text => Ok(Value::Text(Arc::from(text))),
        Type::Enum(d) => member(d, text).map(|m| Value::Enum(Some(m))),
        Type::Set(d) => {
            let mut bits = 0u64;
            for word in set_words(text) {
                bits |= 1 << member(d, word)?;
            }
            Ok(Value::Set(bits))
        }
    }
}

/// The members of a set written as text: `a, b`, or the set literal `{a, b}`
/// (`{}` and the empty text are the empty set).
fn set_words(text: &str) -> Vec<&str> {
    let text = text.trim();
    let inner = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    inner
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_str;

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
                "`top` = true: expected an option id, a list of item ids, a number or a text"
            ),
            "{err}"
        );
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
