//! The one canonical layout of a tree (`guidetree fmt`).
//!
//! The layout is printed from the syntax tree, so it does not depend on how
//! the file was spaced: two spaces of indentation per block, one field per
//! line, single spaces between words, `name: type` in declarations, operators
//! spaced, lists as `a, b`. What the syntax tree does not hold is taken from
//! the source: every comment (see [`comments`]), single blank lines between
//! items and fields, parentheses the author wrote, and string literals as
//! written. Triple-quoted texts are re-indented under their field, which
//! their dedenting makes invisible to the tree.
//!
//! Formatting never changes what a file means: the result is parsed again
//! and its syntax tree compared with the original's, spans aside, before it
//! is handed out.

use crate::ast::{
    Assert, AssertRule, BinOp, Binding, Effect, Expr, ExprKind, Field, File, Header, Ident,
    Include, ItemDef, Literal, Node, OptionDef, Spanned, Str, TypeExpr, UnaryOp, VarDecl,
};
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// Indentation of one block level.
const INDENT: &str = "  ";

/// Why a file could not be formatted.
#[derive(Debug, Clone)]
pub enum FormatError {
    /// The file does not parse: its syntax errors.
    Syntax(Vec<Diagnostic>),
    /// The layout printed would change what the file means (a bug in the
    /// formatter; the file is left alone).
    Unstable(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax(d) => write!(f, "the file has {} syntax error(s)", d.len()),
            FormatError::Unstable(why) => write!(
                f,
                "formatting would change what the file means ({why}); this is a bug in guidetree fmt, please report it with the file"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// Format a tree file's text in the canonical layout.
///
/// # Errors
/// [`FormatError::Syntax`] when the text does not parse, and
/// [`FormatError::Unstable`] when the layout would not parse back to the
/// same syntax tree.
pub fn format_source(text: &str) -> Result<String, FormatError> {
    let file = FileId(0);
    let ast = crate::syntax::parse(file, text).map_err(FormatError::Syntax)?;
    let out = print(text, &ast);
    let again = crate::syntax::parse(file, &out).map_err(|d| {
        FormatError::Unstable(format!(
            "the result does not parse: {}",
            d.first().map_or("", |d| d.message.as_str())
        ))
    })?;
    if !same_tree(&ast, &again) {
        return Err(FormatError::Unstable("the syntax tree differs".into()));
    }
    Ok(out)
}

/// Whether two syntax trees are the same apart from their spans.
#[must_use]
pub fn same_tree(a: &File, b: &File) -> bool {
    without_spans(a) == without_spans(b)
}

/// A file's syntax tree as JSON with every span removed. `quick_exit`
/// records where it was written (a bare span): only its presence counts.
#[must_use]
pub fn without_spans(file: &File) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("span");
                if let Some(at) = map.get_mut("quick_exit") {
                    *at = serde_json::Value::Bool(true);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(file).unwrap_or(serde_json::Value::Null);
    strip(&mut v);
    v
}

/// Print a parsed file in the canonical layout. `src` is the text it was
/// parsed from (for comments, blank lines, parentheses and strings).
#[must_use]
pub fn print(src: &str, file: &File) -> String {
    let mut p = Printer::new(src);
    p.file(file);
    p.finish()
}

// ─── Comments ─────────────────────────────────────────────────────────────

/// A `#` comment: where it starts and its text (trailing blanks removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the `#`.
    pub start: usize,
    /// From `#` to the end of the line, trailing whitespace removed.
    pub text: String,
}

/// Every comment in a file that parses, in order. The grammar folds
/// comments into whitespace, so they are found here with a scan that knows
/// where strings are (a `#` inside a string is text).
#[must_use]
pub fn comments(src: &str) -> Vec<Comment> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                out.push(Comment {
                    start: i,
                    text: src[i..end].trim_end().to_string(),
                });
                i = end;
            }
            b'"' => i = string_end(src, i),
            _ => i += 1,
        }
    }
    out
}

/// The offset just past the string literal starting at `start`.
fn string_end(src: &str, start: usize) -> usize {
    let bytes = src.as_bytes();
    if src[start..].starts_with("\"\"\"") {
        return src[start + 3..]
            .find("\"\"\"")
            .map_or(src.len(), |n| start + 3 + n + 3);
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' | b'\n' => return i + 1,
            _ => i += 1,
        }
    }
    src.len()
}

// ─── Lines ────────────────────────────────────────────────────────────────

/// One output line (or several, when it holds a triple-quoted text).
#[derive(Debug)]
enum Line {
    Blank,
    Code {
        indent: usize,
        code: String,
        comment: Option<String>,
    },
}

struct Printer<'s> {
    src: &'s str,
    comments: Vec<Comment>,
    /// The first comment not printed yet.
    next: usize,
    /// Where in the source the last printed thing ended.
    last_end: usize,
    /// No blank line before the next line (start of a block).
    at_block_start: bool,
    lines: Vec<Line>,
}

/// One top-level item, for printing in source order.
enum Item<'a> {
    Var(&'a VarDecl),
    Include(&'a Include),
    Node(&'a Node),
    Assert(&'a Assert),
}

impl Item<'_> {
    fn start(&self) -> u32 {
        match self {
            Item::Var(v) => v.span.start,
            Item::Include(i) => i.span.start,
            Item::Node(n) => n.span.start,
            Item::Assert(a) => a.span.start,
        }
    }
}

impl<'s> Printer<'s> {
    fn new(src: &'s str) -> Self {
        Self {
            src,
            comments: comments(src),
            next: 0,
            last_end: 0,
            at_block_start: true,
            lines: Vec::new(),
        }
    }

    /// Whether the source between the last printed thing and `start` has
    /// an empty line.
    fn blank_in_source(&self, start: usize) -> bool {
        let between = self.src.get(self.last_end..start).unwrap_or("");
        let mut newlines = 0;
        for c in between.chars() {
            match c {
                '\n' => newlines += 1,
                c if c.is_whitespace() => {}
                _ => newlines = 0,
            }
            if newlines >= 2 {
                return true;
            }
        }
        false
    }

    /// Start a new line: a blank line first when the source had one (or
    /// `force`), except at the start of a block or the file.
    fn separate(&mut self, start: usize, force: bool) {
        let blank = (force || self.blank_in_source(start)) && !self.at_block_start;
        if blank && !matches!(self.lines.last(), Some(Line::Blank) | None) {
            self.lines.push(Line::Blank);
        }
        self.at_block_start = false;
    }

    /// Print every comment before `start` on lines of their own.
    fn comments_before(&mut self, start: usize, indent: usize, force_blank: bool) {
        let mut force = force_blank;
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= start {
                break;
            }
            let (c_start, text) = (c.start, c.text.clone());
            self.next += 1;
            self.separate(c_start, force);
            force = false;
            self.lines.push(Line::Code {
                indent,
                code: text,
                comment: None,
            });
            self.last_end = c_start + self.comments[self.next - 1].text.len();
        }
        self.separate(start, force);
    }

    /// Print one line of code for the source range `span`, with the
    /// comments before it above, and the comments inside it or after it on
    /// its last line after it.
    fn line(&mut self, span: (usize, usize), indent: usize, code: String, force_blank: bool) {
        let (start, end) = span;
        self.comments_before(start, indent, force_blank);
        self.lines.push(Line::Code {
            indent,
            code,
            comment: None,
        });
        self.last_end = self.last_end.max(end);
        self.trailing(end, indent);
    }

    /// Comments that started before `end`, or after it on the same line,
    /// go after the line just printed: the first at its end, the rest on
    /// lines of their own.
    fn trailing(&mut self, end: usize, indent: usize) {
        let mut first = true;
        while let Some(c) = self.comments.get(self.next) {
            // Only an opening brace may stand between a line and its
            // trailing comment: `question a {  # why`.
            let same_line = c.start >= end
                && self
                    .src
                    .get(end..c.start)
                    .is_some_and(|gap| gap.chars().all(|ch| ch == '{' || ch == ' ' || ch == '\t'));
            if c.start >= end && !same_line {
                break;
            }
            let (c_start, text) = (c.start, c.text.clone());
            self.next += 1;
            if first {
                if let Some(Line::Code { comment, .. }) = self.lines.last_mut() {
                    *comment = Some(text.clone());
                }
                first = false;
            } else {
                self.lines.push(Line::Code {
                    indent,
                    code: text.clone(),
                    comment: None,
                });
            }
            self.last_end = self.last_end.max(c_start + text.len());
        }
    }

    fn finish(mut self) -> String {
        self.comments_before(self.src.len(), 0, false);
        while matches!(self.lines.last(), Some(Line::Blank)) {
            self.lines.pop();
        }
        render(&self.lines)
    }

    // ─── Items ───────────────────────────────────────────────────────────

    fn file(&mut self, file: &File) {
        let File {
            header,
            vars,
            includes,
            nodes,
            asserts,
        } = file;
        self.header(header);
        let mut items: Vec<Item<'_>> = vars
            .iter()
            .map(Item::Var)
            .chain(includes.iter().map(Item::Include))
            .chain(nodes.iter().map(Item::Node))
            .chain(asserts.iter().map(Item::Assert))
            .collect();
        items.sort_by_key(Item::start);
        let mut after_block = true;
        for item in items {
            match item {
                Item::Var(v) => self.var(v, after_block),
                Item::Include(i) => self.include(i, after_block),
                Item::Node(n) => self.node(n),
                Item::Assert(a) => self.assert(a, after_block),
            }
            after_block = matches!(item, Item::Node(_));
        }
    }

    fn header(&mut self, header: &Header) {
        let Header {
            id,
            title,
            version,
            start,
            script,
            outcomes,
            citations,
            quick_exit,
            span,
        } = header;
        let open = format!("tree {} {} {{", id.name, self.string(title, 0));
        self.line(
            (span.start as usize, title.span.end as usize),
            0,
            open,
            false,
        );
        self.at_block_start = true;
        let mut fields: Vec<(u32, u32, String)> = Vec::new();
        if let Some(v) = version {
            fields.push((v.span.start, v.span.end, format!("version {}", v.node)));
        }
        if let Some(s) = start {
            fields.push((s.span.start, s.span.end, format!("start {}", s.name)));
        }
        if let Some(s) = script {
            let text = format!("script {}", self.string(s, 1));
            fields.push((s.span.start, s.span.end, text));
        }
        if let Some(list) = outcomes {
            if let (Some(first), Some(last)) = (list.first(), list.last()) {
                let text = format!("outcomes {}", idents(list));
                fields.push((first.span.start, last.span.end, text));
            }
        }
        for (tag, what) in citations {
            let text = format!("source {} {}", tag.name, self.string(what, 1));
            fields.push((tag.span.start, what.span.end, text));
        }
        if let Some(q) = quick_exit {
            fields.push((q.start, q.end, "quick_exit".into()));
        }
        fields.sort_by_key(|f| f.0);
        for (start, end, text) in fields {
            self.line((start as usize, end as usize), 1, text, false);
        }
        self.close(*span, 0);
    }

    /// The `}` that ends a block spanning `span`, with the comments left
    /// inside the block above it.
    fn close(&mut self, span: Span, indent: usize) {
        let end = span.end as usize;
        let brace = end.saturating_sub(1);
        self.comments_before(brace, indent + 1, false);
        self.at_block_start = true;
        self.line((brace, end), indent, "}".into(), false);
        self.at_block_start = false;
    }

    fn var(&mut self, v: &VarDecl, after_block: bool) {
        let VarDecl {
            name,
            ty,
            default,
            span,
            param,
        } = v;
        let keyword = if *param { "param" } else { "var" };
        let mut text = format!("{keyword} {}: {}", name.name, type_expr(&ty.node));
        if let Some(d) = default {
            text.push_str(" = ");
            text.push_str(&self.expr(d, 0));
        }
        self.line(
            (span.start as usize, span.end as usize),
            0,
            text,
            after_block,
        );
    }

    fn include(&mut self, i: &Include, after_block: bool) {
        let Include {
            path,
            namespace,
            span,
            args,
        } = i;
        let mut text = format!("include {} as {}", self.string(path, 0), namespace.name);
        if !args.is_empty() {
            let list: Vec<String> = args
                .iter()
                .map(|Binding { param, value }| format!("{} = {}", param.name, self.expr(value, 0)))
                .collect();
            text.push_str(&format!(" ({})", list.join(", ")));
        }
        self.line(
            (span.start as usize, span.end as usize),
            0,
            text,
            after_block,
        );
    }

    fn assert(&mut self, a: &Assert, after_block: bool) {
        let Assert {
            rule,
            message,
            span,
        } = a;
        let mut text = match rule {
            AssertRule::Always(e) => format!("assert always({})", self.expr(e, 0)),
            AssertRule::Never(e) => format!("assert never({})", self.expr(e, 0)),
            AssertRule::Reachable(id) => format!("assert reachable({})", id.name),
        };
        if let Some(m) = message {
            text.push(' ');
            text.push_str(&self.string(m, 0));
        }
        self.line(
            (span.start as usize, span.end as usize),
            0,
            text,
            after_block,
        );
    }

    fn node(&mut self, node: &Node) {
        let Node {
            kind,
            id,
            fields,
            span,
        } = node;
        let open = format!("{} {} {{", kind.node.keyword(), id.name);
        self.line((span.start as usize, id.span.end as usize), 0, open, true);
        self.at_block_start = true;
        for field in fields {
            if let Field::Option(o) = &field.node {
                if self.effects_on_lines(o) {
                    self.option_lines(o, field.span);
                    continue;
                }
            }
            let text = self.field(&field.node);
            self.line(
                (field.span.start as usize, field.span.end as usize),
                1,
                text,
                false,
            );
        }
        self.close(*span, 0);
    }

    fn field(&self, field: &Field) -> String {
        const I: usize = 1;
        match field {
            Field::Text(s) => format!("text {}", self.string(s, I)),
            Field::Help(s) => format!("help {}", self.string(s, I)),
            Field::Title(s) => format!("title {}", self.string(s, I)),
            Field::Source(list) => format!("source {}", idents(list)),
            Field::Tags(list) => format!("tags {}", idents(list)),
            Field::Advice(list) => {
                let items: Vec<String> = list.iter().map(|s| self.string(s, I)).collect();
                format!("advice {}", items.join(", "))
            }
            Field::Kind(id) => format!("kind {}", id.name),
            Field::Into(id) => format!("into {}", id.name),
            Field::Number { var, range } => match range {
                Some((lo, hi)) => {
                    format!("number into {} range {}..={}", var.name, lo.node, hi.node)
                }
                None => format!("number into {}", var.name),
            },
            Field::TextInput { var, max } => match max {
                Some(m) => format!("text into {} max {}", var.name, m.node),
                None => format!("text into {}", var.name),
            },
            Field::Examples(list) => {
                let items: Vec<String> = list.iter().map(|e| self.literal(e)).collect();
                format!("examples {}", items.join(", "))
            }
            Field::Option(o) => self.option(o),
            Field::Item(i) => self.item(i),
            Field::When { cond, target } => {
                format!("when {} -> {}", self.expr(cond, I), target.name)
            }
            Field::Else(t) => format!("else -> {}", t.name),
            Field::Effect(e) => self.effect(e),
            Field::Goto(t) => format!("-> {}", t.name),
        }
    }

    fn option(&self, o: &OptionDef) -> String {
        let OptionDef {
            id,
            label,
            cond,
            effects,
            target,
        } = o;
        let mut text = format!("option {} {}", id.name, self.string(label, 1));
        if let Some(c) = cond {
            text.push_str(" if ");
            text.push_str(&self.expr(c, 1));
        }
        if !effects.is_empty() {
            let list: Vec<String> = effects.iter().map(|e| self.effect(e)).collect();
            text.push_str(&format!(" {{ {} }}", list.join(" ")));
        }
        text.push_str(&format!(" -> {}", target.name));
        text
    }

    /// Whether the author wrote an option's effects on lines of their
    /// own; that layout is kept (one effect per line), the rest goes on
    /// one line.
    fn effects_on_lines(&self, o: &OptionDef) -> bool {
        let after = o.cond.as_ref().map_or(o.label.span.end, |c| c.span.end) as usize;
        !o.effects.is_empty()
            && self
                .src
                .get(after..o.target.span.start as usize)
                .is_some_and(|s| s.contains('\n'))
    }

    /// An option with its effects one per line.
    fn option_lines(&mut self, o: &OptionDef, span: Span) {
        let OptionDef {
            id,
            label,
            cond,
            effects,
            target,
        } = o;
        let mut head = format!("option {} {}", id.name, self.string(label, 1));
        if let Some(c) = cond {
            head.push_str(" if ");
            head.push_str(&self.expr(c, 1));
        }
        head.push_str(" {");
        let head_end = cond.as_ref().map_or(label.span.end, |c| c.span.end);
        self.line((span.start as usize, head_end as usize), 1, head, false);
        self.at_block_start = true;
        let mut last = head_end;
        for e in effects {
            let (start, end) = effect_span(e);
            let text = self.effect(e);
            self.line((start as usize, end as usize), 2, text, false);
            last = end;
        }
        let brace = self.src[last as usize..target.span.start as usize]
            .find('}')
            .map_or(last as usize, |n| last as usize + n);
        self.comments_before(brace, 2, false);
        self.at_block_start = true;
        self.line(
            (brace, span.end as usize),
            1,
            format!("}} -> {}", target.name),
            false,
        );
    }

    fn item(&self, i: &ItemDef) -> String {
        let ItemDef { id, label, cond } = i;
        let mut text = format!("item {} {}", id.name, self.string(label, 1));
        if let Some(c) = cond {
            text.push_str(" if ");
            text.push_str(&self.expr(c, 1));
        }
        text
    }

    fn effect(&self, e: &Effect) -> String {
        match e {
            Effect::Set { var, value } => format!("set {} = {}", var.name, self.expr(value, 1)),
            Effect::Add { var, member } => format!("add {} {}", var.name, member.name),
            Effect::Remove { var, member } => format!("remove {} {}", var.name, member.name),
        }
    }

    fn literal(&self, lit: &Spanned<Literal>) -> String {
        match &lit.node {
            Literal::Int(n) => n.to_string(),
            Literal::Text(_) => self.slice(lit.span).to_string(),
        }
    }

    fn slice(&self, span: Span) -> &'s str {
        self.src
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    // ─── Strings ─────────────────────────────────────────────────────────

    /// A string literal as written; a triple-quoted one whose text starts
    /// on the line after the quotes is re-indented one level deeper than
    /// `indent`, with the closing quotes on a line of their own.
    fn string(&self, s: &Str, indent: usize) -> String {
        let raw = self.slice(s.span);
        if let Some(body) = raw
            .strip_prefix("\"\"\"")
            .and_then(|r| r.strip_suffix("\"\"\""))
        {
            if let Some(text) = reindent(body, indent) {
                return text;
            }
        }
        raw.to_string()
    }

    // ─── Expressions ─────────────────────────────────────────────────────

    fn expr(&self, e: &Expr, indent: usize) -> String {
        let mut out = String::new();
        self.write_expr(&mut out, e, indent);
        out
    }

    fn write_expr(&self, out: &mut String, e: &Expr, indent: usize) {
        match &e.node {
            ExprKind::Int(n) => out.push_str(&n.to_string()),
            ExprKind::Str(s) => out.push_str(&self.string(s, indent)),
            ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            ExprKind::Name(id) => out.push_str(&id.name),
            ExprKind::Visited(id) => {
                out.push_str("visited(");
                out.push_str(&id.name);
                out.push(')');
            }
            ExprKind::Hook { name, args } => {
                out.push_str("hook ");
                self.call(out, name, args, indent);
            }
            ExprKind::Call { name, args } => self.call(out, name, args, indent),
            ExprKind::SetLit(members) => {
                out.push('{');
                out.push_str(&idents(members));
                out.push('}');
            }
            ExprKind::Unary { op, expr } => {
                out.push_str(match op {
                    UnaryOp::Not => "not ",
                    UnaryOp::Neg => "-",
                });
                let parens = match (op, &expr.node) {
                    (UnaryOp::Not, ExprKind::Binary { op, .. }) => level(*op) < 4,
                    (UnaryOp::Neg, ExprKind::Binary { .. }) => true,
                    _ => false,
                };
                self.operand(out, expr, parens, indent);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (lp, rp) = child_parens(*op, lhs, rhs);
                self.operand(out, lhs, lp, indent);
                out.push(' ');
                out.push_str(op.symbol());
                out.push(' ');
                self.operand(out, rhs, rp, indent);
            }
        }
    }

    /// An operand, in parentheses when precedence needs them or the author
    /// wrote them.
    fn operand(&self, out: &mut String, e: &Expr, needed: bool, indent: usize) {
        if needed || wrapped(self.src, e.span) {
            out.push('(');
            self.write_expr(out, e, indent);
            out.push(')');
        } else {
            self.write_expr(out, e, indent);
        }
    }

    fn call(&self, out: &mut String, name: &Ident, args: &[Expr], indent: usize) {
        out.push_str(&name.name);
        out.push('(');
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.write_expr(out, a, indent);
        }
        out.push(')');
    }
}

/// Where an effect is written, from its variable (the keyword before it
/// is not kept in the syntax tree) to its end.
fn effect_span(e: &Effect) -> (u32, u32) {
    match e {
        Effect::Set { var, value } => (var.span.start, value.span.end),
        Effect::Add { var, member } | Effect::Remove { var, member } => {
            (var.span.start, member.span.end)
        }
    }
}

/// Binding level of an infix operator (higher binds tighter), as in the
/// parser: implies 1, or 2, and 3, comparisons and `in` 5, `+ -` 6,
/// `* / %` 7. `not` sits at 4.
fn level(op: BinOp) -> u8 {
    match op {
        BinOp::Implies => 1,
        BinOp::Or => 2,
        BinOp::And => 3,
        BinOp::Eq
        | BinOp::Ne
        | BinOp::Lt
        | BinOp::Le
        | BinOp::Gt
        | BinOp::Ge
        | BinOp::In
        | BinOp::NotIn => 5,
        BinOp::Add | BinOp::Sub => 6,
        BinOp::Mul | BinOp::Div | BinOp::Rem => 7,
    }
}

/// Whether the left and right operands of `op` need parentheses to parse
/// back the same way. `implies` groups to the right, the rest to the left;
/// a `not` under a comparison or arithmetic always gets them, since `not`
/// would take the whole comparison.
fn child_parens(op: BinOp, lhs: &Expr, rhs: &Expr) -> (bool, bool) {
    let parent = level(op);
    let right_assoc = op == BinOp::Implies;
    let needs = |child: &Expr, left: bool| match &child.node {
        ExprKind::Binary { op, .. } => {
            let c = level(*op);
            c < parent || (c == parent && (left == right_assoc))
        }
        ExprKind::Unary {
            op: UnaryOp::Not, ..
        } => parent >= 4,
        _ => false,
    };
    (needs(lhs, true), needs(rhs, false))
}

/// Whether the source at `span` is one pair of parentheses around the rest.
fn wrapped(src: &str, span: Span) -> bool {
    let (start, end) = (span.start as usize, span.end as usize);
    let bytes = src.as_bytes();
    if end <= start + 1 || bytes.get(start) != Some(&b'(') || bytes.get(end - 1) != Some(&b')') {
        return false;
    }
    let mut depth = 0usize;
    let mut i = start;
    while i < end {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i == end - 1;
                }
            }
            b'"' => {
                i = string_end(src, i);
                continue;
            }
            b'#' => {
                i = src[i..].find('\n').map_or(src.len(), |n| i + n);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

fn idents(list: &[Ident]) -> String {
    list.iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn type_expr(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::Bool => "bool".into(),
        TypeExpr::Int => "int".into(),
        TypeExpr::Text => "text".into(),
        TypeExpr::OneOf(list) => format!("one_of({})", idents(list)),
        TypeExpr::Set(list) => format!("set({})", idents(list)),
    }
}

/// The body of a triple-quoted string re-indented one level under
/// `indent`, quotes included; `None` when it is not in the usual shape
/// (text starting on the line after the quotes, indented with spaces and
/// tabs), in which case it is kept exactly as written.
fn reindent(body: &str, indent: usize) -> Option<String> {
    let rest = body
        .strip_prefix('\n')
        .or_else(|| body.strip_prefix("\r\n"))?;
    let lines: Vec<&str> = rest.lines().collect();
    let mut common = usize::MAX;
    for l in &lines {
        if l.trim().is_empty() {
            continue;
        }
        let ws = l.len() - l.trim_start_matches([' ', '\t']).len();
        if l[ws..].starts_with(char::is_whitespace) {
            return None;
        }
        common = common.min(ws);
    }
    let inner = INDENT.repeat(indent + 1);
    let mut out = String::from("\"\"\"\n");
    let mut pending_blank = 0;
    for l in &lines {
        if l.trim().is_empty() {
            pending_blank += 1;
            continue;
        }
        for _ in 0..pending_blank {
            out.push('\n');
        }
        pending_blank = 0;
        out.push_str(&inner);
        out.push_str(l[common..].trim_end());
        out.push('\n');
    }
    out.push_str(&INDENT.repeat(indent));
    out.push_str("\"\"\"");
    Some(out)
}

/// The final text: indentation, and trailing comments aligned within each
/// run of one-line lines at the same indentation with no blank line
/// between them, the way an author lines them up by hand.
fn render(lines: &[Line]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let end = run_end(lines, i);
        let width = lines[i..end]
            .iter()
            .filter_map(|l| match l {
                Line::Code {
                    indent,
                    code,
                    comment: Some(_),
                } => Some(indent * INDENT.len() + code.chars().count()),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        for line in &lines[i..end] {
            match line {
                Line::Blank => out.push('\n'),
                Line::Code {
                    indent,
                    code,
                    comment,
                } => {
                    let used = indent * INDENT.len() + code.chars().count();
                    out.push_str(&INDENT.repeat(*indent));
                    out.push_str(code);
                    if let Some(c) = comment {
                        let pad = if code.contains('\n') {
                            0
                        } else {
                            width.saturating_sub(used)
                        };
                        out.push_str(&" ".repeat(pad + 2));
                        out.push_str(c);
                    }
                    out.push('\n');
                }
            }
        }
        i = end;
    }
    out
}

/// The end of the run of lines that starts at `i`: one-line lines of code
/// at the same indentation (a blank line, or a line holding a multi-line
/// text, is a run of its own).
fn run_end(lines: &[Line], i: usize) -> usize {
    let one_line = |l: &Line| match l {
        Line::Code { indent, code, .. } if !code.contains('\n') => Some(*indent),
        _ => None,
    };
    let Some(indent) = one_line(&lines[i]) else {
        return i + 1;
    };
    let mut j = i + 1;
    while j < lines.len() && one_line(&lines[j]) == Some(indent) {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(src: &str) -> String {
        match format_source(src) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn finds_comments_outside_strings() {
        let src = "# a\ntree t \"x # not\" { # b\n}\n";
        let found: Vec<String> = comments(src).into_iter().map(|c| c.text).collect();
        assert_eq!(found, ["# a", "# b"]);
    }

    #[test]
    fn spaces_and_indents_a_messy_file() {
        let src = "tree t \"T\"{start a outcomes k}\nvar  x:int=1+2*3\n\n\n\nquestion a{text \"Q\"\noption y \"Y\"{set x=x+1}->b option n \"N\" if x>1->b}\noutcome b{kind k title \"B\"}";
        insta::assert_snapshot!(fmt(src), @r#"
        tree t "T" {
          start a
          outcomes k
        }

        var x: int = 1 + 2 * 3

        question a {
          text "Q"
          option y "Y" { set x = x + 1 } -> b
          option n "N" if x > 1 -> b
        }

        outcome b {
          kind k
          title "B"
        }
        "#);
    }

    #[test]
    fn keeps_comments_and_aligns_trailing_ones() {
        let src = "# top\n\ntree t \"T\" { # header\n  start a # first\n  outcomes k\n  # last in header\n}\nvar x: bool = false # one\nvar long_name: bool = true   # two\n# about a\noutcome a { kind k # the kind\n title \"A\"\n # end of a\n} # after a\n# the end\n";
        insta::assert_snapshot!(fmt(src), @r#"
        # top

        tree t "T" {  # header
          start a  # first
          outcomes k
          # last in header
        }

        var x: bool = false         # one
        var long_name: bool = true  # two

        # about a
        outcome a {
          kind k  # the kind
          title "A"
          # end of a
        }  # after a
        # the end
        "#);
    }

    #[test]
    fn parentheses_follow_precedence_and_the_author() {
        let src = "tree t \"T\" { start a outcomes k }\nvar x: int\nvar b: bool\nbranch a { when (x + 1) * 2 > 3 and (b or x < 1) -> o\nwhen not (b and b) -> o when (not b) == b -> o when (b) -> o else -> o }\noutcome o { kind k title \"O\" }\n";
        let out = fmt(src);
        assert!(
            out.contains("when (x + 1) * 2 > 3 and (b or x < 1) -> o"),
            "{out}"
        );
        assert!(out.contains("when not (b and b) -> o"), "{out}");
        assert!(out.contains("when (not b) == b -> o"), "{out}");
        assert!(out.contains("when b -> o"), "{out}");
    }

    #[test]
    fn reindents_triple_quoted_text() {
        let src = "tree t \"T\" { start a outcomes k }\noutcome a {\nkind k\n      title \"\"\"\n            Line one\n              indented\n\n            after a blank\n      \"\"\"\n}\n";
        insta::assert_snapshot!(fmt(src), @r#"
        tree t "T" {
          start a
          outcomes k
        }

        outcome a {
          kind k
          title """
            Line one
              indented

            after a blank
          """
        }
        "#);
    }

    #[test]
    fn effects_written_one_per_line_stay_so_with_their_comments() {
        let src = "tree t \"T\" { start a outcomes k }\nvar x: int\nvar s: set(p, q)\nquestion a {\n  text \"Q\"\n  option y \"Y\" {\n    set x = 1  # first\n\n    add s p\n    # before remove\n    remove s q\n  } -> o  # after\n}\noutcome o { kind k title \"O\" }\n";
        insta::assert_snapshot!(fmt(src), @r#"
        tree t "T" {
          start a
          outcomes k
        }

        var x: int
        var s: set(p, q)

        question a {
          text "Q"
          option y "Y" {
            set x = 1  # first

            add s p
            # before remove
            remove s q
          } -> o  # after
        }

        outcome o {
          kind k
          title "O"
        }
        "#);
    }

    #[test]
    fn windows_line_endings_tabs_and_operators_come_out_the_same_every_time() {
        let src = "tree t \"T\" {\r\n\tstart a\r\n\toutcomes k\r\n}\r\nvar x: int = -3\r\nvar b: bool\r\n# c\r\nbranch a {\r\n\twhen (b implies b) implies b -> o\r\n\twhen not b == b and -(x + 1) * 2 > x - -1 -> o\r\n\telse -> o\r\n}\r\noutcome o {\r\n\tkind k\r\n\ttitle \"\"\"\r\n\t\tOne\r\n\t\t  two\r\n\t\"\"\"\r\n}\r\n";
        let once = fmt(src);
        assert_eq!(fmt(&once), once);
        assert!(!once.contains('\r'));
        assert!(once.contains("when (b implies b) implies b -> o"), "{once}");
        assert!(
            once.contains("when not b == b and -(x + 1) * 2 > x - -1 -> o"),
            "{once}"
        );
        assert!(
            once.contains("  title \"\"\"\n    One\n      two\n  \"\"\"\n"),
            "{once}"
        );
    }

    #[test]
    fn a_syntax_error_is_reported_not_formatted() {
        assert!(matches!(
            format_source("tree t {"),
            Err(FormatError::Syntax(_))
        ));
    }

    #[test]
    fn a_header_with_quick_exit_moved_by_spacing_still_formats() {
        // `quick_exit` keeps where it was written; spacing before it moves
        // it, which must not count as a change of meaning.
        let src = "tree t \"T\" {\n     start a\n  outcomes k\n  quick_exit\n}\n\noutcome a {\n  kind k\n  title \"A\"\n}\n";
        let out = fmt(src);
        assert!(out.starts_with("tree t \"T\" {\n  start a\n"), "{out}");
        assert!(out.contains("\n  quick_exit\n"), "{out}");
        let without = fmt(&src.replace("  quick_exit\n", ""));
        assert!(!same_tree(
            &crate::syntax::parse(FileId(0), &out).unwrap(),
            &crate::syntax::parse(FileId(0), &without).unwrap()
        ));
    }
}
