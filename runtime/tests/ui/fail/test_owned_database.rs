#[seedbed::test]
async fn takes_the_handle(db: seedbed::testing::TestDatabase) {
    let _ = db;
}

fn main() {}
