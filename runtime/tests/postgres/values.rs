//! Values as a fresh database stores them: types without an `=` operator, keys with defaults,
//! omitted columns.

use anyhow::Result;
use seedbed::run::{self, Outcome};

use crate::pairs::{self, PAIRS_TABLE};
use crate::support::{Fresh, counts, options, report};

#[tokio::test]
async fn json_point_default_keys_and_omitted_columns_apply_as_a_fresh_database_would() -> Result<()>
{
    let fresh = Fresh::migrated().await?;
    let pool = &fresh.pool;
    sqlx::query(PAIRS_TABLE).execute(pool).await?;
    let v1 = options("development", &[("v", 1)]);
    let v2 = options("development", &[("v", 2)]);
    let applied = run::apply(pool, &[&pairs::PAIRS], &v1).await?;
    assert_eq!(counts(&applied, "t_pairs", "t_pairs"), (2, 0, 0, 0));
    // Unchanged: compared as text, json and point raise no `operator does not exist`.
    let again = run::apply(pool, &[&pairs::PAIRS], &v1).await?;
    assert_eq!(report(&again, "t_pairs").outcome, Outcome::Unchanged);
    let seen: Vec<String> = sqlx::query_scalar("SELECT seen::text FROM t_pairs ORDER BY a")
        .fetch_all(pool)
        .await?;

    // `note` left out: it gets its default back, as in a fresh database; `seen` (now()) stays.
    let changed = run::apply(pool, &[&pairs::PAIRS], &v2).await?;
    assert_eq!(counts(&changed, "t_pairs", "t_pairs"), (0, 2, 0, 0));
    let rows: Vec<(i32, String, String, String)> =
        sqlx::query_as("SELECT line, doc::text, note, seen::text FROM t_pairs ORDER BY a")
            .fetch_all(pool)
            .await?;
    assert_eq!(
        rows.iter().map(|r| (r.0, r.2.as_str())).collect::<Vec<_>>(),
        [(1, "none"), (1, "none")]
    );
    assert_eq!(rows.iter().map(|r| r.3.clone()).collect::<Vec<_>>(), seen);

    let other = Fresh::migrated().await?;
    sqlx::query(PAIRS_TABLE).execute(&other.pool).await?;
    run::apply(&other.pool, &[&pairs::PAIRS], &v2).await?;
    let fresh_rows: Vec<(i32, String, Option<String>)> =
        sqlx::query_as("SELECT line, doc::text, note FROM t_pairs ORDER BY a")
            .fetch_all(&other.pool)
            .await?;
    let rerun_rows: Vec<(i32, String, Option<String>)> =
        sqlx::query_as("SELECT line, doc::text, note FROM t_pairs ORDER BY a")
            .fetch_all(pool)
            .await?;
    assert_eq!(rerun_rows, fresh_rows);
    other.finish().await?;

    // Cleanup finds the rows by the keys their default gave.
    let removed = run::cleanup::cleanup(&mut *pool.acquire().await?, &["t_pairs"], false).await?;
    assert_eq!(removed.removed.iter().map(|r| r.rows).sum::<u64>(), 2);
    fresh.finish().await
}
