//! Paths drawn uniformly at random over all paths of a tree.
//!
//! Walking a tree by picking a random answer at each step favours short
//! paths: a path behind one rare answer is as likely as a whole subtree
//! behind another. Here each answer is instead picked with probability
//! proportional to the number of paths behind it (from the state space's
//! exact counts), so every path is equally likely. Draws are reproducible:
//! the same seed gives the same paths.

use super::space::{Count, Passing, Space, StateId};
use super::End;
use crate::interp::Answer;
use crate::model::NodeId;

/// Draws paths uniformly at random.
pub struct Sampler<'s> {
    space: &'s Space,
    /// Draw only among the paths that enter a marked node.
    passing: Option<&'s Passing<'s>>,
    rng: SplitMix64,
}

/// One path drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn<'s> {
    /// Every answer, with the node it answered.
    pub answers: Vec<(NodeId, Answer)>,
    /// Every node entered, in order, branches and scores included.
    pub nodes: Vec<NodeId>,
    pub end: &'s End,
}

impl<'s> Sampler<'s> {
    /// A sampler over a space; `None` when its path count overflowed `u128`
    /// (then no uniform draw is possible from the counts).
    #[must_use]
    pub fn new(space: &'s Space, seed: u64) -> Option<Self> {
        space.total_paths().exact()?;
        Some(Sampler {
            space,
            passing: None,
            rng: SplitMix64(seed),
        })
    }

    /// A sampler over the paths that enter a node `passing` marks: each of
    /// them equally likely. `None` when their count overflowed `u128` or
    /// is zero.
    #[must_use]
    pub fn passing(space: &'s Space, passing: &'s Passing<'s>, seed: u64) -> Option<Self> {
        passing.total().exact().filter(|&n| n > 0)?;
        Some(Sampler {
            space,
            passing: Some(passing),
            rng: SplitMix64(seed),
        })
    }

    /// Draw one path: its answers (with the node each answered) and how it
    /// ends.
    pub fn draw(&mut self) -> (Vec<(NodeId, Answer)>, &'s End) {
        let drawn = self.draw_path();
        (drawn.answers, drawn.end)
    }

    /// Draw one path, with the nodes it enters.
    pub fn draw_path(&mut self) -> Drawn<'s> {
        let space = self.space;
        let mut at: StateId = space.root();
        let mut seen = self.passing.is_some_and(Passing::at_start);
        let mut drawn = Drawn {
            answers: Vec::new(),
            nodes: space.start_passed().to_vec(),
            end: &FALLBACK_END,
        };
        loop {
            let state = space.state(at);
            if let Some(end) = space.end(at) {
                drawn.end = end;
                return drawn;
            }
            let total = self.paths_from(seen, at);
            let mut pick = self.below(total);
            let edges = space.edges_of(at);
            let mut chosen = edges.last();
            for e in edges {
                let n = self.paths_after(seen, e);
                if pick < n {
                    chosen = Some(e);
                    break;
                }
                pick -= n;
            }
            // A state with no way out is always an end; stop anyway.
            let Some(edge) = chosen else { return drawn };
            seen = seen || self.passing.is_some_and(|p| p.marks(edge));
            drawn.answers.push((state.node, edge.answer.clone()));
            drawn.nodes.extend_from_slice(space.passed(edge));
            at = edge.to;
        }
    }

    /// Paths to draw from at a state.
    fn paths_from(&self, seen: bool, at: StateId) -> u128 {
        let n = match self.passing {
            Some(p) => p.from(seen, at),
            None => self.space.paths_from(at),
        };
        exact(n)
    }

    /// Paths to draw from through an edge.
    fn paths_after(&self, seen: bool, edge: &super::space::Edge) -> u128 {
        let n = match self.passing {
            Some(p) => p.after(seen, edge),
            None => self.space.paths_from(edge.to),
        };
        exact(n)
    }

    /// A uniform number in `0..n` (0 when `n` is 0), without modulo bias.
    fn below(&mut self, n: u128) -> u128 {
        if n <= 1 {
            return 0;
        }
        let zone = u128::MAX - (u128::MAX % n);
        loop {
            let x = (u128::from(self.rng.next()) << 64) | u128::from(self.rng.next());
            if x < zone {
                return x % n;
            }
        }
    }
}

/// Counts below the total, which fits in `u128`, fit too.
fn exact(n: Count) -> u128 {
    n.exact().unwrap_or(0)
}

static FALLBACK_END: End = End::Stuck { node: NodeId(0) };

/// SplitMix64: small, fast and good enough for drawing paths; its output
/// for a seed never changes, so draws are reproducible across versions.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
