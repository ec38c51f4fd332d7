//! `event_lifecycle`: one event in each status, with dates that fit it.

use seedbed::{days_ago, days_from_now, scenario, seed};

use crate::base::{dance_styles, organizers, venues};

/// Five events, one per status: a draft still being planned (no publication date), a published
/// event ahead, one cancelled a few days ago (with its reason), one completed last month and one
/// archived more than a year ago.
#[scenario(depends_on = [base])]
pub fn event_lifecycle() -> seedbed::Seed {
    seed! {
        events {
            draft_bachata_sunset {
                organizer_id: organizers::baila_madrid,
                venue_id: venues::sala_ritmo_madrid,
                slug: "madrid-bachata-sunset-party",
                title: "Madrid Bachata Sunset Party",
                summary: "Draft: line-up and prices still being negotiated.",
                status: "draft",
                starts_at: days_from_now(150).at(17, 0),
                ends_at: days_from_now(151).at(1, 0),
                timezone: "Europe/Madrid",
                capacity: 500,
            }
            published_lindy_exchange {
                organizer_id: organizers::ritmo_berlin,
                venue_id: venues::tanzhaus_berlin,
                slug: "berlin-lindy-exchange",
                title: "Berlin Lindy Exchange",
                summary: "Four nights of social dancing to live swing bands across Berlin; no classes, all dancing.",
                status: "published",
                starts_at: days_from_now(60).at(18, 0),
                ends_at: days_from_now(64).at(2, 0),
                timezone: "Europe/Berlin",
                capacity: 350,
                registration_opens_at: days_ago(20),
                registration_deadline: days_from_now(55).at(21, 59),
                published_at: days_ago(20),
            }
            cancelled_semba_night {
                organizer_id: organizers::kizomba_lisboa,
                venue_id: venues::casa_do_baile_lisboa,
                slug: "lisboa-semba-night",
                title: "Lisboa Semba Night",
                summary: "A night of old-school semba with a live band from Luanda.",
                status: "cancelled",
                starts_at: days_from_now(10).at(20, 0),
                ends_at: days_from_now(11).at(3, 0),
                timezone: "Europe/Lisbon",
                capacity: 200,
                registration_opens_at: days_ago(45),
                registration_deadline: days_from_now(9).at(22, 0),
                published_at: days_ago(45),
                cancelled_at: days_ago(2),
                cancellation_reason: "The band's visas were not issued in time; tickets are refunded automatically.",
            }
            completed_bachata_weekend {
                organizer_id: organizers::riviera_latin_events,
                venue_id: venues::centro_congressi_rimini,
                slug: "rimini-spring-bachata-weekend",
                title: "Rimini Spring Bachata Weekend",
                summary: "Sensual and Dominican bachata by the sea, to open the season.",
                status: "completed",
                starts_at: days_from_now(-60).at(14, 0),
                ends_at: days_from_now(-58).at(22, 0),
                timezone: "Europe/Rome",
                capacity: 1200,
                registration_opens_at: days_ago(180),
                registration_deadline: days_from_now(-61).at(21, 59),
                published_at: days_ago(180),
                view_count: 4107,
            }
            archived_balboa_weekend {
                organizer_id: organizers::paris_swing_connection,
                venue_id: venues::pavillon_swing_paris,
                slug: "paris-balboa-weekend",
                title: "Paris Balboa Weekend",
                summary: "Balboa and bal-swing workshops with live big band nights.",
                status: "archived",
                starts_at: days_from_now(-500).at(16, 0),
                ends_at: days_from_now(-498).at(22, 0),
                timezone: "Europe/Paris",
                capacity: 250,
                registration_opens_at: days_ago(620),
                registration_deadline: days_from_now(-502).at(21, 59),
                published_at: days_ago(620),
                view_count: 1290,
            }
        }

        event_dance_styles {
            _ { event_id: events::draft_bachata_sunset, dance_style_id: dance_styles::bachata, is_primary: true }
            _ { event_id: events::published_lindy_exchange, dance_style_id: dance_styles::lindy_hop, is_primary: true }
            _ { event_id: events::cancelled_semba_night, dance_style_id: dance_styles::semba, is_primary: true }
            _ { event_id: events::completed_bachata_weekend, dance_style_id: dance_styles::bachata, is_primary: true }
            _ { event_id: events::completed_bachata_weekend, dance_style_id: dance_styles::sensual_bachata }
            _ { event_id: events::archived_balboa_weekend, dance_style_id: dance_styles::balboa, is_primary: true }
        }

        pricing_tiers {
            _ {
                event_id: events::draft_bachata_sunset, name: "Party Pass",
                price: 35.00, currency: "EUR", quantity: 500, is_active: false,
            }
            _ {
                event_id: events::published_lindy_exchange, name: "Exchange Pass",
                price: 95.00, currency: "EUR", quantity: 350, sold: 122,
                sales_start: days_ago(20), sales_end: days_from_now(55).at(21, 59),
            }
            _ {
                event_id: events::cancelled_semba_night, name: "Night Ticket",
                price: 25.00, currency: "EUR", quantity: 200, sold: 57,
                sales_start: days_ago(45), sales_end: days_ago(2), is_active: false,
            }
            _ {
                event_id: events::completed_bachata_weekend, name: "Full Pass",
                price: 120.00, currency: "EUR", quantity: 1100, sold: 1034,
                sales_start: days_ago(180), sales_end: days_from_now(-61).at(21, 59),
            }
            _ {
                event_id: events::archived_balboa_weekend, name: "Full Pass",
                price: 110.00, currency: "EUR", quantity: 250, sold: 238,
                sales_start: days_ago(620), sales_end: days_from_now(-502).at(21, 59),
            }
        }
    }
}
