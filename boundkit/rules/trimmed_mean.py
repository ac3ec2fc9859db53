"""The coordinate-wise trimmed mean (exact in the input kind; float means are ``math.fsum``
divided by the count)."""

from __future__ import annotations

import math

import numpy as np

from boundkit.rules.aggregate import Aggregate
from boundkit.rules.points import _check_f, _columns_sorted, _mean_of, _parse


def trimmed_mean(vectors: object, f: int) -> Aggregate:
    """Coordinate-wise trimmed mean: per coordinate drop the ``f`` largest and ``f`` smallest
    values and average the other ``n - 2f``."""
    pts = _parse(vectors)
    f = _check_f(f, pts.n)
    if pts.kind == "float":
        kept = np.sort(pts.array, axis=0)[f : pts.n - f]
        value = [math.fsum(kept[:, j].tolist()) / len(kept) for j in range(pts.d)]
    else:
        value = [_mean_of(col[f : pts.n - f], pts.kind) for col in _columns_sorted(pts)]
    return Aggregate(pts.wrap(value), ())
