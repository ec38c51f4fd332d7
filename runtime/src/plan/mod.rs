//! Insert plans: what `seed!` and `#[scenario]` compile into, and what the runner applies.
//!
//! A [`Unit`] is registered once per seed set or scenario through `inventory`. Building it yields a
//! [`Seed`]: per table, a stream of [`Row`]s. Rows are produced lazily so that generated data never
//! sits in memory at once.

pub(crate) mod context;
pub(crate) mod encode;
pub(crate) mod int;
pub(crate) mod value;
pub(crate) mod wall_clock;

/// Row keys, derived the same way at compile time and at run time.
pub use seedbed_core::identity::{KEY_NAMESPACE, label_key, ordinal_key, ordinal_prefix};

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use uuid::Uuid;

/// Whether a unit was declared with `seed! { set name; ... }` or `#[scenario]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Set,
    Scenario,
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnitKind::Set => "set",
            UnitKind::Scenario => "scenario",
        })
    }
}

/// A seed set or scenario, as registered by the macros.
#[derive(Debug)]
pub struct Unit {
    pub name: &'static str,
    pub kind: UnitKind,
    /// The doc comment of the declaration.
    pub description: &'static str,
    pub depends_on: &'static [&'static str],
    /// Environments the unit may run in; empty means development and test.
    pub environments: &'static [&'static str],
    /// Applied only when named with `--only`, never by a run that applies everything.
    pub explicit: bool,
    pub file: &'static str,
    pub line: u32,
    /// The last migration version the unit was checked against at compile time.
    pub schema_version: Option<i64>,
    /// Number of rows when every row is written out literally (no loops).
    pub static_rows: Option<u64>,
    /// Units whose rows this one references, found from the paths it uses.
    pub references: fn() -> Vec<&'static str>,
    pub build: fn() -> Seed,
}

inventory::collect!(Unit);

impl Unit {
    /// The environments the unit runs in, with the default filled in.
    pub fn environments(&self) -> &'static [&'static str] {
        if self.environments.is_empty() {
            DEFAULT_ENVIRONMENTS
        } else {
            self.environments
        }
    }

    pub fn allows(&self, environment: &str) -> bool {
        self.environments().contains(&environment)
    }

    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// Declared dependencies followed by those implied by references, without repeats or itself.
    pub fn dependencies(&self) -> Vec<&'static str> {
        let mut all: Vec<&'static str> = self.depends_on.to_vec();
        for name in (self.references)() {
            if name != self.name && !all.contains(&name) {
                all.push(name);
            }
        }
        all
    }
}

/// Environments a unit runs in when it declares none.
pub const DEFAULT_ENVIRONMENTS: &[&str] = seedbed_core::environment::DEFAULT;

/// The shape of a table as the macros saw it in the migrations.
#[derive(Debug)]
pub struct TableMeta {
    pub name: &'static str,
    pub columns: &'static [ColumnMeta],
    /// Indexes into `columns` of the primary key.
    pub primary_key: &'static [u16],
    /// The integer primary key the database generates (identity, serial), when the table has
    /// one: seedbed draws the values from its sequence and records them per label.
    pub generated_key: Option<u16>,
}

#[derive(Debug)]
pub struct ColumnMeta {
    pub name: &'static str,
}

impl TableMeta {
    pub fn column_names(&self, indexes: &[u16]) -> Vec<&'static str> {
        indexes
            .iter()
            .map(|&i| self.columns[i as usize].name)
            .collect()
    }
}

/// One row: a label (its stable identity) or none, and values for a subset of the columns.
#[derive(Debug, Clone)]
pub struct Row {
    pub label: Option<&'static str>,
    /// Indexes into [`TableMeta::columns`], in the order of `values`: borrowed as the macros
    /// wrote them, owned once the runtime adds a key the database generates.
    pub columns: Cow<'static, [u16]>,
    pub values: Vec<crate::Value>,
}

/// The rows of one table in a unit, streamed.
pub struct TableRows {
    pub meta: &'static TableMeta,
    pub rows: Box<dyn Iterator<Item = Row>>,
}

impl fmt::Debug for TableRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TableRows")
            .field("table", &self.meta.name)
            .finish_non_exhaustive()
    }
}

/// What a unit inserts: its tables, each with a stream of rows.
#[derive(Debug, Default)]
pub struct Seed {
    pub tables: Vec<TableRows>,
}

impl Seed {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the rows of a table; rows of a table already present are appended to it.
    pub fn table(
        mut self,
        meta: &'static TableMeta,
        rows: impl Iterator<Item = Row> + 'static,
    ) -> Self {
        match self
            .tables
            .iter_mut()
            .find(|t| std::ptr::eq(t.meta, meta) || t.meta.name == meta.name)
        {
            Some(existing) => {
                let before = std::mem::replace(&mut existing.rows, Box::new(std::iter::empty()));
                existing.rows = Box::new(before.chain(rows));
            }
            None => self.tables.push(TableRows {
                meta,
                rows: Box::new(rows),
            }),
        }
        self
    }

    /// Merges another seed into this one (a scenario built from several `seed!` blocks).
    pub fn merge(self, other: Seed) -> Self {
        other
            .tables
            .into_iter()
            .fold(self, |seed, t| seed.table(t.meta, t.rows))
    }
}

/// What the async block of a `for` loop in a seed yields: first how many rows it makes, when
/// that is known, then its rows.
#[doc(hidden)]
pub enum Step {
    Len(Option<usize>),
    Row(Row),
}

/// The handle through which the async block of a loop yields its [`Step`]s.
#[doc(hidden)]
pub type Co = genawaiter::rc::Co<Step>;

/// The rows of a `for` loop in a seed, produced lazily by an async block (a generator).
///
/// The block owns what the loop walks and what its rows use, as a `move` closure would: a loop
/// over `people.iter()`, where `people` is a local `Vec` of a scenario, streams its rows after
/// the scenario's function has returned, which an iterator borrowing `people` could not.
#[doc(hidden)]
pub struct Loop<F: Future<Output = ()>> {
    rows: genawaiter::rc::Gen<Step, (), F>,
    /// Rows still to come, when the loop knows its length (a progress bar with an ETA).
    left: Option<usize>,
}

impl<F: Future<Output = ()>> Loop<F> {
    pub fn new(producer: impl FnOnce(Co) -> F) -> Self {
        let mut rows = genawaiter::rc::Gen::new(producer);
        // The first step makes the loop's iterator now, while the unit is built under the run's
        // context, as the rows around the loop are: its length, and the `scale` it reads.
        let left = match rows.resume() {
            genawaiter::GeneratorState::Yielded(Step::Len(len)) => len,
            _ => None,
        };
        Loop { rows, left }
    }
}

impl<F: Future<Output = ()>> Iterator for Loop<F> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        match self.rows.resume() {
            genawaiter::GeneratorState::Yielded(Step::Row(row)) => {
                self.left = self.left.map(|n| n.saturating_sub(1));
                Some(row)
            }
            _ => None,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.left {
            Some(n) => (n, Some(n)),
            None => (0, None),
        }
    }
}

/// How many rows a loop makes: known when it walks something of known length and writes
/// `per_item` rows for each item.
#[doc(hidden)]
pub fn loop_len(items: &impl Iterator, per_item: Option<usize>) -> Option<usize> {
    match (per_item, items.size_hint()) {
        (Some(k), (low, Some(high))) if low == high => Some(low.saturating_mul(k)),
        _ => None,
    }
}

/// A reference to a labelled row of another table, typed by that table.
///
/// `TABLE` is a marker type named after the table (`Venues` for `venues`), which `seed!`
/// declares next to the label constants: pointing a `venue_id` at a teacher's row does not
/// compile, and the error calls the row a `RowRef<Teachers>`. Label constants generated by
/// `seed!` have this type.
pub struct RowRef<TABLE>(pub RowId, PhantomData<fn() -> TABLE>);

impl<TABLE> RowRef<TABLE> {
    pub const fn new(
        unit: &'static str,
        table: &'static str,
        label: &'static str,
        key: u128,
    ) -> Self {
        RowRef(
            RowId {
                unit,
                table,
                label,
                key: Uuid::from_u128(key),
            },
            PhantomData,
        )
    }

    /// The row's primary key.
    pub const fn key(&self) -> Uuid {
        self.0.key
    }

    pub const fn id(&self) -> RowId {
        self.0
    }
}

// By hand: derives would ask the marker type for the same traits.
impl<TABLE> Clone for RowRef<TABLE> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<TABLE> Copy for RowRef<TABLE> {}

impl<TABLE> PartialEq for RowRef<TABLE> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<TABLE> Eq for RowRef<TABLE> {}

impl<TABLE> fmt::Debug for RowRef<TABLE> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RowRef").field(&self.0).finish()
    }
}

/// The marker type of a table: `seed!` implements it, with `HASH` a hash of the table's name,
/// for the type it declares next to each table's label constants. Rows of one table labelled
/// in two units have two marker types of one hash, and both fit the table's foreign keys.
#[doc(hidden)]
pub trait TableMarker<const HASH: u64> {}

/// An untyped reference to a labelled seed row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowId {
    pub unit: &'static str,
    pub table: &'static str,
    pub label: &'static str,
    pub key: Uuid,
}

/// Units referenced by a path used in a seed: a label constant, or the `ALL` list of a table.
pub trait ReferencedUnits {
    fn referenced_units(&self, out: &mut Vec<&'static str>);
}

impl<T> ReferencedUnits for RowRef<T> {
    fn referenced_units(&self, out: &mut Vec<&'static str>) {
        out.push(self.0.unit);
    }
}

impl<T> ReferencedUnits for [RowRef<T>] {
    fn referenced_units(&self, out: &mut Vec<&'static str>) {
        out.extend(self.iter().map(|r| r.0.unit));
    }
}

impl<R: ReferencedUnits + ?Sized> ReferencedUnits for &R {
    fn referenced_units(&self, out: &mut Vec<&'static str>) {
        (**self).referenced_units(out);
    }
}

/// Finds the units behind a path used in a seed, whatever its type: through [`ViaRefs`] when
/// it is a reference, else through [`ViaOther`], which finds none (autoref specialization).
#[doc(hidden)]
pub struct Probe<'a, T: ?Sized>(pub &'a T);

#[doc(hidden)]
pub trait ViaRefs {
    fn referenced_units(&self, out: &mut Vec<&'static str>);
}

impl<T: ReferencedUnits + ?Sized> ViaRefs for Probe<'_, T> {
    fn referenced_units(&self, out: &mut Vec<&'static str>) {
        self.0.referenced_units(out);
    }
}

#[doc(hidden)]
pub trait ViaOther {
    fn referenced_units(&self, _out: &mut Vec<&'static str>) {}
}

impl<T: ?Sized> ViaOther for &Probe<'_, T> {}
