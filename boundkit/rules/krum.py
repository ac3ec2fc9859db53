"""Krum and MultiKrum (Blanchard et al. 2017).

Score ties are broken by the lower index.  Comparisons are exact for exact and ``mpf`` input
(squared distances in Fractions); Krum scores of float input are compared as float64 sums."""

from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np

from boundkit.errors import ParameterError
from boundkit.rules.aggregate import Aggregate
from boundkit.rules.linear_algebra import _norm2
from boundkit.rules.points import Number, _average, _check_f, _parse, _Points


def _pairwise_sq(pts: _Points) -> np.ndarray | list[list[Fraction]]:
    """Squared distances: float64 matrix for float input (Krum ties are then decided on
    float64 values), exact Fractions for exact and mpf input."""
    if pts.kind == "float":
        a = pts.array
        diff = a[:, None, :] - a[None, :, :]
        return np.einsum("ijk,ijk->ij", diff, diff)
    rows = pts.fractions
    return [[_norm2([x - y for x, y in zip(r, s, strict=True)]) for s in rows] for r in rows]


def _krum_scores(pts: _Points, f: int) -> list[Number]:
    n = pts.n
    if n <= 2 * f + 2:
        raise ParameterError("f", "n > 2f + 2 (Krum)", f"f={f}, n={n}")
    m = n - f - 2
    d2 = _pairwise_sq(pts)
    if isinstance(d2, np.ndarray):
        np.fill_diagonal(d2, np.inf)
        return np.sort(d2, axis=1)[:, :m].sum(axis=1).tolist()
    return [sum(sorted(row[:i] + row[i + 1 :])[:m], Fraction(0)) for i, row in enumerate(d2)]


def krum(vectors: object, f: int) -> Aggregate:
    """Krum (Blanchard et al. 2017): the vector with the smallest sum of squared distances
    to its ``n - f - 2`` nearest neighbours (lowest index on ties).  Needs ``n > 2f + 2``."""
    pts = _parse(vectors)
    f = _check_f(f, pts.n)
    scores = _krum_scores(pts, f)
    best = min(range(pts.n), key=lambda i: (scores[i], i))
    return Aggregate(pts.wrap(list(pts.rows[best])), (best,))


def multi_krum(vectors: object, f: int, q: int | None = None) -> Aggregate:
    """MultiKrum: the mean of the ``q`` vectors with the lowest Krum scores (lower index
    first on ties); ``q`` defaults to ``n - f``."""
    pts = _parse(vectors)
    f = _check_f(f, pts.n)
    if q is None:
        q = pts.n - f
    if isinstance(q, (bool, np.bool_)) or not isinstance(q, numbers.Integral):
        raise ParameterError("q", "q is an integer", repr(q))
    if not 1 <= q <= pts.n:
        raise ParameterError("q", "1 <= q <= n", f"q={q}, n={pts.n}")
    scores = _krum_scores(pts, f)
    chosen = tuple(sorted(sorted(range(pts.n), key=lambda i: (scores[i], i))[: int(q)]))
    return Aggregate(pts.wrap(_average(pts, chosen)), chosen)
