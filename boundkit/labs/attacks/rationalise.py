"""Float optima rationalised into exact certificates and re-evaluated exactly."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from boundkit.labs.attacks.certificate import Certificate, ExactEvaluation, evaluate_exact
from boundkit.labs.attacks.model import Groups, Problem, Vector, _merge, _norm2
from boundkit.labs.attacks.scoring import _Candidate

#: the rationalised float optimum lies on the grid ``1/_GRID`` (one shared denominator)
_GRID = 10**12
#: shrink factors tried when a rationalised optimum loses its selection exactly
_RETREATS = (Fraction(0), Fraction(1, 10**9), Fraction(1, 10**7), Fraction(1, 10**5))


def _on_grid(x: float | Fraction) -> Fraction:
    """``x`` rounded to the common grid ``1/_GRID`` (small, shared denominators keep the
    exact eigenvalue computations of :func:`boundkit.rules.smea_grouped` small)."""
    return Fraction(round(Fraction(x) * _GRID), _GRID)


def _into_ball(row: Sequence[float], lip: Fraction) -> Vector:
    """``row`` on the grid, moved toward 0 one grid step at a time until ``||v|| <= L``."""
    v = [_on_grid(x) for x in row]
    while _norm2(v) > lip**2:
        i = max(range(len(v)), key=lambda j: abs(v[j]))
        v[i] -= Fraction(1 if v[i] > 0 else -1, _GRID)
    return tuple(v)


def to_certificate(problem: Problem, candidate: _Candidate, retreat: Fraction) -> Certificate:
    """The float candidate rationalised on the grid ``1/_GRID``; honest vectors kept in
    the ball exactly; each Byzantine vector moved a fraction ``retreat`` toward its run's
    honest mean (a step back inside a selection boundary), then put on the grid."""
    lip = problem.lipschitz
    u, w, b1, b2 = candidate.layout.split(candidate.theta, float(lip))
    honest_vecs = [_into_ball(row, lip) for row in u]
    changed = _into_ball(w[0], lip)
    counts = candidate.layout.honest
    mean_1 = _weighted_mean(honest_vecs, counts)
    mean_2 = tuple(
        m + (c - v) / problem.h for m, c, v in zip(mean_1, changed, honest_vecs[0], strict=True)
    )

    def byz(rows: np.ndarray, cnts: tuple[int, ...], centre: Vector) -> Groups:
        vecs = [
            tuple(
                _on_grid(x - retreat * (x - c))
                for x, c in zip(map(Fraction, row), centre, strict=True)
            )
            for row in rows
        ]
        return _merge(list(zip(vecs, cnts, strict=True)))

    honest = tuple(zip(honest_vecs, counts, strict=True))
    honest = (honest[0], *_merge(honest[1:]))
    return Certificate(
        problem,
        honest,
        changed,
        byz(b1, candidate.layout.byzantine_1, mean_1),
        byz(b2, candidate.layout.byzantine_2, mean_2),
        candidate.family,
    )


def _weighted_mean(vectors: Sequence[Vector], counts: Sequence[int]) -> Vector:
    total = sum(counts)
    return tuple(
        sum((v[i] * c for v, c in zip(vectors, counts, strict=True)), Fraction(0)) / total
        for i in range(len(vectors[0]))
    )


def _best_exact(problem: Problem, candidate: _Candidate) -> tuple[Certificate, ExactEvaluation]:
    """Rationalise (with the retreats of :data:`_RETREATS`); keep the best exact value."""
    best: tuple[Certificate, ExactEvaluation] | None = None
    for retreat in _RETREATS:
        cert = to_certificate(problem, candidate, retreat)
        ev = evaluate_exact(cert)
        if best is None or ev.divergence_squared > best[1].divergence_squared:
            best = (cert, ev)
        if float(ev.divergence()) >= candidate.value * (1 - 1e-7):
            break
    assert best is not None
    return best
