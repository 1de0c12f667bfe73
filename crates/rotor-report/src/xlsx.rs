//! The Excel workbook beside each HTML report: an overview sheet (title, headline
//! figures), one sheet per table of the report (real numbers with number formats:
//! `0.00%` for percentages, dates as Excel dates, bold frozen header row, column widths
//! fitted to content) and, for every line chart marked `excel`, a data sheet with a
//! native Excel line chart of its series beside the data — so a researcher can restyle
//! the NAV chart in Excel instead of pasting a picture.
//!
//! The file is byte-identical for the same report: the document creation time is fixed
//! (1 January 2000) rather than the wall clock.

use crate::chart::{Chart, Kind, PALETTE};
use crate::doc::{Block, Cell, Report, Table};
use rust_xlsxwriter::{
    Chart as XChart, ChartFormat, ChartLegendPosition, ChartLine, ChartType, Color, DocProperties,
    ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::collections::BTreeSet;

struct Formats {
    header: Format,
    title: Format,
    pct: Format,
    date: Format,
    int: Format,
    num: Vec<Format>,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xF0F0F0))
                .set_border(FormatBorder::Thin),
            title: Format::new().set_bold().set_font_size(14),
            pct: Format::new().set_num_format("0.00%"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            int: Format::new().set_num_format("0"),
            num: (0..=6)
                .map(|d| {
                    let f = if d == 0 {
                        "0".to_string()
                    } else {
                        format!("0.{}", "0".repeat(d))
                    };
                    Format::new().set_num_format(f)
                })
                .collect(),
        }
    }
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`, unique case-insensitively.
fn sheet_name(want: &str, used: &mut BTreeSet<String>) -> String {
    let clean: String = want
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let base: String = clean.chars().take(28).collect();
    let base = if base.trim().is_empty() {
        "Sheet".to_string()
    } else {
        base
    };
    let mut name = base.clone();
    let mut k = 2;
    while used.contains(&name.to_lowercase()) {
        name = format!("{base}_{k}");
        k += 1;
    }
    used.insert(name.to_lowercase());
    name
}

fn xdate(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    f: &Formats,
) -> Result<usize, XlsxError> {
    let shown = cell.display();
    match cell {
        Cell::Text(s) => {
            ws.write_string(r, c, s)?;
        }
        Cell::Num(v, d) if v.is_finite() => {
            ws.write_number_with_format(r, c, *v, &f.num[(*d as usize).min(6)])?;
        }
        Cell::Pct(v) | Cell::PctPlain(v) if v.is_finite() => {
            ws.write_number_with_format(r, c, *v, &f.pct)?;
        }
        Cell::Int(i) => {
            ws.write_number_with_format(r, c, *i as f64, &f.int)?;
        }
        Cell::Date(d) => {
            ws.write_datetime_with_format(r, c, xdate(*d)?, &f.date)?;
        }
        _ => {}
    }
    Ok(shown
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum())
}

fn write_table(ws: &mut Worksheet, t: &Table, f: &Formats) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = t
        .headers
        .iter()
        .map(|h| h.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum())
        .collect();
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &f.header)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let w = write_cell(ws, r as u32 + 1, c as u16, cell, f)?;
            if c < widths.len() {
                widths[c] = widths[c].max(w);
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(8.0, 60.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A data sheet for a line chart plus the native chart beside it.
fn write_line_chart(
    ws: &mut Worksheet,
    name: &str,
    ch: &Chart,
    f: &Formats,
) -> Result<(), XlsxError> {
    let Kind::Line(lc) = &ch.kind else {
        return Ok(());
    };
    ws.write_string_with_format(0, 0, "date", &f.header)?;
    for (k, s) in lc.series.iter().enumerate() {
        ws.write_string_with_format(0, k as u16 + 1, &s.name, &f.header)?;
    }
    let fmt = match lc.y {
        crate::chart::YFmt::Pct => &f.pct,
        crate::chart::YFmt::Num(d) => &f.num[(d as usize).min(6)],
    };
    for (i, d) in lc.x.iter().enumerate() {
        ws.write_datetime_with_format(i as u32 + 1, 0, xdate(*d)?, &f.date)?;
        for (k, s) in lc.series.iter().enumerate() {
            if let Some(v) = s.values.get(i).filter(|v| v.is_finite()) {
                ws.write_number_with_format(i as u32 + 1, k as u16 + 1, *v, fmt)?;
            }
        }
    }
    ws.set_column_width(0, 12)?;
    for k in 0..lc.series.len() {
        ws.set_column_width(k as u16 + 1, 14)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let n = lc.x.len() as u32;
    if n == 0 {
        return Ok(());
    }
    let mut chart = XChart::new(ChartType::Line);
    chart.title().set_name(&ch.title);
    for (k, s) in lc.series.iter().enumerate() {
        let colour = s
            .color
            .as_deref()
            .unwrap_or(PALETTE[k % PALETTE.len()])
            .trim_start_matches('#');
        let rgb = u32::from_str_radix(colour, 16).unwrap_or(0x333333);
        chart
            .add_series()
            .set_name((name, 0, k as u16 + 1))
            .set_categories((name, 1, 0, n, 0))
            .set_values((name, 1, k as u16 + 1, n, k as u16 + 1))
            .set_format(
                ChartFormat::new()
                    .set_line(ChartLine::new().set_color(Color::RGB(rgb)).set_width(1.25)),
            );
    }
    chart.x_axis().set_date_axis(true).set_num_format("yyyy");
    chart.y_axis().set_num_format(match lc.y {
        crate::chart::YFmt::Pct => "0%",
        crate::chart::YFmt::Num(_) => "0.00",
    });
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(900).set_height(420);
    ws.insert_chart(1, lc.series.len() as u16 + 2, &chart)?;
    Ok(())
}

/// The workbook as bytes.
pub fn workbook(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(&r.title)
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let mut used = BTreeSet::new();
    // overview
    {
        let name = sheet_name("概览", &mut used);
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        ws.write_string_with_format(0, 0, &r.title, &f.title)?;
        ws.write_string(1, 0, &r.subtitle)?;
        let mut row = 3u32;
        for sec in &r.sections {
            for b in &sec.blocks {
                if let Block::Figures(figs) = b {
                    for (label, value, _) in figs {
                        ws.write_string(row, 0, label)?;
                        ws.write_string(row, 1, value)?;
                        row += 1;
                    }
                }
            }
        }
        ws.set_column_width(0, 30)?;
        ws.set_column_width(1, 22)?;
    }
    for sec in &r.sections {
        for b in &sec.blocks {
            match b {
                Block::Table(t) => {
                    let name = sheet_name(&t.sheet, &mut used);
                    let ws = wb.add_worksheet();
                    ws.set_name(&name)?;
                    write_table(ws, t, &f)?;
                }
                Block::Chart(c) if c.excel => {
                    let name = sheet_name(&c.title, &mut used);
                    let ws = wb.add_worksheet();
                    ws.set_name(&name)?;
                    write_line_chart(ws, &name, c, &f)?;
                }
                Block::Pre(text) => {
                    let name = sheet_name("配置", &mut used);
                    let ws = wb.add_worksheet();
                    ws.set_name(&name)?;
                    for (i, line) in text.lines().enumerate() {
                        ws.write_string(i as u32, 0, line)?;
                    }
                    ws.set_column_width(0, 80)?;
                }
                _ => {}
            }
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_legal_and_unique() {
        let mut used = BTreeSet::new();
        assert_eq!(sheet_name("a/b", &mut used), "a_b");
        assert_eq!(sheet_name("A_B", &mut used), "A_B_2");
        let long = sheet_name(&"x".repeat(40), &mut used);
        assert!(long.chars().count() <= 31);
    }
}
