//! `guidetree lsp`: the language server, over stdin and stdout.

/// Arguments of `guidetree lsp`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
}

/// Serve one editor session until it asks the server to exit.
///
/// # Errors
/// When the connection breaks or a message cannot be read.
pub fn run(_args: &Args) -> anyhow::Result<i32> {
    crate::lsp::serve_stdio()
}
