//! Column values of seed rows and their PostgreSQL text form.
//!
//! Every value travels to the server in PostgreSQL's text representation and is cast there to the
//! column's type (`$1::text[]` unnested, then `::numeric(10,2)`, `::event_status`, ...). One encoding
//! serves multi-row inserts and `COPY`, and the server, not seedbed, has the last word on parsing.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use uuid::Uuid;

use crate::plan::RowId;

/// One column value of a seed row.
///
/// `seed!` turns every value of a row into a `Value`: literals at compile time, other
/// expressions through the column's `Encode` bound at run time. Seed code rarely builds one
/// by hand; it shows up when a program inspects a unit's rows (`(unit.build)()`), and in
/// [`Value::to_pg_text`], the exact text sent to the server.
///
/// ```
/// use seedbed::Value;
///
/// assert_eq!(Value::Int(400).to_pg_text().as_deref(), Some("400"));
/// assert_eq!(Value::numeric("12.50").to_pg_text().as_deref(), Some("12.50"));
/// assert_eq!(Value::Null.to_pg_text(), None);
/// let styles = Value::Array(vec![Value::str("salsa"), Value::str("kizomba")]);
/// assert_eq!(styles.to_pg_text().as_deref(), Some(r#"{"salsa","kizomba"}"#));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL `NULL`: `None` given to a nullable column.
    Null,
    /// `boolean`.
    Bool(bool),
    /// `smallint`, `integer`, `bigint`, and integer keys.
    Int(i64),
    /// `real` and `double precision`.
    Float(f64),
    /// A decimal number kept as written, so `12.50` is not rounded through a float.
    Numeric(Cow<'static, str>),
    /// Text, and anything the server parses from text: `varchar`, `char(n)`, enum values,
    /// `inet`, `interval`, and date/time literals written as strings.
    Text(Cow<'static, str>),
    /// `uuid`, including keys given as a `Uuid` rather than a label.
    Uuid(Uuid),
    /// `timestamptz`, sent in RFC 3339 with its `Z`.
    Timestamptz(DateTime<Utc>),
    /// `timestamp` (without time zone).
    Timestamp(NaiveDateTime),
    /// `date`.
    Date(NaiveDate),
    /// `time`.
    Time(NaiveTime),
    /// `json` and `jsonb` (build it with [`json!`](crate::json)).
    Json(serde_json::Value),
    /// `bytea`, sent in hex form.
    Bytes(Vec<u8>),
    /// An array column (`text[]`, ...): elements are quoted, `NULL` elements allowed.
    Array(Vec<Value>),
    /// A reference to another seed row; its key is known at compile time.
    Ref(RowId),
    /// The key of an anonymous row, derived from its position when the rows are streamed.
    AutoKey,
}

impl Value {
    /// A text value from a string literal, without allocating (usable in `const`).
    pub const fn str(s: &'static str) -> Self {
        Value::Text(Cow::Borrowed(s))
    }

    /// A `numeric` value written as decimal text (`"12.50"`), kept exactly as written.
    pub const fn numeric(s: &'static str) -> Self {
        Value::Numeric(Cow::Borrowed(s))
    }

    /// The PostgreSQL text form, `None` for NULL (the server casts it to the column's type).
    ///
    /// ```
    /// use seedbed::Value;
    ///
    /// let at = "2026-05-01T18:30:00Z".parse().unwrap();
    /// assert_eq!(Value::Timestamptz(at).to_pg_text().unwrap(), "2026-05-01T18:30:00Z");
    /// assert_eq!(Value::Bool(true).to_pg_text().unwrap(), "t");
    /// assert_eq!(Value::Bytes(vec![0xde, 0xad]).to_pg_text().unwrap(), "\\xdead");
    /// ```
    pub fn to_pg_text(&self) -> Option<String> {
        let mut out = String::new();
        self.write_pg_text(&mut out).then_some(out)
    }

    /// Appends the text form to `out`; returns false (and writes nothing) for NULL. Used to
    /// build `COPY` and multi-row insert payloads without a `String` per value.
    pub fn write_pg_text(&self, out: &mut String) -> bool {
        match self {
            Value::Null | Value::AutoKey => return false,
            Value::Bool(b) => out.push_str(if *b { "t" } else { "f" }),
            Value::Int(i) => _ = write!(out, "{i}"),
            Value::Float(f) => _ = write!(out, "{f}"),
            Value::Numeric(s) | Value::Text(s) => out.push_str(s),
            Value::Uuid(u) => _ = write!(out, "{}", u.hyphenated()),
            Value::Ref(r) => _ = write!(out, "{}", r.key.hyphenated()),
            Value::Timestamptz(t) => out.push_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            Value::Timestamp(t) => _ = write!(out, "{}", t.format("%Y-%m-%d %H:%M:%S%.f")),
            Value::Date(d) => _ = write!(out, "{d}"),
            Value::Time(t) => _ = write!(out, "{t}"),
            Value::Json(j) => _ = write!(out, "{j}"),
            Value::Bytes(b) => {
                out.push_str("\\x");
                for byte in b {
                    _ = write!(out, "{byte:02x}");
                }
            }
            Value::Array(items) => write_array(items, out),
        }
        true
    }
}

/// An array literal: `{"a","b c",NULL}`, every element quoted so no content needs special cases.
fn write_array(items: &[Value], out: &mut String) {
    out.push('{');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut element = String::new();
        if item.write_pg_text(&mut element) {
            out.push('"');
            for c in element.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str("NULL");
        }
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_quote_every_element() {
        let v = Value::Array(vec![
            Value::str("salsa"),
            Value::str("a \"b\" \\c"),
            Value::Null,
        ]);
        assert_eq!(v.to_pg_text().unwrap(), r#"{"salsa","a \"b\" \\c",NULL}"#);
    }

    #[test]
    fn null_has_no_text() {
        assert_eq!(Value::Null.to_pg_text(), None);
        assert_eq!(Value::Bool(true).to_pg_text().unwrap(), "t");
    }

    #[test]
    fn timestamps_keep_their_offset() {
        let t = DateTime::parse_from_rfc3339("2026-05-01T18:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            Value::Timestamptz(t).to_pg_text().unwrap(),
            "2026-05-01T18:30:00Z"
        );
    }
}
