#![allow(dead_code)] // each fuzz target uses part of this file

//! The bodies of the fuzz targets, shared by the fuzzers (`fuzz_targets/`)
//! and the regression suite (`tests/hostile.rs`), so that every input a
//! fuzzer ever flagged is replayed through exactly the same code.
//!
//! Each function takes arbitrary bytes, must never panic, and panics on
//! purpose (an `assert!`) when an invariant breaks, which a fuzzer reports
//! as a finding.

use guidetree::check::{self, CheckResult};
use guidetree::diag::{self, Palette};
use guidetree::eval;
use guidetree::graph::{self, Overlay};
use guidetree::interp::{Answer, AnswerError, LogLine, Reason, Record, Session};
use guidetree::load::MemoryFs;
use guidetree::model::{InputKind, Model, NodeId, NodeKind, Text, Value};
use std::path::Path;
use std::sync::OnceLock;

/// Where [`check_bytes`] puts the parts of its input.
pub const ROOT: &str = "fuzz/root.tree";
/// The second part of a `check_bytes` input: reachable as
/// `include "inc.tree" as x` from the root.
pub const INCLUDE: &str = "fuzz/inc.tree";
/// The third part: reachable as `script "hooks.rhai"`.
pub const SCRIPT: &str = "fuzz/hooks.rhai";

/// Most steps one `session_answers` input may take, so that every input
/// runs in well under a millisecond per step.
const MAX_STEPS: usize = 512;

// ─── check_bytes ──────────────────────────────────────────────────────────

/// Split `data` at NUL bytes into a root tree, an include file and a hook
/// script; check the root; render every diagnostic as text and JSON; draw
/// a checked tree and walk it a little.
pub fn check_bytes(data: &[u8]) {
    let fs = files(data);
    let result = check::check_with(&fs, Path::new(ROOT));
    inspect(&result);
}

/// The in-memory files a `check_bytes` input stands for. Bytes that are not
/// UTF-8 become U+FFFD: the loader's own UTF-8 check is tested on disk.
pub fn files(data: &[u8]) -> MemoryFs {
    let mut parts = data.splitn(3, |&b| b == 0);
    let mut next = || String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let (root, include, script) = (next(), next(), next());
    MemoryFs::new()
        .with(ROOT, root)
        .with(INCLUDE, include)
        .with(SCRIPT, script)
}

/// The inverse of [`files`]: one fuzz input from three texts (used to build
/// seed corpora from real trees).
pub fn join(root: &str, include: &str, script: &str) -> Vec<u8> {
    [root, include, script].join("\0").into_bytes()
}

/// Check the invariants of a check result and exercise everything that
/// consumes one.
pub fn inspect(result: &CheckResult) {
    match result {
        Err(failure) => {
            assert!(
                failure.diagnostics.iter().any(diag::Diagnostic::is_error),
                "a failed check must report at least one error"
            );
            for d in &failure.diagnostics {
                let text = diag::render(d, &failure.sources, Palette::plain());
                assert!(text.contains(d.code), "the code is shown: {text}");
                let json = serde_json::to_string(&d.to_json(&failure.sources));
                assert!(json.is_ok(), "diagnostics serialise");
            }
        }
        Ok(checked) => {
            let model = &checked.model;
            for d in &checked.warnings {
                assert!(!d.is_error(), "a passed check has no errors");
                let _ = diag::render(d, &model.sources, Palette::plain());
            }
            for format in [graph::Format::Dot, graph::Format::Mermaid] {
                let picture = graph::render(model, &Overlay::none(), format);
                assert!(!picture.is_empty());
            }
            // A short walk with valid answers: a checked tree must run.
            let bytes: Vec<u8> = (0u8..64).map(|b| b.wrapping_mul(37)).collect();
            drive(Session::new(model), &bytes);
        }
    }
}

// ─── session_answers ──────────────────────────────────────────────────────

/// The trees `session_answers` drives: small, hooked, and with includes.
const TREES: [(&str, &str); 5] = [
    ("trees/hello.tree", include_str!("../../trees/hello.tree")),
    (
        "trees/scoring.tree",
        include_str!("../../trees/scoring.tree"),
    ),
    (
        "trees/scoring.rhai",
        include_str!("../../trees/scoring.rhai"),
    ),
    (
        "trees/reconnect.tree",
        include_str!("../../trees/reconnect.tree"),
    ),
    (
        "trees/reconnect.rhai",
        include_str!("../../trees/reconnect.rhai"),
    ),
];
const INCLUDED: (&str, &str) = (
    "trees/no_response.tree",
    include_str!("../../trees/no_response.tree"),
);
const ROOTS: [&str; 3] = [
    "trees/hello.tree",
    "trees/scoring.tree",
    "trees/reconnect.tree",
];

/// The checked trees, loaded once per process.
pub fn models() -> &'static [Model] {
    static MODELS: OnceLock<Vec<Model>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let fs = TREES
            .iter()
            .chain(std::iter::once(&INCLUDED))
            .fold(MemoryFs::new(), |fs, (path, text)| fs.with(*path, *text));
        ROOTS
            .iter()
            .map(|root| match check::check_with(&fs, Path::new(root)) {
                Ok(checked) => checked.model,
                Err(failure) => panic!("{root} does not check: {:#?}", failure.diagnostics),
            })
            .collect()
    })
}

/// The first byte picks a tree (and, with its top bit set, a node to start
/// from, as `run --from` does, taken from the second byte); the rest is a
/// stream of answers (valid, nonsense and in between), `back` and `restart`.
pub fn session_answers(data: &[u8]) {
    let models = models();
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let model = &models[usize::from(pick & 0x7f) % models.len()];
    if pick & 0x80 == 0 {
        drive(Session::new(model), rest);
        return;
    }
    let Some((&node, rest)) = rest.split_first() else {
        return;
    };
    let node = NodeId(u32::from(node) * 7 % model.nodes.len() as u32);
    drive(Session::from_node(model, node, model.defaults()), rest);
}

/// Everything a caller can observe about a session.
#[derive(Debug, Clone, PartialEq)]
struct State {
    current: NodeId,
    vars: Vec<Value>,
    path: Vec<NodeId>,
    history: Vec<Record>,
    reasons: Vec<Reason>,
    log: Vec<LogLine>,
}

impl State {
    fn of(s: &Session<'_>) -> Self {
        State {
            current: s.current(),
            vars: s.vars().to_vec(),
            path: s.path().to_vec(),
            history: s.history().to_vec(),
            reasons: s.reasons().to_vec(),
            log: s.log().to_vec(),
        }
    }
}

/// Run a session on `model` from an op stream, checking after every op that
/// refused answers change nothing, `back` restores the state before the
/// answer it undoes exactly, and `restart` restores the first step.
fn drive(start: Result<Session<'_>, AnswerError>, data: &[u8]) {
    let Ok(mut session) = start else {
        return;
    };
    let first = State::of(&session);
    // The state before each accepted answer, newest last.
    let mut undo: Vec<State> = Vec::new();
    let mut input = Bytes(data);
    for _ in 0..MAX_STEPS {
        let Some(op) = input.byte() else { break };
        match op % 8 {
            0..=4 => {
                let answer = match op % 8 {
                    0 => Answer::Choose(usize::from(input.byte().unwrap_or(0))),
                    1 => Answer::Check(input.u64()),
                    2 => Answer::Number(input.number()),
                    3 => Answer::Text(input.text()),
                    _ => Answer::Continue,
                };
                try_answer(&mut session, &mut undo, answer);
            }
            5 => {
                let expected = undo.pop();
                assert_eq!(
                    session.back(),
                    expected.is_some(),
                    "back agrees with history"
                );
                if let Some(expected) = expected {
                    assert_eq!(State::of(&session), expected, "back restores exactly");
                }
            }
            6 => {
                session.restart();
                undo.clear();
                assert_eq!(State::of(&session), first, "restart restores the start");
            }
            _ => {
                let answer = valid_answer(&mut session, input.byte().unwrap_or(0));
                if let Some(answer) = answer {
                    try_answer(&mut session, &mut undo, answer);
                }
            }
        }
    }
}

/// Give one answer, then check what the session promises.
fn try_answer(session: &mut Session<'_>, undo: &mut Vec<State>, answer: Answer) {
    let before = State::of(session);
    let finished = session.is_finished();
    match session.answer(answer.clone()) {
        Ok(()) => {
            assert!(!finished, "a finished run takes no answers");
            assert_eq!(session.history().len(), before.history.len() + 1);
            let record = &session.history()[before.history.len()];
            assert_eq!(record.node, before.current);
            assert_eq!(record.answer, answer);
            // back must bring back exactly `before`; check it now and redo.
            let after = State::of(session);
            assert!(session.back(), "an accepted answer can be undone");
            assert_eq!(State::of(session), before, "back restores exactly");
            assert!(
                session.answer(answer).is_ok(),
                "the same answer from the same state is accepted again"
            );
            assert_eq!(State::of(session), after, "answers are deterministic");
            undo.push(before);
        }
        Err(_) => assert_eq!(
            State::of(session),
            before,
            "a refused answer changes nothing"
        ),
    }
    // Looking at the step (what is shown, its texts) never changes it.
    let here = State::of(session);
    let _ = session.visible_options();
    let _ = session.visible_items();
    show(session);
    assert_eq!(State::of(session), here, "looking changes nothing");
}

/// Render every text of the current step, as a front end would.
fn show(session: &Session<'_>) {
    let model = session.model();
    let node = model.node(session.current());
    let texts = node.text.iter().chain(&node.help);
    let advice: &[Text] = match &node.kind {
        NodeKind::Info { advice, .. } => advice,
        NodeKind::Outcome { title, advice, .. } => {
            let _ = eval::render(model, title, session);
            advice
        }
        _ => &[],
    };
    for text in texts.chain(advice) {
        let _ = eval::render(model, text, session);
    }
}

/// An answer the current step should accept, steered by `b`.
fn valid_answer(session: &mut Session<'_>, b: u8) -> Option<Answer> {
    let model = session.model();
    let pick = usize::from(b);
    match &model.node(session.current()).kind {
        NodeKind::Question { .. } => {
            let visible = session.visible_options().ok()?;
            let i = *visible.get(pick % visible.len().max(1))?;
            Some(Answer::Choose(i))
        }
        NodeKind::Checklist { .. } => {
            let visible = session.visible_items().ok()?;
            let mask = visible
                .iter()
                .enumerate()
                .filter(|(bit, _)| b & (1 << (bit % 8)) != 0)
                .fold(0u64, |m, (_, &i)| {
                    m | 1u64
                        .checked_shl(u32::try_from(i).unwrap_or(u32::MAX))
                        .unwrap_or(0)
                });
            Some(Answer::Check(mask))
        }
        NodeKind::Input { input, .. } => Some(match input {
            InputKind::Number { min, max } => {
                let span = max.saturating_sub(*min).saturating_add(1).max(1);
                Answer::Number(min.saturating_add(i64::from(b) % span))
            }
            InputKind::Text { max_len } => {
                let len = usize::from(b) % (*max_len as usize + 1);
                Answer::Text("x".repeat(len))
            }
        }),
        NodeKind::Info { .. } => Some(Answer::Continue),
        _ => None,
    }
}

/// A cursor over fuzz bytes; running out yields zeros.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn u64(&mut self) -> u64 {
        (0..8).fold(0, |v, _| v << 8 | u64::from(self.byte().unwrap_or(0)))
    }

    /// Small numbers, boundaries and anything at all, in equal measure.
    fn number(&mut self) -> i64 {
        match self.byte().unwrap_or(0) % 4 {
            0 => i64::from(self.byte().unwrap_or(0) as i8),
            1 => [i64::MIN, i64::MAX, -1, 0][usize::from(self.byte().unwrap_or(0) % 4)],
            2 => i64::from(self.byte().unwrap_or(0)) * 10,
            _ => self.u64() as i64,
        }
    }

    fn text(&mut self) -> String {
        let len = usize::from(self.byte().unwrap_or(0));
        let take = len.min(self.0.len());
        let (text, rest) = self.0.split_at(take);
        self.0 = rest;
        String::from_utf8_lossy(text).into_owned()
    }
}

// ─── saved_files ──────────────────────────────────────────────────────────

/// The first byte picks what the rest is: an answers file in JSON (0) or
/// TOML (1), or a saved session (2); the second byte picks a tree. A file
/// that parses is then applied for real: answers by id as `--answers`
/// would, a saved session replayed as `--resume` would. Nothing may panic,
/// and a replay never claims more answers than the file holds.
pub fn saved_files(data: &[u8]) {
    let [kind, pick, rest @ ..] = data else {
        return;
    };
    let models = models();
    let model = &models[usize::from(*pick) % models.len()];
    let text = String::from_utf8_lossy(rest);
    match kind % 3 {
        0 | 1 => {
            let Ok(entries) = guidetree::answers::parse_text(&text, "fuzz", kind % 3 == 1) else {
                return;
            };
            let Ok(mut session) = Session::new(model) else {
                return;
            };
            for (id, value) in &entries {
                let Some(node) = model.find_node(id) else {
                    let _ = guidetree::answers::unknown_step(model, id);
                    continue;
                };
                match guidetree::answers::to_answer(model, node, value) {
                    Ok(answer) if node == session.current() => {
                        let before = State::of(&session);
                        if session.answer(answer).is_err() {
                            assert_eq!(
                                before,
                                State::of(&session),
                                "a refused answer changed the session"
                            );
                        }
                    }
                    Ok(_) => {}
                    Err(misfit) => {
                        let _ = misfit.to_string();
                    }
                }
            }
        }
        _ => {
            let Ok(save) = guidetree::save::parse(rest, "fuzz") else {
                return;
            };
            let Ok(mut session) = save.start.session(model) else {
                return;
            };
            let resumed = guidetree::save::replay(&mut session, &save);
            assert!(resumed.restored <= resumed.total, "{resumed:?}");
            let _ = resumed.message(model.version);
            // What was restored saves again and parses back the same.
            let again = guidetree::save::SaveFile::capture(&session, &save.start);
            let bytes = again.to_bytes().expect("a captured session serialises");
            let back = guidetree::save::parse(&bytes, "again").expect("a saved session reads back");
            assert_eq!(back, again);
        }
    }
}
