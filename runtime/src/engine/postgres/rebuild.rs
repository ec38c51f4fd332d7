//! Tables loaded bare: before a unit's `COPY`, their primary keys, unique constraints, indexes
//! and foreign keys (their own, and those of other tables pointing at them) are dropped; after
//! it, the same transaction builds them again from the definitions the server gave
//! (`pg_get_constraintdef`, `pg_get_indexdef`: names, deferrability, `NOT VALID` kept). One
//! sort per index instead of index maintenance per row, and one anti-join per foreign key
//! instead of a check per row; `maintenance_work_mem` is raised for the builds so that
//! PostgreSQL's parallel index build can use its workers. CHECK, NOT NULL and exclusion
//! constraints stay.
//!
//! A table whose indexes or constraints carry what these definitions leave out (a comment, a
//! tablespace, a statistics target, `CLUSTER` or replica identity, an invalid index), that
//! takes part in inheritance or partitioning, or that has deferrable triggers of its own (whose
//! pending events would stop the `ALTER TABLE`s) keeps the row-by-row path.

use std::collections::BTreeSet;

use sqlx::PgConnection;

use crate::Error;
use crate::engine::postgres::sql::ident;

const SAVEPOINT: &str = "seedbed_build_after";

/// The tables of `tables` that can be loaded bare (see the module's comment).
const ELIGIBLE: &str = "
SELECT c.oid::regclass::text
FROM pg_class c
WHERE c.oid = ANY($1::text[]::regclass[])
  AND c.relkind = 'r' AND NOT c.relispartition
  AND NOT EXISTS (SELECT FROM pg_inherits h WHERE c.oid IN (h.inhrelid, h.inhparent))
  AND NOT EXISTS (
    SELECT FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = c.oid
      AND (i.indisclustered OR i.indisreplident OR NOT i.indisvalid OR ic.reltablespace <> 0
           OR obj_description(i.indexrelid, 'pg_class') IS NOT NULL
           OR EXISTS (SELECT FROM pg_attribute a
                      WHERE a.attrelid = i.indexrelid AND a.attstattarget > 0)))
  AND NOT EXISTS (
    SELECT FROM pg_constraint k
    WHERE c.oid IN (k.conrelid, k.confrelid)
      AND (obj_description(k.oid, 'pg_constraint') IS NOT NULL OR k.conparentid <> 0))
  AND NOT EXISTS (
    SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal AND t.tgdeferrable)
ORDER BY 1";

/// What is dropped, in the order it is built again: primary keys and unique constraints, then
/// the other indexes, then foreign keys. `$1`: the eligible tables.
const DEFINITIONS: &str = "
WITH t AS (SELECT unnest($1::text[]::regclass[]) AS oid),
dropped AS (
  SELECT i.indexrelid FROM pg_index i
  WHERE i.indrelid IN (SELECT oid FROM t)
    AND NOT EXISTS (SELECT FROM pg_constraint k
                    WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
                      AND k.contype = 'x'))
SELECT 0 AS step, k.contype = 'p' AS first, k.conrelid::regclass::text, k.conname::text,
       pg_get_constraintdef(k.oid)
FROM pg_constraint k
WHERE k.contype IN ('p', 'u') AND k.conrelid IN (SELECT oid FROM t)
UNION ALL
SELECT 1, false, i.indrelid::regclass::text, i.indexrelid::regclass::text,
       pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indexrelid IN (SELECT indexrelid FROM dropped)
  AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid
                  AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u'))
UNION ALL
SELECT 2, false, k.conrelid::regclass::text, k.conname::text, pg_get_constraintdef(k.oid)
FROM pg_constraint k
WHERE k.contype = 'f'
  AND (k.conrelid IN (SELECT oid FROM t) OR k.conindid IN (SELECT indexrelid FROM dropped))
ORDER BY 1, 2 DESC, 3, 4";

/// A key, index or foreign key dropped for the load.
struct Dropped {
    step: i32,
    /// The table it belongs to, as `regclass` prints it (quoted where needed).
    table: String,
    /// Its name, quoted where needed for an index (`regclass`), as is for a constraint.
    name: String,
    definition: String,
}

impl Dropped {
    fn drop_sql(&self) -> String {
        match self.step {
            1 => format!("DROP INDEX {}", self.name),
            _ => format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                self.table,
                ident(&self.name)
            ),
        }
    }

    fn build_sql(&self) -> String {
        match self.step {
            1 => self.definition.clone(),
            _ => format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {}",
                self.table,
                ident(&self.name),
                self.definition
            ),
        }
    }
}

/// The keys, indexes and foreign keys [`drop_for_load`] dropped, to build again.
pub(crate) struct BuildAfter {
    dropped: Vec<Dropped>,
}

/// A failed build: the table whose key, index or foreign key the loaded rows break.
pub(crate) struct BuildError {
    /// The table's name, unquoted.
    pub table: String,
    pub error: sqlx::Error,
}

/// Drops the keys, indexes and foreign keys of `tables` (those that can go, see the module's
/// comment) under a savepoint. When the server refuses (a role that does not own a table), it
/// is rolled back, nothing is dropped and the tables load row by row; `noted` says whether
/// this run said so already.
pub(crate) async fn drop_for_load(
    conn: &mut PgConnection,
    tables: &BTreeSet<String>,
    noted: &mut bool,
) -> Result<BuildAfter, Error> {
    let none = BuildAfter {
        dropped: Vec::new(),
    };
    let names: Vec<String> = tables.iter().map(|t| ident(t)).collect();
    let eligible: Vec<String> = sqlx::query_scalar(ELIGIBLE)
        .bind(&names)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| Error::database("reading which tables can be loaded bare", &e))?;
    if eligible.is_empty() {
        return Ok(none);
    }
    let rows: Vec<(i32, bool, String, String, String)> = sqlx::query_as(DEFINITIONS)
        .bind(&eligible)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| Error::database("reading the keys and indexes to build after the load", &e))?;
    let dropped: Vec<Dropped> = rows
        .into_iter()
        .map(|(step, _, table, name, definition)| Dropped {
            step,
            table,
            name,
            definition,
        })
        .collect();
    // Foreign keys first: a key or index they depend on cannot go before them.
    let mut sql = format!("SAVEPOINT {SAVEPOINT};");
    for d in dropped.iter().rev() {
        sql.push_str(&d.drop_sql());
        sql.push(';');
    }
    match sqlx::raw_sql(&sql).execute(&mut *conn).await {
        Ok(_) => {
            let release = format!("RELEASE SAVEPOINT {SAVEPOINT}");
            sqlx::raw_sql(&release)
                .execute(&mut *conn)
                .await
                .map_err(|e| Error::database("dropping keys and indexes for the load", &e))?;
            Ok(BuildAfter { dropped })
        }
        Err(refused) => {
            let back = format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}");
            sqlx::raw_sql(&back)
                .execute(&mut *conn)
                .await
                .map_err(|e| Error::database("undoing the drop of keys and indexes", &e))?;
            if !*noted {
                *noted = true;
                let (sqlstate, message) = super::error::db_error_parts(&refused);
                tracing::warn!(
                    "loading {} with its keys and indexes in place (slower): they could not be \
                     dropped for the load and built after it: {message}{}",
                    eligible.join(", "),
                    sqlstate
                        .map(|c| format!(" (SQLSTATE {c})"))
                        .unwrap_or_default()
                );
            }
            Ok(none)
        }
    }
}

impl BuildAfter {
    /// Builds again what was dropped, keys and unique constraints first, then indexes, then
    /// foreign keys (which need the keys they reference).
    pub(crate) async fn build(self, conn: &mut PgConnection) -> Result<(), BuildError> {
        if self.dropped.is_empty() {
            return Ok(());
        }
        // Raised for this transaction only, never lowered: each parallel worker needs 32MB.
        let memory = "SELECT set_config('maintenance_work_mem', '256MB', true)
                      FROM pg_settings WHERE name = 'maintenance_work_mem' AND setting::bigint < 262144";
        sqlx::raw_sql(memory)
            .execute(&mut *conn)
            .await
            .map_err(|error| BuildError {
                table: self.dropped[0].table.clone(),
                error,
            })?;
        for d in &self.dropped {
            sqlx::raw_sql(&d.build_sql())
                .execute(&mut *conn)
                .await
                .map_err(|error| BuildError {
                    table: d.table.trim_matches('"').replace("\"\"", "\""),
                    error,
                })?;
        }
        Ok(())
    }
}
