//! Finding the Markdown files to lint, reading them, and writing a file atomically.

use ignore::WalkBuilder;
use std::path::{Path, PathBuf};

/// A problem that makes a run incomplete (exit status 2); the run goes on without the file.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
pub enum FileError {
    #[error("{path}: no such file or directory")]
    #[diagnostic(code(survey_lint::missing_path))]
    Missing { path: String },
    #[error("{path}: cannot read: {reason}")]
    #[diagnostic(code(survey_lint::unreadable))]
    Unreadable { path: String, reason: String },
    #[error("{path}: not valid UTF-8 (at byte {offset})")]
    #[diagnostic(
        code(survey_lint::not_utf8),
        help("survey-lint reads Markdown as UTF-8; re-save the file as UTF-8")
    )]
    NotUtf8 { path: String, offset: usize },
    #[error("{path}: not fixed: {reason}")]
    #[diagnostic(code(survey_lint::not_written))]
    NotWritten { path: String, reason: String },
}

/// Expands the paths a user gave into files: a file is taken as is, a folder is walked for
/// `*.md` and `*.markdown`, honouring `.gitignore`. Sorted, without repeats. A path that is
/// neither (a FIFO, a device, a symbolic link that loops) is an error that says what it is:
/// opening it could block or never end.
pub fn discover(paths: &[PathBuf], errors: &mut Vec<FileError>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => files.push(path.clone()),
            Ok(meta) if meta.is_dir() => walk(path, &mut files, errors),
            Ok(meta) => errors.push(FileError::Unreadable {
                path: display(path),
                reason: format!("not a regular file or folder ({})", kind_of(&meta)),
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                errors.push(match is_dangling(path) {
                    true => FileError::Unreadable {
                        path: display(path),
                        reason: "a symbolic link to a file that does not exist".into(),
                    },
                    false => FileError::Missing {
                        path: display(path),
                    },
                })
            }
            Err(err) => errors.push(FileError::Unreadable {
                path: display(path),
                reason: err.to_string(),
            }),
        }
    }
    files.sort();
    files.dedup();
    files
}

/// A symbolic link whose target does not exist: "no such file" would hide that the link is
/// there.
fn is_dangling(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// What a path that is neither a file nor a folder is, for an error message.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<FileError>) {
    for entry in WalkBuilder::new(dir).require_git(false).build() {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                if entry.file_type().is_some_and(|t| t.is_file()) && is_markdown(path) {
                    files.push(path.to_path_buf());
                }
            }
            Err(err) => errors.push(FileError::Unreadable {
                path: display(dir),
                reason: err.to_string(),
            }),
        }
    }
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Reads a file as UTF-8; a byte-order mark is kept, as it is part of the file.
pub fn read(path: &Path) -> Result<String, FileError> {
    read_with_fingerprint(path).map(|(text, _)| text)
}

/// What a file was when it was read: `--fix` writes only a file that is still so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

impl Fingerprint {
    pub fn of(meta: &std::fs::Metadata) -> Fingerprint {
        Fingerprint {
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}

/// [`read`], with the file's size and modification time taken before its bytes: a file that
/// changes while it is read then no longer matches its fingerprint.
pub fn read_with_fingerprint(path: &Path) -> Result<(String, Fingerprint), FileError> {
    let unreadable = |e: std::io::Error| FileError::Unreadable {
        path: display(path),
        reason: e.to_string(),
    };
    let fingerprint = Fingerprint::of(&std::fs::metadata(path).map_err(unreadable)?);
    let bytes = read_bytes(path).map_err(unreadable)?;
    if bytes.len() > u32::MAX as usize {
        return Err(FileError::Unreadable {
            path: display(path),
            reason: "larger than 4 GiB, the most survey-lint reads".into(),
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| FileError::NotUtf8 {
        path: display(path),
        offset: e.utf8_error().valid_up_to(),
    })?;
    Ok((text, fingerprint))
}

/// Files at least this large are read in two halves at once: a large survey's copy from the
/// page cache (and the page faults of its buffer) then uses two cores.
const SPLIT_READ_BYTES: u64 = 4 << 20;

/// The file's bytes. A file that changes size while it is read is read again whole.
#[cfg(unix)]
fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len < SPLIT_READ_BYTES || usize::try_from(len).is_err() {
        return std::fs::read(path);
    }
    let mut bytes = vec![0; len as usize];
    let (head, tail) = bytes.split_at_mut(len as usize / 2);
    let at = head.len() as u64;
    let (a, b) = rayon::join(
        || file.read_exact_at(head, 0),
        || file.read_exact_at(tail, at),
    );
    let grew = || file.read_at(&mut [0], len).map(|n| n > 0);
    match (a, b) {
        (Ok(()), Ok(())) if !grew()? => Ok(bytes),
        _ => std::fs::read(path),
    }
}

#[cfg(not(unix))]
fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
}

/// A path as the user would write it: relative stays relative, `./` dropped.
pub fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// A path with `.` and `..` resolved without touching the disk (links are not followed).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Writes through a temporary file in the same folder (created if missing), synced and renamed
/// over `path`, so that a crash never leaves a half-written file. An existing file keeps its
/// permissions.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_if(path, bytes, || Ok(()))
}

/// [`write_atomically`], with `still_ok` asked right before the rename: an error from it leaves
/// `path` untouched.
fn write_atomically_if(
    path: &Path,
    bytes: &[u8],
    still_ok: impl FnOnce() -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = temp.as_file().set_permissions(meta.permissions());
    }
    temp.as_file().sync_all()?;
    still_ok()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Makes a rename in `dir` durable. Best effort: not every platform or file system can open or
/// sync a folder, and the file itself is already synced.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Replaces the text of a file that `--fix` read as `original` (with `read_as` its fingerprint
/// then) by `fixed`, only if the file is still what was read: the same size, modification time
/// and content. A symbolic link is followed, and its target written (the link stays a link).
/// The file is checked again right before the new one is renamed over it.
pub fn replace_if_unchanged(
    path: &Path,
    read_as: Option<Fingerprint>,
    original: &[u8],
    fixed: &[u8],
) -> Result<(), String> {
    let target = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    let meta = std::fs::metadata(&target).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(format!("not a regular file ({})", kind_of(&meta)));
    }
    let now = Fingerprint::of(&meta);
    const CHANGED: &str = "the file changed since it was read; run survey-lint again";
    if read_as.is_some_and(|then| then != now) {
        return Err(CHANGED.into());
    }
    let current = std::fs::read(&target).map_err(|e| e.to_string())?;
    if current != original {
        return Err(CHANGED.into());
    }
    let unchanged = || match std::fs::metadata(&target) {
        Ok(meta) if Fingerprint::of(&meta) == now => Ok(()),
        Ok(_) => Err(std::io::Error::other(CHANGED)),
        Err(e) => Err(e),
    };
    write_atomically_if(&target, fixed, unchanged).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_read_in_halves_is_read_exactly() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("large.md");
        // Three-byte characters, so the halves split one of them.
        let text = "| 模型 | 7B |\n".repeat((SPLIT_READ_BYTES as usize / 16) + 7);
        std::fs::write(&path, &text).expect("write");
        assert_eq!(read(&path).expect("readable"), text);

        let mut bytes = text.into_bytes();
        let middle = bytes.len() / 2;
        bytes[middle + 1] = 0xff;
        std::fs::write(&path, &bytes).expect("write");
        match read(&path) {
            Err(FileError::NotUtf8 { offset, .. }) => assert!(offset <= middle + 1),
            other => panic!("expected a UTF-8 error, got {other:?}"),
        }
    }
}
