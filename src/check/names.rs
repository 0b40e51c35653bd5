//! Names inside nodes: effects, set members, variables and interpolated
//! texts, each resolved against the declarations.

use super::{qualify, Checker, Scope};
use crate::ast::{self, BinOp, ExprKind as AstExpr, Ident, StrPart, UnaryOp};
use crate::diag::problem::Node;
use crate::model::{DomainId, Effect, Text, TextPart, Type, VarId};

impl Checker {
    pub(super) fn lower_effects<'a>(
        &mut self,
        effects: impl IntoIterator<Item = &'a ast::Effect>,
        scope: Scope<'_>,
    ) -> Vec<Effect> {
        let mut out = Vec::new();
        for e in effects {
            match e {
                ast::Effect::Set { var, value } => {
                    let Some(id) = self.lookup_var(var, scope, declaration_for(value)) else {
                        continue;
                    };
                    let ty = self.vars[id.index()].ty;
                    if let Some(expr) = self.check_expr(value, scope, Some(ty)) {
                        out.push(Effect::Set(id, expr));
                    }
                }
                ast::Effect::Add { var, member } | ast::Effect::Remove { var, member } => {
                    let declare_as = format!("set({})", member.name);
                    let Some(id) = self.lookup_var(var, scope, &declare_as) else {
                        continue;
                    };
                    let Type::Set(d) = self.vars[id.index()].ty else {
                        let problem = Node::EffectNeedsSet {
                            effect: e.keyword(),
                            var: var.name.clone(),
                            ty: self.type_name(self.vars[id.index()].ty),
                        };
                        self.report(problem, var.span);
                        continue;
                    };
                    if let Some(m) = self.member_index(d, member) {
                        out.push(if matches!(e, ast::Effect::Add { .. }) {
                            Effect::Add(id, m)
                        } else {
                            Effect::Remove(id, m)
                        });
                    }
                }
            }
        }
        out
    }

    pub(super) fn member_index(&mut self, d: DomainId, name: &Ident) -> Option<u32> {
        let members = &self.domains[d.0 as usize];
        if let Some(i) = members.iter().position(|m| *m == name.name) {
            return u32::try_from(i).ok();
        }
        let suggestion = self.suggest(&name.name, members.iter().map(String::as_str));
        let problem = Node::NotAMember {
            member: name.name.clone(),
            ty: self.type_name_of_domain(d),
            suggestion,
            members: members.clone(),
        };
        self.report(problem, name.span);
        None
    }

    /// A checklist item's member in the set variable the checklist fills.
    pub(super) fn item_member(
        &mut self,
        d: DomainId,
        var: VarId,
        into: &Ident,
        item: &Ident,
    ) -> Option<u32> {
        let members = &self.domains[d.0 as usize];
        if let Some(i) = members.iter().position(|m| *m == item.name) {
            return u32::try_from(i).ok();
        }
        let problem = Node::ItemNotMember {
            item: item.name.clone(),
            var: into.name.clone(),
            ty: self.type_name(Type::Set(d)),
            suggestion: self.suggest(&item.name, members.iter().map(String::as_str)),
            members: members.clone(),
            var_at: self.vars[var.index()].span,
        };
        self.report(problem, item.span);
        None
    }

    /// The variable `name`; when there is none, an error whose hint
    /// declares it with the type `declare_as` (such as `int = 0`).
    pub(super) fn lookup_var(
        &mut self,
        name: &Ident,
        scope: Scope<'_>,
        declare_as: &str,
    ) -> Option<VarId> {
        let qualified = qualify(scope.prefix, &name.name);
        if let Some(&decl) = self.params.get(qualified.as_ref()) {
            let problem = Node::ParameterWritten {
                param: name.name.clone(),
                declared_at: decl,
            };
            self.report(problem, name.span);
            return None;
        }
        if let Some(&id) = self.var_index.get(qualified.as_ref()) {
            return Some(id);
        }
        let candidates = self.variable_names(scope.prefix);
        let problem = Node::UnknownVariable {
            name: name.name.clone(),
            suggestion: self.suggest(&name.name, candidates.iter().copied()),
            declare_as: declare_as.to_string(),
        };
        self.report(problem, name.span);
        None
    }

    pub(super) fn lower_text(&mut self, s: &ast::Str, scope: Scope<'_>) -> Text {
        let mut parts = Vec::new();
        for part in &s.parts {
            match part {
                StrPart::Lit(l) => parts.push(TextPart::Lit(l.clone())),
                StrPart::Var(v) => {
                    if let Some(&id) = self.var_index.get(qualify(scope.prefix, &v.name).as_ref()) {
                        parts.push(TextPart::Var(id));
                    } else {
                        let candidates = self.variable_names(scope.prefix);
                        let problem = Node::UnknownInterpolation {
                            name: v.name.clone(),
                            suggestion: self.suggest(&v.name, candidates.iter().copied()),
                        };
                        self.report(problem, v.span);
                    }
                }
            }
        }
        Text { parts }
    }
}

/// A likely declaration (`int = 0`) for a variable that is given `value`.
fn declaration_for(value: &ast::Expr) -> &'static str {
    match value_kind(value) {
        Some(Type::Int) => "int = 0",
        Some(Type::Text) => "text = \"\"",
        _ => "bool = false",
    }
}

/// The type of `value` as far as its shape tells (names tell nothing).
fn value_kind(value: &ast::Expr) -> Option<Type> {
    match &value.node {
        AstExpr::Int(_) | AstExpr::Call { .. } => Some(Type::Int),
        AstExpr::Str(_) => Some(Type::Text),
        AstExpr::Bool(_) | AstExpr::Visited(_) => Some(Type::Bool),
        AstExpr::Unary { op, .. } => Some(match op {
            UnaryOp::Neg => Type::Int,
            UnaryOp::Not => Type::Bool,
        }),
        AstExpr::Binary {
            op: BinOp::Add,
            lhs,
            rhs,
        } => Some(
            value_kind(lhs)
                .or_else(|| value_kind(rhs))
                .unwrap_or(Type::Int),
        ),
        AstExpr::Binary { op, .. } => Some(match op {
            BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => Type::Int,
            _ => Type::Bool,
        }),
        AstExpr::Name(_) | AstExpr::Hook { .. } | AstExpr::SetLit(_) => None,
    }
}
