"""The two-sided push of (B4), exact (boundkit's own, not from the paper).

docs/theory.md, "The two-sided push"; closed form :mod:`boundkit.bounds.two_sided_gap`.
The honest workers hold ``+L`` or ``-L`` (``p`` and ``q = h - p`` of them); one worker differs
between the runs and only serves as the trigger; the Byzantine workers, seeing the honest
messages, push the run with the larger honest mean (the *up-run*) up and the other (the
*down-run*) down, each just inside the end of the interval of values on which exact SMEA
keeps the pushed window (:func:`constructions.push_supremum.push_supremum` on each run).

* ``3f < n``: *flip* trigger, one sample of a ``-L`` worker flipped to ``+L`` in the up-run
  (change ``2L/m``);
* ``3f >= n``: *shrinking* trigger, one sample of a ``+L`` worker lowered in the down-run
  by ``m delta`` (change ``delta = L`` :data:`PUSH_MARGIN`, the push margin); the gap
  tends to its supremum as ``delta -> 0``.

:func:`two_sided_attack` tries ``p = floor(h/2)`` and ``ceil(h/2)`` exactly and keeps the
better; :func:`two_sided_gap_closed_form` is the gap at a finite trigger in closed form,
checked against the exact routine where the attack is built.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from fractions import Fraction

import sympy as sp

from boundkit.bounds.symbols import L
from boundkit.bounds.symbols import f as f_
from boundkit.bounds.symbols import m as m_
from boundkit.bounds.symbols import n as n_
from boundkit.bounds.two_sided_gap import TWO_SIDED_GAP_FLIP
from constructions.grouped_values import Groups, as_fraction, as_mpf, mean, normalise
from constructions.groups import NeighbouringLayout, constant_group, special_worker
from constructions.push_strategies import ThresholdPush
from constructions.push_supremum import (
    PUSH_DIGITS,
    PUSH_MARGIN,
    PushSupremum,
    numeric,
    push_supremum,
    rational_below,
)

#: the trigger of the shrinking case: ``delta = L * TRIGGER`` (the gradient change)
TRIGGER = sp.Symbol("delta_trigger", nonnegative=True)


def shrinking(n: int, f: int) -> bool:
    """``3f >= n``: the trigger shrinks to 0 (otherwise a full sample flip)."""
    return 3 * f >= n


def trigger_change(n: int, f: int, m: int, lip: Fraction) -> Fraction:
    """The changed worker's gradient change: ``2L/m`` (flip) or ``L`` :data:`PUSH_MARGIN`."""
    return lip * PUSH_MARGIN if shrinking(n, f) else 2 * lip / m


def two_sided_groups(
    n: int, f: int, lip: Fraction, high_count: int, change: Fraction
) -> tuple[Groups, Groups]:
    """Honest messages ``(up-run, down-run)``: ``p`` at ``+L``, ``h - p`` at ``-L``, and the
    trigger (flip: a ``-L`` worker sends ``-L + change`` in the up-run; shrinking: a ``+L``
    worker sends ``L - change`` in the down-run)."""
    h = n - f
    p, q = high_count, h - high_count
    base = normalise([(lip, p), (-lip, q)])
    if shrinking(n, f):
        return base, normalise([(lip, p - 1), (lip - change, 1), (-lip, q)])
    return normalise([(lip, p), (-lip + change, 1), (-lip, q - 1)]), base


def two_sided_layout(
    n: int, f: int, m: int, lip: Fraction, high_count: int, change: Fraction
) -> NeighbouringLayout:
    """The datasets: ``S`` is the up-run, ``S'`` the down-run; the special worker holds the
    changed sample (``m`` samples each, :mod:`constructions.groups`)."""
    h = n - f
    p, q = high_count, h - high_count
    if shrinking(n, f):  # special: a +L worker, its first sample lowered by m * change in S'
        high = constant_group(lip, m, p - 1, "high")
        low = constant_group(-lip, m, q, "low")
        up = special_worker(lip, lip, m)
        down = special_worker(lip - m * change, lip, m)
    else:  # special: a -L worker, its first sample +L in S (change = 2L/m)
        high = constant_group(lip, m, p, "high")
        low = constant_group(-lip, m, q - 1, "low")
        up = special_worker(-lip + m * change, -lip, m)
        down = special_worker(-lip, -lip, m)
    rest = tuple(g for g in (high, low) if g is not None)
    return NeighbouringLayout(honest=(up, *rest), honest_neighbour=(down, *rest))


def two_sided_gap_closed_form(n: int, f: int, high_count: int) -> sp.Expr:
    """The gap ``sup out_up - inf out_down`` at a finite trigger, over ``gamma``, in closed
    form (symbols ``n, f, m, L`` and :data:`TRIGGER`; ``p`` enters as a number).

    Flip (``3f < n``, needs ``f <= p <= k - 1``): ``L ((4f + 2/m)/k + 2f/(m h k))``.
    Shrinking: ``L (2 + sqrt(f/k) (sqrt(V_up) + sqrt(V_down)))`` with
    ``V_up = 1 - u^2/h^2``, ``u = 2p - h``, and ``V_down = (h - 1 + (1 - t)^2)/h -
    ((u - t)/h)^2``, ``t`` = :data:`TRIGGER` (derivation:
    :mod:`boundkit.bounds.two_sided_gap`).
    """
    if not shrinking(n, f):
        return L * TWO_SIDED_GAP_FLIP
    h, k = n_ - f_, n_ - 2 * f_
    u = 2 * high_count - h
    v_up = 1 - u**2 / h**2
    v_down = (h - 1 + (1 - TRIGGER) ** 2) / h - ((u - TRIGGER) / h) ** 2
    return L * (2 + sp.sqrt(f_ / k) * (sp.sqrt(v_up) + sp.sqrt(v_down)))


def exactly_equal(a: sp.Expr, b: sp.Expr) -> bool:
    """``a == b`` for algebraic numbers, decided exactly: 0 after ``radsimp``; unequal when
    SymPy certifies 30 digits of a nonzero difference (``strict``); else the minimal
    polynomial of ``a - b`` is ``x``."""
    difference = sp.radsimp(sp.sympify(a) - sp.sympify(b))
    if difference == 0:
        return True
    try:
        if difference.evalf(30, strict=True) != 0:
            return False
    except sp.core.evalf.PrecisionExhausted:
        pass
    x = sp.Dummy("x")
    return sp.minimal_polynomial(difference, x) == x


@dataclass(frozen=True)
class TwoSidedAttack:
    """(B4) at one point, exact.

    ``high_count``: ``p``; ``change``: the trigger (gradient change of the special worker);
    ``honest_up``, ``honest_down``: honest messages of the two runs; ``threshold``: the
    midpoint of their means; ``up``: the exact :class:`PushSupremum` of the up-run;
    ``down``: that of the down-run, mirrored (negate its ``value`` and ``output``);
    ``pushed_up``, ``pushed_down``: the rational values sent (relative margin
    :data:`PUSH_MARGIN` below the suprema); ``gap_at_trigger``: ``sup out_up - inf
    out_down`` exactly at this trigger; ``gap_reached``: the same at the values sent
    (rational); ``gap_formula``: :func:`two_sided_gap_closed_form` (checked equal to
    ``gap_at_trigger``, exactly).
    """

    high_count: int
    change: Fraction
    honest_up: Groups
    honest_down: Groups
    threshold: Fraction
    up: PushSupremum
    down: PushSupremum
    pushed_up: Fraction
    pushed_down: Fraction
    gap_at_trigger: sp.Expr
    gap_reached: Fraction
    gap_formula: sp.Expr

    @property
    def margin_up(self) -> sp.Expr:
        return self.up.value - _rat(self.pushed_up)

    @property
    def margin_down(self) -> sp.Expr:
        return self.down.value - _rat(-self.pushed_down)


def _rat(x: Fraction) -> sp.Rational:
    return sp.Rational(x.numerator, x.denominator)


def _inside(sup: PushSupremum) -> Fraction:
    """A rational pushed value just below ``sup.value``, inside its selection interval."""
    pushed = rational_below(sup.value, PUSH_MARGIN, PUSH_DIGITS)
    if not numeric(sup.interval_low) < as_mpf(pushed):
        raise ArithmeticError("margin leaves the selection interval")
    return pushed


def suprema(up_groups: Groups, down_groups: Groups, f: int) -> tuple[PushSupremum, PushSupremum]:
    """The exact up push of the up-run and the (mirrored) down push of the down-run."""
    up = push_supremum(up_groups, f)
    down = push_supremum(down_groups, f, direction=-1)
    if up is None or down is None:
        raise ArithmeticError("SMEA never keeps a pushed value: no two-sided push here")
    return up, down


def two_sided_option(n: int, f: int, m: int, lip: Fraction, high_count: int) -> TwoSidedAttack:
    """(B4) with ``p = high_count`` at ``(n, f, m, L)``, exact (no closed-form check)."""
    change = trigger_change(n, f, m, lip)
    up_groups, down_groups = two_sided_groups(n, f, lip, high_count, change)
    up, down = suprema(up_groups, down_groups, f)
    pushed_up, mirrored_down = _inside(up), _inside(down)
    return TwoSidedAttack(
        high_count=high_count,
        change=change,
        honest_up=up_groups,
        honest_down=down_groups,
        threshold=(mean(up_groups) + mean(down_groups)) / 2,
        up=up,
        down=down,
        pushed_up=pushed_up,
        pushed_down=-mirrored_down,
        gap_at_trigger=sp.radsimp(up.output + down.output),
        gap_reached=as_fraction(up.output_at(pushed_up) + down.output_at(mirrored_down)),
        gap_formula=sp.Integer(0),
    )


def _formula_value(attack: TwoSidedAttack, n: int, f: int, m: int, lip: Fraction) -> sp.Expr:
    subs = {n_: n, f_: f, m_: m, L: _rat(lip), TRIGGER: _rat(attack.change / lip)}
    return two_sided_gap_closed_form(n, f, attack.high_count).xreplace(subs)


def candidate_high_counts(n: int, f: int) -> tuple[int, ...]:
    """``floor(h/2)`` and ``ceil(h/2)`` (``h = n - f``), for the flip clipped to
    ``[f, k - 1]`` (``k = n - 2f``), the range of the closed form."""
    h, k = n - f, n - 2 * f
    halves = {h // 2, (h + 1) // 2}
    if shrinking(n, f):
        return tuple(sorted(halves))
    return tuple(sorted({min(max(p, f), k - 1) for p in halves}))


@functools.lru_cache(maxsize=4096)
def two_sided_attack(n: int, f: int, m: int, lipschitz: object) -> TwoSidedAttack:
    """(B4) at ``(n, f, m, L)``: the better of the candidate ``p`` (exact gap at the trigger;
    ties: the smaller ``p``; a candidate at which SMEA keeps no pushed value on one side is
    skipped), its closed form checked equal to the exact routine.

    Raises ``ArithmeticError`` where the closed form's hypotheses fail (the exact routine
    then disagrees with it): never met on ``n <= 51``, ``n = 101``, ``m`` in ``{1, 2, 3, 5}``.
    """
    lip = as_fraction(lipschitz)
    options = []
    for p in candidate_high_counts(n, f):
        try:
            options.append(two_sided_option(n, f, m, lip, p))
        except ArithmeticError:  # SMEA keeps no pushed value on one side at this p
            continue
    if not options:
        raise ArithmeticError(f"no two-sided push at (n, f, m) = ({n}, {f}, {m})")
    best = options[0]
    for option in options[1:]:
        if numeric(option.gap_at_trigger) > numeric(best.gap_at_trigger):
            best = option
    formula = _formula_value(best, n, f, m, lip)
    if not exactly_equal(formula, best.gap_at_trigger):
        raise ArithmeticError(f"closed form {formula} != exact gap {best.gap_at_trigger}")
    return replace(best, gap_formula=formula)


def two_sided_strategy(attack: TwoSidedAttack) -> ThresholdPush:
    """View-only: above the threshold (the up-run's honest messages) send ``pushed_up``,
    otherwise ``pushed_down``; identical views give identical messages."""
    return ThresholdPush(threshold=attack.threshold, up=attack.pushed_up, down=attack.pushed_down)


def limit_gap(n: int, f: int, m: int, lipschitz: object, high_count: int) -> sp.Expr:
    """The exact routine's gap with no trigger at all (both runs the two-value layout), for
    the shrinking case: the supremum the construction approaches as ``delta -> 0``.  For the
    flip it is the gap at the flip (``m`` matters there)."""
    lip = as_fraction(lipschitz)
    change = Fraction(0) if shrinking(n, f) else 2 * lip / m
    up, down = suprema(*two_sided_groups(n, f, lip, high_count, change), f)
    return sp.radsimp(up.output + down.output)
