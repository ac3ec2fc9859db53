"""The sweep: the ``(n, f, d)`` grid and one row (search and reference values) per point."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from boundkit.labs.attacks.model import Problem, SearchSettings
from boundkit.labs.attacks.references import (
    byzantine_upper_per_step,
    halves_push,
    orthogonal_push,
    poisoning_per_step,
)
from boundkit.labs.attacks.search import SearchResult, search


def f_grid(n: int) -> list[int]:
    """``f`` values spanning ``f/n`` from about 0.05 to just below 1/2."""
    ratios = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.34, 0.4, 0.45, 0.49)
    top = (n - 1) // 2
    return sorted({min(top, max(1, round(r * n))) for r in ratios})


@dataclass(frozen=True)
class Row:
    """One ``(n, f, d)``: the maximum found (exact) and the reference pushes and bounds,
    all per step in units of ``L`` (``gamma L^2 T`` for the stability)."""

    result: SearchResult
    halves: mpmath.mpf
    orthogonal: mpmath.mpf | None
    poisoning: mpmath.mpf
    upper: mpmath.mpf

    @property
    def problem(self) -> Problem:
        return self.result.problem

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.problem.f, self.problem.n)


def row(problem: Problem, settings: SearchSettings) -> Row:
    """Search at ``problem`` and collect the reference values."""
    return Row(
        search(problem, settings),
        halves_push(problem),
        orthogonal_push(problem) if problem.d == 2 else None,
        poisoning_per_step(problem),
        byzantine_upper_per_step(problem),
    )


def plan(ns: Sequence[int], ds: Sequence[int]) -> list[Problem]:
    """Every ``(n, f, d)`` of the sweep."""
    return [Problem(n, f, d) for d in ds for n in ns for f in f_grid(n)]
