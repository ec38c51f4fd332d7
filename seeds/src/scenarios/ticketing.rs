//! `complex_event`: pricing tiers, capacity and registration deadlines.

use seedbed::{days_ago, days_from_now, scenario, seed};

use crate::DEV_PASSWORD_HASH;
use crate::base::users as base_users;
use crate::base::{organizers, venues};

/// A sold-out congress: three pricing tiers (early bird, regular, VIP) whose tickets sold add up
/// to the event's capacity, the early bird sold out and its sales closed, the other tiers and
/// the registration still open for a few weeks; paid orders, one with a promo code, and a
/// waitlisted dancer.
#[scenario(depends_on = [base])]
pub fn complex_event() -> seedbed::Seed {
    seed! {
        events {
            madrid_salsa_congress {
                organizer_id: organizers::baila_madrid,
                venue_id: venues::sala_ritmo_madrid,
                slug: "madrid-salsa-congress",
                title: "Madrid Salsa Congress",
                summary: "Sold out: 300 dancers, three days of On1, On2 and Cuban salsa with live timba on Saturday.",
                description: "Capacity is limited to 300 by the workshop rooms. Early bird passes sold out in a week; join the waitlist for returns.",
                status: "published",
                starts_at: days_from_now(30).at(15, 0),
                ends_at: days_from_now(33).at(2, 0),
                timezone: "Europe/Madrid",
                capacity: 300,
                registration_opens_at: days_ago(120),
                registration_deadline: days_from_now(25).at(21, 59),
                view_count: 5412,
                published_at: days_ago(120),
                is_featured: true,
            }
        }

        event_dance_styles {
            _ { event_id: events::madrid_salsa_congress, dance_style_id: crate::base::dance_styles::salsa, is_primary: true }
            _ { event_id: events::madrid_salsa_congress, dance_style_id: crate::base::dance_styles::salsa_on1 }
            _ { event_id: events::madrid_salsa_congress, dance_style_id: crate::base::dance_styles::salsa_on2 }
            _ { event_id: events::madrid_salsa_congress, dance_style_id: crate::base::dance_styles::cuban_salsa }
        }

        event_teachers {
            _ { event_id: events::madrid_salsa_congress, teacher_id: crate::base::teachers::carlos_mendez, is_headliner: true, sort_order: 1 }
            _ { event_id: events::madrid_salsa_congress, teacher_id: crate::base::teachers::marco_bellini, sort_order: 2 }
        }

        event_musicians {
            _ { event_id: events::madrid_salsa_congress, musician_id: crate::base::musicians::orquesta_la_moderna, is_headliner: true, sort_order: 1 }
        }

        pricing_tiers {
            early_bird {
                event_id: events::madrid_salsa_congress,
                name: "Early Bird Full Pass",
                description: "All workshops, shows and parties, for the first hundred dancers.",
                price: 89.00, currency: "EUR",
                quantity: 100, sold: 100,
                sales_start: days_ago(120), sales_end: days_ago(90),
                sort_order: 1,
            }
            regular {
                event_id: events::madrid_salsa_congress,
                name: "Full Pass",
                description: "All workshops, shows and parties.",
                price: 129.00, currency: "EUR",
                quantity: 250, sold: 165,
                sales_start: days_ago(90), sales_end: days_from_now(25).at(21, 59),
                sort_order: 2,
            }
            vip {
                event_id: events::madrid_salsa_congress,
                name: "VIP Full Pass",
                description: "Full pass with front-row seats at the shows, two private classes and the artists' dinner.",
                price: 249.00, currency: "EUR",
                quantity: 40, sold: 35,
                sales_start: days_ago(120), sales_end: days_from_now(25).at(21, 59),
                sort_order: 3,
            }
        }

        promo_codes {
            amigos15 {
                event_id: events::madrid_salsa_congress,
                code: "AMIGOS15",
                description: "15% off the full pass for members of Madrid's salsa schools.",
                discount_percent: 15,
                max_redemptions: 50,
                redeemed_count: 50,
                valid_from: days_ago(90),
                valid_until: days_ago(10),
            }
            teachers20 {
                event_id: events::madrid_salsa_congress,
                code: "PROFES20",
                description: "20 EUR off for dance teachers.",
                discount_amount: 20.00,
                currency: "EUR",
                max_redemptions: 30,
                redeemed_count: 7,
                valid_from: days_ago(90),
                valid_until: days_from_now(25).at(21, 59),
            }
        }

        users {
            tomas_garcia {
                email: "tomas.garcia@festivalscout.test",
                display_name: "Tomás García",
                password_hash: DEV_PASSWORD_HASH,
                home_city: "Valencia",
                home_country: "ES",
                locale: "es",
            }
        }

        ticket_orders {
            _ {
                user_id: base_users::maria_lopez,
                pricing_tier_id: pricing_tiers::early_bird,
                reference: "MSC-EB-000047",
                status: "paid",
                unit_price: 89.00, total_amount: 89.00, currency: "EUR",
                paid_at: days_ago(118),
            }
            _ {
                user_id: base_users::jonas_weber,
                pricing_tier_id: pricing_tiers::regular,
                promo_code_id: promo_codes::amigos15,
                reference: "MSC-FP-000212",
                status: "paid",
                quantity: 2,
                unit_price: 129.00, discount_amount: 38.70, total_amount: 219.30, currency: "EUR",
                paid_at: days_ago(40),
            }
            _ {
                user_id: base_users::sophie_martin,
                pricing_tier_id: pricing_tiers::vip,
                reference: "MSC-VIP-000031",
                status: "paid",
                unit_price: 249.00, total_amount: 249.00, currency: "EUR",
                paid_at: days_ago(12),
            }
        }

        event_attendances {
            _ { user_id: base_users::maria_lopez, event_id: events::madrid_salsa_congress, pricing_tier_id: pricing_tiers::early_bird, status: "going" }
            _ { user_id: base_users::jonas_weber, event_id: events::madrid_salsa_congress, pricing_tier_id: pricing_tiers::regular, status: "going" }
            _ { user_id: base_users::sophie_martin, event_id: events::madrid_salsa_congress, pricing_tier_id: pricing_tiers::vip, status: "going" }
            _ { user_id: users::tomas_garcia, event_id: events::madrid_salsa_congress, status: "waitlisted" }
        }
    }
}
