"""rotor.ray.sweep on a local Ray cluster (2 CPUs) equals rotor.sweep row for row."""

import pandas as pd
import pytest

import rotor

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'ray>=2.9')")


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_sweep_equals_the_local_sweep(strategy, cluster):
    import rotor.ray as rr

    grid = "top_n=3,4,5 mc_window=60,120"
    local = rotor.sweep(strategy, grid)
    dist = rr.sweep(strategy, grid, chunk_size=2)
    pd.testing.assert_frame_equal(dist.reset_index(drop=True), local.reset_index(drop=True))
