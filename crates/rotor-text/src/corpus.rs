//! Fund texts from the fund profile files of the data bundle
//! (`fund_nav_em/funds/<code>.json`: 基金名称, 基金类型, 投资目标, 投资策略), with the
//! labels the data gives: the vendor's fund type and a reference style.
//!
//! **Reference style** (what `fund_style` answers are compared with): the vendor type
//! says index-enhanced (`增强指数` / `指数型`) → `index_enhanced`; otherwise the fund's
//! *name* (never shown to the classifier, which reads the strategy text only) decides:
//! an industry or theme word (医药, 消费, 科技, 新能源, 制造, 互联网, 军工, 农业, 环保,
//! 国企, 服务, 安全, 健康, 创新, 智能, 主题, 行业 …) → `industry_theme`; 成长 →
//! `growth`; 价值 / 红利 / 低估 / 蓝筹 → `value`; else `balanced`. It is a proxy for a
//! style label — a name is a fund's marketing, not an audit of its holdings — and the
//! docs say so where the agreement is reported.

use crate::error::{Result, TextError};
use serde_json::Value;
use std::path::Path;

/// One fund's text and data labels.
#[derive(Debug, Clone, PartialEq)]
pub struct FundText {
    /// Fund code.
    pub id: String,
    /// Fund name.
    pub name: String,
    /// Vendor fund type (股票型-普通 …).
    pub fund_type: String,
    /// 投资目标 and 投资策略, joined by a line break.
    pub text: String,
    /// Reference style (see the module doc).
    pub reference: String,
}

const THEME_WORDS: [&str; 30] = [
    "医药",
    "医疗",
    "健康",
    "消费",
    "科技",
    "新能源",
    "能源",
    "制造",
    "装备",
    "互联网",
    "军工",
    "农业",
    "环保",
    "国企",
    "服务",
    "安全",
    "创新",
    "智能",
    "主题",
    "行业",
    "产业",
    "先锋",
    "信息",
    "文体",
    "金融",
    "地产",
    "材料",
    "周期",
    "数字",
    "低碳",
];

/// The reference style of a fund from its vendor type and name.
pub fn reference_style(fund_type: &str, name: &str) -> &'static str {
    if fund_type.contains("增强") || fund_type.contains("指数") {
        "index_enhanced"
    } else if THEME_WORDS.iter().any(|w| name.contains(w)) {
        "industry_theme"
    } else if name.contains("成长") {
        "growth"
    } else if ["价值", "红利", "低估", "蓝筹"]
        .iter()
        .any(|w| name.contains(w))
    {
        "value"
    } else {
        "balanced"
    }
}

fn field(v: &Value, k: &str) -> String {
    match v.get(k) {
        Some(Value::String(s)) if s != "<NA>" => s.trim().to_string(),
        _ => String::new(),
    }
}

/// Every `*.json` fund profile in `dir`, sorted by file name; a file that is not a
/// JSON object or lacks 基金代码 is an error naming it; a fund with neither objective
/// nor strategy text is left out and counted in the second value.
pub fn read_fund_profiles(dir: &Path) -> Result<(Vec<FundText>, usize)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| TextError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    let mut empty = 0;
    for p in files {
        let bytes = std::fs::read(&p).map_err(|e| TextError::io(&p, e))?;
        let v: Value = serde_json::from_slice(&bytes).map_err(|e| {
            TextError::Model(format!("{}: not a JSON fund profile ({e})", p.display()))
        })?;
        let id = field(&v, "基金代码");
        if id.is_empty() {
            return Err(TextError::Model(format!(
                "{}: no 基金代码 field",
                p.display()
            )));
        }
        let parts: Vec<String> = ["投资目标", "投资策略"]
            .iter()
            .map(|k| field(&v, k))
            .filter(|s| !s.is_empty())
            .collect();
        if parts.is_empty() {
            empty += 1;
            continue;
        }
        let name = field(&v, "基金名称");
        let fund_type = field(&v, "基金类型");
        out.push(FundText {
            reference: reference_style(&fund_type, &name).to_string(),
            id,
            name,
            fund_type,
            text: parts.join("\n"),
        });
    }
    Ok((out, empty))
}

/// One news flash.
#[derive(Debug, Clone, PartialEq)]
pub struct NewsText {
    /// `<date>-<index in the file, 3 digits>`.
    pub id: String,
    /// Title and summary (the summary alone when it already holds the title).
    pub text: String,
    /// The digest's date.
    pub date: String,
    /// cls, jin10, eastmoney.
    pub source: String,
    /// The digest's importance flag.
    pub important: bool,
}

/// Every `*.json` news digest in `dir` (`{date, news: [{source, title, summary,
/// important}]}`), sorted by file name; items with neither title nor summary are left
/// out and counted.
pub fn read_news_digest(dir: &Path) -> Result<(Vec<NewsText>, usize)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| TextError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let (mut out, mut empty) = (Vec::new(), 0);
    for p in files {
        let bytes = std::fs::read(&p).map_err(|e| TextError::io(&p, e))?;
        let v: Value = serde_json::from_slice(&bytes).map_err(|e| {
            TextError::Model(format!("{}: not a JSON news digest ({e})", p.display()))
        })?;
        let date = field(&v, "date");
        let Some(items) = v.get("news").and_then(Value::as_array) else {
            return Err(TextError::Model(format!(
                "{}: no \"news\" list",
                p.display()
            )));
        };
        for (i, n) in items.iter().enumerate() {
            let (title, summary) = (field(n, "title"), field(n, "summary"));
            let text = if summary.contains(&title) {
                summary
            } else if summary.is_empty() {
                title
            } else {
                format!("{title}\n{summary}")
            };
            if text.is_empty() {
                empty += 1;
                continue;
            }
            out.push(NewsText {
                id: format!("{date}-{i:03}"),
                text,
                date: date.clone(),
                source: field(n, "source"),
                important: n.get("important").and_then(Value::as_bool).unwrap_or(false),
            });
        }
    }
    Ok((out, empty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_items_join_title_and_summary_once() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("2026-08-16.json"), r#"{"date":"2026-08-16","news":[
            {"source":"cls","title":"央行降准","summary":"【央行降准】财联社电，央行宣布降准。","important":true},
            {"source":"jin10","title":"油价上涨","summary":"布伦特原油涨3%。"},
            {"source":"jin10","title":"","summary":""}]}"#).unwrap();
        let (n, empty) = read_news_digest(d.path()).unwrap();
        assert_eq!((n.len(), empty), (2, 1));
        assert_eq!(n[0].text, "【央行降准】财联社电，央行宣布降准。");
        assert_eq!(
            (n[1].id.as_str(), n[1].text.as_str()),
            ("2026-08-16-001", "油价上涨\n布伦特原油涨3%。")
        );
        assert!(n[0].important && !n[1].important);
    }

    #[test]
    fn reference_style_rules_in_order() {
        assert_eq!(
            reference_style("股票型-增强指数", "国泰沪深300指数增强A"),
            "index_enhanced"
        );
        assert_eq!(
            reference_style("股票型-普通", "中银智能制造股票"),
            "industry_theme"
        );
        assert_eq!(
            reference_style("股票型-普通", "国寿安保成长优选股票A"),
            "growth"
        );
        assert_eq!(
            reference_style("混合型-偏股", "易方达蓝筹精选混合"),
            "value"
        );
        assert_eq!(reference_style("混合型-偏股", "兴全合润混合A"), "balanced");
    }

    #[test]
    fn profiles_are_read_and_bad_files_named() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("000001.json"), r#"{"基金代码":"000001","基金名称":"华夏成长混合","基金类型":"混合型-偏股","投资目标":"目标。","投资策略":"<NA>"}"#).unwrap();
        std::fs::write(
            d.path().join("000002.json"),
            r#"{"基金代码":"000002","基金名称":"x","投资目标":"","投资策略":""}"#,
        )
        .unwrap();
        let (f, empty) = read_fund_profiles(d.path()).unwrap();
        assert_eq!((f.len(), empty), (1, 1));
        assert_eq!(
            (f[0].text.as_str(), f[0].reference.as_str()),
            ("目标。", "growth")
        );
        std::fs::write(d.path().join("bad.json"), "[1,").unwrap();
        let e = read_fund_profiles(d.path()).unwrap_err().to_string();
        assert!(
            e.contains("bad.json") && e.contains("not a JSON fund profile"),
            "{e}"
        );
    }
}
