//! Getting a PostgreSQL connection: a URL or `.env` that cannot be used, a server that cannot
//! be reached, a local cluster that cannot be started; and how a server's error becomes text.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Why seedbed could not get a connection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// A database URL that cannot be used. `url` has its password masked.
    #[error(
        "invalid database URL `{url}`: {reason}; expected the form \
         postgres://user[:password]@host[:port]/database"
    )]
    InvalidDatabaseUrl {
        /// The URL as given, password masked.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A `.env` file that cannot be read or parsed.
    #[error("cannot read {}: {message}; fix the file, or pass --database-url", path.display())]
    DotEnv {
        /// The `.env` file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },

    /// The server could not be reached (after a short bounded retry), or it refused the connection.
    #[error("{0}")]
    Unreachable(Box<Unreachable>),

    /// No `initdb`/`pg_ctl` anywhere we looked.
    #[error(
        "no PostgreSQL server binaries (initdb and pg_ctl) found on PATH, through `pg_config \
         --bindir`, or in {}; install PostgreSQL (`apt-get install postgresql` on Debian/Ubuntu, \
         `brew install postgresql@16` on macOS), or pass --database-url (or set DATABASE_URL) to \
         use a running server",
        display_paths(searched)
    )]
    PostgresNotInstalled {
        /// The folders searched besides `PATH`.
        searched: Vec<PathBuf>,
    },

    /// Running as root, which PostgreSQL refuses, and there is no `postgres` OS user to run it as.
    #[error(
        "cannot start a local PostgreSQL cluster in {}: running as root, which PostgreSQL refuses, \
         and there is no `postgres` OS user to run it as; create that user (installing the \
         postgresql package does), run as an ordinary user, or pass --database-url",
        dir.display()
    )]
    NoPostgresUser {
        /// The cluster's folder.
        dir: PathBuf,
    },

    /// A step of starting the local cluster failed (`initdb`, `pg_ctl start`, ...).
    #[error("local PostgreSQL cluster in {}: {action} failed: {detail}", dir.display())]
    LocalCluster {
        /// The cluster's folder.
        dir: PathBuf,
        /// The step that failed (`initdb`, `pg_ctl start`, `creating the database`, ...).
        action: String,
        /// Its output or error, with where to look (the server log).
        detail: String,
    },
}

/// The details of [`ConnectError::Unreachable`].
#[derive(Debug, Clone)]
pub struct Unreachable {
    /// `host:port`, or the Unix socket path.
    pub target: String,
    /// The URL with its password masked.
    pub url: String,
    /// How many connections were attempted.
    pub attempts: u32,
    /// How long the attempts took in all.
    pub elapsed: Duration,
    /// The last attempt's error.
    pub cause: String,
    /// The SQLSTATE, when the server answered with an error.
    pub sqlstate: Option<String>,
    /// What to do about it.
    pub hint: &'static str,
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot connect to PostgreSQL at {} ({}) after {} attempt{} in {:.1} s: {}; {}",
            self.target,
            self.url,
            self.attempts,
            if self.attempts == 1 { "" } else { "s" },
            self.elapsed.as_secs_f64(),
            self.cause,
            self.hint
        )
    }
}

impl ConnectError {
    /// The SQLSTATE of the server's answer, when it refused the connection.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            Self::Unreachable(details) => details.sqlstate.as_deref(),
            _ => None,
        }
    }
}

/// Splits a sqlx error into its SQLSTATE (for database errors) and a message that includes the
/// server's detail and hint when it sent them.
pub(crate) fn db_error_parts(error: &sqlx::Error) -> (Option<String>, String) {
    match error {
        sqlx::Error::Database(db) => {
            let mut message = db.message().to_owned();
            if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                if let Some(detail) = pg.detail() {
                    message.push_str(" (detail: ");
                    message.push_str(detail);
                    message.push(')');
                }
                if let Some(hint) = pg.hint() {
                    message.push_str(" (hint: ");
                    message.push_str(hint);
                    message.push(')');
                }
            }
            (db.code().map(|c| c.into_owned()), message)
        }
        other => (None, other.to_string()),
    }
}

/// A server's message followed by its SQLSTATE, as every error that carries one shows it.
pub(crate) struct DbMessage<'a> {
    pub sqlstate: Option<&'a str>,
    pub message: &'a str,
}

impl fmt::Display for DbMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sqlstate {
            Some(code) => write!(f, "{} (SQLSTATE {code})", self.message),
            None => f.write_str(self.message),
        }
    }
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "the usual places".to_owned();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
