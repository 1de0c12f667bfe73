"""Generate the LightGBM parity fixture for crates/rotor-ml (issue 16: a model trained
in Python, saved with Booster.save_model, predicts in rotor exactly as in LightGBM).

Two models on 8 features with missing values (NaN in two features, exact zeros in one):
a regression model (60 trees, 15 leaves) and a binary one (20 trees), and the rows they
predict (training and held-out rows alike). Predictions are written with 17 digits.

    python3 -m venv /tmp/lgb && /tmp/lgb/bin/pip install lightgbm numpy
    /tmp/lgb/bin/python tools/parity/gen_lightgbm.py
"""
import pathlib
import lightgbm as lgb
import numpy as np

root = pathlib.Path(__file__).resolve().parents[2]
out = root / "crates/rotor-ml/tests/fixtures"
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(16)
n, p = 1500, 8
x = rng.normal(size=(n, p))
x[rng.random(n) < 0.1, 2] = np.nan
x[rng.random(n) < 0.05, 5] = np.nan
x[rng.random(n) < 0.2, 6] = 0.0
y = 0.5 * x[:, 0] - 0.3 * np.nan_to_num(x[:, 2]) + 0.2 * x[:, 1] * x[:, 3] + rng.normal(0, 0.5, n)
names = [f"f{j}" for j in range(p)]
params = dict(objective="regression", num_leaves=15, learning_rate=0.05, min_data_in_leaf=20,
              seed=1, deterministic=True, num_threads=1, verbose=-1)
reg = lgb.train(params, lgb.Dataset(x[:1200], y[:1200], feature_name=names), num_boost_round=60)
reg.save_model(str(out / "lgb_regression.txt"))
params_b = dict(params, objective="binary", num_leaves=7)
clf = lgb.train(params_b, lgb.Dataset(x[:1200], (y[:1200] > 0).astype(int), feature_name=names),
                num_boost_round=20)
clf.save_model(str(out / "lgb_binary.txt"))
rows = x[1000:1300]
pr = reg.predict(rows)
pb = clf.predict(rows)
with open(out / "lgb_rows.csv", "w") as f:
    f.write(",".join(names + ["regression", "binary"]) + "\n")
    for r, a, b in zip(rows, pr, pb):
        cells = ["" if np.isnan(v) else repr(float(v)) for v in r]
        f.write(",".join(cells + [repr(float(a)), repr(float(b))]) + "\n")
print(f"wrote {out}")
