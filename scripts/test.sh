#!/usr/bin/env bash
# The whole test suite, the README's one test command (.ci/run calls it):
#   1. a Python virtual environment with the test requirements (pandas, pyarrow, polars,
#      pytest, Ray, matplotlib) — also the ROTOR_PYTHON of the Rust tests that read the
#      store with pandas;
#   2. the Rust tests (cargo test --workspace);
#   3. the Python package built from this clone into that environment
#      (pip install ./python: maturin builds crates/rotor-py) and its pytest suite,
#      including the Ray sweep on a local 2-CPU cluster and the notebook example.
# ROTOR_TEST_VENV chooses the environment (default ~/.cache/rotor-test-venv, reused).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${ROTOR_TEST_VENV:-$HOME/.cache/rotor-test-venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q pytest pandas pyarrow polars "ray>=2.9" matplotlib
export ROTOR_PYTHON="${ROTOR_PYTHON:-$VENV/bin/python}"

cargo test --workspace

"$VENV/bin/python" -m pip install -q --force-reinstall --no-deps ./python
cargo build --release --bin rotor
TARGET="${CARGO_TARGET_DIR:-target}"
ROTOR_BIN="$TARGET/release/rotor" "$VENV/bin/python" -m pytest -q -rs python/tests
