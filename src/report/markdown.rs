//! `--format markdown`: a report for a pull-request comment or the Actions job summary. Totals
//! first, then one table per file with findings: line, severity, rule, message. With
//! [`SourceLinks`], every line is a link to the file at that line on GitHub.
//!
//! GitHub takes at most 1 MiB of job summary per step (and 65,536 characters of an issue or
//! comment body), so the report is cut at [`MarkdownOptions::max_bytes`], whole rows at a time,
//! and says how many findings were left out.

use super::Outcome;
use crate::diagnostic::plural;
use crate::engine::{Diagnostic, FileReport};
use crate::files;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Cut below GitHub's 1 MiB step-summary limit, with room for what other steps write.
pub const DEFAULT_MAX_BYTES: usize = 1_000_000;

/// Room kept for the closing note of a cut report.
const NOTE_BYTES: usize = 400;

#[derive(Debug, Clone)]
pub struct MarkdownOptions {
    /// Where the files can be seen on GitHub, for line links.
    pub links: Option<SourceLinks>,
    /// The report never grows past this many bytes; findings that do not fit are counted.
    pub max_bytes: usize,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            links: None,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// Where a file of the run is on GitHub: `{blob}/{path from root}#L{line}`.
#[derive(Debug, Clone)]
pub struct SourceLinks {
    /// `https://github.com/OWNER/REPO/blob/SHA`, from `GITHUB_SERVER_URL`,
    /// `GITHUB_REPOSITORY` and `GITHUB_SHA`.
    pub blob: String,
    /// The repository's folder on disk (`GITHUB_WORKSPACE`).
    pub root: PathBuf,
    /// The folder relative paths of the run are relative to.
    pub cwd: PathBuf,
}

impl SourceLinks {
    /// The link to `path` (as the run names it), at `lines` when given; `None` for a file
    /// outside the repository.
    fn to(&self, path: &str, lines: Option<(usize, usize)>) -> Option<String> {
        let absolute = files::normalize(&self.cwd.join(path));
        let relative = absolute.strip_prefix(files::normalize(&self.root)).ok()?;
        let mut url = url::Url::parse(&self.blob).ok()?;
        {
            let mut segments = url.path_segments_mut().ok()?;
            segments.pop_if_empty();
            for part in relative.components() {
                segments.push(&part.as_os_str().to_string_lossy());
            }
        }
        match lines {
            Some((start, end)) if end > start => {
                url.set_fragment(Some(&format!("L{start}-L{end}")))
            }
            Some((start, _)) => url.set_fragment(Some(&format!("L{start}"))),
            None => {}
        }
        Some(url.into())
    }
}

pub fn render_markdown(outcome: &Outcome, options: &MarkdownOptions) -> String {
    let mut out = String::new();
    totals(outcome, &mut out);
    let budget = options.max_bytes.saturating_sub(NOTE_BYTES);
    let total: usize = outcome.files.iter().map(|f| f.diagnostics.len()).sum();
    let mut shown = 0;
    'files: for file in outcome.files.iter().filter(|f| !f.diagnostics.is_empty()) {
        let mut section = String::new();
        file_heading(file, options, &mut section);
        for (rows, d) in file.diagnostics.iter().enumerate() {
            let row = finding_row(file, &d, options);
            if out.len() + section.len() + row.len() > budget {
                if rows > 0 {
                    out.push_str(&section);
                }
                break 'files;
            }
            section.push_str(&row);
            shown += 1;
        }
        out.push_str(&section);
    }
    if shown < total {
        let left = total - shown;
        let _ = writeln!(
            out,
            "\n> **{left} more {} not shown**: the report is cut at {} bytes. \
             `survey-lint check --format json` lists them all.",
            plural(left, "finding", "findings"),
            options.max_bytes
        );
    }
    if !outcome.errors.is_empty() {
        out.push_str("\n### Could not be checked\n\n");
        for error in &outcome.errors {
            let _ = writeln!(out, "- {}", text(&error.to_string()));
        }
    }
    out
}

fn totals(outcome: &Outcome, out: &mut String) {
    let files = outcome.files.len();
    let _ = writeln!(out, "## survey-lint\n");
    let bold = |n: usize, words: String| if n > 0 { format!("**{words}**") } else { words };
    let line = outcome.counts().describe(bold);
    let tables: usize = outcome.files.iter().map(|f| f.tables).sum();
    let rows: usize = outcome.files.iter().map(|f| f.rows).sum();
    let links: usize = outcome.files.iter().map(|f| f.links).sum();
    let _ = writeln!(
        out,
        "{line} in {files} {} ({tables} {}, {rows} {}, {links} {})",
        plural(files, "file", "files"),
        plural(tables, "table", "tables"),
        plural(rows, "row", "rows"),
        plural(links, "link", "links"),
    );
    if outcome.unchecked_links > 0 {
        let _ = writeln!(
            out,
            "\n> **{}**",
            super::no_network(outcome.unchecked_links)
        );
    }
    if outcome.baselined > 0 {
        let n = outcome.baselined;
        let _ = writeln!(
            out,
            "\n{n} more {} the baseline records {} not shown.",
            plural(n, "finding", "findings"),
            plural(n, "is", "are")
        );
    }
    if !outcome.errors.is_empty() {
        let n = outcome.errors.len();
        let _ = writeln!(
            out,
            "\n{n} {} could not be checked (listed at the end).",
            plural(n, "path", "paths")
        );
    }
}

fn file_heading(file: &FileReport, options: &MarkdownOptions, out: &mut String) {
    let name = code(&file.path);
    let heading = match options.links.as_ref().and_then(|l| l.to(&file.path, None)) {
        Some(url) => format!("[{name}]({url})"),
        None => name,
    };
    let counts = Outcome::counts_of(std::slice::from_ref(file)).describe(|_, words| words);
    let _ = writeln!(
        out,
        "\n### {heading}\n\n{counts}\n\n| Line | Severity | Rule | Message |\n|---:|---|---|---|"
    );
}

fn finding_row(file: &FileReport, d: &Diagnostic, options: &MarkdownOptions) -> String {
    let link = |line: usize, end: usize, label: String| match options
        .links
        .as_ref()
        .and_then(|l| l.to(&file.path, Some((line, end))))
    {
        Some(url) => format!("[{label}]({url})"),
        None => label,
    };
    let line = link(d.start.line, d.end.line, d.start.line.to_string());
    let f = &d.finding;
    let mut message = text(&f.message);
    for (related, at) in f.related.iter().zip(&d.related) {
        if at.line == d.start.line {
            continue;
        }
        let _ = write!(
            message,
            " · {}: {}",
            text(&related.message),
            link(at.line, at.line, format!("line {}", at.line))
        );
    }
    if let Some(help) = &f.help {
        let _ = write!(message, "<br>help: {}", text(help));
    }
    format!(
        "| {line} | {} | `{}` {} | {message} |\n",
        d.severity,
        d.rule.code,
        text(&d.rule.name)
    )
}

/// A message as table-cell text: what stands between backticks stays code, the rest is
/// escaped so that it cannot open a link, an emphasis or an HTML tag; no line break and no
/// bare pipe can end the cell.
fn text(message: &str) -> String {
    let one_line = message.replace(['\r', '\n'], " ");
    let parts: Vec<&str> = one_line.split('`').collect();
    // An odd number of backticks leaves the last one unpaired: it is text.
    let unpaired = parts.len().is_multiple_of(2);
    let mut out = String::with_capacity(one_line.len() + 8);
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if i % 2 == 1 && !(unpaired && last) {
            out.push('`');
            out.push_str(&part.replace('|', "\\|"));
            out.push('`');
        } else {
            if unpaired && last && i > 0 {
                out.push_str("\\`");
            }
            escape_text(part, &mut out);
        }
    }
    out
}

fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A code span holding `text` whatever backticks it contains.
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('|', "\\|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_keep_their_code_and_cannot_break_the_table() {
        assert_eq!(
            text("split `A 100` here | [x](y) <b>"),
            "split `A 100` here \\| \\[x\\](y) \\<b\\>"
        );
        assert_eq!(text("a `b|c` d"), "a `b\\|c` d");
        assert_eq!(text("one ` left"), "one \\` left");
        assert_eq!(text("`a` and ` b"), "`a` and \\` b");
        assert_eq!(text("line\nbreak"), "line break");
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code("a.md"), "`a.md`");
        assert_eq!(code("a`b.md"), "``a`b.md``");
        assert_eq!(code("`a.md"), "`` `a.md ``");
    }

    #[test]
    fn links_point_into_the_repository_from_any_folder() {
        let links = SourceLinks {
            blob: "https://github.com/o/r/blob/abc".into(),
            root: "/w/repo".into(),
            cwd: "/w/repo/docs".into(),
        };
        assert_eq!(
            links.to("a b.md", Some((3, 3))).as_deref(),
            Some("https://github.com/o/r/blob/abc/docs/a%20b.md#L3")
        );
        assert_eq!(
            links.to("../README.md", Some((3, 5))).as_deref(),
            Some("https://github.com/o/r/blob/abc/README.md#L3-L5")
        );
        assert_eq!(
            links.to("/w/repo/x/#y.md", None).as_deref(),
            Some("https://github.com/o/r/blob/abc/x/%23y.md")
        );
        assert_eq!(links.to("/elsewhere/a.md", None), None);
    }
}
