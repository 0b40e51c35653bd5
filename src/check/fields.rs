//! Sorting a node's fields by what they are, refusing fields that do not
//! belong to its kind and single fields given twice.

use super::Checker;
use crate::ast::{self, Field, Ident};
use crate::diag::problem::Node;
use crate::source::Span;

impl Checker {
    /// File one field into `f`, reporting fields that do not belong to this
    /// kind of node and single fields given twice.
    pub(super) fn collect_field<'a>(
        &mut self,
        kind: ast::NodeKind,
        f: &mut Fields<'a>,
        field: &'a ast::Spanned<Field>,
    ) {
        use ast::NodeKind as K;
        let allowed = match &field.node {
            Field::Text(_) | Field::Help(_) => !matches!(kind, K::Branch | K::Score),
            Field::Source(_) | Field::Tags(_) => true,
            Field::Title(_) | Field::Kind(_) => kind == K::Outcome,
            Field::Advice(_) => matches!(kind, K::Outcome | K::Info),
            Field::Into(_) => kind == K::Checklist,
            Field::Item(_) => kind == K::Checklist,
            Field::Number { .. } | Field::TextInput { .. } | Field::Examples(_) => kind == K::Input,
            Field::Option(_) => kind == K::Question,
            Field::When { .. } | Field::Else(_) => kind == K::Branch,
            Field::Effect(_) => matches!(kind, K::Score | K::Info),
            Field::Goto(_) => matches!(kind, K::Checklist | K::Input | K::Score | K::Info),
        };
        if !allowed {
            let problem = Node::FieldNotAllowed {
                field: field.node.keyword(),
                kind,
            };
            self.report(problem, field.span);
            return;
        }
        let dup = |slot: &Option<Span>| *slot;
        let first = match &field.node {
            Field::Text(s) => dup(&f.text.as_ref().map(|x| x.span)).or_else(|| {
                f.text = Some(s);
                None
            }),
            Field::Help(s) => dup(&f.help.as_ref().map(|x| x.span)).or_else(|| {
                f.help = Some(s);
                None
            }),
            Field::Title(s) => dup(&f.title.as_ref().map(|x| x.span)).or_else(|| {
                f.title = Some(s);
                None
            }),
            Field::Kind(k) => dup(&f.kind.as_ref().map(|x| x.span)).or_else(|| {
                f.kind = Some(k);
                None
            }),
            Field::Into(v) => dup(&f.input_span).or_else(|| {
                f.input_span = Some(field.span);
                f.into = Some(v);
                None
            }),
            Field::Number { .. } | Field::TextInput { .. } => dup(&f.input_span).or_else(|| {
                f.input_span = Some(field.span);
                f.input = Some(&field.node);
                None
            }),
            Field::Else(t) => dup(&f.otherwise.as_ref().map(|x| x.span)).or_else(|| {
                f.otherwise = Some(t);
                None
            }),
            Field::Goto(t) => dup(&f.goto.as_ref().map(|x| x.span)).or_else(|| {
                f.goto = Some(t);
                None
            }),
            Field::Source(list) => {
                f.sources.extend(list);
                None
            }
            Field::Tags(list) => {
                f.tags.extend(list);
                None
            }
            Field::Advice(list) => {
                f.advice.extend(list);
                None
            }
            Field::Examples(list) => {
                f.examples.extend(list);
                None
            }
            Field::Option(o) => {
                f.options.push(o);
                None
            }
            Field::Item(i) => {
                f.items.push(i);
                None
            }
            Field::When { cond, target } => {
                f.arms.push((cond, target, field.span));
                None
            }
            Field::Effect(e) => {
                f.effects.push(e);
                None
            }
        };
        if let Some(first) = first {
            let problem = Node::FieldTwice {
                field: field.node.keyword(),
                first,
            };
            self.report(problem, field.span);
        }
    }
}

/// The fields of one node, sorted by what they are.
#[derive(Default)]
pub(super) struct Fields<'a> {
    pub(super) text: Option<&'a ast::Str>,
    pub(super) help: Option<&'a ast::Str>,
    pub(super) title: Option<&'a ast::Str>,
    pub(super) kind: Option<&'a Ident>,
    pub(super) into: Option<&'a Ident>,
    pub(super) input: Option<&'a Field>,
    pub(super) input_span: Option<Span>,
    pub(super) otherwise: Option<&'a Ident>,
    pub(super) goto: Option<&'a Ident>,
    pub(super) sources: Vec<&'a Ident>,
    pub(super) tags: Vec<&'a Ident>,
    pub(super) advice: Vec<&'a ast::Str>,
    pub(super) examples: Vec<&'a ast::Spanned<ast::Literal>>,
    pub(super) options: Vec<&'a ast::OptionDef>,
    pub(super) items: Vec<&'a ast::ItemDef>,
    pub(super) arms: Vec<(&'a ast::Expr, &'a Ident, Span)>,
    pub(super) effects: Vec<&'a ast::Effect>,
}
