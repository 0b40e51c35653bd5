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

#[derive(Debug, Clone)]
pub enum ExprKind {
    Lit(Value),
    Var(VarId),
    Visited(NodeId),
    /// The final outcome kind (only inside asserts).
    Outcome,
    /// `tagged(name)`: the final outcome node carries the tag `name` (only
    /// inside asserts).
    Tagged(String),
    Interpolate(Text),
    Hook {
        name: String,
        args: Vec<Expr>,
    },
    Count(Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `member in set`, or `not in` when `negate`.
    In {
        member: u32,
        set: Box<Expr>,
        negate: bool,
    },
}
