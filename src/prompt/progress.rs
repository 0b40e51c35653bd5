//! How far a person is: "Question 2 of 4", worked out once from the shape
//! of the tree.
//!
//! For every node we count the questions (question, checklist and input
//! nodes) still ahead on the shortest and the longest way to an outcome,
//! ignoring conditions. The real path is one of those ways, so the range
//! always holds. A loop makes the longest way unbounded.

use crate::model::graph::Graph;
use crate::model::{Model, NodeId};

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
        let graph = Graph::of(model);
        let remaining = graph
            .fewest_questions()
            .into_iter()
            .zip(graph.most_questions())
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

pub use crate::model::graph::asks;

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
