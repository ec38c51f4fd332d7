//! Scenarios as fixtures: `#[seedbed::test]` hands each test a clone of a template built once
//! per (migrations, units, context), from a pool of clones made ahead; nothing stays behind.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use seedbed::testing::__private::{Mode, run};
use seedbed::testing::{Fixture, TestDatabase};
use sqlx::{PgConnection, PgPool};

#[seedbed::test(units = [power_user])]
async fn a_fixture_database_has_the_scenario_applied(pool: PgPool) -> anyhow::Result<()> {
    let (teachers, follows): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM teachers),
                (SELECT count(*) FROM user_teacher_follows f JOIN users u ON u.id = f.user_id
                 WHERE u.email LIKE 'paula%')",
    )
    .fetch_one(&pool)
    .await?;
    assert!(teachers > 0);
    assert_eq!(follows, teachers, "the power user follows every teacher");
    let applied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM seedbed.ledger WHERE unit = 'power_user'")
            .fetch_one(&pool)
            .await?;
    assert_eq!(applied, 1);
    Ok(())
}

#[seedbed::test(units = [power_user], clock = "2026-05-01")]
async fn the_clock_and_the_handle_are_given(
    mut conn: PgConnection,
    db: &TestDatabase,
) -> anyhow::Result<()> {
    let last_login: String = sqlx::query_scalar(
        "SELECT to_char(last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
         FROM users WHERE email LIKE 'paula%'",
    )
    .fetch_one(&mut conn)
    .await?;
    assert_eq!(
        last_login, "2026-05-01 00:00",
        "days_ago(0) is the clock's day"
    );
    let current: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&mut conn)
        .await?;
    assert_eq!(current, db.name());
    assert!(db.name().contains("seedbed_test_"));
    Ok(())
}

#[seedbed::test(units = [notifications], read_only)]
async fn a_read_only_test_shares_a_clone_that_refuses_writes(
    pool: PgPool,
    db: &TestDatabase,
) -> anyhow::Result<()> {
    assert!(db.name().contains("seedbed_shared_"), "{}", db.name());
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications")
        .fetch_one(&pool)
        .await?;
    assert!(count > 0);
    let refused = sqlx::query("DELETE FROM notifications")
        .execute(&pool)
        .await
        .unwrap_err();
    let code = refused.as_database_error().and_then(|e| e.code());
    assert_eq!(
        code.as_deref(),
        Some("25006"),
        "read-only transaction: {refused}"
    );
    Ok(())
}

#[seedbed::test(units = [notifications], rollback)]
async fn a_rollback_test_writes_in_a_transaction_nobody_else_sees(
    mut conn: PgConnection,
    db: &TestDatabase,
) -> anyhow::Result<()> {
    let deleted = sqlx::query("DELETE FROM notifications")
        .execute(&mut conn)
        .await?
        .rows_affected();
    assert!(deleted > 0);
    let other = db.connect().await?;
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications")
        .fetch_one(&other)
        .await?;
    assert_eq!(seen as u64, deleted, "the delete is not committed");
    other.close().await;
    Ok(())
}

#[tokio::test]
async fn clones_are_independent_and_share_one_template() -> anyhow::Result<()> {
    let fixture = Fixture::new(festival_seeds::MIGRATIONS).units(&["notifications"]);
    let (a, b) = (fixture.database().await?, fixture.database().await?);
    assert_ne!(a.name(), b.name());
    let (pool_a, pool_b) = (a.connect().await?, b.connect().await?);
    sqlx::query("DELETE FROM notifications")
        .execute(&pool_a)
        .await?;
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications")
        .fetch_one(&pool_b)
        .await?;
    assert!(left > 0, "a change in one clone does not reach another");
    let other = Fixture::new(festival_seeds::MIGRATIONS).units(&["power_user"]);
    assert_ne!(fixture.template_name()?, other.template_name()?);
    assert_eq!(
        fixture.template_name()?,
        Fixture::new(festival_seeds::MIGRATIONS)
            .units(&["notifications"])
            .template_name()?
    );
    pool_a.close().await;
    pool_b.close().await;
    a.drop().await?;
    b.drop().await?;
    Ok(())
}

async fn admin() -> anyhow::Result<PgPool> {
    Ok(seedbed::database::connect(&TestDatabase::admin_url()).await?)
}

async fn comment_of(admin: &PgPool, name: &str) -> anyhow::Result<Option<Option<String>>> {
    Ok(sqlx::query_scalar(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
    )
    .bind(name)
    .fetch_optional(admin)
    .await?)
}

#[test]
fn a_failed_test_keeps_its_database_and_a_passed_one_drops_it() -> anyhow::Result<()> {
    let fixture = Fixture::new(festival_seeds::MIGRATIONS).units(&["notifications"]);
    let names = Arc::new(Mutex::new(Vec::new()));
    for fail in [true, false] {
        let names = Arc::clone(&names);
        let outcome: Result<(), &str> = run(fixture.clone(), Mode::Own, |db| async move {
            names.lock().unwrap().push(db.name().to_owned());
            if fail { Err("failed") } else { Ok(()) }
        });
        assert_eq!(outcome.is_err(), fail);
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let admin = admin().await?;
        let [failed, passed] = <[String; 2]>::try_from(names.lock().unwrap().clone()).unwrap();
        assert_eq!(
            comment_of(&admin, &failed).await?,
            Some(Some("seedbed: kept, its test failed".to_owned()))
        );
        sqlx::query(&format!("DROP DATABASE {failed}"))
            .execute(&admin)
            .await?;
        // The passed test's database goes in the background.
        let start = Instant::now();
        while comment_of(&admin, &passed).await?.is_some() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{passed} is still there"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        anyhow::Ok(())
    })
}

/// A test run in a child process (by [`in_child`]): it claims its database, then, when told,
/// dies without a word, as a killed run does.
#[seedbed::test(units = [notifications])]
async fn child_claims_then_maybe_dies(db: &TestDatabase) {
    if std::env::var("SEEDBED_FIXTURES_CHILD").is_ok_and(|v| v == "die") {
        eprintln!("child database: {}", db.name());
        std::process::abort();
    }
    assert!(db.was_ready() || db.name().contains("seedbed_test_"));
}

/// Runs [`child_claims_then_maybe_dies`] in a child process under its own name prefix.
fn in_child(prefix: &str, die: bool) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["child_claims_then_maybe_dies", "--exact", "--nocapture"])
        .env("SEEDBED_TEST_DB_PREFIX", prefix)
        .env("SEEDBED_FIXTURES_CHILD", if die { "die" } else { "live" })
        .output()
        .unwrap()
}

/// The databases of a prefix that are not templates, after waiting up to ten seconds for them
/// to go.
async fn left_behind(admin: &PgPool, prefix: &str) -> anyhow::Result<Vec<String>> {
    let start = Instant::now();
    loop {
        let left: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)
             AND NOT starts_with(datname, $2) ORDER BY datname",
        )
        .bind(format!("{prefix}_seedbed_"))
        .bind(format!("{prefix}_seedbed_tpl_"))
        .fetch_all(admin)
        .await?;
        if left.is_empty() || start.elapsed() > Duration::from_secs(10) {
            return Ok(left);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn drop_prefix(admin: &PgPool, prefix: &str) -> anyhow::Result<()> {
    let all: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
            .bind(format!("{prefix}_seedbed_"))
            .fetch_all(admin)
            .await?;
    for name in all {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(admin)
            .await?;
    }
    Ok(())
}

fn child_prefix(kind: &str) -> String {
    format!(
        "{}{kind}",
        std::env::var("SEEDBED_TEST_DB_PREFIX").unwrap_or_default()
    )
}

#[tokio::test]
async fn nothing_is_left_after_a_run_nor_after_a_killed_one() -> anyhow::Result<()> {
    let admin = admin().await?;

    // A run that ends: its janitor drops the pool's clones once its last process is gone.
    let prefix = child_prefix("x");
    let run = in_child(&prefix, false);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let ended = left_behind(&admin, &prefix).await?;

    // A run killed after its test took a database: that database and the pool go too (its
    // janitor sees no test process left).
    let killed = in_child(&prefix, true);
    assert!(!killed.status.success());
    let stderr = String::from_utf8_lossy(&killed.stderr);
    let database = stderr
        .lines()
        .find_map(|l| l.strip_prefix("child database: "))
        .unwrap_or_default()
        .to_owned();
    let after_kill = left_behind(&admin, &prefix).await?;
    let templates: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE starts_with(datname, $1)")
            .bind(format!("{prefix}_seedbed_tpl_"))
            .fetch_one(&admin)
            .await?;
    drop_prefix(&admin, &prefix).await?;
    admin.close().await;
    assert_eq!(ended, Vec::<String>::new());
    assert!(database.contains("_seedbed_test_"), "{stderr}");
    assert_eq!(after_kill, Vec::<String>::new());
    assert_eq!(templates, 1, "the template stays for the next run");
    Ok(())
}

#[tokio::test]
async fn stale_databases_of_a_prefix_are_swept_at_the_start() -> anyhow::Result<()> {
    // Left by runs long ago, under a prefix of their own: a kept database an hour old, one
    // whose process is gone, a template unused for years, and a template from before templates
    // recorded their use (kept, and its clock started).
    let prefix = child_prefix("s");
    let admin = admin().await?;
    let kept = format!("{prefix}_seedbed_test_1000000001_1_1");
    let orphan = format!("{prefix}_seedbed_test_{}_999999_1", 2_000_000_000);
    let old_template = format!("{prefix}_seedbed_tpl_unused");
    let unmarked = format!("{prefix}_seedbed_tpl_unmarked");
    for name in [&kept, &orphan, &old_template, &unmarked] {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&admin)
            .await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await?;
    }
    for (name, comment) in [
        (&kept, "seedbed: kept, its test failed".to_owned()),
        (
            &old_template,
            "seedbed fixture template, last used 1000000001".to_owned(),
        ),
    ] {
        sqlx::query(&format!("COMMENT ON DATABASE {name} IS '{comment}'"))
            .execute(&admin)
            .await?;
    }
    let run = in_child(&prefix, false); // joins the server, which sweeps
    let exists = async |name: &str| comment_of(&admin, name).await.map(|c| c.is_some());
    let swept = (
        exists(&kept).await?,
        exists(&orphan).await?,
        exists(&old_template).await?,
        exists(&unmarked).await?,
    );
    let comment = comment_of(&admin, &unmarked).await?.flatten();
    left_behind(&admin, &prefix).await?;
    drop_prefix(&admin, &prefix).await?;
    admin.close().await;
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(swept, (false, false, false, true));
    assert!(
        comment.is_some_and(|c| c.starts_with("seedbed fixture template, last used ")),
        "the unmarked template's clock started"
    );
    Ok(())
}
