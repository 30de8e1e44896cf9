//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.

use super::Outcome;
use crate::diagnostic::Severity;
use crate::document::LineCol;
use crate::rules::RuleSpec;
use serde_json::{Value, json};
use std::sync::Arc;

pub fn render_sarif(outcome: &Outcome, rules: &[Arc<RuleSpec>]) -> String {
    let rule_index = |name: &str| rules.iter().position(|r| r.name == name);
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
    let mut results = Vec::new();
    for file in &outcome.files {
        for d in &file.diagnostics {
            let f = &d.finding;
            let mut message = f.message.clone();
            if let Some(help) = &f.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            let related: Vec<Value> = f
                .related
                .iter()
                .zip(&d.related)
                .enumerate()
                .map(|(id, (r, &LineCol { line, column }))| {
                    json!({
                        "id": id,
                        "message": {"text": r.message},
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri(&file.path)},
                            "region": {"startLine": line, "startColumn": column},
                        },
                    })
                })
                .collect();
            let mut result = json!({
                "ruleId": d.rule.code,
                "level": level(d.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&file.path)},
                        "region": {
                            "startLine": d.start.line,
                            "startColumn": d.start.column,
                            "endLine": d.end.line,
                            "endColumn": d.end.column,
                        },
                    },
                }],
                "relatedLocations": related,
            });
            if let Some(index) = rule_index(&d.rule.name) {
                result["ruleIndex"] = json!(index);
            }
            results.push(result);
        }
    }
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "survey-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crates.io/crates/survey-lint",
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&sarif).expect("SARIF serializes") + "\n"
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
