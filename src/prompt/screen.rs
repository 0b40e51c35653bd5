//! Screens of text (an outcome, `why`, help, a notice) as a small document
//! model, rendered plainly for pipes and with a little styling on a
//! terminal. Keeping the words here means every front end says the same
//! thing.

use anstyle::{Effects, Style};

/// Width that paragraphs wrap at.
pub const WIDTH: usize = 76;

/// One block of a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The main heading, underlined.
    Title(String),
    /// A section heading.
    Heading(String),
    /// Running text; existing line breaks are kept, long lines wrap.
    Para(String),
    /// A bulleted list.
    Bullets(Vec<String>),
    /// Indented lines, one per entry.
    Lines(Vec<String>),
    /// A quiet remark (progress, hints).
    Note(String),
}

/// A screen: blocks separated by blank lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

impl Doc {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a block (builder style).
    #[must_use]
    pub fn with(mut self, block: Block) -> Self {
        self.blocks.push(block);
        self
    }

    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// A heading followed by lines, left out when there are no lines.
    pub fn section(&mut self, heading: &str, lines: Vec<String>) {
        if !lines.is_empty() {
            self.push(Block::Heading(heading.to_string()));
            self.push(Block::Lines(lines));
        }
    }

    /// A heading followed by bullets, left out when there are none.
    pub fn bullets(&mut self, heading: &str, items: Vec<String>) {
        if !items.is_empty() {
            self.push(Block::Heading(heading.to_string()));
            self.push(Block::Bullets(items));
        }
    }

    /// Plain text, for pipes and snapshots.
    #[must_use]
    pub fn plain(&self) -> String {
        self.render(false)
    }

    /// Text with bold headings and dim notes, for terminals.
    #[must_use]
    pub fn styled(&self) -> String {
        self.render(true)
    }

    fn render(&self, styled: bool) -> String {
        let paint = |style: Style, text: &str| {
            if styled {
                format!("{style}{text}{style:#}")
            } else {
                text.to_string()
            }
        };
        let bold = Style::new().effects(Effects::BOLD);
        let dim = Style::new().effects(Effects::DIMMED);
        let mut out = String::new();
        let mut previous: Option<&Block> = None;
        for block in &self.blocks {
            // A heading sits right above its content; other blocks are
            // separated by a blank line.
            if previous.is_some_and(|p| !matches!(p, Block::Heading(_))) {
                out.push('\n');
            }
            match block {
                Block::Title(t) => {
                    out.push_str(&paint(bold, t));
                    out.push('\n');
                    out.push_str(&"─".repeat(t.chars().count().min(WIDTH)));
                    out.push('\n');
                }
                Block::Heading(h) => {
                    out.push_str(&paint(bold, h));
                    out.push('\n');
                }
                Block::Para(p) => {
                    for line in wrap(p, WIDTH, "") {
                        out.push_str(&line);
                        out.push('\n');
                    }
                }
                Block::Bullets(items) => {
                    for item in items {
                        for (i, line) in wrap(item, WIDTH - 4, "").into_iter().enumerate() {
                            out.push_str(if i == 0 { "  • " } else { "    " });
                            out.push_str(&line);
                            out.push('\n');
                        }
                    }
                }
                Block::Lines(lines) => {
                    for line in lines {
                        for l in wrap(line, WIDTH - 2, "    ") {
                            out.push_str("  ");
                            out.push_str(&l);
                            out.push('\n');
                        }
                    }
                }
                Block::Note(n) => {
                    for line in wrap(n, WIDTH, "") {
                        out.push_str(&paint(dim, &line));
                        out.push('\n');
                    }
                }
            }
            previous = Some(block);
        }
        out
    }
}

/// Wrap text at `width` characters on spaces, keeping its own line breaks.
/// Continuation lines start with `indent`. A word longer than the width
/// stays whole.
#[must_use]
pub fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.lines() {
        let mut line = String::new();
        let mut len = 0;
        let mut fresh = true;
        for word in raw.split(' ') {
            let wlen = word.chars().count();
            if !fresh && len + 1 + wlen > width {
                out.push(std::mem::take(&mut line).trim_end().to_string());
                line.push_str(indent);
                len = indent.chars().count();
                fresh = true;
            }
            if !fresh {
                line.push(' ');
                len += 1;
            }
            line.push_str(word);
            len += wlen;
            fresh = false;
        }
        out.push(line.trim_end().to_string());
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_on_spaces_and_keeps_line_breaks() {
        assert_eq!(wrap("aa bb cc", 5, ""), ["aa bb", "cc"]);
        assert_eq!(wrap("one\n\ntwo", 10, ""), ["one", "", "two"]);
        assert_eq!(wrap("aa bb cc", 5, "  "), ["aa bb", "  cc"]);
        assert_eq!(wrap("abcdefgh", 3, ""), ["abcdefgh"]);
    }

    #[test]
    fn plain_rendering_separates_blocks_and_skips_empty_sections() {
        let mut doc = Doc::new().with(Block::Title("Rest".into()));
        doc.push(Block::Para("Find a quiet spot.".into()));
        doc.bullets("What you can do", vec!["Drink water".into()]);
        doc.section("Nothing", Vec::new());
        assert_eq!(
            doc.plain(),
            "Rest\n────\n\nFind a quiet spot.\n\nWhat you can do\n  • Drink water\n"
        );
    }
}
