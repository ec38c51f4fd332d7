//! Cleanup: removing exactly the rows that units inserted, per the ledger, in one transaction.
//!
//! Before deleting anything it counts the rows of other data that still point at the rows to go
//! (whatever the foreign key's ON DELETE rule: a cascade or a SET NULL would change data seedbed
//! did not write). If there are any it stops and removes nothing, unless asked to cascade.

use sqlx::{Connection, PgConnection};

use crate::Error;
use crate::catalog::{Catalog, ident};

/// Rows of other data that point at rows a cleanup would remove.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Blocker {
    /// The table holding the pointing rows.
    pub table: String,
    pub constraint: String,
    /// The table of the rows to be removed.
    pub references: String,
    pub rows: i64,
}

/// What a cleanup removed from one table for one unit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Removed {
    pub unit: String,
    pub table: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CleanupReport {
    /// Other rows removed first because `cascade` was asked for.
    pub cascaded: Vec<Blocker>,
    pub removed: Vec<Removed>,
}

/// Removes the rows of `units` (dependents first, as given). With `cascade`, rows of other data
/// that point at them are removed first; without, their presence is an error and nothing goes.
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
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name FROM seedbed.ledger_rows WHERE unit = ANY($1)
         UNION SELECT table_name FROM seedbed.ledger_ranges WHERE unit = ANY($1)",
    )
    .bind(&units)
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| Error::database("reading the ledger", &e))?;

    let going = Going::Units(&units);
    let blockers = blockers(&mut tx, &catalog, &tables, going).await?;
    let mut report = CleanupReport::default();
    if !blockers.is_empty() {
        if !cascade {
            return Err(Error::CleanupBlocked { blockers });
        }
        for blocker in &blockers {
            let fk = catalog
                .foreign_keys
                .iter()
                .find(|fk| fk.name == blocker.constraint && fk.table == blocker.table);
            if let Some(fk) = fk.filter(|fk| fk.on_delete != "c") {
                let sql = format!(
                    "DELETE FROM {} AS r WHERE {}",
                    ident(&fk.table),
                    pointing(&catalog, fk, going)?
                );
                sqlx::query(&sql)
                    .bind(&units)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| {
                        Error::database(format!("removing rows of `{}` (cascade)", fk.table), &e)
                    })?;
            }
        }
        report.cascaded = blockers;
    }

    for unit in &units {
        let names: Vec<&str> = tables.iter().map(String::as_str).collect();
        for table in catalog.insert_order(&names).into_iter().rev() {
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
    }
    for sql in [
        "DELETE FROM seedbed.ledger_rows WHERE unit = ANY($1)",
        "DELETE FROM seedbed.ledger_ranges WHERE unit = ANY($1)",
        "DELETE FROM seedbed.ledger WHERE unit = ANY($1)",
    ] {
        sqlx::query(sql)
            .bind(&units)
            .execute(&mut *tx)
            .await
            .map_err(|e| Error::database("updating the ledger", &e))?;
    }
    tx.commit()
        .await
        .map_err(|e| Error::database("committing the cleanup", &e))?;
    Ok(report)
}

/// Rows about to be removed: every row of some units (a cleanup), or the rows of one unit that
/// its new generation no longer has (an update).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Going<'a> {
    Units(&'a [String]),
    Stale { unit: &'a str, generation: i64 },
}

impl Going<'_> {
    /// The ledger entries of the rows that go (`$1`, `$2` bound by [`Going::bind`]).
    fn target(&self) -> &'static str {
        match self {
            Going::Units(_) => "unit = ANY($1)",
            Going::Stale { .. } => "unit = $1 AND generation < $2",
        }
    }

    /// The ledger entries of rows that are not other data: those of the same units.
    fn own(&self) -> &'static str {
        match self {
            Going::Units(_) => "unit = ANY($1)",
            Going::Stale { .. } => "unit = $1",
        }
    }

    fn bind<'q, O>(
        &self,
        query: sqlx::query::QueryScalar<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::QueryScalar<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>
    where
        O: Send + Unpin,
    {
        match *self {
            Going::Units(units) => query.bind(units.to_vec()),
            Going::Stale { unit, generation } => query.bind(unit.to_owned()).bind(generation),
        }
    }
}

/// Counts, per foreign key, the rows of other data (not recorded for the same units) that point
/// at the rows that are `going`, in `tables`.
pub(crate) async fn blockers(
    conn: &mut PgConnection,
    catalog: &Catalog,
    tables: &[String],
    going: Going<'_>,
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
            pointing(catalog, fk, going)?
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

/// The condition on rows `r` of the foreign key's table: they point at a row that is `going`,
/// and are not rows of the same units themselves.
fn pointing(
    catalog: &Catalog,
    fk: &crate::catalog::ForeignKey,
    going: Going<'_>,
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
        target.recorded(&fk.ref_table, "t", going.target()),
    );
    let source = catalog.table(&fk.table)?;
    if !source.primary_key.is_empty() {
        condition.push_str(&format!(
            " AND NOT {}",
            source.recorded(&fk.table, "r", going.own())
        ));
    }
    Ok(condition)
}
