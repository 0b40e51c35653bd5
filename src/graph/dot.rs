//! Graphviz DOT output.
//!
//! Node ids are the tree's qualified ids, quoted; the few nodes the picture
//! adds (the start dot, legend entries) have ids starting with `#`, and a
//! tree id that itself starts with `#` gets one more, so the two never meet.
//! Labels are HTML-like labels with every `&<>"` escaped, so no text can
//! break out of them.

use super::{
    kind_colors, Card, Edge, Group, Mark, Overlay, Shape, View, GREY_FILL, GREY_LINE, GREY_TEXT,
    LEGEND_PATH, LEGEND_UNREACHED, PATH_COLOR,
};
use crate::ids::saturating_u32;
use crate::model::Model;
use std::fmt::Write;

const FONT: &str = "Helvetica";
const HEADER_COLOR: &str = "#666666";

/// Draw a tree as a Graphviz digraph.
#[must_use]
pub fn dot(model: &Model, overlay: &Overlay) -> String {
    let view = View::new(model, overlay);
    let mut out = String::new();
    header(&mut out, &view);
    let _ = writeln!(
        out,
        "  \"#start\" [shape=circle, label=\"\", width=0.18, style=filled, fillcolor=\"#333333\", color=\"#333333\"];"
    );
    group(&mut out, &view, &view.root, 1);
    let start = quote(&node_id(view.cards[view.start].id));
    let _ = writeln!(out, "  \"#start\" -> {start};");
    for edge in &view.edges {
        edge_line(&mut out, &view, edge);
    }
    legend(&mut out, &view);
    out.push_str("}\n");
    out
}

fn header(out: &mut String, view: &View) {
    let _ = writeln!(out, "digraph {} {{", quote(view.id));
    let title = format!("<B>{}</B>", html(&view.title));
    let _ = writeln!(
        out,
        "  graph [label=<{title}>, labelloc=t, fontname=\"{FONT}\", fontsize=16, \
         rankdir=TB, nodesep=0.35, ranksep=0.45];"
    );
    let _ = writeln!(
        out,
        "  node [fontname=\"{FONT}\", fontsize=11, shape=box, style=filled, \
         fillcolor=\"#ffffff\", color=\"#444444\", margin=\"0.14,0.06\"];"
    );
    let _ = writeln!(
        out,
        "  edge [fontname=\"{FONT}\", fontsize=10, color=\"#555555\", arrowsize=0.7];"
    );
}

/// A group's nodes, then its included groups as clusters.
fn group(out: &mut String, view: &View, group: &Group, depth: usize) {
    let pad = "  ".repeat(depth);
    for &node in &group.nodes {
        let b = &view.cards[node];
        let _ = writeln!(out, "{pad}{} [{}];", quote(&node_id(b.id)), node_attrs(b));
    }
    for child in &group.children {
        let _ = writeln!(
            out,
            "{pad}subgraph {} {{",
            quote(&format!("cluster {}", child.name))
        );
        let _ = writeln!(
            out,
            "{pad}  graph [label=<{}>, style=\"rounded,dashed\", color=\"#888888\", fontsize=12];",
            html(&child.label)
        );
        self::group(out, view, child, depth + 1);
        let _ = writeln!(out, "{pad}}}");
    }
}

/// Attributes in the order first set; setting one again replaces its value.
#[derive(Default)]
struct Attrs(Vec<(&'static str, String)>);

impl Attrs {
    fn set(&mut self, key: &'static str, value: impl Into<String>) -> &mut Self {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
        self
    }

    /// `key=value, …`: labels as HTML-like labels, plain words and
    /// numbers bare, anything else quoted.
    fn render(&self) -> String {
        let pairs: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| match *k {
                "label" => format!("label=<{v}>"),
                _ if is_bare(v) => format!("{k}={v}"),
                _ => format!("{k}={}", quote(v)),
            })
            .collect();
        pairs.join(", ")
    }

    fn mark(&mut self, mark: Mark, grey_style: &str) -> &mut Self {
        match mark {
            Mark::Plain => self,
            Mark::Path => self.set("penwidth", "3").set("color", PATH_COLOR),
            Mark::Unreached => self
                .set("style", grey_style)
                .set("color", GREY_LINE)
                .set("fontcolor", GREY_TEXT)
                .set("fillcolor", GREY_FILL),
        }
    }
}

fn node_attrs(b: &Card) -> String {
    let mut attrs = shape_attrs(b.shape);
    attrs
        .set("label", label(b))
        .mark(b.mark, grey_style(b.shape));
    tag_attrs(&mut attrs, b.tags);
    attrs.render()
}

/// A node's `tags` for tools: `class="tag-safety tag-intro"` (the SVG
/// element's classes) and `tags="safety intro"` (kept in DOT and JSON
/// output as an attribute of its own).
fn tag_attrs(attrs: &mut Attrs, tags: &[String]) {
    if tags.is_empty() {
        return;
    }
    let classes: Vec<String> = tags.iter().map(|t| format!("tag-{t}")).collect();
    attrs.set("class", classes.join(" "));
    attrs.set("tags", tags.join(" "));
}

fn shape_attrs(shape: Shape) -> Attrs {
    let mut attrs = Attrs::default();
    match shape {
        Shape::Ask => attrs.set("shape", "box"),
        Shape::Info => attrs.set("shape", "note").set("fillcolor", "#f7f7f7"),
        Shape::Branch => attrs.set("shape", "diamond").set("fillcolor", "#fafafa"),
        Shape::Score => attrs.set("shape", "hexagon").set("fillcolor", "#f7f7f7"),
        Shape::Outcome(kind) => {
            let (fill, border) = kind_colors(kind);
            attrs
                .set("style", "rounded,filled")
                .set("fillcolor", fill)
                .set("color", border)
        }
    };
    attrs
}

fn grey_style(shape: Shape) -> &'static str {
    match shape {
        Shape::Outcome(_) => "rounded,filled,dashed",
        _ => "filled,dashed",
    }
}

/// The HTML-like label of a node: a small header line, then the text.
fn label(b: &Card) -> String {
    let mut label = format!(
        "<FONT POINT-SIZE=\"9\" COLOR=\"{HEADER_COLOR}\">{}</FONT>",
        html(&b.header)
    );
    for line in &b.lines {
        label.push_str("<BR/>");
        if b.strong {
            let _ = write!(label, "<B>{}</B>", html(line));
        } else {
            label.push_str(&html(line));
        }
    }
    for line in &b.detail {
        let _ = write!(
            label,
            "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"{HEADER_COLOR}\">{}</FONT>",
            html(line)
        );
    }
    label
}

fn edge_line(out: &mut String, view: &View, edge: &Edge) {
    let from = quote(&node_id(view.cards[edge.from].id));
    let to = quote(&node_id(view.cards[edge.to].id));
    let mut attrs = Attrs::default();
    if let Some(label) = edge_label(edge) {
        attrs.set("label", label);
    }
    attrs.mark(edge.mark, "dashed");
    attrs.0.retain(|(k, _)| *k != "fillcolor");
    if attrs.0.is_empty() {
        let _ = writeln!(out, "  {from} -> {to};");
    } else {
        let _ = writeln!(out, "  {from} -> {to} [{}];", attrs.render());
    }
}

/// An option's label, then its condition in italics.
fn edge_label(edge: &Edge) -> Option<String> {
    let lines: Vec<String> = edge
        .label
        .iter()
        .map(|l| html(l))
        .chain(edge.cond.iter().map(|c| format!("<I>{}</I>", html(c))))
        .collect();
    (!lines.is_empty()).then(|| lines.join("<BR/>"))
}

/// A cluster with one entry per outcome kind, and per overlay in use.
fn legend(out: &mut String, view: &View) {
    if view.kinds.is_empty() && !view.highlight && !view.coverage {
        return;
    }
    let _ = writeln!(out, "  subgraph \"cluster #legend\" {{");
    let _ = writeln!(
        out,
        "    graph [label=<{}>, style=rounded, color=\"#cccccc\", fontsize=11];",
        html(view.legend_title())
    );
    let ids: Vec<String> = legend_entries(view)
        .into_iter()
        .map(|(id, attrs)| {
            let id = quote(&id);
            let _ = writeln!(out, "    {id} [{}];", attrs.render());
            id
        })
        .collect();
    let _ = writeln!(out, "    {{ rank=same; {} }}", ids.join("; "));
    // Invisible edges keep the entries in order, left to right.
    if ids.len() > 1 {
        let _ = writeln!(out, "    {} [style=invis];", ids.join(" -> "));
    }
    let _ = writeln!(out, "  }}");
}

/// The legend's entries, left to right, as (id, attributes): each outcome
/// kind, then the highlighted path and the unreached style when shown.
fn legend_entries(view: &View) -> Vec<(String, Attrs)> {
    let mut entries = Vec::new();
    for (i, kind) in view.kinds.iter().enumerate() {
        let mut attrs = shape_attrs(Shape::Outcome(saturating_u32(i)));
        attrs.set("label", html(kind));
        entries.push((format!("#kind {i}"), attrs));
    }
    if view.highlight {
        let mut attrs = Attrs::default();
        attrs.set("label", html(LEGEND_PATH)).mark(Mark::Path, "");
        entries.push(("#path".to_string(), attrs));
    }
    if view.coverage {
        let mut attrs = Attrs::default();
        attrs
            .set("label", html(LEGEND_UNREACHED))
            .mark(Mark::Unreached, grey_style(Shape::Ask));
        entries.push(("#unreached".to_string(), attrs));
    }
    entries
}

/// The DOT id of a tree node: its own id, with one more `#` in front when it
/// starts with `#` (ids of added nodes start with a single `#`).
fn node_id(id: &str) -> String {
    if id.starts_with('#') {
        format!("#{id}")
    } else {
        id.to_string()
    }
}

/// Whether DOT takes `s` unquoted: a word, or a number.
fn is_bare(s: &str) -> bool {
    let word = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let number = !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.');
    word || number
}

/// A DOT double-quoted string. Inside one, only `\"` is an escape; a
/// backslash before anything else stays, so backslashes are doubled to keep
/// one before a quote from escaping it. Line breaks and other control
/// characters are written as visible escapes so an id stays on one line.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for an HTML-like label: markup characters become entities. The
/// text was folded first, so it holds no line breaks or control characters.
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_quotes_and_backslashes() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("a\\"), r#""a\\""#);
        assert_eq!(quote("line\nbreak"), r#""line\\u{a}break""#);
        assert_eq!(quote("ünï ✓"), "\"ünï ✓\"");
    }

    #[test]
    fn html_escapes_markup() {
        assert_eq!(
            html(r#"<b>&"x"</b>"#),
            "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"
        );
        assert_eq!(html("{a|b}"), "{a|b}");
    }

    #[test]
    fn ids_of_added_nodes_never_meet_tree_ids() {
        assert_eq!(node_id("#start"), "##start");
        assert_eq!(node_id("##x"), "###x");
        assert_eq!(node_id("start"), "start");
    }
}
