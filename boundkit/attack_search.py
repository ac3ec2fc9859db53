"""Worst-case attack search against SMEA (issue 7, part 3; THEORY.md sections 1-3).

Model (THEORY.md section 1, Def. 2.3, Def. 2.4).  ``n`` workers, ``f`` Byzantine,
``h = n - f`` honest; honest messages lie in the Euclidean ball of radius ``L`` in
``R^d`` (``d = 1`` or ``2``).  Two neighbouring runs differ in one honest worker's
message; with ``m = 1`` sample per worker that message can move anywhere in the ball
(``m > 1`` would restrict the move to ``2L/m`` and is not searched).  The Byzantine
workers see which run they are in and send any vectors ``B`` (run 1) and ``B'`` (run 2).
The *per-step divergence* is ``||SMEA(H u B) - SMEA(H' u B')||``.  With the linear loss
``<z, theta>`` the gradients never change, so after ``T`` GD steps the uniform stability
is ``gamma L T`` times it: in units of ``gamma L^2 T`` with ``L = 1`` it compares directly
with eq. (5) at ``gamma = T = L = 1`` (poisoning, :func:`poisoning_per_step`), eq. (2)
likewise (the Byzantine upper bound, :func:`byzantine_upper_per_step`), the (B1)/(B2)
push ``halves_gap_supremum`` (App. C.3) and the B3 orthogonal push.

Search space.  Honest run 1: up to three distinct vectors ``u_0, u_1, u_2`` with counts
summing to ``h``; the changed worker is one copy of ``u_0`` and sends ``w`` in run 2.
Byzantine: one or two clusters per run, counts summing to ``f``.  Each candidate is
scored in float64 by a vectorised SMEA on the few distinct values (1-D: the ``f + 1``
contiguous windows, THEORY.md section 1; 2-D: every count vector, the closed-form
largest eigenvalue of the 2x2 covariance), *pessimistically*: subsets whose
``lambda_max`` is within ``1e-9`` (relative) of the minimum all count as possible
choices and the smallest divergence among them is kept, so a float optimum sitting on a
selection boundary is not credited with the side it may not get.

Starts: the (B1)/(B2) attack of :mod:`constructions.byzantine_push` (exact, one-sided,
and two-sided with the downward push of :func:`~constructions.byzantine_push.best_selected_push`),
the B3 family (honest at ``+-L e1``, Byzantine pushed along ``+e2`` in one run and
``-e2`` in the other), and random restarts; each is improved by an adaptive random local
search over the vectors and single-worker moves between groups.  The reported maximum
is re-evaluated *exactly* (:func:`boundkit.aggregators.smea_grouped` on Fractions; the
float optimum rationalised with ``limit_denominator``) and returned with its
:class:`Certificate`, which :func:`Certificate.from_json` and :func:`evaluate_exact`
replay.  The search keeps the best exact value over all candidates, so it never returns
less than its structured starts.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from boundkit.errors import ParameterError

__all__ = [
    "Certificate",
    "ExactEvaluation",
    "Problem",
    "SearchResult",
    "SearchSettings",
    "byzantine_upper_per_step",
    "evaluate_exact",
    "halves_push",
    "orthogonal_push",
    "poisoning_per_step",
    "search",
    "structured_starts",
]

Vector = tuple[Fraction, ...]
Groups = tuple[tuple[Vector, int], ...]

#: float screening tolerance on ``lambda_max`` (relative to the squared data scale)
_TIE = 1e-9
#: the rationalised float optimum lies on the grid ``1/_GRID`` (one shared denominator)
_GRID = 10**12
#: largest number of count vectors scored per float evaluation in d = 2
MAX_COUNT_VECTORS = 60_000
#: shrink factors tried when a rationalised optimum loses its selection exactly
_RETREATS = (Fraction(0), Fraction(1, 10**9), Fraction(1, 10**7), Fraction(1, 10**5))


# --------------------------------------------------------------------------- problem


@dataclass(frozen=True)
class Problem:
    """One point ``(n, f, d, L)`` of the search (paper symbols; ``m = 1``)."""

    n: int
    f: int
    d: int
    lipschitz: Fraction = Fraction(1)

    def __post_init__(self) -> None:
        for name in ("n", "f", "d"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ParameterError(name, "an integer", value)
        if self.f < 1 or not 2 * self.f < self.n:
            raise ParameterError("f", "1 <= f < n/2", f"n={self.n}, f={self.f}")
        if self.d not in (1, 2):
            raise ParameterError("d", "d in {1, 2}", self.d)
        if not Fraction(self.lipschitz) > 0:
            raise ParameterError("lipschitz", "lipschitz > 0", self.lipschitz)
        object.__setattr__(self, "lipschitz", Fraction(self.lipschitz))

    @property
    def h(self) -> int:
        return self.n - self.f


def _as_vector(values: Sequence[Any]) -> Vector:
    return tuple(Fraction(v) for v in values)


def _merge(groups: Sequence[tuple[Vector, int]]) -> Groups:
    merged: dict[Vector, int] = {}
    for value, count in groups:
        if count:
            merged[value] = merged.get(value, 0) + count
    return tuple(sorted(merged.items()))


def _norm2(v: Sequence[Fraction]) -> Fraction:
    return sum((x * x for x in v), Fraction(0))


@dataclass(frozen=True)
class Certificate:
    """A configuration of the two neighbouring runs, all numbers exact.

    ``honest``: run 1's honest groups ``(vector, count)``; the changed worker is one copy
    of ``honest[0][0]`` and sends ``changed`` in run 2 (``m = 1``: anywhere in the ball).
    ``byzantine_1`` / ``byzantine_2``: the Byzantine groups of each run (``f`` in all).
    ``family``: which start the search came from.
    """

    problem: Problem
    honest: Groups
    changed: Vector
    byzantine_1: Groups
    byzantine_2: Groups
    family: str = ""

    def __post_init__(self) -> None:
        p = self.problem
        vectors = [v for v, _ in self.honest + self.byzantine_1 + self.byzantine_2]
        if any(len(v) != p.d for v in [*vectors, self.changed]):
            raise ParameterError("certificate", f"vectors of dimension {p.d}")
        if sum(c for _, c in self.honest) != p.h or any(c < 1 for _, c in self.honest):
            raise ParameterError("certificate", f"honest counts >= 1 summing to h = {p.h}")
        for name, groups in (("byzantine_1", self.byzantine_1), ("byzantine_2", self.byzantine_2)):
            if sum(c for _, c in groups) != p.f or any(c < 1 for _, c in groups):
                raise ParameterError("certificate", f"{name} counts >= 1 summing to f = {p.f}")
        bound = p.lipschitz**2
        if any(_norm2(v) > bound for v in [*(v for v, _ in self.honest), self.changed]):
            raise ParameterError("certificate", "honest vectors in the L-ball")

    def run_1(self) -> Groups:
        """Run 1's messages, merged."""
        return _merge(self.honest + self.byzantine_1)

    def run_2(self) -> Groups:
        """Run 2's messages: the changed worker moved to ``changed``, merged."""
        (first, count), rest = self.honest[0], self.honest[1:]
        return _merge(((first, count - 1), (self.changed, 1), *rest, *self.byzantine_2))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready record (every number an exact ``"p/q"`` string)."""

        def vec(v: Vector) -> list[str]:
            return [str(x) for x in v]

        def groups(gs: Groups) -> list[dict[str, Any]]:
            return [{"vector": vec(v), "count": c} for v, c in gs]

        p = self.problem
        return {
            "n": p.n,
            "f": p.f,
            "d": p.d,
            "m": 1,
            "lipschitz": str(p.lipschitz),
            "family": self.family,
            "honest_run_1": groups(self.honest),
            "changed_worker": {"run_1": vec(self.honest[0][0]), "run_2": vec(self.changed)},
            "byzantine_run_1": groups(self.byzantine_1),
            "byzantine_run_2": groups(self.byzantine_2),
        }

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Certificate:
        """The certificate :meth:`to_json` wrote (validated again)."""

        def groups(items: list[dict[str, Any]]) -> Groups:
            return tuple((_as_vector(g["vector"]), int(g["count"])) for g in items)

        problem = Problem(
            int(record["n"]), int(record["f"]), int(record["d"]), Fraction(record["lipschitz"])
        )
        honest = groups(record["honest_run_1"])
        if _as_vector(record["changed_worker"]["run_1"]) != honest[0][0]:
            raise ParameterError("certificate", "the changed worker is a copy of honest[0]")
        return cls(
            problem,
            honest,
            _as_vector(record["changed_worker"]["run_2"]),
            groups(record["byzantine_run_1"]),
            groups(record["byzantine_run_2"]),
            str(record.get("family", "")),
        )


# --------------------------------------------------------------------------- exact


@dataclass(frozen=True)
class ExactEvaluation:
    """SMEA's outputs in both runs and the squared divergence, exactly."""

    output_1: Vector
    output_2: Vector
    divergence_squared: Fraction

    def divergence(self, dps: int = 30) -> mpmath.mpf:
        """``||output_1 - output_2||`` at ``dps`` digits."""
        q = self.divergence_squared
        with mpmath.workdps(dps):
            return mpmath.sqrt(mpmath.mpf(q.numerator) / q.denominator)


def _smea_exact(groups: Groups, f: int) -> Vector:
    from boundkit.aggregators import smea_grouped

    values = [v for v, _ in groups]
    agg = smea_grouped(values, [c for _, c in groups], f)
    return tuple(agg.value)


def evaluate_exact(certificate: Certificate) -> ExactEvaluation:
    """Both runs through the exact grouped SMEA (Def. 2.3, exact tie rule)."""
    f = certificate.problem.f
    one = _smea_exact(certificate.run_1(), f)
    two = _smea_exact(certificate.run_2(), f)
    return ExactEvaluation(one, two, _norm2([a - b for a, b in zip(one, two, strict=True)]))


# --------------------------------------------------------------------------- reference values


def _per_step(result_id: str, problem: Problem, dps: int) -> mpmath.mpf:
    """A registered convex bound at ``gamma = T = 1``, ``m = 1``, over ``L^2``.

    The registry's eq. (2)/(5) are ``2 gamma L^2 T x (...)``; at ``gamma = T = 1``
    (``beta = 1`` keeps ``gamma <= 2/beta``) and divided by ``L^2`` they are the per-step
    divergence bound in units of ``L``, the units of the search.
    """
    from boundkit import theorems

    params = {"n": problem.n, "f": problem.f, "m": 1, "T": 1, "step_size": 1}
    params |= {"lipschitz": 1, "smoothness": 1, "strong_convexity": 0}
    return theorems.evaluate(result_id, params, dps=dps)


def poisoning_per_step(problem: Problem, dps: int = 30) -> mpmath.mpf:
    """Eq. (5) per step: ``2 (f + 1)/(n - f)`` (THEORY.md section 2, Theorem 3.3)."""
    return _per_step("thm3.3/convex", problem, dps)


def byzantine_upper_per_step(problem: Problem, dps: int = 30) -> mpmath.mpf:
    """Eq. (2) per step: ``2 (1/N + sqrt(kappa_SMEA))`` (Theorem 3.1, ``N = h``)."""
    return _per_step("thm3.1/convex", problem, dps)


def halves_push(problem: Problem) -> mpmath.mpf:
    """The (B1)/(B2) push (App. C.3): ``halves_gap_supremum`` at ``m = 1``, units of ``L``."""
    from constructions.byzantine_push import halves_gap_supremum

    return halves_gap_supremum(problem.n, problem.f, 1, 1)[1]


def orthogonal_push(problem: Problem) -> mpmath.mpf | None:
    """The B3 orthogonal push per step at ``m = 1``, units of ``L``
    (:func:`constructions.b3_orthogonal_push.gap_per_step`); None where B3 is not defined."""
    from constructions.b3_orthogonal_push import gap_per_step

    return gap_per_step(problem.n, problem.f, 1, 1)


# --------------------------------------------------------------------------- float scoring


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
    """Candidate SMEA outputs in 1-D: the ``f + 1`` contiguous windows (THEORY.md 1)."""
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


# --------------------------------------------------------------------------- local search


@dataclass(frozen=True)
class SearchSettings:
    """How hard to search: random restarts, evaluations per climb, count-move rounds."""

    restarts: int = 10
    evaluations: int = 500
    count_rounds: int = 2
    seed: int = 0
    keep: int = 4  # float optima re-evaluated exactly


@dataclass(frozen=True)
class _Candidate:
    value: float
    layout: _Layout
    theta: np.ndarray = field(compare=False)
    family: str = ""


def _climb(
    score: Callable[[np.ndarray], float],
    theta: np.ndarray,
    step: float,
    budget: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, float]:
    """Adaptive random local search: perturb a few coordinates, keep improvements."""
    best, value = theta.copy(), score(theta)
    failures = 0
    for _ in range(budget):
        mask = rng.random(best.size) < max(2.0 / best.size, 0.15)
        if not mask.any():
            mask[rng.integers(best.size)] = True
        trial = best + mask * rng.normal(0.0, step, best.size)
        got = score(trial)
        if got > value:
            best, value, failures = trial, got, 0
            step *= 1.5
        else:
            failures += 1
            if failures >= 8:
                step, failures = step / 2, 0
        if step < 1e-13:
            break
    return best, value


def _moves(layout: _Layout) -> Iterator[_Layout]:
    """Layouts one worker away: one honest worker or one Byzantine worker between groups."""
    for name in ("honest", "byzantine_1", "byzantine_2"):
        counts = getattr(layout, name)
        for i, j in itertools.permutations(range(len(counts)), 2):
            if counts[i] > 1:
                moved = list(counts)
                moved[i] -= 1
                moved[j] += 1
                yield replace(layout, **{name: tuple(moved)})


def _improve(
    problem: Problem, start: _Candidate, settings: SearchSettings, rng: np.random.Generator
) -> _Candidate:
    """Alternate a climb over the vectors with the best single-worker count move."""
    f, lip = problem.f, float(problem.lipschitz)
    current = start
    for _ in range(settings.count_rounds + 1):
        layout = current.layout

        def score(t: np.ndarray, lay: _Layout = layout) -> float:
            return float_divergence(lay, t, f, lip)

        theta, value = _climb(score, current.theta, 0.05 * lip, settings.evaluations, rng)
        current = replace(current, value=max(value, current.value), theta=theta)
        moved = [
            _Candidate(float_divergence(lay, theta, f, lip), lay, theta, current.family)
            for lay in _moves(layout)
            if problem.d == 1 or lay.cost(f) <= MAX_COUNT_VECTORS
        ]
        better = max(moved, key=lambda c: c.value, default=None)
        if better is None or better.value <= current.value:
            break
        current = better
    return current


# --------------------------------------------------------------------------- starts


def _unit(d: int, axis: int) -> np.ndarray:
    e = np.zeros(d)
    e[axis] = 1.0
    return e


def _push_scale(
    problem: Problem, layout: _Layout, theta: np.ndarray, run: int, direction: np.ndarray
) -> np.ndarray:
    """Place every Byzantine cluster of ``run`` at ``mean_H + t direction`` with the ``t``
    (geometric scan) that moves that run's SMEA output farthest along ``direction``."""
    lip = float(problem.lipschitz)
    u, w, _, _ = layout.split(theta, lip)
    counts = np.asarray(layout.honest, dtype=float)
    honest_mean = (u * counts[:, None]).sum(axis=0) / counts.sum()
    if run == 2:
        honest_mean = honest_mean + (w[0] - u[0]) / counts.sum()
    k, j1 = len(layout.honest), len(layout.byzantine_1)
    block = (
        slice((k + 1) * problem.d, (k + 1 + j1) * problem.d)
        if run == 1
        else slice((k + 1 + j1) * problem.d, None)
    )
    best, best_gain = theta, -math.inf
    for t in lip * np.geomspace(0.01, 50.0, 120):
        trial = theta.copy()
        trial[block] = np.tile(honest_mean + t * direction, theta[block].size // problem.d)
        (v1, c1), (v2, c2) = layout.runs(trial, lip)
        values, counts_run = (v1, c1) if run == 1 else (v2, c2)
        gain = float((_smea_float(values, counts_run, problem.f) @ direction).min())
        if gain > best_gain:
            best, best_gain = trial, gain
    return best


def _two_point_layout(problem: Problem, high: int, clusters: int = 1) -> _Layout:
    """Honest ``h - high`` at ``-L e1`` (the changed worker among them) and ``high`` at
    ``+L e1``; one Byzantine cluster per run unless ``clusters = 2``."""
    f = problem.f
    byz = (f,) if clusters == 1 or f < 2 else (f - f // 2, f // 2)
    return _Layout(problem.d, (problem.h - high, high), byz, byz)


def _two_point_theta(problem: Problem, layout: _Layout) -> np.ndarray:
    lip, d = float(problem.lipschitz), problem.d
    e1 = _unit(d, 0)
    rows = [-lip * e1, lip * e1, lip * e1] + [np.zeros(d)] * (
        len(layout.byzantine_1) + len(layout.byzantine_2)
    )
    return np.concatenate(rows)


def _family_start(problem: Problem, high: int, axis: int, family: str) -> _Candidate:
    """Two-point honest set; run 2 pushed along ``+e_axis``, run 1 along ``-e_axis``."""
    layout = _two_point_layout(problem, high)
    theta = _two_point_theta(problem, layout)
    e = _unit(problem.d, axis)
    theta = _push_scale(problem, layout, theta, 2, e)
    theta = _push_scale(problem, layout, theta, 1, -e)
    value = float_divergence(layout, theta, problem.f, float(problem.lipschitz))
    return _Candidate(value, layout, theta, family)


def _random_start(problem: Problem, rng: np.random.Generator) -> _Candidate:
    """Random honest groups (mostly on the sphere), Byzantine pushed in random directions."""
    lip, d, h, f = float(problem.lipschitz), problem.d, problem.h, problem.f
    while True:
        k = int(rng.integers(1, 4))
        cuts = np.sort(rng.choice(np.arange(1, h), size=min(k - 1, h - 1), replace=False))
        honest = tuple(int(c) for c in np.diff(np.concatenate(([0], cuts, [h]))))
        byz = [_random_split(f, rng) for _ in range(2)]
        layout = _Layout(d, honest, byz[0], byz[1])
        if d == 1 or layout.cost(f) <= MAX_COUNT_VECTORS:
            break
    rows = rng.normal(size=(len(honest) + 1, d))
    radii = np.where(rng.random(len(rows)) < 0.7, lip, lip * rng.random(len(rows)))
    rows = rows / np.linalg.norm(rows, axis=1, keepdims=True) * radii[:, None]
    theta = np.concatenate([rows.ravel(), np.zeros((len(byz[0]) + len(byz[1])) * d)])
    for run in (1, 2):
        direction = rng.normal(size=d)
        theta = _push_scale(problem, layout, theta, run, direction / np.linalg.norm(direction))
    return _Candidate(float_divergence(layout, theta, f, lip), layout, theta, "random")


def _random_split(f: int, rng: np.random.Generator) -> tuple[int, ...]:
    if f < 2 or rng.random() < 0.5:
        return (f,)
    first = int(rng.integers(1, f))
    return (first, f - first)


def _halves_candidates(problem: Problem) -> list[int]:
    """Side sizes of the two-point starts: (B1)/(B2)'s candidates and the balanced split."""
    from constructions.byzantine_push import halves_high_counts

    h = problem.h
    sizes = set(halves_high_counts(problem.n, problem.f, 1)) | {h // 2, (h + 1) // 2}
    return sorted(s for s in sizes if 1 <= s <= h - 1)


# --------------------------------------------------------------------------- exact starts


def _embed(x: Fraction, d: int, axis: int = 0) -> Vector:
    return tuple(x if i == axis else Fraction(0) for i in range(d))


def halves_certificates(problem: Problem) -> list[Certificate]:
    """The (B1)/(B2) attack exactly (App. C.3; :func:`constructions.byzantine_push.halves_attack`):
    one-sided (run 1 rejected, as the construction does) and two-sided (run 1 pushed down
    by :func:`~constructions.byzantine_push.best_selected_push`), embedded along ``e1``."""
    from constructions.byzantine_push import (
        best_selected_push,
        halves_attack,
        reject_value,
    )

    lip, d, f = problem.lipschitz, problem.d, problem.f
    attack = halves_attack(problem.n, f, 1, lip)
    s_run = attack.honest_s
    honest = _merge([(_embed(v, d), c) for v, c in sorted(s_run, key=lambda vc: vc[0])])
    honest = _changed_first(honest, _embed(-lip, d))
    up = attack.pushed if attack.pushed is not None else reject_value(attack.honest_s_prime)
    run_2 = ((_embed(Fraction(up), d), f),)
    down_reject = ((_embed(Fraction(reject_value(s_run)), d), f),)
    out = [Certificate(problem, honest, _embed(lip, d), down_reject, run_2, "B1/B2 one-sided")]
    try:
        down = best_selected_push(s_run, f, direction=-1)
    except ValueError:
        return out
    pushed = ((_embed(Fraction(down), d), f),)
    out.append(Certificate(problem, honest, _embed(lip, d), pushed, run_2, "B1/B2 two-sided"))
    return out


def _changed_first(honest: Groups, changed_from: Vector) -> Groups:
    """The groups with the changed worker's group first."""
    first = [g for g in honest if g[0] == changed_from]
    return tuple(first + [g for g in honest if g[0] != changed_from])


def _on_grid(x: float | Fraction) -> Fraction:
    """``x`` rounded to the common grid ``1/_GRID`` (small, shared denominators keep the
    exact eigenvalue computations of :func:`boundkit.aggregators.smea_grouped` small)."""
    return Fraction(round(Fraction(x) * _GRID), _GRID)


def _into_ball(row: Sequence[float], lip: Fraction) -> Vector:
    """``row`` on the grid, moved toward 0 one grid step at a time until ``||v|| <= L``."""
    v = [_on_grid(x) for x in row]
    while _norm2(v) > lip**2:
        i = max(range(len(v)), key=lambda j: abs(v[j]))
        v[i] -= Fraction(1 if v[i] > 0 else -1, _GRID)
    return tuple(v)


def to_certificate(problem: Problem, candidate: _Candidate, retreat: Fraction) -> Certificate:
    """The float candidate rationalised on the grid ``1/_GRID``; honest vectors kept in
    the ball exactly; each Byzantine vector moved a fraction ``retreat`` toward its run's
    honest mean (a step back inside a selection boundary), then put on the grid."""
    lip = problem.lipschitz
    u, w, b1, b2 = candidate.layout.split(candidate.theta, float(lip))
    honest_vecs = [_into_ball(row, lip) for row in u]
    changed = _into_ball(w[0], lip)
    counts = candidate.layout.honest
    mean_1 = _weighted_mean(honest_vecs, counts)
    mean_2 = tuple(
        m + (c - v) / problem.h for m, c, v in zip(mean_1, changed, honest_vecs[0], strict=True)
    )

    def byz(rows: np.ndarray, cnts: tuple[int, ...], centre: Vector) -> Groups:
        vecs = [
            tuple(
                _on_grid(x - retreat * (x - c))
                for x, c in zip(map(Fraction, row), centre, strict=True)
            )
            for row in rows
        ]
        return _merge(list(zip(vecs, cnts, strict=True)))

    honest = tuple(zip(honest_vecs, counts, strict=True))
    honest = (honest[0], *_merge(honest[1:]))
    return Certificate(
        problem,
        honest,
        changed,
        byz(b1, candidate.layout.byzantine_1, mean_1),
        byz(b2, candidate.layout.byzantine_2, mean_2),
        candidate.family,
    )


def _weighted_mean(vectors: Sequence[Vector], counts: Sequence[int]) -> Vector:
    total = sum(counts)
    return tuple(
        sum((v[i] * c for v, c in zip(vectors, counts, strict=True)), Fraction(0)) / total
        for i in range(len(vectors[0]))
    )


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class SearchResult:
    """The best exactly re-evaluated configuration and what it is compared with."""

    problem: Problem
    certificate: Certificate
    evaluation: ExactEvaluation
    float_value: float
    start_values: dict[str, mpmath.mpf]

    @property
    def divergence(self) -> mpmath.mpf:
        return self.evaluation.divergence()


def structured_starts(problem: Problem) -> list[_Candidate]:
    """The B1/B2 family (push along ``e1``) and, in 2-D, the B3 family (along ``e2``),
    at every side size of :func:`_halves_candidates`."""
    starts = []
    for high in _halves_candidates(problem):
        starts.append(_family_start(problem, high, 0, "B1/B2 family (e1)"))
        if problem.d == 2:
            starts.append(_family_start(problem, high, 1, "B3 family (e2)"))
    return starts


def _best_exact(problem: Problem, candidate: _Candidate) -> tuple[Certificate, ExactEvaluation]:
    """Rationalise (with the retreats of :data:`_RETREATS`); keep the best exact value."""
    best: tuple[Certificate, ExactEvaluation] | None = None
    for retreat in _RETREATS:
        cert = to_certificate(problem, candidate, retreat)
        ev = evaluate_exact(cert)
        if best is None or ev.divergence_squared > best[1].divergence_squared:
            best = (cert, ev)
        if float(ev.divergence()) >= candidate.value * (1 - 1e-7):
            break
    assert best is not None
    return best


def _float_search(problem: Problem, settings: SearchSettings) -> list[_Candidate]:
    """Structured and random starts, each improved; best first."""
    rng = np.random.default_rng([settings.seed, problem.n, problem.f, problem.d])
    starts = structured_starts(problem)
    starts += [_random_start(problem, rng) for _ in range(settings.restarts)]
    improved = [_improve(problem, s, settings, rng) for s in starts]
    return sorted(improved, key=lambda c: -c.value)


def _lifted(candidate: _Candidate) -> _Candidate:
    """A 1-D candidate embedded along ``e1`` of the plane."""
    lay = replace(candidate.layout, d=2)
    theta = np.stack([candidate.theta, np.zeros_like(candidate.theta)], axis=1).ravel()
    return replace(candidate, layout=lay, theta=theta, family=candidate.family + ", from 1-D")


def _polished(problem: Problem, candidates: list[_Candidate], settings: SearchSettings) -> list:
    """The ``settings.keep`` best candidates climbed again with a triple budget."""
    rng = np.random.default_rng([settings.seed, problem.n, problem.f, problem.d, 1])
    longer = replace(settings, evaluations=3 * settings.evaluations)
    polished = [_improve(problem, c, longer, rng) for c in candidates[: settings.keep]]
    return sorted(polished + candidates[settings.keep :], key=lambda c: -c.value)


def _lift_certificate(certificate: Certificate, problem: Problem) -> Certificate:
    """A 1-D certificate embedded along ``e1`` of the plane (same divergence)."""

    def lift(groups: Groups) -> Groups:
        return tuple(((v[0], Fraction(0)), c) for v, c in groups)

    return Certificate(
        problem,
        lift(certificate.honest),
        (certificate.changed[0], Fraction(0)),
        lift(certificate.byzantine_1),
        lift(certificate.byzantine_2),
        certificate.family + ", from 1-D",
    )


def _search(problem: Problem, settings: SearchSettings) -> tuple[SearchResult, list[_Candidate]]:
    exact = [(c, evaluate_exact(c)) for c in halves_certificates(problem)]
    starts = {c.family: e.divergence() for c, e in exact}
    candidates = _float_search(problem, settings)
    if problem.d == 2:
        line, line_candidates = _search(replace(problem, d=1), settings)
        lifted = _lift_certificate(line.certificate, problem)
        exact.append((lifted, evaluate_exact(lifted)))
        lifted_floats = [_lifted(c) for c in line_candidates[: settings.keep]]
        candidates = sorted(candidates + lifted_floats, key=lambda c: -c.value)
    candidates = _polished(problem, candidates, settings)
    exact += [_best_exact(problem, c) for c in candidates[: settings.keep]]
    cert, ev = max(exact, key=lambda ce: ce[1].divergence_squared)
    return SearchResult(problem, cert, ev, candidates[0].value, starts), candidates


def search(
    problem: Problem,
    settings: SearchSettings = SearchSettings(),  # noqa: B008 - frozen, immutable
) -> SearchResult:
    """Maximise the per-step divergence at ``problem`` (module docstring).

    Exact starts (:func:`halves_certificates`) and structured float starts
    (:func:`structured_starts`), then ``settings.restarts`` random starts; every start is
    improved (:func:`_improve`).  In 2-D the whole 1-D search runs first: its best
    certificate (embedded along ``e1``) competes exactly and its best float optima join
    the 2-D ones, so the plane never reports less than the line.  The ``settings.keep``
    best are polished, rationalised and re-evaluated exactly; the best exact value over
    all of these (structured exact starts included) is returned.  Deterministic for a
    given seed.
    """
    return _search(problem, settings)[0]


# --------------------------------------------------------------------------- sweep and report


def f_grid(n: int) -> list[int]:
    """``f`` values spanning ``f/n`` from about 0.05 to just below 1/2."""
    ratios = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.34, 0.4, 0.45, 0.49)
    top = (n - 1) // 2
    return sorted({min(top, max(1, round(r * n))) for r in ratios})


@dataclass(frozen=True)
class Row:
    """One ``(n, f, d)``: the maximum found (exact) and the reference pushes and bounds,
    all per step in units of ``L`` (``gamma L^2 T`` for the stability)."""

    result: SearchResult
    halves: mpmath.mpf
    orthogonal: mpmath.mpf | None
    poisoning: mpmath.mpf
    upper: mpmath.mpf

    @property
    def problem(self) -> Problem:
        return self.result.problem

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.problem.f, self.problem.n)


def row(problem: Problem, settings: SearchSettings) -> Row:
    """Search at ``problem`` and collect the reference values."""
    return Row(
        search(problem, settings),
        halves_push(problem),
        orthogonal_push(problem) if problem.d == 2 else None,
        poisoning_per_step(problem),
        byzantine_upper_per_step(problem),
    )


def plan(ns: Sequence[int], ds: Sequence[int]) -> list[Problem]:
    """Every ``(n, f, d)`` of the sweep."""
    return [Problem(n, f, d) for d in ds for n in ns for f in f_grid(n)]


@dataclass(frozen=True)
class Regime:
    """Which rows a fit pools and the ``x`` it fits against."""

    name: str
    keep: Callable[[Problem], bool]
    x_label: str
    x_of: Callable[[Problem], Fraction]


def _x_honest(p: Problem) -> Fraction:
    return Fraction(p.f, p.n - p.f)


def _x_kernel(p: Problem) -> Fraction:
    return Fraction(p.f, p.n - 2 * p.f)


#: ``f <= n/5`` shows the behaviour as ``f/n -> 0`` (sqrt against linear); ``f >= n/3`` is
#: fitted in ``f/(n - 2f)`` like (B1) in :mod:`boundkit.rates` (THEORY.md section 5).
REGIMES: tuple[Regime, ...] = (
    Regime("f <= n/5", lambda p: 5 * p.f <= p.n, "f/(n-f)", _x_honest),
    Regime("f < n/3", lambda p: 3 * p.f < p.n, "f/(n-f)", _x_honest),
    Regime("f >= n/3", lambda p: 3 * p.f >= p.n, "f/(n-2f)", _x_kernel),
)


@dataclass(frozen=True)
class ExponentFit:
    """``max divergence = c0 + c1 x^p`` over one regime at one ``d``, all ``n`` pooled."""

    d: int
    regime: Regime
    fit: Any  # boundkit.fitting.PowerFit, or None with fewer than 4 points
    points: int


def fit_exponents(rows: Sequence[Row]) -> list[ExponentFit]:
    """Fit the exponent of the maximum found, per ``d`` and regime, pooling every ``n``
    (:func:`boundkit.fitting.fit_power_law`)."""
    from boundkit.fitting import fit_power_law

    out = []
    for d in sorted({r.problem.d for r in rows}):
        for regime in REGIMES:
            chosen = [r for r in rows if r.problem.d == d and regime.keep(r.problem)]
            xs = [regime.x_of(r.problem) for r in chosen]
            fit = None
            if len(chosen) >= 4 and len(set(xs)) >= 3:
                fit = fit_power_law(xs, [r.result.divergence for r in chosen])
            out.append(ExponentFit(d, regime, fit, len(chosen)))
    return out


def _num(x: mpmath.mpf | None, digits: int = 6) -> str:
    return "" if x is None else mpmath.nstr(x, digits)


CSV_FIELDS = (
    "n",
    "f",
    "f_over_n",
    "d",
    "max_found",
    "max_found_squared_exact",
    "family",
    "b1_b2_push",
    "b3_push",
    "poisoning_per_step",
    "byzantine_upper_per_step",
)


def _cells(r: Row) -> list[str]:
    p = r.problem
    return [
        str(p.n),
        str(p.f),
        f"{float(r.ratio):.4f}",
        str(p.d),
        _num(r.result.divergence, 12),
        str(r.result.evaluation.divergence_squared),
        r.result.certificate.family,
        _num(r.halves, 12),
        _num(r.orthogonal, 12),
        _num(r.poisoning, 12),
        _num(r.upper, 12),
    ]


def to_csv(rows: Sequence[Row]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    writer.writerows(_cells(r) for r in rows)
    return buffer.getvalue()


def certificates_json(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """One record per row: the certificate and its exact outputs (replay with
    :meth:`Certificate.from_json` and :func:`evaluate_exact`)."""
    out = []
    for r in rows:
        ev = r.result.evaluation
        record = r.result.certificate.to_json()
        record["output_run_1"] = [str(x) for x in ev.output_1]
        record["output_run_2"] = [str(x) for x in ev.output_2]
        record["divergence_squared"] = str(ev.divergence_squared)
        record["divergence"] = _num(ev.divergence(), 20)
        out.append(record)
    return out


def _fit_line(e: ExponentFit) -> str:
    head = f"| {e.d} | {e.regime.name} | `{e.regime.x_label}` | {e.points} |"
    if e.fit is None:
        return f"{head} (too few points) | | |"
    f = e.fit
    ci = f"[{_num(f.exponent_low, 3)}, {_num(f.exponent_high, 3)}]"
    return f"{head} {_num(f.exponent, 4)} | {ci} | {_num(f.offset, 4)} + {_num(f.scale, 4)} x^p |"


def _b3_cell(r: Row) -> str:
    if r.problem.d == 1:
        return "-"
    return _num(r.orthogonal) or "n/a"


def to_markdown(
    rows: Sequence[Row], fits: Sequence[ExponentFit], settings: SearchSettings, command: str
) -> str:
    """The table and the fitted exponents (``reports/attack_search.md``)."""
    head = (
        "| n | f | f/n | d | max found | family | B1/B2 push | B3 push | poisoning / step "
        "| Byzantine upper / step |\n|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = [
        f"| {r.problem.n} | {r.problem.f} | {float(r.ratio):.3f} | {r.problem.d} | "
        f"{_num(r.result.divergence)} | {r.result.certificate.family} | {_num(r.halves)} | "
        f"{_b3_cell(r)} | {_num(r.poisoning)} | {_num(r.upper)} |"
        for r in rows
    ]
    fit_head = (
        "| d | regime | x | points | exponent p | 95% CI | fit |\n|---|---|---|---|---|---|---|\n"
    )
    return (
        "# Worst-case attack search against SMEA (issue 7, part 3)\n\n"
        f"Regenerate: `{command}` (search settings: {settings}).\n\n"
        "Per-step divergence `||SMEA(H u B) - SMEA(H' u B')||` in units of `L` (= the "
        "uniform stability in units of `gamma L^2 T` under the linear loss), `m = 1`, "
        "honest messages in the `L`-ball, neighbouring runs differing in one honest "
        "message, Byzantine vectors free and run-dependent.  'max found' is the exact "
        "value of the best certificate (Fractions, exact SMEA); it is a lower bound on the "
        "true supremum.  Poisoning / step: eq. (5) at `gamma = T = L = 1`, i.e. "
        "`2(f+1)/(n-f)`; Byzantine upper / step: eq. (2) likewise, `2(1/N + sqrt(kappa_SMEA))`. "
        "B1/B2 push: `halves_gap_supremum(n, f, 1)` (one-sided, a supremum); B3 push: "
        "`constructions.b3_orthogonal_push.gap_per_step(n, f, 1)` (2-D only; 'n/a': not "
        "available).\n\n"
        + head
        + "\n".join(lines)
        + "\n\n## Fitted exponents\n\n`max found = c0 + c1 x^p`, all `n` pooled "
        "(boundkit.fitting, delta-method 95% CI; the exponent range searched is [0.05, 4]).\n\n"
        + fit_head
        + "\n".join(_fit_line(e) for e in fits)
        + "\n"
    )


def _series(rows: Sequence[Row], value: Callable[[Row], Any]) -> tuple[list, list]:
    pts = sorted((float(r.ratio), value(r)) for r in rows if value(r) is not None)
    return [x for x, _ in pts], [float(y) for _, y in pts]


def plot(rows: Sequence[Row], out: str) -> None:
    """Maximum found against ``f/n`` (one panel per ``d``), with the (B1)/(B2) and B3
    pushes, the poisoning bound eq. (5) and the Byzantine upper bound eq. (2), per step,
    log scale (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ds = sorted({r.problem.d for r in rows})
    fig, axes = plt.subplots(1, len(ds), figsize=(6.5 * len(ds), 5), dpi=100, squeeze=False)
    markers = dict(zip(sorted({r.problem.n for r in rows}), "osD^v", strict=False))
    for ax, d in zip(axes[0], ds, strict=True):
        _panel(ax, [r for r in rows if r.problem.d == d], d, markers)
    fig.suptitle("Worst-case attack search vs constructions and bounds (per step, units of L)")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def _panel(ax: Any, rows: Sequence[Row], d: int, markers: dict[int, str]) -> None:
    curves = (
        ("Byzantine upper bound eq. (2)", lambda r: r.upper, "k:"),
        ("poisoning bound eq. (5)", lambda r: r.poisoning, "b--"),
        ("B1/B2 push (one-sided sup)", lambda r: r.halves, "g-"),
        ("B3 orthogonal push", lambda r: r.orthogonal, "m-"),
    )
    ns = sorted({r.problem.n for r in rows})
    for label, value, style in curves:
        for i, n in enumerate(ns):
            xs, ys = _series([r for r in rows if r.problem.n == n], value)
            if xs:
                ax.plot(xs, ys, style, linewidth=1, alpha=0.7, label=label if i == 0 else None)
    for n in ns:
        xs, ys = _series([r for r in rows if r.problem.n == n], lambda r: r.result.divergence)
        ax.plot(xs, ys, markers[n], color="tab:red", fillstyle="none", label=f"max found, n={n}")
    ax.axvline(1 / 3, color="grey", linewidth=0.8, linestyle=":")
    ax.text(1 / 3, 0.02, " f = n/3", transform=ax.get_xaxis_transform(), fontsize=7)
    ax.set_yscale("log")
    ax.set_xlabel("f / n")
    ax.set_ylabel("per-step divergence / L")
    ax.set_title(f"d = {d}")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="upper left")
