//! `seed-runner schema snapshot`: written from a migrated database into the migrations folder,
//! checked for staleness without a database, and refused on a database behind its migrations.

mod common;

use std::process::Output;

use common::{MigrationsCopy, NO_SERVER, run};
use seedbed::testing::TestDatabase;

#[tokio::test]
async fn snapshot_written_checked_and_refused() -> anyhow::Result<()> {
    let db = TestDatabase::create().await?;
    let folder = MigrationsCopy::new("snapshot-cli");
    let dir = folder.0.to_str().unwrap();
    let snapshot = folder.0.join("seedbed-snapshot.json");

    // Behind its migrations, the database is refused and nothing is written.
    let behind = run(&db.url, &["schema", "snapshot", "--folder", dir]);
    assert!(!behind.status.success());
    assert!(String::from_utf8_lossy(&behind.stderr).contains("migrat"));
    assert!(!snapshot.exists());

    let check = run(&db.url, &["schema", "snapshot", "--check", "--folder", dir]);
    assert!(!check.status.success());
    assert!(String::from_utf8_lossy(&check.stderr).contains("no schema snapshot"));

    assert!(run(&db.url, &["migrate"]).status.success());
    let wrote = run(&db.url, &["schema", "snapshot", "--folder", dir]);
    assert!(
        wrote.status.success(),
        "{}",
        String::from_utf8_lossy(&wrote.stderr)
    );
    assert!(String::from_utf8_lossy(&wrote.stdout).contains("26 tables"));
    let read = seedbed_core::snapshot::Snapshot::read(&folder.0)?.expect("written");
    assert_eq!(read.tables.len(), 26);

    let check = run(&db.url, &["schema", "snapshot", "--check", "--folder", dir]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    std::fs::write(
        folder.0.join("30000101000000_more.up.sql"),
        "ALTER TABLE venues ADD COLUMN x int;",
    )?;
    let stale = run(&db.url, &["schema", "snapshot", "--check", "--folder", dir]);
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
    let shown = run(NO_SERVER, &["schema"]);
    assert!(shown.status.success());
    let shown = text(&shown);
    assert!(shown.contains("table venues\n"), "{shown}");
    assert!(shown.contains("  primary key (id)"), "{shown}");
    assert!(
        shown.contains("enum user_role: user, organizer, admin"),
        "{shown}"
    );

    // Behind its migrations, the database differs (every table missing).
    let behind = run(&db.url, &["schema", "diff"]);
    assert_eq!(behind.status.code(), Some(1));
    assert!(text(&behind).contains("table `venues` is in the migrations but not in the database"));

    assert!(run(&db.url, &["migrate"]).status.success());
    let same = run(&db.url, &["schema", "diff"]);
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
    let edited = run(&db.url, &["schema", "diff", "--json"]);
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
