"""rotor.risk_model on a synthetic stock market equals `rotor risk` on the same store."""

import subprocess

import pandas as pd
import pytest

import rotor


@pytest.fixture(scope="module")
def stock_store(tmp_path_factory):
    d = tmp_path_factory.mktemp("stocks") / "store"
    rotor.simulate(d, seed=3, years=3, stocks=120)
    return d


def test_risk_model_equals_the_command_line(stock_store, rotor_bin, tmp_path):
    m = rotor.risk_model(stock_store, tmp_path / "py", report=False)
    assert m.stocks == 120 and m.dates > 500
    subprocess.run([rotor_bin, "--quiet", "risk", "--store", str(stock_store), "--out", str(tmp_path / "cli"), "--no-report"], check=True, capture_output=True)
    for f in ["factor_returns.csv", "r2.csv", "covariance.csv", "notes.txt", "summary.json"]:
        assert (tmp_path / "py" / f).read_bytes() == (tmp_path / "cli" / f).read_bytes(), f
    fr = m.factor_returns
    assert {"date", "factor", "value"} <= set(fr.columns)
    assert "country" in set(fr["factor"])
    assert len(m.exposures) > 0 and len(m.r2) == m.dates
    with pytest.raises(rotor.RotorError, match="method"):
        rotor.risk_model(stock_store, tmp_path / "x", method="three_step")
