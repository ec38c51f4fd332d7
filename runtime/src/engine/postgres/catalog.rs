//! Reading the live database's [`Catalog`] from `pg_catalog`, and the SQL text of row keys.

use std::collections::HashMap;

use sqlx::PgConnection;

use crate::Error;
use crate::engine::catalog::{Catalog, ForeignKey, Omitted, TableInfo};
use crate::engine::postgres::sql::ident;

/// Reads the tables, primary keys and foreign keys of every user schema; tables outside
/// `current_schema()` are named `schema.table`, as the macros name them.
pub async fn load(conn: &mut PgConnection) -> Result<Catalog, Error> {
    let columns: Vec<(String, String, String, Option<String>, bool)> = sqlx::query_as(
        // Character types are cast to text: an explicit cast to char(n) would truncate,
        // while assignment to the column checks the length.
        "SELECT CASE WHEN n.nspname = current_schema() THEN c.relname::text ELSE n.nspname || '.' || c.relname END, a.attname::text,
                CASE WHEN a.atttypid IN ('bpchar'::regtype, 'varchar'::regtype) THEN 'text'
                     ELSE format_type(a.atttypid, NULL) END,
                pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '' OR a.attgenerated <> ''
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'seedbed')
           AND n.nspname NOT LIKE 'pg\\_%' AND c.relkind IN ('r', 'p')
           AND a.attnum > 0 AND NOT a.attisdropped",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the table columns", &e))?;
    let keys: Vec<(String, String)> = sqlx::query_as(
        "SELECT CASE WHEN n.nspname = current_schema() THEN c.relname::text ELSE n.nspname || '.' || c.relname END, a.attname::text
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
         WHERE i.indisprimary AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'seedbed')
           AND n.nspname NOT LIKE 'pg\\_%'
         ORDER BY c.relname, k.ord",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the primary keys", &e))?;
    let foreign_keys: Vec<ForeignKey> = sqlx::query_as(
        "SELECT con.conname::text AS name, CASE WHEN n.nspname = current_schema() THEN c.relname::text ELSE n.nspname || '.' || c.relname END AS \"table\",
                ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o)
                    AS columns,
                CASE WHEN rn.nspname = current_schema() THEN r.relname::text ELSE rn.nspname || '.' || r.relname END AS ref_table,
                ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o)
                    AS ref_columns,
                con.confdeltype::text AS on_delete,
                con.condeferrable AS deferrable
         FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_class r ON r.oid = con.confrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_namespace rn ON rn.oid = r.relnamespace
         WHERE con.contype = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'seedbed')
           AND n.nspname NOT LIKE 'pg\\_%'
         ORDER BY c.relname, con.conname",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the foreign keys", &e))?;

    let mut tables: HashMap<String, TableInfo> = HashMap::new();
    for (table, column, ty, default, filled) in columns {
        let info = tables.entry(table).or_default();
        let omitted = Omitted::of(default.as_deref(), filled);
        info.omitted.insert(column.clone(), omitted);
        info.columns.insert(column, ty);
    }
    for (table, column) in keys {
        if let Some(info) = tables.get_mut(&table) {
            let ty = info.columns.get(&column).cloned().unwrap_or_default();
            info.primary_key.push((column, ty));
        }
    }
    Ok(Catalog::new(tables, foreign_keys))
}

impl TableInfo {
    /// A condition that holds for rows whose key is among the ledger keys `keys` selects
    /// (`SELECT key FROM seedbed.ledger_rows WHERE ...`). A single-column key is compared in
    /// its own type, so the primary key index serves the look-up.
    pub(crate) fn key_in(&self, table: &str, keys: &str) -> String {
        match self.primary_key.as_slice() {
            [(name, ty)] => format!(
                "{}.{} IN (SELECT key::{ty} FROM ({keys}) AS k)",
                ident(table),
                ident(name)
            ),
            _ => format!(
                "{} IN ({keys})",
                self.key_text(|c| format!("{}.{}", ident(table), ident(c)))
            ),
        }
    }

    /// The SQL text of a row's key over columns prefixed by `prefix` (`""`, `"t."`), as stored
    /// in the ledger: the key column's text, or the row of key columns as text.
    pub fn key_text(&self, column: impl Fn(&str) -> String) -> String {
        match self.primary_key.as_slice() {
            [(name, _)] => format!("({})::text", column(name)),
            many => {
                let parts: Vec<String> = many.iter().map(|(name, _)| column(name)).collect();
                format!("ROW({})::text", parts.join(", "))
            }
        }
    }
}
