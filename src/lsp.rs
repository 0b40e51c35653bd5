//! The language server.

/// Serve over stdio.
///
/// # Errors
/// When the connection fails.
pub fn serve_stdio() -> anyhow::Result<i32> {
    Ok(0)
}
