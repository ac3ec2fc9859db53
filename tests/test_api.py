"""The public Python API (``import boundkit``): the four tasks of issue 15 and their contracts.

Expected values come from the paper's formulas or from an independent path of the code
(``run_pair`` against the trajectories, the unvalidated evaluation against the validated
one), never from the function under test.
"""

from __future__ import annotations

import doctest
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

import boundkit
from boundkit.bounds import evaluation, get
from boundkit.checks.grid import Grid
from boundkit.checks.grid_run import Verification, typed
from boundkit.checks.verify import Record
from boundkit.dynamics.coupled_runs import run_pair
from boundkit.errors import ParameterError
from boundkit.labs import user_rules
from constructions import CONSTRUCTIONS

POINT = dict(n=21, f=3, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1, smoothness=1)
PAPER = dict(n=21, f=3, m=2, T=10, gamma=Fraction(1, 10), L=1, beta=1)


# ------------------------------------------------------------------ 1. bounds


def test_eq5_exact_with_paper_symbols() -> None:
    # eq. (5): 2 gamma L^2 T (f + 1/m)/(n - f), written here from the paper
    n, f, m, T, gamma, L = 21, 3, 2, 10, Fraction(1, 10), 1
    expected = 2 * gamma * L**2 * T * (f + Fraction(1, m)) / (n - f)
    value = boundkit.exact_value("thm3.3/convex", PAPER)
    assert value == sp.Rational(expected.numerator, expected.denominator)


@pytest.mark.parametrize("result_id", ["thm3.1/convex", "thm3.3/convex", "thm3.2/f-lt-n/3"])
def test_aliases_equal_spelled_out_names(result_id: str) -> None:
    reference = evaluation.exact_value(get(result_id), POINT)
    assert boundkit.exact_value(result_id, PAPER) == reference
    assert boundkit.exact_value(result_id, **PAPER) == reference
    with mpmath.workdps(40):
        numeric = boundkit.evaluate(result_id, PAPER, dps=30)
        assert abs(numeric - mpmath.mpf(sp.N(reference, 40))) < mpmath.mpf(10) ** -28


def test_given_kappa_is_used() -> None:
    # eq. (2): 2 gamma L^2 T (1/N + sqrt(kappa)), N = (n - f) m
    value = boundkit.exact_value("thm3.1/convex", PAPER, kappa=4)
    assert value == 2 * sp.Rational(1, 10) * 10 * (sp.Rational(1, 36) + 2)


@pytest.mark.parametrize(
    ("extra", "named"),
    [({"kapa": 0}, "kapa"), ({"Gamma": 1}, "Gamma"), ({"lipshitz": 1}, "lipshitz")],
)
def test_misspelt_key_is_one_line_naming_it(extra: dict, named: str) -> None:
    for call in (boundkit.exact_value, boundkit.evaluate):
        with pytest.raises(ParameterError) as info:
            call("thm3.1/convex", PAPER | extra)
        message = str(info.value)
        assert message.startswith(f"{named}: ") and "\n" not in message
        assert "did you mean" in message


def test_one_parameter_spelled_twice_is_rejected() -> None:
    with pytest.raises(ParameterError, match="one value for step_size"):
        boundkit.exact_value("thm3.3/convex", PAPER | {"step_size": Fraction(1, 5)})


def test_keyword_replaces_the_mapping_value() -> None:
    assert boundkit.exact_value("thm3.3/convex", PAPER, T=20) == 2 * boundkit.exact_value(
        "thm3.3/convex", PAPER
    )


def test_strongly_convex_bound_at_mu_zero_names_the_parameter() -> None:
    # Setting's default strong_convexity = 0 ("merely convex") is outside mu > 0
    with pytest.raises(ParameterError, match="^strong_convexity: "):
        boundkit.evaluate("thm3.3/strongly-convex", boundkit.make_setting(PAPER).as_dict())
    with pytest.raises(ParameterError, match="^strong_convexity: "):
        boundkit.exact_value("thm3.1/strongly-convex", PAPER, mu=0)


def test_make_setting_accepts_symbols_and_requires_n_f() -> None:
    setting = boundkit.make_setting(PAPER, mu=Fraction(1, 2))
    assert setting == boundkit.Setting(**POINT, strong_convexity=Fraction(1, 2))
    with pytest.raises(ParameterError, match="^f: "):
        boundkit.make_setting(n=5)
    with pytest.raises(ParameterError, match="^epsilon: "):
        boundkit.make_setting(PAPER, epsilon=1)  # a registry name, not a Setting field


# ------------------------------------------------------------------ 2. constructions

SMALL = {
    "P1": dict(n=7, f=2, m=3, T=6),
    "P2": dict(n=7, f=2, m=3, T=6, mu=Fraction(1, 2)),
    "P3": dict(n=5, f=1, m=2, T=4),
    "B1": dict(n=7, f=3, m=2, T=6),
    "B2": dict(n=10, f=2, m=2, T=6),
    "B3": dict(n=20, f=3, m=1, T=6),
    "tailored": dict(n=7, f=3, m=1, T=6),
    "B4": dict(n=3, f=1, m=2, T=6),
}


def test_every_construction_is_covered() -> None:
    assert set(SMALL) == set(CONSTRUCTIONS)


@pytest.mark.parametrize("name", sorted(SMALL))
def test_trajectories_agree_with_the_coupled_run(name: str) -> None:
    run = boundkit.run_construction(name, SMALL[name], gamma=Fraction(1, 10), L=1, seed=3)
    instance = CONSTRUCTIONS[name].build(run.setting)
    assert len(run.trajectory) == len(run.trajectory_neighbour) == run.setting.T + 1
    arithmetic = "fraction" if instance.problem.loss.rational else "mpmath"
    pair = run_pair(
        instance.problem,
        algorithm=instance.algorithm,
        steps=run.setting.T,
        step_size=run.setting.step_size,
        arithmetic=arithmetic,
        seed=3,
    )
    assert run.trajectory[-1] == pair.final and run.trajectory_neighbour[-1] == pair.final_neighbour
    assert run.gaps == pair.gaps
    if run.algorithm == "gd":  # GD: the stability is of this very pair of runs
        assert run.trajectory[-1] == run.measurement.final
        assert run.stability_exact == instance.closed_form_value()


def test_p1_stability_is_the_papers_value() -> None:
    # P1 is tight against eq. (5): eps = 2 gamma L^2 T (f + 1/m)/(n - f)
    run = boundkit.run_construction("P1", n=7, f=2, m=3, T=10, gamma=Fraction(1, 10), L=1)
    assert run.stability_exact == sp.Rational(2 * 10 * (2 * 3 + 1), 10 * 3 * 5)
    assert run.trajectory[0] == 0 and run.gaps[0] == 0
    assert run.upper_bound == run.lower_bound == run.stability


def test_construction_errors_are_one_line() -> None:
    with pytest.raises(ParameterError, match="^construction B1: .*f >= n/3"):
        boundkit.run_construction("B1", n=10, f=2)
    with pytest.raises(ParameterError, match="^construction: .*B9"):
        boundkit.run_construction("B9", n=10, f=2)
    with pytest.raises(ParameterError, match="^setting: "):
        boundkit.run_construction("P1", boundkit.Setting(n=7, f=2), T=3)


# ------------------------------------------------------------------ 3. your own rule


def numpy_trimmed_mean(vectors: np.ndarray, f: int) -> np.ndarray:
    ordered = np.sort(vectors, axis=0)
    return ordered[f : len(vectors) - f].mean(axis=0)  # shape (1,) in dimension 1


def test_a_natural_numpy_rule_runs_every_construction() -> None:
    mine = boundkit.check_rule(numpy_trimmed_mean, 9, 3)
    builtin = boundkit.check_rule("cwtm", 9, 3)
    assert [r.construction for r in mine.runs] == [r.construction for r in builtin.runs]
    assert {r.construction: r.dimension for r in mine.runs if r.dimension} == {
        "B1": 1,
        "B3": 2,
        "tailored": 1,
        "B4": 1,
    }
    assert set(mine.coefficients) == {1, 2}
    for a, b in zip(mine.runs, builtin.runs, strict=True):
        assert a.status == b.status
        if a.stability is not None:  # the same rule in float64: equal up to rounding
            assert abs(a.stability - b.stability) <= 1e-12 * (1 + abs(b.stability))
            assert abs(a.kappa - b.kappa) <= 1e-9 * (1 + abs(b.kappa))


def test_scalar_output_accepted_in_one_dimension() -> None:
    found = boundkit.robustness_coefficient(lambda v, f: float(np.median(v)), 7, 2)
    median = boundkit.robustness_coefficient("median", 7, 2)
    assert abs(found.evaluation.value - median.evaluation.value) <= 1e-9


@pytest.mark.parametrize(
    ("rule", "d", "shape"),
    [
        (lambda v, f: v.mean(axis=0, keepdims=True), 1, "(1, 1)"),
        (lambda v, f: v.mean(axis=0, keepdims=True), 2, "(1, 2)"),
        (lambda v, f: v.mean(axis=0)[:, None], 2, "(2, 1)"),
        (lambda v, f: v, 1, "(7, 1)"),
        (lambda v, f: float(v.mean()), 2, "()"),
    ],
)
def test_other_output_shapes_are_rejected_at_the_edge(rule, d: int, shape: str) -> None:
    with pytest.raises(ParameterError) as info:
        boundkit.robustness_coefficient(rule, 7, 2, d)
    message = str(info.value)
    assert message.startswith("rule output: must satisfy shape (d,)") and shape in message
    assert "\n" not in message


def test_nonfinite_output_is_rejected() -> None:
    with pytest.raises(ParameterError, match="^rule output: must satisfy finite"):
        boundkit.robustness_coefficient(lambda v, f: v.mean(axis=0) * np.nan, 7, 2)


def test_bad_shape_caught_before_the_two_dimensional_run() -> None:
    def flat_only(vectors: np.ndarray, f: int) -> np.ndarray:
        return vectors.mean(axis=0) if vectors.shape[1] == 1 else vectors.mean(axis=0)[:1]

    with pytest.raises(ParameterError, match=r"rule output: .*\(2,\)"):
        boundkit.check_rule(flat_only, 9, 3, constructions=["B3"])


def test_simulator_numbers_come_back_in_the_runs_kind() -> None:
    rule = user_rules.CheckedRule(numpy_trimmed_mean)
    exact = rule([Fraction(1), Fraction(-1), Fraction(1, 2), Fraction(3)], 1)
    assert isinstance(exact, Fraction) and exact == Fraction(3, 4)
    pair = rule([(Fraction(1), Fraction(0)), (Fraction(3), Fraction(2))] * 2, 0)
    assert pair == (Fraction(2), Fraction(1))
    assert isinstance(rule([mpmath.mpf(1), mpmath.mpf(2)], 0), mpmath.mpf)


def test_status_is_decided_and_can_report_a_finding() -> None:
    third = sp.Rational(1, 3)
    assert user_rules._status(third, sp.Rational(1, 2)) == "within"
    assert user_rules._status(third, third) == "within"
    assert user_rules._status(sp.Rational(1, 2), third) == "EXCEEDS"
    assert user_rules._status(sp.sqrt(2), sp.Rational(141421356, 10**8)) == "EXCEEDS"
    assert user_rules._status(None, sp.oo) == "within"


def test_exceeding_run_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    # break the bound on purpose: every run that moved the parameters must be EXCEEDS
    monkeypatch.setattr(user_rules, "_exact_bound", lambda setting, ratio: sp.Rational(1, 10**9))
    report = boundkit.check_rule("smea", 7, 3, constructions=["B1", "tailored"])
    assert report.exceeded and all(r.status == "EXCEEDS" for r in report.runs)


# ------------------------------------------------------------------ 4. verification grid


def test_verify_grid_gives_typed_records() -> None:
    grid = Grid(ns=(5, 7), ms=(1,), Ts=(1, 10))
    result = boundkit.verify_grid(grid, constructions=["P1", "B1", "B2"])
    assert result.passed and result.cases and result.claims
    for case in result.cases:
        assert isinstance(case.setting, boundkit.Setting) and case.passed is True
        assert case.record.n == case.setting.n and case.record.T == case.setting.T
        reached = boundkit.run_construction(case.construction, case.setting)
        assert case.empirical_exact == reached.stability_exact
        assert isinstance(case.upper, mpmath.mpf)
    assert all(c.setting is None and c.check.startswith("central-claim") for c in result.claims)


def test_a_failed_record_fails_the_verification() -> None:
    fields = {name: "" for name in Record.__dataclass_fields__}
    fields |= dict(n=5, f=1, m=1, T=1, exact=True, status="FAIL", extras={}, decisions={})
    record = typed(Record(**fields), None)
    assert record.passed is False and record.empirical is None
    verification = Verification(Grid(ns=(5,)), (record,), ())
    assert not verification.passed and verification.failures == (record,)


def test_verify_grid_rejects_unknown_names() -> None:
    with pytest.raises(ParameterError, match="^grid: "):
        boundkit.verify_grid("fast")
    with pytest.raises(ParameterError, match="^constructions: "):
        boundkit.verify_grid("quick", constructions=["B9"])


# ------------------------------------------------------------------ the module itself


def test_public_names_and_docstring_example() -> None:
    for name in ("exact_value", "run_construction", "check_rule", "verify_grid"):
        assert name in boundkit.__all__ and callable(getattr(boundkit, name))
    failures, tried = doctest.testmod(boundkit, verbose=False)
    assert tried >= 1 and failures == 0
