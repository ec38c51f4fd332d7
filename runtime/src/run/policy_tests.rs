//! The policy of apply, cleanup, status and the guards, over the in-memory engine: no server.
//!
//! Schema: `venues (id)`, `events (id, venue_id → venues)`, `reviews (id, event_id → events
//! ON DELETE CASCADE)` and `tickets (id)`. Unit `venues` seeds `scale("venues", 2)` venues,
//! `events` one event at the first venue, `tickets` (with a loop) `scale("tickets", 3)` tickets.
//! Reviews are other data, written by hand. `members (id generated, name)` and `tags (id
//! generated, name)` have keys the database generates; `posts (id, member_id → members)`.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::engine::Engine as _;
use crate::engine::catalog::{Catalog, ForeignKey, TableInfo};
use crate::engine::memory::Memory;
use crate::error::{ApplyError, CleanupError, GuardError};
use crate::plan::context::{Context, scale};
use crate::plan::{ColumnMeta, Row, RowId, Seed, TableMeta, Unit, UnitKind};
use crate::run::report::Outcome;
use crate::run::{
    RunOptions, UnitState, apply_with, cleanup_with, dry_run_with, guards, reset_with, status_with,
    unit_states,
};
use crate::select::registry::Registry;
use crate::{Error, Value};

static ID_NAME: [ColumnMeta; 2] = [ColumnMeta { name: "id" }, ColumnMeta { name: "name" }];
static EVENT_COLUMNS: [ColumnMeta; 2] =
    [ColumnMeta { name: "id" }, ColumnMeta { name: "venue_id" }];
static VENUES_TABLE: TableMeta = TableMeta {
    name: "venues",
    columns: &ID_NAME,
    primary_key: &[0],
    generated_key: None,
};
static EVENTS_TABLE: TableMeta = TableMeta {
    name: "events",
    columns: &EVENT_COLUMNS,
    primary_key: &[0],
    generated_key: None,
};
static NOTES_TABLE: TableMeta = TableMeta {
    name: "notes",
    columns: &ID_NAME,
    primary_key: &[],
    generated_key: None,
};
static TICKETS_TABLE: TableMeta = TableMeta {
    name: "tickets",
    columns: &ID_NAME,
    primary_key: &[0],
    generated_key: None,
};
static MEMBERS_TABLE: TableMeta = TableMeta {
    name: "members",
    columns: &ID_NAME,
    primary_key: &[0],
    generated_key: Some(0),
};
static TAGS_TABLE: TableMeta = TableMeta {
    name: "tags",
    columns: &ID_NAME,
    primary_key: &[0],
    generated_key: Some(0),
};
static POST_COLUMNS: [ColumnMeta; 2] =
    [ColumnMeta { name: "id" }, ColumnMeta { name: "member_id" }];
static POSTS_TABLE: TableMeta = TableMeta {
    name: "posts",
    columns: &POST_COLUMNS,
    primary_key: &[0],
    generated_key: None,
};

fn text(s: String) -> Value {
    Value::Text(s.into())
}

fn rows(n: u64, row: impl Fn(u64) -> Vec<Value> + 'static) -> impl Iterator<Item = Row> {
    (0..n).map(move |i| Row {
        label: None,
        columns: Cow::Borrowed(&[0, 1]),
        values: row(i),
    })
}

fn venues() -> Seed {
    let n = scale("venues", 2);
    Seed::new().table(
        &VENUES_TABLE,
        rows(n, |i| {
            vec![text(format!("v{i}")), text(format!("Hall {i}"))]
        }),
    )
}

fn events() -> Seed {
    Seed::new().table(
        &EVENTS_TABLE,
        rows(1, |_| vec![text("e0".into()), text("v0".into())]),
    )
}

fn tickets() -> Seed {
    let n = scale("tickets", 3);
    Seed::new().table(
        &TICKETS_TABLE,
        rows(n, |i| {
            vec![text(format!("t{i}")), text(format!("seat {i}"))]
        }),
    )
}

fn notes() -> Seed {
    Seed::new().table(
        &NOTES_TABLE,
        rows(1, |_| vec![text("n0".into()), text("a note".into())]),
    )
}

fn unit(name: &'static str, depends_on: &'static [&'static str], build: fn() -> Seed) -> Unit {
    Unit {
        name,
        kind: UnitKind::Set,
        description: "",
        depends_on,
        environments: &[],
        explicit: false,
        file: "",
        line: 0,
        schema_version: None,
        static_rows: Some(1),
        references: Vec::new,
        build,
    }
}

static VENUES: std::sync::LazyLock<Unit> = std::sync::LazyLock::new(|| unit("venues", &[], venues));
static EVENTS: std::sync::LazyLock<Unit> =
    std::sync::LazyLock::new(|| unit("events", &["venues"], events));
static NOTES: std::sync::LazyLock<Unit> = std::sync::LazyLock::new(|| unit("notes", &[], notes));
static TICKETS: std::sync::LazyLock<Unit> = std::sync::LazyLock::new(|| Unit {
    static_rows: None,
    ..unit("tickets", &[], tickets)
});

fn catalog() -> Catalog {
    let table = |columns: &[&str]| TableInfo {
        columns: columns
            .iter()
            .map(|c| ((*c).to_owned(), "text".to_owned()))
            .collect(),
        primary_key: vec![("id".into(), "text".into())],
        omitted: HashMap::new(),
    };
    let fk = |table: &str, column: &str, ref_table: &str, on_delete: &str| ForeignKey {
        name: format!("{table}_{column}_fkey"),
        table: table.into(),
        columns: vec![column.into()],
        ref_table: ref_table.into(),
        ref_columns: vec!["id".into()],
        on_delete: on_delete.into(),
        deferrable: false,
    };
    Catalog::new(
        [
            ("venues".to_owned(), table(&["id", "name"])),
            ("events".to_owned(), table(&["id", "venue_id"])),
            ("reviews".to_owned(), table(&["id", "event_id"])),
            ("tickets".to_owned(), table(&["id", "name"])),
            ("members".to_owned(), table(&["id", "name"])),
            ("tags".to_owned(), table(&["id", "name"])),
            ("posts".to_owned(), table(&["id", "member_id"])),
            (
                "notes".to_owned(),
                TableInfo {
                    primary_key: Vec::new(),
                    ..table(&["id", "name"])
                },
            ),
        ]
        .into_iter()
        .collect(),
        vec![
            fk("events", "venue_id", "venues", "a"),
            fk("reviews", "event_id", "events", "c"),
            fk("posts", "member_id", "members", "a"),
        ],
    )
}

fn options(environment: &str, scales: &[(&str, u64)]) -> RunOptions {
    let mut options = RunOptions::new(environment).unwrap();
    options.context = Context {
        scale: scales.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
        ..Context::default()
    };
    options
}

fn all() -> Vec<&'static Unit> {
    vec![&*VENUES, &*EVENTS, &*TICKETS]
}

fn registry() -> Registry {
    Registry::from_units(all()).unwrap()
}

async fn run(
    db: &mut Memory,
    units: &[&'static Unit],
    options: &RunOptions,
) -> Result<Vec<crate::run::UnitReport>, Error> {
    apply_with(db, units, options).await.into_result()
}

fn outcomes(reports: &[crate::run::UnitReport]) -> Vec<(&str, Outcome)> {
    reports
        .iter()
        .map(|r| (r.unit.as_str(), r.outcome))
        .collect()
}

#[tokio::test]
async fn a_second_run_changes_nothing_and_rows_deleted_by_hand_come_back() -> Result<(), Error> {
    let mut db = Memory::new(catalog());
    let dev = options("development", &[]);
    let first = run(&mut db, &all(), &dev).await?;
    assert_eq!(
        outcomes(&first),
        [
            ("venues", Outcome::Applied),
            ("events", Outcome::Applied),
            ("tickets", Outcome::Applied)
        ]
    );
    assert_eq!(
        db.column("venues", "id"),
        [Some("v0".into()), Some("v1".into())]
    );
    let recorded = db.recorded_rows();

    let again = run(&mut db, &all(), &dev).await?;
    assert!(again.iter().all(|r| r.outcome == Outcome::Unchanged));
    let rows: Vec<u64> = again.iter().map(|r| r.rows()).collect();
    assert_eq!(
        rows,
        [2, 1, 3],
        "an unchanged unit with loops counts its rows too"
    );
    assert_eq!(db.recorded_rows(), recorded);

    db.delete_where("venues", "id", "v1");
    db.delete_where("tickets", "id", "t2");
    db.edit("events", "id", "e0", "venue_id", "v1");
    let restored = run(&mut db, &all(), &dev).await?;
    assert_eq!(
        outcomes(&restored),
        [
            ("venues", Outcome::Restored),
            ("events", Outcome::Restored),
            ("tickets", Outcome::Restored)
        ]
    );
    assert_eq!(restored[0].tables[0].inserted, 1);
    assert_eq!(restored[1].tables[0].updated, 1);
    assert_eq!(db.column("events", "venue_id"), [Some("v0".into())]);
    assert_eq!(db.column("tickets", "id").len(), 3);
    Ok(())
}

#[tokio::test]
async fn a_changed_definition_removes_its_stale_rows_unless_other_data_points_at_them()
-> Result<(), Error> {
    let mut db = Memory::new(catalog());
    run(
        &mut db,
        &[&*VENUES],
        &options("development", &[("venues", 3)]),
    )
    .await?;
    // Other data at the venue that the smaller definition drops.
    db.insert("events", &[("id", "hand"), ("venue_id", "v2")]);
    let smaller = options("development", &[("venues", 2)]);
    let err = run(&mut db, &[&*VENUES], &smaller).await.unwrap_err();
    let Error::Apply(ApplyError::ChangeBlocked { unit, blockers }) = &err else {
        panic!("{err}");
    };
    assert_eq!(unit, "venues");
    assert_eq!(
        (blockers[0].table.as_str(), blockers[0].rows),
        ("events", 1)
    );
    assert_eq!(db.column("venues", "id").len(), 3, "nothing went");

    db.delete_where("events", "id", "hand");
    let reports = run(&mut db, &[&*VENUES], &smaller).await?;
    assert_eq!(reports[0].outcome, Outcome::Updated);
    assert_eq!(reports[0].tables[0].deleted, 1);
    assert_eq!(
        db.column("venues", "id"),
        [Some("v0".into()), Some("v1".into())]
    );
    let entries = crate::engine::Engine::entries(&mut db).await?;
    assert_eq!(entries["venues"].generation, 2);
    Ok(())
}

#[tokio::test]
async fn cleanup_removes_exactly_the_seeded_rows_and_is_refused_while_other_data_points_at_them()
-> Result<(), Error> {
    let mut db = Memory::new(catalog());
    let dev = options("development", &[]);
    run(&mut db, &all(), &dev).await?;
    db.insert("venues", &[("id", "mine"), ("name", "kept")]);
    db.insert("events", &[("id", "other"), ("venue_id", "v1")]);
    db.insert("reviews", &[("id", "r"), ("event_id", "e0")]);
    let registry = registry();

    let err = cleanup_with(&mut db, &registry, None, false, &dev)
        .await
        .unwrap_err();
    let Error::Cleanup(CleanupError::Blocked { blockers }) = &err else {
        panic!("{err}");
    };
    let blocked: Vec<(&str, i64)> = blockers
        .iter()
        .map(|b| (b.table.as_str(), b.rows))
        .collect();
    assert_eq!(blocked, [("reviews", 1), ("events", 1)]);
    assert_eq!(
        db.column("venues", "id").len(),
        3,
        "a refused cleanup removes nothing"
    );
    assert_eq!(db.column("tickets", "id").len(), 3);

    let report = cleanup_with(&mut db, &registry, None, true, &dev).await?;
    assert_eq!(report.cascaded.len(), 2);
    assert_eq!(db.column("venues", "id"), [Some("mine".into())]);
    assert!(db.column("events", "id").is_empty());
    assert!(
        db.column("reviews", "id").is_empty(),
        "taken along by its cascading key"
    );
    assert!(db.column("tickets", "id").is_empty(), "emptied whole");
    assert_eq!(db.recorded_rows(), 0);
    assert!(crate::engine::Engine::entries(&mut db).await?.is_empty());

    let again = cleanup_with(&mut db, &registry, None, false, &dev).await?;
    assert!(again.removed.is_empty(), "a second cleanup finds nothing");
    Ok(())
}

#[tokio::test]
async fn cleanup_of_one_unit_takes_its_dependents_first() -> Result<(), Error> {
    let mut db = Memory::new(catalog());
    let dev = options("development", &[]);
    run(&mut db, &all(), &dev).await?;
    let report = cleanup_with(&mut db, &registry(), Some(&["venues".into()]), false, &dev).await?;
    let units: Vec<&str> = report.removed.iter().map(|r| r.unit.as_str()).collect();
    assert_eq!(units, ["events", "venues"]);
    assert!(db.column("venues", "id").is_empty());
    assert_eq!(db.column("tickets", "id").len(), 3, "not a dependent: kept");
    let states = unit_states(&mut db, &registry(), &dev).await?.0;
    let state = |u: &str| states.iter().find(|s| s.unit == u).map(|s| s.state);
    assert_eq!(state("venues"), Some(UnitState::Pending));
    assert_eq!(state("tickets"), Some(UnitState::Applied));
    Ok(())
}

#[tokio::test]
async fn status_tells_applied_changed_drifted_and_pending_apart() -> Result<(), Error> {
    let mut db = Memory::new(catalog());
    let dev = options("development", &[]);
    run(&mut db, &[&*VENUES, &*TICKETS], &dev).await?;
    db.delete_where("tickets", "id", "t0");
    let registry = registry();
    let states = |statuses: &[crate::run::UnitStatus]| -> Vec<(String, UnitState)> {
        statuses.iter().map(|s| (s.unit.clone(), s.state)).collect()
    };
    let (now, _) = unit_states(&mut db, &registry, &dev).await?;
    assert_eq!(
        states(&now),
        [
            ("events".into(), UnitState::Pending),
            ("tickets".into(), UnitState::Drifted),
            ("venues".into(), UnitState::Applied),
        ]
    );
    let tickets = now.iter().find(|s| s.unit == "tickets").unwrap();
    assert_eq!(tickets.drift.as_ref().map(|d| d.missing), Some(1));

    let (changed, _) = unit_states(
        &mut db,
        &registry,
        &options("development", &[("venues", 5)]),
    )
    .await?;
    assert_eq!(states(&changed)[2], ("venues".into(), UnitState::Changed));
    let (production, _) = unit_states(&mut db, &registry, &options("production", &[])).await?;
    assert_eq!(
        states(&production)[0],
        ("events".into(), UnitState::NotInEnvironment)
    );
    Ok(())
}

#[tokio::test]
async fn the_environment_stamp_guards_every_writing_command() -> Result<(), Error> {
    let mut db = Memory::new(catalog());
    let staging = options("staging", &[]);
    run(&mut db, &[], &staging).await?;
    assert_eq!(
        crate::engine::Engine::stamp(&mut db).await?.as_deref(),
        Some("staging")
    );

    let dev = options("development", &[]);
    let err = run(&mut db, &all(), &dev).await.unwrap_err();
    assert!(
        matches!(err, Error::Guard(GuardError::EnvironmentMismatch { .. })),
        "{err}"
    );
    assert!(
        db.column("venues", "id").is_empty(),
        "refused before any write"
    );
    let err = cleanup_with(&mut db, &registry(), None, false, &dev)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Guard(GuardError::EnvironmentMismatch { .. })),
        "{err}"
    );

    let mut moved = options("production", &[]);
    moved.allow_env_change = true;
    run(&mut db, &[], &moved).await?;
    assert_eq!(
        crate::engine::Engine::stamp(&mut db).await?.as_deref(),
        Some("production")
    );

    let mut leave = options("development", &[]);
    leave.allow_env_change = true;
    let err = run(&mut db, &all(), &leave).await.unwrap_err();
    assert!(
        matches!(err, Error::Guard(GuardError::LeavingProduction { .. })),
        "{err}"
    );
    let prod = options("production", &[]);
    let err = cleanup_with(&mut db, &registry(), None, false, &prod)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Guard(GuardError::ProductionRefused { .. })),
        "{err}"
    );
    let err = guards::reset(&mut db, &leave).await.unwrap_err();
    assert!(
        matches!(err, Error::Guard(GuardError::ProductionRefused { .. })),
        "{err}"
    );

    leave.production_override = true;
    run(&mut db, &[&*VENUES], &leave).await?;
    assert_eq!(db.column("venues", "id").len(), 2);
    assert!(guards::reset(&mut db, &options("test", &[])).await.is_err());
    guards::reset(&mut db, &options("development", &[])).await
}

#[tokio::test]
async fn a_unit_that_breaks_a_foreign_key_is_rolled_back_and_stops_the_run() -> Result<(), Error> {
    let mut db = Memory::new(catalog());
    let dev = options("development", &[]);
    // `events` needs the venue `v0`, which `venues` with scale 0 does not seed.
    let outcome = apply_with(
        &mut db,
        &[&*VENUES, &*EVENTS, &*TICKETS],
        &options("development", &[("venues", 0)]),
    )
    .await;
    let committed: Vec<&str> = outcome.reports.iter().map(|r| r.unit.as_str()).collect();
    assert_eq!(
        committed,
        ["venues"],
        "the failed run still says what it committed"
    );
    let err = outcome.error.expect("events cannot commit");
    assert!(err.to_string().contains("events_venue_id_fkey"), "{err}");
    assert!(db.column("events", "id").is_empty());
    assert!(
        db.column("tickets", "id").is_empty(),
        "the run stopped at the failing unit"
    );
    let entries = crate::engine::Engine::entries(&mut db).await?;
    assert!(entries.contains_key("venues") && !entries.contains_key("events"));
    run(&mut db, &all(), &dev).await?;
    assert_eq!(db.column("events", "id"), [Some("e0".into())]);
    Ok(())
}

#[tokio::test]
async fn a_run_with_a_unit_the_database_cannot_take_is_refused_before_any_write()
-> Result<(), Error> {
    let mut db = Memory::new(catalog());
    let outcome = apply_with(&mut db, &[&*VENUES, &*NOTES], &options("development", &[])).await;
    assert!(outcome.reports.is_empty());
    let err = outcome.error.expect("notes has no primary key");
    assert!(
        matches!(&err, Error::Apply(ApplyError::NoPrimaryKey { unit, table }) if unit == "notes" && table == "notes"),
        "{err}"
    );
    assert!(
        db.column("venues", "id").is_empty(),
        "planned first: nothing written"
    );
    assert_eq!(db.recorded_rows(), 0);
    Ok(())
}

#[tokio::test]
async fn a_dry_run_reports_what_a_run_would_do_and_leaves_everything_as_it_was() -> Result<(), Error>
{
    let mut db = Memory::new(catalog());
    let dev = options("development", &[]);
    let rehearsed = dry_run_with(&mut db, &all(), &dev).await?;
    assert_eq!(db.recorded_rows(), 0);
    assert!(db.column("venues", "id").is_empty());
    assert!(db.stamp().await?.is_none(), "a dry run stamps nothing");

    let done = run(&mut db, &all(), &dev).await?;
    let counts = |reports: &[crate::run::UnitReport]| -> Vec<(String, u64, u64)> {
        reports
            .iter()
            .flat_map(|r| {
                r.tables
                    .iter()
                    .map(|t| (t.table.clone(), t.inserted, t.updated))
            })
            .collect()
    };
    assert_eq!(outcomes(&rehearsed), outcomes(&done));
    assert_eq!(counts(&rehearsed), counts(&done));

    db.edit("events", "id", "e0", "venue_id", "v1");
    let changed = options("development", &[("venues", 3)]);
    let rehearsed = dry_run_with(&mut db, &all(), &changed).await?;
    assert_eq!(rehearsed[0].outcome, Outcome::Updated);
    assert_eq!(rehearsed[1].outcome, Outcome::Restored);
    assert_eq!(
        db.column("venues", "id").len(),
        2,
        "nothing of the rehearsal stays"
    );
    assert_eq!(db.column("events", "venue_id"), [Some("v1".into())]);
    Ok(())
}

#[tokio::test]
async fn status_finds_rows_edited_by_hand_in_a_unit_without_loops_and_writes_nothing()
-> Result<(), Error> {
    let mut db = Memory::new(catalog());
    let dev = options("development", &[]);
    run(&mut db, &[&*VENUES, &*EVENTS], &dev).await?;
    db.edit("events", "id", "e0", "venue_id", "v1");
    db.delete_where("venues", "id", "v1");
    db.insert("venues", &[("id", "v1"), ("name", "not seeded")]);
    let registry = Registry::from_units(vec![&*VENUES, &*EVENTS]).unwrap();

    let statuses = status_with(&mut db, &registry, &dev).await?;
    let drift = |unit: &str| {
        let status = statuses.iter().find(|s| s.unit == unit).unwrap();
        (
            status.state,
            status.drift.as_ref().map(|d| (d.missing, d.changed)),
        )
    };
    assert_eq!(drift("events"), (UnitState::Drifted, Some((0, 1))));
    assert_eq!(drift("venues"), (UnitState::Drifted, Some((0, 1))));
    assert_eq!(db.column("events", "venue_id"), [Some("v1".into())]);
    assert_eq!(
        db.column("venues", "name"),
        [Some("Hall 0".into()), Some("not seeded".into())]
    );
    Ok(())
}

#[tokio::test]
async fn every_command_that_writes_holds_the_seed_run_lock_and_releases_it() -> Result<(), Error> {
    let mut db = Memory::new(catalog());
    let dev = options("development", &[]);
    // The engine refuses a write that lasts outside the lock, so each command below would fail
    // if it wrote before taking it.
    assert!(db.begin().await.is_err(), "a write without the lock");
    run(&mut db, &all(), &dev).await?;
    dry_run_with(&mut db, &all(), &dev).await?;
    cleanup_with(&mut db, &registry(), Some(&["events".into()]), false, &dev).await?;
    let mut migrated = 0;
    reset_with(&mut db, &dev, async || {
        migrated += 1;
        Ok(3)
    })
    .await?;
    assert_eq!(migrated, 1);
    assert!(
        db.column("venues", "id").is_empty(),
        "the reset dropped the rows"
    );
    assert!(!db.ledger_exists().await?, "and the ledger");
    // Each released it, a failing one too: it can be taken again.
    run(&mut db, &all(), &dev).await?;
    let refused = cleanup_with(&mut db, &registry(), None, false, &options("test", &[]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Guard(GuardError::EnvironmentMismatch { .. })
        ),
        "{refused}"
    );
    db.lock_runs().await?;
    db.unlock_runs().await
}

#[tokio::test]
async fn a_reset_its_guard_refuses_drops_and_migrates_nothing() -> Result<(), Error> {
    let mut db = Memory::new(catalog());
    run(&mut db, &all(), &options("test", &[])).await?;
    let mut migrated = 0;
    let err = reset_with(&mut db, &options("development", &[]), async || {
        migrated += 1;
        Ok(0)
    })
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::Guard(GuardError::DevelopmentOnly { .. })),
        "{err}"
    );
    assert_eq!(migrated, 0);
    assert_eq!(db.column("venues", "id").len(), 2, "nothing dropped");
    assert!(db.ledger_exists().await?);
    Ok(())
}

/// (unit, table, rows inserted, rows written again, rows deleted).
type Counts = Vec<(String, String, u64, u64, u64)>;

/// Per unit and table, the plan's changes of `statuses` beside what the run `reports` did:
/// (unit, table, new, kept, gone) against (unit, table, inserted, updated + unchanged, deleted).
fn planned_and_done(
    statuses: &[crate::run::UnitStatus],
    reports: &[crate::run::UnitReport],
) -> (Counts, Counts) {
    let mut planned: Vec<_> = statuses
        .iter()
        .flat_map(|s| s.changes.iter().flatten().map(move |c| (s, c)))
        .map(|(s, c)| (s.unit.clone(), c.table.clone(), c.new, c.kept, c.gone))
        .collect();
    let mut done: Vec<_> = reports
        .iter()
        .flat_map(|r| r.tables.iter().map(move |t| (r, t)))
        .map(|(r, t)| {
            let written = t.updated + t.unchanged;
            (
                r.unit.clone(),
                t.table.clone(),
                t.inserted,
                written,
                t.deleted,
            )
        })
        .collect();
    planned.sort();
    done.sort();
    (planned, done)
}

#[tokio::test]
async fn the_plan_counts_what_a_run_inserts_keeps_and_deletes_before_it_writes() -> Result<(), Error>
{
    let mut db = Memory::new(catalog());
    let registry = Registry::from_units(vec![&*VENUES, &*EVENTS]).unwrap();
    let three = options("development", &[("venues", 3)]);

    let (pending, _) = unit_states(&mut db, &registry, &three).await?;
    let changes = |statuses: &[crate::run::UnitStatus], unit: &str| {
        let status = statuses.iter().find(|s| s.unit == unit).unwrap();
        status
            .changes
            .iter()
            .flatten()
            .map(|c| (c.table.clone(), c.new, c.kept, c.gone))
            .collect::<Vec<_>>()
    };
    assert_eq!(changes(&pending, "venues"), [("venues".into(), 3, 0, 0)]);
    let reports = run(&mut db, &[&*VENUES, &*EVENTS], &three).await?;
    let (planned, done) = planned_and_done(&pending, &reports);
    assert_eq!(planned, done);

    // Fewer venues: one gone; more: new ones, the rest kept. Each plan is what the run does.
    for scale in [2, 4] {
        let changed = options("development", &[("venues", scale)]);
        let (statuses, _) = unit_states(&mut db, &registry, &changed).await?;
        let expected = match scale {
            2 => ("venues".into(), 0, 2, 1),
            _ => ("venues".into(), 2, 2, 0),
        };
        assert_eq!(changes(&statuses, "venues"), [expected]);
        assert!(
            changes(&statuses, "events").is_empty(),
            "events is unchanged"
        );
        let reports = run(&mut db, &[&*VENUES], &changed).await?;
        let (planned, done) = planned_and_done(&statuses, &reports);
        assert_eq!(planned, done);
    }

    // A table the definition no longer writes: every row of it gone.
    let mut venues = crate::run::plan::plan_unit(&VENUES, None, &Context::default(), None)?;
    venues.rows = Some(Vec::new());
    let gone = venues.changes(&mut db).await?.unwrap_or_default();
    assert_eq!(
        gone.iter()
            .map(|c| (c.table.as_str(), c.gone))
            .collect::<Vec<_>>(),
        [("venues", 4)]
    );
    Ok(())
}

#[tokio::test]
async fn a_large_streamed_unit_is_loaded_bare_only_into_a_table_small_beside_it()
-> Result<(), Error> {
    let chosen = |db: &Memory| db.built_after().last().map(|(_, t)| t.clone());
    let tickets = || std::collections::BTreeSet::from(["tickets".to_owned()]);

    let mut db = Memory::new(catalog());
    run(
        &mut db,
        &[&*TICKETS],
        &options("development", &[("tickets", 3)]),
    )
    .await?;
    assert_eq!(chosen(&db), Some(Default::default()), "a small unit");
    let mut db = Memory::new(catalog());
    let large = options("development", &[("tickets", 20_000)]);
    run(&mut db, &[&*TICKETS], &large).await?;
    assert_eq!(
        chosen(&db),
        Some(tickets()),
        "a large unit into an empty table"
    );
    // Its definition changed: its old rows go first, and the table is empty again.
    let larger = options("development", &[("tickets", 30_000)]);
    run(&mut db, &[&*TICKETS], &larger).await?;
    assert_eq!(chosen(&db), Some(tickets()), "after its stale rows went");

    let mut db = Memory::new(catalog());
    for i in 0..5_001 {
        db.insert("tickets", &[("id", &format!("other {i}")), ("name", "")]);
    }
    run(&mut db, &[&*TICKETS], &large).await?;
    assert_eq!(
        chosen(&db),
        Some(Default::default()),
        "a table holding more than a quarter of what the unit brings"
    );
    let mut db = Memory::new(catalog());
    for i in 0..5_000 {
        db.insert("tickets", &[("id", &format!("other {i}")), ("name", "")]);
    }
    run(&mut db, &[&*TICKETS], &large).await?;
    assert_eq!(chosen(&db), Some(tickets()), "a quarter exactly");
    Ok(())
}

/// A row labelled `label`, then `scale(table, 2)` anonymous rows, of a table whose keys are
/// generated.
fn labelled_then_numbered(meta: &'static TableMeta, label: &'static str) -> Seed {
    let first = Row {
        label: Some(label),
        columns: Cow::Borrowed(&[1]),
        values: vec![text(label.into())],
    };
    let others = (0..scale(meta.name, 2)).map(|i| Row {
        label: None,
        columns: Cow::Borrowed(&[1]),
        values: vec![text(format!("{} {i}", meta.name))],
    });
    Seed::new().table(meta, std::iter::once(first).chain(others))
}

/// A post by the member labelled `author` of unit `members`, whose key is not known until
/// that row is written.
fn post_by(author: &'static str) -> Seed {
    let member = RowId {
        unit: "members",
        table: "members",
        label: author,
        key: uuid::Uuid::nil(),
    };
    Seed::new().table(
        &POSTS_TABLE,
        std::iter::once(Row {
            label: None,
            columns: Cow::Borrowed(&[0, 1]),
            values: vec![text(format!("by {author}")), Value::Ref(member)],
        }),
    )
}

static MEMBERS: std::sync::LazyLock<Unit> = std::sync::LazyLock::new(|| {
    unit("members", &[], || {
        labelled_then_numbered(&MEMBERS_TABLE, "alice")
    })
});
static POSTS: std::sync::LazyLock<Unit> =
    std::sync::LazyLock::new(|| unit("posts", &["members"], || post_by("alice")));
static GHOST_POSTS: std::sync::LazyLock<Unit> =
    std::sync::LazyLock::new(|| unit("ghost_posts", &["members"], || post_by("nobody")));
static TAGS: std::sync::LazyLock<Unit> = std::sync::LazyLock::new(|| Unit {
    static_rows: None,
    ..unit("tags", &[], || {
        labelled_then_numbered(&TAGS_TABLE, "pinned")
    })
});

fn ids(db: &Memory, table: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = db
        .column(table, "id")
        .into_iter()
        .map(|id| id.and_then(|id| id.parse().ok()).unwrap_or(-1))
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn generated_keys_are_kept_by_identity_and_new_rows_draw_from_the_sequence()
-> Result<(), Error> {
    let mut db = Memory::new(catalog());
    run(&mut db, &[&*MEMBERS, &*POSTS], &options("development", &[])).await?;
    assert_eq!(
        ids(&db, "members"),
        [1, 2, 3],
        "one draw for the three rows"
    );
    let alice = db.column("members", "id")[0].clone();
    assert_eq!(
        db.column("posts", "member_id"),
        std::slice::from_ref(&alice)
    );

    // One more member: the three written before keep their keys, the new one draws 4.
    let more = options("development", &[("members", 3)]);
    let reports = run(&mut db, &[&*MEMBERS, &*POSTS], &more).await?;
    assert_eq!(reports[0].outcome, Outcome::Updated);
    assert_eq!(reports[0].tables[0].inserted, 1);
    assert_eq!(ids(&db, "members"), [1, 2, 3, 4]);

    // One fewer: the last anonymous rows are stale and go; alice keeps her key.
    let fewer = options("development", &[("members", 1)]);
    run(&mut db, &[&*MEMBERS], &fewer).await?;
    assert_eq!(ids(&db, "members"), [1, 2]);
    let again = options("development", &[("members", 2)]);
    run(&mut db, &[&*MEMBERS], &again).await?;
    assert_eq!(
        ids(&db, "members"),
        [1, 2, 5],
        "a key once given to a removed row is not given again"
    );

    // A later run (its own process) finds alice's key in the ledger.
    let mut db = Memory::new(catalog());
    run(&mut db, &[&*MEMBERS], &options("development", &[])).await?;
    run(&mut db, &[&*POSTS], &options("development", &[])).await?;
    assert_eq!(db.column("posts", "member_id"), [alice]);
    Ok(())
}

#[tokio::test]
async fn a_reference_to_a_label_the_ledger_does_not_hold_stops_the_unit_and_writes_nothing()
-> Result<(), Error> {
    let mut db = Memory::new(catalog());
    let dev = options("development", &[]);
    run(&mut db, &[&*MEMBERS], &dev).await?;
    let err = run(&mut db, &[&*GHOST_POSTS], &dev).await.unwrap_err();
    let Error::Apply(ApplyError::UnknownRow { label, .. }) = &err else {
        panic!("{err}");
    };
    assert_eq!(label, "nobody");
    assert!(db.column("posts", "id").is_empty());
    Ok(())
}

#[tokio::test]
async fn a_streamed_unit_written_again_gives_its_rows_their_keys_back() -> Result<(), Error> {
    let mut db = Memory::new(catalog());
    let dev = options("development", &[]);
    run(&mut db, &[&*TAGS], &dev).await?;
    assert_eq!(ids(&db, "tags"), [1, 2, 3]);
    let pinned = db.column("tags", "id")[0].clone();

    // A row deleted by hand: the unit is written again from scratch, every row with its key.
    db.delete_where("tags", "id", "2");
    let reports = run(&mut db, &[&*TAGS], &dev).await?;
    assert_eq!(reports[0].outcome, Outcome::Restored);
    assert_eq!(ids(&db, "tags"), [1, 2, 3]);

    // One more tag: drawn after the keys given so far.
    let more = options("development", &[("tags", 3)]);
    run(&mut db, &[&*TAGS], &more).await?;
    assert_eq!(ids(&db, "tags"), [1, 2, 3, 4]);
    assert_eq!(db.column("tags", "id")[0], pinned);

    // A dry run draws from the sequence, writes nothing, and keys stay as they are.
    let most = options("development", &[("tags", 5)]);
    dry_run_with(&mut db, &[&*TAGS], &most).await?;
    assert_eq!(ids(&db, "tags"), [1, 2, 3, 4]);
    Ok(())
}
