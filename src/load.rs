//! Reading tree files (from disk or memory) with clear errors for files that
//! are not trees at all: missing, directories, not UTF-8, empty.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Largest tree or script file accepted, in bytes.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Why a file could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The path does not exist.
    #[error("no such file")]
    NotFound,
    /// The path is a directory.
    #[error("this is a directory, not a file")]
    Directory,
    /// The bytes are not UTF-8 text.
    #[error("the file is not valid UTF-8 (at byte {offset})")]
    NotUtf8 {
        /// The text up to the first bad byte, for pointing at it.
        valid: String,
        /// Where the first bad byte is.
        offset: usize,
    },
    /// The file is larger than [`MAX_FILE_SIZE`].
    #[error("the file is {size} bytes; the limit is {MAX_FILE_SIZE}")]
    TooLarge {
        /// The file's size in bytes.
        size: u64,
    },
    /// Any other failure, in the system's words.
    #[error("{0}")]
    Io(String),
}

/// Where files come from: the disk, or a map in tests and fuzzing.
pub trait FileSystem {
    /// Read a whole file as UTF-8 text.
    ///
    /// # Errors
    /// When the file is missing, a directory, too large or not UTF-8.
    fn read(&self, path: &Path) -> Result<String, ReadError>;
}

/// The real file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl FileSystem for Disk {
    fn read(&self, path: &Path) -> Result<String, ReadError> {
        let meta = std::fs::metadata(path).map_err(|e| io_error(&e))?;
        if meta.is_dir() {
            return Err(ReadError::Directory);
        }
        if meta.len() > MAX_FILE_SIZE {
            return Err(ReadError::TooLarge { size: meta.len() });
        }
        let bytes = std::fs::read(path).map_err(|e| io_error(&e))?;
        String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            ReadError::NotUtf8 {
                valid: String::from_utf8_lossy(&bytes[..offset]).into_owned(),
                offset,
            }
        })
    }
}

fn io_error(e: &std::io::Error) -> ReadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        std::io::ErrorKind::IsADirectory => ReadError::Directory,
        std::io::ErrorKind::PermissionDenied => ReadError::Io("permission denied".into()),
        _ => ReadError::Io(e.to_string()),
    }
}

/// Files held in memory, keyed by path.
#[derive(Debug, Clone, Default)]
pub struct MemoryFs {
    /// The files, by path.
    pub files: BTreeMap<PathBuf, String>,
}

impl MemoryFs {
    /// No files.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Add (or replace) a file.
    #[must_use]
    pub fn with(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        self.files.insert(path.into(), text.into());
        self
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> Result<String, ReadError> {
        self.files.get(path).cloned().ok_or(ReadError::NotFound)
    }
}
