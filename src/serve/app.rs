//! The routes, the privacy headers every response carries, and the limits.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the one tree's first step, or the list of trees |
//! | `GET /t/ID` | a tree's first step |
//! | `POST /t/ID` | a step form: answer, back, why, restart, save, transcript |
//! | `POST /t/ID/resume` | go on from a save file (multipart: upload or pasted text) |
//! | `GET /static/...` | the style sheet and the optional script |
//!
//! Nothing is logged per request, no cookie is ever set, and every
//! response says `Cache-Control: no-store`.

use super::form::{self, Action, Posted, ReplayError};
use super::page::{self, Notice, Prefill};
use super::{Site, Tree};
use crate::answers::{misfit_of, to_answer};
use crate::interp::{Answer, Session};
use crate::model::NodeKind;
use crate::prompt::{Step, StepKind};
use crate::save::{self, SaveFile, Start};
use crate::transcript::{Status, Transcript};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Router};
use std::sync::Arc;

/// The Content-Security-Policy of every response: only this site's own
/// style sheet and script, forms posted only here, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("app.js");

type Shared = State<Arc<Site>>;

/// The whole site.
pub fn router(site: Arc<Site>) -> Router {
    let limit = site.max_body;
    Router::new()
        .route("/", get(home))
        .route("/t/{id}", get(first).post(step))
        .route("/t/{id}/resume", post(resume))
        .route("/static/style.css", get(style))
        .route("/static/app.js", get(script))
        .fallback(not_found)
        .method_not_allowed_fallback(not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::map_response(private_headers))
        .with_state(site)
}

/// No trace: nothing cached, no referrer sent on, a strict CSP.
async fn private_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.remove(header::SET_COOKIE);
    res
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn problem(
    site: &Site,
    tree: Option<&Tree>,
    status: StatusCode,
    heading: &str,
    detail: &str,
) -> Response {
    html(status, page::problem_page(site, tree, heading, detail))
}

async fn home(State(site): Shared) -> Response {
    match site.trees.as_slice() {
        [tree] => first_page(&site, tree),
        _ => html(StatusCode::OK, page::index_page(&site)),
    }
}

async fn first(State(site): Shared, Path(id): Path<String>) -> Response {
    match site.tree(&id) {
        Some(tree) => first_page(&site, tree),
        None => unknown_tree(&site, &id),
    }
}

fn first_page(site: &Site, tree: &Tree) -> Response {
    match form::start(&tree.model) {
        Ok(mut session) => html(
            StatusCode::OK,
            page::step_page(site, tree, &mut session, &Prefill::default(), None),
        ),
        Err(e) => replay_failed(site, tree, &e),
    }
}

fn unknown_tree(site: &Site, id: &str) -> Response {
    let shown: String = id.chars().take(60).collect();
    problem(
        site,
        None,
        StatusCode::NOT_FOUND,
        "There is no such guide here",
        &format!("No guide has the id \u{201c}{shown}\u{201d}. The guides here are listed on the first page."),
    )
}

async fn not_found(State(site): Shared) -> Response {
    problem(
        &site,
        None,
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no page at this address.",
    )
}

async fn not_allowed(State(site): Shared) -> Response {
    problem(
        &site,
        None,
        StatusCode::METHOD_NOT_ALLOWED,
        "This page cannot be used that way",
        "This address does not take that kind of request.",
    )
}

fn too_large_or_bad(site: &Site, tree: Option<&Tree>, status: StatusCode) -> Response {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        problem(
            site,
            tree,
            status,
            "The form sent is too large",
            &format!(
                "This guide accepts forms of at most {} KiB.",
                site.max_body / 1024
            ),
        )
    } else {
        problem(
            site,
            tree,
            StatusCode::BAD_REQUEST,
            "The form could not be read",
            "The request did not carry a form this guide can read.",
        )
    }
}

async fn step(
    State(site): Shared,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(tree) = site.tree(&id) else {
        return unknown_tree(&site, &id);
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return too_large_or_bad(&site, Some(tree), rejection.status()),
    };
    let posted = match form::parse(&body) {
        Ok(posted) => posted,
        Err(e) => {
            return problem(
                &site,
                Some(tree),
                StatusCode::BAD_REQUEST,
                "The form could not be used",
                &format!("{}. Start again to go on.", capitalize(&e.to_string())),
            )
        }
    };
    let mut session = match form::replay(&tree.model, &posted.answers) {
        Ok(session) => session,
        Err(e) => return replay_failed(&site, tree, &e),
    };
    act(&site, tree, &mut session, &posted)
}

/// Do what the button asked.
fn act(site: &Site, tree: &Tree, session: &mut Session<'_>, posted: &Posted) -> Response {
    let model = &tree.model;
    let show = |session: &mut Session<'_>, fill: &Prefill| {
        html(
            StatusCode::OK,
            page::step_page(site, tree, session, fill, None),
        )
    };
    match posted.action {
        Action::Next => answer(site, tree, session, posted),
        Action::Back => {
            let fill = back(tree, session);
            show(session, &fill)
        }
        Action::Restart => {
            session.restart();
            show(session, &Prefill::default())
        }
        Action::Stay => show(session, &Prefill::default()),
        Action::Why => {
            if session.is_finished() {
                show(session, &Prefill::default())
            } else {
                html(StatusCode::OK, page::why_page(site, tree, session))
            }
        }
        Action::Save => {
            let saved = SaveFile::capture(session, &Start::default());
            download(&format!("{}-answers.json", model.id), saved.to_bytes())
        }
        Action::Transcript => {
            let status = if session.is_finished() {
                Status::Finished
            } else {
                Status::Quit
            };
            let mut bytes = serde_json::to_vec_pretty(&Transcript::of(session, status));
            if let Ok(b) = &mut bytes {
                b.push(b'\n');
            }
            download(&format!("{}-transcript.json", model.id), bytes)
        }
    }
}

/// Undo the last real answer; info steps read on the way are undone with
/// it, so Back lands on a question (as in the terminal). Returns the undone
/// answer, to show it again.
fn back(tree: &Tree, session: &mut Session<'_>) -> Prefill {
    let model = &tree.model;
    let is_info = |n| matches!(model.node(n).kind, NodeKind::Info { .. });
    if session.history().iter().all(|r| is_info(r.node)) {
        return Prefill::default();
    }
    while let Some(record) = session.history().last().cloned() {
        session.back();
        if !is_info(record.node) {
            let step = Step::current(session, &tree.progress);
            return Prefill::of(model, &step, &record.answer);
        }
    }
    Prefill::default()
}

fn download(name: &str, bytes: serde_json::Result<Vec<u8>>) -> Response {
    match bytes {
        Ok(bytes) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Answer the current step, or show it again with what is wrong.
fn answer(site: &Site, tree: &Tree, session: &mut Session<'_>, posted: &Posted) -> Response {
    if session.is_finished() {
        return html(
            StatusCode::OK,
            page::step_page(site, tree, session, &Prefill::default(), None),
        );
    }
    let step = Step::current(session, &tree.progress);
    let result = read_answer(tree, &step, posted).and_then(|answer| {
        session
            .answer(answer)
            .map_err(|e| capitalize(&misfit_of(&tree.model, step.node, &e).to_string()))
    });
    match result {
        Ok(()) => html(
            StatusCode::OK,
            page::step_page(site, tree, session, &Prefill::default(), None),
        ),
        Err(message) => {
            let fill = Prefill {
                choice: posted.choice.clone(),
                items: posted.items.clone(),
                value: posted.value.clone(),
            };
            let notice = Notice::Error {
                message,
                field: error_field(&step.kind).into(),
            };
            html(
                StatusCode::UNPROCESSABLE_ENTITY,
                page::step_page(site, tree, session, &fill, Some(&notice)),
            )
        }
    }
}

/// The posted fields as an answer to this step, checked like an answers
/// file; the words of a refusal come from the same place as the
/// terminal's.
fn read_answer(tree: &Tree, step: &Step, posted: &Posted) -> Result<Answer, String> {
    match &step.kind {
        StepKind::Choose(_) if posted.choice.is_none() => Err("Choose one of the options.".into()),
        StepKind::Number { .. } | StepKind::Text { .. } => step
            .parse(posted.value.as_deref().unwrap_or(""))
            .map_err(|e| e.0.replace('\n', " ")),
        StepKind::Info { .. } => Ok(Answer::Continue),
        StepKind::Blocked { message } => Err(message.clone()),
        kind => {
            let value = form::answer_value(posted, kind)
                .unwrap_or(crate::answers::AnswerValue::Items(Vec::new()));
            to_answer(&tree.model, step.node, &value).map_err(|m| capitalize(&m.to_string()))
        }
    }
}

/// The id of the field an error links to.
fn error_field(kind: &StepKind) -> &'static str {
    match kind {
        StepKind::Choose(_) => "choice-0",
        StepKind::Check(_) => "item-0",
        StepKind::Number { .. } | StepKind::Text { .. } => "value",
        StepKind::Info { .. } | StepKind::Blocked { .. } => "step-heading",
    }
}

fn replay_failed(site: &Site, tree: &Tree, e: &ReplayError) -> Response {
    match e {
        ReplayError::Start(message) => problem(
            site,
            Some(tree),
            StatusCode::INTERNAL_SERVER_ERROR,
            "This guide cannot start",
            message,
        ),
        ReplayError::Misfit { index, problem: p } => problem(
            site,
            Some(tree),
            StatusCode::BAD_REQUEST,
            "The answers sent do not fit this guide",
            &format!(
                "Answer {} does not fit: {p}. The form may have been changed, or the guide has changed since the page was shown. Start again to go on.",
                index + 1
            ),
        ),
    }
}

/// Go on from a save file: uploaded, or its text pasted.
async fn resume(
    State(site): Shared,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Some(tree) = site.tree(&id) else {
        return unknown_tree(&site, &id);
    };
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(rejection) => return too_large_or_bad(&site, Some(tree), rejection.status()),
    };
    let (mut file, mut text) = (Vec::new(), String::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return too_large_or_bad(&site, Some(tree), e.status()),
        };
        let name = field.name().unwrap_or("").to_string();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return too_large_or_bad(&site, Some(tree), e.status()),
        };
        match name.as_str() {
            "file" => file = bytes.to_vec(),
            "text" => text = String::from_utf8_lossy(&bytes).into_owned(),
            "do" => {}
            other => {
                let shown: String = other.chars().take(60).collect();
                return problem(
                    &site,
                    Some(tree),
                    StatusCode::BAD_REQUEST,
                    "The form could not be used",
                    &format!("The form has a field `{shown}` that no page of this guide sends. Start again to go on."),
                );
            }
        }
    }
    let bytes = if file.is_empty() {
        text.into_bytes()
    } else {
        file
    };
    resume_from(&site, tree, &bytes)
}

fn resume_from(site: &Site, tree: &Tree, bytes: &[u8]) -> Response {
    let mut session = match form::start(&tree.model) {
        Ok(session) => session,
        Err(e) => return replay_failed(site, tree, &e),
    };
    let refuse = |session: &mut Session<'_>, message: &str| {
        html(
            StatusCode::UNPROCESSABLE_ENTITY,
            page::resume_error_page(site, tree, session, message),
        )
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return refuse(
            &mut session,
            "Choose your save file, or paste what is in it.",
        );
    }
    let saved = match save::parse(bytes, "The save file") {
        Ok(saved) => saved,
        Err(e) => return refuse(&mut session, &e.to_string()),
    };
    if saved.tree != tree.model.id {
        let message = format!(
            "The save file is for the guide \u{201c}{}\u{201d}, not this one.",
            saved.tree.chars().take(60).collect::<String>()
        );
        return refuse(&mut session, &message);
    }
    let resumed = save::replay(&mut session, &saved);
    let notice = Notice::Info(resumed.message(tree.model.version));
    html(
        StatusCode::OK,
        page::step_page(site, tree, &mut session, &Prefill::default(), Some(&notice)),
    )
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
