//! Typed schemas of the twelve datasets rotor stores.
//!
//! Every dataset is a long table whose columns are described by a static list of
//! [`ColumnSpec`]s. Three kinds of column exist: calendar dates, text and `f64` numbers
//! (missing numbers are `NaN`, missing text/dates are null). Each dataset names the
//! columns that form its **key**; the key always ends with `source`, so the same series
//! imported from two vendors is kept twice and can be compared (see `data check`).
//!
//! Every dataset carries `available_at`: the first date at which the observation was
//! known (SPEC §0.2). For end-of-day market data it is the row's own date; for macro and
//! fundamentals it is the release/announcement date or, when the source gives none, the
//! conservative fallback of SPEC §0.6 recorded in `lag_rule` (see [`crate::pit`]).
//!
//! Units are normalised at import: prices in index points or CNY per share/unit,
//! `volume` in shares (or fund units), `amount` and all money flows in CNY, ratios
//! (PE, PB) as plain multiples, yields and YoY growth in percent, percentiles in [0, 1].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of values a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A calendar date (stored as Parquet `Date32`).
    Date,
    /// UTF-8 text.
    Str,
    /// A 64-bit float; `NaN` marks a missing value.
    F64,
}

/// One column of a dataset schema.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// Column name as stored in Parquet.
    pub name: &'static str,
    /// Value kind.
    pub kind: ColumnKind,
    /// Must an imported row carry a value here?
    pub required: bool,
    /// Part of the dataset's unique key?
    pub key: bool,
    /// Unit / meaning, shown in docs and error messages.
    pub doc: &'static str,
}

const fn col(
    name: &'static str,
    kind: ColumnKind,
    required: bool,
    key: bool,
    doc: &'static str,
) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required,
        key,
        doc,
    }
}

use ColumnKind::{Date as D, Str as S, F64 as F};

/// The datasets of the store, one folder each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dataset {
    /// Daily bars of indices, ETFs and stocks.
    Prices,
    /// Daily valuation (PE-TTM, PB, dividend yield, vendor percentiles).
    Valuation,
    /// Quarterly statements with announcement dates.
    Fundamentals,
    /// Analyst consensus snapshots.
    Consensus,
    /// Daily money flows per code or for the market (`code = "MARKET"`).
    Flows,
    /// Macro series with release dates (vintages).
    Macro,
    /// ETF static information.
    EtfInfo,
    /// ETF fund size / shares history.
    EtfSize,
    /// Index membership intervals.
    Membership,
    /// Index weight snapshots.
    Weights,
    /// Fund profiles: name, type, company, inception, benchmark text.
    FundInfo,
    /// Fund stock holdings per report period, with publication dates.
    FundHoldings,
}

impl Dataset {
    /// All datasets in storage order.
    pub const ALL: [Dataset; 12] = [
        Dataset::Prices,
        Dataset::Valuation,
        Dataset::Fundamentals,
        Dataset::Consensus,
        Dataset::Flows,
        Dataset::Macro,
        Dataset::EtfInfo,
        Dataset::EtfSize,
        Dataset::Membership,
        Dataset::Weights,
        Dataset::FundInfo,
        Dataset::FundHoldings,
    ];

    /// Folder name in the store.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Prices => "prices",
            Dataset::Valuation => "valuation",
            Dataset::Fundamentals => "fundamentals",
            Dataset::Consensus => "consensus",
            Dataset::Flows => "flows",
            Dataset::Macro => "macro",
            Dataset::EtfInfo => "etf_info",
            Dataset::EtfSize => "etf_size",
            Dataset::Membership => "membership",
            Dataset::Weights => "weights",
            Dataset::FundInfo => "fund_info",
            Dataset::FundHoldings => "fund_holdings",
        }
    }

    /// Column specs, key columns first.
    // a table of constants, one entry per column: splitting it would only scatter it
    #[allow(clippy::too_many_lines)]
    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            Dataset::Prices => {
                const C: &[ColumnSpec] = &[
                    col(
                        "code",
                        S,
                        true,
                        true,
                        "security code, normalised (000300.SH, 510300.SH, 600519.SH)",
                    ),
                    col("date", D, true, true, "trading date"),
                    col(
                        "source",
                        S,
                        true,
                        true,
                        "vendor/source label given at import",
                    ),
                    col("asset_type", S, true, false, "index | etf | stock | fund"),
                    col("open", F, false, false, "open"),
                    col("high", F, false, false, "high"),
                    col("low", F, false, false, "low"),
                    col(
                        "close",
                        F,
                        true,
                        false,
                        "close (adjusted as `adj_kind` says)",
                    ),
                    col("volume", F, false, false, "volume in shares / fund units"),
                    col("amount", F, false, false, "turnover in CNY"),
                    col("adj_kind", S, true, false, "none | forward | back"),
                    col(
                        "adj_factor",
                        F,
                        false,
                        false,
                        "vendor adjustment factor when known",
                    ),
                    col("tr_close", F, false, false, "total-return close when known"),
                    col("available_at", D, true, false, "= date (end-of-day data)"),
                    col(
                        "preclose",
                        F,
                        false,
                        false,
                        "previous close as the vendor adjusts it for the day's ex-rights \
                         (close / preclose − 1 is the day's total return)",
                    ),
                ];
                C
            }
            Dataset::Valuation => {
                const C: &[ColumnSpec] = &[
                    col("code", S, true, true, "index / security code"),
                    col("date", D, true, true, "trading date"),
                    col("source", S, true, true, "source label"),
                    col("pe_ttm", F, false, false, "PE, trailing twelve months"),
                    col("pb", F, false, false, "PB (latest filing)"),
                    col("dividend_yield", F, false, false, "dividend yield, percent"),
                    col("pe_pct", F, false, false, "vendor PE percentile in [0,1]"),
                    col("pb_pct", F, false, false, "vendor PB percentile in [0,1]"),
                    col("available_at", D, true, false, "= date"),
                    col("total_cap", F, false, false, "total market cap, CNY"),
                    col(
                        "float_cap",
                        F,
                        false,
                        false,
                        "free-float / circulating market cap, CNY",
                    ),
                    col(
                        "turnover_rate",
                        F,
                        false,
                        false,
                        "shares traded / float shares, a fraction (1 % = 0.01)",
                    ),
                ];
                C
            }
            Dataset::Fundamentals => {
                const C: &[ColumnSpec] = &[
                    col("code", S, true, true, "security or index code"),
                    col("period_end", D, true, true, "fiscal period end"),
                    col(
                        "available_at",
                        D,
                        true,
                        true,
                        "announcement date (vintage) or statutory fallback",
                    ),
                    col("source", S, true, true, "source label"),
                    col(
                        "net_profit",
                        F,
                        false,
                        false,
                        "single-quarter net profit attributable to parent, CNY",
                    ),
                    col(
                        "operating_profit",
                        F,
                        false,
                        false,
                        "single-quarter operating profit, CNY",
                    ),
                    col("revenue", F, false, false, "single-quarter revenue, CNY"),
                    col(
                        "equity",
                        F,
                        false,
                        false,
                        "shareholders' equity at period end, CNY",
                    ),
                    col("lag_rule", S, true, false, "reported | statutory_deadline"),
                    col(
                        "total_assets",
                        F,
                        false,
                        false,
                        "total assets at period end, CNY",
                    ),
                    col(
                        "total_liabilities",
                        F,
                        false,
                        false,
                        "total liabilities at period end, CNY",
                    ),
                ];
                C
            }
            Dataset::Consensus => {
                const C: &[ColumnSpec] = &[
                    col("code", S, true, true, "security code"),
                    col("as_of", D, true, true, "snapshot date"),
                    col("fiscal_year", F, true, true, "forecast fiscal year"),
                    col("source", S, true, true, "source label"),
                    col("np", F, false, false, "forecast net profit, CNY"),
                    col("roe", F, false, false, "forecast ROE, percent"),
                    col("revenue", F, false, false, "forecast revenue, CNY"),
                    col("eps", F, false, false, "forecast EPS, CNY"),
                    col("available_at", D, true, false, "= as_of"),
                ];
                C
            }
            Dataset::Flows => {
                const C: &[ColumnSpec] = &[
                    col(
                        "code",
                        S,
                        true,
                        true,
                        "security/index code, or MARKET for aggregates",
                    ),
                    col("date", D, true, true, "trading date"),
                    col("source", S, true, true, "source label"),
                    col("northbound_net", F, false, false, "northbound net buy, CNY"),
                    col("southbound_net", F, false, false, "southbound net buy, CNY"),
                    col(
                        "large_order_net",
                        F,
                        false,
                        false,
                        "large-order net inflow, CNY",
                    ),
                    col(
                        "institutional_net",
                        F,
                        false,
                        false,
                        "extra-large/institutional net inflow, CNY",
                    ),
                    col("turnover", F, false, false, "turnover, CNY"),
                    col(
                        "margin_balance",
                        F,
                        false,
                        false,
                        "margin financing balance, CNY",
                    ),
                    col("available_at", D, true, false, "= date"),
                ];
                C
            }
            Dataset::Macro => {
                const C: &[ColumnSpec] = &[
                    col("series_id", S, true, true, "series id, e.g. cn.m2_yoy"),
                    col(
                        "period",
                        D,
                        true,
                        true,
                        "period end (month end for monthly, the day for daily)",
                    ),
                    col(
                        "available_at",
                        D,
                        true,
                        true,
                        "release date (vintage) or SPEC §0.6 fallback",
                    ),
                    col("source", S, true, true, "source label"),
                    col("value", F, true, false, "value in the series' unit"),
                    col(
                        "lag_rule",
                        S,
                        true,
                        false,
                        "reported | same_day | next_day | month_end | next_month_end",
                    ),
                ];
                C
            }
            Dataset::EtfInfo => {
                const C: &[ColumnSpec] = &[
                    col("code", S, true, true, "ETF code"),
                    col("source", S, true, true, "source label"),
                    col("name", S, false, false, "fund name"),
                    col("tracking_index", S, false, false, "tracked index code"),
                    col("listing_date", D, false, false, "listing date"),
                    col("available_at", D, false, false, "listing date when known"),
                ];
                C
            }
            Dataset::EtfSize => {
                const C: &[ColumnSpec] = &[
                    col("code", S, true, true, "ETF code"),
                    col("date", D, true, true, "date of the figure"),
                    col("source", S, true, true, "source label"),
                    col("fund_size", F, false, false, "fund size (AUM), CNY"),
                    col("shares", F, false, false, "fund shares, units"),
                    col(
                        "available_at",
                        D,
                        true,
                        false,
                        "date + 1 day (published in the evening, SPEC §0.6)",
                    ),
                ];
                C
            }
            Dataset::Membership => {
                const C: &[ColumnSpec] = &[
                    col("index_code", S, true, true, "index code"),
                    col("code", S, true, true, "constituent code"),
                    col("in_date", D, true, true, "first day of membership"),
                    col("source", S, true, true, "source label"),
                    col(
                        "out_date",
                        D,
                        false,
                        false,
                        "first day after membership (null = still a member)",
                    ),
                    col("available_at", D, true, false, "= in_date"),
                ];
                C
            }
            Dataset::Weights => {
                const C: &[ColumnSpec] = &[
                    col("index_code", S, true, true, "index code"),
                    col("code", S, true, true, "constituent code"),
                    col("date", D, true, true, "snapshot date"),
                    col("source", S, true, true, "source label"),
                    col("weight", F, true, false, "weight in [0,1]"),
                    col("available_at", D, true, false, "= date"),
                ];
                C
            }
            Dataset::FundInfo => {
                const C: &[ColumnSpec] = &[
                    col(
                        "code",
                        S,
                        true,
                        true,
                        "fund code: `<6 digits>.OF` for open-end funds, exchange codes (.SH / .SZ) for listed ones",
                    ),
                    col("source", S, true, true, "source label"),
                    col("name", S, false, false, "fund name"),
                    col(
                        "fund_type",
                        S,
                        false,
                        false,
                        "the vendor's type text (混合型-偏股, 股票型-增强指数, …)",
                    ),
                    col("company", S, false, false, "management company"),
                    col("inception", D, false, false, "inception (成立日)"),
                    col(
                        "benchmark",
                        S,
                        false,
                        false,
                        "benchmark text as written (业绩比较基准); parsed into index weights by rotor-funds",
                    ),
                    col("tracking_index", S, false, false, "tracked index code when given"),
                    col("available_at", D, false, false, "inception when given"),
                ];
                C
            }
            Dataset::FundHoldings => {
                const C: &[ColumnSpec] = &[
                    col("code", S, true, true, "fund code (as in fund_info)"),
                    col("period_end", D, true, true, "report period end"),
                    col(
                        "stock",
                        S,
                        true,
                        true,
                        "held security: A-shares normalised (600519.SH), other markets as written",
                    ),
                    col(
                        "available_at",
                        D,
                        true,
                        true,
                        "publication date, or the statutory deadline of the report (see lag_rule)",
                    ),
                    col("source", S, true, true, "source label"),
                    col(
                        "weight",
                        F,
                        true,
                        false,
                        "share of the fund's net assets, a fraction (3.46 % = 0.0346)",
                    ),
                    col("shares", F, false, false, "shares held"),
                    col("market_value", F, false, false, "market value held, CNY"),
                    col(
                        "disclosure",
                        S,
                        false,
                        false,
                        "top10 (a quarterly report's top holdings) | full (semi-annual / annual report)",
                    ),
                    col(
                        "lag_rule",
                        S,
                        true,
                        false,
                        "reported | fund_quarterly | fund_periodic",
                    ),
                ];
                C
            }
        }
    }

    /// Index of a column by name.
    pub fn column_index(self, name: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.name == name)
    }

    /// Indices of the key columns.
    pub fn key_indices(self) -> Vec<usize> {
        self.columns()
            .iter()
            .enumerate()
            .filter(|(_, c)| c.key)
            .map(|(i, _)| i)
            .collect()
    }

    /// Is this a dataset of dated market observations with a `date` column?
    pub fn has_date(self) -> bool {
        self.column_index("date").is_some()
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dataset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dataset::ALL
            .iter()
            .copied()
            .find(|d| d.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Dataset::ALL.iter().map(|d| d.name()).collect();
                format!(
                    "unknown dataset `{s}` (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// Asset type of a price series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum AssetType {
    /// A price index.
    Index,
    /// An exchange-traded fund.
    Etf,
    /// A single stock.
    Stock,
    /// An open-end (off-exchange) mutual fund, priced by its NAV (`.OF` codes).
    Fund,
}

impl AssetType {
    /// Lower-case label as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetType::Index => "index",
            AssetType::Etf => "etf",
            AssetType::Stock => "stock",
            AssetType::Fund => "fund",
        }
    }
}

impl FromStr for AssetType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "index" => Ok(AssetType::Index),
            "etf" => Ok(AssetType::Etf),
            "fund" | "mutual_fund" | "of" => Ok(AssetType::Fund),
            "stock" | "equity" => Ok(AssetType::Stock),
            _ => Err(format!(
                "unknown asset type `{s}` (expected index, etf or stock)"
            )),
        }
    }
}

/// Price adjustment of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdjKind {
    /// Raw traded prices.
    None,
    /// Forward-adjusted (前复权): the latest price is the traded one.
    Forward,
    /// Back-adjusted (后复权): the first price is the traded one.
    Back,
}

impl AdjKind {
    /// Lower-case label as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AdjKind::None => "none",
            AdjKind::Forward => "forward",
            AdjKind::Back => "back",
        }
    }
}

impl FromStr for AdjKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "none" | "raw" => Ok(AdjKind::None),
            "forward" | "qfq" => Ok(AdjKind::Forward),
            "back" | "backward" | "hfq" => Ok(AdjKind::Back),
            _ => Err(format!(
                "unknown adjustment `{s}` (expected none, forward or back)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dataset_has_source_and_available_at_and_a_key() {
        for d in Dataset::ALL {
            assert!(d.column_index("source").is_some(), "{d}");
            assert!(d.column_index("available_at").is_some(), "{d}");
            assert!(
                d.columns()[d.column_index("source").unwrap()].key,
                "{d}: source must be a key"
            );
            assert!(!d.key_indices().is_empty());
            assert_eq!(d.name().parse::<Dataset>().unwrap(), d);
        }
    }

    #[test]
    fn unknown_dataset_lists_the_valid_ones() {
        let e = "price".parse::<Dataset>().unwrap_err();
        assert!(e.contains("prices") && e.contains("macro"), "{e}");
    }
}
