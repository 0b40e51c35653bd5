//! Where characters land on a terminal: a source line as it is drawn under
//! a diagnostic, with every character's display column, so carets line up
//! after tabs and wide characters (CJK, emoji) as well as after ASCII.

use super::visible;
use unicode_width::UnicodeWidthChar;

/// Spaces drawn for one tab, in the source line and under it alike (as
/// rustc does).
pub const TAB_WIDTH: usize = 4;

/// A source line as drawn: control characters made visible, tabs expanded
/// to [`TAB_WIDTH`] spaces.
pub struct ShownLine {
    text: String,
    /// The display column (0-based) at which each character of the
    /// original line starts.
    starts: Vec<usize>,
    /// Display columns the whole line takes.
    width: usize,
}

impl ShownLine {
    pub fn new(line: &str) -> Self {
        let mut text = String::with_capacity(line.len());
        let mut starts = Vec::with_capacity(line.len());
        let mut width = 0;
        for c in visible(line).chars() {
            starts.push(width);
            if c == '\t' {
                text.push_str(&" ".repeat(TAB_WIDTH));
                width += TAB_WIDTH;
            } else {
                text.push(c);
                width += char_width(c);
            }
        }
        Self {
            text,
            starts,
            width,
        }
    }

    /// Display columns the whole line takes.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The display column (1-based) where the 1-based character column
    /// `col` starts; past the end of the line, one column per character.
    pub fn display_column(&self, col: usize) -> usize {
        let index = col.saturating_sub(1);
        match self.starts.get(index) {
            Some(start) => start + 1,
            None => self.width + (index - self.starts.len()) + 1,
        }
    }

    /// The characters that fit in display columns `[from, to)` (0-based); a
    /// wide character cut by either edge is drawn as spaces, so what
    /// follows keeps its column.
    pub fn slice(&self, from: usize, to: usize) -> String {
        let mut out = String::new();
        let mut at = 0;
        for c in self.text.chars() {
            let end = at + char_width(c);
            if at >= from && end <= to {
                out.push(c);
            } else if end > from && at < to {
                out.push_str(&" ".repeat(end.min(to) - at.max(from)));
            }
            at = end;
        }
        out
    }
}

/// Columns one (tab-free, visible) character takes on a terminal.
fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_wide_characters_move_later_columns() {
        let line = ShownLine::new("\t你好 x");
        assert_eq!(line.display_column(1), 1);
        assert_eq!(line.display_column(2), 5);
        assert_eq!(line.display_column(3), 7);
        assert_eq!(line.display_column(5), 10);
        assert_eq!(line.display_column(7), 12);
        assert_eq!(line.width(), 10);
        assert_eq!(line.slice(0, 100), "    你好 x");
    }

    #[test]
    fn a_wide_character_cut_by_the_window_becomes_spaces() {
        let line = ShownLine::new("a你b");
        assert_eq!(line.slice(2, 4), " b");
        assert_eq!(line.slice(0, 2), "a ");
    }
}
