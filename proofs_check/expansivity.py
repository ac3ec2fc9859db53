"""Lemma B.1 / B.2 on the quadratic family (docs/theory.md, section 1, "Expansivity").

For ``g(theta) = (a/2) theta^2 + b theta`` with ``0 <= mu <= a <= beta`` the gradient step
``G(theta) = theta - gamma g'(theta)`` is computed from ``g`` by differentiation, its
Lipschitz ratio ``|G(x) - G(y)|/|x - y| = |1 - gamma a|`` is derived, and each fact of
:mod:`proofs_check.facts` (Lemma B.2) is shown to dominate it under its own conditions.
``|1 - gamma a|`` is convex in ``a`` (the absolute value of an affine function), so its
maximum over the curvature range is at an
endpoint: both endpoints are checked, each as ``bound - (1 - gamma a) >= 0`` and
``bound + (1 - gamma a) >= 0``.  Hypotheses are written as substitutions with fresh
nonnegative slacks (:mod:`proofs_check.region`: ``gamma = (2/beta)/(1 + p)``, ...).  That
the registry's hypotheses imply these conditions is checked in :mod:`proofs_check.derive`.
"""

from __future__ import annotations

import sympy as sp

from boundkit.bounds import symbols as S
from proofs_check import facts as F
from proofs_check.core import (
    CheckResult,
    proved_nonnegative,
    proved_positive,
    q_slack,
    result,
    same,
)
from proofs_check.facts import Expansivity
from proofs_check.region import region

a = sp.Symbol("a", nonnegative=True)
b = sp.Symbol("b", real=True)
x, y = sp.symbols("x y", real=True)
theta = sp.Symbol("theta", real=True)


def step_ratio() -> sp.Expr:
    """``(G(x) - G(y))/(x - y)`` for the gradient step of the quadratic ``g``."""
    g = a / 2 * theta**2 + b * theta
    step = theta - S.gamma * sp.diff(g, theta)
    return sp.cancel((step.subs(theta, x) - step.subs(theta, y)) / (x - y))


def _dominates(bound: sp.Expr, endpoints: list[sp.Expr], hyp: dict) -> list[bool]:
    """For each endpoint ``a0``: ``bound >= |ratio(a0)|`` under the substitutions ``hyp``."""
    ratio = step_ratio()
    out = []
    for a0 in endpoints:
        r0 = ratio.subs(a, a0)
        out.append(
            proved_nonnegative((bound - r0).subs(hyp))
            and proved_nonnegative((bound + r0).subs(hyp))
        )
    return out


def _violated(bound: sp.Expr, a0: sp.Expr, hyp: dict) -> bool:
    """``bound < |ratio(a0)|`` proved (a counterexample the bound must not survive)."""
    r0 = step_ratio().subs(a, a0)
    return proved_positive((r0 - bound).subs(hyp)) or proved_positive((-r0 - bound).subs(hyp))


def check_step_is_affine() -> CheckResult:
    """Lemma B.2 setup: the ratio is ``1 - gamma a``, independent of ``x, y, b`` (affine in a)."""
    ratio = step_ratio()
    ok = same(ratio, 1 - S.gamma * a) and sp.diff(ratio, a, 2) == 0
    return result(
        "expansivity/quadratic-step-ratio",
        ok,
        "(G(x)-G(y))/(x-y) from g = (a/2)theta^2 + b theta vs 1 - gamma*a (affine in a)",
        ratio=ratio,
    )


def _covers(fact: Expansivity) -> list[bool]:
    """``fact.factor >= |1 - gamma a|`` at both ends of its curvature range, under its own
    conditions (written with slacks)."""
    return _dominates(fact.factor, list(fact.curvature), region(fact.conditions).substitution)


def check_expansive_smooth(fact: Expansivity = F.SMOOTH) -> CheckResult:
    """Lemma B.2(i): ``|1 - gamma a| <= 1 + gamma beta`` for ``a in [-beta, beta]``, with
    equality at ``a = -beta`` (the factor cannot be lowered)."""
    oks = _covers(fact)
    attained = same(fact.factor, abs(step_ratio().subs(a, -S.beta)))
    return result(
        "expansivity/B.2(i)-smooth",
        all(oks) and attained,
        f"{fact.factor} >= |1 - gamma*a| at a = -beta, beta: {oks}; attained at a = -beta: "
        f"{attained}",
    )


def check_expansive_convex(fact: Expansivity = F.CONVEX) -> CheckResult:
    """Lemma B.2(ii): convex, ``gamma <= 2/beta``: ``|1 - gamma a| <= 1`` on ``[0, beta]``;
    the step condition cannot be widened (``gamma = 3/beta`` breaks the factor at ``a = beta``).
    """
    oks = _covers(fact)
    broken = _violated(fact.factor, S.beta, {S.gamma: 3 / S.beta})
    return result(
        "expansivity/B.2(ii)-convex",
        all(oks) and broken,
        f"factor {fact.factor} >= |1 - gamma*a| at a = 0, beta under {fact.conditions}: {oks}; "
        f"fails at gamma = 3/beta: {broken}",
    )


def check_expansive_strongly_convex(
    fact: Expansivity = F.STRONGLY_CONVEX, relaxed: Expansivity = F.STRONGLY_CONVEX_RELAXED
) -> CheckResult:
    """Lemma B.2(iii): ``|1 - gamma a| <= 1 - gamma beta mu/(beta+mu)`` on ``[mu, beta]`` for
    ``gamma <= 2/(beta+mu)`` (not at ``a = 0``: the curvature floor ``mu`` is needed), and the
    relaxed factor ``1 - gamma mu/2`` used by eqs. (3), (6) is at least it when ``mu <= beta``
    (and below it at ``mu = 2 beta``: the condition is needed)."""
    oks = _covers(fact)
    hyp = region(fact.conditions).substitution
    below_mu_breaks = _violated(fact.factor, sp.Integer(0), hyp)
    relax = region(relaxed.conditions).apply(relaxed.factor - fact.factor)
    above = proved_nonnegative(relax)
    needs_mu = proved_positive((fact.factor - relaxed.factor).subs(S.mu, 2 * S.beta))
    return result(
        "expansivity/B.2(iii)-strongly-convex",
        all(oks) and below_mu_breaks and above and needs_mu,
        f"{fact.factor} >= |1 - gamma*a| at a = mu, beta: {oks} (not at a = 0: "
        f"{below_mu_breaks}); relaxed {relaxed.factor} >= it under {relaxed.conditions}: "
        f"{above} (not at mu = 2 beta: {needs_mu})",
        contraction=fact.factor,
        relaxed=relaxed.factor,
    )


def check_cocoercive() -> CheckResult:
    """Lemma B.1 on the quadratic family: ``<g'(x)-g'(y), x-y> >= (1/beta)|g'(x)-g'(y)|^2``.

    The difference is computed from ``g`` and must be ``a (1 - a/beta) (x-y)^2 >= 0``
    for ``a = beta/(1 + q)``; and it must fail for ``a > beta`` (``a = 2 beta``).
    """
    g = a / 2 * theta**2 + b * theta
    dg = sp.diff(g, theta)
    gx, gy = dg.subs(theta, x), dg.subs(theta, y)
    gap = (gx - gy) * (x - y) - (gx - gy) ** 2 / S.beta
    per_sq = sp.cancel(gap / (x - y) ** 2)
    ok = proved_nonnegative(per_sq.subs(a, S.beta / (1 + q_slack)))
    too_big = sp.simplify(per_sq.subs(a, 2 * S.beta))
    return result(
        "cocoercivity/B.1-quadratic",
        ok and bool(too_big.is_negative),
        f"<g'(x)-g'(y),x-y> - |g'(x)-g'(y)|^2/beta >= 0 for a <= beta: {ok}; "
        f"< 0 at a = 2 beta: {too_big}",
        gap=sp.factor(gap),
    )
