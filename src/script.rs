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

use crate::model::{DomainId, HookOutput, HookRuntime, Model, Type, Value};
use rhai::module_resolvers::DummyModuleResolver;
use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicIteratorPackage, BasicMapPackage, BasicMathPackage,
    BasicStringPackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{
    Array, CallFnOptions, Dynamic, Engine, EvalAltResult, FnAccess, ImmutableString, ParseError,
    ParseErrorType, Position, Scope, AST,
};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

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
/// Most functions one script may define. Rhai's compiler looks through
/// every function defined so far at each variable it meets, so compiling
/// 20,000 functions took 11 s and 200,000 more than a minute.
pub const MAX_FUNCTIONS: usize = 1_000;
/// Most `explain(...)` reasons one hook call may attach.
pub const MAX_REASONS: usize = 32;
/// Most `print`/`debug` lines kept from one hook call; later ones are counted
/// and dropped.
pub const MAX_LOG_LINES: usize = 100;
/// Longest one hook call may run, by the wall clock. Checked before every
/// operation, so a call stops within one operation of the limit.
pub const MAX_CALL_TIME: Duration = Duration::from_secs(1);
/// Most memory one hook call may hold on top of what the program held when
/// the call began, in bytes. Checked before every operation where the
/// program can measure its memory (see [`set_memory_probe`]).
pub const MAX_CALL_MEMORY: usize = 64 * 1024 * 1024;
/// Names scripts may not use. `Fn`, `call` and `curry` make function
/// pointers, which carry curried values that Rhai's size limits do not
/// count: a pointer curried with itself doubles at every step, so one call
/// could hold gigabytes and take seconds per operation. Closures (which
/// curry the variables they capture) are compiled out with Rhai's
/// `no_closure` feature; anonymous functions without captures stay, so
/// `items.filter(|x| x != "none")` works.
pub const REFUSED_SYMBOLS: [&str; 6] = ["import", "export", "eval", "Fn", "call", "curry"];

/// How the program measures the memory it holds: a function returning the
/// bytes currently allocated. The `guidetree` binary installs one backed by
/// its counting allocator; without one, only the time limit (and the size
/// limits) bound a hook call.
static MEMORY_PROBE: OnceLock<fn() -> usize> = OnceLock::new();

/// Install the function that tells how many bytes the program holds, so
/// hook calls can be held to [`MAX_CALL_MEMORY`]. Only the first call
/// counts.
pub fn set_memory_probe(probe: fn() -> usize) {
    let _ = MEMORY_PROBE.set(probe);
}

fn memory_in_use() -> Option<usize> {
    MEMORY_PROBE.get().map(|probe| probe())
}

// ─── The sandbox ───────────────────────────────────────────────────────────

/// The one engine every hook runs in.
///
/// It starts from [`Engine::new_raw`] (nothing registered) and adds only the
/// packages a scoring function needs: arithmetic, logic, maths, strings,
/// arrays, maps and ranges. Left out on purpose: the time package (clock),
/// the language-core package (`sleep`, `exit`), blobs, function pointers,
/// and anything that touches files, the network or randomness (Rhai's core
/// has none of those; they would come from extra crates, which are not
/// used). Module imports, `eval` and function pointers are refused when the
/// script is compiled ([`REFUSED_SYMBOLS`]), and every resource has a limit
/// (see the `MAX_*` constants), time and memory included. `print` and
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
        BasicArrayPackage::new().as_shared_module(),
        BasicMapPackage::new().as_shared_module(),
    ];
    for package in packages {
        engine.register_global_module(package);
    }
    engine.set_module_resolver(DummyModuleResolver::new());
    engine.set_max_modules(0);
    for symbol in REFUSED_SYMBOLS {
        engine.disable_symbol(symbol);
    }
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(MAX_CALL_LEVELS)
        .set_max_functions(MAX_FUNCTIONS)
        .set_max_expr_depths(MAX_EXPR_DEPTH, MAX_FN_EXPR_DEPTH)
        .set_max_string_size(MAX_STRING_SIZE)
        .set_max_array_size(MAX_ARRAY_SIZE)
        .set_max_map_size(MAX_MAP_SIZE)
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(true);
    engine.on_progress(|_| capture::over_limit());
    engine.on_print(|text| capture::log(text.to_string()));
    engine.on_debug(|text, _source, pos| capture::log(format!("debug {pos:?} | {text}")));
    engine.register_fn("explain", capture::explain);
    engine
}

/// Per-call collection of reasons and output. A hook call runs start to end
/// on one thread, so a thread-local slot set up around the call is all the
/// engine's callbacks need; calls on other threads have their own slot.
mod capture {
    use super::{
        memory_in_use, HookOutput, Value, MAX_CALL_MEMORY, MAX_CALL_TIME, MAX_LOG_LINES,
        MAX_REASONS,
    };
    use rhai::{Dynamic, EvalAltResult, ImmutableString, Position};
    use std::cell::RefCell;
    use std::time::Instant;

    /// What [`over_limit`] stops a call with, read back by `innermost`.
    pub(super) const TIME_UP: &str = "time";
    pub(super) const MEMORY_FULL: &str = "memory";

    /// What one call produced besides its value.
    #[derive(Debug, Default)]
    pub(super) struct Captured {
        pub reasons: Vec<String>,
        pub log: Vec<String>,
        pub dropped_lines: usize,
        pub too_many_reasons: bool,
        /// When the call began, and the memory the program held then.
        began: Option<Instant>,
        memory_before: Option<usize>,
    }

    thread_local! {
        static CURRENT: RefCell<Option<Captured>> = const { RefCell::new(None) };
    }

    /// Collects for as long as it lives; [`Guard::finish`] hands the result
    /// over (dropping it without finishing still clears the slot).
    pub(super) struct Guard(());

    impl Guard {
        pub fn begin() -> Guard {
            let captured = Captured {
                began: Some(Instant::now()),
                memory_before: memory_in_use(),
                ..Captured::default()
            };
            CURRENT.with_borrow_mut(|c| *c = Some(captured));
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

    /// Called by the engine before every operation: stop the call once it
    /// has run past [`MAX_CALL_TIME`] or holds more than [`MAX_CALL_MEMORY`]
    /// on top of what the program held when it began.
    pub(super) fn over_limit() -> Option<Dynamic> {
        CURRENT.with_borrow(|c| {
            let c = c.as_ref()?;
            if c.began.is_some_and(|t| t.elapsed() > MAX_CALL_TIME) {
                return Some(Dynamic::from(ImmutableString::from(TIME_UP)));
            }
            let before = c.memory_before?;
            let now = memory_in_use()?;
            (now.saturating_sub(before) > MAX_CALL_MEMORY)
                .then(|| Dynamic::from(ImmutableString::from(MEMORY_FULL)))
        })
    }

    pub(super) fn log(line: String) {
        CURRENT.with_borrow_mut(|c| {
            if let Some(c) = c {
                if c.log.len() < MAX_LOG_LINES {
                    c.log.push(crate::diag::visible(&line).into_owned());
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
                // Reasons are shown on terminals: no escape sequences.
                c.reasons.push(crate::diag::visible(&reason).into_owned());
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
    pub(crate) kind: ParseErrorType,
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
        // `functions` is sorted by name, then arity.
        let i = self
            .functions
            .partition_point(|f| (f.name.as_str(), f.params.len()) < (name, arity));
        self.functions[i..]
            .iter()
            .take_while(|f| f.name == name && f.params.len() == arity)
            .find(|f| !f.private)
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
    ) -> Result<HookOutput, HookError> {
        self.invoke(model, name, args, arg_types, ret)
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
    // Indexed by name and arity: a script may define 200,000 functions.
    let mut written: HashMap<(&str, usize), &Definition> = HashMap::new();
    let definitions = definitions(text);
    for d in &definitions {
        written.entry((d.name.as_str(), d.arity)).or_insert(d);
    }
    let mut out: Vec<Function> = ast
        .iter_functions()
        .map(|f| {
            let params: Vec<String> = f.params.iter().map(|p| (*p).to_string()).collect();
            let found = written.get(&(f.name, params.len()));
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
fn innermost(err: &EvalAltResult) -> (HookErrorKind, Option<LineCol>) {
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
    fn rhai_messages_lose_their_position_suffix() {
        let err = EvalAltResult::ErrorVariableNotFound("x".into(), Position::new(3, 5));
        assert_eq!(without_position(&err), "Variable not found: x");
        assert_eq!(lower_first("Unexpected '}'"), "unexpected '}'");
    }
}
