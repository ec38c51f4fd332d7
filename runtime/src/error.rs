//! The library's error type.
//!
//! Every variant's `Display` is the whole message: one paragraph that says what failed, with its
//! context (URL with the password masked, migration version, SQLSTATE, ...), and what to do about it.
//! The variants carry the underlying cause as text rather than as a `source()` chain, so a binary can
//! print `{err}` and nothing is lost or repeated.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong in seedbed's runtime.
///
/// Print it with `{}`: the message is complete, and says what to do. Match on the variant when a
/// program must tell failures apart (a test that expects a guard to refuse, say); the enum is
/// `#[non_exhaustive]`, so keep a `_` arm.
///
/// ```
/// use seedbed::Error;
/// use seedbed::run::RunOptions;
///
/// let err = RunOptions::new("prod").unwrap_err();
/// assert!(matches!(&err, Error::UnknownEnvironment { name } if name == "prod"));
/// assert_eq!(
///     err.to_string(),
///     "unknown environment `prod`; expected development, test, staging or production"
/// );
/// assert_eq!(err.sqlstate(), None);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ----- database selection and connection -------------------------------------------------
    /// A database URL that cannot be used. `url` has its password masked.
    #[error(
        "invalid database URL `{url}`: {reason}; expected the form \
         postgres://user[:password]@host[:port]/database"
    )]
    InvalidDatabaseUrl {
        /// The URL as given, password masked.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A `.env` file that cannot be read or parsed.
    #[error("cannot read {}: {message}; fix the file, or pass --database-url", path.display())]
    DotEnv {
        /// The `.env` file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },

    /// The server could not be reached (after a short bounded retry), or it refused the connection.
    #[error("{0}")]
    Connect(Box<ConnectError>),

    /// A database error, with what seedbed was doing at the time.
    #[error("{context}: {}", DbMessage { sqlstate: sqlstate.as_deref(), message })]
    Database {
        /// What seedbed was doing (`reading the ledger`, ...).
        context: String,
        /// The server's SQLSTATE, when the server answered with an error.
        sqlstate: Option<String>,
        /// The server's (or the driver's) message, with its detail and hint.
        message: String,
    },

    // ----- the local throwaway cluster -------------------------------------------------------
    /// No `initdb`/`pg_ctl` anywhere we looked.
    #[error(
        "no PostgreSQL server binaries (initdb and pg_ctl) found on PATH, through `pg_config \
         --bindir`, or in {}; install PostgreSQL (`apt-get install postgresql` on Debian/Ubuntu, \
         `brew install postgresql@16` on macOS), or pass --database-url (or set DATABASE_URL) to \
         use a running server",
        display_paths(searched)
    )]
    PostgresNotInstalled {
        /// The folders searched besides `PATH`.
        searched: Vec<PathBuf>,
    },

    /// Running as root, which PostgreSQL refuses, and there is no `postgres` OS user to run it as.
    #[error(
        "cannot start a local PostgreSQL cluster in {}: running as root, which PostgreSQL refuses, \
         and there is no `postgres` OS user to run it as; create that user (installing the \
         postgresql package does), run as an ordinary user, or pass --database-url",
        dir.display()
    )]
    NoPostgresUser {
        /// The cluster's folder.
        dir: PathBuf,
    },

    /// A step of starting the local cluster failed (`initdb`, `pg_ctl start`, ...).
    #[error("local PostgreSQL cluster in {}: {action} failed: {detail}", dir.display())]
    LocalCluster {
        /// The cluster's folder.
        dir: PathBuf,
        /// The step that failed (`initdb`, `pg_ctl start`, `creating the database`, ...).
        action: String,
        /// Its output or error, with where to look (the server log).
        detail: String,
    },

    /// A file-system operation failed.
    #[error("{context}: {error}")]
    Io {
        /// What seedbed was doing, with the path.
        context: String,
        /// The operating system's error.
        error: std::io::Error,
    },

    /// Stdout was closed by its reader (`seed-runner --list | head -5`): the command line ends
    /// quietly on it.
    #[error("stdout was closed")]
    StdoutClosed,

    // ----- migrations -------------------------------------------------------------------------
    /// A migration's SQL failed. Its transaction was rolled back, so nothing of it remains (unless
    /// it opted out with `-- no-transaction`).
    #[error(
        "{direction} migration {version} ({description}) failed: {}",
        DbMessage { sqlstate: sqlstate.as_deref(), message }
    )]
    MigrationFailed {
        /// Applying or reverting.
        direction: MigrationDirection,
        /// The migration's version.
        version: i64,
        /// The migration's description (its file name after the version).
        description: String,
        /// The server's SQLSTATE, when it answered with an error.
        sqlstate: Option<String>,
        /// The server's message, with its detail and hint.
        message: String,
    },

    /// `_sqlx_migrations` records a migration that failed half-way (only possible with
    /// `-- no-transaction` migrations).
    #[error(
        "migration {version} is recorded as partially applied (success = false in \
         _sqlx_migrations); repair the database by hand and delete that row"
    )]
    MigrationDirty {
        /// The migration's version.
        version: i64,
    },

    /// An applied migration whose SQL has changed since it was applied.
    #[error(
        "migration {version} ({description}) was applied, but its SQL has changed since (checksum \
         mismatch); restore the original file and add a new migration for the change, or, in \
         development, revert it first"
    )]
    MigrationChecksumMismatch {
        /// The migration's version.
        version: i64,
        /// The migration's description.
        description: String,
    },

    /// The database has a migration applied that this program does not know.
    #[error(
        "migration {version} ({description}) is applied in the database but is not among this \
         program's migrations; the database is ahead of this build (rebuild from a newer checkout)"
    )]
    MigrationMissing {
        /// The version recorded in the database.
        version: i64,
        /// The description recorded in the database.
        description: String,
    },

    /// A revert reached a migration that has no `.down.sql`.
    #[error(
        "migration {version} ({description}) cannot be reverted: it has no down script \
         ({version}_<name>.down.sql); nothing was reverted"
    )]
    MigrationIrreversible {
        /// The migration's version.
        version: i64,
        /// The migration's description.
        description: String,
    },

    /// `revert` to a version that is not one of the migrations.
    #[error(
        "cannot revert to migration {target}: there is no such migration (use 0 to revert all)"
    )]
    MigrationTargetUnknown {
        /// The version asked for.
        target: i64,
    },

    /// Two embedded migrations with the same version.
    #[error("two migrations have version {version}; versions must be unique")]
    DuplicateMigrationVersion {
        /// The version used twice.
        version: i64,
    },

    // ----- units: registry, selection, order ---------------------------------------------------
    /// Two units with one name.
    #[error("two units are named `{name}`: one at {first}, one at {second}; rename one of them")]
    DuplicateUnit {
        /// The name used twice.
        name: String,
        /// Where the first unit is declared (`file:line`).
        first: String,
        /// Where the second unit is declared (`file:line`).
        second: String,
    },

    /// Nothing registered: the seeds crate is not linked into this binary.
    #[error(
        "no seed sets or scenarios are registered in this binary: the crate that defines them is \
         not linked in; add `use your_seeds_crate as _;` (or call into it) in the binary's main.rs"
    )]
    NoUnits,

    /// A name given on the command line that no unit has.
    #[error(
        "unknown unit `{name}`{}; known units: {}",
        suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(),
        known.join(", ")
    )]
    UnknownUnit {
        /// The name given.
        name: String,
        /// The nearest registered name, if one is close.
        suggestion: Option<String>,
        /// Every registered name.
        known: Vec<String>,
    },

    /// A `--scale` name that no unit reads.
    #[error(
        "no unit reads the scale `{name}`{}; the scales are: {}",
        suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(),
        if known.is_empty() { "none (no unit generates rows by scale)".to_owned() } else { known.join(", ") }
    )]
    UnknownScale {
        /// The name given.
        name: String,
        /// The nearest known name, if one is close.
        suggestion: Option<String>,
        /// Every name a unit reads, with its default (`events (default 1000)`).
        known: Vec<String>,
    },

    /// A `--scale` beyond the bound, without `--allow-large-scale`.
    #[error(
        "--scale {name}={value} asks {units} for about {value} rows (its default is {default}), \
         past the {bound} a scale may ask for without --allow-large-scale; nothing was written. \
         Pass --allow-large-scale to write them"
    )]
    ScaleTooLarge {
        /// The scale's name.
        name: String,
        /// The size asked for.
        value: u64,
        /// The default size.
        default: u64,
        /// The units that read it, as text.
        units: String,
        /// The bound.
        bound: u64,
    },

    /// A unit names a dependency that is not registered.
    #[error("unit `{unit}` depends on `{dependency}`, which is not registered in this binary")]
    UnknownDependency {
        /// The unit that declares the dependency.
        unit: String,
        /// The name it depends on.
        dependency: String,
    },

    /// Units that depend on each other in a circle.
    #[error("dependency cycle among units: {cycle}; break it by removing one of the depends_on")]
    DependencyCycle {
        /// The units around the cycle, `a -> b -> a`.
        cycle: String,
    },

    /// A unit asked for in an environment it does not declare.
    #[error(
        "unit `{unit}` does not run in {environment} (it declares: {allowed}){}; \
         add `{environment}` to its env list or choose another --env",
        needed_by.as_ref().map(|n| format!(", but `{n}` depends on it")).unwrap_or_default()
    )]
    UnitNotAllowed {
        /// The unit.
        unit: String,
        /// The run's environment.
        environment: String,
        /// The environments the unit declares, comma-separated.
        allowed: String,
        /// The unit that depends on it, when it was not asked for by name.
        needed_by: Option<String>,
    },

    // ----- apply and cleanup ------------------------------------------------------------------
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
        unit: String,
        /// ` at FILE:LINE`, when seed-runner's panic hook saw where.
        place: String,
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

    /// Other rows point at rows a cleanup would remove.
    #[error(
        "cleanup stopped, nothing was removed: other rows still point at seeded rows: {}; \
         remove them first, or pass --cascade to remove them too",
        blockers.iter().map(|b| format!("{} row(s) of `{}` reference `{}` (constraint {})", b.rows, b.table, b.references, b.constraint)).collect::<Vec<_>>().join("; ")
    )]
    CleanupBlocked {
        /// Per foreign key, the rows that point at seeded rows.
        blockers: Vec<crate::run::report::Blocker>,
    },

    /// A unit changed, and other rows point at rows the update would delete (rows gone from its
    /// definition, or generated rows, which are replaced by deleting and inserting them again).
    #[error(
        "unit `{unit}` changed, but other rows still point at rows the update would delete: {}; \
         nothing was written. Remove those rows first, or clean the unit up with \
         `seed-runner --cleanup --only {unit} --cascade` and apply it again",
        blockers.iter().map(|b| format!("{} row(s) of `{}` reference `{}` (constraint {})", b.rows, b.table, b.references, b.constraint)).collect::<Vec<_>>().join("; ")
    )]
    ChangeBlocked {
        /// The changed unit.
        unit: String,
        /// Per foreign key, the rows that point at rows the update would delete.
        blockers: Vec<crate::run::report::Blocker>,
    },

    /// The ledger lacks a table or column, or is of a format this seedbed does not read.
    #[error(
        "the seedbed ledger is damaged: {what}. Nothing was written: without its ledger a run \
         would insert seeded rows again and a cleanup would leave them. Restore schema seedbed \
         from a backup, or start the ledger over with `DROP SCHEMA seedbed CASCADE` and run \
         seed-runner again (README, \"Ledger damage\")"
    )]
    LedgerDamaged {
        /// What is missing or unreadable.
        what: String,
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

    // ----- guards -------------------------------------------------------------------------------
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

    /// An environment name that is not one of the four.
    #[error("unknown environment `{name}`; expected development, test, staging or production")]
    UnknownEnvironment {
        /// The name given.
        name: String,
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

    // ----- schema snapshot ---------------------------------------------------------------------
    /// Something of the database's catalog that the schema snapshot cannot describe.
    #[error("cannot read {what} into the schema snapshot: {reason}")]
    SnapshotUnreadable {
        /// The object, e.g. "column `venues.kind`".
        what: String,
        /// What went wrong.
        reason: String,
    },
    /// `schema snapshot --check` found the snapshot missing or older than the migrations.
    #[error(
        "{problem}: run `seed-runner schema snapshot` against a database migrated to the latest migration, and commit {path}"
    )]
    SnapshotStale {
        /// The snapshot file.
        path: String,
        /// "no schema snapshot at ..." or "the schema snapshot ... is older than the migrations".
        problem: String,
    },
    /// The binary does not know where its migrations folder is (its `Migrations` were not made
    /// by `seedbed::migrations!()`).
    #[error("this binary does not know its migrations folder: pass --folder PATH")]
    NoMigrationsFolder,
    /// A database stamped production is backed up before it is migrated.
    #[error(
        "this database is stamped production: it is backed up with pg_dump before it is \
         migrated; pass --backup-dir PATH (or --no-backup to migrate without a backup)"
    )]
    BackupRequired,
    /// The backup before migrating production failed: nothing was migrated.
    #[error("the backup before migrating failed, so nothing was migrated: {reason}")]
    BackupFailed { reason: String },
    /// `doctor` found checks that do not hold.
    #[error("{failed} check(s) do not hold (see above)")]
    DoctorFound { failed: usize },
    /// `schema diff` found the live database different from the migrations.
    #[error(
        "the database differs from the migrations the seeds were compiled against ({count} \
         difference(s), listed above): a migration is pending, or the database was changed by hand"
    )]
    SchemaDiffers { count: usize },
    /// `migrate new` refused the name, or could not write the files.
    #[error("cannot create the migration: {message}")]
    NewMigration { message: String },
}

/// Whether a migration was being applied or reverted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationDirection {
    /// Running the `.up.sql` script.
    Apply,
    /// Running the `.down.sql` script.
    Revert,
}

impl fmt::Display for MigrationDirection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Apply => "applying",
            Self::Revert => "reverting",
        })
    }
}

/// The details of [`Error::Connect`].
#[derive(Debug, Clone)]
pub struct ConnectError {
    /// `host:port`, or the Unix socket path.
    pub target: String,
    /// The URL with its password masked.
    pub url: String,
    /// How many connections were attempted.
    pub attempts: u32,
    /// How long the attempts took in all.
    pub elapsed: Duration,
    /// The last attempt's error.
    pub cause: String,
    /// The SQLSTATE, when the server answered with an error.
    pub sqlstate: Option<String>,
    /// What to do about it.
    pub hint: &'static str,
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot connect to PostgreSQL at {} ({}) after {} attempt{} in {:.1} s: {}; {}",
            self.target,
            self.url,
            self.attempts,
            if self.attempts == 1 { "" } else { "s" },
            self.elapsed.as_secs_f64(),
            self.cause,
            self.hint
        )
    }
}

impl Error {
    /// An [`Error::Io`] with context.
    pub(crate) fn io(context: impl Into<String>, error: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            error,
        }
    }

    /// A failed write to stdout: [`Error::StdoutClosed`] for a closed pipe.
    pub(crate) fn stdout(error: std::io::Error) -> Self {
        match error.kind() {
            std::io::ErrorKind::BrokenPipe => Self::StdoutClosed,
            _ => Self::io("writing to stdout", error),
        }
    }

    /// An [`Error::Database`] from a sqlx error, with what we were doing.
    pub(crate) fn database(context: impl Into<String>, error: &sqlx::Error) -> Self {
        let (sqlstate, message) = db_error_parts(error);
        Self::Database {
            context: context.into(),
            sqlstate,
            message,
        }
    }

    /// The SQLSTATE of the database error behind this error, if there is one.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            Self::Connect(e) => e.sqlstate.as_deref(),
            Self::Database { sqlstate, .. } | Self::MigrationFailed { sqlstate, .. } => {
                sqlstate.as_deref()
            }
            _ => None,
        }
    }
}

/// Splits a sqlx error into its SQLSTATE (for database errors) and a message that includes the
/// server's detail and hint when it sent them.
pub(crate) fn db_error_parts(error: &sqlx::Error) -> (Option<String>, String) {
    match error {
        sqlx::Error::Database(db) => {
            let mut message = db.message().to_owned();
            if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                if let Some(detail) = pg.detail() {
                    message.push_str(" (detail: ");
                    message.push_str(detail);
                    message.push(')');
                }
                if let Some(hint) = pg.hint() {
                    message.push_str(" (hint: ");
                    message.push_str(hint);
                    message.push(')');
                }
            }
            (db.code().map(|c| c.into_owned()), message)
        }
        other => (None, other.to_string()),
    }
}

struct DbMessage<'a> {
    sqlstate: Option<&'a str>,
    message: &'a str,
}

impl fmt::Display for DbMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sqlstate {
            Some(code) => write!(f, "{} (SQLSTATE {code})", self.message),
            None => f.write_str(self.message),
        }
    }
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "the usual places".to_owned();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
