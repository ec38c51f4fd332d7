//! The `seed-runner` command line, as a library: a seeds crate's binary is one line.
//!
//! ```no_run
//! // src/main.rs of a seeds crate (or src/bin/seed-runner.rs)
//! use std::process::ExitCode;
//!
//! // Usually in the library, next to the seeds: `pub static MIGRATIONS: ... = seedbed::migrations!();`
//! static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();
//!
//! fn main() -> ExitCode {
//!     seedbed::cli::main(MIGRATIONS)
//! }
//! ```
//!
//! The binary must link the crate that declares the seeds: a binary of that crate does (its
//! `main.rs` refers to the library through `MIGRATIONS`); a binary elsewhere adds
//! `use my_seeds as _;`. [`main`] parses the arguments, logs to stderr, and exits 0 on success
//! (or when stdout is closed by its reader), 1 on an error (one paragraph on stderr), 2 on bad
//! usage, 130 and 143 when stopped by SIGINT and SIGTERM. [`Cli`] and [`run`] are public too,
//! for programs that embed the command line or test how it parses:
//!
//! ```
//! use clap::Parser;
//! use seedbed::cli::{Cli, Command, MigrateAction};
//!
//! let cli = Cli::try_parse_from(["seed-runner", "--only", "power_user,venues", "--migrate"])?;
//! assert_eq!(cli.seed.only.as_deref(), Some(&["power_user".to_owned(), "venues".to_owned()][..]));
//! assert!(cli.seed.migrate && cli.command.is_none());
//!
//! let cli = Cli::try_parse_from(["seed-runner", "--scale", "events=1_000_000", "--clock", "2026-05-01"])?;
//! assert_eq!(cli.seed.scale, [("events".to_owned(), 1_000_000)]);
//! assert_eq!(cli.seed.clock.unwrap().to_rfc3339(), "2026-05-01T00:00:00+00:00");
//!
//! let cli = Cli::try_parse_from(["seed-runner", "migrate", "revert", "--to", "0"])?;
//! assert!(matches!(
//!     cli.command,
//!     Some(Command::Migrate { action: Some(MigrateAction::Revert { to: Some(0) }) })
//! ));
//!
//! // Actions exclude each other, and bad values are usage errors (exit status 2).
//! assert!(Cli::try_parse_from(["seed-runner", "--list", "--cleanup"]).is_err());
//! let err = Cli::try_parse_from(["seed-runner", "--scale", "events"]).unwrap_err();
//! assert!(err.to_string().contains("`events` is not NAME=N"));
//! assert_eq!(err.exit_code(), 2);
//! # Ok::<(), clap::Error>(())
//! ```

pub mod doctor;
pub mod output;

use std::collections::BTreeMap;
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use sqlx::PgPool;

use crate::engine::postgres::connect::{self as database, ResolvedDatabase};
use crate::error::{GuardError, MigrateError, SelectError};
use crate::migrations::Migrations;
use crate::plan::context::DEFAULT_RANDOM_SEED;
use crate::run::{self, RunOptions};
use crate::select::registry::Registry;
use crate::{Context, Error};

/// Seed PostgreSQL with compiler-checked seed sets and scenarios.
///
/// With no action flag, applies every unit allowed in the environment (or those named with
/// --only, after what they depend on). Units already applied and unchanged are skipped.
#[derive(Debug, Parser)]
#[command(name = "seed-runner", version, about, long_about = None, after_help = HELP_FOOTER)]
pub struct Cli {
    /// `migrate ...`, or `None` to seed (or list, clean up, ... per [`SeedArgs`]).
    #[command(subcommand)]
    pub command: Option<Command>,

    /// What to do with the seeds, and how.
    #[command(flatten)]
    pub seed: SeedArgs,

    /// Options that apply to every command: database, environment, output.
    #[command(flatten)]
    pub global: GlobalArgs,
}

const HELP_FOOTER: &str = "\
Database: --database-url, else DATABASE_URL (environment or .env), else a local throwaway
PostgreSQL cluster in target/seedbed/pg, started with the machine's initdb/pg_ctl.
Environment: --env, else SEEDBED_ENV, else APP_ENV, else development.
Logs go to stderr (RUST_LOG=debug for more); results to stdout.";

/// Options of every command, subcommands included (`--database-url`, `--env`, `--json`, ...).
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The database: `postgres://user[:password]@host[:port]/database`.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help = "PostgreSQL URL: postgres://user[:password]@host[:port]/database"
    )]
    pub database_url: Option<String>,

    /// development, test, staging or production
    #[arg(long, global = true, env = "SEEDBED_ENV", value_name = "ENV")]
    pub env: Option<String>,

    /// Print results as JSON, for scripts
    #[arg(long, global = true)]
    pub json: bool,

    /// Allow a destructive command on a database stamped production
    #[arg(long = "i-know-this-is-production", global = true)]
    pub production_override: bool,

    /// Where the pg_dump taken before migrating a database stamped production goes
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "no_backup")]
    pub backup_dir: Option<std::path::PathBuf>,

    /// Migrate a database stamped production without taking a backup first
    #[arg(long, global = true)]
    pub no_backup: bool,
}

/// The seeding actions (`--list`, `--status`, `--cleanup`, ...; at most one) and their options.
/// With no action, a run applies the selected units.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Only these units (comma-separated), after what they depend on
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub only: Option<Vec<String>>,

    /// List every seed set and scenario (needs no database)
    #[arg(long, group = "action")]
    pub list: bool,

    /// Per unit: applied, changed since applied, or pending
    #[arg(long, group = "action")]
    pub status: bool,

    /// Show what a run would do (in a transaction that is rolled back)
    #[arg(long, group = "action")]
    pub dry_run: bool,

    /// With a run or --dry-run: also print the SQL that writes each table
    #[arg(long, conflicts_with_all = ["list", "status", "cleanup", "graph"])]
    pub sql: bool,

    /// Remove the rows the units inserted (all, or --only and their dependents)
    #[arg(long, group = "action")]
    pub cleanup: bool,

    /// With --cleanup: also remove other rows that point at seeded rows
    #[arg(long, requires = "cleanup")]
    pub cascade: bool,

    /// Print the unit dependency graph (needs no database)
    #[arg(long, group = "action", value_name = "FORMAT")]
    pub graph: Option<GraphFormat>,

    /// Drop everything, migrate and seed (development only)
    #[arg(long, group = "action")]
    pub reset: bool,

    /// Apply pending migrations before seeding
    #[arg(long, conflicts_with_all = ["list", "status", "cleanup", "graph", "dry_run"])]
    pub migrate: bool,

    /// Re-stamp a database first seeded in another environment (leaving production also
    /// needs --i-know-this-is-production)
    #[arg(long, global = true)]
    pub allow_env_change: bool,

    /// "Now" for the seeds: 2026-05-01 or 2026-05-01T12:00:00Z (default: today, 00:00 UTC)
    #[arg(long, value_parser = parse_clock, value_name = "TIME", conflicts_with_all = NO_CONTEXT)]
    pub clock: Option<DateTime<Utc>>,

    /// Size of generated data, e.g. --scale events=100000 (repeatable)
    #[arg(long, value_parser = parse_scale, value_name = "NAME=N", conflicts_with_all = NO_CONTEXT)]
    pub scale: Vec<(String, u64)>,

    /// Allow a --scale past 10000000 rows
    #[arg(long, requires = "scale")]
    pub allow_large_scale: bool,

    /// Seed of the random generators of generated data
    #[arg(long, default_value_t = DEFAULT_RANDOM_SEED, value_name = "N", conflicts_with_all = NO_CONTEXT)]
    pub random_seed: u64,
}

/// The actions that build no rows, so take no --clock, --scale or --random-seed.
const NO_CONTEXT: [&str; 3] = ["list", "graph", "cleanup"];

/// The output format of `--graph`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart (renders in GitHub and GitLab Markdown)
    Mermaid,
    /// Graphviz DOT (`dot -Tsvg`)
    Dot,
}

/// The subcommands of `seed-runner`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Database migrations (embedded in this binary; sqlx's _sqlx_migrations bookkeeping)
    Migrate {
        /// What to do; `None` applies pending migrations.
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// The schema the seeds are checked against
    Schema {
        /// What to do; `None` prints the schema.
        #[command(subcommand)]
        action: Option<SchemaAction>,
    },
    /// Check everything a run needs, one line each with a fix: the URL and where it came from,
    /// connecting, the server, migrations, the ledger, the environment stamp, the role's
    /// privileges, the schema against the migrations; exit 1 unless all hold
    Doctor,
    /// The local throwaway PostgreSQL cluster (used when no database URL is given)
    Cluster {
        /// What to do; `None` shows its status.
        #[command(subcommand)]
        action: Option<ClusterAction>,
    },
}

/// The actions of `seed-runner schema`.
#[derive(Debug, Subcommand)]
pub enum SchemaAction {
    /// Print the schema model the seeds were compiled against: tables, columns, types, keys,
    /// references, enums (the default; no database needed)
    Show,
    /// Compare it with the live database and list every difference (a column added by hand, a
    /// type changed, a key dropped); exit 1 when there is one
    Diff,
    /// Read the migrated database's schema into the migrations folder's snapshot
    /// (seedbed-snapshot.json), which the macros use for tables whose DDL they cannot follow;
    /// commit it
    Snapshot {
        /// Do not connect: fail if the snapshot is missing or older than the migrations (for CI)
        #[arg(long)]
        check: bool,
        /// The migrations folder (default: the one this binary was built from)
        #[arg(long, value_name = "PATH")]
        folder: Option<std::path::PathBuf>,
    },
}

/// The actions of `seed-runner cluster`, on the local throwaway cluster (see the README).
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum ClusterAction {
    /// Where it is, whether it runs, and how to open it with psql (the default)
    Status,
    /// Stop its server (the next seed-runner run without a URL starts it again)
    Stop,
    /// Stop it and delete its folder, with every database in it
    Destroy,
}

/// The actions of `seed-runner migrate`.
#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration (the default)
    Apply,
    /// List migrations: applied, pending, changed
    Status,
    /// Write the next migration into the migrations folder, in its layout (sqlx: a timestamped
    /// .up.sql/.down.sql pair), and print the paths; the next `cargo build` checks the seeds
    /// against it
    New {
        /// The migration's name: lowercase letters, digits and `_` (add_user_preferences)
        name: String,
        /// The migrations folder (default: the one this binary was built from)
        #[arg(long, value_name = "PATH")]
        folder: Option<std::path::PathBuf>,
    },
    /// Revert the last migration, or every one above --to VERSION (0: all)
    Revert {
        /// Revert every applied migration above this version (0: all of them)
        #[arg(long, value_name = "VERSION")]
        to: Option<i64>,
    },
}

fn parse_clock(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.to_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
        .map_err(|_| {
            format!(
                "`{text}` is not a date (2026-05-01) or an RFC 3339 time (2026-05-01T12:00:00Z)"
            )
        })
}

fn parse_scale(text: &str) -> Result<(String, u64), String> {
    let (name, n) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=N, e.g. events=100000"))?;
    let n = n
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{n}` is not a whole number"))?;
    Ok((name.trim().to_owned(), n))
}

/// Runs the command line and returns the process's exit status: 0 on success (a closed stdout
/// included), 1 on an error (printed as one paragraph on stderr), 2 on bad usage (clap prints
/// the usage and exits), 130 on SIGINT and 143 on SIGTERM (the unit in progress rolled back,
/// the units committed before it named on stderr).
///
/// It reads the process's arguments, sets up logging to stderr (`RUST_LOG`, by default `info`)
/// and a multi-threaded tokio runtime, then calls [`run`]. `migrations` are those the seeds
/// were checked against, embedded with [`migrations!`](crate::migrations!): `seed-runner
/// migrate` applies them, and a run refuses a database where some are pending (unless
/// `--migrate`).
pub fn main(migrations: Migrations) -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    run::install_panic_hook();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let finished = runtime.block_on(async {
        tokio::select! {
            result = run(cli, migrations) => Ok(result),
            signal = stop_signal() => Err(signal),
        }
    });
    match finished {
        Ok(Ok(())) | Ok(Err(Error::StdoutClosed)) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        // The run was dropped at its next await: the connection of the unit in progress goes
        // with it, so the server rolls that unit back; committed units stay, with their ledger.
        Err((name, code)) => {
            drop(runtime);
            eprintln!("{}", interrupted(name, &run::apply::committed()));
            ExitCode::from(code)
        }
    }
}

/// What an interrupted run says on stderr: which units it committed, and that the one in
/// progress was rolled back (or, if its commit was under way, where to look).
fn interrupted(signal: &str, committed: &run::apply::Committed) -> String {
    let done = if committed.units.is_empty() {
        "no unit was committed".to_owned()
    } else {
        format!("committed before it: {}", committed.units.join(", "))
    };
    let current = match &committed.committing {
        Some(unit) => format!(
            "; unit `{unit}` was committing when the signal came: `seed-runner --status` shows \
             whether it went in"
        ),
        None => "; the unit in progress, if any, was rolled back".to_owned(),
    };
    format!("interrupted by {signal}: stopped; {done}{current}")
}

/// Waits for SIGINT (Ctrl-C) or SIGTERM; gives its name and the exit status for it.
async fn stop_signal() -> (&'static str, u8) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            return tokio::select! {
                _ = int.recv() => ("SIGINT", 130),
                _ = term.recv() => ("SIGTERM", 143),
            };
        }
    }
    match tokio::signal::ctrl_c().await {
        Ok(()) => ("Ctrl-C", 130),
        // No signal handling to be had: never stop the run for it.
        Err(_) => std::future::pending().await,
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .without_time()
        .try_init();
}

/// The environment: --env (or SEEDBED_ENV), else APP_ENV, else development.
fn environment(flag: Option<&str>) -> String {
    flag.map(str::to_owned)
        .or_else(|| std::env::var("APP_ENV").ok().filter(|e| !e.is_empty()))
        .unwrap_or_else(|| seedbed_core::environment::DEVELOPMENT.to_owned())
}

/// Does what `cli` asks, printing results on stdout; the error is for the caller to print.
///
/// Call it from your own `main` (inside a tokio runtime) to wrap seed-runner with set-up of
/// your own. The units are those registered in this binary ([`Registry::discover`]).
pub async fn run(cli: Cli, migrations: Migrations) -> Result<(), Error> {
    let Cli {
        command,
        seed,
        global,
    } = cli;
    let mut options = RunOptions::new(&environment(global.env.as_deref()))?;
    options.allow_env_change = seed.allow_env_change;
    options.migrate = seed.migrate;
    options.production_override = global.production_override;
    options.context = Context {
        clock: seed.clock.unwrap_or(Context::default().clock),
        scale: seed.scale.iter().cloned().collect::<BTreeMap<_, _>>(),
        random_seed: seed.random_seed,
    };
    let json = global.json;

    if let Some(Command::Schema {
        action: None | Some(SchemaAction::Show),
    }) = command
    {
        return output::print_schema(&migrations.model()?, json);
    }
    if let Some(Command::Schema {
        action: Some(SchemaAction::Diff),
    }) = command
    {
        let (pool, _) = connect(global.database_url.as_deref()).await?;
        let mut conn = pool
            .acquire()
            .await
            .map_err(|e| Error::database("connecting", &e))?;
        let live = crate::engine::postgres::snapshot::read(&mut conn).await?;
        let found = seedbed_core::diff::differences(&migrations.model()?, &live);
        output::print_differences(&found, json)?;
        return match found.len() {
            0 => Ok(()),
            count => Err(Error::SchemaDiffers { count }),
        };
    }
    if let Some(Command::Schema {
        action: Some(SchemaAction::Snapshot { check, folder }),
    }) = command
    {
        let folder = match folder {
            Some(folder) => folder,
            None => migrations
                .folder()
                .ok_or(Error::Migrate(MigrateError::NoFolder))?
                .into(),
        };
        if check {
            return check_snapshot(&folder);
        }
        let (pool, _) = connect(global.database_url.as_deref()).await?;
        return write_snapshot(&pool, &migrations, &folder).await;
    }
    if let Some(Command::Doctor) = command {
        let checks = doctor::examine(global.database_url.as_deref(), &migrations, &options).await;
        output::print_doctor(&checks, json)?;
        return match checks.iter().filter(|c| !c.ok).count() {
            0 => Ok(()),
            failed => Err(Error::DoctorFound { failed }),
        };
    }
    if let Some(Command::Cluster { action }) = command {
        return cluster(action.unwrap_or(ClusterAction::Status));
    }
    if let Some(Command::Migrate {
        action: Some(MigrateAction::New { name, folder }),
    }) = command
    {
        let folder = match folder {
            Some(folder) => folder,
            None => migrations
                .folder()
                .ok_or(Error::Migrate(MigrateError::NoFolder))?
                .into(),
        };
        let now = Utc::now().format("%Y%m%d%H%M%S").to_string();
        let written = seedbed_core::new_migration(&folder, &name, &now)
            .map_err(|message| Error::Migrate(MigrateError::New { message }))?;
        return output::print_new_migration(&written, json);
    }
    if let Some(Command::Migrate { action }) = command {
        let (pool, resolved) = connect(global.database_url.as_deref()).await?;
        let backup = Backup {
            dir: global.backup_dir.as_deref(),
            skip: global.no_backup,
            url: &resolved.url,
        };
        return migrate(
            &pool,
            &migrations,
            action.unwrap_or(MigrateAction::Apply),
            (&options, backup),
            json,
        )
        .await;
    }
    let registry = Registry::discover()?;
    if seed.list {
        return output::print_list(&registry, json);
    }
    if let Some(format) = seed.graph {
        output::print_graph(&registry, format, &mut std::io::stdout());
        return Ok(());
    }
    if let Some(names) = &seed.only {
        for name in names {
            registry.get(name)?;
        }
    }
    check_scales(&registry, &options.context.scale, seed.allow_large_scale)?;
    let only = seed.only.as_deref();
    let (pool, resolved) = connect(global.database_url.as_deref()).await?;
    let connected = std::time::Instant::now();
    if seed.status {
        let statuses = run::status(&pool, &registry, &options).await?;
        return output::print_status(&statuses, json);
    }
    if seed.cleanup {
        let removed = run::cleanup(&pool, &registry, only, seed.cascade, &options).await?;
        return output::print_cleanup(&removed, json);
    }
    if seed.reset {
        run::reset(&pool, &migrations, &options).await?;
    } else {
        // Every guard first: `--migrate` must not write to a database the run then refuses.
        if !seed.dry_run {
            run::check_guards(&pool, &options).await?;
        }
        if options.migrate && !migrations.pending(&pool).await?.is_empty() {
            let backup = Backup {
                dir: global.backup_dir.as_deref(),
                skip: global.no_backup,
                url: &resolved.url,
            };
            backup.before_migrating(&pool).await?;
        }
        run::check_migrations(&pool, &migrations, options.migrate).await?;
    }
    let units = registry.select(only, &options.environment)?;
    let reports = if seed.dry_run {
        run::dry_run(&pool, &units, &options).await?
    } else {
        let outcome = run::apply_reporting(&pool, &units, &options).await;
        if let Some(error) = outcome.error {
            // What was committed stays: say so before the error.
            for report in &outcome.reports {
                println!("{}", output::summary(report));
            }
            return Err(error);
        }
        outcome.reports
    };
    let millis = connected.elapsed().as_secs_f64() * 1000.0;
    let output = output::ApplyOutput {
        dry_run: seed.dry_run,
        sql: seed.sql,
        json,
        millis,
    };
    output::print_apply(&reports, output)
}

/// The most rows a `--scale` may ask for without `--allow-large-scale`.
pub const LARGE_SCALE: u64 = 10_000_000;

/// Refuses `--scale` names that no unit reads (with the nearest), and sizes past
/// [`LARGE_SCALE`] unless allowed; says what an allowed large scale will write.
fn check_scales(
    registry: &Registry,
    scale: &BTreeMap<String, u64>,
    allow_large: bool,
) -> Result<(), Error> {
    if scale.is_empty() {
        return Ok(());
    }
    let known = crate::plan::context::scale_names(registry.units());
    for (name, &value) in scale {
        let Some((default, units)) = known.get(name) else {
            return Err(Error::Select(SelectError::UnknownScale {
                name: name.clone(),
                suggestion: seedbed_core::suggest::nearest(name, known.keys().map(String::as_str))
                    .map(str::to_owned),
                known: known
                    .iter()
                    .map(|(n, (d, _))| format!("{n} (default {d})"))
                    .collect(),
            }));
        };
        let units = units
            .iter()
            .map(|u| format!("`{u}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if value > LARGE_SCALE && !allow_large {
            return Err(Error::Select(SelectError::ScaleTooLarge {
                name: name.clone(),
                value,
                default: *default,
                units,
                bound: LARGE_SCALE,
            }));
        }
        tracing::info!(
            "--scale {name}={value}: {units} will write about {value} rows per table it generates with it (default {default})"
        );
    }
    Ok(())
}

/// `seed-runner cluster ...`: status, stop or destroy the local cluster; never starts one.
fn cluster(action: ClusterAction) -> Result<(), Error> {
    use std::io::Write as _;
    let dir = crate::engine::postgres::local_cluster::LocalCluster::default_dir()?;
    let mut out = std::io::stdout().lock();
    let Some(cluster) = crate::engine::postgres::local_cluster::LocalCluster::existing(&dir)?
    else {
        writeln!(out, "no local cluster in {}", dir.display()).map_err(Error::stdout)?;
        return Ok(());
    };
    let line = match action {
        ClusterAction::Status if cluster.running()? => format!(
            "local cluster in {}: running (pid {}, port {})\nopen it with: {}",
            cluster.dir().display(),
            cluster
                .pid()
                .map_or_else(|| "?".to_owned(), |p| p.to_string()),
            cluster.port(),
            cluster.psql_command()
        ),
        ClusterAction::Status => format!(
            "local cluster in {}: stopped (a seed-runner run without a URL starts it)",
            cluster.dir().display()
        ),
        ClusterAction::Stop => {
            cluster.stop()?;
            format!("local cluster in {}: stopped", cluster.dir().display())
        }
        ClusterAction::Destroy => {
            let dir = cluster.dir().to_owned();
            cluster.destroy()?;
            format!("local cluster in {}: destroyed", dir.display())
        }
    };
    writeln!(out, "{line}").map_err(Error::stdout)
}

async fn connect(flag: Option<&str>) -> Result<(PgPool, ResolvedDatabase), Error> {
    let resolved = database::resolve(flag).await?;
    tracing::info!("{}", resolved.describe());
    let pool = resolved.connect().await?;
    Ok((pool, resolved))
}

/// What `--backup-dir` and `--no-backup` ask for a database stamped production.
struct Backup<'a> {
    dir: Option<&'a std::path::Path>,
    skip: bool,
    url: &'a str,
}

impl Backup<'_> {
    /// On a database stamped production: a pg_dump into the backup folder (or the refusal to
    /// migrate without one), and how to restore it. Other databases are not backed up.
    async fn before_migrating(&self, pool: &PgPool) -> Result<(), Error> {
        let mut conn = pool
            .acquire()
            .await
            .map_err(|e| Error::database("connecting", &e))?;
        let stamp = crate::engine::postgres::ledger::stamp(&mut conn).await?;
        if stamp.as_deref() != Some(seedbed_core::environment::PRODUCTION) {
            return Ok(());
        }
        if self.skip {
            tracing::warn!("migrating a production database without a backup (--no-backup)");
            return Ok(());
        }
        let dir = self
            .dir
            .ok_or(Error::Migrate(MigrateError::BackupRequired))?;
        let time = Utc::now().format("%Y%m%d-%H%M%S").to_string();
        let file = crate::engine::postgres::backup::dump(self.url, dir, &time)?;
        tracing::info!(
            "backed up to {}; restore with: {}",
            file.display(),
            crate::engine::postgres::backup::restore_command(self.url, &file)
        );
        Ok(())
    }
}

async fn migrate(
    pool: &PgPool,
    migrations: &Migrations,
    action: MigrateAction,
    (options, backup): (&RunOptions, Backup<'_>),
    json: bool,
) -> Result<(), Error> {
    match action {
        MigrateAction::Apply => {
            run::check_guards(pool, options).await?;
            if !migrations.pending(pool).await?.is_empty() {
                backup.before_migrating(pool).await?;
            }
            let runs = migrations.apply(pool).await?;
            output::print_migration_runs(&runs, "applied", json)
        }
        MigrateAction::Status => {
            let statuses = migrations.status(pool).await?;
            output::print_migration_status(&statuses, json)
        }
        // Handled before connecting.
        MigrateAction::New { .. } => Ok(()),
        MigrateAction::Revert { to } => {
            let mut conn = pool
                .acquire()
                .await
                .map_err(|e| Error::database("connecting", &e))?;
            run::guard_destructive(&mut conn, "revert migrations", options).await?;
            drop(conn);
            run::check_guards(pool, options).await?;
            let runs = migrations.revert(pool, to).await?;
            output::print_migration_runs(&runs, "reverted", json)
        }
    }
}

/// `schema snapshot --check`: the snapshot is there and was read after the current migrations.
fn check_snapshot(folder: &std::path::Path) -> Result<(), Error> {
    use seedbed_core::snapshot::{Snapshot, digest};
    let path = Snapshot::path(folder);
    let shown = path.display().to_string();
    let snapshot = Snapshot::read(folder).map_err(snapshot_error)?;
    let problem = match snapshot {
        None => format!("no schema snapshot at {shown}"),
        Some(s) if s.migrations != digest(folder).map_err(snapshot_error)? => {
            format!("the schema snapshot {shown} is older than the migrations")
        }
        Some(_) => {
            println!("{shown} is up to date with the migrations");
            return Ok(());
        }
    };
    Err(Error::SnapshotStale {
        path: shown,
        problem,
    })
}

/// `schema snapshot`: reads the database, which must have every migration applied.
async fn write_snapshot(
    pool: &PgPool,
    migrations: &Migrations,
    folder: &std::path::Path,
) -> Result<(), Error> {
    use seedbed_core::snapshot::{Snapshot, digest};
    let pending = migrations.pending(pool).await?;
    if !pending.is_empty() {
        return Err(Error::Guard(GuardError::MigrationsBehind { pending }));
    }
    let mut conn = pool
        .acquire()
        .await
        .map_err(|e| Error::database("connecting", &e))?;
    let schema = crate::engine::postgres::snapshot::read(&mut conn).await?;
    let (tables, enums) = (schema.tables.len(), schema.enums.len());
    let snapshot = Snapshot::of(schema, digest(folder).map_err(snapshot_error)?);
    let path = Snapshot::path(folder);
    std::fs::write(&path, snapshot.to_json()).map_err(|error| Error::Io {
        context: format!("writing {}", path.display()),
        error,
    })?;
    println!(
        "wrote {}: {tables} tables, {enums} enum types; commit it beside the migrations",
        path.display()
    );
    Ok(())
}

fn snapshot_error(e: seedbed_core::schema::LoadError) -> Error {
    Error::SnapshotUnreadable {
        what: e.file.display().to_string(),
        reason: e.message,
    }
}
