//! The library's error type: one variant per subsystem (connect, migrate, select, apply,
//! cleanup, guard), each with an error of its own beside the code that raises it, and the few
//! failures every command shares.
//!
//! Every error's `Display` is the whole message: one paragraph that says what failed, with its
//! context (URL with the password masked, migration version, unit, SQLSTATE, ...), and what to do
//! about it. The causes are carried as text rather than as a `source()` chain, so a binary can
//! print `{err}` and nothing is lost or repeated.

pub use crate::engine::postgres::error::{ConnectError, Unreachable};
pub use crate::migrations::error::{MigrateError, MigrationDirection};
pub use crate::run::error::{ApplyError, CleanupError, GuardError};
pub use crate::select::error::SelectError;

use crate::engine::postgres::error::{DbMessage, db_error_parts};

/// Everything that can go wrong in seedbed's runtime.
///
/// Print it with `{}`: the message is complete, and says what to do. Match on the subsystem, and
/// on its error's variant, when a program must tell failures apart (a test that expects a guard
/// to refuse, say); every enum is `#[non_exhaustive]`, so keep a `_` arm.
///
/// ```
/// use seedbed::Error;
/// use seedbed::error::SelectError;
/// use seedbed::run::RunOptions;
///
/// let err = RunOptions::new("prod").unwrap_err();
/// assert!(matches!(&err, Error::Select(SelectError::UnknownEnvironment { name }) if name == "prod"));
/// assert_eq!(
///     err.to_string(),
///     "unknown environment `prod`; expected development, test, staging or production"
/// );
/// assert_eq!(err.sqlstate(), None);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No connection: the URL, `.env`, the server or the local cluster.
    #[error(transparent)]
    Connect(#[from] ConnectError),

    /// A migration command failed.
    #[error(transparent)]
    Migrate(#[from] MigrateError),

    /// The units, scales or environment asked for cannot be run.
    #[error(transparent)]
    Select(#[from] SelectError),

    /// A unit could not be written; it was rolled back.
    #[error(transparent)]
    Apply(#[from] ApplyError),

    /// A cleanup removed nothing.
    #[error(transparent)]
    Cleanup(#[from] CleanupError),

    /// A guard refused the command before anything was written.
    #[error(transparent)]
    Guard(#[from] GuardError),

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

    // ----- the schema commands and doctor --------------------------------------------------------
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

    /// `schema diff` found the live database different from the migrations.
    #[error(
        "the database differs from the migrations the seeds were compiled against ({count} \
         difference(s), listed above): a migration is pending, or the database was changed by hand"
    )]
    SchemaDiffers {
        /// How many differences were listed.
        count: usize,
    },

    /// `doctor` found checks that do not hold.
    #[error("{failed} check(s) do not hold (see above)")]
    DoctorFound {
        /// How many checks failed.
        failed: usize,
    },
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
            Self::Connect(e) => e.sqlstate(),
            Self::Migrate(e) => e.sqlstate(),
            Self::Database { sqlstate, .. } => sqlstate.as_deref(),
            _ => None,
        }
    }
}
