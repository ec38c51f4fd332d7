//! `seed-runner migrate` on a database stamped production: a pg_dump first (refused without a
//! backup folder, nothing migrated when the dump fails), `--no-backup` to go without.

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::run;
use seedbed::testing::TestDatabase;

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn pending(url: &str) -> usize {
    let out = run(url, &["--env", "production", "migrate", "status"]);
    ok(&out);
    String::from_utf8_lossy(&out.stdout)
        .matches(" pending")
        .count()
}

#[tokio::test]
async fn production_is_backed_up_before_it_is_migrated() -> anyhow::Result<()> {
    let db = TestDatabase::create().await?;
    let url = db.url.clone();
    let backups: PathBuf =
        std::env::temp_dir().join(format!("seedbed-backups-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&backups);

    ok(&run(&url, &["migrate"]));
    ok(&run(&url, &["--env", "production"]));
    let revert = [
        "--env",
        "production",
        "migrate",
        "revert",
        "--i-know-this-is-production",
    ];
    ok(&run(&url, &revert));
    assert_eq!(pending(&url), 1);

    // Without a backup folder, or with one that cannot be written, nothing is migrated.
    let refused = run(&url, &["--env", "production", "migrate"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--backup-dir PATH"));
    // Seeding with --migrate migrates too, so it is held to the same rule.
    let seeding = run(&url, &["--env", "production", "--migrate"]);
    assert_eq!(seeding.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&seeding.stderr).contains("--backup-dir PATH"));
    let unwritable = run(
        &url,
        &[
            "--env",
            "production",
            "migrate",
            "--backup-dir",
            "/proc/seedbed-nope",
        ],
    );
    assert_eq!(unwritable.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unwritable.stderr).contains("nothing was migrated"));
    assert_eq!(pending(&url), 1);

    let dir = backups.to_str().unwrap();
    let backed_up = run(
        &url,
        &["--env", "production", "migrate", "--backup-dir", dir],
    );
    ok(&backed_up);
    assert_eq!(pending(&url), 0);
    let dumps: Vec<PathBuf> = std::fs::read_dir(&backups)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    assert_eq!(dumps.len(), 1);
    // A custom-format dump starts with PGDMP; the message says how to restore it.
    assert_eq!(&std::fs::read(&dumps[0])?[..5], b"PGDMP");
    let stderr = String::from_utf8_lossy(&backed_up.stderr);
    assert!(
        stderr.contains("pg_restore --clean --if-exists"),
        "{stderr}"
    );

    ok(&run(&url, &revert));
    let skipped = run(&url, &["--env", "production", "migrate", "--no-backup"]);
    ok(&skipped);
    assert!(String::from_utf8_lossy(&skipped.stderr).contains("without a backup"));
    assert_eq!(std::fs::read_dir(&backups)?.count(), 1, "no second dump");

    // A database not stamped production is migrated without a backup.
    let other = TestDatabase::create().await?;
    ok(&run(&other.url, &["migrate"]));
    other.drop().await?;
    std::fs::remove_dir_all(&backups)?;
    db.drop().await?;
    Ok(())
}
