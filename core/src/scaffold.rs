//! Writing a new, empty migration into a folder, in the layout the folder already uses: what
//! `seed-runner migrate new NAME` does (as `sqlx migrate add -r`, `diesel migration generate`).

use std::path::{Path, PathBuf};

use crate::layout::{Layout, read_migrations};

/// Writes the files of a new migration called `name` into `dir` and returns their paths, up
/// first. `timestamp` is the time as `YYYYMMDDHHMMSS` (UTC): the version of a sqlx or diesel
/// migration, raised past the last one when the clock is behind it, so the new migration always
/// applies last; a refinery migration takes the version after the last one.
///
/// The layout is the folder's: a sqlx folder gets `<version>_<name>.up.sql` and `.down.sql`
/// (or a single `<version>_<name>.sql` when its migrations have no down files), a diesel folder
/// `<version>_<name>/up.sql` and `down.sql`, a refinery folder `V<n>__<name>.sql`; an empty or
/// missing folder the sqlx pair. A name that is not a lowercase identifier, or that a migration
/// of the folder already has, is refused and nothing is written.
pub fn new_migration(dir: &Path, name: &str, timestamp: &str) -> Result<Vec<PathBuf>, String> {
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(format!(
            "`{name}` is not a migration name: use lowercase letters, digits and `_`, starting \
             with a letter (add_user_preferences)"
        ));
    }
    if timestamp.len() != 14 || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{timestamp}` is not a YYYYMMDDHHMMSS time"));
    }
    let existing = if dir.exists() {
        read_migrations(dir).map_err(|e| e.to_string())?
    } else {
        crate::layout::Migrations {
            layout: Layout::Sqlx,
            migrations: Vec::new(),
        }
    };
    if let Some(taken) = existing.migrations.iter().find(|m| m.description == name) {
        return Err(format!(
            "the folder already has a migration named `{name}`: {}",
            taken.up.display()
        ));
    }
    let last = existing.migrations.iter().map(|m| m.version).max();
    let stamp: i64 = timestamp.parse().map_err(|_| "timestamp out of range")?;
    // Versions written with more digits than a timestamp (diesel's `2026-07-30-140000-0000`)
    // are compared at their own width.
    let width = last.map_or(14, |v| v.to_string().len()).max(14);
    let stamp = stamp * 10_i64.pow((width - 14).min(4) as u32);
    let version = last.map_or(stamp, |last| stamp.max(last + 1));
    let up_sql = format!("-- {name}: the change\n");
    let down_sql = format!("-- {name}: undoing it\n");
    let files: Vec<(PathBuf, String)> = match existing.layout {
        Layout::Sqlx => {
            let simple = !existing.migrations.is_empty()
                && existing
                    .migrations
                    .iter()
                    .all(|m| !m.up.to_string_lossy().ends_with(".up.sql"));
            if simple {
                vec![(dir.join(format!("{version}_{name}.sql")), up_sql)]
            } else {
                vec![
                    (dir.join(format!("{version}_{name}.up.sql")), up_sql),
                    (dir.join(format!("{version}_{name}.down.sql")), down_sql),
                ]
            }
        }
        Layout::Diesel => {
            let digits = version.to_string();
            // diesel's own generator writes 2026-12-02-143000; a folder of plain digits keeps them.
            let dashed = existing.migrations.iter().any(|m| {
                m.up.parent()
                    .and_then(Path::file_name)
                    .is_some_and(|f| f.to_string_lossy().contains('-'))
            });
            let folder = match digits.len() {
                14 if dashed => format!(
                    "{}-{}-{}-{}_{name}",
                    &digits[..4],
                    &digits[4..6],
                    &digits[6..8],
                    &digits[8..]
                ),
                18 if dashed => format!(
                    "{}-{}-{}-{}-{}_{name}",
                    &digits[..4],
                    &digits[4..6],
                    &digits[6..8],
                    &digits[8..14],
                    &digits[14..]
                ),
                _ => format!("{digits}_{name}"),
            };
            let folder = dir.join(folder);
            vec![
                (folder.join("up.sql"), up_sql),
                (folder.join("down.sql"), down_sql),
            ]
        }
        Layout::Refinery => {
            let next = last.map_or(1, |last| last + 1);
            vec![(dir.join(format!("V{next}__{name}.sql")), up_sql)]
        }
    };
    if let Some((taken, _)) = files.iter().find(|(path, _)| path.exists()) {
        return Err(format!("{} exists already", taken.display()));
    }
    for (path, sql) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(path, sql).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of its own under the temporary directory, removed when dropped.
    struct Dir(PathBuf);

    impl Dir {
        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn folder(files: &[&str]) -> Dir {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("seedbed-new-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for file in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "SELECT 1;\n").unwrap();
        }
        Dir(dir)
    }

    fn names(dir: &Path, paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn each_layout_gets_its_own_files() {
        let now = "20261202143000";
        let sqlx = folder(&["20250101000000_a.up.sql", "20250101000000_a.down.sql"]);
        let written = new_migration(sqlx.path(), "add_prefs", now).unwrap();
        assert_eq!(
            names(sqlx.path(), &written),
            [
                "20261202143000_add_prefs.up.sql",
                "20261202143000_add_prefs.down.sql"
            ]
        );
        assert_eq!(read_migrations(sqlx.path()).unwrap().migrations.len(), 2);

        let simple = folder(&["1_a.sql"]);
        let written = new_migration(simple.path(), "b", now).unwrap();
        assert_eq!(names(simple.path(), &written), ["20261202143000_b.sql"]);

        let diesel = folder(&["2025-01-01-000000_a/up.sql", "2025-01-01-000000_a/down.sql"]);
        let written = new_migration(diesel.path(), "b", now).unwrap();
        assert_eq!(
            names(diesel.path(), &written),
            ["2026-12-02-143000_b/up.sql", "2026-12-02-143000_b/down.sql"]
        );
        let read = read_migrations(diesel.path()).unwrap();
        assert_eq!((read.layout, read.migrations.len()), (Layout::Diesel, 2));

        // diesel's newer names carry a four-digit counter after the time.
        let counted = folder(&["2026-07-30-140000-0000_a/up.sql"]);
        let written = new_migration(counted.path(), "b", now).unwrap();
        assert_eq!(
            names(counted.path(), &written)[0],
            "2026-12-02-143000-0000_b/up.sql"
        );
        let read = read_migrations(counted.path()).unwrap();
        assert_eq!(read.migrations.last().unwrap().description, "b");

        let refinery = folder(&["V1__a.sql", "V2__b.sql"]);
        let written = new_migration(refinery.path(), "c", now).unwrap();
        assert_eq!(names(refinery.path(), &written), ["V3__c.sql"]);

        let empty = folder(&[]);
        let missing = empty.path().join("migrations");
        let written = new_migration(&missing, "first", now).unwrap();
        assert_eq!(
            names(&missing, &written),
            [
                "20261202143000_first.up.sql",
                "20261202143000_first.down.sql"
            ]
        );
    }

    #[test]
    fn a_clock_behind_the_last_migration_still_sorts_last() {
        let dir = folder(&["20300101000000_future.up.sql"]);
        let written = new_migration(dir.path(), "next", "20261202143000").unwrap();
        assert_eq!(names(dir.path(), &written)[0], "20300101000001_next.up.sql");
    }

    #[test]
    fn bad_and_taken_names_are_refused_and_nothing_is_written() {
        let dir = folder(&["20250101000000_add_prefs.up.sql"]);
        for (name, expected) in [
            ("add_prefs", "already has a migration named `add_prefs`"),
            ("Add-Prefs", "is not a migration name"),
            ("", "is not a migration name"),
            ("9lives", "is not a migration name"),
            ("../evil", "is not a migration name"),
        ] {
            let err = new_migration(dir.path(), name, "20261202143000").unwrap_err();
            assert!(err.contains(expected), "{name}: {err}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
