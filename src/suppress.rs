//! Inline suppression, markdownlint-style, in HTML comments:
//! `<!-- survey-lint-disable RULE... -->`, `<!-- survey-lint-enable RULE... -->`,
//! `<!-- survey-lint-disable-next-line RULE... -->`, and, since a comment line between table
//! rows would split the table, `<!-- survey-lint-disable-line RULE... -->` inside a row's last
//! cell. With no rule named, a comment applies to every rule. Rules are named by name or code.

use crate::document::Document;
use crate::rules::RuleSpec;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Directive {
    Disable,
    Enable,
    DisableNextLine,
    DisableLine,
}

#[derive(Debug, Clone)]
struct Comment {
    directive: Directive,
    /// Empty: every rule.
    rules: Vec<String>,
    /// Byte offset where the comment ends.
    end: usize,
    /// 1-based line of the comment's end.
    line: usize,
}

/// The suppression comments of one document.
#[derive(Debug, Default)]
pub struct Suppressions {
    comments: Vec<Comment>,
}

impl Suppressions {
    pub fn new(doc: &Document<'_>) -> Suppressions {
        let mut comments = Vec::new();
        for span in &doc.html {
            let html = doc.text(span);
            let mut from = 0;
            while let Some(open) = html[from..].find("<!--") {
                let body_start = from + open + 4;
                let Some(close) = html[body_start..].find("-->") else {
                    break;
                };
                let body = html[body_start..body_start + close].trim();
                let end = span.start + body_start + close + 3;
                from = body_start + close + 3;
                if let Some(comment) = parse(body, end, doc.lines.line(end.saturating_sub(1))) {
                    comments.push(comment);
                }
            }
        }
        Suppressions { comments }
    }

    /// Whether a finding of `rule` starting at byte `offset` on `line` is suppressed.
    pub fn suppresses(&self, rule: &RuleSpec, offset: usize, line: usize) -> bool {
        let names = |c: &Comment| {
            c.rules.is_empty()
                || c.rules.iter().any(|r| {
                    r.eq_ignore_ascii_case(&rule.name) || r.eq_ignore_ascii_case(&rule.code)
                })
        };
        let mut disabled = false;
        for comment in self.comments.iter().filter(|c| names(c)) {
            match comment.directive {
                Directive::DisableLine if comment.line == line => return true,
                Directive::DisableNextLine if comment.line + 1 == line => return true,
                Directive::Disable if comment.end <= offset => disabled = true,
                Directive::Enable if comment.end <= offset => disabled = false,
                _ => {}
            }
        }
        disabled
    }
}

fn parse(body: &str, end: usize, line: usize) -> Option<Comment> {
    let rest = body.strip_prefix("survey-lint-")?;
    let (word, rules) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let directive = match word {
        "disable" => Directive::Disable,
        "enable" => Directive::Enable,
        "disable-next-line" => Directive::DisableNextLine,
        "disable-line" => Directive::DisableLine,
        _ => return None,
    };
    let rules = rules
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|r| !r.is_empty())
        .map(String::from)
        .collect();
    Some(Comment {
        directive,
        rules,
        end,
        line,
    })
}
