//! `--changed-since REF`: the lines added or changed since the merge base with REF, as git sees
//! them (committed, staged, unstaged and untracked), so that only new findings are reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Which lines of a file changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lines {
    /// A new (untracked or added) file: every line.
    All,
    /// 1-based inclusive ranges.
    Ranges(Vec<(usize, usize)>),
}

impl Lines {
    pub fn contains(&self, line: usize) -> bool {
        match self {
            Lines::All => true,
            Lines::Ranges(ranges) => ranges.iter().any(|&(a, b)| a <= line && line <= b),
        }
    }
}

/// The changed lines of every changed file, keyed by canonical path.
#[derive(Debug, Default)]
pub struct Changes {
    files: HashMap<PathBuf, Lines>,
    /// The commit the changes are counted from.
    base: Option<String>,
}

impl Changes {
    /// The commit the changes are counted from (the merge base with the ref given).
    pub fn base(&self) -> Option<&str> {
        self.base.as_deref()
    }

    /// The changed lines of `path`; `None` when the file did not change at all.
    pub fn lines(&self, path: &Path) -> Option<&Lines> {
        self.files.get(&path.canonicalize().ok()?)
    }

    /// Whether a line of `path` changed. The path is resolved once, for all the file's lines.
    pub fn in_file(&self, path: &Path) -> impl Fn(usize) -> bool + '_ {
        let lines = self.lines(path);
        move |line| lines.is_some_and(|l| l.contains(line))
    }
}

/// Asks git, in `cwd`, what changed since the merge base of `reference` and `HEAD`.
pub fn since(reference: &str, cwd: &Path) -> Result<Changes, String> {
    let root = PathBuf::from(git(cwd, &["rev-parse", "--show-toplevel"])?.trim());
    let base = git(cwd, &["merge-base", reference, "HEAD"])
        .map_err(|e| format!("cannot find the merge base of `{reference}` and HEAD: {e}"))?;
    let diff = git(
        &root,
        &[
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            base.trim(),
        ],
    )?;
    let mut changes = Changes {
        base: Some(base.trim().to_string()),
        ..Changes::default()
    };
    for (path, lines) in parse_diff(&diff) {
        if let Ok(path) = root.join(path).canonicalize() {
            changes.files.insert(path, lines);
        }
    }
    let untracked = git(&root, &["ls-files", "--others", "--exclude-standard"])?;
    for path in untracked.lines() {
        if let Ok(path) = root.join(path).canonicalize() {
            changes.files.insert(path, Lines::All);
        }
    }
    Ok(changes)
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    String::from_utf8(output.stdout).map_err(|_| "git printed a path that is not UTF-8".into())
}

/// The added lines of each file in a `git diff --unified=0`.
fn parse_diff(diff: &str) -> Vec<(String, Lines)> {
    let mut files: Vec<(String, Lines)> = Vec::new();
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            let path = path.strip_prefix("b/").unwrap_or(path);
            if path != "/dev/null" {
                files.push((unquote(path), Lines::Ranges(Vec::new())));
            }
        } else if line.starts_with("--- /dev/null") {
            // A new file: the `+++` line that follows names it; every line is added anyway.
        } else if let Some(hunk) = line.strip_prefix("@@ ") {
            let Some((_, Lines::Ranges(ranges))) = files.last_mut() else {
                continue;
            };
            if let Some(range) = added_range(hunk) {
                ranges.push(range);
            }
        }
    }
    files
}

/// `-a,b +c,d @@` → lines c..c+d-1 of the new file (none when d is 0).
fn added_range(hunk: &str) -> Option<(usize, usize)> {
    let new = hunk.split_whitespace().find(|p| p.starts_with('+'))?;
    let new = &new[1..];
    let (start, count) = match new.split_once(',') {
        Some((s, c)) => (s.parse().ok()?, c.parse::<usize>().ok()?),
        None => (new.parse().ok()?, 1),
    };
    (count > 0).then(|| (start, start + count - 1))
}

/// git quotes paths with unusual characters: `"docs/\"a\".md"`.
fn unquote(path: &str) -> String {
    match path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_give_the_added_lines() {
        let diff = "diff --git a/a.md b/a.md\n--- a/a.md\n+++ b/a.md\n@@ -3,0 +4,2 @@\n+x\n+y\n@@ -10 +12 @@\n-a\n+b\n@@ -20,3 +21,0 @@\n";
        assert_eq!(
            parse_diff(diff),
            [("a.md".to_string(), Lines::Ranges(vec![(4, 5), (12, 12)]))]
        );
    }
}
