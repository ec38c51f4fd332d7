//! Applying units: rows upserted in batches, the ledger updated, one transaction per unit.
//!
//! Each table's rows go in one statement per set of columns written: the values travel as one
//! `text[]` per column, are unnested, cast to the column types, and upserted on the primary key.
//! The same statement records every row's key in the ledger under a new generation; rows of
//! the unit left with an older generation were removed from its definition and are deleted.
//! Rows of tables whose keys the database generates are keyed first, and references to them
//! resolved (see [`crate::run::keys`]).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};

use crate::Error;
use crate::engine::postgres::catalog::{Catalog, Omitted, TableInfo};
use crate::engine::postgres::ledger::{self, Entry};
use crate::engine::postgres::sql::ident;
use crate::plan::context::Context;
use crate::plan::{Row, Unit};
use crate::run::build::{self, KeyedRows, TableRowsBuilt, build};
use crate::run::digest;
use crate::run::keys::GeneratedKeys;
use crate::run::panics;
use crate::run::report::{Outcome, TableReport, UnitReport};
use crate::run::row_error::{bad_value_row, constraint_error, label_of, names_row, quoted_value};
use crate::run::stream;

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
async fn commit_unit(
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    unit: &str,
    recorded: bool,
) -> Result<(), Error> {
    let note = |f: &dyn Fn(&mut Committed)| {
        if recorded && let Ok(mut c) = COMMITTED.lock() {
            f(&mut c);
        }
    };
    note(&|c| c.committing = Some(unit.to_owned()));
    let result = tx
        .commit()
        .await
        .map_err(|e| Error::database(format!("committing unit `{unit}`"), &e));
    note(&|c| {
        c.committing = None;
        if result.is_ok() {
            c.units.push(unit.to_owned());
        }
    });
    result
}

/// Applies `units` in order. Call with the run's advisory lock held and the ledger created;
/// `ledger` is what it held when the lock was taken.
pub async fn apply(
    conn: &mut PgConnection,
    units: &[&'static Unit],
    ledger: &HashMap<String, Entry>,
    environment: &str,
    context: &Context,
) -> Result<Vec<UnitReport>, Error> {
    let recorded = !conn.is_in_transaction();
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let catalog = Catalog::load(conn).await?;
    let mut keys = GeneratedKeys::default();
    let mut reports = Vec::with_capacity(units.len());
    for unit in units {
        let previous = ledger.get(unit.name);
        let run = (environment, context);
        let work = async {
            if unit.static_rows.is_none() {
                apply_streamed(conn, unit, &catalog, previous, run, &mut keys, recorded).await
            } else {
                apply_static(conn, unit, &catalog, previous, run, &mut keys, recorded).await
            }
        };
        reports.push(panics::guard_async(unit.name, work).await?);
    }
    Ok(reports)
}

/// A unit without loops: its rows built in memory and upserted, one statement per table and
/// set of columns. An unchanged definition is still written, under its own generation: rows
/// deleted or edited by hand since (drift) come back, and when none did the transaction is
/// rolled back and the unit reported unchanged.
async fn apply_static(
    conn: &mut PgConnection,
    unit: &'static Unit,
    catalog: &Catalog,
    previous: Option<&Entry>,
    (environment, context): (&str, &Context),
    keys: &mut GeneratedKeys,
    recorded: bool,
) -> Result<UnitReport, Error> {
    let started = Instant::now();
    let (mut tables, checksum) = build(unit, context)?;
    let unchanged = previous.is_some_and(|p| p.checksum == checksum);
    let generation = match previous {
        Some(p) if unchanged => p.generation,
        Some(p) => p.generation + 1,
        None => 1,
    };
    let mut tx = begin_unit(conn).await?;
    // Every generated key first, so that references in any table find their rows.
    keys.begin_unit(&mut tx, unit.name).await?;
    let mut identities: HashMap<&'static str, Vec<String>> = HashMap::new();
    for table in &mut tables {
        keys.add_table(table.meta);
        if let Some(ids) = keys
            .assign_all(&mut tx, table.meta, &mut table.rows)
            .await?
        {
            identities.insert(table.meta.name, ids);
        }
    }
    for table in &mut tables {
        keys.resolve_all(&mut tx, table.meta, &mut table.rows)
            .await?;
    }
    let names: Vec<&str> = tables.iter().map(|t| t.meta.name).collect();
    let order = catalog.insert_order(&names);
    let mut table_reports: BTreeMap<String, TableReport> = BTreeMap::new();
    for table in order
        .iter()
        .filter_map(|name| tables.iter().find(|t| t.meta.name == *name))
    {
        let ids = identities.get(table.meta.name).map(Vec::as_slice);
        let report = upsert_table(&mut tx, unit, catalog, table, ids, generation).await?;
        table_reports.insert(table.meta.name.to_owned(), report);
    }
    if previous.is_some() && !unchanged {
        remove_stale(&mut tx, unit.name, catalog, generation, &mut table_reports).await?;
    }
    let drifted = table_reports.values().any(|t| t.inserted + t.updated > 0);
    if unchanged && !drifted {
        tx.rollback()
            .await
            .map_err(|e| Error::database(format!("ending unit `{}`", unit.name), &e))?;
        keys.end_unit();
        return Ok(UnitReport {
            unit: unit.name.into(),
            outcome: Outcome::Unchanged,
            tables: table_reports.into_values().collect(),
            millis: millis(started.elapsed()),
        });
    }
    let report = UnitReport {
        unit: unit.name.into(),
        outcome: match previous {
            Some(_) if unchanged => Outcome::Restored,
            Some(_) => Outcome::Updated,
            None => Outcome::Applied,
        },
        tables: table_reports.into_values().collect(),
        millis: 0.0,
    };
    let duration = started.elapsed();
    record(
        &mut tx,
        unit,
        &checksum,
        environment,
        &report,
        duration,
        generation,
        context,
        None,
    )
    .await?;
    commit_unit(tx, unit.name, recorded).await?;
    keys.end_unit();
    Ok(UnitReport {
        millis: millis(started.elapsed()),
        ..report
    })
}

/// A unit with generated rows: streamed with COPY. When its definition changed, its old rows
/// are removed first and the new ones streamed in, in the same transaction (rows of tables with
/// generated keys get their old keys back).
async fn apply_streamed(
    conn: &mut PgConnection,
    unit: &'static Unit,
    catalog: &Catalog,
    previous: Option<&Entry>,
    (environment, context): (&str, &Context),
    keys: &mut GeneratedKeys,
    recorded: bool,
) -> Result<UnitReport, Error> {
    let started = Instant::now();
    // Unchanged, and its rows still as written: nothing to do. Rows deleted or edited by hand
    // (drift) have it written again.
    let unchanged = match previous {
        Some(p) => build::checksum(unit, context)? == p.checksum,
        None => false,
    };
    if let Some(previous) = previous
        && unchanged
        && streamed_rows_intact(conn, catalog, previous).await?
    {
        return Ok(UnitReport {
            unit: unit.name.into(),
            outcome: Outcome::Unchanged,
            tables: Vec::new(),
            millis: millis(started.elapsed()),
        });
    }
    let generation = previous.map_or(1, |p| p.generation + 1);
    let mut tx = begin_unit(conn).await?;
    // The keys of the old rows are read before those rows and their ledger entries go.
    keys.begin_unit(&mut tx, unit.name).await?;
    let mut removed = BTreeMap::new();
    if previous.is_some() {
        remove_stale(&mut tx, unit.name, catalog, generation, &mut removed).await?;
    }
    let (mut tables, checksum) =
        stream::copy_unit(&mut tx, unit, catalog, generation, context, keys)
            .await
            .map_err(|e| name_streamed_row(unit, context, e))?;
    for table in &mut tables {
        table.deleted = removed.remove(&table.table).map_or(0, |r| r.deleted);
    }
    tables.extend(removed.into_values());
    let digests = digest::take(
        &mut tx,
        catalog,
        unit.name,
        tables
            .iter()
            .filter(|t| t.inserted > 0)
            .map(|t| t.table.as_str()),
    )
    .await?;
    let report = UnitReport {
        unit: unit.name.into(),
        outcome: match previous {
            Some(_) if unchanged => Outcome::Restored,
            Some(_) => Outcome::Updated,
            None => Outcome::Applied,
        },
        tables,
        millis: 0.0,
    };
    record(
        &mut tx,
        unit,
        &checksum,
        environment,
        &report,
        started.elapsed(),
        generation,
        context,
        Some(&digests),
    )
    .await?;
    commit_unit(tx, unit.name, recorded).await?;
    keys.end_unit();
    Ok(UnitReport {
        millis: millis(started.elapsed()),
        ..report
    })
}

/// Whether the rows of a unit with loops are all there as written: by their digests, or, in a
/// ledger older than digests, by their count.
async fn streamed_rows_intact(
    conn: &mut PgConnection,
    catalog: &Catalog,
    previous: &Entry,
) -> Result<bool, Error> {
    Ok(match &previous.digests {
        Some(kept) => digest::compare(conn, catalog, &previous.unit, kept)
            .await?
            .is_clean(),
        None => rows_present(conn, catalog, &previous.unit).await? >= previous.rows,
    })
}

/// How many of the rows the ledger recorded for `unit` the database still holds (rows of
/// generated key boxes counted by box).
pub(crate) async fn rows_present(
    conn: &mut PgConnection,
    catalog: &Catalog,
    unit: &str,
) -> Result<i64, Error> {
    let tables = ledger::recorded_tables(conn, &[unit.to_owned()], None).await?;
    let mut present = 0;
    for table in tables {
        let Ok(info) = catalog.table(&table) else {
            continue; // its table is gone: the rows with it
        };
        let key: Vec<String> = info.primary_key.iter().map(|(c, _)| c.clone()).collect();
        let sql = format!(
            "SELECT count(*) FROM ({}) AS s",
            info.seeded_columns(&table, &key, "unit = $1")
        );
        present += sqlx::query_scalar::<_, i64>(&sql)
            .bind(unit)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| Error::database(format!("counting the rows of unit `{unit}`"), &e))?;
    }
    Ok(present)
}

/// A unit's transaction, with every deferrable constraint deferred to its commit.
async fn begin_unit(
    conn: &mut PgConnection,
) -> Result<sqlx::Transaction<'_, sqlx::Postgres>, Error> {
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| Error::database("starting a transaction", &e))?;
    sqlx::query("SET CONSTRAINTS ALL DEFERRED")
        .execute(&mut *tx)
        .await
        .map_err(|e| Error::database("deferring constraints", &e))?;
    Ok(tx)
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Upserts every row of one table and records their keys under `generation`, with the rows'
/// `identities` (label or `#n`) when the database generates the table's keys.
async fn upsert_table(
    conn: &mut PgConnection,
    unit: &Unit,
    catalog: &Catalog,
    table: &TableRowsBuilt,
    identities: Option<&[String]>,
    generation: i64,
) -> Result<TableReport, Error> {
    let meta = table.meta;
    let info = catalog.table(meta.name)?;
    if info.primary_key.is_empty() {
        return Err(Error::NoPrimaryKey {
            unit: unit.name.into(),
            table: meta.name.into(),
        });
    }
    let mut report = TableReport {
        table: meta.name.into(),
        ..Default::default()
    };
    // One statement per distinct set of columns, in the order the sets first appear.
    let mut groups: Vec<(&[u16], Vec<&Row>, Vec<&str>)> = Vec::new();
    for (at, row) in table.rows.iter().enumerate() {
        let identity = identities
            .and_then(|ids| ids.get(at))
            .map_or("", String::as_str);
        match groups
            .iter_mut()
            .find(|(columns, _, _)| *columns == &*row.columns)
        {
            Some((_, rows, ids)) => {
                rows.push(row);
                ids.push(identity);
            }
            None => groups.push((&row.columns, vec![row], vec![identity])),
        }
    }
    let generated = identities.is_some();
    for (columns, rows, ids) in groups {
        let names = meta.column_names(columns);
        let sql = upsert_sql(meta.name, info, &names, generated)?;
        let mut query = sqlx::query_as::<_, (i64, i64)>(&sql)
            .bind(unit.name)
            .bind(generation);
        for position in 0..columns.len() {
            let values: Vec<Option<String>> = rows
                .iter()
                .map(|r| r.values[position].to_pg_text())
                .collect();
            query = query.bind(values);
        }
        if generated {
            query = query.bind(ids);
        }
        let (inserted, updated) = query.fetch_one(&mut *conn).await.map_err(|e| {
            // Searched among all the table's rows, so an unlabelled one gets its number.
            let all: Vec<&Row> = table.rows.iter().collect();
            constraint_error(unit.name, meta, &all, &e)
        })?;
        report.statements.push(sql);
        report.inserted += inserted as u64;
        report.updated += updated as u64;
        report.unchanged += rows.len() as u64 - (inserted + updated) as u64;
    }
    Ok(report)
}

/// The upsert-and-record statement for one table and set of columns. `$1` is the unit, `$2`
/// the generation, `$3...` one `text[]` per column, then, for a table whose keys the database
/// generates (`generated`), one of the rows' identities for the ledger; its key is written
/// explicitly, over an identity column's `GENERATED ALWAYS`.
fn upsert_sql(
    table: &str,
    info: &TableInfo,
    columns: &[&str],
    generated: bool,
) -> Result<String, Error> {
    let mut aliases = Vec::new();
    let mut casts = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        let ty = info
            .columns
            .get(*column)
            .ok_or_else(|| Error::MissingColumn {
                table: table.into(),
                column: (*column).into(),
            })?;
        aliases.push(format!("c{i}"));
        casts.push(format!("c{i}::{ty}"));
    }
    // A key column the rows leave out takes its default, computed once per row in `input`, so
    // the row and its ledger key agree; a default that changes per call would key a new row on
    // every run.
    let mut written: Vec<&str> = columns.to_vec();
    let mut computed = String::new();
    for (key, ty) in &info.primary_key {
        if columns.contains(&key.as_str()) {
            continue;
        }
        match info.omitted.get(key) {
            Some(Omitted::Constant(Some(default))) => {
                let alias = format!("k{}", written.len());
                computed.push_str(&format!(", ({default})::{ty} AS {alias}"));
                casts.push(alias);
                written.push(key);
            }
            _ => {
                return Err(Error::KeyColumnOmitted {
                    table: table.into(),
                    column: key.clone(),
                });
            }
        }
    }
    let mut unnest: Vec<String> = (0..columns.len())
        .map(|i| format!("${}::text[]", i + 3))
        .collect();
    let (overriding, label) = if generated {
        unnest.push(format!("${}::text[]", columns.len() + 3));
        aliases.push("row_identity".to_owned());
        ("OVERRIDING SYSTEM VALUE ", Some("row_identity"))
    } else {
        ("", None)
    };
    let quoted: Vec<String> = written.iter().map(|c| ident(c)).collect();
    let key_columns: Vec<String> = info.primary_key.iter().map(|(k, _)| ident(k)).collect();
    // Columns left out with a constant default (or none) are set to what the insert proposes
    // for them, that default or NULL: after a re-run the row is what a fresh apply gives.
    let mut reset: Vec<&String> = info
        .omitted
        .iter()
        .filter(|(c, o)| matches!(o, Omitted::Constant(_)) && !written.contains(&c.as_str()))
        .map(|(c, _)| c)
        .collect();
    reset.sort();
    let reset: Vec<String> = reset.into_iter().map(|c| ident(c)).collect();
    let others: Vec<&String> = quoted
        .iter()
        .filter(|q| !key_columns.contains(q))
        .chain(&reset)
        .collect();
    let on_conflict = if others.is_empty() {
        format!("ON CONFLICT ({}) DO NOTHING", key_columns.join(", "))
    } else {
        let set: Vec<String> = others
            .iter()
            .map(|c| format!("{c} = EXCLUDED.{c}"))
            .collect();
        // Compared as text: every type has a text form, not every type an `=` (json, xml, point).
        let current: Vec<String> = others
            .iter()
            .map(|c| format!("{}.{c}::text", ident(table)))
            .collect();
        let excluded: Vec<String> = others
            .iter()
            .map(|c| format!("EXCLUDED.{c}::text"))
            .collect();
        format!(
            "ON CONFLICT ({}) DO UPDATE SET {} WHERE ({}) IS DISTINCT FROM ({})",
            key_columns.join(", "),
            set.join(", "),
            row_of(&current),
            row_of(&excluded),
        )
    };
    let key_text = info.key_text(|k| {
        let i = written.iter().position(|c| *c == k).unwrap_or_default();
        casts[i].clone()
    });
    Ok(format!(
        "WITH input AS (SELECT *{computed} FROM unnest({unnest}) AS input({aliases})),
         upserted AS (
             INSERT INTO {table_q} ({quoted}) {overriding}SELECT {casts} FROM input {on_conflict}
             RETURNING (xmax = 0) AS inserted),
         {recorded}
         SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted",
        unnest = unnest.join(", "),
        aliases = aliases.join(", "),
        table_q = ident(table),
        quoted = quoted.join(", "),
        casts = casts.join(", "),
        recorded = ledger::record_keys_in_upsert(table, &key_text, label),
    ))
}

/// `(a, b)` for several, `ROW(a)` for one, so `IS DISTINCT FROM` compares whole rows.
fn row_of(items: &[String]) -> String {
    if items.len() == 1 {
        format!("ROW({})", items[0])
    } else {
        format!("({})", items.join(", "))
    }
}

/// Deletes the rows a unit's earlier generations inserted that its definition no longer has,
/// children before parents, and forgets them in the ledger.
async fn remove_stale(
    conn: &mut PgConnection,
    unit: &str,
    catalog: &Catalog,
    generation: i64,
    reports: &mut BTreeMap<String, TableReport>,
) -> Result<(), Error> {
    let stale_tables = ledger::recorded_tables(conn, &[unit.to_owned()], Some(generation)).await?;
    // Deleting them must not take other data along (ON DELETE CASCADE / SET NULL) or fail on it.
    let going = crate::run::cleanup::Stale { unit, generation };
    let blockers = crate::run::cleanup::blockers(conn, catalog, &stale_tables, going).await?;
    if !blockers.is_empty() {
        return Err(Error::ChangeBlocked {
            unit: unit.to_owned(),
            blockers,
        });
    }
    let names: Vec<&str> = stale_tables.iter().map(String::as_str).collect();
    for table in catalog.insert_order(&names).into_iter().rev() {
        let mut deleted = 0;
        for sql in catalog
            .table(table)?
            .delete_recorded(table, "unit = $1 AND generation < $2")
        {
            deleted += sqlx::query(&sql)
                .bind(unit)
                .bind(generation)
                .execute(&mut *conn)
                .await
                .map_err(|e| {
                    Error::database(
                        format!("removing rows of `{table}` no longer in unit `{unit}`"),
                        &e,
                    )
                })?
                .rows_affected();
        }
        let report = reports
            .entry(table.to_owned())
            .or_insert_with(|| TableReport {
                table: table.to_owned(),
                ..Default::default()
            });
        report.deleted += deleted;
    }
    ledger::forget_older(conn, unit, generation).await
}

#[allow(clippy::too_many_arguments)]
async fn record(
    conn: &mut PgConnection,
    unit: &Unit,
    checksum: &str,
    environment: &str,
    report: &UnitReport,
    duration: Duration,
    generation: i64,
    context: &Context,
    digests: Option<&BTreeMap<String, digest::TableDigest>>,
) -> Result<(), Error> {
    let entry = ledger::Record {
        unit: unit.name,
        kind: unit.kind.to_string(),
        checksum,
        environment,
        rows: report.rows() as i64,
        duration_ms: millis(duration),
        schema_version: unit.schema_version,
        generation,
        context: serde_json::to_value(context).unwrap_or_default(),
        digests,
    };
    ledger::record(conn, &entry).await
}

/// Names the unit of a database error raised while streaming `unit`, and the row of a
/// constraint error (COPY keeps no rows): its rows are generated again, one at a time, and the
/// first one the server's detail names wins.
fn name_streamed_row(unit: &'static Unit, context: &Context, error: Error) -> Error {
    let (name, table, what) = match error {
        Error::Constraint { unit, table, what } => (unit, table, what),
        Error::Database {
            context,
            sqlstate,
            message,
        } => {
            return Error::Database {
                context: format!("unit `{}`: {context}", unit.name),
                sqlstate,
                message,
            };
        }
        other => return other,
    };
    let detail = what
        .split_once("(detail: ")
        .map_or("", |(_, detail)| detail);
    let bad_value = what
        .rsplit_once(" (SQLSTATE")
        .map_or(what.as_str(), |(m, _)| m);
    let bad_value = (!what.starts_with(", row") && quoted_value(bad_value).is_some())
        .then(|| {
            let context = std::sync::Arc::new(context.clone());
            context
                .sync_scope_unit(unit.name, unit.build)
                .tables
                .into_iter()
                .filter(|t| t.meta.name == table)
                .find_map(|t| {
                    let meta = t.meta;
                    bad_value_row(meta, KeyedRows::new(unit.name, &context, t), bad_value)
                })
        })
        .flatten();
    if let Some(row) = bad_value {
        return Error::Constraint {
            unit: name,
            table,
            what: format!("{row}{what}"),
        };
    }
    let label = (!what.starts_with(", row") && !detail.is_empty())
        .then(|| {
            let context = std::sync::Arc::new(context.clone());
            context
                .sync_scope_unit(unit.name, unit.build)
                .tables
                .into_iter()
                .filter(|t| t.meta.name == table)
                .find_map(|t| {
                    let meta = t.meta;
                    KeyedRows::new(unit.name, &context, t)
                        .find(|row| names_row(meta, row, detail))
                        .map(|row| label_of(&row))
                })
        })
        .flatten();
    Error::Constraint {
        unit: name,
        table,
        what: match label {
            Some(label) => format!(", row {label}{what}"),
            None => what,
        },
    }
}
