//! State keys, stored compactly: each live value in as few bits as its
//! type needs, packed into words, back to back.
//!
//! Every slot of a key has a known type (a variable's declared type, a
//! `visited(..)` fact, a visit count), so each value has an exact code: a
//! truth value is 0 or 1, an int its 64 bits, a `one_of` 0 while it has no
//! member and the member's index plus one after, a set its member bits, a
//! text the index of its one interned copy, a visit count its number. Each
//! node has a [`Layout`] that gives every slot of its keys a place (a word
//! and a bit offset) and only as many bits as the codes of its type can
//! take: one for a truth value, one per member for a set, enough for the
//! members of a `one_of`. So 16 live truth values take one word, not 16.
//!
//! Unused bits are always zero, so two keys of one node are equal exactly
//! when their values are: states stay keyed exactly.

use super::super::live::Liveness;
use crate::ids::saturating_u32;
use crate::interp::Session;
use crate::model::{Model, NodeId, NodeKind, Type, Value, VarId};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Where one slot's code lives in a key.
#[derive(Debug, Clone, Copy)]
struct Place {
    word: u32,
    shift: u32,
    /// The slot's bits, before shifting: as many as its type's codes
    /// take, and for a set only the members that can matter.
    mask: u64,
}

impl Place {
    fn new(word: usize, shift: u8, bits: u8) -> Place {
        Place {
            word: saturating_u32(word),
            shift: u32::from(shift),
            mask: u64::MAX >> (64 - u32::from(bits.clamp(1, 64))),
        }
    }

    /// Put a code in this (empty) place of a key, keeping the bits of
    /// its mask.
    #[inline]
    fn put(self, key: &mut [u64], code: u64) {
        key[self.word as usize] |= (code & self.mask) << self.shift;
    }

    /// The code in this place of a key.
    fn get(self, key: &[u64]) -> u64 {
        (key[self.word as usize] >> self.shift) & self.mask
    }
}

/// A live truth value's place in a key: most live values are flags, and
/// keying them is one test and one bit.
#[derive(Debug, Clone, Copy)]
struct Flag {
    var: VarId,
    word: u32,
    bit: u64,
}

/// How the keys of one node are laid out: a place per slot (variables,
/// `visited(..)` facts, visit counts, in the order [`Liveness`] lists
/// them) and the words a key takes.
#[derive(Debug, Clone, Default)]
struct Layout {
    places: Vec<Place>,
    /// The live variables again, split for keying: truth values (set
    /// with one bit each) and the rest (coded by their type).
    flags: Vec<Flag>,
    values: Vec<(VarId, Place)>,
    words: u32,
    /// A checklist's keys are followed by one more word, not part of the
    /// key: the items shown there (a function of the key, known only once
    /// the state is opened).
    items: bool,
}

impl Layout {
    /// Pack slots of these widths (in bits, 1 to 64): widest first, each
    /// in the first word with room for it.
    fn new(widths: &[u8]) -> Layout {
        let mut order: Vec<usize> = (0..widths.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(widths[i]));
        let mut used: Vec<u8> = Vec::new();
        let mut places = vec![Place::new(0, 0, 1); widths.len()];
        for i in order {
            let bits = widths[i].clamp(1, 64);
            let word = match used
                .iter()
                .position(|&u| u16::from(u) + u16::from(bits) <= 64)
            {
                Some(w) => w,
                None => {
                    used.push(0);
                    used.len() - 1
                }
            };
            places[i] = Place::new(word, used[word], bits);
            used[word] += bits;
        }
        Layout {
            places,
            flags: Vec::new(),
            values: Vec::new(),
            words: saturating_u32(used.len()),
            items: false,
        }
    }
}

/// Every state's key, back to back, and the texts they hold.
#[derive(Debug, Clone, Default)]
pub(super) struct Keys {
    words: Vec<u64>,
    /// Per node.
    layouts: Vec<Layout>,
    texts: Texts,
}

/// Every text a key holds, once each: a text's code is its index here.
#[derive(Debug, Clone, Default)]
struct Texts {
    list: Vec<Arc<str>>,
    ids: FxHashMap<Arc<str>, u64>,
}

impl Texts {
    /// The code of a value.
    #[inline]
    fn code(&mut self, value: &Value) -> u64 {
        match value {
            Value::Bool(b) => u64::from(*b),
            Value::Int(n) => u64::from_ne_bytes(n.to_ne_bytes()),
            Value::Enum(None) => 0,
            Value::Enum(Some(m)) => u64::from(*m) + 1,
            Value::Set(bits) => *bits,
            Value::Text(t) => self.id(t),
        }
    }

    fn id(&mut self, t: &Arc<str>) -> u64 {
        if let Some(&id) = self.ids.get(t) {
            return id;
        }
        let id = self.list.len() as u64;
        self.list.push(t.clone());
        self.ids.insert(t.clone(), id);
        id
    }
}

/// Bits a visit count takes.
const COUNT_BITS: u8 = 32;

impl Keys {
    /// Empty, with a layout for the keys of each node of the tree.
    pub(super) fn new(model: &Model, live: &Liveness) -> Keys {
        let layouts = (0..model.nodes.len())
            .map(|i| {
                let node = NodeId::from_index(i);
                let vars = live
                    .vars(node)
                    .iter()
                    .map(|&v| width(model, model.var(v).ty));
                let visited = live.visited(node).iter().map(|_| 1);
                let counts = live.counts(node).iter().map(|_| COUNT_BITS);
                let widths: Vec<u8> = vars.chain(visited).chain(counts).collect();
                let mut layout = Layout::new(&widths);
                // A variable's slot keeps only the bits that can matter.
                for (place, mask) in layout.places.iter_mut().zip(live.masks(node)) {
                    place.mask &= mask;
                }
                for (&var, &place) in live.vars(node).iter().zip(&layout.places) {
                    match model.var(var).ty {
                        Type::Bool if place.mask & 1 == 0 => {}
                        Type::Bool => layout.flags.push(Flag {
                            var,
                            word: place.word,
                            bit: 1 << place.shift,
                        }),
                        _ => layout.values.push((var, place)),
                    }
                }
                layout.items = matches!(model.node(node).kind, NodeKind::Checklist { .. });
                layout
            })
            .collect();
        Keys {
            layouts,
            ..Keys::default()
        }
    }

    /// Drop the words from `len` on (a key that was already known).
    pub(super) fn truncate(&mut self, len: usize) {
        self.words.truncate(len);
    }

    /// The words of one key.
    pub(super) fn get(&self, start: usize, len: usize) -> &[u64] {
        &self.words[start..start + len]
    }

    /// The words of the key of `node` at `start`.
    pub(super) fn key(&self, start: usize, node: NodeId) -> &[u64] {
        self.get(start, self.layouts[node.index()].words as usize)
    }

    /// The items shown at the checklist state whose key is at `start`
    /// (none before [`Keys::set_items`], or at other nodes).
    pub(super) fn items(&self, start: usize, node: NodeId) -> u64 {
        let layout = &self.layouts[node.index()];
        if layout.items {
            self.words[start + layout.words as usize]
        } else {
            0
        }
    }

    /// Keep the items shown at the checklist state whose key is at `start`.
    pub(super) fn set_items(&mut self, start: usize, node: NodeId, items: u64) {
        let layout = &self.layouts[node.index()];
        if layout.items {
            self.words[start + layout.words as usize] = items;
        }
    }

    /// Append the key of the state `session` waits in: the live
    /// variables (each with only its bits that can matter), the live
    /// `visited(..)` facts, then the live visit `counts` on arriving
    /// there. Returns where it starts.
    pub(super) fn push(&mut self, live: &Liveness, session: &Session<'_>, counts: &[u32]) -> usize {
        let node = session.current();
        let Keys {
            words,
            layouts,
            texts,
        } = self;
        let layout = &layouts[node.index()];
        let start = words.len();
        words.resize(start + layout.words as usize + usize::from(layout.items), 0);
        let key = &mut words[start..];
        let (path, values) = (session.path(), session.vars());
        for flag in &layout.flags {
            // No branch on the value: flags are as likely true as false.
            let set = u64::from(matches!(values[flag.var.index()], Value::Bool(true)));
            key[flag.word as usize] |= flag.bit * set;
        }
        for &(var, place) in &layout.values {
            place.put(key, texts.code(&values[var.index()]));
        }
        let mut places = layout.places.iter().skip(live.vars(node).len());
        for (n, place) in live.visited(node).iter().zip(&mut places) {
            place.put(key, u64::from(path.contains(n)));
        }
        for (&c, place) in counts.iter().zip(&mut places) {
            place.put(key, u64::from(c));
        }
        start
    }

    /// How many slots a key of `node` has.
    pub(super) fn slots(&self, node: NodeId) -> usize {
        self.layouts[node.index()].places.len()
    }

    /// The code in slot `slot` of the key of `node` at `start`.
    pub(super) fn code(&self, start: usize, node: NodeId, slot: usize) -> u64 {
        self.layouts[node.index()].places[slot].get(&self.words[start..])
    }

    /// The value a code stands for in a slot of type `ty`.
    pub(super) fn value(&self, ty: Type, code: u64) -> Value {
        match ty {
            Type::Bool => Value::Bool(code != 0),
            Type::Int => Value::Int(i64::from_ne_bytes(code.to_ne_bytes())),
            Type::Enum(_) => Value::Enum(code.checked_sub(1).map(saturating_u32)),
            Type::Set(_) => Value::Set(code),
            Type::Text => Value::Text(
                usize::try_from(code)
                    .ok()
                    .and_then(|i| self.texts.list.get(i))
                    .cloned()
                    .unwrap_or_else(|| Arc::from("")),
            ),
        }
    }
}

/// The bits the codes of a type take.
fn width(model: &Model, ty: Type) -> u8 {
    let bits_for = |largest: usize| {
        let bits = usize::BITS - largest.leading_zeros();
        u8::try_from(bits.clamp(1, 64)).unwrap_or(64)
    };
    match ty {
        Type::Bool => 1,
        Type::Int | Type::Text => 64,
        // Codes 0 (no member) to the number of members.
        Type::Enum(d) => bits_for(model.domains[d.0 as usize].len()),
        Type::Set(d) => u8::try_from(model.domains[d.0 as usize].len().clamp(1, 64)).unwrap_or(64),
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
        let codes: Vec<u64> = cases.iter().map(|(_, v)| keys.texts.code(v)).collect();
        for ((ty, v), &code) in cases.iter().zip(&codes) {
            assert_eq!(&keys.value(*ty, code), v);
        }
        // Equal texts share one code; different ones do not.
        assert_eq!(codes[7], codes[9]);
        assert_ne!(codes[7], codes[8]);
    }

    #[test]
    fn slots_are_packed_widest_first_and_read_back_exactly() {
        // Two ints, 16 truth values, a 5-member set and a count.
        let mut widths = vec![64, 64];
        widths.extend([1; 16]);
        widths.extend([5, COUNT_BITS]);
        let layout = Layout::new(&widths);
        // The ints take a word each; the rest (53 bits) share one.
        assert_eq!(layout.words, 3);
        let codes: Vec<u64> = (0..widths.len())
            .map(|i| match widths[i] {
                64 => u64::MAX - i as u64,
                1 => (i % 3 == 0).into(),
                5 => 0b10110,
                _ => 3,
            })
            .collect();
        let mut key = vec![0; layout.words as usize];
        for (place, &code) in layout.places.iter().zip(&codes) {
            place.put(&mut key, code);
        }
        for (slot, (place, &code)) in layout.places.iter().zip(&codes).enumerate() {
            assert_eq!(place.get(&key), code, "slot {slot}");
        }
    }

    #[test]
    fn a_sixty_four_member_set_takes_a_whole_word() {
        let layout = Layout::new(&[1, 64, 1]);
        assert_eq!(layout.words, 2);
        assert_eq!(layout.places[1].mask, u64::MAX);
    }
}
