//! The two versions' states walked side by side, pair by pair, each
//! difference merged with its repeats as it is found.

use super::{Change, ChangeKind};
use crate::explore::space::{Count, Edge, Space, StateId};
use crate::explore::{answer_text, key_of, End};
use crate::interp::Answer;
use crate::model::{Model, NodeId, NodeKind, TextPart, VarId};
use crate::report::template;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::OnceCell;
use std::collections::VecDeque;

/// Texts by number: answer texts and the texts of changes, each stored
/// once, so that comparing and merging them compares numbers.
#[derive(Default)]
struct Texts {
    ids: FxHashMap<String, u32>,
    list: Vec<String>,
}

impl Texts {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        self.insert(text.to_string())
    }

    fn id_of(&mut self, text: String) -> u32 {
        match self.ids.get(&text) {
            Some(&id) => id,
            None => self.insert(text),
        }
    }

    fn insert(&mut self, text: String) -> u32 {
        let id = crate::ids::saturating_u32(self.list.len());
        self.list.push(text.clone());
        self.ids.insert(text, id);
        id
    }

    fn get(&self, id: u32) -> &str {
        self.list.get(id as usize).map_or("", String::as_str)
    }
}

/// One version: its model and explored states.
pub(super) struct Side<'a> {
    model: &'a Model,
    space: &'a Space,
    /// Per node: its words as written, one line per piece (an outcome's
    /// kind first).
    words: Vec<OnceCell<Vec<String>>>,
    /// Per node: do its words show any value?
    shows_values: Vec<bool>,
    /// Per node: the number of each answer's text (see [`Side::answer`]),
    /// worked out on first use.
    answers: Vec<FxHashMap<Answer, u32>>,
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
    pub(super) fn new(model: &'a Model, space: &'a Space) -> Self {
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
            answers: model.nodes.iter().map(|_| FxHashMap::default()).collect(),
        }
    }

    fn node(&self, s: StateId) -> NodeId {
        self.space.state(s).node
    }

    fn node_id(&self, s: StateId) -> &'a str {
        &self.model.node(self.node(s)).id
    }

    /// Paths through a state.
    fn paths(&self, s: StateId) -> Count {
        self.space.paths_to(s).times(self.space.paths_from(s))
    }

    /// How the run ends at a state (cut, stuck, failing), if it ends there
    /// other than at an outcome.
    fn ending(&self, s: StateId) -> Option<String> {
        match self.space.end(s) {
            Some(End::Outcome { .. }) | None => None,
            Some(end) => Some(end.describe(self.model)),
        }
    }

    /// A node's words as written, one line per piece (an outcome's kind
    /// first).
    fn words(&self, n: NodeId) -> &[String] {
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

    /// The words at a state with its values filled in (from the state's
    /// key: what a person sees there depends on nothing else).
    fn shown(&self, s: StateId) -> Vec<String> {
        let model = self.model;
        let node = model.node(self.node(s));
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

    /// Put the ids of the answers offered at a state (options and items
    /// shown) into `out`.
    fn offered(&self, s: StateId, out: &mut Vec<&'a str>) {
        out.clear();
        let model = self.model;
        match &model.node(self.node(s)).kind {
            // Every option shown is tried, so the edges are the options.
            NodeKind::Question { options } => {
                out.extend(
                    self.space
                        .edges_of(s)
                        .iter()
                        .filter_map(|e| match e.answer {
                            Answer::Choose(i) => options.get(i).map(|o| o.id.as_str()),
                            _ => None,
                        }),
                );
            }
            NodeKind::Checklist { items, .. } => {
                let shown = self.space.offered(model, s);
                out.extend(
                    shown
                        .iter()
                        .filter_map(|&i| items.get(i))
                        .map(|i| i.id.as_str()),
                );
            }
            _ => {}
        }
    }

    /// The number of an answer's text at a node (its option id, ticked
    /// items, value, or `continue`): answers of the two versions match
    /// when their texts do.
    fn answer(&mut self, texts: &mut Texts, node: NodeId, answer: &Answer) -> u32 {
        let known = &mut self.answers[node.index()];
        if let Some(&id) = known.get(answer) {
            return id;
        }
        let text = answer_text(self.model, node, answer).unwrap_or_else(|| "continue".into());
        let id = texts.id_of(text);
        known.insert(answer.clone(), id);
        id
    }

    /// The first node an edge enters, as written.
    fn first(&self, edge: &Edge) -> &'a str {
        let space: &'a Space = self.space;
        space
            .passed(edge)
            .first()
            .map_or("", |n| self.model.node(*n).id.as_str())
    }
}

/// A pair of states, one per version.
type Pair = (StateId, StateId);

/// For each pair reached: the pair before it and the old version's edge
/// between them (by index in its [`Space::edges`]).
type Parents = FxHashMap<Pair, Option<(Pair, u32)>>;

/// What two nodes of the same id show, compared once per pair of nodes.
#[derive(Clone, Copy)]
struct NodePair {
    /// The lines only the old and only the new words have, when they differ.
    words: Option<(u32, u32)>,
    values: Values,
}

/// How the values two nodes' words show are compared.
#[derive(Clone, Copy)]
enum Values {
    /// Neither shows a value.
    None,
    /// Both words are written alike around their values: the same pieces,
    /// the same literal text between the same number of values. Where the
    /// values (as shown) are equal, so are the words shown. The variables
    /// shown, pair by pair, are in [`Walk::shapes`] at this index.
    Alike(usize),
    /// Written differently: compare the words shown in full.
    Unlike,
}

/// The variables two nodes' words show, pair by pair in order, when the
/// words are written alike around them (see [`Values::Alike`]).
fn alike(a: &crate::model::Node, b: &crate::model::Node) -> Option<Vec<(VarId, VarId)>> {
    let (a, b) = (pieces(a), pieces(b));
    if a.len() != b.len() {
        return None;
    }
    let mut vars = Vec::new();
    for ((what_a, text_a), (what_b, text_b)) in a.iter().zip(&b) {
        if what_a != what_b || text_a.parts.len() != text_b.parts.len() {
            return None;
        }
        for parts in text_a.parts.iter().zip(&text_b.parts) {
            match parts {
                (TextPart::Lit(x), TextPart::Lit(y)) if x == y => {}
                (TextPart::Var(x), TextPart::Var(y)) => vars.push((*x, *y)),
                _ => return None,
            }
        }
    }
    Some(vars)
}

/// The two versions walked side by side.
pub(super) struct Walk<'a> {
    old: Side<'a>,
    new: Side<'a>,
    texts: Texts,
    nodes: FxHashMap<(NodeId, NodeId), NodePair>,
    /// The variables shown by pairs of nodes whose words are alike.
    shapes: Vec<Vec<(VarId, VarId)>>,
    parent: Parents,
    changes: Changes,
    /// Buffers for the options offered, reused from pair to pair.
    offered: (Vec<&'a str>, Vec<&'a str>),
}

/// A change found at a pair of states, before it is merged with its
/// repeats. Texts are numbers in [`Walk::texts`].
struct Found {
    kind: ChangeKind,
    /// The node where it shows, in the old version.
    node: NodeId,
    answer: Option<u32>,
    old: u32,
    new: u32,
    pair: Pair,
    /// The old version's edge taken from the pair, for `leads`.
    via: Option<u32>,
    /// What it affects in each version (a state, or an answer from a
    /// state), and how many paths pass there.
    old_unit: (StateId, Option<u32>),
    new_unit: (StateId, Option<u32>),
    old_count: Count,
    new_count: Count,
}

/// The same difference, merged over every pair of states where it shows.
type Key = (ChangeKind, NodeId, Option<u32>, u32, u32);

/// Changes merged as they are found, in the order first found.
#[derive(Default)]
struct Changes {
    index: FxHashMap<Key, usize>,
    list: Vec<Merged>,
}

struct Merged {
    key: Key,
    witness: String,
    old_paths: Count,
    new_paths: Count,
    old_units: FxHashSet<(StateId, Option<u32>)>,
    new_units: FxHashSet<(StateId, Option<u32>)>,
}

impl<'a> Walk<'a> {
    pub(super) fn new(old: Side<'a>, new: Side<'a>) -> Self {
        Walk {
            old,
            new,
            texts: Texts::default(),
            nodes: FxHashMap::default(),
            shapes: Vec::new(),
            parent: Parents::default(),
            changes: Changes::default(),
            offered: (Vec::new(), Vec::new()),
        }
    }

    pub(super) fn run(&mut self) -> Vec<Change> {
        let start = (self.old.space.root(), self.new.space.root());
        self.parent.insert(start, None);
        let mut queue = VecDeque::from([start]);
        if self.old.node_id(start.0) != self.new.node_id(start.1) {
            let old = self.texts.id(self.old.node_id(start.0));
            let new = self.texts.id(self.new.node_id(start.1));
            self.found(Found {
                kind: ChangeKind::Start,
                node: self.old.node(start.0),
                answer: None,
                old,
                new,
                pair: start,
                via: None,
                old_unit: (start.0, None),
                new_unit: (start.1, None),
                old_count: self.old.space.total_paths(),
                new_count: self.new.space.total_paths(),
            });
            queue.clear();
        }
        // The new state's answers by text (then as tried), reused.
        let mut by_text: Vec<(u32, u32)> = Vec::new();
        while let Some(pair) = queue.pop_front() {
            if !self.compare(pair) {
                continue;
            }
            let (old_space, new_space) = (self.old.space, self.new.space);
            let (old_node, new_node) = (self.old.node(pair.0), self.new.node(pair.1));
            let new_edges = new_space.edges_of(pair.1);
            by_text.clear();
            for (i, e) in new_edges.iter().enumerate() {
                let text = self.new.answer(&mut self.texts, new_node, &e.answer);
                by_text.push((text, crate::ids::saturating_u32(i)));
            }
            by_text.sort_unstable();
            let first_edge = old_space.state(pair.0).first_edge;
            for (i, e) in old_space.edges_of(pair.0).iter().enumerate() {
                let text = self.old.answer(&mut self.texts, old_node, &e.answer);
                // The first with this text, as the edges were tried.
                let at = by_text.partition_point(|&(t, _)| t < text);
                let Some(&(_, j)) = by_text.get(at).filter(|(t, _)| *t == text) else {
                    continue; // an option offered in one version only: reported above
                };
                let new_edge = &new_edges[j as usize];
                let next = (e.to, new_edge.to);
                let via = first_edge + crate::ids::saturating_u32(i);
                if !self.follow(pair, text, via, new_edge) {
                    continue;
                }
                if let std::collections::hash_map::Entry::Vacant(slot) = self.parent.entry(next) {
                    slot.insert(Some((pair, via)));
                    queue.push_back(next);
                }
            }
        }
        self.finish()
    }

    /// Does the answer `text` (the old version's edge `via`, and the new
    /// version's `new_edge`) lead to the same node in both versions? When
    /// not, that is a change.
    fn follow(&mut self, pair: Pair, text: u32, via: u32, new_edge: &Edge) -> bool {
        let old_edge = &self.old.space.edges[via as usize];
        let (old_to, new_to) = (old_edge.to, new_edge.to);
        let (old_first, new_first) = (self.old.first(old_edge), self.new.first(new_edge));
        // Where the answer goes first (as written), or else where the
        // branches on the way now take it.
        let (old_node, new_node) = if old_first == new_first {
            (self.old.node_id(old_to), self.new.node_id(new_to))
        } else {
            (old_first, new_first)
        };
        if old_node == new_node {
            return true;
        }
        let (old, new) = (self.texts.id(old_node), self.texts.id(new_node));
        let (old_space, new_space) = (self.old.space, self.new.space);
        self.found(Found {
            kind: ChangeKind::Leads,
            node: self.old.node(pair.0),
            answer: Some(text),
            old,
            new,
            pair,
            via: Some(via),
            old_unit: (pair.0, Some(text)),
            new_unit: (pair.1, Some(text)),
            old_count: old_space
                .paths_to(pair.0)
                .times(old_space.paths_from(old_to)),
            new_count: new_space
                .paths_to(pair.1)
                .times(new_space.paths_from(new_to)),
        });
        false
    }

    /// Compare what a person sees at a pair of states; false when the walk
    /// must not go on from it.
    fn compare(&mut self, pair: Pair) -> bool {
        let (old_ending, new_ending) = (self.old.ending(pair.0), self.new.ending(pair.1));
        if old_ending != new_ending {
            let none = || "reaches the next step".to_string();
            let old = self.texts.id_of(old_ending.unwrap_or_else(none));
            let new = self.texts.id_of(new_ending.unwrap_or_else(none));
            self.found_at(pair, ChangeKind::Ending, old, new);
            return false;
        }
        let nodes = self.node_pair(self.old.node(pair.0), self.new.node(pair.1));
        if let Some((old, new)) = nodes.words {
            self.found_at(pair, ChangeKind::Words, old, new);
        } else if match nodes.values {
            Values::None => false,
            Values::Alike(shape) => !self.same_values(pair, shape),
            Values::Unlike => true,
        } {
            let (shown_a, shown_b) = (self.old.shown(pair.0), self.new.shown(pair.1));
            if shown_a != shown_b {
                let (old, new) = line_changes(&shown_a, &shown_b);
                let (old, new) = (self.texts.id_of(old), self.texts.id_of(new));
                self.found_at(pair, ChangeKind::Values, old, new);
            }
        }
        let (mut a, mut b) = std::mem::take(&mut self.offered);
        self.old.offered(pair.0, &mut a);
        self.new.offered(pair.1, &mut b);
        if a != b {
            let (old, new) = (
                self.texts.id_of(a.join(", ")),
                self.texts.id_of(b.join(", ")),
            );
            self.found_at(pair, ChangeKind::Offered, old, new);
        }
        self.offered = (a, b);
        true
    }

    /// The words of two nodes compared, once per pair of nodes.
    fn node_pair(&mut self, old: NodeId, new: NodeId) -> NodePair {
        if let Some(&known) = self.nodes.get(&(old, new)) {
            return known;
        }
        let (a, b) = (self.old.words(old), self.new.words(new));
        let words = (a != b).then(|| line_changes(a, b));
        let values = if !self.old.shows_values[old.index()] && !self.new.shows_values[new.index()] {
            Values::None
        } else if let Some(vars) = alike(self.old.model.node(old), self.new.model.node(new)) {
            self.shapes.push(vars);
            Values::Alike(self.shapes.len() - 1)
        } else {
            Values::Unlike
        };
        let pair = NodePair {
            words: words.map(|(o, n)| (self.texts.id_of(o), self.texts.id_of(n))),
            values,
        };
        self.nodes.insert((old, new), pair);
        pair
    }

    /// Do two states of nodes whose words are alike show the same values?
    fn same_values(&self, pair: Pair, shape: usize) -> bool {
        let (old, new) = (&self.old, &self.new);
        self.shapes[shape].iter().all(|&(a, b)| {
            let shown = |side: &Side, s: StateId, v: VarId| {
                let model = side.model;
                model.display(model.var(v).ty, &side.space.var_value(model, s, v))
            };
            shown(old, pair.0, a) == shown(new, pair.1, b)
        })
    }

    /// A change shown at a pair of states (not at an answer from it).
    fn found_at(&mut self, pair: Pair, kind: ChangeKind, old: u32, new: u32) {
        self.found(Found {
            kind,
            node: self.old.node(pair.0),
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
    }

    /// Merge a change with its repeats (the same difference at several
    /// pairs of states): one entry, the witness of the first found (pairs
    /// are met breadth-first, so it is a shortest one), paths over every
    /// state.
    fn found(&mut self, f: Found) {
        let key = (f.kind, f.node, f.answer, f.old, f.new);
        let at = match self.changes.index.get(&key) {
            Some(&at) => at,
            None => {
                let witness = self.witness(f.pair, f.via);
                self.changes.list.push(Merged {
                    key,
                    witness,
                    old_paths: Count::ZERO,
                    new_paths: Count::ZERO,
                    old_units: FxHashSet::default(),
                    new_units: FxHashSet::default(),
                });
                let at = self.changes.list.len() - 1;
                self.changes.index.insert(key, at);
                at
            }
        };
        let entry = &mut self.changes.list[at];
        // Paths through distinct states of one node (or distinct answers
        // from them) never overlap.
        if entry.old_units.insert(f.old_unit) {
            entry.old_paths = entry.old_paths.plus(f.old_count);
        }
        if entry.new_units.insert(f.new_unit) {
            entry.new_paths = entry.new_paths.plus(f.new_count);
        }
    }

    /// The changes, in the order people read them.
    fn finish(&mut self) -> Vec<Change> {
        let texts = &self.texts;
        let model = self.old.model;
        let mut out: Vec<Change> = std::mem::take(&mut self.changes.list)
            .into_iter()
            .map(|m| {
                let (kind, node, answer, old, new) = m.key;
                Change {
                    kind,
                    node: model.node(node).id.clone(),
                    answer: answer.map(|a| texts.get(a).to_string()),
                    old: texts.get(old).to_string(),
                    new: texts.get(new).to_string(),
                    witness: m.witness,
                    old_paths: m.old_paths,
                    new_paths: m.new_paths,
                }
            })
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

    /// The shortest answers to a pair (and the old version's edge taken
    /// from it).
    fn witness(&self, pair: Pair, via: Option<u32>) -> String {
        let space = self.old.space;
        let mut answers: Vec<(NodeId, &Answer)> = Vec::new();
        if let Some(e) = via {
            answers.push((space.state(pair.0).node, &space.edges[e as usize].answer));
        }
        let mut at = pair;
        while let Some(Some((prev, edge))) = self.parent.get(&at) {
            answers.push((
                space.state(prev.0).node,
                &space.edges[*edge as usize].answer,
            ));
            at = *prev;
        }
        answers.reverse();
        key_of(self.old.model, answers)
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
