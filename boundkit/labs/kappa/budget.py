"""How much to search in one cell: :class:`Budget` and the report's :func:`table_budget`."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """How much to search in one cell (all counts are float64 rule evaluations or steps).

    ``sides``: honest split sizes ``p`` tried in the two-point family (all when fewer);
    ``grid``: Byzantine positions on the first grid; ``refine``: evaluations of each local
    refinement; ``restarts``/``maxfev``: random restarts and Nelder-Mead evaluations each;
    ``enumeration_cap``: largest ``C(n, f)`` for which SMEA/MDA screens of inputs with many
    distinct vectors run in ``d > 1``; ``candidates``: screened candidates re-evaluated
    exactly (each with the backoff variants).
    """

    sides: int = 8
    grid: int = 17
    refine: int = 24
    restarts: int = 4
    maxfev: int = 200
    enumeration_cap: int = 2_000
    enumeration_max_n: int = 30
    candidates: int = 4

    def enumeration_allowed(self, n: int, f: int) -> bool:
        """May a SMEA/MDA screen enumerate subsets at ``(n, f)`` in ``d > 1``?"""
        return n <= self.enumeration_max_n and math.comb(n, f) <= self.enumeration_cap

    def describe(self) -> str:
        return (
            f"sides<={self.sides}, grid {self.grid}, refine {self.refine}, restarts "
            f"{self.restarts} x {self.maxfev} evals, SMEA/MDA enumeration in d > 1 when "
            f"C(n,f) <= {self.enumeration_cap} and n <= {self.enumeration_max_n}, "
            f"{self.candidates} exact candidates"
        )


def table_budget(n: int) -> Budget:
    """The per-cell budget of the ``reports/kappa.md`` table (sized for a few minutes on 2
    cores): two restarts of 100 evaluations up to ``n = 12``, one of 60 above."""
    small = n <= 12
    return Budget(
        sides=6,
        grid=13,
        refine=14,
        restarts=2 if small else 1,
        maxfev=100 if small else 60,
        enumeration_cap=150,
        enumeration_max_n=12,
        candidates=3,
    )
