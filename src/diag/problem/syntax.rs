//! Problems found while parsing one file (E001, and the parser's E002,
//! E015 and E017).

use super::{Code, Words};
use crate::source::Span;
use crate::syntax::{FIELD_KEYWORDS, MAX_NESTING, MAX_OPERATORS, RESERVED};

/// A syntax problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Syntax {
    /// `((((...))))` deeper than [`MAX_NESTING`].
    NestedTooDeep,
    /// The parser accepted something its lowering cannot read (a bug).
    Internal { what: &'static str },
    /// `start a start b` in a header.
    HeaderFieldTwice { keyword: String, first: Span },
    /// `version 99999999999999999999`.
    NumberTooLarge { number: String },
    /// `"{name"`.
    UnclosedInterpolation,
    /// `"{not a name}"`.
    NotAnInterpolation { inside: String },
    /// `a and b and ...` with more than [`MAX_OPERATORS`] operators.
    TooManyOperators { count: usize },
    /// `visited(a, b)`.
    VisitedArgument,
    /// `"no end` (or `"""` with no end).
    UnclosedString { triple: bool },
    /// A `"""` closed by quotes that look like they open the next string.
    MisclosedTriple { closing: Span },
    /// `&&`, `||`, `!` for `and`, `or`, `not`.
    WrongOperator { found: String, word: &'static str },
    /// `when months = 3`.
    SingleEquals,
    /// `'text'`; `quoted` is the text up to the closing quote.
    SingleQuotes { quoted: Option<String> },
    /// `=> next`.
    FatArrow,
    /// A block still open at the next item; `before` is what came instead
    /// of `}` (none at the end of the file, where the error is at the `{`).
    MissingBrace {
        owner: Option<String>,
        before: Option<String>,
        brace: Span,
    },
    /// `settle` where `set` was read: a word glued to a keyword.
    GluedWord {
        word: String,
        keyword: String,
        suggestion: Option<String>,
    },
    /// A `}` with no open block.
    StrayBrace,
    /// `var and: bool`.
    ReservedWord { word: String },
    /// `{ set a = 1, set b = 2 }`.
    CommaBetweenEffects,
    /// `option yes "Yes"` with no `-> target`.
    OptionWithoutTarget { option: String },
    /// `else next`.
    MissingArrow { found: String },
    /// `txt "..."` inside a node; `closes` when `}` would also fit.
    UnknownField {
        found: String,
        closes: bool,
        suggestion: Option<String>,
    },
    /// `questoin id { ... }`.
    UnknownItem {
        found: String,
        suggestion: Option<String>,
    },
    /// Anything else: what would have fitted (described in words), what
    /// was found, and the bracket still open.
    Expected {
        expected: Vec<String>,
        found: String,
        hint: Option<SyntaxHint>,
        open_paren: Option<Span>,
        open_brace: Option<Span>,
    },
}

/// A reminder of the shape of the construct being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxHint {
    Header,
    Var,
    Option,
    Item,
}

impl Syntax {
    pub(super) fn words(&self) -> Words {
        match self {
            Syntax::NestedTooDeep => Words::new(
                Code::E017,
                format!("brackets nested more than {MAX_NESTING} deep"),
                "this bracket is too deep",
            )
            .help("split the expression, or name parts of it with variables"),
            Syntax::Internal { what } => Words::new(Code::E001, format!("could not read this {what}"), "")
                .help("this is a bug in guidetree's parser; please report it with the file"),
            Syntax::HeaderFieldTwice { keyword, first } => Words::new(
                Code::E002,
                format!("`{keyword}` is given twice in the header"),
                "second one",
            )
            .related(*first, "first one")
            .help("keep one of them"),
            Syntax::NumberTooLarge { number } => Words::new(
                Code::E015,
                format!("the number `{number}` is too large"),
                "does not fit",
            )
            .help("numbers range from -9223372036854775808 to 9223372036854775807 (versions and limits from 0 to 4294967295)"),
            Syntax::UnclosedInterpolation => Words::new(
                Code::E001,
                "`{` opens an interpolation that is never closed",
                "unclosed `{`",
            )
            .help("write `{{` for a literal brace, or close it: `{name}`"),
            Syntax::NotAnInterpolation { inside } => Words::new(
                Code::E001,
                format!("`{{{inside}}}` is not a variable interpolation"),
                "expected a variable name inside the braces",
            )
            .help("write `{{` and `}}` for literal braces"),
            Syntax::TooManyOperators { count } => Words::new(
                Code::E017,
                format!("this expression has {count} operators; the limit is {MAX_OPERATORS}"),
                "too long",
            )
            .help("split it: compute parts in earlier nodes with `set`, or use fewer conditions"),
            Syntax::VisitedArgument => Words::new(
                Code::E001,
                "`visited` takes the id of one node",
                "expected a node id",
            )
            .help("write visited(node_id), for example visited(safety)"),
            _ => self.slip_words(),
        }
    }

    /// Common slips the parser recognises.
    fn slip_words(&self) -> Words {
        let error = |message: String, label: &str| Words::new(Code::E001, message, label);
        match self {
            Syntax::UnclosedString { triple } => {
                let help = if *triple {
                    "end it with `\"\"\"`"
                } else {
                    "end it with `\"` on the same line; for text over several lines use triple quotes: \"\"\"...\"\"\""
                };
                error("this string is never closed".into(), "the string starts here").help(help)
            }
            Syntax::MisclosedTriple { closing } => {
                error("this string is never closed".into(), "the string starts here")
                    .related(
                        *closing,
                        "these quotes end it, but they look like the start of another string",
                    )
                    .help("end the text with `\"\"\"` on its own line")
            }
            Syntax::WrongOperator { found, word } => {
                error(format!("`{found}` is not an operator here"), &format!("write `{word}`"))
                    .help("logic is spelled out: `and`, `or`, `not`, `implies`")
            }
            Syntax::SingleEquals => error("`=` does not compare values".into(), "write `==`")
                .help("compare with `==`; change a variable with `set name = value`"),
            Syntax::SingleQuotes { quoted } => error(
                "strings are written in double quotes, not single quotes".into(),
                "single quote",
            )
            .help(match quoted {
                Some(text) => format!("write \"{text}\""),
                None => "write strings in double quotes: \"like this\"".to_string(),
            }),
            Syntax::FatArrow => error("expected `->`, found `=>`".into(), "write `->`")
                .help("a target is written with a thin arrow: -> next_node"),
            Syntax::MissingBrace { .. } => self.missing_brace_words(),
            Syntax::GluedWord {
                word,
                keyword,
                suggestion,
            } => error(format!("`{word}` is not a keyword"), "unknown word").help(
                suggestion.clone().unwrap_or_else(|| {
                    format!("if `{keyword}` is meant as a keyword, put a space after it; otherwise check the spelling")
                }),
            ),
            Syntax::StrayBrace => {
                error("unexpected `}`: no block is open here".into(), "nothing to close")
                    .help("remove it, or look above for a block that was closed too early")
            }
            Syntax::ReservedWord { word } => error(
                format!("`{word}` is a reserved word and cannot be used as a name"),
                "reserved word",
            )
            .help(format!(
                "choose another name, such as `{word}_`; the reserved words are {}",
                RESERVED.join(", ")
            )),
            Syntax::CommaBetweenEffects => {
                error("effects are not separated by commas".into(), "remove this comma")
                    .help("separate effects with spaces or new lines: { set a = 1 set b = 2 }")
            }
            Syntax::OptionWithoutTarget { option } => {
                error(format!("the option `{option}` has no target"), "needs `-> target`").help(
                    format!("end the option with where it leads: option {option} \"...\" -> next_node"),
                )
            }
            Syntax::MissingArrow { found } => {
                error(format!("expected `->` before `{found}`"), "the `->` is missing")
                    .help(format!("write `-> {found}`"))
            }
            _ => self.unexpected_words(),
        }
    }

    fn missing_brace_words(&self) -> Words {
        let Syntax::MissingBrace {
            owner,
            before,
            brace,
        } = self
        else {
            return self.unexpected_words();
        };
        let message = match owner {
            Some(owner) => format!("missing `}}` at the end of `{owner}`"),
            None => "missing `}`: a block is never closed".to_string(),
        };
        let words = match before {
            None => Words::new(Code::E001, message, "this `{` is never closed"),
            Some(found) => Words::new(
                Code::E001,
                message,
                format!("expected `}}` before `{found}`"),
            )
            .related(*brace, "this `{` is never closed"),
        };
        words.help("add `}` where the block ends")
    }

    /// Something that fits nowhere: a misspelt field or item, or the
    /// general "expected X, found Y".
    fn unexpected_words(&self) -> Words {
        match self {
            Syntax::UnknownField {
                found,
                closes,
                suggestion,
            } => {
                let closes = if *closes { " or `}`" } else { "" };
                Words::new(Code::E001, format!("expected a field{closes}, found `{found}`"), "not a field")
                    .help(suggestion.clone().unwrap_or_else(|| {
                        format!(
                            "a field starts with one of: {}; or it is `-> next_node`",
                            FIELD_KEYWORDS.join(", ")
                        )
                    }))
            }
            Syntax::UnknownItem { found, suggestion } => Words::new(
                Code::E001,
                format!("expected a node, `var`, `include` or `assert`, found `{found}`"),
                "not a kind of node",
            )
            .help(suggestion.clone().unwrap_or_else(|| {
                "after the header come nodes (such as `question my_id { ... }`), `var`, `include` and `assert`".to_string()
            })),
            Syntax::Expected {
                expected,
                found,
                hint,
                open_paren,
                open_brace,
            } => expected_words(expected, found, *hint)
                .maybe_related(*open_paren, "this `(` is not closed yet")
                .maybe_related(
                    open_paren.is_none().then_some(*open_brace).flatten(),
                    "the block opened here is not closed yet",
                ),
            _ => Words::new(Code::E001, "syntax error", ""),
        }
    }
}

fn expected_words(expected: &[String], found: &str, hint: Option<SyntaxHint>) -> Words {
    let found = describe_found(found);
    let words = if expected.is_empty() {
        Words::new(
            Code::E001,
            format!("unexpected {found}"),
            "not expected here",
        )
    } else {
        let list = join_or(expected);
        Words::new(
            Code::E001,
            format!("expected {list}, found {found}"),
            format!("expected {list}"),
        )
    };
    words.maybe_help(hint.map(|h| hint_words(h).to_string()))
}

fn hint_words(hint: SyntaxHint) -> &'static str {
    match hint {
        SyntaxHint::Header => "a tree file starts with its header: tree my_tree \"Title\" { start first_node outcomes done }",
        SyntaxHint::Var => "a variable is declared with a type: var months: int = 0 (types: bool, int, text, one_of(a, b), set(a, b))",
        SyntaxHint::Option => "an option has an id and a label: option yes \"Yes\" -> next_node",
        SyntaxHint::Item => "an item has an id and a label: item calm \"I feel calm\"",
    }
}

/// What was found, in words: `` `x` ``, the end of the file or line, or an
/// invisible character by its code point.
fn describe_found(found: &str) -> String {
    let mut chars = found.chars();
    match (found, chars.next(), chars.next()) {
        ("", ..) => "the end of the file".to_string(),
        ("\n" | "\r", ..) => "the end of the line".to_string(),
        (_, Some(c), None) if is_invisible(c) => {
            let name = match c {
                '\u{feff}' => " (a byte-order mark)",
                '\u{200b}' => " (a zero-width space)",
                '\u{a0}' => " (a no-break space)",
                _ => "",
            };
            format!("the invisible character U+{:04X}{name}", u32::from(c))
        }
        (s, ..) => format!("`{s}`"),
    }
}

/// A character that shows as nothing, or as plain space, in a message.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// `a, b or c`.
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
