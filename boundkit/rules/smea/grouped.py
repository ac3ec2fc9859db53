"""SMEA on a grouped multiset ``{values[i] x counts[i]}`` without expanding it: the 1-D window
search over the groups, or enumeration of the count vectors in dimension ``d > 1``."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from fractions import Fraction

import numpy as np

from boundkit.rules.aggregate import GroupedAggregate
from boundkit.rules.enumeration import _chunks, _guard
from boundkit.rules.linear_algebra import _cov_lambda_in_kind, _exact_minimal, _norm2
from boundkit.rules.points import (
    Number,
    _check_counts,
    _check_f,
    _mean_to_kind,
    _parse,
    _Points,
    _to_kind,
    _weighted_total,
)
from boundkit.rules.smea.collinear import _collinear, _line_point
from boundkit.rules.smea.enumerate import _SCREEN_TOL, _screen, _screen_array
from boundkit.rules.smea.window_1d import _exact_window, _group_sorted, _Window1D


def _distribute(
    taken: Sequence[int], classes: Sequence[Sequence[int]], counts: Sequence[int], size: int
) -> tuple[int, ...]:
    """Per-input counts: each class's selection filled into its groups in input order."""
    out = [0] * size
    for t, groups in zip(taken, classes, strict=True):
        for g in groups:
            use = min(t, counts[g])
            out[g] = use
            t -= use
    return tuple(out)


def _grouped_window(
    keys: Sequence[Number], counts: Sequence[int], k: int
) -> tuple[tuple[int, ...], _Window1D, list[Number]]:
    """Exact 1-D grouped SMEA on the scalar ``keys`` (equal keys merged)."""
    distinct, classes = _group_sorted(list(keys))
    merged = [sum(counts[g] for g in cl) for cl in classes]
    win = _exact_window(distinct, merged, k)
    return _distribute(win.taken, classes, counts, len(keys)), win, distinct


def _count_vectors(caps: Sequence[int], total: int) -> Iterator[tuple[int, ...]]:
    """Vectors ``0 <= s_i <= caps_i`` with ``sum s = total``, lexicographically descending."""
    tail = [0, *itertools.accumulate(reversed(caps))][::-1]  # tail[i] = sum(caps[i:])

    def rec(i: int, remaining: int, prefix: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        if i == len(caps):
            if remaining == 0:
                yield prefix
            return
        for s in range(min(caps[i], remaining), max(0, remaining - tail[i + 1]) - 1, -1):
            yield from rec(i + 1, remaining - s, prefix + (s,))

    return rec(0, total, ())


def _number_of_count_vectors(caps: Sequence[int], total: int) -> int:
    ways = [1] + [0] * total
    for c in caps:
        prefix = [0, *itertools.accumulate(ways)]
        ways = [prefix[t + 1] - prefix[max(0, t - c)] for t in range(total + 1)]
    return ways[total]


def _pair_cov_batch(y: np.ndarray, s: np.ndarray, k: int) -> np.ndarray:
    """``Sigma`` from counts by the pairwise identity (docs/theory.md, section 1):
    ``k^2 Sigma = sum_{i<j} s_i s_j (y_i - y_j)(y_i - y_j)^T``."""
    kk, d = y.shape
    pairs = list(itertools.combinations(range(kk), 2))
    if not pairs:
        return np.zeros((len(s), d, d))
    i, j = np.array(pairs).T
    diff = y[i] - y[j]
    outer = (diff[:, :, None] * diff[:, None, :]).reshape(len(pairs), d * d)
    return ((s[:, i] * s[:, j]).astype(np.float64) @ outer).reshape(len(s), d, d) / (k * k)


def _pair_cov_exact(
    rows: Sequence[tuple[Fraction, ...]], s: Sequence[int], k: int
) -> tuple[tuple[Fraction, ...], ...]:
    d = len(rows[0])
    acc = [[Fraction(0)] * d for _ in range(d)]
    for i, j in itertools.combinations(range(len(rows)), 2):
        w = s[i] * s[j]
        if w:
            diff = [a - b for a, b in zip(rows[i], rows[j], strict=True)]
            for a in range(d):
                for b in range(d):
                    acc[a][b] += w * diff[a] * diff[b]
    return tuple(tuple(x / (k * k) for x in r) for r in acc)


def _grouped_enumerate(pts: _Points, counts: list[int], k: int) -> tuple[tuple[int, ...], Number]:
    """Grouped SMEA in d > 1 by enumerating count vectors: (counts selected, lambda)."""
    _guard(_number_of_count_vectors(counts, k), "count vectors")
    y = _screen_array(pts)
    blocks = _chunks(_count_vectors(counts, k), len(counts))
    kept = _screen(blocks, lambda s: _pair_cov_batch(y, s, k), _SCREEN_TOL * pts.d)
    rows = pts.fractions
    by_cov: dict[tuple[tuple[Fraction, ...], ...], list[tuple[int, tuple[int, ...]]]] = {}
    for r, s in kept:
        by_cov.setdefault(_pair_cov_exact(rows, s, k), []).append((r, s))
    covs = list(by_cov)
    winners = _exact_minimal(covs)
    tied = [rs for i in winners for rs in by_cov[covs[i]]]
    _, _, best = min((_weighted_total(rows, s), r, s) for r, s in tied)
    return best, _cov_lambda_in_kind(covs[winners[0]], pts.kind)


def smea_grouped(values: object, counts: Sequence[int], f: int) -> GroupedAggregate:
    """SMEA (Def. 2.3) on the multiset ``{values[i] x counts[i]}``, without expanding it.

    Same result and tie rule as ``smea(expand_groups(values, counts), f)``:
    ``selected_counts[i]`` is how many copies of ``values[i]`` the SMEA subset holds (the
    lowest-index copies of the expanded list).  1-D and collinear input: exact window
    search over the groups, ``O(K log K)`` for ``K`` groups.  Otherwise: enumeration of the
    count vectors ``0 <= s_i <= counts[i]``, ``sum s = n - f`` (``O(f^(K-1))``).
    """
    pts = _parse(values, "values")
    cnt = _check_counts(counts, pts.n)
    n = sum(cnt)
    f = _check_f(f, n)
    k = n - f
    kind = pts.kind
    if pts.d == 1:
        sel, win, _ = _grouped_window([r[0] for r in pts.rows], cnt, k)
        value = [_mean_to_kind(win.total, k, kind)]
        return GroupedAggregate(pts.wrap(value), sel, pts.scalar(_to_kind(win.variance, kind)))
    line = _collinear(pts.fractions)
    if line is not None:
        sel, win, _ = _grouped_window(line.t, cnt, k)
        value = [_mean_to_kind(k * c, k, kind) for c in _line_point(line, win.total / k)]
        lam = _to_kind(win.variance * _norm2(line.direction), kind)
        return GroupedAggregate(pts.wrap(value), sel, pts.scalar(lam))
    sel, lam = _grouped_enumerate(pts, cnt, k)
    totals = _weighted_total(pts.fractions, sel)
    value = [_mean_to_kind(t, k, kind) for t in totals]
    return GroupedAggregate(pts.wrap(value), sel, pts.scalar(lam))
