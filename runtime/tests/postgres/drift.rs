//! Rows changed by hand after a run: `status` reports the drift, the next run puts them back,
//! for units written with upserts and for streamed ones.

use anyhow::{Context as _, Result};
use seedbed::run::{self, Outcome, UnitState};
use seedbed::select::Registry;
use sqlx::PgPool;

use crate::support::{Fresh, apply, options, report, runner_events};

#[tokio::test]
async fn rows_of_a_streamed_unit_deleted_by_hand_are_reported_and_put_back() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let registry = Registry::discover()?;
    let opts = options("development", &[("n", 3)]);
    apply(pool, &["t_events"], &opts).await?;
    let before = runner_events(pool).await?;
    sqlx::query("DELETE FROM events WHERE slug = 'runner-event-1'")
        .execute(pool)
        .await?;

    let statuses = run::status(pool, &registry, &opts).await?;
    let status = statuses.iter().find(|s| s.unit == "t_events").unwrap();
    assert_eq!(status.state, UnitState::Drifted);
    assert_eq!(status.drift.as_ref().map(|d| d.missing), Some(1));

    let reports = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&reports, "t_events").outcome, Outcome::Restored);
    assert_eq!(runner_events(pool).await?, before);
    let again = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&again, "t_events").outcome, Outcome::Unchanged);
    fresh.finish().await
}

#[tokio::test]
async fn rows_of_a_streamed_unit_edited_by_hand_are_reported_and_put_back() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let registry = Registry::discover()?;
    let opts = options("development", &[("n", 3)]);
    apply(pool, &["t_events"], &opts).await?;
    let before = runner_events(pool).await?;
    // Same number of rows, one column of one row changed: only a comparison of contents sees it.
    sqlx::query("UPDATE events SET title = 'edited by hand' WHERE slug = 'runner-event-1'")
        .execute(pool)
        .await?;

    let statuses = run::status(pool, &registry, &opts).await?;
    let status = statuses.iter().find(|s| s.unit == "t_events").unwrap();
    assert_eq!(status.state, UnitState::Drifted);
    let drift = status.drift.clone().context("drift checked")?;
    assert_eq!(drift.missing, 0);
    assert_eq!(drift.edited_tables, ["events"]);

    let reports = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&reports, "t_events").outcome, Outcome::Restored);
    assert_eq!(runner_events(pool).await?, before);
    let statuses = run::status(pool, &registry, &opts).await?;
    let status = statuses.iter().find(|s| s.unit == "t_events").unwrap();
    assert_eq!(status.state, UnitState::Applied);
    let again = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&again, "t_events").outcome, Outcome::Unchanged);
    fresh.finish().await
}

#[tokio::test]
async fn rows_of_an_upserted_unit_deleted_or_edited_by_hand_are_reported_and_put_back() -> Result<()>
{
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let registry = Registry::discover()?;
    let opts = options("development", &[]);
    apply(pool, &["t_venues"], &opts).await?;
    let applied = (
        md5_of(pool, "venues").await?,
        md5_of(pool, "seedbed.ledger_rows").await?,
    );
    // One venue deleted by hand (nothing points at it), the other edited.
    sqlx::query("DELETE FROM venues WHERE slug = 'runner-hall-a'")
        .execute(pool)
        .await?;
    sqlx::query(
        "UPDATE venues SET name = 'edited by hand', capacity = NULL WHERE slug = 'runner-hall-b'",
    )
    .execute(pool)
    .await?;

    let statuses = run::status(pool, &registry, &opts).await?;
    let status = statuses.iter().find(|s| s.unit == "t_venues").unwrap();
    assert_eq!(status.state, UnitState::Drifted);
    let drift = status.drift.clone().context("drift checked")?;
    assert_eq!((drift.missing, drift.changed), (1, 1), "{drift:?}");

    let reports = apply(pool, &["t_venues"], &opts).await?;
    assert_eq!(report(&reports, "t_venues").outcome, Outcome::Restored);
    // Back to what the apply gave, ledger rows included.
    assert_eq!(
        (
            md5_of(pool, "venues").await?,
            md5_of(pool, "seedbed.ledger_rows").await?
        ),
        applied
    );
    let statuses = run::status(pool, &registry, &opts).await?;
    let status = statuses.iter().find(|s| s.unit == "t_venues").unwrap();
    assert_eq!(status.state, UnitState::Applied);
    fresh.finish().await
}

/// The md5 of every row of `table`.
/// Applies `units` while another session holds a lock on `tables` that every write to them
/// waits for: an error if the run waited, that is, if it wrote.
async fn apply_without_writing(
    pool: &PgPool,
    tables: &str,
    units: &[&str],
    opts: &run::RunOptions,
) -> Result<Vec<run::UnitReport>> {
    let mut holder = pool.begin().await?;
    sqlx::query(&format!("LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE"))
        .execute(&mut *holder)
        .await?;
    let reports =
        tokio::time::timeout(std::time::Duration::from_secs(10), apply(pool, units, opts))
            .await
            .context("the run waited for the lock: it wrote")??;
    holder.rollback().await?;
    Ok(reports)
}

async fn md5_of(pool: &PgPool, table: &str) -> Result<String> {
    let sql = format!("SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t");
    Ok(sqlx::query_scalar(&sql).fetch_one(pool).await?)
}

#[tokio::test]
async fn an_unchanged_upserted_unit_is_compared_without_writing() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[]);
    apply(pool, &["t_venues"], &opts).await?;

    // The re-run compares the rows with the ledger's digests and never writes.
    let again = apply_without_writing(pool, "organizers, venues", &["t_venues"], &opts).await?;
    assert_eq!(report(&again, "t_venues").outcome, Outcome::Unchanged);
    let rows: u64 = report(&again, "t_venues")
        .tables
        .iter()
        .map(|t| t.unchanged)
        .sum();
    assert_eq!(rows, 3);
    fresh.finish().await
}

#[tokio::test]
async fn a_migration_that_changes_a_default_the_rows_leave_out_rewrites_them() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[]);
    apply(pool, &["t_venues"], &opts).await?;
    let capacity = || {
        sqlx::query_scalar::<_, Option<i32>>(
            "SELECT capacity FROM venues WHERE slug = 'runner-hall-a'",
        )
        .fetch_one(pool)
    };
    assert_eq!(capacity().await?, None);

    // Hall A leaves `capacity` out: a fresh apply now gives it the new default, so a re-run must.
    sqlx::query("ALTER TABLE venues ALTER COLUMN capacity SET DEFAULT 100")
        .execute(pool)
        .await?;
    let reports = apply(pool, &["t_venues"], &opts).await?;
    assert_eq!(report(&reports, "t_venues").outcome, Outcome::Restored);
    assert_eq!(capacity().await?, Some(100));
    let again = apply(pool, &["t_venues"], &opts).await?;
    assert_eq!(report(&again, "t_venues").outcome, Outcome::Unchanged);
    fresh.finish().await
}

#[tokio::test]
async fn a_column_the_rows_leave_out_that_a_trigger_keeps_is_left_to_it() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    // A counter cache: each event at a venue counts itself there, as crates.io's triggers do.
    sqlx::raw_sql(
        "ALTER TABLE venues ADD COLUMN events_count integer NOT NULL DEFAULT 0;
         CREATE FUNCTION count_event() RETURNS trigger AS $$
         BEGIN UPDATE venues SET events_count = events_count + 1 WHERE id = NEW.venue_id; RETURN NEW; END
         $$ LANGUAGE plpgsql;
         CREATE TRIGGER count_event AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION count_event();",
    )
    .execute(pool)
    .await?;
    let opts = options("development", &[("n", 3)]);
    apply(pool, &["t_events"], &opts).await?;
    let counted = || {
        sqlx::query_scalar::<_, i64>("SELECT sum(events_count)::bigint FROM venues").fetch_one(pool)
    };
    assert_eq!(counted().await?, 3);

    // The venues' rows are no longer as committed (the trigger counted), yet none of what the
    // unit sets changed: the re-run leaves them, and the counter, as they are.
    let again = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(report(&again, "t_venues").outcome, Outcome::Unchanged);
    assert_eq!(counted().await?, 3);

    // That run kept the digests of the rows as they are: the next one writes nothing at all.
    let tables = "organizers, venues, events";
    let third = apply_without_writing(pool, tables, &["t_events"], &opts).await?;
    assert!(third.iter().all(|r| r.outcome == Outcome::Unchanged));
    fresh.finish().await
}
