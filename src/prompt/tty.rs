//! The terminal prompter: arrow-key menus (inquire), checklists as
//! multi-select, validated number and text input, a progress hint above
//! each question and the question's help below it.
//!
//! Commands are reachable from every prompt: Esc opens a small menu (back,
//! why, start over, save, help, quit), and in menus typing `:` followed by a
//! command name (`:why`) filters the list down to that command. Text and
//! number inputs accept typed commands too.

use super::screen::{Doc, WIDTH};
use super::step::{Shown, Step, StepKind};
use super::{parse_command, unescape_colon, Command, Prompter, Reply, Tone};
use crate::interp::Answer;
use anstyle::{AnsiColor, Effects, Style};
use inquire::error::CustomUserError;
use inquire::validator::Validation;
use inquire::{InquireError, MultiSelect, Select, Text};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file name offered when a person saves without naming one.
pub const DEFAULT_SAVE: &str = "guidetree-session.json";

const MENU_HELP: &str = "↑↓ move · Enter choose · Esc for back, why, save, quit";
const CHECK_HELP: &str = "↑↓ move · Space tick · Enter done · Esc for back, why, save, quit";
const INFO_HELP: &str = "Enter to go on · Esc for back, why, save, quit";

/// Menus and prompts on the terminal. Questions and screens go to stderr
/// (where inquire draws); the outcome goes to its own stream.
pub struct TtyPrompter {
    outcome: Box<dyn Write>,
    /// A private run: saving is not offered.
    private: bool,
}

impl fmt::Debug for TtyPrompter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TtyPrompter")
    }
}

impl TtyPrompter {
    /// A prompter writing the outcome screen to `outcome`.
    #[must_use]
    pub fn new(outcome: Box<dyn Write>) -> Self {
        if !colours_on() {
            inquire::set_global_render_config(inquire::ui::RenderConfig::empty());
        }
        Self {
            outcome,
            private: false,
        }
    }

    /// Offer no saving (a private run).
    #[must_use]
    pub fn private(mut self, private: bool) -> Self {
        self.private = private;
        self
    }

    fn header(&self, step: &Step) -> io::Result<()> {
        let mut doc = Doc::new();
        if let Some(hint) = &step.hint {
            doc.push(super::Block::Note(hint.clone()));
        }
        let mut err = anstream::stderr();
        writeln!(err)?;
        write!(err, "{}", doc.styled())?;
        let bold = Style::new().effects(Effects::BOLD);
        for line in super::screen::wrap(&step.text, WIDTH, "") {
            writeln!(err, "{bold}{line}{bold:#}")?;
        }
        if let Some(help) = &step.help {
            let quiet = Style::new().effects(Effects::ITALIC | Effects::DIMMED);
            for line in super::screen::wrap(help, WIDTH, "") {
                writeln!(err, "{quiet}{line}{quiet:#}")?;
            }
        }
        if let StepKind::Info { advice } = &step.kind {
            for a in advice {
                writeln!(err, "  • {a}")?;
            }
        }
        if let StepKind::Blocked { message } = &step.kind {
            let warn = Style::new().fg_color(Some(AnsiColor::Yellow.into()));
            writeln!(err, "{warn}{message}{warn:#}")?;
        }
        err.flush()
    }

    /// One attempt at the step's prompt. `Ok(None)` means Esc was pressed.
    fn prompt(&self, step: &Step) -> Result<Option<Reply>, InquireError> {
        let reply = match &step.kind {
            StepKind::Choose(options) => choose(options, step.previous.as_ref(), self.private)?,
            StepKind::Check(items) => check(items, step.previous.as_ref(), self.private)?,
            StepKind::Number { .. } | StepKind::Text { .. } => typed(step)?,
            StepKind::Info { .. } => go_on(self.private)?,
            StepKind::Blocked { .. } => return Ok(None),
        };
        Ok(reply)
    }
}

impl Prompter for TtyPrompter {
    fn ask(&mut self, step: &Step) -> io::Result<Reply> {
        self.header(step)?;
        loop {
            match self.prompt(step) {
                Ok(Some(reply)) => return Ok(reply),
                Ok(None) | Err(InquireError::OperationCanceled) => {
                    if let Some(reply) = command_menu(step, self.private)? {
                        return Ok(reply);
                    }
                }
                Err(InquireError::OperationInterrupted) => return Ok(Reply::Interrupted),
                Err(e) => return Err(io_error(e)),
            }
        }
    }

    fn show(&mut self, doc: &Doc) -> io::Result<()> {
        let mut err = anstream::stderr();
        writeln!(err)?;
        write!(err, "{}", doc.styled())?;
        err.flush()
    }

    fn show_outcome(&mut self, doc: &Doc) -> io::Result<()> {
        writeln!(self.outcome)?;
        write!(self.outcome, "{}", doc.styled())?;
        self.outcome.flush()
    }

    fn notify(&mut self, tone: Tone, text: &str) -> io::Result<()> {
        let style = match tone {
            Tone::Info => Style::new().effects(Effects::DIMMED),
            Tone::Warning => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        };
        let mut err = anstream::stderr();
        for line in super::screen::wrap(text, WIDTH, "") {
            writeln!(err, "{style}{line}{style:#}")?;
        }
        err.flush()
    }

    fn ask_save_path(&mut self, suggested: Option<&Path>) -> io::Result<Option<PathBuf>> {
        let default =
            suggested.map_or_else(|| DEFAULT_SAVE.to_string(), |p| p.display().to_string());
        let answer = Text::new("Save to which file?")
            .with_default(&default)
            .with_help_message("Enter to save · Esc to cancel")
            .prompt_skippable();
        match answer {
            Ok(Some(path)) if !path.trim().is_empty() => Ok(Some(PathBuf::from(path.trim()))),
            Ok(_) | Err(InquireError::OperationInterrupted) => Ok(None),
            Err(e) => Err(io_error(e)),
        }
    }

    fn after_outcome(&mut self) -> io::Result<Reply> {
        let mut choices = vec!["I'm done", "Go back one answer", "Start over"];
        if !self.private {
            choices.push("Save my answers");
        }
        let picked = Select::new("What now?", choices)
            .with_help_message("↑↓ move · Enter choose")
            .raw_prompt();
        Ok(Reply::Command(match picked.map(|p| p.index) {
            Ok(1) => Command::Back,
            Ok(2) => Command::Restart,
            Ok(3) => Command::Save(None),
            Ok(_) | Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => {
                Command::Quit
            }
            Err(e) => return Err(io_error(e)),
        }))
    }

    fn confirm_quit(&mut self) -> io::Result<Option<bool>> {
        let choices = vec!["Keep going", "Save, then stop", "Stop without saving"];
        let picked = Select::new("Your answers are not saved yet.", choices)
            .with_help_message("↑↓ move · Enter choose · Esc to keep going")
            .raw_prompt();
        match picked.map(|p| p.index) {
            Ok(1) => Ok(Some(true)),
            Ok(2) => Ok(Some(false)),
            Ok(_) | Err(InquireError::OperationCanceled) => Ok(None),
            Err(InquireError::OperationInterrupted) => Ok(Some(false)),
            Err(e) => Err(io_error(e)),
        }
    }

    fn uses_keys(&self) -> bool {
        true
    }
}

/// An entry of a menu: one of the step's choices, or a command that only
/// shows once `:` is typed.
#[derive(Debug, Clone)]
enum Entry {
    Pick(usize, String),
    Cmd(&'static str, &'static str),
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::Pick(_, label) => f.write_str(label),
            Entry::Cmd(name, what) => write!(f, ":{name}  {what}"),
        }
    }
}

/// Keep the menu's own order; show commands only after a typed `:`, and
/// choices whose label contains the typed text otherwise.
fn score(input: &str, entry: &Entry, _: &str, index: usize) -> Option<i64> {
    let order = -i64::try_from(index).unwrap_or(i64::MAX);
    match (input.strip_prefix(':'), entry) {
        (Some(rest), Entry::Cmd(name, _)) => name.starts_with(rest.trim()).then_some(order),
        (None, Entry::Pick(_, label)) => label
            .to_lowercase()
            .contains(&input.to_lowercase())
            .then_some(order),
        _ => None,
    }
}

fn with_commands(mut entries: Vec<Entry>) -> Vec<Entry> {
    entries.extend(
        Command::ALL
            .iter()
            .map(|(name, what)| Entry::Cmd(name, what)),
    );
    entries
}

fn command_named(name: &str) -> Command {
    match name {
        "back" => Command::Back,
        "why" => Command::Why,
        "restart" => Command::Restart,
        "save" => Command::Save(None),
        "help" => Command::Help,
        _ => Command::Quit,
    }
}

fn menu(
    message: &str,
    entries: Vec<Entry>,
    cursor: usize,
    help: &str,
) -> Result<Entry, InquireError> {
    let page = entries
        .iter()
        .filter(|e| matches!(e, Entry::Pick(..)))
        .count()
        .clamp(7, 15);
    Select::new(message, with_commands(entries))
        .with_scorer(&score)
        .with_formatter(&|picked| match picked.value {
            Entry::Pick(_, label) => label.clone(),
            Entry::Cmd(name, _) => format!(":{name}"),
        })
        .with_starting_cursor(cursor)
        .with_reset_cursor(false)
        .with_page_size(page)
        .with_help_message(help)
        .prompt()
}

/// A key-help line; a private run does not mention saving.
fn key_help(help: &str, private: bool) -> String {
    if private {
        help.replace("why, save, quit", "why, quit")
    } else {
        help.to_string()
    }
}

fn choose(
    options: &[Shown],
    previous: Option<&Answer>,
    private: bool,
) -> Result<Option<Reply>, InquireError> {
    let entries = options
        .iter()
        .enumerate()
        .map(|(i, o)| Entry::Pick(i, o.label.clone()))
        .collect();
    let cursor = match previous {
        Some(Answer::Choose(index)) => options.iter().position(|o| o.index == *index).unwrap_or(0),
        _ => 0,
    };
    Ok(Some(
        match menu("Choose one", entries, cursor, &key_help(MENU_HELP, private))? {
            Entry::Pick(i, _) => Reply::Answer(Answer::Choose(options[i].index)),
            Entry::Cmd(name, _) => Reply::Command(command_named(name)),
        },
    ))
}

fn go_on(private: bool) -> Result<Option<Reply>, InquireError> {
    let entries = vec![Entry::Pick(0, "Go on".into())];
    Ok(Some(
        match menu("Continue", entries, 0, &key_help(INFO_HELP, private))? {
            Entry::Pick(..) => Reply::Answer(Answer::Continue),
            Entry::Cmd(name, _) => Reply::Command(command_named(name)),
        },
    ))
}

fn check(
    items: &[Shown],
    previous: Option<&Answer>,
    private: bool,
) -> Result<Option<Reply>, InquireError> {
    let labels: Vec<String> = items.iter().map(|i| i.label.clone()).collect();
    let ticked: Vec<usize> = match previous {
        Some(Answer::Check(mask)) => items
            .iter()
            .enumerate()
            .filter(|(_, item)| mask & (1 << item.index) != 0)
            .map(|(i, _)| i)
            .collect(),
        _ => Vec::new(),
    };
    let page = items.len().clamp(7, 15);
    let picked = MultiSelect::new("Tick any that apply", labels)
        .with_default(&ticked)
        .with_page_size(page)
        .with_help_message(&key_help(CHECK_HELP, private))
        .raw_prompt()?;
    let mask = picked
        .iter()
        .fold(0u64, |m, p| m | 1 << items[p.index].index);
    Ok(Some(Reply::Answer(Answer::Check(mask))))
}

fn typed(step: &Step) -> Result<Option<Reply>, InquireError> {
    let (help, initial) = match (&step.kind, &step.previous) {
        (StepKind::Number { min, max }, previous) => (
            format!("A whole number from {min} to {max} · Enter to answer · Esc for more"),
            match previous {
                Some(Answer::Number(n)) => n.to_string(),
                _ => String::new(),
            },
        ),
        (StepKind::Text { max_len }, previous) => (
            format!("At most {max_len} characters · Enter to answer · Esc for more"),
            match previous {
                Some(Answer::Text(t)) => t.clone(),
                _ => String::new(),
            },
        ),
        _ => (String::new(), String::new()),
    };
    let check = step.clone();
    let validator = move |input: &str| -> Result<Validation, CustomUserError> {
        match parse_command(input) {
            Some(Ok(_)) => Ok(Validation::Valid),
            Some(Err(message)) => Ok(Validation::Invalid(message.into())),
            None => Ok(match check.parse(unescape_colon(input)) {
                Ok(_) => Validation::Valid,
                Err(invalid) => Validation::Invalid(invalid.0.replace('\n', " ").into()),
            }),
        }
    };
    let line = Text::new("Your answer")
        .with_initial_value(&initial)
        .with_help_message(&help)
        .with_validator(validator)
        .prompt()?;
    Ok(Some(match parse_command(&line) {
        Some(Ok(command)) => Reply::Command(command),
        _ => match step.parse(unescape_colon(&line)) {
            Ok(answer) => Reply::Answer(answer),
            // The validator accepted the line, so this cannot be reached;
            // asking again is the safe answer if it ever is.
            Err(_) => return Ok(None),
        },
    }))
}

/// The menu behind Esc. `Ok(None)` returns to the question.
fn command_menu(step: &Step, private: bool) -> io::Result<Option<Reply>> {
    let blocked = matches!(step.kind, StepKind::Blocked { .. });
    let mut choices = Vec::new();
    if !blocked {
        choices.push(("Return to the question", None));
    }
    choices.extend([
        ("Go back one answer", Some(Command::Back)),
        ("Why am I seeing this?", Some(Command::Why)),
        ("Start over", Some(Command::Restart)),
        ("Save my answers", Some(Command::Save(None))),
        ("Help", Some(Command::Help)),
        ("Quit", Some(Command::Quit)),
    ]);
    if private {
        choices.retain(|(_, c)| !matches!(c, Some(Command::Save(_))));
    }
    let labels: Vec<&str> = choices.iter().map(|(label, _)| *label).collect();
    let picked = Select::new("What would you like to do?", labels)
        .with_help_message("↑↓ move · Enter choose · Esc to return")
        .raw_prompt();
    match picked {
        Ok(p) => Ok(choices[p.index].1.clone().map(Reply::Command)),
        Err(InquireError::OperationCanceled) => Ok(None),
        Err(InquireError::OperationInterrupted) => Ok(Some(Reply::Interrupted)),
        Err(e) => Err(io_error(e)),
    }
}

fn io_error(e: InquireError) -> io::Error {
    match e {
        InquireError::IO(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// Are colours wanted (`--color`, `NO_COLOR`)?
fn colours_on() -> bool {
    match anstream::ColorChoice::global() {
        anstream::ColorChoice::Never => false,
        anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi => true,
        anstream::ColorChoice::Auto => std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty()),
    }
}
