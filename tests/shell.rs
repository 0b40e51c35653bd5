//! The real binary in a hostile shell: closed pipes, odd paths, files that
//! are not files, and the exit codes (0 ok, 1 the tree or file failed,
//! 2 usage) documented in `docs/robustness.md`.

use clap::CommandFactory;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::guidetree;

fn run(args: &[&str]) -> Output {
    guidetree().args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A pipe whose reading end is already closed, so that every write to it
/// fails with a broken pipe, with no race: `true` holds the reading end
/// and has exited before the pipe is handed on.
fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let writer = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Stdio::from(writer)
}

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("shell")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const BAD_TREE: &str = "tests/fixtures/hostile/escape/err_self_include.tree";

// ─── Closed pipes ──────────────────────────────────────────────────────────

#[test]
fn graph_into_a_closed_pipe_exits_quietly() {
    let out = guidetree()
        .args(["graph", "trees/reconnect.tree"])
        .stdout(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "no panic, no error message");
}

#[test]
fn graph_piped_into_head_exits_quietly() {
    let bin = env!("CARGO_BIN_EXE_guidetree");
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{bin}' graph trees/reconnect.tree | head -1"
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    assert_eq!(stderr(&out), "");
}

#[test]
fn check_keeps_its_verdict_when_the_reader_goes_away() {
    for (file, code) in [("trees/hello.tree", 0), (BAD_TREE, 1)] {
        // The JSON report on a closed stdout.
        let out = guidetree()
            .args(["check", "--format", "json", file])
            .stdout(closed_pipe())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{file}: {}", stderr(&out));
        assert_eq!(stderr(&out), "");
        // The human report on a closed stderr.
        let out = guidetree()
            .args(["check", file])
            .stderr(closed_pipe())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{file}");
    }
}

#[test]
fn graph_of_a_bad_tree_fails_even_when_stderr_is_closed() {
    let out = guidetree()
        .args(["graph", BAD_TREE])
        .stderr(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

// ─── Odd paths and files that are not trees ─────────────────────────────────

#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_works() {
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("not_utf8");
    let name = OsStr::from_bytes(b"caf\xe9.tree");
    let path = dir.join(name);
    std::fs::copy("trees/hello.tree", &path).unwrap();
    let out = guidetree().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("caf\u{fffd}.tree: ok"),
        "{}",
        stderr(&out)
    );

    let picture = dir.join(OsStr::from_bytes(b"pic\xff.dot"));
    let out = guidetree()
        .arg("graph")
        .arg(&path)
        .arg("-o")
        .arg(&picture)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&picture)
        .unwrap()
        .contains("digraph"));

    let missing = dir.join(OsStr::from_bytes(b"\xff\xfe.tree"));
    let out = guidetree().arg("check").arg(&missing).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no such file"), "{}", stderr(&out));
}

#[test]
fn a_directory_given_as_a_file_is_reported() {
    for cmd in ["check", "graph"] {
        let out = run(&[cmd, "trees"]);
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        assert!(stderr(&out).contains("E016"), "{cmd}: {}", stderr(&out));
        assert!(stderr(&out).contains("this is a directory, not a file"));
        assert!(!stderr(&out).contains("panicked"));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_that_fails_to_read_is_reported() {
    // Reading /proc/self/mem from its start fails with an I/O error, even
    // for root, for whom permissions never fail.
    let out = run(&["check", "/proc/self/mem"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read `/proc/self/mem`"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("unreadable");
    let path = dir.join("locked.tree");
    std::fs::copy("trees/hello.tree", &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let privileged = std::fs::File::open(&path).is_ok();
    let out = guidetree().arg("check").arg(&path).output().unwrap();
    if privileged {
        // Root reads it anyway: nothing to refuse.
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    } else {
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("permission denied"),
            "{}",
            stderr(&out)
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_endless_device_is_refused_at_the_size_limit() {
    let out = run(&["check", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("larger than the limit"),
        "{}",
        stderr(&out)
    );
}

/// A pipe is not a regular file (its size reads as 0), but reading it to
/// its end is right: `guidetree check <(generate-tree)`.
#[cfg(target_os = "linux")]
#[test]
fn a_tree_from_a_pipe_is_read_to_its_end() {
    let bin = env!("CARGO_BIN_EXE_guidetree");
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("'{bin}' check <(cat trees/hello.tree)"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains(": ok"), "{}", stderr(&out));
}

#[test]
fn empty_and_binary_files_are_reported() {
    let dir = scratch("not_trees");
    let empty = dir.join("empty.tree");
    std::fs::write(&empty, "").unwrap();
    let binary = dir.join("binary.tree");
    std::fs::write(&binary, b"tree b \"B\" {\xff\xfe\x00}").unwrap();
    for (path, words) in [
        (&empty, "the file is empty"),
        (&binary, "not valid UTF-8 (at byte 12)"),
    ] {
        let out = guidetree().arg("check").arg(path).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(words), "{}", stderr(&out));
    }
}

// ─── Exit codes ────────────────────────────────────────────────────────────

#[test]
fn exit_codes_are_0_ok_1_failed_2_usage() {
    let cases: [(&[&str], i32); 8] = [
        (&["check", "trees/hello.tree"], 0),
        (&["graph", "trees/hello.tree"], 0),
        (&["--help"], 0),
        (&["check", BAD_TREE], 1),
        (&["check", "no/such/file.tree"], 1),
        (&["check"], 2),
        (&["check", "--bogus", "trees/hello.tree"], 2),
        (&["graph", "trees/hello.tree", "--format", "png"], 2),
    ];
    for (args, code) in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{args:?}");
    }
}

#[test]
fn an_output_file_that_cannot_be_written_is_a_usage_error() {
    let out = run(&["graph", "trees/hello.tree", "-o", "no/such/dir/x.dot"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: cannot write"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_outside_includes_flag_reaches_the_loader() {
    let file = "tests/fixtures/hostile/escape/err_parent_include.tree";
    let out = run(&["check", file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("E030"));
    for cmd in ["check", "graph", "paths", "test", "snapshot"] {
        let refused = run(&[cmd, file]);
        assert_eq!(
            refused.status.code(),
            Some(1),
            "{cmd}: {}",
            stderr(&refused)
        );
        let out = run(&[cmd, "--allow-outside-includes", file]);
        assert_eq!(out.status.code(), Some(0), "{cmd}: {}", stderr(&out));
    }
    let out = run(&["diff", "--allow-outside-includes", file, file]);
    assert_eq!(out.status.code(), Some(0), "diff: {}", stderr(&out));
    let out = run(&[
        "run",
        "--allow-outside-includes",
        "--answers",
        "/dev/null",
        file,
    ]);
    assert!(!stderr(&out).contains("E030"), "run: {}", stderr(&out));
}

// ─── Every subcommand ──────────────────────────────────────────────────────

/// Run to the end, or fail the test after a minute: a hang is a bug too.
fn finish(mut cmd: Command) -> Output {
    let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{cmd:?} still running after a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Every subcommand the CLI has (read from its definition, so new ones are
/// covered as they arrive), given a directory, a missing path that is not
/// UTF-8, a file that fails to read, and a real tree with stdin at EOF and
/// stdout closed: each ends by itself with 0, 1 or 2, and none panics
/// (`serve` with a good tree is the one command meant to keep running).
#[test]
fn every_subcommand_survives_a_hostile_shell() {
    let subcommands: Vec<String> = guidetree::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert!(subcommands.len() >= 2, "{subcommands:?}");
    let mut files: Vec<OsString> = vec!["trees".into(), "trees/hello.tree".into()];
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        files.push(OsStr::from_bytes(b"missing\xff.tree").to_os_string());
    }
    #[cfg(target_os = "linux")]
    files.push("/proc/self/mem".into());
    for sub in &subcommands {
        for file in &files {
            // A server given a good tree runs until stopped; tests/serve.rs
            // drives it on loopback.
            if sub == "serve" && file == "trees/hello.tree" {
                continue;
            }
            let mut cmd = guidetree();
            cmd.arg(sub).arg(file).stdout(closed_pipe());
            let out = finish(cmd);
            let what = format!("{sub} {}", Path::new(file).display());
            assert!(
                matches!(out.status.code(), Some(0..=2)),
                "{what}: {:?} {}",
                out.status,
                stderr(&out)
            );
            assert!(
                !stderr(&out).contains("panicked"),
                "{what}: {}",
                stderr(&out)
            );
        }
    }
}
