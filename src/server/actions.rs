//! Code actions: each safe fix of a finding as a quick fix, and "disable RULE for this line"
//! with the inline comments `check` honours.

use super::diagnostics::View;
use crate::document::{Document, Row, Span};
use crate::engine::{Diagnostic, FileReport};
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, WorkspaceEdit};
use std::collections::HashMap;

/// The actions for the findings of `report` that touch `wanted` (a byte range of the text).
pub fn code_actions(
    view: &View<'_>,
    report: &FileReport,
    wanted: &Span,
) -> Vec<CodeActionOrCommand> {
    let touched: Vec<Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.finding.span.start <= wanted.end && wanted.start <= d.finding.span.end)
        .collect();
    if touched.is_empty() {
        return Vec::new();
    }
    let doc = Document::parse(view.text);
    let mut actions = Vec::new();
    for d in touched {
        let diagnostic = view.diagnostic(&d);
        if let Some(fix) = d.finding.fix.as_ref().filter(|f| f.safe) {
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit::new(view.range(&e.span), e.replacement.clone()))
                .collect();
            let title = match &d.finding.help {
                Some(help) => format!("Fix: {help}"),
                None => format!("Fix `{}`", d.rule.name),
            };
            actions.push(action(view, title, diagnostic.clone(), edits, true));
        }
        let (at, text) = disable_line(&doc, d.finding.span.start, &d.rule.name);
        let edit = TextEdit::new(view.range(&(at..at)), text);
        let title = format!("Disable `{}` for this line", d.rule.name);
        actions.push(action(view, title, diagnostic, vec![edit], false));
    }
    actions
}

fn action(
    view: &View<'_>,
    title: String,
    diagnostic: lsp_types::Diagnostic,
    edits: Vec<TextEdit>,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(view.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

/// Where to insert what, so that `rule` is not reported on the line of `offset`: in a table
/// row, a `survey-lint-disable-line` comment in the last cell (a comment line between rows
/// would split the table), or the rule added to the one already there; elsewhere, a
/// `survey-lint-disable-next-line` comment on a line of its own above.
fn disable_line(doc: &Document<'_>, offset: usize, rule: &str) -> (usize, String) {
    const DISABLE_LINE: &str = "<!-- survey-lint-disable-line";
    let text = doc.source;
    if let Some(row) = row_at(doc, offset) {
        let row_text = &text[row.span.clone()];
        if let Some(open) = row_text.find(DISABLE_LINE)
            && let Some(close) = row_text[open..].find("-->")
        {
            return (row.span.start + open + close, format!("{rule} "));
        }
        let end = row.cells.last().map_or(row.span.end, |c| c.span().end);
        let space = if text[..end].ends_with([' ', '|']) {
            ""
        } else {
            " "
        };
        return (end, format!("{space}{DISABLE_LINE} {rule} -->"));
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
    (
        line_start,
        format!("{indent}<!-- survey-lint-disable-next-line {rule} -->\n"),
    )
}

/// The table row (header included) whose text holds `offset`.
fn row_at(doc: &Document<'_>, offset: usize) -> Option<Row> {
    let table = doc.tables.partition_point(|t| t.span.end < offset);
    let table = doc.tables.get(table).filter(|t| offset >= t.span.start)?;
    let header = &table.header;
    if header.span.start <= offset && offset <= header.span.end {
        return Some(header.clone());
    }
    table.row(doc, table.row_at(offset)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert(text: &str, needle: &str, rule: &str) -> String {
        let doc = Document::parse(text);
        let (at, inserted) = disable_line(&doc, text.find(needle).unwrap(), rule);
        format!("{}{inserted}{}", &text[..at], &text[at..])
    }

    #[test]
    fn a_row_gets_the_comment_in_its_last_cell() {
        let table = "| a | b |\n|---|---|\n| x | y |\n";
        assert_eq!(
            insert(table, "x", "glued-url"),
            "| a | b |\n|---|---|\n| x | y <!-- survey-lint-disable-line glued-url --> |\n"
        );
        let once = insert(table, "x", "glued-url");
        assert_eq!(
            insert(&once, "x", "SL101"),
            "| a | b |\n|---|---|\n| x | y <!-- survey-lint-disable-line glued-url SL101 --> |\n"
        );
        let open = "| a | b |\n|---|---|\n| x | y\n";
        assert_eq!(
            insert(open, "x", "r"),
            "| a | b |\n|---|---|\n| x | y <!-- survey-lint-disable-line r -->\n"
        );
    }

    #[test]
    fn other_lines_get_a_comment_line_above() {
        assert_eq!(
            insert(
                "text\n  - see https://a.example/xhttps://b.example/\n",
                "see",
                "glued-url"
            ),
            "text\n  <!-- survey-lint-disable-next-line glued-url -->\n  - see https://a.example/xhttps://b.example/\n"
        );
    }
}
