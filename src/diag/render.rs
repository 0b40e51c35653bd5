//! Diagnostics on a terminal, the way rustc shows them.

use super::columns::ShownLine;
use super::{visible, Diagnostic, Label, Severity};
use crate::source::{FileId, SourceFile, Sources};
use anstyle::{AnsiColor, Effects, Style};
use std::fmt::Write as _;

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
/// [`Window::WIDTH`] display columns are cut around the label, with `...`
/// marking what was left out.
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    /// Display columns skipped at the start of the line.
    skip: usize,
    /// Whether the line goes on past the window.
    cut_end: bool,
}

impl Window {
    const WIDTH: usize = 100;
    /// Display columns of context kept before the label in a cut line.
    const LEAD: usize = 20;

    /// The window that shows display column `col` (1-based) of `line`.
    fn around(line: &ShownLine, col: usize) -> Self {
        let len = line.width();
        if len <= Self::WIDTH {
            return Self::default();
        }
        let skip = (col - 1).saturating_sub(Self::LEAD).min(len - Self::WIDTH);
        let cut_end = skip + Self::WIDTH < len;
        Self { skip, cut_end }
    }

    fn show(self, line: &ShownLine) -> String {
        let body = line.slice(self.skip, self.skip + Self::WIDTH);
        let head = if self.skip > 0 { "..." } else { "" };
        let tail = if self.cut_end { "..." } else { "" };
        format!("{head}{body}{tail}")
    }

    /// Where a 1-based display column of the line lands in the shown text.
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
        let mut line = ShownLine::new("");
        for placed in labels {
            if last_line != Some(placed.line) {
                if last_line.is_some_and(|l| placed.line > l + 1) {
                    let _ = writeln!(out, "{}", paint(self.palette.gutter, "..."));
                }
                line = ShownLine::new(file.line(placed.line));
                window = Window::around(&line, line.display_column(placed.col));
                let number = format!("{:>width$}", placed.line, width = self.width);
                let _ = writeln!(
                    out,
                    "{} {bar} {}",
                    paint(self.palette.gutter, &number),
                    window.show(&line)
                );
                last_line = Some(placed.line);
            }
            let _ = writeln!(
                out,
                "{} {bar} {}",
                " ".repeat(self.width),
                self.underline(file, &line, placed, window)
            );
        }
    }

    /// `^^^ label` under the span (`---` for secondary labels); a span that
    /// runs past its line is underlined to the end of the line. Columns
    /// are display columns of `line`, the line as drawn.
    fn underline(
        &self,
        file: &SourceFile,
        line: &ShownLine,
        placed: &Placed<'_>,
        window: Window,
    ) -> String {
        let (end_line, end_col) = file.line_col(placed.label.span.end);
        let end_col = if end_line == placed.line {
            line.display_column(end_col)
        } else {
            line.width() + 1
        };
        let col = line.display_column(placed.col);
        let (col, end_col) = (window.column(col), window.column(end_col));
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
