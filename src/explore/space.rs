//! The state space of a tree: every distinct situation a run can be in,
//! explored once.
//!
//! A state is a node that waits for a person (or ends the run) plus the
//! live part of the run's state there (see [`live`](super::live)): the live
//! variables, the live `visited(..)` facts and, on cycles, the live visit
//! counts. States are keyed exactly by those values (no hashing shortcuts:
//! two states are merged only when their keys are equal) and explored
//! breadth-first, so the parent link of each state gives a shortest way to
//! it, in answers. Hook calls are memoised by hook, arguments and declared
//! return type: hooks are pure inside the sandbox.
//!
//! Because a state's key includes the visit counts of the nodes on its
//! cycle, and `--max-visits` bounds them, the state graph has no cycles:
//! path counts come from dynamic programming over it, exactly, in `u128`
//! (see [`Count`]).
//!
//! Which answers are tried at inputs and checklists is the [`Plan`]'s
//! business; it says where that is a sample rather than every class of
//! answers ([`Plan::samples`]).

use super::live::Liveness;
use super::plan::{Plan, Sample};
use super::{candidates, Coverage, End, Options};
use crate::interp::{Answer, AnswerError, Session};
use crate::model::{HookError, HookOutput, HookRuntime, Model, NodeId, NodeKind, Type, Value};
use rustc_hash::FxHashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

/// Most distinct states explored by default (`--max-states`).
pub const DEFAULT_MAX_STATES: usize = 2_000_000;

/// An exact number of paths, or "more than `u128` can hold".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count(Option<u128>);

impl Default for Count {
    fn default() -> Self {
        Count::ZERO
    }
}

impl Count {
    pub const ZERO: Count = Count(Some(0));
    pub const ONE: Count = Count(Some(1));

    /// The exact value, unless it overflowed `u128`.
    #[must_use]
    pub fn exact(self) -> Option<u128> {
        self.0
    }

    /// Is it zero?
    #[must_use]
    pub fn is_zero(self) -> bool {
        self.0 == Some(0)
    }

    #[must_use]
    pub fn plus(self, other: Count) -> Count {
        Count(self.0.zip(other.0).and_then(|(a, b)| a.checked_add(b)))
    }

    #[must_use]
    pub fn times(self, other: Count) -> Count {
        match (self.0, other.0) {
            (Some(0), _) | (_, Some(0)) => Count::ZERO,
            (Some(a), Some(b)) => Count(a.checked_mul(b)),
            _ => Count(None),
        }
    }
}

impl From<u64> for Count {
    fn from(n: u64) -> Self {
        Count(Some(u128::from(n)))
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "more than {}", u128::MAX),
        }
    }
}

impl serde::Serialize for Count {
    /// A number when it fits in `u64` (JSON readers lose precision past
    /// 2^53 anyway, so large counts are also given as text), else a string.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.and_then(|n| u64::try_from(n).ok()) {
            Some(n) if n < (1 << 53) => s.serialize_u64(n),
            _ => s.serialize_str(&self.to_string()),
        }
    }
}

/// Index of a state in [`Space::states`].
pub type StateId = u32;

/// One distinct state.
#[derive(Debug, Clone)]
pub struct State {
    pub node: NodeId,
    /// How the run ends here, for terminal states.
    pub end: Option<End>,
    /// Answers on the shortest way here.
    pub depth: u32,
    /// The state before the last answer on the shortest way here, and that
    /// edge's index in [`Space::edges`].
    pub parent: Option<(StateId, u32)>,
    /// This state's edges: `edges[first_edge..first_edge + edge_count]`.
    pub first_edge: u32,
    pub edge_count: u32,
    /// The live values, in the order [`Liveness`] lists them: variables,
    /// `visited(..)` facts, visit counts.
    key: Arc<[Value]>,
}

/// One answer from a state, and where it leads.
#[derive(Debug, Clone)]
pub struct Edge {
    pub answer: Answer,
    pub to: StateId,
    /// The nodes entered on the way (branches and scores, then the node of
    /// `to`): `passed[first_passed..first_passed + passed_count]`.
    first_passed: u32,
    passed_count: u32,
}

/// Why exploration stopped short.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpaceError {
    /// The tree fails before its first step.
    #[error("the tree fails before its first step: {0}")]
    Start(AnswerError),
    /// More distinct states than `--max-states` allows.
    #[error("{}", limit_message(*.limit, .growth))]
    TooManyStates {
        limit: usize,
        /// What multiplies the states most: (what, how many distinct values
        /// it took at one node, that node).
        growth: Vec<(String, usize, String)>,
    },
}

fn limit_message(limit: usize, growth: &[(String, usize, String)]) -> String {
    let mut out = format!(
        "the tree has more than {limit} distinct states (--max-states); \
         exploring further could exhaust memory"
    );
    if !growth.is_empty() {
        out.push_str("\nwhat multiplies the states most:");
        for (what, n, node) in growth {
            out.push_str(&format!("\n  {what}: {n} different values at `{node}`"));
        }
        out.push_str(
            "\nhelp: states grow with every value that is still needed later; \
             read such a value sooner, narrow an input's range, or raise --max-states",
        );
    }
    out
}

/// The explored state space of a tree.
#[derive(Debug, Clone)]
pub struct Space {
    pub states: Vec<State>,
    pub edges: Vec<Edge>,
    passed: Vec<NodeId>,
    /// The nodes entered from the start to the first state.
    start_passed: Vec<NodeId>,
    pub coverage: Coverage,
    /// Inputs and checklists where only a sample of the answers was tried,
    /// among those some state reaches.
    pub samples: Vec<Sample>,
    /// Hook calls made (after memoisation) and calls answered from the memo.
    pub hook_calls: u64,
    pub hook_hits: u64,
    live: Liveness,
    max_visits: u32,
    /// Paths from the start to each state, and from each state to an end.
    to: Vec<Count>,
    from: Vec<Count>,
}

impl Space {
    /// Explore every distinct state of a tree.
    ///
    /// # Errors
    /// When the tree fails before its first step, or has more states than
    /// `options.max_states`.
    pub fn explore(model: &Model, options: &Options) -> Result<Space, SpaceError> {
        Self::explore_with(model, &Plan::new(model), options)
    }

    /// As [`Space::explore`], with a plan of answers worked out elsewhere
    /// (`diff` merges the plans of two versions).
    ///
    /// # Errors
    /// As [`Space::explore`].
    pub fn explore_with(
        model: &Model,
        plan: &Plan,
        options: &Options,
    ) -> Result<Space, SpaceError> {
        let memo = model.hooks.clone().map(|inner| Memo {
            inner,
            cache: Mutex::new(MemoCache::default()),
        });
        let mut builder = Builder::new(model, plan, options, memo.as_ref());
        builder.run()?;
        let (calls, hits) = memo.as_ref().map_or((0, 0), Memo::stats);
        Ok(builder.finish(calls, hits))
    }

    /// The first state: where a run starts waiting.
    #[must_use]
    pub fn root(&self) -> StateId {
        0
    }

    #[must_use]
    pub fn state(&self, id: StateId) -> &State {
        &self.states[id as usize]
    }

    /// The edges out of a state.
    #[must_use]
    pub fn edges_of(&self, id: StateId) -> &[Edge] {
        let s = self.state(id);
        &self.edges[s.first_edge as usize..(s.first_edge + s.edge_count) as usize]
    }

    /// The nodes an edge enters, in order (its target's node last).
    #[must_use]
    pub fn passed(&self, edge: &Edge) -> &[NodeId] {
        &self.passed[edge.first_passed as usize..(edge.first_passed + edge.passed_count) as usize]
    }

    /// The nodes entered from the start to the first state.
    #[must_use]
    pub fn start_passed(&self) -> &[NodeId] {
        &self.start_passed
    }

    /// Paths from the start that arrive at this state.
    #[must_use]
    pub fn paths_to(&self, id: StateId) -> Count {
        self.to[id as usize]
    }

    /// Paths from this state to an end.
    #[must_use]
    pub fn paths_from(&self, id: StateId) -> Count {
        self.from[id as usize]
    }

    /// Every path, however it ends.
    #[must_use]
    pub fn total_paths(&self) -> Count {
        self.from[0]
    }

    /// Was exploration exhaustive: every class of answers tried everywhere?
    #[must_use]
    pub fn exhaustive(&self) -> bool {
        self.samples.is_empty()
    }

    /// What is live at each node of the tree explored.
    #[must_use]
    pub fn live(&self) -> &Liveness {
        &self.live
    }

    /// The visit limit the space was explored with.
    #[must_use]
    pub fn max_visits(&self) -> u32 {
        self.max_visits
    }

    /// The live values of a state as (name, value) pairs for people, by
    /// name: variables that differ from their default value, then
    /// `visited` (the live `visited(..)` facts that hold, joined by `+`) and
    /// `visits(n)` counts. What is left out is at its default (or not yet
    /// visited), so two states of one node never look the same.
    #[must_use]
    pub fn key_values(&self, model: &Model, id: StateId) -> Vec<(String, String)> {
        let s = self.state(id);
        let mut values = s.key.iter();
        let mut out = Vec::new();
        for &v in self.live.vars(s.node) {
            if let Some(value) = values.next() {
                let var = model.var(v);
                if *value != var.default {
                    let shown = match (var.ty, value) {
                        (Type::Text, Value::Text(t)) => format!("{t:?}"),
                        (Type::Set(_), Value::Set(0)) => "{}".to_string(),
                        (ty, value) => model.display(ty, value).replace(", ", "+"),
                    };
                    out.push((var.name.clone(), shown));
                }
            }
        }
        out.sort();
        let visited: Vec<&str> = self
            .live
            .visited(s.node)
            .iter()
            .zip(&mut values)
            .filter(|(_, v)| v.as_bool())
            .map(|(n, _)| model.node(*n).id.as_str())
            .collect();
        if !visited.is_empty() {
            out.push(("visited".into(), visited.join("+")));
        }
        for &n in self.live.counts(s.node) {
            if let Some(value) = values.next() {
                out.push((format!("visits({})", model.node(n).id), value.to_string()));
            }
        }
        out
    }

    /// A session waiting in a state, with the live values of its key (the
    /// rest at their defaults: nothing from there on reads them). `model`
    /// must be the tree this space was explored from.
    ///
    /// # Errors
    /// When entering the state's node fails (it never does for a state the
    /// explorer reached).
    pub fn session<'m>(&self, model: &'m Model, id: StateId) -> Result<Session<'m>, AnswerError> {
        rebuild(model, &self.live, self.state(id), None)
    }

    /// The answers on the shortest way to a state, oldest first, each with
    /// the node it answered.
    #[must_use]
    pub fn witness(&self, id: StateId) -> Vec<(NodeId, Answer)> {
        let mut out = Vec::new();
        let mut at = id;
        while let Some((parent, edge)) = self.state(at).parent {
            out.push((
                self.state(parent).node,
                self.edges[edge as usize].answer.clone(),
            ));
            at = parent;
        }
        out.reverse();
        out
    }

    /// Per outcome kind: paths ending there.
    #[must_use]
    pub fn paths_per_kind(&self, kinds: usize) -> Vec<Count> {
        let mut out = vec![Count::ZERO; kinds];
        for (i, s) in self.states.iter().enumerate() {
            if let Some(End::Outcome { kind, .. }) = s.end {
                if let Some(slot) = out.get_mut(kind as usize) {
                    *slot = slot.plus(self.to[i]);
                }
            }
        }
        out
    }

    /// Per node: how many paths enter it (a path that enters a node twice,
    /// round a loop, counts twice).
    #[must_use]
    pub fn paths_per_node(&self, nodes: usize) -> Vec<Count> {
        let mut out = vec![Count::ZERO; nodes];
        let root_paths = self.from[0];
        for n in &self.start_passed {
            out[n.index()] = out[n.index()].plus(root_paths);
        }
        for (i, s) in self.states.iter().enumerate() {
            for e in self.edges_of(to_id(i)) {
                let through = self.to[i].times(self.from[e.to as usize]);
                for n in self.passed(e) {
                    out[n.index()] = out[n.index()].plus(through);
                }
            }
            let _ = s;
        }
        out
    }

    /// Per question and option (model order): how many paths take it.
    #[must_use]
    pub fn paths_per_option(&self, model: &Model) -> Vec<Vec<Count>> {
        let mut out: Vec<Vec<Count>> = model
            .nodes
            .iter()
            .map(|n| match &n.kind {
                NodeKind::Question { options } => vec![Count::ZERO; options.len()],
                _ => Vec::new(),
            })
            .collect();
        for (i, s) in self.states.iter().enumerate() {
            for e in self.edges_of(to_id(i)) {
                if let Answer::Choose(o) = e.answer {
                    if let Some(slot) = out[s.node.index()].get_mut(o) {
                        *slot = slot.plus(self.to[i].times(self.from[e.to as usize]));
                    }
                }
            }
        }
        out
    }

    /// States in an order where every edge goes forward.
    #[must_use]
    pub fn topological(&self) -> Vec<StateId> {
        let mut indegree = vec![0u32; self.states.len()];
        for e in &self.edges {
            indegree[e.to as usize] += 1;
        }
        let mut order = Vec::with_capacity(self.states.len());
        let mut ready: Vec<StateId> = (0..self.states.len())
            .filter(|&i| indegree[i] == 0)
            .map(to_id)
            .collect();
        ready.reverse();
        while let Some(s) = ready.pop() {
            order.push(s);
            for e in self.edges_of(s).iter().rev() {
                indegree[e.to as usize] -= 1;
                if indegree[e.to as usize] == 0 {
                    ready.push(e.to);
                }
            }
        }
        order
    }

    fn count_paths(&mut self) {
        let order = self.topological();
        let n = self.states.len();
        let mut to = vec![Count::ZERO; n];
        if n > 0 {
            to[0] = Count::ONE;
        }
        for &s in &order {
            let here = to[s as usize];
            for e in self.edges_of(s) {
                let t = e.to as usize;
                to[t] = to[t].plus(here);
            }
        }
        let mut from = vec![Count::ZERO; n];
        for &s in order.iter().rev() {
            let state = self.state(s);
            from[s as usize] = if state.end.is_some() {
                Count::ONE
            } else {
                self.edges_of(s)
                    .iter()
                    .fold(Count::ZERO, |acc, e| acc.plus(from[e.to as usize]))
            };
        }
        self.to = to;
        self.from = from;
    }
}

/// Rebuild a session waiting in a state: live values from the key, the rest
/// at their defaults (nothing from there on reads them).
fn rebuild<'m>(
    model: &'m Model,
    live: &Liveness,
    state: &State,
    hooks: Option<&'m dyn HookRuntime>,
) -> Result<Session<'m>, AnswerError> {
    let mut vars = model.defaults();
    let mut values = state.key.iter();
    for (&v, value) in live.vars(state.node).iter().zip(&mut values) {
        vars[v.index()] = value.clone();
    }
    let entered: Vec<NodeId> = live
        .visited(state.node)
        .iter()
        .zip(&mut values)
        .filter(|(_, v)| v.as_bool())
        .map(|(n, _)| *n)
        .collect();
    match hooks {
        Some(hooks) => Session::at_state_with_hooks(model, state.node, vars, entered, hooks),
        None => Session::at_state(model, state.node, vars, entered),
    }
}

fn to_id(i: usize) -> StateId {
    StateId::try_from(i).unwrap_or(StateId::MAX)
}

/// A hook runtime that answers repeated calls from memory.
#[derive(Debug)]
struct Memo {
    inner: Arc<dyn HookRuntime>,
    cache: Mutex<MemoCache>,
}

/// Results by hook name, then arguments, then declared return type (looked
/// up without building a key).
type MemoResults =
    FxHashMap<String, FxHashMap<Vec<Value>, Vec<(Type, Result<HookOutput, HookError>)>>>;

#[derive(Debug, Default)]
struct MemoCache {
    results: MemoResults,
    calls: u64,
    hits: u64,
}

impl Memo {
    /// Calls made, and calls answered from memory.
    fn stats(&self) -> (u64, u64) {
        let cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (cache.calls, cache.hits)
    }
}

impl HookRuntime for Memo {
    fn call(
        &self,
        model: &Model,
        name: &str,
        args: &[Value],
        arg_types: &[Type],
        ret: Type,
    ) -> Result<HookOutput, HookError> {
        let lock = || {
            self.cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        {
            let mut cache = lock();
            let hit = cache
                .results
                .get(name)
                .and_then(|by_args| by_args.get(args))
                .and_then(|by_type| by_type.iter().find(|(t, _)| *t == ret))
                .map(|(_, result)| result.clone());
            if let Some(hit) = hit {
                cache.hits += 1;
                return hit;
            }
        }
        let result = self.inner.call(model, name, args, arg_types, ret);
        let mut cache = lock();
        cache.calls += 1;
        cache
            .results
            .entry(name.to_string())
            .or_default()
            .entry(args.to_vec())
            .or_default()
            .push((ret, result.clone()));
        result
    }
}

/// Breadth-first exploration, one state at a time.
struct Builder<'m> {
    model: &'m Model,
    plan: &'m Plan,
    /// The memoised hooks every session calls, when the tree has a script.
    memo: Option<&'m Memo>,
    live: Liveness,
    max_visits: u32,
    max_states: usize,
    states: Vec<State>,
    edges: Vec<Edge>,
    passed: Vec<NodeId>,
    start_passed: Vec<NodeId>,
    index: FxHashMap<(NodeId, Arc<[Value]>), StateId>,
    coverage: Coverage,
    /// Per node: reached by some state (for the samples report).
    reached_sample: Vec<bool>,
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
            edges: Vec::new(),
            passed: Vec::new(),
            start_passed: Vec::new(),
            index: FxHashMap::default(),
            coverage: Coverage::new(model),
            reached_sample: vec![false; model.nodes.len()],
        }
    }

    fn run(&mut self) -> Result<(), SpaceError> {
        let model = self.model;
        let session = match self.memo {
            Some(memo) => {
                Session::at_state_with_hooks(model, model.start, model.defaults(), Vec::new(), memo)
            }
            None => Session::new(model),
        }
        .map_err(SpaceError::Start)?;
        self.start_passed = session.path().to_vec();
        self.cover_entered(&session, 0, 0);
        let counts = self.arrival_counts(None, session.current());
        let key = self.key_of(&session, &counts);
        self.intern(session.current(), key, None, 0, &counts)?;
        let mut next = 0;
        while next < self.states.len() {
            self.expand(to_id(next))?;
            next += 1;
        }
        Ok(())
    }

    fn finish(self, hook_calls: u64, hook_hits: u64) -> Space {
        let samples = self
            .plan
            .samples()
            .iter()
            .filter(|s| self.reached_sample[s.node.index()])
            .cloned()
            .collect();
        let mut space = Space {
            states: self.states,
            edges: self.edges,
            passed: self.passed,
            start_passed: self.start_passed,
            coverage: self.coverage,
            samples,
            hook_calls,
            hook_hits,
            live: self.live,
            max_visits: self.max_visits,
            to: Vec::new(),
            from: Vec::new(),
        };
        space.count_paths();
        space
    }

    /// The live key of a session waiting at its current node.
    fn key_of(&self, session: &Session<'_>, counts: &[u32]) -> Arc<[Value]> {
        let node = session.current();
        let live = &self.live;
        let mut key = Vec::with_capacity(
            live.vars(node).len() + live.visited(node).len() + live.counts(node).len(),
        );
        key.extend(
            live.vars(node)
                .iter()
                .enumerate()
                .map(|(i, v)| live.project(node, i, session.var(*v))),
        );
        key.extend(
            live.visited(node)
                .iter()
                .map(|n| Value::Bool(session.path().contains(n))),
        );
        key.extend(counts.iter().map(|&c| Value::Int(i64::from(c))));
        Arc::from(key)
    }

    /// The live visit counts on arriving at `node`, from the counts of the
    /// state the answer was given in.
    fn arrival_counts(&self, from: Option<StateId>, node: NodeId) -> Vec<u32> {
        let live = self.live.counts(node);
        let mut counts = vec![0u32; live.len()];
        if let Some(from) = from {
            let state = &self.states[from as usize];
            let before = self.live.counts(state.node);
            let offset = self.live.vars(state.node).len() + self.live.visited(state.node).len();
            for (i, n) in live.iter().enumerate() {
                if let Some(j) = before.iter().position(|b| b == n) {
                    if let Some(Value::Int(c)) = state.key.get(offset + j) {
                        counts[i] = u32::try_from(*c).unwrap_or(u32::MAX);
                    }
                }
            }
        }
        if let Some(i) = live.iter().position(|&n| n == node) {
            counts[i] = counts[i].saturating_add(1);
        }
        counts
    }

    /// The state with this key, creating it when new.
    fn intern(
        &mut self,
        node: NodeId,
        key: Arc<[Value]>,
        parent: Option<(StateId, u32)>,
        depth: u32,
        counts: &[u32],
    ) -> Result<StateId, SpaceError> {
        let id = to_id(self.states.len());
        match self.index.entry((node, key.clone())) {
            std::collections::hash_map::Entry::Occupied(known) => return Ok(*known.get()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                if self.states.len() >= self.max_states {
                    return Err(self.too_many());
                }
                slot.insert(id);
            }
        }
        let end = match self.model.node(node).kind {
            NodeKind::Outcome { kind, .. } => {
                self.coverage.kinds[kind as usize] = true;
                Some(End::Outcome { node, kind })
            }
            _ if self.live.cyclic(node)
                && self
                    .live
                    .counts(node)
                    .iter()
                    .position(|&n| n == node)
                    .is_some_and(|i| counts[i] > self.max_visits) =>
            {
                Some(End::Cut { node })
            }
            _ => None,
        };
        self.states.push(State {
            node,
            end,
            depth,
            parent,
            first_edge: 0,
            edge_count: 0,
            key,
        });
        Ok(id)
    }

    fn session(&self, id: StateId) -> Result<Session<'m>, AnswerError> {
        rebuild(
            self.model,
            &self.live,
            &self.states[id as usize],
            self.memo.map(|m| m as &dyn HookRuntime),
        )
    }

    /// Try every answer at a state.
    fn expand(&mut self, id: StateId) -> Result<(), SpaceError> {
        let (node, depth) = {
            let s = &self.states[id as usize];
            if s.end.is_some() {
                return Ok(());
            }
            (s.node, s.depth)
        };
        self.reached_sample[node.index()] = true;
        let mut session = match self.session(id) {
            Ok(s) => s,
            Err(error) => {
                self.states[id as usize].end = Some(End::Error {
                    node,
                    answer: None,
                    error,
                });
                return Ok(());
            }
        };
        let mut answers = Vec::new();
        if let Err(error) = candidates(
            self.model,
            self.plan,
            &mut session,
            &mut self.coverage,
            &mut answers,
        ) {
            self.states[id as usize].end = Some(End::Error {
                node,
                answer: None,
                error: error.into(),
            });
            return Ok(());
        }
        if answers.is_empty() {
            self.states[id as usize].end = Some(End::Stuck { node });
            return Ok(());
        }
        let first_edge = u32::try_from(self.edges.len()).unwrap_or(u32::MAX);
        for answer in answers {
            self.answer(id, &mut session, answer, depth)?;
        }
        let s = &mut self.states[id as usize];
        s.first_edge = first_edge;
        s.edge_count = u32::try_from(self.edges.len()).unwrap_or(u32::MAX) - first_edge;
        Ok(())
    }

    /// Give one answer in state `id` and record the edge it makes.
    fn answer(
        &mut self,
        id: StateId,
        session: &mut Session<'m>,
        answer: Answer,
        depth: u32,
    ) -> Result<(), SpaceError> {
        let edge_index = u32::try_from(self.edges.len()).unwrap_or(u32::MAX);
        let (path_len, arms_len) = (session.path().len(), session.decisions().len());
        let from_node = session.current();
        let first_passed = u32::try_from(self.passed.len()).unwrap_or(u32::MAX);
        let to = match session.answer(answer.clone()) {
            Ok(()) => {
                self.cover_entered(session, path_len, arms_len);
                self.passed.extend_from_slice(&session.path()[path_len..]);
                let node = session.current();
                let counts = self.arrival_counts(Some(id), node);
                let key = self.key_of(session, &counts);
                session.back();
                self.intern(node, key, Some((id, edge_index)), depth + 1, &counts)?
            }
            Err(error) => {
                // A failure is an end of its own, never merged.
                let to = to_id(self.states.len());
                self.states.push(State {
                    node: from_node,
                    end: Some(End::Error {
                        node: from_node,
                        answer: Some(answer.clone()),
                        error,
                    }),
                    depth: depth + 1,
                    parent: Some((id, edge_index)),
                    first_edge: 0,
                    edge_count: 0,
                    key: Arc::from([]),
                });
                to
            }
        };
        let passed_count = u32::try_from(self.passed.len()).unwrap_or(u32::MAX) - first_passed;
        self.edges.push(Edge {
            answer,
            to,
            first_passed,
            passed_count,
        });
        Ok(())
    }

    /// Record coverage for the nodes entered since the session's path had
    /// `path_len` nodes and `arms_len` branch decisions.
    fn cover_entered(&mut self, session: &Session<'_>, path_len: usize, arms_len: usize) {
        super::cover_entered(self.model, &mut self.coverage, session, path_len, arms_len);
    }

    /// The error for too many states, naming what multiplies them.
    fn too_many(&self) -> SpaceError {
        let model = self.model;
        let mut distinct: FxHashMap<(NodeId, usize), rustc_hash::FxHashSet<&Value>> =
            FxHashMap::default();
        for s in &self.states {
            for (slot, value) in s.key.iter().enumerate() {
                distinct.entry((s.node, slot)).or_default().insert(value);
            }
        }
        let mut best: FxHashMap<String, (usize, NodeId)> = FxHashMap::default();
        for ((node, slot), values) in &distinct {
            let vars = self.live.vars(*node);
            let visited = self.live.visited(*node);
            let name = if let Some(v) = vars.get(*slot) {
                format!("variable `{}`", model.var(*v).name)
            } else if let Some(n) = visited.get(slot - vars.len()) {
                format!("visited({})", model.node(*n).id)
            } else {
                let counts = self.live.counts(*node);
                let i = slot - vars.len() - visited.len();
                counts.get(i).map_or_else(
                    || "a visit count".to_string(),
                    |n| format!("visits of `{}`", model.node(*n).id),
                )
            };
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
}
