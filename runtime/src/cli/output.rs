//! What seed-runner prints on stdout: tables for people, JSON for scripts.
//!
//! Each `print_*` function prints one command's result, as an aligned table or, with `json`, as
//! pretty JSON (the serialized report types, which are the stable interface for scripts). The
//! pure parts ([`list`], [`summary`], [`print_graph`] into any writer) serve tests and programs
//! that print their own way.

use std::io::Write;

use serde::Serialize;

use crate::Error;
use crate::cli::GraphFormat;
use crate::engine::ledger::TableChanges;
use crate::migrations::{MigrationRun, MigrationState, MigrationStatus};
use crate::run::report::CleanupReport;
use crate::run::report::{Outcome, UnitReport};
use crate::run::{UnitState, UnitStatus};
use crate::select::registry::Registry;

/// `println!` that gives a closed stdout (`seed-runner --list | head`) back as
/// [`Error::StdoutClosed`], or another write error as an error, instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout().lock(), $($arg)*).map_err(Error::stdout)?
    };
}

fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<(), Error> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| Error::io("writing JSON", e.into()))?;
    out!("{text}");
    Ok(())
}

/// A unit as `--list` shows it.
#[derive(Debug, Serialize)]
pub struct ListedUnit {
    /// The unit's name, as `--only` takes it.
    pub name: &'static str,
    /// Seed set or scenario.
    pub kind: crate::UnitKind,
    /// What it needs applied first: declared with `depends_on`, then found from references.
    pub depends_on: Vec<&'static str>,
    /// The environments it runs in (the default filled in).
    pub environments: &'static [&'static str],
    /// Applied only when named with `--only`.
    pub explicit: bool,
    /// How many rows it writes, when every row is written out (`None` for generated rows).
    pub rows: Option<u64>,
    /// Its doc comment.
    pub description: &'static str,
    /// Where it is declared, `file:line`.
    pub location: String,
}

/// Every registered unit as `--list` shows it, by name.
pub fn list(registry: &Registry) -> Vec<ListedUnit> {
    registry
        .units()
        .map(|u| ListedUnit {
            name: u.name,
            kind: u.kind,
            depends_on: u.dependencies(),
            environments: u.environments(),
            explicit: u.explicit,
            rows: u.static_rows,
            description: u.description,
            location: u.location(),
        })
        .collect()
}

/// Prints `--list`: one line per unit (the first line of its description), or JSON.
pub fn print_list(registry: &Registry, json: bool) -> Result<(), Error> {
    let units = list(registry);
    if json {
        return print_json(&units);
    }
    out!(
        "{:<22} {:<9} {:>5}  {:<22} DESCRIPTION",
        "NAME",
        "KIND",
        "ROWS",
        "ENVIRONMENTS"
    );
    for u in units {
        let rows = u.rows.map_or_else(|| "gen".to_owned(), |r| r.to_string());
        let mut description = first_sentence(u.description);
        if u.explicit {
            description.push_str(" (only with --only)");
        }
        let environments: Vec<&str> = u
            .environments
            .iter()
            .map(|e| short_environment(e))
            .collect();
        out!(
            "{:<22} {:<9} {:>5}  {:<22} {description}",
            u.name,
            u.kind.to_string(),
            rows,
            environments.join(",")
        );
        if !u.depends_on.is_empty() {
            out!("{:<22} after: {}", "", u.depends_on.join(", "));
        }
    }
    Ok(())
}

/// The first sentence of a doc comment, shortened to fit one line of a listing.
fn first_sentence(description: &str) -> String {
    const WIDTH: usize = 90;
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = match text.find(". ") {
        Some(end) => &text[..=end],
        None => &text,
    };
    if sentence.chars().count() <= WIDTH {
        return sentence.to_owned();
    }
    let cut: String = sentence.chars().take(WIDTH - 1).collect();
    format!("{}…", cut.trim_end())
}

fn short_environment(environment: &str) -> &str {
    seedbed_core::environment::short(environment)
}

/// Writes the unit graph (`--graph`), an edge from each dependency to the units that need it.
///
/// ```standalone_crate
/// use seedbed::cli::GraphFormat;
/// use seedbed::select::Registry;
///
/// seedbed::seed! {
///     /// Dance styles.
///     set styles;
///     dance_styles { salsa { name: "Salsa", slug: "salsa" } }
/// }
///
/// seedbed::seed! {
///     /// Teachers, who teach the styles.
///     set teachers(depends_on = [styles]);
///     teachers { alma { name: "Alma", slug: "alma", specialties: ["salsa"] } }
/// }
///
/// fn main() -> Result<(), seedbed::Error> {
///     let registry = Registry::discover()?;
///     let mut out = Vec::new();
///     seedbed::cli::output::print_graph(&registry, GraphFormat::Mermaid, &mut out);
///     assert_eq!(
///         String::from_utf8_lossy(&out),
///         "graph LR\n  \
///            styles[\"styles (set)\"]\n  \
///            teachers[\"teachers (set)\"]\n  \
///            styles --> teachers\n"
///     );
///     Ok(())
/// }
/// ```
pub fn print_graph(registry: &Registry, format: GraphFormat, out: &mut impl Write) {
    let mut lines = Vec::new();
    match format {
        GraphFormat::Mermaid => {
            lines.push("graph LR".to_owned());
            for unit in registry.units() {
                lines.push(format!(
                    "  {}[\"{} ({})\"]",
                    unit.name, unit.name, unit.kind
                ));
                lines.extend(
                    unit.dependencies()
                        .iter()
                        .map(|d| format!("  {d} --> {}", unit.name)),
                );
            }
        }
        GraphFormat::Dot => {
            lines.push("digraph units {".to_owned());
            lines.push("  rankdir=LR;".to_owned());
            for unit in registry.units() {
                let shape = if unit.kind == crate::UnitKind::Set {
                    "box"
                } else {
                    "ellipse"
                };
                lines.push(format!("  \"{}\" [shape={shape}];", unit.name));
                lines.extend(
                    unit.dependencies()
                        .iter()
                        .map(|d| format!("  \"{d}\" -> \"{}\";", unit.name)),
                );
            }
            lines.push("}".to_owned());
        }
    }
    let _ = writeln!(out, "{}", lines.join("\n"));
}

/// The JSON of a run: its units, and the milliseconds from connecting to the end.
#[derive(Serialize)]
struct RunJson<'a> {
    units: &'a [UnitReport],
    millis: f64,
}

/// How to print what a run did.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOutput {
    /// The run was a dry run: nothing was written.
    pub dry_run: bool,
    /// Print each table's SQL statements too.
    pub sql: bool,
    /// JSON for scripts.
    pub json: bool,
    /// The time from connecting to the end of the run.
    pub millis: f64,
}

/// Prints what a run did.
pub fn print_apply(reports: &[UnitReport], output: ApplyOutput) -> Result<(), Error> {
    let ApplyOutput {
        dry_run,
        sql,
        json,
        millis,
    } = output;
    if json {
        return print_json(&RunJson {
            units: reports,
            millis,
        });
    }
    if dry_run {
        out!("dry run: nothing was written; this is what a run would do");
    }
    for report in reports {
        out!("{}", summary(report));
        if report.outcome != Outcome::Unchanged {
            for t in &report.tables {
                out!(
                    "    {:<28} {:>7} inserted {:>7} updated {:>7} unchanged {:>7} deleted",
                    t.table,
                    t.inserted,
                    t.updated,
                    t.unchanged,
                    t.deleted
                );
                if sql {
                    for statement in &t.statements {
                        let statement = statement.split_whitespace().collect::<Vec<_>>().join(" ");
                        out!("        {statement};");
                    }
                }
            }
        }
    }
    let changed = reports
        .iter()
        .filter(|r| r.outcome != Outcome::Unchanged)
        .count();
    let total = millis;
    if changed == 0 {
        out!(
            "nothing to do: {} unit(s) already applied and unchanged ({total:.1} ms after connecting)",
            reports.len()
        );
    } else {
        out!(
            "{changed} of {} unit(s) written ({total:.1} ms after connecting)",
            reports.len()
        );
    }
    Ok(())
}

/// One line per unit: `venues  applied  6 inserted, ... (3.1 ms)`.
pub fn summary(report: &UnitReport) -> String {
    let sum =
        |f: fn(&crate::run::report::TableReport) -> u64| report.tables.iter().map(f).sum::<u64>();
    let what = match report.outcome {
        Outcome::Unchanged => format!("unchanged, {} rows", sum(|t| t.unchanged)),
        Outcome::Restored => format!(
            "unchanged, but rows had drifted: {} put back, {} reset",
            sum(|t| t.inserted),
            sum(|t| t.updated)
        ),
        _ => format!(
            "{} inserted, {} updated, {} unchanged, {} deleted",
            sum(|t| t.inserted),
            sum(|t| t.updated),
            sum(|t| t.unchanged),
            sum(|t| t.deleted)
        ),
    };
    let outcome = match report.outcome {
        Outcome::Applied => "applied",
        Outcome::Updated => "updated",
        Outcome::Unchanged => "skipped",
        Outcome::Restored => "restored",
    };
    format!(
        "{:<22} {:<8} {what} ({:.1} ms)",
        report.unit, outcome, report.millis
    )
}

/// Prints `--status`: per unit its state, rows and when it was applied, or JSON.
pub fn print_status(statuses: &[UnitStatus], json: bool) -> Result<(), Error> {
    if json {
        return print_json(statuses);
    }
    let states: Vec<String> = statuses.iter().map(state).collect();
    // As wide as the longest state, so that the columns after it line up.
    let width = states.iter().map(String::len).max().unwrap_or(0).max(28);
    out!(
        "{:<22} {:<9} {:<width$} {:>7}  APPLIED AT",
        "UNIT",
        "KIND",
        "STATE",
        "ROWS"
    );
    for (s, state) in statuses.iter().zip(states) {
        let (rows, at) = s
            .applied
            .as_ref()
            .map_or((String::new(), String::new()), |e| {
                (
                    e.rows.to_string(),
                    e.applied_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                )
            });
        out!(
            "{:<22} {:<9} {:<width$} {:>7}  {at}",
            s.unit,
            s.kind.to_string(),
            state,
            rows
        );
    }
    Ok(())
}

/// A unit's state as `--status` prints it, with what a run would change where it is known.
fn state(s: &UnitStatus) -> String {
    match s.state {
        UnitState::Applied => "applied".to_owned(),
        UnitState::Drifted => {
            let drift = s.drift.clone().unwrap_or_default();
            let edited = if drift.edited_tables.is_empty() {
                format!("{} edited", drift.changed)
            } else {
                format!("edited in {}", drift.edited_tables.join(", "))
            };
            format!("drifted: {} missing, {edited}", drift.missing)
        }
        UnitState::Changed => match &s.changes {
            Some(changes) => format!("changed since applied: {}", changed(changes)),
            None => "changed since applied".to_owned(),
        },
        UnitState::Pending => match &s.changes {
            Some(changes) => {
                let rows: u64 = changes.iter().map(|c| c.new).sum();
                format!("pending: {rows} rows")
            }
            None => "pending".to_owned(),
        },
        UnitState::NotInEnvironment => "not in this env".to_owned(),
    }
}

/// `2 new, 5 kept, 1 gone`: what a run would do to a changed unit's rows.
fn changed(changes: &[TableChanges]) -> String {
    let sum = |f: fn(&TableChanges) -> u64| changes.iter().map(f).sum::<u64>();
    format!(
        "{} new, {} kept, {} gone",
        sum(|c| c.new),
        sum(|c| c.kept),
        sum(|c| c.gone)
    )
}

/// Prints what `--cleanup` removed, cascaded rows first, with a total, or JSON.
pub fn print_cleanup(report: &CleanupReport, json: bool) -> Result<(), Error> {
    if json {
        return print_json(report);
    }
    for b in &report.cascaded {
        out!(
            "cascade: removed {} row(s) of `{}` that referenced `{}` ({})",
            b.rows,
            b.table,
            b.references,
            b.constraint
        );
    }
    for r in &report.removed {
        out!("{:<22} removed {:>7} row(s) of {}", r.unit, r.rows, r.table);
    }
    let total: u64 = report.removed.iter().map(|r| r.rows).sum();
    out!("cleanup: {total} row(s) removed");
    Ok(())
}

/// Prints the migrations `migrate apply` or `migrate revert` ran (`verb`: `applied`,
/// `reverted`), or JSON.
pub fn print_migration_runs(runs: &[MigrationRun], verb: &str, json: bool) -> Result<(), Error> {
    if json {
        return print_json(runs);
    }
    for run in runs {
        out!(
            "{verb} {} {} ({:.1} ms)",
            run.version,
            run.description,
            run.elapsed.as_secs_f64() * 1000.0
        );
    }
    if runs.is_empty() {
        out!("no migration {verb}: the database is up to date");
    }
    Ok(())
}

/// Prints the schema model (`seed-runner schema`): per table its columns, keys and references,
/// then the enums; or the model as JSON.
pub fn print_schema(schema: &seedbed_core::schema::Schema, json: bool) -> Result<(), Error> {
    if json {
        return print_json(schema);
    }
    for (name, table) in &schema.tables {
        let note = match (schema.tainted.get(name), &table.partition_of) {
            (Some(e), _) => format!(" (not followed by the replay: {})", e.message),
            (None, Some(parent)) => format!(" (partition of {parent})"),
            (None, None) => String::new(),
        };
        out!("table {name}{note}");
        let width = table
            .columns
            .iter()
            .map(|c| c.name.len())
            .max()
            .unwrap_or(0);
        for c in &table.columns {
            let mut traits = vec![c.ty.sql_name()];
            if !c.nullable {
                traits.push("NOT NULL".into());
            }
            if let Some(default) = &c.default {
                traits.push(format!("default {default}"));
            }
            if c.generated && c.default.is_none() {
                traits.push("generated".into());
            }
            out!("  {:<width$}  {}", c.name, traits.join("  "));
        }
        if !table.primary_key.is_empty() {
            out!("  primary key ({})", table.primary_key.join(", "));
        }
        for unique in &table.unique {
            out!("  unique ({})", unique.join(", "));
        }
        for fk in &table.foreign_keys {
            out!(
                "  references ({}) → {} ({})",
                fk.columns.join(", "),
                fk.ref_table,
                fk.ref_columns.join(", ")
            );
        }
    }
    for (name, labels) in &schema.enums {
        out!("enum {name}: {}", labels.join(", "));
    }
    Ok(())
}

/// Prints the doctor's checks: `ok` or `FAIL`, what was checked and found, and the fix.
pub fn print_doctor(checks: &[super::doctor::Check], json: bool) -> Result<(), Error> {
    if json {
        return print_json(checks);
    }
    for c in checks {
        let mark = if c.ok { "ok  " } else { "FAIL" };
        out!("{mark}  {:<13} {}", c.check, c.detail);
        if let Some(fix) = &c.fix {
            out!("      {:<13} fix: {fix}", "");
        }
    }
    Ok(())
}

/// Prints what `schema diff` found, one line each (or JSON).
pub fn print_differences(found: &[String], json: bool) -> Result<(), Error> {
    if json {
        return print_json(found);
    }
    for difference in found {
        out!("{difference}");
    }
    if found.is_empty() {
        out!("the database matches the migrations the seeds were compiled against");
    }
    Ok(())
}

/// Prints the files `migrate new` wrote, and what to do next.
pub fn print_new_migration(paths: &[std::path::PathBuf], json: bool) -> Result<(), Error> {
    if json {
        return print_json(paths);
    }
    for path in paths {
        out!("created {}", path.display());
    }
    out!("write the SQL, then `cargo build`: the seeds are checked against it");
    Ok(())
}

/// Prints `migrate status`: one line per migration with its state, or JSON.
pub fn print_migration_status(statuses: &[MigrationStatus], json: bool) -> Result<(), Error> {
    if json {
        return print_json(statuses);
    }
    for s in statuses {
        let state = match &s.state {
            MigrationState::Applied { installed_on } => {
                format!("applied {}", installed_on.format("%Y-%m-%d %H:%M"))
            }
            MigrationState::ChecksumMismatch { .. } => {
                "applied, but its SQL changed since".to_owned()
            }
            MigrationState::Pending => "pending".to_owned(),
            MigrationState::Failed { .. } => "failed half-way".to_owned(),
            MigrationState::Missing { .. } => "applied, unknown to this build".to_owned(),
        };
        let took = s
            .execution_ms
            .map(|ms| format!(" in {ms:.1} ms"))
            .unwrap_or_default();
        out!("{} {:<40} {state}{took}", s.version, s.description);
    }
    Ok(())
}
