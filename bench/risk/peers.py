"""Peers of the risk-model benchmark on the inputs of gen.py: toraniko's
estimate_factor_returns (market + sector + style factor returns, √cap WLS, sectors summing
to zero, styles on the residuals; returns not winsorised so both sides see the same data)
and a plain NumPy per-date loop of the same two-step WLS. Prints the internal times and
writes each one's factor returns (t x (1 + k + s), float64) for the comparison with rotor.

    python bench/risk/peers.py DIR [toraniko|numpy|all]
"""
import sys, time, pathlib
import numpy as np

d = pathlib.Path(sys.argv[1]); what = sys.argv[2] if len(sys.argv) > 2 else "all"
n, t, k, s = (int(x) for x in (d / "shape.txt").read_text().split())
ret = np.fromfile(d / "returns.bin").reshape(t, n)
caps = np.fromfile(d / "caps.bin").reshape(t, n)
styles = np.fromfile(d / "styles.bin").reshape(t, n, s)
sector = np.fromfile(d / "sector.bin", dtype="<i8")
dummies = np.zeros((n, k)); dummies[np.arange(n), sector] = 1.0

if what in ("numpy", "all"):
    t0 = time.perf_counter()
    out = np.empty((t, 1 + k + s))
    B = np.hstack([np.ones((n, 1)), dummies])
    R = np.vstack([np.identity(k), np.concatenate([[0.0], -np.ones(k - 1)])])
    Bs = B @ R
    for d_ in range(t):
        w = np.sqrt(caps[d_])
        BW = Bs.T * w
        g = np.linalg.solve(BW @ Bs, BW @ ret[d_])
        resid = ret[d_] - Bs @ g
        X = styles[d_]
        XW = X.T * w
        fs = np.linalg.solve(XW @ X, XW @ resid)
        out[d_] = np.concatenate([R @ g, fs])
    el = time.perf_counter() - t0
    out.tofile(d / "numpy_fr.bin")
    print(f"numpy loop: {el:.2f} s internal")

if what in ("toraniko", "all"):
    import polars as pl
    from toraniko.model import estimate_factor_returns
    dates = np.repeat(np.arange(t), n)
    sym = np.tile(np.array([f"S{i:04d}" for i in range(n)]), t)  # toraniko keys residuals by symbol text
    base = {"date": dates, "symbol": sym}
    returns_df = pl.DataFrame({**base, "asset_returns": ret.ravel()})
    cap_df = pl.DataFrame({**base, "market_cap": caps.ravel()})
    sec_df = pl.DataFrame({**base, **{f"sec{j:02d}": np.tile(dummies[:, j], t) for j in range(k)}})
    sty_df = pl.DataFrame({**base, **{f"sty{j}": styles[:, :, j].ravel() for j in range(s)}})
    t0 = time.perf_counter()
    fr, _ = estimate_factor_returns(returns_df, cap_df, sec_df, sty_df, winsor_factor=None, residualize_styles=True)
    el = time.perf_counter() - t0
    fr = fr.sort("date")
    cols = ["market"] + [f"sec{j:02d}" for j in range(k)] + [f"sty{j}" for j in range(s)]
    fr.select(cols).to_numpy().astype("<f8").tofile(d / "toraniko_fr.bin")
    print(f"toraniko: {el:.2f} s internal")
