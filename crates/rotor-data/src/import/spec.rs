//! Import specifications: what a file is (dataset, vendor preset, layout, units) and
//! how its headers map onto the dataset's columns.
//!
//! A spec comes either from command-line flags (one file) or from a TOML mapping file
//! holding `[[import]]` tables, e.g.
//!
//! ```toml
//! [[import]]
//! path = "multifactor_etf/etf/*.csv"   # file or glob, relative to the data root
//! dataset = "prices"
//! preset = "akshare"                    # tushare | akshare | wind | csindex | lixinger | baostock | generic
//! asset_type = "etf"
//! adjust = "forward"
//! code_from_filename = true
//! source = "akshare"
//!
//! [[import]]
//! path = "china_econ_data/money_supply.csv"
//! dataset = "macro"
//! period = "month"                      # dates are months; period = month end
//! series = { m2_yoy = "cn.m2_yoy", m1_yoy = "cn.m1_yoy" }
//! lag = "next_month_end"                # SPEC §0.6 fallback (no release dates given)
//! ```
//!
//! Header matching is case- and whitespace-insensitive and knows the spellings of the
//! common vendors ([`ALIASES`]); `columns = { close = "收盘价(元)" }` overrides it.

use crate::pit::LagRule;
use crate::schema::{AdjKind, AssetType, Dataset};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Vendor conventions applied on top of the header aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// No vendor-specific unit rules.
    #[default]
    Generic,
    /// Tushare daily endpoints (`index_daily`, `daily`, `fund_daily`): a `vol` column is
    /// in lots of 100 (→ ×100) and, next to it, `amount` is in thousand CNY (→ ×1000).
    /// Files that re-export as `volume` are left as they are. A weekly or monthly file is
    /// refused unless its `scale` names the units (Tushare's non-daily exports differ).
    Tushare,
    /// AKShare `fund_etf_hist_em` / `stock_zh_a_hist`: volume (`成交量`/`volume`) is in lots
    /// of 100 for ETFs and stocks (→ ×100); turnover is in CNY.
    Akshare,
    /// Wind field names (`CLOSE`, `AMT`, `PE_TTM`, `VAL_PE_PERCENTILE` in percent); XLSX
    /// exports end with a `数据来源：Wind` footer (skipped).
    Wind,
    /// csindex-style exports, including AKShare's `stock_zh_index_hist_csindex`:
    /// `成交金额` in 亿元 (100 million CNY, → ×1e8) and `成交量` in 万手 (a million shares,
    /// → ×1e6); `amount_yi` / `成交金额(亿元)` are in 亿元 by their name.
    Csindex,
    /// lixinger exports: `=`-prefixed numbers, descending dates, a text footer.
    Lixinger,
    /// baostock daily bars (volume in shares, amount in CNY, codes `sz.000001`).
    Baostock,
}

impl Preset {
    /// Default source label.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Generic => "generic",
            Preset::Tushare => "tushare",
            Preset::Akshare => "akshare",
            Preset::Wind => "wind",
            Preset::Csindex => "csindex",
            Preset::Lixinger => "lixinger",
            Preset::Baostock => "baostock",
        }
    }
}

/// Long (one row per code and date) or wide (one column per code / series).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One row per (code, date).
    #[default]
    Long,
    /// A date column and one column per code; cells hold `wide_value`.
    Wide,
    /// Instruments side by side (a Wind workbook): blocks of columns, each starting at a
    /// date column, with the block's code in row `code_row`.
    Blocks,
}

/// Periodicity of macro observations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// The date is the observation day.
    Day,
    /// The date names a month; the period is its last calendar day.
    Month,
    /// The date names a quarter; the period is its last calendar day.
    Quarter,
}

/// How one file is imported.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// File path or glob (relative to the data root in a mapping file).
    pub path: String,
    /// Target dataset.
    pub dataset: Dataset,
    /// Vendor preset.
    #[serde(default)]
    pub preset: Preset,
    /// Source label stored with every row (default: the preset's name).
    pub source: Option<String>,
    /// XLSX sheet name (default: first non-empty sheet).
    pub sheet: Option<String>,
    /// Long or wide layout.
    #[serde(default)]
    pub layout: Layout,
    /// Asset type of price rows (default index).
    pub asset_type: Option<AssetType>,
    /// Adjustment of price rows (default none).
    pub adjust: Option<AdjKind>,
    /// Fixed code for every row (files holding one series without a code column).
    pub code: Option<String>,
    /// Take the code from the file name stem (`510300.csv` → `510300.SH`).
    #[serde(default)]
    pub code_from_filename: bool,
    /// Explicit chrono date format of the date column.
    pub date_format: Option<String>,
    /// Explicit header for dataset columns: `{ close = "收盘价(元)" }`.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// The unit of a dataset column in this file, as a multiplier to the stored unit:
    /// `{ northbound_net = 1e6 }` (the file is in CNY million). It replaces the unit a
    /// header (`成交金额(亿元)`) or the preset implies.
    #[serde(default)]
    pub scale: BTreeMap<String, f64>,
    /// Macro: header → series id (`{stem}` stands for the file name stem, lower case).
    /// Without it every numeric column becomes a series named `series_prefix + header`.
    #[serde(default)]
    pub series: BTreeMap<String, String>,
    /// Macro: prefix of auto-named series.
    pub series_prefix: Option<String>,
    /// Macro: periodicity of the dates (default: detected — month if every date is the
    /// first of a month, else day).
    pub period: Option<Period>,
    /// Publication-lag rule when the file has no release-date column.
    pub lag: Option<LagRule>,
    /// Wide layout: which dataset column the cells hold (default `close`, macro `value`).
    pub wide_value: Option<String>,
    /// Headers to ignore.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Accept losing more than 1 % of the rows (footers, repeated keys, holiday rows)
    /// and columns without a value, as warnings instead of errors.
    #[serde(default)]
    pub allow_drops: bool,
    /// Accept price levels that look like another unit (see `import::levels`) as
    /// warnings instead of errors.
    #[serde(default)]
    pub allow_level_mismatch: bool,
    /// 1-based file row of the header when it is not the first non-empty row (rows above
    /// it — titles, notes — are skipped).
    pub header_row: Option<usize>,
    /// Rows right after the header to skip (a second header row of units or English
    /// names).
    #[serde(default)]
    pub skip_rows: usize,
    /// Blocks layout: 1-based file row holding each block's code.
    pub code_row: Option<usize>,
    /// The date of every row of a file without a date column (a one-day snapshot).
    pub date: Option<String>,
    /// Constant values of dataset columns for every row: `{ index_code = "000300.SH" }`.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    /// Codes to leave out (as written or normalised), counted as `excluded`.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// JSON: where the records are (`ohlc`, `etfs[].daily[]`, `extras{}`; see
    /// `import::reader::read_json`).
    pub json_path: Option<String>,
}

impl FileSpec {
    /// A spec with defaults for `path` → `dataset`.
    pub fn new(path: impl Into<String>, dataset: Dataset) -> Self {
        FileSpec {
            path: path.into(),
            dataset,
            preset: Preset::Generic,
            source: None,
            sheet: None,
            layout: Layout::Long,
            asset_type: None,
            adjust: None,
            code: None,
            code_from_filename: false,
            date_format: None,
            columns: BTreeMap::new(),
            scale: BTreeMap::new(),
            series: BTreeMap::new(),
            series_prefix: None,
            period: None,
            lag: None,
            wide_value: None,
            ignore: Vec::new(),
            allow_drops: false,
            allow_level_mismatch: false,
            header_row: None,
            skip_rows: 0,
            code_row: None,
            date: None,
            set: BTreeMap::new(),
            exclude: Vec::new(),
            json_path: None,
        }
    }

    /// Source label.
    pub fn source_label(&self) -> String {
        self.source
            .clone()
            .unwrap_or_else(|| self.preset.label().to_string())
    }
}

/// A mapping file: a list of `[[import]]` specs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingFile {
    /// Data root of relative paths, itself relative to the mapping file's folder
    /// (`--root` on the command line overrides it).
    pub root: Option<String>,
    /// The file specs.
    #[serde(rename = "import")]
    pub imports: Vec<FileSpec>,
    /// Codes that name the same instrument: alias → canonical code (recorded in the
    /// store; every later import and read uses them).
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
}

/// Header spellings per dataset column, in priority order, with the unit multiplier
/// the spelling implies. Matching ignores case and whitespace.
pub const ALIASES: &[(&str, &str, f64)] = &[
    ("date", "date", 1.0),
    ("date", "trade_date", 1.0),
    ("date", "datetime", 1.0),
    ("date", "日期", 1.0),
    ("date", "交易日期", 1.0),
    ("date", "时间", 1.0),
    ("date", "日期date", 1.0),
    ("date", "tradedate", 1.0),
    ("date", "time", 1.0),
    // fund NAVs: Tushare fund_nav, AKShare fund_open_fund_info_em
    ("date", "nav_date", 1.0),
    ("date", "净值日期", 1.0),
    ("code", "ts_code", 1.0),
    ("code", "code", 1.0),
    ("code", "symbol", 1.0),
    ("code", "asset", 1.0),
    ("code", "ticker", 1.0),
    ("code", "instrument", 1.0),
    ("code", "sec_code", 1.0),
    ("code", "股票代码", 1.0),
    ("code", "代码", 1.0),
    ("code", "证券代码", 1.0),
    ("code", "指数代码", 1.0),
    ("code", "基金代码", 1.0),
    ("code", "windcode", 1.0),
    ("code", "指数代码indexcode", 1.0),
    ("open", "open", 1.0),
    ("open", "开盘", 1.0),
    ("open", "开盘价", 1.0),
    ("open", "开盘点位", 1.0),
    ("high", "high", 1.0),
    ("high", "最高", 1.0),
    ("high", "最高价", 1.0),
    ("low", "low", 1.0),
    ("low", "最低", 1.0),
    ("low", "最低价", 1.0),
    ("close", "close", 1.0),
    ("close", "收盘", 1.0),
    ("close", "收盘价", 1.0),
    ("close", "收盘点位", 1.0),
    ("close", "cp", 1.0),
    ("close", "指数", 1.0),
    ("close", "unit_nav", 1.0),
    ("close", "单位净值", 1.0),
    ("volume", "volume", 1.0),
    ("volume", "vol", 1.0),
    ("volume", "成交量", 1.0),
    ("amount", "amount", 1.0),
    ("amount", "amt", 1.0),
    ("amount", "成交额", 1.0),
    ("amount", "成交金额", 1.0),
    ("amount", "amount_yi", 1e8),
    ("amount", "成交金额(亿元)", 1e8),
    ("amount", "成交金额(万元)", 1e4),
    ("amount", "成交金额(元)", 1.0),
    ("amount", "成交额(亿元)", 1e8),
    ("amount", "成交额(万元)", 1e4),
    ("amount", "成交额(千元)", 1e3),
    ("amount", "成交额(元)", 1.0),
    ("volume", "成交量(万手)", 1e6),
    ("volume", "成交量(手)", 100.0),
    ("volume", "成交量(万股)", 1e4),
    ("volume", "成交量(股)", 1.0),
    ("adj_factor", "adj_factor", 1.0),
    ("adj_factor", "复权因子", 1.0),
    ("tr_close", "tr_close", 1.0),
    // Tushare fund_nav: the NAV with distributions reinvested
    ("tr_close", "adj_nav", 1.0),
    ("tr_close", "复权单位净值", 1.0),
    ("tr_close", "全收益收盘点位(元)", 1.0),
    ("tr_close", "全收益收盘点位", 1.0),
    ("pe_ttm", "pe_ttm", 1.0),
    ("pe_ttm", "pe-ttm", 1.0),
    ("pe_ttm", "pe-ttm市值加权", 1.0),
    ("pe_ttm", "滚动市盈率", 1.0),
    ("pe_ttm", "市盈率ttm", 1.0),
    ("pe_ttm", "pe", 1.0),
    ("pb", "pb", 1.0),
    ("pb", "pb_lf", 1.0),
    ("pb", "pb市值加权", 1.0),
    ("pb", "市净率", 1.0),
    ("dividend_yield", "dividend_yield", 1.0),
    ("dividend_yield", "股息率市值加权", 1.0),
    ("dividend_yield", "股息率", 1.0),
    ("pe_pct", "pe_pct", 1.0),
    ("pe_pct", "val_pe_percentile", 1.0),
    ("pe_pct", "pe_percentile", 1.0),
    ("pe_pct", "pe-ttm分位点", 1.0),
    ("preclose", "preclose", 1.0),
    ("preclose", "pre_close", 1.0),
    ("preclose", "前收盘", 1.0),
    ("preclose", "前收盘价", 1.0),
    // vendors give turnover rates in percent (Tushare daily_basic, baostock, AKShare)
    ("turnover_rate", "turnover_rate", 0.01),
    ("turnover_rate", "turnover_rate_f", 0.01),
    ("turnover_rate", "turn", 0.01),
    ("turnover_rate", "换手率", 0.01),
    ("turnover_rate", "换手率(%)", 0.01),
    // Tushare daily_basic caps are in 万元
    ("total_cap", "total_mv", 1e4),
    ("float_cap", "circ_mv", 1e4),
    ("total_cap", "总市值", 1.0),
    ("float_cap", "流通市值", 1.0),
    ("pb_pct", "pb_pct", 1.0),
    ("pb_pct", "val_pb_percentile", 1.0),
    ("pb_pct", "pb_percentile", 1.0),
    ("pb_pct", "pb分位点", 1.0),
    ("northbound_net", "northbound_net", 1.0),
    ("northbound_net", "北向资金净买入", 1.0),
    ("southbound_net", "southbound_net", 1.0),
    ("large_order_net", "large_order_net", 1.0),
    ("large_order_net", "大单净流入", 1.0),
    ("institutional_net", "institutional_net", 1.0),
    ("institutional_net", "超大单净流入", 1.0),
    ("turnover", "turnover", 1.0),
    ("margin_balance", "margin_balance", 1.0),
    ("margin_balance", "融资余额", 1.0),
    ("series_id", "series_id", 1.0),
    ("value", "value", 1.0),
    ("name", "name", 1.0),
    ("name", "名称", 1.0),
    ("name", "中文名", 1.0),
    ("name", "sec_name", 1.0),
    ("name", "基金简称", 1.0),
    ("tracking_index", "tracking_index", 1.0),
    ("tracking_index", "跟踪指数", 1.0),
    ("tracking_index", "跟踪指数代码", 1.0),
    ("listing_date", "listing_date", 1.0),
    ("listing_date", "list_date", 1.0),
    ("listing_date", "上市日期", 1.0),
    ("fund_size", "fund_size", 1.0),
    ("fund_size", "基金规模", 1.0),
    ("shares", "shares", 1.0),
    ("shares", "基金份额", 1.0),
    ("weight", "weight", 1.0),
    ("weight", "权重", 1.0),
    ("index_code", "index_code", 1.0),
    ("in_date", "in_date", 1.0),
    ("in_date", "纳入日期", 1.0),
    ("out_date", "out_date", 1.0),
    ("out_date", "剔除日期", 1.0),
    ("period", "period", 1.0),
    ("period_end", "period_end", 1.0),
    ("period_end", "end_date", 1.0),
    ("period_end", "报告期", 1.0),
    ("available_at", "ann_date", 1.0),
    ("available_at", "公告日期", 1.0),
    ("available_at", "release_date", 1.0),
    ("available_at", "发布日期", 1.0),
    ("available_at", "available_at", 1.0),
    ("net_profit", "net_profit", 1.0),
    ("net_profit", "n_income_attr_p", 1.0),
    ("net_profit", "归母净利润", 1.0),
    ("operating_profit", "operating_profit", 1.0),
    ("operating_profit", "operate_profit", 1.0),
    ("operating_profit", "营业利润", 1.0),
    ("revenue", "revenue", 1.0),
    ("revenue", "营业收入", 1.0),
    ("equity", "equity", 1.0),
    ("equity", "total_hldr_eqy_exc_min_int", 1.0),
    ("equity", "归母净资产", 1.0),
    ("total_assets", "total_assets", 1.0),
    ("total_assets", "资产总计", 1.0),
    ("total_assets", "总资产", 1.0),
    ("total_liabilities", "total_liabilities", 1.0),
    ("total_liabilities", "total_liab", 1.0),
    ("total_liabilities", "负债合计", 1.0),
    ("total_liabilities", "总负债", 1.0),
    ("as_of", "as_of", 1.0),
    ("fiscal_year", "fiscal_year", 1.0),
    ("fiscal_year", "预测年度", 1.0),
    ("np", "np", 1.0),
    ("np", "预测净利润", 1.0),
    ("roe", "roe", 1.0),
    ("eps", "eps", 1.0),
];

/// Header spellings with the unit multiplier each implies.
pub type Spellings = &'static [(&'static str, f64)];

/// Header spellings that replace [`ALIASES`] for one dataset's column, with the unit
/// multiplier each implies: in an index's member lists the `code` is the member
/// (Tushare `con_code`, AKShare `cons_symbol`, 成分券代码), never the index (`index_code`,
/// 指数代码, AKShare's `symbol`); in a fund's holdings the `code` is the fund (Tushare
/// `ts_code`) and the `stock` the holding (`symbol`, 股票代码), whose weight of net assets
/// vendors give in percent (`stk_mkv_ratio`, 占净值比例) and AKShare's shares and value in
/// 万 (持股数 in 10,000 shares, 持仓市值 in 10,000 CNY).
pub const DATASET_ALIASES: &[(Dataset, &str, Spellings)] = &[
    (Dataset::Weights, "code", MEMBER_CODES),
    (Dataset::Membership, "code", MEMBER_CODES),
    (Dataset::Weights, "index_code", INDEX_CODES),
    (Dataset::Membership, "index_code", INDEX_CODES),
    (
        Dataset::Weights,
        "weight",
        &[
            ("weight", 1.0),
            ("权重", 1.0),
            ("权重(%)", 1.0),
            ("i_weight", 1.0),
        ],
    ),
    (Dataset::FundInfo, "code", FUND_CODES),
    (
        Dataset::FundInfo,
        "name",
        &[
            ("name", 1.0),
            ("fund_name", 1.0),
            ("基金名称", 1.0),
            ("基金简称", 1.0),
            ("名称", 1.0),
        ],
    ),
    (
        Dataset::FundInfo,
        "fund_type",
        &[("fund_type", 1.0), ("基金类型", 1.0), ("类型", 1.0)],
    ),
    (
        Dataset::FundInfo,
        "company",
        &[
            ("company", 1.0),
            ("fund_company", 1.0),
            ("management", 1.0),
            ("基金公司", 1.0),
            ("基金管理人", 1.0),
            ("管理人", 1.0),
        ],
    ),
    (
        Dataset::FundInfo,
        "inception",
        &[
            ("inception", 1.0),
            ("found_date", 1.0),
            ("launch_date", 1.0),
            ("成立时间", 1.0),
            ("成立日期", 1.0),
        ],
    ),
    (
        Dataset::FundInfo,
        "benchmark",
        &[
            ("benchmark", 1.0),
            ("benchmark_raw", 1.0),
            ("业绩比较基准", 1.0),
        ],
    ),
    (
        Dataset::FundInfo,
        "tracking_index",
        &[
            ("tracking_index", 1.0),
            ("跟踪指数代码", 1.0),
            ("跟踪标的代码", 1.0),
        ],
    ),
    (Dataset::FundHoldings, "code", FUND_CODES),
    (
        Dataset::FundHoldings,
        "stock",
        &[
            ("stock", 1.0),
            ("symbol", 1.0),
            ("stock_code", 1.0),
            ("股票代码", 1.0),
            ("证券代码", 1.0),
        ],
    ),
    (
        Dataset::FundHoldings,
        "period_end",
        &[
            ("period_end", 1.0),
            ("end_date", 1.0),
            ("报告期", 1.0),
            ("季度", 1.0),
        ],
    ),
    (
        Dataset::FundHoldings,
        "weight",
        &[
            ("weight", 1.0),
            ("stk_mkv_ratio", 0.01),
            ("占净值比例", 0.01),
            ("占净值比例(%)", 0.01),
        ],
    ),
    (
        Dataset::FundHoldings,
        "shares",
        &[
            ("shares", 1.0),
            ("amount", 1.0),
            ("持股数", 1e4),
            ("持股数(万股)", 1e4),
        ],
    ),
    (
        Dataset::FundHoldings,
        "market_value",
        &[
            ("market_value", 1.0),
            ("mkv", 1.0),
            ("持仓市值", 1e4),
            ("持仓市值(万元)", 1e4),
        ],
    ),
];

const MEMBER_CODES: &[(&str, f64)] = &[
    ("con_code", 1.0),
    ("cons_symbol", 1.0),
    ("成分券代码", 1.0),
    ("成份券代码", 1.0),
    ("成分股代码", 1.0),
    ("成份股代码", 1.0),
    ("stock_code", 1.0),
    ("股票代码", 1.0),
    ("证券代码", 1.0),
    ("code", 1.0),
];

const INDEX_CODES: &[(&str, f64)] = &[
    ("index_code", 1.0),
    ("指数代码", 1.0),
    ("index", 1.0),
    ("symbol", 1.0),
];

/// A fund's own code (not a holding's, not a tracked index's).
const FUND_CODES: &[(&str, f64)] = &[
    ("ts_code", 1.0),
    ("fund_code", 1.0),
    ("基金代码", 1.0),
    ("code", 1.0),
    ("fund", 1.0),
];

/// The header spellings of a dataset's column, in priority order, with the unit
/// multiplier each implies.
pub fn spellings(ds: Dataset, field: &str) -> Vec<(&'static str, f64)> {
    if let Some((_, _, v)) = DATASET_ALIASES
        .iter()
        .find(|(d, f, _)| *d == ds && *f == field)
    {
        return v.to_vec();
    }
    ALIASES
        .iter()
        .filter(|a| a.0 == field)
        .map(|a| (a.1, a.2))
        .collect()
}

/// Normalised header for matching: lower case, whitespace and BOM removed.
pub fn norm_header(h: &str) -> String {
    norm_header_cow(h).into_owned()
}

/// [`norm_header`], borrowing a header that is already normal (printable ASCII without
/// capitals: `close`, `trade_date`), as most headers and aliases are.
pub fn norm_header_cow(h: &str) -> std::borrow::Cow<'_, str> {
    if h.bytes()
        .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase())
    {
        return std::borrow::Cow::Borrowed(h);
    }
    std::borrow::Cow::Owned(norm_header_chars(h))
}

fn norm_header_chars(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Known spellings of a dataset column, for error messages.
pub fn aliases_of(ds: Dataset, field: &str) -> Vec<&'static str> {
    spellings(ds, field).into_iter().map(|a| a.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_file_parses_and_rejects_unknown_keys() {
        let m: MappingFile = toml::from_str(
            r#"[[import]]
path = "a.csv"
dataset = "prices"
preset = "akshare"
asset_type = "etf"
scale = { amount = 1e8 }
"#,
        )
        .unwrap();
        assert_eq!(m.imports[0].preset, Preset::Akshare);
        let e = toml::from_str::<MappingFile>("[[import]]\npath='a'\ndataset='prices'\nfoo=1\n")
            .unwrap_err();
        assert!(e.to_string().contains("foo"), "{e}");
    }
}
