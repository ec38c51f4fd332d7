//! The migration layouts seedbed reads.

use std::path::{Path, PathBuf};

use crate::schema::LoadError;

/// One migration of a sqlx migrations folder.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationFile {
    pub version: i64,
    /// The name after the version, e.g. `initial_schema`.
    pub description: String,
    /// `<version>_<description>.up.sql` or, for a simple migration, `<version>_<description>.sql`
    /// (absolute).
    pub up: PathBuf,
    /// The matching `.down.sql` of a reversible migration, if there is one.
    pub down: Option<PathBuf>,
}

/// The migrations in `dir` in version order: `<version>_<description>.up.sql` (reversible, with
/// its `.down.sql`) and `<version>_<description>.sql` (simple). Other files are ignored.
pub fn migration_files(dir: &Path) -> Result<Vec<MigrationFile>, LoadError> {
    let error = |file: &Path, message: String| LoadError {
        file: file.to_owned(),
        line: 0,
        message,
    };
    let dir = std::path::absolute(dir).map_err(|e| error(dir, e.to_string()))?;
    let unreadable =
        |e: std::io::Error| error(&dir, format!("cannot read the migrations folder: {e}"));
    let mut migrations: Vec<MigrationFile> = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        let (stem, reversible) = match name.strip_suffix(".up.sql") {
            Some(stem) => (stem, true),
            None if name.ends_with(".down.sql") => continue,
            None => match name.strip_suffix(".sql") {
                Some(stem) => (stem, false),
                None => continue,
            },
        };
        let Some((version, description)) = stem.split_once('_') else {
            continue;
        };
        if !version.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(version) = version.parse::<i64>() else {
            continue;
        };
        if let Some(other) = migrations.iter().find(|m| m.version == version) {
            let message = format!("version {version} is also used by {}", other.up.display());
            return Err(error(&path, message));
        }
        let down = dir.join(format!("{stem}.down.sql"));
        migrations.push(MigrationFile {
            version,
            description: description.to_owned(),
            down: (reversible && down.is_file()).then_some(down),
            up: path,
        });
    }
    migrations.sort_by_key(|m| m.version);
    Ok(migrations)
}
