//! Problems found while lowering nodes: targets, fields, options, items,
//! inputs, outcomes, effects and the names they use.

use super::{with_article, Code, Words};
use crate::ast::NodeKind;
use crate::source::Span;

/// A problem inside a node, or a name it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// `-> stp`: no node or namespace has this id.
    UnknownNode {
        name: String,
        suggestion: Option<String>,
    },
    /// `source S9` with no `source S9 "..."` in any header.
    UnknownSourceTag {
        tag: String,
        suggestion: Option<String>,
    },
    /// A required field left out; `first_kind` is the tree's first outcome
    /// kind, for the example of a missing `kind`.
    MissingField {
        kind: NodeKind,
        node: String,
        field: &'static str,
        first_kind: Option<String>,
    },
    /// A field that does not belong to this kind of node.
    FieldNotAllowed { field: &'static str, kind: NodeKind },
    /// A single field given twice.
    FieldTwice { field: &'static str, first: Span },
    /// A node no run can leave.
    NoWayOut {
        kind: NodeKind,
        node: String,
        why: NoWayOut,
    },
    /// Two options of one question with one id.
    OptionIdTwice {
        option: String,
        question: String,
        first: Span,
    },
    /// Every option has `if`: the question may show none.
    AllOptionsConditional { question: String },
    /// `into x` where `x` is not a set.
    ChecklistNotSet { var: String, ty: String },
    /// Two items of one checklist with one id.
    ItemTwice { item: String, first: Span },
    /// `range 9..=1`.
    EmptyRange { low: i64, high: i64 },
    /// An example the prompt would refuse.
    ExampleOutOfRange { example: i64, min: i64, max: i64 },
    /// A text example for a number input.
    ExampleNotNumber,
    /// A number example for a text input.
    ExampleNotText,
    /// `number into x` where `x` is not an int (or `text into` not text).
    InputVariableType {
        field: &'static str,
        var: String,
        want: String,
        have: String,
    },
    /// `kind k` not among the tree's `outcomes`; `declared` are those.
    UnknownKind {
        kind: String,
        suggestion: Option<String>,
        declared: Vec<String>,
    },
    /// `add x m` where `x` is not a set.
    EffectNeedsSet {
        effect: &'static str,
        var: String,
        ty: String,
    },
    /// A name that is not a member of a one_of or set type.
    NotAMember {
        member: String,
        ty: String,
        suggestion: Option<String>,
        members: Vec<String>,
    },
    /// A checklist item that is not a member of the set it fills.
    ItemNotMember {
        item: String,
        var: String,
        ty: String,
        suggestion: Option<String>,
        members: Vec<String>,
        var_at: Span,
    },
    /// `set p = ...` for a parameter.
    ParameterWritten { param: String, declared_at: Span },
    /// A variable name nobody declared; `declare_as` is a likely type.
    UnknownVariable {
        name: String,
        suggestion: Option<String>,
        declare_as: String,
    },
    /// `{name}` of an unknown variable.
    UnknownInterpolation {
        name: String,
        suggestion: Option<String>,
    },
}

/// Why a node has no way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoWayOut {
    /// No `-> next`.
    NoNext,
    /// A question without options.
    NoOptions,
    /// A branch without `else`.
    NoElse,
}

impl Node {
    pub(super) fn words(&self) -> Words {
        match self {
            Node::UnknownNode { name, suggestion } => Words::new(
                Code::E003,
                format!("unknown node `{name}`"),
                "no node has this id",
            )
            .help(
                suggestion
                    .clone()
                    .unwrap_or_else(|| "every target must be the id of a node in this tree".into()),
            ),
            Node::UnknownSourceTag { tag, suggestion } => Words::new(
                Code::E004,
                format!("unknown source tag `{tag}`"),
                "not declared in any tree header",
            )
            .help(suggestion.clone().unwrap_or_else(|| {
                format!("declare it in the header: source {tag} \"what it stands for\"")
            })),
            Node::MissingField {
                kind,
                node,
                field,
                first_kind,
            } => Words::new(
                Code::E014,
                format!("the {} `{node}` has no `{field}`", kind.keyword()),
                format!("`{field}` missing"),
            )
            .help(format!(
                "add it inside the braces: {}",
                field_example(field, first_kind.as_deref())
            )),
            Node::FieldNotAllowed { field, kind } => Words::new(
                Code::E008,
                format!(
                    "`{field}` does not belong in {}",
                    with_article(kind.keyword())
                ),
                format!("not {} field", with_article(kind.keyword())),
            )
            .help(misplaced_field_help(field, *kind)),
            Node::FieldTwice { field, first } => Words::new(
                Code::E002,
                format!("`{field}` is given twice"),
                "second one",
            )
            .related(*first, "first one")
            .help("keep one of them"),
            Node::NoWayOut { kind, node, why } => {
                let (label, help) = match why {
                    NoWayOut::NoNext => (
                        "it has no `-> next_node`",
                        "add `-> next_node` inside the braces",
                    ),
                    NoWayOut::NoOptions => (
                        "it has no options",
                        "add options: option yes \"Yes\" -> next_node",
                    ),
                    NoWayOut::NoElse => (
                        "when no `when` matches, there is nowhere to go",
                        "add a fallback: else -> some_node",
                    ),
                };
                Words::new(
                    Code::E009,
                    format!("the {} `{node}` has no way out", kind.keyword()),
                    label,
                )
                .help(help)
            }
            _ => self.choice_words(),
        }
    }

    /// Options, items, inputs and outcomes.
    fn choice_words(&self) -> Words {
        match self {
            Node::OptionIdTwice { option, question, first } => Words::new(
                Code::E002,
                format!("the option id `{option}` is used twice in `{question}`"),
                "second option with this id",
            )
            .related(*first, "first used here")
            .help("option ids key answers files and saved sessions: each must be unique within its question"),
            Node::AllOptionsConditional { question } => Words::new(
                Code::W004,
                format!("every option of `{question}` has a condition"),
                "if all conditions are false, nothing can be chosen",
            )
            .help("add an option without `if` as a fallback"),
            Node::ChecklistNotSet { var, ty } => Words::new(
                Code::E005,
                format!("a checklist fills a set, but `{var}` is {ty}"),
                "not a set variable",
            )
            .help(format!("declare it as a set: var {var}: set(item_a, item_b)")),
            Node::ItemTwice { item, first } => Words::new(
                Code::E002,
                format!("the item `{item}` is listed twice"),
                "second item with this id",
            )
            .related(*first, "first listed here"),
            Node::EmptyRange { low, high } => Words::new(
                Code::E015,
                format!("the range {low}..={high} is empty"),
                "the low end is above the high end",
            )
            .help(format!("write it low to high: {high}..={low}")),
            Node::ExampleOutOfRange { example, min, max } => Words::new(
                Code::E015,
                format!("the example {example} is outside the range {min}..={max}"),
                "out of range",
            )
            .help("examples must be answers the prompt would accept"),
            Node::ExampleNotNumber => Words::new(
                Code::E005,
                "this input takes numbers, but the example is text",
                "expected a number",
            ),
            Node::ExampleNotText => Words::new(
                Code::E005,
                "this input takes text, but the example is a number",
                "expected a string in double quotes",
            ),
            Node::InputVariableType { field, var, want, have } => Words::new(
                Code::E005,
                format!("`{field}` needs {} variable, but `{var}` is {have}", with_article(want)),
                format!("expected {want}"),
            )
            .help(format!("declare it as: var {var}: {want}")),
            Node::UnknownKind { kind, suggestion, declared } => Words::new(
                Code::E011,
                format!("the outcome kind `{kind}` is not declared"),
                "not in this tree's `outcomes`",
            )
            .help(suggestion.clone().unwrap_or_else(|| {
                let mut list = declared.clone();
                list.push(kind.clone());
                format!("declare it in the tree header: outcomes {}", list.join(", "))
            })),
            _ => self.name_words(),
        }
    }

    /// Variables, members and interpolations.
    fn name_words(&self) -> Words {
        match self {
            Node::EffectNeedsSet { effect, var, ty } => Words::new(
                Code::E005,
                format!("`{effect}` works on sets, but `{var}` is {ty}"),
                "not a set",
            )
            .help(format!("use `set {var} = ...` instead")),
            Node::NotAMember {
                member,
                ty,
                suggestion,
                members,
            } => Words::new(
                Code::E006,
                format!("`{member}` is not a member of {ty}"),
                "unknown member",
            )
            .help(
                suggestion
                    .clone()
                    .unwrap_or_else(|| format!("the members are: {}", members.join(", "))),
            ),
            Node::ItemNotMember {
                item,
                var,
                ty,
                suggestion,
                members,
                var_at,
            } => {
                let mut list = members.clone();
                list.push(item.clone());
                let list = list.join(", ");
                let help = match suggestion {
                    Some(guess) => format!("{guess}; or add it to the variable: var {var}: set({list})"),
                    None => format!("each item must be a member of `{var}`: add it there, as in var {var}: set({list})"),
                };
                Words::new(
                    Code::E006,
                    format!("the item `{item}` is not a member of `{var}`, which is {ty}"),
                    format!("not in `{var}`"),
                )
                .related(*var_at, "the set variable is declared here")
                .help(help)
            }
            Node::ParameterWritten { param, declared_at } => Words::new(
                Code::E005,
                format!("the parameter `{param}` cannot be changed"),
                "written here",
            )
            .related(*declared_at, "declared with `param`")
            .help("a tree only reads its parameters; declare a `var` for a value it changes"),
            Node::UnknownVariable {
                name,
                suggestion,
                declare_as,
            } => Words::new(
                Code::E004,
                format!("unknown variable `{name}`"),
                "not declared",
            )
            .help(
                suggestion
                    .clone()
                    .unwrap_or_else(|| format!("declare it first: var {name}: {declare_as}")),
            ),
            Node::UnknownInterpolation { name, suggestion } => Words::new(
                Code::E007,
                format!("`{{{name}}}` interpolates an unknown variable"),
                "no variable with this name",
            )
            .help(suggestion.clone().unwrap_or_else(|| {
                "only declared variables can be interpolated; write `{{` for a literal brace".into()
            })),
            _ => self.words(),
        }
    }
}

/// A field as an author would write it.
fn field_example(field: &str, first_kind: Option<&str>) -> String {
    match field {
        "text" => "text \"What the person reads\"".to_string(),
        "set" => "set score = hook my_score(answer)".to_string(),
        "into" => "into my_set_variable".to_string(),
        "item" => "item understood \"I understand why it ended\"".to_string(),
        "number into" => "number into my_int_variable range 0..=100".to_string(),
        "title" => "title \"What to do next\"".to_string(),
        "kind" => format!("kind {}", first_kind.unwrap_or("done")),
        other => other.to_string(),
    }
}

/// Where a misplaced field belongs instead.
fn misplaced_field_help(field: &str, kind: NodeKind) -> String {
    use NodeKind as K;
    match (field, kind) {
        ("->", K::Question) => {
            "a question moves on through its options: option id \"Label\" -> next".to_string()
        }
        ("->", K::Branch) => {
            "a branch moves on with `when cond -> node` and `else -> node`".to_string()
        }
        ("->", K::Outcome) => "an outcome ends the run; it has no `->`".to_string(),
        ("set" | "add" | "remove", K::Question) => {
            "put effects on an option: option id \"Label\" { set x = 1 } -> next".to_string()
        }
        ("option", _) => "options belong in a `question`; a checklist has `item`s".to_string(),
        ("item", _) => "items belong in a `checklist`; a question has `option`s".to_string(),
        _ => format!("{} fields: {}", kind.keyword(), allowed_fields(kind)),
    }
}

fn allowed_fields(kind: NodeKind) -> &'static str {
    use NodeKind as K;
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
