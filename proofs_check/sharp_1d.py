"""SMEA's per-run deviation in dimension 1 and the bound it gives (docs/theory.md, section 7).

In one dimension the covariance is a variance, and SMEA's ``var_W <= var_S`` binds both legs
of :mod:`proofs_check.sharp_bound` at once.  With ``C = W ∩ S`` (``c`` workers), ``B = W \\ C``
(Byzantine) and ``R = S \\ C`` (dropped honest), ``k = |B| = |R|``, ``h = n - f``, ``u =
mean_B - mean_C`` and ``v = mean_R - mean_C`` (all from :mod:`proofs_check.facts`):

1. ``sharp-1d/variance-comparison``: the within/between decomposition of ``var_W`` and
   ``var_S`` (same ``C``) and ``var_B >= 0`` turn ``var_W <= var_S`` into ``u^2 <= rho var_R +
   v^2`` with ``rho = WITHIN_WEIGHT_OUTSIDE/BETWEEN_WEIGHT = h/c``; and ``F - mean_S =
   MEAN_SPLIT (u - v)``.
2. ``sharp-1d/maximisation``: with ``var_R <= L^2 - mean_R^2`` (Bhatia-Davis, checked and
   attained) and ``mean_C >= -L``, ``|u| + |v| <= L phi(t)``, ``phi(t) = sqrt(rho t (2 - t) +
   t^2) + t`` for ``t = v/L`` in ``[1, 2]`` (smaller ``t`` give at most ``phi(1)``); SymPy
   finds ``phi``'s one critical point ``t* = sqrt(rho)/(sqrt(rho) - 1)``, so the maximum is
   ``phi(2) = 4`` when ``t* >= 2`` (``rho <= 4``, i.e. ``7f <= 3n``) and ``phi(t*)``
   otherwise; times ``MEAN_SPLIT = f/h`` at the worst ``k = f`` (the bound grows with ``k``,
   checked exactly for ``n <= 60``), this must equal the registered per-run term.
3. ``sharp-1d/per-run-exhaustive``: the per-run inequality with boundkit's exact SMEA on
   every input of a small grid, attained where ``7f <= 3n``.
4. ``sharp-1d/derive/*``: Theorem 3.1's recursion with this per-run deviation, solved and
   compared with the registered ``byzantine/smea-1d/*`` (:mod:`proofs_check.sharp_bound`).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from fractions import Fraction

import sympy as sp

from boundkit import rules
from boundkit.bounds import get
from boundkit.bounds import symbols as S
from boundkit.bounds.kappa import SMEA_DEVIATION_1D
from proofs_check import exact, surd
from proofs_check import facts as F
from proofs_check.core import CheckResult, result, same, weighted_mean, weighted_variance
from proofs_check.sharp_bound import check_sharp_derived

n, f, L = S.n, S.f, S.L
a_sym, c_sym = F.subset_size, F.shared_size
rho, t = sp.symbols("rho t", positive=True)
IDS_1D = ("byzantine/smea-1d/convex", "byzantine/smea-1d/strongly-convex")


def rho_of_sizes() -> sp.Expr:
    """``rho(a, c)``: the weight of ``var_R`` against the between-group weight."""
    return sp.simplify(F.WITHIN_WEIGHT_OUTSIDE / F.BETWEEN_WEIGHT)


def phi() -> sp.Expr:
    """``(|u| + |v|)/L`` at ``v = t L`` (``t`` in ``[1, 2]``), ``mean_C = -L`` and the
    variance ceiling of ``R`` at ``mean_R = (t - 1) L``."""
    v = t * L
    var_r = F.variance_ceiling_1d(v - F.GRADIENT_NORM)
    return sp.simplify((sp.sqrt(rho * var_r + v**2) + v) / L)


@functools.lru_cache(maxsize=1)
def maximum_of_phi() -> tuple[sp.Expr, sp.Expr, list[sp.Expr]]:
    """``(max at t = 2, value at the critical point, critical points)`` of :func:`phi`."""
    slope = sp.diff(phi(), t)
    roots = sp.solve(sp.Eq(slope, 0), t)
    critical = [r for r in roots if _vanishes(slope.subs(t, r))]  # not an artefact of squaring
    if len(critical) != 1:
        raise ValueError(f"expected one critical point, got {critical}")
    return sp.simplify(phi().subs(t, 2)), sp.simplify(phi().subs(t, critical[0])), critical


def _vanishes(expr: sp.Expr) -> bool:
    """``expr == 0`` for every ``rho > 1``: written with ``rho = (1 + w)^2``, ``w > 0``, each
    square root's argument factored (perfect squares leave the root), then simplified."""
    w = sp.Symbol("w", positive=True)
    at = sp.simplify(expr.subs(rho, (1 + w) ** 2))
    at = at.replace(
        lambda x: x.is_Pow and x.exp == sp.Rational(1, 2), lambda x: sp.sqrt(sp.factor(x.base))
    )
    return sp.simplify(at) == 0


def _in_w(expr: sp.Expr) -> sp.Expr:
    """``expr(n, f)`` at ``n = f (2 rho - 1)/(rho - 1)`` (so ``(n - f)/(n - 2f) = rho``) and
    ``rho = (1 + w)^2``, square roots of perfect squares taken, simplified."""
    w = sp.Symbol("w", positive=True)
    at = expr.subs(n, f * (2 * rho - 1) / (rho - 1)).subs(f, sp.Symbol("f", positive=True))
    at = sp.simplify(at.subs(rho, (1 + w) ** 2))
    return sp.simplify(
        at.replace(
            lambda x: x.is_Pow and x.exp == sp.Rational(1, 2),
            lambda x: sp.sqrt(sp.factor(x.base)),
        )
    )


def _same_in_rho(first: sp.Expr, second: sp.Expr) -> bool:
    return sp.simplify(_in_w(first) - _in_w(second)) == 0


def derived_deviation() -> sp.Expr:
    """The per-run deviation over ``L`` as a piecewise expression in ``n, f``."""
    at_two, at_critical, (critical,) = maximum_of_phi()
    worst = {a_sym: F.SELECTED_SIZE, c_sym: F.SHARED_SIZE_MIN}
    split = F.MEAN_SPLIT.subs(worst, simultaneous=True)
    r = rho_of_sizes().subs(worst, simultaneous=True)
    inner = sp.Le(sp.Integer(2), critical.subs(rho, r))  # the critical point beyond [1, 2]
    return sp.Piecewise(
        (sp.simplify(split * at_two.subs(rho, r)), inner),
        (sp.simplify(split * at_critical.subs(rho, r)), True),
    )


def per_run_1d() -> sp.Expr:
    """``L`` times :func:`derived_deviation` (the per-run deviation)."""
    return F.GRADIENT_NORM * derived_deviation()


def check_variance_comparison(
    sizes: Sequence[tuple[int, int]] = ((3, 1), (4, 2), (5, 2)),
) -> CheckResult:
    """Step 1, with symbolic numbers: ``var_W - var_S`` equals ``WITHIN_WEIGHT_OUTSIDE (var_B
    - var_R) + BETWEEN_WEIGHT (u^2 - v^2)``; ``rho = h/c``; ``F - mean_S = MEAN_SPLIT (u -
    v)``."""
    oks = []
    for h, c in sizes:
        k = h - c
        cs = sp.symbols(f"c1:{c + 1}", real=True)
        bs, rs = sp.symbols(f"b1:{k + 1}", real=True), sp.symbols(f"r1:{k + 1}", real=True)
        pool = lambda xs: [(x, 1) for x in xs]  # noqa: E731
        w_pool, s_pool = pool(cs + bs), pool(cs + rs)
        u = weighted_mean(pool(bs)) - weighted_mean(pool(cs))
        v = weighted_mean(pool(rs)) - weighted_mean(pool(cs))
        at = {a_sym: h, c_sym: c}
        split = F.WITHIN_WEIGHT_OUTSIDE.subs(at) * (
            weighted_variance(pool(bs)) - weighted_variance(pool(rs))
        ) + F.BETWEEN_WEIGHT.subs(at) * (u**2 - v**2)
        gap = weighted_variance(w_pool) - weighted_variance(s_pool)
        deviation = weighted_mean(w_pool) - weighted_mean(s_pool) - F.MEAN_SPLIT.subs(at) * (u - v)
        oks.append(sp.expand(gap - split) == 0 and sp.expand(deviation) == 0)
    r = rho_of_sizes()
    return result(
        "sharp-1d/variance-comparison",
        all(oks) and same(r, a_sym / c_sym),
        f"var_W - var_S == WITHIN_WEIGHT_OUTSIDE (var_B - var_R) + BETWEEN_WEIGHT (u^2 - v^2) "
        f"and F - mean_S == MEAN_SPLIT (u - v) at (h, c) in {list(sizes)}: {oks}; rho = {r}",
    )


def check_maximisation() -> CheckResult:
    """Step 2: the variance ceiling holds and is attained; ``phi`` increases at ``t = 1``,
    has one critical point ``sqrt(rho)/(sqrt(rho) - 1)`` (beyond 2 exactly when ``rho <=
    4``); the derived per-run deviation equals the registered one on both branches; and
    it grows with ``k`` (exact comparison at ``k < f``, ``n <= 60``)."""
    x = sp.symbols("x1:4", real=True)
    ceiling = F.variance_ceiling_1d(weighted_mean([(xi, 1) for xi in x]))
    slack = sp.expand(ceiling - weighted_variance([(xi, 1) for xi in x]))
    holds = same(slack, sum((L - xi) * (L + xi) for xi in x) / 3)  # mean of (L-x)(L+x) >= 0
    attained = same(weighted_variance([(L, 1), (-L, 1)]), F.variance_ceiling_1d(0))
    _, _, (critical,) = maximum_of_phi()
    increasing = sp.simplify(sp.diff(phi(), t).subs(t, 1)).is_positive
    threshold = same(critical.subs(rho, 4), 2)
    derived = derived_deviation()
    registered = sp.piecewise_fold(SMEA_DEVIATION_1D)
    branches = [_same_in_rho(derived.args[i][0], registered.args[i][0]) for i in range(2)]
    branches.append(same_condition(derived.args[0][1], registered.args[0][1]))
    grows = _grows_with_k()
    return result(
        "sharp-1d/maximisation",
        holds and attained and increasing and threshold and all(branches) and not grows,
        f"variance ceiling: holds {holds}, attained {attained}; phi'(1) > 0: {increasing}; "
        f"critical point {critical} == 2 at rho = 4: {threshold}; derived == registered "
        f"(branches, condition): {branches}; k < f with a larger bound: {grows[:3] or 'none'}",
        derived=derived,
        registered=registered,
    )


def same_condition(derived: sp.Basic, registered: sp.Basic, n_max: int = 40) -> bool:
    """Two conditions ``lhs >= rhs`` / ``lhs <= rhs`` on ``(n, f)`` agree at every ``1 <= f <
    n/2``, ``n <= n_max`` (each decided exactly by :func:`proofs_check.exact.compare`)."""

    def holds(rel: sp.Basic, at: dict) -> bool:
        difference = exact.compare(rel.lhs.subs(at), rel.rhs.subs(at))
        return {">=": difference >= 0, "<=": difference <= 0}[rel.rel_op]

    return all(
        holds(derived, at) == holds(registered, at)
        for nn in range(3, n_max + 1)
        for ff in range(1, (nn + 1) // 2)
        for at in ({n: nn, f: ff},)
    )


def _grows_with_k(n_max: int = 60) -> list[tuple[int, int, int]]:
    """``(n, f, k)`` where ``k < f`` Byzantine vectors in ``W`` would allow more than ``f``:
    the bound at sizes ``(h, h - k)`` against ``(h, h - f)``, exactly."""
    at_two, at_critical, _ = maximum_of_phi()
    bad = []
    for nn in range(3, n_max + 1):
        for ff in range(1, (nn + 1) // 2):
            h = nn - ff
            values = []
            for k in range(1, ff + 1):
                r = sp.Rational(h, h - k)
                g = at_two if r <= 4 else at_critical  # t* >= 2 iff rho <= 4 (checked above)
                values.append(sp.Rational(k, h) * g.subs(rho, r))
            bad += [
                (nn, ff, k + 1)
                for k, v in enumerate(values[:-1])
                if exact.compare(v, values[-1]) > 0
            ]
    return bad


GRID: tuple[Fraction, ...] = tuple(Fraction(v) for v in range(-3, 4))
#: (n, f, grid): every multiset of n values of the grid; (9, 4) is on the 7f > 3n branch
SIZES: tuple[tuple[int, int, tuple[Fraction, ...]], ...] = (
    (3, 1, GRID),
    (4, 1, GRID),
    (5, 2, GRID),
    (6, 2, GRID),
    (9, 4, tuple(Fraction(v) for v in (-3, -1, 0, 1, 3))),
)


def _fraction(x: sp.Expr) -> Fraction:
    return Fraction(int(x.p), int(x.q))


def _surd_form(value: sp.Expr) -> tuple[Fraction, Fraction, Fraction]:
    """``(a, b, d)`` with ``value = a + b sqrt(d)`` (the per-run value at a point)."""
    value = sp.expand(value)
    if value.is_Rational:
        return _fraction(value), Fraction(0), Fraction(0)
    rational, rest = value.as_coeff_Add()
    coefficient, root = rest.as_coeff_Mul()
    base, exponent = root.as_base_exp()
    if exponent != sp.Rational(1, 2) or not base.is_Rational:
        raise ValueError(f"not a + b sqrt(d): {value}")
    return _fraction(rational), _fraction(coefficient), _fraction(base)


def check_per_run_exhaustive(
    sizes: Sequence[tuple[int, int, tuple[Fraction, ...]]] = SIZES,
) -> CheckResult:
    """Step 3: ``|F - mean_S| <= L * SMEA_DEVIATION_1D`` (``L = 1``, exact: numbers ``a +
    sqrt(d)`` ordered by :mod:`proofs_check.surd`) on every input of the grid and every
    honest set inside ``[-1, 1]``, exact SMEA; attained at every size with ``7f <= 3n``."""
    bad: list[tuple] = []
    attained: dict[tuple[int, int], int] = {}
    for nn, ff, grid in sizes:
        a, b, d = _surd_form(SMEA_DEVIATION_1D.subs({n: nn, f: ff}))
        attained[(nn, ff)] = 0
        for multiset in itertools.combinations_with_replacement(grid, nn):
            chosen = rules.smea([(value,) for value in multiset], ff).selected
            out = sum(multiset[i] for i in chosen) / (nn - ff)
            for honest in itertools.combinations(range(nn), nn - ff):
                if any(abs(multiset[i]) > 1 for i in honest):
                    continue
                gap = abs(out - sum(multiset[i] for i in honest) / (nn - ff))
                sign = surd.sign1(a - gap, b, d)
                if sign < 0:
                    bad.append((multiset, ff, honest))
                attained[(nn, ff)] += sign == 0
    expected = [(nn, ff) for nn, ff, _ in sizes if 7 * ff <= 3 * nn]
    reached = all(attained[key] > 0 for key in expected)
    return result(
        "sharp-1d/per-run-exhaustive",
        not bad and reached,
        f"exact SMEA, (n, f) in {[(x, y) for x, y, _ in sizes]}: {len(bad)} violations; "
        f"attained where 7f <= 3n: {reached} ({attained})",
        first_violations=bad[:3],
    )


def check_derived(result_id: str) -> CheckResult:
    """Step 4: :func:`proofs_check.sharp_bound.check_sharp_derived` with the per-run
    deviation ``L * SMEA_DEVIATION_1D``, which ``sharp-1d/maximisation`` shows equal to the
    derived one (SymPy cannot see the equality of the two piecewise forms inside rsolve)."""
    get(result_id)
    return check_sharp_derived(result_id, points=3, deviation=lambda: L * SMEA_DEVIATION_1D)
