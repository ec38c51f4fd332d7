//! What the tests share: a fresh database per test, run options with a fixed clock, and queries
//! of the data and the ledger.

use std::collections::HashMap;

use anyhow::{Context as _, Result};
use seedbed::Error;
use seedbed::run::{self, RunOptions, TableReport, UnitReport};
use seedbed::select::Registry;
use seedbed::testing::TestDatabase;
use seedbed_test_units::MIGRATIONS;
use sqlx::PgPool;
use sqlx::types::chrono::{DateTime, Utc};

/// A fresh database and a pool on it; [`Fresh::finish`] drops it. A test that fails before
/// that leaves it to `TestDatabase`, which keeps it for a look and says where.
pub struct Fresh {
    pub db: TestDatabase,
    pub pool: PgPool,
}

impl Fresh {
    /// A new empty database.
    pub async fn empty() -> Result<Fresh> {
        let db = TestDatabase::create().await?;
        let pool = db.connect().await?;
        Ok(Fresh { db, pool })
    }

    /// A new database with every migration of the tests' schema applied.
    pub async fn migrated() -> Result<Fresh> {
        let fresh = Fresh::empty().await?;
        MIGRATIONS.apply(&fresh.pool).await?;
        Ok(fresh)
    }

    pub fn url(&self) -> &str {
        &self.db.url
    }

    /// Another pool on the same database (a second runner).
    pub async fn second_pool(&self) -> Result<PgPool> {
        Ok(seedbed::database::connect(self.url()).await?)
    }

    /// Drops the database.
    pub async fn finish(self) -> Result<()> {
        self.pool.close().await;
        Ok(self.db.drop().await?)
    }
}

/// A fixed "now", so that reruns on either side of midnight build the same rows.
pub fn clock() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2030-06-01T00:00:00Z")
        .unwrap()
        .to_utc()
}

/// Options for `environment` with the fixed clock and the given scales.
pub fn options(environment: &str, scale: &[(&str, u64)]) -> RunOptions {
    let mut options = RunOptions::new(environment).unwrap();
    options.context.clock = clock();
    options.context.scale = scale.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
    options
}

pub fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// Applies the named units (after their dependencies) with `options`.
pub async fn apply(pool: &PgPool, units: &[&str], options: &RunOptions) -> Result<Vec<UnitReport>> {
    let registry = Registry::discover()?;
    let selected = registry.select(Some(&names(units)), &options.environment)?;
    Ok(run::apply(pool, &selected, options).await?)
}

/// Cleans up the named units (and their dependents).
pub async fn cleanup(
    pool: &PgPool,
    units: &[&str],
    cascade: bool,
    options: &RunOptions,
) -> Result<run::CleanupReport, Error> {
    let registry = Registry::discover()?;
    run::cleanup(pool, &registry, Some(&names(units)), cascade, options).await
}

pub fn report<'a>(reports: &'a [UnitReport], unit: &str) -> &'a UnitReport {
    reports
        .iter()
        .find(|r| r.unit == unit)
        .unwrap_or_else(|| panic!("no report for unit `{unit}` in {reports:#?}"))
}

pub fn table<'a>(report: &'a UnitReport, table: &str) -> &'a TableReport {
    report
        .tables
        .iter()
        .find(|t| t.table == table)
        .unwrap_or_else(|| panic!("no table `{table}` in {report:#?}"))
}

/// `(inserted, updated, unchanged, deleted)` of one table of one unit.
pub fn counts(reports: &[UnitReport], unit: &str, t: &str) -> (u64, u64, u64, u64) {
    let t = table(report(reports, unit), t);
    (t.inserted, t.updated, t.unchanged, t.deleted)
}

pub async fn count(pool: &PgPool, table: &str) -> Result<i64> {
    let sql = format!("SELECT count(*) FROM {table}");
    sqlx::query_scalar(&sql)
        .fetch_one(pool)
        .await
        .with_context(|| sql.clone())
}

/// Row counts of every table of the public schema.
pub async fn all_counts(pool: &PgPool) -> Result<HashMap<String, i64>> {
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
            .fetch_all(pool)
            .await?;
    let mut counts = HashMap::new();
    for t in tables {
        let n = count(pool, &format!("\"{t}\"")).await?;
        counts.insert(t, n);
    }
    Ok(counts)
}

/// Every row of `table` as `(xmin, row as text)`, ordered: equal before and after means nothing
/// was written to it.
pub async fn snapshot(pool: &PgPool, table: &str) -> Result<Vec<(String, String)>> {
    let sql = format!("SELECT xmin::text, t::text FROM {table} AS t ORDER BY t::text");
    Ok(sqlx::query_as(&sql).fetch_all(pool).await?)
}

/// The ledger: unit, checksum, generation, applied_at.
pub async fn ledger(pool: &PgPool) -> Result<Vec<(String, String, i64, DateTime<Utc>)>> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('seedbed.ledger') IS NOT NULL")
        .fetch_one(pool)
        .await?;
    if !exists {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(
        "SELECT unit, checksum, generation, applied_at FROM seedbed.ledger ORDER BY unit",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn ledger_units(pool: &PgPool) -> Result<Vec<String>> {
    Ok(ledger(pool).await?.into_iter().map(|e| e.0).collect())
}

pub async fn generation(pool: &PgPool, unit: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT generation FROM seedbed.ledger WHERE unit = $1")
            .bind(unit)
            .fetch_one(pool)
            .await?,
    )
}

pub async fn ledger_rows(pool: &PgPool, unit: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM seedbed.ledger_rows WHERE unit = $1")
            .bind(unit)
            .fetch_one(pool)
            .await?,
    )
}

pub async fn stamp(pool: &PgPool) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT environment FROM seedbed.stamp")
        .fetch_optional(pool)
        .await?)
}

/// The events the `t_events` unit inserted, by slug.
pub async fn runner_events(pool: &PgPool) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT slug::text, title FROM events WHERE slug LIKE 'runner-event-%' ORDER BY slug",
    )
    .fetch_all(pool)
    .await?)
}

/// A user, an organizer, a venue and an event of other data, made by hand; returns the user's id.
pub async fn insert_unrelated(pool: &PgPool) -> Result<String> {
    sqlx::raw_sql(
        "INSERT INTO users (id, email, display_name, password_hash)
             VALUES ('00000000-0000-4000-8000-000000000001', 'hand@example.com', 'By Hand', 'x');
         INSERT INTO organizers (id, name, slug)
             VALUES ('00000000-0000-4000-8000-000000000002', 'Hand Org', 'hand-org');
         INSERT INTO venues (id, name, slug, city, country)
             VALUES ('00000000-0000-4000-8000-000000000003', 'Hand Hall', 'hand-hall', 'Gent', 'BE');
         INSERT INTO events (id, organizer_id, venue_id, slug, title, starts_at, ends_at, timezone)
             VALUES ('00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000002',
                     '00000000-0000-4000-8000-000000000003', 'hand-event', 'Hand event',
                     '2030-01-01', '2030-01-02', 'UTC');",
    )
    .execute(pool)
    .await?;
    Ok("00000000-0000-4000-8000-000000000001".to_owned())
}
