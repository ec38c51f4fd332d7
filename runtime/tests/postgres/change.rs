//! A changed unit: its new rows, changed values and removed rows reach the database in one
//! transaction with its ledger entry, unless other data points at what it would delete.

use anyhow::{Result, bail};
use seedbed::Error;
use seedbed::error::ApplyError;
use seedbed::run::{Outcome, UnitReport};
use seedbed_test_units::t_edited;
use sqlx::PgPool;

use crate::support::{
    Fresh, all_counts, apply, count, counts, generation, insert_unrelated, ledger, ledger_rows,
    options, report, runner_events, snapshot,
};

/// Applies the `t_edited` unit with the given scales.
async fn apply_edited(pool: &PgPool, scale: &[(&str, u64)]) -> Result<Vec<UnitReport>> {
    apply(pool, &["t_edited"], &options("development", scale)).await
}

/// The distinct transactions that wrote the rows `rows` selects (a query returning `xmin`) and
/// the ledger entry of `unit`.
async fn writers(pool: &PgPool, rows: &str, unit: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT xmin::text FROM ({rows}) AS r
         UNION SELECT xmin::text FROM seedbed.ledger WHERE unit = $1"
    ))
    .bind(unit)
    .fetch_all(pool)
    .await?)
}

#[tokio::test]
async fn changes_to_a_unit_propagate_in_one_transaction() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let venues = |slugs: &[&str]| -> Vec<String> {
        slugs.iter().map(|s| format!("runner-edit-{s}")).collect()
    };
    let edited = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT slug::text FROM venues WHERE slug LIKE 'runner-edit-%' ORDER BY slug",
        )
        .fetch_all(pool)
        .await
    };

    let r = apply_edited(pool, &[("n", 3)]).await?;
    assert_eq!(r[0].outcome, Outcome::Applied);
    assert_eq!(counts(&r, "t_edited", "venues"), (3, 0, 0, 0));
    assert_eq!(generation(pool, "t_edited").await?, 1);

    // Rows added: upserted, the others untouched.
    let untouched = snapshot(pool, "venues").await?;
    let r = apply_edited(pool, &[("n", 5)]).await?;
    assert_eq!(r[0].outcome, Outcome::Updated);
    assert_eq!(counts(&r, "t_edited", "venues"), (2, 0, 3, 0));
    assert_eq!(generation(pool, "t_edited").await?, 2);
    assert_eq!(edited().await?, venues(&["0", "1", "2", "3", "4"]));
    let now = snapshot(pool, "venues").await?;
    assert!(
        untouched.iter().all(|row| now.contains(row)),
        "kept rows were rewritten"
    );
    let new = "SELECT xmin FROM venues WHERE slug IN ('runner-edit-3', 'runner-edit-4')";
    assert_eq!(writers(pool, new, "t_edited").await?.len(), 1);

    // Rows removed.
    let r = apply_edited(pool, &[("n", 2)]).await?;
    assert_eq!(r[0].outcome, Outcome::Updated);
    assert_eq!(counts(&r, "t_edited", "venues"), (0, 0, 2, 3));
    assert_eq!(generation(pool, "t_edited").await?, 3);
    assert_eq!(edited().await?, venues(&["0", "1"]));
    assert_eq!(ledger_rows(pool, "t_edited").await?, 2);

    // Values changed.
    let r = apply_edited(pool, &[("n", 2), ("v", 2)]).await?;
    assert_eq!(r[0].outcome, Outcome::Updated);
    assert_eq!(counts(&r, "t_edited", "venues"), (0, 2, 0, 0));
    assert_eq!(generation(pool, "t_edited").await?, 4);
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM venues ORDER BY name")
        .fetch_all(pool)
        .await?;
    assert_eq!(names, ["Edited 0, version 2", "Edited 1, version 2"]);
    let all = "SELECT xmin FROM venues";
    assert_eq!(writers(pool, all, "t_edited").await?.len(), 1);

    // The same definition again: nothing.
    let r = apply_edited(pool, &[("n", 2), ("v", 2)]).await?;
    assert_eq!(r[0].outcome, Outcome::Unchanged);
    assert_eq!(generation(pool, "t_edited").await?, 4);
    fresh.finish().await
}

#[tokio::test]
async fn changes_to_a_generated_unit_replace_its_rows_in_one_transaction() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let events = "SELECT xmin FROM events WHERE slug LIKE 'runner-event-%'";

    let r = apply(pool, &["t_events"], &options("development", &[("n", 3)])).await?;
    assert_eq!(report(&r, "t_events").outcome, Outcome::Applied);
    assert_eq!(counts(&r, "t_events", "events"), (3, 0, 0, 0));
    assert_eq!(generation(pool, "t_events").await?, 1);
    assert_eq!(runner_events(pool).await?.len(), 3);

    // Generated rows are streamed with COPY: a changed unit's rows are deleted and inserted
    // again (same keys), in one transaction with its ledger entry.
    let r = apply(pool, &["t_events"], &options("development", &[("n", 5)])).await?;
    assert_eq!(report(&r, "t_venues").outcome, Outcome::Unchanged);
    assert_eq!(report(&r, "t_events").outcome, Outcome::Updated);
    assert_eq!(counts(&r, "t_events", "events"), (5, 0, 0, 3));
    assert_eq!(generation(pool, "t_events").await?, 2);
    assert_eq!(runner_events(pool).await?.len(), 5);
    assert_eq!(writers(pool, events, "t_events").await?.len(), 1);

    let r = apply(pool, &["t_events"], &options("development", &[("n", 2)])).await?;
    assert_eq!(counts(&r, "t_events", "events"), (2, 0, 0, 5));
    assert_eq!(generation(pool, "t_events").await?, 3);
    let slugs: Vec<String> = runner_events(pool)
        .await?
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(slugs, ["runner-event-0", "runner-event-1"]);

    let opts = options("development", &[("n", 2), ("v", 2)]);
    let r = apply(pool, &["t_events"], &opts).await?;
    assert_eq!(counts(&r, "t_events", "events"), (2, 0, 0, 2));
    assert_eq!(generation(pool, "t_events").await?, 4);
    for (slug, title) in runner_events(pool).await? {
        assert!(title.ends_with("version 2"), "{slug}: {title}");
    }
    assert_eq!(writers(pool, events, "t_events").await?.len(), 1);

    let r = apply(pool, &["t_events"], &opts).await?;
    assert!(r.iter().all(|r| r.outcome == Outcome::Unchanged), "{r:#?}");
    assert_eq!(generation(pool, "t_events").await?, 4);
    assert_eq!(count(pool, "events").await?, 2);
    fresh.finish().await
}

#[tokio::test]
async fn a_change_that_would_delete_rows_other_data_points_at_is_refused() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    insert_unrelated(pool).await?;
    apply_edited(pool, &[("n", 3)]).await?;
    apply(pool, &["t_events"], &options("development", &[("n", 3)])).await?;
    // Other data pointing at `edit_2` (which the next definition drops) and at a generated event.
    sqlx::query(
        "INSERT INTO events (organizer_id, venue_id, slug, title, starts_at, ends_at, timezone)
         VALUES ('00000000-0000-4000-8000-000000000002', $1, 'hand-at-edit-2', 'Hand event',
                 '2030-01-01', '2030-01-02', 'UTC')",
    )
    .bind(t_edited::venues::edit_2.key())
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO event_saves (user_id, event_id)
         SELECT '00000000-0000-4000-8000-000000000001', id FROM events WHERE slug = 'runner-event-0'",
    )
    .execute(pool)
    .await?;
    let before = (all_counts(pool).await?, ledger(pool).await?);

    let err = apply_edited(pool, &[("n", 2)])
        .await
        .expect_err("the change would delete a venue an event is at");
    match err.downcast_ref::<Error>() {
        Some(Error::Apply(ApplyError::ChangeBlocked { unit, blockers })) => {
            assert_eq!(unit, "t_edited");
            assert_eq!(blockers.len(), 1, "{blockers:?}");
            assert_eq!(
                (blockers[0].table.as_str(), blockers[0].rows),
                ("events", 1)
            );
        }
        _ => bail!("expected ChangeBlocked, got {err:?}"),
    }
    // A generated unit's rows are replaced, so a save of one of them blocks any change.
    let err = apply(pool, &["t_events"], &options("development", &[("n", 4)]))
        .await
        .expect_err("the change would delete a saved event");
    let message = err.to_string();
    assert!(
        message.contains("1 row(s) of `event_saves` reference `events`")
            && message.contains("--cleanup --only t_events --cascade"),
        "{message}"
    );
    assert_eq!((all_counts(pool).await?, ledger(pool).await?), before);
    fresh.finish().await
}
