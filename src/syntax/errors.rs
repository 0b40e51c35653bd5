//! Syntax errors in human words.
//!
//! pest reports the position where parsing stopped and the grammar rules (and,
//! with error detail on, the literal tokens) it would have accepted there.
//! This module turns that into one [`Diagnostic`]: it recognises the common
//! slips (an unclosed string or block, `=>` for `->`, `&&` for `and`, single
//! quotes, a reserved word used as a name, a misspelled field) and otherwise
//! says what was expected in plain words. No rule name ever reaches a user.

use super::scan::{string_spans, OpenString, Scan};
use super::{Grammar, Rule};
use crate::diag::problem::{Syntax, SyntaxHint};
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
    "param",
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

/// Keywords inside headers, types, includes, asserts and expressions.
const OTHER_KEYWORDS: &[&str] = &[
    "version",
    "start",
    "script",
    "outcomes",
    "quick_exit",
    "one_of",
    "as",
    "always",
    "never",
    "reachable",
    "range",
    "max",
    "if",
    "visited",
    "hook",
];

/// The keywords that start a field inside a node.
pub(crate) const FIELD_KEYWORDS: &[&str] = &[
    "text", "help", "title", "source", "tags", "advice", "kind", "into", "number", "examples",
    "option", "item", "when", "else", "set", "add", "remove",
];

/// Explain why `text` failed to parse, given the error from a first parse.
/// Most syntax errors reported for one file.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Explain why `text` failed to parse, given the error of a first parse,
/// then resume at each following top-level item (a line that starts with
/// `question`, `var`, ...) so that later mistakes are reported too.
pub(super) fn syntax_errors(file: FileId, text: &str, first: &Error<Rule>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let (mut rule, mut start, mut err) = (Rule::file, 0, first.clone());
    loop {
        let (diag, pos, resumable) = syntax_error(file, text, rule, start, &err);
        diags.push(diag);
        if !resumable || diags.len() >= MAX_SYNTAX_ERRORS {
            break;
        }
        let Some(next) = resume_point(text, pos.max(start + 1)) else {
            break;
        };
        match Grammar::parse(Rule::items, &text[next..]) {
            Ok(_) => break,
            Err(e) => (rule, start, err) = (Rule::items, next, e),
        }
    }
    diags
}

/// One syntax error of a parse of `text[start..]` by `rule`: the
/// diagnostic, where it is, and whether parsing can resume after it (not
/// after a string that swallows the rest of the file).
fn syntax_error(
    file: FileId,
    text: &str,
    rule: Rule,
    start: usize,
    first: &Error<Rule>,
) -> (Diagnostic, usize, bool) {
    let detailed = detailed_error(rule, &text[start..]);
    let err = detailed.as_ref().unwrap_or(first);
    let site = Site::new(file, text, start, err);
    let scan = Scan::new(text, start, site.pos);
    match scan.unclosed_string {
        Some(string) => (unclosed_string(file, string), string.start, !string.triple),
        None => match misclosed_triple(file, text, site.pos) {
            Some((diag, at)) => (diag, at, false),
            None => (site.explain(&scan), site.pos, true),
        },
    }
}

/// Parse again with pest's error detail switched on, which adds the literal
/// tokens (such as `}`) that were expected. The switch is global and read
/// when a parse starts, so detailed parses are serialised; a parse elsewhere
/// that starts meanwhile only collects detail it does not use, and its
/// result is unchanged.
fn detailed_error(rule: Rule, text: &str) -> Option<Error<Rule>> {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    pest::set_error_detail(true);
    let result = Grammar::parse(rule, text);
    pest::set_error_detail(false);
    result.err()
}

/// The first line at or after `from` that starts (in its first column,
/// outside any string or comment) with the keyword of a top-level item.
fn resume_point(text: &str, from: usize) -> Option<usize> {
    let strings = string_spans(text);
    let mut at = from;
    if at > 0 && text.as_bytes().get(at - 1) != Some(&b'\n') {
        at = at + text.get(at..)?.find('\n')? + 1;
    }
    while at < text.len() {
        let line = &text[at..];
        let starts_item = ITEM_KEYWORDS[1..].iter().any(|k| {
            line.strip_prefix(k)
                .is_some_and(|rest| rest.starts_with([' ', '\t']))
        });
        if starts_item && !strings.iter().any(|&(s, e)| s < at && at < e) {
            return Some(at);
        }
        at += line.find('\n')? + 1;
    }
    None
}

fn unclosed_string(file: FileId, s: OpenString) -> Diagnostic {
    let len = if s.triple { 3 } else { 1 };
    Syntax::UnclosedString { triple: s.triple }.at(Span::new(file, s.start, s.start + len))
}

/// A `"""` left open swallows text up to the next `"""`, which usually
/// opens another string: parsing then fails just after it, far from the
/// mistake. When the error comes right after a triple-quoted string whose
/// closing quotes look like an opening (`text """` on their line) or whose
/// text holds a line that is only `}`, point at its opening quotes.
fn misclosed_triple(file: FileId, text: &str, pos: usize) -> Option<(Diagnostic, usize)> {
    let &(start, end) = string_spans(text)
        .iter()
        .rev()
        .find(|&&(_, end)| end <= pos)?;
    let closing = end.checked_sub(3)?;
    let triple = text[start..].starts_with("\"\"\"") && closing > start;
    if !triple || !super::is_trivia(&text[end..pos]) {
        return None;
    }
    let line_start = text[..closing].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..closing].trim();
    let opens_again = FIELD_KEYWORDS.contains(&before);
    let swallowed_brace = text[start + 3..closing].lines().any(|l| l.trim() == "}");
    if !(opens_again || swallowed_brace) {
        return None;
    }
    let closing = Span::new(file, closing, end);
    let diag = Syntax::MisclosedTriple { closing }.at(Span::new(file, start, start + 3));
    Some((diag, start))
}

/// Where parsing stopped, what was there, and what would have been accepted.
struct Site<'a> {
    file: FileId,
    text: &'a str,
    pos: usize,
    /// The word or symbol found at `pos` (empty at the end of the file).
    found: &'a str,
    /// Grammar rules that would have fitted at `pos`.
    rules: Vec<Rule>,
    /// Literal tokens that would have fitted at `pos` (without whitespace).
    tokens: Vec<String>,
}

impl<'a> Site<'a> {
    /// The site of `err`, from a parse of `text[start..]`.
    fn new(file: FileId, text: &'a str, start: usize, err: &Error<Rule>) -> Self {
        let mut pos = match err.location {
            InputLocation::Pos(p) | InputLocation::Span((p, _)) => p,
        };
        let mut rules = match &err.variant {
            ErrorVariant::ParsingError { positives, .. } => positives.clone(),
            ErrorVariant::CustomError { .. } => Vec::new(),
        };
        let mut tokens = Vec::new();
        if let Some(attempts) = err.parse_attempts() {
            tokens = attempts
                .expected_tokens()
                .into_iter()
                .map(|t| t.to_string())
                .filter(|t| is_meaningful(t))
                .collect();
            // A literal token (such as the `:` of `var x: int`) failed
            // further on than any rule: that is where the slip is.
            if attempts.max_position > pos && !tokens.is_empty() {
                pos = attempts.max_position;
                rules.clear();
            }
        }
        let pos = (start + pos).min(text.len());
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
                Rule::node
                    | Rule::node_kind
                    | Rule::var_decl
                    | Rule::param_decl
                    | Rule::include
                    | Rule::assert_rule
            )
        })
    }

    fn expects_operator(&self) -> bool {
        self.rules.iter().any(|r| describe(*r) == Some(OPERATOR))
    }

    fn found_is_name(&self) -> bool {
        self.found
            .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
    }

    /// The first word of the line where parsing stopped (`option`, `var`).
    fn line_head(&self) -> &str {
        let start = self.text[..self.pos].rfind('\n').map_or(0, |i| i + 1);
        self.text[start..]
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .find(|w| !w.is_empty())
            .unwrap_or("")
    }

    fn error(&self, problem: Syntax) -> Diagnostic {
        problem.at(self.span())
    }

    /// Try each known slip in turn; fall back to "expected X, found Y".
    fn explain(&self, scan: &Scan) -> Diagnostic {
        self.wrong_operator()
            .or_else(|| self.single_equals())
            .or_else(|| self.single_quotes())
            .or_else(|| self.fat_arrow())
            .or_else(|| self.missing_brace(scan))
            .or_else(|| self.stray_brace(scan))
            .or_else(|| self.reserved_name())
            .or_else(|| self.comma_between_effects(scan))
            .or_else(|| self.option_without_target())
            .or_else(|| self.missing_arrow())
            .or_else(|| self.unknown_field())
            .or_else(|| self.unknown_item())
            .unwrap_or_else(|| self.expected(scan))
    }

    /// `&&`, `||`, `!`, `&`, `|` instead of `and`, `or`, `not`.
    fn wrong_operator(&self) -> Option<Diagnostic> {
        let word = match self.found {
            "&&" | "&" => "and",
            "||" | "|" => "or",
            "!" => "not",
            _ => return None,
        };
        let found = self.found.to_string();
        Some(self.error(Syntax::WrongOperator { found, word }))
    }

    /// `when months = 3`: a comparison written with one `=`.
    fn single_equals(&self) -> Option<Diagnostic> {
        if !(self.found == "=" && self.expects_operator()) {
            return None;
        }
        Some(self.error(Syntax::SingleEquals))
    }

    fn single_quotes(&self) -> Option<Diagnostic> {
        if !self.found.starts_with('\'') {
            return None;
        }
        let rest = &self.text[self.pos + 1..];
        let line = rest.split('\n').next().unwrap_or("");
        let quoted = line.find('\'').map(|end| line[..end].to_string());
        Some(self.error(Syntax::SingleQuotes { quoted }))
    }

    fn fat_arrow(&self) -> Option<Diagnostic> {
        if !(self.found == "=>" && self.expects(Rule::goto)) {
            return None;
        }
        Some(self.error(Syntax::FatArrow))
    }

    /// A block that is still open when the next item (or the end of the
    /// file) arrives.
    fn missing_brace(&self, scan: &Scan) -> Option<Diagnostic> {
        let brace = scan.innermost(b'{')?;
        let next_item = self.found.is_empty() || ITEM_KEYWORDS.contains(&self.found);
        if !(self.expects_token("}") && next_item) {
            return None;
        }
        let brace_span = Span::new(self.file, brace, brace + 1);
        let problem = Syntax::MissingBrace {
            owner: block_owner(self.text, brace),
            before: (!self.found.is_empty()).then(|| self.found.to_string()),
            brace: brace_span,
        };
        if self.found.is_empty() {
            return Some(problem.at(brace_span));
        }
        Some(self.error(problem))
    }

    fn stray_brace(&self, scan: &Scan) -> Option<Diagnostic> {
        if self.found != "}" || !scan.open.is_empty() {
            return None;
        }
        Some(self.error(Syntax::StrayBrace))
    }

    fn reserved_name(&self) -> Option<Diagnostic> {
        (self.expects_name() && RESERVED.contains(&self.found)).then(|| {
            self.error(Syntax::ReservedWord {
                word: self.found.to_string(),
            })
        })
    }

    /// `{ set a = 1, set b = 2 }`: effects are not separated by commas.
    fn comma_between_effects(&self, scan: &Scan) -> Option<Diagnostic> {
        let brace = scan.innermost(b'{')?;
        let inside = self.text[brace + 1..self.pos].trim_start();
        if self.found != "," || !starts_with_effect(inside) {
            return None;
        }
        Some(self.error(Syntax::CommaBetweenEffects))
    }

    /// An option that ends without `-> target`: the parser only notices at
    /// the next field or the node's `}`; point at the option instead.
    fn option_without_target(&self) -> Option<Diagnostic> {
        let next_thing = self.found == "}" || FIELD_KEYWORDS.contains(&self.found);
        if !(self.expects(Rule::goto) && next_thing) {
            return None;
        }
        let (at, id) = last_option(self.text, self.pos)?;
        let span = Span::new(self.file, at, at + id.len());
        let option = id.to_string();
        Some(Syntax::OptionWithoutTarget { option }.at(span))
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
        let found = self.found.to_string();
        Some(self.error(Syntax::MissingArrow { found }))
    }

    /// A name where a field keyword belongs: a misspelling, most likely.
    fn unknown_field(&self) -> Option<Diagnostic> {
        if !(self.expects_field() && self.found_is_name()) || ITEM_KEYWORDS.contains(&self.found) {
            return None;
        }
        Some(self.error(Syntax::UnknownField {
            found: self.found.to_string(),
            closes: self.expects_token("}"),
            suggestion: did_you_mean(self.found, FIELD_KEYWORDS.iter().copied()),
        }))
    }

    /// A name where a node, `var`, `include` or `assert` belongs.
    fn unknown_item(&self) -> Option<Diagnostic> {
        if !(self.expects_item() && self.found_is_name()) {
            return None;
        }
        Some(self.error(Syntax::UnknownItem {
            found: self.found.to_string(),
            suggestion: did_you_mean(self.found, ITEM_KEYWORDS[1..].iter().copied()),
        }))
    }

    /// The general case: what would have fitted here.
    fn expected(&self, scan: &Scan) -> Diagnostic {
        let mut words = self.expected_words();
        let paren = scan.innermost(b'(').filter(|_| self.expects_operator());
        if paren.is_some() {
            words.insert(0, "`)`".to_string());
        }
        let brace = scan.innermost(b'{').filter(|_| self.expects_token("}"));
        let bracket = |at: usize| Span::new(self.file, at, at + 1);
        self.error(Syntax::Expected {
            expected: words,
            found: self.found.to_string(),
            hint: self.general_hint(),
            open_paren: paren.map(bracket),
            open_brace: brace.map(bracket),
        })
    }

    /// Plain words for the rules and tokens that would have fitted, most
    /// general first, without repeats.
    fn expected_words(&self) -> Vec<String> {
        let mut words: Vec<&str> = Vec::new();
        for word in self.rules.iter().filter_map(|r| describe(*r)) {
            if !words.contains(&word) {
                words.push(word);
            }
        }
        // "an expression" already covers strings, names and numbers.
        if words.contains(&EXPRESSION) {
            words.retain(|w| !matches!(*w, STRING | NAME | NUMBER));
        }
        let mut words: Vec<String> = words.into_iter().map(str::to_string).collect();
        for token in &self.tokens {
            let shown = SEPARATORS.contains(&token.as_str()) || self.rules.is_empty();
            let word = format!("`{token}`");
            if shown && !words.contains(&word) && !is_letters(token) {
                words.push(word);
            }
        }
        words
    }

    /// The shape of what is being written, when it is clear.
    fn general_hint(&self) -> Option<SyntaxHint> {
        match self.line_head() {
            _ if self.expects(Rule::header) => Some(SyntaxHint::Header),
            "var" => Some(SyntaxHint::Var),
            "option" if self.expects(Rule::string) => Some(SyntaxHint::Option),
            "item" if self.expects(Rule::string) => Some(SyntaxHint::Item),
            _ => None,
        }
    }
}

/// Whether `text` starts with an effect (`set`, `add` or `remove`).
fn starts_with_effect(text: &str) -> bool {
    let effects = ["set ", "add ", "remove "];
    effects.iter().any(|k| text.starts_with(k))
}

/// Separators and closers worth naming when the parser expected them.
const SEPARATORS: &[&str] = &["}", ")", ",", ":", "=", "..="];

const EXPRESSION: &str = "an expression";
const OPERATOR: &str = "an operator";
const STRING: &str = "a string in double quotes";
const NAME: &str = "a name";
const NUMBER: &str = "a number";

/// A word glued to a keyword: `settle` where `set` was read, `optional`
/// where `option` was.
pub(super) fn glued_word(span: Span, word: &str, keyword: &str) -> Diagnostic {
    let known = ITEM_KEYWORDS
        .iter()
        .chain(FIELD_KEYWORDS)
        .chain(OTHER_KEYWORDS)
        .copied();
    Syntax::GluedWord {
        word: word.to_string(),
        keyword: keyword.to_string(),
        suggestion: did_you_mean(word, known),
    }
    .at(span)
}

/// The id of the last option started before `pos` in the same node, and
/// where the id is written: the nearest line (outside strings) that starts
/// with `option`, as long as no node starts in between.
fn last_option(text: &str, pos: usize) -> Option<(usize, &str)> {
    let strings = string_spans(text);
    let mut end = pos;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let inside_string = strings.iter().any(|&(s, e)| s < start && start < e);
        let line = &text[start..end];
        let body = line.trim_start();
        let head = body.split_whitespace().next().unwrap_or("");
        if !inside_string {
            if head == "option" {
                let id_start = start + (line.len() - body.len()) + "option".len();
                let rest = &text[id_start..];
                let skip = rest.len() - rest.trim_start().len();
                let id_len = rest[skip..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len() - skip);
                let at = id_start + skip;
                return (id_len > 0).then(|| (at, &text[at..at + id_len]));
            }
            if ITEM_KEYWORDS.contains(&head) {
                return None;
            }
        }
        end = start.checked_sub(1)?;
    }
}

/// `question q` for the `{` of `question q {`, when the words before the
/// brace on its line name something short enough to quote.
fn block_owner(text: &str, brace: usize) -> Option<String> {
    let line_start = text[..brace].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..brace].trim();
    let words: Vec<&str> = before.split_whitespace().collect();
    match words.as_slice() {
        [kind, id] if ITEM_KEYWORDS.contains(kind) => Some(format!("{kind} {id}")),
        [kind, id, ..] if *kind == "tree" || *kind == "option" => Some(format!("{kind} {id}")),
        _ => None,
    }
}

/// The word, symbol run (`->`, `&&`, `==`) or single character at `pos`.
fn found_at(text: &str, pos: usize) -> &str {
    const SYMBOLS: &str = "-=<>!&|.+*/%:";
    let rest = &text[pos..];
    let first = rest.chars().next();
    let len = match first {
        None => 0,
        Some(c) if c.is_alphanumeric() || c == '_' => rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len()),
        Some(c) if SYMBOLS.contains(c) => rest
            .find(|c: char| !SYMBOLS.contains(c))
            .unwrap_or(rest.len()),
        Some(c) => c.len_utf8(),
    };
    &rest[..len]
}

/// Whether an expected token says something: not whitespace, a comment,
/// a character range (`a..z`, shown by pest as such) or a single character
/// that merely continues a name.
fn is_meaningful(token: &str) -> bool {
    let chars: Vec<char> = token.chars().collect();
    match chars.as_slice() {
        [] | [_, '.', '.', _] => false,
        [c] => !(c.is_whitespace() || c.is_alphanumeric() || *c == '_' || *c == '#'),
        _ => token != "BUILTIN_RULE",
    }
}

fn is_letters(token: &str) -> bool {
    token.chars().all(|c| c.is_alphanumeric() || c == '_')
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
        Rule::header => "a tree header such as `tree my_tree \"Title\" { ... }`",
        Rule::version_field
        | Rule::start_field
        | Rule::script_field
        | Rule::outcomes_field
        | Rule::cite_field
        | Rule::quick_exit_field => {
            "a header field (`version`, `start`, `script`, `outcomes`, `source`, `quick_exit`)"
        }
        Rule::var_decl => "`var`",
        Rule::param_decl => "`param`",
        Rule::include => "`include`",
        Rule::include_args => "`(` with parameters",
        Rule::binding => "a parameter binding such as `days = months`",
        Rule::set_lit => EXPRESSION,
        Rule::assert_rule => "`assert`",
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
        Rule::expr | Rule::paren | Rule::hook_call | Rule::name | Rule::prefix_op => EXPRESSION,
        Rule::infix_op => OPERATOR,
        Rule::string | Rule::plain_string | Rule::triple_string => STRING,
        Rule::ident | Rule::path | Rule::ident_list => NAME,
        Rule::int | Rule::signed_int => NUMBER,
        _ => return None,
    })
}
