//! Problems with where runs can go (E010, W002) and names never used
//! (W001, W003).

use super::{Code, Words};
use crate::source::Span;

/// A flow or unused-name problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flow {
    /// No path from the start leads to this node.
    Unreachable { node: String },
    /// A loop no run can leave for an outcome; `also` are other trapped
    /// nodes (at most four are shown).
    Trapped { node: String, also: Vec<Span> },
    /// A variable nothing reads.
    UnusedVariable { name: String },
    /// An outcome kind no outcome has.
    UnusedKind { kind: String },
}

impl Flow {
    pub(super) fn words(&self) -> Words {
        match self {
            Flow::Unreachable { node } => Words::new(
                Code::W002,
                format!("the node `{node}` can never be reached"),
                "nothing leads here",
            )
            .help("point an option or `->` at it, or remove it"),
            Flow::Trapped { node, also } => {
                let words = Words::new(
                    Code::E010,
                    format!("no path from `{node}` leads to an outcome"),
                    "a run that gets here loops forever",
                );
                also.iter()
                    .fold(words, |w, at| w.related(*at, "also trapped in the loop"))
                    .help("give the loop a way out: an option or `else` that leads to an outcome")
            }
            Flow::UnusedVariable { name } => Words::new(
                Code::W001,
                format!("the variable `{name}` is never read"),
                "declared here",
            )
            .help("use it in a condition, a text (`{name}`) or an assert, or remove it"),
            Flow::UnusedKind { kind } => Words::new(
                Code::W003,
                format!("no outcome has the kind `{kind}`"),
                "declared but never used",
            )
            .help("add an outcome with this kind, or remove it from `outcomes`"),
        }
    }
}
