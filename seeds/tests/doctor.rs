//! `seed-runner doctor`: one line per check, a fix for each that fails, exit 0 only when a run
//! has everything it needs; tried on a fresh database, a migrated one, a read-only role, a
//! stamp of another environment, a hand edit, and a server that is not there.

mod common;

use common::{NO_SERVER, seed_runner};
use seedbed::testing::TestDatabase;

fn doctor(url: &str, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = extra.to_vec();
    args.push("doctor");
    let out = seed_runner(url, &args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn run(url: &str, args: &[&str]) {
    let out = common::run(url, args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn line<'a>(report: &'a str, check: &str) -> &'a str {
    report
        .lines()
        .find(|l| l[6..].starts_with(check))
        .unwrap_or_else(|| panic!("no `{check}` line in\n{report}"))
}

#[tokio::test]
async fn doctor_says_what_a_run_lacks_and_how_to_fix_it() -> anyhow::Result<()> {
    let db = TestDatabase::create().await?;
    let url = db.url.clone();

    let (code, report) = doctor(&url, &[]);
    assert_eq!(code, Some(1), "{report}");
    assert!(line(&report, "migrations").starts_with("FAIL"), "{report}");
    assert!(report.contains("fix: seed-runner migrate"), "{report}");
    assert!(line(&report, "connect").starts_with("ok"), "{report}");

    run(&url, &["migrate"]);
    let (code, report) = doctor(&url, &[]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(
        report.lines().filter(|l| l.starts_with("ok")).count(),
        8,
        "{report}"
    );

    run(&url, &["--env", "production"]);
    let (code, report) = doctor(&url, &[]);
    assert_eq!(code, Some(1));
    assert!(
        line(&report, "environment").contains("stamped `production`, the run is `development`")
    );
    assert_eq!(doctor(&url, &["--env", "production"]).0, Some(0));

    // A role that may only read.
    let role = format!("seedbed_doctor_{}", std::process::id());
    let pool = db.connect().await?;
    sqlx::raw_sql(&format!(
        "CREATE ROLE {role} LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};
         GRANT USAGE ON SCHEMA seedbed TO {role}; GRANT SELECT ON ALL TABLES IN SCHEMA seedbed TO {role};"
    ))
    .execute(&pool)
    .await?;
    let as_role = url.replacen("postgres@", &format!("{role}@"), 1);
    let (code, report) = doctor(&as_role, &["--env", "production"]);
    let privileges = line(&report, "privileges");
    assert_eq!(code, Some(1));
    assert!(
        privileges.contains("create or write schema seedbed"),
        "{report}"
    );
    assert!(privileges.contains("venues"), "{report}");

    sqlx::raw_sql("ALTER TABLE venues ADD COLUMN vip boolean")
        .execute(&pool)
        .await?;
    let (code, report) = doctor(&url, &["--env", "production"]);
    assert_eq!(code, Some(1));
    assert!(line(&report, "schema").contains("venues.vip"), "{report}");
    sqlx::raw_sql(&format!("DROP OWNED BY {role}; DROP ROLE {role};"))
        .execute(&pool)
        .await?;
    pool.close().await;

    let (code, report) = doctor(NO_SERVER, &[]);
    assert_eq!(code, Some(1));
    assert!(line(&report, "connect").starts_with("FAIL"), "{report}");
    db.drop().await?;
    Ok(())
}
