//! Parameter counts and data sizes (`7B/13B`, `1.4 Trillion Tokens`, `70亿`, `1.6TB`) → numbers,
//! or why they do not parse (a unit missing on one value of a list: `1T/1.4`).
//!
//! A cell is read as a leading list of amounts followed by free description (`52K self-instruct
//! data`, `35B (3B active)`); only the list is parsed, so prose is never an error.

use super::defaults;
use super::lexicon::Lexicon;
use crate::document::Span;
use serde::Deserialize;

/// The settings of a `malformed-quantity` rule (keys of its `[check]` table). Each defaults to
/// the shared list of `rules/_defaults.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantitySettings {
    /// What the rule reports: malformed values, or values spaced unlike their column.
    #[serde(default)]
    pub report: QuantityReport,
    /// Header aliases of parameter-count columns (`参数量`, `Params`, `Model_Size`).
    #[serde(default = "defaults::parameter_columns")]
    pub parameter_columns: Vec<String>,
    /// Header aliases of data-size columns (`数据量`, `训练token数`, `Tokens`, `训练细节`).
    #[serde(default = "defaults::data_columns")]
    pub data_columns: Vec<String>,
    /// Labels that introduce a quantity inside a cell (`数据量：`, `Data:`).
    #[serde(default = "defaults::quantity_labels")]
    pub labels: Vec<String>,
    /// Labels of other sub-fields, which end a quantity (`运算量：`).
    #[serde(default = "defaults::quantity_other_labels")]
    pub other_labels: Vec<String>,
    /// Count units → multiplier (`B` = 1e9, `万` = 1e4, `Trillion` = 1e12), any ASCII case.
    #[serde(default = "defaults::count_units")]
    pub units: Lexicon<f64>,
    /// Byte units → bytes (`TB` = 1e12).
    #[serde(default = "defaults::byte_units")]
    pub byte_units: Lexicon<f64>,
}

/// Which findings a quantity rule reports: data that does not parse is kept apart from style,
/// so that a maintainer can keep the data checks strict and the style ones quiet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuantityReport {
    /// Values that do not parse: a doubled unit, a missing unit, a stray decimal point, a
    /// range that runs downwards.
    #[default]
    Malformed,
    /// Values spaced unlike the other values with the same unit in their column.
    Spacing,
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
    /// Joined to the previous amount as the end of a range (`7-13B`, `7~13B`).
    pub after_range: bool,
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
    /// Only a fractional number is reported: a whole one may be a plain count (`1.5M/3725`,
    /// train and test examples).
    MissingUnit {
        number: Span,
        previous: Span,
        unit: Span,
    },
    /// `71.M`: a decimal point with no digits after it, before the unit.
    StrayPoint { amount: Span, point: Span },
    /// `17-13B`: a range whose end (`high`) is smaller than its start (`low`).
    DownwardRange { low: Span, high: Span },
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
    let mut join = Separator::None;
    while let Some(amount) = next_amount(text, pos, settings, column_unit, join)? {
        if amount.after_slash
            && amount.unit.is_none()
            && text[amount.number.clone()].contains('.')
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
            Some((next, separator)) => (pos, join) = (next, separator),
            None => break,
        }
    }
    share_last_unit(out);
    downward_range(out, column_unit.is_some())
}

/// The first range of `amounts` that runs downwards (`17-13B`), as an error. Only ranges of
/// quantities are compared: the end has a unit, or both ends take the column's (`Params (B)`).
/// `2024-02` is no range of sizes, `1.5M-300` may mean 300 examples, and bytes are not compared
/// with counts (`13GB-7B`).
fn downward_range(amounts: &[Amount], column_unit: bool) -> Result<(), QuantityError> {
    for pair in amounts.windows(2) {
        let (low, high) = (&pair[0], &pair[1]);
        let comparable =
            (high.unit.is_some() || column_unit && low.unit.is_none()) && low.bytes == high.bytes;
        if high.after_range && comparable && low.total() > high.total() {
            return Err(QuantityError::DownwardRange {
                low: low.span(),
                high: high.span(),
            });
        }
    }
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
/// `column_unit` is the unit a header gives values written without one (`Params (B)`). Empty
/// when the text holds no amount or is malformed. A byte size (`24.7 GB`, `500 MB`, `3.9 GiB`)
/// is no parameter count: a `Size` or `大小` column often gives the download's size.
pub fn parameter_counts(
    text: &str,
    settings: &QuantitySettings,
    column_unit: Option<(f64, bool)>,
) -> Vec<f64> {
    let mut out = Vec::new();
    match parse_quantity(text, settings, column_unit, &mut out) {
        Ok(()) => counts(&out),
        Err(_) => Vec::new(),
    }
}

/// The totals of the amounts that count things rather than bytes.
pub fn counts(amounts: &[Amount]) -> Vec<f64> {
    amounts
        .iter()
        .filter(|a| !a.bytes)
        .map(Amount::total)
        .collect()
}

/// The amount starting at `pos` (after an optional `~`), or `None` if no amount is there.
fn next_amount(
    text: &str,
    pos: usize,
    settings: &QuantitySettings,
    column_unit: Option<(f64, bool)>,
    join: Separator,
) -> Result<Option<Amount>, QuantityError> {
    let Some(first) = number(text, pos + prefix_len(&text[pos..])) else {
        return Ok(None);
    };
    let (experts, size) = match experts_size(text, first.end) {
        Some(size) => (number_value(text, &first), size),
        None => (None, first.clone()),
    };
    if text[size.end..].starts_with('.')
        && let UnitMatch::Unit(unit, _, _) = unit_at(text, size.end + 1, settings)
    {
        return Err(QuantityError::StrayPoint {
            amount: first.start..unit.end,
            point: size.end..size.end + 1,
        });
    }
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
        after_slash: join == Separator::Slash,
        after_range: join == Separator::Range,
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

/// How an amount is joined to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    /// The first amount.
    None,
    /// `/`: `7/13B`.
    Slash,
    /// `-`, `–`, `~`, `～`: the end of a range, `7-13B`.
    Range,
    /// `,`, `，`, `、` or spaces: a list.
    List,
}

/// After an amount: the start of the next one and how it is joined. Lists use `/`, `,`, `，`,
/// `、`, ranges `-`/`–`/`~`, or spaces (`7B 13B`).
fn list_separator(text: &str, pos: usize) -> Option<(usize, Separator)> {
    let rest = &text[pos..];
    let gap = spaces(rest);
    let after_gap = &rest[gap..];
    let mut chars = after_gap.chars();
    let (len, separator) = match chars.next()? {
        '/' => (1, Separator::Slash),
        c @ (',' | '，' | '、') => (c.len_utf8(), Separator::List),
        c @ ('-' | '–' | '~' | '～') => (c.len_utf8(), Separator::Range),
        c if c.is_ascii_digit() && gap > 0 => (0, Separator::List),
        _ => return None,
    };
    let next = pos + gap + len;
    let next = next + spaces(&text[next..]);
    let rest = &text[next..];
    let starts_number = rest[prefix_len(rest)..].starts_with(|c: char| c.is_ascii_digit());
    starts_number.then_some((next, separator))
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
