//! A `#[scenario]` with several tables, labels, a doc comment and two `seed!` blocks.

mod base {
    seedbed::seed! {
        set base;

        teachers {
            alma { name: "Alma", slug: "alma" }
            bo { name: "Bo", slug: "bo" }
        }
    }
}

/// A user who follows every teacher.
///
/// Used by the follow-feed tests.
#[seedbed::scenario(depends_on = [base], env = [development, test])]
fn power_user() -> seedbed::Seed {
    let reviews = seedbed::scale("reviews", 2);
    let people = seedbed::seed! {
        users {
            paula { email: "paula.power@festivalscout.test", display_name: "Paula Power", password_hash: "x" }
        }
        user_teacher_follows {
            for &teacher in crate::base::teachers::ALL {
                _ { user_id: users::paula, teacher_id: teacher }
            }
        }
    };
    let notes = seedbed::seed! {
        notifications {
            for i in 0..reviews {
                // The scenario's labels live in a module named after it.
                _ { user_id: power_user::users::paula, kind: "system", title: format!("Note {i}") }
            }
        }
    };
    people.merge(notes)
}

fn main() {
    let registry = seedbed::select::Registry::discover().unwrap();
    let unit = registry.get("power_user").unwrap();
    assert_eq!(unit.kind, seedbed::UnitKind::Scenario);
    assert_eq!(
        unit.description,
        "A user who follows every teacher.\n\nUsed by the follow-feed tests."
    );
    assert_eq!(unit.environments(), ["development", "test"]);
    assert_eq!(unit.dependencies(), ["base"]);
    assert_eq!(power_user::users::ALL.len(), 1);
    let rows: usize = power_user()
        .tables
        .into_iter()
        .map(|t| t.rows.count())
        .sum();
    assert_eq!(rows, 1 + 2 + 2);
}
