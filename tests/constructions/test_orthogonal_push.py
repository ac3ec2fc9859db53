"""(B3) the orthogonal push, and its Lemma 4.1 variant (boundkit's own, not from the paper).

:mod:`boundkit.bounds.orthogonal_gap` (supremum of the ``e2`` push, a tie of two SMEA windows),
:mod:`constructions.b3_orthogonal_push`, :mod:`constructions.orthogonal_pivot` and
:func:`constructions.lemma41_pivot.lemma41_orthogonal` (THEORY.md section 4).  The
supremum is checked independently of the module's float screen by the exact aggregator
(:func:`boundkit.rules.smea_grouped`, Fractions).
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from boundkit import bounds as bounds_module
from boundkit.bounds.orthogonal_gap import OrthogonalSupremum, honest_groups, orthogonal_push
from boundkit.checks.decide import compare
from boundkit.config import Setting
from boundkit.rules import smea_grouped
from constructions import b3_orthogonal_push as b3
from constructions.lemma41_pivot import lemma41, lemma41_orthogonal
from constructions.measure import measure
from constructions.orthogonal_pivot import keeps_all, pivot_groups, pivot_push
from constructions.push_supremum import rational_below
from tests.exact_compare import DPS, as_mp

MARGIN = Fraction(1, 10**30)  # relative distance of the probes to sqrt(u*)


def _kept_byzantine(n: int, f: int, m: int, neighbour: bool, push: Fraction) -> int:
    """Exact SMEA: how many of the ``f`` copies of ``(0, push)`` it keeps in (B3)."""
    groups = honest_groups(n, f, m, neighbour)
    values = [(x, Fraction(0)) for x, _ in groups] + [(Fraction(0), push)]
    counts = [c for _, c in groups] + [f]
    return smea_grouped(values, counts, f).selected_counts[-1]


# ------------------------------------------------------------------ 1. the supremum, exactly
@pytest.mark.parametrize(
    "n, f, m", [(20, 3, 1), (100, 5, 1), (10, 2, 2), (21, 10, 1), (12, 5, 5), (7, 2, 1)]
)
def test_supremum_confirmed_by_exact_smea(n: int, f: int, m: int) -> None:
    push = orthogonal_push(n, f, m)
    assert push is not None
    for neighbour, side in ((True, push.up), (False, push.down)):
        root = sp.sqrt(side.squared)
        below = rational_below(root, MARGIN, 40)
        above = -rational_below(-root, MARGIN, 40)
        assert as_mp(below) < as_mp(root) < as_mp(above)
        assert _kept_byzantine(n, f, m, neighbour, below) == f
        assert _kept_byzantine(n, f, m, neighbour, above) < f


# ------------------------------------------------------------------ 2. the balanced closed form
def _balanced_rhs(side: OrthogonalSupremum, n: int, f: int) -> Fraction:
    """``h A_W + sigma_W^2 j^2 / (h (f k - j (h - j)))`` of the rival window ``W``."""
    h, k, w = side.h, n - 2 * f, side.rival
    j = w.byzantine
    a, _, _ = w.coefficients(h)
    return h * a + w.total**2 * j * j / (h * (f * k - j * (h - j)))


def test_balanced_tie_closed_form() -> None:
    """Module docstring, all ``n <= 29`` and ``n = 41`` (``m = 1``, ``f < n/3``):
    ``f k u* / h == h A_W + sigma_W^2 j^2/(h (f k - j (h - j)))``.

    The tie of ``lambda_F = c_F u`` (``F`` balanced, ``c_F = f k/h^2``) with
    ``(x - A_W)(x - c_W u) = b_W u`` at ``x = c_F u``.  The docstring typesets
    ``f k u* = ...`` with an "all over h" note: the exact identity has ``f k u*/h`` on
    the left (equivalently ``f k u* = h^2 A_W + sigma_W^2 j^2/(f k - j (h - j))``).
    """
    checked = 0
    for n in [*range(4, 30), 41]:  # all n <= 41 take ~25 s alone (checked once, 267 sides)
        for f in range(1, (n - 1) // 3 + 1):
            push = orthogonal_push(n, f, 1)
            if push is None:
                continue
            for side in (push.up, push.down):
                if side.kept.total != 0:
                    continue
                k, h = n - 2 * f, side.h
                u = side.squared
                assert isinstance(u, sp.Rational), (n, f, u)
                rhs = _balanced_rhs(side, n, f)
                assert sp.Rational(f * k) * u / h == sp.Rational(rhs), (n, f)
                w = side.rival
                if {x for x, c in zip(_values(n, f, side), w.honest, strict=True) if c} <= {
                    Fraction(1),
                    Fraction(-1),
                }:  # the docstring's special case: W on +-L only
                    assert h * w.coefficients(h)[0] == h - w.byzantine - w.total**2 / h
                checked += 1
    assert checked > 100  # 138 balanced sides at the time of writing


def _values(n: int, f: int, side: OrthogonalSupremum) -> list[Fraction]:
    """The honest ``e1`` values of the run ``side`` belongs to (same group order)."""
    for neighbour in (True, False):
        groups = honest_groups(n, f, 1, neighbour)
        if len(groups) == len(side.rival.honest):
            return [x for x, _ in groups]
    raise AssertionError("no matching run")


# ------------------------------------------------------------------ 3. asymptotics
#: the S' (up) runs whose e2 output falls (slightly, < 0.4% relative) below sqrt(f/(n-f)):
#: odd f, so h = n - f even and, with m = 1, S' holds one worker at 0 (honest_groups),
#: whose window has a smaller e1 variance.  Reported to the lead, not a test tolerance.
UP_BELOW_LOWER = {51: {1, 3, 5}, 101: {1, 3, 5, 7, 9}, 201: {1, 3, 5, 7, 9, 11, 13}}


@pytest.mark.parametrize("n", [51, 101, 201])
def test_output_e2_between_sqrt_bounds(n: int) -> None:
    up_below = set()
    for f in range(1, (n - 1) // 3 + 1):
        push = orthogonal_push(n, f, 1)
        if push is None:
            continue
        low, high = math.sqrt(f / (n - f)), math.sqrt(f / (n - 2 * f))
        up, down = float(push.up.output_e2), float(push.down.output_e2)
        assert low <= down <= high, (n, f, down)
        assert up <= high, (n, f, up)
        if up < low:
            up_below.add(f)
        assert float(push.gap_e2) >= 2 * low, (n, f)  # the two runs together do reach it
    assert up_below == UP_BELOW_LOWER[n]


# ------------------------------------------------------------------ 4. measurement
@pytest.mark.parametrize(
    "n, f, m, lipschitz",
    [(20, 3, 1, 1), (20, 3, 1, Fraction(3, 2)), (21, 5, 1, 1), (13, 4, 3, Fraction(3, 2))],
)
def test_measurement_matches_closed_form_and_bounds(
    n: int, f: int, m: int, lipschitz: Fraction
) -> None:
    setting = Setting(n=n, f=f, m=m, T=10, step_size=Fraction(1, 10), lipschitz=lipschitz)
    assert b3.applies(setting) is None
    instance = b3.build(setting)
    result = measure(instance, dps=DPS)
    params = instance.setting.as_dict()
    upper = bounds_module.exact_value(bounds_module.get(b3.UPPER_ID), params)
    lower = bounds_module.exact_value(bounds_module.get(b3.LOWER_ID), params)
    empirical, supremum = result.empirical_exact, instance.supremum
    assert compare(empirical, "==", result.closed_form_exact).holds
    assert compare(supremum, "==", lower).holds  # the registered bound is the supremum
    assert compare(empirical, "<", supremum).holds
    assert compare(empirical, ">", supremum * (1 - sp.Rational(1, 10**40))).holds
    assert compare(upper, ">=", supremum).holds


def test_measurement_scales_as_lipschitz_squared() -> None:
    base = Setting(n=20, f=3, m=1, T=10, step_size=Fraction(1, 10), lipschitz=1)
    one = b3.build(base).supremum
    scaled = b3.build(base.with_(lipschitz=Fraction(3, 2))).supremum
    assert compare(scaled, "==", one * sp.Rational(9, 4)).holds


# ------------------------------------------------------------------ 5. property
@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(min_value=4, max_value=15),
    f_share=st.integers(min_value=1, max_value=7),
    m=st.integers(min_value=1, max_value=3),
)
def test_property_defined_or_within_bounds(n: int, f_share: int, m: int) -> None:
    f = min(f_share, (n - 1) // 2)
    setting = Setting(n=n, f=f, m=m, T=3, step_size=Fraction(1, 10), lipschitz=1)
    reason = b3.applies(setting)
    if orthogonal_push(n, f, m) is None:
        assert isinstance(reason, str) and reason
        return
    assert reason is None
    instance = b3.build(setting)
    result = measure(instance, dps=DPS)
    params = instance.setting.as_dict()
    upper = bounds_module.exact_value(bounds_module.get(b3.UPPER_ID), params)
    lower = bounds_module.exact_value(bounds_module.get(b3.LOWER_ID), params)
    assert compare(upper, ">=", instance.supremum).holds
    assert compare(instance.supremum, ">=", lower).holds
    assert compare(result.empirical_exact, "<", instance.supremum).holds
    assert compare(result.empirical_exact, "==", result.closed_form_exact).holds


# ------------------------------------------------------------------ Lemma 4.1 variant (d = 2)
@pytest.mark.parametrize("n, f", [(7, 1), (21, 3), (21, 6), (51, 1), (51, 16)])
def test_pivot_push_certified_by_exact_smea(n: int, f: int) -> None:
    for sign in (-1, 1):
        push = pivot_push(n, f, sign)
        assert push is not None
        honest = pivot_groups(n, f, sign)
        assert keeps_all(honest, f, sign * push.below)
        assert not keeps_all(honest, f, sign * push.above)
        assert push.above / push.below - 1 <= Fraction(3, 10**40)
        assert push.pivot_kept


def test_pivot_push_keeps_an_interval() -> None:
    """All ``f`` kept on a grid of ``(0, D*]`` and lost on a grid of ``[D*, 4 D*]``
    (the bisection's monotonicity assumption, at one setting)."""
    n, f = 21, 3
    push = pivot_push(n, f, -1)
    honest = pivot_groups(n, f, -1)
    assert all(keeps_all(honest, f, -push.below * k / 5) for k in range(1, 6))
    assert not any(keeps_all(honest, f, -push.above * (1 + Fraction(k, 2))) for k in range(7))


@pytest.mark.parametrize("n, f", [(7, 1), (21, 1), (21, 3), (21, 6), (51, 1), (51, 8), (51, 16)])
def test_lemma41_orthogonal_generalization_equals_stability_link(n: int, f: int) -> None:
    """``E[gen]`` from the definition ``== eps / (2 (n - f))`` exactly (the ``e1`` parts of
    the two outputs agree by the mirror symmetry ``e2 -> -e2``), and the closed form
    ``eps = 2 gamma L T (f D + p L)/h`` holds exactly."""
    result = lemma41_orthogonal(n, f)
    h = n - f
    assert result.theta_1[0] == result.theta_2[0]
    assert result.theta_1[1] == -result.theta_2[1] > 0
    assert result.expected_gen == (result.theta_1[1] - result.theta_2[1]) / (2 * h)
    assert result.holds
    assert sp.Rational(result.stability) == result.instance.closed_form_value()
    assert result.pivot_kept


def test_lemma41_orthogonal_scales_as_lipschitz_squared() -> None:
    one = lemma41_orthogonal(21, 3).expected_gen
    assert lemma41_orthogonal(21, 3, lipschitz=Fraction(3, 2)).expected_gen == one * Fraction(9, 4)


@pytest.mark.parametrize("n", [21, 51])
def test_orthogonal_generalization_exceeds_poisoning(n: int) -> None:
    """Byzantine (orthogonal push, d = 2) beats poisoning ((P1), 1-D) for every ``f < n/3``
    at the same ``(n, f, T, gamma, L)``; the ratio falls with ``f`` (about 4.0 at
    ``n = 51, f = 1``, 1.5 at ``f = 16``)."""
    ratios = []
    for f in range(1, (n - 1) // 3 + 1):
        setting = Setting(n=n, f=f, m=1, T=10, step_size=Fraction(1, 10), lipschitz=1)
        byzantine = lemma41_orthogonal(n, f).expected_gen
        poisoning = lemma41(setting, "poisoning").expected_gen
        assert byzantine > poisoning > 0, (n, f)
        ratios.append(byzantine / poisoning)
    assert all(a > b for a, b in zip(ratios, ratios[1:], strict=False))
