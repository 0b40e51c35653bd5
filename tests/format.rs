//! `guidetree fmt`: on every tree, every fixture and every fuzzing input
//! that parses, formatting keeps the syntax tree (spans aside) and every
//! comment, and formatting twice changes nothing. The trees in `trees/`
//! are formatted. The command line is tested through the real binary.

use guidetree::format::{comments, format_source, same_tree};
use guidetree::source::FileId;
use guidetree::syntax;
use std::path::{Path, PathBuf};

use crate::common::{self, root, tree_files};

/// Every text to try: trees, fixtures, and the root file of each fuzzing
/// regression input (root, include and script are joined by NUL bytes).
fn corpus() -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for path in tree_files(&root().join("trees"))
        .into_iter()
        .chain(tree_files(&root().join("tests/fixtures")))
    {
        if let Ok(text) = std::fs::read_to_string(&path) {
            texts.push((path.display().to_string(), text));
        }
    }
    let fuzz = root().join("tests/fixtures/hostile/check_bytes");
    if let Ok(entries) = std::fs::read_dir(&fuzz) {
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            for (i, part) in bytes.split(|&b| b == 0).take(2).enumerate() {
                if let Ok(text) = String::from_utf8(part.to_vec()) {
                    texts.push((format!("{} part {i}", entry.path().display()), text));
                }
            }
        }
    }
    texts
}

#[test]
fn formatting_keeps_the_tree_and_every_comment_and_is_idempotent() {
    let mut tried = 0;
    let mut problems = Vec::new();
    for (name, text) in corpus() {
        let Ok(before) = syntax::parse(FileId(0), &text) else {
            continue;
        };
        tried += 1;
        let once = match format_source(&text) {
            Ok(once) => once,
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        match syntax::parse(FileId(0), &once) {
            Ok(after) if same_tree(&before, &after) => {}
            Ok(_) => problems.push(format!("{name}: the syntax tree changed")),
            Err(d) => problems.push(format!("{name}: the result does not parse: {d:?}")),
        }
        let texts =
            |src: &str| -> Vec<String> { comments(src).into_iter().map(|c| c.text).collect() };
        if texts(&text) != texts(&once) {
            problems.push(format!("{name}: comments changed"));
        }
        match format_source(&once) {
            Ok(twice) if twice == once => {}
            Ok(twice) => problems.push(format!(
                "{name}: formatting twice changes the text:\n{}",
                guidetree::cmd::fmt::diff(Path::new(&name), &once, &twice)
            )),
            Err(e) => problems.push(format!("{name}: second pass: {e}")),
        }
    }
    assert!(tried >= 60, "only {tried} files parsed");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn every_tree_in_trees_is_formatted() {
    let mut problems = Vec::new();
    for path in tree_files(&root().join("trees")) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        match format_source(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => problems.push(guidetree::cmd::fmt::diff(&path, &text, &formatted)),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(
        problems.is_empty(),
        "run `guidetree fmt trees/*.tree`:\n{}",
        problems.join("\n")
    );
}

// ─── The command line ─────────────────────────────────────────────────────

fn guidetree(args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = common::output_with_input(common::guidetree().args(args), stdin);
    common::code_and_text(&out)
}

const MESSY: &str =
    "tree t \"T\" { start a outcomes k }\n# the end\noutcome a {kind k   title \"A\"}\n";
const TIDY: &str = "tree t \"T\" {\n  start a\n  outcomes k\n}\n\n# the end\noutcome a {\n  kind k\n  title \"A\"\n}\n";

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("guidetree-fmt-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("t.tree");
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn fmt_check_shows_a_diff_and_fails_without_writing() {
    let path = scratch("check", MESSY);
    let file = path.to_string_lossy().into_owned();
    let (code, stdout, _) = guidetree(&["fmt", "--check", &file], "");
    assert_eq!(code, 1);
    assert!(
        stdout.contains("-outcome a {kind k   title \"A\"}"),
        "{stdout}"
    );
    assert!(stdout.contains("+  title \"A\""), "{stdout}");
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), MESSY);
}

#[test]
fn fmt_writes_the_file_and_then_check_passes() {
    let path = scratch("write", MESSY);
    let file = path.to_string_lossy().into_owned();
    let (code, stdout, stderr) = guidetree(&["fmt", &file], "");
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), TIDY);
    let (code, stdout, _) = guidetree(&["fmt", "--check", &file], "");
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn fmt_reads_stdin_and_writes_stdout() {
    let (code, stdout, _) = guidetree(&["fmt", "-"], MESSY);
    assert_eq!((code, stdout.as_str()), (0, TIDY));
}

#[test]
fn fmt_leaves_a_file_with_syntax_errors_alone_and_says_why() {
    let broken = "tree t \"T\" { start a\noutcome a { kind k title \"A\" }\n";
    let path = scratch("broken", broken);
    let file = path.to_string_lossy().into_owned();
    let (code, _, stderr) = guidetree(&["fmt", "--color", "never", &file], "");
    assert_eq!(code, 1);
    assert!(stderr.contains("error[E001]"), "{stderr}");
    assert!(stderr.contains("not formatted (1 error)"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), broken);
}

#[test]
fn fmt_reports_a_missing_file() {
    let (code, _, stderr) = guidetree(&["fmt", "no/such/file.tree"], "");
    assert_eq!(code, 1);
    assert!(
        stderr.contains("cannot read no/such/file.tree: no such file"),
        "{stderr}"
    );
}
