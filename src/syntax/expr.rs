//! Expressions: a Pratt parser over the flat list pest gives, with limits
//! on size and nesting.

use super::{children, Lower, Rule, MAX_OPERATORS};
use crate::ast::{BinOp, Expr, ExprKind, Ident, Spanned, UnaryOp};
use crate::diag::problem::Syntax;
use crate::source::Span;
use pest::iterators::Pair;

/// The digits of the smallest int, `-9223372036854775808`, without its minus.
const SMALLEST_INT_DIGITS: &str = "9223372036854775808";

impl Lower {
    /// A whole expression: refuse one too large to handle safely, then
    /// arrange its operators by precedence.
    pub(super) fn expr(&self, pair: &Pair<'_, Rule>) -> Option<Expr> {
        let size = expression_size(pair);
        if size > MAX_OPERATORS {
            self.push(Syntax::TooManyOperators { count: size }.at(self.span(pair)));
            return None;
        }
        self.expr_tree(pair)
    }

    /// Arrange a flat `prefix* primary (infix prefix* primary)*` sequence by
    /// precedence with a Pratt parser (binding powers, see [`Token`]). Its
    /// recursion is bounded by [`MAX_OPERATORS`]; other recursion happens
    /// only through parentheses and call arguments, which [`MAX_NESTING`]
    /// bounds.
    fn expr_tree(&self, pair: &Pair<'_, Rule>) -> Option<Expr> {
        let mut tokens = Vec::new();
        for part in pair.clone().into_inner() {
            let token = match part.as_rule() {
                Rule::prefix_op => {
                    self.refuse_glued(&part);
                    let op = if part.as_str() == "-" {
                        UnaryOp::Neg
                    } else {
                        UnaryOp::Not
                    };
                    Token::Prefix(op, part.as_span().start())
                }
                Rule::infix_op => match binop(part.as_str()) {
                    Some(op) => Token::Infix(op),
                    None => return self.bad(&part, "operator"),
                },
                // The smallest int is written as a minus and a number one
                // past the largest: read the two as one literal.
                Rule::int if part.as_str() == SMALLEST_INT_DIGITS => match tokens.pop() {
                    Some(Token::Prefix(UnaryOp::Neg, start)) => Token::Operand(Spanned {
                        node: ExprKind::Int(i64::MIN),
                        span: Span::new(self.file, start, start).to(self.span(&part)),
                    }),
                    other => {
                        tokens.extend(other);
                        Token::Operand(self.primary(&part)?)
                    }
                },
                _ => Token::Operand(self.primary(&part)?),
            };
            tokens.push(token);
        }
        let mut tokens = tokens.into_iter().peekable();
        let expr = self.pratt(&mut tokens, 0, pair)?;
        match tokens.next() {
            None => Some(expr),
            Some(_) => self.bad(pair, "expression"),
        }
    }

    /// Parse operands joined by infix operators that bind at least as
    /// tightly as `min_power`.
    fn pratt(
        &self,
        tokens: &mut std::iter::Peekable<std::vec::IntoIter<Token>>,
        min_power: u8,
        at: &Pair<'_, Rule>,
    ) -> Option<Expr> {
        let mut lhs = match tokens.next() {
            Some(Token::Operand(e)) => e,
            Some(Token::Prefix(op, start)) => {
                let operand = self.pratt(tokens, prefix_power(op), at)?;
                Spanned {
                    span: Span::new(self.file, start, start).to(operand.span),
                    node: ExprKind::Unary {
                        op,
                        expr: Box::new(operand),
                    },
                }
            }
            Some(Token::Infix(_)) | None => return self.bad(at, "expression"),
        };
        while let Some(&Token::Infix(op)) = tokens.peek() {
            let (left, right) = infix_power(op);
            if left < min_power {
                break;
            }
            tokens.next();
            let rhs = self.pratt(tokens, right, at)?;
            lhs = Spanned {
                span: lhs.span.to(rhs.span),
                node: ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
            };
        }
        Some(lhs)
    }

    fn primary(&self, pair: &Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(pair);
        let mut parts = children(pair);
        let node = match pair.as_rule() {
            Rule::paren => {
                let inner = self.expr_tree(&self.take(&mut parts, pair)?)?;
                return Some(Spanned {
                    node: inner.node,
                    span,
                });
            }
            Rule::int => ExprKind::Int(self.number(pair)?),
            Rule::string => ExprKind::Str(self.string(pair)?),
            Rule::set_lit => ExprKind::SetLit(parts.map(|m| self.ident(&m)).collect()),
            Rule::hook_call => {
                let name = self.ident(&self.take(&mut parts, pair)?);
                let args = self.args(&self.take(&mut parts, pair)?)?;
                ExprKind::Hook { name, args }
            }
            Rule::name => {
                let path = self.take(&mut parts, pair)?;
                match (path.as_str(), parts.next()) {
                    ("true" | "false", None) => {
                        self.refuse_glued(&path);
                        ExprKind::Bool(path.as_str() == "true")
                    }
                    ("visited", Some(args)) => {
                        self.refuse_glued(&path);
                        ExprKind::Visited(self.visited_node(&args)?)
                    }
                    (_, Some(args)) => ExprKind::Call {
                        name: self.ident(&path),
                        args: self.args(&args)?,
                    },
                    (_, None) => ExprKind::Name(self.ident(&path)),
                }
            }
            _ => return self.bad(pair, "expression"),
        };
        Some(Spanned { node, span })
    }

    /// The one node id inside `visited(...)`.
    fn visited_node(&self, args: &Pair<'_, Rule>) -> Option<Ident> {
        let mut list = self.args(args)?.into_iter();
        match (list.next(), list.next()) {
            (
                Some(Spanned {
                    node: ExprKind::Name(id),
                    ..
                }),
                None,
            ) => Some(id),
            _ => {
                self.push(Syntax::VisitedArgument.at(self.span(args)));
                None
            }
        }
    }

    pub(super) fn args(&self, pair: &Pair<'_, Rule>) -> Option<Vec<Expr>> {
        children(pair).map(|a| self.expr_tree(&a)).collect()
    }
}

/// One piece of an expression's flat operator sequence.
pub(super) enum Token {
    /// A prefix operator and where it starts.
    Prefix(UnaryOp, usize),
    Infix(BinOp),
    Operand(Expr),
}

/// Left and right binding powers of an infix operator: left-associative
/// operators bind a little tighter on the right, `implies` on the left.
fn infix_power(op: BinOp) -> (u8, u8) {
    let (level, right_assoc) = precedence(op);
    if right_assoc {
        (level * 2 + 1, level * 2)
    } else {
        (level * 2, level * 2 + 1)
    }
}

/// The binding power of a prefix operator's operand: `not` takes a whole
/// comparison (`not a == b` is `not (a == b)`), unary minus one factor.
fn prefix_power(op: UnaryOp) -> u8 {
    match op {
        UnaryOp::Not => 4 * 2,
        UnaryOp::Neg => 8 * 2,
    }
}

/// Binding strength (higher binds tighter) and right-associativity:
/// implies < or < and < not < comparisons and `in` < + - < * / % < unary
/// minus. `not` (4) and unary minus (8) sit between these levels.
pub(super) fn precedence(op: BinOp) -> (u8, bool) {
    match op {
        BinOp::Implies => (1, true),
        BinOp::Or => (2, false),
        BinOp::And => (3, false),
        BinOp::Eq
        | BinOp::Ne
        | BinOp::Lt
        | BinOp::Le
        | BinOp::Gt
        | BinOp::Ge
        | BinOp::In
        | BinOp::NotIn => (5, false),
        BinOp::Add | BinOp::Sub => (6, false),
        BinOp::Mul | BinOp::Div | BinOp::Rem => (7, false),
    }
}

/// The operator spelled `text` (`not in` with any spaces between).
fn binop(text: &str) -> Option<BinOp> {
    Some(match text {
        "implies" => BinOp::Implies,
        "or" => BinOp::Or,
        "and" => BinOp::And,
        "==" => BinOp::Eq,
        "!=" => BinOp::Ne,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        "in" => BinOp::In,
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "%" => BinOp::Rem,
        t if t.starts_with("not") && t.ends_with("in") => BinOp::NotIn,
        _ => return None,
    })
}

/// Operators and calls anywhere inside an expression, parentheses
/// included: a bound on the depth of its tree.
fn expression_size(pair: &Pair<'_, Rule>) -> usize {
    pair.clone()
        .into_inner()
        .flatten()
        .filter(|p| {
            matches!(
                p.as_rule(),
                Rule::prefix_op | Rule::infix_op | Rule::hook_call | Rule::args
            )
        })
        .count()
}
