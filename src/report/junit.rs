//! `--format junit`: one test case per file, one failure per finding.

use super::Outcome;

/// The JUnit XML as one string (see [`write_junit`]).
pub fn render_junit(outcome: &Outcome) -> String {
    let mut out = Vec::new();
    // Writing to memory fails only when memory does.
    let _ = write_junit(outcome, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the JUnit XML to `out`, one failure at a time.
pub fn write_junit(outcome: &Outcome, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(out);
    let findings: usize = outcome.files.iter().map(|f| f.diagnostics.len()).sum();
    let errors = outcome.errors.len();
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    out.write_all(format!(
        "<testsuites name=\"survey-lint\" tests=\"{}\" failures=\"{findings}\" errors=\"{errors}\">\n",
        outcome.files.len() + errors
    ).as_bytes())?;
    out.write_all(format!(
        "  <testsuite name=\"survey-lint\" tests=\"{}\" failures=\"{findings}\" errors=\"{errors}\">\n",
        outcome.files.len() + errors
    ).as_bytes())?;
    for file in &outcome.files {
        writeln!(
            out,
            "    <testcase name=\"{}\" classname=\"survey-lint\">",
            escape(&file.path)
        )?;
        for d in &file.diagnostics {
            let f = &d.finding;
            writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}:{}:{}: {} [{} {}] {}{}</failure>",
                escape(&d.rule.name),
                escape(&f.message),
                escape(&file.path),
                d.start.line,
                d.start.column,
                d.severity.as_str(),
                escape(&d.rule.code),
                escape(&d.rule.name),
                escape(&f.message),
                f.help
                    .as_deref()
                    .map(|h| format!("\nhelp: {}", escape(h)))
                    .unwrap_or_default(),
            )?;
        }
        out.write_all(b"    </testcase>\n")?;
    }
    for error in &outcome.errors {
        write!(
            out,
            "    <testcase name=\"{0}\" classname=\"survey-lint\">\n      <error message=\"{0}\"/>\n    </testcase>\n",
            escape(&error.to_string())
        )?;
    }
    out.write_all(b"  </testsuite>\n</testsuites>\n")?;
    out.flush()
}

/// XML text and attribute escaping; characters XML 1.0 cannot hold are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}
