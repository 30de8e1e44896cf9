//! Compute fields: `<count> <accelerator> * <duration>` (`2048 A100*21天`), normalized to
//! accelerator-hours.
//!
//! Compute columns are often free text (`3 hours on 8 80GB A100s, $500(data)`). The parser
//! tells text shaped like the format — a count and a known accelerator, or a full
//! `count name * duration` — that fails it, from description that is not a defect.

use super::lexicon::{self, Lexicon};
use crate::document::Span;
use serde::Deserialize;

/// The settings of a `malformed-compute` rule (keys of its `[check]` table).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComputeSettings {
    /// Header aliases of the columns holding compute (`运算量`, `Compute`, `训练细节` …).
    pub columns: Vec<String>,
    /// Labels that introduce a compute value inside a cell (`运算量：`).
    #[serde(default)]
    pub labels: Vec<String>,
    /// Labels of other sub-fields, which end a compute value (`数据量：`).
    #[serde(default)]
    pub other_labels: Vec<String>,
    /// Values that mean "not disclosed" (`/`, `-`, `未知`), compared in any ASCII case.
    #[serde(default)]
    pub missing: Vec<String>,
    /// Canonical accelerator name → other spellings. A name with a space also matches without
    /// it (`RTX 4090` matches `RTX4090`), and a plural `s` is accepted (`A100s`).
    #[serde(deserialize_with = "lexicon::spellings")]
    pub accelerators: Lexicon<String>,
    /// Time unit → hours per unit (`天` = 24).
    pub time_units: Lexicon<f64>,
}

/// A parsed compute value: `count` accelerators for `hours` each.
#[derive(Debug, Clone, PartialEq)]
pub struct Compute<'a> {
    pub count: u64,
    /// The canonical accelerator name from the settings.
    pub accelerator: &'a str,
    pub hours: f64,
}

impl Compute<'_> {
    /// The normalized value: `2048 A100*21天` is 1,032,192 A100-hours.
    pub fn accelerator_hours(&self) -> f64 {
        self.count as f64 * self.hours
    }
}

/// Why a compute value did not parse. Spans are byte ranges of the text given to
/// [`parse_compute`]. Only [`ComputeError::is_defect`] errors are findings.
#[derive(Debug, Clone, PartialEq)]
pub enum ComputeError<'a> {
    /// Empty, or a marker such as `/` or `未知`: not disclosed, not malformed.
    NotDisclosed,
    /// Not shaped like a compute expression: a description, left alone.
    FreeText,
    /// `8 A 100*1天`: `spaces` are the whitespace runs the name must lose; `value` is what the
    /// text means once they are gone, if the rest parses.
    SplitAccelerator {
        name: Span,
        spaces: Vec<Span>,
        accelerator: &'a str,
        value: Option<Compute<'a>>,
    },
    MissingDuration {
        count: u64,
        accelerator: &'a str,
    },
    MissingCount {
        accelerator: &'a str,
        hours: f64,
    },
    MissingAccelerator {
        count: u64,
    },
    UnknownAccelerator {
        name: Span,
    },
    MissingTimeUnit {
        number: Span,
    },
    /// `1024 A800*天`: a time unit with no number before it.
    MissingDurationNumber {
        unit: Span,
    },
    UnknownTimeUnit {
        unit: Span,
    },
    ZeroCount {
        count: Span,
    },
}

impl ComputeError<'_> {
    /// True for errors that are defects of a compute expression, false for free text and
    /// undisclosed values.
    pub fn is_defect(&self) -> bool {
        !matches!(self, ComputeError::NotDisclosed | ComputeError::FreeText)
    }
}

/// Parses a compute value such as `2048 A100*21天` or `8x A100-80G * 3 hours`. Pure and
/// allocation-free except for the spans of a split name; never panics.
pub fn parse_compute<'a>(
    text: &str,
    settings: &'a ComputeSettings,
) -> Result<Compute<'a>, ComputeError<'a>> {
    let trimmed = text.trim();
    if trimmed.is_empty()
        || settings
            .missing
            .iter()
            .any(|m| m.eq_ignore_ascii_case(trimmed))
    {
        return Err(ComputeError::NotDisclosed);
    }
    let mut c = Cursor {
        text,
        pos: text.len() - text.trim_start().len(),
    };
    let count = c.count();
    c.skip_ws();
    if count.is_some() {
        c.classifier();
    }
    let accel = accelerator(&mut c, settings);
    c.skip_ws();
    let duration = if c.separator() {
        duration(&mut c, settings)
    } else {
        Duration::Absent
    };
    if !c.rest().trim().is_empty() {
        return Err(ComputeError::FreeText);
    }
    classify(text, count, accel, duration)
}

/// Turns the parsed pieces into a value or the one defect worth reporting: a split name first
/// (it has a safe fix), then a zero count, then what is missing.
fn classify<'a>(
    text: &str,
    count_span: Option<Span>,
    accel: Accel<'a>,
    duration: Duration,
) -> Result<Compute<'a>, ComputeError<'a>> {
    use ComputeError as E;
    let count = match &count_span {
        Some(span) => Some(parse_count(&text[span.clone()]).ok_or(E::FreeText)?),
        None => None,
    };
    let has_number = !matches!(duration, Duration::Absent | Duration::Empty);
    let (accelerator, split) = match accel {
        Accel::Known(name) => (name, None),
        Accel::Split { name, span, spaces } => (name, Some((span, spaces))),
        Accel::Unknown(name) if count.is_some() && has_number => {
            return Err(E::UnknownAccelerator { name });
        }
        Accel::None => match count {
            Some(count) if has_number => return Err(E::MissingAccelerator { count }),
            _ => return Err(E::FreeText),
        },
        Accel::Unknown(_) => return Err(E::FreeText),
    };
    let hours = match duration {
        Duration::Hours(hours) => Some(hours),
        _ => None,
    };
    let (Some(count), Some(count_span)) = (count, count_span) else {
        // `A100*21天` lacks its count; a bare `A100` is too little to call an attempt.
        return match hours {
            Some(hours) if split.is_none() => Err(E::MissingCount { accelerator, hours }),
            _ => Err(E::FreeText),
        };
    };
    let value = hours.map(|hours| Compute {
        count,
        accelerator,
        hours,
    });
    if let Some((name, spaces)) = split {
        return Err(E::SplitAccelerator {
            name,
            spaces,
            accelerator,
            value,
        });
    }
    if count == 0 {
        return Err(E::ZeroCount { count: count_span });
    }
    match duration {
        Duration::Hours(_) => value.ok_or(E::FreeText),
        Duration::Absent | Duration::Empty => Err(E::MissingDuration { count, accelerator }),
        Duration::NoUnit(number) => Err(E::MissingTimeUnit { number }),
        Duration::NoNumber(unit) => Err(E::MissingDurationNumber { unit }),
        Duration::UnknownUnit(unit) => Err(E::UnknownTimeUnit { unit }),
    }
}

/// `1,024` → 1024; `None` on overflow or a malformed group.
fn parse_count(digits: &str) -> Option<u64> {
    digits
        .bytes()
        .filter(|b| *b != b',')
        .try_fold(0u64, |n, b| {
            n.checked_mul(10)?
                .checked_add(u64::from(b.checked_sub(b'0')?))
        })
}

/// What stands where the accelerator should be.
#[derive(Debug, Clone, PartialEq)]
enum Accel<'a> {
    None,
    Known(&'a str),
    Split {
        name: &'a str,
        span: Span,
        spaces: Vec<Span>,
    },
    /// Hardware-looking but not in the list (`Z100`, `GPU`).
    Unknown(Span),
}

/// What follows the `*`.
#[derive(Debug, Clone, PartialEq)]
enum Duration {
    /// No separator at all.
    Absent,
    /// A separator with nothing after it.
    Empty,
    Hours(f64),
    NoUnit(Span),
    /// A time unit with no number (`天`, `days`).
    NoNumber(Span),
    UnknownUnit(Span),
}

/// A position in the text being parsed. Every move lands on a char boundary.
struct Cursor<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Cursor<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Eats `c` if it is next.
    fn eat(&mut self, pred: impl Fn(char) -> bool) -> bool {
        match self.peek() {
            Some(c) if pred(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    /// Eats ASCII digits, with `,` thousands groups (`1,024`).
    fn count(&mut self) -> Option<Span> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut end = start;
        while end < bytes.len() {
            if bytes[end].is_ascii_digit() {
                end += 1;
            } else if bytes[end] == b','
                && end > start
                && bytes
                    .get(end + 1..end + 4)
                    .is_some_and(|g| g.iter().all(u8::is_ascii_digit))
                && !bytes.get(end + 4).is_some_and(u8::is_ascii_digit)
            {
                end += 4;
            } else {
                break;
            }
        }
        self.pos = end;
        (end > start).then_some(start..end)
    }

    /// Eats a decimal number (`3`, `3.5`).
    fn number(&mut self) -> Option<Span> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut end = start;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end > start
            && bytes.get(end) == Some(&b'.')
            && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
        {
            end += 1;
            while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
        }
        self.pos = end;
        (end > start).then_some(start..end)
    }

    /// True at a multiplication sign: `*`, `×`, `＊`, `✕`, or `x`/`X` before a number.
    fn at_separator(&self) -> bool {
        let mut chars = self.rest().chars();
        match chars.next() {
            Some('*' | '×' | '＊' | '✕' | '✖') => true,
            Some('x' | 'X') => chars
                .as_str()
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit()),
            _ => false,
        }
    }

    fn separator(&mut self) -> bool {
        let at = self.at_separator();
        if at {
            self.eat(|_| true);
        }
        at
    }

    /// After a count: `x`, `×`, `*`, or a Chinese measure word (`8张A100`, `8x A100`).
    fn classifier(&mut self) {
        let save = self.pos;
        if self.eat(|c| matches!(c, 'x' | 'X' | '×' | '*' | '张' | '块' | '卡' | '台' | '个'))
        {
            self.skip_ws();
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos = save;
            }
        }
    }
}

/// The accelerator at the cursor, with an optional memory size before (`80GB A100`) or after
/// (`A100-80G`, `A100(80GB)`) and an optional `GPU`/`卡` after.
fn accelerator<'a>(c: &mut Cursor<'_>, settings: &'a ComputeSettings) -> Accel<'a> {
    let start = c.pos;
    if memory(c) {
        c.skip_ws();
    }
    // The longer reading wins: `A10 0` is a split `A100`, not `A10` and a stray `0`.
    let found = match (known_name(c.rest(), settings), split_name(c, settings)) {
        (Some((known, len)), Some(split)) if len >= split_len(&split, c.pos) => {
            c.pos += len;
            known
        }
        (_, Some(split)) => {
            c.pos += split_len(&split, c.pos);
            split
        }
        (Some((known, len)), None) => {
            c.pos += len;
            known
        }
        (None, None) => {
            c.pos = start;
            return unknown_name(c);
        }
    };
    let save = c.pos;
    if !memory(c) {
        c.pos = save;
    }
    let save = c.pos;
    c.skip_ws();
    if !eat_word(c, &["GPUs", "GPU", "cards", "card", "显卡", "卡"]) {
        c.pos = save;
    }
    found
}

/// A memory size such as `80GB`, `-80G`, `(80GB)` or `（80G）`.
fn memory(c: &mut Cursor<'_>) -> bool {
    let start = c.pos;
    c.skip_ws();
    let open = c.eat(|ch| matches!(ch, '(' | '（'));
    if !open {
        c.eat(|ch| ch == '-');
    }
    let ok = c.number().is_some()
        && {
            c.skip_ws();
            eat_word(c, &["GB", "G"])
        }
        && (!open || c.eat(|ch| matches!(ch, ')' | '）')));
    if !ok {
        c.pos = start;
    }
    ok
}

/// Eats one of `words` (ASCII case-insensitive) when a word boundary follows.
fn eat_word(c: &mut Cursor<'_>, words: &[&str]) -> bool {
    let rest = c.rest();
    for word in words {
        if let Some(head) = rest.get(..word.len())
            && head.eq_ignore_ascii_case(word)
            && boundary(&rest[word.len()..])
        {
            c.pos += word.len();
            return true;
        }
    }
    false
}

/// A name ends where no ASCII letter or digit follows, or at an `x` that multiplies.
fn boundary(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        None => true,
        Some('x' | 'X') => chars
            .as_str()
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit()),
        Some(c) => !c.is_ascii_alphanumeric(),
    }
}

/// Every spelling of an accelerator that could start `rest`, with its canonical name.
fn spellings<'a>(
    settings: &'a ComputeSettings,
    rest: &str,
) -> impl Iterator<Item = (&'a str, &'a str)> {
    let candidates = settings.accelerators.starting(rest).iter();
    candidates.map(|(spelling, canonical)| (canonical.as_str(), spelling.as_str()))
}

/// The longest spelling at the cursor; spaces in a spelling match any or no whitespace.
fn known_name<'a>(rest: &str, settings: &'a ComputeSettings) -> Option<(Accel<'a>, usize)> {
    let (canonical, len) = spellings(settings, rest)
        .filter_map(|(canonical, spelling)| {
            let len = loose_prefix(rest, spelling)?;
            Some((canonical, with_plural(rest, len)?))
        })
        .max_by_key(|&(_, len)| len)?;
    Some((Accel::Known(canonical), len))
}

/// How far a split name found at `pos` reaches.
fn split_len(split: &Accel<'_>, pos: usize) -> usize {
    match split {
        Accel::Split { span, .. } => span.end - pos,
        _ => 0,
    }
}

/// A spelling written with whitespace inside it (`A 100` for `A100`), at the cursor, which
/// does not move.
fn split_name<'a>(c: &Cursor<'_>, settings: &'a ComputeSettings) -> Option<Accel<'a>> {
    let rest = c.rest();
    let (canonical, len, spaces) = spellings(settings, rest)
        .filter_map(|(canonical, spelling)| {
            let (len, spaces) = split_prefix(rest, spelling)?;
            Some((canonical, with_plural(rest, len)?, spaces))
        })
        .max_by_key(|(_, len, _)| *len)?;
    let base = c.pos;
    let spaces = spaces
        .into_iter()
        .map(|s| s.start + base..s.end + base)
        .collect();
    Some(Accel::Split {
        name: canonical,
        span: base..base + len,
        spaces,
    })
}

/// `len`, or `len + 1` for a plural `s`, when a boundary follows; else `None`.
fn with_plural(rest: &str, len: usize) -> Option<usize> {
    let after = &rest[len..];
    if boundary(after) {
        Some(len)
    } else if after.starts_with(['s', 'S']) && boundary(&after[1..]) {
        Some(len + 1)
    } else {
        None
    }
}

/// Length of the prefix of `text` that spells `name` (ASCII case-insensitive), where a space
/// in `name` matches any run of whitespace, or none.
fn loose_prefix(text: &str, name: &str) -> Option<usize> {
    let mut pos = 0;
    for nc in name.chars() {
        let rest = &text[pos..];
        if nc.is_whitespace() {
            pos += rest.len() - rest.trim_start().len();
            continue;
        }
        let tc = rest.chars().next()?;
        if !tc.eq_ignore_ascii_case(&nc) {
            return None;
        }
        pos += tc.len_utf8();
    }
    (pos > 0).then_some(pos)
}

/// Like [`loose_prefix`], but the text has whitespace where `name` has none: the length, and
/// the whitespace runs to delete. `None` when the text needs no deletion.
fn split_prefix(text: &str, name: &str) -> Option<(usize, Vec<Span>)> {
    let mut pos = 0;
    let mut spaces = Vec::new();
    for (i, nc) in name.chars().enumerate() {
        let rest = &text[pos..];
        let ws = rest.len() - rest.trim_start().len();
        if nc.is_whitespace() {
            pos += ws;
            continue;
        }
        if ws > 0 && i > 0 {
            spaces.push(pos..pos + ws);
            pos += ws;
        }
        let tc = text[pos..].chars().next()?;
        if !tc.eq_ignore_ascii_case(&nc) {
            return None;
        }
        pos += tc.len_utf8();
    }
    (!spaces.is_empty()).then_some((pos, spaces))
}

/// A token that looks like hardware but is not in the list: letters with digits (`Z100`,
/// `910C`) or a generic word (`GPU`, `NPU`). Words like `epochs` are not hardware.
fn unknown_name<'a>(c: &mut Cursor<'_>) -> Accel<'a> {
    let rest = c.rest();
    let len = rest
        .char_indices()
        .find(|&(i, ch)| !(ch.is_ascii_alphanumeric() || ch == '-') || !boundary_free(&rest[i..]))
        .map_or(rest.len(), |(i, _)| i);
    let token = &rest[..len];
    let has_digit = token.bytes().any(|b| b.is_ascii_digit());
    let has_letter = token.bytes().any(|b| b.is_ascii_alphabetic());
    let generic = ["GPU", "GPUs", "NPU", "NPUs", "TPU", "TPUs"]
        .iter()
        .any(|g| g.eq_ignore_ascii_case(token));
    if token.is_empty() || !(generic || has_digit && has_letter) {
        return Accel::None;
    }
    let span = c.pos..c.pos + len;
    c.pos += len;
    Accel::Unknown(span)
}

/// False at an `x` that multiplies (`Z100x3天`), which ends a name.
fn boundary_free(at: &str) -> bool {
    !(at.starts_with(['x', 'X']) && boundary(at))
}

/// What follows the separator: a number and a time unit, then at most a parenthetical note.
fn duration(c: &mut Cursor<'_>, settings: &ComputeSettings) -> Duration {
    c.skip_ws();
    if c.rest().trim().is_empty() {
        return Duration::Empty;
    }
    let Some(number) = c.number() else {
        return match time_unit(c.rest(), settings) {
            Some((unit, _)) => {
                let span = c.pos..c.pos + unit.len();
                c.pos = span.end;
                skip_note(c);
                Duration::NoNumber(span)
            }
            None => Duration::Absent,
        };
    };
    let Ok(amount) = c.text[number.clone()].parse::<f64>() else {
        return Duration::Absent;
    };
    c.skip_ws();
    let rest = c.rest();
    if let Some((unit, hours)) = time_unit(rest, settings) {
        c.pos += unit.len();
        skip_note(c);
        return Duration::Hours(amount * hours);
    }
    let word = rest
        .find(|ch: char| ch.is_whitespace() || ch.is_ascii_punctuation() || ch.is_ascii_digit())
        .unwrap_or(rest.len());
    if word == 0 {
        return Duration::NoUnit(number);
    }
    let unit = c.pos..c.pos + word;
    c.pos += word;
    skip_note(c);
    Duration::UnknownUnit(unit)
}

/// The longest time unit that starts `rest` and ends at a word boundary, with its hours.
fn time_unit<'s>(rest: &str, settings: &'s ComputeSettings) -> Option<(&'s str, f64)> {
    let units = settings.time_units.starting(rest).iter();
    units
        .filter(|(unit, _)| {
            rest.get(..unit.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(unit))
                && boundary(&rest[unit.len()..])
        })
        .max_by_key(|(unit, _)| unit.len())
        .map(|(unit, hours)| (unit.as_str(), *hours))
}

/// Skips a trailing `(…)` or `（…）` note, such as `(LoRA)`.
fn skip_note(c: &mut Cursor<'_>) {
    let save = c.pos;
    c.skip_ws();
    let rest = c.rest();
    let closed = (rest.starts_with('(') && rest.ends_with(')'))
        || (rest.starts_with('（') && rest.ends_with('）'));
    c.pos = if closed { c.text.len() } else { save };
}
