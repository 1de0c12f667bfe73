#!/usr/bin/env python3
"""Read every dataset of a rotor store the way the README documents it:
``pd.read_parquet("store/<dataset>")``.

Prints one JSON object ``{"<dataset>": rows, ...}`` on stdout and exits 0, or prints
the failing dataset and the exception on stderr and exits 1. Exits 3 when pandas or
pyarrow is not installed (the store-integrity test then skips this step, saying so).

Usage: read_store_pandas.py STORE
"""
import json
import os
import sys

try:
    import pandas as pd
    import pyarrow  # noqa: F401  (the engine pd.read_parquet uses)
except ImportError as e:  # pragma: no cover - environment dependent
    print(f"pandas/pyarrow not available: {e}", file=sys.stderr)
    sys.exit(3)


def main(store: str) -> int:
    rows = {}
    for name in sorted(os.listdir(store)):
        path = os.path.join(store, name)
        # readers look at the visible dataset folders; dot names are rotor's internals
        if name.startswith((".", "_")) or not os.path.isdir(path):
            continue
        try:
            rows[name] = len(pd.read_parquet(path))
        except Exception as e:  # noqa: BLE001 - report whatever pandas raised
            print(f"pd.read_parquet({path!r}) failed: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
    print(json.dumps(rows, sort_keys=True))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
