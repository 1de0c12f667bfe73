//! Fund datasets after conversion: what a holdings file does not say outright.
//!
//! * **Weight unit.** A fund's holdings weight is its share of net assets, stored as a
//!   fraction. The aliases of vendors that write percent (`stk_mkv_ratio`, 占净值比例)
//!   already divide by 100; for any other header the median report's sum says it: above
//!   1.5 the weights are percent (an equity fund holds at most about 95 % of its net
//!   assets in stocks) and are divided by 100 with a warning. A report still summing
//!   above 1.5 afterwards is an error naming it.
//! * **Disclosure.** Quarterly reports list the top ten holdings; semi-annual and annual
//!   reports (periods ending 30 June / 31 December) list all of them. A report ending in
//!   June or December with more than ten stocks is `full`, every other one `top10`
//!   (unless the file gives a `disclosure` column).
//! * **Publication.** Without an announcement date a report is dated by its statutory
//!   deadline ([`LagRule::FundQuarterly`], [`LagRule::FundPeriodic`] for `full` ones), so
//!   a strategy never trades on holdings before they were public.
//! * **Fund profiles.** `available_at` of a `fund_info` row is its inception date when
//!   given.

use super::warning::{Warning, WarningKind};
use crate::pit::LagRule;
use crate::table::{date_to_days, days_to_date, Column, Table, Text};
use chrono::Datelike;
use std::collections::BTreeMap;

/// Above this median sum a report's weights are read as percent.
const PERCENT_SUM: f64 = 1.5;

/// One report: (fund, period end, available_at, source).
type ReportKey = (Text, i32, i32, Text);

/// Row indices of each report of a holdings table.
fn reports(t: &Table) -> BTreeMap<ReportKey, Vec<usize>> {
    let (code, period, avail, src) = (
        t.str_col("code"),
        t.date_col("period_end"),
        t.date_col("available_at"),
        t.str_col("source"),
    );
    let empty: Text = Text::from("");
    let mut m: BTreeMap<ReportKey, Vec<usize>> = BTreeMap::new();
    for i in 0..t.len() {
        let k = (
            code[i].clone().unwrap_or_else(|| empty.clone()),
            period[i].unwrap_or(0),
            avail[i].unwrap_or(0),
            src[i].clone().unwrap_or_else(|| empty.clone()),
        );
        m.entry(k).or_default().push(i);
    }
    m
}

fn report_sum(w: &[f64], rows: &[usize]) -> f64 {
    rows.iter().map(|&i| w[i]).filter(|x| x.is_finite()).sum()
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Check the weight unit, mark each report's disclosure and date fallback reports by
/// their deadline (see the module docs). Errors are messages for the file.
pub fn finish_holdings(
    t: &mut Table,
    file: &str,
    warnings: &mut Vec<Warning>,
) -> Result<(), String> {
    if t.is_empty() {
        return Ok(());
    }
    let reps = reports(t);
    let w = t.f64_col("weight");
    let med = median(reps.values().map(|r| report_sum(w, r)).collect());
    if med > PERCENT_SUM {
        super::weights::rescale(t, 100.0);
        warnings.push(Warning {
            file: file.to_string(),
            kind: WarningKind::PercentScale,
            row: None,
            column: Some("weight".into()),
            message: format!(
                "holdings weights given in percent of net assets (the median report sums to \
                 {med:.1}); divided by 100"
            ),
        });
    }
    let w = t.f64_col("weight");
    if let Some((k, rows)) = reps.iter().find(|(_, r)| report_sum(w, r) > PERCENT_SUM) {
        return Err(format!(
            "the holdings of fund {} for {} sum to {:.4} of its net assets (expected at most \
             about 1: weights as fractions, or all in percent); check the weight column's unit",
            k.0,
            days_to_date(k.1),
            report_sum(w, rows)
        ));
    }
    mark_disclosure(t, &reps);
    Ok(())
}

/// `disclosure` where the file gives none, and the deadline of `full` reports.
fn mark_disclosure(t: &mut Table, reps: &BTreeMap<ReportKey, Vec<usize>>) {
    let given: Vec<bool> = t
        .str_col("disclosure")
        .iter()
        .map(Option::is_some)
        .collect();
    let rules: Vec<Option<Text>> = t.str_col("lag_rule").to_vec();
    let (top10, full): (Text, Text) = (Text::from("top10"), Text::from("full"));
    let periodic: Text = Text::from(LagRule::FundPeriodic.as_str());
    let mut disclosure: Vec<Option<Text>> = t.str_col("disclosure").to_vec();
    let mut avail: Vec<Option<i32>> = t.date_col("available_at").to_vec();
    let mut rule_out = rules.clone();
    for ((_, period, _, _), rows) in reps {
        let end = days_to_date(*period);
        let is_full = matches!(end.month(), 6 | 12) && rows.len() > 10;
        for &i in rows {
            if !given[i] {
                disclosure[i] = Some(if is_full { full.clone() } else { top10.clone() });
            }
            let fallback = rules[i].as_deref() == Some(LagRule::FundQuarterly.as_str());
            if fallback && disclosure[i].as_deref() == Some("full") {
                avail[i] = Some(date_to_days(LagRule::FundPeriodic.available_at(end)));
                rule_out[i] = Some(periodic.clone());
            }
        }
    }
    let set = |t: &mut Table, name: &str, col: Column| {
        let k = t.dataset.column_index(name).expect("fund_holdings column");
        t.columns[k] = col;
    };
    set(t, "disclosure", Column::Str(disclosure));
    set(t, "available_at", Column::Date(avail));
    set(t, "lag_rule", Column::Str(rule_out));
    *t = t.sorted();
}

/// `available_at` of fund profiles: the inception date.
pub fn finish_info(t: &mut Table) {
    let inception = t.date_col("inception").to_vec();
    let k = t
        .dataset
        .column_index("available_at")
        .expect("fund_info column");
    t.columns[k] = Column::Date(inception);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Dataset;
    use crate::table::Value;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A holdings table: (fund, period end, stock, weight), dated by the quarterly rule.
    fn holdings(rows: &[(&str, &str, String, f64)]) -> Table {
        let mut t = Table::new(Dataset::FundHoldings);
        for (fund, period, stock, w) in rows {
            let p = d(period);
            t.push_row(vec![
                Value::Str(Some((*fund).into())),
                Value::Date(Some(p)),
                Value::Str(Some(stock.as_str().into())),
                Value::Date(Some(LagRule::FundQuarterly.available_at(p))),
                Value::Str(Some("t".into())),
                Value::F64(*w),
                Value::F64(f64::NAN),
                Value::F64(f64::NAN),
                Value::Str(None),
                Value::Str(Some("fund_quarterly".into())),
            ]);
        }
        t
    }

    fn stocks(n: usize) -> Vec<String> {
        (0..n).map(|k| format!("{:06}.SZ", k + 1)).collect()
    }

    #[test]
    fn full_reports_get_the_periodic_deadline_and_top10_the_quarterly_one() {
        let mut rows = Vec::new();
        for s in stocks(10) {
            rows.push(("000001.OF", "2025-03-31", s, 0.05));
        }
        for s in stocks(25) {
            rows.push(("000001.OF", "2025-06-30", s, 0.03));
        }
        // a quarter-end report of June with only ten names is a quarterly one
        for s in stocks(10) {
            rows.push(("000002.OF", "2025-06-30", s, 0.05));
        }
        let mut t = holdings(&rows);
        let mut w = Vec::new();
        finish_holdings(&mut t, "f.csv", &mut w).unwrap();
        assert!(w.is_empty());
        let (code, period, avail, disc, rule) = (
            t.str_col("code"),
            t.date_col("period_end"),
            t.date_col("available_at"),
            t.str_col("disclosure"),
            t.str_col("lag_rule"),
        );
        for i in 0..t.len() {
            let p = days_to_date(period[i].unwrap());
            let a = days_to_date(avail[i].unwrap());
            match (code[i].as_deref().unwrap(), p.month()) {
                ("000001.OF", 3) => {
                    assert_eq!(disc[i].as_deref(), Some("top10"));
                    assert_eq!(a, d("2025-04-30"));
                }
                ("000001.OF", 6) => {
                    assert_eq!(disc[i].as_deref(), Some("full"));
                    assert_eq!(a, d("2025-08-31"));
                    assert_eq!(rule[i].as_deref(), Some("fund_periodic"));
                }
                _ => {
                    assert_eq!(disc[i].as_deref(), Some("top10"));
                    assert_eq!(a, d("2025-07-31"));
                    assert_eq!(rule[i].as_deref(), Some("fund_quarterly"));
                }
            }
        }
        // sorted by key after the dates moved
        assert_eq!(t.sorted_order(), (0..t.len()).collect::<Vec<_>>());
    }

    #[test]
    fn percent_weights_are_divided_with_a_warning_and_an_impossible_sum_is_an_error() {
        let rows: Vec<_> = stocks(10)
            .into_iter()
            .map(|s| ("000001.OF", "2025-03-31", s, 8.0))
            .collect();
        let mut t = holdings(&rows);
        let mut w = Vec::new();
        finish_holdings(&mut t, "f.csv", &mut w).unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].kind, WarningKind::PercentScale);
        assert!((t.f64_col("weight")[0] - 0.08).abs() < 1e-15);
        // two reports: one sane, one at 3.0 of net assets → an error naming it
        let mut rows: Vec<_> = stocks(10)
            .into_iter()
            .map(|s| ("000001.OF", "2025-03-31", s, 0.08))
            .collect();
        rows.extend(
            stocks(10)
                .into_iter()
                .map(|s| ("000002.OF", "2025-03-31", s, 0.3)),
        );
        rows.extend(
            stocks(10)
                .into_iter()
                .map(|s| ("000003.OF", "2025-03-31", s, 0.07)),
        );
        let mut t = holdings(&rows);
        let e = finish_holdings(&mut t, "f.csv", &mut Vec::new()).unwrap_err();
        assert!(e.contains("000002.OF") && e.contains("2025-03-31"), "{e}");
    }

    #[test]
    fn empty_is_fine() {
        let mut t = Table::new(Dataset::FundHoldings);
        finish_holdings(&mut t, "f.csv", &mut Vec::new()).unwrap();
        assert!(t.is_empty());
    }
}
