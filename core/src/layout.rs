//! The migration layouts seedbed reads, detected from the folder:
//!
//! - **sqlx**: `<version>_<name>.up.sql` with its `.down.sql`, or `<version>_<name>.sql`; the
//!   version is an `i64`, a file starting with `-- no-transaction` runs outside a transaction.
//! - **diesel**: one folder per migration, `<version>_<name>/up.sql` (+ `down.sql`, optional
//!   `metadata.toml`). As diesel does, the version is the folder name up to its first `_` with
//!   every `-` removed (`2017-12-10-140624_x` is `20171210140624`), migrations run in the order
//!   of that string, and `run_in_transaction` comes from `metadata.toml`.
//! - **refinery**: `V<n>__<name>.sql` (versioned) and `U<n>__<name>.sql` (unversioned: refinery
//!   applies them in the same version order).
//!
//! A folder holding migrations of two layouts is an error, as is a migration the tool itself
//! would refuse (a repeated version, a diesel folder without `up.sql`, a refinery `.rs`
//! migration, which has no SQL to read).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::schema::LoadError;

/// The tool whose migrations folder layout was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    Sqlx,
    Diesel,
    Refinery,
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layout::Sqlx => "sqlx",
            Layout::Diesel => "diesel",
            Layout::Refinery => "refinery",
        })
    }
}

/// One migration of a migrations folder.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationFile {
    /// The version as a number, unique within the folder: sqlx's and refinery's version, or
    /// diesel's version string read as a number (a diesel folder whose versions are not all
    /// numbers, or two of which are the same number, is an error rather than a lossy mapping).
    pub version: i64,
    /// The version as the tool writes it in its bookkeeping table: sqlx's and refinery's number,
    /// diesel's string (`20171210140624`, `00000000000000`).
    pub version_text: String,
    /// The name after the version, e.g. `initial_schema`.
    pub description: String,
    /// The SQL applied going up (absolute): `<version>_<description>.up.sql` or
    /// `<version>_<description>.sql` for sqlx, `<version>_<description>/up.sql` for diesel,
    /// `V<n>__<description>.sql` for refinery.
    pub up: PathBuf,
    /// The matching down migration, if there is one.
    pub down: Option<PathBuf>,
    /// Whether the tool applies this migration inside a transaction: sqlx unless the file starts
    /// with `-- no-transaction`, diesel unless `metadata.toml` says otherwise, refinery always.
    pub run_in_transaction: bool,
    /// A refinery `U<n>__` migration.
    pub unversioned: bool,
}

/// The migrations of a folder, in the order the tool applies them.
#[derive(Debug, Clone, PartialEq)]
pub struct Migrations {
    /// The layout found; an empty folder reads as sqlx's.
    pub layout: Layout,
    pub migrations: Vec<MigrationFile>,
}

/// The migrations in `dir` in the order their tool applies them. See [`read_migrations`].
pub fn migration_files(dir: &Path) -> Result<Vec<MigrationFile>, LoadError> {
    read_migrations(dir).map(|m| m.migrations)
}

fn error(file: &Path, message: impl Into<String>) -> LoadError {
    LoadError {
        file: file.to_owned(),
        line: 0,
        message: message.into(),
    }
}

/// An entry of the folder that belongs to a layout.
struct Candidate {
    layout: Layout,
    path: PathBuf,
}

/// Reads the migrations folder `dir`: detects its layout, then lists its migrations in the
/// order their tool applies them. Files that belong to no layout (a README, `notes.sql`) are
/// ignored.
pub fn read_migrations(dir: &Path) -> Result<Migrations, LoadError> {
    let dir = std::path::absolute(dir).map_err(|e| error(dir, e.to_string()))?;
    let unreadable =
        |e: std::io::Error| error(&dir, format!("cannot read the migrations folder: {e}"));
    let mut candidates = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let layout = if path.is_dir() {
            // diesel: a folder `<version>_<name>`; diesel skips empty folders.
            let empty = std::fs::read_dir(&path)
                .map_err(unreadable)?
                .next()
                .is_none();
            let versioned = name.split('_').next().is_some_and(|v| {
                !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'-')
            });
            if empty || !(path.join("up.sql").is_file() || versioned && name.contains('_')) {
                continue;
            }
            Layout::Diesel
        } else if refinery_stem(name).is_some() {
            Layout::Refinery
        } else if sqlx_stem(name).is_some() {
            Layout::Sqlx
        } else {
            continue;
        };
        candidates.push(Candidate { layout, path });
    }
    candidates.sort_by(|a, b| a.path.cmp(&b.path));
    let mut layouts: BTreeMap<&'static str, &Candidate> = BTreeMap::new();
    for candidate in &candidates {
        let key = match candidate.layout {
            Layout::Sqlx => "sqlx",
            Layout::Diesel => "diesel",
            Layout::Refinery => "refinery",
        };
        layouts.entry(key).or_insert(candidate);
    }
    if layouts.len() > 1 {
        let found: Vec<String> = layouts
            .iter()
            .map(|(layout, c)| format!("{layout} (e.g. {})", file_name(&c.path)))
            .collect();
        return Err(error(
            &dir,
            format!(
                "the migrations folder mixes layouts: {}; keep one tool's migrations per folder",
                found.join(", ")
            ),
        ));
    }
    let layout = candidates.first().map_or(Layout::Sqlx, |c| c.layout);
    let migrations = match layout {
        Layout::Sqlx => sqlx_migrations(&dir, &candidates)?,
        Layout::Diesel => diesel_migrations(&candidates)?,
        Layout::Refinery => refinery_migrations(&candidates)?,
    };
    Ok(Migrations { layout, migrations })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `<digits>_<description>` of a sqlx file name, with whether it is reversible (`.up.sql`),
/// `None` for a `.down.sql` or a file that is no sqlx migration.
fn sqlx_stem(name: &str) -> Option<(&str, &str, bool)> {
    let (stem, reversible) = match name.strip_suffix(".up.sql") {
        Some(stem) => (stem, true),
        None if name.ends_with(".down.sql") => return None,
        None => (name.strip_suffix(".sql")?, false),
    };
    let (version, description) = stem.split_once('_')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((version, description, reversible))
}

/// `(unversioned, version digits, description, is_sql)` of a refinery file name: refinery's
/// `^[UV](\d+(?:\.\d+)?)__(\w+)\.(sql|rs)$`.
fn refinery_stem(name: &str) -> Option<(bool, &str, &str, bool)> {
    let (stem, is_sql) = match name.strip_suffix(".sql") {
        Some(stem) => (stem, true),
        None => (name.strip_suffix(".rs")?, false),
    };
    let unversioned = match stem.as_bytes().first()? {
        b'V' => false,
        b'U' => true,
        _ => return None,
    };
    let (version, description) = stem[1..].split_once("__")?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let version_ok = match version.split_once('.') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(version),
    };
    let word = |c: char| c.is_alphanumeric() || c == '_';
    if !version_ok || description.is_empty() || !description.chars().all(word) {
        return None;
    }
    Some((unversioned, version, description, is_sql))
}

/// Fails on a version already taken, naming both migrations.
fn check_unique(migrations: &[MigrationFile]) -> Result<(), LoadError> {
    let mut by_version: BTreeMap<i64, &MigrationFile> = BTreeMap::new();
    let mut by_text: BTreeMap<&str, &MigrationFile> = BTreeMap::new();
    for m in migrations {
        if let Some(other) = by_text.insert(&m.version_text, m) {
            let message = format!(
                "version {} is also used by {}",
                m.version_text,
                other.up.display()
            );
            return Err(error(&m.up, message));
        }
        if let Some(other) = by_version.insert(m.version, m) {
            let message = format!(
                "version {} is the same number ({}) as version {} of {}",
                m.version_text,
                m.version,
                other.version_text,
                other.up.display()
            );
            return Err(error(&m.up, message));
        }
    }
    Ok(())
}

fn sqlx_migrations(dir: &Path, candidates: &[Candidate]) -> Result<Vec<MigrationFile>, LoadError> {
    let mut migrations = Vec::new();
    for Candidate { path, .. } in candidates {
        let name = file_name(path);
        let Some((version_text, description, reversible)) = sqlx_stem(&name) else {
            continue;
        };
        let Ok(version) = version_text.parse::<i64>() else {
            return Err(error(path, format!("version {version_text} is not an i64")));
        };
        let head = read_head(path)?;
        let down = dir.join(format!("{version_text}_{description}.down.sql"));
        migrations.push(MigrationFile {
            version,
            // sqlx stores the number.
            version_text: version.to_string(),
            description: description.to_owned(),
            up: path.clone(),
            down: (reversible && down.is_file()).then_some(down),
            run_in_transaction: !head.starts_with("-- no-transaction"),
            unversioned: false,
        });
    }
    migrations.sort_by_key(|m| m.version);
    check_unique(&migrations)?;
    Ok(migrations)
}

/// The first bytes of a file, for sqlx's `-- no-transaction` directive.
fn read_head(path: &Path) -> Result<String, LoadError> {
    std::fs::read(path)
        .map(|bytes| String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).into_owned())
        .map_err(|e| error(path, format!("cannot read the migration: {e}")))
}

fn diesel_migrations(candidates: &[Candidate]) -> Result<Vec<MigrationFile>, LoadError> {
    let mut migrations = Vec::new();
    for Candidate { path, .. } in candidates {
        let name = file_name(path);
        let up = path.join("up.sql");
        if !up.is_file() {
            return Err(error(
                path,
                "a diesel migration folder without `up.sql` (diesel refuses it too)",
            ));
        }
        // diesel_migrations' `version_from_string`: up to the first `_`, without `-`.
        let (raw, description) = name.split_once('_').unwrap_or((&name, ""));
        let version_text = raw.replace('-', "");
        let version = match version_text.parse::<i64>() {
            Ok(v) if version_text.bytes().all(|b| b.is_ascii_digit()) => v,
            _ => {
                return Err(error(
                    path,
                    format!(
                        "diesel version `{version_text}` is not a number seedbed can order and record; \
                         use a timestamp like 2017-12-10-140624"
                    ),
                ));
            }
        };
        let down = path.join("down.sql");
        migrations.push(MigrationFile {
            version,
            version_text,
            description: description.to_owned(),
            up,
            down: down.is_file().then_some(down),
            run_in_transaction: diesel_run_in_transaction(&path.join("metadata.toml"))?,
            unversioned: false,
        });
    }
    // diesel orders by the version string.
    migrations.sort_by(|a, b| a.version_text.cmp(&b.version_text));
    check_unique(&migrations)?;
    Ok(migrations)
}

/// `run_in_transaction` of a diesel `metadata.toml`. As diesel reads it: no file (or one that
/// does not parse) means `true`; a file that parses but does not set the key means `false`
/// (`#[serde(default)]` on a `bool`).
fn diesel_run_in_transaction(path: &Path) -> Result<bool, LoadError> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(true);
    };
    let mut value = false;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let Some((key, v)) = line.split_once('=') else {
            return Ok(true);
        };
        if key.trim() == "run_in_transaction" {
            match v.trim() {
                "true" => value = true,
                "false" => value = false,
                _ => return Ok(true),
            }
        }
    }
    Ok(value)
}

fn refinery_migrations(candidates: &[Candidate]) -> Result<Vec<MigrationFile>, LoadError> {
    let mut migrations = Vec::new();
    for Candidate { path, .. } in candidates {
        let name = file_name(path);
        let Some((unversioned, version_text, description, is_sql)) = refinery_stem(&name) else {
            continue;
        };
        if !is_sql {
            return Err(error(
                path,
                "a refinery Rust migration: seedbed reads only SQL migrations",
            ));
        }
        let Ok(version) = version_text.parse::<i64>() else {
            return Err(error(
                path,
                format!(
                    "refinery version {version_text} is not an integer (refinery refuses it too)"
                ),
            ));
        };
        migrations.push(MigrationFile {
            version,
            // refinery stores the number.
            version_text: version.to_string(),
            description: description.to_owned(),
            up: path.clone(),
            down: None,
            run_in_transaction: true,
            unversioned,
        });
    }
    migrations.sort_by_key(|m| m.version);
    check_unique(&migrations)?;
    Ok(migrations)
}

/// Every file under `dir`, its subfolders included, in path order (none when it cannot be read).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for path in std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
        {
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str, files: &[(&str, &str)]) -> Dir {
            let dir =
                std::env::temp_dir().join(format!("seedbed-layout-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            for (file, text) in files {
                let path = dir.join(file);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            }
            std::fs::create_dir_all(&dir).unwrap();
            Dir(dir)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn summary(m: &Migrations) -> Vec<(String, String, bool, bool)> {
        m.migrations
            .iter()
            .map(|m| {
                (
                    m.version_text.clone(),
                    m.description.clone(),
                    m.down.is_some(),
                    m.run_in_transaction,
                )
            })
            .collect()
    }

    fn row(v: &str, d: &str, down: bool, tx: bool) -> (String, String, bool, bool) {
        (v.into(), d.into(), down, tx)
    }

    #[test]
    fn sqlx_both_forms() {
        let dir = Dir::new(
            "sqlx",
            &[
                (
                    "10_b.sql",
                    "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);",
                ),
                ("9_a.up.sql", "CREATE TABLE t (x int);"),
                ("9_a.down.sql", "DROP TABLE t;"),
                ("README.md", "x"),
                ("notes.sql", "x"),
            ],
        );
        let m = read_migrations(&dir.0).unwrap();
        assert_eq!(m.layout, Layout::Sqlx);
        assert_eq!(
            summary(&m),
            [row("9", "a", true, true), row("10", "b", false, false)]
        );
        assert_eq!(m.migrations[1].version, 10);
    }

    #[test]
    fn diesel_folders() {
        let dir = Dir::new(
            "diesel",
            &[
                ("00000000000000_diesel_initial_setup/up.sql", "SELECT 1;"),
                ("00000000000000_diesel_initial_setup/down.sql", "SELECT 1;"),
                (
                    "2017-12-10-140624_create_users/up.sql",
                    "CREATE TABLE u (id int);",
                ),
                ("2017-12-10-140624_create_users/down.sql", "DROP TABLE u;"),
                (
                    "2018-01-02-030405_index/up.sql",
                    "CREATE INDEX CONCURRENTLY i ON u (id);",
                ),
                (
                    "2018-01-02-030405_index/metadata.toml",
                    "run_in_transaction = false\n",
                ),
                ("2018-01-03-000000_no_down/up.sql", "SELECT 1;"),
                ("2018-01-04-000000_empty_metadata/up.sql", "SELECT 1;"),
                (
                    "2018-01-04-000000_empty_metadata/metadata.toml",
                    "# nothing\n",
                ),
                (".keep/x", ""),
                ("README.md", "x"),
            ],
        );
        std::fs::create_dir_all(dir.0.join("2019-01-01-000000_empty")).unwrap();
        let m = read_migrations(&dir.0).unwrap();
        assert_eq!(m.layout, Layout::Diesel);
        assert_eq!(
            summary(&m),
            [
                row("00000000000000", "diesel_initial_setup", true, true),
                row("20171210140624", "create_users", true, true),
                row("20180102030405", "index", false, false),
                row("20180103000000", "no_down", false, true),
                row("20180104000000", "empty_metadata", false, false),
            ]
        );
        assert_eq!(m.migrations[1].version, 20171210140624);
        assert!(
            m.migrations[1]
                .up
                .ends_with("2017-12-10-140624_create_users/up.sql")
        );
    }

    #[test]
    fn diesel_orders_by_the_version_string() {
        let dir = Dir::new(
            "diesel-order",
            &[
                ("9_nine/up.sql", "SELECT 1;"),
                ("10_ten/up.sql", "SELECT 1;"),
            ],
        );
        let m = read_migrations(&dir.0).unwrap();
        let versions: Vec<&str> = m
            .migrations
            .iter()
            .map(|m| m.version_text.as_str())
            .collect();
        assert_eq!(versions, ["10", "9"]);
    }

    #[test]
    fn diesel_versions_never_collide() {
        // Same day, different times: a mapping that keeps only the date would collide.
        let dir = Dir::new(
            "diesel-day",
            &[
                ("2017-12-10-140624_a/up.sql", "SELECT 1;"),
                ("2017-12-10-140625_b/up.sql", "SELECT 1;"),
            ],
        );
        let m = read_migrations(&dir.0).unwrap();
        let versions: Vec<i64> = m.migrations.iter().map(|m| m.version).collect();
        assert_eq!(versions, [20171210140624, 20171210140625]);

        // The same version string twice: diesel would record one of them only.
        let dir = Dir::new(
            "diesel-same",
            &[
                ("2017-12-10-140624_a/up.sql", "SELECT 1;"),
                ("20171210140624_b/up.sql", "SELECT 1;"),
            ],
        );
        let e = read_migrations(&dir.0).unwrap_err();
        assert!(
            e.message.contains("version 20171210140624 is also used by"),
            "{e}"
        );

        // Different strings, the same number: refused rather than mapped onto one.
        let dir = Dir::new(
            "diesel-number",
            &[("01_a/up.sql", "SELECT 1;"), ("1_b/up.sql", "SELECT 1;")],
        );
        let e = read_migrations(&dir.0).unwrap_err();
        assert!(e.message.contains("is the same number (1)"), "{e}");

        let dir = Dir::new("diesel-word", &[("initial_a/up.sql", "SELECT 1;")]);
        let e = read_migrations(&dir.0).unwrap_err();
        assert!(e.message.contains("not a number"), "{e}");

        let dir = Dir::new("diesel-no-up", &[("2017_a/down.sql", "SELECT 1;")]);
        let e = read_migrations(&dir.0).unwrap_err();
        assert!(e.message.contains("without `up.sql`"), "{e}");
    }

    #[test]
    fn refinery_files() {
        let dir = Dir::new(
            "refinery",
            &[
                ("V2__add_cars.sql", "CREATE TABLE cars (id int);"),
                ("V1__initial.sql", "CREATE TABLE persons (id int);"),
                ("U3__refresh.sql", "SELECT 1;"),
                ("README.md", "x"),
            ],
        );
        let m = read_migrations(&dir.0).unwrap();
        assert_eq!(m.layout, Layout::Refinery);
        assert_eq!(
            summary(&m),
            [
                row("1", "initial", false, true),
                row("2", "add_cars", false, true),
                row("3", "refresh", false, true),
            ]
        );
        assert!(m.migrations[2].unversioned);

        let dir = Dir::new(
            "refinery-repeat",
            &[("V1__a.sql", "SELECT 1;"), ("V01__b.sql", "SELECT 1;")],
        );
        let e = read_migrations(&dir.0).unwrap_err();
        assert!(e.message.contains("is also used by"), "{e}");

        let dir = Dir::new("refinery-rs", &[("V1__a.rs", "")]);
        let e = read_migrations(&dir.0).unwrap_err();
        assert!(e.message.contains("Rust migration"), "{e}");
    }

    #[test]
    fn mixed_folders_are_refused() {
        let dir = Dir::new(
            "mixed",
            &[
                ("1_a.sql", "SELECT 1;"),
                ("2017-12-10-140624_b/up.sql", "SELECT 1;"),
            ],
        );
        let e = read_migrations(&dir.0).unwrap_err();
        assert!(e.message.contains("mixes layouts: diesel"), "{e}");
        assert!(e.message.contains("sqlx (e.g. 1_a.sql)"), "{e}");

        let dir = Dir::new(
            "mixed2",
            &[("1_a.sql", "SELECT 1;"), ("V2__b.sql", "SELECT 1;")],
        );
        let e = read_migrations(&dir.0).unwrap_err();
        assert!(e.message.contains("refinery (e.g. V2__b.sql)"), "{e}");
    }

    #[test]
    fn sqlx_repeated_version() {
        let dir = Dir::new(
            "sqlx-repeat",
            &[("1_a.sql", "SELECT 1;"), ("01_b.sql", "SELECT 1;")],
        );
        let e = read_migrations(&dir.0).unwrap_err();
        assert!(e.message.contains("is also used by"), "{e}");
        let m = read_migrations(&Dir::new("empty", &[]).0).unwrap();
        assert_eq!(m.layout, Layout::Sqlx);
        assert!(m.migrations.is_empty());
    }
}
