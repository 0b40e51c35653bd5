//! Problems with the tree's hook script (E020 to E023).

use super::{plural, Code, Words};
use crate::load::ReadError;
use crate::source::Span;
use std::path::PathBuf;

/// A hook script problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hook {
    /// The script named in the header cannot be read.
    Unreadable { path: PathBuf, error: ReadError },
    /// The script does not compile; `message` is Rhai's, in lower case.
    Syntax {
        message: String,
        kind: ScriptSyntax,
        script_at: Span,
    },
    /// A hook the script does not define; `private_at` when it defines it
    /// `private`.
    Missing {
        hook: String,
        path: PathBuf,
        arity: usize,
        suggestion: Option<String>,
        private_at: Option<Option<Span>>,
    },
    /// A hook called with a number of arguments no definition takes;
    /// `definitions` are each definition's place (when found) and form
    /// `(name, parameters)`.
    Arity {
        hook: String,
        given: usize,
        definitions: Vec<(Option<Span>, Vec<String>)>,
    },
}

/// What kind of compile error, for its label and help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptSyntax {
    /// A missing `;`, pointed at the end of the statement before.
    MissingSemicolon,
    /// `import` or `export`.
    Modules,
    /// `eval(...)`.
    Eval,
    /// `Fn`, `call` or `curry`.
    FunctionPointers,
    /// More than [`crate::script::MAX_FUNCTIONS`] functions.
    TooManyFunctions,
    /// A variable a function does not have.
    VariableUndefined,
    /// Anything else.
    Other,
}

impl Hook {
    pub(super) fn words(&self) -> Words {
        match self {
            Hook::Unreadable { path, error } => Words::new(
                Code::E020,
                format!("cannot read the hook script `{}`: {error}", path.display()),
                "named here",
            )
            .help("the script path is relative to the tree file"),
            Hook::Syntax {
                message,
                kind,
                script_at,
            } => {
                let (label, help) = syntax_label(*kind);
                Words::new(
                    Code::E021,
                    format!("the hook script does not compile: {message}"),
                    label,
                )
                .related(*script_at, "script named here")
                .maybe_help(help)
            }
            Hook::Missing { .. } => self.missing_words(),
            Hook::Arity {
                hook,
                given,
                definitions,
            } => arity_words(hook, *given, definitions),
        }
    }

    fn missing_words(&self) -> Words {
        let Hook::Missing {
            hook,
            path,
            arity,
            suggestion,
            private_at,
        } = self
        else {
            return Words::new(Code::E022, "hook not defined", "");
        };
        let path = path.display();
        let help = match private_at {
            Some(_) => format!(
                "`{hook}` is `private` in the script; remove `private` to call it from the tree"
            ),
            None => suggestion.clone().unwrap_or_else(|| {
                let params: Vec<String> = (1..=*arity).map(|i| format!("arg{i}")).collect();
                format!(
                    "define it in `{path}`: fn {hook}({}) {{ ... }}",
                    params.join(", ")
                )
            }),
        };
        Words::new(
            Code::E022,
            format!("hook `{hook}` is not defined in `{path}`"),
            "no such function in the script",
        )
        .help(help)
        .maybe_related(private_at.flatten(), "private here")
    }
}

fn syntax_label(kind: ScriptSyntax) -> (&'static str, Option<String>) {
    let (label, help) = match kind {
        ScriptSyntax::MissingSemicolon => ("expected `;` after this", Some("end each statement with `;`")),
        ScriptSyntax::Modules => (
            "modules are not available to hooks",
            Some("define every function the hooks need in this one script"),
        ),
        ScriptSyntax::Eval => (
            "`eval` is not available to hooks",
            Some("write the code directly instead of evaluating a string"),
        ),
        ScriptSyntax::FunctionPointers => (
            "function pointers are not available to hooks",
            Some("call functions by name; anonymous functions without captured variables, like `|x| x * 2`, still work with `map` and `filter`"),
        ),
        ScriptSyntax::TooManyFunctions => (
            "one function too many",
            Some("a hook script may define at most 1,000 functions (script::MAX_FUNCTIONS)"),
        ),
        ScriptSyntax::VariableUndefined => (
            "not defined here",
            Some("a function sees only its parameters and its own `let` variables; pass other values in as parameters"),
        ),
        ScriptSyntax::Other => ("here", None),
    };
    (label, help.map(str::to_string))
}

fn arity_words(hook: &str, given: usize, definitions: &[(Option<Span>, Vec<String>)]) -> Words {
    let takes = match definitions {
        [(_, params)] => plural(params.len(), "argument"),
        more => {
            let arities: Vec<String> = more.iter().map(|(_, p)| p.len().to_string()).collect();
            format!("{} arguments", arities.join(" or "))
        }
    };
    let given_words = plural(given, "argument");
    let verb = if given == 1 { "is" } else { "are" };
    let mut words = Words::new(
        Code::E023,
        format!("hook `{hook}` takes {takes}, but {given_words} {verb} given"),
        format!("{given_words} given"),
    );
    for (at, params) in definitions {
        if let Some(at) = at {
            words = words.related(
                *at,
                format!("defined here with {}", plural(params.len(), "parameter")),
            );
        }
    }
    let forms: Vec<String> = definitions
        .iter()
        .map(|(_, params)| format!("`hook {hook}({})`", params.join(", ")))
        .collect();
    words.help(format!("call it as {}", forms.join(" or ")))
}
