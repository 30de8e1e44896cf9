//! Which URLs name an arXiv paper, and which: `arxiv.org/abs/ID`, `/pdf/ID` (with or without
//! `.pdf`), `/html/ID`, on arxiv.org, www.arxiv.org or export.arxiv.org, `ID` being a
//! new-style identifier (`2302.13971`, `0704.0001`) or an old-style one (`hep-th/9901001`,
//! `math.GT/0309136`), with or without a version (`v2`).
//!
//! Identifiers are checked against arXiv's documented scheme
//! (<https://info.arxiv.org/help/arxiv_identifier.html>) before anything is sent, because the
//! export API fails a whole request for one identifier it cannot read.

use url::Url;

/// A paper as a link names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Paper {
    /// The identifier without a version, as arXiv writes it (`hep-th/9901001`).
    pub id: String,
    /// The version the link pins, if it does.
    pub version: Option<u32>,
}

/// What an arXiv URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Paper(Paper),
    /// An abstract, PDF or HTML link whose identifier is not one arXiv can have; the reason
    /// says what is wrong.
    Malformed(String),
}

/// The paper `url` names, when it is an arXiv abstract, PDF or HTML link; `None` for anything
/// else (listings, search, the help pages, other hosts), which is left to the HTTP check.
pub fn target(url: &Url) -> Option<Target> {
    let host = url.host_str()?.to_ascii_lowercase();
    let on_arxiv = matches!(
        host.as_str(),
        "arxiv.org" | "www.arxiv.org" | "export.arxiv.org"
    );
    if !on_arxiv
        || !matches!(url.scheme(), "http" | "https")
        || url.port().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return None;
    }
    let path = url.path().strip_prefix('/')?;
    let (kind, rest) = path.split_once('/')?;
    if !matches!(kind, "abs" | "pdf" | "html") {
        return None;
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let rest = match kind {
        "pdf" => strip_pdf(rest),
        _ => rest,
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let id = match segments.as_slice() {
        [id] if !id.is_empty() => *id,
        // Old-style identifiers (`hep-th/9901001`), which have no HTML version. Anything
        // longer (`html/ID/x1.png`, a figure of the HTML paper) is a page of its own.
        [archive, _] if kind != "html" && is_archive(archive) => rest,
        _ => return None,
    };
    Some(match parse_id(id) {
        Ok(paper) => Target::Paper(paper),
        Err(reason) => Target::Malformed(reason),
    })
}

/// What can stand before the slash of an old-style identifier: letters, `-` and a `.SC`.
fn is_archive(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'.')
}

fn strip_pdf(text: &str) -> &str {
    match text.len().checked_sub(4) {
        Some(cut) if text.is_char_boundary(cut) && text[cut..].eq_ignore_ascii_case(".pdf") => {
            &text[..cut]
        }
        _ => text,
    }
}

/// An identifier with an optional version, or why it is none.
pub fn parse_id(text: &str) -> Result<Paper, String> {
    let bad = |why: &str| Err(format!("`{text}` is not an arXiv identifier: {why}"));
    let (id, version) = split_version(text);
    let version = match version {
        None => None,
        Some(digits) => match digits.parse::<u32>() {
            Ok(v) if v > 0 && !digits.starts_with('0') => Some(v),
            _ => return bad("the version must be v1, v2, …"),
        },
    };
    match id.split_once('/') {
        None => {
            new_style(id).map_err(|why| format!("`{text}` is not an arXiv identifier: {why}"))?
        }
        Some((archive, number)) => old_style(archive, number)
            .map_err(|why| format!("`{text}` is not an arXiv identifier: {why}"))?,
    }
    Ok(Paper {
        id: id.to_string(),
        version,
    })
}

/// `2302.13971v2` → (`2302.13971`, `Some("2")`).
fn split_version(text: &str) -> (&str, Option<&str>) {
    match text.rfind('v') {
        Some(at)
            if at > 0
                && at + 1 < text.len()
                && text[at + 1..].bytes().all(|b| b.is_ascii_digit())
                && text.as_bytes()[at - 1].is_ascii_digit() =>
        {
            (&text[..at], Some(&text[at + 1..]))
        }
        _ => (text, None),
    }
}

/// `YYMM.NNNN` (April 2007 to December 2014) or `YYMM.NNNNN` (since January 2015).
fn new_style(id: &str) -> Result<(), &'static str> {
    let (yymm, number) = id.split_once('.').ok_or("expected YYMM.NNNNN")?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if yymm.len() != 4 || !digits(yymm) || !digits(number) {
        return Err("expected YYMM.NNNNN");
    }
    let year: u32 = yymm[..2].parse().map_err(|_| "expected YYMM.NNNNN")?;
    let month: u32 = yymm[2..].parse().map_err(|_| "expected YYMM.NNNNN")?;
    if !(1..=12).contains(&month) {
        return Err("the month must be 01 to 12");
    }
    if (year, month) < (7, 4) {
        return Err("new-style identifiers start in April 2007 (0704)");
    }
    let expected = if year >= 15 { 5 } else { 4 };
    if number.len() != expected {
        return Err(if expected == 5 {
            "since 2015 the number after the dot has five digits"
        } else {
            "before 2015 the number after the dot has four digits"
        });
    }
    Ok(())
}

/// `archive(.SC)/YYMMNNN`, e.g. `hep-th/9901001`, `math.GT/0309136` (until March 2007).
fn old_style(archive: &str, number: &str) -> Result<(), &'static str> {
    let (name, class) = match archive.split_once('.') {
        Some((name, class)) => (name, Some(class)),
        None => (archive, None),
    };
    let archive_ok = !name.is_empty()
        && name.len() <= 16
        && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    let class_ok = class
        .is_none_or(|c| (1..=2).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_alphabetic()));
    if !archive_ok || !class_ok {
        return Err("expected an archive such as hep-th or math.GT before the slash");
    }
    if number.len() != 7 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected seven digits (YYMMNNN) after the archive");
    }
    let month: u32 = number[2..4].parse().map_err(|_| "expected YYMMNNN")?;
    if !(1..=12).contains(&month) {
        return Err("the month must be 01 to 12");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target_of(url: &str) -> Option<Target> {
        target(&Url::parse(url).expect("test url"))
    }

    fn paper(id: &str, version: Option<u32>) -> Option<Target> {
        Some(Target::Paper(Paper {
            id: id.to_string(),
            version,
        }))
    }

    #[test]
    fn abstract_pdf_and_html_links_name_papers() {
        for (url, id, version) in [
            ("https://arxiv.org/abs/2302.13971", "2302.13971", None),
            ("https://arxiv.org/abs/2302.13971v2", "2302.13971", Some(2)),
            ("http://arxiv.org/pdf/2302.13971.pdf", "2302.13971", None),
            (
                "https://arxiv.org/pdf/2302.13971v1.pdf",
                "2302.13971",
                Some(1),
            ),
            (
                "https://arxiv.org/pdf/2302.13971v12",
                "2302.13971",
                Some(12),
            ),
            (
                "https://www.arxiv.org/html/2402.00001v1/",
                "2402.00001",
                Some(1),
            ),
            ("https://export.arxiv.org/abs/0704.0001", "0704.0001", None),
            (
                "https://arxiv.org/abs/hep-th/9901001",
                "hep-th/9901001",
                None,
            ),
            (
                "https://arxiv.org/pdf/math.GT/0309136v2.pdf",
                "math.GT/0309136",
                Some(2),
            ),
            (
                "https://ARXIV.org/abs/2302.13971?context=cs#S2",
                "2302.13971",
                None,
            ),
        ] {
            assert_eq!(target_of(url), paper(id, version), "{url}");
        }
    }

    #[test]
    fn identifiers_outside_arxivs_scheme_are_malformed() {
        for url in [
            "https://arxiv.org/abs/2302.1397",
            "https://arxiv.org/abs/1412.12345",
            "https://arxiv.org/abs/2313.13971",
            "https://arxiv.org/abs/0612.1234",
            "https://arxiv.org/pdf/2302.13971v0.pdf",
            "https://arxiv.org/abs/abc",
            "https://arxiv.org/abs/hep-th/990100",
            "https://arxiv.org/abs/Hep-th/9901001",
        ] {
            assert!(
                matches!(target_of(url), Some(Target::Malformed(_))),
                "{url}: {:?}",
                target_of(url)
            );
        }
    }

    #[test]
    fn other_arxiv_pages_are_left_to_the_http_check() {
        for url in [
            "https://arxiv.org/",
            "https://arxiv.org/list/cs.CL/recent",
            "https://arxiv.org/a/touvron_h_1",
            "https://arxiv.org/abs/",
            "https://arxiv.org/abs/2302.13971/extra",
            "https://arxiv.org/html/2412.15127v1/x2.png",
            "https://arxiv.org/html/2410.13299v1/extracted/5931028/img/llm_to_mlp.png",
            "https://browse.arxiv.org/pdf/2309.10020.pdf",
            "https://arxiv.org:8443/abs/2302.13971",
            "https://arxiv.org.evil.example/abs/2302.13971",
            "https://info.arxiv.org/help/api/index.html",
            "ftp://arxiv.org/abs/2302.13971",
        ] {
            assert_eq!(target_of(url), None, "{url}");
        }
    }
}
