//! The risk model end to end: toraniko parity on its committed fixture
//! (`tools/parity/gen_toraniko.py`), planted factor returns recovered from a seeded
//! panel, exposures standardised on every date, the model's timing (no return of day t
//! or later enters the exposures used on day t), and validation errors.

use rotor_risk::model::{estimate, regress_panel, style_exposures, RiskConfig, RiskInputs};
use rotor_risk::regression::{IndustryConstraint, Method, RegressionConfig};
use rotor_risk::standardize::moments;
use rotor_risk::RiskError;

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/toraniko/");

fn read(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(format!("{FIX}{name}")).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let v = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, v)
}

#[test]
fn factor_returns_equal_toranikos_to_1e8() {
    let (_, rows) = read("inputs.csv");
    let mut dates: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    dates.dedup();
    let n = rows.len() / dates.len();
    let t_len = dates.len();
    let num = |r: &Vec<String>, k: usize| -> f64 { r[k].parse().unwrap() };
    let returns: Vec<f64> = rows.iter().map(|r| num(r, 2)).collect();
    let caps: Vec<f64> = rows.iter().map(|r| num(r, 3)).collect();
    let industry: Vec<Option<usize>> = rows[..n]
        .iter()
        .map(|r| Some(r[4].parse().unwrap()))
        .collect();
    let styles: Vec<Vec<f64>> = (0..3)
        .map(|j| rows.iter().map(|r| num(r, 5 + j)).collect())
        .collect();
    let names: Vec<String> = (0..6).map(|k| format!("sec{k}")).collect();
    let inputs = RiskInputs {
        n,
        returns: &returns,
        caps: &caps,
        turnover: None,
        pb: None,
        pe: None,
        statements: None,
        industry: &industry,
        industry_names: &names,
    };
    let cfg = RegressionConfig {
        constraint: IndustryConstraint::Equal,
        method: Method::TwoStep,
    };
    let style_names: Vec<String> = (0..3).map(|j| format!("s{j}")).collect();
    let m = regress_panel(&inputs, &style_names, &styles, 0, cfg).unwrap();
    let (h, want) = read("factor_returns.csv");
    assert_eq!(
        h[..10],
        m.factor_names
            .iter()
            .map(|s| s.replace("country", "market").replace("industry:", ""))
            .collect::<Vec<_>>()[..]
    );
    assert_eq!(want.len(), t_len);
    let p = m.factor_names.len();
    let mut worst: f64 = 0.0;
    for (t, row) in want.iter().enumerate() {
        assert_eq!(row[10], dates[t]);
        for (k, cell) in row.iter().take(p).enumerate() {
            let w: f64 = cell.parse().unwrap();
            worst = worst.max((m.factor_returns[t * p + k] - w).abs());
        }
    }
    assert!(worst < 1e-8, "max |rotor − toraniko| = {worst:e}");
    eprintln!("toraniko parity: max abs difference {worst:e} over {t_len} days × {p} factors");
}

/// A deterministic normal generator (Box–Muller over a 64-bit LCG).
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// A planted panel: `n` stocks, `t` days, 8 industries, 3 styles whose exposures drift
/// slowly; returns = country + industry + styles·f + noise, the industry returns tied
/// by the cap-weighted constraint of the previous day's caps.
struct Planted {
    n: usize,
    returns: Vec<f64>,
    caps: Vec<f64>,
    industry: Vec<Option<usize>>,
    styles: Vec<Vec<f64>>,
    factors: Vec<Vec<f64>>, // per day: country, 8 industries, 3 styles
}

fn planted(n: usize, t_len: usize, seed: u64) -> Planted {
    let k = 8;
    let mut rng = Rng(seed);
    let industry: Vec<Option<usize>> = (0..n).map(|i| Some(i % k)).collect();
    let mut caps = vec![0.0; t_len * n];
    let mut styles = vec![vec![0.0; t_len * n]; 3];
    let base: Vec<f64> = (0..n).map(|_| (3.0 + rng.normal()).exp()).collect();
    for t in 0..t_len {
        for i in 0..n {
            caps[t * n + i] = base[i] * (1.0 + 0.001 * t as f64);
            for (j, st) in styles.iter_mut().enumerate() {
                st[t * n + i] = if t == 0 {
                    rng.normal()
                } else {
                    0.98 * st[(t - 1) * n + i] + 0.2 * rng.normal()
                } + 0.0 * j as f64;
            }
        }
    }
    let mut returns = vec![f64::NAN; t_len * n];
    let mut factors = vec![vec![f64::NAN; 1 + k + 3]; t_len];
    for t in 1..t_len {
        let mut cap_k = vec![0.0; k];
        for i in 0..n {
            cap_k[i % k] += caps[(t - 1) * n + i];
        }
        let mut f = vec![0.0; 1 + k + 3];
        f[0] = 0.01 * rng.normal();
        for j in 0..k - 1 {
            f[1 + j] = 0.006 * rng.normal();
        }
        f[k] = -(0..k - 1).map(|j| cap_k[j] * f[1 + j]).sum::<f64>() / cap_k[k - 1];
        for j in 0..3 {
            f[1 + k + j] = 0.004 * rng.normal();
        }
        for i in 0..n {
            let mut r = f[0] + f[1 + i % k] + 0.015 * rng.normal();
            for (j, st) in styles.iter().enumerate() {
                r += st[(t - 1) * n + i] * f[1 + k + j];
            }
            returns[t * n + i] = r;
        }
        factors[t] = f;
    }
    Planted {
        n,
        returns,
        caps,
        industry,
        styles,
        factors,
    }
}

fn corr(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    sab / (saa * sbb).sqrt()
}

#[test]
fn planted_factor_returns_are_recovered() {
    let p = planted(1000, 250, 3);
    let names: Vec<String> = (0..8).map(|k| format!("i{k}")).collect();
    let inputs = RiskInputs {
        n: p.n,
        returns: &p.returns,
        caps: &p.caps,
        turnover: None,
        pb: None,
        pe: None,
        statements: None,
        industry: &p.industry,
        industry_names: &names,
    };
    let style_names: Vec<String> = (0..3).map(|j| format!("s{j}")).collect();
    let m = regress_panel(
        &inputs,
        &style_names,
        &p.styles,
        1,
        RegressionConfig::default(),
    )
    .unwrap();
    let q = m.factor_names.len();
    assert_eq!(q, 12);
    for k in 0..q {
        let est: Vec<f64> = (1..250).map(|t| m.factor_returns[t * q + k]).collect();
        let tru: Vec<f64> = (1..250).map(|t| p.factors[t][k]).collect();
        let c = corr(&est, &tru);
        assert!(c > 0.95, "{}: correlation {c}", m.factor_names[k]);
    }
    // the constraint of every day, on the caps of the previous close
    for t in 1..250 {
        let mut s = 0.0;
        for i in 0..p.n {
            s += p.caps[(t - 1) * p.n + i] * m.factor_returns[t * q + 1 + i % 8];
        }
        assert!(s.abs() < 1e-12 * p.caps.iter().sum::<f64>(), "day {t}: {s}");
    }
    // signal variance ≈ 1.8e−4 a day against noise 2.25e−4: R² about 0.45 on average
    let mean_r2 = m.r2[1..].iter().sum::<f64>() / 249.0;
    assert!(mean_r2 > 0.3 && mean_r2 < 0.6, "mean R² {mean_r2}");
    assert!(m.r2[1..].iter().all(|r| *r <= 1.0));
    assert!(
        m.factor_returns[..q].iter().all(|v| v.is_nan()),
        "day 0 has no exposures before it"
    );
}

fn inputs_of(p: &Planted, names: &[String]) -> Vec<f64> {
    let _ = names;
    p.returns
        .iter()
        .map(|r| if r.is_finite() { *r } else { 0.0 })
        .collect()
}

#[test]
fn exposures_are_standardised_and_read_nothing_after_their_date() {
    let p = planted(300, 400, 5);
    let names: Vec<String> = (0..8).map(|k| format!("i{k}")).collect();
    let returns = inputs_of(&p, &names);
    let turnover: Vec<f64> = (0..returns.len())
        .map(|i| 0.01 + 0.005 * ((i * 7919 % 13) as f64 / 13.0))
        .collect();
    let pb: Vec<f64> = (0..returns.len())
        .map(|i| 0.5 + (i % 97) as f64 / 20.0)
        .collect();
    let inputs = RiskInputs {
        n: p.n,
        returns: &returns,
        caps: &p.caps,
        turnover: Some(&turnover),
        pb: Some(&pb),
        pe: None,
        statements: None,
        industry: &p.industry,
        industry_names: &names,
    };
    let cfg = RiskConfig::default();
    let e = style_exposures(&inputs, &cfg).unwrap();
    assert_eq!(
        e.names,
        [
            "size",
            "beta",
            "momentum",
            "residual_volatility",
            "non_linear_size",
            "liquidity",
            "book_to_price"
        ]
    );
    let t = 399;
    for (name, v) in e.names.iter().zip(&e.values) {
        let row = &v[t * p.n..(t + 1) * p.n];
        let (mu, sd) = moments(row, &p.caps[t * p.n..(t + 1) * p.n]);
        assert!(
            mu.abs() < 1e-10 && (sd - 1.0).abs() < 1e-10,
            "{name}: {mu} {sd}"
        );
    }
    // changing every return after day 300 leaves the exposures up to 300 unchanged and
    // the factor returns up to 300 too
    let mut later = returns.clone();
    for x in later[301 * p.n..].iter_mut() {
        *x = -*x + 0.01;
    }
    let changed = RiskInputs {
        returns: &later,
        ..inputs
    };
    let a = estimate(&inputs, &cfg).unwrap();
    let b = estimate(&changed, &cfg).unwrap();
    for (name, (va, vb)) in a
        .exposures
        .names
        .iter()
        .zip(a.exposures.values.iter().zip(&b.exposures.values))
    {
        // bitwise (NaN before a window fills compares equal to itself)
        let same = |x: &[f64], y: &[f64]| x.iter().zip(y).all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(
            same(&va[..301 * p.n], &vb[..301 * p.n]),
            "{name} moved before the change"
        );
        // the styles read from returns move after it (size, its cube, turnover and PB do not)
        if matches!(name.as_str(), "beta" | "momentum" | "residual_volatility") {
            assert!(
                !same(&va[301 * p.n..], &vb[301 * p.n..]),
                "{name} did not see the change"
            );
        }
    }
    let q = a.factor_names.len();
    assert!(a.factor_returns[..301 * q]
        .iter()
        .zip(&b.factor_returns[..301 * q])
        .all(|(x, y)| x.to_bits() == y.to_bits()));
    // the weights are √cap of the previous close
    let (t, i) = (350, 17);
    assert_eq!(a.weights[t * p.n + i], p.caps[(t - 1) * p.n + i].sqrt());
}

#[test]
fn bad_shapes_are_named() {
    let caps = vec![1.0; 6];
    let ok = RiskInputs {
        n: 3,
        returns: &[0.0; 6],
        caps: &caps,
        turnover: None,
        pb: None,
        pe: None,
        statements: None,
        industry: &[Some(0), Some(0), None],
        industry_names: &["a".to_string()],
    };
    let cfg = RiskConfig::default();
    let e = estimate(
        &RiskInputs {
            caps: &[1.0; 5],
            ..ok
        },
        &cfg,
    )
    .unwrap_err();
    assert!(
        matches!(&e, RiskError::Shape(m) if m.contains("caps")),
        "{e}"
    );
    let e = estimate(
        &RiskInputs {
            industry: &[Some(0)],
            ..ok
        },
        &cfg,
    )
    .unwrap_err();
    assert!(
        matches!(&e, RiskError::Shape(m) if m.contains("industries")),
        "{e}"
    );
    let e = estimate(
        &RiskInputs {
            industry: &[Some(0), Some(3), None],
            ..ok
        },
        &cfg,
    )
    .unwrap_err();
    assert!(e.to_string().contains("industry index 3"), "{e}");
    let e = estimate(&RiskInputs { n: 0, ..ok }, &cfg).unwrap_err();
    assert!(matches!(e, RiskError::NoData(_)));
    let e = regress_panel(
        &ok,
        &["x".into()],
        &[vec![0.0; 5]],
        1,
        RegressionConfig::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("style panel"), "{e}");
    // a tiny panel runs: nothing estimable, all NaN, no panic
    let m = estimate(&ok, &cfg).unwrap();
    assert!(m.factor_returns.iter().all(|v| v.is_nan()));
}

/// A dated industry history (t × n): a day's regression uses the industries of its
/// exposure date. With one stock moving from industry 0 to 1 on day `sw`, the dated
/// model equals the static model with the old classification on the days before and
/// the one with the new classification from then on; a constant history equals the
/// static model exactly.
#[test]
fn a_dated_industry_history_switches_on_its_date() {
    let (_, rows) = read("inputs.csv");
    let mut dates: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    dates.dedup();
    let (t_len, n) = (dates.len(), rows.len() / dates.len());
    let num = |r: &Vec<String>, k: usize| -> f64 { r[k].parse().unwrap() };
    let returns: Vec<f64> = rows.iter().map(|r| num(r, 2)).collect();
    let caps: Vec<f64> = rows.iter().map(|r| num(r, 3)).collect();
    let old: Vec<Option<usize>> = rows[..n]
        .iter()
        .map(|r| Some(r[4].parse().unwrap()))
        .collect();
    let j = old.iter().position(|k| *k == Some(0)).unwrap();
    let mut new = old.clone();
    new[j] = Some(1);
    let sw = t_len / 2;
    let dated: Vec<Option<usize>> = (0..t_len)
        .flat_map(|t| if t < sw { old.clone() } else { new.clone() })
        .collect();
    let constant: Vec<Option<usize>> = (0..t_len).flat_map(|_| old.clone()).collect();
    let styles: Vec<Vec<f64>> = (0..3)
        .map(|s| rows.iter().map(|r| num(r, 5 + s)).collect())
        .collect();
    let names: Vec<String> = (0..6).map(|k| format!("sec{k}")).collect();
    let style_names: Vec<String> = (0..3).map(|s| format!("s{s}")).collect();
    let fit = |industry: &[Option<usize>]| {
        let inputs = RiskInputs {
            n,
            returns: &returns,
            caps: &caps,
            turnover: None,
            pb: None,
            pe: None,
            statements: None,
            industry,
            industry_names: &names,
        };
        regress_panel(
            &inputs,
            &style_names,
            &styles,
            1,
            RegressionConfig::default(),
        )
        .unwrap()
    };
    let (a, b, d, c) = (fit(&old), fit(&new), fit(&dated), fit(&constant));
    let same = |x: &[f64], y: &[f64]| {
        x.len() == y.len()
            && x.iter()
                .zip(y)
                .all(|(u, v)| u == v || (u.is_nan() && v.is_nan()))
    };
    assert!(
        same(&c.factor_returns, &a.factor_returns),
        "a constant history is the static model"
    );
    let p = a.factor_names.len();
    let row =
        |m: &rotor_risk::model::RiskModel, t: usize| m.factor_returns[t * p..(t + 1) * p].to_vec();
    // lag 1: day t uses the industries of day t − 1
    for t in 1..t_len {
        let want = if t - 1 < sw { row(&a, t) } else { row(&b, t) };
        assert!(same(&row(&d, t), &want), "day {t} (switch {sw})");
    }
    assert_ne!(
        row(&a, sw + 1),
        row(&b, sw + 1),
        "the switch matters on this panel"
    );
    // a history of the wrong length is refused
    let bad = &dated[..n * 2];
    let inputs = RiskInputs {
        n,
        returns: &returns,
        caps: &caps,
        turnover: None,
        pb: None,
        pe: None,
        statements: None,
        industry: bad,
        industry_names: &names,
    };
    let e = regress_panel(
        &inputs,
        &style_names,
        &styles,
        1,
        RegressionConfig::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("dated history"), "{e}");
}
