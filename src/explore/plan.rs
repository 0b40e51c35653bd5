//! Which answers the explorer tries at inputs and checklists, worked out once
//! per tree before exploring.
//!
//! **Number inputs** take, deduplicated and sorted: the tree's `examples`;
//! the boundary values of every comparison between the input's variable and
//! a constant anywhere in the tree (conditions, effects, asserts): `v < c`
//! and `v >= c` give `c - 1` and `c`, `v <= c` and `v > c` give `c` and
//! `c + 1`, `v == c` and `v != c` give `c` and a neighbour; and the ends of
//! the input's `range` when it has one. Values outside the range are
//! dropped. With nothing else to go on, the input takes 0 (or the nearest
//! value in range).
//!
//! **Text inputs** take their `examples` and every text the variable is
//! compared with (`name == "Sam"`); with neither, one placeholder.
//!
//! **Checklists** tick the combinations that later conditions can tell
//! apart. An item is *significant* when some expression tests its member
//! with `in`/`not in`, or when the set variable is used whole (passed to a
//! hook, compared, copied), since then any item may matter. Other items are
//! *plain*: only how many of them are ticked can matter, and only when
//! `count(set)` is used. The explorer ticks every subset of the visible
//! significant items (when there are at most [`FULL_SUBSET_LIMIT`];
//! otherwise the empty set, each single item, each set missing one item and
//! the full set), each combined with the first *k* visible plain items for
//! every *k* when `count` is used, or with none and all of them when not.

use crate::ast::BinOp;
use crate::interp::Answer;
use crate::model::{
    Effect, Expr, ExprKind, InputKind, Model, NodeKind, TextPart, Type, Value, VarId,
};
/// Most significant checklist items whose every subset is explored.
pub const FULL_SUBSET_LIMIT: usize = 5;

/// The text a text input gets when the tree gives no example.
pub const TEXT_PLACEHOLDER: &str = "text";

/// Per-node answer plans, indexed like [`Model::nodes`].
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    nodes: Vec<NodePlan>,
}

#[derive(Debug, Clone)]
enum NodePlan {
    None,
    Input(Vec<Answer>),
    Checklist(ChecklistPlan),
}

#[derive(Debug, Clone)]
struct ChecklistPlan {
    /// Per item (by index in the checklist): does it matter by itself?
    significant: Vec<bool>,
    count_used: bool,
}

impl Plan {
    pub(crate) fn new(model: &Model) -> Self {
        let uses = Uses::collect(model);
        let nodes = model
            .nodes
            .iter()
            .map(|node| match &node.kind {
                NodeKind::Input {
                    var,
                    input,
                    examples,
                    ..
                } => NodePlan::Input(input_answers(&uses, *var, input, examples)),
                NodeKind::Checklist { var, items, .. } => {
                    let set = &uses.vars[var.index()];
                    NodePlan::Checklist(ChecklistPlan {
                        significant: items
                            .iter()
                            .map(|i| set.whole || set.members & (1 << i.member) != 0)
                            .collect(),
                        count_used: set.count,
                    })
                }
                _ => NodePlan::None,
            })
            .collect();
        Plan { nodes }
    }

    /// The values an input node takes, in order.
    pub(crate) fn input(&self, node: usize) -> &[Answer] {
        match &self.nodes[node] {
            NodePlan::Input(answers) => answers,
            _ => &[],
        }
    }

    /// Push the item masks a checklist node takes, given which of its items
    /// are shown (a bit per item index).
    pub(crate) fn checklist(&self, node: usize, visible: u64, out: &mut Vec<Answer>) {
        let NodePlan::Checklist(plan) = &self.nodes[node] else {
            return;
        };
        let shown = |i: &usize| visible & (1 << i) != 0;
        let (sig, plain): (Vec<usize>, Vec<usize>) = (0..plan.significant.len())
            .filter(shown)
            .partition(|&i| plan.significant[i]);
        let counts: Vec<usize> = if plan.count_used {
            (0..=plain.len()).collect()
        } else if plain.is_empty() {
            vec![0]
        } else {
            vec![0, plain.len()]
        };
        for sub in subsets(&sig) {
            for &k in &counts {
                let mask = plain[..k].iter().fold(sub, |m, &i| m | (1 << i));
                out.push(Answer::Check(mask));
            }
        }
    }
}

/// The item masks over `items` (item indices) to try, as described in the
/// module docs.
fn subsets(items: &[usize]) -> Vec<u64> {
    let bit = |i: usize| 1u64 << items[i];
    let n = items.len();
    if n <= FULL_SUBSET_LIMIT {
        return (0u64..1 << n)
            .map(|choice| (0..n).filter(|i| choice & (1 << i) != 0).map(bit).sum())
            .collect();
    }
    let full: u64 = (0..n).map(bit).sum();
    let mut out = vec![0];
    out.extend((0..n).map(bit));
    out.extend((0..n).map(|i| full & !bit(i)));
    out.push(full);
    out
}

fn input_answers(uses: &Uses, var: VarId, input: &InputKind, examples: &[Value]) -> Vec<Answer> {
    let used = &uses.vars[var.index()];
    match input {
        InputKind::Number { min, max } => number_values(used, *min, *max, examples)
            .into_iter()
            .map(Answer::Number)
            .collect(),
        InputKind::Text { max_len } => text_values(used, *max_len as usize, examples)
            .into_iter()
            .map(Answer::Text)
            .collect(),
    }
}

fn number_values(used: &VarUse, min: i64, max: i64, examples: &[Value]) -> Vec<i64> {
    let mut values: Vec<i64> = examples
        .iter()
        .filter_map(|v| match v {
            Value::Int(n) => Some(*n),
            _ => None,
        })
        .collect();
    for &(op, c) in &used.comparisons {
        values.extend(boundary(op, c, max));
    }
    // An open end of a range is not a value anyone would type.
    values.extend([min].into_iter().filter(|&m| m != i64::MIN));
    values.extend([max].into_iter().filter(|&m| m != i64::MAX));
    values.retain(|v| (min..=max).contains(v));
    if values.is_empty() {
        values.push(0.clamp(min, max));
    }
    values.sort_unstable();
    values.dedup();
    values
}

/// The two values either side of `v op c`.
fn boundary(op: BinOp, c: i64, max: i64) -> [i64; 2] {
    match op {
        BinOp::Lt | BinOp::Ge => [c.saturating_sub(1), c],
        BinOp::Eq | BinOp::Ne if c >= max => [c.saturating_sub(1), c],
        _ => [c, c.saturating_add(1)],
    }
}

fn text_values(used: &VarUse, max_len: usize, examples: &[Value]) -> Vec<String> {
    let mut values: Vec<String> = examples
        .iter()
        .chain(&used.texts)
        .filter_map(|v| match v {
            Value::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .filter(|t| t.chars().count() <= max_len)
        .collect();
    if values.is_empty() {
        values.push(TEXT_PLACEHOLDER.chars().take(max_len).collect());
    }
    values.sort_unstable();
    values.dedup();
    values
}

/// How each variable is used across every expression of a tree.
struct Uses {
    vars: Vec<VarUse>,
}

#[derive(Debug, Clone, Default)]
struct VarUse {
    /// `v op constant`, normalised so the variable is on the left.
    comparisons: Vec<(BinOp, i64)>,
    /// Texts the variable is compared with.
    texts: Vec<Value>,
    /// Set members tested with `in` / `not in` (a bit per member).
    members: u64,
    /// `count(v)` appears somewhere.
    count: bool,
    /// The variable is used whole (hook argument, comparison, copy...).
    whole: bool,
}

impl Uses {
    fn collect(model: &Model) -> Self {
        let mut uses = Uses {
            vars: vec![VarUse::default(); model.vars.len()],
        };
        for_each_expr(model, &mut |e| uses.walk(e));
        uses
    }

    fn walk(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Var(v) => self.vars[v.index()].whole = true,
            ExprKind::In { member, set, .. } => match &set.kind {
                ExprKind::Var(v) => self.vars[v.index()].members |= 1 << member,
                _ => self.walk(set),
            },
            ExprKind::Count(e) => match &e.kind {
                ExprKind::Var(v) => self.vars[v.index()].count = true,
                _ => self.walk(e),
            },
            ExprKind::Interpolate(text) => {
                for part in &text.parts {
                    if let TextPart::Var(v) = part {
                        self.vars[v.index()].whole = true;
                    }
                }
            }
            ExprKind::Hook { args, .. } => args.iter().for_each(|a| self.walk(a)),
            ExprKind::Not(e) | ExprKind::Neg(e) => self.walk(e),
            ExprKind::Binary(op, l, r) => {
                self.compare(*op, l, r);
                self.walk(l);
                self.walk(r);
            }
            ExprKind::Lit(_) | ExprKind::Visited(_) | ExprKind::Outcome | ExprKind::Tagged(_) => {}
        }
    }

    /// Note `var op constant` (either way round) for boundary values.
    fn compare(&mut self, op: BinOp, l: &Expr, r: &Expr) {
        let (var, constant, op) = match (&l.kind, &r.kind) {
            (ExprKind::Var(v), _) => (*v, r, comparison(op)),
            (_, ExprKind::Var(v)) => (*v, l, comparison(op).map(mirror)),
            _ => return,
        };
        let Some(op) = op else { return };
        let used = &mut self.vars[var.index()];
        match (l.ty, constant_value(constant)) {
            (Type::Int, Some(Value::Int(c))) => used.comparisons.push((op, c)),
            (Type::Text, Some(text @ Value::Text(_))) => used.texts.push(text),
            _ => {}
        }
    }
}

/// The operator if it compares values.
fn comparison(op: BinOp) -> Option<BinOp> {
    matches!(
        op,
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
    )
    .then_some(op)
}

/// `c op v` as `v op' c`.
fn mirror(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

/// The value of an expression built from literals only (`3`, `-2`, `60 * 6`).
fn constant_value(expr: &Expr) -> Option<Value> {
    match &expr.kind {
        ExprKind::Lit(v) => Some(v.clone()),
        ExprKind::Neg(e) => match constant_value(e)? {
            Value::Int(n) => n.checked_neg().map(Value::Int),
            _ => None,
        },
        ExprKind::Binary(op, l, r) => {
            let (Value::Int(a), Value::Int(b)) = (constant_value(l)?, constant_value(r)?) else {
                return None;
            };
            let n = match op {
                BinOp::Add => a.checked_add(b),
                BinOp::Sub => a.checked_sub(b),
                BinOp::Mul => a.checked_mul(b),
                BinOp::Div => a.checked_div(b),
                BinOp::Rem => a.checked_rem(b),
                _ => None,
            };
            n.map(Value::Int)
        }
        _ => None,
    }
}

/// Call `f` on every top-level expression of a tree: conditions, effects,
/// branch arms and asserts.
fn for_each_expr(model: &Model, f: &mut dyn FnMut(&Expr)) {
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
    use std::sync::Arc;

    fn text(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }

    fn used(comparisons: &[(BinOp, i64)]) -> VarUse {
        VarUse {
            comparisons: comparisons.to_vec(),
            ..VarUse::default()
        }
    }

    #[test]
    fn numbers_take_examples_boundaries_and_range_ends() {
        let u = used(&[(BinOp::Lt, 3), (BinOp::Gt, 10)]);
        let values = number_values(&u, 0, 600, &[Value::Int(7), Value::Int(3)]);
        assert_eq!(values, [0, 2, 3, 7, 10, 11, 600]);
    }

    #[test]
    fn numbers_outside_the_range_are_dropped() {
        let u = used(&[(BinOp::Lt, 0), (BinOp::Eq, 5)]);
        assert_eq!(number_values(&u, 0, 5, &[]), [0, 4, 5]);
    }

    #[test]
    fn an_open_range_does_not_add_its_ends() {
        assert_eq!(number_values(&used(&[]), i64::MIN, i64::MAX, &[]), [0]);
        assert_eq!(number_values(&used(&[]), 5, i64::MAX, &[]), [5]);
    }

    #[test]
    fn texts_fall_back_to_a_placeholder_within_the_length_limit() {
        assert_eq!(text_values(&VarUse::default(), 2, &[]), ["te"]);
        let u = VarUse {
            texts: vec![text("Sam"), text("much too long")],
            ..VarUse::default()
        };
        assert_eq!(text_values(&u, 5, &[text("Al")]), ["Al", "Sam"]);
    }

    #[test]
    fn small_sets_take_every_subset_and_large_ones_a_bounded_few() {
        assert_eq!(subsets(&[0, 2]), [0, 0b001, 0b100, 0b101]);
        let many: Vec<usize> = (0..8).collect();
        let masks = subsets(&many);
        assert_eq!(masks.len(), 2 * 8 + 2);
        assert_eq!(masks.first(), Some(&0));
        assert_eq!(masks.last(), Some(&0xff));
    }
}
