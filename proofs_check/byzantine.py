"""Byzantine lower-bound constructions (B1), (B2) (THEORY.md s.3, App. C.3).

Honest data in ``S'`` (``h = n - f`` even, linear loss, GD): ``h/2`` workers whose ``m``
samples are all ``+L``, ``h/2 - 1`` all ``-L``, and one worker with ``m - 1`` samples
``-L`` and one ``+L`` (full-batch gradient ``L(2 - m)/m``).  Every variance below is
computed from this data with weighted moments; the registered bounds
(``thm3.2/f-ge-n/3``, ``thm3.2/f-lt-n/3``) are only read to be compared with (their
even-``h`` branch for the symbolic checks; every branch, odd ``h`` and ``m = 1`` included,
for the brute-force SMEA check).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.bounds import (
    SIGMA_M_SQUARED,
    Result,
    exact_value,
    get,
    violated_hypotheses,
)
from boundkit.bounds import symbols as S
from proofs_check.core import (
    BRANCH_B1,
    BRANCH_B2,
    CheckResult,
    balanced,
    is_zero,
    merge_pool,
    on_branch,
    result,
    s_gap,
    same,
    smea_choice,
    weighted_mean,
    weighted_variance,
)

n, f, m, L = S.n, S.f, S.m, S.L
h = n - f
v = sp.Symbol("v", real=True)
w = sp.Symbol("w", positive=True)  # v = L + w, the push above +L
W2 = sp.Symbol("W2", positive=True)  # w**2


def registered_push(result_id: str) -> sp.Expr:
    """Registered ``thm3.2`` bound / (gamma L T) on its even-``h`` branch (App. C.3(i)/(iii)).

    ``thm3.2/f-ge-n/3`` is read in the regime of :data:`BRANCH_B1` (``h`` even, ``f >= h/2``,
    ``m >= 2``), ``thm3.2/f-lt-n/3`` in :data:`BRANCH_B2`; a registry without ``Piecewise``
    passes through unchanged.
    """
    regime = BRANCH_B1 if result_id == "thm3.2/f-ge-n/3" else BRANCH_B2
    return on_branch(balanced(get(result_id).expression), regime) / (S.gamma * L * S.T)


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

    Also decides THEORY.md's spelling: ``sigma_m^2 = 1 - 4(m-1)/(m^2 N) - 4/(m^2 N^2)`` with
    ``N = h m`` differs from the data (for ``m >= 2``), the ``h = n - f`` spelling matches.
    """
    var = honest_variance()
    registered = L**2 * SIGMA_M_SQUARED
    big_n = h * m
    theory_n = L**2 * (1 - 4 * (m - 1) / (m**2 * big_n) - 4 / (m**2 * big_n**2))
    ok = same(var, registered)
    n_spelling_wrong = not is_zero((var - theory_n).subs(m, 2))
    return result(
        "B1/honest-variance",
        ok and n_spelling_wrong,
        f"Var(honest gradients in S') vs L^2*SIGMA_M_SQUARED: {ok}; THEORY's N-spelling "
        f"of sigma_m differs from the data: {n_spelling_wrong} (h = n - f is right)",
        variance=var,
        registered=registered,
        theory_with_N=theory_n,
    )


def check_b1_supremum() -> CheckResult:
    """App. C.3(i): the tie ``Var(window) = Var(honest)`` gives the registered supremum.

    ``Var(window)`` at ``v = L + w`` is ``K w^2`` (derived); solving for ``w^2`` and forming
    the window mean ``L + (f/h) w`` must give ``(registered/(gamma L T) - L)^2`` after
    squaring (both sides are ``L`` plus a nonnegative root).  The tie push must be
    ``w = h sigma_m L/sqrt(f(n-2f))``, with ``h`` (THEORY.md writes ``N``).
    """
    var_honest = honest_variance()
    var_window = sp.factor(weighted_variance(b1_window(L + w)))
    only_w2 = sp.simplify(var_window / w**2)
    (w2,) = sp.solve(sp.Eq(only_w2 * W2, var_honest), W2)
    push = sp.simplify(weighted_mean(b1_window(L + w)) - L)  # (f/h) w
    push_sq = sp.expand(push**2).subs(w**2, w2)
    reg = registered_push("thm3.2/f-ge-n/3")
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
        "B1/supremum",
        ok_sq and ok_sign and ok_w and bign_wrong,
        "window mean at the tie Var(f x v, (n-2f) x L) = Var(honest) vs registered "
        f"thm3.2/f-ge-n/3 / (gamma L T): {ok_sq and ok_sign}; tie push v - L = "
        f"h*sigma_m*L/sqrt(f(n-2f)): {ok_w} (THEORY's N version wrong: {bign_wrong})",
        window_variance=var_window,
        push_squared=w2,
        window_mean_minus_L=push,
        registered_minus_L=reg_push,
        limit_form=sp.limit(reg, m, sp.oo),
        sqrt_ratio=sp.sqrt(x_ratio),
    )


def b2_quadratic() -> sp.Expr:
    """``(Var(window) - L^2) (n-f)^2 / f``, limit window ``{f v, h/2 (+L), (n-3f)/2 (-L)}``."""
    window = [(v, f), (L, h / 2), (-L, (n - 3 * f) / 2)]
    return sp.expand(sp.cancel((weighted_variance(window) - L**2) * h**2 / f))


def check_b2_quadratic() -> CheckResult:
    """App. C.3(iii): ``Var <= L^2`` of the window is ``(n-2f)v^2 - 2fLv - nL^2 <= 0``.

    The quadratic is derived from the window's variance and compared with THEORY's; then
    its discriminant (``4L^2(n-f)^2``) and roots (``-L``, ``nL/(n-2f)``) are computed by
    SymPy and compared with THEORY's, and the push ``f(v+L)/(n-f)`` at the root with the
    ``m -> oo`` limit of the registered ``thm3.2/f-lt-n/3`` / (gamma L T).
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
    reg = registered_push("thm3.2/f-lt-n/3")
    reg_limit = sp.limit(reg, m, sp.oo)
    ok_push = same(push, reg_limit) and same(push, 2 * f * L / (n - 2 * f))
    return result(
        "B2/quadratic-roots-push",
        ok_quad and ok_disc and ok_roots and ok_push,
        f"quadratic from Var(window) <= L^2: {ok_quad}; discriminant 4L^2(n-f)^2: {ok_disc}; "
        f"roots -L, nL/(n-2f): {ok_roots}; push 2fL/(n-2f) == lim_m registered: {ok_push}",
        derived_quadratic=derived,
        discriminant=disc,
        roots=roots,
        push=push,
        registered_limit=reg_limit,
    )


def check_b2_finite_m() -> CheckResult:
    """App. C.3(iii), finite ``m``: tie ``Var(B2 window) = Var(honest)`` gives the registered sup.

    Solved for ``v`` (larger root) from the data; must equal THEORY's ``L(n + 4/m)/(n-2f)``
    and the window mean the registered ``thm3.2/f-lt-n/3`` / (gamma L T).
    """
    roots = sp.solve(sp.Eq(weighted_variance(b2_window(v)), honest_variance()), v)
    big = [r for r in roots if not same(r, -L)]
    if len(big) != 1:
        return result("B2/finite-m-supremum", False, f"unexpected roots {roots}")
    (v_star,) = big
    ok_v = same(v_star, L * (n + 4 / m) / (n - 2 * f))
    mean = weighted_mean(b2_window(v_star))
    reg = registered_push("thm3.2/f-lt-n/3")
    ok_mean = same(mean, reg)
    return result(
        "B2/finite-m-supremum",
        ok_v and ok_mean,
        f"tie push v = L(n+4/m)/(n-2f): {ok_v}; window mean vs registered thm3.2/f-lt-n/3 "
        f"/ (gamma L T): {ok_mean}",
        v_star=sp.factor(v_star),
        window_mean=sp.factor(mean),
        registered=reg,
    )


def check_b1_b2_meet() -> CheckResult:
    """App. C.3: (B1) push ``L(1 + sqrt(f/(n-2f)))`` and (B2) ``2fL/(n-2f)`` meet at ``f = n/3``.

    Both pushes are the ``m -> oo`` limits of the registered lower bounds / (gamma L T);
    at ``n = 3f`` both must equal ``2L``, and away from it they must differ.
    """
    b1 = sp.limit(registered_push("thm3.2/f-ge-n/3"), m, sp.oo)
    b2 = sp.limit(registered_push("thm3.2/f-lt-n/3"), m, sp.oo)
    at_third = [sp.simplify(e.subs(n, 3 * f)) for e in (b1, b2)]
    ok_meet = all(same(e, 2 * L) for e in at_third)
    # away from f = n/3 (n = 3f + s with s > 0) B2's limit is strictly below B1's: the
    # squares of (push - L) compare as rational functions
    away = {n: 3 * f + s_gap}
    b1_excess_sq = sp.expand((b1 - L) ** 2)
    b2_excess = b2 - L
    differ = not is_zero((b1_excess_sq - b2_excess**2).subs(away))
    return result(
        "B1-B2/meet-at-f=n/3",
        ok_meet and differ,
        f"lim_m pushes at n = 3f: {at_third} (both 2L: {ok_meet}); differ elsewhere: {differ}",
        b1_push=b1,
        b2_push=b2,
    )


def _key(winner: tuple[tuple[Fraction, int], ...], pushed: Fraction) -> tuple:
    """A chosen subset up to the pushed value: honest part and how many Byzantine copies."""
    honest = tuple(sorted((val, c) for val, c in winner if val != pushed))
    return honest, dict(winner).get(pushed, 0)


def smea_output(
    honest: list[tuple[Fraction, int]], pushed: Fraction, ff: int
) -> tuple[Fraction, tuple]:
    """SMEA's output in ``S'`` when all ``ff`` Byzantine workers send ``pushed``.

    Brute force over every subset of ``n - f`` workers; ties broken towards the smallest
    mean (THEORY.md s.1, the lowest-start rule).  Returns the output and the chosen subset.
    """
    pool = merge_pool([*honest, (pushed, ff)])
    _, winners = smea_choice(pool, sum(c for _, c in honest))
    best = min(winners, key=weighted_mean)
    return weighted_mean(best), _key(best, pushed)


def sup_output(
    honest: list[tuple[Fraction, int]], ff: int, scan: int = 32, bisections: int = 40
) -> tuple[Fraction, Fraction, Fraction]:
    """Supremum over the pushed value ``v > 1`` of SMEA's output (``L = 1``), found by scan.

    Scan ``v`` on a grid, cubically refined towards ``v = 1`` (extended while the best
    point is the last one), then bisect the
    switch point after the best grid point while the same subset stays chosen.  Returns
    the output just below the switch, the largest output seen anywhere, and the switch.
    """
    hi = Fraction(2 * sum(c for _, c in honest) + 2)
    while True:
        # cubic spacing: dense just above +L, where small pushes are decided
        grid = [1 + (hi - 1) * Fraction(k, scan) ** 3 for k in range(1, scan + 1)]
        outs = [smea_output(honest, val, ff) for val in grid]
        i = max(range(len(grid)), key=lambda j: outs[j][0])
        if i < len(grid) - 1:
            break
        hi *= 2
    largest = max(o for o, _ in outs)
    lo, up, key = grid[i], grid[i + 1], outs[i][1]
    for _ in range(bisections):
        mid = (lo + up) / 2
        out, k = smea_output(honest, mid, ff)
        largest = max(largest, out)
        if k == key:
            lo = mid
        else:
            up = mid
    return smea_output(honest, lo, ff)[0], largest, lo


def halves_layouts(hh: int, mm: int) -> list[tuple[list, list]]:
    """``(S, S')`` honest pools (``L = 1``) of every balanced-halves layout (App. C.3(i)-(ii)).

    ``h`` even: ``h/2`` workers at ``+1`` and ``h/2`` at ``-1``.  ``h`` odd: either side may
    hold the extra worker, so both layouts.  In ``S'`` one ``-1`` worker has one of its
    ``m`` samples changed to ``+1`` (gradient ``(2 - m)/m``).
    """
    highs = [hh // 2] if hh % 2 == 0 else [(hh + 1) // 2, (hh - 1) // 2]
    layouts = []
    for high in highs:
        low = hh - high
        pool_s = merge_pool([(Fraction(1), high), (Fraction(-1), low)])
        pool_sp = merge_pool(
            [(Fraction(1), high), (Fraction(-1), low - 1), (Fraction(2 - mm, mm), 1)]
        )
        layouts.append((pool_s, pool_sp))
    return layouts


DEFAULT_HALVES_GRID: tuple[tuple[int, int, int], ...] = (
    # h even, f >= n/3 (B1), incl. the m = 1 cases n = 3f, 3f - 2
    (9, 3, 2), (9, 3, 5), (7, 3, 2), (11, 5, 2), (12, 4, 3), (13, 5, 4), (15, 7, 1),
    (15, 5, 2), (14, 6, 1), (9, 3, 1), (7, 3, 1), (12, 4, 1),
    # h even, f < n/3 (B2)
    (7, 1, 2), (11, 3, 3), (13, 3, 1), (17, 5, 4), (16, 4, 2), (19, 5, 1),
    # h odd (App. C.3(ii)), both regimes, incl. m = 1
    (8, 3, 2), (8, 3, 1), (11, 4, 3), (12, 5, 1), (5, 2, 1), (10, 3, 2), (6, 1, 1), (9, 2, 3),
)  # fmt: skip


def check_byzantine_sup_reached(
    grid: tuple[tuple[int, int, int], ...] = DEFAULT_HALVES_GRID,
    ids: tuple[str, str] = ("thm3.2/f-ge-n/3", "thm3.2/f-lt-n/3"),
    results: tuple[Result, ...] | None = None,
) -> CheckResult:
    """(B1)/(B2) reach the registered lower bounds (brute-force SMEA, exact rationals).

    For each ``(n, f, m)`` inside exactly one registered result's hypotheses
    (``L = gamma = T = 1``) and each honest layout: in ``S`` a huge Byzantine value leaves
    the honest set chosen (output ``mu_S``, the honest mean); in ``S'`` the supremum over
    the pushed value of SMEA's output is found by scan and bisection, without any formula.
    The largest per-step gap ``sup - mu_S`` over the layouts must match the registered
    value (to 1e-9), and no pushed value may beat it.
    """
    entries = results if results is not None else tuple(get(i) for i in ids)
    bad: list[str] = []
    used = 0
    for nn, ff, mm in grid:
        hh = nn - ff
        params = {"n": nn, "f": ff, "m": mm, "T": 1, "step_size": 1, "lipschitz": 1}
        inside = [r for r in entries if not violated_hypotheses(r, params)]
        if len(inside) != 1:
            continue
        used += 1
        exact_value(inside[0], params)  # hypotheses hold
        subs = {S.n: nn, S.f: ff, S.m: mm, S.T: 1, S.gamma: 1, L: 1}
        reg = mpmath.mpf(sp.N(balanced(inside[0].expression).xreplace(subs), 40))
        gaps, tops = [], []
        for pool_s, pool_sp in halves_layouts(hh, mm):
            out_s, key_s = smea_output(pool_s, Fraction(10**6), ff)
            if key_s[1] != 0 or out_s != weighted_mean(pool_s):
                bad.append(f"S: honest set not kept at {(nn, ff, mm)}")
            reached, largest, _ = sup_output(pool_sp, ff)
            gaps.append(reached - out_s)
            tops.append(largest - out_s)
        best = max(gaps)
        if abs(mpmath.mpf(best.numerator) / best.denominator - reg) > 1e-9:
            bad.append(
                f"{inside[0].id} at {(nn, ff, mm)}: reached {float(best):.6f}, "
                f"registered {float(reg):.6f}"
            )
        top = max(tops)
        if mpmath.mpf(top.numerator) / top.denominator > reg + 1e-12:
            bad.append(f"{inside[0].id} at {(nn, ff, mm)}: a push reaches {float(top)}")
    return result(
        "B1-B2/sup-reached-by-SMEA",
        not bad and used > 0,
        f"brute-force SMEA sup over pushed values vs registered thm3.2 values on {used} "
        f"(n, f, m) in their domains: {used - len(bad)} ok"
        + (f"; first failure: {bad[0]}" if bad else ""),
        failures=bad,
    )
