//! Every problem the checker reports, as data: one enum per stage, each
//! variant with typed fields, and beside each variant (in its stage's
//! `words` match) its code, message, label, related places and help. This
//! is the one place a diagnostic's wording lives; adding a diagnostic is
//! adding a variant, its words and an `err_*` fixture.

use super::{plural, Diagnostic, Severity};
use crate::source::Span;

mod declare;
mod flow;
mod hooks;
mod load;
mod node;
mod syntax;
mod types;

#[cfg(test)]
mod tests;

pub use declare::{Declare, ParamHint};
pub use flow::Flow;
pub use hooks::{Hook, ScriptSyntax};
pub use load::Load;
pub use node::{NoWayOut, Node};
pub use syntax::{Syntax, SyntaxHint};
pub use types::{NotConstant, TypeProblem};

/// Declares [`Code`] and [`CODES`] from one list, so a code and its
/// summary are written once.
macro_rules! codes {
    ($($code:ident => $summary:expr,)*) => {
        /// A stable diagnostic code: once published, a code keeps its
        /// meaning. Each has an `err_*` fixture in `tests/fixtures/errors/`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $summary] $code,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            /// The code as written: `E003`.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            /// A one-line summary of what the code means.
            #[must_use]
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$code => $summary,)*
                }
            }
        }

        /// Every diagnostic code, with its one-line summary (from [`Code`]).
        pub const CODES: &[(&str, &str)] = &[$((stringify!($code), $summary),)*];
    };
}

codes! {
    E001 => "syntax error",
    E002 => "duplicate id",
    E003 => "unknown node",
    E004 => "unknown variable or name",
    E005 => "type mismatch",
    E006 => "unknown member of a one_of or set type",
    E007 => "interpolation of an unknown variable",
    E008 => "field not allowed in this kind of node",
    E009 => "node with no way out",
    E010 => "cycle with no way to any outcome",
    E011 => "undeclared outcome kind",
    E012 => "missing or unreadable include file",
    E013 => "include cycle",
    E014 => "missing required field",
    E015 => "number out of range",
    E016 => "file cannot be read as a tree",
    E017 => "expression nested too deeply",
    E018 => "control character in a tree file",
    E019 => "`tagged(...)` with an unknown tag, or outside an assert",
    E020 => "hook script cannot be read",
    E021 => "hook script does not compile",
    E022 => "hook not defined in the script",
    E023 => "hook called with the wrong number of arguments",
    E030 => "include or script outside the tree's folder",
    E031 => "too many included files, include levels or nodes",
    W001 => "unused variable",
    W002 => "unreachable node",
    W003 => "outcome kind never used",
    W004 => "every option has a condition: the question may show none",
}

impl Code {
    /// Warnings start with `W`; every other code is an error.
    #[must_use]
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }
}

/// What a diagnostic says: built by each stage's `words`, in one place per
/// variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Words {
    code: Code,
    message: String,
    label: String,
    related: Vec<(Span, String)>,
    help: Option<String>,
}

impl Words {
    fn new(code: Code, message: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            label: label.into(),
            related: Vec::new(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    fn related(mut self, span: Span, text: impl Into<String>) -> Self {
        self.related.push((span, text.into()));
        self
    }

    /// A related place when there is one.
    fn maybe_related(self, span: Option<Span>, text: &str) -> Self {
        match span {
            Some(span) => self.related(span, text),
            None => self,
        }
    }
}

/// One problem of any stage.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Syntax(Syntax),
    Load(Load),
    Declare(Declare),
    Node(Node),
    Type(TypeProblem),
    Flow(Flow),
    Hook(Hook),
}

impl Problem {
    /// Its code, message, label, related places and help.
    #[must_use]
    pub fn words(&self) -> Words {
        match self {
            Problem::Syntax(p) => p.words(),
            Problem::Load(p) => p.words(),
            Problem::Declare(p) => p.words(),
            Problem::Node(p) => p.words(),
            Problem::Type(p) => p.words(),
            Problem::Flow(p) => p.words(),
            Problem::Hook(p) => p.words(),
        }
    }

    /// Its code.
    #[must_use]
    pub fn code(&self) -> Code {
        self.words().code
    }

    /// The diagnostic for this problem at `span`.
    #[must_use]
    pub fn at(&self, span: Span) -> Diagnostic {
        diagnostic(self.words(), span)
    }
}

/// A diagnostic from its words, at `span`.
fn diagnostic(words: Words, span: Span) -> Diagnostic {
    let mut diag = Diagnostic::new(
        words.code.severity(),
        words.code.as_str(),
        words.message,
        span,
    )
    .label(words.label);
    for (span, text) in words.related {
        diag = diag.with_secondary(span, text);
    }
    diag.maybe_help(words.help)
}

macro_rules! problem_from {
    ($($variant:ident($ty:ty),)*) => {
        $(impl From<$ty> for Problem {
            fn from(p: $ty) -> Self {
                Problem::$variant(p)
            }
        }

        impl $ty {
            /// The diagnostic for this problem at `span`.
            #[must_use]
            pub fn at(&self, span: Span) -> Diagnostic {
                diagnostic(self.words(), span)
            }
        })*
    };
}

problem_from! {
    Syntax(Syntax),
    Load(Load),
    Declare(Declare),
    Node(Node),
    Type(TypeProblem),
    Flow(Flow),
    Hook(Hook),
}

/// `an outcome`, `a question`: a word with its indefinite article.
fn with_article(word: &str) -> String {
    let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {word}", if vowel { "an" } else { "a" })
}
