"""The geometric median by Weiszfeld's iteration (float64 for float input, mpmath otherwise)."""

from __future__ import annotations

from collections.abc import Sequence

import mpmath
import numpy as np

from boundkit.rules.aggregate import Aggregate
from boundkit.rules.median import coordinate_median
from boundkit.rules.points import Number, _check_f, _fraction, _mpf_from_fraction, _parse


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


def geometric_median(
    vectors: object, f: int, tol: float = 1e-12, max_iter: int = 10_000
) -> Aggregate:
    """Geometric median by Weiszfeld's iteration with the Vardi-Zhang step at data points.

    Starts at the mean; stops when an update moves less than ``tol * R``
    (``R = max_i ||x_i - mean||``, so ``tol`` is relative to the data's spread; default
    ``1e-12``) or after ``max_iter`` updates, or when a data point satisfies the optimality
    condition.  Float input runs in float64; ``mpf`` input in mpmath at the current
    precision; exact input in mpmath at the current precision, returned as the Fractions
    equal to the mpf result (an approximation, not the exact median).  In 1-D the result
    is the (exact) coordinate median.  ``f`` is only validated.
    """
    pts = _parse(vectors)
    _check_f(f, pts.n)
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
