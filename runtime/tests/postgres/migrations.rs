//! Seeding a database whose migrations are behind the program's is refused.

use anyhow::Result;
use seedbed::Error;
use seedbed::error::GuardError;
use seedbed::run;
use seedbed_test_units::MIGRATIONS;

use crate::support::{Fresh, apply, count, ledger, options};

#[tokio::test]
async fn seeding_refuses_pending_migrations() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let first = MIGRATIONS.iter().map(|m| m.version).min().unwrap();
    MIGRATIONS.revert(pool, Some(first)).await?;
    let pending = MIGRATIONS.pending(pool).await?;
    assert_eq!(pending.len(), MIGRATIONS.len() - 1);

    let err = run::check_migrations(pool, &MIGRATIONS, false)
        .await
        .expect_err("pending migrations should be refused");
    assert!(
        matches!(&err, Error::Guard(GuardError::MigrationsBehind { pending: p }) if *p == pending),
        "{err:?}"
    );

    assert!(ledger(pool).await?.is_empty());

    // With `migrate`, the pending ones are applied first; then the units apply.
    run::check_migrations(pool, &MIGRATIONS, true).await?;
    assert!(MIGRATIONS.pending(pool).await?.is_empty());
    apply(pool, &["t_venues"], &options("development", &[])).await?;
    assert_eq!(count(pool, "venues").await?, 2);
    fresh.finish().await
}
