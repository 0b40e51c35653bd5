//! How far a person is: "Question 2 of 4", worked out once from the shape
//! of the tree.
//!
//! For every node we count the questions (question, checklist and input
//! nodes) still ahead on the shortest and the longest way to an outcome,
//! ignoring conditions. The real path is one of those ways, so the range
//! always holds. A loop makes the longest way unbounded.

use crate::model::{Model, NodeId, NodeKind};

/// Questions left from one node, itself included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remaining {
    pub min: u32,
    /// `None` when a loop is reachable, so there is no upper bound.
    pub max: Option<u32>,
}

/// Remaining-question counts for every node of a model.
#[derive(Debug, Clone)]
pub struct Progress {
    remaining: Vec<Remaining>,
}

impl Progress {
    /// Analyse a model. Linear in nodes and edges.
    #[must_use]
    pub fn new(model: &Model) -> Self {
        let succ: Vec<Vec<NodeId>> = model.nodes.iter().map(|n| n.kind.successors()).collect();
        let asks: Vec<u32> = model
            .nodes
            .iter()
            .map(|n| u32::from(asks(&n.kind)))
            .collect();
        let min = shortest(&succ, &asks, model);
        let max = longest(&succ, &asks);
        let remaining = min
            .into_iter()
            .zip(max)
            .map(|(min, max)| Remaining { min, max })
            .collect();
        Self { remaining }
    }

    /// Questions left from `node`, itself included.
    #[must_use]
    pub fn remaining(&self, node: NodeId) -> Remaining {
        self.remaining[node.index()]
    }

    /// The hint to show at a question, given how many questions were
    /// answered before it: "Question 2 of 4", "Question 2 of 3 to 5",
    /// "Question 2 of at least 3".
    #[must_use]
    pub fn hint(&self, node: NodeId, answered: usize) -> String {
        let n = answered + 1;
        let r = self.remaining(node);
        let low = answered + r.min as usize;
        match r.max.map(|m| answered + m as usize) {
            Some(high) if high == low => format!("Question {n} of {low}"),
            Some(high) => format!("Question {n} of {low} to {high}"),
            None => format!("Question {n} of at least {low}"),
        }
    }
}

/// Does a node wait for a person's answer (counting as a question)?
#[must_use]
pub fn asks(kind: &NodeKind) -> bool {
    matches!(
        kind,
        NodeKind::Question { .. } | NodeKind::Checklist { .. } | NodeKind::Input { .. }
    )
}

/// Fewest questions to an outcome: relax in rounds over predecessors
/// (a 0-1 weighted shortest path, solved with a deque).
fn shortest(succ: &[Vec<NodeId>], asks: &[u32], model: &Model) -> Vec<u32> {
    let n = succ.len();
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, targets) in succ.iter().enumerate() {
        for t in targets {
            pred[t.index()].push(from);
        }
    }
    let mut dist = vec![u32::MAX; n];
    let mut queue = std::collections::VecDeque::new();
    for (i, node) in model.nodes.iter().enumerate() {
        if matches!(node.kind, NodeKind::Outcome { .. }) {
            dist[i] = 0;
            queue.push_back(i);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &p in &pred[v] {
            let d = dist[v] + asks[p];
            if d < dist[p] {
                dist[p] = d;
                if asks[p] == 0 {
                    queue.push_front(p);
                } else {
                    queue.push_back(p);
                }
            }
        }
    }
    // A node with no way out (the checker rejects those) counts as itself.
    dist.iter()
        .zip(asks)
        .map(|(&d, &a)| if d == u32::MAX { a } else { d })
        .collect()
}

/// Most questions to an outcome, or `None` where a loop is reachable.
/// Iterative depth-first search, so deep trees cannot overflow the stack.
fn longest(succ: &[Vec<NodeId>], asks: &[u32]) -> Vec<Option<u32>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let n = succ.len();
    let mut mark = vec![Mark::New; n];
    let mut best: Vec<Option<u32>> = vec![Some(0); n];
    for root in 0..n {
        if mark[root] != Mark::New {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        mark[root] = Mark::Open;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(t) = succ[v].get(*next) {
                *next += 1;
                let t = t.index();
                match mark[t] {
                    Mark::New => {
                        mark[t] = Mark::Open;
                        stack.push((t, 0));
                    }
                    // A back edge: everything on the loop is unbounded.
                    Mark::Open => best[v] = None,
                    Mark::Done => {}
                }
                continue;
            }
            stack.pop();
            mark[v] = Mark::Done;
            let tail = succ[v].iter().try_fold(0u32, |acc, t| {
                if mark[t.index()] == Mark::Open || best[t.index()].is_none() {
                    None
                } else {
                    best[t.index()].map(|b| acc.max(b))
                }
            });
            best[v] = match (best[v], tail) {
                (Some(_), Some(tail)) => Some(tail + asks[v]),
                _ => None,
            };
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_str;
    use std::path::Path;

    fn progress(src: &str) -> (Model, Progress) {
        let model = match check_str(Path::new("p.tree"), src) {
            Ok(c) => c.model,
            Err(f) => panic!("{:#?}", f.diagnostics),
        };
        let p = Progress::new(&model);
        (model, p)
    }

    #[test]
    fn counts_questions_on_the_shortest_and_longest_way() {
        let (m, p) = progress(
            r#"
tree t "T" { start a outcomes done }
question a { text "A" option x "X" -> b option y "Y" -> end }
info b { text "B" -> c }
input c { text "C" number into n range 0..=3 -> end }
var n: int = 0
outcome end { kind done title "E" }
"#,
        );
        let a = m.find_node("a").unwrap();
        assert_eq!(
            p.remaining(a),
            Remaining {
                min: 1,
                max: Some(2)
            }
        );
        assert_eq!(p.hint(a, 0), "Question 1 of 1 to 2");
        let c = m.find_node("c").unwrap();
        assert_eq!(p.hint(c, 1), "Question 2 of 2");
    }

    #[test]
    fn a_loop_has_no_upper_bound() {
        let (m, p) = progress(
            r#"
tree t "T" { start a outcomes done }
question a { text "A" option again "Again" -> a option stop "Stop" -> end }
outcome end { kind done title "E" }
"#,
        );
        let a = m.find_node("a").unwrap();
        assert_eq!(p.remaining(a), Remaining { min: 1, max: None });
        assert_eq!(p.hint(a, 3), "Question 4 of at least 4");
    }
}
