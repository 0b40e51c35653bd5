//! Pictures of trees (`guidetree graph`): snapshots of the DOT and Mermaid
//! output of every tree in `trees/`, real renderers on every picture
//! (Graphviz `dot`, and Mermaid's own parser when installed), Mermaid's
//! flowchart syntax rules, overlays built by hand, and hostile ids and text.
//!
//! Graphviz comes from `.ci/install-graphviz`; Mermaid's parser from
//! `.ci/install-mermaid-check` (required under `CI=true`, skipped with a note
//! elsewhere when it is not installed).

use crate::common::{self, load, root};
use guidetree::graph::{self, Format, Marks, Overlay};
use guidetree::model::{Choice, Model, Node, NodeId, NodeKind, Text, TextPart};
use guidetree::source::{Sources, Span};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Every shipped tree, found afresh so a new tree is covered at once.
fn shipped_trees() -> Vec<PathBuf> {
    let mut trees: Vec<PathBuf> = std::fs::read_dir(root().join("trees"))
        .expect("trees/ is readable")
        .map(|entry| entry.expect("trees/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tree"))
        .collect();
    trees.sort();
    assert!(!trees.is_empty(), "no trees in trees/");
    trees
}

fn hostile() -> PathBuf {
    root().join("tests/fixtures/graph/hostile.tree")
}

fn name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A route from the start along each node's first way out, until an
/// outcome or a node seen before.
fn first_route(model: &Model) -> Vec<NodeId> {
    let mut route = vec![model.start];
    let mut seen = BTreeSet::from([model.start]);
    while let Some(&next) = model
        .node(*route.last().expect("route starts somewhere"))
        .kind
        .successors()
        .first()
    {
        if !seen.insert(next) {
            break;
        }
        route.push(next);
    }
    route
}

/// Both overlays at once: the first route highlighted, and only it reached.
fn overlays(model: &Model) -> Overlay {
    let route = Marks::route(model, &first_route(model));
    Overlay {
        highlight: Some(route.clone()),
        reached: Some(route),
    }
}

/// Every picture the real-renderer tests draw: each shipped tree and the
/// hostile fixture, plain and with overlays, and the hand-built model.
fn every_picture(format: Format) -> Vec<(String, String)> {
    let mut pictures = Vec::new();
    for path in shipped_trees().into_iter().chain([hostile()]) {
        let model = load(&path);
        pictures.push((name(&path), graph::render(&model, &Overlay::none(), format)));
        let overlay = overlays(&model);
        pictures.push((
            format!("{}-overlays", name(&path)),
            graph::render(&model, &overlay, format),
        ));
    }
    let odd = odd_model();
    pictures.push(("odd".into(), graph::render(&odd, &overlays(&odd), format)));
    pictures
}

// ─── Snapshots ────────────────────────────────────────────────────────────

/// Snapshot one picture of every shipped tree, named after the tree's file
/// (`integration__graph__dot@hello.tree.snap`). Like insta's `glob!`, every tree is
/// checked before failing; unlike it, a name never depends on how many
/// trees there are.
fn snapshot_every_tree(name: &str, draw: impl Fn(&Model) -> String) {
    let mut failed = Vec::new();
    for path in shipped_trees() {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let picture = draw(&load(&path));
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(&file);
        settings.set_input_file(&path);
        let check = || settings.bind(|| insta::assert_snapshot!(name, picture));
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)).is_err() {
            failed.push(file);
        }
    }
    assert!(failed.is_empty(), "{name} snapshots differ for {failed:?}");
}

#[test]
fn dot_of_every_tree() {
    snapshot_every_tree("dot", |model| graph::dot(model, &Overlay::none()));
}

#[test]
fn mermaid_of_every_tree() {
    snapshot_every_tree("mermaid", |model| graph::mermaid(model, &Overlay::none()));
}

#[test]
fn hostile_pictures() {
    let model = load(&hostile());
    insta::assert_snapshot!("hostile_dot", graph::dot(&model, &Overlay::none()));
    insta::assert_snapshot!("hostile_mermaid", graph::mermaid(&model, &Overlay::none()));
}

// ─── Graphviz ─────────────────────────────────────────────────────────────

/// Render DOT with Graphviz; any error or warning fails.
fn graphviz_svg(dot: &str) -> Result<String, String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!("cannot run Graphviz `dot` ({e}); install it with .ci/install-graphviz")
        })?;
    child
        .stdin
        .take()
        .ok_or("no stdin for dot")?
        .write_all(dot.as_bytes())
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || !stderr.trim().is_empty() {
        return Err(format!("dot exited with {}: {stderr}", out.status));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

/// Is Graphviz installed? Under `CI=true` it must be (`.ci/run` installs
/// it); elsewhere, a machine with only the Rust toolchain skips the
/// Graphviz tests with a note instead of failing them.
fn graphviz_present() -> bool {
    common::tool(
        "Graphviz `dot`",
        common::runs("dot", &["-V"]),
        ".ci/install-graphviz",
    )
}

#[test]
fn graphviz_renders_every_picture_without_a_warning() {
    if !graphviz_present() {
        return;
    }
    let failures: Vec<String> = every_picture(Format::Dot)
        .into_iter()
        .filter_map(|(name, dot)| graphviz_svg(&dot).err().map(|e| format!("{name}: {e}")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Graphviz merges nodes that share an id: counting the nodes it drew shows
/// that no two ids met, however odd the tree's ids are.
#[test]
fn graphviz_draws_one_node_per_tree_node() {
    if !graphviz_present() {
        return;
    }
    for (model, label) in [(load(&hostile()), "hostile"), (odd_model(), "odd")] {
        let svg = graphviz_svg(&graph::dot(&model, &Overlay::none())).expect("dot renders");
        let drawn = svg.matches("class=\"node\"").count();
        let added = 1 + model.domains[0].len(); // the start dot and the legend
        assert_eq!(drawn, model.nodes.len() + added, "{label}");
    }
}

/// A picture under docs/ named after a shipped tree shows every node of that
/// tree (Graphviz writes each node's id as its `<title>`), so renaming or
/// adding a node without running `docs/render-pictures` fails here.
#[test]
fn committed_pictures_show_every_node_of_their_tree() {
    let mut checked = 0;
    for tree in shipped_trees() {
        let svg_path = root().join("docs").join(format!("{}.svg", name(&tree)));
        let Ok(svg) = std::fs::read_to_string(&svg_path) else {
            continue;
        };
        let model = load(&tree);
        let missing: Vec<&str> = model
            .nodes
            .iter()
            .map(|n| n.id.as_str())
            .filter(|id| !svg.contains(&format!("<title>{id}</title>")))
            .collect();
        assert!(
            missing.is_empty(),
            "{} lacks {missing:?}: run docs/render-pictures",
            svg_path.display()
        );
        checked += 1;
    }
    assert!(checked > 0, "no picture under docs/ matches a tree");
}

// ─── Mermaid ──────────────────────────────────────────────────────────────

#[test]
fn mermaid_follows_flowchart_rules_for_every_picture() {
    for (name, text) in every_picture(Format::Mermaid) {
        if let Err(e) = mermaid_rules::check(&text) {
            panic!("{name}: {e}\n{text}");
        }
    }
}

#[test]
fn mermaid_rules_catch_what_breaks_mermaid() {
    let ok = "---\ntitle: \"t\"\n---\nflowchart TD\n  a[\"x\"]\n  b[\"y\"]\n  a --> b\n  a -->|\"l\"| b\n";
    assert_eq!(mermaid_rules::check(ok), Ok(()));
    for (bad, why) in [
        ("  end[\"x\"]", "reserved"),
        ("  a.b[\"x\"]", "shape"),
        ("  c[\"say \"hi\"\"]", "after the closing quote"),
        ("  c[\"#1 item\"]", "entity"),
        ("  c[\"`md`\"]", "backtick"),
        ("  c[\"<script>\"]", "markup"),
        ("  a --> zz", "undefined"),
        ("  linkStyle 2 stroke:#000000", "link 2"),
        ("  a -->b", "space"),
        ("  a -->|\"l\"|b", "label"),
        ("  class a nope", "class"),
        ("  subgraph s [\"x\"]", "never closed"),
    ] {
        let text = format!("{ok}{bad}\n");
        let err = mermaid_rules::check(&text).expect_err(bad);
        assert!(err.contains(why), "{bad}: {err}");
    }
}

/// Parse with Mermaid's own parser (tests/tools/mermaid-check), all files in one
/// run. `None` (the test is skipped, see [`common::tool`]) when the parser is
/// not installed.
fn mermaid_parser(pictures: &[(String, String)]) -> Option<Vec<String>> {
    let tool = root().join("tests/tools/mermaid-check");
    let found = tool.join("node_modules/mermaid").is_dir() && common::runs("node", &["--version"]);
    if !common::tool("Mermaid's parser", found, ".ci/install-mermaid-check") {
        return None;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("graph-mermaid");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let files: Vec<PathBuf> = pictures
        .iter()
        .map(|(name, text)| {
            let file = dir.join(format!("{name}.mmd"));
            std::fs::write(&file, text).expect("write .mmd");
            file
        })
        .collect();
    let out = Command::new("node")
        .arg(tool.join("check.mjs"))
        .args(&files)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&out.stdout);
    let failures: Vec<String> = report
        .lines()
        .filter(|l| !l.starts_with("ok "))
        .map(str::to_string)
        .collect();
    assert_eq!(
        report.lines().count(),
        files.len(),
        "one verdict per file: {report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(failures)
}

#[test]
fn mermaid_parser_accepts_every_picture() {
    let pictures = every_picture(Format::Mermaid);
    if let Some(failures) = mermaid_parser(&pictures) {
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

/// The checker below is only worth something if Mermaid agrees with it.
#[test]
fn mermaid_parser_rejects_what_the_rules_reject() {
    let bad = "---\ntitle: \"t\"\n---\nflowchart TD\n  end[\"x\"] --> b\n";
    if let Some(failures) = mermaid_parser(&[("reserved-end".into(), bad.into())]) {
        assert_eq!(failures.len(), 1, "{failures:?}");
    }
    assert!(mermaid_rules::check(bad).is_err());
}

// ─── Overlays, from hand-built marks ──────────────────────────────────────

fn hello() -> Model {
    load(&root().join("trees/hello.tree"))
}

fn id(model: &Model, name: &str) -> NodeId {
    model.find_node(name).expect(name)
}

/// hello.tree's path through "Very tired" and the first branch arm.
fn hello_path(model: &Model) -> Marks {
    let mut marks = Marks::new();
    for node in [
        "welcome",
        "how_tired",
        "feeling",
        "time",
        "enjoys",
        "tally",
        "pick",
        "later_break",
    ] {
        marks.insert_node(id(model, node));
    }
    for (node, exit) in [
        ("welcome", 0),
        ("how_tired", 0),
        ("feeling", 1),
        ("time", 0),
        ("enjoys", 0),
        ("tally", 0),
        ("pick", 0),
    ] {
        marks.insert_exit(id(model, node), exit);
    }
    marks
}

/// Everything in hello.tree but the walk: no third option of `how_tired`,
/// no third arm of `pick`. Single ways out are not listed on purpose.
fn hello_reached(model: &Model) -> Marks {
    let mut marks = Marks::new();
    for (i, node) in model.nodes.iter().enumerate() {
        if node.id != "walk" {
            marks.insert_node(NodeId(u32::try_from(i).expect("small")));
        }
    }
    for exit in [0, 1] {
        marks.insert_exit(id(model, "how_tired"), exit);
    }
    for exit in 0..4 {
        marks.insert_exit(id(model, "feeling"), exit);
    }
    for exit in [0, 1, 3] {
        marks.insert_exit(id(model, "pick"), exit);
    }
    marks
}

fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn highlight_draws_the_path_in_bold_in_dot() {
    let model = hello();
    let overlay = Overlay {
        highlight: Some(hello_path(&model)),
        reached: None,
    };
    let dot = graph::dot(&model, &overlay);
    let bold = lines_with(&dot, "penwidth=3");
    // 8 nodes, 7 edges and the legend entry.
    assert_eq!(bold.len(), 16, "{dot}");
    assert!(dot.contains("\"how_tired\" -> \"feeling\" [label=<Very tired>, penwidth=3"));
    assert!(dot.contains("\"how_tired\" -> \"feeling\" [label=<A bit tired>];"));
    assert!(dot.contains("\"feeling\" -> \"time\" [label=<Restless>, penwidth=3"));
    assert!(!lines_with(&dot, "\"walk\" [")[0].contains("penwidth"));
    assert!(dot.contains("highlighted path"));
    assert!(
        !dot.contains("style=dashed"),
        "no greying without --coverage"
    );
}

#[test]
fn coverage_greys_what_no_path_reaches_in_dot() {
    let model = hello();
    let overlay = Overlay {
        highlight: None,
        reached: Some(hello_reached(&model)),
    };
    let dot = graph::dot(&model, &overlay);
    let walk = lines_with(&dot, "\"walk\" [")[0];
    assert!(walk.contains("rounded,filled,dashed"), "{walk}");
    let greyed_edges: Vec<&str> = lines_with(&dot, "style=dashed");
    assert_eq!(
        greyed_edges,
        [
            "  \"how_tired\" -> \"feeling\" [label=<Not tired at all>, style=dashed, color=\"#b0b0b0\", fontcolor=\"#999999\"];",
            "  \"pick\" -> \"walk\" [label=<<I>outside in likes and</I><BR/><I>minutes &gt;= 20</I>>, style=dashed, color=\"#b0b0b0\", fontcolor=\"#999999\"];",
        ]
    );
    assert!(dot.contains("reached by no path"));
}

/// Mermaid styles links by their number in the order written.
fn link_numbers(mermaid: &str, pred: impl Fn(&str) -> bool) -> Vec<usize> {
    mermaid
        .lines()
        .filter(|l| l.contains(" -->"))
        .enumerate()
        .filter(|(_, l)| pred(l))
        .map(|(i, _)| i)
        .collect()
}

fn link_style(mermaid: &str, style_part: &str) -> Vec<usize> {
    let line = lines_with(mermaid, "linkStyle ")
        .into_iter()
        .find(|l| l.contains(style_part))
        .unwrap_or_else(|| panic!("no linkStyle with {style_part}:\n{mermaid}"));
    let numbers = line.trim().split(' ').nth(1).expect("numbers");
    numbers
        .split(',')
        .map(|n| n.parse().expect("a number"))
        .collect()
}

#[test]
fn overlays_in_mermaid_style_the_right_nodes_and_links() {
    let model = hello();
    let overlay = Overlay {
        highlight: Some(hello_path(&model)),
        reached: Some(hello_reached(&model)),
    };
    let mermaid = graph::mermaid(&model, &overlay);
    let on_path = link_numbers(&mermaid, |l| {
        ["Very tired", "Restless", "minutes #lt; 10"]
            .iter()
            .any(|s| l.contains(s))
            || [
                "welcome --> how_tired",
                "time --> enjoys",
                "enjoys --> tally",
                "tally --> pick",
            ]
            .iter()
            .any(|s| l.ends_with(s))
    });
    assert_eq!(on_path.len(), 7);
    assert_eq!(link_style(&mermaid, "stroke-width:3px"), on_path);
    let unreached = link_numbers(&mermaid, |l| {
        l.contains("Not tired at all") || l.ends_with("| walk")
    });
    assert_eq!(link_style(&mermaid, "stroke-dasharray"), unreached);
    assert!(mermaid.contains(
        "  class welcome,how_tired,feeling,time,enjoys,tally,pick,later_break,_path path\n"
    ));
    assert!(mermaid.contains("  class walk,_unreached unreached\n"));
    assert_eq!(mermaid_rules::check(&mermaid), Ok(()));
}

#[test]
fn overlay_pictures() {
    let model = hello();
    let overlay = Overlay {
        highlight: Some(hello_path(&model)),
        reached: Some(hello_reached(&model)),
    };
    insta::assert_snapshot!("hello_overlays_dot", graph::dot(&model, &overlay));
    insta::assert_snapshot!("hello_overlays_mermaid", graph::mermaid(&model, &overlay));
}

#[test]
fn a_route_marks_every_way_between_its_nodes() {
    let model = hello();
    let route = [id(&model, "how_tired"), id(&model, "feeling")];
    let marks = Marks::route(&model, &route);
    assert_eq!(marks.nodes.len(), 2);
    // All three options of how_tired lead to feeling.
    let exits: Vec<usize> = marks.exits.iter().map(|e| e.index).collect();
    assert_eq!(exits, [0, 1, 2]);
}

// ─── Odd ids and text, built by hand ──────────────────────────────────────

fn lit(s: &str) -> Text {
    Text {
        parts: vec![TextPart::Lit(s.to_string())],
    }
}

fn node(id: &str, kind: NodeKind) -> Node {
    Node {
        id: id.to_string(),
        kind,
        text: Some(lit(
            "Text with \"quotes\",\na line break, \\ and <b>markup</b> & #1",
        )),
        help: None,
        sources: Vec::new(),
        tags: Vec::new(),
        span: Span::default(),
        id_span: Span::default(),
    }
}

fn outcome(id: &str, kind: u32) -> Node {
    node(
        id,
        NodeKind::Outcome {
            kind,
            title: lit(id),
            advice: Vec::new(),
        },
    )
}

/// A model no checker would pass: ids with quotes, backslashes, line
/// breaks, markup, spaces and the ids the renderers use for their own nodes;
/// ids that become equal once made safe for Mermaid.
fn odd_model() -> Model {
    let ids = [
        "a \"quoted\" \\ id\\",
        "#start",
        "line\nbreak ü ✓ 😀 <>{}|",
        "end",
        "a.b",
        "a_b",
        "_start",
        "",
        "ns.\"in\\side\".x",
    ];
    let options = ids
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, id)| Choice {
            id: format!("o{i}"),
            label: lit(&format!("to {id}\n\"{id}\"")),
            cond: None,
            effects: Vec::new(),
            next: NodeId(u32::try_from(i).expect("small")),
            span: Span::default(),
        })
        .collect();
    let mut nodes = vec![node(ids[0], NodeKind::Question { options })];
    nodes.extend(
        ids.iter()
            .enumerate()
            .skip(1)
            .map(|(i, id)| outcome(id, u32::try_from(i % 2).expect("small"))),
    );
    Model {
        id: "odd \"tree\"\n".into(),
        title: "Odd \"title\" <with> & \\ markup\nand a line break".into(),
        version: 1,
        start: NodeId(0),
        vars: Vec::new(),
        domains: vec![vec!["stop \"here\"".into(), "<go> & #1".into()]],
        nodes,
        asserts: Vec::new(),
        citations: Vec::new(),
        quick_exit: false,
        script: None,
        hook_calls: Vec::new(),
        hooks: None,
        hash: String::new(),
        sources: Sources::new(),
    }
}

#[test]
fn odd_ids_get_distinct_mermaid_ids() {
    let model = odd_model();
    let mermaid = graph::mermaid(&model, &Overlay::none());
    mermaid_rules::check(&mermaid).unwrap_or_else(|e| panic!("{e}\n{mermaid}"));
    let defined = mermaid_rules::defined_nodes(&mermaid);
    // Every tree node, the start dot and two legend entries, all distinct.
    assert_eq!(defined.len(), model.nodes.len() + 3, "{defined:?}");
}

// ─── The command ──────────────────────────────────────────────────────────

fn guidetree(args: &[&str]) -> std::process::Output {
    common::guidetree()
        .args(args)
        .output()
        .expect("guidetree runs")
}

#[test]
fn command_writes_dot_to_stdout_by_default() {
    let out = guidetree(&["graph", "trees/hello.tree"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        graph::dot(&hello(), &Overlay::none())
    );
}

#[test]
fn command_writes_a_file_and_takes_the_format_from_its_extension() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("graph-command-hello.mmd");
    let file_arg = file.to_str().expect("utf-8 temp path");
    let out = guidetree(&["graph", "trees/hello.tree", "-o", file_arg]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&file).expect("written");
    assert_eq!(written, graph::mermaid(&hello(), &Overlay::none()));
    let out = guidetree(&[
        "graph",
        "trees/hello.tree",
        "--format",
        "dot",
        "-o",
        file_arg,
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(&file)
        .expect("written")
        .starts_with("digraph "));
}

#[test]
fn command_reports_a_broken_tree_instead_of_drawing_it() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("graph-broken.tree");
    std::fs::write(&file, "tree t \"T\" { start a outcomes done }\nquestion a { text \"?\" option x \"X\" -> nowhere }\n")
        .expect("write");
    let out = guidetree(&["graph", file.to_str().expect("utf-8"), "--color", "never"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nowhere"), "{stderr}");
    assert!(
        stderr.contains("cannot draw a tree with errors"),
        "{stderr}"
    );
}

#[test]
fn command_rejects_an_unknown_format() {
    let out = guidetree(&["graph", "trees/hello.tree", "--format", "png"]);
    assert_eq!(out.status.code(), Some(2));
}

// ─── Mermaid's flowchart rules ────────────────────────────────────────────

/// A checker for the subset of Mermaid flowchart syntax the renderer writes,
/// rule by rule. Sources:
/// - [F] Mermaid's flowchart syntax page, <https://mermaid.js.org/syntax/flowchart.html>
/// - [L] the flowchart lexer and grammar, `packages/mermaid/src/diagrams/flowchart/parser/flow.jison`
/// - [C] front matter, <https://mermaid.js.org/config/configuration.html#frontmatter-config>
mod mermaid_rules {
    use std::collections::{BTreeSet, HashSet};

    /// Words the lexer [L] turns into keyword tokens where a node id may
    /// stand (`style\b`, `class\b`, `end\b\s*`, …), so an id must never be
    /// one. [F] warns about `end` in particular: "If you are using the word
    /// "end" in a Flowchart node, capitalize the entire word or any of the
    /// letters". Compared without case, to be safe against every spelling.
    const KEYWORDS: &[&str] = &[
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
        "_self",
        "_blank",
        "_parent",
        "_top",
    ];

    /// Node shapes [F] "Node shapes": rectangle, stadium, circle, asymmetric,
    /// rhombus, hexagon; the text always in double quotes.
    const SHAPES: &[(&str, &str)] = &[
        ("([", "])"),
        ("((", "))"),
        ("{{", "}}"),
        ("[", "]"),
        (">", "]"),
        ("{", "}"),
    ];

    #[derive(Default)]
    struct State {
        nodes: Vec<String>,
        subgraphs: Vec<String>,
        open: Vec<String>,
        /// Links in the order written: [F] "Styling links" numbers them
        /// from 0 in that order for `linkStyle`.
        links: usize,
        link_ends: Vec<String>,
        classes: HashSet<String>,
        class_members: Vec<String>,
        link_styles: Vec<usize>,
    }

    /// Check a whole flowchart.
    pub fn check(text: &str) -> Result<(), String> {
        let mut lines = text.lines().enumerate();
        front_matter(&mut lines)?;
        let mut state = State::default();
        for (n, line) in lines {
            state
                .line(line)
                .map_err(|e| format!("line {}: {e}: `{line}`", n + 1))?;
        }
        state.finish()
    }

    /// The ids of every node defined.
    pub fn defined_nodes(text: &str) -> BTreeSet<String> {
        let mut lines = text.lines().enumerate();
        let _ = front_matter(&mut lines);
        let mut state = State::default();
        for (_, line) in lines {
            let _ = state.line(line);
        }
        state.nodes.into_iter().collect()
    }

    /// [C]: front matter between `---` lines; the title is a YAML
    /// double-quoted scalar (a JSON string is one). Then the diagram type and
    /// direction, [F] "Flowcharts - Basic Syntax" / "Direction".
    fn front_matter<'a>(lines: &mut impl Iterator<Item = (usize, &'a str)>) -> Result<(), String> {
        let mut next = || lines.next().map(|(_, l)| l).unwrap_or_default();
        if next() != "---" {
            return Err("front matter must open with ---".into());
        }
        let title = next()
            .strip_prefix("title: ")
            .ok_or("front matter must hold the title")?;
        serde_json::from_str::<String>(title).map_err(|e| format!("title is not quoted: {e}"))?;
        if next() != "---" {
            return Err("front matter must close with ---".into());
        }
        if next() != "flowchart TD" {
            return Err("the diagram must be `flowchart TD`".into());
        }
        Ok(())
    }

    impl State {
        fn line(&mut self, line: &str) -> Result<(), String> {
            let t = line.trim_start();
            if t.trim_end() != t {
                return Err("trailing space".into());
            }
            if t.starts_with("%%") {
                // [F] "Comments": a line starting with `%%` is ignored.
                return Ok(());
            }
            if t == "end" {
                // [F] "Subgraphs": `subgraph id [title]` … `end`.
                return self
                    .open
                    .pop()
                    .map(|_| ())
                    .ok_or("`end` with no subgraph open".into());
            }
            if let Some(rest) = t.strip_prefix("subgraph ") {
                return self.subgraph(rest);
            }
            if let Some(rest) = t.strip_prefix("classDef ") {
                return self.class_def(rest);
            }
            if let Some(rest) = t.strip_prefix("class ") {
                return self.class(rest);
            }
            if let Some(rest) = t.strip_prefix("linkStyle ") {
                return self.link_style(rest);
            }
            let (id, rest) = take_id(t)?;
            match rest.strip_prefix(" -->") {
                Some(rest) => self.link(id, rest),
                None => self.node(id, rest),
            }
        }

        fn subgraph(&mut self, rest: &str) -> Result<(), String> {
            let (id, rest) = take_id(rest)?;
            let rest = rest
                .strip_prefix(" [")
                .ok_or("subgraph title must follow as [\"…\"]")?;
            let (_, rest) = take_string(rest)?;
            if rest != "]" {
                return Err("subgraph title must end with ]".into());
            }
            self.define(id)?;
            self.subgraphs.push(id.to_string());
            self.open.push(id.to_string());
            Ok(())
        }

        fn node(&mut self, id: &str, rest: &str) -> Result<(), String> {
            let (open, close) = SHAPES
                .iter()
                .find(|(open, _)| rest.starts_with(&format!("{open}\"")))
                .ok_or("a node needs a shape with quoted text")?;
            let (_, after) = take_string(&rest[open.len()..])?;
            if after != *close {
                return Err(format!(
                    "the shape must close with {close} right after the closing quote"
                ));
            }
            self.define(id)?;
            self.nodes.push(id.to_string());
            Ok(())
        }

        fn define(&self, id: &str) -> Result<(), String> {
            if self.nodes.iter().chain(&self.subgraphs).any(|n| n == id) {
                return Err(format!("`{id}` is defined twice"));
            }
            Ok(())
        }

        /// [F] "A link with arrow head" (`A --> B`) and "Text on links"
        /// (`A -->|text| B`). Spaces around the arrow keep an id that starts
        /// with `o` or `x` from reading as a circle or cross arrow head ([F]
        /// warns about `dev---ops`).
        fn link(&mut self, from: &str, rest: &str) -> Result<(), String> {
            let rest = match rest.strip_prefix('|') {
                Some(label) => {
                    let (_, after) = take_string(label)?;
                    after
                        .strip_prefix("| ")
                        .ok_or("a link label must close with `| `")?
                }
                None => rest
                    .strip_prefix(' ')
                    .ok_or("a space must follow the arrow")?,
            };
            let (to, after) = take_id(rest)?;
            if !after.is_empty() {
                return Err(format!("unexpected `{after}` after the link"));
            }
            self.link_ends.extend([from.to_string(), to.to_string()]);
            self.links += 1;
            Ok(())
        }

        /// [F] "Classes": `classDef name fill:#f9f,stroke:#333`.
        fn class_def(&mut self, rest: &str) -> Result<(), String> {
            let (name, styles) = rest.split_once(' ').ok_or("classDef needs styles")?;
            take_id(name)?;
            check_styles(styles)?;
            self.classes.insert(name.to_string());
            Ok(())
        }

        /// [F] "Classes": `class id1,id2 name`, the class defined first.
        fn class(&mut self, rest: &str) -> Result<(), String> {
            let (members, name) = rest
                .split_once(' ')
                .ok_or("class needs members and a name")?;
            if !self.classes.contains(name) {
                return Err(format!("class `{name}` is not defined"));
            }
            for member in members.split(',') {
                let (id, after) = take_id(member)?;
                if !after.is_empty() {
                    return Err(format!("bad class member `{member}`"));
                }
                self.class_members.push(id.to_string());
            }
            Ok(())
        }

        /// [F] "Styling links": `linkStyle 1,3 stroke:#ff3,stroke-width:4px`.
        fn link_style(&mut self, rest: &str) -> Result<(), String> {
            let (numbers, styles) = rest.split_once(' ').ok_or("linkStyle needs styles")?;
            for n in numbers.split(',') {
                let n: usize = n
                    .parse()
                    .map_err(|_| format!("`{n}` is not a link number"))?;
                self.link_styles.push(n);
            }
            check_styles(styles)
        }

        fn finish(self) -> Result<(), String> {
            if let Some(open) = self.open.last() {
                return Err(format!("subgraph `{open}` is never closed with `end`"));
            }
            for end in self.link_ends.iter().chain(&self.class_members) {
                if !self.nodes.contains(end) {
                    return Err(format!("`{end}` is used but undefined"));
                }
            }
            if let Some(n) = self.link_styles.iter().find(|&&n| n >= self.links) {
                return Err(format!("linkStyle names link {n} of {}", self.links));
            }
            Ok(())
        }
    }

    /// An id: [L] NODE_STRING takes more characters, but `-` starts links,
    /// `&` chains nodes, `:::` attaches classes, `.` and `@` have meanings of
    /// their own; word characters alone are always an id.
    fn take_id(s: &str) -> Result<(&str, &str), String> {
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        let (id, rest) = s.split_at(end);
        if id.is_empty() {
            return Err("expected an id of [A-Za-z0-9_]".into());
        }
        if KEYWORDS.contains(&id.to_ascii_lowercase().as_str()) {
            return Err(format!("`{id}` is reserved by Mermaid's lexer"));
        }
        Ok((id, rest))
    }

    /// A double-quoted string. [L] a string runs to the next `"` with no
    /// escapes, so a `"` inside must be the entity `#quot;`.
    fn take_string(s: &str) -> Result<(&str, &str), String> {
        let body = s.strip_prefix('"').ok_or("expected a quoted string")?;
        let end = body.find('"').ok_or("the string is never closed")?;
        let (text, rest) = (&body[..end], &body[end + 1..]);
        check_text(text)?;
        Ok((text, rest))
    }

    /// Text inside quotes:
    /// - [F] "Entity codes to escape characters": `#` starts an entity code
    ///   (`#quot;`, `#35;`), so a literal `#` must be written `#35;`;
    /// - [F] "Markdown Strings": a string opening with a backtick is
    ///   Markdown, so backticks are written `#96;`;
    /// - labels are HTML (the `htmlLabels` setting): `<`, `>` and `&` are
    ///   written as entity codes, and the only tags are `<br>`, `<b>`, `</b>`;
    /// - no line breaks or control characters (`<br>` breaks lines).
    fn check_text(text: &str) -> Result<(), String> {
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let step = match c {
                '#' => entity_len(rest).ok_or("a `#` must start an entity code like #35;")?,
                '<' => ["<br>", "<b>", "</b>"]
                    .iter()
                    .find(|tag| rest.starts_with(**tag))
                    .map(|tag| tag.len())
                    .ok_or("markup other than <br>, <b>, </b>")?,
                '`' => return Err("a backtick must be written #96;".into()),
                '>' | '&' => return Err(format!("`{c}` must be an entity code")),
                c if c.is_control() => return Err("control character".into()),
                c => c.len_utf8(),
            };
            rest = &rest[step..];
        }
        Ok(())
    }

    /// The length of an entity code at the start of `s`: `#` + word + `;`.
    fn entity_len(s: &str) -> Option<usize> {
        let body = s.strip_prefix('#')?;
        let end = body.find(';')?;
        let name = &body[..end];
        (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric())).then_some(end + 2)
    }

    /// [F] "Styling a node": `key:value` pairs joined by commas.
    fn check_styles(styles: &str) -> Result<(), String> {
        for pair in styles.split(',') {
            let (key, value) = pair
                .split_once(':')
                .ok_or(format!("style `{pair}` is not key:value"))?;
            if key.is_empty() || value.is_empty() || value.contains(';') {
                return Err(format!("bad style `{pair}`"));
            }
        }
        Ok(())
    }
}

#[test]
fn command_highlights_a_path_found_by_its_id() {
    // Take a real id from `paths` rather than guessing the key format.
    let listing = guidetree(&["paths", "trees/hello.tree"]);
    let first = String::from_utf8_lossy(&listing.stdout);
    let id = first.split_whitespace().next().expect("a path id");
    let out = guidetree(&["graph", "trees/hello.tree", "--highlight", id]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dot = String::from_utf8_lossy(&out.stdout);
    let bold: Vec<&str> = dot.lines().filter(|l| l.contains("penwidth=3")).collect();
    // The first path ends at later_break: its nodes are bold, walk is not.
    assert!(bold.iter().any(|l| l.contains("\"later_break\"")), "{dot}");
    assert!(!bold.iter().any(|l| l.starts_with("  \"walk\"")), "{dot}");
}

#[test]
fn command_greys_what_no_path_reaches() {
    // The option `never` hides behind a variable that nothing ever sets.
    let out = guidetree(&[
        "graph",
        "tests/fixtures/graph/dead-option.tree",
        "--coverage",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dot = String::from_utf8_lossy(&out.stdout);
    let edges: Vec<&str> = dot
        .lines()
        .filter(|l| l.contains("\"q\" -> \"end\""))
        .collect();
    assert_eq!(edges.len(), 2, "{dot}");
    assert!(
        !edges[0].contains("dashed"),
        "the reached option stays solid: {dot}"
    );
    assert!(
        edges[1].contains("dashed"),
        "the option no path takes is greyed: {dot}"
    );
}

#[test]
fn command_refuses_an_unknown_path_id() {
    let out = guidetree(&["graph", "trees/hello.tree", "--highlight", "pdeadbeef"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("no path of this tree has the id `pdeadbeef`"));
}
