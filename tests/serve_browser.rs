//! `guidetree serve` in a real browser: Debian's Chromium driven by
//! Playwright (tests/tools/browser/run.mjs), with axe-core on every
//! distinct page. Every tree in `trees/` is walked along witness paths from
//! `guidetree paths` until every node has been shown; back, why, restart,
//! save, resume, a bad answer, quick exit (and Back after it), small
//! screens, dark mode and a run without JavaScript are checked; and the
//! transcript downloaded at each outcome must equal the pipe run's for the
//! same answers.
//!
//! `.ci/install-browser` installs Chromium and the npm packages; under
//! `CI=true` they are required, elsewhere the test says "skipped".

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const EXIT_URL: &str = "https://exit.invalid/";

use crate::common::{self, root};

fn tool() -> PathBuf {
    root().join("tests/tools/browser")
}

/// The first of Chromium, node and the npm packages that is missing.
fn missing() -> Option<&'static str> {
    if !Path::new("/usr/bin/chromium").exists() {
        return Some("Chromium");
    }
    if !common::runs("node", &["--version"]) {
        return Some("node");
    }
    let modules = tool().join("node_modules");
    if !modules.join("playwright-core").exists() || !modules.join("axe-core").exists() {
        return Some("playwright-core and axe-core");
    }
    None
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(files: &[String]) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guidetree"))
        .arg("serve")
        .args(files)
        .args(["--addr", "127.0.0.1:0", "--exit-url", EXIT_URL])
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = err.read_to_string(&mut rest);
    });
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_string();
    (Server(child), format!("http://{addr}"))
}

fn trees() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("trees"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tree"))
        .map(|p| format!("trees/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    files
}

/// Witness paths that together reach every node the explorer reached
/// (greedy cover over `guidetree paths --format json`).
fn witnesses(file: &str) -> (String, Vec<Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_guidetree"))
        .args(["paths", file, "--format", "json"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&Value> = all["paths"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["end"]["kind"] == "outcome")
        .collect();
    let nodes = |p: &Value| -> BTreeSet<String> {
        p["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect()
    };
    let wanted: BTreeSet<String> = paths.iter().flat_map(|p| nodes(p)).collect();
    let mut covered = BTreeSet::new();
    let mut chosen = Vec::new();
    while covered != wanted {
        let best = paths
            .iter()
            .max_by_key(|p| nodes(p).difference(&covered).count())
            .unwrap();
        covered.extend(nodes(best));
        chosen.push(best["answers"].clone());
    }
    (all["tree"].as_str().unwrap().to_string(), chosen)
}

/// The lines a person would type through a pipe for these answers.
fn typed_lines(answers: &Value) -> String {
    let mut lines = String::new();
    for a in answers.as_array().unwrap() {
        let line = match &a["answer"] {
            Value::Null => String::new(),
            Value::String(s) if s == "-" => String::new(),
            Value::String(s) => s.replace('+', ","),
            other => other.to_string(),
        };
        lines.push_str(&line);
        lines.push('\n');
    }
    lines
}

fn pipe_transcript(file: &str, answers: &Value) -> Value {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guidetree"))
        .args(["run", file, "--json"])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(typed_lines(answers).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{file}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn every_tree_in_a_real_browser_with_axe_on_every_page() {
    if let Some(what) = missing() {
        common::tool(what, false, ".ci/install-browser");
        return;
    }
    let files = trees();
    let (_server, base) = start(&files);
    let mut plan_trees = Vec::new();
    let mut file_of = std::collections::HashMap::new();
    for file in &files {
        let (id, paths) = witnesses(file);
        file_of.insert(id.clone(), file.clone());
        plan_trees.push(json!({ "id": id, "paths": paths }));
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-browser");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("results.json");
    let plan = json!({
        "base": base,
        "exitUrl": EXIT_URL,
        "out": out,
        "trees": plan_trees,
    });
    let plan_file = dir.join("plan.json");
    std::fs::write(&plan_file, plan.to_string()).unwrap();
    let run = Command::new("node")
        .arg(tool().join("run.mjs"))
        .arg(&plan_file)
        .current_dir(tool())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&run.stdout);
    eprintln!("{log}{}", String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "the browser checks failed:\n{log}");

    let results: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let transcripts = results["transcripts"].as_array().unwrap();
    assert!(!transcripts.is_empty());
    for t in transcripts {
        let tree = t["tree"].as_str().unwrap();
        let piped = pipe_transcript(&file_of[tree], &t["answers"]);
        assert_eq!(
            t["transcript"], piped,
            "{tree}: the browser's transcript differs from the pipe run's for {}",
            t["answers"]
        );
    }
    eprintln!(
        "browser: {} transcripts equal the pipe runs'; axe found no violations on {} pages",
        transcripts.len(),
        results["pages"]
    );
}
