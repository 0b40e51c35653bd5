//! Every JSON output is checked against its published JSON Schema in
//! `docs/schemas/`, on real runs of the binary: the schemas are the
//! contract tools rely on, so output and schema must not drift apart.

use crate::common::chain_tree;
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

/// Run the binary, check its exit code, and parse and validate its stdout.
fn valid_run(validator: &jsonschema::Validator, args: &[&str], code: i32) -> Value {
    let (got, out) = guidetree(args, "");
    assert_eq!(got, code, "{args:?} exits {code}: {out}");
    let doc = json(&out);
    assert_valid(validator, &doc, &format!("{args:?}"));
    doc
}

/// Every string the documents hold at `field`, anywhere in them.
fn strings_at(doc: &Value, field: &str, found: &mut Vec<String>) {
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                if k == field {
                    if let Some(s) = v.as_str() {
                        found.push(s.to_string());
                    }
                }
                strings_at(v, field, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| strings_at(v, field, found)),
        _ => {}
    }
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

#[test]
fn test_json_matches_its_schema_for_every_verdict() {
    let validator = schema("test.schema.json");
    let doc = valid_run(
        &validator,
        &[
            "test",
            "--format",
            "json",
            "trees/hello.tree",
            "tests/fixtures/explore/err_always.tree",
            "tests/fixtures/explore/err_reachable.tree",
            "tests/fixtures/explore/err_stuck.tree",
            "tests/fixtures/explore/loop.tree",
            "tests/fixtures/explore/hooks/printing.tree",
            "tests/fixtures/schemas/sampled.tree",
            "tests/fixtures/schemas/assert_hook.tree",
            "tests/fixtures/errors/err_e003_unknown_target.tree",
        ],
        1,
    );
    assert_eq!(doc["passed"], false);
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 9);
    let mut verdicts = Vec::new();
    strings_at(&doc, "verdict", &mut verdicts);
    for v in ["proven", "held", "failed", "unreached"] {
        assert!(verdicts.iter().any(|s| s == v), "some assert is {v}");
    }
    // The variants the schema allows, each seen at least once.
    let any = |f: &dyn Fn(&Value) -> bool| files.iter().any(f);
    assert!(any(&|f| !f["stuck"].is_null()), "a stuck path");
    assert!(any(&|f| f["error"].is_object()), "a failing path");
    assert!(any(&|f| !f["cut"].is_null()), "a cut path");
    assert!(any(&|f| f["samples"]
        .as_array()
        .is_some_and(|s| !s.is_empty())));
    assert!(any(&|f| f["asserts"][0]["counterexample"]["log"].is_array()));
    assert!(any(&|f| f["asserts"][0]["error"].is_string()));
    assert!(any(&|f| f["asserts"][0]["nearest"].is_string()));
    assert!(any(&|f| f["error"] == "the tree does not check"));
    assert_eq!(files[6]["proven"], false);
    assert_eq!(files[6]["samples"][0]["node"], "age");

    let doc = valid_run(
        &validator,
        &[
            "test",
            "--format",
            "json",
            "--max-states",
            "1",
            "trees/hello.tree",
        ],
        1,
    );
    assert!(doc["files"][0]["error"]
        .as_str()
        .unwrap()
        .contains("--max-states"));
    let doc = valid_run(
        &validator,
        &["test", "--format", "json", "trees/hello.tree"],
        0,
    );
    assert_eq!(doc["passed"], true);
}

#[test]
fn mutants_json_matches_its_schema_for_every_fate() {
    let validator = schema("mutants.schema.json");
    let doc = valid_run(
        &validator,
        &[
            "test",
            "--mutants",
            "--format",
            "json",
            "tests/fixtures/mutants/small.tree",
            "tests/fixtures/mutants/loop.tree",
            "tests/fixtures/mutants/err_fails_first.tree",
            "tests/fixtures/errors/err_e003_unknown_target.tree",
        ],
        1,
    );
    let mut fates = Vec::new();
    strings_at(&doc, "fate", &mut fates);
    for f in ["killed", "survived", "refused"] {
        assert!(fates.iter().any(|s| s == f), "some mutant is {f}");
    }
    let mut changes = Vec::new();
    strings_at(&doc, "change", &mut changes);
    for c in [
        "retarget",
        "drop-effect",
        "negate",
        "swap-arms",
        "outcome-kind",
        "remove-option",
    ] {
        assert!(changes.iter().any(|s| s == c), "some mutant is a {c}");
    }
    let files = doc["files"].as_array().unwrap();
    assert!(files[2]["error"].as_str().unwrap().contains("own test"));
    assert_eq!(files[3]["error"], "the tree does not check");
}

#[test]
fn paths_json_matches_its_schemas() {
    let listing = schema("paths.schema.json");
    let doc = valid_run(
        &listing,
        &[
            "paths",
            "--format",
            "json",
            "tests/fixtures/explore/err_stuck.tree",
        ],
        1,
    );
    let mut kinds = Vec::new();
    for p in doc["paths"].as_array().unwrap() {
        kinds.push(p["end"]["kind"].as_str().unwrap().to_string());
    }
    kinds.sort();
    assert_eq!(kinds, ["error", "outcome", "stuck"]);
    let doc = valid_run(
        &listing,
        &[
            "paths",
            "--format",
            "json",
            "tests/fixtures/explore/loop.tree",
        ],
        0,
    );
    assert!(doc["paths"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["end"]["kind"] == "cut"));
    let doc = valid_run(
        &listing,
        &[
            "paths",
            "--format",
            "json",
            "--limit",
            "3",
            "trees/hello.tree",
        ],
        0,
    );
    assert_eq!(doc["limited"], true);
    assert!(
        doc["paths"][0]["answers"][0]["answer"].is_null(),
        "an info step"
    );
    let doc = valid_run(
        &listing,
        &[
            "paths",
            "--format",
            "json",
            "--tag",
            "no_contact",
            "trees/no_response.tree",
        ],
        0,
    );
    assert_eq!(doc["tag"], "no_contact");
    assert!(doc["listed"].as_u64() > Some(0));
    assert!(doc["paths"][0]["tags"]
        .as_array()
        .unwrap()
        .contains(&Value::from("no_contact")));

    let sample = schema("paths-sample.schema.json");
    for args in [
        &[
            "paths",
            "--sample",
            "5",
            "--format",
            "json",
            "trees/hello.tree",
        ][..],
        &[
            "paths",
            "--sample",
            "3",
            "--seed",
            "7",
            "--tag",
            "no_contact",
            "--format",
            "json",
            "trees/no_response.tree",
        ],
        &[
            "paths",
            "--sample",
            "4",
            "--format",
            "json",
            "tests/fixtures/explore/err_stuck.tree",
        ],
    ] {
        let doc = valid_run(&sample, args, 0);
        assert!(!doc["paths"].as_array().unwrap().is_empty());
    }

    let answers = schema("answers.schema.json");
    for args in [
        &["paths", "--to", "rest_break", "trees/hello.tree"][..],
        &[
            "paths",
            "--to",
            "walk",
            "--format",
            "json",
            "trees/hello.tree",
        ],
    ] {
        let doc = valid_run(&answers, args, 0);
        assert!(doc["enjoys"].is_array() && doc["time"].is_i64());
        assert!(doc["how_tired"].is_string());
    }
}

#[test]
fn paths_count_json_matches_its_schema_even_past_u128() {
    let validator = schema("paths-count.schema.json");
    for args in [
        &["paths", "--count", "--format", "json", "trees/hello.tree"][..],
        &[
            "paths",
            "--count",
            "--format",
            "json",
            "--tag",
            "no_contact",
            "trees/no_response.tree",
        ],
        &[
            "paths",
            "--count",
            "--format",
            "json",
            "tests/fixtures/schemas/sampled.tree",
        ],
        &[
            "paths",
            "--count",
            "--format",
            "json",
            "tests/fixtures/explore/err_stuck.tree",
        ],
    ] {
        valid_run(&validator, args, 0);
    }
    let dir = tempfile::tempdir().unwrap();
    let (big, huge) = (dir.path().join("big.tree"), dir.path().join("huge.tree"));
    std::fs::write(&big, chain_tree(60)).unwrap();
    std::fs::write(&huge, chain_tree(130)).unwrap();
    let doc = valid_run(
        &validator,
        &[
            "paths",
            "--count",
            "--format",
            "json",
            big.to_str().unwrap(),
        ],
        0,
    );
    assert_eq!(doc["paths"], (1u128 << 60).to_string(), "text past 2^53");
    assert_eq!(doc["per_node"]["q0"], (1u128 << 60).to_string());
    let doc = valid_run(
        &validator,
        &[
            "paths",
            "--count",
            "--format",
            "json",
            huge.to_str().unwrap(),
        ],
        0,
    );
    assert_eq!(
        doc["paths"],
        format!("more than {}", u128::MAX),
        "past u128, says so"
    );
    let tests = schema("test.schema.json");
    let doc = valid_run(
        &tests,
        &["test", "--format", "json", huge.to_str().unwrap()],
        0,
    );
    assert!(doc["files"][0]["totals"]["paths"].is_string());
}

#[test]
fn diff_json_matches_its_schema_for_every_change_kind() {
    let validator = schema("diff.schema.json");
    let pairs = [
        (
            "tests/fixtures/explore/diff/old.tree",
            "tests/fixtures/explore/diff/new.tree",
        ),
        (
            "tests/fixtures/schemas/diff_old.tree",
            "tests/fixtures/schemas/diff_values.tree",
        ),
        (
            "tests/fixtures/schemas/diff_old.tree",
            "tests/fixtures/schemas/diff_start.tree",
        ),
        (
            "tests/fixtures/explore/diff/old.tree",
            "tests/fixtures/explore/diff/old.tree",
        ),
    ];
    let mut kinds = Vec::new();
    for (old, new) in pairs {
        let doc = valid_run(&validator, &["diff", "--format", "json", old, new], 0);
        assert_eq!(doc["old_file"], old);
        for c in doc["changes"].as_array().unwrap() {
            kinds.push(c["kind"].as_str().unwrap().to_string());
        }
        valid_run(
            &validator,
            &["diff", "--stat", "--format", "json", old, new],
            0,
        );
    }
    kinds.sort();
    kinds.dedup();
    assert_eq!(
        kinds,
        ["ending", "leads", "offered", "start", "values", "words"]
    );
}

#[test]
fn the_new_schemas_reject_what_they_should() {
    let run = |args: &[&str]| json(&guidetree(args, "").1);
    let refused = |name: &str, doc: &Value, what: &str| {
        assert!(!schema(name).is_valid(doc), "{name}: {what} is refused");
    };

    let doc = run(&[
        "test",
        "--format",
        "json",
        "tests/fixtures/explore/err_always.tree",
    ]);
    let mut bad = doc.clone();
    bad["files"][0]["asserts"][0]["verdict"] = Value::from("maybe");
    refused("test.schema.json", &bad, "an unknown verdict");
    let mut bad = doc.clone();
    bad["files"][0]["asserts"][0]
        .as_object_mut()
        .unwrap()
        .remove("counterexample");
    refused(
        "test.schema.json",
        &bad,
        "a failed assert without a counterexample",
    );
    let mut bad = doc.clone();
    bad["files"][0]["totals"]["paths"] = Value::from("lots");
    refused("test.schema.json", &bad, "a count that is not a number");
    let mut bad = doc;
    bad["files"][0]["extra"] = Value::from(1);
    refused("test.schema.json", &bad, "an unknown field");

    let doc = run(&[
        "test",
        "--mutants",
        "--format",
        "json",
        "tests/fixtures/mutants/loop.tree",
    ]);
    let mut bad = doc.clone();
    bad["files"][0]["results"][0]["change"] = Value::from("shuffle");
    refused("mutants.schema.json", &bad, "an unknown change");
    let mut bad = doc;
    let results = bad["files"][0]["results"].as_array_mut().unwrap();
    let survived = results
        .iter_mut()
        .find(|r| r["fate"] == "survived")
        .unwrap();
    survived["detail"] = Value::from("why");
    refused("mutants.schema.json", &bad, "a survivor with a detail");

    let doc = run(&[
        "paths",
        "--format",
        "json",
        "tests/fixtures/explore/err_stuck.tree",
    ]);
    let mut bad = doc.clone();
    bad["paths"][0]["end"]["kind"] = Value::from("outcome");
    refused("paths.schema.json", &bad, "an outcome without its kind");
    let mut bad = doc;
    bad["paths"][0]["id"] = Value::from("x1");
    refused("paths.schema.json", &bad, "a malformed path id");

    let mut bad = run(&[
        "paths",
        "--sample",
        "2",
        "--format",
        "json",
        "trees/hello.tree",
    ]);
    bad["paths"][0].as_object_mut().unwrap().remove("tags");
    refused("paths-sample.schema.json", &bad, "a path without tags");

    let mut bad = run(&["paths", "--count", "--format", "json", "trees/hello.tree"]);
    bad["per_option"]["feeling"]["calm"] = Value::from(-1);
    refused("paths-count.schema.json", &bad, "a negative count");

    let mut bad = run(&["paths", "--to", "walk", "trees/hello.tree"]);
    bad["time"] = Value::from(true);
    refused("answers.schema.json", &bad, "a boolean answer");

    let mut bad = run(&[
        "diff",
        "--format",
        "json",
        "tests/fixtures/explore/diff/old.tree",
        "tests/fixtures/explore/diff/new.tree",
    ]);
    bad["changes"][0]["kind"] = Value::from("moved");
    refused("diff.schema.json", &bad, "an unknown change kind");
    let leads = bad["changes"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["kind"] == "leads")
        .unwrap();
    leads["answer"] = Value::Null;
    bad["changes"][0]["kind"] = Value::from("words");
    refused(
        "diff.schema.json",
        &bad,
        "a leads change without its answer",
    );
}
