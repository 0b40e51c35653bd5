//! Stage 3, lowering: every node of every unit to a model `Node`, its
//! targets resolved to ids; the start node and the asserts.

use super::fields::Fields;
use super::{qualify, Checker, Scope};
use crate::ast::{self, Field, Ident};
use crate::diag::problem::{self, NoWayOut};
use crate::model::{
    Arm, Assert, AssertRule, Choice, InputKind, Item, Node, NodeId, NodeKind, Text, Type, Value,
    VarId,
};
use crate::source::Span;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

impl Checker {
    pub(super) fn resolve(&mut self) {
        self.nodes.reserve(self.node_decls.len());
        for n in 0..self.node_decls.len() {
            let (unit_index, i) = self.node_decls[n];
            let (ast, prefix) = self.unit_parts(unit_index);
            let built = self.lower_node(unit_index, &prefix, &ast.nodes[i]);
            self.nodes.push(built);
        }
        for unit_index in 0..self.units.len() {
            let (ast, prefix) = self.unit_parts(unit_index);
            if let Some(start) = &ast.header.start {
                self.resolve_target(&prefix, start);
            }
            for a in &ast.asserts {
                self.assert_rule(&prefix, a);
            }
        }
    }

    /// A unit's syntax tree and name prefix, held apart from `self`.
    pub(super) fn unit_parts(&self, unit_index: usize) -> (Rc<ast::File>, Rc<str>) {
        let unit = &self.units[unit_index];
        (Rc::clone(&unit.ast), Rc::clone(&unit.prefix))
    }

    fn assert_rule(&mut self, prefix: &str, a: &ast::Assert) {
        let scope = Scope {
            prefix,
            in_assert: true,
            constant: false,
        };
        let rule = match &a.rule {
            ast::AssertRule::Always(e) => self
                .check_expr(e, scope, Some(Type::Bool))
                .map(AssertRule::Always),
            ast::AssertRule::Never(e) => self
                .check_expr(e, scope, Some(Type::Bool))
                .map(AssertRule::Never),
            ast::AssertRule::Reachable(n) => {
                self.resolve_target(prefix, n).map(AssertRule::Reachable)
            }
        };
        let message = a
            .message
            .as_ref()
            .map(|m| self.plain_text(m, "an assert's message"));
        if let Some(rule) = rule {
            self.asserts.push(Assert {
                rule,
                message,
                span: a.span,
            });
        }
    }

    /// Resolve a node reference: a node id, or an include namespace (its
    /// start node).
    pub(super) fn resolve_target(&mut self, prefix: &str, name: &Ident) -> Option<NodeId> {
        let qualified = qualify(prefix, &name.name);
        if let Some(&id) = self.node_index.get(qualified.as_ref()) {
            return Some(id);
        }
        if let Some(ns) = self.namespaces.get(qualified.as_ref()) {
            let unit = &self.units[ns.unit?];
            let start = unit.ast.header.start.as_ref()?;
            return self
                .node_index
                .get(&format!("{}{}", unit.prefix, start.name))
                .copied();
        }
        if self.inside_failed_include(&qualified) {
            return None;
        }
        let candidates: Vec<&str> = self
            .node_index
            .keys()
            .chain(self.namespaces.keys())
            .filter_map(|k| k.strip_prefix(prefix))
            .take(self.candidates_wanted())
            .collect();
        let suggestion = self.suggest(&name.name, candidates.iter().copied());
        let problem = problem::Node::UnknownNode {
            name: name.name.clone(),
            suggestion,
        };
        self.report(problem, name.span);
        None
    }

    /// Whether `qualified` (`ns.node`) lies in an include that could not
    /// be loaded: its problem is already reported at the include.
    fn inside_failed_include(&self, qualified: &str) -> bool {
        qualified.match_indices('.').any(|(dot, _)| {
            self.namespaces
                .get(&qualified[..dot])
                .is_some_and(|ns| ns.unit.is_none())
        })
    }

    fn lower_node(&mut self, unit_index: usize, prefix: &str, node: &ast::Node) -> Node {
        let mut fields = Fields::default();
        let kind = node.kind.node;
        for field in &node.fields {
            self.collect_field(kind, &mut fields, field);
        }
        let scope = Scope {
            prefix,
            in_assert: false,
            constant: false,
        };
        let text = fields.text.as_ref().map(|s| self.lower_text(s, scope));
        let help = fields.help.as_ref().map(|s| self.lower_text(s, scope));
        let sources = fields
            .sources
            .iter()
            .map(|t| {
                if !self.citation_index.contains_key(&t.name) {
                    let names: Vec<&str> = self
                        .citation_index
                        .keys()
                        .map(String::as_str)
                        .take(self.candidates_wanted())
                        .collect();
                    let problem = problem::Node::UnknownSourceTag {
                        tag: t.name.clone(),
                        suggestion: self.suggest(&t.name, names),
                    };
                    self.report(problem, t.span);
                }
                t.name.clone()
            })
            .collect();
        let needs_text = !matches!(
            kind,
            ast::NodeKind::Branch | ast::NodeKind::Score | ast::NodeKind::Outcome
        );
        if needs_text && text.is_none() {
            self.missing_field(node, "text");
        }
        let built = match kind {
            ast::NodeKind::Question => self.lower_question(node, &fields, scope),
            ast::NodeKind::Checklist => self.lower_checklist(node, &fields, scope),
            ast::NodeKind::Input => self.lower_input(node, &fields, scope),
            ast::NodeKind::Branch => self.lower_branch(node, &fields, scope),
            ast::NodeKind::Score | ast::NodeKind::Info => {
                if kind == ast::NodeKind::Score && fields.effects.is_empty() {
                    self.missing_field(node, "set");
                }
                let effects = self.lower_effects(fields.effects.iter().copied(), scope);
                let next = self.next_target(node, &fields, prefix);
                if kind == ast::NodeKind::Score {
                    NodeKind::Score { effects, next }
                } else {
                    let advice = fields
                        .advice
                        .iter()
                        .map(|s| self.lower_text(s, scope))
                        .collect();
                    NodeKind::Info {
                        effects,
                        advice,
                        next,
                    }
                }
            }
            ast::NodeKind::Outcome => self.lower_outcome(unit_index, node, &fields, scope),
        };
        Node {
            id: format!("{prefix}{}", node.id.name),
            kind: built,
            text,
            help,
            sources,
            tags: fields.tags.iter().map(|t| t.name.clone()).collect(),
            span: node.span,
            id_span: node.id.span,
        }
    }

    /// E014 for a required field left out.
    fn missing_field(&mut self, node: &ast::Node, field: &'static str) {
        self.missing_with_kind(node, field, None);
    }

    /// E014; `first_kind` shapes the example for a missing `kind`.
    fn missing_with_kind(
        &mut self,
        node: &ast::Node,
        field: &'static str,
        first_kind: Option<String>,
    ) {
        let problem = problem::Node::MissingField {
            kind: node.kind.node,
            node: node.id.name.clone(),
            field,
            first_kind,
        };
        self.report(problem, node.id.span);
    }

    fn next_target(&mut self, node: &ast::Node, fields: &Fields, prefix: &str) -> NodeId {
        match &fields.goto {
            Some(t) => self.resolve_target(prefix, t).unwrap_or(NodeId(0)),
            None => {
                self.no_way_out(node, NoWayOut::NoNext);
                NodeId(0)
            }
        }
    }

    fn no_way_out(&mut self, node: &ast::Node, why: NoWayOut) {
        let problem = problem::Node::NoWayOut {
            kind: node.kind.node,
            node: node.id.name.clone(),
            why,
        };
        self.report(problem, node.id.span);
    }

    fn lower_question(&mut self, node: &ast::Node, fields: &Fields, scope: Scope<'_>) -> NodeKind {
        if fields.options.is_empty() {
            self.no_way_out(node, NoWayOut::NoOptions);
        }
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut options = Vec::new();
        for o in &fields.options {
            if let Some(&first) = seen.get(&o.id.name) {
                let problem = problem::Node::OptionIdTwice {
                    option: o.id.name.clone(),
                    question: node.id.name.clone(),
                    first,
                };
                self.report(problem, o.id.span);
            }
            seen.insert(o.id.name.clone(), o.id.span);
            let label = self.lower_text(&o.label, scope);
            let cond = o
                .cond
                .as_ref()
                .and_then(|c| self.check_expr(c, scope, Some(Type::Bool)));
            let effects = self.lower_effects(&o.effects, scope);
            let next = self
                .resolve_target(scope.prefix, &o.target)
                .unwrap_or(NodeId(0));
            options.push(Choice {
                id: o.id.name.clone(),
                label,
                cond,
                effects,
                next,
                span: o.id.span.to(o.target.span),
            });
        }
        if !fields.options.is_empty() && fields.options.iter().all(|o| o.cond.is_some()) {
            let question = node.id.name.clone();
            self.report(
                problem::Node::AllOptionsConditional { question },
                node.id.span,
            );
        }
        NodeKind::Question { options }
    }

    fn lower_checklist(&mut self, node: &ast::Node, fields: &Fields, scope: Scope<'_>) -> NodeKind {
        let var = match &fields.into {
            Some(v) => self.lookup_var(v, scope, "set(item_a, item_b)"),
            None => {
                self.missing_field(node, "into");
                None
            }
        };
        let domain = var.and_then(|v| match self.vars[v.index()].ty {
            Type::Set(d) => Some(d),
            other => {
                let name = fields.into.as_ref().map(|i| (i.name.clone(), i.span));
                if let Some((name, span)) = name {
                    let ty = self.type_name(other);
                    self.report(problem::Node::ChecklistNotSet { var: name, ty }, span);
                }
                None
            }
        });
        if fields.items.is_empty() {
            self.missing_field(node, "item");
        }
        let mut items = Vec::new();
        let mut seen: HashMap<String, Span> = HashMap::new();
        for it in &fields.items {
            if let Some(&first) = seen.get(&it.id.name) {
                let item = it.id.name.clone();
                self.report(problem::Node::ItemTwice { item, first }, it.id.span);
            }
            seen.insert(it.id.name.clone(), it.id.span);
            let label = self.lower_text(&it.label, scope);
            let cond = it
                .cond
                .as_ref()
                .and_then(|c| self.check_expr(c, scope, Some(Type::Bool)));
            let member = match (domain, var, &fields.into) {
                (Some(d), Some(v), Some(into)) => self.item_member(d, v, into, &it.id),
                _ => None,
            };
            items.push(Item {
                id: it.id.name.clone(),
                label,
                member: member.unwrap_or(0),
                cond,
                span: it.id.span,
            });
        }
        let next = self.next_target(node, fields, scope.prefix);
        NodeKind::Checklist {
            var: var.unwrap_or(VarId(0)),
            items,
            next,
        }
    }

    fn lower_input(&mut self, node: &ast::Node, fields: &Fields, scope: Scope<'_>) -> NodeKind {
        let (var, input) = match &fields.input {
            Some(Field::Number { var, range }) => {
                let id = self.typed_var(var, Type::Int, scope, "number into");
                let (min, max) = match range {
                    Some((lo, hi)) => {
                        if lo.node > hi.node {
                            let problem = problem::Node::EmptyRange {
                                low: lo.node,
                                high: hi.node,
                            };
                            self.report(problem, lo.span.to(hi.span));
                        }
                        (lo.node, hi.node)
                    }
                    None => (i64::MIN, i64::MAX),
                };
                (id, InputKind::Number { min, max })
            }
            Some(Field::TextInput { var, max }) => {
                let id = self.typed_var(var, Type::Text, scope, "text into");
                (
                    id,
                    InputKind::Text {
                        max_len: max.as_ref().map_or(1000, |m| m.node),
                    },
                )
            }
            _ => {
                self.missing_field(node, "number into");
                (None, InputKind::Number { min: 0, max: 0 })
            }
        };
        let mut examples = Vec::new();
        for ex in &fields.examples {
            match (&input, &ex.node) {
                (InputKind::Number { min, max }, ast::Literal::Int(n)) => {
                    // An empty range is reported once, at the range.
                    if min <= max && (n < min || n > max) {
                        let problem = problem::Node::ExampleOutOfRange {
                            example: *n,
                            min: *min,
                            max: *max,
                        };
                        self.report(problem, ex.span);
                    }
                    examples.push(Value::Int(*n));
                }
                (InputKind::Text { .. }, ast::Literal::Text(s)) => {
                    examples.push(Value::Text(Arc::from(s.as_str())))
                }
                (InputKind::Number { .. }, _) => {
                    self.report(problem::Node::ExampleNotNumber, ex.span)
                }
                (InputKind::Text { .. }, _) => self.report(problem::Node::ExampleNotText, ex.span),
            }
        }
        let next = self.next_target(node, fields, scope.prefix);
        NodeKind::Input {
            var: var.unwrap_or(VarId(0)),
            input,
            examples,
            next,
        }
    }

    fn typed_var(
        &mut self,
        name: &Ident,
        want: Type,
        scope: Scope<'_>,
        what: &'static str,
    ) -> Option<VarId> {
        let declare_as = if want == Type::Int { "int" } else { "text" };
        let id = self.lookup_var(name, scope, declare_as)?;
        let ty = self.vars[id.index()].ty;
        if ty != want {
            let problem = problem::Node::InputVariableType {
                field: what,
                var: name.name.clone(),
                want: self.type_name(want),
                have: self.type_name(ty),
            };
            self.report(problem, name.span);
            return None;
        }
        Some(id)
    }

    fn lower_branch(&mut self, node: &ast::Node, fields: &Fields, scope: Scope<'_>) -> NodeKind {
        let mut arms = Vec::new();
        for (cond, target, span) in &fields.arms {
            let cond = self.check_expr(cond, scope, Some(Type::Bool));
            let next = self.resolve_target(scope.prefix, target);
            if let (Some(cond), Some(next)) = (cond, next) {
                arms.push(Arm {
                    cond,
                    next,
                    span: *span,
                });
            }
        }
        let otherwise = match &fields.otherwise {
            Some(t) => self.resolve_target(scope.prefix, t).unwrap_or(NodeId(0)),
            None => {
                self.no_way_out(node, NoWayOut::NoElse);
                NodeId(0)
            }
        };
        NodeKind::Branch { arms, otherwise }
    }

    fn lower_outcome(
        &mut self,
        unit_index: usize,
        node: &ast::Node,
        fields: &Fields,
        scope: Scope<'_>,
    ) -> NodeKind {
        let title = match &fields.title {
            Some(t) => self.lower_text(t, scope),
            None => {
                self.missing_field(node, "title");
                Text::default()
            }
        };
        let kind = match &fields.kind {
            None => {
                let first_kind = self.units[unit_index].kinds.first().cloned();
                self.missing_with_kind(node, "kind", first_kind);
                0
            }
            Some(k) if self.units[unit_index].kinds.contains(&k.name) => {
                let idx = self.kind_index.get(&k.name).copied().unwrap_or(0);
                if let Some(used) = self.kind_used.get_mut(idx as usize) {
                    *used = true;
                }
                idx
            }
            Some(k) => {
                let declared = self.units[unit_index].kinds.clone();
                let suggestion = self.suggest(&k.name, declared.iter().map(String::as_str));
                let problem = problem::Node::UnknownKind {
                    kind: k.name.clone(),
                    suggestion,
                    declared,
                };
                self.report(problem, k.span);
                0
            }
        };
        let advice = fields
            .advice
            .iter()
            .map(|s| self.lower_text(s, scope))
            .collect();
        NodeKind::Outcome {
            kind,
            title,
            advice,
        }
    }
}
