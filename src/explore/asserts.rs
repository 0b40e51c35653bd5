//! Checking a tree's `assert` rules.
//!
//! `always(cond)` must hold and `never(cond)` must not, at the end of every
//! path that reaches an outcome (inside them `outcome` is the final outcome
//! kind). `reachable(node)` holds when some path enters the node; when none
//! does, the nearest node that paths do reach on the way to it is found
//! from the coverage.
//!
//! [`check`] decides this on the tree's distinct states (see
//! [`Space`]): an assert reads only what is live at an outcome, so it is
//! evaluated once per outcome state, the number of failing paths is counted
//! exactly, and the counterexample is a shortest failing path. [`check_paths`]
//! decides it path by path; it is kept as the oracle the state explorer is
//! tested against.

use super::plan::Sample;
use super::space::{Count, Space, SpaceError, StateId};
use super::{explore, Coverage, End, Options, PathRecord, PathView, Summary, Visitor};
use crate::eval::EvalError;
use crate::interp::{Answer, AnswerError, LogLine, Session};
use crate::model::graph::Graph;
use crate::model::{AssertRule, Model, NodeId, NodeKind};
use std::ops::ControlFlow;

/// What became of one assert.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// `always`/`never`: held on every path that reached an outcome.
    /// `reachable`: some path enters the node.
    Held,
    /// `always`/`never` failed; the shortest path where it did.
    Failed(Box<Counterexample>),
    /// `reachable(node)`: no path enters the node.
    Unreached(Option<Nearest>),
}

impl Verdict {
    #[must_use]
    pub fn held(&self) -> bool {
        matches!(self, Verdict::Held)
    }
}

/// The shortest path on which an assert failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Counterexample {
    pub path: PathRecord,
    /// Set when evaluating the assert itself failed on this path (a hook
    /// error, say) rather than giving the wrong answer.
    pub error: Option<EvalError>,
    /// How many paths the assert failed on.
    pub failures: Count,
}

/// For an unreached node: the nearest node that paths do reach, and the
/// way from it towards the unreached node that no path takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nearest {
    /// The reached node.
    pub node: NodeId,
    /// The untaken way out of it.
    pub via: Via,
    /// Where that way leads (the unreached node, or a node on the way).
    pub to: NodeId,
}

pub use crate::model::graph::Via;

/// What checking every assert path by path found (the oracle's report).
#[derive(Debug, Clone, PartialEq)]
pub struct PathReport {
    /// One verdict per assert, in the tree's order.
    pub verdicts: Vec<Verdict>,
    pub summary: Summary,
    /// The shortest path that got stuck at a question with no option shown.
    pub stuck: Option<PathRecord>,
    /// The shortest path on which evaluating the tree failed.
    pub error: Option<PathRecord>,
    /// The shortest path cut at the visit limit.
    pub cut: Option<PathRecord>,
}

impl PathReport {
    /// Did every assert hold, with no stuck or failing paths?
    #[must_use]
    pub fn passed(&self) -> bool {
        self.verdicts.iter().all(Verdict::held) && self.stuck.is_none() && self.error.is_none()
    }
}

/// A [`Visitor`] that checks every `always`/`never` assert on each path.
/// Combine it with other visitors by calling [`Checker::path`] yourself.
#[derive(Debug)]
pub struct Checker<'m> {
    model: &'m Model,
    failed: Vec<Option<Counterexample>>,
    stuck: Option<PathRecord>,
    error: Option<PathRecord>,
    cut: Option<PathRecord>,
}

impl<'m> Checker<'m> {
    #[must_use]
    pub fn new(model: &'m Model) -> Self {
        Checker {
            model,
            failed: vec![None; model.asserts.len()],
            stuck: None,
            error: None,
            cut: None,
        }
    }

    /// The verdicts, once exploration has finished with `summary`.
    #[must_use]
    pub fn finish(self, summary: Summary) -> PathReport {
        let coverage = &summary.coverage;
        let verdicts = self
            .model
            .asserts
            .iter()
            .zip(self.failed)
            .map(|(a, failed)| match (&a.rule, failed) {
                (_, Some(cx)) => Verdict::Failed(Box::new(cx)),
                (AssertRule::Reachable(node), None) if !coverage.reached(*node) => {
                    Verdict::Unreached(nearest(self.model, &coverage.nodes, *node))
                }
                _ => Verdict::Held,
            })
            .collect();
        PathReport {
            verdicts,
            summary,
            stuck: self.stuck,
            error: self.error,
            cut: self.cut,
        }
    }

    fn check_asserts(&mut self, path: &mut PathView<'_, '_>) {
        let model = self.model;
        for (i, a) in model.asserts.iter().enumerate() {
            let (expr, want) = match &a.rule {
                AssertRule::Always(e) => (e, true),
                AssertRule::Never(e) => (e, false),
                AssertRule::Reachable(_) => continue,
            };
            let error = match path.eval_bool(expr) {
                Ok(value) if value == want => continue,
                Ok(_) => None,
                Err(e) => Some(e),
            };
            let slot = &mut self.failed[i];
            let failures = slot
                .as_ref()
                .map_or(Count::ZERO, |c| c.failures)
                .plus(Count::ONE);
            match slot {
                Some(cx) if cx.path.answers.len() <= path.len() => cx.failures = failures,
                _ => {
                    *slot = Some(Counterexample {
                        path: path.record(),
                        error,
                        failures,
                    });
                }
            }
        }
    }
}

impl Visitor for Checker<'_> {
    fn path(&mut self, path: &mut PathView<'_, '_>) -> ControlFlow<()> {
        let slot = match path.end() {
            End::Outcome { .. } => {
                self.check_asserts(path);
                return ControlFlow::Continue(());
            }
            End::Stuck { .. } => &mut self.stuck,
            End::Error { .. } => &mut self.error,
            End::Cut { .. } => &mut self.cut,
        };
        keep_shortest(slot, path);
        ControlFlow::Continue(())
    }
}

fn keep_shortest(slot: &mut Option<PathRecord>, path: &PathView<'_, '_>) {
    if slot.as_ref().map_or(true, |p| p.answers.len() > path.len()) {
        *slot = Some(path.record());
    }
}

/// Explore every path of a tree, checking every assert (the oracle).
///
/// # Errors
/// As [`explore`].
pub fn check_paths(model: &Model, options: &Options) -> Result<PathReport, AnswerError> {
    let mut checker = Checker::new(model);
    let summary = explore(model, options, &mut checker)?;
    Ok(checker.finish(summary))
}

/// Search backwards from `target` for the closest reached node.
fn nearest(model: &Model, reached: &[bool], target: NodeId) -> Option<Nearest> {
    let step = Graph::of(model).nearest_reached(reached, target)?;
    let from = step.exit.node;
    Some(Nearest {
        node: from,
        via: Via::of(&model.node(from).kind, step.exit.index),
        to: step.to,
    })
}

/// Path counts of an explored tree, by how paths end.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub paths: Count,
    pub outcomes: Count,
    pub cut: Count,
    pub stuck: Count,
    pub errors: Count,
    /// Per outcome kind: paths ending there.
    pub kinds: Vec<Count>,
    /// Per node: paths ending at it (outcome nodes only).
    pub endings: Vec<Count>,
    /// Distinct states and the answers between them.
    pub states: usize,
    pub edges: usize,
    /// The most answers on a shortest way to some state.
    pub depth: u32,
}

impl Totals {
    fn new(model: &Model, space: &Space) -> Self {
        let mut t = Totals {
            paths: space.total_paths(),
            outcomes: Count::ZERO,
            cut: Count::ZERO,
            stuck: Count::ZERO,
            errors: Count::ZERO,
            kinds: space.paths_per_kind(model.domains[0].len()),
            endings: vec![Count::ZERO; model.nodes.len()],
            states: space.states.len(),
            edges: space.edges.len(),
            depth: space.states.iter().map(|s| s.depth).max().unwrap_or(0),
        };
        for id in space.ids() {
            let n = space.paths_to(id);
            match space.end(id) {
                Some(End::Outcome { node, .. }) => {
                    t.outcomes = t.outcomes.plus(n);
                    t.endings[node.index()] = t.endings[node.index()].plus(n);
                }
                Some(End::Cut { .. }) => t.cut = t.cut.plus(n),
                Some(End::Stuck { .. }) => t.stuck = t.stuck.plus(n),
                Some(End::Error { .. }) => t.errors = t.errors.plus(n),
                None => {}
            }
        }
        t
    }
}

/// Everything `guidetree test` needs: every assert's verdict, exact path
/// counts, coverage, the shortest path of each kind of trouble, and whether
/// the verdicts are proofs.
#[derive(Debug, Clone, PartialEq)]
pub struct TestReport {
    /// One verdict per assert, in the tree's order.
    pub verdicts: Vec<Verdict>,
    pub totals: Totals,
    pub coverage: Coverage,
    /// The shortest path that got stuck at a question with no option shown.
    pub stuck: Option<PathRecord>,
    /// The shortest path on which evaluating the tree failed.
    pub error: Option<PathRecord>,
    /// The shortest path cut at the visit limit.
    pub cut: Option<PathRecord>,
    /// Where exploration tried only a sample of the answers; empty when
    /// every verdict is a proof.
    pub samples: Vec<Sample>,
    pub max_visits: u32,
}

impl TestReport {
    /// Did every assert hold, with no stuck or failing paths?
    #[must_use]
    pub fn passed(&self) -> bool {
        self.verdicts.iter().all(Verdict::held) && self.stuck.is_none() && self.error.is_none()
    }

    /// Are the verdicts proofs: every class of answers tried everywhere,
    /// and no path cut at the visit limit?
    #[must_use]
    pub fn proven(&self) -> bool {
        self.samples.is_empty() && self.cut.is_none()
    }
}

/// Explore a tree's distinct states, checking every assert.
///
/// # Errors
/// When the tree fails before its first step or has too many states.
pub fn check(model: &Model, options: &Options) -> Result<TestReport, SpaceError> {
    let space = Space::explore(model, options)?;
    Ok(report(model, &space))
}

/// Check every assert on an explored state space.
#[must_use]
pub fn report(model: &Model, space: &Space) -> TestReport {
    let mut failed: Vec<Option<Counterexample>> = vec![None; model.asserts.len()];
    let (mut stuck, mut error, mut cut) = (None, None, None);
    // States are in breadth-first order: the first of each kind is the
    // shortest.
    for id in space.ids() {
        let slot = match space.end(id) {
            Some(End::Stuck { .. }) => &mut stuck,
            Some(End::Error { .. }) => &mut error,
            Some(End::Cut { .. }) => &mut cut,
            Some(End::Outcome { .. }) | None => continue,
        };
        if slot.is_none() {
            *slot = Some(record(model, space, id));
        }
    }
    for f in space.assert_failures() {
        let paths = space.paths_to(f.state);
        match &mut failed[f.assert] {
            Some(cx) => cx.failures = cx.failures.plus(paths),
            slot => {
                *slot = Some(Counterexample {
                    path: record(model, space, f.state),
                    error: f.error.clone(),
                    failures: paths,
                });
            }
        }
    }
    let coverage = space.coverage.clone();
    let verdicts = model
        .asserts
        .iter()
        .zip(failed)
        .map(|(a, failed)| match (&a.rule, failed) {
            (_, Some(cx)) => Verdict::Failed(Box::new(cx)),
            (AssertRule::Reachable(node), None) if !coverage.reached(*node) => {
                Verdict::Unreached(nearest(model, &coverage.nodes, *node))
            }
            _ => Verdict::Held,
        })
        .collect();
    TestReport {
        verdicts,
        totals: Totals::new(model, space),
        coverage,
        stuck,
        error,
        cut,
        samples: space.samples.clone(),
        max_visits: space.max_visits(),
    }
}

/// Replay answers from the start.
///
/// # Errors
/// When the tree fails before its first step or an answer fails.
pub fn replay<'m>(
    model: &'m Model,
    answers: &[(NodeId, Answer)],
) -> Result<Session<'m>, AnswerError> {
    let mut session = Session::new(model)?;
    for (_, answer) in answers {
        session.answer(answer.clone())?;
    }
    Ok(session)
}

/// The shortest path to a state, replayed from the start and owned.
#[must_use]
pub fn record(model: &Model, space: &Space, id: StateId) -> PathRecord {
    let witness = space.witness(id);
    let state = space.state(id);
    let replay_upto = match space.end(id) {
        Some(End::Error {
            answer: Some(_), ..
        }) => &witness[..witness.len().saturating_sub(1)],
        _ => &witness[..],
    };
    let end = space
        .end(id)
        .cloned()
        .unwrap_or(End::Stuck { node: state.node });
    match replay(model, replay_upto) {
        Ok(session) => path_record(
            model,
            (session.path(), session.vars(), session.log()),
            &end,
            &witness,
        ),
        Err(_) => path_record(model, (&[], &model.defaults(), &[]), &end, &witness),
    }
}

/// A path record from where a path went and what it answered.
fn path_record(
    model: &Model,
    (nodes, vars, log): (&[NodeId], &[crate::model::Value], &[LogLine]),
    end: &End,
    answers: &[(NodeId, Answer)],
) -> PathRecord {
    let key = super::key_of(model, answers.iter().map(|(n, a)| (*n, a)));
    let choices = answers
        .iter()
        .filter_map(|(n, a)| match (&model.node(*n).kind, a) {
            (NodeKind::Question { .. }, Answer::Choose(i)) => Some((*n, *i)),
            _ => None,
        })
        .collect();
    PathRecord {
        id: super::path_id(&key),
        key,
        nodes: nodes.to_vec(),
        choices,
        answers: answers.to_vec(),
        vars: vars.to_vec(),
        log: log.to_vec(),
        end: end.clone(),
    }
}
