"""Issue 13, parts 1-2: kappa* = 4f/(n-2f) and the sharper SMEA Byzantine bound.

Every step of the derivation in ``proofs_check.kappa_star`` and ``proofs_check.sharp_bound``
passes as registered and fails when it (or the registered value) is perturbed.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
import sympy as sp

from boundkit import bounds
from boundkit.bounds import registry
from boundkit.bounds import symbols as S
from boundkit.checks.decide import compare
from boundkit.rules.aggregate import Aggregate
from proofs_check import facts as F
from proofs_check import kappa_star, sharp_1d, sharp_bound
from proofs_check.checks import run_check
from proofs_check.core import Check

SMALL_1D = ((3, 1), (5, 2))
SHARP_SIZES = ((3, 1), (5, 2), (6, 2))


def _scale(monkeypatch: pytest.MonkeyPatch, result_id: str, factor: sp.Expr) -> None:
    res = bounds.get(result_id)
    scaled = replace(res, expression=res.expression * factor)
    monkeypatch.setitem(registry._BY_ID, result_id, scaled)


def test_every_new_check_passes_as_registered() -> None:
    checks = (
        kappa_star.check_mean_split(),
        kappa_star.check_between_group(),
        kappa_star.check_derived_kappa(),
        kappa_star.check_exhaustive_1d(sizes=SMALL_1D),
        kappa_star.check_exhaustive_2d(sizes=((3, 1), (4, 1))),
        sharp_bound.check_min_is_two_f_over_h(),
        sharp_bound.check_per_run_exhaustive(sizes=SHARP_SIZES),
        *(sharp_bound.check_sharp_derived(rid, points=2) for rid in sharp_bound.SHARP_IDS),
    )
    assert all(c.passed for c in checks), [c.compared for c in checks if not c.passed]


def test_registered_values() -> None:
    """kappa/smea is kappa*; the recalled value is its own entry, above by (n-f)/(n-2f)."""
    sharp = bounds.exact_value(bounds.get("kappa/smea"), dict(n=7, f=2))
    recalled = bounds.exact_value(bounds.get("kappa/smea-recalled"), dict(n=7, f=2))
    assert sharp == sp.Rational(8, 3) and recalled == sharp * sp.Rational(5, 3)
    assert bounds.get("thm3.1/convex").defaults["kappa"] == bounds.get("kappa/smea").expression


@pytest.mark.parametrize("factor", [sp.Rational(99, 100), sp.Rational(101, 100)])
def test_kappa_star_perturbed_registered_value_fails(monkeypatch, factor) -> None:
    _scale(monkeypatch, "kappa/smea", factor)
    assert not kappa_star.check_derived_kappa().passed
    exhaustive = kappa_star.check_exhaustive_1d(sizes=SMALL_1D)
    assert not exhaustive.passed
    why = "||F - mean_S||^2 <= kappa lambda_S" if factor < 1 else "attained at every (n, f): False"
    assert why in exhaustive.compared


@pytest.mark.parametrize(
    ("name", "value", "failing"),
    [
        ("MEAN_SPLIT", F.MEAN_SPLIT * sp.Rational(101, 100), "mean-split"),
        ("BETWEEN_WEIGHT", F.BETWEEN_WEIGHT * sp.Rational(99, 100), "between-group"),
        ("BETWEEN_WEIGHT", F.BETWEEN_WEIGHT * sp.Rational(101, 100), "between-group"),
        ("SHARED_SIZE_MIN", F.SHARED_SIZE_MIN + 1, "derived"),
        ("SELECTED_SIZE", F.SELECTED_SIZE + 1, "derived"),
        ("SMEA_LAMBDA_RATIO", sp.Integer(2), "derived"),
    ],
)
def test_kappa_star_perturbed_step_fails(monkeypatch, name, value, failing) -> None:
    monkeypatch.setattr(F, name, value)
    check = {
        "mean-split": kappa_star.check_mean_split,
        "between-group": kappa_star.check_between_group,
        "derived": kappa_star.check_derived_kappa,
    }[failing]
    assert not check().passed


def test_subset_factor_too_small_fails_the_exhaustive_step(monkeypatch) -> None:
    """A smaller q (a mean split of (a - c)/(2a)) breaks the first leg on real inputs."""
    monkeypatch.setattr(F, "MEAN_SPLIT", (F.subset_size - F.shared_size) / (2 * F.subset_size))
    check = kappa_star.check_exhaustive_1d(sizes=SMALL_1D)
    assert not check.passed and "||mean_W - mean_C||^2 <= q lambda_W" in check.compared


def test_a_rule_that_does_not_minimise_fails_the_smea_step(monkeypatch) -> None:
    """The step lambda_W <= lambda_S is SMEA's: the first n - f vectors violate it."""

    def first_subset(rows, f):
        return Aggregate(None, tuple(range(len(rows) - f)), None)

    monkeypatch.setattr(kappa_star.rules, "smea", first_subset)
    check = kappa_star.check_exhaustive_1d(sizes=SMALL_1D)
    assert not check.passed and "lambda_W <= lambda_S" in check.compared


@pytest.mark.parametrize("factor", [1 - sp.Rational(1, 10**6), 1 + sp.Rational(1, 10**6)])
def test_sharp_bound_perturbed_registered_value_fails(monkeypatch, factor) -> None:
    for rid in sharp_bound.SHARP_IDS:
        _scale(monkeypatch, rid, factor)
        assert not sharp_bound.check_sharp_derived(rid, points=1).passed


def test_sharp_bound_with_the_other_minimum_fails(monkeypatch) -> None:
    """Taking sqrt(f/(n-2f)) as the smaller honest leg gives eq. (2) with kappa*, not the
    registered sharp bound."""
    monkeypatch.setattr(sharp_bound, "smaller", lambda first, second: second)
    assert not sharp_bound.check_sharp_derived(sharp_bound.SHARP_IDS[0], points=1).passed


def test_sharp_bound_smaller_diameter_fails(monkeypatch) -> None:
    """Two honest means are up to 2L apart: a diameter of L breaks the per-run inequality
    where it is attained (n = 3f) and the identity of the two honest legs."""
    monkeypatch.setattr(F, "DIAMETER", F.GRADIENT_NORM)
    assert not sharp_bound.check_per_run_exhaustive(sizes=SHARP_SIZES).passed
    assert not sharp_bound.check_min_is_two_f_over_h().passed


def test_sharp_bound_below_eq2_with_kappa_star_and_equal_at_n_3f() -> None:
    params = dict(m=2, T=5, step_size=Fraction(1, 10), lipschitz=1, smoothness=1)
    for n, f in ((7, 2), (10, 3), (31, 5), (9, 3), (12, 4)):
        point = dict(params, n=n, f=f)
        sharp = bounds.exact_value(bounds.get("byzantine/smea-sharp/convex"), point)
        eq2 = bounds.exact_value(bounds.get("thm3.1/convex"), point)
        assert compare(eq2, "==" if n == 3 * f else ">", sharp).holds is True
    assert S.kappa not in bounds.get("byzantine/smea-sharp/convex").expression.free_symbols


def _b4_record(n: int, f: int, m: int):
    from boundkit.checks.grid import Case
    from boundkit.checks.verify import run_case
    from boundkit.config import Setting

    return run_case(Case("B4", Setting(n=n, f=f, m=m, T=3, step_size=Fraction(1, 10))))


def test_verify_checks_byzantine_constructions_against_the_sharp_bound() -> None:
    """B4 at (31, 10, 1) (n = 3f + 1) lies within 5.6e-4 (relative) of the sharp bound."""
    record = _b4_record(31, 10, 1)
    assert record.status == "PASS", record.detail
    assert record.decisions["sharp upper >= reached"].startswith("holds")


def test_verify_reports_a_construction_above_the_sharp_bound(monkeypatch) -> None:
    """The sharp bound lowered by a relative 10^-3 is below B4's supremum there: FAIL,
    named as a bug of the sharp bound."""
    _scale(monkeypatch, "byzantine/smea-sharp/convex", 1 - sp.Rational(1, 10**3))
    record = _b4_record(31, 10, 1)
    assert record.status == "FAIL" and "above SMEA's sharper bound" in record.detail


def test_b4_attains_the_one_dimensional_bound_at_n_3f_plus_1() -> None:
    """At n = 3f + 1, m = 1, B4's supremum 2(4f + 1)/(2f + 1) (per step) is the 1-D bound
    2(1/N + 4f/(n - f)): the check against it is an exact equality there."""
    for f in (1, 2, 10):
        n = 3 * f + 1
        point = dict(n=n, f=f, m=1, T=1, step_size=1, lipschitz=1, smoothness=1)
        b4 = bounds.exact_value(bounds.get("byzantine/two-sided-push"), point)
        one_d = bounds.exact_value(bounds.get("byzantine/smea-1d/convex"), point)
        assert compare(b4, "==", one_d).holds is True
        assert compare(b4, "==", sp.Rational(2 * (4 * f + 1), 2 * f + 1)).holds is True


def test_verify_reports_a_construction_above_the_1d_bound(monkeypatch) -> None:
    """Lowered by a relative 10^-30, the 1-D bound is below B4's supremum at (31, 10, 1)."""
    record = _b4_record(31, 10, 1)
    assert record.decisions["1-d upper >= reached"].startswith("holds")
    _scale(monkeypatch, "byzantine/smea-1d/convex", 1 - sp.Rational(1, 10**30))
    record = _b4_record(31, 10, 1)
    assert record.status == "FAIL" and "above SMEA's 1-D bound" in record.detail


def test_b3_is_not_checked_against_the_1d_bound() -> None:
    from boundkit.checks.grid import Case
    from boundkit.checks.verify import run_case
    from boundkit.config import Setting

    record = run_case(Case("B3", Setting(n=11, f=2, m=1, T=2, step_size=Fraction(1, 10))))
    assert record.status == "PASS" and "1-d upper >= reached" not in record.decisions
    assert "sharp upper >= reached" in record.decisions


def test_one_dimensional_checks_pass() -> None:
    checks = (
        sharp_1d.check_variance_comparison(),
        sharp_1d.check_maximisation(),
        sharp_1d.check_per_run_exhaustive(sizes=sharp_1d.SIZES[:3]),
        sharp_1d.check_derived(sharp_1d.IDS_1D[0]),
    )
    assert all(c.passed for c in checks), [c.compared for c in checks if not c.passed]


@pytest.mark.parametrize("factor", [sp.Rational(99, 100), sp.Rational(101, 100)])
def test_one_dimensional_per_run_value_perturbed_fails(monkeypatch, factor) -> None:
    """A smaller per-run value is exceeded on the grid; a larger one is never attained; and
    either differs from the derived maximum."""
    monkeypatch.setattr(sharp_1d, "SMEA_DEVIATION_1D", sharp_1d.SMEA_DEVIATION_1D * factor)
    exhaustive = sharp_1d.check_per_run_exhaustive(sizes=sharp_1d.SIZES[:3])
    assert not exhaustive.passed
    assert ("0 violations" in exhaustive.compared) == (factor > 1)
    assert not sharp_1d.check_maximisation().passed


def test_one_dimensional_weaker_variance_ceiling_fails(monkeypatch) -> None:
    """Half the Bhatia-Davis ceiling: no longer attained, and a smaller per-run maximum."""
    monkeypatch.setattr(F, "variance_ceiling_1d", lambda mean: (S.L**2 - mean**2) / 2)
    sharp_1d.maximum_of_phi.cache_clear()
    try:
        check = Check("sharp-1d/maximisation", "", sharp_1d.check_maximisation)
        assert not run_check(check)[0].passed  # a failing or a crashing check
    finally:
        sharp_1d.maximum_of_phi.cache_clear()


def test_one_dimensional_registered_bound_perturbed_fails(monkeypatch) -> None:
    _scale(monkeypatch, sharp_1d.IDS_1D[0], 1 - sp.Rational(1, 10**6))
    assert not sharp_1d.check_derived(sharp_1d.IDS_1D[0]).passed
