//! `guidetree run` driven through a pipe: the real binary, fed answers on
//! stdin, with its whole output snapshotted.

use crate::common::{self, root};
use insta_cmd::assert_cmd_snapshot;
use std::path::{Path, PathBuf};
use std::process::Command;

const HELLO: &str = "trees/hello.tree";
const FIXTURES: &str = "tests/fixtures/run";

/// `guidetree run ARGS...` from the crate root, without colour.
fn run(args: &[&str]) -> Command {
    let mut cmd = common::guidetree();
    cmd.arg("run").args(args);
    cmd
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// A fresh scratch directory for one test, holding copies of `files`
/// (paths from the crate root, copied by file name). Runs inside it name
/// every file by a short relative path, so snapshots read the same on
/// every machine.
fn scratch(test: &str, files: &[&str]) -> PathBuf {
    let root = root();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("run")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for file in files {
        let name = Path::new(file).file_name().unwrap();
        std::fs::copy(root.join(file), dir.join(name)).unwrap();
    }
    dir
}

/// `guidetree run ARGS...` inside a scratch directory.
fn run_in(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = run(args);
    cmd.current_dir(dir);
    cmd
}

/// Run a command and return (exit code, stdout, stderr).
fn output(cmd: &mut Command, stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn debug_shows_what_hooks_print_and_why_lists_it() {
    assert_cmd_snapshot!(run(&[&fixture("debug.tree"), "--debug"]).pass_stdin("2\n:why\n1\n"));
}

#[test]
fn transcripts_carry_tags_and_hook_output() {
    let (code, out, _) = output(&mut run(&[&fixture("debug.tree"), "--json"]), "2\n1\n");
    assert_eq!(code, 0);
    let doc = json(&out);
    assert_eq!(
        doc["steps"][0]["tags"],
        serde_json::json!(["intro", "safety"])
    );
    assert_eq!(doc["steps"][1]["tags"], serde_json::json!([]));
    assert_eq!(doc["outcome"]["tags"], serde_json::json!(["final"]));
    let printed = serde_json::json!([
        {"hook": "double", "node": "s", "text": "doubling 2"},
        {"hook": "double", "node": "s", "text": "debug 4:5 | 4"}
    ]);
    assert_eq!(doc["steps"][0]["log"], printed);
    assert_eq!(doc["steps"][1]["log"], serde_json::json!([]));
    assert_eq!(doc["log"], printed);
    assert_eq!(
        doc["variables"]["picked"],
        serde_json::json!(["small", "large"])
    );
}

#[test]
fn set_values_in_set_and_answers_files() {
    let (code, out, err) = output(
        &mut run(&[
            &fixture("debug.tree"),
            "--json",
            "--set",
            "picked={large}",
            "--answer",
            "q=one",
            "--answer",
            "sure=yes",
        ]),
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        json(&out)["variables"]["picked"],
        serde_json::json!(["large"])
    );
    let (code, _, err) = output(
        &mut run(&[&fixture("debug.tree"), "--set", "picked={large, huge}"]),
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("huge"), "{err}");
}

#[test]
fn include_parameters_read_the_including_trees_values() {
    let tree = fixture("params.tree");
    let (code, out, err) = output(&mut run(&[&tree, "--json"]), "20\n2\n");
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    // `called` set `tried` to {message, call}: the included branch read it
    // through its parameter, with `days` = `waited` = 20.
    assert_eq!(doc["outcome"]["node"], "later.give_it_time");
    assert_eq!(doc["outcome"]["text"], "20 days is not long.");
    let (_, out, _) = output(&mut run(&[&tree, "--json"]), "5\n1\n");
    assert_eq!(json(&out)["outcome"]["node"], "later.try_a_call");
    // A bound parameter is the including tree's variable, not a copy.
    let vars = json(&out)["variables"].clone();
    assert!(vars.get("later.days").is_none(), "{vars}");
    assert_eq!(vars["later.gentle"], true);
    // Run on its own, the included tree takes its parameters' defaults, and
    // --set gives them values.
    let (code, out, err) = output(
        &mut run(&[
            &fixture("follow_up.tree"),
            "--json",
            "--set",
            "tried={message}",
            "--set",
            "gentle=true",
        ]),
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["outcome"]["node"], "try_a_call");
}

#[test]
fn a_full_run_through_a_pipe() {
    assert_cmd_snapshot!(run(&[HELLO]).pass_stdin("2\n1\n45\n1,2\n"));
}

#[test]
fn back_and_why_during_a_run() {
    assert_cmd_snapshot!(run(&[HELLO]).pass_stdin("1\n:why\n:back\n3\nskip\n5\n\n"));
}

#[test]
fn bad_answers_are_asked_again_with_the_valid_choices() {
    assert_cmd_snapshot!(
        run(&[HELLO]).pass_stdin("7\nbanana\n:jump\nvery\nskip\n2\n999\nsoon\n45\n4,music\n2\n")
    );
}

#[test]
fn end_of_input_stops_cleanly_with_a_message() {
    assert_cmd_snapshot!(run(&[HELLO]).pass_stdin("2\n"));
}

#[test]
fn help_and_quit() {
    assert_cmd_snapshot!(run(&[HELLO]).pass_stdin(":help\n:quit\n"));
}

#[test]
fn an_answers_file_in_json_answers_every_question() {
    let answers = fixture("answers.json");
    assert_cmd_snapshot!(run(&[HELLO, "--answers", &answers]).pass_stdin(""));
}

#[test]
fn an_answers_file_in_toml_with_an_answer_flag_overriding_it() {
    let answers = fixture("answers.toml");
    assert_cmd_snapshot!(run(&[HELLO, "--answers", &answers, "--answer", "time=5"]).pass_stdin(""));
}

#[test]
fn answers_cover_part_of_the_run_and_stdin_the_rest() {
    assert_cmd_snapshot!(run(&[
        HELLO,
        "--answer",
        "how_tired=very",
        "--answer",
        "enjoys=outside,music"
    ])
    .pass_stdin("3\n20\n"));
}

#[test]
fn a_bad_answers_file_names_every_problem() {
    let answers = fixture("err_answers.toml");
    assert_cmd_snapshot!(run(&[HELLO, "--answers", &answers]).pass_stdin(""));
}

#[test]
fn an_answer_for_a_hidden_option_stops_the_run() {
    assert_cmd_snapshot!(run(&[
        HELLO,
        "--answer",
        "how_tired=very",
        "--answer",
        "feeling=skip"
    ])
    .pass_stdin(""));
}

#[test]
fn from_and_set_start_mid_tree() {
    assert_cmd_snapshot!(run(&[
        HELLO,
        "--from",
        "time",
        "--set",
        "tired=true",
        "--set",
        "mood=low"
    ])
    .pass_stdin("25\n\n"));
}

#[test]
fn bad_from_and_set_are_usage_errors() {
    assert_cmd_snapshot!(run(&[HELLO, "--from", "tme"]).pass_stdin(""));
    assert_cmd_snapshot!(run(&[HELLO, "--set", "mood=sad"]).pass_stdin(""));
}

#[test]
fn a_failing_step_is_reported_and_the_run_goes_on() {
    let tree = fixture("failing.tree");
    assert_cmd_snapshot!(run(&[&tree]).pass_stdin("1\n2\n1\n:back\n:save\n:quit\n"));
}

#[test]
fn the_json_transcript_can_be_read_by_a_script() {
    let (code, stdout, stderr) = output(&mut run(&[HELLO, "--json"]), "1\n3\n45\n1,2\n");
    assert_eq!(code, 0, "{stderr}");
    let t = json(&stdout);
    assert_eq!(t["tree"], "hello");
    assert_eq!(t["version"], 1);
    assert_eq!(t["status"], "finished");
    let nodes: Vec<&str> = t["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["node"].as_str().unwrap())
        .collect();
    assert_eq!(nodes, ["welcome", "how_tired", "feeling", "time", "enjoys"]);
    assert_eq!(t["steps"][1]["answer"], "very");
    assert_eq!(
        t["steps"][1]["effects"],
        serde_json::json!([
            {"var": "tired", "from": false, "to": true},
            {"var": "energy", "from": 0, "to": -2}
        ])
    );
    assert_eq!(
        t["steps"][4]["passed"],
        serde_json::json!(["tally", "pick"])
    );
    assert_eq!(t["outcome"]["node"], "rest_break");
    assert_eq!(t["outcome"]["title"], "Rest for 45 minutes");
    // The conversation went to stderr, so stdout is only the transcript.
    assert!(stderr.contains("How tired do you feel?"), "{stderr}");
}

#[test]
fn the_json_transcript_records_a_stopped_run() {
    let (code, stdout, _) = output(&mut run(&[HELLO, "--json"]), "2\n");
    assert_eq!(code, 3);
    let t = json(&stdout);
    assert_eq!(t["status"], "eof");
    assert_eq!(t["outcome"], serde_json::Value::Null);
}

#[test]
fn a_saved_session_resumes_where_it_stopped() {
    let dir = scratch("round_trip", &[HELLO]);
    let (code, _, stderr) = output(
        &mut run_in(&dir, &["hello.tree", "--save", "session.json"]),
        "2\n1\n",
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("--resume session.json"), "{stderr}");
    let saved = json(&std::fs::read_to_string(dir.join("session.json")).unwrap());
    assert_eq!(saved["tree"], "hello");
    assert_eq!(saved["version"], 1);
    assert_eq!(
        saved["answers"],
        serde_json::json!([
            {"node": "welcome"},
            {"node": "how_tired", "answer": "bit"},
            {"node": "feeling", "answer": "calm"}
        ])
    );
    assert_eq!(saved["variables"]["mood"], "calm");
    assert_cmd_snapshot!(
        run_in(&dir, &["hello.tree", "--resume", "session.json"]).pass_stdin("45\n1,2\n")
    );
    // The resumed run ends where an uninterrupted run with the same
    // answers ends.
    let (_, resumed, _) = output(
        &mut run_in(&dir, &["hello.tree", "--resume", "session.json", "--json"]),
        "45\n1,2\n",
    );
    let (_, straight, _) = output(&mut run(&[HELLO, "--json"]), "2\n1\n45\n1,2\n");
    assert_eq!(json(&resumed)["outcome"], json(&straight)["outcome"]);
    assert_eq!(json(&resumed)["steps"], json(&straight)["steps"]);
}

#[test]
fn autosave_keeps_the_latest_answer_after_going_back() {
    let dir = scratch("autosave", &[HELLO]);
    let (code, _, _) = output(
        &mut run_in(&dir, &["hello.tree", "--save", "s.json"]),
        "2\n1\n:back\n",
    );
    assert_eq!(code, 3);
    let saved = json(&std::fs::read_to_string(dir.join("s.json")).unwrap());
    assert_eq!(saved["answers"].as_array().unwrap().len(), 2);
    assert_eq!(saved["variables"]["mood"], serde_json::Value::Null);
    // Nothing but the save file is left in the directory.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["hello.tree", "s.json"]);
}

#[test]
fn save_command_writes_a_file_that_resumes() {
    let dir = scratch("save_command", &[HELLO]);
    assert_cmd_snapshot!(run_in(&dir, &["hello.tree"]).pass_stdin("1\n:save later.json\n:quit\n"));
    let (code, stdout, _) = output(
        &mut run_in(&dir, &["hello.tree", "--resume", "later.json"]),
        "1\n10\n\n",
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("Rest for 10 minutes"), "{stdout}");
}

#[test]
fn resuming_after_the_tree_changed_says_which_answer_no_longer_fits() {
    let dir = scratch("changed", &[HELLO, "tests/fixtures/run/hello_changed.tree"]);
    let (code, _, _) = output(
        &mut run_in(&dir, &["hello.tree", "--save", "session.json"]),
        "2\n1\n45\n",
    );
    assert_eq!(code, 3);
    assert_cmd_snapshot!(
        run_in(&dir, &["hello_changed.tree", "--resume", "session.json"]).pass_stdin("2\n45\n1\n")
    );
}

#[test]
fn a_corrupt_save_file_is_a_clear_error() {
    let corrupt = fixture("err_corrupt_save.json");
    assert_cmd_snapshot!(run(&[HELLO, "--resume", &corrupt]).pass_stdin(""));
    let other = fixture("err_other_tree_save.json");
    assert_cmd_snapshot!(run(&[HELLO, "--resume", &other]).pass_stdin(""));
    assert_cmd_snapshot!(
        run(&[HELLO, "--resume", "tests/fixtures/run/missing.json"]).pass_stdin("")
    );
}

#[test]
fn a_tree_with_errors_does_not_run() {
    let dir = scratch("broken", &[]);
    std::fs::write(
        dir.join("broken.tree"),
        "tree broken \"B\" { start nowhere outcomes done }\n",
    )
    .unwrap();
    let (code, stdout, stderr) = output(&mut run_in(&dir, &["broken.tree"]), "");
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("broken.tree: cannot run this tree"),
        "{stderr}"
    );
}

/// A run killed outright (SIGKILL: no handler runs) between two steps loses
/// nothing it had saved: the autosave holds every answer given before the
/// kill, is whole JSON, and resumes at the next question.
#[cfg(unix)]
#[test]
fn a_killed_run_resumes_from_its_last_autosave() {
    use std::io::Write;
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let dir = scratch("killed", &[HELLO]);
    let save = dir.join("s.json");
    let mut child = run_in(&dir, &["hello.tree", "--save", "s.json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Answer two questions, keeping stdin open so the run waits at the
    // third step, then wait for the autosave to show both answers.
    stdin.write_all(b"1\n3\n").unwrap();
    stdin.flush().unwrap();
    let answered = |text: &str| text.contains("\"how_tired\"") && text.contains("\"feeling\"");
    let started = Instant::now();
    while !std::fs::read_to_string(&save).is_ok_and(|t| answered(&t)) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no autosave with two answers appeared"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);

    let saved = json(&std::fs::read_to_string(&save).unwrap());
    assert_eq!(
        saved["answers"],
        serde_json::json!([
            {"node": "welcome"},
            {"node": "how_tired", "answer": "very"},
            {"node": "feeling", "answer": "low"}
        ])
    );
    // Resuming asks the third question and finishes like a run that was
    // never interrupted.
    let (code, resumed, stderr) = output(
        &mut run_in(&dir, &["hello.tree", "--resume", "s.json", "--json"]),
        "45\n1,2\n",
    );
    assert_eq!(code, 0, "{stderr}");
    let (_, straight, _) = output(&mut run(&[HELLO, "--json"]), "1\n3\n45\n1,2\n");
    assert_eq!(json(&resumed)["outcome"], json(&straight)["outcome"]);
    assert_eq!(json(&resumed)["steps"], json(&straight)["steps"]);
}

/// A private run (the reconnect tree asks for one) refuses to save, leaves
/// saving out of its help, never asks to save on quitting, and says nothing
/// on the way out; `--no-private` and `--save` turn it off.
#[test]
fn a_private_run_never_saves() {
    let dir = scratch(
        "private",
        &[
            "trees/reconnect.tree",
            "trees/reconnect.rhai",
            "trees/no_response.tree",
            "trees/red_flags.tree",
        ],
    );
    let piped = |args: &[&str], input: &str| {
        let mut cmd = run_in(&dir, args);
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = piped(&["reconnect.tree"], ":help\n:save kept.json\n:quit\n");
    assert_eq!(code, Some(3), "{out}{err}");
    assert!(out.contains("Saving is off in a private run"), "{out}");
    assert!(!out.contains(":save FILE"), "help lists no saving: {out}");
    assert!(!out.contains("not saved yet"), "{out}");
    assert_eq!(err, "", "nothing is said on the way out");
    assert!(!dir.join("kept.json").exists());

    let (_, out, err) = piped(
        &["reconnect.tree", "--no-private"],
        ":save kept.json\n:quit\n",
    );
    assert!(out.contains("Saved your answers to kept.json"), "{out}");
    assert!(err.contains("Stopped at `harm`"), "{err}");
    assert!(dir.join("kept.json").exists());

    let (code, _, err) = piped(&["hello.tree", "--private", "--save", "x.json"], "");
    assert_eq!(code, Some(2));
    assert!(err.contains("--save"), "{err}");
}
