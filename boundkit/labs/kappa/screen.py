"""The float64 screen: ratios of candidate inputs in float64 with the same rules, and
the per-cell counter :class:`_Screen` that remembers the best candidate of each family.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from boundkit import rules
from boundkit.errors import ParameterError
from boundkit.labs.kappa.budget import Budget
from boundkit.labs.kappa.evaluation import _vector
from boundkit.labs.kappa.rules import RuleSpec

#: Weiszfeld options of the float64 GM screen (a screen only: looser than the default).
GM_SCREEN = {"tol": 1e-9, "max_iter": 300}
#: Screen values are clipped to this magnitude before they reach scipy (no inf - inf).
_CLIP = 1e15


class _Infeasible(Exception):
    """A screen that would enumerate too many subsets (or that the rule refuses)."""


def _apply_float(spec: RuleSpec, rows: np.ndarray, f: int, budget: Budget) -> np.ndarray:
    n, d = rows.shape
    if spec.builtin and spec.name in ("smea", "mean"):
        values, counts = np.unique(rows, axis=0, return_counts=True)
        if len(values) <= 6 or d == 1 or spec.name == "mean":
            rule = rules.GROUPED_RULES[spec.simulate_name]
            return np.asarray(_vector(rule(values, counts.tolist(), f), d), dtype=float)
    if spec.builtin and spec.enumerates and d > 1 and not budget.enumeration_allowed(n, f):
        raise _Infeasible
    options = GM_SCREEN if spec.builtin and spec.name == "gm" else {}
    try:
        return np.asarray(_vector(spec.func(rows, f, **options), d), dtype=float)
    except ParameterError as error:
        raise _Infeasible from error


def screen_ratio(spec: RuleSpec, rows: np.ndarray, h: int, f: int, budget: Budget) -> float:
    """Float64 ratio with ``S`` = the first ``h`` rows (``-inf`` when infeasible)."""
    try:
        out = _apply_float(spec, rows, f, budget)
    except _Infeasible:
        return -math.inf
    honest = rows[:h]
    mu = honest.mean(axis=0)
    num = float(np.sum((out - mu) ** 2))
    c = honest - mu
    cov = c.T @ c / h
    lam = float(cov[0, 0]) if cov.shape[0] == 1 else float(np.linalg.eigvalsh(cov)[-1])
    tiny = 1e-12 * (float(np.max(np.abs(rows))) ** 2 + 1e-300)
    if lam <= tiny:
        return math.inf if num > tiny else 0.0
    return num / lam


@dataclass(frozen=True)
class Candidate:
    """A screened input: float rows (honest first), its float ratio and its family."""

    rows: np.ndarray = field(repr=False)
    score: float
    family: str


class _Screen:
    """Counts float evaluations of one cell and remembers the best of each family."""

    def __init__(self, spec: RuleSpec, n: int, f: int, d: int, budget: Budget) -> None:
        self.spec, self.n, self.f, self.d, self.h = spec, n, f, d, n - f
        self.budget = budget
        self.count = 0
        self.best: dict[str, Candidate] = {}
        self.tried: set[str] = set()

    def clipped(self, rows: np.ndarray, family: str) -> float:
        """The screen as a finite number for scipy (``-inf`` and ``inf`` clipped)."""
        return min(max(self(rows, family), -_CLIP), _CLIP)

    def __call__(self, rows: np.ndarray, family: str) -> float:
        self.count += 1
        self.tried.add(family)
        score = screen_ratio(self.spec, rows, self.h, self.f, self.budget)
        if score == -math.inf:
            return score
        held = self.best.get(family)
        if held is None or score > held.score:
            self.best[family] = Candidate(rows.copy(), score, family)
        return score

    def top(self, k: int, exclude: str = "") -> list[Candidate]:
        """The best ``k`` family winners scoring at least half the best (``exclude`` left out)."""
        ranked = sorted(
            (c for c in self.best.values() if c.family != exclude), key=lambda c: -c.score
        )
        if not ranked:
            return []
        return [c for c in ranked if c.score >= ranked[0].score / 2][:k]
