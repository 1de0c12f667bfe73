"""rotor.run / rotor.sweep write what `rotor backtest` / `rotor sweep` write."""

import json
import pathlib
import subprocess

import pandas as pd
import pytest
import tomllib

import rotor


def _files(d):
    return {p.name: p.read_bytes() for p in pathlib.Path(d).iterdir() if p.is_file()}


def test_run_equals_the_command_lines_run_folder(strategy, rotor_bin, tmp_path):
    res = rotor.run(strategy, out=tmp_path / "py", report=False)
    subprocess.run([rotor_bin, "--quiet", "backtest", "--config", str(strategy), "--out", str(tmp_path / "cli"), "--no-report"], check=True, capture_output=True)
    ours, theirs = _files(tmp_path / "py"), _files(tmp_path / "cli")
    assert set(ours) == set(theirs)
    differ = [f for f in ours if ours[f] != theirs[f]]
    assert differ == [], f"files that differ: {differ}"
    assert len(res.nav) > 100 and {"yearly", "holdings", "recommendation"} <= set(res.tables())
    assert "cagr" in json.dumps(res.summary).lower()


def test_run_from_a_dict_and_reports(strategy, tmp_path):
    cfg = tomllib.loads(pathlib.Path(strategy).read_text())
    a = rotor.run(cfg, out=tmp_path / "dict", base_dir=tmp_path)
    b = rotor.run(strategy, out=tmp_path / "file", report=False)
    pd.testing.assert_frame_equal(a.nav, b.nav)
    assert any(r.endswith("report.html") for r in a.reports)
    assert not list(tmp_path.glob(".rotor-strategy-*")), "the temporary strategy file is removed"
    with pytest.raises(rotor.RotorError, match="reading strategy file"):
        rotor.run(tmp_path / "missing.toml")


def test_sweep_equals_the_command_line(strategy, rotor_bin, tmp_path):
    grid = "top_n=3,4,5 mc_window=60,120"
    got = rotor.sweep(strategy, grid)
    subprocess.run([rotor_bin, "--quiet", "sweep", "--config", str(strategy), "--grid", grid, "--out", str(tmp_path / "cli")], check=True, capture_output=True)
    params = [c for c in got.columns if "." in c]
    want = pd.read_csv(tmp_path / "cli" / "sweep.csv", dtype={c: str for c in params})
    assert len(got) == len(want) == 6
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False, atol=1e-12)
    assert params == ["portfolio.top_n", "factors.mc_window"], params
    assert rotor.sweep(strategy, {"top_n": [3, 4, 5], "mc_window": [60, 120]}).equals(got)


def test_regime_equals_the_command_line(strategy, sim_store, rotor_bin, tmp_path):
    got = rotor.regime(strategy, report=tmp_path / "rep")
    subprocess.run([rotor_bin, "--quiet", "regime", "--config", str(strategy), "--csv", str(tmp_path / "regime.csv")], check=True, capture_output=True)
    want = pd.read_csv(tmp_path / "regime.csv", dtype={"money": str, "credit": str})
    assert len(got) == len(want) > 20
    assert list(got.columns) == list(want.columns)
    assert list(got["regime"]) == list(want["regime"])
    assert (tmp_path / "rep" / "regime.html").exists()
    assert len(rotor.regime(store=sim_store)) > len(got), "from the store alone: from its first month, not the strategy start"
    with pytest.raises(ValueError):
        rotor.regime()
