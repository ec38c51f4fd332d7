//! Names and advisory locks of test databases, and the sweep that reads them.
//!
//! Test databases outlive no run: they are named after the process that made them, and that
//! process holds an advisory lock for as long as it lives (its *owner lock*, on the *member
//! session*), so any process can tell a database in use from one a killed run left behind. The
//! names, with `p` the user's prefix ([`super::PREFIX_ENV`]):
//!
//! - `{p}seedbed_tpl_<hash>`: a template (migrations and units applied), kept across runs and
//!   dropped once unused for a week;
//! - `{p}seedbed_pool_<hash16>_<pid>_<n>`: a ready clone of a template, claimed by a test with
//!   `ALTER DATABASE ... RENAME` (the server lets one session win), dropped at the end of the run
//!   (made as `{p}seedbed_warm_...` and renamed once ready);
//! - `{p}seedbed_shared_<hash16>`: the one clone that read-only and rolled-back tests share,
//!   dropped at the end of the run;
//! - `{p}seedbed_test_<unix time>_<pid>_<n>`: a test's own database, dropped when the test passes,
//!   kept for an hour when it fails (its comment says so), dropped by anyone once its process is
//!   gone otherwise.
//!
//! The end of a run is the janitor's (`janitor.rs`); the start of one sweeps what a killed run
//! left ([`sweep`]).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use crate::Error;

/// A failed test's database is kept this long for a look, then swept.
const KEPT_FOR: Duration = Duration::from_secs(3600);
/// Templates unused for this long are dropped (a test needing one builds it again).
const TEMPLATE_STALE_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);
/// The comment of a failed test's database.
pub(crate) const KEPT_COMMENT: &str = "seedbed: kept, its test failed";
/// The start of a template's comment, followed by the unix time of its last use.
pub(crate) const TEMPLATE_COMMENT: &str = "seedbed fixture template, last used ";

pub(crate) const TEMPLATE_KIND: &str = "seedbed_tpl_";
pub(crate) const POOL_KIND: &str = "seedbed_pool_";
pub(crate) const SHARED_KIND: &str = "seedbed_shared_";
/// A ready clone being made.
pub(crate) const WARMING_KIND: &str = "seedbed_warm_";
pub(crate) const TEST_KIND: &str = "seedbed_test_";

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

/// The advisory-lock classes of a prefix (two-key locks: class, then 0 or a process id). Each
/// prefix has its own, so projects sharing a server do not wait on each other.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Locks {
    /// Held shared by every live member session; exclusive only when none is left.
    pub members: i32,
    /// Held by each member session with its process id as second key.
    pub owner: i32,
    /// Held by the one janitor process of a run.
    pub janitor: i32,
}

impl Locks {
    pub fn of(prefix: &str) -> Locks {
        let class = |what: &str| {
            let digest = Sha256::digest(format!("{what} {prefix}"));
            // Positive, so it reads back the same from pg_locks.classid (an oid).
            i32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]]) & 0x7fff_ffff
        };
        Locks {
            members: class("seedbed test members"),
            owner: class("seedbed test owner"),
            janitor: class("seedbed test janitor"),
        }
    }
}

/// The key of the advisory lock under which `name` (a template, a shared clone) is made.
pub(crate) fn lock_key(name: &str) -> i64 {
    let digest = Sha256::digest(name.as_bytes());
    i64::from_le_bytes(digest[..8].try_into().unwrap_or_default())
}

/// Best effort: drops what no live process uses. Test databases of processes that are gone
/// (unless kept for a failed test, which go after [`KEPT_FOR`]), templates unused for
/// [`TEMPLATE_STALE_AFTER`], and, when `nobody_alive` (the caller holds the members lock
/// exclusively), every ready and shared clone.
pub(crate) async fn sweep(admin: &mut PgConnection, prefix: &str, nobody_alive: bool) {
    let locks = Locks::of(prefix);
    let Ok(databases) = sqlx::query_as::<_, (String, Option<String>)>(
        "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database
         WHERE starts_with(datname, $1)",
    )
    .bind(format!("{prefix}seedbed_"))
    .fetch_all(&mut *admin)
    .await
    else {
        return;
    };
    let Ok(live) = sqlx::query_scalar::<_, i64>(
        "SELECT objid::int8 FROM pg_locks
         WHERE locktype = 'advisory' AND classid = $1::int4::oid AND objsubid = 2 AND granted",
    )
    .bind(locks.owner)
    .fetch_all(&mut *admin)
    .await
    else {
        return;
    };
    let now = unix_now();
    // A time, not some other number (a process id): after 2001-09-09.
    let older = |t: u64, age: Duration| t > 1_000_000_000 && now.saturating_sub(t) > age.as_secs();
    for (name, comment) in databases {
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        let stale = if [POOL_KIND, SHARED_KIND, WARMING_KIND]
            .iter()
            .any(|kind| rest.starts_with(kind))
        {
            nobody_alive
        } else if let Some(template) = rest.strip_prefix(TEMPLATE_KIND) {
            let last_used = comment
                .as_deref()
                .and_then(|c| c.strip_prefix(TEMPLATE_COMMENT))
                .and_then(|t| t.trim().parse::<u64>().ok());
            match last_used {
                // Being built (under the template's lock, which drops a half-built one).
                _ if template.ends_with("_building") => false,
                // Made before templates recorded their use: the clock starts now (dropping it
                // could pull it from under a test about to copy it).
                None => {
                    let _ = mark_template_used(admin, &name).await;
                    false
                }
                Some(t) => older(t, TEMPLATE_STALE_AFTER),
            }
        } else if let Some(test) = rest.strip_prefix(TEST_KIND) {
            let mut parts = test.split('_').map(|p| p.parse::<u64>().ok());
            let (time, pid) = (parts.next().flatten(), parts.next().flatten());
            if comment.as_deref() == Some(KEPT_COMMENT) {
                time.is_some_and(|t| older(t, KEPT_FOR))
            } else {
                pid.is_some_and(|pid| !live.contains(&(pid as i64)))
            }
        } else {
            false
        };
        let safe = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if stale && safe {
            tracing::info!(%name, "dropping a test database no run uses");
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut *admin)
                .await;
        }
    }
}

/// Records that `template` is being used now, so the sweep keeps it.
pub(crate) async fn mark_template_used(
    admin: &mut PgConnection,
    template: &str,
) -> Result<(), Error> {
    sqlx::query(&format!(
        "COMMENT ON DATABASE {template} IS '{TEMPLATE_COMMENT}{}'",
        unix_now()
    ))
    .execute(admin)
    .await
    .map(drop)
    .map_err(|e| Error::database(format!("marking the fixture template {template} used"), &e))
}
