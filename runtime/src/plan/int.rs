//! The integers the run's helpers take: any primitive integer type, so `days_ago(i)`,
//! `generated_id("events", i)` and `scale("events", n)` compile whatever integer type `i` and
//! `n` have (a loop's `u64`, an `enumerate()`'s `usize`, an `i32` column value), without casts.

mod sealed {
    pub trait Sealed {}
}

/// An integer of any primitive type: `i8` to `i128`, `u8` to `u128`, `isize`, `usize`.
///
/// Implemented for those types only (sealed); values beyond `i64` are held at its ends.
///
/// ```
/// let k: usize = 2;
/// let n: i32 = -1;
/// assert_eq!(seedbed::days_ago(k), seedbed::days_from_now(-2_i64));
/// assert_eq!(seedbed::days_ago(n), seedbed::days_from_now(1_u8));
/// ```
pub trait AnyInt: sealed::Sealed + Copy {
    /// The value as an `i64`, held at `i64::MIN` or `i64::MAX` when it does not fit.
    fn to_i64(self) -> i64;
}

macro_rules! any_int {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl AnyInt for $t {
            fn to_i64(self) -> i64 {
                i64::try_from(self).unwrap_or(if self > 0 { i64::MAX } else { i64::MIN })
            }
        }
    )*};
}
any_int!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

#[cfg(test)]
mod tests {
    use super::AnyInt;

    #[test]
    fn values_beyond_i64_are_held_at_its_ends() {
        assert_eq!(u64::MAX.to_i64(), i64::MAX);
        assert_eq!(i128::MIN.to_i64(), i64::MIN);
        assert_eq!((-5_i8).to_i64(), -5);
        assert_eq!(7_usize.to_i64(), 7);
    }
}
