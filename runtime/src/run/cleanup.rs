//! Cleanup: removing exactly the rows that units inserted, per the ledger, in one transaction.
//!
//! Before deleting anything it counts the rows of other data that still point at the rows to go
//! (whatever the foreign key's ON DELETE rule: a cascade or a SET NULL would change data seedbed
//! did not write). If there are any it stops and removes nothing, unless asked to cascade.

use sqlx::PgConnection;

use crate::Error;
use crate::engine::catalog::Catalog;
use crate::engine::postgres::PgEngine;
use crate::engine::{Engine, Recorded, Transaction};
use crate::error::CleanupError;
use crate::run::report::{Blocker, CleanupReport, Removed};

/// Removes the rows of `units` (dependents first, as given). With `cascade`, rows of other data
/// that point at them are removed first; without, their presence is an error and nothing goes.
///
/// This is the bare operation on a connection: it takes no lock and applies no guard. Programs
/// normally call [`run::cleanup`](crate::run::cleanup), which takes the seed-run lock,
/// refuses a production database, and works out the order from the registry and the ledger.
pub async fn cleanup(
    conn: &mut PgConnection,
    units: &[&str],
    cascade: bool,
) -> Result<CleanupReport, Error> {
    let units: Vec<String> = units.iter().map(|u| u.to_string()).collect();
    remove(&mut PgEngine::new(conn), &units, cascade).await
}

/// [`cleanup`] over any engine.
pub(crate) async fn remove(
    engine: &mut impl Engine,
    units: &[String],
    cascade: bool,
) -> Result<CleanupReport, Error> {
    let catalog = engine.catalog().await?;
    let mut tx = engine.begin().await?;
    let going = Recorded::Units(units);
    let tables = tx.recorded_tables(going).await?;

    // Children first: once a unit's own child rows are gone, whatever still points at a table's
    // seeded rows is other data, and counting it is a look-up, not a scan of everything seeded.
    let mut report = CleanupReport::default();
    let mut blockers = Vec::new();
    let names: Vec<&str> = tables.iter().map(String::as_str).collect();
    let truncated = truncate_whole_tables(&mut tx, &catalog, &names, units).await?;
    report.removed.extend(truncated.iter().cloned());
    // Tables whose seeded rows are gone: in the others (not reached yet through a deferrable
    // cycle, or kept because the cleanup is blocked) the units' own rows are not other data.
    let mut emptied: Vec<&str> = truncated.iter().map(|r| r.table.as_str()).collect();
    for table in catalog.insert_order(&names).into_iter().rev() {
        if emptied.contains(&table) {
            continue;
        }
        for fk in catalog
            .foreign_keys
            .iter()
            .filter(|fk| fk.ref_table == table)
        {
            let own_rows_remain =
                names.contains(&fk.table.as_str()) && !emptied.contains(&fk.table.as_str());
            let others_only = fk.table == fk.ref_table || own_rows_remain;
            let rows = tx.count_referencing(fk, going, others_only).await?;
            if rows == 0 {
                continue;
            }
            // A cascading key takes them along with the rows they point at.
            if cascade && !fk.cascades() {
                tx.delete_referencing(fk, going, others_only).await?;
            }
            blockers.push(Blocker {
                table: fk.table.clone(),
                constraint: fk.name.clone(),
                references: fk.ref_table.clone(),
                rows,
            });
        }
        if !cascade && !blockers.is_empty() {
            // Nothing more goes; keep counting what blocks, for the error.
            continue;
        }
        for unit in units {
            let rows = tx
                .delete_recorded(table, Recorded::Units(std::slice::from_ref(unit)))
                .await?;
            if rows > 0 {
                report.removed.push(Removed {
                    unit: unit.clone(),
                    table: table.to_owned(),
                    rows,
                });
            }
        }
        emptied.push(table);
    }
    if !blockers.is_empty() {
        if !cascade {
            // Dropping the transaction rolls back the deletes made so far.
            return Err(Error::Cleanup(CleanupError::Blocked { blockers }));
        }
        report.cascaded = blockers;
    }
    tx.forget(going).await?;
    tx.commit("the cleanup").await?;
    Ok(report)
}

/// Tables that hold nothing but rows of `units`, and whose referencing tables are empty or such
/// tables too, are emptied with one `TRUNCATE`: exact, and free of the per-row foreign-key
/// checks that make deleting a million rows take minutes. The tables are locked against writes
/// first, so what was counted is what goes. Returns what was removed, per unit and table.
async fn truncate_whole_tables(
    tx: &mut impl Transaction,
    catalog: &Catalog,
    tables: &[&str],
    units: &[String],
) -> Result<Vec<Removed>, Error> {
    // Nothing recorded (a second cleanup, or units not applied): nothing to lock or empty.
    if tables.is_empty() {
        return Ok(Vec::new());
    }
    let mut referencing: Vec<&str> = catalog
        .foreign_keys
        .iter()
        .filter(|fk| tables.contains(&fk.ref_table.as_str()))
        .map(|fk| fk.table.as_str())
        .chain(tables.iter().copied())
        .collect();
    referencing.sort_unstable();
    referencing.dedup();
    tx.lock_tables(&referencing).await?;

    let mut ours: Vec<Removed> = Vec::new();
    let mut whole: Vec<&str> = Vec::new();
    let mut empty: Vec<&str> = Vec::new();
    for table in &referencing {
        let total = tx.count_rows(table).await?;
        if total == 0 {
            empty.push(table);
            continue;
        }
        if !tables.contains(table) {
            continue;
        }
        let mut seeded = 0;
        let mut per_unit = Vec::new();
        for unit in units {
            let rows = tx.count_recorded(table, unit).await?;
            seeded += rows;
            if rows > 0 {
                per_unit.push(Removed {
                    unit: unit.clone(),
                    table: (*table).to_owned(),
                    rows: rows as u64,
                });
            }
        }
        if seeded == total {
            whole.push(table);
            ours.extend(per_unit);
        }
    }
    // A whole table can go only if everything pointing at it goes too.
    loop {
        let blocked: Vec<&str> = whole
            .iter()
            .copied()
            .filter(|t| {
                catalog.foreign_keys.iter().any(|fk| {
                    fk.ref_table == *t
                        && !whole.contains(&fk.table.as_str())
                        && !empty.contains(&fk.table.as_str())
                })
            })
            .collect();
        if blocked.is_empty() {
            break;
        }
        whole.retain(|t| !blocked.contains(t));
    }
    if whole.is_empty() {
        return Ok(Vec::new());
    }
    // TRUNCATE takes along, by name, every table that references one it empties: the empty
    // ones pointing at a whole table, and, in turn, the empty ones pointing at those.
    let mut truncated: Vec<&str> = whole.clone();
    loop {
        let more: Vec<&str> = catalog
            .foreign_keys
            .iter()
            .filter(|fk| truncated.contains(&fk.ref_table.as_str()))
            .map(|fk| fk.table.as_str())
            .filter(|t| !truncated.contains(t))
            .collect();
        if more.is_empty() {
            break;
        }
        for table in more {
            if !tx.is_empty(table).await? {
                // Not locked above, and not empty: leave the row-by-row deletes to do it all.
                return Ok(Vec::new());
            }
            if !truncated.contains(&table) {
                truncated.push(table);
            }
        }
    }
    tx.truncate(&truncated).await?;
    ours.retain(|r| whole.contains(&r.table.as_str()));
    Ok(ours)
}
