"""LightGBM beside rotor's GBDT on the rows bench_gbdt wrote (same split, same settings:
31 leaves, learning rate 0.05, L2 1, min 50 rows a leaf, 256 bins, 300 rounds at most,
early stopping after 30 on the validation RMSE).

    python3 -m venv /tmp/lgb && /tmp/lgb/bin/pip install lightgbm pyarrow pandas scipy
    /tmp/lgb/bin/python bench/ml/peer_lightgbm.py DIR [threads]
"""
import json
import sys
import time

import lightgbm as lgb
import pandas as pd
from scipy.stats import spearmanr

d = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
df = pd.read_parquet(f"{d}/gbdt_rows.parquet")
days = df["day"].max() + 1
feats = [c for c in df.columns if c.startswith("f")]
tr, va = df[df.day < days * 7 // 10], df[(df.day >= days * 7 // 10) & (df.day < days * 8 // 10)]
te = df[df.day >= days * 8 // 10]
params = dict(objective="regression", num_leaves=31, learning_rate=0.05, lambda_l2=1.0,
              min_data_in_leaf=50, max_bin=256, max_depth=8, num_threads=threads, seed=0,
              deterministic=True, verbose=-1)
t0 = time.perf_counter()
m = lgb.train(params, lgb.Dataset(tr[feats], tr["y"]), num_boost_round=300,
              valid_sets=[lgb.Dataset(va[feats], va["y"])],
              callbacks=[lgb.early_stopping(30, verbose=False)])
secs = time.perf_counter() - t0
te = te.assign(p=m.predict(te[feats], num_iteration=m.best_iteration))
ic = te.groupby("day").apply(lambda g: spearmanr(g["p"], g["y"]).statistic).mean()
print(json.dumps({"tool": "lightgbm", "threads": threads, "train_rows": len(tr), "features": len(feats),
                  "seconds": round(secs, 3), "best_iteration": m.best_iteration, "test_rank_ic": round(ic, 5)}))
