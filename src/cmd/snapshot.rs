//! `guidetree snapshot FILE`: the snapshot report of a tree, the same text
//! `tests/trees.rs` snapshots for every tree in `trees/`.

use super::paths::ExploreArgs;
use crate::cli::{EXIT_FAIL, EXIT_OK};
use crate::report;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tree file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub explore: ExploreArgs,
}

/// Print the report; exit 1 when the tree does not check or fails before
/// its first step.
///
/// # Errors
/// When writing the report fails.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let mut out = BufWriter::new(io::stdout().lock());
    let ok = report::snapshot_file(&mut out, &args.file, &args.explore.options())?;
    out.flush()?;
    Ok(if ok { EXIT_OK } else { EXIT_FAIL })
}
