//! `status`: each unit pending, applied, changed or not in the environment, without writing.

use anyhow::Result;
use seedbed::run::{self, UnitState};
use seedbed::select::Registry;

use crate::support::{Fresh, apply, ledger, options};

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

    // A ledger entry of another definition (the command line's: seeds/tests/runner.rs).
    sqlx::query("UPDATE seedbed.ledger SET checksum = 'old' WHERE unit = 't_venues'")
        .execute(pool)
        .await?;
    let s = run::status(pool, &registry, &opts).await?;
    assert_eq!(state(&s, "t_venues"), UnitState::Changed);
    fresh.finish().await
}
