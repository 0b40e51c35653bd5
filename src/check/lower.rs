//! Stage 3, lowering: every node of every unit to a model `Node`, its
//! targets resolved to ids; the start node and the asserts.

use super::fields::Fields;
use super::{qualify, with_article, Checker, Scope};
use crate::ast::{self, Field, Ident};
use crate::diag::Diagnostic;
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
            let (u, i) = self.node_decls[n];
            let (ast, prefix) = self.unit_parts(u);
            let built = self.node(u, &prefix, &ast.nodes[i]);
            self.nodes.push(built);
        }
        for u in 0..self.units.len() {
            let (ast, prefix) = self.unit_parts(u);
            if let Some(start) = &ast.header.start {
                self.target(&prefix, start);
            }
            for a in &ast.asserts {
                self.assert_rule(&prefix, a);
            }
        }
    }

    /// A unit's syntax tree and name prefix, held apart from `self`.
    pub(super) fn unit_parts(&self, u: usize) -> (Rc<ast::File>, Rc<str>) {
        let unit = &self.units[u];
        (Rc::clone(&unit.ast), Rc::clone(&unit.prefix))
    }

    pub(super) fn assert_rule(&mut self, prefix: &str, a: &ast::Assert) {
        let scope = Scope {
            prefix,
            in_assert: true,
            constant: false,
        };
        let rule = match &a.rule {
            ast::AssertRule::Always(e) => self
                .expr(e, scope, Some(Type::Bool))
                .map(AssertRule::Always),
            ast::AssertRule::Never(e) => {
                self.expr(e, scope, Some(Type::Bool)).map(AssertRule::Never)
            }
            ast::AssertRule::Reachable(n) => self.target(prefix, n).map(AssertRule::Reachable),
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
    pub(super) fn target(&mut self, prefix: &str, name: &Ident) -> Option<NodeId> {
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
        let help = self
            .suggest(&name.name, candidates.iter().copied())
            .unwrap_or_else(|| "every target must be the id of a node in this tree".into());
        self.push(
            Diagnostic::error("E003", format!("unknown node `{}`", name.name), name.span)
                .label("no node has this id")
                .help(help),
        );
        None
    }

    /// Whether `qualified` (`ns.node`) lies in an include that could not
    /// be loaded: its problem is already reported at the include.
    pub(super) fn inside_failed_include(&self, qualified: &str) -> bool {
        qualified.match_indices('.').any(|(dot, _)| {
            self.namespaces
                .get(&qualified[..dot])
                .is_some_and(|ns| ns.unit.is_none())
        })
    }

    pub(super) fn node(&mut self, u: usize, prefix: &str, node: &ast::Node) -> Node {
        let mut f = Fields::default();
        let kind = node.kind.node;
        for field in &node.fields {
            self.collect_field(kind, &mut f, field);
        }
        let scope = Scope {
            prefix,
            in_assert: false,
            constant: false,
        };
        let text = f.text.as_ref().map(|s| self.text(s, scope));
        let help = f.help.as_ref().map(|s| self.text(s, scope));
        let sources = f
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
                    let help = self.suggest(&t.name, names).unwrap_or_else(|| {
                        format!(
                            "declare it in the header: source {} \"what it stands for\"",
                            t.name
                        )
                    });
                    self.push(
                        Diagnostic::error(
                            "E004",
                            format!("unknown source tag `{}`", t.name),
                            t.span,
                        )
                        .label("not declared in any tree header")
                        .help(help),
                    );
                }
                t.name.clone()
            })
            .collect();
        let needs_text = !matches!(
            kind,
            ast::NodeKind::Branch | ast::NodeKind::Score | ast::NodeKind::Outcome
        );
        if needs_text && text.is_none() {
            self.missing(node, "text", "text \"What the person reads\"");
        }
        let built = match kind {
            ast::NodeKind::Question => self.question(node, &f, scope),
            ast::NodeKind::Checklist => self.checklist(node, &f, scope),
            ast::NodeKind::Input => self.input(node, &f, scope),
            ast::NodeKind::Branch => self.branch(node, &f, scope),
            ast::NodeKind::Score | ast::NodeKind::Info => {
                if kind == ast::NodeKind::Score && f.effects.is_empty() {
                    self.missing(node, "set", "set score = hook my_score(answer)");
                }
                let effects = self.effects(f.effects.iter().copied(), scope);
                let next = self.next(node, &f, prefix);
                if kind == ast::NodeKind::Score {
                    NodeKind::Score { effects, next }
                } else {
                    let advice = f.advice.iter().map(|s| self.text(s, scope)).collect();
                    NodeKind::Info {
                        effects,
                        advice,
                        next,
                    }
                }
            }
            ast::NodeKind::Outcome => self.outcome(u, node, &f, scope),
        };
        Node {
            id: format!("{prefix}{}", node.id.name),
            kind: built,
            text,
            help,
            sources,
            tags: f.tags.iter().map(|t| t.name.clone()).collect(),
            span: node.span,
            id_span: node.id.span,
        }
    }

    pub(super) fn missing(&mut self, node: &ast::Node, field: &str, example: &str) {
        self.push(
            Diagnostic::error(
                "E014",
                format!(
                    "the {} `{}` has no `{field}`",
                    node.kind.node.keyword(),
                    node.id.name
                ),
                node.id.span,
            )
            .label(format!("`{field}` missing"))
            .help(format!("add it inside the braces: {example}")),
        );
    }

    pub(super) fn next(&mut self, node: &ast::Node, f: &Fields, prefix: &str) -> NodeId {
        match &f.goto {
            Some(t) => self.target(prefix, t).unwrap_or(NodeId(0)),
            None => {
                self.no_way_out(
                    node,
                    "it has no `-> next_node`",
                    "add `-> next_node` inside the braces",
                );
                NodeId(0)
            }
        }
    }

    pub(super) fn no_way_out(&mut self, node: &ast::Node, why: &str, help: &str) {
        self.push(
            Diagnostic::error(
                "E009",
                format!(
                    "the {} `{}` has no way out",
                    node.kind.node.keyword(),
                    node.id.name
                ),
                node.id.span,
            )
            .label(why.to_string())
            .help(help.to_string()),
        );
    }

    pub(super) fn question(&mut self, node: &ast::Node, f: &Fields, scope: Scope<'_>) -> NodeKind {
        if f.options.is_empty() {
            self.no_way_out(
                node,
                "it has no options",
                "add options: option yes \"Yes\" -> next_node",
            );
        }
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut options = Vec::new();
        for o in &f.options {
            if let Some(&first) = seen.get(&o.id.name) {
                self.push(
                    Diagnostic::error("E002", format!("the option id `{}` is used twice in `{}`", o.id.name, node.id.name), o.id.span)
                        .label("second option with this id")
                        .with_secondary(first, "first used here")
                        .help("option ids key answers files and saved sessions: each must be unique within its question"),
                );
            }
            seen.insert(o.id.name.clone(), o.id.span);
            let label = self.text(&o.label, scope);
            let cond = o
                .cond
                .as_ref()
                .and_then(|c| self.expr(c, scope, Some(Type::Bool)));
            let effects = self.effects(&o.effects, scope);
            let next = self.target(scope.prefix, &o.target).unwrap_or(NodeId(0));
            options.push(Choice {
                id: o.id.name.clone(),
                label,
                cond,
                effects,
                next,
                span: o.id.span.to(o.target.span),
            });
        }
        if !f.options.is_empty() && f.options.iter().all(|o| o.cond.is_some()) {
            self.push(
                Diagnostic::warning(
                    "W004",
                    format!("every option of `{}` has a condition", node.id.name),
                    node.id.span,
                )
                .label("if all conditions are false, nothing can be chosen")
                .help("add an option without `if` as a fallback"),
            );
        }
        NodeKind::Question { options }
    }

    pub(super) fn checklist(&mut self, node: &ast::Node, f: &Fields, scope: Scope<'_>) -> NodeKind {
        let var = match &f.into {
            Some(v) => self.lookup_var(v, scope, "set(item_a, item_b)"),
            None => {
                self.missing(node, "into", "into my_set_variable");
                None
            }
        };
        let domain = var.and_then(|v| match self.vars[v.index()].ty {
            Type::Set(d) => Some(d),
            other => {
                let name = f.into.as_ref().map(|i| (i.name.clone(), i.span));
                if let Some((name, span)) = name {
                    let ty = self.type_name(other);
                    self.push(
                        Diagnostic::error(
                            "E005",
                            format!("a checklist fills a set, but `{name}` is {ty}"),
                            span,
                        )
                        .label("not a set variable")
                        .help(format!(
                            "declare it as a set: var {name}: set(item_a, item_b)"
                        )),
                    );
                }
                None
            }
        });
        if f.items.is_empty() {
            self.missing(
                node,
                "item",
                "item understood \"I understand why it ended\"",
            );
        }
        let mut items = Vec::new();
        let mut seen: HashMap<String, Span> = HashMap::new();
        for it in &f.items {
            if let Some(&first) = seen.get(&it.id.name) {
                self.push(
                    Diagnostic::error(
                        "E002",
                        format!("the item `{}` is listed twice", it.id.name),
                        it.id.span,
                    )
                    .label("second item with this id")
                    .with_secondary(first, "first listed here"),
                );
            }
            seen.insert(it.id.name.clone(), it.id.span);
            let label = self.text(&it.label, scope);
            let cond = it
                .cond
                .as_ref()
                .and_then(|c| self.expr(c, scope, Some(Type::Bool)));
            let member = match (domain, var, &f.into) {
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
        let next = self.next(node, f, scope.prefix);
        NodeKind::Checklist {
            var: var.unwrap_or(VarId(0)),
            items,
            next,
        }
    }

    pub(super) fn input(&mut self, node: &ast::Node, f: &Fields, scope: Scope<'_>) -> NodeKind {
        let (var, input) = match &f.input {
            Some(Field::Number { var, range }) => {
                let id = self.typed_var(var, Type::Int, scope, "number into");
                let (min, max) = match range {
                    Some((lo, hi)) => {
                        if lo.node > hi.node {
                            self.push(
                                Diagnostic::error(
                                    "E015",
                                    format!("the range {}..={} is empty", lo.node, hi.node),
                                    lo.span.to(hi.span),
                                )
                                .label("the low end is above the high end")
                                .help(format!("write it low to high: {}..={}", hi.node, lo.node)),
                            );
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
                self.missing(
                    node,
                    "number into",
                    "number into my_int_variable range 0..=100",
                );
                (None, InputKind::Number { min: 0, max: 0 })
            }
        };
        let mut examples = Vec::new();
        for ex in &f.examples {
            match (&input, &ex.node) {
                (InputKind::Number { min, max }, ast::Literal::Int(n)) => {
                    // An empty range is reported once, at the range.
                    if min <= max && (n < min || n > max) {
                        self.push(
                            Diagnostic::error(
                                "E015",
                                format!("the example {n} is outside the range {min}..={max}"),
                                ex.span,
                            )
                            .label("out of range")
                            .help("examples must be answers the prompt would accept"),
                        );
                    }
                    examples.push(Value::Int(*n));
                }
                (InputKind::Text { .. }, ast::Literal::Text(s)) => {
                    examples.push(Value::Text(Arc::from(s.as_str())))
                }
                (InputKind::Number { .. }, _) => self.push(
                    Diagnostic::error(
                        "E005",
                        "this input takes numbers, but the example is text",
                        ex.span,
                    )
                    .label("expected a number"),
                ),
                (InputKind::Text { .. }, _) => self.push(
                    Diagnostic::error(
                        "E005",
                        "this input takes text, but the example is a number",
                        ex.span,
                    )
                    .label("expected a string in double quotes"),
                ),
            }
        }
        let next = self.next(node, f, scope.prefix);
        NodeKind::Input {
            var: var.unwrap_or(VarId(0)),
            input,
            examples,
            next,
        }
    }

    pub(super) fn typed_var(
        &mut self,
        name: &Ident,
        want: Type,
        scope: Scope<'_>,
        what: &str,
    ) -> Option<VarId> {
        let declare_as = if want == Type::Int { "int" } else { "text" };
        let id = self.lookup_var(name, scope, declare_as)?;
        let ty = self.vars[id.index()].ty;
        if ty != want {
            let (have, want_name) = (self.type_name(ty), self.type_name(want));
            self.push(
                Diagnostic::error(
                    "E005",
                    format!(
                        "`{what}` needs {} variable, but `{}` is {have}",
                        with_article(&want_name),
                        name.name
                    ),
                    name.span,
                )
                .label(format!("expected {want_name}"))
                .help(format!("declare it as: var {}: {want_name}", name.name)),
            );
            return None;
        }
        Some(id)
    }

    pub(super) fn branch(&mut self, node: &ast::Node, f: &Fields, scope: Scope<'_>) -> NodeKind {
        let mut arms = Vec::new();
        for (cond, target, span) in &f.arms {
            let cond = self.expr(cond, scope, Some(Type::Bool));
            let next = self.target(scope.prefix, target);
            if let (Some(cond), Some(next)) = (cond, next) {
                arms.push(Arm {
                    cond,
                    next,
                    span: *span,
                });
            }
        }
        let otherwise = match &f.otherwise {
            Some(t) => self.target(scope.prefix, t).unwrap_or(NodeId(0)),
            None => {
                self.no_way_out(
                    node,
                    "when no `when` matches, there is nowhere to go",
                    "add a fallback: else -> some_node",
                );
                NodeId(0)
            }
        };
        NodeKind::Branch { arms, otherwise }
    }

    pub(super) fn outcome(
        &mut self,
        u: usize,
        node: &ast::Node,
        f: &Fields,
        scope: Scope<'_>,
    ) -> NodeKind {
        let title = match &f.title {
            Some(t) => self.text(t, scope),
            None => {
                self.missing(node, "title", "title \"What to do next\"");
                Text::default()
            }
        };
        let kind = match &f.kind {
            None => {
                let example = format!(
                    "kind {}",
                    self.units[u].kinds.first().map_or("done", String::as_str)
                );
                self.missing(node, "kind", &example);
                0
            }
            Some(k) if self.units[u].kinds.contains(&k.name) => {
                let idx = self.kind_index.get(&k.name).copied().unwrap_or(0);
                if let Some(used) = self.kind_used.get_mut(idx as usize) {
                    *used = true;
                }
                idx
            }
            Some(k) => {
                let declared: Vec<&str> = self.units[u].kinds.iter().map(String::as_str).collect();
                let help = self
                    .suggest(&k.name, declared.iter().copied())
                    .unwrap_or_else(|| {
                        format!(
                            "declare it in the tree header: outcomes {}",
                            declared
                                .iter()
                                .copied()
                                .chain(std::iter::once(k.name.as_str()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    });
                self.push(
                    Diagnostic::error(
                        "E011",
                        format!("the outcome kind `{}` is not declared", k.name),
                        k.span,
                    )
                    .label("not in this tree's `outcomes`")
                    .help(help),
                );
                0
            }
        };
        let advice = f.advice.iter().map(|s| self.text(s, scope)).collect();
        NodeKind::Outcome {
            kind,
            title,
            advice,
        }
    }
}
