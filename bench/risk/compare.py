"""Max |rotor − peer| of the factor returns written by bench_factor_returns and peers.py.

    python bench/risk/compare.py DIR
"""
import sys, pathlib
import numpy as np

d = pathlib.Path(sys.argv[1])
n, t, k, s = (int(x) for x in (d / "shape.txt").read_text().split())
rotor = np.fromfile(d / "rotor_fr.bin").reshape(t, 1 + k + s)
for peer in ("toraniko", "numpy"):
    f = d / f"{peer}_fr.bin"
    if f.exists():
        other = np.fromfile(f).reshape(t, 1 + k + s)
        print(f"max |rotor - {peer}| = {np.nanmax(np.abs(rotor - other)):.3e} over {t} days x {1 + k + s} factors")
