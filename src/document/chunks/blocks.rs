//! What is open at the top level of the document before each line, as pulldown-cmark's first
//! pass has it: the container (list, block quote, footnote definition) and the leaf block
//! (paragraph, table, code, HTML). Inside a container nothing is followed but whether its
//! last line may have been paragraph text, which a lazy line would continue.
//!
//! Where a line can be read two ways (a lazy continuation line, or the line after a reference
//! definition), [`State::step`] gives both readings; the splitter follows every reading and
//! cuts only where all of them agree that it may.

use super::scan::{self, HtmlEnd};
use crate::document::Span;

/// One line of the source: up to and including its `\n`.
pub struct Line<'s> {
    /// Where it starts in the source.
    pub start: usize,
    /// The line with its ending.
    pub text: &'s [u8],
    /// From its start to the end of the source, for pulldown-cmark's scanners.
    rest: &'s [u8],
    /// The columns (tab stops every 4) and bytes of its leading spaces and tabs.
    indent: usize,
    indent_bytes: usize,
    /// Blank as pulldown-cmark reads it: spaces, tabs, vertical tabs, form feeds.
    pub blank: bool,
}

impl<'s> Line<'s> {
    pub fn new(source: &'s [u8], start: usize, end: usize) -> Line<'s> {
        let text = &source[start..end];
        let (indent, indent_bytes) = scan::indent(text);
        Line {
            start,
            text,
            rest: &source[start..],
            indent,
            indent_bytes,
            blank: scan::is_blank(text),
        }
    }

    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// After the leading spaces and tabs, to the end of the source.
    fn body(&self) -> &'s [u8] {
        &self.rest[self.indent_bytes..]
    }

    /// Only spaces and tabs before the line ending: a list item or footnote takes such a line
    /// as its own whatever its indent (a vertical tab or form feed is not taken).
    fn spaces_only(&self) -> bool {
        scan::at_eol(self.body())
    }
}

/// A reading of the document before one line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    container: Option<Container>,
    /// The top-level leaf block; always `None` while a container is open.
    leaf: Leaf,
    /// The line before held only spaces and tabs, which ends every paragraph (a vertical tab
    /// or form feed on a blank line does not end a paragraph: it is the paragraph's text).
    after_blank: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    /// A list with its marker character (`.` or `)` for ordered lists), and its open item, if
    /// any: an item that began empty is closed by the blank line after it, though its list goes
    /// on.
    List { marker: u8, item: Option<Item> },
    /// `lazy`: a line without `>` may continue the quote's paragraph.
    Quote { lazy: bool },
    /// `[^label]: …`, whose lines are indented four columns.
    Footnote { lazy: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Item {
    /// The column of the item's content: less indented lines are not the item's.
    content: usize,
    /// Its last line was not blank: it may have been paragraph text.
    lazy: bool,
    /// Nothing followed its marker yet.
    empty: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Leaf {
    #[default]
    None,
    /// `maybe_definition`: it started with `[`, so it may be reference definitions, after
    /// which a line starts a paragraph of its own instead of continuing.
    Paragraph {
        maybe_definition: bool,
    },
    Table(Table),
    Fence {
        c: u8,
        len: usize,
    },
    /// An HTML block of kinds 1 to 5, ended by the line holding this text.
    Html(&'static str),
    /// An HTML block of kinds 6 and 7, ended by a blank line.
    HtmlToBlank,
    IndentedCode,
}

/// A top-level table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub columns: usize,
    /// Its header and delimiter lines; the end is 0 until the delimiter line is read.
    pub head: Span,
    /// Whether the header line is indented four columns or more (after a reference
    /// definition): parsed alone it would be code.
    head_indented: bool,
    /// Cells added to rows shorter than the header since the table's start, as GitHub counts
    /// them to end the table (see [`GITHUB_MAX_ADDED_CELLS`]).
    pub added_cells: usize,
    /// Cells pulldown-cmark has added in the piece so far: from the table's start, or from the
    /// last cut between its rows, where the piece parsed alone counts from its header again.
    pub missing_cells: usize,
}

/// A line read as a row of the open top-level table.
pub struct RowOf<'a> {
    pub table: &'a Table,
    /// A piece may start inside the table: its header parses alone as a header.
    pub cuttable: bool,
    /// The cells GitHub and pulldown-cmark add to the row.
    pub adds: usize,
}

/// GitHub (cmark-gfm's table extension) ends a table before a row once more than this many
/// cells have been added to its shorter rows; the row starts a block of its own.
pub const GITHUB_MAX_ADDED_CELLS: usize = 0x80000;

impl Table {
    /// Whether GitHub ends the table before its next row.
    pub fn github_ends(&self) -> bool {
        self.added_cells > GITHUB_MAX_ADDED_CELLS
    }
}

impl State {
    /// Whether a piece may end before `line` in this reading: the line after a blank line, in
    /// column 0, that closes every container and continues no block (CommonMark: lists need
    /// indent, block quotes need `>`, paragraphs and tables end at a blank line), unless it is
    /// an item of the open list or inside a fence or an HTML block that a blank line does not
    /// end.
    pub fn may_end_before(&self, line: &Line) -> bool {
        let leaf_ends = matches!(self.leaf, Leaf::None | Leaf::IndentedCode);
        // An HTML block that a container's end closes holds the blank lines before it, so
        // survey-lint reads it and HTML that starts this line as one run of HTML.
        let html_runs_on = self.container.is_some() && line.text.first() == Some(&b'<');
        let continues = html_runs_on
            || match self.container {
                Some(Container::List { marker, .. }) => {
                    scan::list_marker(line.text).is_some_and(|m| m.marker == marker)
                }
                // Closed by the blank line already.
                Some(Container::Quote { .. }) => true,
                Some(Container::Footnote { .. }) | None => false,
            };
        self.after_blank && line.indent_bytes == 0 && !line.blank && leaf_ends && !continues
    }

    /// The top-level table that `line` is a row of, with its delimiter line read.
    pub fn table_of_row(&self, line: &Line) -> Option<RowOf<'_>> {
        let Leaf::Table(table) = &self.leaf else {
            return None;
        };
        let row = line.body();
        let cells = scan::row_cells(row);
        let is_row = !line.blank && !scan::ends_table(row) && cells > 0;
        (table.head.end != 0 && is_row).then(|| RowOf {
            table,
            cuttable: !table.head_indented,
            adds: table.columns.saturating_sub(cells),
        })
    }

    /// Whether a row of the open top-level table may have to be cut before (see
    /// [`super::MAX_MISSING_CELLS`]), read before `line` is: it may end the table or add more
    /// cells than the piece may.
    pub fn table_nears_a_limit(&self, limit: usize) -> bool {
        match &self.leaf {
            Leaf::Table(t) => t.github_ends() || t.missing_cells + t.columns > limit,
            _ => false,
        }
    }

    /// A piece starts before the next line, inside the open table: pulldown-cmark counts the
    /// cells it adds from the table's header again.
    pub fn cut_table(&mut self) {
        if let Leaf::Table(table) = &mut self.leaf {
            table.missing_cells = 0;
        }
    }

    /// GitHub ends the open table before the next line, which starts a block of its own.
    pub fn end_table(&mut self) {
        self.leaf = Leaf::None;
    }

    /// The readings after `line`, given the line after it.
    pub fn step(&self, line: &Line, next: Option<&Line>, out: &mut Vec<State>) {
        let mut state = self.clone();
        state.after_blank = line.spaces_only();
        match &mut state.leaf {
            Leaf::None => {}
            Leaf::Fence { c, len } => {
                if scan::closes_fence(line.text, *c, *len) {
                    state.leaf = Leaf::None;
                }
                return out.push(state);
            }
            Leaf::Html(end) => {
                if memchr::memmem::find(line.text, end.as_bytes()).is_some() {
                    state.leaf = Leaf::None;
                }
                return out.push(state);
            }
            Leaf::HtmlToBlank => {
                if line.blank {
                    state.leaf = Leaf::None;
                }
                return out.push(state);
            }
            Leaf::IndentedCode => {
                if line.indent >= 4 || line.spaces_only() {
                    return out.push(state);
                }
                state.leaf = Leaf::None;
            }
            Leaf::Table(table) => {
                if table.head.end == 0 {
                    table.head.end = line.end();
                    return out.push(state);
                }
                if line.blank {
                    state.leaf = Leaf::None;
                    return out.push(state);
                }
                let row = line.body();
                let cells = scan::row_cells(row);
                if !scan::ends_table(row) && cells > 0 {
                    let adds = table.columns.saturating_sub(cells);
                    table.added_cells += adds;
                    table.missing_cells += adds;
                    return out.push(state);
                }
                state.leaf = Leaf::None;
            }
            Leaf::Paragraph { maybe_definition } => {
                let maybe_definition = *maybe_definition;
                if line.spaces_only() {
                    state.leaf = Leaf::None;
                    return out.push(state);
                }
                if line.blank {
                    // A vertical tab or form feed is a paragraph's text (`parse_paragraph` skips
                    // spaces and tabs only), but ends reference definitions.
                    if maybe_definition {
                        let mut ended = state.clone();
                        ended.leaf = Leaf::None;
                        out.push(ended);
                    }
                    return out.push(state);
                }
                let body = line.body();
                if line.indent < 4 && scan::setext_underline(body) {
                    // A heading's underline, or, after definitions, a paragraph of its own.
                    state.leaf = Leaf::None;
                    if maybe_definition {
                        state.clone().paragraph(line, body, next, out);
                    }
                    return out.push(state);
                }
                let next_text = next.map(|n| n.text);
                if line.indent >= 4 || !scan::interrupts_paragraph(body, next_text) {
                    if maybe_definition {
                        // After definitions, the line starts a paragraph, read from its text
                        // whatever its indent.
                        let mut own = state.clone();
                        own.leaf = Leaf::None;
                        own.paragraph(line, body, next, out);
                    }
                    return out.push(state);
                }
                state.leaf = Leaf::None;
            }
        }
        if state.container.is_some() {
            return state.in_container(line, next, out);
        }
        state.new_block(line, next, out);
    }

    /// A line while a container is open: the container's, a lazy continuation of its
    /// paragraph, or the start of a top-level block that closes it.
    fn in_container(mut self, line: &Line, next: Option<&Line>, out: &mut Vec<State>) {
        let Some(container) = self.container else {
            return self.new_block(line, next, out);
        };
        let (inside, lazy) = match container {
            Container::List {
                item: Some(item), ..
            } => (line.indent >= item.content || line.spaces_only(), item.lazy),
            Container::List { item: None, .. } => (line.blank, false),
            Container::Quote { lazy } => (scan::continues_quote(line.text), lazy),
            Container::Footnote { lazy } => (line.indent >= 4 || line.spaces_only(), lazy),
        };
        if inside {
            // A line of spaces ends the container's paragraph; one with a vertical tab or form
            // feed continues it if there is one.
            let lazy_after = |rest: &[u8], lazy: bool| {
                if scan::at_eol(&rest[scan::indent(rest).1..]) {
                    false
                } else {
                    lazy || !scan::is_blank(rest)
                }
            };
            self.container = Some(match container {
                Container::List {
                    marker,
                    item: Some(item),
                } => Container::List {
                    marker,
                    // A blank line after an empty item's marker closes the item.
                    item: (!(item.empty && line.blank)).then_some(Item {
                        lazy: lazy_after(line.text, item.lazy),
                        empty: false,
                        ..item
                    }),
                },
                Container::Quote { lazy } => Container::Quote {
                    lazy: lazy_after(&line.text[line.indent_bytes + 1..], lazy),
                },
                Container::Footnote { lazy } => Container::Footnote {
                    lazy: lazy_after(line.text, lazy),
                },
                list => list,
            });
            return out.push(self);
        }
        if line.blank {
            // A blank line the container does not take (a quote's, or one with a vertical tab)
            // closes it; a list waits for its next item. Unless a vertical tab or form feed
            // continues the container's paragraph lazily, as text.
            if lazy && !line.spaces_only() {
                out.push(self.clone());
            }
            self.container = match container {
                Container::List { marker, .. } => Some(Container::List { marker, item: None }),
                _ => None,
            };
            return out.push(self);
        }
        if lazy && (line.indent >= 4 || !scan::interrupts_lazy_line(line.body())) {
            // The container's last line may have been paragraph text, which this line would
            // continue; or it was not, and this line closes the container.
            out.push(self.clone());
        }
        self.container = None;
        self.new_block(line, next, out);
    }

    /// A line that starts a top-level block (pulldown-cmark's `parse_block`).
    fn new_block(mut self, line: &Line, next: Option<&Line>, out: &mut Vec<State>) {
        self.leaf = Leaf::None;
        if line.blank {
            return out.push(self);
        }
        if line.indent >= 4 {
            self.leaf = Leaf::IndentedCode;
            return out.push(self);
        }
        let body = line.body();
        if let Some(len) = scan::footnote_definition(body, false) {
            let lazy = !scan::is_blank(&body[len..]);
            self.container = Some(Container::Footnote { lazy });
            return out.push(self);
        }
        if let Some(m) = scan::list_marker(line.text) {
            let item = Item {
                content: m.content,
                lazy: !m.empty,
                empty: m.empty,
            };
            self.container = Some(Container::List {
                marker: m.marker,
                item: Some(item),
            });
            return out.push(self);
        }
        match body[0] {
            b'>' => {
                let lazy = !scan::is_blank(&body[1..]);
                self.container = Some(Container::Quote { lazy });
                return out.push(self);
            }
            b'<' => match scan::html_block(body, true) {
                Some(HtmlEnd::Text(end)) => {
                    if memchr::memmem::find(line.text, end.as_bytes()).is_none() {
                        self.leaf = Leaf::Html(end);
                    }
                    return out.push(self);
                }
                Some(HtmlEnd::Blank) => {
                    self.leaf = Leaf::HtmlToBlank;
                    return out.push(self);
                }
                None => {}
            },
            _ => {}
        }
        if scan::thematic_break(body) || scan::atx_heading(body) {
            return out.push(self);
        }
        if let Some((c, len)) = scan::code_fence(body) {
            self.leaf = Leaf::Fence { c, len };
            return out.push(self);
        }
        self.paragraph(line, body, next, out);
    }

    /// A paragraph (or reference definitions) starting at `text` on `line`; a table if the
    /// next line is its delimiter row.
    fn paragraph(mut self, line: &Line, text: &[u8], next: Option<&Line>, out: &mut Vec<State>) {
        let maybe_definition = text.first() == Some(&b'[');
        if let Some(columns) = scan::table_start(text, next.map(|n| n.text)) {
            let mut table = self.clone();
            table.leaf = Leaf::Table(Table {
                columns,
                head: line.start..0,
                head_indented: line.indent >= 4,
                added_cells: 0,
                missing_cells: columns.saturating_sub(scan::row_cells(text)),
            });
            out.push(table);
            if !maybe_definition {
                return;
            }
        }
        self.leaf = Leaf::Paragraph { maybe_definition };
        out.push(self);
    }
}
