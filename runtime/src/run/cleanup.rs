//! Cleanup: removing exactly the rows that units inserted, per the ledger, in one transaction.
//!
//! Before deleting anything it counts the rows of other data that still point at the rows to go
//! (whatever the foreign key's ON DELETE rule: a cascade or a SET NULL would change data seedbed
//! did not write). If there are any it stops and removes nothing, unless asked to cascade.

use sqlx::{Connection, PgConnection};

use crate::Error;
use crate::engine::postgres::catalog::Catalog;
use crate::engine::postgres::ledger;
use crate::engine::postgres::sql::ident;
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
    let catalog = Catalog::load(conn).await?;
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| Error::database("starting the cleanup transaction", &e))?;
    let tables = ledger::recorded_tables(&mut tx, &units, None).await?;

    // Children first: once a unit's own child rows are gone, whatever still points at a table's
    // seeded rows is other data, and counting it is a look-up, not a scan of everything seeded.
    let mut report = CleanupReport::default();
    let mut blockers = Vec::new();
    let names: Vec<&str> = tables.iter().map(String::as_str).collect();
    let truncated = truncate_whole_tables(&mut tx, &catalog, &names, &units).await?;
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
            let condition = pointing_at_seeded(&catalog, fk, own_rows_remain)?;
            let sql = format!(
                "SELECT count(*) FROM {} AS r WHERE {condition}",
                ident(&fk.table)
            );
            let rows: i64 = sqlx::query_scalar(&sql)
                .bind(&units)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| {
                    Error::database(
                        format!("counting rows of `{}` that point at seeded rows", fk.table),
                        &e,
                    )
                })?;
            if rows == 0 {
                continue;
            }
            if cascade && fk.on_delete != "c" {
                let sql = format!("DELETE FROM {} AS r WHERE {condition}", ident(&fk.table));
                sqlx::query(&sql)
                    .bind(&units)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| {
                        Error::database(format!("removing rows of `{}` (cascade)", fk.table), &e)
                    })?;
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
        for unit in &units {
            let mut rows = 0;
            for sql in catalog.table(table)?.delete_recorded(table, "unit = $1") {
                rows += sqlx::query(&sql)
                    .bind(unit)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| {
                        Error::database(
                            format!("removing rows of `{table}` inserted by `{unit}`"),
                            &e,
                        )
                    })?
                    .rows_affected();
            }
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
            return Err(Error::CleanupBlocked { blockers });
        }
        report.cascaded = blockers;
    }
    ledger::forget(&mut tx, &units).await?;
    tx.commit()
        .await
        .map_err(|e| Error::database("committing the cleanup", &e))?;
    Ok(report)
}

/// Tables that hold nothing but rows of `units`, and whose referencing tables are empty or such
/// tables too, are emptied with one `TRUNCATE`: exact, and free of the per-row foreign-key
/// checks that make deleting a million rows take minutes. The tables are locked against writes
/// first, so what was counted is what goes. Returns what was removed, per unit and table.
async fn truncate_whole_tables(
    conn: &mut PgConnection,
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
    let list: Vec<String> = referencing.iter().map(|t| ident(t)).collect();
    let lock = format!("LOCK TABLE {} IN SHARE MODE", list.join(", "));
    sqlx::query(&lock)
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::database("locking the tables to clean up", &e))?;

    let mut ours: Vec<Removed> = Vec::new();
    let mut whole: Vec<&str> = Vec::new();
    let mut empty: Vec<&str> = Vec::new();
    for table in &referencing {
        let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}", ident(table)))
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| Error::database(format!("counting the rows of `{table}`"), &e))?;
        if total == 0 {
            empty.push(table);
            continue;
        }
        if !tables.contains(table) {
            continue;
        }
        let info = catalog.table(table)?;
        let key: Vec<String> = info.primary_key.iter().map(|(c, _)| c.clone()).collect();
        let mut seeded = 0;
        let mut per_unit = Vec::new();
        for unit in units {
            let sql = format!(
                "SELECT count(*) FROM ({}) AS s",
                info.seeded_columns(table, &key, "unit = $1")
            );
            let rows: i64 = sqlx::query_scalar(&sql)
                .bind(unit)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| {
                    Error::database(format!("counting the seeded rows of `{table}`"), &e)
                })?;
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
            let empty_now: bool =
                sqlx::query_scalar(&format!("SELECT NOT EXISTS (SELECT FROM {})", ident(table)))
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(|e| Error::database(format!("counting the rows of `{table}`"), &e))?;
            if !empty_now {
                // Not locked above, and not empty: leave the row-by-row deletes to do it all.
                return Ok(Vec::new());
            }
            if !truncated.contains(&table) {
                truncated.push(table);
            }
        }
    }
    let targets: Vec<String> = truncated.iter().map(|t| ident(t)).collect();
    sqlx::query(&format!("TRUNCATE {}", targets.join(", ")))
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::database("truncating tables that held only seeded rows", &e))?;
    ours.retain(|r| whole.contains(&r.table.as_str()));
    Ok(ours)
}

/// The condition on rows `r` of the foreign key's table: they point at a row that the units in
/// `$1` seeded, and are not rows those units seeded themselves (in the same table, or in a table
/// whose seeded rows are still there: `own_rows_remain`).
fn pointing_at_seeded(
    catalog: &Catalog,
    fk: &crate::engine::postgres::catalog::ForeignKey,
    own_rows_remain: bool,
) -> Result<String, Error> {
    let target = catalog.table(&fk.ref_table)?;
    let columns: Vec<String> = fk
        .columns
        .iter()
        .map(|c| format!("r.{}", ident(c)))
        .collect();
    let mut condition = format!(
        "({}) IN ({})",
        columns.join(", "),
        target.seeded_columns(&fk.ref_table, &fk.ref_columns, "unit = ANY($1)")
    );
    let source = catalog.table(&fk.table)?;
    if (fk.table == fk.ref_table || own_rows_remain) && !source.primary_key.is_empty() {
        condition.push_str(&format!(
            " AND NOT {}",
            source.recorded(&fk.table, "r", "unit = ANY($1)")
        ));
    }
    Ok(condition)
}

/// The rows of `unit` that its new `generation` no longer has: what an update removes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stale<'a> {
    pub unit: &'a str,
    pub generation: i64,
}

impl Stale<'_> {
    /// The ledger entries of the rows that go (`$1`, `$2` bound by [`Stale::bind`]).
    const TARGET: &'static str = "unit = $1 AND generation < $2";
    /// The ledger entries of rows that are not other data: the unit's own.
    const OWN: &'static str = "unit = $1";

    fn bind<'q, O>(
        &self,
        query: sqlx::query::QueryScalar<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::QueryScalar<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>
    where
        O: Send + Unpin,
    {
        query.bind(self.unit.to_owned()).bind(self.generation)
    }
}

/// Counts, per foreign key, the rows of other data (not recorded for the same units) that point
/// at the rows that are `going`, in `tables`.
pub(crate) async fn blockers(
    conn: &mut PgConnection,
    catalog: &Catalog,
    tables: &[String],
    going: Stale<'_>,
) -> Result<Vec<Blocker>, Error> {
    let mut found = Vec::new();
    for fk in catalog
        .foreign_keys
        .iter()
        .filter(|fk| tables.contains(&fk.ref_table))
    {
        let sql = format!(
            "SELECT count(*) FROM {} AS r WHERE {}",
            ident(&fk.table),
            pointing(catalog, fk)?
        );
        let rows: i64 = going
            .bind(sqlx::query_scalar(&sql))
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| {
                Error::database(
                    format!("counting rows of `{}` that point at seeded rows", fk.table),
                    &e,
                )
            })?;
        if rows > 0 {
            found.push(Blocker {
                table: fk.table.clone(),
                constraint: fk.name.clone(),
                references: fk.ref_table.clone(),
                rows,
            });
        }
    }
    Ok(found)
}

/// The condition on rows `r` of the foreign key's table: they point at a row that is stale,
/// and are not rows of the same units themselves.
fn pointing(
    catalog: &Catalog,
    fk: &crate::engine::postgres::catalog::ForeignKey,
) -> Result<String, Error> {
    let target = catalog.table(&fk.ref_table)?;
    let columns: Vec<String> = fk
        .columns
        .iter()
        .map(|c| format!("r.{}", ident(c)))
        .collect();
    let referenced: Vec<String> = fk
        .ref_columns
        .iter()
        .map(|c| format!("t.{}", ident(c)))
        .collect();
    let mut condition = format!(
        "({}) IN (SELECT {} FROM {} AS t WHERE {})",
        columns.join(", "),
        referenced.join(", "),
        ident(&fk.ref_table),
        target.recorded(&fk.ref_table, "t", Stale::TARGET),
    );
    let source = catalog.table(&fk.table)?;
    if !source.primary_key.is_empty() {
        condition.push_str(&format!(
            " AND NOT {}",
            source.recorded(&fk.table, "r", Stale::OWN)
        ));
    }
    Ok(condition)
}
