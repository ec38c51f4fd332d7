//! The test accounts and whom they follow.
//!
//! Every account has an email on the reserved `.test` domain and the password
//! [`DEV_PASSWORD`](crate::DEV_PASSWORD) (stored as its argon2 hash).

use seedbed::{days_ago, seed};

use super::{dance_styles, musicians, teachers};
use crate::DEV_PASSWORD_HASH;

seed! {
    /// Three test users (a dancer, an organizer, an admin) with their preferences and dance
    /// styles. Password: `festival-dev-password`.
    set users(depends_on = [dance_styles]);

    users {
        maria_lopez {
            email: "maria.lopez@festivalscout.test",
            display_name: "María López",
            password_hash: DEV_PASSWORD_HASH,
            role: "user",
            bio: "Salsa On2 and bachata dancer from Madrid, travelling to two festivals a year.",
            home_city: "Madrid",
            home_country: "ES",
            locale: "es",
            email_verified_at: days_ago(210),
            last_login_at: days_ago(1),
        }
        jonas_weber {
            email: "jonas.weber@festivalscout.test",
            display_name: "Jonas Weber",
            password_hash: DEV_PASSWORD_HASH,
            role: "organizer",
            bio: "Runs the Ritmo Berlin socials; dances West Coast Swing when not behind the bar.",
            home_city: "Berlin",
            home_country: "DE",
            locale: "de",
            email_verified_at: days_ago(400),
            last_login_at: days_ago(3),
        }
        sophie_martin {
            email: "sophie.martin@festivalscout.test",
            display_name: "Sophie Martin",
            password_hash: DEV_PASSWORD_HASH,
            role: "admin",
            bio: "Festival Scout moderator; lindy hopper from Paris.",
            home_city: "Paris",
            home_country: "FR",
            locale: "fr",
            email_verified_at: days_ago(500),
            last_login_at: days_ago(0),
        }
    }

    user_preferences {
        maria_lopez_preferences {
            user_id: users::maria_lopez,
            preferred_currency: "EUR",
            preferred_skill_level: "advanced",
            search_radius_km: 1500,
            email_notifications: true,
            push_notifications: true,
            notification_settings: r#"{"event_reminder": true, "new_event_from_followed": true, "price_drop": true, "registration_deadline": true}"#,
            privacy_settings: r#"{"profile_visible": true, "show_attendance": true}"#,
        }
        jonas_weber_preferences {
            user_id: users::jonas_weber,
            preferred_currency: "EUR",
            preferred_skill_level: "intermediate",
            search_radius_km: 300,
            email_notifications: true,
            push_notifications: false,
            notification_settings: r#"{"event_reminder": true, "review_reply": true}"#,
            privacy_settings: r#"{"profile_visible": true, "show_attendance": false}"#,
        }
        sophie_martin_preferences {
            user_id: users::sophie_martin,
            preferred_currency: "EUR",
            preferred_skill_level: "all_levels",
            search_radius_km: 800,
            email_notifications: false,
            push_notifications: true,
            notification_settings: r#"{"system": true, "event_cancelled": true}"#,
            privacy_settings: r#"{"profile_visible": false, "show_attendance": false}"#,
        }
    }

    user_dance_styles {
        _ { user_id: users::maria_lopez, dance_style_id: dance_styles::salsa_on2, skill_level: "advanced" }
        _ { user_id: users::maria_lopez, dance_style_id: dance_styles::sensual_bachata, skill_level: "intermediate" }
        _ { user_id: users::maria_lopez, dance_style_id: dance_styles::kizomba, skill_level: "beginner" }
        _ { user_id: users::jonas_weber, dance_style_id: dance_styles::west_coast_swing, skill_level: "intermediate" }
        _ { user_id: users::jonas_weber, dance_style_id: dance_styles::cuban_salsa, skill_level: "beginner" }
        _ { user_id: users::sophie_martin, dance_style_id: dance_styles::lindy_hop, skill_level: "advanced" }
        _ { user_id: users::sophie_martin, dance_style_id: dance_styles::balboa, skill_level: "intermediate" }
        _ { user_id: users::sophie_martin, dance_style_id: dance_styles::argentine_tango, skill_level: "beginner" }
    }
}

seed! {
    /// The test users following teachers and musicians.
    set follows(depends_on = [users, teachers, musicians]);

    user_teacher_follows {
        _ { user_id: users::maria_lopez, teacher_id: teachers::carlos_mendez }
        _ { user_id: users::maria_lopez, teacher_id: teachers::marco_bellini }
        _ { user_id: users::maria_lopez, teacher_id: teachers::ana_ferreira }
        _ { user_id: users::jonas_weber, teacher_id: teachers::lena_hoffmann }
        _ { user_id: users::jonas_weber, teacher_id: teachers::marco_bellini }
        _ { user_id: users::sophie_martin, teacher_id: teachers::julie_moreau }
        _ { user_id: users::sophie_martin, teacher_id: teachers::lena_hoffmann }
    }

    user_musician_follows {
        _ { user_id: users::maria_lopez, musician_id: musicians::orquesta_la_moderna }
        _ { user_id: users::maria_lopez, musician_id: musicians::los_hermanos_del_cibao }
        _ { user_id: users::jonas_weber, musician_id: musicians::orquesta_la_moderna }
        _ { user_id: users::sophie_martin, musician_id: musicians::hot_club_de_belleville }
        _ { user_id: users::sophie_martin, musician_id: musicians::trio_bandoneon_del_sur }
    }
}
