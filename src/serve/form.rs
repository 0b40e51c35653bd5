//! Reading a POSTed step form: the answers so far (a hidden field, checked
//! by replaying them like an answers file), what the person asked for, and
//! the answer fields of the current step.
//!
//! The fields are few and fixed: `answers` (JSON, the answers so far by
//! id), `do` (the button pressed), `choice` (a question's option id),
//! `item` (a checklist's ticked item ids, repeated) and `value` (a number
//! or text input). Anything else is refused with a 400 page.

use crate::answers::{AnswerValue, Problem};
use crate::interp::{AnswerError, Session};
use crate::model::Model;
use crate::save::{replay_one, SavedAnswer};

/// Most answers a form may carry: far more than any person gives, few
/// enough that replaying them is cheap.
pub const MAX_ANSWERS: usize = 10_000;

/// What the person asked for with the button they pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Answer this step and go on (the default button).
    Next,
    /// Undo the last answer.
    Back,
    /// Start again from the first step.
    Restart,
    /// Show the path so far and why this step is shown.
    Why,
    /// Show the current step again (from the why page).
    Stay,
    /// Download a save file.
    Save,
    /// Download the JSON transcript (on the outcome page).
    Transcript,
}

impl Action {
    fn parse(word: &str) -> Option<Self> {
        Some(match word {
            "next" => Action::Next,
            "back" => Action::Back,
            "restart" => Action::Restart,
            "why" => Action::Why,
            "stay" => Action::Stay,
            "save" => Action::Save,
            "transcript" => Action::Transcript,
            _ => return None,
        })
    }

    /// The `do` value that asks for this action.
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Action::Next => "next",
            Action::Back => "back",
            Action::Restart => "restart",
            Action::Why => "why",
            Action::Stay => "stay",
            Action::Save => "save",
            Action::Transcript => "transcript",
        }
    }
}

/// A step form as posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub answers: Vec<SavedAnswer>,
    pub action: Action,
    /// The option picked at a question.
    pub choice: Option<String>,
    /// The items ticked at a checklist.
    pub items: Vec<String>,
    /// What was typed into an input.
    pub value: Option<String>,
}

/// A form no page of this site would send. Each message says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("the form is not valid UTF-8 text")]
    NotUtf8,
    #[error("the form has a field `{0}` that no page of this guide sends")]
    UnknownField(String),
    #[error("the form has the field `{0}` more than once")]
    Repeated(String),
    #[error("the form asks for `{0}`, which is not something this guide can do")]
    UnknownAction(String),
    #[error("the form has no `answers` field")]
    NoAnswers,
    #[error("the answers sent with the form cannot be read: {0}")]
    BadAnswers(String),
    #[error("the form carries {0} answers; at most {MAX_ANSWERS} are accepted")]
    TooManyAnswers(usize),
}

/// Read a URL-encoded form body.
///
/// # Errors
/// Text that is not UTF-8, unknown or repeated fields, an unknown action,
/// or an `answers` field that is not a list of answers.
pub fn parse(body: &[u8]) -> Result<Posted, FormError> {
    let text = std::str::from_utf8(body).map_err(|_| FormError::NotUtf8)?;
    let (mut answers, mut action, mut choice, mut value) = (None, None, None, None);
    let mut items = Vec::new();
    for (key, val) in form_urlencoded::parse(text.as_bytes()) {
        let slot = match key.as_ref() {
            "answers" => &mut answers,
            "do" => &mut action,
            "choice" => &mut choice,
            "value" => &mut value,
            "item" => {
                items.push(val.into_owned());
                continue;
            }
            other => return Err(FormError::UnknownField(shorten(other))),
        };
        if slot.replace(val.into_owned()).is_some() {
            return Err(FormError::Repeated(key.into_owned()));
        }
    }
    let action = match action {
        None => Action::Next,
        Some(word) => {
            Action::parse(&word).ok_or_else(|| FormError::UnknownAction(shorten(&word)))?
        }
    };
    Ok(Posted {
        answers: read_answers(answers.as_deref().ok_or(FormError::NoAnswers)?)?,
        action,
        choice,
        items,
        value,
    })
}

/// Read the `answers` field: a JSON list of `{"node": ..., "answer": ...}`.
///
/// # Errors
/// When it is not such a list, or too long.
pub fn read_answers(text: &str) -> Result<Vec<SavedAnswer>, FormError> {
    let answers: Vec<SavedAnswer> =
        serde_json::from_str(text).map_err(|e| FormError::BadAnswers(e.to_string()))?;
    if answers.len() > MAX_ANSWERS {
        return Err(FormError::TooManyAnswers(answers.len()));
    }
    Ok(answers)
}

/// Write the answers so far for the hidden field.
#[must_use]
pub fn write_answers(session: &Session<'_>) -> String {
    let model = session.model();
    let answers: Vec<SavedAnswer> = session
        .history()
        .iter()
        .map(|r| SavedAnswer {
            node: model.node(r.node).id.clone(),
            answer: crate::answers::from_answer(model, r.node, &r.answer),
        })
        .collect();
    serde_json::to_string(&answers).unwrap_or_else(|_| "[]".into())
}

/// Why the answers sent with a form do not replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    /// The tree fails on the way to its first step (a hook error).
    Start(String),
    /// Answer number `index + 1` does not fit.
    Misfit { index: usize, problem: Box<Problem> },
}

/// Start a session and replay the answers, refusing the first that does
/// not fit exactly (a form is never partly trusted).
///
/// # Errors
/// A tree that cannot start, or an answer that does not fit.
pub fn replay<'m>(model: &'m Model, answers: &[SavedAnswer]) -> Result<Session<'m>, ReplayError> {
    let mut session = start(model)?;
    for (index, saved) in answers.iter().enumerate() {
        replay_one(&mut session, saved).map_err(|misfit| ReplayError::Misfit {
            index,
            problem: Box::new(Problem {
                node: shorten(&saved.node),
                value: saved.answer.clone(),
                misfit,
            }),
        })?;
    }
    Ok(session)
}

/// A fresh session at the tree's start.
///
/// # Errors
/// When a branch or hook on the way to the first step fails.
pub fn start(model: &Model) -> Result<Session<'_>, ReplayError> {
    Session::new(model).map_err(|e| {
        ReplayError::Start(match e {
            AnswerError::Eval(e) => crate::wording::hook_failure(model, &e),
            other => other.to_string(),
        })
    })
}

/// The posted answer fields as an answer by id, the way an answers file
/// would give it; `None` when the step needs an answer and none was given.
#[must_use]
pub fn answer_value(posted: &Posted, kind: &crate::prompt::StepKind) -> Option<AnswerValue> {
    use crate::prompt::StepKind;
    match kind {
        StepKind::Choose(_) => posted.choice.clone().map(AnswerValue::Text),
        StepKind::Check(_) => Some(AnswerValue::Items(posted.items.clone())),
        StepKind::Number { .. } | StepKind::Text { .. } => {
            Some(AnswerValue::Text(posted.value.clone().unwrap_or_default()))
        }
        StepKind::Info { .. } | StepKind::Blocked { .. } => None,
    }
}

/// Cut a value quoted back in an error message to a readable length.
fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_form_is_read_field_by_field() {
        let posted = parse(b"answers=%5B%7B%22node%22%3A%22q%22%2C%22answer%22%3A%22yes%22%7D%5D&item=a&item=b&do=why").unwrap();
        assert_eq!(posted.action, Action::Why);
        assert_eq!(posted.items, ["a", "b"]);
        assert_eq!(posted.answers.len(), 1);
        assert_eq!(posted.answers[0].node, "q");
        assert_eq!(parse(b"answers=%5B%5D").unwrap().action, Action::Next);
    }

    #[test]
    fn forms_no_page_sends_are_refused_with_a_reason() {
        assert_eq!(
            parse(b"answers=[]&evil=1"),
            Err(FormError::UnknownField("evil".into()))
        );
        assert_eq!(
            parse(b"answers=[]&do=x&do=y"),
            Err(FormError::Repeated("do".into()))
        );
        assert_eq!(
            parse(b"answers=[]&do=jump"),
            Err(FormError::UnknownAction("jump".into()))
        );
        assert_eq!(parse(b"do=next"), Err(FormError::NoAnswers));
        assert_eq!(parse(b"answers=\xff"), Err(FormError::NotUtf8));
        assert!(matches!(
            parse(b"answers={}"),
            Err(FormError::BadAnswers(_))
        ));
        let long = "x".repeat(500);
        let Err(FormError::UnknownField(shown)) = parse(format!("{long}=1").as_bytes()) else {
            panic!()
        };
        assert!(shown.chars().count() < 70);
        let many = format!("[{}]", vec![r#"{"node":"a"}"#; MAX_ANSWERS + 1].join(","));
        assert_eq!(
            read_answers(&many),
            Err(FormError::TooManyAnswers(MAX_ANSWERS + 1))
        );
    }
}
