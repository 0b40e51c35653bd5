//! The syntax tree of one `.tree` file, exactly as written, with a span on
//! every piece. Produced by [`crate::syntax::parse`], consumed by the checker.
//!
//! The `Debug` output is compact (`name @ 10..14`, expressions as
//! S-expressions) so AST snapshots stay readable. Every type also converts
//! to and from JSON with serde, for tools.

pub use crate::ops::BinOp;
use crate::source::Span;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A name or dotted path (`safety`, `silence.start`) with its span.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ident {
    /// The name as written, dots included.
    pub name: String,
    /// Where it is written.
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
    /// The value.
    pub node: T,
    /// Where it is written.
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
    /// Literal text and interpolations, in order (escapes resolved, triple-quoted text dedented).
    pub parts: Vec<StrPart>,
    /// The whole literal, quotes included.
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

/// A piece of a string literal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StrPart {
    /// Literal text.
    Lit(String),
    /// A `{name}` interpolation.
    Var(Ident),
}

/// One parsed file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct File {
    /// The `tree ... { ... }` header.
    pub header: Header,
    /// Variable declarations, in file order.
    pub vars: Vec<VarDecl>,
    /// Includes, in file order.
    pub includes: Vec<Include>,
    /// Nodes, in file order.
    pub nodes: Vec<Node>,
    /// Asserts, in file order.
    pub asserts: Vec<Assert>,
}

/// `tree id "Title" { version 1 start a script "x.rhai" outcomes k1, k2 }`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    /// The tree's id.
    pub id: Ident,
    /// The tree's title.
    pub title: Str,
    /// `version N`, when given.
    pub version: Option<Spanned<u32>>,
    /// `start NODE`, when given (required by the checker).
    pub start: Option<Ident>,
    /// `script "path"`, when given.
    pub script: Option<Str>,
    /// `outcomes k1, k2`, when given (required by the checker).
    pub outcomes: Option<Vec<Ident>>,
    /// `source TAG "what it stands for"` lines.
    pub citations: Vec<(Ident, Str)>,
    /// `quick_exit`, when given: where it was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_exit: Option<Span>,
    /// The whole header.
    pub span: Span,
}

/// `var name: type = default`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VarDecl {
    /// The variable's name.
    pub name: Ident,
    /// The declared type.
    pub ty: Spanned<TypeExpr>,
    /// The starting value, when given.
    pub default: Option<Expr>,
    /// Declared with `param`: an including tree may bind it, and the tree
    /// itself only reads it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub param: bool,
    /// The whole declaration.
    pub span: Span,
}

/// A declared type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TypeExpr {
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `text`
    Text,
    /// `one_of(a, b)`: exactly one of the members.
    OneOf(Vec<Ident>),
    /// `set(a, b)`: any combination of the members.
    Set(Vec<Ident>),
}

/// A declared type as written in a tree: `one_of(a, b)`.
impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let members = |m: &[Ident]| {
            m.iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            TypeExpr::Bool => f.write_str("bool"),
            TypeExpr::Int => f.write_str("int"),
            TypeExpr::Text => f.write_str("text"),
            TypeExpr::OneOf(m) => write!(f, "one_of({})", members(m)),
            TypeExpr::Set(m) => write!(f, "set({})", members(m)),
        }
    }
}

/// `include "file.tree" as ns`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Include {
    /// The path, relative to the including file.
    pub path: Str,
    /// The name after `as`.
    pub namespace: Ident,
    /// `(param = value, ...)` after the namespace, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<Binding>,
    /// The whole include.
    pub span: Span,
}

/// `param = value` in an include's parameter list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Binding {
    /// The included tree's parameter.
    pub param: Ident,
    /// A variable of the including tree, or a constant.
    pub value: Expr,
}

/// `assert always(expr) "message"` and friends.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assert {
    /// What must hold.
    pub rule: AssertRule,
    /// The message shown when it fails.
    pub message: Option<Str>,
    /// The whole assert.
    pub span: Span,
}

/// The three kinds of assert.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum AssertRule {
    /// `always(expr)`: true at the end of every path.
    Always(Expr),
    /// `never(expr)`: false at the end of every path.
    Never(Expr),
    /// `reachable(node)`: some path passes through the node.
    Reachable(Ident),
}

/// The kind of a node, from its keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeKind {
    /// One choice among options.
    Question,
    /// Any number of items, into a set variable.
    Checklist,
    /// A number or a text, validated.
    Input,
    /// Conditions only, no question.
    Branch,
    /// Effects (usually a hook call), then on.
    Score,
    /// A text to read, then on.
    Info,
    /// The end of a run.
    Outcome,
}

impl NodeKind {
    /// The keyword, as written in a tree.
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
    /// The kind keyword.
    pub kind: Spanned<NodeKind>,
    /// The node's id.
    pub id: Ident,
    /// Its fields, in file order.
    pub fields: Vec<Spanned<Field>>,
    /// The whole node.
    pub span: Span,
}

/// One field inside a node. Which fields a kind accepts is the checker's
/// business, so that a misplaced field gets a precise message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Field {
    /// `text "..."`
    Text(Str),
    /// `help "..."`
    Help(Str),
    /// `title "..."`
    Title(Str),
    /// `source S0, S1`
    Source(Vec<Ident>),
    /// `tags a, b`
    Tags(Vec<Ident>),
    /// `advice "...", "..."`
    Advice(Vec<Str>),
    /// `kind stop`
    Kind(Ident),
    /// `into ready` (checklists)
    Into(Ident),
    /// `number into var range lo..=hi`
    Number {
        /// The `int` variable that receives the answer.
        var: Ident,
        /// The accepted range, both ends included.
        range: Option<(Spanned<i64>, Spanned<i64>)>,
    },
    /// `text into var max n`
    TextInput {
        /// The `text` variable that receives the answer.
        var: Ident,
        /// The most characters accepted.
        max: Option<Spanned<u32>>,
    },
    /// `examples 3, 12` or `examples "Sam"`
    Examples(Vec<Spanned<Literal>>),
    /// `option id "Label" ... -> target`
    Option(OptionDef),
    /// `item id "Label" if cond`
    Item(ItemDef),
    /// `when cond -> target`
    When {
        /// The condition.
        cond: Expr,
        /// Where the run goes when it holds.
        target: Ident,
    },
    /// `else -> target`
    Else(Ident),
    /// `set`, `add` or `remove`
    Effect(Effect),
    /// `-> target`
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
    /// A whole number.
    Int(i64),
    /// A text.
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
    /// The option's id, unique in its question.
    pub id: Ident,
    /// What the person sees.
    pub label: Str,
    /// `if cond`: hidden while false.
    pub cond: Option<Expr>,
    /// Effects applied when chosen, in order.
    pub effects: Vec<Effect>,
    /// Where the run goes next.
    pub target: Ident,
}

/// `item id "Label" if cond`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemDef {
    /// The item's id: a member of the checklist's set.
    pub id: Ident,
    /// What the person sees.
    pub label: Str,
    /// `if cond`: hidden while false.
    pub cond: Option<Expr>,
}

/// A change to a variable.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Effect {
    /// `set var = value`
    Set {
        /// The variable.
        var: Ident,
        /// Its new value.
        value: Expr,
    },
    /// `add var member`
    Add {
        /// The set variable.
        var: Ident,
        /// The member added.
        member: Ident,
    },
    /// `remove var member`
    Remove {
        /// The set variable.
        var: Ident,
        /// The member removed.
        member: Ident,
    },
}

impl Effect {
    /// The keyword that introduces it, for messages.
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
    /// A whole number.
    Int(i64),
    /// A string, possibly with interpolations.
    Str(Str),
    /// `true` or `false`.
    Bool(bool),
    /// A variable, an enum member or `outcome`; the checker decides which.
    Name(Ident),
    /// `visited(node)`
    Visited(Ident),
    /// `{a, b}`: a set of members (its type comes from the context).
    SetLit(Vec<Ident>),
    /// `hook name(args)`
    Hook {
        /// The script function.
        name: Ident,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// A built-in function such as `count(set)`.
    Call {
        /// The function.
        name: Ident,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// `not x` or `-x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        expr: Box<Expr>,
    },
    /// `lhs op rhs`
    Binary {
        /// The operator.
        op: BinOp,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
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
            ExprKind::SetLit(members) => {
                let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
                write!(f, "{{{}}}", names.join(", "))
            }
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

/// A prefix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}
