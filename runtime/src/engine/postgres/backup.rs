//! The backup taken before migrating a production database: `pg_dump` in its custom format
//! (restorable with `pg_restore`, table by table if need be), found where `initdb` is.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;
use crate::engine::postgres::connect::mask_password;
use crate::engine::postgres::local_cluster::PgBinaries;
use crate::error::MigrateError;

fn failed(reason: impl Into<String>) -> Error {
    Error::Migrate(MigrateError::BackupFailed {
        reason: reason.into(),
    })
}

/// Dumps the database at `url` into a new file in `dir` (created if need be), named after the
/// database and the time, and returns its path. The password travels in `PGPASSWORD`, not on
/// the command line. A dump that fails leaves no file.
pub fn dump(url: &str, dir: &Path, time: &str) -> Result<PathBuf, Error> {
    let mut parsed = url::Url::parse(url).map_err(|e| failed(format!("the URL: {e}")))?;
    let password = parsed.password().map(str::to_owned);
    let _ = parsed.set_password(None);
    let database = parsed.path().trim_start_matches('/').to_owned();
    let name = if database.is_empty() {
        "postgres"
    } else {
        &database
    };
    let pg_dump = PgBinaries::find()
        .map(|bins| bins.bindir().join("pg_dump"))
        .ok()
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("pg_dump"));
    std::fs::create_dir_all(dir)
        .map_err(|e| failed(format!("cannot create {}: {e}", dir.display())))?;
    let file = dir.join(format!("{name}-{time}.dump"));
    if file.exists() {
        return Err(failed(format!("{} exists already", file.display())));
    }
    let mut command = Command::new(&pg_dump);
    command
        .arg("--format=custom")
        .arg(format!("--file={}", file.display()))
        .arg(format!("--dbname={parsed}"));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command
        .output()
        .map_err(|e| failed(format!("cannot run {}: {e}", pg_dump.display())))?;
    if !output.status.success() {
        let _ = std::fs::remove_file(&file);
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(failed(format!(
            "{} failed: {}",
            pg_dump.display(),
            mask_password(stderr.trim())
        )));
    }
    Ok(file)
}

/// The command that restores `file` into the database at `url` (password masked).
pub fn restore_command(url: &str, file: &Path) -> String {
    format!(
        "pg_restore --clean --if-exists --no-owner --dbname='{}' '{}'",
        mask_password(url),
        file.display()
    )
}
