//! One module per subcommand, and what they share: exit codes and
//! loading a checked tree.

pub mod check;
pub mod completions;
pub mod diff;
pub mod fmt;
pub mod graph;
pub mod lsp;
pub mod mutants;
pub mod paths;
pub mod run;
pub mod snapshot;
pub mod test;

mod exit;
mod load;

pub use exit::{closed_is_fine, EXIT_FAIL, EXIT_OK, EXIT_USAGE};
pub use load::{
    check_file, load_checked, load_model, report_diagnostics, report_failure, LoadArgs,
};
