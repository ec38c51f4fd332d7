//! Helpers for tests that need a real PostgreSQL: a fresh database per test.
//!
//! The server is given by `SEEDBED_TEST_ADMIN_URL` (a URL of a role allowed to create databases),
//! by default `postgres://postgres@127.0.0.1:5432`. Each [`TestDatabase`] is a new, empty database
//! named `seedbed_test_<unix time>_<pid>_<n>` (after the prefix in `SEEDBED_TEST_DB_PREFIX`, if
//! set: `myapp_seedbed_test_...`); drop it at the end of the test with [`TestDatabase::drop`].
//! A test that fails (panics, or returns early with `?`) never reaches that call: its database
//! is kept for a look, and its name printed on stderr. Databases left behind are dropped by a
//! later [`TestDatabase::create`] once they are more than an hour old, and fixture templates
//! (`seedbed_tpl_*`) once unused for a week.
//!
//! ```no_run
//! use seedbed::testing::TestDatabase;
//!
//! #[tokio::test]
//! async fn inserts_a_venue() -> anyhow::Result<()> {
//!     let db = TestDatabase::create().await?;
//!     let pool = db.connect().await?;
//!     sqlx::query("CREATE TABLE venues (name text)").execute(&pool).await?;
//!     // ...
//!     pool.close().await;
//!     db.drop().await?;
//!     Ok(())
//! }
//! ```

pub mod fixture;

pub use fixture::Fixture;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::{Connection, PgConnection, PgPool};

use crate::engine::postgres::connect::{connect, mask_password, parse_url};
use crate::error::Error;

/// The environment variable naming the server used by tests.
pub const ADMIN_URL_ENV: &str = "SEEDBED_TEST_ADMIN_URL";
/// The server used by tests when [`ADMIN_URL_ENV`] is not set.
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432";
/// The prefix of every test database's name (after the one of [`PREFIX_ENV`]).
pub const NAME_PREFIX: &str = "seedbed_test_";
/// The environment variable holding a prefix of your own for test database names (letters,
/// digits and `_`; at most 20).
pub const PREFIX_ENV: &str = "SEEDBED_TEST_DB_PREFIX";
/// Test databases older than this are assumed abandoned and dropped.
const STALE_AFTER: Duration = Duration::from_secs(3600);
/// Fixture templates unused for this long are dropped (a test needing one builds it again).
const TEMPLATE_STALE_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh database for one test.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL of the new database.
    pub url: String,
    name: String,
    admin_url: String,
    /// Set by [`TestDatabase::drop`]; a value dropped without it belongs to a failed test.
    dropped: bool,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if !self.dropped {
            eprintln!(
                "seedbed: kept test database {} (its test ended before TestDatabase::drop: it \
                 failed); look at it with psql, drop it with DROP DATABASE {}, or let a test run \
                 an hour from now sweep it",
                self.name, self.name
            );
        }
    }
}

/// The user's prefix of test database names, from [`PREFIX_ENV`].
fn user_prefix() -> String {
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
    /// The admin URL: `$SEEDBED_TEST_ADMIN_URL`, else [`DEFAULT_ADMIN_URL`].
    pub fn admin_url() -> String {
        std::env::var(ADMIN_URL_ENV)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_ADMIN_URL.to_owned())
    }

    /// Creates a new empty database on the server of [`TestDatabase::admin_url`].
    pub async fn create() -> Result<Self, Error> {
        Self::create_on(&Self::admin_url()).await
    }

    /// Creates a new empty database on the server of `admin_url`.
    pub async fn create_on(admin_url: &str) -> Result<Self, Error> {
        Self::create_from(admin_url, None).await
    }

    /// Creates a new database on the server of `admin_url`, a copy of `template` when given.
    pub(crate) async fn create_from(
        admin_url: &str,
        template: Option<&str>,
    ) -> Result<Self, Error> {
        parse_url(admin_url)?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let name = format!(
            "{}{NAME_PREFIX}{now}_{}_{}",
            user_prefix(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = admin_connection(admin_url).await?;
        sweep_stale(&mut admin, now).await;
        let template = template
            .map(|t| format!(" TEMPLATE {t}"))
            .unwrap_or_default();
        sqlx::query(&format!("CREATE DATABASE {name}{template}"))
            .execute(&mut admin)
            .await
            .map_err(|e| Error::database(format!("creating test database {name}"), &e))?;
        let _ = admin.close().await;
        Ok(Self {
            url: with_database(admin_url, &name),
            name,
            admin_url: admin_url.to_owned(),
            dropped: false,
        })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A pool connected to the database.
    pub async fn connect(&self) -> Result<PgPool, Error> {
        connect(&self.url).await
    }

    /// Drops the database, closing any session still connected to it.
    pub async fn drop(mut self) -> Result<(), Error> {
        let mut admin = admin_connection(&self.admin_url).await?;
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut admin)
        .await
        .map_err(|e| Error::database(format!("dropping test database {}", self.name), &e))?;
        let _ = admin.close().await;
        self.dropped = true;
        Ok(())
    }
}

pub(crate) async fn admin_connection(admin_url: &str) -> Result<PgConnection, Error> {
    PgConnection::connect(admin_url).await.map_err(|e| {
        Error::database(
            format!(
                "connecting to the test server {} (set {ADMIN_URL_ENV} to another one)",
                mask_password(admin_url)
            ),
            &e,
        )
    })
}

/// Best effort: drops `[prefix]seedbed_test_<time>_...` databases older than [`STALE_AFTER`],
/// and fixture templates whose last use (their comment, see [`mark_template_used`]) is older
/// than [`TEMPLATE_STALE_AFTER`].
async fn sweep_stale(admin: &mut PgConnection, now: u64) {
    let Ok(databases) = sqlx::query_as::<_, (String, Option<String>)>(
        "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database
         WHERE datname LIKE '%seedbed\\_test\\_%' OR datname LIKE 'seedbed\\_tpl\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    else {
        return;
    };
    // A time, not some other number (a process id): after 2001-09-09.
    let older = |t: u64, age: Duration| t > 1_000_000_000 && now.saturating_sub(t) > age.as_secs();
    for (name, comment) in databases {
        let last_used = comment
            .as_deref()
            .and_then(|c| c.strip_prefix(TEMPLATE_COMMENT))
            .and_then(|t| t.trim().parse::<u64>().ok());
        let stale = match name.strip_prefix(fixture::TEMPLATE_PREFIX) {
            Some(rest) if rest.ends_with("_building") => false,
            // Made before templates recorded their use: the clock starts now (dropping it could
            // pull it from under a test about to copy it).
            Some(_) if last_used.is_none() => {
                let _ = mark_template_used(admin, &name).await;
                false
            }
            Some(_) => last_used.is_some_and(|t| older(t, TEMPLATE_STALE_AFTER)),
            None => name
                .rsplit_once(NAME_PREFIX)
                .and_then(|(_, rest)| rest.split('_').next())
                .and_then(|t| t.parse::<u64>().ok())
                .is_some_and(|t| older(t, STALE_AFTER)),
        };
        let safe = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if stale && safe {
            tracing::info!(%name, "dropping a stale test database or unused fixture template");
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut *admin)
                .await;
        }
    }
}

/// The start of a fixture template's comment, followed by the unix time of its last use.
const TEMPLATE_COMMENT: &str = "seedbed fixture template, last used ";

/// Records that `template` is being used now, so the sweep keeps it.
pub(crate) async fn mark_template_used(
    admin: &mut PgConnection,
    template: &str,
) -> Result<(), Error> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let template = crate::engine::postgres::sql::ident(template);
    sqlx::query(&format!(
        "COMMENT ON DATABASE {template} IS '{TEMPLATE_COMMENT}{now}'"
    ))
    .execute(admin)
    .await
    .map(drop)
    .map_err(|e| Error::database(format!("marking the fixture template {template} used"), &e))
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
