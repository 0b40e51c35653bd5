//! State keys, stored compactly: one word per live value, back to back.
//!
//! Every slot of a key has a known type (a variable's declared type, a
//! `visited(..)` fact, a visit count), so a value fits in one `u64`
//! exactly: a truth value as 0 or 1, an int as its bits, a `one_of` member
//! as its index (`u64::MAX` while it has none), a set as its member bits,
//! and a text as the index of its one interned copy. Two keys are equal
//! exactly when their values are, so states stay keyed exactly, and a key
//! costs a third of the memory of the values themselves.

use crate::ids::saturating_u32;
use crate::model::{Type, Value};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Every state's key, back to back, and the texts they hold.
#[derive(Debug, Clone, Default)]
pub(super) struct Keys {
    words: Vec<u64>,
    texts: Vec<Arc<str>>,
    text_ids: FxHashMap<Arc<str>, u64>,
}

/// The word for a `one_of` with no member yet.
const NO_MEMBER: u64 = u64::MAX;

impl Keys {
    /// Words stored so far.
    pub(super) fn len(&self) -> usize {
        self.words.len()
    }

    /// Drop the words from `len` on (a key that was already known).
    pub(super) fn truncate(&mut self, len: usize) {
        self.words.truncate(len);
    }

    /// The words of one key.
    pub(super) fn get(&self, start: usize, len: u32) -> &[u64] {
        &self.words[start..start + len as usize]
    }

    /// The words from `start` to the end.
    pub(super) fn tail(&self, start: usize) -> &[u64] {
        &self.words[start..]
    }

    /// Append one value.
    pub(super) fn push(&mut self, value: &Value) {
        let word = match value {
            Value::Bool(b) => u64::from(*b),
            Value::Int(n) => u64::from_ne_bytes(n.to_ne_bytes()),
            Value::Enum(None) => NO_MEMBER,
            Value::Enum(Some(m)) => u64::from(*m),
            Value::Set(bits) => *bits,
            Value::Text(t) => self.text_id(t),
        };
        self.words.push(word);
    }

    /// Append a plain number (a visit count).
    pub(super) fn push_count(&mut self, n: u32) {
        self.words.push(u64::from(n));
    }

    fn text_id(&mut self, t: &Arc<str>) -> u64 {
        if let Some(&id) = self.text_ids.get(t) {
            return id;
        }
        let id = self.texts.len() as u64;
        self.texts.push(t.clone());
        self.text_ids.insert(t.clone(), id);
        id
    }

    /// The value a word stands for in a slot of type `ty`.
    pub(super) fn value(&self, ty: Type, word: u64) -> Value {
        match ty {
            Type::Bool => Value::Bool(word != 0),
            Type::Int => Value::Int(i64::from_ne_bytes(word.to_ne_bytes())),
            Type::Enum(_) if word == NO_MEMBER => Value::Enum(None),
            Type::Enum(_) => Value::Enum(Some(saturating_u32(word))),
            Type::Set(_) => Value::Set(word),
            Type::Text => Value::Text(
                usize::try_from(word)
                    .ok()
                    .and_then(|i| self.texts.get(i))
                    .cloned()
                    .unwrap_or_else(|| Arc::from("")),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DomainId;

    #[test]
    fn every_value_comes_back_as_it_went_in() {
        let mut keys = Keys::default();
        let cases = [
            (Type::Bool, Value::Bool(true)),
            (Type::Bool, Value::Bool(false)),
            (Type::Int, Value::Int(-7)),
            (Type::Int, Value::Int(i64::MAX)),
            (Type::Enum(DomainId(1)), Value::Enum(None)),
            (Type::Enum(DomainId(1)), Value::Enum(Some(3))),
            (Type::Set(DomainId(2)), Value::Set(0b1011)),
            (Type::Text, Value::Text(Arc::from("a"))),
            (Type::Text, Value::Text(Arc::from("b"))),
            (Type::Text, Value::Text(Arc::from("a"))),
        ];
        for (_, v) in &cases {
            keys.push(v);
        }
        for (i, (ty, v)) in cases.iter().enumerate() {
            assert_eq!(&keys.value(*ty, keys.get(0, 10)[i]), v);
        }
        // Equal texts share one word; different ones do not.
        assert_eq!(keys.get(7, 1), keys.get(9, 1));
        assert_ne!(keys.get(7, 1), keys.get(8, 1));
    }
}
