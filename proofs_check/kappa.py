"""Robustness coefficients and the Byzantine/poisoning gap (docs/theory.md, sections 1, 2, 4).

``kappa_SMEA`` (Allouah et al. 2023b, Prop. 5.1, recalled) against the universal lower
bound ``f/(n-2f)`` (Allouah et al. 2023a, Prop. 6), the Byzantine upper bound against the
poisoning one, and the limits behind Theorem 4.2.  Hypotheses are substitutions:
``n = 2f + s`` with ``f, s > 0``.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import sympy as sp

from boundkit.bounds import KAPPA_LOWER, KAPPA_SMEA, KAPPA_SMEA_RECALLED, get
from boundkit.bounds import symbols as S
from boundkit.bounds.symbols import theta1, theta2, z1, z2
from proofs_check import byzantine as byz
from proofs_check import exact
from proofs_check.core import (
    HONEST_MAJORITY_SUBS,
    CheckResult,
    f_pos,
    proved_nonnegative,
    proved_positive,
    result,
    same,
    weighted_mean,
)
from proofs_check.poisoning import p1_window

n, f, m, L, T, gamma = S.n, S.f, S.m, S.L, S.T, S.gamma
_s = sp.Symbol("s", positive=True, integer=True)


def check_kappa_above_lower_symbolic() -> CheckResult:
    """``kappa_SMEA / (f/(n-2f)) - 1 > 0`` for ``0 < f < n/2`` (a positive rational function)."""
    ratio = sp.simplify(KAPPA_SMEA / KAPPA_LOWER)
    excess = sp.factor((ratio - 1).subs(HONEST_MAJORITY_SUBS))
    ok = proved_positive(excess)
    return result(
        "kappa/SMEA>=lower-symbolic",
        ok,
        f"kappa_SMEA / (f/(n-2f)) = {ratio}; minus 1 at n = 2f + s is positive: {ok}",
        excess=excess,
    )


def _as_fraction_function(expr: sp.Expr) -> Callable[[Fraction, Fraction], object]:
    """``expr(n, f)`` as a Python function of two ``Fraction``s (exact arithmetic)."""
    return sp.lambdify((n, f), expr, modules=[{}])


def check_kappa_exhaustive(n_max: int = 500) -> CheckResult:
    """For every ``n <= n_max`` and ``1 <= f < n/2``, exactly: ``kappa_SMEA >= f/(n-2f)`` and
    ``kappa_SMEA >= (f/(n-f))^2`` (``sqrt(kappa_SMEA) >= f/(n-f)``, Byzantine above poisoning)."""
    smea = _as_fraction_function(KAPPA_SMEA)
    lower = _as_fraction_function(KAPPA_LOWER)
    bad: list[tuple[int, int]] = []
    pairs = 0
    for nn in range(3, n_max + 1):
        for ff in range(1, (nn + 1) // 2):
            pairs += 1
            fn, ffr = Fraction(nn), Fraction(ff)
            k = smea(fn, ffr)
            if not isinstance(k, Fraction) or k < lower(fn, ffr) or k < (ffr / (fn - ffr)) ** 2:
                bad.append((nn, ff))
    return result(
        "kappa/SMEA>=lower-exhaustive",
        not bad,
        f"exact rationals, all {pairs} pairs n <= {n_max}, 1 <= f < n/2: {len(bad)} violations",
        first_violations=bad[:5],
    )


def check_byzantine_above_poisoning() -> CheckResult:
    """Thm 3.1 vs Thm 3.3 (convex): ``2 gamma L^2 T (1/N + sqrt(kappa_SMEA))`` >= eq. (5).

    Both registered expressions minus their common ``2 gamma L^2 T/N`` part leave
    ``sqrt(kappa_SMEA)`` and ``f/(n-f)``; squares of these nonnegative terms are compared.
    """
    byz = get("thm3.1/convex").expression.subs(S.kappa, KAPPA_SMEA)
    poison = get("thm3.3/convex").expression
    scale = 2 * gamma * L**2 * T
    byz_extra = sp.simplify(byz / scale - 1 / S.N)
    poison_extra = sp.simplify(poison / scale - 1 / S.N)
    gap_sq = sp.factor((sp.expand(byz_extra**2) - poison_extra**2).subs(HONEST_MAJORITY_SUBS))
    ok = proved_positive(gap_sq) and proved_nonnegative(poison_extra.subs(HONEST_MAJORITY_SUBS))
    return result(
        "kappa/byzantine-bound>=poisoning-bound",
        ok,
        "eq.(2) with kappa_SMEA minus eq.(5): (sqrt(kappa_SMEA))^2 - (f/(n-f))^2 > 0 at "
        f"n = 2f + s: {ok}",
        byzantine_extra=byz_extra,
        poisoning_extra=poison_extra,
        squares_gap=gap_sq,
    )


def check_kappa_order() -> CheckResult:
    """docs/theory.md, section 2: with ``n >= (2+c) f``, ``sqrt(kappa) = O(sqrt(f/(n-2f)))`` for the
    recalled coefficient (the sharp ``kappa* = 4f/(n-2f)`` has the ratio 4 exactly).

    ``kappa_recalled/(f/(n-2f)) <= 4(1+c)/c`` at ``n = (2+c) f + s``, ``s >= 0``, and the bound
    is attained at ``s = 0`` (so the constant is the right one, not just an upper bound).
    """
    c = sp.Symbol("c", positive=True)
    s0 = sp.Symbol("s0", nonnegative=True)
    ratio = KAPPA_SMEA_RECALLED / KAPPA_LOWER
    slack = sp.factor((4 * (1 + c) / c - ratio).subs(n, (2 + c) * f_pos + s0).subs(f, f_pos))
    ok = proved_nonnegative(slack)
    tight = sp.simplify(slack.subs(s0, 0)) == 0
    return result(
        "kappa/SMEA-order-sqrt(f/(n-2f))",
        ok and tight,
        f"4(1+c)/c - kappa_SMEA/(f/(n-2f)) >= 0 for n >= (2+c)f: {ok}; = 0 at n = (2+c)f: {tight}",
        slack=slack,
    )


def byzantine_reach_along_squares() -> tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]:
    """A (B1)/(B2) layout whose reach is a closed form along ``h = s^2``: ``n = 2s^2 - 1``,
    ``f = s^2 - 1`` (``n - 2f = 1``), ``m = 1``, ``p = (s - 2)(s + 1)/2`` honest at ``+L``
    (the integer stationary side size).  Returns the derived per-step gap over ``gamma L``
    (:func:`proofs_check.byzantine.derived_top_gap`) there, and the substitution."""
    at = {n: 2 * _s**2 - 1, f: _s**2 - 1, m: sp.Integer(1), byz.p: (_s - 2) * (_s + 1) / 2}
    return sp.simplify(byz.derived_top_gap().subs(at)), at


def check_gap_unbounded() -> CheckResult:
    """Thm 3.2 against eq. (5): Byzantine reach / eq. (5) -> oo, with the registered lower bound.

    The rates of Table 1 (docs/theory.md, section 5).

    Along ``h = s^2`` (:func:`byzantine_reach_along_squares`) the derived reach over the
    registered eq. (5) (both over ``gamma L^2 T``) diverges as ``s -> oo``; the registered
    ``thm3.2/f-ge-n/3`` is at least that reach at ``s = 3, 4`` (exactly).
    """
    reach, at = byzantine_reach_along_squares()
    eq5 = get("thm3.3/convex").expression / byz.derived_scale()
    ratio = sp.simplify(reach / eq5.subs(at))
    lim = sp.limit(ratio, _s, sp.oo)
    registered = get("thm3.2/f-ge-n/3")
    above = [
        exact.compare(
            byz.registered_over_scale(registered, *(int(at[x].subs(_s, s)) for x in (n, f, m))),
            reach.subs(_s, s),
        )
        >= 0
        for s in (3, 4)
    ]
    return result(
        "gap/thm3.2-over-eq5-unbounded",
        lim == sp.oo and all(above),
        f"derived reach / eq.(5) along n = 2s^2 - 1, f = s^2 - 1, m = 1: -> {lim}; registered "
        f"thm3.2 >= reach at s = 3, 4: {above}",
        ratio=ratio,
    )


THM42_GRID: tuple[tuple[int, int], ...] = ((5, 2), (7, 3), (9, 4), (9, 3), (6, 2), (7, 2), (11, 5))


def check_thm42_ratio(grid: tuple[tuple[int, int], ...] = THM42_GRID) -> CheckResult:
    """Thm 4.2: registered ratio == what the constructions reach, and it is unbounded.

    In the Lemma 4.1 setting (``m = 1``) the expected generalization error is the registered
    ``lemma4.1`` identity, ``L (theta_1 - theta_2)/(2(n - f))`` at ``z = -+L``: the ratio of
    the two threat models is the ratio of the per-step gaps.  Byzantine: the exact
    brute-force sup of the (B1)/(B2) family (:func:`proofs_check.byzantine.halves_reach`);
    poisoning: (P1), which reaches eq. (5), whose gap is derived from its chosen windows.
    At every grid point the registered ``thm4.2`` must equal that ratio exactly; along
    ``h = s^2`` the derived ratio diverges.
    """
    res = get("thm4.2")
    theta = sp.Symbol("Delta", positive=True)  # theta_1 - theta_2
    gen = get("lemma4.1").expression.subs({z1: -L, z2: L, theta1: theta2 + theta})
    one = sp.Integer(1)  # m = 1, over L
    p1_gap = sp.simplify(
        weighted_mean(p1_window(+1, f, n, f, one, one))
        - weighted_mean(p1_window(-1, 0, n, f, one, one))
    )
    bad = []
    for nn, ff in grid:
        reach = byz.halves_reach(nn, ff, 1)[0].sympy()
        derived = (gen.subs(theta, reach) / gen.subs(theta, p1_gap)).subs({n: nn, f: ff})
        registered = res.expression.subs({n: nn, f: ff})
        try:
            if exact.compare(registered, sp.simplify(derived)) != 0:
                bad.append((nn, ff, float(registered), float(derived)))
        except (TypeError, ArithmeticError) as exc:
            bad.append((nn, ff, str(exc)))
    reach, at = byzantine_reach_along_squares()
    ratio = sp.simplify(reach / p1_gap.subs(at))
    lim = sp.limit(ratio, _s, sp.oo)
    return result(
        "gap/thm4.2-ratio",
        not bad and lim == sp.oo,
        f"registered thm4.2 vs (B1/B2 reach)/(P1 gap) at m = 1 via lemma4.1 on {len(grid)} "
        f"(n, f): {len(grid) - len(bad)} equal; along n = 2s^2 - 1: -> {lim}",
        problems=bad,
        p1_gap=p1_gap,
        registered=res.expression,
    )


def check_eq5_structure() -> CheckResult:
    """``(f + 1/m)/(n - f) = f/(n-f) + 1/N`` and eq. (5) has no ``kappa``.

    docs/theory.md, section 2.
    """
    poison = get("thm3.3/convex").expression
    split = sp.simplify(poison / (2 * gamma * L**2 * T))
    ok = same(split, f / (n - f) + 1 / S.N) and S.kappa not in poison.free_symbols
    return result(
        "eq5/additive-degradation",
        ok,
        "eq.(5)/(2 gamma L^2 T) vs f/(n-f) + 1/N, and kappa-free",
        registered_over_scale=split,
    )
