//! The `seed-runner` command line against a real PostgreSQL, with Festival Scout's units: its
//! errors and read-only commands, what it prints, and what only a process shows (several at once,
//! killed mid-unit, signals, a server stopped the hard way).
//!
//! Every test works in a fresh database of its own (`SEEDBED_TEST_ADMIN_URL`, default
//! `postgres://postgres@127.0.0.1:5432`), dropped at the end, on failure too. The runner's
//! behaviour as a library, on a small schema of its own, is tested in
//! `runtime/tests/postgres/`.

use std::collections::HashMap;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, ensure};
use festival_seeds::MIGRATIONS;
use seedbed::run;
use seedbed::select::Registry;
use seedbed::testing::TestDatabase;
use sqlx::PgPool;
use sqlx::types::chrono::{DateTime, Utc};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A fresh database and a pool on it; [`Fresh::finish`] drops it. A test that fails before
/// that leaves it to `TestDatabase`, which keeps it for a look and says where.
struct Fresh {
    db: TestDatabase,
    pool: PgPool,
}

impl Fresh {
    /// A new empty database.
    async fn empty() -> Result<Fresh> {
        let db = TestDatabase::create().await?;
        let pool = db.connect().await?;
        Ok(Fresh { db, pool })
    }

    /// A new database with every Festival Scout migration applied.
    async fn migrated() -> Result<Fresh> {
        let fresh = Fresh::empty().await?;
        MIGRATIONS.apply(&fresh.pool).await?;
        Ok(fresh)
    }

    fn url(&self) -> &str {
        &self.db.url
    }

    /// Drops the database.
    async fn finish(self) -> Result<()> {
        self.pool.close().await;
        Ok(self.db.drop().await?)
    }
}

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
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

// ---------------------------------------------------------------------------------------------
// Several runners, killed runners
// ---------------------------------------------------------------------------------------------

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
    let database = fresh.db.name().to_owned();
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
        // Every Festival Scout unit allowed in production.
        selected(&[], "production")?
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
async fn reset_waits_for_a_run_in_progress() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let database = fresh.db.name().to_owned();
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
async fn cli_refuses_to_seed_with_pending_migrations() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let first = MIGRATIONS.iter().map(|m| m.version).min().unwrap();
    MIGRATIONS.revert(pool, Some(first)).await?;
    assert_eq!(MIGRATIONS.pending(pool).await?.len(), MIGRATIONS.len() - 1);

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
    let database = fresh.db.name().to_owned();
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
async fn cli_a_unique_violation_names_unit_table_label_and_constraint() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    // A unique violation against a row made by hand.
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
    // Nothing of the unit: the row made by hand alone, and no ledger entry.
    assert_eq!(count(pool, "venues").await?, 1);
    assert!(ledger_units(pool).await?.is_empty());
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
async fn cli_status_shows_pending_applied_and_changed() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
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
    assert!(ledger(pool).await?.is_empty(), "--status wrote the ledger");
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

/// The ledger's policy (refused, rebuilt, older formats) is tested in runtime/tests/postgres/ledger.rs;
/// here, that every command says so in one error.
#[tokio::test]
async fn cli_a_damaged_ledger_is_one_error_for_every_command() -> Result<()> {
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
        let database = fresh.db.name().to_owned();
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
