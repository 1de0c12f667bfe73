"""Type stubs of the extension module (crates/rotor-py). Tables are Arrow IPC streams
(bytes); the package's Python layer turns them into frames."""

from typing import Any

__version__: str

class RotorError(Exception): ...

class Store:
    def __init__(self, path: str) -> None: ...
    @property
    def path(self) -> str: ...
    def datasets(self) -> list[str]: ...
    def dataset_path(self, dataset: str) -> str: ...
    def read(self, dataset: str, columns: list[str] | None = None) -> bytes: ...
    def read_as_of(self, dataset: str, at: str) -> bytes: ...
    def panel(
        self, field: str = "close", codes: list[str] | None = None, dataset: str = "prices", sources: list[str] | None = None
    ) -> tuple[list[int], list[str], bytes]: ...
    def prices(self, codes: list[str] | None = None, start: str | None = None, end: str | None = None) -> bytes: ...
    def import_files(
        self,
        specs_json: str | None = None,
        mapping: str | None = None,
        root: str | None = None,
        on_conflict: str = "keep",
        progress: bool = True,
    ) -> str: ...
    def check(self, calendar: str = "000300.SH") -> str: ...

def evaluate(
    factor_dates: list[int],
    factor_assets: list[str],
    factor_values: bytes,
    price_dates: list[int],
    price_assets: list[str],
    price_values: bytes,
    periods: list[int],
    quantiles: int = 5,
    grouping_name: str = "qcut",
    min_ic_obs: int = 2,
    filter_zscore: float | None = 20.0,
    periods_per_year: float = 252.0,
    report_dir: str | None = None,
    name: str = "factor",
) -> dict[str, Any]: ...
def run(config: str, out: str | None = None, report: bool = True, progress: bool = True) -> dict[str, Any]: ...
def sweep(
    config: str, grid: str, out: str | None = None, max_variants: int = 100000, progress: bool = True
) -> bytes: ...
def sweep_size(config: str, grid: str, max_variants: int = 100000) -> int: ...
def sweep_chunk(
    config: str, grid: str, start: int, end: int, threads: int = 1, max_variants: int = 100000
) -> bytes: ...
def simulate(out: str, seed: int = 42, years: int = 15, indices: int = 40, stocks: int = 0, funds: int = 0) -> str: ...
def toml_from_json(json: str) -> str: ...
def regime(config: str | None = None, store: str | None = None, report_dir: str | None = None) -> bytes: ...
def risk_model(
    store: str,
    out: str,
    universe: list[str] | None = None,
    industries: str | None = None,
    start: str | None = None,
    end: str | None = None,
    method: str = "joint",
    constraint: str = "cap",
    cov_half_life: float = 90.0,
    report: bool = True,
) -> dict[str, Any]: ...
def text_run(
    kind: str,
    ids: list[str],
    texts: list[str],
    task: str,
    backend_name: str = "offline",
    model: str | None = None,
    stocks: list[tuple[str, str]] | None = None,
    config: str | None = None,
    cache: str | None = None,
    read_cache: bool = True,
) -> dict[str, Any]: ...
