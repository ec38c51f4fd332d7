//! Which Rust values fit which SQL column types.
//!
//! `seed!` checks every non-literal value expression with a trait bound `Encode<sql::X>` chosen
//! from the column's SQL type, so rustc rejects a `&str` for an `integer` column at the value's
//! token, and the message names the column (the macro wraps this trait in one per column).

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use uuid::Uuid;

use crate::Value;
use crate::plan::{RowRef, TableMarker};

/// Marker types, one per SQL type family.
pub mod sql {
    use std::marker::PhantomData;

    macro_rules! markers {
        ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
            $(#[$doc])*
            #[derive(Debug)]
            pub struct $name;
        )*};
    }
    markers!(
        /// `uuid`: a `Uuid`.
        Uuid,
        /// `text`, `varchar(n)`, `char(n)`: `&str`, `String`, `Cow<str>`, `char`.
        Text,
        /// `smallint`: `i16`, `i8`, `u8`.
        SmallInt,
        /// `integer`: `i32`, `i16`, `u16`, `u8`.
        Integer,
        /// `bigint`: `i64`, `i32`, `u32`, `i16`, `u16`.
        BigInt,
        /// `numeric(p, s)`: floats and integers (a literal such as `12.50` keeps its digits).
        Numeric,
        /// `real`: `f32`.
        Real,
        /// `double precision`: `f64`, `f32`.
        Double,
        /// `boolean`: `bool`.
        Boolean,
        /// `timestamptz`: `DateTime<Utc>`, `DateTime<FixedOffset>`, `DateTime<chrono_tz::Tz>`.
        Timestamptz,
        /// `timestamp`: `NaiveDateTime`.
        Timestamp,
        /// `date`: `NaiveDate`.
        Date,
        /// `time`: `NaiveTime`.
        Time,
        /// `interval`: its text form (`"2 hours"`).
        Interval,
        /// `json`, `jsonb`: `serde_json::Value` (from `seedbed::json!`).
        Json,
        /// `bytea`: `Vec<u8>`, `&[u8]`.
        Bytea,
        /// `inet`: its text form (`"192.0.2.1"`).
        Inet,
    );

    /// The enum type whose name hashes to `TYPE`: literals are checked by the macro, `&str`
    /// and `String` values by the server, and a Rust enum made by `seedbed::enums!()` by rustc
    /// (only the enum of this very type fits).
    #[derive(Debug)]
    pub struct Enum<const TYPE: u64>;

    /// A column that accepts NULL: the values of `M`, and `Option`s of them.
    #[derive(Debug)]
    pub struct Nullable<M>(PhantomData<M>);

    /// An array of `M`.
    #[derive(Debug)]
    pub struct Array<M>(PhantomData<M>);

    /// A foreign key to the table whose name hashes to `TABLE`.
    #[derive(Debug)]
    pub struct Ref<const TABLE: u64>;
}

/// A Rust value that can be stored in a column of SQL type `M`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column of this SQL type",
    label = "a `{Self}` is not a value of this column's type"
)]
pub trait Encode<M> {
    /// The value, in the form seedbed sends to the server.
    fn encode(self) -> Value;
}

macro_rules! encode {
    ($marker:ty: $($rust:ty => |$v:ident| $value:expr),+ $(,)?) => {$(
        impl Encode<$marker> for $rust {
            fn encode(self) -> Value {
                let $v = self;
                $value
            }
        }
        impl Encode<sql::Nullable<$marker>> for $rust {
            fn encode(self) -> Value {
                <$rust as Encode<$marker>>::encode(self)
            }
        }
        impl Encode<sql::Nullable<$marker>> for Option<$rust> {
            fn encode(self) -> Value {
                self.map_or(Value::Null, <$rust as Encode<$marker>>::encode)
            }
        }
    )+};
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(Cow::Owned(s.into()))
}

encode!(sql::Text:
    &str => |v| text(v),
    String => |v| text(v),
    &String => |v| text(v.as_str()),
    Cow<'static, str> => |v| Value::Text(v),
    char => |v| text(v),
);

/// `&str`, `String` and their `Option`s for any enum column, as for text.
macro_rules! encode_enum_text {
    ($($rust:ty),*) => {$(
        impl<const E: u64> Encode<sql::Enum<E>> for $rust {
            fn encode(self) -> Value {
                text(self)
            }
        }
        impl<const E: u64> Encode<sql::Nullable<sql::Enum<E>>> for $rust {
            fn encode(self) -> Value {
                text(self)
            }
        }
        impl<const E: u64> Encode<sql::Nullable<sql::Enum<E>>> for Option<$rust> {
            fn encode(self) -> Value {
                self.map_or(Value::Null, text)
            }
        }
    )*};
}
encode_enum_text!(&str, String);

/// A Rust enum made by `seedbed::enums!()` for the SQL enum whose name hashes to `TYPE`.
pub trait SqlEnum<const TYPE: u64>: Sized {
    /// The label of the value, as the SQL enum spells it.
    fn label(&self) -> &'static str;
}

impl<const E: u64, T: SqlEnum<E>> Encode<sql::Enum<E>> for T {
    fn encode(self) -> Value {
        Value::Text(Cow::Borrowed(self.label()))
    }
}
impl<const E: u64, T: SqlEnum<E>> Encode<sql::Nullable<sql::Enum<E>>> for T {
    fn encode(self) -> Value {
        Value::Text(Cow::Borrowed(self.label()))
    }
}
impl<const E: u64, T: SqlEnum<E>> Encode<sql::Nullable<sql::Enum<E>>> for Option<T> {
    fn encode(self) -> Value {
        self.map_or(Value::Null, |v| Value::Text(Cow::Borrowed(v.label())))
    }
}
encode!(sql::Inet: &str => |v| text(v), String => |v| text(v));
encode!(sql::Interval: &str => |v| text(v), String => |v| text(v));
encode!(sql::SmallInt: i16 => |v| Value::Int(v.into()), i8 => |v| Value::Int(v.into()), u8 => |v| Value::Int(v.into()));
encode!(sql::Integer:
    i32 => |v| Value::Int(v.into()),
    i16 => |v| Value::Int(v.into()),
    u16 => |v| Value::Int(v.into()),
    u8 => |v| Value::Int(v.into()),
);
encode!(sql::BigInt:
    i64 => |v| Value::Int(v),
    i32 => |v| Value::Int(v.into()),
    u32 => |v| Value::Int(v.into()),
    i16 => |v| Value::Int(v.into()),
    u16 => |v| Value::Int(v.into()),
);
encode!(sql::Numeric:
    f64 => |v| Value::Numeric(Cow::Owned(v.to_string())),
    f32 => |v| Value::Numeric(Cow::Owned(v.to_string())),
    i64 => |v| Value::Numeric(Cow::Owned(v.to_string())),
    i32 => |v| Value::Numeric(Cow::Owned(v.to_string())),
    u32 => |v| Value::Numeric(Cow::Owned(v.to_string())),
    u64 => |v| Value::Numeric(Cow::Owned(v.to_string())),
);
encode!(sql::Real: f32 => |v| Value::Float(v.into()));
encode!(sql::Double: f64 => |v| Value::Float(v), f32 => |v| Value::Float(v.into()));
encode!(sql::Boolean: bool => |v| Value::Bool(v));
encode!(sql::Uuid: Uuid => |v| Value::Uuid(v));
encode!(sql::Timestamptz:
    DateTime<Utc> => |v| Value::Timestamptz(v),
    DateTime<FixedOffset> => |v| Value::Timestamptz(v.to_utc()),
    DateTime<chrono_tz::Tz> => |v| Value::Timestamptz(v.to_utc()),
);
encode!(sql::Timestamp: NaiveDateTime => |v| Value::Timestamp(v));
encode!(sql::Date: NaiveDate => |v| Value::Date(v));
encode!(sql::Time: NaiveTime => |v| Value::Time(v));
encode!(sql::Json: serde_json::Value => |v| Value::Json(v));
encode!(sql::Bytea: Vec<u8> => |v| Value::Bytes(v), &[u8] => |v| Value::Bytes(v.to_vec()));

impl<const T: u64, M: TableMarker<T>> Encode<sql::Ref<T>> for RowRef<M> {
    fn encode(self) -> Value {
        Value::Ref(self.0)
    }
}

impl<const T: u64> Encode<sql::Ref<T>> for Uuid {
    fn encode(self) -> Value {
        Value::Uuid(self)
    }
}

/// What iterating a table's `ALL` list gives.
impl<const T: u64, M: TableMarker<T>> Encode<sql::Ref<T>> for &RowRef<M> {
    fn encode(self) -> Value {
        Value::Ref(self.0)
    }
}

/// A raw key of a table with an integer primary key.
impl<const T: u64> Encode<sql::Ref<T>> for i64 {
    fn encode(self) -> Value {
        Value::Int(self)
    }
}

impl<const T: u64> Encode<sql::Ref<T>> for i32 {
    fn encode(self) -> Value {
        Value::Int(self.into())
    }
}

impl<const T: u64, V: Encode<sql::Ref<T>>> Encode<sql::Nullable<sql::Ref<T>>> for V {
    fn encode(self) -> Value {
        Encode::<sql::Ref<T>>::encode(self)
    }
}

impl<const T: u64, V: Encode<sql::Ref<T>>> Encode<sql::Nullable<sql::Ref<T>>> for Option<V> {
    fn encode(self) -> Value {
        self.map_or(Value::Null, Encode::<sql::Ref<T>>::encode)
    }
}

fn array<M, T: Encode<M>>(items: impl IntoIterator<Item = T>) -> Value {
    Value::Array(items.into_iter().map(Encode::encode).collect())
}

macro_rules! encode_arrays {
    ($($marker:ty),*) => {$(
        impl<M, T: Encode<M>> Encode<$marker> for Vec<T> {
            fn encode(self) -> Value {
                array(self)
            }
        }
        impl<M, T: Encode<M>, const N: usize> Encode<$marker> for [T; N] {
            fn encode(self) -> Value {
                array(self)
            }
        }
        impl<M, T: Encode<M> + Clone> Encode<$marker> for &[T] {
            fn encode(self) -> Value {
                array(self.iter().cloned())
            }
        }
    )*};
}
encode_arrays!(sql::Array<M>, sql::Nullable<sql::Array<M>>);

impl<M, T: Encode<M>> Encode<sql::Nullable<sql::Array<M>>> for Option<Vec<T>> {
    fn encode(self) -> Value {
        self.map_or(Value::Null, array)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode<M, V: Encode<M>>(v: V) -> Value {
        v.encode()
    }

    #[test]
    fn nullable_columns_take_options() {
        assert_eq!(
            encode::<sql::Nullable<sql::Integer>, _>(None::<i32>),
            Value::Null
        );
        assert_eq!(
            encode::<sql::Nullable<sql::Integer>, _>(Some(4_i32)),
            Value::Int(4)
        );
        assert_eq!(
            encode::<sql::Nullable<sql::Integer>, _>(4_u8),
            Value::Int(4)
        );
    }

    #[test]
    fn arrays_of_text() {
        let v = encode::<sql::Array<sql::Text>, _>(["salsa", "bachata"]);
        assert_eq!(v.to_pg_text().unwrap(), r#"{"salsa","bachata"}"#);
        let v = encode::<sql::Array<sql::Text>, _>(vec![String::from("kizomba")]);
        assert_eq!(v.to_pg_text().unwrap(), r#"{"kizomba"}"#);
    }
}
