//! What the server refuses, named: the unit, the table, the row (label or ordinal), the column
//! or constraint.

use anyhow::Result;
use seedbed::Error;
use seedbed::error::ApplyError;
use seedbed::run;

use crate::pairs::{self, PAIRS_TABLE};
use crate::support::{Fresh, apply, count, ledger_rows, ledger_units, options};

#[tokio::test]
async fn a_constraint_violation_names_unit_table_label_and_constraint() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[]);

    // A CHECK only the server knows.
    let err = apply(pool, &["t_backwards"], &opts)
        .await
        .expect_err("ends_at before starts_at should fail");
    let message = err.to_string();
    assert!(matches!(
        err.downcast_ref::<Error>(),
        Some(Error::Apply(ApplyError::Constraint { .. }))
    ));
    for part in [
        "unit `t_backwards`",
        "table `events`",
        "`backwards`",
        "events_ends_after_starts",
        "23514",
    ] {
        assert!(message.contains(part), "`{part}` missing: {message}");
    }
    // Its dependency was applied in its own transaction; nothing of t_backwards remains.
    assert_eq!(count(pool, "events").await?, 0);
    assert_eq!(ledger_units(pool).await?, ["t_venues"]);
    assert_eq!(ledger_rows(pool, "t_backwards").await?, 0);

    // A unique violation against a row made by hand (the command line's: seeds/tests/runner.rs).
    sqlx::query(
        "INSERT INTO venues (name, slug, city, country)
         VALUES ('Impostor', 'runner-edit-0', 'Berlin', 'DE')",
    )
    .execute(pool)
    .await?;
    let err = apply(pool, &["t_edited"], &opts)
        .await
        .expect_err("the slug of edit_0 is taken");
    let message = err.to_string();
    for part in [
        "unit `t_edited`",
        "table `venues`",
        "`edit_0`",
        "venues_slug_key",
        "23505",
    ] {
        assert!(message.contains(part), "`{part}` missing: {message}");
    }
    assert_eq!(count(pool, "venues").await?, 3);
    assert_eq!(ledger_units(pool).await?, ["t_venues"]);
    fresh.finish().await
}

#[tokio::test]
async fn a_bad_value_given_by_an_expression_names_the_row_and_column() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    sqlx::query(PAIRS_TABLE).execute(&fresh.pool).await?;
    let err = run::apply(&fresh.pool, &[&pairs::BAD], &options("development", &[]))
        .await
        .expect_err("the server refuses the point");
    let message = err.to_string();
    assert!(
        message.contains("unit `t_bad_pairs`, table `t_pairs`, row #2 (unlabelled), column `spot`"),
        "{message}"
    );
    assert_eq!(count(&fresh.pool, "t_pairs").await?, 0);
    fresh.finish().await
}

#[tokio::test]
async fn an_enum_value_given_by_an_expression_names_the_row() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let err = apply(&fresh.pool, &["t_bad_status"], &options("development", &[]))
        .await
        .expect_err("publishd is no event status");
    let message = format!("{err:#}");
    assert!(
        message.contains("unit `t_bad_status`, table `events`, row `typo`, column `status`")
            && message.contains("publishd"),
        "{message}"
    );
    fresh.finish().await
}
