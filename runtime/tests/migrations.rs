//! Embedded migrations against a real PostgreSQL, each test in its own fresh database
//! (`SEEDBED_TEST_ADMIN_URL`, default postgres://postgres@127.0.0.1:5432).

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};
use seedbed::Error;
use seedbed::database::{CONNECT_ATTEMPTS, CONNECT_BUDGET, connect};
use seedbed::error::{ConnectError, MigrateError};
use seedbed::migrations::{EmbeddedMigration, MigrationState, Migrations};
use seedbed::testing::TestDatabase;
use sqlx::PgPool;

const CREATE_VENUES: EmbeddedMigration = EmbeddedMigration::new(
    20240101000000,
    "create venues",
    "CREATE TABLE venues (id bigint PRIMARY KEY, name text NOT NULL);\n",
    Some("DROP TABLE venues;\n"),
);
const ADD_CAPACITY: EmbeddedMigration = EmbeddedMigration::new(
    20240202000000,
    "add capacity",
    "ALTER TABLE venues ADD COLUMN capacity integer CHECK (capacity > 0);\n\
     CREATE TYPE dance AS ENUM ('salsa', 'bachata');\n",
    Some("DROP TYPE dance;\nALTER TABLE venues DROP COLUMN capacity;\n"),
);
const V1: i64 = CREATE_VENUES.version;
const V2: i64 = ADD_CAPACITY.version;

/// Given out of order on purpose: the runtime sorts by version.
static ALL: Migrations = Migrations::new(&[ADD_CAPACITY, CREATE_VENUES]);
static FIRST: Migrations = Migrations::new(&[CREATE_VENUES]);

/// Runs `body` on a fresh database and drops the database afterwards, whatever the outcome (the
/// tests use `ensure!` rather than `assert!` so that a failure still gets here).
async fn with_db<F, Fut>(body: F) -> anyhow::Result<()>
where
    F: FnOnce(PgPool) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let db = TestDatabase::create().await?;
    let pool = db.connect().await?;
    let result = body(pool.clone()).await;
    pool.close().await;
    db.drop().await?;
    result
}

fn versions(runs: &[seedbed::migrations::MigrationRun]) -> Vec<i64> {
    runs.iter().map(|r| r.version).collect()
}

async fn rows(pool: &PgPool) -> anyhow::Result<Vec<(i64, String, Vec<u8>)>> {
    Ok(
        sqlx::query_as("SELECT version, description, checksum FROM _sqlx_migrations ORDER BY 1")
            .fetch_all(pool)
            .await?,
    )
}

async fn table_exists(pool: &PgPool, name: &str) -> anyhow::Result<bool> {
    Ok(sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(name)
        .fetch_one(pool)
        .await?)
}

#[test]
fn latest_version_and_iteration() {
    assert_eq!(ALL.latest_version(), Some(V2));
    assert_eq!(Migrations::new(&[]).latest_version(), None);
    assert_eq!(ALL.iter().count(), 2);
    assert_eq!(ALL.get(V1).map(|m| m.description), Some("create venues"));
}

#[tokio::test]
async fn apply_runs_pending_once() -> anyhow::Result<()> {
    with_db(|pool| async move {
        ensure!(ALL.pending(&pool).await? == [V1, V2]);
        ensure!(
            !table_exists(&pool, "_sqlx_migrations").await?,
            "pending must not create the bookkeeping table"
        );

        let applied = ALL.apply(&pool).await?;
        ensure!(versions(&applied) == [V1, V2], "{applied:?}");
        ensure!(applied[0].description == "create venues");

        let again = ALL.apply(&pool).await?;
        ensure!(again.is_empty(), "second apply applied {again:?}");
        ensure!(ALL.pending(&pool).await?.is_empty());
        sqlx::query("INSERT INTO venues (id, name, capacity) VALUES (1, 'Tanzhaus', 400)")
            .execute(&pool)
            .await?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn status_shows_applied_and_pending() -> anyhow::Result<()> {
    with_db(|pool| async move {
        let all_pending = ALL.status(&pool).await?;
        ensure!(
            all_pending
                .iter()
                .all(|s| s.state == MigrationState::Pending)
        );

        ensure!(versions(&FIRST.apply(&pool).await?) == [V1]);
        let status = ALL.status(&pool).await?;
        ensure!(status.len() == 2, "{status:?}");
        ensure!(status[0].version == V1 && status[1].version == V2);
        ensure!(
            matches!(status[0].state, MigrationState::Applied { .. }),
            "{status:?}"
        );
        ensure!(status[1].state == MigrationState::Pending, "{status:?}");
        ensure!(status[0].reversible && status[1].reversible);
        // sqlx records how long a migration took; a pending one has no time.
        ensure!(
            status[0].execution_ms.is_some_and(|ms| ms >= 0.0) && status[1].execution_ms.is_none(),
            "{status:?}"
        );
        ensure!(ALL.pending(&pool).await? == [V2]);

        ensure!(versions(&ALL.apply(&pool).await?) == [V2]);
        ensure!(
            ALL.status(&pool)
                .await?
                .iter()
                .all(|s| matches!(s.state, MigrationState::Applied { .. }))
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn changed_migration_is_a_checksum_mismatch_and_blocks_apply() -> anyhow::Result<()> {
    static CHANGED: Migrations = Migrations::new(&[
        EmbeddedMigration {
            up: "CREATE TABLE venues (id bigint PRIMARY KEY, name text);\n",
            ..CREATE_VENUES
        },
        ADD_CAPACITY,
    ]);
    with_db(|pool| async move {
        FIRST.apply(&pool).await?;
        let status = CHANGED.status(&pool).await?;
        ensure!(
            matches!(status[0].state, MigrationState::ChecksumMismatch { .. }),
            "{status:?}"
        );
        ensure!(status[1].state == MigrationState::Pending);

        let err = CHANGED.apply(&pool).await.unwrap_err();
        ensure!(
            matches!(
                err,
                Error::Migrate(MigrateError::ChecksumMismatch { version: V1, .. })
            ),
            "{err:?}"
        );
        ensure!(err.to_string().contains("create venues"), "{err}");
        ensure!(
            rows(&pool).await?.len() == 1,
            "nothing may be applied after a mismatch"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn database_ahead_of_the_binary_is_reported() -> anyhow::Result<()> {
    with_db(|pool| async move {
        ALL.apply(&pool).await?;
        let status = FIRST.status(&pool).await?;
        ensure!(
            matches!(status[1].state, MigrationState::Missing { .. }) && status[1].version == V2,
            "{status:?}"
        );
        ensure!(status[1].description == "add capacity");
        let err = FIRST.apply(&pool).await.unwrap_err();
        ensure!(
            matches!(
                err,
                Error::Migrate(MigrateError::Missing { version: V2, .. })
            ),
            "{err:?}"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn revert_last_down_to_a_version_and_everything_then_reapply() -> anyhow::Result<()> {
    with_db(|pool| async move {
        ensure!(
            ALL.revert(&pool, None).await?.is_empty(),
            "nothing to revert yet"
        );
        ALL.apply(&pool).await?;

        // Without a target: the last applied one.
        let reverted = ALL.revert(&pool, None).await?;
        ensure!(versions(&reverted) == [V2], "{reverted:?}");
        ensure!(ALL.pending(&pool).await? == [V2]);
        let reverted = ALL.revert(&pool, None).await?;
        ensure!(versions(&reverted) == [V1], "{reverted:?}");
        ensure!(!table_exists(&pool, "venues").await?);

        // Re-apply after reverting.
        ensure!(versions(&ALL.apply(&pool).await?) == [V1, V2]);

        // Down to a version: everything after it.
        let reverted = ALL.revert(&pool, Some(V1)).await?;
        ensure!(versions(&reverted) == [V2], "{reverted:?}");
        ensure!(table_exists(&pool, "venues").await?);
        ensure!(ALL.revert(&pool, Some(V1)).await?.is_empty());

        // 0: everything, newest first.
        ALL.apply(&pool).await?;
        let reverted = ALL.revert(&pool, Some(0)).await?;
        ensure!(versions(&reverted) == [V2, V1], "{reverted:?}");
        ensure!(rows(&pool).await?.is_empty());
        ensure!(!table_exists(&pool, "venues").await?);
        let dance: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'dance')")
                .fetch_one(&pool)
                .await?;
        ensure!(!dance, "the down script of {V2} must have run");

        ensure!(versions(&ALL.apply(&pool).await?) == [V1, V2]);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn revert_refuses_unknown_targets_and_missing_down_scripts() -> anyhow::Result<()> {
    static ONE_WAY: Migrations = Migrations::new(&[
        CREATE_VENUES,
        EmbeddedMigration {
            down: None,
            ..ADD_CAPACITY
        },
    ]);
    with_db(|pool| async move {
        ONE_WAY.apply(&pool).await?;
        let err = ONE_WAY.revert(&pool, Some(12345)).await.unwrap_err();
        ensure!(
            matches!(
                err,
                Error::Migrate(MigrateError::TargetUnknown { target: 12345 })
            ),
            "{err:?}"
        );
        let err = ONE_WAY.revert(&pool, Some(0)).await.unwrap_err();
        ensure!(
            matches!(
                err,
                Error::Migrate(MigrateError::Irreversible { version: V2, .. })
            ),
            "{err:?}"
        );
        ensure!(err.to_string().contains("nothing was reverted"), "{err}");
        ensure!(rows(&pool).await?.len() == 2, "nothing may be reverted");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn failing_migration_names_version_and_sqlstate_and_leaves_nothing() -> anyhow::Result<()> {
    static BROKEN: Migrations = Migrations::new(&[
        CREATE_VENUES,
        EmbeddedMigration::new(
            20240303000000,
            "broken",
            "CREATE TABLE halls (id bigint);\nALTER TABLE no_such_table ADD COLUMN x int;\n",
            None,
        ),
    ]);
    with_db(|pool| async move {
        let err = BROKEN.apply(&pool).await.unwrap_err();
        let Error::Migrate(MigrateError::Failed {
            version,
            ref description,
            ref sqlstate,
            ..
        }) = err
        else {
            anyhow::bail!("unexpected error {err:?}");
        };
        ensure!(version == 20240303000000 && description == "broken");
        ensure!(sqlstate.as_deref() == Some("42P01"), "{err:?}");
        let message = err.to_string();
        ensure!(
            message.contains("20240303000000")
                && message.contains("no_such_table")
                && message.contains("42P01"),
            "{message}"
        );
        // The migration before it stays applied; the broken one left nothing.
        ensure!(rows(&pool).await?.len() == 1);
        ensure!(!table_exists(&pool, "halls").await?);
        Ok(())
    })
    .await
}

/// The bookkeeping is sqlx's: a `sqlx::migrate::Migrator` resolved from the same SQL files (as
/// `sqlx migrate run` would) sees our rows as applied, with equal checksums, and the other way
/// round.
#[tokio::test]
async fn sqlx_migrator_agrees_with_the_bookkeeping() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("seedbed-sqlx-migrations-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    for m in [CREATE_VENUES, ADD_CAPACITY] {
        let stem = format!("{}_{}", m.version, m.description.replace(' ', "_"));
        std::fs::write(dir.join(format!("{stem}.up.sql")), m.up)?;
        std::fs::write(dir.join(format!("{stem}.down.sql")), m.down.unwrap())?;
    }
    let result = sqlx_agreement(dir.clone()).await;
    std::fs::remove_dir_all(&dir)?;
    result
}

async fn sqlx_agreement(dir: PathBuf) -> anyhow::Result<()> {
    let from_files = sqlx::migrate::Migrator::new(dir.as_path()).await?;

    // Ours first, then sqlx's: sqlx has nothing to do and finds no mismatch.
    with_db(|pool| {
        let from_files = &from_files;
        async move {
            ALL.apply(&pool).await?;
            let before = rows(&pool).await?;
            from_files
                .run(&pool)
                .await
                .context("sqlx rejects seedbed's bookkeeping")?;
            ALL.migrator().run(&pool).await?;
            let after = rows(&pool).await?;
            ensure!(before == after, "sqlx changed the bookkeeping");
            for (m, (version, description, checksum)) in
                [CREATE_VENUES, ADD_CAPACITY].iter().zip(&after)
            {
                ensure!(*version == m.version && description == m.description);
                ensure!(*checksum == m.checksum());
            }
            let from_files_up: Vec<_> = from_files
                .iter()
                .filter(|m| !m.migration_type.is_down_migration())
                .map(|m| (m.version, m.checksum.to_vec()))
                .collect();
            ensure!(
                from_files_up
                    == after
                        .iter()
                        .map(|(v, _, c)| (*v, c.clone()))
                        .collect::<Vec<_>>()
            );
            Ok(())
        }
    })
    .await?;

    // sqlx's first, then ours: all applied, nothing pending, then revert with ours.
    with_db(|pool| {
        let from_files = &from_files;
        async move {
            from_files.run(&pool).await?;
            let status = ALL.status(&pool).await?;
            ensure!(
                status
                    .iter()
                    .all(|s| matches!(s.state, MigrationState::Applied { .. })),
                "{status:?}"
            );
            ensure!(ALL.apply(&pool).await?.is_empty());
            ensure!(versions(&ALL.revert(&pool, Some(0)).await?) == [V2, V1]);
            Ok(())
        }
    })
    .await
}

#[tokio::test]
async fn concurrent_applies_run_each_migration_once() -> anyhow::Result<()> {
    with_db(|pool| async move {
        let (a, b) = tokio::join!(ALL.apply(&pool), ALL.apply(&pool));
        let mut all = versions(&a?);
        all.extend(versions(&b?));
        all.sort();
        ensure!(all == [V1, V2], "{all:?}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn bad_url_is_explained_with_the_password_masked() {
    for url in [
        "postgres://app:hunter2@db:notaport/app",
        "mysql://app:hunter2@db/app",
        "app:hunter2@db/app",
    ] {
        let err = connect(url).await.unwrap_err();
        assert!(
            matches!(err, Error::Connect(ConnectError::InvalidDatabaseUrl { .. })),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("***"), "{message}");
        assert!(
            message.contains("postgres://user[:password]@host[:port]/database"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn unreachable_server_fails_within_the_retry_budget() {
    // A port nobody listens on: bind one, note it, let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://app:hunter2@127.0.0.1:{port}/app");
    let start = Instant::now();
    let err = connect(&url).await.unwrap_err();
    let elapsed = start.elapsed();

    assert!(
        elapsed < CONNECT_BUDGET + Duration::from_secs(1),
        "took {elapsed:?}"
    );
    let Error::Connect(ConnectError::Unreachable(details)) = &err else {
        panic!("unexpected error {err:?}");
    };
    assert_eq!(details.attempts, CONNECT_ATTEMPTS);
    assert_eq!(details.target, format!("127.0.0.1:{port}"));
    let message = err.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(message.contains("is PostgreSQL running?"), "{message}");
    assert!(message.contains("--database-url"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    assert!(!message.contains('\n'), "one paragraph: {message}");
}

#[tokio::test]
async fn wrong_database_name_fails_at_once_with_a_hint() -> anyhow::Result<()> {
    let db = TestDatabase::create().await?;
    let url = db.url.replace(db.name(), "seedbed_no_such_database");
    let start = Instant::now();
    let err = connect(&url).await.unwrap_err();
    db.drop().await?;
    ensure!(
        start.elapsed() < Duration::from_secs(1),
        "no retry for a missing database"
    );
    ensure!(err.sqlstate() == Some("3D000"), "{err:?}");
    ensure!(err.to_string().contains("does not exist"), "{err}");
    Ok(())
}

/// A diesel folder is applied with diesel's own bookkeeping, so `diesel migration run` and
/// seed-runner agree: the versions diesel writes (leading zeros kept), each migration once,
/// reverted newest first.
#[tokio::test]
async fn diesel_migrations_keep_diesels_bookkeeping() -> anyhow::Result<()> {
    static DIESEL: Migrations =
        seedbed::migrations!("../core/tests/corpus/diesel-advanced-blog/migrations");
    static CRATES_IO: Migrations =
        seedbed::migrations!("../core/tests/corpus/crates-io/migrations");
    ensure!(DIESEL.tool() == seedbed::migrations::Tool::Diesel);
    with_db(|pool| async move {
        let applied = DIESEL.apply(&pool).await?;
        ensure!(applied.len() == 6, "{applied:?}");
        let versions: Vec<String> =
            sqlx::query_scalar("SELECT version FROM __diesel_schema_migrations ORDER BY version")
                .fetch_all(&pool)
                .await?;
        let expected: Vec<&str> = DIESEL.iter().map(|m| m.version_text).collect();
        ensure!(versions == expected, "{versions:?} vs {expected:?}");
        ensure!(versions[0] == "00000000000000", "{versions:?}");
        ensure!(
            sqlx::query_scalar::<_, Option<String>>("SELECT to_regclass('_sqlx_migrations')::text")
                .fetch_one(&pool)
                .await?
                .is_none(),
            "no sqlx bookkeeping for a diesel folder"
        );
        ensure!(DIESEL.apply(&pool).await?.is_empty(), "applied twice");
        ensure!(DIESEL.pending(&pool).await?.is_empty());

        let reverted = DIESEL.revert(&pool, None).await?;
        let last = DIESEL.iter().map(|m| m.version).max().unwrap();
        ensure!(
            reverted.len() == 1 && reverted[0].version == last,
            "{reverted:?}"
        );
        ensure!(DIESEL.pending(&pool).await? == [last]);
        ensure!(DIESEL.apply(&pool).await?.len() == 1);
        Ok(())
    })
    .await?;
    // A large diesel project, migrations outside a transaction included (metadata.toml).
    with_db(|pool| async move {
        let applied = CRATES_IO.apply(&pool).await?;
        ensure!(
            applied.len() == CRATES_IO.len(),
            "{} of {}",
            applied.len(),
            CRATES_IO.len()
        );
        ensure!(CRATES_IO.iter().any(|m| !m.in_transaction));
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM __diesel_schema_migrations")
            .fetch_one(&pool)
            .await?;
        ensure!(count as usize == CRATES_IO.len());
        Ok(())
    })
    .await
}

/// A refinery folder keeps refinery's bookkeeping, checksums as refinery itself computes them,
/// so refinery sees these migrations applied and unchanged.
#[tokio::test]
async fn refinery_migrations_keep_refinerys_bookkeeping() -> anyhow::Result<()> {
    static REFINERY: Migrations = seedbed::migrations!("tests/refinery_migrations");
    ensure!(REFINERY.tool() == seedbed::migrations::Tool::Refinery);
    with_db(|pool| async move {
        ensure!(REFINERY.apply(&pool).await?.len() == 2);
        let rows: Vec<(i32, String, String, String)> = sqlx::query_as(
            "SELECT version, name, applied_on, checksum FROM refinery_schema_history ORDER BY version",
        )
        .fetch_all(&pool)
        .await?;
        for ((version, name, applied_on, checksum), file) in
            rows.iter().zip(["V1__create_venues", "V2__add_capacity"])
        {
            let sql = std::fs::read_to_string(format!(
                "{}/tests/refinery_migrations/{file}.sql",
                env!("CARGO_MANIFEST_DIR")
            ))?;
            let theirs = refinery_core::Migration::unapplied(file, &sql)?;
            ensure!(*version == theirs.version(), "{version}");
            ensure!(name == theirs.name(), "{name}");
            ensure!(*checksum == theirs.checksum().to_string(), "{file}: {checksum}");
            ensure!(chrono::DateTime::parse_from_rfc3339(applied_on).is_ok(), "{applied_on}");
        }
        ensure!(REFINERY.apply(&pool).await?.is_empty(), "applied twice");
        let status = REFINERY.status(&pool).await?;
        ensure!(
            status
                .iter()
                .all(|s| matches!(s.state, MigrationState::Applied { .. })),
            "{status:?}"
        );
        // A migration edited after it ran is refused, as refinery refuses it.
        sqlx::query("UPDATE refinery_schema_history SET checksum = '1' WHERE version = 1")
            .execute(&pool)
            .await?;
        let err = REFINERY.apply(&pool).await.unwrap_err();
        ensure!(
            matches!(err, Error::Migrate(MigrateError::ChecksumMismatch { version: 1, .. })),
            "{err:?}"
        );
        Ok(())
    })
    .await
}
