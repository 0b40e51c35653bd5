//! Stage 4, typing: every expression to a typed model `Expr`, its type
//! checked against what its context expects.

use super::{qualify, Checker, Scope};
use crate::ast::{self, BinOp, ExprKind as AstExpr, Ident, UnaryOp};
use crate::diag::Diagnostic;
use crate::model::{DomainId, Expr, ExprKind, HookCall, NodeKind, Type, Value, OUTCOME_KINDS};
use crate::source::Span;
use std::collections::BTreeSet;
use std::sync::Arc;

impl Checker {
    pub(super) fn type_name(&self, ty: Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::Int => "int".into(),
            Type::Text => "text".into(),
            Type::Enum(d) if d == OUTCOME_KINDS => "an outcome kind".into(),
            Type::Enum(d) => format!("one_of({})", self.members_short(d)),
            Type::Set(d) => format!("set({})", self.members_short(d)),
        }
    }

    pub(super) fn type_name_of_domain(&self, d: DomainId) -> String {
        if d == OUTCOME_KINDS {
            "the outcome kinds".into()
        } else {
            format!("({})", self.members_short(d))
        }
    }

    pub(super) fn members_short(&self, d: DomainId) -> String {
        let members = &self.domains[d.0 as usize];
        if members.len() > 4 {
            format!("{}, …", members[..3].join(", "))
        } else {
            members.join(", ")
        }
    }

    /// A bare name that is not a variable (nor `outcome` in an assert): an
    /// enum or set member whose type comes from the other side.
    pub(super) fn symbol<'e>(&self, e: &'e ast::Expr, scope: Scope<'_>) -> Option<&'e Ident> {
        match &e.node {
            AstExpr::Name(id)
                if !(scope.in_assert && id.name == "outcome")
                    && (scope.constant
                        || !self
                            .var_index
                            .contains_key(qualify(scope.prefix, &id.name).as_ref())) =>
            {
                Some(id)
            }
            _ => None,
        }
    }

    // The functions below recurse once per level of an expression. They are
    // kept small, with diagnostics built in separate functions, so that even
    // the deepest expression the parser allows checks on a small stack.

    /// Type an expression, expecting `expected` when given.
    pub(super) fn expr(
        &mut self,
        e: &ast::Expr,
        scope: Scope<'_>,
        expected: Option<Type>,
    ) -> Option<Expr> {
        let got = self.infer(e, scope, expected)?;
        match expected {
            Some(want) if got.ty != want => self.mismatch(want, &got, e.span),
            _ => Some(got),
        }
    }

    #[inline(never)]
    pub(super) fn mismatch(&mut self, want: Type, got: &Expr, span: Span) -> Option<Expr> {
        let (w, g) = (self.type_name(want), self.type_name(got.ty));
        let help = match (want, &got.kind) {
            (Type::Bool, ExprKind::Lit(_)) => Some("a bool is `true` or `false`".to_string()),
            _ => conversion_help(want, got.ty),
        };
        self.push(
            Diagnostic::error("E005", format!("expected {w}, found {g}"), span)
                .label(format!("this is {g}"))
                .maybe_help(help),
        );
        None
    }

    pub(super) fn mk(kind: ExprKind, ty: Type, span: Span) -> Option<Expr> {
        Some(Expr { kind, ty, span })
    }

    /// Type an expression; `expected` only guides names and hooks, whose
    /// type comes from their context.
    pub(super) fn infer(
        &mut self,
        e: &ast::Expr,
        scope: Scope<'_>,
        expected: Option<Type>,
    ) -> Option<Expr> {
        let span = e.span;
        match &e.node {
            AstExpr::Int(n) => Self::mk(ExprKind::Lit(Value::Int(*n)), Type::Int, span),
            AstExpr::Bool(b) => Self::mk(ExprKind::Lit(Value::Bool(*b)), Type::Bool, span),
            AstExpr::Str(s) => self.string_expr(s, scope, span),
            AstExpr::Name(id) => self.name(id, scope, expected),
            AstExpr::Visited(n) => self.visited(n, scope, span),
            AstExpr::SetLit(members) => self.set_literal(members, expected, span),
            AstExpr::Hook { name, args } => self.hook(name, args, scope, expected, span),
            AstExpr::Call { name, args } => self.call(name, args, scope, span),
            AstExpr::Unary { op, expr } => self.unary(*op, expr, scope, span),
            AstExpr::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, scope, span),
        }
    }

    pub(super) fn string_expr(
        &mut self,
        s: &ast::Str,
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        if let Some(plain) = s.as_plain() {
            return Self::mk(
                ExprKind::Lit(Value::Text(Arc::from(plain))),
                Type::Text,
                span,
            );
        }
        if scope.constant {
            return self.not_constant(span, "an interpolation");
        }
        let text = self.text(s, scope);
        Self::mk(ExprKind::Interpolate(text), Type::Text, span)
    }

    /// `{a, b}`: its members are looked up in the set its context expects.
    pub(super) fn set_literal(
        &mut self,
        members: &[Ident],
        expected: Option<Type>,
        span: Span,
    ) -> Option<Expr> {
        let Some(Type::Set(d)) = expected else {
            return self.set_without_context(expected, span);
        };
        let mut bits = 0u64;
        let mut ok = true;
        for m in members {
            match self.member(d, m) {
                Some(i) => bits |= 1 << i,
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        Self::mk(ExprKind::Lit(Value::Set(bits)), Type::Set(d), span)
    }

    #[inline(never)]
    pub(super) fn set_without_context(
        &mut self,
        expected: Option<Type>,
        span: Span,
    ) -> Option<Expr> {
        let d = match expected {
            Some(want) => {
                let w = self.type_name(want);
                Diagnostic::error("E005", format!("expected {w}, found a set"), span)
                    .label("this is a set of members")
                    .help("`{a, b}` is a value for a set variable, declared like var ready: set(a, b)")
            }
            None => Diagnostic::error("E005", "cannot tell which set this is", span)
                .label("its type is not known here")
                .help("compare it with a set variable (`ready == {a, b}`) or give it to one (`set ready = {a, b}`)"),
        };
        self.push(d);
        None
    }

    pub(super) fn visited(&mut self, node: &Ident, scope: Scope<'_>, span: Span) -> Option<Expr> {
        if scope.constant {
            return self.not_constant(span, "visited(...)");
        }
        let node = self.target(scope.prefix, node)?;
        Self::mk(ExprKind::Visited(node), Type::Bool, span)
    }

    pub(super) fn unary(
        &mut self,
        op: UnaryOp,
        operand: &ast::Expr,
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let (ty, kind): (Type, fn(Box<Expr>) -> ExprKind) = match op {
            UnaryOp::Not => (Type::Bool, ExprKind::Not),
            UnaryOp::Neg => (Type::Int, ExprKind::Neg),
        };
        let inner = self.expr(operand, scope, Some(ty))?;
        Self::mk(kind(Box::new(inner)), ty, span)
    }

    /// A built-in function call: `count(set)`, or `tagged(tag)` in asserts.
    pub(super) fn call(
        &mut self,
        name: &Ident,
        args: &[ast::Expr],
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        if name.name == "tagged" {
            return self.tagged(args, scope, span);
        }
        if name.name != "count" {
            return self.unknown_function(name);
        }
        let [arg] = args else {
            return self.wrong_arity(args.len(), span);
        };
        let inner = self.infer(arg, scope, None)?;
        if !matches!(inner.ty, Type::Set(_)) {
            return self.not_a_set("count()", inner.ty, arg.span);
        }
        Self::mk(ExprKind::Count(Box::new(inner)), Type::Int, span)
    }

    /// `tagged(tag)`: inside an assert, whether the final outcome node
    /// carries `tag`. The tag must be on at least one outcome, so a typo
    /// cannot make a rule hold (or fail) on every path unnoticed.
    pub(super) fn tagged(
        &mut self,
        args: &[ast::Expr],
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let tag = match args {
            [ast::Expr {
                node: AstExpr::Name(tag),
                ..
            }] => tag,
            _ => return self.tagged_arity(span),
        };
        if !scope.in_assert {
            return self.tagged_outside_assert(span);
        }
        let outcome_tags: BTreeSet<&str> = self
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Outcome { .. }))
            .flat_map(|n| n.tags.iter().map(String::as_str))
            .collect();
        if !outcome_tags.contains(tag.name.as_str()) {
            let help = self.suggest(&tag.name, outcome_tags.iter().copied()).unwrap_or_else(|| {
                if outcome_tags.is_empty() {
                    "no outcome has any tags yet: add `tags NAME` to the outcomes the rule is about"
                        .to_string()
                } else {
                    let known: Vec<&str> = outcome_tags.iter().copied().collect();
                    format!("the outcomes' tags are: {}", known.join(", "))
                }
            });
            self.push(
                Diagnostic::error(
                    "E019",
                    format!("no outcome has the tag `{}`", tag.name),
                    tag.span,
                )
                .label("not a tag of any outcome")
                .help(help),
            );
            return None;
        }
        Self::mk(ExprKind::Tagged(tag.name.clone()), Type::Bool, span)
    }

    #[inline(never)]
    pub(super) fn tagged_arity(&mut self, span: Span) -> Option<Expr> {
        self.push(
            Diagnostic::error("E005", "`tagged` takes one tag name", span)
                .label("expected a tag")
                .help("write tagged(tag), for example tagged(moving_on)"),
        );
        None
    }

    #[inline(never)]
    pub(super) fn tagged_outside_assert(&mut self, span: Span) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E019",
                "`tagged(...)` only works inside an assert",
                span,
            )
            .label("there is no final outcome here yet")
            .help("tagged(tag) asks whether the outcome a path ended at has a tag; use it in `assert always(...)` or `assert never(...)`"),
        );
        None
    }

    #[inline(never)]
    pub(super) fn unknown_function(&mut self, name: &Ident) -> Option<Expr> {
        let help = self.suggest(&name.name, ["count", "visited", "tagged"]).unwrap_or_else(|| {
            format!(
                "the built-in functions are count(set), visited(node) and, in asserts, tagged(tag); to call a script function write `hook {}(...)`",
                name.name
            )
        });
        self.push(
            Diagnostic::error(
                "E004",
                format!("unknown function `{}`", name.name),
                name.span,
            )
            .label("not a built-in function")
            .help(help),
        );
        None
    }

    #[inline(never)]
    pub(super) fn wrong_arity(&mut self, found: usize, span: Span) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E005",
                format!("count() takes 1 argument, found {found}"),
                span,
            )
            .label("wrong number of arguments")
            .help("count(my_set) gives the number of members in a set"),
        );
        None
    }

    #[inline(never)]
    pub(super) fn not_a_set(&mut self, what: &str, got: Type, span: Span) -> Option<Expr> {
        let g = self.type_name(got);
        self.push(
            Diagnostic::error("E005", format!("{what} needs a set, found {g}"), span)
                .label(format!("this is {g}")),
        );
        None
    }

    pub(super) fn not_constant(&mut self, span: Span, what: &str) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E005",
                format!("a default value must be a constant, but it uses {what}"),
                span,
            )
            .label("not a constant")
            .help("set computed values with `set` in an option, info or score node"),
        );
        None
    }

    pub(super) fn name(
        &mut self,
        id: &Ident,
        scope: Scope<'_>,
        expected: Option<Type>,
    ) -> Option<Expr> {
        let span = id.span;
        if scope.in_assert && id.name == "outcome" {
            return Self::mk(ExprKind::Outcome, Type::Enum(OUTCOME_KINDS), span);
        }
        if !scope.constant {
            if let Some(&v) = self.var_index.get(qualify(scope.prefix, &id.name).as_ref()) {
                return Self::mk(ExprKind::Var(v), self.vars[v.index()].ty, span);
            }
        }
        if let Some(Type::Enum(d)) = expected {
            let m = self.member(d, id)?;
            return Self::mk(ExprKind::Lit(Value::Enum(Some(m))), Type::Enum(d), span);
        }
        if let Some(Type::Set(d)) = expected {
            if self.domains[d.0 as usize].contains(&id.name) {
                return self.member_for_set(id);
            }
        }
        if scope.constant
            && self
                .var_index
                .contains_key(qualify(scope.prefix, &id.name).as_ref())
        {
            return self.not_constant(span, &format!("the variable `{}`", id.name));
        }
        let mut candidates: Vec<&str> = self
            .var_index
            .keys()
            .filter_map(|k| k.strip_prefix(scope.prefix))
            .take(self.candidates_wanted())
            .collect();
        if scope.in_assert {
            candidates.push("outcome");
        }
        let suggestion = self.suggest(&id.name, candidates.iter().copied());
        if expected == Some(Type::Text) && suggestion.is_none() {
            return self.bare_word_for_text(id);
        }
        let help = suggestion.unwrap_or_else(|| {
            if scope.in_assert {
                "declare it with `var`; inside an assert, `outcome` is the final outcome kind"
                    .into()
            } else {
                format!("declare it first: var {}: bool = false", id.name)
            }
        });
        self.push(
            Diagnostic::error("E004", format!("unknown variable `{}`", id.name), span)
                .label("not declared")
                .help(help),
        );
        None
    }

    #[inline(never)]
    pub(super) fn bare_word_for_text(&mut self, id: &Ident) -> Option<Expr> {
        self.push(
            Diagnostic::error("E004", format!("unknown variable `{}`", id.name), id.span)
                .label("not a variable; a text is expected here")
                .help(format!(
                    "to mean the text {0}, put it in double quotes: \"{0}\"",
                    id.name
                )),
        );
        None
    }

    #[inline(never)]
    pub(super) fn member_for_set(&mut self, id: &Ident) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E005",
                format!("expected a set, found the member `{}`", id.name),
                id.span,
            )
            .label("one member, not a set")
            .help(format!(
                "write a set in braces: `{{{}}}` (and `{{}}` for the empty set)",
                id.name
            )),
        );
        None
    }

    /// `hook name(args)`: a call into the tree's script. Its type is the one
    /// its context expects; the script itself is checked elsewhere against
    /// the recorded call sites.
    pub(super) fn hook(
        &mut self,
        name: &Ident,
        args: &[ast::Expr],
        scope: Scope<'_>,
        expected: Option<Type>,
        span: Span,
    ) -> Option<Expr> {
        if scope.constant {
            return self.not_constant(span, "a hook");
        }
        if self.script.is_none() {
            return self.hook_without_script(name);
        }
        let mut typed = Vec::with_capacity(args.len());
        for a in args {
            typed.push(self.infer(a, scope, None));
        }
        let typed: Vec<Expr> = typed.into_iter().collect::<Option<_>>()?;
        let Some(ret) = expected else {
            return self.hook_type_unknown(name, span);
        };
        self.hook_calls.push(HookCall {
            name: name.name.clone(),
            arity: args.len(),
            ret,
            span,
            name_span: name.span,
        });
        Self::mk(
            ExprKind::Hook {
                name: name.name.clone(),
                args: typed,
            },
            ret,
            span,
        )
    }

    #[inline(never)]
    pub(super) fn hook_without_script(&mut self, name: &Ident) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E004",
                format!(
                    "hook `{}` is called, but the tree names no script",
                    name.name
                ),
                name.span,
            )
            .label("no script to find it in")
            .help("name the script in the tree header: script \"my_tree.rhai\""),
        );
        None
    }

    #[inline(never)]
    pub(super) fn hook_type_unknown(&mut self, name: &Ident, span: Span) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E005",
                format!("cannot tell what type hook `{}` returns", name.name),
                span,
            )
            .label("its type is not known here")
            .help("compare it with a value (`hook f(x) > 2`) or assign it to a variable (`set n = hook f(x)`)"),
        );
        None
    }

    pub(super) fn binary(
        &mut self,
        op: BinOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let operands = (lhs, rhs);
        match op {
            BinOp::And | BinOp::Or | BinOp::Implies => {
                self.both(op, operands, scope, (Type::Bool, Type::Bool), span)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                self.both(op, operands, scope, (Type::Int, Type::Bool), span)
            }
            BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                self.both(op, operands, scope, (Type::Int, Type::Int), span)
            }
            BinOp::Add => self.add(operands, scope, span),
            BinOp::Eq | BinOp::Ne => self.equality(op, operands, scope, span),
            BinOp::In | BinOp::NotIn => self.membership(op, operands, scope, span),
        }
    }

    pub(super) fn binary_expr(op: BinOp, l: Expr, r: Expr, ty: Type, span: Span) -> Option<Expr> {
        Self::mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), ty, span)
    }

    /// Both operands of one type, giving a result of another (`(operand,
    /// result)`). Both sides are checked even when the left one fails, so
    /// every problem is reported.
    pub(super) fn both(
        &mut self,
        op: BinOp,
        (lhs, rhs): (&ast::Expr, &ast::Expr),
        scope: Scope<'_>,
        (operand, result): (Type, Type),
        span: Span,
    ) -> Option<Expr> {
        let l = self.expr(lhs, scope, Some(operand));
        let r = self.expr(rhs, scope, Some(operand));
        Self::binary_expr(op, l?, r?, result, span)
    }

    /// `+` adds numbers or joins text.
    pub(super) fn add(
        &mut self,
        (lhs, rhs): (&ast::Expr, &ast::Expr),
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let l = self.infer(lhs, scope, None)?;
        if !matches!(l.ty, Type::Int | Type::Text) {
            return self.cannot_add(l.ty, lhs.span);
        }
        let ty = l.ty;
        let r = self.expr(rhs, scope, Some(ty))?;
        Self::binary_expr(BinOp::Add, l, r, ty, span)
    }

    #[inline(never)]
    pub(super) fn cannot_add(&mut self, got: Type, span: Span) -> Option<Expr> {
        let g = self.type_name(got);
        self.push(
            Diagnostic::error(
                "E005",
                format!("`+` adds numbers or joins text, found {g}"),
                span,
            )
            .label(format!("this is {g}"))
            .help("to add a member to a set, use the effect `add my_set member`"),
        );
        None
    }

    /// `==` and `!=`: the side whose type is known on its own is typed first
    /// and gives the other side (a member name or a hook call) its type.
    pub(super) fn equality(
        &mut self,
        op: BinOp,
        (lhs, rhs): (&ast::Expr, &ast::Expr),
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let (l, r) = if self.needs_context(lhs, scope) && !self.needs_context(rhs, scope) {
            let r = self.infer(rhs, scope, None)?;
            (self.expr(lhs, scope, Some(r.ty))?, r)
        } else {
            let l = self.infer(lhs, scope, None)?;
            let r = self.expr(rhs, scope, Some(l.ty))?;
            (l, r)
        };
        Self::binary_expr(op, l, r, Type::Bool, span)
    }

    /// A bare member name or a hook call: its type comes from the other side.
    pub(super) fn needs_context(&self, e: &ast::Expr, scope: Scope<'_>) -> bool {
        matches!(e.node, AstExpr::Hook { .. } | AstExpr::SetLit(_))
            || self.symbol(e, scope).is_some()
    }

    /// `member in set` and `member not in set`.
    pub(super) fn membership(
        &mut self,
        op: BinOp,
        (lhs, rhs): (&ast::Expr, &ast::Expr),
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let set = self.infer(rhs, scope, None)?;
        let Type::Set(d) = set.ty else {
            return self.in_needs_set(op, set.ty, lhs, rhs);
        };
        let Some(member) = self.symbol(lhs, scope) else {
            return self.in_needs_member(op, d, lhs.span);
        };
        let m = self.member(d, member)?;
        Self::mk(
            ExprKind::In {
                member: m,
                set: Box::new(set),
                negate: op == BinOp::NotIn,
            },
            Type::Bool,
            span,
        )
    }

    #[inline(never)]
    pub(super) fn in_needs_set(
        &mut self,
        op: BinOp,
        got: Type,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
    ) -> Option<Expr> {
        let g = self.type_name(got);
        let help = match (got, &lhs.node) {
            (Type::Enum(_), AstExpr::Name(member)) => format!(
                "a one_of variable holds a single value: compare it with `==`, as in `{} == {}`",
                self.sources.get(rhs.span.file).slice(rhs.span),
                member.name
            ),
            _ => "`in` tests a member of a set variable, declared like var ready: set(a, b)".into(),
        };
        self.push(
            Diagnostic::error(
                "E005",
                format!("`{}` needs a set on its right, found {g}", op.symbol()),
                rhs.span,
            )
            .label(format!("this is {g}"))
            .help(help),
        );
        None
    }

    #[inline(never)]
    pub(super) fn in_needs_member(&mut self, op: BinOp, d: DomainId, span: Span) -> Option<Expr> {
        let members = self.domains[d.0 as usize].join(", ");
        self.push(
            Diagnostic::error(
                "E005",
                format!("the left of `{}` must be a member name", op.symbol()),
                span,
            )
            .label("expected a member of the set")
            .help(format!("the members are: {members}")),
        );
        None
    }
}

pub(super) fn conversion_help(want: Type, got: Type) -> Option<String> {
    match (want, got) {
        (Type::Bool, Type::Int) => {
            Some("compare the number to get a bool, for example `months > 3`".into())
        }
        (Type::Bool, Type::Set(_)) => {
            Some("test a member with `member in set`, or size with `count(set) > 0`".into())
        }
        (Type::Bool, Type::Enum(_)) => Some("compare it with a member: `goal == closure`".into()),
        (Type::Int, Type::Set(_)) => Some("count(set) gives the number of members".into()),
        (Type::Enum(d), _) if d == OUTCOME_KINDS => Some(
            "`outcome` is the final outcome kind: compare it with a kind from the header, as in `outcome == stop`"
                .into(),
        ),
        (Type::Int, Type::Text) => Some(
            "a number and a text cannot be compared: write numbers without quotes (`months == 6`) and compare texts with texts (`name == \"Sam\"`)"
                .into(),
        ),
        (Type::Text, Type::Int) => Some(
            "a text and a number cannot be compared: write texts in double quotes (`name == \"6\"`) and compare numbers with numbers"
                .into(),
        ),
        (Type::Enum(_), Type::Int | Type::Text | Type::Bool) => Some(
            "a one_of holds one of its members: compare it with a member name, as in `goal == closure`"
                .into(),
        ),
        (Type::Int | Type::Text, Type::Enum(_)) => Some(
            "a one_of holds a member name, not a number or text: compare it with a member, as in `goal == closure`"
                .into(),
        ),
        _ => None,
    }
}
