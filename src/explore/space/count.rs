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
