//! Diagnostics for the editor: the checker's findings as LSP diagnostics,
//! with related locations in other files.

use super::{absolute, did_you_mean, uri_of, Doc, LineIndex, Overlay, Server};
use crate::diag::{Diagnostic, Severity};
use crate::source::Span;
use lsp_types as lsp;
use std::path::Path;

impl Server {
    /// Check an open document with the checker `guidetree check` uses, and
    /// return every problem as an LSP diagnostic.
    #[must_use]
    pub fn diagnostics(&self, path: &Path) -> Vec<lsp::Diagnostic> {
        let Some(doc) = self.docs.get(path) else {
            return Vec::new();
        };
        let overlay = Overlay { docs: &self.docs };
        let (diags, sources) = match crate::check::check_with(&overlay, path) {
            Ok(checked) => (checked.warnings, checked.model.sources),
            Err(failure) => (failure.diagnostics, failure.sources),
        };
        diags
            .iter()
            .map(|d| self.convert(doc, path, d, &sources))
            .collect()
    }

    /// One checker diagnostic in LSP terms. Problems in other files (an
    /// include, the script) are shown on the first line, naming the place.
    pub(super) fn convert(
        &self,
        doc: &Doc,
        path: &Path,
        d: &Diagnostic,
        sources: &crate::source::Sources,
    ) -> lsp::Diagnostic {
        let in_doc = |span: Span| crate::load::normalize(&sources.get(span.file).path) == path;
        let mut message = d.message.clone();
        let range = if in_doc(d.primary.span) {
            doc.lines.range(
                &doc.text,
                d.primary.span.start as usize,
                d.primary.span.end as usize,
            )
        } else {
            let file = sources.get(d.primary.span.file);
            let (line, col) = file.line_col(d.primary.span.start);
            message = format!("{}:{line}:{col}: {message}", file.path.display());
            lsp::Range::default()
        };
        if !d.primary.text.is_empty() {
            message.push_str(&format!(" ({})", d.primary.text));
        }
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let related: Vec<lsp::DiagnosticRelatedInformation> = d
            .secondary
            .iter()
            .filter_map(|label| {
                let location = self.location(sources, label.span)?;
                Some(lsp::DiagnosticRelatedInformation {
                    location,
                    message: label.text.clone(),
                })
            })
            .collect();
        lsp::Diagnostic {
            range,
            severity: Some(match d.severity {
                Severity::Error => lsp::DiagnosticSeverity::ERROR,
                Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            }),
            code: Some(lsp::NumberOrString::String(d.code.to_string())),
            source: Some("guidetree".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            data: did_you_mean(d.help.as_deref())
                .map(|name| serde_json::json!({ "replace": name })),
            ..lsp::Diagnostic::default()
        }
    }

    /// The location of a span in any file the checker read.
    pub(super) fn location(
        &self,
        sources: &crate::source::Sources,
        span: Span,
    ) -> Option<lsp::Location> {
        let file = sources.get(span.file);
        let path = crate::load::normalize(&absolute(&file.path));
        let lines = LineIndex::new(&file.text);
        Some(lsp::Location::new(
            uri_of(&path)?,
            lines.range(&file.text, span.start as usize, span.end as usize),
        ))
    }
}
