"""The theorem registry: evaluation, hypotheses, monotonicity, ordering of the bounds."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from boundkit import bounds
from boundkit.config import Setting
from boundkit.errors import HypothesisViolation, MissingParameter, ParameterError
from tests.strategies import valid_params

STABILITY = [r for r in bounds.REGISTRY if r.quantity == "uniform stability"]
UPPER_CONVEX = ["thm3.1/convex", "thm3.3/convex"]
UPPER_STRONG = ["thm3.1/strongly-convex", "thm3.3/strongly-convex"]


def test_registry_ids_unique_and_complete() -> None:
    ids = [r.id for r in bounds.REGISTRY]
    assert len(ids) == len(set(ids))
    for required in (
        "thm3.1/convex",
        "thm3.1/strongly-convex",
        "thm3.3/convex",
        "thm3.3/strongly-convex",
        "thm3.2/f-ge-n/3",
        "thm3.2/f-lt-n/3",
        "thm3.4/gd-convex",
        "thm3.4/gd-strongly-convex",
        "thm3.4/sgd-convex",
        "prop2.1",
        "lemma4.1",
        "thm4.2",
        "kappa/smea",
        "kappa/smea-recalled",
        "kappa/universal-lower",
        "byzantine/smea-sharp/convex",
        "byzantine/smea-sharp/strongly-convex",
    ):
        assert bounds.get(required).id == required


def test_every_upper_stability_bound_has_a_recursion() -> None:
    for r in STABILITY:
        if r.kind == "upper":
            assert r.recursion is not None, r.id


@settings(max_examples=60, deadline=None)
@given(valid_params(min_f=1))
def test_every_bound_finite_and_positive_where_hypotheses_hold(params: dict) -> None:
    evaluated = 0
    for result in STABILITY + [bounds.get("kappa/smea"), bounds.get("kappa/universal-lower")]:
        if bounds.violated_hypotheses(result, params):
            continue
        value = bounds.evaluate(result, params, dps=30)
        assert mpmath.isfinite(value) and value > 0, (result.id, value)
        evaluated += 1
    assert evaluated >= 5


@settings(max_examples=60, deadline=None)
@given(valid_params(), st.integers(1, 100))
def test_upper_bounds_grow_with_T(params: dict, extra: int) -> None:
    for rid in UPPER_CONVEX + UPPER_STRONG:
        before = bounds.exact_value(bounds.get(rid), params)
        after = bounds.exact_value(bounds.get(rid), {**params, "T": params["T"] + extra})
        assert bool(after > before), rid  # exact: eta^T is below 50 digits for large T


@settings(max_examples=60, deadline=None)
@given(valid_params(max_n=301))
def test_poisoning_bound_grows_with_f(params: dict) -> None:
    n, f = params["n"], params["f"]
    if 2 * (f + 1) >= n:
        f -= 1
    if f < 0:
        return
    for rid in ("thm3.3/convex", "thm3.3/strongly-convex"):
        low = bounds.evaluate(rid, {**params, "f": f})
        high = bounds.evaluate(rid, {**params, "f": f + 1})
        assert high > low, rid


@settings(max_examples=80, deadline=None)
@given(valid_params())
def test_byzantine_upper_never_below_poisoning_upper(params: dict) -> None:
    for byz, poison in zip(
        UPPER_CONVEX[:1] + UPPER_STRONG[:1], UPPER_CONVEX[1:] + UPPER_STRONG[1:], strict=True
    ):
        assert bounds.evaluate(byz, params) >= bounds.evaluate(poison, params)


def test_f_zero_gives_hardt_bound() -> None:
    params = dict(n=7, f=0, m=3, T=11, step_size=Fraction(1, 7), lipschitz=2, smoothness=1)
    hardt = 2 * Fraction(1, 7) * 4 * 11 / (7 * 3)
    for rid in UPPER_CONVEX:
        assert bounds.evaluate(rid, params) == pytest.approx(float(hardt), rel=1e-14)


def test_step_size_rule_is_named() -> None:
    params = dict(n=11, f=3, m=2, T=5, step_size=3, lipschitz=1, smoothness=1)
    with pytest.raises(HypothesisViolation) as info:
        bounds.evaluate("thm3.3/convex", params)
    assert "gamma <= 2/beta" in str(info.value)
    assert "step_size=3" in str(info.value)


def test_every_violated_hypothesis_is_listed() -> None:
    params = dict(n=10, f=1, m=2, T=5, step_size=3, lipschitz=1, smoothness=1)
    with pytest.raises(HypothesisViolation) as info:
        bounds.evaluate("thm3.2/f-ge-n/3", params)
    assert "3*f >= n" in str(info.value)
    with pytest.raises(HypothesisViolation) as info:
        bounds.evaluate("thm3.4/gd-convex", {**params, "f": 0})
    assert len(info.value.violations) == 2
    assert "f >= 1" in str(info.value) and "gamma <= 2/beta" in str(info.value)


@pytest.mark.parametrize(
    "params, name",
    [
        (dict(n=4, f=2), "f"),
        (dict(n=5, f=1, m=0), "m"),
        (dict(n=5, f=1, step_size=-1), "step_size"),
        (dict(n=5, f=1, step_size=float("nan")), "step_size"),
        (dict(n=5, f=1, lipschitz=float("inf")), "lipschitz"),
        (dict(n=5, f=-1), "f"),
        (dict(n=5, f=1, strong_convexity=2, smoothness=1), "strong_convexity"),
    ],
)
def test_setting_rejects_bad_input(params: dict, name: str) -> None:
    with pytest.raises(ParameterError) as info:
        Setting(**params)
    assert str(info.value).startswith(name + ":")


def test_missing_parameters_are_named() -> None:
    with pytest.raises(MissingParameter) as info:
        bounds.evaluate("thm3.3/convex", dict(n=5, f=1))
    assert "T" in str(info.value) and "step_size" in str(info.value)


def test_nan_parameter_rejected_by_evaluate() -> None:
    params = dict(n=11, f=3, m=2, T=5, step_size=float("nan"), lipschitz=1, smoothness=1)
    with pytest.raises(ParameterError, match="step_size"):
        bounds.evaluate("thm3.3/convex", params)


def test_precision_is_honoured() -> None:
    params = dict(n=11, f=3, m=3, T=7, step_size=Fraction(1, 3), lipschitz=1, smoothness=1)
    value = bounds.evaluate("thm3.1/convex", params, dps=80)
    with mpmath.workdps(80):
        kappa = mpmath.mpf(4 * 3) / (11 - 2 * 3)  # kappa* = 4f/(n - 2f), the default
        expected = 2 * mpmath.mpf(1) / 3 * 7 * (mpmath.mpf(1) / 24 + mpmath.sqrt(kappa))
        assert abs(value - expected) < mpmath.mpf(10) ** -75


@settings(max_examples=40, deadline=None)
@given(valid_params(min_f=1, max_n=61))
def test_fast_evaluation_matches_the_exact_path(params: dict) -> None:
    """The lambdified speed path of ``evaluate`` against SymPy's exact value."""
    for result in STABILITY + [bounds.get("kappa/smea"), bounds.get("thm4.2")]:
        if bounds.violated_hypotheses(result, params):
            continue
        fast = bounds.evaluate(result, params, dps=50)
        with mpmath.workdps(60):
            exact = mpmath.mpf(sp.N(bounds.exact_value(result, params), 70))
        assert abs(fast - exact) <= mpmath.mpf(10) ** -45 * max(abs(exact), 1), result.id


@pytest.mark.parametrize("kappa", [Fraction(1), Fraction(100), None])
def test_evaluate_respects_a_given_kappa_and_defaults_otherwise(kappa) -> None:
    """Regression: ``evaluate`` used the ``kappa_SMEA`` default even when ``kappa`` was
    given (the CLI's ``--kappa`` was silently ignored)."""
    params = dict(
        n=7, f=3, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1, smoothness=1, kappa=kappa
    )
    exact = bounds.exact_value(bounds.get("thm3.1/convex"), params)
    with mpmath.workdps(50):
        fast = bounds.evaluate("thm3.1/convex", params, 40)
        assert abs(fast - mpmath.mpf(sp.N(exact, 60))) < mpmath.mpf(10) ** -35
    smea = dict(params, kappa=Fraction(12))  # kappa* = 4f/(n - 2f), SMEA's sharp coefficient
    with_smea = bounds.evaluate("thm3.1/convex", smea, 40)
    assert (fast == with_smea) == (kappa is None)
