//! SQL migrations embedded in the binary, applied, listed and reverted with their tool's own
//! bookkeeping.
//!
//! For a sqlx folder the state lives in sqlx's table `_sqlx_migrations` (same columns, same
//! SHA-384 checksums of the SQL text, same advisory lock), so `sqlx migrate run` / `sqlx migrate
//! info` and seed-runner agree about what is applied. For a diesel folder it lives in diesel's
//! `__diesel_schema_migrations` (the version as diesel writes it, and when it ran), so `diesel
//! migration run` and seed-runner agree; diesel records no checksum, so a changed diesel
//! migration goes unnoticed, as with diesel itself, and each migration runs in a transaction
//! unless its `metadata.toml` says `run_in_transaction = false`. For a refinery folder it lives
//! in `refinery_schema_history`, with the checksums refinery computes.
//!
//! The list is normally produced by [`seedbed::migrations!()`](crate::migrations!), which embeds
//! every `<version>_<name>.up.sql` / `.down.sql` of the folder the seeds are checked against (or
//! of the folder given, relative to the crate's manifest: `migrations!("db/migrations")`); the
//! description is the `<name>` with underscores replaced by spaces, as sqlx does.
//!
//! ```
//! static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();
//!
//! // The Festival Scout migrations of this repository, in version order.
//! let first = MIGRATIONS.iter().next().unwrap();
//! assert_eq!(first.description, "initial schema");
//! assert!(first.up.contains("CREATE TABLE venues"));
//! assert!(first.down.is_some());
//! assert_eq!(MIGRATIONS.latest_version(), MIGRATIONS.iter().map(|m| m.version).max());
//! ```
//!
//! It can also be written by hand:
//!
//! ```no_run
//! use seedbed::migrations::{EmbeddedMigration, Migrations};
//!
//! static MIGRATIONS: Migrations = Migrations::new(&[EmbeddedMigration::new(
//!     1,
//!     "create venues",
//!     "CREATE TABLE venues (id bigint PRIMARY KEY, name text NOT NULL);",
//!     Some("DROP TABLE venues;"),
//! )]);
//!
//! # async fn run(pool: sqlx::PgPool) -> Result<(), seedbed::Error> {
//! let applied = MIGRATIONS.apply(&pool).await?;
//! println!("applied {} migration(s)", applied.len());
//! if !MIGRATIONS.pending(&pool).await?.is_empty() {
//!     unreachable!("everything was just applied");
//! }
//! # Ok(())
//! # }
//! ```
//!
//! All operations that change something take sqlx's advisory lock for the database first, so two
//! runners (or a runner and `sqlx migrate run`) never apply the same migration twice. Each migration
//! runs in its own transaction together with its bookkeeping row, unless its SQL starts with
//! `-- no-transaction` (sqlx's opt-out).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use seedbed_core::schema::Schema;
use sqlx::migrate::{
    Migrate, MigrateError as SqlxMigrateError, Migration, MigrationType, Migrator,
};
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres};

mod diesel;
pub mod error;
mod refinery;

use crate::Error;
use crate::engine::postgres::error::db_error_parts;
pub use error::{MigrateError, MigrationDirection};

/// One migration, embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigration {
    /// The number before the first `_` of the file name (usually a timestamp).
    pub version: i64,
    /// The rest of the file name, underscores replaced by spaces (`initial schema`).
    pub description: &'static str,
    /// The `.up.sql` text.
    pub up: &'static str,
    /// The `.down.sql` text, if there is one.
    pub down: Option<&'static str>,
    /// The version as the migration tool records it (diesel: the folder name's digits, leading
    /// zeros kept).
    pub version_text: &'static str,
    /// Whether it runs in a transaction (sqlx: unless `-- no-transaction`; diesel: unless
    /// `metadata.toml` says `run_in_transaction = false`).
    pub in_transaction: bool,
}

impl EmbeddedMigration {
    /// A sqlx migration: `version`, `description`, the up script and the down script if any.
    pub const fn new(
        version: i64,
        description: &'static str,
        up: &'static str,
        down: Option<&'static str>,
    ) -> Self {
        Self {
            version,
            description,
            up,
            down,
            version_text: "",
            in_transaction: !starts_with(up.as_bytes(), b"-- no-transaction"),
        }
    }

    /// Whether the migration opted out of running in a transaction.
    pub fn no_transaction(&self) -> bool {
        !self.in_transaction
    }

    /// The sqlx migration for the up script (its checksum is what `_sqlx_migrations` records).
    pub fn up_migration(&self) -> Migration {
        Migration::new(
            self.version,
            Cow::Borrowed(self.description),
            if self.down.is_some() {
                MigrationType::ReversibleUp
            } else {
                MigrationType::Simple
            },
            Cow::Borrowed(self.up),
            self.no_transaction(),
        )
    }

    /// The sqlx migration for the down script, if there is one.
    pub fn down_migration(&self) -> Option<Migration> {
        self.down.map(|sql| {
            Migration::new(
                self.version,
                Cow::Borrowed(self.description),
                MigrationType::ReversibleDown,
                Cow::Borrowed(sql),
                sql.starts_with("-- no-transaction"),
            )
        })
    }

    /// The checksum sqlx records for this migration: SHA-384 of the up script.
    pub fn checksum(&self) -> Vec<u8> {
        self.up_migration().checksum.into_owned()
    }
}

const fn starts_with(text: &[u8], prefix: &[u8]) -> bool {
    if text.len() < prefix.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if text[i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The migration tool whose bookkeeping table records what is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// `_sqlx_migrations`.
    Sqlx,
    /// `__diesel_schema_migrations`.
    Diesel,
    /// `refinery_schema_history`.
    Refinery,
}

/// The migrations of a project, embedded in the binary.
///
/// `Copy` and `'static`: keep one in a `static` (`seedbed::migrations!()`) and pass it by value
/// to [`cli::main`](crate::cli::main) and [`Fixture::new`](crate::testing::fixture::Fixture::new).
#[derive(Debug, Clone, Copy)]
pub struct Migrations {
    list: &'static [EmbeddedMigration],
    /// The folder they were embedded from, as the compiler saw it.
    folder: Option<&'static str>,
    tool: Tool,
}

/// A migration that was applied or reverted by this call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MigrationRun {
    /// The migration's version.
    pub version: i64,
    /// The migration's description.
    pub description: &'static str,
    /// How long the SQL took.
    pub elapsed: Duration,
}

/// One line of [`Migrations::status`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MigrationStatus {
    /// The migration's version.
    pub version: i64,
    /// Its description: the embedded one, or the one recorded in the database.
    pub description: String,
    /// Whether a down script exists (false for migrations only the database knows).
    pub reversible: bool,
    /// Where it stands.
    pub state: MigrationState,
    /// How long applying it took, where the tool records it (sqlx does; diesel and refinery
    /// do not).
    pub execution_ms: Option<f64>,
}

/// Where a migration stands in the database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MigrationState {
    /// Applied, and the SQL is the one that was applied.
    Applied {
        /// When it was applied.
        installed_on: DateTime<Utc>,
    },
    /// Applied, but the embedded SQL differs from what was applied.
    ChecksumMismatch {
        /// When it was applied.
        installed_on: DateTime<Utc>,
    },
    /// Not applied yet.
    Pending,
    /// Recorded with `success = false`: a `-- no-transaction` migration that failed half-way.
    Failed {
        /// When it was attempted.
        installed_on: DateTime<Utc>,
    },
    /// Applied in the database, but not among the embedded migrations (the database is ahead).
    Missing {
        /// When it was applied.
        installed_on: DateTime<Utc>,
    },
}

impl MigrationState {
    /// Whether the migration is recorded as applied (whatever its checksum).
    pub fn is_applied(&self) -> bool {
        matches!(
            self,
            Self::Applied { .. } | Self::ChecksumMismatch { .. } | Self::Missing { .. }
        )
    }
}

/// A row of `_sqlx_migrations`.
struct AppliedRow {
    version: i64,
    description: String,
    installed_on: DateTime<Utc>,
    success: bool,
    checksum: Vec<u8>,
    execution_ms: Option<f64>,
}

impl Migrations {
    /// Wraps a static list (in any order; versions must be unique).
    pub const fn new(list: &'static [EmbeddedMigration]) -> Self {
        Self {
            list,
            folder: None,
            tool: Tool::Sqlx,
        }
    }

    /// Migrations of `tool` embedded from `folder` (what `seedbed::migrations!()` makes).
    pub const fn in_folder(
        folder: &'static str,
        tool: Tool,
        list: &'static [EmbeddedMigration],
    ) -> Self {
        Self {
            list,
            folder: Some(folder),
            tool,
        }
    }

    /// The tool whose bookkeeping records what is applied.
    pub fn tool(&self) -> Tool {
        self.tool
    }

    /// The folder the migrations were embedded from, when known: where the schema snapshot
    /// goes.
    pub fn folder(&self) -> Option<&'static str> {
        self.folder
    }

    /// The highest version, or `None` when there are no migrations.
    pub fn latest_version(&self) -> Option<i64> {
        self.list.iter().map(|m| m.version).max()
    }

    /// The migrations in the order given to [`Migrations::new`].
    pub fn iter(&self) -> std::slice::Iter<'static, EmbeddedMigration> {
        self.list.iter()
    }

    /// How many migrations there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The migration with this version.
    pub fn get(&self, version: i64) -> Option<&'static EmbeddedMigration> {
        self.list.iter().find(|m| m.version == version)
    }

    /// The schema model of these migrations, replayed as the macros replay the folder: what the
    /// seeds of this binary were checked against (tables the replay cannot follow are marked
    /// tainted; the macros take those from the folder's snapshot).
    pub fn model(&self) -> Result<Schema, Error> {
        let mut schema = Schema::default();
        for m in self.sorted()? {
            let file = std::path::PathBuf::from(format!("{}_{}", m.version_text, m.description));
            schema.apply_sql(&file, m.up);
            schema.version = Some(m.version);
        }
        Ok(schema)
    }

    /// The migrations sorted by version; an error for a duplicate version.
    fn sorted(&self) -> Result<Vec<&'static EmbeddedMigration>, Error> {
        let mut sorted: Vec<_> = self.list.iter().collect();
        sorted.sort_by_key(|m| m.version);
        if let Some(pair) = sorted.windows(2).find(|w| w[0].version == w[1].version) {
            return Err(Error::Migrate(MigrateError::DuplicateVersion {
                version: pair[0].version,
            }));
        }
        Ok(sorted)
    }

    /// The same migrations as a sqlx [`Migrator`] (up and down scripts, sorted by version), for
    /// code that wants to drive sqlx directly.
    pub fn migrator(&self) -> Migrator {
        let mut list: Vec<_> = self.list.iter().collect();
        list.sort_by_key(|m| m.version);
        let migrations: Vec<Migration> = list
            .iter()
            .flat_map(|m| std::iter::once(m.up_migration()).chain(m.down_migration()))
            .collect();
        Migrator {
            migrations: Cow::Owned(migrations),
            ..Migrator::DEFAULT
        }
    }

    /// Applies every pending migration, in version order, and returns those it applied (empty
    /// when the database was up to date).
    ///
    /// Before applying anything it checks, under the lock, that no applied migration has changed
    /// ([`MigrateError::ChecksumMismatch`](crate::error::MigrateError::ChecksumMismatch)), that the database knows no migration this program
    /// does not ([`MigrateError::Missing`](crate::error::MigrateError::Missing)) and that none is half-applied; so on those errors
    /// nothing is written. A failing migration is rolled back and stops the run; the ones before it
    /// stay applied.
    pub async fn apply(&self, pool: &PgPool) -> Result<Vec<MigrationRun>, Error> {
        let sorted = self.sorted()?;
        let mut conn = acquire(pool).await?;
        lock(&mut conn).await?;
        let result = apply_locked(&mut conn, &sorted, self.tool).await;
        unlock(conn).await;
        result
    }

    /// Reverts migrations with their down scripts, newest first, and returns those it reverted.
    ///
    /// `target = None` reverts the last applied migration; `Some(v)` reverts every applied
    /// migration with a version greater than `v` (`Some(0)` reverts them all). Every migration to
    /// revert is checked to have a down script before anything runs
    /// ([`MigrateError::Irreversible`](crate::error::MigrateError::Irreversible)).
    pub async fn revert(
        &self,
        pool: &PgPool,
        target: Option<i64>,
    ) -> Result<Vec<MigrationRun>, Error> {
        let sorted = self.sorted()?;
        if let Some(target) = target
            && target != 0
            && !sorted.iter().any(|m| m.version == target)
        {
            return Err(Error::Migrate(MigrateError::TargetUnknown { target }));
        }
        let mut conn = acquire(pool).await?;
        lock(&mut conn).await?;
        let result = revert_locked(&mut conn, &sorted, target, self.tool).await;
        unlock(conn).await;
        result
    }

    /// Every migration, embedded or only recorded in the database, in version order, with its
    /// state. Writes nothing (a database without `_sqlx_migrations` has everything pending).
    pub async fn status(&self, pool: &PgPool) -> Result<Vec<MigrationStatus>, Error> {
        let sorted = self.sorted()?;
        let mut conn = acquire(pool).await?;
        let applied: BTreeMap<i64, AppliedRow> = applied_rows(&mut conn, self.tool, &sorted)
            .await?
            .into_iter()
            .map(|row| (row.version, row))
            .collect();

        let mut lines = Vec::with_capacity(sorted.len());
        for m in &sorted {
            let state = match applied.get(&m.version) {
                None => MigrationState::Pending,
                Some(row) if !row.success => MigrationState::Failed {
                    installed_on: row.installed_on,
                },
                Some(row) if row.checksum != recorded_checksum(self.tool, m) => {
                    MigrationState::ChecksumMismatch {
                        installed_on: row.installed_on,
                    }
                }
                Some(row) => MigrationState::Applied {
                    installed_on: row.installed_on,
                },
            };
            lines.push(MigrationStatus {
                version: m.version,
                description: m.description.to_owned(),
                reversible: m.down.is_some(),
                state,
                execution_ms: applied.get(&m.version).and_then(|row| row.execution_ms),
            });
        }
        let known: HashSet<i64> = sorted.iter().map(|m| m.version).collect();
        for row in applied.values().filter(|r| !known.contains(&r.version)) {
            lines.push(MigrationStatus {
                version: row.version,
                description: row.description.clone(),
                reversible: false,
                state: if row.success {
                    MigrationState::Missing {
                        installed_on: row.installed_on,
                    }
                } else {
                    MigrationState::Failed {
                        installed_on: row.installed_on,
                    }
                },
                execution_ms: row.execution_ms,
            });
        }
        lines.sort_by_key(|l| l.version);
        Ok(lines)
    }

    /// The versions not applied yet, in order: a caller that must not seed a database that is
    /// behind refuses when this is not empty. Writes nothing.
    pub async fn pending(&self, pool: &PgPool) -> Result<Vec<i64>, Error> {
        Ok(self
            .status(pool)
            .await?
            .into_iter()
            .filter(|s| s.state == MigrationState::Pending)
            .map(|s| s.version)
            .collect())
    }
}

impl IntoIterator for &Migrations {
    type Item = &'static EmbeddedMigration;
    type IntoIter = std::slice::Iter<'static, EmbeddedMigration>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

async fn acquire(pool: &PgPool) -> Result<PoolConnection<Postgres>, Error> {
    pool.acquire()
        .await
        .map_err(|e| Error::database("cannot get a database connection for migrations", &e))
}

async fn lock(conn: &mut PgConnection) -> Result<(), Error> {
    conn.lock()
        .await
        .map_err(|e| migrate_error("cannot take the migration lock", e))
}

/// Releases the advisory lock; if that fails, the connection is closed instead of going back to
/// the pool still holding it (closing a session releases its advisory locks).
async fn unlock(mut conn: PoolConnection<Postgres>) {
    if let Err(error) = conn.unlock().await {
        tracing::warn!(%error, "cannot release the migration lock; closing the connection");
        conn.close_on_drop();
    }
}

async fn apply_locked(
    conn: &mut PgConnection,
    sorted: &[&'static EmbeddedMigration],
    tool: Tool,
) -> Result<Vec<MigrationRun>, Error> {
    match tool {
        Tool::Diesel => diesel::ensure_table(conn).await?,
        Tool::Refinery => refinery::ensure_table(conn).await?,
        Tool::Sqlx => conn
            .ensure_migrations_table()
            .await
            .map_err(|e| migrate_error("cannot create _sqlx_migrations", e))?,
    }
    let applied = applied_rows(conn, tool, sorted).await?;
    if let Some(dirty) = applied.iter().find(|r| !r.success) {
        return Err(Error::Migrate(MigrateError::Dirty {
            version: dirty.version,
        }));
    }
    let applied: BTreeMap<i64, AppliedRow> = applied.into_iter().map(|r| (r.version, r)).collect();
    let known: HashSet<i64> = sorted.iter().map(|m| m.version).collect();
    if let Some(row) = applied.values().find(|r| !known.contains(&r.version)) {
        return Err(Error::Migrate(MigrateError::Missing {
            version: row.version,
            description: row.description.clone(),
        }));
    }
    for m in sorted {
        if let Some(row) = applied.get(&m.version)
            && row.checksum != recorded_checksum(tool, m)
        {
            return Err(Error::Migrate(MigrateError::ChecksumMismatch {
                version: m.version,
                description: m.description.to_owned(),
            }));
        }
    }

    let mut done = Vec::new();
    for m in sorted.iter().filter(|m| !applied.contains_key(&m.version)) {
        tracing::info!(
            version = m.version,
            description = m.description,
            "applying migration"
        );
        let elapsed = match tool {
            Tool::Diesel => diesel::run(conn, m, MigrationDirection::Apply).await?,
            Tool::Refinery => refinery::run(conn, m).await?,
            Tool::Sqlx => conn
                .apply(&m.up_migration())
                .await
                .map_err(|e| run_error(MigrationDirection::Apply, m, e))?,
        };
        done.push(MigrationRun {
            version: m.version,
            description: m.description,
            elapsed,
        });
    }
    Ok(done)
}

async fn revert_locked(
    conn: &mut PgConnection,
    sorted: &[&'static EmbeddedMigration],
    target: Option<i64>,
    tool: Tool,
) -> Result<Vec<MigrationRun>, Error> {
    let applied = applied_rows(conn, tool, sorted).await?;
    if let Some(dirty) = applied.iter().find(|r| !r.success) {
        return Err(Error::Migrate(MigrateError::Dirty {
            version: dirty.version,
        }));
    }
    let mut to_revert: Vec<&AppliedRow> = match target {
        None => applied
            .iter()
            .max_by_key(|r| r.version)
            .into_iter()
            .collect(),
        Some(target) => applied.iter().filter(|r| r.version > target).collect(),
    };
    to_revert.sort_by_key(|r| std::cmp::Reverse(r.version));

    // Check everything before reverting anything.
    let mut plan = Vec::with_capacity(to_revert.len());
    for row in to_revert {
        let Some(m) = sorted.iter().find(|m| m.version == row.version) else {
            return Err(Error::Migrate(MigrateError::Missing {
                version: row.version,
                description: row.description.clone(),
            }));
        };
        let Some(down) = m.down_migration() else {
            return Err(Error::Migrate(MigrateError::Irreversible {
                version: m.version,
                description: m.description.to_owned(),
            }));
        };
        plan.push((*m, down));
    }

    let mut done = Vec::with_capacity(plan.len());
    for (m, down) in plan {
        tracing::info!(
            version = m.version,
            description = m.description,
            "reverting migration"
        );
        let elapsed = match tool {
            Tool::Diesel => diesel::run(conn, m, MigrationDirection::Revert).await?,
            // refinery migrations have no down scripts: the check above refused them.
            Tool::Refinery | Tool::Sqlx => conn
                .revert(&down)
                .await
                .map_err(|e| run_error(MigrationDirection::Revert, m, e))?,
        };
        done.push(MigrationRun {
            version: m.version,
            description: m.description,
            elapsed,
        });
    }
    Ok(done)
}

/// The applied migrations from the tool's table, or none when it does not exist (nothing is
/// created).
async fn applied_rows(
    conn: &mut PgConnection,
    tool: Tool,
    known: &[&'static EmbeddedMigration],
) -> Result<Vec<AppliedRow>, Error> {
    match tool {
        Tool::Diesel => return diesel::applied(conn, known).await,
        Tool::Refinery => return refinery::applied(conn).await,
        Tool::Sqlx => {}
    }
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::database("cannot look for _sqlx_migrations", &e))?;
    if !exists {
        return Ok(Vec::new());
    }
    type Row = (i64, String, DateTime<Utc>, bool, Vec<u8>, i64);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT version, description, installed_on, success, checksum, execution_time \
         FROM _sqlx_migrations ORDER BY version",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("cannot read _sqlx_migrations", &e))?;
    Ok(rows
        .into_iter()
        .map(
            |(version, description, installed_on, success, checksum, nanos)| AppliedRow {
                version,
                description,
                installed_on,
                success,
                checksum,
                execution_ms: Some(nanos as f64 / 1e6),
            },
        )
        .collect())
}

/// The checksum the tool's table holds for `m` (diesel records none).
fn recorded_checksum(tool: Tool, m: &EmbeddedMigration) -> Vec<u8> {
    match tool {
        Tool::Sqlx => m.checksum(),
        Tool::Diesel => Vec::new(),
        Tool::Refinery => refinery::checksum(m),
    }
}

fn migrate_error(context: &str, error: SqlxMigrateError) -> Error {
    match error {
        SqlxMigrateError::Execute(e) | SqlxMigrateError::ExecuteMigration(e, _) => {
            Error::database(context, &e)
        }
        other => Error::Database {
            context: context.to_owned(),
            sqlstate: None,
            message: other.to_string(),
        },
    }
}

fn run_error(
    direction: MigrationDirection,
    migration: &EmbeddedMigration,
    error: SqlxMigrateError,
) -> Error {
    match &error {
        SqlxMigrateError::Execute(e) | SqlxMigrateError::ExecuteMigration(e, _) => {
            failed(direction, migration, e)
        }
        other => failed_with(direction, migration, None, other.to_string()),
    }
}

/// A migration's SQL (or its bookkeeping row) refused by the server.
fn failed(
    direction: MigrationDirection,
    migration: &EmbeddedMigration,
    error: &sqlx::Error,
) -> Error {
    let (sqlstate, message) = db_error_parts(error);
    failed_with(direction, migration, sqlstate, message)
}

fn failed_with(
    direction: MigrationDirection,
    migration: &EmbeddedMigration,
    sqlstate: Option<String>,
    message: String,
) -> Error {
    Error::Migrate(MigrateError::Failed {
        direction,
        version: migration.version,
        description: migration.description.to_owned(),
        sqlstate,
        message,
    })
}
