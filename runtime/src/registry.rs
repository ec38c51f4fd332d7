//! The registered units, found through `inventory`, and the selection of what a run applies.

use std::collections::{BTreeMap, BTreeSet};

use crate::Error;
use crate::plan::Unit;

/// Every unit linked into the binary, by name.
#[derive(Debug)]
pub struct Registry {
    units: BTreeMap<&'static str, &'static Unit>,
}

impl Registry {
    /// The units registered by `seed!` and `#[scenario]` in the crates linked into this binary.
    pub fn discover() -> Result<Registry, Error> {
        Registry::from_units(inventory::iter::<Unit>)
    }

    /// A registry of the given units; names must be unique and there must be at least one.
    pub fn from_units(units: impl IntoIterator<Item = &'static Unit>) -> Result<Registry, Error> {
        let mut by_name: BTreeMap<&'static str, &'static Unit> = BTreeMap::new();
        for unit in units {
            if let Some(first) = by_name.insert(unit.name, unit) {
                return Err(Error::DuplicateUnit {
                    name: unit.name.to_owned(),
                    first: first.location(),
                    second: unit.location(),
                });
            }
        }
        if by_name.is_empty() {
            return Err(Error::NoUnits);
        }
        Ok(Registry { units: by_name })
    }

    /// Every unit, by name.
    pub fn units(&self) -> impl Iterator<Item = &'static Unit> + '_ {
        self.units.values().copied()
    }

    pub fn get(&self, name: &str) -> Result<&'static Unit, Error> {
        self.units
            .get(name)
            .copied()
            .ok_or_else(|| Error::UnknownUnit {
                name: name.to_owned(),
                suggestion: strsim_nearest(name, self.units.keys().copied()),
                known: self.units.keys().map(|k| k.to_string()).collect(),
            })
    }

    /// The units a run applies, dependencies first: the named ones (or, with no names, every unit
    /// allowed in `environment` that is not `explicit`) and everything they depend on.
    pub fn select(
        &self,
        names: Option<&[String]>,
        environment: &str,
    ) -> Result<Vec<&'static Unit>, Error> {
        let roots: Vec<&'static Unit> = match names {
            Some(names) => names
                .iter()
                .map(|n| self.get(n))
                .collect::<Result<_, _>>()?,
            None => self
                .units()
                .filter(|u| u.allows(environment) && !u.explicit)
                .collect(),
        };
        let mut needed: BTreeMap<&'static str, &'static Unit> = BTreeMap::new();
        let mut stack: Vec<(&'static Unit, Option<&'static str>)> =
            roots.iter().map(|u| (*u, None)).collect();
        while let Some((unit, needed_by)) = stack.pop() {
            if !unit.allows(environment) {
                return Err(Error::UnitNotAllowed {
                    unit: unit.name.to_owned(),
                    environment: environment.to_owned(),
                    allowed: unit.environments().join(", "),
                    needed_by: needed_by.map(str::to_owned),
                });
            }
            if needed.insert(unit.name, unit).is_none() {
                for dep in unit.dependencies() {
                    let dep_unit = self.get(dep).map_err(|_| Error::UnknownDependency {
                        unit: unit.name.to_owned(),
                        dependency: dep.to_owned(),
                    })?;
                    stack.push((dep_unit, Some(unit.name)));
                }
            }
        }
        crate::order::dependency_order(&needed)
    }

    /// The units that depend, directly or not, on any of `names` (for cleanup: dependents go first).
    pub fn dependents_of(&self, names: &BTreeSet<&'static str>) -> BTreeSet<&'static str> {
        let mut found = names.clone();
        loop {
            let more: Vec<&'static str> = self
                .units()
                .filter(|u| {
                    !found.contains(u.name) && u.dependencies().iter().any(|d| found.contains(d))
                })
                .map(|u| u.name)
                .collect();
            if more.is_empty() {
                return found;
            }
            found.extend(more);
        }
    }
}

/// The closest name, for "did you mean" hints.
pub(crate) fn strsim_nearest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_owned())
}
