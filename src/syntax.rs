//! Text to syntax tree: the pest grammar, human-worded syntax errors, and a
//! total lowering from pest pairs to [`crate::ast`].
//!
//! The lowering never trusts the shape of the pairs blindly: anything the
//! grammar should have ruled out becomes an internal-error diagnostic, not a
//! panic. Expressions are arranged by precedence with an explicit operator
//! stack (no recursion per operator), and their size is bounded, so hostile
//! input cannot exhaust the stack here or in later stages.

use crate::ast::{
    Assert, AssertRule, Binding, Effect, Expr, Field, File, Header, Ident, Include, ItemDef,
    Literal, Node, NodeKind, OptionDef, Spanned, TypeExpr, VarDecl,
};
use crate::diag::problem::Syntax;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser as _;
use std::cell::RefCell;

mod errors;
mod expr;
mod scan;
mod strings;

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
    let at = scan::too_deep(text, MAX_NESTING)?;
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
        let span = self.span(pair);
        let node = if pair.as_rule() == Rule::string {
            Literal::Text(self.string(pair)?.to_template())
        } else {
            Literal::Int(self.number(pair)?)
        };
        Some(Spanned { node, span })
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
}
