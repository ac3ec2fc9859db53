"""Krum and MultiKrum (Blanchard et al. 2017), with a choice of how many neighbours are scored.

Score ties are broken by the lower index.  Comparisons are exact for exact and ``mpf`` input
(squared distances in Fractions); Krum scores of float input are compared as float64 sums.

Neighbour conventions (``krum_neighbours``)
    ``"blanchard"`` (default): each vector is scored on its ``n - f - 2`` nearest
    neighbours, as in Blanchard et al. (NeurIPS 2017, Sec. 4), which needs ``n > 2f + 2``.
    ``"byzfl"``: ``n - f - 1`` neighbours, what ByzFL 0.0.11 computes
    (``byzfl.aggregators.aggregators.Krum`` and ``MultiKrum``: the squared distances of each
    row sorted, columns ``1 .. n - f - 1`` kept, i.e. the row's own zero dropped), which
    needs only ``n > 2f``.  An integer ``m`` scores ``m`` neighbours (``1 <= m <= n - 1``).
    ByzFL averages the kept distances instead of summing them (same order, same argmin) and
    computes them in float64 as squared Euclidean distances (square root, then square), so
    on float input whose scores tie to within rounding its choice can differ from the exact
    one here.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

import numpy as np

from boundkit.errors import ParameterError
from boundkit.rules.aggregate import Aggregate
from boundkit.rules.linear_algebra import _norm2
from boundkit.rules.points import Number, _average, _check_f, _parse, _Points, is_integer

#: ``"blanchard"`` (``n - f - 2`` neighbours), ``"byzfl"`` (``n - f - 1``) or a count.
KrumNeighbours = Literal["blanchard", "byzfl"] | int
NEIGHBOUR_CONVENTIONS = ("blanchard", "byzfl")


def neighbour_count(krum_neighbours: object, n: int, f: int) -> int:
    """The number of nearest neighbours each Krum score sums over (validated).

    ``"blanchard"``: ``n - f - 2`` (Blanchard et al. 2017), needs ``n > 2f + 2``;
    ``"byzfl"``: ``n - f - 1`` (ByzFL 0.0.11), needs ``n > 2f`` (already checked with
    ``f``); an integer ``m`` with ``1 <= m <= n - 1``.
    """
    if isinstance(krum_neighbours, str):
        if krum_neighbours == "blanchard":
            if n <= 2 * f + 2:
                raise ParameterError("f", "n > 2f + 2 (Krum)", f"f={f}, n={n}")
            return n - f - 2
        if krum_neighbours == "byzfl":
            return n - f - 1
    elif is_integer(krum_neighbours):
        if not 1 <= krum_neighbours <= n - 1:
            raise ParameterError(
                "krum_neighbours", "1 <= krum_neighbours <= n - 1", f"{krum_neighbours}, n={n}"
            )
        return int(krum_neighbours)
    raise ParameterError(
        "krum_neighbours", "'blanchard', 'byzfl' or an integer", repr(krum_neighbours)
    )


def _pairwise_sq(pts: _Points) -> np.ndarray | list[list[Fraction]]:
    """Squared distances: float64 matrix for float input (Krum ties are then decided on
    float64 values), exact Fractions for exact and mpf input."""
    if pts.kind == "float":
        a = pts.array
        diff = a[:, None, :] - a[None, :, :]
        return np.einsum("ijk,ijk->ij", diff, diff)
    rows = pts.fractions
    return [[_norm2([x - y for x, y in zip(r, s, strict=True)]) for s in rows] for r in rows]


def _krum_scores(pts: _Points, f: int, krum_neighbours: object) -> list[Number]:
    m = neighbour_count(krum_neighbours, pts.n, f)
    d2 = _pairwise_sq(pts)
    if isinstance(d2, np.ndarray):
        np.fill_diagonal(d2, np.inf)
        return np.sort(d2, axis=1)[:, :m].sum(axis=1).tolist()
    return [sum(sorted(row[:i] + row[i + 1 :])[:m], Fraction(0)) for i, row in enumerate(d2)]


def krum(vectors: object, f: int, krum_neighbours: KrumNeighbours = "blanchard") -> Aggregate:
    """Krum (Blanchard et al. 2017): the vector with the smallest sum of squared distances
    to its nearest neighbours (lowest index on ties).

    ``krum_neighbours`` (module docstring): ``"blanchard"`` (default) sums over
    ``n - f - 2`` neighbours and needs ``n > 2f + 2``; ``"byzfl"`` sums over ``n - f - 1``,
    as ByzFL 0.0.11 does, and needs ``n > 2f``; an integer sets the count.
    """
    pts = _parse(vectors)
    f = _check_f(f, pts.n)
    scores = _krum_scores(pts, f, krum_neighbours)
    best = min(range(pts.n), key=lambda i: (scores[i], i))
    return Aggregate(pts.wrap(list(pts.rows[best])), (best,))


def multi_krum(
    vectors: object,
    f: int,
    q: int | None = None,
    krum_neighbours: KrumNeighbours = "blanchard",
) -> Aggregate:
    """MultiKrum: the mean of the ``q`` vectors with the lowest Krum scores (lower index
    first on ties); ``q`` defaults to ``n - f``.

    ``krum_neighbours`` as in :func:`krum`.  ByzFL 0.0.11's ``MultiKrum`` is
    ``krum_neighbours="byzfl"`` with the default ``q = n - f`` (its ties are broken by
    ``numpy.argpartition``, in no documented order).
    """
    pts = _parse(vectors)
    f = _check_f(f, pts.n)
    if q is None:
        q = pts.n - f
    if not is_integer(q):
        raise ParameterError("q", "q is an integer", repr(q))
    if not 1 <= q <= pts.n:
        raise ParameterError("q", "1 <= q <= n", f"q={q}, n={pts.n}")
    scores = _krum_scores(pts, f, krum_neighbours)
    chosen = tuple(sorted(sorted(range(pts.n), key=lambda i: (scores[i], i))[: int(q)]))
    return Aggregate(pts.wrap(_average(pts, chosen)), chosen)
