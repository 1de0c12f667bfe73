//! Fund benchmark texts (业绩比较基准) parsed into index codes and weights:
//! `沪深300指数收益率×95%+银行活期存款利率(税后)×5%` → CSI 300 0.95, deposit 0.05.
//!
//! Terms are split on `+` / `＋`; each term's weight is the percentage in it (`×95%`,
//! `95%×`, `*95%`); its component is recognised by name ([`KNOWN`]: the broad indices,
//! bond indices, deposit rates). A term whose name is not known is kept in
//! [`Benchmark::unparsed`] with its weight, so the caller can say what the parsed part
//! leaves out. A text without percentages is one term with weight 1.

/// Known components: (text fragment, code). Deposit rates are `DEPOSIT`, bond indices
/// their ChinaBond / SSE codes.
pub const KNOWN: [(&str, &str); 16] = [
    ("沪深300", "000300.SH"),
    ("中证500", "000905.SH"),
    ("中证1000", "000852.SH"),
    ("中证2000", "932000.CSI"),
    ("中证A500", "000510.SH"),
    ("上证50", "000016.SH"),
    ("创业板指", "399006.SZ"),
    ("中证全指", "000985.SH"),
    ("中证800", "000906.SH"),
    ("科创50", "000688.SH"),
    ("中证红利", "000922.SH"),
    ("上证国债", "000012.SH"),
    ("中债综合", "CBA00101.CS"),
    ("中债总财富", "CBA00301.CS"),
    ("中债国债总", "CBA00601.CS"),
    ("存款利率", "DEPOSIT"),
];

/// A parsed benchmark.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Benchmark {
    /// (code, weight) of the recognised terms.
    pub parts: Vec<(String, f64)>,
    /// (term text, weight) of the terms not recognised.
    pub unparsed: Vec<(String, f64)>,
}

impl Benchmark {
    /// The equity index with the largest weight (the fund's benchmark index).
    pub fn main_index(&self) -> Option<(&str, f64)> {
        self.parts
            .iter()
            .filter(|(c, _)| c != "DEPOSIT" && !c.ends_with(".CS") && c != "000012.SH")
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(c, w)| (c.as_str(), *w))
    }
}

fn weight_of(term: &str) -> Option<f64> {
    let t = term.replace('％', "%");
    let i = t.find('%')?;
    let digits: String = t[..i]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse::<f64>().ok().map(|v| v / 100.0)
}

/// Parse a benchmark text (see the module docs).
pub fn parse(text: &str) -> Benchmark {
    let mut b = Benchmark::default();
    let terms: Vec<&str> = text
        .split(['+', '＋'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    for term in &terms {
        let w = weight_of(term).unwrap_or(if terms.len() == 1 { 1.0 } else { f64::NAN });
        match KNOWN.iter().find(|(name, _)| term.contains(name)) {
            Some((_, code)) => b.parts.push((code.to_string(), w)),
            None => b.unparsed.push((term.to_string(), w)),
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_forms() {
        let b = parse("沪深300指数收益率×95%+银行活期存款利率(税后)×5%");
        assert_eq!(
            b.parts,
            vec![
                ("000300.SH".to_string(), 0.95),
                ("DEPOSIT".to_string(), 0.05)
            ]
        );
        assert_eq!(b.main_index(), Some(("000300.SH", 0.95)));
        let b = parse("85%×沪深300指数收益率+15%×中债总财富（总值）指数收益率");
        assert_eq!(b.parts[0], ("000300.SH".to_string(), 0.85));
        assert_eq!(b.parts[1].0, "CBA00301.CS");
        let b = parse("中证500指数收益率*95%+商业银行活期存款利率(税后)*5%");
        assert_eq!(b.main_index(), Some(("000905.SH", 0.95)));
    }

    #[test]
    fn unknown_terms_are_kept_with_their_weight() {
        let b = parse("85%×申银万国消费品指数收益率+15%×中债国债总指数收益率（全价）");
        assert_eq!(
            b.unparsed,
            vec![("85%×申银万国消费品指数收益率".to_string(), 0.85)]
        );
        assert_eq!(b.main_index(), None);
        assert_eq!(
            parse("沪深300指数收益率").parts,
            vec![("000300.SH".to_string(), 1.0)]
        );
    }
}
