//! One self-contained HTML file per report: inline CSS, inline SVG charts, a table of
//! contents, no external resource of any kind (it opens from disk, offline, and can be
//! mailed). The only script is a few lines that mark each chart as drawn once the
//! browser has laid it out (`data-drawn` = its data marks have a non-empty bounding
//! box) and record script errors on `<body data-errors>`; the page reads the same
//! without it.

use crate::chart::esc;
use crate::doc::{Block, Cell, Report, Table};
use std::fmt::Write as _;

const CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#222;font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',-apple-system,'Segoe UI',sans-serif;font-size:14px;line-height:1.5}
header{background:#8b1a1a;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px;font-weight:600}
header p{margin:4px 0 0;opacity:.85}
nav{background:#fff;border-bottom:1px solid #ddd;padding:8px 28px;position:sticky;top:0;z-index:2;white-space:nowrap;overflow-x:auto}
nav a{color:#8b1a1a;text-decoration:none;margin-right:16px;font-size:13px}
main{max-width:1060px;margin:0 auto;padding:8px 20px 40px}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;margin:18px 0;padding:14px 18px}
h2{font-size:17px;margin:0 0 10px;border-left:4px solid #c23531;padding-left:8px}
h3{font-size:14px;margin:14px 0 6px;color:#444}
svg.chart{width:100%;height:auto;display:block;margin:6px 0 12px}
.figs{display:flex;flex-wrap:wrap;gap:10px;margin:4px 0 8px}
.fig{flex:1 1 150px;border:1px solid #eee;border-radius:5px;padding:8px 10px;background:#fafafa}
.fig b{display:block;font-size:19px}
.fig span{color:#666;font-size:12px}
.tw{overflow-x:auto;margin:4px 0 12px}
table{border-collapse:collapse;font-size:12.5px;min-width:40%}
th{background:#f0f0f0;font-weight:600;position:sticky;top:0}
th,td{border:1px solid #e2e2e2;padding:3px 8px;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.pos{color:#c23531}.neg{color:#2a8a4a}
p.more{color:#888;font-size:12px;margin:2px 0 10px}
pre{background:#f7f7f7;border:1px solid #eee;padding:10px;overflow-x:auto;font-size:12px}
footer{color:#999;font-size:12px;text-align:center;padding:10px}
"#;

const SCRIPT: &str = r#"
(function(){
  var errs=[];
  window.addEventListener('error',function(e){errs.push(String(e.message));document.body.setAttribute('data-errors',errs.join(' | '));});
  function check(){
    var charts=document.querySelectorAll('svg.chart'),ok=0;
    for(var i=0;i<charts.length;i++){
      var g=charts[i].querySelector('g.data'),drawn=false;
      if(g&&g.childElementCount>0){var b=g.getBBox();drawn=b.width>0&&b.height>0;}
      charts[i].setAttribute('data-drawn',drawn?'1':'0');
      if(drawn)ok++;
    }
    document.body.setAttribute('data-charts',ok+'/'+charts.length);
    if(!document.body.hasAttribute('data-errors'))document.body.setAttribute('data-errors','');
  }
  if(document.readyState==='loading')document.addEventListener('DOMContentLoaded',check);else check();
})();
"#;

/// Background of a heat-coloured cell: red for gains, green for losses, stronger
/// with size (saturating at `scale`).
fn heat(v: f64, scale: f64) -> Option<String> {
    if !v.is_finite() || scale <= 0.0 {
        return None;
    }
    let a = (v.abs() / scale).min(1.0) * 0.75;
    Some(if v >= 0.0 {
        format!("background:rgba(194,53,49,{a:.2})")
    } else {
        format!("background:rgba(42,138,74,{a:.2})")
    })
}

/// A table as HTML (at most `page_rows` rows, with a note on the rest).
pub fn table(t: &Table) -> String {
    let mut s = String::new();
    if t.page_rows == Some(0) {
        let _ = write!(
            s,
            "<p class=\"more\">{}：{} 行，见工作簿“{}”表。</p>",
            esc(&t.title),
            t.rows.len(),
            esc(&t.sheet)
        );
        return s;
    }
    if !t.title.is_empty() {
        let _ = write!(s, "<h3>{}</h3>", esc(&t.title));
    }
    s.push_str("<div class=\"tw\"><table><thead><tr>");
    for h in &t.headers {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>");
    let scale = if t.heat {
        let mut v: Vec<f64> = t
            .rows
            .iter()
            .flatten()
            .map(|c| c.value().abs())
            .filter(|v| v.is_finite())
            .collect();
        v.sort_by(|a, b| a.total_cmp(b));
        // the 90th percentile saturates, so one outlier does not wash out the rest
        v.get(((v.len() as f64) * 0.9) as usize)
            .or(v.last())
            .copied()
            .unwrap_or(0.0)
    } else {
        0.0
    };
    let shown = t.page_rows.unwrap_or(usize::MAX).min(t.rows.len());
    for row in &t.rows[..shown] {
        s.push_str("<tr>");
        for c in row {
            let txt = esc(&c.display());
            match c {
                Cell::Num(..) | Cell::Pct(..) | Cell::PctPlain(..) | Cell::Int(..) => {
                    let v = c.value();
                    let style = if t.heat { heat(v, scale) } else { None };
                    let class = match (t.heat, matches!(c, Cell::Pct(..))) {
                        (false, true) if v > 0.0 => "n pos",
                        (false, true) if v < 0.0 => "n neg",
                        _ => "n",
                    };
                    match style {
                        Some(st) => {
                            let _ = write!(s, "<td class=\"{class}\" style=\"{st}\">{txt}</td>");
                        }
                        None => {
                            let _ = write!(s, "<td class=\"{class}\">{txt}</td>");
                        }
                    }
                }
                _ => {
                    let _ = write!(s, "<td>{txt}</td>");
                }
            }
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>");
    if shown < t.rows.len() {
        let _ = write!(
            s,
            "<p class=\"more\">显示 {} 行，共 {} 行；全部见工作簿“{}”表。</p>",
            shown,
            t.rows.len(),
            esc(&t.sheet)
        );
    }
    s
}

/// The whole report as one HTML document.
pub fn render(r: &Report) -> String {
    let mut s = String::with_capacity(1 << 20);
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body><header><h1>{}</h1><p>{}</p></header><nav>",
        esc(&r.title),
        esc(&r.title),
        esc(&r.subtitle)
    );
    for sec in &r.sections {
        let _ = write!(s, "<a href=\"#{}\">{}</a>", esc(&sec.id), esc(&sec.title));
    }
    s.push_str("</nav><main>");
    for sec in &r.sections {
        let _ = write!(
            s,
            "<section id=\"{}\"><h2>{}</h2>",
            esc(&sec.id),
            esc(&sec.title)
        );
        for b in &sec.blocks {
            match b {
                Block::Chart(c) => s.push_str(&c.svg()),
                Block::Table(t) => s.push_str(&table(t)),
                Block::Figures(f) => {
                    s.push_str("<div class=\"figs\">");
                    for (label, value, sign) in f {
                        let class = match sign {
                            1 => " class=\"pos\"",
                            -1 => " class=\"neg\"",
                            _ => "",
                        };
                        let _ = write!(
                            s,
                            "<div class=\"fig\"><b{class}>{}</b><span>{}</span></div>",
                            esc(value),
                            esc(label)
                        );
                    }
                    s.push_str("</div>");
                }
                Block::Text(t) => {
                    let _ = write!(s, "<p>{}</p>", esc(t));
                }
                Block::Pre(t) => {
                    let _ = write!(s, "<pre>{}</pre>", esc(t));
                }
            }
        }
        s.push_str("</section>");
    }
    let _ = writeln!(
        s,
        "</main><footer>rotor {} · 数据截至报告所示日期 · 所有图表均为内嵌 SVG，离线可读</footer><script>{SCRIPT}</script></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Report, Section};

    #[test]
    fn the_page_is_self_contained_and_escapes_text() {
        let mut t = Table::new("年度收益 <x>", "年度收益", &["年份", "收益"]);
        t.rows.push(vec![Cell::text("2014"), Cell::Pct(0.5166)]);
        t.rows.push(vec![Cell::text("2013"), Cell::Pct(-0.0765)]);
        let mut sec = Section::new("yearly", "年度表现");
        sec.blocks.push(Block::Table(t));
        let r = Report {
            title: "A & B".into(),
            subtitle: String::new(),
            sections: vec![sec],
        };
        let h = render(&r);
        assert!(h.contains("<meta charset=\"utf-8\">"));
        assert!(h.contains("A &amp; B") && h.contains("年度收益 &lt;x&gt;"));
        assert!(h.contains("<td class=\"n pos\">51.66%</td>"));
        assert!(h.contains("<td class=\"n neg\">-7.65%</td>"));
        let no_ns = h.replace("http://www.w3.org/2000/svg", "");
        for bad in ["http:", "https:", "src=", "@import", "url("] {
            assert!(!no_ns.contains(bad), "external reference {bad} in the page");
        }
    }

    #[test]
    fn heat_cells_are_red_up_green_down_and_long_tables_are_cut_with_a_note() {
        let mut t = Table::new("m", "月度", &["a"]);
        t.heat = true;
        t.page_rows = Some(2);
        for v in [0.02, -0.03, 0.01] {
            t.rows.push(vec![Cell::Pct(v)]);
        }
        let h = table(&t);
        assert!(h.contains("rgba(194,53,49"));
        assert!(h.contains("rgba(42,138,74"));
        assert!(h.contains("显示 2 行，共 3 行"));
    }
}
