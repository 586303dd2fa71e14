//! The modules of each crate form layers: no module depends on one that depends back on it,
//! directly or round a longer loop. Read from the source text: every `crate::…`, `super::…`
//! and `self::…` path outside the test modules is an arrow from its file to the module it
//! names. A path to an item that a `mod.rs` (or `lib.rs`) only re-exports points at the module
//! that defines it, and the re-exports themselves are not arrows.
//!
//! Checked at two scales: between files, and between the top-level modules of a crate
//! (`members` and `workshops` may not lean on each other both ways through different files).
//! DEVELOPMENT.md draws the layers this keeps.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path inside its crate, e.g. `["workshops", "store"]`; the crate root is `[]`.
type ModPath = Vec<String>;

struct Crate {
    /// Every module that has a file, with that file's text.
    files: BTreeMap<ModPath, String>,
    /// `(module with a mod.rs/lib.rs, item name) -> module the item is re-exported from`.
    reexports: BTreeMap<(ModPath, String), ModPath>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> ModPath {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: ModPath = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn is_mod_file(file: &Path) -> bool {
    matches!(
        file.file_name().and_then(|n| n.to_str()),
        Some("mod.rs" | "lib.rs" | "main.rs")
    )
}

/// The code of a file without comments and without its test modules (`#[cfg(test)] mod … {…}`,
/// found by matching braces, wherever they stand in the file).
fn code_of(text: &str) -> String {
    let code: String = text
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("//") {
                ""
            } else {
                line.split(" //").next().unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = String::with_capacity(code.len());
    let mut rest = code.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let item = after.trim_start();
        let is_mod_block = item.starts_with("mod ")
            && item
                .find(['{', ';'])
                .is_some_and(|i| item.as_bytes()[i] == b'{');
        if !is_mod_block {
            rest = after;
            continue;
        }
        let open = item.find('{').unwrap_or(0);
        let mut depth = 0usize;
        let mut end = item.len();
        for (i, c) in item[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// Expands one level of braces: `a::{b, c::d}` -> `a::b`, `a::c::d`.
fn expand(path: &str) -> Vec<String> {
    match path.split_once("::{") {
        Some((head, rest)) => {
            let inner = rest.trim_end_matches([';', ' ', '}']);
            split_top(inner)
                .into_iter()
                .flat_map(|part| expand(&format!("{head}::{}", part.trim())))
                .collect()
        }
        None => vec![path.trim().to_owned()],
    }
}

/// Splits on commas that are not inside braces.
fn split_top(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Whether `code[at..]` starts a word (not the middle of `reuse` or `a::b`).
fn word_starts(code: &str, at: usize) -> bool {
    at == 0 || {
        let before = code.as_bytes()[at - 1];
        !(before.is_ascii_alphanumeric() || before == b'_' || before == b':')
    }
}

/// The `use` statements of `code`, braces expanded, with the name each binds (`None` for a
/// glob).
fn use_statements(code: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("use ") {
        let start = from + at;
        from = start + 4;
        if !word_starts(code, start) {
            continue;
        }
        let Some(end) = code[from..].find(';') else {
            break;
        };
        let stmt: String = code[from..from + end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(":: ", "::")
            .replace(" ::", "::");
        for path in expand(&stmt) {
            let (path, alias) = match path.split_once(" as ") {
                Some((p, a)) => (p.trim().to_owned(), Some(a.trim().to_owned())),
                None => (path, None),
            };
            let (path, name) = match path.strip_suffix("::self") {
                Some(module) => {
                    let name = module.rsplit("::").next().map(str::to_owned);
                    (module.to_owned(), alias.or(name))
                }
                None if path.ends_with('*') => (path.trim_end_matches("::*").to_owned(), None),
                None => {
                    let name = path.rsplit("::").next().map(str::to_owned);
                    (path.clone(), alias.or(name))
                }
            };
            out.push((path, name));
        }
        from += end;
    }
    out
}

/// The child modules `code` declares (`mod name;` or `mod name { … }`).
fn children(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("mod ") {
        let start = from + at;
        from = start + 4;
        if !word_starts(code, start) {
            continue;
        }
        let name: String = code[from..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

/// Every path in `code` that names a module of the crate, written from `crate`, `super` or
/// `self`, through a name a `use` bound, or from a child module's name, braces of `use` lines
/// expanded; each starts with `crate`, `super` or `self`.
fn paths_in(code: &str) -> Vec<String> {
    let kids = children(code);
    let relative = |path: &str| -> Option<String> {
        let first = path.split("::").next().unwrap_or_default();
        if matches!(first, "crate" | "super" | "self") {
            Some(path.to_owned())
        } else if kids.iter().any(|k| k == first) {
            Some(format!("self::{path}"))
        } else {
            None // another crate, or a type's associated item
        }
    };
    let mut out = Vec::new();
    let mut bound: BTreeMap<String, String> = BTreeMap::new();
    for (path, name) in use_statements(code) {
        let Some(path) = relative(&path) else {
            continue;
        };
        if let Some(name) = name {
            bound.insert(name, path.clone());
        }
        out.push(path);
    }
    // Paths written inline in the code (`crate::members::get(..)`, `workshops::series::x`).
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if !(c.is_ascii_alphabetic() || c == b'_') || !word_starts(code, i) {
            i += 1;
            continue;
        }
        let end = code[i..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(code.len(), |e| i + e);
        let path = code[i..end].trim_end_matches(':');
        i = end.max(i + 1);
        let Some((first, rest)) = path.split_once("::") else {
            continue;
        };
        let resolved = match bound.get(first) {
            Some(target) => Some(format!("{target}::{rest}")),
            None => relative(path),
        };
        out.extend(resolved);
    }
    out
}

fn load(src: &Path) -> Crate {
    let mut list = Vec::new();
    rust_files(src, &mut list);
    let mut files = BTreeMap::new();
    let mut reexports = BTreeMap::new();
    let has_lib = src.join("lib.rs").exists();
    for file in &list {
        let mut module = module_of(src, file);
        if has_lib && file == &src.join("main.rs") {
            // A binary beside the library: a root of its own, not the library's.
            module = vec!["<main>".to_owned()];
        }
        let text = std::fs::read_to_string(file).unwrap();
        if is_mod_file(file) {
            for path in paths_of_reexports(&code_of(&text)) {
                let mut segments: Vec<&str> = path.split("::").collect();
                let Some(item) = segments.pop() else { continue };
                let item = item.split(" as ").last().unwrap_or(item).trim().to_owned();
                let mut target = module.clone();
                for s in segments {
                    match s {
                        "self" => {}
                        "crate" => target.clear(),
                        "super" => {
                            target.pop();
                        }
                        other => target.push(other.to_owned()),
                    }
                }
                reexports.insert((module.clone(), item), target);
            }
        }
        files.insert(module, text);
    }
    Crate { files, reexports }
}

/// The paths of the `pub use` lines of a mod file, relative to it.
fn paths_of_reexports(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("pub use ") {
        let start = at + 8;
        let Some(end) = rest[start..].find(';') else {
            break;
        };
        let stmt: String = rest[start..start + end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        out.extend(expand(&stmt.replace(":: ", "::")));
        rest = &rest[start + end..];
    }
    out
}

impl Crate {
    /// The module a path written in module `from` names. `self` is `from` itself and `super`
    /// its parent, whether `from` is a file of its own or a mod.rs.
    fn resolve(&self, from: &ModPath, path: &str) -> Option<ModPath> {
        let mut segments = path.split("::").map(str::trim).peekable();
        let mut base: ModPath = match segments.next()? {
            "crate" => Vec::new(),
            "self" => from.clone(),
            "super" => {
                let mut b = from.clone();
                b.pop();
                b
            }
            _ => return None,
        };
        // Any further `super`s.
        while segments.peek() == Some(&"super") {
            segments.next();
            base.pop();
        }
        // The longest prefix that is a module with a file; then an item re-exported there.
        let mut rest: Vec<&str> = segments.collect();
        while let Some(seg) = rest.first() {
            let mut next = base.clone();
            next.push((*seg).to_owned());
            if self.files.contains_key(&next) {
                base = next;
                rest.remove(0);
            } else {
                break;
            }
        }
        if let Some(item) = rest.first() {
            let item = item.split(" as ").next().unwrap_or(item).trim();
            if let Some(target) = self.reexports.get(&(base.clone(), item.to_owned())) {
                if self.files.contains_key(target) {
                    return Some(target.clone());
                }
            }
        }
        Some(base)
    }

    /// File -> the files it depends on.
    fn arrows(&self, src: &Path) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
        let mut arrows: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
        for (module, text) in &self.files {
            let is_mod = {
                let mut p = src.to_path_buf();
                for s in module {
                    p.push(s);
                }
                p.join("mod.rs").exists() || module.is_empty()
            };
            let mut code = code_of(text);
            if is_mod {
                // Re-exports are the module's face, not its dependencies.
                code = code
                    .split(';')
                    .filter(|stmt| !stmt.trim_start().starts_with("pub use "))
                    .collect::<Vec<_>>()
                    .join(";");
            }
            let entry = arrows.entry(module.clone()).or_default();
            for path in paths_in(&code) {
                if let Some(target) = self.resolve(module, &path) {
                    if &target != module && !target.is_empty() {
                        entry.insert(target);
                    }
                }
            }
        }
        arrows
    }
}

/// Every loop in `arrows` (Tarjan's strongly connected components of more than one node).
fn loops<N: Ord + Clone>(arrows: &BTreeMap<N, BTreeSet<N>>) -> Vec<Vec<N>> {
    struct State<N> {
        index: BTreeMap<N, usize>,
        low: BTreeMap<N, usize>,
        stack: Vec<N>,
        on_stack: BTreeSet<N>,
        next: usize,
        found: Vec<Vec<N>>,
    }
    fn visit<N: Ord + Clone>(n: &N, arrows: &BTreeMap<N, BTreeSet<N>>, s: &mut State<N>) {
        s.index.insert(n.clone(), s.next);
        s.low.insert(n.clone(), s.next);
        s.next += 1;
        s.stack.push(n.clone());
        s.on_stack.insert(n.clone());
        for m in arrows.get(n).into_iter().flatten() {
            if !s.index.contains_key(m) {
                visit(m, arrows, s);
                let low = s.low[n].min(s.low[m]);
                s.low.insert(n.clone(), low);
            } else if s.on_stack.contains(m) {
                let low = s.low[n].min(s.index[m]);
                s.low.insert(n.clone(), low);
            }
        }
        if s.low[n] == s.index[n] {
            let mut component = Vec::new();
            while let Some(m) = s.stack.pop() {
                s.on_stack.remove(&m);
                let done = &m == n;
                component.push(m);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for n in arrows.keys() {
        if !s.index.contains_key(n) {
            visit(n, arrows, &mut s);
        }
    }
    s.found
}

fn name(m: &ModPath) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// The loops of one crate, between files and between top-level modules, in words.
fn loops_of(src: &Path) -> Vec<String> {
    let krate = load(src);
    let arrows = krate.arrows(src);
    let mut problems = Vec::new();
    for component in loops(&arrows) {
        let names: Vec<String> = component.iter().map(name).collect();
        problems.push(format!("files {}", names.join(" <-> ")));
    }
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, targets) in &arrows {
        let Some(a) = from.first() else { continue };
        for target in targets {
            let Some(b) = target.first() else { continue };
            if a != b {
                top.entry(a.clone()).or_default().insert(b.clone());
            }
        }
    }
    for component in loops(&top) {
        problems.push(format!("modules {}", component.join(" <-> ")));
    }
    problems
}

fn crate_src(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

#[test]
fn no_module_of_any_crate_depends_on_one_that_depends_back_on_it() {
    let mut problems = Vec::new();
    for (krate, src) in [
        ("guildhall-core", "src"),
        ("guildhall-ical", "../ical/src"),
        ("guildhall (the app)", "../src"),
        ("guildhall-cli", "../cli/src"),
    ] {
        for problem in loops_of(&crate_src(src)) {
            problems.push(format!("{krate}: {problem}"));
        }
    }
    assert!(
        problems.is_empty(),
        "modules that depend on each other:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_sees_a_loop_through_a_reexport_and_an_inline_path() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |path: &str, text: &str| {
        let path = src.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("lib.rs", "pub mod a;\npub mod b;\npub mod leaf;\n");
    write("a/mod.rs", "mod store;\npub use store::{get, put};\n");
    write(
        "a/store.rs",
        "use crate::leaf::x;\npub fn get() { crate::b::helper(); }\n",
    );
    write(
        "b.rs",
        "use crate::a::get;\npub fn helper() {}\n#[cfg(test)]\nmod tests { use crate::leaf::*; }\n",
    );
    write("leaf.rs", "pub fn x() {}\n");
    let problems = loops_of(src);
    assert_eq!(
        problems,
        ["files a::store <-> b", "modules a <-> b"],
        "{problems:?}"
    );
    // Without the inline path back, there is no loop.
    write("a/store.rs", "use crate::leaf::x;\npub fn get() {}\n");
    assert_eq!(loops_of(src), Vec::<String>::new());
}

#[test]
fn the_checker_follows_aliases_child_modules_and_code_after_a_test_module() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |path: &str, text: &str| {
        let path = src.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("lib.rs", "pub mod a;\npub mod b;\n");
    write("main.rs", "fn main() { guildhall::run(); }\n");
    // a::x reaches b through an alias; b::y reaches back through the parent's child name,
    // written after a test module in the middle of the file.
    write("a/mod.rs", "pub mod x;\n");
    write("a/x.rs", "use crate::b;\npub fn f() { b::y::g(); }\n");
    write("b/mod.rs", "pub mod y;\npub mod z;\n");
    write(
        "b/y.rs",
        "#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n\npub fn g() { super::z::h(); }\n",
    );
    write(
        "b/z.rs",
        "use crate::a::x as ax;\npub fn h() { ax::f(); }\n",
    );
    let problems = loops_of(src);
    assert_eq!(
        problems,
        ["files a::x <-> b::y <-> b::z", "modules a <-> b"],
        "{problems:?}"
    );
}
