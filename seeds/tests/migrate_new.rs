//! `seed-runner migrate new NAME`: the next migration written into a copy of the Festival Scout
//! folder, in its layout, without a database; bad and taken names refused with nothing written.

mod common;

use common::{MigrationsCopy, NO_SERVER, run};

#[test]
fn the_next_migration_is_written_in_the_folders_layout_and_bad_names_write_nothing() {
    let folder = MigrationsCopy::new("migrate-new");
    let dir = folder.0.to_str().unwrap();
    let before = folder.files();

    let out = run(
        NO_SERVER,
        &["migrate", "new", "add_user_preferences", "--folder", dir],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let added: Vec<String> = folder
        .files()
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    assert_eq!(added.len(), 2, "{added:?}");
    assert!(
        added[0].ends_with("_add_user_preferences.down.sql"),
        "{added:?}"
    );
    assert!(
        added[1].ends_with("_add_user_preferences.up.sql"),
        "{added:?}"
    );
    assert!(
        added[1] > before[before.len() - 1],
        "sorts after every migration"
    );
    for file in &added {
        assert!(stdout.contains(file.as_str()), "{stdout}");
    }
    // The folder still reads as one sqlx folder, with the new migration last.
    let read = seedbed_core::layout::read_migrations(&folder.0).unwrap();
    assert_eq!(
        read.migrations.last().unwrap().description,
        "add_user_preferences"
    );

    let after = folder.files();
    for (name, message) in [
        ("add_user_preferences", "already has a migration named"),
        ("Add-Prefs", "is not a migration name"),
        ("../../etc/x", "is not a migration name"),
    ] {
        let out = run(NO_SERVER, &["migrate", "new", name, "--folder", dir]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(folder.files(), after, "{name}: nothing written");
    }
}
