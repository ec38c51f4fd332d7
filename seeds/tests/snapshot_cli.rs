//! `seed-runner schema snapshot`: written from a migrated database into the migrations folder,
//! checked for staleness without a database, and refused on a database behind its migrations.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use seedbed::testing::TestDatabase;

fn seed_runner(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seed-runner"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .env("DATABASE_URL", url)
        .env_remove("SEEDBED_ENV")
        .env_remove("APP_ENV")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A copy of the Festival Scout migrations, so that the test writes nothing into the repository.
struct Copy(PathBuf);

impl Copy {
    fn new() -> Copy {
        let dir = std::env::temp_dir().join(format!("seedbed-snapshot-cli-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
        for entry in std::fs::read_dir(source).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
        Copy(dir)
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn snapshot_written_checked_and_refused() -> anyhow::Result<()> {
    let db = TestDatabase::create().await?;
    let folder = Copy::new();
    let dir = folder.0.to_str().unwrap();
    let snapshot = folder.0.join("seedbed-snapshot.json");

    // Behind its migrations, the database is refused and nothing is written.
    let behind = seed_runner(&db.url, &["schema", "snapshot", "--folder", dir]);
    assert!(!behind.status.success());
    assert!(String::from_utf8_lossy(&behind.stderr).contains("migrat"));
    assert!(!snapshot.exists());

    let check = seed_runner(&db.url, &["schema", "snapshot", "--check", "--folder", dir]);
    assert!(!check.status.success());
    assert!(String::from_utf8_lossy(&check.stderr).contains("no schema snapshot"));

    assert!(seed_runner(&db.url, &["migrate"]).status.success());
    let wrote = seed_runner(&db.url, &["schema", "snapshot", "--folder", dir]);
    assert!(
        wrote.status.success(),
        "{}",
        String::from_utf8_lossy(&wrote.stderr)
    );
    assert!(String::from_utf8_lossy(&wrote.stdout).contains("26 tables"));
    let read = seedbed_core::snapshot::Snapshot::read(&folder.0)?.expect("written");
    assert_eq!(read.tables.len(), 26);

    let check = seed_runner(&db.url, &["schema", "snapshot", "--check", "--folder", dir]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    std::fs::write(
        folder.0.join("30000101000000_more.up.sql"),
        "ALTER TABLE venues ADD COLUMN x int;",
    )?;
    let stale = seed_runner(&db.url, &["schema", "snapshot", "--check", "--folder", dir]);
    assert!(!stale.status.success());
    assert!(String::from_utf8_lossy(&stale.stderr).contains("older than the migrations"));
    db.drop().await?;
    Ok(())
}

#[tokio::test]
async fn schema_prints_the_model_and_diff_finds_every_hand_edit() -> anyhow::Result<()> {
    let db = TestDatabase::create().await?;
    let text = |out: &Output| String::from_utf8_lossy(&out.stdout).into_owned();

    // The model needs no database.
    let shown = seed_runner("postgres://nobody@127.0.0.1:1/none", &["schema"]);
    assert!(shown.status.success());
    let shown = text(&shown);
    assert!(shown.contains("table venues\n"), "{shown}");
    assert!(shown.contains("  primary key (id)"), "{shown}");
    assert!(
        shown.contains("enum user_role: user, organizer, admin"),
        "{shown}"
    );

    // Behind its migrations, the database differs (every table missing).
    let behind = seed_runner(&db.url, &["schema", "diff"]);
    assert_eq!(behind.status.code(), Some(1));
    assert!(text(&behind).contains("table `venues` is in the migrations but not in the database"));

    assert!(seed_runner(&db.url, &["migrate"]).status.success());
    let same = seed_runner(&db.url, &["schema", "diff"]);
    assert!(same.status.success(), "{}", text(&same));
    assert!(text(&same).contains("the database matches"));

    let pool = db.connect().await?;
    sqlx::raw_sql(
        "ALTER TABLE venues ADD COLUMN vip boolean;
         ALTER TABLE events ALTER COLUMN capacity TYPE bigint;
         ALTER TABLE venues DROP CONSTRAINT venues_slug_key;
         DROP INDEX dance_styles_parent_style_id_idx;",
    )
    .execute(&pool)
    .await?;
    pool.close().await;
    let edited = seed_runner(&db.url, &["schema", "diff", "--json"]);
    assert_eq!(edited.status.code(), Some(1));
    let found: Vec<String> = serde_json::from_str(&text(&edited))?;
    assert_eq!(
        found,
        [
            "table `dance_styles`: index `dance_styles_parent_style_id_idx` is in the migrations but not in the database",
            "column `events.capacity`: integer in the migrations, bigint in the database",
            "column `venues.vip` (boolean) is in the database but not in the migrations",
            "table `venues`: unique (slug) is in the migrations but not in the database",
        ]
    );
    assert!(String::from_utf8_lossy(&edited.stderr).contains("4 difference(s)"));
    db.drop().await?;
    Ok(())
}
