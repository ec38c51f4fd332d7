//! Applying units: a second run of the same definition writes nothing, and commits are durable.

use anyhow::Result;
use seedbed::run::{self, Outcome, UnitState};
use seedbed::select::Registry;

use crate::support::{Fresh, apply, counts, ledger, options, report, snapshot};

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
