//! A seeding run against one database: the seed-run lock, the guards, then apply, status or
//! cleanup. The command line and the test fixtures both drive runs through this module.
//!
//! A program that seeds a database itself (a custom tool, an integration test that wants more
//! control than [`Fixture`](crate::testing::fixture::Fixture)) does what `seed-runner` does:
//!
//! ```no_run
//! use seedbed::select::Registry;
//! use seedbed::run::{self, RunOptions};
//!
//! # static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();
//! # async fn seed() -> Result<(), seedbed::Error> {
//! let pool = seedbed::database::connect("postgres://postgres@127.0.0.1/festival_dev").await?;
//! let mut options = RunOptions::new("development")?;
//! options.context.scale.insert("events".into(), 500); // what `--scale events=500` does
//!
//! run::check_migrations(&pool, &MIGRATIONS, true).await?; // `--migrate`
//! let registry = Registry::discover()?;
//! let units = registry.select(Some(&["power_user".into()]), &options.environment)?;
//! for report in run::apply(&pool, &units, &options).await? {
//!     println!("{}", seedbed::cli::output::summary(&report));
//! }
//! let removed = run::cleanup(&pool, &registry, Some(&["power_user".into()]), false, &options).await?;
//! # Ok(())
//! # }
//! ```

pub mod apply;
pub(crate) mod build;
pub mod cleanup;
pub mod error;
mod guards;
pub(crate) mod keys;
mod panics;
pub mod plan;
#[cfg(test)]
mod policy_tests;
pub(crate) mod progress;
pub mod report;

pub(crate) use build::checksum;
pub use build::{TableRowsBuilt, build};
pub(crate) use panics::install_hook as install_panic_hook;
pub use report::{Blocker, CleanupReport, Outcome, Removed, TableReport, UnitReport};

use std::collections::{BTreeSet, HashMap};

use sqlx::{Connection, PgConnection, PgPool};

use crate::engine::Engine;
use crate::engine::ledger::{Entry, TableChanges};
use crate::engine::postgres::PgEngine;
use crate::engine::postgres::connect::run_session;
use crate::engine::postgres::{ledger, lock};
use crate::error::{GuardError, MigrateError, SelectError};
use crate::migrations::{MigrationState, Migrations};
use crate::plan::Unit;
use crate::plan::context::Context;
use crate::select::registry::Registry;
use crate::{Error, UnitKind};
use plan::{Action, UnitPlan};

/// The environments seedbed knows, in the order of increasing care.
pub const ENVIRONMENTS: &[&str] = seedbed_core::environment::NAMES;

/// What a run did: the reports of the units it committed, in order, and the error that stopped
/// it, if one did (the units before it stay applied).
#[derive(Debug, Default)]
pub struct RunOutcome {
    pub reports: Vec<UnitReport>,
    pub error: Option<Error>,
}

impl RunOutcome {
    /// A run stopped before its first unit.
    pub fn failed(error: Error) -> RunOutcome {
        RunOutcome {
            reports: Vec::new(),
            error: Some(error),
        }
    }

    /// The reports, or the error that stopped the run.
    pub fn into_result(self) -> Result<Vec<UnitReport>, Error> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.reports),
        }
    }
}

/// How a run is to behave: what `seed-runner`'s flags set.
///
/// ```
/// use seedbed::run::RunOptions;
///
/// let mut options = RunOptions::new("test")?;
/// assert_eq!(options.environment, "test");
/// assert!(!options.migrate && !options.allow_env_change && !options.production_override);
/// options.context.clock = "2026-05-01T00:00:00Z".parse().unwrap(); // `--clock 2026-05-01`
/// options.context.random_seed = 7; // `--random-seed 7`
///
/// assert!(RunOptions::new("qa").is_err()); // only the four environments exist
/// # Ok::<(), seedbed::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// One of [`ENVIRONMENTS`]: which units may run, and what the database is stamped with.
    pub environment: String,
    /// Clock, scale and random seed, seen by the seed code while rows are built.
    pub context: Context,
    /// Re-stamp a database first seeded in another environment.
    pub allow_env_change: bool,
    /// Apply pending migrations before seeding instead of refusing.
    pub migrate: bool,
    /// Allow destructive commands on a database stamped production.
    pub production_override: bool,
}

impl RunOptions {
    /// The defaults for `environment` (default context, no overrides), or
    /// [`SelectError::UnknownEnvironment`](crate::error::SelectError::UnknownEnvironment).
    pub fn new(environment: &str) -> Result<RunOptions, Error> {
        if !ENVIRONMENTS.contains(&environment) {
            return Err(Error::Select(SelectError::UnknownEnvironment {
                name: environment.to_owned(),
            }));
        }
        Ok(RunOptions {
            environment: environment.to_owned(),
            context: Context::default(),
            allow_env_change: false,
            migrate: false,
            production_override: false,
        })
    }
}

/// A connection holding the seed-run lock, for work outside a run that must not overlap one;
/// the lock goes with the connection.
pub struct LockedConnection(PgConnection);

impl LockedConnection {
    /// Takes a connection out of the pool and the seed-run lock on it, waiting for another
    /// runner to finish if one holds it.
    pub async fn acquire(pool: &PgPool) -> Result<LockedConnection, Error> {
        let mut conn = run_session(pool).await?;
        lock::lock(&mut conn).await?;
        Ok(LockedConnection(conn))
    }

    /// The connection, for work done under the lock.
    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.0
    }

    /// Closes the connection, which releases the lock.
    pub async fn release(self) {
        let _ = self.0.close().await;
    }
}

/// Runs `work` holding the seed-run lock. An error releasing it is only logged: the public
/// entry points close their connection afterwards, which releases it too.
pub(crate) async fn under_lock<E: Engine, T>(
    engine: &mut E,
    work: impl AsyncFnOnce(&mut E) -> T,
) -> Result<T, Error> {
    engine.lock_runs().await?;
    let out = work(engine).await;
    if let Err(e) = engine.unlock_runs().await {
        tracing::debug!("the seed-run lock is released with the connection: {e}");
    }
    Ok(out)
}

/// Runs `work` over PostgreSQL, on a connection of its own that is closed afterwards.
async fn on_session<T>(
    pool: &PgPool,
    work: impl AsyncFnOnce(&mut PgEngine<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut conn = run_session(pool).await?;
    let out = work(&mut PgEngine::new(&mut conn)).await;
    let _ = conn.close().await;
    out
}

/// Refuses to seed a database whose migrations are behind (or applies them with `migrate`), or
/// whose migrations differ from this binary's: one it does not know, one whose SQL changed
/// since it was applied, or one that failed half-way.
pub async fn check_migrations(
    pool: &PgPool,
    migrations: &Migrations,
    migrate: bool,
) -> Result<(), Error> {
    let statuses = migrations.status(pool).await?;
    for status in &statuses {
        let (version, description) = (status.version, status.description.clone());
        match status.state {
            MigrationState::Missing { .. } => {
                return Err(Error::Migrate(MigrateError::Missing {
                    version,
                    description,
                }));
            }
            MigrationState::ChecksumMismatch { .. } => {
                return Err(Error::Migrate(MigrateError::ChecksumMismatch {
                    version,
                    description,
                }));
            }
            MigrationState::Failed { .. } => {
                return Err(Error::Migrate(MigrateError::Dirty { version }));
            }
            MigrationState::Applied { .. } | MigrationState::Pending => {}
        }
    }
    let pending: Vec<i64> = statuses
        .iter()
        .filter(|s| s.state == MigrationState::Pending)
        .map(|s| s.version)
        .collect();
    if pending.is_empty() {
        return Ok(());
    }
    if !migrate {
        return Err(Error::Guard(GuardError::MigrationsBehind { pending }));
    }
    migrations.apply(pool).await.map(drop)
}

/// Applies `units` (already in dependency order, as [`Registry::select`] gives them) under the
/// lock, after the guards; one report per unit, in order.
///
/// Makes sure the ledger exists, refuses a database stamped with another environment (unless
/// [`RunOptions::allow_env_change`]) and stamps a new one. Each unit commits with its ledger
/// entry; a unit that fails is rolled back and stops the run, and the units before it stay
/// applied. Unchanged units are skipped. Pending migrations are not checked here: call
/// [`check_migrations`] first. [`apply_reporting`] also gives, when a unit fails, the reports of
/// the units committed before it.
pub async fn apply(
    pool: &PgPool,
    units: &[&'static Unit],
    options: &RunOptions,
) -> Result<Vec<UnitReport>, Error> {
    apply_reporting(pool, units, options).await.into_result()
}

/// [`apply`], keeping the reports of the units committed before a failure beside the error.
pub async fn apply_reporting(
    pool: &PgPool,
    units: &[&'static Unit],
    options: &RunOptions,
) -> RunOutcome {
    on_session(pool, async |engine| {
        Ok(apply_with(engine, units, options).await)
    })
    .await
    .unwrap_or_else(RunOutcome::failed)
}

/// A run over any engine, under the lock.
pub(crate) async fn apply_with(
    engine: &mut impl Engine,
    units: &[&'static Unit],
    options: &RunOptions,
) -> RunOutcome {
    under_lock(engine, async |engine| {
        apply_locked(engine, units, options).await
    })
    .await
    .unwrap_or_else(RunOutcome::failed)
}

/// A run, the lock held: the ledger, the environment guard (a first run stamps the database),
/// then the units.
async fn apply_locked(
    engine: &mut impl Engine,
    units: &[&'static Unit],
    options: &RunOptions,
) -> RunOutcome {
    let ready = async {
        engine.ensure_ledger().await?;
        if guards::environment(engine, options).await? {
            engine.set_stamp(&options.environment).await?;
        }
        let entries = engine.entries().await?;
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let catalog = engine.catalog().await?;
        plan::plan(units, &entries, &options.context, &catalog)
    };
    match ready.await {
        Ok(planned) => apply::apply(engine, planned, &options.environment, &options.context).await,
        Err(e) => RunOutcome::failed(e),
    }
}

/// Decides the environment guard of a command that writes, writing nothing: `Ok(true)` when the
/// database is to be stamped (a first run, or an allowed re-stamp), `Ok(false)` when its stamp is
/// the run's. See [`guards::environment`].
pub async fn check_environment(
    conn: &mut PgConnection,
    options: &RunOptions,
) -> Result<bool, Error> {
    guards::environment(&mut PgEngine::new(conn), options).await
}

/// Every guard of a command that seeds, decided before anything is written (by `--migrate`
/// among others): the ledger's health and the environment stamp.
pub async fn check_guards(pool: &PgPool, options: &RunOptions) -> Result<(), Error> {
    let mut conn = pool
        .acquire()
        .await
        .map_err(|e| Error::database("connecting", &e))?;
    ledger::check(&mut conn).await?;
    check_environment(&mut conn, options).await.map(drop)
}

/// Refuses a destructive `command` on a database stamped production, unless overridden.
pub async fn guard_destructive(
    conn: &mut PgConnection,
    command: &str,
    options: &RunOptions,
) -> Result<(), Error> {
    guards::destructive(&mut PgEngine::new(conn), command, options).await
}

/// What a dry run would do: the whole apply, rehearsed and undone.
pub async fn dry_run(
    pool: &PgPool,
    units: &[&'static Unit],
    options: &RunOptions,
) -> Result<Vec<UnitReport>, Error> {
    on_session(pool, async |engine| {
        dry_run_with(engine, units, options).await
    })
    .await
}

/// A dry run over any engine, under the lock.
pub(crate) async fn dry_run_with(
    engine: &mut impl Engine,
    units: &[&'static Unit],
    options: &RunOptions,
) -> Result<Vec<UnitReport>, Error> {
    under_lock(engine, async |engine| {
        engine
            .rehearse(async |rehearsal| apply_locked(rehearsal, units, options).await.into_result())
            .await?
    })
    .await?
}

/// Removes the rows of the named units and of every unit that depends on them (all applied
/// units when `names` is `None`), dependents first.
pub async fn cleanup(
    pool: &PgPool,
    registry: &Registry,
    names: Option<&[String]>,
    cascade: bool,
    options: &RunOptions,
) -> Result<CleanupReport, Error> {
    on_session(pool, async |engine| {
        cleanup_with(engine, registry, names, cascade, options).await
    })
    .await
}

/// [`cleanup`] over any engine, under the lock: the guards, then the applied units in order.
pub(crate) async fn cleanup_with(
    engine: &mut impl Engine,
    registry: &Registry,
    names: Option<&[String]>,
    cascade: bool,
    options: &RunOptions,
) -> Result<CleanupReport, Error> {
    under_lock(engine, async |engine| {
        guards::destructive(engine, "clean up", options).await?;
        guards::environment(engine, options).await?;
        if !engine.ledger_exists().await? {
            return Ok(CleanupReport::default());
        }
        let applied = engine.entries().await?;
        let order = cleanup_order(registry, names, &applied)?;
        cleanup::remove(engine, &order, cascade).await
    })
    .await?
}

/// Applied units to remove, dependents before what they depend on. Units in the ledger that
/// this binary no longer has go first (nothing registered can depend on them).
fn cleanup_order(
    registry: &Registry,
    names: Option<&[String]>,
    applied: &HashMap<String, Entry>,
) -> Result<Vec<String>, Error> {
    let selected: BTreeSet<&'static str> = match names {
        Some(names) => names
            .iter()
            .map(|n| registry.get(n).map(|u| u.name))
            .collect::<Result<_, _>>()?,
        None => registry.units().map(|u| u.name).collect(),
    };
    let with_dependents = registry.dependents_of(&selected);
    let units: std::collections::BTreeMap<&'static str, &'static Unit> = registry
        .units()
        .filter(|u| with_dependents.contains(u.name))
        .map(|u| (u.name, u))
        .collect();
    let mut order: Vec<String> = match names {
        None => applied
            .keys()
            .filter(|k| registry.get(k).is_err())
            .cloned()
            .collect(),
        Some(_) => Vec::new(),
    };
    order.sort();
    let forward = crate::select::order::dependency_order(&units)?;
    order.extend(
        forward
            .iter()
            .rev()
            .filter(|u| applied.contains_key(u.name))
            .map(|u| u.name.to_owned()),
    );
    Ok(order)
}

/// Where each unit stands in this database.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnitStatus {
    /// The unit's name.
    pub unit: String,
    /// Seed set or scenario.
    pub kind: UnitKind,
    /// Applied, drifted, changed, pending, or not for this environment.
    pub state: UnitState,
    /// Its ledger entry, when it is applied.
    pub applied: Option<Entry>,
    /// For a unit applied and unchanged: its rows missing from the database, and those whose
    /// columns differ from the definition (edited by hand). `None` when not checked.
    pub drift: Option<Drift>,
    /// For a unit without loops pending or changed: per table, the rows a run would insert,
    /// write again and delete, as the ledger foresees them. `None` otherwise.
    pub changes: Option<Vec<TableChanges>>,
}

/// Rows of an applied unit that the database no longer holds as the definition has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Drift {
    /// Rows deleted since the unit was applied.
    pub missing: u64,
    /// Rows whose columns were changed since (units without loops, compared row by row).
    pub changed: u64,
    /// Tables whose rows were changed since (units with loops, compared by digest per table,
    /// see [`crate::engine::postgres::digest`]).
    pub edited_tables: Vec<String>,
}

/// The state of a unit in a database, as `--status` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitState {
    /// Applied, and its rows are what the definition builds now (a run would skip it).
    Applied,
    /// Applied and unchanged, but rows of it were deleted or edited since: a run puts them back.
    Drifted,
    /// Applied, but its rows differ from what the definition builds now.
    Changed,
    /// Not applied yet.
    Pending,
    /// Not allowed in this run's environment.
    NotInEnvironment,
}

/// Every registered unit with its state in the database. A unit is `Changed` when the checksum
/// of the rows it builds now, under `options.context`, differs from the one recorded when it
/// was applied; an unchanged unit without loops is `Drifted` when its rows in the database
/// differ from them. Drift is found by writing the unit in a transaction that is rolled back
/// (no lock is taken; nothing stays).
pub async fn status(
    pool: &PgPool,
    registry: &Registry,
    options: &RunOptions,
) -> Result<Vec<UnitStatus>, Error> {
    let mut conn = pool
        .acquire()
        .await
        .map_err(|e| Error::database("connecting", &e))?;
    status_with(&mut PgEngine::new(&mut conn), registry, options).await
}

/// [`status`] over any engine.
pub(crate) async fn status_with(
    engine: &mut impl Engine,
    registry: &Registry,
    options: &RunOptions,
) -> Result<Vec<UnitStatus>, Error> {
    let (mut statuses, verify) = unit_states(engine, registry, options).await?;
    if verify.is_empty() {
        return Ok(statuses);
    }
    // Dependencies first, as a run writes them.
    let mut verify: std::collections::BTreeMap<&'static str, UnitPlan> =
        verify.into_iter().map(|p| (p.unit.name, p)).collect();
    let units: std::collections::BTreeMap<&'static str, &'static Unit> =
        verify.values().map(|p| (p.unit.name, p.unit)).collect();
    let checked: Vec<UnitPlan> = crate::select::order::dependency_order(&units)?
        .into_iter()
        .filter_map(|u| verify.remove(u.name))
        .collect();
    let reports = engine
        .rehearse(async |rehearsal| {
            apply::apply(rehearsal, checked, &options.environment, &options.context).await
        })
        .await?;
    let reports = reports.into_result().unwrap_or_else(|e| {
        tracing::warn!("could not check the units' rows for drift: {e}");
        Vec::new()
    });
    for report in reports {
        let drift = Drift {
            missing: report.tables.iter().map(|t| t.inserted).sum(),
            changed: report.tables.iter().map(|t| t.updated).sum(),
            ..Drift::default()
        };
        if let Some(status) = statuses.iter_mut().find(|s| s.unit == report.unit) {
            if drift != Drift::default() {
                status.state = UnitState::Drifted;
            }
            status.drift = Some(drift);
        }
    }
    Ok(statuses)
}

/// Every registered unit's state from its ledger entry and the checksum of what it builds now;
/// the rows of applied units with loops compared with what the ledger kept of them. Returns
/// the ledger's entries too.
pub(crate) async fn unit_states(
    engine: &mut impl Engine,
    registry: &Registry,
    options: &RunOptions,
) -> Result<(Vec<UnitStatus>, Vec<UnitPlan>), Error> {
    let applied = engine.entries().await?;
    let mut statuses = Vec::new();
    let mut verify = Vec::new();
    for unit in registry.units() {
        let entry = applied.get(unit.name);
        let plan = plan::plan_unit(unit, entry, &options.context, None)?;
        let state = match plan.decision.action {
            Action::Verify => UnitState::Applied,
            Action::Update => UnitState::Changed,
            Action::Apply if unit.allows(&options.environment) => UnitState::Pending,
            Action::Apply => UnitState::NotInEnvironment,
        };
        let changes = match state {
            UnitState::Pending | UnitState::Changed => plan.changes(engine).await?,
            _ => None,
        };
        let mut drift = None;
        if let Some(entry) = entry
            && state == UnitState::Applied
        {
            if plan.rows.is_some() {
                verify.push(plan);
            } else {
                let found = engine.compare(entry).await?;
                drift = Some(Drift {
                    missing: found.missing,
                    changed: 0,
                    edited_tables: found.edited,
                });
            }
        }
        statuses.push(UnitStatus {
            unit: unit.name.to_owned(),
            kind: unit.kind,
            state: match &drift {
                Some(d) if *d != Drift::default() => UnitState::Drifted,
                _ => state,
            },
            applied: entry.cloned(),
            drift,
            changes,
        });
    }
    Ok((statuses, verify))
}

/// Drops every table of the database's schema and the ledger, then migrates.
pub async fn reset(
    pool: &PgPool,
    migrations: &Migrations,
    options: &RunOptions,
) -> Result<(), Error> {
    on_session(pool, async |engine| {
        reset_with(engine, options, async || {
            migrations.apply(pool).await.map(|runs| runs.len())
        })
        .await
    })
    .await
}

/// [`reset`] over any engine, under the lock, so that no run writes while the schema goes and
/// comes back: the guard, the schema dropped, then `migrate`.
pub(crate) async fn reset_with(
    engine: &mut impl Engine,
    options: &RunOptions,
    migrate: impl AsyncFnOnce() -> Result<usize, Error>,
) -> Result<(), Error> {
    under_lock(engine, async |engine| {
        guards::reset(engine, options).await?;
        engine.drop_schema().await?;
        let migrations = migrate().await?;
        tracing::info!(migrations, "database reset and migrated");
        Ok(())
    })
    .await?
}
