//! Problems found while loading a tree's files (E002, E012, E013, E016,
//! E018, E030, E031).

use super::{Code, Words};
use crate::check::{MAX_FILES, MAX_INCLUDE_DEPTH, MAX_NODES};
use crate::load::{ReadError, MAX_TOTAL_SOURCE};
use crate::source::Span;
use std::path::PathBuf;

/// A loading problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    /// An include or the script outside the root tree's folder; `linked`
    /// when it is a symbolic link on the way that leads out.
    OutsideFolder {
        what: &'static str,
        path: PathBuf,
        linked: bool,
        folder: PathBuf,
    },
    /// More than [`MAX_NODES`] nodes in all.
    TooManyNodes,
    /// `include "a.tree" as x` twice with one name.
    NamespaceTwice { namespace: String, first: Span },
    /// A file that includes itself, directly or not.
    IncludeCycle { cycle: Vec<PathBuf> },
    /// Includes nested more than [`MAX_INCLUDE_DEPTH`] deep.
    IncludesTooDeep,
    /// More than [`MAX_FILES`] files loaded.
    TooManyFiles,
    /// More than [`MAX_TOTAL_SOURCE`] bytes across all files.
    TooManyBytes,
    /// A file with nothing but blanks or comments.
    EmptyFile {
        only_comments: bool,
        included_at: Option<Span>,
    },
    /// A carriage return not followed by a line feed.
    LoneCarriageReturn {
        more: usize,
        included_at: Option<Span>,
    },
    /// Another control character.
    ControlCharacter {
        found: char,
        more: usize,
        included_at: Option<Span>,
    },
    /// An include that cannot be read.
    CannotInclude { path: PathBuf, error: ReadError },
    /// The root file cannot be read.
    CannotRead { path: PathBuf, error: ReadError },
}

impl Load {
    pub(super) fn words(&self) -> Words {
        match self {
            Load::OutsideFolder { .. } => self.outside_words(),
            Load::TooManyNodes => Words::new(
                Code::E031,
                format!("the tree has more than {MAX_NODES} nodes"),
                "one node too many",
            )
            .help("split the tree into smaller trees"),
            Load::NamespaceTwice { namespace, first } => Words::new(
                Code::E002,
                format!("the include namespace `{namespace}` is used twice"),
                "second include with this name",
            )
            .related(*first, "first used here")
            .help("give each include its own name after `as`"),
            Load::IncludeCycle { cycle } => {
                let cycle: Vec<String> = cycle.iter().map(|p| p.display().to_string()).collect();
                Words::new(
                    Code::E013,
                    "include cycle",
                    "this includes a file that is already being included",
                )
                .help(format!("the cycle: {}", cycle.join(" → ")))
            }
            Load::IncludesTooDeep => Words::new(
                Code::E031,
                format!("includes nest more than {MAX_INCLUDE_DEPTH} deep"),
                "too deep",
            )
            .help("include the deepest files from a file nearer the root"),
            Load::TooManyFiles => Words::new(
                Code::E031,
                format!("the tree loads more than {MAX_FILES} files, includes counted each time"),
                "one include too many",
            )
            .help("a file included under several names is loaded once per name; include it once"),
            Load::TooManyBytes => Words::new(
                Code::E031,
                format!("the tree's files hold more than {MAX_TOTAL_SOURCE} bytes together"),
                "this file goes over the limit",
            )
            .help("split the tree into smaller trees"),
            _ => self.file_words(),
        }
    }

    fn outside_words(&self) -> Words {
        let Load::OutsideFolder {
            what,
            path,
            linked,
            folder,
        } = self
        else {
            return self.file_words();
        };
        let how = if *linked {
            "a symbolic link on the way leads outside"
        } else {
            "this leads outside"
        };
        let folder = if folder.as_os_str().is_empty() {
            "the current folder".to_string()
        } else {
            format!("`{}`", folder.display())
        };
        Words::new(
            Code::E030,
            format!(
                "the {what} `{}` is outside the tree's folder",
                path.display()
            ),
            format!("{how} {folder}"),
        )
        .help(format!(
            "keep the files a tree uses in its folder or below it; if you trust this tree, \
             pass --allow-outside-includes to read the {what} anyway"
        ))
    }

    /// Files that cannot be read, or not as a tree.
    fn file_words(&self) -> Words {
        match self {
            Load::EmptyFile {
                only_comments,
                included_at,
            } => {
                let what = if *only_comments {
                    "the file holds only comments"
                } else {
                    "the file is empty"
                };
                Words::new(Code::E016, what, "no tree here")
                    .help("a tree starts with a header: tree my_tree \"Title\" { start first_node outcomes done }")
                    .maybe_related(*included_at, "included here")
            }
            Load::LoneCarriageReturn { more, included_at } => Words::new(
                Code::E018,
                format!("a carriage return without a line feed{}", and_more(*more)),
                "lines end in a lone carriage return here (old Mac line endings)",
            )
            .help("save the file with line feed (\\n) or CR LF (\\r\\n) line endings")
            .maybe_related(*included_at, "included here"),
            Load::ControlCharacter {
                found,
                more,
                included_at,
            } => Words::new(
                Code::E018,
                format!(
                    "the control character U+{:04X} is not allowed in a tree{}",
                    u32::from(*found),
                    and_more(*more)
                ),
                "a terminal would act on this character",
            )
            .help("remove it; control characters in texts can rewrite what the person sees, so trees may hold none but tabs and line breaks")
            .maybe_related(*included_at, "included here"),
            Load::CannotInclude { path, error } => Words::new(
                Code::E012,
                format!("cannot include `{}`: {error}", path.display()),
                "included here",
            )
            .help("include paths are relative to the file that includes them"),
            Load::CannotRead { path, error } => Words::new(
                Code::E016,
                format!("cannot read `{}`: {error}", path.display()),
                "here",
            )
            .help(read_help(error)),
            _ => self.words(),
        }
    }
}

/// ` (and 2 more)`.
fn and_more(more: usize) -> String {
    match more {
        0 => String::new(),
        1 => " (and 1 more)".to_string(),
        n => format!(" (and {n} more)"),
    }
}

fn read_help(error: &ReadError) -> &'static str {
    match error {
        ReadError::NotFound => "check the path; tree files usually end in `.tree`",
        ReadError::Directory => "give a `.tree` file, for example `trees/hello.tree`",
        ReadError::NotUtf8 { .. } => "tree files must be saved as UTF-8 text",
        ReadError::TooLarge { .. } => "split the tree into files joined with `include`",
        ReadError::NotRegular(_) => "name a regular file",
        ReadError::Io(_) => "check the file's permissions",
    }
}
