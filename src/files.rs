//! Finding the Markdown files to lint and reading them.

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
}

/// Expands the paths a user gave into files: a file is taken as is, a folder is walked for
/// `*.md` and `*.markdown`, honouring `.gitignore`. Sorted, without repeats.
pub fn discover(paths: &[PathBuf], errors: &mut Vec<FileError>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
        } else if path.is_dir() {
            walk(path, &mut files, errors);
        } else {
            errors.push(FileError::Missing {
                path: display(path),
            });
        }
    }
    files.sort();
    files.dedup();
    files
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
    let bytes = std::fs::read(path).map_err(|e| FileError::Unreadable {
        path: display(path),
        reason: e.to_string(),
    })?;
    if bytes.len() > u32::MAX as usize {
        return Err(FileError::Unreadable {
            path: display(path),
            reason: "larger than 4 GiB, the most survey-lint reads".into(),
        });
    }
    String::from_utf8(bytes).map_err(|e| FileError::NotUtf8 {
        path: display(path),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// A path as the user would write it: relative stays relative, `./` dropped.
pub fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}
