//! The explorer: every path through a tree, depth-first.
//!
//! The explorer drives the same pure [`Session`] as `guidetree run`: it
//! gives every answer a person could give at each step, in source order,
//! and undoes it with [`Session::back`] before trying the next, so prefixes
//! are shared and a path is never re-run from the start. Options hidden by
//! their conditions are not taken; branches and scores pass by themselves;
//! hooks run for real through the model's hook runtime.
//!
//! - Which values inputs take and which item combinations checklists tick
//!   is worked out once per tree (see [`plan`]).
//! - Loops are bounded: one path may stop at the same node (a question,
//!   checklist, input or info step) at most [`Options::max_visits`] times;
//!   arriving once more ends the path as [`End::Cut`]. Runs of branch and
//!   score nodes are bounded by the interpreter's own loop guard.
//! - Memory is proportional to the depth of the tree, not to the number of
//!   paths: each path is handed to a [`Visitor`] and then undone.
//! - Each path has a stable id built from node and option ids (see
//!   [`path_id`]), so reordering a file or editing its text never renames a
//!   path.

pub mod asserts;
pub mod coverage;
pub mod diff;
pub mod live;
pub mod plan;
pub mod sample;
pub mod space;

use crate::eval::{self, EvalError};
use crate::interp::{Answer, AnswerError, LogLine, Session};
use crate::model::{Expr, Model, NodeId, NodeKind, Value};
use std::cell::OnceCell;
use std::fmt::Write as _;
use std::ops::ControlFlow;

pub use coverage::Coverage;
pub use space::{Count, Space, SpaceError, DEFAULT_MAX_STATES};

/// How many times one path may stop at the same node, by default: the first
/// visit and one more time round a loop.
pub const DEFAULT_MAX_VISITS: u32 = 2;

/// How to explore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// How many times one path may stop at the same node before it is cut.
    pub max_visits: u32,
    /// Most distinct states the state explorer keeps (see [`Space`]).
    pub max_states: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_visits: DEFAULT_MAX_VISITS,
            max_states: DEFAULT_MAX_STATES,
        }
    }
}

/// How a path ended.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    /// The path reached an outcome.
    Outcome { node: NodeId, kind: u32 },
    /// The path arrived at `node` once more than [`Options::max_visits`]
    /// allows and was not followed further.
    Cut { node: NodeId },
    /// The path reached a question with no option shown: a person would be
    /// stuck there.
    Stuck { node: NodeId },
    /// Evaluating the tree failed at `node` (a hook error, arithmetic
    /// overflow, a loop of branches): while giving `answer`, or while
    /// working out what to show when there is no answer.
    Error {
        node: NodeId,
        answer: Option<Answer>,
        error: AnswerError,
    },
}

impl End {
    /// The node the path ended at.
    #[must_use]
    pub fn node(&self) -> NodeId {
        match self {
            End::Outcome { node, .. }
            | End::Cut { node }
            | End::Stuck { node }
            | End::Error { node, .. } => *node,
        }
    }

    /// A one-line description: `outcome rest_break (rest)`, `cut at q`.
    #[must_use]
    pub fn describe(&self, model: &Model) -> String {
        let id = &model.node(self.node()).id;
        match self {
            End::Outcome { kind, .. } => format!("{id} ({})", model.kind_name(*kind)),
            End::Cut { .. } => format!("cut at {id} (visit limit)"),
            End::Stuck { .. } => format!("stuck at {id}: no option is shown"),
            End::Error {
                answer: Some(_),
                error,
                ..
            } => format!("error after {id}: {error}"),
            End::Error { error, .. } => format!("error at {id}: {error}"),
        }
    }

    /// A short word for the kind of end: `outcome`, `cut`, `stuck`, `error`.
    #[must_use]
    pub fn word(&self) -> &'static str {
        match self {
            End::Outcome { .. } => "outcome",
            End::Cut { .. } => "cut",
            End::Stuck { .. } => "stuck",
            End::Error { .. } => "error",
        }
    }
}

/// A path as the explorer hands it to a [`Visitor`]: the session at the end
/// of the path (with its history, state and outcome) and how it ended.
pub struct PathView<'a, 'm> {
    session: &'a mut Session<'m>,
    end: &'a End,
    /// Built on first use: visitors that only count never pay for it.
    key: OnceCell<String>,
}

impl<'m> PathView<'_, 'm> {
    /// The tree being explored.
    #[must_use]
    pub fn model(&self) -> &'m Model {
        self.session.model()
    }

    /// The session at the end of the path.
    #[must_use]
    pub fn session(&self) -> &Session<'m> {
        self.session
    }

    #[must_use]
    pub fn end(&self) -> &End {
        self.end
    }

    /// The path's canonical key (see [`path_id`]).
    #[must_use]
    pub fn key(&self) -> &str {
        self.key
            .get_or_init(|| key_of(self.model(), self.answers()))
    }

    /// The path's stable id (see [`path_id`]).
    #[must_use]
    pub fn id(&self) -> String {
        path_id(self.key())
    }

    /// Every answer on the path, in order, with the node it answered; for a
    /// path that failed while giving an answer, that answer comes last.
    pub fn answers(&self) -> impl Iterator<Item = (NodeId, &Answer)> + '_ {
        let failed = match self.end {
            End::Error {
                node,
                answer: Some(a),
                ..
            } => Some((*node, a)),
            _ => None,
        };
        self.session
            .history()
            .iter()
            .map(|r| (r.node, &r.answer))
            .chain(failed)
    }

    /// How many answers the path has (info steps included).
    #[must_use]
    pub fn len(&self) -> usize {
        self.answers().count()
    }

    /// Is this the path with no answers at all (the start is an outcome)?
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Evaluate a condition (an assert, say) against the final state; inside
    /// it, `outcome` is the final outcome kind.
    ///
    /// # Errors
    /// Arithmetic and hook failures.
    pub fn eval_bool(&mut self, expr: &Expr) -> Result<bool, EvalError> {
        let model = self.session.model();
        eval::eval_bool(model, expr, self.session)
    }

    /// Copy out everything about the path.
    #[must_use]
    pub fn record(&self) -> PathRecord {
        let model = self.model();
        let choices = self
            .session
            .history()
            .iter()
            .filter_map(|r| match (&model.node(r.node).kind, &r.answer) {
                (NodeKind::Question { .. }, Answer::Choose(i)) => Some((r.node, *i)),
                _ => None,
            })
            .collect();
        PathRecord {
            id: self.id(),
            key: self.key().to_string(),
            nodes: self.session.path().to_vec(),
            choices,
            answers: self.answers().map(|(n, a)| (n, a.clone())).collect(),
            vars: self.session.vars().to_vec(),
            log: self.session.log().to_vec(),
            end: self.end.clone(),
        }
    }
}

/// Everything about one path, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct PathRecord {
    pub id: String,
    pub key: String,
    /// Every node entered, in order, branches and scores included.
    pub nodes: Vec<NodeId>,
    /// The option taken at each question, as (question, option index).
    pub choices: Vec<(NodeId, usize)>,
    /// Every answer, in order, with the node it answered.
    pub answers: Vec<(NodeId, Answer)>,
    /// The variables at the end of the path.
    pub vars: Vec<Value>,
    /// What hooks printed (`print`, `debug`) on the way, in order (for a
    /// path that failed while giving an answer, up to that answer).
    pub log: Vec<LogLine>,
    pub end: End,
}

/// Something that looks at every path.
pub trait Visitor {
    /// Look at one path; `Break` stops the exploration.
    fn path(&mut self, path: &mut PathView<'_, '_>) -> ControlFlow<()>;
}

impl<F> Visitor for F
where
    F: FnMut(&mut PathView<'_, '_>) -> ControlFlow<()>,
{
    fn path(&mut self, path: &mut PathView<'_, '_>) -> ControlFlow<()> {
        self(path)
    }
}

/// What an exploration found, path by path counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Every path, however it ended.
    pub paths: u64,
    pub outcomes: u64,
    pub cut: u64,
    pub stuck: u64,
    pub errors: u64,
    /// Answers given while exploring (each shared prefix counted once).
    pub steps: u64,
    /// The most answers on one path.
    pub longest: usize,
    /// Per outcome kind: paths ending there.
    pub kinds: Vec<u64>,
    /// Per node: paths ending at it (nonzero for outcome nodes only).
    pub endings: Vec<u64>,
    pub coverage: Coverage,
    /// A visitor stopped the exploration early.
    pub stopped: bool,
}

impl Summary {
    fn new(model: &Model) -> Self {
        let coverage = Coverage::new(model);
        Summary {
            paths: 0,
            outcomes: 0,
            cut: 0,
            stuck: 0,
            errors: 0,
            steps: 0,
            longest: 0,
            kinds: vec![0; coverage.kinds.len()],
            endings: vec![0; model.nodes.len()],
            coverage,
            stopped: false,
        }
    }

    fn count(&mut self, end: &End, answers: usize) {
        self.paths += 1;
        self.longest = self.longest.max(answers);
        match end {
            End::Outcome { node, kind } => {
                self.outcomes += 1;
                self.endings[node.index()] += 1;
                if let Some(k) = self.kinds.get_mut(*kind as usize) {
                    *k += 1;
                }
                if let Some(k) = self.coverage.kinds.get_mut(*kind as usize) {
                    *k = true;
                }
            }
            End::Cut { .. } => self.cut += 1,
            End::Stuck { .. } => self.stuck += 1,
            End::Error { .. } => self.errors += 1,
        }
    }
}

/// Explore every path of a tree, handing each to `visitor`.
///
/// # Errors
/// When the tree fails before its first step (a branch or hook on the way
/// from the start node fails): there are no paths to explore.
pub fn explore<V: Visitor + ?Sized>(
    model: &Model,
    options: &Options,
    visitor: &mut V,
) -> Result<Summary, AnswerError> {
    let mut explorer = Explorer::new(model, options)?;
    if explorer.run(visitor).is_break() {
        explorer.summary.stopped = true;
    }
    Ok(explorer.summary)
}

/// Count every path of a tree.
///
/// # Errors
/// As [`explore`].
pub fn count(model: &Model, options: &Options) -> Result<Summary, AnswerError> {
    explore(model, options, &mut |_: &mut PathView<'_, '_>| {
        ControlFlow::Continue(())
    })
}

/// What exploring every path reaches: nodes, options, both outcomes of
/// every condition, outcome kinds (for `guidetree graph --coverage`).
///
/// # Errors
/// As [`explore`].
pub fn coverage(model: &Model, options: &Options) -> Result<Coverage, AnswerError> {
    count(model, options).map(|s| s.coverage)
}

/// Find the first path (in exploration order) with the given id: its
/// nodes, the options it takes and how it ends (for `guidetree graph
/// --highlight`). `None` when no path has that id (a tree that fails before
/// its first step has no paths at all).
///
/// Ids are 32 bits of a hash: in a tree with very many paths two paths may
/// share one, and this returns the first.
#[must_use]
pub fn find_path(model: &Model, id: &str, options: &Options) -> Option<PathRecord> {
    let mut found = None;
    let _ = explore(model, options, &mut |p: &mut PathView<'_, '_>| {
        if p.id() == id {
            found = Some(p.record());
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    found
}

/// A path's stable id: `p` and the first 8 hex digits of the 64-bit FNV-1a
/// hash of its canonical key.
///
/// The key lists the path's answers in order as `node=answer` joined by
/// ` > `, where the answer is the option id, the ticked checklist items
/// joined by `+` (`-` for none), or the number or text entered. Info steps
/// carry no choice and are left out.
///
/// ```
/// use guidetree::explore::path_id;
/// assert_eq!(path_id("q=yes"), path_id("q=yes"));
/// assert_ne!(path_id("q=yes"), path_id("q=no"));
/// assert_eq!(path_id("").len(), 9);
/// ```
#[must_use]
pub fn path_id(key: &str) -> String {
    format_id(crate::hash::fnv1a(key.as_bytes()))
}

fn format_id(hash: u64) -> String {
    format!("p{:08x}", hash >> 32)
}

/// A path's canonical key from its answers (see [`path_id`]).
#[must_use]
pub fn key_of<'a>(
    model: &Model,
    answers: impl IntoIterator<Item = (NodeId, &'a Answer)>,
) -> String {
    let mut key = String::new();
    for (node, answer) in answers {
        let start = key.len();
        if start > 0 {
            key.push_str(" > ");
        }
        key.push_str(&model.node(node).id);
        key.push('=');
        match answer {
            // Quoted where the text could be read as more of the key (or
            // break a line), so that two paths never share a key.
            Answer::Text(t) if needs_quotes(t) => {
                let _ = write!(key, "{t:?}");
            }
            _ => {
                if !write_answer(model, node, answer, &mut key) {
                    key.truncate(start);
                }
            }
        }
    }
    key
}

/// Would a text answer be misread in a path key as it stands: empty,
/// padded, or holding a separator, a quote or a control character?
fn needs_quotes(text: &str) -> bool {
    text.is_empty()
        || text.trim() != text
        || text.contains(['>', '"', '\\'])
        || text.chars().any(char::is_control)
}

/// An answer as written in a path key: the option id, ticked items joined
/// by `+` (`-` for none), or the value entered. `None` for `Continue`.
#[must_use]
pub fn answer_text(model: &Model, node: NodeId, answer: &Answer) -> Option<String> {
    let mut out = String::new();
    write_answer(model, node, answer, &mut out).then_some(out)
}

/// Append an answer's key text; false (and nothing written) for `Continue`.
fn write_answer(model: &Model, node: NodeId, answer: &Answer, out: &mut String) -> bool {
    match (&model.node(node).kind, answer) {
        (NodeKind::Question { options }, Answer::Choose(i)) => {
            out.push_str(options.get(*i).map_or("?", |o| o.id.as_str()));
        }
        (NodeKind::Checklist { items, .. }, Answer::Check(mask)) => {
            let mut ticked = items
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0);
            match ticked.next() {
                None => out.push('-'),
                Some((_, first)) => {
                    out.push_str(&first.id);
                    for (_, item) in ticked {
                        out.push('+');
                        out.push_str(&item.id);
                    }
                }
            }
        }
        (_, Answer::Number(n)) => {
            let _ = write!(out, "{n}");
        }
        (_, Answer::Text(t)) => out.push_str(t),
        (_, Answer::Continue) => return false,
        (_, Answer::Choose(i)) => {
            let _ = write!(out, "#{i}");
        }
        (_, Answer::Check(mask)) => {
            let _ = write!(out, "{mask:#b}");
        }
    }
    true
}

/// Record coverage for the nodes a session entered since its path had
/// `path_len` nodes and `arms_len` branch decisions: the nodes, and both
/// outcomes of the branch arms tried on the way.
pub(crate) fn cover_entered(
    model: &Model,
    cov: &mut Coverage,
    session: &Session<'_>,
    path_len: usize,
    arms_len: usize,
) {
    let mut decisions = session.decisions()[arms_len..].iter();
    for &node in &session.path()[path_len..] {
        cov.nodes[node.index()] = true;
        if let NodeKind::Branch { arms, .. } = &model.node(node).kind {
            let Some(decision) = decisions.next() else {
                continue;
            };
            let taken = decision.arm.unwrap_or(arms.len());
            for arm in 0..taken {
                cov.condition(node, arm, false);
            }
            cov.condition(node, taken, true);
        }
    }
}

/// Every answer a person could give where `session` waits, in order, as
/// the plan says; option and item conditions are recorded in `cov`. At a
/// checklist, returns the items shown, a bit each (0 elsewhere).
///
/// # Errors
/// When a condition fails to evaluate (a hook error, say).
pub(crate) fn candidates(
    model: &Model,
    plan: &plan::Plan,
    session: &mut Session<'_>,
    cov: &mut Coverage,
    out: &mut Vec<Answer>,
) -> Result<u64, EvalError> {
    let node = session.current();
    match &model.node(node).kind {
        NodeKind::Question { options } => {
            for (i, option) in options.iter().enumerate() {
                if let Some(cond) = &option.cond {
                    let shown = eval::eval_bool(model, cond, session)?;
                    cov.condition(node, i, shown);
                    if !shown {
                        continue;
                    }
                }
                cov.options[node.index()][i] = true;
                out.push(Answer::Choose(i));
            }
        }
        NodeKind::Checklist { items, .. } => {
            let mut visible = 0u64;
            for (i, item) in items.iter().enumerate() {
                let shown = match &item.cond {
                    None => true,
                    Some(cond) => {
                        let shown = eval::eval_bool(model, cond, session)?;
                        cov.condition(node, i, shown);
                        shown
                    }
                };
                if shown {
                    visible |= 1 << i;
                }
            }
            plan.checklist(node.index(), visible, out);
            return Ok(visible);
        }
        NodeKind::Input { .. } => out.extend_from_slice(plan.input(node.index())),
        NodeKind::Info { .. } => out.push(Answer::Continue),
        NodeKind::Branch { .. } | NodeKind::Score { .. } | NodeKind::Outcome { .. } => {}
    }
    Ok(0)
}

/// The answers still to try at one depth.
#[derive(Debug, Default)]
struct Frame {
    answers: Vec<Answer>,
    next: usize,
}

/// What became of a state the explorer arrived at.
enum Arrival {
    /// A new frame of answers to try was pushed.
    Pushed,
    /// The path ended here and was handed to the visitor.
    Ended,
}

struct Explorer<'m> {
    model: &'m Model,
    plan: plan::Plan,
    max_visits: u32,
    session: Session<'m>,
    /// Frames `0..depth` are live; the rest are kept for their buffers.
    frames: Vec<Frame>,
    depth: usize,
    /// Per node: how many times the current path stopped there.
    visits: Vec<u32>,
    summary: Summary,
}

impl<'m> Explorer<'m> {
    fn new(model: &'m Model, options: &Options) -> Result<Self, AnswerError> {
        let session = Session::new(model)?;
        Ok(Explorer {
            model,
            plan: plan::Plan::new(model),
            max_visits: options.max_visits.max(1),
            session,
            frames: Vec::new(),
            depth: 0,
            visits: vec![0; model.nodes.len()],
            summary: Summary::new(model),
        })
    }

    fn run<V: Visitor + ?Sized>(&mut self, visitor: &mut V) -> ControlFlow<()> {
        self.entered(0, 0);
        self.visits[self.session.current().index()] += 1;
        self.arrive(visitor)?;
        while let Some(d) = self.depth.checked_sub(1) {
            let frame = &mut self.frames[d];
            let Some(answer) = frame.answers.get(frame.next).cloned() else {
                self.depth = d;
                if d > 0 {
                    self.undo();
                }
                continue;
            };
            frame.next += 1;
            self.step(visitor, answer)?;
        }
        ControlFlow::Continue(())
    }

    /// Give one answer, then deal with where it leads.
    fn step<V: Visitor + ?Sized>(&mut self, visitor: &mut V, answer: Answer) -> ControlFlow<()> {
        let from = self.session.current();
        let (path_len, arms_len) = (self.session.path().len(), self.session.decisions().len());
        match self.session.answer(answer.clone()) {
            Ok(()) => {
                self.summary.steps += 1;
                self.entered(path_len, arms_len);
                self.visits[self.session.current().index()] += 1;
                if let Arrival::Ended = self.arrive(visitor)? {
                    self.undo();
                }
                ControlFlow::Continue(())
            }
            Err(error) => {
                let end = End::Error {
                    node: from,
                    answer: Some(answer),
                    error,
                };
                self.emit(visitor, &end)
            }
        }
    }

    /// Undo the last answer.
    fn undo(&mut self) {
        self.visits[self.session.current().index()] -= 1;
        self.session.back();
    }

    /// Record coverage for the nodes entered since the path had `path_len`
    /// nodes and `arms_len` branch decisions.
    fn entered(&mut self, path_len: usize, arms_len: usize) {
        cover_entered(
            self.model,
            &mut self.summary.coverage,
            &self.session,
            path_len,
            arms_len,
        );
    }

    /// The session has arrived at a new state: end the path here, or push
    /// the answers to try next.
    fn arrive<V: Visitor + ?Sized>(&mut self, visitor: &mut V) -> ControlFlow<(), Arrival> {
        let node = self.session.current();
        let end = if let NodeKind::Outcome { kind, .. } = self.model.node(node).kind {
            Some(End::Outcome { node, kind })
        } else if self.visits[node.index()] > self.max_visits {
            Some(End::Cut { node })
        } else {
            self.push_frame()
        };
        match end {
            None => ControlFlow::Continue(Arrival::Pushed),
            Some(end) => {
                self.emit(visitor, &end)?;
                ControlFlow::Continue(Arrival::Ended)
            }
        }
    }

    /// Push a frame with the answers to try at the current node; or, when
    /// there are none, say how the path ends.
    fn push_frame(&mut self) -> Option<End> {
        if self.frames.len() == self.depth {
            self.frames.push(Frame::default());
        }
        let mut answers = std::mem::take(&mut self.frames[self.depth].answers);
        answers.clear();
        let node = self.session.current();
        let result = candidates(
            self.model,
            &self.plan,
            &mut self.session,
            &mut self.summary.coverage,
            &mut answers,
        )
        .map(|_| ());
        let empty = answers.is_empty();
        self.frames[self.depth] = Frame { answers, next: 0 };
        match result {
            Err(error) => Some(End::Error {
                node,
                answer: None,
                error: error.into(),
            }),
            Ok(()) if empty => Some(End::Stuck { node }),
            Ok(()) => {
                self.depth += 1;
                None
            }
        }
    }

    /// Hand a finished path to the visitor.
    fn emit<V: Visitor + ?Sized>(&mut self, visitor: &mut V, end: &End) -> ControlFlow<()> {
        let answers = self.session.history().len()
            + usize::from(matches!(
                end,
                End::Error {
                    answer: Some(_),
                    ..
                }
            ));
        self.summary.count(end, answers);
        let mut view = PathView {
            session: &mut self.session,
            end,
            key: OnceCell::new(),
        };
        visitor.path(&mut view)
    }
}

#[cfg(test)]
mod tests;
