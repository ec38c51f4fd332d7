//! Keys the database generates, as PostgreSQL gives them: values drawn from the sequence of an
//! identity or serial column, and the keys the ledger recorded by row identity. Which row keeps
//! its key and which draws a new one is decided in [`crate::run::keys`].

use sqlx::PgConnection;

use crate::Error;
use crate::engine::postgres::ledger;
use crate::engine::postgres::sql::ident;
use crate::error::ApplyError;
use crate::run::keys::KeySource;

impl KeySource for PgConnection {
    async fn draw_keys(&mut self, table: &str, column: &str, n: usize) -> Result<Vec<i64>, Error> {
        let values: Vec<Option<i64>> = sqlx::query_scalar(
            "SELECT nextval(pg_get_serial_sequence($1, $2)) FROM generate_series(1, $3)",
        )
        .bind(ident(table))
        .bind(column)
        .bind(i64::try_from(n).unwrap_or(i64::MAX))
        .fetch_all(&mut *self)
        .await
        .map_err(|e| {
            Error::database(
                format!("drawing keys from the sequence of `{table}`.`{column}`"),
                &e,
            )
        })?;
        // NULL: the column has no sequence (a plain integer key, or one filled by a trigger).
        let mut keys: Vec<i64> = values.into_iter().collect::<Option<_>>().ok_or_else(|| {
            Error::Apply(ApplyError::NoKeySequence {
                table: table.to_owned(),
                column: column.to_owned(),
            })
        })?;
        keys.sort_unstable();
        Ok(keys)
    }

    async fn recorded_identities(
        &mut self,
        unit: &str,
    ) -> Result<Vec<(String, String, String)>, Error> {
        ledger::labelled_keys(self, unit).await
    }

    async fn labelled_keys(
        &mut self,
        unit: &str,
        table: &str,
    ) -> Result<Vec<(String, String)>, Error> {
        ledger::keys_of_labels(self, unit, table).await
    }
}
