//! Readers turning CSV, XLSX and Parquet files into a [`RawTable`]: header names plus
//! rows of cells that remember their 1-based row number for error messages.
//!
//! * CSV: UTF-8 (a BOM is dropped) or, when the bytes are not valid UTF-8, GBK/GB18030
//!   (common in Chinese vendor exports). Blank lines are skipped; short rows are padded.
//! * XLSX/XLS: the named sheet (default: the first non-empty one); the first non-empty
//!   row is the header; Excel dates become dates.
//! * Parquet: columns of string, integer, float, date and timestamp type; a pandas
//!   index stored as a column (e.g. `trade_date`) is just another column.

use super::cells::excel_serial_to_date;
use crate::error::{DataError, Result};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// A borrowed view of one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    /// Nothing there.
    Empty,
    /// Text, to be parsed.
    Text(&'a str),
    /// A typed number (XLSX, Parquet).
    Num(f64),
    /// A typed date (XLSX, Parquet).
    Date(NaiveDate),
}

/// An owned typed cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing there.
    Empty,
    /// Text.
    Text(String),
    /// Number.
    Num(f64),
    /// Date.
    Date(NaiveDate),
}

/// The fields of every data row of a CSV file, in one buffer: memory follows the data
/// kept, with two allocations per file instead of two per row.
#[derive(Debug, Default)]
struct CsvArena {
    /// Field bytes, one after the other.
    text: String,
    /// End offset in `text` of every field.
    ends: Vec<u32>,
    /// Index in `ends` of each row's first field (one extra entry closing the last row).
    first: Vec<u32>,
}

impl CsvArena {
    fn close(&mut self) {
        self.first.push(self.ends.len() as u32);
    }

    fn width(&self, row: usize) -> usize {
        (self.first[row + 1] - self.first[row]) as usize
    }

    #[inline]
    fn field(&self, row: usize, j: usize) -> Option<&str> {
        if j >= self.width(row) {
            return None;
        }
        let k = self.first[row] as usize + j;
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        Some(&self.text[start..self.ends[k] as usize])
    }
}

#[derive(Debug, Clone)]
enum Cells {
    /// Row `.1` of a file's shared field buffer.
    Csv(std::sync::Arc<CsvArena>, usize),
    Typed(Vec<Cell>),
    /// Row `.1` of a shared Arrow batch (Parquet input): cells are read in place, so a
    /// 7.5M-row file costs one pointer per row instead of one allocation per cell.
    Arrow(std::sync::Arc<Vec<arrow_array::ArrayRef>>, usize),
}

/// One data row.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// 1-based row number in the file (header row counts).
    pub line: usize,
    cells: Cells,
}

impl RawRow {
    /// A row of owned cells (layout steps build these).
    pub fn typed(line: usize, cells: Vec<Cell>) -> Self {
        RawRow {
            line,
            cells: Cells::Typed(cells),
        }
    }

    /// The owned copy of cell `j`.
    pub fn owned(&self, j: usize) -> Cell {
        match self.cell(j) {
            CellRef::Empty => Cell::Empty,
            CellRef::Text(s) => Cell::Text(s.to_string()),
            CellRef::Num(x) => Cell::Num(x),
            CellRef::Date(d) => Cell::Date(d),
        }
    }

    /// Number of cells (a short row has fewer than the headers).
    pub fn len(&self) -> usize {
        self.width()
    }

    /// Whether the row has no cell at all.
    pub fn is_blank(&self) -> bool {
        self.width() == 0
    }

    /// Cell `j` (Empty past the end of a short row).
    #[inline]
    pub fn cell(&self, j: usize) -> CellRef<'_> {
        match &self.cells {
            Cells::Csv(a, i) => match a.field(*i, j) {
                None => CellRef::Empty,
                Some(s) if blank_text(s) => CellRef::Empty,
                Some(s) => CellRef::Text(s),
            },
            Cells::Typed(v) => match v.get(j) {
                None | Some(Cell::Empty) => CellRef::Empty,
                Some(Cell::Text(s)) => CellRef::Text(s),
                Some(Cell::Num(x)) => CellRef::Num(*x),
                Some(Cell::Date(d)) => CellRef::Date(*d),
            },
            Cells::Arrow(cols, i) => match cols.get(j) {
                None => CellRef::Empty,
                Some(a) => match arrow_cell(a.as_ref(), *i) {
                    CellRef::Text(s) if s.trim().is_empty() => CellRef::Empty,
                    c => c,
                },
            },
        }
    }

    fn width(&self) -> usize {
        match &self.cells {
            Cells::Csv(a, i) => a.width(*i),
            Cells::Typed(v) => v.len(),
            Cells::Arrow(cols, _) => cols.len(),
        }
    }

    /// Is every cell empty?
    pub fn is_empty(&self) -> bool {
        match &self.cells {
            Cells::Csv(..) => (0..self.width()).all(|j| self.cell(j) == CellRef::Empty),
            Cells::Typed(v) => v.iter().all(|c| *c == Cell::Empty),
            Cells::Arrow(..) => (0..self.width()).all(|j| self.cell(j) == CellRef::Empty),
        }
    }

    /// Text of the row for messages.
    pub fn describe(&self) -> String {
        let s = match &self.cells {
            Cells::Csv(a, i) => (0..a.width(*i))
                .map(|j| a.field(*i, j).unwrap_or(""))
                .collect::<Vec<_>>()
                .join(","),
            Cells::Typed(v) => v
                .iter()
                .map(|c| match c {
                    Cell::Empty => String::new(),
                    Cell::Text(s) => s.clone(),
                    Cell::Num(x) => x.to_string(),
                    Cell::Date(d) => d.to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
            Cells::Arrow(..) => (0..self.width())
                .map(|j| match self.cell(j) {
                    CellRef::Empty => String::new(),
                    CellRef::Text(s) => s.to_string(),
                    CellRef::Num(x) => x.to_string(),
                    CellRef::Date(d) => d.to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
        };
        s.chars().take(80).collect()
    }
}

/// A file read into headers and rows.
#[derive(Debug, Clone)]
pub struct RawTable {
    /// Source file.
    pub path: PathBuf,
    /// Header names (trimmed, BOM removed).
    pub headers: Vec<String>,
    /// Data rows (blank rows dropped).
    pub rows: Vec<RawRow>,
    /// The exact bytes' fingerprint.
    pub fingerprint: String,
    /// The sheet read (spreadsheets), for cell references in errors.
    pub sheet: Option<String>,
    /// The spreadsheet column of the first header (0 = column A).
    pub col0: usize,
    /// 1-based file row of the header.
    pub header_line: usize,
    /// Columns of a type the importer does not read (Parquet lists, structs, binary):
    /// (column, type). Their cells read as empty; mapping one is an error.
    pub unsupported: Vec<(usize, String)>,
}

impl RawTable {
    fn new(path: &Path, headers: Vec<String>, rows: Vec<RawRow>, fingerprint: String) -> Self {
        RawTable {
            path: path.to_path_buf(),
            headers,
            rows,
            fingerprint,
            sheet: None,
            col0: 0,
            header_line: 1,
            unsupported: Vec::new(),
        }
    }

    /// The same table with its rows replaced (layout steps).
    pub fn with_rows(&self, headers: Vec<String>, rows: Vec<RawRow>, header_line: usize) -> Self {
        RawTable {
            path: self.path.clone(),
            headers,
            rows,
            fingerprint: self.fingerprint.clone(),
            sheet: self.sheet.clone(),
            col0: self.col0,
            header_line,
            unsupported: self.unsupported.clone(),
        }
    }

    /// The spreadsheet reference of cell `j` of a row at file row `line` (`Sheet1!F17`),
    /// or None for files that are not spreadsheets.
    pub fn cell_ref(&self, line: usize, j: usize) -> Option<String> {
        self.sheet
            .as_ref()
            .map(|s| format!("{s}!{}{line}", column_letters(self.col0 + j)))
    }
}

/// Spreadsheet column letters of a 0-based column (0 → A, 27 → AB).
pub fn column_letters(mut j: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (j % 26) as u8);
        if j < 26 {
            break;
        }
        j = j / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

/// Size limits of the readers (the defaults are [`MAX_CELL_BYTES`] and
/// [`MAX_SHEET_CELLS`]; tests pass smaller ones).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest cell, in bytes.
    pub max_cell_bytes: usize,
    /// Most cells read from one sheet, empty ones included.
    pub max_sheet_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_cell_bytes: MAX_CELL_BYTES,
            max_sheet_cells: MAX_SHEET_CELLS,
        }
    }
}

/// The longest cell (CSV field or spreadsheet text) an import accepts: no price, date or
/// code comes near it, and a longer one means a broken file (an unclosed quote, a binary
/// blob).
pub const MAX_CELL_BYTES: usize = 1 << 20;
/// The most cells (empty ones included) read from one spreadsheet sheet: 1,048,576 rows
/// × 28 columns. Larger tables belong in CSV or Parquet.
pub const MAX_SHEET_CELLS: u64 = 30_000_000;

fn cell_too_long(path: &Path, line: usize, column: String, len: usize, max: usize) -> DataError {
    DataError::Layout {
        file: path.to_path_buf(),
        message: format!(
            "row {line}, column {column}: a cell of {len} bytes; cells may hold at most {max} \
             bytes (is a quote left open?)"
        ),
    }
}

/// Read a file by extension (`csv`/`txt`, `xlsx`/`xls`/`xlsm`, `parquet`/`pq`).
pub fn read_file(path: &Path, sheet: Option<&str>) -> Result<RawTable> {
    read_file_limited(path, sheet, Limits::default())
}

/// Read a file as a spec says (its sheet, its JSON path).
pub fn read_file_for(path: &Path, spec: &super::spec::FileSpec) -> Result<RawTable> {
    if extension(path) == "json" {
        return read_json(path, spec.json_path.as_deref());
    }
    read_file(path, spec.sheet.as_deref())
}

/// [`read_file`] with explicit size limits.
pub fn read_file_limited(path: &Path, sheet: Option<&str>, limits: Limits) -> Result<RawTable> {
    let ext = extension(path);
    match ext.as_str() {
        "csv" | "txt" | "tsv" => {
            let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
            parse_csv_limited(path, &bytes, limits)
        }
        "xlsx" | "xls" | "xlsm" | "xlsb" => read_xlsx(path, sheet, limits),
        "parquet" | "pq" => read_parquet(path),
        "json" => read_json(path, None),
        _ => Err(DataError::Layout {
            file: path.to_path_buf(),
            message: format!("unsupported file type `.{ext}` (expected .csv, .xlsx or .parquet)"),
        }),
    }
}

/// 1-based file line of byte offsets, counted incrementally. The csv crate's own line
/// numbers skip blank lines, which would make error rows drift from what an editor shows.
#[derive(Debug, Default)]
pub(crate) struct LineCounter {
    byte: usize,
    line: usize,
}

impl LineCounter {
    /// The line holding byte `at` of `text` (offsets must not decrease).
    pub(crate) fn line_at(&mut self, text: &[u8], at: u64) -> usize {
        // csv reports a record after blank lines at the start of those lines: step over them
        let mut at = (at as usize).min(text.len());
        while at < text.len() && matches!(text[at], b'\n' | b'\r') {
            at += 1;
        }
        if at >= self.byte {
            self.line += text[self.byte..at].iter().filter(|&&b| b == b'\n').count();
            self.byte = at;
        }
        self.line + 1
    }
}

/// The file's extension, lower-cased (empty when none).
pub(crate) fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// CSV bytes as text: UTF-8 (BOM dropped) or, when not valid UTF-8, GB18030.
pub(crate) fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            let (s, _, _) = encoding_rs::GB18030.decode(b);
            std::borrow::Cow::Owned(s.into_owned())
        }
    }
}

/// Read CSV bytes (exposed for fuzzing and tests).
pub fn parse_csv_bytes(path: &Path, bytes: &[u8]) -> Result<RawTable> {
    parse_csv_limited(path, bytes, Limits::default())
}

/// [`parse_csv_bytes`] with explicit size limits.
///
/// Records are parsed by `csv_core` (RFC 4180 quoting, CRLF or LF, blank lines
/// skipped, rows of any width) straight into the file's field buffer: no record
/// object, no per-record UTF-8 check (fields of valid UTF-8 text split at ASCII bytes
/// stay valid; the whole buffer is checked once at the end). A row of blank fields is
/// skipped; the first other row is the header.
pub fn parse_csv_limited(path: &Path, bytes: &[u8], limits: Limits) -> Result<RawTable> {
    parse_csv_records(path, bytes, limits, true)
}

/// [`parse_csv_limited`]; `plain`: split a file without quotes plainly (else every
/// file goes through `csv_core`, as the tests compare).
fn parse_csv_records(path: &Path, bytes: &[u8], limits: Limits, plain: bool) -> Result<RawTable> {
    let fp = crate::store::fingerprint(bytes);
    let text = decode(bytes);
    let input = text.as_bytes();
    let delim = if path.extension().is_some_and(|e| e == "tsv") {
        b'\t'
    } else {
        b','
    };
    let mut records = Records::for_input(input, delim, plain);
    let mut headers: Option<Vec<String>> = None;
    let mut header_line = 1;
    // a field's bytes never outnumber the input's: one buffer holds every kept row
    let mut buf = vec![0u8; input.len() + 1];
    let mut w = 0usize;
    let mut arena = CsvArena::default();
    let mut ends = vec![0usize; 64];
    let mut lines_kept: Vec<usize> = Vec::new();
    let mut pos = 0usize;
    while let Some((nout, nend, line)) = records.next(input, &mut pos, &mut buf, w, &mut ends) {
        let rec = &buf[w..w + nout];
        let field = |k: usize| &rec[if k == 0 { 0 } else { ends[k - 1] }..ends[k]];
        let blank = |f: &[u8]| {
            f.iter().all(u8::is_ascii_whitespace)
                || std::str::from_utf8(f).is_ok_and(|s| s.trim().is_empty())
        };
        if (0..nend).all(|k| blank(field(k))) {
            continue;
        }
        if headers.is_none() {
            headers = Some(
                (0..nend)
                    .map(|k| {
                        String::from_utf8_lossy(field(k))
                            .trim()
                            .trim_start_matches('\u{feff}')
                            .to_string()
                    })
                    .collect(),
            );
            header_line = line;
            continue;
        }
        if nout > limits.max_cell_bytes {
            check_cell_sizes(
                path,
                line,
                headers.as_deref(),
                (0..nend).map(|k| field(k).len()),
                limits,
            )?;
        }
        arena.first.push(arena.ends.len() as u32);
        arena
            .ends
            .extend(ends[..nend].iter().map(|&e| (w + e) as u32));
        lines_kept.push(line);
        w += nout;
    }
    let headers = headers.ok_or_else(|| DataError::Layout {
        file: path.to_path_buf(),
        message: "empty file: expected a header row and data rows".into(),
    })?;
    buf.truncate(w);
    arena.close();
    // one search of the whole buffer; rows are looked at only when a cell spans lines
    // (never for plainly split records, whose fields hold no line break)
    if matches!(records, Records::Core { .. }) && memchr::memchr(b'\n', &buf).is_some() {
        check_swallowed_rows(path, &buf, &arena, &lines_kept, &headers, delim)?;
    }
    arena.text = String::from_utf8(buf).map_err(|e| DataError::Layout {
        file: path.to_path_buf(),
        message: format!(
            "byte {}: not UTF-8 after CSV unquoting; expected UTF-8 or GB18030 text",
            e.utf8_error().valid_up_to()
        ),
    })?;
    let arena = std::sync::Arc::new(arena);
    let rows: Vec<RawRow> = lines_kept
        .into_iter()
        .enumerate()
        .map(|(i, line)| RawRow {
            line,
            cells: Cells::Csv(arena.clone(), i),
        })
        .collect();
    let mut t = RawTable::new(path, headers, rows, fp);
    t.header_line = header_line;
    Ok(t)
}

/// Where a CSV file's records come from. A file without a quote character, whose
/// carriage returns all end lines (`\r\n`), is split plainly at line feeds and
/// delimiters — the records `csv_core` reads from it, several times faster (a
/// proptest holds the two equal); any other file goes through `csv_core`.
enum Records {
    /// RFC 4180 parsing, with the line counter that numbers records.
    Core {
        rdr: Box<csv_core::Reader>,
        lines: LineCounter,
    },
    /// Plain splitting at `delim`; `line` is the 1-based number of the line at the
    /// read position.
    Plain { delim: u8, line: usize },
}

impl Records {
    fn for_input(input: &[u8], delim: u8, allow_plain: bool) -> Records {
        let plain = allow_plain
            && memchr::memchr(b'"', input).is_none()
            && memchr::memchr_iter(b'\r', input).all(|i| input.get(i + 1) == Some(&b'\n'));
        if plain {
            Records::Plain { delim, line: 1 }
        } else {
            Records::Core {
                rdr: Box::new(csv_core::ReaderBuilder::new().delimiter(delim).build()),
                lines: LineCounter::default(),
            }
        }
    }

    /// The next record at `input[*pos..]`, its fields written one after another into
    /// `buf[w..]` and their end offsets (relative to `w`) into `ends`: (bytes written,
    /// fields, 1-based line of the record), or None at the end of the input. Blank
    /// lines are skipped, as `csv_core` skips them.
    fn next(
        &mut self,
        input: &[u8],
        pos: &mut usize,
        buf: &mut Vec<u8>,
        w: usize,
        ends: &mut Vec<usize>,
    ) -> Option<(usize, usize, usize)> {
        match self {
            Records::Core { rdr, lines } => {
                let start = *pos;
                let (nout, nend) = next_record(rdr, input, pos, buf, w, ends)?;
                Some((nout, nend, lines.line_at(input, start as u64)))
            }
            Records::Plain { delim, line } => loop {
                let rest = input.get(*pos..).filter(|r| !r.is_empty())?;
                let (len, step) = match memchr::memchr(b'\n', rest) {
                    Some(i) => (i, i + 1),
                    None => (rest.len(), rest.len()),
                };
                let this_line = *line;
                *pos += step;
                *line += usize::from(step > len);
                let text = &rest[..len];
                let text = text.strip_suffix(b"\r").unwrap_or(text);
                if text.is_empty() {
                    continue;
                }
                let (nout, nend) = split_plain(text, *delim, buf, w, ends);
                return Some((nout, nend, this_line));
            },
        }
    }
}

/// Split one line at `delim` into `buf[w..]` (fields back to back) and `ends`.
fn split_plain(
    text: &[u8],
    delim: u8,
    buf: &mut [u8],
    w: usize,
    ends: &mut Vec<usize>,
) -> (usize, usize) {
    let (mut o, mut nend, mut s) = (w, 0usize, 0usize);
    for e in memchr::memchr_iter(delim, text).chain(std::iter::once(text.len())) {
        let f = &text[s..e];
        buf[o..o + f.len()].copy_from_slice(f);
        o += f.len();
        if nend == ends.len() {
            ends.resize(ends.len() * 2 + 1, 0);
        }
        ends[nend] = o - w;
        nend += 1;
        s = e + 1;
    }
    (o - w, nend)
}

/// Parse the record at `input[*pos..]` into `buf[w..]` (growing `buf` and `ends` as
/// needed): its output length and field count, or None at the end of the input.
fn next_record(
    rdr: &mut csv_core::Reader,
    input: &[u8],
    pos: &mut usize,
    buf: &mut Vec<u8>,
    w: usize,
    ends: &mut Vec<usize>,
) -> Option<(usize, usize)> {
    let (mut nout, mut nend) = (0usize, 0usize);
    loop {
        let (res, i, o, e) =
            rdr.read_record(&input[*pos..], &mut buf[w + nout..], &mut ends[nend..]);
        *pos += i;
        nout += o;
        nend += e;
        match res {
            csv_core::ReadRecordResult::InputEmpty => {}
            csv_core::ReadRecordResult::OutputFull => buf.resize(buf.len() * 2 + 64, 0),
            csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            csv_core::ReadRecordResult::Record => return Some((nout, nend)),
            csv_core::ReadRecordResult::End => return None,
        }
    }
}

/// Refuse a quoted field that runs over line breaks holding whole rows (as many
/// delimiters as the header has gaps): a quote left open, whose field swallowed the
/// following rows — they would be lost without a word. A quoted note over several lines
/// with fewer delimiters is kept. `buf` holds the fields the (closed) arena indexes.
fn check_swallowed_rows(
    path: &Path,
    buf: &[u8],
    arena: &CsvArena,
    lines: &[usize],
    headers: &[String],
    delim: u8,
) -> Result<()> {
    if headers.len() < 2 {
        return Ok(());
    }
    for (row, &line) in lines.iter().enumerate() {
        for k in arena.first[row] as usize..arena.first[row + 1] as usize {
            let start = if k == 0 {
                0
            } else {
                arena.ends[k - 1] as usize
            };
            let f = &buf[start..arena.ends[k] as usize];
            let breaks = memchr::memchr_iter(b'\n', f).count();
            if breaks > 0 && memchr::memchr_iter(delim, f).count() + 1 >= headers.len() {
                let j = k - arena.first[row] as usize;
                let name = headers
                    .get(j)
                    .map_or_else(|| format!("#{}", j + 1), |h| format!("`{h}`"));
                return Err(DataError::Layout {
                    file: path.to_path_buf(),
                    message: format!(
                        "row {line}, column {name}: a quote opened in this cell is not closed on \
                         its line, so the cell runs over the next {breaks} line(s) and their rows \
                         would be lost; expected balanced quotes (a literal quote is written \"\")"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Refuse cells over [`MAX_CELL_BYTES`], naming the longest field of the row.
fn check_cell_sizes(
    path: &Path,
    line: usize,
    headers: Option<&[String]>,
    field_lengths: impl Iterator<Item = usize>,
    limits: Limits,
) -> Result<()> {
    let max = limits.max_cell_bytes;
    if let Some((j, len)) = field_lengths.enumerate().max_by_key(|&(_, n)| n) {
        if len > max {
            let name = headers
                .and_then(|h| h.get(j))
                .map_or_else(|| format!("#{}", j + 1), |h| format!("`{h}`"));
            return Err(cell_too_long(path, line, name, len, max));
        }
    }
    Ok(())
}

fn read_xlsx(path: &Path, sheet: Option<&str>, limits: Limits) -> Result<RawTable> {
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    let fp = crate::store::fingerprint(&bytes);
    let lay = |m: String| DataError::Layout {
        file: path.to_path_buf(),
        message: m,
    };
    let ext = extension(path);
    let mut wb: Box<dyn SheetSource> = if ext == "xlsx" || ext == "xlsm" {
        let wb: calamine::Xlsx<_> =
            calamine::open_workbook(path).map_err(|e| lay(format!("cannot open workbook: {e}")))?;
        Box::new(wb)
    } else {
        let wb = calamine::open_workbook_auto(path)
            .map_err(|e| lay(format!("cannot open workbook: {e}")))?;
        Box::new(wb)
    };
    let names = wb.names();
    let candidates: Vec<String> = match sheet {
        Some(s) if !names.iter().any(|n| n == s) => {
            return Err(lay(format!(
                "no sheet `{s}` (sheets: {})",
                names.join(", ")
            )))
        }
        Some(s) => vec![s.to_string()],
        None => names,
    };
    for name in candidates {
        let cells = wb.cells(path, &name, limits)?;
        if let Some(mut t) = table_of_cells(path, cells) {
            t.fingerprint = fp;
            t.sheet = Some(name);
            return Ok(t);
        }
        if sheet.is_some() {
            break;
        }
    }
    Err(lay(
        "workbook has no non-empty sheet: expected a header row and data rows".into(),
    ))
}

/// The non-empty cells of one sheet: (0-based row, 0-based column, cell), any order.
type SheetCells = Vec<(u32, u32, Cell)>;

/// A workbook whose sheets can be read as their non-empty cells.
trait SheetSource {
    fn names(&self) -> Vec<String>;
    /// The sheet's non-empty cells, refusing sheets over `limits.max_sheet_cells` cells
    /// and texts over `limits.max_cell_bytes`.
    fn cells(&mut self, path: &Path, sheet: &str, limits: Limits) -> Result<SheetCells>;
}

fn sheet_err(path: &Path, sheet: &str, e: impl std::fmt::Display) -> DataError {
    DataError::Layout {
        file: path.to_path_buf(),
        message: format!("sheet `{sheet}`: {e}"),
    }
}

fn too_many_cells(path: &Path, sheet: &str, max: u64) -> DataError {
    sheet_err(
        path,
        sheet,
        format!(
            "more than {max} cells (empty ones included); save a table this large \
             as CSV or Parquet, or delete the unused rows and columns"
        ),
    )
}

/// A spreadsheet value as a cell (checking the text length).
fn cell_of(
    path: &Path,
    sheet: &str,
    (r, c): (u32, u32),
    v: calamine::DataRef<'_>,
    max_cell_bytes: usize,
) -> Result<Cell> {
    use calamine::DataRef as D;
    let text = |s: &str| {
        if s.len() > max_cell_bytes {
            Err(cell_too_long(
                path,
                r as usize + 1,
                format!("{} of sheet `{sheet}`", column_letters(c as usize)),
                s.len(),
                max_cell_bytes,
            ))
        } else if s.trim().is_empty() {
            Ok(Cell::Empty)
        } else {
            Ok(Cell::Text(s.to_string()))
        }
    };
    Ok(match v {
        D::Empty | D::Error(_) => Cell::Empty,
        D::String(s) => text(&s)?,
        D::SharedString(s) => text(s)?,
        D::Float(x) => Cell::Num(x),
        D::Int(x) => Cell::Num(x as f64),
        D::Bool(b) => Cell::Text(b.to_string()),
        D::DateTime(x) => excel_serial_to_date(x.as_f64()).map_or(Cell::Empty, Cell::Date),
        D::DateTimeIso(s) | D::DurationIso(s) => text(&s)?,
    })
}

/// A borrowed view of a range's value.
fn data_ref(v: &calamine::Data) -> calamine::DataRef<'_> {
    use calamine::{Data as D, DataRef as R};
    match v {
        D::Int(x) => R::Int(*x),
        D::Float(x) => R::Float(*x),
        D::String(s) => R::SharedString(s),
        D::Bool(b) => R::Bool(*b),
        D::DateTime(x) => R::DateTime(*x),
        D::DateTimeIso(s) => R::DateTimeIso(s.clone()),
        D::DurationIso(s) => R::DurationIso(s.clone()),
        D::Error(e) => R::Error(e.clone()),
        D::Empty => R::Empty,
    }
}

/// XLSX: cells streamed from the sheet's XML (memory ∝ the non-empty cells).
impl<RS: std::io::Read + std::io::Seek> SheetSource for calamine::Xlsx<RS> {
    fn names(&self) -> Vec<String> {
        calamine::Reader::sheet_names(self).to_vec()
    }

    fn cells(&mut self, path: &Path, sheet: &str, limits: Limits) -> Result<SheetCells> {
        let mut rdr = self
            .worksheet_cells_reader(sheet)
            .map_err(|e| sheet_err(path, sheet, e))?;
        let mut out = Vec::new();
        let mut seen = 0u64;
        while let Some(c) = rdr.next_cell().map_err(|e| sheet_err(path, sheet, e))? {
            seen += 1;
            if seen > limits.max_sheet_cells {
                return Err(too_many_cells(path, sheet, limits.max_sheet_cells));
            }
            let pos = c.get_position();
            let cell = cell_of(
                path,
                sheet,
                pos,
                c.get_value().clone(),
                limits.max_cell_bytes,
            )?;
            if cell != Cell::Empty {
                out.push((pos.0, pos.1, cell));
            }
        }
        Ok(out)
    }
}

/// XLS, XLSB, ODS: the sheet's range, refused above [`MAX_SHEET_CELLS`] cells.
impl<RS: std::io::Read + std::io::Seek> SheetSource for calamine::Sheets<RS> {
    fn names(&self) -> Vec<String> {
        calamine::Reader::sheet_names(self).to_vec()
    }

    fn cells(&mut self, path: &Path, sheet: &str, limits: Limits) -> Result<SheetCells> {
        let range = calamine::Reader::worksheet_range(self, sheet)
            .map_err(|e| sheet_err(path, sheet, e))?;
        let (h, w) = range.get_size();
        if (h as u64) * (w as u64) > limits.max_sheet_cells {
            return Err(too_many_cells(path, sheet, limits.max_sheet_cells));
        }
        let mut out = Vec::new();
        for (r, c, v) in range.used_cells() {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let pos = (r0 + r as u32, c0 + c as u32);
            let cell = cell_of(path, sheet, pos, data_ref(v), limits.max_cell_bytes)?;
            if cell != Cell::Empty {
                out.push((pos.0, pos.1, cell));
            }
        }
        Ok(out)
    }
}

/// Rows of a sheet's cells: the first non-empty row is the header; columns start at the
/// leftmost non-empty cell. None for a sheet without cells.
fn table_of_cells(path: &Path, mut cells: SheetCells) -> Option<RawTable> {
    if !cells.is_sorted_by_key(|c| (c.0, c.1)) {
        cells.sort_by_key(|c| (c.0, c.1));
    }
    let col0 = cells.iter().map(|c| c.1).min()?;
    let width = cells.iter().map(|c| c.1).max()? - col0 + 1;
    let mut rows: Vec<RawRow> = Vec::new();
    let mut it = cells.into_iter().peekable();
    while let Some((r, c, cell)) = it.next() {
        let mut v = vec![Cell::Empty; (c - col0) as usize];
        v.push(cell);
        while let Some((_, c, cell)) = it.next_if(|x| x.0 == r) {
            v.resize((c - col0) as usize, Cell::Empty);
            v.push(cell);
        }
        rows.push(RawRow {
            line: r as usize + 1,
            cells: Cells::Typed(v),
        });
    }
    let header = rows.remove(0);
    let header_line = header.line;
    let headers = (0..width as usize)
        .map(|j| match header.cell(j) {
            CellRef::Text(s) => s.trim().to_string(),
            CellRef::Num(x) => x.to_string(),
            CellRef::Date(d) => d.to_string(),
            CellRef::Empty => String::new(),
        })
        .collect();
    let mut t = RawTable::new(path, headers, rows, String::new());
    t.col0 = col0 as usize;
    t.header_line = header_line;
    Some(t)
}

/// Read a JSON file. With `json_path` (or without it, for any file but the macro
/// dashboard's `{"series": …}` form, see [`read_series_json`]) the records are found by
/// following the path from the top:
///
/// * `key` steps into an object's member; `key[]` iterates the array there; `key{}`
///   iterates the object there, its member names becoming a `_key` field;
/// * scalar members of the objects passed on the way are fields of every record below
///   them (`etfs[].daily[]`: each ETF's `code` and `name` join its daily records);
/// * the records are objects (one row each) — or, at the end of the path, one object
///   of equal-length arrays (`{"date": [...], "close": [...]}`, one row per position).
///
/// Without a path: a top-level array of records, the one array-valued member of the
/// top-level object, or the top-level object itself when it holds only scalars (one
/// record: a fund profile `{"基金代码": "000001", "基金类型": …}`).
pub fn read_json(path: &Path, json_path: Option<&str>) -> Result<RawTable> {
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    let fp = crate::store::fingerprint(&bytes);
    let lay = |m: String| DataError::Layout {
        file: path.to_path_buf(),
        message: m,
    };
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| lay(format!("invalid JSON: {e}")))?;
    if json_path.is_none() && v.get("series").is_some_and(|s| s.is_object()) {
        return read_series_json(path);
    }
    let steps: Vec<String> = match json_path {
        Some(p) => p
            .split('.')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        None => match &v {
            serde_json::Value::Array(_) => vec!["[]".into()],
            serde_json::Value::Object(m) => {
                let arrays: Vec<&String> = m
                    .iter()
                    .filter(|(_, x)| x.is_array())
                    .map(|(k, _)| k)
                    .collect();
                match arrays.as_slice() {
                    [k] => vec![format!("{k}[]")],
                    // one object of scalars (a fund profile): one record
                    [] if m.values().all(|x| !x.is_object()) => Vec::new(),
                    _ => {
                        return Err(lay(format!(
                            "where are the records? set `json_path` (e.g. `{}[]`); top-level \
                             members: {}",
                            arrays.first().map_or("data", |k| k.as_str()),
                            m.keys().cloned().collect::<Vec<_>>().join(", ")
                        )))
                    }
                }
            }
            _ => return Err(lay("expected an object or an array of records".into())),
        },
    };
    let mut records: Vec<serde_json::Map<String, serde_json::Value>> = Vec::new();
    walk_json(&v, &steps, serde_json::Map::new(), &mut records).map_err(lay)?;
    json_table(path, fp, records)
}

/// Follow the path (see [`read_json`]), collecting records with inherited fields.
fn walk_json(
    v: &serde_json::Value,
    steps: &[String],
    inherited: serde_json::Map<String, serde_json::Value>,
    out: &mut Vec<serde_json::Map<String, serde_json::Value>>,
) -> std::result::Result<(), String> {
    use serde_json::Value as V;
    let scalars = |m: &serde_json::Map<String, V>, base: &serde_json::Map<String, V>| {
        let mut f = base.clone();
        for (k, x) in m {
            if !x.is_array() && !x.is_object() {
                f.insert(k.clone(), x.clone());
            }
        }
        f
    };
    let Some((step, rest)) = steps.split_first() else {
        match v {
            V::Object(m) if m.values().all(V::is_array) && !m.is_empty() => {
                // columnar: one row per position
                let n = m
                    .values()
                    .map(|a| a.as_array().map_or(0, Vec::len))
                    .max()
                    .unwrap_or(0);
                for i in 0..n {
                    let mut r = inherited.clone();
                    for (k, a) in m {
                        r.insert(k.clone(), a.get(i).cloned().unwrap_or(V::Null));
                    }
                    out.push(r);
                }
            }
            V::Object(m) => out.push(scalars(m, &inherited)),
            _ => return Err("the path ends at a value that is not a record".into()),
        }
        return Ok(());
    };
    let (key, iter) = if let Some(k) = step.strip_suffix("[]") {
        (k, "[]")
    } else if let Some(k) = step.strip_suffix("{}") {
        (k, "{}")
    } else {
        (step.as_str(), "")
    };
    let here = match (v, key) {
        (_, "") => v,
        (V::Object(m), k) => m.get(k).ok_or_else(|| {
            format!(
                "json_path: no member `{k}` (members: {})",
                m.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })?,
        _ => return Err(format!("json_path: `{key}` is not inside an object")),
    };
    let base = match v {
        V::Object(m) if !key.is_empty() => scalars(m, &inherited),
        _ => inherited,
    };
    match (iter, here) {
        ("[]", V::Array(items)) => {
            for it in items {
                match it {
                    V::Object(m) if rest.is_empty() => out.push(scalars(m, &base)),
                    _ => walk_json(it, rest, base.clone(), out)?,
                }
            }
            Ok(())
        }
        ("{}", V::Object(m)) => {
            for (name, it) in m {
                let mut b = base.clone();
                b.insert("_key".into(), V::String(name.clone()));
                match it {
                    V::Array(items) if rest.is_empty() => {
                        for x in items {
                            match x {
                                V::Object(r) => out.push(scalars(r, &b)),
                                _ => {
                                    return Err(format!(
                                        "json_path: `{name}` holds non-record items"
                                    ))
                                }
                            }
                        }
                    }
                    _ => walk_json(it, rest, b, out)?,
                }
            }
            Ok(())
        }
        ("", x) => walk_json(x, rest, base, out),
        (it, _) => Err(format!(
            "json_path: `{step}` expects {} there",
            if it == "[]" { "an array" } else { "an object" }
        )),
    }
}

/// Records → a table: columns in order of first appearance; numbers stay numbers.
fn json_table(
    path: &Path,
    fp: String,
    records: Vec<serde_json::Map<String, serde_json::Value>>,
) -> Result<RawTable> {
    use serde_json::Value as V;
    let mut headers: Vec<String> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    for r in &records {
        for k in r.keys() {
            if !index.contains_key(k) {
                index.insert(k.clone(), headers.len());
                headers.push(k.clone());
            }
        }
    }
    if records.is_empty() {
        return Err(DataError::Layout {
            file: path.to_path_buf(),
            message: "no records found (check `json_path`)".into(),
        });
    }
    let rows = records
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let mut cells = vec![Cell::Empty; headers.len()];
            for (k, x) in r {
                cells[index[&k]] = match x {
                    V::Null => Cell::Empty,
                    V::Number(n) => n.as_f64().map_or(Cell::Empty, Cell::Num),
                    V::String(s) if s.trim().is_empty() => Cell::Empty,
                    V::String(s) => Cell::Text(s),
                    V::Bool(b) => Cell::Text(b.to_string()),
                    other => Cell::Text(other.to_string()),
                };
            }
            RawRow {
                line: i + 2,
                cells: Cells::Typed(cells),
            }
        })
        .collect();
    Ok(RawTable::new(path, headers, rows, fp))
}

/// Read a macro-dashboard JSON file: `{"series": {ID: {"meta": {"release_schedule": …},
/// "chart": {"dates": [...], "values": [...]}}}}` into long rows
/// `series_id, period, available_at, value, lag_rule`.
///
/// The file mixes two meanings of `dates`: a first-of-month date names the period
/// (month m → period = end of m, known by the `next_month_end` fallback); a mid-month
/// date of a monthly/quarterly series is the release date (period = end of the previous
/// month, `reported`); year-end dates of annual series are periods (known at the end of
/// the following month, `next_month_end`); daily series use `same_day`.
pub fn read_series_json(path: &Path) -> Result<RawTable> {
    use crate::pit::LagRule;
    use chrono::Datelike;
    use rotor_core::dates::last_day_of_month;
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    let fp = crate::store::fingerprint(&bytes);
    let lay = |m: String| DataError::Layout {
        file: path.to_path_buf(),
        message: m,
    };
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| lay(format!("invalid JSON: {e}")))?;
    let series = v
        .get("series")
        .and_then(|s| s.as_object())
        .ok_or_else(|| lay("expected a top-level object with a `series` map".into()))?;
    let mut rows = Vec::new();
    let mut line = 1;
    for (id, s) in series {
        let sched = s
            .pointer("/meta/release_schedule")
            .and_then(|x| x.as_str())
            .unwrap_or("monthly");
        let dates = s.pointer("/chart/dates").and_then(|x| x.as_array());
        let values = s.pointer("/chart/values").and_then(|x| x.as_array());
        let (Some(dates), Some(values)) = (dates, values) else {
            return Err(lay(format!(
                "series `{id}`: expected chart.dates and chart.values arrays"
            )));
        };
        for (d, x) in dates.iter().zip(values) {
            line += 1;
            let Some(d) = d.as_str().and_then(|d| super::cells::parse_date(d, None)) else {
                return Err(DataError::Cell {
                    file: path.to_path_buf(),
                    cell: None,
                    row: line,
                    column: format!("{id}.chart.dates"),
                    expected: "a date string".into(),
                    found: d.to_string(),
                });
            };
            let Some(x) = x.as_f64() else { continue };
            let (period, avail, rule) = match sched {
                "daily" => (d, d, LagRule::SameDay),
                _ if d.day() == 1 || (d.month() == 12 && d.day() == 31) => {
                    let p = last_day_of_month(d.year(), d.month());
                    (
                        p,
                        LagRule::NextMonthEnd.available_at(p),
                        LagRule::NextMonthEnd,
                    )
                }
                _ => {
                    let (y, m) = rotor_core::dates::add_months(d.year(), d.month(), -1);
                    (last_day_of_month(y, m), d, LagRule::Reported)
                }
            };
            rows.push(RawRow {
                line,
                cells: Cells::Typed(vec![
                    Cell::Text(id.clone()),
                    Cell::Date(period),
                    Cell::Date(avail),
                    Cell::Num(x),
                    Cell::Text(rule.as_str().into()),
                ]),
            });
        }
    }
    let headers = ["series_id", "period", "available_at", "value", "lag_rule"]
        .map(String::from)
        .to_vec();
    Ok(RawTable::new(path, headers, rows, fp))
}

fn read_parquet(path: &Path) -> Result<RawTable> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    let fp = crate::store::fingerprint(&bytes);
    let err = |e: &dyn std::fmt::Display| DataError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes)).map_err(|e| err(&e))?;
    let headers: Vec<String> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let reader = builder.build().map_err(|e| err(&e))?;
    let mut rows = Vec::new();
    let mut line = 1;
    let mut unsupported: Vec<(usize, String)> = Vec::new();
    for batch in reader {
        let batch: RecordBatch = batch.map_err(|e| err(&e))?;
        for (j, a) in batch.columns().iter().enumerate() {
            // read as empty; an error only if the mapping uses the column
            if !arrow_supported(a.data_type()) && !unsupported.iter().any(|u| u.0 == j) {
                unsupported.push((j, a.data_type().to_string()));
            }
        }
        let cols = std::sync::Arc::new(batch.columns().to_vec());
        rows.reserve(batch.num_rows());
        for i in 0..batch.num_rows() {
            line += 1;
            rows.push(RawRow {
                line,
                cells: Cells::Arrow(cols.clone(), i),
            });
        }
    }
    let mut t = RawTable::new(path, headers, rows, fp);
    t.unsupported = unsupported;
    Ok(t)
}

fn arrow_supported(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Float64
            | DataType::Float32
            | DataType::Int64
            | DataType::Int32
            | DataType::Int16
            | DataType::Int8
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Date32
            | DataType::Date64
            | DataType::Timestamp(..)
            | DataType::Boolean
    )
}

/// Cell `i` of an Arrow array, borrowed (types outside [`arrow_supported`] read as empty).
fn arrow_cell(a: &dyn Array, i: usize) -> CellRef<'_> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::*;
    if a.is_null(i) {
        return CellRef::Empty;
    }
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    // a day beyond chrono's calendar reads as its limit, which the importer refuses as
    // out of range (1900–2200) rather than taking it for an empty cell or a footer
    let beyond = |neg: bool| CellRef::Date(if neg { NaiveDate::MIN } else { NaiveDate::MAX });
    let day = |secs: i64| {
        epoch
            .checked_add_signed(chrono::Duration::seconds(secs))
            .map_or_else(|| beyond(secs < 0), CellRef::Date)
    };
    match a.data_type() {
        DataType::Utf8 => CellRef::Text(a.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => CellRef::Text(a.as_string::<i64>().value(i)),
        DataType::Utf8View => CellRef::Text(a.as_string_view().value(i)),
        DataType::Float64 => CellRef::Num(a.as_primitive::<Float64Type>().value(i)),
        DataType::Float32 => CellRef::Num(a.as_primitive::<Float32Type>().value(i) as f64),
        DataType::Int64 => CellRef::Num(a.as_primitive::<Int64Type>().value(i) as f64),
        DataType::Int32 => CellRef::Num(a.as_primitive::<Int32Type>().value(i) as f64),
        DataType::Int16 => CellRef::Num(a.as_primitive::<Int16Type>().value(i) as f64),
        DataType::UInt32 => CellRef::Num(a.as_primitive::<UInt32Type>().value(i) as f64),
        DataType::Int8 => CellRef::Num(a.as_primitive::<Int8Type>().value(i) as f64),
        DataType::UInt8 => CellRef::Num(a.as_primitive::<UInt8Type>().value(i) as f64),
        DataType::UInt16 => CellRef::Num(a.as_primitive::<UInt16Type>().value(i) as f64),
        DataType::Boolean => CellRef::Text(if a.as_boolean().value(i) {
            "true"
        } else {
            "false"
        }),
        DataType::Date64 => day(a.as_primitive::<Date64Type>().value(i).div_euclid(1_000)),
        DataType::UInt64 => CellRef::Num(a.as_primitive::<UInt64Type>().value(i) as f64),
        DataType::Date32 => {
            let d = a.as_primitive::<Date32Type>().value(i) as i64;
            epoch
                .checked_add_signed(chrono::Duration::days(d))
                .map_or_else(|| beyond(d < 0), CellRef::Date)
        }
        DataType::Timestamp(unit, _) => {
            let v = match unit {
                TimeUnit::Second => a.as_primitive::<TimestampSecondType>().value(i),
                TimeUnit::Millisecond => a
                    .as_primitive::<TimestampMillisecondType>()
                    .value(i)
                    .div_euclid(1_000),
                TimeUnit::Microsecond => a
                    .as_primitive::<TimestampMicrosecondType>()
                    .value(i)
                    .div_euclid(1_000_000),
                TimeUnit::Nanosecond => a
                    .as_primitive::<TimestampNanosecondType>()
                    .value(i)
                    .div_euclid(1_000_000_000),
            };
            day(v)
        }
        _ => CellRef::Empty,
    }
}

/// Empty or whitespace only (checks the first byte before scanning).
#[inline]
fn blank_text(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(b) if !b.is_ascii_whitespace() && b.is_ascii() => false,
        _ => s.trim().is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every row as (line, cells as text) — what conversion sees of a parsed file.
    fn rows(t: &RawTable) -> Vec<(usize, Vec<String>)> {
        t.rows
            .iter()
            .map(|r| {
                let cells = (0..r.width())
                    .map(|j| match r.cell(j) {
                        CellRef::Text(s) => s.to_string(),
                        CellRef::Empty => "<empty>".to_string(),
                        c => format!("{c:?}"),
                    })
                    .collect();
                (r.line, cells)
            })
            .collect()
    }

    fn both(name: &str, bytes: &[u8]) -> (Result<RawTable>, Result<RawTable>) {
        let path = Path::new(name);
        let plain = parse_csv_records(path, bytes, Limits::default(), true);
        let core = parse_csv_records(path, bytes, Limits::default(), false);
        (plain, core)
    }

    fn assert_same(name: &str, bytes: &[u8]) {
        match both(name, bytes) {
            (Ok(p), Ok(c)) => {
                assert_eq!(p.headers, c.headers);
                assert_eq!(p.header_line, c.header_line);
                assert_eq!(rows(&p), rows(&c));
            }
            (Err(p), Err(c)) => assert_eq!(p.to_string(), c.to_string()),
            (p, c) => panic!(
                "plain {:?} vs csv_core {:?}",
                p.map(|t| t.rows.len()),
                c.map(|t| t.rows.len())
            ),
        }
    }

    #[test]
    fn plain_split_reads_what_csv_core_reads() {
        // blank lines, CRLF, a trailing delimiter, short and long rows, no final newline,
        // a BOM, spaces-only rows, Chinese text
        for text in [
            "a,b,c\n1,2,3\n",
            "\u{feff}日期,收盘\r\n\r\n2024-01-02,3.5\r\n2024-01-03,\r\n",
            "\n\n  ,  \nx,y\n1,2,\n3\n4,5,6,7",
            "h\n\n\n1\n \n2",
            "a\tb\n1\t2\n",
        ] {
            assert_same("f.csv", text.as_bytes());
            assert_same("f.tsv", text.as_bytes());
        }
    }

    #[test]
    fn plain_split_only_without_quotes_or_lone_carriage_returns() {
        let plain = |s: &str| {
            matches!(
                Records::for_input(s.as_bytes(), b',', true),
                Records::Plain { .. }
            )
        };
        assert!(plain("a,b\r\n1,2\r\n"));
        assert!(!plain("a,b\n\"1\",2\n"));
        assert!(!plain("a,b\r1,2\r"));
        assert!(!plain("a,b\r\r\n1,2"));
        // a lone CR ends a record in csv_core: both readers agree on such a file
        assert_same("f.csv", b"a,b\r1,2\r\n3,4");
    }

    proptest! {
        #[test]
        fn plain_split_matches_csv_core(parts in proptest::collection::vec(
            prop_oneof![
                Just(",".to_string()), Just("\n".to_string()), Just("\r\n".to_string()),
                Just(" ".to_string()), Just("\t".to_string()), Just("收".to_string()),
                "[a-z0-9.\\-]{1,6}",
            ],
            0..60,
        )) {
            let text: String = parts.concat();
            assert_same("p.csv", text.as_bytes());
            assert_same("p.tsv", text.as_bytes());
        }
    }
}
