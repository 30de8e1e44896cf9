//! `broken-fragment`: a link to `#anchor` of this document, or `file.md#anchor` of another
//! Markdown file of the repository (a relative link or a GitHub URL of the repository's own
//! files), that names no anchor there: no heading's id as GitHub makes it, no explicit anchor.

use super::targets::{LinkTarget, Pointee};
use super::{Check, CheckContext, Kind, NoSettings};
use crate::diagnostic::{Edit, Finding, Fix, Sink};
use crate::document::{Anchor, AnchorKind, Anchors, github_slug};
use crate::fields::text::Budget;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

pub struct BrokenFragment;

impl Kind for BrokenFragment {
    type Settings = NoSettings;

    fn new(_: &NoSettings) -> BrokenFragment {
        BrokenFragment
    }
}

/// How similar an anchor must be to a broken fragment to be offered as "did you mean".
const SUGGEST: f64 = 0.5;
/// How similar it must be, and alone in being so, to be the fix.
const CLOSE: f64 = 0.8;

impl Check for BrokenFragment {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let mut budget = Budget::new();
        for target in cx.link_targets() {
            if let Some(finding) = check_target(cx, target, &mut budget) {
                out.push(finding);
            }
        }
    }
}

/// The anchors a fragment is looked up in: the document's own, or another file's.
enum In<'a> {
    This(&'a Anchors),
    Other(Arc<Anchors>, &'a Path),
}

fn check_target(
    cx: &CheckContext<'_>,
    target: &LinkTarget,
    budget: &mut Budget,
) -> Option<Finding> {
    let (fragment, range, anchors) = match &target.to {
        Pointee::Fragment(fragment, range) => (fragment, range.clone(), In::This(cx.anchors())),
        Pointee::File(file) => {
            let fragment = file.fragment.as_ref()?;
            let workspace = cx.workspace.as_ref()?;
            if !is_markdown(&file.path) {
                return None;
            }
            let anchors = if file.path == workspace.path() {
                In::This(cx.anchors())
            } else {
                // A file that cannot be read is `missing-file`'s.
                In::Other(workspace.anchors(&file.path)?, &file.path)
            };
            (fragment, file.fragment_in_url.clone(), anchors)
        }
    };
    if resolved_by_github(fragment) {
        return None;
    }
    let id = strip_prefix_ignore_case(fragment, "user-content-");
    let list = match &anchors {
        In::This(a) => *a,
        In::Other(a, _) => a.as_ref(),
    };
    if list.get(id).is_some() {
        return None;
    }
    let workspace = cx.workspace.as_ref();
    let (place, path) = match &anchors {
        In::This(_) => ("this document".to_string(), workspace.map(|w| w.path())),
        In::Other(_, path) => {
            let shown = workspace.map_or(String::new(), |w| w.display(path));
            (format!("`{shown}`"), Some(*path))
        }
    };
    let caused = workspace
        .zip(path)
        .is_some_and(|(w, path)| w.had_anchor_at_base(path, id));
    let (best, unique_close) = closest(id, list, budget);
    let mut message = format!("`#{fragment}` names no heading or anchor of {place}");
    if caused {
        message.push_str(", though it did before the change");
    }
    let mut finding = Finding::new(target.span.clone(), message)
        .label("no such anchor")
        .url(target.url.clone())
        .caused_by_change(caused);
    match best {
        Some(anchor) => {
            finding = finding.help(format!("did you mean `#{}`?", anchor.id));
            if let In::This(_) = anchors {
                let label = format!("the id of this heading is `#{}`", anchor.id);
                let label = match anchor.kind {
                    AnchorKind::Heading => label,
                    AnchorKind::Explicit => format!("anchor `#{}`", anchor.id),
                };
                finding = finding.related(anchor.span.clone(), label);
            }
        }
        None => {
            finding = finding.help(
                "link a heading by its id as GitHub makes it (lower case, punctuation dropped, \
                 spaces as `-`), or add an anchor: `<a name=\"…\"></a>`",
            );
        }
    }
    if let Some(anchor) = unique_close.filter(|_| target.verbatim) {
        let written = &target.url[range.clone()];
        let replacement = if written.contains('%') {
            encode_non_ascii(&anchor.id)
        } else {
            anchor.id.clone()
        };
        let start = target.span.start + range.start;
        finding = finding.fix(Fix::safe(vec![Edit {
            span: start..target.span.start + range.end,
            replacement,
        }]));
    }
    Some(finding)
}

/// Fragments GitHub's pages resolve without an anchor of the document: the top of the page
/// (`#`, `#top`), the README box of a repository page (`#readme`), line references (`#L10`,
/// `#L10-L20`, `#L10C2`) and footnotes (`#fn-1`, `#fnref-1`, whose ids GitHub numbers itself).
fn resolved_by_github(fragment: &str) -> bool {
    let fragment = strip_prefix_ignore_case(fragment, "user-content-");
    if fragment.is_empty()
        || fragment.eq_ignore_ascii_case("top")
        || fragment.eq_ignore_ascii_case("readme")
        || fragment.starts_with("fn-")
        || fragment.starts_with("fnref-")
    {
        return true;
    }
    let mut parts = fragment.splitn(2, '-');
    let is_line = |part: &str| {
        let Some(rest) = part.strip_prefix('L') else {
            return false;
        };
        let (line, column) = rest.split_once('C').unwrap_or((rest, "1"));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        digits(line) && digits(column)
    };
    parts.next().is_some_and(is_line) && parts.next().is_none_or(is_line)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> &'a str {
    match text.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => &text[prefix.len()..],
        _ => text,
    }
}

/// The anchor most like `id`, if any is like it at all, and the one anchor close to it, if
/// exactly one is. An anchor whose id is the fragment read as heading text (`#1.1 Models` for
/// `#11-models`) is as close as can be.
fn closest<'a>(
    id: &str,
    anchors: &'a Anchors,
    budget: &mut Budget,
) -> (Option<&'a Anchor>, Option<&'a Anchor>) {
    let wanted = id.to_lowercase();
    let as_heading = github_slug(id);
    let mut best: Option<(f64, &Anchor)> = None;
    let mut close: Vec<&Anchor> = Vec::new();
    let mut close_ids: HashSet<String> = HashSet::new();
    for anchor in &anchors.list {
        if budget.spent() {
            // Only the fragment written as a heading's text is still looked for.
            return match anchors.get(&as_heading) {
                Some(anchor) => (Some(anchor), Some(anchor)),
                None => (best.filter(|(s, _)| *s >= SUGGEST).map(|(_, a)| a), None),
            };
        }
        let candidate = anchor.id.to_lowercase();
        let score = if candidate == as_heading {
            1.0
        } else {
            match budget.likeness(&wanted, &candidate, SUGGEST) {
                Some(score) => score,
                None => continue,
            }
        };
        if score >= CLOSE && close_ids.insert(anchor.id.to_ascii_lowercase()) {
            close.push(anchor);
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, anchor));
        }
    }
    let best = best.filter(|(s, _)| *s >= SUGGEST).map(|(_, a)| a);
    let unique = match close[..] {
        [one] => Some(one),
        _ => None,
    };
    (best, unique)
}

/// `%XX` for every byte of a non-ASCII character, as a fragment written percent-encoded has it.
fn encode_non_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buffer = [0; 4];
            for b in c.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// A file GitHub renders as Markdown.
fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn findings(markdown: &str) -> Vec<Finding> {
        let doc = Document::parse(markdown);
        let cx = CheckContext::new(&doc, None);
        let mut out = Vec::new();
        BrokenFragment.check(&cx, &mut out);
        out
    }

    #[test]
    fn fragments_github_resolves_itself_are_accepted() {
        for fragment in [
            "",
            "top",
            "TOP",
            "readme",
            "L10",
            "L10-L20",
            "L3C2-L4C9",
            "fn-1",
        ] {
            assert!(resolved_by_github(fragment), "{fragment}");
            assert!(resolved_by_github(&format!("user-content-{fragment}")));
        }
        for fragment in ["L", "L10-", "Lx", "line-10", "top-1"] {
            assert!(!resolved_by_github(fragment), "{fragment}");
        }
    }

    #[test]
    fn a_renamed_heading_is_suggested_and_fixed_when_alone_in_being_close() {
        let source = "# 目录\n\n- [模型](#1-模型)\n- [数据](#3-数据集)\n- [x](#user-content-目录)\n- [y](#Mulu)\n\n## 1. 模型\n\n## 2. 数据集\n";
        let found = findings(source);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(&source[found[0].span.clone()], "#3-数据集");
        assert_eq!(found[0].help.as_deref(), Some("did you mean `#2-数据集`?"));
        let fix = found[0].fix.as_ref().expect("one close anchor: a fix");
        assert_eq!(fix.edits[0].replacement, "2-数据集");
        assert_eq!(&source[fix.edits[0].span.clone()], "3-数据集");
        assert_eq!(&source[found[1].span.clone()], "#Mulu");
        assert!(found[1].fix.is_none(), "`#Mulu` is like no anchor");
    }

    #[test]
    fn the_fragment_written_as_heading_text_is_fixed_to_its_id() {
        let source = "[a](#1.1%20文本LLM模型)\n\n## 1.1 文本LLM模型\n";
        let found = findings(source);
        let fix = found[0].fix.as_ref().expect("a fix");
        assert_eq!(
            fix.edits[0].replacement,
            "11-%E6%96%87%E6%9C%ACllm%E6%A8%A1%E5%9E%8B"
        );
    }
}
