//! Syntax errors in human words.
//!
//! pest reports the position where parsing stopped and the grammar rules (and,
//! with error detail on, the literal tokens) it would have accepted there.
//! This module turns that into one [`Diagnostic`]: it recognises the common
//! slips (an unclosed string or block, `=>` for `->`, `&&` for `and`, single
//! quotes, a reserved word used as a name, a misspelled field) and otherwise
//! says what was expected in plain words. No rule name ever reaches a user.

use super::{Grammar, Rule};
use crate::diag::{did_you_mean, Diagnostic};
use crate::source::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};
use pest::Parser as _;
use std::sync::{Mutex, PoisonError};

/// Words that can never be names (mirrors `keyword` in the grammar).
pub const RESERVED: &[&str] = &[
    "and", "or", "not", "implies", "in", "true", "false", "if", "hook", "visited",
];

/// The keywords that start a top-level item.
const ITEM_KEYWORDS: &[&str] = &[
    "tree",
    "var",
    "include",
    "assert",
    "question",
    "checklist",
    "input",
    "branch",
    "score",
    "info",
    "outcome",
];

/// The keywords that start a field inside a node.
const FIELD_KEYWORDS: &[&str] = &[
    "text", "help", "title", "source", "tags", "advice", "kind", "into", "number", "examples",
    "option", "item", "when", "else", "set", "add", "remove",
];

/// Explain why `text` failed to parse, given the error from a first parse.
pub(super) fn syntax_error(file: FileId, text: &str, first: &Error<Rule>) -> Diagnostic {
    let detailed = detailed_error(text);
    let err = detailed.as_ref().unwrap_or(first);
    let pos = match err.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p.min(text.len()),
    };
    let scan = Scan::new(text, pos);
    if let Some(string) = scan.unclosed_string {
        return unclosed_string(file, string);
    }
    let site = Site::new(file, text, pos, err);
    site.explain(&scan)
}

/// Parse again with pest's error detail switched on, which adds the literal
/// tokens (such as `}`) that were expected. The switch is global and read
/// when a parse starts, so detailed parses are serialised; a parse elsewhere
/// that starts meanwhile only collects detail it does not use, and its
/// result is unchanged.
fn detailed_error(text: &str) -> Option<Error<Rule>> {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    pest::set_error_detail(true);
    let result = Grammar::parse(Rule::file, text);
    pest::set_error_detail(false);
    result.err()
}

/// A string whose closing quote is missing: where it opens, and whether it
/// is triple-quoted.
#[derive(Debug, Clone, Copy)]
struct OpenString {
    start: usize,
    triple: bool,
}

/// What a lexical pass (strings, comments, brackets) sees up to the error.
#[derive(Debug, Default)]
struct Scan {
    /// Offsets of the `{` still open at the error position, innermost last.
    open_braces: Vec<usize>,
    /// The first string (anywhere before the error) that is never closed.
    unclosed_string: Option<OpenString>,
}

impl Scan {
    fn new(text: &str, until: usize) -> Self {
        let mut scan = Scan::default();
        let mut lexer = Lexer::new(text);
        while let Some(token) = lexer.next_token() {
            match token {
                // A string that opens where parsing stopped is the culprit.
                Token::UnclosedString(s) if s.start <= until => {
                    scan.unclosed_string = Some(s);
                    break;
                }
                _ if token.start() >= until => break,
                Token::Open(i, b'{') => scan.open_braces.push(i),
                Token::Close(_, b'}') => {
                    scan.open_braces.pop();
                }
                _ => {}
            }
        }
        scan
    }
}

/// The bits of a file that matter for bracket and string checks.
#[derive(Debug, Clone, Copy)]
enum Token {
    Open(usize, u8),
    Close(usize, u8),
    UnclosedString(OpenString),
}

impl Token {
    fn start(self) -> usize {
        match self {
            Token::Open(i, _) | Token::Close(i, _) => i,
            Token::UnclosedString(s) => s.start,
        }
    }
}

/// A small lexer that skips comments and strings and yields brackets.
struct Lexer<'a> {
    bytes: &'a [u8],
    i: usize,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            i: 0,
        }
    }

    fn next_token(&mut self) -> Option<Token> {
        while self.i < self.bytes.len() {
            let at = self.i;
            match self.bytes[at] {
                b'#' => self.skip_comment(),
                b'"' if self.bytes[at..].starts_with(b"\"\"\"") => {
                    if !self.skip_triple() {
                        return Some(Token::UnclosedString(OpenString {
                            start: at,
                            triple: true,
                        }));
                    }
                }
                b'"' => {
                    if !self.skip_plain() {
                        return Some(Token::UnclosedString(OpenString {
                            start: at,
                            triple: false,
                        }));
                    }
                }
                b @ (b'(' | b'{') => {
                    self.i += 1;
                    return Some(Token::Open(at, b));
                }
                b @ (b')' | b'}') => {
                    self.i += 1;
                    return Some(Token::Close(at, b));
                }
                _ => self.i += 1,
            }
        }
        None
    }

    fn skip_comment(&mut self) {
        while self.i < self.bytes.len() && self.bytes[self.i] != b'\n' {
            self.i += 1;
        }
    }

    /// Skip a `"""…"""` string; false (and the rest of the file skipped)
    /// when it never closes.
    fn skip_triple(&mut self) -> bool {
        self.i += 3;
        while self.i < self.bytes.len() {
            if self.bytes[self.i..].starts_with(b"\"\"\"") {
                self.i += 3;
                return true;
            }
            self.i += 1;
        }
        false
    }

    /// Skip a `"…"` string; false when the line or file ends first.
    fn skip_plain(&mut self) -> bool {
        self.i += 1;
        while self.i < self.bytes.len() {
            match self.bytes[self.i] {
                b'"' => {
                    self.i += 1;
                    return true;
                }
                b'\n' => return false,
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
        false
    }
}

fn unclosed_string(file: FileId, s: OpenString) -> Diagnostic {
    let (len, help) = if s.triple {
        (3, "end it with `\"\"\"`")
    } else {
        (
            1,
            "end it with `\"` on the same line; for text over several lines use triple quotes: \"\"\"...\"\"\"",
        )
    };
    Diagnostic::error(
        "E001",
        "this string is never closed",
        Span::new(file, s.start, s.start + len),
    )
    .label("the string starts here")
    .help(help)
}

/// Where parsing stopped, what was there, and what would have been accepted.
struct Site<'a> {
    file: FileId,
    text: &'a str,
    pos: usize,
    /// The word or character found at `pos` (empty at the end of the file).
    found: &'a str,
    rules: Vec<Rule>,
    tokens: Vec<String>,
}

impl<'a> Site<'a> {
    fn new(file: FileId, text: &'a str, pos: usize, err: &Error<Rule>) -> Self {
        let rules = match &err.variant {
            ErrorVariant::ParsingError { positives, .. } => positives.clone(),
            ErrorVariant::CustomError { .. } => Vec::new(),
        };
        let tokens = err
            .parse_attempts()
            .map(|a| {
                a.expected_tokens()
                    .into_iter()
                    .map(|t| t.to_string())
                    .collect()
            })
            .unwrap_or_default();
        Self {
            file,
            text,
            pos,
            found: found_at(text, pos),
            rules,
            tokens,
        }
    }

    fn span(&self) -> Span {
        Span::new(self.file, self.pos, self.pos + self.found.len())
    }

    fn expects(&self, rule: Rule) -> bool {
        self.rules.contains(&rule)
    }

    fn expects_token(&self, token: &str) -> bool {
        self.tokens.iter().any(|t| t == token)
    }

    fn expects_name(&self) -> bool {
        self.rules
            .iter()
            .any(|r| matches!(r, Rule::ident | Rule::path | Rule::ident_list))
    }

    fn expects_field(&self) -> bool {
        self.rules.iter().any(|r| is_field(*r))
    }

    fn expects_item(&self) -> bool {
        self.rules.iter().any(|r| {
            matches!(
                r,
                Rule::node | Rule::var_decl | Rule::include | Rule::assert_rule
            )
        })
    }

    fn expects_operator(&self) -> bool {
        self.rules
            .iter()
            .any(|r| describe(*r) == Some("an operator"))
    }

    fn found_is_name(&self) -> bool {
        self.found
            .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
    }

    /// `found`, as said in a message: `` `word` ``, end of line, end of file.
    fn found_words(&self) -> String {
        describe_found(self.found)
    }

    fn error(&self, message: impl Into<String>, label: impl Into<String>) -> Diagnostic {
        Diagnostic::error("E001", message, self.span()).label(label)
    }

    /// Try each known slip in turn; fall back to "expected X, found Y".
    fn explain(&self, scan: &Scan) -> Diagnostic {
        let diag = self
            .wrong_operator()
            .or_else(|| self.single_quotes())
            .or_else(|| self.fat_arrow())
            .or_else(|| self.missing_brace(scan))
            .or_else(|| self.stray_brace(scan))
            .or_else(|| self.reserved_name())
            .or_else(|| self.missing_arrow())
            .or_else(|| self.unknown_field())
            .or_else(|| self.unknown_item())
            .unwrap_or_else(|| self.expected());
        match scan.open_braces.last() {
            Some(&brace) if self.expects_token("}") && diag.secondary.is_empty() => diag
                .with_secondary(
                    Span::new(self.file, brace, brace + 1),
                    "the block opened here is still open",
                ),
            _ => diag,
        }
    }

    /// `&&`, `||`, `!`, `&`, `|` instead of `and`, `or`, `not`.
    fn wrong_operator(&self) -> Option<Diagnostic> {
        let rest = &self.text[self.pos..];
        let (symbol, word) = [("&&", "and"), ("||", "or"), ("&", "and"), ("|", "or")]
            .into_iter()
            .find(|(s, _)| rest.starts_with(s))
            .or_else(|| {
                (rest.starts_with('!') && !rest.starts_with("!=")).then_some(("!", "not"))
            })?;
        let span = Span::new(self.file, self.pos, self.pos + symbol.len());
        Some(
            Diagnostic::error("E001", format!("`{symbol}` is not an operator here"), span)
                .label(format!("write `{word}`"))
                .help("logic is spelled out: `and`, `or`, `not`, `implies`"),
        )
    }

    fn single_quotes(&self) -> Option<Diagnostic> {
        if !self.found.starts_with('\'') {
            return None;
        }
        let rest = &self.text[self.pos + 1..];
        let line = rest.split('\n').next().unwrap_or("");
        let help = match line.find('\'') {
            Some(end) => format!("write \"{}\"", &line[..end]),
            None => "write strings in double quotes: \"like this\"".to_string(),
        };
        Some(
            self.error(
                "strings are written in double quotes, not single quotes",
                "single quote",
            )
            .help(help),
        )
    }

    fn fat_arrow(&self) -> Option<Diagnostic> {
        let rest = &self.text[self.pos..];
        if !(rest.starts_with("=>") && self.expects(Rule::goto)) {
            return None;
        }
        let span = Span::new(self.file, self.pos, self.pos + 2);
        Some(
            Diagnostic::error("E001", "expected `->`, found `=>`", span)
                .label("write `->`")
                .help("a target is written with a thin arrow: -> next_node"),
        )
    }

    /// A block that is still open when the next item (or the end of the
    /// file) arrives.
    fn missing_brace(&self, scan: &Scan) -> Option<Diagnostic> {
        let &brace = scan.open_braces.last()?;
        let next_item = self.found.is_empty() || ITEM_KEYWORDS.contains(&self.found);
        if !(self.expects_token("}") && next_item) {
            return None;
        }
        let owner = block_owner(self.text, brace);
        let message = match &owner {
            Some(owner) => format!("missing `}}` at the end of `{owner}`"),
            None => "missing `}`: a block is never closed".to_string(),
        };
        let brace_span = Span::new(self.file, brace, brace + 1);
        let help = "add `}` where the block ends";
        if self.found.is_empty() {
            return Some(
                Diagnostic::error("E001", message, brace_span)
                    .label("this `{` is never closed")
                    .help(help),
            );
        }
        Some(
            self.error(message, format!("expected `}}` before `{}`", self.found))
                .with_secondary(brace_span, "this `{` is never closed")
                .help(help),
        )
    }

    fn stray_brace(&self, scan: &Scan) -> Option<Diagnostic> {
        if self.found != "}" || !scan.open_braces.is_empty() {
            return None;
        }
        Some(
            self.error("unexpected `}`: no block is open here", "nothing to close")
                .help("remove it, or look above for a block that was closed too early"),
        )
    }

    fn reserved_name(&self) -> Option<Diagnostic> {
        if !(self.expects_name() && RESERVED.contains(&self.found)) {
            return None;
        }
        Some(
            self.error(
                format!(
                    "`{}` is a reserved word and cannot be used as a name",
                    self.found
                ),
                "reserved word",
            )
            .help(format!(
                "choose another name, such as `{}_`; the reserved words are {}",
                self.found,
                RESERVED.join(", ")
            )),
        )
    }

    /// `option yes "Yes" next` or `else next`: the `->` is missing.
    fn missing_arrow(&self) -> Option<Diagnostic> {
        let only_target_fits = self.expects(Rule::goto)
            && !self.expects_operator()
            && !self.expects_field()
            && self.found_is_name()
            && !RESERVED.contains(&self.found);
        if !only_target_fits {
            return None;
        }
        Some(
            self.error(
                format!("expected `->` before `{}`", self.found),
                "the `->` is missing",
            )
            .help(format!("write `-> {}`", self.found)),
        )
    }

    /// A name where a field keyword belongs: a misspelling, most likely.
    fn unknown_field(&self) -> Option<Diagnostic> {
        if !(self.expects_field() && self.found_is_name()) {
            return None;
        }
        if ITEM_KEYWORDS.contains(&self.found) {
            return None;
        }
        let help = did_you_mean(self.found, FIELD_KEYWORDS.iter().copied()).unwrap_or_else(|| {
            format!(
                "a node's fields start with one of: {}, or `->`",
                FIELD_KEYWORDS.join(", ")
            )
        });
        let closes = if self.expects_token("}") {
            " or `}`"
        } else {
            ""
        };
        Some(
            self.error(
                format!("expected a field{closes}, found `{}`", self.found),
                "not a field",
            )
            .help(help),
        )
    }

    /// A name where a node, `var`, `include` or `assert` belongs.
    fn unknown_item(&self) -> Option<Diagnostic> {
        if !(self.expects_item() && self.found_is_name()) {
            return None;
        }
        let help = did_you_mean(self.found, ITEM_KEYWORDS[1..].iter().copied()).unwrap_or_else(|| {
            "after the header come nodes (`question id { ... }` and the other kinds), `var`, `include` and `assert`".to_string()
        });
        Some(
            self.error(
                format!(
                    "expected a node, `var`, `include` or `assert`, found `{}`",
                    self.found
                ),
                "not a kind of node",
            )
            .help(help),
        )
    }

    /// The general case: what would have fitted here.
    fn expected(&self) -> Diagnostic {
        let mut words: Vec<String> = Vec::new();
        let mut add = |w: String| {
            if !words.contains(&w) {
                words.push(w);
            }
        };
        for word in self.rules.iter().filter_map(|r| describe(*r)) {
            add(word.to_string());
        }
        for token in &self.tokens {
            if is_punctuation(token) && !self.rules.iter().any(|r| rule_covers(*r, token)) {
                add(format!("`{token}`"));
            }
        }
        let help = self.general_help();
        if words.is_empty() {
            return self
                .error(
                    format!("unexpected {}", self.found_words()),
                    "not expected here",
                )
                .maybe_help(help);
        }
        let list = join_or(&words);
        self.error(
            format!("expected {list}, found {}", self.found_words()),
            format!("expected {list}"),
        )
        .maybe_help(help)
    }

    fn general_help(&self) -> Option<String> {
        let rest = &self.text[self.pos..];
        if rest.starts_with('=') && !rest.starts_with("==") && self.expects_operator() {
            return Some("compare with `==`; change a variable with `set name = value`".into());
        }
        if self.expects(Rule::header) || self.expects(Rule::kw_tree) {
            return Some(
                "a tree file starts with its header: tree my_tree \"Title\" { start first_node outcomes done }"
                    .into(),
            );
        }
        None
    }
}

/// `question q` for the `{` of `question q {`, when the words before the
/// brace on its line name something short enough to quote.
fn block_owner(text: &str, brace: usize) -> Option<String> {
    let line_start = text[..brace].rfind('\n').map_or(0, |i| i + 1);
    let owner = text[line_start..brace].trim();
    let owner = owner.split('#').next().unwrap_or("").trim();
    (!owner.is_empty() && owner.chars().count() <= 40 && !owner.contains('"'))
        .then(|| owner.to_string())
        .or_else(|| {
            let words: Vec<&str> = owner.split_whitespace().take(2).collect();
            (words.len() == 2 && !words[0].contains('"')).then(|| words.join(" "))
        })
}

/// The word or single character at `pos`.
fn found_at(text: &str, pos: usize) -> &str {
    let rest = &text[pos..];
    let word = rest
        .char_indices()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let len = if word > 0 {
        word
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    };
    &rest[..len]
}

fn describe_found(found: &str) -> String {
    match found {
        "" => "the end of the file".to_string(),
        "\n" | "\r" => "the end of the line".to_string(),
        s => format!("`{s}`"),
    }
}

fn is_punctuation(token: &str) -> bool {
    !token.is_empty()
        && token
            .chars()
            .all(|c| !c.is_alphanumeric() && !c.is_whitespace() && c != '#' && c != '_')
}

/// Whether a rule's description already says that `token` fits.
fn rule_covers(rule: Rule, token: &str) -> bool {
    match token {
        "->" => rule == Rule::goto,
        "{" => rule == Rule::effect_block,
        "(" | "-" => describe(rule) == Some("an expression"),
        "\"" => describe(rule) == Some("a string in double quotes"),
        _ => describe(rule) == Some("an operator"),
    }
}

fn is_field(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::text_field
            | Rule::help_field
            | Rule::title_field
            | Rule::source_field
            | Rule::tags_field
            | Rule::advice_field
            | Rule::kind_field
            | Rule::into_field
            | Rule::number_field
            | Rule::text_input_field
            | Rule::examples_field
            | Rule::option
            | Rule::item_def
            | Rule::when_arm
            | Rule::else_arm
            | Rule::set_effect
            | Rule::add_effect
            | Rule::remove_effect
    )
}

/// Plain words for every rule a user could be told was expected.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::header | Rule::kw_tree => "a tree header such as `tree my_tree \"Title\" { ... }`",
        Rule::version_field
        | Rule::start_field
        | Rule::script_field
        | Rule::outcomes_field
        | Rule::cite_field => "a header field (`version`, `start`, `script`, `outcomes`, `source`)",
        Rule::var_decl | Rule::kw_var => "`var`",
        Rule::include | Rule::kw_include => "`include`",
        Rule::assert_rule | Rule::kw_assert => "`assert`",
        Rule::assert_always | Rule::assert_never | Rule::assert_reach => {
            "`always(...)`, `never(...)` or `reachable(...)`"
        }
        Rule::node | Rule::node_kind => {
            "a node (`question`, `checklist`, `input`, `branch`, `score`, `info` or `outcome`)"
        }
        Rule::bool_ty | Rule::int_ty | Rule::text_ty | Rule::one_of_ty | Rule::set_ty => {
            "a type (`bool`, `int`, `text`, `one_of(...)` or `set(...)`)"
        }
        r if is_field(r) => "a field",
        Rule::goto => "`-> target`",
        Rule::condition => "`if`",
        Rule::effect_block => "`{` with effects",
        Rule::expr
        | Rule::paren
        | Rule::boolean
        | Rule::visited
        | Rule::hook_call
        | Rule::call
        | Rule::op_not
        | Rule::op_neg => "an expression",
        Rule::op_implies
        | Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_not_in
        | Rule::op_in
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::op_rem => "an operator",
        Rule::string | Rule::plain_string | Rule::triple_string => "a string in double quotes",
        Rule::ident | Rule::path | Rule::ident_list => "a name",
        Rule::int | Rule::signed_int => "a number",
        _ => return None,
    })
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The first bracket that opens deeper than `limit`, skipping strings and
/// comments.
pub(super) fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut lexer = Lexer::new(text);
    let mut depth = 0usize;
    while let Some(token) = lexer.next_token() {
        match token {
            Token::Open(i, _) => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            Token::Close(..) => depth = depth.saturating_sub(1),
            Token::UnclosedString(_) => return None,
        }
    }
    None
}
