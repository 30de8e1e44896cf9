//! `survey-lint rules` and `survey-lint explain RULE`.

use super::{ExitStatus, print_stdout};
use crate::rules::{self, RuleSpec};

pub fn rules() -> ExitStatus {
    print_stdout(&rules_table(&rules::builtin_specs()));
    ExitStatus::Clean
}

pub fn explain(query: &str) -> ExitStatus {
    let specs = rules::builtin_specs();
    let Some(spec) = rules::find(&specs, query) else {
        eprintln!("error: no rule named `{query}`; `survey-lint rules` lists them");
        return ExitStatus::Incomplete;
    };
    print_stdout(&explain_text(spec));
    ExitStatus::Clean
}

fn rules_table(specs: &[RuleSpec]) -> String {
    let name_width = specs.iter().map(|s| s.name.len()).max().unwrap_or(4);
    let mut specs: Vec<&RuleSpec> = specs.iter().collect();
    specs.sort_by(|a, b| a.code.cmp(&b.code));
    let mut out = format!(
        "{:<6} {:<name_width$} {:<7} summary\n",
        "code", "name", "default"
    );
    for spec in specs {
        out.push_str(&format!(
            "{:<6} {:<name_width$} {:<7} {}\n",
            spec.code,
            spec.name,
            spec.default_text(),
            spec.summary
        ));
    }
    out
}

/// A rule's documentation as `explain` prints it.
fn explain_text(spec: &RuleSpec) -> String {
    let default = if spec.enabled {
        spec.severity.to_string()
    } else {
        format!(
            "off (turn it on with a severity, e.g. `{} = \"{}\"` under `[rules]`)",
            spec.name, spec.severity
        )
    };
    let mut out = format!(
        "# {} ({})\n\n{}.\n\nDefault severity: {default}\n\n{}\n",
        spec.name,
        spec.code,
        spec.summary,
        spec.docs.trim()
    );
    let examples = |valid: bool| {
        spec.examples.iter().filter_map(move |e| {
            if valid {
                e.valid.as_ref()
            } else {
                e.invalid.as_ref()
            }
        })
    };
    for (title, valid) in [("Reported", false), ("Not reported", true)] {
        let mut list = examples(valid).peekable();
        if list.peek().is_some() {
            out.push_str(&format!("\n## {title}\n"));
            for example in list {
                out.push_str(&format!("\n```markdown\n{}\n```\n", example.trim_end()));
            }
        }
    }
    out
}
