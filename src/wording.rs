//! The words a run shares between its front ends and its records: how an
//! answer reads ("Yes", "a, b", "(read)"), how a hook failure reads, and a
//! condition as written. Prompts, transcripts, saved sessions and served
//! pages all say these things the same way.

use crate::eval::EvalError;
use crate::interp::Answer;
use crate::model::{Model, NodeId, NodeKind, Text, Value};

/// The exact text of a span, as written in the tree.
#[must_use]
pub fn source_text(model: &Model, span: crate::source::Span) -> String {
    model.sources.get(span.file).slice(span).to_string()
}

/// A hook failure in words, with the place in the tree it came from.
#[must_use]
pub fn hook_failure(model: &Model, e: &EvalError) -> String {
    let file = model.sources.get(e.span.file);
    let (line, col) = file.line_col(e.span.start);
    format!(
        "Something went wrong while working out this step: {} (at {}:{line}:{col}).",
        e.kind,
        file.path.display()
    )
}

/// An answer in words: the option's label, the ticked items, the number.
#[must_use]
pub fn answer_label(model: &Model, node: NodeId, answer: &Answer, vars: &[Value]) -> String {
    let label = |t: &Text| model.render_text(t, vars);
    match (&model.node(node).kind, answer) {
        (NodeKind::Question { options }, Answer::Choose(i)) => options
            .get(*i)
            .map_or_else(String::new, |o| label(&o.label)),
        (NodeKind::Checklist { items, .. }, Answer::Check(mask)) => {
            let ticked: Vec<String> = items
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, item)| label(&item.label))
                .collect();
            if ticked.is_empty() {
                "(none)".into()
            } else {
                ticked.join(", ")
            }
        }
        (_, Answer::Number(n)) => n.to_string(),
        (_, Answer::Text(t)) => format!("\"{t}\""),
        (_, Answer::Continue) => "(read)".into(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_str;
    use std::path::Path;

    #[test]
    fn answers_are_described_in_words() {
        let tree = r#"
tree t "T" { start c outcomes done }
var picks: set(a, b, c)
checklist c { text "Tick" into picks item a "A" item b "B" item c "C" -> end }
outcome end { kind done title "Done" }
"#;
        let m = match check_str(Path::new("t.tree"), tree) {
            Ok(c) => c.model,
            Err(f) => panic!("{:#?}", f.diagnostics),
        };
        let c = m.find_node("c").unwrap();
        let label = |a: &Answer| answer_label(&m, c, a, &m.defaults());
        assert_eq!(label(&Answer::Check(0b110)), "B, C");
        assert_eq!(label(&Answer::Check(0)), "(none)");
        assert_eq!(label(&Answer::Number(3)), "3");
        assert_eq!(label(&Answer::Continue), "(read)");
    }
}
