//! What a `#[seedbed::test]` function runs: a tokio runtime, the test's database, the test, and
//! then the database dropped (the test passed) or kept (it failed).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;
use sqlx::{Connection, PgConnection, PgPool};

use crate::testing::{Fixture, TestDatabase, janitor};
use crate::{Context, Error};

/// Which database a test gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A database of its own, dropped when the test passes.
    Own,
    /// The clone shared by the run's read-only tests; its sessions refuse writes.
    ReadOnly,
    /// The shared clone, through a connection in a transaction that is never committed.
    Rollback,
}

/// What a test function returns: `()` or a `Result`.
pub trait TestResult {
    /// Whether the test passed (a panic aside).
    fn passed(&self) -> bool;
}

impl TestResult for () {
    fn passed(&self) -> bool {
        true
    }
}

impl<T, E> TestResult for Result<T, E> {
    fn passed(&self) -> bool {
        self.is_ok()
    }
}

/// A type a `#[seedbed::test]` function can take: a connection to its database.
#[diagnostic::on_unimplemented(
    message = "a `#[seedbed::test]` function cannot take a `{Self}`",
    label = "expected `PgPool`, `PgConnection` or `&TestDatabase`",
    note = "the test's database is handed over as an `sqlx::PgPool`, an `sqlx::PgConnection`, or \
            the handle `&seedbed::testing::TestDatabase`"
)]
pub trait TestArgument: Sized {
    /// Connects to `db`.
    fn take(db: &TestDatabase) -> impl Future<Output = Result<Self, Error>>;
}

impl TestArgument for PgPool {
    async fn take(db: &TestDatabase) -> Result<Self, Error> {
        db.connect().await
    }
}

impl TestArgument for PgConnection {
    async fn take(db: &TestDatabase) -> Result<Self, Error> {
        if let Some(pool) = db.take_connected() {
            return pool
                .acquire()
                .await
                .map(sqlx::pool::PoolConnection::detach)
                .map_err(|e| Error::database(format!("connecting to {}", db.name()), &e));
        }
        PgConnection::connect(&db.url)
            .await
            .map_err(|e| Error::database(format!("connecting to {}", db.name()), &e))
    }
}

/// A connection to `db` inside a transaction: whatever the test writes goes when the
/// connection closes.
pub async fn transaction(db: &TestDatabase) -> Result<PgConnection, Error> {
    let mut conn = PgConnection::take(db).await?;
    sqlx::query("BEGIN")
        .execute(&mut conn)
        .await
        .map_err(|e| Error::database("starting the test's transaction", &e))?;
    Ok(conn)
}

/// The value of an argument, or the test fails saying why it has none.
pub fn argument<T>(taken: Result<T, Error>) -> T {
    taken.unwrap_or_else(|e| panic!("seedbed: cannot connect the test to its database: {e}"))
}

/// The context of a test's units: the default, with what the attribute gives (a clock as unix
/// seconds, checked by the macro).
pub fn context(clock: Option<i64>, scale: &[(&str, u64)], random_seed: Option<u64>) -> Context {
    let default = Context::default();
    Context {
        clock: clock
            .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
            .unwrap_or(default.clock),
        scale: scale.iter().map(|(n, v)| ((*n).to_owned(), *v)).collect(),
        random_seed: random_seed.unwrap_or(default.random_seed),
    }
}

/// Runs `test` on a new tokio runtime with a database of `fixture`, as `mode` says.
pub fn run<R, F, Fut>(fixture: Fixture, mode: Mode, test: F) -> R
where
    F: FnOnce(Arc<TestDatabase>) -> Fut,
    Fut: Future<Output = R>,
    R: TestResult,
{
    janitor::run_if_janitor();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("seedbed: cannot start a tokio runtime for the test: {e}"));
    runtime.block_on(async move {
        let db = match mode {
            Mode::Own => fixture.database().await,
            Mode::ReadOnly => fixture.shared_database(true).await,
            Mode::Rollback => fixture.shared_database(false).await,
        }
        .unwrap_or_else(|e| panic!("seedbed: no database for the test: {e}"));
        let db = Arc::new(db);
        let outcome = AssertUnwindSafe(test(Arc::clone(&db))).catch_unwind().await;
        if matches!(&outcome, Ok(result) if result.passed()) {
            // Under nextest the process ends with the test: wait for the drop. Under cargo test
            // the next test need not (a drop the exit cuts short is swept at the end of the run).
            if std::env::var_os("NEXTEST").is_some() {
                if let Err(e) = db.drop_now().await {
                    eprintln!("seedbed: {e}; the end of the run drops it");
                }
            } else {
                db.drop_in_background();
            }
        }
        // A failed test's database is kept (and named) as the last handle goes.
        drop(db);
        match outcome {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
