//! synack-core's modules depend on each other without a cycle, so each one can be
//! read knowing only those below it.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::Path;

/// Each module and the crate modules its code (not its tests) names with `crate::`.
fn imports() -> BTreeMap<String, Vec<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    for entry in fs::read_dir(&src).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).expect("a file name").to_string();
        if name == "lib" || path.extension() != Some(OsStr::new("rs")) {
            continue;
        }
        let text = fs::read_to_string(&path).expect("a readable module");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut uses: Vec<String> = code
            .match_indices("crate::")
            .map(|(i, _)| code[i + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
            .filter(|m: &String| m != "prelude" && *m != name)
            .collect();
        uses.sort();
        uses.dedup();
        graph.insert(name, uses);
    }
    graph
}

#[test]
fn the_modules_import_each_other_without_a_cycle() {
    let graph = imports();
    assert!(graph.contains_key("endpoint") && graph.contains_key("trace"), "found the modules: {graph:?}");
    // Depth-first search; a module met again while still on the path closes a cycle.
    fn visit<'a>(
        m: &'a str,
        graph: &'a BTreeMap<String, Vec<String>>,
        path: &mut Vec<&'a str>,
        done: &mut Vec<&'a str>,
    ) {
        if done.contains(&m) {
            return;
        }
        if let Some(i) = path.iter().position(|p| *p == m) {
            panic!("import cycle: {} -> {m}", path[i..].join(" -> "));
        }
        path.push(m);
        for next in graph.get(m).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.push(m);
    }
    let mut done = Vec::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
}
