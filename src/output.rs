//! Files the program writes (`run --save`, `:save`, `graph -o`), all through
//! [`write_file`]: the bytes go to a new temporary file with a random name
//! beside the target (created with `O_EXCL`, so a planted name or symbolic
//! link is never followed), are flushed to disk and renamed over the
//! target. Only a regular file or a path that does not exist yet is ever
//! replaced: a device, a FIFO, a socket or a directory is refused, and so
//! is any file the command read (the tree, its includes, its script, an
//! answers file). `-` and `/dev/stdout` mean standard output
//! ([`is_stdout`]).

use crate::model::Model;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why an output file was not written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The path exists and is not a regular file.
    #[error("`{path}` is {what}, not a regular file; only regular files are written")]
    NotRegular { path: String, what: &'static str },
    /// The path is a file this command read.
    #[error("`{path}` is {input}, which this command reads; write to another file")]
    IsInput { path: String, input: String },
    /// `-` or `/dev/stdout` where only a file will do (a saved session).
    #[error("{0} needs a file; standard output is not one")]
    NeedsFile(&'static str),
    /// Writing failed.
    #[error("cannot write `{path}`: {source}")]
    Io { path: String, source: io::Error },
}

/// The files a command read, which it must never write over.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    files: Vec<(PathBuf, String)>,
}

impl Inputs {
    /// Every file a checked tree was read from: the tree, its includes and
    /// its hook script.
    #[must_use]
    pub fn of_model(model: &Model) -> Self {
        let mut inputs = Inputs::default();
        for (i, (_, file)) in model.sources.iter().enumerate() {
            let what = if i == 0 {
                "the tree file".to_string()
            } else if model.script.as_ref().is_some_and(|s| s.path == file.path) {
                "the tree's hook script".to_string()
            } else {
                "a file the tree includes".to_string()
            };
            inputs.files.push((file.path.clone(), what));
        }
        inputs
    }

    /// Add another file read, described as `what` ("the answers file").
    #[must_use]
    pub fn with(mut self, path: &Path, what: &str) -> Self {
        self.files.push((path.to_path_buf(), what.to_string()));
        self
    }

    /// The input `path` is, if it is one: the same file by device and
    /// inode where both exist, else the same path once cleaned.
    fn find(&self, path: &Path) -> Option<&str> {
        let target = std::fs::metadata(path).ok();
        let clean = absolute(path);
        self.files.iter().find_map(|(input, what)| {
            let same = match (&target, std::fs::metadata(input).ok()) {
                (Some(a), Some(b)) => same_file(a, &b),
                _ => clean.is_some() && clean == absolute(input),
            };
            same.then_some(what.as_str())
        })
    }
}

/// Whether `path` names standard output: `-` or `/dev/stdout`.
#[must_use]
pub fn is_stdout(path: &Path) -> bool {
    path == Path::new("-") || path == Path::new("/dev/stdout")
}

/// Check that `path` may be written: it does not exist yet or is a regular
/// file, and it is none of `inputs`. Commands call it before doing any
/// work, so a bad target is refused at once; [`write_file`] checks again.
///
/// # Errors
/// [`OutputError::NotRegular`] or [`OutputError::IsInput`].
pub fn check_target(path: &Path, inputs: &Inputs) -> Result<(), OutputError> {
    let shown = || path.display().to_string();
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            return Err(OutputError::NotRegular {
                path: shown(),
                what: kind_of(&meta),
            });
        }
    }
    if let Some(input) = inputs.find(path) {
        return Err(OutputError::IsInput {
            path: shown(),
            input: input.to_string(),
        });
    }
    Ok(())
}

/// Write `bytes` to `path` atomically: a temporary file with a random name
/// in the same folder, flushed to disk, renamed over the target, then the
/// folder flushed. A new file gets permissions `mode` (on Unix); an
/// existing one keeps its own.
///
/// # Errors
/// When the target may not be written ([`check_target`]) or an I/O step
/// fails; the temporary file is then removed and the target is untouched.
pub fn write_file(
    path: &Path,
    bytes: &[u8],
    inputs: &Inputs,
    mode: u32,
) -> Result<(), OutputError> {
    check_target(path, inputs)?;
    let io = |source: io::Error| OutputError::Io {
        path: path.display().to_string(),
        source,
    };
    let (dir, mut tmp) = temp_beside(path).map_err(io)?;
    set_mode(tmp.as_file(), path, mode).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    // The target may have changed while the bytes were written.
    check_target(path, inputs)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    sync_dir(&dir).map_err(io)
}

/// A new temporary file with a random name in `path`'s folder
/// (`.NAME.XXXXXX.tmp`), and that folder.
fn temp_beside(path: &Path) -> io::Result<(PathBuf, tempfile::NamedTempFile)> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path does not end in a file name",
        )
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    Ok((dir, tmp))
}

#[cfg(unix)]
fn set_mode(file: &std::fs::File, target: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(target).map_or(mode, |m| m.permissions().mode() & 0o7777);
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &std::fs::File, _: &Path, _: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

/// The path made absolute and cleaned, with links resolved in the folder
/// part (the file itself may not exist yet).
fn absolute(path: &Path) -> Option<PathBuf> {
    let path = std::path::absolute(path).ok()?;
    let clean = crate::load::normalize(&path);
    let dir = clean.parent()?;
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    Some(dir.join(clean.file_name()?))
}

/// What kind of thing a non-regular path is, for messages.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "something other than a file"
}

impl fmt::Display for Inputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .files
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect();
        f.write_str(&names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdout_names() {
        assert!(is_stdout(Path::new("-")));
        assert!(is_stdout(Path::new("/dev/stdout")));
        assert!(!is_stdout(Path::new("./-x")));
    }

    #[test]
    fn writes_replace_regular_files_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_file(&path, b"one", &Inputs::default(), 0o644).unwrap();
        write_file(&path, b"two", &Inputs::default(), 0o644).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn directories_devices_and_inputs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_file(dir.path(), b"x", &Inputs::default(), 0o644).unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
        #[cfg(unix)]
        {
            let err = check_target(Path::new("/dev/null"), &Inputs::default()).unwrap_err();
            assert!(err.to_string().contains("is a device"), "{err}");
        }
        let input = dir.path().join("in.tree");
        std::fs::write(&input, "x").unwrap();
        let inputs = Inputs::default().with(&input, "the tree file");
        let spelled = dir.path().join(".").join("in.tree");
        let err = write_file(&spelled, b"y", &inputs, 0o644).unwrap_err();
        assert!(err.to_string().contains("the tree file"), "{err}");
        assert_eq!(std::fs::read(&input).unwrap(), b"x");
    }
}
