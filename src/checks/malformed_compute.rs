//! `malformed-compute`: reads compute fields with [`crate::fields::compute`] and reports the
//! values shaped like a compute expression that fail it; `extract` gets accelerator-hours.

use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Edit, Finding, Fix, Sink};
use crate::document::{Document, Span};
use crate::fields::cells::{FieldSpec, field_values};
use crate::fields::columns::bound_columns;
use crate::fields::compute::{Compute, ComputeError, ComputeSettings, parse_compute};
use serde_json::{Map, Value, json};

/// The `malformed-compute` check.
pub struct MalformedCompute {
    settings: ComputeSettings,
}

impl Kind for MalformedCompute {
    type Settings = ComputeSettings;

    fn new(settings: &ComputeSettings) -> MalformedCompute {
        MalformedCompute {
            settings: settings.clone(),
        }
    }
}

impl MalformedCompute {
    fn spec(&self) -> FieldSpec<'_> {
        FieldSpec {
            columns: &self.settings.columns,
            labels: &self.settings.labels,
            other_labels: &self.settings.other_labels,
        }
    }
}

impl Check for MalformedCompute {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        let spec = self.spec();
        for table in &doc.tables {
            let columns = bound_columns(doc.source, table, spec.columns);
            if columns.is_empty() {
                continue;
            }
            field_values(doc.source, table, &columns, &spec, |field| {
                if let Err(error) = parse_compute(field.text, &self.settings)
                    && error.is_defect()
                {
                    out.push(finding(field.text, field.span.start, &error));
                }
            });
        }
    }

    /// Each row's compute value, parsed and normalized to accelerator-hours.
    fn normalize(&self, doc: &Document<'_>, table: usize, rows: &mut [Map<String, Value>]) {
        let spec = self.spec();
        let table = &doc.tables[table];
        let columns = bound_columns(doc.source, table, spec.columns);
        field_values(doc.source, table, &columns, &spec, |field| {
            let Ok(compute) = parse_compute(field.text, &self.settings) else {
                return;
            };
            rows[field.row].insert(
                "compute".into(),
                json!({
                    "text": field.text,
                    "count": compute.count,
                    "accelerator": compute.accelerator,
                    "hours": compute.hours,
                    "accelerator_hours": compute.accelerator_hours(),
                }),
            );
        });
    }
}

/// The finding for a defect in the compute value `text`, which starts at byte `base`.
fn finding(text: &str, base: usize, error: &ComputeError<'_>) -> Finding {
    let (span, message, label, help) = describe(text, error);
    let mut finding = Finding::new(span.start + base..span.end + base, message)
        .label(label)
        .help(help);
    if let ComputeError::SplitAccelerator { spaces, .. } = error {
        let edits = spaces.iter().map(|s| Edit {
            span: s.start + base..s.end + base,
            replacement: String::new(),
        });
        finding = finding.fix(Fix::safe(edits.collect()));
    }
    finding.data = Some(Box::new(data(text, error)));
    finding
}

/// The span (relative to `text`), message, label and help of a defect.
fn describe(text: &str, error: &ComputeError<'_>) -> (Span, String, &'static str, String) {
    use ComputeError as E;
    let whole = 0..text.len();
    match error {
        E::SplitAccelerator { name, spaces, .. } => (
            name.clone(),
            format!(
                "accelerator name `{}` is split by a space",
                &text[name.clone()]
            ),
            "split here",
            format!("write `{}`", without(text, spaces)),
        ),
        E::MissingDuration { .. } => (
            whole,
            format!("compute `{text}` has no duration"),
            "no duration",
            format!("add how long it ran, e.g. `{text}*30天`, or write `/` if it is not disclosed"),
        ),
        E::MissingCount { .. } => (
            whole,
            format!("compute `{text}` has no accelerator count"),
            "no count",
            format!("write how many accelerators ran first, e.g. `8 {text}`"),
        ),
        E::MissingAccelerator { .. } => (
            whole,
            format!("compute `{text}` names no accelerator"),
            "no accelerator",
            "name the accelerator after the count, e.g. `8 A100*3天`".into(),
        ),
        E::UnknownAccelerator { name } => (
            name.clone(),
            format!("unknown accelerator `{}`", &text[name.clone()]),
            "not a known accelerator",
            format!(
                "name the accelerator model (A100, H100, V100, RTX 4090, TPU v4, Ascend 910 …), or add `{}` to the rule's `accelerators`",
                &text[name.clone()]
            ),
        ),
        E::MissingTimeUnit { number } => (
            number.clone(),
            format!("duration `{}` has no time unit", &text[number.clone()]),
            "no unit",
            format!(
                "add the unit, e.g. `{0}天` or `{0}h`",
                &text[number.clone()]
            ),
        ),
        E::MissingDurationNumber { unit } => (
            unit.clone(),
            format!("duration `{}` has no number", &text[unit.clone()]),
            "no number",
            {
                let unit = &text[unit.clone()];
                let gap = if unit.is_ascii() { " " } else { "" };
                format!(
                    "write how long it ran, e.g. `30{gap}{unit}`, or `/` if it is not disclosed"
                )
            },
        ),
        E::UnknownTimeUnit { unit } => (
            unit.clone(),
            format!("unknown time unit `{}`", &text[unit.clone()]),
            "not a time unit",
            "use 小时/h/hours, 天/d/days, 周/w/weeks or 月/months".into(),
        ),
        E::ZeroCount { count } => (
            count.clone(),
            format!("compute `{text}` has a count of zero"),
            "zero accelerators",
            "write the number of accelerators used, or `/` if it is not disclosed".into(),
        ),
        E::NotDisclosed | E::FreeText => {
            (whole, "compute does not parse".into(), "", String::new())
        }
    }
}

/// `text` without the byte ranges in `cut` (sorted, disjoint).
fn without(text: &str, cut: &[Span]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for span in cut {
        out.push_str(&text[from..span.start]);
        from = span.end;
    }
    out.push_str(&text[from..]);
    out
}

/// What is known of the value, for JSON output: the normalized accelerator-hours when the
/// defect still lets them be computed (a split name).
fn data(text: &str, error: &ComputeError<'_>) -> serde_json::Value {
    use ComputeError as E;
    let value = |c: &Compute<'_>| {
        json!({
            "count": c.count,
            "accelerator": c.accelerator,
            "hours": c.hours,
            "accelerator_hours": c.accelerator_hours(),
        })
    };
    let mut data = match error {
        E::SplitAccelerator {
            accelerator,
            value: Some(c),
            ..
        } => {
            let mut v = value(c);
            v["accelerator"] = json!(accelerator);
            v
        }
        E::SplitAccelerator { accelerator, .. } => json!({ "accelerator": accelerator }),
        E::MissingDuration { count, accelerator } => {
            json!({ "count": count, "accelerator": accelerator })
        }
        E::MissingCount { accelerator, hours } => {
            json!({ "accelerator": accelerator, "hours": hours })
        }
        E::MissingAccelerator { count } => json!({ "count": count }),
        _ => json!({}),
    };
    data["text"] = json!(text);
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn settings() -> ComputeSettings {
        super::super::settings_of(include_str!("../../rules/malformed-compute.toml"))
    }

    fn hours(text: &str) -> Option<(u64, String, f64)> {
        let s = settings();
        let c = parse_compute(text, &s).ok()?;
        Some((c.count, c.accelerator.to_string(), c.accelerator_hours()))
    }

    fn findings(markdown: &str) -> Vec<Finding> {
        let doc = Document::parse(markdown);
        let mut out = Vec::new();
        MalformedCompute::new(&settings()).check(&CheckContext::new(&doc, None), &mut out);
        out
    }

    #[test]
    fn normalizes_to_accelerator_hours() {
        assert_eq!(
            hours("2048 A100*21天"),
            Some((2048, "A100".into(), 1_032_192.0))
        );
        assert_eq!(hours("8 A100*3小时"), Some((8, "A100".into(), 24.0)));
        assert_eq!(
            hours("1 RTX4090*24小时"),
            Some((1, "RTX 4090".into(), 24.0))
        );
        assert_eq!(
            hours("384 A100*105天"),
            Some((384, "A100".into(), 967_680.0))
        );
        assert_eq!(
            hours("8x A100-80G × 3 hours"),
            Some((8, "A100".into(), 24.0))
        );
        assert_eq!(
            hours("64 TPUv4 ＊ 2 weeks"),
            Some((64, "TPU v4".into(), 21_504.0))
        );
        assert_eq!(hours("16 A100s X 1.5d"), Some((16, "A100".into(), 576.0)));
        assert_eq!(
            hours("1,024 H800*1月"),
            Some((1024, "H800".into(), 737_280.0))
        );
        assert_eq!(
            hours("8 80GB A100 GPUs * 2 h (LoRA)"),
            Some((8, "A100".into(), 16.0))
        );
        assert_eq!(hours("4 MI250X*1 day"), Some((4, "MI250X".into(), 96.0)));
        assert_eq!(hours("8张A100*3天"), Some((8, "A100".into(), 576.0)));
    }

    #[test]
    fn undisclosed_and_free_text_are_not_defects() {
        let s = settings();
        for text in ["", "/", "-", "—", "N/A", "未知"] {
            assert_eq!(
                parse_compute(text, &s),
                Err(ComputeError::NotDisclosed),
                "{text}"
            );
        }
        for text in [
            "3 hours on 8 80GB A100s, `$500(data) + $100(train)`",
            "$500(data) + $100(train)",
            "2 epochs in 6 hours using 8 A100s",
            "4/8 A100s, $140/300 for training",
            "run on A100(80GB)s",
            "hours on a single RTX 4090(24GB)",
            "A100",
            "8 A100*3-4天",
            "2 epochs * 3 days",
            "fp16 finetune on 2 A100s or 4/8-bit finetune on single 3090",
            "(2+8)*7B=70GB, 80GB A100 works fine",
        ] {
            assert_eq!(
                parse_compute(text, &s),
                Err(ComputeError::FreeText),
                "{text}"
            );
        }
    }

    #[test]
    fn split_name_has_a_safe_fix_and_keeps_the_value() {
        let md =
            "| 模型名称 | 训练细节 |\n|---|---|\n| Vicuna | 数据量：70K运算量：8 A 100*1天 |\n";
        let found = findings(md);
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(f.message, "accelerator name `A 100` is split by a space");
        assert_eq!(&md[f.span.clone()], "A 100");
        assert_eq!(f.help.as_deref(), Some("write `8 A100*1天`"));
        let fix = f.fix.as_ref().expect("fix");
        assert!(fix.safe);
        assert_eq!(fix.edits.len(), 1);
        assert_eq!(&md[fix.edits[0].span.clone()], " ");
        let data = f.data.as_ref().expect("data");
        assert_eq!(data["accelerator_hours"], 192.0);
        assert_eq!(data["accelerator"], "A100");
    }

    #[test]
    fn each_defect_has_its_message() {
        let cases = [
            ("384 A100", "compute `384 A100` has no duration", "384 A100"),
            (
                "384 A100 *",
                "compute `384 A100 *` has no duration",
                "384 A100 *",
            ),
            (
                "A100*21天",
                "compute `A100*21天` has no accelerator count",
                "A100*21天",
            ),
            ("8*3天", "compute `8*3天` names no accelerator", "8*3天"),
            ("8 Z100*3天", "unknown accelerator `Z100`", "Z100"),
            ("8 GPU*3天", "unknown accelerator `GPU`", "GPU"),
            (
                "8 A100*3 fortnights",
                "unknown time unit `fortnights`",
                "fortnights",
            ),
            ("8 A100*3", "duration `3` has no time unit", "3"),
            (
                "0 A100*3天",
                "compute `0 A100*3天` has a count of zero",
                "0",
            ),
        ];
        for (value, message, at) in cases {
            let md = format!("| Model | Compute |\n|---|---|\n| X | {value} |\n");
            let found = findings(&md);
            assert_eq!(found.len(), 1, "{value}: {found:?}");
            assert_eq!(found[0].message, message);
            assert_eq!(&md[found[0].span.clone()], at, "{value}");
            assert!(found[0].help.as_ref().is_some_and(|h| !h.is_empty()));
            assert!(found[0].fix.is_none());
        }
    }

    #[test]
    fn tables_without_a_compute_column_are_not_read() {
        assert!(findings("| Model | Hardware |\n|---|---|\n| X | 384 A100 |\n").is_empty());
        assert!(findings("| Model | Notes |\n|---|---|\n| X | 8 A 100*1天 |\n").is_empty());
    }

    #[test]
    fn the_founding_survey() {
        let md = include_str!("../../tests/fixtures/open-llm-survey.md");
        let doc = Document::parse(md);
        let mut found = Vec::new();
        MalformedCompute::new(&settings()).check(&CheckContext::new(&doc, None), &mut found);
        let lines: Vec<usize> = found.iter().map(|f| doc.lines.line(f.span.start)).collect();
        assert_eq!(lines, [18, 19, 20, 23]);
        for f in &found[..3] {
            assert_eq!(f.help.as_deref(), Some("write `8 A100*1天`"));
        }
        assert_eq!(found[3].message, "compute `384 A100` has no duration");
        // The rows that parse, normalized as `extract` will show them.
        let s = settings();
        let spec = FieldSpec {
            columns: &s.columns,
            labels: &s.labels,
            other_labels: &s.other_labels,
        };
        let mut normalized = Vec::new();
        let table = &doc.tables[0];
        let columns = bound_columns(md, table, spec.columns);
        field_values(md, table, &columns, &spec, |field| {
            if let Ok(c) = parse_compute(field.text, &s) {
                normalized.push((
                    table.row_line(&doc, field.row).unwrap(),
                    c.accelerator,
                    c.accelerator_hours(),
                ));
            }
        });
        assert_eq!(
            normalized,
            [
                (15, "A100", 1_032_192.0),
                (16, "A100", 24.0),
                (17, "RTX 4090", 24.0),
                (22, "A100", 967_680.0),
            ]
        );
    }

    #[test]
    fn fixtures() {
        let fail = include_str!("../../tests/fixtures/malformed-compute/fail.md");
        let doc = Document::parse(fail);
        let found = findings(fail);
        let rows: Vec<usize> = doc
            .tables
            .iter()
            .flat_map(|t| t.rows(&doc))
            .map(|r| r.line)
            .collect();
        let lines: Vec<usize> = found.iter().map(|f| doc.lines.line(f.span.start)).collect();
        assert_eq!(lines, rows, "one finding per row: {found:#?}");
        assert_eq!(found[9].help.as_deref(), Some("write `16 H800 × 2 weeks`"));
        assert_eq!(found[8].message, "duration `天` has no number");
        assert_eq!(found[11].message, "duration `days` has no number");
        let pass = include_str!("../../tests/fixtures/malformed-compute/pass.md");
        assert_eq!(findings(pass), []);
    }

    proptest! {
        /// The split-name fix removes only whitespace, and the fixed text parses.
        #[test]
        fn split_fix_is_whitespace_only_and_final(
            count in 1u32..5000,
            name in "A ?1 ?0 ?0|H ?8 ?0 ?0|RTX ?40 ?90|V ?1 ?00",
            days in 1u32..400,
        ) {
            let s = settings();
            let text = format!("{count} {name}*{days}天");
            match parse_compute(&text, &s) {
                Err(ComputeError::SplitAccelerator { spaces, value, .. }) => {
                    let fixed = without(&text, &spaces);
                    prop_assert_eq!(fixed.split_whitespace().collect::<String>(),
                        text.split_whitespace().collect::<String>());
                    let again = parse_compute(&fixed, &s);
                    prop_assert!(again.is_ok(), "{fixed}: {again:?}");
                    prop_assert_eq!(again.ok(), value);
                }
                other => {
                    // Only a spelling with no extra space parses (`RTX 4090` has one by right).
                    prop_assert!(!name.replacen("RTX ", "RTX", 1).contains(' '), "{text}: {other:?}");
                    prop_assert!(other.is_ok());
                }
            }
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,40}") {
            let s = settings();
            let _ = parse_compute(&text, &s);
        }

        #[test]
        fn parse_never_panics_on_compute_like_text(
            text in "[0-9 ,.]{0,6}[AaHhVvx×*＊ 0-9天小时hours]{0,16}[一-龥a-z0-9 *()（）]{0,8}"
        ) {
            let s = settings();
            if let Err(ComputeError::SplitAccelerator { spaces, .. }) = parse_compute(&text, &s) {
                prop_assert!(spaces.iter().all(|sp| text[sp.clone()].trim().is_empty()));
            }
        }

        #[test]
        fn check_never_panics(cell in "\\PC{0,40}") {
            let md = format!("| Model | 训练细节 |\n|---|---|\n| X | 运算量：{cell} |\n");
            let _ = findings(&md);
        }
    }
}
