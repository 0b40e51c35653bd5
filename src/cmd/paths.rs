//! `guidetree paths FILE`: every path through a tree, with its answers and
//! how it ends; or exact counts (`--count`), the shortest answers to a node
//! (`--to`), or paths drawn uniformly at random (`--sample`).

use crate::cmd::{load_model, EXIT_FAIL, EXIT_OK};
use crate::explore::sample::Sampler;
use crate::explore::space::{Edge, Passing, StateId};
use crate::explore::{
    self, End, Options, PathView, Space, Summary, DEFAULT_MAX_STATES, DEFAULT_MAX_VISITS,
};
use crate::interp::Answer;
use crate::model::{Model, NodeId};
use crate::report;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::cell::Cell;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tree file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output format: text (one line per path) or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Only count the paths, exactly, from the tree's distinct states (in
    /// total, per outcome and, with `--format json`, per node and option).
    #[arg(long, conflicts_with_all = ["to", "sample"])]
    pub count: bool,
    /// Print the shortest answers that reach NODE, as an answers file that
    /// `guidetree run --answers` replays.
    #[arg(long, value_name = "NODE", conflicts_with = "sample")]
    pub to: Option<String>,
    /// Draw N paths uniformly at random over all paths.
    #[arg(long, value_name = "N")]
    pub sample: Option<u64>,
    /// The seed for `--sample`: the same seed draws the same paths.
    #[arg(long, value_name = "S", default_value_t = 0, requires = "sample")]
    pub seed: u64,
    /// Only the paths that enter a node tagged TAG (listing, `--count`,
    /// `--sample`, `--format json`).
    #[arg(long, value_name = "TAG", conflicts_with = "to")]
    pub tag: Option<String>,
    /// List at most N paths (0: no limit); the summary and the exit code
    /// are then about the paths listed.
    #[arg(
        long,
        value_name = "N",
        default_value_t = DEFAULT_LIMIT,
        conflicts_with_all = ["count", "to", "sample"]
    )]
    pub limit: u64,
    #[command(flatten)]
    pub explore: ExploreArgs,
    #[command(flatten)]
    pub load: crate::cmd::LoadArgs,
}

/// Paths listed by default, so that no tree writes gigabytes by accident.
pub const DEFAULT_LIMIT: u64 = 100_000;

/// Exploration settings shared by `paths`, `test`, `snapshot` and `diff`.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ExploreArgs {
    /// How many times one path may stop at the same node; a path that would
    /// arrive once more is reported as cut.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_VISITS, value_parser = visits)]
    pub max_visits: u32,
    /// Most distinct states to explore before giving up with a message that
    /// names what multiplies them; bounds memory.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_STATES, value_parser = states)]
    pub max_states: usize,
}

/// Most visits `--max-visits` accepts: each visit of a loop multiplies the
/// states, and more than this is never a useful test.
pub const MAX_VISITS_LIMIT: u32 = 100;

fn visits(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(0) => Err("a path must be allowed at least 1 visit to each node".into()),
        Ok(n) if n > MAX_VISITS_LIMIT => Err(format!(
            "{n} visits is more than the {MAX_VISITS_LIMIT} allowed"
        )),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "`{s}` is not a whole number of visits from 1 to {MAX_VISITS_LIMIT}"
        )),
    }
}

fn states(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) | Err(_) => Err(format!("`{s}` is not a whole number of states, at least 1")),
        Ok(n) => Ok(n),
    }
}

impl ExploreArgs {
    /// The explorer's options.
    #[must_use]
    pub fn options(self) -> Options {
        Options {
            max_visits: self.max_visits,
            max_states: self.max_states,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// List, count, sample, or find the way to a node.
///
/// # Errors
/// When writing the output fails.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let Some(model) = load_model(&args.file, args.load)? else {
        return Ok(EXIT_FAIL);
    };
    let options = args.explore.options();
    let marked = match &args.tag {
        None => None,
        Some(tag) => match tagged_nodes(&model, tag) {
            Ok(marked) => Some(marked),
            Err(message) => {
                eprintln!("error: {}: {message}", args.file.display());
                return Ok(crate::cli::EXIT_USAGE);
            }
        },
    };
    let mut out = BufWriter::new(io::stdout().lock());
    if args.count || args.to.is_some() || args.sample.is_some() {
        let progress = Progress::states();
        let space = Space::explore(&model, &options);
        progress.finish();
        let space = match space {
            Ok(space) => space,
            Err(e) => {
                drop(out);
                eprintln!("error: {}: {e}", args.file.display());
                return Ok(EXIT_FAIL);
            }
        };
        let passing = marked.map(|m| Passing::new(&space, m));
        let code = if let Some(node) = &args.to {
            write_to(&mut out, &model, &space, node, args)?
        } else if let Some(n) = args.sample {
            write_sample(&mut out, &model, &space, passing.as_ref(), n, args)?
        } else {
            let counts = match &passing {
                Some(p) => Counts::passing(&model, p),
                None => Counts::all(&model, &space),
            };
            write_counts(&mut out, &model, &space, &counts, args)?;
            EXIT_OK
        };
        crate::cmd::closed_is_fine(out.flush())?;
        return Ok(code);
    }
    let progress = Progress::new();
    match list(
        &mut out,
        &model,
        &options,
        args,
        marked.as_deref(),
        &progress,
    ) {
        Ok((written, summary)) => {
            crate::cmd::closed_is_fine(written.and_then(|()| out.flush()))?;
            let failed = summary.errors + summary.stuck;
            if failed == 0 {
                return Ok(EXIT_OK);
            }
            // A closed or full stderr must not turn the verdict around.
            let _ = writeln!(
                io::stderr().lock(),
                "error: {failed} of {} paths get stuck or fail (`guidetree test` shows the shortest)",
                summary.paths
            );
            Ok(EXIT_FAIL)
        }
        Err(e) => {
            drop(out);
            eprintln!(
                "error: {}: the tree fails before its first step: {e}",
                args.file.display()
            );
            Ok(EXIT_FAIL)
        }
    }
}

/// The nodes that carry `tag`, one flag per node; or why there are none.
fn tagged_nodes(model: &Model, tag: &str) -> Result<Vec<bool>, String> {
    let marked: Vec<bool> = model
        .nodes
        .iter()
        .map(|n| n.tags.iter().any(|t| t == tag))
        .collect();
    if marked.contains(&true) {
        return Ok(marked);
    }
    let mut known: Vec<&str> = model
        .nodes
        .iter()
        .flat_map(|n| n.tags.iter().map(String::as_str))
        .collect();
    known.sort_unstable();
    known.dedup();
    if known.is_empty() {
        return Err(format!("no node has the tag `{tag}`: the tree has no tags"));
    }
    let hint = crate::diag::did_you_mean(tag, known.iter().copied()).map_or_else(
        || format!("; its tags are {}", known.join(", ")),
        |s| format!("; {s}"),
    );
    Err(format!("no node has the tag `{tag}`{hint}"))
}

/// Exact path counts, of every path or of those passing a tagged node.
struct Counts {
    paths: explore::Count,
    outcomes: explore::Count,
    cut: explore::Count,
    stuck: explore::Count,
    errors: explore::Count,
    kinds: Vec<explore::Count>,
    per_node: Vec<explore::Count>,
    per_option: Vec<Vec<explore::Count>>,
}

impl Counts {
    fn all(model: &Model, space: &Space) -> Self {
        let report = crate::explore::asserts::report(model, space);
        let t = report.totals;
        Counts {
            paths: t.paths,
            outcomes: t.outcomes,
            cut: t.cut,
            stuck: t.stuck,
            errors: t.errors,
            kinds: t.kinds,
            per_node: space.paths_per_node(model.nodes.len()),
            per_option: space.paths_per_option(model),
        }
    }

    fn passing(model: &Model, p: &Passing<'_>) -> Self {
        let space = p.space();
        let zero = explore::Count::ZERO;
        let (mut outcomes, mut cut, mut stuck, mut errors) = (zero, zero, zero, zero);
        for id in space.ids() {
            let n = p.ending_in(id);
            let slot = match space.end(id) {
                Some(End::Outcome { .. }) => &mut outcomes,
                Some(End::Cut { .. }) => &mut cut,
                Some(End::Stuck { .. }) => &mut stuck,
                Some(End::Error { .. }) => &mut errors,
                None => continue,
            };
            *slot = slot.plus(n);
        }
        Counts {
            paths: p.total(),
            outcomes,
            cut,
            stuck,
            errors,
            kinds: p.per_kind(model.domains[crate::model::OUTCOME_KINDS.0 as usize].len()),
            per_node: p.per_node(model.nodes.len()),
            per_option: p.per_option(model),
        }
    }
}

/// Exact counts: total, per outcome, and in JSON per node and option.
fn write_counts(
    out: &mut impl Write,
    model: &Model,
    space: &Space,
    t: &Counts,
    args: &Args,
) -> io::Result<()> {
    match args.format {
        Format::Text => {
            writeln!(out, "{}", t.paths)?;
            Ok(())
        }
        Format::Json => {
            let kinds = &model.domains[crate::model::OUTCOME_KINDS.0 as usize];
            let per_kind: serde_json::Map<String, serde_json::Value> = kinds
                .iter()
                .zip(&t.kinds)
                .map(|(k, n)| (k.clone(), json!(n)))
                .collect();
            let per_node: serde_json::Map<String, serde_json::Value> = model
                .nodes
                .iter()
                .zip(&t.per_node)
                .map(|(n, c)| (n.id.clone(), json!(c)))
                .collect();
            let per_option: serde_json::Map<String, serde_json::Value> = model
                .nodes
                .iter()
                .zip(&t.per_option)
                .filter_map(|(n, counts)| {
                    let crate::model::NodeKind::Question { options } = &n.kind else {
                        return None;
                    };
                    let map: serde_json::Map<String, serde_json::Value> = options
                        .iter()
                        .zip(counts)
                        .map(|(o, c)| (o.id.clone(), json!(c)))
                        .collect();
                    Some((n.id.clone(), serde_json::Value::Object(map)))
                })
                .collect();
            let mut json = json!({
                "tree": model.id,
                "paths": t.paths,
                "outcomes": t.outcomes,
                "cut": t.cut,
                "stuck": t.stuck,
                "errors": t.errors,
                "states": space.states.len(),
                "answers": space.edges.len(),
                "exhaustive": space.exhaustive(),
                "per_outcome_kind": per_kind,
                "per_node": per_node,
                "per_option": per_option,
            });
            if let (Some(tag), Some(map)) = (&args.tag, json.as_object_mut()) {
                map.insert("tag".into(), json!(tag));
            }
            writeln!(out, "{json}")
        }
    }
}

/// The shortest answers that reach a node, as an answers file.
fn write_to(
    out: &mut impl Write,
    model: &Model,
    space: &Space,
    node: &str,
    args: &Args,
) -> anyhow::Result<i32> {
    let Some(target) = model.find_node(node) else {
        let ids: Vec<&str> = model.nodes.iter().map(|n| n.id.as_str()).collect();
        let hint = crate::diag::did_you_mean(node, ids.iter().copied())
            .map_or(String::new(), |s| format!("; {s}"));
        eprintln!(
            "error: {}: there is no node `{node}`{hint}",
            args.file.display()
        );
        return Ok(crate::cmd::EXIT_USAGE);
    };
    let mut shortest = None;
    for witness in ways_to(space, target) {
        if answers_each_step_once(&witness) {
            let file = crate::answers::answers_file(model, &witness);
            writeln!(out, "{}", serde_json::to_string_pretty(&file)?)?;
            return Ok(EXIT_OK);
        }
        shortest.get_or_insert(witness);
    }
    let file = args.file.display();
    match shortest {
        // An answers file holds one answer a step: a way round a loop that
        // answers a step twice cannot be written as one.
        Some(witness) => eprintln!(
            "error: {file}: the shortest way found to `{node}` answers `{}` twice \
             ({}); an answers file holds one answer a step, so it cannot be written as one",
            repeated_step(model, &witness),
            witness_text(model, &witness)
        ),
        None if space.exhaustive() && !has_cut(space) => {
            eprintln!("error: {file}: no path reaches `{node}` (`guidetree test` explains why)")
        }
        None => eprintln!(
            "error: {file}: no path explored reaches `{node}`; exploration was bounded or \
             sampled, so a value not tried or a longer loop might (`guidetree test` says which)"
        ),
    }
    Ok(EXIT_FAIL)
}

/// The ways found to a node, shortest first: to each state waiting there
/// (breadth-first order), then through each answer that passes it.
fn ways_to(space: &Space, target: NodeId) -> impl Iterator<Item = Vec<(NodeId, Answer)>> + '_ {
    let waiting = space.ids().filter(move |&id| {
        space.state(id).node == target
            && !matches!(
                space.end(id),
                Some(End::Error {
                    answer: Some(_),
                    ..
                })
            )
    });
    let start = space.start_passed().contains(&target).then(Vec::new);
    start
        .into_iter()
        .chain(waiting.map(|id| space.witness(id)))
        // Worked out only when no way to a state waiting there will do.
        .chain(std::iter::once(()).flat_map(move |()| entering(space, target)))
}

/// The ways through each answer that passes a node, shortest first.
fn entering(space: &Space, target: NodeId) -> impl Iterator<Item = Vec<(NodeId, Answer)>> + '_ {
    let mut entering: Vec<(StateId, &Edge)> = space
        .ids()
        .flat_map(|id| space.edges_of(id).iter().map(move |e| (id, e)))
        .filter(|(_, e)| space.passed(e).contains(&target))
        .collect();
    entering.sort_by_key(|(from, _)| space.state(*from).depth);
    entering.into_iter().map(|(from, e)| {
        let mut w = space.witness(from);
        w.push((space.state(from).node, e.answer.clone()));
        w
    })
}

/// Does a way answer each step at most once (so an answers file holds it)?
fn answers_each_step_once(witness: &[(NodeId, Answer)]) -> bool {
    first_repeat(witness).is_none()
}

/// The first step a way answers a second time.
fn first_repeat(witness: &[(NodeId, Answer)]) -> Option<NodeId> {
    let mut seen = std::collections::HashSet::new();
    witness
        .iter()
        .find(|(node, _)| !seen.insert(*node))
        .map(|(node, _)| *node)
}

/// The id of the first step a way answers twice.
fn repeated_step<'m>(model: &'m Model, witness: &[(NodeId, Answer)]) -> &'m str {
    first_repeat(witness).map_or("", |n| model.node(n).id.as_str())
}

/// A way as its path key: `step=answer > ...`.
fn witness_text(model: &Model, witness: &[(NodeId, Answer)]) -> String {
    explore::key_of(model, witness.iter().map(|(n, a)| (*n, a)))
}

/// Were some paths cut at the visit limit?
fn has_cut(space: &Space) -> bool {
    space
        .ids()
        .any(|id| matches!(space.end(id), Some(End::Cut { .. })))
}

/// N paths drawn uniformly at random over all paths.
fn write_sample(
    out: &mut impl Write,
    model: &Model,
    space: &Space,
    passing: Option<&Passing<'_>>,
    n: u64,
    args: &Args,
) -> anyhow::Result<i32> {
    let sampler = match passing {
        Some(p) => Sampler::passing(space, p, args.seed),
        None => Sampler::new(space, args.seed),
    };
    let Some(mut sampler) = sampler else {
        let total = passing.map_or_else(|| space.total_paths(), Passing::total);
        let tag = args.tag.as_deref().unwrap_or_default();
        if total.is_zero() {
            eprintln!(
                "error: {}: no path enters a node tagged `{tag}`",
                args.file.display()
            );
        } else {
            eprintln!(
                "error: {}: there are {total} paths, more than can be drawn from uniformly",
                args.file.display(),
            );
        }
        return Ok(EXIT_FAIL);
    };
    if args.format == Format::Json {
        write!(
            out,
            "{{\"tree\":{},\"seed\":{},\"paths\":[",
            json!(model.id),
            args.seed
        )?;
    }
    for i in 0..n {
        let drawn = sampler.draw_path();
        let (answers, end) = (&drawn.answers, drawn.end);
        let key = explore::key_of(model, answers.iter().map(|(n, a)| (*n, a)));
        let id = explore::path_id(&key);
        match args.format {
            Format::Text => {
                let key = if key.is_empty() { "(no answers)" } else { &key };
                writeln!(out, "{id} {key} → {}", end.describe(model))?;
            }
            Format::Json => {
                let sep = if i == 0 { "\n" } else { ",\n" };
                let answers: Vec<_> = answers
                    .iter()
                    .map(|(node, a)| {
                        json!({"node": model.node(*node).id, "answer": explore::answer_text(model, *node, a)})
                    })
                    .collect();
                let path = json!({
                    "id": id,
                    "key": key,
                    "answers": answers,
                    "tags": tags_json(model, &drawn.nodes),
                    "end": end_json(model, end),
                });
                write!(out, "{sep}{path}")?;
            }
        }
    }
    if args.format == Format::Json {
        writeln!(out, "\n]}}")?;
    }
    Ok(EXIT_OK)
}

fn summary_json(s: &Summary) -> serde_json::Value {
    json!({
        "paths": s.paths,
        "outcomes": s.outcomes,
        "cut": s.cut,
        "stuck": s.stuck,
        "errors": s.errors,
        "steps": s.steps,
    })
}

/// Stream paths to `out`, at most `--limit` of them; returns the write
/// result and the summary, or the exploration's start failure.
fn list(
    out: &mut impl Write,
    model: &Model,
    options: &Options,
    args: &Args,
    marked: Option<&[bool]>,
    progress: &Progress,
) -> Result<(io::Result<()>, Summary), crate::interp::AnswerError> {
    let format = args.format;
    let mut written = Ok(());
    let mut listed = 0u64;
    let mut limited = false;
    // How the listed paths end: what a limited listing reports.
    let mut tally = Tally::default();
    if format == Format::Json {
        written = write!(out, "{{\"tree\":{},\"paths\":[", json!(model.id));
    }
    let summary = explore::explore(model, options, &mut |p: &mut PathView<'_, '_>| {
        if args.limit > 0 && listed >= args.limit {
            limited = true;
            return ControlFlow::Break(());
        }
        progress.tick();
        if let Some(marked) = marked {
            if !p.session().path().iter().any(|n| marked[n.index()]) {
                return ControlFlow::Continue(());
            }
        }
        written = match format {
            Format::Text => writeln!(out, "{}", path_line(p)),
            Format::Json => {
                let sep = if listed == 0 { "\n" } else { ",\n" };
                write!(out, "{sep}{}", path_json(p))
            }
        };
        listed += 1;
        tally.add(p.end());
        if written.is_ok() {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    });
    progress.finish();
    let mut summary = summary?;
    if limited {
        tally.put(&mut summary);
    }
    if written.is_ok() {
        let note = limited.then(|| {
            format!(
                "listed the first {listed} paths (--limit {}); `--count` counts them all",
                args.limit
            )
        });
        written = match format {
            Format::Text => {
                let mut err = io::stderr().lock();
                let mut line = note.unwrap_or_else(|| report::paths_summary(&summary));
                if let (Some(tag), false) = (&args.tag, limited) {
                    line = format!("{line}; {listed} enter a node tagged `{tag}`");
                }
                // A closed or full stderr must not end the run.
                let _ = writeln!(err, "{line}");
                Ok(())
            }
            Format::Json => {
                let tag = args.tag.as_ref().map_or_else(String::new, |tag| {
                    format!(",\"tag\":{},\"listed\":{listed}", json!(tag))
                });
                writeln!(
                    out,
                    "\n],\"limited\":{limited}{tag},\"summary\":{}}}",
                    summary_json(&summary)
                )
            }
        };
    }
    Ok((written, summary))
}

/// How many listed paths end each way.
#[derive(Debug, Default)]
struct Tally {
    outcomes: u64,
    cut: u64,
    stuck: u64,
    errors: u64,
}

impl Tally {
    fn add(&mut self, end: &End) {
        let slot = match end {
            End::Outcome { .. } => &mut self.outcomes,
            End::Cut { .. } => &mut self.cut,
            End::Stuck { .. } => &mut self.stuck,
            End::Error { .. } => &mut self.errors,
        };
        *slot += 1;
    }

    /// Make a summary say what these paths, rather than every path
    /// explored, did.
    fn put(self, summary: &mut Summary) {
        summary.outcomes = self.outcomes;
        summary.cut = self.cut;
        summary.stuck = self.stuck;
        summary.errors = self.errors;
        summary.paths = self.outcomes + self.cut + self.stuck + self.errors;
    }
}

/// `p1a2b3c4d how_tired=very > feeling=calm → rest_break (rest)`
fn path_line(p: &PathView<'_, '_>) -> String {
    let key = if p.key().is_empty() {
        "(no answers)"
    } else {
        p.key()
    };
    format!("{} {key} → {}", p.id(), p.end().describe(p.model()))
}

/// One path as JSON: id, key, answers, nodes entered and how it ended.
#[must_use]
pub fn path_json(p: &PathView<'_, '_>) -> serde_json::Value {
    let model = p.model();
    let answers: Vec<_> = p
        .answers()
        .map(|(node, answer)| {
            json!({
                "node": model.node(node).id,
                "answer": explore::answer_text(model, node, answer),
            })
        })
        .collect();
    let nodes: Vec<&str> = p
        .session()
        .path()
        .iter()
        .map(|n| model.node(*n).id.as_str())
        .collect();
    json!({
        "id": p.id(),
        "key": p.key(),
        "answers": answers,
        "nodes": nodes,
        "tags": tags_json(model, p.session().path()),
        "end": end_json(model, p.end()),
    })
}

/// The tags of the nodes a path enters, each once, in the order met.
fn tags_json(model: &Model, nodes: &[NodeId]) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for n in nodes {
        for t in &model.node(*n).tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
    }
    tags
}

fn end_json(model: &Model, end: &End) -> serde_json::Value {
    let node = &model.node(end.node()).id;
    match end {
        End::Outcome { kind, .. } => {
            json!({"kind": "outcome", "node": node, "outcome": model.kind_name(*kind)})
        }
        End::Error { error, .. } => {
            json!({"kind": "error", "node": node, "message": error.to_string()})
        }
        _ => json!({"kind": end.word(), "node": node}),
    }
}

/// A spinner on stderr counting paths, shown only when stderr is a
/// terminal.
pub struct Progress {
    bar: Option<ProgressBar>,
    paths: Cell<u64>,
}

impl Progress {
    /// How many paths pass between two updates of the spinner.
    const EVERY: u64 = 1024;

    /// A spinner for exploring states: shown on a terminal only, and only
    /// once exploration has taken half a second.
    #[must_use]
    pub fn states() -> Self {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} exploring states ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(500));
            bar
        });
        Progress {
            bar,
            paths: Cell::new(0),
        }
    }

    #[must_use]
    pub fn new() -> Self {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {human_pos} paths ({per_sec})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        });
        Progress {
            bar,
            paths: Cell::new(0),
        }
    }

    /// Count one path.
    pub fn tick(&self) {
        let Some(bar) = &self.bar else { return };
        let paths = self.paths.get() + 1;
        self.paths.set(paths);
        if paths % Self::EVERY == 0 {
            bar.set_position(paths);
        }
    }

    /// Remove the spinner.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}
