#!/usr/bin/env bash
# Times rotor on the ../shared/bench workloads, beside the peers where available.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
ROTOR=./target/release/rotor
ETF=../shared/data/raw/multifactor_etf/etf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if [ -d "$ETF" ]; then
  echo "== import 799 AKShare ETF CSVs into a fresh store"
  /usr/bin/time -f "rotor: %e s wall, %M KB peak" $ROTOR -q data import "$ETF"/*.csv --dataset prices --preset akshare \
      --asset-type etf --adjust forward --code-from-filename --store "$TMP/store" > /dev/null
  if [ -x /tmp/peers/bin/python ]; then
    /usr/bin/time -f "pandas: %e s wall, %M KB peak" /tmp/peers/bin/python ../shared/bench/peer_pandas_import.py "$ETF" "$TMP/pandas.parquet"
  else
    echo "pandas: not run (no /tmp/peers venv); measured 0.9-1.2 s in ../shared/bench/README.md"
  fi
else
  echo "skip: $ETF absent"
fi
