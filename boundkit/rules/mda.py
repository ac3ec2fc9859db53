"""MDA, minimum-diameter averaging (El Mhamdi et al. 2018).

Ties are broken by the lexicographically smallest index tuple; diameters are compared exactly
for every kind.  ``Aggregate.score`` is the diameter (for exact input a Fraction when it is
rational, else an exact ``sympy`` square root)."""

from __future__ import annotations

import bisect
import itertools
import math
from fractions import Fraction

import mpmath
import numpy as np
import sympy

from boundkit.rules.aggregate import Aggregate
from boundkit.rules.enumeration import _chunks, _guard
from boundkit.rules.linear_algebra import _norm2, _sym_rational
from boundkit.rules.points import (
    Kind,
    Number,
    _average,
    _check_f,
    _mpf_from_fraction,
    _parse,
    _Points,
    _to_kind,
)


def _sqrt_in_kind(x: Number, kind: Kind) -> Number:
    if kind == "float":
        return math.sqrt(x.numerator / x.denominator)
    if kind == "mp":
        return mpmath.sqrt(_mpf_from_fraction(x))
    a, b = math.isqrt(x.numerator), math.isqrt(x.denominator)
    if a * a == x.numerator and b * b == x.denominator:
        return Fraction(a, b)
    return sympy.sqrt(_sym_rational(x))


def _mda_1d(pts: _Points, k: int) -> tuple[tuple[int, ...], Number]:
    """1-D MDA: smallest range r*, then the lexicographically smallest index tuple among
    the k-subsets inside some interval [a, a + r*]."""
    vals = [r[0] for r in pts.fractions]
    order = sorted(range(pts.n), key=vals.__getitem__)
    v = [vals[i] for i in order]
    ranges = [v[p + k - 1] - v[p] for p in range(pts.n - k + 1)]
    r_star = min(ranges)
    best: tuple[int, ...] | None = None
    for a in sorted({v[p] for p, r in enumerate(ranges) if r == r_star}):
        lo = bisect.bisect_left(v, a)
        hi = bisect.bisect_right(v, a + r_star)
        cand = tuple(sorted(order[lo:hi])[:k])
        if best is None or cand < best:
            best = cand
    assert best is not None
    return best, r_star


def _mda_enumerate(pts: _Points, k: int) -> tuple[tuple[int, ...], Number]:
    _guard(math.comb(pts.n, k), "subsets")
    rows = pts.fractions
    flat = [_norm2([x - y for x, y in zip(r, s, strict=True)]) for r in rows for s in rows]
    levels = sorted(set(flat))
    rank_of = {x: i for i, x in enumerate(levels)}
    ranks = np.array([rank_of[x] for x in flat], dtype=np.int64).reshape(pts.n, pts.n)
    best_rank, best = None, None
    for idx in _chunks(itertools.combinations(range(pts.n), k), k):
        diam = ranks[idx[:, :, None], idx[:, None, :]].max(axis=(1, 2))
        j = int(np.argmin(diam))
        if best_rank is None or diam[j] < best_rank:
            best_rank, best = int(diam[j]), tuple(idx[j].tolist())
    assert best is not None and best_rank is not None
    return best, levels[best_rank]


def mda(vectors: object, f: int) -> Aggregate:
    """MDA, minimum-diameter averaging (El Mhamdi et al. 2018): the mean of the
    ``(n - f)``-subset of smallest diameter (lexicographically smallest index tuple on
    ties).  ``score`` is the diameter (exact input: a Fraction or an exact sympy root).
    Diameters are compared exactly for every kind (squared distances in Fractions)."""
    pts = _parse(vectors)
    f = _check_f(f, pts.n)
    k = pts.n - f
    if pts.d == 1:
        best, diameter = _mda_1d(pts, k)
        score = _to_kind(diameter, pts.kind)
    else:
        best, d2 = _mda_enumerate(pts, k)
        score = _sqrt_in_kind(d2, pts.kind)
    return Aggregate(pts.wrap(_average(pts, best)), best, pts.scalar(score))
