//! A small blog seeded with seedbed: authors, posts, threaded comments and tags.
//!
//! - `tags` and `authors` are seed sets; `posts` depends on both and references their rows.
//! - `lively_thread` is a scenario: a discussion whose replies point at earlier comments (a
//!   self-referencing foreign key), plus generated comments from a loop.

use seedbed::{Seed, days_ago, scenario, seed};

/// The blog's migrations, embedded for the runner.
pub static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();

seed! {
    /// The tags posts are filed under.
    set tags;

    tags {
        rust { name: "rust" }
        postgres { name: "postgres" }
        testing { name: "testing" }
    }
}

seed! {
    /// Two authors.
    set authors;

    authors {
        ada { name: "Ada Example", email: "ada@example.com", bio: "Writes about databases." }
        linus { name: "Linus Example", email: "linus@example.com" }
    }
}

seed! {
    /// A report on a post and the moderator's note: tables of the `moderation` schema.
    set moderation(depends_on = [posts]);

    moderation::reports {
        spam_report {
            post_id: posts::fixtures_that_scale,
            reporter_email: "Reader@Example.com",
            reason: "spam",
            severity: 3,
        }
    }
    moderation::report_notes {
        _ { report_id: moderation::reports::spam_report, body: "Checked: not spam." }
    }
}

seed! {
    /// Published posts and a draft, with their tags.
    set posts(depends_on = [authors, tags]);

    posts {
        seeding_with_rust {
            author_id: authors::ada,
            slug: "seeding-with-rust",
            title: "Seeding PostgreSQL from Rust",
            body: "Seed data that the compiler checks against the migrations.",
            published_at: days_ago(10),
        }
        fixtures_that_scale {
            author_id: authors::linus,
            slug: "fixtures-that-scale",
            title: "Test fixtures that scale",
            body: "Template databases make every test's database a copy away.",
            published_at: days_ago(2),
        }
        draft {
            author_id: authors::ada,
            slug: "draft-on-ledgers",
            title: "Ledgers (draft)",
            body: "TODO",
        }
    }
    post_tags {
        _ { post_id: posts::seeding_with_rust, tag_id: tags::rust }
        _ { post_id: posts::seeding_with_rust, tag_id: tags::postgres }
        for tag in tags::ALL {
            _ { post_id: posts::fixtures_that_scale, tag_id: tag }
        }
    }
}

/// A guest author and the post they pin: `authors` and `posts` point at each other (the pinned
/// post through a deferrable key), written by one unit in one transaction.
pub mod guest {
    use seedbed::{days_ago, seed};

    seed! {
        /// A guest author who pins her own post.
        set guest_post(depends_on = [tags]);

        authors {
            grace { name: "Grace Guest", email: "grace@example.com", pinned_post_id: posts::guest_post }
        }
        posts {
            guest_post {
                author_id: authors::grace,
                slug: "a-guest-post",
                title: "A guest post",
                body: "Written by a guest, pinned on her profile.",
                published_at: days_ago(1),
            }
        }
        post_tags {
            _ { post_id: posts::guest_post, tag_id: super::tags::testing }
        }
    }
}

/// A lively discussion under the first post: a thread of replies and a tail of generated
/// comments.
#[scenario(depends_on = [posts])]
fn lively_thread() -> Seed {
    let generated = seedbed::scale("comments", 20);
    seed! {
        comments {
            question {
                post_id: posts::seeding_with_rust,
                author_name: "Grace",
                body: "Does it handle self-references?",
            }
            answer {
                post_id: posts::seeding_with_rust,
                reply_to_id: comments::question,
                author_name: "Ada Example",
                body: "Yes: this reply points at the question.",
            }
            thanks {
                post_id: posts::seeding_with_rust,
                reply_to_id: comments::answer,
                author_name: "Grace",
                body: "Thanks!",
            }
            for i in 0..generated {
                _ {
                    post_id: posts::fixtures_that_scale,
                    author_name: format!("Reader {i}"),
                    body: format!("Comment number {i}."),
                }
            }
        }
    }
}
