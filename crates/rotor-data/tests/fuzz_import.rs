//! A time-bounded structured fuzzer of the importers, run in CI.
//!
//! Vendor-like CSV, XLSX and Parquet files are mutated (cells replaced by the values
//! that broke readers before: dates outside 1900–2200, `1e400`, `inf`, `5%`, `=…`,
//! Chinese dates, serial numbers, long cells, stray quotes, BOMs and GBK bytes; rows
//! dropped, repeated or truncated; headers repeated) and run through every reader and
//! the conversion to each dataset, then some through a commit to a store and a read
//! back. Nothing may panic; every error names the file; a committed table reads back
//! whole.
//!
//! The budget is `ROTOR_FUZZ_SECS` seconds (default 8). The case stream is determined
//! by `ROTOR_FUZZ_SEED` (default 1), and a failing case is written to
//! `$TMPDIR/rotor-fuzz-failure.*` with its case number, so it can be replayed.

use rotor_data::import::{self, reader, FileSpec};
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_data::table::ConflictPolicy;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// xorshift64*: a small deterministic stream (no dependency, replayable by seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
}

/// Cell values that broke readers before, and ordinary ones.
fn nasty(r: &mut Rng) -> String {
    const FIXED: &[&str] = &[
        "",
        "--",
        "NaN",
        "inf",
        "-inf",
        "1e400",
        "-1e400",
        "5%",
        "=5772.65",
        "\"1,234.5\"",
        "00530101",
        "2201-01-01",
        "1899-12-31",
        "+262143-12-31",
        "2019年7月1日",
        "01/07/2019",
        "43647",
        "0",
        "-1",
        "9223372036854775807",
        "数据来源：Wind",
        "\u{feff}date",
        "\"",
        "a\"b",
        "2024-02-30",
        "2024/1/31",
        "20240131",
        "2024-01-31 15:00:00",
        "NULL",
        "#N/A",
        "510300",
        "510300.SH",
        "sh510300",
        "1.0e-320",
        "  3.5  ",
        "３．５",
    ];
    match r.below(10) {
        0..=5 => FIXED[r.below(FIXED.len())].to_string(),
        6 => format!("{}", (r.next() as i64) as f64 / 1e6),
        7 => format!(
            "20{:02}-{:02}-{:02}",
            r.below(40),
            1 + r.below(13),
            1 + r.below(32)
        ),
        8 => "x".repeat(r.below(20_000)),
        _ => (0..r.below(12))
            .map(|_| char::from_u32(32 + r.below(0x3000) as u32).unwrap_or('?'))
            .collect(),
    }
}

const HEADERS: &[&str] = &[
    "date",
    "trade_date",
    "日期",
    "code",
    "ts_code",
    "close",
    "收盘",
    "open",
    "high",
    "low",
    "volume",
    "amount",
    "pe_ttm",
    "pb",
    "value",
    "period",
    "release_date",
    "weight",
    "con_code",
    "name",
    "series_id",
    "asset",
];

/// A vendor-like grid: headers and rows of plausible cells, then mutated.
fn grid(r: &mut Rng) -> (Vec<String>, Vec<Vec<String>>) {
    let w = 2 + r.below(6);
    let mut headers: Vec<String> = (0..w)
        .map(|_| HEADERS[r.below(HEADERS.len())].to_string())
        .collect();
    if r.chance(0.7) {
        headers[0] = "date".into();
    }
    let n = r.below(60);
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let row: Vec<String> = (0..w)
            .map(|j| {
                if r.chance(0.15) {
                    nasty(r)
                } else if j == 0 {
                    format!("2024-{:02}-{:02}", 1 + i / 28 % 12, 1 + i % 28)
                } else if headers[j].contains("code") {
                    "510300.SH".into()
                } else {
                    format!("{:.3}", 1.0 + (i * (j + 1)) as f64 * 0.01)
                }
            })
            .collect();
        rows.push(row);
    }
    if r.chance(0.2) && !rows.is_empty() {
        let k = r.below(rows.len());
        let dup = rows[k].clone();
        rows.insert(k, dup);
    }
    if r.chance(0.2) && !rows.is_empty() {
        let k = r.below(rows.len());
        rows[k].truncate(r.below(w));
    }
    (headers, rows)
}

fn csv_bytes(r: &mut Rng, headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut s = String::new();
    if r.chance(0.1) {
        s.push('\u{feff}');
    }
    s.push_str(&headers.join(","));
    s.push('\n');
    for row in rows {
        s.push_str(&row.join(","));
        s.push('\n');
    }
    let mut b = s.into_bytes();
    if r.chance(0.1) && !b.is_empty() {
        b.truncate(r.below(b.len()));
    }
    if r.chance(0.1) {
        // GBK bytes of 收盘 / stray high bytes
        let at = r.below(b.len() + 1);
        b.splice(at..at, [0xCA, 0xD5, 0xC5, 0xCC, 0xFF]);
    }
    b
}

fn xlsx_file(r: &mut Rng, path: &Path, headers: &[String], rows: &[Vec<String>]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let (r0, c0) = (r.below(3) as u32, r.below(3) as u16);
    for (j, h) in headers.iter().enumerate() {
        let _ = ws.write(r0, c0 + j as u16, h.as_str());
    }
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            let (rr, cc) = (r0 + 1 + i as u32, c0 + j as u16);
            let _ = match v.parse::<f64>() {
                Ok(x) if x.is_finite() && r.chance(0.7) => ws.write(rr, cc, x).map(|_| ()),
                _ if v.is_empty() => Ok(()),
                _ => ws
                    .write(rr, cc, v.chars().take(30_000).collect::<String>())
                    .map(|_| ()),
            };
        }
    }
    if r.chance(0.2) {
        let _ = ws.write(r.below(50_000) as u32, r.below(200) as u16, 1.0);
    }
    wb.save(path).unwrap();
}

fn parquet_file(r: &mut Rng, path: &Path, headers: &[String], rows: &[Vec<String>]) {
    use arrow_array::{
        ArrayRef, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
        TimestampNanosecondArray,
    };
    use std::sync::Arc;
    let n = rows.len();
    let mut cols: Vec<(String, ArrayRef)> = Vec::new();
    for (j, h) in headers.iter().enumerate() {
        let name = if cols.iter().any(|c| &c.0 == h) {
            format!("{h}_{j}")
        } else {
            h.clone()
        };
        let cell = |i: usize| rows[i].get(j).cloned().unwrap_or_default();
        let a: ArrayRef = match r.below(5) {
            0 => Arc::new(Date32Array::from(
                (0..n)
                    .map(|i| match r.below(20) {
                        0 => None,
                        1 => Some(i32::MAX),
                        2 => Some(i32::MIN),
                        3 => Some(95_000),
                        _ => Some(19_000 + i as i32),
                    })
                    .collect::<Vec<_>>(),
            )),
            1 => Arc::new(Float64Array::from(
                (0..n)
                    .map(|i| cell(i).parse::<f64>().unwrap_or(f64::NAN))
                    .collect::<Vec<_>>(),
            )),
            2 => Arc::new(Int64Array::from(
                (0..n)
                    .map(|_| r.next() as i64 >> r.below(60))
                    .collect::<Vec<_>>(),
            )),
            3 => Arc::new(TimestampNanosecondArray::from(
                (0..n).map(|_| r.next() as i64).collect::<Vec<_>>(),
            )),
            _ => Arc::new(StringArray::from((0..n).map(cell).collect::<Vec<_>>())),
        };
        cols.push((name, a));
    }
    let batch = RecordBatch::try_from_iter(cols).unwrap();
    let f = std::fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

const DATASETS: [Dataset; 6] = [
    Dataset::Prices,
    Dataset::Valuation,
    Dataset::Macro,
    Dataset::Weights,
    Dataset::Flows,
    Dataset::EtfSize,
];

/// What the cases reached: files read, conversions that succeeded, commits.
#[derive(Default)]
struct Reach {
    read: usize,
    converted: usize,
    committed: usize,
}

/// Run one file through every reader and conversion; commit some to a store.
fn exercise(
    r: &mut Rng,
    path: &Path,
    store: Option<&Store>,
    reach: &mut Reach,
) -> Result<(), String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let named = |e: &dyn std::fmt::Display| {
        let s = e.to_string();
        if s.contains(&name) {
            Ok(())
        } else {
            Err(format!("an error that does not name the file: {s}"))
        }
    };
    match reader::read_file(path, None) {
        Err(e) => named(&e)?,
        Ok(raw) => {
            reach.read += 1;
            for ds in DATASETS {
                let mut s = FileSpec::new(path.display().to_string(), ds);
                if r.chance(0.5) {
                    s.code = Some("510300.SH".into());
                }
                match import::convert(&raw, &s) {
                    Err(e) => named(&e)?,
                    Ok(c) => {
                        let t = c.table;
                        if c.account.kept != t.len() {
                            return Err(format!(
                                "account kept {} of {} rows",
                                c.account.kept,
                                t.len()
                            ));
                        }
                        reach.converted += 1;
                        if let (Some(st), true) = (store, r.chance(0.3)) {
                            reach.committed += 1;
                            let before = st.read(ds).map_err(|e| e.to_string())?.len();
                            let rep = st
                                .commit(vec![t], Vec::new(), ConflictPolicy::Keep)
                                .map_err(|e| format!("commit: {e}"))?;
                            let added = rep.stats.get(&ds).map_or(0, |s| s.added);
                            let after = st.read(ds).map_err(|e| e.to_string())?.len();
                            if after != before + added {
                                return Err(format!(
                                    "{ds}: {before} rows + {added} added but {after} read back"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    if !name.ends_with(".xlsx") {
        if let Err(e) = rotor_data::longfile::read_long(path, None) {
            named(&e)?;
        }
    }
    Ok(())
}

fn budget() -> Duration {
    let secs = std::env::var("ROTOR_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(8.0);
    Duration::from_secs_f64(secs)
}

#[test]
fn importers_never_panic_and_errors_name_the_file() {
    let seed: u64 = std::env::var("ROTOR_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let d = tempfile::tempdir().unwrap();
    let store = Store::open(d.path().join("store")).unwrap();
    let t0 = Instant::now();
    let mut case = 0u64;
    let mut kinds = [0usize; 3];
    let mut reach = Reach::default();
    while t0.elapsed() < budget() {
        case += 1;
        let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ case.wrapping_mul(0xD1B5_4A32_D192_ED03)
            | 1);
        let (headers, rows) = grid(&mut r);
        let kind = r.below(3);
        kinds[kind] += 1;
        let path: PathBuf = d
            .path()
            .join(format!("case{case}.{}", ["csv", "xlsx", "parquet"][kind]));
        match kind {
            0 => std::fs::write(&path, csv_bytes(&mut r, &headers, &rows)).unwrap(),
            1 => xlsx_file(&mut r, &path, &headers, &rows),
            _ => parquet_file(&mut r, &path, &headers, &rows),
        }
        let res = std::panic::catch_unwind(AssertUnwindSafe(|| {
            exercise(&mut r, &path, Some(&store), &mut reach)
        }));
        let failure = match res {
            Ok(Ok(())) => None,
            Ok(Err(m)) => Some(m),
            Err(p) => Some(format!(
                "panic: {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        };
        if let Some(m) = failure {
            let keep = std::env::temp_dir().join(format!(
                "rotor-fuzz-failure.{}",
                ["csv", "xlsx", "parquet"][kind]
            ));
            let _ = std::fs::copy(&path, &keep);
            panic!(
                "seed {seed} case {case}: {m}\n(the input is saved as {})",
                keep.display()
            );
        }
        let _ = std::fs::remove_file(&path);
    }
    eprintln!(
        "fuzzed {case} files in {:.1}s (csv {}, xlsx {}, parquet {}): {} read, {} conversions, {} commits",
        t0.elapsed().as_secs_f64(),
        kinds[0],
        kinds[1],
        kinds[2],
        reach.read,
        reach.converted,
        reach.committed
    );
    assert!(case > 20, "the budget ran out after {case} cases");
    assert!(
        reach.converted > 0 && reach.committed > 0,
        "the fuzzer never got past the readers"
    );
}
