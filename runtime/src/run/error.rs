//! What can go wrong writing a unit, cleaning up, and the guards that refuse a run before it
//! writes anything.

use super::report::Blocker;

/// Why a unit could not be written. Its transaction was rolled back; the units committed
/// before it stay (`run::apply_reporting` returns them beside this error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// A table of the seeds is missing from the database.
    #[error(
        "table `{table}` does not exist in the database; are its migrations applied? (seed-runner migrate)"
    )]
    MissingTable {
        /// The table.
        table: String,
    },

    /// A column of the seeds is missing from the database.
    #[error(
        "column `{column}` of `{table}` does not exist in the database; are the migrations up to date?"
    )]
    MissingColumn {
        /// The table.
        table: String,
        /// The column it lacks.
        column: String,
    },

    /// Rows of a table without a primary key cannot be tracked for cleanup.
    #[error(
        "unit `{unit}` writes to `{table}`, which has no primary key: seedbed cannot track its rows"
    )]
    NoPrimaryKey {
        /// The unit writing to the table.
        unit: String,
        /// The table without a primary key.
        table: String,
    },

    /// A row broke a constraint; the unit's transaction was rolled back. `what` names the row
    /// and the constraint, with the server's message and SQLSTATE.
    #[error(
        "unit `{unit}`, table `{table}`{what}; the unit was rolled back, nothing of it was written"
    )]
    Constraint {
        /// The unit that was rolled back.
        unit: String,
        /// The table of the offending row.
        table: String,
        /// The row (label) and constraint, the server's message and SQLSTATE, as text that
        /// follows the table's name.
        what: String,
    },

    /// The seed code of a unit panicked while building its rows.
    #[error(
        "the seed code of unit `{unit}` panicked{place}: {message}; the unit was rolled back, \
         nothing of it was written"
    )]
    SeedPanicked {
        /// The unit whose code panicked.
        unit: String,
        /// ` at FILE:LINE`, when seed-runner's panic hook saw where.
        place: String,
        /// The panic's message.
        message: String,
    },

    /// A reference to a row of a table whose keys the database generates, which neither this
    /// run nor the ledger knows.
    #[error(
        "unit `{unit}`, table `{table}`: the row `{target_table}::{label}` of unit `{target_unit}` \
         is not in the database (the ledger has no row of `{target_table}` labelled `{label}` \
         for `{target_unit}`); apply `{target_unit}` first (seed-runner --only {target_unit})"
    )]
    UnknownRow {
        /// The unit whose row holds the reference.
        unit: String,
        /// The table of the row holding the reference.
        table: String,
        /// The unit of the referenced row.
        target_unit: String,
        /// The table of the referenced row.
        target_table: String,
        /// The label of the referenced row.
        label: String,
    },

    /// A generated key column without a sequence to draw keys from.
    #[error(
        "the primary key `{column}` of `{table}` is generated, but no sequence belongs to it \
         (pg_get_serial_sequence finds none); seedbed draws the keys of new rows from the \
         column's identity or serial sequence: make the column an identity or serial column"
    )]
    NoKeySequence {
        /// The table.
        table: String,
        /// Its generated primary key column.
        column: String,
    },

    /// A unit changed, and other rows point at rows the update would delete (rows gone from its
    /// definition, or generated rows, which are replaced by deleting and inserting them again).
    #[error(
        "unit `{unit}` changed, but other rows still point at rows the update would delete: {}; \
         nothing was written. Remove those rows first, or clean the unit up with \
         `seed-runner --cleanup --only {unit} --cascade` and apply it again",
        Blocker::list(blockers)
    )]
    ChangeBlocked {
        /// The changed unit.
        unit: String,
        /// Per foreign key, the rows that point at rows the update would delete.
        blockers: Vec<Blocker>,
    },

    /// Rows leave out a primary key column whose default is not a constant.
    #[error(
        "rows of table `{table}` leave out key column `{column}`, whose default is not a \
         constant (a sequence, a function call) or is missing: each run would key the rows anew. \
         Give `{column}` in every row"
    )]
    KeyColumnOmitted {
        /// The table.
        table: String,
        /// The key column left out.
        column: String,
    },
}

/// Why a cleanup removed nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CleanupError {
    /// Other rows point at rows a cleanup would remove.
    #[error(
        "cleanup stopped, nothing was removed: other rows still point at seeded rows: {}; \
         remove them first, or pass --cascade to remove them too",
        Blocker::list(blockers)
    )]
    Blocked {
        /// Per foreign key, the rows that point at seeded rows.
        blockers: Vec<Blocker>,
    },
}

/// A guard that refused the command before anything was written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GuardError {
    /// The database was first seeded in another environment.
    #[error(
        "this database is stamped `{stamped}` but this run is `{requested}`; refusing to mix \
         environments. Use --env {stamped}, or --allow-env-change to re-stamp it as `{requested}`"
    )]
    EnvironmentMismatch {
        /// The environment the database is stamped with.
        stamped: String,
        /// The run's environment.
        requested: String,
    },

    /// `--allow-env-change` on a database stamped production, without the production override.
    #[error(
        "this database is stamped production and --allow-env-change would re-stamp it as \
         `{requested}`: that lets `{requested}` units in (test accounts with the known development \
         password among them) and, afterwards, --cleanup, --reset and `migrate revert` without \
         any production override. Nothing was written. If this really is not a production \
         database, pass --i-know-this-is-production as well"
    )]
    LeavingProduction {
        /// The run's environment.
        requested: String,
    },

    /// A destructive command against a production database.
    #[error(
        "refusing to {command}: this database is stamped production; pass \
         --i-know-this-is-production to do it anyway"
    )]
    ProductionRefused {
        /// What was refused (`clean up`, `revert migrations`, ...).
        command: String,
    },

    /// A command that is only allowed in development.
    #[error("{command} is only allowed with --env development (this run is `{environment}`)")]
    DevelopmentOnly {
        /// The command (`--reset`).
        command: String,
        /// The run's environment.
        environment: String,
    },

    /// The database's migrations are behind those the seeds were compiled against.
    #[error(
        "the database's migrations are behind the seeds: {}; \
         run `seed-runner migrate` first, or pass --migrate to apply them before seeding",
        if pending.is_empty() { "its migration table is missing".to_owned() } else { format!("pending: {}", pending.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")) }
    )]
    MigrationsBehind {
        /// The versions not applied yet; empty when `_sqlx_migrations` does not exist.
        pending: Vec<i64>,
    },
}
