//! Problems found while typing expressions (E004, E005, E019).

use super::{Code, Words};
use crate::model::{Type, OUTCOME_KINDS};

/// A problem with an expression. Types are given as the checker names
/// them (`one_of(a, b)`, `an outcome kind`), with the [`Type`] itself where
/// the help depends on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeProblem {
    /// A value of one type where another is expected; `literal` when the
    /// value is written out (such as `1`).
    Mismatch {
        want: String,
        got: String,
        want_type: Type,
        got_type: Type,
        literal: bool,
        /// Both are `one_of` (or both `set`) types with the same members,
        /// listed in another order.
        reordered: bool,
    },
    /// `{a, b}` where something else is expected.
    SetNotExpected { want: String },
    /// `{a, b}` with nothing to tell which set it belongs to.
    SetWithoutContext,
    /// `tagged(t)` where no outcome has the tag `t`; `known` are the tags
    /// outcomes have.
    UnknownTag {
        tag: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    /// `tagged()` or `tagged(a, b)`.
    TaggedArity,
    /// `tagged(t)` outside an assert.
    TaggedOutsideAssert,
    /// `size(x)`.
    UnknownFunction {
        name: String,
        suggestion: Option<String>,
    },
    /// `count(a, b)`.
    CountArity { found: usize },
    /// `count(3)`.
    NotASet { function: &'static str, got: String },
    /// A default value that is not a constant.
    NotConstant { uses: NotConstant },
    /// An unknown name inside an assert.
    UnknownInAssert {
        name: String,
        suggestion: Option<String>,
    },
    /// `set name = Sam`: a bare word where a text is expected.
    BareWordForText { word: String },
    /// `set ready = a` for a set: one member, not a set.
    MemberForSet { member: String },
    /// `hook f(x)` in a tree without a script.
    HookWithoutScript { hook: String },
    /// `hook f(x)` with nothing to tell its type.
    HookTypeUnknown { hook: String },
    /// `+` on something other than numbers or text.
    CannotAdd { got: String },
    /// `x in y` where `y` is not a set; `compare` is `(y, x)` as written
    /// when `y` is a one_of, for the hint to compare with `==`.
    InNeedsSet {
        op: &'static str,
        got: String,
        compare: Option<(String, String)>,
    },
    /// `(a or b) in set`.
    InNeedsMember {
        op: &'static str,
        members: Vec<String>,
    },
}

/// What makes a default value not a constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotConstant {
    Interpolation,
    Visited,
    Hook,
    Variable(String),
}

impl TypeProblem {
    pub(super) fn words(&self) -> Words {
        match self {
            TypeProblem::Mismatch {
                want,
                got,
                want_type,
                got_type,
                literal,
                reordered,
            } => {
                let help = if *want_type == Type::Bool && *literal {
                    Some("a bool is `true` or `false`".to_string())
                } else if *reordered {
                    Some(
                        "the same members in another order make another type: \
                         list them in the same order in both declarations"
                            .to_string(),
                    )
                } else {
                    conversion_help(*want_type, *got_type).map(str::to_string)
                };
                Words::new(Code::E005, format!("expected {want}, found {got}"), format!("this is {got}"))
                    .maybe_help(help)
            }
            TypeProblem::SetNotExpected { want } => Words::new(
                Code::E005,
                format!("expected {want}, found a set"),
                "this is a set of members",
            )
            .help("`{a, b}` is a value for a set variable, declared like var ready: set(a, b)"),
            TypeProblem::SetWithoutContext => Words::new(Code::E005, "cannot tell which set this is", "its type is not known here")
                .help("compare it with a set variable (`ready == {a, b}`) or give it to one (`set ready = {a, b}`)"),
            TypeProblem::UnknownTag { .. } | TypeProblem::TaggedArity | TypeProblem::TaggedOutsideAssert => {
                self.tag_words()
            }
            TypeProblem::UnknownFunction { name, suggestion } => Words::new(
                Code::E004,
                format!("unknown function `{name}`"),
                "not a built-in function",
            )
            .help(suggestion.clone().unwrap_or_else(|| {
                format!(
                    "the built-in functions are count(set), visited(node) and, in asserts, tagged(tag); to call a script function write `hook {name}(...)`"
                )
            })),
            TypeProblem::CountArity { found } => Words::new(
                Code::E005,
                format!("count() takes 1 argument, found {found}"),
                "wrong number of arguments",
            )
            .help("count(my_set) gives the number of members in a set"),
            TypeProblem::NotASet { function, got } => {
                Words::new(Code::E005, format!("{function} needs a set, found {got}"), format!("this is {got}"))
            }
            _ => self.name_words(),
        }
    }

    fn tag_words(&self) -> Words {
        match self {
            TypeProblem::UnknownTag { tag, suggestion, known } => Words::new(
                Code::E019,
                format!("no outcome has the tag `{tag}`"),
                "not a tag of any outcome",
            )
            .help(suggestion.clone().unwrap_or_else(|| {
                if known.is_empty() {
                    "no outcome has any tags yet: add `tags NAME` to the outcomes the rule is about".to_string()
                } else {
                    format!("the outcomes' tags are: {}", known.join(", "))
                }
            })),
            TypeProblem::TaggedArity => Words::new(Code::E005, "`tagged` takes one tag name", "expected a tag")
                .help("write tagged(tag), for example tagged(moving_on)"),
            _ => Words::new(
                Code::E019,
                "`tagged(...)` only works inside an assert",
                "there is no final outcome here yet",
            )
            .help("tagged(tag) asks whether the outcome a path ended at has a tag; use it in `assert always(...)` or `assert never(...)`"),
        }
    }

    /// Names, hooks and operators.
    fn name_words(&self) -> Words {
        match self {
            TypeProblem::NotConstant { uses } => {
                let what = match uses {
                    NotConstant::Interpolation => "an interpolation".to_string(),
                    NotConstant::Visited => "visited(...)".to_string(),
                    NotConstant::Hook => "a hook".to_string(),
                    NotConstant::Variable(name) => format!("the variable `{name}`"),
                };
                Words::new(
                    Code::E005,
                    format!("a default value must be a constant, but it uses {what}"),
                    "not a constant",
                )
                .help("set computed values with `set` in an option, info or score node")
            }
            TypeProblem::UnknownInAssert { name, suggestion } => Words::new(
                Code::E004,
                format!("unknown variable `{name}`"),
                "not declared",
            )
            .help(suggestion.clone().unwrap_or_else(|| {
                "declare it with `var`; inside an assert, `outcome` is the final outcome kind".into()
            })),
            TypeProblem::BareWordForText { word } => Words::new(
                Code::E004,
                format!("unknown variable `{word}`"),
                "not a variable; a text is expected here",
            )
            .help(format!("to mean the text {word}, put it in double quotes: \"{word}\"")),
            TypeProblem::MemberForSet { member } => Words::new(
                Code::E005,
                format!("expected a set, found the member `{member}`"),
                "one member, not a set",
            )
            .help(format!("write a set in braces: `{{{member}}}` (and `{{}}` for the empty set)")),
            TypeProblem::HookWithoutScript { hook } => Words::new(
                Code::E004,
                format!("hook `{hook}` is called, but the tree names no script"),
                "no script to find it in",
            )
            .help("name the script in the tree header: script \"my_tree.rhai\""),
            TypeProblem::HookTypeUnknown { hook } => Words::new(
                Code::E005,
                format!("cannot tell what type hook `{hook}` returns"),
                "its type is not known here",
            )
            .help("compare it with a value (`hook f(x) > 2`) or assign it to a variable (`set n = hook f(x)`)"),
            _ => self.operator_words(),
        }
    }

    fn operator_words(&self) -> Words {
        match self {
            TypeProblem::CannotAdd { got } => Words::new(
                Code::E005,
                format!("`+` adds numbers or joins text, found {got}"),
                format!("this is {got}"),
            )
            .help("to add a member to a set, use the effect `add my_set member`"),
            TypeProblem::InNeedsSet { op, got, compare } => Words::new(
                Code::E005,
                format!("`{op}` needs a set on its right, found {got}"),
                format!("this is {got}"),
            )
            .help(match compare {
                Some((var, member)) => format!(
                    "a one_of variable holds a single value: compare it with `==`, as in `{var} == {member}`"
                ),
                None => "`in` tests a member of a set variable, declared like var ready: set(a, b)".into(),
            }),
            TypeProblem::InNeedsMember { op, members } => Words::new(
                Code::E005,
                format!("the left of `{op}` must be a member name"),
                "expected a member of the set",
            )
            .help(format!("the members are: {}", members.join(", "))),
            _ => self.words(),
        }
    }
}

/// How to turn a value of type `got` into the `want`ed one, when there is
/// a usual way.
fn conversion_help(want: Type, got: Type) -> Option<&'static str> {
    match (want, got) {
        (Type::Bool, Type::Int) => Some("compare the number to get a bool, for example `months > 3`"),
        (Type::Bool, Type::Set(_)) => {
            Some("test a member with `member in set`, or size with `count(set) > 0`")
        }
        (Type::Bool, Type::Enum(_)) => Some("compare it with a member: `goal == closure`"),
        (Type::Int, Type::Set(_)) => Some("count(set) gives the number of members"),
        (Type::Enum(d), _) if d == OUTCOME_KINDS => Some(
            "`outcome` is the final outcome kind: compare it with a kind from the header, as in `outcome == stop`",
        ),
        (Type::Int, Type::Text) => Some(
            "a number and a text cannot be compared: write numbers without quotes (`months == 6`) and compare texts with texts (`name == \"Sam\"`)",
        ),
        (Type::Text, Type::Int) => Some(
            "a text and a number cannot be compared: write texts in double quotes (`name == \"6\"`) and compare numbers with numbers",
        ),
        (Type::Enum(_), Type::Int | Type::Text | Type::Bool) => Some(
            "a one_of holds one of its members: compare it with a member name, as in `goal == closure`",
        ),
        (Type::Int | Type::Text, Type::Enum(_)) => Some(
            "a one_of holds a member name, not a number or text: compare it with a member, as in `goal == closure`",
        ),
        _ => None,
    }
}
