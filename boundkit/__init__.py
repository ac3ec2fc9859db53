"""boundkit: uniform-stability bounds of robust distributed learning, checked exactly.

The public API, four tasks (each name is loaded on first use, so ``import boundkit`` stays
cheap; the README's "Python API" section has the same examples):

1. Evaluate a registered bound, exactly or numerically.  Keys are validated, the paper's
   symbols are accepted (``gamma`` = ``step_size``, ``L`` = ``lipschitz``, ``beta`` =
   ``smoothness``, ``mu`` = ``strong_convexity``), a misspelt key is a one-line
   :class:`ParameterError` naming it::

       >>> from fractions import Fraction
       >>> import boundkit
       >>> boundkit.exact_value("thm3.3/convex", n=21, f=3, m=2, T=10,
       ...                      gamma=Fraction(1, 10), L=1, beta=1)
       7/18

   (:func:`boundkit.bounds.parameters.exact_value`, :func:`~boundkit.bounds.parameters.evaluate`;
   the registry: :func:`get_bound`, :func:`select_bounds`.)
2. Run a construction and get both trajectories and the stability:
   :func:`run_construction` (``"P1"`` .. ``"B4"``, :data:`CONSTRUCTIONS`) returns a
   :class:`ConstructionRun`.
3. Measure your own rule's robustness coefficient (Def. 2.2) and run the Byzantine
   constructions against it: :func:`robustness_coefficient`, :func:`check_rule`.  A rule is
   ``rule(vectors, f)`` with ``vectors`` a float64 array of shape ``(n, d)``; it returns
   shape ``(d,)`` (a scalar is accepted in 1-D); anything else is rejected at the edge
   (:mod:`boundkit.labs.user_rules`).
4. Run a verification grid and get typed records: :func:`verify_grid` returns a
   :class:`Verification` of :class:`VerifiedCase` records.

The layers, bottom first (each subpackage imports only the ones above it in this list):

- :mod:`boundkit.bounds`: the theorem registry as data (``bounds.get("thm3.1/convex")``),
  each entry a SymPy expression with its hypotheses and recursion.
- :mod:`boundkit.rules`: aggregation rules (``smea``, ``trimmed_mean``, ``krum``, ...), exact.
- :mod:`boundkit.dynamics`: losses and the coupled GD/SGD runs (``run_pair``) on a ``Problem``.
- :mod:`constructions`: the lower-bound constructions (``CONSTRUCTIONS``, ``wc_*`` examples).
- :mod:`boundkit.checks`: ``verify`` (upper >= empirical >= lower), the central claim, rate fits.
- :mod:`boundkit.labs`: the robustness-coefficient lab and the attack search.
- :mod:`boundkit.outputs` and :mod:`boundkit.cli`: reports, tables, figures, the command line.
"""

from __future__ import annotations

import importlib
from typing import Any

from boundkit.json_document import package_version

__version__ = package_version()

#: public name -> (module, attribute)
_PUBLIC: dict[str, tuple[str, str]] = {
    # foundation
    "Setting": ("boundkit.config", "Setting"),
    "ParameterError": ("boundkit.errors", "ParameterError"),
    # 1. bounds (validated keys, paper symbols as aliases)
    "get_bound": ("boundkit.bounds.registry", "get"),
    "select_bounds": ("boundkit.bounds.registry", "select"),
    "exact_value": ("boundkit.bounds.parameters", "exact_value"),
    "evaluate": ("boundkit.bounds.parameters", "evaluate"),
    "PAPER_ALIASES": ("boundkit.bounds.parameters", "PAPER_ALIASES"),
    "make_setting": ("boundkit.bounds.parameters", "make_setting"),
    # rules and dynamics
    "smea": ("boundkit.rules.smea", "smea"),
    "Problem": ("boundkit.dynamics.problem", "Problem"),
    "WorkerGroup": ("boundkit.dynamics.problem", "WorkerGroup"),
    "run_pair": ("boundkit.dynamics.coupled_runs", "run_pair"),
    "run_single": ("boundkit.dynamics.coupled_runs", "run_single"),
    # 2. constructions
    "CONSTRUCTIONS": ("constructions", "CONSTRUCTIONS"),
    "measure": ("constructions.measure", "measure"),
    "run_construction": ("constructions.run", "run_construction"),
    "ConstructionRun": ("constructions.run", "ConstructionRun"),
    # 3. your own rule
    "robustness_coefficient": ("boundkit.labs.user_rules", "robustness_coefficient"),
    "check_rule": ("boundkit.labs.user_rules", "check_rule"),
    "RuleReport": ("boundkit.labs.user_rules", "RuleReport"),
    # 4. verification
    "Grid": ("boundkit.checks.grid", "Grid"),
    "run_cases": ("boundkit.checks.verify", "run_cases"),
    "verify_grid": ("boundkit.checks.grid_run", "verify_grid"),
    "Verification": ("boundkit.checks.grid_run", "Verification"),
    "VerifiedCase": ("boundkit.checks.grid_run", "VerifiedCase"),
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
