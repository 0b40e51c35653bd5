//! Whole-document requests: the outline, formatting and quick fixes.

use super::hover::type_name;
use super::{path_of, Server};
use crate::ast::{self, Field, NodeKind};
use crate::source::Span;
use lsp_types as lsp;
use serde_json::Value;
use std::collections::HashMap;

impl Server {
    /// The outline: header, variables, nodes (with their options and
    /// items), includes and asserts.
    #[allow(deprecated)] // `DocumentSymbol::deprecated` must still be given
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
        let range = |span: Span| {
            doc.lines
                .range(&doc.text, span.start as usize, span.end as usize)
        };
        let symbol =
            |name: String, detail: Option<String>, kind, whole: Span, at: Span, children| {
                lsp::DocumentSymbol {
                    name,
                    detail,
                    kind,
                    tags: None,
                    deprecated: None,
                    range: range(whole),
                    selection_range: range(at),
                    children,
                }
            };
        let mut out = vec![symbol(
            ast.header.id.name.clone(),
            ast.header.title.as_plain(),
            lsp::SymbolKind::MODULE,
            ast.header.span,
            ast.header.id.span,
            None,
        )];
        for v in &ast.vars {
            let detail = Some(type_name(&v.ty.node));
            out.push(symbol(
                v.name.name.clone(),
                detail,
                lsp::SymbolKind::VARIABLE,
                v.span,
                v.name.span,
                None,
            ));
        }
        for inc in &ast.includes {
            out.push(symbol(
                inc.namespace.name.clone(),
                inc.path.as_plain(),
                lsp::SymbolKind::NAMESPACE,
                inc.span,
                inc.namespace.span,
                None,
            ));
        }
        for n in &ast.nodes {
            let children: Vec<lsp::DocumentSymbol> = n
                .fields
                .iter()
                .filter_map(|f| match &f.node {
                    Field::Option(o) => Some(symbol(
                        o.id.name.clone(),
                        o.label.as_plain(),
                        lsp::SymbolKind::ENUM_MEMBER,
                        f.span,
                        o.id.span,
                        None,
                    )),
                    Field::Item(i) => Some(symbol(
                        i.id.name.clone(),
                        i.label.as_plain(),
                        lsp::SymbolKind::ENUM_MEMBER,
                        f.span,
                        i.id.span,
                        None,
                    )),
                    _ => None,
                })
                .collect();
            let kind = match n.kind.node {
                NodeKind::Outcome => lsp::SymbolKind::EVENT,
                NodeKind::Branch => lsp::SymbolKind::OPERATOR,
                _ => lsp::SymbolKind::FUNCTION,
            };
            out.push(symbol(
                n.id.name.clone(),
                Some(n.kind.node.keyword().to_string()),
                kind,
                n.span,
                n.id.span,
                (!children.is_empty()).then_some(children),
            ));
        }
        for a in &ast.asserts {
            let name = match &a.rule {
                ast::AssertRule::Always(_) => "assert always",
                ast::AssertRule::Never(_) => "assert never",
                ast::AssertRule::Reachable(_) => "assert reachable",
            };
            out.push(symbol(
                name.into(),
                a.message.as_ref().map(ast::Str::to_template),
                lsp::SymbolKind::BOOLEAN,
                a.span,
                a.span,
                None,
            ));
        }
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
