"""rotor — China A-share index, ETF, stock and fund research, from Python.

The engine is Rust (the ``rotor`` command line); this package calls the same library
code through the extension module :mod:`rotor._rotor` and hands tables over as Arrow,
turned into pandas (default), polars (``frame="polars"``) or pyarrow (``frame="arrow"``)
frames.

>>> import rotor
>>> store = rotor.Store("rotor-out/demo/store")
>>> px = store.prices(["000300.SH"], start="2020-01-01")
>>> result = rotor.run("examples/demo/strategy.toml", out="rotor-out/py-run")
>>> result.nav.tail()

Errors raise :class:`RotorError` with the command line's message (file, row, column,
expected form). Long calls release the GIL.
"""

from __future__ import annotations

import json
import os
import pathlib
import tempfile
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.ipc

from . import _rotor
from ._rotor import RotorError, __version__

__all__ = [
    "RotorError",
    "Store",
    "AsOf",
    "Evaluation",
    "RunResult",
    "evaluate",
    "run",
    "sweep",
    "simulate",
    "regime",
    "risk_model",
    "RiskModel",
    "__version__",
]

_FRAMES = ("pandas", "polars", "arrow")


def _table(buf: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(buf)).read_all()


def _as_frame(t: pa.Table, frame: str):
    if frame == "pandas":
        return t.to_pandas()
    if frame == "polars":
        import polars as pl

        return pl.from_arrow(t)
    if frame == "arrow":
        return t
    raise ValueError(f"frame={frame!r}: one of {', '.join(_FRAMES)}")


def _frame(buf: bytes, frame: str):
    return _as_frame(_table(buf), frame)


class Store:
    """A rotor store folder (Parquet datasets written by ``rotor data import``).

    ``frame`` is the default kind of the returned tables: ``"pandas"``, ``"polars"`` or
    ``"arrow"``; every method also takes it.
    """

    def __init__(self, path: str | os.PathLike, frame: str = "pandas") -> None:
        self._s = _rotor.Store(os.fspath(path))
        self.frame = frame

    def __repr__(self) -> str:
        return f"rotor.Store({self.path!r}, datasets={self.datasets()})"

    @property
    def path(self) -> str:
        """The store folder."""
        return self._s.path

    def datasets(self) -> list[str]:
        """Names of the datasets present (prices, macro, valuation, …)."""
        return self._s.datasets()

    def dataset_path(self, dataset: str) -> str:
        """The Parquet file holding ``dataset`` (readable by any Parquet reader)."""
        return self._s.dataset_path(dataset)

    def read(self, dataset: str, columns: Sequence[str] | None = None, frame: str | None = None):
        """A whole dataset, optionally some columns, with the store's column types."""
        return _frame(self._s.read(dataset, list(columns) if columns else None), frame or self.frame)

    def prices(
        self,
        codes: Iterable[str] | None = None,
        start: str | None = None,
        end: str | None = None,
        *,
        field: str | None = None,
        frame: str | None = None,
    ):
        """Daily bars of ``codes`` (all when None) from ``start`` to ``end`` inclusive,
        long (one row per code, source and date). With ``field`` (``"close"``,
        ``"tr_close"``, …), the wide pandas frame of :meth:`panel` instead."""
        if field is not None:
            wide = self.panel(field, codes)
            return wide.loc[start:end] if (start or end) else wide
        buf = self._s.prices(list(codes) if codes is not None else None, start, end)
        return _frame(buf, frame or self.frame)

    def panel(
        self,
        field: str = "close",
        codes: Iterable[str] | None = None,
        *,
        dataset: str = "prices",
        sources: Sequence[str] | None = None,
    ):
        """A dates × codes pandas frame of ``field`` from a dated dataset, one source per
        code as the engine picks it (``sources`` first when given). The values arrive as
        one buffer and become the frame's single float64 block without another copy."""
        import pandas as pd

        days, cols, buf = self._s.panel(field, list(codes) if codes is not None else None, dataset,
                                        list(sources) if sources else None)
        values = np.frombuffer(buf, dtype="<f8").reshape(len(days), len(cols))
        index = pd.DatetimeIndex(np.asarray(days, dtype="int64").astype("datetime64[D]"), name="date")
        return pd.DataFrame(values, index=index, columns=pd.Index(cols, name=None), copy=False)

    def as_of(self, date: str) -> "AsOf":
        """What was known at the end of ``date``: rows released or announced on or
        before it (macro by ``available_at``, statements by announcement date, bars by
        their date)."""
        return AsOf(self, str(date)[:10])

    def import_files(
        self,
        files: str | os.PathLike | Sequence[str | os.PathLike] | None = None,
        *,
        dataset: str | None = None,
        mapping: str | os.PathLike | None = None,
        root: str | os.PathLike | None = None,
        on_conflict: str = "keep",
        progress: bool = True,
        **options: Any,
    ) -> dict:
        """Import files into the store as ``rotor data import`` does, either ``files``
        with ``dataset=`` and the mapping keys as options (``preset="akshare"``,
        ``asset_type="etf"``, ``adjust="forward"``, ``code_from_filename=True`` …) or a
        ``mapping=`` TOML file. Returns the import report: per file, rows read, kept and
        dropped with reasons, warnings."""
        if mapping is not None:
            if files is not None:
                raise ValueError("give files or mapping=, not both")
            rep = self._s.import_files(None, os.fspath(mapping), _opt_path(root), on_conflict, progress)
        else:
            if files is None or dataset is None:
                raise ValueError("import_files needs files and dataset= (or mapping=)")
            if isinstance(files, (str, os.PathLike)):
                files = [files]
            specs = [dict(path=os.fspath(f), dataset=dataset, **options) for f in files]
            rep = self._s.import_files(json.dumps(specs), None, _opt_path(root), on_conflict, progress)
        return json.loads(rep)

    def check(self, calendar: str = "000300.SH") -> dict:
        """The data-quality report of ``rotor data check`` (findings with severity)."""
        return json.loads(self._s.check(calendar))


def _opt_path(p) -> str | None:
    return None if p is None else os.fspath(p)


@dataclass
class AsOf:
    """A point-in-time reader: :meth:`Store.as_of`."""

    store: Store
    date: str

    def read(self, dataset: str, frame: str | None = None):
        """Rows of ``dataset`` known at the end of the date."""
        return _frame(self.store._s.read_as_of(dataset, self.date), frame or self.store.frame)

    def prices(self, codes: Iterable[str] | None = None, start: str | None = None, frame: str | None = None):
        """Daily bars up to the date (from ``start``)."""
        return self.store.prices(codes, start, self.date, frame=frame)


@dataclass
class Evaluation:
    """The result of :func:`evaluate`: per-date IC and RankIC, quantile returns
    (raw and demeaned), turnover and rank autocorrelation, and the summary per horizon."""

    ic: Any
    quantile_returns: Any
    turnover: Any
    summary: Any
    dropped_dates: int
    report: str | None = None


def _days(index) -> np.ndarray:
    import pandas as pd

    d = pd.DatetimeIndex(pd.to_datetime(index)).normalize()
    return d.values.astype("datetime64[D]").astype(np.int64)


def _wide_factor(factor):
    """alphalens' factor (a Series indexed by (date, asset)), a wide frame, or a polars
    long frame (date, asset, value) as (day numbers, assets, float64 values) of a wide
    panel. A (date, asset) Series is scattered through its MultiIndex codes (no
    unstack: 7.5 M rows in ≈ 0.1 s); a repeated (date, asset) pair is an error, as in
    alphalens."""
    import pandas as pd

    if type(factor).__module__.startswith("polars"):
        factor = factor.to_pandas()
        cols = list(factor.columns)
        factor = factor.set_index(cols[:2])[cols[2]]
    if isinstance(factor, pd.DataFrame):
        return _panel(factor, "factor")
    if not isinstance(factor, pd.Series):
        raise TypeError("factor: a pandas Series (date, asset), a wide DataFrame or a polars frame (date, asset, value)")
    idx = factor.index
    if not isinstance(idx, pd.MultiIndex) or idx.nlevels != 2:
        raise ValueError("factor: a Series needs a (date, asset) MultiIndex, as alphalens takes it")
    dates, assets = idx.levels
    c0, c1 = (np.asarray(c, dtype=np.int64) for c in idx.codes)
    if (c0 < 0).any() or (c1 < 0).any():
        raise ValueError("factor: missing dates or assets in the index")
    lin = c0 * len(assets) + c1
    if len(lin) and np.bincount(lin, minlength=len(dates) * len(assets)).max() > 1:
        raise ValueError("factor: a (date, asset) pair appears twice")
    order = np.argsort(np.asarray(pd.to_datetime(dates)), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    values = np.full((len(dates), len(assets)), np.nan)
    values[rank[c0], c1] = factor.to_numpy(dtype=np.float64, na_value=np.nan)
    return _days(pd.DatetimeIndex(pd.to_datetime(dates))[order]), [str(a) for a in assets], values.astype("<f8").tobytes()


def _panel(wide, what: str):
    import pandas as pd

    if type(wide).__module__.startswith("polars"):
        wide = wide.to_pandas().set_index(wide.columns[0])
    if not isinstance(wide, pd.DataFrame):
        raise TypeError(f"{what}: a wide DataFrame (index dates, one column per asset)")
    wide = wide.sort_index()
    if wide.index.has_duplicates:
        raise ValueError(f"{what}: duplicate dates in the index")
    values = np.ascontiguousarray(wide.to_numpy(dtype=np.float64, na_value=np.nan))
    return _days(wide.index), [str(c) for c in wide.columns], values.astype("<f8").tobytes()


def evaluate(
    factor,
    prices,
    periods: Sequence[int] = (1, 5, 10),
    quantiles: int = 5,
    *,
    grouping: str = "qcut",
    min_ic_obs: int = 2,
    filter_zscore: float | None = 20.0,
    periods_per_year: float = 252.0,
    report: str | os.PathLike | None = None,
    name: str = "factor",
    frame: str = "pandas",
) -> Evaluation:
    """Evaluate a factor the way alphalens does, from alphalens' inputs.

    ``factor``: a Series indexed by (date, asset) — ``get_clean_factor_and_forward_returns``'
    input — or a wide frame (dates × assets), or a polars frame (date, asset, value).
    ``prices``: a wide frame, dates × assets. Horizons are in rows of the price index;
    ``grouping="qcut"`` cuts quantiles as ``pandas.qcut`` (alphalens), ``"rank_floor"``
    as the SPEC. With ``report=DIR`` the HTML / Excel report is written there.
    """
    fd, fa, fv = _wide_factor(factor)
    pd_, pa_, pv = _panel(prices, "prices")
    out = _rotor.evaluate(
        fd.tolist(), fa, fv, pd_.tolist(), pa_, pv, list(periods), quantiles, grouping,
        min_ic_obs, filter_zscore, periods_per_year, _opt_path(report), name,
    )
    return Evaluation(
        ic=_frame(out["ic"], frame),
        quantile_returns=_frame(out["quantile_returns"], frame),
        turnover=_frame(out["turnover"], frame),
        summary=_frame(out["summary"], frame),
        dropped_dates=out["dropped_dates"],
        report=out.get("report"),
    )


@dataclass
class RunResult:
    """A run folder (as ``rotor backtest`` writes it), its tables read on access."""

    run_dir: str
    reports: list[str] = field(default_factory=list)
    frame: str = "pandas"

    def files(self) -> list[str]:
        """The run folder's files."""
        return sorted(p.name for p in pathlib.Path(self.run_dir).iterdir())

    def table(self, name: str):
        """A table of the run folder by name (``nav``, ``yearly``, ``holdings``, …)."""
        p = pathlib.Path(self.run_dir) / f"{name}.csv"
        if not p.exists():
            raise RotorError(f"{p}: no such table in the run folder (tables: {self.tables()})")
        import pyarrow.csv as pacsv

        t = pacsv.read_csv(p)
        return _as_frame(t, self.frame)

    def tables(self) -> list[str]:
        """Names of the run's tables."""
        return sorted(p.stem for p in pathlib.Path(self.run_dir).glob("*.csv"))

    @property
    def nav(self):
        """Daily NAV of the strategy (net, gross), equal weight and the benchmark."""
        return self.table("nav")

    @property
    def yearly(self):
        """The yearly table (年度表现)."""
        return self.table("yearly_en")

    @property
    def holdings(self):
        """Holdings at each rebalance."""
        return self.table("holdings")

    @property
    def recommendation(self):
        """This period's ranked list."""
        return self.table("recommendation")

    @property
    def regime(self):
        """The money + credit regime timeline (rotation runs)."""
        return self.table("regime")

    @property
    def summary(self) -> dict:
        """Headline figures (``summary.json``)."""
        return json.loads((pathlib.Path(self.run_dir) / "summary.json").read_text())


def _strategy_file(strategy, base_dir) -> tuple[str, str | None]:
    """A strategy file path, writing a dict to a temporary TOML file in ``base_dir``
    (relative paths in it — store, out — resolve from there)."""
    if isinstance(strategy, Mapping):
        text = _rotor.toml_from_json(json.dumps(strategy))
        fd, tmp = tempfile.mkstemp(prefix=".rotor-strategy-", suffix=".toml", dir=os.fspath(base_dir or os.getcwd()))
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return tmp, tmp
    return os.fspath(strategy), None


def run(
    strategy,
    out: str | os.PathLike | None = None,
    *,
    report: bool = True,
    base_dir: str | os.PathLike | None = None,
    frame: str = "pandas",
    progress: bool = True,
) -> RunResult:
    """Run a strategy — a TOML file or a dict with the same keys — as ``rotor backtest``:
    the run folder (``out``, else the strategy's ``out``) with its tables, resolved
    config, fingerprints and, unless ``report=False``, the HTML / Excel reports."""
    path, tmp = _strategy_file(strategy, base_dir)
    try:
        r = _rotor.run(path, _opt_path(out), report, progress)
    finally:
        if tmp:
            os.unlink(tmp)
    return RunResult(run_dir=r["run_dir"], reports=list(r["reports"]), frame=frame)


def _grid(grid) -> str:
    if isinstance(grid, str):
        return grid
    parts = []
    for k, vals in grid.items():
        vs = vals if isinstance(vals, (list, tuple)) else [vals]
        parts.append(f"{k}=" + ",".join(str(v).lower() if isinstance(v, bool) else str(v) for v in vs))
    return " ".join(parts)


def sweep(
    strategy,
    grid,
    out: str | os.PathLike | None = None,
    *,
    base_dir: str | os.PathLike | None = None,
    frame: str = "pandas",
    progress: bool = True,
):
    """Every variant of ``grid`` — ``"top_n=3..8 mc_window=60,120,250"`` as ``rotor sweep
    --grid`` takes it, or a dict ``{"top_n": [3, 5]}`` — on the data loaded once: one row
    per variant with its metrics; with ``out``, ``sweep.csv`` is written there too."""
    path, tmp = _strategy_file(strategy, base_dir)
    try:
        buf = _rotor.sweep(path, _grid(grid), _opt_path(out), 100_000, progress)
    finally:
        if tmp:
            os.unlink(tmp)
    return _frame(buf, frame)


def simulate(
    out: str | os.PathLike,
    *,
    seed: int = 42,
    years: int = 15,
    indices: int = 40,
    stocks: int = 0,
    funds: int = 0,
) -> dict:
    """Write the deterministic synthetic market (``rotor sim``) as a store at ``out``;
    a stock-level market with ``stocks > 0``. Returns its summary."""
    return json.loads(_rotor.simulate(os.fspath(out), seed, years, indices, stocks, funds))


def regime(
    strategy=None,
    *,
    store: str | os.PathLike | None = None,
    report: str | os.PathLike | None = None,
    base_dir: str | os.PathLike | None = None,
    frame: str = "pandas",
):
    """The money + credit regime at each month-end (``rotor regime``) from a strategy
    (file or dict: its store and ``[regime]`` settings) or a ``store`` with the defaults,
    each state from the macro series as known at that date; with ``report=DIR`` the
    regime report is written there."""
    if (strategy is None) == (store is None):
        raise ValueError("give a strategy or store=, not both")
    if store is not None:
        return _frame(_rotor.regime(None, os.fspath(store), _opt_path(report)), frame)
    path, tmp = _strategy_file(strategy, base_dir)
    try:
        return _frame(_rotor.regime(path, None, _opt_path(report)), frame)
    finally:
        if tmp:
            os.unlink(tmp)


@dataclass
class RiskModel:
    """The outputs of :func:`risk_model`, read from its folder on access."""

    out: str
    notes: list[str]
    dates: int
    stocks: int
    report: str | None = None
    frame: str = "pandas"

    def _read(self, name: str):
        p = pathlib.Path(self.out) / name
        if name.endswith(".parquet"):
            import pyarrow.parquet as pq

            return _as_frame(pq.read_table(p), self.frame)
        import pyarrow.csv as pacsv

        return _as_frame(pacsv.read_csv(p), self.frame)

    @property
    def factor_returns(self):
        """Daily factor returns, long: date, factor (country, industry:…, styles), value."""
        return self._read("factor_returns.parquet")

    @property
    def exposures(self):
        """Standardised style exposures, long: date, asset, factor, value."""
        return self._read("exposures.parquet")

    @property
    def specific_returns(self):
        """Specific returns, long: date, asset, value."""
        return self._read("specific_returns.parquet")

    @property
    def r2(self):
        """Daily cross-sectional R² and the number of stocks in the regression."""
        return self._read("r2.csv")

    @property
    def covariance(self):
        """The EWMA factor covariance at the last date (annualised)."""
        return self._read("covariance.csv")


def risk_model(
    store: str | os.PathLike,
    out: str | os.PathLike,
    *,
    universe: Sequence[str] | None = None,
    industries: str | os.PathLike | None = None,
    start: str | None = None,
    end: str | None = None,
    method: str = "joint",
    constraint: str = "cap",
    cov_half_life: float = 90.0,
    report: bool = True,
    frame: str = "pandas",
) -> RiskModel:
    """The Barra-style risk model of the store's stocks (``rotor risk``): styles,
    daily factor returns by WLS with √cap weights and the cap-weighted industry
    constraint, specific returns, the EWMA covariance — written into ``out`` (and
    ``risk.html`` unless ``report=False``), read back as frames on access."""
    r = _rotor.risk_model(
        os.fspath(store), os.fspath(out), list(universe) if universe else None, _opt_path(industries),
        start, end, method, constraint, cov_half_life, report,
    )
    return RiskModel(out=r["out"], notes=list(r["notes"]), dates=r["dates"], stocks=r["stocks"], report=r["report"], frame=frame)
