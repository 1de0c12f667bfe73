//! PNG export of a chart, for pasting into notes: the chart's SVG rasterised by resvg
//! at 2× scale on white, with text set in the bundled Noto Sans CJK SC subset
//! (`assets/`, SIL Open Font Licence 1.1; regenerate with `scripts/make_font_subset.py`).
//! No system font or fontconfig is read, so a PNG looks the same on every machine.

use crate::chart::Chart;
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// The bundled font (GB 2312 level-1 hanzi, ASCII, CJK punctuation).
pub const FONT: &[u8] = include_bytes!("../assets/NotoSansSC-rotor-subset.otf");

/// Family name of the bundled font.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC";

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Errors of the rasteriser.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    /// The SVG did not parse (a bug in a chart).
    #[error("chart `{id}`: invalid SVG: {msg}")]
    Svg {
        /// Chart id.
        id: String,
        /// Parser message.
        msg: String,
    },
    /// Encoding failed.
    #[error("chart `{id}`: PNG encoding failed: {msg}")]
    Encode {
        /// Chart id.
        id: String,
        /// Encoder message.
        msg: String,
    },
}

/// Rasterise an SVG document (2× scale, white background).
pub fn svg_to_png(id: &str, svg: &str) -> Result<Vec<u8>, PngError> {
    let opt = usvg::Options {
        font_family: FONT_FAMILY.into(),
        fontdb: fontdb(),
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| PngError::Svg {
        id: id.into(),
        msg: e.to_string(),
    })?;
    let size = tree.size().to_int_size();
    let scale = 2.0;
    let (w, h) = (
        (size.width() as f32 * scale).ceil() as u32,
        (size.height() as f32 * scale).ceil() as u32,
    );
    let mut pix = tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or_else(|| PngError::Encode {
        id: id.into(),
        msg: format!("cannot allocate {w}×{h} pixels"),
    })?;
    pix.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pix.as_mut(),
    );
    pix.encode_png().map_err(|e| PngError::Encode {
        id: id.into(),
        msg: e.to_string(),
    })
}

/// Rasterise a chart.
pub fn chart_png(c: &Chart) -> Result<Vec<u8>, PngError> {
    svg_to_png(&c.id, &c.svg())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{Kind, LineChart, Series, YFmt};

    /// Pixels of one character drawn alone.
    fn glyph(c: char) -> Vec<u8> {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"40\"><text x=\"4\" y=\"30\" font-size=\"28\" font-family=\"{FONT_FAMILY}\">{c}</text></svg>"
        );
        let png = svg_to_png("g", &svg).unwrap();
        tiny_skia::Pixmap::decode_png(&png).unwrap().data().to_vec()
    }

    #[test]
    fn the_bundled_font_has_the_chinese_labels_we_draw() {
        let db = fontdb();
        let face = db.faces().next().expect("one face");
        assert!(face.families.iter().any(|(n, _)| n == FONT_FAMILY));
        // a character outside the subset draws the .notdef box
        let missing = glyph('\u{20000}');
        let labels = "宽货币紧信用策略净值等权沪深收益率回撤超额年化月度换手持仓因子分位数环境推荐\
            择时位与维强信号日次执行增长流动性风格价差相对得红利微盘组合大指阴影有或现金\
            滚动截面中位末基金超分布增国家行业风险模型暴露";
        for c in labels.chars() {
            assert_ne!(
                glyph(c),
                missing,
                "glyph for {c} missing from the bundled font"
            );
        }
    }

    #[test]
    fn a_chart_rasterises_to_a_png_with_ink() {
        let d = |m| chrono::NaiveDate::from_ymd_opt(2020, m, 28).unwrap();
        let c = Chart::new(
            "nav",
            "策略净值",
            Kind::Line(LineChart::new(
                vec![d(1), d(2), d(3)],
                vec![Series::new("轮动", vec![1.0, 1.1, 1.05])],
                YFmt::Num(2),
            )),
        );
        let png = chart_png(&c).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let pix = tiny_skia::Pixmap::decode_png(&png).unwrap();
        assert_eq!(pix.width(), 1920);
        let dark = pix
            .pixels()
            .iter()
            .filter(|p| p.red() < 100 && p.green() < 100)
            .count();
        assert!(dark > 200, "title and axes drawn ({dark} dark pixels)");
    }
}
