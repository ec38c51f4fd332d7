//! The seam between seedbed's policy and a database engine.
//!
//! `run/` decides (which units are skipped, updated or restored, what a cleanup truncates,
//! deletes or refuses, which guard holds) and calls the operations below; an engine carries
//! them out in its own SQL. PostgreSQL (`postgres/`) is the engine there is; `memory` is an
//! engine in a few hash maps, for testing the policy without a server.

pub mod catalog;
pub mod ledger;
#[cfg(test)]
pub(crate) mod memory;
pub mod postgres;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::Error;
use crate::plan::Unit;
use crate::plan::context::Context;
use crate::run::build::TableRowsBuilt;
use crate::run::keys::{GeneratedKeys, KeySource};
use crate::run::report::TableReport;
use catalog::{Catalog, ForeignKey};
use ledger::{Entry, Record, TableChanges, TableDigest};

/// Which rows recorded in the ledger an operation is about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Recorded<'a> {
    /// Every row these units recorded: what a cleanup removes.
    Units(&'a [String]),
    /// The rows `unit` recorded under a generation before `generation`: what an update of its
    /// definition removes.
    Stale { unit: &'a str, generation: i64 },
}

/// What an upsert wrote, per table: its report, and the digest of the rows it inserted or
/// updated, which is the digest of all the unit's rows there when none was unchanged.
#[derive(Debug, Default)]
pub(crate) struct Upserted {
    pub reports: BTreeMap<String, TableReport>,
    pub digests: BTreeMap<String, TableDigest>,
}

/// The rows of a unit with loops that the database holds now, against what the ledger kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Rows gone since the unit was written.
    pub missing: u64,
    /// Tables whose rows are all there but not as written (edited by hand).
    pub edited: Vec<String>,
}

impl Comparison {
    /// Nothing missing, nothing edited.
    pub fn is_clean(&self) -> bool {
        self.missing == 0 && self.edited.is_empty()
    }
}

/// A connection to a database, outside any unit's transaction.
pub(crate) trait Engine {
    /// A transaction of this engine.
    type Tx<'a>: Transaction
    where
        Self: 'a;
    /// The engine [`Engine::rehearse`] hands its work: every write it makes is undone.
    type Rehearsal<'a>: Engine;

    /// Whether a commit here lasts: `false` inside an outer transaction that will be rolled
    /// back (a dry run, the drift check of `--status`).
    fn commits(&self) -> bool;
    /// Takes the seed-run lock, waiting for a run that holds it: every command that writes
    /// seeds or drops them holds it while it does (see [`crate::run::under_lock`]).
    async fn lock_runs(&mut self) -> Result<(), Error>;
    /// Releases the seed-run lock.
    async fn unlock_runs(&mut self) -> Result<(), Error>;
    /// Drops every table of the seeded schema, and the ledger with them (`--reset`, which
    /// migrates again afterwards).
    async fn drop_schema(&mut self) -> Result<(), Error>;
    /// The live tables, keys and foreign keys, read once.
    async fn catalog(&mut self) -> Result<Arc<Catalog>, Error>;
    /// Creates the ledger, or brings an older one up to date; a damaged one is an error.
    async fn ensure_ledger(&mut self) -> Result<(), Error>;
    /// Whether there is a ledger; a damaged one is an error.
    async fn ledger_exists(&mut self) -> Result<bool, Error>;
    /// Every applied unit, by name.
    async fn entries(&mut self) -> Result<HashMap<String, Entry>, Error>;
    /// The environment the database is stamped with.
    async fn stamp(&mut self) -> Result<Option<String>, Error>;
    /// Stamps the database with `environment`.
    async fn set_stamp(&mut self, environment: &str) -> Result<(), Error>;
    /// The rows of a unit with loops now, against what `entry` recorded of them.
    async fn compare(&mut self, entry: &Entry) -> Result<Comparison, Error>;
    /// What writing `tables` (a unit's rows, built) would change, per table, read from the
    /// ledger and the catalog alone; tables the ledger holds rows of `unit` in and `tables` no
    /// longer has come last, every row gone. Writes nothing.
    async fn changes(
        &mut self,
        unit: &str,
        tables: &[TableRowsBuilt],
    ) -> Result<Vec<TableChanges>, Error>;
    /// A transaction for cleanup.
    async fn begin(&mut self) -> Result<Self::Tx<'_>, Error>;
    /// A transaction for writing a unit, deferrable constraints deferred to its commit.
    async fn begin_unit(&mut self) -> Result<Self::Tx<'_>, Error>;
    /// Runs `work` and then undoes everything it wrote, its commits included: the dry run, and
    /// the drift check of `--status`, which writes the units again to see what would change.
    async fn rehearse<T>(
        &mut self,
        work: impl AsyncFnOnce(&mut Self::Rehearsal<'_>) -> T,
    ) -> Result<T, Error>;
}

/// One transaction: what it changes is there after [`Transaction::commit`], and gone when it is
/// dropped without one.
pub(crate) trait Transaction: KeySource {
    /// The tables holding rows of `which`.
    async fn recorded_tables(&mut self, which: Recorded<'_>) -> Result<Vec<String>, Error>;
    /// Locks `tables` against writes by others until the end of the transaction.
    async fn lock_tables(&mut self, tables: &[&str]) -> Result<(), Error>;
    /// Every row of `table`.
    async fn count_rows(&mut self, table: &str) -> Result<i64, Error>;
    /// Whether `table` holds no row.
    async fn is_empty(&mut self, table: &str) -> Result<bool, Error>;
    /// The rows of `table`, counted up to `limit`: what it holds when that is fewer.
    async fn rows_up_to(&mut self, table: &str, limit: u64) -> Result<u64, Error>;
    /// The rows of `table` that `unit` recorded and the table still holds.
    async fn count_recorded(&mut self, table: &str, unit: &str) -> Result<i64, Error>;
    /// Rows of `fk`'s table pointing at rows of `which` in its referenced table; with
    /// `others_only`, not counting rows that the same units recorded themselves.
    async fn count_referencing(
        &mut self,
        fk: &ForeignKey,
        which: Recorded<'_>,
        others_only: bool,
    ) -> Result<i64, Error>;
    /// Deletes the rows [`Transaction::count_referencing`] counts.
    async fn delete_referencing(
        &mut self,
        fk: &ForeignKey,
        which: Recorded<'_>,
        others_only: bool,
    ) -> Result<u64, Error>;
    /// Deletes the rows of `table` that `which` are; the ledger still records them.
    async fn delete_recorded(&mut self, table: &str, which: Recorded<'_>) -> Result<u64, Error>;
    /// Empties `tables` at once.
    async fn truncate(&mut self, tables: &[&str]) -> Result<(), Error>;
    /// Forgets the rows of `which` in the ledger (and, for units, their entries).
    async fn forget(&mut self, which: Recorded<'_>) -> Result<(), Error>;
    /// Inserts or updates the built rows of `unit`, keyed ([`GeneratedKeys::key_tables`]), and
    /// records their keys (and identities) under `generation`; per table, what was inserted,
    /// updated and left as it was. In the tables `reset` names, the columns a row leaves out
    /// are set to their defaults (or NULL) on update too; in the others they keep what they
    /// hold.
    async fn upsert(
        &mut self,
        unit: &'static Unit,
        tables: Vec<TableRowsBuilt>,
        generation: i64,
        reset: &[&str],
    ) -> Result<Upserted, Error>;
    /// Streams the rows `unit` generates under `context` into its tables (empty of them), keyed
    /// by `keys` as they go, and records their keys under `generation`; per table what went in,
    /// and the checksum. The tables of `build_after` may be loaded without their keys and
    /// indexes and have them built after the rows are in (an engine that cannot loads them as
    /// the others); the transaction ends with the same keys, indexes and constraints either
    /// way.
    async fn bulk_load(
        &mut self,
        unit: &'static Unit,
        context: &Context,
        generation: i64,
        build_after: &BTreeSet<String>,
        keys: &mut GeneratedKeys,
    ) -> Result<(Vec<TableReport>, String), Error>;
    /// Digests of the rows `unit` recorded in `tables`, for [`Engine::compare`] later; each
    /// table comes with how many rows of the unit it holds.
    async fn digests(
        &mut self,
        unit: &str,
        tables: &[(&str, u64)],
    ) -> Result<BTreeMap<String, TableDigest>, Error>;
    /// Records (or replaces) a unit's ledger entry.
    async fn record(&mut self, entry: &Record<'_>) -> Result<(), Error>;
    /// Replaces the digests of `unit`'s entry, and nothing else of it: its rows are as the
    /// definition has them, though no longer as committed (a trigger touched them since).
    async fn set_digests(
        &mut self,
        unit: &str,
        digests: &BTreeMap<String, TableDigest>,
    ) -> Result<(), Error>;
    /// Makes the transaction's changes last; `what` names them in an error (`unit \`x\``).
    async fn commit(self, what: &str) -> Result<(), Error>;
}
