"""Upper bounds re-derived from their per-step recursions (THEORY.md s.2).

Theorems 3.1 and 3.3 state ``delta_{t+1} <= eta*delta_t + increment``; the registered
bound is ``link * delta_T`` from ``delta_0 = 0``.  The checks here solve that recursion
with ``sympy.rsolve`` and, independently, as the unrolled geometric sum (``summation``),
and iterate it in exact rationals at random valid points, never reading the registered
closed form except as the thing compared against.
"""

from __future__ import annotations

import zlib

import sympy as sp

from boundkit.bounds import KAPPA_SMEA, Recursion, Result, get
from boundkit.bounds import symbols as S
from proofs_check.core import (
    CheckResult,
    is_zero,
    p_slack,
    proved_positive,
    q_slack,
    result,
    rng,
    same,
    valid_point,
)

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


def _eliminate_factor(expr: sp.Expr, factor: sp.Expr) -> sp.Expr:
    """Write ``expr`` with ``factor`` as a fresh symbol (solving for ``gamma``).

    ``(1 - gamma*mu/2)**T`` and ``(2 - gamma*mu)**T/2**T`` are the same power; SymPy's
    simplify does not always see it, a single symbol ``e`` for the factor does.
    """
    if not factor.has(S.gamma):
        return expr
    e = sp.Symbol("eta", positive=True)
    (gamma_of_e,) = sp.solve(sp.Eq(factor, e), S.gamma)
    return expr.subs(S.gamma, gamma_of_e)


def iterate(rec: Recursion, point: dict[sp.Symbol, sp.Expr]) -> sp.Expr:
    """``link * delta_T`` by running the recursion ``T`` times in exact arithmetic."""
    factor = rec.factor.subs(point)
    increment = rec.increment.subs(point)
    value = rec.initial.subs(point)
    for _ in range(int(point[S.T])):
        value = factor * value + increment
    return sp.nsimplify(rec.link.subs(point) * value)


def check_recursion(res: Result, points: int = 12) -> CheckResult:
    """Thm 3.1 / 3.3 (THEORY s.2): registered bound == link * solution of its recursion.

    Three derivations are compared with ``res.expression``: ``rsolve``, the unrolled
    geometric ``summation``, and ``points`` exact iterations at random valid points.
    """
    name = f"recursion/{res.id}"
    rec = res.recursion
    if rec is None:
        return result(name, False, "no recursion registered")
    by_rsolve = rec.link * solve_rsolve(rec)
    by_sum = rec.link * solve_summation(rec)
    ok_rsolve = is_zero(_eliminate_factor(by_rsolve - res.expression, rec.factor))
    ok_sum = is_zero(_eliminate_factor(by_sum - res.expression, rec.factor))
    r = rng(zlib.crc32(res.id.encode()))
    strong = rec.factor != 1
    bad = []
    for _ in range(points):
        pt = valid_point(r, strong=strong)
        if iterate(rec, pt) != res.expression.subs(pt):
            bad.append(pt)
    passed = ok_rsolve and ok_sum and not bad
    return result(
        name,
        passed,
        f"L*delta_T (rsolve: {ok_rsolve}, summation: {ok_sum}, "
        f"{points - len(bad)}/{points} exact iterations) vs registered",
        rsolve=by_rsolve,
        summation=by_sum,
        registered=res.expression,
        failing_points=bad,
    )


def check_simplified_dominates(res: Result) -> CheckResult:
    """Eq. (3)/(6): the T-free ``simplified`` form is >= the bound for valid parameters.

    ``simplified - expression`` must equal ``simplified * eta**T`` with ``eta`` the
    recursion factor, and ``0 < eta < 1`` under ``gamma <= 1/beta``, ``mu <= beta``
    (written ``gamma = 1/(beta + p)``, ``mu = beta/(1 + q)``, ``p, q >= 0``).
    """
    name = f"simplified>=bound/{res.id}"
    if res.simplified is None or res.recursion is None:
        return result(name, False, "no simplified form or recursion registered")
    eta = res.recursion.factor
    gap_ratio = (res.simplified - res.expression) / res.simplified
    is_power = is_zero(_eliminate_factor(gap_ratio - eta**S.T, eta))
    hyp = {S.gamma: 1 / (S.beta + p_slack), S.mu: S.beta / (1 + q_slack)}
    eta_h = eta.subs(hyp)
    in_unit = proved_positive(eta_h) and proved_positive(1 - eta_h)
    simp_pos = proved_positive(res.simplified.subs({S.n: 2 * S.f + sp.Symbol("s", positive=True)}))
    return result(
        name,
        is_power and in_unit and simp_pos,
        f"(simplified - bound)/simplified == eta^T: {is_power}; 0 < eta < 1: {in_unit}; "
        f"simplified > 0: {simp_pos}",
        eta=eta,
        eta_under_hypotheses=eta_h,
    )


def check_f0_hardt(result_id: str) -> CheckResult:
    """THEORY s.2: at ``f = 0`` (so ``kappa_SMEA = 0``) the convex bound is Hardt et al.'s.

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
    """THEORY s.2: eq. (3) at ``f = 0`` is ``4L^2/(mu N)``, twice Hardt et al.'s ``2L^2/(mu N)``.

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
