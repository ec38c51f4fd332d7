//! PostgreSQL: the [`Engine`] over a connection, and beside it reading the catalog, the
//! ledger's tables and statements, upserts, `COPY`, keys the database generates, digests,
//! connecting, the throwaway local cluster, and the schema snapshot read from `pg_catalog`.

pub mod backup;
pub mod catalog;
pub mod connect;
pub(crate) mod copy;
pub mod digest;
pub mod error;
pub(crate) mod keys;
pub mod ledger;
pub mod local_cluster;
pub(crate) mod lock;
pub(crate) mod rebuild;
pub(crate) mod row_error;
pub mod snapshot;
pub mod sql;
pub(crate) mod upsert;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use sqlx::postgres::PgArguments;
use sqlx::{Arguments, Connection, PgConnection};

use crate::Error;
use crate::engine::catalog::{Catalog, ForeignKey};
use crate::engine::ledger::{Entry, Record, TableChanges, TableDigest};
use crate::engine::{Comparison, Engine, Recorded, Transaction, Upserted};
use crate::plan::Unit;
use crate::plan::context::Context;
use crate::run::build::TableRowsBuilt;
use crate::run::keys::{GeneratedKeys, KeySource};
use crate::run::report::TableReport;
use sql::ident;

/// PostgreSQL as seedbed's engine, over a connection.
pub(crate) struct PgEngine<'c> {
    conn: &'c mut PgConnection,
    catalog: Option<Arc<Catalog>>,
    /// Whether there is a ledger, once checked in this command: the commands that create or
    /// drop it hold the seed-run lock, and `drop_schema` forgets it.
    ledger: Option<bool>,
    commits: bool,
    /// Whether this run said already that tables could not be loaded bare.
    bare_refused: bool,
}

impl<'c> PgEngine<'c> {
    pub(crate) fn new(conn: &'c mut PgConnection) -> PgEngine<'c> {
        let commits = !conn.is_in_transaction();
        PgEngine {
            conn,
            catalog: None,
            ledger: None,
            commits,
            bare_refused: false,
        }
    }
}

impl Engine for PgEngine<'_> {
    type Tx<'a>
        = PgTransaction<'a>
    where
        Self: 'a;
    type Rehearsal<'a> = PgEngine<'a>;

    fn commits(&self) -> bool {
        self.commits
    }

    async fn lock_runs(&mut self) -> Result<(), Error> {
        lock::lock(self.conn).await
    }

    async fn unlock_runs(&mut self) -> Result<(), Error> {
        lock::unlock(self.conn).await
    }

    async fn drop_schema(&mut self) -> Result<(), Error> {
        self.catalog = None;
        sqlx::raw_sql(
            "DROP SCHEMA IF EXISTS seedbed CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public;
             GRANT ALL ON SCHEMA public TO public;",
        )
        .execute(&mut *self.conn)
        .await
        .map_err(|e| Error::database("dropping the database's schema", &e))?;
        (self.catalog, self.ledger) = (None, None);
        Ok(())
    }

    async fn catalog(&mut self) -> Result<Arc<Catalog>, Error> {
        if let Some(catalog) = &self.catalog {
            return Ok(Arc::clone(catalog));
        }
        let catalog = Arc::new(catalog::load(self.conn).await?);
        self.catalog = Some(Arc::clone(&catalog));
        Ok(catalog)
    }

    async fn ensure_ledger(&mut self) -> Result<(), Error> {
        ledger::ensure(self.conn).await?;
        self.ledger = Some(true);
        Ok(())
    }

    async fn ledger_exists(&mut self) -> Result<bool, Error> {
        if self.ledger.is_none() {
            self.ledger = Some(ledger::exists(self.conn).await?);
        }
        Ok(self.ledger == Some(true))
    }

    async fn entries(&mut self) -> Result<HashMap<String, Entry>, Error> {
        match self.ledger_exists().await? {
            true => ledger::read_entries(self.conn).await,
            false => Ok(HashMap::new()),
        }
    }

    async fn stamp(&mut self) -> Result<Option<String>, Error> {
        match self.ledger_exists().await? {
            true => ledger::read_stamp(self.conn).await,
            false => Ok(None),
        }
    }

    async fn set_stamp(&mut self, environment: &str) -> Result<(), Error> {
        ledger::set_stamp(self.conn, environment).await
    }

    async fn compare(&mut self, entry: &Entry) -> Result<Comparison, Error> {
        let catalog = self.catalog().await?;
        Ok(match &entry.digests {
            Some(kept) => digest::compare(self.conn, &catalog, &entry.unit, kept).await?,
            // A ledger older than digests: rows are counted.
            None => {
                let present = digest::rows_present(self.conn, &catalog, &entry.unit).await?;
                Comparison {
                    missing: entry.rows.saturating_sub(present).max(0) as u64,
                    ..Comparison::default()
                }
            }
        })
    }

    async fn changes(
        &mut self,
        unit: &str,
        tables: &[TableRowsBuilt],
    ) -> Result<Vec<TableChanges>, Error> {
        let catalog = self.catalog().await?;
        if !self.ledger_exists().await? {
            return Ok(tables
                .iter()
                .map(|t| TableChanges {
                    table: t.meta.name.to_owned(),
                    new: t.rows.len() as u64,
                    ..TableChanges::default()
                })
                .collect());
        }
        ledger::changes(self.conn, &catalog, unit, tables).await
    }

    async fn begin(&mut self) -> Result<PgTransaction<'_>, Error> {
        let catalog = self.catalog().await?;
        let tx = self
            .conn
            .begin()
            .await
            .map_err(|e| Error::database("starting a transaction", &e))?;
        Ok(PgTransaction {
            tx,
            catalog,
            bare_refused: &mut self.bare_refused,
        })
    }

    async fn begin_unit(&mut self) -> Result<PgTransaction<'_>, Error> {
        let mut tx = self.begin().await?;
        sqlx::query("SET CONSTRAINTS ALL DEFERRED")
            .execute(&mut *tx.tx)
            .await
            .map_err(|e| Error::database("deferring constraints", &e))?;
        Ok(tx)
    }

    /// `work` runs inside a transaction, where each unit's transaction is a savepoint; the
    /// transaction is rolled back at the end.
    async fn rehearse<T>(
        &mut self,
        work: impl AsyncFnOnce(&mut PgEngine<'_>) -> T,
    ) -> Result<T, Error> {
        let mut tx = self
            .conn
            .begin()
            .await
            .map_err(|e| Error::database("starting the rehearsal", &e))?;
        let out = work(&mut PgEngine::new(&mut tx)).await;
        tx.rollback()
            .await
            .map_err(|e| Error::database("rolling the rehearsal back", &e))?;
        Ok(out)
    }
}

/// A transaction of [`PgEngine`].
pub(crate) struct PgTransaction<'a> {
    tx: sqlx::Transaction<'a, sqlx::Postgres>,
    catalog: Arc<Catalog>,
    bare_refused: &'a mut bool,
}

impl PgTransaction<'_> {
    /// The condition on rows `r` of `fk`'s table that [`Transaction::count_referencing`] counts.
    fn referencing(
        &self,
        fk: &ForeignKey,
        which: Recorded<'_>,
        others_only: bool,
    ) -> Result<String, Error> {
        let target = self.catalog.table(&fk.ref_table)?;
        let columns: Vec<String> = fk
            .columns
            .iter()
            .map(|c| format!("r.{}", ident(c)))
            .collect();
        let (targets, own) = conditions(which);
        let mut condition = match which {
            // Through the ledger's keys into the referenced table's primary key index.
            Recorded::Units(_) => format!(
                "({}) IN ({})",
                columns.join(", "),
                target.seeded_columns(&fk.ref_table, &fk.ref_columns, targets)
            ),
            Recorded::Stale { .. } => {
                let referenced: Vec<String> = fk
                    .ref_columns
                    .iter()
                    .map(|c| format!("t.{}", ident(c)))
                    .collect();
                format!(
                    "({}) IN (SELECT {} FROM {} AS t WHERE {})",
                    columns.join(", "),
                    referenced.join(", "),
                    ident(&fk.ref_table),
                    target.recorded(&fk.ref_table, "t", targets),
                )
            }
        };
        let source = self.catalog.table(&fk.table)?;
        if others_only && !source.primary_key.is_empty() {
            condition.push_str(&format!(
                " AND NOT {}",
                source.recorded(&fk.table, "r", own)
            ));
        }
        Ok(condition)
    }
}

/// The ledger conditions of `which`: the rows it is, and the rows of the same units.
fn conditions(which: Recorded<'_>) -> (&'static str, &'static str) {
    match which {
        Recorded::Units(_) => ("unit = ANY($1)", "unit = ANY($1)"),
        Recorded::Stale { .. } => ("unit = $1 AND generation < $2", "unit = $1"),
    }
}

/// The parameters of [`conditions`].
fn arguments(which: Recorded<'_>) -> Result<PgArguments, Error> {
    let mut arguments = PgArguments::default();
    let added = match which {
        Recorded::Units(units) => arguments.add(units.to_vec()),
        Recorded::Stale { unit, generation } => arguments
            .add(unit.to_owned())
            .and_then(|()| arguments.add(generation)),
    };
    added.map_err(|e| Error::database("binding the units", &sqlx::Error::Encode(e)))?;
    Ok(arguments)
}

fn described(which: Recorded<'_>) -> String {
    match which {
        Recorded::Units(units) => units.join(", "),
        Recorded::Stale { unit, .. } => format!("`{unit}`"),
    }
}

impl KeySource for PgTransaction<'_> {
    async fn draw_keys(&mut self, table: &str, column: &str, n: usize) -> Result<Vec<i64>, Error> {
        self.tx.draw_keys(table, column, n).await
    }

    async fn recorded_identities(
        &mut self,
        unit: &str,
    ) -> Result<Vec<(String, String, String)>, Error> {
        self.tx.recorded_identities(unit).await
    }

    async fn labelled_keys(
        &mut self,
        unit: &str,
        table: &str,
    ) -> Result<Vec<(String, String)>, Error> {
        self.tx.labelled_keys(unit, table).await
    }
}

impl Transaction for PgTransaction<'_> {
    async fn recorded_tables(&mut self, which: Recorded<'_>) -> Result<Vec<String>, Error> {
        match which {
            Recorded::Units(units) => ledger::recorded_tables(&mut self.tx, units, None).await,
            Recorded::Stale { unit, generation } => {
                ledger::recorded_tables(&mut self.tx, &[unit.to_owned()], Some(generation)).await
            }
        }
    }

    async fn lock_tables(&mut self, tables: &[&str]) -> Result<(), Error> {
        let list: Vec<String> = tables.iter().map(|t| ident(t)).collect();
        sqlx::query(&format!("LOCK TABLE {} IN SHARE MODE", list.join(", ")))
            .execute(&mut *self.tx)
            .await
            .map_err(|e| Error::database("locking the tables to clean up", &e))?;
        Ok(())
    }

    async fn count_rows(&mut self, table: &str) -> Result<i64, Error> {
        sqlx::query_scalar(&format!("SELECT count(*) FROM {}", ident(table)))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| Error::database(format!("counting the rows of `{table}`"), &e))
    }

    async fn is_empty(&mut self, table: &str) -> Result<bool, Error> {
        sqlx::query_scalar(&format!("SELECT NOT EXISTS (SELECT FROM {})", ident(table)))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| Error::database(format!("counting the rows of `{table}`"), &e))
    }

    async fn rows_up_to(&mut self, table: &str, limit: u64) -> Result<u64, Error> {
        let sql = format!(
            "SELECT count(*) FROM (SELECT FROM {} LIMIT $1) AS s",
            ident(table)
        );
        let rows: i64 = sqlx::query_scalar(&sql)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| Error::database(format!("counting the rows of `{table}`"), &e))?;
        Ok(rows as u64)
    }

    async fn count_recorded(&mut self, table: &str, unit: &str) -> Result<i64, Error> {
        let info = self.catalog.table(table)?;
        let key: Vec<String> = info.primary_key.iter().map(|(c, _)| c.clone()).collect();
        let sql = format!(
            "SELECT count(*) FROM ({}) AS s",
            info.seeded_columns(table, &key, "unit = $1")
        );
        sqlx::query_scalar(&sql)
            .bind(unit)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| Error::database(format!("counting the seeded rows of `{table}`"), &e))
    }

    async fn count_referencing(
        &mut self,
        fk: &ForeignKey,
        which: Recorded<'_>,
        others_only: bool,
    ) -> Result<i64, Error> {
        let sql = format!(
            "SELECT count(*) FROM {} AS r WHERE {}",
            ident(&fk.table),
            self.referencing(fk, which, others_only)?
        );
        sqlx::query_scalar_with(&sql, arguments(which)?)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| {
                Error::database(
                    format!("counting rows of `{}` that point at seeded rows", fk.table),
                    &e,
                )
            })
    }

    async fn delete_referencing(
        &mut self,
        fk: &ForeignKey,
        which: Recorded<'_>,
        others_only: bool,
    ) -> Result<u64, Error> {
        let sql = format!(
            "DELETE FROM {} AS r WHERE {}",
            ident(&fk.table),
            self.referencing(fk, which, others_only)?
        );
        let done = sqlx::query_with(&sql, arguments(which)?)
            .execute(&mut *self.tx)
            .await
            .map_err(|e| {
                Error::database(format!("removing rows of `{}` (cascade)", fk.table), &e)
            })?;
        Ok(done.rows_affected())
    }

    async fn delete_recorded(&mut self, table: &str, which: Recorded<'_>) -> Result<u64, Error> {
        let (targets, _) = conditions(which);
        let mut deleted = 0;
        for sql in self.catalog.table(table)?.delete_recorded(table, targets) {
            deleted += sqlx::query_with(&sql, arguments(which)?)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| {
                    let what = match which {
                        Recorded::Units(_) => format!("inserted by {}", described(which)),
                        Recorded::Stale { .. } => format!("no longer in {}", described(which)),
                    };
                    Error::database(format!("removing rows of `{table}` {what}"), &e)
                })?
                .rows_affected();
        }
        Ok(deleted)
    }

    async fn truncate(&mut self, tables: &[&str]) -> Result<(), Error> {
        let targets: Vec<String> = tables.iter().map(|t| ident(t)).collect();
        sqlx::query(&format!("TRUNCATE {}", targets.join(", ")))
            .execute(&mut *self.tx)
            .await
            .map_err(|e| Error::database("truncating tables that held only seeded rows", &e))?;
        Ok(())
    }

    async fn forget(&mut self, which: Recorded<'_>) -> Result<(), Error> {
        match which {
            Recorded::Units(units) => ledger::forget(&mut self.tx, units).await,
            Recorded::Stale { unit, generation } => {
                ledger::forget_older(&mut self.tx, unit, generation).await
            }
        }
    }

    async fn upsert(
        &mut self,
        unit: &'static Unit,
        tables: Vec<TableRowsBuilt>,
        generation: i64,
        reset: &[&str],
    ) -> Result<Upserted, Error> {
        let names: Vec<&str> = tables.iter().map(|t| t.meta.name).collect();
        let mut upserted = Upserted::default();
        for name in self.catalog.insert_order(&names) {
            let Some(table) = tables.iter().find(|t| t.meta.name == name) else {
                continue;
            };
            let ids = table.identities.as_deref();
            let reset = reset.contains(&name);
            let (report, written) = upsert::upsert_table(
                &mut self.tx,
                unit,
                &self.catalog,
                table,
                (ids, generation),
                reset,
            )
            .await?;
            upserted.reports.insert(name.to_owned(), report);
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
        let bare = if build_after.is_empty() {
            None
        } else {
            Some(rebuild::drop_for_load(&mut self.tx, build_after, self.bare_refused).await?)
        };
        let loaded =
            copy::copy_unit(&mut self.tx, unit, &self.catalog, generation, context, keys).await;
        let built = match (loaded, bare) {
            (Ok(loaded), Some(bare)) => bare
                .build(&mut self.tx)
                .await
                .map(|()| loaded)
                .map_err(|e| row_error::build_error(unit.name, &e.table, &e.error)),
            (loaded, _) => loaded,
        };
        built.map_err(|e| row_error::name_streamed_row(unit, context, e))
    }

    async fn digests(
        &mut self,
        unit: &str,
        tables: &[(&str, u64)],
    ) -> Result<BTreeMap<String, TableDigest>, Error> {
        digest::take(&mut self.tx, &self.catalog, unit, tables).await
    }

    async fn record(&mut self, entry: &Record<'_>) -> Result<(), Error> {
        ledger::record(&mut self.tx, entry).await
    }

    async fn set_digests(
        &mut self,
        unit: &str,
        digests: &BTreeMap<String, TableDigest>,
    ) -> Result<(), Error> {
        ledger::set_digests(&mut self.tx, unit, digests).await
    }

    async fn commit(self, what: &str) -> Result<(), Error> {
        self.tx
            .commit()
            .await
            .map_err(|e| Error::database(format!("committing {what}"), &e))?;
        Ok(())
    }
}
