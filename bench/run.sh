#!/usr/bin/env bash
# Times rotor on the ../shared/bench workloads, beside the peers where available.
#   bench/run.sh [import|panel|eval|rotation|risk|funds|ml|python|all]     (default: all)
# Inputs: ../shared/data (import) and /tmp/benchdata (python ../shared/bench/gen_data.py
# /tmp/benchdata --daily-stocks). Peers run from the /tmp/peers venv when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-all}
BENCH=${BENCH_DATA:-/tmp/benchdata}
PY=/tmp/peers/bin/python
cargo build --release -q
cargo build --release -q -p rotor-data --example read_panel
cargo build --release -q -p rotor-strategies --example bench_rotation
cargo build --release -q -p rotor-risk --example bench_factor_returns
cargo build --release -q -p rotor-funds --example bench_rolling
cargo build --release -q -p rotor-ml --example bench_features
cargo build --release -q -p rotor-ml --example bench_gbdt
cargo build --release -q -p rotor-ml --example bench_gru
ROTOR=./target/release/rotor
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
T="/usr/bin/time -f"

if [[ $WHAT == all || $WHAT == import ]]; then
  ETF=../shared/data/raw/multifactor_etf/etf
  if [ -d "$ETF" ]; then
    echo "== import 799 AKShare ETF CSVs into a fresh store (target < 0.5 s)"
    $T "rotor : %e s wall, %M KB peak" $ROTOR -q data import "$ETF"/*.csv --dataset prices --preset akshare \
        --asset-type etf --adjust forward --code-from-filename --store "$TMP/store" > /dev/null
    if [ -x $PY ]; then
      $T "pandas: %e s wall, %M KB peak" $PY ../shared/bench/peer_pandas_import.py "$ETF" "$TMP/pandas.parquet"
    else
      echo "pandas: not run (no /tmp/peers venv); 0.9-1.2 s in ../shared/bench/README.md"
    fi
  else
    echo "skip import: $ETF absent"
  fi
fi

if [[ $WHAT == all || $WHAT == panel ]]; then
  if [ -f "$BENCH/stock_prices_d.parquet" ]; then
    echo "== read a 3000-stock x 2500-day close panel from the store (target < 0.3 s)"
    $ROTOR -q data import "$BENCH/stock_prices_d.parquet" --dataset prices --asset-type stock \
        --store "$TMP/bstore" > /dev/null
    $T "rotor : %e s wall, %M KB peak" ./target/release/examples/read_panel "$TMP/bstore"
  else
    echo "skip panel: $BENCH/stock_prices_d.parquet absent"
  fi
fi

if [[ $WHAT == all || $WHAT == eval ]]; then
  if [ -f "$BENCH/stock_factor_m.parquet" ]; then
    echo "== monthly factor evaluation, 3000 stocks x 181 month-ends, 5 quantiles (alphalens 0.77 s; target <= 0.1 s)"
    $T "rotor : %e s wall, %M KB peak" $ROTOR -q eval --factor "$BENCH/stock_factor_m.parquet" \
        --prices "$BENCH/stock_prices_m.parquet" --periods 1 --quantiles 5 --grouping qcut --min-ic-obs 2 --out "$TMP/eval_m" --no-report --json | python3 -c 'import json,sys; s=json.load(sys.stdin); print("rotor rank_ic_mean", repr(s["by_period"][0]["rank_ic"]["mean"]))'
    [ -x $PY ] && $T "alphalens: %e s wall, %M KB peak" $PY ../shared/bench/peer_alphalens.py "$BENCH"
  fi
  if [ -f "$BENCH/stock_factor_d.parquet" ]; then
    echo "== daily factor evaluation, 3000 x 2500, horizons 1/5/20, 10 quantiles (alphalens 17.4 s / 1.7 GB; target <= 1 s / 400 MB)"
    $T "rotor : %e s wall, %M KB peak" $ROTOR -q eval --factor "$BENCH/stock_factor_d.parquet" \
        --prices "$BENCH/stock_prices_d.parquet" --periods 1,5,20 --quantiles 10 --grouping qcut --min-ic-obs 2 --out "$TMP/eval_d" --no-report --json | python3 -c 'import json,sys; s=json.load(sys.stdin); print("rotor rank_ic_mean", repr(s["by_period"][0]["rank_ic"]["mean"]))'
    # the same with the HTML / Excel / PNG report (alphalens' figure above has no tear sheet)
    $T "rotor + report: %e s wall, %M KB peak" $ROTOR -q eval --factor "$BENCH/stock_factor_d.parquet" \
        --prices "$BENCH/stock_prices_d.parquet" --periods 1,5,20 --quantiles 10 --grouping qcut --min-ic-obs 2 --out "$TMP/eval_dr" > /dev/null
    [ -x $PY ] && $T "alphalens: %e s wall, %M KB peak" $PY ../shared/bench/peer_alphalens_daily.py "$BENCH"
  fi
fi

if [[ $WHAT == all || $WHAT == ml ]]; then
  echo "== AI features: the Alpha158-style library (105 features with OHLC, volume, turnover) of 3000 stocks x 2500 days (target <= 10 s, <= 4 GB)"
  $T "rotor : %e s wall, %M KB peak (synthetic bars generated in the same process)" ./target/release/examples/bench_features 3000 2500
  echo "== GBDT training beside LightGBM on identical rows (400 days x 500 stocks, 50 features; target: no slower, RankIC within 0.005)"
  ./target/release/examples/bench_gbdt "$TMP/gbdt" 400 50
  if [ -x /tmp/lgb/bin/python ]; then
    /tmp/lgb/bin/python bench/ml/peer_lightgbm.py "$TMP/gbdt" 2
    /tmp/lgb/bin/python bench/ml/peer_lightgbm.py "$TMP/gbdt" 1
  else
    echo "lightgbm: not run (no /tmp/lgb venv; see bench/ml/peer_lightgbm.py)"
  fi
  echo "== GBDT beside LightGBM at the issue's size (2857 days x 500 stocks: 1M training rows, 150 features; about 6 GB and 3 minutes)"
  ./target/release/examples/bench_gbdt "$TMP/gbdt_1m" 2857 150
  if [ -x /tmp/lgb/bin/python ]; then
    /tmp/lgb/bin/python bench/ml/peer_lightgbm.py "$TMP/gbdt_1m" 2
  fi
  rm -rf "$TMP/gbdt_1m"
  echo "== GRU training beside PyTorch on identical sequences (300 days x 500 stocks, 8 features, 40-day sequences, hidden 32, 3 epochs; target: an epoch within 1.5x of PyTorch's, RankIC comparable)"
  ./target/release/examples/bench_gru "$TMP/gru" 300 8 3 2>/dev/null
  if [ -x /tmp/torch/bin/python ]; then
    /tmp/torch/bin/python bench/ml/peer_gru.py "$TMP/gru" 3 2 2>/dev/null
  else
    echo "pytorch: not run (no /tmp/torch venv with torch; see bench/ml/peer_gru.py)"
  fi
fi

if [[ $WHAT == all || $WHAT == rotation ]]; then
  if [ -f "$BENCH/prices_daily.parquet" ]; then
    sed "s|/tmp/benchdata|$BENCH|; s|/tmp/rotor-bench-runs|$TMP/runs|" bench/rotation/strategy.toml > "$TMP/rotation.toml"
    echo "== one monthly top-5 momentum rotation, 100 indices x 3000 days from Parquet (bt 0.32 s; target <= 0.05 s, total return within 1 % of bt)"
    $T "rotor : %e s wall, %M KB peak (whole process, run folder written, no report)" $ROTOR -q backtest --config "$TMP/rotation.toml" --out "$TMP/run" --no-report > /dev/null
    $T "rotor + report: %e s wall, %M KB peak (HTML, workbook, PNG charts)" $ROTOR -q backtest --config "$TMP/rotation.toml" --out "$TMP/run_r" > /dev/null
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("rotor total_return", [x["total_return"] for x in s["series"] if x["name"]=="strategy"][0])' "$TMP/run/summary.json"
    echo "== stages and the 100-variant sweep (lookback 20..200 step 20 x top-N 1..10; vectorbt 9.5 s; target <= 0.5 s)"
    ./target/release/examples/bench_rotation "$TMP/rotation.toml" 2>/dev/null
    if [ -x $PY ]; then
      $T "bt    : %e s wall, %M KB peak" $PY ../shared/bench/peer_bt.py "$BENCH"
      $PY -c 'import vectorbt' 2>/dev/null && $T "vectorbt sweep: %e s wall, %M KB peak" $PY ../shared/bench/peer_vbt.py "$BENCH" --sweep
    fi
  else
    echo "skip rotation: $BENCH/prices_daily.parquet absent"
  fi
fi

if [[ $WHAT == all || $WHAT == risk ]]; then
  # toraniko needs numpy < 2: its own venv (python3 -m venv /tmp/tor && /tmp/tor/bin/pip install toraniko==1.1.1)
  TPY=/tmp/tor/bin/python
  if [ -x $TPY ]; then
    echo "== risk model, 3000 stocks x 2500 days, 30 sectors, 8 styles (target: <= 10 s / 3 GB whole model; >= 20x toraniko)"
    $TPY bench/risk/gen.py "$TMP/risk" > /dev/null
    $T "rotor : %e s wall, %M KB peak" ./target/release/examples/bench_factor_returns "$TMP/risk"
    $T "numpy : %e s wall, %M KB peak" $TPY bench/risk/peers.py "$TMP/risk" numpy
    $T "toraniko: %e s wall, %M KB peak" $TPY bench/risk/peers.py "$TMP/risk" toraniko
    $TPY bench/risk/compare.py "$TMP/risk"
  else
    echo "skip risk: no /tmp/tor venv with toraniko"
  fi
fi

if [[ $WHAT == all || $WHAT == funds ]]; then
  TPY=/tmp/tor/bin/python   # statsmodels, pandas < 3 and polars-ols live beside toraniko
  if [ -x $TPY ]; then
    echo "== rolling OLS, 200 funds x 2500 days, 6 regressors (target: >= 30x statsmodels, beat polars-ols)"
    $TPY bench/funds/rolling.py "$TMP/funds" gen
    $T "rotor : %e s wall, %M KB peak" ./target/release/examples/bench_rolling "$TMP/funds"
    $T "statsmodels: %e s wall, %M KB peak" $TPY bench/funds/rolling.py "$TMP/funds" statsmodels
    $T "polars-ols: %e s wall, %M KB peak" $TPY bench/funds/rolling.py "$TMP/funds" polars
    ./target/release/examples/bench_rolling "$TMP/funds" | tail -1
  else
    echo "skip funds: no /tmp/tor venv with statsmodels and polars-ols"
  fi
fi

if [[ $WHAT == all || $WHAT == python ]]; then
  # the Python package (pip install ./python ray into $PYV) beside the Rust reads and alphalens
  PYV=${ROTOR_BENCH_PY:-$HOME/.cache/rotor-test-venv/bin/python}
  if [ -x "$PYV" ] && "$PYV" -c 'import rotor, ray' 2>/dev/null && [ -f "$BENCH/stock_prices_d.parquet" ]; then
    echo "== Python API: panel read (<= 1.5x Rust), evaluate from pandas (>= 15x alphalens), Ray sweep of 1000 variants (<= 1.3x rotor sweep)"
    $ROTOR -q data import "$BENCH/stock_prices_d.parquet" --dataset prices --asset-type stock --store "$TMP/pstore" > /dev/null
    sed "s|/tmp/benchdata|$BENCH|; s|/tmp/rotor-bench-runs|$TMP/runs|" bench/rotation/strategy.toml > "$TMP/prot.toml"
    PEER=""; [ -x /tmp/tor/bin/python ] && PEER=/tmp/tor/bin/python
    "$PYV" bench/python/bench_python.py "$BENCH" "$TMP/pstore" "$TMP/prot.toml" $PEER 2>&1 | grep -v "WARNING\|INFO"
  else
    echo "skip python: needs $PYV with rotor and ray (scripts/test.sh makes it) and $BENCH"
  fi
fi
