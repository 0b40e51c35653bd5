//! Nodes and what hangs off them: options, items, arms, effects, asserts.

use super::{Expr, NodeId, Text, Value, VarId};
use crate::source::Span;

/// One step of a tree: what every kind of node shares (id, text, help,
/// sources, tags, where it is written) around its [`NodeKind`].
///
/// Nodes live in [`Model::nodes`](super::Model::nodes) in source order,
/// root file first, and are named by [`NodeId`] everywhere else.
#[derive(Debug, Clone)]
pub struct Node {
    /// The qualified id (`silence.no_reply` for a node of an include).
    pub id: String,
    /// What the node does, and where it leads.
    pub kind: NodeKind,
    /// `text "..."`: what the person reads.
    pub text: Option<Text>,
    /// `help "..."`: shown on request.
    pub help: Option<Text>,
    /// Source tags (`sources [a, b]`), each one of
    /// [`Model::citations`](super::Model::citations).
    pub sources: Vec<String>,
    /// `tags [...]`, for `tagged(name)` in asserts.
    pub tags: Vec<String>,
    /// The whole node in its file.
    pub span: Span,
    /// The node's id in the file, for labels.
    pub id_span: Span,
}

/// The seven kinds of node. Question, checklist and input wait for the
/// person (they count as questions); branch, score and info move on by
/// themselves; an outcome ends the run. Every target is resolved, so
/// [`NodeKind::successors`] never fails.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// Pick one option; options whose condition is false are hidden.
    Question { options: Vec<Choice> },
    /// Tick any of the items; the ticked members go into the set `var`.
    Checklist {
        var: VarId,
        items: Vec<Item>,
        next: NodeId,
    },
    /// Type a number or a text into `var`. `examples` are values the
    /// explorer tries besides the range's edges.
    Input {
        var: VarId,
        input: InputKind,
        examples: Vec<Value>,
        next: NodeId,
    },
    /// Go to the first arm whose condition holds, else to `otherwise`.
    Branch { arms: Vec<Arm>, otherwise: NodeId },
    /// Apply the effects, then go on.
    Score { effects: Vec<Effect>, next: NodeId },
    /// Show the text and advice, apply the effects, then go on.
    Info {
        effects: Vec<Effect>,
        advice: Vec<Text>,
        next: NodeId,
    },
    /// The end of a run: `kind` indexes the outcome kinds
    /// ([`OUTCOME_KINDS`](super::OUTCOME_KINDS)).
    Outcome {
        kind: u32,
        title: Text,
        advice: Vec<Text>,
    },
}

impl NodeKind {
    /// The keyword of this kind, as written in a tree.
    #[must_use]
    pub fn keyword(&self) -> &'static str {
        match self {
            NodeKind::Question { .. } => "question",
            NodeKind::Checklist { .. } => "checklist",
            NodeKind::Input { .. } => "input",
            NodeKind::Branch { .. } => "branch",
            NodeKind::Score { .. } => "score",
            NodeKind::Info { .. } => "info",
            NodeKind::Outcome { .. } => "outcome",
        }
    }

    /// Every node this one can lead to, in source order.
    #[must_use]
    pub fn successors(&self) -> Vec<NodeId> {
        match self {
            NodeKind::Question { options } => options.iter().map(|o| o.next).collect(),
            NodeKind::Checklist { next, .. }
            | NodeKind::Input { next, .. }
            | NodeKind::Score { next, .. }
            | NodeKind::Info { next, .. } => vec![*next],
            NodeKind::Branch { arms, otherwise } => arms
                .iter()
                .map(|a| a.next)
                .chain(std::iter::once(*otherwise))
                .collect(),
            NodeKind::Outcome { .. } => Vec::new(),
        }
    }
}

/// One option of a question.
#[derive(Debug, Clone)]
pub struct Choice {
    pub id: String,
    pub label: Text,
    pub cond: Option<Expr>,
    pub effects: Vec<Effect>,
    pub next: NodeId,
    pub span: Span,
}

/// One item of a checklist; `member` is its index in the set's domain.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub label: Text,
    pub member: u32,
    pub cond: Option<Expr>,
    pub span: Span,
}

/// What an input node accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    Number { min: i64, max: i64 },
    Text { max_len: u32 },
}

/// `when cond -> next`
#[derive(Debug, Clone)]
pub struct Arm {
    pub cond: Expr,
    pub next: NodeId,
    pub span: Span,
}

/// A change to one variable, applied when a person picks an option or
/// passes a score or info node. Members are indices into the set's domain.
#[derive(Debug, Clone)]
pub enum Effect {
    /// `set var = expr`; the expression has the variable's type.
    Set(VarId, Expr),
    /// `add member to set`.
    Add(VarId, u32),
    /// `remove member from set`.
    Remove(VarId, u32),
}

/// An `assert` of the tree, checked on every path by `test`.
#[derive(Debug, Clone)]
pub struct Assert {
    pub rule: AssertRule,
    pub message: Option<String>,
    pub span: Span,
}

/// What an assert claims.
#[derive(Debug, Clone)]
pub enum AssertRule {
    /// `always expr`: true at the end of every path.
    Always(Expr),
    /// `never expr`: false at the end of every path.
    Never(Expr),
    /// `reachable node`: some path gets there.
    Reachable(NodeId),
}
