//! `high_engagement`: saves, attendances and reviews of one event.

use seedbed::uuid::Uuid;
use seedbed::{days_ago, days_from_now, scenario, seed};

use crate::DEV_PASSWORD_HASH;
use crate::base::users as base_users;
use crate::base::{dance_styles, musicians, organizers, teachers, venues};

/// A dancer who went (or meant to go) to the weekend: their attendance status, whether they
/// saved the event, and their review, if any.
struct Reviewer {
    name: &'static str,
    email: &'static str,
    city: &'static str,
    country: &'static str,
    attendance: &'static str,
    saved: bool,
}

const fn r(
    name: &'static str,
    email: &'static str,
    city: &'static str,
    country: &'static str,
    attendance: &'static str,
    saved: bool,
) -> Reviewer {
    Reviewer {
        name,
        email,
        city,
        country,
        attendance,
        saved,
    }
}

/// Twenty dancers from across Europe; their accounts are generated in a loop.
#[rustfmt::skip]
const REVIEWERS: [Reviewer; 20] = [
    r("Inês Carvalho", "ines.carvalho", "Lisboa", "PT", "attended", true),
    r("Duarte Santos", "duarte.santos", "Porto", "PT", "attended", true),
    r("Chloé Bernard", "chloe.bernard", "Lyon", "FR", "attended", true),
    r("Kwame Mensah", "kwame.mensah", "London", "GB", "attended", true),
    r("Elena Rossi", "elena.rossi", "Milano", "IT", "attended", false),
    r("Miguel Ángel Ruiz", "miguel.ruiz", "Sevilla", "ES", "attended", true),
    r("Katarzyna Nowak", "katarzyna.nowak", "Warszawa", "PL", "attended", true),
    r("Lukas Schneider", "lukas.schneider", "München", "DE", "attended", true),
    r("Amélia Domingos", "amelia.domingos", "Lisboa", "PT", "attended", true),
    r("Sanne de Vries", "sanne.devries", "Utrecht", "NL", "attended", false),
    r("João Pereira", "joao.pereira", "Coimbra", "PT", "attended", true),
    r("Fatou Diallo", "fatou.diallo", "Bruxelles", "BE", "attended", true),
    r("Nikos Papadopoulos", "nikos.papadopoulos", "Athína", "GR", "cancelled", true),
    r("Hanna Lindqvist", "hanna.lindqvist", "Göteborg", "SE", "cancelled", false),
    r("Tiago Almeida", "tiago.almeida", "Faro", "PT", "cancelled", true),
    r("Laura Fischer", "laura.fischer", "Wien", "AT", "waitlisted", true),
    r("Pedro Sousa", "pedro.sousa", "Braga", "PT", "waitlisted", true),
    r("Aoife Murphy", "aoife.murphy", "Dublin", "IE", "interested", true),
    r("Mateo Fernández", "mateo.fernandez", "Valencia", "ES", "interested", false),
    r("Zofia Kowalska", "zofia.kowalska", "Kraków", "PL", "going", true),
];

/// Reviews: (reviewer index, rating, title, text, organizer's reply).
#[rustfmt::skip]
const REVIEWS: [(usize, i16, &str, &str, Option<&str>); 14] = [
    (0, 5, "Best kizomba weekend of my year", "Ana's follower technique class changed how I listen to semba. The Saturday social went on until sunrise.", None),
    (1, 5, "Perfect size, perfect vibe", "Small enough to dance with everyone, big enough to meet dancers from ten countries.", None),
    (2, 4, "Great classes, hot room", "Excellent teaching and DJs; the main studio got very warm on Saturday afternoon.", Some("Thank you! We are adding two more fans for the next edition.")),
    (3, 5, "DJ Nuno is a magician", "Three nights of perfect kizomba and semba sets, never a bad song.", None),
    (4, 3, "Good but crowded", "The music was lovely, but the floor was too full on Friday to dance comfortably.", Some("Sorry about Friday: we will cap the night passes next time.")),
    (5, 4, "Worth the trip from Sevilla", "Clear, patient teachers and a very welcoming community.", None),
    (6, 2, "Disorganized schedule", "Two workshops changed rooms without notice and I missed half of the urban kiz class.", Some("You are right, and we are sorry. Room changes will be announced in the app from now on.")),
    (7, 5, "Wunderbar", "Beautiful venue, rooftop socials over the river, and kind people everywhere.", None),
    (8, 4, "Lovely semba bootcamp", "Playful and technical at the same time. I would have liked one more advanced level.", None),
    (9, 1, "Not for beginners", "The beginner track was advertised but cancelled on the day; no refund offered for the classes.", Some("We refunded the beginner track to everyone who wrote to us: please check your email.")),
    (10, 5, "Obrigado!", "The best organised festival in Lisbon; every detail was thought through.", None),
    (11, 4, "Fantastic musicality class", "The musicality workshop alone was worth the pass.", None),
    (12, 3, "Mixed feelings", "Had to cancel after the first day, but what I saw was good.", None),
    (17, 2, "Too expensive for what it was", "I only went to one party and the night pass price felt high for a four-hour social.", None),
];

/// The key of the `i`-th generated dancer (the `i`-th anonymous row of `users` in this
/// scenario), so other rows of the scenario can point at it.
fn reviewer(i: usize) -> Uuid {
    seedbed::generated_id("users", i as u64)
}

/// A completed kizomba weekend with 20 generated dancers: attendances in five statuses, many
/// saves, and reviews rated 1 to 5, some answered by the organizer.
#[scenario(depends_on = [base])]
pub fn high_engagement() -> seedbed::Seed {
    seed! {
        events {
            lisboa_kizomba_spring_weekend {
                organizer_id: organizers::kizomba_lisboa,
                venue_id: venues::casa_do_baile_lisboa,
                slug: "lisboa-kizomba-spring-weekend",
                title: "Lisboa Kizomba Spring Weekend",
                summary: "Kizomba and semba workshops with Ana Ferreira and three nights of socials with DJ Nuno LX.",
                status: "completed",
                starts_at: days_from_now(-21).at(17, 0),
                ends_at: days_from_now(-19).at(23, 0),
                timezone: "Europe/Lisbon",
                capacity: 250,
                registration_opens_at: days_ago(120),
                registration_deadline: days_from_now(-22).at(22, 0),
                view_count: 6240,
                published_at: days_ago(120),
            }
        }

        event_dance_styles {
            _ { event_id: events::lisboa_kizomba_spring_weekend, dance_style_id: dance_styles::kizomba, is_primary: true }
            _ { event_id: events::lisboa_kizomba_spring_weekend, dance_style_id: dance_styles::semba }
        }

        event_teachers {
            _ { event_id: events::lisboa_kizomba_spring_weekend, teacher_id: teachers::ana_ferreira, is_headliner: true, sort_order: 1 }
        }

        event_musicians {
            _ { event_id: events::lisboa_kizomba_spring_weekend, musician_id: musicians::dj_nuno_lx, is_headliner: true, sort_order: 1 }
        }

        pricing_tiers {
            full_pass {
                event_id: events::lisboa_kizomba_spring_weekend,
                name: "Full Pass",
                price: 95.00, currency: "EUR", quantity: 200, sold: 184,
                sales_start: days_ago(120), sales_end: days_from_now(-22).at(22, 0),
            }
        }

        users {
            for (i, dancer) in REVIEWERS.iter().enumerate() {
                _ {
                    email: format!("{}@festivalscout.test", dancer.email),
                    display_name: dancer.name,
                    password_hash: DEV_PASSWORD_HASH,
                    home_city: dancer.city,
                    home_country: dancer.country,
                    email_verified_at: days_ago(200 - 7 * i as u64),
                }
            }
        }

        event_attendances {
            for (i, dancer) in REVIEWERS.iter().enumerate() {
                _ {
                    user_id: reviewer(i),
                    event_id: events::lisboa_kizomba_spring_weekend,
                    pricing_tier_id: (dancer.attendance == "attended").then_some(high_engagement::pricing_tiers::full_pass),
                    status: dancer.attendance,
                    checked_in_at: (dancer.attendance == "attended").then(|| days_from_now(-21).at(17, 30 + i as u32)),
                }
            }
        }

        event_saves {
            for (i, _) in REVIEWERS.iter().enumerate().filter(|(_, dancer)| dancer.saved) {
                _ { user_id: reviewer(i), event_id: events::lisboa_kizomba_spring_weekend }
            }
            _ { user_id: base_users::maria_lopez, event_id: events::lisboa_kizomba_spring_weekend }
            _ { user_id: base_users::jonas_weber, event_id: events::lisboa_kizomba_spring_weekend }
            _ { user_id: base_users::sophie_martin, event_id: events::lisboa_kizomba_spring_weekend }
        }

        reviews {
            for (who, rating, title, body, reply) in REVIEWS {
                _ {
                    user_id: reviewer(who),
                    event_id: events::lisboa_kizomba_spring_weekend,
                    rating: rating,
                    title: title,
                    body: body,
                    is_verified_attendee: REVIEWERS[who].attendance == "attended",
                    organizer_reply: reply,
                    organizer_replied_at: reply.map(|_| days_from_now(-15).at(10, 0)),
                }
            }
        }
    }
}
