//! Diagnostics: errors and warnings as data, and the one place that turns
//! them into words on a terminal (rustc style) or JSON.

use crate::source::{Sources, Span};
use anstyle::{AnsiColor, Effects, Style};
use serde::Serialize;
use std::fmt::Write as _;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Every diagnostic code, with a one-line summary. Codes are stable: once
/// published, a code keeps its meaning. Each has an `err_*` fixture in
/// `tests/fixtures/errors/`.
pub const CODES: &[(&str, &str)] = &[
    ("E001", "syntax error"),
    ("E002", "duplicate id"),
    ("E003", "unknown node"),
    ("E004", "unknown variable or name"),
    ("E005", "type mismatch"),
    ("E006", "unknown member of a one_of or set type"),
    ("E007", "interpolation of an unknown variable"),
    ("E008", "field not allowed in this kind of node"),
    ("E009", "node with no way out"),
    ("E010", "cycle with no way to any outcome"),
    ("E011", "undeclared outcome kind"),
    ("E012", "missing or unreadable include file"),
    ("E013", "include cycle"),
    ("E014", "missing required field"),
    ("E015", "number out of range"),
    ("E016", "file cannot be read as a tree"),
    ("E017", "expression nested too deeply"),
    ("E020", "hook script cannot be read"),
    ("E021", "hook script does not compile"),
    ("E022", "hook not defined in the script"),
    ("E023", "hook called with the wrong number of arguments"),
    ("E030", "include or script outside the tree's folder"),
    ("E031", "too many included files, include levels or nodes"),
    ("W001", "unused variable"),
    ("W002", "unreachable node"),
    ("W003", "outcome kind never used"),
    (
        "W004",
        "every option has a condition: the question may show none",
    ),
];

/// A place in a source file with a short label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One problem found in a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with a code from [`CODES`].
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Self::new(Severity::Error, code, message, span)
    }

    /// A warning with a code from [`CODES`].
    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Self::new(Severity::Warning, code, message, span)
    }

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
    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.primary.text = text.into();
        self
    }

    /// Another related place, drawn with `-` instead of `^`.
    #[must_use]
    pub fn with_secondary(mut self, span: Span, text: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    #[must_use]
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    /// Add a help line only when there is something to say.
    #[must_use]
    pub fn maybe_help(self, text: Option<String>) -> Self {
        match text {
            Some(t) => self.help(t),
            None => self,
        }
    }

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

/// The closest candidate by edit distance, when it is close enough to be a
/// likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let limit = (name.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// A diagnostic flattened for JSON output.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'static str,
    pub severity: Severity,
    pub message: &'a str,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offsets `[start, end)` in the file.
    pub span: [u32; 2],
    pub label: &'a str,
    pub help: Option<&'a str>,
    pub related: Vec<JsonLabel<'a>>,
}

#[derive(Debug, Serialize)]
pub struct JsonLabel<'a> {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub span: [u32; 2],
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

/// Colours for rendering; [`Palette::plain`] for snapshots and pipes.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    error: Style,
    warning: Style,
    bold: Style,
    gutter: Style,
    secondary: Style,
    help: Style,
}

impl Palette {
    #[must_use]
    pub fn plain() -> Self {
        Self {
            error: Style::new(),
            warning: Style::new(),
            bold: Style::new(),
            gutter: Style::new(),
            secondary: Style::new(),
            help: Style::new(),
        }
    }

    #[must_use]
    pub fn colored() -> Self {
        let bold = Style::new().effects(Effects::BOLD);
        Self {
            error: bold.fg_color(Some(AnsiColor::BrightRed.into())),
            warning: bold.fg_color(Some(AnsiColor::BrightYellow.into())),
            bold,
            gutter: bold.fg_color(Some(AnsiColor::BrightBlue.into())),
            secondary: bold.fg_color(Some(AnsiColor::BrightBlue.into())),
            help: bold.fg_color(Some(AnsiColor::BrightCyan.into())),
        }
    }
}

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// Render one diagnostic the way rustc does:
///
/// ```text
/// error[E003]: unknown node `stp`
///  --> trees/x.tree:3:23
///   |
/// 3 |   option yes "Yes" -> stp
///   |                       ^^^ no node with this id
///   |
///   = help: did you mean `stop`?
/// ```
#[must_use]
pub fn render(diag: &Diagnostic, sources: &Sources, palette: Palette) -> String {
    let (word, style) = match diag.severity {
        Severity::Error => ("error", palette.error),
        Severity::Warning => ("warning", palette.warning),
    };
    let mut labels: Vec<(&Label, bool)> = vec![(&diag.primary, true)];
    labels.extend(diag.secondary.iter().map(|l| (l, false)));
    let width = labels
        .iter()
        .map(|(l, _)| {
            let f = sources.get(l.span.file);
            let (line, _) = f.line_col(l.span.start);
            line.to_string().len()
        })
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    let bar = paint(palette.gutter, "|");

    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}",
        paint(style, &format!("{word}[{}]", diag.code)),
        paint(palette.bold, &format!(": {}", diag.message))
    );
    let mut last_file = None;
    for (label, primary) in labels {
        let file = sources.get(label.span.file);
        let (line, col) = file.line_col(label.span.start);
        let arrow = if last_file.is_none() { "-->" } else { ":::" };
        if last_file != Some(label.span.file) || primary {
            let _ = writeln!(
                out,
                "{pad}{} {}:{line}:{col}",
                paint(palette.gutter, arrow),
                file.path.display()
            );
            let _ = writeln!(out, "{pad} {bar}");
        }
        last_file = Some(label.span.file);
        if file.text.is_empty() {
            continue; // an unreadable or empty file: there is no line to show
        }
        let text = file.line(line);
        let (end_line, end_col) = file.line_col(label.span.end);
        let marks = if end_line == line {
            end_col.saturating_sub(col).max(1)
        } else {
            text.chars().count().saturating_sub(col - 1).max(1)
        };
        let (mark, mark_style) = if primary {
            ("^", style)
        } else {
            ("-", palette.secondary)
        };
        let _ = writeln!(
            out,
            "{} {bar} {}",
            paint(palette.gutter, &format!("{line:>width$}")),
            text.replace('\t', " ")
        );
        let underline = format!("{}{}", " ".repeat(col - 1), mark.repeat(marks));
        let label_text = if label.text.is_empty() {
            String::new()
        } else {
            format!(" {}", label.text)
        };
        let _ = writeln!(
            out,
            "{pad} {bar} {}",
            paint(mark_style, &format!("{underline}{label_text}"))
        );
    }
    if let Some(help) = &diag.help {
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(out, "{pad} {} {help}", paint(palette.help, "= help:"));
    }
    out
}

/// A one-line summary such as `2 errors, 1 warning`.
#[must_use]
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
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
