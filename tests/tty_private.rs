//! `guidetree run --private` on a real terminal (tmux): private runs leave
//! nothing on the screen or in its scrollback, and `--plain` prints
//! numbered lines instead of redrawn menus.
//!
//! tmux is installed by `.ci/install-tmux`; under `CI=true` it is
//! required, elsewhere these tests say "skipped" when it is missing.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of its own, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Start `command` in a detached 100x30 window, or `None` (after saying
    /// "skipped") when tmux is not installed.
    fn start(name: &str, command: &str) -> Option<Tmux> {
        if !crate::common::tool(
            "tmux",
            crate::common::runs("tmux", &["-V"]),
            ".ci/install-tmux",
        ) {
            return None;
        }
        let socket = format!("guidetree-test-{name}-{}", std::process::id());
        let tmux = Tmux { socket };
        let status = tmux
            .cmd()
            .args(["new-session", "-d", "-x", "100", "-y", "30", command])
            .status()
            .unwrap();
        assert!(status.success());
        Some(tmux)
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.socket, "-f", "/dev/null"]);
        cmd
    }

    fn keys(&self, keys: &[&str]) {
        let status = self.cmd().arg("send-keys").args(keys).status().unwrap();
        assert!(status.success());
    }

    /// The screen and all of its scrollback.
    fn everything(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-S", "-", "-E", "-"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Wait until the screen shows `text`; panics with the screen after 20 s.
    fn wait_for(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let screen = self.everything();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "waited for {text:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

fn run_in_tmux(name: &str, args: &str) -> Option<Tmux> {
    let bin = env!("CARGO_BIN_EXE_guidetree");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Tmux::start(
        name,
        &format!(
            "cd '{}' && NO_COLOR=1 '{bin}' run {args}; echo EXIT=$?; sleep 60",
            root.display()
        ),
    )
}

#[test]
fn ctrl_c_in_a_private_run_clears_the_screen_and_ends_at_once() {
    // reconnect.tree asks for a quick exit in its header: private by default.
    let Some(tmux) = run_in_tmux("quick-exit", "trees/reconnect.tree") else {
        return;
    };
    let screen = tmux.wait_for("a question about safety");
    assert!(screen.contains("Private run"), "{screen}");
    tmux.keys(&["C-c"]);
    let after = tmux.wait_for("EXIT=");
    assert!(after.contains("EXIT=130"), "{after}");
    for gone in ["safety", "Private run", "violence", "Stopped"] {
        assert!(
            !after.contains(gone),
            "{gone:?} is still on screen:\n{after}"
        );
    }
}

#[test]
fn a_private_run_clears_the_screen_when_it_ends_and_never_offers_save() {
    let Some(tmux) = run_in_tmux("private-end", "trees/hello.tree --private") else {
        return;
    };
    tmux.wait_for("A few questions to find a good break");
    // Esc opens the command menu: no saving in a private run.
    tmux.keys(&["Escape"]);
    let menu = tmux.wait_for("What would you like to do?");
    assert!(!menu.contains("Save my answers"), "{menu}");
    tmux.keys(&["Escape"]);
    // Answer every step with its first choice, and 30 minutes.
    for (wait, keys) in [
        ("? Continue", &["Enter"][..]),
        ("How tired do you feel?", &["Enter"]),
        ("Which word fits your mood", &["Enter"]),
        ("How many minutes", &["30", "Enter"]),
        ("What do you enjoy?", &["Enter"]),
    ] {
        tmux.wait_for(wait);
        std::thread::sleep(Duration::from_millis(200));
        tmux.keys(keys);
    }
    let outcome = tmux.wait_for("What now?");
    assert!(!outcome.contains("Save my answers"), "{outcome}");
    tmux.keys(&["Enter"]);
    let after = tmux.wait_for("EXIT=");
    assert!(after.contains("EXIT=0"), "{after}");
    for gone in ["How tired", "What now?", "Private run"] {
        assert!(
            !after.contains(gone),
            "{gone:?} is still on screen:\n{after}"
        );
    }
}

#[test]
fn plain_mode_on_a_terminal_prints_numbered_lines() {
    let Some(tmux) = run_in_tmux("plain", "trees/hello.tree --plain") else {
        return;
    };
    let screen = tmux.wait_for("3) Not tired at all [fine]");
    assert!(screen.contains("  1) Very tired [very]"), "{screen}");
    // No menu: nothing is redrawn, the answer is a typed line.
    assert!(!screen.contains("? Choose one"), "{screen}");
    tmux.keys(&["2", "Enter"]);
    let screen = tmux.wait_for("Which word fits your mood best?");
    assert!(
        screen.contains("> 2"),
        "the typed answer stays on screen:\n{screen}"
    );
    assert!(screen.contains("How tired do you feel?"), "{screen}");
}
