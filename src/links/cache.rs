//! The on-disk cache of verdicts, `links.json` in the user's cache folder. Only settled answers
//! (alive, dead, redirected) are kept: an unreachable link may be back in a minute.
//! Writes go to a temporary file in the same folder and are renamed into place, so a reader
//! (another run, in parallel) sees the old file or the new one, never half of one. Runs that
//! save at once take turns under a lock on `links.json.lock`, each merging what the others
//! wrote before it: no run's entries are lost.

use super::{Facts, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const FILE_NAME: &str = "links.json";
const LOCK_NAME: &str = "links.json.lock";
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    entries: HashMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// Seconds since the Unix epoch.
    checked_at: u64,
    verdict: Verdict,
    /// The settings the verdict was reached under (see [`Cache::open`]); a verdict is served
    /// only to a run with the same ones.
    #[serde(default)]
    policy: String,
    /// What an API said besides the verdict (a repository's archived state…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    facts: Option<Facts>,
}

/// The cache of one run: what was read at the start, plus what this run found.
pub struct Cache {
    path: PathBuf,
    max_age: Duration,
    policy: String,
    entries: HashMap<String, Entry>,
    /// Whether this run added anything; a run served wholly from the cache writes nothing.
    changed: bool,
}

/// The default folder: `<user cache dir>/survey-lint`.
pub fn default_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("survey-lint"))
}

impl Cache {
    /// Opens the cache in `dir`. A missing file is an empty cache; an unreadable or corrupt
    /// one is also empty, with a one-line warning, since the cache is only an optimisation.
    /// `policy` names the settings that decide a verdict (accepted statuses, redirects):
    /// entries reached under other settings are not served, so accepting 403 takes effect at
    /// once instead of when the cached `dead` expires.
    pub fn open(dir: &Path, max_age: Duration, policy: String) -> Cache {
        let path = dir.join(FILE_NAME);
        let entries = match read_entries(&path) {
            Ok(entries) => entries,
            Err(reason) => {
                eprintln!("warning: ignoring link cache {}: {reason}", path.display());
                HashMap::new()
            }
        };
        Cache {
            path,
            max_age,
            policy,
            entries,
            changed: false,
        }
    }

    /// The cached verdict for a normalized URL, if it is young enough.
    pub fn get(&self, url: &str) -> Option<Verdict> {
        self.get_with_facts(url).map(|(verdict, _)| verdict)
    }

    /// The cached verdict for a key (a URL, or an API lookup), with the facts kept with it.
    pub fn get_with_facts(&self, key: &str) -> Option<(Verdict, Option<Facts>)> {
        let entry = self.entries.get(key)?;
        let usable = entry.policy == self.policy
            && is_fresh(entry.checked_at, now_secs(), self.max_age)
            && is_cacheable(&entry.verdict);
        usable.then(|| (entry.verdict.clone(), entry.facts.clone()))
    }

    /// Records a verdict of this run; uncertain and skipped ones are not kept.
    pub fn insert(&mut self, url: &str, verdict: &Verdict) {
        self.insert_with_facts(url, verdict, None);
    }

    /// [`Cache::insert`], with what an API said besides the verdict.
    pub fn insert_with_facts(&mut self, key: &str, verdict: &Verdict, facts: Option<Facts>) {
        if is_cacheable(verdict) {
            let entry = Entry {
                checked_at: now_secs(),
                verdict: verdict.clone(),
                policy: self.policy.clone(),
                facts,
            };
            self.entries.insert(key.to_string(), entry);
            self.changed = true;
        }
    }

    /// Writes the cache back. Entries written meanwhile by a parallel run are merged in (ours
    /// win), and expired ones are dropped so the file does not grow forever.
    pub fn save(mut self) -> Result<(), String> {
        if !self.changed {
            return Ok(());
        }
        let _lock = self.lock()?;
        if let Ok(theirs) = read_entries(&self.path) {
            for (url, entry) in theirs {
                self.entries.entry(url).or_insert(entry);
            }
        }
        let now = now_secs();
        self.entries
            .retain(|_, e| is_fresh(e.checked_at, now, self.max_age) && is_cacheable(&e.verdict));
        let file = CacheFile {
            version: FORMAT_VERSION,
            entries: self.entries,
        };
        let json = serde_json::to_vec(&file).map_err(|e| e.to_string())?;
        crate::files::write_atomically(&self.path, &json)
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

impl Cache {
    /// The cache folder's lock, held until the returned file is dropped.
    fn lock(&self) -> Result<std::fs::File, String> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dir.join(LOCK_NAME);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        file.lock()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(file)
    }
}

fn is_cacheable(verdict: &Verdict) -> bool {
    matches!(
        verdict,
        Verdict::Alive | Verdict::Dead { .. } | Verdict::Redirected { .. }
    )
}

fn is_fresh(checked_at: u64, now: u64, max_age: Duration) -> bool {
    // An entry from the future (a clock set back) is not trusted either.
    checked_at <= now && now - checked_at < max_age.as_secs()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn read_entries(path: &Path) -> Result<HashMap<String, Entry>, String> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(e.to_string()),
    };
    let file: CacheFile = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    if file.version != FORMAT_VERSION {
        return Err(format!("unknown cache format version {}", file.version));
    }
    Ok(file.entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_follows_max_age() {
        let day = Duration::from_secs(86_400);
        assert!(is_fresh(1_000, 1_000, day));
        assert!(is_fresh(1_000, 1_000 + 86_399, day));
        assert!(!is_fresh(1_000, 1_000 + 86_400, day));
        assert!(!is_fresh(2_000, 1_000, day));
    }

    #[test]
    fn only_settled_verdicts_are_kept() {
        assert!(is_cacheable(&Verdict::Alive));
        assert!(is_cacheable(&Verdict::Dead {
            reason: "404".into()
        }));
        assert!(!is_cacheable(&Verdict::Unreachable {
            reason: "timeout".into()
        }));
        assert!(!is_cacheable(&Verdict::Skipped {
            reason: "private".into()
        }));
    }
}
