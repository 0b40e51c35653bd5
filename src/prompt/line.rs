//! The line prompter: numbered options on an output stream, one answer per
//! line from an input stream. Used when stdin is not a terminal (pipes,
//! scripts, tests) and with `--plain`.
//!
//! Protocol: each step prints its text and numbered choices, then `> `.
//! A line is a number, an id, a list (checklists), a value (inputs), or a
//! command starting with `:`. Info steps print their text and go on without
//! reading a line. An invalid line gets a message naming the valid choices,
//! and the prompt again. End of input gives [`Reply::Eof`].

use super::screen::{reflow, wrap, Doc, WIDTH};
use super::step::{Shown, Step, StepKind};
use super::{parse_command, unescape_colon, Prompter, Reply, Tone};
use crate::interp::Answer;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

/// Numbered options out, lines in.
#[derive(Debug)]
pub struct LinePrompter<R, W> {
    input: R,
    out: W,
    /// Write each line read back to the output, so a log of a piped run
    /// reads like the conversation it was. Off when a terminal echoes.
    echo: bool,
}

impl<R: BufRead, W: Write> LinePrompter<R, W> {
    #[must_use]
    pub fn new(input: R, out: W, echo: bool) -> Self {
        Self { input, out, echo }
    }

    /// The output stream, for tests.
    pub fn into_output(self) -> W {
        self.out
    }

    /// One line without its line ending; `None` at end of input.
    fn read_line(&mut self) -> io::Result<Option<String>> {
        write!(self.out, "> ")?;
        self.out.flush()?;
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            writeln!(self.out)?;
            return Ok(None);
        }
        let line = line.trim_end_matches(['\n', '\r']).to_string();
        if self.echo {
            writeln!(self.out, "{line}")?;
        }
        Ok(Some(line))
    }

    fn print_step(&mut self, step: &Step) -> io::Result<()> {
        writeln!(self.out)?;
        if let Some(hint) = &step.hint {
            writeln!(self.out, "[{hint}]")?;
        }
        self.prose(&step.text)?;
        if let Some(help) = &step.help {
            self.prose(&format!("({help})"))?;
        }
        match &step.kind {
            StepKind::Choose(options) => self.numbered(options)?,
            StepKind::Check(items) => {
                self.numbered(items)?;
                self.para(
                    "Tick any: numbers or ids separated by commas, or an empty line for none.",
                )?;
            }
            StepKind::Number { min, max } => {
                self.para(&format!("Enter a whole number from {min} to {max}."))?;
            }
            StepKind::Text { max_len } => {
                self.para(&format!("Type your answer (at most {max_len} characters)."))?;
            }
            StepKind::Info { advice } => {
                for a in advice {
                    for (i, line) in wrap(a, WIDTH - 4, "").iter().enumerate() {
                        writeln!(self.out, "{}{line}", if i == 0 { "  • " } else { "    " })?;
                    }
                }
            }
            StepKind::Blocked { message } => {
                self.para(message)?;
                self.para("You can go back (:back), save (:save FILE) or stop (:quit).")?;
            }
        }
        Ok(())
    }

    fn numbered(&mut self, shown: &[Shown]) -> io::Result<()> {
        let width = shown.len().to_string().len();
        for (i, s) in shown.iter().enumerate() {
            writeln!(self.out, "  {:>width$}) {} [{}]", i + 1, s.label, s.id)?;
        }
        Ok(())
    }

    /// A text the tree's author wrote, reflowed.
    fn prose(&mut self, text: &str) -> io::Result<()> {
        for line in reflow(text, WIDTH) {
            writeln!(self.out, "{line}")?;
        }
        Ok(())
    }

    fn para(&mut self, text: &str) -> io::Result<()> {
        for line in wrap(text, WIDTH, "") {
            writeln!(self.out, "{line}")?;
        }
        Ok(())
    }
}

impl<R: BufRead, W: Write> Prompter for LinePrompter<R, W> {
    fn ask(&mut self, step: &Step) -> io::Result<Reply> {
        self.print_step(step)?;
        if matches!(step.kind, StepKind::Info { .. }) {
            return Ok(Reply::Answer(Answer::Continue));
        }
        loop {
            let Some(line) = self.read_line()? else {
                return Ok(Reply::Eof);
            };
            match parse_command(&line) {
                Some(Ok(command)) => return Ok(Reply::Command(command)),
                Some(Err(message)) => self.para(&message)?,
                None => match step.parse(unescape_colon(&line)) {
                    Ok(answer) => return Ok(Reply::Answer(answer)),
                    Err(invalid) => self.para(&invalid.0)?,
                },
            }
        }
    }

    fn show(&mut self, doc: &Doc) -> io::Result<()> {
        writeln!(self.out)?;
        write!(self.out, "{}", doc.plain())?;
        self.out.flush()
    }

    fn show_outcome(&mut self, doc: &Doc) -> io::Result<()> {
        self.show(doc)
    }

    fn notify(&mut self, _tone: Tone, text: &str) -> io::Result<()> {
        self.para(text)?;
        self.out.flush()
    }

    fn ask_save_path(&mut self, _suggested: Option<&Path>) -> io::Result<Option<PathBuf>> {
        Ok(None)
    }

    fn after_outcome(&mut self) -> io::Result<Reply> {
        Ok(Reply::Command(super::Command::Quit))
    }

    fn confirm_quit(&mut self) -> io::Result<Option<bool>> {
        Ok(Some(false))
    }

    fn uses_keys(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::step::Shown;
    use crate::prompt::Command;

    fn step(kind: StepKind) -> Step {
        Step {
            node: crate::model::NodeId(0),
            id: "q".into(),
            hint: Some("Question 1 of 2".into()),
            text: "Pick one".into(),
            help: Some("Any is fine.".into()),
            kind,
            hidden: Vec::new(),
            previous: None,
        }
    }

    fn options() -> StepKind {
        StepKind::Choose(vec![
            Shown {
                index: 0,
                id: "a".into(),
                label: "Apple".into(),
            },
            Shown {
                index: 2,
                id: "c".into(),
                label: "Cherry".into(),
            },
        ])
    }

    fn run(kind: StepKind, input: &str) -> (Reply, String) {
        let mut p = LinePrompter::new(input.as_bytes(), Vec::new(), true);
        let reply = p.ask(&step(kind)).unwrap();
        (reply, String::from_utf8(p.into_output()).unwrap())
    }

    #[test]
    fn invalid_lines_are_refused_until_a_valid_one() {
        let (reply, out) = run(options(), "3\nbanana\n2\n");
        assert_eq!(reply, Reply::Answer(Answer::Choose(2)));
        assert_eq!(
            out,
            "\n[Question 1 of 2]\nPick one\n(Any is fine.)\n  1) Apple [a]\n  2) Cherry [c]\n\
             > 3\n\"3\" is not one of the choices.\nPlease answer with a number from 1 to 2 or an id (a, c).\n\
             > banana\n\"banana\" is not one of the choices.\nPlease answer with a number from 1 to 2 or an id (a, c).\n\
             > 2\n"
        );
    }

    #[test]
    fn commands_and_end_of_input() {
        assert_eq!(run(options(), ":why\n").0, Reply::Command(Command::Why));
        let (reply, out) = run(options(), ":nope\n");
        assert_eq!(reply, Reply::Eof);
        assert!(out.contains("There is no command \":nope\""), "{out}");
        assert!(out.ends_with("> \n"), "{out:?}");
    }

    #[test]
    fn info_steps_go_on_without_reading() {
        let (reply, out) = run(
            StepKind::Info {
                advice: vec!["Breathe".into()],
            },
            "",
        );
        assert_eq!(reply, Reply::Answer(Answer::Continue));
        assert!(
            out.ends_with("Pick one\n(Any is fine.)\n  • Breathe\n"),
            "{out:?}"
        );
    }
}
