//! Which row a server error is about: the unit, table, label (or position) and column of a
//! failed insert, found from PostgreSQL's detail (`Key (a)=(x)`, `Failing row contains (...)`)
//! or the value a failed cast quotes.

use crate::Error;
use crate::error::ApplyError;
use crate::plan::context::Context;
use crate::plan::{Row, TableMeta, Unit};
use crate::run::build::KeyedRows;

/// A failed insert, with the unit, table, constraint and, when the server's detail shows it,
/// the label of the row.
pub(crate) fn constraint_error(
    unit: &str,
    meta: &TableMeta,
    rows: &[&Row],
    error: &sqlx::Error,
) -> Error {
    let db = error.as_database_error();
    let detail = db
        .and_then(|d| d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>())
        .and_then(|pg| pg.detail())
        .unwrap_or_default();
    let label = label_from_detail(meta, rows, detail)
        .map(|l| format!(", row {l}"))
        .or_else(|| {
            let message = db.map(|d| d.message()).unwrap_or_default();
            bad_value_row(meta, rows.iter().copied(), message)
        })
        .unwrap_or_default();
    described(unit, meta.name, &label, error)
}

/// A key, index or foreign key of `table` that the rows of `unit`, loaded before it was built,
/// break: the same error as a row refused on insert ([`name_streamed_row`] then finds the row).
pub(crate) fn build_error(unit: &str, table: &str, error: &sqlx::Error) -> Error {
    described(unit, table, "", error)
}

/// The error of a refused row of `table`, `label` naming it when known.
fn described(unit: &str, table: &str, label: &str, error: &sqlx::Error) -> Error {
    let (sqlstate, message) = super::error::db_error_parts(error);
    let constraint = error
        .as_database_error()
        .and_then(|d| d.constraint())
        .map(str::to_owned);
    let constraint = constraint
        .map(|c| format!("violates constraint `{c}`: "))
        .unwrap_or_default();
    let code = sqlstate
        .as_deref()
        .map(|c| format!(" (SQLSTATE {c})"))
        .unwrap_or_default();
    // insufficient_privilege: say what the role needs.
    let hint = if sqlstate.as_deref() == Some("42501") {
        "; the database role needs INSERT, UPDATE, DELETE and SELECT on the seeded tables"
    } else {
        ""
    };
    Error::Apply(ApplyError::Constraint {
        unit: unit.into(),
        table: table.into(),
        what: format!("{label}: {constraint}{message}{code}{hint}"),
    })
}

/// The label of the row a server error's detail names, see [`names_row`].
fn label_from_detail(meta: &TableMeta, rows: &[&Row], detail: &str) -> Option<String> {
    rows.iter()
        .find(|row| names_row(meta, row, detail))
        .map(|row| label_of(row))
}

/// The value a failed cast from text quotes (`invalid input value for enum event_status:
/// "publishd"`, `invalid input syntax for type integer: "x"`): such errors have no detail.
fn quoted_value(message: &str) -> Option<&str> {
    let (_, rest) = message.rsplit_once(": \"")?;
    rest.strip_suffix('"')
}

/// `, row `label`, column `c`` (or `row #n` of the table, for an unlabelled row) for the first
/// row holding the value a failed cast quotes: given by a Rust expression, it was not checked
/// at compile time.
fn bad_value_row<R: std::borrow::Borrow<Row>>(
    meta: &TableMeta,
    rows: impl Iterator<Item = R>,
    message: &str,
) -> Option<String> {
    let value = quoted_value(message)?;
    rows.enumerate().find_map(|(at, row)| {
        let row = row.borrow();
        let position = row
            .values
            .iter()
            .position(|v| v.to_pg_text().as_deref() == Some(value))?;
        let column = meta.columns[row.columns[position] as usize].name;
        let row = row
            .label
            .map_or_else(|| format!("#{} (unlabelled)", at + 1), |l| format!("`{l}`"));
        Some(format!(", row {row}, column `{column}`"))
    })
}

fn label_of(row: &Row) -> String {
    row.label
        .map_or_else(|| "an unlabelled row".to_owned(), |l| format!("`{l}`"))
}

/// Whether a server error's detail names `row`: a unique or foreign key violation's
/// `Key (a, b)=(x, y) ...` with the row's values, or a check or not-null violation's
/// `Failing row contains (...)` with the row's primary key among the values.
fn names_row(meta: &TableMeta, row: &Row, detail: &str) -> bool {
    let text = |column: &str| {
        row.columns
            .iter()
            .position(|c| meta.columns[*c as usize].name == column)
            .and_then(|at| row.values[at].to_pg_text())
    };
    if let Some(failing) = detail.strip_prefix("Failing row contains (") {
        let values: Vec<&str> = failing.split(", ").collect();
        return !meta.primary_key.is_empty()
            && meta.primary_key.iter().all(|k| {
                text(meta.columns[*k as usize].name)
                    .is_some_and(|key| values.iter().any(|v| v.trim_end_matches(").") == key))
            });
    }
    let Some((columns, rest)) = detail
        .strip_prefix("Key (")
        .and_then(|rest| rest.split_once(")=("))
    else {
        return false;
    };
    let Some((values, _)) = rest.split_once(')') else {
        return false;
    };
    columns
        .split(", ")
        .zip(values.split(", "))
        .all(|(column, value)| text(column).as_deref() == Some(value))
}

/// Names the unit of a database error raised while streaming `unit`, and the row of a
/// constraint error (COPY keeps no rows): its rows are generated again, one at a time, and the
/// first one the server's detail names wins.
pub(crate) fn name_streamed_row(unit: &'static Unit, context: &Context, error: Error) -> Error {
    let (name, table, what) = match error {
        Error::Apply(ApplyError::Constraint { unit, table, what }) => (unit, table, what),
        Error::Database {
            context,
            sqlstate,
            message,
        } => {
            return Error::Database {
                context: format!("unit `{}`: {context}", unit.name),
                sqlstate,
                message,
            };
        }
        other => return other,
    };
    let detail = what
        .split_once("(detail: ")
        .map_or("", |(_, detail)| detail);
    let bad_value = what
        .rsplit_once(" (SQLSTATE")
        .map_or(what.as_str(), |(m, _)| m);
    let bad_value = (!what.starts_with(", row") && quoted_value(bad_value).is_some())
        .then(|| {
            find_in_rows(unit, context, &table, |meta, rows| {
                bad_value_row(meta, rows, bad_value)
            })
        })
        .flatten();
    if let Some(row) = bad_value {
        return Error::Apply(ApplyError::Constraint {
            unit: name,
            table,
            what: format!("{row}{what}"),
        });
    }
    let label = (!what.starts_with(", row") && !detail.is_empty())
        .then(|| {
            find_in_rows(unit, context, &table, |meta, mut rows| {
                rows.find(|row| names_row(meta, row, detail))
                    .map(|row| label_of(&row))
            })
        })
        .flatten();
    Error::Apply(ApplyError::Constraint {
        unit: name,
        table,
        what: match label {
            Some(label) => format!(", row {label}{what}"),
            None => what,
        },
    })
}

/// Builds `unit`'s rows of `table` again, keyed as they were streamed, and returns what `find`
/// makes of them: the rows of a streamed unit are not kept, so naming one means generating
/// them once more.
fn find_in_rows<T>(
    unit: &Unit,
    context: &Context,
    table: &str,
    find: impl Fn(&'static TableMeta, KeyedRows) -> Option<T>,
) -> Option<T> {
    let context = std::sync::Arc::new(context.clone());
    context
        .sync_scope_unit(unit.name, unit.build)
        .tables
        .into_iter()
        .filter(|t| t.meta.name == table)
        .find_map(|t| find(t.meta, KeyedRows::new(unit.name, &context, t)))
}
