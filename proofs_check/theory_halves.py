"""The reconstruction's equal-halves layout of (B1), (B2) (App. C.3), symbolically.

Not the registered bounds: the registered ``thm3.2`` entries use the optimised split
(:data:`boundkit.bounds.HALVES_GAP`, checked in :mod:`proofs_check.byzantine`).  These checks
re-derive the reconstruction's own claims about that layout (docs/theory.md, "Where we differ") from
the data and compare them with :data:`boundkit.bounds.HALVES_GAP_BALANCED`, the closed form boundkit
keeps for it.

Honest data in ``S'`` (``h = n - f`` even, linear loss, GD): ``h/2`` workers whose ``m``
samples are all ``+L``, ``h/2 - 1`` all ``-L``, and one worker with ``m - 1`` samples
``-L`` and one ``+L`` (full-batch gradient ``L(2 - m)/m``).  Every variance below is
computed from this data with weighted moments.
"""

from __future__ import annotations

import sympy as sp

from boundkit.bounds import HALVES_GAP_BALANCED, SIGMA_M_SQUARED
from boundkit.bounds import symbols as S
from proofs_check.core import (
    BRANCH_B1,
    BRANCH_B2,
    CheckResult,
    is_zero,
    on_branch,
    result,
    s_gap,
    same,
    weighted_mean,
    weighted_variance,
)

n, f, m, L = S.n, S.f, S.m, S.L
h = n - f
v = sp.Symbol("v", real=True)
w = sp.Symbol("w", positive=True)  # v = L + w, the push above +L
W2 = sp.Symbol("W2", positive=True)  # w**2


def theory_push(regime: tuple) -> sp.Expr:
    """The equal-halves per-step output gap over ``gamma``, ``L * HALVES_GAP_BALANCED`` on the
    even-``h`` branch of ``regime`` (:data:`BRANCH_B1` or :data:`BRANCH_B2`)."""
    return L * on_branch(HALVES_GAP_BALANCED, regime)


def honest_pool(hh: object, mm: object, lip: object) -> list[tuple[object, object]]:
    """Honest full-batch gradients ``[(value, count)]`` of (B1)/(B2) in ``S'``, ``h`` even."""
    return [(lip, hh / 2), (-lip, hh / 2 - 1), (lip * (2 - mm) / mm, 1)]


def honest_variance() -> sp.Expr:
    """``Var`` of the honest gradients in ``S'``, symbolic in ``n, f, m, L``."""
    return sp.factor(weighted_variance(honest_pool(h, m, L)))


def b1_window(value: sp.Expr) -> list[tuple[sp.Expr, sp.Expr]]:
    """(B1) window: ``f`` Byzantine copies of ``value`` and the ``n - 2f`` top ``+L``'s."""
    return [(value, f), (L, n - 2 * f)]


def b2_window(value: sp.Expr) -> list[tuple[sp.Expr, sp.Expr]]:
    """(B2) window at finite ``m``: ``f x value``, ``h/2 x +L``, the changed worker, rest ``-L``."""
    return [(value, f), (L, h / 2), (L * (2 - m) / m, 1), (-L, h / 2 - f - 1)]


def check_b1_honest_variance() -> CheckResult:
    """App. C.3: honest variance in ``S'`` == ``L^2 sigma_m^2`` (registry ``SIGMA_M_SQUARED``).

    Also decides the reconstruction's spelling: ``sigma_m^2 = 1 - 4(m-1)/(m^2 N) - 4/(m^2 N^2)``
    with ``N = h m`` differs from the data (for ``m >= 2``), the ``h = n - f`` spelling matches.
    """
    var = honest_variance()
    stated = L**2 * SIGMA_M_SQUARED
    big_n = h * m
    theory_n = L**2 * (1 - 4 * (m - 1) / (m**2 * big_n) - 4 / (m**2 * big_n**2))
    ok = same(var, stated)
    n_spelling_wrong = not is_zero((var - theory_n).subs(m, 2))
    return result(
        "theory/B1-honest-variance",
        ok and n_spelling_wrong,
        f"Var(honest gradients in S') vs L^2*SIGMA_M_SQUARED: {ok}; the reconstruction's "
        f"N-spelling of sigma_m differs from the data: {n_spelling_wrong} (h = n - f is right)",
        variance=var,
        sigma_m_squared=stated,
        theory_with_N=theory_n,
    )


def check_b1_supremum() -> CheckResult:
    """App. C.3(i): the tie ``Var(window) = Var(honest)`` gives the equal-halves supremum.

    ``Var(window)`` at ``v = L + w`` is ``K w^2`` (derived); solving for ``w^2`` and forming
    the window mean ``L + (f/h) w`` must give ``(theory_push - L)^2`` after
    squaring (both sides are ``L`` plus a nonnegative root).  The tie push must be
    ``w = h sigma_m L/sqrt(f(n-2f))``, with ``h`` (the reconstruction wrote ``N``).
    """
    var_honest = honest_variance()
    var_window = sp.factor(weighted_variance(b1_window(L + w)))
    only_w2 = sp.simplify(var_window / w**2)
    (w2,) = sp.solve(sp.Eq(only_w2 * W2, var_honest), W2)
    push = sp.simplify(weighted_mean(b1_window(L + w)) - L)  # (f/h) w
    push_sq = sp.expand(push**2).subs(w**2, w2)
    reg = theory_push(BRANCH_B1)
    reg_push = reg - L
    ok_sq = same(push_sq, reg_push**2)
    pt = {n: 9, f: 3, m: 4, L: 1}
    ok_sign = bool(reg_push.subs(pt) > 0) and bool(push.subs(w, 1).subs(pt) > 0)
    x_ratio = f / (n - 2 * f)
    w_h = h * L * sp.sqrt(SIGMA_M_SQUARED) / sp.sqrt(f * (n - 2 * f))
    w_bign = h * m * L * sp.sqrt(SIGMA_M_SQUARED) / sp.sqrt(f * (n - 2 * f))
    ok_w = same(w2, w_h**2)
    bign_wrong = not same(w2, w_bign**2)
    return result(
        "theory/B1-supremum",
        ok_sq and ok_sign and ok_w and bign_wrong,
        "window mean at the tie Var(f x v, (n-2f) x L) = Var(honest) vs the "
        f"equal-halves B1 push: {ok_sq and ok_sign}; tie push v - L = "
        f"h*sigma_m*L/sqrt(f(n-2f)): {ok_w} (the reconstruction's N version wrong: {bign_wrong})",
        window_variance=var_window,
        push_squared=w2,
        window_mean_minus_L=push,
        theory_minus_L=reg_push,
        limit_form=sp.limit(reg, m, sp.oo),
        sqrt_ratio=sp.sqrt(x_ratio),
    )


def b2_quadratic() -> sp.Expr:
    """``(Var(window) - L^2) (n-f)^2 / f``, limit window ``{f v, h/2 (+L), (n-3f)/2 (-L)}``."""
    window = [(v, f), (L, h / 2), (-L, (n - 3 * f) / 2)]
    return sp.expand(sp.cancel((weighted_variance(window) - L**2) * h**2 / f))


def check_b2_quadratic() -> CheckResult:
    """App. C.3(iii): ``Var <= L^2`` of the window is ``(n-2f)v^2 - 2fLv - nL^2 <= 0``.

    The quadratic is derived from the window's variance and compared with the reconstruction's; then
    its discriminant (``4L^2(n-f)^2``) and roots (``-L``, ``nL/(n-2f)``) are computed by
    SymPy and compared with the reconstruction's, and the push ``f(v+L)/(n-f)`` at the root with the
    ``m -> oo`` limit of the equal-halves push (:func:`theory_push`).
    """
    derived = b2_quadratic()
    stated = (n - 2 * f) * v**2 - 2 * f * L * v - n * L**2
    ok_quad = same(derived, stated)
    disc = sp.factor(sp.discriminant(derived, v))
    ok_disc = same(disc, 4 * L**2 * (n - f) ** 2)
    roots = sp.solve(derived, v)
    stated_roots = [-L, n * L / (n - 2 * f)]
    ok_roots = len(roots) == 2 and all(any(same(r, s) for r in roots) for s in stated_roots)
    push = sp.simplify(weighted_mean([(stated_roots[1], f), (L, h / 2), (-L, (n - 3 * f) / 2)]))
    reg = theory_push(BRANCH_B2)
    reg_limit = sp.limit(reg, m, sp.oo)
    ok_push = same(push, reg_limit) and same(push, 2 * f * L / (n - 2 * f))
    return result(
        "theory/B2-quadratic-roots-push",
        ok_quad and ok_disc and ok_roots and ok_push,
        f"quadratic from Var(window) <= L^2: {ok_quad}; discriminant 4L^2(n-f)^2: {ok_disc}; "
        f"roots -L, nL/(n-2f): {ok_roots}; push 2fL/(n-2f) == lim_m equal-halves push: {ok_push}",
        derived_quadratic=derived,
        discriminant=disc,
        roots=roots,
        push=push,
        theory_limit=reg_limit,
    )


def check_b2_finite_m() -> CheckResult:
    """App. C.3(iii), finite ``m``: tie ``Var(B2 window) = Var(honest)`` gives the equal-halves sup.

    Solved for ``v`` (larger root) from the data; must equal the reconstruction's
    ``L(n + 4/m)/(n-2f)`` and the window mean the equal-halves push (:func:`theory_push`).
    """
    roots = sp.solve(sp.Eq(weighted_variance(b2_window(v)), honest_variance()), v)
    big = [r for r in roots if not same(r, -L)]
    if len(big) != 1:
        return result("theory/B2-finite-m-supremum", False, f"unexpected roots {roots}")
    (v_star,) = big
    ok_v = same(v_star, L * (n + 4 / m) / (n - 2 * f))
    mean = weighted_mean(b2_window(v_star))
    reg = theory_push(BRANCH_B2)
    ok_mean = same(mean, reg)
    return result(
        "theory/B2-finite-m-supremum",
        ok_v and ok_mean,
        f"tie push v = L(n+4/m)/(n-2f): {ok_v}; window mean vs the equal-halves push: {ok_mean}",
        v_star=sp.factor(v_star),
        window_mean=sp.factor(mean),
        theory=reg,
    )


def check_b1_b2_meet() -> CheckResult:
    """App. C.3: (B1) push ``L(1 + sqrt(f/(n-2f)))`` and (B2) ``2fL/(n-2f)`` meet at ``f = n/3``.

    Both pushes are the ``m -> oo`` limits of the equal-halves pushes;
    at ``n = 3f`` both must equal ``2L``, and away from it they must differ.
    """
    b1 = sp.limit(theory_push(BRANCH_B1), m, sp.oo)
    b2 = sp.limit(theory_push(BRANCH_B2), m, sp.oo)
    at_third = [sp.simplify(e.subs(n, 3 * f)) for e in (b1, b2)]
    ok_meet = all(same(e, 2 * L) for e in at_third)
    # away from f = n/3 (n = 3f + s with s > 0) B2's limit is strictly below B1's: the
    # squares of (push - L) compare as rational functions
    away = {n: 3 * f + s_gap}
    b1_excess_sq = sp.expand((b1 - L) ** 2)
    b2_excess = b2 - L
    differ = not is_zero((b1_excess_sq - b2_excess**2).subs(away))
    return result(
        "theory/B1-B2-meet-at-f=n/3",
        ok_meet and differ,
        f"lim_m pushes at n = 3f: {at_third} (both 2L: {ok_meet}); differ elsewhere: {differ}",
        b1_push=b1,
        b2_push=b2,
    )
