#[seedbed::test(clock = "2026-13-01")]
async fn in_the_thirteenth_month(pool: sqlx::PgPool) {
    let _ = pool;
}

fn main() {}
