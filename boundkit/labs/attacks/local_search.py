"""Local search: an adaptive random climb over the vectors and single-worker count moves."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np

from boundkit.labs.attacks.model import Problem, SearchSettings
from boundkit.labs.attacks.scoring import MAX_COUNT_VECTORS, _Candidate, _Layout, float_divergence


def _climb(
    score: Callable[[np.ndarray], float],
    theta: np.ndarray,
    step: float,
    budget: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, float]:
    """Adaptive random local search: perturb a few coordinates, keep improvements."""
    best, value = theta.copy(), score(theta)
    failures = 0
    for _ in range(budget):
        mask = rng.random(best.size) < max(2.0 / best.size, 0.15)
        if not mask.any():
            mask[rng.integers(best.size)] = True
        trial = best + mask * rng.normal(0.0, step, best.size)
        got = score(trial)
        if got > value:
            best, value, failures = trial, got, 0
            step *= 1.5
        else:
            failures += 1
            if failures >= 8:
                step, failures = step / 2, 0
        if step < 1e-13:
            break
    return best, value


def _moves(layout: _Layout) -> Iterator[_Layout]:
    """Layouts one worker away: one honest worker or one Byzantine worker between groups."""
    for name in ("honest", "byzantine_1", "byzantine_2"):
        counts = getattr(layout, name)
        for i, j in itertools.permutations(range(len(counts)), 2):
            if counts[i] > 1:
                moved = list(counts)
                moved[i] -= 1
                moved[j] += 1
                yield replace(layout, **{name: tuple(moved)})


def _improve(
    problem: Problem, start: _Candidate, settings: SearchSettings, rng: np.random.Generator
) -> _Candidate:
    """Alternate a climb over the vectors with the best single-worker count move."""
    f, lip = problem.f, float(problem.lipschitz)
    current = start
    for _ in range(settings.count_rounds + 1):
        layout = current.layout

        def score(t: np.ndarray, lay: _Layout = layout) -> float:
            return float_divergence(lay, t, f, lip)

        theta, value = _climb(score, current.theta, 0.05 * lip, settings.evaluations, rng)
        current = replace(current, value=max(value, current.value), theta=theta)
        moved = [
            _Candidate(float_divergence(lay, theta, f, lip), lay, theta, current.family)
            for lay in _moves(layout)
            if problem.d == 1 or lay.cost(f) <= MAX_COUNT_VECTORS
        ]
        better = max(moved, key=lambda c: c.value, default=None)
        if better is None or better.value <= current.value:
            break
        current = better
    return current
