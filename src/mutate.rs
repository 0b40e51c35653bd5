//! Mutation testing for trees: would the asserts notice a broken tree?
//!
//! A mutant is the checked [`Model`] with one small thing changed, the kind
//! of slip an author makes: an option pointed at the wrong node, an effect
//! forgotten, a condition the wrong way round, branch arms in the wrong
//! order, an ending of the wrong kind, an option left out. Each mutant is
//! explored like the tree itself (through [`asserts::check`], the
//! explorer's one entry point for `test`); it is *killed* when `test` would
//! fail on it, and *survives* when every assert still holds. A survivor is
//! either a rule no assert states yet, or a change that does not matter.
//!
//! Mutants that the checker itself would refuse (a loop with no way to any
//! outcome, error E010) are not run: they are reported as invalid, apart
//! from the score, because `check` already catches them without any assert.

use crate::explore::asserts::{self, TestReport};
use crate::explore::{Options, SpaceError};
use crate::ids::saturating_u32;
use crate::model::memo::Memo;
use crate::model::{
    Arm, Choice, Effect, Expr, ExprKind, HookRuntime, Item, Model, Node, NodeId, NodeKind, Type,
    Value, OUTCOME_KINDS,
};
use crate::report::source_text;
use crate::source::Span;
use std::collections::BTreeSet;
use std::sync::Arc;

use crate::model::graph::Graph;
pub use crate::model::graph::Via;

/// Where a condition sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CondSite {
    Option(usize),
    Arm(usize),
    Item(usize),
}

/// Where an effect sits: on an option, or on the node (info, score).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EffectSite {
    Option(usize),
    Node,
}

/// The one change a mutant makes to the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// Point one way out of `node` at another node.
    Retarget { node: NodeId, exit: Via, to: NodeId },
    /// Leave out one effect.
    DropEffect {
        node: NodeId,
        site: EffectSite,
        index: usize,
    },
    /// Turn one condition into its opposite.
    Negate { node: NodeId, site: CondSite },
    /// Swap arm `arm` of a branch with the arm after it.
    SwapArms { node: NodeId, arm: usize },
    /// Give an outcome another of the tree's kinds.
    OutcomeKind { node: NodeId, kind: u32 },
    /// Leave one option out of a question.
    RemoveOption { node: NodeId, option: usize },
}

impl Change {
    /// A short name for the kind of change, for reports and JSON.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Change::Retarget { .. } => "retarget",
            Change::DropEffect { .. } => "drop-effect",
            Change::Negate { .. } => "negate",
            Change::SwapArms { .. } => "swap-arms",
            Change::OutcomeKind { .. } => "outcome-kind",
            Change::RemoveOption { .. } => "remove-option",
        }
    }
}

/// A change, where it is in the source, and what it does in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutation {
    pub change: Change,
    /// The option, arm, condition or node the change is made to.
    pub span: Span,
    /// For example "point option `yes` of `harm` at `closure_ready`".
    pub description: String,
}

/// What became of one mutant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// `test` fails on the mutant.
    Killed(Kill),
    /// Every assert still holds and no path gets stuck or fails.
    Survived,
    /// The checker would refuse the mutant; the reason, in words.
    Invalid(String),
}

/// Why `test` fails on a killed mutant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kill {
    /// The asserts that fail, by index into [`Model::asserts`].
    pub asserts: Vec<usize>,
    /// Some path gets stuck at a question with no option shown.
    pub stuck: bool,
    /// Some path fails while running (or the tree fails at its first step).
    pub error: bool,
}

/// One mutant's mutation and fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MutantResult {
    pub mutation: Mutation,
    pub fate: Fate,
}

/// Every mutant of a tree and what became of it, in generation order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub results: Vec<MutantResult>,
}

impl Report {
    /// How many mutants were killed.
    #[must_use]
    pub fn killed(&self) -> usize {
        self.count(|f| matches!(f, Fate::Killed(_)))
    }

    /// How many mutants survived.
    #[must_use]
    pub fn survived(&self) -> usize {
        self.count(|f| matches!(f, Fate::Survived))
    }

    /// How many mutants the checker would refuse (not scored).
    #[must_use]
    pub fn invalid(&self) -> usize {
        self.count(|f| matches!(f, Fate::Invalid(_)))
    }

    /// Killed mutants as a percentage of the valid ones (100 when there are
    /// none).
    #[must_use]
    pub fn score(&self) -> f64 {
        let valid = self.killed() + self.survived();
        if valid == 0 {
            return 100.0;
        }
        #[allow(clippy::cast_precision_loss)]
        let pct = self.killed() as f64 * 100.0 / valid as f64;
        pct
    }

    /// The surviving mutants.
    pub fn survivors(&self) -> impl Iterator<Item = &MutantResult> {
        self.results
            .iter()
            .filter(|r| matches!(r.fate, Fate::Survived))
    }

    /// How many mutants each assert kills (alone or with others), by index.
    #[must_use]
    pub fn kills_per_assert(&self, asserts: usize) -> Vec<usize> {
        let mut kills = vec![0; asserts];
        for r in &self.results {
            if let Fate::Killed(k) = &r.fate {
                for &a in &k.asserts {
                    if let Some(n) = kills.get_mut(a) {
                        *n += 1;
                    }
                }
            }
        }
        kills
    }

    fn count(&self, f: impl Fn(&Fate) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.fate)).count()
    }
}

/// Every mutation of a tree, in a stable order: node by node in the
/// model's order, and within a node in the order of its parts.
///
/// Options, arms, `else` and `->` are re-targeted at the targets of their
/// sibling exits, at the nodes one step past their own target (a step
/// skipped), and at one outcome of each distinct kind and tag set (the
/// first in the tree's order), which stands for "an ending like this one".
#[must_use]
pub fn mutations(model: &Model) -> Vec<Mutation> {
    let endings = representative_outcomes(model);
    let mut out = Vec::new();
    for (i, node) in model.nodes.iter().enumerate() {
        let id = NodeId::from_index(i);
        retargets(model, id, &endings, &mut out);
        let at = At { model, id, node };
        match &node.kind {
            NodeKind::Question { options } => at.question(options, &mut out),
            NodeKind::Checklist { items, .. } => at.checklist(items, &mut out),
            NodeKind::Branch { arms, .. } => at.branch(arms, &mut out),
            NodeKind::Info { effects, .. } | NodeKind::Score { effects, .. } => {
                let from = format!("`{}`", node.id);
                for (e, effect) in effects.iter().enumerate() {
                    let site = (EffectSite::Node, node.id_span);
                    out.push(at.drop_effect(site, e, effect, &from));
                }
            }
            NodeKind::Outcome { kind, .. } => at.outcome_kinds(*kind, &mut out),
            NodeKind::Input { .. } => {}
        }
    }
    out
}

/// The node whose parts are being mutated.
struct At<'m> {
    model: &'m Model,
    id: NodeId,
    node: &'m Node,
}

impl At<'_> {
    /// Negate each option's condition, drop each of its effects, and remove
    /// it when it is not the only one.
    fn question(&self, options: &[Choice], out: &mut Vec<Mutation>) {
        for (o, choice) in options.iter().enumerate() {
            let what = format!("option `{}` of `{}`", choice.id, self.node.id);
            if let Some(cond) = &choice.cond {
                out.push(negate(
                    self.model,
                    self.id,
                    CondSite::Option(o),
                    cond,
                    &what,
                ));
            }
            for (e, effect) in choice.effects.iter().enumerate() {
                let site = (EffectSite::Option(o), choice.span);
                out.push(self.drop_effect(site, e, effect, &what));
            }
            if options.len() > 1 {
                out.push(Mutation {
                    change: Change::RemoveOption {
                        node: self.id,
                        option: o,
                    },
                    span: choice.span,
                    description: format!("remove {what}"),
                });
            }
        }
    }

    fn checklist(&self, items: &[Item], out: &mut Vec<Mutation>) {
        for (k, item) in items.iter().enumerate() {
            if let Some(cond) = &item.cond {
                let what = format!("item `{}` of `{}`", item.id, self.node.id);
                out.push(negate(self.model, self.id, CondSite::Item(k), cond, &what));
            }
        }
    }

    /// Negate each arm's condition and swap it with the next arm.
    fn branch(&self, arms: &[Arm], out: &mut Vec<Mutation>) {
        for (a, arm) in arms.iter().enumerate() {
            let what = format!("arm {} of `{}`", a + 1, self.node.id);
            out.push(negate(
                self.model,
                self.id,
                CondSite::Arm(a),
                &arm.cond,
                &what,
            ));
            if let Some(next) = arms.get(a + 1) {
                out.push(self.swap_arms(a, arm, next));
            }
        }
    }

    fn swap_arms(&self, a: usize, arm: &Arm, next: &Arm) -> Mutation {
        let text = |arm: &Arm| source_text(self.model, arm.cond.span);
        Mutation {
            change: Change::SwapArms {
                node: self.id,
                arm: a,
            },
            span: arm.span,
            description: format!(
                "swap arms {} and {} of `{}` (`{}` checked after `{}`)",
                a + 1,
                a + 2,
                self.node.id,
                text(arm),
                text(next)
            ),
        }
    }

    /// Leave out the `index`-th effect at `site`, described as from `from`.
    fn drop_effect(
        &self,
        (site, span): (EffectSite, Span),
        index: usize,
        effect: &Effect,
        from: &str,
    ) -> Mutation {
        Mutation {
            change: Change::DropEffect {
                node: self.id,
                site,
                index,
            },
            span,
            description: format!("drop `{}` from {from}", effect_text(self.model, effect)),
        }
    }

    /// Give an outcome each other kind.
    fn outcome_kinds(&self, kind: u32, out: &mut Vec<Mutation>) {
        let kinds = &self.model.domains[OUTCOME_KINDS.0 as usize];
        for (k, name) in kinds.iter().enumerate() {
            let k = saturating_u32(k);
            if k != kind {
                out.push(Mutation {
                    change: Change::OutcomeKind {
                        node: self.id,
                        kind: k,
                    },
                    span: self.node.id_span,
                    description: format!(
                        "give `{}` the kind `{name}` instead of `{}`",
                        self.node.id,
                        self.model.kind_name(kind)
                    ),
                });
            }
        }
    }
}

/// The first outcome of each distinct (kind, tags), in the tree's order.
fn representative_outcomes(model: &Model) -> Vec<NodeId> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, node) in model.nodes.iter().enumerate() {
        if let NodeKind::Outcome { kind, .. } = node.kind {
            let mut tags = node.tags.clone();
            tags.sort();
            if seen.insert((kind, tags)) {
                out.push(NodeId::from_index(i));
            }
        }
    }
    out
}

/// Every way out of a node with its target and the span to point at.
fn exits(model: &Model, id: NodeId) -> Vec<(Via, NodeId, Span, String)> {
    let node = model.node(id);
    match &node.kind {
        NodeKind::Question { options } => options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let what = format!("option `{}` of `{}`", o.id, node.id);
                (Via::Option(i), o.next, o.span, what)
            })
            .collect(),
        NodeKind::Branch { arms, otherwise } => arms
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let what = format!("arm {} of `{}`", i + 1, node.id);
                (Via::Arm(i), a.next, a.span, what)
            })
            .chain(std::iter::once((
                Via::Else,
                *otherwise,
                node.id_span,
                format!("the `else` of `{}`", node.id),
            )))
            .collect(),
        NodeKind::Checklist { next, .. }
        | NodeKind::Input { next, .. }
        | NodeKind::Score { next, .. }
        | NodeKind::Info { next, .. } => {
            vec![(
                Via::Next,
                *next,
                node.id_span,
                format!("the `->` of `{}`", node.id),
            )]
        }
        NodeKind::Outcome { .. } => Vec::new(),
    }
}

fn retargets(model: &Model, id: NodeId, endings: &[NodeId], out: &mut Vec<Mutation>) {
    let exits = exits(model, id);
    let siblings: Vec<NodeId> = exits.iter().map(|e| e.1).collect();
    for (exit, current, span, what) in &exits {
        let skipped = model.node(*current).kind.successors();
        let mut targets: Vec<NodeId> = Vec::new();
        for t in siblings.iter().chain(&skipped).chain(endings) {
            if t != current && *t != id && !targets.contains(t) {
                targets.push(*t);
            }
        }
        for to in targets {
            out.push(Mutation {
                change: Change::Retarget {
                    node: id,
                    exit: *exit,
                    to,
                },
                span: *span,
                description: format!(
                    "point {what} at `{}` instead of `{}`",
                    model.node(to).id,
                    model.node(*current).id
                ),
            });
        }
    }
}

fn negate(model: &Model, node: NodeId, site: CondSite, cond: &Expr, what: &str) -> Mutation {
    Mutation {
        change: Change::Negate { node, site },
        span: cond.span,
        description: format!(
            "negate the condition `{}` of {what}",
            source_text(model, cond.span)
        ),
    }
}

fn effect_text(model: &Model, effect: &Effect) -> String {
    match effect {
        Effect::Set(v, e) => format!(
            "set {} = {}",
            model.var(*v).name,
            source_text(model, e.span)
        ),
        Effect::Add(v, m) | Effect::Remove(v, m) => {
            let var = model.var(*v);
            let member = match var.ty {
                Type::Set(d) => model.domains[d.0 as usize]
                    .get(*m as usize)
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let verb = if matches!(effect, Effect::Add(..)) {
                "add"
            } else {
                "remove"
            };
            format!(
                "{verb} {member} {} {}",
                if verb == "add" { "to" } else { "from" },
                var.name
            )
        }
    }
}

/// The mutant: a copy of `model` with `change` made.
#[must_use]
pub fn apply(model: &Model, change: &Change) -> Model {
    let mut m = model.clone();
    let node = match *change {
        Change::Retarget { node, .. }
        | Change::DropEffect { node, .. }
        | Change::Negate { node, .. }
        | Change::SwapArms { node, .. }
        | Change::OutcomeKind { node, .. }
        | Change::RemoveOption { node, .. } => node,
    };
    change_node(&mut m.nodes[node.index()].kind, change);
    m
}

/// Make `change` in the node it is about.
fn change_node(kind: &mut NodeKind, change: &Change) {
    match (kind, *change) {
        (kind, Change::Retarget { exit, to, .. }) => retarget(kind, exit, to),
        (kind, Change::DropEffect { site, index, .. }) => drop_effect(kind, site, index),
        (kind, Change::Negate { site, .. }) => {
            if let Some(cond) = condition(kind, site) {
                negate_in_place(cond);
            }
        }
        (NodeKind::Branch { arms, .. }, Change::SwapArms { arm, .. }) if arm + 1 < arms.len() => {
            arms.swap(arm, arm + 1);
        }
        (NodeKind::Outcome { kind, .. }, Change::OutcomeKind { kind: new, .. }) => *kind = new,
        (NodeKind::Question { options }, Change::RemoveOption { option, .. })
            if option < options.len() =>
        {
            options.remove(option);
        }
        _ => {}
    }
}

fn drop_effect(kind: &mut NodeKind, site: EffectSite, index: usize) {
    let effects = match (kind, site) {
        (NodeKind::Question { options }, EffectSite::Option(o)) => {
            options.get_mut(o).map(|c| &mut c.effects)
        }
        (NodeKind::Info { effects, .. } | NodeKind::Score { effects, .. }, EffectSite::Node) => {
            Some(effects)
        }
        _ => None,
    };
    if let Some(effects) = effects.filter(|e| index < e.len()) {
        effects.remove(index);
    }
}

/// The condition at `site`, if it has one.
fn condition(kind: &mut NodeKind, site: CondSite) -> Option<&mut Expr> {
    match (kind, site) {
        (NodeKind::Question { options }, CondSite::Option(o)) => {
            options.get_mut(o).and_then(|c| c.cond.as_mut())
        }
        (NodeKind::Branch { arms, .. }, CondSite::Arm(a)) => arms.get_mut(a).map(|a| &mut a.cond),
        (NodeKind::Checklist { items, .. }, CondSite::Item(k)) => {
            items.get_mut(k).and_then(|i| i.cond.as_mut())
        }
        _ => None,
    }
}

/// Turn `cond` into `not (cond)`.
fn negate_in_place(cond: &mut Expr) {
    let span = cond.span;
    let placeholder = Expr {
        kind: ExprKind::Lit(Value::Bool(false)),
        ty: Type::Bool,
        span,
    };
    let inner = std::mem::replace(cond, placeholder);
    *cond = Expr {
        kind: ExprKind::Not(Box::new(inner)),
        ty: Type::Bool,
        span,
    };
}

fn retarget(kind: &mut NodeKind, exit: Via, to: NodeId) {
    let slot = match (kind, exit) {
        (NodeKind::Question { options }, Via::Option(i)) => options.get_mut(i).map(|o| &mut o.next),
        (NodeKind::Branch { arms, .. }, Via::Arm(i)) => arms.get_mut(i).map(|a| &mut a.next),
        (NodeKind::Branch { otherwise, .. }, Via::Else) => Some(otherwise),
        (
            NodeKind::Checklist { next, .. }
            | NodeKind::Input { next, .. }
            | NodeKind::Score { next, .. }
            | NodeKind::Info { next, .. },
            Via::Next,
        ) => Some(next),
        _ => None,
    };
    if let Some(slot) = slot {
        *slot = to;
    }
}

/// Why the checker would refuse this model, if it would: a node that runs
/// can reach no outcome (E010). Other structural faults a mutation can
/// cause (unreachable nodes, W002) are warnings, so such mutants still run.
#[must_use]
pub fn refusal(model: &Model) -> Option<String> {
    let graph = Graph::of(model);
    let reached = graph.reachable_from(model.start);
    let finishes = graph.reaches_outcome();
    (0..model.nodes.len())
        .find(|&i| reached[i] && !finishes[i])
        .map(|i| {
            format!(
                "check refuses it (E010): no path from `{}` leads to an outcome",
                model.nodes[i].id
            )
        })
}

/// The fate of one mutant, from `test`'s report on it.
fn fate(report: &TestReport) -> Fate {
    if report.passed() {
        return Fate::Survived;
    }
    Fate::Killed(Kill {
        asserts: report
            .verdicts
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.held())
            .map(|(i, _)| i)
            .collect(),
        stuck: report.stuck.is_some(),
        error: report.error.is_some(),
    })
}

/// Run one mutation: refuse it, or explore the mutant and judge it.
#[must_use]
pub fn judge(model: &Model, mutation: &Mutation, options: &Options) -> Fate {
    let mutant = apply(model, &mutation.change);
    if let Some(why) = refusal(&mutant) {
        return Fate::Invalid(why);
    }
    match asserts::check(&mutant, options) {
        Ok(report) => fate(&report),
        // The mutant fails before its first step: `test` fails on it.
        Err(_) => Fate::Killed(Kill {
            error: true,
            ..Kill::default()
        }),
    }
}

/// A copy of `model` whose hook calls are remembered across all the
/// mutants made from it (see [`run`]); use it as the base for [`judge`].
#[must_use]
pub fn memoised(model: &Model) -> Model {
    let mut base = model.clone();
    base.hooks = model
        .hooks
        .as_ref()
        .map(|h| Arc::new(Memo::new(Arc::clone(h))) as Arc<dyn HookRuntime>);
    base
}

/// Generate every mutant of `model` and judge each one, spread over
/// `threads` threads (at least one); `tick` is called once per mutant
/// judged, from any thread.
///
/// # Errors
/// When the tree itself does not pass `test` (its asserts must hold before
/// mutants can say anything about them), with the tree's own report.
pub fn run(
    model: &Model,
    options: &Options,
    threads: usize,
    tick: &(dyn Fn() + Sync),
) -> Result<Report, Unmutable> {
    let own = asserts::check(model, options).map_err(Unmutable::Explore)?;
    if !own.passed() {
        return Err(Unmutable::Fails(Box::new(own)));
    }
    let base = memoised(model);
    let model = &base;
    let all = mutations(model);
    let threads = threads.max(1).min(all.len().max(1));
    let chunk = all.len().div_ceil(threads).max(1);
    let fates: Vec<Fate> = std::thread::scope(|s| {
        let handles: Vec<_> = all
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|m| {
                            let f = judge(model, m, options);
                            tick();
                            f
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    Ok(Report {
        results: all
            .into_iter()
            .zip(fates)
            .map(|(mutation, fate)| MutantResult { mutation, fate })
            .collect(),
    })
}

/// Why a tree cannot be mutation-tested.
#[derive(Debug)]
pub enum Unmutable {
    /// The tree fails before its first step, or has too many states.
    Explore(SpaceError),
    /// The tree's own `test` fails.
    Fails(Box<TestReport>),
}
