//! A schema snapshot: the model read from a migrated database by `seed-runner schema snapshot`,
//! committed next to the migrations as [`FILE_NAME`]. The replay takes from it the tables it
//! could not follow itself (see [`Schema::tainted`]); everything else still comes from the
//! migrations. It records a digest of the migrations it was read after, so that a snapshot the
//! migrations have moved past is noticed (at compile time, and by `schema snapshot --check`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::layout::migration_files;
use crate::schema::{Composite, Domain, LoadError, Schema, Table};

/// The snapshot's file name, in the migrations folder.
pub const FILE_NAME: &str = "seedbed-snapshot.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// [`digest`] of the migrations the database had applied when it was read.
    pub migrations: String,
    pub tables: BTreeMap<String, Table>,
    pub enums: BTreeMap<String, Vec<String>>,
    pub domains: BTreeMap<String, Domain>,
    pub composites: BTreeMap<String, Composite>,
    pub views: BTreeSet<String>,
}

impl Snapshot {
    /// The snapshot of a schema read from a database migrated up to the migrations of `digest`.
    pub fn of(schema: Schema, digest: String) -> Snapshot {
        Snapshot {
            migrations: digest,
            tables: schema.tables,
            enums: schema.enums,
            domains: schema.domains,
            composites: schema.composites,
            views: schema.views,
        }
    }

    pub fn path(migrations: &Path) -> PathBuf {
        migrations.join(FILE_NAME)
    }

    /// The snapshot of the migrations folder `dir`, if it has one.
    pub fn read(dir: &Path) -> Result<Option<Snapshot>, LoadError> {
        let path = Snapshot::path(dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(error(
                    &path,
                    format!("cannot read the schema snapshot: {e}"),
                ));
            }
        };
        serde_json::from_str(&text).map(Some).map_err(|e| {
            let message = format!(
                "the schema snapshot is not one seedbed wrote ({e}); write it again with `seed-runner schema snapshot`"
            );
            error(&path, message)
        })
    }

    /// The snapshot as the file holds it: pretty JSON, so that a change reviews as a diff.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a snapshot is plain data");
        text.push('\n');
        text
    }

    /// Gives `schema` the snapshot's version of every table the replay could not follow.
    /// A snapshot older than the migrations is used for nothing, and the tables' errors say so.
    pub(crate) fn fill(self, schema: &mut Schema, fresh: bool, path: &Path) {
        let tainted: Vec<String> = schema.tainted.keys().cloned().collect();
        for name in tainted {
            if !fresh {
                let taint = schema.tainted.get_mut(&name).expect("listed above");
                taint.message.push_str(&format!(
                    "; the schema snapshot {} is older than the migrations: run `seed-runner schema snapshot` again",
                    path.display()
                ));
                continue;
            }
            let Some(table) = self.tables.get(&name) else {
                continue;
            };
            for column in &table.columns {
                let mut ty = &column.ty;
                while let crate::schema::SqlType::Array(inner) = ty {
                    ty = inner;
                }
                let used = ty.sql_name();
                if let Some(labels) = self.enums.get(&used) {
                    schema
                        .enums
                        .entry(used.clone())
                        .or_insert_with(|| labels.clone());
                }
                if let Some(domain) = self.domains.get(&used) {
                    schema
                        .domains
                        .entry(used.clone())
                        .or_insert_with(|| domain.clone());
                }
                if let Some(composite) = self.composites.get(&used) {
                    schema
                        .composites
                        .entry(used)
                        .or_insert_with(|| composite.clone());
                }
            }
            schema.tables.insert(name.clone(), table.clone());
            schema.tainted.remove(&name);
        }
    }
}

/// A digest of the migrations of `dir`: names and up scripts, in order. The snapshot file
/// itself is no migration and is not part of it.
pub fn digest(dir: &Path) -> Result<String, LoadError> {
    let mut hasher = Sha256::new();
    for migration in migration_files(dir)? {
        let sql = std::fs::read(&migration.up)
            .map_err(|e| error(&migration.up, format!("cannot read the migration: {e}")))?;
        hasher.update(migration.version.to_string().as_bytes());
        hasher.update(migration.description.as_bytes());
        hasher.update((sql.len() as u64).to_le_bytes());
        hasher.update(&sql);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn error(file: &Path, message: String) -> LoadError {
    LoadError {
        file: file.to_owned(),
        line: 0,
        message,
    }
}
