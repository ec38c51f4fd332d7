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

/// What is dropped for one table, in the order it is built again: its primary key (step 0),
/// unique constraints (1), other indexes (2), then the foreign keys (3) of the table and those
/// of other tables that depend on one of its indexes. `$1`: the table.
const DEFINITIONS: &str = "
WITH dropped AS (
  SELECT i.indexrelid FROM pg_index i
  WHERE i.indrelid = $1::text::regclass
    AND NOT EXISTS (SELECT FROM pg_constraint k
                    WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
                      AND k.contype = 'x'))
SELECT CASE k.contype WHEN 'p' THEN 0 ELSE 1 END AS step, k.conrelid::regclass::text,
       (SELECT relname::text FROM pg_class WHERE oid = k.conrelid), k.conname::text,
       pg_get_constraintdef(k.oid)
FROM pg_constraint k
WHERE k.contype IN ('p', 'u') AND k.conrelid = $1::text::regclass
UNION ALL
SELECT 2, i.indrelid::regclass::text, (SELECT relname::text FROM pg_class WHERE oid = i.indrelid),
       i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indexrelid IN (SELECT indexrelid FROM dropped)
  AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid
                  AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u'))
UNION ALL
SELECT 3, k.conrelid::regclass::text,
       (SELECT relname::text FROM pg_class WHERE oid = k.conrelid), k.conname::text,
       pg_get_constraintdef(k.oid)
FROM pg_constraint k
WHERE k.contype = 'f'
  AND (k.conrelid = $1::text::regclass OR k.conindid IN (SELECT indexrelid FROM dropped))
ORDER BY 1, 2, 4";

/// A key, index or foreign key dropped for the load.
struct Dropped {
    step: i32,
    /// The table it belongs to, as `regclass` prints it (quoted where needed).
    table: String,
    /// The table's own name, for an error.
    relname: String,
    /// Its name, quoted where needed for an index (`regclass`), as is for a constraint.
    name: String,
    definition: String,
}

impl Dropped {
    fn drop_sql(&self) -> String {
        match self.step {
            2 => format!("DROP INDEX {}", self.name),
            _ => format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                self.table,
                ident(&self.name)
            ),
        }
    }

    fn build_sql(&self) -> String {
        match self.step {
            2 => self.definition.clone(),
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
/// comment), each table under a savepoint of its own. Where the server refuses (a role that
/// does not own the table, or a table pointing at it), that table's drops are rolled back and
/// it loads row by row; `noted` says whether this run said so already.
pub(crate) async fn drop_for_load(
    conn: &mut PgConnection,
    tables: &BTreeSet<String>,
    noted: &mut bool,
) -> Result<BuildAfter, Error> {
    let names: Vec<String> = tables.iter().map(|t| ident(t)).collect();
    let eligible: Vec<String> = sqlx::query_scalar(ELIGIBLE)
        .bind(&names)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| Error::database("reading which tables can be loaded bare", &e))?;
    if !eligible.is_empty() {
        // Checks left pending by the unit's stale rows (deferrable foreign keys pointing at
        // rows it deleted) would stop any ALTER TABLE of their tables: they run now, and pass,
        // since nothing else pointed at those rows, and what follows is deferred again.
        sqlx::raw_sql("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")
            .execute(&mut *conn)
            .await
            .map_err(|e| Error::database("checking the deletes before the load", &e))?;
    }
    let mut dropped = Vec::new();
    for table in eligible {
        // Read after the tables before it: a foreign key between two of them is dropped once.
        let rows: Vec<(i32, String, String, String, String)> = sqlx::query_as(DEFINITIONS)
            .bind(&table)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| Error::database(format!("reading the keys and indexes of {table}"), &e))?;
        let these: Vec<Dropped> = rows
            .into_iter()
            .map(|(step, table, relname, name, definition)| Dropped {
                step,
                table,
                relname,
                name,
                definition,
            })
            .collect();
        // Foreign keys first: a key or index they depend on cannot go before them.
        let mut sql = format!("SAVEPOINT {SAVEPOINT};");
        for d in these.iter().rev() {
            sql.push_str(&d.drop_sql());
            sql.push(';');
        }
        sql.push_str(&format!("RELEASE SAVEPOINT {SAVEPOINT}"));
        match sqlx::raw_sql(&sql).execute(&mut *conn).await {
            Ok(_) => dropped.extend(these),
            Err(refused) => {
                let back =
                    format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}");
                sqlx::raw_sql(&back)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| Error::database("undoing the drop of keys and indexes", &e))?;
                if !*noted {
                    *noted = true;
                    let (sqlstate, message) = super::error::db_error_parts(&refused);
                    tracing::warn!(
                        "could not drop the keys and indexes of {table} to build them after the \
                         load: {message}{}; it loads with them in place (slower), as will any \
                         other table of this run that refuses",
                        sqlstate
                            .map(|c| format!(" (SQLSTATE {c})"))
                            .unwrap_or_default()
                    );
                }
            }
        }
    }
    dropped.sort_by_key(|d| d.step);
    if !dropped.is_empty() {
        // Raised for this transaction only, never lowered: each parallel worker of an index
        // build needs 32MB of it.
        sqlx::raw_sql(
            "SELECT set_config('maintenance_work_mem', '256MB', true) FROM pg_settings
             WHERE name = 'maintenance_work_mem' AND setting::bigint < 262144",
        )
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::database("raising maintenance_work_mem for the builds", &e))?;
    }
    Ok(BuildAfter { dropped })
}

impl BuildAfter {
    /// Builds again what was dropped, keys and unique constraints first, then indexes, then
    /// foreign keys (which need the keys they reference).
    pub(crate) async fn build(self, conn: &mut PgConnection) -> Result<(), BuildError> {
        for d in self.dropped {
            sqlx::raw_sql(&d.build_sql())
                .execute(&mut *conn)
                .await
                .map_err(|error| BuildError {
                    table: d.relname,
                    error,
                })?;
        }
        Ok(())
    }
}
