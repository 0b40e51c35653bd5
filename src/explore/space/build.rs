//! Building a [`Space`]: depth-first with one live session, then numbered
//! breadth-first.
//!
//! Exploration drives one [`Session`] as the path enumerator does: it gives
//! an answer, keys the state it arrives in, and either goes on from there
//! (a new state) or takes the answer back with [`Session::back`] (a state
//! already known, or an end). No state is ever rebuilt from its key, and a
//! key is stored once, in one flat arena, when its state is new.
//!
//! Each state's edges are kept together as it is explored and laid down
//! side by side when it is finished; the order states finish in (children
//! before parents) gives the topological order path counting needs.
//!
//! Once every state is known, a breadth-first walk over the finished graph
//! numbers the states and picks each one's parent: the first state to reach
//! it in breadth-first order, so witnesses are shortest paths (fewest
//! answers), exactly as if the states had been found breadth-first.

use super::count::Counts;
use super::keys::Keys;
use super::{
    AssertFailure, Asserts, Edge, Space, SpaceError, State, StateId, ANSWERS_PER_STATE, NO_END,
    NO_STATE,
};
use crate::eval;
use crate::explore::live::Liveness;
use crate::explore::plan::Plan;
use crate::explore::{candidates, cover_entered, Coverage, End, Options};
use crate::ids::saturating_u32;
use crate::interp::{Answer, Session};
use crate::model::memo::Memo;
use crate::model::{AssertRule, HookRuntime, Model, NodeId, NodeKind};
use hashbrown::hash_table::{Entry, HashTable};
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::hash::{Hash, Hasher};

/// Explore every state reachable from the start, then number them.
pub(super) fn explore(
    model: &Model,
    plan: &Plan,
    options: &Options,
    asserts: Asserts,
) -> Result<Space, SpaceError> {
    let memo = model.hooks.clone().map(Memo::new);
    let mut builder = Builder::new(model, plan, options, memo.as_ref(), asserts);
    builder.run()?;
    let (calls, hits) = memo.as_ref().map_or((0, 0), Memo::stats);
    Ok(builder.finish(calls, hits))
}

/// One state on the way down: its answers are
/// `Builder::answers[answers_at..end]`, of which `next..end` are still to
/// try, and its edges so far are `Builder::pending[edges_at..]`. Both are
/// stacks: a state's answers and edges lie above those of the states
/// below it on the way down.
struct Frame {
    state: StateId,
    answers_at: u32,
    next: u32,
    end: u32,
    edges_at: u32,
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
    /// Most answers between states kept (see [`ANSWERS_PER_STATE`]).
    max_answers: usize,
    /// States in the order found, with their keys in `keys`; depth,
    /// parent and edges are filled in as they become known.
    states: Vec<State>,
    /// How runs end, for the states that end one (see [`Builder::set_end`]).
    ends: Vec<End>,
    /// The ends shared by every state that ends one way at one node: per
    /// node and way (outcome, cut, stuck), its index in `ends`.
    shared_ends: Vec<[u32; 3]>,
    keys: Keys,
    /// Every state with the hash of its node and key (kept, so that growing
    /// the table never reads a key again).
    index: HashTable<(StateId, u32)>,
    /// Each finished state's edges, side by side (targets in found ids
    /// until the states are numbered).
    edges: Vec<Edge>,
    /// States as they finish: every state after all the states it leads to.
    finished: Vec<StateId>,
    passed: Vec<NodeId>,
    start_passed: Vec<NodeId>,
    coverage: Coverage,
    /// Per node: reached by some state (for the samples report).
    reached_sample: Vec<bool>,
    failures: Vec<AssertFailure>,
    /// The live visit counts on arriving at the state being keyed.
    counts: Vec<u32>,
    /// Whether to check asserts at outcome states.
    asserts: Asserts,
    /// The states on the way down, the last one deepest.
    frames: Vec<Frame>,
    /// The answers to try of the states on the way down (see [`Frame`]).
    answers: Vec<Answer>,
    /// The edges found so far of the states on the way down.
    pending: Vec<Edge>,
}

impl<'m> Builder<'m> {
    fn new(
        model: &'m Model,
        plan: &'m Plan,
        options: &Options,
        memo: Option<&'m Memo>,
        asserts: Asserts,
    ) -> Self {
        let live = Liveness::new(model);
        let keys = Keys::new(model, &live);
        // State ids are 32 bits, and the largest means "no state".
        let max_states = options.max_states.clamp(1, NO_STATE as usize - 1);
        Builder {
            model,
            plan,
            memo,
            live,
            max_visits: options.max_visits.max(1),
            max_states,
            max_answers: max_states.saturating_mul(ANSWERS_PER_STATE),
            states: Vec::new(),
            ends: Vec::new(),
            shared_ends: vec![[NO_END; 3]; model.nodes.len()],
            keys,
            index: HashTable::new(),
            edges: Vec::new(),
            finished: Vec::new(),
            passed: Vec::new(),
            start_passed: Vec::new(),
            coverage: Coverage::new(model),
            reached_sample: vec![false; model.nodes.len()],
            failures: Vec::new(),
            counts: Vec::new(),
            asserts,
            frames: Vec::new(),
            answers: Vec::new(),
            pending: Vec::new(),
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
        if !self.open(root, &mut session) {
            self.finished.push(root);
        }
        while let Some(top) = self.frames.last_mut() {
            if top.next == top.end {
                if let Some(frame) = self.frames.pop() {
                    self.close(&frame);
                }
                if !self.frames.is_empty() {
                    session.back();
                }
                continue;
            }
            // Each answer is tried once: take it rather than copy it.
            let answer = std::mem::replace(&mut self.answers[top.next as usize], Answer::Continue);
            top.next += 1;
            let from = top.state;
            if let Some(to) = self.step(from, &mut session, answer)? {
                if !self.open(to, &mut session) {
                    self.finished.push(to);
                    session.back();
                }
            }
        }
        Ok(())
    }

    /// A state is finished: lay down its edges, off the stacks.
    fn close(&mut self, frame: &Frame) {
        let state = &mut self.states[frame.state as usize];
        state.first_edge = to_u32(self.edges.len());
        let edges_at = frame.edges_at as usize;
        state.edge_count = to_u32(self.pending.len() - edges_at);
        self.edges.extend(self.pending.drain(edges_at..));
        self.answers.truncate(frame.answers_at as usize);
        self.finished.push(frame.state);
    }

    /// Go on from a state that does not end the run: put its answers to
    /// try on the way down. False when it ends there (an outcome, a cut, no
    /// option shown, a failure).
    fn open(&mut self, id: StateId, session: &mut Session<'m>) -> bool {
        let node = {
            let s = &self.states[id as usize];
            if s.end != NO_END {
                return false;
            }
            s.node
        };
        self.reached_sample[node.index()] = true;
        let start = self.answers.len();
        let found = candidates(
            self.model,
            self.plan,
            session,
            &mut self.coverage,
            &mut self.answers,
        );
        let end = match found {
            Err(error) => Some(End::Error {
                node,
                answer: None,
                error: error.into(),
            }),
            Ok(items) => {
                let key = self.states[id as usize].key as usize;
                self.keys.set_items(key, node, items);
                (self.answers.len() == start).then_some(End::Stuck { node })
            }
        };
        if let Some(end) = end {
            self.answers.truncate(start);
            self.set_end(id, end);
            return false;
        }
        let start = to_u32(start);
        self.frames.push(Frame {
            state: id,
            answers_at: start,
            next: start,
            end: to_u32(self.answers.len()),
            edges_at: to_u32(self.pending.len()),
        });
        true
    }

    /// Give one answer in state `from` (the state on top of the way down)
    /// and keep the edge it makes. When it leads to a new state that goes
    /// on, the session stays there and its id is returned; otherwise the
    /// session is back in `from`.
    fn step(
        &mut self,
        from: StateId,
        session: &mut Session<'m>,
        answer: Answer,
    ) -> Result<Option<StateId>, SpaceError> {
        if self.edges.len() + self.pending.len() >= self.max_answers {
            return Err(self.too_many_answers());
        }
        let (path_len, arms_len) = (session.path().len(), session.decisions().len());
        let from_node = session.current();
        let first_passed = to_u32(self.passed.len());
        let (to, stay) = match session.answer(answer.clone()) {
            Ok(()) => {
                cover_entered(self.model, &mut self.coverage, session, path_len, arms_len);
                self.passed.extend_from_slice(&session.path()[path_len..]);
                self.arrival_counts(Some(from), session.current());
                let (to, new) = self.intern(session)?;
                let stay = new && self.states[to as usize].end == NO_END;
                if new && !stay {
                    self.finished.push(to);
                }
                if !stay {
                    session.back();
                }
                (to, stay)
            }
            Err(error) => {
                // A failure is an end of its own, never merged. The
                // session did not move: its key is `from`'s.
                let to = to_u32(self.states.len());
                let key = self.states[from as usize].key;
                self.push_state(
                    from_node,
                    Some(End::Error {
                        node: from_node,
                        answer: Some(answer.clone()),
                        error,
                    }),
                    key,
                );
                self.finished.push(to);
                (to, false)
            }
        };
        let passed_count = to_u32(self.passed.len()) - first_passed;
        self.pending.push(Edge {
            answer,
            to,
            first_passed,
            passed_count,
        });
        Ok(stay.then_some(to))
    }

    /// The state the session waits in, found by its key or created: its id
    /// and whether it is new. A new outcome state has its asserts checked
    /// on the live session.
    fn intern(&mut self, session: &mut Session<'m>) -> Result<(StateId, bool), SpaceError> {
        let node = session.current();
        let start = self.keys.push(&self.live, session, &self.counts);
        let key = self.keys.key(start, node);
        let hash = key_hash(node, key);
        let (states, keys) = (&self.states, &self.keys);
        let same = |&(id, h): &(StateId, u32)| {
            let s = &states[id as usize];
            h == hash && s.node == node && keys.key(s.key as usize, s.node) == key
        };
        // One probe finds the state or the place for a new one.
        let vacant = match self.index.entry(widen(hash), same, |&(_, h)| widen(h)) {
            Entry::Occupied(known) => {
                let (id, _) = *known.get();
                self.keys.truncate(start);
                return Ok((id, false));
            }
            Entry::Vacant(vacant) => vacant,
        };
        // A key's place is kept in 32 bits: past that, memory would have
        // run out long before.
        let Ok(start) = u32::try_from(start) else {
            return Err(self.too_many());
        };
        if self.states.len() >= self.max_states {
            return Err(self.too_many());
        }
        let id = to_u32(self.states.len());
        vacant.insert((id, hash));
        let end = self.end_on_arrival(node);
        self.push_state(node, end, start);
        if let NodeKind::Outcome { kind, .. } = self.model.node(node).kind {
            self.coverage.kinds[kind as usize] = true;
            if self.asserts == Asserts::Check {
                self.check_asserts(id, session);
            }
        }
        Ok((id, true))
    }

    fn push_state(&mut self, node: NodeId, end: Option<End>, key: u32) {
        self.states.push(State {
            node,
            end: NO_END,
            depth: 0,
            parent: NO_STATE,
            parent_edge: 0,
            first_edge: 0,
            edge_count: 0,
            key,
        });
        if let Some(end) = end {
            self.set_end(to_u32(self.states.len() - 1), end);
        }
    }

    /// Record how the run ends in a state. Ends that carry nothing but
    /// their node (an outcome, a cut, being stuck) are stored once per node
    /// and shared; a failure is stored for its state.
    fn set_end(&mut self, id: StateId, end: End) {
        let shared = match end {
            End::Outcome { node, .. } => Some((node, 0)),
            End::Cut { node } => Some((node, 1)),
            End::Stuck { node } => Some((node, 2)),
            End::Error { .. } => None,
        };
        let ends = &mut self.ends;
        let mut push = |end| {
            ends.push(end);
            to_u32(ends.len() - 1)
        };
        let index = match shared {
            Some((node, way)) => {
                let slot = &mut self.shared_ends[node.index()][way];
                if *slot == NO_END {
                    *slot = push(end);
                }
                *slot
            }
            None => push(end),
        };
        self.states[id as usize].end = index;
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

    /// Work out into `self.counts` the live visit counts on arriving at
    /// `node`, from the counts of the state the answer was given in.
    fn arrival_counts(&mut self, from: Option<StateId>, node: NodeId) {
        let live = self.live.counts(node);
        self.counts.clear();
        self.counts.resize(live.len(), 0);
        if let Some(from) = from {
            let state = &self.states[from as usize];
            let before = self.live.counts(state.node);
            let offset = self.live.vars(state.node).len() + self.live.visited(state.node).len();
            for (i, n) in live.iter().enumerate() {
                if let Some(j) = before.iter().position(|b| b == n) {
                    let c = self.keys.code(state.key as usize, state.node, offset + j);
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

    /// Number the states breadth-first and count the paths through them.
    fn finish(self, hook_calls: u64, hook_hits: u64) -> Space {
        let samples = self
            .plan
            .samples()
            .iter()
            .filter(|s| self.reached_sample[s.node.index()])
            .cloned()
            .collect();
        let numbered = number(self.states, self.edges, self.finished);
        let mut failures = self.failures;
        for f in &mut failures {
            f.state = numbered.new_of[f.state as usize];
        }
        failures.sort_by_key(|f| (f.state, f.assert));
        let mut space = Space {
            states: numbered.states,
            edges: numbered.edges,
            ends: self.ends,
            topological: numbered.topological,
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
            to: Counts::default(),
            from: Counts::default(),
        };
        space.count_paths();
        space
    }

    /// The error for too many answers, naming the steps with the most
    /// answers from one state (found so far, and on the way down).
    fn too_many_answers(&self) -> SpaceError {
        let mut widest: FxHashMap<NodeId, usize> = FxHashMap::default();
        let closed = self.states.iter().map(|s| (s.node, s.edge_count as usize));
        let open = self.frames.iter().map(|f| {
            let n = (f.end - f.answers_at) as usize;
            (self.states[f.state as usize].node, n)
        });
        for (node, n) in closed.chain(open) {
            let most = widest.entry(node).or_default();
            *most = (*most).max(n);
        }
        let mut widest: Vec<(String, usize)> = widest
            .into_iter()
            .filter(|&(_, n)| n > 1)
            .map(|(node, n)| (self.model.node(node).id.clone(), n))
            .collect();
        widest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        widest.truncate(3);
        SpaceError::TooManyAnswers {
            limit: self.max_answers,
            max_states: self.max_states,
            widest,
        }
    }

    /// The error for too many states, naming what multiplies them.
    fn too_many(&self) -> SpaceError {
        let model = self.model;
        let mut distinct: FxHashMap<(NodeId, usize), FxHashSet<u64>> = FxHashMap::default();
        for s in &self.states {
            for slot in 0..self.keys.slots(s.node) {
                let code = self.keys.code(s.key as usize, s.node, slot);
                distinct.entry((s.node, slot)).or_default().insert(code);
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

/// The states numbered breadth-first, with their edges.
struct Numbered {
    states: Vec<State>,
    edges: Vec<Edge>,
    /// New ids in an order where every edge goes forward.
    topological: Vec<StateId>,
    /// Per found id: the new id.
    new_of: Vec<StateId>,
}

/// Renumber states in breadth-first order from the first one, giving each
/// its depth and its parent (the first state to reach it in that order, so
/// parent links make shortest paths). Each state is copied to its new
/// place as the walk finds it, so the walk reads the states it numbered in
/// order; the edges stay where they are, with their targets renumbered.
fn number(states: Vec<State>, mut edges: Vec<Edge>, finished: Vec<StateId>) -> Numbered {
    let n = states.len();
    // Per found id: its new id, or `NO_STATE` while it is not numbered.
    let mut new_of = vec![NO_STATE; n];
    let mut numbered: Vec<State> = Vec::with_capacity(n);
    if let Some(first) = states.first() {
        new_of[0] = 0;
        numbered.push(first.clone());
    }
    let mut next = 0;
    while next < numbered.len() {
        let (first, count, depth) = {
            let s = &numbered[next];
            (s.first_edge as usize, s.edge_count as usize, s.depth)
        };
        for (i, edge) in edges[first..first + count].iter().enumerate() {
            let target = edge.to as usize;
            if new_of[target] == NO_STATE {
                new_of[target] = to_u32(numbered.len());
                numbered.push(State {
                    depth: depth + 1,
                    parent: to_u32(next),
                    parent_edge: to_u32(first + i),
                    ..states[target].clone()
                });
            }
        }
        next += 1;
    }
    // Every state was found from the first, so the walk reaches them all;
    // should one be missed, it keeps a place at the end.
    for (old, new) in new_of.iter_mut().enumerate() {
        if *new == NO_STATE {
            *new = to_u32(numbered.len());
            numbered.push(states[old].clone());
        }
    }
    for edge in &mut edges {
        edge.to = new_of[edge.to as usize];
    }
    let mut topological = finished;
    topological.reverse();
    for id in &mut topological {
        *id = new_of[*id as usize];
    }
    Numbered {
        states: numbered,
        edges,
        topological,
        new_of,
    }
}

/// The hash a state is indexed by: 32 bits of a hash of its node and key.
fn key_hash(node: NodeId, key: &[u64]) -> u32 {
    let mut h = FxHasher::default();
    node.0.hash(&mut h);
    key.hash(&mut h);
    // The high bits of an Fx hash are its best mixed.
    (h.finish() >> 32) as u32
}

/// A 32-bit hash as the table wants it: its top bits (the table's tag)
/// and its low bits (the bucket) both taken from the hash.
fn widen(hash: u32) -> u64 {
    (u64::from(hash) << 32) | u64::from(hash)
}

fn to_u32(i: usize) -> u32 {
    saturating_u32(i)
}
