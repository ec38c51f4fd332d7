//! The end of a run: a process that outlives the test processes and drops the ready and shared
//! clones, and whatever tests left, once the last of them is gone.
//!
//! No test process knows it is the last (`cargo test` runs one binary after another, cargo
//! nextest a process per test), and none can run code when it exits. So the first process of a
//! run starts this one: its own test binary again, filtered to the test that started it, with
//! [`JANITOR_ENV`] set, in a process group of its own (a Ctrl-C of the run does not reach it),
//! as rusty-fork and seedbed's own UI tests re-run a test. Whichever seedbed entry point runs
//! first in it ([`run_if_janitor`]) waits until no member session of the prefix is left for
//! [`GRACE`], sweeps, and exits. A janitor killed too leaves its sweep to the next run's start.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};

use crate::testing::names::{Locks, sweep};

/// Set (to the admin URL) in the janitor's environment.
pub const JANITOR_ENV: &str = "SEEDBED_TEST_JANITOR";
/// How long no test process may be alive before the janitor sweeps: `cargo test` starts the next
/// test binary within milliseconds, which then finds the pool still full.
const GRACE: Duration = Duration::from_secs(1);
const POLL: Duration = Duration::from_millis(250);

/// The name of the first test that used seedbed in this process (libtest names each test's
/// thread after it), to filter the janitor's run to.
static TEST_NAME: OnceLock<String> = OnceLock::new();

/// Notes the current test's name; call on the test's own thread.
pub(crate) fn remember_test() {
    if let Some(name) = std::thread::current().name().filter(|n| *n != "main") {
        let _ = TEST_NAME.set(name.to_owned());
    }
}

/// In the janitor process: does its work and exits the process. Elsewhere: returns at once.
pub(crate) fn run_if_janitor() {
    let Ok(admin_url) = std::env::var(JANITOR_ENV) else {
        return;
    };
    // On a thread of its own: the caller may be inside a runtime already.
    let _ = std::thread::spawn(move || {
        if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            runtime.block_on(watch(&admin_url));
        }
    })
    .join();
    std::process::exit(0);
}

async fn watch(admin_url: &str) {
    let prefix = super::user_prefix();
    let locks = Locks::of(&prefix);
    let Ok(mut admin) = PgConnection::connect(admin_url).await else {
        return;
    };
    let try_lock = |class: i32| {
        sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1, 0)").bind(class)
    };
    if !try_lock(locks.janitor)
        .fetch_one(&mut admin)
        .await
        .unwrap_or(false)
    {
        return; // another janitor watches this run
    }
    let mut free_since: Option<Instant> = None;
    loop {
        tokio::time::sleep(POLL).await;
        let Ok(nobody) = try_lock(locks.members).fetch_one(&mut admin).await else {
            return;
        };
        if !nobody {
            free_since = None;
            continue;
        }
        if free_since.get_or_insert_with(Instant::now).elapsed() >= GRACE {
            // Still holding the members lock: a test process starting now waits for the sweep.
            sweep(&mut admin, &prefix, true).await;
            let _ = admin.close().await;
            return;
        }
        let _ = sqlx::query("SELECT pg_advisory_unlock($1, 0)")
            .bind(locks.members)
            .execute(&mut admin)
            .await;
    }
}

/// Starts a janitor for the run unless one is watching already (best effort: without one, the
/// next run's first process sweeps).
pub(crate) async fn ensure_running(member: &mut PgConnection, admin_url: &str, locks: &Locks) {
    let watching: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory'
                        AND classid = $1::int4::oid AND objsubid = 2 AND granted)",
    )
    .bind(locks.janitor)
    .fetch_one(member)
    .await
    .unwrap_or(true);
    let (Some(test), Ok(exe)) = (TEST_NAME.get(), std::env::current_exe()) else {
        return;
    };
    if watching {
        return;
    }
    use std::process::{Command, Stdio};
    let mut command = Command::new(exe);
    command
        .args([
            test.as_str(),
            "--exact",
            "--include-ignored",
            "--test-threads=1",
        ])
        .env(JANITOR_ENV, admin_url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let started = command.spawn();
    if let Err(e) = started {
        tracing::warn!(%e, "could not start seedbed's test janitor; the next run sweeps instead");
    }
}
