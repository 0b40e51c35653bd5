//! The language server (`guidetree lsp`), built on the same parser,
//! checker and formatter as the command line.
//!
//! It uses `lsp-server`, the synchronous message loop rust-analyzer and
//! ruff are built on: messages are handled strictly in the order they
//! arrive, so a `didChange` can never overtake another (tower-lsp's
//! concurrent handlers can reorder them, and it is no longer maintained).
//! Documents are synchronised whole on every change; checking the
//! reconnect tree takes a few milliseconds (see `benches/lsp.rs`).
//!
//! [`Server`] holds the state and answers each message; [`serve`] connects
//! it to a transport. Both are public so tests and benches can drive them.

mod index;
mod text;

pub use index::{hook_definition, hook_signature, index, FileIndex, Occurrence, SymKind, Symbol};
pub use text::LineIndex;

use crate::ast::{self, Field, File, NodeKind, TypeExpr};
use crate::diag::{Diagnostic, Severity};
use crate::load::{Disk, FileSystem, ReadError};
use crate::source::{FileId, Span};
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types as lsp;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// One open document.
#[derive(Debug)]
struct Doc {
    uri: lsp::Url,
    text: String,
    version: i32,
    lines: LineIndex,
    ast: Option<File>,
    index: Option<FileIndex>,
    /// The names of the last version that parsed: completion needs them
    /// while the text is half typed (`-> ` alone does not parse).
    names: Option<FileIndex>,
}

/// The server's state: the open documents, by normalized path.
#[derive(Debug, Default)]
pub struct Server {
    docs: HashMap<PathBuf, Doc>,
}

/// The open documents over the disk: what the checker reads.
struct Overlay<'a> {
    docs: &'a HashMap<PathBuf, Doc>,
}

impl FileSystem for Overlay<'_> {
    fn read(&self, path: &Path) -> Result<String, ReadError> {
        match self.docs.get(&crate::load::normalize(path)) {
            Some(doc) => Ok(doc.text.clone()),
            None => Disk.read(path),
        }
    }

    fn canonical(&self, path: &Path) -> Option<PathBuf> {
        Disk.canonical(path)
    }
}

/// What the server offers.
#[must_use]
pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Left(true)),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![">".into(), " ".into(), ".".into()]),
            ..lsp::CompletionOptions::default()
        }),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        ..lsp::ServerCapabilities::default()
    }
}

/// Serve one editor over stdin and stdout until it says `exit`.
///
/// # Errors
/// When the connection breaks or the editor breaks the protocol.
pub fn serve_stdio() -> anyhow::Result<i32> {
    let (connection, threads) = Connection::stdio();
    let code = serve(&connection)?;
    drop(connection);
    threads.join()?;
    Ok(code)
}

/// Serve one editor over any connection: the handshake, then every
/// message in order until `shutdown` and `exit`. Returns the exit code
/// (1 when `exit` came without `shutdown`, as the protocol asks).
///
/// # Errors
/// When the connection breaks or the editor breaks the protocol.
pub fn serve(connection: &Connection) -> anyhow::Result<i32> {
    let caps = serde_json::to_value(capabilities())?;
    let (id, _params) = connection.initialize_start()?;
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": caps,
            "serverInfo": { "name": "guidetree", "version": env!("CARGO_PKG_VERSION") },
        }),
    )?;
    let mut server = Server::default();
    let mut shut_down = false;
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    shut_down = true;
                    continue;
                }
                let response = server.request(req);
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(note) => {
                if note.method == "exit" {
                    return Ok(if shut_down { 0 } else { 1 });
                }
                for out in server.notification(&note) {
                    connection.sender.send(Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(if shut_down { 0 } else { 1 })
}

/// The path of a `file:` URI, normalized.
fn path_of(uri: &lsp::Url) -> Option<PathBuf> {
    uri.to_file_path().ok().map(|p| crate::load::normalize(&p))
}

fn uri_of(path: &Path) -> Option<lsp::Url> {
    lsp::Url::from_file_path(path).ok()
}

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, Response> {
    serde_json::from_value(value).map_err(|e| {
        Response::new_err(
            lsp_server::RequestId::from(0),
            lsp_server::ErrorCode::InvalidParams as i32,
            e.to_string(),
        )
    })
}

impl Server {
    /// An empty server.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    // ─── Notifications ───────────────────────────────────────────────────

    /// Handle a notification; returns the notifications to send back
    /// (diagnostics for every document whose result may have changed).
    pub fn notification(&mut self, note: &Notification) -> Vec<Notification> {
        let changed = match note.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) =
                    serde_json::from_value::<lsp::DidOpenTextDocumentParams>(note.params.clone())
                else {
                    return Vec::new();
                };
                let d = p.text_document;
                self.open(d.uri, d.text, d.version)
            }
            "textDocument/didChange" => {
                let Ok(p) =
                    serde_json::from_value::<lsp::DidChangeTextDocumentParams>(note.params.clone())
                else {
                    return Vec::new();
                };
                // Full synchronisation: the last change holds the whole text.
                let Some(change) = p.content_changes.into_iter().last() else {
                    return Vec::new();
                };
                self.open(p.text_document.uri, change.text, p.text_document.version)
            }
            "textDocument/didClose" => {
                let Ok(p) =
                    serde_json::from_value::<lsp::DidCloseTextDocumentParams>(note.params.clone())
                else {
                    return Vec::new();
                };
                if let Some(path) = path_of(&p.text_document.uri) {
                    self.docs.remove(&path);
                }
                let clear =
                    lsp::PublishDiagnosticsParams::new(p.text_document.uri, Vec::new(), None);
                return vec![Notification::new(
                    "textDocument/publishDiagnostics".into(),
                    clear,
                )];
            }
            _ => None,
        };
        let Some(changed) = changed else {
            return Vec::new();
        };
        self.affected(&changed)
            .into_iter()
            .filter_map(|path| self.publish(&path))
            .collect()
    }

    /// Open or replace a document; returns its path.
    fn open(&mut self, uri: lsp::Url, text: String, version: i32) -> Option<PathBuf> {
        let path = path_of(&uri)?;
        let ast = crate::syntax::parse(FileId(0), &text).ok();
        let index = ast.as_ref().map(|a| index(&path, a));
        let names = index
            .clone()
            .or_else(|| self.docs.get(&path).and_then(|d| d.names.clone()));
        self.docs.insert(
            path.clone(),
            Doc {
                uri,
                lines: LineIndex::new(&text),
                text,
                version,
                ast,
                index,
                names,
            },
        );
        Some(path)
    }

    /// The changed document and every open document that includes it.
    fn affected(&self, changed: &Path) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self
            .docs
            .iter()
            .filter(|(path, doc)| {
                path.as_path() == changed
                    || doc
                        .index
                        .as_ref()
                        .is_some_and(|ix| ix.includes.values().any(|p| p == changed))
            })
            .map(|(p, _)| p.clone())
            .collect();
        paths.sort();
        paths
    }

    /// The diagnostics of an open document, as a notification.
    fn publish(&self, path: &Path) -> Option<Notification> {
        let doc = self.docs.get(path)?;
        let params = lsp::PublishDiagnosticsParams::new(
            doc.uri.clone(),
            self.diagnostics(path),
            Some(doc.version),
        );
        Some(Notification::new(
            "textDocument/publishDiagnostics".into(),
            params,
        ))
    }

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
    fn convert(
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
    fn location(&self, sources: &crate::source::Sources, span: Span) -> Option<lsp::Location> {
        let file = sources.get(span.file);
        let path = crate::load::normalize(&absolute(&file.path));
        let lines = LineIndex::new(&file.text);
        Some(lsp::Location::new(
            uri_of(&path)?,
            lines.range(&file.text, span.start as usize, span.end as usize),
        ))
    }

    // ─── Requests ────────────────────────────────────────────────────────

    /// Answer a request.
    pub fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "textDocument/definition" => self
                .with(req.params, |s, p: lsp::GotoDefinitionParams| {
                    s.definition(&p.text_document_position_params)
                }),
            "textDocument/references" => self.with(req.params, |s, p: lsp::ReferenceParams| {
                s.references(&p.text_document_position, p.context.include_declaration)
            }),
            "textDocument/rename" => self.with(req.params, |s, p: lsp::RenameParams| {
                s.rename(&p.text_document_position, &p.new_name)
            }),
            "textDocument/hover" => self.with(req.params, |s, p: lsp::HoverParams| {
                s.hover(&p.text_document_position_params)
            }),
            "textDocument/completion" => self.with(req.params, |s, p: lsp::CompletionParams| {
                s.completion(&p.text_document_position)
            }),
            "textDocument/documentSymbol" => self
                .with(req.params, |s, p: lsp::DocumentSymbolParams| {
                    s.symbols(&p.text_document.uri)
                }),
            "textDocument/formatting" => self
                .with(req.params, |s, p: lsp::DocumentFormattingParams| {
                    s.formatting(&p.text_document.uri)
                }),
            "textDocument/codeAction" => {
                self.with(req.params, |s, p: lsp::CodeActionParams| s.code_actions(&p))
            }
            other => Err(Response::new_err(
                id.clone(),
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("guidetree does not handle `{other}`"),
            )),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(mut err) => {
                err.id = id;
                err
            }
        }
    }

    fn with<P: serde::de::DeserializeOwned, R: serde::Serialize>(
        &mut self,
        value: Value,
        f: impl FnOnce(&mut Self, P) -> Result<R, String>,
    ) -> Result<Value, Response> {
        let p = params(value)?;
        match f(self, p) {
            Ok(r) => Ok(serde_json::to_value(r).unwrap_or(Value::Null)),
            Err(message) => Err(Response::new_err(
                lsp_server::RequestId::from(0),
                lsp_server::ErrorCode::InvalidRequest as i32,
                message,
            )),
        }
    }

    /// The open document at a position and the name under it.
    fn occurrence(&self, at: &lsp::TextDocumentPositionParams) -> Option<(&Doc, &Occurrence)> {
        let doc = self.docs.get(&path_of(&at.text_document.uri)?)?;
        let offset = doc.lines.offset(&doc.text, at.position);
        let occ = doc.index.as_ref()?.at(offset)?;
        Some((doc, occ))
    }

    /// The text of a file: open, or on disk.
    fn read(&self, path: &Path) -> Option<String> {
        match self.docs.get(path) {
            Some(doc) => Some(doc.text.clone()),
            None => Disk.read(path).ok(),
        }
    }

    /// A file's syntax tree and names: open, or parsed from disk.
    fn parsed(&self, path: &Path) -> Option<(String, File, FileIndex)> {
        let text = self.read(path)?;
        if let Some(Doc {
            ast: Some(ast),
            index: Some(ix),
            ..
        }) = self.docs.get(path)
        {
            return Some((text, ast.clone(), ix.clone()));
        }
        let ast = crate::syntax::parse(FileId(0), &text).ok()?;
        let ix = index(path, &ast);
        Some((text, ast, ix))
    }

    /// The location of a byte range in any file.
    fn file_location(&self, path: &Path, start: usize, end: usize) -> Option<lsp::Location> {
        let text = self.read(path)?;
        let lines = LineIndex::new(&text);
        Some(lsp::Location::new(
            uri_of(path)?,
            lines.range(&text, start, end),
        ))
    }

    /// Where a symbol is defined.
    fn definition_of(&self, symbol: &Symbol) -> Option<lsp::Location> {
        match symbol.kind {
            SymKind::Hook => {
                let script = self.read(&symbol.file)?;
                let (start, end) = hook_definition(&script, &symbol.name)?;
                self.file_location(&symbol.file, start, end)
            }
            _ => {
                let (_, _, ix) = self.parsed(&symbol.file)?;
                let span = ix.definition(symbol)?;
                self.file_location(&symbol.file, span.start as usize, span.end as usize)
            }
        }
    }

    /// Go to definition. On an include's namespace or path, the included
    /// file (at its start node); on a hook call, the script's `fn`.
    fn definition(
        &self,
        at: &lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>, String> {
        if let Some(target) = self.include_at(at) {
            return Ok(self.include_entry(&target).map(Into::into));
        }
        let Some((doc, occ)) = self.occurrence(at) else {
            return Ok(None);
        };
        if occ.symbol.kind == SymKind::Namespace {
            let target = doc
                .index
                .as_ref()
                .and_then(|ix| ix.includes.get(&occ.symbol.name).cloned());
            return Ok(target.and_then(|t| self.include_entry(&t)).map(Into::into));
        }
        Ok(self.definition_of(&occ.symbol).map(Into::into))
    }

    /// The included file under the cursor, when it is on an include's path.
    fn include_at(&self, at: &lsp::TextDocumentPositionParams) -> Option<PathBuf> {
        let doc = self.docs.get(&path_of(&at.text_document.uri)?)?;
        let offset = u32::try_from(doc.lines.offset(&doc.text, at.position)).ok()?;
        doc.index
            .as_ref()?
            .include_paths
            .iter()
            .find(|(span, _)| span.start <= offset && offset <= span.end)
            .map(|(_, p)| p.clone())
    }

    /// Where to land in an included file: its start node, or its top.
    fn include_entry(&self, path: &Path) -> Option<lsp::Location> {
        let top = lsp::Location::new(uri_of(path)?, lsp::Range::default());
        let Some((_, ast, _)) = self.parsed(path) else {
            return Some(top);
        };
        let start = ast.header.start.as_ref().and_then(|s| {
            ast.nodes
                .iter()
                .find(|n| n.id.name == s.name)
                .map(|n| n.id.span)
        });
        match start {
            Some(span) => self.file_location(path, span.start as usize, span.end as usize),
            None => Some(top),
        }
    }

    /// The tree files that may use a symbol: those in the folders of the
    /// asking document and of the symbol's file, and the files they
    /// include, open or on disk.
    fn workspace(&self, from: &Path, symbol: &Symbol) -> Vec<PathBuf> {
        fn add(files: &mut Vec<PathBuf>, p: PathBuf) {
            if !files.contains(&p) {
                files.push(p);
            }
        }
        let mut files: Vec<PathBuf> = Vec::new();
        for dir in [from.parent(), symbol.file.parent()].into_iter().flatten() {
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    let p = crate::load::normalize(&e.path());
                    if p.extension().is_some_and(|x| x == "tree") {
                        add(&mut files, p);
                    }
                }
            }
        }
        add(&mut files, from.to_path_buf());
        if symbol.kind != SymKind::Hook {
            add(&mut files, symbol.file.clone());
        }
        for p in self.docs.keys() {
            add(&mut files, p.clone());
        }
        let mut i = 0;
        while i < files.len() {
            if let Some((_, _, ix)) = self.parsed(&files[i]) {
                for inc in ix.includes.values() {
                    add(&mut files, inc.clone());
                }
            }
            i += 1;
        }
        files.sort();
        files
    }

    /// Every place a symbol is written, by file, in source order.
    fn uses(&self, from: &Path, symbol: &Symbol) -> BTreeMap<PathBuf, Vec<(usize, usize)>> {
        let mut found: BTreeMap<PathBuf, Vec<(usize, usize)>> = BTreeMap::new();
        for file in self.workspace(from, symbol) {
            let Some((_, _, ix)) = self.parsed(&file) else {
                continue;
            };
            for o in ix.occurrences.iter().filter(|o| &o.symbol == symbol) {
                found
                    .entry(file.clone())
                    .or_default()
                    .push((o.span.start as usize, o.span.end as usize));
            }
        }
        if symbol.kind == SymKind::Hook {
            if let Some(def) = self
                .read(&symbol.file)
                .and_then(|s| hook_definition(&s, &symbol.name))
            {
                found.entry(symbol.file.clone()).or_default().insert(0, def);
            }
        }
        found
    }

    fn references(
        &self,
        at: &lsp::TextDocumentPositionParams,
        include_declaration: bool,
    ) -> Result<Vec<lsp::Location>, String> {
        let Some((_, occ)) = self.occurrence(at) else {
            return Ok(Vec::new());
        };
        let from = path_of(&at.text_document.uri).unwrap_or_default();
        let symbol = occ.symbol.clone();
        let def = self.definition_of(&symbol);
        let mut out = Vec::new();
        for (file, spans) in self.uses(&from, &symbol) {
            for (start, end) in spans {
                if let Some(loc) = self.file_location(&file, start, end) {
                    if include_declaration || Some(&loc) != def.as_ref() {
                        out.push(loc);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Rename a symbol everywhere it is written: its definition, every use
    /// in this file and in the files that include it or that it includes
    /// (`silence.start` becomes `silence.begin`), and a hook's `fn` in the
    /// script.
    fn rename(
        &self,
        at: &lsp::TextDocumentPositionParams,
        new_name: &str,
    ) -> Result<Option<lsp::WorkspaceEdit>, String> {
        let Some((_, occ)) = self.occurrence(at) else {
            return Err("there is no name to rename here".into());
        };
        if !is_name(new_name) {
            return Err(format!("`{new_name}` is not a name: use letters, digits and `_`, starting with a letter or `_`"));
        }
        if crate::syntax::RESERVED.contains(&new_name) {
            return Err(format!("`{new_name}` is a reserved word"));
        }
        let from = path_of(&at.text_document.uri).unwrap_or_default();
        let symbol = occ.symbol.clone();
        let mut changes: HashMap<lsp::Url, Vec<lsp::TextEdit>> = HashMap::new();
        for (file, spans) in self.uses(&from, &symbol) {
            let (Some(uri), Some(text)) = (uri_of(&file), self.read(&file)) else {
                continue;
            };
            let lines = LineIndex::new(&text);
            let edits = spans
                .into_iter()
                .map(|(s, e)| lsp::TextEdit::new(lines.range(&text, s, e), new_name.to_string()))
                .collect();
            changes.insert(uri, edits);
        }
        Ok(Some(lsp::WorkspaceEdit::new(changes)))
    }

    fn hover(&self, at: &lsp::TextDocumentPositionParams) -> Result<Option<lsp::Hover>, String> {
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
    fn describe(&self, symbol: &Symbol) -> Option<String> {
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

    /// Completion: node ids after `->`, outcome kinds after `kind`, source
    /// tags after `source`, variables after `set`/`into`, members after
    /// `add VAR`/`remove VAR`, hooks after `hook`; elsewhere keywords,
    /// variables and members.
    fn completion(
        &self,
        at: &lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::CompletionResponse>, String> {
        let Some(path) = path_of(&at.text_document.uri) else {
            return Ok(None);
        };
        let Some(doc) = self.docs.get(&path) else {
            return Ok(None);
        };
        let offset = doc.lines.offset(&doc.text, at.position);
        let line_start = doc.text[..offset].rfind('\n').map_or(0, |n| n + 1);
        let before = &doc.text[line_start..offset];
        // The names of the last version that parsed, if any.
        let ix = doc.names.clone().unwrap_or_default();
        let words: Vec<&str> = before
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .collect();
        let typing = !before.ends_with(|c: char| c.is_whitespace() || c == ',');
        let done: Vec<&str> = if typing {
            words[..words.len().saturating_sub(1)].to_vec()
        } else {
            words.clone()
        };
        let last = done.last().copied().unwrap_or("");
        let items = if before
            .trim_end_matches(|c: char| is_name_char(c) || c == '.')
            .ends_with("->")
            || last == "->"
        {
            self.node_items(&ix)
        } else if last == "kind" {
            named(
                &ix,
                SymKind::OutcomeKind,
                lsp::CompletionItemKind::ENUM_MEMBER,
            )
        } else if done.first() == Some(&"source") {
            named(&ix, SymKind::SourceTag, lsp::CompletionItemKind::REFERENCE)
        } else if matches!(last, "set" | "into" | "add" | "remove") {
            named(&ix, SymKind::Var, lsp::CompletionItemKind::VARIABLE)
        } else if done.len() >= 2 && matches!(done[done.len() - 2], "add" | "remove") {
            members_of(&ix, last)
        } else if last == "hook" {
            self.hook_items(&ix)
        } else {
            let mut items = keywords();
            items.extend(named(&ix, SymKind::Var, lsp::CompletionItemKind::VARIABLE));
            items.extend(named(
                &ix,
                SymKind::Member,
                lsp::CompletionItemKind::ENUM_MEMBER,
            ));
            items
        };
        Ok(Some(lsp::CompletionResponse::Array(items)))
    }

    /// Node ids of this file, and `ns.id` for the nodes of each include.
    fn node_items(&self, ix: &FileIndex) -> Vec<lsp::CompletionItem> {
        let mut items = named(ix, SymKind::Node, lsp::CompletionItemKind::FUNCTION);
        for (ns, file) in &ix.includes {
            items.push(item(
                ns,
                lsp::CompletionItemKind::MODULE,
                "include (its start node)",
            ));
            if let Some((_, _, inc)) = self.parsed(file) {
                for o in inc.defined(SymKind::Node) {
                    let label = format!("{ns}.{}", o.symbol.name);
                    items.push(item(&label, lsp::CompletionItemKind::FUNCTION, "node"));
                }
            }
        }
        items
    }

    /// The functions the tree's script defines.
    fn hook_items(&self, ix: &FileIndex) -> Vec<lsp::CompletionItem> {
        let Some(script) = ix.script.as_ref().and_then(|p| self.read(p)) else {
            return Vec::new();
        };
        let mut items = Vec::new();
        for line in script.lines() {
            let Some(rest) = line.trim_start().strip_prefix("fn ") else {
                continue;
            };
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|&c| is_name_char(c))
                .collect();
            if !name.is_empty() {
                let sig = hook_signature(&script, &name).unwrap_or_default();
                items.push(item(&name, lsp::CompletionItemKind::FUNCTION, &sig));
            }
        }
        items
    }

    /// The outline: header, variables, nodes (with their options and
    /// items), includes and asserts.
    #[allow(deprecated)] // `DocumentSymbol::deprecated` must still be given
    fn symbols(&self, uri: &lsp::Url) -> Result<Option<lsp::DocumentSymbolResponse>, String> {
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
    fn formatting(&self, uri: &lsp::Url) -> Result<Option<Vec<lsp::TextEdit>>, String> {
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
    fn code_actions(
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

/// The hover text of a node: its kind and id, then its title and text.
fn node_hover(node: &ast::Node) -> String {
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

fn var_summary(ty: &TypeExpr, has_default: bool) -> String {
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

fn type_name(ty: &TypeExpr) -> String {
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

fn item(label: &str, kind: lsp::CompletionItemKind, detail: &str) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_string()),
        ..lsp::CompletionItem::default()
    }
}

/// One completion item per symbol of `kind` defined in the file.
fn named(
    ix: &FileIndex,
    kind: SymKind,
    item_kind: lsp::CompletionItemKind,
) -> Vec<lsp::CompletionItem> {
    let mut seen = Vec::new();
    let mut items = Vec::new();
    for o in ix.defined(kind) {
        if seen.contains(&o.symbol.name) {
            continue;
        }
        seen.push(o.symbol.name.clone());
        let detail = if o.symbol.owner.is_empty() {
            kind.describe().to_string()
        } else {
            format!("member of {}", o.symbol.owner)
        };
        items.push(item(&o.symbol.name, item_kind, &detail));
    }
    items
}

fn members_of(ix: &FileIndex, var: &str) -> Vec<lsp::CompletionItem> {
    ix.defined(SymKind::Member)
        .filter(|o| o.symbol.owner == var)
        .map(|o| {
            item(
                &o.symbol.name,
                lsp::CompletionItemKind::ENUM_MEMBER,
                &format!("member of {var}"),
            )
        })
        .collect()
}

/// The language's keywords.
fn keywords() -> Vec<lsp::CompletionItem> {
    const WORDS: &[&str] = &[
        "question",
        "checklist",
        "input",
        "branch",
        "score",
        "info",
        "outcome",
        "var",
        "include",
        "assert",
        "always",
        "never",
        "reachable",
        "text",
        "help",
        "title",
        "kind",
        "source",
        "tags",
        "advice",
        "option",
        "item",
        "into",
        "number",
        "range",
        "max",
        "examples",
        "when",
        "else",
        "set",
        "add",
        "remove",
        "if",
        "hook",
        "visited",
        "and",
        "or",
        "not",
        "implies",
        "in",
        "true",
        "false",
        "outcome",
        "bool",
        "int",
        "one_of",
    ];
    let mut seen = Vec::new();
    WORDS
        .iter()
        .filter(|w| {
            let new = !seen.contains(w);
            seen.push(w);
            new
        })
        .map(|w| item(w, lsp::CompletionItemKind::KEYWORD, ""))
        .collect()
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `s` is a valid plain name.
fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && s.chars().all(is_name_char)
}

/// The name a help line suggests (`did you mean `x`?`).
fn did_you_mean(help: Option<&str>) -> Option<String> {
    let rest = help?.split_once("did you mean `")?.1;
    let name = rest.split_once('`')?.0;
    is_name(&name.replace('.', "_")).then(|| name.to_string())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A path made absolute against the working directory.
fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    }
}
