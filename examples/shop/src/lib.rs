//! A shop seeded with seedbed, where the database generates every key: customers (an identity
//! column, `GENERATED ALWAYS`), products (a `serial`), orders (an identity, `BY DEFAULT`) and
//! their items (a composite key of two generated keys).
//!
//! Labelled rows of such tables get their keys from the column's sequence when first applied
//! and keep them afterwards (the ledger records them per label); `customers::alice` is a
//! reference seedbed resolves to that key when the rows are written.
//!
//! - `products` and `customers` are seed sets; `welcome_orders` references both.
//! - `busy_week` is a scenario: labelled orders of customers of another unit, their items
//!   (one per product, from a loop over `products::ALL`), and `seedbed::scale("orders", 5)`
//!   anonymous orders, streamed with COPY.

use seedbed::{Seed, days_ago, scenario, seed};

/// The shop's migrations, embedded for the runner.
pub static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();

seed! {
    /// The catalogue.
    set products;

    products {
        keyboard { sku: "KB-001", name: "Mechanical keyboard", price_cents: 8900 }
        mouse { sku: "MS-002", name: "Wireless mouse", price_cents: 2900 }
        monitor { sku: "MN-003", name: "27\" monitor", price_cents: 27900 }
        cable { sku: "CB-004", name: "USB-C cable", price_cents: 900 }
    }
}

seed! {
    /// Two customers.
    set customers;

    customers {
        alice { email: "alice@example.com", name: "Alice Example", created_at: days_ago(400) }
        bob { email: "bob@example.com", name: "Bob Example", created_at: days_ago(30) }
    }
}

seed! {
    /// Every customer's first order: a keyboard and a cable.
    set welcome_orders(depends_on = [customers, products]);

    orders {
        alice_welcome { customer_id: customers::alice, status: "delivered", placed_at: days_ago(300) }
        bob_welcome { customer_id: customers::bob, status: "shipped", placed_at: days_ago(20) }
    }
    order_items {
        _ { order_id: orders::alice_welcome, product_id: products::keyboard, quantity: 1 }
        _ { order_id: orders::alice_welcome, product_id: products::cable, quantity: 2 }
        _ { order_id: orders::bob_welcome, product_id: products::keyboard, quantity: 1 }
    }
}

/// A busy week: Alice fills a cart and buys one of everything, Bob orders again and again.
#[scenario(depends_on = [customers, products])]
fn busy_week() -> Seed {
    let repeat_orders = seedbed::scale("orders", 5);
    seed! {
        orders {
            alice_cart { customer_id: customers::alice, status: "cart" }
            alice_big { customer_id: customers::alice, status: "placed", placed_at: days_ago(2) }
            for day in 0..repeat_orders {
                _ { customer_id: customers::bob, status: "placed", placed_at: days_ago(day) }
            }
        }
        order_items {
            _ { order_id: orders::alice_cart, product_id: products::mouse, quantity: 1 }
            for product in products::ALL {
                _ { order_id: orders::alice_big, product_id: product, quantity: 2 }
            }
        }
    }
}
