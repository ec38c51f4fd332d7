//! A unit's rows as its definition builds them under the run's context: keyed (anonymous rows
//! get their ordinal keys) and hashed into the checksum the ledger compares.

use std::collections::BTreeMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::plan::context::Context;
use crate::plan::{Row, TableMeta, TableRows, Unit, ordinal_key, ordinal_prefix};
use crate::run::panics;
use crate::{Error, Value};

/// The rows of one table of a unit, built and keyed.
pub struct TableRowsBuilt {
    pub meta: &'static TableMeta,
    pub rows: Vec<Row>,
    /// For a table whose keys the database generates, once its rows are keyed: each row's
    /// identity in the ledger, its label or `#n`.
    pub identities: Option<Vec<String>>,
}

/// Builds a unit's rows under the run's context, fills in the keys of anonymous rows, and
/// computes the checksum of the plan (table, columns and every value).
/// Seed code that panics is [`ApplyError::SeedPanicked`](crate::error::ApplyError::SeedPanicked).
pub fn build(unit: &Unit, context: &Context) -> Result<(Vec<TableRowsBuilt>, String), Error> {
    let context = Arc::new(context.clone());
    let mut checksum = Checksum::default();
    let tables = panics::guard(unit.name, || {
        context
            .sync_scope_unit(unit.name, unit.build)
            .tables
            .into_iter()
            .map(|table| {
                let meta = table.meta;
                let rows = KeyedRows::new(unit.name, &context, table)
                    .inspect(|row| checksum.add(meta, row))
                    .collect();
                TableRowsBuilt {
                    meta,
                    rows,
                    identities: None,
                }
            })
            .collect()
    })?;
    Ok((tables, checksum.finish()))
}

/// The checksum of a unit's plan: every table, column and value. Tables are hashed apart and
/// combined by name, so the order in which they are produced does not matter.
#[derive(Default)]
pub(crate) struct Checksum {
    tables: BTreeMap<&'static str, Sha256>,
    /// Reused for each value's text, so hashing a million rows allocates nothing per value.
    text: String,
}

impl Checksum {
    pub(crate) fn add(&mut self, meta: &'static TableMeta, row: &Row) {
        let hasher = self.tables.entry(meta.name).or_default();
        hasher.update([0x1e]);
        for (column, value) in row.columns.iter().zip(&row.values) {
            hasher.update(meta.columns[*column as usize].name.as_bytes());
            hasher.update([0x1f]);
            self.text.clear();
            if value.write_pg_text(&mut self.text) {
                hasher.update(self.text.as_bytes());
            } else {
                hasher.update([0]);
            }
            hasher.update([0x1f]);
        }
    }

    pub(crate) fn finish(self) -> String {
        let mut all = Sha256::new();
        for (table, hasher) in self.tables {
            all.update(table.as_bytes());
            all.update(hasher.finalize());
        }
        format!("{:x}", all.finalize())
    }
}

/// A table's rows, produced under the run's context, with the keys of anonymous rows filled in.
pub(crate) struct KeyedRows {
    rows: Box<dyn Iterator<Item = Row>>,
    context: Arc<Context>,
    unit: &'static str,
    prefix: u64,
    ordinal: u64,
}

impl KeyedRows {
    pub(crate) fn new(unit: &'static str, context: &Arc<Context>, table: TableRows) -> KeyedRows {
        KeyedRows {
            prefix: ordinal_prefix(unit, table.meta.name),
            ordinal: 0,
            rows: table.rows,
            context: Arc::clone(context),
            unit,
        }
    }
}

impl Iterator for KeyedRows {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        // Seed code reads the clock and scale while its rows are produced, so every row is.
        let rows = &mut self.rows;
        let mut row = self.context.sync_scope_unit(self.unit, || rows.next())?;
        for value in &mut row.values {
            if *value == Value::AutoKey {
                *value = Value::Uuid(ordinal_key(self.prefix, self.ordinal));
                self.ordinal += 1;
            }
        }
        Some(row)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rows.size_hint()
    }
}

/// The checksum of a unit's rows, computed by generating and discarding them: the same as
/// [`build`] gives, without holding a million rows.
pub(crate) fn checksum(unit: &Unit, context: &Context) -> Result<String, Error> {
    let context = Arc::new(context.clone());
    let mut checksum = Checksum::default();
    panics::guard(unit.name, || {
        for table in context.sync_scope_unit(unit.name, unit.build).tables {
            let meta = table.meta;
            for row in KeyedRows::new(unit.name, &context, table) {
                checksum.add(meta, &row);
            }
        }
    })?;
    Ok(checksum.finish())
}

/// The tables a unit writes, without building its rows.
pub(crate) fn tables_of(unit: &Unit, context: &Context) -> Result<Vec<&'static TableMeta>, Error> {
    let context = Arc::new(context.clone());
    panics::guard(unit.name, || {
        context
            .sync_scope_unit(unit.name, unit.build)
            .tables
            .iter()
            .map(|t| t.meta)
            .collect()
    })
}

/// Per table, the rows a unit is known to bring before any is generated: the rows written out
/// literally and those of loops over something of known length (a range, a `Vec`); a loop
/// whose length is unknown counts for none (the lower bound of its size hint).
pub(crate) fn known_rows(
    unit: &Unit,
    context: &Context,
) -> Result<BTreeMap<&'static str, u64>, Error> {
    let context = Arc::new(context.clone());
    panics::guard(unit.name, || {
        context
            .sync_scope_unit(unit.name, unit.build)
            .tables
            .iter()
            .map(|t| (t.meta.name, t.rows.size_hint().0 as u64))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streamed_checksum_is_the_one_a_built_unit_has() {
        use crate::plan::{ColumnMeta, Seed, UnitKind};
        static COLUMNS: [ColumnMeta; 2] = [ColumnMeta { name: "id" }, ColumnMeta { name: "name" }];
        static META: TableMeta = TableMeta {
            name: "things",
            columns: &COLUMNS,
            primary_key: &[0],
            generated_key: None,
        };
        fn build() -> Seed {
            let rows = (0..3).map(|i| Row {
                label: None,
                columns: std::borrow::Cow::Borrowed(&[0, 1]),
                values: vec![Value::AutoKey, Value::Text(format!("thing {i}").into())],
            });
            Seed::new().table(&META, rows)
        }
        static UNIT: Unit = Unit {
            name: "things",
            kind: UnitKind::Set,
            description: "",
            depends_on: &[],
            environments: &[],
            explicit: false,
            file: "",
            line: 0,
            schema_version: None,
            static_rows: None,
            references: Vec::new,
            build,
        };
        let context = Context::default();
        let (tables, built) = super::build(&UNIT, &context).unwrap();
        assert_eq!(tables[0].rows.len(), 3);
        assert_eq!(checksum(&UNIT, &context).unwrap(), built);
        let other = Context {
            random_seed: 1,
            ..Context::default()
        };
        assert_eq!(
            checksum(&UNIT, &other).unwrap(),
            built,
            "these rows do not read the random seed"
        );
    }
}
