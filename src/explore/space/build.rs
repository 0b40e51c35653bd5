//! Building a [`Space`]: depth-first with one live session, then numbered
//! breadth-first.
//!
//! Exploration drives one [`Session`] as the path enumerator does: it gives
//! an answer, keys the state it arrives in, and either goes on from there
//! (a new state) or takes the answer back with [`Session::back`] (a state
//! already known, or an end). No state is ever rebuilt from its key, and a
//! key is stored once, in one flat arena, when its state is new.
//!
//! Once every state is known, a breadth-first walk over the finished graph
//! numbers the states and picks each one's parent: the first state to reach
//! it in breadth-first order, so witnesses are shortest paths (fewest
//! answers), exactly as if the states had been found breadth-first.

use super::keys::Keys;
use super::{AssertFailure, Edge, Space, SpaceError, State, StateId};
use crate::eval;
use crate::explore::live::Liveness;
use crate::explore::plan::Plan;
use crate::explore::{candidates, cover_entered, Coverage, End, Options};
use crate::ids::saturating_u32;
use crate::interp::{Answer, Session};
use crate::model::memo::Memo;
use crate::model::{AssertRule, HookRuntime, Model, NodeId, NodeKind};
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::hash::{Hash, Hasher};

/// No state: the end of a chain of states whose keys hash alike.
const NONE: StateId = StateId::MAX;

/// Explore every state reachable from the start, then number them.
pub(super) fn explore(model: &Model, plan: &Plan, options: &Options) -> Result<Space, SpaceError> {
    let memo = model.hooks.clone().map(Memo::new);
    let mut builder = Builder::new(model, plan, options, memo.as_ref());
    builder.run()?;
    let (calls, hits) = memo.as_ref().map_or((0, 0), Memo::stats);
    Ok(builder.finish(calls, hits))
}

/// A state as found, before the states are numbered: only what exploring
/// needs, kept small (the full [`State`] record is written once, in its
/// final place, by [`number`]).
#[derive(Clone, Copy)]
struct Found {
    node: NodeId,
    /// Index in [`Builder::ends`], or [`NONE`] while the run goes on.
    end: StateId,
    items: u64,
    key: (usize, u32),
}

/// An edge as found, before the states are numbered.
struct RawEdge {
    from: StateId,
    edge: Edge,
}

/// The answers still to try in one state on the way down.
struct Frame {
    state: StateId,
    answers: Vec<Answer>,
    next: usize,
}

/// Depth-first exploration over one live session.
struct Builder<'m> {
    model: &'m Model,
    plan: &'m Plan,
    /// The memoised hooks the session calls, when the tree has a script.
    memo: Option<&'m Memo>,
    live: Liveness,
    max_visits: u32,
    max_states: usize,
    /// States in the order found, with their keys in `keys`.
    states: Vec<Found>,
    /// How runs end, for the states that end one.
    ends: Vec<End>,
    keys: Keys,
    /// Key hash -> the last state found with it; `chain` links each state
    /// to the one found before it with the same hash.
    index: FxHashMap<u64, StateId>,
    chain: Vec<StateId>,
    edges: Vec<RawEdge>,
    passed: Vec<NodeId>,
    start_passed: Vec<NodeId>,
    coverage: Coverage,
    /// Per node: reached by some state (for the samples report).
    reached_sample: Vec<bool>,
    failures: Vec<AssertFailure>,
    /// The live visit counts on arriving at the state being keyed.
    counts: Vec<u32>,
    /// Answer buffers of finished frames, for reuse.
    spare: Vec<Vec<Answer>>,
}

impl<'m> Builder<'m> {
    fn new(model: &'m Model, plan: &'m Plan, options: &Options, memo: Option<&'m Memo>) -> Self {
        Builder {
            model,
            plan,
            memo,
            live: Liveness::new(model),
            max_visits: options.max_visits.max(1),
            max_states: options.max_states.max(1),
            states: Vec::new(),
            ends: Vec::new(),
            keys: Keys::default(),
            index: FxHashMap::default(),
            chain: Vec::new(),
            edges: Vec::new(),
            passed: Vec::new(),
            start_passed: Vec::new(),
            coverage: Coverage::new(model),
            reached_sample: vec![false; model.nodes.len()],
            failures: Vec::new(),
            counts: Vec::new(),
            spare: Vec::new(),
        }
    }

    fn run(&mut self) -> Result<(), SpaceError> {
        let model = self.model;
        let hooks = self.memo.map(|m| m as &'m dyn HookRuntime);
        let mut session = match hooks {
            Some(hooks) => Session::at_state_with_hooks(
                model,
                model.start,
                model.defaults(),
                Vec::new(),
                hooks,
            ),
            None => Session::new(model),
        }
        .map_err(SpaceError::Start)?;
        self.start_passed = session.path().to_vec();
        cover_entered(model, &mut self.coverage, &session, 0, 0);
        self.arrival_counts(None, session.current());
        let (root, _) = self.intern(&mut session)?;
        let mut stack: Vec<Frame> = Vec::new();
        stack.extend(self.open(root, &mut session));
        while let Some(top) = stack.last_mut() {
            let Some(answer) = top.answers.get(top.next).cloned() else {
                if let Some(frame) = stack.pop() {
                    self.spare.push(frame.answers);
                }
                if !stack.is_empty() {
                    session.back();
                }
                continue;
            };
            top.next += 1;
            let from = top.state;
            if let Some(to) = self.step(from, &mut session, answer)? {
                match self.open(to, &mut session) {
                    Some(frame) => stack.push(frame),
                    None => {
                        session.back();
                    }
                }
            }
        }
        Ok(())
    }

    /// The answers to try in a state that does not end the run, or `None`
    /// when it ends there (an outcome, a cut, no option shown, a failure).
    fn open(&mut self, id: StateId, session: &mut Session<'m>) -> Option<Frame> {
        let node = {
            let s = &self.states[id as usize];
            if s.end != NONE {
                return None;
            }
            s.node
        };
        self.reached_sample[node.index()] = true;
        let mut answers = self.spare.pop().unwrap_or_default();
        answers.clear();
        let found = candidates(
            self.model,
            self.plan,
            session,
            &mut self.coverage,
            &mut answers,
        );
        let end = match found {
            Err(error) => Some(End::Error {
                node,
                answer: None,
                error: error.into(),
            }),
            Ok(items) => {
                self.states[id as usize].items = items;
                answers.is_empty().then_some(End::Stuck { node })
            }
        };
        if let Some(end) = end {
            self.set_end(id, end);
            self.spare.push(answers);
            return None;
        }
        Some(Frame {
            state: id,
            answers,
            next: 0,
        })
    }

    /// Give one answer in state `from` and record the edge it makes. When it
    /// leads to a new state, the session stays there and its id is
    /// returned; otherwise the session is back in `from`.
    fn step(
        &mut self,
        from: StateId,
        session: &mut Session<'m>,
        answer: Answer,
    ) -> Result<Option<StateId>, SpaceError> {
        let (path_len, arms_len) = (session.path().len(), session.decisions().len());
        let from_node = session.current();
        let first_passed = to_u32(self.passed.len());
        let (to, stay) = match session.answer(answer.clone()) {
            Ok(()) => {
                cover_entered(self.model, &mut self.coverage, session, path_len, arms_len);
                self.passed.extend_from_slice(&session.path()[path_len..]);
                self.arrival_counts(Some(from), session.current());
                let (to, new) = self.intern(session)?;
                let stay = new && self.states[to as usize].end == NONE;
                if !stay {
                    session.back();
                }
                (to, stay)
            }
            Err(error) => {
                // A failure is an end of its own, never merged.
                let to = to_u32(self.states.len());
                self.push_state(
                    from_node,
                    Some(End::Error {
                        node: from_node,
                        answer: Some(answer.clone()),
                        error,
                    }),
                    (self.keys.len(), 0),
                );
                (to, false)
            }
        };
        let passed_count = to_u32(self.passed.len()) - first_passed;
        self.edges.push(RawEdge {
            from,
            edge: Edge {
                answer,
                to,
                first_passed,
                passed_count,
            },
        });
        Ok(stay.then_some(to))
    }

    /// The state the session waits in, found by its key or created: its id
    /// and whether it is new. A new outcome state has its asserts checked
    /// on the live session.
    fn intern(&mut self, session: &mut Session<'m>) -> Result<(StateId, bool), SpaceError> {
        let node = session.current();
        let start = self.keys.len();
        self.push_key(session);
        let hash = {
            let mut h = FxHasher::default();
            node.0.hash(&mut h);
            self.keys.tail(start).hash(&mut h);
            h.finish()
        };
        let head = self.index.get(&hash).copied().unwrap_or(NONE);
        let mut at = head;
        while at != NONE {
            let s = &self.states[at as usize];
            if s.node == node && self.keys.get(s.key.0, s.key.1) == self.keys.tail(start) {
                self.keys.truncate(start);
                return Ok((at, false));
            }
            at = self.chain[at as usize];
        }
        if self.states.len() >= self.max_states {
            return Err(self.too_many());
        }
        let id = to_u32(self.states.len());
        self.index.insert(hash, id);
        let end = self.end_on_arrival(node);
        self.push_state(node, end, (start, to_u32(self.keys.len() - start)));
        self.chain[id as usize] = head;
        if let NodeKind::Outcome { kind, .. } = self.model.node(node).kind {
            self.coverage.kinds[kind as usize] = true;
            self.check_asserts(id, session);
        }
        Ok((id, true))
    }

    fn push_state(&mut self, node: NodeId, end: Option<End>, key: (usize, u32)) {
        self.states.push(Found {
            node,
            end: NONE,
            items: 0,
            key,
        });
        self.chain.push(NONE);
        if let Some(end) = end {
            self.set_end(to_u32(self.states.len() - 1), end);
        }
    }

    fn set_end(&mut self, id: StateId, end: End) {
        self.states[id as usize].end = to_u32(self.ends.len());
        self.ends.push(end);
    }

    /// How a run ends on arriving at `node` (with `self.counts`), if it does.
    fn end_on_arrival(&self, node: NodeId) -> Option<End> {
        match self.model.node(node).kind {
            NodeKind::Outcome { kind, .. } => Some(End::Outcome { node, kind }),
            _ if self.live.cyclic(node)
                && self
                    .live
                    .counts(node)
                    .iter()
                    .position(|&n| n == node)
                    .is_some_and(|i| self.counts[i] > self.max_visits) =>
            {
                Some(End::Cut { node })
            }
            _ => None,
        }
    }

    /// Append the live key of the session's current node to `keys`: the
    /// live variables, `visited(..)` facts, then `self.counts`.
    fn push_key(&mut self, session: &Session<'_>) {
        let node = session.current();
        let live = &self.live;
        for (i, v) in live.vars(node).iter().enumerate() {
            self.keys.push(&live.project(node, i, session.var(*v)));
        }
        for n in live.visited(node) {
            self.keys.push_count(u32::from(session.path().contains(n)));
        }
        for &c in &self.counts {
            self.keys.push_count(c);
        }
    }

    /// Work out into `self.counts` the live visit counts on arriving at
    /// `node`, from the counts of the state the answer was given in.
    fn arrival_counts(&mut self, from: Option<StateId>, node: NodeId) {
        let live = self.live.counts(node);
        self.counts.clear();
        self.counts.resize(live.len(), 0);
        if let Some(from) = from {
            let state = &self.states[from as usize];
            let before = self.live.counts(state.node);
            let offset = state.key.0
                + self.live.vars(state.node).len()
                + self.live.visited(state.node).len();
            for (i, n) in live.iter().enumerate() {
                if let Some(j) = before.iter().position(|b| b == n) {
                    let c = self.keys.get(offset + j, 1)[0];
                    self.counts[i] = saturating_u32(c);
                }
            }
        }
        if let Some(i) = live.iter().position(|&n| n == node) {
            self.counts[i] = self.counts[i].saturating_add(1);
        }
    }

    /// Evaluate every `always`/`never` assert at a new outcome state,
    /// keeping the failures.
    fn check_asserts(&mut self, id: StateId, session: &mut Session<'m>) {
        let model = self.model;
        for (i, a) in model.asserts.iter().enumerate() {
            let (expr, want) = match &a.rule {
                AssertRule::Always(e) => (e, true),
                AssertRule::Never(e) => (e, false),
                AssertRule::Reachable(_) => continue,
            };
            let error = match eval::eval_bool(model, expr, session) {
                Ok(value) if value == want => continue,
                Ok(_) => None,
                Err(e) => Some(e),
            };
            self.failures.push(AssertFailure {
                state: id,
                assert: i,
                error,
            });
        }
    }

    /// Number the states breadth-first and lay out their edges.
    fn finish(self, hook_calls: u64, hook_hits: u64) -> Space {
        let samples = self
            .plan
            .samples()
            .iter()
            .filter(|s| self.reached_sample[s.node.index()])
            .cloned()
            .collect();
        let (states, edges, mut failures) =
            number(&self.states, self.ends, self.edges, self.failures);
        failures.sort_by_key(|f| (f.state, f.assert));
        let mut space = Space {
            states,
            edges,
            keys: self.keys,
            passed: self.passed,
            start_passed: self.start_passed,
            coverage: self.coverage,
            samples,
            hook_calls,
            hook_hits,
            failures,
            live: self.live,
            max_visits: self.max_visits,
            to: Vec::new(),
            from: Vec::new(),
        };
        space.count_paths();
        space
    }

    /// The error for too many states, naming what multiplies them.
    fn too_many(&self) -> SpaceError {
        let model = self.model;
        let mut distinct: FxHashMap<(NodeId, usize), FxHashSet<u64>> = FxHashMap::default();
        for s in &self.states {
            let key = self.keys.get(s.key.0, s.key.1);
            for (slot, &value) in key.iter().enumerate() {
                distinct.entry((s.node, slot)).or_default().insert(value);
            }
        }
        let mut best: FxHashMap<String, (usize, NodeId)> = FxHashMap::default();
        for ((node, slot), values) in &distinct {
            let name = self.slot_name(*node, *slot);
            let entry = best.entry(name).or_insert((0, *node));
            if values.len() > entry.0 {
                *entry = (values.len(), *node);
            }
        }
        let mut growth: Vec<(String, usize, String)> = best
            .into_iter()
            .filter(|(_, (n, _))| *n > 1)
            .map(|(name, (n, node))| (name, n, model.node(node).id.clone()))
            .collect();
        growth.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        growth.truncate(5);
        SpaceError::TooManyStates {
            limit: self.max_states,
            growth,
        }
    }

    /// What the `slot`th value of a key at `node` is, for people.
    fn slot_name(&self, node: NodeId, slot: usize) -> String {
        let model = self.model;
        let vars = self.live.vars(node);
        let visited = self.live.visited(node);
        if let Some(v) = vars.get(slot) {
            format!("variable `{}`", model.var(*v).name)
        } else if let Some(n) = visited.get(slot - vars.len()) {
            format!("visited({})", model.node(*n).id)
        } else {
            let counts = self.live.counts(node);
            let i = slot - vars.len() - visited.len();
            counts.get(i).map_or_else(
                || "a visit count".to_string(),
                |n| format!("visits of `{}`", model.node(*n).id),
            )
        }
    }
}

/// Renumber states in breadth-first order from the first one, giving each
/// its depth, its parent (the first state to reach it in that order, so
/// parent links make shortest paths) and its edges, contiguous and in the
/// order they were tried. Each state's record is written once, in place.
fn number(
    found: &[Found],
    ends: Vec<End>,
    mut raw: Vec<RawEdge>,
    mut failures: Vec<AssertFailure>,
) -> (Vec<State>, Vec<Edge>, Vec<AssertFailure>) {
    let n = found.len();
    let mut ends: Vec<Option<End>> = ends.into_iter().map(Some).collect();
    // The edges of each state (old ids), in the order they were tried:
    // `by_from[start[s]..start[s + 1]]` index into `raw`.
    let mut start = vec![0u32; n + 1];
    for e in &raw {
        start[e.from as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut by_from = vec![0u32; raw.len()];
    {
        let mut fill = start.clone();
        for (i, e) in raw.iter().enumerate() {
            let slot = &mut fill[e.from as usize];
            by_from[*slot as usize] = to_u32(i);
            *slot += 1;
        }
    }
    let mut new_of = vec![NONE; n];
    // Old ids in breadth-first order: `order[new id]`.
    let mut order: Vec<StateId> = Vec::with_capacity(n);
    let mut states: Vec<State> = Vec::with_capacity(n);
    let mut edges: Vec<Edge> = Vec::with_capacity(raw.len());
    let mut discover = |old: StateId,
                        parent: Option<(StateId, u32)>,
                        depth: u32,
                        new_of: &mut [StateId],
                        order: &mut Vec<StateId>,
                        states: &mut Vec<State>| {
        let f = &found[old as usize];
        let end = ends.get_mut(f.end as usize).and_then(std::mem::take);
        new_of[old as usize] = to_u32(order.len());
        order.push(old);
        states.push(State {
            node: f.node,
            end,
            depth,
            parent,
            first_edge: 0,
            edge_count: 0,
            items: f.items,
            key: f.key,
        });
    };
    if n > 0 {
        discover(0, None, 0, &mut new_of, &mut order, &mut states);
    }
    let mut next = 0;
    while next < order.len() {
        let old = order[next] as usize;
        let first_edge = to_u32(edges.len());
        let depth = states[next].depth;
        for &r in &by_from[start[old] as usize..start[old + 1] as usize] {
            let mut edge = std::mem::replace(&mut raw[r as usize].edge, Edge::PLACEHOLDER);
            let target = edge.to;
            if new_of[target as usize] == NONE {
                let parent = Some((to_u32(next), to_u32(edges.len())));
                discover(
                    target,
                    parent,
                    depth + 1,
                    &mut new_of,
                    &mut order,
                    &mut states,
                );
            }
            edge.to = new_of[target as usize];
            edges.push(edge);
        }
        let s = &mut states[next];
        s.first_edge = first_edge;
        s.edge_count = to_u32(edges.len()) - first_edge;
        next += 1;
    }
    for f in &mut failures {
        f.state = new_of[f.state as usize];
    }
    (states, edges, failures)
}

fn to_u32(i: usize) -> u32 {
    saturating_u32(i)
}
