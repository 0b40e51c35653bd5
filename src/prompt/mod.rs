//! Front ends for a run. Every front end implements [`Prompter`]: it shows a
//! [`Step`] and returns the person's [`Reply`]. The run loop in
//! `cmd::run` drives the pure [`Session`](crate::interp::Session) with those
//! replies, so a terminal, a pipe and tests reach the same outcomes.
//!
//! - [`line::LinePrompter`]: numbered options, one answer per line (pipes).
//! - [`tty::TtyPrompter`]: arrow-key menus and checklists (terminals).

pub mod edit;
pub mod line;
pub mod progress;
pub mod screen;
pub mod step;
pub mod tty;
pub mod views;

pub use progress::Progress;
pub use screen::{Block, Doc};
pub use step::{Step, StepKind};

use crate::interp::Answer;
use std::io;
use std::path::PathBuf;

/// What a person did at a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// An answer to the step shown.
    Answer(Answer),
    /// A command such as back or why.
    Command(Command),
    /// The input ended (end of file on a pipe).
    Eof,
    /// Ctrl-C at a terminal prompt.
    Interrupted,
}

/// Commands reachable from every prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Undo the last answer.
    Back,
    /// Start again from the first step.
    Restart,
    /// Show the path so far, the values, and what is hidden here.
    Why,
    /// Save the answers so far, to this file or the run's save file.
    Save(Option<PathBuf>),
    /// Stop the run.
    Quit,
    /// Show the commands and this step's help.
    Help,
}

impl Command {
    /// Every command with a one-line description, in menu order.
    pub const ALL: [(&'static str, &'static str); 6] = [
        ("back", "undo your last answer"),
        ("why", "the path so far, and why you see this"),
        ("restart", "start again from the first question"),
        ("save", "save your answers to a file, to go on later"),
        ("help", "what you can do here"),
        ("quit", "stop here"),
    ];
}

/// A short message during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Something that happened (saved, resumed).
    Info,
    /// Something that needs attention (an answer that did not fit, a hook
    /// that failed).
    Warning,
}

/// A front end: shows steps and screens, and reads replies.
pub trait Prompter {
    /// Show a step and wait for a reply. Invalid answers are handled here
    /// (re-asking with the valid choices), so an [`Reply::Answer`] fits the
    /// step.
    ///
    /// # Errors
    /// When the terminal or the output fails.
    fn ask(&mut self, step: &Step) -> io::Result<Reply>;

    /// Show a screen such as `why` or help.
    ///
    /// # Errors
    /// When writing fails.
    fn show(&mut self, doc: &Doc) -> io::Result<()>;

    /// Show the outcome screen.
    ///
    /// # Errors
    /// When writing fails.
    fn show_outcome(&mut self, doc: &Doc) -> io::Result<()>;

    /// Tell the person something short.
    ///
    /// # Errors
    /// When writing fails.
    fn notify(&mut self, tone: Tone, text: &str) -> io::Result<()>;

    /// Ask where to save when no file was named; `None` to cancel.
    ///
    /// # Errors
    /// When the terminal fails.
    fn ask_save_path(&mut self, suggested: Option<&std::path::Path>)
        -> io::Result<Option<PathBuf>>;

    /// After the outcome is shown: finish (`Command::Quit`) or a command
    /// such as back. Pipes always finish.
    ///
    /// # Errors
    /// When the terminal fails.
    fn after_outcome(&mut self) -> io::Result<Reply>;

    /// Confirm quitting while answers are not saved. `Ok(None)` keeps going;
    /// `Ok(Some(true))` saves first; `Ok(Some(false))` quits without saving.
    ///
    /// # Errors
    /// When the terminal fails.
    fn confirm_quit(&mut self) -> io::Result<Option<bool>>;

    /// Does this front end use keys (menus) rather than typed commands?
    /// Decides how help describes answering.
    fn uses_keys(&self) -> bool;
}

/// Read a typed command such as `:back` or `:save answers.json`. Returns
/// `None` when the line is not a command (it does not start with `:`, or it
/// starts with `::`, which stands for a literal colon).
///
/// # Errors
/// An unknown command, with the list of known ones.
pub fn parse_command(line: &str) -> Option<Result<Command, String>> {
    let line = line.trim();
    let rest = line.strip_prefix(':')?;
    if rest.starts_with(':') {
        return None;
    }
    let (name, arg) = match rest.split_once(char::is_whitespace) {
        Some((name, arg)) => (name, arg.trim()),
        None => (rest, ""),
    };
    Some(match name {
        "back" | "b" => Ok(Command::Back),
        "restart" => Ok(Command::Restart),
        "why" | "w" => Ok(Command::Why),
        "save" | "s" => Ok(Command::Save((!arg.is_empty()).then(|| PathBuf::from(arg)))),
        "quit" | "q" => Ok(Command::Quit),
        "help" | "h" | "?" => Ok(Command::Help),
        _ => Err(format!(
            "There is no command \":{name}\". The commands are :back, :why, :restart, :save FILE, :help and :quit."
        )),
    })
}

/// A text answer typed with a leading `::` stands for one literal colon.
#[must_use]
pub fn unescape_colon(line: &str) -> &str {
    if line.trim_start().starts_with("::") {
        &line.trim_start()[1..]
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_from_lines_starting_with_a_colon() {
        assert_eq!(parse_command(":back"), Some(Ok(Command::Back)));
        assert_eq!(parse_command("  :why "), Some(Ok(Command::Why)));
        assert_eq!(
            parse_command(":save my answers.json"),
            Some(Ok(Command::Save(Some("my answers.json".into()))))
        );
        assert_eq!(parse_command(":save"), Some(Ok(Command::Save(None))));
        assert_eq!(parse_command("back"), None);
        assert_eq!(parse_command("::text"), None);
        assert_eq!(unescape_colon("::text"), ":text");
        let err = parse_command(":jump").unwrap().unwrap_err();
        assert!(err.contains(":jump") && err.contains(":back"), "{err}");
    }
}
