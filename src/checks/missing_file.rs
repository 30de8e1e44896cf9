//! `missing-file`: a relative link or image (`docs/x.md`, `../a.png`, `/docs/` from the
//! repository root), or a GitHub URL of the repository's own files on its current or default
//! branch, whose file or folder does not exist in the working tree with exactly that name —
//! GitHub matches names case-sensitively, whatever the author's file system does.

use super::targets::Pointee;
use super::{Check, CheckContext, Kind, NoSettings};
use crate::diagnostic::{Edit, Finding, Fix, Sink};
use crate::workspace::{Located, Target, WorkspaceFile};
use std::path::Path;

pub struct MissingFile;

impl Kind for MissingFile {
    type Settings = NoSettings;

    fn new(_: &NoSettings) -> MissingFile {
        MissingFile
    }
}

impl Check for MissingFile {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let Some(workspace) = cx.workspace.as_ref() else {
            return;
        };
        for link in cx.link_targets() {
            let Pointee::File(target) = &link.to else {
                continue;
            };
            if target.path == workspace.path() {
                continue;
            }
            let Located::Missing {
                other_case,
                similar,
            } = workspace.locate(&target.path)
            else {
                continue;
            };
            let shown = workspace.display(&target.path);
            let caused = workspace.existed_at_base(&target.path);
            let mut message = match &target.github {
                Some(github) => format!(
                    "`{shown}` does not exist in this repository's working tree (branch `{}`)",
                    github.branch
                ),
                None => format!("`{shown}` does not exist in the working tree"),
            };
            if caused {
                message.push_str(", though it did before the change");
            }
            let mut finding = Finding::new(link.span.clone(), message)
                .url(link.url.clone())
                .caused_by_change(caused);
            if let Some(actual) = &other_case {
                let actual_shown = workspace.display(actual);
                finding = finding
                    .label("no such name: GitHub matches letter case")
                    .help(format!(
                        "the file is `{actual_shown}`: link it with that case"
                    ));
                let url = &link.url[target.path_in_url.clone()];
                if let Some(fixed) = link
                    .verbatim
                    .then(|| recased(url, &target.path, actual))
                    .flatten()
                {
                    let start = link.span.start + target.path_in_url.start;
                    finding = finding.fix(Fix::safe(vec![Edit {
                        span: start..link.span.start + target.path_in_url.end,
                        replacement: fixed,
                    }]));
                }
            } else {
                finding = finding
                    .label("no such file or folder")
                    .help(match &similar {
                        Some(path) => format!("did you mean `{}`?", workspace.display(path)),
                        None => help_without_suggestion(workspace, &link.url, target),
                    });
            }
            out.push(finding);
        }
    }
}

fn help_without_suggestion(workspace: &WorkspaceFile<'_>, url: &str, target: &Target) -> String {
    if target.github.is_some() {
        return "correct the path, or link the file at a commit if it is gone from the branch"
            .to_string();
    }
    if looks_like_email(url) {
        return format!("GitHub links this as a file; for an e-mail address write `mailto:{url}`");
    }
    let folder = workspace
        .path()
        .parent()
        .map(|p| workspace.display(p))
        .filter(|p| !p.is_empty() && !url.starts_with('/'));
    match folder {
        Some(folder) => format!(
            "correct the path (it is read from `{folder}/`; a path starting with `/` from the repository root), or add the file"
        ),
        None => "correct the path (it is read from the repository root), or add the file".into(),
    }
}

/// `name@host.tld`, with nothing that a path would have.
fn looks_like_email(url: &str) -> bool {
    let Some((name, host)) = url.split_once('@') else {
        return false;
    };
    !name.is_empty() && !name.contains('/') && host.contains('.') && !host.contains(['/', '@'])
}

/// The path as written in the URL, `url_path`, with each name that `missing` spells
/// differently from `actual` (the same path with other letter cases) spelled as in `actual`.
/// `None` when the written path cannot be matched name by name: percent escapes, or a `..` after
/// a name.
fn recased(url_path: &str, missing: &Path, actual: &Path) -> Option<String> {
    if url_path.contains('%') {
        return None;
    }
    let parts: Vec<&str> = url_path.split('/').collect();
    let names: Vec<usize> = (0..parts.len())
        .filter(|&i| !matches!(parts[i], "" | "." | ".."))
        .collect();
    let first_name = names.first().copied().unwrap_or(parts.len());
    if parts[first_name..].contains(&"..") {
        return None;
    }
    let missing: Vec<_> = missing.iter().collect();
    let actual: Vec<_> = actual.iter().collect();
    if missing.len() != actual.len() || names.len() > missing.len() {
        return None;
    }
    let skip = missing.len() - names.len();
    let mut fixed: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
    for (k, &i) in names.iter().enumerate() {
        if missing[skip + k].to_str() != Some(parts[i]) {
            return None;
        }
        fixed[i] = actual[skip + k].to_str()?.to_string();
    }
    Some(fixed.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_names_that_differ_in_case_are_rewritten() {
        let missing = Path::new("/r/docs/Models.md");
        let actual = Path::new("/r/docs/models.md");
        assert_eq!(
            recased("./docs/Models.md", missing, actual).as_deref(),
            Some("./docs/models.md")
        );
        assert_eq!(
            recased("../docs/Models.md", missing, actual).as_deref(),
            Some("../docs/models.md")
        );
        assert_eq!(recased("docs/x/../Models.md", missing, actual), None);
        assert_eq!(recased("docs/Models%2Emd", missing, actual), None);
    }
}
