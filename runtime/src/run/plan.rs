//! The plan of a run, between ordering and writing: per unit, what writing it will do, decided
//! from the ledger, the live catalog and what its definition builds now, before anything is
//! written. A unit the database cannot take (a table missing, or without a primary key) is
//! refused here, so a run that would fail on it writes nothing. The run carries the plan out
//! ([`crate::run::apply`]); `--status` reports each unit's [`Action`] and, for a unit without
//! loops, [`UnitPlan::changes`]: per table the rows new, kept and gone, from the ledger and the
//! catalog alone; `--dry-run` carries the plan out in a transaction that is rolled back, for
//! the exact counts (rows edited by hand included) and the SQL.

use std::collections::HashMap;

use crate::Error;
use crate::engine::Engine;
use crate::engine::catalog::Catalog;
use crate::engine::ledger::{Entry, TableChanges};
use crate::error::ApplyError;
use crate::plan::Unit;
use crate::plan::context::Context;
use crate::run::build::{self, TableRowsBuilt, build};
use crate::run::report::Outcome;

/// What writing a unit does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Not applied yet: every row is inserted.
    Apply,
    /// Its definition changed: rows are upserted under a new generation and the rows it no
    /// longer has deleted.
    Update,
    /// Applied and unchanged: written again only where rows were deleted or edited by hand.
    Verify,
}

/// How a unit's rows are to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    pub action: Action,
    /// The generation its rows are written under.
    pub generation: i64,
}

impl Decision {
    /// From the unit's ledger entry and the checksum of what its definition builds now.
    pub(crate) fn new(previous: Option<&Entry>, checksum: &str) -> Decision {
        match previous {
            None => Decision {
                action: Action::Apply,
                generation: 1,
            },
            Some(p) if p.checksum == checksum => Decision {
                action: Action::Verify,
                generation: p.generation,
            },
            Some(p) => Decision {
                action: Action::Update,
                generation: p.generation + 1,
            },
        }
    }

    /// What the unit's report says when anything is written.
    pub(crate) fn outcome(&self) -> Outcome {
        match self.action {
            Action::Apply => Outcome::Applied,
            Action::Update => Outcome::Updated,
            Action::Verify => Outcome::Restored,
        }
    }
}

/// One unit of the plan.
pub(crate) struct UnitPlan {
    pub unit: &'static Unit,
    pub previous: Option<Entry>,
    pub decision: Decision,
    /// The checksum of what the definition builds now (for a unit with loops not applied yet,
    /// computed while it streams).
    pub checksum: String,
    /// The rows of a unit without loops, built; `None` for a unit with loops, streamed later.
    pub rows: Option<Vec<TableRowsBuilt>>,
}

impl UnitPlan {
    /// Per table, what writing the unit would change, read from the ledger and the catalog
    /// (see [`Engine::changes`]); `None` for a unit with loops, whose rows are built only as
    /// they stream and compared by digest.
    pub(crate) async fn changes(
        &self,
        engine: &mut impl Engine,
    ) -> Result<Option<Vec<TableChanges>>, Error> {
        match &self.rows {
            Some(rows) => engine.changes(self.unit.name, rows).await.map(Some),
            None => Ok(None),
        }
    }
}

/// Plans one unit; `catalog`, when given, refuses the tables the database cannot take.
pub(crate) fn plan_unit(
    unit: &'static Unit,
    previous: Option<&Entry>,
    context: &Context,
    catalog: Option<&Catalog>,
) -> Result<UnitPlan, Error> {
    let (rows, checksum) = match unit.static_rows {
        Some(_) => {
            let (rows, checksum) = build(unit, context)?;
            (Some(rows), checksum)
        }
        None if previous.is_some() => (None, build::checksum(unit, context)?),
        None => (None, String::new()),
    };
    if let Some(catalog) = catalog {
        let tables = match &rows {
            Some(rows) => rows.iter().map(|t| t.meta).collect(),
            None => build::tables_of(unit, context)?,
        };
        for meta in tables {
            if catalog.table(meta.name)?.primary_key.is_empty() {
                return Err(Error::Apply(ApplyError::NoPrimaryKey {
                    unit: unit.name.into(),
                    table: meta.name.into(),
                }));
            }
        }
    }
    Ok(UnitPlan {
        unit,
        previous: previous.cloned(),
        decision: Decision::new(previous, &checksum),
        checksum,
        rows,
    })
}

/// Plans `units` in their order against the ledger's `entries` and the live `catalog`.
pub(crate) fn plan(
    units: &[&'static Unit],
    entries: &HashMap<String, Entry>,
    context: &Context,
    catalog: &Catalog,
) -> Result<Vec<UnitPlan>, Error> {
    units
        .iter()
        .map(|unit| plan_unit(unit, entries.get(unit.name), context, Some(catalog)))
        .collect()
}
