//! Identities both sides derive from names alone, so that the macros and the runtime agree on
//! them without sharing state.

use uuid::Uuid;

/// FNV-1a of a table's or enum type's name: its type-level identity in `RowRef<TABLE>` and
/// `sql::Enum<TYPE>`, which the macros write and the runtime's traits are generic over.
pub fn table_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Namespace of the UUIDv5 keys of labelled rows.
pub const KEY_NAMESPACE: Uuid = Uuid::from_u128(0x5eed_bed0_0000_4000_8000_00f3_5715_c0a7_u128);

/// The key of a labelled row: UUIDv5 of `unit/table/label`. The macros compute it at compile time
/// (the constants of labels), the runtime at run time (their rows).
pub fn label_key(unit: &str, table: &str, label: &str) -> Uuid {
    Uuid::new_v5(&KEY_NAMESPACE, format!("{unit}/{table}/{label}").as_bytes())
}

/// The key of the `ordinal`-th anonymous row of a table in a unit.
///
/// The first half is a hash of unit and table, the second the ordinal: keys of generated rows
/// ascend, so inserting them appends to the primary key's b-tree instead of scattering.
pub fn ordinal_key(prefix: u64, ordinal: u64) -> Uuid {
    // Version 8 (custom) in the high half, RFC variant bits in the low half.
    let high = (prefix & !0xF000) | 0x8000;
    let low = (ordinal & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    Uuid::from_u64_pair(high, low)
}

/// The hash prefix of the ordinal keys of one table in one unit.
pub fn ordinal_prefix(unit: &str, table: &str) -> u64 {
    label_key(unit, table, "#").as_u64_pair().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_hash_apart_and_stably() {
        assert_eq!(table_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_ne!(table_hash("venues"), table_hash("events"));
    }

    #[test]
    fn ordinal_keys_ascend_and_are_valid_uuids() {
        let prefix = ordinal_prefix("large_catalog", "events");
        let keys: Vec<Uuid> = (0..1000).map(|i| ordinal_key(prefix, i)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(keys[0].get_version_num(), 8);
        assert_eq!(keys[0].get_variant(), uuid::Variant::RFC4122);
    }

    #[test]
    fn label_keys_are_stable() {
        assert_eq!(
            label_key("venues", "venues", "a"),
            label_key("venues", "venues", "a")
        );
        assert_ne!(
            label_key("venues", "venues", "a"),
            label_key("other", "venues", "a")
        );
    }
}
