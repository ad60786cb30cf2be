//! The check that the app's modules import each other without circles: every `.rs` file under
//! `src/` is a module ("features::bench::panel"), every `crate::…` and `super::…` path in its code
//! (use statements, grouped use trees, inline paths) an edge to the module it names, and no
//! module may reach itself again through those edges. A circle means two modules each need the
//! other (a helper living in the wrong place, or a callee writing into its caller's types);
//! the test names the modules and edges of every circle.
//!
//! Contracts: comments are not code (a path in a doc comment is no edge); a file's test modules
//! (`#[cfg(test)]`-style attribute, then `mod`) are its last items, and what they import is not
//! part of the app's shape, so the text from that attribute on is left out.
//!
//! Also here, since it walks the same tree (issue 27's shape, each test names what breaks it):
//! no view file over [`MAX_VIEW_FILE_LINES`] lines, no component over [`MAX_COMPONENT_LINES`],
//! a Web Worker constructed only by the one worker client, and no public field on `Engine`.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The most lines a view file (one that defines a component or draws on a canvas) may have,
/// its tests included.
const MAX_VIEW_FILE_LINES: usize = 300;
/// The most lines one component may have (todomvc's shape: logic in model methods).
const MAX_COMPONENT_LINES: usize = 150;

/// Module path ("crate", "views", "views::charts") → the code of its file.
fn sources() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let entries = std::fs::read_dir(dir).expect("src/ is readable");
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            walk(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(root)
                .expect("under src/")
                .with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod" || p == "main") {
                parts.pop();
            }
            let name = if parts.is_empty() {
                "crate".to_string()
            } else {
                parts.join("::")
            };
            let text = std::fs::read_to_string(&path).expect("a source file is readable");
            out.insert(name, app_code(&text));
        }
    }
}

/// The file's code without comments and without its trailing test modules.
fn app_code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let next_is_mod = lines
            .get(i + 1)
            .is_some_and(|n| n.trim_start().starts_with("mod "));
        if t.starts_with("#[cfg(") && t.contains("test") && next_is_mod {
            break;
        }
        let code = line.find("//").map_or(*line, |at| &line[..at]);
        out.push_str(code);
        out.push('\n');
    }
    out
}

#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    Sep,
    Open,
    Close,
    Comma,
    Other,
}

/// Tokens of a path or use tree, enough to read `a::b::{c, d::{self, e as f}, *}`.
struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

impl Lexer<'_> {
    fn peek(&mut self) -> Tok {
        let save = self.i;
        let t = self.next();
        self.i = save;
        t
    }

    fn next(&mut self) -> Tok {
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
        let Some(&c) = self.s.get(self.i) else {
            return Tok::Other;
        };
        if c.is_ascii_alphanumeric() || c == b'_' {
            let start = self.i;
            while self
                .s
                .get(self.i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                self.i += 1;
            }
            return Tok::Ident(String::from_utf8_lossy(&self.s[start..self.i]).into_owned());
        }
        self.i += 1;
        match c {
            b':' if self.s.get(self.i) == Some(&b':') => {
                self.i += 1;
                Tok::Sep
            }
            b'{' => Tok::Open,
            b'}' => Tok::Close,
            b',' => Tok::Comma,
            _ => Tok::Other,
        }
    }
}

/// Every path the tree at the lexer's position names, each after `prefix`.
fn tree(lex: &mut Lexer, prefix: Vec<String>) -> Vec<Vec<String>> {
    let mut path = prefix;
    loop {
        match lex.peek() {
            Tok::Ident(s) => {
                lex.next();
                if s != "self" {
                    path.push(s);
                }
                if lex.peek() != Tok::Sep {
                    return vec![path];
                }
                lex.next();
            }
            Tok::Open => {
                lex.next();
                let mut out = Vec::new();
                loop {
                    match lex.peek() {
                        Tok::Comma => {
                            lex.next();
                        }
                        Tok::Ident(s) if s == "as" => {
                            lex.next();
                            lex.next();
                        }
                        Tok::Ident(_) | Tok::Open => out.extend(tree(lex, path.clone())),
                        // `*`, the closing brace, or text that is no use tree.
                        _ => {
                            lex.next();
                            break;
                        }
                    }
                }
                // `a::{*}` still needs `a`.
                if out.is_empty() {
                    out.push(path);
                }
                return out;
            }
            _ => return vec![path],
        }
    }
}

/// Every path after `crate::` or `super::` in `module`'s code, from the crate root.
fn paths(module: &str, code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let parent: Vec<String> = match module {
        "crate" => Vec::new(),
        m => {
            let mut p: Vec<String> = m.split("::").map(String::from).collect();
            p.pop();
            p
        }
    };
    for (anchor, prefix) in [("crate::", Vec::new()), ("super::", parent)] {
        for (at, _) in code.match_indices(anchor) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let mut lex = Lexer {
                s: code.as_bytes(),
                i: at + anchor.len(),
            };
            out.extend(tree(&mut lex, prefix.clone()));
        }
    }
    out
}

/// Module → the other modules its code names.
fn graph(sources: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges = BTreeMap::new();
    for (module, code) in sources {
        let targets: BTreeSet<String> = paths(module, code)
            .into_iter()
            .filter_map(|p| {
                (1..=p.len())
                    .rev()
                    .map(|k| p[..k].join("::"))
                    .find(|m| sources.contains_key(m))
            })
            .filter(|m| m != module)
            .collect();
        edges.insert(module.clone(), targets);
    }
    edges
}

/// The circles: each a set of two or more modules that all reach one another, with the edges
/// among them ("a → b").
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(m) = todo.pop() {
            for n in edges.get(&m).into_iter().flatten() {
                if seen.insert(n.clone()) {
                    todo.push(n.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|m| (m, reach(m))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for (m, r) in &reaches {
        if done.contains(*m) || !r.contains(*m) {
            continue;
        }
        let members: BTreeSet<&String> = r
            .iter()
            .filter(|n| reaches.get(n).is_some_and(|back| back.contains(*m)))
            .collect();
        let mut circle = Vec::new();
        for a in &members {
            done.insert((*a).clone());
            for b in edges.get(*a).into_iter().flatten() {
                if members.contains(b) {
                    circle.push(format!("{a} → {b}"));
                }
            }
        }
        out.push(circle);
    }
    out
}

#[test]
fn src_has_no_import_circles() {
    let sources = sources();
    assert!(
        sources.contains_key("features::bench::panel") && sources.contains_key("crate"),
        "the walk found the app's files: {:?}",
        sources.keys().collect::<Vec<_>>()
    );
    let found = circles(&graph(&sources));
    assert!(found.is_empty(), "import circles in src/: {found:#?}");
}

#[test]
fn reads_grouped_use_trees_and_inline_paths() {
    let code = app_code(
        "use crate::views::{bench_panel::X, mesh_view as m, raster_view::{self, Y}};\n\
         // crate::comment\n\
         fn f() { crate::race::tick(); super::charts::draw(); }\n\
         #[cfg(test)]\nmod tests { use crate::tests_only; }\n",
    );
    let mut got: Vec<String> = paths("views::a", &code)
        .iter()
        .map(|p| p.join("::"))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "race::tick",
            "views::bench_panel::X",
            "views::charts::draw",
            "views::mesh_view",
            "views::raster_view",
            "views::raster_view::Y",
        ]
    );
}

#[test]
fn finds_a_circle_and_only_it() {
    let src: BTreeMap<String, String> = [
        ("a", "use crate::b::X;"),
        ("b", "fn f() { crate::a::g() }"),
        ("c", "use crate::a;"),
    ]
    .into_iter()
    .map(|(m, c)| (m.to_string(), c.to_string()))
    .collect();
    assert_eq!(circles(&graph(&src)), vec![vec!["a → b", "b → a"]]);
}

/// Every `.rs` file under `dir`, at any depth.
fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the directory is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `.rs` file under `src/` with its text, but this checker's own (its patterns and
/// fixtures would match).
fn src_files() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&root, &mut files);
    files.retain(|f| !f.ends_with("module_graph.rs"));
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).expect("a source file is readable");
            (f, text)
        })
        .collect()
}

/// A view file binds or draws: it defines a component or paints on a canvas.
fn is_view(text: &str) -> bool {
    text.contains("#[component]")
        || text.contains("HtmlCanvasElement")
        || text.contains("CanvasRenderingContext2d")
}

#[test]
fn no_view_file_is_over_300_lines() {
    let files = src_files();
    let views: Vec<&(PathBuf, String)> = files.iter().filter(|(_, t)| is_view(t)).collect();
    assert!(
        views
            .iter()
            .any(|(f, _)| f.ends_with("features/bench/panel.rs"))
            && views
                .iter()
                .any(|(f, _)| f.ends_with("ui/charts/painter.rs")),
        "the walk found the views: {views:?}"
    );
    let over: Vec<String> = views
        .iter()
        .filter_map(|(f, t)| {
            let n = t.lines().count();
            (n > MAX_VIEW_FILE_LINES).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(
        over.is_empty(),
        "view files over {MAX_VIEW_FILE_LINES} lines (split them by concern): {over:#?}"
    );
}

/// Lines from a `#[component]` attribute to its function's closing brace (the first line that
/// is exactly `}`), for every component in `text`: (name, lines).
fn component_lengths(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.trim() != "#[component]" {
            continue;
        }
        let name = lines[i + 1..]
            .iter()
            .find_map(|l| {
                let rest = l
                    .trim()
                    .strip_prefix("pub fn ")
                    .or(l.trim().strip_prefix("fn "))?;
                Some(rest.split(['(', '<']).next().unwrap_or(rest).to_string())
            })
            .unwrap_or_default();
        let end = lines[i..]
            .iter()
            .position(|l| *l == "}")
            .map_or(lines.len() - i, |k| k + 1);
        out.push((name, end));
    }
    out
}

#[test]
fn components_are_at_most_150_lines() {
    let mut seen = 0;
    let mut over = Vec::new();
    for (f, text) in src_files() {
        for (name, n) in component_lengths(&text) {
            seen += 1;
            if n > MAX_COMPONENT_LINES {
                over.push(format!("{} in {} ({n} lines)", name, f.display()));
            }
        }
    }
    assert!(seen >= 10, "the walk found the components ({seen})");
    assert!(
        over.is_empty(),
        "components over {MAX_COMPONENT_LINES} lines (move logic into the model, or split): {over:#?}"
    );
}

#[test]
fn measures_a_component_from_its_attribute_to_its_closing_brace() {
    let text = "#[component]\npub fn A(x: u32) -> impl IntoView {\n    view! {}\n}\n\n#[component]\nfn B<T>() {\n}\n";
    assert_eq!(
        component_lengths(text),
        vec![("A".to_string(), 4), ("B".to_string(), 3)]
    );
}

/// The one worker client (issue 27): views and features start workers through it.
#[test]
fn workers_are_constructed_only_by_the_worker_client() {
    let makers: Vec<String> = src_files()
        .into_iter()
        .filter(|(_, t)| t.contains("Worker::new"))
        .map(|(f, _)| f.display().to_string())
        .collect();
    assert_eq!(makers.len(), 1, "{makers:?}");
    assert!(makers[0].ends_with("util/worker.rs"), "{makers:?}");
}

/// The engine's state is read through its views and changed through its methods only.
#[test]
fn the_engine_has_no_public_fields() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/runtime/engine.rs"),
    )
    .expect("readable");
    let body = text
        .split("pub struct Engine {")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .expect("src/runtime/engine.rs defines `pub struct Engine { … }`");
    let public: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("pub "))
        .collect();
    assert!(body.lines().count() > 5, "{body}");
    assert!(public.is_empty(), "public fields of Engine: {public:?}");
}
