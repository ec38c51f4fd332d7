//! Where the database is, and connecting to it.
//!
//! [`resolve`] picks the database URL, first match wins:
//!
//! 1. the `--database-url` value ([`DatabaseSource::Flag`]);
//! 2. the `DATABASE_URL` environment variable ([`DatabaseSource::Env`]);
//! 3. `DATABASE_URL` in the nearest `.env` file, searched from the current directory upward
//!    ([`DatabaseSource::DotEnv`]); the file is read, never loaded into the environment;
//! 4. otherwise a throwaway PostgreSQL cluster of the project, started or reused with the
//!    machine's own `initdb`/`pg_ctl` ([`DatabaseSource::LocalCluster`], see
//!    [`crate::engine::postgres::local_cluster`]).
//!
//! [`connect`] opens a pool, retrying briefly while the server is unreachable (it may be starting).
//!
//! ```no_run
//! # async fn run() -> Result<(), seedbed::Error> {
//! let db = seedbed::database::resolve(None).await?;
//! eprintln!("{}", db.describe());
//! let pool = seedbed::database::connect(&db.url).await?;
//! # Ok(())
//! # }
//! ```

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

use super::error::{ConnectError, Unreachable, db_error_parts};
use crate::engine::postgres::local_cluster::LocalCluster;
use crate::error::Error;

/// The environment variable (and `.env` key) holding the database URL.
pub const DATABASE_URL_ENV: &str = "DATABASE_URL";

/// How many times [`connect`] tries to reach an unreachable server.
pub const CONNECT_ATTEMPTS: u32 = 5;
/// The pause after the first failed attempt; it doubles after each one (0.1, 0.2, 0.4, 0.8 s).
pub const CONNECT_FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// [`connect`] gives up once this much time has gone by, whatever the attempts left.
pub const CONNECT_BUDGET: Duration = Duration::from_secs(3);

/// Where the database URL came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseSource {
    /// `--database-url`.
    Flag,
    /// The `DATABASE_URL` environment variable.
    Env,
    /// `DATABASE_URL` in a `.env` file ([`ResolvedDatabase::env_file`] says which).
    DotEnv,
    /// The project's throwaway local cluster.
    LocalCluster,
}

impl fmt::Display for DatabaseSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Flag => "--database-url",
            Self::Env => "DATABASE_URL",
            Self::DotEnv => ".env",
            Self::LocalCluster => "local cluster",
        })
    }
}

/// The database to use, and where that choice came from.
#[derive(Debug, Clone)]
pub struct ResolvedDatabase {
    /// The URL, validated, password included: do not print it, use [`ResolvedDatabase::masked_url`].
    pub url: String,
    /// Where the URL came from.
    pub source: DatabaseSource,
    /// The `.env` file, for [`DatabaseSource::DotEnv`].
    pub env_file: Option<PathBuf>,
    /// The cluster, for [`DatabaseSource::LocalCluster`].
    pub local: Option<LocalCluster>,
}

impl ResolvedDatabase {
    /// The URL with its password masked.
    pub fn masked_url(&self) -> String {
        mask_password(&self.url)
    }

    /// One line saying where the database is, for the user (stderr).
    pub fn describe(&self) -> String {
        let url = self.masked_url();
        match (self.source, &self.local, &self.env_file) {
            (DatabaseSource::LocalCluster, Some(cluster), _) => format!(
                "using local PostgreSQL at {} ({}), open it with: {}",
                cluster.dir().display(),
                cluster.outcome(),
                cluster.psql_command()
            ),
            (DatabaseSource::DotEnv, _, Some(file)) => {
                format!("using {url} (DATABASE_URL in {})", file.display())
            }
            (source, _, _) => format!("using {url} (from {source})"),
        }
    }

    /// Connects to it, see [`connect`].
    pub async fn connect(&self) -> Result<PgPool, Error> {
        connect(&self.url).await
    }
}

/// Picks the database: `flag`, else `DATABASE_URL`, else `.env`, else the local cluster (started
/// if needed, in [`LocalCluster::default_dir`]). URLs are validated, not connected to.
pub async fn resolve(flag: Option<&str>) -> Result<ResolvedDatabase, Error> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::io("cannot determine the current directory", e))?;
    if let Some(found) = explicit_url(flag, std::env::var_os(DATABASE_URL_ENV), &cwd)? {
        return Ok(found);
    }
    let dir = LocalCluster::default_dir()?;
    let cluster = LocalCluster::ensure(&dir).await?;
    Ok(ResolvedDatabase {
        url: cluster.url(),
        source: DatabaseSource::LocalCluster,
        env_file: None,
        local: Some(cluster),
    })
}

/// Steps 1 to 3 of [`resolve`]: `None` when no URL is given anywhere.
fn explicit_url(
    flag: Option<&str>,
    env: Option<OsString>,
    cwd: &Path,
) -> Result<Option<ResolvedDatabase>, Error> {
    let found = |url: String, source, env_file| {
        parse_url(&url)?;
        Ok(Some(ResolvedDatabase {
            url,
            source,
            env_file,
            local: None,
        }))
    };
    if let Some(url) = flag {
        return found(url.to_owned(), DatabaseSource::Flag, None);
    }
    if let Some(value) = env.filter(|v| !v.is_empty()) {
        let url = value.into_string().map_err(|v| {
            Error::Connect(ConnectError::InvalidDatabaseUrl {
                url: mask_password(&v.to_string_lossy()),
                reason: "DATABASE_URL is not valid UTF-8".to_owned(),
            })
        })?;
        return found(url, DatabaseSource::Env, None);
    }
    if let Some(path) = find_dotenv(cwd)
        && let Some(url) = read_dotenv_url(&path)?
    {
        return found(url, DatabaseSource::DotEnv, Some(path));
    }
    Ok(None)
}

/// The nearest `.env` file in `start` or one of its ancestors.
fn find_dotenv(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(".env"))
        .find(|file| file.is_file())
}

/// `DATABASE_URL` from a `.env` file (without touching the environment); the whole file must parse.
fn read_dotenv_url(path: &Path) -> Result<Option<String>, Error> {
    let dotenv_error = |e: dotenvy::Error| {
        Error::Connect(ConnectError::DotEnv {
            path: path.to_owned(),
            message: e.to_string(),
        })
    };
    let mut url = None;
    for item in dotenvy::from_path_iter(path).map_err(dotenv_error)? {
        let (key, value) = item.map_err(dotenv_error)?;
        if key == DATABASE_URL_ENV && !value.is_empty() {
            url = Some(value);
        }
    }
    Ok(url)
}

/// Parses a PostgreSQL URL; the error shows it with the password masked and says what is expected.
pub fn parse_url(url: &str) -> Result<PgConnectOptions, Error> {
    let invalid = |reason: String| {
        Error::Connect(ConnectError::InvalidDatabaseUrl {
            url: mask_password(url),
            reason,
        })
    };
    if url.trim().is_empty() {
        return Err(invalid("the URL is empty".to_owned()));
    }
    match url.split_once("://") {
        Some(("postgres" | "postgresql", _)) => {}
        Some((scheme, _)) => {
            return Err(invalid(format!(
                "the scheme is `{scheme}`, seedbed needs postgres:// or postgresql://"
            )));
        }
        None => return Err(invalid("this is not a URL (no `://`)".to_owned())),
    }
    PgConnectOptions::from_str(url).map_err(|e| {
        let message = e.to_string();
        let message = message
            .strip_prefix("error with configuration: ")
            .unwrap_or(&message)
            .to_owned();
        invalid(message)
    })
}

/// The URL with its password (in the user info, or a `password=` parameter) replaced by `***`.
///
/// ```
/// use seedbed::database::mask_password;
/// assert_eq!(mask_password("postgres://app:s3cret@db:5432/app"), "postgres://app:***@db:5432/app");
/// assert_eq!(mask_password("postgres://app@db/app"), "postgres://app@db/app");
/// assert_eq!(mask_password("postgres://db/app?password=x&sslmode=require"),
///            "postgres://db/app?password=***&sslmode=require");
/// ```
pub fn mask_password(url: &str) -> String {
    let mut out = url.to_owned();
    {
        // Without a scheme (`user:pass@host/db`, a common mistake) the whole text is the rest.
        let start = out.find("://").map_or(0, |i| i + 3);
        let rest = &out[start..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        // The user info ends at the last `@` of the authority; if the authority has none but the
        // rest of the URL does, the password probably holds an unescaped `/`, `?` or `#`: mask up
        // to the first `@` rather than leak it.
        let at = rest[..authority_end].rfind('@').or_else(|| rest.find('@'));
        if let Some(at) = at
            && let Some(colon) = rest[..at].find(':')
        {
            out.replace_range(start + colon + 1..start + at, "***");
        }
    }
    if let Some(query_start) = out.find('?') {
        let mut result = out[..=query_start].to_owned();
        let query = &out[query_start + 1..];
        let (query, fragment) = match query.find('#') {
            Some(i) => query.split_at(i),
            None => (query, ""),
        };
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        result.push_str(&pairs.join("&"));
        result.push_str(fragment);
        out = result;
    }
    out
}

/// Where `options` points: `host:port`, or the Unix socket file.
fn target(options: &PgConnectOptions) -> String {
    match options.get_socket() {
        Some(dir) => format!("{}/.s.PGSQL.{}", dir.display(), options.get_port()),
        None if options.get_host().starts_with('/') => {
            format!("{}/.s.PGSQL.{}", options.get_host(), options.get_port())
        }
        None => format!("{}:{}", options.get_host(), options.get_port()),
    }
}

/// Opens a connection pool to `url`.
///
/// While the server is unreachable (connection refused, timeout, "starting up") it retries
/// [`CONNECT_ATTEMPTS`] times with a doubling pause from [`CONNECT_FIRST_BACKOFF`], never for
/// longer than [`CONNECT_BUDGET`] in all; other failures (bad password, unknown database) fail at
/// once. The error names the server (`host:port`), the URL with its password masked, the cause and
/// what to do.
pub async fn connect(url: &str) -> Result<PgPool, Error> {
    let options = parse_url(url)?;
    let start = Instant::now();
    let mut delay = CONNECT_FIRST_BACKOFF;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let remaining = CONNECT_BUDGET
            .saturating_sub(start.elapsed())
            .max(Duration::from_millis(100));
        let failure =
            match tokio::time::timeout(remaining, PgConnection::connect_with(&options)).await {
                Ok(Ok(probe)) => {
                    let _ = probe.close().await;
                    break;
                }
                Ok(Err(error)) => ConnectFailure::from_sqlx(&error),
                Err(_) => ConnectFailure::timed_out(remaining),
            };
        let out_of_time = start.elapsed() + delay >= CONNECT_BUDGET;
        if !failure.retryable || attempts >= CONNECT_ATTEMPTS || out_of_time {
            return Err(failure.into_error(url, &options, attempts, start.elapsed()));
        }
        tracing::debug!(attempt = attempts, cause = %failure.cause, "database not reachable yet, retrying");
        tokio::time::sleep(delay).await;
        delay *= 2;
    }
    PgPoolOptions::new()
        .connect_with(options.clone())
        .await
        .map_err(|error| {
            ConnectFailure::from_sqlx(&error).into_error(
                url,
                &options,
                attempts + 1,
                start.elapsed(),
            )
        })
}

struct ConnectFailure {
    retryable: bool,
    cause: String,
    sqlstate: Option<String>,
    hint: &'static str,
}

const HINT_NOT_RUNNING: &str = "is PostgreSQL running? Start it, or pass --database-url (or set \
                                DATABASE_URL) to point at a server that is";

impl ConnectFailure {
    fn from_sqlx(error: &sqlx::Error) -> Self {
        let (sqlstate, cause) = db_error_parts(error);
        let (retryable, hint) = match (error, sqlstate.as_deref()) {
            // A host name that does not resolve will not start resolving in two seconds.
            (sqlx::Error::Io(e), _) if e.to_string().contains("lookup address") => {
                (false, "check the host name in the URL")
            }
            (sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut, _) => (true, HINT_NOT_RUNNING),
            // cannot_connect_now: the server is starting up or shutting down
            (_, Some("57P03")) => (true, HINT_NOT_RUNNING),
            (_, Some("28P01" | "28000")) => (
                false,
                "check the user name and password in the URL (and pg_hba.conf on the server)",
            ),
            (_, Some("3D000")) => (
                false,
                "the database does not exist: create it (createdb NAME) or fix the database name \
                 in the URL",
            ),
            (sqlx::Error::Tls(_), _) => (false, "check the sslmode parameter of the URL"),
            _ => (false, "check the URL and the server"),
        };
        Self {
            retryable,
            cause,
            sqlstate,
            hint,
        }
    }

    fn timed_out(after: Duration) -> Self {
        Self {
            retryable: true,
            cause: format!("no answer within {:.1} s", after.as_secs_f64()),
            sqlstate: None,
            hint: HINT_NOT_RUNNING,
        }
    }

    fn into_error(
        self,
        url: &str,
        options: &PgConnectOptions,
        attempts: u32,
        elapsed: Duration,
    ) -> Error {
        Error::Connect(ConnectError::Unreachable(Box::new(Unreachable {
            target: target(options),
            url: mask_password(url),
            attempts,
            elapsed,
            cause: self.cause,
            sqlstate: self.sqlstate,
            hint: self.hint,
        })))
    }
}

/// A connection of its own for a seed run, out of `pool` (closing it releases the seed-run
/// lock, whatever the run was doing), configured for seeding.
pub(crate) async fn run_session(pool: &PgPool) -> Result<PgConnection, Error> {
    let mut conn = pool
        .acquire()
        .await
        .map_err(|e| Error::database("connecting", &e))?
        .detach();
    // Seeding runs many short statements once each: compiling them with JIT costs far more
    // than it saves (hundreds of milliseconds a statement on large tables). Commits keep
    // the server's synchronous_commit: what the runner reports committed survives a crash.
    sqlx::raw_sql("SET jit = off")
        .execute(&mut conn)
        .await
        .map_err(|e| Error::database("configuring the session", &e))?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_passwords() {
        assert_eq!(
            mask_password("postgres://u:p@h:1/d?sslmode=disable"),
            "postgres://u:***@h:1/d?sslmode=disable"
        );
        assert_eq!(
            mask_password("postgres://u:p/x?y@h/d"),
            "postgres://u:***@h/d"
        );
        assert_eq!(
            mask_password("postgres://h/d?user=u&PASSWORD=p"),
            "postgres://h/d?user=u&PASSWORD=***"
        );
        assert_eq!(mask_password("not a url"), "not a url");
        assert_eq!(mask_password("u:p@h/d"), "u:***@h/d");
        assert_eq!(mask_password("postgres://u@h/d"), "postgres://u@h/d");
    }

    #[test]
    fn bad_urls_are_explained_without_the_password() {
        for url in [
            "mysql://u:hunter2@h/d",
            "u:hunter2@h/d",
            "postgres://u:hunter2@h:notaport/d",
            "",
        ] {
            let message = parse_url(url).unwrap_err().to_string();
            assert!(!message.contains("hunter2"), "{message}");
            assert!(
                message.contains("postgres://user[:password]@host[:port]/database"),
                "{message}"
            );
        }
        assert!(parse_url("postgresql://u:p@h:5433/d").is_ok());
        assert!(parse_url("postgres://postgres@localhost/seedbed?host=/tmp/x&port=5000").is_ok());
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("seedbed-db-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        dir
    }

    #[test]
    fn precedence_flag_env_dotenv() {
        let dir = scratch("precedence");
        std::fs::write(
            dir.join(".env"),
            "OTHER=1\nDATABASE_URL=postgres://dot@h/d\n",
        )
        .unwrap();
        let cwd = dir.join("a/b");

        let flag = explicit_url(
            Some("postgres://flag@h/d"),
            Some("postgres://env@h/d".into()),
            &cwd,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (flag.source, flag.url.as_str()),
            (DatabaseSource::Flag, "postgres://flag@h/d")
        );

        let env = explicit_url(None, Some("postgres://env@h/d".into()), &cwd)
            .unwrap()
            .unwrap();
        assert_eq!(env.source, DatabaseSource::Env);

        let dot = explicit_url(None, None, &cwd).unwrap().unwrap();
        assert_eq!(dot.source, DatabaseSource::DotEnv);
        assert_eq!(dot.url, "postgres://dot@h/d");
        assert_eq!(dot.env_file.as_deref(), Some(dir.join(".env").as_path()));
        assert!(dot.describe().contains(".env"), "{}", dot.describe());

        std::fs::write(dir.join(".env"), "OTHER=1\n").unwrap();
        assert!(explicit_url(None, None, &cwd).unwrap().is_none());

        std::fs::write(dir.join(".env"), "DATABASE_URL='unterminated\n").unwrap();
        let message = explicit_url(None, None, &cwd).unwrap_err().to_string();
        assert!(
            message.contains(&dir.join(".env").display().to_string()),
            "{message}"
        );

        std::fs::remove_dir_all(&dir).unwrap();
    }
}
