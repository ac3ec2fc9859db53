"""Poisoning lower-bound constructions (P1), (P2), (P3) (App. D; docs/theory.md, section 3).

Layout: a pivot group of ``n - 2f`` honest workers (worker 1 holds the special sample),
group A of ``f`` honest workers, group B of ``f`` poisoned workers.  Window ``k`` keeps
``f - k`` workers of B, the whole pivot group and ``k`` workers of A (the contiguous
windows of the sorted gradients); its variance is computed with weighted moments for a
symbolic ``k``, and all subsets are brute-forced on a grid.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from boundkit.bounds import Result, get
from boundkit.bounds import symbols as S
from proofs_check.core import (
    CheckResult,
    f_pos,
    is_zero,
    merge_pool,
    proved_nonnegative,
    proved_positive,
    result,
    same,
    smea_choice,
    weighted_mean,
    weighted_variance,
)
from proofs_check.recursions import geometric_sum
from proofs_check.region import region

n, f, m, L, T, gamma, mu = S.n, S.f, S.m, S.L, S.T, S.gamma, S.mu
k = sp.Symbol("k", nonnegative=True, integer=True)
_a, _b, _s = sp.symbols("a b s", nonnegative=True)
_s_pos = sp.Symbol("s_pos", positive=True)


def p1_window(sign: int, kk: object, nn: object, ff: object, mm: object, lip: object) -> list:
    """Window ``k`` of (P1) gradients; ``sign = -1`` in ``S`` (special sample ``-L``), +1 in ``S'``.

    ``f - k`` of B at ``-L``; worker 1 at ``sign L/m`` (one special sample, ``m - 1`` zeros);
    ``n - 2f - 1`` pivot workers at 0; ``k`` of A at ``+L``.
    """
    return [(-lip, ff - kk), (sign * lip / mm, 1), (0 * lip, nn - 2 * ff - 1), (lip, kk)]


def p1_pool(sign: int, nn: int, ff: int, mm: int) -> list[tuple[Fraction, int]]:
    """Every worker's (P1) gradient ``[(value, count)]`` (``L = 1``): B, worker 1, pivot, A."""
    return merge_pool(
        [
            (Fraction(-1), ff),
            (Fraction(sign, mm), 1),
            (Fraction(0), nn - 2 * ff - 1),
            (Fraction(1), ff),
        ]
    )


def check_p1_choice_symbolic() -> CheckResult:
    """App. D.2: SMEA picks pivot+B in ``S`` and pivot+A in ``S'``, strictly, for symbolic n, f, m.

    ``Var_k - Var_0 > 0`` for ``1 <= k <= f`` in ``S`` and ``Var_k - Var_f > 0`` for
    ``0 <= k <= f - 1`` in ``S'`` (``k = 1 + a``, ``f = k + b`` resp. ``k = a``,
    ``f = k + 1 + b``, ``n = 2f + 1 + s``, all slacks >= 0).
    """
    var_s = weighted_variance(p1_window(-1, k, n, f, m, L))
    var_sp = weighted_variance(p1_window(+1, k, n, f, m, L))
    d_s = sp.factor(var_s - var_s.subs(k, 0))
    d_sp = sp.factor(var_sp - var_sp.subs(k, f))
    sub_s = {f: 1 + _a + _b}
    sub_sp = {f: 1 + _a + _b}
    ok_s = proved_positive(d_s.subs(n, 2 * f + 1 + _s).subs(sub_s).subs(k, 1 + _a))
    ok_sp = proved_positive(d_sp.subs(n, 2 * f + 1 + _s).subs(sub_sp).subs(k, _a))
    # the contrast the pairwise identity predicts, from the ends: pivot+B vs pivot+A
    ends_s = sp.factor(var_s.subs(k, f) - var_s.subs(k, 0))
    ends_sp = sp.factor(var_sp.subs(k, 0) - var_sp.subs(k, f))
    return result(
        "P1/SMEA-choice-symbolic",
        ok_s and ok_sp,
        f"S: Var(window k) > Var(pivot+B) for 1<=k<=f: {ok_s}; "
        f"S': Var(window k) > Var(pivot+A) for k<f: {ok_sp}",
        S_diff=d_s,
        Sprime_diff=d_sp,
        S_A_minus_B=ends_s,
        Sprime_B_minus_A=ends_sp,
    )


def check_p1_choice_bruteforce(
    grid: tuple[tuple[int, int, int], ...] = tuple(
        (nn, ff, mm) for nn in range(3, 12) for ff in range(1, (nn + 1) // 2) for mm in (1, 2, 5)
    ),
) -> CheckResult:
    """App. D.2 on a grid: over every subset of ``n - f`` workers the minimiser is unique up to
    relabelling and its mean is ``-+L(f + 1/m)/(n - f)`` (exact rationals, ``L = 1``)."""
    bad = []
    for nn, ff, mm in grid:
        expected = Fraction(ff * mm + 1, mm * (nn - ff))
        for sign in (-1, 1):
            _, winners = smea_choice(p1_pool(sign, nn, ff, mm), nn - ff)
            means = {weighted_mean(wn) for wn in winners}
            if means != {sign * expected}:
                bad.append((nn, ff, mm, sign, sorted(means)))
    return result(
        "P1/SMEA-choice-bruteforce",
        not bad,
        f"all-subset SMEA means in S, S' vs -+L(f+1/m)/(n-f) on {len(grid)} (n, f, m)",
        failures=bad,
    )


def check_p1_tight(res: Result | None = None) -> CheckResult:
    """Thm 3.4(i): (P1) reaches eq. (5): ``L T gamma |mean_S - mean_S'|`` == registered.

    The means are those of the chosen windows (``k = 0`` in ``S``, ``k = f`` in ``S'``);
    the per-step gap ``gamma |mean_S - mean_S'|`` must also equal the increment of the
    ``thm3.3/convex`` recursion (factor 1: gradients do not depend on theta).
    """
    res = res if res is not None else get("thm3.4/gd-convex")
    mean_s = weighted_mean(p1_window(-1, 0, n, f, m, L))
    mean_sp = weighted_mean(p1_window(+1, f, n, f, m, L))
    gap = sp.simplify(mean_sp - mean_s)  # positive: (f + 1/m) 2L/(n - f)
    positive = proved_positive(gap.subs(n, 2 * f + _s_pos))
    ok_bound = same(L * T * gamma * gap, res.expression)
    upper = get("thm3.3/convex").recursion
    ok_incr = same(gamma * gap, upper.increment) and upper.factor == 1
    return result(
        f"P1/tight/{res.id}",
        positive and ok_bound and ok_incr,
        f"L*T*gamma*|mean_S - mean_S'| vs registered {res.id}: {ok_bound}; per-step gap vs "
        f"thm3.3/convex increment: {ok_incr}",
        mean_S=sp.factor(mean_s),
        mean_Sprime=sp.factor(mean_sp),
        registered=res.expression,
    )


def p2_iterate(center: sp.Expr) -> sp.Expr:
    """``theta_T`` of ``theta_{t+1} = theta_t - gamma mu (theta_t - c)`` from 0, by ``rsolve``."""
    th = sp.Function("theta")
    sol = sp.rsolve(th(S.t + 1) - th(S.t) + gamma * mu * (th(S.t) - center), th(S.t), {th(0): 0})
    return sol.subs(S.t, T)


def check_p2_stability(res: Result | None = None) -> CheckResult:
    """Thm 3.4(ii), App. D.3: (P2) stability == registered ``thm3.4/gd-strongly-convex``.

    Loss ``(mu/2)(theta - z)^2``; the chosen groups (fixed, the variance of
    ``mu(theta - z_i)`` does not depend on theta) have means ``c = -+R(f+1/m)/(n-f)``
    (computed from the groups); ``theta_T`` from ``rsolve``; the sup over ``z in [-R, R]``
    of ``|l(theta_T; z) - l(theta'_T; z)|`` (affine in ``z``: endpoints) at ``R = L/(2 mu)``.
    """
    res = res if res is not None else get("thm3.4/gd-strongly-convex")
    R = sp.Symbol("R", positive=True)
    z = sp.Symbol("z", real=True)
    c_s = weighted_mean(p1_window(-1, 0, n, f, m, R))
    c_sp = weighted_mean(p1_window(+1, f, n, f, m, R))
    th_s, th_sp = p2_iterate(c_s), p2_iterate(c_sp)

    def loss(th: sp.Expr) -> sp.Expr:
        return mu / 2 * (th - z) ** 2

    diff = sp.expand(loss(th_s) - loss(th_sp))
    affine = sp.diff(diff, z, 2) == 0
    ends = [sp.simplify(diff.subs(z, e).subs(R, L / (2 * mu))) for e in (-R, R)]
    target = res.expression
    ok_ends = all(same(e, target) or same(e, -target) for e in ends)
    # target >= 0 inside the registered hypotheses (their step rule written with a slack):
    # 0 <= 1 - gamma mu < 1, so the iterates approach their centres without overshooting
    contraction = region(res.hypotheses).apply(1 - gamma * mu)
    ok_sign = proved_positive(1 - contraction) and proved_nonnegative(contraction)
    lip = sp.simplify(sp.Max(*[abs(mu * (th - zz)) for th in (-R, R) for zz in (-R, R)]))
    ok_lip = same(lip.subs(R, L / (2 * mu)), L)
    return result(
        f"P2/stability/{res.id}",
        affine and ok_ends and ok_sign and ok_lip,
        f"sup_z |l(theta_T;z) - l(theta'_T;z)| from rsolve at R = L/(2mu) vs registered: "
        f"{ok_ends}; 0 <= 1 - gamma*mu < 1 under the registered hypotheses: {ok_sign}; "
        f"Lipschitz 2 mu R = L: {ok_lip}",
        theta_T=sp.factor(th_s),
        endpoints=ends,
        registered=target,
    )


def check_p2_ratio_to_eq6() -> CheckResult:
    """(P2): ``eps / eq.(6) = (1 - (1-gamma mu)^T)/8`` holds only for the T-free eq. (6).

    With ``beta = mu``: the ratio of registered ``thm3.4/gd-strongly-convex`` to the T-free
    ``simplified`` eq. (6) must be ``(1 - (1-gamma mu)^T)/8``; to the full eq. (6) it must be
    ``(1 - (1-gamma mu)^T) / (8 (1 - (1-gamma mu/2)^T))``, which is not the reconstruction's formula
    (e.g. ``1/4`` at ``T = 1``, ``gamma = 1/mu``), lies in ``[1/8, 1/4]`` on a grid and tends
    to ``1/8`` as ``T -> oo``.
    """
    lower = get("thm3.4/gd-strongly-convex").expression
    upper = get("thm3.3/strongly-convex")
    theory = (1 - (1 - gamma * mu) ** T) / 8
    vs_simplified = sp.simplify(lower / upper.simplified.subs(S.beta, mu))
    ok_simpl = same(vs_simplified, theory)
    vs_full = sp.simplify(lower / upper.expression.subs(S.beta, mu))
    stated_full = (1 - (1 - gamma * mu) ** T) / (8 * (1 - (1 - gamma * mu / 2) ** T))
    x = sp.Symbol("x", positive=True)  # gamma*mu
    ok_full = is_zero((vs_full - stated_full).subs(gamma, x / mu))
    at_one = vs_full.subs({gamma: 1 / mu, T: 1})
    theory_wrong = sp.simplify(at_one - theory.subs({gamma: 1 / mu, T: 1})) != 0
    grid_ok = all(
        sp.Rational(1, 8)
        <= vs_full.subs({gamma: sp.Rational(j, 10) / mu, T: tt})
        <= sp.Rational(1, 4)
        for j in range(1, 11)
        for tt in (1, 2, 3, 5, 10, 40)
    )
    lim = sp.limit(stated_full.subs(gamma, sp.Rational(1, 2) / mu), T, sp.oo)
    return result(
        "P2/ratio-to-eq6",
        ok_simpl and ok_full and theory_wrong and grid_ok and lim == sp.Rational(1, 8),
        f"P2/eq6(T-free) == (1-(1-gamma mu)^T)/8: {ok_simpl}; P2/eq6(full) == "
        f"(1-(1-gamma mu)^T)/(8(1-(1-gamma mu/2)^T)): {ok_full} (= {at_one} at T=1, "
        f"gamma=1/mu, not 1/8); in [1/8, 1/4] on grid: {grid_ok}; T->oo: {lim}",
        ratio_full=vs_full,
        ratio_simplified=vs_simplified,
    )


def check_p3_closed_form() -> CheckResult:
    """(P3), App. D.4: the closed form of ``E|gap|`` against its unrolled expectation.

    With ``h = n - f``, ``c = 1 - gamma f b/h``, ``r = 1 - 1/m``, the per-step expected
    increment ``(gamma L/h)(1/m + f (1 - r^{t+1}))`` (special sample drawn by step ``t``),
    unrolled with factor ``c`` (``summation``), must equal the reconstruction's closed form; its
    ``b -> 0`` limit must equal ``(gamma L/h)((f+1/m) T - f(m-1)(1-r^T))``, exceed the
    registered ``thm3.4/sgd-convex`` / L, and its ratio to eq. (5) must be < 1/2 -> 1/2.
    """
    h = n - f
    r = 1 - 1 / m
    cs, rs = sp.symbols("c r", positive=True)

    # unrolled: sum_{j<T} c^(T-1-j) (gamma L/h) (1/m + f (1 - r^(j+1))), by geometric sums
    # (the sum is a polynomial in c: its b -> 0 limit is its value at c = 1)
    def unrolled(c: sp.Expr) -> sp.Expr:
        return (
            gamma
            * L
            / h
            * (
                (1 / m + f) * geometric_sum(1 / c, T, generic=True) * c ** (T - 1)
                - f * rs * c ** (T - 1) * geometric_sum(rs / c, T, generic=True)
            )
        )

    closed = (
        gamma
        * L
        / h
        * ((f + 1 / m) * (1 - cs**T) / (1 - cs) - f * rs * (rs**T - cs**T) / (rs - cs))
    )
    ok_closed = is_zero(sp.simplify(unrolled(cs) - closed))
    lim_b0 = unrolled(sp.Integer(1)).subs(rs, r)
    stated = gamma * L / h * ((f + 1 / m) * T - f * (m - 1) * (1 - r**T))
    ok_lim = same(lim_b0, stated)
    # r**T as a symbol rT in (0, 1]: rT = 1/(1 + u), and m = 1 + mm with mm >= 0
    r_t, u, mm = sp.Symbol("rT", positive=True), sp.Symbol("u", nonnegative=True), _a
    stated_r = gamma * L / h * ((f + 1 / m) * T - f * (m - 1) * (1 - r_t))
    hyp = {r_t: 1 / (1 + u), m: 1 + mm}
    registered = get("thm3.4/sgd-convex").expression / L
    excess = sp.factor((stated_r - registered) * h / (gamma * L))
    ok_excess = proved_positive(excess.subs(hyp).subs(f, f_pos))  # f >= 1 (hypothesis)
    eq5 = get("thm3.3/convex").expression
    ratio = sp.simplify(L * stated_r / eq5)
    half_gap = sp.factor(sp.Rational(1, 2) - ratio)
    below_half = sp.simplify(half_gap.subs(m, 1)) == 0 and proved_positive(
        half_gap.subs({r_t: 1 / (1 + u), m: 2 + mm, f: f_pos}).subs(u, u + _s_pos)
    )
    # 0 <= 1/2 - ratio <= (its value at rT = 0) -> 0 as T -> oo
    envelope = half_gap.subs(r_t, 0)
    lim_half = proved_nonnegative((envelope - half_gap).subs(hyp)) and (
        sp.limit(envelope, T, sp.oo) == 0
    )
    return result(
        "P3/closed-form",
        ok_closed and ok_lim and ok_excess and below_half and lim_half,
        f"closed form == unrolled expectation: {ok_closed}; b->0 limit as stated: {ok_lim}; "
        f"> registered thm3.4/sgd-convex: {ok_excess}; eps/eq5 < 1/2 for m >= 2 (= 1/2 at "
        f"m = 1): {below_half}; -> 1/2 as T -> oo: {lim_half}",
        limit_b0=sp.factor(lim_b0),
        excess_over_registered=excess,
        half_minus_ratio_to_eq5=half_gap,
    )
