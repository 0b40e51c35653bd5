//! Text to syntax tree: the pest grammar, human-worded syntax errors, and a
//! total lowering from pest pairs to [`crate::ast`].
//!
//! The lowering never trusts the shape of the pairs blindly: anything the
//! grammar should have ruled out becomes an internal-error diagnostic, not a
//! panic. Expressions are arranged by precedence with an explicit operator
//! stack (no recursion per operator), and their size is bounded, so hostile
//! input cannot exhaust the stack here or in later stages.

use crate::ast::{
    Assert, AssertRule, BinOp, Binding, Effect, Expr, ExprKind, Field, File, Header, Ident,
    Include, ItemDef, Literal, Node, NodeKind, OptionDef, Spanned, Str, StrPart, TypeExpr, UnaryOp,
    VarDecl,
};
use crate::diag::problem::Syntax;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser as _;
use std::cell::RefCell;

mod errors;

pub(crate) use errors::FIELD_KEYWORDS;
pub use errors::RESERVED;

/// The generated parser, kept private: its rule names never leave this
/// module (errors.rs turns them into words).
mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "grammar/guidetree.pest"]
    pub(super) struct Grammar;
}

use grammar::{Grammar, Rule};

/// Deepest bracket nesting accepted. Deeper input is refused before parsing
/// so that neither the parser nor the checker can run out of stack.
pub const MAX_NESTING: usize = 64;
/// Most operators (counting calls and `visited`) in one expression, for the
/// same reason: this bounds the depth of every expression tree.
pub const MAX_OPERATORS: usize = 256;

/// Parse one file. On failure, returns every syntax problem found (the parser
/// stops at the first one; problems found while lowering are all collected).
///
/// # Errors
/// Syntax errors, reserved words used as names, numbers that do not fit,
/// and input nested too deeply.
pub fn parse(file: FileId, text: &str) -> Result<File, Vec<Diagnostic>> {
    if let Some(diag) = check_nesting(file, text) {
        return Err(vec![diag]);
    }
    let mut pairs = match Grammar::parse(Rule::file, text) {
        Ok(pairs) => pairs,
        Err(err) => return Err(errors::syntax_errors(file, text, &err)),
    };
    let lower = Lower {
        file,
        diags: RefCell::default(),
    };
    let result = pairs.next().and_then(|p| lower.file(&p));
    let mut diags = lower.diags.into_inner();
    match result {
        Some(ast) if diags.is_empty() => Ok(ast),
        _ => {
            if diags.is_empty() {
                diags.push(internal(file, 0, "file"));
            }
            crate::diag::sort(&mut diags);
            Err(diags)
        }
    }
}

/// Whether `text` is only whitespace and comments: a file like that holds
/// no tree at all.
#[must_use]
pub fn is_trivia(mut text: &str) -> bool {
    loop {
        text = text.trim_start();
        match text.strip_prefix('#') {
            Some(comment) => text = comment.split_once('\n').map_or("", |(_, rest)| rest),
            None => return text.is_empty(),
        }
    }
}

/// Refuse brackets nested deeper than [`MAX_NESTING`].
fn check_nesting(file: FileId, text: &str) -> Option<Diagnostic> {
    let at = errors::too_deep(text, MAX_NESTING)?;
    Some(Syntax::NestedTooDeep.at(Span::new(file, at, at + 1)))
}

fn internal(file: FileId, pos: usize, what: &'static str) -> Diagnostic {
    Syntax::Internal { what }.at(Span::new(file, pos, pos))
}

/// The children of a pair.
fn children<'i>(pair: &Pair<'i, Rule>) -> pest::iterators::Pairs<'i, Rule> {
    pair.clone().into_inner()
}

/// A character that can be part of a name or keyword.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Lowering state: the file being lowered and problems found on the way.
struct Lower {
    file: FileId,
    diags: RefCell<Vec<Diagnostic>>,
}

impl Lower {
    /// The span of a pair without trailing whitespace or comments (pest
    /// includes them when a rule ends in an optional part that is absent).
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let input = s.get_input();
        let mut end = s.end();
        // Trailing trivia ends in whitespace, or in a comment at the very
        // end of the file; anything else is already tight.
        let tight = end < input.len()
            && !input.as_bytes()[..end]
                .last()
                .is_some_and(u8::is_ascii_whitespace);
        if tight {
            return Span::new(self.file, s.start(), end);
        }
        let mut current = pair.clone();
        while let Some(last) = current.clone().into_inner().next_back() {
            let last_end = last.as_span().end();
            if last_end < end {
                if !is_trivia(&input[last_end..end]) {
                    break;
                }
                end = last_end;
            }
            current = last;
        }
        Span::new(self.file, s.start(), end)
    }

    fn push(&self, diag: Diagnostic) {
        self.diags.borrow_mut().push(diag);
    }

    /// Refuse a word that starts right where another ends. The grammar's
    /// keywords are plain literals, so `settle = 1` parses as `set tle = 1`
    /// and `optional` as `option al`; this is where that is caught.
    fn refuse_glued(&self, pair: &Pair<'_, Rule>) {
        let span = pair.as_span();
        let input = span.get_input();
        let start = span.start();
        let glued = input[..start].chars().next_back().is_some_and(is_word_char)
            && input[start..].chars().next().is_some_and(is_word_char);
        if !glued {
            return;
        }
        let word_start = input[..start]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_word_char(c))
            .last()
            .map_or(start, |(i, _)| i);
        let word_end = input[start..]
            .find(|c: char| !is_word_char(c))
            .map_or(input.len(), |n| start + n);
        let at = Span::new(self.file, word_start, word_end);
        self.push(errors::glued_word(
            at,
            &input[word_start..word_end],
            &input[word_start..start],
        ));
    }

    /// Report a pair whose shape the grammar should have ruled out.
    fn bad<T>(&self, pair: &Pair<'_, Rule>, what: &'static str) -> Option<T> {
        self.push(internal(self.file, pair.as_span().start(), what));
        None
    }

    /// The next meaningful child of `parent`, or an internal error.
    fn take<'i>(
        &self,
        items: &mut impl Iterator<Item = Pair<'i, Rule>>,
        parent: &Pair<'i, Rule>,
    ) -> Option<Pair<'i, Rule>> {
        match items.next() {
            Some(p) => Some(p),
            None => self.bad(parent, "construct"),
        }
    }

    fn file(&self, pair: &Pair<'_, Rule>) -> Option<File> {
        let mut items = children(pair);
        let header = self.header(&self.take(&mut items, pair)?)?;
        let mut file = File {
            header,
            vars: Vec::new(),
            includes: Vec::new(),
            nodes: Vec::new(),
            asserts: Vec::new(),
        };
        for item in items {
            match item.as_rule() {
                Rule::node => file.nodes.extend(self.node(&item)),
                Rule::var_decl | Rule::param_decl => file.vars.extend(self.var_decl(&item)),
                Rule::include => file.includes.extend(self.include(&item)),
                Rule::assert_rule => file.asserts.extend(self.assert_rule(&item)),
                Rule::EOI => {}
                _ => {
                    self.bad::<()>(&item, "item");
                }
            }
        }
        Some(file)
    }

    fn header(&self, pair: &Pair<'_, Rule>) -> Option<Header> {
        let mut parts = children(pair);
        let id = self.ident(&self.take(&mut parts, pair)?);
        let title = self.string(&self.take(&mut parts, pair)?)?;
        let mut header = Header {
            id,
            title,
            version: None,
            start: None,
            script: None,
            outcomes: None,
            citations: Vec::new(),
            quick_exit: None,
            span: self.span(pair),
        };
        for field in parts {
            self.header_field(&mut header, &field);
        }
        Some(header)
    }

    fn header_field(&self, header: &mut Header, field: &Pair<'_, Rule>) -> Option<()> {
        let span = self.span(field);
        if field.as_rule() == Rule::quick_exit_field {
            if let Some(first) = header.quick_exit.replace(span) {
                self.twice(span, first, "quick_exit");
            }
            return Some(());
        }
        let mut parts = children(field);
        let value = self.take(&mut parts, field)?;
        let first = match field.as_rule() {
            Rule::version_field => header
                .version
                .replace(Spanned {
                    node: self.number::<u32>(&value)?,
                    span,
                })
                .map(|v| v.span),
            Rule::start_field => header.start.replace(self.ident(&value)).map(|i| i.span),
            Rule::script_field => header.script.replace(self.string(&value)?).map(|s| s.span),
            Rule::outcomes_field => header
                .outcomes
                .replace(self.ident_list(&value))
                .and_then(|list| list.first().map(|i| i.span)),
            Rule::cite_field => {
                let name = self.string(&self.take(&mut parts, field)?)?;
                header.citations.push((self.ident(&value), name));
                None
            }
            _ => return self.bad(field, "header field"),
        };
        if let Some(first) = first {
            let keyword = field.as_str().split_whitespace().next().unwrap_or("");
            self.twice(span, first, keyword);
        }
        Some(())
    }

    fn twice(&self, span: Span, first: Span, keyword: &str) {
        let keyword = keyword.to_string();
        self.push(Syntax::HeaderFieldTwice { keyword, first }.at(span));
    }

    fn var_decl(&self, pair: &Pair<'_, Rule>) -> Option<VarDecl> {
        let mut parts = children(pair);
        let name = self.ident(&self.take(&mut parts, pair)?);
        let ty_pair = self.take(&mut parts, pair)?;
        let ty = match ty_pair.as_rule() {
            Rule::bool_ty => TypeExpr::Bool,
            Rule::int_ty => TypeExpr::Int,
            Rule::text_ty => TypeExpr::Text,
            Rule::one_of_ty => {
                TypeExpr::OneOf(self.ident_list(&self.take(&mut children(&ty_pair), &ty_pair)?))
            }
            Rule::set_ty => {
                TypeExpr::Set(self.ident_list(&self.take(&mut children(&ty_pair), &ty_pair)?))
            }
            _ => return self.bad(&ty_pair, "type"),
        };
        let default = match parts.next() {
            Some(e) => Some(self.expr(&e)?),
            None => None,
        };
        Some(VarDecl {
            name,
            ty: Spanned {
                node: ty,
                span: self.span(&ty_pair),
            },
            default,
            param: pair.as_rule() == Rule::param_decl,
            span: self.span(pair),
        })
    }

    fn include(&self, pair: &Pair<'_, Rule>) -> Option<Include> {
        let mut parts = children(pair);
        let path = self.string(&self.take(&mut parts, pair)?)?;
        let namespace = self.ident(&self.take(&mut parts, pair)?);
        let mut args = Vec::new();
        if let Some(list) = parts.next() {
            for binding in children(&list) {
                let mut pieces = children(&binding);
                let param = self.ident(&self.take(&mut pieces, &binding)?);
                let value = self.expr(&self.take(&mut pieces, &binding)?)?;
                args.push(Binding { param, value });
            }
        }
        Some(Include {
            path,
            namespace,
            args,
            span: self.span(pair),
        })
    }

    fn assert_rule(&self, pair: &Pair<'_, Rule>) -> Option<Assert> {
        let mut parts = children(pair);
        let rule_pair = self.take(&mut parts, pair)?;
        let arg = self.take(&mut children(&rule_pair), &rule_pair)?;
        let rule = match rule_pair.as_rule() {
            Rule::assert_always => AssertRule::Always(self.expr(&arg)?),
            Rule::assert_never => AssertRule::Never(self.expr(&arg)?),
            Rule::assert_reach => AssertRule::Reachable(self.ident(&arg)),
            _ => return self.bad(&rule_pair, "assert"),
        };
        let message = match parts.next() {
            Some(s) => Some(self.string(&s)?),
            None => None,
        };
        Some(Assert {
            rule,
            message,
            span: self.span(pair),
        })
    }

    fn node(&self, pair: &Pair<'_, Rule>) -> Option<Node> {
        let mut parts = children(pair);
        let kind_pair = self.take(&mut parts, pair)?;
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
        let id = self.ident(&self.take(&mut parts, pair)?);
        let fields = parts
            .filter_map(|f| {
                let span = self.span(&f);
                self.field(&f).map(|node| Spanned { node, span })
            })
            .collect();
        Some(Node {
            kind: Spanned {
                node: kind,
                span: self.span(&kind_pair),
            },
            id,
            fields,
            span: self.span(pair),
        })
    }

    fn field(&self, pair: &Pair<'_, Rule>) -> Option<Field> {
        let mut parts = children(pair);
        let mut next = || self.take(&mut parts, pair);
        Some(match pair.as_rule() {
            Rule::option => Field::Option(self.option(pair)?),
            Rule::text_field => Field::Text(self.string(&next()?)?),
            Rule::goto => Field::Goto(self.goto(pair)?),
            Rule::item_def => Field::Item(self.item(pair)?),
            Rule::when_arm => {
                let cond = self.expr(&next()?)?;
                let target = self.goto(&next()?)?;
                Field::When { cond, target }
            }
            Rule::set_effect | Rule::add_effect | Rule::remove_effect => {
                Field::Effect(self.effect(pair)?)
            }
            Rule::help_field => Field::Help(self.string(&next()?)?),
            Rule::title_field => Field::Title(self.string(&next()?)?),
            Rule::kind_field => Field::Kind(self.ident(&next()?)),
            Rule::source_field => Field::Source(self.ident_list(&next()?)),
            Rule::advice_field => Field::Advice(
                children(pair)
                    .map(|s| self.string(&s))
                    .collect::<Option<_>>()?,
            ),
            Rule::else_arm => Field::Else(self.goto(&next()?)?),
            Rule::into_field => Field::Into(self.ident(&next()?)),
            Rule::number_field => {
                let var = self.ident(&next()?);
                let range = match (parts.next(), parts.next()) {
                    (Some(lo), Some(hi)) => {
                        Some((self.spanned_number(&lo)?, self.spanned_number(&hi)?))
                    }
                    _ => None,
                };
                Field::Number { var, range }
            }
            Rule::text_input_field => {
                let var = self.ident(&next()?);
                let max = match parts.next() {
                    Some(m) => Some(self.spanned_number(&m)?),
                    None => None,
                };
                Field::TextInput { var, max }
            }
            Rule::examples_field => Field::Examples(
                children(pair)
                    .map(|e| self.example(&e))
                    .collect::<Option<_>>()?,
            ),
            Rule::tags_field => Field::Tags(self.ident_list(&next()?)),
            _ => return self.bad(pair, "field"),
        })
    }

    fn example(&self, pair: &Pair<'_, Rule>) -> Option<Spanned<Literal>> {
        let node = if pair.as_rule() == Rule::string {
            Literal::Text(self.string(pair)?.to_template())
        } else {
            Literal::Int(self.number(pair)?)
        };
        Some(Spanned {
            node,
            span: self.span(pair),
        })
    }

    fn option(&self, pair: &Pair<'_, Rule>) -> Option<OptionDef> {
        let mut parts = children(pair);
        let id = self.ident(&self.take(&mut parts, pair)?);
        let label = self.string(&self.take(&mut parts, pair)?)?;
        let mut cond = None;
        let mut effects = Vec::new();
        let mut target = None;
        for part in parts {
            match part.as_rule() {
                Rule::condition => cond = Some(self.condition(&part)?),
                Rule::effect_block => {
                    for e in children(&part) {
                        effects.push(self.effect(&e)?);
                    }
                }
                Rule::goto => target = Some(self.goto(&part)?),
                _ => return self.bad(&part, "option"),
            }
        }
        let Some(target) = target else {
            return self.bad(pair, "option");
        };
        Some(OptionDef {
            id,
            label,
            cond,
            effects,
            target,
        })
    }

    fn item(&self, pair: &Pair<'_, Rule>) -> Option<ItemDef> {
        let mut parts = children(pair);
        let id = self.ident(&self.take(&mut parts, pair)?);
        let label = self.string(&self.take(&mut parts, pair)?)?;
        let cond = match parts.next() {
            Some(c) => Some(self.condition(&c)?),
            None => None,
        };
        Some(ItemDef { id, label, cond })
    }

    fn condition(&self, pair: &Pair<'_, Rule>) -> Option<Expr> {
        self.expr(&self.take(&mut children(pair), pair)?)
    }

    fn goto(&self, pair: &Pair<'_, Rule>) -> Option<Ident> {
        Some(self.ident(&self.take(&mut children(pair), pair)?))
    }

    fn effect(&self, pair: &Pair<'_, Rule>) -> Option<Effect> {
        let mut parts = children(pair);
        let var = self.ident(&self.take(&mut parts, pair)?);
        let arg = self.take(&mut parts, pair)?;
        Some(match pair.as_rule() {
            Rule::set_effect => Effect::Set {
                var,
                value: self.expr(&arg)?,
            },
            Rule::add_effect => Effect::Add {
                var,
                member: self.ident(&arg),
            },
            Rule::remove_effect => Effect::Remove {
                var,
                member: self.ident(&arg),
            },
            _ => return self.bad(pair, "effect"),
        })
    }

    /// A name or dotted path. Reserved words are refused here (the grammar
    /// accepts any word, so the message can be specific).
    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        self.refuse_glued(pair);
        let span = self.span(pair);
        let name = pair.as_str();
        let mut offset = span.start as usize;
        for word in name.split('.') {
            if RESERVED.contains(&word) {
                let at = Span::new(self.file, offset, offset + word.len());
                let word = word.to_string();
                self.push(Syntax::ReservedWord { word }.at(at));
            }
            offset += word.len() + 1;
        }
        Ident {
            name: name.to_string(),
            span,
        }
    }

    fn ident_list(&self, pair: &Pair<'_, Rule>) -> Vec<Ident> {
        children(pair).map(|p| self.ident(&p)).collect()
    }

    fn number<T: std::str::FromStr>(&self, pair: &Pair<'_, Rule>) -> Option<T> {
        self.refuse_glued(pair);
        if let Ok(n) = pair.as_str().parse() {
            return Some(n);
        }
        let number = pair.as_str().to_string();
        self.push(Syntax::NumberTooLarge { number }.at(self.span(pair)));
        None
    }

    fn spanned_number<T: std::str::FromStr>(&self, pair: &Pair<'_, Rule>) -> Option<Spanned<T>> {
        Some(Spanned {
            node: self.number(pair)?,
            span: self.span(pair),
        })
    }

    /// A string literal: unescape, dedent triple quotes, split out `{var}`.
    fn string(&self, pair: &Pair<'_, Rule>) -> Option<Str> {
        let span = self.span(pair);
        let lit = match pair.as_rule() {
            Rule::string => match pair.clone().into_inner().next() {
                Some(p) => p,
                None => return self.bad(pair, "string"),
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
                        let at = Span::new(self.file, offset + i, offset + i + 1);
                        self.push(Syntax::UnclosedInterpolation.at(at));
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
                        let inside = name.to_string();
                        self.push(Syntax::NotAnInterpolation { inside }.at(span));
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

    /// A whole expression: refuse one too large to handle safely, then
    /// arrange its operators by precedence.
    fn expr(&self, pair: &Pair<'_, Rule>) -> Option<Expr> {
        let size = expression_size(pair);
        if size > MAX_OPERATORS {
            self.push(Syntax::TooManyOperators { count: size }.at(self.span(pair)));
            return None;
        }
        self.expr_tree(pair)
    }

    /// Arrange a flat `prefix* primary (infix prefix* primary)*` sequence by
    /// precedence with a Pratt parser (binding powers, see [`Token`]). Its
    /// recursion is bounded by [`MAX_OPERATORS`]; other recursion happens
    /// only through parentheses and call arguments, which [`MAX_NESTING`]
    /// bounds.
    fn expr_tree(&self, pair: &Pair<'_, Rule>) -> Option<Expr> {
        let mut tokens = Vec::new();
        for part in pair.clone().into_inner() {
            tokens.push(match part.as_rule() {
                Rule::prefix_op => {
                    self.refuse_glued(&part);
                    let op = if part.as_str() == "-" {
                        UnaryOp::Neg
                    } else {
                        UnaryOp::Not
                    };
                    Token::Prefix(op, part.as_span().start())
                }
                Rule::infix_op => match binop(part.as_str()) {
                    Some(op) => Token::Infix(op),
                    None => return self.bad(&part, "operator"),
                },
                _ => Token::Operand(self.primary(&part)?),
            });
        }
        let mut tokens = tokens.into_iter().peekable();
        let expr = self.pratt(&mut tokens, 0, pair)?;
        match tokens.next() {
            None => Some(expr),
            Some(_) => self.bad(pair, "expression"),
        }
    }

    /// Parse operands joined by infix operators that bind at least as
    /// tightly as `min_power`.
    fn pratt(
        &self,
        tokens: &mut std::iter::Peekable<std::vec::IntoIter<Token>>,
        min_power: u8,
        at: &Pair<'_, Rule>,
    ) -> Option<Expr> {
        let mut lhs = match tokens.next() {
            Some(Token::Operand(e)) => e,
            Some(Token::Prefix(op, start)) => {
                let operand = self.pratt(tokens, prefix_power(op), at)?;
                Spanned {
                    span: Span::new(self.file, start, start).to(operand.span),
                    node: ExprKind::Unary {
                        op,
                        expr: Box::new(operand),
                    },
                }
            }
            Some(Token::Infix(_)) | None => return self.bad(at, "expression"),
        };
        while let Some(&Token::Infix(op)) = tokens.peek() {
            let (left, right) = infix_power(op);
            if left < min_power {
                break;
            }
            tokens.next();
            let rhs = self.pratt(tokens, right, at)?;
            lhs = Spanned {
                span: lhs.span.to(rhs.span),
                node: ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
            };
        }
        Some(lhs)
    }

    fn primary(&self, pair: &Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(pair);
        let mut parts = children(pair);
        let node = match pair.as_rule() {
            Rule::paren => {
                let inner = self.expr_tree(&self.take(&mut parts, pair)?)?;
                return Some(Spanned {
                    node: inner.node,
                    span,
                });
            }
            Rule::int => ExprKind::Int(self.number(pair)?),
            Rule::string => ExprKind::Str(self.string(pair)?),
            Rule::set_lit => ExprKind::SetLit(parts.map(|m| self.ident(&m)).collect()),
            Rule::hook_call => {
                let name = self.ident(&self.take(&mut parts, pair)?);
                let args = self.args(&self.take(&mut parts, pair)?)?;
                ExprKind::Hook { name, args }
            }
            Rule::name => {
                let path = self.take(&mut parts, pair)?;
                match (path.as_str(), parts.next()) {
                    ("true" | "false", None) => {
                        self.refuse_glued(&path);
                        ExprKind::Bool(path.as_str() == "true")
                    }
                    ("visited", Some(args)) => {
                        self.refuse_glued(&path);
                        ExprKind::Visited(self.visited_node(&args)?)
                    }
                    (_, Some(args)) => ExprKind::Call {
                        name: self.ident(&path),
                        args: self.args(&args)?,
                    },
                    (_, None) => ExprKind::Name(self.ident(&path)),
                }
            }
            _ => return self.bad(pair, "expression"),
        };
        Some(Spanned { node, span })
    }

    /// The one node id inside `visited(...)`.
    fn visited_node(&self, args: &Pair<'_, Rule>) -> Option<Ident> {
        let mut list = self.args(args)?.into_iter();
        match (list.next(), list.next()) {
            (
                Some(Spanned {
                    node: ExprKind::Name(id),
                    ..
                }),
                None,
            ) => Some(id),
            _ => {
                self.push(Syntax::VisitedArgument.at(self.span(args)));
                None
            }
        }
    }

    fn args(&self, pair: &Pair<'_, Rule>) -> Option<Vec<Expr>> {
        children(pair).map(|a| self.expr_tree(&a)).collect()
    }
}

/// One piece of an expression's flat operator sequence.
enum Token {
    /// A prefix operator and where it starts.
    Prefix(UnaryOp, usize),
    Infix(BinOp),
    Operand(Expr),
}

/// Left and right binding powers of an infix operator: left-associative
/// operators bind a little tighter on the right, `implies` on the left.
fn infix_power(op: BinOp) -> (u8, u8) {
    let (level, right_assoc) = precedence(op);
    if right_assoc {
        (level * 2 + 1, level * 2)
    } else {
        (level * 2, level * 2 + 1)
    }
}

/// The binding power of a prefix operator's operand: `not` takes a whole
/// comparison (`not a == b` is `not (a == b)`), unary minus one factor.
fn prefix_power(op: UnaryOp) -> u8 {
    match op {
        UnaryOp::Not => 4 * 2,
        UnaryOp::Neg => 8 * 2,
    }
}

/// Binding strength (higher binds tighter) and right-associativity:
/// implies < or < and < not < comparisons and `in` < + - < * / % < unary
/// minus. `not` (4) and unary minus (8) sit between these levels.
fn precedence(op: BinOp) -> (u8, bool) {
    match op {
        BinOp::Implies => (1, true),
        BinOp::Or => (2, false),
        BinOp::And => (3, false),
        BinOp::Eq
        | BinOp::Ne
        | BinOp::Lt
        | BinOp::Le
        | BinOp::Gt
        | BinOp::Ge
        | BinOp::In
        | BinOp::NotIn => (5, false),
        BinOp::Add | BinOp::Sub => (6, false),
        BinOp::Mul | BinOp::Div | BinOp::Rem => (7, false),
    }
}

/// The operator spelled `text` (`not in` with any spaces between).
fn binop(text: &str) -> Option<BinOp> {
    Some(match text {
        "implies" => BinOp::Implies,
        "or" => BinOp::Or,
        "and" => BinOp::And,
        "==" => BinOp::Eq,
        "!=" => BinOp::Ne,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        "in" => BinOp::In,
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "%" => BinOp::Rem,
        t if t.starts_with("not") && t.ends_with("in") => BinOp::NotIn,
        _ => return None,
    })
}

/// Operators and calls anywhere inside an expression, parentheses
/// included: a bound on the depth of its tree.
fn expression_size(pair: &Pair<'_, Rule>) -> usize {
    pair.clone()
        .into_inner()
        .flatten()
        .filter(|p| {
            matches!(
                p.as_rule(),
                Rule::prefix_op | Rule::infix_op | Rule::hook_call | Rule::args
            )
        })
        .count()
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
