//! The Festival Scout schema (`migrations/`) against a real PostgreSQL: it reverts exactly, it has
//! the tables and enum types the seeds rely on, every foreign key is indexed, and its constraints
//! reject bad rows.
//!
//! The tests of reverting create their own database through an admin connection
//! (`SEEDBED_TEST_ADMIN_URL`, default `postgres://postgres@127.0.0.1:5432`) and drop it
//! when done, even on failure; the others take the migrated schema from `#[seedbed::test(units =
//! [])]` (migrations, no units), shared by those that only read the catalog.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail, ensure};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{Connection, PgExecutor};

const MIGRATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");

/// A fresh database, dropped (`WITH (FORCE)`) when this value is dropped, panics included.
struct TestDb {
    admin: PgConnectOptions,
    name: String,
    pool: PgPool,
}

impl TestDb {
    async fn create() -> Result<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        // The server of the other tests (`SEEDBED_TEST_ADMIN_URL`, `local` included).
        let url = seedbed::testing::TestDatabase::try_admin_url()?;
        let admin = PgConnectOptions::from_str(&url).context("SEEDBED_TEST_ADMIN_URL")?;
        // Not `seedbed_test_...`: seedbed::testing's sweep drops those whose process holds no
        // owner lock, and this process takes none (each database is dropped with its value).
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?;
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!(
            "seedbed_schema_{}_{}_{}{n}",
            now.as_secs(),
            std::process::id(),
            now.subsec_nanos()
        );

        let mut conn = PgConnection::connect_with(&admin)
            .await
            .with_context(|| format!("connecting to the admin database {url}"))?;
        sqlx::raw_sql(&format!(r#"CREATE DATABASE "{name}""#))
            .execute(&mut conn)
            .await?;
        conn.close().await?;

        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(admin.clone().database(&name))
            .await?;
        Ok(Self { admin, name, pool })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread of our own.
        let dropped = std::thread::spawn(move || -> Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect_with(&admin).await?;
                let sql = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
                sqlx::raw_sql(&sql).execute(&mut conn).await?;
                Ok(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop test database {}", self.name);
        }
    }
}

async fn migrator() -> Result<Migrator> {
    Migrator::new(Path::new(MIGRATIONS))
        .await
        .context("loading migrations/")
}

/// The versions of the migrations, in order.
fn versions(migrator: &Migrator) -> Vec<i64> {
    migrator
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| m.version)
        .collect()
}

/// A migrator that knows only the migrations up to `version` included.
fn migrator_up_to(migrator: &Migrator, version: i64) -> Migrator {
    let mut prefix = Migrator::DEFAULT;
    prefix.migrations = Cow::Owned(
        migrator
            .iter()
            .filter(|m| m.version <= version)
            .cloned()
            .collect(),
    );
    prefix
}

async fn lines(db: impl PgExecutor<'_>, sql: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar::<_, String>(sql).fetch_all(db).await?)
}

/// Every section of the catalog of schema `public` that a migration may change, one object per
/// line, in a stable order; `_sqlx_migrations` is left out. Columns keep their relative order.
const CATALOG: &[(&str, &str)] = &[
    (
        "relations",
        "SELECT format('%s %s', c.relkind, c.relname)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relname NOT LIKE '\\_sqlx\\_migrations%'
         ORDER BY c.relname",
    ),
    (
        "columns",
        "SELECT format('%s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                       CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END,
                       coalesce('DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), ''))
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_sqlx_migrations'
         ORDER BY c.relname, a.attnum",
    ),
    (
        "constraints",
        "SELECT format('%s %s %s', c.relname, co.conname, pg_get_constraintdef(co.oid))
         FROM pg_constraint co
         JOIN pg_class c ON c.oid = co.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relname <> '_sqlx_migrations'
         ORDER BY c.relname, co.conname",
    ),
    (
        "indexes",
        "SELECT indexdef FROM pg_indexes
         WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations'
         ORDER BY tablename, indexname",
    ),
    (
        "enums",
        "SELECT format('%s: %s', t.typname, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder))
         FROM pg_type t
         JOIN pg_namespace n ON n.oid = t.typnamespace
         JOIN pg_enum e ON e.enumtypid = t.oid
         WHERE n.nspname = 'public'
         GROUP BY t.typname
         ORDER BY t.typname",
    ),
];

async fn catalog(pool: &PgPool) -> Result<String> {
    let mut dump = String::new();
    for (section, sql) in CATALOG {
        writeln!(dump, "-- {section}")?;
        for line in lines(pool, sql).await? {
            writeln!(dump, "{line}")?;
        }
    }
    Ok(dump)
}

/// Fails with the first differing line, which is what one needs to fix a down migration.
fn ensure_same_catalog(expected: &str, actual: &str, what: &str) -> Result<()> {
    if expected == actual {
        return Ok(());
    }
    let mut left = expected.lines();
    let mut right = actual.lines();
    loop {
        match (left.next(), right.next()) {
            (Some(l), Some(r)) if l == r => continue,
            (l, r) => bail!(
                "{what}: catalogs differ\n  expected: {}\n  actual:   {}",
                l.unwrap_or("<end>"),
                r.unwrap_or("<end>")
            ),
        }
    }
}

async fn public_tables(pool: &PgPool) -> Result<Vec<String>> {
    lines(
        pool,
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    .await
}

async fn enum_labels(pool: &PgPool, type_name: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT e.enumlabel::text FROM pg_enum e
         JOIN pg_type t ON t.oid = e.enumtypid
         JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = 'public' AND t.typname = $1
         ORDER BY e.enumsortorder",
    )
    .bind(type_name)
    .fetch_all(pool)
    .await?)
}

/// Runs `sql` and checks it fails with SQLSTATE `code` on the constraint `constraint`.
async fn ensure_rejected(pool: &PgPool, sql: &str, code: &str, constraint: &str) -> Result<()> {
    let err = match sqlx::query(sql).execute(pool).await {
        Ok(_) => bail!("expected SQLSTATE {code} on {constraint}, but it succeeded: {sql}"),
        Err(err) => err,
    };
    let db = err
        .as_database_error()
        .with_context(|| format!("expected a database error, got {err}"))?;
    ensure!(
        db.code().as_deref() == Some(code) && db.constraint() == Some(constraint),
        "expected SQLSTATE {code} on {constraint}, got {:?} on {:?}: {db}",
        db.code(),
        db.constraint()
    );
    Ok(())
}

/// Runs `sql` and checks it touched exactly `rows` rows.
async fn ensure_rows(pool: &PgPool, sql: &str, rows: u64) -> Result<()> {
    let affected = sqlx::query(sql).execute(pool).await?.rows_affected();
    ensure!(
        affected == rows,
        "expected {rows} row(s), got {affected}: {sql}"
    );
    Ok(())
}

/// One user, organizer, venue, event (2025-08-01 to 2025-08-03) and pricing tier.
const FIXTURE: &str = "
    INSERT INTO users (email, display_name, password_hash)
    VALUES ('ada@example.com', 'Ada', 'not-a-real-hash');
    INSERT INTO organizers (name, slug) VALUES ('Swing Collective', 'swing-collective');
    INSERT INTO venues (name, slug, city, country) VALUES ('Tanzhaus', 'tanzhaus', 'Berlin', 'DE');
    INSERT INTO events (organizer_id, venue_id, slug, title, starts_at, ends_at, timezone)
    SELECT o.id, v.id, 'summer-swing', 'Summer Swing',
           '2025-08-01 18:00+02', '2025-08-03 23:00+02', 'Europe/Berlin'
    FROM organizers o, venues v;
    INSERT INTO pricing_tiers (event_id, name, price, currency, quantity)
    SELECT id, 'Full pass', 120.00, 'EUR', 100 FROM events;
";

const REQUIRED_TABLES: &[&str] = &[
    "users",
    "user_preferences",
    "organizers",
    "venues",
    "teachers",
    "teacher_social_links",
    "musicians",
    "musician_social_links",
    "dance_styles",
    "events",
    "event_dance_styles",
    "event_teachers",
    "event_musicians",
    "pricing_tiers",
    "event_sessions",
    "event_saves",
    "event_attendances",
    "reviews",
    "user_teacher_follows",
    "user_musician_follows",
    "notifications",
];

#[tokio::test]
async fn up_down_up_yields_the_same_catalog() -> Result<()> {
    let db = TestDb::create().await?;
    let migrator = migrator().await?;

    migrator.run(&db.pool).await?;
    let first = catalog(&db.pool).await?;

    migrator.undo(&db.pool, 0).await?;
    ensure!(
        public_tables(&db.pool).await? == ["_sqlx_migrations"],
        "after a full revert, tables remain: {:?}",
        public_tables(&db.pool).await?
    );
    let enums: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = 'public' AND t.typtype = 'e'",
    )
    .fetch_one(&db.pool)
    .await?;
    ensure!(
        enums == 0,
        "after a full revert, {enums} enum type(s) remain"
    );
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&db.pool)
        .await?;
    ensure!(
        applied == 0,
        "after a full revert, {applied} migration(s) still recorded"
    );

    migrator.run(&db.pool).await?;
    ensure_same_catalog(&first, &catalog(&db.pool).await?, "up, down, up")
}

#[tokio::test]
async fn each_down_migration_restores_the_previous_catalog() -> Result<()> {
    let db = TestDb::create().await?;
    let migrator = migrator().await?;
    let versions = versions(&migrator);
    ensure!(versions.len() >= 2, "expected at least two migrations");

    // The catalog before any migration, then after each one, applied one at a time.
    let mut catalogs = vec![catalog(&db.pool).await?];
    for &version in &versions {
        migrator_up_to(&migrator, version).run(&db.pool).await?;
        catalogs.push(catalog(&db.pool).await?);
    }
    // Revert one at a time: each step must land exactly where the forward pass was.
    for (i, &version) in versions.iter().enumerate().rev() {
        let target = if i == 0 { 0 } else { versions[i - 1] };
        migrator.undo(&db.pool, target).await?;
        let what = format!("reverting {version}");
        ensure_same_catalog(&catalogs[i], &catalog(&db.pool).await?, &what)?;
    }
    Ok(())
}

#[seedbed::test(units = [], read_only)]
async fn schema_has_the_festival_scout_tables(pool: PgPool) -> Result<()> {
    let tables = public_tables(&pool).await?;
    let app_tables = tables.iter().filter(|t| *t != "_sqlx_migrations").count();
    ensure!(
        app_tables >= 22,
        "expected at least 22 tables, got {app_tables}: {tables:?}"
    );
    let missing: Vec<_> = REQUIRED_TABLES
        .iter()
        .filter(|&&t| !tables.iter().any(|have| have == t))
        .collect();
    ensure!(missing.is_empty(), "missing tables: {missing:?}");
    Ok(())
}

#[seedbed::test(units = [], read_only)]
async fn enum_types_have_their_labels(pool: PgPool) -> Result<()> {
    let expected: &[(&str, &[&str])] = &[
        (
            "event_status",
            &["draft", "published", "cancelled", "completed", "archived"],
        ),
        (
            "attendance_status",
            &["interested", "going", "attended", "cancelled", "waitlisted"],
        ),
        ("user_role", &["user", "organizer", "admin"]),
        (
            "skill_level",
            &["beginner", "intermediate", "advanced", "all_levels"],
        ),
        (
            "notification_status",
            &["pending", "sent", "read", "failed", "archived"],
        ),
        ("notification_channel", &["in_app", "email", "push"]),
        (
            "session_kind",
            &["workshop", "social", "concert", "performance", "talk"],
        ),
        (
            "order_status",
            &["pending", "paid", "refunded", "cancelled"],
        ),
        (
            "notification_type",
            &[
                "event_reminder",
                "new_event_from_followed",
                "event_updated",
                "event_cancelled",
                "review_reply",
                "price_drop",
                "registration_deadline",
                "system",
            ],
        ),
        (
            "social_platform",
            &[
                "instagram",
                "facebook",
                "youtube",
                "tiktok",
                "website",
                "spotify",
                "soundcloud",
                "bandcamp",
            ],
        ),
    ];
    for (type_name, labels) in expected {
        let actual = enum_labels(&pool, type_name).await?;
        ensure!(
            actual == *labels,
            "enum {type_name}: expected {labels:?}, got {actual:?}"
        );
    }
    Ok(())
}

#[seedbed::test(units = [], read_only)]
async fn schema_uses_every_type_the_seed_dsl_supports(pool: PgPool) -> Result<()> {
    let used = lines(
        &pool,
        "SELECT DISTINCT CASE WHEN t.typtype = 'e' THEN 'enum'
                              ELSE format_type(a.atttypid, NULL) END
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type t ON t.oid = a.atttypid
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped",
    )
    .await?;
    for wanted in [
        "uuid",
        "text",
        "character varying",
        "character",
        "smallint",
        "integer",
        "bigint",
        "numeric",
        "boolean",
        "timestamp with time zone",
        "date",
        "jsonb",
        "text[]",
        "enum",
    ] {
        ensure!(
            used.iter().any(|u| u == wanted),
            "no column of type {wanted}: {used:?}"
        );
    }
    Ok(())
}

#[seedbed::test(units = [], read_only)]
async fn every_foreign_key_leads_an_index(pool: PgPool) -> Result<()> {
    // A foreign key is covered when an index starts with its columns, in order.
    let foreign_keys = lines(
        &pool,
        "SELECT format('%s.%s', c.relname, co.conname)
         FROM pg_constraint co
         JOIN pg_class c ON c.oid = co.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND co.contype = 'f'
         ORDER BY 1",
    )
    .await?;
    ensure!(
        foreign_keys.len() >= 30,
        "expected at least 30 foreign keys, got {}",
        foreign_keys.len()
    );
    let uncovered = lines(
        &pool,
        "SELECT format('%s.%s', c.relname, co.conname)
         FROM pg_constraint co
         JOIN pg_class c ON c.oid = co.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND co.contype = 'f'
           AND NOT EXISTS (
               SELECT 1 FROM pg_index i
               WHERE i.indrelid = co.conrelid
                 AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(co.conkey)]
                     = co.conkey)
         ORDER BY 1",
    )
    .await?;
    ensure!(
        uncovered.is_empty(),
        "foreign keys without a leading index: {uncovered:?}"
    );
    Ok(())
}

#[seedbed::test(units = [])]
async fn check_constraints_reject_bad_rows(pool: PgPool) -> Result<()> {
    sqlx::raw_sql(FIXTURE).execute(&pool).await?;
    let pool = &pool;

    let review = |rating: i32| {
        format!(
            "INSERT INTO reviews (user_id, event_id, rating)
             SELECT u.id, e.id, {rating} FROM users u, events e"
        )
    };
    ensure_rejected(pool, &review(6), "23514", "reviews_rating_range").await?;
    ensure_rejected(pool, &review(0), "23514", "reviews_rating_range").await?;
    ensure_rows(pool, &review(5), 1).await?;

    let event = |ends_at: &str| {
        format!(
            "INSERT INTO events (organizer_id, venue_id, slug, title, starts_at, ends_at, timezone)
             SELECT o.id, v.id, 'backwards', 'Backwards', '2025-09-01 10:00+00', '{ends_at}', 'UTC'
             FROM organizers o, venues v"
        )
    };
    ensure_rejected(
        pool,
        &event("2025-09-01 10:00+00"),
        "23514",
        "events_ends_after_starts",
    )
    .await?;
    ensure_rejected(
        pool,
        &event("2025-08-31 10:00+00"),
        "23514",
        "events_ends_after_starts",
    )
    .await?;
    ensure_rows(pool, &event("2025-09-01 12:00+00"), 1).await?;

    ensure_rejected(
        pool,
        "UPDATE pricing_tiers SET price = -1",
        "23514",
        "pricing_tiers_price_nonnegative",
    )
    .await?;
    ensure_rejected(
        pool,
        "UPDATE pricing_tiers SET sold = 101",
        "23514",
        "pricing_tiers_sold_within_quantity",
    )
    .await?;
    ensure_rejected(
        pool,
        "UPDATE venues SET country = 'de'",
        "23514",
        "venues_country_format",
    )
    .await?;
    ensure_rejected(
        pool,
        "UPDATE events SET capacity = 0",
        "23514",
        "events_capacity_positive",
    )
    .await
}

#[seedbed::test(units = [])]
async fn unique_constraints_reject_duplicates(pool: PgPool) -> Result<()> {
    sqlx::raw_sql(FIXTURE).execute(&pool).await?;
    let pool = &pool;

    ensure_rejected(
        pool,
        "INSERT INTO users (email, display_name, password_hash)
         VALUES ('ada@example.com', 'Ada Again', 'not-a-real-hash')",
        "23505",
        "users_email_key",
    )
    .await?;
    ensure_rejected(
        pool,
        "INSERT INTO venues (name, slug, city, country) VALUES ('Other', 'tanzhaus', 'Wien', 'AT')",
        "23505",
        "venues_slug_key",
    )
    .await?;
    for (table, constraint) in [
        ("reviews", "reviews_user_id_event_id_key"),
        ("event_saves", "event_saves_user_id_event_id_key"),
        (
            "event_attendances",
            "event_attendances_user_id_event_id_key",
        ),
    ] {
        let extra = if table == "reviews" { ", rating" } else { "" };
        let value = if table == "reviews" { ", 4" } else { "" };
        let sql = format!(
            "INSERT INTO {table} (user_id, event_id{extra})
             SELECT u.id, e.id{value} FROM users u, events e"
        );
        ensure_rows(pool, &sql, 1).await?;
        ensure_rejected(pool, &sql, "23505", constraint).await?;
    }
    Ok(())
}

#[seedbed::test(units = [])]
async fn on_delete_rules_keep_history_and_remove_owned_rows(pool: PgPool) -> Result<()> {
    sqlx::raw_sql(FIXTURE).execute(&pool).await?;
    let pool = &pool;

    // RESTRICT: a venue or organizer with events cannot be deleted.
    ensure_rejected(pool, "DELETE FROM venues", "23503", "events_venue_id_fkey").await?;
    ensure_rejected(
        pool,
        "DELETE FROM organizers",
        "23503",
        "events_organizer_id_fkey",
    )
    .await?;

    // SET NULL: an optional link is cleared.
    ensure_rows(
        pool,
        "INSERT INTO notifications (user_id, event_id, kind, title)
         SELECT u.id, e.id, 'event_reminder', 'Tomorrow!' FROM users u, events e",
        1,
    )
    .await?;
    ensure_rows(
        pool,
        "INSERT INTO reviews (user_id, event_id, rating) SELECT u.id, e.id, 5 FROM users u, events e",
        1,
    )
    .await?;

    // CASCADE: an event takes its pricing tiers and reviews with it.
    ensure_rows(pool, "DELETE FROM events", 1).await?;
    for (sql, want) in [
        ("SELECT count(*) FROM pricing_tiers", 0),
        ("SELECT count(*) FROM reviews", 0),
        (
            "SELECT count(*) FROM notifications WHERE event_id IS NULL",
            1,
        ),
    ] {
        let got: i64 = sqlx::query_scalar(sql).fetch_one(pool).await?;
        ensure!(got == want, "{sql}: expected {want}, got {got}");
    }
    ensure_rows(pool, "DELETE FROM venues", 1).await
}
