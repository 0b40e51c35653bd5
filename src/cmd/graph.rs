//! `guidetree graph FILE [--format dot|mermaid] [-o OUT]`

use crate::cmd::{load_checked, EXIT_FAIL};
use crate::explore;
use crate::graph::{self, Marks, Overlay};
use crate::ids::saturating_u32;
use crate::model::{Model, NodeId, NodeKind};
use crate::output;
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tree file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// dot (Graphviz) or mermaid; by default taken from the extension of
    /// OUT (`.mmd`/`.mermaid` for Mermaid), else dot.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the picture here instead of to stdout (`-` is stdout). Only a
    /// regular file is replaced, never one the tree was read from.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Draw one path (an id from `guidetree paths`) in bold.
    #[arg(long, value_name = "PATH_ID")]
    pub highlight: Option<String>,
    /// Grey out the nodes and options that no path reaches.
    #[arg(long)]
    pub coverage: bool,
    #[command(flatten)]
    pub load: crate::cmd::LoadArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Dot,
    Mermaid,
}

/// Check the tree, then draw it; a tree with errors gets its diagnostics
/// and exit code 1 instead.
///
/// # Errors
/// When an overlay cannot be built or the picture cannot be written.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let Some(checked) = load_checked(&args.file, args.load, "cannot draw a tree with errors")?
    else {
        return Ok(EXIT_FAIL);
    };
    let model = checked.model;
    let inputs = output::Inputs::of_model(&model);
    let target = args.output.as_deref().filter(|p| !output::is_stdout(p));
    if let Some(path) = target {
        output::check_target(path, &inputs)?;
    }
    let overlay = overlay(args, &model)?;
    let picture = graph::render(&model, &overlay, format(args));
    match target {
        Some(path) => output::write_file(path, picture.as_bytes(), &inputs, 0o644)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(picture.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(crate::cmd::EXIT_OK)
}

fn format(args: &Args) -> graph::Format {
    let from_extension = || {
        let ext = args.output.as_deref()?.extension()?.to_str()?;
        matches!(ext, "mmd" | "mermaid").then_some(graph::Format::Mermaid)
    };
    match args.format {
        Some(Format::Dot) => graph::Format::Dot,
        Some(Format::Mermaid) => graph::Format::Mermaid,
        None => from_extension().unwrap_or(graph::Format::Dot),
    }
}

/// The overlays asked for: one path found by its id, and what the tree's
/// distinct states reach.
fn overlay(args: &Args, model: &Model) -> anyhow::Result<Overlay> {
    let options = explore::Options::default();
    let highlight = match &args.highlight {
        None => None,
        Some(id) => {
            let path = explore::find_path(model, id, &options).with_context(|| {
                format!("no path of this tree has the id `{id}` (list them with `guidetree paths`)")
            })?;
            let mut marks = Marks::new();
            mark_path(model, &mut marks, &path.nodes, &path.choices);
            Some(marks)
        }
    };
    let reached = if args.coverage {
        // Every answer from every distinct state: what some path takes.
        let space = explore::Space::explore(model, &options)
            .map_err(|e| anyhow::anyhow!("cannot explore the tree: {e}"))?;
        let mut marks = Marks::new();
        mark_path(model, &mut marks, space.start_passed(), &[]);
        for (i, state) in space.states.iter().enumerate() {
            let id = saturating_u32(i);
            for edge in space.edges_of(id) {
                let mut nodes = vec![state.node];
                nodes.extend_from_slice(space.passed(edge));
                let choices = match edge.answer {
                    crate::interp::Answer::Choose(o) => vec![(state.node, o)],
                    _ => Vec::new(),
                };
                mark_path(model, &mut marks, &nodes, &choices);
            }
        }
        Some(marks)
    } else {
        None
    };
    Ok(Overlay { highlight, reached })
}

/// Mark a path's nodes and the exits it takes: the option chosen at each
/// question, the arm each branch took (read off the next node), and the one
/// exit of every other node.
fn mark_path(model: &Model, marks: &mut Marks, nodes: &[NodeId], choices: &[(NodeId, usize)]) {
    let mut choices = choices.iter();
    for (i, &node) in nodes.iter().enumerate() {
        marks.insert_node(node);
        let Some(&next) = nodes.get(i + 1) else { break };
        match &model.node(node).kind {
            NodeKind::Question { .. } => {
                if let Some(&(_, option)) = choices.find(|(n, _)| *n == node) {
                    marks.insert_exit(node, option);
                }
            }
            NodeKind::Branch { arms, .. } => {
                let arm = arms
                    .iter()
                    .position(|a| a.next == next)
                    .unwrap_or(arms.len());
                marks.insert_exit(node, arm);
            }
            _ => marks.insert_exit(node, 0),
        }
    }
}
