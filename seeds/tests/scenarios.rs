//! The Festival Scout base data and the six scenarios against a real PostgreSQL.
//!
//! Each test is a `#[seedbed::test]` (on the server of `SEEDBED_TEST_ADMIN_URL`, by default
//! `postgres://postgres@127.0.0.1:5432`): the units it names are applied to a template once,
//! through the same runner as `seed-runner`, and the test checks with SQL that the data tells the
//! story it was written for. Tests that only read share one copy of their template
//! (`read_only`); tests of applying, re-applying and cleaning up get a database of their own. The
//! run's clock is pinned, so dates relative to it are known.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, Result, ensure};
use festival_seeds::DEV_PASSWORD_HASH;
use seedbed::chrono::{DateTime, Utc};
use seedbed::run::{self, RunOptions};
use seedbed::run::{Outcome, UnitReport};
use seedbed::select::Registry;
use sqlx::PgPool;

/// The pinned "now" of every run in these tests: the `clock` of each `#[seedbed::test]` below
/// (a literal there, which the macro checks), and of the runs the tests start themselves.
/// [`applied_once`] holds the two equal.
const CLOCK: &str = "2026-05-01T09:30:00Z";

fn clock() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(CLOCK)
        .expect("CLOCK is RFC 3339")
        .to_utc()
}

fn options(environment: &str) -> Result<RunOptions> {
    let mut options = RunOptions::new(environment)?;
    options.context.clock = clock();
    Ok(options)
}

/// The units the template's run applied, per the ledger: each applied once (generation 1, never
/// updated) with the clock [`CLOCK`].
async fn applied_once(pool: &PgPool) -> Result<BTreeSet<String>> {
    let entries: Vec<(String, i64, bool)> = sqlx::query_as(
        "SELECT unit, generation, (context->>'clock')::timestamptz = $1 FROM seedbed.ledger",
    )
    .bind(clock())
    .fetch_all(pool)
    .await
    .context("reading the ledger")?;
    for (unit, generation, on_the_clock) in &entries {
        ensure!(*generation == 1, "{unit} was written {generation} times");
        ensure!(
            *on_the_clock,
            "{unit} was applied with another clock than {CLOCK}"
        );
    }
    Ok(entries.into_iter().map(|(unit, ..)| unit).collect())
}

/// Applies the named units (all allowed in `environment` when `None`) with what they need.
async fn apply(
    pool: &PgPool,
    names: Option<&[&str]>,
    environment: &str,
) -> Result<Vec<UnitReport>> {
    let names: Option<Vec<String>> = names.map(|n| n.iter().map(|s| s.to_string()).collect());
    let registry = Registry::discover()?;
    let units = registry.select(names.as_deref(), environment)?;
    Ok(run::apply(pool, &units, &options(environment)?).await?)
}

async fn count(pool: &PgPool, sql: &str) -> Result<i64> {
    sqlx::query_scalar::<_, i64>(sql)
        .bind(clock())
        .fetch_one(pool)
        .await
        .with_context(|| sql.to_owned())
}

/// `SELECT count(*) ...` equals `expected`; `$1` in the query is the run's clock.
macro_rules! expect_count {
    ($pool:expr, $expected:expr, $sql:expr $(,)?) => {{
        let actual = count($pool, $sql).await?;
        ensure!(
            actual == $expected,
            "expected {} from `{}`, found {actual}",
            $expected,
            $sql
        );
    }};
}

/// Row counts of every table of the schema (the ledger's schema excluded).
async fn table_counts(pool: &PgPool) -> Result<BTreeMap<String, i64>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
           AND table_name <> '_sqlx_migrations'
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    let mut counts = BTreeMap::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM \"{table}\""))
            .fetch_one(pool)
            .await?;
        counts.insert(table, n);
    }
    Ok(counts)
}

fn units(reports: &[UnitReport]) -> BTreeSet<&str> {
    reports.iter().map(|r| r.unit.as_str()).collect()
}

const BASE_UNITS: [&str; 9] = [
    "base",
    "dance_styles",
    "organizers",
    "venues",
    "teachers",
    "musicians",
    "events",
    "users",
    "follows",
];

#[seedbed::test(units = [base], clock = "2026-05-01T09:30:00Z", read_only)]
async fn base_data_tells_its_story(pool: PgPool) -> Result<()> {
    let applied = applied_once(&pool).await?;
    ensure!(
        applied == BASE_UNITS.map(String::from).into(),
        "{applied:?}"
    );

    // Dance styles, with sub-styles.
    expect_count!(&pool, 16, "SELECT count(*) FROM dance_styles");
    expect_count!(
        &pool,
        1,
        "SELECT count(*) FROM dance_styles s JOIN dance_styles p ON p.id = s.parent_style_id
         WHERE s.slug = 'salsa-on2' AND p.slug = 'salsa'"
    );
    // Six venues in six countries, fully located.
    expect_count!(&pool, 6, "SELECT count(DISTINCT country) FROM venues");
    expect_count!(
        &pool,
        6,
        "SELECT count(*) FROM venues WHERE address IS NOT NULL AND postal_code IS NOT NULL
         AND latitude IS NOT NULL AND longitude IS NOT NULL AND timezone LIKE '%/%'
         AND capacity > 0"
    );
    // Six teachers with specialties and links, six musicians with genres and instruments.
    expect_count!(
        &pool,
        6,
        "SELECT count(*) FROM teachers t WHERE cardinality(specialties) > 0
         AND EXISTS (SELECT FROM teacher_social_links l WHERE l.teacher_id = t.id)"
    );
    expect_count!(
        &pool,
        6,
        "SELECT count(*) FROM musicians m WHERE cardinality(genres) > 0
         AND cardinality(instruments) > 0
         AND EXISTS (SELECT FROM musician_social_links l WHERE l.musician_id = m.id)"
    );
    // Eight events in every status, each with a style, a lineup and prices.
    expect_count!(&pool, 8, "SELECT count(*) FROM events");
    expect_count!(&pool, 5, "SELECT count(DISTINCT status) FROM events");
    expect_count!(
        &pool,
        4,
        "SELECT count(*) FROM events WHERE status = 'published'"
    );
    expect_count!(
        &pool,
        8,
        "SELECT count(*) FROM events e
         WHERE EXISTS (SELECT FROM event_dance_styles s WHERE s.event_id = e.id AND s.is_primary)
           AND (EXISTS (SELECT FROM event_teachers t WHERE t.event_id = e.id)
                OR EXISTS (SELECT FROM event_musicians m WHERE m.event_id = e.id))
           AND EXISTS (SELECT FROM pricing_tiers p WHERE p.event_id = e.id)"
    );
    // Dates follow the run's clock: upcoming events are upcoming, finished ones are past.
    expect_count!(
        &pool,
        0,
        "SELECT count(*) FROM events WHERE
            (status IN ('published', 'draft') AND starts_at <= $1)
         OR (status IN ('completed', 'archived') AND ends_at >= $1)
         OR (status = 'cancelled' AND (cancelled_at IS NULL OR cancelled_at > $1))
         OR (status = 'draft' AND published_at IS NOT NULL)
         OR (status <> 'draft' AND published_at > $1)
         OR timezone IS DISTINCT FROM (SELECT timezone FROM venues v WHERE v.id = venue_id)"
    );
    // Three test users on .test with the dev password, preferences and styles.
    expect_count!(
        &pool,
        3,
        "SELECT count(*) FROM users WHERE email LIKE '%@festivalscout.test'"
    );
    let hashes: Vec<String> = sqlx::query_scalar("SELECT DISTINCT password_hash FROM users")
        .fetch_all(&pool)
        .await?;
    ensure!(hashes == [DEV_PASSWORD_HASH], "{hashes:?}");
    expect_count!(
        &pool,
        3,
        "SELECT count(DISTINCT user_id) FROM user_preferences"
    );
    expect_count!(
        &pool,
        3,
        "SELECT count(DISTINCT user_id) FROM user_dance_styles"
    );
    // Each of them follows teachers and musicians.
    expect_count!(
        &pool,
        3,
        "SELECT count(DISTINCT user_id) FROM user_teacher_follows"
    );
    expect_count!(
        &pool,
        3,
        "SELECT count(DISTINCT user_id) FROM user_musician_follows"
    );
    Ok(())
}

#[seedbed::test(units = [venues], clock = "2026-05-01T09:30:00Z", read_only)]
async fn one_base_part_applies_alone(pool: PgPool) -> Result<()> {
    let applied = applied_once(&pool).await?;
    ensure!(
        applied == BTreeSet::from(["venues".to_owned()]),
        "{applied:?}"
    );
    let counts = table_counts(&pool).await?;
    let filled: Vec<&String> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(t, _)| t)
        .collect();
    ensure!(filled == ["venues"], "{filled:?}");
    expect_count!(&pool, 6, "SELECT count(*) FROM venues");
    Ok(())
}

#[seedbed::test(units = [power_user], clock = "2026-05-01T09:30:00Z", read_only)]
async fn power_user_follows_every_teacher_and_musician(pool: PgPool) -> Result<()> {
    let applied = applied_once(&pool).await?;
    let mut expected: BTreeSet<String> = BASE_UNITS.map(String::from).into();
    expected.insert("power_user".to_owned());
    ensure!(applied == expected, "{applied:?}");

    const PAULA: &str = "(SELECT id FROM users WHERE email = 'paula.ramos@festivalscout.test')";
    let teachers = count(&pool, "SELECT count(*) FROM teachers").await?;
    let musicians = count(&pool, "SELECT count(*) FROM musicians").await?;
    ensure!(teachers == 6 && musicians == 6);
    expect_count!(
        &pool,
        teachers,
        &format!("SELECT count(*) FROM user_teacher_follows WHERE user_id = {PAULA}")
    );
    expect_count!(
        &pool,
        musicians,
        &format!("SELECT count(*) FROM user_musician_follows WHERE user_id = {PAULA}")
    );
    // She follows more than anyone else, and dances every style.
    expect_count!(
        &pool,
        1,
        &format!(
            "SELECT count(*) FROM (SELECT user_id FROM user_teacher_follows GROUP BY user_id
             ORDER BY count(*) DESC LIMIT 1) top WHERE user_id = {PAULA}"
        )
    );
    expect_count!(
        &pool,
        count(&pool, "SELECT count(*) FROM dance_styles").await?,
        &format!("SELECT count(*) FROM user_dance_styles WHERE user_id = {PAULA}")
    );
    // Several saved events, all of them published or cancelled ones she can act on.
    expect_count!(
        &pool,
        5,
        &format!("SELECT count(*) FROM event_saves WHERE user_id = {PAULA}")
    );
    expect_count!(
        &pool,
        4,
        &format!(
            "SELECT count(*) FROM event_saves s JOIN events e ON e.id = s.event_id
             WHERE s.user_id = {PAULA} AND e.status = 'published' AND e.starts_at > $1"
        )
    );
    expect_count!(
        &pool,
        1,
        &format!("SELECT count(*) FROM user_preferences WHERE user_id = {PAULA}")
    );
    Ok(())
}

#[seedbed::test(units = [complex_event], clock = "2026-05-01T09:30:00Z", read_only)]
async fn complex_event_is_sold_out_with_deadlines_on_both_sides(pool: PgPool) -> Result<()> {
    ensure!(applied_once(&pool).await?.contains("complex_event"));
    const EVENT: &str = "(SELECT id FROM events WHERE slug = 'madrid-salsa-congress')";
    // Several tiers: early bird, regular, VIP.
    expect_count!(
        &pool,
        3,
        &format!("SELECT count(*) FROM pricing_tiers WHERE event_id = {EVENT}")
    );
    expect_count!(
        &pool,
        3,
        &format!(
            "SELECT count(*) FROM pricing_tiers WHERE event_id = {EVENT}
             AND (name ILIKE '%early bird%' OR name = 'Full Pass' OR name ILIKE '%vip%')"
        )
    );
    // Exactly one tier sold out: the early bird.
    expect_count!(
        &pool,
        1,
        &format!(
            "SELECT count(*) FROM pricing_tiers WHERE event_id = {EVENT} AND sold = quantity
             AND name ILIKE '%early bird%'"
        )
    );
    expect_count!(
        &pool,
        1,
        &format!("SELECT count(*) FROM pricing_tiers WHERE event_id = {EVENT} AND sold = quantity")
    );
    // At full capacity: tickets sold across the tiers add up to the event's capacity.
    expect_count!(
        &pool,
        1,
        &format!(
            "SELECT count(*) FROM events e WHERE e.id = {EVENT} AND e.capacity =
             (SELECT sum(sold) FROM pricing_tiers p WHERE p.event_id = e.id)"
        )
    );
    // A deadline passed (early bird sales closed) and one to come (registration, other tiers).
    expect_count!(
        &pool,
        1,
        &format!("SELECT count(*) FROM pricing_tiers WHERE event_id = {EVENT} AND sales_end < $1")
    );
    expect_count!(
        &pool,
        2,
        &format!("SELECT count(*) FROM pricing_tiers WHERE event_id = {EVENT} AND sales_end > $1")
    );
    expect_count!(
        &pool,
        1,
        &format!(
            "SELECT count(*) FROM events WHERE id = {EVENT} AND status = 'published'
             AND registration_opens_at < $1 AND registration_deadline > $1 AND starts_at > registration_deadline"
        )
    );
    // Orders, a promo code used up, and a waitlist because the event is full.
    expect_count!(
        &pool,
        3,
        &format!(
            "SELECT count(*) FROM ticket_orders o JOIN pricing_tiers p ON p.id = o.pricing_tier_id
             WHERE p.event_id = {EVENT} AND o.status = 'paid' AND o.currency = p.currency
             AND o.total_amount = o.unit_price * o.quantity - o.discount_amount"
        )
    );
    expect_count!(
        &pool,
        1,
        &format!(
            "SELECT count(*) FROM promo_codes WHERE event_id = {EVENT}
             AND redeemed_count = max_redemptions AND valid_until < $1"
        )
    );
    expect_count!(
        &pool,
        1,
        &format!(
            "SELECT count(*) FROM event_attendances WHERE event_id = {EVENT}
             AND status = 'waitlisted' AND pricing_tier_id IS NULL"
        )
    );
    Ok(())
}

#[seedbed::test(units = [high_engagement], clock = "2026-05-01T09:30:00Z", read_only)]
async fn high_engagement_event_has_saves_attendances_and_reviews(pool: PgPool) -> Result<()> {
    ensure!(applied_once(&pool).await?.contains("high_engagement"));
    const EVENT: &str = "(SELECT id FROM events WHERE slug = 'lisboa-kizomba-spring-weekend')";
    expect_count!(
        &pool,
        1,
        &format!(
            "SELECT count(*) FROM events WHERE id = {EVENT} AND status = 'completed' AND ends_at < $1"
        )
    );
    // Twenty generated dancers on .test, plus the three base test users.
    expect_count!(
        &pool,
        23,
        "SELECT count(*) FROM users WHERE email LIKE '%@festivalscout.test'"
    );
    // Many saves: sixteen dancers and the three test users.
    expect_count!(
        &pool,
        19,
        &format!("SELECT count(*) FROM event_saves WHERE event_id = {EVENT}")
    );
    // Attendances in every status, tickets only for those who came.
    expect_count!(
        &pool,
        20,
        &format!("SELECT count(*) FROM event_attendances WHERE event_id = {EVENT}")
    );
    expect_count!(
        &pool,
        5,
        &format!("SELECT count(DISTINCT status) FROM event_attendances WHERE event_id = {EVENT}")
    );
    expect_count!(
        &pool,
        0,
        &format!(
            "SELECT count(*) FROM event_attendances WHERE event_id = {EVENT}
             AND ((status = 'attended') <> (pricing_tier_id IS NOT NULL AND checked_in_at IS NOT NULL))"
        )
    );
    // Fourteen reviews with every rating from 1 to 5, each with text.
    expect_count!(
        &pool,
        14,
        &format!("SELECT count(*) FROM reviews WHERE event_id = {EVENT}")
    );
    expect_count!(
        &pool,
        5,
        &format!("SELECT count(DISTINCT rating) FROM reviews WHERE event_id = {EVENT}")
    );
    expect_count!(
        &pool,
        14,
        &format!(
            "SELECT count(DISTINCT body) FROM reviews WHERE event_id = {EVENT}
             AND title IS NOT NULL AND length(body) > 20"
        )
    );
    // Verified attendee exactly when the reviewer attended; replies carry their date.
    expect_count!(
        &pool,
        0,
        &format!(
            "SELECT count(*) FROM reviews r JOIN event_attendances a
                 ON a.user_id = r.user_id AND a.event_id = r.event_id
             WHERE r.event_id = {EVENT} AND r.is_verified_attendee <> (a.status = 'attended')"
        )
    );
    expect_count!(
        &pool,
        4,
        &format!(
            "SELECT count(*) FROM reviews WHERE event_id = {EVENT}
             AND organizer_reply IS NOT NULL AND organizer_replied_at < $1"
        )
    );
    Ok(())
}

#[seedbed::test(units = [event_lifecycle], clock = "2026-05-01T09:30:00Z", read_only)]
async fn event_lifecycle_has_every_status_with_fitting_dates(pool: PgPool) -> Result<()> {
    ensure!(applied_once(&pool).await?.contains("event_lifecycle"));
    const EVENTS: &str =
        "('madrid-bachata-sunset-party', 'berlin-lindy-exchange', 'lisboa-semba-night',
                           'rimini-spring-bachata-weekend', 'paris-balboa-weekend')";
    let statuses: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT e.status::text FROM events e WHERE e.slug IN {EVENTS} ORDER BY e.status"
    ))
    .fetch_all(&pool)
    .await?;
    ensure!(
        statuses == ["draft", "published", "cancelled", "completed", "archived"],
        "{statuses:?}"
    );
    let fits = |status: &str, condition: &str| {
        format!(
            "SELECT count(*) FROM events WHERE slug IN {EVENTS} AND status = '{status}' AND {condition}"
        )
    };
    expect_count!(
        &pool,
        1,
        &fits(
            "draft",
            "starts_at > $1 AND published_at IS NULL AND cancelled_at IS NULL"
        )
    );
    expect_count!(
        &pool,
        1,
        &fits(
            "published",
            "starts_at > $1 AND published_at <= $1 AND registration_deadline > $1"
        )
    );
    expect_count!(
        &pool,
        1,
        &fits(
            "cancelled",
            "cancelled_at <= $1 AND cancelled_at >= published_at AND cancellation_reason IS NOT NULL"
        )
    );
    expect_count!(
        &pool,
        1,
        &fits(
            "completed",
            "ends_at < $1 AND ends_at > $1 - interval '1 year'"
        )
    );
    expect_count!(
        &pool,
        1,
        &fits("archived", "ends_at < $1 - interval '1 year'")
    );
    Ok(())
}

#[seedbed::test(units = [international_events], clock = "2026-05-01T09:30:00Z", read_only)]
async fn international_events_use_local_currencies_and_time_zones(pool: PgPool) -> Result<()> {
    ensure!(applied_once(&pool).await?.contains("international_events"));
    const EVENTS: &str = "('rio-zouk-congress', 'tokyo-salsa-festival', 'harlem-lindy-exchange',
                           'london-kizomba-weekender', 'sydney-bachata-festival',
                           'berlin-international-tango-festival')";
    let currencies: BTreeSet<String> = sqlx::query_scalar(&format!(
        "SELECT DISTINCT p.currency::text FROM pricing_tiers p JOIN events e ON e.id = p.event_id
         WHERE e.slug IN {EVENTS}"
    ))
    .fetch_all(&pool)
    .await?
    .into_iter()
    .collect();
    for currency in ["EUR", "GBP", "USD", "BRL", "JPY"] {
        ensure!(
            currencies.contains(currency),
            "no {currency} in {currencies:?}"
        );
    }
    // One currency per event.
    expect_count!(
        &pool,
        0,
        &format!(
            "SELECT count(*) FROM (SELECT e.id FROM events e JOIN pricing_tiers p ON p.event_id = e.id
             WHERE e.slug IN {EVENTS} GROUP BY e.id HAVING count(DISTINCT p.currency) <> 1) mixed"
        )
    );
    // Venues on several continents, each event in its venue's local time zone.
    expect_count!(
        &pool,
        6,
        &format!(
            "SELECT count(DISTINCT v.country) FROM events e JOIN venues v ON v.id = e.venue_id
             WHERE e.slug IN {EVENTS}"
        )
    );
    expect_count!(
        &pool,
        4,
        &format!(
            "SELECT count(DISTINCT split_part(v.timezone, '/', 1)) FROM events e
             JOIN venues v ON v.id = e.venue_id WHERE e.slug IN {EVENTS}"
        )
    );
    expect_count!(
        &pool,
        0,
        &format!(
            "SELECT count(*) FROM events e JOIN venues v ON v.id = e.venue_id
             WHERE e.slug IN {EVENTS} AND e.timezone IS DISTINCT FROM v.timezone"
        )
    );
    // Local evening starts: every event starts between 12:00 and 22:00 local time.
    expect_count!(
        &pool,
        0,
        &format!(
            "SELECT count(*) FROM events WHERE slug IN {EVENTS}
             AND extract(hour FROM starts_at AT TIME ZONE timezone) NOT BETWEEN 12 AND 21"
        )
    );
    // JPY has no minor unit: Tokyo's prices are whole yen.
    expect_count!(
        &pool,
        0,
        "SELECT count(*) FROM pricing_tiers WHERE currency = 'JPY' AND price <> trunc(price)"
    );
    Ok(())
}

#[seedbed::test(units = [notifications], clock = "2026-05-01T09:30:00Z", read_only)]
async fn notifications_cover_every_type_in_every_status(pool: PgPool) -> Result<()> {
    ensure!(applied_once(&pool).await?.contains("notifications"));
    // Every (type, status) pair of the schema's enums, read from the database itself.
    expect_count!(
        &pool,
        0,
        "SELECT count(*) FROM (
             SELECT k, s FROM unnest(enum_range(NULL::notification_type)) k
             CROSS JOIN unnest(enum_range(NULL::notification_status)) s
             EXCEPT SELECT kind, status FROM notifications) missing"
    );
    expect_count!(&pool, 40, "SELECT count(*) FROM notifications");
    expect_count!(
        &pool,
        3,
        "SELECT count(DISTINCT n.user_id) FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE u.email LIKE '%@festivalscout.test'"
    );
    expect_count!(
        &pool,
        3,
        "SELECT count(DISTINCT channel) FROM notifications"
    );
    // Times fit the status.
    expect_count!(
        &pool,
        0,
        "SELECT count(*) FROM notifications WHERE
            (status IN ('pending', 'failed') AND sent_at IS NOT NULL)
         OR (status IN ('sent', 'read', 'archived') AND sent_at IS NULL)
         OR (status IN ('read', 'archived') AND (read_at IS NULL OR read_at < sent_at))
         OR (status = 'pending' AND scheduled_for <= $1)"
    );
    // Event notifications point at events; system ones at none.
    expect_count!(
        &pool,
        0,
        "SELECT count(*) FROM notifications WHERE (kind = 'system') <> (event_id IS NULL)"
    );
    Ok(())
}

#[seedbed::test(clock = "2026-05-01T09:30:00Z", read_only)]
async fn all_units_apply_together(pool: PgPool) -> Result<()> {
    let registry = Registry::discover()?;
    let applied = applied_once(&pool).await?;
    let all: BTreeSet<&str> = registry
        .units()
        .filter(|u| u.allows("test") && !u.explicit)
        .map(|u| u.name)
        .collect();
    ensure!(
        applied.iter().map(String::as_str).collect::<BTreeSet<_>>() == all,
        "{applied:?}"
    );
    for scenario in [
        "power_user",
        "complex_event",
        "high_engagement",
        "event_lifecycle",
        "international_events",
        "notifications",
    ] {
        ensure!(
            all.contains(scenario),
            "scenario {scenario} is not registered"
        );
    }
    expect_count!(&pool, 40, "SELECT count(*) FROM notifications");
    expect_count!(
        &pool,
        8 + 1 + 1 + 5 + 6,
        "SELECT count(*) FROM events WHERE slug NOT LIKE 'catalog-%'"
    );
    expect_count!(
        &pool,
        1 + 3 + 20 + 1,
        "SELECT count(*) FROM users WHERE email LIKE '%@festivalscout.test'"
    );
    Ok(())
}

// The runner's reports are what this tests: both runs are its own, on a migrated database.
#[seedbed::test(units = [])]
async fn applying_twice_changes_nothing(pool: PgPool) -> Result<()> {
    let names = [
        "base",
        "power_user",
        "complex_event",
        "high_engagement",
        "event_lifecycle",
        "international_events",
        "notifications",
    ];
    let first = apply(&pool, Some(&names), "test").await?;
    ensure!(first.iter().all(|r| r.outcome == Outcome::Applied));
    let before = table_counts(&pool).await?;
    let second = apply(&pool, Some(&names), "test").await?;
    let changed: Vec<(&str, Outcome)> = second
        .iter()
        .filter(|r| r.outcome != Outcome::Unchanged)
        .map(|r| (r.unit.as_str(), r.outcome))
        .collect();
    ensure!(changed.is_empty(), "changed on the second run: {changed:?}");
    ensure!(units(&first) == units(&second));
    let after = table_counts(&pool).await?;
    ensure!(before == after, "{before:?}\n{after:?}");
    Ok(())
}

#[seedbed::test(units = [base], clock = "2026-05-01T09:30:00Z")]
async fn cleanup_of_a_scenario_leaves_the_base_intact(pool: PgPool) -> Result<()> {
    ensure!(applied_once(&pool).await?.contains("base"));
    let base = table_counts(&pool).await?;
    apply(&pool, Some(&["power_user"]), "test").await?;
    expect_count!(
        &pool,
        1,
        "SELECT count(*) FROM users WHERE email = 'paula.ramos@festivalscout.test'"
    );

    let registry = Registry::discover()?;
    let report = run::cleanup(
        &pool,
        &registry,
        Some(&["power_user".to_owned()]),
        false,
        &options("test")?,
    )
    .await?;
    ensure!(
        report.removed.iter().all(|r| r.unit == "power_user"),
        "{:?}",
        report.removed
    );
    ensure!(report.cascaded.is_empty());
    let after = table_counts(&pool).await?;
    ensure!(
        base == after,
        "base changed by the cleanup:\n{base:?}\n{after:?}"
    );
    expect_count!(
        &pool,
        0,
        "SELECT count(*) FROM users WHERE email = 'paula.ramos@festivalscout.test'"
    );
    expect_count!(
        &pool,
        0,
        "SELECT count(*) FROM seedbed.ledger WHERE unit = 'power_user'"
    );
    expect_count!(&pool, 9, "SELECT count(*) FROM seedbed.ledger");

    // And it can be applied again.
    let again = apply(&pool, Some(&["power_user"]), "test").await?;
    let outcomes: BTreeMap<&str, Outcome> =
        again.iter().map(|r| (r.unit.as_str(), r.outcome)).collect();
    ensure!(outcomes["power_user"] == Outcome::Applied, "{outcomes:?}");
    ensure!(outcomes["base"] == Outcome::Unchanged, "{outcomes:?}");
    Ok(())
}

#[seedbed::test(units = [])]
async fn production_applies_only_reference_data(pool: PgPool) -> Result<()> {
    let registry = Registry::discover()?;
    let selected: Vec<&str> = registry
        .select(None, "production")?
        .iter()
        .map(|u| u.name)
        .collect();
    ensure!(selected == ["dance_styles"], "{selected:?}");
    // Asking for test data in production is refused, with nothing written.
    ensure!(
        registry
            .select(Some(&["base".to_owned()]), "production")
            .is_err()
    );

    let reports = apply(&pool, None, "production").await?;
    ensure!(units(&reports) == BTreeSet::from(["dance_styles"]));
    let counts = table_counts(&pool).await?;
    let filled: Vec<&String> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(t, _)| t)
        .collect();
    ensure!(filled == ["dance_styles"], "{filled:?}");
    expect_count!(&pool, 16, "SELECT count(*) FROM dance_styles");
    Ok(())
}
