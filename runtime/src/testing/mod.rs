//! Scenarios in tests: [`#[seedbed::test]`](macro@crate::test), and what it is made of.
//!
//! The server is given by `SEEDBED_TEST_ADMIN_URL` (a URL of a role allowed to create databases),
//! by default `postgres://postgres@127.0.0.1:5432`. A [`Fixture`] (migrations, units, context)
//! has a template database, built once; each test gets a [`TestDatabase`] of its own, a copy of
//! it handed over from a few made ahead (see `names.rs` for the names and the rules that keep the
//! server clean), or shares one copy with the run's read-only tests. A test that passes has its
//! database dropped; one that fails keeps it for an hour and says so. `SEEDBED_TEST_DB_PREFIX`
//! puts a prefix of your own before every name (`myapp_seedbed_test_...`).
//!
//! ```no_run
//! use seedbed::testing::TestDatabase;
//!
//! #[tokio::test]
//! async fn inserts_a_venue() -> anyhow::Result<()> {
//!     let db = TestDatabase::create().await?; // empty: no template
//!     let pool = db.connect().await?;
//!     sqlx::query("CREATE TABLE venues (name text)").execute(&pool).await?;
//!     // ...
//!     pool.close().await;
//!     db.drop().await?;
//!     Ok(())
//! }
//! ```

pub mod fixture;
mod harness;
mod janitor;
pub mod local_server;
mod names;
mod pool;

pub use fixture::Fixture;
pub use harness::TestArgument;
pub use janitor::JANITOR_ENV;
pub use pool::{POOL_SIZE_ENV, STRATEGY_ENV};

#[doc(hidden)]
pub mod __private {
    pub use super::harness::{Mode, TestResult, argument, context, run, transaction};
}

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::engine::postgres::connect::{mask_password, parse_url};
use crate::error::Error;
use crate::testing::names::KEPT_COMMENT;
use crate::testing::pool::{Claimed, Handed, on_worker, on_worker_blocking};

/// The environment variable naming the server used by tests: a URL, or `local` for the
/// project's throwaway test cluster ([`local_server`]).
pub const ADMIN_URL_ENV: &str = "SEEDBED_TEST_ADMIN_URL";
/// The server used by tests when [`ADMIN_URL_ENV`] is not set.
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432";
/// The prefix of every test database's name (after the one of [`PREFIX_ENV`]).
pub const NAME_PREFIX: &str = names::TEST_KIND;
/// The environment variable holding a prefix of your own for test database names (letters,
/// digits and `_`; at most 20).
pub const PREFIX_ENV: &str = "SEEDBED_TEST_DB_PREFIX";

/// A database for one test: its own (a fresh one, or a clone of a fixture's template), or the
/// clone that read-only tests share.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL of the database.
    pub url: String,
    name: String,
    admin_url: String,
    /// Shared with other tests: never dropped by one of them, nor kept.
    shared: bool,
    claimed: Claimed,
    /// A pool connected to it ahead of the test, for the first [`TestDatabase::connect`].
    connected: Mutex<Option<PgPool>>,
    /// Set once dropped; a value going away without it belongs to a failed test.
    dropped: AtomicBool,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if !self.shared && !self.dropped.load(Ordering::Relaxed) {
            self.keep();
        }
    }
}

/// The user's prefix of test database names, from [`PREFIX_ENV`].
pub(crate) fn user_prefix() -> String {
    prefix_from(&std::env::var(PREFIX_ENV).unwrap_or_default())
}

/// `value` made a name prefix: characters that need no quoting, lowercased, at most 20, and a
/// `_` before the rest of the name.
fn prefix_from(value: &str) -> String {
    let mut prefix: String = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .map(|c| c.to_ascii_lowercase())
        .take(20)
        .collect();
    if !prefix.is_empty() && !prefix.ends_with('_') {
        prefix.push('_');
    }
    prefix
}

impl TestDatabase {
    /// The admin URL: `$SEEDBED_TEST_ADMIN_URL`, else [`DEFAULT_ADMIN_URL`]; for `local`, the
    /// local test cluster's (started if it does not run).
    ///
    /// # Panics
    ///
    /// When the local test cluster cannot be started (no PostgreSQL installed, say), saying why;
    /// [`TestDatabase::try_admin_url`] returns the error instead.
    pub fn admin_url() -> String {
        Self::try_admin_url().unwrap_or_else(|e| panic!("seedbed: no server for tests: {e}"))
    }

    /// [`TestDatabase::admin_url`], or why the local test cluster cannot be started.
    pub fn try_admin_url() -> Result<String, Error> {
        match std::env::var(ADMIN_URL_ENV).ok().filter(|v| !v.is_empty()) {
            Some(local) if local == local_server::LOCAL => local_server::admin_url(),
            Some(url) => Ok(url),
            None => Ok(DEFAULT_ADMIN_URL.to_owned()),
        }
    }

    /// Creates a new empty database on the server of [`TestDatabase::admin_url`].
    pub async fn create() -> Result<Self, Error> {
        Self::create_on(&Self::try_admin_url()?).await
    }

    /// Creates a new empty database on the server of `admin_url`.
    pub async fn create_on(admin_url: &str) -> Result<Self, Error> {
        Self::on_server(admin_url, false, |server| async move {
            let name = server.test_name();
            server
                .execute_slow(&format!("CREATE DATABASE {name}"))
                .await?;
            Ok(Handed {
                name,
                claimed: Claimed::Made,
                pool: None,
            })
        })
        .await
    }

    /// A database made by `make` on the worker thread, with the server of `admin_url` joined.
    pub(crate) async fn on_server<F, Fut>(
        admin_url: &str,
        shared: bool,
        make: F,
    ) -> Result<Self, Error>
    where
        F: FnOnce(std::sync::Arc<pool::Server>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Handed, Error>> + 'static,
    {
        janitor::run_if_janitor();
        janitor::remember_test();
        parse_url(admin_url)?;
        let url = admin_url.to_owned();
        let Handed {
            name,
            claimed,
            pool: connected,
        } = on_worker(move || async move {
            let server = pool::server(&url, &user_prefix()).await?;
            make(server).await
        })
        .await?;
        Ok(Self {
            url: with_database(admin_url, &name),
            name,
            admin_url: admin_url.to_owned(),
            shared,
            claimed,
            connected: Mutex::new(connected),
            dropped: AtomicBool::new(false),
        })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the database was a clone made ahead of the test (handed over at once), rather
    /// than one made while the test waited.
    pub fn was_ready(&self) -> bool {
        self.claimed == Claimed::Ready
    }

    /// A pool connected to the database (the first one already connected, when the database
    /// was claimed ahead of the test).
    pub async fn connect(&self) -> Result<PgPool, Error> {
        if let Some(pool) = self.take_connected() {
            return Ok(pool);
        }
        PgPoolOptions::new().connect(&self.url).await.map_err(|e| {
            Error::database(
                format!(
                    "connecting to the test database {}",
                    mask_password(&self.url)
                ),
                &e,
            )
        })
    }

    /// The pool connected ahead of the test, once.
    pub(crate) fn take_connected(&self) -> Option<PgPool> {
        self.connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Drops the database, closing any session still connected to it. A shared database (of a
    /// read-only test) stays for the other tests, and goes at the end of the run.
    pub async fn drop(self) -> Result<(), Error> {
        self.drop_now().await
    }

    pub(crate) async fn drop_now(&self) -> Result<(), Error> {
        if self.shared {
            return Ok(());
        }
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        on_worker(move || async move {
            let server = pool::server(&admin_url, &user_prefix()).await?;
            server.drop_database(&name).await
        })
        .await?;
        self.dropped.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Drops the database in the background: the test need not wait. Should the process end
    /// first, the database is found (its process gone) and dropped by the next sweep.
    pub(crate) fn drop_in_background(&self) {
        self.dropped.store(true, Ordering::Relaxed);
        if self.shared {
            return;
        }
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        pool::spawn_on_worker(move || async move {
            pool::server(&admin_url, &user_prefix())
                .await?
                .drop_later(name);
            Ok(())
        });
    }

    /// Keeps the database of a failed test for a look: marks it (the sweep leaves it an hour)
    /// and says where it is.
    pub(crate) fn keep(&self) {
        self.dropped.store(true, Ordering::Relaxed);
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let marked = on_worker_blocking(move || async move {
            let server = pool::server(&admin_url, &user_prefix()).await?;
            server
                .execute(&format!("COMMENT ON DATABASE {name} IS '{KEPT_COMMENT}'"))
                .await
        });
        let when = match marked {
            Ok(()) => "it is dropped by a test run an hour from now".to_owned(),
            Err(e) => format!("it is dropped by the next test run ({e})"),
        };
        eprintln!(
            "seedbed: kept test database {} (its test failed); open it with `psql {}`, or drop \
             it with DROP DATABASE {}; {when}",
            self.name,
            mask_password(&self.url),
            self.name
        );
    }
}

/// `url` with its database (path) replaced by `database`, query parameters kept.
pub(crate) fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

#[cfg(test)]
mod tests {
    use super::{prefix_from, with_database};

    #[test]
    fn prefixes_are_safe_names() {
        assert_eq!(prefix_from(""), "");
        assert_eq!(prefix_from("MyApp"), "myapp_");
        assert_eq!(prefix_from("ci_"), "ci_");
        assert_eq!(prefix_from("a-b; DROP"), "abdrop_");
        assert_eq!(prefix_from(&"x".repeat(40)).len(), 21);
    }

    #[test]
    fn replaces_the_database() {
        assert_eq!(
            with_database("postgres://u@h:5432", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/postgres", "x"),
            "postgres://u@h/x"
        );
        assert_eq!(
            with_database("postgres://u@localhost/postgres?host=/tmp/s&port=1", "x"),
            "postgres://u@localhost/x?host=/tmp/s&port=1"
        );
    }
}
