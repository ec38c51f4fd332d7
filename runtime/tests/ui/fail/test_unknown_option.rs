#[seedbed::test(unit = [places])]
async fn tanzhaus_is_there(pool: sqlx::PgPool) {
    let _ = pool;
}

fn main() {}
