"""The registered Byzantine lower bounds ``thm3.2/*`` (HalvesGap), tested themselves.

The registered value is ``gamma L^2 T HalvesGap(n, f, m)``: the per-step gap of the
two-value attacks (B1)/(B2) (App. C.3) with the size ``p`` of the ``+L`` side optimised.
Three independent checks:

- ``thm3.2/halves-gap-derived`` (symbolic): each component of the registered formula is
  re-derived from the data by the App. C.3 tie ``Var(pushed window) = Var(honest)``; the
  side-size candidate is the stationary point of the derived gap, clipped to its range.
- ``thm3.2/sup-reached-by-SMEA`` (exact): at every grid point, the supremum over all
  ``p`` and over the pushed value of the gap SMEA lets through, by the exact brute-force
  sweep of :mod:`proofs_check.sweep` (no formula), times ``gamma L^2 T`` (derived: per
  step the output moves ``gamma`` times the gap, which scales with ``L``; ``eps = L
  delta_T``), equals the registered value exactly; the two entries' hypotheses partition
  the grid.
- ``thm3.2/regimes``: the entries' ``(n, f)`` hypotheses are the derived App. C.3 split
  (the pushed window of (B1) needs ``n - 2f <= (n - f)/2`` honest ``+L`` values).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import sympy as sp

from boundkit.bounds import HALVES_P_STAR, Result, get, violated_hypotheses
from boundkit.bounds import symbols as S
from proofs_check import exact
from proofs_check import facts as F
from proofs_check.core import (
    CheckResult,
    is_zero,
    result,
    same,
    weighted_mean,
    weighted_variance,
)
from proofs_check.region import integer_part, same_on_integers
from proofs_check.surd import Surd
from proofs_check.sweep import push_sweep

n, f, m, L = S.n, S.f, S.m, S.L
h, k = n - f, n - 2 * f
p = sp.Symbol("p", integer=True)
v = sp.Symbol("v", real=True)
IDS = ("thm3.2/f-ge-n/3", "thm3.2/f-lt-n/3")


def honest_in_s(high: object, hh: object) -> list[tuple[object, object]]:
    """``S``: ``high`` honest workers at ``+1``, the other ``h - high`` at ``-1`` (over ``L``)."""
    return [(1, high), (-1, hh - high)]


def honest_in_s_prime(high: object, hh: object, mm: object) -> list[tuple[object, object]]:
    """``S'``: one ``-1`` worker has one of its ``m`` samples flipped: it sends ``(2 - m)/m``."""
    return [(1, high), (-1, hh - high - 1), ((2 - mm) / mm, 1)]


# --------------------------------------------------------------------------- symbolic
def _split(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``(rational part, square-root part)`` of a sum of rational terms and square roots."""
    expr = sp.expand(expr)
    rational = expr.replace(
        lambda e: isinstance(e, sp.Pow) and e.exp == sp.Rational(1, 2), lambda e: sp.Integer(0)
    )
    return rational, expr - rational


def registered_components(res: Result) -> dict[str, sp.Expr]:
    """The registered per-step gap over ``gamma L`` (``res.expression/derived_scale()``, as a
    formula: ``doit``) split into the ``Max`` arguments: ``changed`` (the changed worker in
    the pushed window), ``floor`` and ``ceil`` (``p`` honest ``+L``, with the clipped side
    size replaced by the symbol ``p``), and ``sides`` (the clipped side sizes)."""
    formula = sp.simplify(res.expression / derived_scale()).doit()
    if not isinstance(formula, sp.Max):
        raise ValueError(f"registered {res.id} is not {derived_scale()} times a Max of branches")
    out: dict[str, sp.Expr] = {}
    for arg in formula.args:
        for kind in (sp.floor, sp.ceiling):
            clipped = [e for e in arg.atoms(sp.Max) if e.has(kind)]
            if clipped:
                out[kind.__name__] = arg.xreplace({clipped[0]: p})
                out[f"side_{kind.__name__}"] = clipped[0]
                break
        else:
            out["changed"] = arg
    return out


def derived_top_gap() -> sp.Expr:
    """Gap over ``L`` of the layout with ``p >= k`` honest ``+L``: pushed window
    ``{f x v, k x (+L)}`` tied with the honest window in ``S'`` (App. C.3), minus ``mu_S``.

    ``Var(window) = f k (v - 1)^2/h^2`` and the window mean ``1 + f (v - 1)/h``, so at the
    tie the mean is ``1 + sqrt(f Var_H/k)``.
    """
    var_window = sp.factor(weighted_variance([(1 + v, f), (1, k)]) / v**2)  # v = push - 1
    var_h = weighted_variance(honest_in_s_prime(p, h, m))
    (push_sq,) = sp.solve(sp.Eq(var_window * sp.Symbol("V"), var_h), sp.Symbol("V"))
    mean_minus_one = sp.sqrt(sp.factor(push_sq * f**2 / h**2))
    return 1 + mean_minus_one - weighted_mean(honest_in_s(p, h))


def derived_changed_gap() -> sp.Expr:
    """Gap over ``L`` of the layout ``p = k - 1``: the pushed window is ``{f x v,
    (k - 1) x (+L), the changed worker}``; its tie with the honest window, larger root."""
    a = (2 - m) / m
    window = [(v, f), (1, k - 1), (a, 1)]
    roots = sp.solve(
        sp.Eq(weighted_variance(window), weighted_variance(honest_in_s_prime(k - 1, h, m))), v
    )
    at = {n: 11, f: 4, m: 3}  # the larger root (the other is -1: the honest window itself)
    top = max(roots, key=lambda r: r.subs(at))
    return weighted_mean([(top, f), (1, k - 1), (a, 1)]) - weighted_mean(honest_in_s(k - 1, h))


def check_halves_gap_derived(result_id: str = IDS[0]) -> CheckResult:
    """The registered HalvesGap formula, component by component, against the data.

    ``floor``/``ceil`` components: rational parts equal and squares of the root parts equal
    the derived ``f Var_H/k``; ``changed``: the same against the derived tie; the side
    size ``p*`` is a stationary point of the derived gap (``f h^2 (Var_H')^2 = 16 k Var_H``),
    and the registered candidates are ``floor``/``ceil`` of it clipped to ``[k, h - 1]``.
    """
    comps = registered_components(get(result_id))
    oks: dict[str, bool] = {}
    top = derived_top_gap()
    for kind in ("floor", "ceiling"):
        reg_rational, reg_root = _split(comps[kind])
        der_rational, der_root = _split(top)
        oks[kind] = same(reg_rational, der_rational) and same(reg_root**2, der_root**2)
    reg_rational, reg_root = _split(comps["changed"])
    derived = derived_changed_gap()
    oks["changed"] = is_zero(sp.together((derived - reg_rational) ** 2 - reg_root**2))
    var_h = weighted_variance(honest_in_s_prime(p, h, m))
    stationary = f * h**2 * sp.diff(var_h, p) ** 2 - 16 * k * var_h
    oks["p* stationary"] = same(stationary.subs(p, HALVES_P_STAR), 0)
    for kind, rounding in (("floor", sp.floor), ("ceiling", sp.ceiling)):
        expected = sp.Max(k, sp.Min(h - 1, rounding(HALVES_P_STAR)))
        oks[f"side {kind}"] = comps[f"side_{kind}"] == expected
    return result(
        "thm3.2/halves-gap-derived",
        all(oks.values()),
        f"registered {result_id} / (gamma L^2 T) component by component vs the App. C.3 tie "
        f"derived from the data: {oks}",
        derived_top=top,
        derived_changed=derived,
    )


# --------------------------------------------------------------------------- brute force
def halves_reach(nn: int, ff: int, mm: int) -> tuple[Surd, int]:
    """Exact sup over every side size ``p`` in ``[0, h - 1]`` and every pushed value of the
    per-step gap over ``gamma L`` (S: a huge push leaves the honest mean), and the best ``p``."""
    hh = nn - ff
    best: tuple[Surd, int] | None = None
    for high in range(hh):
        pool = [(Fraction(x), c) for x, c in honest_in_s_prime(high, hh, Fraction(mm))]
        gap = push_sweep(pool, ff).supremum - Fraction(2 * high - hh, hh)
        if best is None or best[0] < gap:
            best = (gap, high)
    assert best is not None
    return best


def derived_scale() -> sp.Expr:
    """``eps / gap``: per step ``theta`` moves ``gamma`` times the output gap, which is ``L``
    times the gap over ``L`` (all data scale with ``L``); ``T`` steps; ``eps = L delta_T``."""
    return F.LINK * S.T * S.gamma * L


def registered_over_scale(res: Result, nn: int, ff: int, mm: int) -> sp.Expr:
    """``res.expression / derived_scale()`` at ``(n, f, m)``; must be a number."""
    value = sp.simplify(res.expression.xreplace({n: nn, f: ff, m: mm}) / derived_scale())
    if value.free_symbols:
        raise ValueError(f"{res.id} at {(nn, ff, mm)} is not {derived_scale()} times a number")
    return value


DEFAULT_GRID: tuple[tuple[int, int, int], ...] = (
    # f >= n/3, both parities of h, m = 1 included
    (9, 3, 2), (7, 3, 2), (11, 5, 2), (12, 4, 3), (15, 7, 1), (14, 6, 1), (9, 3, 1),
    (12, 4, 1), (8, 3, 2), (8, 3, 1), (11, 4, 3), (5, 2, 1), (3, 1, 2), (6, 2, 1),
    # f < n/3
    (7, 1, 2), (11, 3, 3), (13, 3, 1), (16, 4, 2), (10, 3, 2), (6, 1, 1), (9, 2, 3),
    # outside the honest majority: no entry may cover these
    (6, 3, 1), (4, 2, 2),
)  # fmt: skip


def check_sup_reached(
    grid: Sequence[tuple[int, int, int]] = DEFAULT_GRID,
    results: Sequence[Result] | None = None,
) -> CheckResult:
    """Registered ``thm3.2`` values == ``gamma L^2 T`` x the exact brute-force supremum.

    Every grid point with ``1 <= f < n/2`` must lie inside exactly one entry's hypotheses;
    every point inside an entry is compared exactly (:func:`proofs_check.exact.compare`).
    """
    entries = tuple(results) if results is not None else tuple(get(i) for i in IDS)
    bad: list[str] = []
    compared = 0
    for nn, ff, mm in grid:
        params = {"n": nn, "f": ff, "m": mm, "T": 1, "step_size": 1, "lipschitz": 1}
        inside = [r for r in entries if not violated_hypotheses(r, params)]
        if 1 <= ff and 2 * ff < nn and len(inside) != 1:
            bad.append(f"{(nn, ff, mm)} inside {len(inside)} entries")
        for res in inside:
            compared += 1
            try:
                registered = registered_over_scale(res, nn, ff, mm)
                reached = halves_reach(nn, ff, mm)[0].sympy()
                verdict = exact.compare(registered, reached)
            except (ValueError, ArithmeticError, TypeError, ZeroDivisionError) as exc:
                bad.append(f"{res.id} at {(nn, ff, mm)}: {type(exc).__name__}: {exc}")
                continue
            if verdict != 0:
                bad.append(
                    f"{res.id} at {(nn, ff, mm)}: registered {float(registered):.12g} "
                    f"{'>' if verdict > 0 else '<'} reached {float(reached):.12g}"
                )
    return result(
        "thm3.2/sup-reached-by-SMEA",
        not bad and compared > 0,
        f"registered thm3.2 vs gamma L^2 T x exact brute-force sup (every side size, every "
        f"pushed value) at {compared} (n, f, m): {compared - len(bad)} equal"
        + (f"; first problem: {bad[0]}" if bad else ""),
        problems=bad,
    )


#: App. C.3(i): the (B1) window holds n - 2f honest +L values out of (n - f)/2
B1_WINDOW_FITS = sp.GreaterThan((n - f) / 2, n - 2 * f)
#: a Byzantine lower bound needs a Byzantine worker
HAS_BYZANTINE = sp.GreaterThan(f, 1)


def check_regimes() -> CheckResult:
    """The ``(n, f)`` hypotheses of ``thm3.2/f-ge-n/3`` are ``f < n/2``, ``f >= 1`` and the
    (B1) window fitting; those of ``thm3.2/f-lt-n/3`` the same with it not fitting
    (compared as predicates on every integer point ``n <= 60``)."""
    base = (F.FEW_MISBEHAVING, HAS_BYZANTINE)
    expected = {
        IDS[0]: (*base, B1_WINDOW_FITS),
        IDS[1]: (*base, sp.Not(B1_WINDOW_FITS)),
    }
    off = {
        rid: same_on_integers(integer_part(get(rid).hypotheses), rels)
        for rid, rels in expected.items()
    }
    return result(
        "thm3.2/regimes",
        not any(off.values()),
        "registered (n, f) hypotheses vs f < n/2, f >= 1 and (n - f)/2 >= n - 2f (B1 window "
        f"fits) or not: disagreements { ({r: len(o) for r, o in off.items()}) }",
        first=[o[:3] for o in off.values()],
    )


# --------------------------------------------------------------------------- (B4)
def two_sided_reach(nn: int, ff: int, mm: int) -> sp.Expr:
    """Exact sup over every side size ``p`` in ``[0, h]`` of the two-sided per-step gap over
    ``gamma L`` (registry ``byzantine/two-sided-push``): the run with the larger honest mean
    pushed up (its sup), the other down (its inf, same tie rule).  ``3f < n``: the trigger is
    a full flip of one ``-L`` worker's sample (``S'`` up, ``S`` down).  ``3f >= n``: the
    trigger shrinks to 0, so both runs tend to the same two-value pool and the supremum is
    ``sup - inf`` over that pool (the tie roots move continuously with the trigger)."""
    hh = nn - ff
    best: sp.Expr | None = None
    for high in range(hh + 1):
        if 3 * ff < nn:
            if high == hh:
                continue
            up = [(Fraction(x), c) for x, c in honest_in_s_prime(high, hh, Fraction(mm))]
            down = [(Fraction(x), c) for x, c in honest_in_s(high, hh)]
        else:
            up = down = [(Fraction(x), c) for x, c in honest_in_s(high, hh)]
        gap = push_sweep(up, ff).supremum.sympy() - push_sweep(down, ff).infimum.sympy()
        if best is None or exact.compare(gap, best) > 0:
            best = gap
    assert best is not None
    return best


B4_GRID: tuple[tuple[int, int, int], ...] = (
    (3, 1, 2), (7, 1, 2), (10, 2, 1), (13, 3, 5), (9, 3, 2), (7, 3, 1), (8, 3, 2), (6, 1, 1),
)  # fmt: skip


def check_two_sided(grid: Sequence[tuple[int, int, int]] = B4_GRID) -> CheckResult:
    """Registered ``byzantine/two-sided-push`` == ``gamma L^2 T`` x :func:`two_sided_reach`,
    exactly, at every grid point inside its hypotheses."""
    res = get("byzantine/two-sided-push")
    bad, compared = [], 0
    for nn, ff, mm in grid:
        params = {"n": nn, "f": ff, "m": mm, "T": 1, "step_size": 1, "lipschitz": 1}
        if violated_hypotheses(res, params):
            continue
        compared += 1
        try:
            registered = registered_over_scale(res, nn, ff, mm)
            reached = two_sided_reach(nn, ff, mm)
            verdict = exact.compare(registered, reached)
        except (ValueError, ArithmeticError, TypeError) as exc:
            bad.append(f"{(nn, ff, mm)}: {type(exc).__name__}: {exc}")
            continue
        if verdict:
            bad.append(
                f"{(nn, ff, mm)}: registered {float(registered):.12g} vs {float(reached):.12g}"
            )
    return result(
        "two-sided/sup-reached-by-SMEA",
        not bad and compared > 0,
        f"registered byzantine/two-sided-push vs gamma L^2 T x exact brute-force two-sided sup "
        f"at {compared} (n, f, m): {compared - len(bad)} equal"
        + (f"; first problem: {bad[0]}" if bad else ""),
        problems=bad,
    )
