//! The run loop: show the step, take the reply, drive the session. The
//! same loop serves every front end.

use super::resume_hint;
use crate::answers::{misfit_of, AnswerValue, Presets, Problem};
use crate::interp::{Answer, AnswerError, Session};
use crate::model::{NodeId, NodeKind};
use crate::output;
use crate::prompt::{views, Block, Command, Doc, Progress, Prompter, Reply, Step, Tone};
use crate::save::{self, SaveFile, Start};
use crate::wording::{answer_label, hook_failure};
use anyhow::bail;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Outcome,
    Quit,
    Eof,
    Interrupted,
}

/// A session and everything around it: answers given ahead of time,
/// saving, and what to offer when the person goes back.
pub struct Driver<'m> {
    session: Session<'m>,
    start: Start,
    progress: Progress,
    presets: Presets,
    /// `--save FILE`: written after every change.
    autosave: Option<PathBuf>,
    /// The file the current state is saved in, if it is saved.
    saved_to: Option<PathBuf>,
    /// Answers undone with back, offered again when the step comes back.
    undone: HashMap<NodeId, Answer>,
    tree_file: PathBuf,
    /// The files this run read, which a save never writes over.
    inputs: output::Inputs,
    /// A private run never saves.
    private: bool,
    /// `--debug`: show hook output as it is printed.
    pub debug: bool,
    /// How many lines of hook output were shown.
    log_shown: usize,
}

impl<'m> Driver<'m> {
    pub fn new(
        session: Session<'m>,
        start: Start,
        presets: Presets,
        autosave: Option<PathBuf>,
        tree_file: PathBuf,
        inputs: output::Inputs,
    ) -> Self {
        let progress = Progress::new(session.model());
        Self {
            session,
            start,
            progress,
            presets,
            autosave,
            saved_to: None,
            undone: HashMap::new(),
            tree_file,
            inputs,
            private: false,
            debug: false,
            log_shown: 0,
        }
    }

    /// Make this a private run: saving is refused and quitting never asks
    /// to save.
    pub fn set_private(&mut self, private: bool) {
        self.private = private;
    }

    pub fn session(&self) -> &Session<'m> {
        &self.session
    }

    /// Where the answers are saved, when the latest state is saved.
    pub fn saved_to(&self) -> Option<&Path> {
        self.saved_to.as_deref()
    }

    /// Ids of steps answered ahead of time that the run never reached.
    pub fn unused_presets(&self) -> Vec<String> {
        let model = self.session.model();
        self.presets
            .unused()
            .iter()
            .map(|n| format!("`{}`", model.node(*n).id))
            .collect()
    }

    /// Replay a saved session and say how far it got.
    ///
    /// # Errors
    /// When the front end fails.
    pub fn resume(&mut self, p: &mut dyn Prompter, saved: &SaveFile) -> anyhow::Result<()> {
        let resumed = save::replay(&mut self.session, saved);
        let tone = if resumed.misfit.is_some() {
            Tone::Warning
        } else {
            Tone::Info
        };
        p.notify(tone, &resumed.message(self.session.model().version))?;
        if self.autosave.is_some() {
            self.changed(p)?;
        }
        Ok(())
    }

    /// Run until an outcome, a quit, the end of input or Ctrl-C.
    ///
    /// # Errors
    /// When an answer given ahead of time does not fit the path, or the
    /// front end fails.
    pub fn go(&mut self, p: &mut dyn Prompter) -> anyhow::Result<End> {
        loop {
            self.show_log(p)?;
            if self.session.is_finished() {
                match self.outcome(p)? {
                    Some(end) => return Ok(end),
                    None => continue,
                }
            }
            let mut step = Step::current(&mut self.session, &self.progress);
            step.previous = self.undone.get(&step.node).cloned();
            if let Some((value, answer)) = self.presets.take(step.node) {
                self.preset(p, &step, value, answer)?;
                continue;
            }
            let end = match p.ask(&step)? {
                Reply::Answer(answer) => {
                    self.answer(p, &step, answer)?;
                    None
                }
                Reply::Command(command) => self.command(p, &step, command)?,
                Reply::Eof => Some(End::Eof),
                Reply::Interrupted => Some(End::Interrupted),
            };
            if let Some(end) = end {
                return Ok(end);
            }
        }
    }

    /// With `--debug`, the hook output printed since the last look (going
    /// back removes lines, which are then not shown again).
    fn show_log(&mut self, p: &mut dyn Prompter) -> anyhow::Result<()> {
        let log = self.session.log();
        if !self.debug || self.log_shown >= log.len() {
            self.log_shown = self.log_shown.min(log.len());
            return Ok(());
        }
        let lines: Vec<String> = log[self.log_shown..]
            .iter()
            .map(|l| format!("debug: {}", views::log_line(l)))
            .collect();
        self.log_shown = log.len();
        Ok(p.notify(Tone::Info, &lines.join("\n"))?)
    }

    /// Show the outcome; a terminal may then go back, start over or save.
    fn outcome(&mut self, p: &mut dyn Prompter) -> anyhow::Result<Option<End>> {
        p.show_outcome(&views::outcome(&self.session))?;
        loop {
            match p.after_outcome()? {
                Reply::Command(Command::Back) => {
                    self.back(p)?;
                    return Ok(None);
                }
                Reply::Command(Command::Restart) => {
                    self.restart(p)?;
                    return Ok(None);
                }
                Reply::Command(Command::Save(path)) => self.save(p, path)?,
                Reply::Interrupted => return Ok(Some(End::Interrupted)),
                _ => return Ok(Some(End::Outcome)),
            }
        }
    }

    fn preset(
        &mut self,
        p: &mut dyn Prompter,
        step: &Step,
        value: AnswerValue,
        answer: Answer,
    ) -> anyhow::Result<()> {
        let model = self.session.model();
        let label = answer_label(model, step.node, &answer, self.session.vars());
        if let Err(e) = self.session.answer(answer) {
            let problem = Problem {
                node: step.id.clone(),
                value: Some(value),
                misfit: misfit_of(model, step.node, &e),
            };
            bail!("the answer given ahead of time does not fit: {problem}");
        }
        let question = crate::prompt::screen::short_form(&step.text, 60);
        p.notify(
            Tone::Info,
            &format!("{question} → {label} (given ahead of time)"),
        )?;
        self.changed(p)
    }

    fn answer(&mut self, p: &mut dyn Prompter, step: &Step, answer: Answer) -> anyhow::Result<()> {
        match self.session.answer(answer) {
            Ok(()) => {
                self.undone.remove(&step.node);
                self.changed(p)
            }
            Err(AnswerError::Eval(e)) => {
                let text = format!(
                    "{} You can choose another answer, go back, save your answers or stop.",
                    hook_failure(self.session.model(), &e)
                );
                Ok(p.notify(Tone::Warning, &text)?)
            }
            Err(other) => Ok(p.notify(Tone::Warning, &other.to_string())?),
        }
    }

    fn command(
        &mut self,
        p: &mut dyn Prompter,
        step: &Step,
        command: Command,
    ) -> anyhow::Result<Option<End>> {
        match command {
            Command::Back => self.back(p)?,
            Command::Restart => self.restart(p)?,
            Command::Why => p.show(&views::why(&self.session, step))?,
            Command::Help => p.show(&self.help(step, p.uses_keys()))?,
            Command::Save(path) => self.save(p, path)?,
            Command::Quit => return self.quit(p),
        }
        Ok(None)
    }

    /// The help screen; a private run does not list saving.
    fn help(&self, step: &Step, keys: bool) -> Doc {
        let mut doc = views::help(step, keys);
        if self.private {
            for block in &mut doc.blocks {
                if let Block::Lines(lines) = block {
                    lines.retain(|l| !l.starts_with("save") && !l.starts_with(":save"));
                }
            }
        }
        doc
    }

    /// Undo the last real answer; info steps read on the way are undone
    /// with it, so back always lands on a question.
    fn back(&mut self, p: &mut dyn Prompter) -> anyhow::Result<()> {
        let model = self.session.model();
        let is_info = |n: NodeId| matches!(model.node(n).kind, NodeKind::Info { .. });
        if self.session.history().iter().all(|r| is_info(r.node)) {
            p.notify(
                Tone::Info,
                "This is the first question; there is nothing to go back to.",
            )?;
            return Ok(());
        }
        while let Some(record) = self.session.history().last().cloned() {
            self.session.back();
            if !is_info(record.node) {
                self.undone.insert(record.node, record.answer);
                break;
            }
        }
        self.changed(p)
    }

    fn restart(&mut self, p: &mut dyn Prompter) -> anyhow::Result<()> {
        self.session.restart();
        self.undone.clear();
        p.notify(Tone::Info, "Starting again from the beginning.")?;
        self.changed(p)
    }

    /// Save to the named file, the `--save` file, or a file the person
    /// names now.
    fn save(&mut self, p: &mut dyn Prompter, path: Option<PathBuf>) -> anyhow::Result<()> {
        if self.private {
            return Ok(p.notify(
                Tone::Info,
                "Saving is off in a private run: nothing is written to disk. (Run with --no-private to save.)",
            )?);
        }
        let target = match path.or_else(|| self.autosave.clone()) {
            Some(path) => Some(path),
            None => p.ask_save_path(None)?,
        };
        let Some(target) = target else {
            if !p.uses_keys() {
                p.notify(Tone::Info, "To save, name a file: :save FILE")?;
            }
            return Ok(());
        };
        match self.write(&target) {
            Ok(()) => {
                let text = format!(
                    "Saved your answers to {}.\nTo go on later: {}",
                    target.display(),
                    resume_hint(&self.tree_file, &target)
                );
                Ok(p.notify(Tone::Info, &text)?)
            }
            Err(e) => Ok(p.notify(Tone::Warning, &format!("Could not save: {e}"))?),
        }
    }

    fn quit(&mut self, p: &mut dyn Prompter) -> anyhow::Result<Option<End>> {
        if !self.private && self.saved_to.is_none() && !self.session.history().is_empty() {
            match p.confirm_quit()? {
                None => return Ok(None),
                Some(true) => {
                    self.save(p, None)?;
                    if self.saved_to.is_none() {
                        return Ok(None);
                    }
                }
                Some(false) => {}
            }
        }
        Ok(Some(End::Quit))
    }

    /// The state changed: it is no longer saved, unless autosave writes it.
    fn changed(&mut self, p: &mut dyn Prompter) -> anyhow::Result<()> {
        self.saved_to = None;
        if let Some(path) = self.autosave.clone() {
            if let Err(e) = self.write(&path) {
                p.notify(Tone::Warning, &format!("Could not save: {e}"))?;
            }
        }
        Ok(())
    }

    fn write(&mut self, path: &Path) -> Result<(), output::OutputError> {
        save::write(
            path,
            &SaveFile::capture(&self.session, &self.start),
            &self.inputs,
        )?;
        self.saved_to = Some(path.to_path_buf());
        Ok(())
    }
}
