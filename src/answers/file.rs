//! Reading answers files: JSON, or TOML with nested tables for dotted ids.

use super::AnswerValue;
use std::path::Path;

/// Why an answers file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read the answers file {path}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the answers file {path} is not valid {format}: {message}")]
    Syntax {
        path: String,
        format: &'static str,
        message: String,
    },
    #[error(
        "the answers file {path} must map step ids to answers, like {{\"how_tired\": \"bit\"}}"
    )]
    NotAMap { path: String },
    #[error("the answers file {path}: `{node}` = {value}: {reason}")]
    BadValue {
        path: String,
        node: String,
        /// The value as written, shortened.
        value: String,
        /// Why it is no answer, and what would be.
        reason: String,
    },
}

/// Read an answers file: TOML when the name ends in `.toml`, JSON otherwise.
/// Nested tables stand for dotted ids (`[silence]` `no_reply = "x"` is
/// `silence.no_reply`).
///
/// # Errors
/// When the file cannot be read or parsed, or holds a value that is no
/// kind of answer.
pub fn load_file(path: &Path) -> Result<Vec<(String, AnswerValue)>, FileError> {
    let shown = path.display().to_string();
    let bytes =
        crate::load::read_capped(path, crate::load::MAX_DATA_FILE_SIZE).map_err(|source| {
            FileError::Io {
                path: shown.clone(),
                source,
            }
        })?;
    let text = String::from_utf8(bytes).map_err(|e| FileError::Io {
        path: shown.clone(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
        ),
    })?;
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    parse_text(&text, &shown, is_toml)
}

/// Parse the text of an answers file (TOML or JSON); `shown` names the file
/// in errors.
///
/// # Errors
/// When the text cannot be parsed, or holds a value that is no kind of
/// answer.
pub fn parse_text(
    text: &str,
    shown: &str,
    is_toml: bool,
) -> Result<Vec<(String, AnswerValue)>, FileError> {
    let shown = shown.to_string();
    let json = if is_toml {
        let table: toml::Table = toml::from_str(text).map_err(|e| FileError::Syntax {
            path: shown.clone(),
            format: "TOML",
            message: format!("{}{}", e.message(), toml_place(text, e.span())),
        })?;
        toml_to_json(&shown, "", toml::Value::Table(table))?
    } else {
        serde_json::from_str::<serde_json::Value>(text).map_err(|e| FileError::Syntax {
            path: shown.clone(),
            format: "JSON",
            message: e.to_string(),
        })?
    };
    let serde_json::Value::Object(map) = json else {
        return Err(FileError::NotAMap { path: shown });
    };
    let mut out = Vec::new();
    flatten(&shown, "", map, &mut out)?;
    Ok(out)
}

/// A TOML value as JSON, refusing what JSON would lose or garble: a date
/// and time (which would become a private table), and a float (`inf` would
/// become `null`).
fn toml_to_json(path: &str, id: &str, value: toml::Value) -> Result<serde_json::Value, FileError> {
    let bad = |value: String, reason: &str| FileError::BadValue {
        path: path.to_string(),
        node: crate::diag::shorten(id).into_owned(),
        value: crate::diag::shorten(&value).into_owned(),
        reason: reason.to_string(),
    };
    Ok(match value {
        toml::Value::String(s) => serde_json::Value::String(s),
        toml::Value::Integer(n) => serde_json::Value::from(n),
        toml::Value::Boolean(b) => serde_json::Value::Bool(b),
        toml::Value::Float(f) => {
            return Err(bad(
                format!("{f:?}"),
                "not a whole number; write whole numbers like 45 (not 45.0, 4.5e1 or inf)",
            ))
        }
        toml::Value::Datetime(d) => {
            return Err(bad(
                d.to_string(),
                "a date and time is no kind of answer; put it in quotes to give it as a text",
            ))
        }
        toml::Value::Array(items) => serde_json::Value::Array(
            items
                .into_iter()
                .map(|v| toml_to_json(path, id, v))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(table) => {
            let mut map = serde_json::Map::new();
            for (key, v) in table {
                let inner = if id.is_empty() {
                    key.clone()
                } else {
                    format!("{id}.{key}")
                };
                map.insert(key, toml_to_json(path, &inner, v)?);
            }
            serde_json::Value::Object(map)
        }
    })
}

fn toml_place(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    span.map_or_else(String::new, |s| {
        let before = &text[..s.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!(" (line {line}, column {col})")
    })
}

fn flatten(
    path: &str,
    prefix: &str,
    map: serde_json::Map<String, serde_json::Value>,
    out: &mut Vec<(String, AnswerValue)>,
) -> Result<(), FileError> {
    for (key, value) in map {
        let id = format!("{prefix}{key}");
        if let serde_json::Value::Object(inner) = value {
            flatten(path, &format!("{id}."), inner, out)?;
            continue;
        }
        let answer = serde_json::from_value::<AnswerValue>(value.clone()).map_err(|e| {
            FileError::BadValue {
                path: path.to_string(),
                node: crate::diag::shorten(&id).into_owned(),
                value: crate::diag::shorten(&value.to_string()).into_owned(),
                reason: bad_value_reason(&e.to_string()),
            }
        })?;
        out.push((id, answer));
    }
    Ok(())
}

/// The deserializer's words for a value that is no answer; its generic
/// "invalid type: X, expected Y" becomes "expected Y".
fn bad_value_reason(message: &str) -> String {
    match message.split_once(", expected ") {
        Some((_, expected)) if message.starts_with("invalid type") => {
            format!("expected {expected}")
        }
        _ => message.to_string(),
    }
}
