//! Checker fixtures: every `tests/fixtures/errors/err_<code>_<what>.tree`
//! is checked from disk and its diagnostics, rendered without colour, are a
//! snapshot. The code in the file name must be among them, so each fixture
//! provably shows what it is named for.

use crate::common::relative;
use guidetree::check::check_path;
use guidetree::diag::{self, Diagnostic, Palette, CODES};
use guidetree::source::Sources;
use std::path::Path;

/// Check a file and return its diagnostics with the sources to render them.
fn diagnose(path: &Path) -> (Vec<Diagnostic>, Sources) {
    match check_path(path) {
        Ok(checked) => (checked.warnings, checked.model.sources),
        Err(failure) => (failure.diagnostics, failure.sources),
    }
}

/// `E003` from `err_e003_unknown_target.tree`.
fn code_in_name(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    stem.split('_').nth(1).unwrap_or("").to_uppercase()
}

#[test]
fn error_fixtures_render_as_expected() {
    insta::glob!("fixtures/errors/err_*.tree", |path| {
        let path = relative(path);
        let (diags, sources) = diagnose(&path);
        let code = code_in_name(&path);
        assert!(
            diags.iter().any(|d| d.code == code),
            "{} is named for {code} but reports {:?}",
            path.display(),
            diags.iter().map(|d| d.code).collect::<Vec<_>>()
        );
        let sorted = diags.windows(2).all(|w| {
            let (a, b) = (&w[0].primary.span, &w[1].primary.span);
            (a.file, a.start) <= (b.file, b.start)
        });
        assert!(
            sorted,
            "diagnostics of {} are not in source order",
            path.display()
        );
        let rendered: Vec<String> = diags
            .iter()
            .map(|d| diag::render(d, &sources, Palette::plain()))
            .collect();
        insta::assert_snapshot!(rendered.join("\n"));
    });
}

#[test]
fn every_code_appears_in_a_snapshot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut text = String::new();
    for entry in std::fs::read_dir(&dir).expect("tests/snapshots exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_some_and(|e| e == "snap") {
            text.push_str(&std::fs::read_to_string(&path).expect("snapshot is text"));
        }
    }
    let missing: Vec<&str> = CODES
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| {
            !text.contains(&format!("error[{code}]"))
                && !text.contains(&format!("warning[{code}]"))
                && !text.contains(&format!("\"code\": \"{code}\""))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "codes never shown in a snapshot: {missing:?}"
    );
}

#[test]
fn every_code_has_a_fixture_named_for_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors");
    let named: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures exist")
        .filter_map(|e| e.ok().map(|e| code_in_name(&e.path())))
        .collect();
    // Codes from E020 on belong to hook scripts, which have fixtures of
    // their own; their snapshots are covered by the test above.
    let language_codes = CODES
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| code[1..].parse::<u32>().is_ok_and(|n| n < 20));
    for code in language_codes {
        assert!(
            named.iter().any(|n| n == code),
            "no err_{}_*.tree fixture",
            code.to_lowercase()
        );
    }
}
