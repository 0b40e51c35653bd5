//! The extension in `editors/vscode/` in a real VS Code: Code-OSS 1.100 as
//! served by code-server (npm `code-server`, pinned in `tests/tools/vscode`),
//! driven by Playwright in Debian's Chromium (tests/tools/vscode/run.mjs).
//!
//! The extension is packaged with `vsce` and installed with
//! `code-server --install-extension`, `guidetree.path` points at the binary
//! under test, and `trees/reconnect.tree` is opened from a copy of `trees/`.
//! The driver checks highlighting by the grammar, a live error with its
//! code after an edit, go to definition (in the file and into an include),
//! format on save and rename.
//!
//! `.ci/install-vscode` installs code-server, Playwright, vsce and the
//! extension's own dependencies; under `CI=true` they are required,
//! elsewhere the test says "skipped". With `GUIDETREE_SCREENSHOTS=DIR` the
//! screenshots (`editor.png`, `editor-error.png`) are written to DIR
//! (`docs/render-editor-pictures` uses this for docs/editors.md).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::common::{self, root};

fn tool() -> PathBuf {
    root().join("tests/tools/vscode")
}

fn extension() -> PathBuf {
    root().join("editors/vscode")
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
    for package in ["code-server", "playwright-core", "@vscode/vsce"] {
        if !modules.join(package).is_dir() {
            return Some("code-server, playwright-core and vsce");
        }
    }
    if !modules
        .join("code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg")
        .exists()
    {
        return Some("code-server's own dependencies");
    }
    if !extension()
        .join("node_modules/vscode-languageclient")
        .is_dir()
    {
        return Some("the extension's dependencies (vscode-languageclient)");
    }
    None
}

/// code-server and everything it started (the extension host, the language
/// server), stopped as a process group.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).output();
        let _ = self.0.wait();
    }
}

fn code_server() -> PathBuf {
    tool().join("node_modules/code-server/out/node/entry.js")
}

/// Run a command to completion; panic with its output if it fails.
fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

fn copy_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn the_extension_works_in_vs_code() {
    if let Some(what) = missing() {
        common::tool(what, false, ".ci/install-vscode");
        return;
    }
    let started = Instant::now();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vscode");
    let _ = std::fs::remove_dir_all(&scratch);
    let (home, data, extensions, workspace) = (
        scratch.join("home"),
        scratch.join("data"),
        scratch.join("extensions"),
        scratch.join("trees"),
    );
    for dir in [&home, &data.join("User"), &extensions] {
        std::fs::create_dir_all(dir).unwrap();
    }
    copy_files(&root().join("trees"), &workspace);

    // Package the extension as an author would, and install the package.
    let vsix = scratch.join("guidetree.vsix");
    run(
        Command::new("node")
            .arg(tool().join("node_modules/@vscode/vsce/vsce"))
            .args(["package", "--skip-license", "--allow-missing-repository"])
            .arg("--out")
            .arg(&vsix)
            .current_dir(extension())
            .stdin(Stdio::null()),
        "vsce package",
    );
    // What an author's settings would hold: where guidetree is, and VS
    // Code's desktop default of saving only when asked (code-server saves
    // after a delay by default, and VS Code never formats those saves).
    let settings = serde_json::json!({
        "guidetree.path": common::bin(),
        "files.autoSave": "off",
        "workbench.startupEditor": "none",
        "workbench.colorTheme": "Default Dark Modern",
        "workbench.tips.enabled": false,
        "security.workspace.trust.enabled": false,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "update.mode": "none",
    });
    std::fs::write(
        data.join("User/settings.json"),
        serde_json::to_string_pretty(&settings).unwrap(),
    )
    .unwrap();
    let config = scratch.join("config.yaml");
    std::fs::write(&config, "auth: none\n").unwrap();
    let code_server = |args: &[&str]| {
        let mut cmd = Command::new("node");
        cmd.arg(code_server())
            .arg("--config")
            .arg(&config)
            .arg("--user-data-dir")
            .arg(&data)
            .arg("--extensions-dir")
            .arg(&extensions)
            .args(args)
            .env("HOME", &home)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("VSCODE_IPC_HOOK_CLI");
        cmd
    };
    let installed = run(
        code_server(&["--install-extension", vsix.to_str().unwrap()]).stdin(Stdio::null()),
        "code-server --install-extension",
    );
    assert!(installed.contains("successfully installed"), "{installed}");

    let mut child = {
        use std::os::unix::process::CommandExt;
        code_server(&[
            "--bind-addr",
            "127.0.0.1:0",
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            "--disable-getting-started-override",
            workspace.to_str().unwrap(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("code-server starts")
    };
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut err = child.stderr.take().unwrap();
    let server = Server(child);
    let mut log = String::new();
    let base = loop {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap_or(0) == 0 {
            let mut rest = String::new();
            let _ = err.read_to_string(&mut rest);
            panic!("code-server stopped:\n{log}{rest}");
        }
        log.push_str(&line);
        if let Some(url) = line.split("HTTP server listening on ").nth(1) {
            break url.trim().trim_end_matches('/').to_string();
        }
    };
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = out.read_to_string(&mut rest);
    });
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = err.read_to_string(&mut rest);
    });

    let shots = std::env::var_os("GUIDETREE_SCREENSHOTS")
        .map_or_else(|| scratch.join("screenshots"), PathBuf::from);
    std::fs::create_dir_all(&shots).unwrap();
    let plan = serde_json::json!({
        "base": base,
        "workspace": workspace,
        "file": "reconnect.tree",
        "guidetree": common::bin(),
        "shots": shots,
    });
    let plan_path = scratch.join("plan.json");
    std::fs::write(&plan_path, plan.to_string()).unwrap();
    let result = Command::new("node")
        .arg("run.mjs")
        .arg(&plan_path)
        .current_dir(tool())
        .output()
        .unwrap();
    drop(server);
    let report = String::from_utf8_lossy(&result.stdout);
    eprintln!(
        "{report}{}(VS Code test: {:.1} s in all; screenshots in {})",
        String::from_utf8_lossy(&result.stderr),
        started.elapsed().as_secs_f64(),
        shots.display()
    );
    assert!(
        result.status.success(),
        "the VS Code checks failed:\n{report}"
    );
    assert!(report.contains("7 passed, 0 failed"), "{report}");
}
