# %% [markdown]
# # rotor from a notebook
#
# The first notebook a researcher runs: load the real China bundle into a store, look
# at prices as a pandas frame, evaluate a factor the alphalens way, run the money +
# credit index rotation and plot its NAV. Open it in Jupyter / VS Code (the `# %%` marks
# are cells) or run it as a script:
#
#     pip install ./python matplotlib
#     python examples/notebook.py        # from the repository root
#
# Without `../shared/data` it uses the synthetic market (`rotor.simulate`) instead.

# %%
import os
import pathlib
import tomllib

import pandas as pd

import rotor

ROOT = pathlib.Path(os.environ.get("ROTOR_REPO", ".")).resolve()
DATA = pathlib.Path(os.environ.get("ROTOR_DATA", ROOT / "../shared/data")).resolve()
OUT = pathlib.Path(os.environ.get("ROTOR_OUT", ROOT / "rotor-out/notebook")).resolve()
OUT.mkdir(parents=True, exist_ok=True)
REAL = DATA.exists()
print("rotor", rotor.__version__, "| data:", DATA if REAL else "synthetic market")

# %% [markdown]
# ## 1. A store

# %%
store_dir = OUT / ("store" if REAL else "sim-store")
if REAL:
    store = rotor.Store(store_dir)
    if "prices" not in store.datasets():
        report = store.import_files(mapping=ROOT / "examples/china_bundle.toml", root=DATA / "raw")
        print(report["files"], "files,", report["rows"], "rows imported")
    strategy = tomllib.loads((ROOT / "examples/china_index/strategy.toml").read_text())
else:
    if not store_dir.exists():
        rotor.simulate(store_dir, seed=42, years=10)
    store = rotor.Store(store_dir)
    strategy = tomllib.loads((ROOT / "examples/demo/strategy.toml").read_text())
strategy["store"] = str(store_dir)
strategy["out"] = str(OUT / "runs")
print(store)

# %% [markdown]
# ## 2. Prices as a frame: dates × codes of the close

# %%
codes = strategy["universe"]["codes"] or sorted(set(store.prices()["code"]))[:12]
close = store.prices(codes, start="2013-01-01", field="close")
print(close.iloc[-3:, :5])

# %% [markdown]
# ## 3. Evaluate a factor: 20-day momentum, the alphalens way
#
# `rotor.evaluate` takes alphalens' inputs — a factor Series indexed by (date, asset)
# and a wide price frame — and returns IC, quantile returns and turnover as frames.

# %%
momentum = close.pct_change(20, fill_method=None).stack().rename("momentum_20d")
momentum.index.names = ["date", "asset"]
ev = rotor.evaluate(momentum, close, periods=(5, 20), quantiles=3, report=OUT / "eval")
print(ev.summary[["period", "n_dates", "rank_ic_mean", "rank_icir"]])
print("report:", ev.report)

# %% [markdown]
# ## 4. Run the rotation and plot its NAV

# %%
result = rotor.run(strategy, out=OUT / "run", base_dir=OUT)
nav = result.nav
nav["date"] = pd.to_datetime(nav["date"])
nav = nav.set_index("date")
print(result.yearly.tail())
print({k: result.summary[k] for k in list(result.summary)[:6]})

# %%
import matplotlib

matplotlib.use("Agg")
ax = nav[[c for c in nav.columns if nav[c].dtype.kind == "f"][:3]].plot(figsize=(9, 4), logy=True, title=strategy["name"])
ax.figure.savefig(OUT / "nav.png", dpi=120, bbox_inches="tight")
print("NAV chart:", OUT / "nav.png", "| reports:", result.reports)
