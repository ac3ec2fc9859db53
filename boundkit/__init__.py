"""boundkit: uniform-stability bounds of robust distributed learning, checked exactly.

A tour, bottom layer first (each subpackage imports only the ones above it in this list):

- :mod:`boundkit.bounds`: the theorem registry as data (``bounds.get("thm3.1/convex")``),
  each entry a SymPy expression with its hypotheses and recursion; ``exact_value`` and
  ``evaluate`` substitute a parameter mapping.
- :mod:`boundkit.rules`: aggregation rules (``smea``, ``trimmed_mean``, ``krum``, ...), exact.
- :mod:`boundkit.dynamics`: losses and the coupled GD/SGD runs (``run_pair``) on a ``Problem``.
- :mod:`constructions`: the lower-bound constructions (``CONSTRUCTIONS``, ``wc_*`` examples).
- :mod:`boundkit.checks`: ``verify`` (upper >= empirical >= lower), the central claim, rate fits.
- :mod:`boundkit.labs`: the robustness-coefficient lab and the attack search.
- :mod:`boundkit.outputs` and :mod:`boundkit.cli`: reports, tables, figures, the command line.

The names below are loaded on first use, so ``import boundkit`` stays cheap.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("boundkit")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0+unknown"

#: public name -> (module, attribute)
_PUBLIC: dict[str, tuple[str, str]] = {
    "Setting": ("boundkit.config", "Setting"),
    "ParameterError": ("boundkit.errors", "ParameterError"),
    "get_bound": ("boundkit.bounds.registry", "get"),
    "select_bounds": ("boundkit.bounds.registry", "select"),
    "exact_value": ("boundkit.bounds.evaluation", "exact_value"),
    "evaluate": ("boundkit.bounds.evaluation", "evaluate"),
    "smea": ("boundkit.rules.smea", "smea"),
    "Problem": ("boundkit.dynamics.problem", "Problem"),
    "WorkerGroup": ("boundkit.dynamics.problem", "WorkerGroup"),
    "run_pair": ("boundkit.dynamics.coupled_runs", "run_pair"),
    "run_single": ("boundkit.dynamics.coupled_runs", "run_single"),
    "CONSTRUCTIONS": ("constructions", "CONSTRUCTIONS"),
    "measure": ("constructions.measure", "measure"),
    "Grid": ("boundkit.checks.grid", "Grid"),
    "run_cases": ("boundkit.checks.verify", "run_cases"),
}

__all__ = ["__version__", *sorted(_PUBLIC)]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        module, attribute = _PUBLIC[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'boundkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
