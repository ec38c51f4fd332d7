//! `status`: each unit pending, applied, changed or not in the environment, without writing.

use anyhow::Result;
use seedbed::run::{self, UnitState};
use seedbed::select::Registry;

use crate::support::{Fresh, apply, ledger, options};

#[tokio::test]
async fn status_shows_pending_applied_and_changed() -> Result<()> {
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let registry = Registry::discover()?;
    let state = |statuses: &[run::UnitStatus], unit: &str| {
        statuses
            .iter()
            .find(|s| s.unit == unit)
            .map(|s| s.state)
            .unwrap()
    };

    let opts = options("development", &[("n", 3)]);
    let s = run::status(pool, &registry, &opts).await?;
    assert_eq!(state(&s, "t_events"), UnitState::Pending);
    assert_eq!(state(&s, "t_venues"), UnitState::Pending);
    assert!(ledger(pool).await?.is_empty(), "status wrote the ledger");

    apply(pool, &["t_events"], &opts).await?;
    let s = run::status(pool, &registry, &opts).await?;
    assert_eq!(state(&s, "t_events"), UnitState::Applied);
    assert_eq!(state(&s, "t_venues"), UnitState::Applied);
    assert_eq!(state(&s, "t_styles"), UnitState::Pending);

    let s = run::status(pool, &registry, &options("development", &[("n", 4)])).await?;
    assert_eq!(state(&s, "t_events"), UnitState::Changed);
    assert_eq!(state(&s, "t_venues"), UnitState::Applied);

    let s = run::status(pool, &registry, &options("production", &[])).await?;
    assert_eq!(state(&s, "t_backwards"), UnitState::NotInEnvironment);
    assert_eq!(state(&s, "t_styles"), UnitState::Pending);

    // A ledger entry of another definition (the command line's: seeds/tests/runner.rs).
    sqlx::query("UPDATE seedbed.ledger SET checksum = 'old' WHERE unit = 't_venues'")
        .execute(pool)
        .await?;
    let s = run::status(pool, &registry, &opts).await?;
    assert_eq!(state(&s, "t_venues"), UnitState::Changed);
    fresh.finish().await
}

/// Per table of `unit`: (table, new, kept, gone) as `--status` plans them.
fn planned(statuses: &[run::UnitStatus], unit: &str) -> Vec<(String, u64, u64, u64)> {
    let status = statuses.iter().find(|s| s.unit == unit).unwrap();
    let mut changes: Vec<_> = status
        .changes
        .iter()
        .flatten()
        .map(|c| (c.table.clone(), c.new, c.kept, c.gone))
        .collect();
    changes.sort();
    changes
}

/// Per table of a unit's report: (table, inserted, updated + unchanged, deleted).
fn done(report: &run::UnitReport) -> Vec<(String, u64, u64, u64)> {
    let mut tables: Vec<_> = report
        .tables
        .iter()
        .map(|t| {
            (
                t.table.clone(),
                t.inserted,
                t.updated + t.unchanged,
                t.deleted,
            )
        })
        .collect();
    tables.sort();
    tables
}

#[tokio::test]
async fn status_counts_the_rows_a_run_would_insert_keep_and_delete_and_the_run_does() -> Result<()>
{
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    let registry = Registry::discover()?;

    let three = options("development", &[("n", 3)]);
    let s = run::status(pool, &registry, &three).await?;
    assert_eq!(planned(&s, "t_edited"), [("venues".into(), 3, 0, 0)]);
    assert_eq!(
        planned(&s, "t_venues"),
        [("organizers".into(), 1, 0, 0), ("venues".into(), 2, 0, 0)]
    );
    let reports = apply(pool, &["t_edited"], &three).await?;
    assert_eq!(done(&reports[0]), planned(&s, "t_edited"));

    // Two rows instead of three, then four: each plan is what the run then does.
    for (n, expected) in [(2, (0, 2, 1)), (4, (2, 2, 0))] {
        let changed = options("development", &[("n", n)]);
        let before = ledger(pool).await?;
        let s = run::status(pool, &registry, &changed).await?;
        assert_eq!(ledger(pool).await?, before, "status wrote the ledger");
        let (new, kept, gone) = expected;
        assert_eq!(
            planned(&s, "t_edited"),
            [("venues".into(), new, kept, gone)]
        );
        let reports = apply(pool, &["t_edited"], &changed).await?;
        assert_eq!(reports[0].unit, "t_edited");
        assert_eq!(done(&reports[0]), planned(&s, "t_edited"));
    }

    // Applied and unchanged, or streamed: nothing planned to count.
    let s = run::status(pool, &registry, &options("development", &[("n", 4)])).await?;
    assert!(planned(&s, "t_edited").is_empty());
    assert!(
        planned(&s, "t_events").is_empty(),
        "a unit with loops streams"
    );
    fresh.finish().await
}
