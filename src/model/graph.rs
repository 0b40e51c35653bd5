//! The shape of a tree as a graph, ignoring conditions: who leads where,
//! what can be reached, what can finish, and how many questions lie ahead.
//!
//! The checker (dead nodes, trap loops), the progress hint, the explorer
//! (nearest reached node) and the graph drawing all read the tree through
//! this one module. Every walk is iterative, so deep trees cannot overflow
//! the stack, and linear in nodes and edges.

use super::{Model, Node, NodeId, NodeKind};
use std::collections::VecDeque;

/// One way out of a node: the `index`-th target of
/// [`NodeKind::successors`]. For a question that is its `index`-th option,
/// for a branch its `index`-th `when` arm (the `else` comes after the arms),
/// and for the other kinds `0` is their single next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Exit {
    pub node: NodeId,
    pub index: usize,
}

/// One way out of a node, named by what it is in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Via {
    /// A question's option, by index.
    Option(usize),
    /// A branch's arm, by index.
    Arm(usize),
    /// A branch's `else`.
    Else,
    /// The single `->` of a checklist, input, score or info node.
    Next,
}

impl Via {
    /// What the `index`-th exit of a node of this kind is (see [`Exit`]).
    #[must_use]
    pub fn of(kind: &NodeKind, index: usize) -> Via {
        match kind {
            NodeKind::Question { .. } => Via::Option(index),
            NodeKind::Branch { arms, .. } if index < arms.len() => Via::Arm(index),
            NodeKind::Branch { .. } => Via::Else,
            _ => Via::Next,
        }
    }
}

/// A step into a node through one exit of another, as found by
/// [`Graph::nearest_reached`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The exit taken.
    pub exit: Exit,
    /// Where it leads.
    pub to: NodeId,
}

/// The edges of a tree, both ways, with what each node is.
#[derive(Debug, Clone)]
pub struct Graph {
    succ: Vec<Vec<NodeId>>,
    pred: Vec<Vec<Exit>>,
    outcome: Vec<bool>,
    asks: Vec<u32>,
}

/// Does a node wait for a person's answer (counting as a question)?
#[must_use]
pub fn asks(kind: &NodeKind) -> bool {
    matches!(
        kind,
        NodeKind::Question { .. } | NodeKind::Checklist { .. } | NodeKind::Input { .. }
    )
}

impl Graph {
    /// The graph of a checked model.
    #[must_use]
    pub fn of(model: &Model) -> Self {
        Self::new(&model.nodes)
    }

    /// The graph of a list of nodes. A target outside the list (a node
    /// that failed to resolve) is kept as an exit but never walked.
    #[must_use]
    pub fn new(nodes: &[Node]) -> Self {
        let succ: Vec<Vec<NodeId>> = nodes.iter().map(|n| n.kind.successors()).collect();
        Self {
            pred: predecessors(&succ),
            succ,
            outcome: nodes
                .iter()
                .map(|n| matches!(n.kind, NodeKind::Outcome { .. }))
                .collect(),
            asks: nodes.iter().map(|n| u32::from(asks(&n.kind))).collect(),
        }
    }

    /// How many nodes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.succ.len()
    }

    /// Whether there are no nodes at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.succ.is_empty()
    }

    /// Every node `node` can lead to, in source order (see [`Exit`]).
    #[must_use]
    pub fn successors(&self, node: NodeId) -> &[NodeId] {
        self.succ.get(node.index()).map_or(&[], Vec::as_slice)
    }

    /// Every exit that leads into `node`, by source node then exit order.
    #[must_use]
    pub fn predecessors(&self, node: NodeId) -> &[Exit] {
        self.pred.get(node.index()).map_or(&[], Vec::as_slice)
    }

    /// Which nodes some path from `start` reaches (`start` included).
    #[must_use]
    pub fn reachable_from(&self, start: NodeId) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut stack = vec![start.index()];
        while let Some(i) = stack.pop() {
            if i >= seen.len() || seen[i] {
                continue;
            }
            seen[i] = true;
            stack.extend(self.succ[i].iter().map(|n| n.index()));
        }
        seen
    }

    /// Which nodes have some path to an outcome (outcomes included).
    #[must_use]
    pub fn reaches_outcome(&self) -> Vec<bool> {
        let mut finishes = self.outcome.clone();
        let mut queue: VecDeque<usize> = self.outcomes().collect();
        while let Some(i) = queue.pop_front() {
            for exit in &self.pred[i] {
                let p = exit.node.index();
                if !finishes[p] {
                    finishes[p] = true;
                    queue.push_back(p);
                }
            }
        }
        finishes
    }

    /// Per node, the fewest questions (itself included) on a way to an
    /// outcome. A node with no way out counts as itself alone.
    #[must_use]
    pub fn fewest_questions(&self) -> Vec<u32> {
        let dist = self.question_distances();
        dist.iter()
            .zip(&self.asks)
            .map(|(&d, &a)| if d == u32::MAX { a } else { d })
            .collect()
    }

    /// Per node, the most questions (itself included) on a way to an
    /// outcome, or `None` where a loop is reachable.
    #[must_use]
    pub fn most_questions(&self) -> Vec<Option<u32>> {
        let mut walk = Longest::new(self.len());
        for root in 0..self.len() {
            walk.from(self, root);
        }
        walk.best
    }

    /// Search backwards from `target` for the closest node marked in
    /// `reached`, and the step out of it towards `target`.
    #[must_use]
    pub fn nearest_reached(&self, reached: &[bool], target: NodeId) -> Option<Step> {
        let mut seen = vec![false; self.len()];
        *seen.get_mut(target.index())? = true;
        let mut queue = VecDeque::from([target]);
        while let Some(to) = queue.pop_front() {
            for &exit in self.predecessors(to) {
                let from = exit.node.index();
                if reached.get(from).copied().unwrap_or(false) {
                    return Some(Step { exit, to });
                }
                if !seen[from] {
                    seen[from] = true;
                    queue.push_back(exit.node);
                }
            }
        }
        None
    }

    /// The groups of nodes that lead round to each other: each strongly
    /// connected component with more than one node, or with one node that
    /// leads to itself. Members are sorted; groups come in the order
    /// Tarjan's algorithm finishes them.
    #[must_use]
    pub fn cycles(&self) -> Vec<Vec<NodeId>> {
        let mut cycles = Tarjan::run(self);
        cycles.retain(|members| match members.as_slice() {
            [one] => self.successors(*one).contains(one),
            _ => true,
        });
        cycles
    }

    fn outcomes(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|&i| self.outcome[i])
    }

    /// Fewest questions to an outcome, `u32::MAX` where none is reachable:
    /// a 0-1 weighted shortest path over predecessors, solved with a deque.
    fn question_distances(&self) -> Vec<u32> {
        let mut dist = vec![u32::MAX; self.len()];
        let mut queue = VecDeque::new();
        for i in self.outcomes() {
            dist[i] = 0;
            queue.push_back(i);
        }
        while let Some(v) = queue.pop_front() {
            for exit in &self.pred[v] {
                let p = exit.node.index();
                let d = dist[v] + self.asks[p];
                if d < dist[p] {
                    dist[p] = d;
                    if self.asks[p] == 0 {
                        queue.push_front(p);
                    } else {
                        queue.push_back(p);
                    }
                }
            }
        }
        dist
    }

    /// The in-range targets of node `v`.
    fn targets(&self, v: usize) -> impl Iterator<Item = usize> + '_ {
        self.succ[v]
            .iter()
            .map(|t| t.index())
            .filter(|&t| t < self.len())
    }
}

/// For each node, the exits that lead into it.
fn predecessors(succ: &[Vec<NodeId>]) -> Vec<Vec<Exit>> {
    let mut pred: Vec<Vec<Exit>> = vec![Vec::new(); succ.len()];
    for (from, targets) in succ.iter().enumerate() {
        let node = NodeId::from_index(from);
        for (index, t) in targets.iter().enumerate() {
            if let Some(list) = pred.get_mut(t.index()) {
                list.push(Exit { node, index });
            }
        }
    }
    pred
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    Open,
    Done,
}

/// The longest-way walk: an iterative depth-first search that marks every
/// node on a loop (and everything leading into one) as unbounded.
struct Longest {
    mark: Vec<Mark>,
    best: Vec<Option<u32>>,
}

impl Longest {
    fn new(n: usize) -> Self {
        Self {
            mark: vec![Mark::New; n],
            best: vec![Some(0); n],
        }
    }

    fn from(&mut self, graph: &Graph, root: usize) {
        if self.mark[root] != Mark::New {
            return;
        }
        let mut stack = vec![(root, 0usize)];
        self.mark[root] = Mark::Open;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(t) = graph.succ[v].get(*next).map(|t| t.index()) {
                *next += 1;
                if t < graph.len() {
                    self.enter(&mut stack, v, t);
                }
            } else {
                stack.pop();
                self.finish(graph, v);
            }
        }
    }

    fn enter(&mut self, stack: &mut Vec<(usize, usize)>, v: usize, t: usize) {
        match self.mark[t] {
            Mark::New => {
                self.mark[t] = Mark::Open;
                stack.push((t, 0));
            }
            // A back edge: everything on the loop is unbounded.
            Mark::Open => self.best[v] = None,
            Mark::Done => {}
        }
    }

    fn finish(&mut self, graph: &Graph, v: usize) {
        self.mark[v] = Mark::Done;
        let tail = graph.targets(v).try_fold(0u32, |acc, t| {
            if self.mark[t] == Mark::Open {
                None
            } else {
                self.best[t].map(|b| acc.max(b))
            }
        });
        self.best[v] = match (self.best[v], tail) {
            (Some(_), Some(tail)) => Some(tail + graph.asks[v]),
            _ => None,
        };
    }
}

/// Strongly connected components, by Tarjan's algorithm, iterative so that
/// deep trees cannot overflow the stack.
struct Tarjan<'g> {
    graph: &'g Graph,
    /// Discovery order of each node; `usize::MAX` before it is seen.
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    counter: usize,
    components: Vec<Vec<NodeId>>,
}

impl<'g> Tarjan<'g> {
    fn run(graph: &'g Graph) -> Vec<Vec<NodeId>> {
        let n = graph.len();
        let mut tarjan = Tarjan {
            graph,
            index: vec![usize::MAX; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
            counter: 0,
            components: Vec::new(),
        };
        for root in 0..n {
            if tarjan.index[root] == usize::MAX {
                tarjan.visit_from(root);
            }
        }
        tarjan.components
    }

    fn discover(&mut self, node: usize) {
        self.index[node] = self.counter;
        self.low[node] = self.counter;
        self.counter += 1;
        self.stack.push(node);
        self.on_stack[node] = true;
    }

    /// Depth-first from `root`, with an explicit stack of (node, next edge).
    fn visit_from(&mut self, root: usize) {
        self.discover(root);
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (node, ref mut next)) = calls.last_mut() {
            let succ = self.graph.successors(NodeId::from_index(node));
            if let Some(to) = succ.get(*next).map(|to| to.index()) {
                *next += 1;
                if self.index[to] == usize::MAX {
                    self.discover(to);
                    calls.push((to, 0));
                } else if self.on_stack[to] {
                    self.low[node] = self.low[node].min(self.index[to]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                self.low[parent] = self.low[parent].min(self.low[node]);
            }
            if self.low[node] == self.index[node] {
                self.pop_component(node);
            }
        }
    }

    fn pop_component(&mut self, root: usize) {
        let mut members = Vec::new();
        while let Some(node) = self.stack.pop() {
            self.on_stack[node] = false;
            members.push(NodeId::from_index(node));
            if node == root {
                break;
            }
        }
        members.sort_unstable();
        self.components.push(members);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_str;
    use std::path::Path;

    fn graph(src: &str) -> (Model, Graph) {
        let model = match check_str(Path::new("g.tree"), src) {
            Ok(c) => c.model,
            Err(f) => panic!("{:#?}", f.diagnostics),
        };
        let graph = Graph::of(&model);
        (model, graph)
    }

    const TREE: &str = r#"
tree t "T" { start a outcomes done }
question a { text "A" option x "X" -> b option y "Y" -> end option z "Z" -> a }
info b { text "B" -> c }
input c { text "C" number into n range 0..=3 -> end }
var n: int = 0
outcome end { kind done title "E" }
"#;

    #[test]
    fn edges_both_ways() {
        let (m, g) = graph(TREE);
        let id = |s: &str| m.find_node(s).unwrap();
        assert_eq!(g.successors(id("a")), &[id("b"), id("end"), id("a")]);
        let into_end: Vec<_> = g.predecessors(id("end")).to_vec();
        assert_eq!(
            into_end,
            vec![
                Exit {
                    node: id("a"),
                    index: 1
                },
                Exit {
                    node: id("c"),
                    index: 0
                }
            ]
        );
        assert!(g.successors(NodeId(99)).is_empty());
    }

    #[test]
    fn cycles_are_components_that_lead_round() {
        let (m, g) = graph(TREE);
        assert_eq!(g.cycles(), vec![vec![m.find_node("a").unwrap()]]);
        let (m, g) = graph(
            r#"
tree t "T" { start a outcomes done }
question a { text "A" option x "X" -> b option y "Y" -> end }
question b { text "B" option x "X" -> a option y "Y" -> end }
outcome end { kind done title "E" }
"#,
        );
        let (a, b) = (m.find_node("a").unwrap(), m.find_node("b").unwrap());
        assert_eq!(g.cycles(), vec![vec![a.min(b), a.max(b)]]);
    }

    #[test]
    fn reach_and_finish() {
        let (m, g) = graph(TREE);
        assert!(g.reachable_from(m.start).iter().all(|&r| r));
        assert_eq!(g.reachable_from(m.find_node("c").unwrap()), {
            let mut v = vec![false; m.nodes.len()];
            v[m.find_node("c").unwrap().index()] = true;
            v[m.find_node("end").unwrap().index()] = true;
            v
        });
        assert!(g.reaches_outcome().iter().all(|&r| r));
    }

    #[test]
    fn question_counts() {
        let (m, g) = graph(TREE);
        let a = m.find_node("a").unwrap().index();
        let b = m.find_node("b").unwrap().index();
        assert_eq!(g.fewest_questions()[a], 1);
        assert_eq!(g.fewest_questions()[b], 1);
        assert_eq!(g.most_questions()[a], None);
        assert_eq!(g.most_questions()[b], Some(1));
    }

    #[test]
    fn nearest_reached_walks_back_to_the_closest_mark() {
        let (m, g) = graph(TREE);
        let id = |s: &str| m.find_node(s).unwrap();
        let mut reached = vec![false; m.nodes.len()];
        reached[id("a").index()] = true;
        let step = g.nearest_reached(&reached, id("c")).unwrap();
        assert_eq!(step.to, id("b"));
        assert_eq!(
            step.exit,
            Exit {
                node: id("a"),
                index: 0
            }
        );
        assert_eq!(g.nearest_reached(&[false; 4], id("c")), None);
    }
}
