"""Robustness coefficients and the Byzantine/poisoning gap (THEORY.md s.1, s.2, s.4).

``kappa_SMEA`` (Allouah et al. 2023b, Prop. 5.1, recalled) against the universal lower
bound ``f/(n-2f)`` (Allouah et al. 2023a, Prop. 6), the Byzantine upper bound against the
poisoning one, and the limits behind Theorem 4.2.  Hypotheses are substitutions:
``n = 2f + s`` with ``f, s > 0``.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import sympy as sp

from boundkit.bounds import KAPPA_LOWER, KAPPA_SMEA, get
from boundkit.bounds import symbols as S
from proofs_check.core import (
    BRANCH_B1,
    HONEST_MAJORITY_SUBS,
    CheckResult,
    balanced,
    f_pos,
    on_branch,
    proved_nonnegative,
    proved_positive,
    result,
    same,
)

n, f, m, L, T, gamma = S.n, S.f, S.m, S.L, S.T, S.gamma


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
    """THEORY s.2: with ``n >= (2+c) f``, ``sqrt(kappa_SMEA) = O(sqrt(f/(n-2f)))``.

    ``kappa_SMEA/(f/(n-2f)) <= 4(1+c)/c`` at ``n = (2+c) f + s``, ``s >= 0``, and the bound
    is attained at ``s = 0`` (so the constant is the right one, not just an upper bound).
    """
    c = sp.Symbol("c", positive=True)
    s0 = sp.Symbol("s0", nonnegative=True)
    ratio = KAPPA_SMEA / KAPPA_LOWER
    slack = sp.factor((4 * (1 + c) / c - ratio).subs(n, (2 + c) * f_pos + s0).subs(f, f_pos))
    ok = proved_nonnegative(slack)
    tight = sp.simplify(slack.subs(s0, 0)) == 0
    return result(
        "kappa/SMEA-order-sqrt(f/(n-2f))",
        ok and tight,
        f"4(1+c)/c - kappa_SMEA/(f/(n-2f)) >= 0 for n >= (2+c)f: {ok}; = 0 at n = (2+c)f: {tight}",
        slack=slack,
    )


def check_gap_unbounded() -> CheckResult:
    """THEORY s.3 headline: (B1) limit ``gamma L^2 T (1 + sqrt(f/(n-2f)))`` / eq. (5) -> oo.

    The (B1) limit is the ``m -> oo`` limit of the registered ``thm3.2/f-ge-n/3``; along
    ``n = 2f + 1`` and ``f -> oo`` the ratio to the registered eq. (5) must diverge, and
    along ``n = 3f`` (where ``f/(n-2f) = 1``) it must stay bounded.
    """
    b1 = sp.limit(on_branch(balanced(get("thm3.2/f-ge-n/3").expression), BRANCH_B1), m, sp.oo)
    eq5 = get("thm3.3/convex").expression
    ratio = sp.simplify(b1 / eq5)
    fp = sp.Symbol("F", positive=True)
    along = sp.simplify(ratio.subs({n: 2 * fp + 1, f: fp}))
    lim = sp.limit(along, fp, sp.oo)
    bounded = sp.limit(sp.simplify(ratio.subs({n: 3 * fp, f: fp})), fp, sp.oo)
    return result(
        "gap/B1-over-eq5-unbounded",
        lim == sp.oo and bounded.is_finite is True,
        f"lim_(f->oo, n=2f+1) B1/eq5 = {lim}; along n = 3f: {bounded}",
        ratio=ratio,
        along_2f_plus_1=along,
    )


def check_thm42_ratio() -> CheckResult:
    """Thm 4.2: the registered ratio ``sqrt(f/(n-2f))(n-f)/(f+1)`` -> oo along ``n = 2f+1``,
    and has the order of (B1)/(2(n-f)) over eq.(5)/(2(n-f)) at ``m = 1`` (ratio -> 1/2)."""
    reg = get("thm4.2").expression
    fp = sp.Symbol("F", positive=True)
    along = {n: 2 * fp + 1, f: fp}
    lim = sp.limit(sp.simplify(reg.subs(along)), fp, sp.oo)
    scale = 2 * (n - f)
    # m = 1 along n = 2f + 1 with h = f + 1 even and f >= 5 (away from n in {3f, 3f - 2})
    g = sp.Symbol("G", nonnegative=True, integer=True)
    regime = ((n, 2 * f + 1), (f, 2 * g + 5), (m, 1))
    byz_gen = on_branch(balanced(get("thm3.2/f-ge-n/3").expression), regime).subs(m, 1) / scale
    poison_gen = get("thm3.3/convex").expression.subs(m, 1) / scale
    derived = sp.simplify(byz_gen / poison_gen)
    same_order = sp.limit(sp.simplify((derived / reg).subs(along)), fp, sp.oo)
    return result(
        "gap/thm4.2-ratio",
        lim == sp.oo and same_order == sp.Rational(1, 2),
        f"registered thm4.2 along n = 2f+1: -> {lim}; derived (B1/eq5 at m=1) / registered "
        f"-> {same_order}",
        derived=derived,
        registered=reg,
    )


def check_eq5_structure() -> CheckResult:
    """THEORY s.2: ``(f + 1/m)/(n - f) = f/(n-f) + 1/N`` and eq. (5) has no ``kappa``."""
    poison = get("thm3.3/convex").expression
    split = sp.simplify(poison / (2 * gamma * L**2 * T))
    ok = same(split, f / (n - f) + 1 / S.N) and S.kappa not in poison.free_symbols
    return result(
        "eq5/additive-degradation",
        ok,
        "eq.(5)/(2 gamma L^2 T) vs f/(n-f) + 1/N, and kappa-free",
        registered_over_scale=split,
    )
