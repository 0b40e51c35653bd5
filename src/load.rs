//! Reading tree files (from disk or memory) with clear errors for files that
//! are not trees at all: missing, directories, not UTF-8, empty; and the
//! rule that a tree only reads files inside its own folder.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Largest tree or script file accepted, in bytes.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Largest answers file or saved session accepted, in bytes.
pub const MAX_DATA_FILE_SIZE: u64 = 16 * 1024 * 1024;
/// Most bytes one tree may load across all its files (the tree, each
/// distinct include once, and the hook script).
pub const MAX_TOTAL_SOURCE: u64 = 64 * 1024 * 1024;

/// Read a file the user named, at most `limit` bytes of it: devices and
/// pipes (`/dev/zero`) report no size and may never end, so the read stops
/// one byte past the limit and the file is refused.
///
/// # Errors
/// The system's error, or one saying the file is larger than `limit`.
pub fn read_capped(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let too_large = || {
        std::io::Error::other(format!(
            "the file is larger than the limit of {limit} bytes"
        ))
    };
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(std::io::Error::other("this is a directory, not a file"));
    }
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

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
    #[error("the file is larger than the limit of {MAX_FILE_SIZE} bytes")]
    TooLarge {
        /// The size found (for a device or pipe, how much was read).
        size: u64,
    },
    /// A FIFO, device or socket named by a tree (an include or the hook
    /// script): reading one could block forever or never end.
    #[error("this is {0}, not a regular file")]
    NotRegular(&'static str),
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

    /// Read a file that a tree names (an include or the hook script), not
    /// the user: only a regular file is opened, so a FIFO cannot block the
    /// check and a device cannot feed it forever.
    ///
    /// # Errors
    /// As [`FileSystem::read`], and [`ReadError::NotRegular`].
    fn read_named(&self, path: &Path) -> Result<String, ReadError> {
        self.read(path)
    }

    /// The path with every symbolic link resolved, when the file exists
    /// and the file system has links at all (the default has none).
    fn canonical(&self, path: &Path) -> Option<PathBuf> {
        let _ = path;
        None
    }
}

/// How a tree is loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Let includes and the hook script name files outside the root tree's
    /// folder (`--allow-outside-includes`). Off by default, so that checking
    /// or running a tree from elsewhere never reads, and shows pieces of,
    /// unrelated files.
    pub allow_outside_includes: bool,
}

/// Where a file named by a tree lies, seen from the root tree's folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In the folder or below it.
    Inside,
    /// Outside, as written: `../x`, or an absolute path elsewhere.
    Outside,
    /// Inside as written, but a symbolic link on the way leads outside.
    LinkedOutside,
}

/// Where `path` lies relative to `folder`. Both are compared as written,
/// after removing `.` and `..`, and then, where the file system can resolve
/// them, with symbolic links followed, so that neither `../x`, an absolute
/// path nor a link pointing elsewhere gets out.
pub fn place(fs: &dyn FileSystem, folder: &Path, path: &Path) -> Place {
    let (folder, path) = (normalize(folder), normalize(path));
    let lexical = path
        .strip_prefix(&folder)
        .is_ok_and(|rest| rest.components().all(|c| matches!(c, Component::Normal(_))));
    if !lexical {
        return Place::Outside;
    }
    let here = |p: &Path| {
        if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p.to_path_buf()
        }
    };
    match (fs.canonical(&here(&folder)), fs.canonical(&path)) {
        (Some(folder), Some(path)) if !path.starts_with(&folder) => Place::LinkedOutside,
        _ => Place::Inside,
    }
}

/// Lexically clean a path (`a/./b/../c` → `a/c`) so that a file is known
/// however its path was spelled. Leading `..` stay: `../../x` is not `x`.
#[must_use]
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
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
        // The size in the metadata is no promise: devices (`/dev/zero`) and
        // pipes report 0 and may never end, so stop reading past the limit.
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes))
            .map_err(|e| io_error(&e))?;
        if bytes.len() as u64 > MAX_FILE_SIZE {
            return Err(ReadError::TooLarge {
                size: bytes.len() as u64,
            });
        }
        String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            ReadError::NotUtf8 {
                valid: String::from_utf8_lossy(&bytes[..offset]).into_owned(),
                offset,
            }
        })
    }

    fn read_named(&self, path: &Path) -> Result<String, ReadError> {
        let meta = std::fs::metadata(path).map_err(|e| io_error(&e))?;
        if !meta.is_dir() && !meta.is_file() {
            return Err(ReadError::NotRegular(non_regular_kind(&meta)));
        }
        self.read(path)
    }

    fn canonical(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(path).ok()
    }
}

fn non_regular_kind(meta: &std::fs::Metadata) -> &'static str {
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
    let _ = meta;
    "not a file"
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_keeps_leading_parent_dirs() {
        let n = |p: &str| normalize(Path::new(p));
        assert_eq!(n("a/./b/../c"), Path::new("a/c"));
        assert_eq!(n("../.."), Path::new("../.."));
        assert_eq!(n("a/../../b"), Path::new("../b"));
        assert_eq!(n("/../x"), Path::new("/x"));
    }

    #[test]
    fn inside_means_below_the_folder_as_written() {
        let fs = MemoryFs::new();
        let inside = |folder: &str, path: &str| {
            place(&fs, Path::new(folder), Path::new(path)) == Place::Inside
        };
        assert!(inside("trees", "trees/a.tree"));
        assert!(inside("trees", "trees/parts/../a.tree"));
        assert!(inside("", "a.tree"));
        assert!(!inside("trees", "trees/../a.tree"));
        assert!(!inside("trees", "elsewhere/a.tree"));
        assert!(!inside("trees", "/etc/passwd"));
        assert!(!inside("", "../a.tree"));
        assert!(!inside("", "/a.tree"));
        assert!(!inside("../trees", "../../a.tree"));
    }
}
