//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.
//!
//! Each result is serialized as the output is written, so a run with a million findings holds
//! one result at a time, not a tree of them.

use super::Outcome;
use crate::diagnostic::Severity;
use crate::document::LineCol;
use crate::engine::Diagnostic;
use crate::rules::RuleSpec;
use serde::Serialize;
use serde_json::{Value, json};
use std::io::Write;
use std::sync::Arc;

/// The SARIF report as one string (see [`write_sarif`]).
pub fn render_sarif(outcome: &Outcome, rules: &[Arc<RuleSpec>]) -> String {
    let mut out = Vec::new();
    // Writing to memory fails only when memory does.
    let _ = write_sarif(outcome, rules, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the SARIF report to `out` as it is serialized.
pub fn write_sarif(
    outcome: &Outcome,
    rules: &[Arc<RuleSpec>],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "help": {"text": r.docs.trim(), "markdown": r.docs.trim()},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"tags": ["survey"]},
            })
        })
        .collect();
    let sarif = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "survey-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://crates.io/crates/survey-lint",
                    rules: descriptors,
                },
            },
            column_kind: "unicodeCodePoints",
            results: Results { outcome, rules },
        }],
    };
    let mut out = std::io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &sarif).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: Results<'a>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Value>,
}

/// Every result of the outcome, made one at a time while the array is written.
struct Results<'a> {
    outcome: &'a Outcome,
    rules: &'a [Arc<RuleSpec>],
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        for file in &self.outcome.files {
            let uri = uri(&file.path);
            for d in &file.diagnostics {
                seq.serialize_element(&result(&uri, &d, self.rules))?;
            }
        }
        seq.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    level: &'static str,
    message: Text,
    locations: [Location<'a>; 1],
    related_locations: Vec<RelatedLocation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    message: Text,
    physical_location: PhysicalLocation<'a>,
}

fn result<'a>(uri: &'a str, d: &'a Diagnostic, rules: &[Arc<RuleSpec>]) -> SarifResult<'a> {
    let f = &d.finding;
    let mut message = f.message.to_string();
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related_locations = f
        .related
        .iter()
        .zip(&d.related)
        .enumerate()
        .map(|(id, (r, &LineCol { line, column }))| RelatedLocation {
            id,
            message: Text {
                text: r.message.to_string(),
            },
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri },
                region: Region {
                    start_line: line,
                    start_column: column,
                    end_line: None,
                    end_column: None,
                },
            },
        })
        .collect();
    SarifResult {
        rule_id: &d.rule.code,
        level: level(d.severity),
        message: Text { text: message },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri },
                region: Region {
                    start_line: d.start.line,
                    start_column: d.start.column,
                    end_line: Some(d.end.line),
                    end_column: Some(d.end.column),
                },
            },
        }],
        related_locations,
        rule_index: rules.iter().position(|r| r.name == d.rule.name),
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a SARIF URI: forward slashes, spaces and the like percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    path.split('/')
        .map(|segment| {
            url::form_urlencoded::byte_serialize(segment.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        })
        .collect::<Vec<_>>()
        .join("/")
}
