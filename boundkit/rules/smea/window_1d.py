"""SMEA in dimension 1: the least-variance window of ``n - f`` sorted values, exactly.

The exact search scores only the windows that start at a group start or end at a group end
(see :mod:`boundkit.rules.smea.rule`); large float64 inputs with mostly distinct values are
screened in ``numpy.longdouble`` with a rigorous error bound and re-scored exactly."""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from boundkit.rules.points import Kind, Number, _mean_to_kind, _scaled_ints, _to_kind

#: Above this size, 1-D float data with mostly distinct values uses the numpy path.
_NUMPY_1D_MIN = 2_000

_WIDE = np.longdouble if np.finfo(np.longdouble).eps < np.finfo(np.float64).eps else np.float64


def _offsets(counts: Sequence[int]) -> list[int]:
    return [0, *itertools.accumulate(counts)][:-1]


def _best_window(ints: Sequence[int], counts: Sequence[int], k: int) -> tuple[int, int, int]:
    """Least-variance window of ``k`` in the sorted multiset ``{ints[g] x counts[g]}``.

    ``ints`` strictly increasing.  Returns ``(start, key, total)`` with
    ``key = k * sum(x^2) - (sum x)^2 = k^2 Var`` and ``total = sum x`` over the window;
    among windows with equal ``key`` the lowest start (the smallest mean) wins.  Only group
    boundaries are scored: between them ``key`` is a concave quadratic in the start, so
    the minimum (and the lowest minimiser) sits at a boundary (module docstring).
    """
    offsets = _offsets(counts)
    n = offsets[-1] + counts[-1]
    f = n - k
    s1 = [0, *itertools.accumulate(c * x for c, x in zip(counts, ints, strict=True))]
    s2 = [0, *itertools.accumulate(c * x * x for c, x in zip(counts, ints, strict=True))]

    def prefix(p: int) -> tuple[int, int]:
        g = bisect.bisect_right(offsets, p) - 1
        r = p - offsets[g]
        x = ints[g]
        return s1[g] + r * x, s2[g] + r * x * x

    starts = {0, f}
    for o, c in zip(offsets, counts, strict=True):
        if o <= f:
            starts.add(o)
        if 0 <= o + c - k <= f:
            starts.add(o + c - k)
    best: tuple[int, int, int] | None = None
    for p in sorted(starts):
        a1, a2 = prefix(p)
        b1, b2 = prefix(p + k)
        total = b1 - a1
        key = k * (b2 - a2) - total * total
        if best is None or key < best[1]:
            best = (p, key, total)
    assert best is not None
    return best


def _window_counts(counts: Sequence[int], start: int, k: int) -> list[int]:
    """How many of each group the window ``[start, start + k)`` covers."""
    out = []
    for o, c in zip(_offsets(counts), counts, strict=True):
        out.append(max(0, min(o + c, start + k) - max(o, start)))
    return out


@dataclass(frozen=True)
class _Window1D:
    """A chosen 1-D window: per distinct value, how many copies; exact sum and key."""

    taken: list[int]
    total: Fraction  # exact sum of the window
    variance: Fraction  # exact variance of the window


def _exact_window(values: Sequence[object], counts: Sequence[int], k: int) -> _Window1D:
    """Exact SMEA window over distinct sorted ``values`` (any exact-convertible kind)."""
    ints, den = _scaled_ints(values)
    start, key, total = _best_window(ints, counts, k)
    return _Window1D(
        taken=_window_counts(counts, start, k),
        total=Fraction(total, den),
        variance=Fraction(key, k * k * den * den),
    )


def _group_sorted(values: Sequence[Number]) -> tuple[list[Number], list[list[int]]]:
    """Distinct values ascending and, for each, its indices ascending."""
    order = sorted(range(len(values)), key=values.__getitem__)
    distinct: list[Number] = []
    members: list[list[int]] = []
    for i in order:
        if distinct and values[i] == distinct[-1]:
            members[-1].append(i)
        else:
            distinct.append(values[i])
            members.append([i])
    return distinct, members


def _window_keys_float(v: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Approximate ``k^2 Var`` of every window of sorted ``v`` and a rigorous error bound.

    Prefix sums of the data centred on its median and scaled by a power of two, in
    ``numpy.longdouble`` where it is wider than float64.  Keys are in the scaled units.
    """
    n = v.size
    f = n - k
    y = v.astype(_WIDE) - _WIDE(v[n // 2])
    amax = np.max(np.abs(y))
    if amax == 0:
        return np.zeros(f + 1, dtype=_WIDE), np.zeros(f + 1, dtype=_WIDE)
    y = np.ldexp(y, -int(np.frexp(amax)[1]))
    zero = np.zeros(1, dtype=_WIDE)
    p1 = np.concatenate((zero, np.cumsum(y)))
    a1 = np.concatenate((zero, np.cumsum(np.abs(y))))
    p2 = np.concatenate((zero, np.cumsum(y * y)))
    s = p1[k:] - p1[: f + 1]
    q = p2[k:] - p2[: f + 1]
    key = k * q - s * s
    u = np.finfo(_WIDE).eps / 2
    e_s = (n + 2) * u * (a1[k:] + a1[: f + 1])
    e_q = (n + 4) * u * (p2[k:] + p2[: f + 1])
    tiny = 4 * n * k * np.finfo(_WIDE).smallest_subnormal
    err = 2 * (k * e_q + 2 * np.abs(s) * e_s + e_s * e_s + 4 * u * (k * q + s * s)) + tiny
    return key, err


def _float_window_start(v: np.ndarray, k: int) -> int:
    """Exact lowest-start least-variance window of sorted float64 ``v`` (numpy path)."""
    key, err = _window_keys_float(v, k)
    candidates = np.flatnonzero(key - err <= np.min(key + err))
    if candidates.size == 1:
        return int(candidates[0])
    lo, hi = int(candidates[0]), int(candidates[-1]) + k
    ints, _ = _scaled_ints(v[lo:hi].tolist())
    s1 = [0, *itertools.accumulate(ints)]
    s2 = [0, *itertools.accumulate(x * x for x in ints)]
    best: tuple[int, int] | None = None
    for p in candidates.tolist():
        a, b = p - lo, p - lo + k
        total = s1[b] - s1[a]
        exact = k * (s2[b] - s2[a]) - total * total
        if best is None or exact < best[0]:
            best = (exact, p)
    assert best is not None
    return best[1]


def _lowest_index_positions(v: np.ndarray, start: int, k: int) -> np.ndarray:
    """Sorted positions holding the window's multiset with each value's lowest copies."""
    end = start + k
    a = v[start]
    first_a = int(np.searchsorted(v, a, side="left"))
    stop_a = min(int(np.searchsorted(v, a, side="right")), end)
    return np.concatenate((np.arange(first_a, first_a + stop_a - start), np.arange(stop_a, end)))


def _smea_1d_float(x: np.ndarray, f: int) -> tuple[tuple[int, ...], float, float]:
    """1-D SMEA of float64 data: (selected, mean, variance)."""
    n = x.size
    k = n - f
    order = np.argsort(x, kind="stable")
    v = x[order]
    distinct = 1 + int(np.count_nonzero(v[1:] != v[:-1]))
    if n < _NUMPY_1D_MIN or 4 * distinct <= n:
        uniq, first, counts = np.unique(v, return_index=True, return_counts=True)
        win = _exact_window(uniq.tolist(), counts.tolist(), k)
        positions = np.concatenate(
            [np.arange(s, s + t) for s, t in zip(first.tolist(), win.taken, strict=True) if t]
        )
        value = _mean_to_kind(win.total, k, "float")
        variance = _to_kind(win.variance, "float")
    else:
        start = _float_window_start(v, k)
        positions = _lowest_index_positions(v, start, k)
        window = v[start : start + k]
        value = math.fsum(window.tolist()) / k
        variance = float(np.var(window))
    selected = tuple(sorted(order[positions].tolist()))
    return selected, value, variance


def _smea_1d_exact(
    values: Sequence[Number], f: int, kind: Kind
) -> tuple[tuple[int, ...], Number, Number]:
    """1-D SMEA of exact or mpf data: (selected, mean, variance) in ``kind``."""
    k = len(values) - f
    distinct, members = _group_sorted(values)
    win = _exact_window(distinct, [len(m) for m in members], k)
    selected = sorted(i for m, t in zip(members, win.taken, strict=True) for i in m[:t])
    return tuple(selected), _mean_to_kind(win.total, k, kind), _to_kind(win.variance, kind)
