"""Shared fixtures: a small synthetic market written through the API, a strategy file
on it, and the `rotor` binary for the command-line comparisons."""

import os
import pathlib
import shutil

import pytest

import rotor

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sim_store(tmp_path_factory):
    d = tmp_path_factory.mktemp("sim") / "store"
    summary = rotor.simulate(d, seed=7, years=8, indices=16)
    assert summary
    return d


@pytest.fixture(scope="session")
def strategy(sim_store, tmp_path_factory):
    """The demo rotation on the small market (its store key pointing at it)."""
    d = tmp_path_factory.mktemp("strategy")
    text = (ROOT / "examples/demo/strategy.toml").read_text()
    lines = []
    for line in text.splitlines():
        if line.startswith("store = "):
            line = f'store = "{sim_store.as_posix()}"'
        elif line.startswith("out = "):
            line = f'out = "{(d / "runs").as_posix()}"'
        elif line.startswith("start = "):
            line = 'start = "2017-01-01"'
        lines.append(line)
    p = d / "strategy.toml"
    p.write_text("\n".join(lines) + "\n")
    return p


@pytest.fixture(scope="session")
def rotor_bin():
    """The `rotor` binary (ROTOR_BIN, else the release build in the cargo target dir)."""
    cands = [os.environ.get("ROTOR_BIN")]
    target = os.environ.get("CARGO_TARGET_DIR")
    if target:
        cands.append(os.path.join(target, "release", "rotor"))
    cands.append(str(ROOT / "target/release/rotor"))
    cands.append(shutil.which("rotor"))
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    pytest.skip("no rotor binary (build it: cargo build --release --bin rotor, or set ROTOR_BIN)")
