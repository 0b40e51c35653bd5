//! `guidetree snapshot FILE`: the snapshot report of a tree, the same text
//! `tests/trees.rs` snapshots for every tree in `trees/`.

use super::paths::ExploreArgs;
use crate::cmd::{check_file, LoadArgs, EXIT_FAIL, EXIT_OK};
use crate::explore::Options;
use crate::report;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tree file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub explore: ExploreArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Print the report; exit 1 when the tree does not check or fails before
/// its first step.
///
/// # Errors
/// When writing the report fails.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let result = check_file(&args.file, args.load);
    let mut out = BufWriter::new(io::stdout().lock());
    let ok = report::write_result(&mut out, &result, &args.explore.options())?;
    out.flush()?;
    Ok(if ok { EXIT_OK } else { EXIT_FAIL })
}

/// The snapshot report of the tree file at `path`, as text (what
/// `guidetree snapshot` prints, and what `tests/trees.rs` snapshots).
#[must_use]
pub fn snapshot_string(path: &Path, options: &Options) -> String {
    let result = check_file(path, LoadArgs::default());
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = report::write_result(&mut out, &result, options);
    String::from_utf8_lossy(&out).into_owned()
}
