//! Checking a tree's `assert` rules on every path.
//!
//! `always(cond)` must hold and `never(cond)` must not, at the end of every
//! path that reaches an outcome (inside them `outcome` is the final outcome
//! kind). For each failed rule the shortest failing path is kept (the first
//! one found among equally short ones), so memory stays proportional to the
//! depth of the tree. `reachable(node)` holds when some path enters the
//! node; when none does, the nearest node that paths do reach on the way to
//! it is found from the coverage.

use super::{explore, End, Options, PathRecord, PathView, Summary, Visitor};
use crate::eval::EvalError;
use crate::interp::AnswerError;
use crate::model::{AssertRule, Model, NodeId, NodeKind};
use std::collections::VecDeque;
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
    pub failures: u64,
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

/// One way out of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A question's option, by index.
    Option(usize),
    /// A branch's arm, by index.
    Arm(usize),
    /// A branch's `else`.
    Else,
    /// The single `->` of a checklist, input, score or info node.
    Next,
}

/// Everything `guidetree test` needs: every assert's verdict, the
/// exploration's summary and coverage, and the shortest path of each kind
/// of trouble.
#[derive(Debug, Clone, PartialEq)]
pub struct TestReport {
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

impl TestReport {
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
    pub fn finish(self, summary: Summary) -> TestReport {
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
        TestReport {
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
            let failures = slot.as_ref().map_or(0, |c| c.failures) + 1;
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

/// Explore every path of a tree, checking every assert.
///
/// # Errors
/// As [`explore`].
pub fn check(model: &Model, options: &Options) -> Result<TestReport, AnswerError> {
    let mut checker = Checker::new(model);
    let summary = explore(model, options, &mut checker)?;
    Ok(checker.finish(summary))
}

/// Every way out of every node, as (from, via, to).
fn edges(model: &Model) -> Vec<(NodeId, Via, NodeId)> {
    let mut out = Vec::new();
    for (i, node) in model.nodes.iter().enumerate() {
        let from = NodeId(u32::try_from(i).unwrap_or(u32::MAX));
        match &node.kind {
            NodeKind::Question { options } => {
                out.extend(
                    options
                        .iter()
                        .enumerate()
                        .map(|(i, o)| (from, Via::Option(i), o.next)),
                );
            }
            NodeKind::Branch { arms, otherwise } => {
                out.extend(
                    arms.iter()
                        .enumerate()
                        .map(|(i, a)| (from, Via::Arm(i), a.next)),
                );
                out.push((from, Via::Else, *otherwise));
            }
            NodeKind::Checklist { next, .. }
            | NodeKind::Input { next, .. }
            | NodeKind::Score { next, .. }
            | NodeKind::Info { next, .. } => out.push((from, Via::Next, *next)),
            NodeKind::Outcome { .. } => {}
        }
    }
    out
}

/// Search backwards from `target` for the closest reached node.
fn nearest(model: &Model, reached: &[bool], target: NodeId) -> Option<Nearest> {
    let mut preds: Vec<Vec<(NodeId, Via)>> = vec![Vec::new(); model.nodes.len()];
    for (from, via, to) in edges(model) {
        preds[to.index()].push((from, via));
    }
    let mut seen = vec![false; model.nodes.len()];
    seen[target.index()] = true;
    let mut queue = VecDeque::from([target]);
    while let Some(to) = queue.pop_front() {
        for &(from, via) in &preds[to.index()] {
            if reached[from.index()] {
                return Some(Nearest {
                    node: from,
                    via,
                    to,
                });
            }
            if !seen[from.index()] {
                seen[from.index()] = true;
                queue.push_back(from);
            }
        }
    }
    None
}
