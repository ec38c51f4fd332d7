//! Cleanup: exactly the rows seedbed wrote go, others stay; rows of other data pointing at them
//! block it unless it cascades.

use anyhow::{Result, bail};
use seedbed::Error;
use seedbed::error::CleanupError;
use seedbed::run;
use seedbed::select::Registry;

use crate::support::{
    Fresh, all_counts, apply, cleanup, count, insert_unrelated, ledger, ledger_units, options,
    snapshot,
};

#[tokio::test]
async fn cleanup_removes_exactly_what_was_seeded() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[("n", 4)]);

    let empty = all_counts(pool).await?;
    insert_unrelated(pool).await?;
    let before = all_counts(pool).await?;
    let unrelated = (
        snapshot(pool, "users").await?,
        snapshot(pool, "organizers").await?,
        snapshot(pool, "venues").await?,
        snapshot(pool, "events").await?,
    );

    apply(pool, &["t_events", "t_styles"], &opts).await?;
    assert_eq!(count(pool, "events").await?, before["events"] + 4);
    assert_eq!(count(pool, "venues").await?, before["venues"] + 2);

    // Cleaning up t_venues takes t_events, which depends on it, along.
    let removed = cleanup(pool, &["t_venues"], false, &opts).await?;
    assert!(removed.cascaded.is_empty());
    let removed_rows: u64 = removed.removed.iter().map(|r| r.rows).sum();
    assert_eq!(removed_rows, 4 + 2 + 1, "{removed:#?}");
    assert_eq!(ledger_units(pool).await?, ["t_styles"]);
    assert_eq!(count(pool, "dance_styles").await?, 1);

    let registry = Registry::discover()?;
    run::cleanup(pool, &registry, None, false, &opts).await?;
    assert_eq!(all_counts(pool).await?, before);
    assert_ne!(before, empty);
    let after = (
        snapshot(pool, "users").await?,
        snapshot(pool, "organizers").await?,
        snapshot(pool, "venues").await?,
        snapshot(pool, "events").await?,
    );
    assert_eq!(unrelated, after, "rows seedbed did not write were touched");
    assert!(ledger(pool).await?.is_empty());
    assert_eq!(count(pool, "seedbed.ledger_rows").await?, 0);
    fresh.finish().await
}

#[tokio::test]
async fn cleanup_blocked_by_other_rows_removes_nothing_unless_cascading() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[("n", 3)]);
    insert_unrelated(pool).await?;
    apply(pool, &["t_events"], &opts).await?;

    // Other data pointing at seeded rows: a save of a seeded event, a review of one, and an
    // event of another organizer at a seeded venue.
    sqlx::raw_sql(
        "INSERT INTO event_saves (user_id, event_id)
             SELECT '00000000-0000-4000-8000-000000000001', id FROM events WHERE slug = 'runner-event-0';
         INSERT INTO reviews (user_id, event_id, rating)
             SELECT '00000000-0000-4000-8000-000000000001', id, 5 FROM events WHERE slug = 'runner-event-1';
         INSERT INTO events (organizer_id, venue_id, slug, title, starts_at, ends_at, timezone)
             SELECT '00000000-0000-4000-8000-000000000002', id, 'hand-event-2', 'Hand event 2',
                    '2030-01-01', '2030-01-02', 'UTC'
             FROM venues WHERE slug = 'runner-hall-a';",
    )
    .execute(pool)
    .await?;
    let before = all_counts(pool).await?;
    let ledger_before = ledger(pool).await?;

    let err = cleanup(pool, &["t_venues"], false, &opts)
        .await
        .expect_err("cleanup should be blocked");
    let Error::Cleanup(CleanupError::Blocked { blockers }) = &err else {
        bail!("expected CleanupBlocked, got {err:?}");
    };
    let mut found: Vec<(&str, &str, i64)> = blockers
        .iter()
        .map(|b| (b.table.as_str(), b.references.as_str(), b.rows))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("event_saves", "events", 1),
            ("events", "venues", 1),
            ("reviews", "events", 1)
        ],
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("1 row(s) of `event_saves`") && message.contains("--cascade"),
        "{message}"
    );
    assert_eq!(
        all_counts(pool).await?,
        before,
        "a blocked cleanup removed rows"
    );
    assert_eq!(ledger(pool).await?, ledger_before);

    let removed = cleanup(pool, &["t_venues"], true, &opts).await?;
    let mut cascaded: Vec<(&str, i64)> = removed
        .cascaded
        .iter()
        .map(|b| (b.table.as_str(), b.rows))
        .collect();
    cascaded.sort();
    assert_eq!(
        cascaded,
        [("event_saves", 1), ("events", 1), ("reviews", 1)]
    );
    let after = all_counts(pool).await?;
    assert_eq!(after["event_saves"], 0);
    assert_eq!(after["reviews"], 0);
    // Left: the hand-made event, user, organizer and venue.
    assert_eq!(after["events"], 1);
    assert_eq!(after["venues"], 1);
    assert_eq!(after["organizers"], 1);
    assert_eq!(after["users"], 1);
    assert!(ledger(pool).await?.is_empty());
    fresh.finish().await
}

#[tokio::test]
async fn cleanup_keeps_other_rows_of_a_generated_join_table() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[("n", 3)]);
    apply(pool, &["t_tagged"], &opts).await?;
    assert_eq!(count(pool, "event_dance_styles").await?, 3);
    // A row of other data in the same join table, for a generated event and another style.
    sqlx::raw_sql(
        "INSERT INTO dance_styles (id, name, slug)
             VALUES ('00000000-0000-4000-8000-000000000009', 'Hand Style', 'hand-style');
         INSERT INTO event_dance_styles (event_id, dance_style_id)
             SELECT id, '00000000-0000-4000-8000-000000000009' FROM events
             WHERE slug = 'runner-tagged-0'",
    )
    .execute(pool)
    .await?;

    // Generated events are recorded as a key range; the join rows, keyed by two columns, one
    // by one.
    let ranges: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT table_name FROM seedbed.ledger_ranges")
            .fetch_all(pool)
            .await?;
    assert_eq!(ranges, ["events"]);
    let err = cleanup(pool, &["t_tagged"], false, &opts)
        .await
        .expect_err("a hand-made row points at a seeded event");
    assert!(
        matches!(err, Error::Cleanup(CleanupError::Blocked { .. })),
        "{err:?}"
    );
    assert_eq!(count(pool, "event_dance_styles").await?, 4);
    fresh.finish().await
}
