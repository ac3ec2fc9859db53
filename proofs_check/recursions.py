"""Solving ``delta_{t+1} = eta*delta_t + increment``, and the ``f = 0`` checks.

docs/theory.md, section 2.

:mod:`proofs_check.derive` composes the recursion of each upper bound from the facts and
solves it here twice: with ``sympy.rsolve`` and as the unrolled geometric sum
(``summation``).  The ``f = 0`` checks compare the registered bounds with Hardt, Recht and
Singer (2016), written independently.
"""

from __future__ import annotations

import sympy as sp

from boundkit.bounds import KAPPA_SMEA, Recursion, get
from boundkit.bounds import symbols as S
from proofs_check.core import CheckResult, result, same

_k = sp.Symbol("k", integer=True, nonnegative=True)
_q = sp.Dummy("q", positive=True)


def solve_rsolve(rec: Recursion) -> sp.Expr:
    """``delta_T`` from ``sympy.rsolve`` of ``delta(t+1) = factor*delta(t) + increment``."""
    d, t = S.delta, S.t
    sol = sp.rsolve(d(t + 1) - rec.factor * d(t) - rec.increment, d(t), {d(0): rec.initial})
    if sol is None:
        raise ValueError("rsolve found no solution")
    return sol.subs(t, S.T)


def geometric_sum(factor: sp.Expr, upper: sp.Expr, generic: bool = False) -> sp.Expr:
    """``sum_{k=0}^{upper-1} factor**k`` by ``summation``, the ``factor = 1`` branch resolved.

    SymPy returns ``Piecewise((upper, q == 1), ((1-q**upper)/(1-q), True))``; the branch
    is chosen by deciding ``factor == 1`` (``factor - 1`` must be provably zero or nonzero,
    or the caller states ``generic``: ``factor != 1`` is a hypothesis).
    """
    total = sp.summation(_q**_k, (_k, 0, upper - 1))
    if not isinstance(total, sp.Piecewise):
        return total.subs(_q, factor)
    ones = sp.simplify(factor - 1)
    if ones == 0:
        return upper
    if ones.is_zero is False or generic:
        return total.args[-1][0].subs(_q, factor)
    raise ValueError(f"cannot decide whether {factor} == 1")


def solve_summation(rec: Recursion) -> sp.Expr:
    """``delta_T = factor**T * initial + increment * sum_{k<T} factor**k`` (unrolled)."""
    return rec.factor**S.T * rec.initial + rec.increment * geometric_sum(rec.factor, S.T)


def eliminate_factor(expr: sp.Expr, factor: sp.Expr) -> sp.Expr:
    """Write ``expr`` with ``factor`` as a fresh symbol (solving for ``gamma``).

    ``(1 - gamma*mu/2)**T`` and ``(2 - gamma*mu)**T/2**T`` are the same power; SymPy's
    simplify does not always see it, a single symbol ``e`` for the factor does.
    """
    if not factor.has(S.gamma):
        return expr
    e = sp.Symbol("eta", positive=True)
    (gamma_of_e,) = sp.solve(sp.Eq(factor, e), S.gamma)
    return expr.subs(S.gamma, gamma_of_e)


def check_f0_hardt(result_id: str) -> CheckResult:
    """At ``f = 0`` (so ``kappa_SMEA = 0``) the convex bound is Hardt et al.'s.

    docs/theory.md, section 2.

    Hardt, Recht, Singer (2016), Thm 3.8: ``eps <= 2 gamma L^2 T / N`` with ``N = n m``
    samples, written here independently of the registry.
    """
    res = get(result_id)
    name = f"f=0-is-Hardt/{result_id}"
    kappa0 = sp.simplify(KAPPA_SMEA.subs(S.f, 0))
    at0 = res.expression.subs(S.kappa, KAPPA_SMEA).subs(S.f, 0)
    hardt = 2 * S.gamma * S.L**2 * S.T / (S.n * S.m)
    ok = kappa0 == 0 and same(at0, hardt)
    return result(
        name,
        ok,
        f"kappa_SMEA(f=0) = {kappa0}; bound(f=0) vs 2*gamma*L^2*T/(n*m)",
        bound_at_f0=sp.simplify(at0),
        hardt=hardt,
    )


def check_f0_strongly_convex_constant() -> CheckResult:
    """Eq. (3) at ``f = 0`` is ``4L^2/(mu N)``, twice Hardt et al.'s ``2L^2/(mu N)``.

    docs/theory.md, section 2.

    Documents the constant: the ratio of the registered T-free form to Hardt's must be 2,
    and the registered (T-dependent) form must be below ``4L^2/(mu N)`` but above Hardt's
    for some valid ``T`` (so the factor is real, not an artefact of the simplification).
    """
    res = get("thm3.1/strongly-convex")
    name = "f=0-constant/thm3.1/strongly-convex"
    hardt = 2 * S.L**2 / (S.mu * S.n * S.m)
    simp0 = res.simplified.subs(S.kappa, KAPPA_SMEA).subs(S.f, 0)
    ratio = sp.simplify(simp0 / hardt)
    pt = {S.n: 5, S.m: 1, S.L: 1, S.mu: 1, S.beta: 1, S.gamma: 1, S.T: 10}
    full = res.expression.subs(S.kappa, KAPPA_SMEA).subs(S.f, 0).subs(pt)
    above_hardt = bool(full > hardt.subs(pt))
    return result(
        name,
        ratio == 2 and above_hardt,
        f"simplified(f=0) / (2L^2/(mu N)) = {ratio}; full bound exceeds Hardt's at "
        f"gamma*mu=1, T=10: {above_hardt}",
        simplified_at_f0=simp0,
        hardt=hardt,
    )
