//! `#[seedbed::test]` with each argument type, every option, and both return types.

use seedbed::testing::TestDatabase;
use sqlx::{PgConnection, PgPool};

seedbed::seed! {
    set places;

    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
    }
}

#[seedbed::test(units = [places], clock = "2026-05-01", scale = [events = 3], random_seed = 7)]
async fn with_a_pool(pool: PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(&pool).await.map(drop)
}

#[seedbed::test(migrations = seedbed::migrations!())]
async fn with_a_connection_and_the_handle(mut conn: PgConnection, db: &TestDatabase) {
    let _ = (&mut conn, db.name());
}

#[seedbed::test(units = [places], read_only)]
async fn read_only(pool: PgPool) {
    let _ = pool;
}

#[seedbed::test(rollback)]
#[ignore = "an attribute of the test stays on it"]
async fn rolled_back(conn: PgConnection) {
    let _ = conn;
}

fn main() {}
