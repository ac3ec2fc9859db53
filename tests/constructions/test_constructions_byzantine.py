"""Byzantine lower-bound constructions: (B1), (B2), the tailored attack, Lemma 4.1.

THEORY.md sections 3-4; App. C.3, E.1, E.2.  Every construction is simulated in exact
rationals and confronted with its closed form and the registered bounds exactly
(:func:`boundkit.checks.decide.compare`: rationals, algebraic numbers, refined balls).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from boundkit import bounds
from boundkit.bounds.symbols import L, f, m, n
from boundkit.checks.decide import compare
from boundkit.config import Setting
from boundkit.dynamics.coupled_runs import run_pair
from boundkit.dynamics.problem import Problem, View
from constructions import b1_byzantine_f_ge_third as b1
from constructions import b2_byzantine_f_lt_third as b2
from constructions import tailored_byzantine as tailored
from constructions.halves_attack import (
    halves_attack,
    halves_gap_supremum,
    halves_gap_value,
    halves_high_counts,
    halves_option,
    halves_side_optimum,
)
from constructions.lemma41_pivot import lemma41, theorem42_ratio
from constructions.measure import measure
from constructions.push_strategies import AdaptiveTwoSidedPush, ThresholdPush
from constructions.push_supremum import (
    best_selected_push,
    largest_selected_push,
    push_supremum,
    rational_below,
)
from tests.exact_compare import DPS, as_mp, close

SETTINGS = settings(max_examples=20, deadline=None)


def _holds(a: object, op: str, b: object) -> bool:
    """``a op b`` decided exactly (never a tolerance; UNDECIDED counts as False)."""
    return compare(a, op, b).holds is True


def _exact_closed_form(instance) -> sp.Expr:
    """The closed form substituted exactly (``Instance.closed_form_value`` applies
    ``nsimplify``, which rounds; see the report)."""
    return instance.closed_form.subs(dict(instance.closed_form_subs))


def _exact_bound(result_id: str, instance) -> sp.Expr:
    return bounds.exact_value(bounds.get(result_id), instance.setting.as_dict())


def _module(setting: Setting):
    return b1 if 3 * setting.f >= setting.n else b2


@st.composite
def byzantine_settings(draw: st.DrawFn, max_n: int = 41) -> Setting:
    n_ = draw(st.integers(3, max_n))
    f_ = draw(st.integers(1, (n_ - 1) // 2))
    beta = draw(st.sampled_from([Fraction(1), Fraction(2), Fraction(1, 2)]))
    gamma = draw(st.fractions(Fraction(1, 50), 2 / beta, max_denominator=50))
    return Setting(
        n=n_,
        f=f_,
        m=draw(st.integers(1, 5)),
        T=draw(st.integers(1, 20)),
        step_size=gamma,
        lipschitz=draw(st.sampled_from([Fraction(1), Fraction(3, 2), Fraction(1, 3)])),
        smoothness=beta,
    )


# --------------------------------------------------------------------------- (B1), (B2)


@SETTINGS
@given(byzantine_settings())
def test_b1_b2_between_bounds_and_equal_to_closed_form(setting: Setting) -> None:
    module = _module(setting)
    assert module.applies(setting) is None
    instance = module.build(setting)
    measured = measure(instance)
    empirical = measured.empirical_exact
    assert measured.exact and _holds(empirical, "==", _exact_closed_form(instance))
    upper = _exact_bound(module.UPPER_ID, instance)
    lower = _exact_bound(module.LOWER_ID, instance)
    supremum = instance.supremum
    if supremum is None:  # SMEA never selects a pushed value: the value is attained
        supremum = empirical
    else:  # the value reached lies below the supremum, within the fixed margin
        assert _holds(empirical, "<", supremum)
        assert _holds(empirical, ">", supremum * (1 - sp.Rational(1, 10**40)))
    assert _holds(upper, ">=", supremum)
    # the registered lower bound is the supremum this construction approaches
    assert _holds(lower, "==", supremum)


@SETTINGS
@given(byzantine_settings(max_n=25))
def test_b_selected_window_every_step_exact(setting: Setting) -> None:
    """SMEA selects the intended window at every step, in 50-digit and exact arithmetic."""
    instance = _module(setting).build(setting)
    attack = instance.extras["attack"]
    honest_groups = len(instance.problem.honest)
    for arithmetic in ("mpmath", "fraction"):
        pair = run_pair(
            instance.problem,
            algorithm="gd",
            steps=setting.T,
            step_size=setting.step_size,
            arithmetic=arithmetic,
            dps=DPS,
            record_subsets=True,
        )
        for in_s, in_s_prime in pair.subsets:
            assert sum(in_s[honest_groups:]) == 0  # S: the honest window
            assert sum(in_s_prime[honest_groups:]) == attack.selected
        if arithmetic == "fraction":
            exact = Fraction(setting.lipschitz) * abs(pair.final - pair.final_neighbour)
            assert _holds(exact, "==", _exact_closed_form(instance))


@SETTINGS
@given(byzantine_settings())
def test_hand_derived_gap_matches_exact_supremum(setting: Setting) -> None:
    attack = halves_attack(setting.n, setting.f, setting.m, 1)
    assert attack.gap_formula is not None
    formula = attack.gap_formula.subs({n: setting.n, f: setting.f, m: setting.m, L: 1})
    assert _holds(formula, "==", attack.gap_sup)


def test_registered_halves_gap_equals_construction_n_le_41() -> None:
    """HALVES_GAP (registered thm3.2 lower bounds / gamma L^2 T) == the exact supremum of
    the (B1)/(B2) construction on every n <= 41, f < n/2, m in {1, 2, 3, 5} (1,600 cases):
    both at 60 digits, the construction's from its exact end points (``_ORDER_DPS``)."""
    cases = 0
    with mpmath.workdps(60):
        for n_ in range(3, 42):
            for f_ in range(1, (n_ - 1) // 2 + 1):
                for m_ in (1, 2, 3, 5):
                    _, exact = halves_gap_supremum(n_, f_, m_)
                    registered = mpmath.mpf(sp.N(bounds.HALVES_GAP.subs({n: n_, f: f_, m: m_}), 60))
                    assert abs(registered - exact) < mpmath.mpf(10) ** -45, (n_, f_, m_)
                    cases += 1
    assert cases == 1600


def test_halves_gap_function_is_the_formula() -> None:
    """``HalvesGap`` (fast path) == ``HALVES_GAP_FORMULA`` substituted by ``subs``."""
    for point in ((6, 2, 1), (7, 3, 2), (20, 3, 2), (21, 10, 5), (12, 5, 3), (3, 1, 1)):
        values = dict(zip((n, f, m), point, strict=True))
        fast = bounds.HALVES_GAP.subs(values)
        slow = bounds.HALVES_GAP_FORMULA.subs(values)
        assert close(fast, slow, mpmath.mpf(10) ** -60)
    assert bounds.HALVES_GAP.doit() == bounds.HALVES_GAP_FORMULA


def test_side_optimum_is_exact_floor_and_ceiling() -> None:
    """Integer ``floor(p*)``, ``ceil(p*)`` == SymPy's on ``HALVES_P_STAR``; p* integer too."""
    for n_, f_, m_ in [(9, 3, 1), (21, 10, 5), (41, 20, 3), (12, 2, 2), (8, 3, 1), (5, 2, 1)]:
        star = bounds.HALVES_P_STAR.subs({n: n_, f: f_, m: m_})
        assert halves_side_optimum(n_, f_, m_) == (int(sp.floor(star)), int(sp.ceiling(star)))
    # k (h - 4/m + 4/m^2) a square: n = 5, f = 1, m = 2 gives p* = (4 - 1 - 3)/2 = 0
    assert halves_side_optimum(5, 1, 2) == (0, 0)


def test_side_candidates_reach_the_best_over_every_side_size() -> None:
    """The candidates ``k - 1``, clipped ``floor/ceil(p*)`` reach the best exact supremum
    over every ``p in [0, h - 1]`` (checked here for n <= 13; report: n <= 41)."""
    for n_ in range(3, 14):
        for f_ in range(1, (n_ - 1) // 2 + 1):
            for m_ in (1, 2, 3, 5):
                every = max(halves_gap_value(n_, f_, m_, p) for p in range(n_ - f_))
                chosen = halves_attack(n_, f_, m_, 1)
                assert chosen.high_count in halves_high_counts(n_, f_, m_)
                assert close(as_mp(chosen.gap_sup), every, mpmath.mpf(10) ** -60)


def test_b1_m1_better_layout_reaches_theory_plus_two_over_h() -> None:
    """n = 6, f = 2, m = 1: THEORY's balanced halves reach only gamma L^2 T (2 - 2/h) = 1.5
    gamma L^2 T (a window of h/2 - 1 copies ties the full one), equal to eq. (5); with
    p = h/2 - 1 = 1 the changed worker completes a symmetric S' and (B1) reaches
    gamma L^2 T (1 + sqrt(f/(n-2f)) + 2/h) = 2.5 gamma L^2 T, the registered value."""
    setting = Setting(n=6, f=2, m=1, T=10, step_size=Fraction(1, 10))
    balanced = halves_option(6, 2, 1, 1, 2)
    assert balanced.selected == 1 and balanced.gap_sup == sp.Rational(3, 2)
    instance = b1.build(setting)
    assert instance.extras["high_count"] == 1 and instance.extras["selected_byzantine"] == 2
    measured = measure(instance)
    assert instance.supremum == sp.Rational(5, 2)
    assert Fraction(5, 2) * (1 - Fraction(1, 10**40)) < measured.empirical_exact < Fraction(5, 2)
    assert _exact_bound(b1.LOWER_ID, instance) == sp.Rational(5, 2)
    poisoning = _exact_bound("thm3.3/convex", instance)
    assert poisoning == sp.Rational(3, 2) and measured.empirical_exact > poisoning


def test_central_claim_only_exception_is_n3_f1_m2() -> None:
    """For f >= n/3, n <= 41, m in {1, 2, 5}: sup (B1) / eq. (5) > 1 everywhere except
    (n, f, m) = (3, 1, 2), where both equal 1.5 gamma L^2 T (finding, report)."""
    equal = []
    for n_ in range(3, 42):
        for f_ in range((n_ + 2) // 3, (n_ - 1) // 2 + 1):
            for m_ in (1, 2, 5):
                gap = bounds.HALVES_GAP.subs({n: n_, f: f_, m: m_})
                eq5 = 2 * (f_ + sp.Rational(1, m_)) / (n_ - f_)
                assert _holds(gap, ">=", eq5)
                if _holds(gap, "==", eq5):
                    equal.append((n_, f_, m_))
    assert equal == [(3, 1, 2)]


def test_b2_theory_supremum_and_pushed_value() -> None:
    """THEORY (B2), its layout p = h/2: v_sup = L (n + 4/m)/(n - 2f),
    sup = 2fL/(n-2f) + 2nL/(m (n-f)(n-2f)): confirmed (HALVES_GAP_BALANCED); the S'
    window keeps the changed worker (mean (f(v+L) + 2L/m)/(n-f)).  The optimised side
    size does better (THEORY's quick search: n = 20, f = 3 about 0.706L; here the
    m -> oo limit is 12/17 = 0.70588L)."""
    for n_, f_, m_ in [(10, 2, 2), (20, 3, 3), (41, 9, 5)]:
        if (n_ - f_) % 2:
            continue
        attack = halves_option(n_, f_, m_, 1, (n_ - f_) // 2)
        assert attack.supremum.value == sp.Rational(n_ * m_ + 4, m_ * (n_ - 2 * f_))
        v = attack.supremum.value
        assert attack.supremum.output == (f_ * (v + 1) + sp.Rational(2, m_)) / (n_ - f_)
        expected = sp.Rational(2 * f_, n_ - 2 * f_) + sp.Rational(
            2 * n_, m_ * (n_ - f_) * (n_ - 2 * f_)
        )
        assert attack.gap_sup == expected
        values = {n: n_, f: f_, m: m_}
        assert bounds.HALVES_GAP_BALANCED.subs(values) == expected
        assert _holds(halves_attack(n_, f_, m_, 1).gap_sup, ">", expected)


def _limit(n_: int, f_: int) -> mpmath.mpf:
    """``m -> oo`` limit of the per-step gap, by brute force over the side size ``p``:
    the changed worker's shift ``2L/m`` vanishes, so ``S' -> S`` (``a -> -L``)."""
    h, k = n_ - f_, n_ - 2 * f_
    best = None
    for p in range(max(k - 1, 0), h):
        u = mpmath.mpf(2 * p - h) / h
        var_h = 1 - u * u
        if p >= k:
            gap = 1 - u + mpmath.sqrt(mpmath.mpf(f_) / k * var_h)
        else:  # P: k - 1 workers at +L and the changed worker at -L
            mu_p, var_p = mpmath.mpf(k - 2) / k, mpmath.mpf(4 * (k - 1)) / k**2
            gap = mu_p + mpmath.sqrt(f_ * (h * var_h - k * var_p) / (h * k)) - u
        best = gap if best is None else max(best, gap)
    return best


@pytest.mark.parametrize(
    ("n_", "f_"),
    [
        (6, 2),
        (7, 3),
        (10, 4),
        (22, 10),
        (21, 10),
        (11, 4),
        (10, 2),
        (20, 4),
        (40, 6),
        (20, 3),
        (41, 10),
    ],
)
def test_b1_b2_approach_m_infinity_limit(n_: int, f_: int) -> None:
    """From m = 5 on the gap rises to the m -> oo limit (at m = 1 it is above it)."""
    with mpmath.workdps(DPS):
        limit = _limit(n_, f_)
        values = [halves_gap_supremum(n_, f_, m_)[1] for m_ in (5, 10, 100, 10**4)]
        assert all(a < b for a, b in pairwise(values))
        assert all(v < limit for v in values)
        assert limit - values[-1] < mpmath.mpf(10) ** -3
        assert halves_gap_supremum(n_, f_, 1)[1] > limit
    if (n_, f_) == (20, 3):
        assert close(limit, Fraction(12, 17))
    if 3 * f_ >= n_:  # THEORY's 1 + sqrt(f/(n-2f)); equal only at n = 3f here
        theory = 1 + mpmath.sqrt(mpmath.mpf(f_) / (n_ - 2 * f_))
        assert limit > theory or (n_ == 3 * f_ and close(limit, theory))


def test_rational_below_stays_below_negative_values() -> None:
    for value in (sp.Rational(5, 2), -sp.Rational(5, 2), 1 + sp.sqrt(2), -1 - sp.sqrt(2)):
        v = rational_below(value, Fraction(1, 10**45), 60)
        assert _holds(value - sp.Rational(v), ">", 0)
        assert _holds(value - sp.Rational(v), "<", 2 * sp.Abs(value) / 10**45)


# --------------------------------------------------------------------------- strategies


def _view(messages, run: int, f_: int) -> View:
    return View(step=0, parameter=0, honest_messages=messages, run=run, misbehaving_count=f_)


def test_strategies_are_view_only() -> None:
    """Same view, other run: same messages; and with S = S' both runs coincide."""
    msgs = ((Fraction(-1), 3), (Fraction(1), 2), (Fraction(0), 1))
    for strategy in (
        ThresholdPush(Fraction(0), Fraction(5, 2)),
        AdaptiveTwoSidedPush(Fraction(0)),
    ):
        assert strategy.messages(_view(msgs, 0, 3)) == strategy.messages(_view(msgs, 1, 3))
    for module, setting in (
        (b1, Setting(n=7, f=3, m=2, T=5)),
        (b2, Setting(n=11, f=2, m=3, T=5)),
        (tailored, Setting(n=9, f=3, m=2, T=5)),
    ):
        problem = module.build(setting).problem
        for honest in (problem.honest, problem.honest_neighbour):
            same = Problem(
                honest=honest,
                honest_neighbour=honest,
                loss=problem.loss,
                misbehaving_count=problem.misbehaving_count,
                byzantine=problem.byzantine,
            )
            pair = run_pair(same, algorithm="gd", steps=5, step_size=Fraction(1, 10), dps=30)
            assert all(g == 0 for g in pair.gaps)


def test_bisection_matches_exact_supremum() -> None:
    honest = ((Fraction(-1), 5), (Fraction(1, 3), 1), (Fraction(1), 6))
    for direction in (1, -1):
        sup = push_supremum(honest, 4, direction=direction)
        v = largest_selected_push(honest, 4, direction=direction, dps=DPS)
        with mpmath.workdps(DPS):
            pushed = direction * v
        assert close(pushed, sup.value, mpmath.mpf(10) ** -40)
        assert pushed < as_mp(sup.value)


# --------------------------------------------------------------------------- tailored


@pytest.mark.parametrize(("n_", "f_", "m_"), [(7, 3, 2), (10, 4, 2), (21, 10, 3), (12, 2, 2)])
def test_tailored_closed_form_and_factor_against_b1(n_: int, f_: int, m_: int) -> None:
    setting = Setting(n=n_, f=f_, m=m_, T=7, step_size=Fraction(1, 5))
    instance = tailored.build(setting)
    measured = measure(instance)
    assert _holds(measured.empirical_exact, "==", _exact_closed_form(instance))
    assert _holds(_exact_bound(tailored.UPPER_ID, instance), ">=", instance.supremum)
    assert _holds(measured.empirical_exact, "<", instance.supremum)
    if 3 * f_ >= n_:
        # "roughly doubles" THEORY's one-sided push (balanced halves) ...
        scale = setting.step_size * setting.T
        balanced = bounds.HALVES_GAP_BALANCED.subs({n: n_, f: f_, m: m_}) * scale
        assert 1.9 < measured.empirical / as_mp(balanced) < 2.1
        # ... and beats the optimised (B1), the registered lower bound, by less
        one_sided = measure(b1.build(setting)).empirical
        assert _holds(instance.supremum, ">=", _exact_bound(tailored.LOWER_ID, instance))
        assert 1.6 < measured.empirical / one_sided < 2


def test_tailored_regression_n6_f2_m2() -> None:
    """The bug: the strategy sent the farthest value SMEA still selects.  In S (push
    down) both copies are selected up to v = -5/2 (output -7/4), one copy up to -8/3
    (output -31/24): the bisection sent -8/3, so S ended at gamma 31/24 instead of
    gamma 7/4 and the simulation (0.2917) missed the closed form (0.3458)."""
    for T in (1, 10):
        setting = Setting(n=6, f=2, m=2, T=T, step_size=Fraction(1, 10))
        instance = tailored.build(setting)
        attack = instance.extras["attack"]
        assert attack.down.selected == 2 and attack.down.value == sp.Rational(5, 2)
        assert attack.up.selected == 2 and attack.up.value == sp.Rational(5, 2)
        assert attack.gap_sup == sp.Rational(27, 8)
        measured = measure(instance)
        assert _holds(measured.empirical_exact, "==", _exact_closed_form(instance))
        assert instance.supremum == sp.Rational(27, 80) * T
        assert sp.Rational(27, 80) * T * (1 - sp.Rational(1, 10**40)) < measured.empirical_exact
        assert measured.empirical_exact < instance.supremum
        assert Fraction(7, 40) * T * (1 - Fraction(1, 10**40)) < measured.final
        assert measured.final < Fraction(7, 40) * T
        assert -Fraction(13, 80) * T * (1 - Fraction(1, 10**40)) > measured.final_neighbour
        assert measured.final_neighbour > -Fraction(13, 80) * T
        assert _holds(instance.supremum, ">=", _exact_bound(tailored.LOWER_ID, instance))
        assert _holds(instance.supremum, "<=", _exact_bound(tailored.UPPER_ID, instance))
    honest_s = ((Fraction(-1), 2), (Fraction(-1, 2), 1), (Fraction(1), 1))
    with mpmath.workdps(DPS):
        farthest = largest_selected_push(honest_s, 2, direction=-1, dps=DPS)
        assert close(farthest, -Fraction(8, 3), mpmath.mpf(10) ** -40)
    best = best_selected_push(honest_s, 2, direction=-1)
    assert -Fraction(5, 2) < best < -Fraction(5, 2) * (1 - Fraction(3, 10**45))


# --------------------------------------------------------------------------- Lemma 4.1


@settings(max_examples=12, deadline=None)
@given(
    st.integers(3, 15).flatmap(
        lambda n_: st.tuples(
            st.just(n_),
            st.integers(1, (n_ - 1) // 2),
            st.integers(1, 5),
            st.fractions(Fraction(1, 20), Fraction(1), max_denominator=20),
        )
    )
)
def test_lemma41_expected_gen_is_eps_over_2h(point: tuple[int, int, int, Fraction]) -> None:
    n_, f_, t_, gamma = point
    setting = Setting(n=n_, f=f_, m=1, T=t_, step_size=gamma)
    for threat in ("poisoning", "byzantine"):
        result = lemma41(setting, threat, 30)
        assert result.expected_gen == result.predicted  # exact, sign +
        assert result.theta_1 >= result.theta_2


def test_theorem42_ratio_order() -> None:
    ratios = [
        theorem42_ratio(Setting(n=21, f=f_, m=1, T=10, step_size=Fraction(1, 10)))
        for f_ in (7, 8, 9, 10)
    ]
    assert all(1 < float(r) for r, _ in ratios)
    assert all(0.5 < rel < 3 for _, rel in ratios)  # gen_byz/gen_pois = Theta(order)
