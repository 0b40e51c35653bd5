//! The integration tests, as one binary (`cargo test --test integration`):
//! one module a file, sharing `common`. Run one module with
//! `cargo test --test integration graph::`. See docs/testing.md.

mod common;

mod check_cli;
mod completions;
mod diagnostics;
mod docs;
mod explore;
mod format;
mod graph;
mod highlight;
mod hooks;
mod hostile;
mod hostile_io;
mod lsp;
mod mutants;
mod properties;
mod run;
mod schemas;
mod serve;
mod serve_browser;
mod shell;
mod states;
mod structure;
mod syntax;
mod trees;
mod tty;
mod tty_private;
mod vscode;
