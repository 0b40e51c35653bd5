//! Stage 6, unused names: variables never read (W001) and outcome kinds
//! no outcome uses (W003).

use super::Checker;
use crate::ast::{self, ExprKind as AstExpr, Field, StrPart};
use crate::diag::problem::Flow;
use crate::model::OUTCOME_KINDS;

impl Checker {
    /// Mark every variable that some expression or text mentions as read.
    /// This works on the syntax tree, so a variable used in an expression
    /// with an error elsewhere is still seen as used.
    fn mark_reads(&mut self) {
        for unit in &self.units {
            for name in mentioned_names(&unit.ast) {
                if let Some(&id) = self.var_index.get(&format!("{}{name}", unit.prefix)) {
                    self.var_read[id.index()] = true;
                }
            }
        }
    }

    /// W001 for variables nothing reads, W003 for outcome kinds no
    /// outcome has.
    pub(super) fn report_unused(&mut self) {
        self.mark_reads();
        let unread: Vec<usize> = (0..self.vars.len())
            .filter(|&i| !self.var_read[i])
            .collect();
        for index in unread {
            let name = self.vars[index].name.clone();
            self.report(Flow::UnusedVariable { name }, self.vars[index].span);
        }
        let unused: Vec<usize> = (0..self.kind_used.len())
            .filter(|&i| !self.kind_used[i])
            .collect();
        for index in unused {
            let kind = self.domains[OUTCOME_KINDS.0 as usize][index].clone();
            self.report(Flow::UnusedKind { kind }, self.kind_spans[index]);
        }
    }
}

/// Every name read by an expression or interpolated into a text in `file`
/// (names that are written, such as `set x = ...` or `into x`, are not).
fn mentioned_names(file: &ast::File) -> Vec<&str> {
    let mut names = Vec::new();
    let mut exprs: Vec<&ast::Expr> = Vec::new();
    let mut strs: Vec<&ast::Str> = Vec::new();
    for v in &file.vars {
        exprs.extend(&v.default);
    }
    for a in &file.asserts {
        match &a.rule {
            ast::AssertRule::Always(e) | ast::AssertRule::Never(e) => exprs.push(e),
            ast::AssertRule::Reachable(_) => {}
        }
    }
    for node in &file.nodes {
        for field in &node.fields {
            field_parts(&field.node, &mut exprs, &mut strs);
        }
    }
    while let Some(e) = exprs.pop() {
        match &e.node {
            AstExpr::Name(id) => names.push(id.name.as_str()),
            AstExpr::Str(s) => strs.push(s),
            AstExpr::Hook { args, .. } | AstExpr::Call { args, .. } => exprs.extend(args),
            AstExpr::Unary { expr, .. } => exprs.push(expr),
            AstExpr::Binary { lhs, rhs, .. } => {
                exprs.push(lhs);
                exprs.push(rhs);
            }
            AstExpr::Int(_) | AstExpr::Bool(_) | AstExpr::Visited(_) | AstExpr::SetLit(_) => {}
        }
    }
    for s in strs {
        for part in &s.parts {
            if let StrPart::Var(v) = part {
                names.push(v.name.as_str());
            }
        }
    }
    names
}

/// The expressions and strings inside one node field.
fn field_parts<'a>(field: &'a Field, exprs: &mut Vec<&'a ast::Expr>, strs: &mut Vec<&'a ast::Str>) {
    let effect_value = |e: &'a ast::Effect| match e {
        ast::Effect::Set { value, .. } => Some(value),
        ast::Effect::Add { .. } | ast::Effect::Remove { .. } => None,
    };
    match field {
        Field::Text(s) | Field::Help(s) | Field::Title(s) => strs.push(s),
        Field::Advice(list) => strs.extend(list),
        Field::Option(o) => {
            strs.push(&o.label);
            exprs.extend(&o.cond);
            exprs.extend(o.effects.iter().filter_map(effect_value));
        }
        Field::Item(i) => {
            strs.push(&i.label);
            exprs.extend(&i.cond);
        }
        Field::When { cond, .. } => exprs.push(cond),
        Field::Effect(e) => exprs.extend(effect_value(e)),
        Field::Source(_)
        | Field::Tags(_)
        | Field::Kind(_)
        | Field::Into(_)
        | Field::Number { .. }
        | Field::TextInput { .. }
        | Field::Examples(_)
        | Field::Else(_)
        | Field::Goto(_) => {}
    }
}
