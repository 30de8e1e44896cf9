//! `--format junit`: one test case per file, one failure per finding.

use super::Outcome;

pub fn render_junit(outcome: &Outcome) -> String {
    let findings: usize = outcome.files.iter().map(|f| f.diagnostics.len()).sum();
    let errors = outcome.errors.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"survey-lint\" tests=\"{}\" failures=\"{findings}\" errors=\"{errors}\">\n",
        outcome.files.len() + errors
    ));
    out.push_str(&format!(
        "  <testsuite name=\"survey-lint\" tests=\"{}\" failures=\"{findings}\" errors=\"{errors}\">\n",
        outcome.files.len() + errors
    ));
    for file in &outcome.files {
        out.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"survey-lint\">\n",
            escape(&file.path)
        ));
        for d in &file.diagnostics {
            let f = &d.finding;
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}:{}:{}: {} [{} {}] {}{}</failure>\n",
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
            ));
        }
        out.push_str("    </testcase>\n");
    }
    for error in &outcome.errors {
        out.push_str(&format!(
            "    <testcase name=\"{0}\" classname=\"survey-lint\">\n      <error message=\"{0}\"/>\n    </testcase>\n",
            escape(&error.to_string())
        ));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
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
