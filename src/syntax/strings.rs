//! Strings: plain and triple-quoted, with `{name}` interpolations, and the
//! common indentation of a triple-quoted text removed.

use super::{Lower, Rule};
use crate::ast::{Ident, Str, StrPart};
use crate::diag::problem::Syntax;
use crate::source::Span;
use pest::iterators::Pair;

impl Lower {
    /// A string literal: unescape, dedent triple quotes, split out `{var}`.
    pub(super) fn string(&self, pair: &Pair<'_, Rule>) -> Option<Str> {
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
