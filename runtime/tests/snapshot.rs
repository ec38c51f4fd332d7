//! The schema snapshot: read from a real database migrated with each migrations folder of the
//! repository (Festival Scout, the examples, the corpus of public projects), it describes the
//! same schema the macros' replay builds; written next to migrations whose replay cannot follow
//! a table, it gives the macros that table; and once the migrations move past it, it is stale.

use std::path::{Path, PathBuf};

use seedbed::snapshot;
use seedbed::testing::TestDatabase;
use seedbed_core::layout::read_migrations;
use seedbed_core::schema::{Schema, SqlType};
use seedbed_core::snapshot::{Snapshot, digest};
use sqlx::{Connection, PgConnection};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every migrations folder of the repository.
fn folders() -> Vec<PathBuf> {
    let mut folders = vec![root().join("migrations")];
    for parent in ["examples", "core/tests/corpus"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root().join(parent))
            .unwrap()
            .map(|e| e.unwrap().path().join("migrations"))
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        folders.extend(found);
    }
    folders
}

/// Applies the folder's migrations in order, each in a transaction unless its tool says not.
async fn migrate(conn: &mut PgConnection, dir: &Path) -> anyhow::Result<()> {
    for m in read_migrations(dir)?.migrations {
        let sql = std::fs::read_to_string(&m.up)?;
        if m.run_in_transaction {
            let mut tx = conn.begin().await?;
            sqlx::raw_sql(&sql).execute(&mut *tx).await?;
            tx.commit().await?;
        } else {
            sqlx::raw_sql(&sql).execute(&mut *conn).await?;
        }
    }
    Ok(())
}

#[tokio::test]
async fn the_snapshot_of_a_migrated_database_is_the_replayed_schema() -> anyhow::Result<()> {
    let mut checked = 0;
    for dir in folders() {
        let db = TestDatabase::create().await?;
        let mut conn = PgConnection::connect(&db.url).await?;
        migrate(&mut conn, &dir).await?;
        let read = snapshot::read(&mut conn).await?;
        conn.close().await?;
        db.drop().await?;

        let replayed = Schema::load(&dir)?;
        let found = seedbed_core::diff::differences(&replayed, &read);
        assert!(found.is_empty(), "{}: {found:#?}", dir.display());
        assert_eq!(replayed.views, read.views, "{}", dir.display());
        checked += replayed.tables.len() - replayed.tainted.len();
    }
    assert!(checked > 100, "only {checked} tables compared");
    Ok(())
}

/// A copy of a migrations folder in a temporary place.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str, files: &[(&str, &str)]) -> Folder {
        let dir =
            std::env::temp_dir().join(format!("seedbed-snapshot-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, sql) in files {
            std::fs::write(dir.join(file), sql).unwrap();
        }
        Folder(dir)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn a_snapshot_gives_the_tables_the_replay_cannot_follow_until_it_is_stale()
-> anyhow::Result<()> {
    let folder = Folder::new(
        "way-out",
        &[(
            "1_stats.sql",
            "CREATE TABLE venues (id uuid PRIMARY KEY, name text NOT NULL);
             CREATE TABLE venue_stats AS SELECT id AS venue_id, 0::integer AS visits FROM venues;
             ALTER TABLE venue_stats ALTER venue_id SET NOT NULL;",
        )],
    );
    let before = Schema::load(&folder.0)?;
    assert!(before.tainted.contains_key("venue_stats"));

    let db = TestDatabase::create().await?;
    let mut conn = PgConnection::connect(&db.url).await?;
    migrate(&mut conn, &folder.0).await?;
    let read = snapshot::read(&mut conn).await?;
    conn.close().await?;
    db.drop().await?;
    let written = Snapshot::of(read, digest(&folder.0)?);
    std::fs::write(Snapshot::path(&folder.0), written.to_json())?;

    let after = Schema::load(&folder.0)?;
    assert!(after.tainted.is_empty());
    let stats = after.table("venue_stats").unwrap();
    let columns: Vec<(&str, &SqlType, bool)> = stats
        .columns
        .iter()
        .map(|c| (c.name.as_str(), &c.ty, c.nullable))
        .collect();
    assert_eq!(
        columns,
        [
            ("venue_id", &SqlType::Uuid, false),
            ("visits", &SqlType::Integer, true)
        ]
    );
    assert_eq!(after.table("venues"), before.table("venues"));

    // A new migration makes the snapshot stale: the table is in doubt again, and says why.
    std::fs::write(
        folder.0.join("2_more.sql"),
        "ALTER TABLE venues ADD COLUMN city text;",
    )?;
    let stale = Schema::load(&folder.0)?;
    let taint = &stale.tainted["venue_stats"];
    assert!(
        taint.message.contains("is older than the migrations"),
        "{}",
        taint.message
    );
    assert!(stale.table("venues").unwrap().column("city").is_some());

    // A file that is no snapshot is an error, not a silent fallback.
    std::fs::write(Snapshot::path(&folder.0), "{ not json")?;
    let e = Schema::load(&folder.0).unwrap_err();
    assert!(e.message.contains("not one seedbed wrote"), "{}", e.message);
    Ok(())
}
