//! guidetree: a decision-tree engine with its own checked language.
//!
//! The pipeline, one module per stage:
//! [`syntax`] (text → [`ast`]) → [`check`] (AST → [`model`], or every
//! [`diag::Diagnostic`] at once) → interpreter and explorer over the model.

pub mod ast;
pub mod cli;
pub mod diag;
pub mod source;
pub mod syntax;
pub mod check;
pub mod eval;
pub mod load;
pub mod model;
