//! The module structure ARCHITECTURE.md describes: no import cycle between the modules of any
//! crate of the workspace. A module is a file; it depends on another when its code (comments
//! left out) names it through a `crate::` or `super::` path, or through an item the crate root
//! re-exports from it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`run::apply`) to the modules it names.
type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn no_crate_of_the_workspace_has_an_import_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cycles = Vec::new();
    for krate in ["core", "macros", "runtime"] {
        let graph = module_graph(&root.join(krate).join("src"));
        assert!(graph.len() > 5, "{krate}: too few modules found");
        for component in strongly_connected(&graph) {
            cycles.push(format!("{krate}: {}", component.join(" → ")));
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn super_in_a_files_test_module_names_the_file() {
    let code = "use super::x;\nmod tests {\n    use super::*;\n    fn f() { super::y(); }\n}\n";
    assert_eq!(
        inline_supers(code, "run::build"),
        "use super::x;\nmod tests {\n    use crate::run::build::*;\n    fn f() { crate::run::build::y(); }\n}\n"
    );
}

#[test]
fn the_checker_finds_a_cycle() {
    let graph: Graph = [
        ("a", &["b"][..]),
        ("b", &["c"][..]),
        ("c", &["a"][..]),
        ("d", &["a"][..]),
    ]
    .into_iter()
    .map(|(m, to)| (m.to_owned(), to.iter().map(|t| t.to_string()).collect()))
    .collect();
    assert_eq!(strongly_connected(&graph), [["a", "b", "c"]]);
}

fn module_graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let module_of = |file: &Path| -> String {
        let relative = file.strip_prefix(src).unwrap().with_extension("");
        let mut parts: Vec<String> = relative
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
            parts.pop();
        }
        parts.join("::")
    };
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap_or_default();
    let reexports = root_reexports(&code_of(&lib));
    let mut graph = Graph::new();
    for file in &files {
        let module = module_of(file);
        if module.is_empty() {
            continue;
        }
        let code = inline_supers(&code_of(&std::fs::read_to_string(file).unwrap()), &module);
        let mut named = BTreeSet::new();
        for path in paths_in(&code) {
            let absolute = absolute(&module, &path);
            let target = match absolute.as_slice() {
                [] => continue,
                [name, ..] if !modules.contains(name.as_str()) => match reexports.get(name) {
                    Some(m) => m.clone(),
                    None => continue,
                },
                _ => longest_module(&absolute, &modules),
            };
            // A module's own children (tests) and the module itself are not dependencies.
            if !target.is_empty() && target != module && !target.starts_with(&format!("{module}::"))
            {
                named.insert(target);
            }
        }
        graph.insert(module, named);
    }
    graph
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its line comments (doc comments included).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The code with `super::` inside an inline `mod name { ... }` (a file's tests) written as the
/// file's own module path, which is what it names.
fn inline_supers(code: &str, module: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("mod ") {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        let name_end = tail[4..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(tail.len(), |n| n + 4);
        let opens = tail[name_end..].trim_start().starts_with('{') && name_end > 4;
        let boundary = head
            .chars()
            .last()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        if !(opens && boundary) {
            out.push_str(&tail[..4]);
            rest = &tail[4..];
            continue;
        }
        let open = name_end + tail[name_end..].find('{').unwrap_or(0);
        let mut depth = 0;
        let mut close = tail.len();
        for (i, c) in tail[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push_str(&tail[..close].replace("super::", &format!("crate::{module}::")));
        rest = &tail[close..];
    }
    out.push_str(rest);
    out
}

/// `pub use module::Name;` and `pub use module::{A, B};` of the crate root: name → module.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let rest = rest.trim_start_matches("crate::");
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        let names = names.trim_matches(|c| c == '{' || c == '}');
        for name in names.split(',') {
            let name = name.split(" as ").last().unwrap_or(name).trim();
            let name = name.rsplit("::").next().unwrap_or(name);
            if !name.is_empty() {
                out.insert(name.to_owned(), module.trim().to_owned());
            }
        }
    }
    out
}

/// Every path that starts with `crate::` or `super::`, as its segments.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let at = from + at;
            from = at + start.len();
            let before = at.checked_sub(1).map(|i| bytes[i] as char);
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let mut segments = vec![start.trim_end_matches("::").to_owned()];
            let mut rest = &code[from..];
            loop {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                if end == 0 {
                    break;
                }
                segments.push(rest[..end].to_owned());
                match rest[end..].strip_prefix("::") {
                    Some(next) => rest = next,
                    None => break,
                }
            }
            out.push(segments);
        }
    }
    out
}

/// A `crate::`/`super::` path from `module`, as segments from the crate root.
fn absolute(module: &str, path: &[String]) -> Vec<String> {
    let mut base: Vec<String> = module.split("::").map(str::to_owned).collect();
    let mut rest = path;
    if rest.first().is_some_and(|s| s == "crate") {
        base.clear();
        rest = &rest[1..];
    } else {
        while rest.first().is_some_and(|s| s == "super") {
            base.pop();
            rest = &rest[1..];
        }
    }
    base.extend(rest.iter().cloned());
    base
}

fn longest_module(path: &[String], modules: &BTreeSet<String>) -> String {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|m| modules.contains(m))
        .unwrap_or_default()
}

/// The strongly connected components of more than one module (Tarjan), each sorted.
fn strongly_connected(graph: &Graph) -> Vec<Vec<String>> {
    struct Tarjan<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, v: &'g str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    self.low.insert(v, self.low[v].min(self.low[w]));
                } else if self.on_stack.contains(w) {
                    self.low.insert(v, self.low[v].min(self.index[w]));
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut tarjan = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !tarjan.index.contains_key(v.as_str()) {
            tarjan.visit(v);
        }
    }
    tarjan.found
}
