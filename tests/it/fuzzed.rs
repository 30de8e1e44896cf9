//! Inputs the fuzz targets (`fuzz/`) found, each kept as a test of what must hold for it, so
//! that `cargo test` keeps them fixed without a nightly toolchain.

use std::sync::Arc;
use survey_lint::document::{Document, LinkKind};
use survey_lint::engine::Linter;
use survey_lint::rules::RuleSet;

/// What the `parse` target checks: the same document whole and in pieces (of at least 16
/// bytes there; here also the smallest pieces, and larger ones).
fn parses_the_same_in_pieces(source: &str) -> Document<'_> {
    let whole = Document::parse(source);
    for size in [1, 16, 64] {
        let pieces = Document::parse_in_chunks(source, size);
        let differ = same_tables_links_and_urls(&whole, &pieces, size);
        assert_eq!(whole.headings, pieces.headings, "{differ}");
        assert_eq!(whole.html, pieces.html, "{differ}");
        assert_eq!(whole.explicit_anchors, pieces.explicit_anchors, "{differ}");
    }
    whole
}

#[test]
fn a_rule_then_text_then_a_rule_is_not_front_matter() {
    // parse: `---` after the first line opened a metadata block that hid everything up to the
    // next `---`, when the file was parsed whole; in pieces it did not. GitHub shows a rule.
    let doc = parses_the_same_in_pieces("# e\n---\n调研\n\nhttp://g\n---");
    assert_eq!(doc.links.len(), 1);
    let survey = "# Survey\n---\n| a | b |\n|---|---|\n| x | https://a.example/xhttps://b.example/y |\n---\n";
    let doc = parses_the_same_in_pieces(survey);
    assert_eq!(doc.tables.len(), 1, "the table between two rules is read");
    let linter = Linter::new(RuleSet::builtin());
    let report = linter.lint("s.md".into(), Arc::new(survey.to_string()), None);
    let rules: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| d.rule.name.clone())
        .collect();
    assert_eq!(rules, ["glued-url"]);
    // Front matter at the very start is still front matter, and a rule pair after it is not.
    let with_front_matter =
        "---\ntitle: x\n---\n# A\n---\n| a |\n|---|\n| https://c.example |\n---\n";
    let doc = parses_the_same_in_pieces(with_front_matter);
    assert_eq!((doc.tables.len(), doc.links.len()), (1, 1));
    let only_front_matter = "---\nurl: https://d.example\n---\ntext\n";
    assert!(
        parses_the_same_in_pieces(only_front_matter)
            .links
            .is_empty()
    );
}

#[test]
fn a_label_defined_again_in_a_later_piece_is_not_a_second_link() {
    // parse: the second `[ref]:` is ignored in a whole parse (the first definition of a label
    // wins), but a piece parsed alone took it for a definition of its own.
    let doc = parses_the_same_in_pieces("[|\n\n[ref]: tp\n\n\n[ref]:\"");
    assert_eq!(doc.links.len(), 1);
    let doc = parses_the_same_in_pieces(
        "[Ref]: https://a.example\n\ntext\n\n[REF]: https://b.example\n\n[other]: https://c.example\n",
    );
    let targets: Vec<&str> = doc.links.iter().map(|l| doc.text(&l.span())).collect();
    assert_eq!(targets, ["https://a.example", "https://c.example"]);
}

#[test]
fn a_fence_followed_by_a_vertical_tab_does_not_close() {
    // parse: "```\x0b" closes no code block (a closing fence is followed by spaces only), so the
    // table after it is code; the piece splitter took it for a closing fence and read a table.
    let doc = parses_the_same_in_pieces(" \n```\n```\x0b\na  \n\n|t\n|-");
    assert!(doc.tables.is_empty());
    let doc = parses_the_same_in_pieces("```\n```  \n\n| t |\n|---|\n| x |\n");
    assert_eq!(
        doc.tables.len(),
        1,
        "spaces after the closing fence close it"
    );
    // A line of ideographic spaces is text, not a blank line that ends a piece.
    let doc = parses_the_same_in_pieces("```\ncode\n\u{3000}\n| t |\n|---|\n```\n| u |\n|---|\n");
    assert_eq!(doc.tables.len(), 1);
}

#[test]
fn a_declaration_runs_to_its_closing_bracket_across_blank_lines() {
    // parse: `<!s--"` opens an HTML block (a declaration: `<!` and a letter) that only a `>`
    // ends, blank lines or not, so the `<table>` below is inside it; the piece splitter did not
    // know this kind of block and read a table.
    let doc = parses_the_same_in_pieces("- x\n[\n\n<!s--\"\n\n<table><td >a");
    assert!(doc.tables.is_empty());
    let doc = parses_the_same_in_pieces("<!DOCTYPE html>\n\n<table><tr><td>a</td></tr></table>\n");
    assert_eq!(
        doc.tables.len(),
        1,
        "a declaration closed on its line ends there"
    );
    // A raw block whose tenth byte falls inside a character is still known as one.
    let doc = parses_the_same_in_pieces("<pre>中文\n\n| t |\n|---|\n</pre>\n\n| u |\n|---|\n");
    assert_eq!(doc.tables.len(), 1);
}

#[test]
fn a_reference_defined_in_a_later_piece_is_a_link_there_too() {
    // parse: `[ref]` is a link when the document defines `ref`, even further on, so the bare
    // URL before it ends at the bracket; a piece parsed alone did not know the definition and
    // ran the URL on through `[ref]`.
    let doc = parses_the_same_in_pieces("https://f[ref]\n\n[ref]:e");
    let bare: Vec<&str> = doc
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Bare)
        .map(|l| doc.text(&l.span()))
        .collect();
    assert_eq!(bare, ["https://f"]);
    // Labels are matched without regard to case or spacing.
    parses_the_same_in_pieces(
        "See https://a.example/x[The  Ref] and [other].\n\n[the ref]: https://b.example\n",
    );
}

#[test]
fn a_fence_inside_an_html_block_is_text() {
    // parse: "```" right under `<table>` is part of that HTML block (it runs to the blank line),
    // so the next "```" opens a code block that hides the `<td>` below; the piece splitter took
    // the first for an opening fence and the second for its close.
    let doc = parses_the_same_in_pieces("<table>\n```\n\n```\n\n<td>");
    assert!(doc.tables.is_empty());
    // A fence after the HTML block's blank line is a fence.
    let doc =
        parses_the_same_in_pieces("<div>\nx\n\n```\ncode\n\n| t |\n|---|\n```\n\n| u |\n|---|\n");
    assert_eq!(doc.tables.len(), 1);
}

#[test]
fn labels_that_differ_in_a_no_break_space_are_two_labels() {
    // parse: two reference definitions whose labels differ in a trailing U+00A0 are two
    // definitions for pulldown-cmark, which folds only ASCII whitespace; survey-lint folded
    // labels with Unicode whitespace and took the second for the first defined again, and
    // dropped it when the two were in different pieces. Case is folded as pulldown-cmark does.
    let doc = parses_the_same_in_pieces(
        "[ref 100*1Z天 |\n| | |\n``\n`\n| not | table |\n`\u{a0}]: https://f.example/``\n\n\
         [ref 100*1Z天 |\n| | |\n``\n`\n| not | table |\n`]: https://f.example/`与`\n",
    );
    assert_eq!(doc.links.len(), 2);
    let doc =
        parses_the_same_in_pieces("[a\u{a0}b]: https://a.example\n\n[a b]: https://b.example\n");
    assert_eq!(doc.links.len(), 2);
    let doc =
        parses_the_same_in_pieces("[Straße]: https://a.example\n\n[STRASSE]: https://b.example\n");
    assert_eq!(doc.links.len(), 1, "one label: ß folds to ss");
    let doc = parses_the_same_in_pieces(
        "x [STRASSE] https://c.example/x[STRASSE]\n\n[Straße]: https://a.example\n",
    );
    assert!(
        doc.links
            .iter()
            .any(|l| doc.text(&l.span()) == "https://c.example/x")
    );
}

#[test]
fn a_table_in_a_list_item_after_a_lazy_line_reads_the_same_in_pieces() {
    // parse: a list item whose lazy continuation line starts a table, and a list item after the
    // blank line: the table's rows differ between the document parsed whole and in pieces.
    // The item after the blank line belongs to the same list and makes it loose, so the first
    // item's text is a paragraph, in which survey-lint finds the table; the piece splitter
    // ended a piece before that item, and the list parsed alone was tight, with no paragraph.
    let doc = parses_the_same_in_pieces("\n- ht\nt -|\n--|\n\n-");
    assert_eq!(doc.tables.len(), 1);
    // Any item of the same list after a blank line, bullet or ordered, however far.
    let doc = parses_the_same_in_pieces("- a\nb | c\n--|--\n\n\n\n- d\n");
    assert_eq!(doc.tables.len(), 1);
    let doc = parses_the_same_in_pieces("1. a\nb | c\n--|--\n\n7. x\n");
    assert_eq!(doc.tables.len(), 1);
    // An item of another list (`*`, `)`), or a paragraph, after the blank line ends the list.
    for after in ["* d\n", "7) d\n", "e\n"] {
        let text = format!("- a\nb | c\n--|--\n\n{after}");
        assert!(parses_the_same_in_pieces(&text).tables.is_empty());
    }
}

#[test]
fn a_fence_in_a_list_item_ends_with_the_item() {
    // A fence opened inside a list item is closed by the first line that does not belong to
    // the item, not by a later fence: here `~~~` opens a code block that hides the table.
    let doc = parses_the_same_in_pieces(
        "- a\n  ```\nfoo\n\n~~~\n\n```\n\n| t |\n|---|\n| x |\n\n~~~\n\n| u |\n|---|\n",
    );
    assert_eq!(doc.tables.len(), 1);
    // An HTML block too.
    let doc = parses_the_same_in_pieces(
        "- a\n  <!--\nfoo\n\n<pre>\n\n-->\n\n| t |\n|---|\n\n</pre>\n\n| u |\n|---|\n",
    );
    assert_eq!(doc.tables.len(), 1);
}

#[test]
fn html_blocks_end_where_pulldown_cmark_ends_them() {
    // The end of a `<pre>` block is matched exactly (`</PRE>` does not end it), and the
    // opening line counts: `<!-->` and `<?>` end on their own line.
    let doc =
        parses_the_same_in_pieces("<pre>\n\n</PRE>\n\n| t |\n|---|\n\n</pre>\n\n| u |\n|---|\n");
    assert_eq!(doc.tables.len(), 1);
    for opener in ["<!-->", "<?>"] {
        let text = format!("{opener}\n\n```\n\n| t |\n|---|\n\n```\n\n| u |\n|---|\n");
        let doc = parses_the_same_in_pieces(&text);
        assert_eq!(doc.tables.len(), 1, "{opener}");
    }
    // `<prefix>` is no `<pre>`: a kind-7 block, which a blank line ends.
    let doc = parses_the_same_in_pieces(
        "<prefix>\n\n```\n\n</pre>\n\n| t |\n|---|\n\n```\n\n| u |\n|---|\n",
    );
    assert_eq!(doc.tables.len(), 1);
}

#[test]
fn a_lone_carriage_return_ends_a_line_for_the_splitter_too() {
    // `a\r```` is two lines: the fence opens after the paragraph and hides the table.
    let doc = parses_the_same_in_pieces("a\r```\n\n| t |\n|---|\n\n```\n\n| u |\n|---|\n");
    assert_eq!(doc.tables.len(), 1);
}

#[test]
fn a_table_of_many_short_rows_reads_on_as_github_reads_it() {
    // pulldown-cmark stops filling short rows after 2^18 added cells and reads the rest of the
    // document inside the table; a piece after the table knew nothing of this. GitHub adds up
    // to 0x80000: the table is cut into pieces that each add fewer, and all 140,000 rows
    // (280,000 added cells) are the table's, as on GitHub.
    let rows = "| x |\n".repeat(140_000);
    let text = format!("| a | b | c |\n|---|---|---|\n{rows}\n# After\n\n| t |\n|---|\n| y |\n");
    let doc = parses_the_same_in_pieces(&text);
    let rows: Vec<usize> = doc.tables.iter().map(|t| t.row_count()).collect();
    assert_eq!(rows, [140_000, 1]);
}

#[test]
fn html_that_a_list_item_ends_runs_on_into_the_html_after_it() {
    // An HTML block in a list item that only the item's end closes holds the blank line after
    // it, so survey-lint reads it and the HTML that starts the next line as one run of HTML,
    // as a browser does: the `<?` there hides the `<table>` and the `<a>` up to their `>`. The
    // piece splitter cut between the two.
    let doc = parses_the_same_in_pieces("- [ ]\n  <?\n\n<table><tr><td>c</td></tr></table>\n");
    assert!(doc.tables.is_empty());
    let doc = parses_the_same_in_pieces("- a\n  <?\n\n<a href=\"https://h.example\">x</a>\n");
    assert!(doc.links.is_empty());
    assert_eq!(doc.html.len(), 2, "the block and the <a> run on; then </a>");
}

#[test]
fn a_footnote_defined_in_another_piece_is_a_footnote_there_too() {
    // `[^1]` is a footnote reference only where the document defines the footnote; a piece
    // parsed alone did not know the footnotes of the others, read it as text and ran the bare
    // URL before it on through it.
    let doc = parses_the_same_in_pieces("see https://a.example/x[^1] and more\n\n[^1]: A note.\n");
    let bare: Vec<&str> = doc.links.iter().map(|l| doc.text(&l.span())).collect();
    assert_eq!(bare, ["https://a.example/x"]);
    // Defined before, in an indented piece, in a table cut between its rows.
    let doc = parses_the_same_in_pieces("[^Note]: x\n\n    code\n\n# Title[^note]\n");
    assert_eq!(doc.headings[0].text, "Title");
    let rows = "| m | https://b.example/y[^n] |\n".repeat(3);
    let text = format!("| a | b |\n|---|---|\n{rows}\n[^n]: x\n");
    let doc = parses_the_same_in_pieces(&text);
    assert!(
        doc.links
            .iter()
            .all(|l| doc.text(&l.span()) == "https://b.example/y")
    );
}

#[test]
fn a_kind_7_html_block_runs_to_a_blank_line() {
    // CommonMark's seventh kind of HTML block: a line that is only one complete open or closing
    // tag of no other kind (`<span>`, `</a>`). Like kind 6 it ends at a blank line, and a fence
    // inside it is text; the piece splitter did not know this kind, took the fence for one and
    // the next for its close, and cut before a table that a code block hides.
    for tag in [
        "<span>",
        "</span>",
        "<a href=\"https://a.example\" title='x'>",
        "<custom-tag data-x=1 />",
    ] {
        let text = format!("{tag}\n```\n\n| t |\n|---|\n\n```\n\n| u |\n|---|\n");
        let doc = parses_the_same_in_pieces(&text);
        assert_eq!(doc.tables.len(), 1, "{tag}");
    }
    // Not a block: text after the tag, a tag broken over lines, a tag of kind 1 to 6.
    for text in [
        "<span>x\n```\n\n| t |\n|---|\n\n```\n\n| u |\n|---|\n",
        "<a\nhref=x>\n```\n\n| t |\n|---|\n\n```\n\n| u |\n|---|\n",
    ] {
        assert_eq!(parses_the_same_in_pieces(text).tables.len(), 1, "{text:?}");
    }
}

#[test]
fn a_kind_7_html_block_cannot_interrupt_a_paragraph() {
    // After paragraph text, a lone `<span>` line is more text, and the fence below it opens a
    // code block: a splitter that took the tag for a block would take the fence for HTML.
    let doc =
        parses_the_same_in_pieces("text\n<span>\n```\n\n| t |\n|---|\n\n```\n\n| u |\n|---|\n");
    assert_eq!(doc.tables.len(), 1);
    // Nor a table (it is a row), nor a list item's paragraph (a lazy line).
    let doc = parses_the_same_in_pieces(
        "| a |\n|---|\n<span>\n```\n\n| t |\n|---|\n\n```\n\n| u |\n|---|\n",
    );
    assert_eq!(doc.tables.len(), 2);
    assert_eq!(doc.tables[0].row_count(), 1);
    let doc =
        parses_the_same_in_pieces("- a\n<span>\n```\n\n| t |\n|---|\n\n```\n\n| u |\n|---|\n");
    assert_eq!(doc.tables.len(), 1);
    // After a fence in the item, the line cannot continue a paragraph: it closes the item and
    // opens a block, which hides the fence below.
    let doc = parses_the_same_in_pieces(
        "- a\n  ```\n<span>\n```\n\n| t |\n|---|\n\n```\n\n| u |\n|---|\n",
    );
    assert_eq!(doc.tables.len(), 1);
    // After a heading, a fence or a blank line it is a block.
    for before in ["# H\n", "```\n```\n", "\n"] {
        let text = format!("{before}<span>\n```\n\n| t |\n|---|\n\n```\n\n| u |\n|---|\n");
        assert_eq!(
            parses_the_same_in_pieces(&text).tables.len(),
            1,
            "{before:?}"
        );
    }
}

/// Asserts that `pieces` (parsed in pieces of `size` bytes) has the tables, links and meant
/// URLs of `whole`; gives the message for further comparisons.
fn same_tables_links_and_urls(whole: &Document<'_>, pieces: &Document<'_>, size: usize) -> String {
    let differ = format!("differs in pieces of {size} bytes");
    assert_eq!(
        format!("{:?}", whole.tables),
        format!("{:?}", pieces.tables),
        "{differ}"
    );
    assert_eq!(
        format!("{:?}", whole.links),
        format!("{:?}", pieces.links),
        "{differ}"
    );
    assert_eq!(whole.meant, pieces.meant, "{differ}");
    differ
}

/// The same document whole and in pieces of these sizes too.
fn parses_the_same_in_pieces_of<'s>(source: &'s str, sizes: &[usize]) -> Document<'s> {
    let whole = parses_the_same_in_pieces(source);
    for &size in sizes {
        let pieces = Document::parse_in_chunks(source, size);
        same_tables_links_and_urls(&whole, &pieces, size);
    }
    whole
}

/// A table of `rows` rows, each holding links of every kind, code with an escaped pipe, and
/// inline HTML.
fn survey_table(rows: usize, line_end: &str) -> String {
    let mut text = format!("| Model | Paper | Code |{line_end}|:---|:-:|--:|{line_end}");
    for i in 0..rows {
        text += &format!(
            "| m{i} `a \\| b` | [paper](https://arxiv.org/abs/{i}) ![img](https://i.example/{i}.png) \
             [ref] [^note] | <https://code.example/{i}> https://bare.example/{i}https://glued.example \
             <a href=\"https://html.example/{i}\">h</a> |{line_end}"
        );
    }
    text
}

#[test]
fn a_long_table_reads_the_same_cut_between_its_rows() {
    // A piece that starts inside a table is parsed after the table's header and delimiter
    // lines; its rows join the table the piece before began, their links resolve as before.
    let table = survey_table(60, "\n");
    let text = format!(
        "# Models\n\n[early]: https://early.example\n\n{table}\n[ref]: https://ref.example\n\n\
         [^note]: A note.\n"
    );
    let doc = parses_the_same_in_pieces_of(&text, &[100, 1000, 4000]);
    assert_eq!(doc.tables.len(), 1);
    let t = &doc.tables[0];
    assert_eq!(t.row_count(), 60);
    assert_eq!(doc.text(&t.span), table.trim_end());
    assert!(
        (doc.links.iter())
            .filter(|l| l.kind == LinkKind::Inline)
            .count()
            >= 60
    );
    // Parsed in the pieces survey-lint uses, a table larger than one piece is one table.
    let big = survey_table(2000, "\n");
    let doc = Document::parse(&big);
    assert_eq!(doc.tables.len(), 1);
    assert_eq!(doc.tables[0].row_count(), 2000);
    assert_eq!(doc.text(&doc.tables[0].span), big.trim_end());
    let whole = Document::parse_in_chunks(&big, usize::MAX);
    assert_eq!(format!("{:?}", whole.tables), format!("{:?}", doc.tables));
    assert_eq!(format!("{:?}", whole.links), format!("{:?}", doc.links));
}

#[test]
fn a_table_ends_at_a_line_that_starts_another_block_whole_and_in_pieces() {
    let rows = "| x | https://a.example |\n".repeat(5);
    for end in [
        "# Heading",
        "```\n| code |\n```",
        "~~~",
        "- item",
        "+ item",
        "2. item",
        "1) item",
        "> quote",
        "---",
        "***",
        "<div>",
        "<!-- comment",
        "[^1]: note",
        "|",
        "    | indented |",
        "\t| tab |",
        "<span>",
        "text | https://b.example",
        "===",
        "\u{b}",
    ] {
        let text = format!("| a | b |\n|---|---|\n{rows}{end}\n| y | https://c.example |\n\nend\n");
        parses_the_same_in_pieces_of(&text, &[30, 100]);
    }
}

#[test]
fn a_table_in_a_container_or_after_one_reads_the_same_in_pieces() {
    let table = survey_table(8, "\n");
    let indented = |prefix: &str| {
        table
            .lines()
            .map(|l| format!("{prefix}{l}\n"))
            .collect::<String>()
    };
    for text in [
        // In a block quote, a list item and a footnote: not cut.
        indented("> "),
        format!("- item\n\n{}", indented("  ")),
        format!("1. item\n{}", indented("   ")),
        format!("[^1]: note\n\n{}", indented("    ")),
        // Lazy lines of a list item's or a quote's paragraph.
        format!("- item\n{table}"),
        format!("> quote\n{table}"),
        // After the container, in column 0.
        format!("- item\n\n{table}"),
        format!("> quote\n\n{table}"),
        // After reference definitions, a heading, a paragraph it interrupts.
        format!("[early]: https://early.example\n{table}"),
        format!("# Heading\n{table}"),
        format!("Some text.\n{table}"),
        format!(
            "Some text\nm | p | c\n--|--|--\n{}",
            &table[table.find("| m0").unwrap()..]
        ),
    ] {
        let doc = parses_the_same_in_pieces_of(&text, &[100, 500]);
        assert!(!doc.links.is_empty(), "{text}");
    }
}

#[test]
fn a_table_with_windows_line_endings_or_after_front_matter_reads_the_same_in_pieces() {
    let crlf = survey_table(20, "\r\n");
    let doc = parses_the_same_in_pieces_of(&crlf, &[100, 1000]);
    assert_eq!((doc.tables.len(), doc.tables[0].row_count()), (1, 20));
    let table = survey_table(20, "\n");
    for front in [
        "---\ntitle: x\n---\n",
        "\u{feff}---\r\nurl: https://f.example\r\n---\r\n",
    ] {
        let text = format!("{front}{table}");
        let doc = parses_the_same_in_pieces_of(&text, &[100, 1000]);
        assert_eq!((doc.tables.len(), doc.tables[0].row_count()), (1, 20));
        assert_eq!(doc.tables[0].header.line, 4);
    }
    // Without a line ending at the end, and rows with fewer and more cells than the header.
    let ragged = "| a | b | c |\n|---|---|---|\n| 1 |\n| 1 | 2 | 3 | 4 |\n||\n| \\| |\n|x|y|z|";
    let doc = parses_the_same_in_pieces_of(ragged, &[20, 40]);
    assert_eq!(doc.tables[0].row_count(), 5);
}
