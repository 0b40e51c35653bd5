//! Exact path counts that say so when they overflow.

use std::fmt;

/// An exact number of paths, or "more than `u128` can hold".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count(Option<u128>);

impl Default for Count {
    fn default() -> Self {
        Count::ZERO
    }
}

impl Count {
    pub const ZERO: Count = Count(Some(0));
    pub const ONE: Count = Count(Some(1));

    /// The exact value, unless it overflowed `u128`.
    #[must_use]
    pub fn exact(self) -> Option<u128> {
        self.0
    }

    /// Is it zero?
    #[must_use]
    pub fn is_zero(self) -> bool {
        self.0 == Some(0)
    }

    #[must_use]
    pub fn plus(self, other: Count) -> Count {
        Count(self.0.zip(other.0).and_then(|(a, b)| a.checked_add(b)))
    }

    #[must_use]
    pub fn times(self, other: Count) -> Count {
        match (self.0, other.0) {
            (Some(0), _) | (_, Some(0)) => Count::ZERO,
            (Some(a), Some(b)) => Count(a.checked_mul(b)),
            _ => Count(None),
        }
    }
}

/// One [`Count`] per state, kept compactly: the low 64 bits of each
/// (8 bytes, where `Option<u128>` takes 32), the high 64 bits only once
/// some count needs them, and a bit each for "more than `u128` can hold".
#[derive(Debug, Clone, Default)]
pub(super) struct Counts {
    low: Vec<u64>,
    /// Empty while every count fits in 64 bits; then one per state.
    high: Vec<u64>,
    /// A bit per state: its count overflowed.
    over: Vec<u64>,
}

impl Counts {
    /// `n` zeros.
    pub(super) fn zeros(n: usize) -> Counts {
        Counts {
            low: vec![0; n],
            high: Vec::new(),
            over: vec![0; n.div_ceil(64)],
        }
    }

    #[inline]
    pub(super) fn get(&self, i: usize) -> Count {
        if self.over[i / 64] & (1 << (i % 64)) != 0 {
            return Count(None);
        }
        let high = self.high.get(i).copied().unwrap_or(0);
        Count(Some(u128::from(high) << 64 | u128::from(self.low[i])))
    }

    #[inline]
    pub(super) fn set(&mut self, i: usize, count: Count) {
        match count.0 {
            Some(n) => {
                // The casts keep each half.
                let (low, high) = (n as u64, (n >> 64) as u64);
                self.low[i] = low;
                if high != 0 && self.high.is_empty() {
                    self.high = vec![0; self.low.len()];
                }
                if let Some(slot) = self.high.get_mut(i) {
                    *slot = high;
                }
                self.over[i / 64] &= !(1 << (i % 64));
            }
            None => self.over[i / 64] |= 1 << (i % 64),
        }
    }

    /// Add `count` to the `i`th count.
    #[inline]
    pub(super) fn add(&mut self, i: usize, count: Count) {
        let sum = self.get(i).plus(count);
        self.set(i, sum);
    }
}

impl From<u64> for Count {
    fn from(n: u64) -> Self {
        Count(Some(u128::from(n)))
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "more than {}", u128::MAX),
        }
    }
}

impl serde::Serialize for Count {
    /// A number when it fits in `u64` (JSON readers lose precision past
    /// 2^53 anyway, so large counts are also given as text), else a string.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.and_then(|n| u64::try_from(n).ok()) {
            Some(n) if n < (1 << 53) => s.serialize_u64(n),
            _ => s.serialize_str(&self.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Count, Counts};

    #[test]
    fn counts_keep_exact_values_and_overflow_apart() {
        let mut counts = Counts::zeros(130);
        assert_eq!(counts.get(129), Count::ZERO);
        counts.set(0, Count::from(7));
        counts.add(0, Count::ONE);
        assert_eq!(counts.get(0).exact(), Some(8));
        counts.set(1, Count(Some(1 << 64 | 5)));
        assert_eq!(counts.get(1).exact(), Some(1 << 64 | 5), "past 64 bits");
        assert_eq!(counts.get(0).exact(), Some(8), "a smaller count stays");
        counts.set(1, Count::from(3));
        assert_eq!(counts.get(1).exact(), Some(3), "the high half is cleared");
        counts.set(64, Count(Some(u128::MAX)));
        assert_eq!(
            counts.get(64).exact(),
            Some(u128::MAX),
            "the largest exact count"
        );
        counts.add(64, Count::ONE);
        assert_eq!(counts.get(64).exact(), None, "past u128 it says so");
        assert_eq!(counts.get(65), Count::ZERO, "a neighbour is untouched");
        counts.set(64, Count::ONE);
        assert_eq!(
            counts.get(64),
            Count::ONE,
            "setting an exact count clears the overflow"
        );
    }
}
