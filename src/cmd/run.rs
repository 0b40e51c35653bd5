//! `guidetree run FILE`: answer a tree's questions and get an outcome.
//!
//! On a terminal the questions are arrow-key menus; otherwise (or with
//! `--plain`) numbered options are printed and answers read one per line.
//! Answers can also come ahead of time (`--answers`, `--answer`), the run
//! can start mid-tree (`--from`, `--set`), be saved (`--save`, `:save`) and
//! resumed (`--resume`), and end with a JSON transcript (`--json`).
//!
//! Exit codes: 0 an outcome was reached; 1 the tree has errors or cannot
//! start; 2 bad arguments, answers or save file; 3 the run stopped before an
//! outcome (`:quit` or end of input); 130 Ctrl-C.

mod driver;

use crate::answers::{self, AnswerValue, Presets};
use crate::cmd::{load_checked, EXIT_FAIL, EXIT_OK};
use crate::model::Model;
use crate::prompt::line::LinePrompter;
use crate::prompt::tty::TtyPrompter;
use crate::prompt::Prompter;
use crate::save::{self, Start, StartError};
use crate::transcript::{Status, Transcript};
use anyhow::{anyhow, bail};
use driver::{Driver, End};
use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Exit code when the run stopped before an outcome (quit, end of input).
pub const EXIT_STOPPED: i32 = 3;
/// Exit code after Ctrl-C.
pub const EXIT_INTERRUPTED: i32 = 130;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tree file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Answers given ahead of time, as JSON or TOML (`.toml`): step id →
    /// option id, list of item ids, number or text.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Answer one step ahead of time (repeatable); overrides --answers.
    #[arg(long = "answer", value_name = "STEP=VALUE")]
    pub answer: Vec<String>,
    /// Start at this step instead of the tree's start.
    #[arg(long, value_name = "STEP", conflicts_with = "resume")]
    pub from: Option<String>,
    /// Give a variable a value before starting (repeatable).
    #[arg(long = "set", value_name = "VAR=VALUE", conflicts_with = "resume")]
    pub set: Vec<String>,
    /// Save the session to FILE after every answer (atomically).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Go on with a saved session.
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
    /// Print a JSON transcript on stdout at the end; the conversation goes
    /// to stderr.
    #[arg(long)]
    pub json: bool,
    /// Numbered options and typed answers even on a terminal: no redrawn
    /// menus, one line at a time (for screen readers).
    #[arg(long)]
    pub plain: bool,
    /// Show what hooks print (`print`, `debug`) as the run goes.
    #[arg(long)]
    pub debug: bool,
    /// Leave no trace: never save (no `--save`, no `:save`), clear the
    /// screen when the run ends, and clear it and stop at once on Ctrl-C.
    /// On by default for trees whose header has `quick_exit`.
    #[arg(long, conflicts_with = "save")]
    pub private: bool,
    /// Turn off private mode for a tree whose header asks for it.
    #[arg(long, conflicts_with = "private")]
    pub no_private: bool,
    #[command(flatten)]
    pub load: crate::cmd::LoadArgs,
}

impl Args {
    /// Is this run private? `--private`, or a tree that asks for it unless
    /// `--no-private` or `--save` says otherwise.
    #[must_use]
    pub fn is_private(&self, model: &Model) -> bool {
        self.private || (model.quick_exit && !self.no_private && self.save.is_none())
    }
}

/// Run a tree.
///
/// # Errors
/// Bad answers, a bad save file, bad `--from`/`--set`, or failing output;
/// the CLI reports these with exit code 2.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let Some(checked) = load_checked(&args.file, args.load, "cannot run this tree")? else {
        return Ok(EXIT_FAIL);
    };
    let model = checked.model;
    let inputs = inputs(&model, args);
    check_save_target(args, &inputs)?;
    let presets = presets(&model, args)?;
    let resumed = resumed(args, &model)?;
    let start = match &resumed {
        Some(saved) => saved.start.clone(),
        None => start(args)?,
    };
    let session = match start.session(&model) {
        Ok(session) => session,
        Err(StartError::Usage(message)) => bail!("{message}"),
        Err(StartError::Failed(message)) => {
            writeln!(anstream::stderr(), "error: the run cannot start: {message}")?;
            return Ok(EXIT_FAIL);
        }
    };
    let private = args.is_private(&model);
    on_interrupt(args.save.clone(), args.file.clone(), private);
    let mut driver = Driver::new(
        session,
        start,
        presets,
        args.save.clone(),
        args.file.clone(),
        inputs,
    );
    driver.set_private(private);
    driver.debug = args.debug;
    let end = with_prompter(args, private, |p| {
        if let Some(saved) = &resumed {
            driver.resume(p, saved)?;
        }
        driver.go(p)
    })?;
    if private {
        clear_terminal();
    }
    finish(args, &driver, end, private)
}

/// `--save` must name a regular file that is none of the run's inputs.
fn check_save_target(args: &Args, inputs: &crate::output::Inputs) -> anyhow::Result<()> {
    if let Some(path) = &args.save {
        if crate::output::is_stdout(path) {
            bail!("--save needs a file: standard output carries the conversation");
        }
        crate::output::check_target(path, inputs)?;
    }
    Ok(())
}

/// The saved session `--resume` names, checked against the tree.
fn resumed(args: &Args, model: &Model) -> anyhow::Result<Option<save::SaveFile>> {
    let Some(path) = &args.resume else {
        return Ok(None);
    };
    let saved = save::load(path)?;
    save::check_tree(path, &saved, model)?;
    Ok(Some(saved))
}

/// Wipe what a run showed from the terminal: the screen and, where the
/// terminal supports it, its scrollback. Nothing is written to a pipe.
pub fn clear_terminal() {
    const CLEAR: &[u8] = b"\x1b[H\x1b[2J\x1b[3J";
    if io::stderr().is_terminal() {
        let mut err = io::stderr();
        let _ = err.write_all(CLEAR).and_then(|()| err.flush());
    } else if io::stdout().is_terminal() {
        let mut out = io::stdout();
        let _ = out.write_all(CLEAR).and_then(|()| out.flush());
    }
}

/// Pick the front end: menus on a terminal, lines otherwise.
fn with_prompter(
    args: &Args,
    private: bool,
    go: impl FnOnce(&mut dyn Prompter) -> anyhow::Result<End>,
) -> anyhow::Result<End> {
    let stdin = io::stdin();
    let tty = !args.plain && stdin.is_terminal() && io::stderr().is_terminal();
    let screen: Box<dyn Write> = if args.json {
        Box::new(anstream::stderr())
    } else {
        Box::new(anstream::stdout())
    };
    if tty {
        let mut p = TtyPrompter::new(screen).private(private);
        if private {
            p.notify(
                crate::prompt::Tone::Info,
                "Private run: nothing is saved, and the screen is cleared when you finish. Press Ctrl-C at any time to clear the screen and leave at once.",
            )?;
        }
        go(&mut p)
    } else {
        let echo = !stdin.is_terminal();
        go(&mut LinePrompter::new(stdin.lock(), screen, echo))
    }
}

/// Say how the run ended, print the transcript, pick the exit code.
fn finish(args: &Args, driver: &Driver<'_>, end: End, private: bool) -> anyhow::Result<i32> {
    let session = driver.session();
    // A private run says nothing on the way out: the screen was just
    // cleared, and the exit code tells how it ended.
    let mut err: Box<dyn Write> = if private {
        Box::new(io::sink())
    } else {
        Box::new(anstream::stderr())
    };
    let (status, code) = say_end(&mut err, args, driver, end)?;
    let unused = driver.unused_presets();
    if !unused.is_empty() {
        writeln!(
            err,
            "note: answers given for steps this run did not reach: {}",
            unused.join(", ")
        )?;
    }
    if args.json {
        // Serialised first, so a reader that goes away (`| head -1`) is a
        // plain broken pipe, which keeps the run's exit code.
        let json = serde_json::to_string_pretty(&Transcript::of(session, status))?;
        let mut out = io::stdout().lock();
        crate::cmd::closed_is_fine(writeln!(out, "{json}").and_then(|()| out.flush()))?;
    }
    Ok(code)
}

/// Say how a run that stopped short ended, and whether it was saved; the
/// transcript status and exit code that go with the end.
fn say_end(
    err: &mut dyn Write,
    args: &Args,
    driver: &Driver<'_>,
    end: End,
) -> io::Result<(Status, i32)> {
    let session = driver.session();
    let here = session.model().node(session.current()).id.as_str();
    let saved = driver.saved_to().map_or_else(
        || " Nothing was saved.".to_string(),
        |path| {
            let hint = resume_hint(&args.file, path);
            format!("\nYour answers are saved. To go on: {hint}")
        },
    );
    Ok(match end {
        End::Outcome => (Status::Finished, EXIT_OK),
        End::Quit => {
            writeln!(err, "Stopped at `{here}`, before an outcome.{saved}")?;
            (Status::Quit, EXIT_STOPPED)
        }
        End::Eof => {
            let ended = format!("The input ended at `{here}`, before an outcome.");
            writeln!(err, "{ended}{saved}")?;
            (Status::Eof, EXIT_STOPPED)
        }
        End::Interrupted => {
            writeln!(err, "Stopped.{saved}")?;
            (Status::Interrupted, EXIT_INTERRUPTED)
        }
    })
}

/// `guidetree run TREE --resume FILE`, for messages.
#[must_use]
pub fn resume_hint(tree: &Path, save: &Path) -> String {
    format!(
        "guidetree run {} --resume {}",
        tree.display(),
        save.display()
    )
}

/// The files this run reads, which `--save` and `:save` never write over.
fn inputs(model: &Model, args: &Args) -> crate::output::Inputs {
    let inputs = crate::output::Inputs::of_model(model);
    match &args.answers {
        Some(path) => inputs.with(path, "the answers file"),
        None => inputs,
    }
}

/// Answers from `--answers` and `--answer`, checked against the tree.
fn presets(model: &Model, args: &Args) -> anyhow::Result<Presets> {
    let mut entries = match &args.answers {
        Some(path) => answers::load_file(path)?,
        None => Vec::new(),
    };
    for text in &args.answer {
        let (node, value) = answers::split_assignment(text).map_err(|e| anyhow!("--answer {e}"))?;
        entries.push((node, AnswerValue::Text(value)));
    }
    Presets::resolve(model, entries).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
        anyhow!(
            "these answers do not fit {}:\n{}",
            args.file.display(),
            list.join("\n")
        )
    })
}

/// Where to start, from `--from` and `--set`.
fn start(args: &Args) -> anyhow::Result<Start> {
    let mut set = BTreeMap::new();
    for text in &args.set {
        let (name, value) = answers::split_assignment(text).map_err(|e| anyhow!("--set {e}"))?;
        set.insert(name, value);
    }
    Ok(Start {
        from: args.from.clone(),
        set,
    })
}

/// Ctrl-C outside a menu (menus read it as a key): wait for any save being
/// written, say where the answers are, and stop. In a private run, clear
/// the screen first.
fn on_interrupt(autosave: Option<PathBuf>, tree: PathBuf, private: bool) {
    let _ = ctrlc::set_handler(move || {
        if private {
            clear_terminal();
            std::process::exit(EXIT_INTERRUPTED);
        }
        let _hold = save::hold();
        let saved = autosave
            .as_deref()
            .filter(|p| p.exists())
            .map_or_else(String::new, |p| {
                format!(
                    "\nYour answers are saved. To go on: {}",
                    resume_hint(&tree, p)
                )
            });
        let _ = writeln!(io::stderr(), "\nStopped.{saved}");
        std::process::exit(EXIT_INTERRUPTED);
    });
}
