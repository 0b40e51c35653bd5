//! What can still matter at each node: the live part of a state.
//!
//! A run's full state is every variable, every node entered so far and how
//! often. Most of it cannot change what happens next. This module works out,
//! once per tree and on the model alone, which parts can:
//!
//! - a **variable** is live at a node when some path from the node reads it
//!   (in a condition, an effect, an interpolated text, a hook argument or an
//!   assert) before anything overwrites it;
//! - a **`visited(n)` fact** is live at a node when some path from there reads
//!   it before entering `n` (entering `n` makes it true for good);
//! - the **visit count** of a node on a cycle is live at the nodes of its own
//!   cycle (the strongly connected component), where `--max-visits` can still
//!   cut a path; nodes off every cycle are never visited twice.
//!
//! The state explorer keys states by the node and these values alone, so two
//! runs that differ only in what is dead are explored once. This is classic
//! backward liveness, computed to a fixed point over the node graph.

use crate::model::graph::Graph;
use crate::model::{Effect, Expr, ExprKind, Model, NodeId, NodeKind, Text, TextPart, VarId};

/// A set of slots: a bit per variable, then a bit per node that some
/// `visited(..)` reads.
type Bits = Vec<u64>;

/// Which parts of the state are live at each node.
#[derive(Debug, Clone)]
pub struct Liveness {
    /// Per node: the live variables, in declaration order.
    vars: Vec<Vec<VarId>>,
    /// Per node: the nodes whose `visited(..)` fact is live, in node order.
    visited: Vec<Vec<NodeId>>,
    /// Per node: the nodes on its cycle whose visit counts are live (empty
    /// off cycles), in node order.
    counts: Vec<Vec<NodeId>>,
    /// Per node: is it on a cycle of nodes that wait for a person?
    cyclic: Vec<bool>,
    /// Per node, parallel to `vars`: the bits of each live variable that
    /// can matter (for a set only ever tested member by member, the members
    /// still tested later; all bits otherwise).
    masks: Vec<Vec<u64>>,
}

impl Liveness {
    /// Analyse a tree.
    #[must_use]
    pub fn new(model: &Model) -> Self {
        let slots = Slots::new(model);
        let graph = Graph::of(model);
        let live = slots.solve(model, &graph);
        let mut counts = vec![Vec::new(); model.nodes.len()];
        let mut cyclic = vec![false; model.nodes.len()];
        for members in graph.cycles() {
            let waiting: Vec<NodeId> = members
                .iter()
                .copied()
                .filter(|&n| waits(model, n))
                .collect();
            for &n in &members {
                cyclic[n.index()] = true;
                counts[n.index()].clone_from(&waiting);
            }
        }
        let var_count = model.vars.len();
        let mut vars = Vec::with_capacity(live.len());
        let mut masks = Vec::with_capacity(live.len());
        for bits in &live {
            let mut node_vars = Vec::new();
            let mut node_masks = Vec::new();
            for i in 0..var_count {
                let mask = slots.live_mask(bits, i);
                if mask != 0 {
                    node_vars.push(VarId::from_index(i));
                    node_masks.push(mask);
                }
            }
            vars.push(node_vars);
            masks.push(node_masks);
        }
        let visited = live
            .iter()
            .map(|bits| {
                slots
                    .visited_nodes
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| has(bits, slots.visited_base + k))
                    .map(|(_, &n)| n)
                    .collect()
            })
            .collect();
        Liveness {
            vars,
            visited,
            counts,
            cyclic,
            masks,
        }
    }

    /// Per live variable at `node` (parallel to [`Liveness::vars`]): the
    /// bits of its value that can matter. For a set only ever tested
    /// member by member, the members still tested from there on; all bits
    /// otherwise.
    #[must_use]
    pub fn masks(&self, node: NodeId) -> &[u64] {
        &self.masks[node.index()]
    }

    /// The variables live when the run waits at (or arrives at) `node`.
    #[must_use]
    pub fn vars(&self, node: NodeId) -> &[VarId] {
        &self.vars[node.index()]
    }

    /// The nodes whose `visited(..)` fact is live at `node`.
    #[must_use]
    pub fn visited(&self, node: NodeId) -> &[NodeId] {
        &self.visited[node.index()]
    }

    /// The nodes whose visit counts are live at `node`.
    #[must_use]
    pub fn counts(&self, node: NodeId) -> &[NodeId] {
        &self.counts[node.index()]
    }

    /// Is `node` on a cycle (so a path may come back to it)?
    #[must_use]
    pub fn cyclic(&self, node: NodeId) -> bool {
        self.cyclic[node.index()]
    }
}

fn has(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

fn set_bit(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

fn clear(bits: &mut [u64], i: usize) {
    bits[i / 64] &= !(1 << (i % 64));
}

/// Does a person answer at this node (or does the run end there)?
fn waits(model: &Model, node: NodeId) -> bool {
    !matches!(
        model.node(node).kind,
        NodeKind::Branch { .. } | NodeKind::Score { .. }
    )
}

/// How slots are numbered: a slot per variable; then, for each set that is
/// only ever tested member by member (`x in s`), a slot per tested member,
/// so each member is live only while some later test reads it; then a slot
/// per node that some `visited(..)` reads.
struct Slots {
    /// Per variable: the first slot of its tested members, and their mask,
    /// for sets read member by member only.
    members: Vec<Option<(usize, u64)>>,
    visited_base: usize,
    visited_nodes: Vec<NodeId>,
    /// Per node: its `visited` slot, if any expression reads it.
    visited_slot: Vec<Option<usize>>,
    words: usize,
}

impl Slots {
    fn new(model: &Model) -> Self {
        let mut read = vec![false; model.nodes.len()];
        for_each_expr(model, &mut |e| mark_visited(e, &mut read));
        let visited_nodes: Vec<NodeId> = read
            .iter()
            .enumerate()
            .filter(|(_, r)| **r)
            .map(|(i, _)| NodeId::from_index(i))
            .collect();
        let mut next = model.vars.len();
        let members = set_masks(model)
            .into_iter()
            .map(|mask| {
                (mask != u64::MAX).then(|| {
                    let first = next.div_ceil(64) * 64;
                    next = first + 64;
                    (first, mask)
                })
            })
            .collect();
        let visited_base = next;
        let mut visited_slot = vec![None; model.nodes.len()];
        for (k, n) in visited_nodes.iter().enumerate() {
            visited_slot[n.index()] = Some(visited_base + k);
        }
        let words = (visited_base + visited_nodes.len()).div_ceil(64).max(1);
        Slots {
            members,
            visited_base,
            visited_nodes,
            visited_slot,
            words,
        }
    }

    /// The bits of variable `var` live in `bits`: all of them when its slot
    /// is live, the live members for a set read member by member, or none.
    fn live_mask(&self, bits: &Bits, var: usize) -> u64 {
        if has(bits, var) {
            return u64::MAX;
        }
        match self.members[var] {
            // A member slot word is whole: members start at a multiple of 64.
            Some((first, mask)) => bits[first / 64] & mask,
            None => 0,
        }
    }

    /// Mark variable `var` as not live: it is given a new value whole.
    fn kill(&self, bits: &mut Bits, var: usize) {
        clear(bits, var);
        if let Some((first, _)) = self.members[var] {
            bits[first / 64] = 0;
        }
    }

    /// Live slots on entry to every node, to a fixed point.
    fn solve(&self, model: &Model, graph: &Graph) -> Vec<Bits> {
        let n = model.nodes.len();
        let mut assert_reads = vec![0; self.words];
        for a in &model.asserts {
            if let crate::model::AssertRule::Always(e) | crate::model::AssertRule::Never(e) =
                &a.rule
            {
                self.reads(e, &mut assert_reads);
            }
        }
        let mut live = vec![vec![0u64; self.words]; n];
        let mut queued = vec![true; n];
        let mut work: Vec<usize> = (0..n).rev().collect();
        while let Some(i) = work.pop() {
            queued[i] = false;
            let next = self.transfer(model, i, &live, &assert_reads);
            if next != live[i] {
                live[i] = next;
                for p in graph
                    .predecessors(NodeId::from_index(i))
                    .iter()
                    .map(|e| e.node.index())
                {
                    if !queued[p] {
                        queued[p] = true;
                        work.push(p);
                    }
                }
            }
        }
        live
    }

    /// Live slots on entry to node `i`, given those of its successors.
    fn transfer(&self, model: &Model, i: usize, live: &[Bits], assert_reads: &Bits) -> Bits {
        let node = &model.nodes[i];
        let mut out = vec![0u64; self.words];
        for text in node.text.iter().chain(&node.help) {
            self.text_reads(text, &mut out);
        }
        let union = |out: &mut Bits, other: &Bits| {
            for (o, b) in out.iter_mut().zip(other) {
                *o |= b;
            }
        };
        match &node.kind {
            NodeKind::Question { options } => {
                for o in options {
                    self.text_reads(&o.label, &mut out);
                    if let Some(c) = &o.cond {
                        self.reads(c, &mut out);
                    }
                    let after = self.through(&o.effects, live[o.next.index()].clone());
                    union(&mut out, &after);
                }
            }
            NodeKind::Checklist { var, items, next } => {
                for item in items {
                    self.text_reads(&item.label, &mut out);
                    if let Some(c) = &item.cond {
                        self.reads(c, &mut out);
                    }
                }
                let mut after = live[next.index()].clone();
                self.kill(&mut after, var.index());
                union(&mut out, &after);
            }
            NodeKind::Input { var, next, .. } => {
                let mut after = live[next.index()].clone();
                self.kill(&mut after, var.index());
                union(&mut out, &after);
            }
            NodeKind::Branch { arms, otherwise } => {
                for arm in arms {
                    self.reads(&arm.cond, &mut out);
                    union(&mut out, &live[arm.next.index()]);
                }
                union(&mut out, &live[otherwise.index()]);
            }
            NodeKind::Score { effects, next } => {
                let after = self.through(effects, live[next.index()].clone());
                union(&mut out, &after);
            }
            NodeKind::Info {
                effects,
                advice,
                next,
            } => {
                for a in advice {
                    self.text_reads(a, &mut out);
                }
                let after = self.through(effects, live[next.index()].clone());
                union(&mut out, &after);
            }
            NodeKind::Outcome { title, advice, .. } => {
                for t in std::iter::once(title).chain(advice) {
                    self.text_reads(t, &mut out);
                }
                union(&mut out, assert_reads);
            }
        }
        // Entering the node makes its own `visited` fact true for good.
        if let Some(slot) = self.visited_slot[i] {
            clear(&mut out, slot);
        }
        out
    }

    /// Live slots before `effects`, given those after them.
    fn through(&self, effects: &[Effect], mut live: Bits) -> Bits {
        for effect in effects.iter().rev() {
            match effect {
                Effect::Set(var, expr) => {
                    if self.live_mask(&live, var.index()) != 0 {
                        self.kill(&mut live, var.index());
                        self.reads(expr, &mut live);
                    }
                }
                // `add`/`remove` decide one member and keep the others: for
                // a set read member by member, that member is dead before;
                // for any other set, the set is live before exactly when
                // live after.
                Effect::Add(var, member) | Effect::Remove(var, member) => {
                    if let Some((first, _)) = self.members[var.index()] {
                        clear(&mut live, first + *member as usize);
                    }
                }
            }
        }
        live
    }

    fn text_reads(&self, text: &Text, out: &mut Bits) {
        for part in &text.parts {
            if let TextPart::Var(v) = part {
                set_bit(out, v.index());
            }
        }
    }

    /// Every slot an expression reads.
    fn reads(&self, expr: &Expr, out: &mut Bits) {
        match &expr.kind {
            ExprKind::Var(v) => set_bit(out, v.index()),
            ExprKind::Visited(n) => {
                if let Some(slot) = self.visited_slot[n.index()] {
                    set_bit(out, slot);
                }
            }
            ExprKind::Interpolate(text) => self.text_reads(text, out),
            ExprKind::Hook { args, .. } => args.iter().for_each(|a| self.reads(a, out)),
            ExprKind::Count(e) | ExprKind::Not(e) | ExprKind::Neg(e) => self.reads(e, out),
            ExprKind::In { member, set, .. } => match (&set.kind, self.member_slot(set)) {
                (ExprKind::Var(_), Some(first)) => set_bit(out, first + *member as usize),
                _ => self.reads(set, out),
            },
            ExprKind::Binary(_, l, r) => {
                self.reads(l, out);
                self.reads(r, out);
            }
            // The final outcome (its kind, its tags) is the state's own node.
            ExprKind::Lit(_) | ExprKind::Outcome | ExprKind::Tagged(_) => {}
        }
    }

    /// The first member slot of a set variable read member by member.
    fn member_slot(&self, expr: &Expr) -> Option<usize> {
        match &expr.kind {
            ExprKind::Var(v) => self.members[v.index()].map(|(first, _)| first),
            _ => None,
        }
    }
}

/// What one node reads when a run passes it: its conditions, the texts it
/// shows and its effects (not what comes after it). Each variable comes with
/// the bits that matter: the members tested, for a set tested member by
/// member; all bits otherwise.
#[must_use]
pub fn node_reads(model: &Model, node: NodeId) -> std::collections::BTreeMap<VarId, u64> {
    let node = model.node(node);
    let mut out = std::collections::BTreeMap::new();
    let text = |t: &Text, out: &mut std::collections::BTreeMap<VarId, u64>| {
        for part in &t.parts {
            if let TextPart::Var(v) = part {
                out.insert(*v, u64::MAX);
            }
        }
    };
    for t in node.text.iter().chain(&node.help) {
        text(t, &mut out);
    }
    let mut exprs: Vec<&Expr> = Vec::new();
    fn effects<'a>(effects: &'a [Effect], exprs: &mut Vec<&'a Expr>) {
        for e in effects {
            if let Effect::Set(_, expr) = e {
                exprs.push(expr);
            }
        }
    }
    match &node.kind {
        NodeKind::Question { options } => {
            for o in options {
                text(&o.label, &mut out);
                exprs.extend(&o.cond);
                effects(&o.effects, &mut exprs);
            }
        }
        NodeKind::Checklist { items, .. } => {
            for i in items {
                text(&i.label, &mut out);
                exprs.extend(&i.cond);
            }
        }
        NodeKind::Branch { arms, .. } => exprs.extend(arms.iter().map(|a| &a.cond)),
        NodeKind::Score { effects: e, .. } => effects(e, &mut exprs),
        NodeKind::Info {
            effects: e, advice, ..
        } => {
            for a in advice {
                text(a, &mut out);
            }
            effects(e, &mut exprs);
        }
        NodeKind::Outcome { title, advice, .. } => {
            for t in std::iter::once(title).chain(advice) {
                text(t, &mut out);
            }
        }
        NodeKind::Input { .. } => {}
    }
    for e in exprs {
        expr_reads(e, &mut out);
    }
    out
}

fn expr_reads(expr: &Expr, out: &mut std::collections::BTreeMap<VarId, u64>) {
    match &expr.kind {
        ExprKind::Var(v) => {
            out.insert(*v, u64::MAX);
        }
        ExprKind::In { member, set, .. } => match &set.kind {
            ExprKind::Var(v) => *out.entry(*v).or_insert(0) |= 1 << member,
            _ => expr_reads(set, out),
        },
        ExprKind::Interpolate(text) => {
            for part in &text.parts {
                if let TextPart::Var(v) = part {
                    out.insert(*v, u64::MAX);
                }
            }
        }
        ExprKind::Hook { args, .. } => args.iter().for_each(|a| expr_reads(a, out)),
        ExprKind::Count(e) | ExprKind::Not(e) | ExprKind::Neg(e) => expr_reads(e, out),
        ExprKind::Binary(_, l, r) => {
            expr_reads(l, out);
            expr_reads(r, out);
        }
        ExprKind::Lit(_) | ExprKind::Visited(_) | ExprKind::Outcome | ExprKind::Tagged(_) => {}
    }
}

/// Per variable: the members of a set that are ever read, when it is only
/// read member by member; all bits for every other variable.
fn set_masks(model: &Model) -> Vec<u64> {
    let mut masks = vec![0u64; model.vars.len()];
    let mut whole = vec![false; model.vars.len()];
    for node in &model.nodes {
        let texts = node.text.iter().chain(&node.help);
        let extra: Vec<&Text> = match &node.kind {
            NodeKind::Question { options } => options.iter().map(|o| &o.label).collect(),
            NodeKind::Checklist { items, .. } => items.iter().map(|i| &i.label).collect(),
            NodeKind::Info { advice, .. } => advice.iter().collect(),
            NodeKind::Outcome { title, advice, .. } => {
                std::iter::once(title).chain(advice).collect()
            }
            _ => Vec::new(),
        };
        for text in texts.chain(extra) {
            for part in &text.parts {
                if let TextPart::Var(v) = part {
                    whole[v.index()] = true;
                }
            }
        }
    }
    for_each_expr(model, &mut |e| member_reads(e, &mut masks, &mut whole));
    masks
        .into_iter()
        .zip(whole)
        .map(|(m, w)| if w { u64::MAX } else { m })
        .collect()
}

fn member_reads(expr: &Expr, masks: &mut [u64], whole: &mut [bool]) {
    match &expr.kind {
        ExprKind::In { member, set, .. } => match &set.kind {
            ExprKind::Var(v) => masks[v.index()] |= 1 << member,
            _ => member_reads(set, masks, whole),
        },
        ExprKind::Var(v) => whole[v.index()] = true,
        ExprKind::Interpolate(text) => {
            for part in &text.parts {
                if let TextPart::Var(v) = part {
                    whole[v.index()] = true;
                }
            }
        }
        ExprKind::Hook { args, .. } => args.iter().for_each(|a| member_reads(a, masks, whole)),
        ExprKind::Count(e) | ExprKind::Not(e) | ExprKind::Neg(e) => member_reads(e, masks, whole),
        ExprKind::Binary(_, l, r) => {
            member_reads(l, masks, whole);
            member_reads(r, masks, whole);
        }
        ExprKind::Lit(_) | ExprKind::Visited(_) | ExprKind::Outcome | ExprKind::Tagged(_) => {}
    }
}

fn mark_visited(expr: &Expr, read: &mut [bool]) {
    match &expr.kind {
        ExprKind::Visited(n) => read[n.index()] = true,
        ExprKind::Hook { args, .. } => args.iter().for_each(|a| mark_visited(a, read)),
        ExprKind::Count(e) | ExprKind::Not(e) | ExprKind::Neg(e) => mark_visited(e, read),
        ExprKind::In { set, .. } => mark_visited(set, read),
        ExprKind::Binary(_, l, r) => {
            mark_visited(l, read);
            mark_visited(r, read);
        }
        ExprKind::Var(_)
        | ExprKind::Lit(_)
        | ExprKind::Outcome
        | ExprKind::Tagged(_)
        | ExprKind::Interpolate(_) => {}
    }
}

/// Call `f` on every expression of a tree: conditions, effects, branch arms
/// and asserts.
pub(crate) fn for_each_expr(model: &Model, f: &mut dyn FnMut(&Expr)) {
    let effects = |effects: &[Effect], f: &mut dyn FnMut(&Expr)| {
        for e in effects {
            if let Effect::Set(_, expr) = e {
                f(expr);
            }
        }
    };
    for node in &model.nodes {
        match &node.kind {
            NodeKind::Question { options } => {
                for o in options {
                    o.cond.iter().for_each(&mut *f);
                    effects(&o.effects, f);
                }
            }
            NodeKind::Checklist { items, .. } => {
                items
                    .iter()
                    .filter_map(|i| i.cond.as_ref())
                    .for_each(&mut *f);
            }
            NodeKind::Branch { arms, .. } => arms.iter().for_each(|a| f(&a.cond)),
            NodeKind::Score { effects: e, .. } | NodeKind::Info { effects: e, .. } => {
                effects(e, f);
            }
            NodeKind::Input { .. } | NodeKind::Outcome { .. } => {}
        }
    }
    for a in &model.asserts {
        match &a.rule {
            crate::model::AssertRule::Always(e) | crate::model::AssertRule::Never(e) => f(e),
            crate::model::AssertRule::Reachable(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_str;
    use std::path::Path;

    fn model(src: &str) -> Model {
        match check_str(Path::new("t.tree"), src) {
            Ok(c) => c.model,
            Err(f) => panic!("{:#?}", f.diagnostics),
        }
    }

    fn names(m: &Model, vars: &[VarId]) -> Vec<String> {
        vars.iter().map(|v| m.var(*v).name.clone()).collect()
    }

    #[test]
    fn a_variable_is_live_until_it_is_read_and_dead_once_overwritten() {
        let m = model(
            r#"
tree t "T" { start a outcomes done }
var x: bool = false
var y: int = 0
question a { text "A" option p "P" { set x = true } -> b option q "Q" -> b }
question b { text "B" option p "P" { set y = 1 } -> c }
branch c { when x -> d else -> d }
outcome d { kind done title "y is {y}" }
"#,
        );
        let live = Liveness::new(&m);
        let at = |id: &str| names(&m, live.vars(m.find_node(id).unwrap()));
        assert_eq!(at("a"), ["x"]);
        // y is set on the only way out of b, so b does not need it.
        assert_eq!(at("b"), ["x"]);
        assert_eq!(at("c"), ["x", "y"]);
        assert_eq!(at("d"), ["y"]);
    }

    #[test]
    fn visited_facts_die_once_their_node_is_entered() {
        let m = model(
            r#"
tree t "T" { start a outcomes done }
question a { text "A" option p "P" -> b option q "Q" -> c }
info b { text "B" -> c }
outcome c { kind done title "C" }
assert always(visited(b) implies outcome == done)
"#,
        );
        let live = Liveness::new(&m);
        let b = m.find_node("b").unwrap();
        assert_eq!(live.visited(m.find_node("a").unwrap()), [b]);
        assert!(live.visited(b).is_empty());
        assert_eq!(live.visited(m.find_node("c").unwrap()), [b]);
    }

    #[test]
    fn only_nodes_on_cycles_count_visits() {
        let m = model(
            r#"
tree t "T" { start a outcomes done }
question a { text "A" option again "Again" -> b option stop "Stop" -> d }
info b { text "B" -> a }
outcome d { kind done title "D" }
"#,
        );
        let live = Liveness::new(&m);
        let (a, b, d) = (
            m.find_node("a").unwrap(),
            m.find_node("b").unwrap(),
            m.find_node("d").unwrap(),
        );
        assert!(live.cyclic(a) && live.cyclic(b) && !live.cyclic(d));
        assert_eq!(live.counts(a), [a, b]);
        assert!(live.counts(d).is_empty());
    }
}
