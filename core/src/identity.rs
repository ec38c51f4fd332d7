//! Identities both sides derive from names alone, so that the macros and the runtime agree on
//! them without sharing state.

/// FNV-1a of a table's or enum type's name: its type-level identity in `RowRef<TABLE>` and
/// `sql::Enum<TYPE>`, which the macros write and the runtime's traits are generic over.
pub fn table_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_hash_apart_and_stably() {
        assert_eq!(super::table_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_ne!(super::table_hash("venues"), super::table_hash("events"));
    }
}
