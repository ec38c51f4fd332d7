//! What can go wrong applying, reverting, checking or writing migrations.

use std::fmt;

use crate::engine::postgres::error::DbMessage;

/// Why a migration command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// A migration's SQL failed. Its transaction was rolled back, so nothing of it remains (unless
    /// it opted out with `-- no-transaction`).
    #[error(
        "{direction} migration {version} ({description}) failed: {}",
        DbMessage { sqlstate: sqlstate.as_deref(), message }
    )]
    Failed {
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
    Dirty {
        /// The migration's version.
        version: i64,
    },

    /// An applied migration whose SQL has changed since it was applied.
    #[error(
        "migration {version} ({description}) was applied, but its SQL has changed since (checksum \
         mismatch); restore the original file and add a new migration for the change, or, in \
         development, revert it first"
    )]
    ChecksumMismatch {
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
    Missing {
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
    Irreversible {
        /// The migration's version.
        version: i64,
        /// The migration's description.
        description: String,
    },

    /// `revert` to a version that is not one of the migrations.
    #[error(
        "cannot revert to migration {target}: there is no such migration (use 0 to revert all)"
    )]
    TargetUnknown {
        /// The version asked for.
        target: i64,
    },

    /// Two embedded migrations with the same version.
    #[error("two migrations have version {version}; versions must be unique")]
    DuplicateVersion {
        /// The version used twice.
        version: i64,
    },

    /// The binary does not know where its migrations folder is (its `Migrations` were not made
    /// by `seedbed::migrations!()`).
    #[error("this binary does not know its migrations folder: pass --folder PATH")]
    NoFolder,

    /// A database stamped production is backed up before it is migrated.
    #[error(
        "this database is stamped production: it is backed up with pg_dump before it is \
         migrated; pass --backup-dir PATH (or --no-backup to migrate without a backup)"
    )]
    BackupRequired,

    /// The backup before migrating production failed: nothing was migrated.
    #[error("the backup before migrating failed, so nothing was migrated: {reason}")]
    BackupFailed {
        /// What `pg_dump` (or writing its file) said.
        reason: String,
    },

    /// `migrate new` refused the name, or could not write the files.
    #[error("cannot create the migration: {message}")]
    New {
        /// Why.
        message: String,
    },
}

impl MigrateError {
    /// The SQLSTATE of the server's answer, when a migration's SQL failed.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            Self::Failed { sqlstate, .. } => sqlstate.as_deref(),
            _ => None,
        }
    }
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
