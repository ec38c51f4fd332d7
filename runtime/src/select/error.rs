//! What can go wrong choosing what a run does: the units in the binary, the names and scales
//! asked for, the environment.

/// Why the units, scales or environment asked for cannot be run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SelectError {
    /// Two units with one name.
    #[error("two units are named `{name}`: one at {first}, one at {second}; rename one of them")]
    DuplicateUnit {
        /// The name used twice.
        name: String,
        /// Where the first unit is declared (`file:line`).
        first: String,
        /// Where the second unit is declared (`file:line`).
        second: String,
    },

    /// Nothing registered: the seeds crate is not linked into this binary.
    #[error(
        "no seed sets or scenarios are registered in this binary: the crate that defines them is \
         not linked in; add `use your_seeds_crate as _;` (or call into it) in the binary's main.rs"
    )]
    NoUnits,

    /// A name given on the command line that no unit has.
    #[error(
        "unknown unit `{name}`{}; known units: {}",
        suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(),
        known.join(", ")
    )]
    UnknownUnit {
        /// The name given.
        name: String,
        /// The nearest registered name, if one is close.
        suggestion: Option<String>,
        /// Every registered name.
        known: Vec<String>,
    },

    /// A `--scale` name that no unit reads.
    #[error(
        "no unit reads the scale `{name}`{}; the scales are: {}",
        suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(),
        if known.is_empty() { "none (no unit generates rows by scale)".to_owned() } else { known.join(", ") }
    )]
    UnknownScale {
        /// The name given.
        name: String,
        /// The nearest known name, if one is close.
        suggestion: Option<String>,
        /// Every name a unit reads, with its default (`events (default 1000)`).
        known: Vec<String>,
    },

    /// A `--scale` beyond the bound, without `--allow-large-scale`.
    #[error(
        "--scale {name}={value} asks {units} for about {value} rows (its default is {default}), \
         past the {bound} a scale may ask for without --allow-large-scale; nothing was written. \
         Pass --allow-large-scale to write them"
    )]
    ScaleTooLarge {
        /// The scale's name.
        name: String,
        /// The size asked for.
        value: u64,
        /// The default size.
        default: u64,
        /// The units that read it, as text.
        units: String,
        /// The bound.
        bound: u64,
    },

    /// A unit names a dependency that is not registered.
    #[error("unit `{unit}` depends on `{dependency}`, which is not registered in this binary")]
    UnknownDependency {
        /// The unit that declares the dependency.
        unit: String,
        /// The name it depends on.
        dependency: String,
    },

    /// Units that depend on each other in a circle.
    #[error("dependency cycle among units: {cycle}; break it by removing one of the depends_on")]
    DependencyCycle {
        /// The units around the cycle, `a -> b -> a`.
        cycle: String,
    },

    /// A unit asked for in an environment it does not declare.
    #[error(
        "unit `{unit}` does not run in {environment} (it declares: {allowed}){}; \
         add `{environment}` to its env list or choose another --env",
        needed_by.as_ref().map(|n| format!(", but `{n}` depends on it")).unwrap_or_default()
    )]
    UnitNotAllowed {
        /// The unit.
        unit: String,
        /// The run's environment.
        environment: String,
        /// The environments the unit declares, comma-separated.
        allowed: String,
        /// The unit that depends on it, when it was not asked for by name.
        needed_by: Option<String>,
    },

    /// An environment name that is not one of the four.
    #[error("unknown environment `{name}`; expected development, test, staging or production")]
    UnknownEnvironment {
        /// The name given.
        name: String,
    },
}
