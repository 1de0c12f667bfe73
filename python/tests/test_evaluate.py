"""rotor.evaluate from alphalens' inputs equals alphalens-reloaded 0.5.1 on the committed
fixture (tools/parity/gen_fixtures.py: 40 assets × 80 days, ties, missing values, a
suspension and a late listing; horizons 1/3/5, 5 quantiles)."""

import numpy as np
import pandas as pd
import pytest

import rotor
from conftest import ROOT

FX = ROOT / "crates/rotor-eval/tests/fixtures/alphalens"


@pytest.fixture(scope="module")
def inputs():
    f = pd.read_csv(FX / "factor.csv", parse_dates=["date"])
    factor = f.set_index(["date", "asset"])["value"]
    p = pd.read_csv(FX / "prices.csv", parse_dates=["date"])
    prices = p.pivot(index="date", columns="asset", values="value")
    return factor, prices


@pytest.fixture(scope="module")
def ev(inputs):
    factor, prices = inputs
    return rotor.evaluate(factor, prices, periods=(1, 3, 5), quantiles=5)


def test_rank_ic_per_date_equals_alphalens(ev):
    want = pd.read_csv(FX / "rank_ic.csv", parse_dates=["date"]).set_index("date")
    got = ev.ic.pivot(index="date", columns="period", values="rank_ic")
    got.index = pd.to_datetime(got.index)
    assert len(got) == len(want)
    for p, col in [(1, "1D"), (3, "3D"), (5, "5D")]:
        np.testing.assert_allclose(got[p].to_numpy(), want[col].to_numpy(), atol=1e-9, err_msg=col)


def test_quantile_means_and_turnover_equal_alphalens(ev):
    want = pd.read_csv(FX / "quantile_returns_mean.csv").set_index("factor_quantile")
    s = ev.summary.set_index("period")
    for p, col in [(1, "1D"), (3, "3D"), (5, "5D")]:
        for q in range(1, 6):
            assert abs(s.loc[p, f"q{q}_mean_return"] - want.loc[q, col]) < 1e-9, (p, q)
    t = pd.read_csv(FX / "turnover_1.csv", parse_dates=["date"])
    ours = ev.turnover
    for q in range(1, 6):
        np.testing.assert_allclose(ours[f"q{q}"].to_numpy(), t[str(q)].to_numpy(), atol=1e-9, equal_nan=True)
    ac = pd.read_csv(FX / "rank_autocorr_1.csv")
    np.testing.assert_allclose(ours["rank_autocorr"].to_numpy(), ac["autocorr"].to_numpy(), atol=1e-9, equal_nan=True)


def test_the_same_from_a_wide_frame_and_from_polars(inputs, ev):
    factor, prices = inputs
    wide = rotor.evaluate(factor.unstack(), prices, periods=(1, 3, 5))
    pd.testing.assert_frame_equal(wide.ic, ev.ic)
    pl = pytest.importorskip("polars")
    long = pl.from_pandas(factor.reset_index())
    got = rotor.evaluate(long, prices, periods=(1, 3, 5), frame="polars")
    assert got.ic.height == len(ev.ic)


def test_report_and_input_errors(inputs, tmp_path):
    factor, prices = inputs
    r = rotor.evaluate(factor, prices, periods=(1,), report=tmp_path / "rep")
    assert r.report and (tmp_path / "rep" / "report.html").exists()
    with pytest.raises(ValueError, match="MultiIndex"):
        rotor.evaluate(factor.reset_index(drop=True), prices)
    with pytest.raises(rotor.RotorError, match="grouping"):
        rotor.evaluate(factor, prices, grouping="deciles")
