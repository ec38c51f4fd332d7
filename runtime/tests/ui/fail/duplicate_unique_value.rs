seedbed::seed! {
    set accounts;

    users {
        paula { email: "paula@festivalscout.test", display_name: "Paula", password_hash: "x" }
        pablo { email: "paula@festivalscout.test", display_name: "Pablo", password_hash: "x" }
    }
}

fn main() {}
