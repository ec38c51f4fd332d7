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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ----- database selection and connection -------------------------------------------------
    /// A database URL that cannot be used. `url` has its password masked.
    #[error(
        "invalid database URL `{url}`: {reason}; expected the form \
         postgres://user[:password]@host[:port]/database"
    )]
    InvalidDatabaseUrl { url: String, reason: String },

    /// A `.env` file that cannot be read or parsed.
    #[error("cannot read {}: {message}; fix the file, or pass --database-url", path.display())]
    DotEnv { path: PathBuf, message: String },

    /// The server could not be reached (after a short bounded retry), or it refused the connection.
    #[error("{0}")]
    Connect(Box<ConnectError>),

    /// A database error, with what seedbed was doing at the time.
    #[error("{context}: {}", DbMessage { sqlstate: sqlstate.as_deref(), message })]
    Database {
        context: String,
        sqlstate: Option<String>,
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
    PostgresNotInstalled { searched: Vec<PathBuf> },

    /// Running as root, which PostgreSQL refuses, and there is no `postgres` OS user to run it as.
    #[error(
        "cannot start a local PostgreSQL cluster in {}: running as root, which PostgreSQL refuses, \
         and there is no `postgres` OS user to run it as; create that user (installing the \
         postgresql package does), run as an ordinary user, or pass --database-url",
        dir.display()
    )]
    NoPostgresUser { dir: PathBuf },

    /// A step of starting the local cluster failed (`initdb`, `pg_ctl start`, ...).
    #[error("local PostgreSQL cluster in {}: {action} failed: {detail}", dir.display())]
    LocalCluster {
        dir: PathBuf,
        action: String,
        detail: String,
    },

    /// A file-system operation failed.
    #[error("{context}: {error}")]
    Io {
        context: String,
        error: std::io::Error,
    },

    // ----- migrations -------------------------------------------------------------------------
    /// A migration's SQL failed. Its transaction was rolled back, so nothing of it remains (unless
    /// it opted out with `-- no-transaction`).
    #[error(
        "{direction} migration {version} ({description}) failed: {}",
        DbMessage { sqlstate: sqlstate.as_deref(), message }
    )]
    MigrationFailed {
        direction: MigrationDirection,
        version: i64,
        description: String,
        sqlstate: Option<String>,
        message: String,
    },

    /// `_sqlx_migrations` records a migration that failed half-way (only possible with
    /// `-- no-transaction` migrations).
    #[error(
        "migration {version} is recorded as partially applied (success = false in \
         _sqlx_migrations); repair the database by hand and delete that row"
    )]
    MigrationDirty { version: i64 },

    /// An applied migration whose SQL has changed since it was applied.
    #[error(
        "migration {version} ({description}) was applied, but its SQL has changed since (checksum \
         mismatch); restore the original file and add a new migration for the change, or, in \
         development, revert it first"
    )]
    MigrationChecksumMismatch { version: i64, description: String },

    /// The database has a migration applied that this program does not know.
    #[error(
        "migration {version} ({description}) is applied in the database but is not among this \
         program's migrations; the database is ahead of this build (rebuild from a newer checkout)"
    )]
    MigrationMissing { version: i64, description: String },

    /// A revert reached a migration that has no `.down.sql`.
    #[error(
        "migration {version} ({description}) cannot be reverted: it has no down script \
         ({version}_<name>.down.sql); nothing was reverted"
    )]
    MigrationIrreversible { version: i64, description: String },

    /// `revert` to a version that is not one of the migrations.
    #[error(
        "cannot revert to migration {target}: there is no such migration (use 0 to revert all)"
    )]
    MigrationTargetUnknown { target: i64 },

    /// Two embedded migrations with the same version.
    #[error("two migrations have version {version}; versions must be unique")]
    DuplicateMigrationVersion { version: i64 },

    // ----- units: registry, selection, order ---------------------------------------------------
    /// Two units with one name.
    #[error("two units are named `{name}`: one at {first}, one at {second}; rename one of them")]
    DuplicateUnit {
        name: String,
        first: String,
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
        name: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },

    /// A unit names a dependency that is not registered.
    #[error("unit `{unit}` depends on `{dependency}`, which is not registered in this binary")]
    UnknownDependency { unit: String, dependency: String },

    /// Units that depend on each other in a circle.
    #[error("dependency cycle among units: {cycle}; break it by removing one of the depends_on")]
    DependencyCycle { cycle: String },

    /// A unit asked for in an environment it does not declare.
    #[error(
        "unit `{unit}` does not run in {environment} (it declares: {allowed}){}; \
         add `{environment}` to its env list or choose another --env",
        needed_by.as_ref().map(|n| format!(", but `{n}` depends on it")).unwrap_or_default()
    )]
    UnitNotAllowed {
        unit: String,
        environment: String,
        allowed: String,
        needed_by: Option<String>,
    },

    // ----- apply and cleanup ------------------------------------------------------------------
    /// A table of the seeds is missing from the database.
    #[error(
        "table `{table}` does not exist in the database; are its migrations applied? (seed-runner migrate)"
    )]
    MissingTable { table: String },

    /// A column of the seeds is missing from the database.
    #[error(
        "column `{column}` of `{table}` does not exist in the database; are the migrations up to date?"
    )]
    MissingColumn { table: String, column: String },

    /// Rows of a table without a primary key cannot be tracked for cleanup.
    #[error(
        "unit `{unit}` writes to `{table}`, which has no primary key: seedbed cannot track its rows"
    )]
    NoPrimaryKey { unit: String, table: String },

    /// A row broke a constraint; the unit's transaction was rolled back. `what` names the row
    /// and the constraint, with the server's message and SQLSTATE.
    #[error(
        "unit `{unit}`, table `{table}`{what}; the unit was rolled back, nothing of it was written"
    )]
    Constraint {
        unit: String,
        table: String,
        what: String,
    },

    /// Other rows point at rows a cleanup would remove.
    #[error(
        "cleanup stopped, nothing was removed: other rows still point at seeded rows: {}; \
         remove them first, or pass --cascade to remove them too",
        blockers.iter().map(|b| format!("{} row(s) of `{}` reference `{}` (constraint {})", b.rows, b.table, b.references, b.constraint)).collect::<Vec<_>>().join("; ")
    )]
    CleanupBlocked {
        blockers: Vec<crate::cleanup::Blocker>,
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
        unit: String,
        blockers: Vec<crate::cleanup::Blocker>,
    },

    // ----- guards -------------------------------------------------------------------------------
    /// The database was first seeded in another environment.
    #[error(
        "this database is stamped `{stamped}` but this run is `{requested}`; refusing to mix \
         environments. Use --env {stamped}, or --allow-env-change to re-stamp it as `{requested}`"
    )]
    EnvironmentMismatch { stamped: String, requested: String },

    /// A destructive command against a production database.
    #[error(
        "refusing to {command}: this database is stamped production; pass \
         --i-know-this-is-production to do it anyway"
    )]
    ProductionRefused { command: String },

    /// A command that is only allowed in development.
    #[error("{command} is only allowed with --env development (this run is `{environment}`)")]
    DevelopmentOnly {
        command: String,
        environment: String,
    },

    /// An environment name that is not one of the four.
    #[error("unknown environment `{name}`; expected development, test, staging or production")]
    UnknownEnvironment { name: String },

    /// The database's migrations are behind those the seeds were compiled against.
    #[error(
        "the database's migrations are behind the seeds: {}; \
         run `seed-runner migrate` first, or pass --migrate to apply them before seeding",
        if pending.is_empty() { "its migration table is missing".to_owned() } else { format!("pending: {}", pending.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")) }
    )]
    MigrationsBehind { pending: Vec<i64> },
}

/// Whether a migration was being applied or reverted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationDirection {
    Apply,
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
