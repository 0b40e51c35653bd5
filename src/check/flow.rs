//! Stage 5, flow: nodes that can never be reached (W002) and loops that no
//! path leaves for an outcome (E010).

use super::Checker;
use crate::diag::Diagnostic;
use crate::model::{NodeId, NodeKind};
use std::collections::VecDeque;

impl Checker {
    pub(super) fn graph(&mut self) {
        let Some(start) = self.units[0]
            .ast
            .header
            .start
            .as_ref()
            .and_then(|s| self.node_index.get(&s.name).copied())
        else {
            return;
        };
        let succ: Vec<Vec<NodeId>> = self.nodes.iter().map(|n| n.kind.successors()).collect();
        let reachable = reach(&succ, start);
        for (i, node) in self.nodes.iter().enumerate() {
            if !reachable[i] {
                self.diags.push(
                    Diagnostic::warning(
                        "W002",
                        format!("the node `{}` can never be reached", node.id),
                        node.id_span,
                    )
                    .label("nothing leads here")
                    .help("point an option or `->` at it, or remove it"),
                );
            }
        }
        // Nodes from which some outcome can be reached, by walking edges backwards.
        let mut pred: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for (from, targets) in succ.iter().enumerate() {
            for t in targets {
                pred[t.index()].push(from);
            }
        }
        let mut finishes = vec![false; self.nodes.len()];
        let mut queue: VecDeque<usize> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Outcome { .. }))
            .map(|(i, _)| i)
            .collect();
        for &i in &queue {
            finishes[i] = true;
        }
        while let Some(i) = queue.pop_front() {
            for &p in &pred[i] {
                if !finishes[p] {
                    finishes[p] = true;
                    queue.push_back(p);
                }
            }
        }
        let mut trapped: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| reachable[i] && !finishes[i])
            .collect();
        trapped.sort_by_key(|&i| self.nodes[i].span);
        if let Some(&first) = trapped.first() {
            let mut d = Diagnostic::error(
                "E010",
                format!(
                    "no path from `{}` leads to an outcome",
                    self.nodes[first].id
                ),
                self.nodes[first].id_span,
            )
            .label("a run that gets here loops forever")
            .help("give the loop a way out: an option or `else` that leads to an outcome");
            for &other in trapped.iter().skip(1).take(4) {
                d = d.with_secondary(self.nodes[other].id_span, "also trapped in the loop");
            }
            self.diags.push(d);
        }
    }
}

/// Which nodes can be reached from `start` (iterative, so depth is no risk).
pub(super) fn reach(succ: &[Vec<NodeId>], start: NodeId) -> Vec<bool> {
    let mut seen = vec![false; succ.len()];
    let mut stack = vec![start.index()];
    while let Some(i) = stack.pop() {
        if i >= seen.len() || seen[i] {
            continue;
        }
        seen[i] = true;
        stack.extend(succ[i].iter().map(|n| n.index()));
    }
    seen
}
