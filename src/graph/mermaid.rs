//! Mermaid flowchart output.
//!
//! Mermaid's flowchart lexer is strict about node ids, so every id is made
//! from `[A-Za-z0-9_]` only: other characters become `_`, words the lexer
//! reserves (`end`, `graph`, `class`, …) get a trailing `_`, and a number is
//! added where two ids would meet. All text sits in double quotes with
//! Mermaid's entity codes (`#quot;`, `#35;`, …) for every character that
//! could end the string or read as markup; `<br>` and `<b>` are the only
//! markup written.

use super::{
    kind_colors, Card, Group, Mark, Overlay, Shape, View, GREY_FILL, GREY_LINE, GREY_TEXT,
    LEGEND_PATH, LEGEND_UNREACHED, PATH_COLOR,
};
use crate::ids::saturating_u32;
use crate::model::Model;
use std::collections::HashSet;
use std::fmt::Write;

/// Words Mermaid's flowchart lexer reads as keywords wherever a node id may
/// stand (from the lexer rules of `flow.jison`; `end` is the best known).
/// Compared without regard to case, to stay clear of every spelling.
pub const RESERVED: &[&str] = &[
    "end",
    "graph",
    "flowchart",
    "subgraph",
    "style",
    "linkstyle",
    "classdef",
    "class",
    "click",
    "call",
    "href",
    "interpolate",
    "default",
    "direction",
    "acctitle",
    "accdescr",
    "_self",
    "_blank",
    "_parent",
    "_top",
    // Arrow heads and directions, which the lexer reads next to links.
    "v",
    "o",
    "x",
    "lr",
    "rl",
    "tb",
    "bt",
    "td",
    "br",
];

/// Draw a tree as a Mermaid flowchart.
#[must_use]
pub fn mermaid(model: &Model, overlay: &Overlay) -> String {
    let view = View::new(model, overlay);
    let ids = Ids::new(&view);
    let mut out = String::new();
    // The title goes in YAML front matter; a JSON string is a valid YAML
    // double-quoted scalar.
    let title = serde_json::to_string(&view.title).unwrap_or_else(|_| "\"\"".into());
    let _ = writeln!(out, "---\ntitle: {title}\n---\nflowchart TD");
    let _ = writeln!(out, "  _start((\" \"))");
    group(&mut out, &view, &ids, &view.root, 1, &mut 0);
    let mut links = Links::default();
    links.push(&mut out, "_start", &ids.nodes[view.start], "", Mark::Plain);
    for edge in &view.edges {
        let label = edge.label.iter().chain(&edge.cond).map(|l| text(l));
        let label: Vec<String> = label.collect();
        let (from, to) = (&ids.nodes[edge.from], &ids.nodes[edge.to]);
        links.push(&mut out, from, to, &label.join("<br>"), edge.mark);
    }
    legend(&mut out, &view);
    styles(&mut out, &view, &ids, &links);
    tag_comments(&mut out, &view, &ids);
    out
}

/// Each tag with the nodes that carry it, as `%% tag NAME: id, id`
/// comments: Mermaid has no free attributes, and a class it has no style
/// for is not valid everywhere.
fn tag_comments(out: &mut String, view: &View, ids: &Ids) {
    let mut tags: Vec<(&str, Vec<&str>)> = Vec::new();
    for (card, id) in view.cards.iter().zip(&ids.nodes) {
        for tag in card.tags {
            match tags.iter_mut().find(|(t, _)| *t == tag.as_str()) {
                Some((_, nodes)) => nodes.push(id),
                None => tags.push((tag, vec![id])),
            }
        }
    }
    for (tag, nodes) in tags {
        let _ = writeln!(out, "  %% tag {tag}: {}", nodes.join(", "));
    }
}

/// Mermaid ids of the tree's nodes, by node index.
struct Ids {
    nodes: Vec<String>,
}

/// Ids of the nodes and clusters the picture adds; tree ids steer clear.
const ADDED: &[&str] = &["_start", "_legend", "_path", "_unreached"];

impl Ids {
    fn new(view: &View) -> Self {
        let mut taken: HashSet<String> = ADDED.iter().map(|s| (*s).to_string()).collect();
        taken.extend((0..view.kinds.len()).map(|i| format!("_kind{i}")));
        taken.extend((0..count_groups(&view.root)).map(|i| format!("_ns{i}")));
        let nodes = view
            .cards
            .iter()
            .enumerate()
            .map(|(i, b)| unique(safe_id(b.id), i, &mut taken))
            .collect();
        Ids { nodes }
    }
}

fn count_groups(group: &Group) -> usize {
    group.children.iter().map(|g| 1 + count_groups(g)).sum()
}

/// A Mermaid id for a tree id: `[A-Za-z0-9_]` only, never a reserved word,
/// never empty.
#[must_use]
pub fn safe_id(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let lower = out.to_ascii_lowercase();
    if out.is_empty() || RESERVED.contains(&lower.as_str()) {
        out.push('_');
    }
    out
}

/// `id`, or `id_N` (N the node's index, repeated if need be) when taken.
fn unique(mut id: String, index: usize, taken: &mut HashSet<String>) -> String {
    while taken.contains(&id) {
        let _ = write!(id, "_{index}");
    }
    taken.insert(id.clone());
    id
}

/// A group's nodes, then its included groups as subgraphs, numbered
/// depth-first by `next`.
fn group(out: &mut String, view: &View, ids: &Ids, group: &Group, depth: usize, next: &mut usize) {
    let pad = "  ".repeat(depth);
    for &i in &group.nodes {
        let _ = writeln!(out, "{pad}{}", node(&ids.nodes[i], &view.cards[i]));
    }
    for child in &group.children {
        let _ = writeln!(out, "{pad}subgraph _ns{next} [\"{}\"]", text(&child.label));
        *next += 1;
        self::group(out, view, ids, child, depth + 1, next);
        let _ = writeln!(out, "{pad}end");
    }
}

fn node(id: &str, b: &Card) -> String {
    let mut label = text(&b.header);
    for line in &b.lines {
        label.push_str("<br>");
        if b.strong {
            let _ = write!(label, "<b>{}</b>", text(line));
        } else {
            label.push_str(&text(line));
        }
    }
    for line in &b.detail {
        label.push_str("<br>");
        label.push_str(&text(line));
    }
    let (open, close) = match b.shape {
        Shape::Ask => ("[", "]"),
        Shape::Info => (">", "]"),
        Shape::Branch => ("{", "}"),
        Shape::Score => ("{{", "}}"),
        Shape::Outcome(_) => ("([", "])"),
    };
    format!("{id}{open}\"{label}\"{close}")
}

/// Links in the order written: `linkStyle` addresses them by that number.
#[derive(Default)]
struct Links {
    count: usize,
    path: Vec<usize>,
    unreached: Vec<usize>,
}

impl Links {
    fn push(&mut self, out: &mut String, from: &str, to: &str, label: &str, mark: Mark) {
        if label.is_empty() {
            let _ = writeln!(out, "  {from} --> {to}");
        } else {
            let _ = writeln!(out, "  {from} -->|\"{label}\"| {to}");
        }
        match mark {
            Mark::Plain => {}
            Mark::Path => self.path.push(self.count),
            Mark::Unreached => self.unreached.push(self.count),
        }
        self.count += 1;
    }
}

fn legend(out: &mut String, view: &View) {
    if view.kinds.is_empty() && !view.highlight && !view.coverage {
        return;
    }
    let _ = writeln!(
        out,
        "  subgraph _legend [\"{}\"]",
        text(view.legend_title())
    );
    for (i, kind) in view.kinds.iter().enumerate() {
        let _ = writeln!(out, "    _kind{i}([\"{}\"])", text(kind));
    }
    if view.highlight {
        let _ = writeln!(out, "    _path[\"{}\"]", text(LEGEND_PATH));
    }
    if view.coverage {
        let _ = writeln!(out, "    _unreached[\"{}\"]", text(LEGEND_UNREACHED));
    }
    let _ = writeln!(out, "  end");
}

/// Class definitions and uses: kind colours first, overlays last so they win.
fn styles(out: &mut String, view: &View, ids: &Ids, links: &Links) {
    let _ = writeln!(out, "  classDef start fill:#333333,stroke:#333333");
    let _ = writeln!(out, "  class _start start");
    for i in 0..view.kinds.len() {
        let kind = saturating_u32(i);
        let (fill, border) = kind_colors(kind);
        let _ = writeln!(
            out,
            "  classDef kind{i} fill:{fill},stroke:{border},color:#000000"
        );
        let legend_entry = format!("_kind{i}");
        let members: Vec<&str> = view
            .cards
            .iter()
            .zip(&ids.nodes)
            .filter(|(b, _)| b.shape == Shape::Outcome(kind))
            .map(|(_, id)| id.as_str())
            .chain(std::iter::once(legend_entry.as_str()))
            .collect();
        let _ = writeln!(out, "  class {} kind{i}", members.join(","));
    }
    let path_style = format!("stroke:{PATH_COLOR},stroke-width:3px");
    let grey = format!("stroke:{GREY_LINE},color:{GREY_TEXT},stroke-dasharray:4 3");
    if view.highlight {
        let _ = writeln!(out, "  classDef path {path_style}");
        class_of(out, view, ids, Mark::Path, "_path", "path");
        link_style(out, &links.path, &path_style);
    }
    if view.coverage {
        let _ = writeln!(out, "  classDef unreached fill:{GREY_FILL},{grey}");
        class_of(out, view, ids, Mark::Unreached, "_unreached", "unreached");
        link_style(out, &links.unreached, &grey);
    }
}

fn class_of(out: &mut String, view: &View, ids: &Ids, mark: Mark, entry: &str, class: &str) {
    let members: Vec<&str> = view
        .cards
        .iter()
        .zip(&ids.nodes)
        .filter(|(b, _)| b.mark == mark)
        .map(|(_, id)| id.as_str())
        .chain(std::iter::once(entry))
        .collect();
    let _ = writeln!(out, "  class {} {class}", members.join(","));
}

fn link_style(out: &mut String, links: &[usize], style: &str) {
    if links.is_empty() {
        return;
    }
    let numbers: Vec<String> = links.iter().map(usize::to_string).collect();
    let _ = writeln!(out, "  linkStyle {} {style}", numbers.join(","));
}

/// Text for inside a double-quoted Mermaid string. A `"` would end the
/// string, `#` starts an entity code, `<`, `>` and `&` read as HTML, and a
/// backtick right after the opening quote starts a Markdown string: each is
/// written as an entity code, which Mermaid turns back into the character.
#[must_use]
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
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
    fn safe_ids_avoid_reserved_words_and_odd_characters() {
        assert_eq!(safe_id("how_tired"), "how_tired");
        assert_eq!(safe_id("silence.no_reply"), "silence_no_reply");
        assert_eq!(safe_id("end"), "end_");
        assert_eq!(safe_id("End"), "End_");
        assert_eq!(safe_id("classDef"), "classDef_");
        assert_eq!(safe_id("a \"b\" ü"), "a__b___");
        assert_eq!(safe_id(""), "_");
    }

    #[test]
    fn unique_ids_never_repeat() {
        let mut taken = HashSet::new();
        let a = unique("a_b".into(), 0, &mut taken);
        let b = unique(safe_id("a.b"), 1, &mut taken);
        let c = unique("a_b_1".into(), 2, &mut taken);
        assert_eq!(
            (a.as_str(), b.as_str(), c.as_str()),
            ("a_b", "a_b_1", "a_b_1_2")
        );
    }

    #[test]
    fn text_uses_entity_codes() {
        assert_eq!(
            text(r#"say "hi" #1 <b> & `x`"#),
            "say #quot;hi#quot; #35;1 #lt;b#gt; #amp; #96;x#96;"
        );
        assert_eq!(text("{a|b} [c] (d)"), "{a|b} [c] (d)");
    }
}
