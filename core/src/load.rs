//! Loading a migrations folder into a [`Schema`]: its files in their tool's order, replayed, and
//! the tables the replay could not follow taken from the folder's schema snapshot.

use std::path::{Path, PathBuf};

use crate::schema::dialect::Dialect;
use crate::schema::{LoadError, Schema};
use crate::{layout, snapshot};

impl Schema {
    /// Reads the PostgreSQL migrations in `dir` and replays them in order; the tables the
    /// replay could not follow come from the folder's schema snapshot when it has a fresh one.
    pub fn load(dir: &Path) -> Result<Schema, LoadError> {
        Schema::load_in(dir, Dialect::POSTGRES)
    }

    /// [`Schema::load`] of migrations written in `dialect`.
    pub fn load_in(dir: &Path, dialect: Dialect) -> Result<Schema, LoadError> {
        let mut schema = Schema::new(dialect);
        for migration in layout::migration_files(dir)? {
            let path = migration.up;
            let sql = std::fs::read_to_string(&path).map_err(|e| LoadError {
                file: path.clone(),
                line: 0,
                message: format!("cannot read the migration: {e}"),
            })?;
            schema.files.push(path.clone());
            schema.apply_sql(&path, &sql);
            schema.version = Some(migration.version);
        }
        if !schema.tainted.is_empty()
            && let Some(snapshot) = snapshot::Snapshot::read(dir)?
        {
            let fresh = snapshot.migrations == snapshot::digest(dir)?;
            let path = snapshot::Snapshot::path(dir);
            snapshot.fill(&mut schema, fresh, &path);
            schema
                .files
                .push(std::path::absolute(&path).unwrap_or(path));
        }
        Ok(schema)
    }

    /// What can be read of a folder [`Schema::load`] refuses (two migrations with one version,
    /// layouts mixed, a snapshot that does not parse): every file that looks like an up
    /// migration, in path order, without the snapshot. The macros check seeds against it once
    /// they have reported the refusal, so that the one error stands alone.
    pub fn load_lenient(dir: &Path) -> Schema {
        let files: Vec<PathBuf> = layout::files_under(dir)
            .into_iter()
            .filter(|path| looks_like_up_migration(path))
            .collect();
        let mut pending: Vec<(PathBuf, String)> = files
            .into_iter()
            .filter_map(|path| Some((std::fs::read_to_string(&path).ok()?, path)))
            .map(|(sql, path)| (path, sql))
            .collect();
        // Path order is a guess (two files of one version may come in either order): a file
        // that names tables not created yet waits for the others, as long as that helps.
        let mut schema = Schema::default();
        loop {
            let mut deferred = Vec::new();
            let before = pending.len();
            for (path, sql) in pending {
                let mut tried = schema.clone();
                tried.apply_sql(&path, &sql);
                if tried.tainted.len() > schema.tainted.len() {
                    deferred.push((path, sql));
                } else {
                    tried.files.push(path);
                    schema = tried;
                }
            }
            if deferred.is_empty() || deferred.len() == before {
                for (path, sql) in deferred {
                    schema.apply_sql(&path, &sql);
                    schema.files.push(path);
                }
                return schema;
            }
            pending = deferred;
        }
    }
}

/// An `.sql` file that is not a down (or refinery undo) migration.
fn looks_like_up_migration(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let undo = name.starts_with('U') && name[1..].starts_with(|c: char| c.is_ascii_digit());
    name.ends_with(".sql") && name != "down.sql" && !name.ends_with(".down.sql") && !undo
}
