//! Values across the boundary: tree values to Rhai arguments, and a
//! hook's Rhai result back to a typed tree value.

use super::{HookErrorKind, MAX_STRING_SIZE};
use crate::model::{DomainId, Model, Type, Value};
use rhai::{Array, Dynamic, ImmutableString};
use std::sync::Arc;

/// The arguments of a call as Rhai values.
pub(super) fn rhai_args(
    model: &Model,
    args: &[Value],
    arg_types: &[Type],
) -> Result<Vec<Dynamic>, HookErrorKind> {
    if args.len() != arg_types.len() {
        return Err(HookErrorKind::ArgumentMismatch(
            args.len().min(arg_types.len()) + 1,
        ));
    }
    args.iter()
        .zip(arg_types)
        .enumerate()
        .map(|(i, (value, ty))| to_rhai(model, value, *ty, i + 1))
        .collect()
}

/// Argument number `index` (1-based) as a Rhai value.
fn to_rhai(model: &Model, value: &Value, ty: Type, index: usize) -> Result<Dynamic, HookErrorKind> {
    let mismatch = || HookErrorKind::ArgumentMismatch(index);
    Ok(match (value, ty) {
        (Value::Bool(b), Type::Bool) => Dynamic::from_bool(*b),
        (Value::Int(n), Type::Int) => Dynamic::from_int(*n),
        (Value::Text(s), Type::Text) => {
            if s.len() > MAX_STRING_SIZE {
                return Err(HookErrorKind::ArgumentTooLarge {
                    index,
                    len: s.len(),
                });
            }
            Dynamic::from(ImmutableString::from(&**s))
        }
        (Value::Enum(None), Type::Enum(_)) => Dynamic::UNIT,
        (Value::Enum(Some(m)), Type::Enum(d)) => {
            let name = members(model, d).get(*m as usize).ok_or_else(mismatch)?;
            Dynamic::from(ImmutableString::from(name.as_str()))
        }
        (Value::Set(bits), Type::Set(d)) => {
            let names: Array = members(model, d)
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && bits & (1 << i) != 0)
                .map(|(_, m)| Dynamic::from(ImmutableString::from(m.as_str())))
                .collect();
            Dynamic::from_array(names)
        }
        _ => return Err(mismatch()),
    })
}

fn members(model: &Model, d: DomainId) -> &[String] {
    model.domains.get(d.0 as usize).map_or(&[], Vec::as_slice)
}

pub(super) fn from_rhai(model: &Model, value: Dynamic, ret: Type) -> Result<Value, HookErrorKind> {
    let wrong = |hint: &'static str| HookErrorKind::WrongType {
        got: describe(&value),
        want: type_name(model, ret),
        hint,
    };
    match ret {
        Type::Bool => value.as_bool().map(Value::Bool).map_err(|_| wrong("")),
        Type::Int => value.as_int().map(Value::Int).map_err(|_| {
            if value.is_float() {
                wrong("; turn it into a whole number with `to_int()` or `round()`")
            } else {
                wrong("")
            }
        }),
        Type::Text => match value.clone().into_immutable_string() {
            Ok(s) => Ok(Value::Text(Arc::from(s.as_str()))),
            Err(_) => Err(wrong("; turn it into text with `to_string()`")),
        },
        Type::Enum(d) => {
            if value.is_unit() {
                return Ok(Value::Enum(None));
            }
            let Ok(name) = value.clone().into_immutable_string() else {
                return Err(wrong("; return the member's name as a string"));
            };
            member(model, ret, d, &name).map(|m| Value::Enum(Some(m)))
        }
        Type::Set(d) => {
            let Ok(items) = value.clone().into_array() else {
                return Err(wrong(
                    "; return an array of member names, like [\"a\", \"b\"]",
                ));
            };
            let mut bits = 0u64;
            for item in items {
                let Ok(name) = item.clone().into_immutable_string() else {
                    return Err(HookErrorKind::WrongType {
                        got: format!("an array holding {}", describe(&item)),
                        want: type_name(model, ret),
                        hint: "; every item must be a member name string",
                    });
                };
                bits |= 1 << member(model, ret, d, &name)?;
            }
            Ok(Value::Set(bits))
        }
    }
}

/// The index of member `name` of the `one_of` or `set` type `ty`.
pub(super) fn member(
    model: &Model,
    ty: Type,
    d: DomainId,
    name: &str,
) -> Result<u32, HookErrorKind> {
    members(model, d)
        .iter()
        .position(|m| m == name)
        .and_then(|i| u32::try_from(i).ok())
        .ok_or_else(|| HookErrorKind::UnknownMember {
            member: name.to_string(),
            want: type_name(model, ty),
        })
}

/// A tree type as written in a tree: `int`, `one_of(a, b)`, `set(a, b)`.
fn type_name(model: &Model, ty: Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::Int => "int".into(),
        Type::Text => "text".into(),
        Type::Enum(d) => format!("one_of({})", members(model, d).join(", ")),
        Type::Set(d) => format!("set({})", members(model, d).join(", ")),
    }
}

/// A Rhai value in words, short enough for a one-line message.
fn describe(value: &Dynamic) -> String {
    const SHORT: usize = 40;
    let shown = value.to_string();
    let shown = if shown.chars().count() > SHORT {
        format!("{}...", shown.chars().take(SHORT).collect::<String>())
    } else {
        shown
    };
    if value.is_unit() {
        "nothing (`()`)".into()
    } else if value.is_bool() {
        format!("the bool `{shown}`")
    } else if value.is_int() {
        format!("the int `{shown}`")
    } else if value.is_float() {
        format!("the decimal number `{shown}`")
    } else if value.is_string() {
        format!("the string {shown:?}")
    } else if value.is_char() {
        format!("the character {shown:?}")
    } else if value.is_array() {
        "an array".into()
    } else if value.is_map() {
        "an object map".into()
    } else {
        format!("a value of type `{}`", value.type_name())
    }
}
