//! The checker: syntax trees in, a resolved and typed [`Model`] out, or every
//! problem at once as [`Diagnostic`]s sorted by position.
//!
//! Passes: load the root file and its includes → declare every name (kinds,
//! sources, variables, nodes, namespaces) → resolve nodes, expressions and
//! asserts → graph checks (reachability, ways out, traps) → unused names.

use crate::ast::{self};
use crate::diag::{self, Diagnostic, Problem};
use crate::load::{Disk, FileSystem, LoadOptions, ReadError};
use crate::model::{
    Assert, DomainId, HookCall, HookRuntime, Model, Node, NodeId, ScriptRef, Var, VarId,
};
use crate::source::{FileId, Sources, Span};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

mod declare;
mod fields;
mod flow;
mod hooks;
mod load;
mod lower;
mod names;
mod types;
mod unused;

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
            ck.check_flow();
        }
        ck.report_unused();
        let script = ck.script.clone().filter(|s| ck.confined(fs, s));
        if let Some(script) = &script {
            match hooks::load(fs, &mut ck.sources, script, &ck.hook_calls) {
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
    /// Each declared member list once: the same members in the same order
    /// are the same type.
    domain_index: HashMap<Vec<String>, DomainId>,
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
    /// Bytes read across all files, against [`crate::load::MAX_TOTAL_SOURCE`].
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
    pub(super) fn suggest<'a>(
        &self,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        let made = self.suggestions.get();
        self.suggestions.set(made.saturating_add(1));
        (made < MAX_SUGGESTIONS).then(|| diag::did_you_mean(name, candidates))?
    }

    /// How many candidates a did-you-mean may still look at: none once
    /// [`MAX_SUGGESTIONS`] have been made, so that collecting them costs
    /// nothing either.
    pub(super) fn candidates_wanted(&self) -> usize {
        if self.suggestions.get() >= MAX_SUGGESTIONS {
            0
        } else {
            diag::MAX_SUGGEST_CANDIDATES
        }
    }

    /// The variables visible under `prefix`, by the names written there,
    /// as did-you-mean candidates.
    pub(super) fn variable_names(&self, prefix: &str) -> Vec<&str> {
        let names = self.var_index.keys();
        let visible = names.filter_map(|k| k.strip_prefix(prefix));
        visible.take(self.candidates_wanted()).collect()
    }

    pub(super) fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// Report `problem` at `span`.
    pub(super) fn report(&mut self, problem: impl Into<Problem>, span: Span) {
        self.diags.push(problem.into().at(span));
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
}

/// A name as the checker's tables key it: `ns.name` inside an include,
/// the name itself (without allocating) in the root file.
pub(super) fn qualify<'a>(prefix: &str, name: &'a str) -> Cow<'a, str> {
    if prefix.is_empty() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(format!("{prefix}{name}"))
    }
}

/// FNV-1a over every file's text, as 16 hex digits.
fn content_hash(sources: &Sources) -> String {
    let mut h = crate::hash::Fnv1a::new();
    for (_, f) in sources.iter() {
        h.write(f.text.as_bytes());
        h.write(&[0]);
    }
    format!("{:016x}", h.finish())
}
