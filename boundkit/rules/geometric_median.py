"""The geometric median by Weiszfeld's iteration (float64 for float input, mpmath otherwise).

Two modes (:func:`geometric_median`):

- ``iterations=None`` (default): Weiszfeld's iteration with the Vardi-Zhang step at data
  points, from the mean, run until it converges (a relative step tolerance).
- ``iterations=T``: exactly ``T`` steps of the *smoothed* Weiszfeld iteration, ByzFL 0.0.11's
  ``GeometricMedian(nu, T)`` (``byzfl.aggregators.aggregators``; its defaults ``nu = 0.1``,
  ``T = 3``): start at the origin ``z_0 = 0`` and set
  ``z_{t+1} = sum_i w_i x_i / sum_i w_i`` with ``w_i = 1 / max(nu, ||x_i - z_t||)``; no
  stopping rule.  ``nu`` (``smoothing``) is absolute, not relative to the data's scale.
  ByzFL drops the rows with an infinite entry; boundkit rejects non-finite input instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import mpmath
import numpy as np

from boundkit.errors import ParameterError
from boundkit.rules.aggregate import Aggregate
from boundkit.rules.median import coordinate_median
from boundkit.rules.points import (
    Number,
    _check_f,
    _entry_kind,
    _fraction,
    _is_finite,
    _mpf_from_fraction,
    _parse,
    _Points,
    is_integer,
)

#: ByzFL 0.0.11's default smoothing ``nu`` of ``GeometricMedian``.
BYZFL_SMOOTHING = 0.1
#: ByzFL 0.0.11's default number of smoothed Weiszfeld steps ``T`` of ``GeometricMedian``.
BYZFL_ITERATIONS = 3


def _weiszfeld_numpy(a: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    z = a.mean(axis=0)
    scale = float(np.max(np.linalg.norm(a - z, axis=1)))
    if scale == 0:
        return z
    for _ in range(max_iter):
        diff = a - z
        dist = np.linalg.norm(diff, axis=1)
        away = dist > 0
        w = 1.0 / dist[away]
        t = (w[:, None] * a[away]).sum(axis=0) / w.sum()
        eta = int(np.count_nonzero(~away))
        if eta:
            r = float(np.linalg.norm((w[:, None] * diff[away]).sum(axis=0)))
            if r <= eta:
                return z
            t = (1 - eta / r) * t + (eta / r) * z
        step = float(np.linalg.norm(t - z))
        z = t
        if step <= tol * scale:
            break
    return z


def _weiszfeld_mp(rows: list[list[mpmath.mpf]], tol: Number, max_iter: int) -> list[mpmath.mpf]:
    n, d = len(rows), len(rows[0])

    def norm(v: Sequence[mpmath.mpf]) -> mpmath.mpf:
        return mpmath.sqrt(mpmath.fsum(c * c for c in v))

    z = [mpmath.fsum(r[j] for r in rows) / n for j in range(d)]
    scale = max(norm([a - b for a, b in zip(r, z, strict=True)]) for r in rows)
    if scale == 0:
        return z
    for _ in range(max_iter):
        diffs = [[a - b for a, b in zip(r, z, strict=True)] for r in rows]
        dists = [norm(v) for v in diffs]
        away = [i for i in range(n) if dists[i] > 0]
        w = {i: 1 / dists[i] for i in away}
        wsum = mpmath.fsum(w.values())
        t = [mpmath.fsum(w[i] * rows[i][j] for i in away) / wsum for j in range(d)]
        eta = n - len(away)
        if eta:
            r = norm([mpmath.fsum(w[i] * diffs[i][j] for i in away) for j in range(d)])
            if r <= eta:
                return z
            t = [(1 - eta / r) * a + (eta / r) * b for a, b in zip(t, z, strict=True)]
        step = norm([a - b for a, b in zip(t, z, strict=True)])
        z = t
        if step <= tol * scale:
            break
    return z


def _smoothed_weiszfeld_numpy(a: np.ndarray, iterations: int, nu: float) -> np.ndarray:
    """``iterations`` smoothed Weiszfeld steps from the origin, float64 (module docstring)."""
    z = np.zeros(a.shape[1], dtype=np.float64)
    for _ in range(iterations):
        w = 1.0 / np.maximum(np.linalg.norm(a - z, axis=1), nu)
        z = (w[:, None] * a).sum(axis=0) / w.sum()
    return z


def _smoothed_weiszfeld_mp(
    rows: list[list[mpmath.mpf]], iterations: int, nu: mpmath.mpf
) -> list[mpmath.mpf]:
    """The same steps in mpmath at the current precision (one rounding per operation)."""
    d = len(rows[0])
    z = [mpmath.mpf(0)] * d
    for _ in range(iterations):
        dists = [
            mpmath.sqrt(mpmath.fsum((a - b) ** 2 for a, b in zip(r, z, strict=True))) for r in rows
        ]
        w = [1 / max(nu, dist) for dist in dists]
        wsum = mpmath.fsum(w)
        z = [mpmath.fsum(wi * r[j] for wi, r in zip(w, rows, strict=True)) / wsum for j in range(d)]
    return z


def check_iterations(iterations: object, smoothing: object) -> tuple[int | None, Fraction]:
    """``(iterations, nu)`` validated: ``iterations`` ``None`` or an integer ``>= 0``;
    ``smoothing`` only with ``iterations``, a finite real number ``> 0`` (default ByzFL's
    ``0.1``, the float64 nearest to 1/10, kept exactly as that dyadic rational)."""
    if iterations is None:
        if smoothing is not None:
            raise ParameterError("smoothing", "None unless iterations is given", repr(smoothing))
        return None, Fraction(BYZFL_SMOOTHING)
    _check_count("iterations", iterations, "None or an integer >= 0")
    nu = BYZFL_SMOOTHING if smoothing is None else smoothing
    kind = _entry_kind(nu)
    if kind is None or not _is_finite(nu, kind) or not nu > 0:
        raise ParameterError("smoothing", "a finite real number > 0", repr(nu))
    return int(iterations), _fraction(nu)


def _check_convergence_budget(tol: object, max_iter: object) -> None:
    """``tol`` a finite real number ``>= 0``, ``max_iter`` an integer ``>= 0``."""
    kind = _entry_kind(tol)
    if kind is None or not _is_finite(tol, kind) or tol < 0:
        raise ParameterError("tol", "a finite real number >= 0", repr(tol))
    _check_count("max_iter", max_iter, "an integer >= 0")


def _check_count(name: str, value: object, rule: str) -> None:
    """``value`` an integer ``>= 0`` (else a one-line error stating ``rule``)."""
    if not is_integer(value):
        raise ParameterError(name, rule, repr(value))
    if value < 0:
        raise ParameterError(name, rule, value)


def _smoothed(pts: _Points, iterations: int, nu: Fraction) -> list[Number]:
    if pts.kind == "float":
        z = _smoothed_weiszfeld_numpy(pts.array, iterations, nu.numerator / nu.denominator)
        return z.tolist()
    rows = [
        [x if isinstance(x, mpmath.mpf) else _mpf_from_fraction(x) for x in r] for r in pts.rows
    ]
    zm = _smoothed_weiszfeld_mp(rows, iterations, _mpf_from_fraction(nu))
    return zm if pts.kind == "mp" else [_fraction(c) for c in zm]


def geometric_median(
    vectors: object,
    f: int,
    tol: float = 1e-12,
    max_iter: int = 10_000,
    iterations: int | None = None,
    smoothing: float | None = None,
) -> Aggregate:
    """Geometric median by Weiszfeld's iteration with the Vardi-Zhang step at data points.

    Starts at the mean; stops when an update moves less than ``tol * R``
    (``R = max_i ||x_i - mean||``, so ``tol`` is relative to the data's spread; default
    ``1e-12``) or after ``max_iter`` updates, or when a data point satisfies the optimality
    condition.  Float input runs in float64; ``mpf`` input in mpmath at the current
    precision; exact input in mpmath at the current precision, returned as the Fractions
    equal to the mpf result (an approximation, not the exact median).  In 1-D the result
    is the (exact) coordinate median.  ``f`` is only validated.

    ``iterations=T`` (an integer ``>= 0``) instead runs exactly ``T`` smoothed Weiszfeld
    steps from the origin with smoothing ``nu = smoothing`` (default ``0.1``), ByzFL
    0.0.11's ``GeometricMedian(nu, T)`` (module docstring; ByzFL's default is ``T = 3``):
    ``tol`` and ``max_iter`` are then unused, and 1-D input is iterated too (no median
    shortcut).  Arithmetic: float input in float64 (the operations ByzFL does, summed in
    another order, so its numbers are matched to rounding, not bit for bit); ``mpf`` and
    exact input in mpmath at the current precision (exact input returned as the Fractions
    equal to the mpf result), with ``nu`` taken exactly (``0.1`` is the float64 nearest
    to 1/10, as in ByzFL).  ``smoothing`` without ``iterations`` is an error.
    """
    pts = _parse(vectors)
    _check_f(f, pts.n)
    steps, nu = check_iterations(iterations, smoothing)
    _check_convergence_budget(tol, max_iter)
    if steps is not None:
        return Aggregate(pts.wrap(_smoothed(pts, steps, nu)), ())
    if pts.d == 1:
        return Aggregate(coordinate_median(vectors, f).value, ())
    if pts.kind == "float":
        z = _weiszfeld_numpy(pts.array, tol, max_iter)
        return Aggregate(pts.wrap(z.tolist()), ())
    rows = [
        [x if isinstance(x, mpmath.mpf) else _mpf_from_fraction(x) for x in r] for r in pts.rows
    ]
    zm = _weiszfeld_mp(rows, mpmath.mpf(tol), max_iter)
    value = zm if pts.kind == "mp" else [_fraction(c) for c in zm]
    return Aggregate(pts.wrap(value), ())
