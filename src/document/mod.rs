//! The document model: Markdown → [`Document`] → [`Table`] → [`Row`] → [`Cell`], plus every
//! [`Link`], [`Heading`] and explicit anchor. Everything keeps its byte range in the source, so
//! findings can point at the exact cell and fixes can edit exactly the bytes they mean to.

mod anchor;
mod autolink;
mod chunks;
mod href;
mod html;
mod meant;
mod parse;
mod table;

pub use anchor::{Anchor, AnchorKind, Anchors, github_slug};
pub use autolink::{
    find_bare_urls, find_scheme_separator, gfm_autolink_end, starts_with_ignore_case,
};
pub use href::link_url;
pub use meant::{Join, MeantUrl, meant_urls};
pub use table::split_row;

use std::ops::Range;

/// A byte range in the source of one file.
pub type Span = Range<usize>;

/// One parsed Markdown file. Borrowed from its source: cells and links are byte ranges.
#[derive(Debug)]
pub struct Document<'s> {
    pub source: &'s str,
    pub lines: LineIndex,
    pub tables: Vec<Table>,
    pub links: Vec<Link>,
    /// Byte ranges of raw HTML outside code, where suppression comments live.
    pub html: Vec<Span>,
    /// The URLs the author meant, for every link (see [`Link::meant`]).
    pub meant: Vec<MeantUrl>,
    /// Markdown and HTML headings, in source order.
    pub headings: Vec<Heading>,
    /// The values of `id` attributes and of `<a name>` in raw HTML, in source order.
    pub explicit_anchors: Vec<Span>,
}

impl<'s> Document<'s> {
    pub fn parse(source: &'s str) -> Self {
        parse::parse(source)
    }

    /// Parses in pieces of at least `chunk_bytes` (see `parse`); for tests that the pieces
    /// change nothing.
    pub fn parse_in_chunks(source: &'s str, chunk_bytes: usize) -> Self {
        parse::parse_in_chunks(source, chunk_bytes)
    }

    /// The source text of a span.
    pub fn text(&self, span: &Span) -> &'s str {
        &self.source[span.clone()]
    }
}

/// A heading: `## Title`, a setext heading, or `<h2>…</h2>` in raw HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The heading's lines (for HTML, from `<hN` to `</hN>`), without the final line ending.
    pub span: Span,
    /// Its text as a reader's browser has it (the text content GitHub makes its id from): the
    /// text, code and link text of the heading, without markup, tags or image descriptions.
    pub text: String,
    /// 1 to 6.
    pub level: u8,
    /// Written as HTML.
    pub html: bool,
}

/// A table as the author wrote it: a GFM table, or an HTML `<table>` read as the grid a reader
/// sees (`rowspan`/`colspan` expanded).
#[derive(Debug, Clone)]
pub struct Table {
    /// From the start of the header row to the end of the last row (no trailing newline); for
    /// an HTML table, from `<table` to `</table>`.
    pub span: Span,
    /// The header row; for an HTML table without header cells, a row without cells.
    pub header: Row,
    /// The body rows: [`Table::rows`], [`Table::row`].
    body: Body,
    /// Written as HTML.
    pub html: bool,
}

/// A table's body rows. A GFM row is all in its text on its line, so a GFM table keeps only
/// where each row's text is (8 bytes a row: a table of a million rows is 6 MB of Markdown) and
/// reads a row's cells again when it is asked for; an HTML table keeps its rows as read.
#[derive(Debug, Clone)]
enum Body {
    Lines(Vec<(u32, u32)>),
    Read(Vec<Row>),
}

impl Table {
    /// A GFM table: its header and where the text of each body row is.
    pub(crate) fn gfm(header: Row, rows: Vec<(u32, u32)>) -> Table {
        let end = rows.last().map_or(header.span.end, |r| r.1 as usize);
        Table {
            span: header.span.start..end,
            header,
            body: Body::Lines(rows),
            html: false,
        }
    }

    /// An HTML table, from `<table` to `</table>`.
    pub(crate) fn html(span: Span, header: Row, rows: Vec<Row>) -> Table {
        Table {
            span,
            header,
            body: Body::Read(rows),
            html: true,
        }
    }

    /// How many body rows the table has.
    pub fn row_count(&self) -> usize {
        match &self.body {
            Body::Lines(rows) => rows.len(),
            Body::Read(rows) => rows.len(),
        }
    }

    /// Where the text of body row `index` is ([`Row::span`]), without reading the row.
    pub fn row_span(&self, index: usize) -> Option<Span> {
        match &self.body {
            Body::Lines(rows) => rows.get(index).map(|r| r.0 as usize..r.1 as usize),
            Body::Read(rows) => rows.get(index).map(|r| r.span.clone()),
        }
    }

    /// Body row `index` of this table of `doc`.
    pub fn row(&self, doc: &Document<'_>, index: usize) -> Option<Row> {
        match &self.body {
            Body::Lines(rows) => {
                let &(start, end) = rows.get(index)?;
                Some(Row::read(
                    doc.source,
                    &doc.lines,
                    start as usize..end as usize,
                ))
            }
            Body::Read(rows) => rows.get(index).cloned(),
        }
    }

    /// The body rows of this table of `doc`, in order, each read as it is reached.
    pub fn rows<'a>(&'a self, doc: &'a Document<'_>) -> impl ExactSizeIterator<Item = Row> + 'a {
        (0..self.row_count()).map(move |i| self.row(doc, i).expect("an index below the count"))
    }

    /// The line of body row `index`.
    pub fn row_line(&self, doc: &Document<'_>, index: usize) -> Option<usize> {
        Some(doc.lines.line(self.row_span(index)?.start))
    }

    /// Cell `cell` of body row `row` of this table of `source`, read without the cells after
    /// it.
    pub fn cell(&self, source: &str, row: usize, cell: usize) -> Option<Cell> {
        match &self.body {
            Body::Lines(_) => table::nth_cell(source, self.row_span(row)?, cell),
            Body::Read(rows) => rows.get(row)?.cells.get(cell).copied(),
        }
    }

    /// The index of the body row whose text (pipes included) holds `offset`, if one does.
    pub fn row_at(&self, offset: usize) -> Option<usize> {
        let (row, span) = match &self.body {
            Body::Lines(rows) => {
                let row = rows.partition_point(|r| (r.1 as usize) < offset);
                (row, self.row_span(row)?)
            }
            Body::Read(rows) => {
                let row = rows.partition_point(|r| r.span.end < offset);
                (row, self.row_span(row)?)
            }
        };
        (offset >= span.start).then_some(row)
    }
}

/// One line of a table: its cells exactly as written, before any renderer pads or truncates them.
#[derive(Debug, Clone)]
pub struct Row {
    /// The row's text on its line, without any container prefix (`> `, list indent) or newline.
    pub span: Span,
    /// The whole line, from its first byte to and including its line ending, for deleting it;
    /// empty when the row cannot be deleted alone (an HTML row sharing its lines, or one a
    /// `rowspan` reaches into or out of). See [`Row::delete_span`].
    pub line_span: Span,
    /// 1-based line number.
    pub line: usize,
    pub cells: Vec<Cell>,
}

/// One cell: the text between two unescaped pipes. Offsets are kept as `u32` (files are at
/// most 4 GiB): a large survey has millions of cells.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    raw: (u32, u32),
    trimmed: (u32, u32),
}

impl Cell {
    pub(crate) fn new(raw: Span, trimmed: Span) -> Cell {
        let narrow = |s: Span| (s.start as u32, s.end as u32);
        Cell {
            raw: narrow(raw),
            trimmed: narrow(trimmed),
        }
    }

    /// Between the pipes, untrimmed.
    pub fn raw(&self) -> Span {
        self.raw.0 as usize..self.raw.1 as usize
    }

    /// Trimmed of surrounding spaces and tabs, as GFM trims a cell.
    pub fn span(&self) -> Span {
        self.trimmed.0 as usize..self.trimmed.1 as usize
    }
}

impl Row {
    /// The row whose text is `span` (line ending excluded) of a GFM table: its cells, line and
    /// whole line.
    pub(crate) fn read(source: &str, lines: &LineIndex, span: Span) -> Row {
        let line = lines.line(span.start);
        let line_start = lines.line_start(line);
        // The line ends after its `\n`, `\r\n` or lone `\r`.
        let line_end = lines.line_start(line + 1);
        let line_end = if line_end > line_start {
            line_end
        } else {
            source.len()
        };
        Row {
            cells: split_row(source, span.clone()),
            span,
            line_span: line_start..line_end,
            line,
        }
    }

    /// The lines to delete to remove this row, when it can be removed alone.
    pub fn delete_span(&self) -> Option<Span> {
        (!self.line_span.is_empty()).then(|| self.line_span.clone())
    }

    /// True when every cell is blank.
    pub fn is_blank(&self, source: &str) -> bool {
        self.cells.iter().all(|cell| is_blank(&source[cell.span()]))
    }

    /// The index of the cell whose raw text (pipes excluded, ends included) holds `offset`.
    pub fn cell_at(&self, offset: usize) -> Option<usize> {
        let within = |c: &Cell| offset >= c.raw().start && offset <= c.raw().end;
        self.cells.iter().position(within)
    }
}

/// Blank: only whitespace (Unicode, including NBSP and zero-width spaces) or `&nbsp;`.
pub fn is_blank(text: &str) -> bool {
    text.split("&nbsp;").all(|part| {
        part.chars()
            .all(|c| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}')
    })
}

/// How a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// `[text](url)`
    Inline,
    /// `[text]: url`, a reference definition
    Reference,
    /// `<https://…>`
    Autolink,
    /// `![alt](url)`
    Image,
    /// A URL in plain text, linked by GFM's autolink extension.
    Bare,
    /// `href` of `<a>`, `src` of `<img>`, or a URL of a `srcset`, in raw HTML.
    Html,
}

/// A link target as it stands in the source. Offsets are `u32`, like a [`Cell`]'s: a large
/// survey has hundreds of thousands of links.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub kind: LinkKind,
    span: (u32, u32),
    meant: (u32, u32),
}

impl Link {
    pub(crate) fn new(kind: LinkKind, span: Span) -> Link {
        Link {
            kind,
            span: (span.start as u32, span.end as u32),
            meant: (0, 0),
        }
    }

    /// Where the URL is written. For a bare URL this is the span GFM's autolinker would link.
    pub fn span(&self) -> Span {
        self.span.0 as usize..self.span.1 as usize
    }

    /// The range of [`Document::meant`] holding the URLs the author meant by this link.
    pub fn meant(&self) -> std::ops::Range<usize> {
        self.meant.0 as usize..self.meant.1 as usize
    }

    pub(crate) fn set_meant(&mut self, meant: std::ops::Range<usize>) {
        self.meant = (meant.start as u32, meant.end as u32);
    }
}

/// Where in the tables a span stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub table: usize,
    pub row: usize,
    pub cell: usize,
}

impl Document<'_> {
    /// The links inside table `index`, in source order.
    pub fn links_in_table(&self, index: usize) -> &[Link] {
        let Some(table) = self.tables.get(index) else {
            return &[];
        };
        let start = self
            .links
            .partition_point(|l| l.span().start < table.span.start);
        let end = self
            .links
            .partition_point(|l| l.span().start <= table.span.end);
        &self.links[start..end.max(start)]
    }

    /// The links that start inside a body cell of table `index`, with their places, in source
    /// order: [`Document::place_of`] for each of them, in one walk over the rows.
    pub fn links_in_cells(&self, index: usize) -> impl Iterator<Item = (Place, &Link)> {
        let table = self.tables.get(index);
        let mut row = 0;
        // The row last read, for the links that follow in it.
        let mut read: Option<(usize, Row)> = None;
        self.links_in_table(index).iter().filter_map(move |link| {
            let table = table?;
            let offset = link.span().start;
            while table.row_span(row).is_some_and(|r| r.end < offset) {
                row += 1;
            }
            table.row_span(row).filter(|r| offset >= r.start)?;
            if read.as_ref().is_none_or(|(at, _)| *at != row) {
                read = Some((row, table.row(self, row)?));
            }
            let cell = read.as_ref()?.1.cell_at(offset)?;
            Some((
                Place {
                    table: index,
                    row,
                    cell,
                },
                link,
            ))
        })
    }

    /// The table cell that contains a byte offset, if any.
    pub fn place_of(&self, offset: usize) -> Option<Place> {
        let table = self.tables.partition_point(|t| t.span.end < offset);
        let t = self.tables.get(table)?;
        if offset < t.span.start {
            return None;
        }
        let row = t.row_at(offset)?;
        let cell = t.row(self, row)?.cell_at(offset)?;
        Some(Place { table, row, cell })
    }
}

/// Maps byte offsets to 1-based line and column (columns count Unicode scalar values).
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Where each line starts; `u32`, like a cell's offsets (a file of a million lines).
    starts: Vec<u32>,
}

impl LineIndex {
    /// Lines end at `\n`, `\r\n` or a `\r` alone, as in CommonMark (a file saved with old Mac
    /// line endings has no `\n` at all).
    pub fn new(source: &str) -> Self {
        let bytes = source.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| (i + 1) as u32),
        );
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s as usize <= offset)
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.saturating_sub(1).min(self.starts.len() - 1)] as usize
    }

    /// The 1-based line and column of a byte offset; the column counts chars.
    pub fn line_col(&self, source: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line = self.line(offset);
        let start = self.line_start(line);
        LineCol {
            line,
            column: source[start..offset].chars().count() + 1,
        }
    }
}

/// A 1-based line and column; columns count Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// The largest char boundary at or below `offset`.
pub fn floor_char_boundary(s: &str, mut offset: usize) -> usize {
    while offset > 0 && !s.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
