//! Scenarios as test fixtures: a database with chosen units applied, handed over in
//! milliseconds.
//!
//! The first test that asks for a given set of migrations and units builds a template database
//! (migrate, then apply the units); every test then gets a copy of it (`CREATE DATABASE ...
//! TEMPLATE`, made ahead of the test by the pool) instead of a full migrate-and-seed. The
//! template's name is a hash of seedbed's ledger, the migrations' SQL and the units' checksums,
//! so changing any of them builds a new one; test processes running at once build it once, under
//! an advisory lock. `#[seedbed::test]` is the way to use it; this is the level below.
//!
//! The server is the one of [`TestDatabase::admin_url`] (`SEEDBED_TEST_ADMIN_URL`, by default
//! `postgres://postgres@127.0.0.1:5432`); the role needs `CREATEDB`. Units run in the `test`
//! environment, so a scenario meant for tests keeps the default `env` or names `test`.
//!
//! ```no_run
//! // tests/power_user.rs of the seeds crate (dev-dependencies: tokio, sqlx, anyhow)
//! use seedbed::testing::Fixture;
//!
//! # mod festival_seeds {
//! #     pub static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();
//! # }
//! # fn main() {}
//! use festival_seeds::MIGRATIONS;
//!
//! #[tokio::test]
//! async fn power_user_follows_every_teacher() -> anyhow::Result<()> {
//!     let db = Fixture::new(MIGRATIONS).units(&["power_user"]).database().await?;
//!     let pool = db.connect().await?;
//!     let follows: i64 = sqlx::query_scalar("SELECT count(*) FROM user_teacher_follows")
//!         .fetch_one(&pool)
//!         .await?;
//!     assert!(follows > 0);
//!     pool.close().await;
//!     db.drop().await?;
//!     Ok(())
//! }
//! ```
//!
//! The units must be registered in the test binary: an integration test of the seeds crate
//! links it by naming anything of it (here `MIGRATIONS`; `#[seedbed::test]` does it by itself);
//! a test elsewhere adds `use my_seeds as _;`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};
use sqlx::Connection;

use crate::Error;
use crate::migrations::Migrations;
use crate::plan::context::Context;
use crate::run::{self, RunOptions};
use crate::select::registry::Registry;
use crate::testing::names::{TEMPLATE_KIND, lock_key, mark_template_used};
use crate::testing::pool::{self, Server, admin_error};
use crate::testing::{TestDatabase, user_prefix, with_database};

/// The prefix of template databases' names (after the one of
/// [`PREFIX_ENV`](crate::testing::PREFIX_ENV)).
pub const TEMPLATE_PREFIX: &str = TEMPLATE_KIND;

/// A recipe for test databases: migrations plus units, applied in the `test` environment.
///
/// Cheap to build and to clone; nothing happens until [`Fixture::database`]. Without
/// [`units`](Fixture::units), every unit allowed in `test` (except `explicit` ones) is applied;
/// with `units(&[])`, none: the database is migrated and nothing else (no ledger either).
#[derive(Debug, Clone)]
pub struct Fixture {
    migrations: Migrations,
    /// `None`: every test unit.
    units: Option<Vec<String>>,
    options: RunOptions,
}

impl Fixture {
    /// A fixture with these migrations, every test unit, and the default context (today's
    /// clock, default scale and random seed).
    pub fn new(migrations: Migrations) -> Fixture {
        let options = RunOptions {
            environment: "test".to_owned(),
            context: Context::default(),
            allow_env_change: false,
            migrate: false,
            production_override: false,
        };
        Fixture {
            migrations,
            units: None,
            options,
        }
    }

    /// Units to apply (with what they depend on), instead of every test unit; `&[]` for none
    /// (the migrations only). Repeatable: the names add up.
    pub fn units(mut self, names: &[&str]) -> Fixture {
        self.units
            .get_or_insert_with(Vec::new)
            .extend(names.iter().map(|n| n.to_string()));
        self
    }

    /// The run's context: clock, scale, random seed. A pinned clock makes time-relative seeds
    /// (`days_from_now`) the same every day, so the template is reused across days too.
    ///
    /// ```
    /// use seedbed::Context;
    /// use seedbed::testing::Fixture;
    ///
    /// let fixture = Fixture::new(seedbed::migrations!()).units(&["power_user"]).context(Context {
    ///     clock: "2026-05-01T00:00:00Z".parse().unwrap(),
    ///     scale: [("events".to_owned(), 10)].into(),
    ///     ..Context::default()
    /// });
    /// # drop(fixture);
    /// ```
    pub fn context(mut self, context: Context) -> Fixture {
        self.options.context = context;
        self
    }

    /// A database of its own for one test: a copy of the template for these migrations and
    /// units (built first if it does not exist yet), handed over from the clones kept ready.
    /// Drop it at the end of the test with [`TestDatabase::drop`].
    ///
    /// Fails if a unit is unknown or not allowed in `test`, if a migration or a unit fails
    /// (the half-built template is dropped), or if the server cannot be reached.
    pub async fn database(&self) -> Result<TestDatabase, Error> {
        let template = self.template_name()?;
        let fixture = self.clone();
        TestDatabase::on_server(
            &TestDatabase::try_admin_url()?,
            false,
            |server| async move {
                fixture.ensure_template(&server, &template).await?;
                server.hand_over(&template).await
            },
        )
        .await
    }

    /// The one copy of the template that tests share for the rest of the run, made if needed:
    /// for tests that only read (`read_only`: every session of it refuses writes) or that write
    /// in a transaction they never commit. Its [`TestDatabase::drop`] does nothing; it goes at
    /// the end of the run.
    pub async fn shared_database(&self, read_only: bool) -> Result<TestDatabase, Error> {
        let template = self.template_name()?;
        let fixture = self.clone();
        let mut db =
            TestDatabase::on_server(&TestDatabase::try_admin_url()?, true, |server| async move {
                fixture.ensure_template(&server, &template).await?;
                Ok(pool::Handed {
                    name: server.shared(&template).await?,
                    claimed: pool::Claimed::Ready,
                    pool: None,
                })
            })
            .await?;
        if read_only {
            let separator = if db.url.contains('?') { '&' } else { '?' };
            db.url = format!(
                "{}{separator}options=-c%20default_transaction_read_only%3Don",
                db.url
            );
        }
        Ok(db)
    }

    /// The units the fixture applies: those named (with what they depend on), else every unit
    /// of its environment.
    fn selected(&self) -> Result<Vec<&'static crate::plan::Unit>, Error> {
        Registry::discover()?.select(self.units.as_deref(), &self.options.environment)
    }

    /// `seedbed_tpl_` (after the user's prefix) and a hash of the migrations, the units and
    /// their checksums: the name of the template database [`Fixture::database`] copies. Needs
    /// no database; computed once per process for each recipe.
    pub fn template_name(&self) -> Result<String, Error> {
        static NAMES: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);
        let mut recipe = Sha256::new();
        for migration in self.migrations.iter() {
            recipe.update(migration.version.to_le_bytes());
            recipe.update(migration.up.as_bytes());
        }
        recipe.update(format!("{:?}{:?}", self.units, self.options.context));
        let recipe = format!("{:x}", recipe.finalize());
        if let Some(name) = NAMES
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert_with(HashMap::new)
            .get(&recipe)
        {
            return Ok(name.clone());
        }
        let units = self.selected()?;
        let mut hasher = Sha256::new();
        // A new seedbed (its ledger tables, its way of writing rows) builds new templates.
        hasher.update(crate::engine::postgres::ledger::TOOL_VERSION.as_bytes());
        hasher.update(crate::engine::postgres::ledger::SCHEMA_SQL.as_bytes());
        for migration in self.migrations.iter() {
            hasher.update(migration.version.to_le_bytes());
            hasher.update(migration.up.as_bytes());
        }
        for unit in units {
            hasher.update(unit.name.as_bytes());
            hasher.update(run::checksum(unit, &self.options.context)?.as_bytes());
        }
        let hash = format!("{:x}", hasher.finalize());
        let name = format!("{}{TEMPLATE_PREFIX}{}", user_prefix(), &hash[..20]);
        NAMES
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert_with(HashMap::new)
            .insert(recipe, name.clone());
        Ok(name)
    }

    /// Makes sure `template` exists (once per process): built under an advisory lock, so test
    /// processes running at once build it once, and marked used for the sweep.
    async fn ensure_template(&self, server: &Arc<Server>, template: &str) -> Result<(), Error> {
        if server.has_template(template) {
            return Ok(());
        }
        let admin_url = &server.admin_url;
        let mut admin = sqlx::PgConnection::connect(admin_url)
            .await
            .map_err(admin_error(admin_url))?;
        let lock = lock_key(template);
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(lock)
            .execute(&mut admin)
            .await
            .map_err(|e| Error::database("waiting for the fixture template lock", &e))?;
        let mut built = self.build_template(&mut admin, admin_url, template).await;
        if built.is_ok() {
            built = mark_template_used(&mut admin, template).await;
        }
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(lock)
            .execute(&mut admin)
            .await;
        let _ = admin.close().await;
        built?;
        server.add_template(template);
        Ok(())
    }

    async fn build_template(
        &self,
        admin: &mut sqlx::PgConnection,
        admin_url: &str,
        template: &str,
    ) -> Result<(), Error> {
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
                .bind(template)
                .fetch_one(&mut *admin)
                .await
                .map_err(|e| Error::database("looking for the fixture template", &e))?;
        if exists {
            return Ok(());
        }
        // Built under another name and renamed when complete, so a failed build leaves no
        // half-made template behind.
        let building = format!("{template}_building");
        execute(
            admin,
            &format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
        )
        .await?;
        execute(admin, &format!("CREATE DATABASE {building}")).await?;
        let pool =
            crate::engine::postgres::connect::connect(&with_database(admin_url, &building)).await?;
        let applied = async {
            self.migrations.apply(&pool).await?;
            let units = self.selected()?;
            // No units, no run: the migrations alone, with no ledger nor environment stamp (a
            // test may stamp it with another environment).
            if !units.is_empty() {
                run::apply(&pool, &units, &self.options).await?;
            }
            Ok::<_, Error>(())
        }
        .await;
        pool.close().await;
        match applied {
            Ok(_) => {
                pool::sessions_gone(admin, &building).await;
                execute(
                    admin,
                    &format!("ALTER DATABASE {building} RENAME TO {template}"),
                )
                .await
            }
            Err(e) => {
                let _ = execute(
                    admin,
                    &format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
                )
                .await;
                Err(e)
            }
        }
    }
}

async fn execute(admin: &mut sqlx::PgConnection, sql: &str) -> Result<(), Error> {
    sqlx::query(sql)
        .execute(admin)
        .await
        .map(drop)
        .map_err(|e| Error::database(sql, &e))
}
