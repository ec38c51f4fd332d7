//! `seed-runner migrate new NAME`: the next migration written into a copy of the Festival Scout
//! folder, in its layout, without a database; bad and taken names refused with nothing written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn seed_runner(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seed-runner"))
        .args(args)
        .current_dir(std::env::temp_dir())
        // No database is needed: a URL that cannot be reached proves none is used.
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A copy of the Festival Scout migrations, removed when dropped.
struct Folder(PathBuf);

impl Folder {
    fn copy() -> Folder {
        let dir = std::env::temp_dir().join(format!("seedbed-migrate-new-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
        for entry in std::fs::read_dir(source).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
        Folder(dir)
    }

    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_next_migration_is_written_in_the_folders_layout_and_bad_names_write_nothing() {
    let folder = Folder::copy();
    let dir = folder.0.to_str().unwrap();
    let before = folder.files();

    let out = seed_runner(&["migrate", "new", "add_user_preferences", "--folder", dir]);
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
        let out = seed_runner(&["migrate", "new", name, "--folder", dir]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(folder.files(), after, "{name}: nothing written");
    }
}
