"""Starts of the search: the (B1)/(B2) and B3 families, random starts (float) and the
(B1)/(B2) attack itself (exact certificates)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from boundkit.labs.attacks.certificate import Certificate
from boundkit.labs.attacks.model import Groups, Problem, Vector, _merge
from boundkit.labs.attacks.scoring import (
    MAX_COUNT_VECTORS,
    _Candidate,
    _Layout,
    _smea_float,
    float_divergence,
)


def _unit(d: int, axis: int) -> np.ndarray:
    e = np.zeros(d)
    e[axis] = 1.0
    return e


def _push_scale(
    problem: Problem, layout: _Layout, theta: np.ndarray, run: int, direction: np.ndarray
) -> np.ndarray:
    """Place every Byzantine cluster of ``run`` at ``mean_H + t direction`` with the ``t``
    (geometric scan) that moves that run's SMEA output farthest along ``direction``."""
    lip = float(problem.lipschitz)
    u, w, _, _ = layout.split(theta, lip)
    counts = np.asarray(layout.honest, dtype=float)
    honest_mean = (u * counts[:, None]).sum(axis=0) / counts.sum()
    if run == 2:
        honest_mean = honest_mean + (w[0] - u[0]) / counts.sum()
    k, j1 = len(layout.honest), len(layout.byzantine_1)
    block = (
        slice((k + 1) * problem.d, (k + 1 + j1) * problem.d)
        if run == 1
        else slice((k + 1 + j1) * problem.d, None)
    )
    best, best_gain = theta, -math.inf
    for t in lip * np.geomspace(0.01, 50.0, 120):
        trial = theta.copy()
        trial[block] = np.tile(honest_mean + t * direction, theta[block].size // problem.d)
        (v1, c1), (v2, c2) = layout.runs(trial, lip)
        values, counts_run = (v1, c1) if run == 1 else (v2, c2)
        gain = float((_smea_float(values, counts_run, problem.f) @ direction).min())
        if gain > best_gain:
            best, best_gain = trial, gain
    return best


def _two_point_layout(problem: Problem, high: int, clusters: int = 1) -> _Layout:
    """Honest ``h - high`` at ``-L e1`` (the changed worker among them) and ``high`` at
    ``+L e1``; one Byzantine cluster per run unless ``clusters = 2``."""
    f = problem.f
    byz = (f,) if clusters == 1 or f < 2 else (f - f // 2, f // 2)
    return _Layout(problem.d, (problem.h - high, high), byz, byz)


def _two_point_theta(problem: Problem, layout: _Layout) -> np.ndarray:
    lip, d = float(problem.lipschitz), problem.d
    e1 = _unit(d, 0)
    rows = [-lip * e1, lip * e1, lip * e1] + [np.zeros(d)] * (
        len(layout.byzantine_1) + len(layout.byzantine_2)
    )
    return np.concatenate(rows)


def _family_start(problem: Problem, high: int, axis: int, family: str) -> _Candidate:
    """Two-point honest set; run 2 pushed along ``+e_axis``, run 1 along ``-e_axis``."""
    layout = _two_point_layout(problem, high)
    theta = _two_point_theta(problem, layout)
    e = _unit(problem.d, axis)
    theta = _push_scale(problem, layout, theta, 2, e)
    theta = _push_scale(problem, layout, theta, 1, -e)
    value = float_divergence(layout, theta, problem.f, float(problem.lipschitz))
    return _Candidate(value, layout, theta, family)


def _random_start(problem: Problem, rng: np.random.Generator) -> _Candidate:
    """Random honest groups (mostly on the sphere), Byzantine pushed in random directions."""
    lip, d, h, f = float(problem.lipschitz), problem.d, problem.h, problem.f
    while True:
        k = int(rng.integers(1, 4))
        cuts = np.sort(rng.choice(np.arange(1, h), size=min(k - 1, h - 1), replace=False))
        honest = tuple(int(c) for c in np.diff(np.concatenate(([0], cuts, [h]))))
        byz = [_random_split(f, rng) for _ in range(2)]
        layout = _Layout(d, honest, byz[0], byz[1])
        if d == 1 or layout.cost(f) <= MAX_COUNT_VECTORS:
            break
    rows = rng.normal(size=(len(honest) + 1, d))
    radii = np.where(rng.random(len(rows)) < 0.7, lip, lip * rng.random(len(rows)))
    rows = rows / np.linalg.norm(rows, axis=1, keepdims=True) * radii[:, None]
    theta = np.concatenate([rows.ravel(), np.zeros((len(byz[0]) + len(byz[1])) * d)])
    for run in (1, 2):
        direction = rng.normal(size=d)
        theta = _push_scale(problem, layout, theta, run, direction / np.linalg.norm(direction))
    return _Candidate(float_divergence(layout, theta, f, lip), layout, theta, "random")


def _random_split(f: int, rng: np.random.Generator) -> tuple[int, ...]:
    if f < 2 or rng.random() < 0.5:
        return (f,)
    first = int(rng.integers(1, f))
    return (first, f - first)


def _halves_candidates(problem: Problem) -> list[int]:
    """Side sizes of the two-point starts: (B1)/(B2)'s candidates and the balanced split."""
    from constructions.halves_attack import halves_high_counts

    h = problem.h
    sizes = set(halves_high_counts(problem.n, problem.f, 1)) | {h // 2, (h + 1) // 2}
    return sorted(s for s in sizes if 1 <= s <= h - 1)


def structured_starts(problem: Problem) -> list[_Candidate]:
    """The B1/B2 family (push along ``e1``) and, in 2-D, the B3 family (along ``e2``),
    at every side size of :func:`_halves_candidates`."""
    starts = []
    for high in _halves_candidates(problem):
        starts.append(_family_start(problem, high, 0, "B1/B2 family (e1)"))
        if problem.d == 2:
            starts.append(_family_start(problem, high, 1, "B3 family (e2)"))
    return starts


# --------------------------------------------------------------------------- exact starts


def _embed(x: Fraction, d: int, axis: int = 0) -> Vector:
    return tuple(x if i == axis else Fraction(0) for i in range(d))


def halves_certificates(problem: Problem) -> list[Certificate]:
    """The (B1)/(B2) attack exactly (App. C.3; :func:`constructions.halves_attack.halves_attack`):
    one-sided (run 1 rejected, as the construction does) and two-sided (run 1 pushed down
    by :func:`~constructions.push_supremum.best_selected_push`), embedded along ``e1``."""
    from constructions.halves_attack import halves_attack
    from constructions.push_strategies import reject_value
    from constructions.push_supremum import best_selected_push

    lip, d, f = problem.lipschitz, problem.d, problem.f
    attack = halves_attack(problem.n, f, 1, lip)
    s_run = attack.honest_s
    honest = _merge([(_embed(v, d), c) for v, c in sorted(s_run, key=lambda vc: vc[0])])
    honest = _changed_first(honest, _embed(-lip, d))
    up = attack.pushed if attack.pushed is not None else reject_value(attack.honest_s_prime)
    run_2 = ((_embed(Fraction(up), d), f),)
    down_reject = ((_embed(Fraction(reject_value(s_run)), d), f),)
    out = [Certificate(problem, honest, _embed(lip, d), down_reject, run_2, "B1/B2 one-sided")]
    try:
        down = best_selected_push(s_run, f, direction=-1)
    except ValueError:
        return out
    pushed = ((_embed(Fraction(down), d), f),)
    out.append(Certificate(problem, honest, _embed(lip, d), pushed, run_2, "B1/B2 two-sided"))
    return out


def _changed_first(honest: Groups, changed_from: Vector) -> Groups:
    """The groups with the changed worker's group first."""
    first = [g for g in honest if g[0] == changed_from]
    return tuple(first + [g for g in honest if g[0] != changed_from])
