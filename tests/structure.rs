//! The shape of the source code, measured over `src/**/*.rs`: no file over
//! [`MAX_FILE_LINES`] lines, and a median function of at most
//! [`MAX_MEDIAN_FN_LINES`] lines.
//!
//! How functions are counted: every `fn` with a body, parsed with `syn`
//! (free functions, methods, trait methods with a default body, and `fn`s
//! nested inside other items or functions, test functions included;
//! closures and bodiless trait or extern declarations are not functions
//! here). A function's length runs from the line of its `fn` keyword to the
//! line of its closing brace, inclusive, so attributes and doc comments
//! above it do not count and a one-line `fn f() {}` is 1 line. A file's
//! length is its number of lines.
//!
//! `cargo test --test integration structure -- --nocapture` prints the
//! figures.

use crate::common::root;
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// No file in `src/` may be longer.
const MAX_FILE_LINES: usize = 800;
/// The median function may be no longer.
const MAX_MEDIAN_FN_LINES: usize = 10;

/// Every `.rs` file under `dir`, recursively, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Collects the length in lines of every function with a body.
#[derive(Default)]
struct FnLengths(Vec<usize>);

impl FnLengths {
    fn record(&mut self, fn_token: &syn::token::Fn, body: &syn::Block) {
        let first = fn_token.span.start().line;
        let last = body.brace_token.span.close().end().line;
        self.0.push(last + 1 - first);
    }
}

impl<'ast> Visit<'ast> for FnLengths {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.record(&f.sig.fn_token, &f.block);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.record(&f.sig.fn_token, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(body) = &f.default {
            self.record(&f.sig.fn_token, body);
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
}

/// What was measured.
struct Figures {
    /// (lines, file relative to the package root), longest first.
    files: Vec<(usize, PathBuf)>,
    /// The length of every function, sorted.
    functions: Vec<usize>,
}

impl Figures {
    fn measure() -> Figures {
        let mut files = Vec::new();
        let mut lengths = FnLengths::default();
        for path in rust_files(&root().join("src")) {
            let text = std::fs::read_to_string(&path).expect("a source file is UTF-8");
            let name = crate::common::relative(&path);
            let parsed =
                syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", name.display()));
            lengths.visit_file(&parsed);
            files.push((text.lines().count(), name));
        }
        files.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        lengths.0.sort_unstable();
        Figures {
            files,
            functions: lengths.0,
        }
    }

    /// The median function length (the mean of the middle two for an even
    /// count).
    fn median(&self) -> f64 {
        let n = self.functions.len();
        assert!(n > 0, "no function found in src/");
        let mid = self.functions[n / 2] as f64;
        if n % 2 == 1 {
            mid
        } else {
            (self.functions[n / 2 - 1] as f64 + mid) / 2.0
        }
    }

    fn too_long(&self) -> Vec<String> {
        self.files
            .iter()
            .filter(|(lines, _)| *lines > MAX_FILE_LINES)
            .map(|(lines, name)| format!("{} ({lines} lines)", name.display()))
            .collect()
    }

    fn print(&self) {
        let total: usize = self.files.iter().map(|f| f.0).sum();
        println!("src/: {} files, {total} lines", self.files.len());
        println!("largest files:");
        for (lines, name) in self.files.iter().take(10) {
            println!("  {lines:>5}  {}", name.display());
        }
        let over = self.too_long().len();
        println!("files over {MAX_FILE_LINES} lines: {over}");
        let n = self.functions.len();
        let longest = self.functions.last().copied().unwrap_or(0);
        let over10 = self.functions.iter().filter(|&&l| l > 10).count();
        println!(
            "functions with a body: {n}; median {:.1} lines; longest {longest}; over 10 lines: {over10}",
            self.median()
        );
    }
}

/// The counting itself, on code with every kind of function in it.
#[test]
fn function_lengths_count_from_fn_to_closing_brace() {
    let code = r#"
        /// Doc lines and attributes do not count.
        #[inline]
        fn one() {}
        struct S;
        impl S {
            fn three(&self) -> u8 {
                let f = |x: u8| { x + 1 }; // a closure is not counted
                f(1) }
        }
        trait T {
            fn declared(&self);
            fn defaulted(&self) {
                fn nested() {
                }
            }
        }
        extern "C" { fn elsewhere(); }
        const S: &str = "fn not_a_function() {}";
    "#;
    let mut lengths = FnLengths::default();
    lengths.visit_file(&syn::parse_file(code).expect("parses"));
    lengths.0.sort_unstable();
    assert_eq!(lengths.0, [1, 2, 3, 4]);
    let figures = Figures {
        files: Vec::new(),
        functions: lengths.0,
    };
    assert_eq!(figures.median(), 2.5);
}

/// The limits the code is held to.
#[test]
fn source_files_and_functions_are_short() {
    let figures = Figures::measure();
    figures.print();
    let too_long = figures.too_long();
    assert!(
        too_long.is_empty(),
        "files over {MAX_FILE_LINES} lines: {too_long:#?}"
    );
    let median = figures.median();
    assert!(
        median <= MAX_MEDIAN_FN_LINES as f64,
        "the median function is {median:.1} lines (at most {MAX_MEDIAN_FN_LINES})"
    );
}

/// With `autotests = false`, cargo no longer finds test files by itself: a
/// file in `tests/` that `tests/main.rs` does not declare would never run.
#[test]
fn every_test_file_is_a_module_of_the_integration_binary() {
    let main = std::fs::read_to_string(root().join("tests/main.rs")).expect("tests/main.rs");
    let declared: Vec<&str> = main
        .lines()
        .filter_map(|l| l.trim().strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root().join("tests"))
        .expect("tests/")
        .flatten()
    {
        let path = entry.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let is_rust = path.extension().is_some_and(|e| e == "rs");
        // main.rs is the binary itself; release.rs is the release-only one.
        if is_rust && !["main", "release"].contains(&stem) && !declared.contains(&stem) {
            missing.push(stem.to_string());
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "declare these in tests/main.rs (`mod NAME;`), or they never run: {missing:?}"
    );
}
