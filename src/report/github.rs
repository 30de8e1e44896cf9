//! `--format github`: workflow commands that GitHub Actions turns into annotations on the diff.

use super::Outcome;
use crate::diagnostic::Severity;

/// The workflow commands as one string (see [`write_github`]).
pub fn render_github(outcome: &Outcome) -> String {
    let mut out = Vec::new();
    // Writing to memory fails only when memory does.
    let _ = write_github(outcome, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes one workflow command per finding to `out`.
pub fn write_github(outcome: &Outcome, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(out);
    for file in &outcome.files {
        let path = property(&file.path);
        for d in &file.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = d.finding.message.to_string();
            if let Some(help) = &d.finding.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::{command} file={path},line={},col={},endLine={},endColumn={},title={}::{}",
                d.start.line,
                d.start.column,
                d.end.line,
                d.end.column,
                property(&format!("{} {}", d.rule.code, d.rule.name)),
                data(&message),
            )?;
        }
    }
    // A file that could not be checked is an error of the run, without a place in a file.
    for error in &outcome.errors {
        writeln!(
            out,
            "::error title=survey-lint::{}",
            data(&error.to_string())
        )?;
    }
    out.flush()
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
