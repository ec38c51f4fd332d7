//! Dependency order: of units by `depends_on` and references, of tables by foreign keys.
//!
//! Both are Kahn's algorithm over a `BTreeMap`, so the order is stable: ties go by name.

use std::collections::{BTreeMap, BTreeSet};

use crate::Error;
use crate::error::SelectError;
use crate::plan::Unit;

/// The units in an order where every unit comes after its dependencies.
pub fn dependency_order(
    units: &BTreeMap<&'static str, &'static Unit>,
) -> Result<Vec<&'static Unit>, Error> {
    let edges: BTreeMap<&str, Vec<&str>> = units
        .iter()
        .map(|(name, unit)| {
            (
                *name,
                unit.dependencies()
                    .into_iter()
                    .filter(|d| units.contains_key(d))
                    .collect(),
            )
        })
        .collect();
    topological(&edges)
        .map(|names| names.into_iter().map(|n| units[n]).collect())
        .map_err(|cycle| {
            Error::Select(SelectError::DependencyCycle {
                cycle: cycle.join(" -> "),
            })
        })
}

/// Sorts `nodes` (each with the nodes it needs first) so that needs come first, ties by name.
/// A cycle is returned as the path around it, first node repeated at the end.
pub fn topological<'a>(
    needs: &BTreeMap<&'a str, Vec<&'a str>>,
) -> Result<Vec<&'a str>, Vec<&'a str>> {
    let mut waiting: BTreeMap<&str, BTreeSet<&str>> = needs
        .iter()
        .map(|(node, deps)| {
            (
                *node,
                deps.iter()
                    .copied()
                    .filter(|d| d != node && needs.contains_key(d))
                    .collect(),
            )
        })
        .collect();
    let mut order = Vec::with_capacity(needs.len());
    while let Some(next) = waiting
        .iter()
        .find(|(_, deps)| deps.is_empty())
        .map(|(node, _)| *node)
    {
        waiting.remove(next);
        for deps in waiting.values_mut() {
            deps.remove(next);
        }
        order.push(next);
    }
    match waiting.keys().next() {
        None => Ok(order),
        Some(start) => Err(find_cycle(&waiting, start)),
    }
}

/// Walks unmet needs from `start` until a node repeats: every node left waits on another.
fn find_cycle<'a>(waiting: &BTreeMap<&'a str, BTreeSet<&'a str>>, start: &'a str) -> Vec<&'a str> {
    let mut path = vec![start];
    let mut node = start;
    loop {
        let Some(next) = waiting[node].iter().next().copied() else {
            return path;
        };
        if let Some(pos) = path.iter().position(|p| *p == next) {
            let mut cycle = path.split_off(pos);
            cycle.push(next);
            return cycle;
        }
        path.push(next);
        node = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph<'a>(edges: &[(&'a str, &[&'a str])]) -> BTreeMap<&'a str, Vec<&'a str>> {
        edges.iter().map(|(n, d)| (*n, d.to_vec())).collect()
    }

    #[test]
    fn dependencies_first_ties_by_name() {
        let g = graph(&[
            ("events", &["venues", "teachers"]),
            ("venues", &[]),
            ("teachers", &[]),
            ("a", &[]),
        ]);
        assert_eq!(
            topological(&g).unwrap(),
            ["a", "teachers", "venues", "events"]
        );
    }

    #[test]
    fn self_reference_is_not_a_cycle() {
        let g = graph(&[("events", &["events", "venues"]), ("venues", &[])]);
        assert_eq!(topological(&g).unwrap(), ["venues", "events"]);
    }

    #[test]
    fn cycle_is_printed_around() {
        let g = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &[])]);
        assert_eq!(topological(&g).unwrap_err(), ["a", "b", "c", "a"]);
    }
}
