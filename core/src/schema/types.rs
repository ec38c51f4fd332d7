//! Maps sqlparser's data types onto [`SqlType`].

use sqlparser::ast::{ArrayElemTypeDef, CharacterLength, DataType, ExactNumberInfo, TimezoneInfo};

use super::{Schema, SqlType};

/// A column's declared type: serial types are integers whose default is a sequence.
pub(crate) struct Declared {
    pub ty: SqlType,
    pub serial: bool,
}

/// The type of a column definition (serial types allowed).
pub(crate) fn declared_type(dt: &DataType, schema: &Schema) -> Result<Declared, String> {
    let serial = match dt {
        DataType::Custom(name, modifiers) if modifiers.is_empty() => schema
            .dialect
            .serial_type(&schema.dialect.object_name(name)?),
        _ => None,
    };
    Ok(match serial {
        Some(ty) => Declared { ty, serial: true },
        None => Declared {
            ty: sql_type(dt, schema)?,
            serial: false,
        },
    })
}

/// The type of a value (no serial types: PostgreSQL knows them only in column definitions).
/// A type the model has no family for is [`SqlType::Other`]: PostgreSQL accepted the migration,
/// so the type exists, and its values are written in its text form.
pub(crate) fn sql_type(dt: &DataType, schema: &Schema) -> Result<SqlType, String> {
    Ok(match dt {
        DataType::Uuid => SqlType::Uuid,
        DataType::Text => SqlType::Text,
        DataType::Varchar(len) | DataType::CharacterVarying(len) | DataType::CharVarying(len) => {
            SqlType::Varchar(length(len, dt)?)
        }
        // `char` without a length is `char(1)` in PostgreSQL.
        DataType::Char(len) | DataType::Character(len) => {
            SqlType::Char(Some(length(len, dt)?.unwrap_or(1)))
        }
        DataType::SmallInt(_) | DataType::Int2(_) => SqlType::SmallInt,
        DataType::Int(_) | DataType::Integer(_) | DataType::Int4(_) => SqlType::Integer,
        DataType::BigInt(_) | DataType::Int8(_) => SqlType::BigInt,
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info) => {
            SqlType::Numeric(precision(info, dt)?)
        }
        DataType::Real | DataType::Float4 => SqlType::Real,
        DataType::DoublePrecision | DataType::Float8 => SqlType::Double,
        // `float(p)` is real up to 24 binary digits, double precision above.
        DataType::Float(ExactNumberInfo::Precision(p)) if *p <= 24 => SqlType::Real,
        DataType::Float(ExactNumberInfo::None | ExactNumberInfo::Precision(_)) => SqlType::Double,
        DataType::Bool | DataType::Boolean => SqlType::Boolean,
        DataType::Timestamp(_, TimezoneInfo::Tz | TimezoneInfo::WithTimeZone) => {
            SqlType::Timestamptz
        }
        DataType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => {
            SqlType::Timestamp
        }
        DataType::Date => SqlType::Date,
        DataType::Time(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => SqlType::Time,
        DataType::Interval { .. } => SqlType::Interval,
        DataType::JSON => SqlType::Json,
        DataType::JSONB => SqlType::Jsonb,
        DataType::Bytea => SqlType::Bytea,
        // `int[][]` is the same type as `int[]` in PostgreSQL.
        DataType::Array(ArrayElemTypeDef::SquareBracket(elem, _)) => {
            match sql_type(elem, schema)? {
                array @ SqlType::Array(_) => array,
                elem => SqlType::Array(Box::new(elem)),
            }
        }
        DataType::Custom(name, modifiers) if modifiers.is_empty() => {
            let written = schema.dialect.object_name(name)?;
            match schema.dialect.named_type(&written) {
                Some(ty) => ty,
                None => user_type(name, schema)?,
            }
        }
        DataType::Custom(name, modifiers) => {
            let name = schema.dialect.object_name(name)?;
            let modifiers: Vec<String> = modifiers.iter().map(ToString::to_string).collect();
            SqlType::Other(format!("{name}({})", modifiers.join(",")))
        }
        other => SqlType::Other(other.to_string().to_lowercase()),
    })
}

/// A type named by the user: an enum, domain or composite type of the migrations, else a
/// built-in or extension type the model has no family for.
fn user_type(name: &sqlparser::ast::ObjectName, schema: &Schema) -> Result<SqlType, String> {
    let resolved = schema.type_name(name)?;
    Ok(if schema.enums.contains_key(&resolved) {
        SqlType::Enum(resolved)
    } else if schema.domains.contains_key(&resolved) {
        SqlType::Domain(resolved)
    } else if schema.composites.contains_key(&resolved) {
        SqlType::Other(resolved)
    } else {
        SqlType::Other(schema.dialect.object_name(name)?)
    })
}

fn length(len: &Option<CharacterLength>, dt: &DataType) -> Result<Option<u32>, String> {
    match len {
        None => Ok(None),
        Some(CharacterLength::IntegerLength { length, unit: None }) => u32::try_from(*length)
            .map(Some)
            .map_err(|_| format!("length out of range in `{dt}`")),
        Some(_) => Err(format!("cannot read the length of `{dt}`")),
    }
}

fn precision(info: &ExactNumberInfo, dt: &DataType) -> Result<Option<(u32, u32)>, String> {
    let (p, s) = match *info {
        ExactNumberInfo::None => return Ok(None),
        ExactNumberInfo::Precision(p) => (p, 0),
        ExactNumberInfo::PrecisionAndScale(p, s) => (p, s),
    };
    match (u32::try_from(p), u32::try_from(s)) {
        (Ok(p), Ok(s)) => Ok(Some((p, s))),
        _ => Err(format!("precision or scale out of range in `{dt}`")),
    }
}

impl Schema {
    /// The type named by `text` as PostgreSQL prints it (`format_type`): `character
    /// varying(120)`, `timestamp with time zone`, `integer[]`, `audit.kind`.
    pub fn parse_type(&self, text: &str) -> Result<SqlType, String> {
        let dt = sqlparser::parser::Parser::new(self.dialect.parser())
            .try_with_sql(text)
            .and_then(|mut p| p.parse_data_type())
            .map_err(|e| format!("cannot read the type `{text}`: {e}"))?;
        sql_type(&dt, self)
    }
}
