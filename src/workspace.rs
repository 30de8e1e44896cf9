//! The working tree the linted files live in, for the checks that look beyond their own file:
//! does a linked path exist, with the exact case GitHub demands? what anchors has another
//! Markdown file? which GitHub repository is this, on which branch?
//!
//! The `check` command builds one [`Workspace`] per run; the checks reach it through their
//! context as a [`WorkspaceFile`] (the workspace seen from one linted file) and never touch the
//! file system themselves. Directory listings, other files' anchors and each repository's facts
//! (from git) are read once, when first asked for, and shared by the rules, which run in
//! parallel.

use crate::document::{Anchors, Document};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::hash::Hash;
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

/// The files around the linted ones.
pub struct Workspace {
    cwd: PathBuf,
    /// One repository root for every file (a test's folder), instead of each file's own.
    fixed_root: Option<PathBuf>,
    /// With `--changed-since`: the commit the changes are counted from.
    base: Option<String>,
    repositories: Memo<PathBuf, Arc<Repository>>,
    listings: Memo<PathBuf, Option<Listing>>,
    anchors: Memo<PathBuf, Option<Arc<Anchors>>>,
    base_anchors: Memo<PathBuf, Option<Arc<Anchors>>>,
}

/// A repository (or, outside git, the folder taken for one) and what git says about it.
pub struct Repository {
    pub root: PathBuf,
    github: OnceLock<Option<GithubRepository>>,
}

/// The GitHub repository of `origin`, and the branches whose files the working tree shows:
/// the current branch and the default branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubRepository {
    pub owner: String,
    pub name: String,
    pub branches: Vec<String>,
}

/// The names in one folder, each with whether it is a folder.
type Listing = Arc<HashMap<OsString, bool>>;

/// Values computed once per key, by whichever thread asks first; the others wait for it.
struct Memo<K, V>(Mutex<HashMap<K, Arc<OnceLock<V>>>>);

impl<K: Eq + Hash + Clone, V: Clone> Memo<K, V> {
    fn new() -> Self {
        Memo(Mutex::new(HashMap::new()))
    }

    fn get(&self, key: &K, compute: impl FnOnce() -> V) -> V {
        let cell = {
            let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(key.clone()).or_default().clone()
        };
        cell.get_or_init(compute).clone()
    }
}

/// Where a path stands in the working tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    Exists {
        folder: bool,
    },
    Missing {
        /// The path that exists with other letter cases, when exactly one does.
        other_case: Option<PathBuf>,
        /// A name like the first missing one, in the last folder that exists.
        similar: Option<PathBuf>,
    },
}

impl Workspace {
    /// A workspace whose files each belong to the repository their folder is in (found by its
    /// `.git`), or to `cwd` when not in one.
    pub fn new(cwd: &Path) -> Workspace {
        Workspace {
            cwd: cwd.to_path_buf(),
            fixed_root: None,
            base: None,
            repositories: Memo::new(),
            listings: Memo::new(),
            anchors: Memo::new(),
            base_anchors: Memo::new(),
        }
    }

    /// A workspace whose every file belongs to the repository rooted at `root`: a test's
    /// folder laid out as a repository.
    pub fn with_root(cwd: &Path, root: &Path) -> Workspace {
        Workspace {
            fixed_root: Some(normalize(&cwd.join(root))),
            ..Workspace::new(cwd)
        }
    }

    /// Tells the workspace the commit `--changed-since` counts changes from, so that a check
    /// can ask what a file had then.
    pub fn with_base(mut self, base: Option<String>) -> Workspace {
        self.base = base;
        self
    }

    /// The workspace seen from the linted file at `path` (as the user gave it).
    pub fn file(&self, path: &Path) -> WorkspaceFile<'_> {
        let path = normalize(&self.cwd.join(path));
        let folder = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let repository = self.repository_of(&folder);
        WorkspaceFile {
            workspace: self,
            repository,
            path,
        }
    }

    fn repository_of(&self, folder: &Path) -> Arc<Repository> {
        let root = match &self.fixed_root {
            Some(root) => root.clone(),
            None => {
                let git = folder.ancestors().find(|dir| dir.join(".git").exists());
                let cwd = normalize(&self.cwd);
                match git {
                    Some(root) => root.to_path_buf(),
                    None if folder.starts_with(&cwd) => cwd,
                    None => folder.to_path_buf(),
                }
            }
        };
        self.repositories.get(&root.clone(), || {
            Arc::new(Repository {
                root,
                github: OnceLock::new(),
            })
        })
    }

    /// The names in a folder; `None` when it is no folder or cannot be read.
    fn listing(&self, folder: &Path) -> Option<Listing> {
        self.listings.get(&folder.to_path_buf(), || {
            let entries = std::fs::read_dir(folder).ok()?;
            let mut names = HashMap::new();
            for entry in entries.flatten() {
                let is_folder = match entry.file_type() {
                    Ok(t) if t.is_symlink() => entry.path().is_dir(),
                    Ok(t) => t.is_dir(),
                    Err(_) => false,
                };
                names.insert(entry.file_name(), is_folder);
            }
            Some(Arc::new(names))
        })
    }

    /// Whether `path` (absolute, normalized, inside `root`) exists with exactly these letter
    /// cases, as on GitHub, whatever the file system's own view of case.
    pub fn locate(&self, root: &Path, path: &Path) -> Located {
        let Ok(relative) = path.strip_prefix(root) else {
            return Located::Missing {
                other_case: None,
                similar: None,
            };
        };
        let names: Vec<&OsStr> = relative.iter().collect();
        let mut folder = root.to_path_buf();
        for (index, name) in names.iter().enumerate() {
            let listing = self.listing(&folder);
            let found = listing.as_ref().and_then(|l| find_name(l, name));
            match found {
                Some((_, is_folder)) if index + 1 == names.len() => {
                    return Located::Exists { folder: is_folder };
                }
                Some((actual, true)) => folder.push(actual),
                _ => {
                    let other_case = self.other_case(&folder, &names[index..]);
                    let similar = listing
                        .filter(|_| found.is_none())
                        .and_then(|l| similar_name(&l, name))
                        .map(|n| folder.join(n));
                    return Located::Missing {
                        other_case,
                        similar,
                    };
                }
            }
        }
        Located::Exists { folder: true }
    }

    /// The one path below `folder` that spells `names` with other letter cases where no name
    /// matches exactly, if exactly one exists.
    fn other_case(&self, folder: &Path, names: &[&OsStr]) -> Option<PathBuf> {
        let Some((first, rest)) = names.split_first() else {
            return Some(folder.to_path_buf());
        };
        let listing = self.listing(folder)?;
        let name = if listing.contains_key(*first) {
            first.to_os_string()
        } else {
            let wanted = first.to_string_lossy().to_lowercase();
            let mut matches = listing
                .keys()
                .filter(|n| n.to_string_lossy().to_lowercase() == wanted);
            let one = matches.next()?.clone();
            if matches.next().is_some() {
                return None;
            }
            one
        };
        let path = folder.join(name);
        if rest.is_empty() {
            return Some(path);
        }
        self.other_case(&path, rest)
    }

    /// The anchors of the Markdown file at `path`; `None` when it cannot be read as UTF-8.
    pub fn anchors(&self, path: &Path) -> Option<Arc<Anchors>> {
        self.anchors.get(&path.to_path_buf(), || {
            let source = crate::files::read(path).ok()?;
            Some(Arc::new(Document::parse(&source).anchors()))
        })
    }

    /// The anchors `path` had at the `--changed-since` base; `None` without a base, or when
    /// the file did not exist then.
    fn anchors_at_base(&self, repository: &Repository, path: &Path) -> Option<Arc<Anchors>> {
        let base = self.base.as_deref()?;
        self.base_anchors.get(&path.to_path_buf(), || {
            let relative = path.strip_prefix(&repository.root).ok()?;
            let spec = format!("{base}:{}", git_path(relative)?);
            let source = git(&repository.root, &["show", &spec])?;
            Some(Arc::new(Document::parse(&source).anchors()))
        })
    }

    /// Whether `path` existed at the `--changed-since` base.
    fn existed_at_base(&self, repository: &Repository, path: &Path) -> bool {
        let Some(base) = self.base.as_deref() else {
            return false;
        };
        let Some(relative) = path.strip_prefix(&repository.root).ok().and_then(git_path) else {
            return false;
        };
        let spec = format!("{base}:{relative}");
        git(&repository.root, &["cat-file", "-e", &spec]).is_some()
    }
}

impl Repository {
    /// The GitHub repository of `origin` with its current and default branches; `None` when
    /// `origin` is not on GitHub or git cannot tell.
    pub fn github(&self) -> Option<&GithubRepository> {
        self.github
            .get_or_init(|| github_repository(&self.root))
            .as_ref()
    }
}

fn github_repository(root: &Path) -> Option<GithubRepository> {
    let origin = git(root, &["remote", "get-url", "origin"])?;
    let (owner, name) = parse_github_remote(origin.trim())?;
    let mut branches = Vec::new();
    if let Some(current) = git(root, &["symbolic-ref", "--quiet", "--short", "HEAD"]) {
        branches.push(current.trim().to_string());
    }
    let default = git(
        root,
        &[
            "symbolic-ref",
            "--quiet",
            "--short",
            "refs/remotes/origin/HEAD",
        ],
    );
    match default.as_deref().map(str::trim) {
        Some(default) => {
            let default = default.strip_prefix("origin/").unwrap_or(default);
            branches.push(default.to_string());
        }
        // Clones by CI seldom know `origin/HEAD`: then `main` or `master`, if only one exists.
        None => {
            let refs = git(
                root,
                &[
                    "for-each-ref",
                    "--format=%(refname:lstrip=-1)",
                    "refs/heads/main",
                    "refs/heads/master",
                    "refs/remotes/origin/main",
                    "refs/remotes/origin/master",
                ],
            )
            .unwrap_or_default();
            let mut names: Vec<&str> = refs.lines().map(str::trim).collect();
            names.sort_unstable();
            names.dedup();
            if let [only] = names[..] {
                branches.push(only.to_string());
            }
        }
    }
    branches.retain(|b| !b.is_empty());
    branches.dedup();
    Some(GithubRepository {
        owner,
        name,
        branches,
    })
}

/// The owner and name of a GitHub remote: `https://github.com/O/R(.git)`, `git@github.com:O/R`,
/// `ssh://git@github.com/O/R.git`, with or without credentials before the host.
pub fn parse_github_remote(remote: &str) -> Option<(String, String)> {
    let rest = match remote.split_once("://") {
        Some((_, rest)) => rest,
        None => remote,
    };
    let rest = rest
        .rsplit_once('@')
        .map_or(rest, |(_, host_path)| host_path);
    let (host, path) = rest.split_once([':', '/'])?;
    // `ssh://git@github.com:22/O/R`: a port after the host.
    let path = path
        .split_once('/')
        .filter(|(port, _)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(path, |(_, path)| path);
    if !host.eq_ignore_ascii_case("github.com") && !host.eq_ignore_ascii_case("www.github.com") {
        return None;
    }
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let (owner, name) = path.split_once('/')?;
    let valid = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    (valid(owner) && valid(name)).then(|| (owner.to_string(), name.to_string()))
}

/// Runs git in `dir`; its output when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// A relative path as git names it: `/`-separated, UTF-8.
fn git_path(relative: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = relative.iter().map(OsStr::to_str).collect();
    Some(parts?.join("/"))
}

/// `path` with `.` and `..` resolved without asking the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The entry of `listing` named `name`: spelled exactly so, or, for a name beyond ASCII, the
/// same once both are in Unicode NFC (git stores what was committed, and a file system may
/// list the name decomposed, as macOS's HFS+ does).
fn find_name(listing: &Listing, name: &OsStr) -> Option<(OsString, bool)> {
    if let Some(&is_folder) = listing.get(name) {
        return Some((name.to_os_string(), is_folder));
    }
    let text = name.to_str().filter(|t| !t.is_ascii())?;
    use unicode_normalization::UnicodeNormalization;
    let wanted: String = text.nfc().collect();
    listing.iter().find_map(|(entry, &is_folder)| {
        let entry_text = entry.to_str().filter(|t| !t.is_ascii())?;
        (entry_text.nfc().eq(wanted.chars())).then(|| (entry.clone(), is_folder))
    })
}

/// A name of `listing` like `name` (a likely typo or rename), if one is close enough.
fn similar_name(listing: &Listing, name: &OsStr) -> Option<OsString> {
    let name = name.to_string_lossy().to_lowercase();
    // Per lookup: a folder of thousands of long names is not compared in full.
    let mut budget = crate::fields::text::Budget::new();
    listing
        .keys()
        .map_while(|candidate| {
            if budget.spent() {
                return None;
            }
            let lower = candidate.to_string_lossy().to_lowercase();
            Some(budget.likeness(&name, &lower, 0.7).map(|s| (s, candidate)))
        })
        .flatten()
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate.clone())
}

/// The workspace as one linted file sees it.
pub struct WorkspaceFile<'w> {
    workspace: &'w Workspace,
    repository: Arc<Repository>,
    /// Absolute and normalized.
    path: PathBuf,
}

/// What a link points at in the working tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Absolute and normalized, inside the repository.
    pub path: PathBuf,
    /// Where the path stands in the URL (bytes), as written there.
    pub path_in_url: std::ops::Range<usize>,
    /// The fragment, percent-decoded, without `#`.
    pub fragment: Option<String>,
    /// Where the fragment (after `#`) stands in the URL.
    pub fragment_in_url: std::ops::Range<usize>,
    /// An absolute URL of this repository on GitHub, rather than a relative link.
    pub github: Option<GithubLink>,
}

/// A link to this repository's own files on GitHub, and the branch it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubLink {
    pub branch: String,
}

impl WorkspaceFile<'_> {
    /// The linted file, absolute.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn root(&self) -> &Path {
        &self.repository.root
    }

    /// Whether the repository's `origin` is on GitHub (git is asked once per repository).
    pub fn on_github(&self) -> bool {
        self.repository.github().is_some()
    }

    /// Whether a URL as written may be a GitHub URL of this repository: a cheap test of its
    /// owner and name before the URL is unescaped and [resolved](Self::resolve). Text with
    /// escapes or entity references (`my\_repo`) is left to the resolver.
    pub fn may_be_own_github_url(&self, written: &str) -> bool {
        let Some(github) = self.repository.github() else {
            return false;
        };
        const BARE: &str = "www.github.com/";
        let after_host = if crate::document::starts_with_ignore_case(written, BARE) {
            &written[BARE.len()..]
        } else {
            match github_path(written) {
                Some((after_host, _, _)) => after_host,
                None => return false,
            }
        };
        let Some((owner, rest)) = after_host.split_once('/') else {
            return false;
        };
        if !owner.eq_ignore_ascii_case(&github.owner) {
            return false;
        }
        let name = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        name.eq_ignore_ascii_case(&github.name) || name.contains(['\\', '&'])
    }

    /// A path of the working tree as a reader of the finding wants it: relative to the
    /// repository root, `/`-separated.
    pub fn display(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.repository.root).unwrap_or(path);
        let parts: Vec<String> = relative
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        parts.join("/")
    }

    /// The file or folder of the working tree a link's URL (as GitHub reads it) points at: a
    /// relative link (`docs/x.md`, `../a.png`, `/docs/x.md` from the repository root), or a
    /// GitHub URL of this repository's files on its current or default branch. `None` for
    /// anything else: other sites, other refs, fragments alone, relative links that leave the
    /// repository (`../../issues` from the root is GitHub's own page).
    pub fn resolve(&self, url: &str) -> Option<Target> {
        if is_relative_reference(url) {
            return self.resolve_relative(url);
        }
        self.resolve_github(url)
    }

    fn resolve_relative(&self, url: &str) -> Option<Target> {
        let parts = split_reference(url);
        let path_text = &url[parts.path.clone()];
        let decoded = percent_decode(path_text)?;
        let root = &self.repository.root;
        let base = if decoded.starts_with('/') {
            root.clone()
        } else {
            self.path.parent()?.to_path_buf()
        };
        let path = inside(root, &base, decoded.trim_start_matches('/'))?;
        Some(Target {
            path,
            fragment: parts.fragment_text(url),
            path_in_url: parts.path,
            fragment_in_url: parts.fragment,
            github: None,
        })
    }

    fn resolve_github(&self, url: &str) -> Option<Target> {
        let (after_host, offset, raw_host) = github_path(url)?;
        let github = self.repository.github()?;
        let mut segments = after_host.splitn(3, '/');
        let owner = segments.next()?;
        let name = segments.next()?;
        if !owner.eq_ignore_ascii_case(&github.owner) || !name.eq_ignore_ascii_case(&github.name) {
            return None;
        }
        let rest = segments.next()?;
        let mut consumed = offset + owner.len() + name.len() + 2;
        let rest = if raw_host {
            rest
        } else {
            let (kind, rest) = rest.split_once('/')?;
            if !matches!(kind, "blob" | "tree" | "raw") {
                return None;
            }
            consumed += kind.len() + 1;
            rest
        };
        let (rest, skipped) = match rest.strip_prefix("refs/heads/") {
            Some(rest) => (rest, "refs/heads/".len()),
            None => (rest, 0),
        };
        consumed += skipped;
        let parts = split_reference(rest);
        let ref_and_path = &rest[parts.path.clone()];
        let branch = github.branches.iter().find(|b| {
            ref_and_path == b.as_str()
                || ref_and_path
                    .strip_prefix(b.as_str())
                    .is_some_and(|p| p.starts_with('/'))
        })?;
        let path_text = ref_and_path[branch.len()..].trim_start_matches('/');
        let path_start = consumed + (ref_and_path.len() - path_text.len());
        let decoded = percent_decode(path_text)?;
        let root = &self.repository.root;
        let path = inside(root, root, &decoded)?;
        let shift = |r: std::ops::Range<usize>| r.start + consumed..r.end + consumed;
        Some(Target {
            path,
            path_in_url: path_start..consumed + parts.path.end,
            fragment: parts.fragment_text(rest),
            fragment_in_url: shift(parts.fragment),
            github: Some(GithubLink {
                branch: branch.clone(),
            }),
        })
    }

    /// Whether `path` exists, with exactly these letter cases.
    pub fn locate(&self, path: &Path) -> Located {
        self.workspace.locate(&self.repository.root, path)
    }

    /// The anchors of another Markdown file of the working tree.
    pub fn anchors(&self, path: &Path) -> Option<Arc<Anchors>> {
        self.workspace.anchors(path)
    }

    /// Whether `path` had an anchor with id `id` at the `--changed-since` base: a link to it
    /// that is broken now was broken by the change.
    pub fn had_anchor_at_base(&self, path: &Path, id: &str) -> bool {
        let anchors = self.workspace.anchors_at_base(&self.repository, path);
        anchors.is_some_and(|a| a.get(id).is_some())
    }

    /// Whether `path` existed at the `--changed-since` base.
    pub fn existed_at_base(&self, path: &Path) -> bool {
        self.workspace.existed_at_base(&self.repository, path)
    }
}

/// `base` joined with the relative `path` and normalized; `None` when it leaves `root`.
fn inside(root: &Path, base: &Path, path: &str) -> Option<PathBuf> {
    let mut out = base.to_path_buf();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out == root || !out.pop() {
                    return None;
                }
            }
            name => out.push(name),
        }
    }
    out.starts_with(root).then_some(out)
}

/// A URL that is a relative reference with a path: not `scheme:…`, not `//host…`, not a
/// fragment or query alone. A target with `://` in it is a broken absolute URL
/// (`[https://…`), which is `malformed-url`'s, not a path.
pub fn is_relative_reference(url: &str) -> bool {
    let url = url.trim();
    if url.is_empty() || url.starts_with(['#', '?']) || url.starts_with("//") {
        return false;
    }
    if memchr::memmem::find(url.as_bytes(), b"://").is_some() {
        return false;
    }
    let first_delimiter = url.find(['/', '?', '#']).unwrap_or(url.len());
    let scheme = url[..first_delimiter].split_once(':').map(|(s, _)| s);
    !scheme.is_some_and(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    })
}

/// The path and fragment of a URL reference, by byte range.
struct ReferenceParts {
    path: std::ops::Range<usize>,
    /// Empty (at the end) when there is no `#`.
    fragment: std::ops::Range<usize>,
    has_fragment: bool,
}

impl ReferenceParts {
    fn fragment_text(&self, url: &str) -> Option<String> {
        self.has_fragment
            .then(|| decode_fragment(&url[self.fragment.clone()]))
    }
}

fn split_reference(url: &str) -> ReferenceParts {
    let hash = url.find('#');
    let before_hash = hash.unwrap_or(url.len());
    let path_end = url[..before_hash].find('?').unwrap_or(before_hash);
    ReferenceParts {
        path: 0..path_end,
        fragment: hash.map_or(url.len()..url.len(), |h| h + 1..url.len()),
        has_fragment: hash.is_some(),
    }
}

/// An `http(s)` URL on `github.com` or `raw.githubusercontent.com`.
pub fn is_github_url(url: &str) -> bool {
    github_path(url).is_some()
}

/// The path of a GitHub URL after its host (`OWNER/REPO/…`), its offset in the URL, and whether
/// the host is `raw.githubusercontent.com`.
fn github_path(url: &str) -> Option<(&str, usize, bool)> {
    use crate::document::starts_with_ignore_case;
    let scheme_end = if starts_with_ignore_case(url, "https://") {
        8
    } else if starts_with_ignore_case(url, "http://") {
        7
    } else {
        return None;
    };
    let rest = &url[scheme_end..];
    // Most URLs are of other hosts: told by their first letter.
    if !matches!(
        rest.as_bytes().first(),
        Some(b'g' | b'G' | b'w' | b'W' | b'r' | b'R')
    ) {
        return None;
    }
    for (host, raw) in [
        ("github.com/", false),
        ("www.github.com/", false),
        ("raw.githubusercontent.com/", true),
    ] {
        if starts_with_ignore_case(rest, host) {
            let offset = scheme_end + host.len();
            return Some((&url[offset..], offset, raw));
        }
    }
    None
}

/// A path with its `%XX` escapes decoded; `None` when they do not decode to UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let decoded = percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()?;
    Some(decoded.into_owned())
}

/// A fragment as a browser looks it up: percent-decoded when that gives UTF-8, else as written.
pub fn decode_fragment(text: &str) -> String {
    percent_decode(text).unwrap_or_else(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_on_github_are_read_in_every_form() {
        let repo = Some(("owner".to_string(), "repo.js".to_string()));
        for remote in [
            "https://github.com/owner/repo.js.git",
            "https://github.com/owner/repo.js",
            "https://x-access-token:secret@github.com/owner/repo.js",
            "git@github.com:owner/repo.js.git",
            "ssh://git@github.com/owner/repo.js.git",
            "ssh://git@github.com:22/owner/repo.js.git",
        ] {
            assert_eq!(parse_github_remote(remote), repo, "{remote}");
        }
        assert_eq!(parse_github_remote("https://gitlab.com/owner/repo"), None);
        assert_eq!(parse_github_remote("/srv/git/repo.git"), None);
    }

    #[test]
    fn relative_references_are_told_from_urls() {
        for relative in [
            "docs/x.md",
            "./x.md",
            "../a/b.png",
            "/docs/x.md",
            "docs/",
            "a/b:c",
        ] {
            assert!(is_relative_reference(relative), "{relative}");
        }
        for other in [
            "#x",
            "?a=1",
            "//host/x",
            "https://x.org",
            "mailto:a@b.org",
            "[https://x",
            "",
        ] {
            assert!(!is_relative_reference(other), "{other}");
        }
    }

    #[test]
    fn relative_paths_resolve_inside_the_repository_only() {
        let root = Path::new("/r");
        let base = Path::new("/r/docs");
        assert_eq!(inside(root, base, "x.md"), Some("/r/docs/x.md".into()));
        assert_eq!(
            inside(root, base, "../a/./b.png"),
            Some("/r/a/b.png".into())
        );
        assert_eq!(inside(root, base, "../../issues"), None);
        assert_eq!(inside(root, root, "docs/"), Some("/r/docs".into()));
    }

    #[test]
    fn paths_exist_only_with_their_own_letter_case() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("Docs/img")).expect("mkdir");
        std::fs::write(root.join("Docs/models.md"), "# Models\n").expect("write");
        std::fs::write(root.join("Docs/img/logo.png"), "").expect("write");
        // Decomposed, as HFS+ lists it: e + U+0301.
        std::fs::write(root.join("Docs/re\u{301}sume\u{301}.md"), "").expect("write");
        let workspace = Workspace::with_root(root, root);
        let locate = |path: &str| workspace.locate(root, &root.join(path));
        assert_eq!(locate("Docs/models.md"), Located::Exists { folder: false });
        assert_eq!(locate("Docs/img"), Located::Exists { folder: true });
        assert_eq!(
            locate("Docs/r\u{e9}sum\u{e9}.md"),
            Located::Exists { folder: false }
        );
        assert_eq!(
            locate("docs/IMG/logo.png"),
            Located::Missing {
                other_case: Some(root.join("Docs/img/logo.png")),
                similar: Some(root.join("Docs")),
            }
        );
        assert_eq!(
            locate("Docs/model.md"),
            Located::Missing {
                other_case: None,
                similar: Some(root.join("Docs/models.md")),
            }
        );
        assert!(matches!(
            locate("Docs/models.md/x"),
            Located::Missing {
                other_case: None,
                ..
            }
        ));
    }

    #[test]
    fn fragments_and_queries_are_split_off_the_path() {
        let url = "my%20file.md?plain=1#sec-%E6%A8%A1";
        let parts = split_reference(url);
        assert_eq!(&url[parts.path.clone()], "my%20file.md");
        assert_eq!(parts.fragment_text(url).as_deref(), Some("sec-模"));
        assert_eq!(
            percent_decode("my%20file.md").as_deref(),
            Some("my file.md")
        );
        assert_eq!(percent_decode("%FF"), None);
    }
}
