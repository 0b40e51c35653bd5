//! Text to syntax tree: the pest grammar, human-worded syntax errors, and a
//! total lowering from pest pairs to [`crate::ast`].

use crate::ast::{
    Assert, AssertRule, BinOp, Effect, Expr, ExprKind, Field, File, Header, Ident, Include,
    ItemDef, Literal, Node, NodeKind, OptionDef, Spanned, Str, StrPart, TypeExpr, UnaryOp, VarDecl,
};
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use std::sync::OnceLock;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/guidetree.pest"]
struct Grammar;

/// Deepest bracket nesting accepted. Deeper input is refused before parsing
/// so that neither the parser nor the checker can run out of stack.
pub const MAX_NESTING: usize = 64;
/// Most operators accepted in one run of an expression between brackets,
/// for the same reason.
pub const MAX_OPERATORS: usize = 1024;
/// Deepest expression accepted, counting operators and calls nested in one
/// another (`n` is 1 deep; `a + b + c` is 3 deep, as is `a + (b + c)`). The
/// checker and the evaluator walk expressions recursively, so this bounds
/// their stack.
pub const MAX_EXPR_DEPTH: usize = 128;

/// Parse one file. On failure, returns every syntax problem found (the parser
/// stops at the first one; lowering problems are collected).
///
/// # Errors
/// Syntax errors, numbers that do not fit, and input nested too deeply.
pub fn parse(file: FileId, text: &str) -> Result<File, Vec<Diagnostic>> {
    if let Some(diag) = check_nesting(file, text) {
        return Err(vec![diag]);
    }
    let mut pairs = match Grammar::parse(Rule::file, text) {
        Ok(pairs) => pairs,
        Err(err) => return Err(vec![syntax_error(file, text, &err)]),
    };
    let lower = Lower {
        file,
        diags: std::cell::RefCell::default(),
    };
    let result = pairs.next().and_then(|p| lower.file(p));
    let mut diags = lower.diags.into_inner();
    match result {
        Some(ast) if diags.is_empty() => Ok(ast),
        _ => {
            if diags.is_empty() {
                diags.push(internal(file, 0, "file"));
            }
            Err(diags)
        }
    }
}

/// Find the first bracket that opens deeper than [`MAX_NESTING`], skipping
/// strings and comments.
fn check_nesting(file: FileId, text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(
                        Diagnostic::error(
                            "E017",
                            format!("brackets nested more than {MAX_NESTING} deep"),
                            Span::new(file, i, i + 1),
                        )
                        .label("this bracket is too deep")
                        .help("split the expression, or name parts of it with variables"),
                    );
                }
            }
            b')' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Plain words for every rule a user could be told was expected.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
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
            "a node (`question`, `checklist`, `input`, `branch`, `score`, `info`, `outcome`)"
        }
        Rule::bool_ty | Rule::int_ty | Rule::text_ty | Rule::one_of_ty | Rule::set_ty => {
            "a type (`bool`, `int`, `text`, `one_of(...)`, `set(...)`)"
        }
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
        | Rule::remove_effect => "a field such as `text`, `option`, `when` or `->`",
        Rule::condition => "`if`",
        Rule::effect_block => "`{ ... }` with effects",
        Rule::goto => "`-> target`",
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

fn syntax_error(file: FileId, text: &str, err: &pest::error::Error<Rule>) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match err.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p.min(text.len()),
    };
    let found = found_at(text, pos);
    let mut expected: Vec<&str> = Vec::new();
    let mut expected_strings: Vec<String> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &err.variant {
        for word in positives.iter().filter_map(|r| describe(*r)) {
            if !expected.contains(&word) {
                expected.push(word);
            }
        }
    }
    if let Some(attempts) = err.parse_attempts() {
        for token in attempts.expected_tokens() {
            // Only punctuation is worth naming: keywords come with their rules.
            let token = token.to_string();
            let word = format!("`{token}`");
            let punctuation = !token.contains("..")
                && token
                    .chars()
                    .all(|c| !c.is_alphanumeric() && !c.is_whitespace());
            if punctuation && !token.is_empty() && !expected_strings.contains(&word) {
                expected_strings.push(word);
            }
        }
    }
    let mut all: Vec<String> = expected.iter().map(ToString::to_string).collect();
    all.extend(expected_strings);
    let (message, label) = if let ErrorVariant::CustomError { message } = &err.variant {
        (message.clone(), "here".to_string())
    } else if all.is_empty() {
        (
            format!("unexpected {found}"),
            "not expected here".to_string(),
        )
    } else {
        (
            format!("expected {}, found {found}", join_or(&all)),
            format!("expected {}", join_or(&all)),
        )
    };
    let end = (pos + found_len(text, pos)).min(text.len());
    let help = syntax_help(text, pos);
    Diagnostic::error("E001", message, Span::new(file, pos, end))
        .label(label)
        .maybe_help(help)
}

/// A hint for common slips, judged from the text at the error.
fn syntax_help(text: &str, pos: usize) -> Option<String> {
    let rest = &text[pos..];
    let before = text[..pos].trim_end();
    if rest.starts_with('\'') {
        return Some("strings use double quotes: \"like this\"".into());
    }
    if rest.starts_with("=>") || rest.starts_with("=") && before.ends_with('-') {
        return Some("targets are written with `->`".into());
    }
    if rest.starts_with('=') && !rest.starts_with("==") && !before.ends_with("var") {
        return Some("compare with `==`; assign with `set name = value`".into());
    }
    if rest.starts_with("&&") || rest.starts_with("||") || rest.starts_with('!') {
        return Some("logic is spelled `and`, `or`, `not`".into());
    }
    if rest.is_empty() {
        return Some("the file ended early: is a `}` or `\"` missing?".into());
    }
    None
}

fn found_len(text: &str, pos: usize) -> usize {
    let rest = &text[pos..];
    let word = rest
        .char_indices()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    if word > 0 {
        word
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    }
}

fn found_at(text: &str, pos: usize) -> String {
    let len = found_len(text, pos);
    match &text[pos..pos + len] {
        "" => "end of file".to_string(),
        "\n" | "\r" => "end of line".to_string(),
        s => format!("`{s}`"),
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn internal(file: FileId, pos: usize, what: &str) -> Diagnostic {
    Diagnostic::error(
        "E001",
        format!("could not read this {what}"),
        Span::new(file, pos, pos),
    )
    .help("this is a bug in guidetree's parser; please report it with the file")
}

fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_implies, Assoc::Right))
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
            .op(Op::infix(Rule::op_eq, Assoc::Left)
                | Op::infix(Rule::op_ne, Assoc::Left)
                | Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left)
                | Op::infix(Rule::op_in, Assoc::Left)
                | Op::infix(Rule::op_not_in, Assoc::Left))
            .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
            .op(Op::infix(Rule::op_mul, Assoc::Left)
                | Op::infix(Rule::op_div, Assoc::Left)
                | Op::infix(Rule::op_rem, Assoc::Left))
            .op(Op::prefix(Rule::op_neg))
    })
}

/// Lowering state: the file being lowered and problems found on the way.
struct Lower {
    file: FileId,
    diags: std::cell::RefCell<Vec<Diagnostic>>,
}

impl Lower {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    /// Report a pair whose shape the grammar should have ruled out.
    fn bad<T>(&self, pair: &Pair<'_, Rule>, what: &str) -> Option<T> {
        let d = internal(self.file, pair.as_span().start(), what);
        self.diags.borrow_mut().push(d);
        None
    }

    fn next<'i>(
        &self,
        pairs: &mut Pairs<'i, Rule>,
        parent: &Pair<'i, Rule>,
    ) -> Option<Pair<'i, Rule>> {
        match pairs.next() {
            Some(p) => Some(p),
            None => self.bad(parent, "construct"),
        }
    }

    fn file(&self, pair: Pair<'_, Rule>) -> Option<File> {
        let mut inner = pair.clone().into_inner();
        let header_pair = self.next(&mut inner, &pair)?;
        let header = self.header(header_pair)?;
        let mut file = File {
            header,
            vars: Vec::new(),
            includes: Vec::new(),
            nodes: Vec::new(),
            asserts: Vec::new(),
        };
        for item in inner {
            match item.as_rule() {
                Rule::var_decl => file.vars.extend(self.var_decl(item)),
                Rule::include => file.includes.extend(self.include(item)),
                Rule::assert_rule => file.asserts.extend(self.assert_rule(item)),
                Rule::node => file.nodes.extend(self.node(item)),
                Rule::EOI => {}
                _ => {
                    self.bad::<()>(&item, "item");
                }
            }
        }
        Some(file)
    }

    fn header(&self, pair: Pair<'_, Rule>) -> Option<Header> {
        let span = self.span(&pair);
        let mut inner = pair.clone().into_inner();
        let _kw = self.next(&mut inner, &pair)?;
        let id = self.ident(self.next(&mut inner, &pair)?);
        let title = self.string(self.next(&mut inner, &pair)?)?;
        let mut header = Header {
            id,
            title,
            version: None,
            start: None,
            script: None,
            outcomes: None,
            citations: Vec::new(),
            span,
        };
        for field in inner {
            let fspan = self.span(&field);
            let Some(value) = field.clone().into_inner().next() else {
                return self.bad(&field, "header field");
            };
            match field.as_rule() {
                Rule::version_field => {
                    let v = self.number::<u32>(&value)?;
                    header.version = Some(Spanned {
                        node: v,
                        span: fspan,
                    });
                }
                Rule::start_field => header.start = Some(self.ident(value)),
                Rule::script_field => header.script = self.string(value),
                Rule::outcomes_field => header.outcomes = Some(self.ident_list(value)),
                Rule::cite_field => {
                    let tag = self.ident(value);
                    let Some(name) = field.clone().into_inner().nth(1) else {
                        return self.bad(&field, "header field");
                    };
                    header.citations.push((tag, self.string(name)?));
                }
                _ => return self.bad(&field, "header field"),
            }
        }
        Some(header)
    }

    fn var_decl(&self, pair: Pair<'_, Rule>) -> Option<VarDecl> {
        let span = self.span(&pair);
        let mut inner = pair.clone().into_inner();
        let _kw = self.next(&mut inner, &pair)?;
        let name = self.ident(self.next(&mut inner, &pair)?);
        let ty_pair = self.next(&mut inner, &pair)?;
        let ty_span = self.span(&ty_pair);
        let ty = match ty_pair.as_rule() {
            Rule::bool_ty => TypeExpr::Bool,
            Rule::int_ty => TypeExpr::Int,
            Rule::text_ty => TypeExpr::Text,
            Rule::one_of_ty | Rule::set_ty => {
                let list = self.ident_list(ty_pair.clone().into_inner().next()?);
                if ty_pair.as_rule() == Rule::set_ty {
                    TypeExpr::Set(list)
                } else {
                    TypeExpr::OneOf(list)
                }
            }
            _ => return self.bad(&ty_pair, "type"),
        };
        let default = match inner.next() {
            Some(e) => Some(self.expr(e)?),
            None => None,
        };
        Some(VarDecl {
            name,
            ty: Spanned {
                node: ty,
                span: ty_span,
            },
            default,
            span,
        })
    }

    fn include(&self, pair: Pair<'_, Rule>) -> Option<Include> {
        let span = self.span(&pair);
        let mut inner = pair.clone().into_inner();
        let _kw = self.next(&mut inner, &pair)?;
        let path = self.string(self.next(&mut inner, &pair)?)?;
        let namespace = self.ident(self.next(&mut inner, &pair)?);
        Some(Include {
            path,
            namespace,
            span,
        })
    }

    fn assert_rule(&self, pair: Pair<'_, Rule>) -> Option<Assert> {
        let span = self.span(&pair);
        let mut inner = pair.clone().into_inner();
        let _kw = self.next(&mut inner, &pair)?;
        let rule_pair = self.next(&mut inner, &pair)?;
        let arg = self.next(&mut rule_pair.clone().into_inner(), &rule_pair)?;
        let rule = match rule_pair.as_rule() {
            Rule::assert_always => AssertRule::Always(self.expr(arg)?),
            Rule::assert_never => AssertRule::Never(self.expr(arg)?),
            Rule::assert_reach => AssertRule::Reachable(self.ident(arg)),
            _ => return self.bad(&rule_pair, "assert"),
        };
        let message = match inner.next() {
            Some(s) => Some(self.string(s)?),
            None => None,
        };
        Some(Assert {
            rule,
            message,
            span,
        })
    }

    fn node(&self, pair: Pair<'_, Rule>) -> Option<Node> {
        let span = self.span(&pair);
        let mut inner = pair.clone().into_inner();
        let kind_pair = self.next(&mut inner, &pair)?;
        let kind = match kind_pair.as_str() {
            "question" => NodeKind::Question,
            "checklist" => NodeKind::Checklist,
            "input" => NodeKind::Input,
            "branch" => NodeKind::Branch,
            "score" => NodeKind::Score,
            "info" => NodeKind::Info,
            "outcome" => NodeKind::Outcome,
            _ => return self.bad(&kind_pair, "node kind"),
        };
        let kind = Spanned {
            node: kind,
            span: self.span(&kind_pair),
        };
        let id = self.ident(self.next(&mut inner, &pair)?);
        let mut fields = Vec::new();
        for f in inner {
            let fspan = self.span(&f);
            if let Some(field) = self.field(f) {
                fields.push(Spanned {
                    node: field,
                    span: fspan,
                });
            }
        }
        Some(Node {
            kind,
            id,
            fields,
            span,
        })
    }

    fn field(&self, pair: Pair<'_, Rule>) -> Option<Field> {
        let rule = pair.as_rule();
        let mut inner = pair.clone().into_inner();
        Some(match rule {
            Rule::text_field => Field::Text(self.string(self.next(&mut inner, &pair)?)?),
            Rule::help_field => Field::Help(self.string(self.next(&mut inner, &pair)?)?),
            Rule::title_field => Field::Title(self.string(self.next(&mut inner, &pair)?)?),
            Rule::source_field => Field::Source(self.ident_list(self.next(&mut inner, &pair)?)),
            Rule::tags_field => Field::Tags(self.ident_list(self.next(&mut inner, &pair)?)),
            Rule::advice_field => {
                let mut list = Vec::new();
                for s in inner {
                    list.push(self.string(s)?);
                }
                Field::Advice(list)
            }
            Rule::kind_field => Field::Kind(self.ident(self.next(&mut inner, &pair)?)),
            Rule::into_field => Field::Into(self.ident(self.next(&mut inner, &pair)?)),
            Rule::number_field => {
                let var = self.ident(self.next(&mut inner, &pair)?);
                let range = match (inner.next(), inner.next()) {
                    (Some(lo), Some(hi)) => {
                        Some((self.spanned_number(&lo)?, self.spanned_number(&hi)?))
                    }
                    _ => None,
                };
                Field::Number { var, range }
            }
            Rule::text_input_field => {
                let var = self.ident(self.next(&mut inner, &pair)?);
                let max = match inner.next() {
                    Some(m) => Some(self.spanned_number(&m)?),
                    None => None,
                };
                Field::TextInput { var, max }
            }
            Rule::examples_field => {
                let mut list = Vec::new();
                for e in inner {
                    let span = self.span(&e);
                    let lit = if e.as_rule() == Rule::string {
                        Literal::Text(self.string(e)?.to_template())
                    } else {
                        Literal::Int(self.number(&e)?)
                    };
                    list.push(Spanned { node: lit, span });
                }
                Field::Examples(list)
            }
            Rule::option => Field::Option(self.option(pair)?),
            Rule::item_def => {
                let id = self.ident(self.next(&mut inner, &pair)?);
                let label = self.string(self.next(&mut inner, &pair)?)?;
                let cond = match inner.next() {
                    Some(c) => Some(self.condition(c)?),
                    None => None,
                };
                Field::Item(ItemDef { id, label, cond })
            }
            Rule::when_arm => {
                let cond = self.expr(self.next(&mut inner, &pair)?)?;
                let target = self.goto(self.next(&mut inner, &pair)?)?;
                Field::When { cond, target }
            }
            Rule::else_arm => Field::Else(self.goto(self.next(&mut inner, &pair)?)?),
            Rule::set_effect | Rule::add_effect | Rule::remove_effect => {
                Field::Effect(self.effect(pair)?)
            }
            Rule::goto => Field::Goto(self.goto(pair)?),
            _ => return self.bad(&pair, "field"),
        })
    }

    fn option(&self, pair: Pair<'_, Rule>) -> Option<OptionDef> {
        let mut inner = pair.clone().into_inner();
        let id = self.ident(self.next(&mut inner, &pair)?);
        let label = self.string(self.next(&mut inner, &pair)?)?;
        let mut cond = None;
        let mut effects = Vec::new();
        let mut target = None;
        for part in inner {
            match part.as_rule() {
                Rule::condition => cond = Some(self.condition(part)?),
                Rule::effect_block => {
                    for e in part.into_inner() {
                        effects.push(self.effect(e)?);
                    }
                }
                Rule::goto => target = Some(self.goto(part)?),
                _ => return self.bad(&part, "option"),
            }
        }
        let Some(target) = target else {
            return self.bad(&pair, "option");
        };
        Some(OptionDef {
            id,
            label,
            cond,
            effects,
            target,
        })
    }

    fn condition(&self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let e = self.next(&mut pair.clone().into_inner(), &pair)?;
        self.expr(e)
    }

    fn goto(&self, pair: Pair<'_, Rule>) -> Option<Ident> {
        let p = self.next(&mut pair.clone().into_inner(), &pair)?;
        Some(self.ident(p))
    }

    fn effect(&self, pair: Pair<'_, Rule>) -> Option<Effect> {
        let mut inner = pair.clone().into_inner();
        let var = self.ident(self.next(&mut inner, &pair)?);
        let arg = self.next(&mut inner, &pair)?;
        Some(match pair.as_rule() {
            Rule::set_effect => Effect::Set {
                var,
                value: self.expr(arg)?,
            },
            Rule::add_effect => Effect::Add {
                var,
                member: self.ident(arg),
            },
            Rule::remove_effect => Effect::Remove {
                var,
                member: self.ident(arg),
            },
            _ => return self.bad(&pair, "effect"),
        })
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn ident_list(&self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        pair.into_inner().map(|p| self.ident(p)).collect()
    }

    fn number<T: std::str::FromStr>(&self, pair: &Pair<'_, Rule>) -> Option<T> {
        if let Ok(n) = pair.as_str().parse() {
            Some(n)
        } else {
            let d = Diagnostic::error(
                "E015",
                format!("the number `{}` is too large", pair.as_str()),
                self.span(pair),
            )
            .label("does not fit")
            .help("numbers range from -9223372036854775808 to 9223372036854775807 (versions and limits from 0 to 4294967295)");
            self.diags.borrow_mut().push(d);
            None
        }
    }

    fn spanned_number<T: std::str::FromStr>(&self, pair: &Pair<'_, Rule>) -> Option<Spanned<T>> {
        let node = self.number(pair)?;
        Some(Spanned {
            node,
            span: self.span(pair),
        })
    }

    /// A string literal: unescape, dedent triple quotes, split out `{var}`.
    fn string(&self, pair: Pair<'_, Rule>) -> Option<Str> {
        let span = self.span(&pair);
        let lit = match pair.as_rule() {
            Rule::string => match pair.clone().into_inner().next() {
                Some(p) => p,
                None => return self.bad(&pair, "string"),
            },
            _ => pair.clone(),
        };
        let raw = lit.as_str();
        let start = lit.as_span().start();
        let (body, body_start, triple) = if lit.as_rule() == Rule::triple_string {
            (&raw[3..raw.len() - 3], start + 3, true)
        } else {
            (&raw[1..raw.len() - 1], start + 1, false)
        };
        let parts = self.string_parts(body, body_start, triple)?;
        Some(Str { parts, span })
    }

    fn string_parts(&self, body: &str, offset: usize, triple: bool) -> Option<Vec<StrPart>> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if !triple => match chars.next() {
                    Some((_, 'n')) => lit.push('\n'),
                    Some((_, 't')) => lit.push('\t'),
                    Some((_, other)) => lit.push(other),
                    None => {}
                },
                '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let rest = &body[i + 1..];
                    let Some(close) = rest.find('}') else {
                        self.diags.borrow_mut().push(
                            Diagnostic::error(
                                "E001",
                                "`{` opens an interpolation that is never closed",
                                Span::new(self.file, offset + i, offset + i + 1),
                            )
                            .label("unclosed `{`")
                            .help("write `{{` for a literal brace, or close it: `{name}`"),
                        );
                        return None;
                    };
                    let name = &rest[..close];
                    let valid = !name.is_empty()
                        && name.split('.').all(|p| {
                            p.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        });
                    let span = Span::new(self.file, offset + i, offset + i + close + 2);
                    if !valid {
                        self.diags.borrow_mut().push(
                            Diagnostic::error(
                                "E001",
                                format!("`{{{name}}}` is not a variable interpolation"),
                                span,
                            )
                            .label("expected a variable name inside the braces")
                            .help("write `{{` and `}}` for literal braces"),
                        );
                        return None;
                    }
                    if !lit.is_empty() {
                        parts.push(StrPart::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(StrPart::Var(Ident {
                        name: name.to_string(),
                        span: Span::new(self.file, offset + i + 1, offset + i + 1 + close),
                    }));
                    for _ in 0..=name.chars().count() {
                        chars.next();
                    }
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push(StrPart::Lit(lit));
        }
        if triple {
            dedent(&mut parts);
        }
        Some(parts)
    }

    fn expr(&self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        let ops = pair
            .clone()
            .into_inner()
            .filter(|p| {
                matches!(p.as_rule(), Rule::op_not | Rule::op_neg) || binop(p.as_rule()).is_some()
            })
            .count();
        if ops > MAX_OPERATORS {
            self.diags.borrow_mut().push(
                Diagnostic::error(
                    "E017",
                    format!("expression has {ops} operators; at most {MAX_OPERATORS} are allowed"),
                    span,
                )
                .label("too long")
                .help("split the expression, or name parts of it with variables"),
            );
            return None;
        }
        let expr = self.pratt_expr(pair)?;
        let depth = depth(&expr);
        if depth > MAX_EXPR_DEPTH {
            self.diags.borrow_mut().push(
                Diagnostic::error(
                    "E017",
                    format!("expression nested {depth} deep; at most {MAX_EXPR_DEPTH} levels are allowed"),
                    span,
                )
                .label("too deep")
                .help("split the expression, or name parts of it with variables"),
            );
            return None;
        }
        Some(expr)
    }

    /// Arrange an expression's flat operators by precedence.
    fn pratt_expr(&self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let file = self.file;
        pratt()
            .map_primary(|p| self.primary(p))
            .map_prefix(move |op, rhs| {
                let rhs = rhs?;
                let span = Span::new(file, op.as_span().start(), op.as_span().end()).to(rhs.span);
                let op = if op.as_rule() == Rule::op_not {
                    UnaryOp::Not
                } else {
                    UnaryOp::Neg
                };
                Some(Spanned {
                    node: ExprKind::Unary {
                        op,
                        expr: Box::new(rhs),
                    },
                    span,
                })
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let op = binop(op.as_rule())?;
                Some(Spanned {
                    span: lhs.span.to(rhs.span),
                    node: ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                })
            })
            .parse(pair.into_inner())
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        let node = match pair.as_rule() {
            Rule::paren => {
                let inner = self.next(&mut pair.clone().into_inner(), &pair)?;
                return self.expr(inner).map(|e| Spanned { node: e.node, span });
            }
            Rule::int => ExprKind::Int(self.number(&pair)?),
            Rule::string => ExprKind::Str(self.string(pair)?),
            Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
            Rule::path => ExprKind::Name(self.ident(pair)),
            Rule::visited => {
                let p = self.next(&mut pair.clone().into_inner(), &pair)?;
                ExprKind::Visited(self.ident(p))
            }
            Rule::hook_call | Rule::call => {
                let hook = pair.as_rule() == Rule::hook_call;
                let mut inner = pair.clone().into_inner();
                let name = self.ident(self.next(&mut inner, &pair)?);
                let mut args = Vec::new();
                for a in inner {
                    args.push(self.expr(a)?);
                }
                if hook {
                    ExprKind::Hook { name, args }
                } else {
                    ExprKind::Call { name, args }
                }
            }
            _ => return self.bad(&pair, "expression"),
        };
        Some(Spanned { node, span })
    }
}

/// How deeply an expression nests (a literal is 1 deep), found without
/// recursion so that it is safe on any input.
fn depth(expr: &Expr) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(expr, 1)];
    while let Some((e, d)) = stack.pop() {
        deepest = deepest.max(d);
        match &e.node {
            ExprKind::Unary { expr, .. } => stack.push((expr, d + 1)),
            ExprKind::Binary { lhs, rhs, .. } => {
                stack.push((lhs, d + 1));
                stack.push((rhs, d + 1));
            }
            ExprKind::Hook { args, .. } | ExprKind::Call { args, .. } => {
                stack.extend(args.iter().map(|a| (a, d + 1)));
            }
            ExprKind::Int(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::Name(_)
            | ExprKind::Visited(_) => {}
        }
    }
    deepest
}

fn binop(rule: Rule) -> Option<BinOp> {
    Some(match rule {
        Rule::op_implies => BinOp::Implies,
        Rule::op_or => BinOp::Or,
        Rule::op_and => BinOp::And,
        Rule::op_eq => BinOp::Eq,
        Rule::op_ne => BinOp::Ne,
        Rule::op_lt => BinOp::Lt,
        Rule::op_le => BinOp::Le,
        Rule::op_gt => BinOp::Gt,
        Rule::op_ge => BinOp::Ge,
        Rule::op_in => BinOp::In,
        Rule::op_not_in => BinOp::NotIn,
        Rule::op_add => BinOp::Add,
        Rule::op_sub => BinOp::Sub,
        Rule::op_mul => BinOp::Mul,
        Rule::op_div => BinOp::Div,
        Rule::op_rem => BinOp::Rem,
        _ => return None,
    })
}

/// Remove the indentation common to all lines of a triple-quoted string, a
/// first line that is empty, and trailing whitespace.
fn dedent(parts: &mut Vec<StrPart>) {
    // Work on the literal text with interpolations as placeholders so that
    // line structure is seen whole.
    const MARK: char = '\u{0}';
    let mut joined = String::new();
    let mut vars = Vec::new();
    for p in parts.drain(..) {
        match p {
            StrPart::Lit(s) => joined.push_str(&s),
            StrPart::Var(v) => {
                joined.push(MARK);
                vars.push(v);
            }
        }
    }
    let body = joined.strip_prefix('\n').unwrap_or(&joined);
    let body = body.strip_prefix("\r\n").unwrap_or(body);
    let indent = body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let text: Vec<&str> = body
        .lines()
        .map(|l| l.get(indent..).unwrap_or_else(|| l.trim_start()).trim_end())
        .collect();
    let text = text.join("\n");
    let text = text.trim_end();
    let mut vars = vars.into_iter();
    let mut lit = String::new();
    for c in text.chars() {
        if c == MARK {
            if !lit.is_empty() {
                parts.push(StrPart::Lit(std::mem::take(&mut lit)));
            }
            if let Some(v) = vars.next() {
                parts.push(StrPart::Var(v));
            }
        } else {
            lit.push(c);
        }
    }
    if !lit.is_empty() {
        parts.push(StrPart::Lit(lit));
    }
}
