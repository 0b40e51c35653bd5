//! The one canonical layout of a tree (`guidetree fmt`).
//!
//! The layout is printed from the syntax tree, so it does not depend on how
//! the file was spaced: two spaces of indentation per block, one field per
//! line, single spaces between words, `name: type` in declarations, operators
//! spaced, lists as `a, b`. What the syntax tree does not hold is taken from
//! the source: every comment (see [`comments`]), single blank lines between
//! items and fields, parentheses the author wrote, and string literals as
//! written. Triple-quoted texts are re-indented under their field, which
//! their dedenting makes invisible to the tree.
//!
//! Formatting never changes what a file means: the result is parsed again
//! and its syntax tree compared with the original's, spans aside, before it
//! is handed out.

mod comments;
mod expr;
mod items;

pub use comments::{comments, Comment};

use crate::ast::{Assert, File, Include, Node, VarDecl};
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// Indentation of one block level.
const INDENT: &str = "  ";

/// Why a file could not be formatted.
#[derive(Debug, Clone)]
pub enum FormatError {
    /// The file does not parse: its syntax errors.
    Syntax(Vec<Diagnostic>),
    /// The layout printed would change what the file means (a bug in the
    /// formatter; the file is left alone).
    Unstable(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax(d) => write!(f, "the file has {} syntax error(s)", d.len()),
            FormatError::Unstable(why) => write!(
                f,
                "formatting would change what the file means ({why}); this is a bug in guidetree fmt, please report it with the file"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// Format a tree file's text in the canonical layout.
///
/// # Errors
/// [`FormatError::Syntax`] when the text does not parse, and
/// [`FormatError::Unstable`] when the layout would not parse back to the
/// same syntax tree.
pub fn format_source(text: &str) -> Result<String, FormatError> {
    let file = FileId(0);
    let ast = crate::syntax::parse(file, text).map_err(FormatError::Syntax)?;
    let out = print(text, &ast);
    let again = crate::syntax::parse(file, &out).map_err(|d| {
        FormatError::Unstable(format!(
            "the result does not parse: {}",
            d.first().map_or("", |d| d.message.as_str())
        ))
    })?;
    if !same_tree(&ast, &again) {
        return Err(FormatError::Unstable("the syntax tree differs".into()));
    }
    Ok(out)
}

/// Whether two syntax trees are the same apart from their spans.
#[must_use]
pub fn same_tree(a: &File, b: &File) -> bool {
    without_spans(a) == without_spans(b)
}

/// A file's syntax tree as JSON with every span removed. `quick_exit`
/// records where it was written (a bare span): only its presence counts.
#[must_use]
pub fn without_spans(file: &File) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("span");
                if let Some(at) = map.get_mut("quick_exit") {
                    *at = serde_json::Value::Bool(true);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(file).unwrap_or(serde_json::Value::Null);
    strip(&mut v);
    v
}

/// Print a parsed file in the canonical layout. `src` is the text it was
/// parsed from (for comments, blank lines, parentheses and strings).
#[must_use]
pub fn print(src: &str, file: &File) -> String {
    let mut p = Printer::new(src);
    p.file(file);
    p.finish()
}

// ─── Lines ────────────────────────────────────────────────────────────────

/// One output line (or several, when it holds a triple-quoted text).
#[derive(Debug)]
enum Line {
    Blank,
    Code {
        indent: usize,
        code: String,
        comment: Option<String>,
    },
}

struct Printer<'s> {
    src: &'s str,
    comments: Vec<Comment>,
    /// The first comment not printed yet.
    next: usize,
    /// Where in the source the last printed thing ended.
    last_end: usize,
    /// No blank line before the next line (start of a block).
    at_block_start: bool,
    lines: Vec<Line>,
}

/// One top-level item, for printing in source order.
enum Item<'a> {
    Var(&'a VarDecl),
    Include(&'a Include),
    Node(&'a Node),
    Assert(&'a Assert),
}

impl Item<'_> {
    fn start(&self) -> u32 {
        match self {
            Item::Var(v) => v.span.start,
            Item::Include(i) => i.span.start,
            Item::Node(n) => n.span.start,
            Item::Assert(a) => a.span.start,
        }
    }
}

impl<'s> Printer<'s> {
    fn new(src: &'s str) -> Self {
        Self {
            src,
            comments: comments(src),
            next: 0,
            last_end: 0,
            at_block_start: true,
            lines: Vec::new(),
        }
    }

    /// Whether the source between the last printed thing and `start` has
    /// an empty line.
    fn blank_in_source(&self, start: usize) -> bool {
        let between = self.src.get(self.last_end..start).unwrap_or("");
        let mut newlines = 0;
        for c in between.chars() {
            match c {
                '\n' => newlines += 1,
                c if c.is_whitespace() => {}
                _ => newlines = 0,
            }
            if newlines >= 2 {
                return true;
            }
        }
        false
    }

    /// Start a new line: a blank line first when the source had one (or
    /// `force`), except at the start of a block or the file.
    fn separate(&mut self, start: usize, force: bool) {
        let blank = (force || self.blank_in_source(start)) && !self.at_block_start;
        if blank && !matches!(self.lines.last(), Some(Line::Blank) | None) {
            self.lines.push(Line::Blank);
        }
        self.at_block_start = false;
    }

    /// Print every comment before `start` on lines of their own.
    fn comments_before(&mut self, start: usize, indent: usize, force_blank: bool) {
        let mut force = force_blank;
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= start {
                break;
            }
            let (c_start, text) = (c.start, c.text.clone());
            self.next += 1;
            self.separate(c_start, force);
            force = false;
            self.lines.push(Line::Code {
                indent,
                code: text,
                comment: None,
            });
            self.last_end = c_start + self.comments[self.next - 1].text.len();
        }
        self.separate(start, force);
    }

    /// Print one line of code for the source range `span`, with the
    /// comments before it above, and the comments inside it or after it on
    /// its last line after it.
    fn line(&mut self, span: (usize, usize), indent: usize, code: String, force_blank: bool) {
        let (start, end) = span;
        self.comments_before(start, indent, force_blank);
        self.lines.push(Line::Code {
            indent,
            code,
            comment: None,
        });
        self.last_end = self.last_end.max(end);
        self.trailing(end, indent);
    }

    /// Comments that started before `end`, or after it on the same line,
    /// go after the line just printed: the first at its end, the rest on
    /// lines of their own.
    fn trailing(&mut self, end: usize, indent: usize) {
        let mut first = true;
        while let Some(c) = self.comments.get(self.next) {
            // Only an opening brace may stand between a line and its
            // trailing comment: `question a {  # why`.
            let same_line = c.start >= end
                && self
                    .src
                    .get(end..c.start)
                    .is_some_and(|gap| gap.chars().all(|ch| ch == '{' || ch == ' ' || ch == '\t'));
            if c.start >= end && !same_line {
                break;
            }
            let (c_start, text) = (c.start, c.text.clone());
            self.next += 1;
            if first {
                if let Some(Line::Code { comment, .. }) = self.lines.last_mut() {
                    *comment = Some(text.clone());
                }
                first = false;
            } else {
                self.lines.push(Line::Code {
                    indent,
                    code: text.clone(),
                    comment: None,
                });
            }
            self.last_end = self.last_end.max(c_start + text.len());
        }
    }

    fn finish(mut self) -> String {
        self.comments_before(self.src.len(), 0, false);
        while matches!(self.lines.last(), Some(Line::Blank)) {
            self.lines.pop();
        }
        render(&self.lines)
    }

    // ─── Items ───────────────────────────────────────────────────────────

    fn slice(&self, span: Span) -> &'s str {
        self.src
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    // ─── Strings ─────────────────────────────────────────────────────────

    // ─── Expressions ─────────────────────────────────────────────────────
}

/// The final text: indentation, and trailing comments aligned within each
/// run of one-line lines at the same indentation with no blank line
/// between them, the way an author lines them up by hand.
fn render(lines: &[Line]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let end = run_end(lines, i);
        let run = &lines[i..end];
        // Trailing comments of a run line up one column past its longest
        // line that has one.
        let width = run.iter().filter_map(commented_width).max().unwrap_or(0);
        run.iter()
            .for_each(|line| line.render_into(&mut out, width));
        i = end;
    }
    out
}

/// The columns a line of code takes, if a trailing comment follows it.
fn commented_width(line: &Line) -> Option<usize> {
    match line {
        Line::Code {
            comment: Some(_), ..
        } => Some(line.width()),
        _ => None,
    }
}

impl Line {
    /// The columns the code takes, indentation included.
    fn width(&self) -> usize {
        match self {
            Line::Blank => 0,
            Line::Code { indent, code, .. } => indent * INDENT.len() + code.chars().count(),
        }
    }

    /// Append the line, its trailing comment (if any) starting at column
    /// `width` + 2, unless the code spans several lines.
    fn render_into(&self, out: &mut String, width: usize) {
        let Line::Code {
            indent,
            code,
            comment,
        } = self
        else {
            out.push('\n');
            return;
        };
        out.push_str(&INDENT.repeat(*indent));
        out.push_str(code);
        if let Some(c) = comment {
            let pad = if code.contains('\n') {
                0
            } else {
                width.saturating_sub(self.width())
            };
            out.push_str(&" ".repeat(pad + 2));
            out.push_str(c);
        }
        out.push('\n');
    }
}

/// The end of the run of lines that starts at `i`: one-line lines of code
/// at the same indentation (a blank line, or a line holding a multi-line
/// text, is a run of its own).
fn run_end(lines: &[Line], i: usize) -> usize {
    let one_line = |l: &Line| match l {
        Line::Code { indent, code, .. } if !code.contains('\n') => Some(*indent),
        _ => None,
    };
    let Some(indent) = one_line(&lines[i]) else {
        return i + 1;
    };
    let mut j = i + 1;
    while j < lines.len() && one_line(&lines[j]) == Some(indent) {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(src: &str) -> String {
        match format_source(src) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn finds_comments_outside_strings() {
        let src = "# a\ntree t \"x # not\" { # b\n}\n";
        let found: Vec<String> = comments(src).into_iter().map(|c| c.text).collect();
        assert_eq!(found, ["# a", "# b"]);
    }

    #[test]
    fn spaces_and_indents_a_messy_file() {
        let src = "tree t \"T\"{start a outcomes k}\nvar  x:int=1+2*3\n\n\n\nquestion a{text \"Q\"\noption y \"Y\"{set x=x+1}->b option n \"N\" if x>1->b}\noutcome b{kind k title \"B\"}";
        insta::assert_snapshot!(fmt(src), @r#"
        tree t "T" {
          start a
          outcomes k
        }

        var x: int = 1 + 2 * 3

        question a {
          text "Q"
          option y "Y" { set x = x + 1 } -> b
          option n "N" if x > 1 -> b
        }

        outcome b {
          kind k
          title "B"
        }
        "#);
    }

    #[test]
    fn keeps_comments_and_aligns_trailing_ones() {
        let src = "# top\n\ntree t \"T\" { # header\n  start a # first\n  outcomes k\n  # last in header\n}\nvar x: bool = false # one\nvar long_name: bool = true   # two\n# about a\noutcome a { kind k # the kind\n title \"A\"\n # end of a\n} # after a\n# the end\n";
        insta::assert_snapshot!(fmt(src), @r#"
        # top

        tree t "T" {  # header
          start a  # first
          outcomes k
          # last in header
        }

        var x: bool = false         # one
        var long_name: bool = true  # two

        # about a
        outcome a {
          kind k  # the kind
          title "A"
          # end of a
        }  # after a
        # the end
        "#);
    }

    #[test]
    fn parentheses_follow_precedence_and_the_author() {
        let src = "tree t \"T\" { start a outcomes k }\nvar x: int\nvar b: bool\nbranch a { when (x + 1) * 2 > 3 and (b or x < 1) -> o\nwhen not (b and b) -> o when (not b) == b -> o when (b) -> o else -> o }\noutcome o { kind k title \"O\" }\n";
        let out = fmt(src);
        assert!(
            out.contains("when (x + 1) * 2 > 3 and (b or x < 1) -> o"),
            "{out}"
        );
        assert!(out.contains("when not (b and b) -> o"), "{out}");
        assert!(out.contains("when (not b) == b -> o"), "{out}");
        assert!(out.contains("when b -> o"), "{out}");
    }

    #[test]
    fn reindents_triple_quoted_text() {
        let src = "tree t \"T\" { start a outcomes k }\noutcome a {\nkind k\n      title \"\"\"\n            Line one\n              indented\n\n            after a blank\n      \"\"\"\n}\n";
        insta::assert_snapshot!(fmt(src), @r#"
        tree t "T" {
          start a
          outcomes k
        }

        outcome a {
          kind k
          title """
            Line one
              indented

            after a blank
          """
        }
        "#);
    }

    #[test]
    fn effects_written_one_per_line_stay_so_with_their_comments() {
        let src = "tree t \"T\" { start a outcomes k }\nvar x: int\nvar s: set(p, q)\nquestion a {\n  text \"Q\"\n  option y \"Y\" {\n    set x = 1  # first\n\n    add s p\n    # before remove\n    remove s q\n  } -> o  # after\n}\noutcome o { kind k title \"O\" }\n";
        insta::assert_snapshot!(fmt(src), @r#"
        tree t "T" {
          start a
          outcomes k
        }

        var x: int
        var s: set(p, q)

        question a {
          text "Q"
          option y "Y" {
            set x = 1  # first

            add s p
            # before remove
            remove s q
          } -> o  # after
        }

        outcome o {
          kind k
          title "O"
        }
        "#);
    }

    #[test]
    fn windows_line_endings_tabs_and_operators_come_out_the_same_every_time() {
        let src = "tree t \"T\" {\r\n\tstart a\r\n\toutcomes k\r\n}\r\nvar x: int = -3\r\nvar b: bool\r\n# c\r\nbranch a {\r\n\twhen (b implies b) implies b -> o\r\n\twhen not b == b and -(x + 1) * 2 > x - -1 -> o\r\n\telse -> o\r\n}\r\noutcome o {\r\n\tkind k\r\n\ttitle \"\"\"\r\n\t\tOne\r\n\t\t  two\r\n\t\"\"\"\r\n}\r\n";
        let once = fmt(src);
        assert_eq!(fmt(&once), once);
        assert!(!once.contains('\r'));
        assert!(once.contains("when (b implies b) implies b -> o"), "{once}");
        assert!(
            once.contains("when not b == b and -(x + 1) * 2 > x - -1 -> o"),
            "{once}"
        );
        assert!(
            once.contains("  title \"\"\"\n    One\n      two\n  \"\"\"\n"),
            "{once}"
        );
    }

    #[test]
    fn a_syntax_error_is_reported_not_formatted() {
        assert!(matches!(
            format_source("tree t {"),
            Err(FormatError::Syntax(_))
        ));
    }

    #[test]
    fn a_header_with_quick_exit_moved_by_spacing_still_formats() {
        // `quick_exit` keeps where it was written; spacing before it moves
        // it, which must not count as a change of meaning.
        let src = "tree t \"T\" {\n     start a\n  outcomes k\n  quick_exit\n}\n\noutcome a {\n  kind k\n  title \"A\"\n}\n";
        let out = fmt(src);
        assert!(out.starts_with("tree t \"T\" {\n  start a\n"), "{out}");
        assert!(out.contains("\n  quick_exit\n"), "{out}");
        let without = fmt(&src.replace("  quick_exit\n", ""));
        assert!(!same_tree(
            &crate::syntax::parse(FileId(0), &out).unwrap(),
            &crate::syntax::parse(FileId(0), &without).unwrap()
        ));
    }
}
