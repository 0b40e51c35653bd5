//! The HTML pages, as maud templates (checked when the crate compiles, and
//! escaped by default). The words come from the same modules the terminal
//! uses: [`Step`] for questions, [`views`](crate::prompt::views) for the
//! outcome and `why` screens, rendered from their [`Doc`] blocks.

use super::form::{write_answers, Action};
use super::{Site, Tree};
use crate::interp::{Answer, Session};
use crate::model::{Model, NodeKind};
use crate::prompt::step::Shown;
use crate::prompt::{views, Block, Doc, Step, StepKind};
use maud::{html, Markup, DOCTYPE};

/// What the person entered, shown again: after going back, or with an
/// error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefill {
    pub choice: Option<String>,
    pub items: Vec<String>,
    pub value: Option<String>,
}

impl Prefill {
    /// The ids and text of an earlier answer to this step.
    #[must_use]
    pub fn of(model: &Model, step: &Step, answer: &Answer) -> Self {
        let mut fill = Prefill::default();
        match (&model.node(step.node).kind, answer) {
            (NodeKind::Question { options }, Answer::Choose(i)) => {
                fill.choice = options.get(*i).map(|o| o.id.clone());
            }
            (NodeKind::Checklist { items, .. }, Answer::Check(mask)) => {
                fill.items = items
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, item)| item.id.clone())
                    .collect();
            }
            (_, Answer::Number(n)) => fill.value = Some(n.to_string()),
            (_, Answer::Text(t)) => fill.value = Some(t.clone()),
            _ => {}
        }
        fill
    }
}

/// A message shown at the top of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Something that happened (resumed).
    Info(String),
    /// An answer that was refused, and the field to fix.
    Error { message: String, field: String },
}

/// The whole page around a body.
#[must_use]
pub fn layout(site: &Site, tree: Option<&Tree>, title: &str, body: &Markup) -> String {
    let quick_exit = tree.map_or_else(|| site.trees.iter().any(|t| t.quick_exit), |t| t.quick_exit);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                meta name="color-scheme" content="light dark";
                title { (title) }
                link rel="stylesheet" href="/static/style.css";
                script src="/static/app.js" defer {}
            }
            body {
                header class="site" {
                    a class="skip-link" href="#main" { "Skip to main content" }
                    @if quick_exit {
                        div class="exit-bar" {
                            a class="quick-exit" href=(site.exit_url) rel="noreferrer noopener" data-quick-exit {
                                "Leave this page"
                            }
                            p class="exit-hint" hidden data-js-only {
                                "or press Shift three times"
                            }
                        }
                    }
                    p class="tree-title" {
                        @match tree {
                            Some(t) => (t.model.title),
                            None => "Guides",
                        }
                    }
                }
                main id="main" tabindex="-1" { (body) }
            }
        }
    };
    page.into_string()
}

/// The page for the step the session is on (or its outcome).
#[must_use]
pub fn step_page(
    site: &Site,
    tree: &Tree,
    session: &mut Session<'_>,
    fill: &Prefill,
    notice: Option<&Notice>,
) -> String {
    if session.is_finished() {
        return outcome_page(site, tree, session, notice);
    }
    let step = Step::current(session, &tree.progress);
    let error = match notice {
        Some(Notice::Error { message, field }) => Some((message.as_str(), field.as_str())),
        _ => None,
    };
    // Before any real answer (info steps read do not count), there is
    // nothing to go back to, and a save file can be offered.
    let model = session.model();
    let first = session
        .history()
        .iter()
        .all(|r| matches!(model.node(r.node).kind, NodeKind::Info { .. }));
    let body = html! {
        (notice_html(notice))
        form method="post" action=(action(tree)) novalidate autocomplete="off" data-step=(step.id) {
            (hidden_answers(session))
            @if let Some(hint) = &step.hint {
                p class="hint" { (hint) }
            }
            (step_fields(&step, fill, error, error.is_none()))
            div class="actions" {
                button class="primary" name="do" value=(Action::Next.word()) {
                    @if matches!(step.kind, StepKind::Blocked { .. }) { "Try again" } @else { "Continue" }
                }
            }
            (commands(first))
        }
        @if first {
            (resume_form(tree, None))
        }
    };
    let title = page_title(tree, error.is_some());
    layout(site, Some(tree), &title, &body)
}

/// The outcome page: the same screen the terminal shows, then what can
/// be done next.
#[must_use]
pub fn outcome_page(
    site: &Site,
    tree: &Tree,
    session: &Session<'_>,
    notice: Option<&Notice>,
) -> String {
    let doc = views::outcome(session);
    let body = html! {
        (notice_html(notice))
        article class="outcome" data-outcome=(session.model().node(session.current()).id) {
            (doc_html(&doc, notice.is_none()))
        }
        form method="post" action=(action(tree)) {
            (hidden_answers(session))
            div class="commands" role="group" aria-label="What you can do now" {
                button name="do" value=(Action::Back.word()) { "Back" }
                button name="do" value=(Action::Restart.word()) { "Start again" }
                button name="do" value=(Action::Save.word()) { "Save my answers" }
                button name="do" value=(Action::Transcript.word()) { "Download the transcript" }
            }
        }
    };
    layout(site, Some(tree), &page_title(tree, false), &body)
}

/// The `why` page: the path so far, what is hidden here, the values.
#[must_use]
pub fn why_page(site: &Site, tree: &Tree, session: &mut Session<'_>) -> String {
    let step = Step::current(session, &tree.progress);
    let doc = views::why(session, &step);
    let body = html! {
        article class="why" { (doc_html(&doc, true)) }
        form method="post" action=(action(tree)) {
            (hidden_answers(session))
            div class="actions" {
                button class="primary" name="do" value=(Action::Stay.word()) { "Back to the question" }
            }
        }
    };
    layout(site, Some(tree), &page_title(tree, false), &body)
}

/// The list of trees.
#[must_use]
pub fn index_page(site: &Site) -> String {
    let body = html! {
        h1 id="step-heading" tabindex="-1" autofocus { "Guides" }
        ul class="trees" {
            @for tree in &site.trees {
                li { a href=(action(tree)) { (tree.model.title) } }
            }
        }
    };
    layout(site, None, "Guides", &body)
}

/// A page for a request no page of this site would send, or a tree that
/// is not here: what went wrong and a way back.
#[must_use]
pub fn problem_page(site: &Site, tree: Option<&Tree>, heading: &str, detail: &str) -> String {
    let back = tree.map_or_else(|| "/".to_string(), action);
    let body = html! {
        h1 id="step-heading" tabindex="-1" autofocus { (heading) }
        p { (detail) }
        p { a href=(back) { "Start again" } }
    };
    layout(site, tree, &format!("Error: {heading}"), &body)
}

fn action(tree: &Tree) -> String {
    format!("/t/{}", tree.model.id)
}

fn page_title(tree: &Tree, error: bool) -> String {
    if error {
        format!("Error: {}", tree.model.title)
    } else {
        tree.model.title.clone()
    }
}

fn hidden_answers(session: &Session<'_>) -> Markup {
    html! { input type="hidden" name="answers" value=(write_answers(session)); }
}

/// Back, why, start again and save, as buttons of the step's form. The
/// default button (Continue) comes first in the form, so Enter answers.
fn commands(first: bool) -> Markup {
    html! {
        div class="commands" role="group" aria-label="Other things you can do" {
            @if !first {
                button name="do" value=(Action::Back.word()) { "Back" }
            }
            button name="do" value=(Action::Why.word()) { "Why am I seeing this?" }
            @if !first {
                button name="do" value=(Action::Restart.word()) { "Start again" }
            }
            button name="do" value=(Action::Save.word()) { "Save my answers" }
        }
    }
}

fn notice_html(notice: Option<&Notice>) -> Markup {
    html! {
        @match notice {
            Some(Notice::Info(text)) => {
                div class="notice" role="status" { p { (text) } }
            }
            Some(Notice::Error { message, field }) => {
                div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus {
                    h2 id="error-summary-title" { "There is a problem" }
                    ul {
                        li { a href=(format!("#{field}")) { (message) } }
                    }
                }
            }
            None => {}
        }
    }
}

/// The heading, text, help and controls of a step.
fn step_fields(step: &Step, fill: &Prefill, error: Option<(&str, &str)>, focus: bool) -> Markup {
    let (heading, rest) = split_heading(&step.text);
    let described = describedby(step.help.is_some(), error.is_some());
    let extra = step_extra(&rest, step.help.as_deref(), error.map(|(m, _)| m));
    let legend = html! { legend { (heading_html(&heading, focus)) } };
    let (described, invalid) = (described.as_deref(), error.is_some());
    match &step.kind {
        StepKind::Choose(options) => html! {
            fieldset aria-describedby=[described] {
                (legend) (extra) (choose_fields(options, fill, invalid))
            }
        },
        StepKind::Check(items) => html! {
            fieldset aria-describedby=(describedby_with(described, "check-hint")) {
                (legend)
                (extra)
                p class="field-hint" id="check-hint" { "Tick all that apply, or none." }
                (check_fields(items, fill))
            }
        },
        StepKind::Number { min, max } => {
            let hint = format!("Enter a whole number from {min} to {max}.");
            input_fields(
                &heading, focus, &extra, &hint, described, fill, invalid, true,
            )
        }
        StepKind::Text { max_len } => {
            let hint = format!("At most {max_len} characters.");
            input_fields(
                &heading, focus, &extra, &hint, described, fill, invalid, false,
            )
        }
        StepKind::Info { advice } => html! {
            (heading_html(&heading, focus))
            (extra)
            @if !advice.is_empty() {
                ul class="advice" { @for a in advice { li { (a) } } }
            }
        },
        StepKind::Blocked { message } => html! {
            (heading_html(&heading, focus))
            (extra)
            (error_message(message))
        },
    }
}

/// What follows a step's heading: the rest of its text, its help and the
/// error from the last try.
fn step_extra(rest: &[String], help: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        @for para in rest { (para_html(para)) }
        @if let Some(help) = help {
            div class="help" id="help" { (para_html(help)) }
        }
        @if let Some(message) = error { (error_message(message)) }
    }
}

fn error_message(message: &str) -> Markup {
    html! {
        p class="error-message" id="answer-error" {
            span class="visually-hidden" { "Error: " }
            (message)
        }
    }
}

/// One radio button per shown option.
fn choose_fields(options: &[Shown], fill: &Prefill, invalid: bool) -> Markup {
    html! {
        div class="choices" {
            @for (i, o) in options.iter().enumerate() {
                div class="choice" {
                    input type="radio" name="choice" id=(format!("choice-{i}")) value=(o.id)
                        checked[fill.choice.as_deref() == Some(o.id.as_str())]
                        aria-invalid=[invalid.then_some("true")];
                    label for=(format!("choice-{i}")) { (o.label) }
                }
            }
        }
    }
}

/// One checkbox per shown item.
fn check_fields(items: &[Shown], fill: &Prefill) -> Markup {
    html! {
        div class="choices" {
            @for (i, item) in items.iter().enumerate() {
                div class="choice" {
                    input type="checkbox" name="item" id=(format!("item-{i}")) value=(item.id)
                        checked[fill.items.contains(&item.id)];
                    label for=(format!("item-{i}")) { (item.label) }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn input_fields(
    heading: &str,
    focus: bool,
    extra: &Markup,
    hint: &str,
    described: Option<&str>,
    fill: &Prefill,
    invalid: bool,
    numeric: bool,
) -> Markup {
    html! {
        h1 id="step-heading" tabindex="-1" autofocus[focus] {
            label for="value" { (heading) }
        }
        (extra)
        p class="field-hint" id="value-hint" { (hint) }
        input type="text" name="value" id="value" class=(if numeric { "number" } else { "text" })
            inputmode=[numeric.then_some("numeric")]
            autocomplete="off" spellcheck=[(!numeric).then_some("false")]
            value=[fill.value.as_deref()]
            aria-invalid=[invalid.then_some("true")]
            aria-describedby=(describedby_with(described, "value-hint"));
    }
}

fn describedby(help: bool, error: bool) -> Option<String> {
    let ids: Vec<&str> = [(help, "help"), (error, "answer-error")]
        .into_iter()
        .filter_map(|(on, id)| on.then_some(id))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn describedby_with(described: Option<&str>, id: &str) -> String {
    match described {
        Some(d) => format!("{id} {d}"),
        None => id.to_string(),
    }
}

fn heading_html(text: &str, focus: bool) -> Markup {
    html! { h1 id="step-heading" tabindex="-1" autofocus[focus] { (text) } }
}

/// The first paragraph of a step's text is its heading; the rest follow
/// as paragraphs.
fn split_heading(text: &str) -> (String, Vec<String>) {
    let mut paras = paragraphs(text).into_iter();
    let heading = paras.next().unwrap_or_default();
    (heading, paras.collect())
}

fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

/// A paragraph; its own line breaks are kept.
fn para_html(text: &str) -> Markup {
    html! {
        @for para in paragraphs(text) {
            p {
                @for (i, line) in para.lines().enumerate() {
                    @if i > 0 { br; }
                    (line)
                }
            }
        }
    }
}

/// A screen from the shared report module, as HTML.
fn doc_html(doc: &Doc, focus: bool) -> Markup {
    html! {
        @for block in &doc.blocks {
            @match block {
                Block::Title(t) => { h1 id="step-heading" tabindex="-1" autofocus[focus] { (t) } }
                Block::Heading(h) => { h2 { (h) } }
                Block::Para(p) => { (para_html(p)) }
                Block::Bullets(items) => { ul { @for i in items { li { (i) } } } }
                Block::Lines(lines) => { ul class="lines" { @for l in lines { li { (l) } } } }
                Block::Note(n) => { p class="note" { (n) } }
            }
        }
    }
}

/// Going on from a save file: a file to upload, or its text pasted. Both
/// work without JavaScript.
#[must_use]
pub fn resume_form(tree: &Tree, error: Option<&str>) -> Markup {
    html! {
        section class="resume" aria-labelledby="resume-title" {
            h2 id="resume-title" { "Go on from a save file" }
            form method="post" action=(format!("{}/resume", action(tree))) enctype="multipart/form-data" novalidate autocomplete="off" {
                @if let Some(message) = error {
                    p class="error-message" id="resume-error" {
                        span class="visually-hidden" { "Error: " }
                        (message)
                    }
                }
                div class="field" {
                    label for="save-file" { "Your save file" }
                    input type="file" id="save-file" name="file" accept=".json,application/json"
                        aria-describedby=[error.map(|_| "resume-error")];
                }
                div class="field" {
                    label for="save-text" { "Or paste what is in it" }
                    textarea id="save-text" name="text" rows="3" spellcheck="false" autocomplete="off" {}
                }
                button name="do" value="resume" { "Go on from here" }
            }
        }
    }
}

/// The first step's page with an error about the save file offered.
#[must_use]
pub fn resume_error_page(
    site: &Site,
    tree: &Tree,
    session: &mut Session<'_>,
    message: &str,
) -> String {
    let step = Step::current(session, &tree.progress);
    let body = html! {
        div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus {
            h2 id="error-summary-title" { "There is a problem" }
            ul { li { a href="#save-file" { (message) } } }
        }
        form method="post" action=(action(tree)) novalidate {
            (hidden_answers(session))
            @if let Some(hint) = &step.hint { p class="hint" { (hint) } }
            (step_fields(&step, &Prefill::default(), None, false))
            div class="actions" {
                button class="primary" name="do" value=(Action::Next.word()) { "Continue" }
            }
            (commands(true))
        }
        (resume_form(tree, Some(message)))
    };
    layout(site, Some(tree), &page_title(tree, true), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_splits_into_a_heading_and_paragraphs() {
        let (heading, rest) = split_heading("  First line\n\nSecond\nthird\n\n\nFourth ");
        assert_eq!(heading, "First line");
        assert_eq!(rest, ["Second\nthird", "Fourth"]);
        assert_eq!(para_html("a\nb").into_string(), "<p>a<br>b</p>");
    }

    #[test]
    fn described_by_lists_the_help_and_the_error() {
        assert_eq!(
            describedby(true, true).as_deref(),
            Some("help answer-error")
        );
        assert_eq!(describedby(false, false), None);
        assert_eq!(describedby_with(None, "value-hint"), "value-hint");
    }
}
