//! Rows of units without loops upserted: each table's rows in one statement per set of columns
//! written. The values travel as one `text[]` per column, are unnested, cast to the column
//! types, and upserted on the primary key; the same statement records every row's key in the
//! ledger under the unit's generation, and returns the digest of the rows it wrote.

use crate::Error;
use crate::engine::catalog::{Catalog, Omitted, TableInfo};
use crate::engine::ledger::TableDigest;
use crate::engine::postgres::row_error::constraint_error;
use crate::engine::postgres::sql::ident;
use crate::engine::postgres::{digest, ledger};
use crate::error::ApplyError;
use crate::plan::{Row, Unit};
use crate::run::build::TableRowsBuilt;
use crate::run::report::TableReport;
use sqlx::PgConnection;

/// Upserts every row of one table and records their keys under `generation`, with the rows'
/// `identities` (label or `#n`) when the database generates the table's keys; with `reset`,
/// the columns rows leave out are set to their defaults on update too. Returns the digest of
/// the rows it inserted or updated, as [`digest`] takes it.
pub(crate) async fn upsert_table(
    conn: &mut PgConnection,
    unit: &Unit,
    catalog: &Catalog,
    table: &TableRowsBuilt,
    (identities, generation): (Option<&[String]>, i64),
    reset: bool,
) -> Result<(TableReport, TableDigest), Error> {
    let meta = table.meta;
    let info = catalog.table(meta.name)?;
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
    let mut written: i128 = 0;
    for (columns, rows, ids) in groups {
        let names = meta.column_names(columns);
        let sql = upsert_sql(meta.name, info, &names, (generated, reset))?;
        let mut query = sqlx::query_as::<_, (i64, i64, String)>(&sql)
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
        let (inserted, updated, hashes) = query.fetch_one(&mut *conn).await.map_err(|e| {
            // Searched among all the table's rows, so an unlabelled one gets its number.
            let all: Vec<&Row> = table.rows.iter().collect();
            constraint_error(unit.name, meta, &all, &e)
        })?;
        report.statements.push(sql);
        report.inserted += inserted as u64;
        report.updated += updated as u64;
        report.unchanged += rows.len() as u64 - (inserted + updated) as u64;
        // A sum of 64-bit hashes: a numeric the server prints as a plain integer.
        written += hashes.parse::<i128>().unwrap_or_default();
    }
    let rows = (report.inserted + report.updated) as i64;
    Ok((
        report,
        digest::table_digest(info, rows, written.to_string()),
    ))
}

/// The upsert-and-record statement for one table and set of columns. `$1` is the unit, `$2`
/// the generation, `$3...` one `text[]` per column, then, for a table whose keys the database
/// generates (`generated`), one of the rows' identities for the ledger; its key is written
/// explicitly, over an identity column's `GENERATED ALWAYS`. With `reset`, the columns left
/// out are set to their defaults on update too.
fn upsert_sql(
    table: &str,
    info: &TableInfo,
    columns: &[&str],
    (generated, reset): (bool, bool),
) -> Result<String, Error> {
    let mut aliases = Vec::new();
    let mut casts = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        let ty = info.columns.get(*column).ok_or_else(|| {
            Error::Apply(ApplyError::MissingColumn {
                table: table.into(),
                column: (*column).into(),
            })
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
                return Err(Error::Apply(ApplyError::KeyColumnOmitted {
                    table: table.into(),
                    column: key.clone(),
                }));
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
        .filter(|(c, o)| {
            reset && matches!(o, Omitted::Constant(_)) && !written.contains(&c.as_str())
        })
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
    let digest_columns = digest::digest_columns(info);
    let key_text = info.key_text(|k| {
        let i = written.iter().position(|c| *c == k).unwrap_or_default();
        casts[i].clone()
    });
    Ok(format!(
        "WITH input AS (SELECT *{computed} FROM unnest({unnest}) AS input({aliases})),
         upserted AS (
             INSERT INTO {table_q} ({quoted}) {overriding}SELECT {casts} FROM input {on_conflict}
             RETURNING (xmax = 0) AS inserted, {hash} AS hash),
         {recorded}
         SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
                coalesce(sum(hash), 0)::text
         FROM upserted",
        unnest = unnest.join(", "),
        aliases = aliases.join(", "),
        table_q = ident(table),
        quoted = quoted.join(", "),
        casts = casts.join(", "),
        recorded = ledger::record_keys_in_upsert(table, &key_text, label),
        hash = digest::row_hash(table, &digest_columns),
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
