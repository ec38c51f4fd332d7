//! `SEEDBED_TEST_ADMIN_URL=local`: tests on a throwaway cluster of the project's own, tuned for
//! them.
//!
//! The cluster lives beside the development one (`target/seedbed/test-pg`, next to
//! `target/seedbed/pg`) and is started with
//! [`THROWAWAY_SETTINGS`](crate::engine::postgres::local_cluster::THROWAWAY_SETTINGS): nothing
//! is flushed to disk, which makes copying a template and committing cheap, and makes the
//! cluster unfit for anything but tests. A test process finds its address in its
//! `postmaster.pid` (no program run, so that cargo nextest's process per test pays nothing for
//! it); the first one to find it not answering creates or starts it, under the folder's lock,
//! which the others wait for. It keeps running after the run, with its templates, for the next.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use crate::Error;
use crate::engine::postgres::local_cluster::{LocalCluster, PgBinaries, THROWAWAY_SETTINGS};

/// The value of `SEEDBED_TEST_ADMIN_URL` that asks for the local test cluster.
pub const LOCAL: &str = "local";

/// The folder of the test cluster: `test-pg` beside the development cluster's folder.
pub fn dir() -> Result<PathBuf, Error> {
    Ok(LocalCluster::default_dir()?.with_file_name("test-pg"))
}

/// The admin URL of the test cluster, started first if it does not answer. Blocks; once found,
/// remembered for the life of the process.
pub(crate) fn admin_url() -> Result<String, Error> {
    static FOUND: Mutex<Option<String>> = Mutex::new(None);
    let mut found = FOUND.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(url) = found.as_ref() {
        return Ok(url.clone());
    }
    let dir = dir()?;
    let url = match LocalCluster::answering_url(&dir, "postgres") {
        Some(url) => url,
        None => start(dir)?,
    };
    *found = Some(url.clone());
    Ok(url)
}

/// Creates or starts the cluster in `dir`, on a thread and runtime of its own (the caller may be
/// inside a runtime).
fn start(dir: PathBuf) -> Result<String, Error> {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::io("starting a runtime for the local test cluster", e))?;
        runtime.block_on(async {
            let cluster =
                LocalCluster::ensure_server(&dir, PgBinaries::find()?, THROWAWAY_SETTINGS).await?;
            tracing::info!(
                dir = %cluster.dir().display(),
                outcome = %cluster.outcome(),
                "the local test cluster (fsync off: for tests only)"
            );
            Ok(cluster.url_for("postgres"))
        })
    })
    .join()
    .unwrap_or_else(|_| {
        Err(Error::io(
            "starting the local test cluster",
            std::io::Error::other("its thread panicked"),
        ))
    })
}
