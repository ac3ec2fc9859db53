"""proofs_check: every check passes on the registry, and each kind of check can fail.

A check that cannot fail is not a check: besides running the registry's checks, these
tests feed the check functions deliberately wrong inputs (a bound scaled by 1/2, a wrong
variance formula, a wrong construction value) and assert FAIL, and run the command line
with an injected failing check.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from fractions import Fraction
from itertools import combinations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from boundkit.bounds import SIGMA_M_SQUARED, get
from boundkit.bounds import symbols as S
from proofs_check import (
    CHECKS,
    Check,
    CheckResult,
    byzantine,
    expansivity,
    generalization,
    kappa,
    main,
    poisoning,
    run_check,
    variance,
)
from proofs_check import recursions as rec
from proofs_check.checks import UPPER_WITH_RECURSION
from proofs_check.core import smea_choice, weighted_variance

COUNT_LINE = re.compile(r"^(\d+) checks: (\d+) passed, (\d+) failed$")


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[CheckResult, float]]:
    """Every registered check, run once."""
    return {c.name: run_check(c) for c in CHECKS}


# --------------------------------------------------------------------------- registry
def test_registry_is_data_with_unique_names() -> None:
    names = [c.name for c in CHECKS]
    assert len(names) == len(set(names))
    assert len(names) >= 15
    assert all(isinstance(c, Check) and callable(c.run) and c.reference for c in CHECKS)


@pytest.mark.parametrize("name", [c.name for c in CHECKS])
def test_check_passes(outcomes: dict[str, tuple[CheckResult, float]], name: str) -> None:
    res, seconds = outcomes[name]
    assert res.name == name
    assert seconds < 20, f"{name} took {seconds:.1f} s"
    assert res.passed, f"{name}: {res.compared} | {res.detail}"


def test_all_checks_fast(outcomes: dict[str, tuple[CheckResult, float]]) -> None:
    assert sum(s for _, s in outcomes.values()) < 90


# --------------------------------------------------------------------------- can fail
@pytest.mark.parametrize("rid", UPPER_WITH_RECURSION)
def test_recursion_check_fails_on_halved_bound(rid: str) -> None:
    res = get(rid)
    assert rec.check_recursion(res).passed
    assert not rec.check_recursion(replace(res, expression=res.expression / 2)).passed


def test_recursion_check_fails_on_wrong_increment() -> None:
    res = get("thm3.3/convex")
    wrong = replace(res.recursion, increment=res.recursion.increment * (1 + 1 / S.m))
    assert not rec.check_recursion(replace(res, recursion=wrong)).passed


def test_recursion_check_fails_on_wrong_factor() -> None:
    res = get("thm3.1/strongly-convex")
    wrong = replace(res.recursion, factor=1 - S.gamma * S.mu)
    assert not rec.check_recursion(replace(res, recursion=wrong)).passed


def test_simplified_check_fails_when_simplified_too_small() -> None:
    res = get("thm3.3/strongly-convex")
    assert not rec.check_simplified_dominates(replace(res, simplified=res.simplified / 2)).passed


def test_pairwise_identity_check_fails_on_wrong_formula() -> None:
    def unbiased(xs: list[sp.Expr]) -> sp.Expr:  # 1/(k(k-1)) instead of 1/k^2
        k = len(xs)
        return sp.Rational(1, k * (k - 1)) * sum((a - b) ** 2 for a, b in combinations(xs, 2))

    assert not variance.check_pairwise_identity(unbiased).passed


def test_three_cluster_checks_fail_on_wrong_formula() -> None:
    def wrong(a, b, c, d12, d13, d23):  # noqa: ANN001, ANN202 - same signature as the formula
        return (a * b * d12 + a * c * d13 + b * c * d23) / (a + b + c)

    assert not variance.check_three_cluster(wrong).passed
    assert not variance.check_three_cluster_eigen(wrong).passed


def test_p1_tight_check_fails_on_wrong_bound() -> None:
    res = get("thm3.4/gd-convex")
    assert poisoning.check_p1_tight(res).passed
    wrong = replace(res, expression=2 * S.gamma * S.L**2 * S.T * S.f / (S.n - S.f))
    assert not poisoning.check_p1_tight(wrong).passed


def test_p2_check_fails_on_wrong_constant() -> None:
    res = get("thm3.4/gd-strongly-convex")
    assert not poisoning.check_p2_stability(replace(res, expression=2 * res.expression)).passed


def test_byzantine_sup_check_fails_on_scaled_bounds() -> None:
    b1, b2 = get("thm3.2/f-ge-n/3"), get("thm3.2/f-lt-n/3")
    grid = ((9, 3, 2), (7, 1, 2), (8, 3, 2))
    assert byzantine.check_byzantine_sup_reached(grid=grid, results=(b1, b2)).passed
    too_big = replace(b1, expression=b1.expression * sp.Rational(101, 100))
    assert not byzantine.check_byzantine_sup_reached(grid=grid, results=(too_big, b2)).passed
    too_small = replace(b2, expression=b2.expression * sp.Rational(99, 100))
    assert not byzantine.check_byzantine_sup_reached(grid=grid, results=(b1, too_small)).passed


def test_byzantine_sup_check_rejects_the_uncorrected_b1_entry() -> None:
    """The first registry entry (no Piecewise, n - f even) overstated (B1) at m = 1."""
    b1, b2 = get("thm3.2/f-ge-n/3"), get("thm3.2/f-lt-n/3")
    n, f, m = S.n, S.f, S.m
    old = replace(
        b1,
        expression=S.gamma
        * S.L**2
        * S.T
        * (1 + sp.sqrt(SIGMA_M_SQUARED) * sp.sqrt(f / (n - 2 * f))),
        hypotheses=(*b1.hypotheses, sp.Eq(sp.Mod(n - f, 2), 0)),
    )
    grid = ((9, 3, 2), (9, 3, 1), (12, 4, 3))
    res = byzantine.check_byzantine_sup_reached(grid=grid, results=(old, b2))
    assert not res.passed and "(9, 3, 1)" in res.compared
    fixed = replace(old, hypotheses=(*old.hypotheses, sp.GreaterThan(m, 2)))
    assert byzantine.check_byzantine_sup_reached(grid=grid, results=(fixed, b2)).passed


def test_byzantine_sup_check_sees_the_m1_case() -> None:
    """At (9, 3, 1) the brute force reaches only 2L(h-1)/h = 5/3 (lowest-start ties)."""
    honest = [(Fraction(1), 4), (Fraction(-1), 2)]  # m = 1: the changed worker is at +L
    reached, largest, _ = byzantine.sup_output(honest, 3)
    assert abs(reached - Fraction(5, 3)) < Fraction(1, 10**9)
    assert largest <= Fraction(5, 3)


def test_expansivity_check_reads_the_registered_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    res = get("thm3.1/strongly-convex")
    wrong = replace(res, recursion=replace(res.recursion, factor=1 - S.gamma * S.mu))
    real_get = expansivity.get
    monkeypatch.setattr(
        expansivity, "get", lambda rid: wrong if rid == "thm3.1/strongly-convex" else real_get(rid)
    )
    assert not expansivity.check_expansive_strongly_convex().passed


def test_lemma41_check_fails_on_wrong_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    res = get("lemma4.1")
    real_get = generalization.get
    monkeypatch.setattr(
        generalization,
        "get",
        lambda rid: (
            replace(res, expression=-res.expression) if rid == "lemma4.1" else real_get(rid)
        ),
    )
    assert not generalization.check_lemma41().passed


def test_kappa_exhaustive_is_exact_and_small_domains_work() -> None:
    assert kappa.check_kappa_exhaustive(n_max=30).passed


# --------------------------------------------------------------------------- helpers
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.fractions(min_value=-10, max_value=10, max_denominator=50), min_size=2, max_size=9)
)
def test_pairwise_identity_on_random_rationals(xs: list[Fraction]) -> None:
    k = len(xs)
    pairwise = sum((a - b) ** 2 for a, b in combinations(xs, 2)) / Fraction(k * k)
    assert weighted_variance([(x, 1) for x in xs]) == pairwise


def test_smea_choice_matches_plain_subsets() -> None:
    values = [Fraction(v) for v in (-3, -1, 0, 0, 2, 5, 5)]
    best = min(weighted_variance([(v, 1) for v in sub]) for sub in combinations(values, 5))
    pool = [(Fraction(v), c) for v, c in ((-3, 1), (-1, 1), (0, 2), (2, 1), (5, 2))]
    assert smea_choice(pool, 5)[0] == best


def test_raising_check_is_a_failure() -> None:
    def boom() -> CheckResult:
        raise ZeroDivisionError("deliberate")

    res, _ = run_check(Check("boom", "test", boom))
    assert not res.passed and "ZeroDivisionError" in res.compared


# --------------------------------------------------------------------------- command line
def _failing() -> CheckResult:
    return CheckResult("injected", False, "deliberately failing", "")


def test_main_exit_status_and_count_line(capsys: pytest.CaptureFixture[str]) -> None:
    quick = [c for c in CHECKS if c.name.startswith("expansivity/")]
    assert main([], checks=quick) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert COUNT_LINE.match(out[-1]).groups() == (str(len(quick)), str(len(quick)), "0")
    assert main([], checks=[*quick, Check("injected", "test", _failing)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == f"{len(quick) + 1} checks: {len(quick)} passed, 1 failed"
    assert any(line.startswith("injected") and " FAIL " in line for line in out)


def test_main_list_only_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0
    listed = capsys.readouterr().out.strip().splitlines()
    assert len(listed) == len(CHECKS)
    assert main(["--only", "variance/three-cluster-scalar", "--verbose"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "1 checks: 1 passed, 0 failed"
    assert any(line.startswith("    moment = ") for line in out)
    assert main(["--only", "no-such-check"]) == 2


def test_cli_subprocess_runs_everything() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "proofs_check"], capture_output=True, text=True, timeout=300
    )
    lines = proc.stdout.strip().splitlines()
    match = COUNT_LINE.match(lines[-1])
    assert match, proc.stdout[-2000:]
    total, passed, failed = map(int, match.groups())
    assert total == len(CHECKS) and passed + failed == total
    assert (total, passed, failed) == (len(CHECKS), len(CHECKS), 0), proc.stdout
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_subprocess_exit_1_with_injected_failure() -> None:
    code = (
        "import sys\n"
        "from proofs_check import Check, CheckResult, main\n"
        "bad = Check('injected', 'test', lambda: CheckResult('injected', False, 'no', ''))\n"
        "sys.exit(main([], checks=[bad]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stdout.strip().splitlines()[-1] == "1 checks: 0 passed, 1 failed"
