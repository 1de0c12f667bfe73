"""alphalens on the daily workload from pandas inputs already in memory: the factor
Series (date, asset) and the wide price frame are built first, then only alphalens'
own work is timed (clean factor + forward returns, IC, quantile returns) — the same
span rotor.evaluate is timed over in bench_python.py."""
import json, sys, time, pathlib
import pandas as pd
import alphalens as al

d = pathlib.Path(sys.argv[1])
px = pd.read_parquet(d / "stock_prices_d.parquet").pivot(index="date", columns="asset", values="close")
fac = pd.read_parquet(d / "stock_factor_d.parquet").dropna().set_index(["date", "asset"])["factor"]
t0 = time.perf_counter()
clean = al.utils.get_clean_factor_and_forward_returns(fac, px, quantiles=10, periods=(1, 5, 20), max_loss=1.0)
ic = al.performance.factor_information_coefficient(clean)
qret, _ = al.performance.mean_return_by_quantile(clean, by_date=True)
t1 = time.perf_counter()
print(json.dumps({"seconds": round(t1 - t0, 3), "rank_ic_mean": float(ic[ic.columns[0]].mean())}))
