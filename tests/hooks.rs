//! Rhai hooks end to end: the sandbox and its limits, the value mapping,
//! check-time diagnostics (a snapshot per `tests/fixtures/hooks/err_*.tree`),
//! runtime failures and the scoring example through `Session`.

use crate::common::{relative, rendered as report};
use guidetree::check::{check_path, check_with};
use guidetree::diag::{self, Palette};
use guidetree::interp::{Answer, AnswerError, Session};
use guidetree::load::{FileSystem, MemoryFs, ReadError};
use guidetree::model::{HookOutput, Model, NodeKind, Type, Value};
use guidetree::script::{
    HookError, HookErrorKind, Script, MAX_ARRAY_SIZE, MAX_LOG_LINES, MAX_REASONS, MAX_STRING_SIZE,
};
use std::cell::Cell;
use std::path::Path;
use std::sync::Arc;

// ─── Helpers ───────────────────────────────────────────────────────────────

/// A tree whose only job is to declare the types the mapping tests use.
const TYPES_TREE: &str = r#"
tree types "Types" { start q outcomes done }
var pick: one_of(a, b, c)
var picks: set(a, b, c)
question q {
  text "Pick"
  option a "A" { set pick = a add picks a } -> end
}
outcome end { kind done title "{pick} {picks}" }
"#;

fn types_model() -> Model {
    let fs = MemoryFs::new().with("types.tree", TYPES_TREE);
    match check_with(&fs, Path::new("types.tree")) {
        Ok(checked) => checked.model,
        Err(f) => panic!("{:#?}", f.diagnostics),
    }
}

fn enum_type(model: &Model) -> Type {
    model.var(model.find_var("pick").unwrap()).ty
}

fn set_type(model: &Model) -> Type {
    model.var(model.find_var("picks").unwrap()).ty
}

fn compile(src: &str) -> Script {
    Script::compile("test.rhai", src).unwrap_or_else(|e| panic!("{e} at {:?}", e.at))
}

/// Call a one-argument (int) hook returning an int.
fn call_int(src: &str, name: &str) -> Result<HookOutput, HookError> {
    compile(src).invoke(
        &types_model(),
        name,
        &[Value::Int(1)],
        &[Type::Int],
        Type::Int,
    )
}

fn kind_of(result: Result<HookOutput, HookError>) -> HookErrorKind {
    match result {
        Ok(out) => panic!("expected an error, got {out:?}"),
        Err(e) => e.kind,
    }
}

fn checked(path: &str) -> Model {
    match check_path(Path::new(path)) {
        Ok(checked) => checked.model,
        Err(f) => panic!(
            "{}",
            f.diagnostics
                .iter()
                .map(|d| diag::render(d, &f.sources, Palette::plain()))
                .collect::<String>()
        ),
    }
}

fn option(model: &Model, node: &str, id: &str) -> usize {
    let node = model.node(model.find_node(node).unwrap());
    let NodeKind::Question { options } = &node.kind else {
        panic!("`{}` is not a question", node.id)
    };
    options.iter().position(|o| o.id == id).unwrap()
}

fn items(model: &Model, node: &str, ids: &[&str]) -> u64 {
    let node = model.node(model.find_node(node).unwrap());
    let NodeKind::Checklist { items, .. } = &node.kind else {
        panic!("`{}` is not a checklist", node.id)
    };
    ids.iter()
        .map(|id| 1u64 << items.iter().position(|i| i.id == *id).unwrap())
        .fold(0, |a, b| a | b)
}

fn node_id<'m>(s: &Session<'m>) -> &'m str {
    &s.model().node(s.current()).id
}

// ─── The sandbox ───────────────────────────────────────────────────────────

mod sandbox {
    use super::*;

    #[test]
    fn an_endless_loop_stops_on_the_operation_budget() {
        let err = call_int("fn spin(n) { loop { n += 1; } }", "spin").unwrap_err();
        assert_eq!(err.kind, HookErrorKind::Budget);
        // No position from Rhai for a budget stop: the hook's `fn` line.
        assert_eq!(err.at.map(|p| p.to_string()), Some("test.rhai:1:1".into()));
    }

    #[test]
    fn an_endless_recursion_stops_on_the_call_depth() {
        let kind = kind_of(call_int("fn deep(n) { deep(n + 1) }", "deep"));
        assert_eq!(kind, HookErrorKind::TooDeep);
    }

    #[test]
    fn an_import_is_refused_when_compiling() {
        let err = Script::compile("t.rhai", "import \"fs\" as fs;\nfn f() { 1 }").unwrap_err();
        assert!(err.message.contains("import"), "{}", err.message);
        assert_eq!(err.at.map(|a| (a.line, a.column)), Some((1, 1)));
    }

    #[test]
    fn eval_is_refused_when_compiling() {
        let err = Script::compile("t.rhai", "fn f() {\n  eval(\"1 + 1\")\n}").unwrap_err();
        assert!(err.message.contains("eval"), "{}", err.message);
        assert_eq!(err.at.map(|a| (a.line, a.column)), Some((2, 3)));
    }

    /// Function pointers carry curried values that no size limit counts:
    /// `f.curry(f)` in a loop doubled a pointer until the process aborted,
    /// and made one call take 12 s within the operations budget. `Fn`,
    /// `call` and `curry` are refused when the script compiles, and so is
    /// a closure that captures a variable.
    #[test]
    fn function_pointers_and_captures_are_refused_when_compiling() {
        let cases = [
            (
                "fn h() { let f = Fn(\"h\"); loop { f = f.curry(f); } }",
                "'Fn'",
            ),
            ("fn h(n) { call(Fn(\"eval\"), \"n * 2\") }", "'call'"),
            ("fn h(n) { let f = |x| x; f.curry(n) }", "property"),
            ("fn h(n) { let f = |x| x; f.call(n) }", "property"),
            (
                "fn h(n) { let s = \"x\"; [1].map(|x| s + x) }",
                "undefined variable",
            ),
        ];
        for (src, why) in cases {
            let err = Script::compile("test.rhai", src)
                .err()
                .unwrap_or_else(|| panic!("compiled: {src}"));
            assert!(err.message.contains(why), "{src}: {}", err.message);
        }
    }

    #[test]
    fn anonymous_functions_without_captures_still_work() {
        let out = call_int(
            "fn f(n) { [1, 2, 3, n].map(|x| x * 2).filter(|x| x > 2).len() }",
            "f",
        )
        .unwrap();
        assert_eq!(out.value, Value::Int(2));
    }

    /// Copying a map with 500 keys of 60 KB (keys count in no size limit)
    /// takes milliseconds per operation: the operations budget alone would
    /// let one call run for minutes.
    #[test]
    fn a_call_that_runs_past_its_time_is_stopped() {
        let began = std::time::Instant::now();
        let kind = kind_of(call_int(
            "fn f(n) { let k = \"k\"; k.pad(60000, \"k\"); let m = #{}; \
             for i in 0..500 { m[k + i] = i; } loop { let copy = m; } }",
            "f",
        ));
        assert_eq!(kind, HookErrorKind::TimedOut);
        let took = began.elapsed();
        assert!(took < guidetree::script::MAX_CALL_TIME * 3, "{took:?}");
    }

    #[test]
    fn a_100_mb_string_is_refused() {
        let kind = kind_of(call_int(
            "fn big(n) { let s = \"x\".pad(100_000_000, \"y\"); s.len() }",
            "big",
        ));
        assert!(
            matches!(&kind, HookErrorKind::TooLarge(what) if what.contains("string")),
            "{kind:?}"
        );
    }

    #[test]
    fn a_string_doubled_in_a_loop_is_refused() {
        let kind = kind_of(call_int(
            "fn big(n) { let s = \"xy\"; loop { s += s; } }",
            "big",
        ));
        assert!(matches!(kind, HookErrorKind::TooLarge(_)), "{kind:?}");
    }

    #[test]
    fn a_100_mb_text_argument_is_refused() {
        let text: Arc<str> = Arc::from("x".repeat(100 * 1024 * 1024));
        let err = compile("fn len(t) { t.len() }")
            .invoke(
                &types_model(),
                "len",
                &[Value::Text(text)],
                &[Type::Text],
                Type::Int,
            )
            .unwrap_err();
        assert!(
            matches!(err.kind, HookErrorKind::ArgumentTooLarge { index: 1, len } if len > MAX_STRING_SIZE),
            "{err:?}"
        );
    }

    #[test]
    fn arrays_and_maps_are_bounded() {
        let kind = kind_of(call_int(
            "fn grow(n) { let a = []; loop { a.push(n); } }",
            "grow",
        ));
        assert!(
            matches!(&kind, HookErrorKind::TooLarge(w) if w.contains(&MAX_ARRAY_SIZE.to_string())),
            "{kind:?}"
        );
        let kind = kind_of(call_int(
            "fn grow(n) { let m = #{}; loop { n += 1; m[`k${n}`] = n; m.len(); } }",
            "grow",
        ));
        assert!(
            matches!(&kind, HookErrorKind::TooLarge(w) if w.contains("map")),
            "{kind:?}"
        );
    }

    #[test]
    fn there_is_no_clock_and_no_sleep() {
        for src in ["fn f(n) { timestamp() }", "fn f(n) { sleep(1); n }"] {
            let kind = kind_of(call_int(src, "f"));
            assert!(
                matches!(&kind, HookErrorKind::Runtime(m) if m.starts_with("function not found")),
                "{src}: {kind:?}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_a_compile_error_not_a_crash() {
        for (open, close) in [("(", ")"), ("{", "}"), ("[", "]")] {
            let src = format!("fn f(n) {{ {}n{} }}", open.repeat(5000), close.repeat(5000));
            let err = Script::compile("t.rhai", &src).unwrap_err();
            assert!(err.message.contains("complexity"), "{}", err.message);
        }
    }

    #[test]
    fn variables_are_strict() {
        let err = Script::compile("t.rhai", "fn f() { months }").unwrap_err();
        assert_eq!(err.message, "undefined variable: months");
    }

    #[test]
    fn print_and_debug_go_to_the_log() {
        let out = call_int("fn f(n) { print(`n is ${n}`); debug(n); n }", "f").unwrap();
        assert_eq!(out.log, ["n is 1", "debug 1:31 | 1"]);
    }

    #[test]
    fn the_log_is_capped_per_call() {
        let out = call_int("fn f(n) { for i in 0..500 { print(i); } n }", "f").unwrap();
        assert_eq!(out.log.len(), MAX_LOG_LINES + 1);
        assert_eq!(
            out.log.last().map(String::as_str),
            Some("(400 more lines dropped; at most 100 are kept per call)")
        );
    }

    #[test]
    fn explain_is_capped_per_call() {
        let kind = kind_of(call_int(
            "fn f(n) { for i in 0..100 { explain(`reason ${i}`); } n }",
            "f",
        ));
        assert_eq!(kind, HookErrorKind::TooManyReasons);
        let out = call_int(
            &format!("fn f(n) {{ for i in 0..{MAX_REASONS} {{ explain(`r${{i}}`); }} n }}"),
            "f",
        )
        .unwrap();
        assert_eq!(out.reasons.len(), MAX_REASONS);
    }

    #[test]
    fn a_thrown_error_keeps_the_innermost_script_position() {
        let src = "fn f(n) {\n  g(n)\n}\nfn g(n) {\n    throw \"no data\";\n}";
        let err = call_int(src, "f").unwrap_err();
        assert_eq!(err.kind, HookErrorKind::Thrown("no data".into()));
        assert_eq!(
            err.to_string(),
            "hook `f` (test.rhai:5:5) threw an error: no data"
        );
    }

    /// Run in a child process by `print_never_reaches_stdout`: a hook prints
    /// a marker, which must land in the log.
    #[test]
    #[ignore = "run in a child process by print_never_reaches_stdout"]
    fn child_prints_through_a_hook() {
        let src = "fn loud(n) { print(\"HOOK-PRINT-MARKER\"); debug(\"HOOK-DEBUG-MARKER\"); n }";
        let out = call_int(src, "loud").unwrap();
        assert_eq!(out.log.len(), 2);
        assert!(out.log[0].contains("HOOK-PRINT") && out.log[1].contains("HOOK-DEBUG"));
    }

    /// The real process's stdout, not the test harness's capture: Rhai's
    /// default `print` would write there with `println!`.
    #[test]
    fn print_never_reaches_stdout() {
        let exe = std::env::current_exe().unwrap();
        // The test's name in this binary: its module path, less the crate.
        let module = module_path!().split_once("::").map_or("", |(_, m)| m);
        let out = std::process::Command::new(exe)
            .args([
                "--exact",
                &format!("{module}::child_prints_through_a_hook"),
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
        assert!(stdout.contains("1 passed"), "child did not run:\n{stdout}");
        for text in [&stdout, &stderr] {
            assert!(!text.contains("HOOK-PRINT-MARKER"), "{text}");
            assert!(!text.contains("HOOK-DEBUG-MARKER"), "{text}");
        }
    }
}

// ─── Values in and out ─────────────────────────────────────────────────────

mod values {
    use super::*;

    #[test]
    fn tree_values_arrive_as_documented() {
        let model = types_model();
        let (e, s) = (enum_type(&model), set_type(&model));
        let script = compile(
            "fn show(b, n, t, e, u, s) {
                `${type_of(b)}=${b} ${type_of(n)}=${n} ${type_of(t)}=${t} \
                 ${type_of(e)}=${e} ${type_of(u)} ${type_of(s)}=${s}`
            }",
        );
        let out = script
            .invoke(
                &model,
                "show",
                &[
                    Value::Bool(true),
                    Value::Int(-7),
                    Value::Text(Arc::from("hi")),
                    Value::Enum(Some(1)),
                    Value::Enum(None),
                    Value::Set(0b101),
                ],
                &[Type::Bool, Type::Int, Type::Text, e, e, s],
                Type::Text,
            )
            .unwrap();
        assert_eq!(
            out.value,
            Value::Text(Arc::from(
                "bool=true i64=-7 string=hi string=b () array=[\"a\", \"c\"]"
            ))
        );
    }

    fn back(src: &str, ret: Type, model: &Model) -> Result<Value, HookErrorKind> {
        compile(src)
            .invoke(model, "f", &[], &[], ret)
            .map(|out| out.value)
            .map_err(|e| e.kind)
    }

    #[test]
    fn values_come_back_by_the_declared_type() {
        let model = types_model();
        let (e, s) = (enum_type(&model), set_type(&model));
        assert_eq!(
            back("fn f() { 1 < 2 }", Type::Bool, &model),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            back("fn f() { 6 * 7 }", Type::Int, &model),
            Ok(Value::Int(42))
        );
        assert_eq!(
            back("fn f() { `a${1}` }", Type::Text, &model),
            Ok(Value::Text(Arc::from("a1")))
        );
        assert_eq!(
            back("fn f() { \"c\" }", e, &model),
            Ok(Value::Enum(Some(2)))
        );
        assert_eq!(back("fn f() { () }", e, &model), Ok(Value::Enum(None)));
        assert_eq!(
            back("fn f() { [\"c\", \"a\", \"c\"] }", s, &model),
            Ok(Value::Set(0b101))
        );
        assert_eq!(back("fn f() { [] }", s, &model), Ok(Value::Set(0)));
    }

    #[test]
    fn unknown_members_are_errors() {
        let model = types_model();
        let (e, s) = (enum_type(&model), set_type(&model));
        assert_eq!(
            back("fn f() { \"d\" }", e, &model),
            Err(HookErrorKind::UnknownMember {
                member: "d".into(),
                want: "one_of(a, b, c)".into()
            })
        );
        assert_eq!(
            back("fn f() { [\"a\", \"zz\"] }", s, &model),
            Err(HookErrorKind::UnknownMember {
                member: "zz".into(),
                want: "set(a, b, c)".into()
            })
        );
    }

    #[test]
    fn wrong_types_are_errors_in_words() {
        let model = types_model();
        let (e, s) = (enum_type(&model), set_type(&model));
        let cases = [
            ("fn f() { \"12\" }", Type::Int, "returned the string \"12\", but the tree uses it as int"),
            ("fn f() { 1.5 }", Type::Int, "returned the decimal number `1.5`, but the tree uses it as int; turn it into a whole number with `to_int()` or `round()`"),
            ("fn f() { 1 }", Type::Bool, "returned the int `1`, but the tree uses it as bool"),
            ("fn f() { () }", Type::Text, "returned nothing (`()`), but the tree uses it as text; turn it into text with `to_string()`"),
            ("fn f() { 2 }", e, "returned the int `2`, but the tree uses it as one_of(a, b, c); return the member's name as a string"),
            ("fn f() { \"a\" }", s, "returned the string \"a\", but the tree uses it as set(a, b, c); return an array of member names, like [\"a\", \"b\"]"),
            ("fn f() { [1] }", s, "returned an array holding the int `1`, but the tree uses it as set(a, b, c); every item must be a member name string"),
        ];
        for (src, ret, want) in cases {
            let kind = back(src, ret, &model).unwrap_err();
            assert!(matches!(kind, HookErrorKind::WrongType { .. }), "{kind:?}");
            assert_eq!(kind.to_string(), want, "{src}");
        }
    }

    #[test]
    fn explain_collects_reasons_per_call() {
        let model = types_model();
        let script = compile("fn f(n) { explain(\"first\"); explain(`second ${n}`); n }");
        for n in [1, 2] {
            let out = script
                .invoke(&model, "f", &[Value::Int(n)], &[Type::Int], Type::Int)
                .unwrap();
            assert_eq!(out.reasons, ["first".to_string(), format!("second {n}")]);
        }
    }

    #[test]
    fn private_functions_are_not_hooks() {
        let model = types_model();
        let script = compile("private fn helper() { 1 }\nfn f() { helper() }");
        assert!(script.function("helper", 0).is_none());
        let err = script
            .invoke(&model, "helper", &[], &[], Type::Int)
            .unwrap_err();
        assert_eq!(err.kind, HookErrorKind::NotDefined { arity: 0 });
        assert_eq!(
            script
                .invoke(&model, "f", &[], &[], Type::Int)
                .unwrap()
                .value,
            Value::Int(1)
        );
    }
}

// ─── Checking ──────────────────────────────────────────────────────────────

#[test]
fn check_fixtures() {
    insta::glob!("fixtures/hooks/err_*.tree", |path| {
        let path = relative(path);
        let result = check_path(&path);
        assert!(result.is_err(), "{} should fail", path.display());
        insta::assert_snapshot!(report(&result));
    });
}

#[test]
fn every_hook_code_has_a_fixture() {
    let mut seen = std::collections::BTreeSet::new();
    let dir = Path::new("tests/fixtures/hooks");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("err_") && name.ends_with(".tree") {
            if let Err(f) = check_path(&path) {
                seen.extend(f.diagnostics.iter().map(|d| d.code));
            }
        }
    }
    for (code, _) in diag::CODES.iter().filter(|(c, _)| c.starts_with("E02")) {
        assert!(
            seen.contains(code),
            "no fixture in {} shows {code}",
            dir.display()
        );
    }
}

/// Counts reads of one path, to see that the script goes through the tree's
/// file system, once per load.
struct Counting<'a> {
    inner: &'a MemoryFs,
    path: &'a Path,
    reads: Cell<usize>,
}

impl FileSystem for Counting<'_> {
    fn read(&self, path: &Path) -> Result<String, ReadError> {
        if path == self.path {
            self.reads.set(self.reads.get() + 1);
        }
        self.inner.read(path)
    }
}

#[test]
fn the_script_is_read_through_the_trees_file_system_once() {
    let tree = r#"
tree mem "In memory" { start s script "hooks/mem.rhai" outcomes done }
var n: int = 2
score s { set n = hook triple(n) -> end }
outcome end { kind done title "{n}" }
"#;
    let fs = MemoryFs::new()
        .with("dir/mem.tree", tree)
        .with("dir/hooks/mem.rhai", "fn triple(n) { n * 3 }");
    let counting = Counting {
        inner: &fs,
        path: Path::new("dir/hooks/mem.rhai"),
        reads: Cell::new(0),
    };
    let model = match check_with(&counting, Path::new("dir/mem.tree")) {
        Ok(c) => c.model,
        Err(f) => panic!("{:#?}", f.diagnostics),
    };
    for _ in 0..100 {
        let s = Session::new(&model).unwrap();
        assert_eq!(s.var(model.find_var("n").unwrap()), &Value::Int(6));
    }
    assert_eq!(counting.reads.get(), 1);
    // The script is one of the model's sources, so saved sessions notice a
    // changed script through the content hash.
    assert!(model
        .sources
        .find(Path::new("dir/hooks/mem.rhai"))
        .is_some());
    let changed = MemoryFs::new()
        .with("dir/mem.tree", tree)
        .with("dir/hooks/mem.rhai", "fn triple(n) { n + n + n }");
    let other = check_with(&changed, Path::new("dir/mem.tree"))
        .unwrap()
        .model;
    assert_ne!(model.hash, other.hash);
}

// ─── Runtime failures ──────────────────────────────────────────────────────

#[test]
fn runtime_failures_name_hook_node_and_script_position() {
    let model = checked("tests/fixtures/hooks/runtime.tree");
    let NodeKind::Question { options } = &model.node(model.start).kind else {
        panic!("the fixture starts with a question")
    };
    let mut report = String::new();
    for (i, o) in options.iter().enumerate().skip(1) {
        let mut s = Session::new(&model).unwrap();
        let err = s.answer(Answer::Choose(i)).unwrap_err();
        let AnswerError::Eval(e) = &err else {
            panic!("{err:?}")
        };
        let file = model.sources.get(e.span.file);
        let (line, col) = file.line_col(e.span.start);
        report += &format!(
            "{}: {}:{line}:{col}: {}\n",
            o.id,
            file.path.display(),
            e.kind
        );
    }
    insta::assert_snapshot!(report);
}

#[test]
fn a_failed_hook_leaves_the_session_usable() {
    let model = checked("tests/fixtures/hooks/runtime.tree");
    let mut s = Session::new(&model).unwrap();
    let spin = option(&model, "pick", "spin");
    let before = s.vars().to_vec();
    assert!(s.answer(Answer::Choose(spin)).is_err());
    assert_eq!(node_id(&s), "pick");
    assert_eq!(s.vars(), before.as_slice());
    assert!(s.history().is_empty());
    s.answer(Answer::Choose(option(&model, "pick", "fine")))
        .unwrap();
    assert_eq!(node_id(&s), "end");
    assert_eq!(s.var(model.find_var("n").unwrap()), &Value::Int(2));
    assert_eq!(s.reasons().len(), 1);
    assert_eq!(s.reasons()[0].text, "doubled 1");
    assert!(s.back());
    assert!(s.reasons().is_empty());
}

#[test]
fn a_hook_returning_the_wrong_type_names_the_hook_and_the_line_of_its_value() {
    let model = checked("tests/fixtures/hooks/decimal.tree");
    let mut s = Session::new(&model).unwrap();
    let err = s
        .answer(Answer::Choose(option(&model, "ask", "a")))
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(
            "hook `half` (tests/fixtures/hooks/decimal.rhai:4:5) returned the decimal number `1.5`"
        ),
        "{text}"
    );
    assert!(text.contains("to_int()"), "{text}");
}

#[test]
fn test_reports_a_hook_returning_the_wrong_type_as_one_failure() {
    let out = crate::common::guidetree()
        .args(["test", "tests/fixtures/hooks/decimal.tree"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let failures: Vec<&str> = stdout.lines().filter(|l| l.contains("FAILED  ")).collect();
    assert_eq!(failures.len(), 1, "{stdout}");
    assert_eq!(
        stdout
            .matches(
                "hook `half` (tests/fixtures/hooks/decimal.rhai:4:5) returned the decimal number"
            )
            .count(),
        1,
        "the wrong type is reported once: {stdout}"
    );
}

fn guidetree_test(args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new(insta_cmd::get_cargo_bin("guidetree"))
        .arg("test")
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn test_shows_what_hooks_printed_on_a_counterexample() {
    let file = "tests/fixtures/explore/hooks/printing.tree";
    let (code, stdout) = guidetree_test(&[file]);
    assert_eq!(code, Some(1));
    let expected = "          path pbdc98685:
            ask → rent+debt: Rent, Debt
          state: worries = rent, debt, level = 2
          hook output (print and debug):
            hook `weigh` in `weigh`: counting 2 worries
            hook `weigh` in `weigh`: debug 4:3 | [\"rent\", \"debt\"]
          end: high_now (high)
";
    assert!(stdout.contains(expected), "{stdout}");
    let (_, json) = guidetree_test(&["--format", "json", file]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cx = &json["files"][0]["asserts"][0]["counterexample"];
    assert_eq!(cx["log"][0]["hook"], "weigh");
    assert_eq!(cx["log"][0]["node"], "weigh");
    assert_eq!(cx["log"][0]["text"], "counting 2 worries");
    assert_eq!(cx["log"].as_array().map(Vec::len), Some(2));
}

// ─── The scoring example ───────────────────────────────────────────────────

fn scoring_run(
    home: &str,
    hours: i64,
    ticked: &[&str],
) -> (String, i64, Vec<(String, String, String)>) {
    let model = checked("trees/scoring.tree");
    let mut s = Session::new(&model).unwrap();
    s.answer(Answer::Choose(option(&model, "home", home)))
        .unwrap();
    s.answer(Answer::Number(hours)).unwrap();
    s.answer(Answer::Check(items(&model, "checks", ticked)))
        .unwrap();
    assert!(s.is_finished());
    let Value::Int(score) = *s.var(model.find_var("readiness").unwrap()) else {
        panic!("readiness is an int")
    };
    let reasons = s
        .reasons()
        .iter()
        .map(|r| (r.node.clone(), r.hook.clone(), r.text.clone()))
        .collect();
    (node_id(&s).to_string(), score, reasons)
}

#[test]
fn scoring_a_ready_household_adopts_without_reasons_to_worry() {
    let (outcome, score, reasons) =
        scoring_run("house", 3, &["budget", "time", "vet", "long_term"]);
    assert_eq!((outcome.as_str(), score), ("adopt_now", 100));
    assert!(reasons.is_empty(), "{reasons:?}");
}

#[test]
fn scoring_explains_a_low_score() {
    let (outcome, score, reasons) = scoring_run("flat", 10, &["vet", "landlord_ok"]);
    assert_eq!((outcome.as_str(), score), ("not_yet", 0));
    let texts: Vec<(&str, &str, &str)> = reasons
        .iter()
        .map(|(n, h, t)| (n.as_str(), h.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            (
                "weigh",
                "readiness",
                "Food, insurance and vet bills add up: plan a monthly budget first."
            ),
            (
                "weigh",
                "readiness",
                "A dog needs walks and training every day."
            ),
            (
                "weigh",
                "readiness",
                "Dogs live 10 to 15 years: think about where you will be then."
            ),
            (
                "weigh",
                "readiness",
                "10 hours alone every day is too long for most dogs."
            ),
        ]
    );
}

#[test]
fn scoring_explains_a_missing_permission_from_the_branch() {
    let (outcome, score, reasons) =
        scoring_run("shared", 2, &["budget", "time", "vet", "long_term"]);
    assert_eq!((outcome.as_str(), score), ("ask_first", 85));
    assert_eq!(
        reasons,
        [(
            "decide".to_string(),
            "needs_permission".to_string(),
            "Without permission, a dog could cost you your home.".to_string()
        )]
    );
}

#[test]
fn scoring_a_middling_score_suggests_fostering() {
    let (outcome, score, reasons) = scoring_run("flat", 6, &["budget", "time", "landlord_ok"]);
    assert_eq!((outcome.as_str(), score), ("foster_first", 50));
    assert_eq!(reasons.len(), 2, "{reasons:?}");
}

// ─── Hostile scripts ───────────────────────────────────────────────────────

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever the script holds, checking gives a model or diagnostics that
    /// render; it never panics.
    #[test]
    fn any_script_text_checks_without_panicking(
        text in "(fn |private |f|\\(|\\)|\\{|\\}|n|, |;|\"|`|\\$|import |eval|\n|é|1|\\+| )*"
    ) {
        let tree = "tree t \"T\" { start s script \"t.rhai\" outcomes done }\n\
                    var n: int = 1\n\
                    score s { set n = hook f(n) -> end }\n\
                    outcome end { kind done title \"{n}\" }\n";
        let fs = MemoryFs::new().with("t.tree", tree).with("t.rhai", text);
        let result = check_with(&fs, Path::new("t.tree"));
        let _ = report(&result);
        if let Ok(checked) = result {
            let _ = Session::new(&checked.model);
        }
    }
}
