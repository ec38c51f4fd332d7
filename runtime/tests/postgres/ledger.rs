//! The ledger's own state: a damaged one refused with the way out, a lost one rebuilt from the
//! derived keys, an older format brought up to date.

use anyhow::Result;
use seedbed::run::{self, Outcome};
use seedbed::select::Registry;
use serde_json::Value as Json;

use crate::support::{Fresh, apply, count, options, report};

#[tokio::test]
async fn a_damaged_ledger_is_refused_and_a_lost_one_rebuilt() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let registry = Registry::discover()?;
    let opts = options("development", &[]);
    apply(pool, &["t_venues"], &opts).await?;
    let venues = count(pool, "venues").await?;
    sqlx::query("DROP TABLE seedbed.ledger_rows")
        .execute(pool)
        .await?;
    // Cleanup, apply and status alike.
    let errors = [
        run::cleanup(pool, &registry, None, false, &opts)
            .await
            .map(drop)
            .map_err(anyhow::Error::from),
        apply(pool, &["t_venues"], &opts).await.map(drop),
        run::status(pool, &registry, &opts)
            .await
            .map(drop)
            .map_err(anyhow::Error::from),
    ];
    for (command, result) in ["cleanup", "apply", "status"].iter().zip(errors) {
        let e = result.expect_err("a damaged ledger is refused").to_string();
        assert!(
            e.contains("ledger is damaged") && e.contains("seedbed.ledger_rows"),
            "{command}: {e}"
        );
        assert!(e.contains("DROP SCHEMA seedbed CASCADE"), "{command}: {e}");
    }
    assert_eq!(count(pool, "venues").await?, venues);

    // A newer format is refused too.
    sqlx::query("COMMENT ON SCHEMA seedbed IS 'seedbed ledger 99'")
        .execute(pool)
        .await?;
    let e = apply(pool, &["t_venues"], &opts).await.unwrap_err();
    assert!(e.to_string().contains("format 99"), "{e}");

    // The documented way back: start the ledger over; rows with derived keys are found again.
    sqlx::query("DROP SCHEMA seedbed CASCADE")
        .execute(pool)
        .await?;
    apply(pool, &["t_venues"], &opts).await?;
    assert_eq!(count(pool, "venues").await?, venues);
    run::cleanup(pool, &registry, None, false, &opts).await?;
    assert_eq!(count(pool, "venues").await?, 0);
    fresh.finish().await
}

#[tokio::test]
async fn a_ledger_of_an_older_format_is_brought_up_to_date() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[]);
    apply(pool, &["t_venues"], &opts).await?;
    // Format 3 added `digests`: without it, a format 3 ledger is damaged, a format 2 one is not.
    sqlx::raw_sql("ALTER TABLE seedbed.ledger DROP COLUMN digests")
        .execute(pool)
        .await?;
    let e = apply(pool, &["t_venues"], &opts).await.unwrap_err();
    assert!(e.to_string().contains("seedbed.ledger.digests"), "{e}");
    sqlx::raw_sql("COMMENT ON SCHEMA seedbed IS 'seedbed ledger 2'")
        .execute(pool)
        .await?;
    let r = apply(pool, &["t_venues"], &opts).await?;
    assert_eq!(report(&r, "t_venues").outcome, Outcome::Unchanged);
    apply(pool, &["t_events"], &options("development", &[("n", 2)])).await?;
    let version: String =
        sqlx::query_scalar("SELECT obj_description('seedbed'::regnamespace, 'pg_namespace')")
            .fetch_one(pool)
            .await?;
    assert_eq!(version, "seedbed ledger 3");
    let digests: Option<Json> =
        sqlx::query_scalar("SELECT digests FROM seedbed.ledger WHERE unit = 't_events'")
            .fetch_one(pool)
            .await?;
    assert!(digests.is_some_and(|d| d["events"]["rows"].as_i64() > Some(0)));
    fresh.finish().await
}
