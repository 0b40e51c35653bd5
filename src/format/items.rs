//! The top-level items and node fields, one per line, in source order.

use super::{Item, Printer};
use crate::ast::{
    Assert, AssertRule, Binding, Effect, Field, File, Header, Ident, Include, ItemDef, Node,
    OptionDef, TypeExpr, VarDecl,
};
use crate::source::Span;

impl Printer<'_> {
    pub(super) fn file(&mut self, file: &File) {
        let File {
            header,
            vars,
            includes,
            nodes,
            asserts,
        } = file;
        self.header(header);
        let mut items: Vec<Item<'_>> = vars
            .iter()
            .map(Item::Var)
            .chain(includes.iter().map(Item::Include))
            .chain(nodes.iter().map(Item::Node))
            .chain(asserts.iter().map(Item::Assert))
            .collect();
        items.sort_by_key(Item::start);
        let mut after_block = true;
        for item in items {
            match item {
                Item::Var(v) => self.var(v, after_block),
                Item::Include(i) => self.include(i, after_block),
                Item::Node(n) => self.node(n),
                Item::Assert(a) => self.assert(a, after_block),
            }
            after_block = matches!(item, Item::Node(_));
        }
    }

    pub(super) fn header(&mut self, header: &Header) {
        let (span, title) = (header.span, &header.title);
        let open = format!("tree {} {} {{", header.id.name, self.string(title, 0));
        self.line(
            (span.start as usize, title.span.end as usize),
            0,
            open,
            false,
        );
        self.at_block_start = true;
        let mut fields = self.header_fields(header);
        fields.sort_by_key(|f| f.0);
        for (start, end, text) in fields {
            self.line((start as usize, end as usize), 1, text, false);
        }
        self.close(span, 0);
    }

    /// Each header field as (start, end, text), in no particular order.
    fn header_fields(&self, header: &Header) -> Vec<(u32, u32, String)> {
        let mut fields: Vec<(u32, u32, String)> = Vec::new();
        if let Some(v) = &header.version {
            fields.push((v.span.start, v.span.end, format!("version {}", v.node)));
        }
        if let Some(s) = &header.start {
            fields.push((s.span.start, s.span.end, format!("start {}", s.name)));
        }
        if let Some(s) = &header.script {
            let text = format!("script {}", self.string(s, 1));
            fields.push((s.span.start, s.span.end, text));
        }
        let outcomes = header.outcomes.as_deref().unwrap_or_default();
        if let (Some(first), Some(last)) = (outcomes.first(), outcomes.last()) {
            let text = format!("outcomes {}", idents(outcomes));
            fields.push((first.span.start, last.span.end, text));
        }
        for (tag, what) in &header.citations {
            let text = format!("source {} {}", tag.name, self.string(what, 1));
            fields.push((tag.span.start, what.span.end, text));
        }
        if let Some(q) = &header.quick_exit {
            fields.push((q.start, q.end, "quick_exit".into()));
        }
        fields
    }

    /// The `}` that ends a block spanning `span`, with the comments left
    /// inside the block above it.
    pub(super) fn close(&mut self, span: Span, indent: usize) {
        let end = span.end as usize;
        let brace = end.saturating_sub(1);
        self.comments_before(brace, indent + 1, false);
        self.at_block_start = true;
        self.line((brace, end), indent, "}".into(), false);
        self.at_block_start = false;
    }

    pub(super) fn var(&mut self, v: &VarDecl, after_block: bool) {
        let VarDecl {
            name,
            ty,
            default,
            span,
            param,
        } = v;
        let keyword = if *param { "param" } else { "var" };
        let mut text = format!("{keyword} {}: {}", name.name, type_expr(&ty.node));
        if let Some(d) = default {
            text.push_str(" = ");
            text.push_str(&self.expr(d, 0));
        }
        self.line(
            (span.start as usize, span.end as usize),
            0,
            text,
            after_block,
        );
    }

    pub(super) fn include(&mut self, i: &Include, after_block: bool) {
        let Include {
            path,
            namespace,
            span,
            args,
        } = i;
        let mut text = format!("include {} as {}", self.string(path, 0), namespace.name);
        if !args.is_empty() {
            let list: Vec<String> = args
                .iter()
                .map(|Binding { param, value }| format!("{} = {}", param.name, self.expr(value, 0)))
                .collect();
            text.push_str(&format!(" ({})", list.join(", ")));
        }
        self.line(
            (span.start as usize, span.end as usize),
            0,
            text,
            after_block,
        );
    }

    pub(super) fn assert(&mut self, a: &Assert, after_block: bool) {
        let Assert {
            rule,
            message,
            span,
        } = a;
        let mut text = match rule {
            AssertRule::Always(e) => format!("assert always({})", self.expr(e, 0)),
            AssertRule::Never(e) => format!("assert never({})", self.expr(e, 0)),
            AssertRule::Reachable(id) => format!("assert reachable({})", id.name),
        };
        if let Some(m) = message {
            text.push(' ');
            text.push_str(&self.string(m, 0));
        }
        self.line(
            (span.start as usize, span.end as usize),
            0,
            text,
            after_block,
        );
    }

    pub(super) fn node(&mut self, node: &Node) {
        let Node {
            kind,
            id,
            fields,
            span,
        } = node;
        let open = format!("{} {} {{", kind.node.keyword(), id.name);
        self.line((span.start as usize, id.span.end as usize), 0, open, true);
        self.at_block_start = true;
        for field in fields {
            if let Field::Option(o) = &field.node {
                if self.effects_on_lines(o) {
                    self.option_lines(o, field.span);
                    continue;
                }
            }
            let text = self.field(&field.node);
            self.line(
                (field.span.start as usize, field.span.end as usize),
                1,
                text,
                false,
            );
        }
        self.close(*span, 0);
    }

    pub(super) fn field(&self, field: &Field) -> String {
        const I: usize = 1;
        match field {
            Field::Text(s) => format!("text {}", self.string(s, I)),
            Field::Help(s) => format!("help {}", self.string(s, I)),
            Field::Title(s) => format!("title {}", self.string(s, I)),
            Field::Source(list) => format!("source {}", idents(list)),
            Field::Tags(list) => format!("tags {}", idents(list)),
            Field::Advice(list) => {
                let items: Vec<String> = list.iter().map(|s| self.string(s, I)).collect();
                format!("advice {}", items.join(", "))
            }
            Field::Kind(id) => format!("kind {}", id.name),
            Field::Into(id) => format!("into {}", id.name),
            Field::Number { var, range } => match range {
                Some((lo, hi)) => {
                    format!("number into {} range {}..={}", var.name, lo.node, hi.node)
                }
                None => format!("number into {}", var.name),
            },
            Field::TextInput { var, max } => match max {
                Some(m) => format!("text into {} max {}", var.name, m.node),
                None => format!("text into {}", var.name),
            },
            Field::Examples(list) => {
                let items: Vec<String> = list.iter().map(|e| self.literal(e)).collect();
                format!("examples {}", items.join(", "))
            }
            Field::Option(o) => self.option(o),
            Field::Item(i) => self.item(i),
            Field::When { cond, target } => {
                format!("when {} -> {}", self.expr(cond, I), target.name)
            }
            Field::Else(t) => format!("else -> {}", t.name),
            Field::Effect(e) => self.effect(e),
            Field::Goto(t) => format!("-> {}", t.name),
        }
    }

    pub(super) fn option(&self, o: &OptionDef) -> String {
        let OptionDef {
            id,
            label,
            cond,
            effects,
            target,
        } = o;
        let mut text = format!("option {} {}", id.name, self.string(label, 1));
        if let Some(c) = cond {
            text.push_str(" if ");
            text.push_str(&self.expr(c, 1));
        }
        if !effects.is_empty() {
            let list: Vec<String> = effects.iter().map(|e| self.effect(e)).collect();
            text.push_str(&format!(" {{ {} }}", list.join(" ")));
        }
        text.push_str(&format!(" -> {}", target.name));
        text
    }

    /// Whether the author wrote an option's effects on lines of their
    /// own; that layout is kept (one effect per line), the rest goes on
    /// one line.
    pub(super) fn effects_on_lines(&self, o: &OptionDef) -> bool {
        let after = o.cond.as_ref().map_or(o.label.span.end, |c| c.span.end) as usize;
        !o.effects.is_empty()
            && self
                .src
                .get(after..o.target.span.start as usize)
                .is_some_and(|s| s.contains('\n'))
    }

    /// An option with its effects one per line.
    pub(super) fn option_lines(&mut self, o: &OptionDef, span: Span) {
        let OptionDef {
            id,
            label,
            cond,
            effects,
            target,
        } = o;
        let mut head = format!("option {} {}", id.name, self.string(label, 1));
        if let Some(c) = cond {
            head.push_str(" if ");
            head.push_str(&self.expr(c, 1));
        }
        head.push_str(" {");
        let head_end = cond.as_ref().map_or(label.span.end, |c| c.span.end);
        self.line((span.start as usize, head_end as usize), 1, head, false);
        self.at_block_start = true;
        let mut last = head_end;
        for e in effects {
            let (start, end) = effect_span(e);
            let text = self.effect(e);
            self.line((start as usize, end as usize), 2, text, false);
            last = end;
        }
        let brace = self.src[last as usize..target.span.start as usize]
            .find('}')
            .map_or(last as usize, |n| last as usize + n);
        self.comments_before(brace, 2, false);
        self.at_block_start = true;
        self.line(
            (brace, span.end as usize),
            1,
            format!("}} -> {}", target.name),
            false,
        );
    }

    pub(super) fn item(&self, i: &ItemDef) -> String {
        let ItemDef { id, label, cond } = i;
        let mut text = format!("item {} {}", id.name, self.string(label, 1));
        if let Some(c) = cond {
            text.push_str(" if ");
            text.push_str(&self.expr(c, 1));
        }
        text
    }

    pub(super) fn effect(&self, e: &Effect) -> String {
        match e {
            Effect::Set { var, value } => format!("set {} = {}", var.name, self.expr(value, 1)),
            Effect::Add { var, member } => format!("add {} {}", var.name, member.name),
            Effect::Remove { var, member } => format!("remove {} {}", var.name, member.name),
        }
    }
}

/// Where an effect is written, from its variable (the keyword before it
/// is not kept in the syntax tree) to its end.
pub(super) fn effect_span(e: &Effect) -> (u32, u32) {
    match e {
        Effect::Set { var, value } => (var.span.start, value.span.end),
        Effect::Add { var, member } | Effect::Remove { var, member } => {
            (var.span.start, member.span.end)
        }
    }
}

pub(super) fn idents(list: &[Ident]) -> String {
    list.iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn type_expr(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::Bool => "bool".into(),
        TypeExpr::Int => "int".into(),
        TypeExpr::Text => "text".into(),
        TypeExpr::OneOf(list) => format!("one_of({})", idents(list)),
        TypeExpr::Set(list) => format!("set({})", idents(list)),
    }
}
