//! The throwaway local cluster, with the machine's own PostgreSQL binaries (`initdb`, `pg_ctl`).
//!
//! Each test uses its own short folder under /tmp (the Unix socket path must stay short) and stops
//! its server at the end, even when an assertion fails (see [`Cleanup`]).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use seedbed::Error;
use seedbed::database::connect;
use seedbed::error::ConnectError;
use seedbed::local_cluster::{
    ClusterOutcome, LocalCluster, PgBinaries, ServerOptions, THROWAWAY_SETTINGS, database,
};

/// A fresh folder under /tmp; on drop, stops the cluster in it (if any) and removes it.
struct Cleanup {
    dir: PathBuf,
    cluster: Option<LocalCluster>,
}

impl Cleanup {
    fn new() -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = PathBuf::from(format!(
            "/tmp/sbpg-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Self { dir, cluster: None }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(cluster) = &self.cluster {
            if let Err(e) = cluster.stop() {
                eprintln!("cannot stop the test cluster: {e}");
            }
            if let Some(memory) = cluster.memory_dir() {
                let _ = std::fs::remove_dir_all(memory);
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn select_one(url: &str) -> i32 {
    let pool = connect(url).await.expect("connect to the local cluster");
    let one: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(db, database(), "the database is named after the program");
    pool.close().await;
    one
}

#[tokio::test]
async fn starts_reuses_restarts_and_stops() {
    let mut guard = Cleanup::new();
    let cluster = LocalCluster::ensure(&guard.dir).await.expect("start");
    guard.cluster = Some(cluster.clone());

    assert_eq!(cluster.outcome(), ClusterOutcome::Created);
    assert_eq!(
        cluster.dir(),
        std::fs::canonicalize(&guard.dir).unwrap().as_path()
    );
    assert!(cluster.data_dir().join("PG_VERSION").is_file());
    let socket = cluster
        .socket_dir()
        .expect("a short folder listens on a socket");
    assert!(socket.join(format!(".s.PGSQL.{}", cluster.port())).exists());
    assert!(cluster.url().starts_with(&format!(
        "postgres://postgres@localhost/{}?host=/",
        database()
    )));
    assert!(
        cluster
            .psql_command()
            .contains(&format!("-h {} -p {}", socket.display(), cluster.port())),
        "{}",
        cluster.psql_command()
    );
    assert_eq!(select_one(&cluster.url()).await, 1);
    let pid = cluster.pid().expect("running");
    // Only this OS user reaches the socket (trust there), and the TCP password is private.
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(socket), 0o700, "socket folder");
    assert_eq!(mode(cluster.dir()), 0o700, "cluster folder");
    assert_eq!(mode(&cluster.password_file()), 0o600, "password file");

    // Again: the same server, no second initdb.
    let version_file = cluster.data_dir().join("PG_VERSION");
    let created = std::fs::metadata(&version_file)
        .unwrap()
        .modified()
        .unwrap();
    let again = LocalCluster::ensure(&guard.dir).await.expect("reuse");
    assert_eq!(again.outcome(), ClusterOutcome::Reused);
    assert_eq!(again.port(), cluster.port());
    assert_eq!(again.pid(), Some(pid));
    assert_eq!(again.url(), cluster.url());
    assert_eq!(
        std::fs::metadata(&version_file)
            .unwrap()
            .modified()
            .unwrap(),
        created
    );

    // Stopped, then ensured: started again on the recorded port, the data kept.
    let pool = connect(&cluster.url()).await.unwrap();
    sqlx::query("CREATE TABLE kept (x int)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    cluster.stop().expect("stop");
    assert_eq!(cluster.pid(), None);
    cluster.stop().expect("stopping a stopped cluster is fine");
    let restarted = LocalCluster::ensure(&guard.dir).await.expect("restart");
    assert_eq!(restarted.outcome(), ClusterOutcome::Started);
    assert_eq!(restarted.port(), cluster.port());
    let pool = connect(&restarted.url()).await.unwrap();
    sqlx::query("SELECT x FROM kept")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    // `seed-runner cluster status|stop|destroy` find it without starting it.
    let found = LocalCluster::existing(&guard.dir)
        .expect("look")
        .expect("there is a cluster");
    assert!(found.running().unwrap());
    assert_eq!(found.port(), restarted.port());
    restarted.stop().expect("stop");
    assert_eq!(restarted.pid(), None);
    assert!(!found.running().unwrap());
    found.destroy().expect("destroy");
    assert!(!guard.dir.exists());
    assert!(LocalCluster::existing(&guard.dir).unwrap().is_none());
}

#[tokio::test]
async fn long_folder_falls_back_to_tcp_on_loopback() {
    let mut guard = Cleanup::new();
    let deep = guard.dir.join("x".repeat(60)).join("y".repeat(60));
    let cluster = LocalCluster::ensure(&deep).await.expect("start");
    guard.cluster = Some(cluster.clone());

    assert!(cluster.socket_dir().is_none());
    let password = std::fs::read_to_string(cluster.password_file()).unwrap();
    assert_eq!(
        cluster.url(),
        format!(
            "postgres://postgres:{}@127.0.0.1:{}/{}",
            password.trim(),
            cluster.port(),
            database()
        )
    );
    assert_eq!(select_one(&cluster.url()).await, 1);
    // Over TCP, no password no entry: not every OS user of the machine is superuser.
    let without = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port());
    let err = connect(&without).await.expect_err("trust over TCP");
    assert!(err.to_string().contains("password"), "{err}");
    let again = LocalCluster::ensure(&deep).await.expect("reuse");
    assert_eq!(
        (again.outcome(), again.port()),
        (ClusterOutcome::Reused, cluster.port())
    );
}

#[tokio::test]
async fn a_throwaway_server_runs_with_its_settings_and_is_found_without_a_program() {
    let mut guard = Cleanup::new();
    assert_eq!(LocalCluster::answering_url(&guard.dir, "postgres"), None);
    let bins = PgBinaries::find().expect("PostgreSQL is installed here");
    let cluster = LocalCluster::ensure_server(&guard.dir, bins, THROWAWAY_SETTINGS)
        .await
        .expect("start");
    guard.cluster = Some(cluster.clone());

    let url = LocalCluster::answering_url(cluster.dir(), "postgres").expect("it answers");
    assert_eq!(url, cluster.url_for("postgres"));
    let pool = connect(&url).await.unwrap();
    for (name, value) in THROWAWAY_SETTINGS {
        let set: String = sqlx::query_scalar("SELECT current_setting($1)")
            .bind(name)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(&set, value, "{name}");
    }
    // No database of the program's: tests make their own.
    let databases: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database ORDER BY datname")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(databases, ["postgres", "template0", "template1"]);
    pool.close().await;
    cluster.stop().expect("stop");
    assert_eq!(LocalCluster::answering_url(cluster.dir(), "postgres"), None);
}

/// A setting of the test cluster's own, only given when its data is in memory.
const IN_MEMORY: &[(&str, &str)] = &[("seedbed.clone_strategy", "file_copy")];

async fn setting_of(url: &str, name: &str) -> Option<String> {
    let pool = connect(url).await.unwrap();
    let value = sqlx::query_scalar("SELECT current_setting($1, true)")
        .bind(name)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    value
}

#[tokio::test]
async fn a_cluster_in_memory_keeps_its_data_there_is_made_again_when_it_went_and_destroy_removes_it()
 {
    let mut guard = Cleanup::new();
    let memory = Path::new("/dev/shm");
    let options = ServerOptions {
        settings: THROWAWAY_SETTINGS,
        memory_dir: Some(memory),
        memory_settings: IN_MEMORY,
    };
    let bins = PgBinaries::find().expect("PostgreSQL is installed here");
    let cluster = LocalCluster::ensure_server_with(&guard.dir, bins.clone(), &options)
        .await
        .expect("start");
    guard.cluster = Some(cluster.clone());
    assert_eq!(cluster.outcome(), ClusterOutcome::Created);
    let folder = cluster.memory_dir().expect("the data is in memory");
    assert!(folder.starts_with(memory), "{}", folder.display());
    assert!(
        std::fs::symlink_metadata(cluster.data_dir())
            .unwrap()
            .is_symlink()
    );
    assert!(folder.join("PG_VERSION").is_file());
    let url = cluster.url_for("postgres");
    let data = setting_of(&url, "data_directory").await.unwrap();
    assert_eq!(
        std::fs::canonicalize(data).unwrap(),
        folder,
        "the server's data directory"
    );
    assert_eq!(
        setting_of(&url, "seedbed.clone_strategy").await.as_deref(),
        Some("file_copy")
    );
    assert_eq!(setting_of(&url, "fsync").await.as_deref(), Some("off"));

    // The machine restarted: the memory folder is gone, the link stays; the next start makes
    // the cluster again, in memory.
    cluster.stop().expect("stop");
    std::fs::remove_dir_all(&folder).unwrap();
    let again = LocalCluster::ensure_server_with(&guard.dir, bins, &options)
        .await
        .expect("made again");
    guard.cluster = Some(again.clone());
    assert_eq!(again.outcome(), ClusterOutcome::Created);
    assert_eq!(again.memory_dir().as_deref(), Some(folder.as_path()));
    assert_eq!(
        setting_of(&again.url_for("postgres"), "fsync")
            .await
            .as_deref(),
        Some("off")
    );

    again.destroy().expect("destroy");
    assert!(!folder.exists(), "destroy leaves {}", folder.display());
    assert!(!guard.dir.exists());
}

#[tokio::test]
async fn a_cluster_whose_memory_folder_cannot_be_used_keeps_its_data_on_disk() {
    let mut guard = Cleanup::new();
    let options = ServerOptions {
        settings: THROWAWAY_SETTINGS,
        memory_dir: Some(Path::new("/nonexistent-seedbed-memory")),
        memory_settings: IN_MEMORY,
    };
    let bins = PgBinaries::find().expect("PostgreSQL is installed here");
    let cluster = LocalCluster::ensure_server_with(&guard.dir, bins, &options)
        .await
        .expect("start");
    guard.cluster = Some(cluster.clone());
    assert_eq!(cluster.memory_dir(), None);
    let data = std::fs::symlink_metadata(cluster.data_dir()).unwrap();
    assert!(data.is_dir() && !data.is_symlink());
    let url = cluster.url_for("postgres");
    assert_eq!(setting_of(&url, "seedbed.clone_strategy").await, None);
    assert_eq!(setting_of(&url, "fsync").await.as_deref(), Some("off"));
}

/// Run in a child process by the test below, whose environment asks for the local test cluster:
/// starts it (doing nothing when run by the test harness on its own).
#[test]
fn child_starts_the_local_test_cluster() {
    if std::env::var_os("SEEDBED_LOCAL_SERVER_CHILD").is_some() {
        let url = seedbed::testing::TestDatabase::try_admin_url().expect("the test cluster starts");
        println!("admin url: {url}");
    }
}

#[tokio::test]
async fn the_local_test_cluster_keeps_its_data_in_memory_unless_told_not_to() {
    use seedbed::testing::local_server::{MEMORY_DIR_ENV, MIN_MEMORY_FREE, memory_dir};
    let room = memory_dir(None, MIN_MEMORY_FREE).is_ok();
    for (setting, in_memory) in [(None, room), (Some("off"), false)] {
        let mut guard = Cleanup::new();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args([
                "child_starts_the_local_test_cluster",
                "--exact",
                "--nocapture",
            ])
            .env("SEEDBED_LOCAL_SERVER_CHILD", "1")
            .env("SEEDBED_TEST_ADMIN_URL", "local")
            .env("SEEDBED_LOCAL_PG_DIR", guard.dir.join("pg"));
        match setting {
            Some(value) => child.env(MEMORY_DIR_ENV, value),
            None => child.env_remove(MEMORY_DIR_ENV),
        };
        let output = child.output().unwrap();
        let cluster = LocalCluster::existing(&guard.dir.join("test-pg")).unwrap();
        guard.cluster = cluster.clone();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let cluster = cluster.expect("the test cluster is made beside the development one");
        assert_eq!(cluster.memory_dir().is_some(), in_memory, "{setting:?}");
        let url = cluster.url_for("postgres");
        assert_eq!(
            setting_of(&url, "seedbed.clone_strategy").await.is_some(),
            in_memory
        );
        assert_eq!(setting_of(&url, "fsync").await.as_deref(), Some("off"));
    }
}

#[test]
fn missing_binaries_say_what_to_install() {
    let bogus = [PathBuf::from("/nonexistent/bin"), PathBuf::from("/tmp")];
    let err = PgBinaries::find_in(&bogus).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Connect(ConnectError::PostgresNotInstalled { .. })
        ),
        "{err:?}"
    );
    let message = err.to_string();
    for needle in [
        "apt-get install postgresql",
        "brew install postgresql@16",
        "--database-url",
        "/nonexistent/bin",
    ] {
        assert!(message.contains(needle), "{needle:?} not in: {message}");
    }
    assert!(PgBinaries::find_in(&[]).is_err());
}

#[test]
fn binaries_are_found_on_this_machine() {
    let bins = PgBinaries::find().expect("PostgreSQL is installed here");
    assert!(bins.initdb().is_file() && bins.pg_ctl().is_file());
    // A symbolic link on PATH is followed to the real bin folder.
    let found = PgBinaries::find_in(&[bins.bindir().to_path_buf()]).unwrap();
    assert_eq!(found, bins);
}

#[test]
fn default_dir_honours_the_override() {
    // The variable is read, never set here (set_var is unsafe and racy in tests); without it the
    // folder is under a target/ directory.
    let dir = LocalCluster::default_dir().unwrap();
    match std::env::var_os("SEEDBED_LOCAL_PG_DIR") {
        Some(value) => assert_eq!(dir, std::path::absolute(Path::new(&value)).unwrap()),
        None => assert!(dir.ends_with("seedbed/pg"), "{}", dir.display()),
    }
    assert!(dir.is_absolute());
}
