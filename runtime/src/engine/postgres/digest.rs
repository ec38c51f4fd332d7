//! Fingerprints of a unit's rows: per table, the row count and a digest of the rows as they
//! were committed, kept in the ledger. A unit with loops may hold millions of rows, so it is
//! compared by them alone; a unit without loops is compared by them first, and written again
//! (each row against its definition, see [`crate::run::apply`]) only when they differ. A re-run
//! or `--status` computes them again: rows deleted by hand lower the count, rows edited by hand
//! change the digest.

use std::collections::BTreeMap;

use sqlx::PgConnection;

use crate::Error;
use crate::engine::Comparison;
use crate::engine::catalog::{Catalog, TableInfo};
pub use crate::engine::ledger::TableDigest;
use crate::engine::postgres::ledger;
use crate::engine::postgres::sql::{ident, literal};

/// From how many rows of a unit in a table its digest is first taken over the whole table.
const WHOLE_TABLE_ROWS: u64 = 10_000;

/// The digests of every table `tables` names, over the rows the ledger records for `unit`, each
/// given with how many of them it holds. A large one is digested over the whole table first,
/// in one statement that counts its rows too: when it holds no row but the unit's (the common
/// case after a large load) that digest is theirs, read in a scan the server may run in
/// parallel, without looking each row's key up in the ledger.
pub async fn take(
    conn: &mut PgConnection,
    catalog: &Catalog,
    unit: &str,
    tables: &[(&str, u64)],
) -> Result<BTreeMap<String, TableDigest>, Error> {
    let mut digests = BTreeMap::new();
    for (table, held) in tables {
        let info = catalog.table(table)?;
        let columns = digest_columns(info);
        let whole = match *held >= WHOLE_TABLE_ROWS {
            true => Some(measure_whole(conn, table, &columns, *held).await?),
            false => None,
        };
        let (rows, digest) = match whole {
            Some((rows, digest)) if rows as u64 == *held => (rows, digest),
            _ => measure(conn, catalog, unit, table, &columns).await?,
        };
        digests.insert((*table).to_owned(), table_digest(info, rows, digest));
    }
    Ok(digests)
}

/// The number of rows of `table` and their digest over `columns`, whoever's they are; `(0,
/// "0")` without a scan when the planner's estimate of its rows (`reltuples`, kept by
/// `ANALYZE` and index builds) is well above the `expected` rows of a unit: the table holds
/// others too, and the scan would be wasted.
async fn measure_whole(
    conn: &mut PgConnection,
    table: &str,
    columns: &[String],
    expected: u64,
) -> Result<(i64, String), Error> {
    let sql = format!(
        "SELECT count(*), coalesce(sum({hash}), 0)::text FROM {t} AS s
         WHERE (SELECT reltuples FROM pg_class WHERE oid = to_regclass({name})) <= {most}",
        hash = row_hash("s", columns),
        t = ident(table),
        name = literal(&ident(table)),
        most = expected + expected / 10,
    );
    sqlx::query_as(&sql)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::database(format!("digesting the rows of {table}"), &e))
}

/// The rows of `unit` now, against the digests kept when it was written.
pub async fn compare(
    conn: &mut PgConnection,
    catalog: &Catalog,
    unit: &str,
    kept: &BTreeMap<String, TableDigest>,
) -> Result<Comparison, Error> {
    let mut comparison = Comparison::default();
    for (table, then) in kept {
        let Ok(info) = catalog.table(table) else {
            // Its table is gone, and the rows with it.
            comparison.missing += then.rows.max(0) as u64;
            continue;
        };
        if then.columns.iter().any(|c| !info.columns.contains_key(c))
            || then
                .defaults
                .as_ref()
                .is_some_and(|d| *d != info.defaults())
        {
            // A column of the rows was dropped since, or a default changed: they are not what
            // a fresh apply gives.
            comparison.edited.push(table.clone());
            continue;
        }
        // A large table holding the unit's rows and nothing else (as a large load leaves it)
        // matches in one scan of it; anything else is measured row by row through the ledger.
        if then.rows as u64 >= WHOLE_TABLE_ROWS
            && measure_whole(conn, table, &then.columns, then.rows as u64).await?
                == (then.rows, then.digest.clone())
        {
            continue;
        }
        let (rows, digest) = measure(conn, catalog, unit, table, &then.columns).await?;
        if rows < then.rows {
            comparison.missing += (then.rows - rows) as u64;
        } else if digest != then.digest {
            comparison.edited.push(table.clone());
        }
    }
    Ok(comparison)
}

/// The 64-bit hash of row `alias` over `columns` (sorted, as [`take`] lists them), as a
/// `numeric` to sum: a table's digest is the sum over its rows.
pub(crate) fn row_hash(alias: &str, columns: &[String]) -> String {
    let row: Vec<String> = columns
        .iter()
        .map(|c| format!("{}.{}", ident(alias), ident(c)))
        .collect();
    format!(
        "('x' || left(md5(ROW({})::text), 16))::bit(64)::bigint::numeric",
        row.join(", ")
    )
}

/// The digest of a table's rows over its columns, as [`take`] keeps it: the columns sorted.
pub(crate) fn table_digest(info: &TableInfo, rows: i64, digest: String) -> TableDigest {
    TableDigest {
        columns: digest_columns(info),
        rows,
        digest,
        defaults: Some(info.defaults()),
    }
}

/// The columns a digest of the table covers: all of them, sorted.
pub(crate) fn digest_columns(info: &TableInfo) -> Vec<String> {
    let mut columns: Vec<String> = info.columns.keys().cloned().collect();
    columns.sort();
    columns
}

/// The number of rows of `table` recorded for `unit`, and their digest over `columns`.
async fn measure(
    conn: &mut PgConnection,
    catalog: &Catalog,
    unit: &str,
    table: &str,
    columns: &[String],
) -> Result<(i64, String), Error> {
    let info = catalog.table(table)?;
    let sql = format!(
        "SELECT count(*), coalesce(sum({hash}), 0)::text FROM ({rows}) AS s",
        hash = row_hash("s", columns),
        rows = info.seeded_columns(table, columns, "unit = $1"),
    );
    sqlx::query_as(&sql)
        .bind(unit)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| {
            Error::database(
                format!("digesting the rows of unit `{unit}` in {table}"),
                &e,
            )
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
