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
//!
//! A cluster created here keeps its data directory in memory (`/dev/shm`, see [`memory_dir`]),
//! where copying a template and dropping a database cost no disk writes: the pool then keeps up
//! with tests that finish every few milliseconds. On disk every copy waits on the disk's noise.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, PoisonError};

use crate::Error;
use crate::engine::postgres::local_cluster::{
    LocalCluster, PgBinaries, ServerOptions, THROWAWAY_SETTINGS,
};
use crate::testing::pool::STRATEGY_SETTING;

/// The value of `SEEDBED_TEST_ADMIN_URL` that asks for the local test cluster.
pub const LOCAL: &str = "local";
/// The environment variable naming the folder on a memory file system where a test cluster
/// created now keeps its data ([`DEFAULT_MEMORY_DIR`] unless set); `off` keeps it on disk.
pub const MEMORY_DIR_ENV: &str = "SEEDBED_TEST_PG_MEMORY_DIR";
/// Where the data of a new test cluster goes, when that folder is there and has room.
pub const DEFAULT_MEMORY_DIR: &str = "/dev/shm";
/// The least free space of the memory folder for a cluster there (2 GiB): a database of a
/// template is some 10 MB, and a run may hold a template, the ready clones, the tests'
/// databases and up to 128 waiting to be dropped, besides what tests load. Less, and the data
/// stays on disk (a container's /dev/shm is often 64 MB).
pub const MIN_MEMORY_FREE: u64 = 2 << 30;
/// Settings of a test cluster whose data is in memory: copy templates file by file. In memory
/// the checkpoints FILE_COPY forces write nothing to wait for, and a copy through the WAL
/// costs more (measured: p95 wait 3-5 ms against 96-132 ms, README "How fast").
const MEMORY_SETTINGS: &[(&str, &str)] = &[(STRATEGY_SETTING, "file_copy")];

/// The memory folder for a test cluster created now, given `setting` (the value of
/// [`MEMORY_DIR_ENV`]): that folder, else [`DEFAULT_MEMORY_DIR`], if it is a folder with at least
/// `min_free` bytes free; otherwise why the data goes to disk.
pub fn memory_dir(setting: Option<&OsStr>, min_free: u64) -> Result<PathBuf, String> {
    let dir = match setting.filter(|v| !v.is_empty()) {
        Some(off) if off == "off" => return Err(format!("{MEMORY_DIR_ENV}=off")),
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(DEFAULT_MEMORY_DIR),
    };
    if !dir.is_dir() {
        return Err(format!("{} is not a folder", dir.display()));
    }
    match free_bytes(&dir) {
        Some(free) if free >= min_free => Ok(dir),
        Some(free) => Err(format!(
            "{} has {} MiB free, less than {} MiB",
            dir.display(),
            free >> 20,
            min_free >> 20
        )),
        None => Err(format!("cannot tell how much room {} has", dir.display())),
    }
}

/// The bytes free for this user on the file system of `dir`, from `df -Pk` (POSIX output: the
/// field before the capacity `NN%` is the space available, in KiB).
pub fn free_bytes(dir: &Path) -> Option<u64> {
    let output = Command::new("df").arg("-Pk").arg(dir).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let fields: Vec<&str> = text.lines().nth(1)?.split_whitespace().collect();
    let capacity = fields
        .iter()
        .position(|f| f.strip_suffix('%').is_some_and(|n| n.parse::<u8>().is_ok()))?;
    let available: u64 = fields.get(capacity.checked_sub(1)?)?.parse().ok()?;
    available.checked_mul(1024)
}

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
            let memory = memory_dir(std::env::var_os(MEMORY_DIR_ENV).as_deref(), MIN_MEMORY_FREE)
                .inspect_err(
                    |why| tracing::info!(%why, "a new local test cluster keeps its data on disk"),
                )
                .ok();
            let options = ServerOptions {
                settings: THROWAWAY_SETTINGS,
                memory_dir: memory.as_deref(),
                memory_settings: MEMORY_SETTINGS,
            };
            let cluster =
                LocalCluster::ensure_server_with(&dir, PgBinaries::find()?, &options).await?;
            tracing::info!(
                dir = %cluster.dir().display(),
                outcome = %cluster.outcome(),
                data_in_memory = ?cluster.memory_dir(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_folder_is_used_when_it_is_there_and_has_room() {
        let tmp = std::env::temp_dir();
        assert_eq!(memory_dir(Some(tmp.as_os_str()), 0), Ok(tmp.clone()));
        if Path::new(DEFAULT_MEMORY_DIR).is_dir() {
            assert_eq!(memory_dir(None, 0), Ok(PathBuf::from(DEFAULT_MEMORY_DIR)));
            assert_eq!(
                memory_dir(Some(OsStr::new("")), 0),
                Ok(PathBuf::from(DEFAULT_MEMORY_DIR))
            );
        }
    }

    #[test]
    fn the_data_goes_to_disk_when_asked_or_the_memory_folder_is_missing_or_too_small() {
        let off = memory_dir(Some(OsStr::new("off")), 0).unwrap_err();
        assert!(off.contains(MEMORY_DIR_ENV), "{off}");
        let missing = memory_dir(Some(OsStr::new("/nonexistent-seedbed")), 0).unwrap_err();
        assert!(
            missing.contains("/nonexistent-seedbed is not a folder"),
            "{missing}"
        );
        let file = std::env::current_exe().unwrap();
        assert!(memory_dir(Some(file.as_os_str()), 0).is_err());
        let tmp = std::env::temp_dir();
        let small = memory_dir(Some(tmp.as_os_str()), u64::MAX).unwrap_err();
        assert!(small.contains("MiB free, less than"), "{small}");
    }

    #[test]
    fn free_space_is_read_from_df() {
        let free = free_bytes(&std::env::temp_dir()).expect("df answers for the temp folder");
        assert!(free > 0);
        assert_eq!(free_bytes(Path::new("/nonexistent-seedbed")), None);
    }
}
