//! diesel's bookkeeping: `__diesel_schema_migrations (version, run_on)`, as diesel_migrations
//! creates and fills it.

use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use sqlx::{Connection, PgConnection};

use super::{AppliedRow, EmbeddedMigration, MigrationDirection};
use crate::error::Error;

pub(super) async fn ensure_table(conn: &mut PgConnection) -> Result<(), Error> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
             version VARCHAR(50) PRIMARY KEY NOT NULL,
             run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
         )",
    )
    .execute(&mut *conn)
    .await
    .map_err(|e| Error::database("cannot create __diesel_schema_migrations", &e))?;
    Ok(())
}

/// The applied migrations as rows of the common shape: diesel keeps no checksum (a changed
/// migration is not noticed, as by diesel), and a version the binary does not know keeps its
/// text as the description.
pub(super) async fn applied(
    conn: &mut PgConnection,
    known: &[&'static EmbeddedMigration],
) -> Result<Vec<AppliedRow>, Error> {
    let exists: bool =
        sqlx::query_scalar("SELECT to_regclass('__diesel_schema_migrations') IS NOT NULL")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| Error::database("cannot look for __diesel_schema_migrations", &e))?;
    if !exists {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, NaiveDateTime)> =
        sqlx::query_as("SELECT version, run_on FROM __diesel_schema_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| Error::database("cannot read __diesel_schema_migrations", &e))?;
    Ok(rows
        .into_iter()
        .map(|(version, run_on)| {
            let embedded = known.iter().find(|m| m.version_text == version);
            AppliedRow {
                version: embedded
                    .map_or_else(|| version.parse().unwrap_or(i64::MAX), |m| m.version),
                description: embedded.map_or(version.clone(), |m| m.description.to_owned()),
                installed_on: run_on.and_utc(),
                success: true,
                checksum: Vec::new(),
                execution_ms: None,
            }
        })
        .collect())
}

/// Runs a migration's up or down script and records it, in one transaction unless the
/// migration opted out.
pub(super) async fn run(
    conn: &mut PgConnection,
    migration: &EmbeddedMigration,
    direction: MigrationDirection,
) -> Result<Duration, Error> {
    let sql = match direction {
        MigrationDirection::Apply => migration.up,
        MigrationDirection::Revert => migration.down.unwrap_or_default(),
    };
    let record = match direction {
        MigrationDirection::Apply => "INSERT INTO __diesel_schema_migrations (version) VALUES ($1)",
        MigrationDirection::Revert => "DELETE FROM __diesel_schema_migrations WHERE version = $1",
    };
    let failed = |e: sqlx::Error| super::failed(direction, migration, &e);
    let started = Instant::now();
    if migration.in_transaction {
        let mut tx = conn.begin().await.map_err(failed)?;
        sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(failed)?;
        sqlx::query(record)
            .bind(migration.version_text)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
    } else {
        sqlx::raw_sql(sql)
            .execute(&mut *conn)
            .await
            .map_err(failed)?;
        sqlx::query(record)
            .bind(migration.version_text)
            .execute(&mut *conn)
            .await
            .map_err(failed)?;
    }
    Ok(started.elapsed())
}
