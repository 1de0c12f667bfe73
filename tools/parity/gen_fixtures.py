"""Generate the parity fixtures committed under crates/*/tests/fixtures.

Run (from the repository root, with a venv holding the reference packages):

    python3 -m venv /tmp/peers && /tmp/peers/bin/pip install alphalens-reloaded==0.5.1 empyrical-reloaded==0.7.1 pandas pyarrow
    /tmp/peers/bin/python tools/parity/gen_fixtures.py

Inputs are small and deterministic (seeded), include missing values and ties, and are
written next to the reference outputs, so the Rust tests read both and never call Python.
Regenerate only on purpose (a reference-package upgrade); the diff then shows what moved.
"""
import json, pathlib, sys
import numpy as np, pandas as pd
import alphalens as al
import empyrical as ep

root = pathlib.Path(__file__).resolve().parents[2]
out = root / "crates/rotor-eval/tests/fixtures/alphalens"
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(7)

# ---- alphalens: 40 assets x 80 business days, 3 horizons, 5 quantiles ------------------
n, t = 40, 80
dates = pd.bdate_range("2021-01-04", periods=t)
assets = [f"A{i:02d}" for i in range(n)]
sig = rng.normal(0, 1, (t, n))
ret = np.vstack([np.zeros((1, n)), 0.004 * sig[:-1]]) + rng.normal(0, 0.02, (t, n))
px = pd.DataFrame(100 * np.cumprod(1 + ret, axis=0), index=dates, columns=assets)
px.iloc[10:15, 3] = np.nan            # a suspended stock
px.iloc[:20, 7] = np.nan              # a late listing
fac = pd.DataFrame(sig, index=dates, columns=assets)
fac = fac.round(1)                    # ties inside cross-sections
fac.iloc[::7, 5] = np.nan             # missing factor values
fac.index.name = "date"; fac.columns.name = "asset"
px.index.name = "date"
factor = fac.stack().dropna()
factor.index.names = ["date", "asset"]

clean = al.utils.get_clean_factor_and_forward_returns(
    factor, px, quantiles=5, periods=(1, 3, 5), max_loss=1.0)
ic = al.performance.factor_information_coefficient(clean)
q_raw, _ = al.performance.mean_return_by_quantile(clean, by_date=True, demeaned=False)
q_dm, _ = al.performance.mean_return_by_quantile(clean, by_date=True, demeaned=True)
q_all, _ = al.performance.mean_return_by_quantile(clean, by_date=False, demeaned=False)
turn = pd.concat({q: al.performance.quantile_turnover(clean["factor_quantile"], q, 1)
                  for q in range(1, 6)}, axis=1)
ac = al.performance.factor_rank_autocorrelation(clean, 1)

def long(df, name):
    d = df.copy()
    d.index = d.index.set_names(["date"] + list(d.index.names[1:]))
    return d.reset_index()

pd.DataFrame(px.stack().rename("value")).reset_index().rename(columns={"level_1": "asset"}) \
    .to_csv(out / "prices.csv", index=False, float_format="%.17g")
factor.rename("value").reset_index().to_csv(out / "factor.csv", index=False, float_format="%.17g")
cl = clean.reset_index()
cl.to_csv(out / "clean.csv", index=False, float_format="%.17g")
ic.reset_index().to_csv(out / "rank_ic.csv", index=False, float_format="%.17g")
q_raw.reset_index().to_csv(out / "quantile_returns_raw.csv", index=False, float_format="%.17g")
q_dm.reset_index().to_csv(out / "quantile_returns_demeaned.csv", index=False, float_format="%.17g")
q_all.reset_index().to_csv(out / "quantile_returns_mean.csv", index=False, float_format="%.17g")
turn.index.name = "date"
turn.reset_index().to_csv(out / "turnover_1.csv", index=False, float_format="%.17g")
ac.rename("autocorr").reset_index().to_csv(out / "rank_autocorr_1.csv", index=False, float_format="%.17g")

# ---- empyrical: daily and monthly return series ------------------------------------------
emp = root / "crates/rotor-metrics/tests/fixtures"
emp.mkdir(parents=True, exist_ok=True)
cases = {}
r_d = pd.Series(rng.normal(0.0004, 0.012, 500))
r_d.iloc[100:110] = -0.03                          # a drawdown
r_m = pd.Series(rng.normal(0.008, 0.05, 96))
b_d = pd.Series(0.8 * r_d.values + rng.normal(0, 0.004, 500))
for name, r, period in [("daily", r_d, "daily"), ("monthly", r_m, "monthly")]:
    cases[name] = {
        "period": period,
        "returns": [float(x) for x in r],
        "annual_return": float(ep.annual_return(r, period=period)),
        "cum_returns_final": float(ep.cum_returns_final(r)),
        "annual_volatility": float(ep.annual_volatility(r, period=period)),
        "sharpe_ratio": float(ep.sharpe_ratio(r, period=period)),
        "sortino_ratio": float(ep.sortino_ratio(r, period=period)),
        "downside_risk": float(ep.downside_risk(r, period=period)),
        "max_drawdown": float(ep.max_drawdown(r)),
        "calmar_ratio": float(ep.calmar_ratio(r, period=period)),
    }
cases["daily"]["benchmark"] = [float(x) for x in b_d]
cases["daily"]["excess_sharpe"] = float(ep.excess_sharpe(r_d, b_d))
cases["daily"]["tracking_error_ann"] = float(np.std(r_d - b_d, ddof=1) * np.sqrt(252))
(emp / "empyrical.json").write_text(json.dumps({
    "generator": "tools/parity/gen_fixtures.py",
    "empyrical_version": ep.__version__ if hasattr(ep, "__version__") else "0.7.x",
    "cases": cases}, indent=1))
print("wrote", out, emp, file=sys.stderr)
