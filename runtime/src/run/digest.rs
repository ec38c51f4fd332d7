//! Fingerprints of the rows of units with loops: such a unit may hold millions of rows, so
//! instead of comparing each with its definition (as units without loops are, see
//! [`crate::run::apply`]), the ledger keeps, per table, the row count and a digest of the rows as
//! they were committed. A re-run or `--status` computes them again: rows deleted by hand lower
//! the count, rows edited by hand change the digest.

use std::collections::BTreeMap;

use sqlx::PgConnection;

use crate::Error;
use crate::engine::postgres::catalog::Catalog;
pub use crate::engine::postgres::ledger::TableDigest;
use crate::engine::postgres::sql::ident;

/// Per table, what the database holds of a unit now against what the ledger kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Rows gone since the unit was written.
    pub missing: u64,
    /// Tables whose rows are all there but not as written (edited by hand).
    pub edited: Vec<String>,
}

impl Comparison {
    pub fn is_clean(&self) -> bool {
        self.missing == 0 && self.edited.is_empty()
    }
}

/// The digests of every table `tables` names, over the rows the ledger records for `unit`.
pub async fn take(
    conn: &mut PgConnection,
    catalog: &Catalog,
    unit: &str,
    tables: impl IntoIterator<Item = &str>,
) -> Result<BTreeMap<String, TableDigest>, Error> {
    let mut digests = BTreeMap::new();
    for table in tables {
        let mut columns: Vec<String> = catalog.table(table)?.columns.keys().cloned().collect();
        columns.sort();
        let (rows, digest) = measure(conn, catalog, unit, table, &columns).await?;
        digests.insert(
            table.to_owned(),
            TableDigest {
                columns,
                rows,
                digest,
            },
        );
    }
    Ok(digests)
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
        if then.columns.iter().any(|c| !info.columns.contains_key(c)) {
            // A column of the rows was dropped since: they are not as written.
            comparison.edited.push(table.clone());
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

/// The number of rows of `table` recorded for `unit`, and their digest over `columns`.
async fn measure(
    conn: &mut PgConnection,
    catalog: &Catalog,
    unit: &str,
    table: &str,
    columns: &[String],
) -> Result<(i64, String), Error> {
    let info = catalog.table(table)?;
    let row: Vec<String> = columns.iter().map(|c| format!("s.{}", ident(c))).collect();
    let sql = format!(
        "SELECT count(*), coalesce(sum(('x' || left(md5(ROW({row})::text), 16))::bit(64)::bigint::numeric), 0)::text
         FROM ({rows}) AS s",
        row = row.join(", "),
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
