//! The snapshot report: a summary, every node's words once, the distinct
//! states with each answer and where it leads, and the shortest path to
//! each outcome.

use super::{assert_text, plural_usize, source_text, totals_summary, write_transcript};
use crate::check::CheckResult;
use crate::diag::{self, Diagnostic, Palette};
use crate::explore::asserts::{self, TestReport, Verdict};
use crate::explore::space::{Space, StateId};
use crate::explore::{Count, End, Options};
use crate::model::{Effect, Model, NodeId, NodeKind, Text, TextPart, Type, Value, VarId};
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
                Verdict::Unreached(_) => writeln!(
                    out,
                    "  FAILED  {text}\n          {}",
                    super::unreached(report.proven())
                ),
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
    match space.end(id) {
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
    for id in space.ids() {
        let state = space.state(id);
        match space.end(id) {
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
    match space.end(edge.to) {
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
    for id in space.ids() {
        if let Some(&End::Outcome { node, .. }) = space.end(id) {
            first.entry(model.node(node).id.as_str()).or_insert(id);
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
