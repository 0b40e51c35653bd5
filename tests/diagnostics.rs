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

/// The codes of the errors a tree gets, or none when it checks.
fn error_codes(src: &str) -> Vec<String> {
    let fs = guidetree::load::MemoryFs::new().with("t.tree", src);
    match guidetree::check::check_with(&fs, Path::new("t.tree")) {
        Ok(_) => Vec::new(),
        Err(failure) => failure
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect(),
    }
}

#[test]
fn the_smallest_int_is_a_literal_anywhere() {
    let tree = |literal: &str| {
        format!(
            "tree t \"T\" {{ start q outcomes done }}\n\
             var n: int = -9223372036854775808\n\
             question q {{ text \"Q\" option x \"X\" if n == {literal} -> end option y \"Y\" -> end }}\n\
             outcome end {{ kind done title \"Done\" }}\n"
        )
    };
    assert_eq!(
        error_codes(&tree("-9223372036854775808")),
        Vec::<String>::new()
    );
    assert_eq!(
        error_codes(&tree("- 9223372036854775808 * 1")),
        Vec::<String>::new()
    );
    // One past the largest int, without a minus, is too large.
    assert_eq!(error_codes(&tree("9223372036854775808")), ["E015"]);
    assert_eq!(error_codes(&tree("1 - 9223372036854775808")), ["E015"]);
}

#[test]
fn choices_declared_alike_are_one_type() {
    let tree = |second: &str| {
        format!(
            "tree t \"T\" {{ start q outcomes done }}\n\
             var goal: one_of(closure, rekindle)\n\
             var hope: {second}\n\
             question q {{ text \"Q\" option x \"X\" {{ set hope = goal }} -> end option y \"Y\" if hope == goal -> end }}\n\
             outcome end {{ kind done title \"Done\" }}\n"
        )
    };
    assert_eq!(
        error_codes(&tree("one_of(closure, rekindle)")),
        Vec::<String>::new()
    );
    assert_eq!(
        error_codes(&tree("one_of(rekindle, closure)")),
        ["E005", "E005"]
    );
    assert_eq!(
        error_codes(&tree("set(closure, rekindle)")),
        ["E005", "E005"]
    );
}
