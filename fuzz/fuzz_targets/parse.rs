//! The document parser: any text parses, and the result does not depend on where the
//! document is cut into pieces for parallel parsing.

#![no_main]

use libfuzzer_sys::fuzz_target;
use survey_lint::document::Document;

fuzz_target!(|bytes: &[u8]| {
    let Ok(source) = std::str::from_utf8(bytes) else {
        return;
    };
    let whole = Document::parse(source);
    for link in &whole.links {
        let span = link.span();
        assert!(span.start <= span.end && span.end <= source.len());
        assert!(source.is_char_boundary(span.start) && source.is_char_boundary(span.end));
        for url in whole.meant_urls(link) {
            assert!(span.start <= url.span().start && url.span().end <= span.end);
        }
    }
    for table in &whole.tables {
        for row in std::iter::once(table.header.clone()).chain(table.rows(&whole)) {
            for cell in &row.cells {
                assert!(source.get(cell.raw()).is_some() && source.get(cell.span()).is_some());
            }
        }
    }
    let pieces = Document::parse_in_chunks(source, 16);
    assert_eq!(format!("{:?}", whole.tables), format!("{:?}", pieces.tables));
    assert_eq!(format!("{:?}", whole.links), format!("{:?}", pieces.links));
    assert_eq!(whole.meant, pieces.meant);
    assert_eq!(whole.headings, pieces.headings);
    assert_eq!(whole.html, pieces.html);
    assert_eq!(whole.explicit_anchors, pieces.explicit_anchors);
});
