//! Index conversions. Indices are `u32` to keep states small; no tree comes
//! near four billion of anything (the checker's limits see to that), so a
//! count past `u32::MAX` saturates instead of wrapping.

/// `n` as a `u32`, or `u32::MAX` if it does not fit (a negative number
/// does not fit either).
#[must_use]
pub fn saturating_u32<N: TryInto<u32>>(n: N) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::saturating_u32;

    #[test]
    fn fits_or_saturates() {
        assert_eq!(saturating_u32(7usize), 7);
        assert_eq!(saturating_u32(-1i64), u32::MAX);
        assert_eq!(saturating_u32(u64::MAX), u32::MAX);
        assert_eq!(saturating_u32(u32::MAX as usize), u32::MAX);
        #[cfg(target_pointer_width = "64")]
        assert_eq!(saturating_u32(usize::MAX), u32::MAX);
    }
}
