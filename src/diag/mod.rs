//! Diagnostics: errors and warnings as data, and the one place that turns
//! them into words on a terminal (rustc style) or JSON.

use crate::source::Span;
use serde::Serialize;

mod columns;
mod json;
pub mod problem;
mod render;

pub use json::{JsonDiagnostic, JsonLabel};
pub use problem::{Code, Problem, CODES};
pub use render::{render, Palette};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The tree cannot run.
    Error,
    /// Probably a mistake; fails `check --deny-warnings`.
    Warning,
}

/// A place in a source file with a short label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The characters it points at.
    pub span: Span,
    /// What it says about them (may be empty).
    pub text: String,
}

/// One problem found in a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// A code from [`CODES`].
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// Where it is wrong (drawn with `^`).
    pub primary: Label,
    /// Related places (drawn with `-`).
    pub secondary: Vec<Label>,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic; only [`Problem::at`] makes them, so that every
    /// message is worded in [`problem`].
    fn new(severity: Severity, code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
            primary: Label {
                span,
                text: String::new(),
            },
            secondary: Vec::new(),
            help: None,
        }
    }

    /// The label under the primary span.
    #[must_use]
    fn label(mut self, text: impl Into<String>) -> Self {
        self.primary.text = text.into();
        self
    }

    /// Another related place, drawn with `-` instead of `^`.
    #[must_use]
    fn with_secondary(mut self, span: Span, text: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// The `help:` line.
    #[must_use]
    fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    /// Add a help line only when there is something to say.
    #[must_use]
    fn maybe_help(self, text: Option<String>) -> Self {
        match text {
            Some(t) => self.help(t),
            None => self,
        }
    }

    /// Whether this is an error (not a warning).
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sort diagnostics by file and position, errors first on a tie, and drop
/// exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (
            a.primary.span.file,
            a.primary.span.start,
            a.severity,
            a.code,
        )
            .cmp(&(
                b.primary.span.file,
                b.primary.span.start,
                b.severity,
                b.code,
            ))
    });
    diags.dedup();
}

/// Most characters of a value a message echoes.
pub const MAX_ECHO: usize = 100;

/// `text` as a message may echo it: at most [`MAX_ECHO`] characters, then
/// `…` and the full length, so a 50 MB value does not fill the terminal.
#[must_use]
pub fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_ECHO) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => {
            std::borrow::Cow::Owned(format!("{}… ({} bytes in all)", &text[..cut], text.len()))
        }
    }
}

/// `text` safe to show on a terminal: every control character but newline
/// and tab (C0, DEL and C1, which start escape sequences that can move the
/// cursor, retitle the window or rewrite what was printed) is replaced by
/// one visible character, its Unicode control picture (`ESC` → `␛`) or
/// U+FFFD for C1, so columns stay where they were.
#[must_use]
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            c if !is_unsafe_control(c) => c,
            '\u{7f}' => '\u{2421}',
            c if u32::from(c) < 0x20 => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
            _ => '\u{fffd}',
        })
        .collect()
}

/// A control character that a terminal may act on (all but `\n` and `\t`).
#[must_use]
pub fn is_unsafe_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Longest name, in characters, that gets a did-you-mean: edit distance
/// costs the product of the two lengths, and a 100,000-character name is
/// no typo.
pub const MAX_SUGGEST_NAME: usize = 64;
/// Most candidates one did-you-mean looks at.
pub const MAX_SUGGEST_CANDIDATES: usize = 10_000;

/// The closest candidate by edit distance, when it is close enough to be a
/// likely typo. Names longer than [`MAX_SUGGEST_NAME`] get none, candidates
/// whose length alone puts them too far are skipped without measuring, and
/// at most [`MAX_SUGGEST_CANDIDATES`] are looked at.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let len = name.chars().count();
    if len > MAX_SUGGEST_NAME {
        return None;
    }
    let limit = (len / 3).clamp(1, 3);
    candidates
        .into_iter()
        .take(MAX_SUGGEST_CANDIDATES)
        .filter(|c| *c != name && c.len() <= 4 * (MAX_SUGGEST_NAME + 3))
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// `1 argument`, `2 arguments`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// A one-line summary such as `2 errors, 1 warning`.
#[must_use]
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    match (errors, warnings) {
        (0, 0) => "no problems".to_string(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_names_only() {
        let names = ["stop", "start", "closure"];
        assert_eq!(
            did_you_mean("stp", names),
            Some("did you mean `stop`?".to_string())
        );
        assert_eq!(did_you_mean("banana", names), None);
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for (code, _) in CODES {
            assert!(seen.insert(code), "duplicate code {code}");
            assert!(code.len() == 4 && (code.starts_with('E') || code.starts_with('W')));
        }
    }
}
