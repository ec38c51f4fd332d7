//! What a run did, unit by unit and table by table: the values `apply`, `cleanup` and `status`
//! return, which the command line prints and errors carry.

/// What applying one unit did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnitReport {
    pub unit: String,
    pub outcome: Outcome,
    pub tables: Vec<TableReport>,
    pub millis: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Applied for the first time.
    Applied,
    /// Its definition changed since it was applied: brought up to date.
    Updated,
    /// Applied before and unchanged: nothing written.
    Unchanged,
    /// Unchanged, but rows of it had been deleted or edited in the database (drift): put back.
    Restored,
}

/// Row counts of one table in one unit.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct TableReport {
    pub table: String,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deleted: u64,
    /// Time spent writing the table, when it was measured on its own.
    pub millis: f64,
    /// The statements that wrote the table: an upsert per set of columns, or the `COPY`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<String>,
}

impl UnitReport {
    pub fn rows(&self) -> u64 {
        self.tables
            .iter()
            .map(|t| t.inserted + t.updated + t.unchanged)
            .sum()
    }
}

/// Rows of other data that point at rows a cleanup would remove.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Blocker {
    /// The table holding the pointing rows.
    pub table: String,
    /// The foreign key constraint through which they point.
    pub constraint: String,
    /// The table of the rows to be removed.
    pub references: String,
    /// How many rows point at rows to be removed.
    pub rows: i64,
}

impl Blocker {
    /// The blockers as one clause of an error message.
    pub(crate) fn list(blockers: &[Blocker]) -> String {
        blockers
            .iter()
            .map(|b| {
                format!(
                    "{} row(s) of `{}` reference `{}` (constraint {})",
                    b.rows, b.table, b.references, b.constraint
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// What a cleanup removed from one table for one unit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Removed {
    /// The unit whose rows were removed.
    pub unit: String,
    /// The table they were removed from.
    pub table: String,
    /// How many.
    pub rows: u64,
}

/// What a cleanup did: `seed-runner --cleanup` prints it, `--json` serializes it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CleanupReport {
    /// Other rows removed first because `cascade` was asked for.
    pub cascaded: Vec<Blocker>,
    /// The seeded rows removed, per unit and table, in the order they went.
    pub removed: Vec<Removed>,
}
