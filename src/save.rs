//! Saved sessions: what a person answered, by id, so a run can go on later
//! (`--save FILE`, `:save FILE`, `--resume FILE`).
//!
//! A save file is JSON: the tree's id, version and content hash, where the
//! run started (`--from`, `--set`), every answer by node id in order, and
//! the variables at the time of saving. Writes are atomic: the file is
//! written beside the target, flushed to disk and renamed over it, so a save
//! file is always either the old one or the new one, never half of each.

use crate::answers::{self, AnswerValue, Misfit, Problem};
use crate::diag::did_you_mean;
use crate::ids::saturating_u32;
use crate::interp::{AnswerError, Session};
use crate::model::Model;
use crate::output;
use crate::transcript::variables;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The `format` field of every save file.
pub const FORMAT: &str = "guidetree-session";
/// The layout version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// A saved session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// The layout version, [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The tree's id (`tree hello ...`).
    pub tree: String,
    /// The tree's `version` when saved.
    pub version: u32,
    /// The content hash of the tree's files when saved.
    pub hash: String,
    /// Where the run started, when not at the tree's start.
    #[serde(default, skip_serializing_if = "Start::is_default")]
    pub start: Start,
    /// Every answer, oldest first.
    pub answers: Vec<SavedAnswer>,
    /// Every variable when saved (for people and tools; resuming replays
    /// the answers instead of trusting these).
    #[serde(default)]
    pub variables: BTreeMap<String, serde_json::Value>,
    /// The outcome node, when the run had reached one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

/// One saved answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAnswer {
    pub node: String,
    /// `None` for an info step that was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<AnswerValue>,
}

/// Where a run starts: `--from NODE` and `--set VAR=VALUE`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Start {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Variable values as typed (`minutes = "5"`), applied in name order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, String>,
}

impl Start {
    #[must_use]
    pub fn is_default(&self) -> bool {
        self.from.is_none() && self.set.is_empty()
    }

    /// Start a session here.
    ///
    /// # Errors
    /// An unknown node or variable or a value of the wrong type
    /// ([`StartError::Usage`]), or a hook failing on the way to the first
    /// step ([`StartError::Failed`]).
    pub fn session<'m>(&self, model: &'m Model) -> Result<Session<'m>, StartError> {
        let node = match &self.from {
            None => model.start,
            Some(id) => model.find_node(id).ok_or_else(|| {
                let names = model.nodes.iter().map(|n| n.id.as_str());
                let hint = did_you_mean(id, names).map_or_else(String::new, |h| format!(" ({h})"));
                StartError::Usage(format!("there is no step `{id}` to start from{hint}"))
            })?,
        };
        let mut vars = model.defaults();
        for (name, text) in &self.set {
            let (var, value) = answers::parse_set(model, name, text).map_err(StartError::Usage)?;
            vars[var.index()] = value;
        }
        Session::from_node(model, node, vars).map_err(|e| {
            StartError::Failed(match e {
                AnswerError::Eval(e) => crate::wording::hook_failure(model, &e),
                other => other.to_string(),
            })
        })
    }
}

/// Why a run could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// A bad `--from` or `--set`.
    #[error("{0}")]
    Usage(String),
    /// The tree failed on the way to its first step.
    #[error("{0}")]
    Failed(String),
}

impl SaveFile {
    /// Capture a session.
    #[must_use]
    pub fn capture(session: &Session<'_>, start: &Start) -> Self {
        let model = session.model();
        SaveFile {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            tree: model.id.clone(),
            version: model.version,
            hash: model.hash.clone(),
            start: start.clone(),
            answers: session
                .history()
                .iter()
                .map(|r| SavedAnswer {
                    node: model.node(r.node).id.clone(),
                    answer: answers::from_answer(model, r.node, &r.answer),
                })
                .collect(),
            variables: variables(model, session.vars()),
            outcome: session
                .is_finished()
                .then(|| model.node(session.current()).id.clone()),
        }
    }

    /// The file's bytes: pretty JSON with a final newline.
    ///
    /// # Errors
    /// Never in practice (every field serialises).
    pub fn to_bytes(&self) -> serde_json::Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// Why a save file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the saved session {path}")]
    Io { path: String, source: io::Error },
    #[error("{path} is not a saved session that can be read: {message}")]
    Corrupt { path: String, message: String },
    #[error("{path} was saved by a newer guidetree (save format {found}; this one reads {FORMAT_VERSION})")]
    Newer { path: String, found: u32 },
    #[error("{path} holds a session of the tree `{saved}`, but this tree is `{tree}`")]
    OtherTree {
        path: String,
        saved: String,
        tree: String,
    },
}

/// Read a save file.
///
/// # Errors
/// When the file cannot be read, is not a save file, or is from a newer
/// format.
pub fn load(path: &Path) -> Result<SaveFile, LoadError> {
    let shown = path.display().to_string();
    let bytes =
        crate::load::read_capped(path, crate::load::MAX_DATA_FILE_SIZE).map_err(|source| {
            LoadError::Io {
                path: shown.clone(),
                source,
            }
        })?;
    parse(&bytes, &shown)
}

/// Parse the bytes of a save file; `shown` names the file in errors.
///
/// # Errors
/// When the bytes are not a save file, or are from a newer format.
pub fn parse(bytes: &[u8], shown: &str) -> Result<SaveFile, LoadError> {
    let shown = shown.to_string();
    let corrupt = |message: String| LoadError::Corrupt {
        path: shown.clone(),
        message,
    };
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        corrupt(format!(
            "it is not valid JSON ({})",
            crate::diag::shorten(&e.to_string())
        ))
    })?;
    if value.get("format").and_then(serde_json::Value::as_str) != Some(FORMAT) {
        return Err(corrupt(format!("it has no \"format\": \"{FORMAT}\" field")));
    }
    let found = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    if found > u64::from(FORMAT_VERSION) {
        return Err(LoadError::Newer {
            path: shown,
            found: saturating_u32(found),
        });
    }
    serde_json::from_value(value)
        .map_err(|e| corrupt(crate::diag::shorten(&e.to_string()).into_owned()))
}

/// Check that a save file belongs to this tree.
///
/// # Errors
/// When it was saved for a tree with another id.
pub fn check_tree(path: &Path, save: &SaveFile, model: &Model) -> Result<(), LoadError> {
    if save.tree == model.id {
        Ok(())
    } else {
        Err(LoadError::OtherTree {
            path: path.display().to_string(),
            saved: save.tree.clone(),
            tree: model.id.clone(),
        })
    }
}

/// What resuming restored. Counts are of answers a person gave; info
/// steps that were read are replayed too but not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resumed {
    /// Answers replayed.
    pub restored: usize,
    /// Answers in the file.
    pub total: usize,
    /// The first answer that no longer fits, and why; it is answer
    /// number `restored + 1`.
    pub misfit: Option<Problem>,
    /// The tree's content changed since saving.
    pub changed: bool,
    pub saved_version: u32,
}

impl Resumed {
    /// The message to show after resuming.
    #[must_use]
    pub fn message(&self, version: u32) -> String {
        let mut text = if self.changed {
            let versions = if self.saved_version == version {
                String::new()
            } else {
                format!(" (version {} then, {version} now)", self.saved_version)
            };
            format!("The tree has changed since this session was saved{versions}. ")
        } else {
            String::new()
        };
        let noun = if self.total == 1 { "answer" } else { "answers" };
        match &self.misfit {
            None if !self.changed => {
                text += &format!(
                    "Picking up where you left off ({} {noun} restored).",
                    self.restored
                );
            }
            None => text += &format!("All {} {noun} still fit.", self.total),
            Some(p) => {
                text += &format!(
                    "Restored {} of {} {noun}. Answer {} no longer fits: {p}. You can go on from here.",
                    self.restored,
                    self.total,
                    self.restored + 1
                );
            }
        }
        text
    }
}

/// Replay saved answers by id, stopping at the first that no longer fits.
#[must_use]
pub fn replay(session: &mut Session<'_>, save: &SaveFile) -> Resumed {
    let model = session.model();
    let mut restored = 0;
    let mut misfit = None;
    for saved in &save.answers {
        if let Err(m) = replay_one(session, saved) {
            misfit = Some(Problem {
                node: saved.node.clone(),
                value: saved.answer.clone(),
                misfit: m,
            });
            break;
        }
        restored += usize::from(saved.answer.is_some());
    }
    Resumed {
        restored,
        total: save.answers.iter().filter(|a| a.answer.is_some()).count(),
        misfit,
        changed: save.hash != model.hash,
        saved_version: save.version,
    }
}

/// Replay one saved answer: it must be for the step the session is on and
/// fit it.
///
/// # Errors
/// Why the answer does not fit; the session is unchanged then.
pub fn replay_one(session: &mut Session<'_>, saved: &SavedAnswer) -> Result<(), Misfit> {
    let model = session.model();
    if session.is_finished() {
        return Err(Misfit::Finished);
    }
    let current = session.current();
    if model.node(current).id != saved.node {
        return Err(match model.find_node(&saved.node) {
            None => Misfit::Removed,
            Some(_) => Misfit::Elsewhere {
                asked: model.node(current).id.clone(),
            },
        });
    }
    let answer = match &saved.answer {
        Some(value) => answers::to_answer(model, current, value)?,
        None => crate::interp::Answer::Continue,
    };
    session
        .answer(answer)
        .map_err(|e| answers::misfit_of(model, current, &e))
}

/// Held while a save file is being written; the Ctrl-C handler takes it so
/// the process never stops half way through a write.
static WRITING: Mutex<()> = Mutex::new(());

/// Wait for any save in progress and keep others from starting.
pub fn hold() -> MutexGuard<'static, ()> {
    WRITING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Write a save file atomically (through [`output::write_file`]), never
/// over one of `inputs`. A new save file is readable by its owner only: it
/// holds a person's answers.
///
/// # Errors
/// When the file cannot or may not be written; the old file, if any, is
/// untouched.
pub fn write(
    path: &Path,
    save: &SaveFile,
    inputs: &output::Inputs,
) -> Result<(), output::OutputError> {
    if output::is_stdout(path) {
        return Err(output::OutputError::NeedsFile("a saved session"));
    }
    let bytes = save.to_bytes().map_err(|e| output::OutputError::Io {
        path: path.display().to_string(),
        source: io::Error::other(e),
    })?;
    let _guard = hold();
    output::write_file(path, &bytes, inputs, 0o600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_str;
    use crate::interp::Answer;

    fn model(src: &str) -> Model {
        match check_str(Path::new("trees/hello.tree"), src) {
            Ok(c) => c.model,
            Err(f) => panic!("{:#?}", f.diagnostics),
        }
    }

    fn hello() -> String {
        std::fs::read_to_string("trees/hello.tree").unwrap()
    }

    fn answered(m: &Model) -> Session<'_> {
        let mut s = Session::new(m).unwrap();
        s.answer(Answer::Continue).unwrap();
        s.answer(Answer::Choose(0)).unwrap(); // very tired
        s.answer(Answer::Choose(0)).unwrap(); // calm
        s.answer(Answer::Number(45)).unwrap();
        s
    }

    #[test]
    fn a_save_replays_to_the_same_state() {
        let m = model(&hello());
        let s = answered(&m);
        let save = SaveFile::capture(&s, &Start::default());
        let back: SaveFile = serde_json::from_slice(&save.to_bytes().unwrap()).unwrap();
        assert_eq!(back, save);
        let mut fresh = Session::new(&m).unwrap();
        let resumed = replay(&mut fresh, &back);
        assert_eq!(
            (resumed.restored, resumed.total, resumed.changed),
            (3, 3, false)
        );
        assert_eq!(resumed.misfit, None);
        assert_eq!(fresh.vars(), s.vars());
        assert_eq!(fresh.current(), s.current());
    }

    #[test]
    fn replay_stops_at_the_first_answer_that_no_longer_fits() {
        let m = model(&hello());
        let save = SaveFile::capture(&answered(&m), &Start::default());
        let changed = hello().replace("option calm \"Calm\"", "option serene \"Calm\"");
        let m2 = model(&changed);
        let mut s = Session::new(&m2).unwrap();
        let resumed = replay(&mut s, &save);
        assert!(resumed.changed);
        assert_eq!(resumed.restored, 1);
        assert_eq!(
            resumed.message(1),
            "The tree has changed since this session was saved. Restored 1 of 3 answers. \
             Answer 2 no longer fits: `feeling` = \"calm\": not an option of this question; \
             the options are serene, restless, low, skip. You can go on from here."
        );
        assert_eq!(m2.node(s.current()).id, "feeling");
    }

    #[test]
    fn replay_names_a_step_that_is_gone_or_no_longer_asked_here() {
        let m = model(&hello());
        let save = SaveFile::capture(&answered(&m), &Start::default());
        let renamed = hello()
            .replace("question feeling", "question mood_now")
            .replace("-> feeling", "-> mood_now");
        let m2 = model(&renamed);
        let mut s = Session::new(&m2).unwrap();
        let resumed = replay(&mut s, &save);
        assert_eq!(
            resumed.misfit.map(|p| p.to_string()).as_deref(),
            Some("`feeling` = \"calm\": this step is no longer in the tree")
        );
        let reordered = hello().replace(
            "option very \"Very tired\" { set tired = true set energy = energy - 2 } -> feeling",
            "option very \"Very tired\" { set tired = true set energy = energy - 2 } -> time",
        );
        let m3 = model(&reordered);
        let mut s = Session::new(&m3).unwrap();
        let resumed = replay(&mut s, &save);
        assert_eq!(
            resumed.misfit.map(|p| p.to_string()).as_deref(),
            Some("`feeling` = \"calm\": the tree now asks `time` at this point")
        );
    }

    #[test]
    fn corrupt_files_are_refused_with_a_reason() {
        let dir = std::env::temp_dir().join(format!("guidetree-corrupt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.json");
        std::fs::write(&path, "{\"format\": \"guidetree-session\", \"answers\": [").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(
            err.contains("is not a saved session that can be read: it is not valid JSON"),
            "{err}"
        );
        std::fs::write(&path, "{\"answers\": []}").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("no \"format\""), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
