#[seedbed::test(rollback)]
async fn writes_and_forgets(pool: sqlx::PgPool) {
    let _ = pool;
}

fn main() {}
