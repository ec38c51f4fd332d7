//! An engine in a few maps, for testing the policy of `run/` without a server: tables of rows
//! keyed by their primary key, the ledger, transactions that restore a snapshot when they do
//! not commit, `ON DELETE` rules applied as rows go, and every foreign key checked at commit.
//! A write that would last, made without the seed-run lock, is refused: the policy tests find
//! a command that writes unlocked. Keys the database generates come from a sequence per table
//! that, as PostgreSQL's, does not go back when a transaction is rolled back.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::Error;
use crate::engine::catalog::{Catalog, ForeignKey};
use crate::engine::ledger::{Entry, Record, TableChanges, TableDigest};
use crate::engine::{Comparison, Engine, Recorded, Transaction, Upserted};
use crate::error::ApplyError;
use crate::plan::context::Context;
use crate::plan::{Row, TableMeta, Unit};
use crate::run::build::TableRowsBuilt;
use crate::run::build::build;
use crate::run::keys::{GeneratedKeys, KeySource};
use crate::run::report::TableReport;

/// A row: column to value, as text (`None` is NULL).
pub(crate) type MemoryRow = BTreeMap<String, Option<String>>;

#[derive(Debug, Clone, Default)]
struct State {
    /// Table to its rows by key.
    tables: BTreeMap<String, BTreeMap<String, MemoryRow>>,
    /// `None` until a ledger is made.
    ledger: Option<Ledger>,
}

#[derive(Debug, Clone, Default)]
struct Ledger {
    stamp: Option<String>,
    entries: HashMap<String, Entry>,
    /// (unit, table, key) to the generation that wrote it.
    rows: BTreeMap<(String, String, String), i64>,
    /// The identity (label or `#n`) of recorded rows of tables whose keys are generated.
    identities: BTreeMap<(String, String, String), String>,
}

/// The in-memory engine.
pub(crate) struct Memory {
    catalog: Arc<Catalog>,
    state: State,
    commits: bool,
    locked: bool,
    /// Per streamed unit, in order, the tables it was asked to load bare and build after.
    built_after: Vec<(String, BTreeSet<String>)>,
    /// The last value drawn from each `table.column` sequence: kept outside [`State`], so
    /// that a rolled-back transaction does not give a value again.
    sequences: HashMap<String, i64>,
}

fn refused(message: impl Into<String>) -> Error {
    Error::Database {
        context: "the in-memory engine".into(),
        sqlstate: None,
        message: message.into(),
    }
}

impl Memory {
    pub(crate) fn new(catalog: Catalog) -> Memory {
        Memory {
            catalog: Arc::new(catalog),
            state: State::default(),
            commits: true,
            locked: false,
            built_after: Vec::new(),
            sequences: HashMap::new(),
        }
    }

    /// A row written by someone else (not recorded in the ledger).
    pub(crate) fn insert(&mut self, table: &str, row: &[(&str, &str)]) {
        let row: MemoryRow = row
            .iter()
            .map(|(c, v)| ((*c).to_owned(), Some((*v).to_owned())))
            .collect();
        let key = key_of(&self.catalog, table, &row).unwrap_or_default();
        self.state
            .tables
            .entry(table.to_owned())
            .or_default()
            .insert(key, row);
    }

    /// The rows of `table` whose `column` is `value`, deleted by hand.
    pub(crate) fn delete_where(&mut self, table: &str, column: &str, value: &str) {
        if let Some(rows) = self.state.tables.get_mut(table) {
            rows.retain(|_, r| r.get(column).cloned().flatten().as_deref() != Some(value));
        }
    }

    /// Sets `column` of the rows of `table` whose `key_column` is `key`, by hand.
    pub(crate) fn edit(
        &mut self,
        table: &str,
        key_column: &str,
        key: &str,
        column: &str,
        to: &str,
    ) {
        for row in self.state.tables.get_mut(table).into_iter().flatten() {
            if row.1.get(key_column).cloned().flatten().as_deref() == Some(key) {
                row.1.insert(column.to_owned(), Some(to.to_owned()));
            }
        }
    }

    /// Per streamed unit, in order, the tables the policy chose to build after the load.
    pub(crate) fn built_after(&self) -> &[(String, BTreeSet<String>)] {
        &self.built_after
    }

    /// The values of `column` in `table`, sorted.
    pub(crate) fn column(&self, table: &str, column: &str) -> Vec<Option<String>> {
        let mut values: Vec<Option<String>> = self
            .state
            .tables
            .get(table)
            .into_iter()
            .flat_map(|rows| rows.values())
            .map(|r| r.get(column).cloned().flatten())
            .collect();
        values.sort();
        values
    }

    /// How many rows the ledger records, over all units.
    pub(crate) fn recorded_rows(&self) -> usize {
        self.state.ledger.as_ref().map_or(0, |l| l.rows.len())
    }
}

/// A row's key: its primary key columns' values.
fn key_of(catalog: &Catalog, table: &str, row: &MemoryRow) -> Result<String, Error> {
    let info = catalog.table(table)?;
    let mut parts = Vec::new();
    for (column, _) in &info.primary_key {
        match row.get(column).cloned().flatten() {
            Some(value) => parts.push(value),
            None => {
                return Err(Error::Apply(ApplyError::KeyColumnOmitted {
                    table: table.into(),
                    column: column.clone(),
                }));
            }
        }
    }
    Ok(parts.join("\u{1f}"))
}

/// A row of `meta`, as the engine keeps it.
fn memory_row(meta: &TableMeta, row: &Row) -> MemoryRow {
    meta.column_names(&row.columns)
        .into_iter()
        .zip(&row.values)
        .map(|(c, v)| (c.to_owned(), v.to_pg_text()))
        .collect()
}

/// Whether a row recorded by `unit` under `generation` is one of `which`.
fn holds(which: Recorded<'_>, unit: &str, generation: i64) -> bool {
    match which {
        Recorded::Units(units) => units.iter().any(|u| u == unit),
        Recorded::Stale {
            unit: stale,
            generation: before,
        } => stale == unit && generation < before,
    }
}

/// Whether a row recorded by `unit` is of the units of `which` (not other data).
fn owned_by(which: Recorded<'_>, unit: &str) -> bool {
    match which {
        Recorded::Units(units) => units.iter().any(|u| u == unit),
        Recorded::Stale { unit: stale, .. } => stale == unit,
    }
}

fn values(row: &MemoryRow, columns: &[String]) -> Option<Vec<String>> {
    columns
        .iter()
        .map(|c| row.get(c).cloned().flatten())
        .collect()
}

impl Memory {
    /// Refuses a write that would last outside the seed-run lock (a rehearsal undoes its own).
    fn may_write(&self, what: &str) -> Result<(), Error> {
        if self.commits && !self.locked {
            return Err(refused(format!("{what} outside the seed-run lock")));
        }
        Ok(())
    }
}

impl Engine for Memory {
    type Tx<'a> = MemoryTx<'a>;
    type Rehearsal<'a> = Memory;

    fn commits(&self) -> bool {
        self.commits
    }

    async fn lock_runs(&mut self) -> Result<(), Error> {
        if self.locked {
            return Err(refused("the seed-run lock taken twice"));
        }
        self.locked = true;
        Ok(())
    }

    async fn unlock_runs(&mut self) -> Result<(), Error> {
        if !self.locked {
            return Err(refused("the seed-run lock released without being held"));
        }
        self.locked = false;
        Ok(())
    }

    async fn drop_schema(&mut self) -> Result<(), Error> {
        self.may_write("dropping the schema")?;
        self.state = State::default();
        // The sequences are dropped with their tables.
        self.sequences.clear();
        Ok(())
    }

    async fn catalog(&mut self) -> Result<Arc<Catalog>, Error> {
        Ok(Arc::clone(&self.catalog))
    }

    async fn ensure_ledger(&mut self) -> Result<(), Error> {
        if self.state.ledger.is_none() {
            self.may_write("creating the ledger")?;
        }
        self.state.ledger.get_or_insert_with(Ledger::default);
        Ok(())
    }

    async fn ledger_exists(&mut self) -> Result<bool, Error> {
        Ok(self.state.ledger.is_some())
    }

    async fn entries(&mut self) -> Result<HashMap<String, Entry>, Error> {
        Ok(self
            .state
            .ledger
            .as_ref()
            .map(|l| l.entries.clone())
            .unwrap_or_default())
    }

    async fn stamp(&mut self) -> Result<Option<String>, Error> {
        Ok(self.state.ledger.as_ref().and_then(|l| l.stamp.clone()))
    }

    async fn set_stamp(&mut self, environment: &str) -> Result<(), Error> {
        self.may_write("stamping the database")?;
        let ledger = self
            .state
            .ledger
            .as_mut()
            .ok_or_else(|| refused("no ledger to stamp"))?;
        ledger.stamp = Some(environment.to_owned());
        Ok(())
    }

    async fn compare(&mut self, entry: &Entry) -> Result<Comparison, Error> {
        let mut comparison = Comparison::default();
        for (table, kept) in entry.digests.iter().flat_map(|d| d.0.iter()) {
            let now = digest(&self.state, &entry.unit, table);
            if now.rows < kept.rows {
                comparison.missing += (kept.rows - now.rows) as u64;
            } else if now.digest != kept.digest {
                comparison.edited.push(table.clone());
            }
        }
        Ok(comparison)
    }

    async fn changes(
        &mut self,
        unit: &str,
        tables: &[TableRowsBuilt],
    ) -> Result<Vec<TableChanges>, Error> {
        // Rows of tables whose keys are generated are matched by identity, the others by key.
        let recorded: BTreeSet<(&str, &str)> = match &self.state.ledger {
            Some(ledger) => ledger
                .rows
                .keys()
                .filter(|(u, _, _)| u == unit)
                .map(|row| {
                    let identity = ledger.identities.get(row).unwrap_or(&row.2);
                    (row.1.as_str(), identity.as_str())
                })
                .collect(),
            None => BTreeSet::new(),
        };
        let mut changes = Vec::new();
        for table in tables {
            let name = table.meta.name;
            let mut anonymous = 0..;
            let keys = table
                .rows
                .iter()
                .map(|row| match (table.meta.generated_key, row.label) {
                    (Some(_), Some(label)) => Ok(label.to_owned()),
                    (Some(_), None) => Ok(format!("#{}", anonymous.next().unwrap_or_default())),
                    (None, _) => key_of(&self.catalog, name, &memory_row(table.meta, row)),
                })
                .collect::<Result<BTreeSet<String>, Error>>()?;
            let kept = keys
                .iter()
                .filter(|k| recorded.contains(&(name, k.as_str())))
                .count();
            let gone = recorded
                .iter()
                .filter(|(t, k)| *t == name && !keys.contains(*k))
                .count();
            changes.push(TableChanges {
                table: name.to_owned(),
                new: (table.rows.len() - kept) as u64,
                kept: kept as u64,
                gone: gone as u64,
            });
        }
        let others: BTreeSet<&str> = recorded
            .iter()
            .map(|(t, _)| *t)
            .filter(|t| !tables.iter().any(|b| b.meta.name == *t))
            .collect();
        for table in others {
            changes.push(TableChanges {
                table: table.to_owned(),
                gone: recorded.iter().filter(|(t, _)| *t == table).count() as u64,
                ..TableChanges::default()
            });
        }
        Ok(changes)
    }

    async fn begin(&mut self) -> Result<MemoryTx<'_>, Error> {
        self.may_write("a transaction")?;
        let before = self.state.clone();
        Ok(MemoryTx {
            engine: self,
            before: Some(before),
        })
    }

    async fn begin_unit(&mut self) -> Result<MemoryTx<'_>, Error> {
        self.begin().await
    }

    async fn rehearse<T>(&mut self, work: impl AsyncFnOnce(&mut Memory) -> T) -> Result<T, Error> {
        let (before, commits) = (self.state.clone(), self.commits);
        self.commits = false;
        let out = work(self).await;
        (self.state, self.commits) = (before, commits);
        Ok(out)
    }
}

/// The digest of the rows `unit` recorded in `table`: their count and their sorted text.
fn digest(state: &State, unit: &str, table: &str) -> TableDigest {
    let keys: BTreeSet<&String> = state
        .ledger
        .iter()
        .flat_map(|l| l.rows.keys())
        .filter(|(u, t, _)| u == unit && t == table)
        .map(|(_, _, k)| k)
        .collect();
    let rows: Vec<String> = state
        .tables
        .get(table)
        .into_iter()
        .flatten()
        .filter(|(k, _)| keys.contains(k))
        .map(|(_, r)| format!("{r:?}"))
        .collect();
    TableDigest {
        columns: Vec::new(),
        rows: rows.len() as i64,
        digest: rows.join("\n"),
        defaults: None,
    }
}

/// A transaction: the state as it was at its start comes back unless it commits.
pub(crate) struct MemoryTx<'a> {
    engine: &'a mut Memory,
    before: Option<State>,
}

impl Drop for MemoryTx<'_> {
    fn drop(&mut self) {
        if let Some(before) = self.before.take() {
            self.engine.state = before;
        }
    }
}

impl MemoryTx<'_> {
    fn ledger(&mut self) -> Result<&mut Ledger, Error> {
        self.engine
            .state
            .ledger
            .as_mut()
            .ok_or_else(|| refused("no ledger"))
    }

    /// The keys of `table`'s rows that `which` are.
    fn keys_of(&self, table: &str, which: Recorded<'_>) -> BTreeSet<String> {
        self.engine
            .state
            .ledger
            .iter()
            .flat_map(|l| l.rows.iter())
            .filter(|((u, t, _), g)| t == table && holds(which, u, **g))
            .map(|((_, _, k), _)| k.clone())
            .collect()
    }

    /// The keys of the rows `fk`'s table has pointing at rows of `which`.
    fn referencing(&self, fk: &ForeignKey, which: Recorded<'_>, others_only: bool) -> Vec<String> {
        let state = &self.engine.state;
        let targets: BTreeSet<Vec<String>> = {
            let keys = self.keys_of(&fk.ref_table, which);
            state
                .tables
                .get(&fk.ref_table)
                .into_iter()
                .flatten()
                .filter(|(k, _)| keys.contains(*k))
                .filter_map(|(_, r)| values(r, &fk.ref_columns))
                .collect()
        };
        let own: BTreeSet<&String> = state
            .ledger
            .iter()
            .flat_map(|l| l.rows.keys())
            .filter(|(u, t, _)| *t == fk.table && owned_by(which, u))
            .map(|(_, _, k)| k)
            .collect();
        state
            .tables
            .get(&fk.table)
            .into_iter()
            .flatten()
            .filter(|(_, r)| values(r, &fk.columns).is_some_and(|v| targets.contains(&v)))
            .filter(|(k, _)| !(others_only && own.contains(k)))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Deletes rows of `table` by key, with what their foreign keys' `ON DELETE` does.
    fn delete_rows(&mut self, table: &str, keys: &BTreeSet<String>) -> u64 {
        let Some(rows) = self.engine.state.tables.get_mut(table) else {
            return 0;
        };
        let gone: Vec<MemoryRow> = keys.iter().filter_map(|k| rows.remove(k)).collect();
        let catalog = Arc::clone(&self.engine.catalog);
        for fk in catalog
            .foreign_keys
            .iter()
            .filter(|fk| fk.ref_table == table)
        {
            let targets: BTreeSet<Vec<String>> = gone
                .iter()
                .filter_map(|r| values(r, &fk.ref_columns))
                .collect();
            let Some(referencing) = self.engine.state.tables.get_mut(&fk.table) else {
                continue;
            };
            let pointing: BTreeSet<String> = referencing
                .iter()
                .filter(|(_, r)| values(r, &fk.columns).is_some_and(|v| targets.contains(&v)))
                .map(|(k, _)| k.clone())
                .collect();
            if fk.cascades() {
                self.delete_rows(&fk.table.clone(), &pointing);
            } else if fk.sets_on_delete() {
                for key in &pointing {
                    if let Some(row) = referencing.get_mut(key) {
                        for column in &fk.columns {
                            row.insert(column.clone(), None);
                        }
                    }
                }
            }
        }
        gone.len() as u64
    }

    /// Every foreign key holds, as PostgreSQL checks at commit (or, undeferred, at once).
    fn check_foreign_keys(&self) -> Result<(), Error> {
        let state = &self.engine.state;
        for fk in &self.engine.catalog.foreign_keys {
            let targets: BTreeSet<Vec<String>> = state
                .tables
                .get(&fk.ref_table)
                .into_iter()
                .flatten()
                .filter_map(|(_, r)| values(r, &fk.ref_columns))
                .collect();
            let dangling = state
                .tables
                .get(&fk.table)
                .into_iter()
                .flatten()
                .filter_map(|(_, r)| values(r, &fk.columns))
                .any(|v| !targets.contains(&v));
            if dangling {
                return Err(refused(format!(
                    "insert or update on table \"{}\" violates foreign key constraint \"{}\"",
                    fk.table, fk.name
                )));
            }
        }
        Ok(())
    }

    fn record_key(
        &mut self,
        unit: &str,
        table: &str,
        (key, identity): (String, Option<&String>),
        generation: i64,
    ) -> Result<(), Error> {
        let ledger = self.ledger()?;
        let recorded = (unit.to_owned(), table.to_owned(), key);
        match identity {
            Some(identity) => ledger.identities.insert(recorded.clone(), identity.clone()),
            None => ledger.identities.remove(&recorded),
        };
        ledger.rows.insert(recorded, generation);
        Ok(())
    }

    /// `(table, identity, key)` of the rows of generated-key tables `unit` recorded.
    fn identities_of(&self, unit: &str) -> Vec<(String, String, String)> {
        self.engine
            .state
            .ledger
            .iter()
            .flat_map(|l| l.identities.iter())
            .filter(|((u, _, _), _)| u == unit)
            .map(|((_, t, k), identity)| (t.clone(), identity.clone(), k.clone()))
            .collect()
    }
}

impl KeySource for MemoryTx<'_> {
    async fn draw_keys(&mut self, table: &str, column: &str, n: usize) -> Result<Vec<i64>, Error> {
        let last = self
            .engine
            .sequences
            .entry(format!("{table}.{column}"))
            .or_insert(0);
        let first = *last + 1;
        *last += n as i64;
        Ok((first..=*last).collect())
    }

    async fn recorded_identities(
        &mut self,
        unit: &str,
    ) -> Result<Vec<(String, String, String)>, Error> {
        Ok(self.identities_of(unit))
    }

    async fn labelled_keys(
        &mut self,
        unit: &str,
        table: &str,
    ) -> Result<Vec<(String, String)>, Error> {
        Ok(self
            .identities_of(unit)
            .into_iter()
            .filter(|(t, identity, _)| t == table && !identity.starts_with('#'))
            .map(|(_, identity, key)| (identity, key))
            .collect())
    }
}

impl Transaction for MemoryTx<'_> {
    async fn recorded_tables(&mut self, which: Recorded<'_>) -> Result<Vec<String>, Error> {
        let tables: BTreeSet<String> = self
            .engine
            .state
            .ledger
            .iter()
            .flat_map(|l| l.rows.iter())
            .filter(|((u, _, _), g)| holds(which, u, **g))
            .map(|((_, t, _), _)| t.clone())
            .collect();
        Ok(tables.into_iter().collect())
    }

    async fn lock_tables(&mut self, _tables: &[&str]) -> Result<(), Error> {
        Ok(())
    }

    async fn count_rows(&mut self, table: &str) -> Result<i64, Error> {
        Ok(self.engine.state.tables.get(table).map_or(0, |r| r.len()) as i64)
    }

    async fn is_empty(&mut self, table: &str) -> Result<bool, Error> {
        Ok(self.count_rows(table).await? == 0)
    }

    async fn rows_up_to(&mut self, table: &str, limit: u64) -> Result<u64, Error> {
        Ok((self.count_rows(table).await? as u64).min(limit))
    }

    async fn count_recorded(&mut self, table: &str, unit: &str) -> Result<i64, Error> {
        let units = [unit.to_owned()];
        let keys = self.keys_of(table, Recorded::Units(&units));
        let rows = self.engine.state.tables.get(table);
        Ok(keys
            .iter()
            .filter(|k| rows.is_some_and(|r| r.contains_key(*k)))
            .count() as i64)
    }

    async fn count_referencing(
        &mut self,
        fk: &ForeignKey,
        which: Recorded<'_>,
        others_only: bool,
    ) -> Result<i64, Error> {
        Ok(self.referencing(fk, which, others_only).len() as i64)
    }

    async fn delete_referencing(
        &mut self,
        fk: &ForeignKey,
        which: Recorded<'_>,
        others_only: bool,
    ) -> Result<u64, Error> {
        let keys: BTreeSet<String> = self
            .referencing(fk, which, others_only)
            .into_iter()
            .collect();
        Ok(self.delete_rows(&fk.table, &keys))
    }

    async fn delete_recorded(&mut self, table: &str, which: Recorded<'_>) -> Result<u64, Error> {
        let keys = self.keys_of(table, which);
        Ok(self.delete_rows(table, &keys))
    }

    async fn truncate(&mut self, tables: &[&str]) -> Result<(), Error> {
        for fk in &self.engine.catalog.foreign_keys {
            if tables.contains(&fk.ref_table.as_str()) && !tables.contains(&fk.table.as_str()) {
                return Err(refused(format!(
                    "cannot truncate a table referenced in a foreign key constraint: {} references {}",
                    fk.table, fk.ref_table
                )));
            }
        }
        for table in tables {
            if let Some(rows) = self.engine.state.tables.get_mut(*table) {
                rows.clear();
            }
        }
        Ok(())
    }

    async fn forget(&mut self, which: Recorded<'_>) -> Result<(), Error> {
        let ledger = self.ledger()?;
        ledger.rows.retain(|(u, _, _), g| !holds(which, u, *g));
        let rows = &ledger.rows;
        ledger.identities.retain(|k, _| rows.contains_key(k));
        if let Recorded::Units(units) = which {
            ledger.entries.retain(|u, _| !units.contains(u));
        }
        Ok(())
    }

    async fn upsert(
        &mut self,
        unit: &'static Unit,
        tables: Vec<TableRowsBuilt>,
        generation: i64,
        reset: &[&str],
    ) -> Result<Upserted, Error> {
        let catalog = Arc::clone(&self.engine.catalog);
        let mut upserted = Upserted::default();
        for table in &tables {
            let name = table.meta.name;
            let mut report = TableReport {
                table: name.to_owned(),
                ..TableReport::default()
            };
            for at in 0..table.rows.len() {
                let mut row = memory_row(table.meta, &table.rows[at]);
                let key = key_of(&catalog, name, &row)?;
                let rows = self.engine.state.tables.entry(name.to_owned()).or_default();
                // Not reset, the columns the row leaves out keep what they hold.
                if let Some(existing) = rows.get(&key).filter(|_| !reset.contains(&name)) {
                    for (column, value) in existing {
                        row.entry(column.clone()).or_insert_with(|| value.clone());
                    }
                }
                match rows.get(&key) {
                    None => report.inserted += 1,
                    Some(existing) if *existing != row => report.updated += 1,
                    Some(_) => report.unchanged += 1,
                }
                rows.insert(key.clone(), row);
                let identity = table.identities.as_ref().and_then(|ids| ids.get(at));
                self.record_key(unit.name, name, (key, identity), generation)?;
            }
            upserted.reports.insert(name.to_owned(), report);
            let written = digest(&self.engine.state, unit.name, name);
            upserted.digests.insert(name.to_owned(), written);
        }
        Ok(upserted)
    }

    async fn bulk_load(
        &mut self,
        unit: &'static Unit,
        context: &Context,
        generation: i64,
        build_after: &BTreeSet<String>,
        keys: &mut GeneratedKeys,
    ) -> Result<(Vec<TableReport>, String), Error> {
        // Keys are checked row by row either way: the choice is only recorded.
        self.engine
            .built_after
            .push((unit.name.to_owned(), build_after.clone()));
        let (tables, checksum) = build(unit, context)?;
        let catalog = Arc::clone(&self.engine.catalog);
        for table in &tables {
            keys.add_table(table.meta);
        }
        let names: Vec<&str> = tables.iter().map(|t| t.meta.name).collect();
        let mut reports = Vec::new();
        for name in catalog.insert_order(&names) {
            let Some(table) = tables.iter().find(|t| t.meta.name == name) else {
                continue;
            };
            let meta = table.meta;
            // Keyed row by row as they stream, reading what a row needs when it needs it.
            for (at, row) in table.rows.iter().enumerate() {
                let mut row = row.clone();
                while let Some(missing) = keys.missing(meta, &row) {
                    let remaining = table.rows.len() - at;
                    keys.fetch(self, missing, name, (remaining, Some(remaining)))
                        .await?;
                }
                let identity = keys.assign(meta, &mut row)?;
                keys.resolve(meta, &mut row)?;
                let row = memory_row(meta, &row);
                let key = key_of(&catalog, name, &row)?;
                let rows = self.engine.state.tables.entry(name.to_owned()).or_default();
                if rows.insert(key.clone(), row).is_some() {
                    return Err(refused(format!(
                        "duplicate key value violates unique constraint on \"{name}\""
                    )));
                }
                self.record_key(unit.name, name, (key, identity.as_ref()), generation)?;
            }
            reports.push(TableReport {
                table: name.to_owned(),
                inserted: table.rows.len() as u64,
                ..TableReport::default()
            });
        }
        Ok((reports, checksum))
    }

    async fn digests(
        &mut self,
        unit: &str,
        tables: &[(&str, u64)],
    ) -> Result<BTreeMap<String, TableDigest>, Error> {
        Ok(tables
            .iter()
            .map(|(t, _)| ((*t).to_owned(), digest(&self.engine.state, unit, t)))
            .collect())
    }

    async fn record(&mut self, entry: &Record<'_>) -> Result<(), Error> {
        let entry = Entry {
            unit: entry.unit.to_owned(),
            kind: entry.kind.clone(),
            checksum: entry.checksum.to_owned(),
            environment: entry.environment.to_owned(),
            applied_at: chrono::Utc::now(),
            rows: entry.rows,
            duration_ms: entry.duration_ms,
            tool_version: "memory".into(),
            schema_version: entry.schema_version,
            generation: entry.generation,
            context: entry.context.clone(),
            digests: entry.digests.map(|d| sqlx::types::Json(d.clone())),
        };
        self.ledger()?.entries.insert(entry.unit.clone(), entry);
        Ok(())
    }

    async fn set_digests(
        &mut self,
        unit: &str,
        digests: &BTreeMap<String, TableDigest>,
    ) -> Result<(), Error> {
        if let Some(entry) = self.ledger()?.entries.get_mut(unit) {
            entry.digests = Some(sqlx::types::Json(digests.clone()));
        }
        Ok(())
    }

    async fn commit(mut self, _what: &str) -> Result<(), Error> {
        self.check_foreign_keys()?;
        self.before = None;
        Ok(())
    }
}
