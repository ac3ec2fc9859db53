"""The lemma-level facts behind the upper bounds, each stated once (docs/theory.md, sections 1-2).

:mod:`proofs_check.derive` composes these into the per-step recursion of every registered
upper bound and never reads the registry's own recursion or increment; the registry's
hypotheses are checked to imply each fact's conditions.  Every fact here is itself
checked (``facts/*``, ``expansivity/*``): on the quadratic family for Lemma B.2, and by
an explicit configuration that attains each constant (so a weakened fact fails).

Facts (symbols as in :mod:`boundkit.bounds.symbols`):

- Lemma B.2, expansivity of the gradient step ``G(theta) = theta - gamma grad g``: a
  factor, the step-size condition under which it holds, and the curvature range of the
  losses it covers (:class:`Expansivity`).
- Gradients of an ``L``-Lipschitz loss lie in the ``L``-ball: ``||grad l|| <= L``.
- ``lambda_max(Sigma_H) <= (1/h) sum_i ||x_i||^2 <= L^2`` for vectors in the ``L``-ball.
- ``(f, kappa)``-robustness (Def. 2.2): ``||F - mean_H|| <= sqrt(kappa lambda_max(Sigma_H))``.
- The changed sample: one of the ``m`` samples of one of the ``h`` honest workers; GD
  weighs it ``1/m`` in that worker's gradient, SGD draws it with probability ``1/m``; the
  honest mean weighs each worker ``1/h``.
- Averaging rules (Thm 3.3): the output is the mean of ``n - f`` of the ``n`` received
  vectors.
- Stability from distance: ``eps <= L delta_T`` for an ``L``-Lipschitz loss.
- SMEA (docs/theory.md, section 7): for ``C ⊂ A`` the mean split
  ``mean_A - mean_C = ((a - c)/a)(mean_D - mean_C)`` and the between-group weight ``c (a - c)/a^2``
  of ``Sigma_A``; the sizes ``|W| = |S| = n - f``, ``|W ∩ S| >= n - 2f``; SMEA's
  ``lambda_max(Sigma_W) <= lambda_max(Sigma_S)``; honest means at distance at most ``2L``
  (:mod:`proofs_check.kappa_star`, :mod:`proofs_check.sharp_bound`).
- Every fact assumes the setting's ``f < n/2`` (docs/theory.md, section 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from boundkit.bounds import symbols as S

gamma, beta, mu, L, n, f, m = S.gamma, S.beta, S.mu, S.L, S.n, S.f, S.m


@dataclass(frozen=True)
class Expansivity:
    """Lemma B.2: ``||G(x) - G(y)|| <= factor ||x - y||`` for losses whose Hessian
    eigenvalues lie in ``curvature = (low, high)``, when every ``condition`` holds."""

    name: str
    factor: sp.Expr
    conditions: tuple[sp.Basic, ...]
    curvature: tuple[sp.Expr, sp.Expr]


#: Lemma B.2(i): beta-smooth (curvature in [-beta, beta]), any step size
SMOOTH = Expansivity("Lemma B.2(i)", 1 + gamma * beta, (), (-beta, beta))
#: Lemma B.2(ii): convex and beta-smooth, gamma <= 2/beta: non-expansive
CONVEX = Expansivity("Lemma B.2(ii)", sp.Integer(1), (sp.LessThan(gamma, 2 / beta),), (0, beta))
#: Lemma B.2(iii): mu-strongly convex and beta-smooth, gamma <= 2/(beta + mu)
STRONGLY_CONVEX = Expansivity(
    "Lemma B.2(iii)",
    1 - gamma * beta * mu / (beta + mu),
    (sp.LessThan(gamma, 2 / (beta + mu)), sp.LessThan(mu, beta)),
    (mu, beta),
)
#: Lemma B.2(iii) relaxed: 1 - gamma beta mu/(beta + mu) <= 1 - gamma mu/2 when mu <= beta
STRONGLY_CONVEX_RELAXED = Expansivity(
    "Lemma B.2(iii), relaxed with mu <= beta",
    1 - gamma * mu / 2,
    STRONGLY_CONVEX.conditions,
    (mu, beta),
)
#: the expansivity each registered convexity uses: eta = 1, 1 - gamma mu/2 (docs/theory.md,
#: section 2)
EXPANSIVITY_USED: dict[str, Expansivity] = {
    "convex": CONVEX,
    "strongly-convex": STRONGLY_CONVEX_RELAXED,
}

#: every gradient of an L-Lipschitz loss has norm at most L
GRADIENT_NORM = L
#: lambda_max(Sigma_H) <= L^2 for honest vectors in the L-ball
LAMBDA_MAX_BOUND = GRADIENT_NORM**2


def robust_deviation(kappa: sp.Expr, lambda_max: sp.Expr) -> sp.Expr:
    """Def. 2.2: ``||F(x) - mean_H|| <= sqrt(kappa lambda_max(Sigma_H))``."""
    return sp.sqrt(kappa * lambda_max)


#: weight of one honest worker's vector in the honest mean (h = n - f workers)
WORKER_WEIGHT = 1 / (n - f)
#: GD: weight of one sample in its worker's full local gradient (m samples)
SAMPLE_WEIGHT_GD = 1 / m
#: SGD: probability that the worker draws the changed sample (uniform over m)
DRAW_PROBABILITY_SGD = 1 / m
#: Thm 3.3's rules output the mean of this many received vectors
AVERAGED_COUNT = n - f
#: the setting's bound on misbehaving workers, assumed by every fact above
FEW_MISBEHAVING = sp.StrictLessThan(2 * f, n)
#: eps <= LINK * delta_T (L-Lipschitz loss in theta)
LINK = L

# ------------------------------------------------- SMEA (sharp constants: kappa*, sharper bound)
#: a multiset ``A`` of ``a`` vectors and a sub-multiset ``C`` of ``c``; ``D = A \ C``
subset_size = sp.Symbol("a", positive=True)
shared_size = sp.Symbol("c", positive=True)
_a, _c = subset_size, shared_size

#: ``mean_A - mean_C = MEAN_SPLIT (mean_D - mean_C)`` (the means are weighted by counts)
MEAN_SPLIT = (_a - _c) / _a
#: within-group weights of the covariance of ``A``: ``(c/a) Sigma_C + ((a - c)/a) Sigma_D``
WITHIN_WEIGHT_SHARED = _c / _a
WITHIN_WEIGHT_OUTSIDE = (_a - _c) / _a
#: between-group part of the covariance: ``Sigma_A = (c/a) Sigma_C + ((a - c)/a) Sigma_D +
#: BETWEEN_WEIGHT u u^T`` with ``u = mean_D - mean_C``; the other two terms are positive
#: semidefinite, so ``lambda_max(Sigma_A) >= u^T Sigma_A u/|u|^2 >= BETWEEN_WEIGHT |u|^2``
BETWEEN_WEIGHT = _c * (_a - _c) / _a**2
#: ``|W| = |S| = n - f``: SMEA averages ``n - f`` vectors and the honest set has ``n - f``
SELECTED_SIZE = n - f
#: ``C = W ∩ S`` misses at most ``f`` of either (``|W \ S| <= f`` Byzantine vectors), so
#: ``|C| >= n - 2f``
SHARED_SIZE_MIN = n - 2 * f
#: Def. 2.3: the honest set is one of the candidates SMEA minimises over, so
#: ``lambda_max(Sigma_W) <= SMEA_LAMBDA_RATIO * lambda_max(Sigma_S)``
SMEA_LAMBDA_RATIO = sp.Integer(1)
#: ``|mean_R - mean_C| <= DIAMETER`` for ``R, C`` of honest vectors in the ``L``-ball
DIAMETER = 2 * GRADIENT_NORM


def variance_ceiling_1d(mean: sp.Expr) -> sp.Expr:
    """Bhatia-Davis: numbers in ``[-L, L]`` with this mean have variance at most
    ``(L - mean)(L + mean)`` (the mean of ``(L - x)(L + x) >= 0``; two points at ``+-L``
    attain it)."""
    return (GRADIENT_NORM - mean) * (GRADIENT_NORM + mean)
