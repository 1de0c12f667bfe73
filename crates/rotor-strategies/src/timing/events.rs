//! The event-factor engine of SPEC §8.1: for one indicator, every (transformation,
//! event rule, polarity) candidate, its bullish / bearish state month by month, and the
//! choice of the candidate with the best volatility-adjusted return while bullish.
//!
//! * **Series.** Monthly, indexed by month number (`year·12 + month − 1`), contiguous,
//!   NaN where a month has no value ([`Monthly`]).
//! * **Transformations** `z = T(x)`: level; Δ1m `x_m − x_{m−1}`; Δ3m `x_m − x_{m−3}`;
//!   MA3 `mean(x_{m−2..m})`; YoY change `x_m − x_{m−12}` ([`Transform`]).
//! * **Event rules** on z at month m ([`Rule`]): `z_m > z_{m−k}` (k = 1, 3, 6);
//!   `z_m > MA_n(z)_m` (the mean of `z_{m−n+1..m}`, n = 3, 6, 12); z rose in each of the
//!   last k months (k = 2, 3); `z_m > median(z_{m−35..m})` (at least 12 values). Each
//!   with a polarity: bullish when the rule holds (+) or when it does not (−). A rule
//!   whose inputs are missing has no state.
//! * **Choice** ([`choose`]), at month t over months s in the window: on-set = months
//!   where the candidate is bullish and the equity return `r_{s→s+1}` is known;
//!   `n_on ≥ min_on`; `win = #{r > 0} / n_on`; `var = mean(r) / std(r)` (std with
//!   n − 1; a zero std is not admissible). The candidate with the largest `var` among
//!   those with `win ≥ min_win` wins; ties go to the earlier candidate in
//!   [`candidates`] order. None admissible → no choice (the indicator's signal is 0).

/// A monthly series: `values[i]` is month `start + i` (NaN = no value).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Monthly {
    /// Month number of `values[0]`.
    pub start: i32,
    /// Values.
    pub values: Vec<f64>,
}

impl Monthly {
    /// The value of month `m` (NaN outside the series).
    pub fn at(&self, m: i32) -> f64 {
        let i = m - self.start;
        if i < 0 {
            return f64::NAN;
        }
        self.values.get(i as usize).copied().unwrap_or(f64::NAN)
    }

    /// The last month with a value.
    pub fn last_month(&self) -> Option<i32> {
        self.values
            .iter()
            .rposition(|v| v.is_finite())
            .map(|i| self.start + i as i32)
    }

    /// `self − other` month by month (NaN where either is missing).
    pub fn minus(&self, other: &Monthly) -> Monthly {
        if self.values.is_empty() || other.values.is_empty() {
            return Monthly::default();
        }
        let start = self.start.max(other.start);
        let end =
            (self.start + self.values.len() as i32).min(other.start + other.values.len() as i32);
        Monthly {
            start,
            values: (start..end.max(start))
                .map(|m| self.at(m) - other.at(m))
                .collect(),
        }
    }
}

/// The month number of a date.
pub fn month_of(d: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    d.year() * 12 + d.month() as i32 - 1
}

/// A transformation of the indicator (SPEC §8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// x.
    Level,
    /// One-month change.
    D1,
    /// Three-month change.
    D3,
    /// Three-month moving average.
    Ma3,
    /// Change over twelve months.
    Yoy,
}

impl Transform {
    /// Every transformation, in choice order.
    pub const ALL: [Transform; 5] = [
        Transform::Level,
        Transform::D1,
        Transform::D3,
        Transform::Ma3,
        Transform::Yoy,
    ];

    /// Short name (`signals.csv`).
    pub fn name(self) -> &'static str {
        match self {
            Transform::Level => "level",
            Transform::D1 => "d1m",
            Transform::D3 => "d3m",
            Transform::Ma3 => "ma3",
            Transform::Yoy => "yoy_change",
        }
    }

    /// z = T(x).
    pub fn apply(self, x: &Monthly) -> Monthly {
        let v = &x.values;
        let n = v.len();
        let at = |i: isize| if i < 0 { f64::NAN } else { v[i as usize] };
        let values = (0..n as isize)
            .map(|i| match self {
                Transform::Level => at(i),
                Transform::D1 => at(i) - at(i - 1),
                Transform::D3 => at(i) - at(i - 3),
                Transform::Ma3 => (at(i) + at(i - 1) + at(i - 2)) / 3.0,
                Transform::Yoy => at(i) - at(i - 12),
            })
            .collect();
        Monthly {
            start: x.start,
            values,
        }
    }
}

/// An event rule (SPEC §8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `z_m > z_{m−k}`.
    AboveLag(u8),
    /// `z_m > MA_n(z)_m`.
    AboveMa(u8),
    /// z rose in each of the last k months.
    Rose(u8),
    /// `z_m > median(z over 36 months)`.
    AboveMedian36,
}

impl Rule {
    /// Every rule, in choice order.
    pub const ALL: [Rule; 9] = [
        Rule::AboveLag(1),
        Rule::AboveLag(3),
        Rule::AboveLag(6),
        Rule::AboveMa(3),
        Rule::AboveMa(6),
        Rule::AboveMa(12),
        Rule::Rose(2),
        Rule::Rose(3),
        Rule::AboveMedian36,
    ];

    /// Short name (`signals.csv`).
    pub fn name(self) -> String {
        match self {
            Rule::AboveLag(k) => format!("z>z[-{k}]"),
            Rule::AboveMa(n) => format!("z>ma{n}"),
            Rule::Rose(k) => format!("rose{k}"),
            Rule::AboveMedian36 => "z>median36".into(),
        }
    }

    /// Whether the rule holds at month `m` (None when an input is missing).
    pub fn holds(self, z: &Monthly, m: i32) -> Option<bool> {
        let zm = z.at(m);
        if !zm.is_finite() {
            return None;
        }
        let fin = |x: f64| x.is_finite().then_some(x);
        match self {
            Rule::AboveLag(k) => Some(zm > fin(z.at(m - k as i32))?),
            Rule::AboveMa(n) => {
                let w: Vec<f64> = (0..n as i32).map(|i| z.at(m - i)).collect();
                if w.iter().any(|x| !x.is_finite()) {
                    return None;
                }
                Some(zm > w.iter().sum::<f64>() / n as f64)
            }
            Rule::Rose(k) => {
                let mut up = true;
                for i in 0..k as i32 {
                    let (a, b) = (fin(z.at(m - i))?, fin(z.at(m - i - 1))?);
                    up &= a > b;
                }
                Some(up)
            }
            Rule::AboveMedian36 => {
                let mut w: Vec<f64> = (0..36)
                    .map(|i| z.at(m - i))
                    .filter(|x| x.is_finite())
                    .collect();
                if w.len() < 12 {
                    return None;
                }
                w.sort_by(f64::total_cmp);
                let n = w.len();
                let med = if n % 2 == 1 {
                    w[n / 2]
                } else {
                    (w[n / 2 - 1] + w[n / 2]) / 2.0
                };
                Some(zm > med)
            }
        }
    }
}

/// One candidate event factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Transformation.
    pub transform: Transform,
    /// Rule.
    pub rule: Rule,
    /// Bullish when the rule holds (true) or when it does not (false).
    pub positive: bool,
}

impl Candidate {
    /// Bullish at `m` (None: no state).
    pub fn bullish(&self, z: &Monthly, m: i32) -> Option<bool> {
        self.rule.holds(z, m).map(|h| h == self.positive)
    }

    /// `level z>ma6 +` style description.
    pub fn describe(&self) -> String {
        format!(
            "{} {} {}",
            self.transform.name(),
            self.rule.name(),
            if self.positive { "+" } else { "−" }
        )
    }
}

/// Every candidate, in choice order (transformation, rule, + before −): 90.
pub fn candidates() -> Vec<Candidate> {
    let mut v = Vec::with_capacity(90);
    for transform in Transform::ALL {
        for rule in Rule::ALL {
            for positive in [true, false] {
                v.push(Candidate {
                    transform,
                    rule,
                    positive,
                });
            }
        }
    }
    v
}

/// The states of every candidate at the last month of a series (the series as known at
/// one date): `None` per candidate without a state.
pub fn states_at_last(x: &Monthly) -> Vec<Option<bool>> {
    let cands = candidates();
    let Some(m) = x.last_month() else {
        return vec![None; cands.len()];
    };
    let z: Vec<Monthly> = Transform::ALL.iter().map(|t| t.apply(x)).collect();
    cands
        .iter()
        .map(|c| {
            let k = Transform::ALL
                .iter()
                .position(|t| *t == c.transform)
                .expect("transform");
            c.bullish(&z[k], m)
        })
        .collect()
}

/// Settings of the choice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChoiceRules {
    /// Fewest bullish months with a known return.
    pub min_on: usize,
    /// Lowest admissible win rate.
    pub min_win: f64,
}

/// A chosen candidate with its in-window statistics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    /// Index in [`candidates`].
    pub index: usize,
    /// Bullish months with a return.
    pub n_on: usize,
    /// Share of them with a positive return.
    pub win: f64,
    /// mean / std of those returns.
    pub var: f64,
}

/// The candidate to use (see the module docs): `states[s][c]` is candidate c's state at
/// window month s, `returns[s]` the equity return from s to s + 1 (NaN: not known).
pub fn choose(states: &[&[Option<bool>]], returns: &[f64], rules: ChoiceRules) -> Option<Choice> {
    let nc = states.first().map_or(0, |s| s.len());
    let mut best: Option<Choice> = None;
    for c in 0..nc {
        let r: Vec<f64> = states
            .iter()
            .zip(returns)
            .filter(|(s, r)| s[c] == Some(true) && r.is_finite())
            .map(|(_, r)| *r)
            .collect();
        let n = r.len();
        if n < rules.min_on.max(2) {
            continue;
        }
        let win = r.iter().filter(|x| **x > 0.0).count() as f64 / n as f64;
        if win < rules.min_win {
            continue;
        }
        let mean = r.iter().sum::<f64>() / n as f64;
        let sd = (r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
        if sd <= 0.0 || !sd.is_finite() {
            continue;
        }
        let var = mean / sd;
        if best.is_none_or(|b| var > b.var) {
            best = Some(Choice {
                index: c,
                n_on: n,
                win,
                var,
            });
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(v: &[f64]) -> Monthly {
        Monthly {
            start: 2020 * 12,
            values: v.to_vec(),
        }
    }

    #[test]
    fn transforms() {
        let x = series(&[1.0, 2.0, 4.0, 7.0]);
        assert_eq!(Transform::D1.apply(&x).values[3], 3.0);
        assert_eq!(Transform::D3.apply(&x).values[3], 6.0);
        assert!((Transform::Ma3.apply(&x).values[3] - 13.0 / 3.0).abs() < 1e-12);
        assert!(Transform::Yoy.apply(&x).values[3].is_nan());
        assert!(Transform::D1.apply(&x).values[0].is_nan());
    }

    #[test]
    fn rules_with_missing_inputs_have_no_state() {
        let z = series(&[1.0, 2.0, 3.0, f64::NAN, 5.0]);
        let last = 2020 * 12 + 4;
        assert_eq!(Rule::AboveLag(1).holds(&z, last), None, "z[-1] missing");
        assert_eq!(Rule::AboveLag(3).holds(&z, last), Some(true));
        assert_eq!(Rule::Rose(2).holds(&z, 2020 * 12 + 2), Some(true));
        assert_eq!(Rule::AboveMa(3).holds(&z, 2020 * 12 + 2), Some(true));
        assert_eq!(
            Rule::AboveMedian36.holds(&z, last),
            None,
            "fewer than 12 values"
        );
        let flat = series(&[1.0; 20]);
        assert_eq!(
            Rule::AboveMedian36.holds(&flat, 2020 * 12 + 19),
            Some(false)
        );
    }

    #[test]
    fn ninety_candidates_with_both_polarities() {
        let c = candidates();
        assert_eq!(c.len(), 90);
        assert!(c[0].positive && !c[1].positive && c[0].rule == c[1].rule);
        let x = series(&[1.0, 2.0, 3.0]);
        let s = states_at_last(&x);
        assert_eq!(s[0], Some(true), "level z>z[-1] + on a rising series");
        assert_eq!(s[1], Some(false));
    }

    #[test]
    fn the_choice_takes_the_best_volatility_adjusted_return_with_a_winning_record() {
        // candidate 0 bullish when returns are +2 % / +1 %; candidate 1 always bullish;
        // candidate 2 bullish when returns are negative
        let rets: Vec<f64> = (0..40)
            .map(|i| if i % 2 == 0 { 0.02 } else { -0.01 })
            .collect();
        let st: Vec<Vec<Option<bool>>> = (0..40)
            .map(|i| vec![Some(i % 2 == 0 || i % 4 == 1), Some(true), Some(i % 2 == 1)])
            .collect();
        let refs: Vec<&[Option<bool>]> = st.iter().map(|v| v.as_slice()).collect();
        let rules = ChoiceRules {
            min_on: 12,
            min_win: 0.5,
        };
        let c = choose(&refs, &rets, rules).unwrap();
        assert_eq!(c.index, 0);
        assert_eq!(c.n_on, 30);
        assert!((c.win - 20.0 / 30.0).abs() < 1e-12);
        // too few bullish months: nothing admissible
        let strict = ChoiceRules {
            min_on: 31,
            min_win: 0.5,
        };
        assert_eq!(choose(&refs[..], &rets, strict).map(|c| c.index), Some(1));
        assert!(choose(
            &refs[..],
            &rets,
            ChoiceRules {
                min_on: 41,
                min_win: 0.5
            }
        )
        .is_none());
        // a losing record is never chosen even with the best ratio
        let only_bad: Vec<&[Option<bool>]> = st.iter().map(|v| &v[2..]).collect();
        assert!(choose(&only_bad, &rets, rules).is_none());
    }
}
