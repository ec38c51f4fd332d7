//! The shop example, each test on a database of its own (`#[seedbed::test]`, every unit): keys the database generates are drawn for seeded
//! rows, references resolve to them (within a unit, across units, static and streamed), they
//! survive re-applies and changed definitions, and cleanup removes exactly the seeded rows.

use std::collections::BTreeMap;

use seedbed::Context;
use seedbed::run::Outcome;
use seedbed::run::{self, RunOptions};
use seedbed::select::Registry;
use sqlx::PgPool;

/// Keys of the rows the ledger records with an identity: (unit, table, label or `#n`) to key.
type Keys = BTreeMap<(String, String, String), String>;

async fn ledger_keys(pool: &PgPool) -> anyhow::Result<Keys> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT unit, table_name, label, key FROM seedbed.ledger_rows WHERE label IS NOT NULL",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(unit, table, label, key)| ((unit, table, label), key))
        .collect())
}

/// The key of a labelled row, per the ledger.
async fn key_of(pool: &PgPool, unit: &str, table: &str, label: &str) -> anyhow::Result<i64> {
    let key: String = sqlx::query_scalar(
        "SELECT key FROM seedbed.ledger_rows WHERE unit = $1 AND table_name = $2 AND label = $3",
    )
    .bind(unit)
    .bind(table)
    .bind(label)
    .fetch_one(pool)
    .await?;
    Ok(key.parse()?)
}

async fn count(pool: &PgPool, sql: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(sql).fetch_one(pool).await?)
}

/// Every unit, applied with `context`.
async fn apply(pool: &PgPool, context: Context) -> anyhow::Result<Vec<(String, Outcome)>> {
    let registry = Registry::discover()?;
    let mut options = RunOptions::new("test")?;
    options.context = context;
    let units = registry.select(None, "test")?;
    let reports = run::apply(pool, &units, &options).await?;
    Ok(reports.into_iter().map(|r| (r.unit, r.outcome)).collect())
}

fn context(clock: &str, orders: u64) -> Context {
    Context {
        clock: seedbed::chrono::DateTime::parse_from_rfc3339(clock)
            .map(|c| c.to_utc())
            .unwrap_or_default(),
        scale: [("orders".to_owned(), orders)].into(),
        ..Context::default()
    }
}

#[seedbed::test]
async fn references_point_at_the_rows_seeded_for_them(pool: PgPool) -> anyhow::Result<()> {
    assert_eq!(count(&pool, "SELECT count(*) FROM customers").await?, 2);
    assert_eq!(count(&pool, "SELECT count(*) FROM products").await?, 4);
    // Two welcome orders, two labelled ones of the scenario, five repeat orders.
    assert_eq!(count(&pool, "SELECT count(*) FROM orders").await?, 9);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM order_items").await?,
        3 + 1 + 4
    );

    // Every key the ledger records for a label is that row's key in its table.
    let alice = key_of(&pool, "customers", "customers", "alice").await?;
    let email: String = sqlx::query_scalar("SELECT email FROM customers WHERE id = $1")
        .bind(alice)
        .fetch_one(&pool)
        .await?;
    assert_eq!(email, "alice@example.com");

    // Labelled orders of a scenario (streamed) point at customers of another unit.
    let big = key_of(&pool, "busy_week", "orders", "alice_big").await?;
    let (customer, status): (i64, String) =
        sqlx::query_as("SELECT customer_id, status::text FROM orders WHERE id = $1")
            .bind(big)
            .fetch_one(&pool)
            .await?;
    assert_eq!((customer, status.as_str()), (alice, "placed"));

    // Its items: one per product (a loop over `products::ALL`), with the right skus.
    let skus: Vec<String> = sqlx::query_scalar(
        "SELECT p.sku FROM order_items i JOIN products p ON p.id = i.product_id
         WHERE i.order_id = $1 ORDER BY p.sku",
    )
    .bind(big)
    .fetch_all(&pool)
    .await?;
    assert_eq!(skus, ["CB-004", "KB-001", "MN-003", "MS-002"]);
    let cart = key_of(&pool, "busy_week", "orders", "alice_cart").await?;
    let skus: Vec<String> = sqlx::query_scalar(
        "SELECT p.sku FROM order_items i JOIN products p ON p.id = i.product_id
         WHERE i.order_id = $1",
    )
    .bind(cart)
    .fetch_all(&pool)
    .await?;
    assert_eq!(skus, ["MS-002"]);

    // A static unit: items point at its own orders and at another unit's products.
    let welcome: Vec<(String, String, i32)> = sqlx::query_as(
        "SELECT c.email, p.sku, i.quantity FROM order_items i
         JOIN orders o ON o.id = i.order_id JOIN customers c ON c.id = o.customer_id
         JOIN products p ON p.id = i.product_id
         WHERE o.id IN (SELECT key::bigint FROM seedbed.ledger_rows
                        WHERE unit = 'welcome_orders' AND table_name = 'orders')
         ORDER BY c.email, p.sku",
    )
    .fetch_all(&pool)
    .await?;
    let welcome: Vec<(&str, &str, i32)> = welcome
        .iter()
        .map(|(c, p, q)| (c.as_str(), p.as_str(), *q))
        .collect();
    assert_eq!(
        welcome,
        [
            ("alice@example.com", "CB-004", 2),
            ("alice@example.com", "KB-001", 1),
            ("bob@example.com", "KB-001", 1),
        ]
    );

    // The repeat orders are Bob's, recorded as `#0` to `#4`.
    let bob = key_of(&pool, "customers", "customers", "bob").await?;
    let repeat: Vec<i64> = sqlx::query_scalar(
        "SELECT o.customer_id FROM orders o JOIN seedbed.ledger_rows l
           ON l.unit = 'busy_week' AND l.table_name = 'orders' AND l.key = o.id::text
         WHERE l.label LIKE '#%' ORDER BY l.label",
    )
    .fetch_all(&pool)
    .await?;
    assert_eq!(repeat, [bob; 5]);
    Ok(())
}

#[seedbed::test]
async fn reapplying_keeps_every_key_and_a_changed_unit_keeps_those_of_its_rows(
    pool: PgPool,
) -> anyhow::Result<()> {
    let before = ledger_keys(&pool).await?;
    assert_eq!(before.len(), 2 + 4 + 2 + 2 + 5);

    // The same definitions: nothing written, nothing drawn.
    let again = apply(&pool, Context::default()).await?;
    assert!(
        again.iter().all(|(_, o)| *o == Outcome::Unchanged),
        "{again:?}"
    );
    assert_eq!(ledger_keys(&pool).await?, before);

    // Another clock changes every unit but the products (static units are upserted, the
    // scenario streamed again); three more repeat orders.
    let outcomes = apply(&pool, context("2030-06-01T00:00:00Z", 8)).await?;
    let outcome = |unit: &str| outcomes.iter().find(|(u, _)| u == unit).map(|(_, o)| *o);
    assert_eq!(outcome("products"), Some(Outcome::Unchanged));
    assert_eq!(outcome("customers"), Some(Outcome::Updated));
    assert_eq!(outcome("welcome_orders"), Some(Outcome::Updated));
    assert_eq!(outcome("busy_week"), Some(Outcome::Updated));
    let grown = ledger_keys(&pool).await?;
    for (row, key) in &before {
        assert_eq!(grown.get(row), Some(key), "the key of {row:?} changed");
    }
    let added: Vec<&String> = grown
        .keys()
        .filter(|row| !before.contains_key(*row))
        .map(|(_, _, label)| label)
        .collect();
    assert_eq!(added, ["#5", "#6", "#7"]);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM orders").await?,
        2 + 2 + 8
    );
    let alice = key_of(&pool, "customers", "customers", "alice").await?;
    let created: seedbed::chrono::DateTime<seedbed::chrono::Utc> =
        sqlx::query_scalar("SELECT created_at FROM customers WHERE id = $1")
            .bind(alice)
            .fetch_one(&pool)
            .await?;
    let clock = context("2030-06-01T00:00:00Z", 0).clock;
    assert_eq!(
        Some(created),
        clock.checked_sub_days(seedbed::chrono::Days::new(400))
    );

    // Fewer repeat orders: the last ones go, the rest keep their keys.
    apply(&pool, context("2030-06-01T00:00:00Z", 3)).await?;
    let shrunk = ledger_keys(&pool).await?;
    assert_eq!(shrunk.len(), before.len() - 2);
    for (row, key) in &shrunk {
        assert_eq!(grown.get(row), Some(key), "the key of {row:?} changed");
    }
    assert_eq!(
        count(&pool, "SELECT count(*) FROM orders").await?,
        2 + 2 + 3
    );
    // Nothing points at rows that are gone.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM order_items i WHERE NOT EXISTS
               (SELECT FROM orders o WHERE o.id = i.order_id)"
        )
        .await?,
        0
    );
    Ok(())
}

#[seedbed::test]
async fn cleanup_removes_exactly_the_seeded_rows(pool: PgPool) -> anyhow::Result<()> {
    // Other data, with keys from the same sequences.
    let other: i64 = sqlx::query_scalar(
        "INSERT INTO customers (email, name) VALUES ('carol@example.com', 'Carol') RETURNING id",
    )
    .fetch_one(&pool)
    .await?;
    sqlx::query("INSERT INTO products (sku, name, price_cents) VALUES ('OT-999', 'Other', 1)")
        .execute(&pool)
        .await?;
    sqlx::query("INSERT INTO orders (customer_id) VALUES ($1)")
        .bind(other)
        .execute(&pool)
        .await?;

    let registry = Registry::discover()?;
    let options = RunOptions::new("test")?;
    let report = run::cleanup(&pool, &registry, None, false, &options).await?;
    assert!(report.cascaded.is_empty());
    assert_eq!(
        count(&pool, "SELECT count(*) FROM seedbed.ledger_rows").await?,
        0
    );
    let left: Vec<String> = sqlx::query_scalar(
        "SELECT email FROM customers UNION ALL SELECT sku FROM products
         UNION ALL SELECT customer_id::text FROM orders",
    )
    .fetch_all(&pool)
    .await?;
    assert_eq!(left, ["carol@example.com", "OT-999", &other.to_string()]);
    assert_eq!(count(&pool, "SELECT count(*) FROM order_items").await?, 0);

    // Seeding again draws new keys: the rows are new.
    apply(&pool, Context::default()).await?;
    assert_eq!(count(&pool, "SELECT count(*) FROM customers").await?, 3);
    assert_eq!(count(&pool, "SELECT count(*) FROM order_items").await?, 8);
    Ok(())
}

#[seedbed::test]
async fn a_reference_to_a_row_missing_from_the_ledger_is_an_error(
    pool: PgPool,
) -> anyhow::Result<()> {
    // The ledger forgets who Alice is; the scenario, applied again, cannot find her.
    sqlx::query(
        "UPDATE seedbed.ledger_rows SET label = NULL
         WHERE unit = 'customers' AND table_name = 'customers' AND label = 'alice'",
    )
    .execute(&pool)
    .await?;
    let orders = count(&pool, "SELECT count(*) FROM orders").await?;
    // Only the scenario changes (more repeat orders).
    let mut changed = Context::default();
    changed.scale.insert("orders".to_owned(), 6);
    let error = apply(&pool, changed).await.expect_err("alice is unknown");
    let message = error.to_string();
    // `customers` is unchanged and its rows are as committed: skipped. The scenario, written
    // again, refers to her and names the row the ledger cannot find.
    assert!(
        message.contains("unit `busy_week`, table `orders`")
            && message.contains("the row `customers::alice` of unit `customers`"),
        "{message}"
    );
    // Nothing of the failed unit was written.
    assert_eq!(count(&pool, "SELECT count(*) FROM orders").await?, orders);
    Ok(())
}

#[seedbed::test]
async fn status_counts_rows_by_their_generated_keys_as_the_run_then_writes_them(
    pool: PgPool,
) -> anyhow::Result<()> {
    let registry = Registry::discover()?;
    let mut options = RunOptions::new("test")?;
    options.context = context("2030-06-01T00:00:00Z", 5);
    let statuses = run::status(&pool, &registry, &options).await?;
    let planned = |unit: &str| -> Vec<(String, u64, u64, u64)> {
        let status = statuses.iter().find(|s| s.unit == unit).unwrap();
        let mut changes: Vec<_> = status
            .changes
            .iter()
            .flatten()
            .map(|c| (c.table.clone(), c.new, c.kept, c.gone))
            .collect();
        changes.sort();
        changes
    };
    // Customers are matched by label, order items by keys that are references to rows whose
    // keys the database generated: every row is kept.
    assert_eq!(planned("customers"), [("customers".into(), 0, 2, 0)]);
    assert_eq!(
        planned("welcome_orders"),
        [("order_items".into(), 0, 3, 0), ("orders".into(), 0, 2, 0)]
    );

    let units = registry.select(None, "test")?;
    let mut compared = Vec::new();
    for report in run::apply(&pool, &units, &options).await? {
        if report.outcome == Outcome::Unchanged || report.unit == "busy_week" {
            continue;
        }
        compared.push(report.unit.clone());
        let mut done: Vec<_> = report
            .tables
            .iter()
            .map(|t| {
                (
                    t.table.clone(),
                    t.inserted,
                    t.updated + t.unchanged,
                    t.deleted,
                )
            })
            .collect();
        done.sort();
        assert_eq!(done, planned(&report.unit), "unit {}", report.unit);
    }
    assert_eq!(compared, ["customers", "welcome_orders"]);
    Ok(())
}
