//! Problems found while declaring names: headers, sources, variables,
//! parameters, members and node ids.

use super::{Code, Words};
use crate::eval::EvalError;
use crate::model::MAX_SET_MEMBERS;
use crate::source::Span;

/// A declaration problem.
#[derive(Debug, Clone, PartialEq)]
pub enum Declare {
    /// An included tree ends in an outcome kind its includer does not
    /// declare; `kinds` is the includer's list with it added.
    KindNotShared {
        kind: String,
        namespace: String,
        includer: String,
        kinds: Vec<String>,
        declared_at: Span,
    },
    /// `script` in an included file.
    ScriptInInclude,
    /// A header without `start`.
    NoStart { tree: String },
    /// A header without `outcomes`.
    NoOutcomes { tree: String },
    /// `outcomes stop, stop`.
    KindTwice { kind: String, first: Span },
    /// `{name}` where text is shown as written, such as a title.
    InterpolationNotAllowed { place: &'static str, name: String },
    /// `source S1 "..."` twice in one file, or with two meanings across
    /// files (`same_file` false).
    SourceTagTwice {
        tag: String,
        first: Span,
        same_file: bool,
    },
    /// `var x` twice.
    VariableTwice { name: String, first: Span },
    /// An include that leaves a parameter without a default unbound.
    ParameterNotGiven {
        namespace: String,
        param: String,
        path: String,
        declared_at: Span,
    },
    /// A parameter bound to a variable of another type.
    ParameterType {
        param: String,
        var: String,
        want: String,
        have: String,
        type_at: Span,
    },
    /// `include ... (a = x, a = y)`.
    ParameterBoundTwice { param: String, first: Span },
    /// A binding that names no parameter of the included tree.
    UnknownParameter {
        tree: String,
        param: String,
        hint: ParamHint,
    },
    /// `one_of(a, a)`.
    MemberTwice { member: String, first: Span },
    /// A set with more than [`MAX_SET_MEMBERS`] members.
    TooManyMembers,
    /// Two nodes with one id.
    NodeIdTwice { id: String, first: Span },
    /// A node named like an include namespace.
    NodeAndNamespace { id: String },
    /// A default whose folding fails (overflow, division by zero).
    DefaultNotComputable { error: EvalError },
}

/// What to say about a binding that names no parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamHint {
    /// It is a `var` of the included tree.
    IsVariable,
    /// The included tree has no parameters at all.
    NoParameters,
    /// A parameter with a close name.
    Suggestion(String),
    /// The parameters there are.
    Parameters(Vec<String>),
}

impl Declare {
    pub(super) fn words(&self) -> Words {
        match self {
            Declare::KindNotShared {
                kind,
                namespace,
                includer,
                kinds,
                declared_at,
            } => Words::new(
                Code::E011,
                format!("the included tree's outcome kind `{kind}` is not declared by the including tree"),
                format!("`{namespace}` can end in `{kind}`"),
            )
            .related(*declared_at, "declared by the included tree here")
            .help(format!(
                "outcome kinds are shared by name: add it to the header of `{includer}`: outcomes {}",
                kinds.join(", ")
            )),
            Declare::ScriptInInclude => Words::new(Code::E008, "only the root tree may name a script", "in an included file")
                .help("move the hook functions into the root tree's script"),
            Declare::NoStart { tree } => Words::new(
                Code::E014,
                format!("the tree `{tree}` has no `start`"),
                "header without `start`",
            )
            .help("name the first node in the header: start first_node"),
            Declare::NoOutcomes { tree } => Words::new(
                Code::E014,
                format!("the tree `{tree}` declares no outcome kinds"),
                "header without `outcomes`",
            )
            .help("list the kinds of ending in the header: outcomes stop, go"),
            Declare::KindTwice { kind, first } => Words::new(
                Code::E002,
                format!("the outcome kind `{kind}` is declared twice"),
                "second declaration",
            )
            .related(*first, "first declared here"),
            Declare::InterpolationNotAllowed { place, name } => Words::new(
                Code::E001,
                format!("{place} cannot interpolate `{{{name}}}`"),
                "no variables here",
            )
            .help("write `{{` and `}}` for literal braces"),
            Declare::SourceTagTwice { .. } => self.source_tag_words(),
            Declare::VariableTwice { name, first } => Words::new(
                Code::E002,
                format!("the variable `{name}` is declared twice"),
                "second declaration",
            )
            .related(*first, "first declared here")
            .help("rename one of them"),
            _ => self.parameter_words(),
        }
    }

    fn source_tag_words(&self) -> Words {
        let Declare::SourceTagTwice {
            tag,
            first,
            same_file,
        } = self
        else {
            return self.parameter_words();
        };
        let (message, label) = if *same_file {
            (
                format!("the source tag `{tag}` is declared twice"),
                "first declared here",
            )
        } else {
            (
                format!("the source tag `{tag}` already stands for another source"),
                "declared here with another text",
            )
        };
        Words::new(Code::E002, message, "second declaration")
            .related(*first, label)
            .help("each source tag names one source in the whole tree")
    }

    fn parameter_words(&self) -> Words {
        match self {
            Declare::ParameterNotGiven {
                namespace,
                param,
                path,
                declared_at,
            } => Words::new(
                Code::E014,
                format!("the include `{namespace}` does not give the parameter `{param}`"),
                format!("`{param}` is not bound"),
            )
            .related(*declared_at, "the parameter, without a default")
            .help(format!(
                "bind it: include {path:?} as {namespace} ({param} = ...), or give it a default"
            )),
            Declare::ParameterType {
                param,
                var,
                want,
                have,
                type_at,
            } => Words::new(
                Code::E005,
                format!("the parameter `{param}` is {want}, but `{var}` is {have}"),
                format!("this is {have}"),
            )
            .related(*type_at, "the parameter's type")
            .help("bind a variable of the same type (a one_of or set needs the same members)"),
            Declare::ParameterBoundTwice { param, first } => Words::new(
                Code::E002,
                format!("the parameter `{param}` is bound twice"),
                "second binding",
            )
            .related(*first, "first bound here")
            .help("keep one of them"),
            Declare::UnknownParameter { tree, param, hint } => Words::new(
                Code::E004,
                format!("{tree:?} has no parameter `{param}`"),
                "unknown parameter",
            )
            .help(match hint {
                ParamHint::IsVariable => format!(
                    "`{param}` is a variable of {tree:?}; to let including trees set it, declare it there with `param` instead of `var`"
                ),
                ParamHint::NoParameters => format!("{tree:?} declares no parameters (`param name: type`)"),
                ParamHint::Suggestion(guess) => guess.clone(),
                ParamHint::Parameters(list) => format!("its parameters are: {}", list.join(", ")),
            }),
            _ => self.member_words(),
        }
    }

    fn member_words(&self) -> Words {
        match self {
            Declare::MemberTwice { member, first } => Words::new(
                Code::E002,
                format!("the member `{member}` is listed twice"),
                "second time",
            )
            .related(*first, "first listed here"),
            Declare::TooManyMembers => Words::new(
                Code::E015,
                format!("a set may have at most {MAX_SET_MEMBERS} members"),
                "one too many",
            )
            .help("split it into two set variables"),
            Declare::NodeIdTwice { id, first } => Words::new(
                Code::E002,
                format!("the node id `{id}` is used twice"),
                "second node with this id",
            )
            .related(*first, "first used here")
            .help("node ids key answers, saved sessions and snapshots: each must be unique"),
            Declare::NodeAndNamespace { id } => Words::new(
                Code::E002,
                format!("`{id}` is both a node and an include namespace"),
                "node",
            )
            .help("rename the node or the namespace"),
            Declare::DefaultNotComputable { error } => Words::new(
                Code::E005,
                format!("this default cannot be computed: {error}"),
                "here",
            ),
            _ => self.words(),
        }
    }
}
