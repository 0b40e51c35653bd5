//! The language server, end to end: the real binary is started with
//! `guidetree lsp` and spoken to in JSON-RPC over its stdin and stdout,
//! the way an editor does.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notifications: Vec<Value>,
}

fn read_message(reader: &mut BufReader<ChildStdout>) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_guidetree"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            while let Some(msg) = read_message(&mut stdout) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            next_id: 1,
            notifications: Vec::new(),
        };
        let root = uri(&root().join("trees"));
        let init = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": root, "capabilities": {} }),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "guidetree", "{init}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn next(&mut self) -> Value {
        self.incoming
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let msg = self.next();
            if msg["id"] == id {
                return msg;
            }
            self.notifications.push(msg);
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self
            .notifications
            .iter()
            .position(|n| is_diagnostics_for(n, uri))
        {
            let n = self.notifications.remove(i);
            return n["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        loop {
            let msg = self.next();
            if is_diagnostics_for(&msg, uri) {
                return msg["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            self.notifications.push(msg);
        }
    }

    fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "guidetree", "version": 1, "text": text } }),
        );
        uri
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn at(&mut self, method: &str, uri: &str, pos: Value, extra: Value) -> Value {
        let mut params = json!({ "textDocument": { "uri": uri }, "position": pos });
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    fn stop(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        self.child
            .wait()
            .expect("the server exits")
            .code()
            .unwrap_or(-1)
    }
}

fn is_diagnostics_for(msg: &Value, uri: &str) -> bool {
    msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The LSP position of the `nth` occurrence of `needle` in `text`, plus
/// `skip` characters.
fn pos(text: &str, needle: &str, skip: usize) -> Value {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is in the text"))
        + skip;
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let line = text[..offset].matches('\n').count();
    let character = text[line_start..offset].encode_utf16().count();
    json!({ "line": line, "character": character })
}

fn line_of(location: &Value) -> i64 {
    location["range"]["start"]["line"].as_i64().unwrap_or(-1)
}

/// The 0-based line of the first occurrence of `needle`.
fn line_in(text: &str, needle: &str) -> i64 {
    pos(text, needle, 0)["line"].as_i64().unwrap_or(-1)
}

fn reconnect() -> (PathBuf, String) {
    let path = root().join("tests/fixtures/lsp/reconnect.tree");
    let text = std::fs::read_to_string(&path).expect("reconnect.tree");
    (path, text)
}

#[test]
fn diagnostics_as_you_type_with_codes_help_and_a_quick_fix() {
    let (path, text) = reconnect();
    let mut client = Client::start();
    let uri = client.open(&path, &text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    let typo = text.replacen("-> patterns", "-> patternz", 1);
    client.change(&uri, 2, &typo);
    let diags = client.diagnostics(&uri);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d["code"], "E003");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "guidetree");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("unknown node `patternz`"),
        "{d}"
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("help: did you mean `patterns`?"),
        "{d}"
    );
    assert_eq!(d["range"]["start"], pos(&typo, "patternz", 0));

    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": d["range"], "context": { "diagnostics": [d] } }),
    );
    let action = &actions["result"][0];
    assert_eq!(action["title"], "Change to `patterns`");
    assert_eq!(action["edit"]["changes"][&uri][0]["newText"], "patterns");

    // A syntax error is reported in words, and fixing it clears it.
    let broken = text.replacen("question patterns {", "question patterns", 1);
    client.change(&uri, 3, &broken);
    let diags = client.diagnostics(&uri);
    assert_eq!(diags[0]["code"], "E001", "{diags:#?}");
    client.change(&uri, 4, &text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    assert_eq!(client.stop(), 0);
}

#[test]
fn definition_reaches_nodes_variables_includes_and_hooks() {
    let (path, text) = reconnect();
    let mut client = Client::start();
    let uri = client.open(&path, &text);
    client.diagnostics(&uri);

    let def = client.at(
        "textDocument/definition",
        &uri,
        pos(&text, "-> patterns", 4),
        json!({}),
    );
    assert_eq!(def["uri"], uri);
    assert_eq!(line_of(&def), line_in(&text, "question patterns"));

    let def = client.at(
        "textDocument/definition",
        &uri,
        pos(&text, "set toxic", 5),
        json!({}),
    );
    assert_eq!(line_of(&def), line_in(&text, "var toxic"));

    // Outcome kinds and source tags lead to the header.
    let def = client.at(
        "textDocument/definition",
        &uri,
        pos(&text, "kind stop", 5),
        json!({}),
    );
    assert_eq!(line_of(&def), line_in(&text, "  outcomes stop"));
    let def = client.at(
        "textDocument/definition",
        &uri,
        pos(&text, "  source S0, S2", 9),
        json!({}),
    );
    assert_eq!(line_of(&def), line_in(&text, "source S0 \""));
    // A member leads to its type; hovering it names its variable.
    let def = client.at(
        "textDocument/definition",
        &uri,
        pos(&text, "set harm = violence", 11),
        json!({}),
    );
    assert_eq!(line_of(&def), line_in(&text, "var harm:"));
    let hover = client.at(
        "textDocument/hover",
        &uri,
        pos(&text, "set harm = violence", 11),
        json!({}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .starts_with("member `violence` of `harm`"),
        "{hover}"
    );

    // Into the included file: `silence.no_reply` and the include's path.
    let inc = root().join("tests/fixtures/lsp/no_response.tree");
    let inc_text = std::fs::read_to_string(&inc).expect("no_response.tree");
    let def = client.at(
        "textDocument/definition",
        &uri,
        pos(&text, "silence.no_reply", 9),
        json!({}),
    );
    assert_eq!(def["uri"], self::uri(&inc));
    assert_eq!(line_of(&def), line_in(&inc_text, "no_reply {"));
    let def = client.at(
        "textDocument/definition",
        &uri,
        pos(&text, "\"no_response.tree\"", 3),
        json!({}),
    );
    assert_eq!(def["uri"], self::uri(&inc));

    // A hook call, into the script.
    let script = root().join("tests/fixtures/lsp/reconnect.rhai");
    let script_text = std::fs::read_to_string(&script).expect("reconnect.rhai");
    let def = client.at(
        "textDocument/definition",
        &uri,
        pos(&text, "hook readiness", 6),
        json!({}),
    );
    assert_eq!(def["uri"], self::uri(&script));
    assert_eq!(line_of(&def), line_in(&script_text, "fn readiness("));

    let hover = client.at(
        "textDocument/hover",
        &uri,
        pos(&text, "hook readiness", 6),
        json!({}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("fn readiness(ready, reason)"),
        "{hover}"
    );
    let hover = client.at(
        "textDocument/hover",
        &uri,
        pos(&text, "set toxic", 5),
        json!({}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("var toxic: bool = false"),
        "{hover}"
    );
    let hover = client.at(
        "textDocument/hover",
        &uri,
        pos(&text, "-> patterns", 4),
        json!({}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .starts_with("**question** `patterns`"),
        "{hover}"
    );
    assert_eq!(client.stop(), 0);
}

#[test]
fn rename_and_references_cover_every_use_across_includes() {
    let (path, text) = reconnect();
    let mut client = Client::start();
    let uri = client.open(&path, &text);
    client.diagnostics(&uri);

    let edit = client.at(
        "textDocument/rename",
        &uri,
        pos(&text, "-> patterns", 4),
        json!({ "newName": "toxic_patterns" }),
    );
    let edits = edit["changes"][&uri]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // The definition and every `-> patterns`; the member `patterns` of
    // `harm` is another thing and keeps its name.
    let expected = text.matches("-> patterns").count() + 1;
    assert_eq!(edits.len(), expected, "{edits:#?}");
    assert!(edits.iter().all(|e| e["newText"] == "toxic_patterns"));

    // A node of the included file, renamed from the including one: its
    // definition there and `silence.no_reply` here both change.
    let inc = root().join("tests/fixtures/lsp/no_response.tree");
    let edit = client.at(
        "textDocument/rename",
        &uri,
        pos(&text, "silence.no_reply", 9),
        json!({ "newName": "quiet" }),
    );
    let here = edit["changes"][&uri]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        here.len(),
        text.matches("silence.no_reply").count(),
        "{edit:#}"
    );
    let there = edit["changes"][&self::uri(&inc)]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!there.is_empty(), "{edit:#}");

    let refs = client.at(
        "textDocument/references",
        &uri,
        pos(&text, "var months", 4),
        json!({ "context": { "includeDeclaration": true } }),
    );
    let refs = refs.as_array().cloned().unwrap_or_default();
    assert!(refs.len() >= 3, "{refs:#?}");

    let bad = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": pos(&text, "var months", 4), "newName": "not" }),
    );
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("reserved"),
        "{bad}"
    );
    assert_eq!(client.stop(), 0);
}

#[test]
fn completion_symbols_and_formatting() {
    let (path, text) = reconnect();
    let mut client = Client::start();
    let uri = client.open(&path, &text);
    client.diagnostics(&uri);

    let items = client.at(
        "textDocument/completion",
        &uri,
        pos(&text, "-> patterns", 3),
        json!({}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        labels.contains(&"patterns") && labels.contains(&"silence.no_reply"),
        "{labels:?}"
    );

    // While typing, `-> ` alone does not parse; the ids still come.
    let typing = text.replacen("-> patterns", "-> ", 1);
    client.change(&uri, 2, &typing);
    client.diagnostics(&uri);
    let at = pos(&typing, "none of these\" -> ", 18);
    let items = client.at("textDocument/completion", &uri, at, json!({}));
    let labels: Vec<&str> = items
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        labels.contains(&"patterns") && labels.contains(&"silence.no_reply"),
        "{labels:?}"
    );
    assert!(
        !labels.contains(&"and"),
        "only node ids after `->`: {labels:?}"
    );
    client.change(&uri, 3, &text);
    client.diagnostics(&uri);

    let items = client.at(
        "textDocument/completion",
        &uri,
        pos(&text, "kind stop", 5),
        json!({}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        labels.contains(&"stop") && labels.contains(&"rekindle") && !labels.contains(&"patterns"),
        "{labels:?}"
    );

    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names.first(), Some(&"reconnect"));
    assert!(
        names.contains(&"harm") && names.contains(&"stop_violence"),
        "{names:?}"
    );

    let formatting = client.request("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(
        formatting["result"],
        json!([]),
        "reconnect.tree is formatted already"
    );

    let messy = "tree t \"T\" { start a outcomes k }\noutcome a {kind k   title \"A\"}\n";
    let scratch = root().join("target/lsp-scratch.tree");
    let messy_uri = client.open(&scratch, messy);
    client.diagnostics(&messy_uri);
    let formatting = client.request("textDocument/formatting", json!({ "textDocument": { "uri": messy_uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(
        formatting["result"][0]["newText"],
        "tree t \"T\" {\n  start a\n  outcomes k\n}\n\noutcome a {\n  kind k\n  title \"A\"\n}\n"
    );
    assert_eq!(client.stop(), 0);
}
