//! Screens of text (an outcome, `why`, help, a notice) as a small document
//! model, rendered plainly for pipes and with a little styling on a
//! terminal. Keeping the words here means every front end says the same
//! thing.

use anstyle::{Effects, Style};

/// Width that paragraphs wrap at when the output is not a terminal (pipes,
/// snapshots), so that output is the same everywhere.
pub const WIDTH: usize = 76;

/// The widest a terminal screen wraps at: longer lines are hard to read.
pub const MAX_WIDTH: usize = 100;

/// The width to wrap at on the terminal behind stderr: its width less one
/// column, at least 20 and at most [`MAX_WIDTH`]; [`WIDTH`] when stderr is
/// not a terminal.
#[must_use]
pub fn terminal_width() -> usize {
    terminal_size::terminal_size_of(std::io::stderr()).map_or(WIDTH, |(w, _)| {
        usize::from(w.0).saturating_sub(1).clamp(20, MAX_WIDTH)
    })
}

/// One block of a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The main heading, underlined.
    Title(String),
    /// A section heading.
    Heading(String),
    /// Running text, reflowed with [`reflow`]: lines of a paragraph are
    /// joined and wrapped; blank lines, list items and indented lines keep
    /// their breaks.
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
        self.render(false, WIDTH)
    }

    /// Text with bold headings and dim notes, for terminals, wrapped at the
    /// terminal's width.
    #[must_use]
    pub fn styled(&self) -> String {
        self.render(true, terminal_width())
    }

    /// Plain text wrapped at `width` columns.
    #[must_use]
    pub fn plain_at(&self, width: usize) -> String {
        self.render(false, width)
    }

    fn render(&self, styled: bool, width: usize) -> String {
        let mut out = String::new();
        let mut previous: Option<&Block> = None;
        for block in &self.blocks {
            // A heading sits right above its content; other blocks are
            // separated by a blank line.
            if previous.is_some_and(|p| !matches!(p, Block::Heading(_))) {
                out.push('\n');
            }
            block.render_into(&mut out, styled, width);
            previous = Some(block);
        }
        out
    }
}

impl Block {
    /// Append this block's lines, `width` columns wide, in bold and dim
    /// where `styled`.
    fn render_into(&self, out: &mut String, styled: bool, width: usize) {
        let paint = |style: Style, text: &str| {
            if styled {
                format!("{style}{text}{style:#}")
            } else {
                text.to_string()
            }
        };
        let bold = Style::new().effects(Effects::BOLD);
        match self {
            Block::Title(t) => {
                push_line(out, "", &paint(bold, t));
                push_line(out, "", &"─".repeat(t.chars().count().min(width)));
            }
            Block::Heading(h) => push_line(out, "", &paint(bold, h)),
            Block::Para(p) => reflow(p, width).iter().for_each(|l| push_line(out, "", l)),
            Block::Bullets(items) => {
                for item in items {
                    for (i, line) in reflow(item, width - 4).iter().enumerate() {
                        push_line(out, if i == 0 { "  • " } else { "    " }, line);
                    }
                }
            }
            Block::Lines(lines) => {
                let wrapped = lines.iter().flat_map(|line| wrap(line, width - 2, "    "));
                wrapped.for_each(|l| push_line(out, "  ", &l));
            }
            Block::Note(n) => {
                let dim = Style::new().effects(Effects::DIMMED);
                let lines = wrap(n, width, "");
                lines
                    .iter()
                    .for_each(|l| push_line(out, "", &paint(dim, l)));
            }
        }
    }
}

fn push_line(out: &mut String, lead: &str, line: &str) {
    out.push_str(lead);
    out.push_str(line);
    out.push('\n');
}

/// Wrap text at `width` characters on spaces, keeping its own line breaks.
/// Continuation lines start with `indent`. A word longer than the width
/// stays whole.
#[must_use]
pub fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .lines()
        .flat_map(|raw| crate::wrap::greedy(raw.split(' '), width, indent))
        .map(|line| line.trim_end().to_string())
        .collect();
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// Wrap a text written by a tree's author to `width` columns, the way
/// Markdown reads line breaks: lines next to each other form one paragraph
/// and are joined; a blank line separates paragraphs; a line starting with
/// `-`, `*`, `•` or `1.` (or `1)`) starts a list item, whose continuation
/// lines hang under its text; a line indented more than the paragraph it
/// follows keeps its own line (and its indentation).
#[must_use]
pub fn reflow(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // The block being built: its first-line lead (indentation and list
    // marker), the deepest indentation a line joining it may have, and its
    // words.
    let mut block: Option<(String, usize, String)> = None;
    let flush = |block: &mut Option<(String, usize, String)>, out: &mut Vec<String>| {
        if let Some((lead, _, body)) = block.take() {
            let hang = " ".repeat(lead.chars().count());
            let room = width.saturating_sub(hang.len()).max(10);
            for (i, line) in wrap(&body, room, "").into_iter().enumerate() {
                out.push(format!("{}{line}", if i == 0 { &lead } else { &hang }));
            }
        }
    };
    for line in text.lines() {
        let body = line.trim();
        if body.is_empty() {
            flush(&mut block, &mut out);
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let marker = list_marker(body);
        let joins = match &block {
            Some((_, deepest, _)) => marker.is_none() && indent <= *deepest,
            None => false,
        };
        if joins {
            if let Some((_, _, words)) = &mut block {
                words.push(' ');
                words.push_str(body);
            }
            continue;
        }
        flush(&mut block, &mut out);
        let pad = " ".repeat(indent);
        block = Some(match marker {
            Some(m) => (
                format!("{pad}{} ", &body[..m]),
                indent + m + 1,
                body[m..].trim_start().to_string(),
            ),
            None => (pad, indent + 1, body.to_string()),
        });
    }
    flush(&mut block, &mut out);
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// The length of a list marker (`-`, `*`, `•`, `12.`, `3)`) that starts
/// `line` and is followed by a space.
fn list_marker(line: &str) -> Option<usize> {
    let bullet = ["- ", "* ", "• "].iter().find(|b| line.starts_with(**b));
    if let Some(b) = bullet {
        return Some(b.trim_end().len());
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 4 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 1)
}

/// A short, readable form of a text for one line: its first paragraph,
/// cut after the first sentence when that is long, and at a word with `…`
/// when even that is longer than `max` characters.
#[must_use]
pub fn short_form(text: &str, max: usize) -> String {
    let para: Vec<&str> = text
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect();
    let joined = para.join(" ");
    if joined.chars().count() <= max {
        return joined;
    }
    let sentence_end = joined
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '?' | '!' | ':') && joined[i + c.len_utf8()..].starts_with(' ')
        })
        .map(|(i, c)| i + c.len_utf8());
    if let Some(end) = sentence_end {
        if joined[..end].chars().count() <= max {
            return joined[..end].to_string();
        }
    }
    let mut out = String::new();
    for word in joined.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let out = out.trim_end_matches([',', ';', ':']);
    format!("{out}…")
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
    fn authored_text_is_reflowed_with_its_paragraphs_and_lists_kept() {
        let text = "A first line that the author\nbroke by hand.\n\n- one item\n  goes on\n- two\n    indented stays";
        assert_eq!(
            reflow(text, 40),
            [
                "A first line that the author broke by",
                "hand.",
                "",
                "- one item goes on",
                "- two",
                "    indented stays",
            ]
        );
        assert_eq!(reflow("1. first\n2) second", 20), ["1. first", "2) second"]);
        assert_eq!(reflow("", 20), [""]);
    }

    #[test]
    fn short_forms_end_at_a_sentence_or_a_word() {
        assert_eq!(
            short_form("Is it over?\nTake your time.", 60),
            "Is it over? Take your time."
        );
        assert_eq!(
            short_form(
                "Is it over? Take all the time you need, there is no rush at all.",
                30
            ),
            "Is it over?"
        );
        assert_eq!(
            short_form("How many months has it been since you last spoke", 20),
            "How many months has…"
        );
        assert_eq!(short_form("\nFirst para\n\nSecond", 60), "First para");
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
