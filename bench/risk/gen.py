"""Inputs of the risk-model benchmark: N stocks x T days, K sectors, S styles, written as
raw little-endian float64 files (row-major t x n; styles t x n x s) so rotor and the
peers read identical numbers without a parser in the timing.

    python bench/risk/gen.py DIR [N T K S]      (default 3000 2500 30 8)
"""
import sys, pathlib
import numpy as np

out = pathlib.Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
n, t, k, s = (int(x) for x in (sys.argv[2:6] if len(sys.argv) > 5 else (3000, 2500, 30, 8)))
rng = np.random.default_rng(5)
sector = (np.arange(n) * 7919) % k
base = np.exp(rng.normal(3.0, 1.0, n))
caps = base[None, :] * np.exp(np.cumsum(rng.normal(0, 0.01, (t, n)), axis=0))
styles = np.empty((t, n, s))
styles[0] = rng.normal(0, 1, (n, s))
for d in range(1, t):
    styles[d] = 0.995 * styles[d - 1] + 0.1 * rng.normal(0, 1, (n, s))
f_mkt = rng.normal(0, 0.01, t)
f_sec = rng.normal(0, 0.005, (t, k))
f_sty = rng.normal(0, 0.003, (t, s))
ret = f_mkt[:, None] + f_sec[:, sector] + np.einsum("tns,ts->tn", styles, f_sty) + rng.normal(0, 0.015, (t, n))
ret.astype("<f8").tofile(out / "returns.bin")
caps.astype("<f8").tofile(out / "caps.bin")
styles.astype("<f8").tofile(out / "styles.bin")
sector.astype("<i8").tofile(out / "sector.bin")
(out / "shape.txt").write_text(f"{n} {t} {k} {s}\n")
print(f"wrote {out}: {n} stocks x {t} days, {k} sectors, {s} styles")
