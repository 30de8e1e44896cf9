//! `survey-lint extract`: the parsed tables as data, one record per row: header → cell text,
//! plus the normalized values the field checks compute (accelerator-hours, parameter counts).

use crate::checks::Check;
use crate::document::Document;
use crate::fields::text::plain_text;
use serde::Serialize;
use serde_json::{Map, Value};

/// One table row as data. A GFM cell is given as written (trimmed); an HTML cell as its text.
#[derive(Debug, Serialize)]
pub struct Record {
    pub path: String,
    /// 0-based index of the table in its file.
    pub table: usize,
    /// 1-based line of the row.
    pub line: usize,
    /// Header → cell text as written (trimmed), in column order.
    pub fields: Map<String, Value>,
    /// Normalized values, by field name.
    pub normalized: Map<String, Value>,
}

/// The records of every table row of a document, with the normalized values of `checks` (in
/// order: a later check's value replaces an earlier one's for the same field).
pub fn records(path: &str, doc: &Document<'_>, checks: &[Box<dyn Check>]) -> Vec<Record> {
    let mut out = Vec::new();
    for (t, table) in doc.tables.iter().enumerate() {
        let headers = header_names(doc, t);
        let mut normalized = vec![Map::new(); table.row_count()];
        for check in checks {
            check.normalize(doc, t, &mut normalized);
        }
        for (row, normalized) in table.rows(doc).zip(normalized) {
            let mut fields = Map::new();
            for (name, cell) in headers.iter().zip(&row.cells) {
                let text = doc.text(&cell.span());
                // An HTML cell's text is its text content: tags stripped, entities decoded.
                let text = if table.html {
                    plain_text(text).trim().to_string()
                } else {
                    text.to_string()
                };
                fields.insert(name.clone(), Value::String(text));
            }
            out.push(Record {
                path: path.to_string(),
                table: t,
                line: row.line,
                fields,
                normalized,
            });
        }
    }
    out
}

/// Header texts made unique: an empty header is `column N`, a repeated one gets ` (2)`.
pub fn header_names(doc: &Document<'_>, table: usize) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, cell) in doc.tables[table].header.cells.iter().enumerate() {
        let text = plain_text(doc.text(&cell.span())).trim().to_string();
        let base = if text.is_empty() {
            format!("column {}", i + 1)
        } else {
            text
        };
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        names.push(name);
    }
    names
}

/// The records as CSV: `path`, `table`, `line`, every header seen (in order of first
/// appearance), then every normalized field.
pub fn to_csv(records: &[Record]) -> Result<String, csv::Error> {
    let mut fields: Vec<&str> = Vec::new();
    let mut normalized: Vec<&str> = Vec::new();
    for record in records {
        for key in record.fields.keys() {
            if !fields.contains(&key.as_str()) {
                fields.push(key);
            }
        }
        for key in record.normalized.keys() {
            if !normalized.contains(&key.as_str()) {
                normalized.push(key);
            }
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = ["path", "table", "line"]
        .into_iter()
        .chain(fields.iter().copied())
        .chain(normalized.iter().copied());
    writer.write_record(header)?;
    for record in records {
        let mut row = vec![
            record.path.clone(),
            record.table.to_string(),
            record.line.to_string(),
        ];
        row.extend(fields.iter().map(|k| text_of(record.fields.get(*k))));
        row.extend(
            normalized
                .iter()
                .map(|k| text_of(record.normalized.get(*k))),
        );
        writer.write_record(row)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn text_of(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}
