//! Loops over data a scenario borrows from its own locals (`people.iter()`), with values
//! borrowed from the items (`&p.name`, `p.city`): the rows stream after the function returned.

struct Person {
    name: String,
    email: String,
    city: &'static str,
}

/// Members read from a local list.
#[seedbed::scenario]
fn members() -> seedbed::Seed {
    let people = vec![
        Person { name: "Ana".into(), email: "ana@festivalscout.test".into(), city: "Porto" },
        Person { name: "Bo".into(), email: "bo@festivalscout.test".into(), city: "Gent" },
    ];
    let suffix = String::from(" (member)");
    seedbed::seed! {
        users {
            for (i, p) in people.iter().enumerate() {
                _ {
                    email: &p.email,
                    display_name: format!("{}{suffix}", p.name),
                    password_hash: "x",
                    home_city: p.city,
                    created_at: seedbed::days_ago(i),
                }
            }
        }
    }
}

fn main() {
    let seed = members();
    let rows: Vec<seedbed::plan::Row> = seed.tables.into_iter().flat_map(|t| t.rows).collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[1].values.contains(&seedbed::Value::Text("Bo (member)".into())));
    assert!(rows[0].values.contains(&seedbed::Value::Text("ana@festivalscout.test".into())));
}
