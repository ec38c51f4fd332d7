//! The compile-time schema: the migrations are read in version order and their DDL replayed
//! into a model of tables, columns, keys, checks and enum types, against which the macros
//! check seed rows.
//!
//! Statements that cannot change the shape of a table (indexes, views, functions, grants,
//! comments, data) are passed over. A statement that could change a table but that the loader
//! cannot follow *taints* the tables it names: a seed of such a table is an error naming the
//! file and line, every other table stays usable. A wrong model would make wrong seeds compile;
//! a tainted table never does.

mod bounds;
mod constraints;
pub mod dialect;
mod fallback;
mod names;
mod replay;
mod split;
mod table;
mod types;
mod user_types;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The shape of the database after replaying the migrations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// Tables by name: unqualified (`public.x` is `x`), lowercased unless quoted.
    pub tables: BTreeMap<String, Table>,
    /// Enum types by name, with their labels in order.
    pub enums: BTreeMap<String, Vec<String>>,
    /// Every migration file read (absolute), so the macros can make them compile dependencies.
    pub files: Vec<PathBuf>,
    /// The version of the last migration applied.
    pub version: Option<i64>,
    /// Unique indexes on plain columns, by index name: `DROP INDEX` must undo them.
    pub unique_indexes: BTreeMap<String, UniqueIndex>,
    /// Domains by name.
    pub domains: BTreeMap<String, Domain>,
    /// Composite types by name, with their attributes in order.
    pub composites: BTreeMap<String, Composite>,
    /// Views and materialized views: relations that cannot be seeded.
    pub views: BTreeSet<String>,
    /// Tables whose shape a statement may have changed in a way the loader cannot follow, with
    /// the first such statement. Seeding one is an error naming it.
    pub tainted: BTreeMap<String, LoadError>,
    /// Schemas created by the migrations (`public` is always there).
    pub schemas: BTreeSet<String>,
    /// The `search_path` of the session replaying the migrations: where unqualified names are
    /// looked up and created. `public` unless a migration sets it.
    pub search_path: Vec<String>,
    /// The search path was set with `SET LOCAL`: the migration's end restores it.
    #[serde(skip)]
    search_path_local: bool,
    /// The dialect the migrations are written in.
    #[serde(default)]
    pub dialect: dialect::Dialect,
}

/// The attributes of a composite type, in order.
pub type Composite = Vec<(String, SqlType)>;

/// `CREATE DOMAIN name AS base [NOT NULL] [DEFAULT ...] [CHECK (...)]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    pub base: SqlType,
    pub not_null: bool,
    pub default: Option<String>,
    /// Checks on `VALUE`; their bounds name the column `value`.
    pub checks: Vec<Check>,
}

/// A `CREATE UNIQUE INDEX` that the model counts as a uniqueness rule of its table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UniqueIndex {
    pub table: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    /// In the order of the table's definition.
    pub columns: Vec<Column>,
    /// Empty when the table has no primary key.
    pub primary_key: Vec<String>,
    /// Name of the primary key constraint (given or PostgreSQL's default, `<table>_pkey`).
    pub primary_key_name: Option<String>,
    /// Column sets of each UNIQUE constraint, UNIQUE column option and plain unique index.
    pub unique: Vec<Vec<String>>,
    /// Names of the UNIQUE constraints (given or PostgreSQL's default) with their columns, so
    /// `DROP CONSTRAINT` can find them; unique indexes live in [`Schema::unique_indexes`].
    pub unique_names: BTreeMap<String, Vec<String>>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<Check>,
    /// Names of constraints the model does not describe (EXCLUDE), so dropping one is no error.
    pub other_constraints: BTreeSet<String>,
    /// The partitioned table this one is a partition of: rows are seeded into the parent.
    pub partition_of: Option<String>,
    /// Its other indexes (not unique on plain columns for all rows: those are rules, in
    /// `unique`), by name, with their columns (an expression as its function's name or
    /// `expr`, as PostgreSQL names it). They constrain nothing; `schema diff` compares them.
    #[serde(default)]
    pub indexes: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub ty: SqlType,
    pub nullable: bool,
    /// The default expression as SQL text; serial columns get PostgreSQL's `nextval(...)`.
    pub default: Option<String>,
    /// The database supplies the value: identity, serial, a `nextval` default or a stored
    /// generated column. Always equal to `generation.is_some()`.
    pub generated: bool,
    /// How the value is generated; tells whether an explicit value is accepted.
    pub generation: Option<Generation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Generation {
    /// serial/bigserial/smallserial or an explicit `DEFAULT nextval(...)`: a value may be given.
    Sequence,
    /// `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY`; with `always`, inserting a value is an
    /// error unless the insert says `OVERRIDING SYSTEM VALUE`.
    Identity { always: bool },
    /// `GENERATED ALWAYS AS (expr) STORED`: a value can never be given.
    Stored,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SqlType {
    Uuid,
    Text,
    Varchar(Option<u32>),
    /// `char(n)`; `None` is `bpchar`, blank-padded without a length limit.
    Char(Option<u32>),
    SmallInt,
    Integer,
    BigInt,
    /// Precision and scale.
    Numeric(Option<(u32, u32)>),
    Real,
    Double,
    Boolean,
    Timestamptz,
    Timestamp,
    Date,
    Time,
    Interval,
    Json,
    Jsonb,
    Bytea,
    Inet,
    Array(Box<SqlType>),
    Enum(String),
    /// A domain of [`Schema::domains`].
    Domain(String),
    /// Any other type, by the name PostgreSQL prints (`money`, `tsvector`, `int4range`,
    /// `point`, a composite type, `citext`, `geometry(Point,4326)`): its values are written in
    /// the type's text form and cast by the server.
    Other(String),
}

impl SqlType {
    /// The type as PostgreSQL users write it, e.g. `integer`, `varchar(120)`, `text[]`.
    pub fn sql_name(&self) -> String {
        match self {
            SqlType::Uuid => "uuid".into(),
            SqlType::Text => "text".into(),
            SqlType::Varchar(None) => "varchar".into(),
            SqlType::Varchar(Some(n)) => format!("varchar({n})"),
            SqlType::Char(None) => "bpchar".into(),
            SqlType::Char(Some(n)) => format!("char({n})"),
            SqlType::SmallInt => "smallint".into(),
            SqlType::Integer => "integer".into(),
            SqlType::BigInt => "bigint".into(),
            SqlType::Numeric(None) => "numeric".into(),
            SqlType::Numeric(Some((p, s))) => format!("numeric({p},{s})"),
            SqlType::Real => "real".into(),
            SqlType::Double => "double precision".into(),
            SqlType::Boolean => "boolean".into(),
            SqlType::Timestamptz => "timestamptz".into(),
            SqlType::Timestamp => "timestamp".into(),
            SqlType::Date => "date".into(),
            SqlType::Time => "time".into(),
            SqlType::Interval => "interval".into(),
            SqlType::Json => "json".into(),
            SqlType::Jsonb => "jsonb".into(),
            SqlType::Bytea => "bytea".into(),
            SqlType::Inet => "inet".into(),
            SqlType::Array(elem) => format!("{}[]", elem.sql_name()),
            SqlType::Enum(name) | SqlType::Domain(name) | SqlType::Other(name) => name.clone(),
        }
    }

    /// Whether this type is the user-defined type `name` (enum, domain, composite) or an array
    /// of it.
    pub(crate) fn uses_type(&self, name: &str) -> bool {
        match self {
            SqlType::Enum(n) | SqlType::Domain(n) | SqlType::Other(n) => n == name,
            SqlType::Array(elem) => elem.uses_type(name),
            _ => false,
        }
    }

    /// Renames the user-defined type `from` wherever this type uses it.
    pub(crate) fn rename_type(&mut self, from: &str, to: &str) {
        match self {
            SqlType::Enum(n) | SqlType::Domain(n) | SqlType::Other(n) if n == from => {
                *n = to.to_owned()
            }
            SqlType::Array(elem) => elem.rename_type(from, to),
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The constraint's name: as given, or PostgreSQL's default (`<table>_<columns>_fkey`).
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: String,
    /// The referenced table's primary key when the migration omits the list.
    pub ref_columns: Vec<String>,
    /// `CASCADE`, `SET NULL`, `SET DEFAULT`, `RESTRICT` or `NO ACTION`, when written.
    pub on_delete: Option<String>,
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`: checked at commit unless a transaction says otherwise.
    pub initially_deferred: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// The constraint's name: as given, or PostgreSQL's default (`<table>[_<column>]_check`).
    pub name: Option<String>,
    /// The expression, as sqlparser prints it.
    pub sql: String,
    /// Numeric bounds the check puts on single columns, for early errors on literal values.
    pub bounds: Vec<Bound>,
    /// Lists of values the check confines single columns to.
    pub allowed: Vec<Allowed>,
    /// Columns of the table that the expression mentions.
    pub columns: Vec<String>,
}

/// `column IN (values)`, one conjunct of a check; values in their text form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allowed {
    pub column: String,
    pub values: Vec<String>,
}

/// `column op value`, one conjunct of a check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bound {
    pub column: String,
    pub op: CmpOp,
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CmpOp {
    Lt,
    LtEq,
    Gt,
    GtEq,
    Eq,
    NotEq,
}

impl CmpOp {
    /// The operator seen from the other side: `1 < x` is `x > 1`.
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::LtEq => CmpOp::GtEq,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::GtEq => CmpOp::LtEq,
            CmpOp::Eq | CmpOp::NotEq => self,
        }
    }

    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            CmpOp::Lt => left < right,
            CmpOp::LtEq => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::GtEq => left >= right,
            CmpOp::Eq => left == right,
            CmpOp::NotEq => left != right,
        }
    }
}

impl Bound {
    /// Whether `value` satisfies this bound.
    pub fn admits(&self, value: f64) -> bool {
        self.op.holds(value, self.value)
    }
}

/// Why the migrations could not be read into a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadError {
    pub file: PathBuf,
    /// 1-based line of the offending statement; 0 when the error is about the whole file or
    /// folder.
    pub line: u64,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
        }
    }
}

impl std::error::Error for LoadError {}

impl Default for Schema {
    /// An empty PostgreSQL schema.
    fn default() -> Schema {
        Schema::new(dialect::Dialect::POSTGRES)
    }
}

impl Schema {
    /// An empty schema of `dialect`: no tables, the dialect's default schema on the search path.
    pub fn new(dialect: dialect::Dialect) -> Schema {
        Schema {
            tables: BTreeMap::new(),
            enums: BTreeMap::new(),
            files: Vec::new(),
            version: None,
            unique_indexes: BTreeMap::new(),
            domains: BTreeMap::new(),
            composites: BTreeMap::new(),
            views: BTreeSet::new(),
            tainted: BTreeMap::new(),
            schemas: BTreeSet::new(),
            search_path: vec![dialect.default_schema().to_owned()],
            search_path_local: false,
            dialect,
        }
    }
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// The domain `ty` names, if it is a domain.
    pub fn domain_of(&self, ty: &SqlType) -> Option<&Domain> {
        match ty {
            SqlType::Domain(name) => self.domains.get(name),
            _ => None,
        }
    }

    /// The type values of `ty` are checked as: a domain's base type, else `ty` itself.
    pub fn base_type<'a>(&'a self, ty: &'a SqlType) -> &'a SqlType {
        match self.domain_of(ty) {
            Some(domain) => self.base_type(&domain.base),
            None => ty,
        }
    }
}

impl Table {
    pub fn new(name: String) -> Table {
        Table {
            name,
            columns: Vec::new(),
            primary_key: Vec::new(),
            primary_key_name: None,
            unique: Vec::new(),
            unique_names: BTreeMap::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            other_constraints: BTreeSet::new(),
            partition_of: None,
            indexes: BTreeMap::new(),
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub(crate) fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// Every constraint name in use on this table, for PostgreSQL's default-name choice.
    pub(crate) fn constraint_names(&self) -> BTreeSet<&str> {
        let mut names: BTreeSet<&str> = self.unique_names.keys().map(String::as_str).collect();
        names.extend(self.primary_key_name.as_deref());
        names.extend(self.foreign_keys.iter().filter_map(|fk| fk.name.as_deref()));
        names.extend(self.checks.iter().filter_map(|c| c.name.as_deref()));
        names.extend(self.other_constraints.iter().map(String::as_str));
        names
    }
}

impl Column {
    pub(crate) fn set_generation(&mut self, generation: Option<Generation>) {
        self.generation = generation;
        self.generated = generation.is_some();
    }
}
