//! What the ledger holds, as the policy reads and writes it, whichever engine keeps it: a unit's
//! entry, and per table of a unit with loops what its rows were when written.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// One applied unit.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Entry {
    pub unit: String,
    pub kind: String,
    pub checksum: String,
    pub environment: String,
    pub applied_at: DateTime<Utc>,
    pub rows: i64,
    pub duration_ms: f64,
    pub tool_version: String,
    pub schema_version: Option<i64>,
    pub generation: i64,
    pub context: serde_json::Value,
    /// For a unit with loops, its rows per table when written (`None` in older ledgers).
    pub digests: Option<sqlx::types::Json<BTreeMap<String, TableDigest>>>,
}

/// One table's rows of a unit, as the ledger keeps them (`seedbed.ledger.digests`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableDigest {
    /// The columns digested: the table's columns when the unit was written, so that a column
    /// added later by a migration does not count as an edit.
    pub columns: Vec<String>,
    /// How many rows the unit had there.
    pub rows: i64,
    /// The sum of a 64-bit hash of each row's text: independent of row order, and computed by
    /// the server in one pass without holding the rows.
    pub digest: String,
    /// What the table's columns a row may leave out defaulted to when the rows were written
    /// ([`TableInfo::defaults`](crate::engine::catalog::TableInfo::defaults)): a migration that
    /// changes one changes what a fresh apply gives those rows. `None` in older ledgers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<String>,
}

/// A unit's entry, written in the unit's transaction with its rows.
pub(crate) struct Record<'a> {
    pub unit: &'a str,
    pub kind: String,
    pub checksum: &'a str,
    pub environment: &'a str,
    pub rows: i64,
    pub duration_ms: f64,
    pub schema_version: Option<i64>,
    pub generation: i64,
    pub context: serde_json::Value,
    pub digests: Option<&'a BTreeMap<String, TableDigest>>,
}

/// What writing one table of a unit would change, as the ledger foresees it before anything is
/// written: the plan's counts, which `--status` shows. Rows are matched by key (or, where the
/// database generates keys, by label or `#n`) against the keys the ledger holds for the unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TableChanges {
    pub table: String,
    /// Rows the definition builds that the ledger holds no key of: inserted (or, when someone
    /// else wrote a row with that key, updated to what the definition says).
    pub new: u64,
    /// Rows the ledger holds and the definition still builds: written again, and updated where
    /// they differ.
    pub kept: u64,
    /// Rows the ledger holds that the definition no longer builds: deleted, unless other rows
    /// point at them.
    pub gone: u64,
}
