//! Names inside nodes: effects, set members, variables and interpolated
//! texts, each resolved against the declarations.

use super::{qualify, Checker, Scope};
use crate::ast::{self, BinOp, ExprKind as AstExpr, Ident, StrPart, UnaryOp};
use crate::diag::Diagnostic;
use crate::model::{DomainId, Effect, Text, TextPart, Type, VarId};

impl Checker {
    pub(super) fn effects<'a>(
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
                    if let Some(expr) = self.expr(value, scope, Some(ty)) {
                        out.push(Effect::Set(id, expr));
                    }
                }
                ast::Effect::Add { var, member } | ast::Effect::Remove { var, member } => {
                    let declare_as = format!("set({})", member.name);
                    let Some(id) = self.lookup_var(var, scope, &declare_as) else {
                        continue;
                    };
                    let Type::Set(d) = self.vars[id.index()].ty else {
                        let ty = self.type_name(self.vars[id.index()].ty);
                        self.push(
                            Diagnostic::error(
                                "E005",
                                format!(
                                    "`{}` works on sets, but `{}` is {ty}",
                                    e.keyword(),
                                    var.name
                                ),
                                var.span,
                            )
                            .label("not a set")
                            .help(format!("use `set {} = ...` instead", var.name)),
                        );
                        continue;
                    };
                    if let Some(m) = self.member(d, member) {
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

    pub(super) fn member(&mut self, d: DomainId, name: &Ident) -> Option<u32> {
        let members = &self.domains[d.0 as usize];
        if let Some(i) = members.iter().position(|m| *m == name.name) {
            return u32::try_from(i).ok();
        }
        let help = self
            .suggest(&name.name, members.iter().map(String::as_str))
            .unwrap_or_else(|| format!("the members are: {}", members.join(", ")));
        let ty = self.type_name_of_domain(d);
        self.push(
            Diagnostic::error(
                "E006",
                format!("`{}` is not a member of {ty}", name.name),
                name.span,
            )
            .label("unknown member")
            .help(help),
        );
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
        let var_span = self.vars[var.index()].span;
        let mut list = members.clone();
        list.push(item.name.clone());
        let help = match self.suggest(&item.name, members.iter().map(String::as_str)) {
            Some(guess) => format!(
                "{guess}; or add it to the variable: var {}: set({})",
                into.name,
                list.join(", ")
            ),
            None => format!(
                "each item must be a member of `{}`: add it there, as in var {}: set({})",
                into.name,
                into.name,
                list.join(", ")
            ),
        };
        let ty = self.type_name(Type::Set(d));
        self.push(
            Diagnostic::error(
                "E006",
                format!(
                    "the item `{}` is not a member of `{}`, which is {ty}",
                    item.name, into.name
                ),
                item.span,
            )
            .label(format!("not in `{}`", into.name))
            .with_secondary(var_span, "the set variable is declared here")
            .help(help),
        );
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
            self.push(
                Diagnostic::error(
                    "E005",
                    format!("the parameter `{}` cannot be changed", name.name),
                    name.span,
                )
                .label("written here")
                .with_secondary(decl, "declared with `param`")
                .help("a tree only reads its parameters; declare a `var` for a value it changes"),
            );
            return None;
        }
        if let Some(&id) = self.var_index.get(qualified.as_ref()) {
            return Some(id);
        }
        let candidates: Vec<&str> = self
            .var_index
            .keys()
            .filter_map(|k| k.strip_prefix(scope.prefix))
            .take(self.candidates_wanted())
            .collect();
        let help = self
            .suggest(&name.name, candidates.iter().copied())
            .unwrap_or_else(|| format!("declare it first: var {}: {declare_as}", name.name));
        self.push(
            Diagnostic::error(
                "E004",
                format!("unknown variable `{}`", name.name),
                name.span,
            )
            .label("not declared")
            .help(help),
        );
        None
    }

    pub(super) fn text(&mut self, s: &ast::Str, scope: Scope<'_>) -> Text {
        let mut parts = Vec::new();
        for part in &s.parts {
            match part {
                StrPart::Lit(l) => parts.push(TextPart::Lit(l.clone())),
                StrPart::Var(v) => {
                    if let Some(&id) = self.var_index.get(qualify(scope.prefix, &v.name).as_ref()) {
                        parts.push(TextPart::Var(id));
                    } else {
                        let candidates: Vec<&str> = self
                            .var_index
                            .keys()
                            .filter_map(|k| k.strip_prefix(scope.prefix))
                            .take(self.candidates_wanted())
                            .collect();
                        let help = self.suggest(&v.name, candidates.iter().copied())
                            .unwrap_or_else(|| "only declared variables can be interpolated; write `{{` for a literal brace".into());
                        self.push(
                            Diagnostic::error(
                                "E007",
                                format!("`{{{}}}` interpolates an unknown variable", v.name),
                                v.span,
                            )
                            .label("no variable with this name")
                            .help(help),
                        );
                    }
                }
            }
        }
        Text { parts }
    }
}

/// A likely declaration (`int = 0`) for a variable that is given `value`.
pub(super) fn declaration_for(value: &ast::Expr) -> &'static str {
    match value_kind(value) {
        Some(Type::Int) => "int = 0",
        Some(Type::Text) => "text = \"\"",
        _ => "bool = false",
    }
}

/// The type of `value` as far as its shape tells (names tell nothing).
pub(super) fn value_kind(value: &ast::Expr) -> Option<Type> {
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
