//! The guards, decided before anything is written: the environment stamp, production's units,
//! and cleanup of a production database.

use anyhow::{Result, bail};
use seedbed::Error;
use seedbed::error::{GuardError, SelectError};
use seedbed::run::Outcome;
use seedbed::select::Registry;

use crate::support::{Fresh, apply, cleanup, count, ledger, names, options, report, stamp};

#[tokio::test]
async fn the_environment_stamp_guards_mixing_environments() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;

    apply(pool, &["t_venues"], &options("development", &[])).await?;
    assert_eq!(stamp(pool).await?.as_deref(), Some("development"));

    let before = ledger(pool).await?;
    let err = apply(pool, &["t_venues", "t_events"], &options("test", &[]))
        .await
        .expect_err("another environment should be refused");
    match err.downcast_ref::<Error>() {
        Some(Error::Guard(GuardError::EnvironmentMismatch { stamped, requested })) => {
            assert_eq!(
                (stamped.as_str(), requested.as_str()),
                ("development", "test")
            );
        }
        _ => bail!("expected EnvironmentMismatch, got {err:?}"),
    }
    assert_eq!(ledger(pool).await?, before);
    assert_eq!(count(pool, "events").await?, 0);

    let mut opts = options("test", &[]);
    opts.allow_env_change = true;
    let r = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&r, "t_events").outcome, Outcome::Applied);
    assert_eq!(stamp(pool).await?.as_deref(), Some("test"));
    // Now stamped test: test runs go through without the flag.
    apply(pool, &["t_events"], &options("test", &[])).await?;
    fresh.finish().await
}

#[tokio::test]
async fn production_takes_only_production_units() -> Result<()> {
    let registry = Registry::discover()?;
    let err = registry
        .select(Some(&names(&["t_events"])), "production")
        .expect_err("t_events does not run in production");
    assert!(
        matches!(&err, Error::Select(SelectError::UnitNotAllowed { unit, .. }) if unit == "t_events"),
        "{err:?}"
    );
    let everything = registry.select(None, "production")?;
    assert!(everything.iter().all(|u| u.allows("production")));
    // Of these tests' units, only the reference data (Festival Scout's: seeds/tests/scenarios.rs).
    let names: Vec<&str> = everything.iter().map(|u| u.name).collect();
    assert_eq!(names, ["t_styles"]);
    Ok(())
}

#[tokio::test]
async fn cleanup_refuses_a_production_database_unless_overridden() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let prod = options("production", &[]);
    apply(pool, &["t_styles"], &prod).await?;
    assert_eq!(stamp(pool).await?.as_deref(), Some("production"));

    for opts in [prod.clone(), options("development", &[])] {
        let err = cleanup(pool, &["t_styles"], false, &opts)
            .await
            .expect_err("cleanup of production should be refused");
        assert!(
            matches!(err, Error::Guard(GuardError::ProductionRefused { .. })),
            "{err:?}"
        );
        assert_eq!(count(pool, "dance_styles").await?, 1);
    }

    let mut overridden = prod.clone();
    overridden.production_override = true;
    cleanup(pool, &["t_styles"], false, &overridden).await?;
    assert_eq!(count(pool, "dance_styles").await?, 0);
    fresh.finish().await
}
