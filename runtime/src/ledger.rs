//! The ledger: what seedbed applied to this database, kept in the database itself.
//!
//! `seedbed.ledger` has a row per applied unit; `seedbed.ledger_rows` the key of every row each
//! unit inserted, so cleanup removes exactly those (with the row's label, or `#n`, where the
//! database generates the key, so a re-apply keeps it), and `seedbed.ledger_ranges` the key
//! ranges of generated rows (their ordered keys make a million rows one range, not a million
//! keys); `seedbed.stamp` the environment the database was first seeded in. A unit's rows and
//! its ledger entries commit in one transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::Error;

pub(crate) const SCHEMA_SQL: &str = "
CREATE SCHEMA IF NOT EXISTS seedbed;
CREATE TABLE IF NOT EXISTS seedbed.stamp (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    environment text NOT NULL,
    stamped_at timestamptz NOT NULL DEFAULT now(),
    tool_version text NOT NULL
);
CREATE TABLE IF NOT EXISTS seedbed.ledger (
    unit text PRIMARY KEY,
    kind text NOT NULL,
    checksum text NOT NULL,
    environment text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    rows bigint NOT NULL,
    duration_ms double precision NOT NULL,
    tool_version text NOT NULL,
    schema_version bigint,
    generation bigint NOT NULL,
    context jsonb NOT NULL
);
-- A box of generated keys: per primary key column (in key order), the lowest and highest value.
CREATE TABLE IF NOT EXISTS seedbed.ledger_ranges (
    unit text NOT NULL,
    table_name text NOT NULL,
    lo uuid[] NOT NULL,
    hi uuid[] NOT NULL,
    generation bigint NOT NULL
);
-- label: the row's identity in its unit, for tables whose keys the database generates: its
-- label, or `#n` for the n-th anonymous row of the table. A re-apply gives the row its key back.
CREATE TABLE IF NOT EXISTS seedbed.ledger_rows (
    unit text NOT NULL,
    table_name text NOT NULL,
    key text NOT NULL,
    generation bigint NOT NULL,
    label text,
    PRIMARY KEY (unit, table_name, key)
);
ALTER TABLE seedbed.ledger_rows ADD COLUMN IF NOT EXISTS label text;
";

/// The version of seedbed recorded in the ledger.
pub const TOOL_VERSION: &str = concat!("seedbed ", env!("CARGO_PKG_VERSION"));

/// Creates the ledger tables if they are missing. Call with the run's advisory lock held.
///
/// When they all exist nothing is executed, so a role without CREATE rights (common outside
/// development) can seed a database whose ledger an administrator created.
pub async fn ensure(conn: &mut PgConnection) -> Result<(), Error> {
    let complete: bool = sqlx::query_scalar(
        "SELECT to_regclass('seedbed.stamp') IS NOT NULL AND to_regclass('seedbed.ledger') IS NOT NULL
            AND to_regclass('seedbed.ledger_rows') IS NOT NULL
            AND to_regclass('seedbed.ledger_ranges') IS NOT NULL
            AND EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass('seedbed.ledger_rows')
                        AND attname = 'label' AND NOT attisdropped)",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| Error::database("looking for the seedbed ledger", &e))?;
    if complete {
        return Ok(());
    }
    sqlx::raw_sql(SCHEMA_SQL)
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::database("creating the seedbed ledger tables", &e))?;
    Ok(())
}

/// Whether the ledger tables exist (reading commands do not create them).
pub async fn exists(conn: &mut PgConnection) -> Result<bool, Error> {
    sqlx::query_scalar("SELECT to_regclass('seedbed.ledger') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::database("looking for the seedbed ledger", &e))
}

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
}

/// Every applied unit, by name; empty when there is no ledger yet.
pub async fn entries(conn: &mut PgConnection) -> Result<HashMap<String, Entry>, Error> {
    if !exists(conn).await? {
        return Ok(HashMap::new());
    }
    let rows: Vec<Entry> = sqlx::query_as("SELECT * FROM seedbed.ledger")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| Error::database("reading the seedbed ledger", &e))?;
    Ok(rows.into_iter().map(|e| (e.unit.clone(), e)).collect())
}

/// The environment the database was stamped with by its first seeding.
pub async fn stamp(conn: &mut PgConnection) -> Result<Option<String>, Error> {
    if !exists(conn).await? {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT environment FROM seedbed.stamp")
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| Error::database("reading the environment stamp", &e))
}

/// Stamps the database with `environment` (replacing an earlier stamp).
pub async fn set_stamp(conn: &mut PgConnection, environment: &str) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO seedbed.stamp (environment, tool_version) VALUES ($1, $2)
         ON CONFLICT (singleton) DO UPDATE SET environment = EXCLUDED.environment,
             stamped_at = now(), tool_version = EXCLUDED.tool_version",
    )
    .bind(environment)
    .bind(TOOL_VERSION)
    .execute(&mut *conn)
    .await
    .map_err(|e| Error::database("stamping the database's environment", &e))?;
    Ok(())
}

/// Tables holding rows of `unit`, with their row counts, per the ledger.
pub async fn unit_tables(conn: &mut PgConnection, unit: &str) -> Result<Vec<(String, i64)>, Error> {
    sqlx::query_as(
        "SELECT table_name, count(*) FROM seedbed.ledger_rows WHERE unit = $1 GROUP BY table_name ORDER BY table_name",
    )
    .bind(unit)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database(format!("reading the ledger rows of unit `{unit}`"), &e))
}
