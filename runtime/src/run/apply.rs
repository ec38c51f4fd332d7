//! Applying units, one transaction per unit, decided here and written through the
//! [`Engine`](crate::engine::Engine).
//!
//! A new unit is written under generation 1. A unit whose definition changed is written under
//! the next generation, and its rows left with an older one (removed from its definition) are
//! deleted, unless other data points at them. An unchanged unit is compared with the digests
//! of its rows the ledger kept, per table; only when they differ (rows deleted or edited by
//! hand since) is it written again.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use crate::Error;
use crate::engine::catalog::Catalog;
use crate::engine::ledger::{Entry, Record, TableDigest};
use crate::engine::{Engine, Recorded, Transaction, Upserted};
use crate::error::ApplyError;
use crate::plan::Unit;
use crate::plan::context::Context;
use crate::run::RunOutcome;
use crate::run::keys::GeneratedKeys;
use crate::run::plan::{Action, Decision, UnitPlan};
use crate::run::report::{Blocker, Outcome, TableReport, UnitReport};
use crate::run::{build, panics};

/// The units this process committed, and the one whose commit is under way: what a run stopped
/// by a signal reports (see [`crate::cli::main`]). Runs inside an outer transaction (dry runs,
/// the drift check of `--status`) commit nothing and are not recorded.
#[derive(Debug, Clone, Default)]
pub struct Committed {
    /// Units committed, in order.
    pub units: Vec<String>,
    /// The unit whose `COMMIT` was sent and not answered yet.
    pub committing: Option<String>,
}

static COMMITTED: std::sync::Mutex<Committed> = std::sync::Mutex::new(Committed {
    units: Vec::new(),
    committing: None,
});

/// What this process has committed so far, see [`Committed`].
pub fn committed() -> Committed {
    COMMITTED.lock().map(|c| c.clone()).unwrap_or_default()
}

/// Commits a unit's transaction, keeping [`committed`] up to date.
async fn commit_unit(tx: impl Transaction, unit: &str, recorded: bool) -> Result<(), Error> {
    let note = |f: &dyn Fn(&mut Committed)| {
        if recorded && let Ok(mut c) = COMMITTED.lock() {
            f(&mut c);
        }
    };
    note(&|c| c.committing = Some(unit.to_owned()));
    let result = tx.commit(&format!("unit `{unit}`")).await;
    note(&|c| {
        c.committing = None;
        if result.is_ok() {
            c.units.push(unit.to_owned());
        }
    });
    result
}

/// Carries out the plan of `units`, in order, up to the first that fails. Call with the run's
/// lock held and the ledger created.
pub(crate) async fn apply(
    engine: &mut impl Engine,
    units: Vec<UnitPlan>,
    environment: &str,
    context: &Context,
) -> RunOutcome {
    let mut reports = Vec::with_capacity(units.len());
    // Keys the database generated for labelled rows, kept from unit to unit of the run.
    let mut keys = GeneratedKeys::default();
    for plan in units {
        let name = plan.unit.name;
        let work = async {
            if plan.rows.is_some() {
                apply_static(engine, plan, &mut keys, (environment, context)).await
            } else {
                apply_streamed(engine, plan, &mut keys, (environment, context)).await
            }
        };
        match panics::guard_async(name, work).await {
            Ok(report) => reports.push(report),
            Err(error) => {
                return RunOutcome {
                    reports,
                    error: Some(error),
                };
            }
        }
    }
    RunOutcome {
        reports,
        error: None,
    }
}

/// A unit without loops: its built rows upserted. An unchanged definition whose rows are as
/// the ledger's digests of them say is left as it is; otherwise it is written again, under its
/// own generation: rows deleted or edited by hand since (drift) come back, and when none did
/// the transaction is rolled back and the unit reported unchanged.
async fn apply_static(
    engine: &mut impl Engine,
    plan: UnitPlan,
    keys: &mut GeneratedKeys,
    (environment, context): (&str, &Context),
) -> Result<UnitReport, Error> {
    let started = Instant::now();
    let UnitPlan {
        unit,
        previous,
        decision,
        checksum,
        rows,
        ..
    } = plan;
    let mut rows = rows.unwrap_or_default();
    if decision.action == Action::Verify
        && let Some(previous) = &previous
        && previous.digests.is_some()
        && engine.compare(previous).await?.is_clean()
    {
        let tables = rows
            .iter()
            .map(|t| TableReport {
                table: t.meta.name.into(),
                unchanged: t.rows.len() as u64,
                ..TableReport::default()
            })
            .collect();
        return Ok(UnitReport {
            unit: unit.name.into(),
            outcome: Outcome::Unchanged,
            tables,
            millis: millis(started.elapsed()),
        });
    }
    let written: Vec<&'static str> = rows.iter().map(|t| t.meta.name).collect();
    let catalog = engine.catalog().await?;
    let reset = columns_to_reset(decision, previous.as_ref(), &catalog, &written);
    let recorded = engine.commits();
    let generated = rows.iter().any(|t| t.meta.generated_key.is_some());
    let mut tx = engine.begin_unit().await?;
    // The keys of the unit's old rows are read before those rows and their entries go.
    keys.begin_unit(&mut tx, unit.name, generated).await?;
    keys.key_tables(&mut tx, &mut rows).await?;
    let Upserted {
        reports: mut table_reports,
        digests: mut written_digests,
    } = tx.upsert(unit, rows, decision.generation, &reset).await?;
    if decision.action == Action::Update {
        let stale = Recorded::Stale {
            unit: unit.name,
            generation: decision.generation,
        };
        remove_stale(&mut tx, &catalog, stale, &mut table_reports).await?;
    }
    let drifted = table_reports.values().any(|t| t.inserted + t.updated > 0);
    if decision.action == Action::Verify && !drifted {
        // Its rows are as the definition has them, but not as its digests say (a trigger or
        // the application touched what the definition leaves out, or the ledger is older than
        // digests): the digests of the rows as they are, so that the next run need not look.
        let digests = tx
            .digests(unit.name, &held(&table_reports, &written))
            .await?;
        tx.set_digests(unit.name, &digests).await?;
        commit_unit(tx, unit.name, recorded).await?;
        keys.end_unit();
        return Ok(UnitReport {
            unit: unit.name.into(),
            outcome: Outcome::Unchanged,
            tables: table_reports.into_values().collect(),
            millis: millis(started.elapsed()),
        });
    }
    // Digests of the rows as committed, so the next run finds them unchanged without writing:
    // those of the upsert where it wrote every row of a table, the others read back.
    let (whole, partly): (Vec<_>, Vec<_>) = held(&table_reports, &written)
        .into_iter()
        .partition(|(t, _)| table_reports.get(*t).is_some_and(|r| r.unchanged == 0));
    let mut digests = tx.digests(unit.name, &partly).await?;
    for (table, _) in whole {
        if let Some(digest) = written_digests.remove(table) {
            digests.insert(table.to_owned(), digest);
        }
    }
    let report = UnitReport {
        unit: unit.name.into(),
        outcome: decision.outcome(),
        tables: table_reports.into_values().collect(),
        millis: 0.0,
    };
    let entry = record(
        unit,
        &checksum,
        environment,
        &report,
        started,
        decision,
        context,
        Some(&digests),
    );
    tx.record(&entry).await?;
    commit_unit(tx, unit.name, recorded).await?;
    keys.end_unit();
    Ok(UnitReport {
        millis: millis(started.elapsed()),
        ..report
    })
}

/// The tables of `written` where the columns rows leave out are set to their defaults: all of
/// them when the definition is new or changed (a fresh apply gives those columns their
/// defaults); for an unchanged one, only those whose defaults a migration changed since. Left
/// alone otherwise, such a column keeps what triggers and the application put there since (a
/// counter a trigger keeps, a timestamp it touches): resetting it would fight them.
fn columns_to_reset(
    decision: Decision,
    previous: Option<&Entry>,
    catalog: &Catalog,
    written: &[&'static str],
) -> Vec<&'static str> {
    if decision.action != Action::Verify {
        return written.to_vec();
    }
    let kept = previous.and_then(|p| p.digests.as_ref());
    written
        .iter()
        .copied()
        .filter(|table| {
            let then = kept
                .and_then(|k| k.0.get(*table))
                .and_then(|d| d.defaults.as_ref());
            let now = catalog.table(table).map(|info| info.defaults());
            then.zip(now.ok()).is_some_and(|(then, now)| *then != now)
        })
        .collect()
}

/// A unit with loops: its rows streamed in bulk. When its definition changed, its old rows are
/// removed first and the new ones loaded, in the same transaction (rows of tables with
/// generated keys get their old keys back). Unchanged with every row still as written: nothing
/// to do; rows deleted or edited by hand (drift) have it written again.
async fn apply_streamed(
    engine: &mut impl Engine,
    plan: UnitPlan,
    keys: &mut GeneratedKeys,
    (environment, context): (&str, &Context),
) -> Result<UnitReport, Error> {
    let started = Instant::now();
    let UnitPlan {
        unit,
        previous,
        mut decision,
        ..
    } = plan;
    if let Some(previous) = &previous
        && decision.action == Action::Verify
    {
        if engine.compare(previous).await?.is_clean() {
            // Its rows are as the digests counted them.
            let tables = previous
                .digests
                .iter()
                .flat_map(|d| d.0.iter())
                .map(|(table, digest)| TableReport {
                    table: table.clone(),
                    unchanged: digest.rows.max(0) as u64,
                    ..TableReport::default()
                })
                .collect();
            return Ok(UnitReport {
                unit: unit.name.into(),
                outcome: Outcome::Unchanged,
                tables,
                millis: millis(started.elapsed()),
            });
        }
        // Its rows are written again from scratch, replacing the ones still there.
        decision.generation += 1;
    }
    let catalog = engine.catalog().await?;
    let recorded = engine.commits();
    let mut tx = engine.begin_unit().await?;
    // Its tables are known as its rows stream: what it recorded is read either way.
    keys.begin_unit(&mut tx, unit.name, true).await?;
    let mut removed = BTreeMap::new();
    if previous.is_some() {
        let stale = Recorded::Stale {
            unit: unit.name,
            generation: decision.generation,
        };
        remove_stale(&mut tx, &catalog, stale, &mut removed).await?;
    }
    let build_after = build_after(&mut tx, unit, context).await?;
    let (mut tables, checksum) = tx
        .bulk_load(unit, context, decision.generation, &build_after, keys)
        .await?;
    for table in &mut tables {
        table.deleted = removed.remove(&table.table).map_or(0, |r| r.deleted);
    }
    tables.extend(removed.into_values());
    // Written from scratch: the unit's rows in a table are the ones it loaded.
    let loaded: Vec<(&str, u64)> = tables
        .iter()
        .filter(|t| t.inserted > 0)
        .map(|t| (t.table.as_str(), t.inserted))
        .collect();
    let digests = tx.digests(unit.name, &loaded).await?;
    let report = UnitReport {
        unit: unit.name.into(),
        outcome: decision.outcome(),
        tables,
        millis: 0.0,
    };
    let entry = record(
        unit,
        &checksum,
        environment,
        &report,
        started,
        decision,
        context,
        Some(&digests),
    );
    tx.record(&entry).await?;
    commit_unit(tx, unit.name, recorded).await?;
    keys.end_unit();
    Ok(UnitReport {
        millis: millis(started.elapsed()),
        ..report
    })
}

/// Rows a unit must bring into a table before loading it bare and building its keys and
/// indexes afterwards pays: below, the drops and builds cost more than they save.
const BUILD_AFTER_ROWS: u64 = 10_000;

/// The tables of a streamed unit loaded bare, their keys and indexes built after the rows are
/// in: those it brings at least [`BUILD_AFTER_ROWS`] rows into and that hold at most a quarter
/// as many now (after its stale rows went). Building an index over every row then costs less
/// than maintaining it row by row; beside a table holding many more rows, it would not. Only
/// rows known before generating count ([`build::known_rows`]): a loop of unknown length
/// (rare: seed loops walk ranges and `Vec`s) keeps the row-by-row path, which is never wrong.
async fn build_after(
    tx: &mut impl Transaction,
    unit: &Unit,
    context: &Context,
) -> Result<BTreeSet<String>, Error> {
    let mut tables = BTreeSet::new();
    for (table, rows) in build::known_rows(unit, context)? {
        if rows < BUILD_AFTER_ROWS {
            continue;
        }
        let limit = rows / 4;
        if tx.rows_up_to(table, limit + 1).await? <= limit {
            tables.insert(table.to_owned());
        }
    }
    Ok(tables)
}

/// Per table an upserted unit writes, how many of its rows the table holds: all it wrote.
fn held<'a>(reports: &'a BTreeMap<String, TableReport>, written: &[&str]) -> Vec<(&'a str, u64)> {
    reports
        .values()
        .filter(|t| written.contains(&t.table.as_str()))
        .map(|t| (t.table.as_str(), t.inserted + t.updated + t.unchanged))
        .collect()
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Deletes the rows of a unit's earlier generations that its definition no longer has (`stale`),
/// children before parents, and forgets them in the ledger. Deleting them must not take other
/// data along (ON DELETE CASCADE / SET NULL) or fail on it: other rows pointing at them stop
/// the change.
async fn remove_stale(
    tx: &mut impl Transaction,
    catalog: &Catalog,
    stale: Recorded<'_>,
    reports: &mut BTreeMap<String, TableReport>,
) -> Result<(), Error> {
    let Recorded::Stale { unit, .. } = stale else {
        return Ok(());
    };
    let tables = tx.recorded_tables(stale).await?;
    let mut blockers = Vec::new();
    for fk in catalog
        .foreign_keys
        .iter()
        .filter(|fk| tables.contains(&fk.ref_table))
    {
        let rows = tx.count_referencing(fk, stale, true).await?;
        if rows > 0 {
            blockers.push(Blocker {
                table: fk.table.clone(),
                constraint: fk.name.clone(),
                references: fk.ref_table.clone(),
                rows,
            });
        }
    }
    if !blockers.is_empty() {
        return Err(Error::Apply(ApplyError::ChangeBlocked {
            unit: unit.to_owned(),
            blockers,
        }));
    }
    let names: Vec<&str> = tables.iter().map(String::as_str).collect();
    for table in catalog.insert_order(&names).into_iter().rev() {
        let deleted = tx.delete_recorded(table, stale).await?;
        let report = reports
            .entry(table.to_owned())
            .or_insert_with(|| TableReport {
                table: table.to_owned(),
                ..Default::default()
            });
        report.deleted += deleted;
    }
    tx.forget(stale).await
}

/// The ledger entry of a unit written as `report` says.
#[allow(clippy::too_many_arguments)]
fn record<'a>(
    unit: &'a Unit,
    checksum: &'a str,
    environment: &'a str,
    report: &UnitReport,
    started: Instant,
    decision: Decision,
    context: &Context,
    digests: Option<&'a BTreeMap<String, TableDigest>>,
) -> Record<'a> {
    Record {
        unit: unit.name,
        kind: unit.kind.to_string(),
        checksum,
        environment,
        rows: report.rows() as i64,
        duration_ms: millis(started.elapsed()),
        schema_version: unit.schema_version,
        generation: decision.generation,
        context: serde_json::to_value(context).unwrap_or_default(),
        digests,
    }
}
