//! Every name in one file, where it is defined and where it is used: the
//! table behind go to definition, references, rename and hover.
//!
//! It is built from the syntax tree alone (no checking), so it is there as
//! long as the file parses. A dotted name (`silence.start`) is resolved into
//! the file included as `silence`.

use crate::ast::{
    AssertRule, BinOp, Effect, Expr, ExprKind, Field, File, Ident, Node, Str, StrPart, TypeExpr,
};
use crate::ids::saturating_u32;
use crate::source::Span;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What kind of thing a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SymKind {
    /// A node id.
    Node,
    /// A variable.
    Var,
    /// A member of a `one_of` or `set` type (also a checklist item's id).
    Member,
    /// An outcome kind from the header's `outcomes`.
    OutcomeKind,
    /// A source tag from the header's `source TAG "..."`.
    SourceTag,
    /// The namespace of an include.
    Namespace,
    /// A hook: a function of the tree's Rhai script.
    Hook,
}

impl SymKind {
    /// How the kind is named to authors.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            SymKind::Node => "node",
            SymKind::Var => "variable",
            SymKind::Member => "member",
            SymKind::OutcomeKind => "outcome kind",
            SymKind::SourceTag => "source tag",
            SymKind::Namespace => "include",
            SymKind::Hook => "hook",
        }
    }
}

/// A thing with a name, wherever it is referred to from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Symbol {
    /// What it is.
    pub kind: SymKind,
    /// The file that defines it (the script, for a hook).
    pub file: PathBuf,
    /// Its name in that file.
    pub name: String,
    /// For a member, the variable whose type lists it.
    pub owner: String,
}

/// One place a name is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The characters of the name (the last part of a dotted name).
    pub span: Span,
    /// What it refers to.
    pub symbol: Symbol,
    /// Whether this is where it is defined.
    pub definition: bool,
}

/// The names of one parsed file.
#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    /// The file (normalized).
    pub path: PathBuf,
    /// Every name written in it, in source order.
    pub occurrences: Vec<Occurrence>,
    /// Include namespaces and the files they name.
    pub includes: BTreeMap<String, PathBuf>,
    /// The hook script, when the header names one.
    pub script: Option<PathBuf>,
    /// Where each include's path string is written, and the file it names.
    pub include_paths: Vec<(Span, PathBuf)>,
}

impl FileIndex {
    /// The occurrence under a byte offset (its end counts, so that a
    /// cursor just after a name finds it).
    #[must_use]
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        let offset = saturating_u32(offset);
        self.occurrences
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Where `symbol` is defined in this file.
    #[must_use]
    pub fn definition(&self, symbol: &Symbol) -> Option<Span> {
        self.occurrences
            .iter()
            .find(|o| o.definition && &o.symbol == symbol)
            .map(|o| o.span)
    }

    /// Every symbol of `kind` defined in this file.
    pub fn defined(&self, kind: SymKind) -> impl Iterator<Item = &Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.definition && o.symbol.kind == kind)
    }
}

/// Index a parsed file at `path` (normalized, so that includes resolve
/// to the same paths from every file).
#[must_use]
pub fn index(path: &Path, ast: &File) -> FileIndex {
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut ix = Indexer {
        path: path.to_path_buf(),
        ast,
        out: FileIndex {
            path: path.to_path_buf(),
            ..FileIndex::default()
        },
    };
    for inc in &ast.includes {
        if let Some(p) = inc.path.as_plain() {
            let file = crate::load::normalize(&dir.join(p));
            ix.out.include_paths.push((inc.path.span, file.clone()));
            ix.out.includes.insert(inc.namespace.name.clone(), file);
        }
    }
    ix.out.script = ast
        .header
        .script
        .as_ref()
        .and_then(Str::as_plain)
        .map(|p| crate::load::normalize(&dir.join(p)));
    ix.file();
    ix.out.occurrences.sort_by_key(|o| o.span.start);
    ix.out
}

struct Indexer<'a> {
    path: PathBuf,
    ast: &'a File,
    out: FileIndex,
}

impl Indexer<'_> {
    fn push(&mut self, span: Span, symbol: Symbol, definition: bool) {
        self.out.occurrences.push(Occurrence {
            span,
            symbol,
            definition,
        });
    }

    fn local(&self, kind: SymKind, name: &str, owner: &str) -> Symbol {
        Symbol {
            kind,
            file: self.path.clone(),
            name: name.to_string(),
            owner: owner.to_string(),
        }
    }

    fn define(&mut self, kind: SymKind, id: &Ident, owner: &str) {
        let symbol = self.local(kind, &id.name, owner);
        self.push(id.span, symbol, true);
    }

    /// A use of a name: plain, or `ns.name` into an include.
    fn refer(&mut self, kind: SymKind, id: &Ident, owner: &str) {
        if let Some((ns, rest)) = id.name.split_once('.') {
            if let Some(file) = self.out.includes.get(ns).cloned() {
                let ns_span = Span {
                    end: id.span.start + saturating_u32(ns.len()),
                    ..id.span
                };
                let symbol = self.local(SymKind::Namespace, ns, "");
                self.push(ns_span, symbol, false);
                let symbol = Symbol {
                    kind,
                    file,
                    name: rest.to_string(),
                    owner: owner.to_string(),
                };
                let span = Span {
                    start: ns_span.end + 1,
                    ..id.span
                };
                self.push(span, symbol, false);
            }
            return;
        }
        let kind = if kind == SymKind::Node && self.out.includes.contains_key(&id.name) {
            SymKind::Namespace
        } else {
            kind
        };
        let symbol = self.local(kind, &id.name, owner);
        self.push(id.span, symbol, false);
    }

    fn var_decl(&self, name: &str) -> Option<&TypeExpr> {
        self.ast
            .vars
            .iter()
            .find(|v| v.name.name == name)
            .map(|v| &v.ty.node)
    }

    /// The variable whose type lists `member`: `owner` when it does, or
    /// else the first that does.
    fn member_owner(&self, member: &str, owner: Option<&str>) -> Option<String> {
        let lists = |ty: &TypeExpr| match ty {
            TypeExpr::OneOf(m) | TypeExpr::Set(m) => m.iter().any(|i| i.name == member),
            _ => false,
        };
        if let Some(owner) = owner {
            if self.var_decl(owner).is_some_and(lists) {
                return Some(owner.to_string());
            }
        }
        self.ast
            .vars
            .iter()
            .find(|v| lists(&v.ty.node))
            .map(|v| v.name.name.clone())
    }

    fn file(&mut self) {
        let ast = self.ast;
        let h = &ast.header;
        if let Some(start) = &h.start {
            self.refer(SymKind::Node, start, "");
        }
        for kind in h.outcomes.iter().flatten() {
            self.define(SymKind::OutcomeKind, kind, "");
        }
        for (tag, _) in &h.citations {
            self.define(SymKind::SourceTag, tag, "");
        }
        self.string(&h.title);
        for inc in &ast.includes {
            self.define(SymKind::Namespace, &inc.namespace, "");
            for binding in &inc.args {
                if let Some(file) = self.out.includes.get(&inc.namespace.name).cloned() {
                    let symbol = Symbol {
                        kind: SymKind::Var,
                        file,
                        name: binding.param.name.clone(),
                        owner: String::new(),
                    };
                    self.push(binding.param.span, symbol, false);
                }
                self.expr(&binding.value, None);
            }
        }
        for v in &ast.vars {
            self.define(SymKind::Var, &v.name, "");
            if let TypeExpr::OneOf(members) | TypeExpr::Set(members) = &v.ty.node {
                for m in members {
                    self.define(SymKind::Member, m, &v.name.name);
                }
            }
            if let Some(d) = &v.default {
                self.expr(d, Some(&v.name.name));
            }
        }
        for node in &ast.nodes {
            self.node(node);
        }
        for a in &ast.asserts {
            match &a.rule {
                AssertRule::Always(e) | AssertRule::Never(e) => self.expr(e, None),
                AssertRule::Reachable(n) => self.refer(SymKind::Node, n, ""),
            }
            if let Some(m) = &a.message {
                self.string(m);
            }
        }
    }

    fn node(&mut self, node: &Node) {
        self.define(SymKind::Node, &node.id, "");
        let into = node.fields.iter().find_map(|f| match &f.node {
            Field::Into(v) => Some(v.name.clone()),
            _ => None,
        });
        for field in &node.fields {
            match &field.node {
                Field::Text(s) | Field::Help(s) | Field::Title(s) => self.string(s),
                Field::Advice(list) => list.iter().for_each(|s| self.string(s)),
                Field::Source(tags) => {
                    for t in tags {
                        self.refer(SymKind::SourceTag, t, "");
                    }
                }
                Field::Tags(_) | Field::Examples(_) => {}
                Field::Kind(k) => self.refer(SymKind::OutcomeKind, k, ""),
                Field::Into(v) | Field::Number { var: v, .. } | Field::TextInput { var: v, .. } => {
                    self.refer(SymKind::Var, v, "")
                }
                Field::Option(o) => {
                    self.string(&o.label);
                    if let Some(c) = &o.cond {
                        self.expr(c, None);
                    }
                    for e in &o.effects {
                        self.effect(e);
                    }
                    self.refer(SymKind::Node, &o.target, "");
                }
                Field::Item(item) => {
                    let owner = self.member_owner(&item.id.name, into.as_deref());
                    self.refer(SymKind::Member, &item.id, owner.as_deref().unwrap_or(""));
                    self.string(&item.label);
                    if let Some(c) = &item.cond {
                        self.expr(c, None);
                    }
                }
                Field::When { cond, target } => {
                    self.expr(cond, None);
                    self.refer(SymKind::Node, target, "");
                }
                Field::Else(t) | Field::Goto(t) => self.refer(SymKind::Node, t, ""),
                Field::Effect(e) => self.effect(e),
            }
        }
    }

    fn effect(&mut self, e: &Effect) {
        match e {
            Effect::Set { var, value } => {
                self.refer(SymKind::Var, var, "");
                self.expr(value, Some(&var.name));
            }
            Effect::Add { var, member } | Effect::Remove { var, member } => {
                self.refer(SymKind::Var, var, "");
                let owner = self.member_owner(&member.name, Some(&var.name));
                self.refer(SymKind::Member, member, owner.as_deref().unwrap_or(""));
            }
        }
    }

    fn string(&mut self, s: &Str) {
        for part in &s.parts {
            if let StrPart::Var(v) = part {
                self.refer(SymKind::Var, v, "");
            }
        }
    }

    /// An expression; `context` is the variable a bare member would belong
    /// to (the other side of `==`, the variable being set).
    fn expr(&mut self, e: &Expr, context: Option<&str>) {
        match &e.node {
            ExprKind::Int(_) | ExprKind::Bool(_) => {}
            ExprKind::Str(s) => self.string(s),
            ExprKind::Name(id) => self.name(id, context),
            ExprKind::Visited(id) => self.refer(SymKind::Node, id, ""),
            ExprKind::Hook { name, args } => {
                if let Some(script) = self.out.script.clone() {
                    let symbol = Symbol {
                        kind: SymKind::Hook,
                        file: script,
                        name: name.name.clone(),
                        owner: String::new(),
                    };
                    self.push(name.span, symbol, false);
                }
                args.iter().for_each(|a| self.expr(a, None));
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| self.expr(a, None)),
            ExprKind::SetLit(members) => {
                for m in members {
                    let owner = self.member_owner(&m.name, context);
                    self.refer(SymKind::Member, m, owner.as_deref().unwrap_or(""));
                }
            }
            ExprKind::Unary { expr, .. } => self.expr(expr, context),
            ExprKind::Binary { op, lhs, rhs } => {
                let var_of = |x: &Expr| match &x.node {
                    ExprKind::Name(id) => Some(id.name.clone()),
                    _ => None,
                };
                let (lctx, rctx) = match op {
                    BinOp::Eq | BinOp::Ne => (var_of(rhs), var_of(lhs)),
                    BinOp::In | BinOp::NotIn => (var_of(rhs), None),
                    _ => (None, None),
                };
                self.expr(lhs, lctx.as_deref());
                self.expr(rhs, rctx.as_deref());
            }
        }
    }

    /// A bare name: a variable, a member, an outcome kind (next to
    /// `outcome`), or one of `outcome`, `true`, `false`.
    fn name(&mut self, id: &Ident, context: Option<&str>) {
        if id.name.contains('.') {
            self.refer(SymKind::Var, id, "");
            return;
        }
        if self.var_decl(&id.name).is_some() {
            self.refer(SymKind::Var, id, "");
        } else if context == Some("outcome") {
            self.refer(SymKind::OutcomeKind, id, "");
        } else if let Some(owner) = self.member_owner(&id.name, context) {
            self.refer(SymKind::Member, id, &owner);
        } else if self
            .ast
            .header
            .outcomes
            .iter()
            .flatten()
            .any(|k| k.name == id.name)
        {
            self.refer(SymKind::OutcomeKind, id, "");
        }
    }
}

/// Where a Rhai script defines `fn name(`: the byte range of the name.
#[must_use]
pub fn hook_definition(script: &str, name: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(at) = script[from..].find("fn ") {
        let start = from + at;
        from = start + 3;
        let before_ok = start == 0
            || !script[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let rest = script[from..].trim_start();
        let name_start = script.len() - rest.len();
        if before_ok && rest.starts_with(name) && rest[name.len()..].trim_start().starts_with('(') {
            return Some((name_start, name_start + name.len()));
        }
    }
    None
}

/// The `fn name(params)` line of a hook, for hover.
#[must_use]
pub fn hook_signature(script: &str, name: &str) -> Option<String> {
    let (start, _) = hook_definition(script, name)?;
    let line_start = script[..start].rfind('\n').map_or(0, |n| n + 1);
    let close = script[start..]
        .find(')')
        .map_or(script.len(), |n| start + n + 1);
    Some(script[line_start..close].trim().to_string())
}
