//! The interpreter: a pure state machine over a checked [`Model`].
//!
//! A [`Session`] shows one step at a time ([`Session::current`]), takes an
//! [`Answer`], applies effects and moves on, passing through `branch` and
//! `score` nodes by itself. [`Session::back`] restores the exact state before
//! the last answer. No I/O, clock or randomness happens here: the terminal,
//! a pipe, an answers file, the explorer and tests all drive this same code.

use crate::eval::{self, Env, EvalError, EvalErrorKind};
use crate::model::{Choice, HookRuntime, InputKind, Model, NodeId, NodeKind, Type, Value, VarId};
use crate::source::Span;
use std::sync::Arc;

/// Most nodes a single answer may pass through (branches and scores) before
/// the session gives up on a loop.
pub const MAX_AUTO_STEPS: usize = 10_000;

/// An answer to the current step.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Answer {
    /// Pick the option at this index in the question's option list (the
    /// model's order, not the visible order).
    Choose(usize),
    /// Tick these checklist items: a bit per item index.
    Check(u64),
    Number(i64),
    Text(String),
    /// Move on from an `info` step.
    Continue,
}

/// Why an answer was refused. The session is unchanged after any of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("the run has ended; there is nothing to answer")]
    Finished,
    #[error("this step does not take that kind of answer")]
    WrongKind,
    #[error("there is no option number {0}")]
    NoSuchOption(usize),
    #[error("the option `{0}` is not available right now")]
    Hidden(String),
    #[error("the item `{0}` is not available right now")]
    HiddenItem(String),
    #[error("{value} is out of range: enter a number from {min} to {max}")]
    OutOfRange { value: i64, min: i64, max: i64 },
    #[error("the text is {len} characters long; at most {max} are allowed")]
    TooLong { len: usize, max: u32 },
    #[error("{0}")]
    Eval(#[from] EvalError),
    #[error("more than {MAX_AUTO_STEPS} branch and score steps in a row: the tree loops")]
    Loop,
}

/// A reason attached by a hook with `explain(...)`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reason {
    pub hook: String,
    /// The node whose evaluation called the hook.
    pub node: String,
    pub text: String,
}

/// The arm a `branch` node took on the way through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub node: NodeId,
    /// Index of the `when` arm that held, or `None` for `else`.
    pub arm: Option<usize>,
}

/// One answered step, as kept in the session's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub node: NodeId,
    pub answer: Answer,
    /// How long the session's undo log was just before the answer: the
    /// variables the answer changed are the entries from there on.
    undo_len: usize,
    /// Lengths of `path`, `reasons`, `log` and `decisions` before the answer.
    path_len: usize,
    reasons_len: usize,
    log_len: usize,
    decisions_len: usize,
}

impl Record {
    /// How many nodes the session's path had just before this answer; the
    /// nodes this answer entered start at this index of [`Session::path`].
    #[must_use]
    pub fn path_len(&self) -> usize {
        self.path_len
    }

    /// How many hook reasons the session had just before this answer; the
    /// reasons this answer added start at this index of [`Session::reasons`].
    #[must_use]
    pub fn reasons_len(&self) -> usize {
        self.reasons_len
    }

    /// How many hook output lines the session had just before this answer;
    /// the lines this answer added start at this index of [`Session::log`].
    #[must_use]
    pub fn log_len(&self) -> usize {
        self.log_len
    }
}

/// A line a hook printed with `print` or `debug`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogLine {
    pub hook: String,
    /// The node whose evaluation called the hook.
    pub node: String,
    pub text: String,
}

/// A running (or finished) walk through a tree.
#[derive(Debug, Clone)]
pub struct Session<'m> {
    model: &'m Model,
    vars: Vec<Value>,
    /// Every node entered so far, in order, including branches and scores.
    path: Vec<NodeId>,
    /// The node waiting for an answer (or the outcome reached).
    current: NodeId,
    history: Vec<Record>,
    /// Every change to a variable, oldest first: the variable and the value
    /// it had before. Taking an answer back undoes only what it changed.
    undo: Vec<(VarId, Value)>,
    reasons: Vec<Reason>,
    log: Vec<LogLine>,
    decisions: Vec<Decision>,
    /// Hooks to call instead of the model's own (the explorer's memo).
    hooks: Option<&'m dyn HookRuntime>,
}

impl<'m> Session<'m> {
    /// Start at the tree's start node with default variable values.
    ///
    /// # Errors
    /// When a branch or hook on the way to the first step fails.
    pub fn new(model: &'m Model) -> Result<Self, AnswerError> {
        Self::from_node(model, model.start, model.defaults())
    }

    /// Start at any node with the given variable values (`--from`, `--set`).
    ///
    /// # Errors
    /// When a branch or hook on the way to the first step fails.
    pub fn from_node(
        model: &'m Model,
        node: NodeId,
        vars: Vec<Value>,
    ) -> Result<Self, AnswerError> {
        Self::enter_first(model, node, vars, Vec::new(), None)
    }

    /// Wait at `node` with the given variable values, as if the nodes in
    /// `entered` had been entered before (the state explorer rebuilds its
    /// states this way). Entering a node that waits for a person does nothing
    /// else; a branch or score is passed through as usual.
    ///
    /// # Errors
    /// When a branch or hook on the way fails.
    pub fn at_state(
        model: &'m Model,
        node: NodeId,
        vars: Vec<Value>,
        entered: Vec<NodeId>,
    ) -> Result<Self, AnswerError> {
        Self::enter_first(model, node, vars, entered, None)
    }

    /// As [`Session::at_state`] (or, with no `entered`, a fresh start at
    /// `node`), calling `hooks` instead of the model's own: the explorer
    /// answers repeated hook calls from its memo this way.
    ///
    /// # Errors
    /// When a branch or hook on the way fails.
    pub fn at_state_with_hooks(
        model: &'m Model,
        node: NodeId,
        vars: Vec<Value>,
        entered: Vec<NodeId>,
        hooks: &'m dyn HookRuntime,
    ) -> Result<Self, AnswerError> {
        Self::enter_first(model, node, vars, entered, Some(hooks))
    }

    /// A session with no answers yet, after entering `node`.
    fn enter_first(
        model: &'m Model,
        node: NodeId,
        vars: Vec<Value>,
        entered: Vec<NodeId>,
        hooks: Option<&'m dyn HookRuntime>,
    ) -> Result<Self, AnswerError> {
        let mut s = Session {
            model,
            vars,
            path: entered,
            current: node,
            history: Vec::new(),
            undo: Vec::new(),
            reasons: Vec::new(),
            log: Vec::new(),
            decisions: Vec::new(),
            hooks,
        };
        s.enter(node)?;
        Ok(s)
    }

    #[must_use]
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// The node waiting for an answer, or the outcome reached.
    #[must_use]
    pub fn current(&self) -> NodeId {
        self.current
    }

    #[must_use]
    pub fn vars(&self) -> &[Value] {
        &self.vars
    }

    #[must_use]
    pub fn var(&self, id: VarId) -> &Value {
        &self.vars[id.index()]
    }

    /// Every node entered so far, branches and scores included.
    #[must_use]
    pub fn path(&self) -> &[NodeId] {
        &self.path
    }

    /// The answers given so far, oldest first.
    #[must_use]
    pub fn history(&self) -> &[Record] {
        &self.history
    }

    #[must_use]
    pub fn reasons(&self) -> &[Reason] {
        &self.reasons
    }

    /// The arm each `branch` on the path took, in path order.
    #[must_use]
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    /// What hooks printed (never shown unless asked for).
    #[must_use]
    pub fn log(&self) -> &[LogLine] {
        &self.log
    }

    /// The outcome kind, once the run has reached an outcome.
    #[must_use]
    pub fn outcome(&self) -> Option<u32> {
        match self.model.node(self.current).kind {
            NodeKind::Outcome { kind, .. } => Some(kind),
            _ => None,
        }
    }

    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.outcome().is_some()
    }

    /// How many times a node has been entered on this path.
    #[must_use]
    pub fn visits(&self, node: NodeId) -> usize {
        self.path.iter().filter(|&&n| n == node).count()
    }

    /// Variable values just before answer `i`, and just after it.
    #[must_use]
    pub fn vars_around(&self, i: usize) -> (Vec<Value>, Vec<Value>) {
        let before = self.vars_when(self.history[i].undo_len);
        let after = self
            .history
            .get(i + 1)
            .map_or_else(|| self.vars.clone(), |r| self.vars_when(r.undo_len));
        (before, after)
    }

    /// The variables just before each answer, oldest first, then as they
    /// are now: one pass back through the undo log, for views of every
    /// answer (calling [`Session::vars_around`] for each would replay the
    /// log once per answer).
    #[must_use]
    pub fn vars_history(&self) -> Vec<Vec<Value>> {
        let mut vars = self.vars.clone();
        let mut out = vec![vars.clone()];
        let mut end = self.undo.len();
        for record in self.history.iter().rev() {
            let undone = self.undo.get(record.undo_len..end).unwrap_or(&[]);
            for (var, old) in undone.iter().rev() {
                vars[var.index()].clone_from(old);
            }
            end = record.undo_len;
            out.push(vars.clone());
        }
        out.reverse();
        out
    }

    /// The variables as they were when the undo log was `undo_len` long.
    fn vars_when(&self, undo_len: usize) -> Vec<Value> {
        let mut vars = self.vars.clone();
        for (var, old) in self.undo.get(undo_len..).unwrap_or(&[]).iter().rev() {
            vars[var.index()].clone_from(old);
        }
        vars
    }

    /// Give a variable a value, keeping the one it had in the undo log.
    fn assign(&mut self, var: VarId, value: Value) {
        let old = std::mem::replace(&mut self.vars[var.index()], value);
        self.undo.push((var, old));
    }

    /// Is option `choice` of the current question shown?
    ///
    /// # Errors
    /// When its condition calls a hook that fails.
    pub fn option_visible(&mut self, choice: &Choice) -> Result<bool, EvalError> {
        match &choice.cond {
            None => Ok(true),
            Some(cond) => eval::eval_bool(self.model, cond, self),
        }
    }

    /// Indices of the options of the current question that are shown.
    ///
    /// # Errors
    /// When a condition calls a hook that fails.
    pub fn visible_options(&mut self) -> Result<Vec<usize>, EvalError> {
        let NodeKind::Question { options } = &self.model.node(self.current).kind else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (i, o) in options.iter().enumerate() {
            if self.option_visible(o)? {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// Indices of the items of the current checklist that are shown.
    ///
    /// # Errors
    /// When a condition calls a hook that fails.
    pub fn visible_items(&mut self) -> Result<Vec<usize>, EvalError> {
        let NodeKind::Checklist { items, .. } = &self.model.node(self.current).kind else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let shown = match &item.cond {
                None => true,
                Some(c) => eval::eval_bool(self.model, c, self)?,
            };
            if shown {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// Answer the current step and move on to the next one that needs a
    /// person (or an outcome).
    ///
    /// # Errors
    /// A refused answer leaves the session exactly as it was.
    pub fn answer(&mut self, answer: Answer) -> Result<(), AnswerError> {
        let record = Record {
            node: self.current,
            answer: answer.clone(),
            undo_len: self.undo.len(),
            path_len: self.path.len(),
            reasons_len: self.reasons.len(),
            log_len: self.log.len(),
            decisions_len: self.decisions.len(),
        };
        match self.apply(&answer) {
            Ok(()) => {
                self.history.push(record);
                Ok(())
            }
            Err(e) => {
                self.restore(record);
                Err(e)
            }
        }
    }

    /// Undo the last answer exactly. Returns false when there is nothing to
    /// undo.
    pub fn back(&mut self) -> bool {
        match self.history.pop() {
            Some(record) => {
                self.restore(record);
                true
            }
            None => false,
        }
    }

    /// Go back to the very first step.
    pub fn restart(&mut self) {
        let first = self.history.drain(..).next();
        if let Some(first) = first {
            self.restore(first);
        }
    }

    fn restore(&mut self, record: Record) {
        while self.undo.len() > record.undo_len {
            if let Some((var, old)) = self.undo.pop() {
                self.vars[var.index()] = old;
            }
        }
        self.path.truncate(record.path_len);
        self.reasons.truncate(record.reasons_len);
        self.log.truncate(record.log_len);
        self.decisions.truncate(record.decisions_len);
        self.current = record.node;
    }

    fn apply(&mut self, answer: &Answer) -> Result<(), AnswerError> {
        let model = self.model;
        let node = model.node(self.current);
        let next = match (&node.kind, answer) {
            (NodeKind::Outcome { .. }, _) => return Err(AnswerError::Finished),
            (NodeKind::Question { options }, Answer::Choose(i)) => {
                let choice = options.get(*i).ok_or(AnswerError::NoSuchOption(i + 1))?;
                if !self.option_visible(choice)? {
                    return Err(AnswerError::Hidden(choice.id.clone()));
                }
                eval::apply(model, &choice.effects, self)?;
                choice.next
            }
            (NodeKind::Checklist { var, items, next }, Answer::Check(mask)) => {
                let visible = self.visible_items()?;
                let mut bits = 0u64;
                for (i, item) in items.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        if !visible.contains(&i) {
                            return Err(AnswerError::HiddenItem(item.id.clone()));
                        }
                        bits |= 1 << item.member;
                    }
                }
                if *mask >> items.len().min(63) > 0 && items.len() < 64 {
                    return Err(AnswerError::NoSuchOption(
                        64 - mask.leading_zeros() as usize,
                    ));
                }
                self.assign(*var, Value::Set(bits));
                *next
            }
            (
                NodeKind::Input {
                    var, input, next, ..
                },
                Answer::Number(n),
            ) => {
                let InputKind::Number { min, max } = input else {
                    return Err(AnswerError::WrongKind);
                };
                if n < min || n > max {
                    return Err(AnswerError::OutOfRange {
                        value: *n,
                        min: *min,
                        max: *max,
                    });
                }
                self.assign(*var, Value::Int(*n));
                *next
            }
            (
                NodeKind::Input {
                    var, input, next, ..
                },
                Answer::Text(t),
            ) => {
                let InputKind::Text { max_len } = input else {
                    return Err(AnswerError::WrongKind);
                };
                let len = t.chars().count();
                if len > *max_len as usize {
                    return Err(AnswerError::TooLong { len, max: *max_len });
                }
                self.assign(*var, Value::Text(Arc::from(t.as_str())));
                *next
            }
            (NodeKind::Info { effects, next, .. }, Answer::Continue) => {
                eval::apply(model, effects, self)?;
                *next
            }
            _ => return Err(AnswerError::WrongKind),
        };
        self.enter(next)
    }

    /// Enter a node, passing through branches and scores until a node that
    /// needs a person (or an outcome).
    fn enter(&mut self, mut node: NodeId) -> Result<(), AnswerError> {
        let model = self.model;
        for _ in 0..MAX_AUTO_STEPS {
            self.path.push(node);
            self.current = node;
            match &model.node(node).kind {
                NodeKind::Branch { arms, otherwise } => {
                    let mut taken = None;
                    for (i, arm) in arms.iter().enumerate() {
                        if eval::eval_bool(model, &arm.cond, self)? {
                            taken = Some(i);
                            break;
                        }
                    }
                    self.decisions.push(Decision { node, arm: taken });
                    node = taken.map_or(*otherwise, |i| arms[i].next);
                }
                NodeKind::Score { effects, next } => {
                    eval::apply(model, effects, self)?;
                    node = *next;
                }
                _ => return Ok(()),
            }
        }
        Err(AnswerError::Loop)
    }
}

impl Env for Session<'_> {
    fn var(&self, id: VarId) -> &Value {
        &self.vars[id.index()]
    }

    fn set_var(&mut self, id: VarId, value: Value) {
        self.assign(id, value);
    }

    fn visited(&self, node: NodeId) -> bool {
        self.path.contains(&node)
    }

    fn outcome(&self) -> Option<u32> {
        Session::outcome(self)
    }

    fn end_node(&self) -> Option<NodeId> {
        Session::outcome(self).map(|_| self.current)
    }

    fn call_hook(
        &mut self,
        model: &Model,
        name: &str,
        args: &[Value],
        arg_types: &[Type],
        ret: Type,
        span: Span,
    ) -> Result<Value, EvalError> {
        let Some(hooks) = self.hooks.or(model.hooks.as_deref()) else {
            let hook = name.to_string();
            return Err(EvalError::new(
                EvalErrorKind::ScriptNotLoaded { hook },
                span,
            ));
        };
        let node = model.node(self.current).id.clone();
        let out = hooks
            .call(model, name, args, arg_types, ret)
            .map_err(|error| {
                let node = node.clone();
                let error = Box::new(error);
                EvalError::new(EvalErrorKind::Hook { node, error }, span)
            })?;
        self.reasons
            .extend(out.reasons.into_iter().map(|text| Reason {
                hook: name.to_string(),
                node: node.clone(),
                text,
            }));
        self.log.extend(out.log.into_iter().map(|text| LogLine {
            hook: name.to_string(),
            node: node.clone(),
            text,
        }));
        Ok(out.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_str;
    use std::path::Path;

    fn model(src: &str) -> Model {
        match check_str(Path::new("test.tree"), src) {
            Ok(c) => c.model,
            Err(f) => panic!("{:#?}", f.diagnostics),
        }
    }

    const TREE: &str = r#"
tree t "T" { start q outcomes done, stop }
var flag: bool = false
var n: int = 1
var picks: set(a, b)
question q {
  text "Q"
  option yes "Yes" { set flag = true set n = n + 1 } -> c
  option no "No" -> c
  option secret "Secret" if flag -> c
}
checklist c { text "C" into picks item a "A" item b "B" if n > 1 -> i }
input i { text "How many?" number into n range 0..=10 -> br }
branch br { when flag and a in picks -> s else -> end }
score s { set n = n * 10 -> end }
outcome end { kind done title "n is {n}" }
assert always(outcome == done)
"#;

    #[test]
    fn answers_apply_effects_and_branches_run_by_themselves() {
        let m = model(TREE);
        let mut s = Session::new(&m).unwrap();
        s.answer(Answer::Choose(0)).unwrap();
        assert_eq!(s.var(VarId(0)), &Value::Bool(true));
        assert_eq!(s.var(VarId(1)), &Value::Int(2));
        s.answer(Answer::Check(0b11)).unwrap();
        assert_eq!(s.var(VarId(2)), &Value::Set(0b11));
        s.answer(Answer::Number(3)).unwrap();
        // br → s (flag and a in picks) → end, with n = 3 * 10.
        assert!(s.is_finished());
        assert_eq!(s.var(VarId(1)), &Value::Int(30));
        let names: Vec<&str> = s.path().iter().map(|n| m.node(*n).id.as_str()).collect();
        assert_eq!(names, ["q", "c", "i", "br", "s", "end"]);
    }

    #[test]
    fn back_restores_the_exact_state() {
        let m = model(TREE);
        let mut s = Session::new(&m).unwrap();
        let before: Vec<Value> = s.vars().to_vec();
        s.answer(Answer::Choose(0)).unwrap();
        s.answer(Answer::Check(0b01)).unwrap();
        assert!(s.back());
        assert_eq!(m.node(s.current()).id, "c");
        assert_eq!(s.var(VarId(2)), &Value::Set(0));
        assert!(s.back());
        assert_eq!(s.vars(), before.as_slice());
        assert_eq!(s.path().len(), 1);
        assert!(!s.back());
    }

    #[test]
    fn restart_goes_back_to_the_first_step() {
        let m = model(TREE);
        let mut s = Session::new(&m).unwrap();
        s.answer(Answer::Choose(0)).unwrap();
        s.answer(Answer::Check(0)).unwrap();
        s.restart();
        assert_eq!(m.node(s.current()).id, "q");
        assert_eq!(s.vars(), m.defaults().as_slice());
        assert!(s.history().is_empty());
    }

    #[test]
    fn refused_answers_change_nothing() {
        let m = model(TREE);
        let mut s = Session::new(&m).unwrap();
        assert_eq!(
            s.answer(Answer::Choose(2)),
            Err(AnswerError::Hidden("secret".into()))
        );
        assert_eq!(
            s.answer(Answer::Choose(9)),
            Err(AnswerError::NoSuchOption(10))
        );
        assert_eq!(s.answer(Answer::Number(1)), Err(AnswerError::WrongKind));
        s.answer(Answer::Choose(1)).unwrap();
        // n is 1, so item b is hidden.
        assert_eq!(
            s.answer(Answer::Check(0b10)),
            Err(AnswerError::HiddenItem("b".into()))
        );
        s.answer(Answer::Check(0)).unwrap();
        assert_eq!(
            s.answer(Answer::Number(11)),
            Err(AnswerError::OutOfRange {
                value: 11,
                min: 0,
                max: 10
            })
        );
        assert_eq!(m.node(s.current()).id, "i");
        assert_eq!(s.history().len(), 2);
        s.answer(Answer::Number(10)).unwrap();
        assert_eq!(s.answer(Answer::Continue), Err(AnswerError::Finished));
    }

    #[test]
    fn branch_decisions_are_recorded_and_undone_with_back() {
        let m = model(TREE);
        let mut s = Session::new(&m).unwrap();
        s.answer(Answer::Choose(0)).unwrap();
        s.answer(Answer::Check(0b01)).unwrap();
        s.answer(Answer::Number(2)).unwrap();
        let br = m.find_node("br").unwrap();
        assert_eq!(
            s.decisions(),
            [Decision {
                node: br,
                arm: Some(0)
            }]
        );
        assert!(s.back());
        assert!(s.decisions().is_empty());
        s.answer(Answer::Number(2)).unwrap();
        assert_eq!(s.decisions().len(), 1);
        s.restart();
        assert!(s.decisions().is_empty());
        s.answer(Answer::Choose(1)).unwrap();
        s.answer(Answer::Check(0)).unwrap();
        s.answer(Answer::Number(0)).unwrap();
        // flag is false: the `else` arm.
        assert_eq!(
            s.decisions(),
            [Decision {
                node: br,
                arm: None
            }]
        );
        let last = s.history().last().unwrap();
        assert_eq!(m.node(s.path()[last.path_len() - 1]).id, "i");
        let last_index = s.history().len() - 1;
        assert_eq!(s.vars_around(last_index).0[1], Value::Int(1));
        // One pass back through the undo log gives what each answer saw.
        let all = s.vars_history();
        assert_eq!(all.len(), s.history().len() + 1);
        for i in 0..s.history().len() {
            assert_eq!((all[i].clone(), all[i + 1].clone()), s.vars_around(i));
        }
        assert_eq!(all[last_index][1], Value::Int(1));
        assert_eq!(all[last_index + 1], s.vars());
    }

    #[test]
    fn hidden_options_follow_state() {
        let m = model(TREE);
        let mut s = Session::new(&m).unwrap();
        assert_eq!(s.visible_options().unwrap(), [0, 1]);
    }
}
