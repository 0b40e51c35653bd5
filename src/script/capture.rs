//! Per-call collection of reasons and output. A hook call runs start to end
//! on one thread, so a thread-local slot set up around the call is all the
//! engine's callbacks need; calls on other threads have their own slot.

use super::{
    memory_in_use, HookOutput, Value, MAX_CALL_MEMORY, MAX_CALL_TIME, MAX_LOG_LINES, MAX_REASONS,
};
use rhai::{Dynamic, EvalAltResult, ImmutableString, Position};
use std::cell::RefCell;
use std::time::Instant;

/// What [`over_limit`] stops a call with, read back by `innermost`.
pub(super) const TIME_UP: &str = "time";
pub(super) const MEMORY_FULL: &str = "memory";

/// What one call produced besides its value.
#[derive(Debug, Default)]
pub(super) struct Captured {
    pub reasons: Vec<String>,
    pub log: Vec<String>,
    pub dropped_lines: usize,
    pub too_many_reasons: bool,
    /// When the call began, and the memory the program held then.
    began: Option<Instant>,
    memory_before: Option<usize>,
}

thread_local! {
    static CURRENT: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// Collects for as long as it lives; [`Guard::finish`] hands the result
/// over (dropping it without finishing still clears the slot).
pub(super) struct Guard(());

impl Guard {
    pub fn begin() -> Guard {
        let captured = Captured {
            began: Some(Instant::now()),
            memory_before: memory_in_use(),
            ..Captured::default()
        };
        CURRENT.with_borrow_mut(|c| *c = Some(captured));
        Guard(())
    }

    pub fn finish(self) -> Captured {
        CURRENT.with_borrow_mut(Option::take).unwrap_or_default()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        CURRENT.with_borrow_mut(|c| *c = None);
    }
}

impl Captured {
    /// The hook's output, with a note when lines were dropped.
    pub fn into_output(mut self, value: Value) -> HookOutput {
        if self.dropped_lines > 0 {
            self.log.push(format!(
                "({} more lines dropped; at most {MAX_LOG_LINES} are kept per call)",
                self.dropped_lines
            ));
        }
        HookOutput {
            value,
            reasons: self.reasons,
            log: self.log,
        }
    }
}

/// Called by the engine before every operation: stop the call once it
/// has run past [`MAX_CALL_TIME`] or holds more than [`MAX_CALL_MEMORY`]
/// on top of what the program held when it began.
pub(super) fn over_limit() -> Option<Dynamic> {
    CURRENT.with_borrow(|c| {
        let c = c.as_ref()?;
        if c.began.is_some_and(|t| t.elapsed() > MAX_CALL_TIME) {
            return Some(Dynamic::from(ImmutableString::from(TIME_UP)));
        }
        let before = c.memory_before?;
        let now = memory_in_use()?;
        (now.saturating_sub(before) > MAX_CALL_MEMORY)
            .then(|| Dynamic::from(ImmutableString::from(MEMORY_FULL)))
    })
}

pub(super) fn log(line: String) {
    CURRENT.with_borrow_mut(|c| {
        if let Some(c) = c {
            if c.log.len() < MAX_LOG_LINES {
                c.log.push(crate::diag::visible(&line).into_owned());
            } else {
                c.dropped_lines += 1;
            }
        }
    });
}

/// The `explain(text)` function scripts call.
pub(super) fn explain(reason: ImmutableString) -> Result<(), Box<EvalAltResult>> {
    CURRENT.with_borrow_mut(|c| {
        let Some(c) = c else { return Ok(()) };
        if c.reasons.len() < MAX_REASONS {
            // Reasons are shown on terminals: no escape sequences.
            c.reasons.push(crate::diag::visible(&reason).into_owned());
            Ok(())
        } else {
            c.too_many_reasons = true;
            Err(EvalAltResult::ErrorRuntime("too many reasons".into(), Position::NONE).into())
        }
    })
}
