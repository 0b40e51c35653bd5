//! Expressions, literals and strings: operators spaced, parentheses where
//! precedence needs them or the author wrote them, triple-quoted texts
//! re-indented under their field.

use super::comments::string_end;
use super::items::idents;
use super::{Printer, INDENT};
use crate::ast::{BinOp, Expr, ExprKind, Ident, Literal, Spanned, Str, UnaryOp};
use crate::source::Span;

impl<'s> Printer<'s> {
    pub(super) fn literal(&self, lit: &Spanned<Literal>) -> String {
        match &lit.node {
            Literal::Int(n) => n.to_string(),
            Literal::Text(_) => self.slice(lit.span).to_string(),
        }
    }

    /// A string literal as written; a triple-quoted one whose text starts
    /// on the line after the quotes is re-indented one level deeper than
    /// `indent`, with the closing quotes on a line of their own.
    pub(super) fn string(&self, s: &Str, indent: usize) -> String {
        let raw = self.slice(s.span);
        if let Some(body) = raw
            .strip_prefix("\"\"\"")
            .and_then(|r| r.strip_suffix("\"\"\""))
        {
            if let Some(text) = reindent(body, indent) {
                return text;
            }
        }
        raw.to_string()
    }

    pub(super) fn expr(&self, e: &Expr, indent: usize) -> String {
        let mut out = String::new();
        self.write_expr(&mut out, e, indent);
        out
    }

    pub(super) fn write_expr(&self, out: &mut String, e: &Expr, indent: usize) {
        match &e.node {
            ExprKind::Int(n) => out.push_str(&n.to_string()),
            ExprKind::Str(s) => out.push_str(&self.string(s, indent)),
            ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            ExprKind::Name(id) => out.push_str(&id.name),
            ExprKind::Visited(id) => {
                out.push_str("visited(");
                out.push_str(&id.name);
                out.push(')');
            }
            ExprKind::Hook { name, args } => {
                out.push_str("hook ");
                self.call(out, name, args, indent);
            }
            ExprKind::Call { name, args } => self.call(out, name, args, indent),
            ExprKind::SetLit(members) => {
                out.push('{');
                out.push_str(&idents(members));
                out.push('}');
            }
            ExprKind::Unary { op, expr } => {
                out.push_str(match op {
                    UnaryOp::Not => "not ",
                    UnaryOp::Neg => "-",
                });
                let parens = match (op, &expr.node) {
                    (UnaryOp::Not, ExprKind::Binary { op, .. }) => level(*op) < 4,
                    (UnaryOp::Neg, ExprKind::Binary { .. }) => true,
                    _ => false,
                };
                self.operand(out, expr, parens, indent);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (lp, rp) = child_parens(*op, lhs, rhs);
                self.operand(out, lhs, lp, indent);
                out.push(' ');
                out.push_str(op.symbol());
                out.push(' ');
                self.operand(out, rhs, rp, indent);
            }
        }
    }

    /// An operand, in parentheses when precedence needs them or the author
    /// wrote them.
    pub(super) fn operand(&self, out: &mut String, e: &Expr, needed: bool, indent: usize) {
        if needed || wrapped(self.src, e.span) {
            out.push('(');
            self.write_expr(out, e, indent);
            out.push(')');
        } else {
            self.write_expr(out, e, indent);
        }
    }

    pub(super) fn call(&self, out: &mut String, name: &Ident, args: &[Expr], indent: usize) {
        out.push_str(&name.name);
        out.push('(');
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.write_expr(out, a, indent);
        }
        out.push(')');
    }
}

/// Binding level of an infix operator (higher binds tighter), as in the
/// parser: implies 1, or 2, and 3, comparisons and `in` 5, `+ -` 6,
/// `* / %` 7. `not` sits at 4.
fn level(op: BinOp) -> u8 {
    match op {
        BinOp::Implies => 1,
        BinOp::Or => 2,
        BinOp::And => 3,
        BinOp::Eq
        | BinOp::Ne
        | BinOp::Lt
        | BinOp::Le
        | BinOp::Gt
        | BinOp::Ge
        | BinOp::In
        | BinOp::NotIn => 5,
        BinOp::Add | BinOp::Sub => 6,
        BinOp::Mul | BinOp::Div | BinOp::Rem => 7,
    }
}

/// Whether the left and right operands of `op` need parentheses to parse
/// back the same way. `implies` groups to the right, the rest to the left;
/// a `not` under a comparison or arithmetic always gets them, since `not`
/// would take the whole comparison.
fn child_parens(op: BinOp, lhs: &Expr, rhs: &Expr) -> (bool, bool) {
    let parent = level(op);
    let right_assoc = op == BinOp::Implies;
    let needs = |child: &Expr, left: bool| match &child.node {
        ExprKind::Binary { op, .. } => {
            let c = level(*op);
            c < parent || (c == parent && (left == right_assoc))
        }
        ExprKind::Unary {
            op: UnaryOp::Not, ..
        } => parent >= 4,
        _ => false,
    };
    (needs(lhs, true), needs(rhs, false))
}

/// Whether the source at `span` is one pair of parentheses around the rest.
fn wrapped(src: &str, span: Span) -> bool {
    let (start, end) = (span.start as usize, span.end as usize);
    let bytes = src.as_bytes();
    if end <= start + 1 || bytes.get(start) != Some(&b'(') || bytes.get(end - 1) != Some(&b')') {
        return false;
    }
    let mut depth = 0usize;
    let mut i = start;
    while i < end {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i == end - 1;
                }
            }
            b'"' => {
                i = string_end(src, i);
                continue;
            }
            b'#' => {
                i = src[i..].find('\n').map_or(src.len(), |n| i + n);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// The body of a triple-quoted string re-indented one level under
/// `indent`, quotes included; `None` when it is not in the usual shape
/// (text starting on the line after the quotes, indented with spaces and
/// tabs), in which case it is kept exactly as written.
fn reindent(body: &str, indent: usize) -> Option<String> {
    let rest = body
        .strip_prefix('\n')
        .or_else(|| body.strip_prefix("\r\n"))?;
    let lines: Vec<&str> = rest.lines().collect();
    let mut common = usize::MAX;
    for l in &lines {
        if l.trim().is_empty() {
            continue;
        }
        let ws = l.len() - l.trim_start_matches([' ', '\t']).len();
        if l[ws..].starts_with(char::is_whitespace) {
            return None;
        }
        common = common.min(ws);
    }
    let inner = INDENT.repeat(indent + 1);
    let mut out = String::from("\"\"\"\n");
    let mut pending_blank = 0;
    for l in &lines {
        if l.trim().is_empty() {
            pending_blank += 1;
            continue;
        }
        for _ in 0..pending_blank {
            out.push('\n');
        }
        pending_blank = 0;
        out.push_str(&inner);
        out.push_str(l[common..].trim_end());
        out.push('\n');
    }
    out.push_str(&INDENT.repeat(indent));
    out.push_str("\"\"\"");
    Some(out)
}
