//! One module per subcommand.

pub mod check;
pub mod diff;
pub mod graph;
pub mod paths;
pub mod run;
pub mod snapshot;
pub mod test;
