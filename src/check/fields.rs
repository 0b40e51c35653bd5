//! Sorting a node's fields by what they are, refusing fields that do not
//! belong to its kind and single fields given twice.

use super::Checker;
use crate::ast::{self, Field, Ident};
use crate::diag::problem::Node;
use crate::source::Span;

impl Checker {
    /// File one field into `fields`, reporting fields that do not belong to
    /// this kind of node and single fields given twice.
    pub(super) fn collect_field<'a>(
        &mut self,
        kind: ast::NodeKind,
        fields: &mut Fields<'a>,
        field: &'a ast::Spanned<Field>,
    ) {
        let keyword = field.node.keyword();
        if !belongs_in(&field.node, kind) {
            let problem = Node::FieldNotAllowed {
                field: keyword,
                kind,
            };
            self.report(problem, field.span);
        } else if let Some(first) = fields.file(field) {
            self.report(
                Node::FieldTwice {
                    field: keyword,
                    first,
                },
                field.span,
            );
        }
    }
}

/// Whether `field` belongs in a node of this kind.
fn belongs_in(field: &Field, kind: ast::NodeKind) -> bool {
    use ast::NodeKind as K;
    match field {
        Field::Text(_) | Field::Help(_) => !matches!(kind, K::Branch | K::Score),
        Field::Source(_) | Field::Tags(_) => true,
        Field::Title(_) | Field::Kind(_) => kind == K::Outcome,
        Field::Advice(_) => matches!(kind, K::Outcome | K::Info),
        Field::Into(_) | Field::Item(_) => kind == K::Checklist,
        Field::Number { .. } | Field::TextInput { .. } | Field::Examples(_) => kind == K::Input,
        Field::Option(_) => kind == K::Question,
        Field::When { .. } | Field::Else(_) => kind == K::Branch,
        Field::Effect(_) => matches!(kind, K::Score | K::Info),
        Field::Goto(_) => matches!(kind, K::Checklist | K::Input | K::Score | K::Info),
    }
}

/// Put `value` in an empty `slot`; when the slot is taken, where the
/// first one is.
fn fill<'a, T>(slot: &mut Option<&'a T>, value: &'a T, span: fn(&T) -> Span) -> Option<Span> {
    match slot {
        Some(first) => Some(span(first)),
        None => {
            *slot = Some(value);
            None
        }
    }
}

impl<'a> Fields<'a> {
    /// File `field`. For a field that may be given once, the span of the
    /// first one when this is the second.
    fn file(&mut self, field: &'a ast::Spanned<Field>) -> Option<Span> {
        let str_span = |s: &ast::Str| s.span;
        let ident_span = |i: &Ident| i.span;
        match &field.node {
            Field::Text(s) => fill(&mut self.text, s, str_span),
            Field::Help(s) => fill(&mut self.help, s, str_span),
            Field::Title(s) => fill(&mut self.title, s, str_span),
            Field::Kind(k) => fill(&mut self.kind, k, ident_span),
            Field::Else(t) => fill(&mut self.otherwise, t, ident_span),
            Field::Goto(t) => fill(&mut self.goto, t, ident_span),
            Field::Into(_) | Field::Number { .. } | Field::TextInput { .. } => {
                self.file_input(field)
            }
            _ => {
                self.file_repeatable(field);
                None
            }
        }
    }

    /// `into` (of a checklist) and `number into` / `text into` (of an
    /// input) share one slot: a node has one of them.
    fn file_input(&mut self, field: &'a ast::Spanned<Field>) -> Option<Span> {
        let first = self.input_span;
        if first.is_none() {
            self.input_span = Some(field.span);
            self.set_input(&field.node);
        }
        first
    }

    /// The checklist's `into`, or the input's `number into` or `text into`.
    fn set_input(&mut self, field: &'a Field) {
        match field {
            Field::Into(var) => self.into = Some(var),
            other => self.input = Some(other),
        }
    }

    /// Fields that may be given many times.
    fn file_repeatable(&mut self, field: &'a ast::Spanned<Field>) {
        match &field.node {
            Field::Source(list) => self.sources.extend(list),
            Field::Tags(list) => self.tags.extend(list),
            Field::Advice(list) => self.advice.extend(list),
            Field::Examples(list) => self.examples.extend(list),
            Field::Option(o) => self.options.push(o),
            Field::Item(i) => self.items.push(i),
            Field::When { cond, target } => self.arms.push((cond, target, field.span)),
            Field::Effect(e) => self.effects.push(e),
            _ => {}
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
