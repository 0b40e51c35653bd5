//! Evaluating typed expressions and effects against a state.

use crate::model::BinOp;
use crate::model::{Effect, Expr, ExprKind, Model, NodeId, Text, Type, Value, VarId};
use crate::source::Span;
use std::sync::Arc;

/// Longest text (in bytes) that joining texts with `+` may build, so that a
/// loop that doubles a text fails with an error instead of eating memory.
pub const MAX_TEXT_LEN: usize = 64 * 1024;

/// What an expression can see. Sessions, the explorer and the checker's
/// constant folding each provide one.
pub trait Env {
    fn var(&self, id: VarId) -> &Value;
    fn set_var(&mut self, id: VarId, value: Value);
    fn visited(&self, node: NodeId) -> bool;
    /// The final outcome kind; `None` before the run has ended.
    fn outcome(&self) -> Option<u32>;
    /// The outcome node the run ended at; `None` before it has ended.
    fn end_node(&self) -> Option<NodeId> {
        None
    }
    /// Call a hook. The default refuses: hooks need a loaded script.
    ///
    /// # Errors
    /// Whatever the hook runtime reports.
    fn call_hook(
        &mut self,
        model: &Model,
        name: &str,
        args: &[Value],
        arg_types: &[Type],
        ret: Type,
        span: Span,
    ) -> Result<Value, EvalError> {
        let _ = (model, args, arg_types, ret);
        let hook = name.to_string();
        Err(EvalError::new(EvalErrorKind::NoScriptHere { hook }, span))
    }
}

/// A failure while evaluating (division by zero, overflow, a hook error),
/// and where in the tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct EvalError {
    /// What went wrong.
    pub kind: EvalErrorKind,
    /// The expression that failed.
    pub span: Span,
}

impl EvalError {
    /// An error of `kind` at `span`.
    #[must_use]
    pub fn new(kind: EvalErrorKind, span: Span) -> Self {
        Self { kind, span }
    }

    /// What went wrong, in words.
    #[must_use]
    pub fn message(&self) -> String {
        self.kind.to_string()
    }
}

/// What went wrong while evaluating. The checker rules most of these out;
/// the rest depend on values (overflow, division by zero) or on a hook.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalErrorKind {
    /// `count(x)` where `x` turned out not to be a set.
    #[error("count() needs a set")]
    CountNeedsSet,
    /// `-x` that does not fit (`-(-9223372036854775808)`).
    #[error("number too large")]
    NegationOverflow,
    /// `-x` where `x` is not a number.
    #[error("`-` needs a number")]
    NegationNeedsNumber,
    /// `m in x` where `x` is not a set.
    #[error("`in` needs a set")]
    InNeedsSet,
    /// `a + b`, `a - b`, `a * b` past the range of an int.
    #[error("arithmetic overflow")]
    Overflow,
    /// Joining texts past [`MAX_TEXT_LEN`] bytes.
    #[error("the joined text would be longer than {MAX_TEXT_LEN} bytes")]
    TextTooLong,
    /// `a / 0` or `a % 0`.
    #[error("division by zero")]
    DivisionByZero,
    /// An operator given values it does not take.
    #[error("`{op}` cannot combine these values")]
    CannotCombine { op: &'static str },
    /// A hook called where no script can run (the checker's constant
    /// folding, for one).
    #[error("hook `{hook}` cannot run here: no script is loaded")]
    NoScriptHere { hook: String },
    /// A hook called in a session whose tree has no loaded script.
    #[error("hook `{hook}` cannot run: the tree's script is not loaded")]
    ScriptNotLoaded { hook: String },
    /// The hook itself failed.
    #[error("in node `{node}`: {error}")]
    Hook {
        node: String,
        error: Box<crate::script::HookError>,
    },
}

fn err(kind: EvalErrorKind, span: Span) -> EvalError {
    EvalError::new(kind, span)
}

/// Evaluate an expression. The checker guarantees types line up, so a type
/// surprise here is reported as an error rather than trusted.
///
/// # Errors
/// Arithmetic failures and hook failures.
pub fn eval(model: &Model, expr: &Expr, env: &mut dyn Env) -> Result<Value, EvalError> {
    let span = expr.span;
    Ok(match &expr.kind {
        ExprKind::Lit(v) => v.clone(),
        ExprKind::Var(v) => env.var(*v).clone(),
        ExprKind::Visited(n) => Value::Bool(env.visited(*n)),
        ExprKind::Outcome => Value::Enum(env.outcome()),
        ExprKind::Tagged(tag) => Value::Bool(
            env.end_node()
                .is_some_and(|n| model.node(n).tags.iter().any(|t| t == tag)),
        ),
        ExprKind::Interpolate(text) => Value::Text(Arc::from(render(model, text, env))),
        ExprKind::Hook { name, args } => {
            let mut values = Vec::with_capacity(args.len());
            let mut types = Vec::with_capacity(args.len());
            for a in args {
                values.push(eval(model, a, env)?);
                types.push(a.ty);
            }
            env.call_hook(model, name, &values, &types, expr.ty, span)?
        }
        ExprKind::Count(e) => match eval(model, e, env)? {
            Value::Set(bits) => Value::Int(i64::from(bits.count_ones())),
            _ => return Err(err(EvalErrorKind::CountNeedsSet, span)),
        },
        ExprKind::Not(e) => Value::Bool(!eval(model, e, env)?.as_bool()),
        ExprKind::Neg(e) => match eval(model, e, env)? {
            Value::Int(n) => Value::Int(
                n.checked_neg()
                    .ok_or_else(|| err(EvalErrorKind::NegationOverflow, span))?,
            ),
            _ => return Err(err(EvalErrorKind::NegationNeedsNumber, span)),
        },
        ExprKind::In {
            member,
            set,
            negate,
        } => match eval(model, set, env)? {
            Value::Set(bits) => Value::Bool((bits & (1 << member) != 0) != *negate),
            _ => return Err(err(EvalErrorKind::InNeedsSet, span)),
        },
        ExprKind::Binary(op, lhs, rhs) => binary(model, *op, lhs, rhs, env, span)?,
    })
}

/// Evaluate a condition to a bool.
///
/// # Errors
/// As [`eval`].
pub fn eval_bool(model: &Model, expr: &Expr, env: &mut dyn Env) -> Result<bool, EvalError> {
    eval(model, expr, env).map(|v| v.as_bool())
}

fn binary(
    model: &Model,
    op: BinOp,
    lhs: &Expr,
    rhs: &Expr,
    env: &mut dyn Env,
    span: Span,
) -> Result<Value, EvalError> {
    // Logic short-circuits, so a hook on the right runs only when needed.
    match op {
        BinOp::And => {
            return Ok(Value::Bool(
                eval_bool(model, lhs, env)? && eval_bool(model, rhs, env)?,
            ))
        }
        BinOp::Or => {
            return Ok(Value::Bool(
                eval_bool(model, lhs, env)? || eval_bool(model, rhs, env)?,
            ))
        }
        BinOp::Implies => {
            return Ok(Value::Bool(
                !eval_bool(model, lhs, env)? || eval_bool(model, rhs, env)?,
            ))
        }
        _ => {}
    }
    let l = eval(model, lhs, env)?;
    let r = eval(model, rhs, env)?;
    let overflow = || err(EvalErrorKind::Overflow, span);
    Ok(match (op, &l, &r) {
        (BinOp::Eq, _, _) => Value::Bool(l == r),
        (BinOp::Ne, _, _) => Value::Bool(l != r),
        (BinOp::Lt, Value::Int(a), Value::Int(b)) => Value::Bool(a < b),
        (BinOp::Le, Value::Int(a), Value::Int(b)) => Value::Bool(a <= b),
        (BinOp::Gt, Value::Int(a), Value::Int(b)) => Value::Bool(a > b),
        (BinOp::Ge, Value::Int(a), Value::Int(b)) => Value::Bool(a >= b),
        (BinOp::Add, Value::Int(a), Value::Int(b)) => {
            Value::Int(a.checked_add(*b).ok_or_else(overflow)?)
        }
        (BinOp::Add, Value::Text(a), Value::Text(b)) => {
            if a.len() + b.len() > MAX_TEXT_LEN {
                return Err(err(EvalErrorKind::TextTooLong, span));
            }
            Value::Text(Arc::from(format!("{a}{b}")))
        }
        (BinOp::Sub, Value::Int(a), Value::Int(b)) => {
            Value::Int(a.checked_sub(*b).ok_or_else(overflow)?)
        }
        (BinOp::Mul, Value::Int(a), Value::Int(b)) => {
            Value::Int(a.checked_mul(*b).ok_or_else(overflow)?)
        }
        (BinOp::Div | BinOp::Rem, Value::Int(_), Value::Int(0)) => {
            return Err(err(EvalErrorKind::DivisionByZero, span))
        }
        (BinOp::Div, Value::Int(a), Value::Int(b)) => {
            Value::Int(a.checked_div(*b).ok_or_else(overflow)?)
        }
        (BinOp::Rem, Value::Int(a), Value::Int(b)) => {
            Value::Int(a.checked_rem(*b).ok_or_else(overflow)?)
        }
        _ => {
            let op = op.symbol();
            return Err(err(EvalErrorKind::CannotCombine { op }, span));
        }
    })
}

/// Fill a text's interpolations from the environment.
pub fn render(model: &Model, text: &Text, env: &dyn Env) -> String {
    let mut out = String::new();
    for part in &text.parts {
        match part {
            crate::model::TextPart::Lit(s) => out.push_str(s),
            crate::model::TextPart::Var(v) => {
                out.push_str(&model.display(model.var(*v).ty, env.var(*v)))
            }
        }
    }
    out
}

/// Apply effects in order; each sees the ones before it.
///
/// # Errors
/// As [`eval`].
pub fn apply(model: &Model, effects: &[Effect], env: &mut dyn Env) -> Result<(), EvalError> {
    for effect in effects {
        match effect {
            Effect::Set(var, expr) => {
                let value = eval(model, expr, env)?;
                env.set_var(*var, value);
            }
            Effect::Add(var, member) | Effect::Remove(var, member) => {
                let Value::Set(bits) = *env.var(*var) else {
                    continue;
                };
                let bits = if matches!(effect, Effect::Add(..)) {
                    bits | (1 << member)
                } else {
                    bits & !(1 << member)
                };
                env.set_var(*var, Value::Set(bits));
            }
        }
    }
    Ok(())
}
