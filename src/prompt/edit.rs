//! A one-line editor for number and text answers on a terminal, with the
//! keys a shell has taught people: Ctrl-U, Ctrl-W and Ctrl-K delete, Ctrl-A
//! and Ctrl-E (or Home and End) move to the ends, arrows move, Alt-Left and
//! Alt-Right (or Ctrl-Left and Ctrl-Right) move by words.
//!
//! inquire's text prompt writes Ctrl-U and Ctrl-W into the answer as the
//! letters `u` and `w`; this editor replaces it for typed answers. The pure
//! part, [`Line`] and [`Line::apply`], is tested on its own; [`read_line`]
//! draws it on stderr in raw mode.

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use std::io::{self, Write};

/// The text being edited and the cursor, in characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    chars: Vec<char>,
    cursor: usize,
}

/// An editing key, already told apart from the keys that end editing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    /// Backspace.
    DeleteBack,
    /// Delete.
    DeleteForward,
    /// Ctrl-W, Alt-Backspace: the word before the cursor.
    DeleteWordBack,
    /// Ctrl-U: everything before the cursor.
    DeleteToStart,
    /// Ctrl-K: everything after the cursor.
    DeleteToEnd,
    Left,
    Right,
    WordLeft,
    WordRight,
    Home,
    End,
}

impl Line {
    /// A line holding `text`, with the cursor at its end.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let cursor = chars.len();
        Self { chars, cursor }
    }

    #[must_use]
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// Where the cursor is, in characters from the start.
    #[must_use]
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Apply one editing key.
    pub fn apply(&mut self, edit: Edit) {
        match edit {
            Edit::Insert(c) => {
                self.chars.insert(self.cursor, c);
                self.cursor += 1;
            }
            Edit::DeleteBack if self.cursor > 0 => {
                self.cursor -= 1;
                self.chars.remove(self.cursor);
            }
            Edit::DeleteForward if self.cursor < self.chars.len() => {
                self.chars.remove(self.cursor);
            }
            Edit::DeleteWordBack => {
                let start = self.word_start();
                self.chars.drain(start..self.cursor);
                self.cursor = start;
            }
            Edit::DeleteToStart => {
                self.chars.drain(..self.cursor);
                self.cursor = 0;
            }
            Edit::DeleteToEnd => self.chars.truncate(self.cursor),
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(self.chars.len()),
            Edit::WordLeft => self.cursor = self.word_start(),
            Edit::WordRight => self.cursor = self.word_end(),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.chars.len(),
            Edit::DeleteBack | Edit::DeleteForward => {}
        }
    }

    /// The start of the word before the cursor (spaces before it skipped).
    fn word_start(&self) -> usize {
        let mut i = self.cursor;
        while i > 0 && self.chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !self.chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    /// The end of the word after the cursor.
    fn word_end(&self) -> usize {
        let mut i = self.cursor;
        let n = self.chars.len();
        while i < n && self.chars[i].is_whitespace() {
            i += 1;
        }
        while i < n && !self.chars[i].is_whitespace() {
            i += 1;
        }
        i
    }
}

/// What a key does at the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Edit(Edit),
    Submit,
    Cancel,
    Interrupt,
    /// A key with no meaning here.
    Ignore,
}

/// The meaning of a key press.
#[must_use]
pub fn key_of(key: KeyEvent) -> Key {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let edit = match key.code {
        KeyCode::Enter => return Key::Submit,
        KeyCode::Esc => return Key::Cancel,
        KeyCode::Char('c') if ctrl => return Key::Interrupt,
        KeyCode::Char('d' | 'g') if ctrl => return Key::Cancel,
        KeyCode::Char('j' | 'm') if ctrl => return Key::Submit,
        KeyCode::Char('u') if ctrl => Edit::DeleteToStart,
        KeyCode::Char('w') if ctrl => Edit::DeleteWordBack,
        KeyCode::Char('h') if ctrl => Edit::DeleteBack,
        KeyCode::Char('k') if ctrl => Edit::DeleteToEnd,
        KeyCode::Char('a') if ctrl => Edit::Home,
        KeyCode::Char('e') if ctrl => Edit::End,
        KeyCode::Char('b') if ctrl => Edit::Left,
        KeyCode::Char('f') if ctrl => Edit::Right,
        KeyCode::Char('b') if alt => Edit::WordLeft,
        KeyCode::Char('f') if alt => Edit::WordRight,
        KeyCode::Char(_) if ctrl || alt => return Key::Ignore,
        KeyCode::Char(c) => Edit::Insert(c),
        KeyCode::Backspace if ctrl || alt => Edit::DeleteWordBack,
        KeyCode::Backspace => Edit::DeleteBack,
        KeyCode::Delete => Edit::DeleteForward,
        KeyCode::Left if ctrl || alt => Edit::WordLeft,
        KeyCode::Right if ctrl || alt => Edit::WordRight,
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        _ => return Key::Ignore,
    };
    Key::Edit(edit)
}

/// How a prompt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Enter on an accepted line.
    Done(String),
    /// Esc.
    Cancelled,
    /// Ctrl-C.
    Interrupted,
}

/// Read one line on the terminal: `question` then the answer being typed,
/// and under it `help`, or the message `check` gives for a line it refuses
/// (Enter is refused until `check` accepts the line).
///
/// # Errors
/// When the terminal cannot be put in raw mode or read.
pub fn read_line(
    question: &str,
    initial: &str,
    help: &str,
    check: &dyn Fn(&str) -> Result<(), String>,
) -> io::Result<Ending> {
    terminal::enable_raw_mode()?;
    let result = edit_loop(question, initial, help, check);
    let restored = terminal::disable_raw_mode();
    let ending = result?;
    restored?;
    Ok(ending)
}

fn edit_loop(
    question: &str,
    initial: &str,
    help: &str,
    check: &dyn Fn(&str) -> Result<(), String>,
) -> io::Result<Ending> {
    let mut screen = Screen::default();
    let mut line = Line::new(initial);
    let mut error: Option<String> = None;
    loop {
        screen.draw(question, &line, error.as_deref().unwrap_or(help))?;
        let Event::Key(key) = event::read()? else {
            continue;
        };
        if key.kind == KeyEventKind::Release {
            continue;
        }
        match key_of(key) {
            Key::Edit(edit) => {
                line.apply(edit);
                error = None;
            }
            Key::Submit => match check(&line.text()) {
                Ok(()) => {
                    screen.finish(question, &line.text())?;
                    return Ok(Ending::Done(line.text()));
                }
                Err(message) => error = Some(message),
            },
            Key::Cancel => {
                screen.finish(question, "")?;
                return Ok(Ending::Cancelled);
            }
            Key::Interrupt => {
                screen.clear()?;
                return Ok(Ending::Interrupted);
            }
            Key::Ignore => {}
        }
    }
}

/// The prompt as drawn: how many rows above the cursor belong to it.
#[derive(Default)]
struct Screen {
    rows_above: usize,
}

impl Screen {
    /// Move to the prompt's first row and clear from there down.
    fn clear(&mut self) -> io::Result<()> {
        let mut err = io::stderr();
        if self.rows_above > 0 {
            write!(err, "\x1b[{}A", self.rows_above)?;
        }
        write!(err, "\r\x1b[J")?;
        self.rows_above = 0;
        err.flush()
    }

    fn draw(&mut self, question: &str, line: &Line, note: &str) -> io::Result<()> {
        self.clear()?;
        let width = terminal::size().map_or(80, |(w, _)| usize::from(w).max(10));
        let head = format!("? {question} ");
        let text = line.text();
        let mut err = io::stderr();
        write!(err, "{head}{text}\r\n\x1b[2m[{note}]\x1b[0m")?;
        // Rows: the question line may wrap; the note is the last row.
        let head_len = head.chars().count();
        let line_rows = (head_len + line.chars.len()).max(1).div_ceil(width);
        let note_rows = (note.chars().count() + 2).max(1).div_ceil(width);
        let at = head_len + line.cursor();
        let (row, col) = (at / width, at % width);
        let last_row = line_rows + note_rows - 1;
        let up = last_row - row;
        write!(err, "\x1b[{up}A\r")?;
        if col > 0 {
            write!(err, "\x1b[{col}C")?;
        }
        self.rows_above = row;
        err.flush()
    }

    /// Leave the question with its final answer on the screen.
    fn finish(&mut self, question: &str, answer: &str) -> io::Result<()> {
        self.clear()?;
        let mut err = io::stderr();
        write!(err, "? {question} {answer}\r\n")?;
        err.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(start: &str, edits: &[Edit]) -> (String, usize) {
        let mut line = Line::new(start);
        for e in edits {
            line.apply(*e);
        }
        (line.text(), line.cursor())
    }

    #[test]
    fn line_editing_keys_edit_instead_of_typing_letters() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(key_of(ctrl('u')), Key::Edit(Edit::DeleteToStart));
        assert_eq!(key_of(ctrl('w')), Key::Edit(Edit::DeleteWordBack));
        assert_eq!(key_of(ctrl('k')), Key::Edit(Edit::DeleteToEnd));
        assert_eq!(key_of(ctrl('c')), Key::Interrupt);
        assert_eq!(key_of(ctrl('x')), Key::Ignore);
        let plain = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE);
        assert_eq!(key_of(plain), Key::Edit(Edit::Insert('u')));
    }

    #[test]
    fn deleting_words_and_ends() {
        assert_eq!(
            typed("twelve years", &[Edit::DeleteWordBack]),
            ("twelve ".into(), 7)
        );
        assert_eq!(
            typed("one two  ", &[Edit::DeleteWordBack]),
            ("one ".into(), 4)
        );
        assert_eq!(typed("123", &[Edit::DeleteToStart]), (String::new(), 0));
        assert_eq!(
            typed("abcd", &[Edit::Left, Edit::Left, Edit::DeleteToEnd]),
            ("ab".into(), 2)
        );
        assert_eq!(
            typed(
                "abcd",
                &[Edit::Left, Edit::DeleteToStart, Edit::Insert('x')]
            ),
            ("xd".into(), 1)
        );
        assert_eq!(
            typed("", &[Edit::DeleteBack, Edit::DeleteWordBack]),
            (String::new(), 0)
        );
        assert_eq!(
            typed("a b", &[Edit::Home, Edit::WordRight, Edit::Insert('!')]),
            ("a! b".into(), 2)
        );
    }
}
