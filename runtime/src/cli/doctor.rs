//! `seed-runner doctor`: everything a run needs, checked one line at a time, each failing line
//! with the fix where there is one. Reads only; exits 0 only when every check holds.

use std::time::Instant;

use sqlx::PgPool;

use crate::Error;
use crate::engine::postgres::connect::{self as database, DatabaseSource};
use crate::engine::postgres::ledger::{self, LedgerState};
use crate::migrations::{MigrationState, Migrations};
use crate::run::RunOptions;

/// One line of the doctor's report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    /// What was checked (`connect`, `migrations`, ...).
    pub check: &'static str,
    pub ok: bool,
    /// What was found.
    pub detail: String,
    /// What to do about it, when it does not hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

fn ok(check: &'static str, detail: impl Into<String>) -> Check {
    Check {
        check,
        ok: true,
        detail: detail.into(),
        fix: None,
    }
}

fn failed(check: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
    Check {
        check,
        ok: false,
        detail: detail.into(),
        fix: Some(fix.into()),
    }
}

/// Runs every check against the database `flag` (or `DATABASE_URL`, `.env`, the local cluster)
/// names; checks that need a connection are left out when connecting fails.
pub async fn examine(
    flag: Option<&str>,
    migrations: &Migrations,
    options: &RunOptions,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let resolved = match database::resolve(flag).await {
        Ok(resolved) => resolved,
        Err(e) => {
            checks.push(failed(
                "database",
                e.to_string(),
                "pass --database-url, set DATABASE_URL, or install PostgreSQL for the local cluster",
            ));
            return checks;
        }
    };
    checks.push(ok(
        "database",
        resolved.describe().replacen("using ", "", 1),
    ));
    if let (DatabaseSource::LocalCluster, Some(cluster)) = (resolved.source, &resolved.local) {
        checks.push(match cluster.running() {
            Ok(true) => ok(
                "local cluster",
                format!("running on port {}", cluster.port()),
            ),
            _ => failed(
                "local cluster",
                "not running",
                "seed-runner cluster destroy, then run again",
            ),
        });
    }
    let started = Instant::now();
    let pool = match resolved.connect().await {
        Ok(pool) => pool,
        Err(e) => {
            checks.push(failed("connect", e.to_string(), "see the error's advice"));
            return checks;
        }
    };
    checks.push(ok(
        "connect",
        format!(
            "connected in {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        ),
    ));
    if let Err(e) = examine_connected(&pool, migrations, options, &mut checks).await {
        checks.push(failed("database", e.to_string(), "see the error's advice"));
    }
    pool.close().await;
    checks
}

async fn examine_connected(
    pool: &PgPool,
    migrations: &Migrations,
    options: &RunOptions,
    checks: &mut Vec<Check>,
) -> Result<(), Error> {
    let mut conn = pool
        .acquire()
        .await
        .map_err(|e| Error::database("connecting", &e))?;
    let (version, number): (String, i32) = sqlx::query_as(
        "SELECT current_setting('server_version'), current_setting('server_version_num')::int",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the server version", &e))?;
    checks.push(if number >= 130_000 {
        ok("server", format!("PostgreSQL {version}"))
    } else {
        failed(
            "server",
            format!("PostgreSQL {version}"),
            "seedbed needs PostgreSQL 13 or newer",
        )
    });

    let statuses = migrations.status(pool).await?;
    let count = |f: fn(&MigrationState) -> bool| statuses.iter().filter(|s| f(&s.state)).count();
    let pending = count(|s| *s == MigrationState::Pending);
    let diverged: Vec<String> = statuses
        .iter()
        .filter(|s| {
            matches!(
                s.state,
                MigrationState::ChecksumMismatch { .. }
                    | MigrationState::Missing { .. }
                    | MigrationState::Failed { .. }
            )
        })
        .map(|s| format!("{} {}", s.version, s.description))
        .collect();
    checks.push(match (pending, diverged.is_empty()) {
        (_, false) => failed(
            "migrations",
            format!("history diverged: {}", diverged.join(", ")),
            "seed-runner migrate status shows each; rebuild the binary from the migrations the database has",
        ),
        (0, true) => ok("migrations", format!("{} applied, none pending", statuses.len())),
        (n, true) => failed(
            "migrations",
            format!("{n} pending"),
            "seed-runner migrate (or seed with --migrate)",
        ),
    });

    let ledger = ledger::check(&mut conn).await;
    checks.push(match &ledger {
        Ok(LedgerState::Absent) => ok("ledger", "none yet: the first run creates it"),
        Ok(LedgerState::Complete) => ok("ledger", "complete"),
        Err(e) => failed(
            "ledger",
            e.to_string(),
            "restore schema seedbed from a backup, or drop it and seed again",
        ),
    });
    let stamp = match ledger {
        Ok(_) => ledger::stamp(&mut conn).await.ok().flatten(),
        Err(_) => None,
    };
    checks.push(match stamp {
        None => ok(
            "environment",
            format!(
                "not stamped: the first run stamps it `{}`",
                options.environment
            ),
        ),
        Some(s) if s == options.environment => ok("environment", format!("stamped `{s}`")),
        Some(s) => failed(
            "environment",
            format!("stamped `{s}`, the run is `{}`", options.environment),
            format!("run with --env {s}, or --allow-env-change to re-stamp it"),
        ),
    });

    // What a run writes: the ledger (or the right to create it) and every seeded table.
    let ledger_writable = ledger::writable(&mut conn).await?;
    let model = migrations.model()?;
    let mut denied = Vec::new();
    for name in model.tables.keys() {
        let allowed: Option<bool> = sqlx::query_scalar(
            // A list of privileges holds when any one does: each is asked on its own.
            "SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL
                         ELSE has_table_privilege($1, 'SELECT') AND has_table_privilege($1, 'INSERT')
                          AND has_table_privilege($1, 'UPDATE') AND has_table_privilege($1, 'DELETE')
                          AND has_table_privilege($1, 'TRUNCATE') END",
        )
        .bind(crate::engine::postgres::sql::ident(name))
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::database("reading the role's privileges", &e))?;
        if allowed == Some(false) {
            denied.push(name.clone());
        }
    }
    let mut problems = Vec::new();
    let mut fixes = Vec::new();
    if !ledger_writable {
        problems.push("create or write schema seedbed".to_owned());
        fixes.push("GRANT CREATE ON DATABASE <db> TO <role> (or let an administrator seed once)");
    }
    if !denied.is_empty() {
        problems.push(format!("write {}", denied.join(", ")));
        fixes.push("GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON those tables TO <role>");
    }
    checks.push(if problems.is_empty() {
        ok(
            "privileges",
            "the role may write the ledger and every seeded table",
        )
    } else {
        failed(
            "privileges",
            format!("the role may not {}", problems.join(", nor ")),
            fixes.join("; "),
        )
    });

    let live = crate::engine::postgres::snapshot::read(&mut conn).await?;
    let found = seedbed_core::diff::differences(&model, &live);
    checks.push(match (found.len(), pending) {
        (0, _) => ok(
            "schema",
            "the database matches the migrations the seeds were compiled against",
        ),
        (n, p) if p > 0 => failed(
            "schema",
            format!("{n} difference(s), with {p} migration(s) pending"),
            "seed-runner migrate, then seed-runner schema diff",
        ),
        (n, _) => failed(
            "schema",
            format!("{n} difference(s) from the migrations: {}", found[0]),
            "seed-runner schema diff lists them; a migration should make them",
        ),
    });
    Ok(())
}
