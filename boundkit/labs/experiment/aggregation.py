"""Vectorised float64 aggregation rules over a batch of runs: the experiment's speed path.

Each rule maps ``vectors`` ``(B, n, d)`` (``B`` coupled runs, ``n`` workers) and ``f`` to a
:class:`Batched` result: the aggregates ``(B, d)`` and, for the rules that select workers
(SMEA, MDA, Krum), the boolean mask ``(B, n)`` of the selected ones.  They implement the
definitions of :mod:`boundkit.rules` with the same tie rules where a tie can matter in
float input (first subset in lexicographic order for MDA, lowest index for Krum; for SMEA
the first least-``lambda_max`` subset in lexicographic order, which equals the exact
rule's choice whenever the float ``lambda_max`` values are distinct):
``tests/labs/test_experiment.py`` checks them against the exact rules.

* ``smea`` (paper, Def. 2.3): mean of the ``(n - f)``-subset with the smallest
  ``lambda_max`` of its covariance, by enumeration of the ``C(n, f)`` subsets, with batched
  ``eigvalsh`` on the ``k x k`` centred Gram matrices (``k = n - f``, when ``k <= d``) or the
  ``d x d`` covariances.
* ``cwtm``: coordinate-wise trimmed mean (drop ``f`` largest and ``f`` smallest).
* ``median``: coordinate-wise median.
* ``krum`` (Blanchard et al. 2017): the vector with the smallest sum of squared distances to
  its ``n - f - 2`` nearest neighbours; needs ``n > 2f + 2``.
* ``mda`` (El Mhamdi et al. 2018): mean of the ``(n - f)``-subset of smallest diameter.
* ``gm``: geometric median by Weiszfeld's iteration with the Vardi-Zhang step, as
  :func:`boundkit.rules.geometric_median`, batched (each run stops on its own criterion).
* ``mean``: the plain average (no robustness; the ``f = 0`` reference).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from boundkit.errors import ParameterError

RULE_NAMES = ("smea", "cwtm", "median", "krum", "mda", "gm")
#: Rules that enumerate subsets: their ``C(n, f)`` is capped (memory and time).
ENUMERATING = ("smea", "mda")
MAX_SUBSETS = 10_000


@dataclass(frozen=True)
class Batched:
    """Aggregates ``value`` ``(B, d)``; ``selected`` ``(B, n)`` for selecting rules."""

    value: np.ndarray
    selected: np.ndarray | None = None


@lru_cache(maxsize=64)
def subsets(n: int, k: int) -> np.ndarray:
    """All ``k``-subsets of ``range(n)`` in lexicographic order, ``(C(n, k), k)``."""
    if math.comb(n, k) > MAX_SUBSETS:
        raise ParameterError("n, f", f"C(n, f) <= {MAX_SUBSETS} (SMEA, MDA)", math.comb(n, k))
    return np.array(list(itertools.combinations(range(n), k)), dtype=np.intp).reshape(-1, k)


def _mask(index_rows: np.ndarray, n: int) -> np.ndarray:
    mask = np.zeros((index_rows.shape[0], n), dtype=bool)
    np.put_along_axis(mask, index_rows, True, axis=1)
    return mask


def _subset_mean(vectors: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    picked = np.take_along_axis(vectors, chosen[:, :, None], axis=1)
    return picked.mean(axis=1)


def largest_eigenvalues(vectors: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``lambda_max(Sigma_S)`` for every run and every subset ``S`` (rows of ``index``):
    ``(B, C)``.  Uses the centred ``k x k`` Gram matrix when ``k <= d`` (same nonzero
    eigenvalues as the ``d x d`` covariance, over ``k``)."""
    batch, _, d = vectors.shape
    k = index.shape[1]
    if k <= d:
        gram = np.einsum("bid,bjd->bij", vectors, vectors)
        sub = gram[:, index[:, :, None], index[:, None, :]]  # (B, C, k, k)
        row = sub.mean(axis=3, keepdims=True)
        col = sub.mean(axis=2, keepdims=True)
        total = sub.mean(axis=(2, 3), keepdims=True)
        centred = sub - row - col + total
    else:
        pts = vectors[:, index, :]  # (B, C, k, d)
        pts = pts - pts.mean(axis=2, keepdims=True)
        centred = np.einsum("bcki,bckj->bcij", pts, pts)
    return np.linalg.eigvalsh(centred)[..., -1] / k


def smea(vectors: np.ndarray, f: int) -> Batched:
    """SMEA, batched (module docstring).  When the last ``f`` rows are one vector repeated
    in every run (every attack here sends one vector ``f`` times), the subsets are scored
    on the grouped input (:func:`smea_copies`): the same choice, fewer subsets."""
    n = vectors.shape[1]
    if f == 0:
        return Batched(vectors.mean(axis=1), np.ones(vectors.shape[:2], dtype=bool))
    tail = vectors[:, n - f :]
    if f > 1 and np.array_equal(tail, np.broadcast_to(tail[:, :1], tail.shape)):
        return smea_copies(vectors[:, : n - f], tail[:, 0], f)
    index = subsets(n, n - f)
    best = np.argmin(largest_eigenvalues(vectors, index), axis=1)
    chosen = index[best]
    return Batched(_subset_mean(vectors, chosen), _mask(chosen, n))


def smea_copies(honest: np.ndarray, point: np.ndarray, f: int) -> Batched:
    """SMEA on ``honest`` ``(B, h, d)`` plus ``f`` copies of ``point`` ``(B, d)`` (rows
    ``h .. h + f - 1`` of the expanded input), on the grouped input: a subset is ``c``
    copies and ``h - c`` honest vectors, so only ``sum_c C(h, c)`` subsets are scored,
    each by the eigenvalues of its weighted ``(h - c + 1)``-point centred Gram matrix
    (weights 1 and ``c``; same nonzero eigenvalues as the covariance).  The selected
    copies are the lowest-index ones (boundkit's tie rule 3); between subsets with
    float-equal ``lambda_max`` the one with fewer copies wins (such ties have probability
    zero on float data; the tests compare with :func:`smea` on the expanded input)."""
    batch, h, _ = honest.shape
    pts = np.concatenate([honest, point[:, None, :]], axis=1)  # (B, h + 1, d)
    gram = np.einsum("bid,bjd->bij", pts, pts)
    offset = point - honest.mean(axis=1)
    norm = np.linalg.norm(offset, axis=1, keepdims=True)
    w = np.where(norm > 0, offset / np.where(norm > 0, norm, 1.0), 0.0)
    proj = np.einsum("bid,bd->bi", pts, w)  # Rayleigh direction: towards the copies
    best = np.full(batch, np.inf)
    best_c = np.zeros(batch, dtype=int)
    best_rows = np.zeros((batch, h), dtype=bool)
    for c in range(0, f + 1):
        rows = subsets(h, h - c)  # honest parts, (S, h - c)
        weights = np.concatenate([np.ones(h - c), [float(c)]])
        index = np.concatenate([rows, np.full((len(rows), 1), h)], axis=1)  # + the copy
        lam = np.full((batch, len(rows)), np.inf)
        # lower bound: the weighted variance of the projections (a Rayleigh quotient)
        p = proj[:, index]  # (B, S, q)
        lower = (p**2 @ weights) / h - ((p @ weights) / h) ** 2
        run, sub_id = np.nonzero(lower <= best[:, None] * (1 + 1e-9))
        if len(run):
            idx = index[sub_id]
            sub = gram[run[:, None, None], idx[:, :, None], idx[:, None, :]]  # (M, q, q)
            gw = sub @ weights / h
            total = (gw @ weights / h)[:, None, None]
            centred = sub - gw[:, :, None] - gw[:, None, :] + total
            root = np.sqrt(weights)
            lam[run, sub_id] = np.linalg.eigvalsh(centred * root[:, None] * root / h)[:, -1]
        where = np.argmin(lam, axis=1)
        value = lam[np.arange(batch), where]
        better = value < best
        best = np.where(better, value, best)
        best_c = np.where(better, c, best_c)
        best_rows = np.where(better[:, None], _mask(rows[where], h), best_rows)
    k = h  # n - f
    total = np.einsum("bh,bhd->bd", best_rows.astype(float), honest) + best_c[:, None] * point
    selected = np.concatenate([best_rows, np.arange(f)[None, :] < best_c[:, None]], axis=1)
    return Batched(total / k, selected)


def smea_keeps_copies(honest: np.ndarray, point: np.ndarray, f: int) -> np.ndarray:
    """Per run: does SMEA select all ``f`` copies of ``point`` (:func:`smea_copies`)?"""
    selected = smea_copies(honest, point, f).selected
    assert selected is not None
    return selected[:, honest.shape[1] :].all(axis=1)


def _pairwise_squared(vectors: np.ndarray) -> np.ndarray:
    diff = vectors[:, :, None, :] - vectors[:, None, :, :]
    return np.einsum("bijd,bijd->bij", diff, diff)


def mda(vectors: np.ndarray, f: int) -> Batched:
    """MDA, batched: smallest diameter, first subset in lexicographic order on ties."""
    n = vectors.shape[1]
    index = subsets(n, n - f)
    d2 = _pairwise_squared(vectors)
    diameters = d2[:, index[:, :, None], index[:, None, :]].max(axis=(2, 3))
    chosen = index[np.argmin(diameters, axis=1)]
    return Batched(_subset_mean(vectors, chosen), _mask(chosen, n))


def krum(vectors: np.ndarray, f: int) -> Batched:
    """Krum, batched: lowest score, lowest index on ties; needs ``n > 2f + 2``."""
    batch, n, _ = vectors.shape
    if n <= 2 * f + 2:
        raise ParameterError("f", "n > 2f + 2 (Krum)", f"f={f}, n={n}")
    d2 = _pairwise_squared(vectors)
    d2[:, np.arange(n), np.arange(n)] = np.inf
    scores = np.sort(d2, axis=2)[:, :, : n - f - 2].sum(axis=2)
    best = np.argmin(scores, axis=1)
    mask = np.zeros((batch, n), dtype=bool)
    mask[np.arange(batch), best] = True
    return Batched(vectors[np.arange(batch), best], mask)


def cwtm(vectors: np.ndarray, f: int) -> Batched:
    """Coordinate-wise trimmed mean, batched."""
    n = vectors.shape[1]
    return Batched(np.sort(vectors, axis=1)[:, f : n - f].mean(axis=1))


def median(vectors: np.ndarray, f: int) -> Batched:
    """Coordinate-wise median (mean of the two middle values for even ``n``), batched."""
    return Batched(np.median(vectors, axis=1))


def mean(vectors: np.ndarray, f: int) -> Batched:
    """The average (no robustness)."""
    return Batched(vectors.mean(axis=1))


def gm(vectors: np.ndarray, f: int, tol: float = 1e-12, max_iter: int = 2_000) -> Batched:
    """Geometric median, batched Weiszfeld with the Vardi-Zhang step (as
    :func:`boundkit.rules.geometric_median`); each run stops when an update moves less than
    ``tol * max_i ||x_i - mean||`` or at a data point meeting the optimality condition.
    In dimension 1 the coordinate median (as boundkit's rule)."""
    if vectors.shape[2] == 1:
        return median(vectors, f)
    z = vectors.mean(axis=1)
    scale = np.linalg.norm(vectors - z[:, None, :], axis=2).max(axis=1)
    active = scale > 0
    for _ in range(max_iter):
        if not active.any():
            break
        a, za = vectors[active], z[active]
        diff = a - za[:, None, :]
        dist = np.linalg.norm(diff, axis=2)
        away = dist > 0
        w = np.where(away, 1.0 / np.where(away, dist, 1.0), 0.0)
        t = np.einsum("bn,bnd->bd", w, a) / w.sum(axis=1, keepdims=True)
        eta = (~away).sum(axis=1).astype(float)
        r = np.linalg.norm(np.einsum("bn,bnd->bd", w, diff), axis=1)
        at_point = (eta > 0) & (r <= eta)
        blend = (eta > 0) & ~at_point
        coef = np.where(blend, eta / np.where(r > 0, r, 1.0), 0.0)[:, None]
        t = (1 - coef) * t + coef * za
        t = np.where(at_point[:, None], za, t)
        step = np.linalg.norm(t - za, axis=1)
        z[active] = t
        done = at_point | (step <= tol * scale[active])
        idx = np.flatnonzero(active)
        active[idx[done]] = False
    return Batched(z)


RULES: dict[str, Callable[[np.ndarray, int], Batched]] = {
    "smea": smea,
    "cwtm": cwtm,
    "median": median,
    "krum": krum,
    "mda": mda,
    "gm": gm,
    "mean": mean,
}
#: Rules whose output is the mean of ``n - f`` received vectors: eq. (5) applies (Thm 3.3).
AVERAGING = ("smea", "mda")
#: Rules that select workers (the Byzantine push is bisected on the selection).
SELECTING = ("smea", "mda", "krum")


def rule_defined(rule: str, n: int, f: int) -> str | None:
    """Why ``rule`` is not defined at ``(n, f)``, or ``None``."""
    if rule == "krum" and not n > 2 * f + 2:
        return "Krum needs n > 2f + 2"
    if rule in ENUMERATING and math.comb(n, f) > MAX_SUBSETS:
        return f"C(n, f) > {MAX_SUBSETS}"
    return None
