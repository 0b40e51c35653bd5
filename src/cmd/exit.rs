//! Exit codes: 0 success, 1 the tree (or run, or test) failed, including a
//! tree file that cannot be read, 2 usage errors and failures outside any
//! tree (an output file that cannot be written). A closed stdout or stderr
//! ends the output and never changes the code. See `docs/robustness.md`.

/// Exit code for success.
pub const EXIT_OK: i32 = 0;
/// Exit code when a tree has errors, a test fails, or a run cannot go on.
pub const EXIT_FAIL: i32 = 1;
/// Exit code for bad usage (unknown flags, bad values) and for failures
/// outside any tree, such as an output file that cannot be written.
pub const EXIT_USAGE: i32 = 2;

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
