//! The syntax tree of one `.tree` file, exactly as written, with a span on
//! every piece. Produced by [`crate::syntax::parse`], consumed by the checker.
//!
//! The `Debug` output is compact (`name @ 10..14`, expressions as
//! S-expressions) so AST snapshots stay readable. Every type also converts
//! to and from JSON with serde, for tools.

use crate::source::Span;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A name or dotted path (`safety`, `silence.start`) with its span.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

impl fmt::Debug for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} @ {:?}", self.name, self.span)
    }
}

/// Any value with a span.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.node, f)?;
        write!(f, " @ {:?}", self.span)
    }
}

/// A string literal, split into literal text and `{var}` interpolations.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Str {
    pub parts: Vec<StrPart>,
    pub span: Span,
}

impl Str {
    /// The literal text if the string has no interpolations.
    #[must_use]
    pub fn as_plain(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                StrPart::Lit(s) => out.push_str(s),
                StrPart::Var(_) => return None,
            }
        }
        Some(out)
    }

    /// The text with interpolations written back as `{name}`.
    #[must_use]
    pub fn to_template(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                StrPart::Lit(s) => s.clone(),
                StrPart::Var(v) => format!("{{{}}}", v.name),
            })
            .collect()
    }
}

/// Written as the string would be in a tree, so literal braces show as
/// `{{`/`}}` and interpolations as `{name}`.
impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} @ {:?}", self.as_written(), self.span)
    }
}

impl Str {
    /// The text as it would be written in a tree (braces doubled).
    fn as_written(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                StrPart::Lit(s) => s.replace('{', "{{").replace('}', "}}"),
                StrPart::Var(v) => format!("{{{}}}", v.name),
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StrPart {
    Lit(String),
    Var(Ident),
}

/// One parsed file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct File {
    pub header: Header,
    pub vars: Vec<VarDecl>,
    pub includes: Vec<Include>,
    pub nodes: Vec<Node>,
    pub asserts: Vec<Assert>,
}

/// `tree id "Title" { version 1 start a script "x.rhai" outcomes k1, k2 }`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub id: Ident,
    pub title: Str,
    pub version: Option<Spanned<u32>>,
    pub start: Option<Ident>,
    pub script: Option<Str>,
    pub outcomes: Option<Vec<Ident>>,
    /// `source TAG "what it stands for"` lines.
    pub citations: Vec<(Ident, Str)>,
    pub span: Span,
}

/// `var name: type = default`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VarDecl {
    pub name: Ident,
    pub ty: Spanned<TypeExpr>,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TypeExpr {
    Bool,
    Int,
    Text,
    OneOf(Vec<Ident>),
    Set(Vec<Ident>),
}

/// `include "file.tree" as ns`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Include {
    pub path: Str,
    pub namespace: Ident,
    pub span: Span,
}

/// `assert always(expr) "message"` and friends.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assert {
    pub rule: AssertRule,
    pub message: Option<Str>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum AssertRule {
    Always(Expr),
    Never(Expr),
    Reachable(Ident),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeKind {
    Question,
    Checklist,
    Input,
    Branch,
    Score,
    Info,
    Outcome,
}

impl NodeKind {
    #[must_use]
    pub fn keyword(self) -> &'static str {
        match self {
            NodeKind::Question => "question",
            NodeKind::Checklist => "checklist",
            NodeKind::Input => "input",
            NodeKind::Branch => "branch",
            NodeKind::Score => "score",
            NodeKind::Info => "info",
            NodeKind::Outcome => "outcome",
        }
    }
}

/// `KIND id { fields }`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Node {
    pub kind: Spanned<NodeKind>,
    pub id: Ident,
    pub fields: Vec<Spanned<Field>>,
    pub span: Span,
}

/// One field inside a node. Which fields a kind accepts is the checker's
/// business, so that a misplaced field gets a precise message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Field {
    Text(Str),
    Help(Str),
    Title(Str),
    Source(Vec<Ident>),
    Tags(Vec<Ident>),
    Advice(Vec<Str>),
    Kind(Ident),
    Into(Ident),
    Number {
        var: Ident,
        range: Option<(Spanned<i64>, Spanned<i64>)>,
    },
    TextInput {
        var: Ident,
        max: Option<Spanned<u32>>,
    },
    Examples(Vec<Spanned<Literal>>),
    Option(OptionDef),
    Item(ItemDef),
    When {
        cond: Expr,
        target: Ident,
    },
    Else(Ident),
    Effect(Effect),
    Goto(Ident),
}

impl Field {
    /// The keyword that introduces this field, for messages.
    #[must_use]
    pub fn keyword(&self) -> &'static str {
        match self {
            Field::Text(_) => "text",
            Field::Help(_) => "help",
            Field::Title(_) => "title",
            Field::Source(_) => "source",
            Field::Tags(_) => "tags",
            Field::Advice(_) => "advice",
            Field::Kind(_) => "kind",
            Field::Into(_) => "into",
            Field::Number { .. } => "number into",
            Field::TextInput { .. } => "text into",
            Field::Examples(_) => "examples",
            Field::Option(_) => "option",
            Field::Item(_) => "item",
            Field::When { .. } => "when",
            Field::Else(_) => "else",
            Field::Effect(e) => e.keyword(),
            Field::Goto(_) => "->",
        }
    }
}

/// A literal in `examples`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub enum Literal {
    Int(i64),
    Text(String),
}

impl fmt::Debug for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Text(s) => write!(f, "{s:?}"),
        }
    }
}

/// `option id "Label" if cond { effects } -> target`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OptionDef {
    pub id: Ident,
    pub label: Str,
    pub cond: Option<Expr>,
    pub effects: Vec<Effect>,
    pub target: Ident,
}

/// `item id "Label" if cond`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemDef {
    pub id: Ident,
    pub label: Str,
    pub cond: Option<Expr>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Effect {
    Set { var: Ident, value: Expr },
    Add { var: Ident, member: Ident },
    Remove { var: Ident, member: Ident },
}

impl Effect {
    #[must_use]
    pub fn keyword(&self) -> &'static str {
        match self {
            Effect::Set { .. } => "set",
            Effect::Add { .. } => "add",
            Effect::Remove { .. } => "remove",
        }
    }
}

/// An expression; boxed children keep the enum small.
pub type Expr = Spanned<ExprKind>;

/// One expression node. Its `Debug` form is a one-line S-expression such as
/// `(and (> months 3) (not toxic))`, so precedence is plain to see in
/// snapshots; the span of the whole expression follows it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub enum ExprKind {
    Int(i64),
    Str(Str),
    Bool(bool),
    /// A variable, an enum member or `outcome`; the checker decides which.
    Name(Ident),
    Visited(Ident),
    Hook {
        name: Ident,
        args: Vec<Expr>,
    },
    Call {
        name: Ident,
        args: Vec<Expr>,
    },
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
}

impl fmt::Debug for ExprKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExprKind::Int(n) => write!(f, "{n}"),
            ExprKind::Str(s) => write!(f, "{:?}", s.as_written()),
            ExprKind::Bool(b) => write!(f, "{b}"),
            ExprKind::Name(id) => f.write_str(&id.name),
            ExprKind::Visited(id) => write!(f, "(visited {})", id.name),
            ExprKind::Hook { name, args } => call(f, &format!("hook {}", name.name), args),
            ExprKind::Call { name, args } => call(f, &name.name, args),
            ExprKind::Unary { op, expr } => {
                let op = match op {
                    UnaryOp::Not => "not",
                    UnaryOp::Neg => "-",
                };
                write!(f, "({op} {:?})", expr.node)
            }
            ExprKind::Binary { op, lhs, rhs } => {
                write!(f, "({} {:?} {:?})", op.symbol(), lhs.node, rhs.node)
            }
        }
    }
}

/// `(name arg1 arg2)` for calls in the S-expression form.
fn call(f: &mut fmt::Formatter<'_>, head: &str, args: &[Expr]) -> fmt::Result {
    write!(f, "({head}")?;
    for a in args {
        write!(f, " {:?}", a.node)?;
    }
    f.write_str(")")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinOp {
    Implies,
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinOp {
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Implies => "implies",
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
        }
    }
}
