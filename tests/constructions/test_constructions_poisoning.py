"""Poisoning constructions (P1), (P2), (P3): simulated values against closed forms and bounds.

THEORY.md section 3.  For random valid settings: registered upper >= empirical >=
registered lower and empirical == closed form, all exact rationals (no tolerance); (P1)
is tight; (P3)'s exact expectation lies in the rigorous Monte Carlo interval and equals
the generic per-path average of the per-state stability.
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from boundkit import bounds
from boundkit.checks.decide import compare
from boundkit.config import Setting
from boundkit.dynamics.coupled_runs import draw_layout, run_pair
from boundkit.dynamics.sgd_expectation import expected_gap_exact
from boundkit.dynamics.stability import uniform_stability
from constructions import p1_poisoning_gd_convex as p1
from constructions import p2_poisoning_gd_strongly_convex as p2
from constructions import p3_poisoning_sgd_convex as p3
from constructions.measure import (
    closed_form_exact,
    exact_number,
    expected_stability_exact,
    measure,
    setting_subs,
)

DPS = 50
MODULES = {"P1": p1, "P2": p2, "P3": p3}


def rationals(low: Fraction, high: Fraction, denominator: int = 100) -> st.SearchStrategy:
    return st.fractions(min_value=low, max_value=high, max_denominator=denominator).filter(
        lambda x: x > 0
    )


@st.composite
def poisoning_settings(draw: st.DrawFn, max_T: int = 20) -> Setting:
    """A setting with f >= 1, n <= 31, m in 1..5, T <= max_T, gamma <= min(2/beta, 1/mu)."""
    n = draw(st.integers(3, 31))
    f = draw(st.integers(1, (n - 1) // 2))
    beta = draw(rationals(Fraction(1, 4), Fraction(4)))
    mu = draw(rationals(Fraction(1, 10), Fraction(1))) * beta
    gamma = draw(rationals(Fraction(1, 100), Fraction(1))) / beta
    return Setting(
        n=n,
        f=f,
        m=draw(st.integers(1, 5)),
        T=draw(st.integers(1, max_T)),
        step_size=gamma,
        lipschitz=draw(rationals(Fraction(1, 4), Fraction(4))),
        smoothness=beta,
        strong_convexity=mu,
    )


def check_sandwich(name: str, setting: Setting) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Build, measure, and check upper >= empirical == closed form >= lower, exactly
    (every value here is rational)."""
    module = MODULES[name]
    construction = module.CONSTRUCTION
    instance = construction.build(setting)
    measurement = measure(instance, dps=DPS)
    params = instance.setting.as_dict()
    upper = bounds.exact_value(bounds.get(construction.upper_id), params)
    lower = bounds.exact_value(bounds.get(construction.lower_id), params)
    assert measurement.exact
    empirical = measurement.empirical_exact
    assert all(x.is_Rational for x in (upper, empirical, lower)), (upper, empirical, lower)
    assert empirical == measurement.closed_form_exact, (setting, empirical)
    assert upper >= empirical, (setting, upper, empirical)
    assert empirical >= lower, (setting, empirical, lower)
    return upper, empirical, lower


# --------------------------------------------------------------------------- metadata
def test_construction_metadata() -> None:
    expected = {
        "P1": ("gd", "convex", "thm3.3/convex", "thm3.4/gd-convex"),
        "P2": ("gd", "strongly-convex", "thm3.3/strongly-convex", "thm3.4/gd-strongly-convex"),
        "P3": ("sgd", "convex", "thm3.3/convex", "thm3.4/sgd-convex"),
    }
    for name, (algorithm, convexity, upper, lower) in expected.items():
        c = MODULES[name].CONSTRUCTION
        assert (c.name, c.threat, c.algorithm, c.convexity) == (
            name,
            "poisoning",
            algorithm,
            convexity,
        )
        assert (c.upper_id, c.lower_id) == (upper, lower)
        bounds.get(c.upper_id), bounds.get(c.lower_id)


# --------------------------------------------------------------------------- (P1)
@settings(max_examples=20, deadline=None)
@given(poisoning_settings())
def test_p1_between_bounds_and_tight(setting: Setting) -> None:
    assume(p1.applies(setting) is None)
    upper, empirical, _ = check_sandwich("P1", setting)
    assert empirical == upper  # tight: eq. (5) exactly


@settings(max_examples=20, deadline=None)
@given(poisoning_settings())
def test_p1_tight_in_exact_fractions(setting: Setting) -> None:
    assume(p1.applies(setting) is None)
    instance = p1.build(setting)
    pair = run_pair(
        instance.problem,
        algorithm="gd",
        steps=setting.T,
        step_size=setting.step_size,
        arithmetic="fraction",
    )
    stability = uniform_stability(instance.problem.loss, pair.final, pair.final_neighbour)
    assert isinstance(stability, Fraction | int)
    eq5 = bounds.exact_value(bounds.get("thm3.3/convex"), instance.setting.as_dict())
    assert exact_number(stability) == eq5 == closed_form_exact(instance)
    assert pair.final == -pair.final_neighbour > 0


# --------------------------------------------------------------------------- (P2)
@settings(max_examples=20, deadline=None)
@given(poisoning_settings())
def test_p2_between_bounds(setting: Setting) -> None:
    assume(p2.applies(setting) is None)
    upper, empirical, lower = check_sandwich("P2", setting)
    assert empirical == lower  # the registered lower bound is what (P2) reaches
    assert sp.Rational(1, 8) <= empirical / upper <= sp.Rational(1, 4)


@settings(max_examples=20, deadline=None)
@given(poisoning_settings())
def test_p2_exact_fractions_and_domain(setting: Setting) -> None:
    assume(p2.applies(setting) is None)
    instance = p2.build(setting)
    pair = run_pair(
        instance.problem,
        algorithm="gd",
        steps=setting.T,
        step_size=setting.step_size,
        arithmetic="fraction",
    )
    radius = p2.radius(setting)
    d = radius * (setting.f + Fraction(1, setting.m)) / (setting.n - setting.f)
    assert pair.final == -pair.final_neighbour and 0 <= -pair.final <= d <= radius
    stability = uniform_stability(instance.problem.loss, pair.final, pair.final_neighbour)
    assert exact_number(stability) == closed_form_exact(instance)
    # the Lipschitz link L |gap| over-estimates the quadratic loss's stability
    assert stability <= Fraction(setting.lipschitz) * (pair.final_neighbour - pair.final)


def test_p2_ratio_to_full_eq6_is_not_theory_claim() -> None:
    """THEORY.md (P2) claims eps / eq.6 = (1 - (1 - gamma mu)^T)/8.  Against the full eq. 6
    (with its factor 1 - (1 - gamma mu/2)^T) the ratio is
    (1 - (1 - gamma mu)^T) / (8 (1 - (1 - gamma mu/2)^T)), in [1/8, 1/4].
    Counterexample, exactly: n=5, f=1, m=1, T=1, gamma=1/mu=2, L=1: ratio 1/4, claim 1/8."""
    setting = Setting(
        n=5,
        f=1,
        m=1,
        T=1,
        step_size=2,
        lipschitz=1,
        smoothness=Fraction(1, 2),
        strong_convexity=Fraction(1, 2),
    )
    instance = p2.build(setting)
    eq6 = bounds.exact_value(bounds.get("thm3.3/strongly-convex"), instance.setting.as_dict())
    ratio = sp.simplify(closed_form_exact(instance) / eq6)
    assert ratio == sp.Rational(1, 4)
    gamma, mu = sp.Integer(2), sp.Rational(1, 2)
    claim = (1 - (1 - gamma * mu) ** 1) / 8  # THEORY.md's value: 1/8
    assert claim == sp.Rational(1, 8) != ratio
    subs = setting_subs(instance.setting, "step_size", "strong_convexity", "T")
    assert p2.RATIO_TO_EQ6.subs(subs) == ratio


# --------------------------------------------------------------------------- (P3)
@settings(max_examples=20, deadline=None)
@given(poisoning_settings(max_T=20))
def test_p3_between_bounds(setting: Setting) -> None:
    assume(p3.applies(setting) is None)
    upper, empirical, _ = check_sandwich("P3", setting)
    if setting.m == 1:
        assert empirical == upper  # SGD = GD, (P1) data: eq. (5)
    else:
        assert empirical < upper / 2


@settings(max_examples=10, deadline=None)
@given(poisoning_settings(max_T=9))
def test_p3_theory_design_between_bounds(setting: Setting) -> None:
    """THEORY.md's design (B curved) with :func:`theory_design`: 2^T states, small T."""
    assume(setting.m > 1 and p3.applies(setting) is None)
    instance = p3.build(setting, variant="theory")
    measurement = measure(instance, dps=DPS)
    params = instance.setting.as_dict()
    assert measurement.exact
    empirical = measurement.empirical_exact
    assert empirical == measurement.closed_form_exact
    assert bounds.exact_value(bounds.get(p3.UPPER_ID), params) >= empirical
    assert empirical >= bounds.exact_value(bounds.get(p3.LOWER_ID), params)


def _follow_path(setting: Setting, variant: str, rng: random.Random) -> None:
    instance = p3.build(setting, variant)
    layout = draw_layout(instance.problem)
    assert layout == (setting.m,)  # only the special worker draws
    draws = [tuple(rng.randrange(k) for k in layout) for _ in range(setting.T)]
    pair = run_pair(
        instance.problem,
        algorithm="sgd",
        steps=setting.T,
        step_size=setting.step_size,
        arithmetic="fraction",
        draws=draws,
    )
    h, gamma, lip = setting.n - setting.f, Fraction(setting.step_size), Fraction(setting.lipschitz)
    if variant == "theory":
        curvature, _ = p3.theory_design(setting)
        c, rate, upper = 1 - gamma * setting.f * curvature / h, setting.f * lip, 2 * lip / curvature
    else:
        d = p3.design(setting)
        c, rate, upper = Fraction(1), setting.f * (lip - d.e_b), d.upper
    x, started = Fraction(0), False
    for (index,) in draws:
        drawn = index == 0
        started = started or drawn
        if started:
            x = c * x + gamma * (rate + lip * drawn) / h
    assert pair.final == 0 and pair.final_neighbour == x
    assert 2 * x <= upper  # the projection never binds in S'


@settings(max_examples=20, deadline=None)
@given(poisoning_settings(max_T=60), st.randoms(use_true_random=False))
def test_p3_each_draw_path_follows_the_recursion(setting: Setting, rng: random.Random) -> None:
    """Exact Fractions, one random draw path: S stays at 0; S' stays at 0 until the first
    draw of the special sample, then theta' <- c theta' + gamma (f u + L D_t)/(n - f)
    (linear drift: c = 1, u = L - e_B; THEORY's design: c = 1 - gamma f b/(n - f), u = L)."""
    assume(setting.m > 1 and p3.applies(setting) is None)
    _follow_path(setting, "linear-drift", rng)
    _follow_path(setting, "theory", rng)


@settings(max_examples=20, deadline=None)
@given(poisoning_settings(max_T=150))
def test_p3_closed_forms_reach_the_proven_lower_bound(setting: Setting) -> None:
    """Exact rationals, no simulation, every T >= 1 (also T <= m): each design's closed form
    >= (1 - 1/(8T)) resp. (1 - 1/(2T)) times the supremum >= gamma L^2 (f (T - m) + T/m)/(n - f)
    >= the registered gamma L^2 f (T - m)/(n - f); below eq. (5)/2 for m >= 2, = eq. (5) at m = 1.
    """
    for variant, factor in (("linear-drift", 8), ("theory", 2)):
        instance = p3.build(setting, variant)
        value = closed_form_exact(instance)
        subs = dict(instance.closed_form_subs)
        supremum, proven = p3.SUPREMUM.subs(subs), p3.PROVEN_LOWER.subs(subs)
        registered = bounds.get("thm3.4/sgd-convex").expression.subs(subs)
        eq5 = bounds.get("thm3.3/convex").expression.subs(subs)
        if setting.m == 1:
            assert value == eq5 >= proven >= registered
            continue
        assert supremum >= value >= (1 - sp.Rational(1, factor * setting.T)) * supremum
        assert (1 - sp.Rational(1, 8 * setting.T)) * supremum >= proven >= registered
        assert setting.T == 1 or supremum > value
        assert value < eq5 / 2


@pytest.mark.parametrize("variant", p3.VARIANTS)
def test_p3_expectation_of_per_state_stability(variant: str) -> None:
    """E[sup_z |...|] over every draw path (per-path uniform_stability, generic) equals
    L * E|gap| from the simulator's exact dynamic programme (the linear witness (L, 0))."""
    setting = Setting(n=9, f=3, m=3, T=6, step_size=Fraction(1, 4), lipschitz=2, smoothness=2)
    instance = p3.build(setting, variant)
    by_paths, _, _ = expected_stability_exact(instance, dps=DPS, method="paths")
    by_witness, _, _ = expected_stability_exact(instance, dps=DPS, method="witness")
    assert by_paths == by_witness == closed_form_exact(instance)  # exact rationals
    gap = expected_gap_exact(instance.problem, steps=setting.T, step_size=setting.step_size)
    assert by_witness == 2 * exact_number(gap)  # L = 2


@pytest.mark.parametrize(
    "n, f, m, T, seed",
    [(7, 2, 2, 8, 1), (11, 3, 3, 6, 2), (6, 1, 5, 7, 3)],
)
def test_p3_monte_carlo_agrees_with_exact(n: int, f: int, m: int, T: int, seed: int) -> None:
    setting = Setting(n=n, f=f, m=m, T=T, step_size=Fraction(1, 5), lipschitz=1)
    instance = p3.build(setting)
    exact = measure(instance, dps=DPS)
    estimate = measure(instance, dps=DPS, max_states=1, monte_carlo_samples=300, seed=seed)
    assert exact.exact and not estimate.exact
    interval = estimate.interval
    assert compare(interval.low, "<=", exact.empirical_exact).holds
    assert compare(exact.empirical_exact, "<=", interval.high).holds
    assert exact.empirical_exact == estimate.closed_form_exact


# --------------------------------------------------------------------------- applies
def test_applies_rejects_invalid_settings() -> None:
    base = dict(
        n=7,
        f=2,
        m=2,
        T=5,
        step_size=Fraction(1, 10),
        lipschitz=1,
        smoothness=1,
        strong_convexity=Fraction(1, 2),
    )
    ok = Setting(**base)
    for module in MODULES.values():
        assert module.applies(ok) is None
        assert "f >= 1" in module.applies(ok.with_(f=0))
    assert p1.applies(ok.with_(step_size=3)) is not None  # gamma > 2/beta
    assert p3.applies(ok.with_(step_size=3)) is not None
    assert "strong_convexity" in p2.applies(ok.with_(strong_convexity=0))
    assert "1/mu" in p2.applies(ok.with_(step_size=3))  # gamma > 1/mu
    assert p3.applies(ok.with_(T=1)) is not None  # T < m
    assert p3.applies(ok.with_(T=0)) is not None
    assert p1.applies(ok.with_(T=0)) is None


def test_instance_settings_carry_the_real_constants() -> None:
    s = Setting(
        n=7,
        f=2,
        m=2,
        T=5,
        step_size=Fraction(1, 10),
        lipschitz=3,
        smoothness=2,
        strong_convexity=Fraction(1, 2),
    )
    assert p1.build(s).setting.strong_convexity == 0
    assert p1.build(s).setting.smoothness == 2
    i2 = p2.build(s)
    assert i2.setting.smoothness == i2.setting.strong_convexity == Fraction(1, 2)
    assert i2.problem.loss.lipschitz == 3 and i2.problem.loss.radius == 3
    i3 = p3.build(s)
    assert i3.setting.strong_convexity == 0 and i3.problem.loss.lipschitz == 3
    assert i3.problem.loss.smoothness <= i3.setting.smoothness


# --------------------------------------------------------------------------- examples
def test_pepit_style_examples() -> None:
    measured, theoretical = p1.wc_poisoning_gd_convex(
        7, 2, 3, 10, Fraction(1, 10), 1, verbose=False
    )
    assert mpmath.nstr(measured, 15) == mpmath.nstr(theoretical, 15) == "0.933333333333333"
    measured, theoretical = p2.wc_poisoning_gd_strongly_convex(
        7, 2, 3, 10, Fraction(1, 10), 1, Fraction(1, 2), verbose=False
    )
    assert mpmath.nstr(measured, 15) == mpmath.nstr(theoretical, 15) == "0.18725609502209"
    measured, theoretical = p3.wc_poisoning_sgd_convex(
        7, 2, 3, 6, Fraction(1, 10), 1, verbose=False
    )
    assert mpmath.nstr(measured, 15) == mpmath.nstr(theoretical, 15) == "0.205863435451913"
