"""The coordinate-wise median (exact in the input kind)."""

from __future__ import annotations

from boundkit.rules.aggregate import Aggregate
from boundkit.rules.points import _check_f, _columns_sorted, _mean_of, _parse


def coordinate_median(vectors: object, f: int) -> Aggregate:
    """Coordinate-wise median (the mean of the two middle values when ``n`` is even)."""
    pts = _parse(vectors)
    _check_f(f, pts.n)
    n = pts.n
    value = []
    for col in _columns_sorted(pts):
        value.append(col[n // 2] if n % 2 else _mean_of(col[n // 2 - 1 : n // 2 + 1], pts.kind))
    return Aggregate(pts.wrap(value), ())
