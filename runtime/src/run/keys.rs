//! Keys the database generates: which row of a table whose primary key is an identity or
//! serial column keeps its key, and which draws a new one. Written once over the engine's
//! [`KeySource`] (its sequences and its ledger), so the policy is tested without a server.
//!
//! The rows of such a table come from the macros without their key. Before they are written,
//! each gets one: a row the unit wrote before (a re-apply of a changed unit) keeps its key,
//! found in the ledger by the row's identity (its label, or `#n` for the n-th anonymous row of
//! the table in the unit); a new row gets a value drawn from the column's sequence, many at a
//! time. The rows are then written with explicit keys, and the ledger records each key with
//! the row's identity.
//!
//! References to such rows carry a nil key (it is not known at compile time). They are
//! resolved to the keys of (unit, table, label): from the keys given in this run, or from the
//! ledger for the rows of units applied earlier, read once per (unit, table).

use std::collections::{HashMap, VecDeque};

use crate::error::ApplyError;
use crate::plan::{Row, RowId, TableMeta};
use crate::run::build::TableRowsBuilt;
use crate::{Error, Value};

/// Where keys the database generates come from: the sequences of identity and serial columns,
/// and the keys the ledger recorded for rows of such tables. The policy here needs them of every
/// engine: each [`Transaction`](crate::engine::Transaction) is one.
pub(crate) trait KeySource {
    /// `n` new values of the sequence of `table`.`column`, ascending. A value drawn is never
    /// given again, whether or not the transaction commits.
    async fn draw_keys(&mut self, table: &str, column: &str, n: usize) -> Result<Vec<i64>, Error>;
    /// The rows of tables with generated keys that `unit` recorded, as `(table, identity, key)`:
    /// the identity is the row's label, or `#n` for the n-th anonymous row of the table.
    async fn recorded_identities(
        &mut self,
        unit: &str,
    ) -> Result<Vec<(String, String, String)>, Error>;
    /// The keys of the labelled (not anonymous) rows `unit` recorded in `table`, as
    /// `(label, key)`.
    async fn labelled_keys(
        &mut self,
        unit: &str,
        table: &str,
    ) -> Result<Vec<(String, String)>, Error>;
}

/// The most keys drawn from a sequence in one statement while rows stream.
const MAX_DRAW: usize = 65_536;

/// Keys of generated-key tables for one run: the labelled keys of units seen so far, and the
/// keys of the unit being applied.
#[derive(Default)]
pub(crate) struct GeneratedKeys {
    /// Keys of labelled rows by (unit, table): given in this run, or read from the ledger.
    known: HashMap<(&'static str, &'static str), HashMap<String, i64>>,
    /// The unit being applied.
    unit: &'static str,
    /// Its generated-key tables.
    tables: HashMap<&'static str, TableKeys>,
    /// The keys its rows had when it was applied before, by table.
    previous: HashMap<String, Identities>,
}

/// The keys of rows that a unit wrote before, by identity.
#[derive(Default)]
struct Identities {
    labels: HashMap<String, i64>,
    /// By the ordinal of the anonymous row.
    anonymous: Vec<Option<i64>>,
}

impl Identities {
    fn get(&self, identity: &Identity<'_>) -> Option<i64> {
        match identity {
            Identity::Label(label) => self.labels.get(*label).copied(),
            Identity::Anonymous(n) => usize::try_from(*n)
                .ok()
                .and_then(|n| self.anonymous.get(n).copied().flatten()),
        }
    }
}

/// A row's identity among the rows of its table in its unit.
enum Identity<'a> {
    Label(&'a str),
    Anonymous(u64),
}

impl Identity<'_> {
    fn text(&self) -> String {
        match self {
            Identity::Label(label) => (*label).to_owned(),
            Identity::Anonymous(n) => format!("#{n}"),
        }
    }
}

/// The key column of one generated-key table of the unit being applied.
struct TableKeys {
    table: &'static str,
    column: u16,
    column_name: &'static str,
    /// Keys the rows had when the unit was applied before.
    previous: Identities,
    /// Keys given in this run to labelled rows, or reserved for them by a reference that
    /// came first.
    labels: HashMap<&'static str, i64>,
    /// Values drawn from the sequence and not given yet.
    fresh: VecDeque<i64>,
    /// Anonymous rows keyed so far: the next one is `#anonymous`.
    anonymous: u64,
    /// How many values the last draw took.
    last_draw: usize,
}

impl TableKeys {
    fn identity<'r>(&self, row: &'r Row) -> Identity<'r> {
        match row.label {
            Some(label) => Identity::Label(label),
            None => Identity::Anonymous(self.anonymous),
        }
    }

    /// The key the row was given in its definition (serial and `BY DEFAULT` identity columns
    /// accept one).
    fn explicit(&self, row: &Row) -> Option<i64> {
        let at = row.columns.iter().position(|c| *c == self.column)?;
        match &row.values[at] {
            Value::Int(key) => Some(*key),
            _ => None,
        }
    }

    /// The key a row keeps, without drawing a new one.
    fn kept(&self, row: &Row) -> Option<i64> {
        self.explicit(row)
            .or_else(|| row.label.and_then(|l| self.labels.get(l).copied()))
            .or_else(|| self.previous.get(&self.identity(row)))
    }

    /// The key of the labelled row `label`, for a reference: given, kept, or reserved now.
    fn key_of(&mut self, label: &'static str) -> Option<i64> {
        if let Some(key) = self.labels.get(label) {
            return Some(*key);
        }
        let key = self
            .previous
            .get(&Identity::Label(label))
            .or_else(|| self.fresh.pop_front())?;
        self.labels.insert(label, key);
        Some(key)
    }

    fn knows(&self, label: &str) -> bool {
        self.labels.contains_key(label) || self.previous.labels.contains_key(label)
    }
}

/// Something to read from the database before a row can be keyed and its references
/// resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// At least `count` more values from the sequence of a table of the unit.
    Keys { table: &'static str, count: usize },
    /// The keys of the labelled rows of another unit's table, from the ledger.
    Labels {
        unit: &'static str,
        table: &'static str,
    },
}

impl GeneratedKeys {
    /// Starts on `unit`: reads the keys its rows were given when it was applied before, unless
    /// it writes no table whose keys the database generates (`generated`). Call before its
    /// stale rows and their ledger entries are removed.
    pub(crate) async fn begin_unit(
        &mut self,
        source: &mut impl KeySource,
        unit: &'static str,
        generated: bool,
    ) -> Result<(), Error> {
        self.unit = unit;
        self.tables.clear();
        self.previous.clear();
        if !generated {
            return Ok(());
        }
        let rows = source.recorded_identities(unit).await?;
        for (table, label, key) in rows {
            let Ok(key) = key.parse::<i64>() else {
                continue;
            };
            let identities = self.previous.entry(table).or_default();
            match label.strip_prefix('#').map(str::parse::<usize>) {
                Some(Ok(n)) => {
                    if identities.anonymous.len() <= n {
                        identities.anonymous.resize(n + 1, None);
                    }
                    identities.anonymous[n] = Some(key);
                }
                Some(Err(_)) => {}
                None => {
                    identities.labels.insert(label, key);
                }
            }
        }
        Ok(())
    }

    /// Adds a table of the unit; only tables whose key the database generates are kept.
    pub(crate) fn add_table(&mut self, meta: &'static TableMeta) {
        let Some(column) = meta.generated_key else {
            return;
        };
        if self.tables.contains_key(meta.name) {
            return;
        }
        let previous = self.previous.remove(meta.name).unwrap_or_default();
        self.tables.insert(
            meta.name,
            TableKeys {
                table: meta.name,
                column,
                column_name: meta.columns[column as usize].name,
                previous,
                labels: HashMap::new(),
                fresh: VecDeque::new(),
                anonymous: 0,
                last_draw: 0,
            },
        );
    }

    /// Done with the unit (committed): its labelled keys serve references of later units.
    pub(crate) fn end_unit(&mut self) {
        for (table, keys) in self.tables.drain() {
            let labels = keys
                .labels
                .into_iter()
                .map(|(label, key)| (label.to_owned(), key))
                .collect();
            self.known.insert((self.unit, table), labels);
        }
        self.previous.clear();
    }

    /// What must be read before `row` of `meta` can be prepared; `None` when nothing.
    pub(crate) fn missing(&self, meta: &TableMeta, row: &Row) -> Option<Missing> {
        // Fresh keys needed per table of the unit: the row's own, and reservations for
        // references to labelled rows not keyed yet.
        let mut needed: Vec<(&'static str, usize)> = Vec::new();
        let mut need = |table: &'static str| match needed.iter_mut().find(|(t, _)| *t == table) {
            Some((_, n)) => *n += 1,
            None => needed.push((table, 1)),
        };
        if let Some(keys) = self.tables.get(meta.name)
            && keys.kept(row).is_none()
        {
            need(keys.table);
        }
        for reference in unresolved(row) {
            match self.own_table(reference) {
                Some(keys) => {
                    if !keys.knows(reference.label) {
                        need(keys.table);
                    }
                }
                None => {
                    if !self.known.contains_key(&(reference.unit, reference.table)) {
                        return Some(Missing::Labels {
                            unit: reference.unit,
                            table: reference.table,
                        });
                    }
                }
            }
        }
        needed.into_iter().find_map(|(table, count)| {
            let have = self.tables.get(table).map_or(0, |k| k.fresh.len());
            (have < count).then(|| Missing::Keys {
                table,
                count: count - have,
            })
        })
    }

    /// Reads what [`missing`](Self::missing) asked for. For keys of `current` (the table
    /// being written), `remaining` is the size hint of its rows still to come: that many are
    /// drawn, at most [`MAX_DRAW`].
    pub(crate) async fn fetch(
        &mut self,
        source: &mut impl KeySource,
        missing: Missing,
        current: &str,
        remaining: (usize, Option<usize>),
    ) -> Result<(), Error> {
        match missing {
            Missing::Keys { table, count } => {
                let Some(keys) = self.tables.get_mut(table) else {
                    return Ok(());
                };
                let wanted = if table == current {
                    match remaining {
                        (low, Some(high)) if low == high => low,
                        // Of unknown length: take more each time.
                        (low, _) => low.max(keys.last_draw.saturating_mul(2)).max(1024),
                    }
                } else {
                    0
                };
                let n = wanted.max(count).clamp(1, MAX_DRAW.max(count));
                let drawn = source.draw_keys(keys.table, keys.column_name, n).await?;
                keys.last_draw = n;
                keys.fresh.extend(drawn);
            }
            Missing::Labels { unit, table } => {
                let rows = source.labelled_keys(unit, table).await?;
                let labels = rows
                    .into_iter()
                    .filter_map(|(label, key)| Some((label, key.parse().ok()?)))
                    .collect();
                self.known.insert((unit, table), labels);
            }
        }
        Ok(())
    }

    /// Gives `row` of `meta` its key when the database generates the table's keys (the key
    /// column first), and returns the row's identity for the ledger. Call when
    /// [`missing`](Self::missing) says nothing is.
    pub(crate) fn assign(
        &mut self,
        meta: &TableMeta,
        row: &mut Row,
    ) -> Result<Option<String>, Error> {
        let Some(keys) = self.tables.get_mut(meta.name) else {
            return Ok(None);
        };
        let identity = keys.identity(row).text();
        let explicit = keys.explicit(row);
        let key = match keys.kept(row) {
            Some(key) => key,
            None => keys
                .fresh
                .pop_front()
                .ok_or_else(|| not_drawn(self.unit, meta.name))?,
        };
        if let Some(label) = row.label {
            keys.labels.insert(label, key);
        } else {
            keys.anonymous += 1;
        }
        if explicit.is_none() {
            let mut columns = Vec::with_capacity(row.columns.len() + 1);
            columns.push(keys.column);
            columns.extend_from_slice(&row.columns);
            row.columns = columns.into();
            row.values.insert(0, Value::Int(key));
        }
        Ok(Some(identity))
    }

    /// Replaces every reference to a row with a generated key by that key. Call when
    /// [`missing`](Self::missing) says nothing is.
    pub(crate) fn resolve(&mut self, meta: &TableMeta, row: &mut Row) -> Result<(), Error> {
        for value in &mut row.values {
            let Value::Ref(reference) = value else {
                continue;
            };
            if !reference.key.is_nil() {
                continue;
            }
            let reference = *reference;
            let key = match self.tables.get_mut(reference.table) {
                Some(keys) if reference.unit == self.unit => keys
                    .key_of(reference.label)
                    .ok_or_else(|| not_drawn(self.unit, meta.name))?,
                _ => self
                    .known
                    .get(&(reference.unit, reference.table))
                    .and_then(|labels| labels.get(reference.label).copied())
                    .ok_or_else(|| {
                        Error::Apply(ApplyError::UnknownRow {
                            unit: self.unit.to_owned(),
                            table: meta.name.to_owned(),
                            target_unit: reference.unit.to_owned(),
                            target_table: reference.table.to_owned(),
                            label: reference.label.to_owned(),
                        })
                    })?,
            };
            *value = Value::Int(key);
        }
        Ok(())
    }

    /// Keys the rows of a unit's tables held in memory, and resolves their references: every
    /// generated key first (one draw per table for its new rows), so that references in any
    /// table find their rows. Sets the identities of the rows of generated-key tables.
    pub(crate) async fn key_tables(
        &mut self,
        source: &mut impl KeySource,
        tables: &mut [TableRowsBuilt],
    ) -> Result<(), Error> {
        for table in tables.iter_mut() {
            self.add_table(table.meta);
            table.identities = self.assign_all(source, table.meta, &mut table.rows).await?;
        }
        for table in tables.iter_mut() {
            self.resolve_all(source, table.meta, &mut table.rows)
                .await?;
        }
        Ok(())
    }

    /// Keys every row of a table held in memory (one draw for all new rows) and returns their
    /// identities, or `None` when the table's keys are not generated.
    async fn assign_all(
        &mut self,
        source: &mut impl KeySource,
        meta: &TableMeta,
        rows: &mut [Row],
    ) -> Result<Option<Vec<String>>, Error> {
        let Some(keys) = self.tables.get(meta.name) else {
            return Ok(None);
        };
        let mut anonymous = keys.anonymous;
        let mut new = 0;
        for row in rows.iter() {
            let identity = match row.label {
                Some(label) => Identity::Label(label),
                None => {
                    anonymous += 1;
                    Identity::Anonymous(anonymous - 1)
                }
            };
            let kept = keys.explicit(row).is_some()
                || row.label.is_some_and(|l| keys.labels.contains_key(l))
                || keys.previous.get(&identity).is_some();
            new += usize::from(!kept);
        }
        if new > keys.fresh.len() {
            let count = new - keys.fresh.len();
            let missing = Missing::Keys {
                table: meta.name,
                count,
            };
            self.fetch(source, missing, "", (0, Some(0))).await?;
        }
        rows.iter_mut()
            .map(|row| Ok(self.assign(meta, row)?.unwrap_or_default()))
            .collect::<Result<_, Error>>()
            .map(Some)
    }

    /// Resolves the references of rows held in memory, reading what they need first.
    async fn resolve_all(
        &mut self,
        source: &mut impl KeySource,
        meta: &TableMeta,
        rows: &mut [Row],
    ) -> Result<(), Error> {
        loop {
            let mut needs: Vec<Missing> = Vec::new();
            for row in rows.iter() {
                if let Some(missing) = self.missing_references(row)
                    && !needs.contains(&missing)
                {
                    needs.push(missing);
                }
            }
            if needs.is_empty() {
                break;
            }
            for missing in needs {
                self.fetch(source, missing, "", (0, Some(0))).await?;
            }
        }
        rows.iter_mut().try_for_each(|row| self.resolve(meta, row))
    }

    /// What the references of `row` (not its own key) need read.
    fn missing_references(&self, row: &Row) -> Option<Missing> {
        unresolved(row).find_map(|reference| match self.own_table(reference) {
            Some(keys) => {
                (!keys.knows(reference.label) && keys.fresh.is_empty()).then_some(Missing::Keys {
                    table: keys.table,
                    count: 1,
                })
            }
            None => (!self.known.contains_key(&(reference.unit, reference.table))).then_some(
                Missing::Labels {
                    unit: reference.unit,
                    table: reference.table,
                },
            ),
        })
    }

    /// The keys of the referenced table when it is one of the unit's own.
    fn own_table(&self, reference: &RowId) -> Option<&TableKeys> {
        (reference.unit == self.unit)
            .then(|| self.tables.get(reference.table))
            .flatten()
    }
}

/// References whose key is not known yet: rows of generated-key tables.
fn unresolved(row: &Row) -> impl Iterator<Item = &RowId> {
    row.values.iter().filter_map(|v| match v {
        Value::Ref(r) if r.key.is_nil() => Some(r),
        _ => None,
    })
}

/// A key that should have been drawn was not: a bug in the caller, reported, not panicked on.
fn not_drawn(unit: &str, table: &str) -> Error {
    Error::Database {
        context: format!("unit `{unit}`, table `{table}`: keying a row"),
        sqlstate: None,
        message: "no key was drawn for it (a bug in seedbed)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::plan::ColumnMeta;

    static COLUMNS: [ColumnMeta; 2] = [ColumnMeta { name: "id" }, ColumnMeta { name: "name" }];
    static META: TableMeta = TableMeta {
        name: "things",
        columns: &COLUMNS,
        primary_key: &[0],
        generated_key: Some(0),
    };

    fn row(label: Option<&'static str>) -> Row {
        Row {
            label,
            columns: Cow::Borrowed(&[1]),
            values: vec![Value::str("x")],
        }
    }

    fn keys_with_previous() -> GeneratedKeys {
        let mut keys = GeneratedKeys {
            unit: "u",
            ..Default::default()
        };
        keys.previous.insert(
            "things".into(),
            Identities {
                labels: [("kept".to_owned(), 7)].into(),
                anonymous: vec![Some(8), None],
            },
        );
        keys.add_table(&META);
        keys
    }

    #[test]
    fn rows_keep_their_keys_and_new_ones_take_drawn_values() {
        let mut keys = keys_with_previous();
        let mut kept = row(Some("kept"));
        assert_eq!(keys.missing(&META, &kept), None);
        assert_eq!(
            keys.assign(&META, &mut kept).unwrap().as_deref(),
            Some("kept")
        );
        assert_eq!(&*kept.columns, &[0, 1]);
        assert_eq!(kept.values[0], Value::Int(7));

        let mut first = row(None);
        assert_eq!(keys.missing(&META, &first), None);
        assert_eq!(
            keys.assign(&META, &mut first).unwrap().as_deref(),
            Some("#0")
        );
        assert_eq!(first.values[0], Value::Int(8));

        let second = row(None);
        assert_eq!(
            keys.missing(&META, &second),
            Some(Missing::Keys {
                table: "things",
                count: 1
            })
        );
    }

    #[test]
    fn references_to_own_rows_reserve_their_keys() {
        let mut keys = keys_with_previous();
        keys.tables
            .get_mut("things")
            .unwrap()
            .fresh
            .extend([20, 21]);
        let mut child = Row {
            label: Some("child"),
            columns: Cow::Borrowed(&[1]),
            values: vec![Value::Ref(RowId {
                unit: "u",
                table: "things",
                label: "parent",
                key: uuid::Uuid::nil(),
            })],
        };
        assert_eq!(keys.missing(&META, &child), None);
        keys.assign(&META, &mut child).unwrap();
        keys.resolve(&META, &mut child).unwrap();
        assert_eq!(child.values, vec![Value::Int(20), Value::Int(21)]);
        let mut parent = row(Some("parent"));
        keys.assign(&META, &mut parent).unwrap();
        assert_eq!(parent.values[0], Value::Int(21));
    }

    #[test]
    fn references_to_other_units_need_their_labels_and_name_missing_rows() {
        let mut keys = keys_with_previous();
        let reference = RowId {
            unit: "other",
            table: "things",
            label: "gone",
            key: uuid::Uuid::nil(),
        };
        let mut r = Row {
            label: None,
            columns: Cow::Borrowed(&[1]),
            values: vec![Value::Ref(reference)],
        };
        static PLAIN: TableMeta = TableMeta {
            name: "plain",
            columns: &COLUMNS,
            primary_key: &[1],
            generated_key: None,
        };
        assert_eq!(
            keys.missing(&PLAIN, &r),
            Some(Missing::Labels {
                unit: "other",
                table: "things"
            })
        );
        keys.known.insert(("other", "things"), HashMap::new());
        assert_eq!(keys.missing(&PLAIN, &r), None);
        let error = keys.resolve(&PLAIN, &mut r).unwrap_err().to_string();
        assert!(
            error.contains("`gone`") && error.contains("`other`"),
            "{error}"
        );
    }
}
