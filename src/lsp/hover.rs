//! Hover: what a name is, in a line or two of Markdown.

use super::{file_name, hook_signature, Server, SymKind, Symbol};
use crate::ast::{self, Field, File, TypeExpr};
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
            return self.hook_hover(symbol);
        }
        let (text, ast, _) = self.parsed(&symbol.file)?;
        let slice = |span: Span| {
            text.get(span.start as usize..span.end as usize)
                .unwrap_or("")
        };
        let name = &symbol.name;
        match symbol.kind {
            SymKind::Node => ast
                .nodes
                .iter()
                .find(|n| &n.id.name == name)
                .map(node_hover),
            SymKind::Var => {
                let v = find_var(&ast, name)?;
                let summary = var_summary(&v.ty.node, v.default.is_some());
                Some(format!("```guidetree\n{}\n```\n{summary}", slice(v.span)))
            }
            SymKind::Member => {
                let v = find_var(&ast, &symbol.owner)?;
                let owner = &symbol.owner;
                let decl = slice(v.span);
                Some(format!(
                    "member `{name}` of `{owner}`\n```guidetree\n{decl}\n```"
                ))
            }
            SymKind::OutcomeKind => Some(outcome_kind_hover(&ast, name)),
            SymKind::SourceTag => {
                let (_, what) = ast.header.citations.iter().find(|(t, _)| &t.name == name)?;
                Some(format!("source `{name}`: {}", what.to_template()))
            }
            SymKind::Namespace => {
                let inc = ast.includes.iter().find(|i| &i.namespace.name == name)?;
                Some(format!("```guidetree\n{}\n```", slice(inc.span)))
            }
            SymKind::Hook => None,
        }
    }

    /// A hook's signature from the tree's script.
    fn hook_hover(&self, symbol: &Symbol) -> Option<String> {
        let script = self.read(&symbol.file)?;
        let sig = hook_signature(&script, &symbol.name)?;
        let file = file_name(&symbol.file);
        Some(format!("```rhai\n{sig}\n```\nhook in `{file}`"))
    }
}

fn find_var<'a>(ast: &'a File, name: &str) -> Option<&'a ast::VarDecl> {
    ast.vars.iter().find(|v| v.name.name == name)
}

/// An outcome kind and the outcomes of that kind.
fn outcome_kind_hover(ast: &File, name: &str) -> String {
    let is_of_kind = |n: &&ast::Node| {
        n.fields
            .iter()
            .any(|f| matches!(&f.node, Field::Kind(k) if k.name == name))
    };
    let ends: Vec<&str> = ast
        .nodes
        .iter()
        .filter(is_of_kind)
        .map(|n| n.id.name.as_str())
        .collect();
    let list = if ends.is_empty() {
        "none".into()
    } else {
        ends.join(", ")
    };
    format!("outcome kind `{name}`\n\noutcomes of this kind: {list}")
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
        format!("variable of type `{ty}`")
    } else {
        format!("variable of type `{ty}`; starts as {default}")
    }
}
