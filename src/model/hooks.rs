//! The hook interface: what the model knows about a hook script.

use super::{Model, Type, Value};
use crate::script::HookError;
use crate::source::Span;
use std::fmt;

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
    /// What went wrong (runtime error, budget, bad type), with the
    /// script position where known.
    fn call(
        &self,
        model: &Model,
        name: &str,
        args: &[Value],
        arg_types: &[Type],
        ret: Type,
    ) -> Result<HookOutput, HookError>;
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
