"""examples/notebook.py runs end to end (the real bundle when ../shared/data is there,
else the synthetic market) and leaves its outputs."""

import os
import runpy

import pytest

from conftest import ROOT


def test_the_notebook_example_runs(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib", reason="the notebook plots with pandas + matplotlib")
    monkeypatch.setenv("ROTOR_REPO", str(ROOT))
    monkeypatch.setenv("ROTOR_OUT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    ns = runpy.run_path(str(ROOT / "examples/notebook.py"), run_name="__main__")
    assert (tmp_path / "nav.png").stat().st_size > 10_000
    assert (tmp_path / "eval" / "report.html").exists()
    assert len(ns["nav"]) > 250
    assert ns["ev"].summary["n_dates"].min() > 100
