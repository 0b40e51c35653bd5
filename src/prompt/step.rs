//! What a front end shows for the current step, and how a typed line is
//! read as an answer to it.

use super::progress::{asks, Progress};
use crate::eval::{self, EvalError};
use crate::interp::{Answer, Session};
use crate::model::{Choice, InputKind, NodeId, NodeKind, Text};
use crate::wording::{hook_failure, source_text};

/// The current step, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub node: NodeId,
    /// The node's id (`feeling`, `silence.no_reply`).
    pub id: String,
    /// "Question 2 of 4"; `None` for info steps.
    pub hint: Option<String>,
    pub text: String,
    pub help: Option<String>,
    pub kind: StepKind,
    /// Options or items not shown, and the condition that hid each.
    pub hidden: Vec<Hidden>,
    /// The answer given here before the person went back, to start from.
    pub previous: Option<Answer>,
}

/// What kind of answer a step takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// Pick one of these options.
    Choose(Vec<Shown>),
    /// Tick any of these items.
    Check(Vec<Shown>),
    /// A whole number within the range.
    Number { min: i64, max: i64 },
    /// A text of at most `max_len` characters.
    Text { max_len: u32 },
    /// Read this, then go on.
    Info { advice: Vec<String> },
    /// The step cannot be shown (a condition's hook failed); only commands
    /// such as back, save and quit work.
    Blocked { message: String },
}

/// A shown option or checklist item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// Index in the node's option or item list (the model's order).
    pub index: usize,
    pub id: String,
    pub label: String,
}

/// An option or item hidden by its condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub id: String,
    pub label: String,
    /// The condition as written in the tree (`not tired`).
    pub condition: String,
}

/// A line that is not a valid answer; the text says what would be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Step {
    /// The step the session is waiting on. A hook failing inside an
    /// option's condition gives a [`StepKind::Blocked`] step rather than an
    /// error, so the person can still go back or save.
    #[must_use]
    pub fn current(session: &mut Session<'_>, progress: &Progress) -> Step {
        let model = session.model();
        let node_id = session.current();
        let node = model.node(node_id);
        let vars = session.vars().to_vec();
        let hint = progress_hint(session, progress);
        let (kind, hidden) = match shown(session) {
            Ok(parts) => parts,
            Err(e) => (
                StepKind::Blocked {
                    message: hook_failure(model, &e),
                },
                Vec::new(),
            ),
        };
        Step {
            node: node_id,
            id: node.id.clone(),
            hint,
            text: node
                .text
                .as_ref()
                .map(|t| model.render_text(t, &vars))
                .unwrap_or_default(),
            help: node.help.as_ref().map(|t| model.render_text(t, &vars)),
            kind,
            hidden,
            previous: None,
        }
    }

    /// Read a typed line (not a command) as an answer to this step.
    ///
    /// # Errors
    /// When the line is not a valid answer; the message names the valid
    /// choices or the range.
    pub fn parse(&self, line: &str) -> Result<Answer, Invalid> {
        match &self.kind {
            StepKind::Choose(options) => self.parse_choice(options, line.trim()),
            StepKind::Check(items) => self.parse_items(items, line),
            StepKind::Number { min, max } => parse_number(line.trim(), *min, *max),
            StepKind::Text { max_len } => parse_text(line, *max_len),
            StepKind::Info { .. } => Ok(Answer::Continue),
            StepKind::Blocked { .. } => Err(Invalid(
                "This step cannot go on. You can go back (:back), save (:save FILE) or stop (:quit)."
                    .into(),
            )),
        }
    }

    /// What a valid answer looks like here, in one sentence.
    #[must_use]
    pub fn expected(&self) -> String {
        match &self.kind {
            StepKind::Choose(options) => format!(
                "Please answer with a number from 1 to {} or an id ({}).",
                options.len(),
                ids(options)
            ),
            StepKind::Check(items) => format!(
                "Please list the numbers (1 to {}) or ids ({}) that apply, separated by commas, or leave the line empty for none.",
                items.len(),
                ids(items)
            ),
            StepKind::Number { min, max } => {
                format!("Please enter a whole number from {min} to {max}.")
            }
            StepKind::Text { max_len } => format!("Please enter a text of at most {max_len} characters."),
            StepKind::Info { .. } => "Press Enter to go on.".into(),
            StepKind::Blocked { .. } => "Only commands work here: :back, :save FILE, :quit.".into(),
        }
    }

    fn parse_choice(&self, options: &[Shown], word: &str) -> Result<Answer, Invalid> {
        match pick(options, word) {
            Some(shown) => Ok(Answer::Choose(shown.index)),
            None => Err(self.refusal(word)),
        }
    }

    fn parse_items(&self, items: &[Shown], line: &str) -> Result<Answer, Invalid> {
        let mut mask = 0u64;
        for word in line.split([',', ' ', '\t']).filter(|w| !w.is_empty()) {
            match pick(items, word) {
                Some(shown) => mask |= 1 << shown.index,
                None => return Err(self.refusal(word)),
            }
        }
        Ok(Answer::Check(mask))
    }

    /// Why `word` is not a choice here, and what is.
    fn refusal(&self, word: &str) -> Invalid {
        let expected = self.expected();
        if word.is_empty() {
            return Invalid(expected);
        }
        if let Some(h) = self.hidden.iter().find(|h| h.id == word) {
            return Invalid(format!(
                "\"{}\" is not available here (it is shown only when `{}`).\n{expected}",
                h.label, h.condition
            ));
        }
        Invalid(format!("\"{word}\" is not one of the choices.\n{expected}"))
    }
}

/// "Question 2 of 4" for a step that asks, counting the questions
/// answered so far.
fn progress_hint(session: &Session<'_>, progress: &Progress) -> Option<String> {
    let model = session.model();
    let node = session.current();
    let asked = |r: &&crate::interp::Record| asks(&model.node(r.node).kind);
    let answered = session.history().iter().filter(asked).count();
    asks(&model.node(node).kind).then(|| progress.hint(node, answered))
}

/// The option or item a word names: its number as shown, or its id.
fn pick<'s>(shown: &'s [Shown], word: &str) -> Option<&'s Shown> {
    if let Ok(n) = word.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| shown.get(i));
    }
    shown.iter().find(|s| s.id == word)
}

fn ids(shown: &[Shown]) -> String {
    shown
        .iter()
        .map(|s| s.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_number(word: &str, min: i64, max: i64) -> Result<Answer, Invalid> {
    let expected = format!("Please enter a whole number from {min} to {max}.");
    match word.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Answer::Number(n)),
        Ok(n) => Err(Invalid(format!("{n} is outside the range.\n{expected}"))),
        Err(_) if word.is_empty() => Err(Invalid(expected)),
        Err(_) => Err(Invalid(format!(
            "\"{word}\" is not a whole number.\n{expected}"
        ))),
    }
}

fn parse_text(line: &str, max_len: u32) -> Result<Answer, Invalid> {
    let len = line.chars().count();
    if len > max_len as usize {
        return Err(Invalid(format!(
            "That is {len} characters long; please keep it to {max_len}."
        )));
    }
    Ok(Answer::Text(line.to_string()))
}

type Parts = (StepKind, Vec<Hidden>);

/// The visible options or items of the current node, and the hidden ones.
fn shown(session: &mut Session<'_>) -> Result<Parts, EvalError> {
    let model = session.model();
    let vars = session.vars().to_vec();
    let label = |t: &Text| model.render_text(t, &vars);
    Ok(match &model.node(session.current()).kind {
        NodeKind::Question { options } => {
            let (shown, hidden) = split(session, options.iter().map(|o| entry(o)), &label)?;
            (StepKind::Choose(shown), hidden)
        }
        NodeKind::Checklist { items, .. } => {
            let entries = items.iter().map(|i| Entry {
                id: &i.id,
                label: &i.label,
                cond: i.cond.as_ref(),
            });
            let (shown, hidden) = split(session, entries, &label)?;
            (StepKind::Check(shown), hidden)
        }
        NodeKind::Input { input, .. } => match *input {
            InputKind::Number { min, max } => (StepKind::Number { min, max }, Vec::new()),
            InputKind::Text { max_len } => (StepKind::Text { max_len }, Vec::new()),
        },
        NodeKind::Info { advice, .. } => (
            StepKind::Info {
                advice: advice.iter().map(label).collect(),
            },
            Vec::new(),
        ),
        NodeKind::Branch { .. } | NodeKind::Score { .. } | NodeKind::Outcome { .. } => {
            (StepKind::Info { advice: Vec::new() }, Vec::new())
        }
    })
}

/// An option or item, seen the same way.
struct Entry<'a> {
    id: &'a str,
    label: &'a Text,
    cond: Option<&'a crate::model::Expr>,
}

fn entry(o: &Choice) -> Entry<'_> {
    Entry {
        id: &o.id,
        label: &o.label,
        cond: o.cond.as_ref(),
    }
}

fn split<'a>(
    session: &mut Session<'_>,
    entries: impl Iterator<Item = Entry<'a>>,
    label: &dyn Fn(&Text) -> String,
) -> Result<(Vec<Shown>, Vec<Hidden>), EvalError> {
    let model = session.model();
    let (mut shown, mut hidden) = (Vec::new(), Vec::new());
    for (index, e) in entries.enumerate() {
        let visible = match e.cond {
            None => true,
            Some(cond) => eval::eval_bool(model, cond, session)?,
        };
        if visible {
            shown.push(Shown {
                index,
                id: e.id.to_string(),
                label: label(e.label),
            });
        } else if let Some(cond) = e.cond {
            hidden.push(Hidden {
                id: e.id.to_string(),
                label: label(e.label),
                condition: source_text(model, cond.span),
            });
        }
    }
    Ok((shown, hidden))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_str;
    use crate::model::Model;
    use std::path::Path;

    const TREE: &str = r#"
tree t "T" { start q outcomes done }
var flag: bool = false
var n: int = 0
var picks: set(a, b, c)
question q {
  text "Pick"
  option yes "Yes" -> c
  option no "No" -> c
  option secret "Secret" if flag and n > 0 -> c
}
checklist c { text "Tick" into picks item a "A" item b "B" item c "C" -> i }
input i { text "How many?" number into n range 1..=10 -> end }
outcome end { kind done title "Done" }
"#;

    fn model() -> Model {
        match check_str(Path::new("t.tree"), TREE) {
            Ok(c) => c.model,
            Err(f) => panic!("{:#?}", f.diagnostics),
        }
    }

    #[test]
    fn a_question_shows_visible_options_and_names_hidden_ones() {
        let m = model();
        let mut s = Session::new(&m).unwrap();
        let step = Step::current(&mut s, &Progress::new(&m));
        assert_eq!(step.hint.as_deref(), Some("Question 1 of 3"));
        let StepKind::Choose(options) = &step.kind else {
            panic!("{step:?}")
        };
        assert_eq!(options.len(), 2);
        assert_eq!(
            step.hidden,
            [Hidden {
                id: "secret".into(),
                label: "Secret".into(),
                condition: "flag and n > 0".into()
            }]
        );
        assert_eq!(step.parse("2"), Ok(Answer::Choose(1)));
        assert_eq!(step.parse(" yes "), Ok(Answer::Choose(0)));
        let hidden = step.parse("secret").unwrap_err().0;
        assert!(
            hidden.contains("shown only when `flag and n > 0`"),
            "{hidden}"
        );
        let wrong = step.parse("3").unwrap_err().0;
        assert!(
            wrong.contains("from 1 to 2") && wrong.contains("yes, no"),
            "{wrong}"
        );
    }

    #[test]
    fn checklists_take_numbers_or_ids_and_an_empty_line_for_none() {
        let m = model();
        let mut s = Session::new(&m).unwrap();
        s.answer(Answer::Choose(0)).unwrap();
        let step = Step::current(&mut s, &Progress::new(&m));
        assert_eq!(step.parse("1, c"), Ok(Answer::Check(0b101)));
        assert_eq!(step.parse("a b"), Ok(Answer::Check(0b011)));
        assert_eq!(step.parse(""), Ok(Answer::Check(0)));
        assert!(step.parse("4").is_err());
    }

    #[test]
    fn numbers_are_checked_against_the_range() {
        let m = model();
        let mut s = Session::new(&m).unwrap();
        s.answer(Answer::Choose(0)).unwrap();
        s.answer(Answer::Check(0)).unwrap();
        let step = Step::current(&mut s, &Progress::new(&m));
        assert_eq!(step.parse("10"), Ok(Answer::Number(10)));
        assert_eq!(
            step.parse("11").unwrap_err().0,
            "11 is outside the range.\nPlease enter a whole number from 1 to 10."
        );
        assert!(step
            .parse("ten")
            .unwrap_err()
            .0
            .contains("not a whole number"));
    }
}
