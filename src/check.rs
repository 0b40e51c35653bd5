//! The checker: syntax trees in, a resolved and typed [`Model`] out, or every
//! problem at once as [`Diagnostic`]s sorted by position.
//!
//! Passes: load the root file and its includes → declare every name (kinds,
//! sources, variables, nodes, namespaces) → resolve nodes, expressions and
//! asserts → graph checks (reachability, ways out, traps) → unused names.

use crate::ast::{self, BinOp, ExprKind as AstExpr, Field, Ident, StrPart, TypeExpr, UnaryOp};
use crate::diag::{self, Diagnostic};
use crate::eval::{self, Env};
use crate::load::{self, Disk, FileSystem, LoadOptions, ReadError};
use crate::model::{
    Arm, Assert, AssertRule, Choice, DomainId, Effect, Expr, ExprKind, HookCall, HookRuntime,
    InputKind, Item, Model, Node, NodeId, NodeKind, ScriptRef, Text, TextPart, Type, Value, Var,
    VarId, MAX_SET_MEMBERS, OUTCOME_KINDS,
};
use crate::script;
use crate::source::{FileId, Sources, Span};
use crate::syntax;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

/// How deep includes may nest.
pub const MAX_INCLUDE_DEPTH: usize = 16;
/// Most tree files one tree may load, counting a file once for every time
/// it is included (a file included twice under two names is loaded twice),
/// so that a few small files that include each other many times over
/// cannot make the checker load millions.
pub const MAX_FILES: usize = 256;
/// Most did-you-mean searches in one check: 20,000 misspelt names would
/// otherwise each be measured against every name in the tree.
pub const MAX_SUGGESTIONS: usize = 100;
/// Most nodes one tree may have, includes counted.
pub const MAX_NODES: usize = 1_000_000;

/// A tree that passed the checker, with any warnings.
#[derive(Debug)]
pub struct Checked {
    /// The resolved, typed tree.
    pub model: Model,
    /// Warnings found on the way, sorted by position.
    pub warnings: Vec<Diagnostic>,
}

/// A tree that did not pass: every diagnostic (errors and warnings), and the
/// sources needed to render them.
#[derive(Debug)]
pub struct Failure {
    /// Every problem found, errors and warnings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The files read, for rendering the diagnostics.
    pub sources: Sources,
}

/// The outcome of checking: either a model or every problem.
pub type CheckResult = Result<Checked, Failure>;

/// Check a tree file on disk, with its includes.
///
/// # Errors
/// Every problem found, when at least one is an error.
pub fn check_path(path: &Path) -> CheckResult {
    check_with(&Disk, path)
}

/// Check a tree given as text (includes are looked up on disk relative to
/// `path`).
///
/// # Errors
/// Every problem found, when at least one is an error.
pub fn check_str(path: &Path, text: &str) -> CheckResult {
    struct Overlay<'a> {
        path: &'a Path,
        text: &'a str,
    }
    impl FileSystem for Overlay<'_> {
        fn read(&self, p: &Path) -> Result<String, ReadError> {
            if p == self.path {
                Ok(self.text.to_string())
            } else {
                Disk.read(p)
            }
        }
        fn read_named(&self, p: &Path) -> Result<String, ReadError> {
            if p == self.path {
                Ok(self.text.to_string())
            } else {
                Disk.read_named(p)
            }
        }
        fn canonical(&self, p: &Path) -> Option<PathBuf> {
            Disk.canonical(p)
        }
    }
    check_with(&Overlay { path, text }, path)
}

/// Check a tree read through any [`FileSystem`].
///
/// # Errors
/// Every problem found, when at least one is an error.
pub fn check_with(fs: &dyn FileSystem, path: &Path) -> CheckResult {
    check_with_options(fs, path, LoadOptions::default())
}

/// Check a tree read through any [`FileSystem`], with [`LoadOptions`]
/// (such as `--allow-outside-includes`).
///
/// # Errors
/// Every problem found, when at least one is an error.
pub fn check_with_options(fs: &dyn FileSystem, path: &Path, options: LoadOptions) -> CheckResult {
    let mut ck = Checker {
        options,
        ..Checker::default()
    };
    ck.load(fs, path);
    if !ck.units.is_empty() && !ck.has_errors() {
        ck.declare();
        ck.resolve();
        if !ck.has_errors() {
            ck.graph();
        }
        ck.unused();
        let script = ck.script.clone().filter(|s| ck.confined(fs, s));
        if let Some(script) = &script {
            match script::load(fs, &mut ck.sources, script, &ck.hook_calls) {
                Ok(runtime) => ck.hooks = Some(runtime),
                Err(diags) => ck.diags.extend(diags),
            }
        }
    }
    ck.finish(path)
}

/// One loaded file: the root (prefix "") or an include (prefix "ns.").
struct Unit {
    file: FileId,
    prefix: Rc<str>,
    /// Shared so passes can walk it while the checker is borrowed mutably.
    ast: Rc<ast::File>,
    /// This file's outcome kinds, in declaration order.
    kinds: Vec<String>,
    /// For an included file: the including unit and the `include` line.
    included: Option<(usize, ast::Include)>,
}

#[derive(Default)]
struct Checker {
    sources: Sources,
    diags: Vec<Diagnostic>,
    units: Vec<Unit>,
    vars: Vec<Var>,
    var_index: HashMap<String, VarId>,
    var_read: Vec<bool>,
    domains: Vec<Vec<String>>,
    kind_index: HashMap<String, u32>,
    kind_spans: Vec<Span>,
    kind_used: Vec<bool>,
    /// Parameters by qualified name, with their declarations: a tree
    /// only reads its parameters.
    params: HashMap<String, Span>,
    citations: Vec<(String, String)>,
    /// Source tags: where each was first declared, and its index in
    /// `citations`.
    citation_index: HashMap<String, (Span, usize)>,
    node_index: HashMap<String, NodeId>,
    /// Node declarations in order: (unit, index in the unit's nodes).
    node_decls: Vec<(usize, usize)>,
    /// Include namespaces by qualified name.
    namespaces: HashMap<String, Namespace>,
    nodes: Vec<Node>,
    asserts: Vec<Assert>,
    hook_calls: Vec<HookCall>,
    script: Option<ScriptRef>,
    /// The compiled script, once it passed its checks.
    hooks: Option<Arc<dyn HookRuntime>>,
    options: LoadOptions,
    /// The root tree's folder, which includes and the script must stay in.
    folder: PathBuf,
    /// Whether [`MAX_INCLUDE_DEPTH`] and [`MAX_FILES`] were reached (and
    /// reported).
    too_deep: bool,
    too_many_files: bool,
    /// Every file read so far, parsed (none when it could not be read or
    /// parsed), so a file included many times is read once.
    parsed: HashMap<PathBuf, Option<(FileId, Rc<ast::File>)>>,
    /// Bytes read across all files, against [`load::MAX_TOTAL_SOURCE`].
    source_bytes: u64,
    too_many_bytes: bool,
    /// Did-you-mean searches run so far, against [`MAX_SUGGESTIONS`].
    suggestions: std::cell::Cell<usize>,
}

/// An `include ... as ns`: where it was named, and the unit it loaded (none
/// when the file could not be included; that is reported once, at the
/// include, and references into it stay quiet).
#[derive(Debug, Clone, Copy)]
struct Namespace {
    unit: Option<usize>,
    span: Span,
}

/// What names an expression may use.
#[derive(Clone, Copy)]
struct Scope<'a> {
    prefix: &'a str,
    /// Inside an `assert`, `outcome` names the final outcome kind.
    in_assert: bool,
    /// Variable defaults are constants: no variables, no hooks.
    constant: bool,
}

impl Checker {
    /// [`diag::did_you_mean`], until [`MAX_SUGGESTIONS`] have been made.
    fn suggest<'a>(
        &self,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        let made = self.suggestions.get();
        if made >= MAX_SUGGESTIONS {
            return None;
        }
        self.suggestions.set(made + 1);
        diag::did_you_mean(name, candidates)
    }

    /// How many candidates a did-you-mean may still look at: none once
    /// [`MAX_SUGGESTIONS`] have been made, so that collecting them costs
    /// nothing either.
    fn candidates_wanted(&self) -> usize {
        if self.suggestions.get() >= MAX_SUGGESTIONS {
            0
        } else {
            diag::MAX_SUGGEST_CANDIDATES
        }
    }

    fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn finish(mut self, path: &Path) -> CheckResult {
        diag::sort(&mut self.diags);
        if self.has_errors() || self.units.is_empty() {
            return Err(Failure {
                diagnostics: self.diags,
                sources: self.sources,
            });
        }
        let root = &self.units[0].ast.header;
        let start = root
            .start
            .as_ref()
            .and_then(|s| self.node_index.get(&s.name).copied())
            .unwrap_or(NodeId(0));
        let hash = content_hash(&self.sources);
        let model = Model {
            id: root.id.name.clone(),
            title: root.title.to_template(),
            version: root.version.as_ref().map_or(1, |v| v.node),
            start,
            vars: self.vars,
            domains: self.domains,
            nodes: self.nodes,
            asserts: self.asserts,
            citations: self.citations,
            quick_exit: root.quick_exit.is_some(),
            script: self.script,
            hook_calls: self.hook_calls,
            hooks: self.hooks,
            hash,
            sources: self.sources,
        };
        let _ = path;
        Ok(Checked {
            model,
            warnings: self.diags,
        })
    }

    // ─── Loading ───────────────────────────────────────────────────────────

    fn load(&mut self, fs: &dyn FileSystem, path: &Path) {
        let mut chain = Vec::new();
        let path = load::normalize(path);
        self.folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
        self.load_unit(fs, &path, String::new(), None, &mut chain);
        if !self.has_errors() {
            self.count_nodes();
        }
    }

    /// Refuse a file outside the root tree's folder (unless allowed),
    /// with an error at `span`, where the file is named.
    fn inside_folder(&mut self, fs: &dyn FileSystem, path: &Path, span: Span, what: &str) -> bool {
        if self.options.allow_outside_includes {
            return true;
        }
        let how = match load::place(fs, &self.folder, path) {
            load::Place::Inside => return true,
            load::Place::Outside => "this leads outside",
            load::Place::LinkedOutside => "a symbolic link on the way leads outside",
        };
        let folder = if self.folder.as_os_str().is_empty() {
            "the current folder".to_string()
        } else {
            format!("`{}`", self.folder.display())
        };
        self.push(
            Diagnostic::error(
                "E030",
                format!(
                    "the {what} `{}` is outside the tree's folder",
                    load::normalize(path).display()
                ),
                span,
            )
            .label(format!("{how} {folder}"))
            .help(format!(
                "keep the files a tree uses in its folder or below it; if you trust this tree, \
                 pass --allow-outside-includes to read the {what} anyway"
            )),
        );
        false
    }

    /// Is the hook script inside the root tree's folder (or allowed)?
    fn confined(&mut self, fs: &dyn FileSystem, script: &ScriptRef) -> bool {
        self.inside_folder(fs, &script.path, script.span, "hook script")
    }

    /// Refuse trees with more than [`MAX_NODES`] nodes before declaring them.
    fn count_nodes(&mut self) {
        let mut total = 0usize;
        for unit in &self.units {
            total += unit.ast.nodes.len();
            if total > MAX_NODES {
                // The first node past the limit (the total before this file
                // was within it).
                let node = &unit.ast.nodes[unit.ast.nodes.len() - (total - MAX_NODES)];
                let d = Diagnostic::error(
                    "E031",
                    format!("the tree has more than {MAX_NODES} nodes"),
                    node.id.span,
                )
                .label("one node too many")
                .help("split the tree into smaller trees");
                self.push(d);
                return;
            }
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
        // A file included under several names is read and parsed once; each
        // name still gets its own unit (its nodes are named apart).
        let (file, ast) = match self.parsed.get(path) {
            Some(Some((file, ast))) => (*file, ast.clone()),
            // Its problems were reported the first time.
            Some(None) => return,
            None => {
                let parsed = self.read_and_parse(fs, path, from);
                self.parsed.insert(path.to_path_buf(), parsed.clone());
                match parsed {
                    Some(parsed) => parsed,
                    None => return,
                }
            }
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
        for inc in includes {
            if inc.path.as_plain().is_none() {
                self.plain_text(&inc.path, "an include path");
                continue;
            }
            let rel = inc.path.to_template();
            let ns = format!("{prefix}{}", inc.namespace.name);
            if let Some(first) = self.namespaces.get(&ns) {
                self.push(
                    Diagnostic::error(
                        "E002",
                        format!(
                            "the include namespace `{}` is used twice",
                            inc.namespace.name
                        ),
                        inc.namespace.span,
                    )
                    .label("second include with this name")
                    .with_secondary(first.span, "first used here")
                    .help("give each include its own name after `as`"),
                );
                continue;
            }
            let mut namespace = Namespace {
                unit: None,
                span: inc.namespace.span,
            };
            let target = load::normalize(&path.parent().unwrap_or(Path::new("")).join(&rel));
            if let Some(pos) = chain.iter().position(|p| *p == target) {
                let cycle: Vec<String> = chain[pos..]
                    .iter()
                    .chain(std::iter::once(&target))
                    .map(|p| p.display().to_string())
                    .collect();
                self.push(
                    Diagnostic::error("E013", "include cycle", inc.path.span)
                        .label("this includes a file that is already being included")
                        .help(format!("the cycle: {}", cycle.join(" → "))),
                );
                self.namespaces.insert(ns, namespace);
                continue;
            }
            if !self.inside_folder(fs, &target, inc.path.span, "include") {
                self.namespaces.insert(ns, namespace);
                continue;
            }
            // Each limit is reported once: a file included under several
            // names would otherwise repeat it once per name.
            if chain.len() >= MAX_INCLUDE_DEPTH {
                if !std::mem::replace(&mut self.too_deep, true) {
                    self.push(
                        Diagnostic::error(
                            "E031",
                            format!("includes nest more than {MAX_INCLUDE_DEPTH} deep"),
                            inc.path.span,
                        )
                        .label("too deep")
                        .help("include the deepest files from a file nearer the root"),
                    );
                }
                self.namespaces.insert(ns, namespace);
                continue;
            }
            if self.units.len() >= MAX_FILES {
                if !std::mem::replace(&mut self.too_many_files, true) {
                    self.push(
                        Diagnostic::error(
                            "E031",
                            format!("the tree loads more than {MAX_FILES} files, includes counted each time"),
                            inc.path.span,
                        )
                        .label("one include too many")
                        .help("a file included under several names is loaded once per name; include it once"),
                    );
                }
                self.namespaces.insert(ns, namespace);
                continue;
            }
            let loaded = self.units.len();
            self.namespaces.insert(ns.clone(), namespace);
            self.load_unit(fs, &target, format!("{ns}."), Some(inc.path.span), chain);
            // A file that loads is pushed first, before its own includes.
            if self.units.len() > loaded {
                self.units[loaded].included = Some((unit, inc.clone()));
                namespace.unit = Some(loaded);
                self.namespaces.insert(ns, namespace);
            }
        }
        chain.pop();
    }

    /// Read a file (an include only when it is a regular file), count its
    /// bytes against [`load::MAX_TOTAL_SOURCE`], and parse it.
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
            let what = if text.trim().is_empty() {
                "the file is empty"
            } else {
                "the file holds only comments"
            };
            let d = Diagnostic::error("E016", what, Span::new(file, 0, 0))
                .label("no tree here")
                .help("a tree starts with a header: tree my_tree \"Title\" { start first_node outcomes done }");
            self.push(self.attach(d, from));
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
        let also = match more {
            0 => String::new(),
            1 => " (and 1 more)".to_string(),
            n => format!(" (and {n} more)"),
        };
        let d = if first == '\r' {
            Diagnostic::error(
                "E018",
                format!("a carriage return without a line feed{also}"),
                span,
            )
            .label("lines end in a lone carriage return here (old Mac line endings)")
            .help("save the file with line feed (\\n) or CR LF (\\r\\n) line endings")
        } else {
            Diagnostic::error(
                "E018",
                format!(
                    "the control character U+{:04X} is not allowed in a tree{also}",
                    u32::from(first)
                ),
                span,
            )
            .label("a terminal would act on this character")
            .help("remove it; control characters in texts can rewrite what the person sees, so trees may hold none but tabs and line breaks")
        };
        self.push(self.attach(d, from));
        true
    }

    /// Add `len` bytes to the total read for this tree; past
    /// [`load::MAX_TOTAL_SOURCE`] the file is refused (once, with E031).
    fn count_source_bytes(&mut self, len: usize, from: Option<Span>) -> bool {
        self.source_bytes = self.source_bytes.saturating_add(len as u64);
        if self.source_bytes <= load::MAX_TOTAL_SOURCE {
            return true;
        }
        if !std::mem::replace(&mut self.too_many_bytes, true) {
            if let Some(span) = from {
                self.push(
                    Diagnostic::error(
                        "E031",
                        format!(
                            "the tree's files hold more than {} bytes together",
                            load::MAX_TOTAL_SOURCE
                        ),
                        span,
                    )
                    .label("this file goes over the limit")
                    .help("split the tree into smaller trees"),
                );
            }
        }
        false
    }

    /// A diagnostic about an included file also points at the include line.
    fn attach(&self, d: Diagnostic, from: Option<Span>) -> Diagnostic {
        match from {
            Some(span) => d.with_secondary(span, "included here"),
            None => d,
        }
    }

    fn read_error(&mut self, path: &Path, err: &ReadError, from: Option<Span>) {
        let what = path.display();
        if let Some(span) = from {
            let d = Diagnostic::error("E012", format!("cannot include `{what}`: {err}"), span)
                .label("included here")
                .help("include paths are relative to the file that includes them");
            self.push(d);
            return;
        }
        let (text, span_at) = match err {
            ReadError::NotUtf8 { valid, offset } => (valid.clone(), *offset),
            _ => (String::new(), 0),
        };
        let file = self.sources.add(path.to_path_buf(), text);
        let help = match err {
            ReadError::NotFound => "check the path; tree files usually end in `.tree`",
            ReadError::Directory => "give a `.tree` file, for example `trees/hello.tree`",
            ReadError::NotUtf8 { .. } => "tree files must be saved as UTF-8 text",
            ReadError::TooLarge { .. } => "split the tree into files joined with `include`",
            ReadError::NotRegular(_) => "name a regular file",
            ReadError::Io(_) => "check the file's permissions",
        };
        self.push(
            Diagnostic::error(
                "E016",
                format!("cannot read `{what}`: {err}"),
                Span::new(file, span_at, span_at),
            )
            .label("here")
            .help(help),
        );
    }

    // ─── Declarations ──────────────────────────────────────────────────────

    fn declare(&mut self) {
        self.domains.push(Vec::new()); // OUTCOME_KINDS
        for u in 0..self.units.len() {
            self.declare_header(u);
        }
        for u in 0..self.units.len() {
            self.shared_kinds(u);
            self.declare_vars(u);
            self.unknown_bindings(u);
            self.declare_nodes(u);
        }
        self.declare_defaults();
    }

    /// Outcome kinds are shared by name, so an included tree's kinds must
    /// be declared by the including tree too (each file also checks alone).
    fn shared_kinds(&mut self, u: usize) {
        let Some((parent, inc)) = self.units[u].included.clone() else {
            return;
        };
        let ast = Rc::clone(&self.units[u].ast);
        let Some(kinds) = &ast.header.outcomes else {
            return;
        };
        let parent_kinds = self.units[parent].kinds.clone();
        let parent_header = Rc::clone(&self.units[parent].ast);
        for k in kinds {
            if parent_kinds.contains(&k.name) {
                continue;
            }
            let mut list = parent_kinds.clone();
            list.push(k.name.clone());
            let d = Diagnostic::error(
                "E011",
                format!(
                    "the included tree's outcome kind `{}` is not declared by the including tree",
                    k.name
                ),
                inc.namespace.span,
            )
            .label(format!("`{}` can end in `{}`", inc.namespace.name, k.name))
            .with_secondary(k.span, "declared by the included tree here")
            .help(format!(
                "outcome kinds are shared by name: add it to the header of `{}`: outcomes {}",
                parent_header.header.id.name,
                list.join(", ")
            ));
            self.push(d);
        }
    }

    fn declare_header(&mut self, u: usize) {
        let ast = Rc::clone(&self.units[u].ast);
        let header = &ast.header;
        self.plain_text(&header.title, "a tree's title");
        if u == 0 {
            if let Some(script) = &header.script {
                let file = self.sources.get(self.units[0].file).path.clone();
                let rel = self.plain_text(script, "a script path");
                self.script = Some(ScriptRef {
                    path: file.parent().unwrap_or(Path::new("")).join(rel),
                    span: script.span,
                });
            }
        } else if let Some(script) = &header.script {
            self.push(
                Diagnostic::error("E008", "only the root tree may name a script", script.span)
                    .label("in an included file")
                    .help("move the hook functions into the root tree's script"),
            );
        }
        if header.start.is_none() {
            self.push(
                Diagnostic::error(
                    "E014",
                    format!("the tree `{}` has no `start`", header.id.name),
                    header.id.span,
                )
                .label("header without `start`")
                .help("name the first node in the header: start first_node"),
            );
        }
        match &header.outcomes {
            None => self.push(
                Diagnostic::error(
                    "E014",
                    format!("the tree `{}` declares no outcome kinds", header.id.name),
                    header.id.span,
                )
                .label("header without `outcomes`")
                .help("list the kinds of ending in the header: outcomes stop, go"),
            ),
            Some(kinds) => {
                let mut seen = HashMap::new();
                for k in kinds {
                    if let Some(first) = seen.insert(k.name.clone(), k.span) {
                        self.push(
                            Diagnostic::error(
                                "E002",
                                format!("the outcome kind `{}` is declared twice", k.name),
                                k.span,
                            )
                            .label("second declaration")
                            .with_secondary(first, "first declared here"),
                        );
                        continue;
                    }
                    self.units[u].kinds.push(k.name.clone());
                    if !self.kind_index.contains_key(&k.name) {
                        let idx = u32::try_from(self.kind_spans.len()).unwrap_or(u32::MAX);
                        self.kind_index.insert(k.name.clone(), idx);
                        self.kind_spans.push(k.span);
                        self.kind_used.push(false);
                        self.domains[OUTCOME_KINDS.0 as usize].push(k.name.clone());
                    }
                }
            }
        }
        for (tag, name) in &header.citations {
            self.declare_citation(tag, name);
        }
    }

    /// The text of a string that is shown as written: `{name}` has no
    /// meaning there, so it is refused (with the fix for literal braces).
    fn plain_text(&mut self, s: &ast::Str, place: &str) -> String {
        for part in &s.parts {
            if let StrPart::Var(v) = part {
                self.push(
                    Diagnostic::error(
                        "E001",
                        format!("{place} cannot interpolate `{{{}}}`", v.name),
                        v.span,
                    )
                    .label("no variables here")
                    .help("write `{{` and `}}` for literal braces"),
                );
            }
        }
        s.to_template()
    }

    /// A source tag names one source for the whole tree: an included file
    /// may repeat a tag of the including one with the same text (so each
    /// file also works alone), but not give it another meaning.
    fn declare_citation(&mut self, tag: &Ident, name: &ast::Str) {
        let text = self.plain_text(name, "a source's name");
        let Some(&(first, index)) = self.citation_index.get(&tag.name) else {
            self.citation_index
                .insert(tag.name.clone(), (tag.span, self.citations.len()));
            self.citations.push((tag.name.clone(), text));
            return;
        };
        let (message, label) = if first.file == tag.span.file {
            (
                format!("the source tag `{}` is declared twice", tag.name),
                "first declared here",
            )
        } else if self.citations[index].1 != text {
            (
                format!(
                    "the source tag `{}` already stands for another source",
                    tag.name
                ),
                "declared here with another text",
            )
        } else {
            return;
        };
        self.push(
            Diagnostic::error("E002", message, tag.span)
                .label("second declaration")
                .with_secondary(first, label)
                .help("each source tag names one source in the whole tree"),
        );
    }

    fn declare_vars(&mut self, u: usize) {
        let (ast, prefix) = self.unit_parts(u);
        for decl in &ast.vars {
            let name = format!("{prefix}{}", decl.name.name);
            if let Some(&first) = self.var_index.get(&name) {
                let first = self.vars[first.index()].span;
                self.push(
                    Diagnostic::error(
                        "E002",
                        format!("the variable `{}` is declared twice", decl.name.name),
                        decl.name.span,
                    )
                    .label("second declaration")
                    .with_secondary(first, "first declared here")
                    .help("rename one of them"),
                );
                continue;
            }
            if decl.param {
                self.params.insert(name.clone(), decl.name.span);
                if self.bind_param(u, decl, &name) {
                    continue;
                }
            }
            let ty = match &decl.ty.node {
                TypeExpr::Bool => Type::Bool,
                TypeExpr::Int => Type::Int,
                TypeExpr::Text => Type::Text,
                TypeExpr::OneOf(members) => Type::Enum(self.domain(members, false)),
                TypeExpr::Set(members) => Type::Set(self.domain(members, true)),
            };
            let id = VarId(u32::try_from(self.vars.len()).unwrap_or(u32::MAX));
            self.var_index.insert(name.clone(), id);
            self.vars.push(Var {
                name,
                ty,
                default: Value::zero(ty),
                span: decl.name.span,
            });
            self.var_read.push(false);
        }
    }

    /// A parameter of an included tree: bound to a variable of the
    /// including tree, it becomes another name for that variable (returns
    /// true); bound to a constant, or left to its default, it is an
    /// ordinary variable of the included tree (returns false).
    fn bind_param(&mut self, u: usize, decl: &ast::VarDecl, name: &str) -> bool {
        let Some((parent, inc)) = self.units[u].included.clone() else {
            return false;
        };
        let Some(binding) = inc.args.iter().find(|b| b.param.name == decl.name.name) else {
            if decl.default.is_none() {
                self.push(
                    Diagnostic::error(
                        "E014",
                        format!(
                            "the include `{}` does not give the parameter `{}`",
                            inc.namespace.name, decl.name.name
                        ),
                        inc.namespace.span,
                    )
                    .label(format!("`{}` is not bound", decl.name.name))
                    .with_secondary(decl.name.span, "the parameter, without a default")
                    .help(format!(
                        "bind it: include {:?} as {} ({} = ...), or give it a default",
                        inc.path.to_template(),
                        inc.namespace.name,
                        decl.name.name
                    )),
                );
            }
            return false;
        };
        let AstExpr::Name(source) = &binding.value.node else {
            return false;
        };
        let parent_prefix = Rc::clone(&self.units[parent].prefix);
        let Some(&id) = self
            .var_index
            .get(qualify(&parent_prefix, &source.name).as_ref())
        else {
            return false;
        };
        let have = self.vars[id.index()].ty;
        if !self.same_type(&decl.ty.node, have) {
            let want = type_expr_name(&decl.ty.node);
            let have = self.type_name(have);
            self.push(
                Diagnostic::error(
                    "E005",
                    format!(
                        "the parameter `{}` is {want}, but `{}` is {have}",
                        decl.name.name, source.name
                    ),
                    source.span,
                )
                .label(format!("this is {have}"))
                .with_secondary(decl.ty.span, "the parameter's type")
                .help("bind a variable of the same type (a one_of or set needs the same members)"),
            );
            // Left an ordinary variable, so its uses are not reported too.
            return false;
        }
        self.var_read[id.index()] = true;
        self.var_index.insert(name.to_string(), id);
        true
    }

    /// Whether a declared type and a variable's type hold the same values.
    fn same_type(&self, decl: &TypeExpr, have: Type) -> bool {
        let same_members = |members: &[Ident], d: DomainId| {
            let domain = &self.domains[d.0 as usize];
            members.len() == domain.len() && members.iter().all(|m| domain.contains(&m.name))
        };
        match (decl, have) {
            (TypeExpr::Bool, Type::Bool)
            | (TypeExpr::Int, Type::Int)
            | (TypeExpr::Text, Type::Text) => true,
            (TypeExpr::OneOf(m), Type::Enum(d)) | (TypeExpr::Set(m), Type::Set(d)) => {
                same_members(m, d)
            }
            _ => false,
        }
    }

    /// Bindings that name no parameter of the included tree, or one twice.
    fn unknown_bindings(&mut self, u: usize) {
        let Some((_, inc)) = self.units[u].included.clone() else {
            return;
        };
        let ast = Rc::clone(&self.units[u].ast);
        let params: Vec<&str> = ast
            .vars
            .iter()
            .filter(|v| v.param)
            .map(|v| v.name.name.as_str())
            .collect();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for b in &inc.args {
            if let Some(first) = seen.insert(&b.param.name, b.param.span) {
                self.push(
                    Diagnostic::error(
                        "E002",
                        format!("the parameter `{}` is bound twice", b.param.name),
                        b.param.span,
                    )
                    .label("second binding")
                    .with_secondary(first, "first bound here")
                    .help("keep one of them"),
                );
                continue;
            }
            if params.contains(&b.param.name.as_str()) {
                continue;
            }
            let tree = inc.path.to_template();
            let help = if let Some(var) = ast.vars.iter().find(|v| v.name.name == b.param.name) {
                format!(
                    "`{}` is a variable of {tree:?}; to let including trees set it, declare it there with `param` instead of `var`",
                    var.name.name
                )
            } else if params.is_empty() {
                format!("{tree:?} declares no parameters (`param name: type`)")
            } else {
                self.suggest(&b.param.name, params.iter().copied())
                    .unwrap_or_else(|| format!("its parameters are: {}", params.join(", ")))
            };
            self.push(
                Diagnostic::error(
                    "E004",
                    format!("{tree:?} has no parameter `{}`", b.param.name),
                    b.param.span,
                )
                .label("unknown parameter")
                .help(help),
            );
        }
    }

    fn domain(&mut self, members: &[Ident], set: bool) -> DomainId {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut list = Vec::new();
        for m in members {
            if let Some(&first) = seen.get(m.name.as_str()) {
                self.push(
                    Diagnostic::error(
                        "E002",
                        format!("the member `{}` is listed twice", m.name),
                        m.span,
                    )
                    .label("second time")
                    .with_secondary(first, "first listed here"),
                );
                continue;
            }
            seen.insert(&m.name, m.span);
            list.push(m.name.clone());
        }
        if set && list.len() > MAX_SET_MEMBERS {
            if let Some(m) = members.get(MAX_SET_MEMBERS) {
                self.push(
                    Diagnostic::error(
                        "E015",
                        format!("a set may have at most {MAX_SET_MEMBERS} members"),
                        m.span,
                    )
                    .label("one too many")
                    .help("split it into two set variables"),
                );
            }
        }
        let id = DomainId(u32::try_from(self.domains.len()).unwrap_or(u32::MAX));
        self.domains.push(list);
        id
    }

    fn declare_nodes(&mut self, u: usize) {
        let (ast, prefix) = self.unit_parts(u);
        self.node_index.reserve(ast.nodes.len());
        self.node_decls.reserve(ast.nodes.len());
        for (i, node) in ast.nodes.iter().enumerate() {
            let id = format!("{prefix}{}", node.id.name);
            if let Some(&first) = self.node_index.get(&id) {
                let (fu, fi) = self.node_decls[first.index()];
                let first_span = self.units[fu].ast.nodes[fi].id.span;
                self.diags.push(
                    Diagnostic::error(
                        "E002",
                        format!("the node id `{}` is used twice", node.id.name),
                        node.id.span,
                    )
                    .label("second node with this id")
                    .with_secondary(first_span, "first used here")
                    .help(
                        "node ids key answers, saved sessions and snapshots: each must be unique",
                    ),
                );
                continue;
            }
            if self.namespaces.contains_key(&id) {
                self.diags.push(
                    Diagnostic::error(
                        "E002",
                        format!("`{}` is both a node and an include namespace", node.id.name),
                        node.id.span,
                    )
                    .label("node")
                    .help("rename the node or the namespace"),
                );
                continue;
            }
            let nid = NodeId(u32::try_from(self.node_decls.len()).unwrap_or(u32::MAX));
            self.node_index.insert(id, nid);
            self.node_decls.push((u, i));
        }
    }

    /// Type every default, then fold them all to values (defaults are
    /// constants, so no state is needed).
    fn declare_defaults(&mut self) {
        let mut typed = Vec::new();
        for u in 0..self.units.len() {
            let (ast, prefix) = self.unit_parts(u);
            let included = self.units[u].included.clone();
            let parent_prefix = included
                .as_ref()
                .map(|(p, _)| Rc::clone(&self.units[*p].prefix));
            for decl in &ast.vars {
                // A parameter bound to a constant starts with that value.
                let binding = included
                    .as_ref()
                    .filter(|_| decl.param)
                    .and_then(|(_, inc)| inc.args.iter().find(|b| b.param.name == decl.name.name));
                // A binding to a variable is no default (when its type does
                // not fit, that is reported at the binding).
                let names_var = binding.is_some_and(|b| match &b.value.node {
                    AstExpr::Name(n) => parent_prefix
                        .as_ref()
                        .is_some_and(|p| self.var_index.contains_key(qualify(p, &n.name).as_ref())),
                    _ => false,
                });
                if names_var {
                    continue;
                }
                let scope = Scope {
                    prefix: match (&binding, &parent_prefix) {
                        (Some(_), Some(p)) => p,
                        _ => &prefix,
                    },
                    in_assert: false,
                    constant: true,
                };
                let Some(default) = binding.map(|b| &b.value).or(decl.default.as_ref()) else {
                    continue;
                };
                let Some(&id) = self
                    .var_index
                    .get(qualify(&prefix, &decl.name.name).as_ref())
                else {
                    continue;
                };
                if self.vars[id.index()].span != decl.name.span {
                    continue; // a duplicate, already reported
                }
                let ty = self.vars[id.index()].ty;
                if let Some(expr) = self.expr(default, scope, Some(ty)) {
                    typed.push((id, expr));
                }
            }
        }
        if typed.is_empty() {
            return;
        }
        let scratch = self.scratch_model();
        for (id, expr) in typed {
            match eval::eval(&scratch, &expr, &mut ConstEnv) {
                Ok(v) => self.vars[id.index()].default = v,
                Err(e) => self.push(
                    Diagnostic::error(
                        "E005",
                        format!("this default cannot be computed: {e}"),
                        expr.span,
                    )
                    .label("here"),
                ),
            }
        }
    }

    /// A model with just the domains, for constant folding.
    fn scratch_model(&self) -> Model {
        Model {
            id: String::new(),
            title: String::new(),
            version: 0,
            start: NodeId(0),
            vars: self.vars.clone(),
            domains: self.domains.clone(),
            nodes: Vec::new(),
            asserts: Vec::new(),
            citations: Vec::new(),
            quick_exit: false,
            script: None,
            hook_calls: Vec::new(),
            hooks: None,
            hash: String::new(),
            sources: Sources::new(),
        }
    }

    // ─── Resolution ────────────────────────────────────────────────────────

    fn resolve(&mut self) {
        self.nodes.reserve(self.node_decls.len());
        for n in 0..self.node_decls.len() {
            let (u, i) = self.node_decls[n];
            let (ast, prefix) = self.unit_parts(u);
            let built = self.node(u, &prefix, &ast.nodes[i]);
            self.nodes.push(built);
        }
        for u in 0..self.units.len() {
            let (ast, prefix) = self.unit_parts(u);
            if let Some(start) = &ast.header.start {
                self.target(&prefix, start);
            }
            for a in &ast.asserts {
                self.assert_rule(&prefix, a);
            }
        }
    }

    /// A unit's syntax tree and name prefix, held apart from `self`.
    fn unit_parts(&self, u: usize) -> (Rc<ast::File>, Rc<str>) {
        let unit = &self.units[u];
        (Rc::clone(&unit.ast), Rc::clone(&unit.prefix))
    }

    fn assert_rule(&mut self, prefix: &str, a: &ast::Assert) {
        let scope = Scope {
            prefix,
            in_assert: true,
            constant: false,
        };
        let rule = match &a.rule {
            ast::AssertRule::Always(e) => self
                .expr(e, scope, Some(Type::Bool))
                .map(AssertRule::Always),
            ast::AssertRule::Never(e) => {
                self.expr(e, scope, Some(Type::Bool)).map(AssertRule::Never)
            }
            ast::AssertRule::Reachable(n) => self.target(prefix, n).map(AssertRule::Reachable),
        };
        let message = a
            .message
            .as_ref()
            .map(|m| self.plain_text(m, "an assert's message"));
        if let Some(rule) = rule {
            self.asserts.push(Assert {
                rule,
                message,
                span: a.span,
            });
        }
    }

    /// Resolve a node reference: a node id, or an include namespace (its
    /// start node).
    fn target(&mut self, prefix: &str, name: &Ident) -> Option<NodeId> {
        let qualified = qualify(prefix, &name.name);
        if let Some(&id) = self.node_index.get(qualified.as_ref()) {
            return Some(id);
        }
        if let Some(ns) = self.namespaces.get(qualified.as_ref()) {
            let unit = &self.units[ns.unit?];
            let start = unit.ast.header.start.as_ref()?;
            return self
                .node_index
                .get(&format!("{}{}", unit.prefix, start.name))
                .copied();
        }
        if self.inside_failed_include(&qualified) {
            return None;
        }
        let candidates: Vec<&str> = self
            .node_index
            .keys()
            .chain(self.namespaces.keys())
            .filter_map(|k| k.strip_prefix(prefix))
            .take(self.candidates_wanted())
            .collect();
        let help = self
            .suggest(&name.name, candidates.iter().copied())
            .unwrap_or_else(|| "every target must be the id of a node in this tree".into());
        self.push(
            Diagnostic::error("E003", format!("unknown node `{}`", name.name), name.span)
                .label("no node has this id")
                .help(help),
        );
        None
    }

    /// Whether `qualified` (`ns.node`) lies in an include that could not
    /// be loaded: its problem is already reported at the include.
    fn inside_failed_include(&self, qualified: &str) -> bool {
        qualified.match_indices('.').any(|(dot, _)| {
            self.namespaces
                .get(&qualified[..dot])
                .is_some_and(|ns| ns.unit.is_none())
        })
    }

    fn node(&mut self, u: usize, prefix: &str, node: &ast::Node) -> Node {
        let mut f = Fields::default();
        let kind = node.kind.node;
        for field in &node.fields {
            self.collect_field(kind, &mut f, field);
        }
        let scope = Scope {
            prefix,
            in_assert: false,
            constant: false,
        };
        let text = f.text.as_ref().map(|s| self.text(s, scope));
        let help = f.help.as_ref().map(|s| self.text(s, scope));
        let sources = f
            .sources
            .iter()
            .map(|t| {
                if !self.citation_index.contains_key(&t.name) {
                    let names: Vec<&str> = self
                        .citation_index
                        .keys()
                        .map(String::as_str)
                        .take(self.candidates_wanted())
                        .collect();
                    let help = self.suggest(&t.name, names).unwrap_or_else(|| {
                        format!(
                            "declare it in the header: source {} \"what it stands for\"",
                            t.name
                        )
                    });
                    self.push(
                        Diagnostic::error(
                            "E004",
                            format!("unknown source tag `{}`", t.name),
                            t.span,
                        )
                        .label("not declared in any tree header")
                        .help(help),
                    );
                }
                t.name.clone()
            })
            .collect();
        let needs_text = !matches!(
            kind,
            ast::NodeKind::Branch | ast::NodeKind::Score | ast::NodeKind::Outcome
        );
        if needs_text && text.is_none() {
            self.missing(node, "text", "text \"What the person reads\"");
        }
        let built = match kind {
            ast::NodeKind::Question => self.question(node, &f, scope),
            ast::NodeKind::Checklist => self.checklist(node, &f, scope),
            ast::NodeKind::Input => self.input(node, &f, scope),
            ast::NodeKind::Branch => self.branch(node, &f, scope),
            ast::NodeKind::Score | ast::NodeKind::Info => {
                if kind == ast::NodeKind::Score && f.effects.is_empty() {
                    self.missing(node, "set", "set score = hook my_score(answer)");
                }
                let effects = self.effects(f.effects.iter().copied(), scope);
                let next = self.next(node, &f, prefix);
                if kind == ast::NodeKind::Score {
                    NodeKind::Score { effects, next }
                } else {
                    let advice = f.advice.iter().map(|s| self.text(s, scope)).collect();
                    NodeKind::Info {
                        effects,
                        advice,
                        next,
                    }
                }
            }
            ast::NodeKind::Outcome => self.outcome(u, node, &f, scope),
        };
        Node {
            id: format!("{prefix}{}", node.id.name),
            kind: built,
            text,
            help,
            sources,
            tags: f.tags.iter().map(|t| t.name.clone()).collect(),
            span: node.span,
            id_span: node.id.span,
        }
    }

    fn missing(&mut self, node: &ast::Node, field: &str, example: &str) {
        self.push(
            Diagnostic::error(
                "E014",
                format!(
                    "the {} `{}` has no `{field}`",
                    node.kind.node.keyword(),
                    node.id.name
                ),
                node.id.span,
            )
            .label(format!("`{field}` missing"))
            .help(format!("add it inside the braces: {example}")),
        );
    }

    /// File one field into `f`, reporting fields that do not belong to this
    /// kind of node and single fields given twice.
    fn collect_field<'a>(
        &mut self,
        kind: ast::NodeKind,
        f: &mut Fields<'a>,
        field: &'a ast::Spanned<Field>,
    ) {
        use ast::NodeKind as K;
        let allowed = match &field.node {
            Field::Text(_) | Field::Help(_) => !matches!(kind, K::Branch | K::Score),
            Field::Source(_) | Field::Tags(_) => true,
            Field::Title(_) | Field::Kind(_) => kind == K::Outcome,
            Field::Advice(_) => matches!(kind, K::Outcome | K::Info),
            Field::Into(_) => kind == K::Checklist,
            Field::Item(_) => kind == K::Checklist,
            Field::Number { .. } | Field::TextInput { .. } | Field::Examples(_) => kind == K::Input,
            Field::Option(_) => kind == K::Question,
            Field::When { .. } | Field::Else(_) => kind == K::Branch,
            Field::Effect(_) => matches!(kind, K::Score | K::Info),
            Field::Goto(_) => matches!(kind, K::Checklist | K::Input | K::Score | K::Info),
        };
        if !allowed {
            let help = match (&field.node, kind) {
                (Field::Goto(_), K::Question) => {
                    "a question moves on through its options: option id \"Label\" -> next"
                        .to_string()
                }
                (Field::Goto(_), K::Branch) => {
                    "a branch moves on with `when cond -> node` and `else -> node`".to_string()
                }
                (Field::Goto(_), K::Outcome) => {
                    "an outcome ends the run; it has no `->`".to_string()
                }
                (Field::Effect(_), K::Question) => {
                    "put effects on an option: option id \"Label\" { set x = 1 } -> next"
                        .to_string()
                }
                (Field::Option(_), _) => {
                    "options belong in a `question`; a checklist has `item`s".to_string()
                }
                (Field::Item(_), _) => {
                    "items belong in a `checklist`; a question has `option`s".to_string()
                }
                _ => format!("{} fields: {}", kind.keyword(), allowed_fields(kind)),
            };
            self.push(
                Diagnostic::error(
                    "E008",
                    format!(
                        "`{}` does not belong in {}",
                        field.node.keyword(),
                        with_article(kind.keyword())
                    ),
                    field.span,
                )
                .label(format!("not {} field", with_article(kind.keyword())))
                .help(help),
            );
            return;
        }
        let dup = |slot: &Option<Span>| *slot;
        let first = match &field.node {
            Field::Text(s) => dup(&f.text.as_ref().map(|x| x.span)).or_else(|| {
                f.text = Some(s);
                None
            }),
            Field::Help(s) => dup(&f.help.as_ref().map(|x| x.span)).or_else(|| {
                f.help = Some(s);
                None
            }),
            Field::Title(s) => dup(&f.title.as_ref().map(|x| x.span)).or_else(|| {
                f.title = Some(s);
                None
            }),
            Field::Kind(k) => dup(&f.kind.as_ref().map(|x| x.span)).or_else(|| {
                f.kind = Some(k);
                None
            }),
            Field::Into(v) => dup(&f.input_span).or_else(|| {
                f.input_span = Some(field.span);
                f.into = Some(v);
                None
            }),
            Field::Number { .. } | Field::TextInput { .. } => dup(&f.input_span).or_else(|| {
                f.input_span = Some(field.span);
                f.input = Some(&field.node);
                None
            }),
            Field::Else(t) => dup(&f.otherwise.as_ref().map(|x| x.span)).or_else(|| {
                f.otherwise = Some(t);
                None
            }),
            Field::Goto(t) => dup(&f.goto.as_ref().map(|x| x.span)).or_else(|| {
                f.goto = Some(t);
                None
            }),
            Field::Source(list) => {
                f.sources.extend(list);
                None
            }
            Field::Tags(list) => {
                f.tags.extend(list);
                None
            }
            Field::Advice(list) => {
                f.advice.extend(list);
                None
            }
            Field::Examples(list) => {
                f.examples.extend(list);
                None
            }
            Field::Option(o) => {
                f.options.push(o);
                None
            }
            Field::Item(i) => {
                f.items.push(i);
                None
            }
            Field::When { cond, target } => {
                f.arms.push((cond, target, field.span));
                None
            }
            Field::Effect(e) => {
                f.effects.push(e);
                None
            }
        };
        if let Some(first) = first {
            self.push(
                Diagnostic::error(
                    "E002",
                    format!("`{}` is given twice", field.node.keyword()),
                    field.span,
                )
                .label("second one")
                .with_secondary(first, "first one")
                .help("keep one of them"),
            );
        }
    }

    fn next(&mut self, node: &ast::Node, f: &Fields, prefix: &str) -> NodeId {
        match &f.goto {
            Some(t) => self.target(prefix, t).unwrap_or(NodeId(0)),
            None => {
                self.no_way_out(
                    node,
                    "it has no `-> next_node`",
                    "add `-> next_node` inside the braces",
                );
                NodeId(0)
            }
        }
    }

    fn no_way_out(&mut self, node: &ast::Node, why: &str, help: &str) {
        self.push(
            Diagnostic::error(
                "E009",
                format!(
                    "the {} `{}` has no way out",
                    node.kind.node.keyword(),
                    node.id.name
                ),
                node.id.span,
            )
            .label(why.to_string())
            .help(help.to_string()),
        );
    }

    fn question(&mut self, node: &ast::Node, f: &Fields, scope: Scope<'_>) -> NodeKind {
        if f.options.is_empty() {
            self.no_way_out(
                node,
                "it has no options",
                "add options: option yes \"Yes\" -> next_node",
            );
        }
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut options = Vec::new();
        for o in &f.options {
            if let Some(&first) = seen.get(&o.id.name) {
                self.push(
                    Diagnostic::error("E002", format!("the option id `{}` is used twice in `{}`", o.id.name, node.id.name), o.id.span)
                        .label("second option with this id")
                        .with_secondary(first, "first used here")
                        .help("option ids key answers files and saved sessions: each must be unique within its question"),
                );
            }
            seen.insert(o.id.name.clone(), o.id.span);
            let label = self.text(&o.label, scope);
            let cond = o
                .cond
                .as_ref()
                .and_then(|c| self.expr(c, scope, Some(Type::Bool)));
            let effects = self.effects(&o.effects, scope);
            let next = self.target(scope.prefix, &o.target).unwrap_or(NodeId(0));
            options.push(Choice {
                id: o.id.name.clone(),
                label,
                cond,
                effects,
                next,
                span: o.id.span.to(o.target.span),
            });
        }
        if !f.options.is_empty() && f.options.iter().all(|o| o.cond.is_some()) {
            self.push(
                Diagnostic::warning(
                    "W004",
                    format!("every option of `{}` has a condition", node.id.name),
                    node.id.span,
                )
                .label("if all conditions are false, nothing can be chosen")
                .help("add an option without `if` as a fallback"),
            );
        }
        NodeKind::Question { options }
    }

    fn checklist(&mut self, node: &ast::Node, f: &Fields, scope: Scope<'_>) -> NodeKind {
        let var = match &f.into {
            Some(v) => self.lookup_var(v, scope, "set(item_a, item_b)"),
            None => {
                self.missing(node, "into", "into my_set_variable");
                None
            }
        };
        let domain = var.and_then(|v| match self.vars[v.index()].ty {
            Type::Set(d) => Some(d),
            other => {
                let name = f.into.as_ref().map(|i| (i.name.clone(), i.span));
                if let Some((name, span)) = name {
                    let ty = self.type_name(other);
                    self.push(
                        Diagnostic::error(
                            "E005",
                            format!("a checklist fills a set, but `{name}` is {ty}"),
                            span,
                        )
                        .label("not a set variable")
                        .help(format!(
                            "declare it as a set: var {name}: set(item_a, item_b)"
                        )),
                    );
                }
                None
            }
        });
        if f.items.is_empty() {
            self.missing(
                node,
                "item",
                "item understood \"I understand why it ended\"",
            );
        }
        let mut items = Vec::new();
        let mut seen: HashMap<String, Span> = HashMap::new();
        for it in &f.items {
            if let Some(&first) = seen.get(&it.id.name) {
                self.push(
                    Diagnostic::error(
                        "E002",
                        format!("the item `{}` is listed twice", it.id.name),
                        it.id.span,
                    )
                    .label("second item with this id")
                    .with_secondary(first, "first listed here"),
                );
            }
            seen.insert(it.id.name.clone(), it.id.span);
            let label = self.text(&it.label, scope);
            let cond = it
                .cond
                .as_ref()
                .and_then(|c| self.expr(c, scope, Some(Type::Bool)));
            let member = match (domain, var, &f.into) {
                (Some(d), Some(v), Some(into)) => self.item_member(d, v, into, &it.id),
                _ => None,
            };
            items.push(Item {
                id: it.id.name.clone(),
                label,
                member: member.unwrap_or(0),
                cond,
                span: it.id.span,
            });
        }
        let next = self.next(node, f, scope.prefix);
        NodeKind::Checklist {
            var: var.unwrap_or(VarId(0)),
            items,
            next,
        }
    }

    fn input(&mut self, node: &ast::Node, f: &Fields, scope: Scope<'_>) -> NodeKind {
        let (var, input) = match &f.input {
            Some(Field::Number { var, range }) => {
                let id = self.typed_var(var, Type::Int, scope, "number into");
                let (min, max) = match range {
                    Some((lo, hi)) => {
                        if lo.node > hi.node {
                            self.push(
                                Diagnostic::error(
                                    "E015",
                                    format!("the range {}..={} is empty", lo.node, hi.node),
                                    lo.span.to(hi.span),
                                )
                                .label("the low end is above the high end")
                                .help(format!("write it low to high: {}..={}", hi.node, lo.node)),
                            );
                        }
                        (lo.node, hi.node)
                    }
                    None => (i64::MIN, i64::MAX),
                };
                (id, InputKind::Number { min, max })
            }
            Some(Field::TextInput { var, max }) => {
                let id = self.typed_var(var, Type::Text, scope, "text into");
                (
                    id,
                    InputKind::Text {
                        max_len: max.as_ref().map_or(1000, |m| m.node),
                    },
                )
            }
            _ => {
                self.missing(
                    node,
                    "number into",
                    "number into my_int_variable range 0..=100",
                );
                (None, InputKind::Number { min: 0, max: 0 })
            }
        };
        let mut examples = Vec::new();
        for ex in &f.examples {
            match (&input, &ex.node) {
                (InputKind::Number { min, max }, ast::Literal::Int(n)) => {
                    // An empty range is reported once, at the range.
                    if min <= max && (n < min || n > max) {
                        self.push(
                            Diagnostic::error(
                                "E015",
                                format!("the example {n} is outside the range {min}..={max}"),
                                ex.span,
                            )
                            .label("out of range")
                            .help("examples must be answers the prompt would accept"),
                        );
                    }
                    examples.push(Value::Int(*n));
                }
                (InputKind::Text { .. }, ast::Literal::Text(s)) => {
                    examples.push(Value::Text(Arc::from(s.as_str())))
                }
                (InputKind::Number { .. }, _) => self.push(
                    Diagnostic::error(
                        "E005",
                        "this input takes numbers, but the example is text",
                        ex.span,
                    )
                    .label("expected a number"),
                ),
                (InputKind::Text { .. }, _) => self.push(
                    Diagnostic::error(
                        "E005",
                        "this input takes text, but the example is a number",
                        ex.span,
                    )
                    .label("expected a string in double quotes"),
                ),
            }
        }
        let next = self.next(node, f, scope.prefix);
        NodeKind::Input {
            var: var.unwrap_or(VarId(0)),
            input,
            examples,
            next,
        }
    }

    fn typed_var(
        &mut self,
        name: &Ident,
        want: Type,
        scope: Scope<'_>,
        what: &str,
    ) -> Option<VarId> {
        let declare_as = if want == Type::Int { "int" } else { "text" };
        let id = self.lookup_var(name, scope, declare_as)?;
        let ty = self.vars[id.index()].ty;
        if ty != want {
            let (have, want_name) = (self.type_name(ty), self.type_name(want));
            self.push(
                Diagnostic::error(
                    "E005",
                    format!(
                        "`{what}` needs {} variable, but `{}` is {have}",
                        with_article(&want_name),
                        name.name
                    ),
                    name.span,
                )
                .label(format!("expected {want_name}"))
                .help(format!("declare it as: var {}: {want_name}", name.name)),
            );
            return None;
        }
        Some(id)
    }

    fn branch(&mut self, node: &ast::Node, f: &Fields, scope: Scope<'_>) -> NodeKind {
        let mut arms = Vec::new();
        for (cond, target, span) in &f.arms {
            let cond = self.expr(cond, scope, Some(Type::Bool));
            let next = self.target(scope.prefix, target);
            if let (Some(cond), Some(next)) = (cond, next) {
                arms.push(Arm {
                    cond,
                    next,
                    span: *span,
                });
            }
        }
        let otherwise = match &f.otherwise {
            Some(t) => self.target(scope.prefix, t).unwrap_or(NodeId(0)),
            None => {
                self.no_way_out(
                    node,
                    "when no `when` matches, there is nowhere to go",
                    "add a fallback: else -> some_node",
                );
                NodeId(0)
            }
        };
        NodeKind::Branch { arms, otherwise }
    }

    fn outcome(&mut self, u: usize, node: &ast::Node, f: &Fields, scope: Scope<'_>) -> NodeKind {
        let title = match &f.title {
            Some(t) => self.text(t, scope),
            None => {
                self.missing(node, "title", "title \"What to do next\"");
                Text::default()
            }
        };
        let kind = match &f.kind {
            None => {
                let example = format!(
                    "kind {}",
                    self.units[u].kinds.first().map_or("done", String::as_str)
                );
                self.missing(node, "kind", &example);
                0
            }
            Some(k) if self.units[u].kinds.contains(&k.name) => {
                let idx = self.kind_index.get(&k.name).copied().unwrap_or(0);
                if let Some(used) = self.kind_used.get_mut(idx as usize) {
                    *used = true;
                }
                idx
            }
            Some(k) => {
                let declared: Vec<&str> = self.units[u].kinds.iter().map(String::as_str).collect();
                let help = self
                    .suggest(&k.name, declared.iter().copied())
                    .unwrap_or_else(|| {
                        format!(
                            "declare it in the tree header: outcomes {}",
                            declared
                                .iter()
                                .copied()
                                .chain(std::iter::once(k.name.as_str()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    });
                self.push(
                    Diagnostic::error(
                        "E011",
                        format!("the outcome kind `{}` is not declared", k.name),
                        k.span,
                    )
                    .label("not in this tree's `outcomes`")
                    .help(help),
                );
                0
            }
        };
        let advice = f.advice.iter().map(|s| self.text(s, scope)).collect();
        NodeKind::Outcome {
            kind,
            title,
            advice,
        }
    }

    fn effects<'a>(
        &mut self,
        effects: impl IntoIterator<Item = &'a ast::Effect>,
        scope: Scope<'_>,
    ) -> Vec<Effect> {
        let mut out = Vec::new();
        for e in effects {
            match e {
                ast::Effect::Set { var, value } => {
                    let Some(id) = self.lookup_var(var, scope, declaration_for(value)) else {
                        continue;
                    };
                    let ty = self.vars[id.index()].ty;
                    if let Some(expr) = self.expr(value, scope, Some(ty)) {
                        out.push(Effect::Set(id, expr));
                    }
                }
                ast::Effect::Add { var, member } | ast::Effect::Remove { var, member } => {
                    let declare_as = format!("set({})", member.name);
                    let Some(id) = self.lookup_var(var, scope, &declare_as) else {
                        continue;
                    };
                    let Type::Set(d) = self.vars[id.index()].ty else {
                        let ty = self.type_name(self.vars[id.index()].ty);
                        self.push(
                            Diagnostic::error(
                                "E005",
                                format!(
                                    "`{}` works on sets, but `{}` is {ty}",
                                    e.keyword(),
                                    var.name
                                ),
                                var.span,
                            )
                            .label("not a set")
                            .help(format!("use `set {} = ...` instead", var.name)),
                        );
                        continue;
                    };
                    if let Some(m) = self.member(d, member) {
                        out.push(if matches!(e, ast::Effect::Add { .. }) {
                            Effect::Add(id, m)
                        } else {
                            Effect::Remove(id, m)
                        });
                    }
                }
            }
        }
        out
    }

    fn member(&mut self, d: DomainId, name: &Ident) -> Option<u32> {
        let members = &self.domains[d.0 as usize];
        if let Some(i) = members.iter().position(|m| *m == name.name) {
            return u32::try_from(i).ok();
        }
        let help = self
            .suggest(&name.name, members.iter().map(String::as_str))
            .unwrap_or_else(|| format!("the members are: {}", members.join(", ")));
        let ty = self.type_name_of_domain(d);
        self.push(
            Diagnostic::error(
                "E006",
                format!("`{}` is not a member of {ty}", name.name),
                name.span,
            )
            .label("unknown member")
            .help(help),
        );
        None
    }

    /// A checklist item's member in the set variable the checklist fills.
    fn item_member(&mut self, d: DomainId, var: VarId, into: &Ident, item: &Ident) -> Option<u32> {
        let members = &self.domains[d.0 as usize];
        if let Some(i) = members.iter().position(|m| *m == item.name) {
            return u32::try_from(i).ok();
        }
        let var_span = self.vars[var.index()].span;
        let mut list = members.clone();
        list.push(item.name.clone());
        let help = match self.suggest(&item.name, members.iter().map(String::as_str)) {
            Some(guess) => format!(
                "{guess}; or add it to the variable: var {}: set({})",
                into.name,
                list.join(", ")
            ),
            None => format!(
                "each item must be a member of `{}`: add it there, as in var {}: set({})",
                into.name,
                into.name,
                list.join(", ")
            ),
        };
        let ty = self.type_name(Type::Set(d));
        self.push(
            Diagnostic::error(
                "E006",
                format!(
                    "the item `{}` is not a member of `{}`, which is {ty}",
                    item.name, into.name
                ),
                item.span,
            )
            .label(format!("not in `{}`", into.name))
            .with_secondary(var_span, "the set variable is declared here")
            .help(help),
        );
        None
    }

    /// The variable `name`; when there is none, an error whose hint
    /// declares it with the type `declare_as` (such as `int = 0`).
    fn lookup_var(&mut self, name: &Ident, scope: Scope<'_>, declare_as: &str) -> Option<VarId> {
        let qualified = qualify(scope.prefix, &name.name);
        if let Some(&decl) = self.params.get(qualified.as_ref()) {
            self.push(
                Diagnostic::error(
                    "E005",
                    format!("the parameter `{}` cannot be changed", name.name),
                    name.span,
                )
                .label("written here")
                .with_secondary(decl, "declared with `param`")
                .help("a tree only reads its parameters; declare a `var` for a value it changes"),
            );
            return None;
        }
        if let Some(&id) = self.var_index.get(qualified.as_ref()) {
            return Some(id);
        }
        let candidates: Vec<&str> = self
            .var_index
            .keys()
            .filter_map(|k| k.strip_prefix(scope.prefix))
            .take(self.candidates_wanted())
            .collect();
        let help = self
            .suggest(&name.name, candidates.iter().copied())
            .unwrap_or_else(|| format!("declare it first: var {}: {declare_as}", name.name));
        self.push(
            Diagnostic::error(
                "E004",
                format!("unknown variable `{}`", name.name),
                name.span,
            )
            .label("not declared")
            .help(help),
        );
        None
    }

    fn text(&mut self, s: &ast::Str, scope: Scope<'_>) -> Text {
        let mut parts = Vec::new();
        for part in &s.parts {
            match part {
                StrPart::Lit(l) => parts.push(TextPart::Lit(l.clone())),
                StrPart::Var(v) => {
                    if let Some(&id) = self.var_index.get(qualify(scope.prefix, &v.name).as_ref()) {
                        parts.push(TextPart::Var(id));
                    } else {
                        let candidates: Vec<&str> = self
                            .var_index
                            .keys()
                            .filter_map(|k| k.strip_prefix(scope.prefix))
                            .take(self.candidates_wanted())
                            .collect();
                        let help = self.suggest(&v.name, candidates.iter().copied())
                            .unwrap_or_else(|| "only declared variables can be interpolated; write `{{` for a literal brace".into());
                        self.push(
                            Diagnostic::error(
                                "E007",
                                format!("`{{{}}}` interpolates an unknown variable", v.name),
                                v.span,
                            )
                            .label("no variable with this name")
                            .help(help),
                        );
                    }
                }
            }
        }
        Text { parts }
    }

    // ─── Expressions ───────────────────────────────────────────────────────

    fn type_name(&self, ty: Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::Int => "int".into(),
            Type::Text => "text".into(),
            Type::Enum(d) if d == OUTCOME_KINDS => "an outcome kind".into(),
            Type::Enum(d) => format!("one_of({})", self.members_short(d)),
            Type::Set(d) => format!("set({})", self.members_short(d)),
        }
    }

    fn type_name_of_domain(&self, d: DomainId) -> String {
        if d == OUTCOME_KINDS {
            "the outcome kinds".into()
        } else {
            format!("({})", self.members_short(d))
        }
    }

    fn members_short(&self, d: DomainId) -> String {
        let members = &self.domains[d.0 as usize];
        if members.len() > 4 {
            format!("{}, …", members[..3].join(", "))
        } else {
            members.join(", ")
        }
    }

    /// A bare name that is not a variable (nor `outcome` in an assert): an
    /// enum or set member whose type comes from the other side.
    fn symbol<'e>(&self, e: &'e ast::Expr, scope: Scope<'_>) -> Option<&'e Ident> {
        match &e.node {
            AstExpr::Name(id)
                if !(scope.in_assert && id.name == "outcome")
                    && (scope.constant
                        || !self
                            .var_index
                            .contains_key(qualify(scope.prefix, &id.name).as_ref())) =>
            {
                Some(id)
            }
            _ => None,
        }
    }

    // The functions below recurse once per level of an expression. They are
    // kept small, with diagnostics built in separate functions, so that even
    // the deepest expression the parser allows checks on a small stack.

    /// Type an expression, expecting `expected` when given.
    fn expr(&mut self, e: &ast::Expr, scope: Scope<'_>, expected: Option<Type>) -> Option<Expr> {
        let got = self.infer(e, scope, expected)?;
        match expected {
            Some(want) if got.ty != want => self.mismatch(want, &got, e.span),
            _ => Some(got),
        }
    }

    #[inline(never)]
    fn mismatch(&mut self, want: Type, got: &Expr, span: Span) -> Option<Expr> {
        let (w, g) = (self.type_name(want), self.type_name(got.ty));
        let help = match (want, &got.kind) {
            (Type::Bool, ExprKind::Lit(_)) => Some("a bool is `true` or `false`".to_string()),
            _ => conversion_help(want, got.ty),
        };
        self.push(
            Diagnostic::error("E005", format!("expected {w}, found {g}"), span)
                .label(format!("this is {g}"))
                .maybe_help(help),
        );
        None
    }

    fn mk(kind: ExprKind, ty: Type, span: Span) -> Option<Expr> {
        Some(Expr { kind, ty, span })
    }

    /// Type an expression; `expected` only guides names and hooks, whose
    /// type comes from their context.
    fn infer(&mut self, e: &ast::Expr, scope: Scope<'_>, expected: Option<Type>) -> Option<Expr> {
        let span = e.span;
        match &e.node {
            AstExpr::Int(n) => Self::mk(ExprKind::Lit(Value::Int(*n)), Type::Int, span),
            AstExpr::Bool(b) => Self::mk(ExprKind::Lit(Value::Bool(*b)), Type::Bool, span),
            AstExpr::Str(s) => self.string_expr(s, scope, span),
            AstExpr::Name(id) => self.name(id, scope, expected),
            AstExpr::Visited(n) => self.visited(n, scope, span),
            AstExpr::SetLit(members) => self.set_literal(members, expected, span),
            AstExpr::Hook { name, args } => self.hook(name, args, scope, expected, span),
            AstExpr::Call { name, args } => self.call(name, args, scope, span),
            AstExpr::Unary { op, expr } => self.unary(*op, expr, scope, span),
            AstExpr::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, scope, span),
        }
    }

    fn string_expr(&mut self, s: &ast::Str, scope: Scope<'_>, span: Span) -> Option<Expr> {
        if let Some(plain) = s.as_plain() {
            return Self::mk(
                ExprKind::Lit(Value::Text(Arc::from(plain))),
                Type::Text,
                span,
            );
        }
        if scope.constant {
            return self.not_constant(span, "an interpolation");
        }
        let text = self.text(s, scope);
        Self::mk(ExprKind::Interpolate(text), Type::Text, span)
    }

    /// `{a, b}`: its members are looked up in the set its context expects.
    fn set_literal(
        &mut self,
        members: &[Ident],
        expected: Option<Type>,
        span: Span,
    ) -> Option<Expr> {
        let Some(Type::Set(d)) = expected else {
            return self.set_without_context(expected, span);
        };
        let mut bits = 0u64;
        let mut ok = true;
        for m in members {
            match self.member(d, m) {
                Some(i) => bits |= 1 << i,
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        Self::mk(ExprKind::Lit(Value::Set(bits)), Type::Set(d), span)
    }

    #[inline(never)]
    fn set_without_context(&mut self, expected: Option<Type>, span: Span) -> Option<Expr> {
        let d = match expected {
            Some(want) => {
                let w = self.type_name(want);
                Diagnostic::error("E005", format!("expected {w}, found a set"), span)
                    .label("this is a set of members")
                    .help("`{a, b}` is a value for a set variable, declared like var ready: set(a, b)")
            }
            None => Diagnostic::error("E005", "cannot tell which set this is", span)
                .label("its type is not known here")
                .help("compare it with a set variable (`ready == {a, b}`) or give it to one (`set ready = {a, b}`)"),
        };
        self.push(d);
        None
    }

    fn visited(&mut self, node: &Ident, scope: Scope<'_>, span: Span) -> Option<Expr> {
        if scope.constant {
            return self.not_constant(span, "visited(...)");
        }
        let node = self.target(scope.prefix, node)?;
        Self::mk(ExprKind::Visited(node), Type::Bool, span)
    }

    fn unary(
        &mut self,
        op: UnaryOp,
        operand: &ast::Expr,
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let (ty, kind): (Type, fn(Box<Expr>) -> ExprKind) = match op {
            UnaryOp::Not => (Type::Bool, ExprKind::Not),
            UnaryOp::Neg => (Type::Int, ExprKind::Neg),
        };
        let inner = self.expr(operand, scope, Some(ty))?;
        Self::mk(kind(Box::new(inner)), ty, span)
    }

    /// A built-in function call: `count(set)`, or `tagged(tag)` in asserts.
    fn call(
        &mut self,
        name: &Ident,
        args: &[ast::Expr],
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        if name.name == "tagged" {
            return self.tagged(args, scope, span);
        }
        if name.name != "count" {
            return self.unknown_function(name);
        }
        let [arg] = args else {
            return self.wrong_arity(args.len(), span);
        };
        let inner = self.infer(arg, scope, None)?;
        if !matches!(inner.ty, Type::Set(_)) {
            return self.not_a_set("count()", inner.ty, arg.span);
        }
        Self::mk(ExprKind::Count(Box::new(inner)), Type::Int, span)
    }

    /// `tagged(tag)`: inside an assert, whether the final outcome node
    /// carries `tag`. The tag must be on at least one outcome, so a typo
    /// cannot make a rule hold (or fail) on every path unnoticed.
    fn tagged(&mut self, args: &[ast::Expr], scope: Scope<'_>, span: Span) -> Option<Expr> {
        let tag = match args {
            [ast::Expr {
                node: AstExpr::Name(tag),
                ..
            }] => tag,
            _ => return self.tagged_arity(span),
        };
        if !scope.in_assert {
            return self.tagged_outside_assert(span);
        }
        let outcome_tags: BTreeSet<&str> = self
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Outcome { .. }))
            .flat_map(|n| n.tags.iter().map(String::as_str))
            .collect();
        if !outcome_tags.contains(tag.name.as_str()) {
            let help = self.suggest(&tag.name, outcome_tags.iter().copied()).unwrap_or_else(|| {
                if outcome_tags.is_empty() {
                    "no outcome has any tags yet: add `tags NAME` to the outcomes the rule is about"
                        .to_string()
                } else {
                    let known: Vec<&str> = outcome_tags.iter().copied().collect();
                    format!("the outcomes' tags are: {}", known.join(", "))
                }
            });
            self.push(
                Diagnostic::error(
                    "E019",
                    format!("no outcome has the tag `{}`", tag.name),
                    tag.span,
                )
                .label("not a tag of any outcome")
                .help(help),
            );
            return None;
        }
        Self::mk(ExprKind::Tagged(tag.name.clone()), Type::Bool, span)
    }

    #[inline(never)]
    fn tagged_arity(&mut self, span: Span) -> Option<Expr> {
        self.push(
            Diagnostic::error("E005", "`tagged` takes one tag name", span)
                .label("expected a tag")
                .help("write tagged(tag), for example tagged(moving_on)"),
        );
        None
    }

    #[inline(never)]
    fn tagged_outside_assert(&mut self, span: Span) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E019",
                "`tagged(...)` only works inside an assert",
                span,
            )
            .label("there is no final outcome here yet")
            .help("tagged(tag) asks whether the outcome a path ended at has a tag; use it in `assert always(...)` or `assert never(...)`"),
        );
        None
    }

    #[inline(never)]
    fn unknown_function(&mut self, name: &Ident) -> Option<Expr> {
        let help = self.suggest(&name.name, ["count", "visited", "tagged"]).unwrap_or_else(|| {
            format!(
                "the built-in functions are count(set), visited(node) and, in asserts, tagged(tag); to call a script function write `hook {}(...)`",
                name.name
            )
        });
        self.push(
            Diagnostic::error(
                "E004",
                format!("unknown function `{}`", name.name),
                name.span,
            )
            .label("not a built-in function")
            .help(help),
        );
        None
    }

    #[inline(never)]
    fn wrong_arity(&mut self, found: usize, span: Span) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E005",
                format!("count() takes 1 argument, found {found}"),
                span,
            )
            .label("wrong number of arguments")
            .help("count(my_set) gives the number of members in a set"),
        );
        None
    }

    #[inline(never)]
    fn not_a_set(&mut self, what: &str, got: Type, span: Span) -> Option<Expr> {
        let g = self.type_name(got);
        self.push(
            Diagnostic::error("E005", format!("{what} needs a set, found {g}"), span)
                .label(format!("this is {g}")),
        );
        None
    }

    fn not_constant(&mut self, span: Span, what: &str) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E005",
                format!("a default value must be a constant, but it uses {what}"),
                span,
            )
            .label("not a constant")
            .help("set computed values with `set` in an option, info or score node"),
        );
        None
    }

    fn name(&mut self, id: &Ident, scope: Scope<'_>, expected: Option<Type>) -> Option<Expr> {
        let span = id.span;
        if scope.in_assert && id.name == "outcome" {
            return Self::mk(ExprKind::Outcome, Type::Enum(OUTCOME_KINDS), span);
        }
        if !scope.constant {
            if let Some(&v) = self.var_index.get(qualify(scope.prefix, &id.name).as_ref()) {
                return Self::mk(ExprKind::Var(v), self.vars[v.index()].ty, span);
            }
        }
        if let Some(Type::Enum(d)) = expected {
            let m = self.member(d, id)?;
            return Self::mk(ExprKind::Lit(Value::Enum(Some(m))), Type::Enum(d), span);
        }
        if let Some(Type::Set(d)) = expected {
            if self.domains[d.0 as usize].contains(&id.name) {
                return self.member_for_set(id);
            }
        }
        if scope.constant
            && self
                .var_index
                .contains_key(qualify(scope.prefix, &id.name).as_ref())
        {
            return self.not_constant(span, &format!("the variable `{}`", id.name));
        }
        let mut candidates: Vec<&str> = self
            .var_index
            .keys()
            .filter_map(|k| k.strip_prefix(scope.prefix))
            .take(self.candidates_wanted())
            .collect();
        if scope.in_assert {
            candidates.push("outcome");
        }
        let suggestion = self.suggest(&id.name, candidates.iter().copied());
        if expected == Some(Type::Text) && suggestion.is_none() {
            return self.bare_word_for_text(id);
        }
        let help = suggestion.unwrap_or_else(|| {
            if scope.in_assert {
                "declare it with `var`; inside an assert, `outcome` is the final outcome kind"
                    .into()
            } else {
                format!("declare it first: var {}: bool = false", id.name)
            }
        });
        self.push(
            Diagnostic::error("E004", format!("unknown variable `{}`", id.name), span)
                .label("not declared")
                .help(help),
        );
        None
    }

    #[inline(never)]
    fn bare_word_for_text(&mut self, id: &Ident) -> Option<Expr> {
        self.push(
            Diagnostic::error("E004", format!("unknown variable `{}`", id.name), id.span)
                .label("not a variable; a text is expected here")
                .help(format!(
                    "to mean the text {0}, put it in double quotes: \"{0}\"",
                    id.name
                )),
        );
        None
    }

    #[inline(never)]
    fn member_for_set(&mut self, id: &Ident) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E005",
                format!("expected a set, found the member `{}`", id.name),
                id.span,
            )
            .label("one member, not a set")
            .help(format!(
                "write a set in braces: `{{{}}}` (and `{{}}` for the empty set)",
                id.name
            )),
        );
        None
    }

    /// `hook name(args)`: a call into the tree's script. Its type is the one
    /// its context expects; the script itself is checked elsewhere against
    /// the recorded call sites.
    fn hook(
        &mut self,
        name: &Ident,
        args: &[ast::Expr],
        scope: Scope<'_>,
        expected: Option<Type>,
        span: Span,
    ) -> Option<Expr> {
        if scope.constant {
            return self.not_constant(span, "a hook");
        }
        if self.script.is_none() {
            return self.hook_without_script(name);
        }
        let mut typed = Vec::with_capacity(args.len());
        for a in args {
            typed.push(self.infer(a, scope, None));
        }
        let typed: Vec<Expr> = typed.into_iter().collect::<Option<_>>()?;
        let Some(ret) = expected else {
            return self.hook_type_unknown(name, span);
        };
        self.hook_calls.push(HookCall {
            name: name.name.clone(),
            arity: args.len(),
            ret,
            span,
            name_span: name.span,
        });
        Self::mk(
            ExprKind::Hook {
                name: name.name.clone(),
                args: typed,
            },
            ret,
            span,
        )
    }

    #[inline(never)]
    fn hook_without_script(&mut self, name: &Ident) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E004",
                format!(
                    "hook `{}` is called, but the tree names no script",
                    name.name
                ),
                name.span,
            )
            .label("no script to find it in")
            .help("name the script in the tree header: script \"my_tree.rhai\""),
        );
        None
    }

    #[inline(never)]
    fn hook_type_unknown(&mut self, name: &Ident, span: Span) -> Option<Expr> {
        self.push(
            Diagnostic::error(
                "E005",
                format!("cannot tell what type hook `{}` returns", name.name),
                span,
            )
            .label("its type is not known here")
            .help("compare it with a value (`hook f(x) > 2`) or assign it to a variable (`set n = hook f(x)`)"),
        );
        None
    }

    fn binary(
        &mut self,
        op: BinOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let operands = (lhs, rhs);
        match op {
            BinOp::And | BinOp::Or | BinOp::Implies => {
                self.both(op, operands, scope, (Type::Bool, Type::Bool), span)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                self.both(op, operands, scope, (Type::Int, Type::Bool), span)
            }
            BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                self.both(op, operands, scope, (Type::Int, Type::Int), span)
            }
            BinOp::Add => self.add(operands, scope, span),
            BinOp::Eq | BinOp::Ne => self.equality(op, operands, scope, span),
            BinOp::In | BinOp::NotIn => self.membership(op, operands, scope, span),
        }
    }

    fn binary_expr(op: BinOp, l: Expr, r: Expr, ty: Type, span: Span) -> Option<Expr> {
        Self::mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), ty, span)
    }

    /// Both operands of one type, giving a result of another (`(operand,
    /// result)`). Both sides are checked even when the left one fails, so
    /// every problem is reported.
    fn both(
        &mut self,
        op: BinOp,
        (lhs, rhs): (&ast::Expr, &ast::Expr),
        scope: Scope<'_>,
        (operand, result): (Type, Type),
        span: Span,
    ) -> Option<Expr> {
        let l = self.expr(lhs, scope, Some(operand));
        let r = self.expr(rhs, scope, Some(operand));
        Self::binary_expr(op, l?, r?, result, span)
    }

    /// `+` adds numbers or joins text.
    fn add(
        &mut self,
        (lhs, rhs): (&ast::Expr, &ast::Expr),
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let l = self.infer(lhs, scope, None)?;
        if !matches!(l.ty, Type::Int | Type::Text) {
            return self.cannot_add(l.ty, lhs.span);
        }
        let ty = l.ty;
        let r = self.expr(rhs, scope, Some(ty))?;
        Self::binary_expr(BinOp::Add, l, r, ty, span)
    }

    #[inline(never)]
    fn cannot_add(&mut self, got: Type, span: Span) -> Option<Expr> {
        let g = self.type_name(got);
        self.push(
            Diagnostic::error(
                "E005",
                format!("`+` adds numbers or joins text, found {g}"),
                span,
            )
            .label(format!("this is {g}"))
            .help("to add a member to a set, use the effect `add my_set member`"),
        );
        None
    }

    /// `==` and `!=`: the side whose type is known on its own is typed first
    /// and gives the other side (a member name or a hook call) its type.
    fn equality(
        &mut self,
        op: BinOp,
        (lhs, rhs): (&ast::Expr, &ast::Expr),
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let (l, r) = if self.needs_context(lhs, scope) && !self.needs_context(rhs, scope) {
            let r = self.infer(rhs, scope, None)?;
            (self.expr(lhs, scope, Some(r.ty))?, r)
        } else {
            let l = self.infer(lhs, scope, None)?;
            let r = self.expr(rhs, scope, Some(l.ty))?;
            (l, r)
        };
        Self::binary_expr(op, l, r, Type::Bool, span)
    }

    /// A bare member name or a hook call: its type comes from the other side.
    fn needs_context(&self, e: &ast::Expr, scope: Scope<'_>) -> bool {
        matches!(e.node, AstExpr::Hook { .. } | AstExpr::SetLit(_))
            || self.symbol(e, scope).is_some()
    }

    /// `member in set` and `member not in set`.
    fn membership(
        &mut self,
        op: BinOp,
        (lhs, rhs): (&ast::Expr, &ast::Expr),
        scope: Scope<'_>,
        span: Span,
    ) -> Option<Expr> {
        let set = self.infer(rhs, scope, None)?;
        let Type::Set(d) = set.ty else {
            return self.in_needs_set(op, set.ty, lhs, rhs);
        };
        let Some(member) = self.symbol(lhs, scope) else {
            return self.in_needs_member(op, d, lhs.span);
        };
        let m = self.member(d, member)?;
        Self::mk(
            ExprKind::In {
                member: m,
                set: Box::new(set),
                negate: op == BinOp::NotIn,
            },
            Type::Bool,
            span,
        )
    }

    #[inline(never)]
    fn in_needs_set(
        &mut self,
        op: BinOp,
        got: Type,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
    ) -> Option<Expr> {
        let g = self.type_name(got);
        let help = match (got, &lhs.node) {
            (Type::Enum(_), AstExpr::Name(member)) => format!(
                "a one_of variable holds a single value: compare it with `==`, as in `{} == {}`",
                self.sources.get(rhs.span.file).slice(rhs.span),
                member.name
            ),
            _ => "`in` tests a member of a set variable, declared like var ready: set(a, b)".into(),
        };
        self.push(
            Diagnostic::error(
                "E005",
                format!("`{}` needs a set on its right, found {g}", op.symbol()),
                rhs.span,
            )
            .label(format!("this is {g}"))
            .help(help),
        );
        None
    }

    #[inline(never)]
    fn in_needs_member(&mut self, op: BinOp, d: DomainId, span: Span) -> Option<Expr> {
        let members = self.domains[d.0 as usize].join(", ");
        self.push(
            Diagnostic::error(
                "E005",
                format!("the left of `{}` must be a member name", op.symbol()),
                span,
            )
            .label("expected a member of the set")
            .help(format!("the members are: {members}")),
        );
        None
    }

    // ─── Graph checks ──────────────────────────────────────────────────────

    fn graph(&mut self) {
        let Some(start) = self.units[0]
            .ast
            .header
            .start
            .as_ref()
            .and_then(|s| self.node_index.get(&s.name).copied())
        else {
            return;
        };
        let succ: Vec<Vec<NodeId>> = self.nodes.iter().map(|n| n.kind.successors()).collect();
        let reachable = reach(&succ, start);
        for (i, node) in self.nodes.iter().enumerate() {
            if !reachable[i] {
                self.diags.push(
                    Diagnostic::warning(
                        "W002",
                        format!("the node `{}` can never be reached", node.id),
                        node.id_span,
                    )
                    .label("nothing leads here")
                    .help("point an option or `->` at it, or remove it"),
                );
            }
        }
        // Nodes from which some outcome can be reached, by walking edges backwards.
        let mut pred: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for (from, targets) in succ.iter().enumerate() {
            for t in targets {
                pred[t.index()].push(from);
            }
        }
        let mut finishes = vec![false; self.nodes.len()];
        let mut queue: VecDeque<usize> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Outcome { .. }))
            .map(|(i, _)| i)
            .collect();
        for &i in &queue {
            finishes[i] = true;
        }
        while let Some(i) = queue.pop_front() {
            for &p in &pred[i] {
                if !finishes[p] {
                    finishes[p] = true;
                    queue.push_back(p);
                }
            }
        }
        let mut trapped: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| reachable[i] && !finishes[i])
            .collect();
        trapped.sort_by_key(|&i| self.nodes[i].span);
        if let Some(&first) = trapped.first() {
            let mut d = Diagnostic::error(
                "E010",
                format!(
                    "no path from `{}` leads to an outcome",
                    self.nodes[first].id
                ),
                self.nodes[first].id_span,
            )
            .label("a run that gets here loops forever")
            .help("give the loop a way out: an option or `else` that leads to an outcome");
            for &other in trapped.iter().skip(1).take(4) {
                d = d.with_secondary(self.nodes[other].id_span, "also trapped in the loop");
            }
            self.diags.push(d);
        }
    }

    // ─── Unused names ──────────────────────────────────────────────────────

    /// Mark every variable that some expression or text mentions as read.
    /// This works on the syntax tree, so a variable used in an expression
    /// with an error elsewhere is still seen as used.
    fn mark_reads(&mut self) {
        for unit in &self.units {
            for name in mentioned_names(&unit.ast) {
                if let Some(&id) = self.var_index.get(&format!("{}{name}", unit.prefix)) {
                    self.var_read[id.index()] = true;
                }
            }
        }
    }

    fn unused(&mut self) {
        self.mark_reads();
        for (i, var) in self.vars.iter().enumerate() {
            if !self.var_read[i] {
                self.diags.push(
                    Diagnostic::warning(
                        "W001",
                        format!("the variable `{}` is never read", var.name),
                        var.span,
                    )
                    .label("declared here")
                    .help("use it in a condition, a text (`{name}`) or an assert, or remove it"),
                );
            }
        }
        for (i, used) in self.kind_used.iter().enumerate() {
            if !used {
                let name = &self.domains[OUTCOME_KINDS.0 as usize][i];
                self.diags.push(
                    Diagnostic::warning(
                        "W003",
                        format!("no outcome has the kind `{name}`"),
                        self.kind_spans[i],
                    )
                    .label("declared but never used")
                    .help("add an outcome with this kind, or remove it from `outcomes`"),
                );
            }
        }
    }
}

/// The fields of one node, sorted by what they are.
#[derive(Default)]
struct Fields<'a> {
    text: Option<&'a ast::Str>,
    help: Option<&'a ast::Str>,
    title: Option<&'a ast::Str>,
    kind: Option<&'a Ident>,
    into: Option<&'a Ident>,
    input: Option<&'a Field>,
    input_span: Option<Span>,
    otherwise: Option<&'a Ident>,
    goto: Option<&'a Ident>,
    sources: Vec<&'a Ident>,
    tags: Vec<&'a Ident>,
    advice: Vec<&'a ast::Str>,
    examples: Vec<&'a ast::Spanned<ast::Literal>>,
    options: Vec<&'a ast::OptionDef>,
    items: Vec<&'a ast::ItemDef>,
    arms: Vec<(&'a ast::Expr, &'a Ident, Span)>,
    effects: Vec<&'a ast::Effect>,
}

fn allowed_fields(kind: ast::NodeKind) -> &'static str {
    use ast::NodeKind as K;
    match kind {
        K::Question => "text, help, source, tags, option",
        K::Checklist => "text, help, source, tags, into, item, ->",
        K::Input => "text, help, source, tags, number into / text into, examples, ->",
        K::Branch => "source, tags, when, else",
        K::Score => "source, tags, set/add/remove, ->",
        K::Info => "text, help, source, tags, advice, set/add/remove, ->",
        K::Outcome => "kind, title, text, help, advice, source, tags",
    }
}

fn conversion_help(want: Type, got: Type) -> Option<String> {
    match (want, got) {
        (Type::Bool, Type::Int) => {
            Some("compare the number to get a bool, for example `months > 3`".into())
        }
        (Type::Bool, Type::Set(_)) => {
            Some("test a member with `member in set`, or size with `count(set) > 0`".into())
        }
        (Type::Bool, Type::Enum(_)) => Some("compare it with a member: `goal == closure`".into()),
        (Type::Int, Type::Set(_)) => Some("count(set) gives the number of members".into()),
        (Type::Enum(d), _) if d == OUTCOME_KINDS => Some(
            "`outcome` is the final outcome kind: compare it with a kind from the header, as in `outcome == stop`"
                .into(),
        ),
        (Type::Int, Type::Text) => Some(
            "a number and a text cannot be compared: write numbers without quotes (`months == 6`) and compare texts with texts (`name == \"Sam\"`)"
                .into(),
        ),
        (Type::Text, Type::Int) => Some(
            "a text and a number cannot be compared: write texts in double quotes (`name == \"6\"`) and compare numbers with numbers"
                .into(),
        ),
        (Type::Enum(_), Type::Int | Type::Text | Type::Bool) => Some(
            "a one_of holds one of its members: compare it with a member name, as in `goal == closure`"
                .into(),
        ),
        (Type::Int | Type::Text, Type::Enum(_)) => Some(
            "a one_of holds a member name, not a number or text: compare it with a member, as in `goal == closure`"
                .into(),
        ),
        _ => None,
    }
}

/// Every name read by an expression or interpolated into a text in `file`
/// (names that are written, such as `set x = ...` or `into x`, are not).
fn mentioned_names(file: &ast::File) -> Vec<&str> {
    let mut names = Vec::new();
    let mut exprs: Vec<&ast::Expr> = Vec::new();
    let mut strs: Vec<&ast::Str> = Vec::new();
    for v in &file.vars {
        exprs.extend(&v.default);
    }
    for a in &file.asserts {
        match &a.rule {
            ast::AssertRule::Always(e) | ast::AssertRule::Never(e) => exprs.push(e),
            ast::AssertRule::Reachable(_) => {}
        }
    }
    for node in &file.nodes {
        for field in &node.fields {
            field_parts(&field.node, &mut exprs, &mut strs);
        }
    }
    while let Some(e) = exprs.pop() {
        match &e.node {
            AstExpr::Name(id) => names.push(id.name.as_str()),
            AstExpr::Str(s) => strs.push(s),
            AstExpr::Hook { args, .. } | AstExpr::Call { args, .. } => exprs.extend(args),
            AstExpr::Unary { expr, .. } => exprs.push(expr),
            AstExpr::Binary { lhs, rhs, .. } => {
                exprs.push(lhs);
                exprs.push(rhs);
            }
            AstExpr::Int(_) | AstExpr::Bool(_) | AstExpr::Visited(_) | AstExpr::SetLit(_) => {}
        }
    }
    for s in strs {
        for part in &s.parts {
            if let StrPart::Var(v) = part {
                names.push(v.name.as_str());
            }
        }
    }
    names
}

/// The expressions and strings inside one node field.
fn field_parts<'a>(field: &'a Field, exprs: &mut Vec<&'a ast::Expr>, strs: &mut Vec<&'a ast::Str>) {
    let effect_value = |e: &'a ast::Effect| match e {
        ast::Effect::Set { value, .. } => Some(value),
        ast::Effect::Add { .. } | ast::Effect::Remove { .. } => None,
    };
    match field {
        Field::Text(s) | Field::Help(s) | Field::Title(s) => strs.push(s),
        Field::Advice(list) => strs.extend(list),
        Field::Option(o) => {
            strs.push(&o.label);
            exprs.extend(&o.cond);
            exprs.extend(o.effects.iter().filter_map(effect_value));
        }
        Field::Item(i) => {
            strs.push(&i.label);
            exprs.extend(&i.cond);
        }
        Field::When { cond, .. } => exprs.push(cond),
        Field::Effect(e) => exprs.extend(effect_value(e)),
        Field::Source(_)
        | Field::Tags(_)
        | Field::Kind(_)
        | Field::Into(_)
        | Field::Number { .. }
        | Field::TextInput { .. }
        | Field::Examples(_)
        | Field::Else(_)
        | Field::Goto(_) => {}
    }
}

/// A name as the checker's tables key it: `ns.name` inside an include,
/// the name itself (without allocating) in the root file.
fn qualify<'a>(prefix: &str, name: &'a str) -> Cow<'a, str> {
    if prefix.is_empty() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(format!("{prefix}{name}"))
    }
}

/// A declared type as the checker names types: `one_of(a, b)`.
fn type_expr_name(ty: &TypeExpr) -> String {
    let list = |m: &[Ident]| {
        m.iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match ty {
        TypeExpr::Bool => "bool".into(),
        TypeExpr::Int => "int".into(),
        TypeExpr::Text => "text".into(),
        TypeExpr::OneOf(m) => format!("one_of({})", list(m)),
        TypeExpr::Set(m) => format!("set({})", list(m)),
    }
}

/// A likely declaration (`int = 0`) for a variable that is given `value`.
fn declaration_for(value: &ast::Expr) -> &'static str {
    match value_kind(value) {
        Some(Type::Int) => "int = 0",
        Some(Type::Text) => "text = \"\"",
        _ => "bool = false",
    }
}

/// The type of `value` as far as its shape tells (names tell nothing).
fn value_kind(value: &ast::Expr) -> Option<Type> {
    match &value.node {
        AstExpr::Int(_) | AstExpr::Call { .. } => Some(Type::Int),
        AstExpr::Str(_) => Some(Type::Text),
        AstExpr::Bool(_) | AstExpr::Visited(_) => Some(Type::Bool),
        AstExpr::Unary { op, .. } => Some(match op {
            UnaryOp::Neg => Type::Int,
            UnaryOp::Not => Type::Bool,
        }),
        AstExpr::Binary {
            op: BinOp::Add,
            lhs,
            rhs,
        } => Some(
            value_kind(lhs)
                .or_else(|| value_kind(rhs))
                .unwrap_or(Type::Int),
        ),
        AstExpr::Binary { op, .. } => Some(match op {
            BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => Type::Int,
            _ => Type::Bool,
        }),
        AstExpr::Name(_) | AstExpr::Hook { .. } | AstExpr::SetLit(_) => None,
    }
}

/// `an outcome`, `a question`: a word with its indefinite article.
fn with_article(word: &str) -> String {
    let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {word}", if vowel { "an" } else { "a" })
}

/// Which nodes can be reached from `start` (iterative, so depth is no risk).
fn reach(succ: &[Vec<NodeId>], start: NodeId) -> Vec<bool> {
    let mut seen = vec![false; succ.len()];
    let mut stack = vec![start.index()];
    while let Some(i) = stack.pop() {
        if i >= seen.len() || seen[i] {
            continue;
        }
        seen[i] = true;
        stack.extend(succ[i].iter().map(|n| n.index()));
    }
    seen
}

/// FNV-1a over every file's text, as 16 hex digits.
fn content_hash(sources: &Sources) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (_, f) in sources.iter() {
        for b in f.text.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Constant folding for defaults: no variables, nodes or outcomes exist.
struct ConstEnv;

impl Env for ConstEnv {
    fn var(&self, _: VarId) -> &Value {
        const NONE: &Value = &Value::Bool(false);
        NONE
    }
    fn set_var(&mut self, _: VarId, _: Value) {}
    fn visited(&self, _: NodeId) -> bool {
        false
    }
    fn outcome(&self) -> Option<u32> {
        None
    }
}
