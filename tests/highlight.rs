//! The TextMate grammar in `editors/vscode/` (what VS Code, GitHub, Sublime
//! and others highlight with), run in VS Code's own engine: the npm
//! packages `vscode-textmate` and `vscode-oniguruma`, pinned in
//! `tests/tools/textmate-check` and installed by
//! `.ci/install-textmate-check` (required under `CI=true`, skipped with a
//! note otherwise).
//!
//! Every tree in `trees/` and every fixture is tokenised. No text may be
//! left outside a scope; in files that parse, nothing may be marked
//! illegal and every string must be closed by the end of the file.

use guidetree::source::FileId;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{self, root, tree_files};

/// Is the engine installed? Under `CI=true` it must be.
fn engine() -> Option<PathBuf> {
    let tool = root().join("tests/tools/textmate-check");
    let installed = tool.join("node_modules/vscode-textmate").is_dir()
        && tool.join("node_modules/vscode-oniguruma").is_dir()
        && common::runs("node", &["--version"]);
    let engine = "VS Code's TextMate engine";
    common::tool(engine, installed, ".ci/install-textmate-check").then(|| tool.join("check.mjs"))
}

fn grammar() -> PathBuf {
    root().join("editors/vscode/syntaxes/guidetree.tmLanguage.json")
}

/// One verdict per file, as JSON.
fn tokenise(files: &[PathBuf], html: Option<&Path>) -> Vec<serde_json::Value> {
    let Some(script) = engine() else {
        return Vec::new();
    };
    let mut cmd = Command::new("node");
    cmd.arg(script).arg(grammar());
    if let Some(out) = html {
        cmd.arg("--html").arg(out);
    }
    let out = cmd.args(files).output().expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdicts: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON verdict per line"))
        .collect();
    assert_eq!(verdicts.len(), files.len());
    verdicts
}

#[test]
fn the_grammar_tokenises_every_tree_and_fixture_without_unmatched_regions() {
    let files: Vec<PathBuf> = tree_files(&root().join("trees"))
        .into_iter()
        .chain(tree_files(&root().join("tests/fixtures")))
        .collect();
    let verdicts = tokenise(&files, None);
    if verdicts.is_empty() {
        return;
    }
    let mut problems = Vec::new();
    let mut parsed = 0;
    for (file, v) in files.iter().zip(&verdicts) {
        let name = file.strip_prefix(root()).unwrap_or(file).display();
        if v["bare"].as_array().is_none_or(|b| !b.is_empty()) {
            problems.push(format!("{name}: text outside any scope: {}", v["bare"]));
        }
        let text = std::fs::read_to_string(file).unwrap_or_default();
        if guidetree::syntax::parse(FileId(0), &text).is_ok() {
            parsed += 1;
            if v["illegal"].as_array().is_none_or(|b| !b.is_empty()) {
                problems.push(format!("{name}: marked illegal: {}", v["illegal"]));
            }
            if v["open"] != 0 {
                problems.push(format!("{name}: {} region(s) left open", v["open"]));
            }
        }
    }
    assert!(parsed >= 60, "only {parsed} files parse");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_grammar_gives_each_construct_its_scope() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let html = dir.join("highlight-reconnect.html");
    // A fixed copy of the flagship tree, so the scopes checked stay put.
    let file = root().join("tests/fixtures/lsp/reconnect.tree");
    if tokenise(&[file], Some(&html)).is_empty() {
        return;
    }
    let out = std::fs::read_to_string(&html).expect("the HTML is written");
    for expected in [
        r#"<span class="comment-line-number-sign-guidetree"># Reconnecting"#,
        r#"<span class="keyword-other-tree-guidetree">tree</span>"#,
        r#"<span class="entity-name-type-tree-guidetree">reconnect</span>"#,
        r#"<span class="storage-type-node-guidetree">question</span>"#,
        r#"<span class="entity-name-function-node-guidetree">harm</span>"#,
        r#"<span class="keyword-operator-arrow-guidetree">-&gt;</span>"#,
        r#"<span class="entity-name-function-node-guidetree">silence.no_reply</span>"#,
        r#"<span class="keyword-other-hook-guidetree">hook</span>"#,
        r#"<span class="string-quoted-triple-guidetree">"#,
        r#"<span class="keyword-operator-logical-guidetree">and</span>"#,
        r#"<span class="constant-language-boolean-guidetree">true</span>"#,
        r#"<span class="keyword-control-guidetree">when</span>"#,
    ] {
        assert!(out.contains(expected), "missing {expected}");
    }
}
