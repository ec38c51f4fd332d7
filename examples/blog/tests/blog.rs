//! The blog example against a fresh database: every unit applied, the thread's replies point at
//! the right comments, a re-run changes nothing, and cleanup of the scenario leaves the posts.

use seedbed::run::{self, RunOptions};
use seedbed::select::Registry;

#[seedbed::test]
async fn seeds_the_blog_and_cleans_up_the_thread(pool: sqlx::PgPool) -> anyhow::Result<()> {
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await }
    };
    assert_eq!(count("SELECT count(*) FROM authors").await?, 3);
    assert_eq!(count("SELECT count(*) FROM posts").await?, 4);
    assert_eq!(count("SELECT count(*) FROM post_tags").await?, 6);
    // Tables that reference each other: the guest author pins the post she wrote.
    assert_eq!(
        count(
            "SELECT count(*) FROM authors a JOIN posts p ON p.id = a.pinned_post_id AND p.author_id = a.id"
        )
        .await?,
        1
    );
    assert_eq!(count("SELECT count(*) FROM comments").await?, 23);
    // Tables of another schema, a citext column compared case-blind, a domain with its default.
    assert_eq!(
        count(
            "SELECT count(*) FROM moderation.reports r JOIN moderation.report_notes n ON n.report_id = r.id
             WHERE r.reporter_email = 'reader@example.com' AND r.severity = 3"
        )
        .await?,
        1
    );
    let replies: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.body, parent.author_name FROM comments c JOIN comments parent ON parent.id = c.reply_to_id
         ORDER BY c.created_at, c.body",
    )
    .fetch_all(&pool)
    .await?;
    assert_eq!(replies.len(), 2);
    assert!(
        replies
            .iter()
            .any(|(body, parent)| body.starts_with("Yes") && parent == "Grace")
    );

    let registry = Registry::discover()?;
    let options = RunOptions::new("test")?;
    let units = registry.select(None, "test")?;
    let again = run::apply(&pool, &units, &options).await?;
    assert!(again.iter().all(|r| r.outcome == run::Outcome::Unchanged));

    run::cleanup(
        &pool,
        &registry,
        Some(&["lively_thread".to_owned()]),
        false,
        &options,
    )
    .await?;
    assert_eq!(count("SELECT count(*) FROM comments").await?, 0);
    assert_eq!(count("SELECT count(*) FROM posts").await?, 4);

    // The circle comes apart at cleanup too, and only the guest's rows go.
    run::cleanup(
        &pool,
        &registry,
        Some(&["guest_post".to_owned()]),
        false,
        &options,
    )
    .await?;
    assert_eq!(count("SELECT count(*) FROM authors").await?, 2);
    assert_eq!(count("SELECT count(*) FROM posts").await?, 3);
    assert_eq!(count("SELECT count(*) FROM post_tags").await?, 5);

    run::cleanup(
        &pool,
        &registry,
        Some(&["moderation".to_owned()]),
        false,
        &options,
    )
    .await?;
    assert_eq!(count("SELECT count(*) FROM moderation.reports").await?, 0);
    assert_eq!(
        count("SELECT count(*) FROM moderation.report_notes").await?,
        0
    );

    Ok(())
}
