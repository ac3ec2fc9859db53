"""From stability to generalization (docs/theory.md, section 4; Lemma 4.1, Prop. 2.1, App. G)."""

from __future__ import annotations

import sympy as sp

from boundkit.bounds import KAPPA_SMEA, get
from boundkit.bounds import symbols as S
from boundkit.bounds.symbols import (
    confidence_delta,
    epsilon,
    loss_bound,
    theta1,
    theta2,
    universal_c,
    z1,
    z2,
)
from proofs_check.core import CheckResult, result, same

n, f, m, L, T, gamma = S.n, S.f, S.m, S.L, S.T, S.gamma


def expected_generalization_error() -> sp.Expr:
    """Lemma 4.1 setting, from the definitions: ``E_S[R_H(A(S)) - R_S(A(S))]``.

    ``m = 1``, loss ``z theta``; ``h - 1`` honest workers hold Dirac distributions (their
    population and empirical risks coincide, symbol ``d_i`` below), the pivot worker's
    distribution is uniform on ``{z1, z2}``; ``S1`` (pivot sample ``z1``, output ``theta1``)
    and ``S2`` (``z2``, ``theta2``) each have probability 1/2.  ``R_H = (1/h) sum_i E_{D_i} l``,
    ``R_S = (1/(h m)) sum_{i,j} l(theta; z_ij)``.
    """
    h = n - f
    others = sp.Symbol("d", real=True)  # sum of the Dirac workers' sample values

    def gen(theta: sp.Expr, pivot_sample: sp.Expr) -> sp.Expr:
        population = (others * theta + (z1 + z2) / 2 * theta) / h
        empirical = (others * theta + pivot_sample * theta) / h
        return population - empirical

    return sp.Rational(1, 2) * gen(theta1, z1) + sp.Rational(1, 2) * gen(theta2, z2)


def check_lemma41() -> CheckResult:
    """Lemma 4.1 / eq. (10): derived ``E[gen]`` == registered ``lemma4.1``, and with
    ``z1 = -L, z2 = L``, ``eps = L |theta1 - theta2|``: ``|E[gen]| = eps / (2(n-f))``; the sign
    is that of ``theta1 - theta2`` (``R_H - R_S`` convention)."""
    derived = sp.simplify(expected_generalization_error())
    registered = get("lemma4.1").expression
    ok = same(derived, registered)
    at_pm_l = sp.simplify(derived.subs({z1: -L, z2: L}))
    delta = sp.Symbol("Delta", positive=True)  # theta1 - theta2 > 0
    eps_link = same(at_pm_l.subs(theta1, theta2 + delta), L * delta / (2 * (n - f)))
    return result(
        "lemma4.1/expected-gen-error",
        ok and eps_link,
        f"E[R_H - R_S] from the definitions vs registered lemma4.1: {ok}; "
        f"= eps/(2(n-f)) at z = -+L: {eps_link}",
        derived=derived,
        registered=registered,
    )


def check_prop21_consistency() -> CheckResult:
    """Prop. 2.1 vs Lemma 4.1: ``|E gen| = eps/(2(n-f)) <= eps`` (registered prop2.1 value)."""
    bound = get("prop2.1").expression
    gen = epsilon / (2 * (n - f))
    s0 = sp.Symbol("s0", nonnegative=True)  # n - f = 1 + s0 >= 1 honest workers
    slack = sp.factor((bound - gen).subs(n, f + 1 + s0))
    ok = bool(slack.is_nonnegative) and bound == epsilon
    return result(
        "prop2.1/lemma4.1-consistency",
        ok,
        f"registered prop2.1 ({bound}) - eps/(2(n-f)) >= 0: {ok}",
        slack=slack,
    )


def check_appg() -> CheckResult:
    """App. G (Bousquet et al. 2020): the registered high-probability bound behaves.

    ``epsilon = M = 0`` gives 0; with ``epsilon`` = Hardt's ``f = 0`` bound (registered
    thm3.3/convex at f = 0) it vanishes as ``m -> oo``; with ``epsilon`` = eq. (2) and
    ``f >= 1`` (``kappa_SMEA > 0``) it diverges as ``m -> oo`` (the ``log N`` factor times a
    non-vanishing stability: more data does not help under Byzantine failures).
    """
    expr = get("appG/high-probability").expression
    zero = sp.simplify(expr.subs({epsilon: 0, loss_bound: 0}))
    u = sp.Symbol("u", positive=True)  # delta = 1/(1 + u) < 1
    conf = {confidence_delta: 1 / (1 + u)}
    eps_f0 = get("thm3.3/convex").expression.subs(f, 0)
    lim_f0 = sp.limit(expr.subs(epsilon, eps_f0).subs(f, 0).subs(conf), m, sp.oo)
    eps_byz = get("thm3.1/convex").expression.subs(S.kappa, KAPPA_SMEA)
    at = {n: 7, f: 2}
    lim_byz = sp.limit(expr.subs(epsilon, eps_byz).subs(at).subs(conf), m, sp.oo)
    ok = zero == 0 and lim_f0 == 0 and lim_byz == sp.oo and universal_c in expr.free_symbols
    return result(
        "appG/high-probability-limits",
        ok,
        f"eps=M=0 -> {zero}; Hardt eps (f=0), m->oo -> {lim_f0}; eq.(2) eps (n=7, f=2), "
        f"m->oo -> {lim_byz}",
        registered=expr,
    )
