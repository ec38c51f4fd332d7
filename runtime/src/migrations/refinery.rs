//! refinery's bookkeeping: `refinery_schema_history (version, name, applied_on, checksum)`, as
//! refinery creates and fills it, checksums included (SipHash-1-3 of name, version and SQL), so
//! that refinery and seed-runner agree about what is applied and what changed.

use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use siphasher::sip::SipHasher13;
use sqlx::{Connection, PgConnection};

use super::{AppliedRow, EmbeddedMigration, MigrationDirection};
use crate::error::Error;

pub(super) async fn ensure_table(conn: &mut PgConnection) -> Result<(), Error> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS refinery_schema_history (
             version int4 PRIMARY KEY,
             name VARCHAR(255),
             applied_on VARCHAR(255),
             checksum VARCHAR(255)
         )",
    )
    .execute(&mut *conn)
    .await
    .map_err(|e| Error::database("cannot create refinery_schema_history", &e))?;
    Ok(())
}

/// The checksum refinery records: its `Migration::unapplied` hashes the name, the version (an
/// `i32`) and the SQL with SipHash-1-3 under zero keys.
pub(super) fn checksum(migration: &EmbeddedMigration) -> Vec<u8> {
    let mut hasher = SipHasher13::new();
    migration.description.hash(&mut hasher);
    (migration.version as i32).hash(&mut hasher);
    migration.up.hash(&mut hasher);
    hasher.finish().to_string().into_bytes()
}

/// A row of `refinery_schema_history`: version, name, applied_on, checksum.
type HistoryRow = (i32, Option<String>, Option<String>, Option<String>);

pub(super) async fn applied(conn: &mut PgConnection) -> Result<Vec<AppliedRow>, Error> {
    let exists: bool =
        sqlx::query_scalar("SELECT to_regclass('refinery_schema_history') IS NOT NULL")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| Error::database("cannot look for refinery_schema_history", &e))?;
    if !exists {
        return Ok(Vec::new());
    }
    let rows: Vec<HistoryRow> = sqlx::query_as(
        "SELECT version, name, applied_on, checksum FROM refinery_schema_history ORDER BY version",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("cannot read refinery_schema_history", &e))?;
    Ok(rows
        .into_iter()
        .map(|(version, name, applied_on, checksum)| AppliedRow {
            version: version.into(),
            description: name.unwrap_or_default(),
            installed_on: applied_on
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map_or(DateTime::UNIX_EPOCH, |t| t.to_utc()),
            success: true,
            checksum: checksum.unwrap_or_default().into_bytes(),
            execution_ms: None,
        })
        .collect())
}

/// Runs a migration's up script (refinery has no down scripts) and records it, in one
/// transaction.
pub(super) async fn run(
    conn: &mut PgConnection,
    migration: &EmbeddedMigration,
) -> Result<Duration, Error> {
    let failed = |e: sqlx::Error| super::failed(MigrationDirection::Apply, migration, &e);
    let started = Instant::now();
    let mut tx = conn.begin().await.map_err(failed)?;
    sqlx::raw_sql(migration.up)
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
    sqlx::query(
        "INSERT INTO refinery_schema_history (version, name, applied_on, checksum)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(migration.version as i32)
    .bind(migration.description)
    .bind(Utc::now().to_rfc3339_opts(SecondsFormat::AutoSi, true))
    .bind(String::from_utf8_lossy(&checksum(migration)).into_owned())
    .execute(&mut *tx)
    .await
    .map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    Ok(started.elapsed())
}
