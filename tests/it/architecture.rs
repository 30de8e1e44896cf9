//! The house's one-way flow, read from the code: every `crate::ROOM` a room names is a room
//! below it in `LAYERS`, so there is no cycle and no arrow up (ARCHITECTURE.md draws it).

use crate::support::root;
use std::collections::BTreeSet;
use std::path::Path;

/// The rooms of `src/`, lowest first: a room may use only the rooms before it.
const LAYERS: &[&str] = &[
    "document",
    "fields",
    "files",
    "changes",
    "workspace",
    "cli",
    "diagnostic",
    "links",
    "checks",
    "rules",
    "suppress",
    "exceptions",
    "engine",
    "extract",
    "report",
    "baseline",
    "fix",
    "config",
    "server",
    "commands",
];

/// The room of a source file: its first folder under `src/`, or its file stem.
fn room_of(path: &Path) -> String {
    let relative = path.strip_prefix(root().join("src")).expect("under src/");
    let first = relative.components().next().expect("a component");
    let first = first.as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The `(from, to)` room arrows named in code (comments left out).
fn arrows() -> BTreeSet<(String, String)> {
    let mut arrows = BTreeSet::new();
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src/") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let from = room_of(&path);
            let text = std::fs::read_to_string(&path).expect("read source");
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (at, _) in line.match_indices("crate::") {
                    let rest = &line[at + "crate::".len()..];
                    let to: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !to.is_empty() && to != from {
                        arrows.insert((from.clone(), to));
                    }
                }
            }
        }
    }
    arrows
}

#[test]
fn every_arrow_points_down_the_house() {
    let level = |room: &str| LAYERS.iter().position(|r| *r == room);
    let arrows = arrows();
    assert!(arrows.len() > 20, "the walk found the code: {arrows:?}");
    let mut wrong = Vec::new();
    for (from, to) in &arrows {
        match (level(from), level(to)) {
            (Some(f), Some(t)) if t < f => {}
            (None, _) if from == "lib" || from == "main" => {}
            _ => wrong.push(format!("{from} -> {to}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows that run up or name a room missing from LAYERS: {wrong:?}"
    );
}

#[test]
fn the_document_model_knows_nothing_of_links_or_checks() {
    let up: Vec<_> = arrows()
        .into_iter()
        .filter(|(from, to)| from == "document" && (to == "links" || to == "checks"))
        .collect();
    assert!(up.is_empty(), "{up:?}");
}
