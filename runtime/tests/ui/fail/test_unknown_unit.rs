seedbed::seed! {
    set places;

    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
    }
}

#[seedbed::test(units = [place])]
async fn tanzhaus_is_there(pool: sqlx::PgPool) {
    let _ = pool;
}

fn main() {}
