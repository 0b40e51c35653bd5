//! When two versions of a tree explore to the same states, so that `diff`
//! explores them once.

use crate::model::{
    Arm, Assert, AssertRule, Choice, Effect, Expr, ExprKind, HookCall, Item, Model, Node, NodeKind,
    Text, TextPart, Var,
};

/// Does exploring two models give the same states, edge for edge? Yes when
/// they are the same tree but for the literal words of their nodes (texts,
/// help, labels, titles, advice) and where things are written (spans):
/// exploration reads neither, only which variables words show. Their hooks
/// must be the same script, failing with the same messages.
pub(super) fn same_states(a: &Model, b: &Model) -> bool {
    if std::ptr::eq(a, b) {
        return true;
    }
    // Listed in full, so that a new field of the model gets a decision here.
    let Model {
        id: _,
        title: _,
        version: _,
        start,
        vars,
        domains,
        nodes,
        asserts,
        citations: _,
        quick_exit: _,
        script: _,
        hook_calls,
        hooks: _,
        hash: _,
        sources: _,
    } = a;
    same_script(a, b)
        && *start == b.start
        && *domains == b.domains
        && all(vars, &b.vars, same_var)
        && all(nodes, &b.nodes, same_node)
        && all(asserts, &b.asserts, same_assert)
        && all(hook_calls, &b.hook_calls, same_hook_call)
}

fn all<T>(a: &[T], b: &[T], same: impl Fn(&T, &T) -> bool) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
}

fn both<T>(a: Option<&T>, b: Option<&T>, same: impl Fn(&T, &T) -> bool) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => same(x, y),
        _ => false,
    }
}

/// The same hooks: one loaded script, or two loads of the same text from
/// the same file (a failure names the file) by the same kind of runtime.
fn same_script(a: &Model, b: &Model) -> bool {
    match (&a.hooks, &b.hooks) {
        (None, None) => true,
        (Some(x), Some(y)) if std::sync::Arc::ptr_eq(x, y) => true,
        (Some(x), Some(y)) => {
            let (Some(sa), Some(sb)) = (&a.script, &b.script) else {
                return false;
            };
            sa.path == sb.path
                && script_text(a, &sa.path).is_some_and(|t| script_text(b, &sb.path) == Some(t))
                && format!("{x:?}") == format!("{y:?}")
        }
        _ => false,
    }
}

/// The text of the script loaded from `path`.
fn script_text<'m>(model: &'m Model, path: &std::path::Path) -> Option<&'m str> {
    model
        .sources
        .iter()
        .find(|(_, f)| f.path == path)
        .map(|(_, f)| f.text.as_str())
}

/// Words as exploration sees them: which variables they show, where.
fn same_words(a: &Text, b: &Text) -> bool {
    all(&a.parts, &b.parts, |x, y| match (x, y) {
        (TextPart::Lit(_), TextPart::Lit(_)) => true,
        (TextPart::Var(x), TextPart::Var(y)) => x == y,
        _ => false,
    })
}

fn same_var(a: &Var, b: &Var) -> bool {
    let Var {
        name,
        ty,
        default,
        span: _,
    } = a;
    *name == b.name && *ty == b.ty && *default == b.default
}

fn same_node(a: &Node, b: &Node) -> bool {
    let Node {
        id,
        kind,
        text,
        help,
        sources,
        tags,
        span: _,
        id_span: _,
    } = a;
    *id == b.id
        && both(text.as_ref(), b.text.as_ref(), same_words)
        && both(help.as_ref(), b.help.as_ref(), same_words)
        && *sources == b.sources
        && *tags == b.tags
        && same_kind(kind, &b.kind)
}

fn same_kind(a: &NodeKind, b: &NodeKind) -> bool {
    match (a, b) {
        (NodeKind::Question { options: x }, NodeKind::Question { options: y }) => {
            all(x, y, same_choice)
        }
        (
            NodeKind::Checklist { var, items, next },
            NodeKind::Checklist {
                var: var_b,
                items: items_b,
                next: next_b,
            },
        ) => var == var_b && next == next_b && all(items, items_b, same_item),
        (
            NodeKind::Input {
                var,
                input,
                examples,
                next,
            },
            NodeKind::Input {
                var: var_b,
                input: input_b,
                examples: examples_b,
                next: next_b,
            },
        ) => var == var_b && input == input_b && examples == examples_b && next == next_b,
        (
            NodeKind::Branch { arms, otherwise },
            NodeKind::Branch {
                arms: arms_b,
                otherwise: otherwise_b,
            },
        ) => {
            otherwise == otherwise_b
                && all(arms, arms_b, |x, y| {
                    let Arm {
                        cond,
                        next,
                        span: _,
                    } = x;
                    *next == y.next && same_expr(cond, &y.cond)
                })
        }
        (
            NodeKind::Score { effects, next },
            NodeKind::Score {
                effects: effects_b,
                next: next_b,
            },
        ) => next == next_b && all(effects, effects_b, same_effect),
        (
            NodeKind::Info {
                effects,
                advice,
                next,
            },
            NodeKind::Info {
                effects: effects_b,
                advice: advice_b,
                next: next_b,
            },
        ) => {
            next == next_b
                && all(effects, effects_b, same_effect)
                && all(advice, advice_b, same_words)
        }
        (
            NodeKind::Outcome {
                kind,
                title,
                advice,
            },
            NodeKind::Outcome {
                kind: kind_b,
                title: title_b,
                advice: advice_b,
            },
        ) => kind == kind_b && same_words(title, title_b) && all(advice, advice_b, same_words),
        _ => false,
    }
}

fn same_choice(a: &Choice, b: &Choice) -> bool {
    let Choice {
        id,
        label,
        cond,
        effects,
        next,
        span: _,
    } = a;
    *id == b.id
        && *next == b.next
        && same_words(label, &b.label)
        && both(cond.as_ref(), b.cond.as_ref(), same_expr)
        && all(effects, &b.effects, same_effect)
}

fn same_item(a: &Item, b: &Item) -> bool {
    let Item {
        id,
        label,
        member,
        cond,
        span: _,
    } = a;
    *id == b.id
        && *member == b.member
        && same_words(label, &b.label)
        && both(cond.as_ref(), b.cond.as_ref(), same_expr)
}

fn same_effect(a: &Effect, b: &Effect) -> bool {
    match (a, b) {
        (Effect::Set(v, e), Effect::Set(w, f)) => v == w && same_expr(e, f),
        (Effect::Add(v, m), Effect::Add(w, n)) | (Effect::Remove(v, m), Effect::Remove(w, n)) => {
            v == w && m == n
        }
        _ => false,
    }
}

fn same_assert(a: &Assert, b: &Assert) -> bool {
    let Assert {
        rule,
        message,
        span: _,
    } = a;
    *message == b.message
        && match (rule, &b.rule) {
            (AssertRule::Always(x), AssertRule::Always(y))
            | (AssertRule::Never(x), AssertRule::Never(y)) => same_expr(x, y),
            (AssertRule::Reachable(x), AssertRule::Reachable(y)) => x == y,
            _ => false,
        }
}

fn same_hook_call(a: &HookCall, b: &HookCall) -> bool {
    let HookCall {
        name,
        arity,
        ret,
        span: _,
        name_span: _,
    } = a;
    *name == b.name && *arity == b.arity && *ret == b.ret
}

/// The same expression, wherever it is written. Texts inside expressions
/// are values, so their words count.
fn same_expr(a: &Expr, b: &Expr) -> bool {
    let Expr { kind, ty, span: _ } = a;
    *ty == b.ty
        && match (kind, &b.kind) {
            (ExprKind::Lit(x), ExprKind::Lit(y)) => x == y,
            (ExprKind::Var(x), ExprKind::Var(y)) => x == y,
            (ExprKind::Visited(x), ExprKind::Visited(y)) => x == y,
            (ExprKind::Outcome, ExprKind::Outcome) => true,
            (ExprKind::Tagged(x), ExprKind::Tagged(y)) => x == y,
            (ExprKind::Interpolate(x), ExprKind::Interpolate(y)) => x == y,
            (
                ExprKind::Hook { name, args },
                ExprKind::Hook {
                    name: name_b,
                    args: args_b,
                },
            ) => name == name_b && all(args, args_b, same_expr),
            (ExprKind::Count(x), ExprKind::Count(y))
            | (ExprKind::Not(x), ExprKind::Not(y))
            | (ExprKind::Neg(x), ExprKind::Neg(y)) => same_expr(x, y),
            (ExprKind::Binary(op, l, r), ExprKind::Binary(op_b, l_b, r_b)) => {
                op == op_b && same_expr(l, l_b) && same_expr(r, r_b)
            }
            (
                ExprKind::In {
                    member,
                    set,
                    negate,
                },
                ExprKind::In {
                    member: member_b,
                    set: set_b,
                    negate: negate_b,
                },
            ) => member == member_b && negate == negate_b && same_expr(set, set_b),
            _ => false,
        }
}
