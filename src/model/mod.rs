//! The checked model: what the checker hands to the interpreter and the
//! explorer. Names are resolved to indices and every expression is typed, so
//! nothing downstream re-validates.

mod expr;
pub mod graph;
mod hooks;
pub mod memo;
mod node;
mod value;

pub use crate::ops::BinOp;
pub use crate::script::HookError;
pub use expr::{Expr, ExprKind};
pub use hooks::{HookCall, HookOutput, HookRuntime, ScriptRef};
pub use node::{Arm, Assert, AssertRule, Choice, Effect, InputKind, Item, Node, NodeKind};
pub use value::{Text, TextPart, Type, Value, Var};

use crate::ids::saturating_u32;
use crate::source::Sources;
use serde::Serialize;
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
    /// The node at position `index` of [`Model::nodes`].
    #[must_use]
    pub fn from_index(index: usize) -> Self {
        Self(saturating_u32(index))
    }

    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl VarId {
    /// The variable at position `index` of [`Model::vars`].
    #[must_use]
    pub fn from_index(index: usize) -> Self {
        Self(saturating_u32(index))
    }

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
