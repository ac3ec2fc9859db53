"""SMEA in dimension ``d > 1`` by enumeration of the ``(n - f)``-subsets: a batched float
screen of ``lambda_max`` (with Rayleigh-quotient pruning), then exact re-ranking of the
near-minimal subsets (:mod:`boundkit.rules.linear_algebra`)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from fractions import Fraction

import numpy as np

from boundkit.rules.enumeration import _chunks, _guard
from boundkit.rules.linear_algebra import _cov_lambda_in_kind, _exact_minimal, covariance_exact
from boundkit.rules.points import Number, _fraction_mean, _Points

#: Float screening tolerance for exact input, relative to the rescaled data.
_SCREEN_TOL = 1e-9
#: Batched power steps giving the Rayleigh-quotient lower bounds that skip ``eigvalsh``.
_POWER_STEPS = 3
#: Rows decomposed first, to set the pruning threshold.
_PROBES = 16


def _screen_array(pts: _Points) -> np.ndarray:
    """float64 points centred and scaled to ``|x| <= 1`` (ordering of lambda_max kept)."""
    if pts.kind == "float":
        a = pts.array
        y = a - np.median(a, axis=0)
        m = float(np.max(np.abs(y)))
        return np.ldexp(y, -math.frexp(m)[1]) if m > 0 else y
    rows = pts.fractions
    origin = rows[0]
    scale = max(abs(x - o) for r in rows for x, o in zip(r, origin, strict=True))
    if scale == 0:
        return np.zeros((pts.n, pts.d))
    return np.array(
        [[float((x - o) / scale) for x, o in zip(r, origin, strict=True)] for r in rows],
        dtype=np.float64,
    )


def _subset_matrices(y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``Sigma_S`` for every row ``S`` of ``idx``, or the centred ``k x k`` Gram matrix
    ``C C^T / k`` when ``k < d`` (same nonzero eigenvalues).

    ``Sigma_S = (1/k) sum x x^T - mu mu^T`` through one GEMM of the 0/1 membership matrix
    with the flattened outer products; the Gram matrix is gathered from ``y y^T`` and
    double-centred.  (Float screening only: ``y`` is centred and scaled to ``|y| <= 1``.)
    """
    b, k = idx.shape
    n, d = y.shape
    if k < d:
        g = (y @ y.T)[idx[:, :, None], idx[:, None, :]]
        r = g.mean(axis=2)
        return (g - r[:, :, None] - r[:, None, :] + r.mean(axis=1)[:, None, None]) / k
    member = np.zeros((b, n))
    member[np.arange(b)[:, None], idx] = 1.0
    mu = member @ y / k
    second = member @ (y[:, :, None] * y[:, None, :]).reshape(n, d * d) / k
    return second.reshape(b, d, d) - mu[:, :, None] * mu[:, None, :]


def _lambda_pruned(mats: np.ndarray, threshold: float, tol: float) -> np.ndarray:
    """``lambda_max`` of each symmetric PSD matrix, batched ``eigvalsh``.

    Rows whose Rayleigh-quotient lower bound (a few batched power steps from the column of
    largest diagonal) exceeds ``threshold`` (or ``tol`` plus the least ``lambda_max`` of the
    ``_PROBES`` rows with the smallest bounds) are
    not decomposed: they get that lower bound, which already rules them out.
    """
    b = len(mats)
    v = mats[np.arange(b), :, np.argmax(np.einsum("bii->bi", mats), axis=1)]
    for _ in range(_POWER_STEPS):
        norm = np.linalg.norm(v, axis=1, keepdims=True)
        v = np.matmul(mats, (v / np.where(norm > 0, norm, 1.0))[:, :, None])[:, :, 0]
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    v = v / np.where(norm > 0, norm, 1.0)
    out = np.einsum("bi,bi->b", v, np.matmul(mats, v[:, :, None])[:, :, 0])
    probe = np.argsort(out)[:_PROBES]
    threshold = min(threshold, float(np.linalg.eigvalsh(mats[probe])[:, -1].min()) + tol)
    need = np.flatnonzero(out <= threshold)
    out[need] = np.linalg.eigvalsh(mats[need])[:, -1]
    return out


def _screen(
    blocks: Iterable[np.ndarray], matrices: Callable[[np.ndarray], np.ndarray], tol: float
) -> list[tuple[int, tuple[int, ...]]]:
    """Rows (rank, row) whose ``lambda_max`` is within ``tol`` of the minimum (float)."""
    best = math.inf
    kept: list[tuple[float, int, tuple[int, ...]]] = []
    rank = 0
    for block in blocks:
        lam = _lambda_pruned(matrices(block), best + tol, tol)
        best = min(best, float(lam.min()))
        for j in np.flatnonzero(lam <= best + tol).tolist():
            kept.append((float(lam[j]), rank + j, tuple(block[j].tolist())))
        kept = [c for c in kept if c[0] <= best + tol]
        rank += len(block)
    return [(r, row) for _, r, row in kept]


def _smea_enumerate(pts: _Points, f: int) -> tuple[tuple[int, ...], Number]:
    """SMEA subset by exact enumeration (d > 1): (selected, lambda_max in kind)."""
    n, k = pts.n, pts.n - f
    _guard(math.comb(n, k), "subsets")
    y = _screen_array(pts)
    blocks = _chunks(itertools.combinations(range(n), k), k)
    kept = _screen(blocks, lambda idx: _subset_matrices(y, idx), _SCREEN_TOL * pts.d)
    rows = pts.fractions
    by_cov: dict[tuple[tuple[Fraction, ...], ...], list[tuple[int, tuple[int, ...]]]] = {}
    for r, s in kept:
        by_cov.setdefault(covariance_exact([rows[i] for i in s]), []).append((r, s))
    covs = list(by_cov)
    winners = _exact_minimal(covs)
    tied = [rs for i in winners for rs in by_cov[covs[i]]]
    _, _, best = min((_fraction_mean(rows, s), r, s) for r, s in tied)
    return best, _cov_lambda_in_kind(covs[winners[0]], pts.kind)
