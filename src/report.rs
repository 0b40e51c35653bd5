//! Human-readable reports: the snapshot report that `guidetree snapshot`
//! prints and `tests/trees.rs` snapshots, and the pieces `guidetree test`
//! uses to show a counterexample.
//!
//! A snapshot report grows with the tree, not with its paths (see
//! `docs/testing.md`): a summary (exact path counts per outcome, assert
//! verdicts, coverage), every node's words once, the distinct states with
//! each answer and where it leads, and the transcript of the shortest path
//! to each outcome. It is deterministic and ordered by ids and values, never
//! by position in the file, so reordering a file changes nothing, one edited
//! sentence changes one line and one re-routed option changes only the
//! states it touches.

use crate::check::CheckResult;
use crate::diag::{self, Diagnostic, Palette};
use crate::explore::asserts::{self, Nearest, TestReport, Totals, Verdict, Via};
use crate::explore::coverage::{Coverage, Site};
use crate::explore::space::{Space, StateId};
use crate::explore::{Count, End, Options, PathRecord, Summary};
use crate::interp::{Answer, AnswerError, Reason, Session};
use crate::model::{Effect, Model, NodeId, NodeKind, Text, TextPart, Type, Value, VarId};
use crate::source::{Sources, Span};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

/// Write the snapshot report of a checked tree, or the diagnostics of a
/// tree that did not pass the checker, to `out`.
///
/// Returns false when the tree fails the checker or fails before its first
/// step.
///
/// # Errors
/// Only when writing fails.
pub fn write_result(
    out: &mut dyn io::Write,
    result: &CheckResult,
    options: &Options,
) -> io::Result<bool> {
    match result {
        Ok(checked) => write_snapshot(out, &checked.model, &checked.warnings, options),
        Err(failure) => {
            let mut text = String::new();
            for d in &failure.diagnostics {
                let _ = writeln!(
                    text,
                    "{}",
                    diag::render(d, &failure.sources, Palette::plain())
                );
            }
            let _ = writeln!(
                text,
                "check: failed ({})",
                diag::summary(&failure.diagnostics)
            );
            out.write_all(text.as_bytes())?;
            Ok(false)
        }
    }
}

/// Write the snapshot report of a checked tree (see the module docs).
///
/// Returns false when the tree fails before its first step or has too many
/// states to explore.
///
/// # Errors
/// Only when writing fails.
pub fn write_snapshot(
    out: &mut dyn io::Write,
    model: &Model,
    warnings: &[Diagnostic],
    options: &Options,
) -> io::Result<bool> {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "tree {} {:?} (version {})",
        model.id, model.title, model.version
    );
    for w in warnings {
        let _ = writeln!(
            text,
            "{}",
            diag::render(w, &model.sources, Palette::plain())
        );
    }
    let _ = writeln!(text, "check: ok ({})", diag::summary(warnings));
    let space = match Space::explore(model, options) {
        Ok(space) => space,
        Err(e) => {
            let _ = writeln!(text, "error: {e}");
            out.write_all(text.as_bytes())?;
            return Ok(false);
        }
    };
    let report = asserts::report(model, &space);
    write_header(&mut text, model, &report);
    write_nodes(&mut text, model, &space);
    write_states(&mut text, model, &space);
    write_shortest(&mut text, model, &space);
    out.write_all(text.as_bytes())?;
    Ok(true)
}

/// Path counts, outcome distribution, proof status, assert verdicts and
/// coverage.
fn write_header(out: &mut String, model: &Model, report: &TestReport) {
    let t = &report.totals;
    let _ = writeln!(out, "{}", totals_summary(t));
    let _ = writeln!(out, "{} distinct state{}", t.states, plural_usize(t.states));
    if report.proven() {
        let _ = writeln!(out, "exploration: exhaustive (verdicts are proofs)");
    } else if report.samples.is_empty() {
        let _ = writeln!(
            out,
            "exploration: BOUNDED by --max-visits {} (verdicts hold on the paths within it)",
            report.max_visits
        );
    } else {
        let _ = writeln!(
            out,
            "exploration: SAMPLED (verdicts hold on the values tried)"
        );
        for sample in &report.samples {
            let _ = writeln!(
                out,
                "  {} tried {}; {}",
                model.node(sample.node).id,
                sample.tried,
                sample.why
            );
        }
    }
    let _ = writeln!(out, "outcomes:");
    let mut rows: Vec<(String, Count)> = model
        .nodes
        .iter()
        .zip(&t.endings)
        .filter_map(|(n, count)| match n.kind {
            NodeKind::Outcome { kind, .. } => {
                Some((format!("{} ({})", n.id, model.kind_name(kind)), *count))
            }
            _ => None,
        })
        .collect();
    rows.sort();
    let width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    for (label, count) in rows {
        let _ = writeln!(out, "  {label:width$}  {:>6}", count.to_string());
    }
    if !model.asserts.is_empty() {
        let _ = writeln!(out, "asserts:");
        let held = if report.proven() { "proven" } else { "held" };
        for (i, verdict) in report.verdicts.iter().enumerate() {
            let text = assert_text(model, i);
            let _ = match verdict {
                Verdict::Held => writeln!(out, "  {held:<7} {text}"),
                Verdict::Failed(cx) => writeln!(
                    out,
                    "  FAILED  {text}\n          on {} path{}; shortest: {}",
                    cx.failures,
                    if cx.failures == Count::ONE { "" } else { "s" },
                    cx.path.key
                ),
                Verdict::Unreached(_) => {
                    writeln!(out, "  FAILED  {text}\n          no path reaches it")
                }
            };
        }
    }
    let c = &report.coverage;
    let _ = writeln!(
        out,
        "coverage: {:.1}% (nodes {}/{}, options {}/{}, conditions {}/{}, outcome kinds {}/{})",
        c.total().percent(),
        c.node_tally().covered,
        c.node_tally().total,
        c.option_tally().covered,
        c.option_tally().total,
        c.condition_tally().covered,
        c.condition_tally().total,
        c.kind_tally().covered,
        c.kind_tally().total,
    );
}

/// A text as written, with `{var}` placeholders.
#[must_use]
pub fn template(model: &Model, text: &Text) -> String {
    let mut out = String::new();
    for part in &text.parts {
        match part {
            TextPart::Lit(s) => out.push_str(s),
            TextPart::Var(v) => {
                let _ = write!(out, "{{{}}}", model.var(*v).name);
            }
        }
    }
    out
}

/// Write a possibly multi-line text under a label, indented.
fn write_text(out: &mut String, indent: &str, label: &str, text: &str) {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let _ = writeln!(out, "{indent}{label}{first}");
    let pad = " ".repeat(indent.len() + label.len());
    for line in lines {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{pad}{line}");
        }
    }
}

/// Every node reached or not, by id: its words, options and where they
/// lead, advice and sources. Each appears once, whatever the paths.
fn write_nodes(out: &mut String, model: &Model, _space: &Space) {
    let _ = writeln!(out, "\n== nodes ==");
    let mut order: Vec<usize> = (0..model.nodes.len()).collect();
    order.sort_by(|a, b| model.nodes[*a].id.cmp(&model.nodes[*b].id));
    for i in order {
        let node = &model.nodes[i];
        out.push('\n');
        let _ = match &node.kind {
            NodeKind::Outcome { kind, .. } => {
                writeln!(out, "outcome {} ({})", node.id, model.kind_name(*kind))
            }
            other => writeln!(out, "{} {}", other.keyword(), node.id),
        };
        if let NodeKind::Outcome { title, .. } = &node.kind {
            write_text(out, "  ", "title: ", &template(model, title));
        }
        if let Some(t) = &node.text {
            write_text(out, "  ", "text: ", &template(model, t));
        }
        if let Some(t) = &node.help {
            write_text(out, "  ", "help: ", &template(model, t));
        }
        write_node_kind(out, model, &node.kind);
        if !node.sources.is_empty() {
            let _ = writeln!(out, "  sources: {}", node.sources.join(", "));
        }
        if !node.tags.is_empty() {
            let _ = writeln!(out, "  tags: {}", node.tags.join(", "));
        }
    }
}

fn write_node_kind(out: &mut String, model: &Model, kind: &NodeKind) {
    let cond = |c: &Option<crate::model::Expr>| {
        c.as_ref().map_or(String::new(), |c| {
            format!(" if {}", source_text(model, c.span))
        })
    };
    let target = |n: NodeId| model.node(n).id.clone();
    match kind {
        NodeKind::Question { options } => {
            for o in options {
                let _ = writeln!(
                    out,
                    "  option {} {:?}{} -> {}",
                    o.id,
                    template(model, &o.label),
                    cond(&o.cond),
                    target(o.next)
                );
                write_effects(out, model, &o.effects);
            }
        }
        NodeKind::Checklist { var, items, next } => {
            let _ = writeln!(out, "  into {}", model.var(*var).name);
            for it in items {
                let _ = writeln!(
                    out,
                    "  item {} {:?}{}",
                    it.id,
                    template(model, &it.label),
                    cond(&it.cond)
                );
            }
            let _ = writeln!(out, "  -> {}", target(*next));
        }
        NodeKind::Input {
            var, input, next, ..
        } => {
            let what = match input {
                crate::model::InputKind::Number { min, max } => format!("number {min}..={max}"),
                crate::model::InputKind::Text { max_len } => format!("text up to {max_len}"),
            };
            let _ = writeln!(
                out,
                "  {what} into {} -> {}",
                model.var(*var).name,
                target(*next)
            );
        }
        NodeKind::Branch { arms, otherwise } => {
            for a in arms {
                let _ = writeln!(
                    out,
                    "  when {} -> {}",
                    source_text(model, a.cond.span),
                    target(a.next)
                );
            }
            let _ = writeln!(out, "  else -> {}", target(*otherwise));
        }
        NodeKind::Score { effects, next } => {
            write_effects(out, model, effects);
            let _ = writeln!(out, "  -> {}", target(*next));
        }
        NodeKind::Info {
            effects,
            advice,
            next,
        } => {
            for a in advice {
                write_text(out, "  ", "- ", &template(model, a));
            }
            write_effects(out, model, effects);
            let _ = writeln!(out, "  -> {}", target(*next));
        }
        NodeKind::Outcome { advice, .. } => {
            for a in advice {
                write_text(out, "  ", "- ", &template(model, a));
            }
        }
    }
}

fn write_effects(out: &mut String, model: &Model, effects: &[Effect]) {
    for e in effects {
        let _ = match e {
            Effect::Set(v, expr) => writeln!(
                out,
                "    set {} = {}",
                model.var(*v).name,
                source_text(model, expr.span)
            ),
            Effect::Add(v, m) | Effect::Remove(v, m) => {
                let word = if matches!(e, Effect::Add(..)) {
                    "add"
                } else {
                    "remove"
                };
                let Type::Set(d) = model.var(*v).ty else {
                    continue;
                };
                let member = model.domains[d.0 as usize]
                    .get(*m as usize)
                    .map_or("?", String::as_str);
                writeln!(out, "    {word} {member} to {}", model.var(*v).name)
            }
        };
    }
}

/// A state for people: its node and the live values that matter there.
#[must_use]
pub fn state_label(model: &Model, space: &Space, id: StateId) -> String {
    let state = space.state(id);
    let node = &model.node(state.node).id;
    let values = space.key_values(model, id);
    let mut label = if values.is_empty() {
        node.clone()
    } else {
        let values: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{node} {{{}}}", values.join(", "))
    };
    match &state.end {
        Some(End::Cut { .. }) => label.push_str(" (cut at the visit limit)"),
        Some(End::Stuck { .. }) => label.push_str(" (stuck: no option is shown)"),
        Some(End::Error {
            answer: None,
            error,
            ..
        }) => {
            let _ = write!(label, " (error: {error})");
        }
        _ => {}
    }
    label
}

/// The conversation's situations: at each node, the distinct combinations
/// of the values read there (by the node itself and by the branches and
/// scores an answer passes on its way to the next step), each with its
/// answers and where they lead. Every distinct state's behaviour is in here,
/// once; states that differ only in values read further on share their
/// lines, so this grows with what each node decides, not with the product
/// of everything still live.
fn write_states(out: &mut String, model: &Model, space: &Space) {
    let _ = writeln!(out, "\n== situations ==");
    let mut reads_of: Vec<Option<BTreeMap<VarId, u64>>> = vec![None; model.nodes.len()];
    let mut reads = |n: NodeId| -> BTreeMap<VarId, u64> {
        reads_of[n.index()]
            .get_or_insert_with(|| crate::explore::live::node_reads(model, n))
            .clone()
    };
    // node id -> situations: the values read, and each answer with where it
    // leads, in first-seen order.
    let mut situations: BTreeMap<String, BTreeMap<Label, Vec<(String, String)>>> = BTreeMap::new();
    for i in 0..space.states.len() {
        let id = StateId::try_from(i).unwrap_or(StateId::MAX);
        let state = space.state(id);
        match state.end {
            None | Some(End::Stuck { .. } | End::Error { answer: None, .. }) => {}
            _ => continue,
        }
        let Ok(session) = space.session(model, id) else {
            continue;
        };
        let node_id = model.node(state.node).id.clone();
        let by_label = situations.entry(node_id).or_default();
        if space.edges_of(id).is_empty() {
            let end = state_label(model, space, id);
            by_label
                .entry(Vec::new())
                .or_default()
                .push((String::new(), end));
            continue;
        }
        let live = space.live().vars(state.node);
        let mut label: Label = Vec::new();
        let mut lines = Vec::new();
        for e in space.edges_of(id) {
            let mut read = reads(state.node);
            let passed = space.passed(e);
            for n in &passed[..passed.len().saturating_sub(1)] {
                for (v, mask) in reads(*n) {
                    *read.entry(v).or_insert(0) |= mask;
                }
            }
            for (v, mask) in read.iter().filter(|(v, _)| live.contains(v)) {
                let value = match session.var(*v) {
                    Value::Set(bits) => Value::Set(bits & mask),
                    other => other.clone(),
                };
                let entry = (
                    model.var(*v).name.clone(),
                    situation_value(model, *v, &value),
                );
                if !label.contains(&entry) {
                    label.push(entry);
                }
            }
            let answer = crate::explore::answer_text(model, state.node, &e.answer)
                .unwrap_or_else(|| "continue".into());
            lines.push((answer, edge_target(model, space, e)));
        }
        label.sort();
        let known = by_label.entry(label).or_default();
        for line in lines {
            if !known.contains(&line) {
                known.push(line);
            }
        }
    }
    for (node, by_label) in situations {
        for (label, lines) in minimal_labels(by_label) {
            if label.is_empty() {
                let _ = writeln!(out, "\n{node}");
            } else {
                let values: Vec<String> = label.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let _ = writeln!(out, "\n{node} {{{}}}", values.join(", "));
            }
            write_lines(out, &lines);
        }
    }
}

/// A situation's label: (variable, value) pairs, by name.
type Label = Vec<(String, String)>;

/// Drop from the labels of one node every variable that tells no
/// situations apart (they would show the same answers leading to the same
/// places without it), then merge what became equal. What is left is the
/// node's decision table: only the values that change where answers lead.
fn minimal_labels(
    situations: BTreeMap<Label, Vec<(String, String)>>,
) -> BTreeMap<Label, Vec<(String, String)>> {
    let mut rows: Vec<(Label, Vec<(String, String)>)> = situations.into_iter().collect();
    let mut names: Vec<String> = rows
        .iter()
        .flat_map(|(l, _)| l.iter().map(|(k, _)| k.clone()))
        .collect();
    names.sort();
    names.dedup();
    for name in names {
        let without =
            |l: &Label| -> Label { l.iter().filter(|(k, _)| *k != name).cloned().collect() };
        let mut merged: BTreeMap<Label, &Vec<(String, String)>> = BTreeMap::new();
        let consistent = rows.iter().all(|(label, lines)| {
            let key = without(label);
            match merged.get(&key) {
                Some(seen) => same_lines(seen, lines),
                None => {
                    merged.insert(key, lines);
                    true
                }
            }
        });
        if consistent {
            for (label, _) in &mut rows {
                *label = without(label);
            }
        }
    }
    let mut out: BTreeMap<Label, Vec<(String, String)>> = BTreeMap::new();
    for (label, lines) in rows {
        out.entry(label).or_insert(lines);
    }
    out
}

/// The same answers leading to the same places, in any order.
fn same_lines(a: &[(String, String)], b: &[(String, String)]) -> bool {
    a.len() == b.len() && a.iter().all(|l| b.contains(l))
}

/// A situation's answers, those leading to the same place on one line.
fn write_lines(out: &mut String, lines: &[(String, String)]) {
    let mut targets: Vec<(&str, Vec<&str>)> = Vec::new();
    for (answer, target) in lines {
        match targets.iter_mut().find(|(t, _)| t == target) {
            Some((_, answers)) => answers.push(answer),
            None => targets.push((target, vec![answer])),
        }
    }
    for (target, answers) in targets {
        if answers.iter().all(|a| a.is_empty()) {
            let _ = writeln!(out, "  {target}");
        } else {
            let _ = writeln!(out, "  {} → {target}", join_answers(&answers));
        }
    }
}

/// A value in a situation label: texts quoted, sets as `a+b` (`{}` empty).
fn situation_value(model: &Model, var: VarId, value: &Value) -> String {
    match (model.var(var).ty, value) {
        (Type::Text, Value::Text(t)) => format!("{t:?}"),
        (Type::Set(_), Value::Set(0)) => "{}".into(),
        (ty, v) => model.display(ty, v).replace(", ", "+"),
    }
}

/// Answers that lead to the same place: runs of numbers as ranges.
fn join_answers(answers: &[&str]) -> String {
    let numbers: Vec<i64> = answers.iter().filter_map(|a| a.parse().ok()).collect();
    if numbers.len() == answers.len() && !numbers.is_empty() {
        return number_runs(&numbers);
    }
    answers.join(" | ")
}

/// Where an edge leads: the next step, or how the run ends there.
fn edge_target(model: &Model, space: &Space, edge: &crate::explore::space::Edge) -> String {
    let target = space.state(edge.to);
    let id = &model.node(target.node).id;
    match &target.end {
        Some(End::Error {
            answer: Some(_),
            error,
            ..
        }) => format!("error: {error}"),
        Some(End::Error { error, .. }) => format!("{id} (error: {error})"),
        Some(End::Outcome { kind, .. }) => format!("{id} ({})", model.kind_name(*kind)),
        Some(End::Cut { .. }) => format!("{id} (cut at the visit limit)"),
        Some(End::Stuck { .. }) => format!("{id} (stuck: no option is shown)"),
        None => id.clone(),
    }
}

fn number_runs(numbers: &[i64]) -> String {
    let mut sorted = numbers.to_vec();
    sorted.sort_unstable();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j].saturating_add(1) {
            j += 1;
        }
        parts.push(if j - i >= 2 {
            format!("{}..={}", sorted[i], sorted[j])
        } else if j > i {
            format!("{} | {}", sorted[i], sorted[j])
        } else {
            sorted[i].to_string()
        });
        i = j + 1;
    }
    parts.join(" | ")
}

/// For each outcome node reached, the transcript of its shortest path.
fn write_shortest(out: &mut String, model: &Model, space: &Space) {
    let _ = writeln!(out, "\n== shortest path to each outcome ==");
    let mut first: BTreeMap<&str, StateId> = BTreeMap::new();
    for (i, s) in space.states.iter().enumerate() {
        if let Some(End::Outcome { node, .. }) = s.end {
            first
                .entry(model.node(node).id.as_str())
                .or_insert(StateId::try_from(i).unwrap_or(StateId::MAX));
        }
    }
    for (_, id) in first {
        let record = asserts::record(model, space, id);
        let Ok(session) = asserts::replay(model, &record.answers) else {
            continue;
        };
        out.push('\n');
        let key = if record.key.is_empty() {
            "(no answers)"
        } else {
            record.key.as_str()
        };
        write_transcript(out, &session, &record.end, key);
    }
}

/// Paths, and how they end: `528 paths, all reaching an outcome`.
#[must_use]
pub fn totals_summary(t: &Totals) -> String {
    let paths = format!(
        "{} path{}",
        t.paths,
        if t.paths == Count::ONE { "" } else { "s" }
    );
    if t.paths == t.outcomes {
        let all = if t.paths == Count::ONE { "" } else { "all " };
        return format!("{paths}, {all}reaching an outcome");
    }
    let parts: Vec<String> = [
        (t.outcomes, "reaching an outcome"),
        (t.cut, "cut at the visit limit"),
        (t.stuck, "stuck"),
        (t.errors, "failing"),
    ]
    .iter()
    .filter(|(n, _)| !n.is_zero())
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    format!("{paths}: {}", parts.join(", "))
}

/// Totals as JSON.
#[must_use]
pub fn totals_json(t: &Totals) -> serde_json::Value {
    serde_json::json!({
        "paths": t.paths,
        "outcomes": t.outcomes,
        "cut": t.cut,
        "stuck": t.stuck,
        "errors": t.errors,
        "states": t.states,
        "answers": t.edges,
    })
}

/// A path record as JSON: its id, key, answers and end.
#[must_use]
pub fn record_json(model: &Model, path: &PathRecord) -> serde_json::Value {
    let answers: Vec<serde_json::Value> = path
        .answers
        .iter()
        .map(|(n, a)| {
            serde_json::json!({
                "node": model.node(*n).id,
                "answer": crate::explore::answer_text(model, *n, a),
            })
        })
        .collect();
    serde_json::json!({
        "id": path.id,
        "key": path.key,
        "answers": answers,
        "end": path.end.describe(model),
    })
}

/// A duration for people: `850 µs`, `12 ms`, `1.3 s`.
#[must_use]
pub fn duration(d: std::time::Duration) -> String {
    let micros = d.as_micros();
    if micros < 1000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{} ms", micros / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// `s` for every count but one.
#[must_use]
pub fn plural_usize(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// How many paths there are and how they end: `528 paths, all reaching an
/// outcome`, `3 paths: 2 reaching an outcome, 1 cut at the visit limit`.
#[must_use]
pub fn paths_summary(s: &Summary) -> String {
    let paths = format!("{} path{}", s.paths, plural(s.paths));
    if s.paths == s.outcomes {
        let all = if s.paths == 1 { "" } else { "all " };
        return format!("{paths}, {all}reaching an outcome");
    }
    let parts: Vec<String> = [
        (s.outcomes, "reaching an outcome"),
        (s.cut, "cut at the visit limit"),
        (s.stuck, "stuck"),
        (s.errors, "failing"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    format!("{paths}: {}", parts.join(", "))
}

/// An assert as written in the tree, on one line.
#[must_use]
pub fn assert_text(model: &Model, index: usize) -> String {
    let span = model.asserts[index].span;
    let written = model.sources.get(span.file).slice(span);
    let text = written.split_whitespace().collect::<Vec<_>>().join(" ");
    text.strip_prefix("assert ")
        .map_or(text.clone(), str::to_string)
}

/// `file:line:col` of a span.
#[must_use]
pub fn location(sources: &Sources, span: Span) -> String {
    let file = sources.get(span.file);
    let (line, col) = file.line_col(span.start);
    format!("{}:{line}:{col}", file.path.display())
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A variable's value for people: texts quoted, enums and sets by name.
#[must_use]
pub fn show_value(model: &Model, var: VarId, value: &Value) -> String {
    match (model.var(var).ty, value) {
        (Type::Text, Value::Text(t)) => format!("{t:?}"),
        (ty, v) => model.display(ty, v),
    }
}

/// Every variable with its value: `toxic = false, months = 4`.
#[must_use]
pub fn show_state(model: &Model, vars: &[Value]) -> String {
    assignments(model, (0..vars.len()).map(var_id), vars)
}

fn var_id(i: usize) -> VarId {
    VarId::from_index(i)
}

fn assignments(model: &Model, vars: impl Iterator<Item = VarId>, values: &[Value]) -> String {
    vars.map(|v| {
        format!(
            "{} = {}",
            model.var(v).name,
            show_value(model, v, &values[v.index()])
        )
    })
    .collect::<Vec<_>>()
    .join(", ")
}

/// An answer for people: `very: Very tired`, `outside+music: Being
/// outside, Music`, `(none)`, `45`, `"Sam"`, `continue`. Labels are shown
/// with variables as they were just before the answer.
#[must_use]
pub fn show_answer(model: &Model, node: NodeId, answer: &Answer, vars: &[Value]) -> String {
    match (&model.node(node).kind, answer) {
        (NodeKind::Question { options }, Answer::Choose(i)) => match options.get(*i) {
            Some(o) => format!("{}: {}", o.id, model.render_text(&o.label, vars)),
            None => format!("option #{i}"),
        },
        (NodeKind::Checklist { items, .. }, Answer::Check(mask)) => {
            let ticked: Vec<_> = items
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, it)| it)
                .collect();
            if ticked.is_empty() {
                return "(none)".into();
            }
            let ids: Vec<&str> = ticked.iter().map(|it| it.id.as_str()).collect();
            let labels: Vec<String> = ticked
                .iter()
                .map(|it| model.render_text(&it.label, vars))
                .collect();
            format!("{}: {}", ids.join("+"), labels.join(", "))
        }
        (_, Answer::Number(n)) => n.to_string(),
        (_, Answer::Text(t)) => format!("{t:?}"),
        (_, Answer::Continue) => "continue".into(),
        (_, other) => format!("{other:?}"),
    }
}

/// Write one path as a transcript: each step's question and answer, the
/// variables it changed, the branches and scores it passed (with hook
/// reasons), then how the path ended.
pub fn write_transcript(out: &mut String, session: &Session<'_>, end: &End, id: &str) {
    let model = session.model();
    let _ = writeln!(out, "{id} → {}", end.describe(model));
    let history = session.history();
    let path = session.path();
    let reasons = session.reasons();
    let defaults = model.defaults();
    // What happened before the first answer (a start that is a branch).
    let first = history.first().map_or(path.len(), |r| r.path_len());
    let first_reasons = history.first().map_or(reasons.len(), |r| r.reasons_len());
    let start_vars = history
        .first()
        .map_or(session.vars(), |_| session.vars_around(0).0);
    let step = Step {
        nodes: &path[..first],
        before: &defaults,
        after: start_vars,
        reasons: &reasons[..first_reasons],
    };
    write_step(out, model, &step);
    for (i, record) in history.iter().enumerate() {
        let (before, after) = session.vars_around(i);
        let next = history.get(i + 1);
        // Ids only: the words are in the nodes section, once, so an edited
        // sentence changes one place in a snapshot.
        let node = &model.node(record.node).id;
        let answer = crate::explore::answer_text(model, record.node, &record.answer)
            .unwrap_or_else(|| "continue".into());
        let _ = writeln!(out, "  {node} → {answer}");
        let step = Step {
            nodes: &path[record.path_len()..next.map_or(path.len(), |r| r.path_len())],
            before,
            after,
            reasons: &reasons
                [record.reasons_len()..next.map_or(reasons.len(), |r| r.reasons_len())],
        };
        write_step(out, model, &step);
    }
    write_end(out, session, end);
}

/// The nodes one answer entered (the last is where the path stopped next),
/// the variables before and after, and the reasons hooks gave on the way.
struct Step<'a> {
    nodes: &'a [NodeId],
    before: &'a [Value],
    after: &'a [Value],
    reasons: &'a [Reason],
}

fn write_step(out: &mut String, model: &Model, step: &Step<'_>) {
    let passed = &step.nodes[..step.nodes.len().saturating_sub(1)];
    let changed: Vec<VarId> = (0..step.after.len())
        .map(var_id)
        .filter(|v| step.before.get(v.index()) != step.after.get(v.index()))
        .collect();
    // A variable a score on the way assigns is shown with that score (the
    // last one, when several do), with its value after the step.
    let own: Vec<VarId> = changed
        .iter()
        .copied()
        .filter(|v| !passed.iter().any(|n| score_sets(model, *n, *v)))
        .collect();
    if !own.is_empty() {
        let _ = writeln!(
            out,
            "    set {}",
            assignments(model, own.into_iter(), step.after)
        );
    }
    let mut shown = vec![false; step.reasons.len()];
    for (i, &node) in passed.iter().enumerate() {
        let id = &model.node(node).id;
        match &model.node(node).kind {
            NodeKind::Branch { .. } => {
                let to = step
                    .nodes
                    .get(i + 1)
                    .map_or("?", |n| model.node(*n).id.as_str());
                let _ = writeln!(out, "    branch {id} → {to}");
            }
            NodeKind::Score { .. } => {
                let mine = (0..step.after.len())
                    .map(var_id)
                    .filter(|v| score_sets(model, node, *v))
                    .filter(|v| !passed[i + 1..].iter().any(|n| score_sets(model, *n, *v)));
                let _ = writeln!(
                    out,
                    "    score {id}: {}",
                    assignments(model, mine, step.after)
                );
            }
            _ => {}
        }
        for (r, reason) in step.reasons.iter().enumerate() {
            if !shown[r] && reason.node == *id {
                shown[r] = true;
                let _ = writeln!(out, "      why ({}): {}", reason.hook, reason.text);
            }
        }
    }
    for (reason, _) in step.reasons.iter().zip(shown).filter(|(_, s)| !s) {
        let _ = writeln!(out, "    why ({}): {}", reason.hook, reason.text);
    }
}

/// Does score node `node` assign variable `var`?
fn score_sets(model: &Model, node: NodeId, var: VarId) -> bool {
    let NodeKind::Score { effects, .. } = &model.node(node).kind else {
        return false;
    };
    effects.iter().any(|e| match e {
        Effect::Set(v, _) | Effect::Add(v, _) | Effect::Remove(v, _) => *v == var,
    })
}

fn write_end(out: &mut String, session: &Session<'_>, end: &End) {
    let model = session.model();
    let id = &model.node(end.node()).id;
    let _ = match end {
        End::Outcome { kind, .. } => {
            writeln!(out, "  outcome {id} ({})", model.kind_name(*kind))
        }
        End::Cut { .. } => writeln!(
            out,
            "  {id}\n    (cut: one more visit than the limit allows)"
        ),
        End::Stuck { .. } => writeln!(out, "  {id}\n    (stuck: no option is shown)"),
        End::Error { answer, error, .. } => {
            let _ = write!(out, "  {id}");
            if let Some(a) = answer {
                let shown = crate::explore::answer_text(model, end.node(), a)
                    .unwrap_or_else(|| "continue".into());
                let _ = write!(out, " → {shown}");
            }
            writeln!(out, "\n    (error: {error})")
        }
    };
}

/// Write a path record as a counterexample: its answers, the final state
/// and how it ended, indented by `indent` spaces.
pub fn write_record(out: &mut String, model: &Model, path: &PathRecord, indent: usize) {
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}path {}:", path.id);
    if path.answers.is_empty() {
        let _ = writeln!(out, "{pad}  (no answers)");
    }
    for (node, answer) in &path.answers {
        if matches!(answer, Answer::Continue) {
            continue;
        }
        // Labels rarely interpolate; the final state is close enough here.
        let shown = show_answer(model, *node, answer, &path.vars);
        let _ = writeln!(out, "{pad}  {} → {shown}", model.node(*node).id);
    }
    let state = if matches!(
        path.end,
        End::Error {
            answer: Some(_),
            ..
        }
    ) {
        "state before the failing answer"
    } else {
        "state"
    };
    let _ = writeln!(out, "{pad}{state}: {}", show_state(model, &path.vars));
    let _ = writeln!(out, "{pad}end: {}", path.end.describe(model));
    if let End::Error {
        error: AnswerError::Eval(e),
        ..
    } = &path.end
    {
        let _ = writeln!(out, "{pad}  (at {})", location(&model.sources, e.span));
    }
}

/// Why an unreached node is not reached, from the nearest reached point.
#[must_use]
pub fn explain_nearest(model: &Model, nearest: &Nearest, coverage: &Coverage) -> String {
    let from = model.node(nearest.node);
    let to = &model.node(nearest.to).id;
    let at = location(&model.sources, from.id_span);
    match (&from.kind, nearest.via) {
        (NodeKind::Question { options }, Via::Option(i)) => {
            let o = &options[i];
            match &o.cond {
                Some(c) => format!(
                    "nearest reached point: question `{}` ({at}); its option `{}` (-> {to}) is never shown: `{}` is never true",
                    from.id,
                    o.id,
                    source_text(model, c.span)
                ),
                None => format!(
                    "nearest reached point: question `{}` ({at}); no path gets past it through option `{}` (-> {to})",
                    from.id, o.id
                ),
            }
        }
        (NodeKind::Branch { arms, .. }, Via::Arm(i)) => {
            let site = Site::Arm {
                node: nearest.node,
                index: i,
            };
            let tested = coverage
                .conditions
                .iter()
                .any(|c| c.site == site && c.seen_false);
            let why = if tested {
                "is never true"
            } else {
                "is never tested: an earlier arm always matches"
            };
            format!(
                "nearest reached point: branch `{}` ({at}); its arm `when {}` (-> {to}) {why}",
                from.id,
                source_text(model, arms[i].cond.span)
            )
        }
        (NodeKind::Branch { .. }, Via::Else) => format!(
            "nearest reached point: branch `{}` ({at}); its `else` (-> {to}) is never taken: an arm always matches",
            from.id
        ),
        _ => format!(
            "nearest reached point: {} `{}` ({at}); no path gets past it to `{to}`",
            from.kind.keyword(),
            from.id
        ),
    }
}

/// The source text of a span, on one line.
#[must_use]
pub fn source_text(model: &Model, span: Span) -> String {
    let text = model.sources.get(span.file).slice(span);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
