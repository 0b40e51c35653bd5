//! Stage 1, loading: read the root file and, depth first, its includes;
//! keep every file inside the tree's folder; enforce the limits on files,
//! include depth, bytes and nodes. Hands the parsed [`Unit`]s on.

use super::{Checker, Namespace, Unit, MAX_FILES, MAX_INCLUDE_DEPTH, MAX_NODES};
use crate::ast::{self};
use crate::diag;
use crate::diag::problem::Load;
use crate::load::{FileSystem, ReadError};
use crate::model::ScriptRef;
use crate::source::{FileId, Span};
use crate::syntax;
use std::path::{Path, PathBuf};
use std::rc::Rc;

impl Checker {
    pub(super) fn load(&mut self, fs: &dyn FileSystem, path: &Path) {
        let mut chain = Vec::new();
        let path = crate::load::normalize(path);
        self.folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
        self.load_unit(fs, &path, String::new(), None, &mut chain);
        if !self.has_errors() {
            self.count_nodes();
        }
    }

    /// Refuse a file outside the root tree's folder (unless allowed),
    /// with an error at `span`, where the file is named.
    fn inside_folder(
        &mut self,
        fs: &dyn FileSystem,
        path: &Path,
        span: Span,
        what: &'static str,
    ) -> bool {
        if self.options.allow_outside_includes {
            return true;
        }
        let linked = match crate::load::place(fs, &self.folder, path) {
            crate::load::Place::Inside => return true,
            crate::load::Place::Outside => false,
            crate::load::Place::LinkedOutside => true,
        };
        let problem = Load::OutsideFolder {
            what,
            path: crate::load::normalize(path),
            linked,
            folder: self.folder.clone(),
        };
        self.report(problem, span);
        false
    }

    /// Is the hook script inside the root tree's folder (or allowed)?
    pub(super) fn confined(&mut self, fs: &dyn FileSystem, script: &ScriptRef) -> bool {
        self.inside_folder(fs, &script.path, script.span, "hook script")
    }

    /// Refuse trees with more than [`MAX_NODES`] nodes before declaring them.
    fn count_nodes(&mut self) {
        let mut before = 0usize;
        for unit in &self.units {
            if before + unit.ast.nodes.len() > MAX_NODES {
                let span = unit.ast.nodes[MAX_NODES - before].id.span;
                return self.report(Load::TooManyNodes, span);
            }
            before += unit.ast.nodes.len();
        }
    }

    /// Load one file and, depth first, its includes. `chain` holds the files
    /// being loaded, to catch include cycles.
    fn load_unit(
        &mut self,
        fs: &dyn FileSystem,
        path: &Path,
        prefix: String,
        from: Option<Span>,
        chain: &mut Vec<PathBuf>,
    ) {
        let Some((file, ast)) = self.parsed_once(fs, path, from) else {
            return;
        };
        let includes = ast.includes.clone();
        let unit = self.units.len();
        self.units.push(Unit {
            file,
            prefix: Rc::from(prefix.as_str()),
            ast,
            kinds: Vec::new(),
            included: None,
        });
        chain.push(path.to_path_buf());
        for include in &includes {
            self.load_include(fs, unit, &prefix, include, chain);
        }
        chain.pop();
    }

    /// A file's syntax tree. A file included under several names is read
    /// and parsed once (each name still gets its own unit, its nodes named
    /// apart); a file that failed is not read again, its problems were
    /// reported the first time.
    fn parsed_once(
        &mut self,
        fs: &dyn FileSystem,
        path: &Path,
        from: Option<Span>,
    ) -> Option<(FileId, Rc<ast::File>)> {
        if let Some(parsed) = self.parsed.get(path) {
            return parsed.clone();
        }
        let parsed = self.read_and_parse(fs, path, from);
        self.parsed.insert(path.to_path_buf(), parsed.clone());
        parsed
    }

    /// One `include` of the unit `includer`: refused (and reported), or
    /// loaded as a unit of its own under its namespace.
    fn load_include(
        &mut self,
        fs: &dyn FileSystem,
        includer: usize,
        prefix: &str,
        include: &ast::Include,
        chain: &mut Vec<PathBuf>,
    ) {
        if include.path.as_plain().is_none() {
            self.plain_text(&include.path, "an include path");
            return;
        }
        let name = format!("{prefix}{}", include.namespace.name);
        if let Some(first) = self.namespaces.get(&name) {
            let problem = Load::NamespaceTwice {
                namespace: include.namespace.name.clone(),
                first: first.span,
            };
            self.report(problem, include.namespace.span);
            return;
        }
        let span = include.namespace.span;
        self.namespaces
            .insert(name.clone(), Namespace { unit: None, span });
        let folder = chain
            .last()
            .and_then(|p| p.parent())
            .unwrap_or(Path::new(""));
        let target = crate::load::normalize(&folder.join(include.path.to_template()));
        if self.include_refused(fs, &target, include.path.span, chain) {
            return;
        }
        let loaded = self.units.len();
        self.load_unit(
            fs,
            &target,
            format!("{name}."),
            Some(include.path.span),
            chain,
        );
        // A file that loads is pushed first, before its own includes.
        if self.units.len() > loaded {
            self.units[loaded].included = Some((includer, include.clone()));
            if let Some(namespace) = self.namespaces.get_mut(&name) {
                namespace.unit = Some(loaded);
            }
        }
    }

    /// Whether an include of `target` must not be loaded: it closes a
    /// cycle, lies outside the tree's folder, or goes past a limit. Each
    /// limit is reported once: a file included under several names would
    /// otherwise repeat it once per name.
    fn include_refused(
        &mut self,
        fs: &dyn FileSystem,
        target: &Path,
        span: Span,
        chain: &[PathBuf],
    ) -> bool {
        if let Some(pos) = chain.iter().position(|p| p == target) {
            let mut cycle = chain[pos..].to_vec();
            cycle.push(target.to_path_buf());
            self.report(Load::IncludeCycle { cycle }, span);
            return true;
        }
        if !self.inside_folder(fs, target, span, "include") {
            return true;
        }
        if chain.len() >= MAX_INCLUDE_DEPTH {
            if !std::mem::replace(&mut self.too_deep, true) {
                self.report(Load::IncludesTooDeep, span);
            }
            return true;
        }
        let too_many = self.units.len() >= MAX_FILES;
        if too_many && !std::mem::replace(&mut self.too_many_files, true) {
            self.report(Load::TooManyFiles, span);
        }
        too_many
    }

    /// Read a file (an include only when it is a regular file), count its
    /// bytes against [`crate::load::MAX_TOTAL_SOURCE`], and parse it.
    fn read_and_parse(
        &mut self,
        fs: &dyn FileSystem,
        path: &Path,
        from: Option<Span>,
    ) -> Option<(FileId, Rc<ast::File>)> {
        let read = if from.is_some() {
            fs.read_named(path)
        } else {
            fs.read(path)
        };
        let text = match read {
            Ok(text) => text,
            Err(err) => {
                self.read_error(path, &err, from);
                return None;
            }
        };
        if !self.count_source_bytes(text.len(), from) {
            return None;
        }
        // Editors on Windows may start a UTF-8 file with a byte-order mark.
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let file = self.sources.add(path.to_path_buf(), text);
        if self.control_characters(file, from) {
            return None;
        }
        let text = &self.sources.get(file).text;
        if syntax::is_trivia(text) {
            let problem = Load::EmptyFile {
                only_comments: !text.trim().is_empty(),
                included_at: from,
            };
            self.report(problem, Span::new(file, 0, 0));
            return None;
        }
        match syntax::parse(file, text) {
            Ok(ast) => Some((file, Rc::new(ast))),
            Err(diags) => {
                self.diags.extend(diags);
                None
            }
        }
    }

    /// E018 for control characters in a tree file (a line feed, a tab and
    /// a carriage return before a line feed are fine): terminals act on
    /// them (`ESC [` moves the cursor, `ESC ]` retitles the window), and
    /// every text of a tree ends up on someone's terminal. One error per
    /// file, at the first, with the count.
    fn control_characters(&mut self, file: FileId, from: Option<Span>) -> bool {
        let text = &self.sources.get(file).text;
        let mut found = text.char_indices().filter(|&(i, c)| {
            diag::is_unsafe_control(c) && !(c == '\r' && text[i + 1..].starts_with('\n'))
        });
        let Some((at, first)) = found.next() else {
            return false;
        };
        let more = found.count();
        let span = Span::new(file, at, at + first.len_utf8());
        let problem = if first == '\r' {
            Load::LoneCarriageReturn {
                more,
                included_at: from,
            }
        } else {
            Load::ControlCharacter {
                found: first,
                more,
                included_at: from,
            }
        };
        self.report(problem, span);
        true
    }

    /// Add `len` bytes to the total read for this tree; past
    /// [`crate::load::MAX_TOTAL_SOURCE`] the file is refused (once, with E031).
    fn count_source_bytes(&mut self, len: usize, from: Option<Span>) -> bool {
        self.source_bytes = self.source_bytes.saturating_add(len as u64);
        let over = self.source_bytes > crate::load::MAX_TOTAL_SOURCE;
        if over && !std::mem::replace(&mut self.too_many_bytes, true) {
            if let Some(span) = from {
                self.report(Load::TooManyBytes, span);
            }
        }
        !over
    }

    fn read_error(&mut self, path: &Path, err: &ReadError, from: Option<Span>) {
        if let Some(span) = from {
            let problem = Load::CannotInclude {
                path: path.to_path_buf(),
                error: err.clone(),
            };
            self.report(problem, span);
            return;
        }
        let (text, span_at) = match err {
            ReadError::NotUtf8 { valid, offset } => (valid.clone(), *offset),
            _ => (String::new(), 0),
        };
        let file = self.sources.add(path.to_path_buf(), text);
        let problem = Load::CannotRead {
            path: path.to_path_buf(),
            error: err.clone(),
        };
        self.report(problem, Span::new(file, span_at, span_at));
    }
}
