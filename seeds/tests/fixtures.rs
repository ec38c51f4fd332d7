//! Scenarios as fixtures: each test gets a clone of a template database built once per
//! (migrations, units), with the units applied.

use festival_seeds::MIGRATIONS;
use seedbed::testing::Fixture;

#[tokio::test]
async fn a_fixture_database_has_the_scenario_applied() -> anyhow::Result<()> {
    let db = Fixture::new(MIGRATIONS)
        .units(&["power_user"])
        .database()
        .await?;
    let pool = db.connect().await?;
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
    pool.close().await;
    db.drop().await?;
    Ok(())
}

#[tokio::test]
async fn clones_are_independent_and_share_one_template() -> anyhow::Result<()> {
    let fixture = Fixture::new(MIGRATIONS).units(&["notifications"]);
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
    let other = Fixture::new(MIGRATIONS).units(&["power_user"]);
    assert_ne!(fixture.template_name()?, other.template_name()?);
    assert_eq!(
        fixture.template_name()?,
        Fixture::new(MIGRATIONS)
            .units(&["notifications"])
            .template_name()?
    );
    pool_a.close().await;
    pool_b.close().await;
    a.drop().await?;
    b.drop().await?;
    Ok(())
}

async fn database_exists(admin: &sqlx::PgPool, name: &str) -> anyhow::Result<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(admin)
            .await?,
    )
}

#[tokio::test]
async fn a_failed_test_keeps_its_database_and_stale_ones_are_swept() -> anyhow::Result<()> {
    use seedbed::testing::TestDatabase;
    let admin = seedbed::database::connect(&TestDatabase::admin_url()).await?;

    // A test that returns early with `?` never calls `drop`: its database stays for a look.
    let failed = TestDatabase::create().await?;
    let kept = failed.name().to_owned();
    drop(failed);
    assert!(database_exists(&admin, &kept).await?);
    sqlx::query(&format!("DROP DATABASE {kept}"))
        .execute(&admin)
        .await?;

    // Left by a run long ago: a test database, a template unused for years, and a template
    // from before templates recorded their use (kept, and its clock started).
    let old_test = "seedbed_test_1000000001_1_1";
    let old_template = "seedbed_tpl_wtrunner_unused";
    let unmarked = "seedbed_tpl_wtrunner_unmarked";
    for name in [old_test, old_template, unmarked] {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&admin)
            .await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await?;
    }
    sqlx::query(&format!(
        "COMMENT ON DATABASE {old_template} IS 'seedbed fixture template, last used 1000000001'"
    ))
    .execute(&admin)
    .await?;

    let db = TestDatabase::create().await?; // sweeps
    let swept = (
        database_exists(&admin, old_test).await?,
        database_exists(&admin, old_template).await?,
        database_exists(&admin, unmarked).await?,
    );
    let comment: Option<String> = sqlx::query_scalar(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
    )
    .bind(unmarked)
    .fetch_one(&admin)
    .await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {unmarked}"))
        .execute(&admin)
        .await?;
    db.drop().await?;
    admin.close().await;
    assert_eq!(swept, (false, false, true));
    assert!(
        comment.is_some_and(|c| c.starts_with("seedbed fixture template, last used ")),
        "the unmarked template's clock started"
    );
    Ok(())
}
