//! `--format json`: version 1 of the JSON format (the README documents it).

use super::Outcome;
use crate::document::LineCol;
use crate::engine::{Diagnostic, FileReport};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    diagnostics: Diagnostics<'a>,
    /// Files that could not be linted (the reason for exit status 2).
    errors: Vec<JsonError>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    tables: usize,
    rows: usize,
    links: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    /// Findings left out because the baseline records them.
    baselined: usize,
    /// Links not checked because no host answered at all.
    unchecked_links: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    code: &'a str,
    severity: &'static str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a serde_json::Value>,
    /// The URL a link finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    /// How a link finding was settled: `http`, `github-api`.
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    safe: bool,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start_byte: usize,
    end_byte: usize,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonError {
    message: String,
}

/// Every diagnostic of an outcome, serialized one at a time as the output is written: the
/// output is never held whole, nor a copy of the findings.
struct Diagnostics<'a>(&'a Outcome);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        for file in &self.0.files {
            for d in &file.diagnostics {
                seq.serialize_element(&diagnostic(file, &d))?;
            }
        }
        seq.end()
    }
}

/// The JSON report as one string (see [`write_json`]).
pub fn render_json(outcome: &Outcome) -> String {
    let mut out = Vec::new();
    // Writing to memory fails only when memory does.
    let _ = write_json(outcome, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the JSON report to `out` as it is serialized.
pub fn write_json(outcome: &Outcome, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let counts = outcome.counts();
    let output = Output {
        version: 1,
        tool: Tool {
            name: "survey-lint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: outcome.files.len(),
            tables: outcome.files.iter().map(|f| f.tables).sum(),
            rows: outcome.files.iter().map(|f| f.rows).sum(),
            links: outcome.files.iter().map(|f| f.links).sum(),
            errors: counts.errors,
            warnings: counts.warnings,
            infos: counts.infos,
            baselined: outcome.baselined,
            unchecked_links: outcome.unchecked_links,
        },
        diagnostics: Diagnostics(outcome),
        errors: outcome
            .errors
            .iter()
            .map(|e| JsonError {
                message: e.to_string(),
            })
            .collect(),
    };
    let mut out = std::io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &output).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn diagnostic<'a>(file: &'a FileReport, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let f = &d.finding;
    JsonDiagnostic {
        rule: &d.rule.name,
        code: &d.rule.code,
        severity: d.severity.as_str(),
        path: &file.path,
        line: d.start.line,
        column: d.start.column,
        end_line: d.end.line,
        end_column: d.end.column,
        message: &f.message,
        help: f.help.as_deref(),
        related: f
            .related
            .iter()
            .zip(&d.related)
            .map(|(r, &LineCol { line, column })| JsonRelated {
                path: &file.path,
                line,
                column,
                message: &r.message,
            })
            .collect(),
        fix: f.fix.as_ref().map(|fix| JsonFix {
            safe: fix.safe,
            edits: fix
                .edits
                .iter()
                .map(|e| JsonEdit {
                    start_byte: e.span.start,
                    end_byte: e.span.end,
                    replacement: &e.replacement,
                })
                .collect(),
        }),
        data: f.data.as_deref(),
        url: f.url.as_deref(),
        via: f.via,
    }
}
