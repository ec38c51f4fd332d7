//! The model against PostgreSQL itself: every migrations folder of the repository (Festival
//! Scout's, the examples', and the vendored corpus of public projects under `tests/corpus/`) is
//! applied to a fresh database the way its tool applies it, `pg_catalog` is read back, and every
//! table the model does not mark as tainted must agree with [`Schema::load`]: columns in order,
//! types, nullability, presence of a default, identity and stored generated columns, primary
//! keys, unique column sets, foreign keys with their deferrability, the number of checks, enum
//! labels, views and partitions.
//!
//! The server is `SEEDBED_TEST_ADMIN_URL` (default `postgres://postgres@127.0.0.1:5432`); each
//! folder gets a database `wt_corpus_<folder>`, dropped before and after its run. Run with
//! `--nocapture` to see the per-folder figures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use futures_util::stream::{self, StreamExt};
use seedbed_core::layout::{Layout, read_migrations};
use seedbed_core::schema::{Generation, Schema, SqlType};
use sqlx::{Connection, PgConnection, Row};

fn admin_url() -> String {
    std::env::var("SEEDBED_TEST_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// Every migrations folder of the repository, with a short name.
fn folders() -> Vec<(String, PathBuf)> {
    let core = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = core.parent().unwrap();
    let mut folders = vec![("festival_scout".to_owned(), root.join("migrations"))];
    let mut subfolders = |parent: &Path, prefix: &str| {
        let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(parent)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("migrations").is_dir())
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().replace('-', "_");
                (format!("{prefix}{name}"), p.join("migrations"))
            })
            .collect();
        found.sort();
        folders.extend(found);
    };
    subfolders(&root.join("examples"), "example_");
    subfolders(&core.join("tests/corpus"), "");
    folders
}

#[derive(Default)]
struct Report {
    name: String,
    layout: Option<Layout>,
    migrations: usize,
    pg_tables: usize,
    modelled: usize,
    tainted: Vec<String>,
    differences: Vec<String>,
    seconds: f64,
}

#[test]
fn model_matches_postgres() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let reports: Vec<Report> = runtime.block_on(async {
        stream::iter(folders())
            .map(|(name, dir)| check_folder(name, dir))
            .buffer_unordered(3)
            .collect()
            .await
    });
    let mut reports = reports;
    reports.sort_by(|a, b| a.name.cmp(&b.name));
    let mut failures = 0;
    eprintln!(
        "{:<26} {:>8} {:>10} {:>9} {:>8} {:>8} {:>11} {:>6}",
        "folder", "layout", "migrations", "pg tables", "modelled", "tainted", "differences", "secs"
    );
    for r in &reports {
        let layout = r.layout.map_or("?".to_owned(), |l| l.to_string());
        eprintln!(
            "{:<26} {:>8} {:>10} {:>9} {:>8} {:>8} {:>11} {:>6.1}",
            r.name,
            layout,
            r.migrations,
            r.pg_tables,
            r.modelled,
            r.tainted.len(),
            r.differences.len(),
            r.seconds
        );
    }
    for r in &reports {
        for t in &r.tainted {
            eprintln!("{}: tainted (not compared): {t}", r.name);
        }
    }
    for r in &reports {
        for d in &r.differences {
            failures += 1;
            eprintln!("{}: {d}", r.name);
        }
    }
    assert_eq!(
        failures, 0,
        "the model differs from PostgreSQL (listed above)"
    );
}

async fn check_folder(name: String, dir: PathBuf) -> Report {
    let started = Instant::now();
    let mut report = Report {
        name: name.clone(),
        ..Report::default()
    };
    let database = format!("wt_corpus_{name}");
    let result = async {
        let mut admin = PgConnection::connect(&format!("{}/postgres", admin_url()))
            .await
            .map_err(|e| format!("cannot connect to the server: {e}"))?;
        drop_database(&mut admin, &database).await?;
        sqlx::raw_sql(&format!("CREATE DATABASE {database}"))
            .execute(&mut admin)
            .await
            .map_err(|e| format!("cannot create {database}: {e}"))?;
        let outcome = migrate_and_compare(&dir, &database, &mut report).await;
        let dropped = drop_database(&mut admin, &database).await;
        outcome.and(dropped)
    }
    .await;
    if let Err(e) = result {
        report.differences.push(e);
    }
    report.seconds = started.elapsed().as_secs_f64();
    report
}

async fn drop_database(admin: &mut PgConnection, database: &str) -> Result<(), String> {
    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        .execute(admin)
        .await
        .map(drop)
        .map_err(|e| format!("cannot drop {database}: {e}"))
}

async fn migrate_and_compare(
    dir: &Path,
    database: &str,
    report: &mut Report,
) -> Result<(), String> {
    let migrations = read_migrations(dir).map_err(|e| format!("layout: {e}"))?;
    report.layout = Some(migrations.layout);
    report.migrations = migrations.migrations.len();
    let mut conn = PgConnection::connect(&format!("{}/{database}", admin_url()))
        .await
        .map_err(|e| format!("cannot connect to {database}: {e}"))?;
    for m in &migrations.migrations {
        let sql = std::fs::read_to_string(&m.up).map_err(|e| format!("{}: {e}", m.up.display()))?;
        let applied = if m.run_in_transaction {
            let mut tx = conn.begin().await.map_err(|e| e.to_string())?;
            let run = sqlx::raw_sql(&sql).execute(&mut *tx).await;
            match run {
                Ok(_) => tx.commit().await.map(drop),
                Err(e) => Err(e),
            }
        } else {
            sqlx::raw_sql(&sql).execute(&mut conn).await.map(drop)
        };
        applied.map_err(|e| format!("PostgreSQL refused {}: {e}", m.up.display()))?;
    }
    let catalog = Catalog::read(&mut conn)
        .await
        .map_err(|e| format!("cannot read pg_catalog: {e}"))?;
    conn.close().await.ok();
    let schema = match Schema::load(dir) {
        Ok(schema) => schema,
        Err(e) => return Err(format!("Schema::load failed: {e}")),
    };
    report.pg_tables = catalog.tables.len();
    report.modelled = schema.tables.len();
    compare(&schema, &catalog, report);
    Ok(())
}

/// What `pg_catalog` says, keyed by the model's names (`public.x` is `x`).
#[derive(Default)]
struct Catalog {
    tables: BTreeMap<String, PgTable>,
    views: BTreeSet<String>,
    enums: BTreeMap<String, Vec<String>>,
}

#[derive(Default)]
struct PgTable {
    partition_of: Option<String>,
    columns: Vec<PgColumn>,
    primary_key: Vec<String>,
    unique: BTreeSet<Vec<String>>,
    foreign_keys: Vec<Fk>,
    checks: usize,
}

struct PgColumn {
    name: String,
    ty: String,
    /// `e` enum, `d` domain, `c` composite, ... of the type or of its array element.
    kind: String,
    not_null: bool,
    has_default: bool,
    identity: String,
    generated: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Fk {
    columns: Vec<String>,
    ref_table: String,
    ref_columns: Vec<String>,
    deferrable: bool,
    deferred: bool,
}

const USER_NAMESPACE: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";

const MODEL_NAME: &str = "CASE WHEN n.nspname = 'public' THEN c.relname::text \
     ELSE n.nspname || '.' || c.relname END";

impl Catalog {
    async fn read(conn: &mut PgConnection) -> Result<Catalog, sqlx::Error> {
        let mut catalog = Catalog::default();
        let mut names: BTreeMap<i64, String> = BTreeMap::new();
        let relations = format!(
            "SELECT c.oid::int8, {MODEL_NAME}, c.relkind::text,
                    (SELECT CASE WHEN pn.nspname = 'public' THEN pc.relname::text
                                 ELSE pn.nspname || '.' || pc.relname END
                       FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
                       JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                      WHERE i.inhrelid = c.oid AND c.relispartition)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p', 'v', 'm') AND {USER_NAMESPACE}
                AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                   AND d.deptype = 'e')"
        );
        for row in sqlx::query(&relations).fetch_all(&mut *conn).await? {
            let oid: i64 = row.get(0);
            let name: String = row.get(1);
            let kind: String = row.get(2);
            if kind == "v" || kind == "m" {
                catalog.views.insert(name);
                continue;
            }
            names.insert(oid, name.clone());
            catalog.tables.insert(
                name,
                PgTable {
                    partition_of: row.get(3),
                    ..PgTable::default()
                },
            );
        }
        let oids: Vec<i64> = names.keys().copied().collect();
        let columns = "SELECT a.attrelid::int8, a.attname::text,
                    format_type(a.atttypid, a.atttypmod),
                    COALESCE(et.typtype, t.typtype)::text,
                    a.attnotnull OR (t.typtype = 'd' AND t.typnotnull),
                    a.atthasdef OR (t.typtype = 'd' AND t.typdefault IS NOT NULL),
                    a.attidentity::text, a.attgenerated::text
               FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
               LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
              WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid = ANY($1::int8[]::oid[])
              ORDER BY a.attrelid, a.attnum";
        for row in sqlx::query(columns)
            .bind(&oids)
            .fetch_all(&mut *conn)
            .await?
        {
            let table = &names[&row.get::<i64, _>(0)];
            catalog
                .tables
                .get_mut(table)
                .unwrap()
                .columns
                .push(PgColumn {
                    name: row.get(1),
                    ty: row.get(2),
                    kind: row.get(3),
                    not_null: row.get(4),
                    has_default: row.get(5),
                    identity: row.get(6),
                    generated: row.get(7),
                });
        }
        let constraints = "SELECT con.conrelid::int8, con.contype::text,
                    ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
                          ORDER BY k.i),
                    con.confrelid::int8,
                    ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
                          ORDER BY k.i),
                    con.condeferrable, con.condeferred
               FROM pg_constraint con
              WHERE con.conrelid = ANY($1::int8[]::oid[]) AND con.conparentid = 0";
        for row in sqlx::query(constraints)
            .bind(&oids)
            .fetch_all(&mut *conn)
            .await?
        {
            let table = catalog
                .tables
                .get_mut(&names[&row.get::<i64, _>(0)])
                .unwrap();
            let columns: Vec<String> = row.get(2);
            match row.get::<String, _>(1).as_str() {
                "p" => table.primary_key = columns,
                "u" => {
                    table.unique.insert(sorted(columns));
                }
                "c" => table.checks += 1,
                "f" => {
                    let ref_oid: i64 = row.get(3);
                    table.foreign_keys.push(Fk {
                        columns,
                        ref_table: names
                            .get(&ref_oid)
                            .cloned()
                            .unwrap_or_else(|| format!("oid {ref_oid}")),
                        ref_columns: row.get(4),
                        deferrable: row.get(5),
                        deferred: row.get(6),
                    });
                }
                _ => {}
            }
        }
        let unique_indexes = "SELECT i.indrelid::int8,
                    ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
                          WHERE k.o <= i.indnkeyatts ORDER BY k.o)
               FROM pg_index i
              WHERE i.indisunique AND NOT i.indisprimary AND i.indpred IS NULL
                AND i.indexprs IS NULL AND i.indrelid = ANY($1::int8[]::oid[])
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                                   AND c.conrelid = i.indrelid)";
        for row in sqlx::query(unique_indexes)
            .bind(&oids)
            .fetch_all(&mut *conn)
            .await?
        {
            let table = catalog
                .tables
                .get_mut(&names[&row.get::<i64, _>(0)])
                .unwrap();
            table.unique.insert(sorted(row.get(1)));
        }
        let enums = "SELECT CASE WHEN n.nspname = 'public' THEN t.typname::text
                         ELSE n.nspname || '.' || t.typname END,
                    array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
               FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
               JOIN pg_enum e ON e.enumtypid = t.oid
              WHERE NOT EXISTS (SELECT 1 FROM pg_depend d
                                 WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
                                   AND d.deptype = 'e')
              GROUP BY 1";
        for row in sqlx::query(enums).fetch_all(&mut *conn).await? {
            catalog.enums.insert(row.get(0), row.get(1));
        }
        Ok(catalog)
    }
}

fn sorted(mut columns: Vec<String>) -> Vec<String> {
    columns.sort();
    columns
}

/// A type name in one spelling: PostgreSQL's `format_type`, with the aliases the model prints
/// (`varchar(120)`, `timestamptz`, `int4`, ...) rewritten, quotes and spaces after commas gone.
fn normalize_type(ty: &str) -> String {
    let ty = ty.trim().replace('"', "").replace(", ", ",");
    if let Some(elem) = ty.strip_suffix("[]") {
        return format!("{}[]", normalize_type(elem));
    }
    let (base, args) = match ty.find('(') {
        Some(open) if !ty.contains(" with") => {
            (ty[..open].trim().to_owned(), ty[open..].to_owned())
        }
        _ => (ty.clone(), String::new()),
    };
    let base = match base.as_str() {
        "int" | "int4" | "integer" => "integer",
        "int8" => "bigint",
        "int2" => "smallint",
        "float8" | "float" => "double precision",
        "float4" => "real",
        "bool" => "boolean",
        "decimal" => "numeric",
        "varchar" => "character varying",
        "char" if !args.is_empty() => "character",
        "varbit" => "bit varying",
        "timestamptz" => return format!("timestamp{args} with time zone"),
        "timestamp" => return format!("timestamp{args} without time zone"),
        "timetz" => return format!("time{args} with time zone"),
        "time" => return format!("time{args} without time zone"),
        other => other,
    };
    format!("{base}{args}")
}

fn model_kind(ty: &SqlType) -> &'static str {
    match ty {
        SqlType::Array(elem) => model_kind(elem),
        SqlType::Enum(_) => "enum",
        SqlType::Domain(_) => "domain",
        _ => "other",
    }
}

fn compare(schema: &Schema, catalog: &Catalog, report: &mut Report) {
    let diffs = &mut report.differences;
    for (name, pg) in &catalog.tables {
        if let Some(taint) = schema.tainted.get(name) {
            report.tainted.push(format!("{name}: {taint}"));
            continue;
        }
        let Some(model) = schema.tables.get(name) else {
            let what = if schema.views.contains(name) {
                "a view in the model"
            } else {
                "missing from the model"
            };
            diffs.push(format!("table {name}: {what}, a table in PostgreSQL"));
            continue;
        };
        if model.partition_of != pg.partition_of {
            diffs.push(format!(
                "table {name}: partition of: model {:?}, PostgreSQL {:?}",
                model.partition_of, pg.partition_of
            ));
        }
        let model_columns: Vec<&str> = model.columns.iter().map(|c| c.name.as_str()).collect();
        let pg_columns: Vec<&str> = pg.columns.iter().map(|c| c.name.as_str()).collect();
        if model_columns != pg_columns {
            diffs.push(format!(
                "table {name}: columns: model {model_columns:?}, PostgreSQL {pg_columns:?}"
            ));
        }
        for pc in &pg.columns {
            let Some(mc) = model.column(&pc.name) else {
                continue;
            };
            let mut differ = |what: &str, m: String, p: String| {
                if m != p {
                    diffs.push(format!(
                        "{name}.{}: {what}: model {m}, PostgreSQL {p}",
                        pc.name
                    ));
                }
            };
            differ(
                "type",
                normalize_type(&mc.ty.sql_name()),
                normalize_type(&pc.ty),
            );
            let pg_kind = match pc.kind.as_str() {
                "e" => "enum",
                "d" => "domain",
                _ => "other",
            };
            if pg_kind != "other" || model_kind(&mc.ty) != "other" {
                differ(
                    "kind of type",
                    model_kind(&mc.ty).to_owned(),
                    pg_kind.to_owned(),
                );
            }
            differ(
                "not null",
                (!mc.nullable).to_string(),
                pc.not_null.to_string(),
            );
            let model_default = match mc.generation {
                Some(Generation::Identity { .. }) => false,
                Some(Generation::Stored) => true,
                _ => mc.default.is_some(),
            };
            differ(
                "has a default",
                model_default.to_string(),
                pc.has_default.to_string(),
            );
            let identity = match mc.generation {
                Some(Generation::Identity { always: true }) => "always",
                Some(Generation::Identity { always: false }) => "by default",
                _ => "no",
            };
            let pg_identity = match pc.identity.as_str() {
                "a" => "always",
                "d" => "by default",
                _ => "no",
            };
            differ("identity", identity.into(), pg_identity.into());
            let stored = mc.generation == Some(Generation::Stored);
            differ(
                "stored generated",
                stored.to_string(),
                (pc.generated == "s").to_string(),
            );
        }
        if pg.partition_of.is_some() {
            // A partition's keys are its parent's; the model seeds the parent.
            continue;
        }
        if model.primary_key != pg.primary_key {
            diffs.push(format!(
                "table {name}: primary key: model {:?}, PostgreSQL {:?}",
                model.primary_key, pg.primary_key
            ));
        }
        let model_unique: BTreeSet<Vec<String>> =
            model.unique.iter().cloned().map(sorted).collect();
        for set in model_unique.difference(&pg.unique) {
            diffs.push(format!(
                "table {name}: unique {set:?}: in the model, not in PostgreSQL"
            ));
        }
        for set in pg.unique.difference(&model_unique) {
            diffs.push(format!(
                "table {name}: unique {set:?}: in PostgreSQL, not in the model"
            ));
        }
        let mut model_fks: Vec<Fk> = model
            .foreign_keys
            .iter()
            .map(|fk| Fk {
                columns: fk.columns.clone(),
                ref_table: fk.ref_table.clone(),
                ref_columns: fk.ref_columns.clone(),
                deferrable: fk.deferrable,
                deferred: fk.initially_deferred,
            })
            .collect();
        model_fks.sort();
        let mut pg_fks = pg.foreign_keys.clone();
        pg_fks.sort();
        for fk in &model_fks {
            if !pg_fks.contains(fk) {
                diffs.push(format!(
                    "table {name}: foreign key {fk:?}: in the model, not in PostgreSQL"
                ));
            }
        }
        for fk in &pg_fks {
            if !model_fks.contains(fk) {
                diffs.push(format!(
                    "table {name}: foreign key {fk:?}: in PostgreSQL, not in the model"
                ));
            }
        }
        if model.checks.len() != pg.checks {
            diffs.push(format!(
                "table {name}: checks: model {}, PostgreSQL {}",
                model.checks.len(),
                pg.checks
            ));
        }
    }
    for name in schema.tables.keys() {
        if !catalog.tables.contains_key(name) && !schema.tainted.contains_key(name) {
            diffs.push(format!("table {name}: in the model, not in PostgreSQL"));
        }
    }
    for name in schema.views.difference(&catalog.views) {
        diffs.push(format!("view {name}: in the model, not in PostgreSQL"));
    }
    for name in catalog.views.difference(&schema.views) {
        diffs.push(format!("view {name}: in PostgreSQL, not in the model"));
    }
    for (name, labels) in &catalog.enums {
        match schema.enums.get(name) {
            Some(model) if model == labels => {}
            model => diffs.push(format!(
                "enum {name}: labels: model {model:?}, PostgreSQL {labels:?}"
            )),
        }
    }
    for name in schema.enums.keys() {
        if !catalog.enums.contains_key(name) {
            diffs.push(format!("enum {name}: in the model, not in PostgreSQL"));
        }
    }
}

#[test]
fn type_names_normalize() {
    let pairs = [
        ("varchar(120)", "character varying(120)"),
        ("varchar", "character varying"),
        ("char(3)", "character(3)"),
        ("timestamptz", "timestamp with time zone"),
        ("timestamp", "timestamp without time zone"),
        ("time", "time without time zone"),
        ("numeric(10, 2)", "numeric(10,2)"),
        ("int4[]", "integer[]"),
        ("\"Mood\"", "Mood"),
        ("double precision", "float8"),
    ];
    for (model, pg) in pairs {
        assert_eq!(normalize_type(model), normalize_type(pg), "{model} vs {pg}");
    }
}
