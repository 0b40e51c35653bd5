//! Stage 5, flow: nodes that can never be reached (W002) and loops that no
//! path leaves for an outcome (E010), on the model's [`Graph`].

use super::Checker;
use crate::diag::problem::Flow;
use crate::model::graph::Graph;
use crate::model::NodeId;

/// Most other trapped nodes one E010 points at.
const MAX_TRAPPED_SHOWN: usize = 4;

impl Checker {
    /// Report unreachable nodes and the first trap, once the tree's
    /// targets all resolved.
    pub(super) fn check_flow(&mut self) {
        let Some(start) = self.start_node() else {
            return;
        };
        let graph = Graph::new(&self.nodes);
        let reachable = graph.reachable_from(start);
        self.report_unreachable(&reachable);
        let finishes = graph.reaches_outcome();
        self.report_trap(&reachable, &finishes);
    }

    /// The root tree's `start` node, when it names one.
    fn start_node(&self) -> Option<NodeId> {
        let start = self.units[0].ast.header.start.as_ref()?;
        self.node_index.get(&start.name).copied()
    }

    fn report_unreachable(&mut self, reachable: &[bool]) {
        let unreached = (0..self.nodes.len()).filter(|&i| !reachable[i]);
        for index in unreached.collect::<Vec<_>>() {
            let node = self.nodes[index].id.clone();
            self.report(Flow::Unreachable { node }, self.nodes[index].id_span);
        }
    }

    /// E010 at the first node (in source order) that is reached but can
    /// reach no outcome.
    fn report_trap(&mut self, reachable: &[bool], finishes: &[bool]) {
        let mut trapped: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| reachable[i] && !finishes[i])
            .collect();
        trapped.sort_by_key(|&i| self.nodes[i].span);
        let Some((&first, others)) = trapped.split_first() else {
            return;
        };
        let also = others
            .iter()
            .take(MAX_TRAPPED_SHOWN)
            .map(|&i| self.nodes[i].id_span)
            .collect();
        let problem = Flow::Trapped {
            node: self.nodes[first].id.clone(),
            also,
        };
        self.report(problem, self.nodes[first].id_span);
    }
}
