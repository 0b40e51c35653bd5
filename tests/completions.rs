//! `guidetree completions SHELL` and `guidetree man`, generated from the
//! command line's own definitions: the bash script is loaded into a real
//! bash and asked to complete, and the manual page is rendered by groff.

use crate::common;
use std::path::Path;
use std::process::{Command, Stdio};

fn guidetree(args: &[&str]) -> (i32, String, String) {
    let out = common::guidetree()
        .args(args)
        .output()
        .expect("the binary runs");
    common::code_and_text(&out)
}

#[test]
fn every_shell_gets_a_script_naming_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script, stderr) = guidetree(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        for word in ["check", "run", "fmt", "lsp", "completions", "deny-warnings"] {
            assert!(script.contains(word), "{shell}: `{word}` is missing");
        }
    }
    let (code, _, stderr) = guidetree(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("possible values: bash, elvish, fish, powershell, zsh"),
        "{stderr}"
    );
}

/// What bash completes for the words of a command line (the last one is
/// being typed), with the generated script loaded.
fn bash_complete(words: &[&str]) -> Vec<String> {
    let (_, script, _) = guidetree(&["completions", "bash"]);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("guidetree.bash");
    std::fs::write(&file, script).expect("write the script");
    let line = words.join(" ");
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    let program = format!(
        r#"source {file}
COMP_WORDS=({quoted})
COMP_CWORD={cword}
COMP_LINE="{line}"
COMP_POINT=${{#COMP_LINE}}
_guidetree_with_node_ids guidetree "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        file = file.display(),
        cword = words.len() - 1,
        quoted = quoted.join(" "),
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(program)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_flags_and_tree_files() {
    if !common::tool("bash", common::runs("bash", &["--version"]), "install bash") {
        return;
    }
    let commands = bash_complete(&["guidetree", "f"]);
    assert_eq!(commands, ["fmt"]);
    let flags = bash_complete(&["guidetree", "fmt", "--ch"]);
    assert_eq!(flags, ["--check"]);
    // Where a file is expected the script offers nothing itself, and bash
    // falls back to file names (`complete -o default`).
    let files = bash_complete(&["guidetree", "check", "trees/reco"]);
    assert_eq!(files, [""]);
    let (_, script, _) = guidetree(&["completions", "bash"]);
    assert!(script.contains("-o default guidetree"), "{script}");

    // Node ids after `--from` and `--to`, read from the tree on the line.
    let ids = bash_complete(&["guidetree", "run", "trees/reconnect.tree", "--from", "pat"]);
    assert_eq!(ids, ["patterns"]);
    let ids = bash_complete(&[
        "guidetree",
        "paths",
        "trees/reconnect.tree",
        "--to",
        "stop_v",
    ]);
    assert_eq!(ids, ["stop_violence"]);
}

#[test]
fn the_manual_page_renders_and_covers_every_command() {
    let (code, page, _) = guidetree(&["man"]);
    assert_eq!(code, 0);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH guidetree 1"),
        "{page}"
    );
    for word in ["fmt", "lsp", "completions", "check"] {
        assert!(page.contains(word), "`{word}` is missing from the page");
    }
    let (code, sub, _) = guidetree(&["man", "fmt"]);
    assert_eq!(code, 0);
    assert!(sub.contains(".TH guidetree-fmt 1"), "{sub}");
    assert!(sub.contains("\\-\\-check"), "{sub}");
    let (code, _, stderr) = guidetree(&["man", "frobnicate"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("there is no command `frobnicate`"),
        "{stderr}"
    );

    // groff reads it without a warning.
    let groff_found = common::runs("groff", &["--version"]);
    if !common::tool("groff", groff_found, "install groff") {
        return;
    }
    let mut groff = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("groff starts");
    if let Some(mut stdin) = groff.stdin.take() {
        use std::io::Write;
        stdin.write_all(page.as_bytes()).expect("write to groff");
    }
    let out = groff.wait_with_output().expect("groff ends");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
