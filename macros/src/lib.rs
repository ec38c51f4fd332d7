//! The macros of seedbed: `seed!`, `#[scenario]`, `migrations!` and `#[seedbed::test]`. Use them through the
//! `seedbed` crate, which re-exports them and holds what their expansions need.

mod check;
mod diag;
mod enums;
mod expand;
mod labels;
mod migrations;
mod parse;
mod scenario;
mod seed;
mod source;
mod test_attr;
mod zones;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Declares seed rows, checked at compile time against the migrations.
///
/// At item level, `seed!` declares a named **seed set**; inside a [`macro@scenario`] function it
/// builds the rows the scenario returns.
///
/// ```text
/// seed!      := header? table*
/// header     := "///" doc* "set" NAME options? ";"
/// options    := "(" "depends_on" "=" "[" NAME,* "]" ("," "env" "=" "[" ENV,* "]")? ")"
/// table      := TABLE "{" entry* "}"
/// entry      := row | "for" PATTERN "in" EXPR "{" entry* "}"
/// row        := (LABEL | "_") "{" (COLUMN ":" EXPR),* "}"
/// ```
///
/// ```ignore
/// seed! {
///     /// Six venues across six countries.
///     set venues(env = [development, test]);
///
///     venues {
///         tanzhaus_berlin { slug: "tanzhaus-berlin", name: "Tanzhaus Berlin", country: "DE" }
///         _ { slug: "casa-do-baile", name: "Casa do Baile", country: "PT" }
///         for i in 0..3 { _ { slug: format!("hall-{i}"), name: format!("Hall {i}"), country: "FR" } }
///     }
/// }
/// ```
///
/// - A **label** (`tanzhaus_berlin`) is the row's stable identity: its uuid primary key is the
///   UUIDv5 of unit, table and label, and it becomes a constant `venues::tanzhaus_berlin` that
///   other rows use as a foreign key value (`venue_id: venues::tanzhaus_berlin`), typed by its
///   table. `venues::ALL` lists every labelled row. `_` rows get a key from their position.
/// - Values are literals, checked here against the column's SQL type, enum values and simple
///   CHECK constraints, or any Rust expression, checked by rustc against the column's type.
///   Nullable and defaulted columns may be left out or given `None` / an `Option`.
/// - `depends_on` names units applied first; `env` the environments the unit may run in
///   (development and test when left out; `production` only when named).
#[proc_macro]
pub fn seed(input: TokenStream) -> TokenStream {
    seed::expand(input.into()).into()
}

/// Registers a function as a test scenario, named after the function and described by its doc
/// comment. Its body returns a `seedbed::Seed`, built with `seed!` blocks.
///
/// ```ignore
/// /// A user who follows every teacher.
/// #[scenario(depends_on = [teachers], env = [development, test])]
/// fn power_user() -> seedbed::Seed {
///     seed! {
///         users { paula { email: "paula@festivalscout.test", display_name: "Paula" } }
///         user_teacher_follows {
///             for teacher in crate::base::teachers::ALL {
///                 _ { user_id: users::paula, teacher_id: teacher }
///             }
///         }
///     }
/// }
/// ```
///
/// The labels of a scenario live in a module named after it: `power_user::users::paula`.
#[proc_macro_attribute]
pub fn scenario(attr: TokenStream, item: TokenStream) -> TokenStream {
    scenario::expand(attr.into(), item.into()).into()
}

/// A test with a database of its own: an `async fn` run on tokio, given a copy of a template
/// built from the crate's migrations and the units named, dropped when the test passes and kept
/// (and named) when it fails.
///
/// ```ignore
/// #[seedbed::test(units = [power_user])]
/// async fn power_user_follows_every_teacher(pool: sqlx::PgPool) -> anyhow::Result<()> {
///     let follows: i64 = sqlx::query_scalar("SELECT count(*) FROM user_teacher_follows")
///         .fetch_one(&pool)
///         .await?;
///     assert!(follows > 0);
///     Ok(())
/// }
/// ```
///
/// The function takes `sqlx::PgPool`, `sqlx::PgConnection` or `&seedbed::testing::TestDatabase`
/// (any number of them) and returns `()` or a `Result`. Options, all optional:
///
/// - `units = [a, b]`: the units applied (with what they depend on); every test unit if left out;
///   `units = []`: none, the migrations only;
/// - `clock = "2026-05-01"` (or an RFC 3339 time), `scale = [events = 10]`, `random_seed = 7`:
///   the run's context;
/// - `migrations = "db/migrations"` (a folder relative to the manifest) or
///   `migrations = my_seeds::MIGRATIONS` (a value): by default the folder the seeds are checked
///   against;
/// - `read_only`: share one copy with the run's other read-only tests, every session refusing
///   writes; `rollback`: share it through a `PgConnection` inside a transaction that is never
///   committed.
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    test_attr::expand(attr.into(), item.into()).into()
}

/// Rust enums for the enum types of the migrations, for values given by expressions: an enum
/// column takes its own type's values (checked by rustc), or a `&str` (checked by the server).
///
/// ```ignore
/// seedbed::enums!();          // in a module of the seeds crate: `pub enum EventStatus { ... }`
///
/// seed! {
///     set events;
///     events {
///         _ { status: if cancelled { EventStatus::Cancelled } else { EventStatus::Published }, ... }
///     }
/// }
/// ```
///
/// Each enum `event_status` becomes `EventStatus` (a type in another schema, `audit.kind`,
/// becomes `AuditKind`), its labels variants in CamelCase (`'in-review'` is `InReview`), with
/// `ALL`, `label()` and `Display`.
#[proc_macro]
pub fn enums(input: TokenStream) -> TokenStream {
    enums::expand(input.into()).into()
}

/// Embeds the migrations folder (the one `seed!` checks against, or the path given relative to
/// the crate's manifest) as a `seedbed::migrations::Migrations`.
///
/// ```ignore
/// static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();
/// ```
#[proc_macro]
pub fn migrations(input: TokenStream) -> TokenStream {
    migrations::expand(input.into()).into()
}
