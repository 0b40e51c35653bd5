//! Hostile input: whatever the bytes, parse + check returns diagnostics (or a
//! model) and never panics, hangs or overflows the stack; every diagnostic
//! renders. Case counts are kept small enough for a two-core CI machine.

use guidetree::check::{check_with, CheckResult};
use guidetree::diag::{self, Palette};
use guidetree::load::MemoryFs;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const ROOT: &str = "fuzz/root.tree";

/// `PROPTEST_CASES` when set (for a long local run), else the CI default.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Check `text` as a file of its own, in memory.
fn check_text(text: &str) -> CheckResult {
    let fs = MemoryFs::new().with(ROOT, text);
    check_with(&fs, Path::new(ROOT))
}

/// Everything a result promises: failures carry an error, successes only
/// warnings, diagnostics come sorted by position, and every one of them
/// renders (as text and as JSON) without panicking.
fn assert_well_formed(result: &CheckResult) {
    let (diags, sources) = match result {
        Ok(checked) => {
            assert!(checked.warnings.iter().all(|d| !d.is_error()));
            (&checked.warnings, &checked.model.sources)
        }
        Err(failure) => {
            assert!(failure.diagnostics.iter().any(diag::Diagnostic::is_error));
            (&failure.diagnostics, &failure.sources)
        }
    };
    for pair in diags.windows(2) {
        let (a, b) = (pair[0].primary.span, pair[1].primary.span);
        assert!(
            (a.file, a.start) <= (b.file, b.start),
            "not sorted: {diags:?}"
        );
    }
    for d in diags {
        let text = diag::render(d, sources, Palette::plain());
        assert!(text.contains(d.code));
        assert!(serde_json::to_string(&d.to_json(sources)).is_ok());
    }
}

/// The texts that mutations start from: the shipped example tree and every
/// fixture.
fn corpus() -> &'static [String] {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<PathBuf> = vec![root.join("trees/hello.tree")];
        for dir in ["tests/fixtures/syntax", "tests/fixtures/errors"] {
            let entries = std::fs::read_dir(root.join(dir)).expect("fixture folder");
            files.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
        }
        files.sort();
        files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "tree"))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter(|t| !t.is_empty())
            .collect()
    })
}

/// Pieces that tree files are made of, to build plausible nonsense from.
const TOKENS: &[&str] = &[
    "tree",
    "var",
    "include",
    "assert",
    "question",
    "checklist",
    "input",
    "branch",
    "score",
    "info",
    "outcome",
    "text",
    "help",
    "title",
    "source",
    "tags",
    "advice",
    "kind",
    "into",
    "number",
    "range",
    "max",
    "examples",
    "option",
    "item",
    "when",
    "else",
    "set",
    "add",
    "remove",
    "if",
    "start",
    "outcomes",
    "version",
    "script",
    "as",
    "always",
    "never",
    "reachable",
    "visited",
    "hook",
    "count",
    "bool",
    "int",
    "one_of",
    "and",
    "or",
    "not",
    "implies",
    "in",
    "true",
    "false",
    "a",
    "b",
    "x.y",
    "_q",
    "0",
    "7",
    "-3",
    "99999999999999999999",
    "{",
    "}",
    "(",
    ")",
    ",",
    ":",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "->",
    "=>",
    "..=",
    "&&",
    "!",
    "'",
    "\"",
    "\"\"\"",
    "\"s {a} {{b}}\"",
    "\"{\"",
    "\"\\\"",
    "#c",
    "\n",
    "\t",
    "é",
    "\u{0}",
];

/// One edit of a text: delete a slice, duplicate it, or swap two slices.
#[derive(Debug, Clone)]
enum Edit {
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    Swap { a: usize, b: usize, len: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Edit::Duplicate { at, len }),
        (any::<usize>(), any::<usize>(), 1usize..20).prop_map(|(a, b, len)| Edit::Swap {
            a,
            b,
            len
        }),
    ]
}

/// Apply edits to the characters of `text` (so the result stays UTF-8).
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let n = chars.len();
        if n == 0 {
            break;
        }
        match *e {
            Edit::Delete { at, len } => {
                let at = at % n;
                chars.drain(at..(at + len).min(n));
            }
            Edit::Duplicate { at, len } => {
                let at = at % n;
                let piece: Vec<char> = chars[at..(at + len).min(n)].to_vec();
                chars.splice(at..at, piece);
            }
            Edit::Swap { a, b, len } => {
                let (a, b) = (a % n, b % n);
                let (lo, hi) = (a.min(b), a.max(b));
                let len = len.min(hi - lo).min(n - hi);
                for i in 0..len {
                    chars.swap(lo + i, hi + i);
                }
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        assert_well_formed(&check_text(&String::from_utf8_lossy(&bytes)));
    }

    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..120)) {
        assert_well_formed(&check_text(&tokens.join(" ")));
    }

    #[test]
    fn token_soup_after_a_header_never_panics(
        tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..120)
    ) {
        let text = format!("tree t \"T\" {{ start a outcomes done }}\n{}", tokens.join(" "));
        assert_well_formed(&check_text(&text));
        assert_formats(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(512), ..ProptestConfig::default() })]

    #[test]
    fn mutated_trees_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let base = pick.get(corpus());
        let text = apply(base, &edits);
        assert_well_formed(&check_text(&text));
        assert_formats(&text);
    }
}

/// Whatever parses can be formatted (the formatter checks itself that
/// the syntax tree is unchanged), and formatting twice changes nothing.
fn assert_formats(text: &str) {
    if guidetree::syntax::parse(guidetree::source::FileId(0), text).is_err() {
        return;
    }
    let once = guidetree::format::format_source(text)
        .unwrap_or_else(|e| panic!("{e}\n--- input ---\n{text}"));
    let twice = guidetree::format::format_source(&once).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(once, twice, "formatting twice changed the text of:\n{text}");
}

/// A tree whose one branch condition is `condition`.
fn with_condition(condition: &str) -> String {
    format!(
        "tree t \"T\" {{ start b outcomes done }}\nvar a: bool = false\n\
         branch b {{\n  when {condition} -> o\n  else -> o\n}}\n\
         outcome o {{ kind done title \"Done\" }}\n"
    )
}

/// The codes a result reports.
fn codes(result: &CheckResult) -> Vec<&'static str> {
    match result {
        Ok(checked) => checked.warnings.iter().map(|d| d.code).collect(),
        Err(failure) => failure.diagnostics.iter().map(|d| d.code).collect(),
    }
}

#[test]
fn ten_thousand_open_parentheses_are_an_error() {
    let result = check_text(&with_condition(&"(".repeat(10_000)));
    assert_eq!(codes(&result), ["E017"]);
    assert_well_formed(&result);
}

#[test]
fn ten_thousand_balanced_parentheses_are_an_error() {
    let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(codes(&check_text(&with_condition(&deep))), ["E017"]);
}

#[test]
fn a_hundred_thousand_nots_are_an_error() {
    let result = check_text(&with_condition(&format!("{}a", "not ".repeat(100_000))));
    assert_eq!(codes(&result), ["E017"]);
    assert_well_formed(&result);
}

#[test]
fn a_hundred_thousand_terms_are_an_error() {
    let terms = vec!["a"; 100_000].join(" and ");
    let result = check_text(&with_condition(&terms));
    assert_eq!(codes(&result), ["E017"]);
    assert_well_formed(&result);
}

#[test]
fn deep_braces_are_an_error() {
    let text = format!("tree t \"T\" {}", "{".repeat(10_000));
    assert_eq!(codes(&check_text(&text)), ["E017"]);
}

/// The deepest expressions the limits allow check fine on a test thread's
/// small stack: recursion in the lowering and the checker is bounded.
#[test]
fn the_deepest_allowed_expressions_check() {
    let limit = guidetree::syntax::MAX_OPERATORS;
    let nested = guidetree::syntax::MAX_NESTING - 1;
    let cases = [
        format!("{}a", "not ".repeat(limit)),
        vec!["a"; limit + 1].join(" implies "),
        vec!["a"; limit + 1].join(" or "),
        format!("{}a{}", "(not ".repeat(nested), ")".repeat(nested)),
        format!("{}1 > 0", "-".repeat(limit - 1)),
    ];
    for condition in cases {
        let result = check_text(&with_condition(&condition));
        assert!(result.is_ok(), "{condition:.40}…: {:?}", codes(&result));
    }
    let over = check_text(&with_condition(&format!("{}a", "not ".repeat(limit + 1))));
    assert_eq!(codes(&over), ["E017"]);
}

#[test]
fn includes_nested_too_deep_are_an_error() {
    let mut fs = MemoryFs::new();
    for i in 0..40 {
        fs = fs.with(
            format!("fuzz/f{i}.tree"),
            format!(
                "tree f{i} \"F\" {{ start o outcomes done }}\ninclude \"f{}.tree\" as n\n\
                 outcome o {{ kind done title \"Done\" }}\n",
                i + 1
            ),
        );
    }
    let result = check_with(&fs, Path::new("fuzz/f0.tree"));
    assert!(codes(&result).contains(&"E031"), "{:?}", codes(&result));
    assert_well_formed(&result);
}
