"""Research text tools from Python — ``rotor text`` (crate ``rotor-text``) on texts held
in memory: the same tasks (built-in names or a task ``.toml``), backends (``offline``;
``openai`` with ``config=`` or the ``ROTOR_LLM_*`` variables) and answer cache
(``.rotor-cache/text`` unless ``cache=``; ``refresh=True`` asks again). See
``docs/text.md``.

>>> import rotor.text as rt
>>> r = rt.classify(["本基金在成长与价值之间进行风格轮动。"], task="rotation_confirm")
>>> r.table[["id", "label", "reason"]]
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from . import _frame, _opt_path, _rotor

__all__ = ["TextResult", "classify", "summarise", "extract"]


@dataclass
class TextResult:
    """Answers of a task: ``table`` (classify: id, label, score, reason; summarise: id,
    summary; extract: id and the task's columns) with the backend and model of each
    answer, ``failures`` (id, error: texts without a valid answer), and how many answers
    came from the cache and how many were asked."""

    table: Any
    failures: Any
    from_cache: int
    asked: int
    backend: str
    model: str


def _ids_texts(texts, ids) -> tuple[list[str], list[str]]:
    import pandas as pd

    if isinstance(texts, pd.DataFrame):
        if not {"id", "text"} <= set(texts.columns):
            raise ValueError("a DataFrame of texts needs columns id and text")
        return [str(x) for x in texts["id"]], [str(x) for x in texts["text"]]
    if isinstance(texts, pd.Series):
        return [str(x) for x in (ids if ids is not None else texts.index)], [str(x) for x in texts]
    texts = [str(t) for t in texts]
    ids = [str(i) for i in ids] if ids is not None else [str(k) for k in range(len(texts))]
    return ids, texts


def _stocks(stocks) -> list[tuple[str, str]] | None:
    """A stock dictionary as (name, code) pairs: a mapping code → name, or a frame with
    columns code and name (or AKShare's 代码 and 名称)."""
    if stocks is None:
        return None
    if isinstance(stocks, Mapping):
        return [(str(n), str(c)) for c, n in stocks.items()]
    cols = list(stocks.columns)
    code = "code" if "code" in cols else "代码"
    name = "name" if "name" in cols else "名称"
    return [(str(n), str(c)) for c, n in zip(stocks[code], stocks[name])]


def _run(kind, texts, task, ids, backend, model, config, stocks, cache, refresh, frame) -> TextResult:
    ids_, texts_ = _ids_texts(texts, ids)
    r = _rotor.text_run(
        kind, ids_, texts_, os.fspath(task), backend, _opt_path(model), _stocks(stocks),
        _opt_path(config), _opt_path(cache), not refresh,
    )
    return TextResult(
        table=_frame(r["table"], frame),
        failures=_frame(r["failures"], frame),
        from_cache=r["from_cache"],
        asked=r["asked"],
        backend=r["backend"],
        model=r["model"],
    )


def classify(texts, task: str, *, ids: Sequence[str] | None = None, backend: str = "offline", model=None,
             config=None, cache=None, refresh: bool = False, frame: str = "pandas") -> TextResult:
    """One label per text (``fund_style``, ``manager_view``, ``rotation_confirm`` or a task
    file); ``model`` is an n-gram model of ``rotor text train`` for the offline backend."""
    return _run("classify", texts, task, ids, backend, model, config, None, cache, refresh, frame)


def summarise(texts, task: str = "report_summary", *, ids: Sequence[str] | None = None, backend: str = "offline",
              config=None, cache=None, refresh: bool = False, frame: str = "pandas") -> TextResult:
    """A short summary per text."""
    return _run("summarise", texts, task, ids, backend, None, config, None, cache, refresh, frame)


def extract(texts, task: str = "concept_chain", *, ids: Sequence[str] | None = None, backend: str = "offline",
            stocks=None, config=None, cache=None, refresh: bool = False, frame: str = "pandas") -> TextResult:
    """Rows per text (concept → industry → stock chains with their evidence sentence);
    ``stocks`` is an optional stock dictionary for the offline backend."""
    return _run("extract", texts, task, ids, backend, None, config, stocks, cache, refresh, frame)
