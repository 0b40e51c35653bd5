//! Paths drawn uniformly at random over all paths of a tree.
//!
//! Walking a tree by picking a random answer at each step favours short
//! paths: a path behind one rare answer is as likely as a whole subtree
//! behind another. Here each answer is instead picked with probability
//! proportional to the number of paths behind it (from the state space's
//! exact counts), so every path is equally likely. Draws are reproducible:
//! the same seed gives the same paths.

use super::space::{Space, StateId};
use super::End;
use crate::interp::Answer;
use crate::model::NodeId;

/// Draws paths uniformly at random.
pub struct Sampler<'s> {
    space: &'s Space,
    rng: SplitMix64,
}

impl<'s> Sampler<'s> {
    /// A sampler over a space; `None` when its path count overflowed `u128`
    /// (then no uniform draw is possible from the counts).
    #[must_use]
    pub fn new(space: &'s Space, seed: u64) -> Option<Self> {
        space.total_paths().exact()?;
        Some(Sampler {
            space,
            rng: SplitMix64(seed),
        })
    }

    /// Draw one path: its answers (with the node each answered) and how it
    /// ends.
    pub fn draw(&mut self) -> (Vec<(NodeId, Answer)>, &'s End) {
        let space = self.space;
        let mut at: StateId = space.root();
        let mut answers = Vec::new();
        loop {
            let state = space.state(at);
            if let Some(end) = &state.end {
                return (answers, end);
            }
            let total = space.paths_from(at).exact().unwrap_or(0);
            let mut pick = self.below(total);
            let edges = space.edges_of(at);
            let mut chosen = edges.last();
            for e in edges {
                let n = space.paths_from(e.to).exact().unwrap_or(0);
                if pick < n {
                    chosen = Some(e);
                    break;
                }
                pick -= n;
            }
            let Some(edge) = chosen else {
                // A state with no way out is always an end; stop anyway.
                return (answers, &FALLBACK_END);
            };
            answers.push((state.node, edge.answer.clone()));
            at = edge.to;
        }
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
