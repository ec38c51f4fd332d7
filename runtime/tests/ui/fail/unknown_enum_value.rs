seedbed::seed! {
    set accounts;

    users {
        paula {
            email: "paula@festivalscout.test",
            display_name: "Paula",
            password_hash: "x",
            role: "moderator",
        }
    }
}

fn main() {}
