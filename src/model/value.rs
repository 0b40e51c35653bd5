//! Variables, types and runtime values.

use super::{DomainId, VarId};
use crate::source::Span;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A declared variable (`var name: type = default`).
#[derive(Debug, Clone)]
pub struct Var {
    pub name: String,
    pub ty: Type,
    pub default: Value,
    pub span: Span,
}

/// A value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Type {
    Bool,
    Int,
    Text,
    Enum(DomainId),
    Set(DomainId),
}

/// A runtime value. Enums and sets hold member indices into their domain,
/// so copying state is cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Text(Arc<str>),
    /// A member index, or `None` while a `one_of` has no value yet.
    Enum(Option<u32>),
    /// A bit per member.
    Set(u64),
}

impl std::hash::Hash for Value {
    /// Texts hash by their length and their first and last bytes only: long
    /// texts (a hook's paragraph of advice, say) are hashed for every state
    /// the explorer meets, and equal texts still hash alike. Equality
    /// compares them whole.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Value::Bool(b) => b.hash(state),
            Value::Int(n) => n.hash(state),
            Value::Text(t) => {
                const ENDS: usize = 32;
                let bytes = t.as_bytes();
                bytes.len().hash(state);
                if bytes.len() <= 2 * ENDS {
                    bytes.hash(state);
                } else {
                    bytes[..ENDS].hash(state);
                    bytes[bytes.len() - ENDS..].hash(state);
                }
            }
            Value::Enum(m) => m.hash(state),
            Value::Set(bits) => bits.hash(state),
        }
    }
}

impl Value {
    /// The zero value of a type: false, 0, "", unset, empty.
    #[must_use]
    pub fn zero(ty: Type) -> Value {
        match ty {
            Type::Bool => Value::Bool(false),
            Type::Int => Value::Int(0),
            Type::Text => Value::Text(Arc::from("")),
            Type::Enum(_) => Value::Enum(None),
            Type::Set(_) => Value::Set(0),
        }
    }

    #[must_use]
    pub fn as_bool(&self) -> bool {
        matches!(self, Value::Bool(true))
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Text(s) => f.write_str(s),
            Value::Enum(Some(m)) => write!(f, "#{m}"),
            Value::Enum(None) => f.write_str("(not set)"),
            Value::Set(bits) => write!(f, "{bits:#b}"),
        }
    }
}

/// A text with `{var}` interpolations resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text {
    pub parts: Vec<TextPart>,
}

/// A piece of a [`Text`]: written words or a variable to show.
#[derive(Debug, Clone, PartialEq)]
pub enum TextPart {
    Lit(String),
    Var(VarId),
}
