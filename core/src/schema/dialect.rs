//! The seam between the replay and the SQL dialect the migrations are written in.
//!
//! The replay (`replay.rs`, `table.rs`, `constraints.rs`, ...) follows the SQL standard's
//! statements as sqlparser reads them; what differs between engines, it asks a [`DdlDialect`]:
//! how statements are parsed, how an unquoted name is stored, which schema unqualified names
//! go to, the names it gives unnamed constraints, and the type names an engine builds in. PostgreSQL ([`Postgres`])
//! is the dialect there is; another engine is one more implementation, chosen when loading
//! ([`Schema::load_in`](super::Schema::load_in)).

use std::collections::BTreeSet;
use std::fmt;

use sqlparser::ast::{Expr, Ident, IndexColumn, ObjectName};

use super::{SqlType, names};

/// What the replay asks of the dialect of a database engine's DDL.
pub trait DdlDialect: Send + Sync + 'static {
    /// The engine's name, for messages and for telling dialects apart.
    fn name(&self) -> &'static str;
    /// sqlparser's dialect for the engine: how statements are parsed and tokenized.
    fn parser(&self) -> &dyn sqlparser::dialect::Dialect;
    /// An unquoted identifier as the engine's catalog stores it.
    fn fold(&self, unquoted: &str) -> String;
    /// The schema (its name as stored) that holds what an unqualified name creates when the
    /// search path names none; names in it are kept unqualified in the model.
    fn default_schema(&self) -> &'static str;
    /// The name the engine gives an unnamed constraint, index or sequence of `table` on
    /// `columns`, of a kind `label` names in PostgreSQL's words (`pkey`, `key`, `fkey`,
    /// `check`, `excl`, `idx`, `seq`), while the name is not among `taken`.
    fn default_name(
        &self,
        table: &str,
        columns: &[&str],
        label: &str,
        taken: &BTreeSet<&str>,
    ) -> String;
    /// The integer type of a type name that gives a column a sequence for default (`serial`).
    fn serial_type(&self, name: &str) -> Option<SqlType>;
    /// The family of a built-in type name that sqlparser reads as a custom name (`inet`).
    fn named_type(&self, name: &str) -> Option<SqlType>;
}

/// PostgreSQL's DDL.
pub struct Postgres;

impl DdlDialect for Postgres {
    fn name(&self) -> &'static str {
        "postgresql"
    }

    fn parser(&self) -> &dyn sqlparser::dialect::Dialect {
        &sqlparser::dialect::PostgreSqlDialect {}
    }

    // Folded to lower case; quoted identifiers are kept as written.
    fn fold(&self, unquoted: &str) -> String {
        unquoted.to_lowercase()
    }

    fn default_schema(&self) -> &'static str {
        "public"
    }

    fn default_name(
        &self,
        table: &str,
        columns: &[&str],
        label: &str,
        taken: &BTreeSet<&str>,
    ) -> String {
        names::postgres_default_name(table, columns, label, taken)
    }

    fn serial_type(&self, name: &str) -> Option<SqlType> {
        match name {
            "serial" | "serial4" => Some(SqlType::Integer),
            "bigserial" | "serial8" => Some(SqlType::BigInt),
            "smallserial" | "serial2" => Some(SqlType::SmallInt),
            _ => None,
        }
    }

    fn named_type(&self, name: &str) -> Option<SqlType> {
        Some(match name {
            "inet" => SqlType::Inet,
            "bpchar" => SqlType::Char(None),
            "int2" => SqlType::SmallInt,
            "int4" => SqlType::Integer,
            "int8" => SqlType::BigInt,
            "float4" => SqlType::Real,
            "float8" => SqlType::Double,
            "bool" => SqlType::Boolean,
            "timestamptz" => SqlType::Timestamptz,
            _ => return None,
        })
    }
}

/// The dialect a [`Schema`](super::Schema) is replayed in, with the naming rules built on it.
#[derive(Clone, Copy)]
pub struct Dialect(&'static dyn DdlDialect);

impl Dialect {
    pub const POSTGRES: Dialect = Dialect(&Postgres);

    pub const fn new(dialect: &'static dyn DdlDialect) -> Dialect {
        Dialect(dialect)
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    pub(crate) fn parser(self) -> &'static dyn sqlparser::dialect::Dialect {
        self.0.parser()
    }

    pub(crate) fn default_schema(self) -> &'static str {
        self.0.default_schema()
    }

    pub(crate) fn default_name(
        self,
        table: &str,
        columns: &[&str],
        label: &str,
        taken: &BTreeSet<&str>,
    ) -> String {
        self.0.default_name(table, columns, label, taken)
    }

    pub(crate) fn serial_type(self, name: &str) -> Option<SqlType> {
        self.0.serial_type(name)
    }

    pub(crate) fn named_type(self, name: &str) -> Option<SqlType> {
        self.0.named_type(name)
    }

    /// A word of SQL as a name: quoted ones as written, others folded.
    pub(crate) fn word(self, value: &str, quoted: bool) -> String {
        if quoted {
            value.to_owned()
        } else {
            self.0.fold(value)
        }
    }

    pub(crate) fn ident(self, ident: &Ident) -> String {
        self.word(&ident.value, ident.quote_style.is_some())
    }

    pub(crate) fn idents(self, idents: &[Ident]) -> Vec<String> {
        idents.iter().map(|i| self.ident(i)).collect()
    }

    /// A table or type name as written; names in the default schema are unqualified, others
    /// stay qualified. An unqualified name is resolved against the search path by
    /// [`Schema::existing`](super::Schema) and [`Schema::new_name`](super::Schema).
    pub(crate) fn object_name(self, name: &ObjectName) -> Result<String, String> {
        let parts = name
            .0
            .iter()
            .map(|part| part.as_ident().map(|i| self.ident(i)))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("cannot read the name `{name}`"))?;
        match parts.as_slice() {
            [schema, name] if schema == self.default_schema() => Ok(name.clone()),
            _ => Ok(parts.join(".")),
        }
    }

    /// `name` in `schema`, as the model spells it: unqualified in the default schema.
    pub(crate) fn in_schema(self, schema: &str, name: &str) -> String {
        if schema == self.default_schema() {
            name.to_owned()
        } else {
            format!("{schema}.{name}")
        }
    }

    /// The column names of an index or key, or `None` when one of them is an expression.
    pub(crate) fn plain_columns(self, columns: &[IndexColumn]) -> Option<Vec<String>> {
        columns.iter().map(|c| self.plain_column(c)).collect()
    }

    pub(crate) fn plain_column(self, column: &IndexColumn) -> Option<String> {
        self.column(&column.column.expr)
    }

    /// The column an expression is, when it is a bare name.
    pub(crate) fn column(self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Identifier(name) => Some(self.ident(name)),
            _ => None,
        }
    }
}

/// Every dialect seedbed has: what a model read back from the compile-time cache names.
const KNOWN: &[Dialect] = &[Dialect::POSTGRES];

impl serde::Serialize for Dialect {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Dialect {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Dialect, D::Error> {
        let name = String::deserialize(deserializer)?;
        KNOWN
            .iter()
            .copied()
            .find(|d| d.name() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown SQL dialect `{name}`")))
    }
}

impl Default for Dialect {
    fn default() -> Dialect {
        Dialect::POSTGRES
    }
}

impl PartialEq for Dialect {
    fn eq(&self, other: &Dialect) -> bool {
        self.name() == other.name()
    }
}

impl fmt::Debug for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
