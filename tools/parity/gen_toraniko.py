"""Generate the toraniko parity fixture committed under crates/rotor-risk/tests/fixtures.

toraniko's `estimate_factor_returns` (market + sector + style factor returns by WLS with
√cap weights, sectors summing to zero, styles on the residuals) on a small seeded panel:
80 stocks x 30 days, 6 sectors, 3 styles, returns with planted factor returns + noise.
Returns are fed unwinsorised (`winsor_factor=None`) so both sides see the same numbers.

    python3 -m venv /tmp/tor && /tmp/tor/bin/pip install toraniko==1.1.1
    /tmp/tor/bin/python tools/parity/gen_toraniko.py
"""
import pathlib
import numpy as np
import polars as pl
from toraniko.model import estimate_factor_returns

root = pathlib.Path(__file__).resolve().parents[2]
out = root / "crates/rotor-risk/tests/fixtures/toraniko"
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(11)
n, t, k, s = 80, 30, 6, 3
dates = [f"2024-01-{d:02d}" if d <= 31 else f"2024-02-{d - 31:02d}" for d in range(1, t + 1)]
symbols = [f"S{i:03d}" for i in range(n)]
sector = np.arange(n) % k
caps = np.exp(rng.normal(3, 1, (t, n)))
styles = rng.normal(0, 1, (t, n, s))
f_mkt = rng.normal(0, 0.01, t)
f_sec = rng.normal(0, 0.005, (t, k))
f_sty = rng.normal(0, 0.004, (t, s))
ret = (f_mkt[:, None] + f_sec[:, sector] + np.einsum("tns,ts->tn", styles, f_sty)
       + rng.normal(0, 0.01, (t, n)))
rows = []
for a in range(t):
    for i in range(n):
        rows.append((dates[a], symbols[i], ret[a, i], caps[a, i], int(sector[i]),
                     styles[a, i, 0], styles[a, i, 1], styles[a, i, 2]))
inputs = pl.DataFrame(rows, schema=["date", "symbol", "asset_returns", "market_cap", "sector",
                                    "s0", "s1", "s2"], orient="row")
inputs.write_csv(out / "inputs.csv", float_precision=17)
sec_df = inputs.select("date", "symbol", *[
    (pl.col("sector") == j).cast(pl.Float64).alias(f"sec{j}") for j in range(k)])
fr, _ = estimate_factor_returns(
    inputs.select("date", "symbol", "asset_returns"),
    inputs.select("date", "symbol", "market_cap"),
    sec_df,
    inputs.select("date", "symbol", "s0", "s1", "s2"),
    winsor_factor=None,
    residualize_styles=True,
)
fr.sort("date").write_csv(out / "factor_returns.csv", float_precision=17)
print(f"wrote {out}")
