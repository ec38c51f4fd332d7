//! A throwaway PostgreSQL cluster of the project, for when no database URL is given.
//!
//! [`LocalCluster::ensure`] creates it with the machine's own `initdb` (if its data directory is
//! absent), starts it with `pg_ctl` (unless `pg_ctl status` says it runs already), and creates the
//! database of [`database()`] in it. Everything lives in one folder, by default
//! `<workspace>/target/seedbed/pg` (see [`LocalCluster::default_dir`]):
//!
//! ```text
//! target/seedbed/pg/
//!   data/          the cluster (initdb -U postgres -E UTF8 --locale=C)
//!   sock/          the Unix socket the server listens on (no TCP), mode 0700
//!   password       the superuser's generated password (mode 0600), for TCP
//!   port           the port, so that the next run finds the same server
//!   postgres.log   the server's log
//! ```
//!
//! The server listens on a Unix socket in `sock/` only, unless that path would be too long for a
//! socket (more than [`MAX_SOCKET_PATH`] bytes); then it listens on 127.0.0.1 at a free port.
//!
//! Only the user who created the cluster may connect: the folder and `sock/` are private (mode
//! 0700), so no other OS user reaches the socket, where `trust` lets the owner in without a
//! password; over TCP every connection needs the generated password in `password`, a file only
//! that user can read. (Clusters created by seedbed before it had a password keep `trust` on
//! TCP: `seed-runner cluster destroy` and a new run recreate them.)
//!
//! PostgreSQL refuses to run as root. When this process runs as root (containers, CI), `initdb` and
//! `pg_ctl` run as the `postgres` OS user (through `runuser`, else `su`), and the folder is given to
//! that user.
//!
//! ```no_run
//! # async fn run() -> Result<(), seedbed::Error> {
//! use seedbed::local_cluster::LocalCluster;
//!
//! let cluster = LocalCluster::ensure(&LocalCluster::default_dir()?).await?;
//! eprintln!("using local PostgreSQL at {}, open it with: {}",
//!           cluster.dir().display(), cluster.psql_command());
//! let pool = seedbed::database::connect(&cluster.url()).await?;
//! # Ok(())
//! # }
//! ```

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use sqlx::{Connection, PgConnection};

use crate::error::ConnectError;
use crate::error::Error;

/// Overrides the cluster's folder.
pub const DIR_ENV: &str = "SEEDBED_LOCAL_PG_DIR";
/// The database a program uses in the cluster: named after the program (`seed-runner` uses
/// `seed_runner`, `blog-seed-runner` uses `blog_seed_runner`), so the seeds of different
/// projects that share a workspace, and so a cluster, do not meet in one database.
pub fn database() -> String {
    let program = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let name: String = program
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        "seedbed".to_owned()
    } else {
        name
    }
}
/// The cluster's superuser (trust on its private socket, the generated password over TCP).
pub const SUPERUSER: &str = "postgres";
/// The OS user that runs the server when this process runs as root.
pub const OS_USER: &str = "postgres";
/// The longest Unix socket path used (`<dir>/sock/.s.PGSQL.<port>`), in bytes; the system limit
/// is 107 on Linux and 103 on macOS, this leaves a margin.
pub const MAX_SOCKET_PATH: usize = 100;
/// How long `pg_ctl start` may wait for the server to accept connections.
const START_TIMEOUT_SECS: u32 = 60;
/// How long [`LocalCluster::ensure`] waits for another process doing the same.
const LOCK_TIMEOUT: Duration = Duration::from_secs(120);
/// A lock file older than this is left over from a killed process.
const LOCK_STALE_AFTER: Duration = Duration::from_secs(300);
/// Server settings of a cluster that holds nothing worth keeping (the one for tests): writes are
/// not flushed to disk, nor pages written whole after a checkpoint, nor commits waited for. A
/// crash of the server or the machine (not of a test) may leave it corrupt: then destroy it.
pub const THROWAWAY_SETTINGS: &[(&str, &str)] = &[
    ("fsync", "off"),
    ("full_page_writes", "off"),
    ("synchronous_commit", "off"),
];

/// The start of the name of a folder in memory holding a cluster's data directory; only such
/// folders are ever removed through the `<dir>/data` link.
const MEMORY_FOLDER_PREFIX: &str = "seedbed-pg-";

fn is_memory_folder(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with(MEMORY_FOLDER_PREFIX))
}

/// How [`LocalCluster::ensure_server_with`] creates and starts a cluster.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerOptions<'a> {
    /// `-c name=value` settings the server starts with (unless it runs already).
    pub settings: &'a [(&'a str, &'a str)],
    /// A folder on a memory file system (tmpfs) where a cluster created now keeps its data
    /// directory, `<dir>/data` linking to it; `None`, or a folder that cannot be used, keeps it
    /// on disk. A cluster keeps the place it was created in. Data in memory is gone when the
    /// machine restarts: the next call creates the cluster again.
    pub memory_dir: Option<&'a Path>,
    /// More settings for a cluster whose data is in memory.
    pub memory_settings: &'a [(&'a str, &'a str)],
}

/// The PostgreSQL server programs `initdb` and `pg_ctl`, from one `bin` folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgBinaries {
    bindir: PathBuf,
}

impl PgBinaries {
    /// Looks on `PATH`, then in `pg_config --bindir`, then in the usual install folders
    /// (`/usr/lib/postgresql/<highest version>/bin` on Debian/Ubuntu, `/usr/pgsql-<version>/bin`,
    /// Homebrew's `postgresql@<version>`).
    pub fn find() -> Result<Self, Error> {
        let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).collect())
            .unwrap_or_default();
        if let Some(dir) = pg_config_bindir() {
            dirs.push(dir);
        }
        dirs.extend(well_known_dirs());
        Self::find_in(&dirs).map_err(|_| {
            Error::Connect(ConnectError::PostgresNotInstalled {
                searched: WELL_KNOWN_PATTERNS.iter().map(PathBuf::from).collect(),
            })
        })
    }

    /// The first of `dirs` that holds both `initdb` and `pg_ctl` (a symbolic link to them is
    /// followed, so that both come from the real `bin` folder).
    pub fn find_in(dirs: &[PathBuf]) -> Result<Self, Error> {
        for dir in dirs {
            if is_executable(&dir.join("initdb")) && is_executable(&dir.join("pg_ctl")) {
                let bindir = fs::canonicalize(dir.join("pg_ctl"))
                    .ok()
                    .and_then(|real| real.parent().map(Path::to_path_buf))
                    .filter(|real| is_executable(&real.join("initdb")))
                    .unwrap_or_else(|| dir.clone());
                return Ok(Self { bindir });
            }
        }
        Err(Error::Connect(ConnectError::PostgresNotInstalled {
            searched: dirs.to_vec(),
        }))
    }

    /// The folder holding the programs.
    pub fn bindir(&self) -> &Path {
        &self.bindir
    }

    /// The path of `initdb`.
    pub fn initdb(&self) -> PathBuf {
        self.bindir.join("initdb")
    }

    /// The path of `pg_ctl`.
    pub fn pg_ctl(&self) -> PathBuf {
        self.bindir.join("pg_ctl")
    }
}

const WELL_KNOWN_PATTERNS: &[&str] = &[
    "/usr/lib/postgresql/<version>/bin",
    "/usr/pgsql-<version>/bin",
    "/opt/homebrew/opt/postgresql@<version>/bin",
    "/usr/local/opt/postgresql@<version>/bin",
];

fn pg_config_bindir() -> Option<PathBuf> {
    let output = Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let dir = String::from_utf8(output.stdout).ok()?;
    let dir = dir.trim();
    (output.status.success() && !dir.is_empty()).then(|| PathBuf::from(dir))
}

/// Install folders, highest version first within each family.
fn well_known_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for (parent, prefix, suffix) in [
        ("/usr/lib/postgresql", "", "bin"),
        ("/usr", "pgsql-", "bin"),
        ("/opt/homebrew/opt", "postgresql@", "bin"),
        ("/usr/local/opt", "postgresql@", "bin"),
    ] {
        let Ok(entries) = fs::read_dir(parent) else {
            continue;
        };
        let mut versions: Vec<(Vec<u64>, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let version = name.strip_prefix(prefix)?;
                let key = version
                    .split('.')
                    .map(|part| part.parse::<u64>().ok())
                    .collect::<Option<Vec<_>>>()?;
                Some((key, entry.path().join(suffix)))
            })
            .collect();
        versions.sort_by(|a, b| b.0.cmp(&a.0));
        dirs.extend(versions.into_iter().map(|(_, dir)| dir));
    }
    dirs
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// What [`LocalCluster::ensure`] had to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClusterOutcome {
    /// The cluster was created (initdb) and started.
    Created,
    /// It existed and was started.
    Started,
    /// It was running already.
    Reused,
}

impl fmt::Display for ClusterOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Created => "created",
            Self::Started => "started",
            Self::Reused => "already running",
        })
    }
}

/// An OS user, from `/etc/passwd`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OsUser {
    name: String,
    uid: u32,
    gid: u32,
}

impl OsUser {
    fn lookup(name: &str) -> Option<Self> {
        let passwd = fs::read_to_string("/etc/passwd").ok()?;
        passwd.lines().find_map(|line| {
            let mut fields = line.split(':');
            (fields.next()? == name).then_some(())?;
            let _password = fields.next()?;
            Some(Self {
                name: name.to_owned(),
                uid: fields.next()?.parse().ok()?,
                gid: fields.next()?.parse().ok()?,
            })
        })
    }
}

/// The effective user id of this process, without `unsafe`: Linux makes `/proc/self` owned by it;
/// elsewhere ask `id -u`.
fn effective_uid() -> Option<u32> {
    if let Ok(meta) = fs::metadata("/proc/self") {
        return Some(meta.uid());
    }
    let output = Command::new("id").arg("-u").output().ok()?;
    String::from_utf8(output.stdout).ok()?.trim().parse().ok()
}

/// A running throwaway cluster.
#[derive(Debug, Clone)]
pub struct LocalCluster {
    dir: PathBuf,
    bins: PgBinaries,
    port: u16,
    /// `None`: listening on 127.0.0.1 instead.
    socket_dir: Option<PathBuf>,
    run_as: Option<OsUser>,
    outcome: ClusterOutcome,
}

impl LocalCluster {
    /// The project's cluster folder: `$SEEDBED_LOCAL_PG_DIR` if set, else
    /// `$CARGO_TARGET_DIR/seedbed/pg` if set, else `<root>/target/seedbed/pg` where `<root>` is the
    /// nearest directory, from the current one upward, that holds a `Cargo.lock` or a `target/`
    /// (the workspace root), or the current directory if none does.
    pub fn default_dir() -> Result<PathBuf, Error> {
        let absolute = |path: OsString| {
            std::path::absolute(&path).map_err(|e| {
                Error::io(
                    format!("cannot make {} absolute", Path::new(&path).display()),
                    e,
                )
            })
        };
        if let Some(dir) = std::env::var_os(DIR_ENV).filter(|v| !v.is_empty()) {
            return absolute(dir);
        }
        if let Some(target) = std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
            return Ok(absolute(target)?.join("seedbed").join("pg"));
        }
        let cwd = std::env::current_dir()
            .map_err(|e| Error::io("cannot determine the current directory", e))?;
        let root = cwd
            .ancestors()
            .find(|dir| dir.join("Cargo.lock").is_file() || dir.join("target").is_dir())
            .unwrap_or(&cwd);
        Ok(root.join("target").join("seedbed").join("pg"))
    }

    /// Starts the cluster in `dir` (creating it if needed), or finds it running, and makes sure
    /// the database of [`database()`] exists. Progress goes to the log (`tracing`), the cluster's own
    /// output to `<dir>/postgres.log`. Two processes calling this at once wait for each other.
    pub async fn ensure(dir: &Path) -> Result<Self, Error> {
        Self::ensure_with(dir, PgBinaries::find()?).await
    }

    /// [`LocalCluster::ensure`] with the given programs.
    pub async fn ensure_with(dir: &Path, bins: PgBinaries) -> Result<Self, Error> {
        let cluster = Self::ensure_server(dir, bins, &[]).await?;
        cluster.create_database().await?;
        Ok(cluster)
    }

    /// The server of [`LocalCluster::ensure`], creating no database: created if needed, and
    /// started with `settings` (`-c name=value`) unless it runs already (then as it was started).
    pub async fn ensure_server(
        dir: &Path,
        bins: PgBinaries,
        settings: &[(&str, &str)],
    ) -> Result<Self, Error> {
        let options = ServerOptions {
            settings,
            ..ServerOptions::default()
        };
        Self::ensure_server_with(dir, bins, &options).await
    }

    /// [`LocalCluster::ensure_server`] with [`ServerOptions`]: a cluster created now may keep its
    /// data directory in memory.
    pub async fn ensure_server_with(
        dir: &Path,
        bins: PgBinaries,
        options: &ServerOptions<'_>,
    ) -> Result<Self, Error> {
        let fail = |action: &str, detail: String| {
            Error::Connect(ConnectError::LocalCluster {
                dir: dir.to_owned(),
                action: action.to_owned(),
                detail,
            })
        };
        fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        let dir = fs::canonicalize(dir)
            .map_err(|e| Error::io(format!("cannot resolve {}", dir.display()), e))?;

        let run_as = if effective_uid() == Some(0) {
            let user = OsUser::lookup(OS_USER)
                .ok_or_else(|| Error::Connect(ConnectError::NoPostgresUser { dir: dir.clone() }))?;
            check_reachable(&dir, &user)?;
            // The server runs as `postgres` and needs to own its folder (initdb creates `data/`
            // inside it, the server writes the log and the socket there). Our own small files
            // (port, lock) stay root's, which is fine: root can write anywhere.
            give_to(&dir, &user)?;
            Some(user)
        } else {
            None
        };

        make_private(&dir)?;
        let _lock = DirLock::acquire(dir.join("ensure.lock")).await?;

        let mut cluster = Self {
            bins,
            port: 0,
            socket_dir: None,
            run_as,
            outcome: ClusterOutcome::Reused,
            dir,
        };
        let data = cluster.data_dir();

        if !data.join("PG_VERSION").is_file() {
            cluster.remove_incomplete_data()?;
            if let Some(memory) = options.memory_dir
                && let Err(e) = cluster.link_data_into(memory)
            {
                tracing::warn!(%e, "keeping the cluster's data on disk");
            }
            tracing::info!(dir = %cluster.dir.display(), "creating a local PostgreSQL cluster");
            let password = cluster.write_password()?;
            let mut pwfile = OsString::from("--pwfile=");
            pwfile.push(&password);
            let initdb = cluster.command(
                &cluster.bins.initdb(),
                &[
                    "-D".as_ref(),
                    data.as_os_str(),
                    "-U".as_ref(),
                    SUPERUSER.as_ref(),
                    "--auth-local=trust".as_ref(),
                    "--auth-host=scram-sha-256".as_ref(),
                    pwfile.as_os_str(),
                    "-E".as_ref(),
                    "UTF8".as_ref(),
                    "--locale=C".as_ref(),
                    "--no-sync".as_ref(),
                ],
            );
            let output = run(initdb).await.map_err(|e| fail("running initdb", e))?;
            if !output.status.success() {
                return Err(fail("initdb", command_failure(&output)));
            }
            cluster.outcome = ClusterOutcome::Created;
        }

        if cluster.is_running()? {
            let pid_file = read_postmaster_pid(&data).map_err(|e| {
                fail(
                    "reading postmaster.pid of the running server",
                    e.to_string(),
                )
            })?;
            cluster.port = pid_file.port;
            cluster.socket_dir = pid_file.socket_dir;
            // A server started by an older seedbed: close its socket folder to other users now.
            if let Some(socket) = &cluster.socket_dir
                && socket.starts_with(&cluster.dir)
            {
                make_private(socket)?;
            }
            tracing::info!(
                port = cluster.port,
                "local PostgreSQL cluster already running"
            );
        } else {
            let mut settings = options.settings.to_vec();
            if cluster.memory_dir().is_some() {
                settings.extend_from_slice(options.memory_settings);
            }
            cluster.start(&settings).await?;
            if cluster.outcome == ClusterOutcome::Reused {
                cluster.outcome = ClusterOutcome::Started;
            }
        }
        fs::write(cluster.port_file(), format!("{}\n", cluster.port))
            .map_err(|e| Error::io(format!("cannot write {}", cluster.port_file().display()), e))?;
        Ok(cluster)
    }

    /// The URL of `database` on the cluster in `dir` if its server accepts connections right
    /// now, found from its `postmaster.pid` without running a program: cheap enough for every
    /// test process to call.
    pub fn answering_url(dir: &Path, database: &str) -> Option<String> {
        let pid_file = read_postmaster_pid(&dir.join("data")).ok()?;
        let answers = match &pid_file.socket_dir {
            Some(socket) => std::os::unix::net::UnixStream::connect(
                socket.join(format!(".s.PGSQL.{}", pid_file.port)),
            )
            .is_ok(),
            None => std::net::TcpStream::connect(("127.0.0.1", pid_file.port)).is_ok(),
        };
        let password = read_password(&dir.join("password"));
        answers.then(|| {
            url_of(
                pid_file.socket_dir.as_deref(),
                pid_file.port,
                password,
                database,
            )
        })
    }

    /// The cluster's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// The cluster in `dir` as it stands, running or not, creating and starting nothing
    /// (`seed-runner cluster status|stop|destroy`); `None` when `dir` holds no cluster.
    pub fn existing(dir: &Path) -> Result<Option<Self>, Error> {
        let Ok(dir) = fs::canonicalize(dir) else {
            return Ok(None);
        };
        if !dir.join("data").join("PG_VERSION").is_file() {
            return Ok(None);
        }
        let run_as = if effective_uid() == Some(0) {
            OsUser::lookup(OS_USER)
        } else {
            None
        };
        let mut cluster = Self {
            bins: PgBinaries::find()?,
            port: 0,
            socket_dir: None,
            run_as,
            outcome: ClusterOutcome::Reused,
            dir,
        };
        if cluster.is_running()? {
            let pid_file = read_postmaster_pid(&cluster.data_dir())
                .map_err(|e| cluster.fail("reading postmaster.pid", e.to_string()))?;
            cluster.port = pid_file.port;
            cluster.socket_dir = pid_file.socket_dir;
        } else {
            cluster.port = fs::read_to_string(cluster.port_file())
                .ok()
                .and_then(|p| p.trim().parse().ok())
                .unwrap_or(0);
        }
        Ok(Some(cluster))
    }

    /// Whether its server is running (`pg_ctl status`).
    pub fn running(&self) -> Result<bool, Error> {
        self.is_running()
    }

    /// Stops the server and removes the whole folder (and its data directory in memory, if
    /// there): every database in it is gone.
    pub fn destroy(self) -> Result<(), Error> {
        self.stop()?;
        if let Some(memory) = self.memory_dir() {
            fs::remove_dir_all(&memory)
                .map_err(|e| Error::io(format!("cannot remove {}", memory.display()), e))?;
        }
        fs::remove_dir_all(&self.dir)
            .map_err(|e| Error::io(format!("cannot remove {}", self.dir.display()), e))
    }

    /// The data directory (`<dir>/data`; a link to a folder in memory for a cluster created
    /// with [`ServerOptions::memory_dir`]).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The folder in memory that `<dir>/data` links to, if the cluster's data is there.
    pub fn memory_dir(&self) -> Option<PathBuf> {
        fs::read_link(self.data_dir())
            .ok()
            .filter(|target| is_memory_folder(target))
    }

    /// The folder in `memory` that holds the data of the cluster in `dir`: one name per cluster
    /// folder and OS user, so that clusters of several checkouts never share one.
    fn memory_folder_in(&self, memory: &Path) -> PathBuf {
        use sha2::Digest as _;
        use std::os::unix::ffi::OsStrExt as _;
        let hash = sha2::Sha256::digest(self.dir.as_os_str().as_bytes());
        let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
        let uid = effective_uid().unwrap_or(0);
        memory.join(format!("{MEMORY_FOLDER_PREFIX}{uid}-{hex}"))
    }

    /// Removes what an interrupted initdb left at `<dir>/data`, or a link to a memory folder
    /// that is gone or empty (the machine restarted): it is ours, and holds nothing.
    fn remove_incomplete_data(&self) -> Result<(), Error> {
        let data = self.data_dir();
        let Ok(meta) = fs::symlink_metadata(&data) else {
            return Ok(());
        };
        tracing::warn!(data = %data.display(), "removing an incomplete cluster");
        let removed = if meta.is_symlink() {
            if let Some(memory) = self.memory_dir()
                && memory.exists()
            {
                self.stop_stale(&memory);
                fs::remove_dir_all(&memory).map_err(|e| {
                    Error::io(
                        format!("cannot remove the incomplete {}", memory.display()),
                        e,
                    )
                })?;
            }
            fs::remove_file(&data)
        } else {
            fs::remove_dir_all(&data)
        };
        removed.map_err(|e| {
            Error::io(
                format!("cannot remove the incomplete {}", data.display()),
                e,
            )
        })
    }

    /// Makes `<dir>/data` a link to a new, private folder in `memory`, for initdb to fill.
    fn link_data_into(&self, memory: &Path) -> Result<(), Error> {
        let folder = self.memory_folder_in(memory);
        if folder.exists() {
            // A cluster of this folder whose link went (`target/` deleted under a running
            // server, say): its data is nobody's now.
            self.stop_stale(&folder);
            fs::remove_dir_all(&folder).map_err(|e| {
                Error::io(format!("cannot remove the stale {}", folder.display()), e)
            })?;
        }
        fs::create_dir(&folder)
            .map_err(|e| Error::io(format!("cannot create {}", folder.display()), e))?;
        if let Some(user) = &self.run_as {
            give_to(&folder, user)?;
        }
        make_private(&folder)?;
        std::os::unix::fs::symlink(&folder, self.data_dir()).map_err(|e| {
            let _ = fs::remove_dir(&folder);
            Error::io(
                format!(
                    "cannot link {} to {}",
                    self.data_dir().display(),
                    folder.display()
                ),
                e,
            )
        })
    }

    /// Stops a server still running on the data directory `data`, if any (immediately: its data
    /// is about to go).
    fn stop_stale(&self, data: &Path) {
        if data.join("postmaster.pid").is_file() {
            let mut stop = self.command(
                &self.bins.pg_ctl(),
                &[
                    "stop".as_ref(),
                    "-D".as_ref(),
                    data.as_os_str(),
                    "-m".as_ref(),
                    "immediate".as_ref(),
                    "-w".as_ref(),
                    "-s".as_ref(),
                ],
            );
            let _ = stop.output();
        }
    }

    /// The server log (`<dir>/postgres.log`).
    pub fn log_file(&self) -> PathBuf {
        self.dir.join("postgres.log")
    }

    /// The port (for a Unix socket, part of the socket's name).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The folder of the Unix socket, or `None` when the server listens on 127.0.0.1.
    pub fn socket_dir(&self) -> Option<&Path> {
        self.socket_dir.as_deref()
    }

    /// What [`LocalCluster::ensure`] did.
    pub fn outcome(&self) -> ClusterOutcome {
        self.outcome
    }

    /// The process id of the server, from `postmaster.pid`, if it runs.
    pub fn pid(&self) -> Option<u32> {
        read_postmaster_pid(&self.data_dir()).ok().map(|p| p.pid)
    }

    /// The URL of the database of [`database()`], e.g.
    /// `postgres://postgres@localhost/seedbed?host=/abs/pg/sock&port=54321`.
    pub fn url(&self) -> String {
        self.url_for(&database())
    }

    /// The URL of another database of the cluster (`postgres`, say, to create databases).
    pub fn url_for(&self, database: &str) -> String {
        url_of(
            self.socket_dir.as_deref(),
            self.port,
            self.password(),
            database,
        )
    }

    /// The file holding the superuser's generated password.
    pub fn password_file(&self) -> PathBuf {
        self.dir.join("password")
    }

    /// The superuser's password, for TCP; `None` for a cluster created without one.
    fn password(&self) -> Option<String> {
        read_password(&self.password_file())
    }

    /// Generates the superuser's password into [`LocalCluster::password_file`], readable by
    /// this user only (and the server's user, when running as root); returns the file.
    fn write_password(&self) -> Result<PathBuf, Error> {
        use std::io::Write as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let path = self.password_file();
        let _ = fs::remove_file(&path);
        let password = format!("{:032x}", rand::random::<u128>());
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .and_then(|mut f| writeln!(f, "{password}"))
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
        if let Some(user) = &self.run_as {
            give_to(&path, user)?;
        }
        Ok(path)
    }

    /// A `psql` command line that opens the database, for the user to copy.
    pub fn psql_command(&self) -> String {
        let on_path = std::env::var_os("PATH").is_some_and(|path| {
            std::env::split_paths(&path).any(|dir| is_executable(&dir.join("psql")))
        });
        let psql = self.bins.bindir.join("psql");
        let program = if !on_path && is_executable(&psql) {
            shell_quote(&psql.to_string_lossy())
        } else {
            "psql".to_owned()
        };
        let (password, host) = match &self.socket_dir {
            Some(socket) => (String::new(), shell_quote(&socket.to_string_lossy())),
            None if self.password().is_some() => (
                format!(
                    "PGPASSWORD=\"$(cat {})\" ",
                    shell_quote(&self.password_file().to_string_lossy())
                ),
                "127.0.0.1".to_owned(),
            ),
            None => (String::new(), "127.0.0.1".to_owned()),
        };
        format!(
            "{password}{program} -h {host} -p {} -U {SUPERUSER} {}",
            self.port,
            database()
        )
    }

    /// Stops the server (fast shutdown: open sessions are closed) and waits for it; a server that
    /// is not running is fine. Blocks for up to a few seconds (usable from `Drop`).
    pub fn stop(&self) -> Result<(), Error> {
        let data = self.data_dir();
        let output = self
            .command(
                &self.bins.pg_ctl(),
                &[
                    "stop".as_ref(),
                    "-D".as_ref(),
                    data.as_os_str(),
                    "-m".as_ref(),
                    "fast".as_ref(),
                    "-w".as_ref(),
                    "-s".as_ref(),
                ],
            )
            .output()
            .map_err(|e| self.fail("running pg_ctl stop", e.to_string()))?;
        if output.status.success() || !self.is_running()? {
            return Ok(());
        }
        Err(self.fail("pg_ctl stop", command_failure(&output)))
    }

    fn fail(&self, action: &str, detail: String) -> Error {
        Error::Connect(ConnectError::LocalCluster {
            dir: self.dir.clone(),
            action: action.to_owned(),
            detail,
        })
    }

    fn port_file(&self) -> PathBuf {
        self.dir.join("port")
    }

    /// A command for a PostgreSQL program, run as the `postgres` OS user when we are root, in the
    /// cluster folder (so that the program never starts in a directory it cannot read).
    fn command(&self, program: &Path, args: &[&OsStr]) -> Command {
        let mut command = match &self.run_as {
            None => {
                let mut c = Command::new(program);
                c.args(args);
                c
            }
            Some(user) => match runuser() {
                Some(runuser) => {
                    let mut c = Command::new(runuser);
                    c.args(["-u", &user.name, "--"]).arg(program).args(args);
                    c
                }
                None => {
                    // No util-linux: `su` takes one shell command line.
                    let line = std::iter::once(program.as_os_str())
                        .chain(args.iter().copied())
                        .map(|a| shell_quote(&a.to_string_lossy()))
                        .collect::<Vec<_>>()
                        .join(" ");
                    let mut c = Command::new("su");
                    c.args(["-s", "/bin/sh", &user.name, "-c", &line]);
                    c
                }
            },
        };
        command.current_dir(&self.dir).stdin(Stdio::null());
        command
    }

    /// `pg_ctl status`: 0 running, 3 not running, 4 no usable data directory.
    fn is_running(&self) -> Result<bool, Error> {
        let data = self.data_dir();
        let output = self
            .command(
                &self.bins.pg_ctl(),
                &["status".as_ref(), "-D".as_ref(), data.as_os_str()],
            )
            .output()
            .map_err(|e| self.fail("running pg_ctl status", e.to_string()))?;
        Ok(output.status.success())
    }

    async fn start(&mut self, settings: &[(&str, &str)]) -> Result<(), Error> {
        let socket_dir = self.dir.join("sock");
        let recorded = fs::read_to_string(self.port_file())
            .ok()
            .and_then(|s| s.trim().parse::<u16>().ok())
            .filter(|&p| p != 0);
        let socket_fits = socket_dir.as_os_str().len() + "/.s.PGSQL.65535".len() <= MAX_SOCKET_PATH;

        let mut attempt = 0;
        loop {
            attempt += 1;
            let (port, options) = if socket_fits {
                fs::create_dir_all(&socket_dir)
                    .map_err(|e| Error::io(format!("cannot create {}", socket_dir.display()), e))?;
                if let Some(user) = &self.run_as {
                    give_to(&socket_dir, user)?;
                }
                make_private(&socket_dir)?;
                let port = match recorded {
                    Some(port) => port,
                    None => {
                        free_port().map_err(|e| self.fail("finding a free port", e.to_string()))?
                    }
                };
                let options = format!(
                    "-k {} -c listen_addresses='' -p {port}",
                    shell_quote(&socket_dir.to_string_lossy())
                );
                self.socket_dir = Some(socket_dir.clone());
                (port, options)
            } else {
                // Too long for a Unix socket: TCP on the loopback, at the recorded port if it is
                // still free.
                let port = match recorded.filter(|&p| attempt == 1 && port_is_free(p)) {
                    Some(port) => port,
                    None => {
                        free_port().map_err(|e| self.fail("finding a free port", e.to_string()))?
                    }
                };
                self.socket_dir = None;
                (
                    port,
                    format!("-k '' -c listen_addresses=127.0.0.1 -p {port}"),
                )
            };
            self.port = port;
            let options: String = settings.iter().fold(options, |all, (name, value)| {
                format!("{all} -c {name}={value}")
            });

            tracing::info!(port, dir = %self.dir.display(), "starting local PostgreSQL");
            let (data, log, timeout) = (
                self.data_dir(),
                self.log_file(),
                START_TIMEOUT_SECS.to_string(),
            );
            let start = self.command(
                &self.bins.pg_ctl(),
                &[
                    "start".as_ref(),
                    "-D".as_ref(),
                    data.as_os_str(),
                    "-l".as_ref(),
                    log.as_os_str(),
                    "-w".as_ref(),
                    "-s".as_ref(),
                    "-t".as_ref(),
                    timeout.as_ref(),
                    "-o".as_ref(),
                    options.as_ref(),
                ],
            );
            let output = run(start)
                .await
                .map_err(|e| self.fail("running pg_ctl start", e))?;
            if output.status.success() {
                return Ok(());
            }
            // A TCP port taken in the meantime: one more try at another port.
            if !socket_fits && attempt < 2 {
                continue;
            }
            return Err(self.fail(
                "pg_ctl start",
                format!(
                    "{}; the end of {}:\n{}",
                    command_failure(&output),
                    self.log_file().display(),
                    log_tail(&self.log_file(), 15)
                ),
            ));
        }
    }

    async fn create_database(&self) -> Result<(), Error> {
        let admin_url = self.url_for("postgres");
        let mut conn = PgConnection::connect(&admin_url)
            .await
            .map_err(|e| self.fail("connecting to the server", e.to_string()))?;
        let database = database();
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(&database)
                .fetch_one(&mut conn)
                .await
                .map_err(|e| Error::database(format!("looking for the database {database}"), &e))?;
        if !exists {
            tracing::info!("creating database {database}");
            match sqlx::query(&format!("CREATE DATABASE {database}"))
                .execute(&mut conn)
                .await
            {
                Ok(_) => {}
                // duplicate_database: created by someone else in the meantime
                Err(e)
                    if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("42P04") => {
                }
                Err(e) => {
                    return Err(Error::database(
                        format!("creating the database {database}"),
                        &e,
                    ));
                }
            }
        }
        let _ = conn.close().await;
        Ok(())
    }
}

/// The URL of `database` on a server at `socket` (else 127.0.0.1) and `port`.
fn url_of(socket: Option<&Path>, port: u16, password: Option<String>, database: &str) -> String {
    match (socket, password) {
        (Some(socket), _) => format!(
            "postgres://{SUPERUSER}@localhost/{database}?host={}&port={port}",
            percent_encode(&socket.to_string_lossy()),
        ),
        (None, Some(password)) => {
            format!("postgres://{SUPERUSER}:{password}@127.0.0.1:{port}/{database}")
        }
        (None, None) => format!("postgres://{SUPERUSER}@127.0.0.1:{port}/{database}"),
    }
}

fn read_password(file: &Path) -> Option<String> {
    fs::read_to_string(file)
        .ok()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
}

/// `runuser` (util-linux), if present.
fn runuser() -> Option<PathBuf> {
    [
        "/usr/sbin/runuser",
        "/sbin/runuser",
        "/usr/bin/runuser",
        "/bin/runuser",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| is_executable(p))
}

/// Runs a command to completion without blocking the async runtime, capturing its output.
async fn run(command: Command) -> Result<Output, String> {
    let mut command = tokio::process::Command::from(command);
    command.output().await.map_err(|e| {
        let program = command
            .as_std()
            .get_program()
            .to_string_lossy()
            .into_owned();
        format!("cannot run {program}: {e}")
    })
}

fn command_failure(output: &Output) -> String {
    let mut text = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if text.is_empty() {
        text = stdout.trim().to_owned();
    }
    format!("{} ({})", text, output.status)
}

fn log_tail(path: &Path, lines: usize) -> String {
    match fs::read_to_string(path) {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read it: {e})"),
    }
}

/// The fields of `postmaster.pid` we use: pid (line 1), port (4), first socket folder (5).
struct PostmasterPid {
    pid: u32,
    port: u16,
    socket_dir: Option<PathBuf>,
}

fn read_postmaster_pid(data: &Path) -> io::Result<PostmasterPid> {
    let text = fs::read_to_string(data.join("postmaster.pid"))?;
    let lines: Vec<&str> = text.lines().collect();
    let field = |i: usize| lines.get(i).map(|s| s.trim()).unwrap_or("");
    let invalid = || io::Error::new(io::ErrorKind::InvalidData, "unexpected postmaster.pid");
    Ok(PostmasterPid {
        pid: field(0).parse().map_err(|_| invalid())?,
        port: field(3).parse().map_err(|_| invalid())?,
        socket_dir: Some(field(4)).filter(|s| !s.is_empty()).map(PathBuf::from),
    })
}

fn free_port() -> io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn port_is_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// Makes a folder of the cluster private to its owner (mode 0700): no other OS user reaches the
/// socket in it.
fn make_private(dir: &Path) -> Result<(), Error> {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| {
        Error::io(
            format!("cannot make {} private (mode 0700)", dir.display()),
            e,
        )
    })
}

/// Gives a folder to `user` (root only; `std::os::unix::fs::chown` is safe code).
fn give_to(dir: &Path, user: &OsUser) -> Result<(), Error> {
    std::os::unix::fs::chown(dir, Some(user.uid), Some(user.gid)).map_err(|e| {
        Error::io(
            format!("cannot give {} to the {} OS user", dir.display(), user.name),
            e,
        )
    })
}

/// The `postgres` OS user must be able to enter every folder above the cluster's.
fn check_reachable(dir: &Path, user: &OsUser) -> Result<(), Error> {
    for ancestor in dir.ancestors().skip(1) {
        let Ok(meta) = fs::metadata(ancestor) else {
            continue;
        };
        let mode = meta.mode();
        let can_enter = mode & 0o001 != 0
            || (meta.uid() == user.uid && mode & 0o100 != 0)
            || (meta.gid() == user.gid && mode & 0o010 != 0);
        if !can_enter {
            return Err(Error::Connect(ConnectError::LocalCluster {
                dir: dir.to_owned(),
                action: "preparing the folder".to_owned(),
                detail: format!(
                    "running as root, the server runs as the {} OS user, which cannot enter {}; \
                     set {DIR_ENV} to a folder it can reach (e.g. /tmp/seedbed-pg) or pass \
                     --database-url",
                    user.name,
                    ancestor.display()
                ),
            }));
        }
    }
    Ok(())
}

/// A lock file created with `create_new`: held by one process at a time, removed on drop; a lock
/// left by a dead process (or older than [`LOCK_STALE_AFTER`]) is taken over.
struct DirLock {
    path: PathBuf,
}

impl DirLock {
    async fn acquire(path: PathBuf) -> Result<Self, Error> {
        let start = Instant::now();
        loop {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    use std::io::Write;
                    let _ = writeln!(&file, "{}", std::process::id());
                    return Ok(Self { path });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if lock_is_stale(&path) {
                        let _ = fs::remove_file(&path);
                        continue;
                    }
                    if start.elapsed() > LOCK_TIMEOUT {
                        return Err(Error::Connect(ConnectError::LocalCluster {
                            dir: path.parent().unwrap_or(&path).to_owned(),
                            action: "waiting for another seed-runner".to_owned(),
                            detail: format!(
                                "{} is still held after {} s; remove it if no other process is \
                                 starting this cluster",
                                path.display(),
                                LOCK_TIMEOUT.as_secs()
                            ),
                        }));
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => {
                    return Err(Error::io(format!("cannot create {}", path.display()), e));
                }
            }
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

fn lock_is_stale(path: &Path) -> bool {
    let holder_dead = fs::read_to_string(path)
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .is_some_and(|pid| {
            Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
        });
    let too_old = fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > LOCK_STALE_AFTER);
    holder_dead || too_old
}

/// Quotes for a POSIX shell when needed (`pg_ctl -o` goes through `/bin/sh`; also for display).
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,@%=".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Percent-encodes a path for a URL query value.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || b"/._-~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("/tmp/a"), "/tmp/a");
        assert_eq!(shell_quote("/tmp/a b"), "'/tmp/a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(percent_encode("/tmp/a b&c"), "/tmp/a%20b%26c");
    }

    #[test]
    fn passwd_lookup() {
        assert_eq!(OsUser::lookup("root").map(|u| u.uid), Some(0));
        assert!(OsUser::lookup("no-such-user-seedbed").is_none());
    }
}
