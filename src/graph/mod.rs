//! Pictures of trees: Graphviz DOT and Mermaid flowcharts.
//!
//! Both formats draw the same [`View`] of a checked model: questions,
//! checklists and inputs as cards, info nodes as notes, branches as diamonds,
//! score nodes as hexagons and outcomes as rounded terminals coloured by
//! outcome kind (with a legend). Option labels and branch conditions sit on
//! the edges; the nodes of an included file sit in a cluster named after its
//! namespace. An [`Overlay`] adds one highlighted path and greys what no path
//! reaches; it is plain data, so any exploration can feed it.

mod dot;
mod mermaid;
pub mod text;

use crate::model::{Effect, InputKind, Model, NodeId, NodeKind, Text, TextPart, Type, VarId};
use crate::source::Span;
use std::collections::BTreeSet;
use std::path::Path;

pub use dot::dot;
pub use mermaid::mermaid;

/// The picture formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Graphviz DOT (`dot -Tsvg tree.dot > tree.svg`).
    Dot,
    /// A Mermaid flowchart (renders in Markdown on most forges).
    Mermaid,
}

/// Draw a tree in a format, with an overlay.
#[must_use]
pub fn render(model: &Model, overlay: &Overlay, format: Format) -> String {
    match format {
        Format::Dot => dot(model, overlay),
        Format::Mermaid => mermaid(model, overlay),
    }
}

pub use crate::model::graph::Exit;
use crate::model::graph::Graph;

/// A set of nodes and exits, for an [`Overlay`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub nodes: BTreeSet<NodeId>,
    pub exits: BTreeSet<Exit>,
}

impl Marks {
    /// No nodes, no exits.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The nodes of a route through the tree, in order, and between each
    /// pair every exit of the first that leads to the second. When the exact
    /// exit is known (two options of a question may lead to the same node),
    /// build the marks with [`Marks::insert_exit`] instead.
    #[must_use]
    pub fn route(model: &Model, nodes: &[NodeId]) -> Self {
        let graph = Graph::of(model);
        let mut marks = Self::new();
        marks.nodes.extend(nodes.iter().copied());
        for pair in nodes.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            let exits = graph.successors(from).iter().enumerate();
            marks.exits.extend(
                exits
                    .filter(|(_, &next)| next == to)
                    .map(|(index, _)| Exit { node: from, index }),
            );
        }
        marks
    }

    /// Mark a node.
    pub fn insert_node(&mut self, node: NodeId) {
        self.nodes.insert(node);
    }

    /// Mark a node's `index`-th exit (see [`Exit`]).
    pub fn insert_exit(&mut self, node: NodeId, index: usize) {
        self.exits.insert(Exit { node, index });
    }
}

/// What to draw over a tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overlay {
    /// One path, drawn in bold: its nodes and the exits it takes.
    pub highlight: Option<Marks>,
    /// Everything some path reaches; every other node and exit is greyed.
    /// A node with a single way out (info, input, checklist, score) counts
    /// that exit as reached whenever the node is, so only question options
    /// and branch arms need listing.
    pub reached: Option<Marks>,
}

impl Overlay {
    /// Nothing drawn over the tree.
    #[must_use]
    pub fn none() -> Self {
        Self::default()
    }
}

/// How a node is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Question, checklist or input: the person answers.
    Ask,
    Info,
    Branch,
    Score,
    /// An outcome, with its kind's index.
    Outcome(u32),
}

/// What an overlay says about a node or an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Plain,
    /// On the highlighted path.
    Path,
    /// Reached by no path.
    Unreached,
}

/// A node as drawn.
#[derive(Debug)]
struct Card<'m> {
    id: &'m str,
    shape: Shape,
    /// `question · how_tired`
    header: String,
    /// The text, already wrapped.
    lines: Vec<String>,
    /// Small print under the text: where an answer goes.
    detail: Vec<String>,
    /// Drawn emphasised (an outcome's title).
    strong: bool,
    mark: Mark,
    /// The node's `tags`, for tools reading the picture.
    tags: &'m [String],
}

/// An edge as drawn.
#[derive(Debug)]
struct Edge {
    from: usize,
    to: usize,
    /// An option's label, already wrapped; empty for an unlabelled edge.
    label: Vec<String>,
    /// A condition (an option's `if`, a branch arm's `when`, or `else`).
    cond: Vec<String>,
    mark: Mark,
}

/// The nodes of one namespace, and the namespaces included inside it.
#[derive(Debug, Default)]
struct Group {
    /// The qualified namespace (`silence`, `silence.inner`); empty for the root.
    name: String,
    label: String,
    nodes: Vec<usize>,
    children: Vec<Group>,
}

/// A tree ready to draw in any format.
#[derive(Debug)]
struct View<'m> {
    id: &'m str,
    title: String,
    start: usize,
    cards: Vec<Card<'m>>,
    edges: Vec<Edge>,
    root: Group,
    /// Every declared outcome kind, by index.
    kinds: Vec<&'m str>,
    highlight: bool,
    coverage: bool,
}

/// How wide node text gets, in characters.
const NODE_WIDTH: usize = 30;
/// How many lines of text a node shows.
const NODE_LINES: usize = 4;
/// How wide edge labels get, in characters.
const EDGE_WIDTH: usize = 22;
/// How many lines an option label or a condition gets.
const EDGE_LINES: usize = 2;
/// How many checklist items a node lists.
const MAX_ITEMS: usize = 6;

impl<'m> View<'m> {
    fn new(model: &'m Model, overlay: &Overlay) -> Self {
        let ids = (0..model.nodes.len()).map(NodeId::from_index);
        let cards = ids
            .clone()
            .map(|id| node_card(model, overlay, id))
            .collect();
        let edges = ids.flat_map(|id| node_edges(model, overlay, id)).collect();
        View {
            id: &model.id,
            title: text::fold(&model.title),
            start: model.start.index(),
            cards,
            edges,
            root: groups(model),
            kinds: model
                .domains
                .first()
                .map(|kinds| kinds.iter().map(String::as_str).collect())
                .unwrap_or_default(),
            highlight: overlay.highlight.is_some(),
            coverage: overlay.reached.is_some(),
        }
    }

    /// The legend's title: it lists outcome kinds, and overlays when drawn.
    fn legend_title(&self) -> &'static str {
        if self.highlight || self.coverage {
            LEGEND
        } else {
            LEGEND_KINDS
        }
    }
}

fn node_mark(overlay: &Overlay, node: NodeId) -> Mark {
    if overlay
        .highlight
        .as_ref()
        .is_some_and(|m| m.nodes.contains(&node))
    {
        Mark::Path
    } else if overlay
        .reached
        .as_ref()
        .is_some_and(|m| !m.nodes.contains(&node))
    {
        Mark::Unreached
    } else {
        Mark::Plain
    }
}

fn exit_mark(overlay: &Overlay, exit: Exit, single: bool) -> Mark {
    let listed = |m: &Marks| m.exits.contains(&exit);
    if overlay.highlight.as_ref().is_some_and(listed) {
        Mark::Path
    } else if overlay
        .reached
        .as_ref()
        .is_some_and(|m| !(listed(m) || (single && m.nodes.contains(&exit.node))))
    {
        Mark::Unreached
    } else {
        Mark::Plain
    }
}

fn node_card<'m>(model: &'m Model, overlay: &Overlay, id: NodeId) -> Card<'m> {
    let node = model.node(id);
    let (shape, lines, detail) = card_body(model, &node.kind, node.text.as_ref());
    Card {
        id: &node.id,
        strong: matches!(shape, Shape::Outcome(_)),
        shape,
        header: format!("{} · {}", node.kind.keyword(), text::fold(&node.id)),
        lines,
        detail,
        mark: node_mark(overlay, id),
        tags: &node.tags,
    }
}

/// A card's shape, its lines (the text, then a checklist's items or a
/// score's effects; an outcome's title instead of its text) and its detail
/// lines.
fn card_body(
    model: &Model,
    kind: &NodeKind,
    text: Option<&Text>,
) -> (Shape, Vec<String>, Vec<String>) {
    let wrap = |t: &Text| text::wrap(&plain(model, t), NODE_WIDTH, NODE_LINES);
    let mut lines = text.map_or_else(Vec::new, wrap);
    let mut detail = Vec::new();
    let shape = match kind {
        NodeKind::Question { .. } => Shape::Ask,
        NodeKind::Checklist { var, items, .. } => {
            let labels: Vec<String> = items.iter().map(|i| plain(model, &i.label)).collect();
            lines.extend(item_lines(&labels));
            detail.push(format!("into {}", var_name(model, *var)));
            Shape::Ask
        }
        NodeKind::Input { var, input, .. } => {
            detail.push(input_line(model, *var, input));
            Shape::Ask
        }
        NodeKind::Branch { .. } => Shape::Branch,
        NodeKind::Score { effects, .. } => {
            lines.extend(effects.iter().flat_map(|e| effect_lines(model, e)));
            Shape::Score
        }
        NodeKind::Info { effects, .. } => {
            detail.extend(effects.iter().flat_map(|e| effect_lines(model, e)));
            Shape::Info
        }
        NodeKind::Outcome { kind, title, .. } => {
            lines = wrap(title);
            Shape::Outcome(*kind)
        }
    };
    (shape, lines, detail)
}

fn item_lines(labels: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = labels
        .iter()
        .take(MAX_ITEMS)
        .map(|l| format!("• {}", text::shorten(l, NODE_WIDTH - 2)))
        .collect();
    if labels.len() > MAX_ITEMS {
        lines.push(format!("… and {} more", labels.len() - MAX_ITEMS));
    }
    lines
}

fn input_line(model: &Model, var: VarId, input: &InputKind) -> String {
    let name = var_name(model, var);
    match input {
        InputKind::Number { min, max } => format!("number {min}..={max} into {name}"),
        InputKind::Text { max_len } => format!("text (up to {max_len}) into {name}"),
    }
}

fn effect_lines(model: &Model, effect: &Effect) -> Vec<String> {
    let line = match effect {
        Effect::Set(var, expr) => format!(
            "set {} = {}",
            var_name(model, *var),
            source_text(model, expr.span).unwrap_or_else(|| "…".into())
        ),
        Effect::Add(var, member) => {
            format!(
                "add {} {}",
                var_name(model, *var),
                member_name(model, *var, *member)
            )
        }
        Effect::Remove(var, member) => {
            format!(
                "remove {} {}",
                var_name(model, *var),
                member_name(model, *var, *member)
            )
        }
    };
    text::wrap(&line, NODE_WIDTH, EDGE_LINES)
}

fn node_edges(model: &Model, overlay: &Overlay, id: NodeId) -> Vec<Edge> {
    let node = model.node(id);
    let single = node.kind.successors().len() == 1;
    let edge = |index: usize, to: NodeId, label: Vec<String>, cond: Vec<String>| Edge {
        from: id.index(),
        to: to.index(),
        label,
        cond,
        mark: exit_mark(overlay, Exit { node: id, index }, single),
    };
    match &node.kind {
        NodeKind::Question { options } => options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let label = text::wrap(&plain(model, &o.label), EDGE_WIDTH, EDGE_LINES);
                let cond = o.cond.as_ref().map(|c| condition(model, "if ", c.span));
                edge(i, o.next, label, cond.unwrap_or_default())
            })
            .collect(),
        NodeKind::Branch { arms, otherwise } => arms
            .iter()
            .enumerate()
            .map(|(i, arm)| edge(i, arm.next, Vec::new(), condition(model, "", arm.cond.span)))
            .chain(std::iter::once(edge(
                arms.len(),
                *otherwise,
                Vec::new(),
                vec!["else".into()],
            )))
            .collect(),
        NodeKind::Outcome { .. } => Vec::new(),
        NodeKind::Checklist { next, .. }
        | NodeKind::Input { next, .. }
        | NodeKind::Score { next, .. }
        | NodeKind::Info { next, .. } => vec![edge(0, *next, Vec::new(), Vec::new())],
    }
}

/// A condition as written in the tree, wrapped for an edge.
fn condition(model: &Model, prefix: &str, span: Span) -> Vec<String> {
    let source = source_text(model, span).unwrap_or_else(|| "a condition".into());
    text::wrap(&format!("{prefix}{source}"), EDGE_WIDTH, EDGE_LINES + 1)
}

/// The source text under a span, folded onto one line.
fn source_text(model: &Model, span: Span) -> Option<String> {
    let (_, file) = model.sources.iter().find(|(id, _)| *id == span.file)?;
    let text = text::fold(file.slice(span));
    (!text.is_empty()).then_some(text)
}

/// A text as the author wrote it, with `{var}` placeholders kept.
fn plain(model: &Model, text: &Text) -> String {
    text.parts
        .iter()
        .map(|part| match part {
            TextPart::Lit(s) => s.clone(),
            TextPart::Var(v) => format!("{{{}}}", var_name(model, *v)),
        })
        .collect()
}

fn var_name(model: &Model, var: VarId) -> &str {
    model.vars.get(var.index()).map_or("?", |v| v.name.as_str())
}

fn member_name(model: &Model, var: VarId, member: u32) -> &str {
    let domain = match model.vars.get(var.index()).map(|v| v.ty) {
        Some(Type::Set(d) | Type::Enum(d)) => model.domains.get(d.0 as usize),
        _ => None,
    };
    domain
        .and_then(|d| d.get(member as usize))
        .map_or("?", String::as_str)
}

/// Group nodes by namespace: `silence.no_reply` sits in group `silence`,
/// `silence.inner.x` in `silence.inner` inside it. Groups keep the order in
/// which their first node appears.
fn groups(model: &Model) -> Group {
    let mut root = Group::default();
    for (i, node) in model.nodes.iter().enumerate() {
        let mut group = &mut root;
        let segments: Vec<&str> = node.id.split('.').collect();
        for depth in 1..segments.len() {
            let name = segments[..depth].join(".");
            let at = match group.children.iter().position(|g| g.name == name) {
                Some(at) => at,
                None => {
                    group.children.push(Group {
                        label: text::fold(segments[depth - 1]),
                        name,
                        ..Group::default()
                    });
                    group.children.len() - 1
                }
            };
            group = &mut group.children[at];
        }
        if group.nodes.is_empty() && !group.name.is_empty() {
            if let Some(file) = included_file(model, node.span) {
                group.label = format!("{} · {file}", group.label);
            }
        }
        group.nodes.push(i);
    }
    root
}

/// The file name of an included file (not the root file's).
fn included_file(model: &Model, span: Span) -> Option<String> {
    if span.file.0 == 0 {
        return None;
    }
    let (_, file) = model.sources.iter().find(|(id, _)| *id == span.file)?;
    let name = Path::new(&file.path).file_name()?.to_string_lossy();
    Some(text::fold(&name))
}

/// Fill and border colours for outcome kinds, by kind index (cycled).
const PALETTE: [(&str, &str); 8] = [
    ("#cfe2f3", "#3d85c6"),
    ("#fce5cd", "#e69138"),
    ("#d9ead3", "#6aa84f"),
    ("#f4cccc", "#cc0000"),
    ("#d9d2e9", "#674ea7"),
    ("#fff2cc", "#bf9000"),
    ("#d0e0e3", "#45818e"),
    ("#ead1dc", "#a64d79"),
];

/// The fill and border colour of outcome kind `kind`.
fn kind_colors(kind: u32) -> (&'static str, &'static str) {
    PALETTE[kind as usize % PALETTE.len()]
}

/// Colours of the overlays, shared by both formats.
const PATH_COLOR: &str = "#1a1a1a";
const GREY_LINE: &str = "#b0b0b0";
const GREY_TEXT: &str = "#999999";
const GREY_FILL: &str = "#f2f2f2";

/// Legend wording.
const LEGEND_KINDS: &str = "Outcome kinds";
const LEGEND: &str = "Legend";
const LEGEND_PATH: &str = "highlighted path";
const LEGEND_UNREACHED: &str = "reached by no path";
