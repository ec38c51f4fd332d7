//! Seed code that panics: an error naming the unit, nothing of it written, the run's connection
//! and lock left usable.

use anyhow::Result;
use seedbed::Error;
use seedbed::error::ApplyError;
use seedbed::run::{self, Outcome};
use seedbed::select::Registry;

use crate::support::{Fresh, apply, ledger_units, names, options};

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
