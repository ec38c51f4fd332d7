//! Generated rows streamed to PostgreSQL with `COPY`, never all in memory.
//!
//! Units with loops may produce millions of rows. Their rows are generated, keyed, hashed and
//! encoded in chunks of about a megabyte, each chunk sent with `COPY ... FROM STDIN` while the
//! next is produced. Ordered keys of anonymous rows let the ledger record a range per table
//! instead of a million keys; cleanup then deletes by range.
//!
//! Rows of tables whose keys the database generates are keyed as they stream, from values
//! drawn from the sequence in blocks; when a row needs something read first (a block of keys,
//! the keys of another unit's labelled rows), the COPY in progress ends, it is read, and a new
//! COPY goes on.

use std::collections::{BTreeMap, HashSet};
use std::iter::Peekable;
use std::sync::Arc;

use sqlx::PgConnection;
use uuid::Uuid;

use crate::engine::catalog::{Catalog, TableInfo};
use crate::engine::postgres::ledger;
use crate::engine::postgres::sql::ident;
use crate::error::ApplyError;
use crate::plan::context::Context;
use crate::plan::{Row, TableMeta, TableRows, Unit, ordinal_key, ordinal_prefix};
use crate::run::build::{Checksum, KeyedRows};
use crate::run::keys::GeneratedKeys;
use crate::run::progress::TableProgress;
use crate::run::report::TableReport;
use crate::{Error, Value};

/// Bytes of COPY data produced before they are sent.
const CHUNK_BYTES: usize = 1 << 20;

/// Streams every table of `unit` into the database with COPY, dependencies first, and records
/// the keys in the ledger under `generation`. Returns the per-table reports and the checksum.
/// `keys` has begun the unit.
pub(crate) async fn copy_unit(
    conn: &mut PgConnection,
    unit: &Unit,
    catalog: &Catalog,
    generation: i64,
    context: &Context,
    keys: &mut GeneratedKeys,
) -> Result<(Vec<TableReport>, String), Error> {
    let context = Arc::new(context.clone());
    let seed = context.sync_scope_unit(unit.name, unit.build);
    for table in &seed.tables {
        keys.add_table(table.meta);
    }
    // The high halves of this unit's ordinal keys (version bits included), table by table.
    let prefixes: HashSet<u64> = seed
        .tables
        .iter()
        .map(|t| {
            ordinal_key(ordinal_prefix(unit.name, t.meta.name), 0)
                .as_u64_pair()
                .0
        })
        .collect();
    let names: Vec<&str> = seed.tables.iter().map(|t| t.meta.name).collect();
    let order: Vec<String> = catalog
        .insert_order(&names)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut tables: BTreeMap<&str, TableRows> =
        seed.tables.into_iter().map(|t| (t.meta.name, t)).collect();
    let mut checksum = Checksum::default();
    let mut reports = Vec::new();
    for name in &order {
        let Some(table) = tables.remove(name.as_str()) else {
            continue;
        };
        let meta = table.meta;
        let info = catalog.table(meta.name)?;
        let mut rows = KeyedRows::new(unit.name, &context, table).peekable();
        let mut tracker = KeyTracker::new(meta, info, &prefixes)?;
        let progress = TableProgress::new(unit.name, meta.name, rows.size_hint());
        let mut copied = 0u64;
        let mut statements: Vec<String> = Vec::new();
        loop {
            let missing = match rows.peek() {
                None => break,
                Some(row) => keys.missing(meta, row),
            };
            if let Some(missing) = missing {
                keys.fetch(conn, missing, meta.name, rows.size_hint())
                    .await?;
                continue;
            }
            let mut run = CopyRun {
                unit,
                info,
                keys,
                tracker: &mut tracker,
                checksum: &mut checksum,
                progress: &progress,
                done: copied,
                statements: &mut statements,
            };
            copied += run.copy(conn, &mut rows).await?;
        }
        tracker.record(conn, unit.name, generation).await?;
        let millis = progress.finish(copied);
        reports.push(TableReport {
            table: meta.name.to_owned(),
            inserted: copied,
            millis,
            statements,
            ..Default::default()
        });
    }
    Ok((reports, checksum.finish()))
}

/// What one `COPY` works with.
struct CopyRun<'a> {
    unit: &'a Unit,
    info: &'a TableInfo,
    keys: &'a mut GeneratedKeys,
    tracker: &'a mut KeyTracker,
    checksum: &'a mut Checksum,
    progress: &'a TableProgress,
    /// Rows of the table copied before this run.
    done: u64,
    /// The statements run for the table, for the report.
    statements: &'a mut Vec<String>,
}

impl CopyRun<'_> {
    /// One `COPY` of consecutive rows that give the same columns and need nothing read from
    /// the database first (the first row included: the caller made sure).
    async fn copy(
        &mut self,
        conn: &mut PgConnection,
        rows: &mut Peekable<KeyedRows>,
    ) -> Result<u64, Error> {
        let Some(first) = rows.next() else {
            return Ok(0);
        };
        let meta = self.tracker.meta;
        // Rows are grouped by the columns they give; the key may be added to those.
        let shape = first.columns.clone();
        let first = self.prepare(first)?;
        let names = meta.column_names(&first.columns);
        for name in &names {
            if !self.info.columns.contains_key(*name) {
                return Err(Error::Apply(ApplyError::MissingColumn {
                    table: meta.name.into(),
                    column: (*name).into(),
                }));
            }
        }
        let quoted: Vec<String> = names.iter().map(|c| ident(c)).collect();
        let sql = format!(
            "COPY {} ({}) FROM STDIN",
            ident(meta.name),
            quoted.join(", ")
        );
        if self.statements.last() != Some(&sql) {
            self.statements.push(sql.clone());
        }
        let mut copy = conn
            .copy_in_raw(&sql)
            .await
            .map_err(|e| Error::database(format!("starting COPY into `{}`", meta.name), &e))?;
        let mut pending = Some(first);
        let mut sent = 0u64;
        loop {
            let mut buffer = String::with_capacity(CHUNK_BYTES + 4096);
            let mut count = 0u64;
            if let Some(row) = pending.take() {
                encode_row(&row, &mut buffer);
                count += 1;
            }
            while buffer.len() < CHUNK_BYTES {
                let keys = &*self.keys;
                let Some(row) =
                    rows.next_if(|r| r.columns == shape && keys.missing(meta, r).is_none())
                else {
                    break;
                };
                let row = match self.prepare(row) {
                    Ok(row) => row,
                    Err(e) => {
                        let _ = copy.abort("seedbed: a row could not be keyed").await;
                        return Err(e);
                    }
                };
                encode_row(&row, &mut buffer);
                count += 1;
            }
            if count == 0 {
                break;
            }
            sent += count;
            self.progress.advance(self.done + sent);
            if let Err(e) = copy.send(buffer.into_bytes()).await {
                return Err(crate::engine::postgres::row_error::constraint_error(
                    self.unit.name,
                    meta,
                    &[],
                    &e,
                ));
            }
        }
        copy.finish().await.map_err(|e| {
            crate::engine::postgres::row_error::constraint_error(self.unit.name, meta, &[], &e)
        })?;
        Ok(sent)
    }

    /// Adds the row to the checksum as defined, then keys it, resolves its references, and
    /// tracks its key for the ledger.
    fn prepare(&mut self, mut row: Row) -> Result<Row, Error> {
        let meta = self.tracker.meta;
        self.checksum.add(meta, &row);
        let identity = self.keys.assign(meta, &mut row)?;
        self.keys.resolve(meta, &mut row)?;
        self.tracker.track(&row, identity);
        Ok(row)
    }
}

/// A row in COPY's text format: tab-separated, `\N` for NULL, backslash escapes.
fn encode_row(row: &Row, out: &mut String) {
    for (i, value) in row.values.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        let start = out.len();
        if !value.write_pg_text(out) {
            out.push_str("\\N");
            continue;
        }
        // Most values need no escape: check the bytes written before rewriting any.
        if out.as_bytes()[start..]
            .iter()
            .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
        {
            let text = out.split_off(start);
            for c in text.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
    }
    out.push('\n');
}

/// The keys of a table's streamed rows, for the ledger: ranges of ordered keys, and the rest
/// one by one.
struct KeyTracker {
    meta: &'static TableMeta,
    /// Names of the primary key columns, in key order.
    key_columns: Vec<String>,
    unit_prefixes: HashSet<u64>,
    /// Boxes of keys, by the ordinal prefixes of their columns: per key column, the lowest
    /// and highest value seen.
    ranges: BTreeMap<Vec<u64>, (Vec<Uuid>, Vec<Uuid>)>,
    explicit: Vec<String>,
    /// The identities of the rows of `explicit`, where the database generates the keys.
    identities: Vec<String>,
}

impl KeyTracker {
    fn new(
        meta: &'static TableMeta,
        info: &TableInfo,
        prefixes: &HashSet<u64>,
    ) -> Result<KeyTracker, Error> {
        if info.primary_key.is_empty() {
            return Err(Error::Apply(ApplyError::NoPrimaryKey {
                unit: String::new(),
                table: meta.name.into(),
            }));
        }
        Ok(KeyTracker {
            meta,
            key_columns: info.primary_key.iter().map(|(c, _)| c.clone()).collect(),
            unit_prefixes: prefixes.clone(),
            ranges: BTreeMap::new(),
            explicit: Vec::new(),
            identities: Vec::new(),
        })
    }

    fn value<'r>(&self, row: &'r Row, column: &str) -> Option<&'r Value> {
        row.columns
            .iter()
            .position(|c| self.meta.columns[*c as usize].name == column)
            .map(|i| &row.values[i])
    }

    fn track(&mut self, row: &Row, identity: Option<String>) {
        if let Some(identity) = identity {
            self.identities.push(identity);
        }
        // A key whose every column is an ordered key of this unit's generated rows goes into a
        // box (a range per column). A join row of other data would have to pair generated rows
        // of this unit on every column to fall inside; anything else is recorded one by one.
        let key: Option<Vec<Uuid>> = self
            .key_columns
            .iter()
            .map(|c| match self.value(row, c)? {
                Value::Uuid(u) => Some(*u),
                Value::Ref(r) => Some(r.key),
                _ => None,
            })
            .collect();
        if let Some(key) = key {
            let prefixes: Vec<u64> = key.iter().map(|k| k.as_u64_pair().0).collect();
            if prefixes.iter().all(|p| self.unit_prefixes.contains(p)) {
                let (lo, hi) = self
                    .ranges
                    .entry(prefixes)
                    .or_insert_with(|| (key.clone(), key.clone()));
                for (i, k) in key.into_iter().enumerate() {
                    lo[i] = lo[i].min(k);
                    hi[i] = hi[i].max(k);
                }
                return;
            }
        }
        let parts: Vec<String> = self
            .key_columns
            .iter()
            .map(|c| {
                self.value(row, c)
                    .and_then(Value::to_pg_text)
                    .unwrap_or_default()
            })
            .collect();
        self.explicit.push(if parts.len() == 1 {
            parts.concat()
        } else {
            record_text(&parts)
        });
    }

    async fn record(
        &mut self,
        conn: &mut PgConnection,
        unit: &str,
        generation: i64,
    ) -> Result<(), Error> {
        for (lo, hi) in self.ranges.values() {
            ledger::record_box(conn, unit, self.meta.name, (lo, hi), generation).await?;
        }
        let keys = std::mem::take(&mut self.explicit);
        if !self.identities.is_empty() {
            let labels = std::mem::take(&mut self.identities);
            ledger::record_keys(conn, unit, self.meta.name, keys, Some(labels), generation).await?;
        } else if !keys.is_empty() {
            ledger::record_keys(conn, unit, self.meta.name, keys, None, generation).await?;
        }
        Ok(())
    }
}

/// A composite key as PostgreSQL prints a record: `(a,b)`, quoting where needed.
fn record_text(parts: &[String]) -> String {
    let mut out = String::from("(");
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let plain = !part.is_empty()
            && !part
                .chars()
                .any(|c| "\"\\(),".contains(c) || c.is_whitespace());
        if plain {
            out.push_str(part);
        } else {
            out.push('"');
            for c in part.chars() {
                if c == '"' || c == '\\' {
                    out.push(c);
                }
                out.push(c);
            }
            out.push('"');
        }
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_specials_and_nulls() {
        static COLUMNS: [u16; 3] = [0, 1, 2];
        let row = Row {
            label: None,
            columns: std::borrow::Cow::Borrowed(&COLUMNS),
            values: vec![Value::str("a\tb\\c\nd"), Value::Null, Value::Int(3)],
        };
        let mut out = String::new();
        encode_row(&row, &mut out);
        assert_eq!(out, "a\\tb\\\\c\\nd\t\\N\t3\n");
    }

    #[test]
    fn composite_keys_print_like_records() {
        assert_eq!(record_text(&["a".into(), "b c".into()]), "(a,\"b c\")");
        assert_eq!(record_text(&["1".into(), "x\"y".into()]), "(1,\"x\"\"y\")");
    }
}
