//! `guidetree run`

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tree file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// # Errors
/// Always, until this command is built.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    anyhow::bail!(
        "`guidetree run` is not available yet ({})",
        args.file.display()
    )
}
