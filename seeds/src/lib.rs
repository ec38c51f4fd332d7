//! Festival Scout's seed data and test scenarios, written with seedbed.
//!
//! - [`base`]: the data every development and test database starts from: dance styles (also
//!   production reference data), organizers, venues, teachers, musicians, events, test users and
//!   their follows. Each part is a seed set of its own (`seed-runner --only venues`); the set
//!   `base` groups them all.
//! - [`scenarios`]: the six test scenarios of the Festival Scout seeding guide, applied on top of
//!   the base data: `power_user`, `complex_event`, `high_engagement`, `event_lifecycle`,
//!   `international_events` and `notifications`.
//!
//! Every test account uses an email on the reserved `.test` domain and the password
//! [`DEV_PASSWORD`], stored as [`DEV_PASSWORD_HASH`].

pub mod base;
pub mod large_catalog;
pub mod scenarios;

/// The password of every seeded test account, for development and tests only.
pub const DEV_PASSWORD: &str = "festival-dev-password";

/// The argon2id hash (PHC string) of [`DEV_PASSWORD`] that seeded accounts store as their
/// `password_hash`.
///
/// Computed once with the `argon2` crate's defaults (argon2id, version 19, m = 19456 KiB,
/// t = 2, p = 1) and the fixed salt `festivalscout-dev-salt` (base64 without padding), so the
/// seeds stay byte-for-byte reproducible and a re-run changes nothing. A unit test checks that it
/// verifies against [`DEV_PASSWORD`].
pub const DEV_PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$ZmVzdGl2YWxzY291dC1kZXYtc2FsdA$KPUaJbie7MnCZ4gXUBv7/4rAbVLSnf7ZnsbwOUtkJC8";

/// The Festival Scout migrations, embedded.
pub static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};

    use super::*;

    #[test]
    fn dev_password_hash_verifies_against_the_dev_password() {
        let hash = PasswordHash::new(DEV_PASSWORD_HASH).expect("a PHC string");
        assert_eq!(hash.algorithm.as_str(), "argon2id");
        let argon2 = argon2::Argon2::default();
        assert!(
            argon2
                .verify_password(DEV_PASSWORD.as_bytes(), &hash)
                .is_ok()
        );
        assert!(
            argon2
                .verify_password(b"not-the-dev-password", &hash)
                .is_err()
        );
    }
}
