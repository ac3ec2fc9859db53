"""Checks of the facts in :mod:`proofs_check.facts` other than Lemma B.2.

docs/theory.md, sections 1-2.

Each fact is shown to hold and to be attained by an explicit configuration, so a weaker
constant (a smaller ``lambda_max`` bound, a smaller sample weight, fewer swapped pairs)
fails here before it can make a derived upper bound too small.
"""

from __future__ import annotations

from itertools import combinations

import sympy as sp

from boundkit.bounds import symbols as S
from proofs_check import facts as F
from proofs_check.core import CheckResult, proved_nonnegative, result, same, weighted_variance
from proofs_check.derive import changed_sample_shift, swapped_pairs

L = S.L


def check_lambda_max_bound() -> CheckResult:
    """``lambda_max(Sigma_H) <= L^2`` for vectors in the ``L``-ball, attained.

    One dimension: ``E[x^2] - Var = mean^2 >= 0`` (from the moments) and ``E[x^2] <= L^2``;
    equal halves at ``+-L`` have variance exactly ``L^2`` (so the bound cannot be lowered).
    Two dimensions, vectors ``(x, y)`` with ``x^2 + y^2 <= L^2``: the covariance trace is
    ``E|v|^2 - |mean|^2 <= L^2``, and ``lambda_max <= trace``.
    """
    xs = sp.symbols("x1:5", real=True)
    pool = [(x, 1) for x in xs]
    second = sum(x**2 for x in xs) / len(xs)
    mean = sum(xs) / len(xs)
    identity = same(second - weighted_variance(pool), mean**2)
    halves = weighted_variance([(L, 3), (-L, 3)])
    attained = same(halves, F.LAMBDA_MAX_BOUND)
    ys = sp.symbols("y1:4", real=True)
    vecs = [sp.Matrix([x, y]) for x, y in zip(xs[:3], ys, strict=True)]
    centre = sum(vecs, sp.zeros(2, 1)) / 3
    cov = sum(((u - centre) * (u - centre).T for u in vecs), sp.zeros(2, 2)) / 3
    trace_gap = sp.expand(sum(u.dot(u) for u in vecs) / 3 - cov.trace() - centre.dot(centre))
    return result(
        "facts/lambda-max-L-ball",
        identity and attained and trace_gap == 0,
        f"E[x^2] - Var == mean^2: {identity}; Var(+-L halves) == LAMBDA_MAX_BOUND "
        f"({F.LAMBDA_MAX_BOUND}): {attained}; trace(Sigma) == E|v|^2 - |mean|^2: {trace_gap == 0}",
    )


def _honest_mean_gd(h: int, m: int, samples: list[list[sp.Symbol]]) -> sp.Expr:
    return sum(sum(row) / m for row in samples) / h


def check_changed_sample_weights(
    points: tuple[tuple[int, int], ...] = ((3, 2), (4, 3)),
) -> CheckResult:
    """The changed sample's shift of the honest mean: GD ``2L/(h m)``, SGD in expectation
    ``2L/(h m)``, both computed from explicit means at small ``(h, m)`` and attained with
    the samples at ``+-L`` (linear loss: the gradient is the sample)."""
    oks = []
    for hh, mm in points:
        samples = [[sp.Symbol(f"z{i}_{j}") for j in range(mm)] for i in range(hh)]
        mean = _honest_mean_gd(hh, mm, samples)
        changed = samples[0][0]
        gd_shift = mean.subs(changed, L) - mean.subs(changed, -L)
        # SGD: each worker draws one sample uniformly; only draws of the changed one differ
        sgd_shift = sum((L - (-L)) / hh if j == 0 else 0 for j in range(mm)) / sp.Integer(mm)
        at = {S.n: hh, S.f: 0, S.m: mm}
        oks.append(
            same(gd_shift, changed_sample_shift("gd", F.WORKER_WEIGHT).subs(at))
            and same(sgd_shift, changed_sample_shift("sgd", F.WORKER_WEIGHT).subs(at))
        )
    return result(
        "facts/changed-sample-weights",
        all(oks),
        f"shift of the honest mean by the changed sample, explicit means vs the facts "
        f"(GD weight 1/(h m), SGD draw probability 1/m) at (h, m) in {list(points)}: {oks}",
    )


def check_swapped_pairs(n_max: int = 9) -> CheckResult:
    """Two subsets of ``n - f`` of ``n`` workers differ in at most ``f`` elements (``f < n/2``),
    and ``f`` is attained: brute force over every pair of subsets, against the derived
    :func:`proofs_check.derive.swapped_pairs`."""
    derived = swapped_pairs()
    bad = []
    for nn in range(3, n_max + 1):
        for ff in range(0, (nn + 1) // 2):
            size = nn - ff
            subsets = [set(c) for c in combinations(range(nn), size)]
            worst = max(len(subsets[0] - b) for b in subsets)  # symmetric: fix one subset
            if worst != derived.subs({S.n: nn, S.f: ff}):
                bad.append((nn, ff, worst))
    return result(
        "facts/swapped-pairs",
        not bad,
        f"max |S \\ S'| over subsets of n - f of n workers == derived {derived} for n <= {n_max}, "
        f"f < n/2: {not bad}",
        failures=bad,
    )


def check_stability_link() -> CheckResult:
    """``eps <= L delta_T``: for ``l(theta; z) = <z, theta>`` with ``|z| <= L`` the sup over
    ``z`` of ``|l(theta; z) - l(theta'; z)|`` is ``L |theta - theta'|`` (attained at
    ``z = L (theta - theta')/|theta - theta'|``), and ``|l(theta; z) - l(theta'; z)| <= L
    |theta - theta'|`` by Cauchy-Schwarz for any ``L``-Lipschitz loss."""
    d = sp.Symbol("d", positive=True)  # |theta - theta'|
    z = sp.Symbol("z", real=True)
    diff = z * d  # one dimension, theta - theta' = d
    attained = same(diff.subs(z, L), F.LINK * d)
    bounded = proved_nonnegative(
        F.LINK * d - diff.subs(z, L / (1 + sp.Symbol("q", nonnegative=True)))
    )
    return result(
        "facts/stability-link",
        attained and bounded,
        f"sup_(|z| <= L) |z d| == LINK * d ({F.LINK} d): {attained}; below it inside: {bounded}",
    )
