//! The offline concept-chain extractor: lexicon look-up per sentence.
//!
//! In every sentence it finds the task's concepts (as written, Latin case-folded),
//! the industries (the task's list, or the Shenwan level-1 names of 2021 but 综合), stock
//! codes (six digits not inside a longer number, with `.SH` / `.SZ` / `.BJ` when
//! written, else the suffix inferred from the first digit: 6 → SH, 0/3 → SZ, 4/8/9 →
//! BJ) and stock names from an optional name → code dictionary (names of three or
//! more characters that are not themselves a concept or industry word: 300024 is
//! called 机器人). A sentence with a
//! concept and a stock gives one row per (concept, stock), the industry being the
//! first industry named in the sentence; a sentence with a concept and an industry
//! but no stock gives one row per (concept, industry) with an empty stock. The
//! evidence is the sentence as written. It finds what is written, not what is meant —
//! a concept named only by a synonym is missed; the chat backend is the tool for that.

use crate::task::ExtractSpec;
use crate::textops::sentences;

/// Shenwan level-1 industries (2021 classification), less 综合 (conglomerates): as a
/// word it is everywhere (综合竞争力, 综合考虑) and would tie every sentence to it.
pub const SHENWAN_L1: [&str; 30] = [
    "农林牧渔",
    "基础化工",
    "钢铁",
    "有色金属",
    "电子",
    "汽车",
    "家用电器",
    "食品饮料",
    "纺织服饰",
    "轻工制造",
    "医药生物",
    "公用事业",
    "交通运输",
    "房地产",
    "商贸零售",
    "社会服务",
    "银行",
    "非银金融",
    "建筑材料",
    "建筑装饰",
    "电力设备",
    "机械设备",
    "国防军工",
    "计算机",
    "传媒",
    "通信",
    "煤炭",
    "石油石化",
    "环保",
    "美容护理",
];

/// Lexicons of one extraction.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// Concepts.
    pub concepts: Vec<String>,
    /// Industries.
    pub industries: Vec<String>,
    /// (stock name, code) pairs.
    pub stocks: Vec<(String, String)>,
}

impl Lexicon {
    /// The task's lexicons and a stock dictionary.
    pub fn new(spec: &ExtractSpec, stocks: &[(String, String)]) -> Lexicon {
        let industries = if spec.industries.is_empty() {
            SHENWAN_L1.iter().map(|s| s.to_string()).collect()
        } else {
            spec.industries.clone()
        };
        // a stock named like a concept or an industry (300024 机器人) would turn every
        // mention of the concept into a stock link
        let generic = |n: &str| {
            spec.concepts
                .iter()
                .chain(&industries)
                .any(|w| w.contains(n))
        };
        let stocks = stocks
            .iter()
            .filter(|(n, _)| n.chars().count() >= 3 && !generic(n))
            .cloned()
            .collect();
        Lexicon {
            concepts: spec.concepts.clone(),
            industries,
            stocks,
        }
    }
}

/// A six-digit code's exchange suffix from its first digit.
pub fn infer_suffix(code: &str) -> Option<&'static str> {
    match code.as_bytes().first()? {
        b'6' => Some("SH"),
        b'0' | b'3' => Some("SZ"),
        b'4' | b'8' | b'9' => Some("BJ"),
        _ => None,
    }
}

/// A dictionary entry (name, code) from a vendor stock list: the code trimmed, six
/// digits given their exchange ([`infer_suffix`]); the name without the listing-day
/// (`N`, `C`) and ex-rights (`XD`, `XR`, `DR`) prefixes vendors put before it and
/// without `*ST` / `ST` (news write the plain name). None for names shorter than two
/// characters (they would match everywhere) or codes that are not stock codes.
pub fn stock_entry(code: &str, name: &str) -> Option<(String, String)> {
    let code = code.trim();
    let full = if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        format!("{code}.{}", infer_suffix(code)?)
    } else if code.len() == 9 && code.as_bytes()[6] == b'.' {
        code.to_ascii_uppercase()
    } else {
        return None;
    };
    let mut n = name.trim();
    for p in ["XD", "XR", "DR", "N", "C", "*ST", "ST"] {
        if let Some(rest) = n.strip_prefix(p) {
            if rest.chars().next().is_some_and(|c| !c.is_ascii()) {
                n = rest;
                break;
            }
        }
    }
    (n.chars().count() >= 2).then(|| (n.to_string(), full))
}

/// Stock codes written in `s`, in order of appearance, without repeats.
pub fn stock_codes(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let prev_dot = i > 0 && b[i - 1] == b'.';
        let next_dot_digit = j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit();
        if j - i == 6 && !prev_dot && !next_dot_digit {
            let code = &s[i..j];
            let written = s[j..].get(..3).map(str::to_ascii_uppercase);
            let suffix = match written.as_deref() {
                Some(".SH") | Some(".SZ") | Some(".BJ") => {
                    Some(written.as_deref().unwrap_or("")[1..].to_string())
                }
                _ => infer_suffix(code).map(str::to_string),
            };
            if let Some(sfx) = suffix {
                let full = format!("{code}.{sfx}");
                if !out.contains(&full) {
                    out.push(full);
                }
            }
        }
        i = j;
    }
    out
}

fn found<'a>(s_low: &str, words: &'a [String]) -> Vec<&'a String> {
    let mut hits: Vec<(usize, &String)> = words
        .iter()
        .filter_map(|w| s_low.find(&w.to_lowercase()).map(|p| (p, w)))
        .collect();
    hits.sort_by_key(|h| h.0);
    let mut out: Vec<&String> = Vec::new();
    for (_, w) in hits {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// Rows (concept, industry, stock code, evidence) found in `text`.
pub fn extract(text: &str, lex: &Lexicon) -> Vec<[String; 4]> {
    let mut rows = Vec::new();
    for s in sentences(text) {
        let low = s.to_lowercase();
        let concepts = found(&low, &lex.concepts);
        if concepts.is_empty() {
            continue;
        }
        let industries = found(&low, &lex.industries);
        let mut codes = stock_codes(s);
        for (name, code) in &lex.stocks {
            if s.contains(name.as_str()) && !codes.contains(code) {
                codes.push(code.clone());
            }
        }
        let industry = industries
            .first()
            .map(|x| x.to_string())
            .unwrap_or_default();
        for c in &concepts {
            if !codes.is_empty() {
                for code in &codes {
                    rows.push([c.to_string(), industry.clone(), code.clone(), s.to_string()]);
                }
            } else {
                for ind in &industries {
                    rows.push([c.to_string(), ind.to_string(), String::new(), s.to_string()]);
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        let spec = ExtractSpec {
            columns: vec![],
            concepts: vec!["人形机器人".into(), "AI".into()],
            industries: vec![],
        };
        Lexicon::new(
            &spec,
            &[
                ("中际旭创".into(), "300308.SZ".into()),
                ("人形机器人".into(), "999999.SZ".into()),
                ("生物".into(), "000504.SZ".into()),
            ],
        )
    }

    #[test]
    fn codes_get_their_exchange_and_numbers_are_not_codes() {
        assert_eq!(
            stock_codes("买入600519和000001.SZ及430047"),
            vec!["600519.SH", "000001.SZ", "430047.BJ"]
        );
        assert!(stock_codes("成交1234567手，涨幅100.123456%，价格123456.78").is_empty());
        assert_eq!(stock_codes("600519.sh"), vec!["600519.SH"]);
    }

    #[test]
    fn vendor_list_entries_are_cleaned() {
        assert_eq!(
            stock_entry("920045", "N蘅东光"),
            Some(("蘅东光".into(), "920045.BJ".into()))
        );
        assert_eq!(
            stock_entry("600519", "贵州茅台"),
            Some(("贵州茅台".into(), "600519.SH".into()))
        );
        assert_eq!(
            stock_entry("000001.sz", "平安银行"),
            Some(("平安银行".into(), "000001.SZ".into()))
        );
        assert_eq!(
            stock_entry("300001", "*ST特锐"),
            Some(("特锐".into(), "300001.SZ".into()))
        );
        assert_eq!(stock_entry("600000", "Ｘ"), None);
        assert_eq!(stock_entry("AAPL", "苹果公司"), None);
        assert_eq!(
            stock_entry("600030", "CITIC中信"),
            Some(("CITIC中信".into(), "600030.SH".into()))
        );
    }

    #[test]
    fn chains_per_sentence_with_evidence() {
        let t = "人形机器人带动机械设备板块走强，拓斯达300607领涨。AI算力需求旺盛，中际旭创订单饱满。今日天气晴。";
        let rows = extract(t, &lex());
        assert_eq!(
            rows,
            vec![
                [
                    "人形机器人".to_string(),
                    "机械设备".into(),
                    "300607.SZ".into(),
                    "人形机器人带动机械设备板块走强，拓斯达300607领涨。".into()
                ],
                [
                    "AI".to_string(),
                    String::new(),
                    "300308.SZ".into(),
                    "AI算力需求旺盛，中际旭创订单饱满。".into()
                ],
            ]
        );
    }

    #[test]
    fn concept_with_industry_only_and_nothing_found() {
        let rows = extract("人形机器人利好电子和汽车。", &lex());
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0][1].as_str(), rows[1][1].as_str()), ("电子", "汽车"));
        assert!(rows.iter().all(|r| r[2].is_empty()));
        assert!(extract("", &lex()).is_empty());
        assert!(extract("机械设备板块上涨。", &lex()).is_empty());
    }
}
