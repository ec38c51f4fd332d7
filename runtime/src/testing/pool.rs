//! The server side of test databases: one background thread per process that owns every
//! connection to the test server, keeps a few clones of each template ready, and hands them over
//! (`ALTER DATABASE ... RENAME`, which the server lets one session win). Clones are made while
//! tests run, so a test's wait is a rename and a connection, not a copy; in a process of several
//! tests, not even that: the next test's database is claimed and connected ahead. The names, and the
//! rules that keep the server clean, are in `names.rs`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::mpsc::UnboundedSender;

use crate::Error;
use crate::engine::postgres::connect::mask_password;
use crate::testing::ADMIN_URL_ENV;
use crate::testing::names::{
    Locks, POOL_KIND, SHARED_KIND, TEST_KIND, WARMING_KIND, lock_key, sweep, unix_now,
};

/// The most ready clones of a template the pool keeps, unless `SEEDBED_TEST_POOL` says.
const DEFAULT_POOL_SIZE: usize = 8;
/// The environment variable setting the pool size (0 turns the pool off: every test waits for
/// its own `CREATE DATABASE`).
pub const POOL_SIZE_ENV: &str = "SEEDBED_TEST_POOL";
/// How long a test with no ready clone waits for one on its way before copying its own.
const WAIT_FOR_READY: Duration = Duration::from_millis(500);
/// How many clones of a template one process makes at once.
const FILLERS: usize = 3;
/// How many databases of a template a process of several tests (`cargo test`'s) keeps claimed
/// and connected ahead of its tests: one for each of two test threads.
const AHEAD: usize = 2;
/// How many databases of finished tests may wait to be dropped. A drop costs the server about
/// what a copy does, so while copies are under way the drops of passed tests wait (a test waits
/// for copies, never for drops); past this many, drops go first and copies wait for them, so
/// that the server never holds more than this many databases nobody uses.
const MAX_DROP_BACKLOG: usize = 32;
/// How far past [`MAX_DROP_BACKLOG`] the drops may fall behind while a test waits for a copy:
/// a waiting test goes first, within a bound on what the server holds.
const MAX_DROP_BACKLOG_WAITING: usize = 4 * MAX_DROP_BACKLOG;
/// The environment variable choosing how the server copies a template (PostgreSQL 15 and
/// newer): `wal_log` (the server's default) or `file_copy`.
pub const STRATEGY_ENV: &str = "SEEDBED_TEST_CLONE_STRATEGY";
/// A setting of the server's own that says how it is best copied, when [`STRATEGY_ENV`] does
/// not: the local test cluster sets it, so that every test process (cargo nextest's one per
/// test) learns it from the server.
pub(crate) const STRATEGY_SETTING: &str = "seedbed.clone_strategy";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Work for the background thread: a closure that makes the future there (a unit's rows are
/// built in futures that stay on one thread).
type Job = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>> + Send>;

/// Runs the future `make` returns on the background thread, where every connection to a test
/// server lives (a connection belongs to the runtime that opened it, and each test has a runtime
/// of its own).
pub(crate) async fn on_worker<T, F, Fut>(make: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, Error>> + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    submit(Box::new(move || {
        Box::pin(async move {
            let _ = tx.send(make().await);
        })
    }))?;
    rx.await
        .map_err(|_| worker_error("a test database task was cut short".to_owned()))?
}

/// Starts the future `make` returns on the background thread without waiting for it.
pub(crate) fn spawn_on_worker<F, Fut>(make: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), Error>> + 'static,
{
    let submitted = submit(Box::new(move || {
        Box::pin(async move {
            if let Err(e) = make().await {
                tracing::warn!(%e, "a background test database task failed");
            }
        })
    }));
    if let Err(e) = submitted {
        tracing::warn!(%e, "cannot start a background test database task");
    }
}

/// [`on_worker`] from code that cannot await (a `Drop`): blocks until it is done.
pub(crate) fn on_worker_blocking<T, F, Fut>(make: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, Error>> + 'static,
{
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    submit(Box::new(move || {
        Box::pin(async move {
            let _ = tx.send(make().await);
        })
    }))?;
    rx.recv_timeout(Duration::from_secs(30))
        .map_err(|_| worker_error("the test database thread did not answer".to_owned()))?
}

fn worker_error(message: String) -> Error {
    Error::Io {
        context: "seedbed's test database thread".to_owned(),
        error: std::io::Error::other(message),
    }
}

fn submit(job: Job) -> Result<(), Error> {
    static WORKER: OnceLock<Result<UnboundedSender<Job>, String>> = OnceLock::new();
    let sender = WORKER
        .get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Job>();
            std::thread::Builder::new()
                .name("seedbed-test-databases".to_owned())
                .spawn(move || {
                    let local = tokio::task::LocalSet::new();
                    local.block_on(&runtime, async move {
                        while let Some(job) = rx.recv().await {
                            tokio::task::spawn_local(job());
                        }
                    });
                })
                .map_err(|e| e.to_string())?;
            Ok(tx)
        })
        .as_ref()
        .map_err(|e| worker_error(format!("cannot start: {e}")))?;
    sender
        .send(job)
        .map_err(|_| worker_error("it has stopped".to_owned()))
}

/// One test server, as this process sees it. Only used on the worker thread.
pub(crate) struct Server {
    pub admin_url: String,
    pub prefix: String,
    /// Short statements a test waits for: claims, comments.
    pub admin: PgPool,
    /// `CREATE DATABASE` and `DROP DATABASE`, which may take the server a while: on
    /// connections of their own, so that a claim never queues behind them.
    slow: PgPool,
    /// `DROP DATABASE` of finished tests, which waits for their sessions to end.
    drops: PgPool,
    /// Databases of passed tests to drop, and whether a task is dropping them.
    backlog: Mutex<(VecDeque<String>, bool)>,
    /// Told whenever a drop or a copy ends.
    settled: tokio::sync::Notify,
    /// `CREATE DATABASE`s under way.
    copies: AtomicUsize,
    /// Claims waiting for a ready clone.
    waiting: AtomicUsize,
    /// Whether `CREATE DATABASE` takes `STRATEGY` (PostgreSQL 15 and newer).
    strategy: Option<&'static str>,
    pool_size: usize,
    /// Templates known to exist, with this process's use of each.
    templates: Mutex<HashMap<String, Use>>,
    /// Told whenever this process has made a ready clone.
    made: tokio::sync::Notify,
    /// Shared clones known to exist.
    shared: Mutex<HashSet<String>>,
    /// Per template, databases claimed for this process's next tests, with a pool each.
    ahead: Mutex<HashMap<String, Ahead>>,
    /// Holds the owner and member locks for the life of the process; never used again.
    _member: PgConnection,
}

pub(crate) fn admin_error(admin_url: &str) -> impl Fn(sqlx::Error) -> Error + '_ {
    move |e| {
        Error::database(
            format!(
                "connecting to the test server {} (set {ADMIN_URL_ENV} to another one)",
                mask_password(admin_url)
            ),
            &e,
        )
    }
}

/// The server of `admin_url`, joined on first use: connected, swept of what dead processes left,
/// this process's locks taken, a janitor running. Call on the worker thread only.
pub(crate) async fn server(admin_url: &str, prefix: &str) -> Result<Arc<Server>, Error> {
    static SERVERS: tokio::sync::Mutex<Vec<Arc<Server>>> =
        tokio::sync::Mutex::const_new(Vec::new());
    let mut servers = SERVERS.lock().await;
    if let Some(server) = servers
        .iter()
        .find(|s| s.admin_url == admin_url && s.prefix == prefix)
    {
        return Ok(Arc::clone(server));
    }
    let server = Arc::new(join(admin_url, prefix).await?);
    servers.push(Arc::clone(&server));
    Ok(server)
}

async fn join(admin_url: &str, prefix: &str) -> Result<Server, Error> {
    let mut member = PgConnection::connect(admin_url)
        .await
        .map_err(admin_error(admin_url))?;
    let locks = Locks::of(prefix);
    // Nobody else alive: whatever a killed run left (ready clones too) goes now.
    let alone: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, 0)")
        .bind(locks.members)
        .fetch_one(&mut member)
        .await
        .map_err(|e| Error::database("taking the test members lock", &e))?;
    sweep(&mut member, prefix, alone).await;
    let taken = async {
        if alone {
            sqlx::query("SELECT pg_advisory_unlock($1, 0)")
                .bind(locks.members)
                .execute(&mut member)
                .await?;
        }
        sqlx::query("SELECT pg_advisory_lock_shared($1, 0), pg_advisory_lock($2, $3)")
            .bind(locks.members)
            .bind(locks.owner)
            .bind(std::process::id() as i32)
            .execute(&mut member)
            .await
    };
    taken
        .await
        .map_err(|e| Error::database("taking this process's test database locks", &e))?;
    let version: i32 = sqlx::query_scalar("SELECT current_setting('server_version_num')::int")
        .fetch_one(&mut member)
        .await
        .map_err(|e| Error::database("reading the server's version", &e))?;
    let hint: Option<String> = sqlx::query_scalar("SELECT current_setting($1, true)")
        .bind(STRATEGY_SETTING)
        .fetch_one(&mut member)
        .await
        .map_err(|e| Error::database("reading the server's settings", &e))?;
    let strategy = (version >= 150_000)
        .then(|| {
            clone_strategy(
                std::env::var(STRATEGY_ENV)
                    .ok()
                    .filter(|v| !v.is_empty())
                    .or(hint)
                    .as_deref(),
            )
        })
        .flatten();
    let admin = PgPoolOptions::new()
        .max_connections(2)
        .min_connections(1)
        .connect(admin_url)
        .await
        .map_err(admin_error(admin_url))?;
    let slow = PgPoolOptions::new()
        .max_connections(4)
        .connect_lazy(admin_url)
        .map_err(admin_error(admin_url))?;
    // A drop waits its turn however long the queue: one that gave up would leave its database.
    let drops = PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(3600))
        .connect_lazy(admin_url)
        .map_err(admin_error(admin_url))?;
    super::janitor::ensure_running(&mut member, admin_url, &locks).await;
    let pool_size = std::env::var(POOL_SIZE_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_POOL_SIZE);
    Ok(Server {
        admin_url: admin_url.to_owned(),
        prefix: prefix.to_owned(),
        admin,
        slow,
        drops,
        backlog: Mutex::new((VecDeque::new(), false)),
        settled: tokio::sync::Notify::new(),
        copies: AtomicUsize::new(0),
        waiting: AtomicUsize::new(0),
        strategy,
        pool_size,
        templates: Mutex::new(HashMap::new()),
        made: tokio::sync::Notify::new(),
        shared: Mutex::new(HashSet::new()),
        ahead: Mutex::new(HashMap::new()),
        _member: member,
    })
}

/// The `STRATEGY` of `CREATE DATABASE` that `chosen` names; `None`: the server's default.
fn clone_strategy(chosen: Option<&str>) -> Option<&'static str> {
    match chosen?.trim() {
        s if s.eq_ignore_ascii_case("file_copy") => Some("FILE_COPY"),
        s if s.eq_ignore_ascii_case("wal_log") => Some("WAL_LOG"),
        _ => None,
    }
}

/// The sixteen hex digits that name a template's clones.
fn short_hash(template: &str) -> &str {
    let hash = template.rsplit('_').next().unwrap_or(template);
    &hash[..hash.len().min(16)]
}

impl Server {
    /// A new name for a test database of this process.
    pub fn test_name(&self) -> String {
        format!(
            "{}{TEST_KIND}{}_{}_{}",
            self.prefix,
            unix_now(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// The start of the names of `template`'s ready clones.
    fn ready_prefix(&self, template: &str) -> String {
        format!("{}{POOL_KIND}{}_", self.prefix, short_hash(template))
    }

    /// The start of the names of `template`'s clones being made ready.
    fn warming_prefix(&self, template: &str) -> String {
        format!("{}{WARMING_KIND}{}_", self.prefix, short_hash(template))
    }

    fn clone_sql(&self, name: &str, template: &str) -> String {
        match self.strategy {
            Some(strategy) => {
                format!("CREATE DATABASE {name} TEMPLATE {template} STRATEGY {strategy}")
            }
            None => format!("CREATE DATABASE {name} TEMPLATE {template}"),
        }
    }

    pub async fn execute(&self, sql: &str) -> Result<(), Error> {
        sqlx::query(sql)
            .execute(&self.admin)
            .await
            .map(drop)
            .map_err(|e| Error::database(sql, &e))
    }

    /// Drops a test's database now.
    pub async fn drop_database(&self, name: &str) -> Result<(), Error> {
        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        let dropped = sqlx::query(&sql).execute(&self.drops).await;
        self.settled.notify_waiters();
        dropped.map(drop).map_err(|e| Error::database(sql, &e))
    }

    /// Drops a passed test's database once no copy is under way, or at once past
    /// [`MAX_DROP_BACKLOG`]. One the process ends before dropping goes with the end of the run
    /// (its owner gone, the janitor's sweep takes it).
    pub fn drop_later(self: &Arc<Self>, name: String) {
        {
            let mut backlog = lock(&self.backlog);
            backlog.0.push_back(name);
            if backlog.1 {
                return;
            }
            backlog.1 = true;
        }
        let server = Arc::clone(self);
        tokio::task::spawn_local(async move {
            loop {
                let settled = server.settled.notified();
                let next = {
                    let mut backlog = lock(&server.backlog);
                    let behind = backlog.0.len() > MAX_DROP_BACKLOG;
                    let copying = server.copies.load(Ordering::Relaxed) > 0;
                    match backlog.0.front() {
                        None => {
                            backlog.1 = false;
                            return;
                        }
                        Some(_) if copying && !behind => None,
                        Some(_) => backlog.0.pop_front(),
                    }
                };
                match next {
                    Some(name) => {
                        if let Err(e) = server.drop_database(&name).await {
                            tracing::warn!(%e, "could not drop a test database; the end of the run drops it");
                        }
                    }
                    None => {
                        let _ = tokio::time::timeout(Duration::from_millis(50), settled).await;
                    }
                }
            }
        });
    }

    /// Waits while more than [`MAX_DROP_BACKLOG`] databases wait to be dropped (more than
    /// [`MAX_DROP_BACKLOG_WAITING`] while a test waits for a copy): copies made ahead never
    /// outrun the drops of the tests that used them by more.
    async fn drops_caught_up(&self) {
        loop {
            let settled = self.settled.notified();
            let limit = match self.waiting.load(Ordering::Relaxed) {
                0 => MAX_DROP_BACKLOG,
                _ => MAX_DROP_BACKLOG_WAITING,
            };
            if lock(&self.backlog).0.len() <= limit {
                return;
            }
            let _ = tokio::time::timeout(Duration::from_millis(50), settled).await;
        }
    }

    /// [`Server::execute`] for `CREATE DATABASE`, counted in [`Server::copies`].
    pub async fn execute_slow(&self, sql: &str) -> Result<(), Error> {
        self.copies.fetch_add(1, Ordering::Relaxed);
        let copied = sqlx::query(sql).execute(&self.slow).await;
        self.copies.fetch_sub(1, Ordering::Relaxed);
        self.settled.notify_waiters();
        copied.map(drop).map_err(|e| Error::database(sql, &e))
    }

    /// Whether `template` is known to exist (built or found by this process).
    pub fn has_template(&self, template: &str) -> bool {
        lock(&self.templates).contains_key(template)
    }

    pub fn add_template(&self, template: &str) {
        lock(&self.templates)
            .entry(template.to_owned())
            .or_default();
    }

    /// A database of `template`'s contents for one test: one claimed and connected ahead, if
    /// this process has one, else one claimed now. Then, in a process that has run several tests
    /// of the template (cargo nextest's runs one), the next is claimed and connected ahead:
    /// a test's wait is then a hand-over between threads, with no rename nor connection.
    pub async fn hand_over(self: &Arc<Self>, template: &str) -> Result<Handed, Error> {
        let ahead = lock(&self.ahead)
            .get_mut(template)
            .and_then(|ahead| ahead.connected.pop_front());
        let handed = match ahead {
            Some((name, pool)) => Handed {
                name,
                claimed: Claimed::Ready,
                pool: Some(pool),
            },
            None => {
                let name = self.test_name();
                let claimed = self.claim(template, &name).await?;
                Handed {
                    name,
                    claimed,
                    pool: None,
                }
            }
        };
        self.claim_ahead(template);
        Ok(handed)
    }

    /// Claims and connects a database for a later test of `template`, unless [`AHEAD`] are
    /// claimed or on their way, or this process has claimed fewer than two. Its name carries
    /// this process's id like any test's: one no test takes goes with the end of the run.
    fn claim_ahead(self: &Arc<Self>, template: &str) {
        let claims = lock(&self.templates)
            .get(template)
            .map_or(0, |used| used.claims);
        if self.pool_size == 0 || claims < 2 {
            return;
        }
        {
            let mut ahead = lock(&self.ahead);
            let ahead = ahead.entry(template.to_owned()).or_default();
            if ahead.connected.len() + ahead.in_flight >= AHEAD {
                return;
            }
            ahead.in_flight += 1;
        }
        let (server, template) = (Arc::clone(self), template.to_owned());
        tokio::task::spawn_local(async move {
            let name = server.test_name();
            let connected = match server.claim(&template, &name).await {
                Ok(_) => PgPoolOptions::new()
                    .connect(&super::with_database(&server.admin_url, &name))
                    .await
                    .map_err(|e| {
                        Error::database(format!("connecting to the test database {name}"), &e)
                    }),
                Err(e) => Err(e),
            };
            let mut ahead = lock(&server.ahead);
            let ahead = ahead.entry(template).or_default();
            ahead.in_flight -= 1;
            match connected {
                Ok(pool) => ahead.connected.push_back((name, pool)),
                Err(e) => tracing::warn!(%e, "could not claim a test database ahead"),
            }
        });
    }

    /// A database of `template`'s contents for one test, named `name`: a ready clone renamed,
    /// or (when none is ready) a clone made now. Either way the pool is topped up behind it.
    async fn claim(self: &Arc<Self>, template: &str, name: &str) -> Result<Claimed, Error> {
        let started = Instant::now();
        // A clone this process has on its way comes sooner than a copy started now, which
        // would only slow it down. With none on its way (the template was just built, or the
        // pool was full and its fillers idle), the test's own copy goes first, the refill after.
        let on_its_way = {
            let mut templates = lock(&self.templates);
            let used = templates.entry(template.to_owned()).or_default();
            used.claims += 1;
            used.fillers > 0
        };
        if on_its_way {
            self.refill(template);
        }
        let mut waiting = None;
        let claimed = loop {
            let made = self.made.notified();
            if self.rename_a_ready_clone(template, name).await? {
                break Claimed::Ready;
            }
            if !on_its_way || started.elapsed() > WAIT_FOR_READY {
                drop(waiting.take());
                self.execute_slow(&self.clone_sql(name, template)).await?;
                break Claimed::Made;
            }
            waiting.get_or_insert_with(|| Waiting::start(self));
            let _ = tokio::time::timeout(Duration::from_millis(50), made).await;
        };
        drop(waiting);
        self.refill(template);
        Ok(claimed)
    }

    /// Renames one of `template`'s ready clones to `name`, if there is one.
    async fn rename_a_ready_clone(&self, template: &str, name: &str) -> Result<bool, Error> {
        let ready: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)
             ORDER BY random() LIMIT 8",
        )
        .bind(self.ready_prefix(template))
        .fetch_all(&self.admin)
        .await
        .map_err(|e| Error::database("looking for a ready test database", &e))?;
        for candidate in ready {
            // Only one session can rename it; the others find it gone and try the next.
            let renamed = sqlx::query(&format!("ALTER DATABASE {candidate} RENAME TO {name}"))
                .execute(&self.admin)
                .await;
            if renamed.is_ok() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Tops up the ready clones of `template` in the background to as many as its use wants
    /// ([`Use::wanted`]), [`FILLERS`] `CREATE DATABASE`s at a time per process (a copy waits on
    /// the disk more than on a core).
    fn refill(self: &Arc<Self>, template: &str) {
        if self.pool_size == 0 {
            return;
        }
        {
            let mut templates = lock(&self.templates);
            let used = templates.entry(template.to_owned()).or_default();
            if used.fillers >= FILLERS {
                return;
            }
            used.fillers += 1;
        }
        let (server, template) = (Arc::clone(self), template.to_owned());
        tokio::task::spawn_local(async move {
            let (ready, warming) = (
                server.ready_prefix(&template),
                server.warming_prefix(&template),
            );
            loop {
                let ready: Result<i64, _> = sqlx::query_scalar(
                    "SELECT count(*) FROM pg_database
                     WHERE starts_with(datname, $1) OR starts_with(datname, $2)",
                )
                .bind(&ready)
                .bind(&warming)
                .fetch_one(&server.admin)
                .await;
                let wanted = lock(&server.templates)
                    .get(&template)
                    .map_or(0, |used| used.wanted(server.pool_size));
                if !ready.is_ok_and(|n| (n as usize) < wanted) {
                    break;
                }
                server.drops_caught_up().await;
                let suffix = format!(
                    "{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed)
                );
                if let Err(e) = server.make_ready(&template, &suffix).await {
                    tracing::warn!(%e, "could not make a ready test database");
                    break;
                }
            }
            if let Some(used) = lock(&server.templates).get_mut(&template) {
                used.fillers -= 1;
            }
        });
    }

    /// Makes one ready clone of `template`: copied under a name no claim looks at, connected to
    /// once (the first session of a database builds its catalog cache file, which the test's
    /// first connection then reads), and renamed into the pool by a task of its own once that
    /// session has ended, while the next copy starts.
    async fn make_ready(self: &Arc<Self>, template: &str, suffix: &str) -> Result<(), Error> {
        let warming = format!("{}{suffix}", self.warming_prefix(template));
        self.execute_slow(&self.clone_sql(&warming, template))
            .await?;
        if let Ok(conn) =
            PgConnection::connect(&super::with_database(&self.admin_url, &warming)).await
        {
            let _ = conn.close().await;
        }
        let ready = format!("{}{suffix}", self.ready_prefix(template));
        let server = Arc::clone(self);
        tokio::task::spawn_local(async move {
            if let Ok(mut conn) = server.admin.acquire().await {
                sessions_gone(&mut conn, &warming).await;
            }
            match server
                .execute(&format!("ALTER DATABASE {warming} RENAME TO {ready}"))
                .await
            {
                Ok(()) => server.made.notify_waiters(),
                Err(e) => tracing::warn!(%e, "could not put a test database in the pool"),
            }
        });
        Ok(())
    }

    /// The clone of `template` that read-only and rolled-back tests share, made once per run.
    pub async fn shared(&self, template: &str) -> Result<String, Error> {
        let name = format!("{}{SHARED_KIND}{}", self.prefix, short_hash(template));
        if lock(&self.shared).contains(&name) {
            return Ok(name);
        }
        let mut conn = self
            .slow
            .acquire()
            .await
            .map_err(admin_error(&self.admin_url))?;
        let key = lock_key(&name);
        let made = async {
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(key)
                .execute(&mut *conn)
                .await?;
            let exists: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
                    .bind(&name)
                    .fetch_one(&mut *conn)
                    .await?;
            if !exists {
                sqlx::query(&self.clone_sql(&name, template))
                    .execute(&mut *conn)
                    .await?;
            }
            Ok::<_, sqlx::Error>(())
        }
        .await;
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(key)
            .execute(&mut *conn)
            .await;
        made.map_err(|e| Error::database(format!("making the shared test database {name}"), &e))?;
        lock(&self.shared).insert(name.clone());
        Ok(name)
    }
}

/// Waits up to 5 s until no session is connected to `database`, before it is renamed: the
/// server waits for them in steps of 100 ms (and a closed session takes a while to go on a busy
/// machine), this in steps of 2 ms.
pub(crate) async fn sessions_gone(conn: &mut PgConnection, database: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let gone: Result<bool, _> = sqlx::query_scalar(
            "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE datname = $1)",
        )
        .bind(database)
        .fetch_one(&mut *conn)
        .await;
        if gone.unwrap_or(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// A claim waiting for a ready clone, counted in [`Server::waiting`] while it lives.
struct Waiting<'a>(&'a Server);

impl<'a> Waiting<'a> {
    fn start(server: &'a Server) -> Waiting<'a> {
        server.waiting.fetch_add(1, Ordering::Relaxed);
        // A refill held back by the drops may go on now.
        server.settled.notify_waiters();
        Waiting(server)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What this process does with a template.
#[derive(Debug, Default)]
struct Use {
    /// Tests that claimed a clone of it.
    claims: usize,
    /// Fillers making clones of it now.
    fillers: usize,
}

impl Use {
    /// How many ready clones are worth keeping: two per test seen so far, up to the pool's
    /// size. A template that one test uses gets two, not a full pool nobody takes (each copy
    /// costs the server as much as a test's own); one a suite keeps using gets the full pool
    /// after a few tests.
    fn wanted(&self, pool_size: usize) -> usize {
        pool_size.min(2 * self.claims)
    }
}

/// Databases of a template claimed ahead for this process.
#[derive(Debug, Default)]
struct Ahead {
    connected: VecDeque<(String, PgPool)>,
    in_flight: usize,
}

/// A test's database as the worker hands it over.
#[derive(Debug)]
pub(crate) struct Handed {
    pub name: String,
    pub claimed: Claimed,
    /// A pool connected to it already (a database claimed ahead).
    pub pool: Option<PgPool>,
}

/// How a test got its database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claimed {
    /// A clone made ahead, renamed.
    Ready,
    /// None was ready: cloned while the test waited.
    Made,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::clone_strategy;

    #[test]
    fn the_copy_strategy_is_named_in_either_case_and_anything_else_is_the_servers_default() {
        assert_eq!(clone_strategy(Some("file_copy")), Some("FILE_COPY"));
        assert_eq!(clone_strategy(Some("WAL_LOG")), Some("WAL_LOG"));
        assert_eq!(clone_strategy(Some(" File_Copy ")), Some("FILE_COPY"));
        assert_eq!(clone_strategy(Some("fast")), None);
        assert_eq!(clone_strategy(Some("")), None);
        assert_eq!(clone_strategy(None), None);
    }
}
