//! Rhai hooks: the one sandboxed engine, the tree's script compiled once per
//! load and checked against the tree's hook calls, and typed calls that
//! collect `explain` reasons and captured `print`/`debug` output.
//!
//! How values cross the boundary (documented for authors in `docs/hooks.md`):
//!
//! | tree type      | Rhai value in                   | Rhai value accepted back          |
//! |----------------|---------------------------------|-----------------------------------|
//! | `bool`         | `bool`                          | `bool`                            |
//! | `int`          | `i64`                           | `i64`                             |
//! | `text`         | string                          | string                            |
//! | `one_of(...)`  | member name string, `()` unset  | member name string, or `()`       |
//! | `set(...)`     | array of member name strings    | array of member name strings      |

use crate::diag::{did_you_mean, Diagnostic};
use crate::load::FileSystem;
use crate::model::{DomainId, HookCall, HookOutput, HookRuntime, Model, ScriptRef, Type, Value};
use crate::source::{FileId, Sources, Span};
use rhai::module_resolvers::DummyModuleResolver;
use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicFnPackage, BasicIteratorPackage, BasicMapPackage,
    BasicMathPackage, BasicStringPackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{
    Array, CallFnOptions, Dynamic, Engine, EvalAltResult, FnAccess, ImmutableString, ParseError,
    ParseErrorType, Position, Scope, AST,
};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

// ─── Limits ────────────────────────────────────────────────────────────────

/// Most Rhai operations one hook call may take (an endless loop stops here).
pub const MAX_OPERATIONS: u64 = 100_000;
/// Deepest nesting of function calls inside one hook call.
pub const MAX_CALL_LEVELS: usize = 32;
/// Deepest nesting of expressions at the top level of a script.
pub const MAX_EXPR_DEPTH: usize = 64;
/// Deepest nesting of expressions inside a function body.
pub const MAX_FN_EXPR_DEPTH: usize = 32;
/// Longest string a hook may build or receive, in bytes.
pub const MAX_STRING_SIZE: usize = 64 * 1024;
/// Most items in one array.
pub const MAX_ARRAY_SIZE: usize = 1_024;
/// Most entries in one object map.
pub const MAX_MAP_SIZE: usize = 1_024;
/// Most `explain(...)` reasons one hook call may attach.
pub const MAX_REASONS: usize = 32;
/// Most `print`/`debug` lines kept from one hook call; later ones are counted
/// and dropped.
pub const MAX_LOG_LINES: usize = 100;

// ─── The sandbox ───────────────────────────────────────────────────────────

/// The one engine every hook runs in.
///
/// It starts from [`Engine::new_raw`] (nothing registered) and adds only the
/// packages a scoring function needs: arithmetic, logic, maths, strings,
/// arrays, maps, ranges and function pointers. Left out on purpose: the time
/// package (clock), the language-core package (`sleep`, `exit`), blobs, and
/// anything that touches files, the network or randomness (Rhai's core has
/// none of those; they would come from extra crates, which are not used).
/// Module imports and `eval` are refused when the script is compiled, and
/// every resource has a limit (see the `MAX_*` constants). `print` and
/// `debug` go to the calling hook's [`HookOutput::log`], never to stdout.
#[must_use]
pub fn sandboxed_engine() -> Engine {
    let mut engine = Engine::new_raw();
    let packages = [
        ArithmeticPackage::new().as_shared_module(),
        LogicPackage::new().as_shared_module(),
        BasicMathPackage::new().as_shared_module(),
        BasicStringPackage::new().as_shared_module(),
        MoreStringPackage::new().as_shared_module(),
        BasicIteratorPackage::new().as_shared_module(),
        BasicFnPackage::new().as_shared_module(),
        BasicArrayPackage::new().as_shared_module(),
        BasicMapPackage::new().as_shared_module(),
    ];
    for package in packages {
        engine.register_global_module(package);
    }
    engine.set_module_resolver(DummyModuleResolver::new());
    engine.set_max_modules(0);
    for symbol in ["import", "export", "eval"] {
        engine.disable_symbol(symbol);
    }
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(MAX_CALL_LEVELS)
        .set_max_expr_depths(MAX_EXPR_DEPTH, MAX_FN_EXPR_DEPTH)
        .set_max_string_size(MAX_STRING_SIZE)
        .set_max_array_size(MAX_ARRAY_SIZE)
        .set_max_map_size(MAX_MAP_SIZE)
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(true);
    engine.on_print(|text| capture::log(text.to_string()));
    engine.on_debug(|text, _source, pos| capture::log(format!("debug {pos:?} | {text}")));
    engine.register_fn("explain", capture::explain);
    engine
}

/// Per-call collection of reasons and output. A hook call runs start to end
/// on one thread, so a thread-local slot set up around the call is all the
/// engine's callbacks need; calls on other threads have their own slot.
mod capture {
    use super::{HookOutput, Value, MAX_LOG_LINES, MAX_REASONS};
    use rhai::{EvalAltResult, ImmutableString, Position};
    use std::cell::RefCell;

    /// What one call produced besides its value.
    #[derive(Debug, Default)]
    pub(super) struct Captured {
        pub reasons: Vec<String>,
        pub log: Vec<String>,
        pub dropped_lines: usize,
        pub too_many_reasons: bool,
    }

    thread_local! {
        static CURRENT: RefCell<Option<Captured>> = const { RefCell::new(None) };
    }

    /// Collects for as long as it lives; [`Guard::finish`] hands the result
    /// over (dropping it without finishing still clears the slot).
    pub(super) struct Guard(());

    impl Guard {
        pub fn begin() -> Guard {
            CURRENT.with_borrow_mut(|c| *c = Some(Captured::default()));
            Guard(())
        }

        pub fn finish(self) -> Captured {
            CURRENT.with_borrow_mut(Option::take).unwrap_or_default()
        }
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            CURRENT.with_borrow_mut(|c| *c = None);
        }
    }

    impl Captured {
        /// The hook's output, with a note when lines were dropped.
        pub fn into_output(mut self, value: Value) -> HookOutput {
            if self.dropped_lines > 0 {
                self.log.push(format!(
                    "({} more lines dropped; at most {MAX_LOG_LINES} are kept per call)",
                    self.dropped_lines
                ));
            }
            HookOutput {
                value,
                reasons: self.reasons,
                log: self.log,
            }
        }
    }

    pub(super) fn log(line: String) {
        CURRENT.with_borrow_mut(|c| {
            if let Some(c) = c {
                if c.log.len() < MAX_LOG_LINES {
                    c.log.push(line);
                } else {
                    c.dropped_lines += 1;
                }
            }
        });
    }

    /// The `explain(text)` function scripts call.
    pub(super) fn explain(reason: ImmutableString) -> Result<(), Box<EvalAltResult>> {
        CURRENT.with_borrow_mut(|c| {
            let Some(c) = c else { return Ok(()) };
            if c.reasons.len() < MAX_REASONS {
                c.reasons.push(reason.to_string());
                Ok(())
            } else {
                c.too_many_reasons = true;
                Err(EvalAltResult::ErrorRuntime("too many reasons".into(), Position::NONE).into())
            }
        })
    }
}

// ─── Compiled scripts ──────────────────────────────────────────────────────

/// A line and column in the script (both 1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineCol {
    fn from_rhai(pos: Position) -> Option<LineCol> {
        Some(LineCol {
            line: pos.line()?,
            column: pos.position().unwrap_or(1),
        })
    }
}

/// A function defined in a hook script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    pub params: Vec<String>,
    /// `private fn` helpers cannot be called from the tree.
    pub private: bool,
    /// Where `fn` (or `private fn`) is written, when it could be found.
    pub at: Option<LineCol>,
    /// How many characters `fn name` (or `private fn name`) takes.
    pub head_len: usize,
    /// Where the value it returns is most likely written: its one `return`,
    /// or else the last line of its body that holds more than braces.
    pub result_at: Option<LineCol>,
}

/// A script that does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// Rhai's description, in lower case.
    pub message: String,
    pub at: Option<LineCol>,
    kind: ParseErrorType,
}

/// A hook script compiled once; every call reuses the same AST.
pub struct Script {
    engine: Engine,
    ast: AST,
    path: Arc<Path>,
    functions: Vec<Function>,
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Script")
            .field("path", &self.path)
            .field("functions", &self.functions)
            .finish_non_exhaustive()
    }
}

impl Script {
    /// Compile a script in the sandbox. `path` is used in messages only.
    ///
    /// # Errors
    /// The first syntax error, with its line and column.
    pub fn compile(path: impl AsRef<Path>, text: &str) -> Result<Script, SyntaxError> {
        let engine = sandboxed_engine();
        let ast = engine.compile(text).map_err(syntax_error)?;
        let functions = functions(&ast, text);
        Ok(Script {
            engine,
            ast,
            path: Arc::from(path.as_ref()),
            functions,
        })
    }

    /// Every function the script defines, sorted by name then arity.
    #[must_use]
    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    /// The public function `name` taking `arity` parameters.
    #[must_use]
    pub fn function(&self, name: &str, arity: usize) -> Option<&Function> {
        self.functions
            .iter()
            .find(|f| !f.private && f.name == name && f.params.len() == arity)
    }

    /// Call hook `name` with tree values, mapping the result back to `ret`.
    ///
    /// # Errors
    /// A [`HookError`] naming the hook, what went wrong and, where known,
    /// the script position.
    pub fn invoke(
        &self,
        model: &Model,
        name: &str,
        args: &[Value],
        arg_types: &[Type],
        ret: Type,
    ) -> Result<HookOutput, HookError> {
        let fail = |kind: HookErrorKind, at: Option<LineCol>| HookError {
            hook: name.to_string(),
            kind,
            at: at.map(|at| self.locate(at)),
        };
        let Some(function) = self.function(name, args.len()) else {
            return Err(fail(HookErrorKind::NotDefined { arity: args.len() }, None));
        };
        let rhai_args = rhai_args(model, args, arg_types).map_err(|kind| fail(kind, None))?;
        let (result, captured) = self.run(name, rhai_args);
        match result {
            Ok(value) => {
                let value = from_rhai(model, value.flatten(), ret)
                    .map_err(|kind| fail(kind, function.result_at.or(function.at)))?;
                Ok(captured.into_output(value))
            }
            Err(err) => {
                let (kind, at) = innermost(&err);
                let kind = if captured.too_many_reasons {
                    HookErrorKind::TooManyReasons
                } else {
                    kind
                };
                Err(fail(kind, at.or(function.at)))
            }
        }
    }

    /// Run a function of the compiled AST (never re-parsed), collecting what
    /// it explains and prints.
    fn run(
        &self,
        name: &str,
        args: Vec<Dynamic>,
    ) -> (Result<Dynamic, Box<EvalAltResult>>, capture::Captured) {
        let guard = capture::Guard::begin();
        let result = self.engine.call_fn_with_options::<Dynamic>(
            CallFnOptions::new().eval_ast(false).rewind_scope(true),
            &mut Scope::new(),
            &self.ast,
            name,
            args,
        );
        (result, guard.finish())
    }

    fn locate(&self, at: LineCol) -> ScriptPos {
        ScriptPos {
            path: self.path.clone(),
            at,
        }
    }
}

impl HookRuntime for Script {
    fn call(
        &self,
        model: &Model,
        name: &str,
        args: &[Value],
        arg_types: &[Type],
        ret: Type,
    ) -> Result<HookOutput, String> {
        self.invoke(model, name, args, arg_types, ret)
            .map_err(|e| e.to_string())
    }
}

fn syntax_error(err: ParseError) -> SyntaxError {
    let ParseError(kind, pos) = err;
    SyntaxError {
        message: lower_first(&kind.to_string()),
        at: LineCol::from_rhai(pos),
        kind: *kind,
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The script's functions, with where each one is written.
fn functions(ast: &AST, text: &str) -> Vec<Function> {
    let written = definitions(text);
    let mut out: Vec<Function> = ast
        .iter_functions()
        .map(|f| {
            let params: Vec<String> = f.params.iter().map(|p| (*p).to_string()).collect();
            let found = written
                .iter()
                .find(|d| d.name == f.name && d.arity == params.len());
            Function {
                name: f.name.to_string(),
                params,
                private: f.access == FnAccess::Private,
                at: found.map(|d| d.at),
                head_len: found.map_or(1, |d| d.head_len),
                result_at: found.and_then(|d| d.result_at),
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.name, a.params.len()).cmp(&(&b.name, b.params.len())));
    out
}

/// A function header found in the script text.
struct Definition {
    name: String,
    arity: usize,
    at: LineCol,
    head_len: usize,
    result_at: Option<LineCol>,
}

/// Find `fn name(a, b)` at the start of lines. Rhai only allows functions at
/// the top level, where they start a line in any ordinary script; this is
/// only used to point at definitions, so a miss just drops a label.
fn definitions(text: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.chars().count() - trimmed.chars().count();
        let rest = keyword(trimmed, "private").unwrap_or(trimmed);
        let Some(rest) = keyword(rest, "fn") else {
            continue;
        };
        let (name, after) = split_ident(rest);
        let Some(params) = after.trim_start().strip_prefix('(') else {
            continue;
        };
        let Some(params) = params.split(')').next() else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let head = &trimmed[..trimmed.len() - after.len()];
        out.push(Definition {
            name: name.to_string(),
            arity: params.split(',').filter(|p| !p.trim().is_empty()).count(),
            at: LineCol {
                line: i + 1,
                column: indent + 1,
            },
            head_len: head.chars().count(),
            result_at: result_line(&lines, i),
        });
    }
    out
}

/// Where the function starting on line `first` (0-based) most likely
/// writes its result: the line of its only `return`, or else the last line
/// of its body with more than closing braces (its final expression). The
/// body ends where the braces opened on and after `first` balance; braces
/// in strings and comments are rough edges this accepts.
fn result_line(lines: &[&str], first: usize) -> Option<LineCol> {
    let mut depth = 0usize;
    let mut opened = false;
    let mut last = first;
    for (i, line) in lines.iter().enumerate().skip(first) {
        let code = line.split("//").next().unwrap_or("");
        for c in code.chars() {
            match c {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        last = i;
        if opened && depth == 0 {
            break;
        }
    }
    let body = first..=last;
    let at = |i: usize| {
        let line = lines[i];
        LineCol {
            line: i + 1,
            column: line.chars().count() - line.trim_start().chars().count() + 1,
        }
    };
    let returns: Vec<usize> = body
        .clone()
        .filter(|&i| keyword(lines[i].trim_start(), "return").is_some())
        .collect();
    if let [only] = returns.as_slice() {
        return Some(at(*only));
    }
    let meaningful = |i: &usize| {
        let code = lines[*i].split("//").next().unwrap_or("").trim();
        !code.is_empty() && code.chars().any(|c| !matches!(c, '}' | ';' | ' '))
    };
    body.rev().find(meaningful).map(at)
}

/// `s` after a leading keyword and the whitespace that must follow it.
fn keyword<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(word)?;
    rest.starts_with(char::is_whitespace)
        .then(|| rest.trim_start())
}

fn split_ident(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    s.split_at(end)
}

// ─── Runtime errors ────────────────────────────────────────────────────────

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
#[derive(Debug, Clone, PartialEq)]
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

/// What went wrong in a hook call. Each message reads on from "hook `name`".
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HookErrorKind {
    /// `hook score(a)` when the script has no public `fn score(x)`.
    #[error("is not defined in the script with {arity} parameter(s)")]
    NotDefined { arity: usize },
    /// `loop {}`
    #[error("ran out of its budget of {MAX_OPERATIONS} operations; is there an endless loop?")]
    Budget,
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
fn innermost(err: &EvalAltResult) -> (HookErrorKind, Option<LineCol>) {
    if let EvalAltResult::ErrorInFunctionCall(_, _, inner, pos) = err {
        let (kind, at) = innermost(inner);
        return (kind, at.or_else(|| LineCol::from_rhai(*pos)));
    }
    let at = LineCol::from_rhai(err.position());
    let kind = match err {
        EvalAltResult::ErrorTooManyOperations(_) | EvalAltResult::ErrorTerminated(..) => {
            HookErrorKind::Budget
        }
        EvalAltResult::ErrorStackOverflow(_) => HookErrorKind::TooDeep,
        EvalAltResult::ErrorDataTooLarge(what, _) => HookErrorKind::TooLarge(too_large(what)),
        EvalAltResult::ErrorParsing(ParseErrorType::Reserved(word), _) => {
            HookErrorKind::Refused(word.clone())
        }
        EvalAltResult::ErrorModuleNotFound(..) | EvalAltResult::ErrorTooManyModules(_) => {
            HookErrorKind::Refused("import".into())
        }
        EvalAltResult::ErrorRuntime(value, _) => HookErrorKind::Thrown(value.to_string()),
        other => HookErrorKind::Runtime(lower_first(&without_position(other))),
    };
    (kind, at)
}

/// Rhai's message for an error, without the " (line 3, position 5)" it
/// appends (the position is reported separately).
fn without_position(err: &EvalAltResult) -> String {
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

// ─── Values in and out ─────────────────────────────────────────────────────

/// The arguments of a call as Rhai values.
fn rhai_args(
    model: &Model,
    args: &[Value],
    arg_types: &[Type],
) -> Result<Vec<Dynamic>, HookErrorKind> {
    if args.len() != arg_types.len() {
        return Err(HookErrorKind::ArgumentMismatch(
            args.len().min(arg_types.len()) + 1,
        ));
    }
    args.iter()
        .zip(arg_types)
        .enumerate()
        .map(|(i, (value, ty))| to_rhai(model, value, *ty, i + 1))
        .collect()
}

/// Argument number `index` (1-based) as a Rhai value.
fn to_rhai(model: &Model, value: &Value, ty: Type, index: usize) -> Result<Dynamic, HookErrorKind> {
    let mismatch = || HookErrorKind::ArgumentMismatch(index);
    Ok(match (value, ty) {
        (Value::Bool(b), Type::Bool) => Dynamic::from_bool(*b),
        (Value::Int(n), Type::Int) => Dynamic::from_int(*n),
        (Value::Text(s), Type::Text) => {
            if s.len() > MAX_STRING_SIZE {
                return Err(HookErrorKind::ArgumentTooLarge {
                    index,
                    len: s.len(),
                });
            }
            Dynamic::from(ImmutableString::from(&**s))
        }
        (Value::Enum(None), Type::Enum(_)) => Dynamic::UNIT,
        (Value::Enum(Some(m)), Type::Enum(d)) => {
            let name = members(model, d).get(*m as usize).ok_or_else(mismatch)?;
            Dynamic::from(ImmutableString::from(name.as_str()))
        }
        (Value::Set(bits), Type::Set(d)) => {
            let names: Array = members(model, d)
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && bits & (1 << i) != 0)
                .map(|(_, m)| Dynamic::from(ImmutableString::from(m.as_str())))
                .collect();
            Dynamic::from_array(names)
        }
        _ => return Err(mismatch()),
    })
}

fn members(model: &Model, d: DomainId) -> &[String] {
    model.domains.get(d.0 as usize).map_or(&[], Vec::as_slice)
}

fn from_rhai(model: &Model, value: Dynamic, ret: Type) -> Result<Value, HookErrorKind> {
    let wrong = |hint: &'static str| HookErrorKind::WrongType {
        got: describe(&value),
        want: type_name(model, ret),
        hint,
    };
    match ret {
        Type::Bool => value.as_bool().map(Value::Bool).map_err(|_| wrong("")),
        Type::Int => value.as_int().map(Value::Int).map_err(|_| {
            if value.is_float() {
                wrong("; turn it into a whole number with `to_int()` or `round()`")
            } else {
                wrong("")
            }
        }),
        Type::Text => match value.clone().into_immutable_string() {
            Ok(s) => Ok(Value::Text(Arc::from(s.as_str()))),
            Err(_) => Err(wrong("; turn it into text with `to_string()`")),
        },
        Type::Enum(d) => {
            if value.is_unit() {
                return Ok(Value::Enum(None));
            }
            let Ok(name) = value.clone().into_immutable_string() else {
                return Err(wrong("; return the member's name as a string"));
            };
            member(model, ret, d, &name).map(|m| Value::Enum(Some(m)))
        }
        Type::Set(d) => {
            let Ok(items) = value.clone().into_array() else {
                return Err(wrong(
                    "; return an array of member names, like [\"a\", \"b\"]",
                ));
            };
            let mut bits = 0u64;
            for item in items {
                let Ok(name) = item.clone().into_immutable_string() else {
                    return Err(HookErrorKind::WrongType {
                        got: format!("an array holding {}", describe(&item)),
                        want: type_name(model, ret),
                        hint: "; every item must be a member name string",
                    });
                };
                bits |= 1 << member(model, ret, d, &name)?;
            }
            Ok(Value::Set(bits))
        }
    }
}

/// The index of member `name` of the `one_of` or `set` type `ty`.
fn member(model: &Model, ty: Type, d: DomainId, name: &str) -> Result<u32, HookErrorKind> {
    members(model, d)
        .iter()
        .position(|m| m == name)
        .and_then(|i| u32::try_from(i).ok())
        .ok_or_else(|| HookErrorKind::UnknownMember {
            member: name.to_string(),
            want: type_name(model, ty),
        })
}

/// A tree type as written in a tree: `int`, `one_of(a, b)`, `set(a, b)`.
fn type_name(model: &Model, ty: Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::Int => "int".into(),
        Type::Text => "text".into(),
        Type::Enum(d) => format!("one_of({})", members(model, d).join(", ")),
        Type::Set(d) => format!("set({})", members(model, d).join(", ")),
    }
}

/// A Rhai value in words, short enough for a one-line message.
fn describe(value: &Dynamic) -> String {
    const SHORT: usize = 40;
    let shown = value.to_string();
    let shown = if shown.chars().count() > SHORT {
        format!("{}...", shown.chars().take(SHORT).collect::<String>())
    } else {
        shown
    };
    if value.is_unit() {
        "nothing (`()`)".into()
    } else if value.is_bool() {
        format!("the bool `{shown}`")
    } else if value.is_int() {
        format!("the int `{shown}`")
    } else if value.is_float() {
        format!("the decimal number `{shown}`")
    } else if value.is_string() {
        format!("the string {shown:?}")
    } else if value.is_char() {
        format!("the character {shown:?}")
    } else if value.is_array() {
        "an array".into()
    } else if value.is_map() {
        "an object map".into()
    } else {
        format!("a value of type `{}`", value.type_name())
    }
}

// ─── Checking a tree's script ──────────────────────────────────────────────

/// Read, compile and check the tree's script: through the same
/// [`FileSystem`] as the tree, compiled once, every hook call matched
/// against the script's public functions by name and arity. The script is
/// added to `sources` so diagnostics can point into it.
///
/// # Errors
/// Every problem found, as diagnostics (codes E020 to E023).
pub fn load(
    fs: &dyn FileSystem,
    sources: &mut Sources,
    script: &ScriptRef,
    calls: &[HookCall],
) -> Result<Arc<Script>, Vec<Diagnostic>> {
    let text = match fs.read(&script.path) {
        Ok(text) => text,
        Err(err) => {
            let d = Diagnostic::error(
                "E020",
                format!(
                    "cannot read the hook script `{}`: {err}",
                    script.path.display()
                ),
                script.span,
            )
            .label("named here")
            .help("the script path is relative to the tree file");
            return Err(vec![d]);
        }
    };
    let file = sources.add(script.path.clone(), text);
    let text = &sources.get(file).text;
    let compiled = match Script::compile(&script.path, text) {
        Ok(compiled) => compiled,
        Err(err) => return Err(vec![syntax_diagnostic(sources, file, script, &err)]),
    };
    let diags: Vec<Diagnostic> = calls
        .iter()
        .filter_map(|call| check_call(sources, file, script, &compiled, call))
        .collect();
    if diags.is_empty() {
        Ok(Arc::new(compiled))
    } else {
        Err(diags)
    }
}

fn syntax_diagnostic(
    sources: &Sources,
    file: FileId,
    script: &ScriptRef,
    err: &SyntaxError,
) -> Diagnostic {
    let mut span = err
        .at
        .map_or(Span::new(file, 0, 0), |at| token_at(sources, file, at));
    let (label, help) = match &err.kind {
        // Rhai notices a missing `;` at the next token, often on the next
        // line; a person looks at the end of the statement before it.
        ParseErrorType::MissingToken(token, _) if token == ";" => {
            if let Some(end) = end_of_previous_line(&sources.get(file).text, span.start as usize) {
                span = Span::new(file, end - 1, end);
            }
            (
                "expected `;` after this",
                Some("end each statement with `;`"),
            )
        }
        ParseErrorType::Reserved(word) if word == "import" || word == "export" => (
            "modules are not available to hooks",
            Some("define every function the hooks need in this one script"),
        ),
        ParseErrorType::BadInput(_) if err.message.contains("'eval'") => (
            "`eval` is not available to hooks",
            Some("write the code directly instead of evaluating a string"),
        ),
        ParseErrorType::VariableUndefined(_) => (
            "not defined here",
            Some("a function sees only its parameters and its own `let` variables; pass other values in as parameters"),
        ),
        _ => ("here", None),
    };
    Diagnostic::error(
        "E021",
        format!("the hook script does not compile: {}", err.message),
        span,
    )
    .label(label)
    .with_secondary(script.span, "script named here")
    .maybe_help(help.map(str::to_string))
}

/// E022 for a hook the script does not define, E023 for a wrong arity.
fn check_call(
    sources: &Sources,
    file: FileId,
    script: &ScriptRef,
    compiled: &Script,
    call: &HookCall,
) -> Option<Diagnostic> {
    if compiled.function(&call.name, call.arity).is_some() {
        return None;
    }
    let public: Vec<&Function> = compiled.functions().iter().filter(|f| !f.private).collect();
    let same_name: Vec<&Function> = public
        .iter()
        .copied()
        .filter(|f| f.name == call.name)
        .collect();
    if same_name.is_empty() {
        return Some(missing(sources, file, script, compiled, call, &public));
    }
    Some(wrong_arity(sources, file, call, &same_name))
}

fn missing(
    sources: &Sources,
    file: FileId,
    script: &ScriptRef,
    compiled: &Script,
    call: &HookCall,
    public: &[&Function],
) -> Diagnostic {
    let path = script.path.display();
    let private = compiled
        .functions()
        .iter()
        .find(|f| f.private && f.name == call.name);
    let help = if private.is_some() {
        Some(format!(
            "`{}` is `private` in the script; remove `private` to call it from the tree",
            call.name
        ))
    } else {
        did_you_mean(&call.name, public.iter().map(|f| f.name.as_str())).or_else(|| {
            let params: Vec<String> = (1..=call.arity).map(|i| format!("arg{i}")).collect();
            Some(format!(
                "define it in `{path}`: fn {}({}) {{ ... }}",
                call.name,
                params.join(", ")
            ))
        })
    };
    let d = Diagnostic::error(
        "E022",
        format!("hook `{}` is not defined in `{path}`", call.name),
        call.name_span,
    )
    .label("no such function in the script")
    .maybe_help(help);
    match private {
        Some(Function {
            at: Some(at),
            head_len,
            ..
        }) => d.with_secondary(span_at(sources, file, *at, *head_len), "private here"),
        _ => d,
    }
}

fn wrong_arity(
    sources: &Sources,
    file: FileId,
    call: &HookCall,
    same_name: &[&Function],
) -> Diagnostic {
    let arities: Vec<String> = same_name
        .iter()
        .map(|f| f.params.len().to_string())
        .collect();
    let takes = match arities.as_slice() {
        [_] => plural(same_name[0].params.len(), "argument"),
        more => format!("{} arguments", more.join(" or ")),
    };
    let given = plural(call.arity, "argument");
    let mut d = Diagnostic::error(
        "E023",
        format!(
            "hook `{}` takes {takes}, but {given} {} given",
            call.name,
            if call.arity == 1 { "is" } else { "are" }
        ),
        call.span,
    )
    .label(format!("{given} given"));
    for f in same_name {
        if let Some(at) = f.at {
            d = d.with_secondary(
                span_at(sources, file, at, f.head_len),
                format!("defined here with {}", plural(f.params.len(), "parameter")),
            );
        }
    }
    let forms: Vec<String> = same_name
        .iter()
        .map(|f| format!("`hook {}({})`", f.name, f.params.join(", ")))
        .collect();
    d.help(format!("call it as {}", forms.join(" or ")))
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The span of `len` characters at a script line and column, clamped to
/// the end of the line.
fn span_at(sources: &Sources, file: FileId, at: LineCol, len: usize) -> Span {
    let text = sources.get(file).text.as_str();
    let line_start: usize = text
        .split_inclusive('\n')
        .take(at.line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line = text
        .get(line_start..)
        .and_then(|rest| rest.lines().next())
        .unwrap_or("");
    let offset = |chars: usize| {
        line.char_indices()
            .nth(chars)
            .map_or(line.len(), |(i, _)| i)
    };
    let start = offset(at.column.saturating_sub(1));
    let end = offset(at.column.saturating_sub(1) + len.max(1));
    Span::new(file, line_start + start, line_start + end)
}

/// When `pos` is the first token on its line, the end (exclusive) of the
/// last non-blank line before it, without trailing spaces or a `//`
/// comment.
fn end_of_previous_line(text: &str, pos: usize) -> Option<usize> {
    let line_start = text.get(..pos)?.rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..pos].trim().is_empty() {
        return None;
    }
    let mut end = line_start.checked_sub(1)?;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        let code = line.find("//").map_or(line, |c| &line[..c]).trim_end();
        if !code.trim().is_empty() {
            return Some(start + code.len());
        }
        end = start.checked_sub(1)?;
    }
}

/// The span of the token at a script position: a whole name when it starts
/// one, otherwise one character.
fn token_at(sources: &Sources, file: FileId, at: LineCol) -> Span {
    let one = span_at(sources, file, at, 1);
    let text = &sources.get(file).text;
    let rest = text.get(one.start as usize..).unwrap_or("");
    let name_len = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .count();
    span_at(sources, file, at, name_len.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_are_found_at_line_starts() {
        let text =
            "// fn not_this()\nfn a(x, y) {\n  x\n}\n  private fn é_b() { 1 }\nlet fn_c = 1;\nfnord(1);\nfn\td(x) {}";
        let found: Vec<(String, usize, usize, usize, usize)> = definitions(text)
            .into_iter()
            .map(|d| (d.name, d.arity, d.at.line, d.at.column, d.head_len))
            .collect();
        assert_eq!(
            found,
            [
                ("a".to_string(), 2, 2, 1, 4),
                ("é_b".to_string(), 0, 5, 3, 14),
                ("d".to_string(), 1, 8, 1, 4),
            ]
        );
    }

    #[test]
    fn positions_become_spans_clamped_to_the_line() {
        let mut sources = Sources::new();
        let file = sources.add("s.rhai".into(), "fn f() {\n  çount + 1\n}".into());
        let at = |line, column| LineCol { line, column };
        let text = |span: Span| sources.get(file).slice(span).to_string();
        assert_eq!(text(token_at(&sources, file, at(2, 3))), "çount");
        assert_eq!(text(token_at(&sources, file, at(2, 9))), "+");
        assert_eq!(text(span_at(&sources, file, at(1, 1), 4)), "fn f");
        let past_end = span_at(&sources, file, at(2, 40), 1);
        assert!(past_end.is_empty());
        assert_eq!(past_end.start as usize, "fn f() {\n  çount + 1".len());
        assert!(span_at(&sources, file, at(9, 1), 1).is_empty());
    }

    #[test]
    fn rhai_messages_lose_their_position_suffix() {
        let err = EvalAltResult::ErrorVariableNotFound("x".into(), Position::new(3, 5));
        assert_eq!(without_position(&err), "Variable not found: x");
        assert_eq!(lower_first("Unexpected '}'"), "unexpected '}'");
    }
}
