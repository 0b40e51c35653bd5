//! Exact counts of the paths that pass some marked node (`paths --tag`).
//!
//! Whether a path has passed a marked node depends on the way it came, not
//! on the state it is in, so the counts carry one more bit per state: paths
//! arriving having passed one, and paths arriving without. Dynamic
//! programming over the state graph, forwards for the arrivals and
//! backwards for "passes one later", gives every count exactly without
//! enumerating a single path.

use super::{Count, Edge, Space, StateId};
use crate::model::Model;

/// Path counts restricted to the paths that enter at least one marked node.
#[derive(Debug, Clone)]
pub struct Passing<'s> {
    space: &'s Space,
    /// Per node: is it marked?
    marked: Vec<bool>,
    /// Does the way to the first state enter a marked node?
    start: bool,
    /// Per state: paths from the start arriving there, having entered a
    /// marked node, and not having entered one.
    to_seen: Vec<Count>,
    to_unseen: Vec<Count>,
    /// Per state: paths from there to an end that enter a marked node on
    /// the way.
    from_seen: Vec<Count>,
}

impl<'s> Passing<'s> {
    /// Counts over a space for the nodes `marked` says (one flag per node of
    /// the tree the space was explored from).
    #[must_use]
    pub fn new(space: &'s Space, marked: Vec<bool>) -> Self {
        let n = space.states.len();
        let start = space.start_passed().iter().any(|m| marked[m.index()]);
        let mut p = Passing {
            space,
            marked,
            start,
            to_seen: vec![Count::ZERO; n],
            to_unseen: vec![Count::ZERO; n],
            from_seen: vec![Count::ZERO; n],
        };
        if n == 0 {
            return p;
        }
        if start {
            p.to_seen[0] = Count::ONE;
        } else {
            p.to_unseen[0] = Count::ONE;
        }
        let order = space.topological();
        for &s in order {
            let (seen, unseen) = (p.to_seen[s as usize], p.to_unseen[s as usize]);
            for e in space.edges_of(s) {
                let t = e.to as usize;
                if p.marks(e) {
                    p.to_seen[t] = p.to_seen[t].plus(seen).plus(unseen);
                } else {
                    p.to_seen[t] = p.to_seen[t].plus(seen);
                    p.to_unseen[t] = p.to_unseen[t].plus(unseen);
                }
            }
        }
        for &s in order.iter().rev() {
            if space.end(s).is_some() {
                continue;
            }
            let later = space
                .edges_of(s)
                .iter()
                .fold(Count::ZERO, |acc, e| acc.plus(p.after(false, e)));
            p.from_seen[s as usize] = later;
        }
        p
    }

    /// The space counted over.
    #[must_use]
    pub fn space(&self) -> &'s Space {
        self.space
    }

    /// Does taking this edge enter a marked node?
    #[must_use]
    pub fn marks(&self, edge: &Edge) -> bool {
        self.space
            .passed(edge)
            .iter()
            .any(|n| self.marked[n.index()])
    }

    /// Does every path enter a marked node before its first answer?
    #[must_use]
    pub fn at_start(&self) -> bool {
        self.start
    }

    /// Paths that go on through `edge` to an end and count, for a path
    /// that has (`seen`) or has not yet entered a marked node.
    #[must_use]
    pub fn after(&self, seen: bool, edge: &Edge) -> Count {
        if seen || self.marks(edge) {
            self.space.paths_from(edge.to)
        } else {
            self.from_seen[edge.to as usize]
        }
    }

    /// Paths from a state to an end that count, for a path that has
    /// (`seen`) or has not yet entered a marked node.
    #[must_use]
    pub fn from(&self, seen: bool, id: StateId) -> Count {
        if seen {
            self.space.paths_from(id)
        } else {
            self.from_seen[id as usize]
        }
    }

    /// Every path that enters a marked node.
    #[must_use]
    pub fn total(&self) -> Count {
        if self.space.states.is_empty() {
            return Count::ZERO;
        }
        self.from(self.start, self.space.root())
    }

    /// Paths that enter a marked node and end in this state.
    #[must_use]
    pub fn ending_in(&self, id: StateId) -> Count {
        self.to_seen[id as usize]
    }

    /// Paths that enter a marked node and take `edge` out of state `from`.
    #[must_use]
    pub fn through(&self, from: StateId, edge: &Edge) -> Count {
        let i = from as usize;
        self.to_seen[i]
            .times(self.space.paths_from(edge.to))
            .plus(self.to_unseen[i].times(self.after(false, edge)))
    }

    /// Per outcome kind: counted paths ending there.
    #[must_use]
    pub fn per_kind(&self, kinds: usize) -> Vec<Count> {
        self.space
            .tally_kinds(kinds, |id| self.to_seen[id as usize])
    }

    /// Per node: how many counted paths enter it (twice round a loop counts
    /// twice).
    #[must_use]
    pub fn per_node(&self, nodes: usize) -> Vec<Count> {
        self.space
            .tally_nodes(nodes, self.total(), |id, e| self.through(id, e))
    }

    /// Per question and option (model order): how many counted paths take
    /// it.
    #[must_use]
    pub fn per_option(&self, model: &Model) -> Vec<Vec<Count>> {
        self.space.tally_options(model, |id, e| self.through(id, e))
    }
}
