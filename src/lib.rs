//! guidetree: a decision-tree engine with its own checked language.
//!
//! The pipeline, one module per stage:
//! [`syntax`] (text → [`ast`]) → [`check`] (AST → [`model`], or every
//! [`diag::Diagnostic`] at once) → interpreter and explorer over the model.

pub mod answers;
pub mod ast;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod diag;
pub mod eval;
pub mod explore;
pub mod format;
pub mod graph;
pub mod hash;
pub mod ids;
pub mod interp;
pub mod load;
pub mod lsp;
pub mod model;
pub mod mutate;
pub mod ops;
pub mod output;
pub mod prompt;
pub mod report;
pub mod save;
pub mod script;
pub mod serve;
pub mod source;
pub mod syntax;
pub mod transcript;
pub mod wording;
pub mod wrap;
