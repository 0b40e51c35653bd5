//! Diagnostics as JSON (`check --format json`), in the documented shape.

use super::{Diagnostic, Severity};
use crate::source::Sources;
use serde::Serialize;

/// A diagnostic flattened for JSON output (`check --format json`). Lines
/// and columns are 1-based, columns count characters.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    /// A code from [`CODES`].
    pub code: &'static str,
    /// `error` or `warning`.
    pub severity: Severity,
    /// What is wrong.
    pub message: &'a str,
    /// The file, as the user named it (or as an include resolved it).
    pub file: String,
    /// Where the primary span starts.
    pub line: usize,
    /// Where the primary span starts.
    pub column: usize,
    /// Where the primary span ends.
    pub end_line: usize,
    /// Where the primary span ends.
    pub end_column: usize,
    /// Byte offsets `[start, end)` in the file.
    pub span: [u32; 2],
    /// The primary label.
    pub label: &'a str,
    /// The `help:` line, if any.
    pub help: Option<&'a str>,
    /// The secondary labels.
    pub related: Vec<JsonLabel<'a>>,
}

/// A secondary place in JSON output.
#[derive(Debug, Serialize)]
pub struct JsonLabel<'a> {
    /// The file.
    pub file: String,
    /// Where the span starts (1-based).
    pub line: usize,
    /// Where the span starts (1-based, in characters).
    pub column: usize,
    /// Byte offsets `[start, end)` in the file.
    pub span: [u32; 2],
    /// What the label says.
    pub label: &'a str,
}

impl Diagnostic {
    /// This diagnostic in the documented JSON shape.
    #[must_use]
    pub fn to_json<'a>(&'a self, sources: &Sources) -> JsonDiagnostic<'a> {
        let span = self.primary.span;
        let file = sources.get(span.file);
        let (line, column) = file.line_col(span.start);
        let (end_line, end_column) = file.line_col(span.end);
        JsonDiagnostic {
            code: self.code,
            severity: self.severity,
            message: &self.message,
            file: file.path.display().to_string(),
            line,
            column,
            end_line,
            end_column,
            span: [span.start, span.end],
            label: &self.primary.text,
            help: self.help.as_deref(),
            related: self
                .secondary
                .iter()
                .map(|l| {
                    let f = sources.get(l.span.file);
                    let (line, column) = f.line_col(l.span.start);
                    JsonLabel {
                        file: f.path.display().to_string(),
                        line,
                        column,
                        span: [l.span.start, l.span.end],
                        label: &l.text,
                    }
                })
                .collect(),
        }
    }
}
