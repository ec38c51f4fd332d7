//! A label that does not exist, inside an expression: the same suggestion as a bare one.

fn pick<T>(row: T, _weight: u8) -> T {
    row
}

seedbed::seed! {
    set places;

    users {
        bob { email: "bob@festivalscout.test", display_name: "Bob", password_hash: "x" }
    }
    organizers {
        // A bare label: the suggestion all the others get too.
        bobs { name: "Bob's", slug: "bobs", owner_user_id: users::bobb }
        _ { name: "Bob's too", slug: "bobs-too", owner_user_id: Some(users::bobb) }
        _ { name: "Bob's three", slug: "bobs-three", owner_user_id: pick(users::bobb, 2) }
    }
    user_teacher_follows {
        for user in [users::bobb] {
            _ { user_id: user, teacher_id: seedbed::uuid::Uuid::nil() }
        }
    }
}

fn main() {}
