//! Byte offsets ↔ LSP positions. Spans in survey-lint are byte ranges; a client counts columns
//! in UTF-16 code units unless it offers another encoding, and UTF-8 (bytes) is then taken.

use lsp_types::{Position, PositionEncodingKind, Range};

/// How a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The encoding to use among those a client offers (UTF-16 when it names none).
    pub fn choose(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        let has = |kind: &PositionEncodingKind| offered.contains(kind);
        if has(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if has(&PositionEncodingKind::UTF32) && !has(&PositionEncodingKind::UTF16) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// The line starts of a text, for converting in both directions.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { starts }
    }

    /// The position of a byte offset (clamped to the text, and down to a char boundary).
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let offset = crate::document::floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = match encoding {
            Encoding::Utf8 => offset - start,
            _ => text[start..offset].chars().map(|c| encoding.width(c)).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, span: &std::ops::Range<usize>, encoding: Encoding) -> Range {
        Range::new(
            self.position(text, span.start, encoding),
            self.position(text, span.end, encoding),
        )
    }

    /// The byte offset of a position. A line past the end is the end of the text; a character
    /// past the end of its line is the end of the line; one inside a character is its start.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |&next| next - 1);
        offset_in_line(text, start..end, position.character, encoding)
    }

    /// The index as it is while edits are applied one after another.
    pub fn edit(self) -> Editing {
        Editing {
            before: self.starts,
            after: Vec::new(),
        }
    }
}

/// The byte offset of `character` in the line at `line` (its `\n` excluded).
fn offset_in_line(
    text: &str,
    line: std::ops::Range<usize>,
    character: u32,
    encoding: Encoding,
) -> usize {
    let start = line.start;
    let line = &text[line];
    let line = line.strip_suffix('\r').unwrap_or(line);
    let wanted = character as usize;
    let mut counted = 0;
    for (at, c) in line.char_indices() {
        let width = encoding.width(c);
        if counted + width > wanted {
            return start + at;
        }
        counted += width;
    }
    start + line.len()
}

/// The line starts of a text while a change's edits are applied to it, each to the text the
/// previous one left, as a gap buffer keeps its gap: the starts up to the place of the last
/// edit are offsets, those past it distances from the end of the text, which an edit before
/// them does not change. An edit so costs the lines it adds or removes and the lines between it
/// and the previous one, never a sweep of the whole text.
pub struct Editing {
    /// Offsets, ascending, up to the place.
    before: Vec<usize>,
    /// Distances from the end of the text, ascending: the line nearest the place is last.
    after: Vec<usize>,
}

impl Editing {
    fn start(&self, line: usize, len: usize) -> Option<usize> {
        match line.checked_sub(self.before.len()) {
            None => Some(self.before[line]),
            Some(past) => {
                let at = self.after.len().checked_sub(past + 1)?;
                Some(len - self.after[at])
            }
        }
    }

    /// The byte offset of a position in `text`, as `Lines::offset` finds it.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        let Some(start) = self.start(line, text.len()) else {
            return text.len();
        };
        let end = self
            .start(line + 1, text.len())
            .map_or(text.len(), |next| next - 1);
        offset_in_line(text, start..end, position.character, encoding)
    }

    /// Replaces `range` of `text` (char boundaries) with `new`, and the line starts with it.
    pub fn replace(&mut self, text: &mut String, range: std::ops::Range<usize>, new: &str) {
        let len = text.len();
        // The place moves to the start of the edit.
        while let Some(&start) = self.before.last()
            && start > range.start
        {
            self.before.pop();
            self.after.push(len - start);
        }
        while let Some(&distance) = self.after.last()
            && len - distance <= range.start
        {
            self.after.pop();
            self.before.push(len - distance);
        }
        // The lines that started inside the range are gone; those of `new` come after the place.
        while let Some(&distance) = self.after.last()
            && len - distance <= range.end
        {
            self.after.pop();
        }
        self.before
            .extend(memchr::memchr_iter(b'\n', new.as_bytes()).map(|i| range.start + i + 1));
        text.replace_range(range, new);
    }

    /// The index of the text as the edits left it.
    pub fn finish(mut self, text: &str) -> Lines {
        let len = text.len();
        self.before.extend(self.after.iter().rev().map(|d| len - d));
        Lines {
            starts: self.before,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn offsets_and_positions_agree_in_every_encoding() {
        let text = "| 模型 | 😀 |\r\nab\n";
        let lines = Lines::new(text);
        let smile = text.find('😀').unwrap();
        let after = smile + '😀'.len_utf8();
        for (encoding, column, after_column) in [
            (Encoding::Utf8, smile, after),
            (Encoding::Utf16, 7, 9),
            (Encoding::Utf32, 7, 8),
        ] {
            assert_eq!(
                lines.position(text, smile, encoding),
                Position::new(0, column as u32)
            );
            assert_eq!(
                lines.position(text, after, encoding),
                Position::new(0, after_column as u32)
            );
            assert_eq!(
                lines.offset(text, Position::new(0, column as u32), encoding),
                smile
            );
            assert_eq!(
                lines.offset(text, Position::new(0, after_column as u32), encoding),
                after
            );
        }
        let b = text.find('b').unwrap();
        assert_eq!(
            lines.position(text, b, Encoding::Utf16),
            Position::new(1, 1)
        );
        assert_eq!(lines.offset(text, Position::new(1, 1), Encoding::Utf16), b);
        // Past the end of a line (before its \r\n), and past the last line.
        assert_eq!(
            lines.offset(text, Position::new(0, 99), Encoding::Utf16),
            text.find('\r').unwrap()
        );
        assert_eq!(
            lines.offset(text, Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
        // Inside a surrogate pair: the start of the character.
        assert_eq!(
            lines.offset(text, Position::new(0, 8), Encoding::Utf16),
            smile
        );
    }

    /// A text of a few lines (some `\r\n`, some wide characters) and edits of it in positions
    /// that may lie past a line's end or past the last line.
    fn text_and_edits() -> impl Strategy<Value = (String, Vec<(Position, Position, String)>)> {
        let text = "([ab\n😀é\r]{0,6}\n?){0,8}";
        let position = (0u32..10, 0u32..8).prop_map(|(l, c)| Position::new(l, c));
        let edit = (position.clone(), position, "[x\n😀\r]{0,3}");
        (text, proptest::collection::vec(edit, 0..12))
    }

    proptest::proptest! {
        #[test]
        fn editing_in_place_agrees_with_indexing_after_every_edit(
            (text, edits) in text_and_edits()
        ) {
            for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let mut expected = text.clone();
                let mut actual = text.clone();
                let mut editing = Lines::new(&actual).edit();
                for (a, b, new) in &edits {
                    let lines = Lines::new(&expected);
                    let start = lines.offset(&expected, *a, encoding);
                    let end = lines.offset(&expected, *b, encoding).max(start);
                    prop_assert_eq!(editing.offset(&actual, *a, encoding), start);
                    prop_assert_eq!(editing.offset(&actual, *b, encoding).max(start), end);
                    expected.replace_range(start..end, new);
                    editing.replace(&mut actual, start..end, new);
                }
                prop_assert_eq!(&actual, &expected);
                let finished = editing.finish(&actual);
                prop_assert_eq!(finished.starts, Lines::new(&expected).starts);
            }
        }
    }

    #[test]
    fn utf8_is_chosen_when_offered() {
        use PositionEncodingKind as K;
        assert_eq!(Encoding::choose(None), Encoding::Utf16);
        assert_eq!(Encoding::choose(Some(&[K::UTF16, K::UTF8])), Encoding::Utf8);
        assert_eq!(Encoding::choose(Some(&[K::UTF32])), Encoding::Utf32);
    }
}
