"""The mean of all inputs, plain and grouped (exact in the input kind; float means are
``math.fsum`` divided by the count)."""

from __future__ import annotations

from collections.abc import Sequence

from boundkit.rules.aggregate import Aggregate, GroupedAggregate
from boundkit.rules.points import (
    _average,
    _check_counts,
    _check_f,
    _mean_to_kind,
    _parse,
    _weighted_total,
)


def mean(vectors: object, f: int = 0) -> Aggregate:
    """Arithmetic mean of all ``n`` vectors (``f`` is only validated)."""
    pts = _parse(vectors)
    _check_f(f, pts.n)
    idx = tuple(range(pts.n))
    return Aggregate(pts.wrap(_average(pts, idx)), idx)


def mean_grouped(values: object, counts: Sequence[int], f: int = 0) -> GroupedAggregate:
    """Mean of the multiset ``{values[i] x counts[i]}``; same value as ``mean`` expanded."""
    pts = _parse(values, "values")
    cnt = _check_counts(counts, pts.n)
    n = sum(cnt)
    _check_f(f, n)
    value = [_mean_to_kind(t, n, pts.kind) for t in _weighted_total(pts.fractions, cnt)]
    return GroupedAggregate(pts.wrap(value), tuple(cnt))
