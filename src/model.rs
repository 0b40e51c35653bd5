//! The checked model: what the checker hands to the interpreter and the
//! explorer. Names are resolved to indices and every expression is typed, so
//! nothing downstream re-validates.

use crate::ast::BinOp;
use crate::source::{Sources, Span};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// Index of a node in [`Model::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct NodeId(pub u32);

/// Index of a variable in [`Model::vars`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct VarId(pub u32);

/// Index of a member list in [`Model::domains`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct DomainId(pub u32);

impl NodeId {
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl VarId {
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The domain that holds the tree's outcome kinds.
pub const OUTCOME_KINDS: DomainId = DomainId(0);

/// Most members a `set(...)` type may have (sets are bit sets).
pub const MAX_SET_MEMBERS: usize = 64;

/// A checked tree, ready to run.
#[derive(Debug, Clone)]
pub struct Model {
    pub id: String,
    pub title: String,
    pub version: u32,
    pub start: NodeId,
    pub vars: Vec<Var>,
    /// Member lists of `one_of`/`set` types; index 0 is the outcome kinds.
    pub domains: Vec<Vec<String>>,
    pub nodes: Vec<Node>,
    pub asserts: Vec<Assert>,
    /// Source tags and the names they stand for, in declaration order.
    pub citations: Vec<(String, String)>,
    /// The root header asks for a quick exit (`quick_exit`): `run` is
    /// private by default and `serve` shows "Leave this page".
    pub quick_exit: bool,
    /// The hook script named in the root header, if any.
    pub script: Option<ScriptRef>,
    /// Every hook call site, for arity checks against the script.
    pub hook_calls: Vec<HookCall>,
    /// The compiled hook script, once loaded (see `script`).
    pub hooks: Option<Arc<dyn HookRuntime>>,
    /// A hash of every source file's content; saved sessions carry it.
    pub hash: String,
    pub sources: Sources,
}

impl Model {
    #[must_use]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    #[must_use]
    pub fn var(&self, id: VarId) -> &Var {
        &self.vars[id.index()]
    }

    /// Look a node up by its (qualified) id.
    #[must_use]
    pub fn find_node(&self, id: &str) -> Option<NodeId> {
        self.nodes
            .iter()
            .position(|n| n.id == id)
            .and_then(|i| u32::try_from(i).ok())
            .map(NodeId)
    }

    /// Look a variable up by its (qualified) name.
    #[must_use]
    pub fn find_var(&self, name: &str) -> Option<VarId> {
        self.vars
            .iter()
            .position(|v| v.name == name)
            .and_then(|i| u32::try_from(i).ok())
            .map(VarId)
    }

    /// The initial value of every variable.
    #[must_use]
    pub fn defaults(&self) -> Vec<Value> {
        self.vars.iter().map(|v| v.default.clone()).collect()
    }

    #[must_use]
    pub fn kind_name(&self, kind: u32) -> &str {
        self.domains[OUTCOME_KINDS.0 as usize]
            .get(kind as usize)
            .map_or("?", String::as_str)
    }

    /// Format a value of a given type for people (`closure`, `a, b`, `3`).
    #[must_use]
    pub fn display(&self, ty: Type, value: &Value) -> String {
        match (ty, value) {
            (Type::Enum(d), Value::Enum(Some(m))) => self.domains[d.0 as usize]
                .get(*m as usize)
                .cloned()
                .unwrap_or_default(),
            (Type::Enum(_), Value::Enum(None)) => "(not set)".into(),
            (Type::Set(d), Value::Set(bits)) => {
                let members: Vec<&str> = self.domains[d.0 as usize]
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, m)| m.as_str())
                    .collect();
                if members.is_empty() {
                    "(none)".into()
                } else {
                    members.join(", ")
                }
            }
            (_, v) => v.to_string(),
        }
    }

    /// Render a text with variable values filled in.
    #[must_use]
    pub fn render_text(&self, text: &Text, vars: &[Value]) -> String {
        let mut out = String::new();
        for part in &text.parts {
            match part {
                TextPart::Lit(s) => out.push_str(s),
                TextPart::Var(v) => {
                    let value = &vars[v.index()];
                    // A text typed in or made by a hook may hold control
                    // characters; what is shown never does.
                    out.push_str(&crate::diag::visible(&self.display(self.var(*v).ty, value)));
                }
            }
        }
        out
    }
}

/// What a hook call gives back.
#[derive(Debug, Clone, PartialEq)]
pub struct HookOutput {
    pub value: Value,
    /// Reasons attached with `explain("...")`, in call order.
    pub reasons: Vec<String>,
    /// What the script printed with `print`/`debug` (never shown on stdout).
    pub log: Vec<String>,
}

/// Something that can run hooks: the compiled Rhai script in practice, a
/// stand-in in tests.
pub trait HookRuntime: Send + Sync + fmt::Debug {
    /// Call hook `name` with typed arguments, expecting a value of `ret`.
    ///
    /// # Errors
    /// A message naming what went wrong (runtime error, budget, bad type),
    /// with the script position where known.
    fn call(
        &self,
        model: &Model,
        name: &str,
        args: &[Value],
        arg_types: &[Type],
        ret: Type,
    ) -> Result<HookOutput, String>;
}

/// Where the hook script is.
#[derive(Debug, Clone)]
pub struct ScriptRef {
    pub path: std::path::PathBuf,
    /// The `script "..."` string in the header.
    pub span: Span,
}

/// One `hook name(args)` in the tree.
#[derive(Debug, Clone)]
pub struct HookCall {
    pub name: String,
    pub arity: usize,
    pub ret: Type,
    /// The call's span in the tree.
    pub span: Span,
    /// The name's span, for did-you-mean labels.
    pub name_span: Span,
}

#[derive(Debug, Clone)]
pub struct Var {
    pub name: String,
    pub ty: Type,
    pub default: Value,
    pub span: Span,
}

/// A value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Type {
    Bool,
    Int,
    Text,
    Enum(DomainId),
    Set(DomainId),
}

/// A runtime value. Enums and sets hold member indices into their domain,
/// so copying state is cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Text(Arc<str>),
    /// A member index, or `None` while a `one_of` has no value yet.
    Enum(Option<u32>),
    /// A bit per member.
    Set(u64),
}

impl std::hash::Hash for Value {
    /// Texts hash by their length and their first and last bytes only: long
    /// texts (a hook's paragraph of advice, say) are hashed for every state
    /// the explorer meets, and equal texts still hash alike. Equality
    /// compares them whole.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Value::Bool(b) => b.hash(state),
            Value::Int(n) => n.hash(state),
            Value::Text(t) => {
                const ENDS: usize = 32;
                let bytes = t.as_bytes();
                bytes.len().hash(state);
                if bytes.len() <= 2 * ENDS {
                    bytes.hash(state);
                } else {
                    bytes[..ENDS].hash(state);
                    bytes[bytes.len() - ENDS..].hash(state);
                }
            }
            Value::Enum(m) => m.hash(state),
            Value::Set(bits) => bits.hash(state),
        }
    }
}

impl Value {
    /// The zero value of a type: false, 0, "", unset, empty.
    #[must_use]
    pub fn zero(ty: Type) -> Value {
        match ty {
            Type::Bool => Value::Bool(false),
            Type::Int => Value::Int(0),
            Type::Text => Value::Text(Arc::from("")),
            Type::Enum(_) => Value::Enum(None),
            Type::Set(_) => Value::Set(0),
        }
    }

    #[must_use]
    pub fn as_bool(&self) -> bool {
        matches!(self, Value::Bool(true))
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Text(s) => f.write_str(s),
            Value::Enum(Some(m)) => write!(f, "#{m}"),
            Value::Enum(None) => f.write_str("(not set)"),
            Value::Set(bits) => write!(f, "{bits:#b}"),
        }
    }
}

/// A text with `{var}` interpolations resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text {
    pub parts: Vec<TextPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TextPart {
    Lit(String),
    Var(VarId),
}

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
