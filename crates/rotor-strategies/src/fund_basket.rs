//! Fund basket (`[strategy] kind = "fund_basket"`): hold, equally weighted, the latest
//! basket published by each signal date — the style-rotating fund basket of
//! `rotor funds rotation` (its `basket.csv`), the rotating-fund half of the core in
//! core + satellite (SPEC §16).
//!
//! A basket enters on its `available_from` date (the report's statutory publication:
//! holdings are not known before), never on its period end; before the first one the
//! strategy holds cash. At each signal date the members with a close in the last five
//! rows are held at `1 / k` each (a fund not yet launched or wound up drops out). Fund
//! NAVs come into the store with `rotor funds import` (codes `<code>.OF`, `tr_close` the
//! distribution-proof total-return index: run with `return_basis = "total_return"`).
//!
//! ```toml
//! [strategy]
//! kind = "fund_basket"
//! [basket]
//! file = "../../rotor-out/fund_rotation/basket.csv"   # date, available_from, rank, fund
//! suffix = ".OF"          # appended to codes without an exchange suffix
//! top = 20                # the first `top` ranks of each basket
//! # or baskets written out:
//! [[basket.period]]
//! available_from = "2021-08-31"
//! members = ["000001.OF", "000011.OF"]
//! ```

use chrono::NaiveDate;
use rotor_data::view::{AsOf, Field};
use rotor_engine::config::{resolve_path, EngineConfig, StrategyFile};
use rotor_engine::plan::StrategyParams;
use rotor_engine::strategy::{
    BuildCtx, DataNeeds, Decision, Diagnostics, RunRecord, Step, Strategy,
};
use rotor_engine::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One basket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First day the basket is known (`YYYY-MM-DD`).
    pub available_from: String,
    /// Member codes, best first.
    pub members: Vec<String>,
}

/// `[basket]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BasketConfig {
    /// `basket.csv` of `rotor funds rotation` (relative to the strategy file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// Suffix for member codes without one.
    pub suffix: String,
    /// Ranks kept per basket.
    pub top: usize,
    /// Baskets written out (and, after parsing, those read from `file`).
    pub period: Vec<Period>,
}

impl Default for BasketConfig {
    fn default() -> Self {
        BasketConfig {
            file: None,
            suffix: ".OF".into(),
            top: 20,
            period: Vec::new(),
        }
    }
}

/// The strategy's keys of a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct FundBasketParams {
    /// The baskets.
    pub basket: BasketConfig,
}

/// The example on the synthetic market: two "baskets" of its indices.
pub const EXAMPLE: &str = "[basket]\nsuffix = \"\"\n[[basket.period]]\navailable_from = \"2014-04-30\"\nmembers = [\"000300.SH\", \"000905.SH\"]\n[[basket.period]]\navailable_from = \"2017-08-31\"\nmembers = [\"000905.SH\", \"000852.SH\"]\n";

fn code_with(suffix: &str, code: &str) -> String {
    if code.contains('.') || suffix.is_empty() {
        code.to_string()
    } else {
        format!("{code}{suffix}")
    }
}

/// The baskets of a `basket.csv` (columns `available_from`, `rank`, `fund`; a `date`
/// column is the report period and is not used for timing): per publication date, the
/// members by rank, the first `top`.
fn read_baskets(
    path: &std::path::Path,
    top: usize,
    suffix: &str,
) -> std::result::Result<Vec<Period>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .collect();
    let col = |n: &str| {
        header.iter().position(|h| *h == n).ok_or_else(|| {
            format!(
                "{}: no `{n}` column (expected available_from, rank, fund)",
                path.display()
            )
        })
    };
    let (ai, ri, fi) = (col("available_from")?, col("rank")?, col("fund")?);
    let mut by_day: BTreeMap<NaiveDate, Vec<(usize, String)>> = BTreeMap::new();
    for (k, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let at = |j: usize| cells.get(j).copied().unwrap_or("");
        let bad = |j: usize, want: &str| {
            format!(
                "{} row {}, column {}: `{}` is not {want}",
                path.display(),
                k + 2,
                header[j],
                at(j)
            )
        };
        let day: NaiveDate = at(ai).parse().map_err(|_| bad(ai, "a date (YYYY-MM-DD)"))?;
        let rank: usize = at(ri).parse().map_err(|_| bad(ri, "a rank (1, 2, …)"))?;
        if at(fi).is_empty() {
            return Err(bad(fi, "a fund code"));
        }
        by_day
            .entry(day)
            .or_default()
            .push((rank, code_with(suffix, at(fi))));
    }
    Ok(by_day
        .into_iter()
        .map(|(d, mut v)| {
            v.sort();
            Period {
                available_from: d.to_string(),
                members: v.into_iter().take(top).map(|x| x.1).collect(),
            }
        })
        .collect())
}

/// Registry parser: the inline baskets and those of `file`, by publication date.
pub fn parse(file: &StrategyFile) -> Result<Box<dyn StrategyParams>> {
    let mut p: FundBasketParams = toml::Value::Table(file.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| file.error(e.to_string()))?;
    let suffix = p.basket.suffix.clone();
    for per in &mut p.basket.period {
        per.members = per.members.iter().map(|c| code_with(&suffix, c)).collect();
    }
    if let Some(f) = p.basket.file.as_mut() {
        resolve_path(f, &file.base);
        let read = read_baskets(f, p.basket.top, &suffix).map_err(|e| file.error(e))?;
        p.basket.period.extend(read);
        p.basket.file = None; // the baskets are now in `period`: the resolved config records them
    }
    p.basket
        .period
        .sort_by(|a, b| a.available_from.cmp(&b.available_from));
    Ok(Box::new(p))
}

impl StrategyParams for FundBasketParams {
    fn to_toml(&self) -> toml::Table {
        match toml::Value::try_from(self) {
            Ok(toml::Value::Table(t)) => t,
            _ => toml::Table::new(),
        }
    }

    fn needs(&self) -> DataNeeds {
        let mut codes: Vec<String> = self
            .basket
            .period
            .iter()
            .flat_map(|p| p.members.clone())
            .collect();
        codes.sort();
        codes.dedup();
        DataNeeds {
            extra_codes: codes,
            ..Default::default()
        }
    }

    fn validate(&self, _engine: &EngineConfig) -> std::result::Result<(), String> {
        if self.basket.period.is_empty() {
            return Err("no basket: give basket.file (rotor funds rotation's basket.csv) or [[basket.period]] entries".into());
        }
        for per in &self.basket.period {
            if per.available_from.parse::<NaiveDate>().is_err() {
                return Err(format!(
                    "basket.period available_from `{}`: expected YYYY-MM-DD",
                    per.available_from
                ));
            }
            if per.members.is_empty() {
                return Err(format!(
                    "the basket available from {} has no members",
                    per.available_from
                ));
            }
        }
        Ok(())
    }

    fn build(&self, _ctx: &BuildCtx<'_>) -> Box<dyn Strategy> {
        let periods = self
            .basket
            .period
            .iter()
            .filter_map(|p| Some((p.available_from.parse().ok()?, p.members.clone())))
            .collect();
        Box::new(FundBasket { periods })
    }
}

struct FundBasket {
    /// (available from, members), by date.
    periods: Vec<(NaiveDate, Vec<String>)>,
}

impl Strategy for FundBasket {
    fn decide(&mut self, at: &AsOf<'_>) -> Result<Step> {
        let t = at.date();
        let k = self.periods.partition_point(|(d, _)| *d <= t);
        let held: Vec<&String> = match k.checked_sub(1) {
            None => Vec::new(),
            Some(i) => self.periods[i]
                .1
                .iter()
                .filter(|c| at.latest(Field::CLOSE, c, Some(5)).is_some())
                .collect(),
        };
        let w = if held.is_empty() {
            0.0
        } else {
            1.0 / held.len() as f64
        };
        Ok(Step {
            decision: Decision::Weights(held.into_iter().map(|c| (c.clone(), w)).collect()),
            ..Default::default()
        })
    }

    fn finish(&mut self, _run: &RunRecord<'_>) -> Diagnostics {
        Diagnostics::default()
    }
}
