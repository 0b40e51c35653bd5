//! Every JSON output is checked against its published JSON Schema in
//! `docs/schemas/`, on real runs of the binary: the schemas are the
//! contract tools rely on, so output and schema must not drift apart.

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

/// A schema from `docs/schemas/`, compiled.
fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/schemas")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("the schema exists");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

/// Run the binary from the package root; return (exit code, stdout).
fn guidetree(args: &[&str], stdin: &str) -> (i32, String) {
    let mut child = crate::common::guidetree()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin takes the input");
    let out = child.wait_with_output().expect("the binary ends");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
    )
}

/// Fail with every schema violation, each with where it is.
fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let problems: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        problems.is_empty(),
        "{what} does not match its schema:\n{}",
        problems.join("\n")
    );
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn check_json_matches_its_schema_with_one_entry_per_file() {
    let validator = schema("check.schema.json");
    let files = [
        "tests/fixtures/syntax/complete.tree",
        "tests/fixtures/errors/err_e003_unknown_target.tree",
        "tests/fixtures/errors/err_w001_unused_variable.tree",
        "tests/fixtures/errors/err_e005_parameter_type.tree",
        "tests/fixtures/errors/err_e016_empty.tree",
    ];
    let mut args = vec!["check", "--format", "json"];
    args.extend(files);
    let (code, out) = guidetree(&args, "");
    assert_eq!(code, 1);
    let doc = json(&out);
    assert_valid(&validator, &doc, "check --format json");
    let entries = doc["files"].as_array().expect("files is an array");
    let statuses: Vec<(&str, &str)> = entries
        .iter()
        .map(|f| (f["file"].as_str().unwrap(), f["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            (files[0], "ok"),
            (files[1], "failed"),
            (files[2], "ok"),
            (files[3], "failed"),
            (files[4], "failed"),
        ]
    );
    let per_file: usize = entries
        .iter()
        .map(|f| f["diagnostics"].as_array().unwrap().len())
        .sum();
    assert_eq!(per_file, doc["diagnostics"].as_array().unwrap().len());
    assert_eq!(entries[2]["errors"], 0);
    assert!(entries[2]["warnings"].as_u64() > Some(0));
    assert_eq!(doc["status"], "failed");

    let (code, out) = guidetree(
        &["check", "--format", "json", "--deny-warnings", files[2]],
        "",
    );
    assert_eq!(code, 1);
    let doc = json(&out);
    assert_valid(&validator, &doc, "check --format json --deny-warnings");
    assert_eq!(doc["files"][0]["status"], "failed");

    let (code, out) = guidetree(&["check", "--format", "json", files[0]], "");
    assert_eq!(code, 0);
    let doc = json(&out);
    assert_valid(&validator, &doc, "a clean check");
    assert_eq!(doc["status"], "ok");
}

#[test]
fn transcripts_match_their_schema() {
    let validator = schema("transcript.schema.json");
    let runs: [(&[&str], &str); 5] = [
        (&["run", "--json", "trees/hello.tree"], "2\n1\n45\n1,2\n"),
        (&["run", "--json", "trees/hello.tree"], "2\n:quit\n"),
        (&["run", "--json", "trees/hello.tree"], "2\n"),
        (&["run", "--json", "tests/fixtures/run/debug.tree"], "2\n"),
        (&["run", "--json", "tests/fixtures/run/reasons.tree"], "1\n"),
    ];
    for (args, stdin) in runs {
        let (_, out) = guidetree(args, stdin);
        let doc = json(&out);
        assert_valid(&validator, &doc, &format!("{args:?} with {stdin:?}"));
    }
}

#[test]
fn the_schemas_reject_what_they_should() {
    let transcript = schema("transcript.schema.json");
    let (_, out) = guidetree(&["run", "--json", "trees/hello.tree"], "2\n1\n45\n1,2\n");
    let mut doc = json(&out);
    doc["status"] = Value::from("done");
    assert!(!transcript.is_valid(&doc), "an unknown status is refused");
    let mut doc = json(&out);
    doc["steps"][0].as_object_mut().unwrap().remove("tags");
    assert!(!transcript.is_valid(&doc), "a step without tags is refused");
    let check = schema("check.schema.json");
    let (_, out) = guidetree(
        &[
            "check",
            "--format",
            "json",
            "tests/fixtures/errors/err_e003_unknown_target.tree",
        ],
        "",
    );
    let mut doc = json(&out);
    doc["files"][0]["diagnostics"][0]["code"] = Value::from("X1");
    assert!(!check.is_valid(&doc), "a malformed code is refused");
}
