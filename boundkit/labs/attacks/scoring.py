"""Float screening: a vectorised, pessimistic SMEA on candidate layouts (module docstring
of :mod:`boundkit.labs.attacks`)."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

#: float screening tolerance on ``lambda_max`` (relative to the squared data scale)
_TIE = 1e-9
#: largest number of count vectors scored per float evaluation in d = 2
MAX_COUNT_VECTORS = 60_000


@functools.lru_cache(maxsize=4096)
def _count_vectors(counts: tuple[int, ...], removed: int) -> np.ndarray:
    """Every selected-count vector ``s`` (``0 <= s_i <= counts_i``, ``sum s = n - removed``)."""

    def rec(i: int, left: int) -> Iterator[tuple[int, ...]]:
        if i == len(counts) - 1:
            if left <= counts[i]:
                yield (left,)
            return
        for r in range(min(left, counts[i]) + 1):
            for tail in rec(i + 1, left - r):
                yield (r, *tail)

    drops = np.array(list(rec(0, removed)), dtype=np.int64).reshape(-1, len(counts))
    return np.asarray(counts, dtype=np.int64)[None, :] - drops


def count_vector_total(counts: Sequence[int], removed: int) -> int:
    """How many count vectors the 2-D float scoring enumerates (without building them)."""
    ways = [1] + [0] * removed
    for c in counts:
        nxt = [0] * (removed + 1)
        for total, w in enumerate(ways):
            if w:
                for r in range(min(c, removed - total) + 1):
                    nxt[total + r] += w
        ways = nxt
    return ways[removed]


def _candidates(scores: np.ndarray, means: np.ndarray, scale2: float) -> np.ndarray:
    """Means of the subsets whose score is within the tie tolerance of the minimum."""
    low = float(scores.min())
    near = scores <= low + _TIE * max(scale2, 1e-300) + 1e-15 * abs(low)
    return np.unique(np.round(means[near], 15), axis=0)


def _smea_float_1d(values: np.ndarray, counts: tuple[int, ...], f: int) -> np.ndarray:
    """Candidate SMEA outputs in 1-D: the ``f + 1`` contiguous windows.

    SMEA in one dimension: docs/theory.md, section 1.
    """
    x = np.sort(np.repeat(values[:, 0], counts))
    centre = x[len(x) // 2]
    scale = max(float(np.abs(x - centre).max()), 1e-300)
    y = (x - centre) / scale
    k = len(x) - f
    p1 = np.concatenate(([0.0], np.cumsum(y)))
    p2 = np.concatenate(([0.0], np.cumsum(y * y)))
    s1 = p1[k:] - p1[: f + 1]
    s2 = p2[k:] - p2[: f + 1]
    var = s2 / k - (s1 / k) ** 2
    means = (s1 / k * scale + centre)[:, None]
    return _candidates(var, means, 1.0)


def _smea_float_2d(values: np.ndarray, counts: tuple[int, ...], f: int) -> np.ndarray:
    """Candidate SMEA outputs in 2-D: every count vector, closed-form ``lambda_max``."""
    sel = _count_vectors(counts, f).astype(np.float64)
    centre = values.mean(axis=0)
    z = values - centre
    scale = max(float(np.abs(z).max()), 1e-300)
    z = z / scale
    k = float(sum(counts) - f)
    m = sel @ z / k
    sxx = sel @ (z[:, 0] ** 2) / k - m[:, 0] ** 2
    syy = sel @ (z[:, 1] ** 2) / k - m[:, 1] ** 2
    sxy = sel @ (z[:, 0] * z[:, 1]) / k - m[:, 0] * m[:, 1]
    lam = (sxx + syy) / 2 + np.sqrt(((sxx - syy) / 2) ** 2 + sxy**2)
    return _candidates(lam, m * scale + centre, 1.0)


def _smea_float(values: np.ndarray, counts: tuple[int, ...], f: int) -> np.ndarray:
    if values.shape[1] == 1:
        return _smea_float_1d(values, counts, f)
    return _smea_float_2d(values, counts, f)


# --------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class _Layout:
    """The discrete part of a candidate: group counts (the vectors are ``theta``).

    ``theta`` = honest vectors ``u_0..u_{k-1}``, the changed worker's run-2 vector ``w``,
    run-1 Byzantine vectors, run-2 Byzantine vectors, each ``d`` numbers.
    """

    d: int
    honest: tuple[int, ...]
    byzantine_1: tuple[int, ...]
    byzantine_2: tuple[int, ...]

    def split(self, theta: np.ndarray, lip: float) -> tuple[np.ndarray, ...]:
        """``(u, w, b1, b2)``; ``u`` and ``w`` projected onto the ``L``-ball."""
        rows = theta.reshape(-1, self.d)
        k, j1 = len(self.honest), len(self.byzantine_1)
        u, w = _project(rows[:k], lip), _project(rows[k : k + 1], lip)
        return u, w, rows[k + 1 : k + 1 + j1], rows[k + 1 + j1 :]

    def runs(self, theta: np.ndarray, lip: float) -> tuple[tuple[np.ndarray, tuple[int, ...]], ...]:
        """Both runs as ``(values, counts)`` (no empty group)."""
        u, w, b1, b2 = self.split(theta, lip)
        one = (np.vstack([u, b1]), self.honest + self.byzantine_1)
        c0 = self.honest[0] - 1
        head = [u[:1]] if c0 else []
        values_2 = np.vstack([*head, w, u[1:], b2])
        counts_2 = ((c0,) if c0 else ()) + (1,) + self.honest[1:] + self.byzantine_2
        return one, (values_2, counts_2)

    def cost(self, f: int) -> int:
        """Count vectors per evaluation (2-D scoring)."""
        c0 = self.honest[0] - 1
        counts = ((c0,) if c0 else ()) + (1,) + self.honest[1:] + self.byzantine_2
        return max(
            count_vector_total(self.honest + self.byzantine_1, f), count_vector_total(counts, f)
        )


def _project(rows: np.ndarray, lip: float) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows * np.minimum(1.0, lip / np.maximum(norms, 1e-300))


def float_divergence(layout: _Layout, theta: np.ndarray, f: int, lip: float) -> float:
    """Pessimistic float divergence: the smallest over near-tied SMEA choices."""
    (v1, c1), (v2, c2) = layout.runs(theta, lip)
    out1, out2 = _smea_float(v1, c1, f), _smea_float(v2, c2, f)
    gaps = np.linalg.norm(out1[:, None, :] - out2[None, :, :], axis=2)
    return float(gaps.min())


@dataclass(frozen=True)
class _Candidate:
    value: float
    layout: _Layout
    theta: np.ndarray = field(compare=False)
    family: str = ""
