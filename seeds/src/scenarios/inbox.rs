//! `notifications`: every notification type in every delivery status.

use seedbed::{days_ago, days_from_now, json, scenario, seed};

use crate::base::{events, users};

/// Every value of the `notification_type` enum, in the migration's order.
pub const NOTIFICATION_TYPES: [&str; 8] = [
    "event_reminder",
    "new_event_from_followed",
    "event_updated",
    "event_cancelled",
    "review_reply",
    "price_drop",
    "registration_deadline",
    "system",
];

/// Every value of the `notification_status` enum, in the migration's order.
pub const NOTIFICATION_STATUSES: [&str; 5] = ["pending", "sent", "read", "failed", "archived"];

/// Every value of the `notification_channel` enum.
const CHANNELS: [&str; 3] = ["in_app", "email", "push"];

/// Title and text of a notification of each type.
fn message(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "event_reminder" => (
            "Berlin Salsa & Bachata Congress starts soon",
            "Your congress starts in 3 days. Workshops begin Saturday at 11:00 in Studio 1.",
        ),
        "new_event_from_followed" => (
            "Carlos Méndez teaches at a new festival",
            "Carlos Méndez was just announced for the Rimini Summer Salsa Festival.",
        ),
        "event_updated" => (
            "Schedule change: Lisboa Kizomba Festival",
            "The Saturday semba bootcamp moved to 15:00 in the rooftop studio.",
        ),
        "event_cancelled" => (
            "Kraków Zouk Marathon is cancelled",
            "The organizers cancelled the marathon. Your ticket is refunded in full within 5 working days.",
        ),
        "review_reply" => (
            "The organizer replied to your review",
            "Kizomba Lisboa Produções answered your review of the Lisboa Kizomba Festival.",
        ),
        "price_drop" => (
            "Price drop: Rimini Summer Salsa Festival",
            "The VIP pass is 30 EUR cheaper until Sunday.",
        ),
        "registration_deadline" => (
            "Last days to register",
            "Registration for the Kraków Tango Marathon closes in 48 hours.",
        ),
        _ => (
            "Welcome to Festival Scout",
            "We updated our privacy policy. Nothing changes for your account.",
        ),
    }
}

/// Forty notifications for the three test users: each of the 8 notification types in each of
/// the 5 statuses (pending, sent, read, failed, archived), over the three channels, with send
/// and read times that fit the status.
#[scenario(depends_on = [base])]
pub fn notifications() -> seedbed::Seed {
    seed! {
        notifications {
            for (k, kind) in NOTIFICATION_TYPES.into_iter().enumerate() {
                for (s, status) in NOTIFICATION_STATUSES.into_iter().enumerate() {
                    _ {
                        user_id: users::ALL[(k + s) % users::ALL.len()],
                        event_id: match kind {
                            "event_reminder" => Some(events::berlin_salsa_congress),
                            "new_event_from_followed" | "price_drop" => Some(events::rimini_salsa_festival),
                            "event_updated" | "review_reply" => Some(events::lisboa_kizomba_festival),
                            "event_cancelled" => Some(events::krakow_zouk_marathon),
                            "registration_deadline" => Some(events::krakow_tango_marathon),
                            _ => None,
                        },
                        kind: kind,
                        status: status,
                        channel: CHANNELS[(k + s) % CHANNELS.len()],
                        title: message(kind).0,
                        body: message(kind).1,
                        payload: json!({ "kind": kind, "deep_link": format!("festivalscout://notifications/{kind}") }),
                        scheduled_for: match status {
                            "pending" => Some(days_from_now(1 + k as u64)),
                            _ => None,
                        },
                        sent_at: match status {
                            "sent" | "read" | "archived" => Some(days_ago(10 - k as u64)),
                            _ => None,
                        },
                        read_at: match status {
                            "read" | "archived" => Some(days_ago(9 - k as u64)),
                            _ => None,
                        },
                    }
                }
            }
        }
    }
}
