//! What the command-line tests share: `seed-runner` run as a user would, and a scratch copy of
//! the Festival Scout migrations.

#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `seed-runner` with `args`, `DATABASE_URL` set to `url`, no environment or log settings of
/// the caller's, in a directory without a `.env`.
pub fn seed_runner(url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seed-runner"));
    command
        .args(args)
        .current_dir(std::env::temp_dir())
        .env("DATABASE_URL", url)
        .env_remove("SEEDBED_ENV")
        .env_remove("APP_ENV")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    command
}

/// [`seed_runner`], run to its end.
pub fn run(url: &str, args: &[&str]) -> Output {
    seed_runner(url, args).output().unwrap()
}

/// A URL no server answers: a command that needs no database must not need it.
pub const NO_SERVER: &str = "postgres://nobody@127.0.0.1:1/none";

/// A copy of the Festival Scout migrations under the temporary directory, so that a test
/// writes nothing into the repository; removed when dropped.
pub struct MigrationsCopy(pub PathBuf);

impl MigrationsCopy {
    pub fn new(name: &str) -> MigrationsCopy {
        let dir = std::env::temp_dir().join(format!("seedbed-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
        for entry in std::fs::read_dir(source).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
        MigrationsCopy(dir)
    }

    /// The names of its files, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for MigrationsCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
