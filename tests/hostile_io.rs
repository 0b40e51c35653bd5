//! The second hostile-input round, through the real binary: output files
//! that are not ours to replace, unbounded reads, FIFOs, hooks that eat
//! memory, terminal injection and output errors (docs/robustness.md).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::guidetree;

fn run_in(dir: &Path, args: &[&str]) -> Output {
    guidetree().current_dir(dir).args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile_io")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const HELLO: &str = "tree hello \"Hello\" { start ask outcomes done }\n\
question ask {\n  text \"Ready?\"\n  option yes \"Yes\" -> done\n}\n\
outcome done { kind done title \"Done\" }\n";

/// A folder holding `hello.tree`.
fn with_tree(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join("hello.tree"), HELLO).unwrap();
    dir
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// Files in `dir` other than the ones named.
fn others(dir: &Path, known: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !known.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

// ─── Output files ──────────────────────────────────────────────────────────

#[test]
#[cfg(unix)]
fn outputs_that_are_not_regular_files_are_refused() {
    let dir = with_tree("not_regular");
    mkfifo(&dir.join("fifo"));
    std::fs::create_dir(dir.join("folder")).unwrap();
    for target in ["/dev/null", "fifo", "folder"] {
        let out = run_in(&dir, &["graph", "hello.tree", "-o", target]);
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("not a regular file"),
            "{target}: {}",
            stderr(&out)
        );
        let out = guidetree()
            .current_dir(&dir)
            .args(["run", "hello.tree", "--save", target])
            .stdin(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("not a regular file"),
            "{}",
            stderr(&out)
        );
    }
    assert!(Path::new("/dev/null")
        .metadata()
        .unwrap()
        .file_type()
        .is_char_device_like());
    assert_eq!(
        others(&dir, &["hello.tree", "fifo", "folder"]),
        Vec::<String>::new()
    );
}

/// `is_char_device` under a name that reads well in the assertion above.
trait CharDevice {
    fn is_char_device_like(&self) -> bool;
}

#[cfg(unix)]
impl CharDevice for std::fs::FileType {
    fn is_char_device_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_char_device(self)
    }
}

#[test]
fn the_tree_its_includes_and_its_script_are_never_overwritten() {
    let dir = scratch("inputs");
    std::fs::write(
        dir.join("main.tree"),
        "tree main \"Main\" { start s script \"hooks.rhai\" outcomes done }\n\
         var n: int = 1\n\
         include \"part.tree\" as part\n\
         score s { set n = hook twice(n) -> part.go }\n\
         outcome done { kind done title \"n is {n}\" }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("part.tree"),
        "tree part \"Part\" { start go outcomes done }\n\
         info go { text \"Going\" -> done }\n\
         outcome done { kind done title \"Done\" }\n",
    )
    .unwrap();
    std::fs::write(dir.join("hooks.rhai"), "fn twice(n) { n * 2 }\n").unwrap();
    std::fs::write(dir.join("answers.json"), "{}").unwrap();
    let before: Vec<Vec<u8>> = ["main.tree", "part.tree", "hooks.rhai", "answers.json"]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect();
    for target in ["main.tree", "./part.tree", "hooks.rhai"] {
        let out = run_in(&dir, &["graph", "main.tree", "-o", target]);
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("which this command reads"),
            "{}",
            stderr(&out)
        );
    }
    for target in ["main.tree", "hooks.rhai", "answers.json"] {
        let out = run_in(
            &dir,
            &[
                "run",
                "main.tree",
                "--answers",
                "answers.json",
                "--save",
                target,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("which this command reads"),
            "{}",
            stderr(&out)
        );
    }
    let after: Vec<Vec<u8>> = ["main.tree", "part.tree", "hooks.rhai", "answers.json"]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn dash_and_dev_stdout_mean_standard_output() {
    let dir = with_tree("stdout");
    for target in ["-", "/dev/stdout"] {
        let out = guidetree()
            .current_dir(&dir)
            .args(["graph", "hello.tree", "-o", target])
            .stdout(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{target}: {}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("digraph"));
        let out = run_in(&dir, &["run", "hello.tree", "--save", target]);
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--save needs a file"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(others(&dir, &["hello.tree"]), Vec::<String>::new());
}

/// The old temporary names were predictable (`.NAME.<pid>.tmp`, and
/// `.out.dot.tmp` for graph): a link planted there was followed and its
/// target overwritten. Temporary files now have random names and are
/// created exclusively.
#[test]
#[cfg(unix)]
fn a_planted_link_at_the_old_temporary_name_is_not_followed() {
    let dir = with_tree("planted");
    std::fs::write(dir.join("victim"), "precious").unwrap();
    std::os::unix::fs::symlink(dir.join("victim"), dir.join(".out.dot.tmp")).unwrap();
    let out = run_in(&dir, &["graph", "hello.tree", "-o", "out.dot"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("victim")).unwrap(),
        "precious"
    );
    assert!(std::fs::read_to_string(dir.join("out.dot"))
        .unwrap()
        .starts_with("digraph"));
    assert_eq!(
        others(&dir, &["hello.tree", "victim", ".out.dot.tmp", "out.dot"]),
        Vec::<String>::new(),
        "no temporary file is left behind"
    );
    // A save replaces the file it is asked to, and only that.
    let out = guidetree()
        .current_dir(&dir)
        .args(["run", "hello.tree", "--plain", "--save", "s.json"])
        .stdin(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("victim")).unwrap(),
        "precious"
    );
}

// ─── Reads ─────────────────────────────────────────────────────────────────

fn ends_within(mut cmd: Command, limit: Duration) -> Output {
    let began = Instant::now();
    let out = cmd.output().unwrap();
    assert!(began.elapsed() < limit, "took {:?}", began.elapsed());
    out
}

#[test]
#[cfg(unix)]
fn endless_answers_saves_and_input_are_cut_at_their_limits() {
    let dir = with_tree("endless");
    for flag in ["--answers", "--resume"] {
        let mut cmd = guidetree();
        cmd.current_dir(&dir)
            .args(["run", "hello.tree", flag, "/dev/zero"]);
        let out = ends_within(cmd, Duration::from_secs(60));
        assert_eq!(out.status.code(), Some(2), "{flag}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("larger than the limit"),
            "{}",
            stderr(&out)
        );
    }
    let mut cmd = guidetree();
    cmd.current_dir(&dir)
        .args(["run", "hello.tree", "--plain"])
        .stdin(std::fs::File::open("/dev/zero").unwrap());
    let out = ends_within(cmd, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("an input line is longer than the limit"),
        "{}",
        stderr(&out)
    );
}

#[test]
#[cfg(unix)]
fn an_include_or_script_that_is_a_fifo_is_refused_without_blocking() {
    let dir = scratch("fifo");
    mkfifo(&dir.join("part.tree"));
    mkfifo(&dir.join("hooks.rhai"));
    std::fs::write(
        dir.join("main.tree"),
        "tree main \"Main\" { start s script \"hooks.rhai\" outcomes done }\n\
         var n: int = 1\n\
         include \"part.tree\" as part\n\
         score s { set n = hook twice(n) -> done }\n\
         outcome done { kind done title \"n is {n}\" }\n",
    )
    .unwrap();
    let mut cmd = guidetree();
    cmd.current_dir(&dir).args(["check", "main.tree"]);
    let out = ends_within(cmd, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("E012"), "{err}");
    assert!(
        err.contains("this is a FIFO (named pipe), not a regular file"),
        "{err}"
    );
}

// ─── Hooks ─────────────────────────────────────────────────────────────────

/// A tree whose one score node calls `h()` from `script`.
fn hook_tree(name: &str, script: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::write(
        dir.join("t.tree"),
        "tree t \"T\" { start s script \"h.rhai\" outcomes done }\n\
         var n: int = 1\n\
         score s { set n = hook h() -> done }\n\
         outcome done { kind done title \"n is {n}\" }\n",
    )
    .unwrap();
    std::fs::write(dir.join("h.rhai"), script).unwrap();
    dir
}

/// The two cases of the report: a pointer curried with itself (the process
/// aborted) and 40,000 pointers curried with 64 KB strings (1 GB in one
/// call). Both are refused by `check`, before anything runs.
#[test]
fn curry_bombs_are_refused_by_check() {
    for (name, script) in [
        (
            "curry_itself",
            "fn h() { let f = Fn(\"h\"); loop { f = f.curry(f); } }\n",
        ),
        (
            "curry_strings",
            "fn h() { let s = \"x\"; s.pad(65000, \"x\"); let f = Fn(\"h\");\n\
             for i in 0..40000 { f = f.curry(s + i); } 1 }\n",
        ),
    ] {
        let dir = hook_tree(name, script);
        let out = run_in(&dir, &["check", "t.tree"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("function pointers are not available to hooks"),
            "{}",
            stderr(&out)
        );
    }
}

/// Map keys count in no size limit: three copies of a map with 1,000 keys
/// of 60 KB hold 180 MB. The binary counts its memory, so the call stops
/// at its 64 MiB budget.
#[test]
fn a_hook_that_holds_too_much_memory_is_stopped() {
    let dir = hook_tree(
        "memory",
        // 250 keys of 60 KB (15 MB), then whole copies of the map, each one
        // operation: few operations, so a loaded machine reaches the memory
        // limit long before the time limit.
        "fn h() { let k = \"k\"; k.pad(60000, \"k\"); let m = #{};\n\
         for i in 0..250 { m[k + i] = i; }\n\
         let a = m; let b = m; let c = m; let d = m; let e = m; let f = m; 1 }\n",
    );
    let mut cmd = guidetree();
    cmd.current_dir(&dir).args(["run", "t.tree"]);
    let out = ends_within(cmd, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("held more than its limit of 64 MiB of memory"),
        "{}",
        stderr(&out)
    );
}

// ─── Terminal injection and output errors ──────────────────────────────────

#[test]
fn hook_reasons_reach_the_terminal_without_control_characters() {
    let dir = hook_tree(
        "reasons",
        "fn h() { explain(\"\\x1b]0;owned\\x07\\x1b[2Jdone\"); 2 }\n",
    );
    let out = guidetree()
        .current_dir(&dir)
        .args(["--color", "always", "run", "t.tree", "--plain"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("␛]0;owned␇␛[2Jdone"), "{shown}");
    assert!(!shown.contains("\u{1b}]0;"), "{shown}");
}

#[test]
fn run_json_into_head_keeps_the_exit_code() {
    let dir = with_tree("json_head");
    let bin = env!("CARGO_BIN_EXE_guidetree");
    let out = Command::new("bash")
        .current_dir(&dir)
        .arg("-c")
        .arg(format!(
            "'{bin}' run hello.tree --answer ask=yes --json | head -1; exit ${{PIPESTATUS[0]}}"
        ))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("Broken pipe"), "{}", stderr(&out));
}

#[test]
fn paths_with_stderr_closed_does_not_panic() {
    let dir = with_tree("paths_stderr");
    let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let writer = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    let out = guidetree()
        .current_dir(&dir)
        .args(["paths", "hello.tree"])
        .stderr(Stdio::from(writer))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn max_visits_is_bounded_where_it_is_parsed() {
    let dir = with_tree("max_visits");
    let out = run_in(&dir, &["paths", "hello.tree", "--max-visits", "4294967295"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("more than the 100 allowed"),
        "{}",
        stderr(&out)
    );
    let out = run_in(&dir, &["paths", "hello.tree", "--max-visits", "100"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
