"""Rolling-OLS benchmark: 200 funds x 2500 days, 6 regressors + constant, window 250,
min 200 observations. Writes the inputs (raw float64) for rotor's example and times the
peers on the same numbers: statsmodels RollingOLS (one fit per fund) and polars-ols
(rolling least squares, Rust inside, one expression over all funds).

    python bench/funds/rolling.py DIR [gen|statsmodels|polars]
"""
import sys, time, pathlib
import numpy as np

d = pathlib.Path(sys.argv[1]); what = sys.argv[2] if len(sys.argv) > 2 else "gen"
F, T, P, W, M = 200, 2500, 6, 250, 200
if what == "gen":
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(13)
    x = rng.normal(0, 0.01, (T, P))
    b = rng.normal(0.5, 0.3, (F, P))
    y = 0.0002 + x @ b.T + rng.normal(0, 0.006, (T, F))
    y[rng.random((T, F)) < 0.01] = np.nan
    x.astype("<f8").tofile(d / "x.bin"); y.astype("<f8").tofile(d / "y.bin")
    (d / "shape.txt").write_text(f"{F} {T} {P} {W} {M}\n")
    sys.exit()
x = np.fromfile(d / "x.bin").reshape(T, P); y = np.fromfile(d / "y.bin").reshape(T, F)
if what == "statsmodels":
    import pandas as pd
    import statsmodels.api as sm
    from statsmodels.regression.rolling import RollingOLS
    X = sm.add_constant(pd.DataFrame(x))
    t0 = time.perf_counter()
    out = np.empty((F, T, P + 1))
    for f in range(F):
        out[f] = RollingOLS(pd.Series(y[:, f]), X, window=W, min_nobs=M, missing="drop").fit(params_only=True).params.to_numpy()
    print(f"statsmodels RollingOLS: {time.perf_counter() - t0:.2f} s internal ({F} funds)")
    out.astype("<f8").tofile(d / "statsmodels.bin")
if what == "polars":
    import polars as pl
    import polars_ols  # noqa: F401  registers the .least_squares namespace
    cols = {f"x{j}": np.tile(x[:, j], F) for j in range(P)}
    df = pl.DataFrame({"fund": np.repeat(np.arange(F), T), "y": y.T.ravel(), **cols})
    t0 = time.perf_counter()
    res = df.with_columns(
        pl.col("y").least_squares.rolling_ols(*[pl.col(f"x{j}") for j in range(P)], window_size=W, min_periods=M,
                                              add_intercept=True, mode="coefficients", null_policy="drop").over("fund").alias("c"))
    print(f"polars-ols rolling_ols: {time.perf_counter() - t0:.2f} s internal ({F} funds)")
