//! Units built by hand (no macro, no schema check) on a table the tests create themselves, with
//! types the tests' schema has none of.

use std::borrow::Cow;

use seedbed::Value;
use seedbed::plan::{ColumnMeta, Row, Seed, TableMeta, Unit, UnitKind};

/// The table of these units: a composite key whose second column has a default, and columns
/// of types without an `=` operator.
pub const PAIRS_TABLE: &str = "CREATE TABLE t_pairs (
    a uuid NOT NULL,
    line integer NOT NULL DEFAULT 1,
    doc json,
    spot point,
    note text DEFAULT 'none',
    seen timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (a, line)
)";

static TABLE: TableMeta = TableMeta {
    name: "t_pairs",
    columns: &[
        ColumnMeta { name: "a" },
        ColumnMeta { name: "line" },
        ColumnMeta { name: "doc" },
        ColumnMeta { name: "spot" },
        ColumnMeta { name: "note" },
    ],
    primary_key: &[0, 1],
    generated_key: None,
};

const fn unit(name: &'static str, build: fn() -> Seed) -> Unit {
    Unit {
        name,
        kind: UnitKind::Scenario,
        description: "Runner tests: rows of t_pairs, built by hand.",
        depends_on: &[],
        environments: &[],
        explicit: true,
        file: file!(),
        line: line!(),
        schema_version: None,
        static_rows: Some(2),
        references: Vec::new,
        build,
    }
}

fn key(i: u8) -> Value {
    Value::Uuid(uuid::Uuid::from_bytes([i; 16]))
}

/// Version `scale("v", 1)`: 1 gives `doc`, `spot` and `note`; 2 leaves `note` out.
fn rows() -> Seed {
    let full = seedbed::scale("v", 1) == 1;
    let rows = (1..=2u8).map(move |i| {
        let mut values = vec![
            key(i),
            Value::Json(seedbed::json!({ "n": i })),
            Value::Text(Cow::Borrowed("(1,2)")),
        ];
        let columns: &'static [u16] = if full {
            values.push(Value::Text(Cow::Borrowed("given")));
            &[0, 2, 3, 4]
        } else {
            &[0, 2, 3]
        };
        Row {
            label: None,
            columns: Cow::Borrowed(columns),
            values,
        }
    });
    Seed::new().table(&TABLE, rows)
}

pub static PAIRS: Unit = unit("t_pairs", rows);

/// A value the server refuses, given by an expression (unchecked at compile time).
fn bad_rows() -> Seed {
    let rows = (1..=2u8).map(|i| Row {
        label: None,
        columns: Cow::Borrowed(&[0, 3]),
        values: vec![
            key(i),
            Value::Text(Cow::Borrowed(if i == 2 { "not a point" } else { "(0,0)" })),
        ],
    });
    Seed::new().table(&TABLE, rows)
}

pub static BAD: Unit = unit("t_bad_pairs", bad_rows);
