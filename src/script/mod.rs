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

use crate::model::{HookOutput, HookRuntime, Model, Type, Value};
use rhai::module_resolvers::DummyModuleResolver;
use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicIteratorPackage, BasicMapPackage, BasicMathPackage,
    BasicStringPackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{
    CallFnOptions, Dynamic, Engine, EvalAltResult, FnAccess, ParseError, ParseErrorType, Position,
    Scope, AST,
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

mod capture;
mod errors;
mod values;

use errors::innermost;
pub use errors::{HookError, HookErrorKind, ScriptPos};
use values::{from_rhai, rhai_args};

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

#[cfg(test)]
mod tests {
    use super::errors::without_position;
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
