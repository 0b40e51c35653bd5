//! `--set VAR=VALUE` and `--answer NODE=VALUE` as text.

use super::hint;
use crate::diag::did_you_mean;
use crate::model::{Model, Type, Value, VarId};
use std::sync::Arc;

/// Split `NAME=VALUE` (for `--answer` and `--set`).
///
/// # Errors
/// When there is no `=` or no name.
pub fn split_assignment(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("`{text}` should look like NAME=VALUE")),
    }
}

/// Read `--set VAR=VALUE`: the variable and its value, checked against the
/// variable's type.
///
/// # Errors
/// An unknown variable (with a did-you-mean) or a value of the wrong type.
pub fn parse_set(model: &Model, name: &str, text: &str) -> Result<(VarId, Value), String> {
    let Some(var) = model.find_var(name) else {
        let names = model.vars.iter().map(|v| v.name.as_str());
        return Err(format!(
            "there is no variable `{name}`{}",
            hint(&did_you_mean(name, names))
        ));
    };
    let ty = model.var(var).ty;
    let value = parse_value(model, ty, text.trim())
        .map_err(|expected| format!("`{name}` = {text:?}: expected {expected}"))?;
    Ok((var, value))
}

/// Read a value of a type from text: `true`, `42`, `calm`, `outside,music`.
fn parse_value(model: &Model, ty: Type, text: &str) -> Result<Value, String> {
    let member = |d: crate::model::DomainId, word: &str| {
        let members = &model.domains[d.0 as usize];
        members
            .iter()
            .position(|m| m == word)
            .and_then(|i| u32::try_from(i).ok())
            .ok_or_else(|| {
                format!(
                    "one of {}{}",
                    members.join(", "),
                    hint(&did_you_mean(word, members.iter().map(String::as_str)))
                )
            })
    };
    match ty {
        Type::Bool => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("true or false".into()),
        },
        Type::Int => text
            .parse()
            .map(Value::Int)
            .map_err(|_| "a whole number".into()),
        Type::Text => Ok(Value::Text(Arc::from(text))),
        Type::Enum(d) => member(d, text).map(|m| Value::Enum(Some(m))),
        Type::Set(d) => {
            let mut bits = 0u64;
            for word in set_words(text) {
                bits |= 1 << member(d, word)?;
            }
            Ok(Value::Set(bits))
        }
    }
}

/// The members of a set written as text: `a, b`, or the set literal `{a, b}`
/// (`{}` and the empty text are the empty set).
pub(super) fn set_words(text: &str) -> Vec<&str> {
    let text = text.trim();
    let inner = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    inner
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
}
