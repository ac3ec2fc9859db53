"""Certified verdicts (issue 12, parts 1 and 4): no tolerance, dps-independent, statistical
records with a stated confidence.

* the comparator decides exactly, algebraically or by refined balls, and says UNDECIDED
  rather than guess;
* a registered bound perturbed by a relative ``10**-45`` in the wrong direction fails;
* ``--dps 30/50/80`` give the same verdicts;
* the Monte Carlo branch: a closed form outside the rigorous interval fails, and the
  interval holds the exact expectation.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy as sp

from boundkit import bounds
from boundkit.bounds import registry
from boundkit.checks import grid, verify
from boundkit.checks.decide import compare
from boundkit.checks.exact_bounds import exact_bound
from boundkit.cli.main import main
from boundkit.config import Setting
from boundkit.dynamics.monte_carlo import rigorous_interval, samples_for
from boundkit.errors import ParameterError
from constructions import CONSTRUCTIONS
from constructions.measure import expected_stability_exact, measure

TINY = sp.Rational(1, 10**45)


# --------------------------------------------------------------------------- comparator
def test_comparator_has_no_tolerance() -> None:
    third = Fraction(1, 3)
    assert compare(third, ">=", third) == compare(third, "<=", third)
    assert compare(third, "==", third).method == "exact"
    below = third * (1 - Fraction(1, 10**200))
    assert compare(below, ">=", third).holds is False  # exact rationals
    root = sp.sqrt(2)
    decision = compare(root * (1 - sp.Rational(1, 10**300)) + sp.sqrt(3) - sp.sqrt(3), "<", root)
    assert decision.holds is True and decision.method in ("ball", "algebraic")
    nested = compare(sp.sqrt(2) + sp.sqrt(3), "==", sp.sqrt(5 + 2 * sp.sqrt(6)))
    assert nested.holds is True and nested.method == "algebraic"
    assert compare(sp.sqrt(2) + sp.sqrt(3), ">", sp.sqrt(5 + 2 * sp.sqrt(6))).holds is False


def test_comparator_says_undecided_instead_of_guessing() -> None:
    """``log 2 + log 3 - log 6`` is 0, but no ball separates it and no algebraic proof
    applies (logarithms): UNDECIDED, never a pass of ``>`` or ``==``."""
    for op in (">", "==", ">="):
        decision = compare(sp.log(2) + sp.log(3), op, sp.log(6))
        assert decision.holds is None and decision.method == "undecided"


def test_comparator_refuses_floats() -> None:
    with pytest.raises(TypeError):
        compare(0.1, ">", 0)


def test_exact_bound_equals_exact_value() -> None:
    """The fast two-stage substitution gives the registry's exact value."""
    for setting in (
        Setting(n=7, f=3, m=2, T=10, step_size=Fraction(1, 10), strong_convexity=Fraction(1, 2)),
        Setting(n=21, f=5, m=5, T=100, step_size=Fraction(1, 10), strong_convexity=Fraction(1, 3)),
        Setting(n=11, f=2, m=1, T=1, step_size=Fraction(1, 7), lipschitz=Fraction(3, 2)),
        Setting(n=9, f=1, m=3, T=4, step_size=Fraction(1, 5), strong_convexity=0),  # limit
    ):
        params = setting.as_dict()
        for result in bounds.REGISTRY:
            if result.quantity != "uniform stability" or _outside(result, params):
                continue
            fast = exact_bound(result.id, params)
            slow = bounds.exact_value(result, params)
            if slow.has(sp.nan):  # 0/0 at mu = 0 (T > 1) on both paths
                assert fast.has(sp.nan)
                continue
            assert compare(fast, "==", slow).holds is True, result.id


def _outside(result: bounds.Result, params: dict) -> bool:
    try:
        return bool(bounds.violated_hypotheses(result, params))
    except (ZeroDivisionError, ParameterError):  # mu = 0 for a bound dividing by mu
        return True


# --------------------------------------------------------------------------- 10^-45 perturbations
def _perturbed(monkeypatch: pytest.MonkeyPatch, result_id: str, factor: sp.Expr) -> None:
    original = registry.get(result_id)
    changed = dataclasses.replace(original, expression=original.expression * factor)
    monkeypatch.setitem(registry._BY_ID, result_id, changed)


@pytest.mark.parametrize(
    ("result_id", "factor", "message"),
    [
        ("thm3.4/gd-convex", 1 + TINY, "empirical < lower"),  # P1's lower bound up
        ("thm3.3/convex", 1 - TINY, "upper < empirical"),  # eq. (5) down
    ],
)
def test_bound_perturbed_by_1e45_fails(monkeypatch, capsys, result_id, factor, message) -> None:
    _perturbed(monkeypatch, result_id, factor)
    argv = ["verify", "--quick", "--no-proofs", "--no-progress", "--construction", "P1"]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "FAIL P1" in out and message in out


def test_undecided_fails_the_run_and_is_reported(monkeypatch, capsys) -> None:
    """eq. (5) plus ``log 2 + log 3 - log 6`` (exactly 0, but neither balls nor the
    algebraic test can show it): P1 reaches eq. (5), so ``upper >= empirical`` cannot be
    settled; the record is UNDECIDED and verify exits 1."""
    zero = sp.log(2) + sp.log(3) - sp.log(6)
    original = registry.get("thm3.3/convex")
    changed = dataclasses.replace(original, expression=original.expression + zero)
    monkeypatch.setitem(registry._BY_ID, "thm3.3/convex", changed)
    argv = ["verify", "--quick", "--no-proofs", "--no-progress", "--construction", "P1"]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "UNDECIDED P1" in out and "undecided: upper >= empirical" in out


def test_byzantine_lower_bound_perturbed_by_1e45_fails(monkeypatch) -> None:
    """The supremum B1 approaches equals its registered lower bound exactly: raising the
    bound by 10^-45 relative breaks ``supremum >= lower``."""
    case = grid.plan(grid.Grid(ns=(7,), ms=(2,), Ts=(10,)), ["B1"])[0]
    assert verify.run_case(case).status == "PASS"
    _perturbed(monkeypatch, "thm3.2/f-ge-n/3", 1 + TINY)
    record = verify.run_case(case)
    assert record.status == "FAIL" and "supremum < lower" in record.detail


# --------------------------------------------------------------------------- dps
def _verdicts(dps: int) -> list[tuple]:
    small = grid.Grid(ns=(5, 7), ms=(1, 2), Ts=(10,), sgd_ns=(5,))
    records = verify.run_cases(grid.plan(small), dps=dps)
    return [
        (r.construction, r.n, r.f, r.m, r.T, r.status, r.method, r.empirical_exact) for r in records
    ]


def test_dps_never_changes_a_verdict() -> None:
    at = {dps: _verdicts(dps) for dps in (30, 50, 80)}
    assert at[30] == at[50] == at[80]
    assert {v[5] for v in at[50]} == {"PASS"}
    assert all(v[6] for v in at[50])  # every record names its decision method
    assert {v[0] for v in at[50]} >= {"P1", "P2", "P3", "B1", "B2", "tailored"}


# --------------------------------------------------------------------------- Monte Carlo
@pytest.fixture(scope="module")
def p3_monte_carlo():
    """(P3) at a point whose exact expectation is known, measured by Monte Carlo."""
    setting = Setting(n=5, f=1, m=2, T=6, step_size=Fraction(1, 10))
    instance = CONSTRUCTIONS["P3"].build(setting)
    delta = Fraction(1, 10**6)
    measured = measure(instance, max_states=1, failure_probability=delta)
    exact, _, _ = expected_stability_exact(instance)
    return instance, measured, exact, delta


def test_monte_carlo_is_seeded_sized_and_holds_the_exact_expectation(p3_monte_carlo) -> None:
    instance, measured, exact, delta = p3_monte_carlo
    interval = measured.interval
    assert not measured.exact and interval.samples == samples_for(delta)
    assert interval.failure_probability == delta
    assert compare(exact, ">=", interval.low).holds and compare(exact, "<=", interval.high).holds
    again = measure(instance, max_states=1, failure_probability=delta)
    assert again.interval.mean == interval.mean  # reproducible: same seed, exact values
    upper = exact_bound("thm3.3/convex", instance.setting.as_dict())
    lower = exact_bound("thm3.4/sgd-convex", instance.setting.as_dict())
    decisions = verify.judge(upper, lower, measured)
    status, _, method = verify.verdict(decisions)
    assert status == "PASS" and "statistical" in method


def test_closed_form_outside_the_interval_fails(p3_monte_carlo) -> None:
    """A closed form 50% too high, still between the bounds (so only the interval check
    can see it), fails; removing the interval check makes this test fail."""
    instance, measured, exact, _ = p3_monte_carlo
    upper = exact_bound("thm3.3/convex", instance.setting.as_dict())
    lower = exact_bound("thm3.4/sgd-convex", instance.setting.as_dict())
    wrong = exact * sp.Rational(3, 2)
    assert compare(lower, "<=", wrong).holds and compare(wrong, "<=", upper).holds
    assert compare(wrong, ">", measured.interval.high).holds
    tampered = dataclasses.replace(measured, closed_form_exact=wrong)
    status, detail, _ = verify.verdict(verify.judge(upper, lower, tampered))
    assert status == "FAIL" and "closed form outside the Monte Carlo interval" in detail


def test_statistical_records_share_a_family_wise_confidence(monkeypatch) -> None:
    """Forced Monte Carlo (no exact budget): every SGD case of the run gets the family's
    failure probability divided by the number of SGD cases (Bonferroni)."""
    monkeypatch.setattr(verify, "SGD_MAX_STATES", 1)
    small = grid.Grid(ns=(5,), ms=(2,), Ts=(3,), sgd_ns=(5,))
    cases = [c for c in grid.plan(small) if c.construction == "P3"]
    records = verify.run_cases(cases)
    assert len(records) == 2
    expected = f"1 - {verify.FAMILY_FAILURE_PROBABILITY / 2}"
    for record in records:
        assert record.status == "PASS" and record.method == "exact+statistical"
        assert record.confidence == expected and not record.exact


def test_interval_refuses_values_outside_the_range() -> None:
    from boundkit.errors import ParameterError

    with pytest.raises(ParameterError):
        rigorous_interval([Fraction(1), Fraction(3)], 2, Fraction(1, 100))
