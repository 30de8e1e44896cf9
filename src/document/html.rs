//! Raw HTML as GitHub renders it: the links of `<a href>`, `<img src>` and `srcset`,
//! `<table>`s as tables, with `rowspan`/`colspan` expanded into the grid a reader sees, and the
//! anchors of HTML: `id` attributes, `<a name>`, and `<h1>`–`<h6>` headings.
//!
//! The raw HTML of a document comes in fragments (HTML blocks and inline tags, as pulldown-cmark
//! finds them outside code). Each fragment is tokenized by html5gum, a WHATWG tokenizer that
//! gives every attribute value its exact byte range; a table's state carries across fragments,
//! since a blank line inside a `<table>` ends the HTML block but not the table.

use super::{Cell, Heading, LineIndex, Link, LinkKind, Row, Span, Table};
use html5gum::Tokenizer;
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};

/// Columns a table row is expanded to at most: a `colspan` of thousands in a stranger's
/// document must not multiply memory.
const MAX_COLUMNS: usize = 256;

/// A tag of the elements survey-lint reads, in absolute byte offsets.
#[derive(Debug)]
enum Tag {
    Start {
        name: Name,
        span: Span,
        attrs: Vec<(Attr, Span)>,
    },
    End {
        name: Name,
        span: Span,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    A,
    Img,
    Source,
    Table,
    Tr,
    Td,
    Th,
    /// `<thead>`, `<tbody>`, `<tfoot>`: a `rowspan` reaches no further than its group's rows.
    RowGroup,
    /// `<h1>` to `<h6>`.
    H(u8),
    /// Any other element: only its `id` is read.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attr {
    Href,
    Src,
    Srcset,
    Colspan,
    Rowspan,
    Id,
    Name,
}

fn name_of(bytes: &[u8]) -> Option<Name> {
    let name = match bytes.to_ascii_lowercase().as_slice() {
        b"a" => Name::A,
        b"img" => Name::Img,
        b"source" => Name::Source,
        b"table" => Name::Table,
        b"tr" => Name::Tr,
        b"td" => Name::Td,
        b"th" => Name::Th,
        b"thead" | b"tbody" | b"tfoot" => Name::RowGroup,
        [b'h', level @ b'1'..=b'6'] => Name::H(level - b'0'),
        _ => return None,
    };
    Some(name)
}

fn attr_of(bytes: &[u8]) -> Option<Attr> {
    let attr = match bytes.to_ascii_lowercase().as_slice() {
        b"href" => Attr::Href,
        b"src" => Attr::Src,
        b"srcset" => Attr::Srcset,
        b"colspan" => Attr::Colspan,
        b"rowspan" => Attr::Rowspan,
        b"id" => Attr::Id,
        b"name" => Attr::Name,
        _ => return None,
    };
    Some(attr)
}

/// A start tag being read: its name, where it starts, and the attributes read so far.
type OpenTag = (Name, usize, Vec<(Attr, Span)>);

/// The tags of one fragment of raw HTML, in order.
fn tags(source: &str, fragment: Span, out: &mut Vec<Tag>) {
    let base = fragment.start;
    let text = &source[fragment];
    // Cheap test first: most fragments are `<br>`, `<p align=…>` and the like.
    let lower_has = |needle: &[u8]| {
        text.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if ![
        &b"<a"[..],
        b"<img",
        b"<source",
        b"<t",
        b"</t",
        b"<h",
        b"</h",
    ]
    .iter()
    .any(|needle| lower_has(needle))
        && !has_id_attribute(text.as_bytes())
    {
        return;
    }
    // The tag being read: its name and start, and the attribute whose value comes next.
    let mut open: Option<OpenTag> = None;
    let mut attr: Option<Attr> = None;
    let emitter = CallbackEmitter::new(
        |event: CallbackEvent<'_>, span: html5gum::Span<usize>| -> Option<Tag> {
            let at = base + span.start..base + span.end;
            match event {
                CallbackEvent::OpenStartTag { name } => {
                    let name = name_of(name).unwrap_or(Name::Other);
                    open = Some((name, at.start, Vec::new()));
                    attr = None;
                    None
                }
                CallbackEvent::AttributeName { name } => {
                    attr = attr_of(name).filter(|a| match open {
                        Some((Name::Other, ..)) => *a == Attr::Id,
                        _ => true,
                    });
                    None
                }
                CallbackEvent::AttributeValue { .. } => {
                    let (Some((_, _, attrs)), Some(a)) = (open.as_mut(), attr) else {
                        return None;
                    };
                    // A value may come in pieces: one span from the first to the last.
                    match attrs.last_mut() {
                        Some((last, value)) if *last == a && value.end <= at.start => {
                            value.end = at.end
                        }
                        _ => attrs.push((a, at)),
                    }
                    None
                }
                CallbackEvent::CloseStartTag { .. } => {
                    let (name, start, attrs) = open.take()?;
                    if name == Name::Other && attrs.is_empty() {
                        return None;
                    }
                    Some(Tag::Start {
                        name,
                        span: start..at.end,
                        attrs,
                    })
                }
                CallbackEvent::EndTag { name } => {
                    open = None;
                    let name = name_of(name)?;
                    Some(Tag::End { name, span: at })
                }
                _ => None,
            }
        },
    );
    out.extend(Tokenizer::new_with_emitter(text, emitter).flatten());
}

/// An `id` attribute in a fragment, in any case: `id` after whitespace, then `=`. A cheap test
/// before the tokenizer, which most fragments (`<br>`, `<p align=…>`) never need.
fn has_id_attribute(text: &[u8]) -> bool {
    memchr::memchr2_iter(b'i', b'I', text).any(|at| {
        let before = at.checked_sub(1).map(|b| text[b]);
        let rest = &text[at + 1..];
        before.is_some_and(|b| b.is_ascii_whitespace())
            && rest.first().is_some_and(|d| d.eq_ignore_ascii_case(&b'd'))
            && rest[1..]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| b == b'=')
    })
}

/// What raw HTML says about anchors, in source order: explicit anchors, and the tags of HTML
/// headings (paired up by [`headings_and_anchors`], since a heading's content may reach into
/// another fragment).
#[derive(Debug, Clone)]
pub(super) enum AnchorMark {
    /// The value of an `id` attribute, or of `name` on `<a>`.
    Explicit(Span),
    /// `<hN …>`.
    HeadingStart { level: u8, tag: Span },
    /// `</hN>`.
    HeadingEnd { level: u8, tag: Span },
}

/// The links of raw HTML fragments: `href` of `<a>`, `src` of `<img>`, and each URL of a
/// `srcset` of `<img>` or `<source>`, as [`LinkKind::Html`] links at their values' spans; and
/// the [`AnchorMark`]s of the fragments.
pub(super) fn links(
    source: &str,
    fragments: &[Span],
    out: &mut Vec<Link>,
    marks: &mut Vec<AnchorMark>,
) {
    let mut found = Vec::new();
    for fragment in fragments {
        tags(source, fragment.clone(), &mut found);
        for tag in found.drain(..) {
            let (name, span, attrs) = match tag {
                Tag::Start { name, span, attrs } => (name, span, attrs),
                Tag::End {
                    name: Name::H(level),
                    span,
                } => {
                    marks.push(AnchorMark::HeadingEnd { level, tag: span });
                    continue;
                }
                Tag::End { .. } => continue,
            };
            if let Name::H(level) = name {
                marks.push(AnchorMark::HeadingStart { level, tag: span });
            }
            for (attr, value) in attrs {
                match (name, attr) {
                    (Name::A, Attr::Href) | (Name::Img, Attr::Src) => {
                        let trimmed = trim_span(source, value);
                        if !trimmed.is_empty() {
                            out.push(Link::new(LinkKind::Html, trimmed));
                        }
                    }
                    (Name::Img | Name::Source, Attr::Srcset) => srcset(source, value, out),
                    (_, Attr::Id) | (Name::A, Attr::Name) => {
                        let trimmed = trim_span(source, value);
                        if !trimmed.is_empty() {
                            marks.push(AnchorMark::Explicit(trimmed));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The HTML headings (each `<hN>` with the `</hN>` that closes it; an unclosed one runs to
/// the next heading tag or the end) and the explicit anchors, from the marks of a document.
pub(super) fn headings_and_anchors(
    source: &str,
    marks: Vec<AnchorMark>,
) -> (Vec<Heading>, Vec<Span>) {
    let mut headings = Vec::new();
    let mut anchors = Vec::new();
    let mut open: Option<(u8, Span)> = None;
    let mut close = |open: (u8, Span), end: usize, tag_end: usize| {
        let (level, start_tag) = open;
        let content = start_tag.end..end.max(start_tag.end);
        headings.push(Heading {
            span: start_tag.start..tag_end.max(start_tag.end),
            text: text_content(&source[content]),
            level,
            html: true,
        });
    };
    for mark in marks {
        match mark {
            AnchorMark::Explicit(span) => anchors.push(span),
            AnchorMark::HeadingStart { level, tag } => {
                if let Some(previous) = open.take() {
                    close(previous, tag.start, tag.start);
                }
                open = Some((level, tag));
            }
            AnchorMark::HeadingEnd { level, tag } => {
                if let Some(previous) = open.take_if(|(l, _)| *l == level) {
                    close(previous, tag.start, tag.end);
                }
            }
        }
    }
    if let Some(previous) = open {
        close(previous, source.len(), source.len());
    }
    (headings, anchors)
}

/// The text of an HTML fragment as a browser has it: character data with references decoded,
/// without tags or comments.
fn text_content(html: &str) -> String {
    let mut text = Vec::new();
    let emitter = CallbackEmitter::new(
        |event: CallbackEvent<'_>, _: html5gum::Span<usize>| -> Option<()> {
            if let CallbackEvent::String { value } = event {
                text.extend_from_slice(value);
            }
            None
        },
    );
    Tokenizer::new_with_emitter(html, emitter).for_each(drop);
    String::from_utf8_lossy(&text).into_owned()
}

/// Each URL of a `srcset` list: `a.png 1x, b.png 2x` (a URL never starts with a comma, and
/// runs to whitespace).
fn srcset(source: &str, value: Span, out: &mut Vec<Link>) {
    let bytes = source.as_bytes();
    let mut i = value.start;
    while i < value.end {
        while i < value.end && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
            i += 1;
        }
        let start = i;
        while i < value.end && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut end = i;
        // A URL followed by no descriptor ends at the comma before the next one.
        while end > start && bytes[end - 1] == b',' {
            end -= 1;
        }
        if end > start {
            out.push(Link::new(LinkKind::Html, start..end));
        }
        // Skip the descriptor, up to the comma that ends this candidate.
        while i < value.end && bytes[i] != b',' {
            i += 1;
        }
    }
}

fn trim_span(source: &str, span: Span) -> Span {
    let text = &source[span.clone()];
    let start = span.start + (text.len() - text.trim_start().len());
    start..start + text.trim().len()
}

/// One `<td>`/`<th>` as written.
struct RawCell {
    content: Span,
    closed: bool,
    header: bool,
    colspan: usize,
    rowspan: usize,
}

/// One `<tr>` as written.
struct RawRow {
    start: usize,
    end: Option<usize>,
    cells: Vec<RawCell>,
    /// Which row group (`<thead>`, `<tbody>`, `<tfoot>`) of the table it is in.
    group: usize,
}

/// A `<table>` being read.
struct RawTable {
    start: usize,
    end: usize,
    rows: Vec<RawRow>,
    /// Row group tags seen so far: each starts or ends a group.
    group: usize,
}

impl RawTable {
    fn open_row(&mut self, start: usize) -> &mut RawRow {
        let open = self.rows.last().is_some_and(|r| r.end.is_none());
        if !open {
            self.rows.push(RawRow {
                start,
                end: None,
                cells: Vec::new(),
                group: self.group,
            });
        }
        self.rows.last_mut().expect("a row was just opened")
    }

    /// Ends the open cell (if any) where the next tag starts.
    fn close_cell(&mut self, at: usize) {
        let Some(row) = self.rows.last_mut().filter(|r| r.end.is_none()) else {
            return;
        };
        if let Some(cell) = row.cells.last_mut().filter(|c| !c.closed) {
            cell.content.end = at.max(cell.content.start);
            cell.closed = true;
        }
    }

    fn close_row(&mut self, at: usize) {
        self.close_cell(at);
        if let Some(row) = self.rows.last_mut().filter(|r| r.end.is_none()) {
            row.end = Some(at);
        }
    }
}

/// The `<table>`s of the raw HTML fragments, in source order. Nested tables are left inside
/// the cell that holds them.
pub(super) fn tables(source: &str, lines: &LineIndex, fragments: &[Span]) -> Vec<Table> {
    let mut tags_found = Vec::new();
    for fragment in fragments {
        tags(source, fragment.clone(), &mut tags_found);
    }
    let mut open: Vec<RawTable> = Vec::new();
    let mut out = Vec::new();
    for tag in tags_found {
        match tag {
            Tag::Start {
                name: Name::Table,
                span,
                ..
            } => open.push(RawTable {
                start: span.start,
                end: span.end,
                rows: Vec::new(),
                group: 0,
            }),
            Tag::End {
                name: Name::Table,
                span,
            } => {
                let Some(mut table) = open.pop() else {
                    continue;
                };
                table.close_row(span.start);
                table.end = span.end;
                if open.is_empty() {
                    out.extend(build(source, lines, table));
                }
            }
            Tag::Start {
                name: Name::RowGroup,
                span,
                ..
            }
            | Tag::End {
                name: Name::RowGroup,
                span,
            } => {
                if let Some(table) = open.last_mut() {
                    table.close_row(span.start);
                    table.group += 1;
                }
            }
            Tag::Start {
                name: Name::Tr,
                span,
                ..
            } => {
                if let Some(table) = open.last_mut() {
                    table.close_row(span.start);
                    table.open_row(span.start);
                }
            }
            Tag::End {
                name: Name::Tr,
                span,
            } => {
                if let Some(table) = open.last_mut() {
                    table.close_cell(span.start);
                    if let Some(row) = table.rows.last_mut().filter(|r| r.end.is_none()) {
                        row.end = Some(span.end);
                    }
                }
            }
            Tag::Start {
                name: name @ (Name::Td | Name::Th),
                span,
                attrs,
            } => {
                if let Some(table) = open.last_mut() {
                    table.close_cell(span.start);
                    let number = |which: Attr, max: usize| {
                        let value = attrs.iter().find(|(a, _)| *a == which)?;
                        let n: usize = source[value.1.clone()].trim().parse().ok()?;
                        Some(n.clamp(1, max))
                    };
                    let cell = RawCell {
                        content: span.end..span.end,
                        closed: false,
                        header: name == Name::Th,
                        colspan: number(Attr::Colspan, MAX_COLUMNS).unwrap_or(1),
                        rowspan: number(Attr::Rowspan, 65_534).unwrap_or(1),
                    };
                    table.open_row(span.start).cells.push(cell);
                }
            }
            Tag::End {
                name: Name::Td | Name::Th,
                span,
            } => {
                if let Some(table) = open.last_mut() {
                    table.close_cell(span.start);
                }
            }
            _ => {}
        }
    }
    // Tables never closed end where the document does.
    if let Some(mut table) = open.into_iter().next() {
        table.close_row(source.len());
        table.end = table
            .rows
            .last()
            .and_then(|r| r.end)
            .unwrap_or(table.end)
            .min(source.len());
        out.extend(build(source, lines, table));
    }
    out
}

/// The grid a reader sees: each row's cells with `colspan` repeated across columns and
/// `rowspan` down rows. The header is the last row of header cells (`<th>`) before the first
/// row with a data cell; rows without a data cell (section headings, empty `<tr>`s) are not
/// body rows. A table without `<th>` has its header in its first row, and in the rows that
/// row's `rowspan`s reach into (the last of them, expanded, names every column).
fn build(source: &str, lines: &LineIndex, table: RawTable) -> Option<Table> {
    let has_th = table.rows.iter().any(|r| r.cells.iter().any(|c| c.header));
    let header_rows = if has_th {
        0
    } else {
        let first = table.rows.iter().find(|r| !r.cells.is_empty());
        first.map_or(0, |r| r.cells.iter().map(|c| c.rowspan).max().unwrap_or(1))
    };
    // Per column: the cell a rowspan above carries down, and how many more rows it covers.
    let mut carried: Vec<Option<(Cell, usize)>> = Vec::new();
    let mut header: Option<Row> = None;
    let mut header_seen = 0;
    let mut rows = Vec::new();
    let mut group = 0;
    for raw in &table.rows {
        if raw.group != group {
            // A rowspan ends with its row group (HTML's table model).
            carried.clear();
            group = raw.group;
        }
        let mut cells: Vec<Cell> = Vec::new();
        let mut covered = false;
        let mut spans_down = false;
        let mut column = 0;
        for cell in &raw.cells {
            while column < MAX_COLUMNS && take_carried(&mut carried, column, &mut cells) {
                covered = true;
                column += 1;
            }
            let content = cell.content.clone();
            let made = Cell::new(content.clone(), trim_span(source, content));
            for _ in 0..cell.colspan {
                if column >= MAX_COLUMNS {
                    break;
                }
                cells.push(made);
                if cell.rowspan > 1 {
                    spans_down = true;
                    if carried.len() <= column {
                        carried.resize(column + 1, None);
                    }
                    carried[column] = Some((made, cell.rowspan - 1));
                }
                column += 1;
            }
        }
        while column < carried.len() && take_carried(&mut carried, column, &mut cells) {
            covered = true;
            column += 1;
        }
        let end = raw
            .end
            .or_else(|| raw.cells.last().map(|c| c.content.end))
            .unwrap_or(raw.start);
        let row = html_row(
            source,
            lines,
            raw.start..end,
            cells,
            raw.end.is_some() && !covered && !spans_down,
        );
        let has_data = raw.cells.iter().any(|c| !c.header);
        if !has_th && !raw.cells.is_empty() && header_seen < header_rows {
            header_seen += 1;
            header = Some(row);
        } else if has_data {
            rows.push(row);
        } else if rows.is_empty() && !raw.cells.is_empty() {
            header = Some(row);
        }
    }
    if rows.is_empty() && header.is_none() {
        return None;
    }
    let header = header.unwrap_or_else(|| Row {
        span: table.start..table.start,
        line_span: table.start..table.start,
        line: lines.line(table.start),
        cells: Vec::new(),
    });
    Some(Table::html(table.start..table.end, header, rows))
}

/// Puts the cell a rowspan above carries into `column`, if one does.
fn take_carried(
    carried: &mut [Option<(Cell, usize)>],
    column: usize,
    cells: &mut Vec<Cell>,
) -> bool {
    let Some(Some((cell, left))) = carried.get_mut(column) else {
        return false;
    };
    cells.push(*cell);
    *left -= 1;
    if *left == 0 {
        carried[column] = None;
    }
    true
}

/// A row of an HTML table. It can be deleted as whole lines only when the `<tr>` stands alone
/// on its lines and no `rowspan` reaches into or out of it; otherwise its `line_span` is empty.
fn html_row(
    source: &str,
    lines: &LineIndex,
    span: Span,
    cells: Vec<Cell>,
    closed_alone: bool,
) -> Row {
    let line = lines.line(span.start);
    let line_start = lines.line_start(line);
    let line_end = source[span.end..]
        .find('\n')
        .map_or(source.len(), |i| span.end + i + 1);
    let alone = closed_alone
        && source[line_start..span.start].trim().is_empty()
        && source[span.end..line_end].trim().is_empty();
    let line_span = if alone {
        line_start..line_end
    } else {
        span.start..span.start
    };
    Row {
        span,
        line_span,
        line,
        cells,
    }
}

#[cfg(test)]
mod tests {
    use crate::document::Document;

    fn cells(doc: &Document<'_>, table: usize) -> Vec<Vec<String>> {
        let t = &doc.tables[table];
        std::iter::once(t.header.clone())
            .chain(t.rows(doc))
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| doc.text(&c.span()).to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_rowspan_ends_with_its_row_group() {
        // A header cell spanning two rows in a one-row <thead> does not reach into <tbody>;
        // within a <tbody>, it does.
        let source = "<table>\n<thead><tr><th rowspan=\"2\">Model</th><th rowspan=\"2\">Reg</th><th>Get</th></tr></thead>\n<tbody><tr><td rowspan=\"2\">ViT-L</td><td>yes</td><td>head</td></tr>\n<tr><td>no</td><td>head</td></tr></tbody>\n<tbody><tr><td>ViT-g</td><td>no</td><td>x</td></tr></tbody>\n</table>\n";
        let doc = Document::parse(source);
        assert_eq!(
            cells(&doc, 0),
            [
                ["Model", "Reg", "Get"],
                ["ViT-L", "yes", "head"],
                ["ViT-L", "no", "head"],
                ["ViT-g", "no", "x"],
            ]
        );
    }

    #[test]
    fn rowspan_and_colspan_are_expanded_into_the_grid() {
        let source = "<table>\n<tr><th>Model</th><th>Size</th><th>Org</th></tr>\n<tr><td rowspan=\"2\">LLaMA</td><td>7B</td><td>Meta</td></tr>\n<tr><td>13B</td><td>Meta</td></tr>\n<tr><td colspan=2>GPT-4</td><td>OpenAI</td></tr>\n</table>\n";
        let doc = Document::parse(source);
        assert_eq!(doc.tables.len(), 1);
        assert_eq!(
            cells(&doc, 0),
            [
                ["Model", "Size", "Org"],
                ["LLaMA", "7B", "Meta"],
                ["LLaMA", "13B", "Meta"],
                ["GPT-4", "GPT-4", "OpenAI"],
            ]
        );
        let rows: Vec<_> = doc.tables[0].rows(&doc).collect();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 4, 5]);
        // Rows a rowspan reaches into or out of cannot be deleted alone.
        assert!(rows[0].line_span.is_empty() && rows[1].line_span.is_empty());
        assert_eq!(
            &source[rows[2].line_span.clone()],
            "<tr><td colspan=2>GPT-4</td><td>OpenAI</td></tr>\n"
        );
    }

    #[test]
    fn a_blank_line_inside_a_table_does_not_end_it_and_cells_may_be_unclosed() {
        let source = "<table>\n<tr><th>A<th>B\n\n<tr><td>x<td>[y](https://y.org)\n\n</table>\n";
        let doc = Document::parse(source);
        assert_eq!(cells(&doc, 0), [["A", "B"], ["x", "[y](https://y.org)"]]);
    }

    #[test]
    fn links_of_html_attributes_are_found_at_their_values() {
        let source = "<p><a href=\"https://a.org/x?a=1&amp;b=2\">a</a> <img src='https://b.org/i.png'>\n<picture><source srcset=\"https://c.org/1.png 1x, https://c.org/2.png 2x\"></picture></p>\n\ntext <a href=https://d.org>d</a> and <!-- <a href=\"https://e.org\"> -->\n";
        let doc = Document::parse(source);
        let urls: Vec<&str> = doc.links.iter().map(|l| doc.text(&l.span())).collect();
        assert_eq!(
            urls,
            [
                "https://a.org/x?a=1&amp;b=2",
                "https://b.org/i.png",
                "https://c.org/1.png",
                "https://c.org/2.png",
                "https://d.org",
            ]
        );
    }

    #[test]
    fn attribute_values_are_read_whole_as_the_html_tokenizer_reads_them() {
        // Quoted values run to their closing quote, spaces and tabs included; an unquoted one
        // ends at whitespace or `>`. Whitespace around a value is not part of the URL.
        let source = "<a href=\"support os\">a</a> <a href='my\tpaper v2.pdf'>b</a>\n\
                      <img src=docs/a.png alt=\"a b\"> <a href=x.md>c</a> <a href=\" padded \">d</a>\n";
        let doc = Document::parse(source);
        let urls: Vec<(&str, String)> = doc
            .links
            .iter()
            .flat_map(|l| doc.meant_urls(l).iter().map(move |u| (l, u)))
            .map(|(l, u)| (doc.text(&u.span()), doc.url(l, u).into_owned()))
            .collect();
        assert_eq!(
            urls,
            [
                ("support os", "support os".to_string()),
                // A browser's URL parser drops the tab.
                ("my\tpaper v2.pdf", "mypaper v2.pdf".to_string()),
                ("docs/a.png", "docs/a.png".to_string()),
                ("x.md", "x.md".to_string()),
                ("padded", "padded".to_string()),
            ]
        );
    }
}
