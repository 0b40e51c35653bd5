//! One module per subcommand.

pub mod check;
pub mod diff;
pub mod graph;
pub mod paths;
pub mod run;
pub mod snapshot;
pub mod test;

/// Flags shared by every command that loads a tree.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct LoadArgs {
    /// Let includes and the hook script be read from outside the root
    /// tree's folder (by `../`, an absolute path or a symbolic link).
    #[arg(long)]
    pub allow_outside_includes: bool,
}

impl LoadArgs {
    /// The loader options these flags ask for.
    #[must_use]
    pub fn options(self) -> crate::load::LoadOptions {
        crate::load::LoadOptions {
            allow_outside_includes: self.allow_outside_includes,
        }
    }
}

/// Treat a closed pipe as the end of the output. The exit code carries the
/// verdict, so a reader that stops early (`guidetree check x.tree 2>&1 |
/// head -1`) must not turn a failed check into a success, nor a success
/// into an error.
///
/// # Errors
/// Every write error other than a broken pipe.
pub fn closed_is_fine(written: std::io::Result<()>) -> std::io::Result<()> {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
