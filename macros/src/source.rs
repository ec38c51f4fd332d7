//! Where the macros find what they check against: the migrations folder, and the other units
//! declared in the calling crate.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::visit::Visit;

use crate::parse::{SeedInput, UnitOptions};
use seedbed_core::schema::Schema;

/// The environment variable that points the macros at a migrations folder, relative to the
/// calling crate's manifest (set it in `.cargo/config.toml` under `[env]`).
pub const MIGRATIONS_ENV: &str = "SEEDBED_MIGRATIONS";

fn manifest_dir() -> Option<PathBuf> {
    std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from)
}

/// The migrations folder: `$SEEDBED_MIGRATIONS`, else the nearest `migrations/` at or above the
/// calling crate's manifest.
pub fn migrations_dir() -> Result<PathBuf, String> {
    let manifest =
        manifest_dir().ok_or("CARGO_MANIFEST_DIR is not set: seedbed's macros run under cargo")?;
    if let Some(configured) = std::env::var_os(MIGRATIONS_ENV) {
        let dir = manifest.join(configured);
        return if dir.is_dir() {
            Ok(dir)
        } else {
            Err(format!(
                "{MIGRATIONS_ENV} points at {}, which is not a folder",
                dir.display()
            ))
        };
    }
    manifest
        .ancestors()
        .map(|d| d.join("migrations"))
        .find(|d| d.is_dir())
        .ok_or_else(|| {
            format!(
                "no `migrations` folder found at or above {}; create one or set {MIGRATIONS_ENV}",
                manifest.display()
            )
        })
}

/// What a file looked like when it was read: reading it again is needed only if this changed.
type Stamp = (SystemTime, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Every file of a folder with its stamp.
type FolderStamp = Vec<(PathBuf, Option<Stamp>)>;

/// Every file under `dir` with its stamp, in a stable order.
fn folder_stamp(dir: &Path) -> FolderStamp {
    seedbed_core::layout::files_under(dir)
        .into_iter()
        .map(|path| {
            let stamp = stamp(&path);
            (path, stamp)
        })
        .collect()
}

/// Schemas already replayed in this compiler process, by migrations folder: every `seed!` of a
/// crate checks against the same folder, and replaying hundreds of migrations per macro call
/// would cost seconds per call. A folder whose files changed is replayed again.
static SCHEMAS: Mutex<Vec<Replayed>> = Mutex::new(Vec::new());

#[cfg(test)]
thread_local! {
    /// The schema of this thread's expansion tests, given inline instead of read from a folder.
    pub(crate) static INLINE_SCHEMA: std::cell::RefCell<Option<Arc<Schema>>> =
        const { std::cell::RefCell::new(None) };
}

struct Replayed {
    dir: PathBuf,
    files: FolderStamp,
    schema: Arc<Schema>,
}

/// The schema the seeds are checked against, or an error spanned at `span` when there is no
/// migrations folder. A folder the loader refuses (two migrations with one version, layouts
/// mixed, an unreadable snapshot) is reported once per compilation: the first macro call gets
/// the error beside what could be read of the folder ([`Schema::load_lenient`]), and the later
/// ones check against that and report nothing more about it.
pub fn schema(span: Span) -> syn::Result<(Arc<Schema>, Option<syn::Error>)> {
    #[cfg(test)]
    if let Some(schema) = INLINE_SCHEMA.with_borrow(Clone::clone) {
        return Ok((schema, None));
    }
    let dir = migrations_dir().map_err(|e| syn::Error::new(span, e))?;
    let files = folder_stamp(&dir);
    let mut cache = SCHEMAS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(replayed) = cache.iter().find(|r| r.dir == dir && r.files == files) {
        return Ok((Arc::clone(&replayed.schema), None));
    }
    let out_dir = std::env::var_os("OUT_DIR").map(PathBuf::from);
    let (schema, refused) = match load_cached(&dir, &files, out_dir.as_deref()) {
        Ok(schema) => (schema, None),
        Err(e) => (
            Schema::load_lenient(&dir),
            first_report(&e).then(|| {
                format!(
                    "cannot read the migrations: {e}\n(reported once for the whole crate: the \
                     other seed blocks are checked against what could be read)"
                )
            }),
        ),
    };
    let schema = Arc::new(schema);
    cache.retain(|r| r.dir != dir);
    cache.push(Replayed {
        dir,
        files,
        schema: Arc::clone(&schema),
    });
    Ok((schema, refused.map(|e| syn::Error::new(span, e))))
}

/// Whether `error` of the migrations folder is reported for the first time in this compilation:
/// `seed!`, `#[scenario]`, `enums!` and `migrations!` all read the folder, and its error stands
/// once in the crate's output.
pub fn first_report(error: &seedbed_core::schema::LoadError) -> bool {
    static REPORTED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut reported = REPORTED.lock().unwrap_or_else(PoisonError::into_inner);
    let text = error.to_string();
    if reported.contains(&text) {
        return false;
    }
    reported.push(text);
    true
}

/// The schema of `dir`, reused across builds: a crate with a build script (which the README asks
/// for) has an `OUT_DIR` of its own, where the model is kept under a name that changes with the
/// folder's files and with the code that builds models. Without one, the migrations are
/// replayed.
fn load_cached(
    dir: &Path,
    files: &FolderStamp,
    out_dir: Option<&Path>,
) -> Result<Schema, seedbed_core::schema::LoadError> {
    let Some(out_dir) = out_dir else {
        return Schema::load(dir);
    };
    let mut key = format!("{}\n{}\n", seedbed_core::MODEL_VERSION, dir.display());
    for (path, stamp) in files {
        let (modified, len) = stamp.map_or((0, 0), |(m, len)| {
            let nanos = m
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            (nanos, len)
        });
        key.push_str(&format!("{}:{modified}:{len}\n", path.display()));
    }
    // Deterministic (SipHash with fixed keys): the same folder gives the same name next build.
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    let cached = out_dir.join(format!("{CACHE_PREFIX}{:016x}.json", hasher.finish()));
    if let Some(schema) = std::fs::read(&cached)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
    {
        return Ok(schema);
    }
    let schema = Schema::load(dir)?;
    // The older models of this crate are no use any more; a failed write only costs the next
    // build a replay.
    for old in std::fs::read_dir(out_dir).into_iter().flatten().flatten() {
        if old.file_name().to_string_lossy().starts_with(CACHE_PREFIX) {
            let _ = std::fs::remove_file(old.path());
        }
    }
    if let Ok(json) = serde_json::to_vec(&schema) {
        let partial = cached.with_extension("partial");
        if std::fs::write(&partial, json).is_ok() {
            let _ = std::fs::rename(&partial, &cached);
        }
    }
    Ok(schema)
}

const CACHE_PREFIX: &str = "seedbed-schema-";

static TRACKED: AtomicBool = AtomicBool::new(false);

/// `include_str!` of every migration read, so that editing one recompiles the seeds. Once per
/// compilation is enough: the first macro call of the crate emits them.
pub fn tracked_files(files: &[PathBuf]) -> TokenStream {
    if TRACKED.swap(true, Ordering::Relaxed) && proc_macro::is_available() {
        return TokenStream::new();
    }
    let paths = files.iter().filter_map(|f| f.to_str());
    quote!(#(const _: &str = ::core::include_str!(#paths);)*)
}

/// The library of the calling crate's package, by its crate name: `[lib] name` of its
/// `Cargo.toml`, else the package's name when it has a `src/lib.rs`.
pub fn package_library() -> Option<String> {
    let manifest = manifest_dir()?;
    let toml = std::fs::read_to_string(manifest.join("Cargo.toml")).ok()?;
    let mut section = "";
    let mut lib_name = None;
    let mut lib_section = false;
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
            lib_section |= line == "[lib]";
        } else if section == "[lib]"
            && let Some(value) = line.strip_prefix("name").map(str::trim_start)
            && let Some(value) = value.strip_prefix('=')
        {
            lib_name = Some(value.trim().trim_matches('"').to_owned());
        }
    }
    if lib_name.is_none() && !lib_section && !manifest.join("src/lib.rs").is_file() {
        return None;
    }
    lib_name
        .or_else(|| std::env::var("CARGO_PKG_NAME").ok())
        .map(|name| name.replace('-', "_"))
}

/// A unit declared somewhere in the calling crate.
#[derive(Clone)]
pub struct DeclaredUnit {
    pub name: String,
    pub depends_on: Vec<String>,
}

/// The units of the calling crate: every `seed! { set ...; }` and `#[scenario]` in its `src/`
/// and in the file being compiled. Used to reject unknown names and cycles in `depends_on` at
/// compile time; empty when the sources cannot be found.
pub fn crate_units() -> Vec<DeclaredUnit> {
    let mut files = Vec::new();
    if let Some(src) = manifest_dir().map(|m| m.join("src")) {
        rust_files(&src, &mut files);
    }
    if let Some(current) = current_file().filter(|f| !files.contains(f)) {
        files.push(current);
    }
    let mut units = Vec::new();
    let mut cache = UNITS.lock().unwrap_or_else(PoisonError::into_inner);
    let cache = cache.get_or_insert_with(HashMap::new);
    for file in files {
        let stamp = stamp(&file);
        let fresh = cache.get(&file).filter(|(s, _)| *s == stamp);
        if fresh.is_none() {
            cache.insert(file.clone(), (stamp, units_in(&file)));
        }
        units.extend(cache[&file].1.iter().cloned());
    }
    units
}

/// The units declared in each source file, by file, as last read: each macro call of a crate
/// scans the same files.
static UNITS: Mutex<Option<UnitsByFile>> = Mutex::new(None);

type UnitsByFile = HashMap<PathBuf, (Option<Stamp>, Vec<DeclaredUnit>)>;

fn units_in(file: &Path) -> Vec<DeclaredUnit> {
    let mut finder = UnitFinder::default();
    if let Ok(ast) = std::fs::read_to_string(file)
        .map_err(|_| ())
        .and_then(|s| syn::parse_file(&s).map_err(|_| ()))
    {
        finder.visit_file(&ast);
    }
    finder.units
}

/// The source file of the macro call, when the compiler tells (never in unit tests, which run
/// outside a macro expansion, where `proc_macro` would panic).
fn current_file() -> Option<PathBuf> {
    if !proc_macro::is_available() {
        return None;
    }
    proc_macro::Span::call_site().local_file()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[derive(Default)]
struct UnitFinder {
    units: Vec<DeclaredUnit>,
}

fn names(idents: &[syn::Ident]) -> Vec<String> {
    idents.iter().map(ToString::to_string).collect()
}

impl<'ast> Visit<'ast> for UnitFinder {
    fn visit_item_macro(&mut self, item: &'ast syn::ItemMacro) {
        if item
            .mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "seed")
            && let Ok(SeedInput {
                header: Some(header),
                ..
            }) = item.mac.parse_body::<SeedInput>()
        {
            self.units.push(DeclaredUnit {
                name: header.name.to_string(),
                depends_on: names(&header.options.depends_on),
            });
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        let scenario = item.attrs.iter().find(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "scenario")
        });
        if let Some(attr) = scenario {
            let options = match &attr.meta {
                syn::Meta::Path(_) => Some(UnitOptions::default()),
                _ => attr.parse_args::<UnitOptions>().ok(),
            };
            if let Some(options) = options {
                self.units.push(DeclaredUnit {
                    name: item.sig.ident.to_string(),
                    depends_on: names(&options.depends_on),
                });
            }
        }
    }
}

/// Checks `depends_on` of unit `name` against the crate's units: unknown names and cycles.
pub fn check_dependencies(name: &str, depends_on: &[syn::Ident], errors: &mut crate::diag::Errors) {
    let units = crate_units();
    if units.is_empty() {
        return;
    }
    let known = |n: &str| n == name || units.iter().any(|u| u.name == n);
    for dep in depends_on {
        let dep_name = dep.to_string();
        if !known(&dep_name) {
            let candidates = units.iter().map(|u| u.name.as_str());
            errors.at(
                dep.span(),
                format!(
                    "unknown unit `{dep_name}` in depends_on{}",
                    crate::diag::suggestion(&dep_name, candidates)
                ),
            );
        } else if let Some(cycle) = path_back(&units, &dep_name, name, &mut vec![name.to_owned()]) {
            errors.at(
                dep.span(),
                format!("dependency cycle: {}", cycle.join(" -> ")),
            );
        }
    }
}

/// A chain of declared dependencies from `from` back to `target`, if there is one.
fn path_back(
    units: &[DeclaredUnit],
    from: &str,
    target: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    path.push(from.to_owned());
    if from == target {
        return Some(path.clone());
    }
    if path[..path.len() - 1].iter().any(|p| p == from) {
        path.pop();
        return None;
    }
    for unit in units.iter().filter(|u| u.name == from) {
        for dep in &unit.depends_on {
            if let Some(found) = path_back(units, dep, target, path) {
                return Some(found);
            }
        }
    }
    path.pop();
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, deps: &[&str]) -> DeclaredUnit {
        DeclaredUnit {
            name: name.into(),
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn the_model_is_reused_across_builds_until_a_migration_changes() {
        let base = std::env::temp_dir().join(format!("seedbed-cache-{}", std::process::id()));
        let (migrations, out) = (base.join("migrations"), base.join("out"));
        std::fs::create_dir_all(&migrations).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        let migration = migrations.join("1_venues.sql");
        std::fs::write(&migration, "CREATE TABLE venues (id int PRIMARY KEY);").unwrap();

        let first = load_cached(&migrations, &folder_stamp(&migrations), Some(&out)).unwrap();
        let cached: Vec<PathBuf> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(cached.len(), 1);
        // What the next build finds is what it uses: a model written there is read back.
        let mut marked = first.clone();
        marked.views.insert("read_from_the_cache".into());
        std::fs::write(&cached[0], serde_json::to_vec(&marked).unwrap()).unwrap();
        let again = load_cached(&migrations, &folder_stamp(&migrations), Some(&out)).unwrap();
        assert!(again.views.contains("read_from_the_cache"));

        // A changed migration is replayed, and the old model goes.
        std::fs::write(&migration, "CREATE TABLE halls (id int PRIMARY KEY);").unwrap();
        let changed = load_cached(&migrations, &folder_stamp(&migrations), Some(&out)).unwrap();
        assert!(changed.table("halls").is_some() && changed.views.is_empty());
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn finds_a_cycle_back_to_the_unit() {
        let units = [unit("a", &["b"]), unit("b", &["c"]), unit("c", &["a"])];
        let cycle = path_back(&units, "b", "a", &mut vec!["a".into()]).unwrap();
        assert_eq!(cycle, ["a", "b", "c", "a"]);
        assert!(
            path_back(
                &[unit("a", &["b"]), unit("b", &[])],
                "b",
                "a",
                &mut vec!["a".into()]
            )
            .is_none()
        );
    }

    #[test]
    fn finds_units_in_source() {
        let file: syn::File = syn::parse_quote! {
            seed! { set venues(depends_on = [styles]); venues {} }
            #[scenario(depends_on = [venues])]
            fn power_user() -> Seed { seed! { users {} } }
        };
        let mut finder = UnitFinder::default();
        finder.visit_file(&file);
        let found: Vec<(&str, &[String])> = finder
            .units
            .iter()
            .map(|u| (u.name.as_str(), u.depends_on.as_slice()))
            .collect();
        assert_eq!(
            found,
            [
                ("venues", &["styles".to_owned()][..]),
                ("power_user", &["venues".to_owned()][..])
            ]
        );
    }
}
