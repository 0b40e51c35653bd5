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

mod complete;
mod diagnostics;
mod document;
mod hover;
mod index;
mod navigate;
mod text;

pub use index::{hook_definition, hook_signature, index, FileIndex, Occurrence, SymKind, Symbol};
pub use text::LineIndex;

use crate::ast::File;
use crate::load::{Disk, FileSystem, ReadError};
use crate::source::FileId;
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types as lsp;
use serde_json::Value;
use std::collections::HashMap;
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

/// A notification's parameters, or `None` when they do not parse.
fn note_params<P: serde::de::DeserializeOwned>(note: &Notification) -> Option<P> {
    serde_json::from_value(note.params.clone()).ok()
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
            "textDocument/didOpen" => note_params(note).and_then(|p| self.did_open(p)),
            "textDocument/didChange" => note_params(note).and_then(|p| self.did_change(p)),
            "textDocument/didClose" => {
                return note_params(note).map_or_else(Vec::new, |p| vec![self.did_close(p)]);
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

    fn did_open(&mut self, p: lsp::DidOpenTextDocumentParams) -> Option<PathBuf> {
        let d = p.text_document;
        self.open(d.uri, d.text, d.version)
    }

    fn did_change(&mut self, p: lsp::DidChangeTextDocumentParams) -> Option<PathBuf> {
        // Full synchronisation: the last change holds the whole text.
        let change = p.content_changes.into_iter().last()?;
        self.open(p.text_document.uri, change.text, p.text_document.version)
    }

    /// Forget a closed document and clear its diagnostics.
    fn did_close(&mut self, p: lsp::DidCloseTextDocumentParams) -> Notification {
        if let Some(path) = path_of(&p.text_document.uri) {
            self.docs.remove(&path);
        }
        let clear = lsp::PublishDiagnosticsParams::new(p.text_document.uri, Vec::new(), None);
        Notification::new("textDocument/publishDiagnostics".into(), clear)
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
