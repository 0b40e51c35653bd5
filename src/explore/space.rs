//! The state space of a tree: every distinct situation a run can be in,
//! explored once.
//!
//! A state is a node that waits for a person (or ends the run) plus the
//! live part of the run's state there (see [`live`](super::live)): the live
//! variables, the live `visited(..)` facts and, on cycles, the live visit
//! counts. States are keyed exactly by those values (no hashing shortcuts:
//! two states are merged only when their keys are equal), each in as few
//! bits as its values need. They are explored depth-first over one live
//! session and then numbered breadth-first, so the parent link of each
//! state gives a shortest way to it, in answers (see `build`). Hook calls
//! are memoised by hook, arguments and declared return type: hooks are
//! pure inside the sandbox.
//!
//! Because a state's key includes the visit counts of the nodes on its
//! cycle, and `--max-visits` bounds them, the state graph has no cycles:
//! path counts come from dynamic programming over it, exactly, in `u128`
//! (see [`Count`]).
//!
//! Which answers are tried at inputs and checklists is the [`Plan`]'s
//! business; it says where that is a sample rather than every class of
//! answers ([`Plan::samples`]).

mod build;
mod count;
mod keys;
mod passing;

use super::live::Liveness;
use super::plan::{Plan, Sample};
use super::{Coverage, End, Options};
use crate::eval::EvalError;
use crate::interp::{Answer, AnswerError, Session};
use crate::model::{Model, NodeId, NodeKind, Type, Value};

pub use count::Count;
use count::Counts;
pub use passing::Passing;

/// Whether exploring checks the tree's `always`/`never` asserts at each
/// outcome state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asserts {
    Check,
    /// Leave them: [`Space::assert_failures`] is empty whatever they say
    /// (for `diff`, which compares what people see, not verdicts).
    Skip,
}

/// Most distinct states explored by default (`--max-states`).
pub const DEFAULT_MAX_STATES: usize = 2_000_000;

/// Index of a state in [`Space::states`].
pub type StateId = u32;

/// One distinct state.
#[derive(Debug, Clone)]
pub struct State {
    pub node: NodeId,
    /// How the run ends here, for terminal states: an index into
    /// [`Space`]'s ends, or [`NO_END`] (see [`Space::end`]).
    end: u32,
    /// Answers on the shortest way here.
    pub depth: u32,
    /// The state before the last answer on the shortest way here
    /// ([`NO_STATE`] for the first state), and that edge's index in
    /// [`Space::edges`] (see [`State::parent`]).
    parent: StateId,
    parent_edge: u32,
    /// This state's edges: `edges[first_edge..first_edge + edge_count]`.
    pub first_edge: u32,
    pub edge_count: u32,
    /// Where the live values start in [`Space`]'s key arena, laid out for
    /// the node: variables, `visited(..)` facts, visit counts, in the order
    /// [`Liveness`] lists them (at a checklist, then the items shown).
    key: u32,
}

impl State {
    /// The state before the last answer on the shortest way here, and the
    /// index of that answer's edge in [`Space::edges`]; `None` for the
    /// first state.
    #[must_use]
    pub fn parent(&self) -> Option<(StateId, u32)> {
        (self.parent != NO_STATE).then_some((self.parent, self.parent_edge))
    }
}

/// No state: the parent of the first one.
pub(super) const NO_STATE: StateId = StateId::MAX;

/// [`State::end`] of a state that does not end a run.
pub(super) const NO_END: u32 = u32::MAX;

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

/// An `always`/`never` assert that failed at an outcome state: it gave the
/// wrong answer, or evaluating it failed (`error`).
#[derive(Debug, Clone, PartialEq)]
pub struct AssertFailure {
    pub state: StateId,
    /// The assert's index in the tree.
    pub assert: usize,
    pub error: Option<EvalError>,
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
    /// More answers between states than `--max-states` allows (see
    /// [`ANSWERS_PER_STATE`]): each answer is kept, so they bound memory
    /// as states do.
    #[error("{}", answers_message(*.limit, *.max_states, .widest))]
    TooManyAnswers {
        limit: usize,
        max_states: usize,
        /// The steps with the most answers from one state: (node, answers).
        widest: Vec<(String, usize)>,
    },
}

/// On average, at most this many answers a state are explored: with
/// `--max-states N`, exploration stops past `N` times this many answers
/// between states, as it does past `N` states.
pub const ANSWERS_PER_STATE: usize = 8;

fn answers_message(limit: usize, max_states: usize, widest: &[(String, usize)]) -> String {
    let mut out = format!(
        "the tree has more than {limit} answers between its states \
         (--max-states {max_states} allows {ANSWERS_PER_STATE} a state on average); \
         exploring further could exhaust memory"
    );
    if !widest.is_empty() {
        out.push_str("\nthe steps with the most answers from one state:");
        for (node, n) in widest {
            out.push_str(&format!("\n  `{node}`: {n} answers"));
        }
    }
    out.push_str(
        "\nhelp: an input takes every value in its range when a hook or arithmetic \
         sees the number; compare it with constants instead, narrow its range, \
         or raise --max-states",
    );
    out
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
    /// How runs end, for the states that end one.
    ends: Vec<End>,
    /// Every state's live values, back to back (see [`State`]).
    keys: keys::Keys,
    passed: Vec<NodeId>,
    /// The nodes entered from the start to the first state.
    start_passed: Vec<NodeId>,
    /// States in an order where every edge goes forward.
    topological: Vec<StateId>,
    pub coverage: Coverage,
    /// Inputs and checklists where only a sample of the answers was tried,
    /// among those some state reaches.
    pub samples: Vec<Sample>,
    /// Hook calls made (after memoisation) and calls answered from the memo.
    pub hook_calls: u64,
    pub hook_hits: u64,
    /// Asserts that failed, by outcome state then assert, in state order.
    failures: Vec<AssertFailure>,
    live: Liveness,
    max_visits: u32,
    /// Paths from the start to each state, and from each state to an end.
    to: Counts,
    from: Counts,
}

impl Space {
    /// Explore every distinct state of a tree.
    ///
    /// # Errors
    /// When the tree fails before its first step, or has more states than
    /// `options.max_states`.
    pub fn explore(model: &Model, options: &Options) -> Result<Space, SpaceError> {
        build::explore(model, &Plan::new(model), options, Asserts::Check)
    }

    /// As [`Space::explore`], with a plan of answers worked out elsewhere
    /// (`diff` merges the plans of two versions), checking the tree's
    /// `always`/`never` asserts or not.
    ///
    /// # Errors
    /// As [`Space::explore`].
    pub fn explore_with(
        model: &Model,
        plan: &Plan,
        options: &Options,
        asserts: Asserts,
    ) -> Result<Space, SpaceError> {
        build::explore(model, plan, options, asserts)
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

    /// Every state's id, in order (breadth-first).
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = StateId> + ExactSizeIterator {
        0..to_id(self.states.len())
    }

    /// How the run ends in a state, if it does.
    #[must_use]
    pub fn end(&self, id: StateId) -> Option<&End> {
        self.ends.get(self.state(id).end as usize)
    }

    /// Paths from the start that arrive at this state.
    #[must_use]
    pub fn paths_to(&self, id: StateId) -> Count {
        self.to.get(id as usize)
    }

    /// Paths from this state to an end.
    #[must_use]
    pub fn paths_from(&self, id: StateId) -> Count {
        self.from.get(id as usize)
    }

    /// Every path, however it ends.
    #[must_use]
    pub fn total_paths(&self) -> Count {
        self.from.get(0)
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
        let key = self.key(model, id);
        let mut values = key.iter();
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
        rebuild(model, &self.live, self.state(id), &self.key(model, id))
    }

    /// The value of a variable in a state: its live value from the key, or
    /// its default when it is not live there (nothing from there on reads
    /// it). Cheaper than [`Space::session`] when only values are needed.
    #[must_use]
    pub fn var_value(&self, model: &Model, id: StateId, var: crate::model::VarId) -> Value {
        let state = self.state(id);
        match self.live.vars(state.node).iter().position(|&v| v == var) {
            Some(i) => {
                let code = self.keys.code(state.key as usize, state.node, i);
                self.keys.value(model.var(var).ty, code)
            }
            None => model.var(var).default.clone(),
        }
    }

    /// The answers a person is offered in a state: the options shown at a
    /// question, the items shown at a checklist, by index (none for other
    /// nodes, or where working them out failed).
    #[must_use]
    pub fn offered(&self, model: &Model, id: StateId) -> Vec<usize> {
        let state = self.state(id);
        match &model.node(state.node).kind {
            // Every option shown is tried, so the edges are the options.
            NodeKind::Question { .. } => self
                .edges_of(id)
                .iter()
                .filter_map(|e| match e.answer {
                    Answer::Choose(i) => Some(i),
                    _ => None,
                })
                .collect(),
            NodeKind::Checklist { items, .. } => (0..items.len().min(64))
                .filter(|i| self.keys.items(state.key as usize, state.node) & (1 << i) != 0)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The live values of a state, in the order [`Liveness`] lists them.
    fn key(&self, model: &Model, id: StateId) -> Vec<Value> {
        let state = self.state(id);
        let node = state.node;
        let types = self
            .live
            .vars(node)
            .iter()
            .map(|v| model.var(*v).ty)
            .chain(self.live.visited(node).iter().map(|_| Type::Bool))
            .chain(self.live.counts(node).iter().map(|_| Type::Int));
        types
            .enumerate()
            .map(|(slot, ty)| {
                self.keys
                    .value(ty, self.keys.code(state.key as usize, node, slot))
            })
            .collect()
    }

    /// The `always`/`never` asserts that failed at outcome states, by
    /// state (breadth-first, so shortest first) then assert. Empty when
    /// explored with [`Asserts::Skip`].
    #[must_use]
    pub fn assert_failures(&self) -> &[AssertFailure] {
        &self.failures
    }

    /// The answers on the shortest way to a state, oldest first, each with
    /// the node it answered.
    #[must_use]
    pub fn witness(&self, id: StateId) -> Vec<(NodeId, Answer)> {
        let mut out = Vec::new();
        let mut at = id;
        while let Some((parent, edge)) = self.state(at).parent() {
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
        self.tally_kinds(kinds, |id| self.to.get(id as usize))
    }

    /// Per node: how many paths enter it (a path that enters a node twice,
    /// round a loop, counts twice).
    #[must_use]
    pub fn paths_per_node(&self, nodes: usize) -> Vec<Count> {
        self.tally_nodes(nodes, self.total_paths(), |id, e| self.through(id, e))
    }

    /// Per question and option (model order): how many paths take it.
    #[must_use]
    pub fn paths_per_option(&self, model: &Model) -> Vec<Vec<Count>> {
        self.tally_options(model, |id, e| self.through(id, e))
    }

    /// Paths that take an edge out of a state.
    fn through(&self, id: StateId, edge: &Edge) -> Count {
        self.to
            .get(id as usize)
            .times(self.from.get(edge.to as usize))
    }

    /// Per outcome kind: the paths `arriving` at each outcome state, summed.
    pub(super) fn tally_kinds(
        &self,
        kinds: usize,
        arriving: impl Fn(StateId) -> Count,
    ) -> Vec<Count> {
        let mut out = vec![Count::ZERO; kinds];
        for id in self.ids() {
            if let Some(&End::Outcome { kind, .. }) = self.end(id) {
                if let Some(slot) = out.get_mut(kind as usize) {
                    *slot = slot.plus(arriving(id));
                }
            }
        }
        out
    }

    /// Per node: `start` paths for each node entered before the first
    /// state, plus the paths `through` each edge for each node it enters.
    pub(super) fn tally_nodes(
        &self,
        nodes: usize,
        start: Count,
        through: impl Fn(StateId, &Edge) -> Count,
    ) -> Vec<Count> {
        let mut out = vec![Count::ZERO; nodes];
        for n in &self.start_passed {
            out[n.index()] = out[n.index()].plus(start);
        }
        for id in self.ids() {
            for e in self.edges_of(id) {
                let paths = through(id, e);
                for n in self.passed(e) {
                    out[n.index()] = out[n.index()].plus(paths);
                }
            }
        }
        out
    }

    /// Per question and option (model order): the paths `through` each
    /// edge that picks the option, summed.
    pub(super) fn tally_options(
        &self,
        model: &Model,
        through: impl Fn(StateId, &Edge) -> Count,
    ) -> Vec<Vec<Count>> {
        let mut out: Vec<Vec<Count>> = model
            .nodes
            .iter()
            .map(|n| match &n.kind {
                NodeKind::Question { options } => vec![Count::ZERO; options.len()],
                _ => Vec::new(),
            })
            .collect();
        for id in self.ids() {
            let node = self.state(id).node;
            for e in self.edges_of(id) {
                if let Answer::Choose(o) = e.answer {
                    if let Some(slot) = out[node.index()].get_mut(o) {
                        *slot = slot.plus(through(id, e));
                    }
                }
            }
        }
        out
    }

    /// States in an order where every edge goes forward.
    #[must_use]
    pub fn topological(&self) -> &[StateId] {
        &self.topological
    }

    fn count_paths(&mut self) {
        let order = &self.topological;
        let n = self.states.len();
        let mut to = Counts::zeros(n);
        if n > 0 {
            to.set(0, Count::ONE);
        }
        for &s in order {
            let here = to.get(s as usize);
            for e in self.edges_of(s) {
                to.add(e.to as usize, here);
            }
        }
        let mut from = Counts::zeros(n);
        for &s in order.iter().rev() {
            let paths = if self.end(s).is_some() {
                Count::ONE
            } else {
                self.edges_of(s)
                    .iter()
                    .fold(Count::ZERO, |acc, e| acc.plus(from.get(e.to as usize)))
            };
            from.set(s as usize, paths);
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
    key: &[Value],
) -> Result<Session<'m>, AnswerError> {
    let mut vars = model.defaults();
    let mut values = key.iter();
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
    Session::at_state(model, state.node, vars, entered)
}

fn to_id(i: usize) -> StateId {
    StateId::try_from(i).unwrap_or(StateId::MAX)
}
