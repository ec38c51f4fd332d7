//! Bad input, as an outsider gives it: every case runs the `seed-runner` binary against a seeded
//! database and must exit non-zero with one clear `error:` paragraph, no panic, nothing on
//! stdout, and nothing written (an md5 of every table, the ledger's included, before and after).
//!
//! Run alone with `cargo test -p festival-seeds --test faults`.

mod common;

use common::seed_runner;

use anyhow::{Result, ensure};
use seedbed::testing::TestDatabase;
use sqlx::PgPool;

/// One bad input: the arguments, an optional `DATABASE_URL` replacing the test database's, and
/// words its error must contain (on its `error:` line, or in the usage clap adds below it).
struct Case {
    args: &'static [&'static str],
    database_url: Option<&'static str>,
    says: &'static [&'static str],
}

const fn case(args: &'static [&'static str], says: &'static [&'static str]) -> Case {
    Case {
        args,
        database_url: None,
        says,
    }
}

const fn with_url(
    url: &'static str,
    args: &'static [&'static str],
    says: &'static [&'static str],
) -> Case {
    Case {
        args,
        database_url: Some(url),
        says,
    }
}

const CASES: &[Case] = &[
    // Flags that do not combine, or are malformed: refused by the parser (exit status 2).
    case(&["--sql", "--cleanup"], &["cannot be used with"]),
    case(&["--sql", "--list"], &["cannot be used with"]),
    case(&["--sql", "--status"], &["cannot be used with"]),
    case(&["--sql", "--graph", "dot"], &["cannot be used with"]),
    case(&["--list", "--cleanup"], &["cannot be used with"]),
    case(&["--status", "--dry-run"], &["cannot be used with"]),
    case(&["--reset", "--cleanup"], &["cannot be used with"]),
    case(&["--list", "--graph", "dot"], &["cannot be used with"]),
    case(&["--migrate", "--dry-run"], &["cannot be used with"]),
    case(&["--migrate", "--status"], &["cannot be used with"]),
    case(&["--migrate", "--cleanup"], &["cannot be used with"]),
    case(&["--migrate", "--list"], &["cannot be used with"]),
    case(
        &["--clock", "2026-05-01", "--cleanup"],
        &["cannot be used with"],
    ),
    case(&["--scale", "events=5", "--list"], &["cannot be used with"]),
    case(
        &["--random-seed", "7", "--graph", "mermaid"],
        &["cannot be used with"],
    ),
    case(&["--cascade"], &["--cleanup"]),
    case(&["--allow-large-scale"], &["--scale"]),
    case(&["--graph", "svg"], &["svg"]),
    case(&["--graph"], &["value is required"]),
    case(&["--only"], &["value is required"]),
    case(&["--scale", "events"], &["is not NAME=N"]),
    case(&["--scale", "events=abc"], &["is not a whole number"]),
    case(&["--scale", "events=-1"], &["is not a whole number"]),
    case(&["--scale", "events=1e3"], &["is not a whole number"]),
    case(&["--clock", "yesterday"], &["is not a date"]),
    case(&["--clock", "2026-13-01"], &["is not a date"]),
    case(&["--clock", "2026-05-01T25:00:00Z"], &["is not a date"]),
    case(&["--random-seed", "x"], &["invalid value"]),
    case(&["--bogus-flag"], &["unexpected argument"]),
    case(&["venues"], &["unrecognized subcommand"]),
    case(&["migrate", "frobnicate"], &["unrecognized subcommand"]),
    case(&["migrate", "revert", "--to", "abc"], &["invalid value"]),
    case(&["cluster", "explode"], &["unrecognized subcommand"]),
    // Names and values the program checks (exit status 1).
    case(&["--env", "qa"], &["unknown environment `qa`"]),
    case(&["--env", "PRODUCTION"], &["unknown environment"]),
    case(&["--env", ""], &["unknown environment"]),
    case(&["--status", "--env", "qa"], &["unknown environment"]),
    case(&["--only", "nope"], &["unknown unit `nope`"]),
    case(&["--only", "venues,nope"], &["unknown unit `nope`"]),
    case(&["--only", "venus"], &["did you mean `venues`"]),
    case(&["--only", ""], &["unknown unit"]),
    case(&["--cleanup", "--only", "nope"], &["unknown unit"]),
    case(&["--dry-run", "--only", "nope"], &["unknown unit"]),
    case(
        &["--scale", "evnts=10"],
        &["scale `evnts`", "did you mean `events`"],
    ),
    case(&["--scale", "=10"], &["no unit reads the scale"]),
    case(
        &["--scale", "events=1000000000000"],
        &["--allow-large-scale", "1000000000000"],
    ),
    case(
        &["--dry-run", "--scale", "events=99999999999"],
        &["--allow-large-scale"],
    ),
    // Guards: the database is stamped development.
    case(&["--env", "production"], &["stamped `development`"]),
    case(&["--env", "test", "--cleanup"], &["stamped `development`"]),
    case(
        &["--env", "staging", "--migrate"],
        &["stamped `development`"],
    ),
    case(
        &["migrate", "--env", "production"],
        &["stamped `development`"],
    ),
    case(
        &["migrate", "revert", "--env", "test"],
        &["stamped `development`"],
    ),
    case(
        &["--reset", "--env", "test"],
        &["only allowed with --env development"],
    ),
    case(
        &["--reset", "--env", "production"],
        &["only allowed with --env development"],
    ),
    case(
        &[
            "--allow-env-change",
            "--env",
            "production",
            "--only",
            "venues",
        ],
        &["does not run in production"],
    ),
    case(
        &["migrate", "revert", "--to", "12345"],
        &["no such migration"],
    ),
    // Databases that are not there, or not PostgreSQL URLs.
    case(
        &["--database-url", "mysql://u:hunter2@h/d"],
        &["postgres://"],
    ),
    case(&["--database-url", ""], &["empty"]),
    case(&["--database-url", "not-a-url"], &["not a URL"]),
    case(
        &[
            "--database-url",
            "postgres://postgres@127.0.0.1:5432/wt_runner_missing_db",
        ],
        &["does not exist"],
    ),
    case(
        &[
            "--status",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/x",
        ],
        &["127.0.0.1:1"],
    ),
    with_url("garbage", &["--status"], &["not a URL"]),
    with_url("mysql://x/y", &["--cleanup"], &["postgres://"]),
];

/// The md5 of every row of every table, by table.
async fn md5_all(pool: &PgPool) -> Result<Vec<(String, Option<String>)>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
         WHERE schemaname IN ('public', 'seedbed') ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    let mut sums = Vec::new();
    for table in tables {
        let sql = format!("SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t");
        sums.push((table, sqlx::query_scalar(&sql).fetch_one(pool).await?));
    }
    Ok(sums)
}

/// Checks one case's run; the reason it fails, if it does.
fn check(case: &Case, output: &std::process::Output) -> Result<()> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let shown = || {
        format!(
            "exit {:?}\n--- stdout\n{stdout}--- stderr\n{stderr}",
            output.status
        )
    };
    ensure!(!output.status.success(), "succeeded:\n{}", shown());
    ensure!(
        matches!(output.status.code(), Some(1 | 2)),
        "exit status not 1 or 2:\n{}",
        shown()
    );
    ensure!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "panicked:\n{}",
        shown()
    );
    ensure!(stdout.is_empty(), "wrote to stdout:\n{}", shown());
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    ensure!(
        errors.len() == 1,
        "not one `error:` paragraph:\n{}",
        shown()
    );
    ensure!(
        errors[0].len() < 800,
        "error paragraph too long:\n{}",
        shown()
    );
    for word in case.says {
        ensure!(
            stderr.contains(word),
            "error does not say `{word}`:\n{}",
            shown()
        );
    }
    ensure!(
        !stderr.contains("hunter2"),
        "a password was printed:\n{}",
        shown()
    );
    Ok(())
}

#[tokio::test]
async fn bad_input_is_refused_clearly_and_writes_nothing() -> Result<()> {
    let db = TestDatabase::create().await?;
    let pool = db.connect().await?;
    let seeded = seed_runner(&db.url, &["--only", "venues", "--migrate"]).output()?;
    ensure!(seeded.status.success(), "seeding failed: {seeded:?}");
    let before = md5_all(&pool).await?;

    let mut failures = Vec::new();
    for case in CASES {
        let url = case.database_url.unwrap_or(&db.url);
        let output = seed_runner(url, case.args).output()?;
        if let Err(e) = check(case, &output) {
            failures.push(format!("{:?}: {e}", case.args));
        }
        let after = md5_all(&pool).await?;
        if after != before {
            failures.push(format!("{:?} wrote to the database", case.args));
            break;
        }
    }
    pool.close().await;
    if failures.is_empty() {
        db.drop().await?;
    } else {
        eprintln!("kept the database {} to look at", db.name());
    }
    ensure!(
        failures.is_empty(),
        "{} of {} bad inputs misbehaved:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
    assert!(CASES.len() >= 50, "{} cases", CASES.len());
    Ok(())
}
