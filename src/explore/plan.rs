//! Which answers the explorer tries at inputs and checklists, worked out once
//! per tree before exploring.
//!
//! **Number inputs.** When the input's variable is only compared with
//! constants (`months < 3`), the input takes one value from each side of
//! every such comparison, which are exact equivalence classes: `v < c` and
//! `v >= c` give `c - 1` and `c`, `v <= c` and `v > c` give `c` and `c + 1`,
//! `v == c` and `v != c` give `c` and a neighbour; plus the tree's
//! `examples` and the ends of the input's `range`. When something sees the
//! raw value (a hook argument, arithmetic, a comparison with another
//! variable, a copy into another variable) and the range has at most
//! [`FULL_RANGE_LIMIT`] values, the input takes every value in the range.
//! Otherwise it takes the values above and exploration only samples it
//! (see [`Plan::samples`]).
//!
//! **Text inputs** take their `examples`, every text the variable is
//! compared with (`name == "Sam"`) and, when none of those is a text that
//! matches no comparison, one placeholder that does not. When something sees
//! the raw text (a hook argument, joining texts, a comparison with another
//! variable), that is a sample.
//!
//! **Checklists** tick the combinations that later conditions can tell
//! apart. An item is *significant* when some expression tests its member
//! with `in`/`not in`, or when the set variable is used whole (passed to a
//! hook, compared, copied), since then any item may matter. Other items are
//! *plain*: only how many of them are ticked can matter, and only when
//! `count(set)` is used. The explorer ticks every subset of the visible
//! significant items (when there are at most [`FULL_SUBSET_LIMIT`];
//! otherwise, as a sample, the empty set, each single item, each set
//! missing one item and the full set), each combined with the first *k*
//! visible plain items for every *k* when `count` is used, or with none and
//! all of them when not.

use super::live::for_each_expr;
use crate::ast::BinOp;
use crate::interp::Answer;
use crate::model::{Expr, ExprKind, InputKind, Model, NodeKind, TextPart, Type, Value, VarId};
/// Most significant checklist items whose every subset is explored
/// (2^16 = 65,536 combinations).
pub const FULL_SUBSET_LIMIT: usize = 16;

/// Most values a number input whose raw value matters may have for every
/// one of them to be tried.
pub const FULL_RANGE_LIMIT: i64 = 10_000;

/// An input or checklist where exploration tries only some of the answers
/// that could make a difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub node: crate::model::NodeId,
    /// What was tried, for people: `0, 2, 3, 600`.
    pub tried: String,
    /// Why that is not every case.
    pub why: String,
}

/// The text a text input gets when the tree gives no example.
pub const TEXT_PLACEHOLDER: &str = "text";

/// Per-node answer plans, indexed like [`Model::nodes`].
#[derive(Debug, Clone)]
pub struct Plan {
    nodes: Vec<NodePlan>,
    samples: Vec<Sample>,
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
    /// Work out the answers to try at every input and checklist of a tree.
    #[must_use]
    pub fn new(model: &Model) -> Self {
        let uses = Uses::collect(model);
        let mut samples = Vec::new();
        let nodes = model
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let id = crate::model::NodeId::from_index(i);
                match &node.kind {
                    NodeKind::Input {
                        var,
                        input,
                        examples,
                        ..
                    } => {
                        let (answers, why) = input_answers(&uses, *var, input, examples);
                        if let Some(why) = why {
                            samples.push(Sample {
                                node: id,
                                tried: tried_text(&answers),
                                why,
                            });
                        }
                        NodePlan::Input(answers)
                    }
                    NodeKind::Checklist { var, items, .. } => {
                        let set = &uses.vars[var.index()];
                        let significant: Vec<bool> = items
                            .iter()
                            .map(|i| set.whole || set.members & (1 << i.member) != 0)
                            .collect();
                        let sig = significant.iter().filter(|s| **s).count();
                        if sig > FULL_SUBSET_LIMIT {
                            samples.push(Sample {
                                node: id,
                                tried: "no item, each item alone, all but one, all".into(),
                                why: format!(
                                    "{sig} items can each make a difference: \
                                     more than the {FULL_SUBSET_LIMIT} whose every combination is tried"
                                ),
                            });
                        }
                        NodePlan::Checklist(ChecklistPlan {
                            significant,
                            count_used: set.count,
                        })
                    }
                    _ => NodePlan::None,
                }
            })
            .collect();
        Plan { nodes, samples }
    }

    /// Inputs and checklists where only a sample of the answers that could
    /// make a difference is tried, in node order.
    #[must_use]
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// The same plan with the answers of `other` (a plan for another version
    /// of the tree) added at the nodes with the same id, so that two
    /// versions can be explored side by side with the same answers.
    #[must_use]
    pub fn merged(&self, model: &Model, other: &Plan, other_model: &Model) -> Plan {
        let mut merged = self.clone();
        for (i, node) in model.nodes.iter().enumerate() {
            let Some(j) = other_model.find_node(&node.id) else {
                continue;
            };
            match (&mut merged.nodes[i], &other.nodes[j.index()]) {
                (NodePlan::Input(mine), NodePlan::Input(theirs)) => {
                    for a in theirs {
                        if !mine.contains(a) {
                            mine.push(a.clone());
                        }
                    }
                    mine.sort_by(answer_order);
                }
                (NodePlan::Checklist(mine), NodePlan::Checklist(theirs)) => {
                    mine.count_used |= theirs.count_used;
                    if mine.significant.len() == theirs.significant.len() {
                        for (m, t) in mine.significant.iter_mut().zip(&theirs.significant) {
                            *m |= *t;
                        }
                    }
                }
                _ => {}
            }
        }
        merged
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

fn answer_order(a: &Answer, b: &Answer) -> std::cmp::Ordering {
    match (a, b) {
        (Answer::Number(x), Answer::Number(y)) => x.cmp(y),
        (Answer::Text(x), Answer::Text(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    }
}

fn tried_text(answers: &[Answer]) -> String {
    const SHOWN: usize = 12;
    let mut parts: Vec<String> = answers
        .iter()
        .take(SHOWN)
        .map(|a| match a {
            Answer::Number(n) => n.to_string(),
            Answer::Text(t) => format!("{t:?}"),
            other => format!("{other:?}"),
        })
        .collect();
    if answers.len() > SHOWN {
        parts.push(format!("and {} more", answers.len() - SHOWN));
    }
    parts.join(", ")
}

/// The answers an input takes, and why they are only a sample when they are.
fn input_answers(
    uses: &Uses,
    var: VarId,
    input: &InputKind,
    examples: &[Value],
) -> (Vec<Answer>, Option<String>) {
    let used = &uses.vars[var.index()];
    match input {
        InputKind::Number { min, max } => {
            let small = max.checked_sub(*min).is_some_and(|n| n < FULL_RANGE_LIMIT);
            if used.raw && small {
                return ((*min..=*max).map(Answer::Number).collect(), None);
            }
            let values = number_values(used, *min, *max, examples);
            let why = used.raw.then(|| {
                format!(
                    "its raw value is used ({}) and its range has more than \
                     {FULL_RANGE_LIMIT} values",
                    used.raw_use
                )
            });
            (values.into_iter().map(Answer::Number).collect(), why)
        }
        InputKind::Text { max_len } => {
            let values = text_values(used, *max_len as usize, examples);
            let why = used
                .raw
                .then(|| format!("its raw text is used ({})", used.raw_use));
            (values.into_iter().map(Answer::Text).collect(), why)
        }
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
    let text = |v: &Value| match v {
        Value::Text(t) => Some(t.to_string()),
        _ => None,
    };
    let compared: Vec<String> = used.texts.iter().filter_map(text).collect();
    let mut values: Vec<String> = examples
        .iter()
        .chain(&used.texts)
        .filter_map(text)
        .filter(|t| t.chars().count() <= max_len)
        .collect();
    // One text that matches no comparison stands for all such texts.
    if values.iter().all(|v| compared.contains(v)) {
        let mut placeholder: String = TEXT_PLACEHOLDER.chars().take(max_len).collect();
        let mut n = 0;
        while compared.contains(&placeholder) && n < 1000 {
            n += 1;
            placeholder = format!("{TEXT_PLACEHOLDER}{n}")
                .chars()
                .take(max_len)
                .collect();
        }
        if !compared.contains(&placeholder) {
            values.push(placeholder);
        }
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
    /// Something sees the raw value: more than a comparison with a constant
    /// (a hook argument, arithmetic, a copy, a comparison between variables).
    raw: bool,
    /// The first such use, for people: `hook readiness`, `arithmetic`.
    raw_use: String,
}

impl VarUse {
    fn raw(&mut self, how: &str) {
        if !self.raw {
            self.raw = true;
            self.raw_use = how.to_string();
        }
    }
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
        self.walk_in(expr, Some("a copy into another variable"));
    }

    /// Walk an expression whose value is used as `how` (`None`: only
    /// compared with a constant, which does not need the raw value).
    fn walk_in(&mut self, expr: &Expr, how: Option<&str>) {
        match &expr.kind {
            ExprKind::Var(v) => {
                let used = &mut self.vars[v.index()];
                used.whole = true;
                if let Some(how) = how {
                    used.raw(how);
                }
            }
            ExprKind::In { member, set, .. } => match &set.kind {
                ExprKind::Var(v) => self.vars[v.index()].members |= 1 << member,
                _ => self.walk_in(set, how),
            },
            ExprKind::Count(e) => match &e.kind {
                ExprKind::Var(v) => self.vars[v.index()].count = true,
                _ => self.walk_in(e, Some("arithmetic")),
            },
            ExprKind::Interpolate(text) => {
                for part in &text.parts {
                    if let TextPart::Var(v) = part {
                        self.vars[v.index()].whole = true;
                    }
                }
            }
            ExprKind::Hook { name, args } => {
                let how = format!("hook {name}");
                args.iter().for_each(|a| self.walk_in(a, Some(&how)));
            }
            ExprKind::Not(e) => self.walk_in(e, None),
            ExprKind::Neg(e) => self.walk_in(e, Some("arithmetic")),
            ExprKind::Binary(op, l, r) => {
                let constant_compare = comparison(*op).is_some()
                    && (constant_value(l).is_some() || constant_value(r).is_some());
                self.compare(*op, l, r);
                let how = match op {
                    BinOp::And | BinOp::Or | BinOp::Implies => None,
                    _ if constant_compare => None,
                    _ if comparison(*op).is_some() => Some("a comparison with another value"),
                    _ => Some("arithmetic"),
                };
                self.walk_in(l, how);
                self.walk_in(r, how);
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
        let every: Vec<usize> = (0..FULL_SUBSET_LIMIT).collect();
        assert_eq!(subsets(&every).len(), 1 << FULL_SUBSET_LIMIT);
        let many: Vec<usize> = (0..FULL_SUBSET_LIMIT + 2).collect();
        let masks = subsets(&many);
        assert_eq!(masks.len(), 2 * many.len() + 2);
        assert_eq!(masks.first(), Some(&0));
        assert_eq!(masks.last(), Some(&((1 << many.len()) - 1)));
    }
}
