//! A large streamed unit loaded into bare tables: its table's keys, indexes and foreign keys
//! (and those of other tables pointing at it) dropped for the load and built again in the same
//! transaction, ending as they were; a row they refuse fails the unit as on insert; a role
//! that may not drop them loads row by row and is told so once.

use std::sync::{Arc, Mutex};

use anyhow::Result;
use seedbed::Error;
use seedbed::error::ApplyError;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::support::{Fresh, apply, count, ledger_units, options};

/// What the schema adds by hand for these tests, so that the rebuild meets each kind of thing it
/// keeps: foreign keys of another table pointing at `events`, one NOT VALID and one deferrable
/// (whose checks of deleted rows wait for the commit), a NOT VALID check, a deferrable foreign
/// key of `events`, a unique index that is not a constraint, a partial index.
const EXTRA: &str = "
ALTER TABLE reviews ADD CONSTRAINT reviews_event_unchecked
    FOREIGN KEY (event_id) REFERENCES events (id) NOT VALID;
ALTER TABLE event_saves ADD CONSTRAINT event_saves_event_deferred
    FOREIGN KEY (event_id) REFERENCES events (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE events ADD CONSTRAINT events_title_not_blank CHECK (title <> '') NOT VALID;
ALTER TABLE events ADD CONSTRAINT events_venue_deferred
    FOREIGN KEY (venue_id) REFERENCES venues (id) DEFERRABLE INITIALLY DEFERRED;
CREATE UNIQUE INDEX events_title_starts_idx ON events (title, starts_at);
CREATE INDEX events_drafts_idx ON events (starts_at) WHERE status = 'draft';
";

async fn migrated() -> Result<Fresh> {
    let fresh = Fresh::migrated().await?;
    sqlx::raw_sql(EXTRA).execute(&fresh.pool).await?;
    Ok(fresh)
}

/// Every constraint and index of the public schema: name, definition, validity, deferrability.
async fn keys_and_indexes(pool: &PgPool) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT format('%s %s %s %s valid=%s deferrable=%s/%s', conrelid::regclass, conname,
                       contype, pg_get_constraintdef(oid), convalidated, condeferrable, condeferred)
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace
         UNION ALL
         SELECT format('%s %s valid=%s', indexrelid::regclass, pg_get_indexdef(indexrelid),
                       indisvalid)
         FROM pg_index JOIN pg_class ON pg_class.oid = indexrelid
         WHERE relnamespace = 'public'::regnamespace
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await?)
}

/// The object id of `events`' primary key index: a new one after a rebuild.
async fn events_key_oid(pool: &PgPool) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT 'events_pkey'::regclass::oid::bigint")
            .fetch_one(pool)
            .await?,
    )
}

#[tokio::test]
async fn a_large_unit_loads_bare_and_ends_with_every_key_and_index_as_migrated() -> Result<()> {
    let reference = migrated().await?;
    let expected = keys_and_indexes(&reference.pool).await?;
    reference.finish().await?;

    let fresh = migrated().await?;
    let pool = &fresh.pool;
    let before = events_key_oid(pool).await?;
    apply(pool, &["t_bulk_events"], &options("development", &[])).await?;
    assert_eq!(count(pool, "events").await?, 12_000);
    assert_ne!(
        events_key_oid(pool).await?,
        before,
        "the primary key was built again"
    );
    assert_eq!(keys_and_indexes(pool).await?, expected);
    // The keys work: a second run finds every row as written.
    let again = apply(pool, &["t_bulk_events"], &options("development", &[])).await?;
    assert!(
        again
            .iter()
            .all(|r| r.outcome == seedbed::run::Outcome::Unchanged)
    );

    // A changed definition: its old rows go first, and the table, empty again, loads bare.
    let before = events_key_oid(pool).await?;
    let changed = apply(
        pool,
        &["t_bulk_events"],
        &options("development", &[("n", 13_000)]),
    )
    .await?;
    assert_eq!(
        crate::support::counts(&changed, "t_bulk_events", "events"),
        (13_000, 0, 0, 12_000)
    );
    assert_eq!(count(pool, "events").await?, 13_000);
    assert_ne!(events_key_oid(pool).await?, before);
    assert_eq!(keys_and_indexes(pool).await?, expected);
    fresh.finish().await
}

#[tokio::test]
async fn a_dry_run_of_a_large_unit_leaves_the_keys_and_indexes_it_dropped() -> Result<()> {
    let fresh = migrated().await?;
    let pool = &fresh.pool;
    let expected = keys_and_indexes(pool).await?;
    let before = events_key_oid(pool).await?;
    let registry = seedbed::select::Registry::discover()?;
    let opts = options("development", &[]);
    let selected = registry.select(
        Some(&crate::support::names(&["t_bulk_events"])),
        "development",
    )?;
    let reports = seedbed::run::dry_run(pool, &selected, &opts).await?;
    assert_eq!(
        crate::support::counts(&reports, "t_bulk_events", "events"),
        (12_000, 0, 0, 0)
    );
    assert_eq!(count(pool, "events").await?, 0);
    assert_eq!(events_key_oid(pool).await?, before);
    assert_eq!(keys_and_indexes(pool).await?, expected);
    fresh.finish().await
}

#[tokio::test]
async fn a_duplicate_found_by_the_build_fails_the_unit_and_leaves_every_index() -> Result<()> {
    let fresh = migrated().await?;
    let pool = &fresh.pool;
    let expected = keys_and_indexes(pool).await?;
    let err = apply(
        pool,
        &["t_bulk_events"],
        &options("development", &[("dup", 7_000)]),
    )
    .await
    .expect_err("event 7000 takes the slug of event 0");
    let message = err.to_string();
    assert!(matches!(
        err.downcast_ref::<Error>(),
        Some(Error::Apply(ApplyError::Constraint { .. }))
    ));
    for part in [
        "unit `t_bulk_events`",
        "table `events`",
        "events_slug_key",
        "23505",
        // The build's detail ("already exists" would be the insert's).
        "is duplicated",
    ] {
        assert!(message.contains(part), "`{part}` missing: {message}");
    }
    assert_eq!(count(pool, "events").await?, 0);
    assert_eq!(ledger_units(pool).await?, ["t_venues"]);
    assert_eq!(keys_and_indexes(pool).await?, expected);
    fresh.finish().await
}

#[tokio::test]
async fn a_dangling_reference_found_by_the_build_fails_the_unit_and_leaves_every_key() -> Result<()>
{
    let fresh = migrated().await?;
    let pool = &fresh.pool;
    let expected = keys_and_indexes(pool).await?;
    let err = apply(
        pool,
        &["t_bulk_events"],
        &options("development", &[("dangling", 9_000)]),
    )
    .await
    .expect_err("event 9000 is at a venue that does not exist");
    let message = err.to_string();
    for part in [
        "unit `t_bulk_events`",
        "table `events`",
        "violates constraint `events_venue",
        "is not present in table",
        "23503",
    ] {
        assert!(message.contains(part), "`{part}` missing: {message}");
    }
    assert_eq!(count(pool, "events").await?, 0);
    assert_eq!(ledger_units(pool).await?, ["t_venues"]);
    assert_eq!(keys_and_indexes(pool).await?, expected);
    fresh.finish().await
}

/// Collects what `tracing` prints on this thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_role_that_may_not_alter_the_tables_loads_row_by_row_and_is_told_once() -> Result<()> {
    let fresh = migrated().await?;
    let pool = &fresh.pool;
    // The ledger is made by the owner; the loader may only read and write rows.
    apply(pool, &["t_venues"], &options("development", &[])).await?;
    let expected = keys_and_indexes(pool).await?;
    let database: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(pool)
        .await?;
    let role = format!("{database}_loader");
    sqlx::raw_sql(&format!(
        "CREATE ROLE {role} LOGIN;
         GRANT USAGE ON SCHEMA public, seedbed TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public, seedbed TO {role};
         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public, seedbed TO {role};"
    ))
    .execute(pool)
    .await?;
    let loaded = async {
        let connect: PgConnectOptions = fresh.url().parse::<PgConnectOptions>()?.username(&role);
        let loader = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(connect)
            .await?;
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        let applied = apply(&loader, &["t_bulk_events"], &options("development", &[])).await;
        drop(guard);
        loader.close().await;
        applied?;
        let printed = String::from_utf8(captured.0.lock().unwrap().clone())?;
        anyhow::Ok(printed)
    }
    .await;
    sqlx::raw_sql(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
        .execute(pool)
        .await?;
    let printed = loaded?;
    assert_eq!(
        printed.matches("loads with them in place").count(),
        1,
        "{printed}"
    );
    assert!(printed.contains("42501"), "{printed}");
    assert_eq!(count(pool, "events").await?, 12_000);
    assert_eq!(keys_and_indexes(pool).await?, expected);
    fresh.finish().await
}

#[tokio::test]
async fn a_large_unit_beside_other_rows_is_digested_by_its_own_and_found_unchanged() -> Result<()> {
    let fresh = migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[]);
    apply(pool, &["t_venues"], &opts).await?;
    // Another event, not seeded: the table's rows are not all the unit's.
    sqlx::query(
        "INSERT INTO events (organizer_id, venue_id, slug, title, starts_at, ends_at, timezone)
         SELECT o.id, v.id, 'hand-made', 'By hand', now(), now() + interval '1 day', 'UTC'
         FROM organizers o, venues v LIMIT 1",
    )
    .execute(pool)
    .await?;
    apply(pool, &["t_bulk_events"], &opts).await?;
    assert_eq!(count(pool, "events").await?, 12_001);
    let again = apply(pool, &["t_bulk_events"], &opts).await?;
    assert!(
        again
            .iter()
            .all(|r| r.outcome == seedbed::run::Outcome::Unchanged),
        "{again:?}"
    );
    // Editing the other row is no edit of the unit's.
    sqlx::query("UPDATE events SET title = 'Edited' WHERE slug = 'hand-made'")
        .execute(pool)
        .await?;
    let third = apply(pool, &["t_bulk_events"], &opts).await?;
    assert!(
        third
            .iter()
            .all(|r| r.outcome == seedbed::run::Outcome::Unchanged)
    );
    fresh.finish().await
}

#[tokio::test]
async fn a_large_unit_alone_in_its_table_finds_a_row_edited_or_swapped_by_hand() -> Result<()> {
    let fresh = migrated().await?;
    let pool = &fresh.pool;
    let opts = options("development", &[]);
    let outcome = async |pool: &PgPool| -> Result<seedbed::run::Outcome> {
        let reports = apply(pool, &["t_bulk_events"], &opts).await?;
        let bulk = reports.iter().find(|r| r.unit == "t_bulk_events");
        Ok(bulk.map(|r| r.outcome).expect("the unit is reported"))
    };
    assert_eq!(outcome(pool).await?, seedbed::run::Outcome::Applied);
    assert_eq!(outcome(pool).await?, seedbed::run::Outcome::Unchanged);

    // The table holds the unit's rows alone, and as many as it wrote: one scan of the whole
    // table sees the edit.
    sqlx::query(
        "UPDATE events SET title = 'Edited' WHERE id = (SELECT id FROM events ORDER BY id LIMIT 1)",
    )
    .execute(pool)
    .await?;
    assert_eq!(outcome(pool).await?, seedbed::run::Outcome::Restored);
    assert_eq!(count(pool, "events").await?, 12_000);
    let edited: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE title = 'Edited'")
        .fetch_one(pool)
        .await?;
    assert_eq!(edited, 0);

    // One of its rows deleted and another in its place: still as many rows as it wrote.
    sqlx::raw_sql(
        "DELETE FROM events WHERE id = (SELECT id FROM events ORDER BY id DESC LIMIT 1);
         INSERT INTO events (organizer_id, venue_id, slug, title, starts_at, ends_at, timezone)
         SELECT o.id, v.id, 'hand-made', 'By hand', now(), now() + interval '1 day', 'UTC'
         FROM organizers o, venues v LIMIT 1",
    )
    .execute(pool)
    .await?;
    assert_eq!(count(pool, "events").await?, 12_000);
    assert_eq!(outcome(pool).await?, seedbed::run::Outcome::Restored);
    assert_eq!(count(pool, "events").await?, 12_001);
    fresh.finish().await
}
