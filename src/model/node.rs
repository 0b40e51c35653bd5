//! Nodes and what hangs off them: options, items, arms, effects, asserts.

use super::{Expr, NodeId, Text, Value, VarId};
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct Node {
    /// The qualified id (`silence.no_reply` for a node of an include).
    pub id: String,
    pub kind: NodeKind,
    pub text: Option<Text>,
    pub help: Option<Text>,
    pub sources: Vec<String>,
    pub tags: Vec<String>,
    pub span: Span,
    /// The node's id in the file, for labels.
    pub id_span: Span,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Question {
        options: Vec<Choice>,
    },
    Checklist {
        var: VarId,
        items: Vec<Item>,
        next: NodeId,
    },
    Input {
        var: VarId,
        input: InputKind,
        examples: Vec<Value>,
        next: NodeId,
    },
    Branch {
        arms: Vec<Arm>,
        otherwise: NodeId,
    },
    Score {
        effects: Vec<Effect>,
        next: NodeId,
    },
    Info {
        effects: Vec<Effect>,
        advice: Vec<Text>,
        next: NodeId,
    },
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

#[derive(Debug, Clone)]
pub enum Effect {
    Set(VarId, Expr),
    Add(VarId, u32),
    Remove(VarId, u32),
}

#[derive(Debug, Clone)]
pub struct Assert {
    pub rule: AssertRule,
    pub message: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum AssertRule {
    Always(Expr),
    Never(Expr),
    Reachable(NodeId),
}
