//! Where the links of a document point in the working tree: a fragment of the document itself
//! (`#section`), or a file or folder of the repository (a relative link, or a GitHub URL of the
//! repository's own files). Shared by `broken-fragment` and `missing-file`, computed once per
//! document (see [`super::CheckContext::link_targets`]).

use crate::document::{Document, LinkKind, Span};
use crate::links::is_http;
use crate::workspace::{Target, WorkspaceFile, decode_fragment, is_relative_reference};

/// One link URL that points into the working tree.
#[derive(Debug, Clone)]
pub struct LinkTarget {
    /// Where the URL is written.
    pub span: Span,
    /// The URL as GitHub reads it.
    pub url: String,
    /// The source text of `span` is `url` byte for byte (no escapes or entity references), so
    /// an offset into `url` plus `span.start` is an offset into the source: fixes need it.
    pub verbatim: bool,
    pub to: Pointee,
}

/// What a link points at.
#[derive(Debug, Clone)]
pub enum Pointee {
    /// `#fragment` of this document: the fragment (percent-decoded) and where it stands in the
    /// URL, after the `#`.
    Fragment(String, std::ops::Range<usize>),
    /// A file or folder of the working tree.
    File(Target),
}

/// The links of `doc` that point into the working tree, in source order. Without a workspace,
/// only the fragments of the document itself.
pub fn link_targets(doc: &Document<'_>, workspace: Option<&WorkspaceFile<'_>>) -> Vec<LinkTarget> {
    let mut out = Vec::new();
    for link in &doc.links {
        for meant in doc.meant_urls(link) {
            let written = doc.text(&meant.span());
            // Most links of a survey are absolute URLs of other sites: settled by their first
            // bytes, before the URL is unescaped.
            let wanted = written.starts_with('#')
                || workspace.is_some_and(|w| {
                    if matches!(link.kind, LinkKind::Bare | LinkKind::Autolink) || is_http(written)
                    {
                        w.may_be_own_github_url(written)
                    } else {
                        is_relative_reference(written)
                    }
                });
            if !wanted {
                continue;
            }
            let url = doc.url(link, meant);
            let to = if let Some(fragment) = url.strip_prefix('#') {
                Pointee::Fragment(decode_fragment(fragment), 1..url.len())
            } else {
                match workspace.and_then(|w| w.resolve(&url)) {
                    Some(target) => Pointee::File(target),
                    None => continue,
                }
            };
            out.push(LinkTarget {
                span: meant.span(),
                verbatim: url == written,
                url: url.into_owned(),
                to,
            });
        }
    }
    out
}
