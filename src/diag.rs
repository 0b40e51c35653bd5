//! Diagnostics: errors and warnings as data, and the one place that turns
//! them into words on a terminal (rustc style) or JSON.

use crate::source::{FileId, SourceFile, Sources, Span};
use anstyle::{AnsiColor, Effects, Style};
use serde::Serialize;
use std::fmt::Write as _;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The tree cannot run.
    Error,
    /// Probably a mistake; fails `check --deny-warnings`.
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
    ("E018", "control character in a tree file"),
    (
        "E019",
        "`tagged(...)` with an unknown tag, or outside an assert",
    ),
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

    /// The `help:` line.
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
    /// No colour at all.
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

    /// rustc's colours (the stream decides whether they are shown).
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
///
/// Labels are shown in source order, grouped by file (the primary label's
/// file first); `...` marks skipped lines.
#[must_use]
pub fn render(diag: &Diagnostic, sources: &Sources, palette: Palette) -> String {
    let (word, style) = match diag.severity {
        Severity::Error => ("error", palette.error),
        Severity::Warning => ("warning", palette.warning),
    };
    let groups = label_groups(diag, sources);
    let width = groups
        .iter()
        .flat_map(|g| g.labels.iter().map(|l| l.line))
        .max()
        .unwrap_or(1)
        .to_string()
        .len();
    let painter = Painter {
        palette,
        style,
        width,
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}",
        paint(style, &format!("{word}[{}]", diag.code)),
        paint(palette.bold, &format!(": {}", visible(&diag.message)))
    );
    let (primary_line, primary_col) = sources
        .get(diag.primary.span.file)
        .line_col(diag.primary.span.start);
    for (i, group) in groups.iter().enumerate() {
        let file = sources.get(group.file);
        let (arrow, line, col) = if i == 0 {
            ("-->", primary_line, primary_col)
        } else {
            (":::", group.labels[0].line, group.labels[0].col)
        };
        let _ = writeln!(
            out,
            "{}{} {}:{line}:{col}",
            " ".repeat(width),
            paint(palette.gutter, arrow),
            visible(&file.path.display().to_string())
        );
        // An unreadable or empty file has no line to show.
        if !file.text.is_empty() {
            painter.empty_gutter(&mut out);
            painter.excerpt(&mut out, file, &group.labels);
        }
    }
    if let Some(help) = &diag.help {
        let help = visible(help);
        painter.empty_gutter(&mut out);
        let _ = writeln!(
            out,
            "{} {} {help}",
            " ".repeat(width),
            paint(palette.help, "= help:"),
        );
    }
    out
}

/// The labels of one file, in line order.
struct Group<'a> {
    file: FileId,
    labels: Vec<Placed<'a>>,
}

/// A label with its place worked out.
struct Placed<'a> {
    label: &'a Label,
    primary: bool,
    line: usize,
    col: usize,
}

fn label_groups<'a>(diag: &'a Diagnostic, sources: &Sources) -> Vec<Group<'a>> {
    let all =
        std::iter::once((&diag.primary, true)).chain(diag.secondary.iter().map(|l| (l, false)));
    let mut groups: Vec<Group<'a>> = Vec::new();
    for (label, primary) in all {
        let (line, col) = sources.get(label.span.file).line_col(label.span.start);
        let placed = Placed {
            label,
            primary,
            line,
            col,
        };
        match groups.iter_mut().find(|g| g.file == label.span.file) {
            Some(g) => g.labels.push(placed),
            None => groups.push(Group {
                file: label.span.file,
                labels: vec![placed],
            }),
        }
    }
    for g in &mut groups {
        g.labels.sort_by_key(|p| (p.line, p.col, !p.primary));
    }
    groups
}

/// The part of a long source line that is shown: lines wider than
/// [`Window::WIDTH`] characters are cut around the label, with `...` marking
/// what was left out.
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    /// Characters skipped at the start of the line.
    skip: usize,
    /// Whether the line goes on past the window.
    cut_end: bool,
}

impl Window {
    const WIDTH: usize = 100;
    /// Characters of context kept before the label in a cut line.
    const LEAD: usize = 20;

    fn around(text: &str, col: usize) -> Self {
        let len = text.chars().count();
        if len <= Self::WIDTH {
            return Self::default();
        }
        let skip = (col - 1).saturating_sub(Self::LEAD).min(len - Self::WIDTH);
        Self {
            skip,
            cut_end: skip + Self::WIDTH < len,
        }
    }

    fn show(self, text: &str) -> String {
        let body: String = text.chars().skip(self.skip).take(Self::WIDTH).collect();
        let head = if self.skip > 0 { "..." } else { "" };
        let tail = if self.cut_end { "..." } else { "" };
        format!("{head}{body}{tail}")
    }

    /// Where a 1-based column of the line lands in the shown text.
    fn column(self, col: usize) -> usize {
        let head = if self.skip > 0 { 3 } else { 0 };
        let last = Self::WIDTH + head + usize::from(self.cut_end) * 3 + 1;
        (col.saturating_sub(self.skip) + head).clamp(1, last)
    }
}

/// Draws the gutter, source lines and underlines of one diagnostic.
struct Painter {
    palette: Palette,
    /// The severity's colour, for primary underlines.
    style: Style,
    /// Width of the widest line number.
    width: usize,
}

impl Painter {
    fn empty_gutter(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "{} {}",
            " ".repeat(self.width),
            paint(self.palette.gutter, "|")
        );
    }

    fn excerpt(&self, out: &mut String, file: &SourceFile, labels: &[Placed<'_>]) {
        let bar = paint(self.palette.gutter, "|");
        let mut last_line: Option<usize> = None;
        let mut window = Window::default();
        for placed in labels {
            if last_line != Some(placed.line) {
                if last_line.is_some_and(|l| placed.line > l + 1) {
                    let _ = writeln!(out, "{}", paint(self.palette.gutter, "..."));
                }
                let text = visible(&file.line(placed.line).replace('\t', " ")).into_owned();
                window = Window::around(&text, placed.col);
                let number = format!("{:>width$}", placed.line, width = self.width);
                let _ = writeln!(
                    out,
                    "{} {bar} {}",
                    paint(self.palette.gutter, &number),
                    window.show(&text)
                );
                last_line = Some(placed.line);
            }
            let _ = writeln!(
                out,
                "{} {bar} {}",
                " ".repeat(self.width),
                self.underline(file, placed, window)
            );
        }
    }

    /// `^^^ label` under the span (`---` for secondary labels); a span that
    /// runs past its line is underlined to the end of the line.
    fn underline(&self, file: &SourceFile, placed: &Placed<'_>, window: Window) -> String {
        let text = file.line(placed.line);
        let (end_line, end_col) = file.line_col(placed.label.span.end);
        let end_col = if end_line == placed.line {
            end_col
        } else {
            text.chars().count() + 1
        };
        let (col, end_col) = (window.column(placed.col), window.column(end_col));
        let marks = end_col.saturating_sub(col).max(1);
        let placed = Placed { col, ..*placed };
        let (mark, style) = if placed.primary {
            ("^", self.style)
        } else {
            ("-", self.palette.secondary)
        };
        let label = if placed.label.text.is_empty() {
            String::new()
        } else {
            format!(" {}", visible(&placed.label.text))
        };
        paint(
            style,
            &format!(
                "{}{}{label}",
                " ".repeat(placed.col - 1),
                mark.repeat(marks)
            ),
        )
    }
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
