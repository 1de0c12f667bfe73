//! Security codes: one normalisation to `DIGITS.EXCHANGE` (Tushare style) from the
//! exchange rules, and the aliases under which one instrument trades.
//!
//! # Normalisation ([`normalize`])
//! * vendor spellings: `sh600000`, `SH600000`, `sh.600000`, `600000.sh`, `600000.XSHG`
//!   (JoinQuant; `XSHE` → SZ, `XBSE`/`BSE` → BJ) → `600000.SH`;
//! * a code with a suffix (`.SH .SZ .BJ .CSI .SI .WI .CNI .HI .OF`) is upper-cased;
//! * a bare six-digit code gets its exchange from what the column holds ([`CodeKind`]):
//!
//!   | kind | rule |
//!   |---|---|
//!   | stock | `60…`, `68…`, `90…` → SH; `00…`, `30…`, `20…` → SZ; `43…`, `83…`, `87…`, `88…`, `92…` → BJ |
//!   | exchange-traded fund (ETF, LOF) | `5…` → SH; `15…`, `16…`, `18…` → SZ |
//!   | open-end fund | → `.OF` |
//!   | index | `000…` → SH (SSE and CSI indices); `399…` → SZ; `93…`, `95…` → CSI; `80…`, `85…` → SI (Shenwan) |
//!
//!   and `H` + five digits is a CSI index (`H30184.CSI`) whatever the column;
//! * when the kind is not known, a bare code is accepted only if exactly one kind reads
//!   it: `510300` is an ETF (`510300.SH`), but `000001` is refused — the SSE Composite
//!   (`000001.SH`) or Ping An Bank (`000001.SZ`)? — with both choices in the message.
//!   A code that no rule reads (`123456` as a stock) is refused too, never guessed.
//! * anything else (`HSI`, `MARKET`, `8841431`) is kept, upper-cased.
//!
//! # Aliases ([`Aliases`])
//! One index can carry several codes: CSI 300 is `000300.SH` and `399300.SZ`, and
//! vendors write CSI indices as `.CSI` or `.SH`. The store keeps one canonical code per
//! instrument: imports rewrite aliases to it (saying so) and every read looks codes up
//! through the same table, which the store records (`aliases.json`) together with the
//! aliases a mapping file declares (`[aliases] "881001.WI" = "…"`).
//!
//! Built in: the SZSE mirrors of CSI indices (`399300.SZ` → `000300.SH`, `399905.SZ` →
//! `000905.SH`, `399906.SZ` → `000906.SH`, `399852.SZ` → `000852.SH`, `399903.SZ` →
//! `000903.SH`); `000…​.CSI` → `000….SH`; `93…​.SH` / `95….SH` → `.CSI`.
//!
//! To support a new vendor spelling, extend [`split_vendor`]; a new exchange range,
//! the table of [`bare`].

use crate::schema::AssetType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a code column holds: decides the exchange of bare six-digit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeKind {
    /// An index.
    Index,
    /// An exchange-traded fund (ETF or LOF).
    Etf,
    /// A stock.
    Stock,
    /// An open-end (off-exchange) fund: `.OF`.
    Fund,
    /// Not known: a bare code must be readable by exactly one kind.
    Unknown,
}

impl CodeKind {
    /// The kind of a price row's asset type.
    pub fn of(asset: Option<AssetType>) -> Self {
        match asset {
            Some(AssetType::Index) => CodeKind::Index,
            Some(AssetType::Etf) => CodeKind::Etf,
            Some(AssetType::Stock) => CodeKind::Stock,
            Some(AssetType::Fund) => CodeKind::Fund,
            None => CodeKind::Unknown,
        }
    }

    fn name(self) -> &'static str {
        match self {
            CodeKind::Index => "index",
            CodeKind::Etf => "exchange-traded fund",
            CodeKind::Stock => "stock",
            CodeKind::Fund => "open-end fund",
            CodeKind::Unknown => "instrument",
        }
    }
}

/// A code that cannot be normalised without a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeError {
    /// The code as written.
    pub code: String,
    /// Why, with the choices.
    pub message: String,
}

impl std::fmt::Display for CodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "code `{}`: {}", self.code, self.message)
    }
}

/// A vendor spelling split into (digits or name, exchange suffix).
pub fn split_vendor(raw: &str) -> (String, Option<String>) {
    let s = raw.trim().trim_matches('"').trim();
    let lower = s.to_ascii_lowercase();
    for (p, ex) in [
        ("sh.", "SH"),
        ("sz.", "SZ"),
        ("bj.", "BJ"),
        ("sh", "SH"),
        ("sz", "SZ"),
        ("bj", "BJ"),
    ] {
        if let Some(rest) = lower.strip_prefix(p) {
            if rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_digit()) {
                return (rest.to_string(), Some(ex.to_string()));
            }
        }
    }
    if let Some((code, ex)) = s.rsplit_once('.') {
        if !code.is_empty()
            && (2..=4).contains(&ex.len())
            && ex.chars().all(|c| c.is_ascii_alphabetic())
        {
            let ex = match ex.to_ascii_uppercase().as_str() {
                "XSHG" => "SH".to_string(),
                "XSHE" => "SZ".to_string(),
                "XBSE" | "BSE" => "BJ".to_string(),
                other => other.to_string(),
            };
            return (code.to_ascii_uppercase(), Some(ex));
        }
    }
    (s.to_ascii_uppercase(), None)
}

/// The exchange of a bare six-digit code of a known kind (None: no rule reads it).
pub fn bare(digits: &str, kind: CodeKind) -> Option<&'static str> {
    let p = |x: &str| digits.starts_with(x);
    match kind {
        CodeKind::Stock => {
            if p("60") || p("68") || p("90") {
                Some("SH")
            } else if p("00") || p("30") || p("20") {
                Some("SZ")
            } else if p("43") || p("83") || p("87") || p("88") || p("92") {
                Some("BJ")
            } else {
                None
            }
        }
        CodeKind::Etf => {
            if p("5") {
                Some("SH")
            } else if p("15") || p("16") || p("18") {
                Some("SZ")
            } else {
                None
            }
        }
        CodeKind::Fund => Some("OF"),
        CodeKind::Index => {
            if p("000") {
                Some("SH")
            } else if p("399") {
                Some("SZ")
            } else if p("93") || p("95") {
                Some("CSI")
            } else if p("80") || p("85") {
                Some("SI")
            } else {
                None
            }
        }
        CodeKind::Unknown => None,
    }
}

/// Normalise a code as written by a vendor (see the module docs).
pub fn normalize(raw: &str, kind: CodeKind) -> Result<String, CodeError> {
    let (code, suffix) = split_vendor(raw);
    if let Some(ex) = suffix {
        return Ok(format!("{code}.{ex}"));
    }
    if code.len() == 6 && code.starts_with('H') && code[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Ok(format!("{code}.CSI"));
    }
    let six = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
    if !six {
        return Ok(code);
    }
    let err = |message: String| CodeError {
        code: raw.trim().to_string(),
        message,
    };
    if kind != CodeKind::Unknown {
        return bare(&code, kind)
            .map(|ex| format!("{code}.{ex}"))
            .ok_or_else(|| {
                err(format!(
                "no exchange rule reads it as {} {}; write it with its exchange (e.g. `{code}.SH`)",
                article(kind.name()),
                kind.name()
            ))
            });
    }
    let mut found: Vec<(CodeKind, String)> = Vec::new();
    for k in [CodeKind::Index, CodeKind::Etf, CodeKind::Stock] {
        if let Some(ex) = bare(&code, k) {
            let c = format!("{code}.{ex}");
            if !found.iter().any(|f| f.1 == c) {
                found.push((k, c));
            }
        }
    }
    match found.as_slice() {
        [(_, c)] => Ok(c.clone()),
        [] => Err(err(format!(
            "no exchange rule reads this bare code; write it with its exchange (e.g. `{code}.SH`)"
        ))),
        several => Err(err(format!(
            "ambiguous without the asset type: {}; give `asset_type` (--asset-type) or write the exchange",
            several
                .iter()
                .map(|(k, c)| format!("`{c}` as {} {}", article(k.name()), k.name()))
                .collect::<Vec<_>>()
                .join(" or ")
        ))),
    }
}

fn article(w: &str) -> &'static str {
    if w.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The asset type a normalised A-share code implies (None: no rule says, e.g. `HSI`).
pub fn implied_asset_type(code: &str) -> Option<AssetType> {
    let (digits, ex) = code.rsplit_once('.')?;
    let p = |x: &str| digits.starts_with(x);
    let six = digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit());
    match ex {
        "CSI" | "SI" | "WI" | "CNI" | "HI" => Some(AssetType::Index),
        "SH" if six && (p("60") || p("68") || p("90")) => Some(AssetType::Stock),
        "SH" if six && p("5") => Some(AssetType::Etf),
        "SH" if six && p("000") => Some(AssetType::Index),
        "SZ" if six && (p("00") || p("30") || p("20")) => Some(AssetType::Stock),
        "SZ" if six && (p("15") || p("16") || p("18")) => Some(AssetType::Etf),
        "SZ" if six && p("399") => Some(AssetType::Index),
        "BJ" => Some(AssetType::Stock),
        _ => None,
    }
}

/// Codes under which one instrument trades, to its canonical code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aliases {
    /// Declared aliases (a mapping file's `[aliases]`), alias → canonical.
    #[serde(default)]
    pub declared: BTreeMap<String, String>,
}

/// The SZSE mirror codes of CSI indices.
const MIRRORS: [(&str, &str); 5] = [
    ("399300.SZ", "000300.SH"),
    ("399905.SZ", "000905.SH"),
    ("399906.SZ", "000906.SH"),
    ("399852.SZ", "000852.SH"),
    ("399903.SZ", "000903.SH"),
];

impl Aliases {
    /// The canonical code of `code` (itself when it is canonical): declared aliases
    /// first, then the built-in rules (see the module docs).
    pub fn canonical<'a>(&'a self, code: &'a str) -> std::borrow::Cow<'a, str> {
        use std::borrow::Cow;
        if let Some(c) = self.declared.get(code) {
            return Cow::Borrowed(c.as_str());
        }
        if let Some((_, c)) = MIRRORS.iter().find(|m| m.0 == code) {
            return Cow::Borrowed(c);
        }
        if let Some((digits, ex)) = code.rsplit_once('.') {
            let six = digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit());
            if six && ex == "CSI" && digits.starts_with("000") {
                return Cow::Owned(format!("{digits}.SH"));
            }
            if six && ex == "SH" && (digits.starts_with("93") || digits.starts_with("95")) {
                return Cow::Owned(format!("{digits}.CSI"));
            }
        }
        Cow::Borrowed(code)
    }

    /// Add declared aliases (normalised as index codes when bare), refusing a chain or
    /// a conflict with one already declared.
    pub fn declare(&mut self, more: &BTreeMap<String, String>) -> Result<(), String> {
        for (a, c) in more {
            let a = normalize(a, CodeKind::Unknown).map_err(|e| e.to_string())?;
            let c = normalize(c, CodeKind::Unknown).map_err(|e| e.to_string())?;
            if a == c {
                continue;
            }
            if self.declared.contains_key(&c) {
                return Err(format!(
                    "alias `{a}` → `{c}`: `{c}` is itself an alias of `{}`; name the canonical code",
                    self.declared[&c]
                ));
            }
            match self.declared.get(&a) {
                Some(old) if *old != c => {
                    return Err(format!(
                        "alias `{a}` → `{c}`: the store already maps it to `{old}`"
                    ))
                }
                _ => {
                    self.declared.insert(a, c);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(raw: &str, k: CodeKind) -> String {
        normalize(raw, k).unwrap()
    }

    #[test]
    fn vendor_spellings() {
        assert_eq!(n("sh513090", CodeKind::Etf), "513090.SH");
        assert_eq!(n("sz.000001", CodeKind::Stock), "000001.SZ");
        assert_eq!(n("600000.XSHG", CodeKind::Unknown), "600000.SH");
        assert_eq!(n("000001.XSHE", CodeKind::Unknown), "000001.SZ");
        assert_eq!(n("801010.si", CodeKind::Unknown), "801010.SI");
        assert_eq!(n("H30184", CodeKind::Stock), "H30184.CSI");
        assert_eq!(n("HSI", CodeKind::Unknown), "HSI");
        assert_eq!(n("015345.OF", CodeKind::Etf), "015345.OF");
    }

    #[test]
    fn exchange_rules_by_kind() {
        // stocks: the member codes of a weights or holdings file
        assert_eq!(n("000001", CodeKind::Stock), "000001.SZ");
        assert_eq!(n("300750", CodeKind::Stock), "300750.SZ");
        assert_eq!(n("002594", CodeKind::Stock), "002594.SZ");
        assert_eq!(n("600519", CodeKind::Stock), "600519.SH");
        assert_eq!(n("688981", CodeKind::Stock), "688981.SH");
        assert_eq!(n("830799", CodeKind::Stock), "830799.BJ");
        assert_eq!(n("920002", CodeKind::Stock), "920002.BJ");
        // funds
        assert_eq!(n("510300", CodeKind::Etf), "510300.SH");
        assert_eq!(n("159915", CodeKind::Etf), "159915.SZ");
        assert_eq!(n("161725", CodeKind::Etf), "161725.SZ");
        assert_eq!(n("000001", CodeKind::Fund), "000001.OF");
        // indices
        assert_eq!(n("000300", CodeKind::Index), "000300.SH");
        assert_eq!(n("000001", CodeKind::Index), "000001.SH");
        assert_eq!(n("399006", CodeKind::Index), "399006.SZ");
        assert_eq!(n("931071", CodeKind::Index), "931071.CSI");
        assert_eq!(n("801780", CodeKind::Index), "801780.SI");
    }

    #[test]
    fn codes_no_rule_reads_or_several_read_are_refused_with_the_choices() {
        let e = normalize("000001", CodeKind::Unknown)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`000001.SH` as an index") && e.contains("`000001.SZ` as a stock"),
            "{e}"
        );
        let e = normalize("000001", CodeKind::Etf).unwrap_err().to_string();
        assert!(
            e.contains("exchange-traded fund") && e.contains("000001.SH"),
            "{e}"
        );
        let e = normalize("123456", CodeKind::Stock)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no exchange rule"), "{e}");
        // one kind reads it: no ambiguity
        assert_eq!(n("510300", CodeKind::Unknown), "510300.SH");
        assert_eq!(n("600519", CodeKind::Unknown), "600519.SH");
        assert_eq!(n("399006", CodeKind::Unknown), "399006.SZ");
    }

    #[test]
    fn implied_types() {
        assert_eq!(implied_asset_type("510300.SH"), Some(AssetType::Etf));
        assert_eq!(implied_asset_type("159915.SZ"), Some(AssetType::Etf));
        assert_eq!(implied_asset_type("000300.SH"), Some(AssetType::Index));
        assert_eq!(implied_asset_type("000001.SZ"), Some(AssetType::Stock));
        assert_eq!(implied_asset_type("801780.SI"), Some(AssetType::Index));
        assert_eq!(implied_asset_type("HSI"), None);
    }

    #[test]
    fn aliases_map_mirrors_and_suffixes_to_one_code() {
        let a = Aliases::default();
        assert_eq!(a.canonical("399300.SZ"), "000300.SH");
        assert_eq!(a.canonical("000985.CSI"), "000985.SH");
        assert_eq!(a.canonical("932000.SH"), "932000.CSI");
        assert_eq!(a.canonical("932000.CSI"), "932000.CSI");
        assert_eq!(a.canonical("000300.SH"), "000300.SH");
        let mut a = Aliases::default();
        let decl: BTreeMap<String, String> =
            [("8841431".to_string(), "8841431.WI".to_string())].into();
        a.declare(&decl).unwrap();
        assert_eq!(a.canonical("8841431"), "8841431.WI");
        let chain: BTreeMap<String, String> = [("X1".to_string(), "8841431".to_string())].into();
        assert!(a.declare(&chain).unwrap_err().contains("itself an alias"));
    }
}
