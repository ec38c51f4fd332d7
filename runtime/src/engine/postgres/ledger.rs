//! The ledger: what seedbed applied to this database, kept in the database itself.
//!
//! `seedbed.ledger` has a row per applied unit; `seedbed.ledger_rows` the key of every row each
//! unit inserted, so cleanup removes exactly those (with the row's label, or `#n`, where the
//! database generates the key, so a re-apply keeps it), and `seedbed.ledger_ranges` the key
//! ranges of generated rows (their ordered keys make a million rows one range, not a million
//! keys); `seedbed.stamp` the environment the database was first seeded in. A unit's rows and
//! its ledger entries commit in one transaction.

use std::collections::{BTreeMap, HashMap};

use sqlx::PgConnection;

use crate::engine::catalog::{Catalog, Omitted, TableInfo};
pub(crate) use crate::engine::ledger::Record;
pub use crate::engine::ledger::{Entry, TableChanges, TableDigest};
use crate::engine::postgres::sql::{ident, literal};
use crate::run::build::TableRowsBuilt;
use crate::{Error, Value};

pub(crate) const SCHEMA_SQL: &str = "
CREATE SCHEMA IF NOT EXISTS seedbed;
CREATE TABLE IF NOT EXISTS seedbed.stamp (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    environment text NOT NULL,
    stamped_at timestamptz NOT NULL DEFAULT now(),
    tool_version text NOT NULL
);
CREATE TABLE IF NOT EXISTS seedbed.ledger (
    unit text PRIMARY KEY,
    kind text NOT NULL,
    checksum text NOT NULL,
    environment text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    rows bigint NOT NULL,
    duration_ms double precision NOT NULL,
    tool_version text NOT NULL,
    schema_version bigint,
    generation bigint NOT NULL,
    context jsonb NOT NULL,
    digests jsonb
);
-- A box of generated keys: per primary key column (in key order), the lowest and highest value.
CREATE TABLE IF NOT EXISTS seedbed.ledger_ranges (
    unit text NOT NULL,
    table_name text NOT NULL,
    lo uuid[] NOT NULL,
    hi uuid[] NOT NULL,
    generation bigint NOT NULL
);
-- label: the row's identity in its unit, for tables whose keys the database generates: its
-- label, or `#n` for the n-th anonymous row of the table. A re-apply gives the row its key back.
CREATE TABLE IF NOT EXISTS seedbed.ledger_rows (
    unit text NOT NULL,
    table_name text NOT NULL,
    key text NOT NULL,
    generation bigint NOT NULL,
    label text,
    PRIMARY KEY (unit, table_name, key)
);
ALTER TABLE seedbed.ledger_rows ADD COLUMN IF NOT EXISTS label text;
-- Per table of a unit with loops: its rows' count and digest when written (see digest.rs).
ALTER TABLE seedbed.ledger ADD COLUMN IF NOT EXISTS digests jsonb;
COMMENT ON SCHEMA seedbed IS 'seedbed ledger 3';
";

/// The version of seedbed recorded in the ledger.
pub const TOOL_VERSION: &str = concat!("seedbed ", env!("CARGO_PKG_VERSION"));

/// The ledger's format, kept as the comment of schema `seedbed`: a ledger written by a newer
/// seedbed is refused rather than misread. Ledgers from before the comment are version 1.
pub const LEDGER_VERSION: i64 = 3;

/// The columns each ledger table must have.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "stamp",
        &["singleton", "environment", "stamped_at", "tool_version"],
    ),
    (
        "ledger",
        &[
            "unit",
            "kind",
            "checksum",
            "environment",
            "applied_at",
            "rows",
            "duration_ms",
            "tool_version",
            "schema_version",
            "generation",
            "context",
            "digests",
        ],
    ),
    (
        "ledger_ranges",
        &["unit", "table_name", "lo", "hi", "generation"],
    ),
    (
        "ledger_rows",
        &["unit", "table_name", "key", "generation", "label"],
    ),
];

/// Where the database's ledger stands, see [`check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerState {
    /// No ledger: nothing was seeded here (or the whole ledger was dropped).
    Absent,
    /// Every table and column is there, at [`LEDGER_VERSION`] or an older version.
    Complete,
}

/// Checks the ledger before use: either there is none, or all its tables and columns are there
/// at a version this seedbed reads. Anything else is [`Error::LedgerDamaged`] (a table or column
/// dropped by hand would make a run re-insert rows, or a cleanup leave them, without a word).
pub async fn check(conn: &mut PgConnection) -> Result<LedgerState, Error> {
    Ok(inspect(conn).await?.0)
}

/// [`check`], and the ledger's format version when there is a ledger.
async fn inspect(conn: &mut PgConnection) -> Result<(LedgerState, Option<i64>), Error> {
    // The schema, its mark, and every table's columns, in one round trip.
    let (schema, version, tables, names): (bool, Option<String>, Vec<String>, Vec<String>) =
        sqlx::query_as(
            "SELECT to_regnamespace('seedbed') IS NOT NULL,
                    obj_description(to_regnamespace('seedbed'), 'pg_namespace'),
                    coalesce(array_agg(c.relname::text) FILTER (WHERE a.attname IS NOT NULL), '{}'),
                    coalesce(array_agg(a.attname::text) FILTER (WHERE a.attname IS NOT NULL), '{}')
             FROM (SELECT) AS one
             LEFT JOIN pg_class c
               ON c.relnamespace = to_regnamespace('seedbed') AND c.relkind = 'r'
             LEFT JOIN pg_attribute a
               ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped",
        )
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::database("looking for the seedbed ledger", &e))?;
    let columns: Vec<(String, String)> = tables.into_iter().zip(names).collect();
    if !schema {
        return Ok((LedgerState::Absent, None));
    }
    let version = match version
        .as_deref()
        .and_then(|v| v.strip_prefix("seedbed ledger "))
    {
        Some(v) => v.trim().parse::<i64>().ok(),
        None => Some(1),
    };
    match version {
        Some(v) if v <= LEDGER_VERSION => {}
        _ => {
            return Err(Error::LedgerDamaged {
                what: format!(
                    "schema seedbed is marked as ledger format {}, which this seedbed ({TOOL_VERSION}, \
                     format {LEDGER_VERSION}) does not read; run a newer seed-runner",
                    version.map_or_else(|| "(unreadable)".to_owned(), |v| v.to_string())
                ),
            });
        }
    }
    // A bare schema (created by hand, or by a run that stopped before its first table) and an
    // empty unmarked one are no ledger at all.
    if columns.is_empty() && version == Some(1) {
        return Ok((LedgerState::Absent, None));
    }
    let mut missing = Vec::new();
    for (table, wanted) in EXPECTED {
        let have: Vec<&str> = columns
            .iter()
            .filter(|(t, _)| t == table)
            .map(|(_, c)| c.as_str())
            .collect();
        if have.is_empty() {
            missing.push(format!("table seedbed.{table}"));
            continue;
        }
        // Older ledgers may lack the columns added since (`label` in 2, `digests` in 3);
        // `ensure` adds them.
        for column in wanted.iter().filter(|c| !have.contains(c)) {
            let added_in = match (*table, *column) {
                ("ledger_rows", "label") => 2,
                ("ledger", "digests") => 3,
                _ => 1,
            };
            if version.is_none_or(|v| v >= added_in) {
                missing.push(format!("column seedbed.{table}.{column}"));
            }
        }
    }
    if missing.is_empty() {
        return Ok((LedgerState::Complete, version));
    }
    Err(Error::LedgerDamaged {
        what: format!("{} missing", missing.join(", ")),
    })
}

/// Creates the ledger tables if there is no ledger, and brings an older ledger to
/// [`LEDGER_VERSION`]; a damaged one is an error ([`check`]). Call with the run's advisory lock
/// held.
///
/// When the ledger is complete and current nothing is executed, so a role without CREATE rights
/// (common outside development) can seed a database whose ledger an administrator created.
pub async fn ensure(conn: &mut PgConnection) -> Result<(), Error> {
    if inspect(conn).await? == (LedgerState::Complete, Some(LEDGER_VERSION)) {
        return Ok(());
    }
    sqlx::raw_sql(SCHEMA_SQL)
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::database("creating the seedbed ledger tables", &e))?;
    Ok(())
}

/// Whether there is a ledger (reading commands do not create one); a damaged ledger is an error.
pub async fn exists(conn: &mut PgConnection) -> Result<bool, Error> {
    Ok(check(conn).await? == LedgerState::Complete)
}

/// Every applied unit, by name; empty when there is no ledger yet.
pub async fn entries(conn: &mut PgConnection) -> Result<HashMap<String, Entry>, Error> {
    if !exists(conn).await? {
        return Ok(HashMap::new());
    }
    read_entries(conn).await
}

/// Every applied unit, by name, from a ledger known to be there.
pub(crate) async fn read_entries(conn: &mut PgConnection) -> Result<HashMap<String, Entry>, Error> {
    let rows: Vec<Entry> = sqlx::query_as("SELECT * FROM seedbed.ledger")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| Error::database("reading the seedbed ledger", &e))?;
    Ok(rows.into_iter().map(|e| (e.unit.clone(), e)).collect())
}

/// The environment the database was stamped with by its first seeding.
pub async fn stamp(conn: &mut PgConnection) -> Result<Option<String>, Error> {
    if !exists(conn).await? {
        return Ok(None);
    }
    read_stamp(conn).await
}

/// The environment stamp of a ledger known to be there.
pub(crate) async fn read_stamp(conn: &mut PgConnection) -> Result<Option<String>, Error> {
    sqlx::query_scalar("SELECT environment FROM seedbed.stamp")
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| Error::database("reading the environment stamp", &e))
}

/// Stamps the database with `environment` (replacing an earlier stamp).
pub async fn set_stamp(conn: &mut PgConnection, environment: &str) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO seedbed.stamp (environment, tool_version) VALUES ($1, $2)
         ON CONFLICT (singleton) DO UPDATE SET environment = EXCLUDED.environment,
             stamped_at = now(), tool_version = EXCLUDED.tool_version",
    )
    .bind(environment)
    .bind(TOOL_VERSION)
    .execute(&mut *conn)
    .await
    .map_err(|e| Error::database("stamping the database's environment", &e))?;
    Ok(())
}

/// Whether the role may write the ledger, or, before there is one, create it.
pub(crate) async fn writable(conn: &mut PgConnection) -> Result<bool, Error> {
    let (can_create, writable): (bool, Option<bool>) = sqlx::query_as(
        "SELECT has_database_privilege(current_database(), 'CREATE'),
                CASE WHEN to_regclass('seedbed.ledger') IS NULL THEN NULL
                     ELSE has_table_privilege('seedbed.ledger', 'INSERT')
                      AND has_table_privilege('seedbed.ledger', 'UPDATE')
                      AND has_table_privilege('seedbed.ledger', 'DELETE') END",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the role's privileges", &e))?;
    Ok(writable.unwrap_or(can_create))
}

/// Tables holding rows of `unit`, with their row counts, per the ledger.
pub async fn unit_tables(conn: &mut PgConnection, unit: &str) -> Result<Vec<(String, i64)>, Error> {
    sqlx::query_as(
        "SELECT table_name, count(*) FROM seedbed.ledger_rows WHERE unit = $1 GROUP BY table_name ORDER BY table_name",
    )
    .bind(unit)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database(format!("reading the ledger rows of unit `{unit}`"), &e))
}

/// Records (or replaces) a unit's entry.
pub(crate) async fn record(conn: &mut PgConnection, entry: &Record<'_>) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO seedbed.ledger (unit, kind, checksum, environment, applied_at, rows, duration_ms,
                                     tool_version, schema_version, generation, context, digests)
         VALUES ($1, $2, $3, $4, now(), $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (unit) DO UPDATE SET kind = EXCLUDED.kind, checksum = EXCLUDED.checksum,
             environment = EXCLUDED.environment, applied_at = now(), rows = EXCLUDED.rows,
             duration_ms = EXCLUDED.duration_ms, tool_version = EXCLUDED.tool_version,
             schema_version = EXCLUDED.schema_version, generation = EXCLUDED.generation,
             context = EXCLUDED.context, digests = EXCLUDED.digests",
    )
    .bind(entry.unit)
    .bind(&entry.kind)
    .bind(entry.checksum)
    .bind(entry.environment)
    .bind(entry.rows)
    .bind(entry.duration_ms)
    .bind(TOOL_VERSION)
    .bind(entry.schema_version)
    .bind(entry.generation)
    .bind(&entry.context)
    .bind(entry.digests.map(sqlx::types::Json))
    .execute(&mut *conn)
    .await
    .map_err(|e| Error::database(format!("recording unit `{}` in the ledger", entry.unit), &e))?;
    Ok(())
}

/// Replaces the digests of `unit`'s entry.
pub(crate) async fn set_digests(
    conn: &mut PgConnection,
    unit: &str,
    digests: &BTreeMap<String, TableDigest>,
) -> Result<(), Error> {
    sqlx::query("UPDATE seedbed.ledger SET digests = $2 WHERE unit = $1")
        .bind(unit)
        .bind(sqlx::types::Json(digests))
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::database(format!("recording the digests of unit `{unit}`"), &e))?;
    Ok(())
}

/// The tables holding rows that `units` recorded; with `before`, under generations older than it.
pub(crate) async fn recorded_tables(
    conn: &mut PgConnection,
    units: &[String],
    before: Option<i64>,
) -> Result<Vec<String>, Error> {
    sqlx::query_scalar(
        "SELECT table_name FROM seedbed.ledger_rows
         WHERE unit = ANY($1) AND ($2::bigint IS NULL OR generation < $2)
         UNION SELECT table_name FROM seedbed.ledger_ranges
         WHERE unit = ANY($1) AND ($2::bigint IS NULL OR generation < $2)",
    )
    .bind(units)
    .bind(before)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database(format!("reading the ledger of {}", units.join(", ")), &e))
}

/// Forgets `units`: their recorded rows, boxes and entries.
pub(crate) async fn forget(conn: &mut PgConnection, units: &[String]) -> Result<(), Error> {
    for sql in [
        "DELETE FROM seedbed.ledger_rows WHERE unit = ANY($1)",
        "DELETE FROM seedbed.ledger_ranges WHERE unit = ANY($1)",
        "DELETE FROM seedbed.ledger WHERE unit = ANY($1)",
    ] {
        sqlx::query(sql)
            .bind(units)
            .execute(&mut *conn)
            .await
            .map_err(|e| Error::database("updating the ledger", &e))?;
    }
    Ok(())
}

/// Forgets the rows and boxes `unit` recorded under generations older than `generation`.
pub(crate) async fn forget_older(
    conn: &mut PgConnection,
    unit: &str,
    generation: i64,
) -> Result<(), Error> {
    for sql in [
        "DELETE FROM seedbed.ledger_rows WHERE unit = $1 AND generation < $2",
        "DELETE FROM seedbed.ledger_ranges WHERE unit = $1 AND generation < $2",
    ] {
        sqlx::query(sql)
            .bind(unit)
            .bind(generation)
            .execute(&mut *conn)
            .await
            .map_err(|e| Error::database(format!("updating the ledger of unit `{unit}`"), &e))?;
    }
    Ok(())
}

/// Records the keys of rows `unit` inserted into `table` (with their labels, for tables whose
/// keys the database generates).
pub(crate) async fn record_keys(
    conn: &mut PgConnection,
    unit: &str,
    table: &str,
    keys: Vec<String>,
    labels: Option<Vec<String>>,
    generation: i64,
) -> Result<(), Error> {
    let query = match labels {
        Some(labels) => sqlx::query(
            "INSERT INTO seedbed.ledger_rows (unit, table_name, key, generation, label)
             SELECT $1, $2, key, $4, label FROM unnest($3::text[], $5::text[]) AS r(key, label)
             ON CONFLICT (unit, table_name, key)
             DO UPDATE SET generation = EXCLUDED.generation, label = EXCLUDED.label",
        )
        .bind(unit)
        .bind(table)
        .bind(keys)
        .bind(generation)
        .bind(labels),
        None => sqlx::query(
            "INSERT INTO seedbed.ledger_rows (unit, table_name, key, generation)
             SELECT $1, $2, key, $4 FROM unnest($3::text[]) AS key
             ON CONFLICT (unit, table_name, key) DO UPDATE SET generation = EXCLUDED.generation",
        )
        .bind(unit)
        .bind(table)
        .bind(keys)
        .bind(generation),
    };
    query
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::database("recording rows in the ledger", &e))?;
    Ok(())
}

/// Records a box of generated keys of `table`: per key column, the lowest and highest value.
pub(crate) async fn record_box(
    conn: &mut PgConnection,
    unit: &str,
    table: &str,
    (lo, hi): (&[uuid::Uuid], &[uuid::Uuid]),
    generation: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO seedbed.ledger_ranges (unit, table_name, lo, hi, generation)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(unit)
    .bind(table)
    .bind(lo)
    .bind(hi)
    .bind(generation)
    .execute(&mut *conn)
    .await
    .map_err(|e| Error::database("recording generated rows in the ledger", &e))?;
    Ok(())
}

/// The part of an upsert statement (a data-modifying `WITH` item named `recorded`) that records
/// the key of every row of its `input`, in the same statement: `$1` is the unit, `$2` the
/// generation, `key_text` the key as the ledger keeps it, and `label`, for tables whose keys the
/// database generates, the input column holding each row's label.
pub(crate) fn record_keys_in_upsert(table: &str, key_text: &str, label: Option<&str>) -> String {
    let (label_column, label_value, label_update) = match label {
        Some(column) => (", label", format!(", {column}"), ", label = EXCLUDED.label"),
        None => ("", String::new(), ""),
    };
    format!(
        "recorded AS (
             INSERT INTO seedbed.ledger_rows (unit, table_name, key, generation{label_column})
             SELECT $1, {table}, {key_text}, $2{label_value} FROM input
             ON CONFLICT (unit, table_name, key)
             DO UPDATE SET generation = EXCLUDED.generation{label_update})",
        table = literal(table),
    )
}

/// The keys of `unit`'s labelled rows of tables whose keys the database generates, as
/// `(table, label, key)`.
pub(crate) async fn labelled_keys(
    conn: &mut PgConnection,
    unit: &str,
) -> Result<Vec<(String, String, String)>, Error> {
    sqlx::query_as(
        "SELECT table_name, label, key FROM seedbed.ledger_rows
         WHERE unit = $1 AND label IS NOT NULL",
    )
    .bind(unit)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| {
        Error::database(
            format!("reading the generated keys of unit `{unit}` from the ledger"),
            &e,
        )
    })
}

/// The keys of the labelled (not anonymous) rows `unit` has in `table`, as `(label, key)`.
pub(crate) async fn keys_of_labels(
    conn: &mut PgConnection,
    unit: &str,
    table: &str,
) -> Result<Vec<(String, String)>, Error> {
    sqlx::query_as(
        "SELECT label, key FROM seedbed.ledger_rows
         WHERE unit = $1 AND table_name = $2 AND label IS NOT NULL
           AND left(label, 1) <> '#'",
    )
    .bind(unit)
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| {
        Error::database(
            format!("reading the keys of `{table}` rows of unit `{unit}` from the ledger"),
            &e,
        )
    })
}

/// The rows of a table that ledger entries recorded, as SQL over the table: `which` is a
/// condition on the ledger's `unit` and `generation` columns, with `$` parameters.
impl TableInfo {
    /// Statements deleting the rows of `table` that the ledger entries selected by `which` (a
    /// condition on the ledger's `unit` and `generation` columns, with `$` parameters) recorded:
    /// one by key, one by range, each served by the primary key index.
    pub fn delete_recorded(&self, table: &str, which: &str) -> [String; 2] {
        let name = literal(table);
        let keys =
            format!("SELECT key FROM seedbed.ledger_rows WHERE table_name = {name} AND {which}");
        [
            format!(
                "DELETE FROM {t} WHERE {}",
                self.key_in(table, &keys),
                t = ident(table)
            ),
            format!(
                "DELETE FROM {t} USING seedbed.ledger_ranges g
                 WHERE g.table_name = {name} AND {which} AND {}",
                self.in_box(table),
                t = ident(table)
            ),
        ]
    }

    /// A condition on row `alias` of `table`: the ledger entries selected by `which` recorded it.
    pub fn recorded(&self, table: &str, alias: &str, which: &str) -> String {
        let name = literal(table);
        let keys =
            format!("SELECT key FROM seedbed.ledger_rows WHERE table_name = {name} AND {which}");
        format!(
            "({} OR EXISTS (SELECT FROM seedbed.ledger_ranges g WHERE g.table_name = {name} AND {which}
                 AND {}))",
            self.key_in(alias, &keys),
            self.in_box(alias),
        )
    }

    /// A query of `columns` of the rows of `table` that the ledger entries selected by `which`
    /// (unqualified `unit` and `generation`) recorded: by key, and by box, each through the
    /// primary key index.
    pub fn seeded_columns(&self, table: &str, columns: &[String], which: &str) -> String {
        let name = literal(table);
        let keys =
            format!("SELECT key FROM seedbed.ledger_rows WHERE table_name = {name} AND {which}");
        let selected: Vec<String> = columns.iter().map(|c| format!("t.{}", ident(c))).collect();
        let selected = selected.join(", ");
        format!(
            "SELECT {selected} FROM {t} AS t WHERE {by_key}
             UNION ALL
             SELECT {selected} FROM seedbed.ledger_ranges g JOIN {t} AS t ON {in_box}
             WHERE g.table_name = {name} AND g.{which}",
            t = ident(table),
            by_key = self.key_in("t", &keys),
            in_box = self.in_box("t"),
        )
    }

    /// Row `alias` lies in the box `g` of `seedbed.ledger_ranges`: every key column within
    /// its bounds. Boxes hold uuid keys only: for any other key, no row does.
    fn in_box(&self, alias: &str) -> String {
        if self.primary_key.iter().any(|(_, ty)| ty != "uuid") {
            return "false".to_owned();
        }
        let bounds: Vec<String> = self
            .primary_key
            .iter()
            .enumerate()
            .map(|(i, (column, _))| {
                format!(
                    "{}.{} BETWEEN g.lo[{n}] AND g.hi[{n}]",
                    ident(alias),
                    ident(column),
                    n = i + 1
                )
            })
            .collect();
        bounds.join(" AND ")
    }
}

/// What writing `tables` for `unit` would change, per the ledger: see
/// [`Engine::changes`](crate::engine::Engine::changes). A table whose keys the database
/// generates is matched by the rows' identities (label, or `#n` for the n-th anonymous row),
/// any other by key, cast to the live column types as the upsert casts them; a key that refers
/// to a row whose key the database generated is read from the ledger, and one the ledger does
/// not hold yet (its unit not applied) makes the row new.
pub(crate) async fn changes(
    conn: &mut PgConnection,
    catalog: &Catalog,
    unit: &str,
    tables: &[TableRowsBuilt],
) -> Result<Vec<TableChanges>, Error> {
    let context = || format!("reading the ledger rows of unit `{unit}`");
    let mut labels: HashMap<(&str, &str), HashMap<String, String>> = HashMap::new();
    let mut out = Vec::new();
    for table in tables {
        let meta = table.meta;
        let info = catalog.table(meta.name)?;
        let (sql, arrays) = match meta.generated_key {
            Some(_) => (
                matching_sql("identity", "label", &[]),
                vec![identities(table)],
            ),
            None => {
                let mut arrays = Vec::new();
                for (column, _) in &info.primary_key {
                    let mut values = Vec::with_capacity(table.rows.len());
                    for row in &table.rows {
                        let value = row
                            .columns
                            .iter()
                            .position(|c| meta.columns[*c as usize].name == column)
                            .map(|at| &row.values[at]);
                        values.push(match value {
                            Some(Value::Ref(r)) if r.key.is_nil() => {
                                let known = match labels.entry((r.unit, r.table)) {
                                    std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                                    std::collections::hash_map::Entry::Vacant(v) => v.insert(
                                        keys_of_labels(conn, r.unit, r.table)
                                            .await?
                                            .into_iter()
                                            .collect(),
                                    ),
                                };
                                known.get(r.label).cloned()
                            }
                            Some(value) => value.to_pg_text(),
                            None => None,
                        });
                    }
                    arrays.push(values);
                }
                let key = info.key_text(|k| {
                    let i = info.primary_key.iter().position(|(c, _)| c == k);
                    let i = i.unwrap_or_default();
                    let ty = &info.primary_key[i].1;
                    match info.omitted.get(k) {
                        Some(Omitted::Constant(Some(default))) => {
                            format!("COALESCE(c{i}::{ty}, ({default})::{ty})")
                        }
                        _ => format!("c{i}::{ty}"),
                    }
                });
                (matching_sql(&key, "key", &info.primary_key), arrays)
            }
        };
        let mut query = sqlx::query_as::<_, (i64, i64)>(&sql)
            .bind(unit)
            .bind(meta.name);
        for array in arrays {
            query = query.bind(array);
        }
        let (kept, gone) = query
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| Error::database(context(), &e))?;
        out.push(TableChanges {
            table: meta.name.to_owned(),
            new: table.rows.len() as u64 - kept as u64,
            kept: kept as u64,
            gone: gone as u64,
        });
    }
    for (table, rows) in unit_tables(conn, unit).await? {
        if !tables.iter().any(|t| t.meta.name == table) {
            out.push(TableChanges {
                table,
                gone: rows as u64,
                ..TableChanges::default()
            });
        }
    }
    Ok(out)
}

/// The identity each row of a table with generated keys is recorded under.
fn identities(table: &TableRowsBuilt) -> Vec<Option<String>> {
    let mut anonymous = 0;
    table
        .rows
        .iter()
        .map(|row| {
            Some(match row.label {
                Some(label) => label.to_owned(),
                None => {
                    anonymous += 1;
                    format!("#{}", anonymous - 1)
                }
            })
        })
        .collect()
}

/// Counts, for `$1` (unit) and `$2` (table), the rows given as one `text[]` per key column
/// (`$3...`) that the ledger holds (`matched`: the ledger column they are compared with), and
/// the ledger's rows none of them matches.
fn matching_sql(matched_as: &str, matched: &str, key: &[(String, String)]) -> String {
    let arrays = key.len().max(1);
    let unnest: Vec<String> = (0..arrays).map(|i| format!("${}::text[]", i + 3)).collect();
    let aliases: Vec<String> = match key {
        [] => vec!["identity".to_owned()],
        _ => (0..arrays).map(|i| format!("c{i}")).collect(),
    };
    format!(
        "WITH input AS (SELECT {matched_as} AS key FROM unnest({unnest}) AS input({aliases})),
              recorded AS (SELECT {matched} AS key FROM seedbed.ledger_rows
                           WHERE unit = $1 AND table_name = $2)
         SELECT (SELECT count(*) FROM input WHERE key IN (SELECT key FROM recorded)),
                (SELECT count(*) FROM recorded
                 WHERE key IS NULL OR key NOT IN (SELECT key FROM input WHERE key IS NOT NULL))",
        unnest = unnest.join(", "),
        aliases = aliases.join(", "),
    )
}
