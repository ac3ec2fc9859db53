"""The search families: structured inputs (two-point, two clusters, spread, orthogonal)
and random restarts, each screened through a :class:`boundkit.labs.kappa.screen._Screen`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import optimize

from boundkit.labs.kappa.budget import Budget
from boundkit.labs.kappa.screen import _Screen

#: Honest coordinates optimised freely in a random restart (above: only the clusters move).
FREE_HONEST_MAX = 12


def _two_point_rows(n: int, f: int, d: int, p: int, byz: Sequence[tuple[float, int]]) -> np.ndarray:
    """``p`` honest at ``+e_1``, ``h - p`` at ``-e_1``, then Byzantine ``(position, count)``."""
    h = n - f
    first = [1.0] * p + [-1.0] * (h - p) + [b for b, c in byz for _ in range(c)]
    rows = np.zeros((n, d))
    rows[:, 0] = first
    return rows


def _sides(h: int, f: int, budget: Budget) -> list[int]:
    if h + 1 <= budget.sides:
        return list(range(h + 1))
    spread = np.linspace(0, h, budget.sides).round().astype(int).tolist()
    return sorted(set(spread) | {0, min(f, h), h, h // 2})


def _refine_scalar(
    objective: Callable[[float], float], center: float, step: float, evals: int
) -> None:
    if evals <= 0:
        return
    optimize.minimize_scalar(
        lambda b: -objective(b),
        bounds=(center - step, center + step),
        method="bounded",
        options={"maxiter": evals, "xatol": 1e-10},
    )


def _family_two_point(screen: _Screen) -> None:
    """Two-point honest sets, one Byzantine cluster, then two clusters (1-D, axis 1)."""
    n, f, d, b = screen.n, screen.f, screen.d, screen.budget
    if f == 0:
        for p in _sides(screen.h, f, b):
            screen(_two_point_rows(n, f, d, p, []), "two-point")
        return
    grid = sorted(set(np.linspace(-3.0, 3.0, b.grid).tolist()) | {-1.0, 0.0, 1.0})
    step = 6.0 / max(b.grid - 1, 1)
    best: list[tuple[float, int, float]] = []
    for p in _sides(screen.h, f, b):
        scores = [(screen(_two_point_rows(n, f, d, p, [(x, f)]), "two-point"), x) for x in grid]
        score, x = max(scores)
        best.append((score, p, x))
    for score, p, x in sorted(best, reverse=True)[:2]:
        if math.isfinite(score):
            _refine_scalar(
                lambda v, p=p: screen.clipped(_two_point_rows(n, f, d, p, [(v, f)]), "two-point"),
                x,
                step,
                b.refine,
            )
    if f >= 2:
        _, p, x = max(best)
        _two_clusters(screen, p, x)


def _two_clusters(screen: _Screen, p: int, x: float) -> None:
    n, f, d = screen.n, screen.f, screen.d
    f1 = (f + 1) // 2

    def objective(v: np.ndarray) -> float:
        rows = _two_point_rows(n, f, d, p, [(v[0], f1), (v[1], f - f1)])
        return -screen.clipped(rows, "two-clusters")

    for start in ((x, -x), (x, x + 0.5)):
        optimize.minimize(
            objective,
            np.array(start),
            method="Nelder-Mead",
            options={"maxfev": screen.budget.refine, "xatol": 1e-9, "fatol": 1e-12},
        )


def _decorrelated_columns(
    values: np.ndarray, d: int, rng: np.random.Generator, tries: int = 24
) -> np.ndarray:
    """``d`` permutations of ``values`` (columns) with the smallest covariance ``lambda_max``."""
    best, best_lam = None, math.inf
    for _ in range(tries):
        cols = np.column_stack([values] + [rng.permutation(values) for _ in range(d - 1)])
        c = cols - cols.mean(axis=0)
        lam = float(np.linalg.eigvalsh(c.T @ c)[-1])
        if lam < best_lam:
            best, best_lam = cols, lam
    assert best is not None
    return best


def _family_spread(screen: _Screen, base: np.ndarray, rng: np.random.Generator) -> None:
    """Each coordinate a permutation of the best 1-D honest values; Byzantine on the diagonal."""
    f, d, h = screen.f, screen.d, screen.h
    honest = _decorrelated_columns(base[:h, 0], d, rng)

    def rows_at(scale: float) -> np.ndarray:
        byz = np.repeat(base[h:, :1], d, axis=1) * scale
        return np.vstack([honest, byz]) if f else honest.copy()

    screen(rows_at(1.0), "spread")
    if f:
        _refine_scalar(
            lambda s: screen.clipped(rows_at(s), "spread"), 1.0, 0.5, screen.budget.refine
        )


def _family_orthogonal(screen: _Screen, base: np.ndarray) -> None:
    """The best 1-D honest set; the Byzantine cluster moved off the honest axis."""
    f, h = screen.f, screen.h
    if f == 0:
        return

    def objective(v: np.ndarray) -> float:
        rows = base.copy()
        rows[h:, 0] = v[0]
        rows[h:, 1] = v[1]
        return -screen.clipped(rows, "orthogonal")

    start = np.array([float(base[h, 0]), 0.5])
    optimize.minimize(
        objective,
        start,
        method="Nelder-Mead",
        options={"maxfev": screen.budget.refine * 2, "xatol": 1e-9, "fatol": 1e-12},
    )


def _restart(screen: _Screen, rng: np.random.Generator, clusters: int) -> None:
    """One random restart, Nelder-Mead on the cluster positions (and free honest vectors)."""
    f, d, h = screen.f, screen.d, screen.h
    honest0 = rng.normal(size=(h, d)) * rng.uniform(0.2, 2.0, size=d)
    k = min(clusters, f) if f else 0
    sizes = [f // k + (1 if i < f % k else 0) for i in range(k)] if k else []
    free = h * d <= FREE_HONEST_MAX

    def rows_of(v: np.ndarray) -> np.ndarray:
        honest = v[: h * d].reshape(h, d) if free else honest0
        cl = v[h * d :].reshape(k, d) if free else v.reshape(k, d)
        byz = np.repeat(cl, sizes, axis=0) if k else np.zeros((0, d))
        return np.vstack([honest, byz])

    centers = rng.normal(size=(k, d)) * 2.0
    start = np.concatenate([honest0.ravel(), centers.ravel()]) if free else centers.ravel()
    if start.size == 0:
        screen(honest0, "restarts")
        return
    optimize.minimize(
        lambda v: -screen.clipped(rows_of(v), "restarts"),
        start,
        method="Nelder-Mead",
        options={"maxfev": screen.budget.maxfev, "xatol": 1e-9, "fatol": 1e-12},
    )


def _run_restarts(screen: _Screen, rng: np.random.Generator, skipped: list[str]) -> None:
    spec, n, f, d, b = screen.spec, screen.n, screen.f, screen.d, screen.budget
    if b.restarts <= 0:
        return
    if spec.builtin and spec.enumerates and d > 1 and not b.enumeration_allowed(n, f):
        skipped.append("restarts (SMEA/MDA enumeration outside the budget)")
        return
    for i in range(b.restarts):
        _restart(screen, rng, clusters=1 + i % 2)
