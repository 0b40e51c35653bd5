//! Typed expressions.

use super::{BinOp, NodeId, Text, Type, Value, VarId};
use crate::source::Span;

/// A typed expression.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}

/// What an expression computes. Names are resolved (variables and nodes
/// by id, set members by index) and operands are typed, so evaluation
/// never looks anything up by name.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A constant.
    Lit(Value),
    /// A variable's current value.
    Var(VarId),
    /// `visited(node)`: the path has passed through `node`.
    Visited(NodeId),
    /// The final outcome kind (only inside asserts).
    Outcome,
    /// `tagged(name)`: the final outcome node carries the tag `name` (only
    /// inside asserts).
    Tagged(String),
    /// A text with `{var}` parts filled in.
    Interpolate(Text),
    /// `hook name(args)`: a call into the tree's Rhai script.
    Hook { name: String, args: Vec<Expr> },
    /// `count(set)`: how many members a set holds.
    Count(Box<Expr>),
    /// `not expr`.
    Not(Box<Expr>),
    /// `-expr`.
    Neg(Box<Expr>),
    /// `lhs op rhs` (never `in`/`not in`, which are [`ExprKind::In`]).
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `member in set`, or `not in` when `negate`.
    In {
        member: u32,
        set: Box<Expr>,
        negate: bool,
    },
}
