//! `malformed-quantity`: parameter counts and data sizes (`7B/13B`, `1.4 Trillion Tokens`,
//! `70亿`, `1.6TB`) that do not parse, lack a unit on one value of a list (`1T/1.4`), or are
//! spaced differently from the rest of their column (`52 k` next to `52k`).
//!
//! A cell is read as a leading list of amounts followed by free description (`52K self-instruct
//! data`, `35B (3B active)`); only the list is checked, so prose is never a finding.

use super::fields::{BoundColumn, FieldSpec, FieldValue, bound_columns, field_values};
use super::lexicon::Lexicon;
use super::{Check, Edit, Finding, Fix};
use crate::document::{Document, Span, Table};
use serde::Deserialize;
use serde_json::json;

/// The settings of a `malformed-quantity` rule (keys of its `[check]` table).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantitySettings {
    /// Header aliases of parameter-count columns (`参数量`, `Params`, `Model_Size`).
    #[serde(default)]
    pub parameter_columns: Vec<String>,
    /// Header aliases of data-size columns (`数据量`, `训练token数`, `Tokens`, `训练细节`).
    #[serde(default)]
    pub data_columns: Vec<String>,
    /// Labels that introduce a quantity inside a cell (`数据量：`, `Data:`).
    #[serde(default)]
    pub labels: Vec<String>,
    /// Labels of other sub-fields, which end a quantity (`运算量：`).
    #[serde(default)]
    pub other_labels: Vec<String>,
    /// Count units → multiplier (`B` = 1e9, `万` = 1e4, `Trillion` = 1e12), any ASCII case.
    pub units: Lexicon<f64>,
    /// Byte units → bytes (`TB` = 1e12).
    #[serde(default)]
    pub byte_units: Lexicon<f64>,
}

/// One amount of a quantity list, e.g. `13B` in `7B/13B`. Spans are relative to the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    /// The number as written, with its experts (`8x7` in `8x7B`).
    pub number: Span,
    pub unit: Option<Span>,
    /// The size as written: 13 in `13B`, 7 in `8x7B`.
    pub written: f64,
    /// The unit's multiplier (or the column's, or 1): 1e9 for `B`.
    pub factor: f64,
    /// Bytes rather than a count (`1.6TB`).
    pub bytes: bool,
    /// `8x7B`: 8 experts of 7B each.
    pub experts: Option<f64>,
    /// Joined to the previous amount by `/` (`7/13B`).
    pub after_slash: bool,
}

impl Amount {
    /// The normalized value: `13B` is 1.3e10.
    pub fn value(&self) -> f64 {
        self.written * self.factor
    }

    /// The nominal total: `8x7B` is 5.6e10.
    pub fn total(&self) -> f64 {
        self.value() * self.experts.unwrap_or(1.0)
    }

    /// The span from the number to the end of the unit.
    pub fn span(&self) -> Span {
        self.number.start..self.unit.as_ref().map_or(self.number.end, |u| u.end)
    }
}

/// A defect in a quantity list. Spans are relative to the text given to [`parse_quantity`].
#[derive(Debug, Clone, PartialEq)]
pub enum QuantityError {
    /// `13BB`: `amount` is the whole token, `extra` the repeated unit.
    DoubledUnit { amount: Span, extra: Span },
    /// `1T/1.4`: `number` has no unit though `previous`, earlier in the list, has `unit`.
    MissingUnit {
        number: Span,
        previous: Span,
        unit: Span,
    },
}

/// Parses the leading list of amounts of `text` into `out` (cleared first), e.g. `7B/13B/33B`
/// or `0.76, 1.3, 6.3`; the description after it is ignored. `column_unit` is the multiplier
/// (and bytes flag) a header gives unit-less values (`Params (B)`). Never panics; allocates
/// only in `out`.
pub fn parse_quantity(
    text: &str,
    settings: &QuantitySettings,
    column_unit: Option<(f64, bool)>,
    out: &mut Vec<Amount>,
) -> Result<(), QuantityError> {
    out.clear();
    let mut pos = 0;
    let mut after_slash = false;
    while let Some(amount) = next_amount(text, pos, settings, column_unit, after_slash)? {
        if amount.after_slash
            && amount.unit.is_none()
            && let Some((previous, unit)) =
                out.iter().rev().find_map(|a| Some((a, a.unit.clone()?)))
        {
            return Err(QuantityError::MissingUnit {
                number: amount.number,
                previous: previous.span(),
                unit,
            });
        }
        pos = amount.span().end;
        out.push(amount);
        match list_separator(text, pos) {
            Some((next, slash)) => (pos, after_slash) = (next, slash),
            None => break,
        }
    }
    share_last_unit(out);
    Ok(())
}

/// `7/13B`: values before the last one, written without a unit, share its unit.
fn share_last_unit(amounts: &mut [Amount]) {
    let Some((last, earlier)) = amounts.split_last_mut() else {
        return;
    };
    if last.unit.is_none() {
        return;
    }
    for amount in earlier.iter_mut().rev() {
        if amount.unit.is_some() {
            break;
        }
        amount.factor = last.factor;
        amount.bytes = last.bytes;
    }
}

/// Parameter counts as numbers, for `extract`: `7B/13B/33B/65B` → [7e9, 1.3e10, 3.3e10, 6.5e10].
/// Empty when the text holds no amount or is malformed.
pub fn parameter_counts(text: &str, settings: &QuantitySettings) -> Vec<f64> {
    let mut out = Vec::new();
    match parse_quantity(text, settings, None, &mut out) {
        Ok(()) => out.iter().map(Amount::total).collect(),
        Err(_) => Vec::new(),
    }
}

/// The amount starting at `pos` (after an optional `~`), or `None` if no amount is there.
fn next_amount(
    text: &str,
    pos: usize,
    settings: &QuantitySettings,
    column_unit: Option<(f64, bool)>,
    after_slash: bool,
) -> Result<Option<Amount>, QuantityError> {
    let Some(first) = number(text, pos + prefix_len(&text[pos..])) else {
        return Ok(None);
    };
    let (experts, size) = match experts_size(text, first.end) {
        Some(size) => (number_value(text, &first), size),
        None => (None, first.clone()),
    };
    let gap = spaces(&text[size.end..]);
    let (unit, (factor, bytes)) = match unit_at(text, size.end + gap, settings) {
        UnitMatch::Unit(span, factor, bytes) => (Some(span), (factor, bytes)),
        UnitMatch::Doubled(extra) => {
            let amount = first.start..extra.end;
            return Err(QuantityError::DoubledUnit { amount, extra });
        }
        UnitMatch::None => (None, column_unit.unwrap_or((1.0, false))),
    };
    let end = unit.as_ref().map_or(size.end, |u| u.end);
    let Some(written) = number_value(text, &size).filter(|_| item_boundary(&text[end..])) else {
        return Ok(None);
    };
    Ok(Some(Amount {
        number: first.start..size.end,
        unit,
        written,
        factor,
        bytes,
        experts,
        after_slash,
    }))
}

/// `x7` after the `8` of `8x7B`: the span of the size.
fn experts_size(text: &str, at: usize) -> Option<Span> {
    let rest = text[at..].strip_prefix(['x', '×'])?;
    number(text, text.len() - rest.len())
}

/// An approximation mark before a number: `~`, `～`, `约`, `≈`, `>`.
fn prefix_len(rest: &str) -> usize {
    let trimmed = rest.trim_start_matches(['~', '～', '约', '≈', '>', '≥']);
    if trimmed.len() == rest.len() {
        return 0;
    }
    rest.len() - trimmed.len() + spaces(trimmed)
}

fn spaces(rest: &str) -> usize {
    rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len()
}

/// A decimal number at `at` (`13`, `1.4`, `44,000`).
fn number(text: &str, at: usize) -> Option<Span> {
    let bytes = text.as_bytes();
    let digits = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut end = digits(at);
    if end == at {
        return None;
    }
    // `44,000` is one number; `1,7` and `7, 13` are lists.
    while bytes.get(end) == Some(&b',') && digits(end + 1) == end + 4 {
        end += 4;
    }
    if bytes.get(end) == Some(&b'.') && digits(end + 1) > end + 1 {
        end = digits(end + 1);
    }
    Some(at..end)
}

fn number_value(text: &str, span: &Span) -> Option<f64> {
    let digits = &text[span.clone()];
    if digits.contains(',') {
        // Rare (`44,000`); the one place a value is copied, to drop the separators.
        digits.replace(',', "").parse().ok()
    } else {
        digits.parse().ok()
    }
}

enum UnitMatch {
    None,
    Unit(Span, f64, bool),
    /// The unit written twice (`BB`): the span of the second.
    Doubled(Span),
}

/// The longest unit at `at` that ends at a word boundary; else a unit written twice.
fn unit_at(text: &str, at: usize, settings: &QuantitySettings) -> UnitMatch {
    let rest = &text[at..];
    let counts = settings.units.starting(rest).iter();
    let counts = counts.map(|(u, f)| (u.as_str(), *f, false));
    let bytes = settings.byte_units.starting(rest).iter();
    let bytes = bytes.map(|(u, f)| (u.as_str(), *f, true));
    let all = || counts.clone().chain(bytes.clone());
    let starts = |u: &str| {
        rest.get(..u.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(u))
    };
    let best = all()
        .filter(|(u, _, _)| starts(u) && item_boundary(&rest[u.len()..]))
        .max_by_key(|(u, _, _)| u.len());
    if let Some((u, factor, is_bytes)) = best {
        return UnitMatch::Unit(at..at + u.len(), factor, is_bytes);
    }
    let doubled = all().find(|(u, _, _)| {
        starts(u)
            && rest[u.len()..]
                .get(..u.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(u))
            && item_boundary(&rest[2 * u.len()..])
    });
    match doubled {
        Some((u, _, _)) => UnitMatch::Doubled(at + u.len()..at + 2 * u.len()),
        None => UnitMatch::None,
    }
}

/// An amount ends where no ASCII letter, digit, `_` or decimal point follows.
fn item_boundary(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        None => true,
        Some('.') => !chars.next().is_some_and(|c| c.is_ascii_digit()),
        Some(c) => !(c.is_ascii_alphanumeric() || c == '_'),
    }
}

/// After an amount: the start of the next one and whether `/` joined them. Lists use `/`, `,`,
/// `，`, `、`, ranges `-`/`–`/`~`, or spaces (`7B 13B`).
fn list_separator(text: &str, pos: usize) -> Option<(usize, bool)> {
    let rest = &text[pos..];
    let gap = spaces(rest);
    let after_gap = &rest[gap..];
    let mut chars = after_gap.chars();
    let (len, slash) = match chars.next()? {
        '/' => (1, true),
        c @ (',' | '，' | '、' | '-' | '–' | '~' | '～') => (c.len_utf8(), false),
        c if c.is_ascii_digit() && gap > 0 => (0, false),
        _ => return None,
    };
    let next = pos + gap + len;
    let next = next + spaces(&text[next..]);
    let rest = &text[next..];
    let starts_number = rest[prefix_len(rest)..].starts_with(|c: char| c.is_ascii_digit());
    starts_number.then_some((next, slash))
}

/// The `malformed-quantity` check.
pub struct MalformedQuantity {
    settings: QuantitySettings,
}

impl MalformedQuantity {
    pub fn new(settings: &QuantitySettings) -> MalformedQuantity {
        MalformedQuantity {
            settings: settings.clone(),
        }
    }
}

/// What a column holds, for the normalized values in a finding's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
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
    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let s = &self.settings;
        let mut amounts = Vec::new();
        for table in &doc.tables {
            let params = bound_columns(doc.source, table, &s.parameter_columns);
            let data = bound_columns(doc.source, table, &s.data_columns);
            let data = data
                .iter()
                .filter(|d| params.iter().all(|p| p.index != d.index));
            let columns = params.iter().map(|c| (c, Kind::Parameters));
            for (column, kind) in columns.chain(data.map(|c| (c, Kind::Data))) {
                self.check_column(doc, table, column, kind, &mut amounts, out);
            }
        }
    }
}

impl MalformedQuantity {
    fn check_column(
        &self,
        doc: &Document<'_>,
        table: &Table,
        column: &BoundColumn,
        kind: Kind,
        amounts: &mut Vec<Amount>,
        out: &mut Vec<Finding>,
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
                Err(error) => out.push(malformed(&field, &error, kind, amounts)),
            },
        );
        spacing_findings(doc.source, &written, out);
    }
}

/// The multiplier (and bytes flag) of a header's unit note, e.g. `B` in `Params (B)`, for the
/// `column_unit` of [`parse_quantity`].
pub fn column_unit(settings: &QuantitySettings, note: &str) -> Option<(f64, bool)> {
    let find = |units: &Lexicon<f64>| {
        units
            .iter()
            .find(|(u, _)| u.eq_ignore_ascii_case(note))
            .map(|(_, f)| *f)
    };
    find(&settings.units)
        .map(|f| (f, false))
        .or_else(|| find(&settings.byte_units).map(|f| (f, true)))
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
fn spacing_findings(source: &str, written: &[Written], out: &mut Vec<Finding>) {
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
    kind: Kind,
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
    };
    let kind = match kind {
        Kind::Parameters => "parameters",
        Kind::Data => "data",
    };
    let values: Vec<f64> = parsed.iter().map(Amount::total).collect();
    Finding {
        data: Some(json!({ "text": text, "kind": kind, "values": values })),
        ..finding
    }
}

/// For `extract`: each row's parameter counts as numbers (`7B/13B` → `[7e9, 1.3e10]`).
pub fn normalizer(settings: QuantitySettings) -> Box<crate::extract::Normalizer> {
    Box::new(move |doc, table, rows| {
        let table = &doc.tables[table];
        let columns = bound_columns(doc.source, table, &settings.parameter_columns);
        let spec = FieldSpec {
            columns: &[],
            labels: &settings.labels,
            other_labels: &settings.other_labels,
        };
        field_values(doc.source, table, &columns, &spec, |field| {
            let counts = parameter_counts(field.text, &settings);
            if !counts.is_empty() {
                rows[field.row].insert("parameters".into(), serde_json::json!(counts));
            }
        });
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{CheckSpec, RuleSpec};
    use proptest::prelude::*;

    const RULE: &str = include_str!("../../rules/malformed-quantity.toml");

    fn settings() -> QuantitySettings {
        match RuleSpec::parse(RULE).expect("rule file parses").check {
            CheckSpec::MalformedQuantity(settings) => settings,
            other => panic!("unexpected check {other:?}"),
        }
    }

    fn values(text: &str) -> Result<Vec<f64>, QuantityError> {
        let mut out = Vec::new();
        parse_quantity(text, &settings(), None, &mut out)?;
        Ok(out.iter().map(Amount::total).collect())
    }

    fn findings(markdown: &str) -> Vec<Finding> {
        let doc = Document::parse(markdown);
        let mut out = Vec::new();
        MalformedQuantity::new(&settings()).check(&doc, &mut out);
        out
    }

    #[test]
    fn parameter_counts_are_numbers() {
        let s = settings();
        assert_eq!(
            parameter_counts("7B/13B/33B/65B", &s),
            [7e9, 13e9, 33e9, 65e9]
        );
        assert_eq!(parameter_counts("176B", &s), [176e9]);
        assert_eq!(parameter_counts("6.7B", &s), [6.7e9]);
        assert_eq!(parameter_counts("1.3 billion", &s), [1.3e9]);
        assert_eq!(parameter_counts("70亿", &s), [7e9]);
        assert_eq!(parameter_counts("7/13B", &s), [7e9, 13e9]);
        assert_eq!(parameter_counts("7/13/30B", &s), [7e9, 13e9, 30e9]);
        assert_eq!(parameter_counts("8x7B", &s), [56e9]);
        assert_eq!(parameter_counts("35B (3B active)", &s), [35e9]);
        assert_eq!(parameter_counts("7B 13B 30B", &s), [7e9, 13e9, 30e9]);
        assert_eq!(parameter_counts("1B/7B/176B-MT", &s), [1e9, 7e9, 176e9]);
        assert_eq!(parameter_counts("-", &s), Vec::<f64>::new());
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
    fn spacing_unlike_the_column() {
        let md =
            "| Model | Params |\n|---|---|\n| A | 7B |\n| B | 13B |\n| C | 7 B |\n| D | 2M |\n";
        let found = findings(md);
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
        let found = findings(md);
        assert_eq!(found.len(), 1);
        assert_eq!(&md[found[0].span.clone()], "52k");
        assert_eq!(
            found[0].help.as_deref(),
            Some("write `52 k`, as the rest of the column does")
        );
        // Word units are always spaced, and different units are not compared.
        let md = "| M | Tokens |\n|---|---|\n| a | 1.4 Trillion |\n| b | 1T |\n| c | 2 M |\n| d | 3B |\n";
        assert_eq!(findings(md), []);
    }

    #[test]
    fn documented_examples_hold() {
        for example in RuleSpec::parse(RULE).expect("parses").examples {
            if let Some(md) = &example.invalid {
                assert!(!findings(md).is_empty(), "should fire: {md}");
            }
            if let Some(md) = &example.valid {
                assert_eq!(findings(md), [], "should not fire: {md}");
            }
        }
    }

    #[test]
    fn the_founding_survey() {
        let md = include_str!("../../tests/fixtures/open-llm-survey.md");
        assert_eq!(findings(md), []);
        let s = settings();
        let doc = Document::parse(md);
        let table = &doc.tables[0];
        let params = bound_columns(md, table, &s.parameter_columns);
        let llama = &table.rows[0].cells[params[0].index].span();
        assert_eq!(
            parameter_counts(&md[llama.clone()], &s),
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
        assert_eq!(found, ["13BB", "1.4", "7 B", "52k"]);
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
