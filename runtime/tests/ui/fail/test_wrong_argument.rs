#[seedbed::test]
async fn takes_a_url(url: String) {
    let _ = url;
}

fn main() {}
