//! Runners at once on one database: the seed-run lock makes each unit applied once.

use anyhow::Result;
use seedbed::run::Outcome;

use crate::support::{Fresh, apply, count, ledger_units, options, report};

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
