//! Stage 2, declaring: headers (outcome kinds, sources, the script),
//! variables and parameters with their domains, node ids and include
//! namespaces, then every variable's default folded to a value.

use super::{qualify, Checker, Scope};
use crate::ast::{self, ExprKind as AstExpr, Ident, StrPart, TypeExpr};
use crate::diag::problem::{Declare, ParamHint};
use crate::eval::{self, Env};
use crate::ids::saturating_u32;
use crate::model::{
    DomainId, Model, NodeId, ScriptRef, Type, Value, Var, VarId, MAX_SET_MEMBERS, OUTCOME_KINDS,
};
use crate::source::{Sources, Span};
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

impl Checker {
    pub(super) fn declare(&mut self) {
        self.domains.push(Vec::new()); // OUTCOME_KINDS
        for unit_index in 0..self.units.len() {
            self.declare_header(unit_index);
        }
        for unit_index in 0..self.units.len() {
            self.declare_names(unit_index);
        }
        self.declare_defaults();
    }

    /// A unit's variables, parameter bindings and node ids.
    fn declare_names(&mut self, unit_index: usize) {
        self.shared_kinds(unit_index);
        self.declare_vars(unit_index);
        self.unknown_bindings(unit_index);
        self.declare_nodes(unit_index);
    }

    /// Outcome kinds are shared by name, so an included tree's kinds must
    /// be declared by the including tree too (each file also checks alone).
    fn shared_kinds(&mut self, unit_index: usize) {
        let Some((parent, inc)) = self.units[unit_index].included.clone() else {
            return;
        };
        let ast = Rc::clone(&self.units[unit_index].ast);
        let Some(kinds) = &ast.header.outcomes else {
            return;
        };
        let parent_kinds = self.units[parent].kinds.clone();
        let parent_header = Rc::clone(&self.units[parent].ast);
        for k in kinds {
            if parent_kinds.contains(&k.name) {
                continue;
            }
            let mut list = parent_kinds.clone();
            list.push(k.name.clone());
            let problem = Declare::KindNotShared {
                kind: k.name.clone(),
                namespace: inc.namespace.name.clone(),
                includer: parent_header.header.id.name.clone(),
                kinds: list,
                declared_at: k.span,
            };
            self.report(problem, inc.namespace.span);
        }
    }

    fn declare_header(&mut self, unit_index: usize) {
        let ast = Rc::clone(&self.units[unit_index].ast);
        let header = &ast.header;
        self.plain_text(&header.title, "a tree's title");
        if unit_index == 0 {
            if let Some(script) = &header.script {
                let file = self.sources.get(self.units[0].file).path.clone();
                let rel = self.plain_text(script, "a script path");
                self.script = Some(ScriptRef {
                    path: file.parent().unwrap_or(Path::new("")).join(rel),
                    span: script.span,
                });
            }
        } else if let Some(script) = &header.script {
            self.report(Declare::ScriptInInclude, script.span);
        }
        if header.start.is_none() {
            let tree = header.id.name.clone();
            self.report(Declare::NoStart { tree }, header.id.span);
        }
        match &header.outcomes {
            None => {
                let tree = header.id.name.clone();
                self.report(Declare::NoOutcomes { tree }, header.id.span);
            }
            Some(kinds) => {
                let mut seen = HashMap::new();
                for k in kinds {
                    if let Some(first) = seen.insert(k.name.clone(), k.span) {
                        let kind = k.name.clone();
                        self.report(Declare::KindTwice { kind, first }, k.span);
                        continue;
                    }
                    self.units[unit_index].kinds.push(k.name.clone());
                    if !self.kind_index.contains_key(&k.name) {
                        let idx = saturating_u32(self.kind_spans.len());
                        self.kind_index.insert(k.name.clone(), idx);
                        self.kind_spans.push(k.span);
                        self.kind_used.push(false);
                        self.domains[OUTCOME_KINDS.0 as usize].push(k.name.clone());
                    }
                }
            }
        }
        for (tag, name) in &header.citations {
            self.declare_citation(tag, name);
        }
    }

    /// The text of a string that is shown as written: `{name}` has no
    /// meaning there, so it is refused (with the fix for literal braces).
    pub(super) fn plain_text(&mut self, s: &ast::Str, place: &'static str) -> String {
        for part in &s.parts {
            if let StrPart::Var(v) = part {
                let name = v.name.clone();
                self.report(Declare::InterpolationNotAllowed { place, name }, v.span);
            }
        }
        s.to_template()
    }

    /// A source tag names one source for the whole tree: an included file
    /// may repeat a tag of the including one with the same text (so each
    /// file also works alone), but not give it another meaning.
    fn declare_citation(&mut self, tag: &Ident, name: &ast::Str) {
        let text = self.plain_text(name, "a source's name");
        let Some(&(first, index)) = self.citation_index.get(&tag.name) else {
            self.citation_index
                .insert(tag.name.clone(), (tag.span, self.citations.len()));
            self.citations.push((tag.name.clone(), text));
            return;
        };
        let same_file = first.file == tag.span.file;
        if !same_file && self.citations[index].1 == text {
            return;
        }
        let problem = Declare::SourceTagTwice {
            tag: tag.name.clone(),
            first,
            same_file,
        };
        self.report(problem, tag.span);
    }

    fn declare_vars(&mut self, unit_index: usize) {
        let (ast, prefix) = self.unit_parts(unit_index);
        for decl in &ast.vars {
            let name = format!("{prefix}{}", decl.name.name);
            if let Some(&first) = self.var_index.get(&name) {
                let first = self.vars[first.index()].span;
                let name = decl.name.name.clone();
                self.report(Declare::VariableTwice { name, first }, decl.name.span);
                continue;
            }
            if decl.param {
                self.params.insert(name.clone(), decl.name.span);
                if self.bind_param(unit_index, decl, &name) {
                    continue;
                }
            }
            let ty = match &decl.ty.node {
                TypeExpr::Bool => Type::Bool,
                TypeExpr::Int => Type::Int,
                TypeExpr::Text => Type::Text,
                TypeExpr::OneOf(members) => Type::Enum(self.declare_domain(members, false)),
                TypeExpr::Set(members) => Type::Set(self.declare_domain(members, true)),
            };
            let id = VarId(saturating_u32(self.vars.len()));
            self.var_index.insert(name.clone(), id);
            self.vars.push(Var {
                name,
                ty,
                default: Value::zero(ty),
                span: decl.name.span,
            });
            self.var_read.push(false);
        }
    }

    /// A parameter of an included tree: bound to a variable of the
    /// including tree, it becomes another name for that variable (returns
    /// true); bound to a constant, or left to its default, it is an
    /// ordinary variable of the included tree (returns false).
    fn bind_param(&mut self, unit_index: usize, decl: &ast::VarDecl, name: &str) -> bool {
        let Some((parent, inc)) = self.units[unit_index].included.clone() else {
            return false;
        };
        let Some(binding) = inc.args.iter().find(|b| b.param.name == decl.name.name) else {
            if decl.default.is_none() {
                let problem = Declare::ParameterNotGiven {
                    namespace: inc.namespace.name.clone(),
                    param: decl.name.name.clone(),
                    path: inc.path.to_template(),
                    declared_at: decl.name.span,
                };
                self.report(problem, inc.namespace.span);
            }
            return false;
        };
        let AstExpr::Name(source) = &binding.value.node else {
            return false;
        };
        let parent_prefix = Rc::clone(&self.units[parent].prefix);
        let Some(&id) = self
            .var_index
            .get(qualify(&parent_prefix, &source.name).as_ref())
        else {
            return false;
        };
        let have = self.vars[id.index()].ty;
        if !self.same_type(&decl.ty.node, have) {
            let problem = Declare::ParameterType {
                param: decl.name.name.clone(),
                var: source.name.clone(),
                want: decl.ty.node.to_string(),
                have: self.type_name(have),
                type_at: decl.ty.span,
            };
            self.report(problem, source.span);
            // Left an ordinary variable, so its uses are not reported too.
            return false;
        }
        self.var_read[id.index()] = true;
        self.var_index.insert(name.to_string(), id);
        true
    }

    /// Whether a declared type and a variable's type hold the same values.
    fn same_type(&self, decl: &TypeExpr, have: Type) -> bool {
        let same_members = |members: &[Ident], d: DomainId| {
            let domain = &self.domains[d.0 as usize];
            members.len() == domain.len() && members.iter().all(|m| domain.contains(&m.name))
        };
        match (decl, have) {
            (TypeExpr::Bool, Type::Bool)
            | (TypeExpr::Int, Type::Int)
            | (TypeExpr::Text, Type::Text) => true,
            (TypeExpr::OneOf(m), Type::Enum(d)) | (TypeExpr::Set(m), Type::Set(d)) => {
                same_members(m, d)
            }
            _ => false,
        }
    }

    /// Bindings that name no parameter of the included tree, or one twice.
    fn unknown_bindings(&mut self, unit_index: usize) {
        let Some((_, inc)) = self.units[unit_index].included.clone() else {
            return;
        };
        let ast = Rc::clone(&self.units[unit_index].ast);
        let params: Vec<&str> = ast
            .vars
            .iter()
            .filter(|v| v.param)
            .map(|v| v.name.name.as_str())
            .collect();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for b in &inc.args {
            if let Some(first) = seen.insert(&b.param.name, b.param.span) {
                let param = b.param.name.clone();
                self.report(Declare::ParameterBoundTwice { param, first }, b.param.span);
                continue;
            }
            if params.contains(&b.param.name.as_str()) {
                continue;
            }
            let tree = inc.path.to_template();
            let hint = if ast.vars.iter().any(|v| v.name.name == b.param.name) {
                ParamHint::IsVariable
            } else if params.is_empty() {
                ParamHint::NoParameters
            } else {
                match self.suggest(&b.param.name, params.iter().copied()) {
                    Some(guess) => ParamHint::Suggestion(guess),
                    None => ParamHint::Parameters(params.iter().map(|p| p.to_string()).collect()),
                }
            };
            let problem = Declare::UnknownParameter {
                tree,
                param: b.param.name.clone(),
                hint,
            };
            self.report(problem, b.param.span);
        }
    }

    fn declare_domain(&mut self, members: &[Ident], set: bool) -> DomainId {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut list = Vec::new();
        for m in members {
            if let Some(&first) = seen.get(m.name.as_str()) {
                let member = m.name.clone();
                self.report(Declare::MemberTwice { member, first }, m.span);
                continue;
            }
            seen.insert(&m.name, m.span);
            list.push(m.name.clone());
        }
        if set && list.len() > MAX_SET_MEMBERS {
            if let Some(m) = members.get(MAX_SET_MEMBERS) {
                self.report(Declare::TooManyMembers, m.span);
            }
        }
        // The same members in the same order make the same type, so two
        // variables declared alike can be compared and given to each other.
        // (The outcome kinds are not declared here: they stay their own.)
        if let Some(&d) = self.domain_index.get(&list) {
            return d;
        }
        let id = DomainId(saturating_u32(self.domains.len()));
        self.domain_index.insert(list.clone(), id);
        self.domains.push(list);
        id
    }

    fn declare_nodes(&mut self, unit_index: usize) {
        let (ast, prefix) = self.unit_parts(unit_index);
        self.node_index.reserve(ast.nodes.len());
        self.node_decls.reserve(ast.nodes.len());
        for (i, node) in ast.nodes.iter().enumerate() {
            let id = format!("{prefix}{}", node.id.name);
            if let Some(&first) = self.node_index.get(&id) {
                let (fu, fi) = self.node_decls[first.index()];
                let first_span = self.units[fu].ast.nodes[fi].id.span;
                let problem = Declare::NodeIdTwice {
                    id: node.id.name.clone(),
                    first: first_span,
                };
                self.report(problem, node.id.span);
                continue;
            }
            if self.namespaces.contains_key(&id) {
                let id = node.id.name.clone();
                self.report(Declare::NodeAndNamespace { id }, node.id.span);
                continue;
            }
            let nid = NodeId(saturating_u32(self.node_decls.len()));
            self.node_index.insert(id, nid);
            self.node_decls.push((unit_index, i));
        }
    }

    /// Type every default, then fold them all to values (defaults are
    /// constants, so no state is needed).
    fn declare_defaults(&mut self) {
        let mut typed = Vec::new();
        for unit_index in 0..self.units.len() {
            let (ast, prefix) = self.unit_parts(unit_index);
            let included = self.units[unit_index].included.clone();
            let parent_prefix = included
                .as_ref()
                .map(|(p, _)| Rc::clone(&self.units[*p].prefix));
            for decl in &ast.vars {
                // A parameter bound to a constant starts with that value.
                let binding = included
                    .as_ref()
                    .filter(|_| decl.param)
                    .and_then(|(_, inc)| inc.args.iter().find(|b| b.param.name == decl.name.name));
                // A binding to a variable is no default (when its type does
                // not fit, that is reported at the binding).
                let names_var = binding.is_some_and(|b| match &b.value.node {
                    AstExpr::Name(n) => parent_prefix
                        .as_ref()
                        .is_some_and(|p| self.var_index.contains_key(qualify(p, &n.name).as_ref())),
                    _ => false,
                });
                if names_var {
                    continue;
                }
                let scope = Scope {
                    prefix: match (&binding, &parent_prefix) {
                        (Some(_), Some(p)) => p,
                        _ => &prefix,
                    },
                    in_assert: false,
                    constant: true,
                };
                let Some(default) = binding.map(|b| &b.value).or(decl.default.as_ref()) else {
                    continue;
                };
                let Some(&id) = self
                    .var_index
                    .get(qualify(&prefix, &decl.name.name).as_ref())
                else {
                    continue;
                };
                if self.vars[id.index()].span != decl.name.span {
                    continue; // a duplicate, already reported
                }
                let ty = self.vars[id.index()].ty;
                if let Some(expr) = self.check_expr(default, scope, Some(ty)) {
                    typed.push((id, expr));
                }
            }
        }
        if typed.is_empty() {
            return;
        }
        let scratch = self.scratch_model();
        for (id, expr) in typed {
            match eval::eval(&scratch, &expr, &mut ConstEnv) {
                Ok(v) => self.vars[id.index()].default = v,
                Err(error) => self.report(Declare::DefaultNotComputable { error }, expr.span),
            }
        }
    }

    /// A model with just the domains, for constant folding.
    fn scratch_model(&self) -> Model {
        Model {
            id: String::new(),
            title: String::new(),
            version: 0,
            start: NodeId(0),
            vars: self.vars.clone(),
            domains: self.domains.clone(),
            nodes: Vec::new(),
            asserts: Vec::new(),
            citations: Vec::new(),
            quick_exit: false,
            script: None,
            hook_calls: Vec::new(),
            hooks: None,
            hash: String::new(),
            sources: Sources::new(),
        }
    }
}

/// Constant folding for defaults: no variables, nodes or outcomes exist.
pub(super) struct ConstEnv;

impl Env for ConstEnv {
    fn var(&self, _: VarId) -> &Value {
        const NONE: &Value = &Value::Bool(false);
        NONE
    }
    fn set_var(&mut self, _: VarId, _: Value) {}
    fn visited(&self, _: NodeId) -> bool {
        false
    }
    fn outcome(&self) -> Option<u32> {
        None
    }
}
