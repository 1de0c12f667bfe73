"""The Python package beside the Rust engine and the peers, in one run (issue 18):

1. a 3000 × 2500 close panel read into pandas through the API vs the Rust read
   (target: within 1.5×);
2. rotor.evaluate on the daily workload from pandas inputs (a (date, asset) factor
   Series and a wide price frame in memory), end to end — conversion, evaluation,
   frames back — vs alphalens-reloaded's own work on the same objects (target: ≥ 15×);
3. rotor.ray.sweep of 1000 variants on a local 2-CPU Ray cluster vs rotor.sweep
   (target: within 1.3×).

    python bench/python/bench_python.py /tmp/benchdata STORE ROTATION_TOML [PEER_PYTHON]

STORE holds stock_prices_d.parquet imported (bench/run.sh python does it);
ROTATION_TOML is bench/rotation/strategy.toml with its paths set.
"""

import json
import subprocess
import sys
import time

import pandas as pd

import rotor

bench, store_dir, rotation = sys.argv[1], sys.argv[2], sys.argv[3]
peer_py = sys.argv[4] if len(sys.argv) > 4 else None


def best(f, n=3):
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        out = f()
        ts.append(time.perf_counter() - t0)
    return min(ts), out


# 1. panel read
store = rotor.Store(store_dir)
t_py, wide = best(lambda: store.panel("close"))
rust = json.loads(subprocess.run(["./target/release/examples/read_panel", store_dir], capture_output=True, text=True, check=True).stdout)
print(f"panel read {wide.shape[0]} x {wide.shape[1]}: python API {t_py:.3f} s, Rust {rust['seconds']:.3f} s -> {t_py / rust['seconds']:.2f}x (target <= 1.5x)")

# 2. evaluate from pandas inputs: the factor Series (date, asset) and the wide prices
# built first, as a notebook holds them; then rotor.evaluate end to end (conversion,
# evaluation, frames back) vs alphalens' own work on the same objects
fdf = pd.read_parquet(f"{bench}/stock_factor_d.parquet").dropna()
factor = fdf.set_index(["date", "asset"])["factor"]
prices = pd.read_parquet(f"{bench}/stock_prices_d.parquet").pivot(index="date", columns="asset", values="close")
t_ev, ev = best(lambda: rotor.evaluate(factor, prices, periods=(1, 5, 20), quantiles=10), n=3)
ric = ev.summary.loc[ev.summary.period == 1, "rank_ic_mean"].iloc[0]
print(f"rotor.evaluate daily 3000 x 2500 from pandas objects: {t_ev:.2f} s (RankIC mean 1D {ric!r})")
if peer_py:
    al = json.loads(subprocess.run([peer_py, "bench/python/peer_alphalens_inputs.py", bench], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    print(f"alphalens from the same pandas objects: {al['seconds']:.1f} s (RankIC mean 1D {al['rank_ic_mean']!r}) -> rotor {al['seconds'] / t_ev:.1f}x faster (target >= 15x)")

# 3. ray sweep vs local sweep
import ray
import rotor.ray as rr

grid = "signal.lookback=10..200:10 portfolio.top_n=1..10 portfolio.cost_bps=5,10,15,20,25"
t_local, local = best(lambda: rotor.sweep(rotation, grid), n=2)
ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
rr.sweep(rotation, "portfolio.top_n=1,2", chunk_size=1)  # start the workers
t_ray, dist = best(lambda: rr.sweep(rotation, grid, chunk_size=100), n=2)
ray.shutdown()
assert dist.reset_index(drop=True).equals(local.reset_index(drop=True)), "ray sweep differs from the local sweep"
print(f"sweep of {len(local)} variants: rotor.sweep {t_local:.2f} s, rotor.ray.sweep (2 CPUs, chunks of 100) {t_ray:.2f} s -> {t_ray / t_local:.2f}x (target <= 1.3x); tables equal")
