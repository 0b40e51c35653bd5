//! What the test modules share: starting the binary, paths relative to the
//! package root, loading a tree that must check, and tests that need a tool
//! from outside the Rust toolchain (see [`tool`]).

use guidetree::check::{check_path, CheckResult};
use guidetree::diag::{self, Palette};
use guidetree::model::Model;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The package root; tests run from here, and paths in snapshots are
/// relative to it.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The package root as a path.
pub fn root() -> &'static Path {
    Path::new(ROOT)
}

/// The `guidetree` binary that cargo built for this test run.
pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_guidetree"))
}

/// The binary, run from the package root (so paths in its output are the
/// relative ones given), without colour (`NO_COLOR=1`, no `CLICOLOR*`) and
/// with stdin closed.
pub fn guidetree() -> Command {
    let mut cmd = Command::new(bin());
    cmd.current_dir(ROOT)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null());
    cmd
}

/// Run `cmd` with `stdin` on its standard input; its output, in full.
pub fn output_with_input(cmd: &mut Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut input) = child.stdin.take() {
        // A command may exit before reading all of its input.
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("the binary ends")
}

/// (exit code, stdout, stderr) of a finished command; -1 for no code.
pub fn code_and_text(out: &Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The path relative to the package root (as `insta::glob!` hands over
/// absolute ones), so snapshots never hold the machine's absolute paths.
pub fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(ROOT).unwrap_or(path).to_path_buf()
}

/// The model of a tree that must check; panics with its diagnostics.
pub fn load(path: &(impl AsRef<Path> + ?Sized)) -> Model {
    let path = path.as_ref();
    match check_path(path) {
        Ok(checked) => checked.model,
        Err(failure) => panic!(
            "{} does not check: {:#?}",
            path.display(),
            failure.diagnostics
        ),
    }
}

/// Everything `check` says about a tree (its errors, or the warnings of a
/// clean check), rendered without colour, one diagnostic after another.
pub fn rendered(result: &CheckResult) -> String {
    let (diags, sources) = match result {
        Ok(c) => (&c.warnings, &c.model.sources),
        Err(f) => (&f.diagnostics, &f.sources),
    };
    diags
        .iter()
        .map(|d| diag::render(d, sources, Palette::plain()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `.tree` file under a folder, recursively, sorted; none for a
/// folder that cannot be read.
pub fn tree_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(tree_files(&path));
        } else if path.extension().is_some_and(|e| e == "tree") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Every mutant of a tree judged, on every core; panics when the tree
/// fails its own test.
pub fn mutation_report(model: &Model) -> guidetree::mutate::Report {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let options = guidetree::explore::Options::default();
    match guidetree::mutate::run(model, &options, threads, &|| {}) {
        Ok(report) => report,
        Err(e) => panic!("the tree must pass its own test first: {e:?}"),
    }
}

/// A test that needs `tool` (Graphviz's `dot`, node, tmux, ...), where
/// `found` says whether it is installed and `install` how to install it.
///
/// Present: `true`. Missing under `CI=true`: the test fails, since `.ci/run`
/// installs every tool. Missing elsewhere: `false`, after a line
/// `skipped: <test>: <tool> not found (<install>)` on the real stderr (not
/// the captured test output, so `cargo test` shows it), and the caller
/// returns without asserting anything.
pub fn tool(tool: &str, found: bool, install: &str) -> bool {
    if found {
        return true;
    }
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: {tool} not found; CI=true requires it ({install})"
    );
    // Straight to the process's stderr: libtest captures `eprintln!`.
    let _ = writeln!(
        std::io::stderr().lock(),
        "skipped: {test}: {tool} not found ({install})"
    );
    false
}

/// Does `program ARGS` run and exit successfully?
pub fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A chain of `n` yes/no questions: 2^n paths and about 2n states, with
/// two asserts that hold on every path.
pub fn chain_tree(n: usize) -> String {
    use std::fmt::Write as _;
    let mut src = String::from(
        "tree chain \"Chain\" { start q0 outcomes yes, no }\nvar last: bool = false\n",
    );
    for i in 0..n {
        let next = if i + 1 == n {
            "end".to_string()
        } else {
            format!("q{}", i + 1)
        };
        let _ = writeln!(
            src,
            "question q{i} {{ text \"Q{i}?\" option y \"Yes\" {{ set last = true }} -> {next} option n \"No\" {{ set last = false }} -> {next} }}"
        );
    }
    src += "branch end { when last -> done_yes else -> done_no }\n";
    src +=
        "outcome done_yes { kind yes title \"Yes\" }\noutcome done_no { kind no title \"No\" }\n";
    src +=
        "assert always(last implies outcome == yes)\nassert never(outcome == yes and not last)\n";
    src
}
