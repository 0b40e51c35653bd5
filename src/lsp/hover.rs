//! Hover: what a name is, in a line or two of Markdown.

use super::{file_name, hook_signature, Server, SymKind, Symbol};
use crate::ast::{self, Field, TypeExpr};
use crate::source::Span;
use lsp_types as lsp;

impl Server {
    pub(super) fn hover(
        &self,
        at: &lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::Hover>, String> {
        let Some((doc, occ)) = self.occurrence(at) else {
            return Ok(None);
        };
        let Some(text) = self.describe(&occ.symbol) else {
            return Ok(None);
        };
        Ok(Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: text,
            }),
            range: Some(
                doc.lines
                    .range(&doc.text, occ.span.start as usize, occ.span.end as usize),
            ),
        }))
    }

    /// The hover text of a symbol, in Markdown.
    pub(super) fn describe(&self, symbol: &Symbol) -> Option<String> {
        if symbol.kind == SymKind::Hook {
            let script = self.read(&symbol.file)?;
            let sig = hook_signature(&script, &symbol.name)?;
            return Some(format!(
                "```rhai\n{sig}\n```\nhook in `{}`",
                file_name(&symbol.file)
            ));
        }
        let (text, ast, _) = self.parsed(&symbol.file)?;
        let slice = |span: Span| {
            text.get(span.start as usize..span.end as usize)
                .unwrap_or("")
        };
        let name = &symbol.name;
        Some(match symbol.kind {
            SymKind::Node => {
                let node = ast.nodes.iter().find(|n| &n.id.name == name)?;
                node_hover(node)
            }
            SymKind::Var => {
                let v = ast.vars.iter().find(|v| &v.name.name == name)?;
                format!(
                    "```guidetree\n{}\n```\n{}",
                    slice(v.span),
                    var_summary(&v.ty.node, v.default.is_some())
                )
            }
            SymKind::Member => {
                let v = ast.vars.iter().find(|v| v.name.name == symbol.owner)?;
                format!(
                    "member `{name}` of `{}`\n```guidetree\n{}\n```",
                    symbol.owner,
                    slice(v.span)
                )
            }
            SymKind::OutcomeKind => {
                let ends: Vec<&str> = ast
                    .nodes
                    .iter()
                    .filter(|n| {
                        n.fields
                            .iter()
                            .any(|f| matches!(&f.node, Field::Kind(k) if &k.name == name))
                    })
                    .map(|n| n.id.name.as_str())
                    .collect();
                format!(
                    "outcome kind `{name}`\n\noutcomes of this kind: {}",
                    if ends.is_empty() {
                        "none".into()
                    } else {
                        ends.join(", ")
                    }
                )
            }
            SymKind::SourceTag => {
                let (_, what) = ast.header.citations.iter().find(|(t, _)| &t.name == name)?;
                format!("source `{name}`: {}", what.to_template())
            }
            SymKind::Namespace => {
                let inc = ast.includes.iter().find(|i| &i.namespace.name == name)?;
                format!("```guidetree\n{}\n```", slice(inc.span))
            }
            SymKind::Hook => return None,
        })
    }
}

/// The hover text of a node: its kind and id, then its title and text.
pub(super) fn node_hover(node: &ast::Node) -> String {
    let mut out = format!("**{}** `{}`", node.kind.node.keyword(), node.id.name);
    for f in &node.fields {
        match &f.node {
            Field::Title(s) => out.push_str(&format!("\n\n**{}**", s.to_template())),
            Field::Text(s) => out.push_str(&format!("\n\n{}", s.to_template())),
            _ => {}
        }
    }
    out
}

pub(super) fn var_summary(ty: &TypeExpr, has_default: bool) -> String {
    let default = match ty {
        TypeExpr::Bool => "false",
        TypeExpr::Int => "0",
        TypeExpr::Text => "\"\"",
        TypeExpr::OneOf(_) => "none until set",
        TypeExpr::Set(_) => "empty",
    };
    if has_default {
        format!("variable of type `{}`", type_name(ty))
    } else {
        format!("variable of type `{}`; starts as {default}", type_name(ty))
    }
}

pub(super) fn type_name(ty: &TypeExpr) -> String {
    let list = |l: &[ast::Ident]| {
        l.iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match ty {
        TypeExpr::Bool => "bool".into(),
        TypeExpr::Int => "int".into(),
        TypeExpr::Text => "text".into(),
        TypeExpr::OneOf(l) => format!("one_of({})", list(l)),
        TypeExpr::Set(l) => format!("set({})", list(l)),
    }
}
