//! Stage 4, typing: every expression to a typed model `Expr`, its type
//! checked against what its context expects.

use super::{qualify, Checker, Scope};
use crate::ast::{self, BinOp, ExprKind as AstExpr, Ident, UnaryOp};
use crate::diag::problem::{Node, NotConstant, TypeProblem};
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

    /// As [`Self::type_name`], with every member.
    fn type_name_whole(&self, ty: Type) -> String {
        match ty {
            Type::Enum(d) if d != OUTCOME_KINDS => {
                format!("one_of({})", self.domains[d.0 as usize].join(", "))
            }
            Type::Set(d) => format!("set({})", self.domains[d.0 as usize].join(", ")),
            _ => self.type_name(ty),
        }
    }

    pub(super) fn type_name_of_domain(&self, d: DomainId) -> String {
        if d == OUTCOME_KINDS {
            "the outcome kinds".into()
        } else {
            format!("({})", self.members_short(d))
        }
    }

    fn members_short(&self, d: DomainId) -> String {
        let members = &self.domains[d.0 as usize];
        if members.len() > 4 {
            format!("{}, …", members[..3].join(", "))
        } else {
            members.join(", ")
        }
    }

    /// A bare name that is not a variable (nor `outcome` in an assert): an
    /// enum or set member whose type comes from the other side.
    fn symbol<'e>(&self, e: &'e ast::Expr, scope: Scope<'_>) -> Option<&'e Ident> {
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
    pub(super) fn check_expr(
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
    fn mismatch(&mut self, want: Type, got: &Expr, span: Span) -> Option<Expr> {
        let literal = matches!(got.kind, ExprKind::Lit(_));
        let problem = self.type_mismatch(want, got.ty, literal);
        self.report(problem, span);
        None
    }

    /// E005 for a value of type `got` where `want` is expected.
    fn type_mismatch(&self, want: Type, got: Type, literal: bool) -> TypeProblem {
        let reordered = match (want, got) {
            (Type::Enum(a), Type::Enum(b)) | (Type::Set(a), Type::Set(b)) => {
                let (a, b) = (&self.domains[a.0 as usize], &self.domains[b.0 as usize]);
                a != b && a.len() == b.len() && a.iter().all(|m| b.contains(m))
            }
            _ => false,
        };
        let (mut want_name, mut got_name) = (self.type_name(want), self.type_name(got));
        if want_name == got_name {
            // Two long member lists that start alike: show them whole.
            (want_name, got_name) = (self.type_name_whole(want), self.type_name_whole(got));
        }
        TypeProblem::Mismatch {
            want: want_name,
            got: got_name,
            want_type: want,
            got_type: got,
            literal,
            reordered,
        }
    }

    fn expr_of(kind: ExprKind, ty: Type, span: Span) -> Option<Expr> {
        Some(Expr { kind, ty, span })
    }

    /// Type an expression; `expected` only guides names and hooks, whose
    /// type comes from their context.
    fn infer(&mut self, e: &ast::Expr, scope: Scope<'_>, expected: Option<Type>) -> Option<Expr> {
        let span = e.span;
        match &e.node {
            AstExpr::Int(n) => Self::expr_of(ExprKind::Lit(Value::Int(*n)), Type::Int, span),
            AstExpr::Bool(b) => Self::expr_of(ExprKind::Lit(Value::Bool(*b)), Type::Bool, span),
            AstExpr::Str(s) => self.string_expr(s, scope, span),
            AstExpr::Name(id) => self.name_expr(id, scope, expected),
            AstExpr::Visited(n) => self.visited_expr(n, scope, span),
            AstExpr::SetLit(members) => self.set_literal(members, expected, span),
            AstExpr::Hook { name, args } => self.hook_call(name, args, scope, expected, span),
            AstExpr::Call { name, args } => self.builtin_call(name, args, scope, span),
            AstExpr::Unary { op, expr } => self.unary_expr(*op, expr, scope, span),
            AstExpr::Binary { op, lhs, rhs } => self.binary_operation(*op, lhs, rhs, scope, span),
        }
    }

    fn string_expr(&mut self, s: &ast::Str, scope: Scope<'_>, span: Span) -> Option<Expr> {
        if let Some(plain) = s.as_plain() {
            return Self::expr_of(
                ExprKind::Lit(Value::Text(Arc::from(plain))),
                Type::Text,
                span,
            );
        }
        if scope.constant {
            return self.not_constant(span, NotConstant::Interpolation);
        }
        let text = self.lower_text(s, scope);
        Self::expr_of(ExprKind::Interpolate(text), Type::Text, span)
    }

    /// `{a, b}`: its members are looked up in the set its context expects.
    fn set_literal(
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
            match self.member_index(d, m) {
                Some(i) => bits |= 1 << i,
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        Self::expr_of(ExprKind::Lit(Value::Set(bits)), Type::Set(d), span)
    }

    #[inline(never)]
    fn set_without_context(&mut self, expected: Option<Type>, span: Span) -> Option<Expr> {
        let problem = match expected {
            Some(want) => TypeProblem::SetNotExpected {
                want: self.type_name(want),
            },
            None => TypeProblem::SetWithoutContext,
        };
        self.report(problem, span);
        None
    }

    fn visited_expr(&mut self, node: &Ident, scope: Scope<'_>, span: Span) -> Option<Expr> {
        if scope.constant {
            return self.not_constant(span, NotConstant::Visited);
        }
        let node = self.resolve_target(scope.prefix, node)?;
        Self::expr_of(ExprKind::Visited(node), Type::Bool, span)
    }

    fn unary_expr(
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
        let inner = self.check_expr(operand, scope, Some(ty))?;
        Self::expr_of(kind(Box::new(inner)), ty, span)
    }

    /// A built-in function call: `count(set)`, or `tagged(tag)` in asserts.
    fn builtin_call(
        &mut self,
        name: &Ident,
        args: &[ast::Expr],
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        if name.name == "tagged" {
            return self.tagged_expr(args, scope, span);
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
        Self::expr_of(ExprKind::Count(Box::new(inner)), Type::Int, span)
    }

    /// `tagged(tag)`: inside an assert, whether the final outcome node
    /// carries `tag`. The tag must be on at least one outcome, so a typo
    /// cannot make a rule hold (or fail) on every path unnoticed.
    fn tagged_expr(&mut self, args: &[ast::Expr], scope: Scope<'_>, span: Span) -> Option<Expr> {
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
            let problem = TypeProblem::UnknownTag {
                tag: tag.name.clone(),
                suggestion: self.suggest(&tag.name, outcome_tags.iter().copied()),
                known: outcome_tags.iter().map(|t| t.to_string()).collect(),
            };
            self.report(problem, tag.span);
            return None;
        }
        Self::expr_of(ExprKind::Tagged(tag.name.clone()), Type::Bool, span)
    }

    #[inline(never)]
    fn tagged_arity(&mut self, span: Span) -> Option<Expr> {
        self.report(TypeProblem::TaggedArity, span);
        None
    }

    #[inline(never)]
    fn tagged_outside_assert(&mut self, span: Span) -> Option<Expr> {
        self.report(TypeProblem::TaggedOutsideAssert, span);
        None
    }

    #[inline(never)]
    fn unknown_function(&mut self, name: &Ident) -> Option<Expr> {
        let problem = TypeProblem::UnknownFunction {
            name: name.name.clone(),
            suggestion: self.suggest(&name.name, ["count", "visited", "tagged"]),
        };
        self.report(problem, name.span);
        None
    }

    #[inline(never)]
    pub(super) fn wrong_arity(&mut self, found: usize, span: Span) -> Option<Expr> {
        self.report(TypeProblem::CountArity { found }, span);
        None
    }

    #[inline(never)]
    fn not_a_set(&mut self, function: &'static str, got: Type, span: Span) -> Option<Expr> {
        let got = self.type_name(got);
        self.report(TypeProblem::NotASet { function, got }, span);
        None
    }

    fn not_constant(&mut self, span: Span, uses: NotConstant) -> Option<Expr> {
        self.report(TypeProblem::NotConstant { uses }, span);
        None
    }

    fn name_expr(&mut self, id: &Ident, scope: Scope<'_>, expected: Option<Type>) -> Option<Expr> {
        let span = id.span;
        if scope.in_assert && id.name == "outcome" {
            return Self::expr_of(ExprKind::Outcome, Type::Enum(OUTCOME_KINDS), span);
        }
        if !scope.constant {
            if let Some(&v) = self.var_index.get(qualify(scope.prefix, &id.name).as_ref()) {
                return Self::expr_of(ExprKind::Var(v), self.vars[v.index()].ty, span);
            }
        }
        if let Some(Type::Enum(d)) = expected {
            let m = self.member_index(d, id)?;
            return Self::expr_of(ExprKind::Lit(Value::Enum(Some(m))), Type::Enum(d), span);
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
            return self.not_constant(span, NotConstant::Variable(id.name.clone()));
        }
        let mut candidates = self.variable_names(scope.prefix);
        if scope.in_assert {
            candidates.push("outcome");
        }
        let suggestion = self.suggest(&id.name, candidates.iter().copied());
        if expected == Some(Type::Text) && suggestion.is_none() {
            return self.bare_word_for_text(id);
        }
        let name = id.name.clone();
        if scope.in_assert {
            self.report(TypeProblem::UnknownInAssert { name, suggestion }, span);
        } else {
            let declare_as = "bool = false".to_string();
            let problem = Node::UnknownVariable {
                name,
                suggestion,
                declare_as,
            };
            self.report(problem, span);
        }
        None
    }

    #[inline(never)]
    fn bare_word_for_text(&mut self, id: &Ident) -> Option<Expr> {
        let word = id.name.clone();
        self.report(TypeProblem::BareWordForText { word }, id.span);
        None
    }

    #[inline(never)]
    fn member_for_set(&mut self, id: &Ident) -> Option<Expr> {
        let member = id.name.clone();
        self.report(TypeProblem::MemberForSet { member }, id.span);
        None
    }

    /// `hook name(args)`: a call into the tree's script. Its type is the one
    /// its context expects; the script itself is checked elsewhere against
    /// the recorded call sites.
    fn hook_call(
        &mut self,
        name: &Ident,
        args: &[ast::Expr],
        scope: Scope<'_>,
        expected: Option<Type>,
        span: Span,
    ) -> Option<Expr> {
        if scope.constant {
            return self.not_constant(span, NotConstant::Hook);
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
        Self::expr_of(
            ExprKind::Hook {
                name: name.name.clone(),
                args: typed,
            },
            ret,
            span,
        )
    }

    #[inline(never)]
    fn hook_without_script(&mut self, name: &Ident) -> Option<Expr> {
        let hook = name.name.clone();
        self.report(TypeProblem::HookWithoutScript { hook }, name.span);
        None
    }

    #[inline(never)]
    fn hook_type_unknown(&mut self, name: &Ident, span: Span) -> Option<Expr> {
        let hook = name.name.clone();
        self.report(TypeProblem::HookTypeUnknown { hook }, span);
        None
    }

    fn binary_operation(
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
                self.same_type_operands(op, operands, scope, (Type::Bool, Type::Bool), span)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                self.same_type_operands(op, operands, scope, (Type::Int, Type::Bool), span)
            }
            BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                self.same_type_operands(op, operands, scope, (Type::Int, Type::Int), span)
            }
            BinOp::Add => self.add_or_join(operands, scope, span),
            BinOp::Eq | BinOp::Ne => self.equality(op, operands, scope, span),
            BinOp::In | BinOp::NotIn => self.membership(op, operands, scope, span),
        }
    }

    fn binary_expr(op: BinOp, l: Expr, r: Expr, ty: Type, span: Span) -> Option<Expr> {
        Self::expr_of(ExprKind::Binary(op, Box::new(l), Box::new(r)), ty, span)
    }

    /// Both operands of one type, giving a result of another (`(operand,
    /// result)`). Both sides are checked even when the left one fails, so
    /// every problem is reported.
    fn same_type_operands(
        &mut self,
        op: BinOp,
        (lhs, rhs): (&ast::Expr, &ast::Expr),
        scope: Scope<'_>,
        (operand, result): (Type, Type),
        span: Span,
    ) -> Option<Expr> {
        let l = self.check_expr(lhs, scope, Some(operand));
        let r = self.check_expr(rhs, scope, Some(operand));
        Self::binary_expr(op, l?, r?, result, span)
    }

    /// `+` adds numbers or joins text.
    fn add_or_join(
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
        let r = self.check_expr(rhs, scope, Some(ty))?;
        Self::binary_expr(BinOp::Add, l, r, ty, span)
    }

    #[inline(never)]
    fn cannot_add(&mut self, got: Type, span: Span) -> Option<Expr> {
        let got = self.type_name(got);
        self.report(TypeProblem::CannotAdd { got }, span);
        None
    }

    /// `==` and `!=`: the side whose type is known on its own is typed first
    /// and gives the other side (a member name or a hook call) its type.
    fn equality(
        &mut self,
        op: BinOp,
        (lhs, rhs): (&ast::Expr, &ast::Expr),
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let (l, r) = if self.needs_context(lhs, scope) && !self.needs_context(rhs, scope) {
            let r = self.infer(rhs, scope, None)?;
            (self.check_expr(lhs, scope, Some(r.ty))?, r)
        } else {
            let l = self.infer(lhs, scope, None)?;
            let r = self.check_expr(rhs, scope, Some(l.ty))?;
            (l, r)
        };
        Self::binary_expr(op, l, r, Type::Bool, span)
    }

    /// A bare member name or a hook call: its type comes from the other side.
    fn needs_context(&self, e: &ast::Expr, scope: Scope<'_>) -> bool {
        matches!(e.node, AstExpr::Hook { .. } | AstExpr::SetLit(_))
            || self.symbol(e, scope).is_some()
    }

    /// `member in set` and `member not in set`.
    fn membership(
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
        let m = self.member_index(d, member)?;
        Self::expr_of(
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
    fn in_needs_set(
        &mut self,
        op: BinOp,
        got: Type,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
    ) -> Option<Expr> {
        let compare = match (got, &lhs.node) {
            (Type::Enum(_), AstExpr::Name(member)) => Some((
                self.sources.get(rhs.span.file).slice(rhs.span).to_string(),
                member.name.clone(),
            )),
            _ => None,
        };
        let problem = TypeProblem::InNeedsSet {
            op: op.symbol(),
            got: self.type_name(got),
            compare,
        };
        self.report(problem, rhs.span);
        None
    }

    #[inline(never)]
    fn in_needs_member(&mut self, op: BinOp, d: DomainId, span: Span) -> Option<Expr> {
        let problem = TypeProblem::InNeedsMember {
            op: op.symbol(),
            members: self.domains[d.0 as usize].clone(),
        };
        self.report(problem, span);
        None
    }
}
