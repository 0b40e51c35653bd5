//! Hook calls that fail: the error a call reports, its kind in words, and
//! how Rhai's errors map onto those kinds.

use super::{
    capture, lower_first, LineCol, MAX_ARRAY_SIZE, MAX_CALL_LEVELS, MAX_CALL_MEMORY, MAX_CALL_TIME,
    MAX_MAP_SIZE, MAX_OPERATIONS, MAX_REASONS, MAX_STRING_SIZE,
};
use rhai::{EvalAltResult, ParseErrorType};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// A position in a named script file, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptPos {
    pub path: Arc<Path>,
    pub at: LineCol,
}

impl fmt::Display for ScriptPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.path.display(),
            self.at.line,
            self.at.column
        )
    }
}

/// A hook call that did not produce a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookError {
    pub hook: String,
    pub kind: HookErrorKind,
    /// Where in the script: the failing expression when Rhai knows it,
    /// otherwise the hook's `fn` line.
    pub at: Option<ScriptPos>,
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hook `{}`", self.hook)?;
        if let Some(at) = &self.at {
            write!(f, " ({at})")?;
        }
        write!(f, " {}", self.kind)
    }
}

impl std::error::Error for HookError {}

impl HookError {
    /// An error of `kind` in hook `hook`, with no script position.
    #[must_use]
    pub fn new(hook: &str, kind: HookErrorKind) -> Self {
        Self {
            hook: hook.to_string(),
            kind,
            at: None,
        }
    }
}

/// What went wrong in a hook call. Each message reads on from "hook `name`".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HookErrorKind {
    /// `hook score(a)` when the script has no public `fn score(x)`.
    #[error("is not defined in the script with {arity} parameter(s)")]
    NotDefined { arity: usize },
    /// `loop {}`
    #[error("ran out of its budget of {MAX_OPERATIONS} operations; is there an endless loop?")]
    Budget,
    /// Still running after [`MAX_CALL_TIME`].
    #[error("ran longer than its limit of {} ms; it was stopped", MAX_CALL_TIME.as_millis())]
    TimedOut,
    /// Held more than [`MAX_CALL_MEMORY`] bytes.
    #[error("held more than its limit of {} MiB of memory; it was stopped", MAX_CALL_MEMORY / (1024 * 1024))]
    OutOfMemory,
    /// `fn f(n) { f(n + 1) }`
    #[error(
        "nested calls more than {MAX_CALL_LEVELS} levels deep; is there an endless recursion?"
    )]
    TooDeep,
    /// `"x".pad(100_000_000, "y")`
    #[error("built {0}")]
    TooLarge(String),
    /// Argument `index` (1-based) is a text longer than [`MAX_STRING_SIZE`].
    #[error("was given a text of {len} bytes as argument {index}; the limit is {MAX_STRING_SIZE}")]
    ArgumentTooLarge { index: usize, len: usize },
    /// An argument whose value does not fit its declared type.
    #[error("was given a value that does not match its type as argument {0}")]
    ArgumentMismatch(usize),
    /// `call(Fn("eval"), "1")`, or an import.
    #[error("used `{0}`, which hooks may not use")]
    Refused(String),
    /// `throw "no data"`
    #[error("threw an error: {0}")]
    Thrown(String),
    /// Any other Rhai runtime error, in Rhai's words.
    #[error("failed: {0}")]
    Runtime(String),
    /// `fn level() { "high" }` for `set n = hook level()` with `n: int`.
    #[error("returned {got}, but the tree uses it as {want}{hint}")]
    WrongType {
        got: String,
        want: String,
        /// How to fix it, starting with "; " (or empty).
        hint: &'static str,
    },
    /// `"maybe"` for a `one_of(yes, no)`.
    #[error("returned `{member}`, which is not a member of {want}")]
    UnknownMember { member: String, want: String },
    /// More than [`MAX_REASONS`] calls to `explain`.
    #[error("called `explain` more than {MAX_REASONS} times")]
    TooManyReasons,
}

/// The deepest error in Rhai's chain of "error in call to function ...", and
/// the most precise position along the way.
pub(super) fn innermost(err: &EvalAltResult) -> (HookErrorKind, Option<LineCol>) {
    if let EvalAltResult::ErrorInFunctionCall(_, _, inner, pos) = err {
        let (kind, at) = innermost(inner);
        return (kind, at.or_else(|| LineCol::from_rhai(*pos)));
    }
    let at = LineCol::from_rhai(err.position());
    let kind = match err {
        EvalAltResult::ErrorTerminated(token, _) => match token.clone().into_immutable_string() {
            Ok(s) if s == capture::TIME_UP => HookErrorKind::TimedOut,
            Ok(s) if s == capture::MEMORY_FULL => HookErrorKind::OutOfMemory,
            _ => HookErrorKind::Budget,
        },
        EvalAltResult::ErrorTooManyOperations(_) => HookErrorKind::Budget,
        EvalAltResult::ErrorStackOverflow(_) => HookErrorKind::TooDeep,
        EvalAltResult::ErrorDataTooLarge(what, _) => HookErrorKind::TooLarge(too_large(what)),
        EvalAltResult::ErrorParsing(ParseErrorType::Reserved(word), _) => {
            HookErrorKind::Refused(word.clone())
        }
        EvalAltResult::ErrorModuleNotFound(..) | EvalAltResult::ErrorTooManyModules(_) => {
            HookErrorKind::Refused("import".into())
        }
        EvalAltResult::ErrorRuntime(value, _) => {
            HookErrorKind::Thrown(crate::diag::visible(&value.to_string()).into_owned())
        }
        other => HookErrorKind::Runtime(
            crate::diag::visible(&lower_first(&without_position(other))).into_owned(),
        ),
    };
    (kind, at)
}

/// Rhai's message for an error, without the " (line 3, position 5)" it
/// appends (the position is reported separately).
pub(super) fn without_position(err: &EvalAltResult) -> String {
    let text = err.to_string();
    let suffix = format!(" ({})", err.position());
    match text.strip_suffix(&suffix) {
        Some(text) if !err.position().is_none() => text.to_string(),
        _ => text,
    }
}

fn too_large(what: &str) -> String {
    if what.contains("string") {
        format!("a string longer than the limit of {MAX_STRING_SIZE} bytes")
    } else if what.contains("array") {
        format!("an array longer than the limit of {MAX_ARRAY_SIZE} items")
    } else if what.contains("map") {
        format!("a map larger than the limit of {MAX_MAP_SIZE} entries")
    } else {
        format!("a value that is too large ({})", lower_first(what))
    }
}
