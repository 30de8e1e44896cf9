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
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |&next| next - 1);
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let wanted = position.character as usize;
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
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn utf8_is_chosen_when_offered() {
        use PositionEncodingKind as K;
        assert_eq!(Encoding::choose(None), Encoding::Utf16);
        assert_eq!(Encoding::choose(Some(&[K::UTF16, K::UTF8])), Encoding::Utf8);
        assert_eq!(Encoding::choose(Some(&[K::UTF32])), Encoding::Utf32);
    }
}
