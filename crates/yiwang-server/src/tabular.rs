//! Reading the tables people send: CSV (UTF-8, a header row) or a workbook (XLSX, XLS, ODS; the
//! first sheet, the first row naming the columns). Column names are read lower-case and trimmed;
//! every data row keeps the line it came from (the header is line 1) for error reports.

use std::io::Cursor;
use std::sync::Arc;

use yiwang_core::registry::rows::TableRow;

/// A table as read: header names and the data rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column names, lower-case.
    pub header: Vec<String>,
    /// Data rows; wholly empty rows are left out.
    pub rows: Vec<TableRow>,
}

/// The formats a table can come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values, UTF-8 (a byte-order mark is allowed).
    Csv,
    /// A spreadsheet workbook (XLSX, XLS or ODS).
    Workbook,
}

impl TableFormat {
    /// The format a file name's extension says, if any.
    #[must_use]
    pub fn from_file_name(name: &str) -> Option<TableFormat> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(TableFormat::Csv),
            "xlsx" | "xlsm" | "xls" | "ods" => Some(TableFormat::Workbook),
            _ => None,
        }
    }
}

fn column_name(h: &str) -> String {
    h.trim().trim_start_matches('\u{feff}').to_lowercase()
}

/// Reads a table from bytes; the error is one sentence naming what is wrong.
pub fn read_table(bytes: &[u8], format: TableFormat) -> Result<Table, String> {
    match format {
        TableFormat::Csv => read_csv(bytes),
        TableFormat::Workbook => read_workbook(bytes),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("cannot read the header row: {e}"))?
        .iter()
        .map(column_name)
        .collect();
    let shared: Arc<[String]> = header.clone().into();
    let mut rows = Vec::new();
    // Lines are counted from the bytes: the reader's own count is off after a blank line.
    let (mut counted_to, mut line) = (0usize, 1u64);
    for record in reader.records() {
        let record = record.map_err(|e| format!("not readable as UTF-8 CSV: {e}"))?;
        let mut start = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > counted_to {
            line += bytes[counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            counted_to = start;
        }
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        rows.push(TableRow::new(line, &shared, record.iter()));
    }
    Ok(Table { header, rows })
}

fn read_workbook(bytes: &[u8]) -> Result<Table, String> {
    use calamine::{Data, DataType, Reader};
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("not a readable workbook: {e}"))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or("the workbook has no sheet")?
        .map_err(|e| format!("cannot read the first sheet: {e}"))?;
    let first_row = u64::from(range.start().map_or(0, |(r, _)| r)) + 1;
    let text = |cell: &Data| -> String {
        match cell {
            Data::Empty => String::new(),
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            Data::DateTime(_) => cell
                .as_datetime()
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_else(|| cell.to_string()),
            other => other.to_string(),
        }
    };
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(|c| column_name(&text(c))).collect())
        .unwrap_or_default();
    let shared: Arc<[String]> = header.clone().into();
    let rows = rows
        .enumerate()
        .filter_map(|(i, r)| {
            let cells: Vec<String> = r.iter().map(text).collect();
            cells.iter().any(|v| !v.trim().is_empty()).then(|| {
                TableRow::new(
                    first_row + 1 + i as u64,
                    &shared,
                    cells.iter().map(String::as_str),
                )
            })
        })
        .collect();
    Ok(Table { header, rows })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn csv_rows_keep_their_lines_and_skip_blank_ones() {
        let text = "\u{feff}Name, Phone\n张三,138\n\n\"李\n四\",139\n,\n王五,\n";
        let t = read_table(text.as_bytes(), TableFormat::Csv).unwrap();
        assert_eq!(t.header, ["name", "phone"]);
        let got: Vec<(u64, String)> = t
            .rows
            .iter()
            .map(|r| (r.line, r.get("name").unwrap_or_default().to_owned()))
            .collect();
        assert_eq!(
            got,
            [(2, "张三".into()), (4, "李\n四".into()), (7, "王五".into())]
        );
    }

    #[test]
    fn workbooks_read_like_csv() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "ID_Number").unwrap();
        sheet.write_string(0, 1, "staff").unwrap();
        sheet.write_string(1, 0, "31010419800101123X").unwrap();
        sheet.write_number(1, 1, 12.0).unwrap();
        sheet.write_string(3, 0, "x").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let t = read_table(&bytes, TableFormat::Workbook).unwrap();
        assert_eq!(t.header, ["id_number", "staff"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[0].get("staff"), Some("12"));
        assert_eq!(t.rows[1].line, 4);
        assert!(read_table(b"not a zip", TableFormat::Workbook).is_err());
        assert_eq!(
            TableFormat::from_file_name("a.XLSX"),
            Some(TableFormat::Workbook)
        );
        assert_eq!(TableFormat::from_file_name("a.txt"), None);
    }
}
