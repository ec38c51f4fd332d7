//! Scenarios as fixtures: each test gets a clone of a template database built once per
//! (migrations, units), with the units applied.

use festival_seeds::MIGRATIONS;
use seedbed::fixture::Fixture;

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
