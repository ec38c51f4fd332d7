//! The runner against a real PostgreSQL: idempotence, change propagation, exact and blocked
//! cleanup, concurrency, a runner killed mid-unit, the guards, pending migrations, and the
//! `seed-runner` command line's errors and read-only commands.
//!
//! Every test works in a fresh database of its own (`SEEDBED_TEST_ADMIN_URL`, default
//! `postgres://postgres@127.0.0.1:5432`), dropped at the end, on failure too. Library-level tests
//! use the small units defined below (`t_venues`, `t_events`, ...), so they do not depend on the
//! Festival Scout seeds; command-line tests run the `seed-runner` binary, which links the Festival
//! Scout units only (`dance_styles`, `venues`).

use std::collections::HashMap;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail, ensure};
use festival_seeds::MIGRATIONS;
use seedbed::Error;
use seedbed::error::{ApplyError, CleanupError, GuardError, SelectError};
use seedbed::run::{self, RunOptions, UnitState};
use seedbed::run::{Outcome, TableReport, UnitReport};
use seedbed::select::Registry;
use seedbed::testing::TestDatabase;
use sqlx::PgPool;
use sqlx::types::chrono::{DateTime, Utc};

// ---------------------------------------------------------------------------------------------
// Units of these tests
// ---------------------------------------------------------------------------------------------

mod t_venues {
    seedbed::seed! {
        /// Runner tests: an organizer and two venues.
        set t_venues;

        organizers {
            runner_org { name: "Runner Org", slug: "runner-org" }
        }
        venues {
            hall_a { name: "Runner Hall A", slug: "runner-hall-a", city: "Berlin", country: "DE" }
            hall_b {
                name: "Runner Hall B", slug: "runner-hall-b", city: "Lisboa", country: "PT",
                capacity: 300,
            }
        }
    }
}

/// Runner tests: `scale("n", 2)` events at the venues of `t_venues`, their titles marked with
/// `scale("v", 1)`, so that a run with another scale is a changed definition.
#[seedbed::scenario(depends_on = [t_venues])]
fn t_events() -> seedbed::Seed {
    seedbed::seed! {
        events {
            for i in 0..seedbed::scale("n", 2) {
                _ {
                    organizer_id: t_venues::organizers::runner_org,
                    venue_id: if i % 2 == 0 { t_venues::venues::hall_a } else { t_venues::venues::hall_b },
                    slug: format!("runner-event-{i}"),
                    title: format!("Runner event {i}, version {}", seedbed::scale("v", 1)),
                    starts_at: seedbed::days_from_now(10 + i),
                    ends_at: seedbed::days_from_now(11 + i),
                    timezone: "Europe/Berlin",
                }
            }
        }
    }
}

/// Runner tests: seed code that panics (when `scale("boom", 0)` is set) in a row built in memory.
#[seedbed::scenario(depends_on = [t_venues])]
fn t_panics() -> seedbed::Seed {
    seedbed::seed! {
        venues {
            doomed { name: doomed_name(), slug: "runner-doomed", city: "Porto", country: "PT", capacity: 10 }
        }
    }
}

fn doomed_name() -> String {
    if seedbed::scale("boom", 0) > 0 {
        panic!("no name for the doomed venue");
    }
    "Doomed".to_owned()
}

/// Runner tests: seed code that panics (when `scale("boom", 0)` is set) in the third row of a
/// streamed table, after two rows went out.
#[seedbed::scenario(depends_on = [t_venues])]
fn t_panics_streamed() -> seedbed::Seed {
    seedbed::seed! {
        events {
            for i in 0..3 {
                _ {
                    organizer_id: t_venues::organizers::runner_org,
                    venue_id: t_venues::venues::hall_a,
                    slug: doomed_slug(i),
                    title: "Doomed",
                    starts_at: seedbed::days_from_now(10),
                    ends_at: seedbed::days_from_now(11),
                    timezone: "Europe/Berlin",
                }
            }
        }
    }
}

fn doomed_slug(i: u64) -> String {
    if i == 2 && seedbed::scale("boom", 0) > 0 {
        panic!("row {i} cannot be built");
    }
    format!("runner-doomed-{i}")
}

/// Runner tests: an event that ends before it starts, which only the server's CHECK sees.
#[seedbed::scenario(depends_on = [t_venues])]
fn t_backwards() -> seedbed::Seed {
    seedbed::seed! {
        events {
            backwards {
                organizer_id: t_venues::organizers::runner_org,
                venue_id: t_venues::venues::hall_a,
                slug: "runner-backwards",
                title: "Ends before it starts",
                starts_at: seedbed::days_from_now(5),
                ends_at: seedbed::days_from_now(4),
                timezone: "UTC",
            }
        }
    }
}

mod t_styles {
    seedbed::seed! {
        /// Runner tests: reference data allowed in production.
        set t_styles(env = [production, staging, development, test]);

        dance_styles {
            runner_style { name: "Runner Style", slug: "runner-style" }
        }
    }
}

/// Runner tests: `scale("n", 2)` generated events, each tagged with the style of `t_styles`.
#[seedbed::scenario(depends_on = [t_venues, t_styles])]
fn t_tagged() -> seedbed::Seed {
    seedbed::seed! {
        events {
            for i in 0..seedbed::scale("n", 2) {
                _ {
                    organizer_id: t_venues::organizers::runner_org,
                    venue_id: t_venues::venues::hall_a,
                    slug: format!("runner-tagged-{i}"),
                    title: format!("Tagged event {i}"),
                    starts_at: seedbed::days_from_now(20 + i),
                    ends_at: seedbed::days_from_now(21 + i),
                    timezone: "UTC",
                }
            }
        }
        event_dance_styles {
            for i in 0..seedbed::scale("n", 2) {
                _ {
                    event_id: seedbed::generated_id("events", i),
                    dance_style_id: t_styles::dance_styles::runner_style,
                }
            }
        }
    }
}

/// Runner tests: generated venues and organizers, written in that order (not the order of
/// their names, nor one the foreign keys impose).
#[seedbed::scenario]
fn t_generated() -> seedbed::Seed {
    seedbed::seed! {
        venues {
            for i in 0..seedbed::scale("n", 2) {
                _ { name: format!("Generated hall {i}"), slug: format!("runner-gen-hall-{i}"), city: "Oslo", country: "NO" }
            }
        }
        organizers {
            for i in 0..seedbed::scale("n", 2) {
                _ { name: format!("Generated org {i}"), slug: format!("runner-gen-org-{i}") }
            }
        }
    }
}

/// Runner tests: venues whose rows differ between runs the way they do when a seed's source is
/// edited: only the first `scale("n", 2)` of `edit_0` .. `edit_4`, their names marked with
/// `scale("v", 1)`. Without loops, it is applied with upserts, not streamed.
#[seedbed::scenario]
fn t_edited() -> seedbed::Seed {
    let mut seed = seedbed::seed! {
        venues {
            edit_0 { name: edited_name(0), slug: "runner-edit-0", city: "Berlin", country: "DE" }
            edit_1 { name: edited_name(1), slug: "runner-edit-1", city: "Berlin", country: "DE" }
            edit_2 { name: edited_name(2), slug: "runner-edit-2", city: "Berlin", country: "DE" }
            edit_3 { name: edited_name(3), slug: "runner-edit-3", city: "Berlin", country: "DE" }
            edit_4 { name: edited_name(4), slug: "runner-edit-4", city: "Berlin", country: "DE" }
        }
    };
    let n = seedbed::scale("n", 2) as usize;
    for table in &mut seed.tables {
        let rows = std::mem::replace(&mut table.rows, Box::new(std::iter::empty()));
        table.rows = Box::new(rows.take(n));
    }
    seed
}

fn edited_name(i: u32) -> String {
    format!("Edited {i}, version {}", seedbed::scale("v", 1))
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A fresh database, dropped when this value goes (a failing test included).
struct Fresh {
    db: Option<TestDatabase>,
    pool: PgPool,
}

impl Fresh {
    /// A new empty database.
    async fn empty() -> Result<Fresh> {
        let db = TestDatabase::create().await?;
        let pool = db.connect().await?;
        Ok(Fresh { db: Some(db), pool })
    }

    /// A new database with every Festival Scout migration applied.
    async fn migrated() -> Result<Fresh> {
        let fresh = Fresh::empty().await?;
        MIGRATIONS.apply(&fresh.pool).await?;
        Ok(fresh)
    }

    fn url(&self) -> &str {
        &self.db.as_ref().expect("database dropped").url
    }

    /// Another pool on the same database (a second runner).
    async fn second_pool(&self) -> Result<PgPool> {
        Ok(seedbed::database::connect(self.url()).await?)
    }

    /// Drops the database, reporting failure (the `Drop` fallback ignores errors).
    async fn finish(mut self) -> Result<()> {
        self.pool.close().await;
        if let Some(db) = self.db.take() {
            db.drop().await?;
        }
        Ok(())
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if let Some(db) = self.db.take() {
            // Inside the test's runtime, which cannot be blocked on: use a thread of our own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(db.drop()).map_err(anyhow::Error::from)
            })
            .join();
        }
    }
}

/// A fixed "now", so that reruns on either side of midnight build the same rows.
fn clock() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2030-06-01T00:00:00Z")
        .unwrap()
        .to_utc()
}

/// Options for `environment` with the fixed clock and the given scales.
fn options(environment: &str, scale: &[(&str, u64)]) -> RunOptions {
    let mut options = RunOptions::new(environment).unwrap();
    options.context.clock = clock();
    options.context.scale = scale.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
    options
}

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// Applies the named units (after their dependencies) with `options`.
async fn apply(pool: &PgPool, units: &[&str], options: &RunOptions) -> Result<Vec<UnitReport>> {
    let registry = Registry::discover()?;
    let selected = registry.select(Some(&names(units)), &options.environment)?;
    Ok(run::apply(pool, &selected, options).await?)
}

/// Cleans up the named units (and their dependents).
async fn cleanup(
    pool: &PgPool,
    units: &[&str],
    cascade: bool,
    options: &RunOptions,
) -> Result<run::CleanupReport, Error> {
    let registry = Registry::discover()?;
    run::cleanup(pool, &registry, Some(&names(units)), cascade, options).await
}

fn report<'a>(reports: &'a [UnitReport], unit: &str) -> &'a UnitReport {
    reports
        .iter()
        .find(|r| r.unit == unit)
        .unwrap_or_else(|| panic!("no report for unit `{unit}` in {reports:#?}"))
}

fn table<'a>(report: &'a UnitReport, table: &str) -> &'a TableReport {
    report
        .tables
        .iter()
        .find(|t| t.table == table)
        .unwrap_or_else(|| panic!("no table `{table}` in {report:#?}"))
}

/// `(inserted, updated, unchanged, deleted)` of one table of one unit.
fn counts(reports: &[UnitReport], unit: &str, t: &str) -> (u64, u64, u64, u64) {
    let t = table(report(reports, unit), t);
    (t.inserted, t.updated, t.unchanged, t.deleted)
}

async fn count(pool: &PgPool, table: &str) -> Result<i64> {
    let sql = format!("SELECT count(*) FROM {table}");
    sqlx::query_scalar(&sql)
        .fetch_one(pool)
        .await
        .with_context(|| sql.clone())
}

/// Row counts of every table of the public schema.
async fn all_counts(pool: &PgPool) -> Result<HashMap<String, i64>> {
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
async fn snapshot(pool: &PgPool, table: &str) -> Result<Vec<(String, String)>> {
    let sql = format!("SELECT xmin::text, t::text FROM {table} AS t ORDER BY t::text");
    Ok(sqlx::query_as(&sql).fetch_all(pool).await?)
}

/// The ledger: unit, checksum, generation, applied_at.
async fn ledger(pool: &PgPool) -> Result<Vec<(String, String, i64, DateTime<Utc>)>> {
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

async fn ledger_units(pool: &PgPool) -> Result<Vec<String>> {
    Ok(ledger(pool).await?.into_iter().map(|e| e.0).collect())
}

async fn generation(pool: &PgPool, unit: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT generation FROM seedbed.ledger WHERE unit = $1")
            .bind(unit)
            .fetch_one(pool)
            .await?,
    )
}

async fn ledger_rows(pool: &PgPool, unit: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM seedbed.ledger_rows WHERE unit = $1")
            .bind(unit)
            .fetch_one(pool)
            .await?,
    )
}

async fn stamp(pool: &PgPool) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT environment FROM seedbed.stamp")
        .fetch_optional(pool)
        .await?)
}

/// Runs `seed-runner` with `DATABASE_URL` set to `url` (unset for `None`), `SEEDBED_ENV` and
/// `APP_ENV` removed, in a directory without a `.env`.
fn seed_runner(url: Option<&str>, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seed-runner"));
    command
        .args(args)
        .current_dir(std::env::temp_dir())
        .env_remove("SEEDBED_ENV")
        .env_remove("APP_ENV")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    match url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    command
}

/// What a finished `seed-runner` said.
struct Run {
    status: std::process::ExitStatus,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

impl Run {
    /// Asserts success; returns stdout.
    fn ok(&self) -> Result<&str> {
        ensure!(self.status.success(), "seed-runner failed:\n{self}");
        ensure!(
            !self.stderr.contains("panicked"),
            "seed-runner panicked:\n{self}"
        );
        Ok(&self.stdout)
    }

    /// Asserts a failure with one `error:` paragraph on stderr and no panic; returns that paragraph.
    fn error(&self) -> Result<&str> {
        ensure!(!self.status.success(), "seed-runner succeeded:\n{self}");
        ensure!(
            self.status.code().is_some(),
            "seed-runner was killed by a signal:\n{self}"
        );
        ensure!(
            !self.stderr.contains("panicked"),
            "seed-runner panicked:\n{self}"
        );
        let errors: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .collect();
        ensure!(
            errors.len() == 1,
            "expected one `error:` line on stderr:\n{self}"
        );
        ensure!(
            self.stdout.is_empty(),
            "expected nothing on stdout on error:\n{self}"
        );
        Ok(errors[0])
    }
}

fn run(url: Option<&str>, args: &[&str]) -> Result<Run> {
    let output = seed_runner(url, args)
        .output()
        .context("running seed-runner")?;
    Ok(output.into())
}

type Json = serde_json::Value;

fn json(text: &str) -> Result<Json> {
    serde_json::from_str(text).with_context(|| format!("not JSON: {text}"))
}

/// The rows a unit builds today, per table (what `seed-runner` applies for it).
fn unit_rows(unit: &str) -> Result<HashMap<&'static str, i64>> {
    let registry = Registry::discover()?;
    let (tables, _) = run::build(registry.get(unit)?, &seedbed::Context::default())?;
    Ok(tables
        .iter()
        .map(|t| (t.meta.name, t.rows.len() as i64))
        .collect())
}

/// The units a run of `names` (all when empty) in `environment` applies, sorted by name.
fn selected(names: &[&str], environment: &str) -> Result<Vec<String>> {
    let registry = Registry::discover()?;
    let only = self::names(names);
    let only = (!names.is_empty()).then_some(only.as_slice());
    let mut units: Vec<String> = registry
        .select(only, environment)?
        .iter()
        .map(|u| u.name.to_owned())
        .collect();
    units.sort();
    Ok(units)
}

/// The rows of `table` that `unit` builds.
fn rows_of(unit: &str, table: &str) -> Result<i64> {
    unit_rows(unit)?
        .get(table)
        .copied()
        .with_context(|| format!("unit `{unit}` writes no `{table}`"))
}

/// A labelled row of a unit: its label and the text of one of its columns.
fn labelled(unit: &str, table: &str, column: &str) -> Result<(&'static str, String)> {
    let registry = Registry::discover()?;
    let (tables, _) = run::build(registry.get(unit)?, &seedbed::Context::default())?;
    let t = tables
        .iter()
        .find(|t| t.meta.name == table)
        .context("no such table")?;
    t.rows
        .iter()
        .find_map(|row| {
            let label = row.label?;
            let at = row
                .columns
                .iter()
                .position(|c| t.meta.columns[*c as usize].name == column)?;
            Some((label, row.values[at].to_pg_text()?))
        })
        .with_context(|| format!("no labelled row of `{table}` in `{unit}` sets `{column}`"))
}

/// The events the `t_events` unit inserted, by slug.
async fn runner_events(pool: &PgPool) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT slug::text, title FROM events WHERE slug LIKE 'runner-event-%' ORDER BY slug",
    )
    .fetch_all(pool)
    .await?)
}

/// A user, an organizer, a venue and an event of other data, made by hand; returns the user's id.
async fn insert_unrelated(pool: &PgPool) -> Result<String> {
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

// ---------------------------------------------------------------------------------------------
// Library: apply, change, cleanup, concurrency
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn applying_twice_changes_nothing_the_second_time() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[]);

    let first = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&first, "t_venues").outcome, Outcome::Applied);
    assert_eq!(report(&first, "t_events").outcome, Outcome::Applied);
    assert_eq!(counts(&first, "t_venues", "venues"), (2, 0, 0, 0));
    assert_eq!(counts(&first, "t_events", "events"), (2, 0, 0, 0));

    let before = (
        snapshot(pool, "venues").await?,
        snapshot(pool, "events").await?,
        snapshot(pool, "organizers").await?,
        ledger(pool).await?,
        snapshot(pool, "seedbed.ledger_rows").await?,
    );
    let second = apply(pool, &["t_events"], &opts).await?;
    assert!(
        second.iter().all(|r| r.outcome == Outcome::Unchanged),
        "{second:#?}"
    );
    assert_eq!(counts(&second, "t_venues", "venues"), (0, 0, 2, 0));
    let after = (
        snapshot(pool, "venues").await?,
        snapshot(pool, "events").await?,
        snapshot(pool, "organizers").await?,
        ledger(pool).await?,
        snapshot(pool, "seedbed.ledger_rows").await?,
    );
    assert_eq!(before, after, "the second run wrote something");
    fresh.finish().await
}

/// Applies the `t_edited` unit with the given scales.
async fn apply_edited(pool: &PgPool, scale: &[(&str, u64)]) -> Result<Vec<UnitReport>> {
    apply(pool, &["t_edited"], &options("development", scale)).await
}

/// The distinct transactions that wrote the rows `rows` selects (a query returning `xmin`) and
/// the ledger entry of `unit`.
async fn writers(pool: &PgPool, rows: &str, unit: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT xmin::text FROM ({rows}) AS r
         UNION SELECT xmin::text FROM seedbed.ledger WHERE unit = $1"
    ))
    .bind(unit)
    .fetch_all(pool)
    .await?)
}

#[tokio::test]
async fn applying_generated_tables_twice_changes_nothing_the_second_time() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[("n", 3)]);
    let first = apply(pool, &["t_generated"], &opts).await?;
    assert_eq!(counts(&first, "t_generated", "venues"), (3, 0, 0, 0));
    assert_eq!(counts(&first, "t_generated", "organizers"), (3, 0, 0, 0));
    let before = (snapshot(pool, "venues").await?, ledger(pool).await?);
    let second = apply(pool, &["t_generated"], &opts).await?;
    assert_eq!(second[0].outcome, Outcome::Unchanged, "{second:#?}");
    assert_eq!(
        (snapshot(pool, "venues").await?, ledger(pool).await?),
        before
    );
    let registry = Registry::discover()?;
    let status = run::status(pool, &registry, &opts).await?;
    let status = status.iter().find(|s| s.unit == "t_generated").unwrap();
    assert_eq!(status.state, UnitState::Applied);
    fresh.finish().await
}

#[tokio::test]
async fn changes_to_a_unit_propagate_in_one_transaction() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let venues = |slugs: &[&str]| -> Vec<String> {
        slugs.iter().map(|s| format!("runner-edit-{s}")).collect()
    };
    let edited = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT slug::text FROM venues WHERE slug LIKE 'runner-edit-%' ORDER BY slug",
        )
        .fetch_all(pool)
        .await
    };

    let r = apply_edited(pool, &[("n", 3)]).await?;
    assert_eq!(r[0].outcome, Outcome::Applied);
    assert_eq!(counts(&r, "t_edited", "venues"), (3, 0, 0, 0));
    assert_eq!(generation(pool, "t_edited").await?, 1);

    // Rows added: upserted, the others untouched.
    let untouched = snapshot(pool, "venues").await?;
    let r = apply_edited(pool, &[("n", 5)]).await?;
    assert_eq!(r[0].outcome, Outcome::Updated);
    assert_eq!(counts(&r, "t_edited", "venues"), (2, 0, 3, 0));
    assert_eq!(generation(pool, "t_edited").await?, 2);
    assert_eq!(edited().await?, venues(&["0", "1", "2", "3", "4"]));
    let now = snapshot(pool, "venues").await?;
    assert!(
        untouched.iter().all(|row| now.contains(row)),
        "kept rows were rewritten"
    );
    let new = "SELECT xmin FROM venues WHERE slug IN ('runner-edit-3', 'runner-edit-4')";
    assert_eq!(writers(pool, new, "t_edited").await?.len(), 1);

    // Rows removed.
    let r = apply_edited(pool, &[("n", 2)]).await?;
    assert_eq!(r[0].outcome, Outcome::Updated);
    assert_eq!(counts(&r, "t_edited", "venues"), (0, 0, 2, 3));
    assert_eq!(generation(pool, "t_edited").await?, 3);
    assert_eq!(edited().await?, venues(&["0", "1"]));
    assert_eq!(ledger_rows(pool, "t_edited").await?, 2);

    // Values changed.
    let r = apply_edited(pool, &[("n", 2), ("v", 2)]).await?;
    assert_eq!(r[0].outcome, Outcome::Updated);
    assert_eq!(counts(&r, "t_edited", "venues"), (0, 2, 0, 0));
    assert_eq!(generation(pool, "t_edited").await?, 4);
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM venues ORDER BY name")
        .fetch_all(pool)
        .await?;
    assert_eq!(names, ["Edited 0, version 2", "Edited 1, version 2"]);
    let all = "SELECT xmin FROM venues";
    assert_eq!(writers(pool, all, "t_edited").await?.len(), 1);

    // The same definition again: nothing.
    let r = apply_edited(pool, &[("n", 2), ("v", 2)]).await?;
    assert_eq!(r[0].outcome, Outcome::Unchanged);
    assert_eq!(generation(pool, "t_edited").await?, 4);
    fresh.finish().await
}

#[tokio::test]
async fn changes_to_a_generated_unit_replace_its_rows_in_one_transaction() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let events = "SELECT xmin FROM events WHERE slug LIKE 'runner-event-%'";

    let r = apply(pool, &["t_events"], &options("development", &[("n", 3)])).await?;
    assert_eq!(report(&r, "t_events").outcome, Outcome::Applied);
    assert_eq!(counts(&r, "t_events", "events"), (3, 0, 0, 0));
    assert_eq!(generation(pool, "t_events").await?, 1);
    assert_eq!(runner_events(pool).await?.len(), 3);

    // Generated rows are streamed with COPY: a changed unit's rows are deleted and inserted
    // again (same keys), in one transaction with its ledger entry.
    let r = apply(pool, &["t_events"], &options("development", &[("n", 5)])).await?;
    assert_eq!(report(&r, "t_venues").outcome, Outcome::Unchanged);
    assert_eq!(report(&r, "t_events").outcome, Outcome::Updated);
    assert_eq!(counts(&r, "t_events", "events"), (5, 0, 0, 3));
    assert_eq!(generation(pool, "t_events").await?, 2);
    assert_eq!(runner_events(pool).await?.len(), 5);
    assert_eq!(writers(pool, events, "t_events").await?.len(), 1);

    let r = apply(pool, &["t_events"], &options("development", &[("n", 2)])).await?;
    assert_eq!(counts(&r, "t_events", "events"), (2, 0, 0, 5));
    assert_eq!(generation(pool, "t_events").await?, 3);
    let slugs: Vec<String> = runner_events(pool)
        .await?
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(slugs, ["runner-event-0", "runner-event-1"]);

    let opts = options("development", &[("n", 2), ("v", 2)]);
    let r = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(counts(&r, "t_events", "events"), (2, 0, 0, 2));
    assert_eq!(generation(pool, "t_events").await?, 4);
    for (slug, title) in runner_events(pool).await? {
        assert!(title.ends_with("version 2"), "{slug}: {title}");
    }
    assert_eq!(writers(pool, events, "t_events").await?.len(), 1);

    let r = apply(pool, &["t_events"], &opts).await?;
    assert!(r.iter().all(|r| r.outcome == Outcome::Unchanged), "{r:#?}");
    assert_eq!(generation(pool, "t_events").await?, 4);
    assert_eq!(count(pool, "events").await?, 2);
    fresh.finish().await
}

#[tokio::test]
async fn a_change_that_would_delete_rows_other_data_points_at_is_refused() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    insert_unrelated(pool).await?;
    apply_edited(pool, &[("n", 3)]).await?;
    apply(pool, &["t_events"], &options("development", &[("n", 3)])).await?;
    // Other data pointing at `edit_2` (which the next definition drops) and at a generated event.
    sqlx::query(
        "INSERT INTO events (organizer_id, venue_id, slug, title, starts_at, ends_at, timezone)
         VALUES ('00000000-0000-4000-8000-000000000002', $1, 'hand-at-edit-2', 'Hand event',
                 '2030-01-01', '2030-01-02', 'UTC')",
    )
    .bind(t_edited::venues::edit_2.key())
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO event_saves (user_id, event_id)
         SELECT '00000000-0000-4000-8000-000000000001', id FROM events WHERE slug = 'runner-event-0'",
    )
    .execute(pool)
    .await?;
    let before = (all_counts(pool).await?, ledger(pool).await?);

    let err = apply_edited(pool, &[("n", 2)])
        .await
        .expect_err("the change would delete a venue an event is at");
    match err.downcast_ref::<Error>() {
        Some(Error::Apply(ApplyError::ChangeBlocked { unit, blockers })) => {
            assert_eq!(unit, "t_edited");
            assert_eq!(blockers.len(), 1, "{blockers:?}");
            assert_eq!(
                (blockers[0].table.as_str(), blockers[0].rows),
                ("events", 1)
            );
        }
        _ => bail!("expected ChangeBlocked, got {err:?}"),
    }
    // A generated unit's rows are replaced, so a save of one of them blocks any change.
    let err = apply(pool, &["t_events"], &options("development", &[("n", 4)]))
        .await
        .expect_err("the change would delete a saved event");
    let message = err.to_string();
    assert!(
        message.contains("1 row(s) of `event_saves` reference `events`")
            && message.contains("--cleanup --only t_events --cascade"),
        "{message}"
    );
    assert_eq!((all_counts(pool).await?, ledger(pool).await?), before);
    fresh.finish().await
}

#[tokio::test]
async fn cleanup_removes_exactly_what_was_seeded() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[("n", 4)]);

    let empty = all_counts(pool).await?;
    insert_unrelated(pool).await?;
    let before = all_counts(pool).await?;
    let unrelated = (
        snapshot(pool, "users").await?,
        snapshot(pool, "organizers").await?,
        snapshot(pool, "venues").await?,
        snapshot(pool, "events").await?,
    );

    apply(pool, &["t_events", "t_styles"], &opts).await?;
    assert_eq!(count(pool, "events").await?, before["events"] + 4);
    assert_eq!(count(pool, "venues").await?, before["venues"] + 2);

    // Cleaning up t_venues takes t_events, which depends on it, along.
    let removed = cleanup(pool, &["t_venues"], false, &opts).await?;
    assert!(removed.cascaded.is_empty());
    let removed_rows: u64 = removed.removed.iter().map(|r| r.rows).sum();
    assert_eq!(removed_rows, 4 + 2 + 1, "{removed:#?}");
    assert_eq!(ledger_units(pool).await?, ["t_styles"]);
    assert_eq!(count(pool, "dance_styles").await?, 1);

    let registry = Registry::discover()?;
    run::cleanup(pool, &registry, None, false, &opts).await?;
    assert_eq!(all_counts(pool).await?, before);
    assert_ne!(before, empty);
    let after = (
        snapshot(pool, "users").await?,
        snapshot(pool, "organizers").await?,
        snapshot(pool, "venues").await?,
        snapshot(pool, "events").await?,
    );
    assert_eq!(unrelated, after, "rows seedbed did not write were touched");
    assert!(ledger(pool).await?.is_empty());
    assert_eq!(count(pool, "seedbed.ledger_rows").await?, 0);
    fresh.finish().await
}

#[tokio::test]
async fn cleanup_blocked_by_other_rows_removes_nothing_unless_cascading() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[("n", 3)]);
    insert_unrelated(pool).await?;
    apply(pool, &["t_events"], &opts).await?;

    // Other data pointing at seeded rows: a save of a seeded event, a review of one, and an
    // event of another organizer at a seeded venue.
    sqlx::raw_sql(
        "INSERT INTO event_saves (user_id, event_id)
             SELECT '00000000-0000-4000-8000-000000000001', id FROM events WHERE slug = 'runner-event-0';
         INSERT INTO reviews (user_id, event_id, rating)
             SELECT '00000000-0000-4000-8000-000000000001', id, 5 FROM events WHERE slug = 'runner-event-1';
         INSERT INTO events (organizer_id, venue_id, slug, title, starts_at, ends_at, timezone)
             SELECT '00000000-0000-4000-8000-000000000002', id, 'hand-event-2', 'Hand event 2',
                    '2030-01-01', '2030-01-02', 'UTC'
             FROM venues WHERE slug = 'runner-hall-a';",
    )
    .execute(pool)
    .await?;
    let before = all_counts(pool).await?;
    let ledger_before = ledger(pool).await?;

    let err = cleanup(pool, &["t_venues"], false, &opts)
        .await
        .expect_err("cleanup should be blocked");
    let Error::Cleanup(CleanupError::Blocked { blockers }) = &err else {
        bail!("expected CleanupBlocked, got {err:?}");
    };
    let mut found: Vec<(&str, &str, i64)> = blockers
        .iter()
        .map(|b| (b.table.as_str(), b.references.as_str(), b.rows))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("event_saves", "events", 1),
            ("events", "venues", 1),
            ("reviews", "events", 1)
        ],
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("1 row(s) of `event_saves`") && message.contains("--cascade"),
        "{message}"
    );
    assert_eq!(
        all_counts(pool).await?,
        before,
        "a blocked cleanup removed rows"
    );
    assert_eq!(ledger(pool).await?, ledger_before);

    let removed = cleanup(pool, &["t_venues"], true, &opts).await?;
    let mut cascaded: Vec<(&str, i64)> = removed
        .cascaded
        .iter()
        .map(|b| (b.table.as_str(), b.rows))
        .collect();
    cascaded.sort();
    assert_eq!(
        cascaded,
        [("event_saves", 1), ("events", 1), ("reviews", 1)]
    );
    let after = all_counts(pool).await?;
    assert_eq!(after["event_saves"], 0);
    assert_eq!(after["reviews"], 0);
    // Left: the hand-made event, user, organizer and venue.
    assert_eq!(after["events"], 1);
    assert_eq!(after["venues"], 1);
    assert_eq!(after["organizers"], 1);
    assert_eq!(after["users"], 1);
    assert!(ledger(pool).await?.is_empty());
    fresh.finish().await
}

#[tokio::test]
async fn two_runners_at_once_apply_each_unit_once() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let other = fresh.second_pool().await?;
    let opts = options("development", &[("n", 50)]);

    let (a, b) = tokio::join!(
        apply(&fresh.pool, &["t_events", "t_styles"], &opts),
        apply(&other, &["t_events", "t_styles"], &opts)
    );
    let (a, b) = (a?, b?);
    for unit in ["t_venues", "t_events", "t_styles"] {
        let outcomes = [report(&a, unit).outcome, report(&b, unit).outcome];
        assert!(
            outcomes.contains(&Outcome::Applied) && outcomes.contains(&Outcome::Unchanged),
            "{unit}: {outcomes:?}"
        );
    }
    assert_eq!(
        ledger_units(&fresh.pool).await?,
        ["t_events", "t_styles", "t_venues"]
    );
    assert_eq!(count(&fresh.pool, "events").await?, 50);
    assert_eq!(count(&fresh.pool, "venues").await?, 2);
    assert_eq!(count(&fresh.pool, "dance_styles").await?, 1);
    other.close().await;
    fresh.finish().await
}

#[tokio::test]
async fn two_seed_runner_processes_at_once_apply_each_unit_once() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let children: Vec<_> = (0..2)
        .map(|_| {
            seed_runner(Some(fresh.url()), &["--only", "venues,dance_styles"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    let runs: Vec<Run> = children
        .into_iter()
        .map(|c| c.wait_with_output().map(Run::from))
        .collect::<Result<_, _>>()?;
    for r in &runs {
        r.ok()?;
    }
    assert!(
        runs.iter().any(|r| r
            .stdout
            .contains("nothing to do: 2 unit(s) already applied")),
        "neither run was a no-op:\n{}\n{}",
        runs[0],
        runs[1]
    );
    assert_eq!(
        ledger_units(&fresh.pool).await?,
        selected(&["venues", "dance_styles"], "development")?
    );
    assert_eq!(
        count(&fresh.pool, "venues").await?,
        rows_of("venues", "venues")?
    );
    assert_eq!(
        count(&fresh.pool, "dance_styles").await?,
        rows_of("dance_styles", "dance_styles")?
    );
    fresh.finish().await
}

/// Waits until a backend of `database` other than ours waits on a lock.
async fn wait_for_lock_wait(pool: &PgPool, database: &str) -> Result<()> {
    let started = Instant::now();
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        )
        .bind(database)
        .fetch_one(pool)
        .await?;
        if waiting > 0 {
            return Ok(());
        }
        ensure!(
            started.elapsed() < Duration::from_secs(60),
            "seed-runner never waited on the lock"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_runner_killed_mid_unit_leaves_nothing_of_it() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let database = fresh.db.as_ref().unwrap().name().to_owned();
    // Runs first, so that the ledger exists.
    run(Some(fresh.url()), &["--only", "dance_styles"])?.ok()?;

    // Hold writes to the ledger (reads still pass): the `venues` unit writes its rows and their
    // ledger rows, then waits to record itself.
    let mut blocker = pool.begin().await?;
    sqlx::query("LOCK TABLE seedbed.ledger IN EXCLUSIVE MODE")
        .execute(&mut *blocker)
        .await?;
    let mut child = seed_runner(Some(fresh.url()), &["--only", "venues"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let waited = wait_for_lock_wait(pool, &database).await;
    // The unit's rows are written, not committed.
    let in_flight: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
         WHERE c.relname = 'venues' AND l.mode = 'RowExclusiveLock' AND l.granted",
    )
    .fetch_one(pool)
    .await?;
    child.kill()?; // SIGKILL
    let status = child.wait()?;
    blocker.rollback().await?;
    waited?;
    assert!(!status.success());
    assert_eq!(in_flight, 1, "the unit had not started writing venues");

    assert_eq!(count(pool, "venues").await?, 0);
    assert_eq!(
        ledger_units(pool).await?,
        selected(&["dance_styles"], "development")?
    );
    assert_eq!(ledger_rows(pool, "venues").await?, 0);

    // The next run does it all (once the killed runner's session is gone and its lock with it).
    let out = run(Some(fresh.url()), &["--only", "venues"])?;
    out.ok()?;
    assert_eq!(count(pool, "venues").await?, rows_of("venues", "venues")?);
    assert_eq!(
        ledger_units(pool).await?,
        selected(&["dance_styles", "venues"], "development")?
    );
    fresh.finish().await
}

// ---------------------------------------------------------------------------------------------
// Guards
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_environment_stamp_guards_mixing_environments() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;

    apply(pool, &["t_venues"], &options("development", &[])).await?;
    assert_eq!(stamp(pool).await?.as_deref(), Some("development"));

    let before = ledger(pool).await?;
    let err = apply(pool, &["t_venues", "t_events"], &options("test", &[]))
        .await
        .expect_err("another environment should be refused");
    match err.downcast_ref::<Error>() {
        Some(Error::Guard(GuardError::EnvironmentMismatch { stamped, requested })) => {
            assert_eq!(
                (stamped.as_str(), requested.as_str()),
                ("development", "test")
            );
        }
        _ => bail!("expected EnvironmentMismatch, got {err:?}"),
    }
    assert_eq!(ledger(pool).await?, before);
    assert_eq!(count(pool, "events").await?, 0);

    let mut opts = options("test", &[]);
    opts.allow_env_change = true;
    let r = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&r, "t_events").outcome, Outcome::Applied);
    assert_eq!(stamp(pool).await?.as_deref(), Some("test"));
    // Now stamped test: test runs go through without the flag.
    apply(pool, &["t_events"], &options("test", &[])).await?;
    fresh.finish().await
}

#[tokio::test]
async fn production_takes_only_production_units() -> Result<()> {
    let registry = Registry::discover()?;
    let err = registry
        .select(Some(&names(&["t_events"])), "production")
        .expect_err("t_events does not run in production");
    assert!(
        matches!(&err, Error::Select(SelectError::UnitNotAllowed { unit, .. }) if unit == "t_events"),
        "{err:?}"
    );
    let everything = registry.select(None, "production")?;
    assert!(everything.iter().all(|u| u.allows("production")));
    let names: Vec<&str> = everything.iter().map(|u| u.name).collect();
    assert!(
        names.contains(&"t_styles") && names.contains(&"dance_styles"),
        "{names:?}"
    );
    assert!(!names.contains(&"t_venues") && !names.contains(&"venues"));
    Ok(())
}

#[tokio::test]
async fn cleanup_refuses_a_production_database_unless_overridden() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let prod = options("production", &[]);
    apply(pool, &["t_styles"], &prod).await?;
    assert_eq!(stamp(pool).await?.as_deref(), Some("production"));

    for opts in [prod.clone(), options("development", &[])] {
        let err = cleanup(pool, &["t_styles"], false, &opts)
            .await
            .expect_err("cleanup of production should be refused");
        assert!(
            matches!(err, Error::Guard(GuardError::ProductionRefused { .. })),
            "{err:?}"
        );
        assert_eq!(count(pool, "dance_styles").await?, 1);
    }

    let mut overridden = prod.clone();
    overridden.production_override = true;
    cleanup(pool, &["t_styles"], false, &overridden).await?;
    assert_eq!(count(pool, "dance_styles").await?, 0);
    fresh.finish().await
}

#[tokio::test]
async fn cli_refuses_destructive_commands_on_production() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let url = Some(fresh.url());
    run(url, &["--env", "production", "--only", "venues"])?
        .error()
        .map(|e| assert!(e.contains("does not run in production"), "{e}"))?;
    run(url, &["--env", "production"])?.ok()?;
    assert_eq!(stamp(&fresh.pool).await?.as_deref(), Some("production"));
    assert_eq!(
        ledger_units(&fresh.pool).await?,
        // Every Festival Scout unit allowed in production (this file's units are not in the binary).
        selected(&[], "production")?
            .into_iter()
            .filter(|u| !u.starts_with("t_"))
            .collect::<Vec<_>>()
    );

    let e = run(url, &["--cleanup"])?;
    assert!(e.error()?.contains("stamped production"), "{e}");
    let e = run(url, &["migrate", "revert"])?;
    assert!(e.error()?.contains("refusing to revert migrations"), "{e}");
    assert!(MIGRATIONS.pending(&fresh.pool).await?.is_empty());
    assert_eq!(
        count(&fresh.pool, "dance_styles").await?,
        rows_of("dance_styles", "dance_styles")?
    );

    // Overridden, in production's own environment (any other is refused, see the guard tests).
    run(
        url,
        &[
            "migrate",
            "revert",
            "--env",
            "production",
            "--i-know-this-is-production",
        ],
    )?
    .ok()?;
    assert_eq!(MIGRATIONS.pending(&fresh.pool).await?.len(), 1);
    fresh.finish().await
}

#[tokio::test]
async fn cli_reset_is_for_development_only() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let url = Some(fresh.url());
    run(url, &["--only", "venues", "--env", "test"])?.ok()?;
    for env in ["test", "staging", "production"] {
        let r = run(url, &["--reset", "--env", env])?;
        assert!(
            r.error()?.contains("only allowed with --env development"),
            "{r}"
        );
    }
    assert_eq!(
        count(&fresh.pool, "venues").await?,
        rows_of("venues", "venues")?
    );
    // A test database is not reset from development either.
    let r = run(url, &["--reset"])?;
    assert!(r.error()?.contains("--reset"), "{r}");
    assert_eq!(
        count(&fresh.pool, "venues").await?,
        rows_of("venues", "venues")?
    );
    fresh.finish().await
}

#[tokio::test]
async fn seed_code_that_panics_is_an_error_naming_the_unit() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let boom = options("development", &[("boom", 1)]);
    for (unit, message) in [
        ("t_panics", "no name for the doomed venue"),
        ("t_panics_streamed", "row 2 cannot be built"),
    ] {
        let err = apply(pool, &[unit], &boom).await.unwrap_err();
        match err.downcast_ref::<Error>() {
            Some(Error::Apply(ApplyError::SeedPanicked {
                unit: u,
                message: m,
                ..
            })) => {
                assert_eq!((u.as_str(), m.as_str()), (unit, message));
            }
            _ => panic!("{unit}: {err:#}"),
        }
        assert!(
            err.to_string().contains("nothing of it was written"),
            "{err}"
        );
    }
    // Nothing of either unit is there. `t_panics` panics while the run is planned, before
    // anything is written; `t_panics_streamed` while its rows stream, after the dependency
    // they share was committed.
    let doomed: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM venues WHERE slug = 'runner-doomed')
              + (SELECT count(*) FROM events WHERE slug::text LIKE 'runner-doomed-%')",
    )
    .fetch_one(pool)
    .await?;
    assert_eq!(doomed, 0);
    assert_eq!(ledger_units(pool).await?, ["t_venues"]);
    // A failed run still says what it committed before the failure.
    let registry = Registry::discover()?;
    let units = registry.select(Some(&names(&["t_panics_streamed"])), "development")?;
    let outcome = run::apply_reporting(pool, &units, &boom).await;
    assert!(
        matches!(
            outcome.error,
            Some(Error::Apply(ApplyError::SeedPanicked { .. }))
        ),
        "{:?}",
        outcome.error
    );
    let committed: Vec<(&str, Outcome)> = outcome
        .reports
        .iter()
        .map(|r| (r.unit.as_str(), r.outcome))
        .collect();
    assert_eq!(committed, [("t_venues", Outcome::Unchanged)]);
    // The connection and the lock were left usable: the same units apply once the code is fixed.
    let fixed = options("development", &[]);
    apply(pool, &["t_panics", "t_panics_streamed"], &fixed).await?;
    assert_eq!(
        ledger_units(pool).await?,
        ["t_panics", "t_panics_streamed", "t_venues"]
    );
    fresh.finish().await
}

#[tokio::test]
async fn reset_waits_for_a_run_in_progress() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let database = fresh.db.as_ref().unwrap().name().to_owned();
    run(Some(fresh.url()), &["--only", "venues"])?.ok()?;
    let venues = count(pool, "venues").await?;
    // A run in progress holds the seed-run lock: the reset must not drop the schema under it.
    let locked = run::LockedConnection::acquire(pool).await?;
    let child = seed_runner(Some(fresh.url()), &["--reset", "--only", "venues"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let waited = wait_for_lock_wait(pool, &database).await;
    let during = count(pool, "venues").await;
    locked.release().await;
    let output = child.wait_with_output()?;
    waited?;
    assert_eq!(during?, venues);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(count(pool, "venues").await?, venues);
    fresh.finish().await
}

#[tokio::test]
async fn seeding_refuses_pending_migrations() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let first = MIGRATIONS.iter().map(|m| m.version).min().unwrap();
    MIGRATIONS.revert(pool, Some(first)).await?;
    let pending = MIGRATIONS.pending(pool).await?;
    assert_eq!(pending.len(), MIGRATIONS.len() - 1);

    let err = run::check_migrations(pool, &MIGRATIONS, false)
        .await
        .expect_err("pending migrations should be refused");
    assert!(
        matches!(&err, Error::Guard(GuardError::MigrationsBehind { pending: p }) if *p == pending),
        "{err:?}"
    );

    let r = run(Some(fresh.url()), &["--only", "venues"])?;
    let e = r.error()?;
    assert!(
        e.contains("seed-runner migrate") && e.contains("--migrate"),
        "{r}"
    );
    assert_eq!(count(pool, "venues").await?, 0);
    assert!(ledger(pool).await?.is_empty());

    run(Some(fresh.url()), &["--only", "venues", "--migrate"])?.ok()?;
    assert!(MIGRATIONS.pending(pool).await?.is_empty());
    assert_eq!(count(pool, "venues").await?, rows_of("venues", "venues")?);
    fresh.finish().await
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn cli_unknown_unit_suggests_the_nearest() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let r = run(Some(fresh.url()), &["--only", "venuse"])?;
    let e = r.error()?;
    assert!(e.contains("unknown unit `venuse`"), "{r}");
    assert!(e.contains("did you mean `venues`"), "{r}");
    assert!(ledger(&fresh.pool).await?.is_empty());
    assert_eq!(count(&fresh.pool, "venues").await?, 0);
    fresh.finish().await
}

#[test]
fn cli_bad_database_url() -> Result<()> {
    let r = run(None, &["--database-url", "not-a-url", "--only", "venues"])?;
    assert!(
        r.error()?.contains("invalid database URL `not-a-url`"),
        "{r}"
    );
    let r = run(Some("mysql://u:secret@h/d"), &["--status"])?;
    let e = r.error()?;
    assert!(e.contains("postgres://") && !e.contains("secret"), "{r}");
    Ok(())
}

#[test]
fn cli_unreachable_server_fails_fast() -> Result<()> {
    let started = Instant::now();
    let r = run(
        Some("postgres://postgres:pw@127.0.0.1:1/x"),
        &["--only", "venues"],
    )?;
    let e = r.error()?;
    assert!(
        e.contains("cannot connect to PostgreSQL at 127.0.0.1:1"),
        "{r}"
    );
    assert!(!e.contains(":pw@"), "password shown: {r}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    Ok(())
}

#[tokio::test]
async fn cli_missing_privilege_is_a_clear_error() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let database = fresh.db.as_ref().unwrap().name().to_owned();
    let role = format!("{database}_ro");
    // The ledger exists (an administrator created it); the role may read everything and keep
    // the ledger, but not write to the tables.
    let mut conn = pool.acquire().await?;
    seedbed::ledger::ensure(&mut conn).await?;
    drop(conn);
    sqlx::raw_sql(&format!(
        "CREATE ROLE {role} LOGIN;
         GRANT CONNECT ON DATABASE {database} TO {role};
         GRANT USAGE ON SCHEMA public, seedbed TO {role};
         GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA seedbed TO {role};"
    ))
    .execute(pool)
    .await?;
    let url = fresh.url().replacen("postgres@", &format!("{role}@"), 1);
    let r = run(Some(&url), &["--only", "venues"]);
    let status = run(Some(&url), &["--status"]);
    let counted = (count(pool, "venues").await, ledger(pool).await);
    sqlx::raw_sql(&format!("DROP OWNED BY {role}"))
        .execute(pool)
        .await?;
    fresh.finish().await?;
    sqlx::raw_sql(&format!("DROP ROLE {role}"))
        .execute(&seedbed::database::connect(&TestDatabase::admin_url()).await?)
        .await?;

    let r = r?;
    let e = r.error()?;
    assert!(
        e.contains("permission denied for table venues") && e.contains("unit `venues`"),
        "{r}"
    );
    assert_eq!(counted.0?, 0);
    assert!(counted.1?.is_empty());
    // Reading is allowed.
    status?.ok()?;
    Ok(())
}

#[tokio::test]
async fn a_constraint_violation_names_unit_table_label_and_constraint() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[]);

    // A CHECK only the server knows.
    let err = apply(pool, &["t_backwards"], &opts)
        .await
        .expect_err("ends_at before starts_at should fail");
    let message = err.to_string();
    assert!(matches!(
        err.downcast_ref::<Error>(),
        Some(Error::Apply(ApplyError::Constraint { .. }))
    ));
    for part in [
        "unit `t_backwards`",
        "table `events`",
        "`backwards`",
        "events_ends_after_starts",
        "23514",
    ] {
        assert!(message.contains(part), "`{part}` missing: {message}");
    }
    // Its dependency was applied in its own transaction; nothing of t_backwards remains.
    assert_eq!(count(pool, "events").await?, 0);
    assert_eq!(ledger_units(pool).await?, ["t_venues"]);
    assert_eq!(ledger_rows(pool, "t_backwards").await?, 0);

    // A unique violation against a row made by hand, through the command line.
    let (label, slug) = labelled("venues", "venues", "slug")?;
    sqlx::query(
        "INSERT INTO venues (name, slug, city, country) VALUES ('Impostor', $1, 'Berlin', 'DE')",
    )
    .bind(&slug)
    .execute(pool)
    .await?;
    let r = run(Some(fresh.url()), &["--only", "venues"])?;
    let e = r.error()?;
    for part in [
        "unit `venues`",
        "table `venues`",
        &format!("`{label}`"),
        "venues_slug_key",
        "23505",
    ] {
        assert!(e.contains(part), "`{part}` missing: {r}");
    }
    assert_eq!(count(pool, "venues").await?, 3);
    assert_eq!(ledger_units(pool).await?, ["t_venues"]);
    fresh.finish().await
}

// ---------------------------------------------------------------------------------------------
// Read-only commands
// ---------------------------------------------------------------------------------------------

/// A URL no server answers: commands that need no database must not try it.
const NOWHERE: &str = "postgres://nobody@127.0.0.1:1/x";

#[test]
fn cli_list_needs_no_database() -> Result<()> {
    let r = run(None, &["--database-url", NOWHERE, "--list"])?;
    let out = r.ok()?;
    assert!(out.starts_with("NAME"), "{r}");
    assert!(out.lines().any(|l| l.starts_with("venues ")), "{r}");
    assert!(out.lines().any(|l| l.starts_with("dance_styles ")), "{r}");

    let r = run(None, &["--database-url", NOWHERE, "--list", "--json"])?;
    let units = json(r.ok()?)?;
    let units = units.as_array().context("a JSON array")?;
    let venues = units
        .iter()
        .find(|u| u["name"] == "venues")
        .context("venues listed")?;
    assert_eq!(venues["kind"], "set");
    let registry = Registry::discover()?;
    let static_rows = |unit: &str| registry.get(unit).map(|u| Json::from(u.static_rows));
    assert_eq!(venues["rows"], static_rows("venues")?);
    let styles = units
        .iter()
        .find(|u| u["name"] == "dance_styles")
        .context("dance_styles listed")?;
    assert_eq!(styles["rows"], static_rows("dance_styles")?);
    assert!(
        styles["environments"]
            .as_array()
            .unwrap()
            .contains(&Json::from("production"))
    );
    Ok(())
}

#[test]
fn cli_graph_needs_no_database() -> Result<()> {
    let r = run(None, &["--database-url", NOWHERE, "--graph", "mermaid"])?;
    let out = r.ok()?;
    assert!(out.starts_with("graph LR\n"), "{r}");
    assert!(out.contains("venues[\"venues (set)\"]"), "{r}");

    let r = run(None, &["--database-url", NOWHERE, "--graph", "dot"])?;
    let out = r.ok()?;
    assert!(out.starts_with("digraph units {\n"), "{r}");
    assert!(out.contains("\"venues\" [shape=box];"), "{r}");
    assert!(out.trim_end().ends_with('}'), "{r}");
    Ok(())
}

#[tokio::test]
async fn status_shows_pending_applied_and_changed() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let registry = Registry::discover()?;
    let state = |statuses: &[run::UnitStatus], unit: &str| {
        statuses
            .iter()
            .find(|s| s.unit == unit)
            .map(|s| s.state)
            .unwrap()
    };

    let opts = options("development", &[("n", 3)]);
    let s = run::status(pool, &registry, &opts).await?;
    assert_eq!(state(&s, "t_events"), UnitState::Pending);
    assert_eq!(state(&s, "t_venues"), UnitState::Pending);
    assert!(ledger(pool).await?.is_empty(), "status wrote the ledger");

    apply(pool, &["t_events"], &opts).await?;
    let s = run::status(pool, &registry, &opts).await?;
    assert_eq!(state(&s, "t_events"), UnitState::Applied);
    assert_eq!(state(&s, "t_venues"), UnitState::Applied);
    assert_eq!(state(&s, "t_styles"), UnitState::Pending);

    let s = run::status(pool, &registry, &options("development", &[("n", 4)])).await?;
    assert_eq!(state(&s, "t_events"), UnitState::Changed);
    assert_eq!(state(&s, "t_venues"), UnitState::Applied);

    let s = run::status(pool, &registry, &options("production", &[])).await?;
    assert_eq!(state(&s, "t_backwards"), UnitState::NotInEnvironment);
    assert_eq!(state(&s, "t_styles"), UnitState::Pending);

    // The command line.
    let url = Some(fresh.url());
    let statuses = json(run(url, &["--status", "--json"])?.ok()?)?;
    let of = |statuses: &Json, unit: &str| {
        statuses
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["unit"] == unit)
            .map(|s| s["state"].clone())
            .unwrap()
    };
    assert_eq!(of(&statuses, "venues"), "pending");
    run(url, &["--only", "venues"])?.ok()?;
    let statuses = json(run(url, &["--status", "--json"])?.ok()?)?;
    assert_eq!(of(&statuses, "venues"), "applied");
    sqlx::query("UPDATE seedbed.ledger SET checksum = 'old' WHERE unit = 'venues'")
        .execute(pool)
        .await?;
    let out = run(url, &["--status"])?;
    let line = out
        .ok()?
        .lines()
        .find(|l| l.starts_with("venues "))
        .context("venues in --status")?
        .to_owned();
    assert!(line.contains("changed since applied"), "{out}");
    fresh.finish().await
}

#[tokio::test]
async fn dry_run_writes_nothing_and_reports_the_inserts() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let url = Some(fresh.url());

    let r = run(url, &["--dry-run", "--only", "venues", "--json"])?;
    let reports = json(r.ok()?)?;
    let venues = reports["units"]
        .as_array()
        .and_then(|a| a.iter().find(|u| u["unit"] == "venues"))
        .with_context(|| format!("venues in {r}"))?;
    assert_eq!(venues["outcome"], "applied");
    let inserted: i64 = venues["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["inserted"].as_i64().unwrap())
        .sum();
    assert_eq!(inserted, rows_of("venues", "venues")?);
    assert_eq!(count(pool, "venues").await?, 0);
    let ledger_schema: bool = sqlx::query_scalar("SELECT to_regnamespace('seedbed') IS NOT NULL")
        .fetch_one(pool)
        .await?;
    assert!(!ledger_schema, "the dry run left the ledger behind");

    let r = run(url, &["--dry-run", "--only", "venues"])?;
    let expected = format!("{} inserted", rows_of("venues", "venues")?);
    assert!(r.ok()?.contains(&expected), "{r}");

    // On request, the SQL that would write each table.
    let r = run(
        url,
        &["--dry-run", "--sql", "--only", "venues,notifications"],
    )?;
    let out = r.ok()?;
    assert!(out.contains(r#"INSERT INTO "venues""#), "{r}");
    assert!(out.contains(r#"COPY "notifications""#), "{r}");
    assert_eq!(count(pool, "venues").await?, 0);

    // After a real run, a dry run of a changed ledger touches nothing either.
    run(url, &["--only", "dance_styles"])?.ok()?;
    let before = (ledger(pool).await?, snapshot(pool, "dance_styles").await?);
    let r = run(url, &["--dry-run"])?;
    let out = r.ok()?;
    assert!(out.contains("venues"), "{r}");
    assert_eq!(
        (ledger(pool).await?, snapshot(pool, "dance_styles").await?),
        before
    );
    assert_eq!(count(pool, "venues").await?, 0);
    fresh.finish().await
}

#[tokio::test]
async fn cleanup_keeps_other_rows_of_a_generated_join_table() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[("n", 3)]);
    apply(pool, &["t_tagged"], &opts).await?;
    assert_eq!(count(pool, "event_dance_styles").await?, 3);
    // A row of other data in the same join table, for a generated event and another style.
    sqlx::raw_sql(
        "INSERT INTO dance_styles (id, name, slug)
             VALUES ('00000000-0000-4000-8000-000000000009', 'Hand Style', 'hand-style');
         INSERT INTO event_dance_styles (event_id, dance_style_id)
             SELECT id, '00000000-0000-4000-8000-000000000009' FROM events
             WHERE slug = 'runner-tagged-0'",
    )
    .execute(pool)
    .await?;

    // Generated events are recorded as a key range; the join rows, keyed by two columns, one
    // by one.
    let ranges: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT table_name FROM seedbed.ledger_ranges")
            .fetch_all(pool)
            .await?;
    assert_eq!(ranges, ["events"]);
    let err = cleanup(pool, &["t_tagged"], false, &opts)
        .await
        .expect_err("a hand-made row points at a seeded event");
    assert!(
        matches!(err, Error::Cleanup(CleanupError::Blocked { .. })),
        "{err:?}"
    );
    assert_eq!(count(pool, "event_dance_styles").await?, 4);
    fresh.finish().await
}

// ---------------------------------------------------------------------------------------------
// Issue 11: guards with no side door, the database as the source says, signals
// ---------------------------------------------------------------------------------------------

/// The md5 of every row of every table (the ledger's included), by table.
async fn md5_all(pool: &PgPool) -> Result<Vec<(String, Option<String>)>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
         WHERE schemaname IN ('public', 'seedbed') ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    let mut sums = Vec::new();
    for table in tables {
        let sql = format!("SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t");
        sums.push((table, sqlx::query_scalar(&sql).fetch_one(pool).await?));
    }
    Ok(sums)
}

#[tokio::test]
async fn leaving_production_needs_the_production_override() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let url = Some(fresh.url());
    run(url, &["--env", "production"])?.ok()?;
    let before = md5_all(&fresh.pool).await?;

    let r = run(url, &["--allow-env-change"])?;
    let e = r.error()?;
    assert!(
        e.contains("stamped production") && e.contains("--i-know-this-is-production"),
        "{r}"
    );
    assert!(e.contains("test accounts"), "says what it would do: {r}");
    assert_eq!(md5_all(&fresh.pool).await?, before, "nothing written");
    // Nor through the other writing commands.
    for args in [
        &["--cleanup", "--allow-env-change"][..],
        &["migrate", "--allow-env-change"],
        &["--reset", "--allow-env-change"],
    ] {
        run(url, args)?.error()?;
        assert_eq!(md5_all(&fresh.pool).await?, before, "{args:?} wrote");
    }

    let r = run(url, &["--allow-env-change", "--i-know-this-is-production"])?;
    r.ok()?;
    assert!(r.stderr.contains("re-stamps"), "{r}");
    assert_eq!(stamp(&fresh.pool).await?.as_deref(), Some("development"));
    fresh.finish().await
}

#[tokio::test]
async fn guards_are_decided_before_migrations_are_applied() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let url = Some(fresh.url());
    run(url, &["--env", "production"])?.ok()?;
    run(
        url,
        &[
            "migrate",
            "revert",
            "--env",
            "production",
            "--i-know-this-is-production",
        ],
    )?
    .ok()?;
    assert_eq!(MIGRATIONS.pending(&fresh.pool).await?.len(), 1);
    let before = md5_all(&fresh.pool).await?;

    for args in [
        &["--env", "development", "--migrate"][..],
        &["migrate", "--env", "development"],
        &["migrate", "apply", "--env", "development"],
        &[
            "migrate",
            "revert",
            "--env",
            "development",
            "--i-know-this-is-production",
        ],
    ] {
        let r = run(url, args)?;
        assert!(r.error()?.contains("stamped `production`"), "{args:?}: {r}");
        assert_eq!(MIGRATIONS.pending(&fresh.pool).await?.len(), 1, "{args:?}");
        assert_eq!(md5_all(&fresh.pool).await?, before, "{args:?} wrote");
    }
    // Production is backed up before it is migrated (seeds/tests/migrate_backup.rs); here not.
    run(url, &["migrate", "--env", "production", "--no-backup"])?.ok()?;
    assert!(MIGRATIONS.pending(&fresh.pool).await?.is_empty());
    fresh.finish().await
}

#[tokio::test]
async fn migrations_unknown_to_the_binary_or_changed_are_refused() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let (url, pool) = (Some(fresh.url()), &fresh.pool);
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (29990101000000, 'from the future', true, '\\x00', 1)",
    )
    .execute(pool)
    .await?;
    let r = run(url, &["--only", "venues"])?;
    let e = r.error()?;
    assert!(
        e.contains("29990101000000") && e.contains("not among this program's migrations"),
        "{r}"
    );
    assert_eq!(count(pool, "venues").await?, 0);

    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 29990101000000")
        .execute(pool)
        .await?;
    sqlx::query(
        "UPDATE _sqlx_migrations SET checksum = '\\x00'
         WHERE version = (SELECT min(version) FROM _sqlx_migrations)",
    )
    .execute(pool)
    .await?;
    let r = run(url, &["--only", "venues", "--migrate"])?;
    assert!(r.error()?.contains("checksum mismatch"), "{r}");
    assert_eq!(count(pool, "venues").await?, 0);
    fresh.finish().await
}

/// A table of the tests below: a composite key whose second column has a default, and columns
/// of types without an `=` operator.
const PAIRS_TABLE: &str = "CREATE TABLE t_pairs (
    a uuid NOT NULL,
    line integer NOT NULL DEFAULT 1,
    doc json,
    spot point,
    note text DEFAULT 'none',
    seen timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (a, line)
)";

mod pairs {
    use std::borrow::Cow;

    use seedbed::Value;
    use seedbed::plan::{ColumnMeta, Row, Seed, TableMeta, Unit, UnitKind};

    pub static TABLE: TableMeta = TableMeta {
        name: "t_pairs",
        columns: &[
            ColumnMeta { name: "a" },
            ColumnMeta { name: "line" },
            ColumnMeta { name: "doc" },
            ColumnMeta { name: "spot" },
            ColumnMeta { name: "note" },
        ],
        primary_key: &[0, 1],
        generated_key: None,
    };

    const fn unit(name: &'static str, build: fn() -> Seed) -> Unit {
        Unit {
            name,
            kind: UnitKind::Scenario,
            description: "Runner tests: rows of t_pairs, built by hand.",
            depends_on: &[],
            environments: &[],
            explicit: true,
            file: file!(),
            line: line!(),
            schema_version: None,
            static_rows: Some(2),
            references: Vec::new,
            build,
        }
    }

    fn key(i: u8) -> Value {
        Value::Uuid(seedbed::uuid::Uuid::from_bytes([i; 16]))
    }

    /// Version `scale("v", 1)`: 1 gives `doc`, `spot` and `note`; 2 leaves `note` out.
    fn rows() -> Seed {
        let full = seedbed::scale("v", 1) == 1;
        let rows = (1..=2u8).map(move |i| {
            let mut values = vec![
                key(i),
                Value::Json(seedbed::json!({ "n": i })),
                Value::Text(Cow::Borrowed("(1,2)")),
            ];
            let columns: &'static [u16] = if full {
                values.push(Value::Text(Cow::Borrowed("given")));
                &[0, 2, 3, 4]
            } else {
                &[0, 2, 3]
            };
            Row {
                label: None,
                columns: Cow::Borrowed(columns),
                values,
            }
        });
        Seed::new().table(&TABLE, rows)
    }

    pub static PAIRS: Unit = unit("t_pairs", rows);

    /// A value the server refuses, given by an expression (unchecked at compile time).
    fn bad_rows() -> Seed {
        let rows = (1..=2u8).map(|i| Row {
            label: None,
            columns: Cow::Borrowed(&[0, 3]),
            values: vec![
                key(i),
                Value::Text(Cow::Borrowed(if i == 2 { "not a point" } else { "(0,0)" })),
            ],
        });
        Seed::new().table(&TABLE, rows)
    }

    pub static BAD: Unit = unit("t_bad_pairs", bad_rows);
}

#[tokio::test]
async fn json_point_default_keys_and_omitted_columns_apply_as_a_fresh_database_would() -> Result<()>
{
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    sqlx::query(PAIRS_TABLE).execute(pool).await?;
    let v1 = options("development", &[("v", 1)]);
    let v2 = options("development", &[("v", 2)]);
    let applied = run::apply(pool, &[&pairs::PAIRS], &v1).await?;
    assert_eq!(counts(&applied, "t_pairs", "t_pairs"), (2, 0, 0, 0));
    // Unchanged: compared as text, json and point raise no `operator does not exist`.
    let again = run::apply(pool, &[&pairs::PAIRS], &v1).await?;
    assert_eq!(report(&again, "t_pairs").outcome, Outcome::Unchanged);
    let seen: Vec<String> = sqlx::query_scalar("SELECT seen::text FROM t_pairs ORDER BY a")
        .fetch_all(pool)
        .await?;

    // `note` left out: it gets its default back, as in a fresh database; `seen` (now()) stays.
    let changed = run::apply(pool, &[&pairs::PAIRS], &v2).await?;
    assert_eq!(counts(&changed, "t_pairs", "t_pairs"), (0, 2, 0, 0));
    let rows: Vec<(i32, String, String, String)> =
        sqlx::query_as("SELECT line, doc::text, note, seen::text FROM t_pairs ORDER BY a")
            .fetch_all(pool)
            .await?;
    assert_eq!(
        rows.iter().map(|r| (r.0, r.2.as_str())).collect::<Vec<_>>(),
        [(1, "none"), (1, "none")]
    );
    assert_eq!(rows.iter().map(|r| r.3.clone()).collect::<Vec<_>>(), seen);

    let other = Fresh::migrated().await?;
    sqlx::query(PAIRS_TABLE).execute(&other.pool).await?;
    run::apply(&other.pool, &[&pairs::PAIRS], &v2).await?;
    let fresh_rows: Vec<(i32, String, Option<String>)> =
        sqlx::query_as("SELECT line, doc::text, note FROM t_pairs ORDER BY a")
            .fetch_all(&other.pool)
            .await?;
    let rerun_rows: Vec<(i32, String, Option<String>)> =
        sqlx::query_as("SELECT line, doc::text, note FROM t_pairs ORDER BY a")
            .fetch_all(pool)
            .await?;
    assert_eq!(rerun_rows, fresh_rows);
    other.finish().await?;

    // Cleanup finds the rows by the keys their default gave.
    let removed = run::cleanup::cleanup(&mut *pool.acquire().await?, &["t_pairs"], false).await?;
    assert_eq!(removed.removed.iter().map(|r| r.rows).sum::<u64>(), 2);
    fresh.finish().await
}

#[tokio::test]
async fn a_bad_value_given_by_an_expression_names_the_row_and_column() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    sqlx::query(PAIRS_TABLE).execute(&fresh.pool).await?;
    let err = run::apply(&fresh.pool, &[&pairs::BAD], &options("development", &[]))
        .await
        .expect_err("the server refuses the point");
    let message = err.to_string();
    assert!(
        message.contains("unit `t_bad_pairs`, table `t_pairs`, row #2 (unlabelled), column `spot`"),
        "{message}"
    );
    assert_eq!(count(&fresh.pool, "t_pairs").await?, 0);
    fresh.finish().await
}

/// Runner tests: an event whose status, given by an expression, is no `event_status`.
#[seedbed::scenario(depends_on = [t_venues], explicit)]
fn t_bad_status() -> seedbed::Seed {
    let status = ["published", "publishd"][seedbed::scale("bad", 1) as usize];
    seedbed::seed! {
        events {
            typo {
                organizer_id: t_venues::organizers::runner_org,
                venue_id: t_venues::venues::hall_a,
                slug: "runner-typo",
                title: "A typo in the status",
                status: status,
                starts_at: seedbed::days_from_now(5),
                ends_at: seedbed::days_from_now(6),
                timezone: "UTC",
            }
        }
    }
}

#[tokio::test]
async fn an_enum_value_given_by_an_expression_names_the_row() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let err = apply(&fresh.pool, &["t_bad_status"], &options("development", &[]))
        .await
        .expect_err("publishd is no event status");
    let message = format!("{err:#}");
    assert!(
        message.contains("unit `t_bad_status`, table `events`, row `typo`, column `status`")
            && message.contains("publishd"),
        "{message}"
    );
    fresh.finish().await
}

/// The md5 of the venues, without the columns a fresh insert fills with now().
async fn venues_md5(pool: &PgPool) -> Result<String> {
    Ok(sqlx::query_scalar(
        "SELECT md5(string_agg((to_jsonb(v) - 'created_at' - 'updated_at')::text, '|' ORDER BY v.id))
         FROM venues v",
    )
    .fetch_one(pool)
    .await?)
}

async fn ledger_md5(pool: &PgPool) -> Result<String> {
    Ok(sqlx::query_scalar(
        "SELECT md5(string_agg(r::text, '|' ORDER BY r::text)) FROM seedbed.ledger_rows r",
    )
    .fetch_one(pool)
    .await?)
}

#[tokio::test]
async fn drift_is_reported_by_status_and_restored_by_a_run() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let (url, pool) = (Some(fresh.url()), &fresh.pool);
    run(url, &["--only", "venues"])?.ok()?;
    let (venues_applied, ledger_applied) = (venues_md5(pool).await?, ledger_md5(pool).await?);
    let venues = rows_of("venues", "venues")?;
    // One venue deleted by hand (with what points at it: nothing, in this unit), one edited.
    sqlx::query("DELETE FROM venues WHERE id = (SELECT id FROM venues ORDER BY id LIMIT 1)")
        .execute(pool)
        .await?;
    sqlx::query(
        "UPDATE venues SET name = 'edited by hand', capacity = NULL
         WHERE id = (SELECT id FROM venues ORDER BY id DESC LIMIT 1)",
    )
    .execute(pool)
    .await?;

    let status = json(run(url, &["--status", "--json"])?.ok()?)?;
    let venues_status = status
        .as_array()
        .and_then(|a| a.iter().find(|u| u["unit"] == "venues"))
        .context("venues in --status")?;
    assert_eq!(venues_status["state"], "drifted", "{venues_status}");
    assert_eq!(venues_status["drift"]["missing"], 1);
    assert_eq!(venues_status["drift"]["changed"], 1);
    let text = run(url, &["--status"])?;
    assert!(
        text.ok()?.contains("drifted: 1 missing, 1 edited"),
        "{text}"
    );

    let r = run(url, &["--only", "venues"])?;
    assert!(r.ok()?.contains("restored"), "{r}");
    assert_eq!(count(pool, "venues").await?, venues);
    // Back to what the apply gave (the put-back row's created_at and updated_at aside: their
    // default is now()), ledger rows included.
    assert_eq!(venues_md5(pool).await?, venues_applied);
    assert_eq!(ledger_md5(pool).await?, ledger_applied);
    let status = run(url, &["--status"])?;
    assert!(!status.ok()?.contains("drifted"), "{status}");
    fresh.finish().await
}

#[tokio::test]
async fn cleanup_is_idempotent() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let url = Some(fresh.url());
    run(url, &["--only", "venues"])?.ok()?;
    run(url, &["--cleanup", "--only", "dance_styles"])?.ok()?;
    run(url, &["--cleanup"])?.ok()?;
    let r = run(url, &["--cleanup"])?;
    assert!(r.ok()?.contains("0 row(s) removed"), "{r}");
    run(url, &["--cleanup", "--only", "venues"])?.ok()?;
    assert_eq!(count(&fresh.pool, "venues").await?, 0);
    fresh.finish().await
}

#[tokio::test]
async fn a_damaged_ledger_is_refused_and_a_lost_one_rebuilt() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let (url, pool) = (Some(fresh.url()), &fresh.pool);
    run(url, &["--only", "venues"])?.ok()?;
    let venues = count(pool, "venues").await?;
    sqlx::query("DROP TABLE seedbed.ledger_rows")
        .execute(pool)
        .await?;
    for args in [&["--cleanup"][..], &["--only", "venues"], &["--status"]] {
        let r = run(url, args)?;
        let e = r.error()?;
        assert!(
            e.contains("ledger is damaged") && e.contains("seedbed.ledger_rows"),
            "{args:?}: {r}"
        );
        assert!(e.contains("DROP SCHEMA seedbed CASCADE"), "{r}");
    }
    assert_eq!(count(pool, "venues").await?, venues);

    // A newer format is refused too.
    sqlx::query("COMMENT ON SCHEMA seedbed IS 'seedbed ledger 99'")
        .execute(pool)
        .await?;
    let r = run(url, &["--only", "venues"])?;
    assert!(r.error()?.contains("format 99"), "{r}");

    // The documented way back: start the ledger over; rows with derived keys are found again.
    sqlx::query("DROP SCHEMA seedbed CASCADE")
        .execute(pool)
        .await?;
    run(url, &["--only", "venues"])?.ok()?;
    assert_eq!(count(pool, "venues").await?, venues);
    run(url, &["--cleanup"])?.ok()?;
    assert_eq!(count(pool, "venues").await?, 0);
    fresh.finish().await
}

#[tokio::test]
async fn a_ledger_of_an_older_format_is_brought_up_to_date() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let (url, pool) = (Some(fresh.url()), &fresh.pool);
    run(url, &["--only", "venues"])?.ok()?;
    // Format 3 added `digests`: without it, a format 3 ledger is damaged, a format 2 one is not.
    sqlx::raw_sql("ALTER TABLE seedbed.ledger DROP COLUMN digests")
        .execute(pool)
        .await?;
    let r = run(url, &["--only", "venues"])?;
    assert!(r.error()?.contains("seedbed.ledger.digests"), "{r}");
    sqlx::raw_sql("COMMENT ON SCHEMA seedbed IS 'seedbed ledger 2'")
        .execute(pool)
        .await?;
    let r = run(url, &["--only", "venues"])?;
    assert!(r.ok()?.contains("skipped"), "{r}");
    apply(pool, &["t_events"], &options("development", &[("n", 2)])).await?;
    let version: String =
        sqlx::query_scalar("SELECT obj_description('seedbed'::regnamespace, 'pg_namespace')")
            .fetch_one(pool)
            .await?;
    assert_eq!(version, "seedbed ledger 3");
    let digests: Option<Json> =
        sqlx::query_scalar("SELECT digests FROM seedbed.ledger WHERE unit = 't_events'")
            .fetch_one(pool)
            .await?;
    assert!(digests.is_some_and(|d| d["events"]["rows"].as_i64() > Some(0)));
    fresh.finish().await
}

#[tokio::test]
async fn commits_wait_for_the_disk() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let mut locked = run::LockedConnection::acquire(&fresh.pool).await?;
    let setting: String = sqlx::query_scalar("SHOW synchronous_commit")
        .fetch_one(locked.conn())
        .await?;
    locked.release().await;
    assert_eq!(setting, "on");
    fresh.finish().await
}

#[test]
fn a_closed_stdout_ends_quietly() -> Result<()> {
    for _ in 0..3 {
        let mut child = seed_runner(None, &["--list"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        drop(child.stdout.take()); // `| head -0`: closed before anything is written
        let out: Run = child.wait_with_output()?.into();
        assert!(out.status.success(), "{out}");
        assert!(out.stderr.is_empty(), "{out}");
    }
    Ok(())
}

#[tokio::test]
async fn a_signal_stops_the_run_cleanly() -> Result<()> {
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let fresh = Fresh::migrated().await?;
        let pool = &fresh.pool;
        let database = fresh.db.as_ref().unwrap().name().to_owned();
        run(Some(fresh.url()), &["--only", "dance_styles"])?.ok()?;
        // As in the SIGKILL test: `venues` written, waiting to record itself.
        let mut blocker = pool.begin().await?;
        sqlx::query("LOCK TABLE seedbed.ledger IN EXCLUSIVE MODE")
            .execute(&mut *blocker)
            .await?;
        let child = seed_runner(Some(fresh.url()), &["--only", "venues"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let waited = wait_for_lock_wait(pool, &database).await;
        let killed = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status();
        let out: Run = child.wait_with_output()?.into();
        blocker.rollback().await?;
        waited?;
        ensure!(killed?.success(), "kill failed");
        assert_eq!(out.status.code(), Some(code), "{out}");
        assert!(
            out.stderr.contains(&format!(
                "interrupted by SIG{signal}: stopped; no unit was committed"
            )),
            "{out}"
        );
        assert!(!out.stderr.contains("panicked"), "{out}");
        assert_eq!(count(pool, "venues").await?, 0);
        assert_eq!(ledger_rows(pool, "venues").await?, 0);
        fresh.finish().await?;
    }
    Ok(())
}

/// Every unit a run would apply (the seed-runner binary's), its ledger entry and its rows agree:
/// `--status` finds no unit drifted, and each table's rows are those the ledger recorded.
async fn ledger_and_data_agree(url: &str, pool: &PgPool) -> Result<()> {
    let status = json(run(Some(url), &["--status", "--json"])?.ok()?)?;
    let drifted: Vec<&Json> = status
        .as_array()
        .context("status is a list")?
        .iter()
        .filter(|u| u["state"] == "drifted")
        .collect();
    ensure!(drifted.is_empty(), "drifted units: {drifted:?}");
    // No row without its ledger entry (ranges only hold generated rows, counted by key boxes).
    let unrecorded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM venues v WHERE NOT EXISTS
             (SELECT FROM seedbed.ledger_rows r WHERE r.table_name = 'venues' AND r.key = v.id::text)",
    )
    .fetch_one(pool)
    .await?;
    ensure!(
        unrecorded == 0,
        "{unrecorded} venues the ledger does not know"
    );
    Ok(())
}

#[tokio::test]
async fn eight_runners_at_once_mixing_apply_and_cleanup() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let url = fresh.url().to_owned();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let args: &[&str] = if i % 4 == 3 {
                &["--cleanup"]
            } else {
                &["--only", "venues,dance_styles"]
            };
            seed_runner(Some(&url), args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    for child in children {
        let out: Run = child.wait_with_output()?.into();
        out.ok()?;
    }
    ledger_and_data_agree(&url, &fresh.pool).await?;
    let venues = count(&fresh.pool, "venues").await?;
    let in_ledger = ledger_units(&fresh.pool)
        .await?
        .contains(&"venues".to_owned());
    assert!(
        (venues == rows_of("venues", "venues")? && in_ledger) || (venues == 0 && !in_ledger),
        "{venues} venues, in the ledger: {in_ledger}"
    );
    // Each apply saw the others' work: no unit was applied twice over (generation 1 or reapplied
    // after a cleanup, never a second insert of the same rows).
    run(Some(&url), &["--only", "venues,dance_styles"])?.ok()?;
    assert_eq!(
        count(&fresh.pool, "venues").await?,
        rows_of("venues", "venues")?
    );
    fresh.finish().await
}

#[tokio::test]
async fn sigkill_at_random_points_of_apply_and_cleanup_keeps_ledger_and_data_agreeing() -> Result<()>
{
    // The reference: a clean run of everything, in a database of its own.
    let reference = Fresh::migrated().await?;
    run(Some(reference.url()), &[])?.ok()?;
    let expected = all_counts(&reference.pool).await?;
    reference.finish().await?;

    let fresh = Fresh::migrated().await?;
    let url = fresh.url().to_owned();
    // A fixed sequence of pseudo-random delays (reproducible), from 0 to 400 ms.
    let mut state: u64 = 0x5eed_bed5;
    let mut delay = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        Duration::from_millis((state >> 33) % 400)
    };
    for round in 0..8 {
        let args: &[&str] = if round % 4 == 3 { &["--cleanup"] } else { &[] };
        let mut child = seed_runner(Some(&url), args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        std::thread::sleep(delay());
        let _ = child.kill(); // SIGKILL; it may have finished already
        child.wait()?;
        // The killed session's lock goes when the server notices; the next runner waits for it.
        ledger_and_data_agree(&url, &fresh.pool)
            .await
            .with_context(|| format!("after the kill of round {round} ({args:?})"))?;
    }
    run(Some(&url), &[])?.ok()?;
    assert_eq!(all_counts(&fresh.pool).await?, expected);
    fresh.finish().await
}

#[tokio::test]
async fn what_a_run_reports_written_survives_an_immediate_server_stop_and_so_does_a_cleanup()
-> Result<()> {
    use seedbed::local_cluster::LocalCluster;

    let reference = Fresh::migrated().await?;
    run(Some(reference.url()), &[])?.ok()?;
    let expected = all_counts(&reference.pool).await?;
    reference.finish().await?;

    // A throwaway cluster of this test's own: its server is stopped the hard way.
    let dir = std::path::PathBuf::from(format!("/tmp/sbcrash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let outcome = async {
        let cluster = LocalCluster::ensure(&dir).await?;
        let url = cluster.url();
        let pool = seedbed::database::connect(&url).await?;
        MIGRATIONS.apply(&pool).await?;
        pool.close().await;
        let out = run(Some(&url), &[])?;
        let said = out.ok()?.to_owned();
        ensure!(said.contains("unit(s) written"), "{out}");
        // SIGQUIT: the postmaster's immediate shutdown, no checkpoint; recovery replays the WAL.
        let pid = cluster.pid().context("the server runs")?;
        ensure!(
            Command::new("kill")
                .args(["-QUIT", &pid.to_string()])
                .status()?
                .success(),
            "kill -QUIT failed"
        );
        let started = Instant::now();
        while cluster.running()? {
            ensure!(
                started.elapsed() < Duration::from_secs(30),
                "server did not stop"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let restarted = LocalCluster::ensure(&dir).await?;
        let pool = seedbed::database::connect(&restarted.url()).await?;
        let counts = all_counts(&pool).await?;
        ensure!(
            counts == expected,
            "after the crash: {counts:?}\nexpected: {expected:?}"
        );

        // The server stopped the hard way in the middle of a cleanup: after recovery, the
        // ledger and the data still agree, and the next cleanup finishes the job.
        let mut child = seed_runner(Some(&url), &["--cleanup"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        tokio::time::sleep(Duration::from_millis(150)).await;
        let pid = restarted.pid().context("the server runs")?;
        Command::new("kill")
            .args(["-QUIT", &pid.to_string()])
            .status()?;
        child.wait()?;
        pool.close().await;
        let started = Instant::now();
        while restarted.running()? {
            ensure!(
                started.elapsed() < Duration::from_secs(30),
                "server did not stop"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let again = LocalCluster::ensure(&dir).await?;
        let pool = seedbed::database::connect(&again.url()).await?;
        ledger_and_data_agree(&url, &pool).await?;
        run(Some(&url), &["--cleanup"])?.ok()?;
        let left: i64 = all_counts(&pool)
            .await?
            .iter()
            .filter(|(t, _)| t.as_str() != "_sqlx_migrations")
            .map(|(_, n)| n)
            .sum();
        pool.close().await;
        again.stop()?;
        ensure!(left == 0, "{left} rows left after the cleanup");
        Ok(())
    }
    .await;
    if let Ok(Some(cluster)) = LocalCluster::existing(&dir) {
        let _ = cluster.destroy();
    }
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

#[tokio::test]
async fn rows_of_a_streamed_unit_deleted_by_hand_are_reported_and_put_back() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let registry = Registry::discover()?;
    let opts = options("development", &[("n", 3)]);
    apply(pool, &["t_events"], &opts).await?;
    let before = runner_events(pool).await?;
    sqlx::query("DELETE FROM events WHERE slug = 'runner-event-1'")
        .execute(pool)
        .await?;

    let statuses = run::status(pool, &registry, &opts).await?;
    let status = statuses.iter().find(|s| s.unit == "t_events").unwrap();
    assert_eq!(status.state, UnitState::Drifted);
    assert_eq!(status.drift.as_ref().map(|d| d.missing), Some(1));

    let reports = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&reports, "t_events").outcome, Outcome::Restored);
    assert_eq!(runner_events(pool).await?, before);
    let again = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&again, "t_events").outcome, Outcome::Unchanged);
    fresh.finish().await
}

#[tokio::test]
async fn rows_of_a_streamed_unit_edited_by_hand_are_reported_and_put_back() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let registry = Registry::discover()?;
    let opts = options("development", &[("n", 3)]);
    apply(pool, &["t_events"], &opts).await?;
    let before = runner_events(pool).await?;
    // Same number of rows, one column of one row changed: only a comparison of contents sees it.
    sqlx::query("UPDATE events SET title = 'edited by hand' WHERE slug = 'runner-event-1'")
        .execute(pool)
        .await?;

    let statuses = run::status(pool, &registry, &opts).await?;
    let status = statuses.iter().find(|s| s.unit == "t_events").unwrap();
    assert_eq!(status.state, UnitState::Drifted);
    let drift = status.drift.clone().context("drift checked")?;
    assert_eq!(drift.missing, 0);
    assert_eq!(drift.edited_tables, ["events"]);

    let reports = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&reports, "t_events").outcome, Outcome::Restored);
    assert_eq!(runner_events(pool).await?, before);
    let statuses = run::status(pool, &registry, &opts).await?;
    let status = statuses.iter().find(|s| s.unit == "t_events").unwrap();
    assert_eq!(status.state, UnitState::Applied);
    let again = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&again, "t_events").outcome, Outcome::Unchanged);
    fresh.finish().await
}

#[test]
fn cli_cluster_commands_never_start_a_cluster() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("sbnone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for args in [
        &["cluster"][..],
        &["cluster", "status"],
        &["cluster", "stop"],
        &["cluster", "destroy"],
    ] {
        let out: Run = seed_runner(None, args)
            .env("SEEDBED_LOCAL_PG_DIR", &dir)
            .output()?
            .into();
        assert!(
            out.ok()?
                .contains(&format!("no local cluster in {}", dir.display())),
            "{args:?}: {out}"
        );
        assert!(!dir.exists(), "{args:?} created {}", dir.display());
    }
    Ok(())
}
