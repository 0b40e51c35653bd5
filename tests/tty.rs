//! The terminal front end on a real terminal: each test runs `guidetree run`
//! inside tmux, types keys into it and reads the screen and the `--json`
//! transcript. Needs tmux (`.ci/install-tmux`); without it the tests say
//! "skipped", except under `CI=true`, where tmux is required.

use insta_cmd::get_cargo_bin;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// One tmux server (on its own socket) running one command in a window of
/// a fixed size. The server is killed when this is dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Press keys (tmux names: `Enter`, `Space`, `Down`, `C-u`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend(keys);
        self.run(&args);
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Type text literally.
    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "0", "-l", text]);
        std::thread::sleep(Duration::from_millis(150));
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "0", "-S", "-200"])
    }

    /// Wait until the screen shows `needle` (at most 10 s), and return it.
    fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, |screen| screen.contains(needle))
    }

    /// Wait until `done` holds for the screen (at most 10 s), and return it.
    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the screen never showed {what:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Is tmux installed? Under `CI=true` it must be.
fn tmux_available() -> bool {
    crate::common::tool(
        "tmux",
        crate::common::runs("tmux", &["-V"]),
        ".ci/install-tmux",
    )
}

/// A fresh file path for one test's transcript.
fn transcript_path(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tty");
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let path = dir.join(format!("{test}.json"));
    let _ = std::fs::remove_file(&path);
    path
}

/// Wait for the run to end and read its transcript.
fn transcript(tmux: &Tmux, path: &Path) -> Value {
    tmux.wait_for("EXITED");
    let text = std::fs::read_to_string(path).expect("the transcript was written");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// `guidetree run TREE --json` in a 100×40 terminal, from the package
/// root, without colour, with the transcript going to `out` (the
/// conversation stays on the terminal, through stderr). The window stays
/// open after the run ends, so its last screen can be read. `None` (and a
/// note) when tmux is missing.
fn run_json(name: &str, tree: &str, out: &Path) -> Option<Tmux> {
    run_json_rows(name, tree, out, 40)
}

/// [`run_json`] in a terminal `rows` lines high.
fn run_json_rows(name: &str, tree: &str, out: &Path, rows: u16) -> Option<Tmux> {
    if !tmux_available() {
        return None;
    }
    let socket = format!("guidetree-tty-{name}-{}", std::process::id());
    let bin = get_cargo_bin("guidetree");
    let command = format!(
        "env NO_COLOR=1 {} run {} --json >{}; echo EXITED $?; sleep 30",
        shell_quote(&bin.display().to_string()),
        shell_quote(tree),
        shell_quote(&out.display().to_string())
    );
    let tmux = Tmux { socket };
    tmux.run(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-x",
        "100",
        "-y",
        &rows.to_string(),
        "-c",
        env!("CARGO_MANIFEST_DIR"),
        "sh",
        "-c",
        &command,
    ]);
    Some(tmux)
}

#[test]
fn typing_why_at_a_checklist_never_submits_it() {
    let out = transcript_path("checklist_why");
    let Some(tty) = run_json("checklist", "tests/fixtures/run/checklist.tree", &out) else {
        return;
    };
    tty.wait_for("Which of these are true for you?");
    tty.keys(&["Space"]);
    tty.type_text(":why");
    tty.keys(&["Enter"]);
    let screen = tty.wait_for("Why you are seeing this");
    assert!(
        !screen.contains("Go ahead") && !screen.contains("Not yet"),
        "`:why` moved the run on:\n{screen}"
    );
    // The checklist comes back with the tick made before `:why`.
    let screen = tty.wait_for("Now");
    let after_why = screen
        .rsplit("Why you are seeing this")
        .next()
        .unwrap_or("");
    assert!(
        after_why.contains("Tick any that apply"),
        "the checklist is not asked again:\n{screen}"
    );
    tty.keys(&["Down", "Space", "Enter"]);
    tty.wait_for("What now?");
    tty.keys(&["Enter"]);
    let doc = transcript(&tty, &out);
    assert_eq!(doc["status"], "finished");
    assert_eq!(
        doc["steps"][0]["answer"],
        serde_json::json!(["understand", "stable"]),
        "the ticks made before `:why` were kept"
    );
    assert_eq!(doc["outcome"]["node"], "go_ahead");
}

#[test]
fn every_command_works_at_a_checklist_as_in_menus() {
    let out = transcript_path("checklist_commands");
    let Some(tty) = run_json("commands", "tests/fixtures/run/checklist.tree", &out) else {
        return;
    };
    tty.wait_for("Which of these are true for you?");
    tty.type_text(":help");
    tty.keys(&["Enter"]);
    tty.wait_for("Commands");
    tty.type_text(":quit");
    tty.keys(&["Enter"]);
    let doc = transcript(&tty, &out);
    assert_eq!(doc["status"], "quit");
    assert_eq!(doc["steps"], serde_json::json!([]));
}

#[test]
fn line_editing_keys_edit_typed_answers() {
    let out = transcript_path("typed");
    let Some(tty) = run_json("typed", "tests/fixtures/run/typed.tree", &out) else {
        return;
    };
    tty.wait_for("How many months has it been?");
    tty.type_text("123");
    tty.keys(&["C-u"]);
    tty.type_text("45");
    tty.keys(&["Enter"]);
    tty.wait_for("What is their name?");
    tty.type_text("Sam Smith");
    tty.keys(&["C-w"]);
    tty.type_text("Jones");
    tty.keys(&["C-a"]);
    tty.type_text("Dr ");
    tty.keys(&["Enter"]);
    tty.wait_for("What now?");
    tty.keys(&["Enter"]);
    let doc = transcript(&tty, &out);
    assert_eq!(doc["steps"][0]["answer"], 45);
    assert_eq!(doc["steps"][1]["answer"], "Dr Sam Jones");
}

#[test]
fn typed_commands_work_in_inputs_and_keep_the_question() {
    let out = transcript_path("typed_why");
    let Some(tty) = run_json("typed_why", "tests/fixtures/run/typed.tree", &out) else {
        return;
    };
    tty.wait_for("How many months has it been?");
    tty.type_text(":why");
    tty.keys(&["Enter"]);
    tty.wait_for("Why you are seeing this");
    tty.type_text("7");
    tty.keys(&["Enter"]);
    tty.wait_for("What is their name?");
    tty.keys(&["C-c"]);
    let screen = tty.wait_for("EXITED");
    let stopped = screen
        .lines()
        .find(|l| l.contains("Stopped."))
        .unwrap_or_else(|| panic!("no stop message:\n{screen}"));
    assert_eq!(
        stopped.trim_end(),
        "Stopped. Nothing was saved.",
        "the message is written over something:\n{screen}"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["status"], "interrupted");
    assert_eq!(doc["steps"][0]["answer"], 7);
}

#[test]
fn ctrl_c_in_a_menu_leaves_the_message_on_a_clean_line() {
    let out = transcript_path("menu_ctrl_c");
    let Some(tty) = run_json("menu_ctrl_c", "trees/hello.tree", &out) else {
        return;
    };
    tty.wait_for("Go on");
    tty.keys(&["C-c"]);
    let screen = tty.wait_for("EXITED");
    let stopped = screen
        .lines()
        .find(|l| l.contains("Stopped."))
        .unwrap_or_else(|| panic!("no stop message:\n{screen}"));
    assert_eq!(
        stopped.trim_end(),
        "Stopped. Nothing was saved.",
        "the message is written over something:\n{screen}"
    );
}

/// Ctrl-C with the prompt on the last rows of a terminal whose screen has
/// scrolled: the stop message must start a clean line, not be written over
/// the prompt's footer ("Stopped. Nothing was saved.sc for back, why, save,
/// quit]"), and nothing of the footer may be left after it.
/// `answers`: (what to wait for, the keys to press then).
fn ctrl_c_at_the_bottom(name: &str, tree: &str, rows: u16, answers: &[(&str, &[&str])], at: &str) {
    let out = transcript_path(name);
    let Some(tty) = run_json_rows(name, tree, &out, rows) else {
        return;
    };
    for (wait, keys) in answers {
        tty.wait_for(wait);
        tty.keys(keys);
    }
    let before = tty.wait_for(at);
    assert!(
        before.contains("Esc for"),
        "no footer on the screen before Ctrl-C:\n{before}"
    );
    tty.keys(&["C-c"]);
    let screen = tty.wait_for("EXITED");
    let stopped = screen
        .lines()
        .position(|l| l.contains("Stopped."))
        .unwrap_or_else(|| panic!("no stop message:\n{screen}"));
    let lines: Vec<&str> = screen.lines().collect();
    assert_eq!(
        lines[stopped].trim_end(),
        "Stopped. Nothing was saved.",
        "the message is written over the footer:\n{screen}"
    );
    assert!(
        lines[stopped + 1..]
            .iter()
            .all(|l| l.trim().is_empty() || l.starts_with("EXITED")),
        "something is left after the message:\n{screen}"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["status"], "interrupted");
}

#[test]
fn ctrl_c_at_a_checklist_at_the_bottom_of_the_screen() {
    ctrl_c_at_the_bottom(
        "ctrl_c_checklist",
        "tests/fixtures/run/checklist.tree",
        6,
        &[],
        "Space tick",
    );
}

#[test]
fn ctrl_c_at_a_menu_at_the_bottom_of_the_screen() {
    // hello.tree: past the introduction and the first question, to the
    // second, after the screen has scrolled.
    ctrl_c_at_the_bottom(
        "ctrl_c_menu",
        "trees/hello.tree",
        9,
        &[("Go on", &["Enter"]), ("How tired", &["Enter"])],
        "Which word fits your mood best?",
    );
}

#[test]
fn ctrl_c_at_a_text_input_at_the_bottom_of_the_screen() {
    ctrl_c_at_the_bottom(
        "ctrl_c_text",
        "tests/fixtures/run/typed.tree",
        6,
        &[
            ("How many months", &["7", "Enter"]),
            ("their name", &["S", "a", "m"]),
        ],
        "What is their name?",
    );
}

#[test]
fn a_command_with_an_argument_works_in_a_menu() {
    let out = transcript_path("menu_save");
    let saved = transcript_path("menu_save_session");
    let Some(tty) = run_json("menu_save", "trees/hello.tree", &out) else {
        return;
    };
    tty.wait_for("Go on");
    tty.keys(&["Enter"]);
    tty.wait_for("How tired do you feel?");
    tty.type_text(&format!(":save {}", saved.display()));
    tty.keys(&["Enter"]);
    tty.wait_for("Saved your answers to");
    tty.type_text(":q");
    tty.keys(&["Enter"]);
    let doc = transcript(&tty, &out);
    assert_eq!(doc["status"], "quit");
    let session: Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).expect("the session was saved"))
            .expect("the saved session is JSON");
    assert_eq!(session["tree"], "hello");
}

#[test]
fn typed_commands_work_after_the_outcome() {
    let out = transcript_path("after_outcome");
    let Some(tty) = run_json("after_outcome", "tests/fixtures/run/typed.tree", &out) else {
        return;
    };
    tty.wait_for("How many months has it been?");
    tty.type_text("3");
    tty.keys(&["Enter"]);
    tty.wait_for("What is their name?");
    tty.type_text("Sam");
    tty.keys(&["Enter"]);
    tty.wait_for("What now?");
    tty.type_text(":back");
    tty.keys(&["Enter"]);
    // Back on the last question, with the earlier answer offered again.
    let after_back = |screen: &str| {
        screen
            .split_once("? What now? :back")
            .map(|(_, rest)| rest.to_string())
    };
    let screen = tty.wait_until("the question asked again", |screen| {
        after_back(screen).is_some_and(|rest| rest.contains("[At most 50 characters"))
    });
    let asked_again = after_back(&screen).unwrap_or_default();
    assert!(
        asked_again.contains("What is their name?\n? Your answer Sam\n"),
        "{screen}"
    );
    tty.keys(&["C-w"]);
    tty.type_text("Alex");
    tty.keys(&["Enter"]);
    let screen = tty.wait_for("Alex, 3 months");
    assert!(screen.contains("What now?"), "{screen}");
    tty.keys(&["Enter"]);
    let doc = transcript(&tty, &out);
    assert_eq!(doc["steps"][1]["answer"], "Alex");
}
