//! One pass of pulldown-cmark over the source builds the whole [`Document`].
//!
//! pulldown-cmark decides what is a table, a code block or a link, exactly as GFM does; the
//! cells of each row are then split from the row's source text, so survey-lint sees the cells
//! the author wrote rather than the ones a renderer pads or drops.

use super::chunks::Piece;
use super::html::AnchorMark;
use super::{Document, Heading, LineIndex, Link, LinkKind, Row, Span, Table, find_bare_urls};
use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// Chunks are parsed separately (and in parallel): pulldown-cmark builds a tree of its whole
/// input before the first event, so parsing a 100 MB survey in one piece would hold a tree
/// several times its size. A long table is cut between its rows too.
const CHUNK_BYTES: usize = 128 * 1024;

pub fn parse(source: &str) -> Document<'_> {
    parse_in_chunks(source, CHUNK_BYTES)
}

/// [`parse`] with pieces of at least `chunk_bytes`; the result does not depend on it.
pub fn parse_in_chunks(source: &str, chunk_bytes: usize) -> Document<'_> {
    use rayon::prelude::*;
    let (lines, pieces) = rayon::join(
        || LineIndex::new(source),
        || super::chunks::split(source, chunk_bytes),
    );
    let parts: Vec<Part> = pieces
        .par_iter()
        .map(|piece| parse_chunk(source, &lines, piece, None, &[]))
        .collect();
    // A reference used in one piece and defined in another is a link, as in the whole
    // document, and a footnote reference a footnote: the pieces that used a label another
    // piece defines are parsed again knowing it.
    let defined: HashSet<Label> = parts
        .iter()
        .flat_map(|p| p.references.iter().map(|(label, _)| label.clone()))
        .collect();
    let mut footnotes: Vec<String> = parts.iter().flat_map(|p| p.footnotes.clone()).collect();
    footnotes.sort_unstable();
    footnotes.dedup();
    let parts: Vec<Part> = parts
        .into_par_iter()
        .zip(pieces)
        .map(|(part, piece)| {
            let other_footnotes =
                part.uses_footnotes && footnotes.iter().any(|f| !part.footnotes.contains(f));
            if other_footnotes || part.broken.iter().any(|label| defined.contains(label)) {
                let footnotes = if part.uses_footnotes {
                    &footnotes[..]
                } else {
                    &[]
                };
                parse_chunk(source, &lines, &piece, Some(&defined), footnotes)
            } else {
                part
            }
        })
        .collect();
    // Chunks are consecutive, so their sorted links stay sorted one after another; each
    // link's `meant` range moves by the URLs of the chunks before it.
    let duplicates = later_definitions(&parts);
    let (mut links, mut meant, mut tables, mut html) = (vec![], vec![], vec![], vec![]);
    let (mut headings, mut marks) = (vec![], vec![]);
    let mut meant_before = 0;
    for part in parts {
        links.push((meant_before, part.links));
        meant_before += part.meant.len();
        meant.push(part.meant);
        tables.push((part.continued_rows, part.tables));
        html.push(part.html);
        headings.extend(part.headings);
        marks.extend(part.anchor_marks);
    }
    let shift = |(base, links): (usize, Vec<Link>)| {
        links.into_iter().map(move |mut link| {
            let meant = link.meant();
            link.set_meant(meant.start + base..meant.end + base);
            link
        })
    };
    // The two large copies run side by side.
    let ((mut links, mut meant), (tables, html)) = rayon::join(
        || rayon::join(|| concat(links.into_iter().map(shift)), || concat(meant)),
        || (join_tables(tables), concat(html)),
    );
    if !duplicates.is_empty() {
        (links, meant) = without_links(links, &meant, |l| {
            l.kind == LinkKind::Reference && duplicates.contains(&l.span().start)
        });
    }
    let tables = with_html_tables(tables, super::html::tables(source, &lines, &html));
    let (html_headings, explicit_anchors) = super::html::headings_and_anchors(source, marks);
    if !html_headings.is_empty() {
        headings.extend(html_headings);
        headings.sort_by_key(|h| h.span.start);
    }
    Document {
        source,
        lines,
        tables,
        links,
        html,
        meant,
        headings,
        explicit_anchors,
    }
}

/// GFM and HTML tables in source order. A table inside another (a GFM table in a cell of an
/// HTML table) stays part of the outer one's cell.
fn with_html_tables(gfm: Vec<Table>, html: Vec<Table>) -> Vec<Table> {
    if html.is_empty() {
        return gfm;
    }
    let mut all: Vec<Table> = gfm.into_iter().chain(html).collect();
    all.sort_by_key(|t| (t.span.start, std::cmp::Reverse(t.span.end)));
    let mut out: Vec<Table> = Vec::with_capacity(all.len());
    for table in all {
        if out
            .last()
            .is_some_and(|outer| table.span.start < outer.span.end)
        {
            continue;
        }
        out.push(table);
    }
    out
}

/// Where reference definitions start whose label an earlier piece already defined: the first
/// definition of a label is the one a document has (CommonMark), and a piece parsed alone
/// cannot know of the earlier ones.
fn later_definitions(parts: &[Part]) -> std::collections::HashSet<usize> {
    let mut seen = std::collections::HashSet::new();
    let mut later = std::collections::HashSet::new();
    for part in parts {
        let fresh: Vec<&(Label, usize)> = part
            .references
            .iter()
            .filter(|(label, _)| !seen.contains(label))
            .collect();
        later.extend(
            (part.references.iter())
                .filter(|(label, _)| seen.contains(label))
                .map(|(_, start)| *start),
        );
        seen.extend(fresh.into_iter().map(|(label, _)| label.clone()));
    }
    later
}

/// The links without those `drop` picks, and their meant URLs with them.
fn without_links(
    links: Vec<Link>,
    meant: &[super::MeantUrl],
    drop: impl Fn(&Link) -> bool,
) -> (Vec<Link>, Vec<super::MeantUrl>) {
    let mut kept = Vec::with_capacity(links.len());
    let mut kept_meant = Vec::with_capacity(meant.len());
    for mut link in links.into_iter().filter(|l| !drop(l)) {
        let start = kept_meant.len();
        kept_meant.extend_from_slice(&meant[link.meant()]);
        link.set_meant(start..kept_meant.len());
        kept.push(link);
    }
    (kept, kept_meant)
}

/// The tables of the pieces one after another. The rows a piece begins with when it starts
/// inside a table (cut between its rows) join the last table of the pieces before it.
fn join_tables(pieces: Vec<(Option<RowSpans>, Vec<Table>)>) -> Vec<Table> {
    let mut all: Vec<Table> = Vec::with_capacity(pieces.iter().map(|p| p.1.len()).sum());
    for (continued, tables) in pieces {
        if let (Some(rows), Some(table)) = (continued, all.last_mut())
            && let super::Body::Lines(body) = &mut table.body
        {
            if let Some(&(_, end)) = rows.last() {
                table.span.end = end as usize;
            }
            body.extend(rows);
        }
        all.extend(tables);
    }
    all
}

/// The pieces one after another, in a vector of the exact size: pieces and whole are alive
/// together while the elements move.
fn concat<T, I: IntoIterator<Item = T>>(pieces: impl IntoIterator<Item = I>) -> Vec<T>
where
    I::IntoIter: ExactSizeIterator,
{
    let pieces: Vec<I::IntoIter> = pieces.into_iter().map(IntoIterator::into_iter).collect();
    let mut whole = Vec::with_capacity(pieces.iter().map(ExactSizeIterator::len).sum());
    pieces.into_iter().for_each(|piece| whole.extend(piece));
    whole
}

/// What one chunk holds, in absolute byte offsets.
struct Part {
    tables: Vec<Table>,
    /// The rows of a table an earlier piece began, when this piece starts inside it.
    continued_rows: Option<RowSpans>,
    /// Sorted by position, with their `meant` ranges into `meant`.
    links: Vec<Link>,
    meant: Vec<super::MeantUrl>,
    html: Vec<Span>,
    headings: Vec<Heading>,
    /// Explicit anchors and HTML heading tags, in source order.
    anchor_marks: Vec<AnchorMark>,
    /// The label of each reference definition, and where its destination starts.
    references: Vec<(Label, usize)>,
    /// The labels of references this piece uses without defining them.
    broken: Vec<Label>,
    /// The labels of the footnotes it defines.
    footnotes: Vec<String>,
    /// It holds `[^`: it may use a footnote.
    uses_footnotes: bool,
}

/// A reference's label as pulldown-cmark compares labels: its runs of ASCII whitespace are
/// already one space (in the label pulldown-cmark gives), and case is folded as Unicode folds
/// it (`ß` is `SS`). A no-break space is not whitespace here.
type Label = unicase::UniCase<String>;

fn label(text: &str) -> Label {
    unicase::UniCase::new(text.to_owned())
}

/// Parses one piece. Front matter is not Markdown and is never handed to pulldown-cmark (the
/// pieces start after it, see [`super::chunks::preamble_end`]): pulldown-cmark would take any
/// `---` line followed by text, anywhere, for the start of a metadata block.
///
/// `defined`: labels the rest of the document defines, read as links where this piece uses
/// them without defining them; `footnotes`: the labels of the document's footnotes.
fn parse_chunk(
    source: &str,
    lines: &LineIndex,
    piece: &Piece,
    defined: Option<&HashSet<Label>>,
    footnotes: &[String],
) -> Part {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    // What the piece is parsed after, and whose events are dropped: the document's footnotes
    // (a footnote reference is one only where pulldown-cmark knows the footnote), closed by an
    // HTML comment; then, for a piece that starts inside a table, the table's header and
    // delimiter lines, so that pulldown-cmark reads the piece's lines as rows of that table.
    let mut head = String::new();
    for label in footnotes {
        head.push_str("[^");
        head.push_str(label);
        head.push_str("]: x\n");
    }
    if !head.is_empty() {
        head.push_str("<!---->\n");
    }
    if let Some(table_head) = piece.table_head.clone() {
        head.push_str(&source[table_head]);
    }
    let text: std::borrow::Cow<str> = if head.is_empty() {
        source[piece.span.clone()].into()
    } else {
        format!("{head}{}", &source[piece.span.clone()]).into()
    };
    let to_source = |offset: usize| offset - head.len() + piece.span.start;
    let mut own_footnotes = Vec::new();
    let mut builder = Builder {
        source,
        lines,
        tables: Vec::new(),
        links: Vec::new(),
        html: Vec::new(),
        table: None,
        continued_rows: None,
        text_run: None,
        link_depth: 0,
        opaque_depth: 0,
        headings: Vec::new(),
        heading: None,
    };
    let broken = std::cell::RefCell::new(Vec::new());
    let resolve = |link: BrokenLink<'_>| {
        let key = label(&link.reference);
        let known = defined.is_some_and(|d| d.contains(&key));
        broken.borrow_mut().push(key);
        known.then_some((CowStr::Borrowed(""), CowStr::Borrowed("")))
    };
    let mut events =
        Parser::new_with_broken_link_callback(&text, options, Some(resolve)).into_offset_iter();
    for (event, range) in &mut events {
        if range.end <= head.len() {
            continue;
        }
        if let Event::Start(Tag::FootnoteDefinition(label)) = &event {
            own_footnotes.push(label.to_string());
        }
        builder.event(
            event,
            to_source(range.start.max(head.len()))..to_source(range.end),
        );
    }
    builder.flush_text();
    let mut anchor_marks = Vec::new();
    super::html::links(source, &builder.html, &mut builder.links, &mut anchor_marks);
    let mut references = Vec::new();
    for (text, def) in events.reference_definitions().iter() {
        let span = to_source(def.span.start)..to_source(def.span.end);
        if let Some(span) = reference_destination(source, span) {
            references.push((label(text), span.start));
            builder.links.push(Link::new(LinkKind::Reference, span));
        }
    }
    let mut links = builder.links;
    links.sort_by_key(|l| (l.span().start, l.span().end));
    let mut meant = Vec::new();
    super::meant::fill(source, &mut links, &mut meant);
    Part {
        tables: builder.tables,
        continued_rows: builder.continued_rows,
        links,
        meant,
        html: builder.html,
        headings: builder.headings,
        anchor_marks,
        references,
        broken: broken.take(),
        footnotes: own_footnotes,
        uses_footnotes: memchr::memmem::find(source[piece.span.clone()].as_bytes(), b"[^")
            .is_some(),
    }
}

/// Where the text of each body row of a table is.
type RowSpans = Vec<(u32, u32)>;

struct Builder<'s, 'l> {
    source: &'s str,
    lines: &'l LineIndex,
    tables: Vec<Table>,
    links: Vec<Link>,
    html: Vec<Span>,
    /// The table being read: its header, and where the text of each body row is.
    table: Option<(Option<Row>, RowSpans)>,
    /// The rows of a table without a header of its own: one an earlier piece began.
    continued_rows: Option<RowSpans>,
    text_run: Option<Span>,
    link_depth: usize,
    /// Inside a code block: nothing there is linted.
    opaque_depth: usize,
    headings: Vec<Heading>,
    /// The heading being read: its level, text so far, and how deep in images (whose
    /// descriptions are no text of the heading) the reader is.
    heading: Option<(u8, String, usize)>,
}

impl Builder<'_, '_> {
    fn event(&mut self, event: Event<'_>, range: Span) {
        match event {
            Event::Text(text) => {
                if self.heading.is_some() {
                    self.heading_text(&text);
                }
                if self.link_depth == 0 && self.opaque_depth == 0 {
                    match &mut self.text_run {
                        Some(run) if run.end == range.start => run.end = range.end,
                        _ => {
                            self.flush_text();
                            self.text_run = Some(range);
                        }
                    }
                }
                return;
            }
            _ => self.flush_text(),
        }
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.opaque_depth += 1,
            Event::End(TagEnd::CodeBlock) => self.opaque_depth -= 1,
            Event::End(TagEnd::Paragraph) => self.table_in_paragraph(range),
            Event::Start(Tag::Table(_)) => self.table = Some((None, Vec::new())),
            Event::Start(Tag::TableHead) => {
                let row = self.row(range);
                if let Some((header, _)) = &mut self.table {
                    *header = Some(row);
                }
            }
            Event::Start(Tag::TableRow) => {
                let span = self.row_span(range);
                if let Some((_, rows)) = &mut self.table {
                    rows.push((span.start as u32, span.end as u32));
                }
            }
            Event::End(TagEnd::Table) => match self.table.take() {
                Some((Some(header), rows)) => {
                    self.tables.push(Table::gfm(header, rows));
                }
                Some((None, rows)) => self.continued_rows = Some(rows),
                None => {}
            },
            Event::Start(Tag::Link { link_type, .. }) => {
                self.link_depth += 1;
                self.link(link_type, range, false);
            }
            Event::Start(Tag::Image { link_type, .. }) => {
                self.link_depth += 1;
                if let Some((_, _, images)) = &mut self.heading {
                    *images += 1;
                }
                self.link(link_type, range, true);
            }
            Event::End(TagEnd::Link) => self.link_depth -= 1,
            Event::End(TagEnd::Image) => {
                self.link_depth -= 1;
                if let Some((_, _, images)) = &mut self.heading {
                    *images = images.saturating_sub(1);
                }
            }
            Event::Code(code) if self.heading.is_some() => self.heading_text(&code),
            Event::SoftBreak | Event::HardBreak if self.heading.is_some() => {
                self.heading_text("\n");
            }
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some((level as u8, String::new(), 0));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, _)) = self.heading.take() {
                    let end = range.start + self.source[range.clone()].trim_end().len();
                    self.headings.push(Heading {
                        span: range.start..end,
                        text,
                        level,
                        html: false,
                    });
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => match self.html.last_mut() {
                Some(last) if last.end == range.start => last.end = range.end,
                _ => self.html.push(range),
            },
            _ => {}
        }
    }

    /// Text of the heading being read, unless it is an image's description.
    fn heading_text(&mut self, more: &str) {
        if let Some((_, text, 0)) = &mut self.heading {
            text.push_str(more);
        }
    }

    /// A table that interrupts a paragraph: GFM lets a header row and a delimiter row start a
    /// table after paragraph lines, where pulldown-cmark needs the header to begin with `|`.
    /// The table's lines were read as paragraph text (their links are found); here they also
    /// become a table, parsed from the header line on.
    fn table_in_paragraph(&mut self, paragraph: Span) {
        let text = &self.source[paragraph.clone()];
        if memchr::memchr(b'|', text.as_bytes()).is_none() || !text.contains('-') {
            return;
        }
        let mut header_start = None;
        let mut line_start = paragraph.start;
        for (index, line) in text.split_inclusive('\n').enumerate() {
            if index > 0 && is_delimiter_row(line) {
                break;
            }
            header_start = Some(line_start);
            line_start += line.len();
        }
        let Some(header_start) =
            header_start.filter(|&h| line_start < paragraph.end && h > paragraph.start)
        else {
            return;
        };
        let options = Options::ENABLE_TABLES;
        let events = Parser::new_ext(&self.source[header_start..paragraph.end], options);
        for (event, range) in events.into_offset_iter() {
            let range = range.start + header_start..range.end + header_start;
            match event {
                Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow)
                | Event::End(TagEnd::Table) => self.event(event, range),
                _ => {}
            }
        }
    }

    fn flush_text(&mut self) {
        if let Some(run) = self.text_run.take() {
            let mut spans = Vec::new();
            find_bare_urls(self.source, run, &mut spans);
            let bare = spans
                .into_iter()
                .map(|span| Link::new(LinkKind::Bare, span));
            self.links.extend(bare);
        }
    }

    fn link(&mut self, link_type: LinkType, range: Span, image: bool) {
        let span = match link_type {
            LinkType::Inline => inline_destination(self.source, range.clone(), image),
            LinkType::Autolink => Some(range.start + 1..range.end.saturating_sub(1)),
            // Reference links point at a definition, which is recorded where it stands.
            _ => None,
        };
        if let Some(span) = span.filter(|s| !s.is_empty()) {
            let kind = if image {
                LinkKind::Image
            } else if link_type == LinkType::Autolink {
                LinkKind::Autolink
            } else {
                LinkKind::Inline
            };
            self.links.push(Link::new(kind, span));
        }
    }

    fn row(&self, range: Span) -> Row {
        Row::read(self.source, self.lines, self.row_span(range))
    }

    /// A row's text: its event's range without the line ending.
    fn row_span(&self, range: Span) -> Span {
        let bytes = self.source.as_bytes();
        let mut end = range.end;
        while end > range.start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        range.start..end
    }
}

/// A GFM delimiter row: `|---|:---:|`, `--- | ---` (cells of `-` with optional `:` ends).
fn is_delimiter_row(line: &str) -> bool {
    let line = line.trim();
    let inner = line.strip_prefix('|').unwrap_or(line);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = 0;
    for cell in inner.split('|') {
        let cell = cell.trim();
        let dashes = cell.trim_start_matches(':').trim_end_matches(':');
        if dashes.is_empty() || !dashes.bytes().all(|b| b == b'-') {
            return false;
        }
        cells += 1;
    }
    cells > 1 || line.starts_with('|') || line.ends_with('|')
}

/// The destination of `[text](dest "title")` or `![alt](dest)` inside the link's range.
fn inline_destination(source: &str, range: Span, image: bool) -> Option<Span> {
    let bytes = source.as_bytes();
    let mut i = range.start + if image { 2 } else { 1 };
    let mut depth = 0usize;
    while i < range.end {
        match bytes[i] {
            b'\\' => i += 1,
            b'`' => {
                // A code span in the link text may hold brackets.
                let ticks = bytes[i..range.end]
                    .iter()
                    .take_while(|&&b| b == b'`')
                    .count();
                let fence = &source[i..i + ticks];
                match source[i + ticks..range.end].find(fence) {
                    Some(close) => i += ticks + close + ticks - 1,
                    None => i += ticks - 1,
                }
            }
            b'[' => depth += 1,
            b']' if depth == 0 => break,
            b']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    if bytes.get(i + 1) != Some(&b'(') {
        return None;
    }
    let mut start = i + 2;
    while start < range.end && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    if bytes.get(start) == Some(&b'<') {
        let end = source[start..range.end].find('>')? + start;
        return Some(start + 1..end);
    }
    Some(start..destination_end(bytes, start, range.end))
}

/// A destination without `<…>` ends at whitespace or at the `)` that closes the link.
fn destination_end(bytes: &[u8], start: usize, limit: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < limit {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' if depth == 0 => return i,
            b')' => depth -= 1,
            b if b.is_ascii_whitespace() => return i,
            _ => {}
        }
        i += 1;
    }
    limit.min(bytes.len())
}

/// The destination of a reference definition `[label]: dest "title"`.
fn reference_destination(source: &str, span: Span) -> Option<Span> {
    let bytes = source.as_bytes();
    let colon = source[span.clone()].find("]:")? + span.start + 2;
    let mut start = colon;
    while start < span.end && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    if bytes.get(start) == Some(&b'<') {
        let end = source[start..span.end].find('>')? + start;
        return Some(start + 1..end);
    }
    let mut end = start;
    while end < span.end && !bytes[end].is_ascii_whitespace() {
        end += 1;
    }
    (end > start).then_some(start..end)
}
