"""Generate the statsmodels RollingOLS parity fixture for crates/rotor-funds.

One fund-like series of 600 days on 4 regressors (a market and three styles) with
missing days in y and in x, window 250, min_nobs 200, a constant, missing="drop".

    /tmp/tor/bin/pip install statsmodels "pandas<3"
    /tmp/tor/bin/python tools/parity/gen_rolling_ols.py
"""
import pathlib
import numpy as np
import pandas as pd
from statsmodels.regression.rolling import RollingOLS
import statsmodels.api as sm

root = pathlib.Path(__file__).resolve().parents[2]
out = root / "crates/rotor-funds/tests/fixtures"
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(3)
t, p = 600, 4
x = rng.normal(0, 0.01, (t, p))
y = 0.0003 + x @ np.array([0.9, 0.2, -0.1, 0.05]) + rng.normal(0, 0.005, t)
y[[50, 301, 302]] = np.nan
x[[120, 450], 2] = np.nan
X = sm.add_constant(pd.DataFrame(x, columns=[f"x{j}" for j in range(p)]))
res = RollingOLS(pd.Series(y), X, window=250, min_nobs=200, missing="drop").fit()
data = pd.DataFrame(x, columns=[f"x{j}" for j in range(p)])
data.insert(0, "y", y)
data.to_csv(out / "rolling_inputs.csv", index=False, float_format="%.17g")
res.params.to_csv(out / "rolling_params.csv", index=False, float_format="%.17g")
print(f"wrote {out}")
