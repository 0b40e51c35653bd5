//! The tree examples in `docs/*.md` and `README.md` are tested, so the
//! documentation can never drift from the parser and checker. The
//! conventions (plain `tree` blocks, `fragment`, `file=`, `error=`) are
//! described at the end of docs/language.md.

use crate::common::rendered;
use guidetree::check::{check_with, CheckResult};
use guidetree::load::MemoryFs;
use guidetree::source::FileId;
use guidetree::syntax;
use std::path::{Path, PathBuf};

/// One fenced ```tree block.
struct Block {
    /// `docs/language.md:120`, for messages.
    place: String,
    /// What the info string asks for.
    kind: Kind,
    text: String,
}

#[derive(Debug, PartialEq)]
enum Kind {
    /// A complete tree that checks clean.
    Complete,
    /// A complete tree registered under a file name for the others.
    File(String),
    /// A piece of a tree that must parse.
    Fragment,
    /// A complete tree that must report this code.
    Reports(String),
}

/// Every ```tree block of a Markdown text.
fn blocks(name: &str, markdown: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```tree") else {
            continue;
        };
        let kind = match info.trim() {
            "" => Kind::Complete,
            "fragment" => Kind::Fragment,
            other => match other.split_once('=') {
                Some(("file", file)) => Kind::File(file.to_string()),
                Some(("error" | "warning", code)) => Kind::Reports(code.to_string()),
                _ => panic!("{name}:{}: unknown tree block kind `{other}`", number + 1),
            },
        };
        let text: Vec<&str> = lines
            .by_ref()
            .map(|(_, l)| l)
            .take_while(|l| l.trim_start() != "```")
            .collect();
        found.push(Block {
            place: format!("{name}:{}", number + 1),
            kind,
            text: text.join("\n") + "\n",
        });
    }
    found
}

/// The Markdown files whose examples are tested.
fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    if let Ok(entries) = std::fs::read_dir(root.join("docs")) {
        files.extend(
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "md")),
        );
    }
    files.sort();
    files
}

fn codes(result: &CheckResult) -> Vec<&'static str> {
    match result {
        Ok(checked) => checked.warnings.iter().map(|d| d.code).collect(),
        Err(failure) => failure.diagnostics.iter().map(|d| d.code).collect(),
    }
}

/// Check one block; a problem is returned as a message.
fn verify(block: &Block, fs: &MemoryFs, path: &Path) -> Result<(), String> {
    match &block.kind {
        Kind::Complete | Kind::File(_) => {
            let result = check_with(fs, path);
            let clean = matches!(&result, Ok(checked) if checked.warnings.is_empty());
            if clean {
                Ok(())
            } else {
                Err(format!("does not check clean:\n{}", rendered(&result)))
            }
        }
        Kind::Reports(code) => {
            let result = check_with(fs, path);
            if codes(&result).contains(&code.as_str()) {
                Ok(())
            } else {
                Err(format!("does not report {code}:\n{}", rendered(&result)))
            }
        }
        Kind::Fragment => {
            let text = if block.text.trim_start().starts_with("tree ") {
                block.text.clone()
            } else {
                format!("tree fragment \"A fragment\" {{ }}\n{}", block.text)
            };
            syntax::parse(FileId(0), &text)
                .map(|_| ())
                .map_err(|diags| format!("does not parse: {diags:#?}"))
        }
    }
}

#[test]
fn every_tree_example_in_the_docs_is_valid() {
    let mut problems = Vec::new();
    let mut count = 0;
    for doc in documents() {
        let Ok(markdown) = std::fs::read_to_string(&doc) else {
            continue;
        };
        let name = doc
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(&doc)
            .display()
            .to_string();
        let blocks = blocks(&name, &markdown);
        // Files named with `file=` can be included by the page's other blocks.
        let mut fs = MemoryFs::new();
        for block in &blocks {
            if let Kind::File(file) = &block.kind {
                fs = fs.with(Path::new("docs").join(file), block.text.clone());
            }
        }
        for (i, block) in blocks.iter().enumerate() {
            let path = match &block.kind {
                Kind::File(file) => Path::new("docs").join(file),
                _ => Path::new("docs").join(format!("example_{i}.tree")),
            };
            let fs = fs.clone().with(&path, block.text.clone());
            count += 1;
            if let Err(problem) = verify(block, &fs, &path) {
                problems.push(format!("{}: {problem}", block.place));
            }
        }
    }
    assert!(count >= 10, "only {count} tree examples found");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn block_kinds_are_read_from_the_info_string() {
    let md = "text\n```tree\na\n```\n```tree fragment\nb\n```\n```tree file=x.tree\nc\n```\n```tree error=E003\nd\n```\n```text\ne\n```\n";
    let found = blocks("t.md", md);
    let kinds: Vec<&Kind> = found.iter().map(|b| &b.kind).collect();
    assert_eq!(
        kinds,
        [
            &Kind::Complete,
            &Kind::Fragment,
            &Kind::File("x.tree".into()),
            &Kind::Reports("E003".into())
        ]
    );
    assert_eq!(found[0].text, "a\n");
    assert_eq!(found[0].place, "t.md:2");
}

/// The header put in front of a fragment that has none, as formatted.
const FRAGMENT_HEADER: &str = "tree fragment \"A fragment\" {\n}\n\n";

/// A block's text as `guidetree fmt` lays it out, when it parses.
fn formatted(block: &Block) -> Option<String> {
    if block.kind == Kind::Fragment && !block.text.trim_start().starts_with("tree ") {
        let whole = format!("tree fragment \"A fragment\" {{ }}\n{}", block.text);
        let out = guidetree::format::format_source(&whole).ok()?;
        return out.strip_prefix(FRAGMENT_HEADER).map(str::to_string);
    }
    guidetree::format::format_source(&block.text).ok()
}

#[test]
fn every_tree_example_in_the_docs_is_formatted() {
    let mut problems = Vec::new();
    let mut count = 0;
    for doc in documents() {
        let Ok(markdown) = std::fs::read_to_string(&doc) else {
            continue;
        };
        let name = doc.file_name().unwrap_or_default().to_string_lossy();
        for block in blocks(&name, &markdown) {
            let Some(tidy) = formatted(&block) else {
                continue;
            };
            count += 1;
            if tidy != block.text {
                problems.push(format!(
                    "{}:\n{}",
                    block.place,
                    guidetree::cmd::fmt::diff(Path::new(&block.place), &block.text, &tidy)
                ));
            }
        }
    }
    assert!(count >= 10, "only {count} tree examples formatted");
    assert!(
        problems.is_empty(),
        "format these examples as `guidetree fmt` would:\n{}",
        problems.join("\n")
    );
}
