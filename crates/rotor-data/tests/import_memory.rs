//! Memory stays proportional to the data kept (the process's peak resident memory is
//! watched), and oversized cells and sheets are refused with a clear error.
//!
//! Before the fix, the CSV reader cloned the csv crate's record, whose buffer grows to
//! the longest row so far: one 1 MB cell made every later row cost 1 MB (a 1.1 MB file
//! took 1.5 GB). An XLSX with two far-apart cells was read as the dense range between
//! them (10^6 × 50 cells took 1.5 GB).

use rotor_data::import::reader::{self, Limits};
use std::sync::Mutex;

/// The tests measure one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// A `kB` field of /proc/self/status, in bytes.
fn status_kb(field: &str) -> Option<usize> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The peak resident memory added while `f` runs (Linux: the high-water mark is reset
/// through /proc/self/clear_refs), or None where that is not available.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, Option<usize>) {
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let base = status_kb("VmRSS:");
    let out = f();
    let peak = status_kb("VmHWM:");
    match (reset, base, peak) {
        (true, Some(b), Some(p)) => (out, Some(p.saturating_sub(b))),
        _ => {
            eprintln!("skipping the memory bound: /proc/self/clear_refs or VmHWM unavailable");
            (out, None)
        }
    }
}

#[test]
fn a_long_cell_does_not_make_every_later_row_cost_as_much() {
    let _g = SERIAL.lock().unwrap();
    let mut s = String::from("date,close,comment\n");
    s.push_str(&format!("2020-01-01,1.0,{}\n", "x".repeat(200_000)));
    for i in 0..3000 {
        s.push_str(&format!("2020-01-02,{}.5,\n", i));
    }
    let bytes = s.into_bytes();
    let (raw, peak) =
        peak_during(|| reader::parse_csv_bytes(std::path::Path::new("long.csv"), &bytes).unwrap());
    assert_eq!(raw.rows.len(), 3001);
    // the file is 0.24 MB; cloned grown records would hold 3000 × 200 KB = 600 MB
    if let Some(peak) = peak {
        assert!(peak < 64 << 20, "peak {} MB", peak >> 20);
    }
}

#[test]
fn a_cell_over_the_limit_is_refused_naming_row_and_column() {
    let body = format!("date,close,comment\n2020-01-01,1.0,{}\n", "y".repeat(5000));
    let lim = Limits {
        max_cell_bytes: 4096,
        ..Limits::default()
    };
    let e = reader::parse_csv_limited(std::path::Path::new("c.csv"), body.as_bytes(), lim)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("c.csv") && e.contains("row 2") && e.contains("`comment`") && e.contains("4096"),
        "{e}"
    );
}

fn workbook(path: &std::path::Path, fill: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Data").unwrap();
    fill(ws);
    wb.save(path).unwrap();
}

#[test]
fn a_sparse_sheet_costs_its_cells_not_its_bounding_box() {
    let _g = SERIAL.lock().unwrap();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("sparse.xlsx");
    workbook(&p, |ws| {
        ws.write(0, 0, "date").unwrap();
        ws.write(0, 1, "close").unwrap();
        ws.write(1, 0, "2024-01-02").unwrap();
        ws.write(1, 1, 3.5).unwrap();
        ws.write(999_999, 49, 1.0).unwrap();
    });
    let (raw, peak) = peak_during(|| reader::read_file(&p, None).unwrap());
    assert_eq!(raw.rows.len(), 2);
    assert_eq!(raw.headers.len(), 50);
    assert_eq!(raw.rows[1].line, 1_000_000);
    // the dense range would be 5·10^7 cells (1.5 GB)
    if let Some(peak) = peak {
        assert!(peak < 64 << 20, "peak {} MB", peak >> 20);
    }
}

#[test]
fn a_sheet_over_the_cell_limit_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("big.xlsx");
    let fmt = rust_xlsxwriter::Format::new().set_bold();
    workbook(&p, |ws| {
        ws.write(0, 0, "date").unwrap();
        for r in 1..200u32 {
            for c in 0..10u16 {
                // formatted blanks: cells in the XML without a value
                ws.write_blank(r, c, &fmt).unwrap();
            }
        }
    });
    let lim = Limits {
        max_sheet_cells: 1000,
        ..Limits::default()
    };
    let e = reader::read_file_limited(&p, None, lim)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("big.xlsx") && e.contains("sheet `Data`") && e.contains("more than 1000 cells"),
        "{e}"
    );
    assert!(
        reader::read_file(&p, None).is_ok(),
        "within the default limit"
    );
}

/// The CSV reader's edge cases: quoted delimiters, quotes and line breaks inside a field,
/// CRLF, blank lines and rows of blank cells before and between rows, a BOM on the
/// header, ragged rows — every kept row with its 1-based line in the file.
#[test]
fn csv_quoting_line_breaks_blank_lines_and_line_numbers() {
    use rotor_data::import::reader::CellRef;
    let body = "\u{feff}\r\n date ,close,note\r\n2020-01-01,1.5,\"a, b\"\r\n\r\n , ,\r\n2020-01-02,\"2\",\"say \"\"hi\"\"\nnext\"\n2020-01-03,3\n2020-01-06,4,x,extra\n";
    let t = reader::parse_csv_bytes(std::path::Path::new("e.csv"), body.as_bytes()).unwrap();
    assert_eq!(t.headers, vec!["date", "close", "note"]);
    assert_eq!(t.header_line, 2);
    let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![3, 6, 8, 9]);
    let text = |i: usize, j: usize| match t.rows[i].cell(j) {
        CellRef::Text(s) => s.to_string(),
        CellRef::Empty => String::new(),
        other => format!("{other:?}"),
    };
    assert_eq!(text(0, 2), "a, b");
    assert_eq!(text(1, 1), "2");
    assert_eq!(text(1, 2), "say \"hi\"\nnext");
    assert_eq!(text(2, 2), "");
    assert_eq!(text(3, 3), "extra");
    // only a header: no rows; nothing at all: an error naming the file
    let h = reader::parse_csv_bytes(std::path::Path::new("h.csv"), b"a,b\n").unwrap();
    assert!(h.rows.is_empty());
    let e = reader::parse_csv_bytes(std::path::Path::new("z.csv"), b"\n \n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("z.csv") && e.contains("empty file"), "{e}");
}

/// A quote left open swallows the rows after it into one cell: refused naming the row and
/// column, never imported as fewer rows.
#[test]
fn a_quote_left_open_is_refused_not_rows_lost() {
    let body =
        "date,close,volume\n2020-01-01,1.0,5\n2020-01-02,\"1.5,6\n2020-01-03,2,7\n2020-01-06,3,8\n";
    let e = reader::parse_csv_bytes(std::path::Path::new("q.csv"), body.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("q.csv")
            && e.contains("row 3")
            && e.contains("`close`")
            && e.contains("balanced quotes"),
        "{e}"
    );
    // a quoted note over two lines is a cell, not an error
    let ok = "date,close,note\n2020-01-01,1.0,\"first line\nsecond, line\"\n2020-01-02,2.0,x\n";
    let t = reader::parse_csv_bytes(std::path::Path::new("n.csv"), ok.as_bytes()).unwrap();
    assert_eq!(t.rows.len(), 2);
}
