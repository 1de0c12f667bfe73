"""Sweeps scaled out on a Ray cluster: :func:`sweep`.

The variants of a grid are split into chunks of ``chunk_size``; each chunk is one Ray
task that runs the engine on one thread (``sweep_chunk(..., threads=1)``: the cluster
provides the parallelism). The strategy file and the data it reads (its store folder or
prices file) are put in Ray's object store once (``ray.put``); each worker unpacks them into a local folder the first
time it sees them, so the cluster needs no shared file system. The result is the table
of :func:`rotor.sweep` (``rotor sweep``), row for row, in the same order.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pathlib
import tarfile
import tempfile
from typing import Any

from . import _as_frame, _grid, _rotor, _strategy_file

__all__ = ["sweep"]


def _pack(strategy_path: str) -> tuple[bytes, str]:
    """The strategy file and its data — the store folder named by its ``store`` key, or
    the file of its ``prices_file`` key — as one tar archive, and the strategy's path
    inside it (rewritten to point at the shipped copy)."""
    import tomllib

    spath = pathlib.Path(strategy_path).resolve()
    cfg = tomllib.loads(spath.read_text())
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        if "store" in cfg:
            tar.add((spath.parent / cfg["store"]).resolve(), arcname="store")
            cfg["store"] = "store"
        if "prices_file" in cfg:
            src = (spath.parent / cfg["prices_file"]).resolve()
            name = "prices" + src.suffix
            tar.add(src, arcname=name)
            cfg["prices_file"] = name
        if "store" not in cfg and "prices_file" not in cfg:
            raise _rotor.RotorError(f"{spath}: no `store` or `prices_file` key: nothing to ship to the workers")
        data = _rotor.toml_from_json(json.dumps(cfg, default=str)).encode()
        info = tarfile.TarInfo("strategy.toml")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue(), "strategy.toml"


def _unpack(archive: bytes) -> pathlib.Path:
    """The archive's folder on this worker (made once per archive)."""
    key = hashlib.sha256(archive).hexdigest()[:16]
    root = pathlib.Path(tempfile.gettempdir()) / f"rotor-ray-{key}"
    done = root / ".complete"
    if not done.exists():
        tmp = pathlib.Path(tempfile.mkdtemp(prefix=f"rotor-ray-{key}-"))
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        (tmp / ".complete").touch()
        try:
            os.rename(tmp, root)
        except OSError:
            pass  # another task on this node got there first
    return root


def _chunk(archive: bytes, grid: str, start: int, end: int) -> bytes:
    root = _unpack(archive)
    return _rotor.sweep_chunk(str(root / "strategy.toml"), grid, start, end, 1)


def sweep(
    strategy,
    grid,
    *,
    chunk_size: int = 50,
    base_dir: str | os.PathLike | None = None,
    frame: str = "pandas",
    ray_remote_args: dict[str, Any] | None = None,
):
    """:func:`rotor.sweep` as Ray tasks of ``chunk_size`` variants each, on the cluster
    ``ray.init()`` connected to (started locally when none is). Same table, same order."""
    import pyarrow as pa
    import ray

    if not ray.is_initialized():
        ray.init()
    path, tmp = _strategy_file(strategy, base_dir)
    try:
        g = _grid(grid)
        n = _rotor.sweep_size(path, g)
        archive, _ = _pack(path)
    finally:
        if tmp:
            os.unlink(tmp)
    ref = ray.put(archive)
    task = ray.remote(num_cpus=1, **(ray_remote_args or {}))(_chunk)
    chunk_size = max(1, int(chunk_size))
    futures = [task.remote(ref, g, s, min(s + chunk_size, n)) for s in range(0, n, chunk_size)]
    tables = [pa.ipc.open_stream(pa.py_buffer(b)).read_all() for b in ray.get(futures)]
    return _as_frame(pa.concat_tables(tables), frame)
