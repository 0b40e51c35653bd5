//! Two versions of a tree compared on their states, together.
//!
//! Both versions are explored with the same answers (each input and
//! checklist tries what either version would try), then walked side by
//! side from their first states, matching answers by node and option id.
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

use super::plan::Plan;
use super::space::{Count, Space, SpaceError, StateId};
use super::{answer_text, key_of, End, Options};
use crate::interp::Answer;
use crate::model::{Model, NodeKind, TextPart};
use crate::report::template;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::cell::OnceCell;
use std::collections::VecDeque;

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
    let (old_plan, new_plan) = (Plan::new(old), Plan::new(new));
    let old_space = Space::explore_with(old, &old_plan.merged(old, &new_plan, new), options)
        .map_err(DiffError::Old)?;
    let new_space = Space::explore_with(new, &new_plan.merged(new, &old_plan, old), options)
        .map_err(DiffError::New)?;
    let walk = Walk {
        old: Side::new(old, &old_space),
        new: Side::new(new, &new_space),
    };
    let changes = walk.run();
    Ok(TreeDiff {
        old_paths: old_space.total_paths(),
        new_paths: new_space.total_paths(),
        old_states: old_space.states.len(),
        new_states: new_space.states.len(),
        outcomes: outcome_counts(old, &old_space, new, &new_space),
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

/// One version: its model and explored states.
struct Side<'a> {
    model: &'a Model,
    space: &'a Space,
    /// Per node, worked out on first use: its words as written.
    words: Vec<OnceCell<Vec<String>>>,
    /// Per node: do its words show any value?
    shows_values: Vec<bool>,
}

/// What a person sees at a state (the words with values filled in are
/// worked out only when needed: see [`Side::shown`]).
#[derive(Debug, PartialEq)]
struct View<'s> {
    node: &'s str,
    /// The words as written, one line per piece.
    words: &'s [String],
    /// The option or item ids offered.
    offered: Vec<&'s str>,
    /// How the run ends here (cut, stuck, failing), if it does.
    ending: Option<String>,
}

/// The pieces of a node's words, in order, each with what it is.
fn pieces(node: &crate::model::Node) -> Vec<(String, &crate::model::Text)> {
    let mut pieces: Vec<(String, &crate::model::Text)> = Vec::new();
    if let NodeKind::Outcome { title, .. } = &node.kind {
        pieces.push(("title".into(), title));
    }
    pieces.extend(node.text.iter().map(|t| ("text".into(), t)));
    pieces.extend(node.help.iter().map(|t| ("help".into(), t)));
    match &node.kind {
        NodeKind::Question { options } => {
            pieces.extend(
                options
                    .iter()
                    .map(|o| (format!("option {}", o.id), &o.label)),
            );
        }
        NodeKind::Checklist { items, .. } => {
            pieces.extend(items.iter().map(|i| (format!("item {}", i.id), &i.label)));
        }
        NodeKind::Info { advice, .. } | NodeKind::Outcome { advice, .. } => {
            pieces.extend(advice.iter().map(|a| ("advice".to_string(), a)));
        }
        _ => {}
    }
    pieces
}

impl<'a> Side<'a> {
    fn new(model: &'a Model, space: &'a Space) -> Self {
        Side {
            model,
            space,
            words: model.nodes.iter().map(|_| OnceCell::new()).collect(),
            shows_values: model
                .nodes
                .iter()
                .map(|node| {
                    pieces(node)
                        .iter()
                        .any(|(_, t)| t.parts.iter().any(|p| matches!(p, TextPart::Var(_))))
                })
                .collect(),
        }
    }

    fn node_id(&self, s: StateId) -> &str {
        &self.model.node(self.space.state(s).node).id
    }

    /// Paths through a state.
    fn paths(&self, s: StateId) -> Count {
        self.space.paths_to(s).times(self.space.paths_from(s))
    }

    fn view(&self, s: StateId) -> View<'_> {
        let model = self.model;
        let state = self.space.state(s);
        let node = model.node(state.node);
        View {
            node: &node.id,
            words: self.words(state.node),
            offered: self.offered(s),
            ending: match self.space.end(s) {
                Some(End::Outcome { .. }) | None => None,
                Some(end) => Some(end.describe(model)),
            },
        }
    }

    /// A node's words as written, one line per piece (an outcome's kind
    /// first).
    fn words(&self, n: crate::model::NodeId) -> &[String] {
        self.words[n.index()].get_or_init(|| {
            let model = self.model;
            let node = model.node(n);
            let mut words = Vec::new();
            if let NodeKind::Outcome { kind, .. } = &node.kind {
                words.push(format!("kind: {}", model.kind_name(*kind)));
            }
            for (what, text) in pieces(node) {
                words.push(format!("{what}: {}", template(model, text)));
            }
            words
        })
    }

    /// Do a state's words show any value?
    fn shows_values(&self, s: StateId) -> bool {
        self.shows_values[self.space.state(s).node.index()]
    }

    /// The words at a state with its values filled in (from the state's
    /// key: what a person sees there depends on nothing else).
    fn shown(&self, s: StateId) -> Vec<String> {
        let model = self.model;
        let node = model.node(self.space.state(s).node);
        pieces(node)
            .into_iter()
            .map(|(what, text)| {
                let mut line = format!("{what}: ");
                for part in &text.parts {
                    match part {
                        TextPart::Lit(lit) => line.push_str(lit),
                        TextPart::Var(v) => line.push_str(
                            &model.display(model.var(*v).ty, &self.space.var_value(model, s, *v)),
                        ),
                    }
                }
                line
            })
            .collect()
    }

    /// The ids of the answers offered at a state (options and items shown).
    fn offered(&self, s: StateId) -> Vec<&str> {
        let model = self.model;
        let node = self.space.state(s).node;
        let offered = self.space.offered(model, s);
        match &model.node(node).kind {
            NodeKind::Question { options } => {
                offered.iter().map(|&i| options[i].id.as_str()).collect()
            }
            NodeKind::Checklist { items, .. } => {
                offered.iter().map(|&i| items[i].id.as_str()).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The edges of a state by answer text, each with the first node the
    /// answer enters.
    fn answers(&self, s: StateId) -> Vec<(String, &'a Answer, StateId, &'a str)> {
        let node = self.space.state(s).node;
        self.space
            .edges_of(s)
            .iter()
            .map(|e| {
                let text =
                    answer_text(self.model, node, &e.answer).unwrap_or_else(|| "continue".into());
                let first = self
                    .space
                    .passed(e)
                    .first()
                    .map_or("", |n| self.model.node(*n).id.as_str());
                (text, &e.answer, e.to, first)
            })
            .collect()
    }
}

/// A pair of states, one per version.
type Pair = (StateId, StateId);

/// For each pair reached: the pair before it and the answer between them.
type Parents = FxHashMap<Pair, Option<(Pair, Answer)>>;

/// The two versions walked side by side.
struct Walk<'a> {
    old: Side<'a>,
    new: Side<'a>,
}

/// A change found, before it is merged with its repeats.
struct Found {
    kind: ChangeKind,
    node: String,
    answer: Option<String>,
    old: String,
    new: String,
    pair: (StateId, StateId),
    /// The answer taken from the pair, for `leads`.
    via: Option<Answer>,
    /// What it affects in each version (a state, or an answer from a
    /// state), and how many paths pass there.
    old_unit: (StateId, Option<String>),
    new_unit: (StateId, Option<String>),
    old_count: Count,
    new_count: Count,
}

impl Walk<'_> {
    fn run(&self) -> Vec<Change> {
        let start = (self.old.space.root(), self.new.space.root());
        let mut parent: Parents = FxHashMap::default();
        parent.insert(start, None);
        let mut queue = VecDeque::from([start]);
        let mut found = Vec::new();
        if self.old.node_id(start.0) != self.new.node_id(start.1) {
            found.push(Found {
                kind: ChangeKind::Start,
                node: self.old.node_id(start.0).to_string(),
                answer: None,
                old: self.old.node_id(start.0).to_string(),
                new: self.new.node_id(start.1).to_string(),
                pair: start,
                via: None,
                old_unit: (start.0, None),
                new_unit: (start.1, None),
                old_count: self.old.space.total_paths(),
                new_count: self.new.space.total_paths(),
            });
            queue.clear();
        }
        while let Some(pair) = queue.pop_front() {
            let follow = self.compare(pair, &mut found);
            if !follow {
                continue;
            }
            let mut new_answers = self.new.answers(pair.1);
            new_answers.sort_by(|a, b| a.0.cmp(&b.0));
            for (text, answer, old_to, old_first) in self.old.answers(pair.0) {
                // The first with this text, as the edges were tried.
                let at = new_answers.partition_point(|(t, _, _, _)| *t < text);
                let Some(&(_, _, new_to, new_first)) =
                    new_answers.get(at).filter(|(t, _, _, _)| *t == text)
                else {
                    continue; // an option offered in one version only: reported above
                };
                let next = (old_to, new_to);
                // Where the answer goes first (as written), or else where
                // the branches on the way now take it.
                let (old_node, new_node) = if old_first == new_first {
                    (self.old.node_id(old_to), self.new.node_id(new_to))
                } else {
                    (old_first, new_first)
                };
                if old_node != new_node {
                    found.push(Found {
                        kind: ChangeKind::Leads,
                        node: self.old.node_id(pair.0).to_string(),
                        answer: Some(text.clone()),
                        old: old_node.to_string(),
                        new: new_node.to_string(),
                        pair,
                        via: Some(answer.clone()),
                        old_unit: (pair.0, Some(text.clone())),
                        new_unit: (pair.1, Some(text.clone())),
                        old_count: self
                            .old
                            .space
                            .paths_to(pair.0)
                            .times(self.old.space.paths_from(old_to)),
                        new_count: self
                            .new
                            .space
                            .paths_to(pair.1)
                            .times(self.new.space.paths_from(new_to)),
                    });
                    continue;
                }
                if let std::collections::hash_map::Entry::Vacant(slot) = parent.entry(next) {
                    slot.insert(Some((pair, answer.clone())));
                    queue.push_back(next);
                }
            }
        }
        self.merge(found, &parent)
    }

    /// Compare what a person sees at a pair of states; false when the walk
    /// must not go on from it.
    fn compare(&self, pair: (StateId, StateId), found: &mut Vec<Found>) -> bool {
        let (a, b) = (self.old.view(pair.0), self.new.view(pair.1));
        let mut push = |kind, old: String, new: String| {
            found.push(Found {
                kind,
                node: a.node.to_string(),
                answer: None,
                old,
                new,
                pair,
                via: None,
                old_unit: (pair.0, None),
                new_unit: (pair.1, None),
                old_count: self.old.paths(pair.0),
                new_count: self.new.paths(pair.1),
            });
        };
        if a.ending != b.ending {
            let none = || "reaches the next step".to_string();
            push(
                ChangeKind::Ending,
                a.ending.clone().unwrap_or_else(none),
                b.ending.clone().unwrap_or_else(none),
            );
            return false;
        }
        if a.words != b.words {
            let (old, new) = line_changes(a.words, b.words);
            push(ChangeKind::Words, old, new);
        } else if self.old.shows_values(pair.0) || self.new.shows_values(pair.1) {
            let (shown_a, shown_b) = (self.old.shown(pair.0), self.new.shown(pair.1));
            if shown_a != shown_b {
                let (old, new) = line_changes(&shown_a, &shown_b);
                push(ChangeKind::Values, old, new);
            }
        }
        if a.offered != b.offered {
            push(
                ChangeKind::Offered,
                a.offered.join(", "),
                b.offered.join(", "),
            );
        }
        true
    }

    /// Merge repeats of one change (the same difference at several pairs of
    /// states): one entry, the shortest witness, paths over every state.
    fn merge(&self, found: Vec<Found>, parent: &Parents) -> Vec<Change> {
        type Key = (ChangeKind, String, Option<String>, String, String);
        let mut order: Vec<Key> = Vec::new();
        type Units = FxHashSet<(StateId, Option<String>)>;
        let mut merged: FxHashMap<Key, (Change, Units, Units)> = FxHashMap::default();
        for f in found {
            let key = (
                f.kind,
                f.node.clone(),
                f.answer.clone(),
                f.old.clone(),
                f.new.clone(),
            );
            let entry = merged.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                let witness = self.witness(f.pair, f.via.as_ref(), parent);
                (
                    Change {
                        kind: f.kind,
                        node: f.node,
                        answer: f.answer,
                        old: f.old,
                        new: f.new,
                        witness,
                        old_paths: Count::ZERO,
                        new_paths: Count::ZERO,
                    },
                    FxHashSet::default(),
                    FxHashSet::default(),
                )
            });
            // Paths through distinct states of one node (or distinct answers
            // from them) never overlap.
            if entry.1.insert(f.old_unit) {
                entry.0.old_paths = entry.0.old_paths.plus(f.old_count);
            }
            if entry.2.insert(f.new_unit) {
                entry.0.new_paths = entry.0.new_paths.plus(f.new_count);
            }
        }
        let mut out: Vec<Change> = order
            .into_iter()
            .filter_map(|k| merged.remove(&k).map(|(c, _, _)| c))
            .collect();
        out.sort_by(|a, b| {
            (
                a.node.as_str(),
                a.kind,
                a.answer.as_deref(),
                a.witness.len(),
            )
                .cmp(&(
                    b.node.as_str(),
                    b.kind,
                    b.answer.as_deref(),
                    b.witness.len(),
                ))
        });
        out
    }

    /// The shortest answers to a pair (and the answer taken from it).
    fn witness(&self, pair: (StateId, StateId), via: Option<&Answer>, parent: &Parents) -> String {
        let mut answers = Vec::new();
        if let Some(a) = via {
            answers.push((self.old.space.state(pair.0).node, a.clone()));
        }
        let mut at = pair;
        while let Some(Some((prev, answer))) = parent.get(&at) {
            answers.push((self.old.space.state(prev.0).node, answer.clone()));
            at = *prev;
        }
        answers.reverse();
        key_of(self.old.model, answers.iter().map(|(n, a)| (*n, a)))
    }
}

/// The lines that differ between two lists, as `-`/`+` text: what only the
/// old list has, and what only the new one has.
fn line_changes(old: &[String], new: &[String]) -> (String, String) {
    let only = |a: &[String], b: &[String]| {
        a.iter()
            .filter(|l| !b.contains(l))
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    };
    (only(old, new), only(new, old))
}
