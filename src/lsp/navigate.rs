//! Go to definition, find references and rename, across the files a tree
//! includes and the trees that include it.

use super::{hook_definition, is_name, path_of, uri_of, LineIndex, Server, SymKind, Symbol};
use lsp_types as lsp;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

impl Server {
    /// The location of a byte range in any file.
    pub(super) fn file_location(
        &self,
        path: &Path,
        start: usize,
        end: usize,
    ) -> Option<lsp::Location> {
        let text = self.read(path)?;
        let lines = LineIndex::new(&text);
        Some(lsp::Location::new(
            uri_of(path)?,
            lines.range(&text, start, end),
        ))
    }

    /// Where a symbol is defined.
    pub(super) fn definition_of(&self, symbol: &Symbol) -> Option<lsp::Location> {
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
    pub(super) fn definition(
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
    pub(super) fn include_at(&self, at: &lsp::TextDocumentPositionParams) -> Option<PathBuf> {
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
    pub(super) fn include_entry(&self, path: &Path) -> Option<lsp::Location> {
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
    pub(super) fn workspace(&self, from: &Path, symbol: &Symbol) -> Vec<PathBuf> {
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
    pub(super) fn uses(
        &self,
        from: &Path,
        symbol: &Symbol,
    ) -> BTreeMap<PathBuf, Vec<(usize, usize)>> {
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

    pub(super) fn references(
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
    pub(super) fn rename(
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
}
