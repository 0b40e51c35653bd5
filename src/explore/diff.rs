//! Two versions of a tree compared on their states, together.
//!
//! Both versions are explored with the same answers (each input and
//! checklist tries what either version would try; two versions that
//! differ only in their words are explored once), then walked side by side from their
//! first states, matching answers by node and option id.
//! At each pair of states the walk compares what a person sees: the node,
//! its words (text, help, option and item labels, an outcome's title and
//! advice, as written), the options offered, and the values shown in the
//! words. Each difference is reported **once**, however many paths lead to
//! it, with the shortest answers that lead there (its witness) and how many
//! paths of each version pass through it.
//!
//! A difference in words or in the options offered does not change what
//! follows, so the walk goes on through the answers both versions offer (a
//! second edit further on is reported too). Where an answer now leads
//! somewhere else, or a run now ends differently, everything after is a
//! consequence: that is reported once and not followed.

mod same;
#[cfg(test)]
mod tests;
mod walk;

use super::plan::Plan;
use super::space::{Asserts, Count, Space, SpaceError};
use super::{End, Options};
use crate::model::Model;
use same::same_states;
use serde::Serialize;
use walk::{Side, Walk};

/// What kind of difference a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The words of a node (text, help, labels, title, advice) as written.
    Words,
    /// The options or items offered.
    Offered,
    /// The values the words show (same words, other values filled in).
    Values,
    /// An answer now leads to another node.
    Leads,
    /// The run now starts at another node.
    Start,
    /// How a run ends at this node (cut, stuck, failing) differs.
    Ending,
}

/// One difference, reported once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// The node where it shows (in the old version's ids).
    pub node: String,
    /// The answer that now leads elsewhere (for `leads`).
    pub answer: Option<String>,
    /// What it was and what it is, for people; multi-line for words.
    pub old: String,
    pub new: String,
    /// The shortest answers that lead there, as a path key.
    pub witness: String,
    /// Paths through it in each version.
    pub old_paths: Count,
    pub new_paths: Count,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreeDiff {
    pub old_paths: Count,
    pub new_paths: Count,
    pub old_states: usize,
    pub new_states: usize,
    /// Per outcome node id: paths ending there in the old and new version.
    pub outcomes: Vec<(String, Count, Count)>,
    pub changes: Vec<Change>,
}

impl TreeDiff {
    /// Do the versions look the same to everyone who runs them?
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Why two versions could not be compared.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DiffError {
    #[error("the old version: {0}")]
    Old(SpaceError),
    #[error("the new version: {0}")]
    New(SpaceError),
}

/// Compare two versions of a tree.
///
/// # Errors
/// When either version cannot be explored.
pub fn diff(old: &Model, new: &Model, options: &Options) -> Result<TreeDiff, DiffError> {
    compare(old, new, options, same_states(old, new))
}

/// Compare two versions, exploring the old one only when `share` (they
/// have the same states).
fn compare(
    old: &Model,
    new: &Model,
    options: &Options,
    share: bool,
) -> Result<TreeDiff, DiffError> {
    let (old_plan, new_plan) = (Plan::new(old), Plan::new(new));
    // What people see does not depend on asserts' verdicts: leave them.
    let old_plan_merged = old_plan.merged(old, &new_plan, new);
    let old_space = Space::explore_with(old, &old_plan_merged, options, Asserts::Skip)
        .map_err(DiffError::Old)?;
    // Two versions that differ at most in their words have the same merged
    // plan and so the same states: one exploration serves both.
    let explored;
    let new_space = if share {
        &old_space
    } else {
        let new_plan_merged = new_plan.merged(new, &old_plan, old);
        explored = Space::explore_with(new, &new_plan_merged, options, Asserts::Skip)
            .map_err(DiffError::New)?;
        &explored
    };
    let mut walk = Walk::new(Side::new(old, &old_space), Side::new(new, new_space));
    let changes = walk.run();
    Ok(TreeDiff {
        old_paths: old_space.total_paths(),
        new_paths: new_space.total_paths(),
        old_states: old_space.states.len(),
        new_states: new_space.states.len(),
        outcomes: outcome_counts(old, &old_space, new, new_space),
        changes,
    })
}
/// Paths per outcome node, by id, over both versions.
fn outcome_counts(
    old: &Model,
    old_space: &Space,
    new: &Model,
    new_space: &Space,
) -> Vec<(String, Count, Count)> {
    let mut rows: std::collections::BTreeMap<String, (Count, Count)> = Default::default();
    for (model, space, new_side) in [(old, old_space, false), (new, new_space, true)] {
        for id in space.ids() {
            if let Some(&End::Outcome { node, .. }) = space.end(id) {
                let row = rows.entry(model.node(node).id.clone()).or_default();
                let n = space.paths_to(id);
                if new_side {
                    row.1 = row.1.plus(n);
                } else {
                    row.0 = row.0.plus(n);
                }
            }
        }
    }
    rows.into_iter().map(|(k, (a, b))| (k, a, b)).collect()
}
