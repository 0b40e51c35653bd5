//! Finding comments, which the grammar folds into whitespace.

/// A `#` comment: where it starts and its text (trailing blanks removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the `#`.
    pub start: usize,
    /// From `#` to the end of the line, trailing whitespace removed.
    pub text: String,
}

/// Every comment in a file that parses, in order. The grammar folds
/// comments into whitespace, so they are found here with a scan that knows
/// where strings are (a `#` inside a string is text).
#[must_use]
pub fn comments(src: &str) -> Vec<Comment> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                out.push(Comment {
                    start: i,
                    text: src[i..end].trim_end().to_string(),
                });
                i = end;
            }
            b'"' => i = string_end(src, i),
            _ => i += 1,
        }
    }
    out
}

/// The offset just past the string literal starting at `start`.
pub(super) fn string_end(src: &str, start: usize) -> usize {
    let bytes = src.as_bytes();
    if src[start..].starts_with("\"\"\"") {
        return src[start + 3..]
            .find("\"\"\"")
            .map_or(src.len(), |n| start + 3 + n + 3);
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' | b'\n' => return i + 1,
            _ => i += 1,
        }
    }
    src.len()
}
