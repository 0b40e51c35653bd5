//! Comparing two versions of a tree path by path.
//!
//! Paths are matched by their canonical key (whose hash is the path id), so
//! a path keeps its identity when the file is reordered or its text edited.
//! A path is *added* or *removed* when its key exists in one version only,
//! and *changed* when it exists in both but ends differently (another
//! outcome node or kind, or a cut, stuck or failing end) or goes through
//! different nodes on the way (a new info step, another branch target).
//!
//! The old version's paths are held in memory to match against, so a diff
//! needs memory in proportion to the old tree's path count.

use super::{explore, Options, PathView};
use crate::interp::AnswerError;
use crate::model::Model;
use serde::Serialize;
use std::collections::HashMap;
use std::ops::ControlFlow;

/// One path, as a diff shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathSummary {
    pub id: String,
    pub key: String,
    /// How it ends: `rest_break (rest)`, `cut at q (visit limit)`, ...
    pub end: String,
    /// Every node it enters, in order.
    pub route: Vec<String>,
}

impl PathSummary {
    fn of(path: &PathView<'_, '_>) -> Self {
        let model = path.model();
        PathSummary {
            id: path.id(),
            key: path.key().to_string(),
            end: path.end().describe(model),
            route: path
                .session()
                .path()
                .iter()
                .map(|n| model.node(*n).id.clone())
                .collect(),
        }
    }
}

/// A path found in both versions that differs between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub old: PathSummary,
    pub new: PathSummary,
}

impl Changed {
    #[must_use]
    pub fn end_changed(&self) -> bool {
        self.old.end != self.new.end
    }

    #[must_use]
    pub fn route_changed(&self) -> bool {
        self.old.route != self.new.route
    }
}

/// The difference between two versions of a tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TreeDiff {
    pub old_paths: u64,
    pub new_paths: u64,
    /// In the new version only, in its exploration order.
    pub added: Vec<PathSummary>,
    /// In the old version only, in its exploration order.
    pub removed: Vec<PathSummary>,
    /// In both, but different; in the new version's order.
    pub changed: Vec<Changed>,
    pub unchanged: u64,
}

impl TreeDiff {
    /// Are the two versions the same, path for path?
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Which version of a tree a failure came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
}

/// A version of the tree failed before its first step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {} version fails before its first step: {error}", match side { Side::Old => "old", Side::New => "new" })]
pub struct DiffError {
    pub side: Side,
    pub error: AnswerError,
}

/// Compare every path of two versions of a tree.
///
/// # Errors
/// When either version fails before its first step.
pub fn diff(old: &Model, new: &Model, options: &Options) -> Result<TreeDiff, DiffError> {
    let mut old_paths: Vec<Option<PathSummary>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    explore(old, options, &mut |p: &mut PathView<'_, '_>| {
        index.insert(p.key().to_string(), old_paths.len());
        old_paths.push(Some(PathSummary::of(p)));
        ControlFlow::Continue(())
    })
    .map_err(|error| DiffError {
        side: Side::Old,
        error,
    })?;
    let mut out = TreeDiff {
        old_paths: old_paths.len() as u64,
        new_paths: 0,
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        unchanged: 0,
    };
    explore(new, options, &mut |p: &mut PathView<'_, '_>| {
        out.new_paths += 1;
        let new = PathSummary::of(p);
        match index.get(p.key()).and_then(|&i| old_paths[i].take()) {
            None => out.added.push(new),
            Some(old) if old == new => out.unchanged += 1,
            Some(old) => out.changed.push(Changed { old, new }),
        }
        ControlFlow::Continue(())
    })
    .map_err(|error| DiffError {
        side: Side::New,
        error,
    })?;
    out.removed = old_paths.into_iter().flatten().collect();
    Ok(out)
}
