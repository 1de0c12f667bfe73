//! Output helpers: progress bars that respect `--quiet`, aligned text tables, sparklines,
//! and the paths of written reports.

use indicatif::{ProgressBar, ProgressStyle};

/// Write one line to stdout (the [`out!`] macro). A closed pipe (`rotor … | head -1`)
/// ends the process quietly with status 0, as `cat` or `rg` do; any other write error
/// ends it with status 2 and a message. Every command prints through this, never
/// `println!` (which panics on a closed pipe; clippy's `disallowed-macros` keeps it out).
pub fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let res = out
        .write_fmt(args)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(e) = res {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to stdout: {e}");
        std::process::exit(2);
    }
}

/// Output settings shared by all commands.
pub struct Ui {
    /// Suppress progress and summaries on stderr.
    pub quiet: bool,
    /// JSON on stdout.
    pub json: bool,
}

impl Ui {
    /// A progress bar of `n` steps (hidden when quiet or not a terminal).
    pub fn bar(&self, n: u64, msg: &str) -> ProgressBar {
        if self.quiet {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::new(n);
        pb.set_style(
            ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} {elapsed}")
                .expect("template")
                .progress_chars("=> "),
        );
        pb.set_message(msg.to_string());
        pb
    }

    /// A note on stderr unless quiet.
    pub fn note(&self, s: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", s.as_ref());
        }
    }
}

/// A fraction as a percentage with two decimals (`6.75%`), `—` when missing.
pub fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.2}%", 100.0 * x)
    } else {
        "—".into()
    }
}

/// A number with two decimals, `—` when missing.
pub fn f2(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}")
    } else {
        "—".into()
    }
}

/// Render rows as an aligned text table (display width aware for CJK).
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let w = |s: &str| {
        s.chars()
            .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
            .sum::<usize>()
    };
    let mut widths: Vec<usize> = headers.iter().map(|h| w(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(w(c));
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}{}", c, " ".repeat(widths[i] - w(c))))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(headers.to_vec());
    out.push('\n');
    out.push_str(
        &widths
            .iter()
            .map(|n| "-".repeat(*n))
            .collect::<Vec<_>>()
            .join("  "),
    );
    for r in rows {
        out.push('\n');
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

/// A terminal sparkline of the finite values (at most `width` buckets).
pub fn sparkline(v: &[f64], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return String::new();
    }
    let step = v.len().div_ceil(width.max(1));
    let pts: Vec<f64> = v.chunks(step).map(|c| c[c.len() - 1]).collect();
    let (lo, hi) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    pts.iter()
        .map(|x| {
            if hi > lo {
                BARS[(((x - lo) / (hi - lo)) * 7.0).round() as usize]
            } else {
                BARS[3]
            }
        })
        .collect()
}

/// Print where the reports are: on stdout (they are the result), or on stderr with
/// `--json` so that stdout stays one JSON document.
pub fn print_written(ui: &Ui, written: &[rotor_report::Written]) {
    for w in written {
        let lines = [
            format!("report   {}", w.html.display()),
            format!("workbook {}", w.xlsx.display()),
            format!(
                "charts   {} PNG in {}",
                w.png.len(),
                w.png
                    .first()
                    .and_then(|p| p.parent())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ),
        ];
        for l in lines {
            if ui.json {
                ui.note(l);
            } else {
                out!("{l}");
            }
        }
    }
}

/// Open a CSV file for a command's side input (NAVs, factor returns, holdings,
/// industries): the reader and its header names, trimmed, without a UTF-8 BOM (vendor
/// exports often start with one). Errors name the file.
pub fn csv_with_headers(
    path: &std::path::Path,
) -> anyhow::Result<(csv::Reader<std::fs::File>, Vec<String>)> {
    use anyhow::Context;
    let mut r = csv::Reader::from_path(path).with_context(|| path.display().to_string())?;
    let h = r
        .headers()
        .with_context(|| format!("{}: no header row", path.display()))?
        .iter()
        .map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    Ok((r, h))
}
