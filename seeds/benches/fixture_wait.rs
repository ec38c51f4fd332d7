//! How long a test waits for its database: `#[seedbed::test]` (a pool of clones of a template)
//! beside `#[sqlx::test(migrations, fixtures)]` (migrate and load a fixture per test), on the
//! Festival Scout schema with the base and the six scenarios, in one run.
//!
//!     cargo bench -p festival-seeds --bench fixture_wait [-- TESTS [BODY_MS]]
//!     bash seeds/benches/fixture_wait.sh       # the same, on a throwaway cluster with fsync off
//!
//! Runs TESTS tests (200) two at a time, as `cargo test` does on two cores, each on a runtime of
//! its own through the same code `#[seedbed::test]` expands to; a test's body runs three queries
//! and then sleeps BODY_MS (0). The wait is from the test's start to a connected `PgPool`.
//! Prints the first test of a new template against migrate-and-apply, the copy strategies, and
//! median / p95 / max waits. The server is `SEEDBED_TEST_ADMIN_URL`'s.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use festival_seeds::MIGRATIONS;
use seedbed::Context;
use seedbed::run::{self, RunOptions};
use seedbed::select::Registry;
use seedbed::testing::__private::{Mode, run};
use seedbed::testing::{Fixture, TestDatabase};
use sqlx::PgPool;
use sqlx::testing::{TestArgs, TestFixture, TestFn};

const UNITS: [&str; 6] = [
    "power_user",
    "complex_event",
    "high_engagement",
    "event_lifecycle",
    "international_events",
    "notifications",
];
const THREADS: usize = 2;
static SQLX_TESTS: AtomicUsize = AtomicUsize::new(0);

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median, p95 and max of `waits`, in ms.
fn figures(waits: &mut [Duration]) -> String {
    waits.sort();
    let at = |q: f64| waits[((waits.len() as f64 * q).ceil() as usize).clamp(1, waits.len()) - 1];
    format!(
        "median {:6.1} ms   p95 {:6.1} ms   max {:6.1} ms",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(waits[waits.len() - 1])
    )
}

/// `SEEDBED_TEST_DB_PREFIX` as seedbed puts it before names.
fn name_prefix(prefix: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('_') {
        prefix.to_lowercase()
    } else {
        format!("{}_", prefix.to_lowercase())
    }
}

fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let base = base[authority..]
        .find('/')
        .map_or(base, |slash| &base[..authority + slash]);
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

fn context() -> Context {
    Context {
        clock: "2026-05-01T00:00:00Z".parse().unwrap(),
        ..Context::default()
    }
}

fn fixture() -> Fixture {
    Fixture::new(MIGRATIONS).units(&UNITS).context(context())
}

/// Runs `tests` tests on [`THREADS`] threads; `one` runs a test and returns its wait.
fn tests_in_parallel(
    tests: usize,
    one: impl Fn() -> (Duration, bool) + Sync,
) -> (Vec<Duration>, usize) {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(tests));
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                while next.fetch_add(1, Ordering::Relaxed) < tests {
                    let result = one();
                    results.lock().unwrap().push(result);
                }
            });
        }
    });
    let results = results.into_inner().unwrap();
    let ready = results.iter().filter(|(_, ready)| *ready).count();
    (results.into_iter().map(|(wait, _)| wait).collect(), ready)
}

async fn body(pool: &PgPool, body_ms: u64) {
    for table in ["events", "users", "notifications"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(pool)
            .await
            .unwrap();
        assert!(n > 0, "{table} is empty");
    }
    tokio::time::sleep(Duration::from_millis(body_ms)).await;
}

thread_local! {
    /// When the current `#[sqlx::test]` started, and how long it waited (a test function of
    /// sqlx's is a plain `fn`, which captures nothing).
    static STARTED: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
    static WAITED: std::cell::Cell<Duration> = const { std::cell::Cell::new(Duration::ZERO) };
    static BODY_MS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

async fn sqlx_test_body(pool: PgPool) {
    WAITED.set(STARTED.get().map_or(Duration::ZERO, |s| s.elapsed()));
    body(&pool, BODY_MS.get()).await;
}

fn main() -> anyhow::Result<()> {
    let numbers: Vec<u64> = std::env::args().filter_map(|a| a.parse().ok()).collect();
    let tests = numbers.first().copied().unwrap_or(200) as usize;
    let body_ms = numbers.get(1).copied().unwrap_or(0);
    let admin_url = TestDatabase::admin_url();
    let prefix = std::env::var("SEEDBED_TEST_DB_PREFIX").unwrap_or_default();
    // `#[sqlx::test]` reads DATABASE_URL, for a database where it keeps its books: give it one
    // of its own, in a run of this binary that has it.
    if std::env::var_os("DATABASE_URL").is_none() {
        let books = format!("{}sqlx_bench", name_prefix(&prefix));
        let psql = |sql: String| {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                let admin = seedbed::database::connect(&admin_url).await?;
                sqlx::query(&sql).execute(&admin).await?;
                admin.close().await;
                anyhow::Ok(())
            })
        };
        psql(format!("DROP DATABASE IF EXISTS {books} WITH (FORCE)"))?;
        psql(format!("CREATE DATABASE {books}"))?;
        let status = Command::new(std::env::current_exe()?)
            .args(std::env::args().skip(1))
            .env("DATABASE_URL", with_database(&admin_url, &books))
            .status()?;
        psql(format!("DROP DATABASE IF EXISTS {books} WITH (FORCE)"))?;
        anyhow::ensure!(status.success(), "the benchmark failed");
        return Ok(());
    }

    let fixture = fixture();
    let template = fixture.template_name()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let admin = runtime.block_on(seedbed::database::connect(&admin_url))?;
    let server: (String, String, String, String) = runtime.block_on(
        sqlx::query_as(
            "SELECT current_setting('server_version'), current_setting('fsync'),
                    current_setting('full_page_writes'), current_setting('synchronous_commit')",
        )
        .fetch_one(&admin),
    )?;
    println!(
        "server: PostgreSQL {} (fsync {}, full_page_writes {}, synchronous_commit {}); {tests} \
         tests, {THREADS} at a time, body: 3 queries + {body_ms} ms",
        server.0, server.1, server.2, server.3
    );

    // A new template: drop it and its ready clones first.
    runtime.block_on(async {
        let hash = &template[template.len() - 20..template.len() - 4];
        let old: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE '%seedbed_pool_' || $2 || '%'",
        )
        .bind(&template)
        .bind(hash)
        .fetch_all(&admin)
        .await?;
        for name in old {
            sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&admin)
                .await?;
        }
        anyhow::Ok(())
    })?;

    // What a fixture cost before templates: migrate and apply on a fresh database. Its wait is
    // until the rows are in (what a test would wait for), the whole with its drop.
    let started = Instant::now();
    let migrate_and_apply = runtime.block_on(async {
        let db = TestDatabase::create().await?;
        let pool = db.connect().await?;
        MIGRATIONS.apply(&pool).await?;
        let names: Vec<String> = UNITS.iter().map(|u| u.to_string()).collect();
        let units = Registry::discover()?.select(Some(&names), "test")?;
        let mut options = RunOptions::new("test")?;
        options.context = context();
        run::apply(&pool, &units, &options).await?;
        let waited = started.elapsed();
        pool.close().await;
        db.drop().await?;
        anyhow::Ok(waited)
    })?;
    let migrate_apply_drop = started.elapsed();

    // The first test's wait, like every test's below, is until its pool is connected.
    let first = Instant::now();
    let waited = Arc::new(Mutex::new(Duration::ZERO));
    let out = Arc::clone(&waited);
    run(fixture.clone(), Mode::Own, |db| async move {
        let pool = db.connect().await.unwrap();
        *out.lock().unwrap() = first.elapsed();
        body(&pool, 0).await;
    });
    println!(
        "first test of a new template: waited {:.0} ms (template built, then cloned; {:.0} ms with its body); \
         migrate + apply on a fresh database: {:.0} ms ({:.0} ms with its drop)",
        ms(*waited.lock().unwrap()),
        ms(first.elapsed()),
        ms(migrate_and_apply),
        ms(migrate_apply_drop)
    );

    // The copy strategies, one clone at a time, nothing else running.
    for strategy in ["WAL_LOG", "FILE_COPY"] {
        let mut creates = Vec::new();
        let mut drops = Vec::new();
        runtime.block_on(async {
            for i in 0..10 {
                let name = format!("{}seedbed_bench_strategy_{i}", name_prefix(&prefix));
                let started = Instant::now();
                sqlx::query(&format!(
                    "CREATE DATABASE {name} TEMPLATE {template} STRATEGY {strategy}"
                ))
                .execute(&admin)
                .await?;
                creates.push(started.elapsed());
                let started = Instant::now();
                sqlx::query(&format!("DROP DATABASE {name}"))
                    .execute(&admin)
                    .await?;
                drops.push(started.elapsed());
            }
            anyhow::Ok(())
        })?;
        println!(
            "CREATE DATABASE ... STRATEGY {strategy:9}  {}   (DROP: {})",
            figures(&mut creates),
            figures(&mut drops)
        );
    }

    // Warm: the template exists and the pool has been filling since the first test.
    std::thread::sleep(Duration::from_millis(500));
    let (mut waits, ready) = tests_in_parallel(tests, || {
        let started = Instant::now();
        let seen = Arc::new(Mutex::new((Duration::ZERO, false)));
        let out = Arc::clone(&seen);
        run(fixture.clone(), Mode::Own, |db| async move {
            let pool = db.connect().await.unwrap();
            *out.lock().unwrap() = (started.elapsed(), db.was_ready());
            body(&pool, body_ms).await;
        });
        *seen.lock().unwrap()
    });
    println!(
        "#[seedbed::test]             {}   ({ready} of {tests} handed a ready clone)",
        figures(&mut waits)
    );

    let (mut waits, _) = tests_in_parallel(tests, || {
        let started = Instant::now();
        let seen = Arc::new(Mutex::new(Duration::ZERO));
        let out = Arc::clone(&seen);
        run(fixture.clone(), Mode::ReadOnly, |db| async move {
            let pool = db.connect().await.unwrap();
            *out.lock().unwrap() = started.elapsed();
            body(&pool, body_ms).await;
        });
        let wait = *seen.lock().unwrap();
        (wait, true)
    });
    println!("#[seedbed::test(read_only)]  {}", figures(&mut waits));

    // `#[sqlx::test(migrations = "../migrations", fixtures("festival"))]` expands to this call;
    // the fixture is the very rows of the template, as SQL.
    let fixture_sql = runtime.block_on(async {
        let db = fixture.database().await?;
        let dump = Command::new("pg_dump")
            .args(["--data-only", "--inserts", "--schema=public"])
            .args(["--exclude-table=_sqlx_migrations", "--dbname", &db.url])
            .output()?;
        db.drop().await?;
        anyhow::ensure!(
            dump.status.success(),
            "pg_dump: {}",
            String::from_utf8_lossy(&dump.stderr)
        );
        // pg_dump empties search_path for its session; the test's would keep it.
        let sql: String = String::from_utf8(dump.stdout)?
            .lines()
            .filter(|l| !l.contains("set_config('search_path'") && !l.starts_with('\\'))
            .map(|l| format!("{l}\n"))
            .collect();
        anyhow::Ok(sql)
    })?;
    let fixtures: &'static [TestFixture] = Box::leak(Box::new([TestFixture {
        path: "festival.sql",
        contents: fixture_sql.leak(),
    }]));
    let migrator: &'static sqlx::migrate::Migrator =
        Box::leak(Box::new(runtime.block_on(sqlx::migrate::Migrator::new(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations")),
        ))?));
    let (mut waits, _) = tests_in_parallel(tests, || {
        BODY_MS.set(body_ms);
        STARTED.set(Some(Instant::now()));
        // sqlx names a test's database after the test's path: one per test, as in a suite.
        let path = format!(
            "fixture_wait::sqlx_test_{}",
            SQLX_TESTS.fetch_add(1, Ordering::Relaxed)
        );
        let mut args = TestArgs::new(path.leak());
        args.migrator(migrator);
        args.fixtures(fixtures);
        let f: fn(PgPool) -> _ = sqlx_test_body;
        TestFn::run_test(f, args);
        (WAITED.get(), false)
    });
    println!("#[sqlx::test]                {}", figures(&mut waits));

    // Not a libtest binary, so no janitor: the pool and the shared clone go here (the
    // template stays, as after `cargo test`).
    std::thread::sleep(Duration::from_secs(1));
    runtime.block_on(async {
        let left: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)
             AND NOT starts_with(datname, $2)",
        )
        .bind(format!("{}seedbed_", name_prefix(&prefix)))
        .bind(format!("{}seedbed_tpl_", name_prefix(&prefix)))
        .fetch_all(&admin)
        .await?;
        for name in left {
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin)
                .await?;
        }
        anyhow::Ok(())
    })?;
    Ok(())
}
