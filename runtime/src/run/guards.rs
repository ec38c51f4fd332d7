//! The guards: decided from the database's environment stamp before anything is written, and
//! again under the lock.

use crate::error::GuardError;
use seedbed_core::environment::{DEVELOPMENT, PRODUCTION};

use crate::Error;
use crate::engine::Engine;
use crate::run::RunOptions;

/// The environment guard of a command that writes, writing nothing: `Ok(true)` when the
/// database is to be stamped (a first run, or an allowed re-stamp), `Ok(false)` when its stamp
/// is the run's. Leaving production takes [`RunOptions::production_override`] as well as
/// [`RunOptions::allow_env_change`].
pub(crate) async fn environment(
    engine: &mut impl Engine,
    options: &RunOptions,
) -> Result<bool, Error> {
    let Some(stamped) = engine.stamp().await? else {
        return Ok(true);
    };
    if stamped == options.environment {
        return Ok(false);
    }
    if !options.allow_env_change {
        return Err(Error::Guard(GuardError::EnvironmentMismatch {
            stamped,
            requested: options.environment.clone(),
        }));
    }
    if stamped == PRODUCTION && !options.production_override {
        return Err(Error::Guard(GuardError::LeavingProduction {
            requested: options.environment.clone(),
        }));
    }
    tracing::warn!(
        "this database is stamped `{stamped}`, the run is `{}`: allowed by --allow-env-change; \
         a seeding run re-stamps it",
        options.environment
    );
    Ok(true)
}

/// Refuses a destructive `command` on a database stamped production, unless overridden.
pub(crate) async fn destructive(
    engine: &mut impl Engine,
    command: &str,
    options: &RunOptions,
) -> Result<(), Error> {
    let stamped = engine.stamp().await?;
    if stamped.as_deref() == Some(PRODUCTION) && !options.production_override {
        return Err(Error::Guard(GuardError::ProductionRefused {
            command: command.to_owned(),
        }));
    }
    Ok(())
}

/// `--reset` drops everything: only in a development run, on a database stamped development
/// (or not stamped), and never on production.
pub(crate) async fn reset(engine: &mut impl Engine, options: &RunOptions) -> Result<(), Error> {
    if options.environment != DEVELOPMENT {
        return Err(Error::Guard(GuardError::DevelopmentOnly {
            command: "--reset".into(),
            environment: options.environment.clone(),
        }));
    }
    destructive(engine, "reset the database", options).await?;
    if engine.stamp().await?.is_some_and(|s| s != DEVELOPMENT) {
        return Err(Error::Guard(GuardError::DevelopmentOnly {
            command: "--reset".into(),
            environment: "a non-development database".into(),
        }));
    }
    Ok(())
}
