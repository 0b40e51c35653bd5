//! Whole-document requests: the outline, formatting and quick fixes.

use super::{path_of, Doc, Server};
use crate::ast::{self, Field, NodeKind, Spanned};
use crate::source::Span;
use lsp_types as lsp;
use serde_json::Value;
use std::collections::HashMap;

impl Server {
    /// The outline: header, variables, nodes (with their options and
    /// items), includes and asserts, in source order.
    pub(super) fn symbols(
        &self,
        uri: &lsp::Url,
    ) -> Result<Option<lsp::DocumentSymbolResponse>, String> {
        let Some(doc) = path_of(uri).and_then(|p| self.docs.get(&p)) else {
            return Ok(None);
        };
        let Some(ast) = &doc.ast else {
            return Ok(None);
        };
        let outline = Outline { doc };
        let mut out = vec![outline.header(&ast.header)];
        out.extend(ast.vars.iter().map(|v| outline.var(v)));
        out.extend(ast.includes.iter().map(|i| outline.include(i)));
        out.extend(ast.nodes.iter().map(|n| outline.node(n)));
        out.extend(ast.asserts.iter().map(|a| outline.assert(a)));
        out.sort_by_key(|s| (s.range.start.line, s.range.start.character));
        Ok(Some(lsp::DocumentSymbolResponse::Nested(out)))
    }

    /// Format the whole document with `guidetree fmt`; no edits while it
    /// has syntax errors.
    pub(super) fn formatting(&self, uri: &lsp::Url) -> Result<Option<Vec<lsp::TextEdit>>, String> {
        let Some(doc) = path_of(uri).and_then(|p| self.docs.get(&p)) else {
            return Ok(None);
        };
        match crate::format::format_source(&doc.text) {
            Ok(formatted) if formatted == doc.text => Ok(Some(Vec::new())),
            Ok(formatted) => Ok(Some(vec![lsp::TextEdit::new(
                doc.lines.range(&doc.text, 0, doc.text.len()),
                formatted,
            )])),
            Err(crate::format::FormatError::Syntax(_)) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Quick fixes: apply a diagnostic's did-you-mean.
    pub(super) fn code_actions(
        &self,
        p: &lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>, String> {
        let mut actions = Vec::new();
        for d in &p.context.diagnostics {
            let Some(name) = d
                .data
                .as_ref()
                .and_then(|v| v.get("replace"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let edit = lsp::TextEdit::new(d.range, name.to_string());
            let changes = HashMap::from([(p.text_document.uri.clone(), vec![edit])]);
            actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("Change to `{name}`"),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(lsp::WorkspaceEdit::new(changes)),
                is_preferred: Some(true),
                ..lsp::CodeAction::default()
            }));
        }
        Ok(Some(actions))
    }
}

/// Builds the outline entries of one document.
struct Outline<'d> {
    doc: &'d Doc,
}

impl Outline<'_> {
    fn range(&self, span: Span) -> lsp::Range {
        let doc = self.doc;
        doc.lines
            .range(&doc.text, span.start as usize, span.end as usize)
    }

    /// An entry: `whole` is what it covers, `at` its name.
    #[allow(deprecated)] // `DocumentSymbol::deprecated` must still be given
    fn symbol(
        &self,
        name: String,
        detail: Option<String>,
        kind: lsp::SymbolKind,
        (whole, at): (Span, Span),
    ) -> lsp::DocumentSymbol {
        lsp::DocumentSymbol {
            name,
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: self.range(whole),
            selection_range: self.range(at),
            children: None,
        }
    }

    fn header(&self, h: &ast::Header) -> lsp::DocumentSymbol {
        let (name, title) = (h.id.name.clone(), h.title.as_plain());
        self.symbol(name, title, lsp::SymbolKind::MODULE, (h.span, h.id.span))
    }

    fn var(&self, v: &ast::VarDecl) -> lsp::DocumentSymbol {
        let detail = Some(v.ty.node.to_string());
        let spans = (v.span, v.name.span);
        self.symbol(
            v.name.name.clone(),
            detail,
            lsp::SymbolKind::VARIABLE,
            spans,
        )
    }

    fn include(&self, inc: &ast::Include) -> lsp::DocumentSymbol {
        let (name, path) = (inc.namespace.name.clone(), inc.path.as_plain());
        let spans = (inc.span, inc.namespace.span);
        self.symbol(name, path, lsp::SymbolKind::NAMESPACE, spans)
    }

    /// A node, with its options or items as children.
    fn node(&self, n: &ast::Node) -> lsp::DocumentSymbol {
        let children: Vec<_> = n.fields.iter().filter_map(|f| self.field(f)).collect();
        let kind = match n.kind.node {
            NodeKind::Outcome => lsp::SymbolKind::EVENT,
            NodeKind::Branch => lsp::SymbolKind::OPERATOR,
            _ => lsp::SymbolKind::FUNCTION,
        };
        let keyword = Some(n.kind.node.keyword().to_string());
        let mut symbol = self.symbol(n.id.name.clone(), keyword, kind, (n.span, n.id.span));
        symbol.children = (!children.is_empty()).then_some(children);
        symbol
    }

    fn field(&self, f: &Spanned<Field>) -> Option<lsp::DocumentSymbol> {
        let (id, label) = match &f.node {
            Field::Option(o) => (&o.id, &o.label),
            Field::Item(i) => (&i.id, &i.label),
            _ => return None,
        };
        let kind = lsp::SymbolKind::ENUM_MEMBER;
        Some(self.symbol(id.name.clone(), label.as_plain(), kind, (f.span, id.span)))
    }

    fn assert(&self, a: &ast::Assert) -> lsp::DocumentSymbol {
        let name = match &a.rule {
            ast::AssertRule::Always(_) => "assert always",
            ast::AssertRule::Never(_) => "assert never",
            ast::AssertRule::Reachable(_) => "assert reachable",
        };
        let message = a.message.as_ref().map(ast::Str::to_template);
        self.symbol(
            name.into(),
            message,
            lsp::SymbolKind::BOOLEAN,
            (a.span, a.span),
        )
    }
}
