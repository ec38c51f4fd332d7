//! The registered units, found through `inventory`, and the selection of what a run applies.
//!
//! Every `seed! { set ...; }` and `#[scenario]` registers a [`Unit`] in the binary it is linked
//! into; [`Registry::discover`] collects them. [`Registry::select`] then turns names (or an
//! environment) into the list a run applies, dependencies first:
//!
//! ```standalone_crate
//! use seedbed::select::Registry;
//!
//! seedbed::seed! {
//!     /// Dance styles, also reference data in production.
//!     set styles(env = [development, test, production]);
//!     dance_styles { salsa { name: "Salsa", slug: "salsa" } }
//! }
//!
//! seedbed::seed! {
//!     /// Teachers.
//!     set teachers(depends_on = [styles]);
//!     teachers { alma { name: "Alma", slug: "alma" } }
//! }
//!
//! seedbed::seed! {
//!     /// A thousand users, for load tests only.
//!     set crowd(explicit);
//!     users {
//!         for i in 0..1000 {
//!             _ { email: format!("user{i}@example.com"), display_name: format!("User {i}"), password_hash: "x" }
//!         }
//!     }
//! }
//!
//! fn main() -> Result<(), seedbed::Error> {
//!     let registry = Registry::discover()?;
//!     let names = |units: Vec<&seedbed::Unit>| units.iter().map(|u| u.name).collect::<Vec<_>>();
//!
//!     // Everything allowed in the environment, except explicit units.
//!     assert_eq!(names(registry.select(None, "development")?), ["styles", "teachers"]);
//!     assert_eq!(names(registry.select(None, "production")?), ["styles"]);
//!     // Named units, after what they depend on; explicit units only this way.
//!     assert_eq!(names(registry.select(Some(&["teachers".into()]), "test")?), ["styles", "teachers"]);
//!     assert_eq!(names(registry.select(Some(&["crowd".into()]), "test")?), ["crowd"]);
//!     // A unit that does not run in the environment is refused, with the reason.
//!     let err = registry.select(Some(&["teachers".into()]), "production").unwrap_err();
//!     assert!(err.to_string().starts_with("unit `teachers` does not run in production"));
//!     // A misspelt name gets a suggestion.
//!     let err = registry.get("teacher").unwrap_err();
//!     assert!(err.to_string().contains("did you mean `teachers`?"));
//!     Ok(())
//! }
//! ```

use crate::error::SelectError;
use seedbed_core::suggest::nearest;
use std::collections::{BTreeMap, BTreeSet};

use crate::Error;
use crate::plan::Unit;

/// Every unit linked into the binary, by name (names are unique).
#[derive(Debug)]
pub struct Registry {
    units: BTreeMap<&'static str, &'static Unit>,
}

impl Registry {
    /// The units registered by `seed!` and `#[scenario]` in the crates linked into this binary.
    ///
    /// A crate's units are in the binary only if the binary links that crate: a binary of the
    /// seeds crate does; any other adds `use my_seeds as _;`. Fails with [`SelectError::NoUnits`](crate::error::SelectError::NoUnits) when
    /// there are none, and [`SelectError::DuplicateUnit`](crate::error::SelectError::DuplicateUnit) when two share a name.
    pub fn discover() -> Result<Registry, Error> {
        Registry::from_units(inventory::iter::<Unit>)
    }

    /// A registry of the given units; names must be unique and there must be at least one.
    pub fn from_units(units: impl IntoIterator<Item = &'static Unit>) -> Result<Registry, Error> {
        let mut by_name: BTreeMap<&'static str, &'static Unit> = BTreeMap::new();
        for unit in units {
            if let Some(first) = by_name.insert(unit.name, unit) {
                return Err(Error::Select(SelectError::DuplicateUnit {
                    name: unit.name.to_owned(),
                    first: first.location(),
                    second: unit.location(),
                }));
            }
        }
        if by_name.is_empty() {
            return Err(Error::Select(SelectError::NoUnits));
        }
        Ok(Registry { units: by_name })
    }

    /// Every unit, by name.
    pub fn units(&self) -> impl Iterator<Item = &'static Unit> + '_ {
        self.units.values().copied()
    }

    /// The unit called `name`, or [`SelectError::UnknownUnit`](crate::error::SelectError::UnknownUnit) with the nearest name and the list.
    pub fn get(&self, name: &str) -> Result<&'static Unit, Error> {
        self.units.get(name).copied().ok_or_else(|| {
            Error::Select(SelectError::UnknownUnit {
                name: name.to_owned(),
                suggestion: nearest(name, self.units.keys().copied()).map(str::to_owned),
                known: self.units.keys().map(|k| k.to_string()).collect(),
            })
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
                return Err(Error::Select(SelectError::UnitNotAllowed {
                    unit: unit.name.to_owned(),
                    environment: environment.to_owned(),
                    allowed: unit.environments().join(", "),
                    needed_by: needed_by.map(str::to_owned),
                }));
            }
            if needed.insert(unit.name, unit).is_none() {
                for dep in unit.dependencies() {
                    let dep_unit = self.get(dep).map_err(|_| {
                        Error::Select(SelectError::UnknownDependency {
                            unit: unit.name.to_owned(),
                            dependency: dep.to_owned(),
                        })
                    })?;
                    stack.push((dep_unit, Some(unit.name)));
                }
            }
        }
        crate::select::order::dependency_order(&needed)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Seed, UnitKind};

    const fn unit(name: &'static str, line: u32, depends_on: &'static [&'static str]) -> Unit {
        Unit {
            name,
            kind: UnitKind::Set,
            description: "",
            depends_on,
            environments: &[],
            explicit: false,
            file: "seeds/src/lib.rs",
            line,
            schema_version: None,
            static_rows: Some(0),
            references: Vec::new,
            build: Seed::new,
        }
    }

    static VENUES: Unit = unit("venues", 10, &[]);
    static VENUES_AGAIN: Unit = unit("venues", 42, &[]);
    static EVENTS: Unit = unit("events", 20, &["venues"]);
    static LOOP_A: Unit = unit("loop_a", 30, &["loop_b"]);
    static LOOP_B: Unit = unit("loop_b", 31, &["loop_a"]);

    #[test]
    fn a_duplicate_name_names_both_locations() {
        let err = Registry::from_units([&VENUES, &VENUES_AGAIN])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("seeds/src/lib.rs:10") && err.contains("seeds/src/lib.rs:42"),
            "{err}"
        );
    }

    #[test]
    fn an_empty_registry_says_the_seeds_are_not_linked() {
        let err = Registry::from_units([]).unwrap_err().to_string();
        assert!(err.contains("not linked"), "{err}");
    }

    #[test]
    fn selection_brings_dependencies_first_and_suggests_names() {
        let registry = Registry::from_units([&VENUES, &EVENTS]).unwrap();
        let names: Vec<&str> = registry
            .select(Some(&["events".to_owned()]), "test")
            .unwrap()
            .iter()
            .map(|u| u.name)
            .collect();
        assert_eq!(names, ["venues", "events"]);
        let err = registry
            .select(Some(&["evnets".to_owned()]), "test")
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean `events`"), "{err}");
        let in_production = registry.select(None, "production").unwrap();
        assert!(
            in_production.is_empty(),
            "units that do not declare production never run there"
        );
    }

    #[test]
    fn a_cycle_is_an_error_that_prints_it() {
        let registry = Registry::from_units([&LOOP_A, &LOOP_B]).unwrap();
        let err = registry
            .select(None, "development")
            .unwrap_err()
            .to_string();
        assert!(err.contains("loop_a -> loop_b -> loop_a"), "{err}");
    }
}
