//! `--format github`: workflow commands that GitHub Actions turns into annotations on the diff.

use super::Outcome;
use crate::diagnostic::Severity;

pub fn render_github(outcome: &Outcome) -> String {
    let mut out = String::new();
    for file in &outcome.files {
        for d in &file.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = d.finding.message.clone();
            if let Some(help) = &d.finding.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            out.push_str(&format!(
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                property(&file.path),
                d.start.line,
                d.start.column,
                d.end.line,
                d.end.column,
                property(&format!("{} {}", d.rule.code, d.rule.name)),
                data(&message),
            ));
        }
    }
    out
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        assert_eq!(property("a,b:c%\nd"), "a%2Cb%3Ac%25%0Ad");
        assert_eq!(data("x: 1, y\n"), "x: 1, y%0A");
    }
}
