"""(B4) the two-sided push (boundkit's own, not from the paper), exact.

:mod:`boundkit.bounds.two_sided_gap` (closed form), :mod:`constructions.two_sided_attack`,
:mod:`constructions.b4_two_sided_push`.  Every check here is exact: the aggregator is
:func:`boundkit.rules.smea_grouped` on Fractions, the runs are simulated in Fractions,
equalities of algebraic numbers are decided by their minimal polynomial, and orderings
by SymPy's certified (``strict``) evaluation of a difference that is not exactly 0.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
import sympy as sp

from boundkit.bounds import get
from boundkit.bounds.evaluation import exact_value
from boundkit.bounds.symbols import f as f_
from boundkit.bounds.symbols import m as m_
from boundkit.bounds.symbols import n as n_
from boundkit.bounds.two_sided_gap import TWO_SIDED_GAP
from boundkit.checks import rates
from boundkit.config import Setting
from boundkit.dynamics.coupled_runs import run_pair
from boundkit.rules import smea, smea_grouped
from constructions import CONSTRUCTIONS
from constructions import b4_two_sided_push as b4
from constructions.grouped_values import Groups, normalise
from constructions.measure import closed_form_exact
from constructions.push_supremum import push_supremum
from constructions.two_sided_attack import (
    TwoSidedAttack,
    limit_gap,
    two_sided_attack,
    two_sided_layout,
    two_sided_option,
)

POINTS = [
    (3, 1, 1),
    (3, 1, 2),
    (4, 1, 2),
    (5, 2, 5),
    (6, 1, 2),
    (7, 3, 2),
    (8, 3, 1),
    (10, 3, 1),
    (11, 2, 5),
    (20, 7, 2),
]
STEP = Fraction(1, 10)


def _zero(x: sp.Expr) -> bool:
    """``x == 0`` for an algebraic number, exactly (its minimal polynomial is ``y``)."""
    y = sp.Dummy("y")
    return sp.minimal_polynomial(sp.sympify(x), y) == y


def _sign(x: sp.Expr) -> int:
    """The sign of an algebraic number: from 30 digits that SymPy certifies (``strict``:
    it raises rather than return fewer correct digits, e.g. for 0), else 0 exactly."""
    x = sp.sympify(x)
    if x.is_Rational:
        return int(sp.sign(x))
    try:
        return 1 if x.evalf(30, strict=True) > 0 else -1
    except sp.core.evalf.PrecisionExhausted:
        assert _zero(x), x
        return 0


def _rational(x: Fraction) -> sp.Rational:
    return sp.Rational(x.numerator, x.denominator)


def _two_sided(n: int, f: int, m: int) -> sp.Expr:
    return TWO_SIDED_GAP.xreplace({n_: n, f_: f, m_: m})


# ------------------------------------------------------------------ 1. the attack of issue 12
@pytest.mark.parametrize("lip", [Fraction(1), Fraction(3, 2)])
def test_explicit_attack_at_3_1_2(lip: Fraction) -> None:
    """Worker 1 holds ``(L, L)`` in ``S`` and ``(-L, L)`` in ``S'``, worker 2 ``(-L, -L)``; the
    Byzantine worker sends ``3L - eta`` on ``{L, -L}`` and ``-2L`` on ``{0, -L}``: SMEA (the
    closest pair, the lowest mean on ties) outputs ``2L - eta/2`` and ``-3L/2``."""
    eta = Fraction(1, 1000)
    out_s = smea([lip, -lip, 3 * lip - eta], 1).value
    out_s_prime = smea([Fraction(0), -lip, -2 * lip], 1).value
    assert out_s == 2 * lip - eta / 2
    assert out_s_prime == -3 * lip / 2
    # per step: 3.5 L - eta/2 over gamma; eq. (5) is 1.5 gamma L^2 there
    assert (out_s - out_s_prime) * lip == Fraction(7, 2) * lip**2 - eta * lip / 2
    # the same two numbers are the suprema of the exact push routine on those messages
    up = push_supremum(((lip, 1), (-lip, 1)), 1)
    down = push_supremum(((Fraction(0), 1), (-lip, 1)), 1, direction=-1)
    assert up is not None and down is not None
    assert (up.value, up.output) == (3 * lip, 2 * lip) and not up.attained
    assert (-down.value, -down.output) == (-2 * lip, -3 * lip / 2) and down.attained


def test_b4_reaches_the_issue_value_at_3_1_2() -> None:
    """At ``(3, 1, 2)`` B4 reaches more than the ``3.5 gamma L^2 T`` of the full flip: the
    trigger shrinks and both runs are pushed by the distance of the honest pair,
    ``2L`` each (the closest-pair argument above with ``0`` replaced by ``L - delta``)."""
    setting = Setting(n=3, f=1, m=2, T=10, step_size=STEP, lipschitz=1)
    instance = b4.build(setting)
    reached = _simulated(instance)
    assert reached > Fraction(7, 2) * STEP * 10
    assert instance.extras["supremum_value"] == 4 * STEP * 10
    poisoning = exact_value(get("thm3.3/convex"), setting.as_dict())  # eq. (5): 1.5
    assert poisoning == sp.Rational(3, 2) and poisoning < _rational(reached)


# ------------------------------------------------------------------ 2. exact SMEA keeps them
def _kept(honest: Groups, f: int, pushed: Fraction) -> tuple[int, Fraction]:
    """Exact SMEA on the honest messages and ``f`` copies of ``pushed``: how many copies
    it keeps, and its output."""
    values = [x for x, _ in honest] + [pushed]
    counts = [c for _, c in honest] + [f]
    agg = smea_grouped(values, counts, f)
    return agg.selected_counts[-1], agg.value


def keeps_pushed_window(attack: TwoSidedAttack, f: int) -> bool:
    """Exact SMEA keeps the ``f`` copies at both pushed values, outputs what the attack
    says, and keeps fewer just beyond the two suprema (so the values are where the
    windows end)."""
    h = sum(c for _, c in attack.honest_up)
    up_kept, up_out = _kept(attack.honest_up, f, attack.pushed_up)
    down_kept, down_out = _kept(attack.honest_down, f, attack.pushed_down)
    if (up_kept, down_kept) != (f, f) or up_out - down_out != attack.gap_reached:
        return False
    beyond = Fraction(1, 10**60)
    up_end = sp.N(attack.up.value, 80)
    down_end = sp.N(-attack.down.value, 80)
    past_up = Fraction(str(up_end)) + beyond * (1 + abs(Fraction(str(up_end))))
    past_down = Fraction(str(down_end)) - beyond * (1 + abs(Fraction(str(down_end))))
    more_up, _ = _kept(attack.honest_up, f, past_up)
    more_down, _ = _kept(attack.honest_down, f, past_down)
    return more_up < f and more_down < f and h == sum(c for _, c in attack.honest_down)


@pytest.mark.parametrize("n, f, m", POINTS)
def test_exact_smea_keeps_the_pushed_values(n: int, f: int, m: int) -> None:
    attack = two_sided_attack(n, f, m, Fraction(1))
    assert keeps_pushed_window(attack, f)


def test_a_push_past_the_supremum_is_caught() -> None:
    """The check above fails on a broken strategy: values sent beyond the suprema."""
    attack = two_sided_attack(7, 3, 2, Fraction(1))
    broken = replace(attack, pushed_up=attack.pushed_up + Fraction(1, 10))
    assert not keeps_pushed_window(broken, 3)
    broken = replace(attack, pushed_down=attack.pushed_down - Fraction(1, 10))
    assert not keeps_pushed_window(broken, 3)


# ------------------------------------------------------------------ 3. closed form == simulation
def _simulated(instance: object) -> Fraction:
    """``L |theta_T - theta'_T|`` from an exact (Fraction) run of both datasets."""
    s = instance.setting
    pair = run_pair(
        instance.problem, algorithm="gd", steps=s.T, step_size=s.step_size, arithmetic="fraction"
    )
    gap = pair.final - pair.final_neighbour
    assert isinstance(gap, Fraction)
    return Fraction(s.lipschitz) * abs(gap)


@pytest.mark.parametrize("n, f, m", POINTS)
def test_closed_form_equals_simulation_exactly(n: int, f: int, m: int) -> None:
    setting = Setting(n=n, f=f, m=m, T=7, step_size=STEP, lipschitz=Fraction(3, 2))
    instance = b4.build(setting)
    reached = _simulated(instance)
    assert _zero(closed_form_exact(instance) - _rational(reached))
    # the supremum is the registered lower bound, and the reached value lies below it
    supremum = instance.extras["supremum_value"]
    assert _zero(supremum - exact_value(get("byzantine/two-sided-push"), setting.as_dict()))
    assert _sign(supremum - _rational(reached)) == 1


def test_a_broken_layout_is_caught() -> None:
    """The same strategy on a layout with one more worker at ``+L`` than the attack was
    computed for: the simulation no longer equals the closed form."""
    setting = Setting(n=10, f=3, m=2, T=3, step_size=STEP, lipschitz=1)
    instance = b4.build(setting)
    attack = instance.extras["attack"]
    layout = two_sided_layout(10, 3, 2, Fraction(1), attack.high_count + 1, attack.change)
    problem = replace(
        instance.problem, honest=layout.honest, honest_neighbour=layout.honest_neighbour
    )
    reached = _simulated(replace(instance, problem=problem))
    assert not _zero(closed_form_exact(instance) - _rational(reached))


# ------------------------------------------------------------------ 4. the supremum
@pytest.mark.parametrize("n, f, m", POINTS + [(21, 3, 2), (51, 17, 5), (101, 50, 1)])
def test_closed_form_is_the_exact_routines_supremum(n: int, f: int, m: int) -> None:
    """TWO_SIDED_GAP == the exact routine's gap with no trigger (3f >= n) or at the flip."""
    attack = two_sided_attack(n, f, m, Fraction(1))
    assert _zero(_two_sided(n, f, m) - limit_gap(n, f, m, 1, attack.high_count))


def _family_gaps(n: int, f: int, m: int, change: Fraction) -> list[sp.Expr]:
    """The exact gap of every two-value layout (every ``p``) and both triggers: a ``-L``
    worker raised by ``change`` in the up-run, a ``+L`` worker lowered in the down-run."""
    h = n - f
    one = Fraction(1)
    gaps = []
    for p in range(h + 1):
        base = normalise([(one, p), (-one, h - p)])
        layouts = []
        if p < h:
            layouts.append((normalise([(one, p), (-one + change, 1), (-one, h - p - 1)]), base))
        if p > 0:
            layouts.append((base, normalise([(one, p - 1), (one - change, 1), (-one, h - p)])))
        for up_groups, down_groups in layouts:
            up = push_supremum(up_groups, f)
            down = push_supremum(down_groups, f, direction=-1)
            top = up.output if up else _rational(sum(v * c for v, c in up_groups) / h)
            low = down.output if down else -_rational(sum(v * c for v, c in down_groups) / h)
            gaps.append(top + low)
    return gaps


@pytest.mark.parametrize("n, f, m", [(3, 1, 2), (4, 1, 1), (6, 2, 2), (7, 2, 5), (9, 4, 2)])
def test_best_of_the_family(n: int, f: int, m: int) -> None:
    """Over every ``p`` and both triggers (full flip; a change of ``10**-30``), no gap
    exceeds TWO_SIDED_GAP, and one reaches it (flip) or comes within ``10**-25`` of it."""
    bound = _two_sided(n, f, m)
    gaps = _family_gaps(n, f, m, Fraction(2, m)) + _family_gaps(n, f, m, Fraction(1, 10**30))
    assert all(_sign(bound - g) >= 0 for g in gaps)
    assert min(sp.N(bound - g, 60) for g in gaps) < sp.Float(10) ** -25


def test_two_sided_gap_and_the_other_bounds() -> None:
    """B4's supremum is at least (B1)/(B2)'s HalvesGap and the tailored attack's on a
    sample of the grid, and strictly above eq. (5) everywhere there (per step)."""
    from boundkit.bounds.halves_gap import HalvesGap
    from constructions.tailored_byzantine import tailored_attack

    for n, f, m in [(3, 1, 2), (5, 2, 1), (7, 3, 2), (10, 3, 2), (11, 2, 5), (21, 10, 1)]:
        two_sided = _two_sided(n, f, m)
        assert _sign(two_sided - HalvesGap(n, f, m)) >= 0
        assert _sign(two_sided - tailored_attack(n, f, m, 1).gap_sup) >= 0
        poisoning = 2 * sp.Rational(f * m + 1, m * (n - f))
        assert _sign(two_sided - poisoning) == 1


def test_registered_and_listed() -> None:
    assert "B4" in CONSTRUCTIONS
    assert CONSTRUCTIONS["B4"].lower_for(Setting(n=5, f=1, m=1, T=1, step_size=STEP)) == (
        "byzantine/two-sided-push"
    )
    assert get("byzantine/two-sided-push").kind == "lower"


@pytest.mark.parametrize("n, f, m", [(6, 1, 2), (8, 3, 1), (12, 5, 2), (21, 10, 5)])
def test_the_best_layout_is_taken(n: int, f: int, m: int) -> None:
    """At its trigger, the attack's exact gap is at least that of every other side size
    ``p`` in ``[0, h]`` with the same trigger (those where SMEA keeps no pushed value on
    one side are skipped: e.g. (6, 1) at ``p = 3``)."""
    attack = two_sided_attack(n, f, m, Fraction(1))
    compared = 0
    for p in range(n - f + 1):
        try:
            option = two_sided_option(n, f, m, Fraction(1), p)
        except (ArithmeticError, ValueError):
            continue
        compared += 1
        assert _sign(attack.gap_at_trigger - option.gap_at_trigger) >= 0, p
    assert compared >= 1


@pytest.mark.parametrize("n, f, m", POINTS)
def test_layout_is_what_the_attack_solved(n: int, f: int, m: int) -> None:
    """The simulated datasets send exactly the honest messages the pushes were solved on
    (``S``: the up-run, ``S'``: the down-run)."""
    lip = Fraction(1)
    attack = two_sided_attack(n, f, m, lip)
    layout = two_sided_layout(n, f, m, lip, attack.high_count, attack.change)

    def messages(groups: tuple) -> Groups:
        return normalise([(sum(g.samples, Fraction(0)) / m, g.count) for g in groups])

    assert messages(layout.honest) == attack.honest_up
    assert messages(layout.honest_neighbour) == attack.honest_down


@pytest.mark.parametrize("regime", [r for r in rates.REGIMES if r.construction == "B4"])
def test_rate_fit(regime: rates.Regime) -> None:
    """B4 in the rate fits: exponent 1/2 in f/(n-2f) for f >= n/3, 1 for f < n/3 (n = 101)."""
    fit = rates.fit_regime(regime, 101, rates.SeriesParameters(dps=30))
    assert fit.status == "PASS", (fit.fit.exponent, regime.theory)
