//! Layout steps between reading a file and converting it: the layouts researchers hold
//! that would otherwise need a pre-processing script.
//!
//! * **A header row other than the first** (`header_row = 4`): the rows above it
//!   (titles, notes, an instrument-name row) are skipped; `skip_rows = 1` also skips
//!   rows right after it (a second header row of English names or units).
//! * **Instruments side by side** (`layout = "blocks"`, a Wind workbook): the header
//!   row holds, per instrument, a date column followed by its fields; a block runs from
//!   one date column to the next (or to a blank header). `code_row` names the row
//!   holding each block's code (in any cell of the block). Each block becomes a long
//!   table of one code; rows of a block without any value (an instrument listed later
//!   than the others) are not observations.
//!
//! To support another layout, add a step here and call it from [`super::read_one`].

use super::reader::{Cell, CellRef, RawRow, RawTable};
use super::spec::{norm_header, spellings, FileSpec};
use crate::error::{DataError, Result};

fn lay(raw: &RawTable, message: String) -> DataError {
    DataError::Layout {
        file: raw.path.clone(),
        message,
    }
}

/// A cell as header text.
fn header_text(c: CellRef<'_>) -> String {
    match c {
        CellRef::Empty => String::new(),
        CellRef::Text(s) => s.trim().trim_start_matches('\u{feff}').to_string(),
        CellRef::Num(x) => x.to_string(),
        CellRef::Date(d) => d.to_string(),
    }
}

/// Re-head a table at file row `header_row` and skip `skip` rows after it.
pub fn apply_header_row(
    raw: &RawTable,
    header_row: Option<usize>,
    skip: usize,
) -> Result<RawTable> {
    let line = header_row.unwrap_or(raw.header_line);
    let (headers, start) = if line == raw.header_line {
        (raw.headers.clone(), 0)
    } else if line < raw.header_line {
        return Err(lay(
            raw,
            format!(
                "header_row = {line}: the first non-empty row is {}; rows above it are blank",
                raw.header_line
            ),
        ));
    } else {
        let k = raw
            .rows
            .iter()
            .position(|r| r.line == line)
            .ok_or_else(|| {
                lay(
                    raw,
                    format!("header_row = {line}: the file has no non-empty row {line}"),
                )
            })?;
        let h = &raw.rows[k];
        (
            (0..h.len()).map(|j| header_text(h.cell(j))).collect(),
            k + 1,
        )
    };
    let rows: Vec<RawRow> = raw.rows[start..].iter().skip(skip).cloned().collect();
    Ok(raw.with_rows(headers, rows, line))
}

/// One block of a side-by-side file: its code and its long table.
#[derive(Debug)]
pub struct Block {
    /// The block's code (as written in the code row).
    pub code: String,
    /// Date column first, then the block's fields.
    pub table: RawTable,
}

/// Split a side-by-side file into its blocks (see the module docs). `raw` holds every
/// row from the first non-empty one (the caller has not re-headed it).
pub fn split_blocks(raw: &RawTable, spec: &FileSpec) -> Result<Vec<Block>> {
    let header_row = spec.header_row.ok_or_else(|| {
        lay(
            raw,
            "layout = \"blocks\" needs `header_row` (the row of the date / field headers)".into(),
        )
    })?;
    let code_row = spec.code_row.ok_or_else(|| {
        lay(
            raw,
            "layout = \"blocks\" needs `code_row` (the row holding each block's code)".into(),
        )
    })?;
    let row_at = |line: usize| -> Option<&RawRow> { raw.rows.iter().find(|r| r.line == line) };
    let text_at = |line: usize, j: usize| -> String {
        if line == raw.header_line {
            raw.headers.get(j).cloned().unwrap_or_default()
        } else {
            row_at(line).map_or_else(String::new, |r| header_text(r.cell(j)))
        }
    };
    let width = raw
        .rows
        .iter()
        .map(RawRow::len)
        .max()
        .unwrap_or(0)
        .max(raw.headers.len());
    let heads: Vec<String> = (0..width).map(|j| text_at(header_row, j)).collect();
    let date_names: Vec<String> = spellings(spec.dataset, "date")
        .iter()
        .map(|a| norm_header(a.0))
        .collect();
    let is_date = |h: &str| date_names.contains(&norm_header(h));
    let starts: Vec<usize> = (0..width).filter(|&j| is_date(&heads[j])).collect();
    if starts.is_empty() {
        return Err(lay(
            raw,
            format!(
                "layout = \"blocks\": no date header in row {header_row} (found: {})",
                heads
                    .iter()
                    .filter(|h| !h.is_empty())
                    .take(12)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let data: Vec<&RawRow> = raw
        .rows
        .iter()
        .filter(|r| r.line > header_row)
        .skip(spec.skip_rows)
        .collect();
    let mut blocks = Vec::new();
    for (n, &a) in starts.iter().enumerate() {
        let next = starts.get(n + 1).copied().unwrap_or(width);
        let b = (a + 1..next).find(|&j| heads[j].is_empty()).unwrap_or(next);
        let code = (a..b)
            .map(|j| text_at(code_row, j))
            .find(|c| !c.is_empty())
            .ok_or_else(|| {
                lay(
                    raw,
                    format!(
                        "layout = \"blocks\": the block at column {} has no code in row {code_row}",
                        super::reader::column_letters(raw.col0 + a)
                    ),
                )
            })?;
        let rows: Vec<RawRow> = data
            .iter()
            .filter(|r| (a + 1..b).any(|j| r.cell(j) != CellRef::Empty))
            .map(|r| RawRow::typed(r.line, (a..b).map(|j| r.owned(j)).collect::<Vec<Cell>>()))
            .collect();
        let mut t = raw.with_rows(heads[a..b].to_vec(), rows, header_row);
        t.col0 = raw.col0 + a;
        t.unsupported = raw
            .unsupported
            .iter()
            .filter(|u| (a..b).contains(&u.0))
            .map(|u| (u.0 - a, u.1.clone()))
            .collect();
        blocks.push(Block { code, table: t });
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Dataset;

    fn raw(rows: &[&[&str]]) -> RawTable {
        let body: String = rows
            .iter()
            .map(|r| r.join(","))
            .collect::<Vec<_>>()
            .join("\n");
        super::super::reader::parse_csv_bytes(std::path::Path::new("t.csv"), body.as_bytes())
            .unwrap()
    }

    #[test]
    fn a_later_header_row_and_skipped_rows() {
        let r = raw(&[
            &["title", "", ""],
            &["日期", "收盘", "成交量"],
            &["Date", "close", "volume"],
            &["2024-01-02", "1", "2"],
        ]);
        let t = apply_header_row(&r, Some(2), 1).unwrap();
        assert_eq!(t.headers, ["日期", "收盘", "成交量"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].line, 4);
        assert!(apply_header_row(&r, Some(9), 0)
            .unwrap_err()
            .to_string()
            .contains("no non-empty row 9"));
    }

    #[test]
    fn blocks_split_by_date_columns_with_codes_from_their_row() {
        let r = raw(&[
            &["", "CSI 300", "", "", "Micro", ""],
            &["", "000300.SH", "", "", "8841431.WI", ""],
            &["Date", "close", "", "Date", "open", "close"],
            &["2024-01-02", "3400", "", "2024-01-02", "", ""],
            &["2024-01-03", "3410", "", "2024-01-03", "90", "91"],
        ]);
        let mut spec = FileSpec::new("t.csv", Dataset::Prices);
        spec.header_row = Some(3);
        spec.code_row = Some(2);
        let b = split_blocks(&r, &spec).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].code, "000300.SH");
        assert_eq!(b[0].table.headers, ["Date", "close"]);
        assert_eq!(b[0].table.rows.len(), 2);
        assert_eq!(b[1].code, "8841431.WI");
        assert_eq!(b[1].table.headers, ["Date", "open", "close"]);
        assert_eq!(
            b[1].table.rows.len(),
            1,
            "a row without values is no observation"
        );
        spec.code_row = None;
        assert!(split_blocks(&r, &spec)
            .unwrap_err()
            .to_string()
            .contains("code_row"));
    }
}
