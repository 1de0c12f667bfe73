//! Point-in-time monthly series for the timing and style strategies: an indicator as
//! known at a date, from the macro observations the view gives.
//!
//! * A **monthly** series (releases a month apart) keeps one value per month: the
//!   observation of that period.
//! * A **daily** series (yields; periods a few days apart) becomes the mean of the days
//!   of each calendar month ([`MonthRule::Mean`], SPEC §9.2's `ybar`); a month's mean
//!   uses only the days known at the cut-off.
//! * **Known at a date** means `available_at ≤ date` per observation: the series a
//!   strategy may use at a month-end (and, for past month-ends in an evaluation window,
//!   the series as it was known then).
//! * An indicator may be a difference of two series (`cn.ppi_yoy - cn.cpi_yoy`).

use super::events::{month_of, Monthly};
use chrono::NaiveDate;
use rotor_data::view::MacroObs;

/// An indicator's definition: one series, or the difference of two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A series id.
    Series(String),
    /// `a − b`.
    Minus(String, String),
}

impl Expr {
    /// Parse `id` or `id_a - id_b` (spaces around the minus).
    pub fn parse(s: &str) -> Result<Expr, String> {
        let parts: Vec<&str> = s.split(" - ").map(str::trim).collect();
        match parts.as_slice() {
            [a] if !a.is_empty() => Ok(Expr::Series(a.to_string())),
            [a, b] if !a.is_empty() && !b.is_empty() => {
                Ok(Expr::Minus(a.to_string(), b.to_string()))
            }
            _ => Err(format!(
                "`{s}`: expected a series id or `a - b` (a difference of two series ids)"
            )),
        }
    }

    /// The series ids it reads.
    pub fn ids(&self) -> Vec<String> {
        match self {
            Expr::Series(a) => vec![a.clone()],
            Expr::Minus(a, b) => vec![a.clone(), b.clone()],
        }
    }
}

/// Is the series daily (median gap between periods of at most a week)?
fn is_daily(obs: &[MacroObs]) -> bool {
    let mut g: Vec<i64> = obs
        .windows(2)
        .map(|w| (w[1].period - w[0].period).num_days())
        .collect();
    if g.is_empty() {
        return false;
    }
    let m = g.len() / 2;
    *g.select_nth_unstable(m).1 <= 7
}

/// One series as a monthly series, from the observations known at `cut`.
pub fn monthly_known(obs: &[MacroObs], cut: NaiveDate) -> Monthly {
    let known: Vec<&MacroObs> = obs
        .iter()
        .filter(|o| o.available_at <= cut && o.value.is_finite())
        .collect();
    let Some(first) = known.first() else {
        return Monthly::default();
    };
    let start = month_of(first.period);
    let end = known
        .iter()
        .map(|o| month_of(o.period))
        .max()
        .unwrap_or(start);
    let n = (end - start + 1) as usize;
    let daily = is_daily(obs);
    let mut sum = vec![0.0; n];
    let mut cnt = vec![0usize; n];
    let mut last = vec![f64::NAN; n];
    for o in known {
        let i = (month_of(o.period) - start) as usize;
        sum[i] += o.value;
        cnt[i] += 1;
        last[i] = o.value;
    }
    let values = (0..n)
        .map(|i| {
            if daily {
                if cnt[i] > 0 {
                    sum[i] / cnt[i] as f64
                } else {
                    f64::NAN
                }
            } else {
                last[i]
            }
        })
        .collect();
    Monthly { start, values }
}

/// An indicator as a monthly series known at `cut`; `get` gives each id's observations.
pub fn indicator_known(
    expr: &Expr,
    get: &dyn Fn(&str) -> Vec<MacroObs>,
    cut: NaiveDate,
) -> Monthly {
    match expr {
        Expr::Series(a) => monthly_known(&get(a), cut),
        Expr::Minus(a, b) => monthly_known(&get(a), cut).minus(&monthly_known(&get(b), cut)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn obs(p: &str, a: &str, v: f64) -> MacroObs {
        MacroObs {
            period: d(p),
            available_at: d(a),
            value: v,
        }
    }

    #[test]
    fn monthly_series_keep_what_was_known_at_the_cut() {
        let o = vec![
            obs("2024-01-31", "2024-02-29", 1.0),
            obs("2024-02-29", "2024-03-31", 2.0),
            obs("2024-03-31", "2024-04-30", 3.0),
        ];
        let m = monthly_known(&o, d("2024-03-31"));
        assert_eq!(m.values, vec![1.0, 2.0]);
        assert_eq!(m.last_month(), Some(month_of(d("2024-02-29"))));
        assert!(monthly_known(&o, d("2024-01-31")).values.is_empty());
    }

    #[test]
    fn daily_series_average_each_month_over_the_days_known() {
        let o = vec![
            obs("2024-01-30", "2024-01-30", 2.0),
            obs("2024-01-31", "2024-01-31", 4.0),
            obs("2024-02-01", "2024-02-01", 10.0),
            obs("2024-02-02", "2024-02-02", 20.0),
        ];
        let m = monthly_known(&o, d("2024-02-01"));
        assert_eq!(m.values, vec![3.0, 10.0]);
    }

    #[test]
    fn differences_and_their_parse() {
        assert_eq!(
            Expr::parse("cn.ppi_yoy - cn.cpi_yoy").unwrap(),
            Expr::Minus("cn.ppi_yoy".into(), "cn.cpi_yoy".into())
        );
        assert!(Expr::parse(" - x").is_err());
        let a = Monthly {
            start: 10,
            values: vec![5.0, 6.0, 7.0],
        };
        let b = Monthly {
            start: 11,
            values: vec![1.0, 1.0, 1.0],
        };
        let c = a.minus(&b);
        assert_eq!((c.start, c.values), (11, vec![5.0, 6.0]));
    }
}
