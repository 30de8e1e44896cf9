//! `malformed-quantity`: reads parameter-count and data-size fields with
//! [`crate::fields::quantity`] and reports what does not parse, or is spaced unlike its column.

use super::{Check, CheckContext, Kind};
use crate::diagnostic::{Edit, Finding, Fix, Sink};
use crate::document::{Document, Span, Table};
use crate::fields::cells::{FieldSpec, FieldValue, field_values};
use crate::fields::columns::{BoundColumn, bound_columns};
use crate::fields::quantity::{
    Amount, QuantityError, QuantityReport, QuantitySettings, column_unit, counts, parameter_counts,
    parse_quantity,
};
use serde_json::{Map, Value, json};

/// The `malformed-quantity` check.
pub struct MalformedQuantity {
    settings: QuantitySettings,
}

impl Kind for MalformedQuantity {
    type Settings = QuantitySettings;

    fn new(settings: &QuantitySettings) -> MalformedQuantity {
        MalformedQuantity {
            settings: settings.clone(),
        }
    }
}

/// What a column holds, for the normalized values in a finding's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Parameters,
    Data,
}

/// One amount with a short unit, as written in a column: for the spacing comparison.
struct Written {
    /// Absolute span of the number and unit.
    span: Span,
    /// Absolute end of the number.
    number_end: usize,
    /// Absolute span of the unit.
    unit: Span,
    spaced: bool,
}

impl Check for MalformedQuantity {
    fn check(&self, cx: &CheckContext<'_>, out: &mut dyn Sink) {
        let doc = cx.doc;
        let s = &self.settings;
        let mut amounts = Vec::new();
        for table in &doc.tables {
            let params = bound_columns(doc.source, table, &s.parameter_columns);
            let data = bound_columns(doc.source, table, &s.data_columns);
            let data = data
                .iter()
                .filter(|d| params.iter().all(|p| p.index != d.index));
            let columns = params.iter().map(|c| (c, ColumnKind::Parameters));
            for (column, kind) in columns.chain(data.map(|c| (c, ColumnKind::Data))) {
                self.check_column(doc, table, column, kind, &mut amounts, out);
            }
        }
    }

    /// Each row's parameter counts as numbers (`7B/13B` → `[7e9, 1.3e10]`; `7` in a
    /// `Params (B)` column → `[7e9]`; `24.7 GB`, a file size, → none). The spacing rule,
    /// reading the same fields, adds nothing.
    fn normalize(&self, doc: &Document<'_>, table: usize, rows: &mut [Map<String, Value>]) {
        let settings = &self.settings;
        if settings.report != QuantityReport::Malformed {
            return;
        }
        let table = &doc.tables[table];
        let spec = FieldSpec {
            columns: &[],
            labels: &settings.labels,
            other_labels: &settings.other_labels,
        };
        for column in bound_columns(doc.source, table, &settings.parameter_columns) {
            let unit = column
                .note
                .as_ref()
                .and_then(|note| column_unit(settings, doc.text(note)));
            let columns = std::slice::from_ref(&column);
            field_values(doc.source, table, columns, &spec, |field| {
                let counts = parameter_counts(field.text, settings, unit);
                if !counts.is_empty() {
                    rows[field.row].insert("parameters".into(), json!(counts));
                }
            });
        }
    }
}

impl MalformedQuantity {
    fn check_column(
        &self,
        doc: &Document<'_>,
        table: &Table,
        column: &BoundColumn,
        kind: ColumnKind,
        amounts: &mut Vec<Amount>,
        out: &mut dyn Sink,
    ) {
        let spec = FieldSpec {
            columns: &[],
            labels: &self.settings.labels,
            other_labels: &self.settings.other_labels,
        };
        let column_unit = column
            .note
            .as_ref()
            .and_then(|note| column_unit(&self.settings, doc.text(note)));
        let mut written = Vec::new();
        let columns = std::slice::from_ref(column);
        field_values(
            doc.source,
            table,
            columns,
            &spec,
            |field| match parse_quantity(field.text, &self.settings, column_unit, amounts) {
                Ok(()) => record_spacing(&field, amounts, &mut written),
                Err(error) if self.settings.report == QuantityReport::Malformed => {
                    out.push(malformed(&field, &error, kind, amounts));
                }
                Err(_) => {}
            },
        );
        if self.settings.report == QuantityReport::Spacing {
            spacing_findings(doc.source, &written, out);
        }
    }
}

/// Notes how each amount with a short unit (`B`, `k`, `GB`, `万`) is spaced; word units
/// (`1.4 Trillion`) are always spaced and are left out.
fn record_spacing(field: &FieldValue<'_>, amounts: &[Amount], written: &mut Vec<Written>) {
    let base = field.span.start;
    for amount in amounts {
        let Some(unit) = &amount.unit else { continue };
        let text = &field.text[unit.clone()];
        if text.is_ascii() && text.len() > 2 {
            continue;
        }
        written.push(Written {
            span: amount.span().start + base..amount.span().end + base,
            number_end: amount.number.end + base,
            unit: unit.start + base..unit.end + base,
            spaced: unit.start > amount.number.end,
        });
    }
}

/// Reports the amounts spaced unlike most amounts of the same unit (any case) in the column;
/// on a tie, the first one written sets the style.
fn spacing_findings(source: &str, written: &[Written], out: &mut dyn Sink) {
    let unit = |w: &Written| &source[w.unit.clone()];
    // Few distinct units per column, so a linear search per amount stays cheap.
    let mut groups: Vec<Vec<&Written>> = Vec::new();
    for w in written {
        match groups
            .iter_mut()
            .find(|g| unit(g[0]).eq_ignore_ascii_case(unit(w)))
        {
            Some(group) => group.push(w),
            None => groups.push(vec![w]),
        }
    }
    for group in &groups {
        let spaced = group.iter().filter(|w| w.spaced).count();
        let majority_spaced = match spaced.cmp(&(group.len() - spaced)) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => group[0].spaced,
        };
        let mut majority = group.iter().filter(|w| w.spaced == majority_spaced);
        let (Some(example), others) = (majority.next(), majority.count() + 1) else {
            continue;
        };
        for odd in group.iter().filter(|w| w.spaced != majority_spaced) {
            out.push(spacing_finding(source, odd, example, others));
        }
    }
}

fn spacing_finding(source: &str, odd: &Written, example: &Written, others: usize) -> Finding {
    let text = &source[odd.span.clone()];
    let unit = &source[odd.unit.clone()];
    let number = &source[odd.span.start..odd.number_end];
    let (message, fixed, edit) = if odd.spaced {
        (
            format!(
                "`{text}` has a space before its unit, unlike {others} other values with this unit in this column"
            ),
            format!("{number}{unit}"),
            Edit {
                span: odd.number_end..odd.unit.start,
                replacement: String::new(),
            },
        )
    } else {
        (
            format!(
                "`{text}` has no space before its unit, unlike {others} other values with this unit in this column"
            ),
            format!("{number} {unit}"),
            Edit {
                span: odd.number_end..odd.number_end,
                replacement: " ".into(),
            },
        )
    };
    Finding::new(odd.span.clone(), message)
        .label("spaced differently")
        .related(example.span.clone(), "written like this")
        .help(format!("write `{fixed}`, as the rest of the column does"))
        .fix(Fix {
            safe: false,
            edits: vec![edit],
        })
}

/// The finding for a list that does not parse.
fn malformed(
    field: &FieldValue<'_>,
    error: &QuantityError,
    kind: ColumnKind,
    parsed: &[Amount],
) -> Finding {
    let text = field.text;
    let at = |s: &Span| field.span.start + s.start..field.span.start + s.end;
    let finding = match error {
        QuantityError::DoubledUnit { amount, extra } => {
            let unit = &text[extra.clone()];
            let fixed = format!(
                "{}{}",
                &text[amount.start..extra.start],
                &text[extra.end..amount.end]
            );
            Finding::new(
                at(amount),
                format!("unit `{unit}` is doubled in `{}`", &text[amount.clone()]),
            )
            .label("unit written twice")
            .help(format!("write `{fixed}`"))
            .fix(Fix {
                safe: false,
                edits: vec![Edit {
                    span: at(extra),
                    replacement: String::new(),
                }],
            })
        }
        QuantityError::MissingUnit {
            number,
            previous,
            unit,
        } => {
            let (number_text, previous_text) = (&text[number.clone()], &text[previous.clone()]);
            let unit = &text[unit.clone()];
            Finding::new(
                at(number),
                format!("`{number_text}` has no unit, unlike `{previous_text}` before it"),
            )
            .label("no unit")
            .related(at(previous), "unit given here")
            .help(format!(
                "add the unit: `{number_text}{unit}` if it is in {unit} like `{previous_text}`"
            ))
        }
        QuantityError::StrayPoint { amount, point } => {
            let written = &text[amount.clone()];
            let without = format!(
                "{}{}",
                &text[amount.start..point.start],
                &text[point.end..amount.end]
            );
            Finding::new(
                at(amount),
                format!("`{written}` has a decimal point with no digits after it"),
            )
            .label("stray decimal point")
            .help(format!("write the missing digits, or `{without}`"))
        }
        QuantityError::DownwardRange { low, high } => {
            let range = &text[low.start..high.end];
            Finding::new(
                at(&(low.start..high.end)),
                format!("range `{range}` runs downwards: its start is larger than its end"),
            )
            .label("runs downwards")
            .help("write the range from the smaller value to the larger, or correct the value that is wrong")
        }
    };
    let (kind, values) = match kind {
        ColumnKind::Parameters => ("parameters", counts(parsed)),
        ColumnKind::Data => ("data", parsed.iter().map(Amount::total).collect()),
    };
    Finding {
        data: Some(Box::new(
            json!({ "text": text, "kind": kind, "values": values }),
        )),
        ..finding
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RULE: &str = include_str!("../../rules/malformed-quantity.toml");

    fn settings() -> QuantitySettings {
        super::super::settings_of(RULE)
    }

    fn values(text: &str) -> Result<Vec<f64>, QuantityError> {
        let mut out = Vec::new();
        parse_quantity(text, &settings(), None, &mut out)?;
        Ok(out.iter().map(Amount::total).collect())
    }

    fn findings(markdown: &str) -> Vec<Finding> {
        findings_of(&settings(), markdown)
    }

    /// The findings of the spacing rule, `inconsistent-unit-spacing`.
    fn spacing(markdown: &str) -> Vec<Finding> {
        let rule = include_str!("../../rules/inconsistent-unit-spacing.toml");
        let settings: QuantitySettings = super::super::settings_of(rule);
        assert_eq!(settings.report, QuantityReport::Spacing);
        findings_of(&settings, markdown)
    }

    fn findings_of(settings: &QuantitySettings, markdown: &str) -> Vec<Finding> {
        let doc = Document::parse(markdown);
        let mut out = Vec::new();
        MalformedQuantity::new(settings).check(&CheckContext::new(&doc, None), &mut out);
        out
    }

    #[test]
    fn parameter_counts_are_numbers() {
        let s = settings();
        assert_eq!(
            parameter_counts("7B/13B/33B/65B", &s, None),
            [7e9, 13e9, 33e9, 65e9]
        );
        assert_eq!(parameter_counts("176B", &s, None), [176e9]);
        assert_eq!(parameter_counts("6.7B", &s, None), [6.7e9]);
        assert_eq!(parameter_counts("1.3 billion", &s, None), [1.3e9]);
        assert_eq!(parameter_counts("70亿", &s, None), [7e9]);
        assert_eq!(parameter_counts("7/13B", &s, None), [7e9, 13e9]);
        assert_eq!(parameter_counts("7/13/30B", &s, None), [7e9, 13e9, 30e9]);
        assert_eq!(parameter_counts("8x7B", &s, None), [56e9]);
        assert_eq!(parameter_counts("35B (3B active)", &s, None), [35e9]);
        assert_eq!(parameter_counts("7B 13B 30B", &s, None), [7e9, 13e9, 30e9]);
        assert_eq!(
            parameter_counts("1B/7B/176B-MT", &s, None),
            [1e9, 7e9, 176e9]
        );
        assert_eq!(parameter_counts("-", &s, None), Vec::<f64>::new());
    }

    #[test]
    fn data_sizes_are_numbers() {
        assert_eq!(values("1.4 Trillion Tokens"), Ok(vec![1.4e12]));
        assert_eq!(values("52K self-instruct data"), Ok(vec![52e3]));
        assert_eq!(values("2.1B的token"), Ok(vec![2.1e9]));
        assert_eq!(values("120 万"), Ok(vec![1.2e6]));
        assert_eq!(values("~3k entries"), Ok(vec![3e3]));
        assert_eq!(values("44,000"), Ok(vec![44e3]));
        assert_eq!(values("1,7"), Ok(vec![1.0, 7.0]));
        let mut out = Vec::new();
        parse_quantity("1.6TB", &settings(), None, &mut out).expect("parses");
        assert!(out[0].bytes && out[0].value() == 1.6e12);
        // A header's unit applies to values written without one.
        parse_quantity("0.06 - 11", &settings(), Some((1e9, false)), &mut out).expect("parses");
        assert_eq!(
            out.iter().map(Amount::value).collect::<Vec<_>>(),
            [0.06e9, 11e9]
        );
    }

    #[test]
    fn prose_is_not_a_quantity() {
        for text in [
            "Conversation",
            "about 50K entries",
            "same",
            "todo",
            "7b1-mt",
            "17 tasks",
        ] {
            let v = values(text).expect("no error");
            assert!(v.is_empty() || text == "17 tasks", "{text}: {v:?}");
        }
    }

    #[test]
    fn doubled_unit() {
        let md = "| Model | Params |\n|---|---|\n| LLaMA | 7B/13BB |\n";
        let found = findings(md);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "unit `B` is doubled in `13BB`");
        assert_eq!(&md[found[0].span.clone()], "13BB");
        assert_eq!(found[0].help.as_deref(), Some("write `13B`"));
        assert_eq!(
            found[0].data.as_ref().expect("data")["values"],
            json!([7e9])
        );
        assert!(values("1MM").is_ok() && values("13 BB").is_err());
    }

    #[test]
    fn missing_unit_in_a_slash_list() {
        let md = "| 底座 | 训练token数 |\n|---|---|\n| ChatGLM | 1T/1.4 |\n| LLaMA | 1T/2T |\n";
        let found = findings(md);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "`1.4` has no unit, unlike `1T` before it");
        assert_eq!(&md[found[0].span.clone()], "1.4");
        assert_eq!(
            found[0].help.as_deref(),
            Some("add the unit: `1.4T` if it is in T like `1T`")
        );
        assert_eq!(&md[found[0].related[0].span.clone()], "1T");
    }

    #[test]
    fn counts_after_a_slash_need_no_unit() {
        assert_eq!(values("1.5M/3725"), Ok(vec![1.5e6, 3725.0]));
        assert_eq!(values("2.3M/99"), Ok(vec![2.3e6, 99.0]));
        assert!(values("1T/1.4").is_err());
    }

    #[test]
    fn stray_decimal_point() {
        let md = "| Model | Params |\n|---|---|\n| A | 71.M |\n| B | 7. |\n";
        let found = findings(md);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "`71.M` has a decimal point with no digits after it"
        );
        assert_eq!(&md[found[0].span.clone()], "71.M");
        assert_eq!(
            found[0].help.as_deref(),
            Some("write the missing digits, or `71M`")
        );
    }

    #[test]
    fn downward_ranges() {
        let md = "| Model | Params |\n|---|---|\n| A | 17-13B |\n| B | 7-13B |\n| C | 1T-500B |\n| D | 1.5M-300 |\n| E | 2024-02 |\n";
        let all = findings(md);
        let found: Vec<(&str, &str)> = all
            .iter()
            .map(|f| (&md[f.span.clone()], f.message.as_ref()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "17-13B",
                    "range `17-13B` runs downwards: its start is larger than its end"
                ),
                (
                    "1T-500B",
                    "range `1T-500B` runs downwards: its start is larger than its end"
                ),
            ]
        );
        assert_eq!(values("0.5~72B"), Ok(vec![0.5e9, 72e9]));
        // Plain numbers are a range of sizes when the header gives their unit.
        let mut out = Vec::new();
        let header_unit = Some((1e9, false));
        assert!(parse_quantity("40-7", &settings(), header_unit, &mut out).is_err());
        assert!(parse_quantity("40-7", &settings(), None, &mut out).is_ok());
    }

    #[test]
    fn byte_sizes_are_no_parameter_counts() {
        let s = settings();
        for text in [
            "24.7 GB",
            "1.5 GB",
            "500 MB",
            "12.9GB",
            "3.9 GiB",
            "512 MiB",
            "2 TiB",
            "640 KiB",
            "1.6TB",
            "500 bytes",
            "7/13GB",
        ] {
            assert_eq!(
                parameter_counts(text, &s, None),
                Vec::<f64>::new(),
                "{text}"
            );
            let mut out = Vec::new();
            parse_quantity(text, &s, None, &mut out).expect("parses");
            assert!(out.iter().all(|a| a.bytes), "{text}: {out:?}");
        }
        // `B` alone is billions, spaced or not; next to a size, only the count is one.
        assert_eq!(parameter_counts("13 B", &s, None), [13e9]);
        assert_eq!(parameter_counts("7B (13.5 GB)", &s, None), [7e9]);
        assert_eq!(parameter_counts("7B/13GB", &s, None), [7e9]);
        assert_eq!(values("3.9 GiB"), Ok(vec![3.9 * 1024.0 * 1024.0 * 1024.0]));
        // A header in bytes gives bytes.
        assert_eq!(
            parameter_counts("24.7", &s, Some((1e9, true))),
            Vec::<f64>::new()
        );
        // Bytes and counts are not compared as a range.
        assert!(values("13GB-7B").is_ok() && values("13GB-7GB").is_err());
    }

    #[test]
    fn a_size_column_of_file_sizes_extracts_no_parameters_and_is_not_reported() {
        let md = "| Model | 大小 | 模型大小 |\n|---|---|---|\n| A-13B | 24.7 GB | 12.9 GB |\n| A-7B | 1.5 GB | 6.8 GB |\n| B | 13B | 500 MB |\n";
        let doc = Document::parse(md);
        let mut rows = vec![Map::new(); 3];
        MalformedQuantity::new(&settings()).normalize(&doc, 0, &mut rows);
        assert_eq!(rows[0].get("parameters"), None);
        assert_eq!(rows[1].get("parameters"), None);
        assert_eq!(rows[2]["parameters"], json!([13e9]));
        assert_eq!(findings(md), []);
        assert_eq!(spacing(md), []);
    }

    #[test]
    fn a_malformed_value_in_a_parameter_column_carries_only_its_counts() {
        let md = "| Model | Size |\n|---|---|\n| A | 7B/24.7GB/13BB |\n";
        let found = findings(md);
        assert_eq!(found.len(), 1, "{found:?}");
        let data = found[0].data.as_ref().expect("data");
        assert_eq!(data["kind"], "parameters");
        assert_eq!(data["values"], json!([7e9]));
    }

    #[test]
    fn a_header_unit_applies_to_extracted_values() {
        let md = "| Model | Params(B) |\n|---|---|\n| CodeT5 | 7 |\n";
        let doc = Document::parse(md);
        let mut rows = vec![Map::new()];
        MalformedQuantity::new(&settings()).normalize(&doc, 0, &mut rows);
        assert_eq!(rows[0]["parameters"], json!([7e9]));
    }

    #[test]
    fn spacing_unlike_the_column() {
        let md =
            "| Model | Params |\n|---|---|\n| A | 7B |\n| B | 13B |\n| C | 7 B |\n| D | 2M |\n";
        // Style is not malformed data: the data rule is silent, the spacing rule speaks.
        assert_eq!(findings(md), []);
        let found = spacing(md);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(
            f.message,
            "`7 B` has a space before its unit, unlike 2 other values with this unit in this column"
        );
        assert_eq!(&md[f.span.clone()], "7 B");
        assert_eq!(
            f.help.as_deref(),
            Some("write `7B`, as the rest of the column does")
        );
        let fix = f.fix.as_ref().expect("fix");
        assert!(!fix.safe);
        assert_eq!(&md[fix.edits[0].span.clone()], " ");
        // Majority spaced: the unspaced one is reported, with an insertion.
        let md = "| M | Nums |\n|---|---|\n| a | 52 k |\n| b | 82 k |\n| c | 52k |\n";
        let found = spacing(md);
        assert_eq!(found.len(), 1);
        assert_eq!(&md[found[0].span.clone()], "52k");
        assert_eq!(
            found[0].help.as_deref(),
            Some("write `52 k`, as the rest of the column does")
        );
        // Word units are always spaced, and different units are not compared.
        let md = "| M | Tokens |\n|---|---|\n| a | 1.4 Trillion |\n| b | 1T |\n| c | 2 M |\n| d | 3B |\n";
        assert_eq!(spacing(md), []);
    }

    #[test]
    fn the_founding_survey() {
        let md = include_str!("../../tests/fixtures/open-llm-survey.md");
        assert_eq!(findings(md), []);
        let s = settings();
        let doc = Document::parse(md);
        let table = &doc.tables[0];
        let params = bound_columns(md, table, &s.parameter_columns);
        let llama = &table.row(&doc, 0).unwrap().cells[params[0].index].span();
        assert_eq!(
            parameter_counts(&md[llama.clone()], &s, None),
            [7e9, 13e9, 33e9, 65e9]
        );
    }

    #[test]
    fn fixtures() {
        let fail = include_str!("../../tests/fixtures/malformed-quantity/fail.md");
        let found: Vec<&str> = findings(fail)
            .iter()
            .map(|f| &fail[f.span.clone()])
            .collect();
        assert_eq!(found, ["13BB", "71.M", "17-13B", "1.4"]);
        let pass = include_str!("../../tests/fixtures/malformed-quantity/pass.md");
        assert_eq!(findings(pass), []);
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC{0,40}") {
            let mut out = Vec::new();
            let _ = parse_quantity(&text, &settings(), Some((1e9, false)), &mut out);
        }

        #[test]
        fn parse_never_panics_on_quantity_like_text(
            text in "[~约0-9.,/ x×\\-]{0,10}[KkMBbTGw万亿 ]{0,4}[一-龥a-z/0-9 .,()]{0,10}"
        ) {
            let mut out = Vec::new();
            if parse_quantity(&text, &settings(), None, &mut out).is_ok() {
                for amount in &out {
                    prop_assert!(text.get(amount.span()).is_some());
                }
            }
        }

        #[test]
        fn check_never_panics(a in "\\PC{0,20}", b in "\\PC{0,20}") {
            let md = format!("| M | 参数量 | 训练细节 |\n|---|---|---|\n| x | {a} | 数据量：{b} |\n| y | {b} | {a} |\n");
            let _ = findings(&md);
        }
    }
}
