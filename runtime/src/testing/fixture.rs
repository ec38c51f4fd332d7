//! Scenarios as test fixtures: a fresh database with chosen units applied, in a fraction of a
//! second.
//!
//! The first test that asks for a given set of migrations and units builds a template database
//! (migrate, then apply the units); every test then gets `CREATE DATABASE ... TEMPLATE` of it,
//! a block-level copy (125 to 221 ms for the Festival Scout base and six scenarios) instead of a
//! full migrate-and-seed. The template's name is a hash of seedbed's ledger, the migrations' SQL
//! and the units' checksums, so changing any of them builds a new one; test processes running at
//! once build it once, under an advisory lock.
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
//! links it by naming anything of it (here `MIGRATIONS`); a test elsewhere adds
//! `use my_seeds as _;`.

use sha2::{Digest, Sha256};
use sqlx::Connection;

use crate::Error;
use crate::migrations::Migrations;
use crate::plan::context::Context;
use crate::run::{self, RunOptions};
use crate::select::registry::Registry;
use crate::testing::{TestDatabase, admin_connection, with_database};

/// The prefix of template databases' names.
pub const TEMPLATE_PREFIX: &str = "seedbed_tpl_";

/// A recipe for test databases: migrations plus units, applied in the `test` environment.
///
/// Cheap to build and to clone; nothing happens until [`Fixture::database`]. With no
/// [`units`](Fixture::units), every unit allowed in `test` (except `explicit` ones) is applied.
#[derive(Debug, Clone)]
pub struct Fixture {
    migrations: Migrations,
    units: Vec<String>,
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
            units: Vec::new(),
            options,
        }
    }

    /// Units to apply (with what they depend on), instead of every test unit. Repeatable: the
    /// names add up.
    pub fn units(mut self, names: &[&str]) -> Fixture {
        self.units.extend(names.iter().map(|n| n.to_string()));
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

    /// A fresh database: a copy of the template for these migrations and units, built first if
    /// it does not exist yet. Drop it at the end of the test with [`TestDatabase::drop`].
    ///
    /// Fails if a unit is unknown or not allowed in `test`, if a migration or a unit fails
    /// (the half-built template is dropped), or if the server cannot be reached.
    pub async fn database(&self) -> Result<TestDatabase, Error> {
        let admin_url = TestDatabase::admin_url();
        let template = self.template_name()?;
        let mut admin = admin_connection(&admin_url).await?;
        let lock = lock_key(&template);
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(lock)
            .execute(&mut admin)
            .await
            .map_err(|e| Error::database("waiting for the fixture template lock", &e))?;
        let mut built = self
            .ensure_template(&mut admin, &admin_url, &template)
            .await;
        if built.is_ok() {
            built = crate::testing::mark_template_used(&mut admin, &template).await;
        }
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(lock)
            .execute(&mut admin)
            .await;
        let _ = admin.close().await;
        built?;
        TestDatabase::create_from(&admin_url, Some(&template)).await
    }

    /// The units the fixture applies: those named (with what they depend on), else every unit
    /// of its environment.
    fn selected(&self) -> Result<Vec<&'static crate::plan::Unit>, Error> {
        let names = (!self.units.is_empty()).then_some(self.units.as_slice());
        Registry::discover()?.select(names, &self.options.environment)
    }

    /// `seedbed_tpl_` and a hash of the migrations, the units and their checksums: the name
    /// of the template database [`Fixture::database`] copies. Needs no database.
    pub fn template_name(&self) -> Result<String, Error> {
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
        Ok(format!("{TEMPLATE_PREFIX}{}", &hash[..20]))
    }

    async fn ensure_template(
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
            run::apply(&pool, &units, &self.options).await
        }
        .await;
        pool.close().await;
        match applied {
            Ok(_) => {
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

fn lock_key(template: &str) -> i64 {
    let digest = Sha256::digest(template.as_bytes());
    i64::from_le_bytes(digest[..8].try_into().unwrap_or_default())
}
