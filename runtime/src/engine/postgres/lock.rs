//! The seed-run lock: a session-level advisory lock, so that it goes with the connection when
//! the process dies, whatever it was doing.

use sqlx::PgConnection;

use crate::Error;

/// The advisory lock key of seed runs ("seedbed" in ASCII).
const LOCK_KEY: i64 = 0x0073_6565_6462_6564;

/// Takes the lock on `conn`, waiting for another runner to finish if one holds it.
pub(crate) async fn lock(conn: &mut PgConnection) -> Result<(), Error> {
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(LOCK_KEY)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::database("taking the seed-run lock", &e))?;
    if !locked {
        tracing::info!("another seed-runner is working on this database; waiting for it to finish");
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(LOCK_KEY)
            .execute(&mut *conn)
            .await
            .map_err(|e| Error::database("waiting for the seed-run lock", &e))?;
    }
    Ok(())
}

/// Releases the lock `conn` holds.
pub(crate) async fn unlock(conn: &mut PgConnection) -> Result<(), Error> {
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(LOCK_KEY)
        .execute(conn)
        .await
        .map(drop)
        .map_err(|e| Error::database("releasing the seed-run lock", &e))
}
