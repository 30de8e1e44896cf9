//! Findings as LSP diagnostics, and a broken config as a diagnostic on the config file.

use super::position::{Encoding, Lines};
use crate::config::ConfigError;
use crate::diagnostic::Severity;
use crate::engine::{Diagnostic, Diagnostics};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
    Uri,
};

pub const SOURCE: &str = "survey-lint";

/// One open document's text as the client counts positions in it.
pub struct View<'a> {
    pub uri: &'a Uri,
    pub text: &'a str,
    pub lines: &'a Lines,
    pub encoding: Encoding,
}

impl View<'_> {
    pub fn range(&self, span: &std::ops::Range<usize>) -> Range {
        self.lines.range(self.text, span, self.encoding)
    }

    /// A finding as the client shows it: the rule's code in `code`, its name after the
    /// message, the help on a line of its own, the related spans as related information.
    pub fn diagnostic(&self, d: &Diagnostic) -> lsp_types::Diagnostic {
        let f = &d.finding;
        let mut message = format!("{} ({})", f.message, d.rule.name);
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let related = f
            .related
            .iter()
            .map(|r| DiagnosticRelatedInformation {
                location: Location::new(self.uri.clone(), self.range(&r.span)),
                message: r.message.to_string(),
            })
            .collect::<Vec<_>>();
        lsp_types::Diagnostic {
            range: self.range(&f.span),
            severity: Some(severity(d.severity)),
            code: Some(NumberOrString::String(d.rule.code.clone())),
            source: Some(SOURCE.to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            data: Some(serde_json::json!({
                "rule": d.rule.name,
                "fixable": f.fix.as_ref().is_some_and(|fix| fix.safe),
            })),
            ..lsp_types::Diagnostic::default()
        }
    }
}

/// The `publishDiagnostics` notification of a document's findings, written one finding at a
/// time: neither the LSP diagnostics nor a JSON tree of them are ever all in memory.
pub fn publish(view: &View<'_>, diagnostics: &Diagnostics, version: i32) -> lsp_server::Message {
    let mut json = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{{"uri":{},"version":{version},"diagnostics":["#,
        serde_json::Value::String(view.uri.as_str().to_string())
    )
    .into_bytes();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        // Serializing a struct of strings and numbers into memory cannot fail.
        let _ = serde_json::to_writer(&mut json, &view.diagnostic(&d));
    }
    json.extend_from_slice(b"]}}");
    super::transport::written(String::from_utf8_lossy(&json).into_owned())
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A config error as a diagnostic in the file it is in (`text`, as read from disk): at the
/// span it points at, or at the start of the file.
pub fn config_error(error: &ConfigError, text: &str, encoding: Encoding) -> lsp_types::Diagnostic {
    use miette::Diagnostic as _;
    let lines = Lines::new(text);
    let range = error
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| {
            let start = label.offset();
            lines.range(text, &(start..start + label.len()), encoding)
        })
        .unwrap_or_else(|| Range::new(Position::new(0, 0), Position::new(0, 0)));
    let mut message = error.to_string();
    if let Some(help) = error.help() {
        message.push_str(&format!("\nhelp: {help}"));
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_string()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}
