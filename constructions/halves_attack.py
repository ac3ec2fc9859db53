"""The balanced-halves attack of (B1)/(B2) (Theorem 3.2(i)/(ii), App. C.3), exact.

App. C.3; docs/theory.md, "Where we differ" (a better Byzantine construction).  Two honest groups at
``+L`` / ``-L`` whose sizes are chosen exactly (:func:`halves_attack` tries the candidates of
:func:`halves_high_counts` with the exact push supremum of :mod:`constructions.push_supremum`;
closed form :func:`halves_gap_closed_form`); the Byzantines run the view-only
:class:`constructions.push_strategies.ThresholdPush` (:func:`halves_strategy`), and
:func:`halves_instance` builds the construction (B1) or (B2) around them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from constructions.grouped_values import Groups, as_fraction, as_mpf, mean, normalise
from constructions.push_strategies import ThresholdPush
from constructions.push_supremum import (
    MARGIN,
    ORDER_DPS,
    PUSH_DIGITS,
    PUSH_MARGIN,
    PushSupremum,
    near,
    numeric,
    push_core,
    push_supremum,
    rational_below,
)


def halves_groups(h: int, m: int, lip: Fraction, high_count: int) -> tuple[Groups, Groups]:
    """Honest messages of the balanced-halves layout in ``S`` and ``S'`` (App. C.3).

    ``high_count`` workers at ``+L``, the others at ``-L``; in ``S'`` one ``-L`` worker has
    one of its ``m`` samples changed to ``+L``, so it sends ``a = -L + 2L/m``.
    """
    a = -lip + 2 * lip / m
    low = h - high_count
    s = normalise([(-lip, low), (lip, high_count)])
    s_prime = normalise([(-lip, low - 1), (a, 1), (lip, high_count)])
    return s, s_prime


def halves_side_optimum(n: int, f: int, m: int) -> tuple[int, int]:
    """``(floor(p*), ceil(p*))``, exactly, for the real maximiser ``p*`` of the gap.

    ``p* = (h - 2/m - sqrt(k (h - 4/m + 4/m^2)))/2`` (``h = n - f``, ``k = n - 2f``; see
    :func:`halves_gap_closed_form`).  With ``D = k (m^2 h - 4m + 4)`` and
    ``R_q = m h - 2 - 2 m q``: ``q <= p*`` iff ``R_q >= 0`` and ``R_q^2 >= D``.
    """
    h, k = n - f, n - 2 * f
    disc = k * (m * m * h - 4 * m + 4)

    def below(q: int) -> bool:  # q <= p*
        r = m * h - 2 - 2 * m * q
        return r >= 0 and r * r >= disc

    q = (m * h - 2 - math.isqrt(disc)) // (2 * m)
    while not below(q):
        q -= 1
    while below(q + 1):
        q += 1
    exact = m * h - 2 - 2 * m * q
    return q, q if exact * exact == disc else q + 1


def halves_high_counts(n: int, f: int, m: int) -> tuple[int, ...]:
    """Candidate sizes ``p`` of the ``+L`` side (App. C.3, generalised; ascending).

    ``k - 1`` (``k = n - 2f``: the pushed window holds the ``k - 1`` workers at ``+L`` and
    the changed worker) and ``floor(p*)``, ``ceil(p*)`` clipped to ``[k, h - 1]`` (the pushed
    window holds ``k`` workers at ``+L``; the gap is concave in ``p`` there, so the best
    integer is one of the two).  On every ``n <= 41``, ``m in {1, 2, 3, 5}`` these reach
    the best exact supremum over every ``p in [0, h - 1]`` (checked with
    :func:`push_supremum`, report); the reconstruction's ``h/2`` (even ``h``) and ``(h +- 1)/2``,
    ``(h +- 3)/2`` (odd ``h``) never do better.
    """
    h, k = n - f, n - 2 * f
    low, high = halves_side_optimum(n, f, m)
    return tuple(sorted({k - 1} | {max(k, min(h - 1, q)) for q in (low, high)}))


def halves_gap_closed_form(n: int, f: int, m: int, high_count: int) -> sp.Expr | None:
    """Supremum of ``sup(out_S') - mu_S`` (per step, over ``gamma``) at ``p = high_count``.

    A SymPy expression in ``n, f, m, L`` (``p`` enters as a number, or as ``k - 1``);
    ``None`` when ``p < k - 1`` (not derived).  Derivation (``h = n - f``, ``k = n - 2f``,
    ``a = L (2 - m)/m`` the changed worker's gradient):

    * ``S``: ``p`` workers at ``+L``, ``h - p`` at ``-L``; the honest window is kept, so
      ``mu_S = L (2p - h)/h``.
    * ``S'``: ``p`` at ``+L``, the changed worker at ``a``, ``h - p - 1`` at ``-L``; honest
      mean ``L (2p - h + 2/m)/h`` and variance
      ``var_H = L^2 (h - 1)/h + a^2/h - L^2 ((2p - h + 2/m)/h)^2``.
    * The pushed window ``W_f`` holds the ``f`` copies of ``v`` and the ``k`` largest
      honest messages ``P``: ``k x (+L)`` when ``p >= k`` (``mu_P = L``, ``var_P = 0``),
      ``(k - 1) x (+L)`` and ``a`` when ``p = k - 1`` (``mu_P = ((k - 1) L + a)/k``,
      ``var_P = (k - 1)(L - a)^2/k^2``).  Bound by the honest window ``W_0``
      (:func:`honest_bound_output`): ``sup out_S' = mu_P + sqrt(f (h var_H - k var_P)/(h k))``.

    Both the selected window (``s = f``) and the binding competitor (``W_0``) are facts
    of the exact routine, checked where the formula is used (:func:`halves_attack`).  The
    real maximiser over ``p >= k``: with ``w = (2p - h + 2/m)/h`` the gap is
    ``L (1 - w + 2/(m h)) + sqrt(f/k) sqrt(var_H)``, ``var_H = L^2 (V - w^2)``,
    ``V = (h - 4/m + 4/m^2)/h``; it is concave, stationary at ``w = -sqrt(k V/h)``, i.e.
    ``p* = (h - 2/m - sqrt(k (h - 4/m + 4/m^2)))/2``, where it equals
    ``L (1 + 2/(m h) + sqrt((h - 4/m + 4/m^2)/k))`` (reached when ``k <= p*``).
    """
    from boundkit.bounds.symbols import L
    from boundkit.bounds.symbols import f as f_
    from boundkit.bounds.symbols import m as m_
    from boundkit.bounds.symbols import n as n_

    k = n - 2 * f
    if high_count < k - 1:
        return None
    hh, kk = n_ - f_, n_ - 2 * f_
    a = L * (2 - m_) / m_
    p = kk - 1 if high_count == k - 1 else sp.Integer(high_count)
    var_h = L**2 * (hh - 1) / hh + a**2 / hh - (L * (2 * p - hh + 2 / m_) / hh) ** 2
    if high_count >= k:
        mu_p, var_p = L, sp.Integer(0)
    else:
        mu_p, var_p = ((kk - 1) * L + a) / kk, (kk - 1) * (L - a) ** 2 / kk**2
    out = mu_p + sp.sqrt(f_ * (hh * var_h - kk * var_p) / (hh * kk))
    return out - L * (2 * p - hh) / hh


@dataclass(frozen=True)
class HalvesAttack:
    """Everything (B1)/(B2) needs at one point (App. C.3), exact.

    ``high_count``: size ``p`` of the ``+L`` side (the best candidate of
    :func:`halves_high_counts`); ``honest_s``, ``honest_s_prime``: honest messages;
    ``threshold``: midpoint of the two honest means (the strategy pushes up above it);
    ``supremum``: the exact :class:`PushSupremum` in ``S'`` (None: SMEA never selects a
    pushed value, the Byzantines then send a rejected value in both runs); ``pushed``: the
    rational value sent; ``margin``: ``v_sup - pushed``; ``gap_sup``: ``sup(out_S') -
    mu_S`` exactly; ``gap_formula``: the closed form of :func:`halves_gap_closed_form`
    (None where its hypotheses, ``s = f`` and the pushed window of the derivation, are not
    what the exact routine finds); ``gap_reached``: ``out_S'(pushed) - mu_S``;
    ``candidates``: ``{p: gap_sup}`` for every candidate tried.
    """

    high_count: int
    honest_s: Groups
    honest_s_prime: Groups
    threshold: Fraction
    supremum: PushSupremum | None
    pushed: Fraction | None
    margin: sp.Expr
    gap_sup: sp.Expr
    gap_formula: sp.Expr | None
    gap_reached: Any
    candidates: dict[int, Any] = field(default_factory=dict)

    @property
    def selected(self) -> int:
        return 0 if self.supremum is None else self.supremum.selected


def _lipschitz(lipschitz: Any) -> Fraction:
    return as_fraction(lipschitz) if not isinstance(lipschitz, float) else Fraction(lipschitz)


def _halves_gap_value(h: int, f: int, m: int, lip: Fraction, high: int) -> mpmath.mpf:
    """``gap_sup`` at ``p = high`` at :data:`ORDER_DPS` digits (no SymPy)."""
    s, s_prime = halves_groups(h, m, lip, high)
    core = push_core(s_prime, f, 1)
    with mpmath.workdps(ORDER_DPS):
        top = core.output if core.output is not None else as_mpf(mean(s_prime))
        return top - as_mpf(mean(s))


def _rat(x: Fraction) -> sp.Rational:
    return sp.Rational(x.numerator, x.denominator)


def _formula_applies(
    n: int, f: int, m: int, lip: Fraction, high: int, sup: PushSupremum | None
) -> bool:
    """The exact routine found what :func:`halves_gap_closed_form` assumes at ``p``."""
    k = n - 2 * f
    if sup is None or sup.selected != f or high < k - 1:
        return False
    a = -lip + 2 * lip / m
    expected = [(lip, k)] if high >= k else [(a, 1), (lip, k - 1)]
    return sup.honest_part == normalise(expected)


def halves_option(n: int, f: int, m: int, lipschitz: Any, high_count: int) -> HalvesAttack:
    """The balanced-halves attack at ``(n, f, m, L)`` with ``p = high_count`` (exact)."""
    lip = _lipschitz(lipschitz)
    s, s_prime = halves_groups(n - f, m, lip, high_count)
    sup = push_supremum(s_prime, f)
    mu_s, mu_s_prime = mean(s), mean(s_prime)
    top = sup.output if sup is not None else _rat(mu_s_prime)
    gap = sp.radsimp(top - _rat(mu_s))
    if sup is None:
        pushed, margin, reached = None, sp.Integer(0), mu_s_prime - mu_s
    else:
        pushed = rational_below(sup.value, PUSH_MARGIN, PUSH_DIGITS)
        if not numeric(sup.interval_low) < as_mpf(pushed):
            raise ArithmeticError("margin leaves the selection interval")
        margin = sup.value - _rat(pushed)
        reached = sup.output_at(pushed) - mu_s
    formula = None
    if _formula_applies(n, f, m, lip, high_count, sup):
        formula = halves_gap_closed_form(n, f, m, high_count)
        with mpmath.workdps(ORDER_DPS):
            value = mpmath.mpf(sp.N(formula, ORDER_DPS + 10, subs=_formula_subs(n, f, m, lip)))
            if not near(value, numeric(gap)):
                raise ArithmeticError(f"closed form {formula} != exact supremum {gap}")
    return HalvesAttack(
        high_count=high_count,
        honest_s=s,
        honest_s_prime=s_prime,
        threshold=(mu_s + mu_s_prime) / 2,
        supremum=sup,
        pushed=pushed,
        margin=margin,
        gap_sup=gap,
        gap_formula=formula,
        gap_reached=reached,
        candidates={high_count: numeric(gap)},
    )


def _formula_subs(n: int, f: int, m: int, lip: Fraction) -> dict[sp.Symbol, sp.Expr]:
    from boundkit.bounds.symbols import L
    from boundkit.bounds.symbols import f as f_
    from boundkit.bounds.symbols import m as m_
    from boundkit.bounds.symbols import n as n_

    return {n_: n, f_: f, m_: m, L: _rat(lip)}


@functools.lru_cache(maxsize=4096)
def halves_attack(n: int, f: int, m: int, lipschitz: Any) -> HalvesAttack:
    """The (B1)/(B2) attack at ``(n, f, m, L)``: the best side size, exactly.

    Every candidate ``p`` of :func:`halves_high_counts` is solved exactly
    (:func:`push_supremum`); the largest ``gap_sup`` wins (ties: the smaller ``p``), and
    only the winner gets its pushed value, margin and closed form (:func:`halves_option`).
    """
    lip = _lipschitz(lipschitz)
    values = {p: _halves_gap_value(n - f, f, m, lip, p) for p in halves_high_counts(n, f, m)}
    best = halves_best_side(values)
    return replace(halves_option(n, f, m, lip, best), candidates=values)


def halves_gap_value(n: int, f: int, m: int, high_count: int, lipschitz: Any = 1) -> mpmath.mpf:
    """``gap_sup`` at ``p = high_count`` at :data:`ORDER_DPS` digits, from the exact
    end points of :func:`push_supremum` (no SymPy: for sweeps over ``p``)."""
    return _halves_gap_value(n - f, f, m, _lipschitz(lipschitz), high_count)


def halves_best_side(values: dict[int, mpmath.mpf]) -> int:
    """The candidate with the largest gap (ties, within :data:`TIE`: the smaller ``p``)."""
    with mpmath.workdps(ORDER_DPS):
        top = max(values.values())
        return min(p for p, v in values.items() if near(v, top))


def halves_gap_supremum(n: int, f: int, m: int, lipschitz: Any = 1) -> tuple[int, mpmath.mpf]:
    """``(p, gap_sup)`` of :func:`halves_attack` without building the attack: the best
    side size and its exact supremum at :data:`ORDER_DPS` digits (for sweeps)."""
    lip = _lipschitz(lipschitz)
    values = {p: _halves_gap_value(n - f, f, m, lip, p) for p in halves_high_counts(n, f, m)}
    best = halves_best_side(values)
    return best, values[best]


def halves_strategy(attack: HalvesAttack) -> ThresholdPush:
    """The view-only strategy of (B1)/(B2): push ``v`` above the threshold, else reject."""
    return ThresholdPush(threshold=attack.threshold, up=attack.pushed)


def halves_layout(h: int, m: int, lip: Fraction, high_count: int) -> Any:
    """:func:`constructions.groups.balanced_halves` (``+L`` / ``-L``).

    Work-around: ``balanced_halves`` builds a ``WorkerGroup`` of count 0 (rejected by
    the simulator) when the ``-L`` side is the changed worker alone; then the same groups
    are assembled from the helpers of :mod:`constructions.groups`.
    """
    from boundkit.errors import ParameterError
    from constructions.groups import (
        NeighbouringLayout,
        balanced_halves,
        constant_group,
        special_worker,
    )

    try:
        return balanced_halves(h, m, high=lip, low=-lip, high_count=high_count)
    except ParameterError:
        if h - high_count != 1:
            raise
    high = constant_group(lip, m, high_count, "high")
    return NeighbouringLayout(
        honest=(special_worker(-lip, -lip, m), high),
        honest_neighbour=(special_worker(lip, -lip, m), high),
    )


def halves_instance(setting: Any, name: str) -> Any:
    """Build (B1) or (B2) at ``setting`` (App. C.3; docs/theory.md, section 3).

    Linear loss ``l(theta; z) = z theta``, ``|z| <= L``, ``theta_0 = 0``; honest workers
    in two groups at ``+L`` / ``-L`` (:func:`constructions.groups.balanced_halves` with the
    side size ``p`` of :func:`halves_attack`); Byzantine workers run
    :func:`halves_strategy`.  Gradients never change, so every step is the same and
    ``eps = L |theta_T - theta'_T| = gamma L T (gap_sup - s delta_v / h)`` with
    ``gap_sup`` the closed form of :func:`halves_gap_closed_form`, ``s`` the Byzantine
    copies in the selected window and ``delta_v = v_sup - v`` the margin.
    """
    from boundkit.bounds.symbols import L, T, gamma
    from boundkit.bounds.symbols import f as f_
    from boundkit.bounds.symbols import n as n_
    from boundkit.dynamics.losses import LinearLoss
    from boundkit.dynamics.problem import Problem
    from constructions.base import Instance
    from constructions.measure import setting_subs

    n, f, m = setting.n, setting.f, setting.m
    lip = Fraction(setting.lipschitz)
    attack = halves_attack(n, f, m, lip)
    layout = halves_layout(n - f, m, lip, attack.high_count)
    problem = Problem(
        honest=layout.honest,
        honest_neighbour=layout.honest_neighbour,
        loss=LinearLoss(lip),
        misbehaving_count=f,
        byzantine=halves_strategy(attack),
        start=0,
    )
    if attack.gap_formula is not None:
        gap = attack.gap_formula
    else:  # not met on n <= 41, m <= 5; the exact supremum, scaled by L
        gap = L * attack.gap_sup / sp.Rational(lip.numerator, lip.denominator)
    closed = gamma * L * T * (gap - attack.selected * MARGIN / (n_ - f_))
    own = setting.with_(strong_convexity=0)
    subs = setting_subs(own, "n", "f", "m", "T", "step_size", "lipschitz")
    subs[MARGIN] = attack.margin
    supremum = gamma * L * T * gap
    return Instance(
        name=name,
        setting=own,
        problem=problem,
        algorithm="gd",
        closed_form=closed,
        closed_form_subs=subs,
        supremum=None if attack.pushed is None else supremum.xreplace(subs),
        extras={
            "supremum": supremum,
            "supremum_value": supremum.xreplace(subs),
            "pushed_value": attack.pushed,
            "pushed_supremum": None if attack.supremum is None else attack.supremum.value,
            "margin": attack.margin,
            "relative_margin": PUSH_MARGIN,
            "high_count": attack.high_count,
            "selected_byzantine": attack.selected,
            "selected_honest": None if attack.supremum is None else attack.supremum.honest_part,
            "threshold": attack.threshold,
            "closed_form_derived": attack.gap_formula is not None,
            "attack": attack,
        },
    )
