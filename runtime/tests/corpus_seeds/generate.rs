//! One row per seedable table, generated from the schema model: the Rust source of a scratch
//! crate whose `seed!` sets (one per table, each in a module of its own) give every required
//! column a value the macros accept and PostgreSQL takes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use seedbed_core::schema::{Column, Generation, Schema, SqlType, Table};

/// A column's value in a generated row.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Rust tokens of a literal (or a plain expression, for `bytea`).
    Lit(String),
    /// The labelled row of another table: a path to its label constant.
    Ref { table: String },
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub table: String,
    /// Module and unit name.
    pub unit: String,
    /// The row is labelled `row` (single uuid or generated key).
    pub labelled: bool,
    pub values: Vec<(String, Val)>,
    /// Tables whose rows this one references.
    pub deps: BTreeSet<String>,
}

#[derive(Debug, Default)]
pub struct Generated {
    /// Seedable tables: not tainted, not a view, not a partition.
    pub seedable: Vec<String>,
    /// In dependency order.
    pub plans: Vec<Plan>,
    pub skipped: BTreeMap<String, String>,
    pub source: String,
    /// Lines of `source` (1-based, inclusive) each table's module spans.
    pub lines: Vec<(usize, usize, String)>,
}

/// The reason given for a table without a primary key.
pub const NO_PRIMARY_KEY: &str = "no primary key: seedbed's runner refuses to write a table whose \
     rows its ledger cannot track (\"has no primary key: seedbed cannot track its rows\")";

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "_",
];

/// Whether `seed!` can name `name` (a table, schema or column): a Rust identifier that is not
/// a keyword.
fn nameable(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RUST_KEYWORDS.contains(&name)
}

/// The single uuid primary key seedbed derives for a labelled row.
fn derived_key(table: &Table) -> Option<&str> {
    match table.primary_key.as_slice() {
        [key] => table
            .columns
            .iter()
            .find(|c| &c.name == key && c.ty == SqlType::Uuid)
            .map(|c| c.name.as_str()),
        _ => None,
    }
}

/// The single integer primary key the database generates.
fn generated_key(table: &Table) -> Option<&str> {
    match table.primary_key.as_slice() {
        [key] => table
            .columns
            .iter()
            .find(|c| {
                &c.name == key
                    && c.generated
                    && matches!(c.ty, SqlType::SmallInt | SqlType::Integer | SqlType::BigInt)
            })
            .map(|c| c.name.as_str()),
        _ => None,
    }
}

fn label_key(table: &Table) -> Option<&str> {
    derived_key(table).or_else(|| generated_key(table))
}

struct Cx<'s> {
    schema: &'s Schema,
    counter: u64,
}

impl Cx<'_> {
    fn nullable(&self, column: &Column) -> bool {
        column.nullable && self.domain_chain(&column.ty).iter().all(|d| !d.not_null)
    }

    fn defaulted(&self, column: &Column) -> bool {
        column.default.is_some()
            || self
                .domain_chain(&column.ty)
                .iter()
                .any(|d| d.default.is_some())
    }

    fn domain_chain(&self, ty: &SqlType) -> Vec<&seedbed_core::schema::Domain> {
        let mut out = Vec::new();
        let mut ty = ty;
        while let Some(d) = self.schema.domain_of(ty) {
            out.push(d);
            ty = &d.base;
            if out.len() > 16 {
                break;
            }
        }
        out
    }

    /// The value lists the checks confine the column to (table checks naming it, domain
    /// checks on `value`).
    fn allowed_of(&self, table: &Table, column: &Column) -> Vec<Vec<String>> {
        let mut allowed: Vec<Vec<String>> = table
            .checks
            .iter()
            .flat_map(|c| &c.allowed)
            .filter(|a| a.column == column.name)
            .map(|a| a.values.clone())
            .collect();
        for d in self.domain_chain(&column.ty) {
            allowed.extend(
                d.checks
                    .iter()
                    .flat_map(|c| &c.allowed)
                    .filter(|a| a.column == "value")
                    .map(|a| a.values.clone()),
            );
        }
        allowed
    }
}

/// Every bound on the column, as `Bound`s.
fn bounds_of<'a>(
    cx: &'a Cx<'_>,
    table: &'a Table,
    column: &'a Column,
) -> Vec<seedbed_core::schema::Bound> {
    let mut out: Vec<seedbed_core::schema::Bound> = table
        .checks
        .iter()
        .flat_map(|c| &c.bounds)
        .filter(|b| b.column == column.name)
        .cloned()
        .collect();
    for d in cx.domain_chain(&column.ty) {
        out.extend(
            d.checks
                .iter()
                .flat_map(|c| &c.bounds)
                .filter(|b| b.column == "value")
                .cloned(),
        );
    }
    out
}

/// A number within every bound, preferring `preferred`; integral when `integral`.
fn pick_number(
    bounds: &[seedbed_core::schema::Bound],
    preferred: f64,
    integral: bool,
    range: (f64, f64),
) -> Option<f64> {
    let mut candidates = vec![preferred, 1.0, 2.0, 0.0, 10.0, 100.0];
    for b in bounds {
        candidates.extend([
            b.value,
            b.value + 1.0,
            b.value - 1.0,
            b.value.floor(),
            b.value.ceil(),
        ]);
        if !integral {
            candidates.extend([b.value + 0.5, b.value - 0.5, b.value + 0.01]);
        }
    }
    if !integral {
        candidates.push(0.5);
    }
    candidates.into_iter().find(|v| {
        (!integral || v.fract() == 0.0)
            && *v >= range.0
            && *v <= range.1
            && bounds.iter().all(|b| b.admits(*v))
    })
}

fn base_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let lower = lower.rsplit('.').next().unwrap_or(&lower).to_owned();
    match lower.find('(') {
        Some(i) => lower[..i].trim().to_owned(),
        None => lower.trim().to_owned(),
    }
}

fn modifier(name: &str) -> Option<u32> {
    let open = name.find('(')?;
    let close = name[open..].find(')')? + open;
    name[open + 1..close].split(',').next()?.trim().parse().ok()
}

impl Cx<'_> {
    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// The type's text form, as the server parses it, for `Other` types and composite
    /// attributes; `None` when no valid text is known.
    fn text_form(&mut self, ty: &SqlType, hint: &str) -> Result<String, String> {
        let ty = self.schema.base_type(ty).clone();
        let n = self.next();
        Ok(match &ty {
            SqlType::Uuid => format!("00000000-0000-4000-8000-{n:012x}"),
            SqlType::Text => format!("{hint}-{n}"),
            SqlType::Varchar(max) | SqlType::Char(max) => {
                let text = format!("{hint}-{n}");
                match max {
                    Some(max) => text
                        .chars()
                        .rev()
                        .take(*max as usize)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect(),
                    None => text,
                }
            }
            SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => (n % 30000 + 1).to_string(),
            SqlType::Numeric(_) | SqlType::Real | SqlType::Double => "1".into(),
            SqlType::Boolean => "true".into(),
            SqlType::Timestamptz => "2026-05-01 12:00:00+00".into(),
            SqlType::Timestamp => "2026-05-01 12:00:00".into(),
            SqlType::Date => "2026-05-01".into(),
            SqlType::Time => "12:00:00".into(),
            SqlType::Interval => "1 day".into(),
            SqlType::Json | SqlType::Jsonb => "{}".into(),
            SqlType::Bytea => "\\x01".into(),
            SqlType::Inet => "192.0.2.1".into(),
            SqlType::Enum(name) => self
                .schema
                .enums
                .get(name)
                .and_then(|l| l.first())
                .cloned()
                .ok_or_else(|| format!("enum `{name}` has no labels"))?,
            SqlType::Array(inner) => {
                let item = self.text_form(inner, hint)?;
                format!(
                    "{{\"{}\"}}",
                    item.replace('\\', "\\\\").replace('"', "\\\"")
                )
            }
            SqlType::Domain(name) => return Err(format!("domain `{name}` unknown to the model")),
            SqlType::Other(name) => self.other_text(name, hint, n)?,
        })
    }

    fn other_text(&mut self, name: &str, hint: &str, n: u64) -> Result<String, String> {
        if let Some(attributes) = self.schema.composites.get(name).cloned() {
            let mut parts = Vec::new();
            for (attr, ty) in &attributes {
                let text = self.text_form(ty, attr)?;
                parts.push(format!(
                    "\"{}\"",
                    text.replace('\\', "\\\\").replace('"', "\\\"")
                ));
            }
            return Ok(format!("({})", parts.join(",")));
        }
        let base = base_name(name);
        Ok(match base.as_str() {
            "citext" | "name" => format!("{hint}-{n}"),
            "tsvector" | "tsquery" => "a".into(),
            "int4range" | "int8range" | "numrange" => "[1,2)".into(),
            "int4multirange" | "int8multirange" | "nummultirange" => "{[1,2)}".into(),
            "daterange" => "[2026-01-01,2026-01-02)".into(),
            "tsrange" => "[\"2026-01-01 00:00\",\"2026-01-02 00:00\")".into(),
            "tstzrange" => "[\"2026-01-01 00:00+00\",\"2026-01-02 00:00+00\")".into(),
            "cidr" => "192.0.2.0/24".into(),
            "macaddr" => "08:00:2b:01:02:03".into(),
            "macaddr8" => "08:00:2b:01:02:03:04:05".into(),
            "money" => "1.00".into(),
            "bit" => "1".repeat(modifier(name).unwrap_or(1) as usize),
            "varbit" | "bit varying" => "1".into(),
            "xml" => "<a/>".into(),
            "point" => "(1,2)".into(),
            "line" => "{1,-1,0}".into(),
            "lseg" | "path" => "[(0,0),(1,1)]".into(),
            "box" => "((0,0),(1,1))".into(),
            "polygon" => "((0,0),(1,1),(1,0))".into(),
            "circle" => "<(0,0),1>".into(),
            "ltree" => "a.b".into(),
            "hstore" => "a=>1".into(),
            "oid" | "xid" | "regproc" => "1".into(),
            "timetz" | "time with time zone" => "12:00:00+00".into(),
            "timestamp with time zone" => "2026-05-01 12:00:00+00".into(),
            "timestamp without time zone" => "2026-05-01 12:00:00".into(),
            "time without time zone" => "12:00:00".into(),
            "vector" => format!(
                "[{}]",
                vec!["1"; modifier(name).unwrap_or(1) as usize].join(",")
            ),
            _ => return Err(format!("no text form known for type `{name}`")),
        })
    }

    /// Rust tokens for a value of `column`, within its checks.
    fn literal(&mut self, table: &Table, column: &Column, unique: bool) -> Result<String, String> {
        let bounds = bounds_of(self, table, column);
        let allowed = self.allowed_of(table, column);
        let base = self.schema.base_type(&column.ty).clone();
        let n = self.next();
        if let Some(list) = allowed.first() {
            let value = list
                .iter()
                .find(|v| allowed.iter().all(|l| l.contains(v)))
                .ok_or_else(|| format!("the checks on `{}` allow no common value", column.name))?;
            return Ok(match base {
                SqlType::SmallInt
                | SqlType::Integer
                | SqlType::BigInt
                | SqlType::Numeric(_)
                | SqlType::Real
                | SqlType::Double
                    if value.parse::<f64>().is_ok() =>
                {
                    value.clone()
                }
                SqlType::Boolean if value == "true" || value == "false" => value.clone(),
                _ => format!("{value:?}"),
            });
        }
        let preferred = if unique {
            (1000 + n % 20000) as f64
        } else {
            1.0
        };
        let number = |integral: bool, range: (f64, f64)| {
            pick_number(&bounds, preferred, integral, range)
                .ok_or_else(|| format!("no number satisfies the bounds on `{}`", column.name))
        };
        Ok(match &base {
            SqlType::SmallInt => format!("{}", number(true, (-32768.0, 32767.0))? as i64),
            SqlType::Integer => format!("{}", number(true, (-2147483648.0, 2147483647.0))? as i64),
            SqlType::BigInt => format!("{}", number(true, (-9e15, 9e15))? as i64),
            SqlType::Numeric(precision) => {
                let integral_room = precision.map_or(10, |(p, s)| p.saturating_sub(s));
                let limit = if integral_room == 0 {
                    0.99
                } else {
                    10f64.powi(integral_room.min(15) as i32) - 1.0
                };
                let scale = precision.map_or(2, |(_, s)| s);
                let v = number(scale == 0, (-limit, limit))?;
                if scale == 0 {
                    format!("{}", v as i64)
                } else {
                    if scale == 1 {
                        format!("{v:.1}")
                    } else {
                        format!("{v:.2}")
                    }
                }
            }
            SqlType::Real | SqlType::Double => format!("{:?}", number(false, (-1e30, 1e30))?),
            SqlType::Boolean => "true".into(),
            SqlType::Bytea => "vec![1u8, 2, 3]".into(),
            SqlType::Array(inner)
                if matches!(
                    **inner,
                    SqlType::SmallInt | SqlType::Integer | SqlType::BigInt
                ) =>
            {
                "[1]".into()
            }
            SqlType::Array(inner) if matches!(**inner, SqlType::Boolean) => "[true]".into(),
            SqlType::Array(inner)
                if matches!(
                    **inner,
                    SqlType::Real | SqlType::Double | SqlType::Numeric(_)
                ) =>
            {
                "[1.5]".into()
            }
            SqlType::Array(inner) if matches!(**inner, SqlType::Bytea | SqlType::Array(_)) => {
                return Err(format!("no literal for `{}`", base.sql_name()));
            }
            SqlType::Array(inner) => {
                let item = self.text_form(inner, &column.name)?;
                format!("[{item:?}]")
            }
            other => {
                let text = self.text_form(other, &column.name)?;
                format!("{text:?}")
            }
        })
    }
}

/// The row plan of every seedable table, the skipped ones with why, and the crate source.
pub fn generate(schema: &Schema, forced: &BTreeMap<String, String>) -> Generated {
    let mut out = Generated::default();
    let mut cx = Cx { schema, counter: 0 };
    let seedable: Vec<&Table> = schema
        .tables
        .values()
        .filter(|t| {
            !schema.tainted.contains_key(&t.name)
                && !schema.views.contains(&t.name)
                && t.partition_of.is_none()
        })
        .collect();
    out.seedable = seedable.iter().map(|t| t.name.clone()).collect();
    let seedable_names: BTreeSet<&str> = seedable.iter().map(|t| t.name.as_str()).collect();

    // Which columns of which table must be given: required ones, NOT NULL foreign keys (a
    // default could name a row that does not exist), and columns other tables' rows copy.
    let needs = |cx: &Cx<'_>, c: &Column, t: &Table| {
        let fk = t.foreign_keys.iter().any(|fk| fk.columns.contains(&c.name));
        !c.generated && !cx.nullable(c) && (!cx.defaulted(c) || fk)
    };
    let mut forced_columns: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for t in &seedable {
        let entry = deps.entry(t.name.clone()).or_default();
        for fk in &t.foreign_keys {
            let needed = fk
                .columns
                .iter()
                .any(|c| t.column(c).is_some_and(|c| needs(&cx, c, t)));
            if !needed {
                continue;
            }
            if fk.ref_table != t.name {
                entry.insert(fk.ref_table.clone());
            }
            let Some(r) = schema.table(&fk.ref_table) else {
                continue;
            };
            let by_label = fk.columns.len() == 1
                && label_key(r).is_some_and(|k| fk.ref_columns == [k.to_owned()]);
            if !by_label {
                forced_columns
                    .entry(r.name.clone())
                    .or_default()
                    .extend(fk.ref_columns.iter().cloned());
            }
        }
    }

    // Dependency order; tables in a circle of needed keys are skipped.
    let mut order: Vec<String> = Vec::new();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    loop {
        let ready: Vec<String> = deps
            .iter()
            .filter(|(t, d)| {
                !placed.contains(*t)
                    && d.iter()
                        .all(|d| placed.contains(d) || !deps.contains_key(d))
            })
            .map(|(t, _)| t.clone())
            .collect();
        if ready.is_empty() {
            break;
        }
        for t in ready {
            placed.insert(t.clone());
            order.push(t);
        }
    }
    for (t, d) in &deps {
        if !placed.contains(t) {
            let circle: Vec<&str> = d
                .iter()
                .filter(|d| !placed.contains(*d))
                .map(String::as_str)
                .collect();
            out.skipped.insert(
                t.clone(),
                format!(
                    "circular NOT NULL foreign keys (with {}): needs a nullable key filled later",
                    circle.join(", ")
                ),
            );
        }
    }

    let mut plans: BTreeMap<String, Plan> = BTreeMap::new();
    for (index, name) in order.iter().enumerate() {
        let t = schema.table(name).unwrap();
        let unit = format!(
            "t{index:03}_{}",
            name.to_ascii_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
        );
        let result = plan_table(
            &mut cx,
            t,
            unit,
            &seedable_names,
            &plans,
            &out.skipped,
            forced,
            forced_columns.get(name),
            &needs,
        );
        match result {
            Ok(plan) => {
                plans.insert(name.clone(), plan.clone());
                out.plans.push(plan);
            }
            Err(reason) => {
                out.skipped.insert(name.clone(), reason);
            }
        }
    }
    render(schema, &mut out, &plans);
    out
}

#[allow(clippy::too_many_arguments)]
fn plan_table(
    cx: &mut Cx<'_>,
    t: &Table,
    unit: String,
    seedable: &BTreeSet<&str>,
    plans: &BTreeMap<String, Plan>,
    skipped: &BTreeMap<String, String>,
    forced: &BTreeMap<String, String>,
    forced_columns: Option<&BTreeSet<String>>,
    needs: &dyn Fn(&Cx<'_>, &Column, &Table) -> bool,
) -> Result<Plan, String> {
    if let Some(reason) = forced.get(&t.name) {
        return Err(reason.clone());
    }
    if t.primary_key.is_empty() {
        return Err(NO_PRIMARY_KEY.to_owned());
    }
    let (schema_part, table_part) = match t.name.split_once('.') {
        Some((s, n)) => (Some(s), n),
        None => (None, t.name.as_str()),
    };
    for part in schema_part.into_iter().chain([table_part]) {
        if !nameable(part) {
            return Err(format!(
                "`{part}` is not a Rust identifier seed! can name (keyword or not an identifier; \
                 `r#{part}` is read as the name `r#{part}`)"
            ));
        }
    }
    let labelled = label_key(t).is_some();
    let derived = derived_key(t);
    let unique_cols: BTreeSet<&str> = t
        .unique
        .iter()
        .flatten()
        .chain(&t.primary_key)
        .map(String::as_str)
        .collect();
    let mut values: BTreeMap<String, Val> = BTreeMap::new();
    let mut deps = BTreeSet::new();
    let fk_columns: BTreeSet<&str> = t
        .foreign_keys
        .iter()
        .filter(|fk| {
            fk.columns
                .iter()
                .any(|c| t.column(c).is_some_and(|c| needs(cx, c, t)))
        })
        .flat_map(|fk| fk.columns.iter().map(String::as_str))
        .collect();
    // Plain values first: foreign keys may copy them (self-references).
    for c in &t.columns {
        let forced_here = forced_columns.is_some_and(|f| f.contains(&c.name));
        if fk_columns.contains(c.name.as_str()) {
            continue;
        }
        if !(needs(cx, c, t) || forced_here) {
            continue;
        }
        if labelled && Some(c.name.as_str()) == derived && !forced_here {
            continue;
        }
        if matches!(
            c.generation,
            Some(Generation::Stored | Generation::Identity { always: true })
        ) {
            return Err(format!(
                "column `{}` is referenced by another table's row but generated always",
                c.name
            ));
        }
        if c.generated && !forced_here {
            continue;
        }
        if !nameable(&c.name) {
            return Err(format!(
                "required column `{}` is not a Rust identifier seed! can name (keyword or not \
                 an identifier)",
                c.name
            ));
        }
        let value = cx.literal(t, c, unique_cols.contains(c.name.as_str()))?;
        values.insert(c.name.clone(), Val::Lit(value));
    }
    for fk in &t.foreign_keys {
        if !fk.columns.iter().any(|c| fk_columns.contains(c.as_str())) {
            continue;
        }
        for c in &fk.columns {
            if !nameable(c) {
                return Err(format!(
                    "foreign key column `{c}` is not a Rust identifier seed! can name"
                ));
            }
        }
        let own = fk.ref_table == t.name;
        if !own && !seedable.contains(fk.ref_table.as_str()) {
            return Err(format!(
                "references `{}`, which cannot be seeded (tainted, a view or a partition)",
                fk.ref_table
            ));
        }
        if let Some(why) = skipped.get(&fk.ref_table) {
            return Err(format!("references skipped `{}` ({why})", fk.ref_table));
        }
        let r = cx.schema.table(&fk.ref_table).unwrap();
        let by_label =
            fk.columns.len() == 1 && label_key(r).is_some_and(|k| fk.ref_columns == [k.to_owned()]);
        let computed: Vec<(String, Val)> = if by_label {
            if !own {
                deps.insert(r.name.clone());
            }
            vec![(
                fk.columns[0].clone(),
                Val::Ref {
                    table: r.name.clone(),
                },
            )]
        } else {
            let source: BTreeMap<String, Val> = if own {
                values.clone()
            } else {
                let Some(plan) = plans.get(&r.name) else {
                    return Err(format!("references `{}`, which has no row", r.name));
                };
                deps.insert(r.name.clone());
                plan.values.iter().cloned().collect()
            };
            let mut out = Vec::new();
            for (c, rc) in fk.columns.iter().zip(&fk.ref_columns) {
                match source.get(rc) {
                    Some(Val::Lit(v)) => out.push((c.clone(), Val::Lit(v.clone()))),
                    Some(Val::Ref { table }) => {
                        return Err(format!(
                            "foreign key ({}) to `{}` ({}): `{rc}` there is itself a reference to \
                             `{table}`, whose label constant is typed by `{table}`",
                            fk.columns.join(", "),
                            r.name,
                            fk.ref_columns.join(", ")
                        ));
                    }
                    None => {
                        return Err(format!(
                            "foreign key ({}) to `{}` ({}): the referenced row gives no value \
                             for `{rc}`",
                            fk.columns.join(", "),
                            r.name,
                            fk.ref_columns.join(", ")
                        ));
                    }
                }
            }
            out
        };
        for (c, v) in computed {
            match values.get(&c) {
                Some(existing) if *existing != v => {
                    return Err(format!(
                        "column `{c}` is in several foreign keys that need different rows"
                    ));
                }
                _ => {
                    values.insert(c, v);
                }
            }
        }
    }
    let ordered = t
        .columns
        .iter()
        .filter_map(|c| values.get(&c.name).map(|v| (c.name.clone(), v.clone())))
        .collect();
    Ok(Plan {
        table: t.name.clone(),
        unit,
        labelled,
        values: ordered,
        deps,
    })
}

fn block_name(table: &str) -> String {
    match table.split_once('.') {
        Some((s, n)) => format!("{s}::{n}"),
        None => table.to_owned(),
    }
}

fn render(_schema: &Schema, out: &mut Generated, plans: &BTreeMap<String, Plan>) {
    let mut src = String::new();
    src.push_str(
        "//! Generated by runtime/tests/corpus_seeds.rs: one row per seedable table.\n\
         #![allow(warnings, clippy::all)]\n\n\
         static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();\n\n",
    );
    for plan in &out.plans {
        let start = src.lines().count() + 1;
        let deps: Vec<&str> = plan
            .deps
            .iter()
            .filter_map(|d| plans.get(d).map(|p| p.unit.as_str()))
            .collect();
        let _ = writeln!(src, "mod {} {{", plan.unit);
        let _ = writeln!(src, "    seedbed::seed! {{");
        let _ = writeln!(src, "        /// One row of `{}`.", plan.table);
        if deps.is_empty() {
            let _ = writeln!(src, "        set {};", plan.unit);
        } else {
            let _ = writeln!(
                src,
                "        set {}(depends_on = [{}]);",
                plan.unit,
                deps.join(", ")
            );
        }
        let label = if plan.labelled { "row" } else { "_" };
        let _ = writeln!(src, "        {} {{", block_name(&plan.table));
        let _ = writeln!(src, "            {label} {{");
        for (column, value) in &plan.values {
            let tokens = match value {
                Val::Lit(tokens) => tokens.clone(),
                Val::Ref { table } if *table == plan.table => format!("{}::row", block_name(table)),
                Val::Ref { table } => {
                    format!("crate::{}::{}::row", plans[table].unit, block_name(table))
                }
            };
            let _ = writeln!(src, "                {column}: {tokens},");
        }
        let _ = writeln!(src, "            }}");
        let _ = writeln!(src, "        }}");
        let _ = writeln!(src, "    }}");
        let _ = writeln!(src, "}}\n");
        let end = src.lines().count();
        out.lines.push((start, end, plan.table.clone()));
    }
    src.push_str(MAIN);
    out.source = src;
}

const MAIN: &str = r#"
/// Migrates the database of the URL given, then applies each unit alone, in dependency order,
/// printing `ok UNIT INSERTED` or `err UNIT MESSAGE` per unit; then all of them again, twice,
/// printing `again UNIT OUTCOME STATEMENTS` and `third ...` (the statements written: none when
/// its digests matched).
fn main() {
    let url = std::env::args().nth(1).expect("a database URL");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let pool = seedbed::database::connect(&url).await.expect("connecting");
        if let Err(e) = seedbed::run::check_migrations(&pool, &MIGRATIONS, true).await {
            println!("migrate-error {}", chain(&e));
            std::process::exit(2);
        }
        let registry = match seedbed::select::Registry::discover() {
            Ok(r) => r,
            Err(e) => {
                println!("registry-error {}", chain(&e));
                return;
            }
        };
        let options = seedbed::run::RunOptions::new("development").unwrap();
        for unit in registry.select(None, "development").unwrap() {
            match seedbed::run::apply(&pool, &[unit], &options).await {
                Ok(reports) => {
                    let inserted: u64 =
                        reports.iter().flat_map(|r| &r.tables).map(|t| t.inserted).sum();
                    println!("ok {} {inserted}", unit.name);
                }
                Err(e) => println!("err {} {}", unit.name, chain(&e)),
            }
        }
        let units = registry.select(None, "development").unwrap();
        for pass in ["again", "third"] {
            let again = seedbed::run::apply_reporting(&pool, &units, &options).await;
            for report in &again.reports {
                let statements: usize = report.tables.iter().map(|t| t.statements.len()).sum();
                println!("{pass} {} {:?} {statements}", report.unit, report.outcome);
            }
        }
        pool.close().await;
    });
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text.replace('\n', " ")
}
"#;
