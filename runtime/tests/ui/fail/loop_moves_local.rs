//! A loop takes the local data it walks, as a `move` closure does: a second loop over the
//! same local is rustc's "use of moved value", on the user's code.

#[seedbed::scenario]
fn members() -> seedbed::Seed {
    let emails = vec!["ana@festivalscout.test".to_owned()];
    seedbed::seed! {
        users {
            for email in emails.iter() {
                _ { email: email, display_name: "Ana", password_hash: "x" }
            }
        }
        organizers {
            for email in emails.iter() {
                _ { name: "Ana's", slug: "anas", contact_email: Some(email.as_str()) }
            }
        }
    }
}

fn main() {}
