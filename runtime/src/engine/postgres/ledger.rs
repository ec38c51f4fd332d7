//! The ledger: what seedbed applied to this database, kept in the database itself.
//!
//! `seedbed.ledger` has a row per applied unit; `seedbed.ledger_rows` the key of every row each
//! unit inserted, so cleanup removes exactly those (with the row's label, or `#n`, where the
//! database generates the key, so a re-apply keeps it), and `seedbed.ledger_ranges` the key
//! ranges of generated rows (their ordered keys make a million rows one range, not a million
//! keys); `seedbed.stamp` the environment the database was first seeded in. A unit's rows and
//! its ledger entries commit in one transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::Error;
use crate::run::digest::TableDigest;

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
    context jsonb NOT NULL,
    digests jsonb
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
-- Per table of a unit with loops: its rows' count and digest when written (see digest.rs).
ALTER TABLE seedbed.ledger ADD COLUMN IF NOT EXISTS digests jsonb;
COMMENT ON SCHEMA seedbed IS 'seedbed ledger 3';
";

/// The version of seedbed recorded in the ledger.
pub const TOOL_VERSION: &str = concat!("seedbed ", env!("CARGO_PKG_VERSION"));

/// The ledger's format, kept as the comment of schema `seedbed`: a ledger written by a newer
/// seedbed is refused rather than misread. Ledgers from before the comment are version 1.
pub const LEDGER_VERSION: i64 = 3;

/// The columns each ledger table must have.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "stamp",
        &["singleton", "environment", "stamped_at", "tool_version"],
    ),
    (
        "ledger",
        &[
            "unit",
            "kind",
            "checksum",
            "environment",
            "applied_at",
            "rows",
            "duration_ms",
            "tool_version",
            "schema_version",
            "generation",
            "context",
            "digests",
        ],
    ),
    (
        "ledger_ranges",
        &["unit", "table_name", "lo", "hi", "generation"],
    ),
    (
        "ledger_rows",
        &["unit", "table_name", "key", "generation", "label"],
    ),
];

/// Where the database's ledger stands, see [`check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerState {
    /// No ledger: nothing was seeded here (or the whole ledger was dropped).
    Absent,
    /// Every table and column is there, at [`LEDGER_VERSION`] or an older version.
    Complete,
}

/// Checks the ledger before use: either there is none, or all its tables and columns are there
/// at a version this seedbed reads. Anything else is [`Error::LedgerDamaged`] (a table or column
/// dropped by hand would make a run re-insert rows, or a cleanup leave them, without a word).
pub async fn check(conn: &mut PgConnection) -> Result<LedgerState, Error> {
    let (schema, version): (bool, Option<String>) = sqlx::query_as(
        "SELECT to_regnamespace('seedbed') IS NOT NULL,
                obj_description(to_regnamespace('seedbed'), 'pg_namespace')",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| Error::database("looking for the seedbed ledger", &e))?;
    if !schema {
        return Ok(LedgerState::Absent);
    }
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text FROM pg_class c
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE c.relnamespace = to_regnamespace('seedbed') AND c.relkind = 'r'",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the seedbed ledger's tables", &e))?;
    let version = match version
        .as_deref()
        .and_then(|v| v.strip_prefix("seedbed ledger "))
    {
        Some(v) => v.trim().parse::<i64>().ok(),
        None => Some(1),
    };
    match version {
        Some(v) if v <= LEDGER_VERSION => {}
        _ => {
            return Err(Error::LedgerDamaged {
                what: format!(
                    "schema seedbed is marked as ledger format {}, which this seedbed ({TOOL_VERSION}, \
                     format {LEDGER_VERSION}) does not read; run a newer seed-runner",
                    version.map_or_else(|| "(unreadable)".to_owned(), |v| v.to_string())
                ),
            });
        }
    }
    // A bare schema (created by hand, or by a run that stopped before its first table) and an
    // empty unmarked one are no ledger at all.
    if columns.is_empty() && version == Some(1) {
        return Ok(LedgerState::Absent);
    }
    let mut missing = Vec::new();
    for (table, wanted) in EXPECTED {
        let have: Vec<&str> = columns
            .iter()
            .filter(|(t, _)| t == table)
            .map(|(_, c)| c.as_str())
            .collect();
        if have.is_empty() {
            missing.push(format!("table seedbed.{table}"));
            continue;
        }
        // Older ledgers may lack the columns added since (`label` in 2, `digests` in 3);
        // `ensure` adds them.
        for column in wanted.iter().filter(|c| !have.contains(c)) {
            let added_in = match (*table, *column) {
                ("ledger_rows", "label") => 2,
                ("ledger", "digests") => 3,
                _ => 1,
            };
            if version.is_none_or(|v| v >= added_in) {
                missing.push(format!("column seedbed.{table}.{column}"));
            }
        }
    }
    if missing.is_empty() {
        return Ok(LedgerState::Complete);
    }
    Err(Error::LedgerDamaged {
        what: format!("{} missing", missing.join(", ")),
    })
}

/// Creates the ledger tables if there is no ledger, and brings an older ledger to
/// [`LEDGER_VERSION`]; a damaged one is an error ([`check`]). Call with the run's advisory lock
/// held.
///
/// When the ledger is complete and current nothing is executed, so a role without CREATE rights
/// (common outside development) can seed a database whose ledger an administrator created.
pub async fn ensure(conn: &mut PgConnection) -> Result<(), Error> {
    let current: bool = match check(conn).await? {
        LedgerState::Absent => false,
        LedgerState::Complete => sqlx::query_scalar(
            "SELECT obj_description(to_regnamespace('seedbed'), 'pg_namespace') = $1",
        )
        .bind(format!("seedbed ledger {LEDGER_VERSION}"))
        .fetch_one(&mut *conn)
        .await
        .map(|v: Option<bool>| v.unwrap_or(false))
        .map_err(|e| Error::database("reading the seedbed ledger's version", &e))?,
    };
    if current {
        return Ok(());
    }
    sqlx::raw_sql(SCHEMA_SQL)
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::database("creating the seedbed ledger tables", &e))?;
    Ok(())
}

/// Whether there is a ledger (reading commands do not create one); a damaged ledger is an error.
pub async fn exists(conn: &mut PgConnection) -> Result<bool, Error> {
    Ok(check(conn).await? == LedgerState::Complete)
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
    /// For a unit with loops, its rows per table when written (`None` in older ledgers).
    pub digests: Option<sqlx::types::Json<BTreeMap<String, TableDigest>>>,
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
