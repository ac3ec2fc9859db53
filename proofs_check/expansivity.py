"""Lemma B.1 / B.2 on the quadratic family (THEORY.md s.1, "Expansivity").

For ``g(theta) = (a/2) theta^2 + b theta`` with ``0 <= mu <= a <= beta`` the gradient step
``G(theta) = theta - gamma g'(theta)`` is computed from ``g`` by differentiation, its
Lipschitz ratio ``|G(x) - G(y)|/|x - y| = |1 - gamma a|`` is derived, and each claimed
expansivity bound is shown to dominate it.  ``|1 - gamma a|`` is convex in ``a`` (the
absolute value of an affine function), so its maximum over ``[mu, beta]`` is at an
endpoint: both endpoints are checked, each as ``bound - (1 - gamma a) >= 0`` and
``bound + (1 - gamma a) >= 0``.  Hypotheses are written as substitutions with fresh
nonnegative slacks (``gamma = 2/(beta + p)``, ``beta = mu + q``, ...).
"""

from __future__ import annotations

import sympy as sp

from boundkit.bounds import get
from boundkit.bounds import symbols as S
from proofs_check.core import (
    CheckResult,
    p_slack,
    proved_nonnegative,
    proved_positive,
    q_slack,
    result,
    same,
)

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


def check_expansive_smooth() -> CheckResult:
    """Lemma B.2(i): ``beta``-smooth: ``|1 - gamma a| <= 1 + gamma beta`` for ``a in [0, beta]``."""
    oks = _dominates(1 + S.gamma * S.beta, [sp.Integer(0), S.beta], {})
    return result(
        "expansivity/B.2(i)-smooth",
        all(oks),
        f"1 + gamma*beta >= |1 - gamma*a| at a = 0, beta: {oks}",
    )


def check_expansive_convex() -> CheckResult:
    """Lemma B.2(ii): convex, ``gamma <= 2/beta``: ``|1 - gamma a| <= 1``, the convex factor.

    The bound compared is the recursion factor registered for ``thm3.1/convex`` and
    ``thm3.3/convex``; a sanity counterexample (``gamma = 3/beta``) must break it.
    """
    factors = sorted({get(i).recursion.factor for i in ("thm3.1/convex", "thm3.3/convex")}, key=str)
    hyp = {S.gamma: 2 / (S.beta + p_slack)}
    oks = [ok for fac in factors for ok in _dominates(fac, [sp.Integer(0), S.beta], hyp)]
    broken = all(_violated(fac, S.beta, {S.gamma: 3 / S.beta}) for fac in factors)
    factor = factors[0] if len(factors) == 1 else factors
    return result(
        "expansivity/B.2(ii)-convex",
        all(oks) and broken,
        f"registered factor {factor} >= |1 - gamma*a| at a = 0, beta under gamma <= 2/beta: "
        f"{oks}; fails at gamma = 3/beta: {broken}",
        factor=factor,
    )


def check_expansive_strongly_convex() -> CheckResult:
    """Lemma B.2(iii): ``|1 - gamma a| <= 1 - gamma beta mu/(beta+mu)``, ``gamma <= 2/(beta+mu)``.

    Then ``1 - gamma beta mu/(beta+mu) <= 1 - gamma mu/2`` (the registered strongly convex
    factor) when ``mu <= beta``, and ``gamma <= 1/beta`` (the registered step rule)
    implies ``gamma <= 2/(beta + mu)``.
    """
    contraction = 1 - S.gamma * S.beta * S.mu / (S.beta + S.mu)
    hyp = {S.gamma: 2 / (S.beta + S.mu + p_slack)}
    oks = _dominates(contraction, [S.mu, S.beta], hyp)
    below_mu_breaks = _violated(contraction, sp.Integer(0), hyp)
    factors = sorted(
        {get(i).recursion.factor for i in ("thm3.1/strongly-convex", "thm3.3/strongly-convex")},
        key=str,
    )
    below = all(
        proved_nonnegative((fac - contraction).subs(S.beta, S.mu + q_slack)) for fac in factors
    )
    factor = factors[0] if len(factors) == 1 else factors
    step_rule = proved_nonnegative((2 / (S.beta + S.mu) - 1 / S.beta).subs(S.beta, S.mu + q_slack))
    return result(
        "expansivity/B.2(iii)-strongly-convex",
        all(oks) and below and step_rule and below_mu_breaks,
        f"1 - gamma*beta*mu/(beta+mu) >= |1 - gamma*a| at a = mu, beta: {oks} "
        f"(not at a = 0: {below_mu_breaks}); "
        f"<= registered factor {factor}: {below}; gamma <= 1/beta => gamma <= 2/(beta+mu): "
        f"{step_rule}",
        contraction=contraction,
        factor=factor,
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
