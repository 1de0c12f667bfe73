//! Charts drawn as plain SVG strings: [`LineChart`] (NAVs, drawdowns, IC series, macro
//! inputs, with shaded date bands for regimes), [`BarChart`] (grouped bars: RankIC by
//! regime, quantile returns, turnover, histograms) and [`GridChart`] (holdings over
//! time). No JavaScript is needed to draw them; the same SVG is inlined in the HTML
//! page and rasterised to PNG.
//!
//! Every chart puts its data marks in one `<g class="data">` group and carries
//! `data-points` = the number of finite values drawn, so a browser test can check that
//! each chart has drawn data. Colours follow the A-share convention where a sign is
//! shown: red up, green down.

mod axis;
mod bar;
mod grid;
mod line;

pub use bar::BarChart;
pub use grid::GridChart;
pub use line::{Band, LineChart};

/// Font stack of every chart: the bundled Noto Sans CJK SC first (PNG export), then the
/// usual Chinese system fonts (the page).
pub const FONT: &str =
    "'Noto Sans CJK SC','PingFang SC','Microsoft YaHei','Source Han Sans SC',sans-serif";

/// Series colours (the ECharts default palette, familiar from Chinese research notes).
pub const PALETTE: [&str; 8] = [
    "#c23531", "#2f4554", "#61a0a8", "#d48265", "#91c7ae", "#749f83", "#ca8622", "#6e7074",
];

/// Colour of a gain (red in China).
pub const UP: &str = "#c23531";
/// Colour of a loss (green in China).
pub const DOWN: &str = "#3a9a5b";

/// Chart width in SVG units (the page scales it to its column).
pub const WIDTH: f64 = 960.0;

/// How the value axis is labelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum YFmt {
    /// Values are fractions shown as percentages.
    Pct,
    /// Plain numbers with this many decimals.
    Num(u8),
}

impl YFmt {
    /// Format a tick value given the tick step (enough decimals to tell ticks apart).
    pub fn tick(self, v: f64, step: f64) -> String {
        match self {
            YFmt::Pct => {
                let d = decimals(step * 100.0);
                format!("{:.*}%", d, v * 100.0)
            }
            YFmt::Num(d) => format!("{:.*}", decimals(step).max(d as usize), v),
        }
    }
}

/// Decimals needed to show multiples of `step` exactly (0 for steps ≥ 1).
fn decimals(step: f64) -> usize {
    if step.is_nan() || step <= 0.0 || step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil().clamp(0.0, 6.0) as usize
    }
}

/// One data series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// Values (NaN = gap).
    pub values: Vec<f64>,
    /// Colour; the palette by position when `None`.
    pub color: Option<String>,
    /// Stroke width (lines).
    pub width: f64,
    /// Dashed stroke (lines).
    pub dashed: bool,
}

impl Series {
    /// A solid series with the default colour and width.
    pub fn new(name: impl Into<String>, values: Vec<f64>) -> Self {
        Series {
            name: name.into(),
            values,
            color: None,
            width: 1.6,
            dashed: false,
        }
    }

    /// Set the colour.
    pub fn color(mut self, c: &str) -> Self {
        self.color = Some(c.into());
        self
    }

    /// Dashed stroke.
    pub fn dashed(mut self) -> Self {
        self.dashed = true;
        self
    }

    fn colour(&self, k: usize) -> &str {
        self.color.as_deref().unwrap_or(PALETTE[k % PALETTE.len()])
    }
}

/// Finite values over all series (a chart's `data-points`).
pub(crate) fn finite_points(series: &[Series]) -> usize {
    series
        .iter()
        .map(|s| s.values.iter().filter(|v| v.is_finite()).count())
        .sum()
}

/// What kind of chart.
#[derive(Debug, Clone)]
pub enum Kind {
    /// Lines over dates.
    Line(LineChart),
    /// Grouped bars over categories.
    Bar(BarChart),
    /// Filled cells over dates × rows.
    Grid(GridChart),
}

/// A chart with its identity.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Identifier (the SVG id and the PNG file name).
    pub id: String,
    /// Title drawn inside the chart.
    pub title: String,
    /// The chart itself.
    pub kind: Kind,
    /// Exported as PNG.
    pub png: bool,
    /// Written with its data as a native Excel chart (line charts only).
    pub excel: bool,
}

impl Chart {
    /// A chart that is neither exported as PNG nor to Excel.
    pub fn new(id: &str, title: impl Into<String>, kind: Kind) -> Self {
        Chart {
            id: id.into(),
            title: title.into(),
            kind,
            png: false,
            excel: false,
        }
    }

    /// Also export as PNG.
    pub fn png(mut self) -> Self {
        self.png = true;
        self
    }

    /// Also write as a native Excel chart.
    pub fn excel(mut self) -> Self {
        self.excel = true;
        self
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> String {
        match &self.kind {
            Kind::Line(c) => c.svg(&self.id, &self.title),
            Kind::Bar(c) => c.svg(&self.id, &self.title),
            Kind::Grid(c) => c.svg(&self.id, &self.title),
        }
    }
}

/// Escape text for XML / HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Rough text width at a font size (CJK characters are square, Latin about 0.6 em).
pub(crate) fn text_w(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f64>()
        * size
}

/// The opening of a chart SVG.
pub(crate) fn open(id: &str, h: f64, points: usize) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{}\" data-points=\"{points}\" viewBox=\"0 0 {WIDTH} {h}\" width=\"{WIDTH}\" height=\"{h}\" font-family=\"{}\" font-size=\"12\"><rect width=\"{WIDTH}\" height=\"{h}\" fill=\"#ffffff\"/>",
        esc(id),
        esc(FONT).replace("&#39;", "'")
    )
}

/// Title at the top left.
pub(crate) fn title(t: &str) -> String {
    format!(
        "<text x=\"12\" y=\"20\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">{}</text>",
        esc(t)
    )
}

/// The legend of `series` (names and colours) right-aligned on one line at `y`.
pub(crate) fn series_legend(series: &[Series], y: f64, right: f64) -> String {
    let items: Vec<(String, String)> = series
        .iter()
        .enumerate()
        .map(|(k, se)| (se.name.clone(), se.colour(k).to_string()))
        .collect();
    legend(&items, y, right)
}

/// A legend of coloured swatches right-aligned on one line at `y`.
pub(crate) fn legend(items: &[(String, String)], y: f64, right: f64) -> String {
    let mut s = String::new();
    let mut x = right;
    for (name, colour) in items.iter().rev() {
        let w = text_w(name, 12.0);
        x -= w;
        s.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" fill=\"#333\">{}</text>",
            y + 4.0,
            esc(name)
        ));
        x -= 20.0;
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"14\" height=\"8\" fill=\"{colour}\"/>",
            y - 3.0
        ));
        x -= 14.0;
    }
    s
}
