//! What exploring a tree reached: nodes, options, both outcomes of every
//! condition, and outcome kinds.

use crate::model::{Model, NodeId, NodeKind, OUTCOME_KINDS};
use crate::source::Span;
use serde::Serialize;

/// Where a condition sits in a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Site {
    /// `option id "..." if cond` of a question.
    Option { node: NodeId, index: usize },
    /// `item id "..." if cond` of a checklist.
    Item { node: NodeId, index: usize },
    /// `when cond -> next` of a branch.
    Arm { node: NodeId, index: usize },
}

/// One condition and the values it was seen to take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub site: Site,
    pub span: Span,
    pub seen_true: bool,
    pub seen_false: bool,
}

/// Covered and total counts of one kind of thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Tally {
    pub covered: usize,
    pub total: usize,
}

impl Tally {
    /// The covered share in percent; 100 when there is nothing to cover.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn percent(self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.covered as f64 * 100.0 / self.total as f64
        }
    }

    fn add(self, other: Tally) -> Tally {
        Tally {
            covered: self.covered + other.covered,
            total: self.total + other.total,
        }
    }
}

/// Coverage of one exploration, over every path (cut and failed paths
/// included: what they reached was reached).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Per node: entered on some path.
    pub nodes: Vec<bool>,
    /// Per node: per option of a question, taken on some path (always
    /// empty for other kinds).
    pub options: Vec<Vec<bool>>,
    /// Every option, item and arm condition in the tree, in node order.
    pub conditions: Vec<Condition>,
    /// Per declared outcome kind: reached by some path.
    pub kinds: Vec<bool>,
    /// Per node: index of its first condition slot in `slots`.
    first_slot: Vec<usize>,
    /// Per option, item or arm (in node order): its index in `conditions`.
    slots: Vec<Option<usize>>,
}

impl Coverage {
    /// Empty coverage for a tree: nothing reached yet.
    #[must_use]
    pub fn new(model: &Model) -> Self {
        let mut cov = Coverage {
            nodes: vec![false; model.nodes.len()],
            options: Vec::with_capacity(model.nodes.len()),
            conditions: Vec::new(),
            kinds: vec![false; model.domains[OUTCOME_KINDS.0 as usize].len()],
            first_slot: Vec::with_capacity(model.nodes.len()),
            slots: Vec::new(),
        };
        for (i, node) in model.nodes.iter().enumerate() {
            let node_id = NodeId::from_index(i);
            cov.first_slot.push(cov.slots.len());
            let conds: Vec<(Site, Option<Span>)> = match &node.kind {
                NodeKind::Question { options } => {
                    cov.options.push(vec![false; options.len()]);
                    options
                        .iter()
                        .enumerate()
                        .map(|(index, o)| {
                            let site = Site::Option {
                                node: node_id,
                                index,
                            };
                            (site, o.cond.as_ref().map(|c| c.span))
                        })
                        .collect()
                }
                NodeKind::Checklist { items, .. } => items
                    .iter()
                    .enumerate()
                    .map(|(index, it)| {
                        let site = Site::Item {
                            node: node_id,
                            index,
                        };
                        (site, it.cond.as_ref().map(|c| c.span))
                    })
                    .collect(),
                NodeKind::Branch { arms, .. } => arms
                    .iter()
                    .enumerate()
                    .map(|(index, a)| {
                        (
                            Site::Arm {
                                node: node_id,
                                index,
                            },
                            Some(a.cond.span),
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if !matches!(node.kind, NodeKind::Question { .. }) {
                cov.options.push(Vec::new());
            }
            for (site, span) in conds {
                let slot = span.map(|span| {
                    cov.conditions.push(Condition {
                        site,
                        span,
                        seen_true: false,
                        seen_false: false,
                    });
                    cov.conditions.len() - 1
                });
                cov.slots.push(slot);
            }
        }
        cov
    }

    /// Note that the `index`th option, item or arm condition of `node`
    /// evaluated to `value`. Does nothing for unconditional ones.
    pub(crate) fn condition(&mut self, node: NodeId, index: usize, value: bool) {
        let slot = self.first_slot[node.index()] + index;
        if let Some(Some(c)) = self.slots.get(slot) {
            let c = &mut self.conditions[*c];
            if value {
                c.seen_true = true;
            } else {
                c.seen_false = true;
            }
        }
    }

    /// Was the node entered on some path?
    #[must_use]
    pub fn reached(&self, node: NodeId) -> bool {
        self.nodes.get(node.index()).copied().unwrap_or(false)
    }

    /// Nodes entered on some path.
    #[must_use]
    pub fn node_tally(&self) -> Tally {
        count(self.nodes.iter().copied())
    }

    /// Options taken on some path, over every option of every question.
    #[must_use]
    pub fn option_tally(&self) -> Tally {
        count(self.options.iter().flatten().copied())
    }

    /// Condition outcomes seen, two per condition (true and false).
    #[must_use]
    pub fn condition_tally(&self) -> Tally {
        count(
            self.conditions
                .iter()
                .flat_map(|c| [c.seen_true, c.seen_false]),
        )
    }

    /// Declared outcome kinds reached.
    #[must_use]
    pub fn kind_tally(&self) -> Tally {
        count(self.kinds.iter().copied())
    }

    /// Everything together: nodes, options, condition outcomes and kinds.
    #[must_use]
    pub fn total(&self) -> Tally {
        self.node_tally()
            .add(self.option_tally())
            .add(self.condition_tally())
            .add(self.kind_tally())
    }

    /// Options of reached questions that were never shown on any path, as
    /// (question, option index), in source order.
    #[must_use]
    pub fn never_shown(&self) -> Vec<(NodeId, usize)> {
        let mut out = Vec::new();
        for (n, options) in self.options.iter().enumerate() {
            if !self.nodes[n] {
                continue;
            }
            let node = NodeId::from_index(n);
            out.extend(
                options
                    .iter()
                    .enumerate()
                    .filter(|(_, taken)| !**taken)
                    .map(|(i, _)| (node, i)),
            );
        }
        out
    }

    /// Conditions of reached nodes that were never seen true or never seen
    /// false.
    pub fn one_sided(&self) -> impl Iterator<Item = &Condition> {
        self.conditions.iter().filter(|c| {
            let node = match c.site {
                Site::Option { node, .. } | Site::Item { node, .. } | Site::Arm { node, .. } => {
                    node
                }
            };
            self.reached(node) && !(c.seen_true && c.seen_false)
        })
    }
}

fn count(flags: impl Iterator<Item = bool>) -> Tally {
    flags.fold(Tally::default(), |t, f| Tally {
        covered: t.covered + usize::from(f),
        total: t.total + 1,
    })
}
