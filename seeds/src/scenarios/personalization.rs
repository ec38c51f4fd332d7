//! `power_user`: personalization and recommendations.

use seedbed::{days_ago, scenario, seed};

use crate::DEV_PASSWORD_HASH;

/// A power user who follows every teacher and every musician, dances many styles and has saved
/// several upcoming events: for personalization and recommendation features.
#[scenario(depends_on = [base])]
pub fn power_user() -> seedbed::Seed {
    seed! {
        users {
            paula_ramos {
                email: "paula.ramos@festivalscout.test",
                display_name: "Paula Ramos",
                password_hash: DEV_PASSWORD_HASH,
                bio: "Festival addict from Porto: salsa, kizomba, zouk and swing, twelve festivals a year.",
                home_city: "Porto",
                home_country: "PT",
                locale: "pt",
                email_verified_at: days_ago(700),
                last_login_at: days_ago(0),
            }
        }

        user_preferences {
            paula_ramos_preferences {
                user_id: users::paula_ramos,
                preferred_currency: "EUR",
                preferred_skill_level: "advanced",
                search_radius_km: 3000,
                email_notifications: true,
                push_notifications: true,
                notification_settings: r#"{"event_reminder": true, "new_event_from_followed": true, "price_drop": true, "registration_deadline": true, "event_updated": true}"#,
                privacy_settings: r#"{"profile_visible": true, "show_attendance": true}"#,
            }
        }

        user_dance_styles {
            for &style in crate::base::dance_styles::ALL {
                _ { user_id: users::paula_ramos, dance_style_id: style, skill_level: "intermediate" }
            }
        }

        user_teacher_follows {
            for &teacher in crate::base::teachers::ALL {
                _ { user_id: users::paula_ramos, teacher_id: teacher }
            }
        }

        user_musician_follows {
            for &musician in crate::base::musicians::ALL {
                _ { user_id: users::paula_ramos, musician_id: musician }
            }
        }

        event_saves {
            _ { user_id: users::paula_ramos, event_id: crate::base::events::berlin_salsa_congress }
            _ { user_id: users::paula_ramos, event_id: crate::base::events::lisboa_kizomba_festival }
            _ { user_id: users::paula_ramos, event_id: crate::base::events::rimini_salsa_festival }
            _ { user_id: users::paula_ramos, event_id: crate::base::events::krakow_tango_marathon }
            _ { user_id: users::paula_ramos, event_id: crate::base::events::krakow_zouk_marathon }
        }

        event_attendances {
            _ {
                user_id: users::paula_ramos,
                event_id: crate::base::events::berlin_salsa_congress,
                pricing_tier_id: crate::base::pricing_tiers::berlin_early_bird,
                status: "going",
            }
            _ {
                user_id: users::paula_ramos,
                event_id: crate::base::events::paris_swing_weekend,
                pricing_tier_id: crate::base::pricing_tiers::paris_full_pass,
                status: "attended",
                checked_in_at: days_ago(30),
            }
            _ { user_id: users::paula_ramos, event_id: crate::base::events::rimini_salsa_festival, status: "interested" }
        }
    }
}
