//! The terminal prompter: arrow-key menus (inquire), checklists as
//! multi-select, validated number and text input, a progress hint above
//! each question and the question's help below it.
//!
//! Commands are reachable from every prompt: Esc opens a small menu (back,
//! why, start over, save, help, quit), and in menus typing `:` followed by a
//! command name (`:why`) filters the list down to that command. Text and
//! number inputs accept typed commands too.

use super::screen::{reflow, terminal_width, Doc};
use super::step::{Shown, Step, StepKind};
use super::{parse_command, unescape_colon, Command, Prompter, Reply, Tone};
use crate::interp::Answer;
use crate::model::NodeId;
use anstyle::{AnsiColor, Effects, Style};
use inquire::{InquireError, MultiSelect, Select, Text};
use std::cell::RefCell;
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
    /// Ticks made at a checklist before a command was typed there, kept
    /// for when the checklist is asked again.
    pending: Option<(NodeId, Answer)>,
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
            pending: None,
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
        let width = terminal_width();
        for line in reflow(&step.text, width) {
            writeln!(err, "{bold}{line}{bold:#}")?;
        }
        if let Some(help) = &step.help {
            let quiet = Style::new().effects(Effects::ITALIC | Effects::DIMMED);
            for line in reflow(help, width) {
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
    fn prompt(&mut self, step: &Step) -> Result<Option<Reply>, InquireError> {
        let reply = match &step.kind {
            StepKind::Choose(options) => choose(options, step.previous.as_ref())?,
            StepKind::Check(items) => {
                let previous = match self.pending.take() {
                    Some((node, ticks)) if node == step.node => Some(ticks),
                    _ => step.previous.clone(),
                };
                let (reply, ticks) = check(items, previous.as_ref())?;
                if let (Some(Reply::Command(_)) | None, Some(ticks)) = (&reply, ticks) {
                    self.pending = Some((step.node, ticks));
                }
                reply
            }
            StepKind::Number { .. } | StepKind::Text { .. } => typed(step)?,
            StepKind::Info { .. } => go_on()?,
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
                Err(InquireError::OperationInterrupted) => {
                    clear_below()?;
                    return Ok(Reply::Interrupted);
                }
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
        for line in super::screen::wrap(text, terminal_width(), "") {
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
        let all = [
            "I'm done",
            "Go back one answer",
            "Start over",
            "Save my answers",
        ];
        // A private run offers no saving.
        let choices = &all[..if self.private { 3 } else { 4 }];
        let entries = choices
            .iter()
            .enumerate()
            .map(|(i, label)| Entry::Pick(i, (*label).to_string()))
            .collect();
        let picked = menu(
            "What now?",
            entries,
            (0, OUTCOME_COMMANDS),
            "↑↓ move · Enter choose · or type :back, :restart, :save FILE, :quit",
        );
        Ok(Reply::Command(match picked {
            Ok(Picked::Entry(1)) => Command::Back,
            Ok(Picked::Entry(2)) => Command::Restart,
            Ok(Picked::Entry(3)) => Command::Save(None),
            Ok(Picked::Command(command)) => command,
            Ok(Picked::Entry(_))
            | Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => {
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
        (Some(rest), Entry::Cmd(name, _)) => {
            // The first word names the command (`:save my.json`), as a
            // prefix or as one of the short forms (`:?`).
            let word = rest.split_whitespace().next().unwrap_or("");
            let short = matches!(
                parse_command(&format!(":{word}")),
                Some(Ok(typed)) if same_command(&typed, &command_named(name))
            );
            (name.starts_with(word) || short).then_some(order)
        }
        (None, Entry::Pick(_, label)) => label
            .to_lowercase()
            .contains(&input.to_lowercase())
            .then_some(order),
        _ => None,
    }
}

/// Every command a question offers.
const ALL_COMMANDS: &[&str] = &["back", "why", "restart", "save", "help", "quit"];

/// The commands offered after the outcome (`why` and `help` are about a
/// question).
const OUTCOME_COMMANDS: &[&str] = &["back", "restart", "save", "quit"];

fn with_commands(mut entries: Vec<Entry>, allowed: &[&str]) -> Vec<Entry> {
    entries.extend(
        Command::ALL
            .iter()
            .filter(|(name, _)| allowed.contains(name))
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

fn same_command(a: &Command, b: &Command) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// What was picked in a menu: one of its entries, or a command.
enum Picked {
    Entry(usize),
    Command(Command),
}

/// A menu of `entries` with the commands behind `:`. A command picked after
/// typing it with an argument (`:save my.json`) keeps the argument.
fn menu(
    message: &str,
    entries: Vec<Entry>,
    (cursor, commands): (usize, &[&str]),
    help: &str,
) -> Result<Picked, InquireError> {
    let page = entries
        .iter()
        .filter(|e| matches!(e, Entry::Pick(..)))
        .count()
        .clamp(7, 15);
    let typed = RefCell::new(String::new());
    let scorer = |input: &str, entry: &Entry, text: &str, index: usize| {
        if *typed.borrow() != input {
            input.clone_into(&mut typed.borrow_mut());
        }
        score(input, entry, text, index)
    };
    let picked = Select::new(message, with_commands(entries, commands))
        .with_scorer(&scorer)
        .with_formatter(&|picked| match picked.value {
            Entry::Pick(_, label) => label.clone(),
            Entry::Cmd(name, _) => format!(":{name}"),
        })
        .with_starting_cursor(cursor)
        .with_reset_cursor(false)
        .with_page_size(page)
        .with_help_message(help)
        .prompt()?;
    Ok(match picked {
        Entry::Pick(i, _) => Picked::Entry(i),
        Entry::Cmd(name, _) => {
            let named = command_named(name);
            Picked::Command(match parse_command(&typed.into_inner()) {
                Some(Ok(typed)) if same_command(&typed, &named) => typed,
                _ => named,
            })
        }
    })
}

fn choose(options: &[Shown], previous: Option<&Answer>) -> Result<Option<Reply>, InquireError> {
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
        match menu("Choose one", entries, (cursor, ALL_COMMANDS), MENU_HELP)? {
            Picked::Entry(i) => Reply::Answer(Answer::Choose(options[i].index)),
            Picked::Command(command) => Reply::Command(command),
        },
    ))
}

fn go_on() -> Result<Option<Reply>, InquireError> {
    let entries = vec![Entry::Pick(0, "Go on".into())];
    Ok(Some(
        match menu("Continue", entries, (0, ALL_COMMANDS), INFO_HELP)? {
            Picked::Entry(_) => Reply::Answer(Answer::Continue),
            Picked::Command(command) => Reply::Command(command),
        },
    ))
}

/// A checklist. Typing `:` shows the commands, as in menus; a typed command
/// (`:why` then Enter) runs the command and never submits the ticks, which
/// are returned so the checklist can show them again.
fn check(
    items: &[Shown],
    previous: Option<&Answer>,
) -> Result<(Option<Reply>, Option<Answer>), InquireError> {
    let entries = with_commands(
        items
            .iter()
            .enumerate()
            .map(|(i, item)| Entry::Pick(i, item.label.clone()))
            .collect(),
        ALL_COMMANDS,
    );
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
    // The filter text is only seen by the scorer; keep the latest one to
    // tell a typed command from a submitted checklist.
    let typed = RefCell::new(String::new());
    let scorer = |input: &str, entry: &Entry, text: &str, index: usize| {
        if *typed.borrow() != input {
            input.clone_into(&mut typed.borrow_mut());
        }
        score(input, entry, text, index)
    };
    let formatter = |picked: &[inquire::list_option::ListOption<&Entry>]| {
        if let Some(Ok(_)) = parse_command(&typed.borrow()) {
            return typed.borrow().trim().to_string();
        }
        let labels: Vec<String> = picked.iter().map(|p| p.value.to_string()).collect();
        if labels.is_empty() {
            "(none)".to_string()
        } else {
            labels.join(", ")
        }
    };
    let picked = MultiSelect::new("Tick any that apply", entries)
        .with_default(&ticked)
        .with_page_size(page)
        .with_scorer(&scorer)
        .with_formatter(&formatter)
        .with_help_message(CHECK_HELP)
        .raw_prompt()?;
    let mut mask = 0u64;
    let mut command = None;
    for p in &picked {
        match &p.value {
            Entry::Pick(i, _) => mask |= 1 << items[*i].index,
            Entry::Cmd(name, _) => command = Some(command_named(name)),
        }
    }
    let ticks = Answer::Check(mask);
    let typed = typed.into_inner();
    match (parse_command(&typed), command) {
        (Some(Ok(command)), _) | (None, Some(command)) => {
            Ok((Some(Reply::Command(command)), Some(ticks)))
        }
        // An unknown command: open the command menu, keep the ticks.
        (Some(Err(_)), _) => Ok((None, Some(ticks))),
        (None, None) => Ok((Some(Reply::Answer(ticks)), None)),
    }
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
    let check = |input: &str| -> Result<(), String> {
        match parse_command(input) {
            Some(Ok(_)) => Ok(()),
            Some(Err(message)) => Err(message),
            None => step
                .parse(unescape_colon(input))
                .map(|_| ())
                .map_err(|invalid| invalid.0.replace('\n', " ")),
        }
    };
    let line = match super::edit::read_line("Your answer", &initial, &help, &check) {
        Ok(super::edit::Ending::Done(line)) => line,
        Ok(super::edit::Ending::Cancelled) => return Ok(None),
        Ok(super::edit::Ending::Interrupted) => return Err(InquireError::OperationInterrupted),
        Err(e) => return Err(InquireError::IO(e)),
    };
    Ok(Some(match parse_command(&line) {
        Some(Ok(command)) => Reply::Command(command),
        _ => match step.parse(unescape_colon(&line)) {
            Ok(answer) => Reply::Answer(answer),
            // The check accepted the line, so this cannot be reached;
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
        Err(InquireError::OperationInterrupted) => {
            clear_below()?;
            Ok(Some(Reply::Interrupted))
        }
        Err(e) => Err(io_error(e)),
    }
}

/// After Ctrl-C the cursor rests on the prompt's help line: clear from
/// there down, so the message that follows is not written over it.
fn clear_below() -> io::Result<()> {
    let mut err = io::stderr();
    write!(err, "\r\x1b[J")?;
    err.flush()
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
